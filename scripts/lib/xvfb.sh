# Sourced by scripts/test, scripts/measure-idle, scripts/measure-first-frame and scripts/order-window.

# start_xvfb DIR: starts a private X server and sets $xvfb_pid and $xvfb_display (":N").
# Xvfb picks a free display itself (-displayfd) and writes its number once it accepts
# clients, so nothing guesses a number or sleeps for a fixed time. -noreset: otherwise the
# server resets when its last client leaves, and a poll by xdotool that ends before the program
# has connected makes the program's connection fail. Returns 2 if no display within 30 s.
start_xvfb() {
  local file=$1/display
  rm -f "$file"
  Xvfb -displayfd 3 -noreset -screen 0 1280x800x24 -nolisten tcp 3>"$file" >/dev/null 2>&1 &
  xvfb_pid=$!
  for _ in $(seq 300); do [ -s "$file" ] && break; sleep 0.1; done
  if [ ! -s "$file" ]; then
    echo "${0##*/}: Xvfb did not start within 30 s" >&2
    kill "$xvfb_pid" 2>/dev/null || true
    return 2
  fi
  xvfb_display=:$(tr -d '[:space:]' <"$file")
  rm -f "$file"
}

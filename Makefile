# tokenscope: `make run` builds and opens the window, `make test` runs every check CI runs.
# Both install what they need first (system packages via scripts/install-deps, then cargo).

.PHONY: run test deps deps-build deps-measure bench install measure-idle measure-first-frame measure-cli measure-ops measure-inspect order-window

run: deps-build
	cargo run --release --bin tokenscope-window

test: deps
	cargo fmt --check
	cargo clippy --all-targets -- -D warnings
	scripts/test

deps:
	scripts/install-deps test

deps-build:
	scripts/install-deps build

# The measurements need the test tools (Xvfb, xdotool, the test server) plus valgrind, curl and xev.
deps-measure:
	scripts/install-deps measure

bench: deps-build
	cargo bench --bench inspect --bench first_frame

install: deps-build
	cargo install --locked --path .

measure-idle: deps-measure
	scripts/measure-idle

# Needs perf and root (uprobes).
measure-first-frame: deps-measure
	scripts/measure-first-frame

measure-cli: deps-build
	scripts/measure-cli

measure-inspect: deps-measure
	scripts/measure-inspect

measure-ops: deps-measure
	scripts/measure-ops

# Rewrites linker/tokenscope-window.order (the window's start-up functions, placed together).
order-window: deps-measure
	scripts/order-window

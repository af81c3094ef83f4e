# Sourced by the measure scripts.

# median: the median of the numbers on stdin, one a line; "n/a" if there are none (a script
# that divides by it then fails loudly instead of printing a ratio of nothing).
median() {
  sort -n | awk '{a[NR] = $1} END {if (NR == 0) print "n/a"; else print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'
}

# ratio_interval APP_FILE BARE_FILE: a 95 % bootstrap interval for median(app) / median(bare),
# printed "low–high", from 2000 resamples (with replacement) of each file's whole-millisecond
# times, one a line. A run's ratio of medians moves by a few per cent from run to run on this
# kind of machine; the interval says whether a ratio just over a target is more than that.
ratio_interval() {
  awk '
    # The median of n draws (with replacement) from v[1..n], by counting: the times are
    # whole milliseconds over a range of a few hundred.
    function resampled_median(v, n,   i, c, k, low, high, seen, lo_v, hi_v) {
      delete c
      low = 1e9; high = -1e9
      for (i = 1; i <= n; i++) {
        k = v[int(rand() * n) + 1]
        c[k]++
        if (k < low) low = k
        if (k > high) high = k
      }
      seen = 0; lo_v = ""; hi_v = ""
      for (k = low; k <= high; k++) {
        if (!(k in c)) continue
        seen += c[k]
        # Ranks (n+1)/2 twice for odd n; n/2 and n/2+1 for even n.
        if (lo_v == "" && seen >= int((n + 1) / 2)) lo_v = k
        if (hi_v == "" && seen >= int(n / 2) + 1) hi_v = k
      }
      return (lo_v + hi_v) / 2
    }
    NR == FNR {a[++na] = int($1 + 0.5); next}
    {b[++nb] = int($1 + 0.5)}
    END {
      if (na == 0 || nb == 0) exit
      srand(1)
      for (r = 1; r <= 2000; r++) print resampled_median(a, na) / resampled_median(b, nb)
    }' "$1" "$2" | sort -g | awk '{r[NR] = $1} END {if (NR) printf "%.3f–%.3f", r[int(NR * 0.025) + 1], r[int(NR * 0.975)]; else print "n/a"}'
}

# Sourced by the measure scripts.

# median: the median of the numbers on stdin, one a line; "n/a" if there are none (a script
# that divides by it then fails loudly instead of printing a ratio of nothing).
median() {
  sort -n | awk '{a[NR] = $1} END {if (NR == 0) print "n/a"; else print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'
}

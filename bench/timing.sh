# Sourced by the bench scripts: seconds CMD... runs CMD with its output discarded and prints its
# wall time in seconds; a failing CMD prints nothing and fails, so a failed run can never be
# recorded as a fast one (errexit does not reach into the $(...) the scripts call this in).
seconds() {
  local t0 t1
  t0=$(date +%s.%N)
  "$@" >/dev/null || return
  t1=$(date +%s.%N)
  awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f\n", b - a}'
}

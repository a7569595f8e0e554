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

# rotating_rounds ROUNDS RUN NAME...: ROUNDS rounds, each calling `RUN NAME` (which prints seconds,
# as `seconds` does) once for every NAME, starting one place further along the list each round, so
# that load on this noisy machine falls on all of them alike. The names in the array
# `first_round_only`, if set, run once, at the end of the first round (models too slow to repeat).
# Each name's times, space-separated, go into the global associative array `times`; one line per
# round goes to stderr. A failing RUN fails the whole call.
rotating_rounds() {
  local rounds=$1 run=$2 r i who t line
  shift 2
  local runners=("$@") order
  declare -gA times
  for ((r = 0; r < rounds; r++)); do
    line="round $((r + 1)):"
    order=()
    for ((i = 0; i < ${#runners[@]}; i++)); do order+=("${runners[$(((i + r) % ${#runners[@]}))]}"); done
    if [ "$r" -eq 0 ]; then order+=(${first_round_only[@]+"${first_round_only[@]}"}); fi
    for who in "${order[@]}"; do
      t=$("$run" "$who") || return
      times[$who]="${times[$who]:-} $t"
      line="$line $who $t s,"
    done
    echo "${line%,}" >&2
  done
}

# bf16_on_bf16_kernels MODEL: whether `--precision bf16` runs MODEL on bfloat16 kernels here. It
# runs everywhere, but on float32 kernels (slower than fp32) where the CPU lacks bf16 instructions
# or its bfloat16 self-check finds them wrong (README, "Same numbers on every CPU"); the tool's
# warning says which, and the caller leaves bf16 out of its speed table.
bf16_on_bf16_kernels() {
  local output
  output=$(./seranet bench --model "$1" --precision bf16 --device cpu --size 64x64 --count 1 --json 2>&1) || { echo "$output" >&2; return 1; }
  if grep -q '"bf16_on_fp32_kernels": true' <<<"$output"; then
    echo "bf16 left out for $1: $(grep '^warning:' <<<"$output" | tail -1)" >&2
    return 1
  fi
}

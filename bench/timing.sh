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

# bf16_accepted MODEL: whether `--precision bf16` runs for MODEL here. The CPU needs bf16
# instructions, and the tool also refuses bf16 where its bfloat16 self-check finds this CPU's
# kernels wrong (README, "Same numbers on every CPU"); the refusal is printed, and the caller
# leaves bf16 out of its table.
bf16_accepted() {
  grep -qwE 'avx512_bf16|amx_bf16' /proc/cpuinfo || return 1
  local refusal
  if ! refusal=$(./seranet bench --model "$1" --precision bf16 --device cpu --size 64x64 --count 1 2>&1 >/dev/null); then
    echo "bf16 left out for $1: $(grep '^error:' <<<"$refusal" | tail -1)" >&2
    return 1
  fi
}

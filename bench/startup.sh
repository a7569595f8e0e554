#!/usr/bin/env bash
# Where one small photo's run goes: `seranet image --verbose` on a 128x128 photo (the first
# public image, cropped square and scaled), ROUNDS times; prints each step's share of the
# whole-process wall time (the `timing:` lines, plus the exit after the last one) and writes
# bench/results/startup.json. Shares, not seconds, are what carry over from a loaded machine.
#   bench/startup.sh [ROUNDS] [-- EXTRA SERANET IMAGE OPTIONS]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
rounds="${1:-3}"
shift || true
[ "${1:-}" = "--" ] && shift
result=bench/results/startup.json
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
./seranet --version >/dev/null
[ -d data/eval ] || scripts/fetch-data.sh >/dev/null
ffmpeg -nostdin -v error -i "$(ls data/eval/*.png | head -1)" -vf "crop='min(iw,ih)':'min(iw,ih)',scale=128:128:flags=area" "$work/photo.png"
for ((r = 0; r < rounds; r++)); do
  t0=$(date +%s.%N)
  ./seranet image "$work/photo.png" -o "$work/out.png" --overwrite --verbose "$@" 2>"$work/log-$r" >/dev/null
  t1=$(date +%s.%N)
  awk -v wall="$(awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}')" -v round="$r" '
    /^timing:/ {
      s = $2; sub(/^timing: +[0-9.]+ s  /, ""); sub(/ \(at [0-9.]+ s\)$/, "")
      if (match($0, /self-check \([0-9.]+ s\)/)) { check = substr($0, RSTART + 12, RLENGTH - 15) }
      step[++n] = $0; sec[n] = s; total += s
    }
    END {
      step[++n] = "exit after the last step (runtime and libtorch shutdown)"; sec[n] = wall - total
      for (i = 1; i <= n; i++) printf "%d\t%.3f\t%.4f\t%s\n", round, sec[i], sec[i] / wall, step[i]
      # Part of the model step, not an extra one: the shares above already add up to 1.
      if (check != "") printf "%d\t%.3f\t%.4f\t%s\n", round, check, check / wall, "of which the convolution self-check"
    }' "$work/log-$r"
done > "$work/rows"
python3 - "$work/rows" "$rounds" "$(cut -d' ' -f1 /proc/loadavg)" <<'PY' | tee "$result"
import json, re, sys, statistics
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1])]
steps = {}
for r, sec, share, step in rows:
    # The numbers inside a step's name (self-check seconds, first image) differ per run.
    key = re.sub(r"\s*\([^()]*\d[^()]*\)", "", step)
    steps.setdefault(key, []).append((float(sec), float(share)))
out = {"rounds": int(sys.argv[2]), "load_average_at_end": float(sys.argv[3]), "steps": [
    {"step": k, "median_seconds": round(statistics.median(s for s, _ in v), 3),
     "median_share": round(statistics.median(f for _, f in v), 3),
     "share_range": [round(min(f for _, f in v), 3), round(max(f for _, f in v), 3)]} for k, v in steps.items()]}
print(json.dumps(out, indent=2))
PY

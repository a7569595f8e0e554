#!/usr/bin/env bash
# What `seranet prune` finds in every shipped fusion model: the proved bound on the change at the
# branches' inputs, the measured change of the output on the public set's photos and the synthetic
# extremes, and the multiply-adds before and after. The pruned files are thrown away (speed and
# quality of pruned models: COST_CURVE_MODELS="NAME-pruned ..." bench/cost-curve.sh).
#   bench/prune.sh    writes bench/results/prune.json
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
scripts/fetch-data.sh >/dev/null
./seranet --version >/dev/null
models=$(./seranet models --json | python3 -c 'import json, sys; print(" ".join(m["name"] for m in json.load(sys.stdin)["models"]))')
for m in $models; do
  # seranet-v1's sigmoid path is not the small presets' (and a refusal is a result too).
  if ./seranet prune "$m" -o "$work/$m.srnv" --data data/eval --json > "$work/$m.json" 2> "$work/$m.err"; then
    echo "$m: pruned" >&2
  else
    echo "$m: refused: $(grep -m1 -i 'error' "$work/$m.err" || tail -1 "$work/$m.err")" >&2
    python3 -c 'import json, sys; print(json.dumps({"model": sys.argv[1], "refused": open(sys.argv[2]).read().strip().splitlines()[-1]}))' "$m" "$work/$m.err" > "$work/$m.json"
  fi
done
python3 - "$work" $models <<'PY' | tee bench/results/prune.json
import json, sys
work, models = sys.argv[1], sys.argv[2:]
rows = []
for m in models:
    r = json.load(open(f"{work}/{m}.json"))
    if "refused" in r:
        rows.append({"model": m, "refused": r["refused"]})
        continue
    rows.append({"model": m, "branch_input_bound_levels": round(r["branch_input_bound"] * 255, 4),
                 "measured_output_change_levels": round(r["measured_output_change"] * 255, 4), "pictures": r["pictures"],
                 "multiply_adds_before": r["multiply_adds_before"], "multiply_adds_after": r["multiply_adds_after"],
                 "fewer_multiply_adds": round(1 - r["multiply_adds_after"] / r["multiply_adds_before"], 3)})
print(json.dumps({"data": "data/eval", "models": rows}, indent=2))
PY

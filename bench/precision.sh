#!/usr/bin/env bash
# What each --precision costs in quality: `seranet eval` on the public set (data/eval, the
# protocol of bench/quality.sh) once per precision, and the change in mean Y-PSNR and RGB PSNR
# against fp32. Speed is bench/peak.sh's (model only, side by side with fp32).
#   bench/precision.sh [MODEL]
# Writes bench/results/precision.json. bf16 is skipped on CPUs without bf16 instructions, where
# the tool refuses it.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
model="${1:-seranet-fast-deep}"
result=bench/results/precision.json
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
./seranet --version >/dev/null
[ -d data/eval ] || scripts/fetch-data.sh >/dev/null
precisions=(fp32)
if grep -qwE 'avx512_bf16|amx_bf16' /proc/cpuinfo; then precisions+=(bf16); fi
for p in "${precisions[@]}"; do
  ./seranet eval --data data/eval --model "$model" --precision "$p" --device cpu --json > "$work/$p.json"
done
python3 - "$model" "$work" "${precisions[@]}" <<'PY' | tee "$result"
import json, sys
model, work, precisions = sys.argv[1], sys.argv[2], sys.argv[3:]
rows = {}
for p in precisions:
    means = json.load(open(f"{work}/{p}.json"))["means"]
    rows[p] = next(m for m in means if m["method"].startswith(model))
base = rows["fp32"]
print(json.dumps({"model": model, "precisions": [
    {"precision": p, "y_psnr": round(r["y_psnr"], 4), "rgb_psnr": round(r["rgb_psnr"], 4), "ssim": round(r["ssim"], 5),
     "y_psnr_change_db": round(r["y_psnr"] - base["y_psnr"], 4), "rgb_psnr_change_db": round(r["rgb_psnr"] - base["rgb_psnr"], 4)}
    for p, r in rows.items()]}, indent=2))
PY

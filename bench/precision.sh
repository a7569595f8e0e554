#!/usr/bin/env bash
# What each --precision costs in quality: `seranet eval` on the public set (data/eval, the
# protocol of bench/quality.sh) once per backend and precision, and the change in mean Y-PSNR and
# RGB PSNR against torch fp32 (onnxruntime fp32 is there too: int8's own baseline, the same graph
# in float). Speed is bench/peak.sh's (model only, side by side with fp32).
#   bench/precision.sh [MODEL]
# Writes bench/results/precision.json for the default model, bench/results/precision-MODEL.json
# for another. int8 is skipped on CPUs without VNNI, where the tool refuses it.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
model="${1:-seranet-fast-deep}"
result=bench/results/precision.json
[ "$model" = seranet-fast-deep ] || result="bench/results/precision-$model.json"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
./seranet --version >/dev/null
[ -d data/eval ] || scripts/fetch-data.sh >/dev/null
# bf16 gives the same pictures on bfloat16 and on float32 kernels, so its quality is measured on any CPU.
configs=(torch/fp32 torch/bf16 onnxruntime/fp32)
if grep -qwE 'avx512_vnni|avx_vnni' /proc/cpuinfo; then configs+=(onnxruntime/int8); fi
for c in "${configs[@]}"; do
  ./seranet eval --data data/eval --model "$model" --backend "${c%/*}" --precision "${c#*/}" --device cpu --json > "$work/${c/\//-}.json"
done
python3 - "$model" "$work" "${configs[@]}" <<'PY' | tee "$result"
import json, sys
model, work, configs = sys.argv[1], sys.argv[2], sys.argv[3:]
rows = {}
for c in configs:
    means = json.load(open(f"{work}/{c.replace('/', '-')}.json"))["means"]
    rows[c] = next(m for m in means if m["method"].startswith(model))
base = rows["torch/fp32"]
print(json.dumps({"model": model, "precisions": [
    {"backend": c.split("/")[0], "precision": c.split("/")[1],
     "y_psnr": round(r["y_psnr"], 4), "rgb_psnr": round(r["rgb_psnr"], 4), "ssim": round(r["ssim"], 5),
     "y_psnr_change_db": round(r["y_psnr"] - base["y_psnr"], 4), "rgb_psnr_change_db": round(r["rgb_psnr"] - base["rgb_psnr"], 4)}
    for c, r in rows.items()]}, indent=2))
PY

#!/usr/bin/env bash
# Same numbers on every x86-64 CPU: scores the shipped models on the public set twice, with this
# CPU's fastest kernels and with libtorch's kernels capped at AVX2, and prints both means side by
# side. Writes bench/results/numerics.json.
#   bench/numerics.sh [--model M ...]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
scripts/fetch-data.sh >/dev/null
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
models=("$@")
[ ${#models[@]} -gt 0 ] || models=(--model seranet-fast-deep --model seranet-fast --model seranet-v1)

./seranet eval --data data/eval "${models[@]}" --json --verbose > "$work/native.json"
ONEDNN_MAX_CPU_ISA=AVX2 ATEN_CPU_CAPABILITY=avx2 ./seranet eval --data data/eval "${models[@]}" --json --verbose > "$work/avx2.json"
python3 - "$work/native.json" "$work/avx2.json" bench/results/numerics.json <<'PY'
import collections, json, platform, sys
def means(path):
    scores = collections.defaultdict(list)
    for s in json.load(open(path))["scores"]:
        scores[s["method"]].append(s["y_psnr"])
    return {k: sum(v) / len(v) for k, v in scores.items()}
native, capped = means(sys.argv[1]), means(sys.argv[2])
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
flags = next((l for l in open("/proc/cpuinfo") if l.startswith("flags")), "")
rows = [{"method": m, "native_y_psnr": native[m], "avx2_y_psnr": capped[m], "difference_db": native[m] - capped[m]} for m in native]
json.dump({"cpu": cpu, "avx512": " avx512f" in flags, "rows": rows}, open(sys.argv[3], "w"), indent=2)
print(f"CPU: {cpu} (AVX-512: {'yes' if ' avx512f' in flags else 'no'})")
print(f"{'method':22s} {'native':>9s} {'AVX2':>9s} {'difference':>11s}")
for r in rows:
    print(f"{r['method']:22s} {r['native_y_psnr']:9.4f} {r['avx2_y_psnr']:9.4f} {r['difference_db']:+11.5f}")
PY
echo "written: bench/results/numerics.json"

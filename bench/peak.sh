#!/usr/bin/env bash
# Model-only speed as a fraction of this CPU's float32 peak, for each backend and precision.
# Each round measures the peak (seranet bench --peak: a fused multiply-add loop on every core,
# widest vectors) and the model alone (seranet bench: tiles, batches, colour and the network on
# 320x180 frames, 4 per batch, after a warm-up batch) in each configuration, rotating the order,
# so that background load on a shared machine hits all alike; the figures are medians over rounds.
#   bench/peak.sh [ROUNDS] [MODEL]
# Prints, per configuration: output megapixels per second, the multiply-adds per second that
# implies (the model's multiply-adds per input pixel x input pixels per second; the tiles'
# padded context is not counted, so this is a lower bound on what the CPU does), that as a
# fraction of the peak, and the speed relative to torch fp32. The fraction and the relative speed
# are medians of per-round ratios (each round's own peak and torch fp32 run); the megapixels and
# multiply-adds are plain medians. Writes bench/results/peak.json, or peak-NAME.json for another
# model (NAME: the model's name, or its file's name without .srnv for a path).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
rounds="${1:-3}"
model="${2:-seranet-fast-deep}"
result=bench/results/peak.json
[ "$model" = seranet-fast-deep ] || result="bench/results/peak-$(basename "$model" .srnv).json"
./seranet --version >/dev/null

# backend/precision pairs; bf16 only where it runs on bfloat16 kernels (bf16 instructions and kernels
# that pass its bfloat16 self-check; elsewhere on float32 kernels, slower than fp32) and int8 only
# where the CPU has VNNI (the tool refuses it elsewhere).
. "$(dirname "${BASH_SOURCE[0]}")/timing.sh"
configs=(torch/fp32 onnxruntime/fp32)
if bf16_on_bf16_kernels "$model"; then configs+=(torch/bf16); fi
if grep -qwE 'avx512_vnni|avx_vnni' /proc/cpuinfo; then configs+=(onnxruntime/int8); fi

field() { grep -o "\"$1\": [0-9.eE+-]*" | head -1 | grep -o '[0-9.eE+-]*$'; }
peak() { ./seranet bench --peak --json | field peak_fp32_multiply_adds_per_second; }
model_run() {
  ./seranet bench --model "$model" --backend "${1%/*}" --precision "${1#*/}" --size 320x180 --batch 4 --count 16 --device cpu --json
}

# Per round: megapixels per second, multiply-adds per second, that over the round's peak, and
# the speed over torch fp32's in the same round (paired, so a slow round slows both sides).
declare -A mpix macs frac rel
peaks=()
n=${#configs[@]}
for ((r = 0; r < rounds; r++)); do
  peaks+=("$(peak)")
  for ((i = 0; i < n; i++)); do
    c=${configs[$(((i + r) % n))]}
    out="$(model_run "$c")"
    mpix[$c]+="$(field output_megapixels_per_second <<<"$out") "
    macs[$c]+="$(field multiply_adds_per_second <<<"$out") "
  done
  pk_round=${peaks[-1]}
  base_round=$(printf '%s\n' ${mpix[torch/fp32]} | tail -1)
  for c in "${configs[@]}"; do
    m=$(printf '%s\n' ${mpix[$c]} | tail -1); a=$(printf '%s\n' ${macs[$c]} | tail -1)
    frac[$c]+="$(awk -v a="$a" -v p="$pk_round" 'BEGIN {print a / p}') "
    rel[$c]+="$(awk -v m="$m" -v b="$base_round" 'BEGIN {print m / b}') "
  done
  echo "round $((r + 1)): peak ${peaks[-1]} MAC/s; $(for c in "${configs[@]}"; do printf '%s [%s] ' "$c" "${mpix[$c]}"; done)" >&2
done
median() { printf '%s\n' $1 | sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
pk=$(median "${peaks[*]}")
{
  printf '{\n  "model": "%s",\n  "rounds": %d,\n  "cores": %d,\n  "load_average_at_end": %s,\n' "$model" "$rounds" "$(nproc)" "$(cut -d' ' -f1 /proc/loadavg)"
  printf '  "peak_fp32_multiply_adds_per_second": %.4g,\n  "configurations": [\n' "$pk"
  for ((i = 0; i < n; i++)); do
    c=${configs[$i]}
    awk -v c="$c" -v m="$(median "${mpix[$c]}")" -v a="$(median "${macs[$c]}")" -v f="$(median "${frac[$c]}")" -v rel="$(median "${rel[$c]}")" -v last=$((i == n - 1)) 'BEGIN {
      split(c, p, "/")
      printf "    {\"backend\": \"%s\", \"precision\": \"%s\", \"output_mpix_per_s\": %.4f, \"multiply_adds_per_second\": %.4g, \"fraction_of_fp32_peak\": %.4f, \"speed_vs_torch_fp32\": %.3f}%s\n", p[1], p[2], m, a, f, rel, last ? "" : ","
    }'
  done
  printf '  ]\n}\n'
} | tee "$result"
echo >&2
awk -v pk="$pk" 'BEGIN {printf "%-12s %-9s %14s %10s %14s %12s\n", "backend", "precision", "output MP/s", "GMAC/s", "of fp32 peak", "vs torch fp32"}' >&2
grep -o '{"backend.*}' "$result" | sed 's/[{}"]//g; s/,/ /g' | awk '{printf "%-12s %-9s %14.3f %10.2f %13.1f%% %11.2fx\n", $2, $4, $6, $8 / 1e9, 100 * $10, $12}' >&2
awk -v pk="$pk" 'BEGIN {printf "fp32 peak measured in the same run: %.1f GMAC/s\n", pk / 1e9}' >&2

#!/usr/bin/env bash
# Restores and builds the seranet tool with ONNX Runtime's GPU package
# (Microsoft.ML.OnnxRuntime.Gpu.Linux, -p:SeRanetOnnxRuntime=cuda), so that
# `--backend onnxruntime --device cuda` runs on the CUDA execution provider. Not part of CI: the
# package is large, and this machine has no GPU. Its own artifacts path keeps the CPU build's
# restore (obj/) untouched.
#   scripts/build-onnxruntime-gpu.sh [OUTPUT]   (default artifacts/cli-onnxruntime-gpu)
# Then, on a machine with an NVIDIA driver for CUDA 13 and the CUDA 13 runtime, cuBLAS, cuRAND
# and cuDNN 9 libraries on the library path (libonnxruntime_providers_cuda.so needs them):
#   dotnet OUTPUT/seranet.dll upscale in.mp4 -o out.mkv --backend onnxruntime --device cuda
# Without them the tool says which libraries the CUDA provider needs, and exits 1.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
output="${1:-artifacts/cli-onnxruntime-gpu}"
dotnet build src/Cli/SeRanet.Video.Cli.csproj -c Release -p:SeRanetOnnxRuntime=cuda \
  --artifacts-path artifacts/onnxruntime-gpu-build -o "$output" --nologo -v quiet
providers="$output/runtimes/linux-x64/native"
for library in libonnxruntime.so libonnxruntime_providers_cuda.so libonnxruntime_providers_shared.so; do
  [ -f "$providers/$library" ] || { echo "error: the GPU build lacks $providers/$library" >&2; exit 1; }
done
echo "built $output with ONNX Runtime's CUDA execution provider ($(du -sh "$providers" | cut -f1) of native libraries)"

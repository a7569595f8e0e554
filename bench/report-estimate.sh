#!/usr/bin/env bash
# How close the preview report's estimate comes: `seranet preview --report` on a clip, then the
# whole `seranet upscale` of the same clip with the same model, device and default encoder
# settings, side by side. Prints and writes the estimated and the measured model time per frame
# and video stream size (packets of the video stream only, as the report estimates).
#   bench/report-estimate.sh [CLIP] [SAMPLES]     (default: samples/city.mp4, 6 samples)
# Writes bench/results/report-estimate.json.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
clip="${1:-samples/city.mp4}"
samples="${2:-6}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
./seranet --version >/dev/null

./seranet preview "$clip" --report "$work/report.html" --samples "$samples" --json > "$work/report.json"
./seranet upscale "$clip" -o "$work/out.mkv" --json > "$work/upscale.json"
video_bytes=$(ffprobe -v error -select_streams v:0 -show_entries packet=size -of csv=p=0 "$work/out.mkv" | awk -F, '{s += $1} END {print s}')

python3 - "$work/report.json" "$work/upscale.json" "$video_bytes" "$clip" "$samples" <<'PY' | tee bench/results/report-estimate.json
import json, sys
report, run = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
video_bytes, clip, samples = int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
estimate = report["estimate"]
measured_per_frame = run["model_seconds"] / run["frames"]
print(json.dumps({
    "clip": clip, "samples": samples, "frames": run["frames"], "model": report["model"], "device": report["device"],
    "estimated_model_seconds_per_frame": round(estimate["model_seconds_per_frame"], 4),
    "measured_model_seconds_per_frame": round(measured_per_frame, 4),
    "time_ratio_estimated_to_measured": round(estimate["model_seconds_per_frame"] / measured_per_frame, 2),
    "estimated_video_bytes": round(estimate["video_bytes"]),
    "measured_video_bytes": video_bytes,
    "size_ratio_estimated_to_measured": round(estimate["video_bytes"] / video_bytes, 2),
}, indent=2))
PY

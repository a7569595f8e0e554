#!/usr/bin/env bash
# Per-frame time of the y4m pipe (ffmpeg | seranet filter | ffmpeg) against `seranet upscale` on
# the same frames, side by side: same model, same batch, both encoding lossless FFV1 through
# ffmpeg. Each is run on the first N and the first 2N frames of the clip; the difference of the
# two wall times is the cost of N frames, so start-up (runtime, model load, self-check) cancels.
# Rounds alternate between the two, and the medians are compared: on a shared, noisy machine
# only the ratio means much.
#   bench/filter-vs-upscale.sh [rounds] [clip] [N]
# Needs the tool built in artifacts/cli (dotnet build src/Cli/SeRanet.Video.Cli.csproj -c Release -o artifacts/cli).
# Writes bench/results/filter-vs-upscale.json.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3} clip=${2:-samples/city.mp4} frames=${3:-12}
cli=artifacts/cli/seranet.dll model=seranet-fast-deep-video batch=4
[ -f "$cli" ] || { echo "build the tool first: dotnet build src/Cli/SeRanet.Video.Cli.csproj -c Release -o artifacts/cli" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
lengths=("$frames" "$((2 * frames))")
for n in "${lengths[@]}"; do
  ffmpeg -nostdin -v error -i "$clip" -map 0:v:0 -frames:v "$n" -c:v ffv1 "$work/clip-$n.mkv"
done

# seconds WHAT N: runs one side on the N-frame cut and prints its wall time.
seconds() {
  local what=$1 n=$2 start=$EPOCHREALTIME
  if [ "$what" = upscale ]; then
    dotnet "$cli" upscale "$work/clip-$n.mkv" -o "$work/upscale.mkv" -y -m "$model" --batch "$batch" --codec ffv1 > /dev/null 2>&1
  else
    ffmpeg -nostdin -v error -i "$work/clip-$n.mkv" -f yuv4mpegpipe - \
      | dotnet "$cli" filter -m "$model" --batch "$batch" 2> /dev/null \
      | ffmpeg -nostdin -v error -f yuv4mpegpipe -i - -c:v ffv1 -y "$work/filter.mkv"
  fi
  python3 -c "print(round($EPOCHREALTIME - $start, 3))"
}

: > "$work/times"
for round in $(seq "$rounds"); do
  for n in "${lengths[@]}"; do
    for what in upscale filter; do
      echo "$what $n $(seconds "$what" "$n")" >> "$work/times"
    done
  done
done
load=$(cut -d' ' -f1-3 /proc/loadavg)
python3 - "$work/times" "$frames" "$clip" "$rounds" "$load" "$(nproc)" bench/results/filter-vs-upscale.json <<'PY'
import json, statistics, sys
times, n, clip, rounds, load, cpus, out = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), sys.argv[5], int(sys.argv[6]), sys.argv[7]
runs = {}
for line in open(times):
    what, length, seconds = line.split()
    runs.setdefault(what, {}).setdefault(int(length), []).append(float(seconds))
summary = {"clip": clip, "frames": [n, 2 * n], "rounds": rounds, "model": "seranet-fast-deep-video", "batch": 4,
           "cpus": cpus, "load_average_at_end": load}
for what in ("upscale", "filter"):
    short, long = statistics.median(runs[what][n]), statistics.median(runs[what][2 * n])
    summary[what] = {"wall_s": {str(n): short, str(2 * n): long}, "per_frame_s": (long - short) / n, "runs": runs[what]}
summary["per_frame_ratio_filter_over_upscale"] = summary["filter"]["per_frame_s"] / summary["upscale"]["per_frame_s"]
json.dump(summary, open(out, "w"), indent=2)
print(f"{'':8s} {'wall ' + str(n) + ' fr':>10s} {'wall ' + str(2 * n) + ' fr':>10s} {'s/frame':>8s}")
for what in ("upscale", "filter"):
    s = summary[what]
    print(f"{what:8s} {s['wall_s'][str(n)]:10.2f} {s['wall_s'][str(2 * n)]:10.2f} {s['per_frame_s']:8.3f}")
print(f"per-frame time, filter/upscale: {summary['per_frame_ratio_filter_over_upscale']:.3f} (load average {load} on {cpus} CPUs)")
PY

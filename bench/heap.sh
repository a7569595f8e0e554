#!/usr/bin/env bash
# glibc's allocator as the tool sets it against glibc's defaults, side by side on a real 720p clip:
# alternating rounds of `seranet upscale CLIP --json`, one with SERANET_DEFAULT_MALLOC=1 (glibc's
# defaults: no thresholds raised, no single-arena restart; see src/Cli/NativeHeap.cs and
# SingleArenaRestart.cs) and one as shipped. Reports for each the median wall time, time in the
# model stage (model_seconds of --json), minor page faults and peak RSS (GNU time), and checks the
# two outputs are the same frames (framemd5). These machines are noisy: read the ratios.
#   bench/heap.sh [ROUNDS] [FRAMES]
# The clip: the first FRAMES frames (default 6) of the 1280x720 cockatoo clip that
# scripts/fetch-video-frames.sh fetches (python3-imageio, pinned by sha256), re-encoded losslessly.
# Writes bench/results/heap.json.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
rounds="${1:-3}"
frames="${2:-6}"
[ -x /usr/bin/time ] || { echo "needs GNU time: apt-get install -y time" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
./seranet --version >/dev/null
scripts/fetch-video-frames.sh >/dev/null
source_clip="$(find .cache/fetch/video -name cockatoo.mp4 | head -1)"
clip="$work/cockatoo-$frames.mkv"
ffmpeg -nostdin -v error -i "$source_clip" -frames:v "$frames" -an -c:v libx264 -qp 0 "$clip"

run() { # $1: defaults|tuned, $2: round
  local env=(env)
  [ "$1" = defaults ] && env+=(SERANET_DEFAULT_MALLOC=1)
  "${env[@]}" /usr/bin/time -f "%e %R %M" -o "$work/$1-$2.time" ./seranet upscale "$clip" -o "$work/$1.mkv" -y --json > "$work/$1-$2.json"
}
for ((r = 1; r <= rounds; r++)); do
  if (( r % 2 )); then run defaults "$r"; run tuned "$r"; else run tuned "$r"; run defaults "$r"; fi
  echo "round $r: $(cut -d' ' -f1 "$work/defaults-$r.time") s with glibc's defaults, $(cut -d' ' -f1 "$work/tuned-$r.time") s as shipped" >&2
done
same=$([ "$(ffmpeg -v error -i "$work/defaults.mkv" -f framemd5 - | grep -v '^#')" = "$(ffmpeg -v error -i "$work/tuned.mkv" -f framemd5 - | grep -v '^#')" ] && echo true || echo false)

python3 - "$work" "$rounds" "$frames" "$same" "$(nproc)" "$(cut -d' ' -f1 /proc/loadavg)" <<'PY' | tee bench/results/heap.json
import json, statistics, sys
work, rounds, frames, same, cores, load = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4] == "true", int(sys.argv[5]), float(sys.argv[6])
result = {"clip": f"cockatoo.mp4 (python3-imageio), first {frames} frames, 1280x720", "rounds": rounds, "cores": cores,
          "load_average_at_end": load, "same_frames": same}
for side in ("defaults", "tuned"):
    runs = []
    for r in range(1, rounds + 1):
        wall, faults, kib = open(f"{work}/{side}-{r}.time").read().split()
        model = json.load(open(f"{work}/{side}-{r}.json"))["model_seconds"]
        runs.append({"wall_s": float(wall), "model_s": round(model, 3), "minor_faults": int(faults), "peak_rss_kib": int(kib)})
    result[side] = {k: statistics.median(run[k] for run in runs) for k in runs[0]} | {"runs": runs}
result["tuned_over_defaults"] = {k: round(result["tuned"][k] / result["defaults"][k], 3) for k in ("wall_s", "model_s", "minor_faults", "peak_rss_kib")}
print(json.dumps(result, indent=2))
PY

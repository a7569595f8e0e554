#!/usr/bin/env bash
# A/B benchmark of two builds of the tool on the same video, side by side: alternating rounds of
# `seranet upscale CLIP --json`, reporting for each build the median wall time, the median time
# inside the model stage plus frame conversion (model_seconds of --json) and the median peak RSS.
# These machines are noisy, so only the ratio between builds run in alternation means much.
#   bench/ab-upscale.sh BEFORE_DIR AFTER_DIR [rounds] [clip] [extra upscale args...]
#   BEFORE_DIR/AFTER_DIR: folders with a built seranet.dll (e.g. a copy of artifacts/cli, or
#   `git worktree add /tmp/old REV && dotnet build /tmp/old/src/Cli -c Release -o /tmp/old-bin`).
# Writes bench/results/ab-upscale.json, or the file AB_RESULT names.
set -euo pipefail
cd "$(dirname "$0")/.."
before=$1 after=$2 rounds=${3:-3} clip=${4:-samples/city.mp4}
shift $(( $# < 4 ? $# : 4 ))
[ -x /usr/bin/time ] || { echo "needs GNU time: apt-get install -y time" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for round in $(seq "$rounds"); do
  for side in before after; do
    dir=$before; [ "$side" = after ] && dir=$after
    /usr/bin/time -f "%e %M" -o "$work/$side-$round.time" dotnet "$dir/seranet.dll" upscale "$clip" -o "$work/$side.mkv" -y --json "$@" > "$work/$side-$round.json"
  done
done
python3 - "$work" "$rounds" "$clip" "${AB_RESULT:-bench/results/ab-upscale.json}" <<'PY'
import json, statistics, sys
work, rounds, clip, out = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
summary = {"clip": clip, "rounds": rounds}
for side in ("before", "after"):
    walls, rss, model = [], [], []
    for r in range(1, rounds + 1):
        wall, kib = open(f"{work}/{side}-{r}.time").read().split()
        walls.append(float(wall)); rss.append(int(kib))
        model.append(json.load(open(f"{work}/{side}-{r}.json"))["model_seconds"])
    summary[side] = {"wall_s": statistics.median(walls), "model_s": statistics.median(model), "peak_rss_kib": statistics.median(rss),
                     "runs": [{"wall_s": w, "model_s": m, "peak_rss_kib": k} for w, m, k in zip(walls, model, rss)]}
b, a = summary["before"], summary["after"]
summary["ratios_after_over_before"] = {k: a[k] / b[k] for k in ("wall_s", "model_s", "peak_rss_kib")}
json.dump(summary, open(out, "w"), indent=2)
print(f"{'':8s} {'wall s':>8s} {'model s':>8s} {'peak RSS KiB':>13s}")
for side in ("before", "after"):
    s = summary[side]
    print(f"{side:8s} {s['wall_s']:8.2f} {s['model_s']:8.2f} {s['peak_rss_kib']:13,.0f}")
r = summary["ratios_after_over_before"]
print(f"after/before: wall {r['wall_s']:.3f}, model {r['model_s']:.3f}, peak RSS {r['peak_rss_kib']:.3f}")
PY

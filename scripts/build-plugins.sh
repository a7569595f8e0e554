#!/usr/bin/env bash
# Builds libseranet (the engine as a C library, compiled ahead of time with NativeAOT) and the
# media-tool plugins on it into artifacts/plugins/:
#   libseranet.so, include/seranet.h      the C library and its header
#   libLibTorchSharp.so, libtorch*.so,    libtorch, loaded from beside libseranet.so
#     libc10.so, libgomp-*.so.1
#   models/*.srnv                         the shipped models, found by name
#   libgstseranet.so                      GStreamer element seranetupscale (GST_PLUGIN_PATH)
# Skips the work when nothing it is built from changed since the last build (a stamp of the
# sources' contents), so tests can call it freely. Pass --force to rebuild anyway.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
out="$root/artifacts/plugins"
staging="$root/artifacts/obj/libseranet-publish"
stamp="$out/.built-from"

# Everything the outputs are made from: sources, build settings, models and this script.
inputs_digest() {
  git ls-files -z --cached --others --exclude-standard -- src include build Directory.Build.props \
      Directory.Packages.props global.json 'models/*.srnv' scripts/build-plugins.sh \
    | sort -z | xargs -0 sha256sum 2>/dev/null | sha256sum | cut -d' ' -f1
  # Which hosts' headers were found decides which plugins were built.
  pkg-config --exists gstreamer-video-1.0 2>/dev/null && echo gstreamer || true
}

digest="$(inputs_digest | sha256sum | cut -d' ' -f1)"
if [ "${1:-}" != "--force" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$digest" ] && [ -f "$out/libseranet.so" ]; then
  echo "artifacts/plugins is up to date"
  exit 0
fi

echo "publishing libseranet (NativeAOT; a few minutes)..." >&2
dotnet publish src/Native/SeRanet.Video.Native.csproj -c Release --nologo -v quiet -o "$staging" >&2

rm -rf "$out"
mkdir -p "$out/include" "$out/models"
cp include/seranet.h "$out/include/"
# libtorch is half a gigabyte: link rather than copy where the file system allows.
for file in libseranet.so libLibTorchSharp.so libtorch.so libtorch_cpu.so libc10.so "$staging"/libgomp-*.so.1; do
  name="$(basename "$file")"
  ln -f "$staging/$name" "$out/$name" 2>/dev/null || cp "$staging/$name" "$out/$name"
done
cp models/*.srnv "$out/models/"

# Host plugins are plain C against the header; each is built when its host's headers are here.
cflags=(-std=c11 -O2 -fPIC -shared -Wall -Wextra -Werror -I"$root/include")
link=(-L"$out" -lseranet -Wl,-rpath,'$ORIGIN')
if pkg-config --exists gstreamer-video-1.0 2>/dev/null; then
  # shellcheck disable=SC2046
  gcc "${cflags[@]}" -o "$out/libgstseranet.so" src/Hosts/GStreamer/gstseranet.c \
    $(pkg-config --cflags --libs gstreamer-video-1.0) "${link[@]}"
else
  echo "libgstseranet.so skipped: no GStreamer development headers (scripts/ensure-gstreamer.sh installs them)" >&2
fi

echo "$digest" > "$stamp"
echo "built artifacts/plugins"

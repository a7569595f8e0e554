#!/usr/bin/env bash
# Builds libseranet (the engine as a C library, compiled ahead of time with NativeAOT) and the
# media-tool plugins on it into artifacts/plugins/:
#   libseranet.so, include/seranet.h      the C library and its header
#   libLibTorchSharp.so, libtorch*.so,    libtorch, loaded from beside libseranet.so
#     libc10.so, libgomp-*.so.1
#   models/*.srnv                         the shipped models, found by name
#   libgstseranet.so                      GStreamer element seranetupscale (GST_PLUGIN_PATH)
#   libseranet_avs.so                     AviSynth+ C plugin SeRanetUpscale
#   libseranet_vs.so                      VapourSynth plugin core.seranet.Upscale
# libseranet is published only when what it is built from changed since the last build (a stamp
# of the sources' contents); the plugins are compiled when their sources are newer. So tests
# can call this freely. Pass --force to rebuild everything.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
out="$root/artifacts/plugins"
staging="$root/artifacts/obj/libseranet-publish"
stamp="$out/.built-from"
force="${1:-}"

# Everything libseranet is made from: the C# sources, build settings, models and this script.
inputs_digest() {
  git ls-files -z --cached --others --exclude-standard -- src include build Directory.Build.props \
      Directory.Packages.props global.json 'models/*.srnv' scripts/build-plugins.sh ':!src/Hosts' \
    | sort -z | xargs -0 sha256sum 2>/dev/null | sha256sum | cut -d' ' -f1
}

digest="$(inputs_digest)"
if [ "$force" = "--force" ] || [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$digest" ] || [ ! -f "$out/libseranet.so" ]; then
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
  echo "$digest" > "$stamp"
  echo "built libseranet"
fi

# Host plugins are plain C against the header, each compiled when its sources are newer.
cflags=(-std=c11 -O2 -fPIC -shared -Wall -Wextra -Werror -I"$root/include" -I"$root/src/Hosts/Common")
# -z now: against an older libseranet a host fails to load the plugin, naming the missing
# function, rather than dying at its first call.
link=(-L"$out" -lseranet -Wl,-rpath,'$ORIGIN' -Wl,-z,now)
# compile OUTPUT SOURCE_FOLDER [gcc arguments...]
compile() {
  local name="$1" folder="$2"; shift 2
  local output="$out/$name"
  if [ "$force" != "--force" ] && [ -f "$output" ] && [ "$output" -nt "$out/libseranet.so" ] \
     && [ -z "$(find "$folder" src/Hosts/Common include/seranet.h -newer "$output" 2>/dev/null)" ]; then
    return
  fi
  gcc "${cflags[@]}" -o "$output" "$folder"/*.c "$@" "${link[@]}"
  echo "built $name"
}
if pkg-config --exists gstreamer-video-1.0 2>/dev/null; then
  # shellcheck disable=SC2046
  compile libgstseranet.so src/Hosts/GStreamer $(pkg-config --cflags --libs gstreamer-video-1.0)
else
  echo "libgstseranet.so skipped: no GStreamer development headers (scripts/ensure-gstreamer.sh installs them)" >&2
fi
# AviSynth+ resolves the plugin's avs_* calls in its own library when it loads the plugin.
compile libseranet_avs.so src/Hosts/AviSynth
compile libseranet_vs.so src/Hosts/VapourSynth
echo "artifacts/plugins is up to date"

#!/usr/bin/env bash
# Installs Debian/Ubuntu packages that a script of ours needs: as root, or with passwordless sudo;
# otherwise says what to run. The package lists are refreshed only when a package has no install
# candidate yet, or when installing from the lists at hand fails (lists gone stale), so scripts
# that call this one after another do not refresh them again and again.
#   scripts/apt-install.sh "WHY (e.g. seranet needs ffmpeg)" PACKAGE...
set -euo pipefail
why=$1; shift
if ! command -v apt-get >/dev/null 2>&1; then
  echo "$why; install $* with your package manager." >&2
  exit 1
fi
sudo=""
if [ "$(id -u)" != 0 ]; then
  if sudo -n true 2>/dev/null; then sudo="sudo -n"; else
    echo "$why: run 'sudo apt-get install -y $*' first." >&2
    exit 1
  fi
fi
echo "installing $* (apt-get)..." >&2
export DEBIAN_FRONTEND=noninteractive
for package in "$@"; do
  if ! apt-cache policy "$package" 2>/dev/null | grep -q 'Candidate: [0-9]'; then
    $sudo apt-get update -qq >&2
    break
  fi
done
if ! $sudo apt-get install -y -qq "$@" >&2; then
  $sudo apt-get update -qq >&2
  $sudo apt-get install -y -qq "$@" >&2
fi

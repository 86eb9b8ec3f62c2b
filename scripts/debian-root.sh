#!/usr/bin/env bash
# Makes (once) the minimal Debian root the release wheel is tested in: a
# `debootstrap --variant=minbase` of Debian 11 bullseye (glibc 2.31, older
# than Databricks serverless' Ubuntu 22.04 with 2.35; Python 3.9) with only
# python3 and python3-venv added: no compiler, no -dev package, no headers.
#
#   scripts/debian-root.sh [DIR]     (default build/debian-root/bullseye)
#
# Cached: a root that finished (DIR/.pyforge-root-complete names how it was
# made) is reused as it is; a different recipe or an interrupted run starts
# again. Needs root (debootstrap, and chroot to use it) and the Debian
# mirror, so scripts/install-deps.sh --test runs it, not the tests.
# Prints DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
suite=bullseye
mirror=${PYFORGE_DEBIAN_MIRROR:-http://deb.debian.org/debian}
include=python3,python3-venv
dir=${1:-build/debian-root/$suite}
recipe="debootstrap --variant=minbase --include=$include $suite"
mark=$dir/.pyforge-root-complete
if [ -f "$mark" ] && [ "$(cat "$mark")" = "$recipe" ]; then
  echo "$dir"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "debian-root: debootstrap needs root" >&2
  exit 1
fi
command -v debootstrap >/dev/null || {
  echo "debian-root: debootstrap is missing (scripts/install-deps.sh --test installs it)" >&2
  exit 1
}
t0=$(date +%s)
rm -rf "$dir" "$dir.tmp"
mkdir -p "$(dirname "$dir")"
echo "pyforge setup: $recipe (into $dir)" >&2
if ! debootstrap --variant=minbase --include="$include" "$suite" "$dir.tmp" "$mirror" \
    >"$dir.log" 2>&1; then
  tail -20 "$dir.log" >&2
  exit 1
fi
echo "$recipe" > "$dir.tmp/.pyforge-root-complete"
mv "$dir.tmp" "$dir"
echo "pyforge setup: Debian root ready in $(( $(date +%s) - t0 )) s ($(du -sh "$dir" | cut -f1))" >&2
echo "$dir"

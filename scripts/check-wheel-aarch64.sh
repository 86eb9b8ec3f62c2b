#!/usr/bin/env bash
# Smoke test of the aarch64 release wheel on an x86_64 machine, under
# qemu-user: Debian 11's arm64 python3 (an arm64 root unpacked from Debian's
# packages, never configured) imports the wheel's pyforge_cli and converts
# every file in samples/ with the wheel's command line; the outputs must
# equal, value for value (pyarrow, from .venv), what this machine's C
# executable writes. By hand, not in CI (a cold run adds minutes):
#
#   scripts/check-wheel-aarch64.sh [PYFORGE_EXECUTABLE]   (default build/release/pyforge)
#
# Needs root for apt-get (qemu-user-static) and debootstrap the first time.
set -euo pipefail
cd "$(dirname "$0")/.."
root_dir=build/debian-root/bullseye-arm64
c_bin=${1:-build/release/pyforge}
[ -x "$c_bin" ] || { echo "check-wheel-aarch64: no executable $c_bin" >&2; exit 1; }
[ -x .venv/bin/python ] || { echo "check-wheel-aarch64: no .venv (install-deps.sh --test)" >&2; exit 1; }

wheel=$(scripts/build-wheel.sh --arch aarch64)

qemu=$(command -v qemu-aarch64-static || command -v qemu-aarch64 || true)
if [ -z "$qemu" ]; then
  echo "check-wheel-aarch64: installing qemu-user-static" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    --no-install-recommends qemu-user-static >/dev/null
  qemu=$(command -v qemu-aarch64-static)
fi

# An arm64 root: debootstrap's first stage downloads and unpacks without
# running anything; the packages it leaves for the second stage (python3
# among them) are unpacked with dpkg-deb. Nothing is configured: enough for
# python3 under qemu.
mark=$root_dir/.pyforge-root-complete
recipe="debootstrap --foreign --arch=arm64 --variant=minbase --include=python3 bullseye"
if [ "$(cat "$mark" 2>/dev/null)" != "$recipe" ]; then
  rm -rf "$root_dir" "$root_dir.tmp"
  mkdir -p "$(dirname "$root_dir")"
  echo "check-wheel-aarch64: $recipe" >&2
  debootstrap --foreign --arch=arm64 --variant=minbase --include=python3 bullseye \
    "$root_dir.tmp" "${PYFORGE_DEBIAN_MIRROR:-http://deb.debian.org/debian}" >"$root_dir.log" 2>&1 ||
    { tail -20 "$root_dir.log" >&2; exit 1; }
  for deb in "$root_dir.tmp"/var/cache/apt/archives/*.deb; do
    dpkg-deb -x "$deb" "$root_dir.tmp"
  done
  echo "$recipe" > "$root_dir.tmp/.pyforge-root-complete"
  mv "$root_dir.tmp" "$root_dir"
fi
root=$(cd "$root_dir" && pwd)

# The wheel unpacked into the root (what pip puts in site-packages).
site=$root/tmp/pyforge-wheel-site
rm -rf "$site"
mkdir -p "$site"
.venv/bin/python -m zipfile -e "$wheel" "$site"

work=$(mktemp -d)
trap 'rm -rf "$work" "$site"' EXIT
mkdir -p "$work/arm" "$work/c"
arm_py() { "$qemu" -L "$root" "$root/usr/bin/python3" "$@"; }
arm_py -c 'import platform, sys; sys.path.insert(0, "/tmp/pyforge-wheel-site")
import pyforge_cli
print("aarch64 check:", platform.machine(), "Python", sys.version.split()[0],
      "pyforge_cli", pyforge_cli.__version__)'
# Paths are the host's: qemu -L looks in the root first only for files that
# exist there, so outputs go to host directories.
for f in samples/*; do
  n=$(basename "$f")
  case "$n" in *.xlsx) t=${n%%.*} ;; *) t=${n%%.*}.parquet ;; esac
  arm_py -c 'import sys; sys.path.insert(0, "/tmp/pyforge-wheel-site")
from pyforge_cli.__main__ import main; sys.exit(main(["pyforge", *sys.argv[1:]]))' \
    -q convert "$PWD/$f" "$work/arm/$t"
  "$c_bin" -q convert "$f" "$work/c/$t"
done
.venv/bin/python - "$work/arm" "$work/c" <<'EOF'
import pathlib, sys
import pyarrow.parquet as pq
arm, c = (pathlib.Path(p) for p in sys.argv[1:3])
names = sorted(str(p.relative_to(c)) for p in c.rglob("*.parquet"))
got = sorted(str(p.relative_to(arm)) for p in arm.rglob("*.parquet"))
assert names and got == names, (got, names)
for n in names:
    a, b = pq.read_table(arm / n), pq.read_table(c / n)
    assert a.equals(b), f"{n}: the aarch64 wheel's output differs"
    print(f"aarch64 check: {n}: {b.num_rows} rows, equal")
EOF
echo "aarch64 check: $(basename "$wheel") passed"

#!/usr/bin/env bash
# Installs what building PyForge needs on a Debian/Ubuntu machine, and with
# --test also the Python tools the test tiers use (into .venv), the release
# wheel's tools (zig, scikit-build-core, auditwheel: build/wheel-tools) and
# the minimal Debian root the wheel is tested in (build/debian-root).
# Idempotent: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

want_tests=0
[ "${1:-}" = "--test" ] && want_tests=1

pkgs=(build-essential cmake ninja-build pkg-config zlib1g-dev libzstd-dev
      libsnappy-dev liblz4-dev libbz2-dev libexpat1-dev zstd bzip2
      mdbtools-dev libmdb3)
# (mdbtools-dev: the MS Access plugin's header; libmdb3: its library, opened
# at run time; mdbtools: mdb-export, the tests' independent reader)
[ "${1:-}" = "--test" ] && pkgs+=(mdbtools)
# the release wheel: dpkg-source unpacks its dependencies' Debian sources;
# debootstrap makes the root it is installed into
[ "${1:-}" = "--test" ] && pkgs+=(dpkg-dev xz-utils debootstrap debian-archive-keyring)
# PDF fixtures with Greek and Cyrillic text are drawn in DejaVu Sans
[ "${1:-}" = "--test" ] && pkgs+=(fonts-dejavu-core)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "pyforge setup: installing Debian packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The Python package is installed into a virtualenv (quick start, tests).
py=${PYTHON:-python3}
if ! "$py" -c "import ensurepip, venv" >/dev/null 2>&1; then
  # Debian's system Python ships venv/ensurepip separately.
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "pyforge setup: installing python3-venv"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends python3-venv >/dev/null
fi

if [ "$want_tests" -eq 1 ]; then
  if ! command -v java >/dev/null 2>&1; then
    # The Spark interop tests (pyspark 3.5, local mode) need a Java 8/11/17
    # runtime. The JRE's postinst links its man page: slim images lack the dir.
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    echo "pyforge setup: installing openjdk-17-jre-headless (java not found)"
    $sudo mkdir -p /usr/share/man/man1
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless >/dev/null
  fi
  if ! command -v mvn >/dev/null 2>&1; then
    # The Delta interop tests give Spark the delta-spark jars, fetched once
    # from Maven Central with Maven (never by Spark at run time).
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    echo "pyforge setup: installing maven (mvn not found)"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends maven >/dev/null
  fi
  scripts/fetch-delta-jars.sh >/dev/null
  # Jackcess: makes the Access plugin's test databases and reads them back
  scripts/fetch-jackcess-jars.sh >/dev/null
  if [ ! -x .venv/bin/python ]; then
    echo "pyforge setup: creating .venv"
    "$py" -m venv .venv
  fi
  stamp=.venv/.requirements.sha
  sum=$(sha256sum tests/requirements.txt | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$sum" ]; then
    echo "pyforge setup: installing test requirements into .venv"
    .venv/bin/pip install -q --disable-pip-version-check -r tests/requirements.txt
    echo "$sum" > "$stamp"
  fi
  # The release wheel (scripts/build-wheel.sh) and where it is tested.
  PYTHON=$py scripts/wheel-tools.sh build/wheel-tools
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo scripts/debian-root.sh >/dev/null
  # The wheel is checked on Python 3.8 and the newest Python found
  # (tests/python): pyenv provides them on the project's machines.
  if ! ls "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.8*/bin/python3 >/dev/null 2>&1 &&
     ! command -v python3.8 >/dev/null 2>&1; then
    echo "pyforge setup: warning: no Python 3.8 (pyenv install 3.8, or set" \
         "PYFORGE_TEST_PYTHONS): tests/python will fail" >&2
  fi
  # The Python API suite (tests/python/api) runs in the wheel's fresh venvs
  # on 3.8 and the newest Python; the consumers it checks and the notebook
  # kernel (tests/python/requirements-api*.txt) are installed once per
  # version into build/pyapi-deps/<version>, which those venvs see through
  # a .pth file (tests/python/test_api_suite.py).
  scripts/pyapi-deps.sh
  # The Spark suite (tests/spark): pyspark 4 with Spark Connect in its own
  # venv (build/spark-venv) and Delta 4 jars (build/jars-spark4).
  scripts/spark-deps.sh
fi

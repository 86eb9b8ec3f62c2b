#!/usr/bin/env bash
# fetch-jackcess-jars.sh - puts Jackcess (Apache-2.0, a pure-Java reader and
# writer of MS Access files) and its two dependencies into
# <repo>/build/jackcess, with Maven, once: the Access plugin's tests
# (tests/interop/test_access_plugin.py) and bench/bench_access.py run
# tests/tools/AccessFixture.java with them to make .mdb/.accdb fixtures and
# to read them back as the second, independent reader. Nothing is committed.
#
#   scripts/fetch-jackcess-jars.sh [output-dir]
# Needs: mvn (3.x) and network access to Maven Central. Prints the jar paths.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$here/build/jackcess}"
mkdir -p "$out"
command -v mvn >/dev/null 2>&1 || { echo "fetch-jackcess-jars: mvn not found (install maven)" >&2; exit 1; }
fetch() { # group:artifact:version
  local name="${1#*:}"; name="${name/:/-}.jar"
  if [ -s "$out/$name" ]; then echo "$out/$name"; return; fi
  mvn -q dependency:copy -Dartifact="$1" -DoutputDirectory="$out" -Dmdep.overWriteIfNewer=true >&2
  [ -s "$out/$name" ] || { echo "fetch-jackcess-jars: $1 did not arrive in $out" >&2; exit 1; }
  echo "$out/$name"
}
fetch "com.healthmarketscience.jackcess:jackcess:4.0.5"
fetch "org.apache.commons:commons-lang3:3.14.0"
fetch "commons-logging:commons-logging:1.3.0"

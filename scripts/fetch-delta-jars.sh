#!/usr/bin/env bash
# fetch-delta-jars.sh - puts the Delta Lake jars Spark needs to read and
# write Delta tables into <repo>/build/jars, with Maven, once: the interop
# tests (tests/interop/test_delta*.py) and bench/bench_delta.py give these
# files to Spark as spark.jars, so Spark never downloads anything at run
# time. Versions match pyspark 3.5 (Scala 2.12) and the delta-spark Python
# package (3.3.2). The Spark suite (tests/spark, pyspark 4) takes Delta 4.0
# for Scala 2.13: DELTA_VERSION=4.0.0 SCALA_VERSION=2.13
# scripts/fetch-delta-jars.sh build/jars-spark4 (scripts/spark-deps.sh).
#
#   scripts/fetch-delta-jars.sh [output-dir]
# Needs: mvn (3.x) and network access to Maven Central. Prints the jar paths.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$here/build/jars}"
DELTA_VERSION="${DELTA_VERSION:-3.3.2}"
SCALA_VERSION="${SCALA_VERSION:-2.12}"
mkdir -p "$out"
command -v mvn >/dev/null 2>&1 || { echo "fetch-delta-jars: mvn not found (install maven)" >&2; exit 1; }
fetch() { # group:artifact:version
  local name="${1#*:}"; name="${name/:/-}.jar"
  if [ -s "$out/$name" ]; then echo "$out/$name"; return; fi
  mvn -q dependency:copy -Dartifact="$1" -DoutputDirectory="$out" -Dmdep.overWriteIfNewer=true >&2
  [ -s "$out/$name" ] || { echo "fetch-delta-jars: $1 did not arrive in $out" >&2; exit 1; }
  echo "$out/$name"
}
fetch "io.delta:delta-spark_$SCALA_VERSION:$DELTA_VERSION"
fetch "io.delta:delta-storage:$DELTA_VERSION"

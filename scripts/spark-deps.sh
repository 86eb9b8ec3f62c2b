#!/usr/bin/env bash
# Sets up what the Spark suite (tests/spark: the Spark engine with pyspark 4
# in local mode and through Spark Connect) runs with, once:
#   build/spark-venv     a virtualenv with tests/spark/requirements.txt
#                        (pyspark 4.0 and Connect's client, pyarrow,
#                        deltalake, the fixtures' writers); scripts/test.sh
#                        installs the wheel into it before the suite runs;
#   build/jars-spark4    the Delta 4.0 jars (Scala 2.13) from Maven, given to
#                        Spark as spark.jars (nothing downloaded at run time).
# The main .venv keeps pyspark 3.5 for the interop tier. pyspark 4 needs
# Python 3.9+ and Java 17+. Idempotent: the venv is remade only when the
# requirements change.
set -euo pipefail
cd "$(dirname "$0")/.."
py=${SPARK_PYTHON:-${PYTHON:-python3}}
venv=build/spark-venv
req=tests/spark/requirements.txt
sum=$(sha256sum "$req" | cut -d' ' -f1)
if [ ! -f "$venv/.requirements.sha" ] || [ "$(cat "$venv/.requirements.sha")" != "$sum" ]; then
  echo "pyforge setup: installing the Spark suite's packages into $venv"
  rm -rf "$venv"
  "$py" -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check -r "$req"
  echo "$sum" > "$venv/.requirements.sha"
fi
DELTA_VERSION=4.0.0 SCALA_VERSION=2.13 scripts/fetch-delta-jars.sh build/jars-spark4 >/dev/null

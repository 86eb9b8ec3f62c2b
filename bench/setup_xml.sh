#!/usr/bin/env bash
# Prepares the XML benchmark (idempotent; re-running is cheap):
#   bench/.venv-xml   pandas + lxml + pyarrow + matplotlib (requirements-xml.txt)
#   bench/jars/       Databricks spark-xml for Scala 2.12 and the two jars it
#                     needs beyond Spark's own, fetched with Maven
#                     (`mvn dependency:copy`), so bench_xml.py never downloads
#                     anything while it measures.
# Environment: PYTHON (default python3), FORCE=1 to rebuild.
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PY="${PYTHON:-python3}"
FORCE="${FORCE:-0}"
SPARK_XML="com.databricks:spark-xml_2.12:0.18.0"
EXTRA_JARS=("org.glassfish.jaxb:txw2:3.0.2" "org.apache.ws.xmlschema:xmlschema-core:2.3.0")

log() { printf '[setup_xml] %s\n' "$*" >&2; }

VENV="$BENCH/.venv-xml"
STAMP="$(cat "$BENCH/requirements-xml.txt" "$BENCH/setup_xml.sh" | sha256sum | cut -c1-16)"
if [ "$FORCE" != 1 ] && [ -x "$VENV/bin/python" ] \
   && [ "$(cat "$VENV/.bench-stamp" 2>/dev/null)" = "$STAMP" ]; then
    log "venv up to date: $VENV"
else
    log "creating $VENV"
    "$PY" -m venv --clear "$VENV"
    "$VENV/bin/pip" install --quiet --only-binary=:all: -r "$BENCH/requirements-xml.txt"
    "$VENV/bin/python" -c 'import pandas, lxml, pyarrow, matplotlib'
    echo "$STAMP" > "$VENV/.bench-stamp"
fi

JARS="$BENCH/jars"
mkdir -p "$JARS"
for art in "$SPARK_XML" "${EXTRA_JARS[@]}"; do
    IFS=: read -r g a v <<<"$art"
    if [ "$FORCE" != 1 ] && [ -f "$JARS/$a-$v.jar" ]; then
        log "have $a-$v.jar"
        continue
    fi
    log "fetching $art"
    mvn -q dependency:copy -Dartifact="$art" -DoutputDirectory="$JARS" -Dmdep.overWriteReleases=true
done
ls "$JARS"/*.jar >&2
log "ready"

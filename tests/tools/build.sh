#!/bin/sh
# Builds the developer tools in tests/tools against a build directory's
# static library: tests/tools/build.sh [build-dir] (default build-csv-rel).
set -e
root=$(cd "$(dirname "$0")/../.." && pwd)
bd=${1:-$root/build-csv-rel}
cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Wall -Wextra \
  -I"$root/src" -I"$root/include" -I"$bd/include" \
  "$root/tests/tools/csv_read_bench.c" "$bd/libpyforge.a" \
  -lzstd -lbz2 -lz -llz4 -lsnappy -lpthread -lm -o "$bd/csv_read_bench"
echo "$bd/csv_read_bench"

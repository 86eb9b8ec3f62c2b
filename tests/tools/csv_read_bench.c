/* csv_read_bench.c - drives the CSV reader alone: opens a file, reads every
 * batch, and prints the schema, row count and throughput (or, with -d,
 * every value). A developer tool, not a test; CMake builds it into
 * <build>/tests/tools/.
 *
 *   csv_read_bench [-t threads] [-r repeats] [-d] [-a] file
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/format_api.h"
#include "tool_util.h"
#include "readers/csv/csv_reader.h"


int main(int argc, char **argv) {
  int threads = 0, repeats = 1, dump = 0, all_strings = 0;
  const char *path = NULL;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "-t") && i + 1 < argc) threads = atoi(argv[++i]);
    else if (!strcmp(argv[i], "-r") && i + 1 < argc) repeats = atoi(argv[++i]);
    else if (!strcmp(argv[i], "-d")) dump = 1;
    else if (!strcmp(argv[i], "-a")) all_strings = 1;
    else path = argv[i];
  }
  if (!path) {
    fprintf(stderr, "usage: csv_read_bench [-t threads] [-r repeats] [-d] [-a] file\n");
    return 2;
  }
  pf__opts o;
  memset(&o, 0, sizeof o);
  pf__settings_from_env(&o.settings); /* PYFORGE_CSV_CHUNK_SIZE and the like */
  o.csv.delimiter = o.csv.quote = o.csv.escape = o.csv.header = PF_AUTO;
  o.all_strings = all_strings;
  o.input = path;
  pf__pool *pool;
  if (pf__pool_create(threads, &pool) != PF_OK) return 1;
  pf__reader_env env = {0};
  env.path = path;
  env.opts = &o;
  env.pool = pool;
  double best = 1e30;
  for (int rep = 0; rep < repeats; rep++) {
    pf_error err;
    pf_error_init(&err);
    void *st;
    double t0 = tool_now();
    pf_status s = pf__csv_reader_ops.open(&env, &st, &err);
    if (s != PF_OK) {
      char buf[2048];
      pf_error_format(&err, buf, sizeof buf);
      fprintf(stderr, "open: %s: %s\n", pf_status_name(s), buf);
      return 1;
    }
    double t1 = tool_now();
    int64_t rows = 0, batches = 0;
    for (;;) {
      pf_batch *b;
      s = pf__csv_reader_ops.next(st, &b, &err);
      if (s == PF_ERESTART) {
        fprintf(stderr, "restart: %s\n", err.message);
        s = pf__csv_reader_ops.rewind(st, &err);
        rows = batches = 0;
        if (s == PF_OK) continue;
      }
      if (s != PF_OK) {
        char buf[2048];
        pf_error_format(&err, buf, sizeof buf);
        fprintf(stderr, "next: %s: %s\n", pf_status_name(s), buf);
        return 1;
      }
      if (!b) break;
      if (dump)
        for (size_t i = 0; i < b->n_rows; i++) {
          for (size_t c = 0; c < b->n_cols; c++) {
            if (c) printf("|");
            tool_dump_value(&b->cols[c], i);
          }
          printf("\n");
        }
      rows += (int64_t)b->n_rows;
      batches++;
    }
    double t2 = tool_now();
    pf__reader_stats stt;
    pf__csv_reader_ops.stats(st, &stt);
    const pf_schema *sc = pf__csv_reader_ops.schema(st);
    if (rep == 0 && !dump) {
      for (size_t i = 0; i < sc->n_fields; i++)
        fprintf(stderr, "  %s: %s%s%s\n", sc->fields[i].name, pf_type_name(sc->fields[i].type),
                sc->fields[i].note ? "  # " : "", sc->fields[i].note ? sc->fields[i].note : "");
    }
    double secs = t2 - t0;
    if (secs < best) best = secs;
    fprintf(stderr, "rows=%lld batches=%lld bytes=%llu open=%.3fs total=%.3fs  %.0f MB/s  %.2f Mrows/s\n",
            (long long)rows, (long long)batches, (unsigned long long)stt.bytes_read, t1 - t0, secs,
            stt.bytes_read / secs / 1e6, rows / secs / 1e6);
    pf__csv_reader_ops.close(st);
  }
  if (repeats > 1) fprintf(stderr, "best %.3fs\n", best);
  pf__pool_free(pool);
  return 0;
}

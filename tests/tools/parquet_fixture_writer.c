/* parquet_fixture_writer.c - writes deterministic Parquet files with the
 * library's Parquet writer, for the interop tests
 * (tests/interop/test_parquet_writer_fixtures.py recomputes every value
 * and compares what pyarrow and DuckDB read) and as a writer benchmark.
 *
 * usage: parquet_fixture_writer [options] OUT.parquet
 *   -s all|wide|bench  schema (default all; see the generators below)
 *   -n ROWS            rows (default 1000)
 *   -w COLS            columns for -s wide (default 1500)
 *   -c CODEC           snappy|gzip|zstd|lz4_raw|none (default snappy)
 *   -l LEVEL           compression level (default 0: the codec's default)
 *   -g ROWS            row group rows (default: the writer's)
 *   -G BYTES           row group bytes (default: the writer's)
 *   -p BYTES           page bytes (default: the writer's)
 *   -B ROWS            rows per batch (default 65536)
 *   -D                 no dictionary encoding
 *   -t THREADS         pool threads (default: the CPUs)
 *   -r REPEAT          write the file REPEAT times, report the fastest
 *                      (for profiling the writer without the generator)
 *   -C                 generate at most 4 batches and cycle through them
 *                      (large files in little memory; values repeat and
 *                      the row count rounds up to whole batches)
 * Prints one JSON line: rows, seconds (writing only: batches are generated
 * first), output bytes, rows/s and MB/s of in-memory column data.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/batch.h"
#include "core/pool.h"
#include "io/output.h"
#include "writers/parquet/parquet_writer.h"

static uint64_t splitmix(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

static void set_dec(pf_column *c, size_t row, __int128 v) {
  pf__bit_set(c->validity, row);
  memcpy(c->values + row * 16, &v, 16); /* little-endian two's complement */
}

static void push(pf_column *c, size_t row, const char *s, size_t n) {
  if (pf__col_push_str(c, row, s, n) != PF_OK) {
    fprintf(stderr, "out of memory\n");
    exit(2);
  }
}

/* ---- schema "all": every type; the Python test mirrors these rules ---- */

static pf_schema *schema_all(void) {
  static const struct { const char *name; pf_type t; int nullable; } f[] = {
      {"b", PF_TYPE_BOOL, 1},          {"i64", PF_TYPE_INT64, 1},
      {"f64", PF_TYPE_DOUBLE, 1},      {"day", PF_TYPE_DATE, 1},
      {"ts", PF_TYPE_TIMESTAMP, 1},    {"ts_utc", PF_TYPE_TIMESTAMP_UTC, 1},
      {"tm", PF_TYPE_TIME, 1},         {"s", PF_TYPE_STRING, 1},
      {"bin", PF_TYPE_BINARY, 1},      {"dec38", PF_TYPE_DECIMAL, 1},
      {"dec9", PF_TYPE_DECIMAL, 1},    {"nul", PF_TYPE_NULL, 1},
      {"req", PF_TYPE_INT64, 0},       {"req_s", PF_TYPE_STRING, 0},
  };
  size_t n = sizeof f / sizeof f[0];
  pf_schema *s = pf__schema_new(n);
  for (size_t i = 0; i < n; i++) pf__schema_set(s, i, f[i].name, f[i].t, f[i].nullable);
  s->fields[9].precision = 38;
  s->fields[9].scale = 4;
  s->fields[10].precision = 9;
  s->fields[10].scale = 2;
  return s;
}

static void row_all(pf_batch *b, size_t r, int64_t i) {
  pf_column *c = b->cols;
  char tmp[256];
  if (i % 11 == 3) pf__col_set_null(&c[0], r);
  else pf__col_set_bool(&c[0], r, (i * 7) % 3 == 0);

  if (i % 7 == 3) pf__col_set_null(&c[1], r);
  else if (i == 1) pf__col_set_i64(&c[1], r, INT64_MAX);
  else if (i == 2) pf__col_set_i64(&c[1], r, INT64_MIN);
  else pf__col_set_i64(&c[1], r, (i * 2654435761LL) % 2000003 - 1000000);

  if (i % 13 == 5) pf__col_set_null(&c[2], r);
  else if (i == 4) pf__col_set_f64(&c[2], r, 0.0 / 0.0);
  else if (i == 6) pf__col_set_f64(&c[2], r, -0.0);
  else if (i == 8) pf__col_set_f64(&c[2], r, 1.0 / 0.0);
  else if (i == 9) pf__col_set_f64(&c[2], r, -1.0 / 0.0);
  else pf__col_set_f64(&c[2], r, (double)i * 1.5 - 300.125);

  if (i % 9 == 2) pf__col_set_null(&c[3], r);
  else pf__col_set_i32(&c[3], r, (int32_t)((i * 37) % 40000 - 20000));

  if (i % 10 == 1) pf__col_set_null(&c[4], r);
  else pf__col_set_i64(&c[4], r, i * 3600000123LL - 1000000000000000LL);

  if (i % 10 == 2) pf__col_set_null(&c[5], r);
  else pf__col_set_i64(&c[5], r, i * 86400000001LL + 1600000000000000LL);

  if (i % 8 == 7) pf__col_set_null(&c[6], r);
  else pf__col_set_i64(&c[6], r, (i * 1000003LL) % 86400000000LL);

  switch (i % 5) {
    case 0: pf__col_set_null(&c[7], r); break;
    case 1: push(&c[7], r, "", 0); break;
    case 2: {
      int n = snprintf(tmp, sizeof tmp, "h\xc3\xa9llo-\xc3\xbc-%d-\xe6\x97\xa5\xe6\x9c\xac",
                       (int)(i % 100));
      push(&c[7], r, tmp, (size_t)n);
      break;
    }
    case 3: {
      memset(tmp, 'x', 100);
      int n = snprintf(tmp + 100, sizeof tmp - 100, "%lld", (long long)i);
      push(&c[7], r, tmp, 100 + (size_t)n);
      break;
    }
    default: {
      int n = snprintf(tmp, sizeof tmp, "k%d", (int)(i % 17));
      push(&c[7], r, tmp, (size_t)n);
    }
  }

  if (i % 6 == 0) {
    pf__col_set_null(&c[8], r);
  } else {
    char v[4] = {(char)(i % 256), (char)((i * 7) % 256), 0, (char)255};
    push(&c[8], r, v, 4);
  }

  if (i % 4 == 1) {
    pf__col_set_null(&c[9], r);
  } else {
    __int128 e30 = 1;
    for (int k = 0; k < 30; k++) e30 *= 10;
    __int128 v = i % 3 == 0 ? (__int128)(i - 500) * e30 + i : (__int128)(i - 500) * 1234567;
    set_dec(&c[9], r, v);
  }

  if (i % 12 == 0) pf__col_set_null(&c[10], r);
  else set_dec(&c[10], r, (__int128)(i * 101 - 5000));

  pf__col_set_null(&c[11], r);
  pf__col_set_i64(&c[12], r, i * 3);
  int n = snprintf(tmp, sizeof tmp, "r%d", (int)(i % 1000));
  push(&c[13], r, tmp, (size_t)n);
}

/* ---- schema "wide": int64 columns c0..c{w-1}, value i * w + j ---- */

static pf_schema *schema_wide(size_t w) {
  pf_schema *s = pf__schema_new(w);
  char name[32];
  for (size_t j = 0; j < w; j++) {
    snprintf(name, sizeof name, "c%zu", j);
    pf__schema_set(s, j, name, PF_TYPE_INT64, 1);
  }
  return s;
}

static void row_wide(pf_batch *b, size_t r, int64_t i) {
  for (size_t j = 0; j < b->n_cols; j++)
    pf__col_set_i64(&b->cols[j], r, i * (int64_t)b->n_cols + (int64_t)j);
}

/* ---- schema "bench": ten columns shaped like a typical CSV export ---- */

static pf_schema *schema_bench(void) {
  static const struct { const char *name; pf_type t; int nullable; } f[] = {
      {"id", PF_TYPE_INT64, 0},   {"category", PF_TYPE_STRING, 1},
      {"name", PF_TYPE_STRING, 1}, {"amount", PF_TYPE_DOUBLE, 1},
      {"qty", PF_TYPE_INT64, 1},  {"day", PF_TYPE_DATE, 1},
      {"ts", PF_TYPE_TIMESTAMP, 1}, {"flag", PF_TYPE_BOOL, 1},
      {"code", PF_TYPE_STRING, 1}, {"note", PF_TYPE_STRING, 1},
  };
  pf_schema *s = pf__schema_new(10);
  for (size_t i = 0; i < 10; i++) pf__schema_set(s, i, f[i].name, f[i].t, f[i].nullable);
  return s;
}

static void row_bench(pf_batch *b, size_t r, int64_t i) {
  pf_column *c = b->cols;
  uint64_t h = splitmix((uint64_t)i);
  char tmp[64];
  int n;
  pf__col_set_i64(&c[0], r, i);
  n = snprintf(tmp, sizeof tmp, "category_%d", (int)(i * 7919 % 50));
  push(&c[1], r, tmp, (size_t)n);
  n = snprintf(tmp, sizeof tmp, "name_%d", (int)(h % 10000));
  push(&c[2], r, tmp, (size_t)n);
  pf__col_set_f64(&c[3], r, (double)((h >> 8) % 1000000) / 100.0);
  pf__col_set_i64(&c[4], r, (int64_t)((h >> 20) % 1000));
  pf__col_set_i32(&c[5], r, 18000 + (int32_t)((h >> 30) % 2000));
  pf__col_set_i64(&c[6], r, 1600000000000000LL + i * 1000003LL);
  pf__col_set_bool(&c[7], r, (int)(h & 1));
  n = snprintf(tmp, sizeof tmp, "%016llx", (unsigned long long)splitmix(h));
  push(&c[8], r, tmp, (size_t)n);
  if (h % 10 < 3) {
    pf__col_set_null(&c[9], r);
  } else {
    n = snprintf(tmp, sizeof tmp, "note %d", (int)((h >> 40) % 100000));
    push(&c[9], r, tmp, (size_t)n);
  }
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t batch_bytes(const pf_batch *b) {
  size_t n = 0;
  for (size_t j = 0; j < b->n_cols; j++) {
    const pf_column *c = &b->cols[j];
    size_t w = pf__type_width(c->type);
    if (pf__type_is_varlen(c->type)) n += c->data_len + 4 * b->n_rows;
    else if (c->type == PF_TYPE_BOOL) n += (b->n_rows + 7) / 8;
    else n += w * b->n_rows;
  }
  return n;
}

static int usage(void) {
  fprintf(stderr,
          "usage: parquet_fixture_writer [-s all|wide|bench] [-n rows] [-w cols] [-c codec]\n"
          "       [-l level] [-g rg_rows] [-G rg_bytes] [-p page_bytes] [-B batch_rows]\n"
          "       [-D] [-t threads] OUT.parquet\n");
  return 2;
}

int main(int argc, char **argv) {
  const char *schema_name = "all", *codec = "snappy";
  long long rows = 1000, wide = 1500, batch_rows = PF_BATCH_ROWS;
  /* options set by hand: the tool links no engine code */
  pf__opts opts;
  memset(&opts, 0, sizeof opts);
  opts.dictionary = 1;
  int threads = 0, repeat = 1, cycle = 0, opt;
  while ((opt = getopt(argc, argv, "s:n:w:c:l:g:G:p:B:Dt:r:C")) != -1) {
    switch (opt) {
      case 's': schema_name = optarg; break;
      case 'n': rows = atoll(optarg); break;
      case 'w': wide = atoll(optarg); break;
      case 'c': codec = optarg; break;
      case 'l': opts.compression_level = atoi(optarg); break;
      case 'g': opts.row_group_rows = atoll(optarg); break;
      case 'G': opts.row_group_bytes = atoll(optarg); break;
      case 'p': opts.page_bytes = atoll(optarg); break;
      case 'B': batch_rows = atoll(optarg); break;
      case 'D': opts.dictionary = 0; break;
      case 't': threads = atoi(optarg); break;
      case 'r': repeat = atoi(optarg); break;
      case 'C': cycle = 1; break;
      default: return usage();
    }
  }
  if (optind != argc - 1 || rows < 0 || batch_rows < 1 || wide < 1 || repeat < 1)
    return usage();
  static const char *const codecs[] = {"none", "snappy", "gzip", "zstd", "lz4_raw"};
  static const pf__compression ids[] = {PF_COMPRESSION_NONE, PF_COMPRESSION_SNAPPY,
                                       PF_COMPRESSION_GZIP, PF_COMPRESSION_ZSTD,
                                       PF_COMPRESSION_LZ4_RAW};
  size_t ci = 0;
  while (ci < 5 && strcmp(codec, codecs[ci]) != 0) ci++;
  if (ci == 5) {
    fprintf(stderr, "unknown codec %s\n", codec);
    return 2;
  }
  opts.compression = ids[ci];
  pf_schema *schema;
  void (*row_fn)(pf_batch *, size_t, int64_t);
  if (strcmp(schema_name, "all") == 0) {
    schema = schema_all();
    row_fn = row_all;
  } else if (strcmp(schema_name, "wide") == 0) {
    schema = schema_wide((size_t)wide);
    row_fn = row_wide;
  } else if (strcmp(schema_name, "bench") == 0) {
    schema = schema_bench();
    row_fn = row_bench;
  } else {
    return usage();
  }

  /* generate every batch first so the timing is the writer's alone */
  size_t n_batches = (size_t)((rows + batch_rows - 1) / batch_rows);
  size_t n_made = cycle && n_batches > 4 ? 4 : n_batches;
  pf_batch **batches = calloc(n_batches ? n_batches : 1, sizeof *batches);
  size_t raw = 0;
  for (size_t k = 0; k < n_made; k++) {
    if (pf__batch_create(schema, (size_t)batch_rows, &batches[k]) != PF_OK) return 3;
    int64_t first = (int64_t)k * batch_rows;
    size_t n = (size_t)(rows - first < batch_rows ? rows - first : batch_rows);
    for (size_t r = 0; r < n; r++) row_fn(batches[k], r, first + (int64_t)r);
    batches[k]->n_rows = n;
    batches[k]->first_row = first;
    raw += batch_bytes(batches[k]);
  }
  for (size_t k = n_made; k < n_batches; k++) { /* -C: full batches again */
    batches[k] = batches[k % n_made];
    raw += batch_bytes(batches[k]);
  }
  rows = 0;
  for (size_t k = 0; k < n_batches; k++) rows += (long long)batches[k]->n_rows;

  pf_error err;
  pf_error_init(&err);
  pf__pool *pool = NULL;
  pf_status st = pf__pool_create(threads, &pool);
  double secs = 1e300;
  uint64_t size = 0;
  for (int rep = 0; st == PF_OK && rep < repeat; rep++) {
    pf__output *out = NULL;
    void *w = NULL;
    double t0 = now();
    st = pf__output_open(argv[optind], 1, &out, &err);
    pf__writer_env env = {.out = out, .schema = schema, .opts = &opts, .pool = pool};
    if (st == PF_OK) st = pf__parquet_writer_ops.open(&env, &w, &err);
    for (size_t k = 0; st == PF_OK && k < n_batches; k++)
      st = pf__parquet_writer_ops.write(w, batches[k], &err);
    if (st == PF_OK) {
      st = pf__parquet_writer_ops.close(w, &err);
      w = NULL;
    }
    size = out ? pf__output_size(out) : 0;
    if (st == PF_OK) {
      st = pf__output_commit(out, &err);
      out = NULL;
    }
    double t = now() - t0;
    if (t < secs) secs = t;
    if (w) pf__parquet_writer_ops.abort(w);
    pf__output_abort(out);
  }
  if (st != PF_OK) {
    char msg[2048];
    pf_error_format(&err, msg, sizeof msg);
    fprintf(stderr, "parquet_fixture_writer: %s (%s)\n", msg, pf_status_name(st));
  } else {
    printf("{\"rows\": %lld, \"columns\": %zu, \"threads\": %d, \"seconds\": %.4f, "
           "\"bytes\": %llu, \"raw_bytes\": %zu, \"rows_per_s\": %.0f, \"mb_per_s\": %.1f}\n",
           rows, schema->n_fields, pf__pool_size(pool), secs, (unsigned long long)size, raw,
           (double)rows / secs, (double)raw / 1e6 / secs);
  }
  for (size_t k = 0; k < n_made; k++) pf__batch_free(batches[k]);
  free(batches);
  pf__pool_free(pool);
  pf_schema_free(schema);
  return st == PF_OK ? 0 : 1;
}

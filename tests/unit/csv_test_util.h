/* csv_test_util.h - helpers for the CSV reader tests: temporary files, a
 * reader run that renders every batch as text, and collected rejects.
 *
 * csvt_read() opens a file with the CSV reader, reads every batch
 * (rewinding on PF_ERESTART, counted), and renders the schema and values:
 *   schema  "name:type,name:type"
 *   rows    one line per row, values joined by '|': NULL, 'text' (newlines
 *           as \n), integers, doubles (%.17g), dates YYYY-MM-DD,
 *           timestamps YYYY-MM-DD HH:MM:SS.ffffff (+Z for UTC), true/false.
 */
#ifndef PF_CSV_TEST_UTIL_H
#define PF_CSV_TEST_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/format_api.h"
#include "readers/csv/csv_reader.h"
#include "test.h"

#define CSVT_FN static __attribute__((unused))

static char csvt_dir[256];

CSVT_FN const char *csvt_tmpdir(void) {
  if (!csvt_dir[0]) {
    const char *t = getenv("TMPDIR");
    snprintf(csvt_dir, sizeof csvt_dir, "%s/pf_csv_test_XXXXXX", t && *t ? t : "/tmp");
    if (!mkdtemp(csvt_dir)) {
      perror("mkdtemp");
      exit(1);
    }
  }
  return csvt_dir;
}

CSVT_FN void csvt_cleanup(void) {
  if (!csvt_dir[0]) return;
  char cmd[512];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", csvt_dir);
  if (system(cmd) != 0) fprintf(stderr, "cleanup failed: %s\n", cmd);
}

/* Writes data to <tmpdir>/name; returns the path (static storage, one of 8). */
CSVT_FN const char *csvt_file(const char *name, const void *data, size_t n) {
  static char paths[8][512];
  static int k;
  char *p = paths[k++ & 7];
  snprintf(p, 512, "%s/%s", csvt_tmpdir(), name);
  FILE *f = fopen(p, "wb");
  if (!f || (n && fwrite(data, 1, n, f) != n) || fclose(f) != 0) {
    perror(p);
    exit(1);
  }
  return p;
}
#define CSVT_FILE(name, lit) csvt_file(name, lit, sizeof(lit) - 1)

CSVT_FN void csvt_options(pf__opts *o) {
  memset(o, 0, sizeof *o);
  o->csv.delimiter = o->csv.quote = o->csv.escape = o->csv.header = PF_AUTO;
  o->csv.on_bad_rows = PF_BAD_ROWS_ERROR;
}

typedef struct csvt_result {
  pf_status st;        /* of the run                                  */
  pf_error err;
  char *schema;        /* rendered                                    */
  char *rows;          /* rendered, one line per row                  */
  char *notes;         /* field notes joined by "\n"                  */
  char *rejects;       /* "line|reason|raw\n" for each reject          */
  char *warnings;      /* the reader's warnings() joined by "\n"       */
  int64_t n_rows;
  int64_t n_batches;
  int restarts;
  int64_t rows_rejected; /* stats                                     */
  pf_info info;        /* filled by csvt_info                         */
} csvt_result;

CSVT_FN void csvt_free(csvt_result *r) {
  free(r->schema);
  free(r->rows);
  free(r->notes);
  free(r->rejects);
  free(r->warnings);
  pf_schema_free(r->info.schema);
  r->info.schema = NULL;
  pf_info_free(&r->info);
  memset(r, 0, sizeof *r);
}

CSVT_FN void csvt_civil(int64_t days, int *y, int *m, int *d) {
  days += 719468;
  int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  int64_t doe = days - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t yy = yoe + era * 400;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  *d = (int)(doy - (153 * mp + 2) / 5 + 1);
  *m = (int)(mp < 10 ? mp + 3 : mp - 9);
  *y = (int)(yy + (*m <= 2));
}

CSVT_FN void csvt_value(pf__buf *b, const pf_column *c, size_t i) {
  if (!pf__col_is_valid(c, i)) {
    pf__buf_puts(b, "NULL");
    return;
  }
  size_t n;
  const uint8_t *p;
  int y, m, d;
  switch (c->type) {
    case PF_TYPE_STRING:
      p = pf__col_str(c, i, &n);
      pf__buf_putc(b, '\'');
      for (size_t k = 0; k < n; k++) {
        if (p[k] == '\n') pf__buf_puts(b, "\\n");
        else if (p[k] == '\r') pf__buf_puts(b, "\\r");
        else pf__buf_putc(b, p[k]);
      }
      pf__buf_putc(b, '\'');
      break;
    case PF_TYPE_INT64: pf__buf_printf(b, "%lld", (long long)pf__col_i64(c, i)); break;
    case PF_TYPE_DOUBLE: pf__buf_printf(b, "%.17g", pf__col_f64(c, i)); break;
    case PF_TYPE_BOOL: pf__buf_puts(b, pf__col_bool(c, i) ? "true" : "false"); break;
    case PF_TYPE_DATE:
      csvt_civil(pf__col_i32(c, i), &y, &m, &d);
      pf__buf_printf(b, "%04d-%02d-%02d", y, m, d);
      break;
    case PF_TYPE_TIMESTAMP:
    case PF_TYPE_TIMESTAMP_UTC: {
      int64_t us = pf__col_i64(c, i);
      int64_t days = us >= 0 ? us / 86400000000LL : -((-us + 86399999999LL) / 86400000000LL);
      int64_t rem = us - days * 86400000000LL;
      csvt_civil(days, &y, &m, &d);
      pf__buf_printf(b, "%04d-%02d-%02d %02d:%02d:%02d.%06d%s", y, m, d, (int)(rem / 3600000000LL),
                     (int)(rem / 60000000 % 60), (int)(rem / 1000000 % 60), (int)(rem % 1000000),
                     c->type == PF_TYPE_TIMESTAMP_UTC ? "Z" : "");
      break;
    }
    default: pf__buf_puts(b, "?");
  }
}

CSVT_FN pf_status csvt_reject(void *user, int64_t line, const char *reason, const char *raw,
                             size_t raw_len, pf_error *err) {
  pf__buf *b = user;
  (void)err;
  return pf__buf_printf(b, "%lld|%s|%.*s\n", (long long)line, reason, (int)raw_len, raw);
}

CSVT_FN pf__pool *csvt_pool(int threads) {
  static pf__pool *pools[9];
  if (threads < 1) threads = 1;
  if (threads > 8) threads = 8;
  if (!pools[threads] && pf__pool_create(threads, &pools[threads]) != PF_OK) exit(1);
  return pools[threads];
}

CSVT_FN char *csvt_schema_text(const pf_schema *s, char **notes) {
  pf__buf b, nb;
  pf__buf_init(&b, 0);
  pf__buf_init(&nb, 0);
  for (size_t i = 0; i < s->n_fields; i++) {
    pf__buf_printf(&b, "%s%s:%s", i ? "," : "", s->fields[i].name, pf_type_name(s->fields[i].type));
    if (s->fields[i].note) pf__buf_printf(&nb, "%s: %s\n", s->fields[i].name, s->fields[i].note);
  }
  if (notes) *notes = pf__buf_take(&nb);
  pf__buf_free(&nb);
  return pf__buf_take(&b);
}

/* Reads path with options o (NULL: defaults) on `threads` threads. */
CSVT_FN void csvt_read(const char *path, const pf__opts *o, int threads,
                      csvt_result *r) {
  memset(r, 0, sizeof *r);
  pf__opts def;
  if (!o) {
    csvt_options(&def);
    o = &def;
  }
  pf__buf rows, rej;
  pf__buf_init(&rows, 0);
  pf__buf_init(&rej, 0);
  pf__reader_env env = {0};
  env.path = path;
  env.opts = o;
  env.pool = csvt_pool(threads);
  env.reject = csvt_reject;
  env.reject_user = &rej;
  pf_error_init(&r->err);
  void *st = NULL;
  r->st = pf__csv_reader_ops.open(&env, &st, &r->err);
  while (r->st == PF_OK) {
    pf_batch *b;
    r->st = pf__csv_reader_ops.next(st, &b, &r->err);
    if (r->st == PF_ERESTART && r->restarts < 10) {
      r->restarts++;
      rows.len = 0;
      rej.len = 0;
      r->n_rows = r->n_batches = 0;
      r->st = pf__csv_reader_ops.rewind(st, &r->err);
      continue;
    }
    if (r->st != PF_OK || !b) break;
    r->n_batches++;
    for (size_t i = 0; i < b->n_rows; i++) {
      for (size_t c = 0; c < b->n_cols; c++) {
        if (c) pf__buf_putc(&rows, '|');
        csvt_value(&rows, &b->cols[c], i);
      }
      pf__buf_putc(&rows, '\n');
      r->n_rows++;
    }
  }
  if (st) {
    r->schema = csvt_schema_text(pf__csv_reader_ops.schema(st), &r->notes);
    pf__reader_stats stats;
    pf__csv_reader_ops.stats(st, &stats);
    r->rows_rejected = stats.rows_rejected;
    const char *const *notes;
    size_t n = pf__csv_reader_ops.warnings(st, &notes);
    pf__buf w;
    pf__buf_init(&w, 0);
    for (size_t i = 0; i < n; i++) pf__buf_printf(&w, "%s\n", notes[i]);
    r->warnings = pf__buf_take(&w);
    pf__buf_free(&w);
    pf__csv_reader_ops.close(st);
  }
  if (!r->warnings) r->warnings = pf__strdup("");
  if (!r->schema) r->schema = pf__strdup("");
  if (!r->notes) r->notes = pf__strdup("");
  pf__buf_putc(&rows, 0);
  rows.len--;
  r->rows = pf__buf_take(&rows);
  pf__buf_putc(&rej, 0);
  r->rejects = pf__buf_take(&rej);
}

/* Runs info() on path. */
CSVT_FN pf_status csvt_info(const char *path, const pf__opts *o, csvt_result *r) {
  memset(r, 0, sizeof *r);
  pf__opts def;
  if (!o) {
    csvt_options(&def);
    o = &def;
  }
  pf__reader_env env = {0};
  env.path = path;
  env.opts = o;
  env.pool = csvt_pool(2);
  pf_error_init(&r->err);
  void *st = NULL;
  r->st = pf__csv_reader_ops.open(&env, &st, &r->err);
  if (r->st == PF_OK) {
    r->info.rows = -1;
    r->st = pf__csv_reader_ops.info(st, &r->info, &r->err);
    /* info may widen types: the schema after it */
    r->schema = csvt_schema_text(pf__csv_reader_ops.schema(st), &r->notes);
    pf__csv_reader_ops.close(st);
  }
  return r->st;
}

/* Fails the test (printing both) when the rendered rows differ. */
#define ASSERT_ROWS(res, want)                                                  \
  do {                                                                          \
    if ((res).st != PF_OK)                                                      \
      TEST_FAIL_("read failed: %s: %s", pf_status_name((res).st), (res).err.message); \
    ASSERT_STR_EQ((res).rows, (want));                                          \
  } while (0)

#endif

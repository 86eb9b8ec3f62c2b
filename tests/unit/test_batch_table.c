/* test_batch_table.c - pf_batch_set_table: every file into one Delta table
 * in one commit. The casts a file's values get (pf__cast_*: text of each
 * type, exact numbers or a failure naming the row), the reconciliation of
 * schemas by the widening rules (int64 + double, date + timestamp, big
 * integers and mixed types to string, columns a file lacks, letter case,
 * empty files), one commit holding only the good files, an append whose
 * values do not fit the table, the modes, cancel (no commit, no data
 * files), and what is refused before anything runs. The table is checked
 * through its log: versions, schemaString, add actions and their stats. */
#include <dirent.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/batch.h"
#include "core/schema.h"
#include "engine/batch.h"
#include "pyforge/plugin.h"
#include "pyforge/pyforge.h"
#include "batch_test_util.h"
#include "test.h"


static char *read_text(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  char *b = calloc(1, 1 << 20);
  size_t n = fread(b, 1, (1 << 20) - 1, f);
  b[n] = 0;
  fclose(f);
  return b;
}

/* Files in dir whose name ends with suffix. */
static int count_files(const char *dir, const char *suffix) {
  DIR *d = opendir(path_of(dir));
  if (!d) return -1;
  int n = 0;
  struct dirent *e;
  size_t sl = strlen(suffix);
  while ((e = readdir(d)) != NULL) {
    size_t l = strlen(e->d_name);
    if (l >= sl && strcmp(e->d_name + l - sl, suffix) == 0) n++;
  }
  closedir(d);
  return n;
}

static int count_of(const char *text, const char *needle) {
  int n = 0;
  for (const char *p = text; (p = strstr(p, needle)) != NULL; p += strlen(needle)) n++;
  return n;
}

static const pf_batch_item *find_item(const pf_batch_result *r, const char *name) {
  for (size_t i = 0; i < r->n_items; i++)
    if (strstr(r->items[i].input, name)) return &r->items[i];
  return NULL;
}

static char run_error[1024]; /* the last run_table's error message */

/* Runs the files matching pattern (under tmpdir) into table with options
 * key=value pairs (NULL-terminated). */
static pf_status run_table(const char *pattern, const char *table, pf_batch_result *r, pf_cancel *cancel,
                           const char *const *kv) {
  pf_batch_job *job = pf_batch_new();
  pf_options *o = pf_options_new();
  pf_error err;
  pf_status st = pf_batch_add(job, path_of(pattern), &err);
  const char *dir = table[0] == '/' || strchr(table, ':') ? table : path_of(table); /* Volume paths as given */
  if (st == PF_OK) st = pf_batch_set_table(job, dir, &err);
  if (st == PF_OK) st = pf_batch_set_workers(job, 2, &err);
  for (size_t i = 0; st == PF_OK && kv && kv[i]; i += 2) st = pf_options_set(o, kv[i], kv[i + 1], &err);
  if (cancel) pf_options_set_cancel(o, cancel);
  if (st == PF_OK) st = pf_batch_run(job, o, r, &err);
  snprintf(run_error, sizeof run_error, "%s", st == PF_OK ? "" : err.message);
  pf_batch_free(job);
  pf_options_free(o);
  return st;
}

/* ---- casts ---- */

static pf_schema *one_col(const char *name, pf_type t) {
  pf_schema *s = pf__schema_new(1);
  pf__schema_set(s, 0, name, t, 1);
  return s;
}

TEST_IMPL(cast_text_of_each_type) {
  pf_schema *s = pf__schema_new(6);
  pf__schema_set(s, 0, "i", PF_TYPE_INT64, 1);
  pf__schema_set(s, 1, "d", PF_TYPE_DOUBLE, 1);
  pf__schema_set(s, 2, "day", PF_TYPE_DATE, 1);
  pf__schema_set(s, 3, "ts", PF_TYPE_TIMESTAMP, 1);
  pf__schema_set(s, 4, "b", PF_TYPE_BOOL, 1);
  pf__schema_set(s, 5, "u", PF_TYPE_TIMESTAMP_UTC, 1);
  pf_batch *b = NULL;
  ASSERT_EQ(pf__batch_create(s, 4, &b), PF_OK);
  pf_col_set_i64(&b->cols[0], 0, -9007199254740993LL);
  pf_col_set_f64(&b->cols[1], 0, 0.1);
  pf_col_set_f64(&b->cols[1], 1, 1e21);
  pf_col_set_f64(&b->cols[1], 2, -2.5);
  pf_col_set_f64(&b->cols[1], 3, NAN);
  pf_col_set_i32(&b->cols[2], 0, -1);     /* 1969-12-31 */
  pf_col_set_i32(&b->cols[2], 1, 19723);  /* 2024-01-01 */
  pf_col_set_i64(&b->cols[3], 0, 1704067200000000LL + 3723000000LL);       /* 01:02:03 */
  pf_col_set_i64(&b->cols[3], 1, 1704067200000000LL + 500000LL);           /* .5 s */
  pf_col_set_i64(&b->cols[3], 2, -1LL);                                    /* 1969-12-31 23:59:59.999999 */
  pf_col_set_bool(&b->cols[4], 0, 1);
  pf_col_set_i64(&b->cols[5], 0, 0);
  char t[80];
  pf__cast_text(&b->cols[0], &s->fields[0], 0, t, sizeof t);
  ASSERT_STR_EQ(t, "-9007199254740993");
  pf__cast_text(&b->cols[1], &s->fields[1], 0, t, sizeof t);
  ASSERT_STR_EQ(t, "0.1");
  pf__cast_text(&b->cols[1], &s->fields[1], 1, t, sizeof t);
  ASSERT_STR_EQ(t, "1e+21");
  pf__cast_text(&b->cols[1], &s->fields[1], 2, t, sizeof t);
  ASSERT_STR_EQ(t, "-2.5");
  /* positional from 1e-4 to 1e16, as Python's repr */
  static const struct { double v; const char *text; } plain[] = {
      {1000, "1000"}, {1.5e10, "15000000000"}, {-123456.75, "-123456.75"},
      {9007199254740993.0, "9007199254740992"}, {1e16, "1e+16"}, {1e-5, "1e-05"}, {0.0001, "0.0001"}};
  for (size_t k = 0; k < sizeof plain / sizeof plain[0]; k++) {
    pf_col_set_f64(&b->cols[1], 2, plain[k].v);
    pf__cast_text(&b->cols[1], &s->fields[1], 2, t, sizeof t);
    ASSERT_STR_EQ(t, plain[k].text);
  }
  pf__cast_text(&b->cols[1], &s->fields[1], 3, t, sizeof t);
  ASSERT_STR_EQ(t, "nan");
  pf__cast_text(&b->cols[2], &s->fields[2], 0, t, sizeof t);
  ASSERT_STR_EQ(t, "1969-12-31");
  pf__cast_text(&b->cols[2], &s->fields[2], 1, t, sizeof t);
  ASSERT_STR_EQ(t, "2024-01-01");
  pf__cast_text(&b->cols[3], &s->fields[3], 0, t, sizeof t);
  ASSERT_STR_EQ(t, "2024-01-01 01:02:03");
  pf__cast_text(&b->cols[3], &s->fields[3], 1, t, sizeof t);
  ASSERT_STR_EQ(t, "2024-01-01 00:00:00.5");
  pf__cast_text(&b->cols[3], &s->fields[3], 2, t, sizeof t);
  ASSERT_STR_EQ(t, "1969-12-31 23:59:59.999999");
  pf__cast_text(&b->cols[4], &s->fields[4], 0, t, sizeof t);
  ASSERT_STR_EQ(t, "true");
  pf__cast_text(&b->cols[5], &s->fields[5], 0, t, sizeof t);
  ASSERT_STR_EQ(t, "1970-01-01 00:00:00Z");
  pf__batch_free(b);
  pf_schema_free(s);
}

TEST_IMPL(cast_numbers_exact_or_the_row) {
  pf_schema *from = one_col("X", PF_TYPE_DOUBLE), *to = one_col("x", PF_TYPE_INT64);
  pf_batch *b = NULL;
  ASSERT_EQ(pf__batch_create(from, 3, &b), PF_OK);
  pf_col_set_f64(&b->cols[0], 0, 2.0);
  pf_col_set_null(&b->cols[0], 1);
  pf_col_set_f64(&b->cols[0], 2, 2.5);
  b->n_rows = 2;
  b->first_row = 100;
  pf__cast c;
  memset(&c, 0, sizeof c);
  pf_error err;
  pf_error_init(&err);
  ASSERT_EQ(pf__cast_plan(&c, from, NULL, to, &err), PF_OK); /* names match ignoring case */
  const pf_batch *out = NULL;
  ASSERT_EQ(pf__cast_batch(&c, b, from, &out, &err), PF_OK);
  ASSERT_EQ(out->n_rows, 2);
  ASSERT_EQ(pf_col_i64(&out->cols[0], 0), 2);
  ASSERT(!pf_col_is_valid(&out->cols[0], 1));
  b->n_rows = 3; /* 2.5 is no long: the row is named (first_row 100 + 3) */
  ASSERT_EQ(pf__cast_batch(&c, b, from, &out, &err), PF_EOUTPUT);
  ASSERT_EQ(err.row, 103);
  ASSERT(strstr(err.message, "2.5") != NULL);
  ASSERT(strstr(err.message, "row 103") != NULL);
  /* a string cannot go into a number */
  pf_schema *str = one_col("x", PF_TYPE_STRING);
  pf_error_init(&err);
  ASSERT_EQ(pf__cast_plan(&c, str, NULL, to, &err), PF_EOUTPUT);
  ASSERT(strstr(err.message, "column x is string") != NULL);
  /* unless it holds no value at all (has[0] == 0): then it is nulls */
  uint8_t has = 0;
  ASSERT_EQ(pf__cast_plan(&c, str, &has, to, &err), PF_OK);
  pf__cast_free(&c);
  pf__batch_free(b);
  pf_schema_free(from);
  pf_schema_free(to);
  pf_schema_free(str);
}

/* ---- the table ---- */

TEST_IMPL(reconciled_and_one_commit) {
  mkdir(path_of("r"), 0755);
  write_file("r/a.csv", "id,X,d\n1,2,2024-01-01\n2,3,2024-01-02\n");
  write_file("r/b.csv", "id,x,d,extra,big\n3,2.5,2024-01-03 10:00:00,hello,9007199254740993\n");
  write_file("r/c.csv", "id,x\n4,\"never closed\n");
  write_file("r/d.csv", "x,id,big\n7,5,1.5\n");
  write_file("r/e.csv", "");
  pf_batch_result r;
  ASSERT_EQ(run_table("r/*.csv", "t1", &r, NULL, NULL), PF_OK);
  ASSERT_EQ(r.n_items, 5);
  ASSERT_EQ(r.converted, 4);
  ASSERT_EQ(r.failed, 1);
  ASSERT_EQ(r.table_version, 0);
  ASSERT(r.table && strstr(r.table, "t1"));
  ASSERT_EQ(r.rows, 4);
  const pf_batch_item *c = find_item(&r, "c.csv");
  ASSERT(c && c->status != PF_OK && c->error.line == 2);
  ASSERT_EQ(find_item(&r, "a.csv")->result.table_version, 0);
  ASSERT_EQ(find_item(&r, "e.csv")->result.rows, 0);
  char *js = pf_batch_result_json(&r);
  ASSERT(js && strstr(js, "\"table_version\":0"));
  pf_free(js);
  pf_batch_result_free(&r);

  ASSERT_EQ(count_files("t1/_delta_log", ".json"), 1); /* one version */
  ASSERT_EQ(count_files("t1", ".parquet"), 3);         /* a, b, d: c added nothing, e no rows */
  char *log = read_text(path_of("t1/_delta_log/00000000000000000000.json"));
  ASSERT(log != NULL);
  ASSERT_EQ(count_of(log, "{\"add\""), 3);
  ASSERT(strstr(log, "\"inputFiles\":\"4\""));
  ASSERT(strstr(log, "\"numOutputRows\":\"4\""));
  /* columns in the order first seen, matched ignoring case; the first
   * spelling kept; int64 + double -> double; date + timestamp ->
   * timestamp; an int beyond 2^53 + a double -> string; e.csv (no rows)
   * adds no Column_1 */
  ASSERT(strstr(log, "{\\\"name\\\":\\\"id\\\",\\\"type\\\":\\\"long\\\""));
  ASSERT(strstr(log, "{\\\"name\\\":\\\"X\\\",\\\"type\\\":\\\"double\\\""));
  ASSERT(strstr(log, "{\\\"name\\\":\\\"d\\\",\\\"type\\\":\\\"timestamp"));
  ASSERT(strstr(log, "{\\\"name\\\":\\\"extra\\\",\\\"type\\\":\\\"string\\\""));
  ASSERT(strstr(log, "{\\\"name\\\":\\\"big\\\",\\\"type\\\":\\\"string\\\""));
  ASSERT(!strstr(log, "Column_1"));
  /* the big integer as its digits, the double as its shortest text */
  ASSERT(strstr(log, "9007199254740993"));
  ASSERT(strstr(log, "\\\"big\\\":\\\"1.5\\\""));
  free(log);
  /* a file of dates alone goes into the table's timestamp column (midnight) */
  mkdir(path_of("r2"), 0755);
  write_file("r2/dates.csv", "id,d\n9,2024-05-05\n");
  const char *const append[] = {"delta.mode", "append", NULL};
  ASSERT_EQ(run_table("r2/*.csv", "t1", &r, NULL, append), PF_OK);
  ASSERT_EQ(r.converted, 1);
  ASSERT_EQ(r.table_version, 1);
  pf_batch_result_free(&r);
  log = read_text(path_of("t1/_delta_log/00000000000000000001.json"));
  ASSERT(log && strstr(log, "\\\"d\\\":\\\"2024-05-05T00:00:00.000Z\\\""));
  free(log);
}

TEST_IMPL(append_keeps_the_table_types) {
  mkdir(path_of("ap"), 0755);
  mkdir(path_of("ap2"), 0755);
  write_file("ap/one.csv", "id,n\n1,10\n2,20\n");
  pf_batch_result r;
  const char *const append[] = {"delta.mode", "append", NULL};
  ASSERT_EQ(run_table("ap/*.csv", "t2", &r, NULL, NULL), PF_OK);
  ASSERT_EQ(r.table_version, 0);
  pf_batch_result_free(&r);
  /* n is long in the table: 3.0 fits, 2.5 fails its file naming the row,
   * a string column cannot go in at all, a new column needs merge_schema */
  write_file("ap2/fits.csv", "id,n\n3,3.0\n");
  write_file("ap2/half.csv", "id,n\n4,4.0\n5,2.5\n");
  write_file("ap2/text.csv", "id,n\n6,six\n");
  write_file("ap2/newcol.csv", "id,n,z\n7,7,1\n");
  ASSERT_EQ(run_table("ap2/*.csv", "t2", &r, NULL, append), PF_OK);
  ASSERT_EQ(r.table_version, 1);
  ASSERT_EQ(r.converted, 1);
  const pf_batch_item *half = find_item(&r, "half.csv");
  ASSERT_EQ(half->status, PF_EOUTPUT);
  ASSERT_EQ(half->error.row, 2);
  ASSERT(strstr(half->error.message, "2.5"));
  ASSERT(strstr(find_item(&r, "text.csv")->error.message, "column n is int64 in the Delta table but string"));
  ASSERT(strstr(find_item(&r, "newcol.csv")->error.message, "delta.merge_schema"));
  pf_batch_result_free(&r);
  ASSERT_EQ(count_files("t2/_delta_log", ".json"), 2);
  ASSERT_EQ(count_files("t2", ".parquet"), 2); /* half.csv's file was removed */
  char *log = read_text(path_of("t2/_delta_log/00000000000000000001.json"));
  ASSERT(log && count_of(log, "{\"add\"") == 1 && !strstr(log, "metaData"));
  free(log);

  /* without a mode, an existing table is refused before anything runs */
  ASSERT_EQ(run_table("ap2/fits.csv", "t2", &r, NULL, NULL), PF_EEXIST);
  ASSERT_EQ(count_files("t2/_delta_log", ".json"), 2);
  /* overwrite: the files' schema replaces the table's */
  const char *const over[] = {"delta.mode", "overwrite", NULL};
  ASSERT_EQ(run_table("ap2/text.csv", "t2", &r, NULL, over), PF_OK);
  ASSERT_EQ(r.table_version, 2);
  pf_batch_result_free(&r);
}

TEST_IMPL(cancel_commits_nothing) {
  mkdir(path_of("cx"), 0755);
  write_file("cx/a.csv", "id\n1\n");
  write_file("cx/b.csv", "id\n2\n");
  pf_cancel *cancel = pf_cancel_new();
  pf_cancel_request(cancel);
  pf_batch_result r;
  ASSERT_EQ(run_table("cx/*.csv", "t3", &r, cancel, NULL), PF_ECANCELED);
  ASSERT_EQ(r.table_version, -1);
  ASSERT_EQ(r.canceled, 2);
  ASSERT_EQ(r.converted, 0);
  pf_batch_result_free(&r);
  ASSERT(access(path_of("t3"), F_OK) != 0); /* a table it would have created: not there */
  pf_cancel_free(cancel);
}

TEST_IMPL(refused_before_it_starts) {
  pf_batch_job *job = pf_batch_new();
  pf_options *o = pf_options_new();
  pf_error err;
  pf_batch_result r;
  ASSERT_EQ(pf_batch_add(job, path_of("cx/*.csv"), &err), PF_OK);
  ASSERT_EQ(pf_batch_set_table(job, path_of("t4"), &err), PF_OK);
  ASSERT_EQ(pf_batch_set_output_dir(job, path_of("o4"), &err), PF_OK);
  ASSERT_EQ(pf_batch_run(job, o, &r, &err), PF_EINVAL);
  ASSERT(strstr(err.message, "not both"));
  ASSERT_EQ(pf_batch_set_output_dir(job, NULL, &err), PF_OK);
  ASSERT_EQ(pf_options_set(o, "output.format", "parquet", &err), PF_OK);
  ASSERT_EQ(pf_batch_run(job, o, &r, &err), PF_EINVAL);
  ASSERT(strstr(err.message, "delta"));
  ASSERT(access(path_of("t4"), F_OK) != 0);
  pf_batch_free(job);
  pf_options_free(o);
}

/* Rows left out with input.on_bad_rows=skip: one rejects file beside the
 * table (file,line,reason,row), the kept files' rows only. */
TEST_IMPL(rejects_beside_the_table) {
  mkdir(path_of("rj"), 0755);
  mkdir(path_of("rj2"), 0755);
  write_file("rj/first.csv", "id,n\n1,2\n");
  pf_batch_result r;
  ASSERT_EQ(run_table("rj/*.csv", "tr", &r, NULL, NULL), PF_OK);
  pf_batch_result_free(&r);
  write_file("rj2/good.csv", "id,n\n1,2\n3,4,5\n6,7\n");
  write_file("rj2/half.csv", "id,n\n9,9,9\n5,2.5\n");  /* fails in its write: 2.5 into long */
  write_file("rj2/clean.csv", "id,n\n8,8\n");
  const char *const skip[] = {"delta.mode", "append", "input.on_bad_rows", "skip", NULL};
  ASSERT_EQ(run_table("rj2/*.csv", "tr/", &r, NULL, skip), PF_OK);
  ASSERT_EQ(r.table_version, 1);
  ASSERT_EQ(r.converted, 2);
  ASSERT_EQ(r.rows_rejected, 1);
  const pf_batch_item *good = find_item(&r, "good.csv");
  ASSERT_EQ(good->result.rows_rejected, 1);
  ASSERT_STR_EQ(good->result.rejects_path, path_of("tr.rejects.csv"));
  ASSERT(good->result.n_warnings >= 1 && strstr(good->result.warnings[0], "1 row left out"));
  ASSERT(find_item(&r, "clean.csv")->result.rejects_path == NULL);
  ASSERT(find_item(&r, "half.csv")->status != PF_OK);
  pf_batch_result_free(&r);
  char *text = read_text(path_of("tr.rejects.csv"));
  ASSERT(text != NULL);
  ASSERT(strncmp(text, "file,line,reason,row\n\"", 22) == 0);
  ASSERT(strstr(text, "/rj2/good.csv\",3,\""));
  ASSERT(strstr(text, ",\"3,4,5\"\n"));
  ASSERT(!strstr(text, "half.csv")); /* a file left out: its rows are not the table's */
  ASSERT_EQ(count_of(text, "\n"), 2);
  free(text);
  ASSERT_EQ(count_files("tr", ".csv"), 0); /* nothing but the table inside it */
  /* a rejects file already there: refused unless output.force, and then
   * nothing is committed */
  write_file("rj2/half.csv", "id,n\n9,9,9\n");
  ASSERT_EQ(run_table("rj2/*.csv", "tr", &r, NULL, skip), PF_OK);
  ASSERT_EQ(r.table_version, -1);
  ASSERT_EQ(r.converted, 0);
  ASSERT(strstr(find_item(&r, "good.csv")->error.message, "exists"));
  pf_batch_result_free(&r);
  ASSERT_EQ(count_files("tr/_delta_log", ".json"), 2);
  const char *const force[] = {"delta.mode", "append", "input.on_bad_rows", "skip", "output.force", "true", NULL};
  ASSERT_EQ(run_table("rj2/*.csv", "tr", &r, NULL, force), PF_OK);
  ASSERT_EQ(r.table_version, 2);
  ASSERT_EQ(r.rows_rejected, 2);
  pf_batch_result_free(&r);
  text = read_text(path_of("tr.rejects.csv"));
  ASSERT(text && count_of(text, "\n") == 3 && strstr(text, "half.csv\",2,"));
  free(text);
}

/* ---- progress ---- */

static uint64_t pg_v[4096], pg_total[4096];
static size_t pg_n;

static void pg_fn(void *user, uint64_t done, uint64_t total, const char *unit) {
  (void)user;
  if (pg_n < 4096 && !strcmp(unit, "bytes")) {
    pg_v[pg_n] = done;
    pg_total[pg_n++] = total;
  }
}

/* One climb from 0 to the inputs' bytes over the scan and the write, never
 * back, also past a file that fails in the scan. */
TEST_IMPL(progress_climbs_once) {
  mkdir(path_of("pg"), 0755);
  char big[64 * 1024];
  size_t n = (size_t)snprintf(big, sizeof big, "id,n\n");
  for (int k = 0; n < sizeof big - 32; k++) n += (size_t)snprintf(big + n, sizeof big - n, "%d,%d\n", k, k * 7);
  write_file("pg/a.csv", big);
  write_file("pg/b.csv", big);
  write_file("pg/c.csv", "id,n\n1,\"never closed\n");
  write_file("pg/d.csv", "id,n\n1,2\n");
  pf_batch_job *job = pf_batch_new();
  pf_options *o = pf_options_new();
  pf_error err;
  ASSERT_OK(pf_batch_add(job, path_of("pg/*.csv"), &err));
  ASSERT_OK(pf_batch_set_table(job, path_of("tp"), &err));
  ASSERT_OK(pf_batch_set_workers(job, 2, &err));
  pf_options_set_progress(o, pg_fn, NULL);
  pg_n = 0;
  pf_batch_result r;
  ASSERT_OK(pf_batch_run(job, o, &r, &err));
  ASSERT_EQ(r.converted, 3);
  ASSERT(pg_n >= 2);
  for (size_t i = 0; i < pg_n; i++) {
    ASSERT_EQ(pg_total[i], r.bytes_total);
    ASSERT(pg_v[i] <= r.bytes_total);
    if (i) ASSERT(pg_v[i] >= pg_v[i - 1]);
  }
  ASSERT_EQ(pg_v[pg_n - 1], r.bytes_total);
  pf_batch_result_free(&r);
  pf_batch_free(job);
  pf_options_free(o);
}

/* A table on a Unity Catalog Volume (/Volumes/..., dbfs:/Volumes/...) is
 * mapped as a conversion's output is (PYFORGE_VOLUMES_ROOT: the mount). */
TEST_IMPL(table_on_a_volume) {
  mkdir(path_of("Volumes"), 0755);
  mkdir(path_of("Volumes/main"), 0755);
  mkdir(path_of("Volumes/main/sales"), 0755);
  mkdir(path_of("Volumes/main/sales/raw"), 0755);
  mkdir(path_of("vin"), 0755);
  write_file("vin/a.csv", "id,n\n1,2\n1,2,3\n");
  setenv("PYFORGE_VOLUMES_ROOT", path_of("Volumes"), 1);
  pf_batch_result r;
  const char *const skip[] = {"input.on_bad_rows", "skip", NULL};
  ASSERT_EQ(run_table("vin/*.csv", "dbfs:/Volumes/main/sales/raw/tv", &r, NULL, skip), PF_OK);
  ASSERT_EQ(r.converted, 1);
  ASSERT_EQ(r.table_version, 0);
  ASSERT_STR_EQ(r.table, path_of("Volumes/main/sales/raw/tv"));
  ASSERT_STR_EQ(r.items[0].result.rejects_path, path_of("Volumes/main/sales/raw/tv.rejects.csv"));
  pf_batch_result_free(&r);
  ASSERT_EQ(count_files("Volumes/main/sales/raw/tv/_delta_log", ".json"), 1);
  ASSERT(access(path_of("Volumes/main/sales/raw/tv.rejects.csv"), F_OK) == 0);
  const char *const append[] = {"delta.mode", "append", "input.on_bad_rows", "skip", "output.force", "true", NULL};
  ASSERT_EQ(run_table("vin/*.csv", "/Volumes/main/sales/raw/tv", &r, NULL, append), PF_OK);
  ASSERT_EQ(r.table_version, 1);
  pf_batch_result_free(&r);
  /* a volume that is not there: said as convert says it */
  ASSERT_EQ(run_table("vin/*.csv", "/Volumes/main/sales/nope/tv", &r, NULL, NULL), PF_EOUTPUT);
  ASSERT(strstr(run_error, "Volume main.sales.nope does not exist"));
  ASSERT(access(path_of("Volumes/main/sales/nope"), F_OK) != 0);
  unsetenv("PYFORGE_VOLUMES_ROOT");
}

/* ---- hooks and the schema callback ---- */

/* What the front end's hooks saw (they run one at a time: pre on the
 * workers is guarded, the rest on the calling thread). */
static pthread_mutex_t hk_mu = PTHREAD_MUTEX_INITIALIZER;
static int hk_pre, hk_post, hk_err, hk_schema, hk_post_committed;
static int64_t hk_post_rows, hk_post_version = -2;
static char hk_err_input[512], hk_schema_target[512];
static pf_status hk_err_status;
static pf_type hk_schema_n = PF_TYPE_COUNT_;

static pf_status hk_pre_fn(void *state, pf_convert_event *ev, pf_error *err) {
  (void)state;
  pthread_mutex_lock(&hk_mu);
  hk_pre++;
  pthread_mutex_unlock(&hk_mu);
  /* the file's own options: only s.csv is read as strings */
  if (strstr(ev->input, "/s.csv")) return pf_options_set(ev->options, "input.all_strings", "true", err);
  return PF_OK;
}

static pf_status hk_post_fn(void *state, const pf_convert_event *ev, pf_error *err) {
  (void)state;
  (void)err;
  hk_post++;
  hk_post_rows += ev->result->rows;
  hk_post_version = ev->result->table_version;
  hk_post_committed += access(path_of("th/_delta_log/00000000000000000000.json"), F_OK) == 0;
  return PF_OK;
}

static void hk_err_fn(void *state, const pf_convert_event *ev) {
  (void)state;
  hk_err++;
  hk_err_status = ev->status;
  snprintf(hk_err_input, sizeof hk_err_input, "%s", ev->input);
}

static void hk_schema_fn(void *user, const char *target, const pf_schema *schema) {
  (void)user;
  hk_schema++;
  snprintf(hk_schema_target, sizeof hk_schema_target, "%s", target);
  for (size_t i = 0; i < schema->n_fields; i++)
    if (!strcmp(schema->fields[i].name, "n")) hk_schema_n = schema->fields[i].type;
}

TEST_IMPL(hooks_and_schema_callback_run_per_file) {
  mkdir(path_of("hk"), 0755);
  write_file("hk/a.csv", "id,n\n1,10\n2,11\n");
  write_file("hk/s.csv", "id,n\n3,20\n");
  write_file("hk/bad.csv", "id,n\n4,\"never closed\n");
  pf_extension_desc d = {.name = "batchhooks", .version = "1", .kind = "python", .description = "test"};
  pf_hooks h = {.struct_size = sizeof h, .pre_convert = hk_pre_fn, .post_convert = hk_post_fn,
                .on_error = hk_err_fn};
  pf_error err;
  ASSERT_OK(pf_extension_register(&d, &h, &err));
  pf_batch_job *job = pf_batch_new();
  pf_options *o = pf_options_new();
  ASSERT_OK(pf_batch_add(job, path_of("hk/*.csv"), &err));
  ASSERT_OK(pf_batch_set_table(job, path_of("th"), &err));
  ASSERT_OK(pf_batch_set_workers(job, 2, &err));
  pf_options_set_schema_callback(o, hk_schema_fn, NULL);
  pf_batch_result r;
  ASSERT_OK(pf_batch_run(job, o, &r, &err));
  ASSERT_EQ(r.converted, 2);
  ASSERT_EQ(r.failed, 1);
  /* pre for every file; post for the two kept, after the commit, with
   * their final results; on-error for the one that failed */
  ASSERT_EQ(hk_pre, 3);
  ASSERT_EQ(hk_post, 2);
  ASSERT_EQ(hk_post_committed, 2);
  ASSERT_EQ(hk_post_rows, 3);
  ASSERT_EQ(hk_post_version, 0);
  ASSERT_EQ(hk_err, 1);
  ASSERT(strstr(hk_err_input, "/bad.csv") != NULL);
  ASSERT_EQ(hk_err_status, find_item(&r, "bad.csv")->status);
  /* the schema callback: once, the table's schema, the table's directory;
   * s.csv read as strings (its pre hook) makes n a string column */
  ASSERT_EQ(hk_schema, 1);
  ASSERT_STR_EQ(hk_schema_target, path_of("th"));
  ASSERT_EQ(hk_schema_n, PF_TYPE_STRING);
  ASSERT_EQ(find_item(&r, "s.csv")->result.schema->fields[1].type, PF_TYPE_STRING);
  ASSERT_EQ(find_item(&r, "a.csv")->result.schema->fields[1].type, PF_TYPE_INT64);
  pf_batch_result_free(&r);
  pf_batch_free(job);
  pf_options_free(o);
  pf_plugins_shutdown(); /* forgets the front end's entry */
}

int main(void) {
  snprintf(tmpdir, sizeof tmpdir, "/tmp/pf_test_batch_table_XXXXXX");
  if (!mkdtemp(tmpdir)) return 1;
  RUN_TEST(cast_text_of_each_type);
  RUN_TEST(cast_numbers_exact_or_the_row);
  RUN_TEST(reconciled_and_one_commit);
  RUN_TEST(append_keeps_the_table_types);
  RUN_TEST(cancel_commits_nothing);
  RUN_TEST(refused_before_it_starts);
  RUN_TEST(hooks_and_schema_callback_run_per_file);
  RUN_TEST(rejects_beside_the_table);
  RUN_TEST(progress_climbs_once);
  RUN_TEST(table_on_a_volume);
  char cmd[600];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
  if (system(cmd) != 0) return 1;
  return TEST_SUMMARY();
}

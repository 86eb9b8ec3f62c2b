/* test_csv_widen.c - exact types: leading zeros, big integers, long
 * decimals stay strings; late values widen columns, re-parsing the first
 * block or restarting (PF_ERESTART) once batches went out. */
#include <zlib.h>

#include "csv_test_util.h"

TEST_IMPL(lossy_values_stay_strings) {
  const char *p = CSVT_FILE("zip.csv",
                            "zip,big,dec,ok\n"
                            "00501,99999999999999999999,0.12345678901234567891,0.5\n"
                            "12345,1,1.5,2\n");
  csvt_result r;
  csvt_read(p, NULL, 1, &r);
  ASSERT_STR_EQ(r.schema, "zip:string,big:string,dec:string,ok:double");
  ASSERT_ROWS(r, "'00501'|'99999999999999999999'|'0.12345678901234567891'|0.5\n"
                 "'12345'|'1'|'1.5'|2\n");
  csvt_free(&r);
  /* int64 range edges, 2^53 */
  p = CSVT_FILE("edge.csv", "a,b,c\n9223372036854775807,9007199254740993,1.5\n-9223372036854775808,1,2\n");
  csvt_read(p, NULL, 1, &r);
  ASSERT_STR_EQ(r.schema, "a:int64,b:int64,c:double");
  ASSERT_ROWS(r, "9223372036854775807|9007199254740993|1.5\n-9223372036854775808|1|2\n");
  csvt_free(&r);
  /* a big int with a double: the int would lose digits, so string */
  p = CSVT_FILE("big2.csv", "a\n9007199254740993\n1.5\n");
  csvt_read(p, NULL, 1, &r);
  ASSERT_STR_EQ(r.schema, "a:string");
  ASSERT_ROWS(r, "'9007199254740993'\n'1.5'\n");
  csvt_free(&r);
}

TEST_IMPL(typed_columns) {
  const char *p = CSVT_FILE("ty.csv",
                            "b,i,d,day,ts,tz\n"
                            "true,1,1.25,2024-02-29,2024-01-01 10:00,2024-01-01T10:00:00Z\n"
                            "False,-2,-3e2,1999-12-31,2024-01-01,2024-01-01T12:00:00+02:00\n");
  csvt_result r;
  csvt_read(p, NULL, 1, &r);
  ASSERT_STR_EQ(r.schema, "b:boolean,i:int64,d:double,day:date,ts:timestamp[us],"
                          "tz:timestamp[us, UTC]");
  ASSERT_ROWS(r, "true|1|1.25|2024-02-29|2024-01-01 10:00:00.000000|2024-01-01 10:00:00.000000Z\n"
                 "false|-2|-300|1999-12-31|2024-01-01 00:00:00.000000|2024-01-01 10:00:00.000000Z\n");
  csvt_free(&r);
}

/* Writes a gzip file: header, n int rows, then `late` rows (a late value). */
static const char *gz_late(const char *name, const char *header, int n, const char *fmt,
                           const char *late) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s", csvt_tmpdir(), name);
  gzFile g = gzopen(path, "wb1");
  if (!g) return NULL;
  gzputs(g, header);
  char line[128];
  for (int i = 1; i <= n; i++) {
    snprintf(line, sizeof line, fmt, i, i % 1000);
    gzputs(g, line);
  }
  gzputs(g, late);
  gzclose(g);
  static char out[512];
  snprintf(out, sizeof out, "%s", path);
  return out;
}

/* The rows a file of n "%d,%d" rows plus one late row renders to, with
 * column b rendered by fmt_b. */
static char *expect_rows(int n, const char *fmt_b, const char *late) {
  pf__buf b;
  pf__buf_init(&b, 0);
  for (int i = 1; i <= n; i++) {
    pf__buf_printf(&b, "%d|", i);
    pf__buf_printf(&b, fmt_b, i % 1000);
    pf__buf_putc(&b, '\n');
  }
  pf__buf_puts(&b, late);
  return pf__buf_take(&b);
}

TEST_IMPL(late_value_first_block) {
  /* gzip input: the sample is the head only; the late value is in the first
   * (8 MiB) block, so the block is parsed again, no restart. */
  const char *p = gz_late("late1.csv.gz", "a,b\n", 150000, "%d,%d\n", "150001,1.5\n");
  csvt_result r;
  csvt_read(p, NULL, 2, &r);
  ASSERT_EQ(r.st, PF_OK);
  ASSERT_EQ(r.restarts, 0);
  ASSERT_STR_EQ(r.schema, "a:int64,b:double");
  ASSERT_STR_EQ(r.notes, "b: widened from int64 to double at row 150001 (line 150002): value '1.5'\n");
  char *want = expect_rows(150000, "%d", "150001|1.5\n");
  ASSERT_STR_EQ(r.rows, want);
  free(want);
  csvt_free(&r);
}

TEST_IMPL(restart_int_to_double) {
  const char *p = gz_late("late2.csv.gz", "a,b\n", 150000, "%d,%d\n", "150001,1.5\n");
  /* Small blocks: batches go out before the late value is seen. */
  pf__opts o;
  csvt_options(&o);
  o.settings.csv_chunk_size = 65536;
  pf__reader_env env = {0};
  env.path = p;
  env.opts = &o;
  env.pool = csvt_pool(2);
  pf_error err;
  pf_error_init(&err);
  void *st;
  ASSERT_OK(pf__csv_reader_ops.open(&env, &st, &err));
  ASSERT_EQ(pf__csv_reader_ops.schema(st)->fields[1].type, PF_TYPE_INT64);
  pf_batch *b;
  pf_status s;
  int64_t rows = 0;
  while ((s = pf__csv_reader_ops.next(st, &b, &err)) == PF_OK && b) rows += (int64_t)b->n_rows;
  ASSERT_EQ(s, PF_ERESTART);
  ASSERT(rows > 0);
  ASSERT_EQ(err.row, 150001);
  ASSERT_EQ(err.line, 150002);
  ASSERT_EQ(err.column, 2);
  ASSERT_STR_EQ(err.column_name, "b");
  ASSERT(strstr(err.message, "widened from int64 to double") != NULL);
  /* sticky until rewind */
  ASSERT_EQ(pf__csv_reader_ops.next(st, &b, &err), PF_ERESTART);
  const pf_schema *sc = pf__csv_reader_ops.schema(st);
  ASSERT_EQ(sc->fields[1].type, PF_TYPE_DOUBLE);
  ASSERT_STR_EQ(sc->fields[1].note, "widened from int64 to double at row 150001 (line 150002): value '1.5'");
  ASSERT_OK(pf__csv_reader_ops.rewind(st, &err));
  rows = 0;
  double last = 0;
  while ((s = pf__csv_reader_ops.next(st, &b, &err)) == PF_OK && b) {
    ASSERT_EQ(b->cols[1].type, PF_TYPE_DOUBLE);
    rows += (int64_t)b->n_rows;
    last = pf__col_f64(&b->cols[1], b->n_rows - 1);
  }
  ASSERT_OK(s);
  ASSERT_EQ(rows, 150001);
  ASSERT_DBL_EQ(last, 1.5);
  pf__csv_reader_ops.close(st);
  /* the same through the helper: values identical to the input */
  csvt_result r;
  csvt_read(p, &o, 2, &r);
  ASSERT_EQ(r.restarts, 1);
  char *want = expect_rows(150000, "%d", "150001|1.5\n");
  ASSERT_STR_EQ(r.rows, want);
  free(want);
  csvt_free(&r);
}

TEST_IMPL(info_sees_late_values) {
  /* info() reads everything: its row count is exact and its types are the
   * ones a conversion ends with, even beyond the first block. */
  const char *p = gz_late("late5.csv.gz", "a,b\n", 150000, "%d,%d\n", "150001,1.5\n1,2,3\n");
  pf__opts o;
  csvt_options(&o);
  o.settings.csv_chunk_size = 65536;
  csvt_result r;
  o.csv.on_bad_rows = PF_BAD_ROWS_SKIP;
  csvt_info(p, &o, &r);
  ASSERT_OK(r.st);
  ASSERT_EQ(r.info.rows, 150001); /* the rows a conversion writes */
  ASSERT_STR_EQ(r.schema, "a:int64,b:double");
  ASSERT(strstr(r.notes, "at row 150001 (line 150002)") != NULL);
  const char *bad = NULL;
  for (size_t i = 0; i < r.info.n_props; i++)
    if (strcmp(r.info.props[i].key, "bad_rows") == 0) bad = r.info.props[i].value;
  ASSERT(bad && strncmp(bad, "1 ", 2) == 0);
  csvt_free(&r);
  /* with the default, the bad row fails info as it fails convert */
  o.csv.on_bad_rows = PF_BAD_ROWS_ERROR;
  csvt_info(p, &o, &r);
  ASSERT_EQ(r.st, PF_EBADROW);
  ASSERT_EQ(r.err.line, 150003);
  csvt_free(&r);
}

TEST_IMPL(restart_int_to_string) {
  const char *p = gz_late("late3.csv.gz", "a,b\n", 150000, "%d,%d\n", "150001,00042\n");
  pf__opts o;
  csvt_options(&o);
  o.settings.csv_chunk_size = 65536;
  csvt_result r;
  csvt_read(p, &o, 2, &r);
  ASSERT_EQ(r.st, PF_OK);
  ASSERT_EQ(r.restarts, 1);
  ASSERT_STR_EQ(r.schema, "a:int64,b:string");
  ASSERT_STR_EQ(r.notes, "b: widened from int64 to string at row 150001 (line 150002): value '00042'\n");
  char *want = expect_rows(150000, "'%d'", "150001|'00042'\n");
  ASSERT_STR_EQ(r.rows, want);
  free(want);
  csvt_free(&r);
}

TEST_IMPL(restart_date_to_timestamp) {
  char path[512];
  snprintf(path, sizeof path, "%s/late4.csv.gz", csvt_tmpdir());
  gzFile g = gzopen(path, "wb1");
  ASSERT(g != NULL);
  gzputs(g, "id,day\n");
  for (int i = 1; i <= 150000; i++) gzprintf(g, "%d,2024-01-%02d\n", i, 1 + i % 28);
  gzputs(g, "150001,2024-02-03 04:05:06.5\n");
  gzclose(g);
  pf__opts o;
  csvt_options(&o);
  o.settings.csv_chunk_size = 100000;
  csvt_result r;
  csvt_read(path, &o, 2, &r);
  ASSERT_EQ(r.st, PF_OK);
  ASSERT_EQ(r.restarts, 1);
  ASSERT_STR_EQ(r.schema, "id:int64,day:timestamp[us]");
  ASSERT(strstr(r.rows, "1|2024-01-02 00:00:00.000000\n") == r.rows);
  ASSERT(strstr(r.rows, "150001|2024-02-03 04:05:06.500000\n") != NULL);
  ASSERT_EQ(r.n_rows, 150001);
  csvt_free(&r);
}

TEST_IMPL(windows_see_late_values) {
  /* A seekable file: the sample windows spread through the file find the
   * doubles far from the head, so no widening is needed at all. */
  pf__buf b;
  pf__buf_init(&b, 0);
  pf__buf_puts(&b, "a,b\n");
  for (int i = 1; i <= 400000; i++) {
    if (i > 200000) pf__buf_printf(&b, "%d,%d.5\n", i, i % 1000);
    else pf__buf_printf(&b, "%d,%d\n", i, i % 1000);
  }
  const char *p = csvt_file("win.csv", b.data, b.len);
  pf__buf_free(&b);
  csvt_result r;
  csvt_read(p, NULL, 2, &r);
  ASSERT_EQ(r.st, PF_OK);
  ASSERT_STR_EQ(r.schema, "a:int64,b:double");
  ASSERT_STR_EQ(r.notes, "");
  ASSERT_EQ(r.restarts, 0);
  ASSERT_EQ(r.n_rows, 400000);
  csvt_free(&r);
}

TEST_IMPL(no_windows_inside_long_quoted_fields) {
  /* A 2 MB quoted field whose lines look like rows of this file ("x,y"):
   * a window landing inside it must not make column id a string. */
  pf__buf b;
  pf__buf_init(&b, 0);
  pf__buf_puts(&b, "id,big\n1,x\n2,\"");
  for (int i = 0; i < 200000; i++) pf__buf_puts(&b, "\xC3\xA9t\xC3\xA9,\"\"\n");
  pf__buf_puts(&b, "\"\n3,short\n");
  const char *p = csvt_file("longq.csv", b.data, b.len);
  pf__buf_free(&b);
  csvt_result r;
  csvt_read(p, NULL, 2, &r);
  ASSERT_EQ(r.st, PF_OK);
  ASSERT_STR_EQ(r.schema, "id:int64,big:string");
  ASSERT_EQ(r.n_rows, 3);
  ASSERT_EQ(r.restarts, 0);
  csvt_free(&r);
}

int main(void) {
  RUN_TEST(lossy_values_stay_strings);
  RUN_TEST(typed_columns);
  RUN_TEST(late_value_first_block);
  RUN_TEST(restart_int_to_double);
  RUN_TEST(info_sees_late_values);
  RUN_TEST(restart_int_to_string);
  RUN_TEST(restart_date_to_timestamp);
  RUN_TEST(windows_see_late_values);
  RUN_TEST(no_windows_inside_long_quoted_fields);
  csvt_cleanup();
  return TEST_SUMMARY();
}

/* test_csv_rows.c - values and nulls, ragged rows in the three modes,
 * validation, unterminated quotes, empty inputs, limits, --all-strings,
 * columns read as strings (pf__opts.string_columns). */
#include "csv_test_util.h"

TEST_IMPL(nulls_and_tokens) {
  const char *p = CSVT_FILE("nu.csv",
                            "n,d,s,q\n"
                            "1,1.5,NULL,\"\"\n"
                            "NA,nan,NA,x\n"
                            "N/A,,null,\"NULL\"\n"
                            "null,N/A,,\n"
                            "4,NaN,N/A,y\n");
  csvt_result r;
  csvt_read(p, NULL, 1, &r);
  ASSERT_STR_EQ(r.schema, "n:int64,d:double,s:string,q:string");
  ASSERT_ROWS(r,
              "1|1.5|'NULL'|''\n"
              "NULL|nan|'NA'|'x'\n"
              "NULL|NULL|'null'|'NULL'\n"
              "NULL|NULL|NULL|NULL\n"
              "4|NULL|'N/A'|'y'\n");
  csvt_free(&r);
  /* a column of nothing but nulls is string */
  p = CSVT_FILE("nu2.csv", "a,b\n1,\n2,NA\n");
  csvt_read(p, NULL, 1, &r);
  ASSERT_STR_EQ(r.schema, "a:int64,b:string");
  ASSERT_ROWS(r, "1|NULL\n2|'NA'\n");
  csvt_free(&r);
  /* a quoted empty field is null in a typed column */
  p = CSVT_FILE("nu3.csv", "a,b\n\"1\",\"\"\n\"\",\"x\"\n");
  csvt_read(p, NULL, 1, &r);
  ASSERT_STR_EQ(r.schema, "a:int64,b:string");
  ASSERT_ROWS(r, "1|''\nNULL|'x'\n");
  csvt_free(&r);
}

TEST_IMPL(custom_null_values) {
  static const char *const nv[] = {"-", "n/a"};
  pf__opts o;
  csvt_options(&o);
  o.csv.null_values = nv;
  o.csv.n_null_values = 2;
  const char *p = CSVT_FILE("cn.csv", "a,b,c\n1,-,x\n-,n/a,NULL\n3,y,\"-\"\n");
  csvt_result r;
  csvt_read(p, &o, 1, &r);
  ASSERT_STR_EQ(r.schema, "a:int64,b:string,c:string");
  ASSERT_ROWS(r, "1|NULL|'x'\nNULL|NULL|'NULL'\n3|'y'|NULL\n");
  csvt_free(&r);
  /* the default tokens are ordinary text then */
  p = CSVT_FILE("cn2.csv", "a\n1\nNA\n");
  csvt_read(p, &o, 1, &r);
  ASSERT_STR_EQ(r.schema, "a:string");
  csvt_free(&r);
}

/* Short rows are bad rows as long ones are: the default stops at the
 * first, skip rejects them, keep pads them with nulls and counts them. */
TEST_IMPL(ragged_missing_fields) {
  const char *p = CSVT_FILE("rg.csv", "a,b,c\n1,x,2\n2\n3,y\n");
  csvt_result r;
  csvt_read(p, NULL, 2, &r);
  ASSERT_EQ(r.st, PF_EBADROW);
  ASSERT_EQ(r.err.line, 3);
  ASSERT_EQ(r.err.row, 2);
  ASSERT_EQ(r.err.column, 2);
  const char *want = "1 field where the header has 3. Use input.on_bad_rows=skip";
  if (strncmp(r.err.message, want, strlen(want)) != 0) TEST_FAIL_("message: %s", r.err.message);
  csvt_free(&r);
  pf__opts o;
  csvt_options(&o);
  o.csv.on_bad_rows = PF_BAD_ROWS_SKIP;
  csvt_read(p, &o, 2, &r);
  ASSERT_ROWS(r, "1|'x'|2\n");
  ASSERT_EQ(r.rows_rejected, 2);
  ASSERT_STR_EQ(r.rejects, "3|1 field where the header has 3|2\n"
                           "4|2 fields where the header has 3|3,y\n");
  ASSERT_STR_EQ(r.warnings, "");
  csvt_free(&r);
  o.csv.on_bad_rows = PF_BAD_ROWS_KEEP;
  csvt_read(p, &o, 2, &r);
  ASSERT_STR_EQ(r.schema, "a:int64,b:string,c:int64");
  ASSERT_ROWS(r, "1|'x'|2\n2|NULL|NULL\n3|'y'|NULL\n");
  ASSERT_EQ(r.rows_rejected, 0);
  ASSERT_STR_EQ(r.warnings, "2 rows with fewer fields than the header: kept, the missing "
                            "fields null (first: line 3)\n");
  csvt_free(&r);
  /* long rows too, each kind told once */
  p = CSVT_FILE("rg2.csv", "a,b\n1,2\n3\n4,5,6\n7,8,9\n");
  csvt_read(p, &o, 2, &r);
  ASSERT_ROWS(r, "1|'2'\n3|NULL\n4|'5,6'\n7|'8,9'\n");
  ASSERT_STR_EQ(r.warnings, "1 row with fewer fields than the header: kept, the missing fields "
                            "null (first: line 3)\n2 rows with more fields than the header: "
                            "kept, the extra fields joined into the last column (first: line "
                            "4)\n");
  csvt_free(&r);
}

static const char ragged[] =
    "a,b,c,d\n"
    "1,x,2,p\n"
    "2,y,3,q,extra,\"more,1\"\n"
    "3,z,4,r\n"
    "4,w,5,s,t\n";

TEST_IMPL(extra_fields_error) {
  const char *p = csvt_file("ex.csv", ragged, sizeof ragged - 1);
  csvt_result r;
  csvt_read(p, NULL, 2, &r);
  ASSERT_EQ(r.st, PF_EBADROW);
  ASSERT_EQ(r.err.line, 3);
  ASSERT_EQ(r.err.row, 2);
  ASSERT_EQ(r.err.column, 5);
  ASSERT_EQ(r.err.offset, 16);
  ASSERT(strstr(r.err.file, "ex.csv") != NULL);
  const char *want = "6 fields where the header has 4. Use input.on_bad_rows=skip to write "
                     "such rows to a rejects file, or";
  if (strncmp(r.err.message, want, strlen(want)) != 0) TEST_FAIL_("message: %s", r.err.message);
  csvt_free(&r);
}

TEST_IMPL(extra_fields_skip) {
  pf__opts o;
  csvt_options(&o);
  o.csv.on_bad_rows = PF_BAD_ROWS_SKIP;
  const char *p = csvt_file("ex.csv", ragged, sizeof ragged - 1);
  csvt_result r;
  csvt_read(p, &o, 2, &r);
  ASSERT_ROWS(r, "1|'x'|2|'p'\n3|'z'|4|'r'\n");
  ASSERT_EQ(r.rows_rejected, 2);
  ASSERT_STR_EQ(r.rejects,
                "3|6 fields where the header has 4|2,y,3,q,extra,\"more,1\"\n"
                "5|5 fields where the header has 4|4,w,5,s,t\n");
  csvt_free(&r);
}

TEST_IMPL(extra_fields_keep) {
  pf__opts o;
  csvt_options(&o);
  o.csv.on_bad_rows = PF_BAD_ROWS_KEEP;
  const char *p = csvt_file("ex.csv", ragged, sizeof ragged - 1);
  csvt_result r;
  csvt_read(p, &o, 2, &r);
  ASSERT_ROWS(r, "1|'x'|2|'p'\n2|'y'|3|'q,extra,\"more,1\"'\n3|'z'|4|'r'\n4|'w'|5|'s,t'\n");
  ASSERT_EQ(r.rows_rejected, 0);
  csvt_free(&r);
  /* a typed last column widens to hold the joined text */
  p = CSVT_FILE("ex2.csv", "a,b\n1,2\n3,4,5\n");
  csvt_read(p, &o, 1, &r);
  ASSERT_STR_EQ(r.schema, "a:int64,b:string");
  ASSERT_ROWS(r, "1|'2'\n3|'4,5'\n");
  csvt_free(&r);
}

TEST_IMPL(validating_reports_every_bad_row) {
  pf__opts o;
  csvt_options(&o);
  const char *p = csvt_file("ex.csv", ragged, sizeof ragged - 1);
  pf__buf rej;
  pf__buf_init(&rej, 0);
  pf__reader_env env = {0};
  env.path = p;
  env.opts = &o;
  env.pool = csvt_pool(2);
  env.reject = csvt_reject;
  env.reject_user = &rej;
  env.validating = 1;
  pf_error err;
  pf_error_init(&err);
  void *st;
  ASSERT_OK(pf__csv_reader_ops.open(&env, &st, &err));
  int64_t rows = 0;
  pf_batch *b;
  do {
    ASSERT_OK(pf__csv_reader_ops.next(st, &b, &err));
    if (b) rows += (int64_t)b->n_rows;
  } while (b);
  pf__reader_stats stats;
  pf__csv_reader_ops.stats(st, &stats);
  pf__csv_reader_ops.close(st);
  ASSERT_EQ(rows, 2);
  ASSERT_EQ(stats.rows_rejected, 2);
  pf__buf_putc(&rej, 0);
  ASSERT(strstr((char *)rej.data, "5|5 fields where the header has 4") != NULL);
  pf__buf_free(&rej);
}

TEST_IMPL(unterminated_quote) {
  const char *p = CSVT_FILE("uq.csv", "a,b\n1,x\n2,\"open\n3,y\n4,z\n");
  csvt_result r;
  csvt_read(p, NULL, 1, &r);
  ASSERT_EQ(r.st, PF_EPARSE);
  ASSERT_EQ(r.err.line, 3);
  ASSERT_EQ(r.err.offset, 10);
  ASSERT(strstr(r.err.message, "line 3") != NULL);
  csvt_free(&r);
  /* beyond the sample: found while streaming */
  pf__buf b;
  pf__buf_init(&b, 0);
  pf__buf_puts(&b, "a,b\n");
  for (int i = 1; i <= 100000; i++) pf__buf_printf(&b, "%d,row %d\n", i, i);
  pf__buf_puts(&b, "0,\"never closed\n1,x\n");
  p = csvt_file("uq2.csv", b.data, b.len);
  pf__buf_free(&b);
  csvt_read(p, NULL, 2, &r);
  ASSERT_EQ(r.st, PF_EPARSE);
  ASSERT_EQ(r.err.line, 100002);
  ASSERT_EQ(r.err.row, 100001);
  csvt_free(&r);
}

TEST_IMPL(empty_inputs) {
  static const struct {
    const char *data;
    size_t n;
  } cases[] = {{"", 0}, {"\xEF\xBB\xBF", 3}, {"  \n\r\n\t\n", 6}, {"\xFF\xFE", 2}};
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    const char *p = csvt_file("empty.csv", cases[k].data, cases[k].n);
    csvt_result r;
    csvt_read(p, NULL, 1, &r);
    if (r.st != PF_OK) TEST_FAIL_("case %zu: %s", k, pf_status_name(r.st));
    ASSERT_STR_EQ(r.schema, "Column_1:string"); /* no rows, one column, told */
    ASSERT_EQ(r.n_rows, 0);
    ASSERT(strncmp(r.warnings, "the file is empty", 17) == 0);
    csvt_free(&r);
  }
}

TEST_IMPL(limits) {
  pf__opts o;
  csvt_options(&o);
  o.max_columns = 3;
  const char *p = CSVT_FILE("lim.csv", "a,b,c,d\n1,2,3,4\n");
  csvt_result r;
  csvt_read(p, &o, 1, &r);
  ASSERT_EQ(r.st, PF_ELIMIT);
  ASSERT_EQ(r.err.line, 1);
  ASSERT(strstr(r.err.message, "input.max_columns") != NULL);
  csvt_free(&r);
  csvt_options(&o);
  o.max_field_bytes = 8;
  p = CSVT_FILE("lim2.csv", "a,b\n1,short\n2,much too long\n");
  csvt_read(p, &o, 1, &r);
  ASSERT_EQ(r.st, PF_ELIMIT);
  ASSERT_EQ(r.err.line, 3);
  ASSERT_EQ(r.err.row, 2);
  ASSERT_EQ(r.err.column, 2);
  ASSERT_STR_EQ(r.err.column_name, "b");
  ASSERT(strstr(r.err.message, "input.max_field_size") != NULL);
  csvt_free(&r);
  /* a runaway quote hits the field limit while streaming */
  o.max_field_bytes = 1000;
  pf__buf b;
  pf__buf_init(&b, 0);
  pf__buf_puts(&b, "a,b\n1,x\n2,\"runaway\n");
  for (int i = 0; i < 300000; i++) pf__buf_puts(&b, "3,y\n"); /* > the sample */
  p = csvt_file("lim3.csv", b.data, b.len);
  pf__buf_free(&b);
  o.settings.csv_chunk_size = 4096;
  csvt_read(p, &o, 1, &r);
  o.settings.csv_chunk_size = 0;
  ASSERT_EQ(r.st, PF_ELIMIT);
  ASSERT_EQ(r.err.line, 3);
  ASSERT_EQ(r.err.column, 2);
  csvt_free(&r);
}

TEST_IMPL(all_strings_like_original) {
  pf__opts o;
  csvt_options(&o);
  o.all_strings = 1;
  o.csv.on_bad_rows = PF_BAD_ROWS_KEEP; /* the short last row: kept, padded */
  const char *p = CSVT_FILE("as.csv", "id,amount,day,note\n007,1.50,2024-01-01,NA\n2,,NULL, x \n3\n");
  csvt_result r;
  csvt_read(p, &o, 1, &r);
  ASSERT_STR_EQ(r.schema, "id:string,amount:string,day:string,note:string");
  ASSERT_ROWS(r, "'007'|'1.50'|'2024-01-01'|'NA'\n'2'|''|'NULL'|' x '\n'3'|''|''|''\n");
  csvt_free(&r);
  /* explicit null values still apply */
  static const char *const nv[] = {"NULL"};
  o.csv.null_values = nv;
  o.csv.n_null_values = 1;
  csvt_read(p, &o, 1, &r);
  ASSERT_ROWS(r, "'007'|'1.50'|'2024-01-01'|'NA'\n'2'|''|NULL|' x '\n'3'|''|''|''\n");
  csvt_free(&r);
}

/* pf__opts.string_columns (a batch into one table): the named columns,
 * matched ignoring ASCII case, are strings holding the file's text; the
 * others are inferred as usual. */
TEST_IMPL(string_columns_keep_text) {
  static const char *const sc[] = {"N", "Flag", "ts"};
  pf__opts o;
  csvt_options(&o);
  o.string_columns = sc;
  o.n_string_columns = 3;
  const char *p = CSVT_FILE("sc.csv", "n,m,flag,ts\n+5,+5,TRUE,2024-01-05T00:00:00\nNA,NA,false,\n-0,,True,"
                                      "2024-01-06 10:00:00.500\n");
  csvt_result r;
  csvt_read(p, &o, 1, &r);
  ASSERT_STR_EQ(r.schema, "n:string,m:int64,flag:string,ts:string");
  ASSERT_ROWS(r, "'+5'|5|'TRUE'|'2024-01-05T00:00:00'\n'NA'|NULL|'false'|NULL\n'-0'|NULL|'True'|"
                 "'2024-01-06 10:00:00.500'\n");
  csvt_free(&r);
}

TEST_IMPL(empty_lines_skipped) {
  const char *p = CSVT_FILE("el.csv", "a,b\n\n1,x\n\r\n2,y\n\n");
  csvt_result r;
  csvt_read(p, NULL, 1, &r);
  ASSERT_ROWS(r, "1|'x'\n2|'y'\n");
  csvt_free(&r);
}

int main(void) {
  RUN_TEST(nulls_and_tokens);
  RUN_TEST(custom_null_values);
  RUN_TEST(ragged_missing_fields);
  RUN_TEST(extra_fields_error);
  RUN_TEST(extra_fields_skip);
  RUN_TEST(extra_fields_keep);
  RUN_TEST(validating_reports_every_bad_row);
  RUN_TEST(unterminated_quote);
  RUN_TEST(empty_inputs);
  RUN_TEST(limits);
  RUN_TEST(all_strings_like_original);
  RUN_TEST(string_columns_keep_text);
  RUN_TEST(empty_lines_skipped);
  csvt_cleanup();
  return TEST_SUMMARY();
}

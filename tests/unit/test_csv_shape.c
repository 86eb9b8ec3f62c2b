/* test_csv_shape.c - the table's shape decided from the body, not the
 * first line: header repairs, title rows, files without a header, the ", "
 * dialect, and an unterminated quote in the lenient modes. Each fixture is
 * a damaged copy of one small clean table (the classes of the Pollock
 * benchmark of polluted CSV files); every one of them failed or loaded
 * wrongly before. */
#include "csv_test_util.h"

/* The clean table: id,name,qty with 12 rows ("1,a1,2" ...). */
#define ROWS 12

static char *table(const char *header, const char *fmt) {
  pf__buf b;
  pf__buf_init(&b, 0);
  pf__buf_puts(&b, header);
  for (int i = 1; i <= ROWS; i++) pf__buf_printf(&b, fmt, i, i, i * 2);
  return pf__buf_take(&b);
}

static void read_text(const char *name, const char *text, const pf__opts *o,
                      csvt_result *r) {
  csvt_read(csvt_file(name, text, strlen(text)), o, 2, r);
}

static pf__opts opts(pf__bad_rows mode) {
  pf__opts o;
  csvt_options(&o);
  o.csv.on_bad_rows = mode;
  return o;
}

/* The rows every repaired file must give. */
static char *clean_rows(void) {
  pf__buf b;
  pf__buf_init(&b, 0);
  for (int i = 1; i <= ROWS; i++) pf__buf_printf(&b, "%d|'a%d'|%d\n", i, i, i * 2);
  return pf__buf_take(&b);
}

TEST_IMPL(header_short_by_one) {
  /* two names run together: every data row agrees on 3 fields */
  char *t = table("id,nameqty\n", "%d,a%d,%d\n");
  char *want = clean_rows();
  for (int mode = PF_BAD_ROWS_ERROR; mode <= PF_BAD_ROWS_KEEP; mode++) {
    pf__opts o = opts((pf__bad_rows)mode);
    csvt_result r;
    read_text("hs.csv", t, &o, &r);
    ASSERT_STR_EQ(r.schema, "id:int64,nameqty:string,Column_3:int64");
    ASSERT_ROWS(r, want);
    ASSERT_EQ(r.rows_rejected, 0);
    ASSERT_STR_EQ(r.warnings, "the header (line 1) has 2 names where every data row has 3 "
                              "fields: the last column is named Column_3\n");
    csvt_free(&r);
  }
  free(t);
  free(want);
}

/* The clean rows under `header` (text above them); the schema and the
 * warning (a substring) must be as given. */
static int repaired(const char *name, const char *header, const char *schema,
                    const char *warning) {
  char *t = table(header, "%d,a%d,%d\n");
  char *want = clean_rows();
  csvt_result r;
  read_text(name, t, NULL, &r);
  int ok = r.st == PF_OK && strcmp(r.schema, schema) == 0 && strcmp(r.rows, want) == 0 &&
           strstr(r.warnings, warning) != NULL;
  if (!ok)
    fprintf(stderr, "  %s: %s\n  schema %s\n  warnings %s  rows %.60s\n", name,
            r.st ? r.err.message : "read", r.schema, r.warnings, r.rows);
  csvt_free(&r);
  free(t);
  free(want);
  return ok;
}

TEST_IMPL(header_with_extra_empty_name) {
  ASSERT(repaired("he.csv", "id,,name,qty\n", "id:int64,name:string,qty:int64",
                  "the header (line 1) has 1 empty name more than the data's 3 fields: "
                  "left out\n"));
}

TEST_IMPL(header_with_a_stray_quote) {
  /* the stray quote pairs with the next one: 2 fields, not 3 */
  ASSERT(repaired("hq.csv", "\"id,name,\"qty\"\n", "\"id:int64,name:string,qty:int64",
                  "quotes that do not pair up"));
}

TEST_IMPL(header_delimited_by_spaces) {
  ASSERT(repaired("hd.csv", "id name \"qty\"\n", "id:int64,name:string,qty:int64",
                  "the header (line 1) is delimited by space where the data uses ',': its "
                  "names were split by space\n"));
}

TEST_IMPL(header_names_more_columns_than_the_data) {
  char *t = table("id,name,qty,note\n", "%d,a%d,%d\n");
  csvt_result r;
  read_text("hm.csv", t, NULL, &r);
  ASSERT_STR_EQ(r.schema, "id:int64,name:string,qty:int64,note:string");
  ASSERT_EQ(r.st, PF_OK);
  ASSERT_EQ(r.n_rows, ROWS);
  ASSERT_EQ(r.rows_rejected, 0);
  ASSERT(strstr(r.rows, "1|'a1'|2|NULL\n") == r.rows);
  ASSERT(strstr(r.warnings, "the last column has no values (null)") != NULL);
  csvt_free(&r);
  free(t);
}

TEST_IMPL(one_bad_row_does_not_move_the_header) {
  /* the header is fine; one long data row is a bad row, not a repair */
  char *t = table("id,name,qty\n", "%d,a%d,%d\n");
  pf__buf b;
  pf__buf_init(&b, 0);
  pf__buf_printf(&b, "%s13,a13,26,extra\n", t);
  pf__opts o = opts(PF_BAD_ROWS_ERROR);
  csvt_result r;
  read_text("hb.csv", (char *)b.data, &o, &r);
  ASSERT_EQ(r.st, PF_EBADROW);
  ASSERT_EQ(r.err.line, 14);
  csvt_free(&r);
  pf__buf_free(&b);
  free(t);
}

TEST_IMPL(title_rows_above_the_header) {
  ASSERT(repaired("tr.csv", "Sales report,,\n,,\nid,name,qty\n", "id:int64,name:string,qty:int64",
                  "lines 1-2 above the header hold a title: left out\n"));
  /* a title of one field on its own line */
  ASSERT(repaired("tr2.csv", "Quarterly numbers\nid,name,qty\n", "id:int64,name:string,qty:int64",
                  "line 1 above the header holds a title: left out\n"));
}

TEST_IMPL(header_of_two_rows) {
  ASSERT(repaired("h2r.csv", "id,name,qty\nkey,label,count\n",
                  "id key:int64,name label:string,qty count:int64",
                  "lines 1-2 form the header (2 rows naming the columns): their names are "
                  "joined\n"));
  csvt_result r;
  char *t;
  /* a data row with a word in a numeric column is data (a bad value) */
  t = table("id,name,qty\n0,a0,unknown\n", "%d,a%d,%d\n");
  read_text("h2n.csv", t, NULL, &r);
  ASSERT_STR_EQ(r.schema, "id:int64,name:string,qty:string");
  ASSERT_EQ(r.n_rows, ROWS + 1);
  ASSERT_STR_EQ(r.warnings, "");
  csvt_free(&r);
  free(t);
}

TEST_IMPL(preamble_line_shorter_than_the_header) {
  /* notes above the table, the last with 2 fields over a 3-field header:
   * the header is the row of 3 names, not the notes with a name added
   * (duckdb's auto/multiple_skip_row.csv: the names became a data row) */
  ASSERT(repaired("pre.csv", "some notes...\nmore notes,...\nid,name,qty\n",
                  "id:int64,name:string,qty:int64",
                  "lines 1-2 above the header hold a title: left out\n"));
  /* lines of "key,value" notes above the header: the first note was taken
   * as the header and every data row was bad */
  ASSERT(repaired("pre3.csv", "Vendor Name,Test\nStart Date,06/02/2024\nid,name,qty\n",
                  "id:int64,name:string,qty:int64",
                  "lines 1-2 above the header hold a title: left out\n"));
  /* a short header over data rows stays the header (one name missing) */
  ASSERT(repaired("pre2.csv", "id,nameqty\n", "id:int64,nameqty:string,Column_3:int64",
                  "the header (line 1) has 2 names"));
}

TEST_IMPL(header_rows_hold_words) {
  csvt_result r;
  /* a row of dashes under the names is data, not a second header row */
  char *t = table("id,name,qty\n----,----,---\n", "%d,a%d,%d\n");
  read_text("dash.csv", t, NULL, &r);
  ASSERT_STR_EQ(r.schema, "id:string,name:string,qty:string");
  ASSERT_EQ(r.n_rows, ROWS + 1);
  csvt_free(&r);
  free(t);
  /* numbers with thousands separators (text) above plain numbers: data,
   * no header of three joined values (duckdb's
   * thousands_separator/simple_quoted.csv) */
  const char *num = "\"100,000.00\"\n\"300,000.20\"\n\"300,000,000.40\"\n\"50\"\n\"9999.20\"\n";
  read_text("thou.csv", num, NULL, &r);
  ASSERT_STR_EQ(r.schema, "Column_1:string");
  ASSERT_EQ(r.n_rows, 5);
  csvt_free(&r);
  /* a first row like every row below it, no word in it: data
   * (duckdb's timestamp_tz.csv lost its first date to the header) */
  read_text("dates.csv", "1/1/2020\n1/1/2020\n1/1/2020\n5/7/1995\n", NULL, &r);
  ASSERT_STR_EQ(r.schema, "Column_1:string");
  ASSERT_EQ(r.n_rows, 4);
  csvt_free(&r);
}

TEST_IMPL(sparse_first_row_without_header_is_data) {
  /* one value in the first row, but no header below it: not a title */
  const char *p = CSVT_FILE("sp.csv", "7,,\n1,2,3\n4,5,6\n");
  csvt_result r;
  csvt_read(p, NULL, 1, &r);
  ASSERT_STR_EQ(r.schema, "Column_1:int64,Column_2:int64,Column_3:int64");
  ASSERT_ROWS(r, "7|NULL|NULL\n1|2|3\n4|5|6\n");
  ASSERT_STR_EQ(r.warnings, "");
  csvt_free(&r);
}

TEST_IMPL(title_candidate_wider_than_the_body) {
  /* a one-value first row wider than the body, over rows that are not a
   * header: the shape is taken again from row 0 (found by the fuzz corpus:
   * the column types had room for the body only) */
  const char *p = CSVT_FILE("tw.csv", "x,,,,,\n1,2\n3,4\n5,6\n");
  csvt_result r;
  csvt_read(p, NULL, 1, &r);
  ASSERT_OK(r.st);
  ASSERT_STR_EQ(r.schema, "x:int64,Column_2:int64,Column_3:string,Column_4:string,"
                          "Column_5:string,Column_6:string");
  ASSERT_ROWS(r, "1|2|NULL|NULL|NULL|NULL\n3|4|NULL|NULL|NULL|NULL\n5|6|NULL|NULL|NULL|NULL\n");
  csvt_free(&r);
}

TEST_IMPL(file_without_header) {
  char *t = table("", "%d,a%d,%d\n");
  csvt_result r;
  read_text("nh.csv", t, NULL, &r);
  ASSERT_STR_EQ(r.schema, "Column_1:int64,Column_2:string,Column_3:int64");
  char *want = clean_rows();
  ASSERT_ROWS(r, want);
  csvt_free(&r);
  free(want);
  free(t);
}

TEST_IMPL(comma_space_dialect) {
  char *t = table("id, name, qty, note\n", "%d, \"a%d, b\", %d, \"x \"\"y\"\"\"\n");
  csvt_result r;
  read_text("cs.csv", t, NULL, &r);
  ASSERT_STR_EQ(r.schema, "id:int64,name:string,qty:int64,note:string");
  ASSERT(strstr(r.rows, "1|'a1, b'|2|'x \"y\"'\n") == r.rows);
  ASSERT_EQ(r.n_rows, ROWS);
  csvt_free(&r);
  free(t);
  /* a file that writes ", " only in some places keeps "," */
  const char *p = CSVT_FILE("cs2.csv", "a,b\n1, x\n2,y\n");
  csvt_read(p, NULL, 1, &r);
  ASSERT_ROWS(r, "1|' x'\n2|'y'\n");
  csvt_free(&r);
}

TEST_IMPL(unterminated_quote_on_the_last_line) {
  char *t = table("id,name,qty\n", "%d,a%d,%d\n");
  pf__buf b;
  pf__buf_init(&b, 0);
  pf__buf_printf(&b, "%s13,\"a13,26\n", t);
  char *want = clean_rows();
  /* strict: the file fails at the quote's line */
  csvt_result r;
  read_text("uq.csv", (char *)b.data, NULL, &r);
  ASSERT_EQ(r.st, PF_EPARSE);
  ASSERT_EQ(r.err.line, 14);
  csvt_free(&r);
  /* skip: that line is the bad row, the rest converts */
  pf__opts o = opts(PF_BAD_ROWS_SKIP);
  read_text("uq.csv", (char *)b.data, &o, &r);
  ASSERT_ROWS(r, want);
  ASSERT_STR_EQ(r.rejects, "14|unterminated quote: the quoted field that opens at line 14 "
                           "never closes|13,\"a13,26\n");
  csvt_free(&r);
  /* keep: kept as it splits (the open field takes the rest of its line) */
  o = opts(PF_BAD_ROWS_KEEP);
  read_text("uq.csv", (char *)b.data, &o, &r);
  ASSERT_EQ(r.st, PF_OK);
  ASSERT_EQ(r.n_rows, ROWS + 1);
  ASSERT(strstr(r.rows, "13|'a13,26'|NULL\n") != NULL);
  ASSERT(strstr(r.warnings, "1 row with a quote that never closes: kept") != NULL);
  csvt_free(&r);
  free(want);
  pf__buf_free(&b);
  free(t);
}

TEST_IMPL(unterminated_quote_before_the_end) {
  /* the open quote is on line 3; the lines after it are rows again */
  const char *text = "a,b\n1,x\n2,\"oops\n3,y\n4,z\n";
  pf__opts o = opts(PF_BAD_ROWS_SKIP);
  csvt_result r;
  read_text("uq2.csv", text, &o, &r);
  ASSERT_ROWS(r, "1|'x'\n3|'y'\n4|'z'\n");
  ASSERT_EQ(r.rows_rejected, 1);
  ASSERT(strncmp(r.rejects, "3|unterminated quote", 20) == 0);
  csvt_free(&r);
  /* with tiny blocks too (the pending row crosses every boundary) */
  o.settings.csv_chunk_size = 3;
  read_text("uq2.csv", text, &o, &r);
  ASSERT_ROWS(r, "1|'x'\n3|'y'\n4|'z'\n");
  csvt_free(&r);
}

TEST_IMPL(keep_drops_empty_extra_fields) {
  pf__opts o = opts(PF_BAD_ROWS_KEEP);
  const char *p = CSVT_FILE("ke.csv", "a,b,c\n1,x,2\n3,,y,4,,\n5,z,6,,\n");
  csvt_result r;
  csvt_read(p, &o, 1, &r);
  ASSERT_ROWS(r, "1|'x'|'2'\n3|NULL|'y,4,,'\n5|'z'|'6'\n");
  ASSERT(strstr(r.warnings, "2 rows with more fields than the header") != NULL);
  csvt_free(&r);
}

TEST_IMPL(empty_inputs_give_one_empty_column) {
  static const char *const texts[] = {"", "\xEF\xBB\xBF", "  \n\t\n", "\n\n\n"};
  static const char *const why[] = {"(0 bytes)", "(only a byte order mark)", "(only white space)",
                                    "(only white space)"};
  for (size_t i = 0; i < sizeof texts / sizeof *texts; i++)
    for (int mode = PF_BAD_ROWS_ERROR; mode <= PF_BAD_ROWS_KEEP; mode++) {
      pf__opts o = opts((pf__bad_rows)mode);
      csvt_result r;
      read_text("em.csv", texts[i], &o, &r);
      ASSERT_OK(r.st);
      ASSERT_STR_EQ(r.schema, "Column_1:string");
      ASSERT_EQ(r.n_rows, 0);
      char want[160];
      snprintf(want, sizeof want, "the file is empty %s: the output has no rows and one string "
               "column, Column_1\n", why[i]);
      ASSERT_STR_EQ(r.warnings, want);
      csvt_free(&r);
      const char *p = csvt_file("em.csv", texts[i], strlen(texts[i]));
      ASSERT_OK(csvt_info(p, &o, &r));
      ASSERT_EQ(r.info.rows, 0);
      csvt_free(&r);
    }
}

TEST_IMPL(info_sees_what_convert_sees) {
  /* a bad row: info fails where convert fails, and counts what skip keeps */
  const char *p = CSVT_FILE("ag.csv", "a,b\n1,2\n3\n4,5\n");
  csvt_result r;
  ASSERT_EQ(csvt_info(p, NULL, &r), PF_EBADROW);
  ASSERT_EQ(r.err.line, 3);
  csvt_free(&r);
  pf__opts o = opts(PF_BAD_ROWS_SKIP);
  ASSERT_OK(csvt_info(p, &o, &r));
  ASSERT_EQ(r.info.rows, 2);
  csvt_free(&r);
  o = opts(PF_BAD_ROWS_KEEP);
  ASSERT_OK(csvt_info(p, &o, &r));
  ASSERT_EQ(r.info.rows, 3);
  const char *notes = NULL;
  for (size_t i = 0; i < r.info.n_props; i++)
    if (strcmp(r.info.props[i].key, "notes") == 0) notes = r.info.props[i].value;
  ASSERT(notes && strstr(notes, "1 row with fewer fields than the header") != NULL);
  csvt_free(&r);
}

int main(void) {
  RUN_TEST(header_short_by_one);
  RUN_TEST(header_with_extra_empty_name);
  RUN_TEST(header_with_a_stray_quote);
  RUN_TEST(header_delimited_by_spaces);
  RUN_TEST(header_names_more_columns_than_the_data);
  RUN_TEST(one_bad_row_does_not_move_the_header);
  RUN_TEST(title_rows_above_the_header);
  RUN_TEST(header_of_two_rows);
  RUN_TEST(preamble_line_shorter_than_the_header);
  RUN_TEST(header_rows_hold_words);
  RUN_TEST(sparse_first_row_without_header_is_data);
  RUN_TEST(title_candidate_wider_than_the_body);
  RUN_TEST(file_without_header);
  RUN_TEST(comma_space_dialect);
  RUN_TEST(unterminated_quote_on_the_last_line);
  RUN_TEST(unterminated_quote_before_the_end);
  RUN_TEST(keep_drops_empty_extra_fields);
  RUN_TEST(empty_inputs_give_one_empty_column);
  RUN_TEST(info_sees_what_convert_sees);
  csvt_cleanup();
  return TEST_SUMMARY();
}

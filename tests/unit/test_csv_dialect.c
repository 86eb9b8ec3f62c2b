/* test_csv_dialect.c - CSV dialects: delimiters, quotes, escapes, line
 * endings, overrides, skipped lines, and what info() reports. */
#include "csv_test_util.h"

static const char *prop(const pf_info *info, const char *key) {
  for (size_t i = 0; i < info->n_props; i++)
    if (!strcmp(info->props[i].key, key)) return info->props[i].value;
  return "(missing)";
}

TEST_IMPL(each_delimiter) {
  static const char delims[] = ",;\t|:^~ ";
  for (const char *d = delims; *d; d++) {
    char text[256];
    snprintf(text, sizeof text, "name%cqty%cprice\napple%c3%c1.5\npear%c10%c2.25\nfig%c7%c0.5\n",
             *d, *d, *d, *d, *d, *d, *d, *d);
    const char *p = csvt_file("delims.csv", text, strlen(text));
    csvt_result r;
    csvt_read(p, NULL, 2, &r);
    if (r.st != PF_OK) TEST_FAIL_("delimiter '%c': %s", *d, r.err.message);
    if (strcmp(r.schema, "name:string,qty:int64,price:double") != 0)
      TEST_FAIL_("delimiter 0x%02x: schema %s", *d, r.schema);
    ASSERT_ROWS(r, "'apple'|3|1.5\n'pear'|10|2.25\n'fig'|7|0.5\n");
    csvt_free(&r);
    ASSERT_OK(csvt_info(p, NULL, &r));
    char want[8];
    if (*d == '\t') strcpy(want, "\\t");
    else if (*d == ' ') strcpy(want, "space");
    else snprintf(want, sizeof want, "%c", *d);
    ASSERT_STR_EQ(prop(&r.info, "delimiter"), want);
    ASSERT_EQ(r.info.rows, 3);
    csvt_free(&r);
  }
}

TEST_IMPL(comma_beats_space_in_text) {
  const char *p = CSVT_FILE("names.csv", "id,full name,city\n1,John Smith,New York\n2,Jane Doe,Los Angeles\n3,Al Bo,Rome\n");
  csvt_result r;
  csvt_read(p, NULL, 1, &r);
  ASSERT_STR_EQ(r.schema, "id:int64,full name:string,city:string");
  ASSERT_ROWS(r, "1|'John Smith'|'New York'\n2|'Jane Doe'|'Los Angeles'\n3|'Al Bo'|'Rome'\n");
  csvt_free(&r);
}

TEST_IMPL(tab_beats_comma_space_inside_quotes) {
  /* every row quotes a "last, first" name: ", " splits each row in 2
   * everywhere, tab in 4; the wider split by another delimiter wins (the
   * ", " preference is between a delimiter with and without its space;
   * duckdb's real/ncvoter.csv became 2 columns of tab-joined text) */
  const char *p = CSVT_FILE("voters.csv",
                            "\"id\"\t\"last, first\"\t\"city\"\t\"age\"\n"
                            "\"1\"\t\"ABBOTT, AMELIA\"\t\"MEBANE\"\t\"22\"\n"
                            "\"2\"\t\"BAKER, JO\"\t\"BURLINGTON\"\t\"31\"\n"
                            "\"3\"\t\"COLE, AL\"\t\"ELON\"\t\"47\"\n");
  csvt_result r;
  csvt_read(p, NULL, 1, &r);
  ASSERT_STR_EQ(r.schema, "id:int64,last, first:string,city:string,age:int64");
  ASSERT_ROWS(r, "1|'ABBOTT, AMELIA'|'MEBANE'|22\n2|'BAKER, JO'|'BURLINGTON'|31\n"
                 "3|'COLE, AL'|'ELON'|47\n");
  csvt_free(&r);
  ASSERT_OK(csvt_info(p, NULL, &r));
  ASSERT_STR_EQ(prop(&r.info, "delimiter"), "\\t");
  csvt_free(&r);
}

TEST_IMPL(semicolon_with_decimal_commas) {
  const char *p = CSVT_FILE("eu.csv", "item;price;qty\na;1,5;2\nb;2,25;3\nc;3;4\n");
  csvt_result r;
  csvt_read(p, NULL, 1, &r);
  ASSERT_STR_EQ(r.schema, "item:string,price:string,qty:int64");
  ASSERT_ROWS(r, "'a'|'1,5'|2\n'b'|'2,25'|3\n'c'|'3'|4\n");
  csvt_free(&r);
}

TEST_IMPL(rfc4180_quoting) {
  const char *p = CSVT_FILE("q.csv",
                            "id,text,n\n"
                            "1,\"a,b\",1\n"
                            "2,\"say \"\"hi\"\"\",2\n"
                            "3,\"two\nlines\",3\n"
                            "4,\"\",4\n"
                            "5,,5\n"
                            "6,\"x\"\"\",6\n"
                            "7,plain \"mid\" quotes,7\n"
                            "8,\"ab\"cd,8\n");
  csvt_result r;
  csvt_read(p, NULL, 2, &r);
  ASSERT_STR_EQ(r.schema, "id:int64,text:string,n:int64");
  ASSERT_ROWS(r,
              "1|'a,b'|1\n"
              "2|'say \"hi\"'|2\n"
              "3|'two\\nlines'|3\n"
              "4|''|4\n"
              "5|NULL|5\n"
              "6|'x\"'|6\n"
              "7|'plain \"mid\" quotes'|7\n"
              "8|'abcd'|8\n");
  csvt_free(&r);
  /* line numbers count the line break inside quotes */
  p = CSVT_FILE("q2.csv", "id,text\n1,\"a\nb\nc\"\n2,x,extra\n");
  csvt_read(p, NULL, 1, &r);
  ASSERT_EQ(r.st, PF_EBADROW);
  ASSERT_EQ(r.err.line, 5);
  ASSERT_EQ(r.err.row, 2);
  csvt_free(&r);
}

TEST_IMPL(single_quotes) {
  const char *p = CSVT_FILE("sq.csv", "id,name\n1,'a,b'\n2,'c''d'\n3,'e'\n");
  csvt_result r;
  csvt_read(p, NULL, 1, &r);
  ASSERT_STR_EQ(r.schema, "id:int64,name:string");
  ASSERT_ROWS(r, "1|'a,b'\n2|'c'd'\n3|'e'\n");
  csvt_free(&r);
  ASSERT_OK(csvt_info(p, NULL, &r));
  ASSERT_STR_EQ(prop(&r.info, "quote"), "'");
  csvt_free(&r);
}

TEST_IMPL(backslash_escape) {
  const char *p = CSVT_FILE("bs.csv", "id,text\n1,\"say \\\"hi\\\", ok\"\n2,\"back\\\\slash\"\n3,\"c:\\temp\"\n");
  csvt_result r;
  csvt_read(p, NULL, 1, &r);
  ASSERT_STR_EQ(r.schema, "id:int64,text:string");
  ASSERT_ROWS(r, "1|'say \"hi\", ok'\n2|'back\\slash'\n3|'c:\\temp'\n");
  csvt_free(&r);
  ASSERT_OK(csvt_info(p, NULL, &r));
  ASSERT_STR_EQ(prop(&r.info, "escape"), "\\");
  csvt_free(&r);
  /* both escapes split the rows alike (no delimiter inside the quotes):
   * the one under which every quoted field is well formed wins (duckdb's
   * auto/backslash_escape.csv read text\2\"" for text"2") */
  p = CSVT_FILE("bs3.csv", "id|code|note\n123|T7|text1\n345|T7|\"text\\\"2\\\"\"\n567|T7|text3\n");
  csvt_read(p, NULL, 1, &r);
  ASSERT_STR_EQ(r.schema, "id:int64,code:string,note:string");
  ASSERT_ROWS(r, "123|'T7'|'text1'\n345|'T7'|'text\"2\"'\n567|'T7'|'text3'\n");
  csvt_free(&r);
  /* forced doubled-quote escape: the backslash is data */
  pf__opts o;
  csvt_options(&o);
  o.csv.escape = 0;
  p = CSVT_FILE("bs2.csv", "id,text\n1,\"a\\\"\"b\"\n");
  csvt_read(p, &o, 1, &r);
  ASSERT_ROWS(r, "1|'a\\\"b'\n");
  csvt_free(&r);
  o.csv.escape = '"'; /* the quote itself: doubled quotes too */
  csvt_read(p, &o, 1, &r);
  ASSERT_ROWS(r, "1|'a\\\"b'\n");
  csvt_free(&r);
  /* another escape byte */
  o.csv.escape = '^';
  p = CSVT_FILE("bs3.csv", "id,text\n1,\"a^\"b^^c\\d\"\n");
  csvt_read(p, &o, 1, &r);
  ASSERT_ROWS(r, "1|'a\"b^c\\d'\n");
  csvt_free(&r);
  ASSERT_OK(csvt_info(p, &o, &r));
  ASSERT_STR_EQ(r.info.props[4].value, "^");
  csvt_free(&r);
}

TEST_IMPL(line_endings) {
  static const char *const eols[] = {"\n", "\r\n", "\r"};
  static const char *const names[] = {"LF", "CRLF", "CR"};
  for (int k = 0; k < 3; k++) {
    char text[256];
    const char *e = eols[k];
    snprintf(text, sizeof text, "a,b%s1,\"x%sy\"%s2,z%s%s3,w", e, e, e, e, e);
    const char *p = csvt_file("eol.csv", text, strlen(text));
    csvt_result r;
    csvt_read(p, NULL, 1, &r);
    if (r.st != PF_OK) TEST_FAIL_("%s: %s", names[k], r.err.message);
    char want[128];
    snprintf(want, sizeof want, "1|'x%sy'\n2|'z'\n3|'w'\n", k == 0 ? "\\n" : k == 1 ? "\\r\\n" : "\\r");
    ASSERT_STR_EQ(r.rows, want);
    ASSERT_STR_EQ(r.schema, "a:int64,b:string");
    csvt_free(&r);
    ASSERT_OK(csvt_info(p, NULL, &r));
    ASSERT_STR_EQ(prop(&r.info, "line_ending"), names[k]);
    ASSERT_EQ(r.info.rows, 3);
    csvt_free(&r);
  }
}

/* Outside quotes LF, CR LF and a lone CR each end a row and a line, in any
 * mix (Python's csv module and pyarrow read these the same); quoted fields
 * keep their bytes; info() says "mixed" when the kinds differ. */
TEST_IMPL(mixed_line_ends) {
  static const struct {
    const char *text, *rows, *ending;
  } cases[] = {
      /* a lone CR in a CR LF file ends a row (it was kept in the value) */
      {"a,b\r\n1,x\r2,y\r\n3,z\r\n", "1|'x'\n2|'y'\n3|'z'\n", "mixed"},
      /* \r\r\n: a row end, then an empty line (skipped) */
      {"a,b\r\r\n1,x\r\r\n2,y\r\r\n", "1|'x'\n2|'y'\n", "mixed"},
      /* a CR file with one LF: the LF ends its row too (rows merged) */
      {"a,b\r1,x\r2,y\n3,z\r4,w\r", "1|'x'\n2|'y'\n3|'z'\n4|'w'\n", "mixed"},
      /* a CR at the very end ends the last row; no empty row follows */
      {"a,b\r1,x\r2,y\r", "1|'x'\n2|'y'\n", "CR"},
      /* quoted fields keep CR, LF and CR LF as they are */
      {"a,b\n1,\"x\ry\"\n2,\"p\r\nq\"\n3,\"s\nt\r\"\r", "1|'x\\ry'\n2|'p\\r\\nq'\n3|'s\\nt\\r'\n", "mixed"},
      /* a CR just before the closing quote at the end of the input */
      {"a,b\r\n1,\"x\r\"", "1|'x\\r'\n", "CRLF"},
  };
  for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
    const char *p = csvt_file("mixed.csv", cases[k].text, strlen(cases[k].text));
    csvt_result r;
    csvt_read(p, NULL, 1, &r);
    if (r.st != PF_OK) TEST_FAIL_("case %zu: %s", k, r.err.message);
    ASSERT_STR_EQ(r.schema, "a:int64,b:string");
    if (strcmp(r.rows, cases[k].rows) != 0)
      TEST_FAIL_("case %zu: rows\n%s\nwant\n%s", k, r.rows, cases[k].rows);
    csvt_free(&r);
    ASSERT_OK(csvt_info(p, NULL, &r));
    if (strcmp(prop(&r.info, "line_ending"), cases[k].ending) != 0)
      TEST_FAIL_("case %zu: line_ending %s, want %s", k, prop(&r.info, "line_ending"),
                 cases[k].ending);
    csvt_free(&r);
  }
}

/* Line numbers in messages count each LF, CR LF and lone CR once, inside
 * quotes or not; skipped lines are counted the same way. */
TEST_IMPL(mixed_line_ends_line_numbers) {
  /* lines: 1 a,b | 2 1,"x CR 3 y" | 4 2,"p CRLF 5 q" | 6 (empty) | 7 (empty) | 8 bad */
  const char *p = CSVT_FILE("ln.csv", "a,b\r1,\"x\ry\"\r\n2,\"p\r\nq\"\n\r\r\n3,z,extra\n");
  csvt_result r;
  csvt_read(p, NULL, 1, &r);
  ASSERT_EQ(r.st, PF_EBADROW);
  ASSERT_EQ(r.err.line, 8);
  ASSERT_EQ(r.err.row, 3);
  csvt_free(&r);
  pf__opts o;
  csvt_options(&o);
  o.csv.skip_rows = 3; /* a CR, a CR LF and an LF line */
  p = CSVT_FILE("ln2.csv", "title\r\"note\r\n\nid,v\r1,a\r\n2,b,x\r");
  csvt_read(p, &o, 1, &r);
  ASSERT_EQ(r.st, PF_EBADROW);
  ASSERT_EQ(r.err.line, 6);
  csvt_free(&r);
  p = CSVT_FILE("ln3.csv", "title\r\"note\r\n\nid,v\r1,a\r\n2,b\r");
  csvt_read(p, &o, 1, &r);
  ASSERT_STR_EQ(r.schema, "id:int64,v:string");
  ASSERT_ROWS(r, "1|'a'\n2|'b'\n");
  csvt_free(&r);
}

TEST_IMPL(overrides) {
  pf__opts o;
  csvt_options(&o);
  o.csv.delimiter = '|';
  o.csv.quote = 0;
  o.csv.header = 0;
  const char *p = CSVT_FILE("ov.csv", "\"a\"|b,c\n\"1\"|2\n");
  csvt_result r;
  csvt_read(p, &o, 1, &r);
  ASSERT_STR_EQ(r.schema, "Column_1:string,Column_2:string");
  ASSERT_ROWS(r, "'\"a\"'|'b,c'\n'\"1\"'|'2'\n");
  csvt_free(&r);
  ASSERT_OK(csvt_info(p, &o, &r));
  ASSERT_STR_EQ(prop(&r.info, "quote"), "none");
  ASSERT_STR_EQ(prop(&r.info, "header"), "no");
  csvt_free(&r);
  /* invalid overrides */
  csvt_options(&o);
  o.csv.delimiter = '\n';
  csvt_read(p, &o, 1, &r);
  ASSERT_EQ(r.st, PF_EINVAL);
  csvt_free(&r);
  csvt_options(&o);
  o.csv.delimiter = ',';
  o.csv.quote = ',';
  csvt_read(p, &o, 1, &r);
  ASSERT_EQ(r.st, PF_EINVAL);
  csvt_free(&r);
}

TEST_IMPL(skip_rows) {
  pf__opts o;
  csvt_options(&o);
  o.csv.skip_rows = 2;
  const char *p = CSVT_FILE("skip.csv", "report generated \"today\n# by a tool\nid,v\n1,a\n2,b,x\n");
  csvt_result r;
  csvt_read(p, &o, 1, &r);
  ASSERT_EQ(r.st, PF_EBADROW);
  ASSERT_EQ(r.err.line, 5); /* physical lines, skipped ones included */
  csvt_free(&r);
  p = CSVT_FILE("skip2.csv", "report generated \"today\n# by a tool\nid,v\n1,a\n2,b\n");
  csvt_read(p, &o, 1, &r);
  ASSERT_STR_EQ(r.schema, "id:int64,v:string");
  ASSERT_ROWS(r, "1|'a'\n2|'b'\n");
  csvt_free(&r);
  ASSERT_OK(csvt_info(p, &o, &r));
  ASSERT_EQ(r.info.rows, 2);
  csvt_free(&r);
}

TEST_IMPL(info_props_order) {
  const char *p = CSVT_FILE("info.csv", "\xEF\xBB\xBFid;name\r\n1;a\r\n\r\n2;b\r\n");
  csvt_result r;
  ASSERT_OK(csvt_info(p, NULL, &r));
  static const char *const keys[] = {"encoding", "compression", "delimiter", "quote",
                                     "escape", "line_ending", "header"};
  ASSERT_EQ(r.info.n_props, 7);
  for (size_t i = 0; i < 7; i++) ASSERT_STR_EQ(r.info.props[i].key, keys[i]);
  ASSERT_STR_EQ(prop(&r.info, "encoding"), "UTF-8 (BOM)");
  ASSERT_STR_EQ(prop(&r.info, "compression"), "none");
  ASSERT_STR_EQ(prop(&r.info, "delimiter"), ";");
  ASSERT_STR_EQ(prop(&r.info, "quote"), "\"");
  ASSERT_STR_EQ(prop(&r.info, "escape"), "doubled quote");
  ASSERT_STR_EQ(prop(&r.info, "line_ending"), "CRLF");
  ASSERT_STR_EQ(prop(&r.info, "header"), "yes");
  ASSERT_EQ(r.info.rows, 2); /* the empty line is not a row */
  csvt_free(&r);
}

int main(void) {
  RUN_TEST(each_delimiter);
  RUN_TEST(comma_beats_space_in_text);
  RUN_TEST(tab_beats_comma_space_inside_quotes);
  RUN_TEST(semicolon_with_decimal_commas);
  RUN_TEST(rfc4180_quoting);
  RUN_TEST(single_quotes);
  RUN_TEST(backslash_escape);
  RUN_TEST(line_endings);
  RUN_TEST(mixed_line_ends);
  RUN_TEST(mixed_line_ends_line_numbers);
  RUN_TEST(overrides);
  RUN_TEST(skip_rows);
  RUN_TEST(info_props_order);
  csvt_cleanup();
  return TEST_SUMMARY();
}

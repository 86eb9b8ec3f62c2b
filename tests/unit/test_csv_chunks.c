/* test_csv_chunks.c - results do not depend on where blocks and parse
 * parts end: chunk sizes (PYFORGE_CSV_CHUNK_SIZE) 1..64 (so every byte is a boundary
 * somewhere: inside quotes, on a quoted line break, between \r and \n,
 * inside a UTF-8 sequence) on 1 and 2 threads give the same schema, rows
 * and rejects as the default. */
#include "csv_test_util.h"

static int same_at_every_size(const char *path, const pf__opts *o, int min_size) {
  csvt_result base;
  csvt_read(path, o, 2, &base);
  if (base.st != PF_OK) {
    fprintf(stderr, "  default read failed: %s\n", base.err.message);
    csvt_free(&base);
    return 0;
  }
  int ok = 1;
  for (int size = min_size; size <= 64 && ok; size++) {
    char v[16];
    snprintf(v, sizeof v, "%d", size);
    pf__opts oc;
    if (o) oc = *o;
    else csvt_options(&oc);
    oc.settings.csv_chunk_size = (size_t)size;
    for (int threads = 1; threads <= 2 && ok; threads++) {
      csvt_result r;
      csvt_read(path, &oc, threads, &r);
      if (r.st != PF_OK || strcmp(r.rows, base.rows) != 0 || strcmp(r.schema, base.schema) != 0 ||
          strcmp(r.rejects, base.rejects) != 0 || r.rows_rejected != base.rows_rejected) {
        fprintf(stderr, "  chunk size %d, %d threads: status %s (%s)\n  schema %s\n  rows:\n%s\n"
                        "  want schema %s\n  want rows:\n%s\n  rejects:\n%s\n  want rejects:\n%s\n",
                size, threads, pf_status_name(r.st), r.err.message, r.schema, r.rows, base.schema,
                base.rows, r.rejects, base.rejects);
        ok = 0;
      }
      csvt_free(&r);
    }
  }
  csvt_free(&base);
  return ok;
}

static const char tricky_crlf[] =
    "id,name,note,amount,day\r\n"
    "1,\"Smith, John\",\"line one\r\nline two\",1.5,2024-01-01\r\n"
    "2,\"O\"\"Brien\",\"\",2,2024-01-02\r\n"
    "\r\n"
    "3,Zo\xC3\xAB \xE6\x9D\xB1,,NA,2024-01-03\r\n"
    "4,\"x\",\"a\r\n\r\nb\",-0.25,\r\n"
    "5,short,,,\r\n"
    "6,\"\"\"\",\"\"\"\"\"\",3,2024-01-06\r\n"
    "7,last,\"no newline at end\",4e2,2024-01-07";

TEST_IMPL(crlf_quoted_breaks) {
  const char *p = csvt_file("tr1.csv", tricky_crlf, sizeof tricky_crlf - 1);
  csvt_result r;
  csvt_read(p, NULL, 1, &r);
  ASSERT_STR_EQ(r.schema, "id:int64,name:string,note:string,amount:double,day:date");
  ASSERT_ROWS(r,
              "1|'Smith, John'|'line one\\r\\nline two'|1.5|2024-01-01\n"
              "2|'O\"Brien'|''|2|2024-01-02\n"
              "3|'Zo\xC3\xAB \xE6\x9D\xB1'|NULL|NULL|2024-01-03\n"
              "4|'x'|'a\\r\\n\\r\\nb'|-0.25|NULL\n"
              "5|'short'|NULL|NULL|NULL\n"
              "6|'\"'|'\"\"'|3|2024-01-06\n"
              "7|'last'|'no newline at end'|400|2024-01-07\n");
  csvt_free(&r);
  ASSERT(same_at_every_size(p, NULL, 1));
}

/* Mixed line ends, a CR LF split at every block boundary somewhere: the
 * same rows, and rejects holding the bad rows' own bytes. */
TEST_IMPL(mixed_line_ends_every_size) {
  static const char text[] =
      "id,name,note\r\n"
      "1,a,\"x\ry\"\r"
      "2,b,plain\r\r\n"
      "3,c\n"
      "4,d,\"p\r\nq\"\n"
      "5,e,z,extra\r"
      "6,f,last\r";
  const char *p = csvt_file("mx.csv", text, sizeof text - 1);
  pf__opts o;
  csvt_options(&o);
  o.csv.on_bad_rows = PF_BAD_ROWS_SKIP;
  csvt_result r;
  csvt_read(p, &o, 1, &r);
  ASSERT_STR_EQ(r.schema, "id:int64,name:string,note:string");
  ASSERT_ROWS(r, "1|'a'|'x\\ry'\n2|'b'|'plain'\n4|'d'|'p\\r\\nq'\n6|'f'|'last'\n");
  ASSERT_STR_EQ(r.rejects, "6|2 fields where the header has 3|3,c\n"
                           "9|4 fields where the header has 3|5,e,z,extra\n");
  csvt_free(&r);
  ASSERT(same_at_every_size(p, &o, 1));
  /* skipped lines end in CR, CR LF and LF: a CR LF split by a block
   * boundary is one line */
  static const char skip[] = "title\r\"note\r\n\nid,v\r1,a\r\n2,b,x\r3,c\r";
  p = csvt_file("mxs.csv", skip, sizeof skip - 1);
  o.csv.skip_rows = 3;
  csvt_read(p, &o, 1, &r);
  ASSERT_ROWS(r, "1|'a'\n3|'c'\n");
  ASSERT_STR_EQ(r.rejects, "6|3 fields where the header has 2|2,b,x\n");
  csvt_free(&r);
  ASSERT(same_at_every_size(p, &o, 1));
}

TEST_IMPL(lf_with_bad_rows_skipped) {
  static const char text[] =
      "a;b;c\n"
      "1;\"x\ny\";2\n"
      "2;q;3;extra\n"
      "3;\"p;q\";4\n"
      "4;r;5;6;7\n"
      "5;s;6\n";
  pf__opts o;
  csvt_options(&o);
  o.csv.on_bad_rows = PF_BAD_ROWS_SKIP;
  const char *p = csvt_file("tr2.csv", text, sizeof text - 1);
  csvt_result r;
  csvt_read(p, &o, 1, &r);
  ASSERT_ROWS(r, "1|'x\\ny'|2\n3|'p;q'|4\n5|'s'|6\n");
  ASSERT_STR_EQ(r.rejects, "4|4 fields where the header has 3|2;q;3;extra\n"
                           "6|5 fields where the header has 3|4;r;5;6;7\n");
  csvt_free(&r);
  ASSERT(same_at_every_size(p, &o, 1));
  o.csv.on_bad_rows = PF_BAD_ROWS_KEEP;
  ASSERT(same_at_every_size(p, &o, 1));
}

TEST_IMPL(cr_only_and_backslash) {
  static const char text[] =
      "k|v\r"
      "1|\"a\\\"b\r\\\\\"\r"
      "2|\"\\\\\"\r"
      "3|plain\r";
  const char *p = csvt_file("tr3.csv", text, sizeof text - 1);
  csvt_result r;
  csvt_read(p, NULL, 1, &r);
  ASSERT_ROWS(r, "1|'a\"b\\r\\'\n2|'\\'\n3|'plain'\n");
  csvt_free(&r);
  ASSERT(same_at_every_size(p, NULL, 1));
}

TEST_IMPL(skip_rows_and_header) {
  static const char text[] =
      "title line with \"quote\n"
      "\n"
      "x,y\n"
      "1,2\n"
      "3,4\n";
  pf__opts o;
  csvt_options(&o);
  o.csv.skip_rows = 2;
  const char *p = csvt_file("tr4.csv", text, sizeof text - 1);
  csvt_result r;
  csvt_read(p, &o, 1, &r);
  ASSERT_STR_EQ(r.schema, "x:int64,y:int64");
  ASSERT_ROWS(r, "1|2\n3|4\n");
  csvt_free(&r);
  ASSERT(same_at_every_size(p, &o, 1));
}

TEST_IMPL(utf16_transcoded) {
  /* UTF-16LE with BOM: "a,b\n1,\"x\ny\"\n2,é\n" */
  static const char src[] = "a,b\n1,\"x\ny\"\n2,\xC3\xA9\n";
  uint8_t buf[128];
  size_t n = 0;
  buf[n++] = 0xFF;
  buf[n++] = 0xFE;
  for (const uint8_t *s = (const uint8_t *)src; *s;) {
    uint32_t cp = *s < 0x80 ? *s++ : (uint32_t)((s[0] & 0x1F) << 6 | (s[1] & 0x3F));
    if (cp >= 0x80) s += 2;
    buf[n++] = (uint8_t)(cp & 0xFF);
    buf[n++] = (uint8_t)(cp >> 8);
  }
  const char *p = csvt_file("tr5.csv", buf, n);
  csvt_result r;
  csvt_read(p, NULL, 1, &r);
  ASSERT_ROWS(r, "1|'x\\ny'\n2|'\xC3\xA9'\n");
  csvt_free(&r);
  ASSERT(same_at_every_size(p, NULL, 1));
}

TEST_IMPL(cp1252_transcoded) {
  static const char text[] =
      "id,text,n\r\n"
      "0,\"\n,xx\r\n\n\xe9\x93\x93\",7\r\n"
      "1,\"\xe9,\"\",\x94\"\" \x93\x8c\x80\",3\r\n"
      "2,caf\xe9,5\r\n";
  const char *p = csvt_file("tr7.csv", text, sizeof text - 1);
  csvt_result r;
  csvt_read(p, NULL, 1, &r);
  ASSERT_ROWS(r, "0|'\\n,xx\\r\\n\\n\xC3\xA9\xE2\x80\x9C\xE2\x80\x9C'|7\n"
                 "1|'\xC3\xA9,\",\xE2\x80\x9D\" \xE2\x80\x9C\xC5\x92\xE2\x82\xAC'|3\n"
                 "2|'caf\xC3\xA9'|5\n");
  csvt_free(&r);
  ASSERT(same_at_every_size(p, NULL, 1));
}

TEST_IMPL(generated_many_rows) {
  /* Enough rows for several batches at the default sizes too. */
  pf__buf b;
  pf__buf_init(&b, 0);
  pf__buf_puts(&b, "id,txt,val\r\n");
  for (int i = 0; i < 3000; i++) {
    if (i % 7 == 0) pf__buf_printf(&b, "%d,\"q,\"\"%d\"\"\r\nz\",%d.5\r\n", i, i, i);
    else pf__buf_printf(&b, "%d,t%d,%d\r\n", i, i, i);
  }
  const char *p = csvt_file("tr6.csv", b.data, b.len);
  pf__buf_free(&b);
  csvt_result r;
  csvt_read(p, NULL, 2, &r);
  ASSERT_EQ(r.n_rows, 3000);
  ASSERT_STR_EQ(r.schema, "id:int64,txt:string,val:double");
  csvt_free(&r);
  ASSERT(same_at_every_size(p, NULL, 7));
}

int main(void) {
  RUN_TEST(crlf_quoted_breaks);
  RUN_TEST(mixed_line_ends_every_size);
  RUN_TEST(lf_with_bad_rows_skipped);
  RUN_TEST(cr_only_and_backslash);
  RUN_TEST(skip_rows_and_header);
  RUN_TEST(utf16_transcoded);
  RUN_TEST(cp1252_transcoded);
  RUN_TEST(generated_many_rows);
  csvt_cleanup();
  return TEST_SUMMARY();
}

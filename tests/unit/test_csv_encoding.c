/* test_csv_encoding.c - BOMs, UTF-16, Windows-1252, forced encodings,
 * invalid UTF-8 and NUL bytes. */
#include "csv_test_util.h"

static const char *info_encoding(const char *path, const pf__opts *o, char *out,
                                 size_t cap) {
  csvt_result r;
  snprintf(out, cap, "(failed)");
  if (csvt_info(path, o, &r) == PF_OK && r.info.n_props > 0)
    snprintf(out, cap, "%s", r.info.props[0].value);
  csvt_free(&r);
  return out;
}

/* UTF-16 bytes of an ASCII/Latin-1 + BMP string given as UTF-8 (enough for
 * the tests: 1-3 byte sequences), with or without BOM. */
static size_t to_utf16(const char *s, int le, int bom, uint8_t *out) {
  size_t n = 0;
  if (bom) {
    out[n++] = le ? 0xFF : 0xFE;
    out[n++] = le ? 0xFE : 0xFF;
  }
  const uint8_t *p = (const uint8_t *)s;
  while (*p) {
    uint32_t cp;
    if (*p < 0x80) cp = *p++;
    else if ((*p & 0xE0) == 0xC0) {
      cp = (uint32_t)(p[0] & 0x1F) << 6 | (p[1] & 0x3F);
      p += 2;
    } else {
      cp = (uint32_t)(p[0] & 0x0F) << 12 | (uint32_t)(p[1] & 0x3F) << 6 | (p[2] & 0x3F);
      p += 3;
    }
    out[n++] = (uint8_t)(le ? cp & 0xFF : cp >> 8);
    out[n++] = (uint8_t)(le ? cp >> 8 : cp & 0xFF);
  }
  return n;
}

TEST_IMPL(utf8_bom) {
  const char *p = CSVT_FILE("bom.csv", "\xEF\xBB\xBFname,n\ncaf\xC3\xA9,1\n");
  csvt_result r;
  csvt_read(p, NULL, 1, &r);
  ASSERT_STR_EQ(r.schema, "name:string,n:int64"); /* BOM not in the name */
  ASSERT_ROWS(r, "'caf\xC3\xA9'|1\n");
  csvt_free(&r);
  char enc[64];
  ASSERT_STR_EQ(info_encoding(p, NULL, enc, sizeof enc), "UTF-8 (BOM)");
}

TEST_IMPL(utf16_with_bom) {
  const char *text = "name,v\nZ\xC3\xBCrich,1\n\xE6\x9D\xB1\xE4\xBA\xAC,2\n";
  for (int le = 0; le <= 1; le++) {
    uint8_t buf[256];
    size_t n = to_utf16(text, le, 1, buf);
    const char *p = csvt_file("u16.csv", buf, n);
    csvt_result r;
    csvt_read(p, NULL, 2, &r);
    ASSERT_STR_EQ(r.schema, "name:string,v:int64");
    ASSERT_ROWS(r, "'Z\xC3\xBCrich'|1\n'\xE6\x9D\xB1\xE4\xBA\xAC'|2\n");
    csvt_free(&r);
    char enc[64];
    ASSERT_STR_EQ(info_encoding(p, NULL, enc, sizeof enc), le ? "UTF-16LE" : "UTF-16BE");
  }
}

TEST_IMPL(utf16_without_bom) {
  uint8_t buf[256];
  size_t n = to_utf16("a,b\nx,1\ny,2\n", 1, 0, buf);
  const char *p = csvt_file("u16n.csv", buf, n);
  csvt_result r;
  csvt_read(p, NULL, 1, &r);
  ASSERT_STR_EQ(r.schema, "a:string,b:int64");
  ASSERT_ROWS(r, "'x'|1\n'y'|2\n");
  csvt_free(&r);
}

TEST_IMPL(cp1252_detected) {
  /* 0xE9 e-acute, 0x80 euro, 0x81 undefined (kept as U+0081), 0x93/0x94 quotes */
  const char *p = CSVT_FILE("w.csv", "name,v\ncaf\xE9,\x80\x35\n\x93q\x94,\x81\n");
  csvt_result r;
  csvt_read(p, NULL, 1, &r);
  ASSERT_STR_EQ(r.schema, "name:string,v:string");
  ASSERT_ROWS(r, "'caf\xC3\xA9'|'\xE2\x82\xAC" "5'\n'\xE2\x80\x9Cq\xE2\x80\x9D'|'\xC2\x81'\n");
  csvt_free(&r);
  char enc[64];
  ASSERT_STR_EQ(info_encoding(p, NULL, enc, sizeof enc), "Windows-1252");
}

TEST_IMPL(forced_encodings) {
  pf__opts o;
  csvt_options(&o);
  o.encoding = "latin-1";
  const char *p = CSVT_FILE("l1.csv", "name\n\x80\xE9\n");
  csvt_result r;
  csvt_read(p, &o, 1, &r);
  ASSERT_ROWS(r, "'\xC2\x80\xC3\xA9'\n");
  csvt_free(&r);
  /* through iconv: KOI8-R 0xC1 is Cyrillic small a (U+0430) */
  o.encoding = "KOI8-R";
  p = CSVT_FILE("koi.csv", "name,n\n\xC1\xC2,1\n");
  csvt_read(p, &o, 1, &r);
  ASSERT_STR_EQ(r.schema, "name:string,n:int64");
  ASSERT_ROWS(r, "'\xD0\xB0\xD0\xB1'|1\n");
  csvt_free(&r);
  /* iconv rejects bytes that are not in the encoding */
  o.encoding = "ASCII";
  p = CSVT_FILE("asc.csv", "name\nab\xE9\n");
  csvt_read(p, &o, 1, &r);
  ASSERT_EQ(r.st, PF_EENCODING);
  ASSERT_EQ(r.err.offset, 7);
  csvt_free(&r);
  o.encoding = "no-such-encoding";
  csvt_read(p, &o, 1, &r);
  ASSERT_EQ(r.st, PF_EINVAL);
  ASSERT(strstr(r.err.message, "no-such-encoding") != NULL);
  csvt_free(&r);
  /* forced UTF-8 on a file with a BOM drops the BOM */
  o.encoding = "utf-8";
  p = CSVT_FILE("u8.csv", "\xEF\xBB\xBFk\nv\n");
  csvt_read(p, &o, 1, &r);
  ASSERT_STR_EQ(r.schema, "k:string");
  csvt_free(&r);
}

/* A valid UTF-8 head of > 1 MiB, then a bad row. */
static const char *big_file_with(const char *name, const char *bad_row, size_t *bad_off) {
  pf__buf b;
  pf__buf_init(&b, 0);
  pf__buf_puts(&b, "id,name\n");
  for (int i = 1; i <= 60000; i++) pf__buf_printf(&b, "%d,na\xC3\xAFve name %d\n", i, i);
  *bad_off = b.len;
  pf__buf_puts(&b, bad_row);
  pf__buf_puts(&b, "60002,end\n");
  const char *p = csvt_file(name, b.data, b.len);
  pf__buf_free(&b);
  return p;
}

TEST_IMPL(invalid_utf8_later) {
  size_t off;
  const char *p = big_file_with("bad8.csv", "60001,ab\xFF" "cd\n", &off);
  csvt_result r;
  csvt_read(p, NULL, 2, &r);
  ASSERT_EQ(r.st, PF_EENCODING);
  ASSERT_EQ(r.err.line, 60002);
  ASSERT_EQ(r.err.row, 60001);
  ASSERT_EQ(r.err.offset, (int64_t)(off + 8));
  ASSERT(strstr(r.err.message, "not valid UTF-8") != NULL);
  csvt_free(&r);
  /* skip: the row goes to the rejects, the rest is read */
  pf__opts o;
  csvt_options(&o);
  o.csv.on_bad_rows = PF_BAD_ROWS_SKIP;
  csvt_read(p, &o, 2, &r);
  ASSERT_EQ(r.st, PF_OK);
  ASSERT_EQ(r.n_rows, 60001);
  ASSERT_EQ(r.rows_rejected, 1);
  if (strncmp(r.rejects, "60002|line 60002 is not valid UTF-8", 35) != 0)
    TEST_FAIL_("rejects: %s", r.rejects);
  ASSERT(strstr(r.rejects, "|60001,ab\xFF" "cd\n") != NULL);
  csvt_free(&r);
}

TEST_IMPL(invalid_utf8_in_head) {
  /* Multi-byte UTF-8 on every row and one bad byte, all inside the
   * detection head: still UTF-8, and the bad byte is an error naming its
   * line (not a silent decode as Windows-1252). */
  pf__buf b;
  pf__buf_init(&b, 0);
  pf__buf_puts(&b, "id,name\n");
  for (int i = 1; i <= 2000; i++) {
    if (i == 1500) pf__buf_puts(&b, "1500,bad \xE9 byte\n");
    else pf__buf_printf(&b, "%d,Z\xC3\xBCrich %d\n", i, i);
  }
  const char *p = csvt_file("head8.csv", b.data, b.len);
  pf__buf_free(&b);
  csvt_result r;
  csvt_read(p, NULL, 2, &r);
  ASSERT_EQ(r.st, PF_EENCODING);
  ASSERT_EQ(r.err.line, 1501);
  csvt_free(&r);
  /* info reads as convert does: the bad row fails it too, and with skip it
   * is left out */
  ASSERT_EQ(csvt_info(p, NULL, &r), PF_EENCODING);
  ASSERT_EQ(r.err.line, 1501);
  csvt_free(&r);
  pf__opts o;
  csvt_options(&o);
  o.csv.on_bad_rows = PF_BAD_ROWS_SKIP;
  char enc[64];
  ASSERT_STR_EQ(info_encoding(p, &o, enc, sizeof enc), "UTF-8");
}

TEST_IMPL(nul_bytes) {
  /* in the sample: binary */
  const char *p = csvt_file("bin.csv", "a,b\n1,\0\0\x01\x02\n", 12);
  csvt_result r;
  csvt_read(p, NULL, 1, &r);
  ASSERT_EQ(r.st, PF_EFORMAT);
  ASSERT(strstr(r.err.message, "binary data, not a text file") != NULL);
  ASSERT_EQ(r.err.offset, 6);
  csvt_free(&r);
  /* later: a bad row */
  size_t off;
  char row[] = "60001,a?b\n";
  row[7] = '\0';
  pf__buf b;
  pf__buf_init(&b, 0);
  pf__buf_puts(&b, "id,name\n");
  for (int i = 1; i <= 60000; i++) pf__buf_printf(&b, "%d,name %d\n", i, i);
  off = b.len;
  pf__buf_append(&b, row, sizeof row - 1);
  pf__buf_puts(&b, "60002,end\n");
  p = csvt_file("nul.csv", b.data, b.len);
  pf__buf_free(&b);
  csvt_read(p, NULL, 2, &r);
  ASSERT_EQ(r.st, PF_EBADROW);
  ASSERT_EQ(r.err.line, 60002);
  ASSERT_EQ(r.err.offset, (int64_t)(off + 7));
  ASSERT(strstr(r.err.message, "NUL byte") != NULL);
  csvt_free(&r);
  pf__opts o;
  csvt_options(&o);
  o.csv.on_bad_rows = PF_BAD_ROWS_KEEP; /* cannot be kept as text: rejected */
  csvt_read(p, &o, 2, &r);
  ASSERT_EQ(r.st, PF_OK);
  ASSERT_EQ(r.n_rows, 60001);
  ASSERT_EQ(r.rows_rejected, 1);
  csvt_free(&r);
}

int main(void) {
  RUN_TEST(utf8_bom);
  RUN_TEST(utf16_with_bom);
  RUN_TEST(utf16_without_bom);
  RUN_TEST(cp1252_detected);
  RUN_TEST(forced_encodings);
  RUN_TEST(invalid_utf8_later);
  RUN_TEST(invalid_utf8_in_head);
  RUN_TEST(nul_bytes);
  csvt_cleanup();
  return TEST_SUMMARY();
}

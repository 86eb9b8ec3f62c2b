/* test_dbf.c - unit tests of the dBase reader's internals: sniffing, code
 * pages (language driver table, .cpg names, decoding, detection), memo
 * blocks of the three layouts, and the reader through its ops table on a
 * table built here byte by byte (values, deleted records, rewind, a
 * widening restart, the place of an error). */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/pool.h"
#include "engine/engine.h"
#include "readers/dbf/dbf_internal.h"
#include "readers/dbf/dbf_reader.h"
#include "test.h"

static char tmp_dir[64];

static const char *tmp_file(const char *name, const void *data, size_t n) {
  static char path[128];
  snprintf(path, sizeof path, "%s/%s", tmp_dir, name);
  FILE *f = fopen(path, "wb");
  if (!f) return NULL;
  fwrite(data, 1, n, f);
  fclose(f);
  return path;
}

/* ---- a small dBase III table ---- */

typedef struct tbl {
  uint8_t b[4096];
  size_t n;
  size_t rec_len;
} tbl;

static void tbl_header(tbl *t, uint8_t version, uint8_t ldid, uint32_t nrec, const char *const *names,
                       const char *types, const uint8_t *lens, const uint8_t *decs, size_t nf) {
  memset(t, 0, sizeof *t);
  t->rec_len = 1;
  for (size_t i = 0; i < nf; i++) t->rec_len += lens[i];
  size_t hlen = 32 + 32 * nf + 1;
  t->b[0] = version;
  t->b[1] = 124, t->b[2] = 1, t->b[3] = 2;
  memcpy(t->b + 4, &nrec, 4);
  t->b[8] = (uint8_t)hlen, t->b[9] = (uint8_t)(hlen >> 8);
  t->b[10] = (uint8_t)t->rec_len, t->b[11] = (uint8_t)(t->rec_len >> 8);
  t->b[29] = ldid;
  for (size_t i = 0; i < nf; i++) {
    uint8_t *d = t->b + 32 + 32 * i;
    memcpy(d, names[i], strlen(names[i]));
    d[11] = (uint8_t)types[i];
    d[16] = lens[i];
    d[17] = decs[i];
  }
  t->b[hlen - 1] = 0x0D;
  t->n = hlen;
}

static void tbl_rec(tbl *t, const char *rec) {
  memcpy(t->b + t->n, rec, t->rec_len);
  t->n += t->rec_len;
}

typedef struct run {
  pf__opts o;
  pf__reader_env env;
  pf__pool *pool;
  void *st;
  pf_error err;
} run;

static pf_status run_open(run *r, const char *path, int threads) {
  memset(r, 0, sizeof *r);
  pf__opts_init(&r->o);
  pf_error_init(&r->err);
  pf__pool_create(threads, &r->pool);
  r->o.input = path;
  r->env.path = path;
  r->env.opts = &r->o;
  r->env.pool = r->pool;
  return pf__dbf_reader_ops.open(&r->env, &r->st, &r->err);
}

static void run_close(run *r) {
  if (r->st) pf__dbf_reader_ops.close(r->st);
  pf__pool_free(r->pool);
  r->st = NULL;
}

TEST_IMPL(sniff) {
  static const char *const names[] = {"ID", "NAME"};
  static const uint8_t lens[] = {4, 6}, decs[] = {0, 0};
  tbl t;
  tbl_header(&t, 0x03, 0x57, 0, names, "NC", lens, decs, 2);
  ASSERT_EQ(pf__dbf_sniff(t.b, t.n), 90);
  uint8_t bad[128];
  memcpy(bad, t.b, t.n);
  bad[10] = 3; /* record shorter than the fields */
  ASSERT_EQ(pf__dbf_sniff(bad, t.n), 0);
  memcpy(bad, t.b, t.n);
  bad[0] = 0x41; /* not a version byte */
  ASSERT_EQ(pf__dbf_sniff(bad, t.n), 0);
  ASSERT_EQ(pf__dbf_sniff((const uint8_t *)"id,name\n1,a\n", 12), 0);
}

TEST_IMPL(code_pages) {
  const char *desc;
  ASSERT_STR_EQ(pf__dbf_ldid_name(0x65, &desc), "CP866");
  ASSERT_STR_EQ(desc, "Russian MS-DOS");
  ASSERT(pf__dbf_ldid_name(0x68, &desc) == NULL && desc != NULL); /* Kamenicky: known, no converter */
  ASSERT(pf__dbf_ldid_name(0xEE, &desc) == NULL && desc == NULL);
  char name[64];
  ASSERT(pf__dbf_cpg_name("UTF-8\r\n", name, sizeof name));
  ASSERT_STR_EQ(name, "UTF-8");
  ASSERT(pf__dbf_cpg_name("ANSI 1251", name, sizeof name));
  ASSERT_STR_EQ(name, "CP1251");
  ASSERT(pf__dbf_cpg_name("28592", name, sizeof name));
  ASSERT_STR_EQ(name, "ISO-8859-2");
  ASSERT(!pf__dbf_cpg_name("no such thing", name, sizeof name));

  pf__dbf_cp cp;
  ASSERT_OK(pf__dbf_cp_init(&cp, "CP866"));
  ASSERT(!cp.multibyte && !cp.utf8);
  pf__buf b;
  pf__buf_init(&b, 0);
  void *cd = NULL;
  const uint8_t privet[] = {0x8F, 0xE0, 0xA8, 0xA2, 0xA5, 0xE2}; /* Привет */
  ASSERT_OK(pf__dbf_cp_decode(&cp, &cd, privet, sizeof privet, &b));
  ASSERT_EQ(b.len, 12);
  ASSERT_MEM_EQ(b.data, "Привет", 12);
  /* cp1252 leaves 0x81 undefined: kept as U+0081 */
  ASSERT_OK(pf__dbf_cp_init(&cp, "CP1252"));
  ASSERT(cp.undef[0x81] && !cp.undef[0xE9]);
  b.len = 0;
  ASSERT_OK(pf__dbf_cp_decode(&cp, &cd, (const uint8_t *)"\x81\xe9", 2, &b));
  ASSERT_MEM_EQ(b.data, "\xc2\x81\xc3\xa9", 4);
  /* multi-byte: Shift-JIS */
  ASSERT_OK(pf__dbf_cp_init(&cp, "CP932"));
  ASSERT(cp.multibyte);
  b.len = 0;
  ASSERT_OK(pf__dbf_cp_decode(&cp, &cd, (const uint8_t *)"\x93\xfa\x96\x7b", 4, &b));
  ASSERT_MEM_EQ(b.data, "日本", 6);
  b.len = 0;
  ASSERT_EQ(pf__dbf_cp_decode(&cp, &cd, (const uint8_t *)"\x93", 1, &b), PF_EENCODING);
  pf__dbf_cp_cd_free(cd);
  cd = NULL;
  ASSERT_OK(pf__dbf_cp_init(&cp, "UTF-8"));
  b.len = 0;
  ASSERT_EQ(pf__dbf_cp_decode(&cp, &cd, (const uint8_t *)"\xc3(", 2, &b), PF_EENCODING);
  ASSERT_EQ(pf__dbf_cp_init(&cp, "NO-SUCH-CODE-PAGE"), PF_EINVAL);
  pf__buf_free(&b);
}

TEST_IMPL(detection) {
  pf__dbf_cp cp;
  /* "Москва улица" in cp1251 */
  const uint8_t ru[] = {0xCC, 0xEE, 0xF1, 0xEA, 0xE2, 0xE0, 0, 0xF3, 0xEB, 0xE8, 0xF6, 0xE0, 0};
  ASSERT_OK(pf__dbf_cp_detect(&cp, ru, sizeof ru, NULL));
  ASSERT_STR_EQ(cp.name, "CP1251");
  /* "Müller café" in cp1252 */
  const uint8_t de[] = "M\xfcller caf\xe9 Stra\xdf" "e";
  ASSERT_OK(pf__dbf_cp_detect(&cp, de, sizeof de - 1, NULL));
  ASSERT_STR_EQ(cp.name, "CP1252");
  /* the same words in cp850 */
  const uint8_t dos[] = "M\x81ller caf\x82 Stra\xe1" "e";
  ASSERT_OK(pf__dbf_cp_detect(&cp, dos, sizeof dos - 1, NULL));
  ASSERT_STR_EQ(cp.name, "CP850");
  const uint8_t u8[] = "Zo\xc3\xab";
  ASSERT_OK(pf__dbf_cp_detect(&cp, u8, sizeof u8 - 1, NULL));
  ASSERT(cp.utf8);
  ASSERT(pf__dbf_is_utf8_text(u8, sizeof u8 - 1));
  ASSERT(!pf__dbf_is_utf8_text((const uint8_t *)"ascii", 5));
  ASSERT(!pf__dbf_is_utf8_text((const uint8_t *)"\xc0\xaf", 2)); /* overlong */
}

TEST_IMPL(memo_layouts) {
  /* dBase IV block at 1, FoxPro-style block at 2 (as some writers put in
   * a .dbt), dBase III text at 3 ended by 0x1A */
  uint8_t m[2048];
  memset(m, 0, sizeof m);
  uint8_t *b1 = m + 512;
  memcpy(b1, "\xff\xff\x08\x00\x0d\x00\x00\x00hello", 13);
  uint8_t *b2 = m + 1024;
  memcpy(b2, "\x00\x00\x00\x01\x00\x00\x00\x03" "abc", 11);
  uint8_t *b3 = m + 1536;
  memcpy(b3, "plain text\x1a\x1a", 12);
  const char *path = tmp_file("m.dbt", m, sizeof m);
  pf__dbf_memo memo;
  pf_error err;
  pf_error_init(&err);
  ASSERT_OK(pf__dbf_memo_open(&memo, path, 0, 0, &err));
  ASSERT_EQ(memo.block_size, 512);
  pf__buf out;
  pf__buf_init(&out, 0);
  int binary;
  char why[256];
  ASSERT_OK(pf__dbf_memo_read(&memo, 1, 1 << 20, &out, &binary, why, sizeof why));
  ASSERT_EQ(out.len, 5);
  ASSERT_MEM_EQ(out.data, "hello", 5);
  ASSERT_OK(pf__dbf_memo_read(&memo, 2, 1 << 20, &out, &binary, why, sizeof why));
  ASSERT_EQ(out.len, 3);
  ASSERT_EQ(binary, 0);
  ASSERT_OK(pf__dbf_memo_read(&memo, 3, 1 << 20, &out, &binary, why, sizeof why));
  ASSERT_EQ(out.len, 10);
  ASSERT_MEM_EQ(out.data, "plain text", 10);
  ASSERT_EQ(pf__dbf_memo_read(&memo, 9, 1 << 20, &out, &binary, why, sizeof why), PF_EPARSE);
  ASSERT(strstr(why, "memo block 9 is past the end") != NULL);
  ASSERT_EQ(pf__dbf_memo_read(&memo, 1, 2, &out, &binary, why, sizeof why), PF_ELIMIT);
  pf__dbf_memo_close(&memo);
  pf__buf_free(&out);
}

TEST_IMPL(sibling_ignores_case) {
  tmp_file("Tab.DBF", "x", 1);
  tmp_file("TAB.Dbt", "x", 1);
  char want[160];
  snprintf(want, sizeof want, "%s/Tab.DBF", tmp_dir);
  char *p = pf__dbf_sibling(want, ".dbt");
  ASSERT(p != NULL);
  ASSERT(strstr(p, "TAB.Dbt") != NULL);
  free(p);
  ASSERT(pf__dbf_sibling(want, ".fpt") == NULL);
}

static const char *small_table(uint32_t nrec_header) {
  static const char *const names[] = {"ID", "NAME", "AMT", "DAY", "OK"};
  static const uint8_t lens[] = {5, 6, 8, 8, 1}, decs[] = {0, 0, 2, 0, 0};
  tbl t;
  tbl_header(&t, 0x03, 0x03, nrec_header, names, "NCNDL", lens, decs, 5);
  /* flag, ID(5), NAME(6), AMT(8), DAY(8), OK(1) */
  tbl_rec(&t, " " "    1" "Zo\xeb" "   " "    1.25" "20240229" "T");
  tbl_rec(&t, "*" "    2" "gone  " "   -1.00" "19991231" "F");
  tbl_rec(&t, " " "   -3" "      " "   *****" "        " "?");
  t.b[t.n++] = 0x1A;
  return tmp_file("small.dbf", t.b, t.n);
}

TEST_IMPL(reader_values) {
  run r;
  ASSERT_OK(run_open(&r, small_table(3), 2));
  const pf_schema *s = pf__dbf_reader_ops.schema(r.st);
  ASSERT_EQ(s->n_fields, 5);
  ASSERT_EQ(s->fields[0].type, PF_TYPE_INT64);
  ASSERT_EQ(s->fields[2].type, PF_TYPE_DOUBLE);
  ASSERT_EQ(s->fields[3].type, PF_TYPE_DATE);
  ASSERT_EQ(s->fields[4].type, PF_TYPE_BOOL);
  for (int pass = 0; pass < 2; pass++) {
    pf_batch *b = NULL;
    ASSERT_OK(pf__dbf_reader_ops.next(r.st, &b, &r.err));
    ASSERT(b != NULL);
    ASSERT_EQ(b->n_rows, 2); /* the deleted record left out */
    ASSERT_EQ(pf__col_i64(&b->cols[0], 0), 1);
    ASSERT_EQ(pf__col_i64(&b->cols[0], 1), -3);
    size_t len;
    const uint8_t *p = pf__col_str(&b->cols[1], 0, &len);
    ASSERT_EQ(len, 4);
    ASSERT_MEM_EQ(p, "Zo\xc3\xab", 4);
    ASSERT_DBL_EQ(pf__col_f64(&b->cols[2], 0), 1.25);
    ASSERT(!pf__col_is_valid(&b->cols[2], 1)); /* '*****' overflow */
    ASSERT_EQ(pf__col_i32(&b->cols[3], 0), 19782); /* 2024-02-29 */
    ASSERT(!pf__col_is_valid(&b->cols[3], 1));
    ASSERT_EQ(pf__col_bool(&b->cols[4], 0), 1);
    ASSERT(!pf__col_is_valid(&b->cols[4], 1));
    ASSERT_EQ(b->cols[4].null_count, 1);
    ASSERT_OK(pf__dbf_reader_ops.next(r.st, &b, &r.err));
    ASSERT(b == NULL);
    const char *const *w;
    size_t nw = pf__dbf_reader_ops.warnings(r.st, &w);
    ASSERT_EQ(nw, 2);
    ASSERT(strstr(w[0], "1 deleted record left out") != NULL);
    ASSERT(strstr(w[1], "1 numeric value filled with '*'") != NULL);
    ASSERT_OK(pf__dbf_reader_ops.rewind(r.st, &r.err));
  }
  run_close(&r);
}

TEST_IMPL(reader_truncated_place) {
  run r;
  ASSERT_EQ(run_open(&r, small_table(5), 1), PF_EPARSE);
  ASSERT_EQ(r.err.row, 4);
  ASSERT(strstr(r.err.message, "promises 5 records") != NULL);
  run_close(&r);
}

TEST_IMPL(reader_widening_restarts) {
  static const char *const names[] = {"N"};
  static const uint8_t lens[] = {4}, decs[] = {0};
  tbl t;
  tbl_header(&t, 0x03, 0x03, 3, names, "N", lens, decs, 1);
  tbl_rec(&t, "    1");
  tbl_rec(&t, "  1.5");
  tbl_rec(&t, "   x2");
  const char *path = tmp_file("w.dbf", t.b, t.n);
  run r;
  ASSERT_OK(run_open(&r, path, 1));
  pf_batch *b = NULL;
  ASSERT_EQ(pf__dbf_reader_ops.next(r.st, &b, &r.err), PF_ERESTART);
  const pf_schema *s = pf__dbf_reader_ops.schema(r.st);
  ASSERT_EQ(s->fields[0].type, PF_TYPE_STRING);
  ASSERT(s->fields[0].note && strstr(s->fields[0].note, "record 2: value '1.5'") != NULL);
  ASSERT_OK(pf__dbf_reader_ops.rewind(r.st, &r.err));
  ASSERT_OK(pf__dbf_reader_ops.next(r.st, &b, &r.err));
  ASSERT_EQ(b->n_rows, 3);
  size_t len;
  const uint8_t *p = pf__col_str(&b->cols[0], 2, &len);
  ASSERT_EQ(len, 2);
  ASSERT_MEM_EQ(p, "x2", 2);
  run_close(&r);
}

int main(void) {
  snprintf(tmp_dir, sizeof tmp_dir, "/tmp/pf-test-dbf-XXXXXX");
  if (!mkdtemp(tmp_dir)) return 1;
  RUN_TEST(sniff);
  RUN_TEST(code_pages);
  RUN_TEST(detection);
  RUN_TEST(memo_layouts);
  RUN_TEST(sibling_ignores_case);
  RUN_TEST(reader_values);
  RUN_TEST(reader_truncated_place);
  RUN_TEST(reader_widening_restarts);
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf %s", tmp_dir);
  if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmp_dir);
  return TEST_SUMMARY();
}

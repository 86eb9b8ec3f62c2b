/* test_csv_inputs.c - the CSV reader over every kind of source: standard
 * input (spooled), gzip, zstd and bzip2 files (compressed here with the
 * libraries), giving the same result as the plain file. */
#include <bzlib.h>
#include <fcntl.h>
#include <zlib.h>
#include <zstd.h>

#include "csv_test_util.h"

static pf__buf plain;

static void make_plain(void) {
  pf__buf_init(&plain, 0);
  pf__buf_puts(&plain, "id,name,amount,day\n");
  for (int i = 1; i <= 20000; i++)
    pf__buf_printf(&plain, "%d,\"n%d, \"\"q\"\"\",%d.25,2024-03-%02d\n", i, i, i, 1 + i % 28);
}

static const char *write_gz(void) {
  char path[512];
  snprintf(path, sizeof path, "%s/in.csv.gz", csvt_tmpdir());
  gzFile g = gzopen(path, "wb6");
  if (!g) return NULL;
  /* two members: concatenated gzip is one stream */
  gzwrite(g, plain.data, (unsigned)(plain.len / 2));
  gzclose(g);
  g = gzopen(path, "ab6");
  gzwrite(g, plain.data + plain.len / 2, (unsigned)(plain.len - plain.len / 2));
  gzclose(g);
  static char out[512];
  snprintf(out, sizeof out, "%s", path);
  return out;
}

static const char *write_zst(void) {
  size_t cap = ZSTD_compressBound(plain.len);
  void *dst = malloc(cap);
  size_t n = ZSTD_compress(dst, cap, plain.data, plain.len, 3);
  if (ZSTD_isError(n)) return NULL;
  const char *p = csvt_file("in.csv.zst", dst, n);
  free(dst);
  return p;
}

static const char *write_bz2(void) {
  unsigned cap = (unsigned)(plain.len + plain.len / 100 + 600);
  char *dst = malloc(cap);
  if (BZ2_bzBuffToBuffCompress(dst, &cap, (char *)plain.data, (unsigned)plain.len, 9, 0, 0) != BZ_OK)
    return NULL;
  const char *p = csvt_file("in.csv.bz2", dst, cap);
  free(dst);
  return p;
}

static void check_same(const char *path, const csvt_result *base, const char *codec) {
  csvt_result r;
  csvt_read(path, NULL, 2, &r);
  if (r.st != PF_OK) TEST_FAIL_("%s: %s", codec, r.err.message);
  ASSERT_STR_EQ(r.schema, base->schema);
  if (strcmp(r.rows, base->rows) != 0) TEST_FAIL_("%s: rows differ", codec);
  csvt_free(&r);
  ASSERT_OK(csvt_info(path, NULL, &r));
  ASSERT_STR_EQ(r.info.props[1].key, "compression");
  ASSERT_STR_EQ(r.info.props[1].value, codec);
  ASSERT_EQ(r.info.rows, 20000);
  csvt_free(&r);
  /* tiny blocks over a decompressing source */
  pf__opts tiny;
  csvt_options(&tiny);
  tiny.settings.csv_chunk_size = 37;
  csvt_read(path, &tiny, 2, &r);
  if (r.st != PF_OK || strcmp(r.rows, base->rows) != 0) TEST_FAIL_("%s, chunk 37: rows differ", codec);
  csvt_free(&r);
}

TEST_IMPL(compressed_files) {
  const char *p = csvt_file("in.csv", plain.data, plain.len);
  csvt_result base;
  csvt_read(p, NULL, 2, &base);
  ASSERT_OK(base.st);
  ASSERT_STR_EQ(base.schema, "id:int64,name:string,amount:double,day:date");
  ASSERT_EQ(base.n_rows, 20000);
  const char *gz = write_gz();
  ASSERT(gz != NULL);
  check_same(gz, &base, "gzip");
  const char *zs = write_zst();
  ASSERT(zs != NULL);
  check_same(zs, &base, "zstd");
  const char *bz = write_bz2();
  ASSERT(bz != NULL);
  check_same(bz, &base, "bzip2");
  csvt_free(&base);
}

TEST_IMPL(standard_input) {
  const char *p = csvt_file("in.csv", plain.data, plain.len);
  csvt_result base;
  csvt_read(p, NULL, 2, &base);
  ASSERT_OK(base.st);
  const char *gz = write_gz();
  for (int k = 0; k < 2; k++) {
    int saved = dup(0);
    int fd = open(k == 0 ? p : gz, O_RDONLY);
    ASSERT(saved >= 0 && fd >= 0);
    dup2(fd, 0);
    close(fd);
    csvt_result r;
    csvt_read("-", NULL, 2, &r);
    dup2(saved, 0);
    close(saved);
    if (r.st != PF_OK) TEST_FAIL_("stdin %d: %s", k, r.err.message);
    ASSERT_STR_EQ(r.schema, base.schema);
    if (strcmp(r.rows, base.rows) != 0) TEST_FAIL_("stdin %d: rows differ", k);
    csvt_free(&r);
  }
  csvt_free(&base);
}

TEST_IMPL(missing_file) {
  csvt_result r;
  char path[512];
  snprintf(path, sizeof path, "%s/nope.csv", csvt_tmpdir());
  csvt_read(path, NULL, 1, &r);
  ASSERT_EQ(r.st, PF_ENOTFOUND);
  ASSERT(strstr(r.err.file, "nope.csv") != NULL);
  csvt_free(&r);
}

int main(void) {
  make_plain();
  RUN_TEST(compressed_files);
  RUN_TEST(standard_input);
  RUN_TEST(missing_file);
  pf__buf_free(&plain);
  csvt_cleanup();
  return TEST_SUMMARY();
}

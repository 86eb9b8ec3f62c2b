/* test_io.c - input sources (plain, gzip, zstd, bzip2, rewind, truncated)
 * and atomic outputs (commit, abort, exists, force, bad parents, copy,
 * when they are flushed to the disk), mkdir -p. */
#include <bzlib.h>
#include <string.h>
#include <dirent.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "core/log.h"
#include "io/output.h"
#include "io/source.h"
#include "test.h"

static char tmpdir[256];

static void path_in(char *out, size_t n, const char *name) {
  snprintf(out, n, "%s/%s", tmpdir, name);
}

static int write_file(const char *path, const void *p, size_t n) {
  FILE *f = fopen(path, "wb");
  if (!f) return -1;
  fwrite(p, 1, n, f);
  return fclose(f);
}

static int count_entries(const char *dir) {
  DIR *d = opendir(dir);
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL)
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) n++;
  closedir(d);
  return n;
}

/* Reads a whole source with a small buffer; returns malloc'd bytes. */
static pf_status slurp(const char *path, char **out, size_t *len, pf_error *err) {
  pf__source *s;
  PF_TRY(pf__source_open(path, &s, err));
  size_t cap = 1 << 16, n = 0;
  char *buf = malloc(cap);
  for (;;) {
    size_t got;
    pf_status st = pf__source_read(s, buf + n, 7, &got, err);
    if (st != PF_OK) {
      free(buf);
      pf__source_close(s);
      return st;
    }
    if (got == 0) break;
    n += got;
    if (n + 8 > cap) buf = realloc(buf, cap *= 2);
  }
  pf__source_close(s);
  *out = buf;
  *len = n;
  return PF_OK;
}

static const char text[] = "a,b\n1,2\n3,4\nlast line without newline";

TEST_IMPL(source_plain_and_missing) {
  char p[300];
  path_in(p, sizeof p, "plain.csv");
  ASSERT_EQ(write_file(p, text, sizeof text - 1), 0);
  char *got;
  size_t n;
  pf_error err;
  pf_error_init(&err);
  ASSERT_OK(slurp(p, &got, &n, &err));
  ASSERT_EQ(n, sizeof text - 1);
  ASSERT_MEM_EQ(got, text, n);
  free(got);
  path_in(p, sizeof p, "missing.csv");
  ASSERT_EQ(slurp(p, &got, &n, &err), PF_ENOTFOUND);
  ASSERT(strstr(err.message, "no such file") != NULL);
  ASSERT_EQ(slurp(tmpdir, &got, &n, &err), PF_EINPUT);
  ASSERT(strstr(err.message, "directory") != NULL);
}

TEST_IMPL(source_gzip_concatenated_and_truncated) {
  char p[300];
  path_in(p, sizeof p, "x.csv.gz");
  gzFile g = gzopen(p, "wb");
  gzwrite(g, text, 4);
  gzclose(g);
  /* a second member appended */
  char p2[300];
  path_in(p2, sizeof p2, "y.gz");
  g = gzopen(p2, "wb");
  gzwrite(g, text + 4, sizeof text - 5);
  gzclose(g);
  FILE *a = fopen(p, "ab"), *b = fopen(p2, "rb");
  char tmp[4096];
  size_t k = fread(tmp, 1, sizeof tmp, b);
  fwrite(tmp, 1, k, a);
  fclose(a);
  fclose(b);
  char *got;
  size_t n;
  pf_error err;
  pf_error_init(&err);
  ASSERT_OK(slurp(p, &got, &n, &err));
  ASSERT_EQ(n, sizeof text - 1);
  ASSERT_MEM_EQ(got, text, n);
  free(got);
  /* truncated: cut the file in the middle */
  ASSERT_EQ(truncate(p, 15), 0);
  ASSERT_EQ(slurp(p, &got, &n, &err), PF_EINPUT);
  ASSERT(strstr(err.message, "truncated") != NULL || strstr(err.message, "corrupt") != NULL);
}

TEST_IMPL(source_zstd_bzip2_rewind) {
  char p[300];
  path_in(p, sizeof p, "x.csv.zst");
  char z[1024];
  size_t zn = ZSTD_compress(z, sizeof z, text, sizeof text - 1, 3);
  ASSERT(!ZSTD_isError(zn));
  ASSERT_EQ(write_file(p, z, zn), 0);
  char *got;
  size_t n;
  pf_error err;
  pf_error_init(&err);
  ASSERT_OK(slurp(p, &got, &n, &err));
  ASSERT_EQ(n, sizeof text - 1);
  ASSERT_MEM_EQ(got, text, n);
  free(got);

  path_in(p, sizeof p, "x.csv.bz2");
  char bz[1024];
  unsigned bn = sizeof bz;
  ASSERT_EQ(BZ2_bzBuffToBuffCompress(bz, &bn, (char *)text, sizeof text - 1, 9, 0, 0), BZ_OK);
  ASSERT_EQ(write_file(p, bz, bn), 0);
  pf__source *s;
  ASSERT_OK(pf__source_open(p, &s, &err));
  ASSERT_STR_EQ(pf__codec_name(pf__source_codec(s)), "bzip2");
  ASSERT(!pf__source_seekable(s));
  char buf[256];
  size_t g1, g2;
  ASSERT_OK(pf__source_read(s, buf, sizeof buf, &g1, &err));
  ASSERT_OK(pf__source_rewind(s, &err));
  ASSERT_OK(pf__source_read(s, buf + 100, sizeof buf - 100, &g2, &err));
  ASSERT_EQ(g1, g2);
  ASSERT_MEM_EQ(buf, buf + 100, g1);
  ASSERT_EQ(pf__source_disk_size(s), bn);
  pf__source_close(s);
}

TEST_IMPL(output_commit_exists_force_abort) {
  char dir[300], p[400];
  path_in(dir, sizeof dir, "out");
  mkdir(dir, 0755);
  snprintf(p, sizeof p, "%s/o.parquet", dir);
  pf_error err;
  pf_error_init(&err);
  pf__output *o;
  ASSERT_OK(pf__output_open(p, 0, &o, &err));
  ASSERT_OK(pf__output_write(o, "hello", 5, &err));
  ASSERT_EQ(pf__output_size(o), 5);
  ASSERT_EQ(access(p, F_OK), -1); /* not there before commit */
  ASSERT_OK(pf__output_commit(o, &err));
  struct stat sb;
  ASSERT_EQ(stat(p, &sb), 0);
  ASSERT_EQ(sb.st_size, 5);
  ASSERT_EQ(count_entries(dir), 1); /* no temp left */

  ASSERT_EQ(pf__output_open(p, 0, &o, &err), PF_EEXIST);
  ASSERT(strstr(err.message, "output.force") != NULL);
  ASSERT_OK(pf__output_open(p, 1, &o, &err));
  ASSERT_OK(pf__output_write(o, "x", 1, &err));
  pf__output_abort(o);
  ASSERT_EQ(stat(p, &sb), 0);
  ASSERT_EQ(sb.st_size, 5); /* untouched by the aborted write */
  ASSERT_EQ(count_entries(dir), 1);
}

TEST_IMPL(output_bad_parents) {
  char p[400], f[300];
  pf_error err;
  pf_error_init(&err);
  pf__output *o;
  path_in(f, sizeof f, "regular");
  ASSERT_EQ(write_file(f, "x", 1), 0);
  snprintf(p, sizeof p, "%s/under.parquet", f);
  ASSERT_EQ(pf__output_open(p, 0, &o, &err), PF_EOUTPUT);
  ASSERT(strstr(err.message, "not a directory") != NULL);
  path_in(p, sizeof p, "nodir/x.parquet");
  ASSERT_EQ(pf__output_open(p, 0, &o, &err), PF_EOUTPUT);
  ASSERT(strstr(err.message, "does not exist") != NULL);
}

/* pf__mkdirs: the missing parents made, an existing tree fine, a file in
 * the way named (and the requested path as the error's file). */
TEST_IMPL(mkdirs_parents_existing_and_file_in_the_way) {
  char d[400], f[300], want[400];
  pf_error err;
  pf_error_init(&err);
  path_in(d, sizeof d, "mk/a/b/c");
  ASSERT_OK(pf__mkdirs(d, &err));
  struct stat sb;
  ASSERT(stat(d, &sb) == 0 && S_ISDIR(sb.st_mode));
  ASSERT_OK(pf__mkdirs(d, &err)); /* exists: fine */
  path_in(d, sizeof d, "mk/a/b/c/"); /* a trailing slash */
  ASSERT_OK(pf__mkdirs(d, &err));
  path_in(f, sizeof f, "mk/plain");
  ASSERT_EQ(write_file(f, "x", 1), 0);
  snprintf(d, sizeof d, "%s/under/deeper", f);
  ASSERT_EQ(pf__mkdirs(d, &err), PF_EOUTPUT);
  snprintf(want, sizeof want, "%s is not a directory", f);
  ASSERT(strstr(err.message, want) != NULL);
  ASSERT_STR_EQ(err.file, d);
  pf_error_init(&err);
  ASSERT_EQ(pf__mkdirs(f, &err), PF_EOUTPUT); /* the file itself */
  ASSERT(strstr(err.message, want) != NULL);
}

TEST_IMPL(output_copy_strategy) {
  char p[300];
  path_in(p, sizeof p, "copied.parquet");
  pf__settings copy = {.output_strategy = PF__OUTPUT_COPY}; /* PYFORGE_OUTPUT_STRATEGY=copy */
  pf_error err;
  pf_error_init(&err);
  pf__output *o;
  pf__output_opts oo = {0, 0, NULL, &copy, 0};
  ASSERT_OK(pf__output_open_ex(p, &oo, &o, &err));
  char big[3 << 20];
  memset(big, 'z', sizeof big);
  ASSERT_OK(pf__output_write(o, big, sizeof big, &err));
  ASSERT_OK(pf__output_write(o, "end", 3, &err));
  ASSERT_OK(pf__output_commit(o, &err));
  struct stat sb;
  ASSERT_EQ(stat(p, &sb), 0);
  ASSERT_EQ(sb.st_size, sizeof big + 3);
}

static char flush_log[1024];
static void keep_log(void *user, pf_log_level level, const char *msg) {
  (void)user;
  (void)level;
  snprintf(flush_log + strlen(flush_log), sizeof flush_log - strlen(flush_log), "%s\n", msg);
}

/* Commits one small output and tells whether it was flushed (fsync) before
 * it was published: the output logs each flush at debug level. */
static int flushed(int durable, int env_fsync, pf__output_strategy how) {
  char target[300];
  path_in(target, sizeof target, "flush.out");
  pf__settings s;
  memset(&s, 0, sizeof s);
  s.fsync = env_fsync;
  s.output_strategy = how;
  pf__log log = {keep_log, NULL, PF_LOG_DEBUG};
  pf__output_opts oo = {1, 0, &log, &s, durable};
  pf__output *o;
  flush_log[0] = 0;
  if (pf__output_open_ex(target, &oo, &o, NULL) != PF_OK) return -1;
  if (pf__output_write(o, "data", 4, NULL) != PF_OK) {
    pf__output_abort(o);
    return -1;
  }
  if (pf__output_commit(o, NULL) != PF_OK) return -1;
  return strstr(flush_log, "flushed ") && strstr(flush_log, "flush.out to the disk") ? 1 : 0;
}

TEST_IMPL(output_flushed_when_durable_or_asked) {
  /* a plain output is atomic, not flushed; a durable one is */
  ASSERT_EQ(flushed(0, 0, PF__OUTPUT_RENAME), 0);
  ASSERT_EQ(flushed(1, 0, PF__OUTPUT_RENAME), 1);
  /* PYFORGE_FSYNC=1 / =0 decide either way */
  ASSERT_EQ(flushed(0, 1, PF__OUTPUT_RENAME), 1);
  ASSERT_EQ(flushed(1, -1, PF__OUTPUT_RENAME), 0);
  /* a copy (Volumes) always flushes its target: a failed upload is told there */
  ASSERT_EQ(flushed(0, 0, PF__OUTPUT_COPY), 1);
  ASSERT_EQ(flushed(0, -1, PF__OUTPUT_COPY), 0);
}

/* Pieces written with pf__output_writev land in order, whether they go
 * through the buffer (small) or straight to the file (large, after what the
 * buffer holds), mixed with plain writes. */
TEST_IMPL(output_writev_in_order) {
  char p[300];
  path_in(p, sizeof p, "pieces.bin");
  pf_error err;
  pf_error_init(&err);
  pf__output *o;
  ASSERT_OK(pf__output_open(p, 0, &o, &err));
  enum { BIG = 300000, TOTAL = 4 * BIG };
  static uint8_t big[BIG], want[TOTAL];
  for (size_t i = 0; i < BIG; i++) big[i] = (uint8_t)(i * 7 + i / 251);
  size_t n = 0;
  for (int round = 0; round < 40; round++) {
    size_t a = (size_t)round * 13 % 97, b = round % 3 == 0 ? BIG - (size_t)round : (size_t)round * 311;
    struct iovec v[3] = {{(void *)"hdr", 3}, {big, b}, {big + a, a}};
    if (n + 3 + a + b + 1 > TOTAL) break;
    ASSERT_OK(pf__output_writev(o, v, 3, &err));
    memcpy(want + n, "hdr", 3);
    memcpy(want + n + 3, big, b);
    memcpy(want + n + 3 + b, big + a, a);
    n += 3 + a + b;
    ASSERT_OK(pf__output_write(o, "|", 1, &err));
    want[n++] = '|';
    ASSERT_EQ(pf__output_size(o), n);
  }
  struct iovec none[1] = {{big, 0}};
  ASSERT_OK(pf__output_writev(o, none, 1, &err));
  ASSERT(n > 2 * BIG); /* some went straight to the file */
  ASSERT_OK(pf__output_commit(o, &err));
  FILE *f = fopen(p, "rb");
  ASSERT(f != NULL);
  static uint8_t got[TOTAL + 1];
  size_t len = fread(got, 1, sizeof got, f);
  fclose(f);
  ASSERT_EQ(len, n);
  ASSERT_MEM_EQ(got, want, n);
}

int main(void) {
  snprintf(tmpdir, sizeof tmpdir, "/tmp/pf-test-io-XXXXXX");
  if (!mkdtemp(tmpdir)) return 2;
  RUN_TEST(source_plain_and_missing);
  RUN_TEST(source_gzip_concatenated_and_truncated);
  RUN_TEST(source_zstd_bzip2_rewind);
  RUN_TEST(output_commit_exists_force_abort);
  RUN_TEST(output_bad_parents);
  RUN_TEST(output_copy_strategy);
  RUN_TEST(output_flushed_when_durable_or_asked);
  RUN_TEST(output_writev_in_order);
  RUN_TEST(mkdirs_parents_existing_and_file_in_the_way);
  char cmd[400];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
  if (system(cmd) != 0) return 2;
  return TEST_SUMMARY();
}

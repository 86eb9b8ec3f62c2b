/* test_zip_archive.c - the ZIP reader (src/io/zip_archive.c): archives
 * written here byte by byte (stored and deflated members, ZIP64 records,
 * prepended data), then damaged: truncated, bad CRC, wrong size, encrypted
 * flag, unknown method, and members past the zip-bomb limits. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "io/zip_archive.h"
#include "test.h"

static char tmpdir[256];

typedef struct zw {
  unsigned char *p;
  size_t n, cap;
  unsigned char cd[8192];
  size_t cdn;
  int count;
} zw;

static void put(zw *w, const void *d, size_t n) {
  if (w->n + n > w->cap) {
    w->cap = (w->n + n) * 2;
    w->p = realloc(w->p, w->cap);
  }
  memcpy(w->p + w->n, d, n);
  w->n += n;
}
static void le16(unsigned char *b, unsigned v) { b[0] = v & 255, b[1] = (v >> 8) & 255; }
static void le32(unsigned char *b, uint32_t v) { le16(b, v & 0xFFFF), le16(b + 2, v >> 16); }
static void le64(unsigned char *b, uint64_t v) { le32(b, (uint32_t)v), le32(b + 4, (uint32_t)(v >> 32)); }

/* Adds a member; compress != 0 deflates it; zip64 writes sizes and the
 * offset in a ZIP64 extra field. flags/method override when nonzero. */
static void add(zw *w, const char *name, const void *data, size_t n, int compress, int zip64,
                unsigned flags, int method) {
  unsigned char *c = malloc(n + n / 100 + 1024);
  size_t cn = n;
  if (compress) {
    z_stream z;
    memset(&z, 0, sizeof z);
    deflateInit2(&z, 9, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY);
    z.next_in = (unsigned char *)data;
    z.avail_in = (uInt)n;
    z.next_out = c;
    z.avail_out = (uInt)(n + n / 100 + 1024);
    deflate(&z, Z_FINISH);
    cn = z.total_out;
    deflateEnd(&z);
  } else {
    memcpy(c, data, n);
  }
  uint32_t crc = (uint32_t)crc32(0, data, (uInt)n);
  unsigned m = method ? (unsigned)method : compress ? 8 : 0;
  size_t nl = strlen(name);
  unsigned char lh[30] = {0};
  le32(lh, 0x04034b50);
  le16(lh + 4, 20);
  le16(lh + 6, flags);
  le16(lh + 8, m);
  le32(lh + 14, crc);
  le32(lh + 18, (uint32_t)cn);
  le32(lh + 22, (uint32_t)n);
  le16(lh + 26, (unsigned)nl);
  uint64_t off = w->n;
  put(w, lh, 30);
  put(w, name, nl);
  put(w, c, cn);
  free(c);
  unsigned char *h = w->cd + w->cdn;
  memset(h, 0, 46);
  le32(h, 0x02014b50);
  le16(h + 4, 45);
  le16(h + 6, 45);
  le16(h + 8, flags);
  le16(h + 10, m);
  le32(h + 16, crc);
  le32(h + 20, zip64 ? 0xFFFFFFFFu : (uint32_t)cn);
  le32(h + 24, zip64 ? 0xFFFFFFFFu : (uint32_t)n);
  le16(h + 28, (unsigned)nl);
  le16(h + 30, zip64 ? 28 : 0);
  le32(h + 42, zip64 ? 0xFFFFFFFFu : (uint32_t)off);
  memcpy(h + 46, name, nl);
  w->cdn += 46 + nl;
  if (zip64) {
    unsigned char *x = w->cd + w->cdn;
    le16(x, 1);
    le16(x + 2, 24);
    le64(x + 4, n);
    le64(x + 12, cn);
    le64(x + 20, off);
    w->cdn += 28;
  }
  w->count++;
}

static void finish(zw *w, int zip64) {
  uint64_t cd_off = w->n;
  put(w, w->cd, w->cdn);
  if (zip64) {
    uint64_t e64 = w->n;
    unsigned char r[56] = {0};
    le32(r, 0x06064b50);
    le64(r + 4, 44);
    le16(r + 12, 45);
    le16(r + 14, 45);
    le64(r + 24, (uint64_t)w->count);
    le64(r + 32, (uint64_t)w->count);
    le64(r + 40, w->cdn);
    le64(r + 48, cd_off);
    put(w, r, 56);
    unsigned char loc[20] = {0};
    le32(loc, 0x07064b50);
    le64(loc + 8, e64);
    le32(loc + 16, 1);
    put(w, loc, 20);
  }
  unsigned char e[22] = {0};
  le32(e, 0x06054b50);
  le16(e + 8, zip64 ? 0xFFFF : (unsigned)w->count);
  le16(e + 10, zip64 ? 0xFFFF : (unsigned)w->count);
  le32(e + 12, zip64 ? 0xFFFFFFFFu : (uint32_t)w->cdn);
  le32(e + 16, zip64 ? 0xFFFFFFFFu : (uint32_t)cd_off);
  put(w, e, 22);
}

static void save(const char *name, const void *p, size_t n, char *path, size_t cap) {
  snprintf(path, cap, "%s/%s", tmpdir, name);
  FILE *f = fopen(path, "wb");
  fwrite(p, 1, n, f);
  fclose(f);
}

/* Opens path and reads member `name` whole; returns the status. */
static pf_status read_member(const char *path, const char *name, const pf__zip_limits *lim,
                             char **out, size_t *len, pf_error *err) {
  pf__source *src = NULL;
  pf__zip *z = NULL;
  pf__zip_stream *s = NULL;
  *out = NULL;
  *len = 0;
  pf_status st = pf__source_open(path, &src, err);
  if (st == PF_OK) st = pf__zip_open(src, path, lim, &z, err);
  const pf__zip_entry *e = st == PF_OK ? pf__zip_find(z, name) : NULL;
  if (st == PF_OK && !e) st = PF_ENOTFOUND;
  if (st == PF_OK) st = pf__zip_stream_open(z, e, &s, err);
  char buf[1000];
  while (st == PF_OK) {
    size_t got;
    st = pf__zip_stream_read(s, buf, sizeof buf, &got, err);
    if (st != PF_OK || got == 0) break;
    *out = realloc(*out, *len + got + 1);
    memcpy(*out + *len, buf, got);
    *len += got;
  }
  pf__zip_stream_close(s);
  pf__zip_close(z);
  pf__source_close(src);
  return st;
}

static char *pattern(size_t n) {
  char *p = malloc(n);
  for (size_t i = 0; i < n; i++) p[i] = (char)("abcdefghij<>/\n"[i % 14] + (i / 5000) % 3);
  return p;
}

TEST_IMPL(zip_stored_deflated_zip64) {
  for (int z64 = 0; z64 < 2; z64++) {
    zw w = {0};
    char *big = pattern(300000);
    put(&w, "PREPENDED-STUB", 14); /* offsets shift */
    add(&w, "[Content_Types].xml", "<Types/>", 8, 0, z64, 0, 0);
    add(&w, "xl/worksheets/sheet1.xml", big, 300000, 1, z64, 0, 0);
    add(&w, "empty", "", 0, 1, z64, 0, 0);
    finish(&w, z64);
    char path[512];
    save(z64 ? "z64.zip" : "plain.zip", w.p, w.n, path, sizeof path);
    pf_error err;
    pf_error_init(&err);
    char *got;
    size_t n;
    ASSERT_OK(read_member(path, "xl/worksheets/sheet1.xml", NULL, &got, &n, &err));
    ASSERT_EQ(n, 300000);
    ASSERT_MEM_EQ(got, big, n);
    free(got);
    ASSERT_OK(read_member(path, "/XL/Worksheets/Sheet1.XML", NULL, &got, &n, &err));
    ASSERT_EQ(n, 300000);
    free(got);
    ASSERT_OK(read_member(path, "[Content_Types].xml", NULL, &got, &n, &err));
    ASSERT_EQ(n, 8);
    ASSERT_MEM_EQ(got, "<Types/>", 8);
    free(got);
    ASSERT_OK(read_member(path, "empty", NULL, &got, &n, &err));
    ASSERT_EQ(n, 0);
    free(got);
    ASSERT_EQ(read_member(path, "nope", NULL, &got, &n, &err), PF_ENOTFOUND);
    free(big);
    free(w.p);
  }
}

TEST_IMPL(zip_damaged) {
  zw w = {0};
  char *big = pattern(100000);
  add(&w, "a.xml", big, 100000, 1, 0, 0, 0);
  finish(&w, 0);
  char path[512];
  pf_error err;
  char *got;
  size_t n;
  /* Truncated: the directory is gone. */
  save("trunc.zip", w.p, w.n / 2, path, sizeof path);
  pf_error_init(&err);
  ASSERT_EQ(read_member(path, "a.xml", NULL, &got, &n, &err), PF_EPARSE);
  ASSERT(strstr(err.message, "central directory") != NULL);
  free(got);
  /* Not a ZIP at all. */
  save("text.zip", "hello world, this is not a zip archive at all", 45, path, sizeof path);
  pf_error_init(&err);
  ASSERT_EQ(read_member(path, "a.xml", NULL, &got, &n, &err), PF_EFORMAT);
  free(got);
  /* A flipped byte in the compressed data: CRC or inflate error. */
  unsigned char *bad = malloc(w.n);
  memcpy(bad, w.p, w.n);
  bad[30 + 5 + 40] ^= 0x55; /* inside the deflated data */
  save("crc.zip", bad, w.n, path, sizeof path);
  pf_error_init(&err);
  ASSERT_EQ(read_member(path, "a.xml", NULL, &got, &n, &err), PF_EPARSE);
  ASSERT(strstr(err.message, "a.xml") != NULL);
  free(got);
  free(bad);
  free(w.p);
  /* Encrypted flag and an unknown method. */
  zw e = {0};
  add(&e, "secret.xml", "x", 1, 0, 0, 1, 0);
  add(&e, "lzma.xml", "x", 1, 0, 0, 0, 14);
  finish(&e, 0);
  save("enc.zip", e.p, e.n, path, sizeof path);
  pf_error_init(&err);
  ASSERT_EQ(read_member(path, "secret.xml", NULL, &got, &n, &err), PF_EUNSUPPORTED);
  ASSERT(strstr(err.message, "encrypted") != NULL);
  free(got);
  pf_error_init(&err);
  ASSERT_EQ(read_member(path, "lzma.xml", NULL, &got, &n, &err), PF_EUNSUPPORTED);
  ASSERT(strstr(err.message, "method 14") != NULL);
  free(got);
  free(e.p);
  free(big);
}

TEST_IMPL(zip_bomb_limits) {
  size_t n = 4u << 20;
  char *zeros = calloc(1, n);
  zw w = {0};
  add(&w, "bomb.xml", zeros, n, 1, 0, 0, 0);
  finish(&w, 0);
  char path[512];
  save("bomb.zip", w.p, w.n, path, sizeof path);
  pf_error err;
  char *got;
  size_t len;
  pf__zip_limits lim;
  pf__zip_limits_default(&lim);
  lim.ratio_floor = 1u << 20;
  pf_error_init(&err);
  ASSERT_EQ(read_member(path, "bomb.xml", &lim, &got, &len, &err), PF_ELIMIT);
  ASSERT(strstr(err.message, "zip bomb") != NULL);
  ASSERT(strstr(err.message, "bomb.xml") != NULL);
  free(got);
  pf__zip_limits_default(&lim);
  lim.max_member = 1u << 20;
  pf_error_init(&err);
  ASSERT_EQ(read_member(path, "bomb.xml", &lim, &got, &len, &err), PF_ELIMIT);
  free(got);
  /* Within the default limits the same member reads whole. */
  pf_error_init(&err);
  ASSERT_OK(read_member(path, "bomb.xml", NULL, &got, &len, &err));
  ASSERT_EQ(len, n);
  free(got);
  free(w.p);
  free(zeros);
}

int main(void) {
  snprintf(tmpdir, sizeof tmpdir, "/tmp/pf-test-zip-XXXXXX");
  if (!mkdtemp(tmpdir)) return 2;
  RUN_TEST(zip_stored_deflated_zip64);
  RUN_TEST(zip_damaged);
  RUN_TEST(zip_bomb_limits);
  char cmd[400];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
  if (system(cmd) != 0) return 2;
  return TEST_SUMMARY();
}

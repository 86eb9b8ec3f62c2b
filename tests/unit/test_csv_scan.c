/* test_csv_scan.c - the scanner's and splitter's fast paths agree with
 * their general loops byte for byte.
 *
 * The row scanner walks 64-byte bit masks while 64 bytes or more are left
 * and the general loop otherwise; the splitter takes rows without quotes
 * 64 bytes at a time. Seeded random texts made of the bytes that matter
 * (delimiters, quotes, doubled quotes, quotes inside unquoted fields, line
 * breaks inside and outside quotes, CR, spaces) are scanned at once (fast
 * path) and fed a few bytes at a time (general loop only); rows, lines and
 * the scanner's state must match, and every row must split the same way
 * both ways. The UTF-8 check (64-byte masks, characters decoded where
 * they are) is held to a byte-by-byte reference the same way. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "readers/csv/csv_internal.h"
#include "test.h"

static uint64_t rng_state;
static uint32_t rnd(uint32_t n) {
  rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
  return (uint32_t)(rng_state >> 33) % n;
}

/* A text of about n bytes: fields, some quoted, with the bytes the scanner
 * stops at, in proportions that put several in every 64 bytes. Rows end
 * with ends[0] or, now and then, another of ends (mixed files); with cr,
 * quoted fields hold CR and CR LF too. */
static size_t make_text(uint8_t *out, size_t n, const char *const *ends, size_t n_ends, int cr) {
  static const char *const pieces[] = {"abc", "x", "\"\"", "\"", "a\"b", " ", "12.5", "\n", "zz",
                                       "\r", "\r\n"};
  const size_t n_pieces = sizeof pieces / sizeof *pieces - (cr ? 0 : 2);
  size_t len = 0;
  while (len + 128 <= n) { /* a row is at most 6 * 20 + 4 bytes */
    int fields = 1 + (int)rnd(6);
    for (int f = 0; f < fields; f++) {
      if (f) out[len++] = ',';
      if (rnd(3) == 0 && f) out[len++] = ' ';
      int quoted = rnd(2);
      if (quoted) out[len++] = '"';
      int parts = (int)rnd(5);
      for (int k = 0; k < parts; k++) {
        const char *p = pieces[rnd((uint32_t)n_pieces)];
        if (!quoted && (p[0] == '\n' || p[0] == '\r')) continue;
        size_t pl = strlen(p);
        memcpy(out + len, p, pl);
        len += pl;
      }
      if (quoted && rnd(20)) out[len++] = '"'; /* sometimes never closed */
      if (rnd(8) == 0) out[len++] = 'q';    /* text after a closing quote */
    }
    const char *e = ends[rnd(8) == 0 ? rnd((uint32_t)n_ends) : 0];
    memcpy(out + len, e, strlen(e));
    len += strlen(e);
    if (rnd(10) == 0) out[len++] = '\n'; /* an empty line */
  }
  return len;
}

/* Line ends in [s, e) as the scanner counts them. */
static int64_t breaks_in(const uint8_t *s, const uint8_t *e) {
  int64_t k = 0;
  for (const uint8_t *p = s; p < e; p++) k += *p == '\r' || (*p == '\n' && (p == s || p[-1] != '\r'));
  return k;
}

typedef struct scan_out {
  pf__csv_rows rows;
  pf__csv_scanner sc;
  pf_status st;
} scan_out;

static void scan_all(const pf__csv_dialect *d, const uint8_t *buf, size_t len, size_t step,
                     int lenient, scan_out *o) {
  memset(o, 0, sizeof *o);
  pf__csv_scan_init(&o->sc, d, 1);
  o->sc.lenient = lenient;
  if (step == 0) {
    o->st = pf__csv_scan(&o->sc, buf, len, 1, &o->rows, SIZE_MAX);
    return;
  }
  for (size_t have = 0; have < len;) {
    have = have + step < len ? have + step : len;
    o->st = pf__csv_scan(&o->sc, buf, have, have == len, &o->rows, SIZE_MAX);
    if (o->st != PF_OK) return;
  }
}

static int same_fields(const pf__csv_dialect *d, const uint8_t *s, const uint8_t *e,
                       uint8_t *scratch1, uint8_t *scratch2) {
  pf__csv_field f1[64], f2[64];
  size_t n1 = pf__csv_split(d, s, e, f1, 64, scratch1);
  size_t n2 = pf__csv_split_fast(d, s, e, f2, 64, scratch2);
  if (n1 != n2) return 0;
  for (size_t i = 0; i < n1 && i < 64; i++)
    if (f1[i].n != f2[i].n || f1[i].raw != f2[i].raw || f1[i].quoted != f2[i].quoted ||
        memcmp(f1[i].p, f2[i].p, f1[i].n) != 0)
      return 0;
  return 1;
}

TEST_IMPL(scan_fast_path_matches_general_loop) {
  enum { N = 1 << 16 };
  uint8_t *buf = malloc(N + PF__CSV_SLACK), *s1 = malloc(N), *s2 = malloc(N);
  ASSERT(buf && s1 && s2);
  for (int round = 0; round < 40; round++) {
    rng_state = 0x5eed0000u + (uint64_t)round;
    /* LF only (no CR: the LF-only paths), CR LF, CR, and mixed */
    static const char *const lf[] = {"\n"}, *const crlf[] = {"\r\n"}, *const cr[] = {"\r"};
    static const char *const mixed[] = {"\n", "\r\n", "\r", "\r\r\n"};
    const int kind = round % 5;
    const char *const *ends = kind == 1 ? crlf : kind == 2 ? cr : kind == 3 ? mixed : lf;
    size_t len = make_text(buf, N, ends, kind == 3 ? 4 : 1, kind != 0 && kind != 4);
    memset(buf + len, 0, PF__CSV_SLACK);
    pf__csv_dialect d = {.delim = ',', .quote = '"', .space = (uint8_t)(round % 4 == 3)};
    int lenient = round % 2;
    scan_out fast, slow;
    scan_all(&d, buf, len, 0, lenient, &fast);
    scan_all(&d, buf, len, 1 + (size_t)round % 13, lenient, &slow);
    ASSERT_EQ(fast.st, slow.st);
    ASSERT_EQ(fast.rows.n, slow.rows.n);
    ASSERT(fast.rows.n > 100 || fast.st != PF_OK);
    for (size_t i = 0; i < fast.rows.n; i++) {
      if (fast.rows.start[i] != slow.rows.start[i] || fast.rows.end[i] != slow.rows.end[i] ||
          fast.rows.line[i] != slow.rows.line[i])
        TEST_FAIL_("round %d row %zu: [%u, %u) line %lld vs [%u, %u) line %lld", round, i,
                   fast.rows.start[i], fast.rows.end[i], (long long)fast.rows.line[i],
                   slow.rows.start[i], slow.rows.end[i], (long long)slow.rows.line[i]);
      const uint8_t *rs = buf + fast.rows.start[i];
      const uint8_t *re = buf + fast.rows.end[i];
      /* a row never ends with (or, outside quotes, holds) a line end's byte */
      if (re > rs && (re[-1] == '\r' || (re[-1] == '\n' && !memchr(rs, '"', (size_t)(re - rs)))))
        TEST_FAIL_("round %d row %zu ends with a line end byte", round, i);
      if (i + 1 < fast.rows.n && fast.st == PF_OK && !fast.sc.bad_line &&
          fast.rows.line[i + 1] - fast.rows.line[i] != breaks_in(rs, buf + fast.rows.start[i + 1]))
        TEST_FAIL_("round %d row %zu: line %lld, next row's %lld", round, i,
                   (long long)fast.rows.line[i], (long long)fast.rows.line[i + 1]);
      if (!same_fields(&d, rs, re, s1, s2)) TEST_FAIL_("round %d row %zu splits differently", round, i);
    }
    ASSERT_EQ(fast.sc.quoted_breaks, slow.sc.quoted_breaks);
    ASSERT_EQ(fast.sc.bad_line, slow.sc.bad_line);
    ASSERT_EQ(fast.sc.line, slow.sc.line);
    pf__csv_rows_free(&fast.rows);
    pf__csv_rows_free(&slow.rows);
  }
  free(buf);
  free(s1);
  free(s2);
}

/* UTF-8 validity written out byte by byte (RFC 3629 table 3-7): 1, or 0
 * with the offset of the first bad sequence's first byte. */
static int ref_utf8(const uint8_t *p, size_t n, size_t *bad) {
  for (size_t i = 0; i < n;) {
    uint8_t c = p[i];
    size_t len = c < 0x80 ? 1 : c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3
                                : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
    int ok = len && i + len <= n;
    uint8_t lo = 0x80, hi = 0xBF; /* the second byte's range */
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
    for (size_t k = 1; ok && k < len; k++)
      ok = k == 1 ? p[i + 1] >= lo && p[i + 1] <= hi : (p[i + k] & 0xC0) == 0x80;
    if (!ok) {
      *bad = i;
      return 0;
    }
    i += len;
  }
  return 1;
}

TEST_IMPL(utf8_check_matches_reference) {
  static const char *const pieces[] = {
      "abcdefghij", "a", "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80", "\xC2\x80",
      "\xDF\xBF", "\xEF\xBF\xBF", "\xF4\x8F\xBF\xBF", "\xC0\xAF", "\xC1\xBF",
      "\xE0\x80\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xF5\x80\x80\x80", "\x80",
      "\xBF", "\xC3", "\xE2\x82", "\xF0\x9F\x98", "\xFF", "\xE0\xA0\x80",
      "0123456789012345678901234567890123456789012345678901234567890123"};
  enum { N = 4096 };
  uint8_t *buf = malloc(N);
  ASSERT(buf);
  for (int round = 0; round < 20000; round++) {
    rng_state = 0x07f80000u + (uint64_t)round;
    size_t len = 0, want = rnd(N - 64);
    int invalid = round % 4 == 0; /* most texts valid, so the whole text is checked */
    while (len < want) {
      size_t k = rnd(sizeof pieces / sizeof *pieces);
      if (!invalid && (k >= 9 && k <= 20)) k = 0;
      size_t pl = strlen(pieces[k]);
      memcpy(buf + len, pieces[k], pl);
      len += pl;
    }
    size_t cut = len ? rnd((uint32_t)len + 1) : 0; /* sometimes mid-character */
    size_t b1 = SIZE_MAX, b2 = SIZE_MAX;
    int r1 = ref_utf8(buf, cut, &b1), r2 = pf__csv_utf8_valid(buf, cut, &b2);
    if (r1 != r2 || (!r1 && b1 != b2))
      TEST_FAIL_("round %d (%zu bytes): reference %d at %zu, checker %d at %zu", round, cut, r1,
                 b1, r2, b2);
  }
  free(buf);
}

int main(void) {
  RUN_TEST(scan_fast_path_matches_general_loop);
  RUN_TEST(utf8_check_matches_reference);
  return TEST_SUMMARY();
}

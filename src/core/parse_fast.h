/* parse_fast.h - the common number and date forms parsed inline, eight
 * digits at a time (SWAR: one 64-bit word holds eight ASCII digits).
 *
 * These are the fast paths of infer.c's parsers, with the same rules and
 * results: pf__parse_int64 and pf__parse_date are these functions;
 * pf__parse_double tries pf__parse_double_plain first and
 * pf__parse_timestamp pf__parse_ts19_p. Readers that parse
 * a column's values in a tight loop call them directly, so no call is left
 * per value.
 *
 * `pad`: the caller promises that the 8 bytes after the text may be read
 * (a CSV block keeps slack after its text); they are read, never used.
 * Without pad, nothing past s[n - 1] is read.
 */
#ifndef PF_CORE_PARSE_FAST_H
#define PF_CORE_PARSE_FAST_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define PF__INLINE static inline __attribute__((always_inline))

/* 1 when all eight bytes of x are '0'..'9'. */
PF__INLINE int pf__swar_digits(uint64_t x) {
  return ((x & UINT64_C(0xF0F0F0F0F0F0F0F0)) |
          (((x + UINT64_C(0x0606060606060606)) & UINT64_C(0xF0F0F0F0F0F0F0F0)) >> 4)) ==
         UINT64_C(0x3333333333333333);
}

/* The number eight ASCII digits spell, the first (lowest address) most
 * significant. */
PF__INLINE uint32_t pf__swar_value(uint64_t x) {
  x -= UINT64_C(0x3030303030303030);
  x = x * 10 + (x >> 8);
  x = (((x & UINT64_C(0x000000FF000000FF)) * (100 + (UINT64_C(1000000) << 32))) +
       (((x >> 16) & UINT64_C(0x000000FF000000FF)) * (1 + (UINT64_C(10000) << 32)))) >>
      32;
  return (uint32_t)x;
}

/* nd digits (1..8) at p as eight digits with leading '0's; 8 bytes from p
 * must be readable. */
PF__INLINE uint64_t pf__swar_load(const char *p, size_t nd) {
  uint64_t x;
  memcpy(&x, p, 8); /* little-endian: p[0] is the low byte */
  unsigned sh = (unsigned)(8 - nd) * 8;
  return sh ? (x << sh) | (UINT64_C(0x3030303030303030) >> (64 - sh)) : x;
}

/* Digits p[0, nd) as a number (nd <= 19); 0 if one is not a digit. */
PF__INLINE int pf__digits(const char *p, size_t nd, int pad, uint64_t *out) {
  uint64_t v = 0;
  while (nd >= 8) {
    uint64_t x;
    memcpy(&x, p, 8);
    if (!pf__swar_digits(x)) return 0;
    v = v * 100000000u + pf__swar_value(x);
    p += 8;
    nd -= 8;
  }
  if (nd && pad) {
    uint64_t x = pf__swar_load(p, nd);
    if (!pf__swar_digits(x)) return 0;
    static const uint32_t pow10[8] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000};
    v = v * pow10[nd] + pf__swar_value(x);
  } else {
    for (; nd; nd--, p++) {
      unsigned d = (unsigned)(unsigned char)*p - '0';
      if (d > 9) return 0;
      v = v * 10 + d;
    }
  }
  *out = v;
  return 1;
}

/* [+-]digits, no leading zeros, within int64. */
PF__INLINE int pf__parse_int64_p(const char *s, size_t n, int64_t *out, int pad) {
  size_t i = 0;
  int neg = 0;
  if (n && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    i = 1;
  }
  size_t nd = n - i;
  if (nd == 0 || nd > 19) return 0;
  if (s[i] == '0' && nd > 1) return 0; /* leading zero */
  uint64_t v; /* 19 digits fit in uint64 */
  if (!pf__digits(s + i, nd, pad, &v)) return 0;
  if (neg) {
    if (v > (uint64_t)INT64_MAX + 1) return 0;
    *out = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
  } else {
    if (v > (uint64_t)INT64_MAX) return 0;
    *out = (int64_t)v;
  }
  return 1;
}

/* The plain decimal forms [-]digits[.digits] with at most 15 digits in all
 * (no leading zero): exact in a double, the power of ten exact, so one
 * correctly rounded division gives the correctly rounded value. 1: parsed;
 * -1: another form, for the full parser. */
PF__INLINE int pf__parse_double_plain(const char *s, size_t n, double *out, int pad) {
  static const double pow10[16] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                   1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
  const char *p = s, *end = s + n;
  int neg = 0;
  if (p < end && *p == '-') {
    neg = 1;
    p++;
  }
  const char *ds = p;
  while (p < end && (unsigned)(*p - '0') <= 9) p++;
  size_t ni = (size_t)(p - ds);
  if (ni < 1 || ni > 15 || (ni > 1 && *ds == '0')) return -1;
  uint64_t m = 0;
  pf__digits(ds, ni, pad, &m); /* digits checked above */
  if (p == end) {
    double v = (double)m;
    *out = neg ? -v : v;
    return 1;
  }
  if (*p != '.') return -1;
  const char *fs = ++p;
  while (p < end && (unsigned)(*p - '0') <= 9) p++;
  size_t nf = (size_t)(p - fs);
  if (p != end || ni + nf > 15) return -1;
  uint64_t f = 0;
  if (nf) pf__digits(fs, nf, pad, &f);
  static const uint64_t ipow10[16] = {1,          10,          100,          1000,
                                      10000,      100000,      1000000,      10000000,
                                      100000000,  1000000000,  10000000000,  100000000000,
                                      1000000000000, 10000000000000, 100000000000000,
                                      1000000000000000};
  double v = (double)(m * ipow10[nf] + f) / pow10[nf];
  *out = neg ? -v : v;
  return 1;
}

/* "YYYY-MM-DD" at s (10 bytes) as days since 1970-01-01; year >= 1. */
PF__INLINE int pf__parse_ymd(const char *s, int32_t *days) {
  uint64_t x;
  memcpy(&x, s, 8); /* "YYYY-MM-" */
  if (((x >> 32) & 0xFF) != '-' || (x >> 56) != '-') return 0;
  x = (x & UINT64_C(0x00FFFF00FFFFFFFF)) | UINT64_C(0x3000003000000000); /* '-' -> '0' */
  unsigned d1 = (unsigned)(unsigned char)s[8] - '0', d2 = (unsigned)(unsigned char)s[9] - '0';
  if (!pf__swar_digits(x) || d1 > 9 || d2 > 9) return 0;
  const uint32_t ym = pf__swar_value(x); /* YYYY0MM0 */
  const unsigned y = ym / 10000, mo = ym % 10000 / 10, d = d1 * 10 + d2;
  if (y < 1 || mo < 1 || mo > 12 || d < 1) return 0;
  static const uint8_t mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  static const uint16_t before[12] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
  const int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (d > mdays[mo - 1] + (unsigned)(mo == 2 && leap)) return 0;
  /* Days before Jan 1 of year y since 0001-01-01, minus the same for 1970
   * (719162); unsigned divisions by constants are multiplications. */
  const unsigned p = y - 1;
  const int32_t jan1 = (int32_t)(p * 365 + p / 4 - p / 100 + p / 400) - 719162;
  *days = jan1 + before[mo - 1] + (mo > 2 && leap) + (int32_t)d - 1;
  return 1;
}

PF__INLINE int pf__parse_date_p(const char *s, size_t n, int32_t *days) {
  return n == 10 && pf__parse_ymd(s, days);
}

/* "HH:MM:SS" at s (8 bytes) as seconds since midnight (00:00:00 to
 * 23:59:59). */
PF__INLINE int pf__parse_hms(const char *s, int32_t *secs) {
  uint64_t x;
  memcpy(&x, s, 8); /* "HH:MM:SS" */
  if (((x >> 16) & 0xFF) != ':' || ((x >> 40) & 0xFF) != ':') return 0;
  x = (x & UINT64_C(0xFFFF00FFFF00FFFF)) | UINT64_C(0x0000300000300000); /* ':' -> '0' */
  if (!pf__swar_digits(x)) return 0;
  const uint32_t v = pf__swar_value(x); /* HH0MM0SS */
  const uint32_t h = v / 1000000, m = v / 1000 % 100, sec = v % 100;
  if (h > 23 || m > 59 || sec > 59) return 0;
  *secs = (int32_t)(h * 3600 + m * 60 + sec);
  return 1;
}

/* The common timestamp form "YYYY-MM-DD HH:MM:SS" (or 'T' between), no
 * fraction, no zone: microseconds since the epoch, a naive timestamp.
 * 1: parsed; -1: another form (pf__parse_timestamp decides); 0: this
 * length and separator but not a valid timestamp. */
PF__INLINE int pf__parse_ts19_p(const char *s, size_t n, int64_t *micros) {
  if (n != 19 || (s[10] != ' ' && s[10] != 'T')) return -1;
  int32_t days, secs;
  if (!pf__parse_ymd(s, &days) || !pf__parse_hms(s + 11, &secs)) return 0;
  *micros = ((int64_t)days * 86400 + secs) * 1000000;
  return 1;
}

/* "true" or "false", any case. */
PF__INLINE int pf__parse_bool_p(const char *s, size_t n, int *out) {
  uint32_t x;
  if (n == 4) {
    memcpy(&x, s, 4);
    if ((x | 0x20202020u) != 0x65757274u) return 0; /* "true": OR 0x20 lowers only these letters */
    *out = 1;
    return 1;
  }
  if (n == 5) {
    memcpy(&x, s, 4);
    if ((x | 0x20202020u) != 0x736c6166u || (s[4] | 0x20) != 'e') return 0; /* "fals" "e" */
    *out = 0;
    return 1;
  }
  return 0;
}

#undef PF__INLINE

#endif

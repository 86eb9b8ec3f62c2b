/* infer.c - text to typed values and the type ladder (see infer.h). */
#define _GNU_SOURCE /* strtod_l, newlocale */
#include "core/infer.h"

#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/parse_fast.h"

pf_status pf__infer_ctx_init(pf__infer_ctx *ctx) {
  locale_t loc = newlocale(LC_ALL_MASK, "C", (locale_t)0);
  if (loc == (locale_t)0) return PF_ENOMEM;
  ctx->c_locale = (void *)loc;
  return PF_OK;
}

void pf__infer_ctx_free(pf__infer_ctx *ctx) {
  if (!ctx || !ctx->c_locale) return;
  freelocale((locale_t)ctx->c_locale);
  ctx->c_locale = NULL;
}

static inline int lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

/* Case-insensitive compare of s[0..n) with a lower-case literal. */
static int ieq(const char *s, size_t n, const char *lit) {
  size_t m = strlen(lit);
  if (n != m) return 0;
  for (size_t i = 0; i < n; i++)
    if (lower((unsigned char)s[i]) != lit[i]) return 0;
  return 1;
}

int pf__parse_bool(const char *s, size_t n, int *out) { return pf__parse_bool_p(s, n, out); }

int pf__parse_int64(const char *s, size_t n, int64_t *out) {
  return pf__parse_int64_p(s, n, out, 0);
}

static const double pow10_exact[23] = {
    1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* Digits and exponent of x printed with `digits` significant digits
 * ("%.*e"); the decimal point is skipped whatever the locale prints. */
static int print_digits(double x, int digits, char *dig, int *exp10) {
  char buf[64];
  int w = snprintf(buf, sizeof buf, "%.*e", digits - 1, x);
  if (w <= 0 || (size_t)w >= sizeof buf) return 0;
  int nd = 0;
  const char *p = buf;
  if (*p == '-') p++;
  for (; *p && *p != 'e' && *p != 'E'; p++)
    if (*p >= '0' && *p <= '9') dig[nd++] = *p;
  if (*p != 'e' && *p != 'E') return 0;
  *exp10 = atoi(p + 1);
  return nd;
}

/* Is M*10^E (n digits in dig, no leading or trailing zeros) the shortest
 * round-trip representation of x? */
static int is_shortest(const pf__infer_ctx *ctx, double x, const char *dig,
                       int n, int e10) {
  char pd[40];
  int pe = 0;
  if (n > 1) {
    /* The closest decimal with one digit fewer: if it reads back as x, a
     * shorter text exists (and every shorter one is one of these too). */
    char buf[64];
    int w = snprintf(buf, sizeof buf, "%.*e", n - 2, x);
    if (w <= 0 || (size_t)w >= sizeof buf) return 0;
    /* Replace a locale decimal comma for strtod_l's C locale. */
    for (char *q = buf; *q; q++)
      if (*q == ',') *q = '.';
    double y = strtod_l(buf, NULL, (locale_t)ctx->c_locale);
    if (y == x) return 0;
  }
  int got = print_digits(x, n, pd, &pe);
  if (got != n) return 0;
  /* Printed d.ddd e pe  ==  dig * 10^e10  <=>  digits equal and
   * pe == e10 + n - 1. */
  return memcmp(pd, dig, (size_t)n) == 0 && pe == e10 + n - 1;
}

int pf__parse_double(const pf__infer_ctx *ctx, const char *s, size_t n,
                     double *out) {
  if (pf__parse_double_plain(s, n, out, 0) == 1) return 1;
  size_t i = 0;
  int neg = 0;
  if (n && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    i = 1;
  }
  if (i >= n) return 0;
  unsigned char c0 = (unsigned char)s[i];
  if (c0 == 'i' || c0 == 'I') {
    if (ieq(s + i, n - i, "inf") || ieq(s + i, n - i, "infinity")) {
      *out = neg ? -INFINITY : INFINITY;
      return 1;
    }
    return 0;
  }
  if (c0 == 'n' || c0 == 'N') {
    if (i == 0 && ieq(s, n, "nan")) {
      *out = NAN;
      return 1;
    }
    return 0;
  }
  /* The digits of integer and fraction part, as one digit string D:
   * value = D * 10^(e - fraction digits). Keep D's significant digits (no
   * leading zeros); a trailing run of zeros only moves the exponent. */
  char dig[20];
  int nsig = 0;      /* significant digits so far (from the first non-zero) */
  int last_nz = 0;   /* nsig at the last non-zero digit                     */
  size_t int_start = i, int_digits = 0, frac_digits = 0;
  for (; i < n; i++) {
    unsigned d = (unsigned)(unsigned char)s[i] - '0';
    if (d > 9) break;
    int_digits++;
    if (nsig == 0 && d == 0) continue;
    if (nsig < 18) dig[nsig] = (char)('0' + d);
    nsig++;
    if (d) last_nz = nsig;
  }
  if (int_digits > 1 && s[int_start] == '0') return 0; /* leading zero */
  int has_point = 0, has_exp = 0;
  if (i < n && s[i] == '.') {
    has_point = 1;
    i++;
    for (; i < n; i++) {
      unsigned d = (unsigned)(unsigned char)s[i] - '0';
      if (d > 9) break;
      frac_digits++;
      if (nsig == 0 && d == 0) continue;
      if (nsig < 18) dig[nsig] = (char)('0' + d);
      nsig++;
      if (d) last_nz = nsig;
    }
  }
  if (int_digits + frac_digits == 0) return 0;
  int64_t e = 0;
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    has_exp = 1;
    i++;
    int eneg = 0;
    if (i < n && (s[i] == '-' || s[i] == '+')) {
      eneg = s[i] == '-';
      i++;
    }
    size_t es = i;
    for (; i < n; i++) {
      unsigned d = (unsigned)(unsigned char)s[i] - '0';
      if (d > 9) break;
      if (e < 100000) e = e * 10 + d;
    }
    if (i == es) return 0;
    if (eneg) e = -e;
  }
  if (i != n) return 0;
  if (nsig == 0) {
    *out = neg ? -0.0 : 0.0;
    return 1;
  }
  int nd = last_nz; /* significant digits without the trailing zeros */
  if (nd > 17) return 0;
  int64_t e10 = e - (int64_t)frac_digits + (nsig - nd);
  uint64_t m = 0;
  for (int k = 0; k < nd; k++) m = m * 10 + (uint64_t)(dig[k] - '0');
  if (!has_point && !has_exp) {
    /* Integer text: a double only while every integer up to it is exact
     * (int64 -> double widening rule). */
    if (e10 > 15 || (double)m * pow10_exact[e10] > (double)PF_INFER_EXACT_INT)
      return 0;
  }
  double v;
  if (nd <= 15 && e10 >= -22 && e10 <= 22 + (15 - nd)) {
    /* Clinger's fast path: m and the power of ten are exact doubles, so
     * one correctly rounded operation gives the correctly rounded value. */
    double dm = (double)m;
    if (e10 < 0) {
      v = dm / pow10_exact[-e10];
    } else if (e10 <= 22) {
      v = dm * pow10_exact[e10];
    } else {
      dm *= pow10_exact[e10 - 22]; /* still an exact integer below 10^15 */
      v = dm * pow10_exact[22];
    }
    *out = neg ? -v : v;
    return 1;
  }
  if (e10 > 400 || e10 < -400) return 0; /* overflow or underflow */
  char buf[48];
  memcpy(buf, dig, (size_t)nd);
  snprintf(buf + nd, sizeof buf - (size_t)nd, "e%d", (int)e10);
  v = strtod_l(buf, NULL, (locale_t)ctx->c_locale);
  if (isinf(v) || v == 0.0) return 0;
  /* <= 15 significant digits of a normal double always read back as
   * written; longer texts and subnormals must be the shortest form. */
  if (nd > 15 || v < 2.2250738585072014e-308) {
    if (!is_shortest(ctx, v, dig, nd, (int)e10)) return 0;
  }
  *out = neg ? -v : v;
  return 1;
}

int32_t pf__days_from_civil(int y, int m, int d) {
  /* Howard Hinnant's algorithm. */
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = (unsigned)(y - era * 400);
  const unsigned doy = (unsigned)((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return (int32_t)(era * 146097 + (int)doe - 719468);
}

static inline int dig2(const char *s, int *v) {
  unsigned a = (unsigned)(unsigned char)s[0] - '0';
  unsigned b = (unsigned)(unsigned char)s[1] - '0';
  if (a > 9 || b > 9) return 0;
  *v = (int)(a * 10 + b);
  return 1;
}

int pf__parse_date(const char *s, size_t n, int32_t *days) {
  return pf__parse_date_p(s, n, days);
}

int pf__parse_timestamp(const char *s, size_t n, int64_t *micros, int *utc) {
  int fast = pf__parse_ts19_p(s, n, micros);
  if (fast >= 0) {
    *utc = 0;
    return fast;
  }
  if (n < 16) return 0;
  int32_t days;
  if (!pf__parse_ymd(s, &days)) return 0;
  if (s[10] != 'T' && s[10] != ' ') return 0;
  int hh, mm, ss = 0;
  if (!dig2(s + 11, &hh) || s[13] != ':' || !dig2(s + 14, &mm)) return 0;
  if (hh > 23 || mm > 59) return 0;
  size_t i = 16;
  int64_t frac = 0;
  if (i < n && s[i] == ':') {
    if (i + 3 > n || !dig2(s + i + 1, &ss) || ss > 59) return 0;
    i += 3;
    if (i < n && s[i] == '.') {
      i++;
      size_t fs = i;
      int64_t scale = 100000;
      for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
        /* past microseconds only zeros are exact (SQL Server writes 7
         * digits: .1230000); any other digit there keeps the text */
        if (i - fs >= 6) {
          if (s[i] != '0') return 0;
          continue;
        }
        frac += (s[i] - '0') * scale;
        scale /= 10;
      }
      if (i == fs) return 0;
    }
  }
  int64_t off_min = 0;
  int z = 0;
  if (i < n) {
    if ((s[i] == 'Z' || s[i] == 'z') && i + 1 == n) {
      z = 1;
      i++;
    } else if ((s[i] == '+' || s[i] == '-') && i + 6 == n) {
      int oh, om;
      if (!dig2(s + i + 1, &oh) || s[i + 3] != ':' || !dig2(s + i + 4, &om) ||
          oh > 23 || om > 59)
        return 0;
      off_min = oh * 60 + om;
      if (s[i] == '-') off_min = -off_min;
      z = 1;
      i += 6;
    } else {
      return 0;
    }
  }
  if (i != n) return 0;
  int64_t secs = (int64_t)days * 86400 + hh * 3600 + mm * 60 + ss - off_min * 60;
  *micros = secs * 1000000 + frac;
  *utc = z;
  return 1;
}

int pf__infer_default_null(const char *s, size_t n) {
  switch (n) {
    case 2: return s[0] == 'N' && s[1] == 'A';
    case 3:
      return (s[0] == 'N' && s[1] == '/' && s[2] == 'A') ||
             (s[0] == 'N' && s[1] == 'a' && s[2] == 'N');
    case 4:
      return memcmp(s, "NULL", 4) == 0 || memcmp(s, "null", 4) == 0;
    default: return 0;
  }
}

pf_type pf__infer_value(const pf__infer_ctx *ctx, const char *s, size_t n,
                        int *big) {
  if (big) *big = 0;
  if (n == 0) return PF_TYPE_NULL;
  unsigned char c = (unsigned char)s[0];
  if (c == 't' || c == 'T' || c == 'f' || c == 'F') {
    int b;
    return pf__parse_bool(s, n, &b) ? PF_TYPE_BOOL : PF_TYPE_STRING;
  }
  int64_t iv;
  if (pf__parse_int64(s, n, &iv)) {
    if (big && (iv > PF_INFER_EXACT_INT || iv < -PF_INFER_EXACT_INT)) *big = 1;
    return PF_TYPE_INT64;
  }
  double dv;
  if (pf__parse_double(ctx, s, n, &dv)) return PF_TYPE_DOUBLE;
  int32_t days;
  if (pf__parse_date(s, n, &days)) return PF_TYPE_DATE;
  int64_t us;
  int utc;
  if (pf__parse_timestamp(s, n, &us, &utc))
    return utc ? PF_TYPE_TIMESTAMP_UTC : PF_TYPE_TIMESTAMP;
  return PF_TYPE_STRING;
}

pf_type pf__infer_widen(pf_type a, int a_big, pf_type b, int b_big) {
  if (a == PF_TYPE_NULL) return b;
  if (b == PF_TYPE_NULL) return a;
  if (a == b) return a;
  if ((a == PF_TYPE_INT64 && b == PF_TYPE_DOUBLE) ||
      (a == PF_TYPE_DOUBLE && b == PF_TYPE_INT64)) {
    int big = a == PF_TYPE_INT64 ? a_big : b_big;
    return big ? PF_TYPE_STRING : PF_TYPE_DOUBLE;
  }
  if ((a == PF_TYPE_DATE && b == PF_TYPE_TIMESTAMP) ||
      (a == PF_TYPE_TIMESTAMP && b == PF_TYPE_DATE))
    return PF_TYPE_TIMESTAMP;
  return PF_TYPE_STRING;
}

int pf__infer_parse(const pf__infer_ctx *ctx, pf_type t, const char *s,
                    size_t n, pf__value *out) {
  int utc;
  switch (t) {
    case PF_TYPE_BOOL: return pf__parse_bool(s, n, &out->b);
    case PF_TYPE_INT64: return pf__parse_int64(s, n, &out->i64);
    case PF_TYPE_DOUBLE: return pf__parse_double(ctx, s, n, &out->f64);
    case PF_TYPE_DATE: return pf__parse_date(s, n, &out->i32);
    case PF_TYPE_TIMESTAMP:
      if (n == 10) {
        int32_t d;
        if (!pf__parse_date(s, n, &d)) return 0;
        out->i64 = (int64_t)d * 86400 * 1000000;
        return 1;
      }
      return pf__parse_timestamp(s, n, &out->i64, &utc) && !utc;
    case PF_TYPE_TIMESTAMP_UTC:
      return pf__parse_timestamp(s, n, &out->i64, &utc) && utc;
    default: return 0;
  }
}

void pf__infer_col_init(pf__infer_col *c) {
  c->type = PF_TYPE_NULL;
  c->big = 0;
  c->values = 0;
}

void pf__infer_col_add(pf__infer_col *c, const pf__infer_ctx *ctx,
                       const char *s, size_t n) {
  if (c->type == PF_TYPE_STRING) {
    c->values++;
    return;
  }
  int big;
  pf_type t = pf__infer_value(ctx, s, n, &big);
  if (t == PF_TYPE_NULL) return;
  c->values++;
  c->type = pf__infer_widen(c->type, c->big, t, big);
  if (t == PF_TYPE_INT64) c->big |= big;
}

char *pf__widen_note(pf_type from, pf_type to, const char *where, const char *value, size_t n,
                     const char *why) {
  size_t cut = n;
  if (cut > 64) {
    cut = 64;
    while (cut > 0 && ((unsigned char)value[cut] & 0xC0) == 0x80) cut--; /* a whole character */
  }
  return pf__aprintf("widened from %s to %s at %s: value '%.*s%s'%s%s", pf_type_name(from),
                     pf_type_name(to), where, (int)cut, value ? value : "", cut < n ? "..." : "",
                     why ? " " : "", why ? why : "");
}

pf_status pf__widen_restart(pf_error *err, size_t col, const char *name, const char *note) {
  pf_error_init(err);
  pf__error_set(err, PF_ERESTART, "column %zu (%s) %s; the conversion restarts with the wider type",
                col + 1, name, note);
  pf__error_column_name(err, name);
  return PF_ERESTART;
}

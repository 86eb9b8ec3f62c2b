/* dbf_decode.c - one slice of records into one batch. Runs on the thread
 * pool: a task reads only the reader (fields, code page, memo file, all
 * read-only while tasks run) and writes only its own task struct.
 *
 * Values (docs/dbase.md has the table users see):
 *   C            code page text, trailing spaces and NULs removed
 *   V / Q        VFP varchar/varbinary: full width, or the length in the
 *                last byte when its _NullFlags bit says it is shorter
 *   N / F        blank (or '*' overflow markers) null; "1,5" reads as 1.5
 *   L            T t Y y true, F f N n false, ? blank NUL null
 *   D            YYYYMMDD; blank or zeros null
 *   T, @         julian day + milliseconds (dBase 7 @: a sign-flipped
 *                big-endian double of milliseconds since julian day 0)
 *   I, +, Y, B, O  binary integers and doubles; Y is 1/10000 units
 *   M G P B W    memo block numbers: 0 or blank is null
 * A value its declared type cannot hold (text in a numeric field, 20240231
 * in a date field) is a misfit: the task records it and the reader widens
 * that column to string and starts again. A record whose memo cannot be
 * read, whose text is not valid in the code page, or whose deletion flag
 * is neither ' ' nor '*', is a bad record: an error naming it, or (skip
 * mode) left out and reported through env->reject.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/infer.h"
#include "readers/dbf/dbf_internal.h"

typedef __int128 i128;

static uint32_t le32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static uint64_t le64(const uint8_t *p) { return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32; }
static uint64_t be64(const uint8_t *p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; i++) v = v << 8 | p[i];
  return v;
}

void pf__dbf_error_at(pf_error *err, const pf__dbf_reader *r, uint64_t record,
                      const pf__dbf_field *f) {
  if (!err) return;
  pf__error_place(err, (int64_t)record + 1, -1, f && f->out >= 0 ? f->out + 1 : -1,
                  (int64_t)(r->header_len + record * r->rec_len + (f ? f->offset : 0)));
  if (f) pf__error_column_name(err, f->name ? f->name : f->raw_name);
}

/* ---- small parsers ---- */

static void trim(const uint8_t **p, size_t *n) {
  while (*n && ((*p)[0] == ' ' || (*p)[0] == 0)) (*p)++, (*n)--;
  while (*n && ((*p)[*n - 1] == ' ' || (*p)[*n - 1] == 0)) (*n)--;
}

/* A decimal text: sign, integer digits (leading zeros dropped), an
 * optional '.' or ',' and fraction digits (as written), an optional
 * exponent. 0 when the text is not such a number. */
typedef struct num {
  char digits[80]; /* integer digits, then fraction digits          */
  int nd;          /* digits kept                                    */
  int frac;        /* of them, after the point                       */
  int neg;
  int exp;         /* exponent part, when there is one               */
  int has_exp;
} num;

static int parse_num(const uint8_t *p, size_t n, num *v) {
  memset(v, 0, sizeof *v);
  size_t i = 0;
  if (i < n && (p[i] == '-' || p[i] == '+')) v->neg = p[i++] == '-';
  int seen = 0, point = 0;
  for (; i < n; i++) {
    uint8_t c = p[i];
    if (c >= '0' && c <= '9') {
      seen = 1;
      if (v->nd == 0 && c == '0' && !point) continue;
      if (v->nd >= 76) return 0;
      v->digits[v->nd++] = (char)c;
      v->frac += point;
    } else if ((c == '.' || c == ',') && !point) {
      point = 1;
    } else if ((c == 'e' || c == 'E') && seen) {
      i++;
      int eneg = 0, ed = 0;
      long e = 0;
      if (i < n && (p[i] == '-' || p[i] == '+')) eneg = p[i++] == '-';
      for (; i < n && p[i] >= '0' && p[i] <= '9'; i++, ed++)
        if (e < 100000) e = e * 10 + (p[i] - '0');
      if (!ed || i != n) return 0;
      v->exp = (int)(eneg ? -e : e);
      v->has_exp = 1;
      break;
    } else {
      return 0;
    }
  }
  return seen;
}

/* Folds the exponent into the digits: 1.5e3 -> "1500", 1.5e-3 -> "0015"
 * with 4 fraction digits. 0 when that needs more than 76 digits. */
static int apply_exp(num *v) {
  if (!v->has_exp) return 1;
  long f = (long)v->frac - v->exp;
  if (v->nd == 0) f = 0; /* zero with any exponent */
  if (f < 0) {
    if (v->nd - f > 76) return 0;
    memset(v->digits + v->nd, '0', (size_t)-f);
    v->nd += (int)-f;
    f = 0;
  } else if (f > v->nd) {
    if (f > 76) return 0;
    int pad = (int)f - v->nd;
    memmove(v->digits + pad, v->digits, (size_t)v->nd);
    memset(v->digits, '0', (size_t)pad);
    v->nd += pad;
  }
  v->frac = (int)f;
  v->has_exp = 0;
  return 1;
}

static int frac_zero_from(const num *v, int from) {
  for (int i = from; i < v->nd; i++)
    if (v->digits[i] != '0') return 0;
  return 1;
}

static int num_to_i64(const num *v, int64_t *out) {
  int ints = v->nd - v->frac;
  if (v->has_exp || ints > 19 || !frac_zero_from(v, ints)) return 0; /* "5.00" is 5 */
  uint64_t m = 0;
  for (int i = 0; i < ints; i++) m = m * 10 + (uint64_t)(v->digits[i] - '0');
  if (m > (uint64_t)INT64_MAX + (uint64_t)v->neg) return 0;
  *out = v->neg ? (int64_t)(0 - m) : (int64_t)m;
  return 1;
}

static int num_to_dec(const num *v, int precision, int scale, i128 *out) {
  int ints = v->nd - v->frac;
  if (v->has_exp || ints + scale > precision || !frac_zero_from(v, ints + scale)) return 0;
  i128 m = 0;
  for (int i = 0; i < ints + scale; i++) m = m * 10 + (i < v->nd ? v->digits[i] - '0' : 0);
  *out = v->neg ? -m : m;
  return 1;
}

static int num_to_double(const pf__infer_ctx *ctx, const num *v, double *out) {
  char buf[128];
  int k = 0, ints = v->nd - v->frac;
  if (v->neg) buf[k++] = '-';
  if (ints == 0) buf[k++] = '0';
  memcpy(buf + k, v->digits, (size_t)ints);
  k += ints;
  if (v->frac) {
    buf[k++] = '.';
    memcpy(buf + k, v->digits + ints, (size_t)v->frac);
    k += v->frac;
  }
  if (v->has_exp) k += snprintf(buf + k, sizeof buf - (size_t)k, "e%d", v->exp);
  return pf__parse_double(ctx, buf, (size_t)k, out);
}

/* ---- output helpers ---- */

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static pf_status push_base64(pf_column *c, size_t row, const uint8_t *p, size_t n, pf__buf *tmp) {
  tmp->len = 0;
  PF_TRY(pf__buf_reserve(tmp, (n + 2) / 3 * 4 + 1));
  uint8_t *o = tmp->data;
  size_t i = 0;
  for (; i + 3 <= n; i += 3) {
    uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
    *o++ = (uint8_t)b64[v >> 18];
    *o++ = (uint8_t)b64[(v >> 12) & 63];
    *o++ = (uint8_t)b64[(v >> 6) & 63];
    *o++ = (uint8_t)b64[v & 63];
  }
  if (i < n) {
    uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0);
    *o++ = (uint8_t)b64[v >> 18];
    *o++ = (uint8_t)b64[(v >> 12) & 63];
    *o++ = i + 1 < n ? (uint8_t)b64[(v >> 6) & 63] : '=';
    *o++ = '=';
  }
  return pf__col_push_str(c, row, tmp->data, (size_t)(o - tmp->data));
}

static int has_high(const uint8_t *p, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (p[i] >= 0x80) return 1;
  return 0;
}

/* Text in the table's code page -> a string value. */
static pf_status push_text(const pf__dbf_reader *r, pf__dbf_task *t, pf_column *c, size_t row,
                           const uint8_t *p, size_t n) {
  if (!r->cp.multibyte && !has_high(p, n)) return pf__col_push_str(c, row, p, n);
  t->text.len = 0;
  PF_TRY(pf__dbf_cp_decode(&r->cp, &t->cd, p, n, &t->text));
  return pf__col_push_str(c, row, t->text.data, t->text.len);
}

static pf_status push_fmt(pf_column *c, size_t row, const char *s) {
  return pf__col_push_str(c, row, s, strlen(s));
}

static void fmt_timestamp(int64_t us, char *buf, size_t n) {
  int64_t days = us >= 0 ? us / 86400000000LL : -((-us + 86400000000LL - 1) / 86400000000LL);
  int64_t rem = us - days * 86400000000LL;
  /* civil from days (Howard Hinnant's algorithm) */
  int64_t z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097, yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = yoe + era * 400, doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153, d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
  int64_t s = rem / 1000000, frac = rem % 1000000;
  int k = snprintf(buf, n, "%04lld-%02lld-%02lld", (long long)y, (long long)m, (long long)d);
  if (k > 0 && (size_t)k < n && (rem || n > 40)) {
    if (rem || n == 64)
      k += snprintf(buf + k, n - (size_t)k, " %02lld:%02lld:%02lld", (long long)(s / 3600),
                    (long long)(s / 60 % 60), (long long)(s % 60));
    if (frac && k > 0 && (size_t)k < n) snprintf(buf + k, n - (size_t)k, ".%06lld", (long long)frac);
  }
}

static void fmt_decimal(i128 v, int scale, char *buf, size_t n) {
  char tmp[64];
  int k = 0, neg = v < 0;
  unsigned __int128 u = neg ? (unsigned __int128)(-(v + 1)) + 1 : (unsigned __int128)v;
  do {
    tmp[k++] = (char)('0' + (int)(u % 10));
    u /= 10;
  } while (u || k <= scale);
  size_t o = 0;
  if (neg && o + 1 < n) buf[o++] = '-';
  for (int i = k - 1; i >= 0 && o + 2 < n; i--) {
    buf[o++] = tmp[i];
    if (i == scale && scale > 0) buf[o++] = '.';
  }
  buf[o] = 0;
  if (scale > 0) { /* 123.4500 -> 123.45; 5.0000 -> 5 */
    while (o > 0 && buf[o - 1] == '0') buf[--o] = 0;
    if (o > 0 && buf[o - 1] == '.') buf[--o] = 0;
  }
}

static void fmt_double(double d, char *buf, size_t n) {
  for (int prec = 15; prec <= 17; prec++) {
    snprintf(buf, n, "%.*g", prec, d);
    if (strtod(buf, NULL) == d) return;
  }
}

static void store_dec(pf_column *c, size_t row, i128 v) {
  pf__bit_set(c->validity, row);
  memcpy(c->values + row * 16, &v, 16); /* little-endian two's complement */
}

static void misfit(const pf__dbf_reader *r, pf__dbf_task *t, size_t fi, uint64_t rec,
                   const uint8_t *p, size_t n) {
  t->misfit = 1;
  if (t->misfit_rec[fi] != UINT64_MAX) return;
  t->misfit_rec[fi] = rec;
  size_t k = n < sizeof t->misfit_val[fi] - 1 ? n : sizeof t->misfit_val[fi] - 1;
  for (size_t i = 0; i < k; i++) t->misfit_val[fi][i] = p[i] >= 0x20 && p[i] < 0x7f ? (char)p[i] : '?';
  t->misfit_val[fi][k] = 0;
  (void)r;
}

/* Days since 1970 of a julian day number; timestamps from day + ms. */
static int64_t julian_us(int64_t jdn, int64_t ms) {
  return (jdn - 2440588) * 86400000000LL + ms * 1000;
}

static double db7_double(const uint8_t *p) {
  uint64_t v = be64(p);
  v = (v & 0x8000000000000000ULL) ? v & 0x7FFFFFFFFFFFFFFFULL : ~v;
  double d;
  memcpy(&d, &v, 8);
  return d;
}

static int all_zero(const uint8_t *p, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (p[i]) return 0;
  return 1;
}

/* A field that is null by _NullFlags. */
static int flag_bit(const uint8_t *rec, const pf__dbf_reader *r, int bit) {
  const uint8_t *nf = rec + r->fields[r->nullflags].offset;
  return (nf[bit >> 3] >> (bit & 7)) & 1;
}

typedef struct bad_ctx {
  char reason[384];
} bad_ctx;

/* The common shapes without the general parser: [-]digits into an int64
 * column (at most 18 digits), [-]digits[.digits] of at most 15 digits into
 * a double column (exact: m / 10^k with m < 2^53 and k <= 22 is correctly
 * rounded). 0: not such a shape, use the general path. */
static int fast_number(pf_type t, const uint8_t *p, size_t n, pf_column *c, size_t row) {
  static const double pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                 1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
  size_t i = 0;
  int neg = 0;
  if (i < n && p[i] == '-') neg = 1, i++;
  uint64_t m = 0;
  int digits = 0, frac = -1;
  for (; i < n; i++) {
    if (p[i] >= '0' && p[i] <= '9') {
      m = m * 10 + (uint64_t)(p[i] - '0');
      if (++digits > 15 + (t == PF_TYPE_INT64) * 3) return 0;
      if (frac >= 0) frac++;
    } else if (p[i] == '.' && frac < 0 && t == PF_TYPE_DOUBLE) {
      frac = 0;
    } else {
      return 0;
    }
  }
  if (digits == 0) return 0;
  if (t == PF_TYPE_INT64) {
    pf__col_set_i64(c, row, neg ? -(int64_t)m : (int64_t)m);
    return 1;
  }
  if (t != PF_TYPE_DOUBLE) return 0;
  double d = (double)m;
  if (frac > 0) d /= pow10[frac];
  pf__col_set_f64(c, row, neg ? -d : d);
  return 1;
}

/* Numbers, logicals and dates: the typed value, the raw text when the
 * column is a string (all_strings or widened), or a misfit. */
static pf_status put_texty(const pf__dbf_reader *r, pf__dbf_task *t, size_t fi, pf_column *c,
                           size_t row, uint64_t rec, const uint8_t *p, size_t n) {
  const pf__dbf_field *f = &r->fields[fi];
  const int as_text = f->type == PF_TYPE_STRING;
  char buf[64];
  trim(&p, &n);
  if (f->kind == PF__DBF_NUMBER) {
    size_t stars = 0;
    while (stars < n && p[stars] == '*') stars++;
    if (n == 0 || stars == n) {
      if (stars) t->overflow++;
      if (as_text && r->o.all_strings) return pf__col_push_str(c, row, "", 0);
      pf__col_set_null(c, row);
      return PF_OK;
    }
    if (as_text) return pf__col_push_str(c, row, p, n);
    if (fast_number(f->type, p, n, c, row)) return PF_OK;
    num v;
    int ok = parse_num(p, n, &v) && apply_exp(&v);
    if (ok && f->type == PF_TYPE_INT64) {
      int64_t x;
      if ((ok = num_to_i64(&v, &x))) pf__col_set_i64(c, row, x);
    } else if (ok && f->type == PF_TYPE_DOUBLE) {
      double d;
      if ((ok = num_to_double(&r->ictx, &v, &d))) pf__col_set_f64(c, row, d);
    } else if (ok) {
      i128 d;
      if ((ok = num_to_dec(&v, f->precision, f->scale, &d))) store_dec(c, row, d);
    }
    if (!ok) {
      misfit(r, t, fi, rec, p, n);
      pf__col_set_null(c, row);
    }
    return PF_OK;
  }
  if (f->kind == PF__DBF_LOGICAL) {
    uint8_t b = n ? p[0] : ' ';
    int v = -1;
    if (n <= 1) {
      if (b == 'T' || b == 't' || b == 'Y' || b == 'y') v = 1;
      else if (b == 'F' || b == 'f' || b == 'N' || b == 'n') v = 0;
      else if (b == '?' || b == ' ') v = 2;
    }
    if (as_text) {
      if (v == 0 || v == 1) return push_fmt(c, row, r->o.all_strings ? (v ? "true" : "false") : (v ? "T" : "F"));
      if (v == 2 && r->o.all_strings) return pf__col_push_str(c, row, "", 0);
      if (v == 2) {
        pf__col_set_null(c, row);
        return PF_OK;
      }
      return pf__col_push_str(c, row, p, n);
    }
    if (v == 0 || v == 1) {
      pf__col_set_bool(c, row, v);
    } else {
      if (v < 0) misfit(r, t, fi, rec, p, n);
      pf__col_set_null(c, row);
    }
    return PF_OK;
  }
  /* date */
  int zeros = 1;
  for (size_t i = 0; i < n; i++) zeros &= p[i] == '0';
  if (n == 0 || zeros) {
    if (as_text && r->o.all_strings) return pf__col_push_str(c, row, "", 0);
    pf__col_set_null(c, row);
    return PF_OK;
  }
  int ok = n == 8;
  for (size_t i = 0; ok && i < 8; i++) ok = p[i] >= '0' && p[i] <= '9';
  int y = 0, m = 0, d = 0;
  if (ok) {
    y = (p[0] - '0') * 1000 + (p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0');
    m = (p[4] - '0') * 10 + (p[5] - '0');
    d = (p[6] - '0') * 10 + (p[7] - '0');
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    ok = y >= 1 && m >= 1 && m <= 12 && d >= 1 && d <= mdays[m - 1] && (m != 2 || d <= 28 + leap);
  }
  if (as_text) {
    if (ok && r->o.all_strings) {
      snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
      return push_fmt(c, row, buf);
    }
    return pf__col_push_str(c, row, p, n);
  }
  if (ok) {
    pf__col_set_i32(c, row, pf__days_from_civil(y, m, d));
  } else {
    misfit(r, t, fi, rec, p, n);
    pf__col_set_null(c, row);
  }
  return PF_OK;
}

/* A memo field: block number -> memo bytes -> value. */
static pf_status put_memo(const pf__dbf_reader *r, pf__dbf_task *t, const pf__dbf_field *f,
                          pf_column *c, size_t row, const uint8_t *p, bad_ctx *bad) {
  uint64_t block = 0;
  size_t n = f->length;
  if (n == 4) {
    block = le32(p);
  } else {
    trim(&p, &n);
    for (size_t i = 0; i < n; i++) {
      if (p[i] < '0' || p[i] > '9' || block > UINT64_MAX / 20) {
        snprintf(bad->reason, sizeof bad->reason,
                 "memo field '%s' holds '%.*s', not a memo block number", f->name,
                 (int)(n < 32 ? n : 32), (const char *)p);
        return PF_EPARSE;
      }
      block = block * 10 + (uint64_t)(p[i] - '0');
    }
  }
  if (block == 0) {
    if (r->o.all_strings) return pf__col_push_str(c, row, "", 0);
    pf__col_set_null(c, row);
    return PF_OK;
  }
  int binary;
  char why[256];
  pf_status st = pf__dbf_memo_read(&r->memo, block, r->o.max_field, &t->memo, &binary, why, sizeof why);
  if (st == PF_EPARSE || st == PF_ELIMIT) {
    snprintf(bad->reason, sizeof bad->reason, "memo field '%s': %s", f->name, why);
    return st;
  }
  if (st != PF_OK) {
    snprintf(bad->reason, sizeof bad->reason, "memo field '%s': cannot read memo block %llu of %s",
             f->name, (unsigned long long)block, r->memo.path);
    return st;
  }
  const uint8_t *d = t->memo.data ? t->memo.data : (const uint8_t *)"";
  size_t dn = t->memo.len;
  if (f->dtype == 'M' && f->type == PF_TYPE_STRING) {
    st = push_text(r, t, c, row, d, dn);
    if (st == PF_EENCODING)
      snprintf(bad->reason, sizeof bad->reason, "memo field '%s': the text is not valid %s",
               f->name, r->cp.name);
    return st;
  }
  if (f->type == PF_TYPE_STRING) return push_base64(c, row, d, dn, &t->text);
  return pf__col_push_str(c, row, d, dn);
}

/* Fixed-width binary kinds (I + Y B O T @). */
static pf_status put_binary_num(const pf__dbf_reader *r, pf__dbf_task *t, const pf__dbf_field *f,
                                pf_column *c, size_t row, const uint8_t *p) {
  const int as_text = f->type == PF_TYPE_STRING;
  char buf[64];
  switch (f->kind) {
    case PF__DBF_INT_LE:
    case PF__DBF_INT_DB7: {
      int64_t v;
      if (f->kind == PF__DBF_INT_LE) {
        v = (int32_t)le32(p);
      } else {
        if (all_zero(p, 4)) goto null;
        uint32_t u = ((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]) ^ 0x80000000u;
        v = (int32_t)u;
      }
      if (!as_text) {
        pf__col_set_i64(c, row, v);
        return PF_OK;
      }
      snprintf(buf, sizeof buf, "%lld", (long long)v);
      return push_fmt(c, row, buf);
    }
    case PF__DBF_CURRENCY: {
      i128 v = (int64_t)le64(p);
      if (!as_text) {
        store_dec(c, row, v);
        return PF_OK;
      }
      fmt_decimal(v, 4, buf, sizeof buf);
      return push_fmt(c, row, buf);
    }
    case PF__DBF_DOUBLE_LE:
    case PF__DBF_DOUBLE_DB7: {
      double d;
      if (f->kind == PF__DBF_DOUBLE_LE) {
        uint64_t u = le64(p);
        memcpy(&d, &u, 8);
      } else {
        if (all_zero(p, 8)) goto null;
        d = db7_double(p);
      }
      if (!as_text) {
        pf__col_set_f64(c, row, d);
        return PF_OK;
      }
      fmt_double(d, buf, sizeof buf);
      return push_fmt(c, row, buf);
    }
    case PF__DBF_TS_JULIAN:
    case PF__DBF_TS_DB7: {
      int64_t us;
      if (f->kind == PF__DBF_TS_JULIAN) {
        uint32_t day = le32(p), ms = le32(p + 4);
        int blank = 1;
        for (int i = 0; i < 8; i++) blank &= p[i] == ' ';
        if (blank || day == 0) goto null;
        us = julian_us(day, ms);
      } else {
        if (all_zero(p, 8)) goto null;
        double ms = db7_double(p);
        if (!(ms >= 0 && ms < 1e17)) goto null; /* no day that a calendar holds */
        double days = floor(ms / 86400000.0);
        us = julian_us((int64_t)days, (int64_t)llround(ms - days * 86400000.0));
      }
      if (!as_text) {
        pf__col_set_i64(c, row, us);
        return PF_OK;
      }
      fmt_timestamp(us, buf, 64);
      return push_fmt(c, row, buf);
    }
    default:
      break;
  }
null:
  if (as_text && r->o.all_strings) return pf__col_push_str(c, row, "", 0);
  pf__col_set_null(c, row);
  (void)t;
  return PF_OK;
}

/* One field of one record. Returns PF_EPARSE/PF_EENCODING/PF_ELIMIT with
 * bad->reason for a bad record. */
static pf_status put_field(const pf__dbf_reader *r, pf__dbf_task *t, size_t fi, const uint8_t *rec,
                           size_t row, uint64_t recno, bad_ctx *bad) {
  const pf__dbf_field *f = &r->fields[fi];
  pf_column *c = &t->batch->cols[f->out];
  const uint8_t *p = rec + f->offset;
  size_t n = f->length;
  if (f->null_bit >= 0 && flag_bit(rec, r, f->null_bit)) {
    if (f->type == PF_TYPE_STRING && r->o.all_strings) return pf__col_push_str(c, row, "", 0);
    pf__col_set_null(c, row);
    return PF_OK;
  }
  pf_status st = PF_OK;
  switch (f->kind) {
    case PF__DBF_TEXT:
      while (n && (p[n - 1] == ' ' || p[n - 1] == 0)) n--;
      goto text;
    case PF__DBF_VARCHAR:
    case PF__DBF_VARBINARY:
      if (f->var_bit >= 0 && flag_bit(rec, r, f->var_bit)) {
        size_t len = p[n - 1];
        if (len > n - 1) {
          snprintf(bad->reason, sizeof bad->reason,
                   "field '%s' says it holds %zu bytes, more than its width %zu", f->name, len, n - 1);
          return PF_EPARSE;
        }
        n = len;
      }
      if (f->kind == PF__DBF_VARBINARY) goto binary;
      goto text;
    case PF__DBF_NUMBER:
    case PF__DBF_LOGICAL:
    case PF__DBF_DATE:
      return put_texty(r, t, fi, c, row, recno, p, n);
    case PF__DBF_MEMO:
      return put_memo(r, t, f, c, row, p, bad);
    case PF__DBF_RAW:
      goto binary;
    default:
      return put_binary_num(r, t, f, c, row, p);
  }
text:
  st = push_text(r, t, c, row, p, n);
  if (st == PF_EENCODING)
    snprintf(bad->reason, sizeof bad->reason, "field '%s': the text is not valid %s%s", f->name,
             r->cp.name, r->o.encoding ? "" : " (choose the code page with input.encoding)");
  return st;
binary:
  if (f->type == PF_TYPE_STRING) return push_base64(c, row, p, n, &t->text);
  return pf__col_push_str(c, row, p, n);
}

static pf_status add_bad(pf__dbf_task *t, uint64_t rec, const char *reason) {
  if (t->n_bad == t->cap_bad) {
    size_t cap = t->cap_bad ? t->cap_bad * 2 : 16;
    pf__dbf_bad *nb = realloc(t->bad, cap * sizeof *nb);
    if (!nb) return PF_ENOMEM;
    t->bad = nb;
    t->cap_bad = cap;
  }
  t->bad[t->n_bad].record = rec;
  snprintf(t->bad[t->n_bad].reason, sizeof t->bad[t->n_bad].reason, "%s", reason);
  t->n_bad++;
  return PF_OK;
}

/* Undo a partly written row: string columns drop the bytes pushed. */
static void rollback_row(pf_batch *b, size_t row) {
  for (size_t i = 0; i < b->n_cols; i++) {
    pf_column *c = &b->cols[i];
    if (c->offsets) c->data_len = (size_t)c->offsets[row];
  }
}

static void recount_nulls(pf_batch *b) {
  for (size_t i = 0; i < b->n_cols; i++) {
    pf_column *c = &b->cols[i];
    int64_t nulls = 0;
    for (size_t r = 0; r < b->n_rows; r++) nulls += !pf__bit_get(c->validity, r);
    c->null_count = nulls;
  }
}

void pf__dbf_decode_task(const pf__dbf_reader *r, pf__dbf_task *t) {
  pf_batch *b = t->batch;
  size_t row = 0;
  t->st = PF_OK;
  for (size_t k = 0; k < t->n_recs; k++) {
    const uint8_t *rec = t->recs + k * r->rec_len;
    uint64_t recno = t->first_rec + k;
    uint8_t flag = rec[0];
    if (flag == 0x1A) {
      t->eof_at = recno;
      break;
    }
    int deleted = flag == '*'; /* ' ' active; some writers use NUL for it */
    if (deleted && !r->o.keep_deleted) {
      t->deleted++;
      continue;
    }
    t->deleted += deleted;
    bad_ctx bad;
    bad.reason[0] = 0;
    pf_status st = PF_OK;
    const pf__dbf_field *badf = NULL;
    if (flag != ' ' && flag != '*' && flag != 0) {
      snprintf(bad.reason, sizeof bad.reason,
               "the record's deletion flag is 0x%02X, not ' ' (kept) or '*' (deleted); the "
               "record is damaged", flag);
      st = PF_EPARSE;
    }
    for (size_t fi = 0; st == PF_OK && fi < r->n_fields; fi++) {
      if (r->fields[fi].out < 0) continue;
      st = put_field(r, t, fi, rec, row, recno, &bad);
      if (st != PF_OK) badf = &r->fields[fi];
    }
    if (st == PF_OK && r->deleted_col >= 0) pf__col_set_bool(&b->cols[r->deleted_col], row, deleted);
    if (st == PF_OK) {
      row++;
      continue;
    }
    int is_bad = st == PF_EPARSE || st == PF_EENCODING || st == PF_ELIMIT;
    if (is_bad && r->o.skip_bad) {
      rollback_row(b, row);
      st = add_bad(t, recno, bad.reason);
      if (st == PF_OK) continue;
    }
    pf_error_init(&t->err);
    if (is_bad) pf__error_set(&t->err, st, "record %llu: %s", (unsigned long long)recno + 1, bad.reason);
    else pf__error_set(&t->err, st, "record %llu: %s", (unsigned long long)recno + 1, pf_status_str(st));
    pf__dbf_error_at(&t->err, r, recno, badf);
    t->st = st;
    break;
  }
  b->n_rows = row;
  recount_nulls(b);
}

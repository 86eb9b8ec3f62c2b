/* xlsx_original.c - a cell as the text the original PyForge CLI wrote for
 * it, which --all-strings reproduces (docs/excel.md).
 *
 * The original read workbooks with openpyxl (cached formula values) and
 * turned each value into a string: None -> "", a bool -> "True"/"False",
 * a datetime, date or time -> isoformat() ("2024-01-15T13:45:30",
 * ".500000" when it has microseconds), an int or float -> str(Decimal(str(
 * value))), anything else -> str(value). openpyxl gives an int for a number
 * written without '.', 'e' or 'E' and a float otherwise; a number under a
 * date or time format becomes a time when it lies in [0, 1) and a datetime
 * otherwise (times rounded to the millisecond; serials below 60 of the
 * 1900 system one day later, as Lotus counted a 1900-02-29); an error cell
 * is its text ("#N/A"); a t="d" cell an ISO date, time or datetime (to the
 * millisecond, the zone dropped). This file does the same arithmetic in C:
 * Python's shortest repr() of a double, then Decimal's to-string rule.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "readers/xlsx/xlsx_internal.h"

/* ---- numbers ---- */

/* The shortest digits that read back as v (v finite, not 0): digits in dig
 * (no trailing zeros), the decimal exponent of the first digit in *e10. */
static size_t shortest(double v, char *dig, int *e10) {
  char buf[40];
  for (int prec = 1; prec <= 17; prec++) {
    snprintf(buf, sizeof buf, "%.*e", prec - 1, fabs(v));
    if (strtod(buf, NULL) == fabs(v)) break;
  }
  size_t k = 0;
  const char *p = buf;
  for (; *p && *p != 'e'; p++)
    if (*p >= '0' && *p <= '9') dig[k++] = *p;
  while (k > 1 && dig[k - 1] == '0') k--;
  dig[k] = 0;
  *e10 = atoi(p + 1);
  return k;
}

static size_t put_zeros(char *out, size_t at, int n) {
  for (int i = 0; i < n; i++) out[at++] = '0';
  return at;
}

/* str(Decimal(repr(v))): repr writes -4 <= e10 < 16 in fixed notation with
 * at least one fraction digit ("3.0", "0.0001"), which Decimal keeps; other
 * exponents in scientific notation ("1e-05", "1e+20"), which Decimal writes
 * in fixed notation when its exponent is <= 0 and the number has more than
 * -6 digits before the point ("0.00001"), else as "1E-7", "1.5E+20". */
static size_t original_float(double v, char *out) {
  if (isnan(v)) return (size_t)sprintf(out, "NaN");
  if (isinf(v)) return (size_t)sprintf(out, "%sInfinity", v < 0 ? "-" : "");
  size_t at = 0;
  if (signbit(v)) out[at++] = '-';
  if (v == 0) return at + (size_t)sprintf(out + at, "0.0");
  char dig[24];
  int e10;
  int k = (int)shortest(v, dig, &e10);
  if (e10 >= -4 && e10 < 16) { /* repr's fixed notation */
    if (e10 < 0) {
      at += (size_t)sprintf(out + at, "0.");
      at = put_zeros(out, at, -e10 - 1);
      return at + (size_t)sprintf(out + at, "%s", dig);
    }
    for (int i = 0; i <= e10; i++) out[at++] = i < k ? dig[i] : '0';
    out[at++] = '.';
    if (k <= e10 + 1) out[at++] = '0';
    for (int i = e10 + 1; i < k; i++) out[at++] = dig[i];
    out[at] = 0;
    return at;
  }
  int exp = e10 - (k - 1), left = e10 + 1; /* Decimal's exponent, digits before the point */
  if (exp <= 0 && left > -6) {
    if (left <= 0) {
      at += (size_t)sprintf(out + at, "0.");
      at = put_zeros(out, at, -left);
      return at + (size_t)sprintf(out + at, "%s", dig);
    }
    for (int i = 0; i < k; i++) {
      if (i == left) out[at++] = '.';
      out[at++] = dig[i];
    }
    at = put_zeros(out, at, left - k);
    out[at] = 0;
    return at;
  }
  out[at++] = dig[0];
  if (k > 1) at += (size_t)sprintf(out + at, ".%s", dig + 1);
  return at + (size_t)sprintf(out + at, "E%c%d", e10 < 0 ? '-' : '+', abs(e10));
}

/* Python's int(text) printed: sign and leading zeros normalised. 0 when the
 * text is no integer. */
static size_t original_int(const char *p, size_t n, char *out, size_t cap) {
  while (n && *p && strchr(" \t\r\n", *p)) p++, n--;
  while (n && p[n - 1] && strchr(" \t\r\n", p[n - 1])) n--;
  int neg = n && *p == '-';
  if (n && (*p == '-' || *p == '+')) p++, n--;
  if (n == 0 || n + 2 > cap) return 0;
  for (size_t i = 0; i < n; i++)
    if (p[i] < '0' || p[i] > '9') return 0;
  while (n > 1 && *p == '0') p++, n--;
  size_t at = 0;
  if (neg && !(n == 1 && *p == '0')) out[at++] = '-';
  memcpy(out + at, p, n);
  out[at + n] = 0;
  return at + n;
}

/* ---- dates and times ---- */

/* isoformat(): "2024-01-15T13:45:30[.ffffff]", without the date or the
 * time part when they are absent. 0 when the year is outside 1..9999
 * (Python raised OverflowError and openpyxl gave "#VALUE!"). */
static size_t iso(int32_t days, int64_t us, int has_date, int has_time, char *out) {
  size_t at = 0;
  if (has_date) {
    if (days < pf__days_from_civil(1, 1, 1) || days > pf__days_from_civil(9999, 12, 31)) return 0;
    at = pf__xlsx_fmt_date(days, out, 16);
    if (has_time) out[at++] = 'T';
  }
  if (has_time) {
    int64_t s = us / 1000000, f = us % 1000000;
    at += (size_t)sprintf(out + at, "%02d:%02d:%02d", (int)(s / 3600), (int)(s / 60 % 60),
                          (int)(s % 60));
    if (f) at += (size_t)sprintf(out + at, ".%06d", (int)f);
  }
  out[at] = 0;
  return at;
}

/* openpyxl's from_excel(): divmod(v, 1), the fraction rounded to the
 * millisecond (half to even), a time for [0, 1), else a datetime from the
 * epoch (1899-12-30, or 1904-01-01), serials 0 < v < 60 one day on. */
static size_t original_serial(double v, int date1904, char *out) {
  double f = fmod(v, 1.0), day = v - f;
  if (f != 0 && f < 0) { /* Python's divmod: the remainder takes the divisor's sign */
    f += 1.0;
    day -= 1.0;
  }
  double ms = nearbyint(f * 86400 * 1000);
  int64_t us = (int64_t)ms * 1000;
  int next = us >= INT64_C(86400000000);
  if (v >= 0 && v < 1 && !next) return iso(0, us, 0, 1, out);
  if (!date1904 && v > 0 && v < 60) day += 1;
  if (fabs(day) > 4e6) return 0;
  int32_t epoch = date1904 ? pf__days_from_civil(1904, 1, 1) : pf__days_from_civil(1899, 12, 30);
  int32_t days = epoch + (int32_t)day + next;
  return iso(days, next ? us - INT64_C(86400000000) : us, 1, 1, out);
}

void pf__xlsx_cell_text_original(const pf__xlsx_book *b, const pf__xlsx_cell *c, char *tmp,
                                 const char **p, size_t *n) {
  *p = c->p;
  *n = c->n;
  switch (c->kind) {
    case PF__XK_BOOL:
      *p = c->n && c->p[0] == '1' ? "True" : "False";
      *n = strlen(*p);
      return;
    case PF__XK_ISO: {
      int32_t d;
      int64_t us;
      pf_type t = pf__xlsx_parse_iso(c->p, c->n, &d, &us);
      if (t == PF_TYPE_STRING) return;
      us -= us % 1000; /* openpyxl reads three fraction digits */
      int32_t day = (int32_t)(us / INT64_C(86400000000));
      int64_t clock = us % INT64_C(86400000000);
      *p = tmp;
      if (t == PF_TYPE_DATE) *n = iso(d, 0, 1, 0, tmp);
      else if (t == PF_TYPE_TIME) *n = iso(0, us, 0, 1, tmp);
      else *n = iso(day, clock, 1, 1, tmp);
      return;
    }
    case PF__XK_NUM:
      break;
    default: /* text, formula strings, error cells ("#N/A") */
      return;
  }
  if (c->n == 0) return; /* a formula without a cached value: "" */
  char num[64];
  if (c->n >= sizeof num) return;
  memcpy(num, c->p, c->n);
  num[c->n] = 0;
  char *end;
  double v = strtod(num, &end); /* Python's float() */
  while (*end == ' ' || *end == '\t' || *end == '\r' || *end == '\n') end++;
  if (end == num || *end) return; /* no number: as written */
  *p = tmp;
  if (c->fmt != PF__XF_NUMBER) { /* openpyxl's date formats: a date or time */
    *n = isfinite(v) ? original_serial(v, b->date1904, tmp) : 0;
    if (*n == 0) *n = (size_t)sprintf(tmp, "#VALUE!");
  } else if (!strpbrk(num, ".eE")) {
    *n = original_int(num, c->n, tmp, 64);
  } else {
    *n = original_float(v, tmp);
  }
  if (*n == 0) *p = c->p, *n = c->n;
}

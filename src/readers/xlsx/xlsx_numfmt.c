/* xlsx_numfmt.c - what an Excel number format says about a number (a date,
 * a time, a date-time or a plain number), Excel serial numbers as dates,
 * timestamps and times, and values as text.
 *
 * Excel stores dates as numbers (days since an epoch, the fraction being
 * the time of day); only the cell's number format tells a date from a
 * number. Built-in format ids 14-22 and 45-47 (and the East Asian locale
 * ids 27-36, 50-58) are dates or times; a custom format code is a date when
 * its first section, outside quoted text, escaped characters ("\x", "_x",
 * "*x") and bracketed parts ([Red], [$-409], [>100]), uses y, d or m
 * (months) and a time when it uses h or s (m next to h or s is minutes).
 * Elapsed-time formats ([h]:mm, [mm]:ss) measure durations, not times of
 * day, and stay numbers.
 *
 * The 1900 date system counts serial 1 as 1900-01-01 and, like Lotus 1-2-3,
 * has a 1900-02-29 at serial 60 that never existed; serials from 61 on are
 * days since 1899-12-30. The 1904 system counts days since 1904-01-01.
 * Times of day are rounded to the millisecond: Excel keeps them as binary
 * fractions of a day and shows at most milliseconds, so finer digits are
 * representation noise (openpyxl rounds the same way).
 *
 * t="d" cells hold ISO 8601 text instead of a serial (Strict OOXML files
 * write seconds with 17 fraction digits): read with any number of
 * fraction digits, rounded to the microsecond.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "readers/xlsx/xlsx_internal.h"

#define MAX_SERIAL 2958466.0 /* 10000-01-01 in the 1900 system */

pf__xlsx_fmt pf__xlsx_builtin_fmt(unsigned id) {
  if (id >= 14 && id <= 17) return PF__XF_DATE;
  if (id >= 18 && id <= 21) return PF__XF_TIME;
  if (id == 22) return PF__XF_DATETIME;
  if (id == 45 || id == 47) return PF__XF_TIME;
  if ((id >= 27 && id <= 31) || id == 36 || (id >= 50 && id <= 54) || id == 57 || id == 58)
    return PF__XF_DATE;
  if ((id >= 32 && id <= 35) || id == 55 || id == 56) return PF__XF_TIME;
  return PF__XF_NUMBER;
}

static int lc(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

pf__xlsx_fmt pf__xlsx_classify_fmt(const char *code) {
  int date = 0, time = 0, month = 0;
  for (const char *p = code; *p && *p != ';'; p++) {
    int c = lc((unsigned char)*p);
    if (*p == '"') {
      p++;
      while (*p && *p != '"') p++;
      if (!*p) break;
    } else if (*p == '\\' || *p == '_' || *p == '*') {
      if (!p[1]) break;
      p++;
    } else if (*p == '[') {
      const char *q = p + 1;
      while (*q && *q != ']') q++;
      /* [h], [hh], [m], [mm], [s], [ss]: elapsed time -> a duration. */
      size_t n = (size_t)(q - p - 1);
      if (n > 0 && n <= 3) {
        int e = 1, c0 = lc((unsigned char)p[1]);
        for (size_t k = 1; k <= n; k++)
          if (lc((unsigned char)p[k]) != c0) e = 0;
        if (e && (c0 == 'h' || c0 == 'm' || c0 == 's')) return PF__XF_NUMBER;
      }
      if (!*q) break;
      p = q;
    } else if (c == 'g' && strncasecmp(p, "general", 7) == 0) {
      p += 6;
    } else if (c == 'a' && (strncasecmp(p, "am/pm", 5) == 0 || strncasecmp(p, "a/p", 3) == 0)) {
      time = 1;
      p += (strncasecmp(p, "am/pm", 5) == 0) ? 4 : 2;
    } else if (c == 'y' || c == 'd') {
      date = 1;
    } else if (c == 'h' || c == 's') {
      time = 1;
    } else if (c == 'm') {
      month = 1;
    }
  }
  if (month && !time) date = 1;
  if (date && time) return PF__XF_DATETIME;
  if (date) return PF__XF_DATE;
  if (time) return PF__XF_TIME;
  return PF__XF_NUMBER;
}

int pf__xlsx_serial_days(double v, int date1904, int32_t *days) {
  if (!(v >= 0) || v >= MAX_SERIAL) return 0;
  double d = floor(v);
  if (date1904) {
    *days = (int32_t)d + pf__days_from_civil(1904, 1, 1);
    return 1;
  }
  if (d == 60) return 0;
  *days = (int32_t)d + (d < 60 ? pf__days_from_civil(1899, 12, 31) : pf__days_from_civil(1899, 12, 30));
  return 1;
}

int64_t pf__xlsx_time_micros(double v) {
  double f = v - floor(v);
  int64_t us = llround(f * 86400e3) * 1000;
  if (us >= INT64_C(86400000000)) us = INT64_C(86400000000) - 1;
  return us;
}

int pf__xlsx_serial_micros(double v, int date1904, int64_t *micros) {
  int32_t days;
  if (!pf__xlsx_serial_days(v, date1904, &days)) return 0;
  int64_t us = llround((v - floor(v)) * 86400e3) * 1000;
  *micros = (int64_t)days * INT64_C(86400000000) + us;
  return 1;
}

size_t pf__xlsx_fmt_double(double v, char *out, size_t cap) {
  int n = 0;
  if (isnan(v)) return (size_t)snprintf(out, cap, "NaN");
  if (v == floor(v) && fabs(v) < 1e15) return (size_t)snprintf(out, cap, "%.0f", v == 0 ? 0.0 : v);
  for (int prec = 15; prec <= 17; prec++) {
    n = snprintf(out, cap, "%.*G", prec, v);
    if (strtod(out, NULL) == v) break;
  }
  return n < 0 ? 0 : (size_t)n;
}

/* Days since 1970-01-01 -> civil date (Howard Hinnant's algorithm). */
static void civil_from_days(int64_t z, int *y, int *m, int *d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = (unsigned)(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t yy = (int64_t)yoe + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = (int)(doy - (153 * mp + 2) / 5 + 1);
  *m = (int)(mp < 10 ? mp + 3 : mp - 9);
  *y = (int)(yy + (*m <= 2));
}

size_t pf__xlsx_fmt_date(int32_t days, char *out, size_t cap) {
  int y, m, d;
  civil_from_days(days, &y, &m, &d);
  return (size_t)snprintf(out, cap, "%04d-%02d-%02d", y, m, d);
}

static size_t fmt_clock(int64_t us, char *out, size_t cap) {
  int64_t s = us / 1000000, f = us % 1000000;
  int n = snprintf(out, cap, "%02d:%02d:%02d", (int)(s / 3600), (int)(s / 60 % 60), (int)(s % 60));
  if (f && n > 0 && (size_t)n < cap) {
    char frac[8];
    snprintf(frac, sizeof frac, "%06d", (int)f);
    size_t k = 6;
    while (k > 0 && frac[k - 1] == '0') k--;
    frac[k] = 0;
    n += snprintf(out + n, cap - (size_t)n, ".%s", frac);
  }
  return n < 0 ? 0 : (size_t)n;
}

size_t pf__xlsx_fmt_timestamp(int64_t micros, char *out, size_t cap) {
  int64_t day = micros >= 0 ? micros / INT64_C(86400000000)
                            : -((-micros + INT64_C(86399999999)) / INT64_C(86400000000));
  int64_t rest = micros - day * INT64_C(86400000000);
  size_t n = pf__xlsx_fmt_date((int32_t)day, out, cap);
  if (n + 1 < cap) {
    out[n++] = ' ';
    n += fmt_clock(rest, out + n, cap - n);
  }
  return n;
}

size_t pf__xlsx_fmt_time(int64_t micros, char *out, size_t cap) {
  return fmt_clock(micros, out, cap);
}

void pf__xlsx_cell_ref(int64_t col, int64_t row, char *out, size_t cap) {
  char letters[8];
  int n = 0;
  for (int64_t c = col; c > 0 && n < 7; c = (c - 1) / 26) letters[n++] = (char)('A' + (c - 1) % 26);
  char rev[8];
  for (int i = 0; i < n; i++) rev[i] = letters[n - 1 - i];
  rev[n] = 0;
  if (row > 0) snprintf(out, cap, "%s%lld", rev, (long long)row);
  else snprintf(out, cap, "%s", rev);
}

static int digits(const char *p, size_t k, int *out) {
  int v = 0;
  for (size_t i = 0; i < k; i++) {
    if (p[i] < '0' || p[i] > '9') return 0;
    v = v * 10 + (p[i] - '0');
  }
  *out = v;
  return 1;
}

/* "HH:MM[:SS[.fff...]]" at p (n bytes) -> microseconds since midnight,
 * the fraction rounded half up (so it may reach 24:00:00); the bytes read
 * in *used. */
static int clock_micros(const char *p, size_t n, int64_t *us, size_t *used) {
  int hh, mm, ss = 0;
  if (n < 5 || !digits(p, 2, &hh) || p[2] != ':' || !digits(p + 3, 2, &mm) || hh > 23 || mm > 59)
    return 0;
  size_t i = 5;
  int64_t frac = 0;
  if (i < n && p[i] == ':') {
    if (i + 3 > n || !digits(p + i + 1, 2, &ss) || ss > 59) return 0;
    i += 3;
    if (i < n && p[i] == '.') {
      size_t f0 = ++i, k = 0;
      int up = 0;
      for (; i < n && p[i] >= '0' && p[i] <= '9'; i++, k++) {
        if (k < 6) frac = frac * 10 + (p[i] - '0');
        else if (k == 6) up = p[i] >= '5'; /* the 7th digit rounds */
      }
      if (i == f0) return 0;
      for (; k < 6; k++) frac *= 10;
      frac += up;
    }
  }
  *us = ((int64_t)hh * 3600 + mm * 60 + ss) * 1000000 + frac;
  *used = i;
  return 1;
}

pf_type pf__xlsx_parse_iso(const char *p, size_t n, int32_t *days, int64_t *micros) {
  int64_t us;
  size_t used;
  if (n >= 5 && p[2] == ':') { /* a time of day */
    if (!clock_micros(p, n, &us, &used) || used != n) return PF_TYPE_STRING;
    *micros = us < INT64_C(86400000000) ? us : INT64_C(86399999999);
    return PF_TYPE_TIME;
  }
  if (n < 10 || !pf__parse_date(p, 10, days)) return PF_TYPE_STRING;
  if (n == 10) return PF_TYPE_DATE;
  if (p[10] != 'T' && p[10] != ' ') return PF_TYPE_STRING;
  if (!clock_micros(p + 11, n - 11, &us, &used)) return PF_TYPE_STRING;
  size_t i = 11 + used;
  int64_t off_min = 0;
  int utc = 0;
  if (i < n) {
    int oh = 0, om = 0;
    if ((p[i] == 'Z' || p[i] == 'z') && i + 1 == n) {
      utc = 1;
    } else if ((p[i] == '+' || p[i] == '-') && (i + 6 == n || i + 5 == n || i + 3 == n)) {
      size_t k = n - i - 1; /* "hh:mm", "hhmm" or "hh" */
      if (!digits(p + i + 1, 2, &oh) || oh > 23 ||
          (k == 5 && (p[i + 3] != ':' || !digits(p + i + 4, 2, &om))) ||
          (k == 4 && !digits(p + i + 3, 2, &om)) || om > 59)
        return PF_TYPE_STRING;
      off_min = (oh * 60 + om) * (p[i] == '-' ? -1 : 1);
      utc = 1;
    } else {
      return PF_TYPE_STRING;
    }
  }
  *micros = (int64_t)*days * INT64_C(86400000000) + us - off_min * INT64_C(60000000);
  return utc ? PF_TYPE_TIMESTAMP_UTC : PF_TYPE_TIMESTAMP;
}

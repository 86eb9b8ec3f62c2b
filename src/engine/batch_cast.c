/* batch_cast.c - one file's batches cast to the schema of the table they go
 * into (batch_table.c): columns matched by name ignoring ASCII case, a
 * column the file lacks all nulls, and each value converted only where it
 * stays exact:
 *   int64 -> double      |v| <= 2^53, else the file fails naming the row
 *   double -> int64      an integral value within int64 (a table's long)
 *   date -> timestamp    midnight (naive, or UTC for a table's `timestamp`,
 *                        where a naive timestamp goes as it is)
 *   naive -> UTC timestamp  retagged, as convert's append does
 *   anything -> string   (readers that ignore pf__opts.string_columns
 *                        only: CSV and XLSX read such a column as text)
 *                        the value's text: integers as digits, doubles as
 *                        the shortest text that reads back as the same
 *                        double, positional from 1e-4 to 1e16 (1000, not
 *                        1e+03; "nan", "inf", "-inf"), booleans true/false,
 *                        dates YYYY-MM-DD, timestamps YYYY-MM-DD HH:MM:SS
 *                        with .ffffff trimmed of trailing zeros (UTC: a
 *                        trailing Z), times HH:MM:SS[.ffffff], decimals
 *                        with their scale.
 * Columns that need no cast are shared with the input batch (no copy).
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/batch.h"
#include "core/infer.h"
#include "engine/batch.h"

enum { C_SHARE, C_NULLS, C_I2D, C_D2I, C_DATE2TS, C_STR };

int pf__cast_possible(const pf_field *from, const pf_field *to) {
  pf_type f = from->type, t = to->type;
  if (f == PF_TYPE_NULL || f == t) return f != PF_TYPE_DECIMAL || from->scale == to->scale;
  switch (t) {
    case PF_TYPE_STRING: return f != PF_TYPE_BINARY;
    case PF_TYPE_DOUBLE: return f == PF_TYPE_INT64;
    case PF_TYPE_INT64: return f == PF_TYPE_DOUBLE;
    case PF_TYPE_TIMESTAMP: return f == PF_TYPE_DATE;
    case PF_TYPE_TIMESTAMP_UTC: return f == PF_TYPE_TIMESTAMP || f == PF_TYPE_DATE;
    default: return 0;
  }
}

static int kind_of(pf_type f, pf_type t) {
  if (f == t || (f == PF_TYPE_TIMESTAMP && t == PF_TYPE_TIMESTAMP_UTC)) return C_SHARE;
  if (f == PF_TYPE_NULL) return C_NULLS;
  if (t == PF_TYPE_STRING) return C_STR;
  if (f == PF_TYPE_INT64) return C_I2D;
  if (f == PF_TYPE_DOUBLE) return C_D2I;
  return C_DATE2TS;
}

void pf__cast_free(pf__cast *c) {
  free(c->src);
  free(c->kind);
  pf__batch_free(c->owned);
  free(c->view.cols);
  memset(c, 0, sizeof *c);
}

pf_status pf__cast_plan(pf__cast *c, const pf_schema *from, const uint8_t *has, const pf_schema *to,
                       pf_error *err) {
  pf__cast_free(c);
  c->to = to;
  size_t n = to->n_fields;
  c->src = calloc(n ? n : 1, sizeof *c->src);
  c->kind = calloc(n ? n : 1, sizeof *c->kind);
  c->view.cols = calloc(n ? n : 1, sizeof *c->view.cols);
  c->view.n_cols = n;
  if (!c->src || !c->kind || !c->view.cols) return pf__error_set(err, PF_ENOMEM, "out of memory");
  for (size_t j = 0; j < n; j++) {
    const pf_field *t = &to->fields[j];
    c->src[j] = -1;
    c->kind[j] = C_NULLS;
    for (size_t i = 0; i < from->n_fields; i++) {
      if (strcasecmp(from->fields[i].name, t->name) != 0) continue;
      if (has && !has[i]) break; /* no value in the whole file: nulls */
      if (!pf__cast_possible(&from->fields[i], t)) {
        pf__error_column_name(err, from->fields[i].name);
        return pf__error_set(err, PF_EOUTPUT, "column %s is %s in this file but %s in the table: its values "
                             "cannot be cast", from->fields[i].name, pf_type_name(from->fields[i].type),
                             pf_type_name(t->type));
      }
      c->src[j] = (long)i;
      c->kind[j] = kind_of(from->fields[i].type, t->type);
      break;
    }
  }
  return PF_OK;
}

/* ---- values as text ---- */

static void civil(int64_t days, int *y, unsigned *m, unsigned *d) {
  /* days since 1970-01-01 -> proleptic Gregorian (H. Hinnant's algorithm) */
  days += 719468;
  int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  unsigned doe = (unsigned)(days - era * 146097);
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = (int)(yoe + era * 400 + (*m <= 2));
}

static int64_t floor_div(int64_t a, int64_t b, int64_t *rem) {
  int64_t q = a / b, r = a % b;
  if (r < 0) {
    r += b;
    q--;
  }
  *rem = r;
  return q;
}

static size_t fmt_date(int64_t days, char *out, size_t n) {
  int y;
  unsigned m, d;
  civil(days, &y, &m, &d);
  return (size_t)snprintf(out, n, "%04d-%02u-%02u", y, m, d);
}

/* HH:MM:SS[.ffffff], fraction trimmed of trailing zeros */
static size_t fmt_clock(int64_t us, char *out, size_t n) {
  int64_t s = us / 1000000, f = us % 1000000;
  size_t k = (size_t)snprintf(out, n, "%02d:%02d:%02d", (int)(s / 3600), (int)(s / 60 % 60), (int)(s % 60));
  if (f && k + 8 < n) {
    k += (size_t)snprintf(out + k, n - k, ".%06d", (int)f);
    while (out[k - 1] == '0') out[--k] = 0;
  }
  return k;
}

size_t pf__cast_text(const pf_column *c, const pf_field *f, size_t i, char *out, size_t n) {
  switch (f->type) {
    case PF_TYPE_BOOL: return (size_t)snprintf(out, n, "%s", pf_col_bool(c, i) ? "true" : "false");
    case PF_TYPE_INT64: return (size_t)snprintf(out, n, "%" PRId64, pf_col_i64(c, i));
    case PF_TYPE_DOUBLE: {
      double v = pf_col_f64(c, i);
      if (isnan(v)) return (size_t)snprintf(out, n, "nan");
      if (isinf(v)) return (size_t)snprintf(out, n, "%s", v < 0 ? "-inf" : "inf");
      int p = 1;
      for (; p <= 17; p++) { /* the shortest text that reads back */
        snprintf(out, n, "%.*g", p, v);
        if (strtod(out, NULL) == v) break;
      }
      /* positional between 1e-4 and 1e16, as Python's repr writes it:
       * 1000, not 1e+03 (the same digits, so it still reads back) */
      const char *e = strchr(out, 'e');
      if (e && fabs(v) >= 1e-4 && fabs(v) < 1e16) {
        int dec = p - 1 - atoi(e + 1);
        snprintf(out, n, "%.*f", dec > 0 ? dec : 0, v);
      }
      return strlen(out);
    }
    case PF_TYPE_DATE: return fmt_date(pf_col_i32(c, i), out, n);
    case PF_TYPE_TIMESTAMP:
    case PF_TYPE_TIMESTAMP_UTC: {
      int64_t rem;
      int64_t days = floor_div(pf_col_i64(c, i), INT64_C(86400000000), &rem);
      size_t k = fmt_date(days, out, n);
      if (k + 1 < n) out[k++] = ' ';
      k += fmt_clock(rem, out + k, n - k);
      if (f->type == PF_TYPE_TIMESTAMP_UTC && k + 1 < n) {
        out[k++] = 'Z';
        out[k] = 0;
      }
      return k;
    }
    case PF_TYPE_TIME: return fmt_clock(pf_col_i64(c, i), out, n);
    case PF_TYPE_DECIMAL: {
      __int128 v;
      memcpy(&v, c->values + i * 16, 16);
      int neg = v < 0;
      unsigned __int128 u = neg ? -(unsigned __int128)v : (unsigned __int128)v;
      char digits[48];
      int nd = 0;
      do {
        digits[nd++] = (char)('0' + (int)(u % 10));
        u /= 10;
      } while (u);
      while (nd <= f->scale) digits[nd++] = '0';
      size_t k = 0;
      if (neg && k + 1 < n) out[k++] = '-';
      for (int d = nd - 1; d >= 0 && k + 2 < n; d--) {
        out[k++] = digits[d];
        if (d == f->scale && d > 0) out[k++] = '.';
      }
      out[k] = 0;
      return k;
    }
    default: return 0;
  }
}

/* ---- batches ---- */

static pf_status value_error(pf_error *err, const pf_batch *in, size_t i, const pf_field *f,
                             const pf_column *c, const char *what) {
  char text[64];
  pf__cast_text(c, f, i, text, sizeof text);
  int64_t row = in->first_row + (int64_t)i + 1;
  pf__error_place(err, row, -1, -1, -1);
  pf__error_column_name(err, f->name);
  return pf__error_set(err, PF_EOUTPUT, "row %lld, column %s: the value %s does not fit the table's %s column "
                       "exactly (%s); nothing of this file was committed",
                       (long long)row, f->name, text, what, f->type == PF_TYPE_INT64 ? "beyond 2^53" :
                       "not an integer within the long range");
}

static pf_status cast_column(const pf_batch *in, const pf_field *f, const pf_column *s, int kind,
                             pf_column *d, const pf_field *t, pf_error *err) {
  size_t n = in->n_rows;
  if (kind == C_NULLS) {
    for (size_t i = 0; i < n; i++) pf_col_set_null(d, i);
    return PF_OK;
  }
  for (size_t i = 0; i < n; i++) {
    if (!pf_col_is_valid(s, i)) {
      pf_col_set_null(d, i);
      continue;
    }
    if (kind == C_STR) {
      char text[160];
      size_t k = pf__cast_text(s, f, i, text, sizeof text);
      pf_status st = pf__col_push_str(d, i, text, k);
      if (st != PF_OK) return pf__error_set(err, st, "out of memory");
      pf_bit_set(d->validity, i);
    } else if (kind == C_I2D) {
      int64_t v = pf_col_i64(s, i);
      if (v > PF_INFER_EXACT_INT || v < -PF_INFER_EXACT_INT) return value_error(err, in, i, f, s, "double");
      pf_col_set_f64(d, i, (double)v);
    } else if (kind == C_D2I) {
      double v = pf_col_f64(s, i);
      if (!(v == floor(v) && v >= -9223372036854775808.0 && v < 9223372036854775808.0))
        return value_error(err, in, i, f, s, pf_type_name(t->type));
      pf_col_set_i64(d, i, (int64_t)v);
    } else { /* C_DATE2TS */
      pf_col_set_i64(d, i, (int64_t)pf_col_i32(s, i) * INT64_C(86400000000));
    }
  }
  return PF_OK;
}

pf_status pf__cast_batch(pf__cast *c, const pf_batch *in, const pf_schema *from, const pf_batch **out,
                         pf_error *err) {
  const pf_schema *to = c->to;
  if (!c->owned || c->owned->cap_rows < in->n_rows) {
    pf__batch_free(c->owned);
    c->owned = NULL;
    if (pf__batch_create(to, in->n_rows ? in->n_rows : 1, &c->owned) != PF_OK)
      return pf__error_set(err, PF_ENOMEM, "out of memory");
  } else if (pf__batch_reset(c->owned, to) != PF_OK) {
    return pf__error_set(err, PF_ENOMEM, "out of memory");
  }
  for (size_t j = 0; j < to->n_fields; j++) {
    long s = c->src[j];
    if (c->kind[j] == C_SHARE) {
      c->view.cols[j] = in->cols[s];
      c->view.cols[j].type = to->fields[j].type;
      continue;
    }
    pf_column *d = &c->owned->cols[j];
    PF_TRY(cast_column(in, s >= 0 ? &from->fields[s] : NULL, s >= 0 ? &in->cols[s] : NULL, c->kind[j], d,
                       &to->fields[j], err));
    c->view.cols[j] = *d;
  }
  c->owned->n_rows = in->n_rows;
  c->view.n_rows = in->n_rows;
  c->view.cap_rows = in->n_rows;
  c->view.first_row = in->first_row;
  *out = &c->view;
  return PF_OK;
}

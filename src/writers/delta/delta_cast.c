/* delta_cast.c - numbers appended to a Delta table's numeric column of
 * another type (docs/delta.md "Schema evolution"): PyForge's int64,
 * double and decimal values go into `long`, `integer`, `short`, `byte`,
 * `double`, `float` and `decimal(p,s)` columns when every value fits
 * exactly; the first one that does not stops the append, named by its row.
 *
 * "Fits exactly":
 *   into long/integer/short/byte   an integer (a double without a fraction,
 *                                  a decimal whose fraction is zero) in
 *                                  the type's range;
 *   into double                    an integer with an exact double;
 *   into float                     an integer with an exact float; a double
 *                                  whose nearest float, written shortest,
 *                                  reads back as the same double ("1.1"
 *                                  fits, "0.123456789" has more digits than
 *                                  a float holds);
 *   into decimal(p,s)              a value with at most s digits after the
 *                                  point and p - s before it (a double as
 *                                  its shortest decimal form: 0.1 is 0.10).
 * The data files store the table's own Parquet types (INT32 with INT(16)
 * or INT(8) for short and byte, FLOAT), so Spark and delta-rs read them as
 * the table says.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "writers/delta/delta_internal.h"
#include "writers/parquet/parquet_writer.h"

pf__delta_num pf__delta_num_kind(const pf__delta_field *f) {
  if (!f->type || f->pf == PF_TYPE_COUNT_) return PF__DN_NONE;
  static const struct {
    const char *name;
    pf__delta_num kind;
  } names[] = {{"long", PF__DN_LONG},     {"integer", PF__DN_INT},  {"short", PF__DN_SHORT},
               {"byte", PF__DN_BYTE},     {"double", PF__DN_DOUBLE}, {"float", PF__DN_FLOAT}};
  for (size_t i = 0; i < sizeof names / sizeof *names; i++)
    if (!strcmp(f->type, names[i].name)) return names[i].kind;
  return f->pf == PF_TYPE_DECIMAL ? PF__DN_DECIMAL : PF__DN_NONE;
}

int pf__delta_num_store(pf__delta_num k) {
  switch (k) {
    case PF__DN_INT: return PF__PQ_STORE_INT32;
    case PF__DN_SHORT: return PF__PQ_STORE_INT16;
    case PF__DN_BYTE: return PF__PQ_STORE_INT8;
    case PF__DN_FLOAT: return PF__PQ_STORE_FLOAT;
    default: return PF__PQ_STORE_NATURAL;
  }
}

int pf__delta_cast_ok(const pf_field *in, const pf__delta_field *f) {
  pf__delta_num k = pf__delta_num_kind(f);
  if (k == PF__DN_NONE) return 0;
  if (in->type == PF_TYPE_INT64 || in->type == PF_TYPE_DOUBLE) return 1;
  return in->type == PF_TYPE_DECIMAL && k != PF__DN_DOUBLE && k != PF__DN_FLOAT;
}

/* ---- exact arithmetic --------------------------------------------------------- */

static __int128 pow10_128(int k) {
  __int128 p = 1;
  while (k-- > 0) p *= 10;
  return p;
}

static __int128 dec_load(const uint8_t *le) {
  uint64_t lo, hi;
  memcpy(&lo, le, 8);
  memcpy(&hi, le + 8, 8);
  return (__int128)(((unsigned __int128)hi << 64) | lo);
}

static void dec_store(uint8_t *le, __int128 v) {
  unsigned __int128 u = (unsigned __int128)v;
  uint64_t lo = (uint64_t)u, hi = (uint64_t)(u >> 64);
  memcpy(le, &lo, 8);
  memcpy(le + 8, &hi, 8);
}

/* u / 10^scale as text ("-12.50"). */
static void dec_text(__int128 u, int scale, char *out, size_t n) {
  uint8_t le[16];
  dec_store(le, u);
  pf__delta_fmt_decimal(le, scale, out, n);
}

/* The shortest "%.*g" text that reads back as x. */
static void shortest(double x, char *out, size_t n) {
  for (int p = 1; p <= 17; p++) {
    snprintf(out, n, "%.*g", p, x);
    if (strtod(out, NULL) == x) return;
  }
}

static int double_to_int(double x, int64_t lo, int64_t hi, int64_t *v) {
  if (!(x == x) || x != floor(x) || x < (double)lo || x > (double)hi) return 0;
  if (x >= 9223372036854775807.0) return 0; /* 2^63: past int64 */
  *v = (int64_t)x;
  return *v >= lo && *v <= hi;
}

static int int_exact_in(int64_t v, int as_float) {
  if (as_float) {
    float f = (float)v;
    return fabsf(f) < 9.2233720e18f && (int64_t)f == v;
  }
  double d = (double)v;
  return fabs(d) < 9.2233720368547758e18 && (int64_t)d == v;
}

/* A double as decimal(p,s): the integer u with |u| < 10^p whose value
 * u / 10^s reads back as x. */
static int double_to_dec(double x, int p, int s, __int128 *u) {
  if (!(x == x) || isinf(x)) return 0;
  double v = x * (double)pow10_128(s);
  if (fabs(v) >= 1e38) return 0;
  __int128 r = (__int128)(v < 0 ? v - 0.5 : v + 0.5);
  if (r >= pow10_128(p) || -r >= pow10_128(p)) return 0;
  char t[64];
  dec_text(r, s, t, sizeof t);
  if (strtod(t, NULL) != x) return 0;
  *u = r;
  return 1;
}

/* ---- one value ---------------------------------------------------------------- */

static const int64_t int_lo[] = {INT64_MIN, INT32_MIN, INT16_MIN, INT8_MIN};
static const int64_t int_hi[] = {INT64_MAX, INT32_MAX, INT16_MAX, INT8_MAX};

/* Casts to an integer kind (index ki into int_lo/int_hi). */
static int to_int(const pf_column *c, const pf_field *in, size_t i, int ki, int64_t *v) {
  switch (in->type) {
    case PF_TYPE_INT64:
      *v = pf__col_i64(c, i);
      return *v >= int_lo[ki] && *v <= int_hi[ki];
    case PF_TYPE_DOUBLE: return double_to_int(pf__col_f64(c, i), int_lo[ki], int_hi[ki], v);
    case PF_TYPE_DECIMAL: {
      __int128 u = dec_load(c->values + i * 16), p = pow10_128(in->scale);
      if (u % p) return 0;
      u /= p;
      if (u < int_lo[ki] || u > int_hi[ki]) return 0;
      *v = (int64_t)u;
      return 1;
    }
    default: return 0;
  }
}

static int to_dec(const pf_column *c, const pf_field *in, size_t i, int p, int s, __int128 *u) {
  __int128 lim = pow10_128(p);
  switch (in->type) {
    case PF_TYPE_INT64: {
      __int128 v = (__int128)pf__col_i64(c, i) * pow10_128(s);
      if (v >= lim || -v >= lim) return 0;
      *u = v;
      return 1;
    }
    case PF_TYPE_DOUBLE: return double_to_dec(pf__col_f64(c, i), p, s, u);
    case PF_TYPE_DECIMAL: {
      __int128 v = dec_load(c->values + i * 16);
      if (s >= in->scale) {
        __int128 m = pow10_128(s - in->scale);
        if (v >= lim / m || -v >= lim / m) return 0; /* v * m would pass 10^p */
        v *= m;
      } else {
        __int128 m = pow10_128(in->scale - s);
        if (v % m) return 0;
        v /= m;
      }
      if (v >= lim || -v >= lim) return 0;
      *u = v;
      return 1;
    }
    default: return 0;
  }
}

int pf__delta_cast_value(const pf_column *c, const pf_field *in, size_t i,
                         const pf__delta_field *f, pf_column *d, size_t row) {
  pf__delta_num k = pf__delta_num_kind(f);
  int64_t v;
  switch (k) {
    case PF__DN_LONG:
    case PF__DN_INT:
    case PF__DN_SHORT:
    case PF__DN_BYTE:
      if (!to_int(c, in, i, (int)(k - PF__DN_LONG), &v)) return 0;
      pf__col_set_i64(d, row, v);
      return 1;
    case PF__DN_DOUBLE:
    case PF__DN_FLOAT: {
      int as_float = k == PF__DN_FLOAT;
      if (in->type == PF_TYPE_INT64) {
        v = pf__col_i64(c, i);
        if (!int_exact_in(v, as_float)) return 0;
        pf__col_set_f64(d, row, as_float ? (double)(float)v : (double)v);
        return 1;
      }
      if (in->type != PF_TYPE_DOUBLE) return 0;
      double x = pf__col_f64(c, i);
      if (as_float && (double)(float)x != x && x == x) {
        char t[40];
        for (int p = 6; p <= 9; p++) { /* the float's own shortest form */
          snprintf(t, sizeof t, "%.*g", p, (double)(float)x);
          if ((float)strtod(t, NULL) == (float)x) break;
        }
        if (strtod(t, NULL) != x) return 0;
      }
      pf__col_set_f64(d, row, as_float ? (double)(float)x : x);
      return 1;
    }
    case PF__DN_DECIMAL: {
      __int128 u;
      if (!to_dec(c, in, i, f->precision, f->scale, &u)) return 0;
      pf__bit_set(d->validity, row);
      dec_store(d->values + row * 16, u);
      return 1;
    }
    default: return 0;
  }
}

void pf__delta_value_text(const pf_column *c, const pf_field *in, size_t i, char *out,
                          size_t n) {
  switch (in->type) {
    case PF_TYPE_INT64: snprintf(out, n, "%lld", (long long)pf__col_i64(c, i)); break;
    case PF_TYPE_DOUBLE: shortest(pf__col_f64(c, i), out, n); break;
    case PF_TYPE_DECIMAL: dec_text(dec_load(c->values + i * 16), in->scale, out, n); break;
    default: snprintf(out, n, "?");
  }
}

void pf__delta_num_range(const pf__delta_field *f, char *out, size_t n) {
  switch (pf__delta_num_kind(f)) {
    case PF__DN_INT: snprintf(out, n, "it holds integers from -2147483648 to 2147483647"); break;
    case PF__DN_SHORT: snprintf(out, n, "it holds integers from -32768 to 32767"); break;
    case PF__DN_BYTE: snprintf(out, n, "it holds integers from -128 to 127"); break;
    case PF__DN_LONG: snprintf(out, n, "it holds 64-bit integers"); break;
    case PF__DN_FLOAT: snprintf(out, n, "a float holds about 7 significant digits"); break;
    case PF__DN_DOUBLE: snprintf(out, n, "not every integer past 2^53 has a double"); break;
    case PF__DN_DECIMAL:
      snprintf(out, n, "it holds at most %d digits before the point and %d after",
               f->precision - f->scale, f->scale);
      break;
    default: snprintf(out, n, "it holds other values");
  }
}

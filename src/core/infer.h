/* infer.h - text to typed values, and the type ladder readers infer with.
 *
 * Text readers (CSV today; XML and Excel cells later) call these to decide a
 * column's type from a sample and then to convert every value. The rules
 * keep values exact: a text becomes a typed value only when the typed value
 * holds everything the text said.
 *
 * Parsers (each takes n bytes, no NUL needed; returns 1 on success, 0 when
 * the text is not of that type; never reads past n):
 *   boolean    "true"/"false", any letter case.
 *   int64      optional sign, ASCII digits; no leading zeros ("00501" and
 *              "-07" are not integers, "0" and "-0" are), nothing beyond
 *              int64's range, no spaces.
 *   double     [sign] digits [. digits] [e|E [sign] digits], or [sign] . digits
 *              ...; the integer part has no leading zeros ("007.5" is not a
 *              double, "0.75" is). The text must round-trip: its significant
 *              digits (leading and trailing zeros dropped) must be exactly
 *              the digits that shortest round-trip printing of the double
 *              gives, so more than 17 significant digits, or 16-17 digits
 *              that print back differently, are not doubles. Special
 *              values, any letter case: "inf", "infinity" with optional
 *              sign (infinities) and "nan" (a NaN). Overflow to infinity
 *              and underflow to zero are not doubles.
 *              Fast path: <= 15 significant digits and a power of ten that
 *              is exact in a double (Clinger); otherwise strtod_l in the C
 *              locale, then the shortest round-trip check.
 *   date       YYYY-MM-DD (years 0001-9999), a real calendar day -> days
 *              since 1970-01-01.
 *   timestamp  YYYY-MM-DD[T or space]HH:MM[:SS[.f]] with 1-6 fraction
 *              digits -> microseconds since 1970-01-01 00:00. A suffix "Z"
 *              or +HH:MM / -HH:MM makes it a UTC timestamp (converted to
 *              UTC); without one it is a naive (local, zone-less) one.
 *
 * The ladder: null -> boolean -> int64 -> double -> date -> timestamp ->
 * string. A column's type is the widening (pf__infer_widen) of the types of
 * its values:
 *   null joins anything; equal types stay;
 *   int64 + double -> double, but only while every integer seen is exact in
 *                     a double (|v| <= 2^53), else string;
 *   date + timestamp (naive) -> timestamp;
 *   naive and UTC timestamps mixed, date + UTC timestamp -> string;
 *   anything else -> string.
 * A value that a column of type T accepts (pf__infer_parse): T's own
 * values, plus integers exact in a double for double columns and dates
 * (midnight) for naive timestamp columns.
 *
 * Null tokens are the reader's business (they depend on its options);
 * pf__infer_default_null() says whether text is one of the default tokens.
 *
 * Thread safety: a pf__infer_ctx is read-only after init; one may be
 * shared by threads.
 */
#ifndef PF_CORE_INFER_H
#define PF_CORE_INFER_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "pyforge/plugin.h"

/* Largest integer magnitude a double holds exactly, with all below it. */
#define PF_INFER_EXACT_INT (INT64_C(1) << 53)

typedef struct pf__infer_ctx {
  void *c_locale; /* private: a locale_t for "C" number parsing */
} pf__infer_ctx;

pf_status pf__infer_ctx_init(pf__infer_ctx *ctx);
void pf__infer_ctx_free(pf__infer_ctx *ctx);

int pf__parse_bool(const char *s, size_t n, int *out);
int pf__parse_int64(const char *s, size_t n, int64_t *out);
int pf__parse_double(const pf__infer_ctx *ctx, const char *s, size_t n,
                     double *out);
int pf__parse_date(const char *s, size_t n, int32_t *days);
/* *utc is set to 1 for a "Z"/offset suffix (value converted to UTC). */
int pf__parse_timestamp(const char *s, size_t n, int64_t *micros, int *utc);

/* Days since 1970-01-01 of a proleptic Gregorian date (no validation). */
int32_t pf__days_from_civil(int y, int m, int d);

/* "NULL", "null", "NA", "N/A", "NaN" exactly. */
int pf__infer_default_null(const char *s, size_t n);

/* The narrowest ladder type of one value: PF_TYPE_NULL for empty text,
 * BOOL, INT64, DOUBLE, DATE, TIMESTAMP, TIMESTAMP_UTC or STRING. *big is
 * set to 1 for an int64 with |v| > 2^53 (else 0); big may be NULL. */
pf_type pf__infer_value(const pf__infer_ctx *ctx, const char *s, size_t n,
                        int *big);

/* The type of a column that held type a (with big integers if a_big) and
 * now a value of type b (b_big). */
pf_type pf__infer_widen(pf_type a, int a_big, pf_type b, int b_big);

/* Widening said the same way by every reader. The note a widened column
 * carries: "widened from int64 to double at WHERE: value 'V'" (WHERE: "row
 * 5 (line 6)", "Sheet!B7", "record 12"; V cut at 64 bytes on a character
 * boundary), then " " and why when given. malloc'd; NULL: out of memory. */
char *pf__widen_note(pf_type from, pf_type to, const char *where, const char *value, size_t n,
                     const char *why);
/* err = PF_ERESTART "column N (NAME) NOTE; the conversion restarts with the
 * wider type", naming the column (col is 0-based). Returns PF_ERESTART. */
pf_status pf__widen_restart(pf_error *err, size_t col, const char *name, const char *note);

/* A typed value as stored in a batch. */
typedef pf_value pf__value; /* the plugin ABI's union (pyforge/plugin.h) */

/* Parses text as a value of column type t (see the header comment for
 * what each type accepts). Returns 1 and fills *out, or 0. STRING and NULL
 * types return 0 (the caller stores text). */
int pf__infer_parse(const pf__infer_ctx *ctx, pf_type t, const char *s,
                    size_t n, pf__value *out);

/* Accumulates the ladder over a column's sample values. */
typedef struct pf__infer_col {
  pf_type type;   /* widened type so far (PF_TYPE_NULL: no value yet) */
  int big;        /* an int64 beyond 2^53 was seen                    */
  int64_t values; /* non-null values seen                             */
} pf__infer_col;

void pf__infer_col_init(pf__infer_col *c);
/* Adds one non-null value. */
void pf__infer_col_add(pf__infer_col *c, const pf__infer_ctx *ctx,
                       const char *s, size_t n);

#endif

/* test_infer.c - text to typed values and the type ladder (core/infer). */
#include <errno.h>
#include <math.h>

#include "core/infer.h"
#include "core/parse_fast.h"
#include "test.h"

static pf__infer_ctx ctx;

#define S(lit) lit, sizeof(lit) - 1

static int dbl(const char *s, double *v) { return pf__parse_double(&ctx, s, strlen(s), v); }

TEST_IMPL(bool_parse) {
  int b = -1;
  ASSERT(pf__parse_bool(S("true"), &b));
  ASSERT_EQ(b, 1);
  ASSERT(pf__parse_bool(S("FALSE"), &b));
  ASSERT_EQ(b, 0);
  ASSERT(pf__parse_bool(S("True"), &b));
  ASSERT(!pf__parse_bool(S("yes"), &b));
  ASSERT(!pf__parse_bool(S("t"), &b));
  ASSERT(!pf__parse_bool(S("truex"), &b));
  ASSERT(!pf__parse_bool(S(""), &b));
}

TEST_IMPL(int_parse) {
  int64_t v = 0;
  ASSERT(pf__parse_int64(S("0"), &v));
  ASSERT_EQ(v, 0);
  ASSERT(pf__parse_int64(S("-17"), &v));
  ASSERT_EQ(v, -17);
  ASSERT(pf__parse_int64(S("+5"), &v));
  ASSERT_EQ(v, 5);
  ASSERT(pf__parse_int64(S("9223372036854775807"), &v));
  ASSERT_EQ(v, INT64_MAX);
  ASSERT(pf__parse_int64(S("-9223372036854775808"), &v));
  ASSERT(v == INT64_MIN);
  ASSERT(!pf__parse_int64(S("9223372036854775808"), &v));
  ASSERT(!pf__parse_int64(S("-9223372036854775809"), &v));
  ASSERT(!pf__parse_int64(S("99999999999999999999"), &v));
  ASSERT(!pf__parse_int64(S("00501"), &v)); /* leading zeros stay text */
  ASSERT(!pf__parse_int64(S("-07"), &v));
  ASSERT(!pf__parse_int64(S(""), &v));
  ASSERT(!pf__parse_int64(S("-"), &v));
  ASSERT(!pf__parse_int64(S(" 1"), &v));
  ASSERT(!pf__parse_int64(S("1 "), &v));
  ASSERT(!pf__parse_int64(S("1.0"), &v));
  ASSERT(!pf__parse_int64(S("1e3"), &v));
}

TEST_IMPL(double_parse) {
  double v;
  ASSERT(dbl("1.5", &v));
  ASSERT_DBL_EQ(v, 1.5);
  ASSERT(dbl("-0.25", &v));
  ASSERT_DBL_EQ(v, -0.25);
  ASSERT(dbl(".5", &v));
  ASSERT_DBL_EQ(v, 0.5);
  ASSERT(dbl("5.", &v));
  ASSERT_DBL_EQ(v, 5.0);
  ASSERT(dbl("1e10", &v));
  ASSERT_DBL_EQ(v, 1e10);
  ASSERT(dbl("1.5E-3", &v));
  ASSERT_DBL_EQ(v, 1.5e-3);
  ASSERT(dbl("0.1", &v));
  ASSERT_DBL_EQ(v, 0.1);
  ASSERT(dbl("1.50", &v)); /* trailing zeros are formatting */
  ASSERT_DBL_EQ(v, 1.5);
  ASSERT(dbl("0.0", &v));
  ASSERT_DBL_EQ(v, 0.0);
  ASSERT(dbl("-0.0", &v));
  ASSERT(signbit(v));
  ASSERT(dbl("123", &v));
  ASSERT_DBL_EQ(v, 123.0);
  /* 16-17 digits: only the shortest round-trip form is a double */
  ASSERT(dbl("0.30000000000000004", &v));
  ASSERT_DBL_EQ(v, 0.30000000000000004);
  ASSERT(!dbl("0.10000000000000001", &v)); /* prints back as 0.1 */
  ASSERT(dbl("1.2345678901234567", &v));
  ASSERT(dbl("123456789012345.6", &v));
  ASSERT(dbl("3.141592653589793", &v));
  ASSERT_DBL_EQ(v, 3.141592653589793);
  ASSERT(!dbl("2.718281828459045235", &v)); /* 19 significant digits */
  ASSERT(!dbl("0.1234567890123456789", &v));
  ASSERT(!dbl("9007199254740993.0", &v)); /* not exact */
  /* integer texts: only while exact (<= 2^53) */
  ASSERT(dbl("9007199254740992", &v));
  ASSERT(!dbl("9007199254740993", &v));
  ASSERT(!dbl("18014398509481984", &v));
  ASSERT(!dbl("100000000000000000000", &v));
  /* slow path */
  ASSERT(dbl("1e23", &v));
  ASSERT_DBL_EQ(v, 1e23);
  ASSERT(dbl("1.7976931348623157e308", &v));
  ASSERT_DBL_EQ(v, 1.7976931348623157e308);
  ASSERT(dbl("2.2250738585072014e-308", &v));
  ASSERT(dbl("5e-324", &v));
  ASSERT_DBL_EQ(v, 5e-324);
  ASSERT(!dbl("4.9e-324", &v)); /* subnormal: prints back as 5e-324 */
  ASSERT(!dbl("1e400", &v));   /* overflow */
  ASSERT(!dbl("1e-400", &v));  /* underflow */
  ASSERT(dbl("1.25e-5", &v));
  ASSERT_DBL_EQ(v, 1.25e-5);
  ASSERT(dbl("12345.678e-30", &v));
  ASSERT_DBL_EQ(v, 12345.678e-30);
  /* leading zeros, junk */
  ASSERT(!dbl("00.5", &v));
  ASSERT(!dbl("007.5", &v));
  ASSERT(dbl("0.75", &v));
  ASSERT(!dbl("1.2.3", &v));
  ASSERT(!dbl("1e", &v));
  ASSERT(!dbl(".", &v));
  ASSERT(!dbl("-", &v));
  ASSERT(!dbl("1,5", &v));
  ASSERT(!dbl(" 1.5", &v));
  ASSERT(!dbl("0x10", &v));
  /* specials */
  ASSERT(dbl("inf", &v));
  ASSERT(isinf(v) && v > 0);
  ASSERT(dbl("-Infinity", &v));
  ASSERT(isinf(v) && v < 0);
  ASSERT(dbl("NaN", &v));
  ASSERT(isnan(v));
  ASSERT(dbl("nan", &v));
  ASSERT(!dbl("-nan", &v));
  ASSERT(!dbl("info", &v));
}

TEST_IMPL(date_parse) {
  int32_t d = -1;
  ASSERT(pf__parse_date(S("1970-01-01"), &d));
  ASSERT_EQ(d, 0);
  ASSERT(pf__parse_date(S("2000-01-01"), &d));
  ASSERT_EQ(d, 10957);
  ASSERT(pf__parse_date(S("1969-12-31"), &d));
  ASSERT_EQ(d, -1);
  ASSERT(pf__parse_date(S("2024-02-29"), &d));
  ASSERT_EQ(d, 19782);
  ASSERT(!pf__parse_date(S("2023-02-29"), &d));
  ASSERT(!pf__parse_date(S("1900-02-29"), &d));
  ASSERT(pf__parse_date(S("2000-02-29"), &d));
  ASSERT(!pf__parse_date(S("2024-13-01"), &d));
  ASSERT(!pf__parse_date(S("2024-04-31"), &d));
  ASSERT(!pf__parse_date(S("0000-01-01"), &d));
  ASSERT(!pf__parse_date(S("2024-1-01"), &d));
  ASSERT(!pf__parse_date(S("2024/01/01"), &d));
  ASSERT(!pf__parse_date(S("2024-01-01 "), &d));
}

TEST_IMPL(timestamp_parse) {
  int64_t us = 0;
  int utc = -1;
  ASSERT(pf__parse_timestamp(S("1970-01-01T00:00"), &us, &utc));
  ASSERT_EQ(us, 0);
  ASSERT_EQ(utc, 0);
  ASSERT(pf__parse_timestamp(S("2024-01-01 10:00:05"), &us, &utc));
  ASSERT_EQ(us, (int64_t)(19723LL * 86400 + 36005) * 1000000);
  ASSERT(pf__parse_timestamp(S("1970-01-01 00:00:01.5"), &us, &utc));
  ASSERT_EQ(us, 1500000);
  ASSERT(pf__parse_timestamp(S("1970-01-01 00:00:00.000001"), &us, &utc));
  ASSERT_EQ(us, 1);
  ASSERT(!pf__parse_timestamp(S("1970-01-01 00:00:00.0000001"), &us, &utc)); /* ns: not exact */
  /* past microseconds, zeros are exact (SQL Server's 7 digits) */
  ASSERT(pf__parse_timestamp(S("2023-12-29 16:00:00.1234560"), &us, &utc));
  ASSERT(us == (INT64_C(19720) * 86400 + 16 * 3600) * 1000000 + 123456);
  ASSERT(pf__parse_timestamp(S("2023-12-29 16:00:00.000000000Z"), &us, &utc) && utc);
  ASSERT(!pf__parse_timestamp(S("2023-12-29 16:00:00.1234567"), &us, &utc));
  ASSERT(pf__parse_timestamp(S("1970-01-01T01:00:00Z"), &us, &utc));
  ASSERT_EQ(us, 3600000000LL);
  ASSERT_EQ(utc, 1);
  ASSERT(pf__parse_timestamp(S("1970-01-01T01:00:00+01:00"), &us, &utc));
  ASSERT_EQ(us, 0);
  ASSERT_EQ(utc, 1);
  ASSERT(pf__parse_timestamp(S("1970-01-01T00:00-02:30"), &us, &utc));
  ASSERT_EQ(us, 9000000000LL);
  ASSERT(!pf__parse_timestamp(S("1970-01-01T24:00"), &us, &utc));
  ASSERT(!pf__parse_timestamp(S("1970-01-01T10:60"), &us, &utc));
  ASSERT(!pf__parse_timestamp(S("1970-01-01T10:00:60"), &us, &utc));
  ASSERT(!pf__parse_timestamp(S("1970-01-01"), &us, &utc));
  ASSERT(!pf__parse_timestamp(S("1970-01-01X10:00"), &us, &utc));
  ASSERT(!pf__parse_timestamp(S("1970-01-01T10:00:00.Z"), &us, &utc));
  ASSERT(!pf__parse_timestamp(S("1970-01-01T10:00+0100"), &us, &utc));
  ASSERT(!pf__parse_timestamp(S("1970-02-30T10:00"), &us, &utc));
}

TEST_IMPL(value_types) {
  int big = -1;
  ASSERT_EQ(pf__infer_value(&ctx, S(""), &big), PF_TYPE_NULL);
  ASSERT_EQ(pf__infer_value(&ctx, S("true"), &big), PF_TYPE_BOOL);
  ASSERT_EQ(pf__infer_value(&ctx, S("42"), &big), PF_TYPE_INT64);
  ASSERT_EQ(big, 0);
  ASSERT_EQ(pf__infer_value(&ctx, S("9007199254740993"), &big), PF_TYPE_INT64);
  ASSERT_EQ(big, 1);
  ASSERT_EQ(pf__infer_value(&ctx, S("4.5"), &big), PF_TYPE_DOUBLE);
  ASSERT_EQ(pf__infer_value(&ctx, S("2024-01-01"), &big), PF_TYPE_DATE);
  ASSERT_EQ(pf__infer_value(&ctx, S("2024-01-01 00:00"), &big), PF_TYPE_TIMESTAMP);
  ASSERT_EQ(pf__infer_value(&ctx, S("2024-01-01T00:00Z"), &big), PF_TYPE_TIMESTAMP_UTC);
  ASSERT_EQ(pf__infer_value(&ctx, S("00501"), &big), PF_TYPE_STRING);
  ASSERT_EQ(pf__infer_value(&ctx, S("12345678901234567890"), &big), PF_TYPE_STRING);
  ASSERT_EQ(pf__infer_value(&ctx, S("1.2345678901234567891"), &big), PF_TYPE_STRING);
  ASSERT_EQ(pf__infer_value(&ctx, S("hello"), &big), PF_TYPE_STRING);
  ASSERT_EQ(pf__infer_value(&ctx, S("tru"), &big), PF_TYPE_STRING);
}

TEST_IMPL(widen_rules) {
  ASSERT_EQ(pf__infer_widen(PF_TYPE_NULL, 0, PF_TYPE_INT64, 0), PF_TYPE_INT64);
  ASSERT_EQ(pf__infer_widen(PF_TYPE_DATE, 0, PF_TYPE_NULL, 0), PF_TYPE_DATE);
  ASSERT_EQ(pf__infer_widen(PF_TYPE_INT64, 0, PF_TYPE_DOUBLE, 0), PF_TYPE_DOUBLE);
  ASSERT_EQ(pf__infer_widen(PF_TYPE_DOUBLE, 0, PF_TYPE_INT64, 0), PF_TYPE_DOUBLE);
  ASSERT_EQ(pf__infer_widen(PF_TYPE_INT64, 1, PF_TYPE_DOUBLE, 0), PF_TYPE_STRING);
  ASSERT_EQ(pf__infer_widen(PF_TYPE_DOUBLE, 0, PF_TYPE_INT64, 1), PF_TYPE_STRING);
  ASSERT_EQ(pf__infer_widen(PF_TYPE_DATE, 0, PF_TYPE_TIMESTAMP, 0), PF_TYPE_TIMESTAMP);
  ASSERT_EQ(pf__infer_widen(PF_TYPE_TIMESTAMP, 0, PF_TYPE_DATE, 0), PF_TYPE_TIMESTAMP);
  ASSERT_EQ(pf__infer_widen(PF_TYPE_TIMESTAMP, 0, PF_TYPE_TIMESTAMP_UTC, 0), PF_TYPE_STRING);
  ASSERT_EQ(pf__infer_widen(PF_TYPE_DATE, 0, PF_TYPE_TIMESTAMP_UTC, 0), PF_TYPE_STRING);
  ASSERT_EQ(pf__infer_widen(PF_TYPE_BOOL, 0, PF_TYPE_INT64, 0), PF_TYPE_STRING);
  ASSERT_EQ(pf__infer_widen(PF_TYPE_INT64, 0, PF_TYPE_DATE, 0), PF_TYPE_STRING);
  ASSERT_EQ(pf__infer_widen(PF_TYPE_DOUBLE, 0, PF_TYPE_STRING, 0), PF_TYPE_STRING);
}

TEST_IMPL(column_ladder) {
  static const struct {
    const char *values[6];
    pf_type want;
  } cases[] = {
      {{"1", "2", "", "3", NULL}, PF_TYPE_INT64},
      {{"1", "2.5", NULL}, PF_TYPE_DOUBLE},
      {{"9007199254740993", "2.5", NULL}, PF_TYPE_STRING}, /* big int + double */
      {{"2.5", "9007199254740993", NULL}, PF_TYPE_STRING},
      {{"2024-01-01", "2024-01-02 03:04", NULL}, PF_TYPE_TIMESTAMP},
      {{"2024-01-02T03:04Z", "2024-01-02 03:04", NULL}, PF_TYPE_STRING},
      {{"true", "FALSE", NULL}, PF_TYPE_BOOL},
      {{"true", "1", NULL}, PF_TYPE_STRING},
      {{"00501", "12", NULL}, PF_TYPE_STRING},
      {{"", "", NULL}, PF_TYPE_NULL},
  };
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    pf__infer_col c;
    pf__infer_col_init(&c);
    for (size_t i = 0; cases[k].values[i]; i++)
      pf__infer_col_add(&c, &ctx, cases[k].values[i], strlen(cases[k].values[i]));
    if (c.type != cases[k].want)
      TEST_FAIL_("case %zu: got %s, want %s", k, pf_type_name(c.type), pf_type_name(cases[k].want));
  }
}

TEST_IMPL(parse_as_column_type) {
  pf__value v;
  /* A double column takes exact integers; a timestamp column dates. */
  ASSERT(pf__infer_parse(&ctx, PF_TYPE_DOUBLE, S("12"), &v));
  ASSERT_DBL_EQ(v.f64, 12.0);
  ASSERT(pf__infer_parse(&ctx, PF_TYPE_TIMESTAMP, S("1970-01-02"), &v));
  ASSERT_EQ(v.i64, 86400LL * 1000000);
  ASSERT(!pf__infer_parse(&ctx, PF_TYPE_TIMESTAMP, S("1970-01-02T00:00Z"), &v));
  ASSERT(pf__infer_parse(&ctx, PF_TYPE_TIMESTAMP_UTC, S("1970-01-02T00:00Z"), &v));
  ASSERT(!pf__infer_parse(&ctx, PF_TYPE_TIMESTAMP_UTC, S("1970-01-02"), &v));
  ASSERT(!pf__infer_parse(&ctx, PF_TYPE_INT64, S("1.5"), &v));
  ASSERT(!pf__infer_parse(&ctx, PF_TYPE_STRING, S("x"), &v));
}

TEST_IMPL(null_tokens) {
  ASSERT(pf__infer_default_null(S("NULL")));
  ASSERT(pf__infer_default_null(S("null")));
  ASSERT(pf__infer_default_null(S("NA")));
  ASSERT(pf__infer_default_null(S("N/A")));
  ASSERT(pf__infer_default_null(S("NaN")));
  ASSERT(!pf__infer_default_null(S("Null")));
  ASSERT(!pf__infer_default_null(S("na")));
  ASSERT(!pf__infer_default_null(S("")));
  ASSERT(!pf__infer_default_null(S("NAN")));
}

/* ---- the inline fast paths against plain reference code ---- */

static uint64_t fuzz_state;
static uint32_t fuzz(uint32_t n) {
  fuzz_state = fuzz_state * 6364136223846793005ull + 1442695040888963407ull;
  return (uint32_t)(fuzz_state >> 33) % n;
}

/* The rules written out simply: [+-]digits, no leading zero, in range. */
static int ref_int64(const char *s, size_t n, int64_t *out) {
  size_t i = n && (s[0] == '-' || s[0] == '+');
  if (i == n || n - i > 19 || (s[i] == '0' && n - i > 1)) return 0;
  for (size_t k = i; k < n; k++)
    if (s[k] < '0' || s[k] > '9') return 0;
  char buf[32];
  memcpy(buf, s, n);
  buf[n] = 0;
  errno = 0;
  long long v = strtoll(buf, NULL, 10);
  if (errno == ERANGE) return 0;
  *out = v;
  return 1;
}

static int ref_date(const char *s, size_t n, int32_t *days) {
  if (n != 10 || s[4] != '-' || s[7] != '-') return 0;
  for (int k = 0; k < 10; k++)
    if (k != 4 && k != 7 && (s[k] < '0' || s[k] > '9')) return 0;
  int y = atoi(s), m = (s[5] - '0') * 10 + s[6] - '0', d = (s[8] - '0') * 10 + s[9] - '0';
  static const int md[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (y < 1 || m < 1 || m > 12 || d < 1 || d > md[m - 1] + (m == 2 && leap)) return 0;
  *days = pf__days_from_civil(y, m, d);
  return 1;
}

/* "YYYY-MM-DD HH:MM:SS" (or 'T'), the rule written out simply. */
static int ref_ts19(const char *s, size_t n, int64_t *us) {
  int32_t days;
  if (n != 19 || (s[10] != ' ' && s[10] != 'T') || !ref_date(s, 10, &days)) return 0;
  if (s[13] != ':' || s[16] != ':') return 0;
  for (int k = 11; k < 19; k++)
    if (k != 13 && k != 16 && (s[k] < '0' || s[k] > '9')) return 0;
  int h = (s[11] - '0') * 10 + s[12] - '0', m = (s[14] - '0') * 10 + s[15] - '0',
      sec = (s[17] - '0') * 10 + s[18] - '0';
  if (h > 23 || m > 59 || sec > 59) return 0;
  *us = ((int64_t)days * 86400 + h * 3600 + m * 60 + sec) * 1000000;
  return 1;
}

/* One input through every fast parser, padded and not, against the
 * references (strtoll, the calendar rule, strtod); buf has 16 readable bytes
 * after n, whatever they hold (the pad the CSV reader promises). */
static void check_fast(const char *buf, size_t n) {
  int64_t a = 0, b = 0, c = 0;
  int ra = ref_int64(buf, n, &a), rb = pf__parse_int64_p(buf, n, &b, 1),
      rc = pf__parse_int64_p(buf, n, &c, 0);
  if (ra != rb || ra != rc || (ra && (a != b || a != c)))
    TEST_FAIL_("int64 '%.*s': ref %d %lld, pad %d %lld, no pad %d %lld", (int)n, buf, ra,
               (long long)a, rb, (long long)b, rc, (long long)c);
  int32_t da = 0, db = 0;
  ra = ref_date(buf, n, &da);
  rb = pf__parse_date_p(buf, n, &db);
  if (ra != rb || (ra && da != db))
    TEST_FAIL_("date '%.*s': ref %d %d, fast %d %d", (int)n, buf, ra, da, rb, db);
  if (n == 19 && (buf[10] == ' ' || buf[10] == 'T')) {
    int64_t ta = 0, tb = 0, tc = 0;
    int utc = -1;
    ra = ref_ts19(buf, n, &ta);
    rb = pf__parse_ts19_p(buf, n, &tb);
    rc = pf__parse_timestamp(buf, n, &tc, &utc);
    if (ra != rb || ra != rc || (ra && (ta != tb || ta != tc || utc != 0)))
      TEST_FAIL_("timestamp '%.*s': ref %d %lld, fast %d %lld, full %d %lld", (int)n, buf, ra,
                 (long long)ta, rb, (long long)tb, rc, (long long)tc);
  } else if (pf__parse_ts19_p(buf, n, &b) != -1) {
    TEST_FAIL_("timestamp '%.*s': the fast path took another form", (int)n, buf);
  }
  double x = 0, y = 0, full = 0;
  int rx = pf__parse_double_plain(buf, n, &x, 1), ry = pf__parse_double_plain(buf, n, &y, 0);
  if (rx != ry || (rx == 1 && memcmp(&x, &y, sizeof x) != 0))
    TEST_FAIL_("double '%.*s': pad %d %.17g, no pad %d %.17g", (int)n, buf, rx, x, ry, y);
  if (rx == 1) { /* correctly rounded, as strtod rounds, and as the full parser says */
    char z[80];
    memcpy(z, buf, n);
    z[n] = 0;
    double want = strtod(z, NULL);
    if (memcmp(&x, &want, sizeof x) != 0)
      TEST_FAIL_("double '%s': %.17g, strtod %.17g", z, x, want);
    if (!pf__parse_double(&ctx, buf, n, &full) || memcmp(&x, &full, sizeof x) != 0)
      TEST_FAIL_("double '%s': fast %.17g, full parser %.17g", z, x, full);
  }
}

static const char *const fast_edges[] = {
    "", "-", "+", "0", "-0", "+0", "00", "-00", "01", "1", "-1", "+1", "12345678", "123456789",
    "1234567890123456", "9223372036854775807", "-9223372036854775808", "9223372036854775808",
    "-9223372036854775809", "+9223372036854775807", "9999999999999999999", "10000000000000000000",
    "18446744073709551615", "18446744073709551616", "99999999", "100000000", "0.5", "-0.5", ".5",
    "5.", "-.5", "1.0", "0.1", "0.3", "123456789012345", "1234567890123456", "12345678901234.5",
    "1234567.12345678", "999999999999999", "-999999999999999.", "0.000000000000001",
    "0.0000000000000001", "921363776.2334789", "994742879282406.9", "9.566809910980155",
    "9007199254740993", "1e5", "1E5", "1.5e-3", "1..2", "1-2", "--1", "12:30", "1 ",
    " 1", "0001-01-01", "0000-01-01", "9999-12-31", "1970-01-01", "1969-12-31", "2000-02-29",
    "1900-02-29", "2100-02-29", "2004-02-29", "2003-02-29", "2024-04-31", "2024-13-01",
    "2024-00-10", "2024-01-00", "2024-01-32", "2024/01/01", "2024-1-01", "2024-01-1",
    "2024-01-01T", "20240-01-01", "+024-01-01", "2024-0a-01", "2024-01-0:", "2024-01-0/",
    "true", "True", "FALSE", "fals", "truex", "1970-01-01 00:00:00", "1969-12-31T23:59:59",
    "0001-01-01 00:00:00", "9999-12-31 23:59:59", "2000-02-29 12:30:45", "2001-02-29 12:30:45",
    "2024-01-01 24:00:00", "2024-01-01 23:60:00", "2024-01-01 23:59:60", "2024-01-01 2:59:59",
    "2024-01-01 23-59-59", "2024-01-01 23:59:5a", "2024-01-01X10:00:00", "2024-01-01 10:00:0/",
    "2024-01-01 :0:00:00",
};

TEST_IMPL(fast_paths_match_reference) {
  static const char alpha[] = "0123456789000099-+.eEx: T/:";
  static const char tails[] = "0123456789,;\t\n\r\"- .:/\xff";
  char buf[64 + 16];
  for (size_t e = 0; e < sizeof fast_edges / sizeof *fast_edges; e++) {
    for (int t = 0; t < 3; t++) {
      size_t n = strlen(fast_edges[e]);
      memcpy(buf, fast_edges[e], n);
      memset(buf + n, t == 0 ? '0' : t == 1 ? ',' : '9', sizeof buf - n);
      check_fast(buf, n);
      if (pf_test_failed_) return;
    }
  }
  for (int round = 0; round < 200000; round++) {
    fuzz_state += (uint64_t)round * 0x9E3779B97F4A7C15ull;
    size_t n = fuzz(24);
    int shape = (int)fuzz(4);
    for (size_t k = 0; k < n; k++)
      buf[k] = shape == 0 ? alpha[fuzz(sizeof alpha - 1)] : (char)('0' + fuzz(10));
    if (shape == 1 && n > 1 && fuzz(2)) buf[0] = fuzz(2) ? '-' : '+';
    if (shape == 2 && n > 2) buf[fuzz((uint32_t)n)] = '.';
    if (shape == 3 && n == 10) buf[4] = buf[7] = '-';
    if (shape == 3 && fuzz(2)) { /* a date, valid or nearly */
      snprintf(buf, sizeof buf, "%04u-%02u-%02u", fuzz(10000), fuzz(14), fuzz(33));
      n = 10;
      if (fuzz(2)) { /* a timestamp, valid or nearly */
        snprintf(buf + 10, sizeof buf - 10, "%c%02u:%02u:%02u", fuzz(8) ? ' ' : 'T', fuzz(26),
                 fuzz(62), fuzz(62));
        n = 19;
        if (fuzz(4) == 0) buf[11 + fuzz(8)] = alpha[fuzz(sizeof alpha - 1)];
      }
    }
    for (size_t k = n; k < sizeof buf; k++) /* what the pad reads: digits or anything */
      buf[k] = fuzz(2) ? (char)('0' + fuzz(10)) : tails[fuzz(sizeof tails - 1)];
    check_fast(buf, n);
    if (pf_test_failed_) return;
  }
  int v;
  ASSERT(pf__parse_bool_p("TrUe", 4, &v) && v == 1);
  ASSERT(pf__parse_bool_p("FALSE", 5, &v) && v == 0);
  ASSERT(!pf__parse_bool_p("t\x80ue", 4, &v) && !pf__parse_bool_p("fals3", 5, &v));
  ASSERT(!pf__parse_bool_p("TRUE ", 5, &v) && !pf__parse_bool_p("tru", 3, &v));
  ASSERT(!pf__parse_bool_p("tRu\x05", 4, &v) && !pf__parse_bool_p("\x14rue", 4, &v));
}

int main(void) {
  if (pf__infer_ctx_init(&ctx) != PF_OK) return 1;
  RUN_TEST(bool_parse);
  RUN_TEST(int_parse);
  RUN_TEST(double_parse);
  RUN_TEST(date_parse);
  RUN_TEST(timestamp_parse);
  RUN_TEST(value_types);
  RUN_TEST(widen_rules);
  RUN_TEST(column_ladder);
  RUN_TEST(parse_as_column_type);
  RUN_TEST(null_tokens);
  RUN_TEST(fast_paths_match_reference);
  pf__infer_ctx_free(&ctx);
  return TEST_SUMMARY();
}

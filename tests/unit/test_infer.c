/* test_infer.c - text to typed values and the type ladder (core/infer). */
#include <math.h>

#include "core/infer.h"
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
  pf__infer_ctx_free(&ctx);
  return TEST_SUMMARY();
}

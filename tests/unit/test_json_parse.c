/* test_json_parse.c - the strict JSON parser (src/core/json_parse.c):
 * values, escapes and surrogate pairs, the accessors, and every kind of
 * malformed or over-limit input it must refuse with the byte offset. */
#include "core/json_parse.h"
#include "test.h"

static pf_status parse(const char *s, pf__json **out) {
  pf_error err;
  pf_error_init(&err);
  return pf__json_parse(s, strlen(s), NULL, out, &err);
}

TEST_IMPL(values_and_accessors) {
  pf__json *j;
  ASSERT_OK(parse(" {\"a\":1,\"b\":[true,false,null,-2.5e3,\"x\"],\"c\":{},\"a\":-9223372036854775808} ", &j));
  ASSERT_EQ(j->kind, PF__JSON_OBJECT);
  ASSERT_EQ(j->n, 4);
  int64_t v;
  ASSERT(pf__json_int64(pf__json_get(j, "a"), &v)); /* the last "a" wins */
  ASSERT_EQ(v, INT64_MIN);
  const pf__json *b = pf__json_get(j, "b");
  ASSERT_EQ(b->kind, PF__JSON_ARRAY);
  ASSERT_EQ(b->n, 5);
  ASSERT_EQ(b->items[0].boolean, 1);
  ASSERT_EQ(b->items[1].kind, PF__JSON_BOOL);
  ASSERT_EQ(b->items[2].kind, PF__JSON_NULL);
  double d;
  ASSERT(pf__json_double(&b->items[3], &d));
  ASSERT_DBL_EQ(d, -2500.0);
  ASSERT(!pf__json_int64(&b->items[3], &v)); /* not an integer literal */
  ASSERT_STR_EQ(pf__json_string(&b->items[4]), "x");
  ASSERT(pf__json_get(j, "zz") == NULL);
  ASSERT(pf__json_get(b, "a") == NULL); /* not an object */
  ASSERT_EQ(pf__json_get(j, "c")->n, 0);
  pf__json_free(j);
  ASSERT_OK(parse("9223372036854775808", &j)); /* valid JSON, not an int64 */
  ASSERT(!pf__json_int64(j, &v));
  pf__json_free(j);
}

TEST_IMPL(strings_and_escapes) {
  pf__json *j;
  ASSERT_OK(parse("\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00e9\\u6f22\\ud83d\\ude00\\u0000z\"", &j));
  const char want[] = "a\"b\\c/d\b\f\n\r\t\xc3\xa9\xe6\xbc\xa2\xf0\x9f\x98\x80\0z";
  ASSERT_EQ(j->len, sizeof want - 1);
  ASSERT_MEM_EQ(j->str, want, sizeof want - 1);
  pf__json_free(j);
  ASSERT_OK(parse("\"raw \xc3\xa9\xe6\xbc\xa2\xf0\x9f\x98\x80\"", &j)); /* raw UTF-8 kept */
  ASSERT_STR_EQ(j->str, "raw \xc3\xa9\xe6\xbc\xa2\xf0\x9f\x98\x80");
  pf__json_free(j);
  ASSERT_OK(parse("\"\"", &j));
  ASSERT_EQ(j->len, 0);
  ASSERT_STR_EQ(j->str, "");
  pf__json_free(j);
}

TEST_IMPL(refuses_malformed) {
  static const char *bad[] = {
      "", "   ", "{", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "[1 2]", "01", "1.", ".5", "1e", "-",
      "+1", "NaN", "Infinity", "tru", "nul", "\"abc", "\"a\\x\"", "\"\\u12\"", "\"\\ud800\"", "\"\\udc00\"",
      "\"\\ud800\\u0041\"", "\"tab\there\"", "\"\xff\"", "\"\xc3\"", "\"\xe0\x80\x80\"", "\"\xed\xa0\x80\"",
      "/* c */ 1", "1 2", "{} x", "[1]]"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    pf__json *j = (pf__json *)1;
    pf_error err;
    pf_error_init(&err);
    pf_status st = pf__json_parse(bad[i], strlen(bad[i]), NULL, &j, &err);
    if (st != PF_EPARSE) TEST_FAIL_("input %zu (%s) gave %s, not EPARSE", i, bad[i], pf_status_name(st));
    ASSERT(j == NULL);
    ASSERT(err.offset >= 0);
  }
  pf__json *j;
  pf_error err;
  pf_error_init(&err);
  ASSERT_EQ(pf__json_parse("[1,2,x]", 7, NULL, &j, &err), PF_EPARSE);
  ASSERT_EQ(err.offset, 5);
}

TEST_IMPL(limits) {
  char deep[300];
  memset(deep, '[', 100);
  memset(deep + 100, ']', 100);
  deep[200] = 0;
  pf__json *j;
  pf_error err;
  pf_error_init(&err);
  ASSERT_EQ(pf__json_parse(deep, 200, NULL, &j, &err), PF_ELIMIT); /* default depth 64 */
  pf__json_limits lim = {0, 128};
  ASSERT_OK(pf__json_parse(deep, 200, &lim, &j, &err));
  pf__json_free(j);
  pf__json_limits small = {4, 0};
  ASSERT_EQ(pf__json_parse("12345", 5, &small, &j, &err), PF_ELIMIT);
  ASSERT_OK(pf__json_parse("1234", 4, &small, &j, &err));
  pf__json_free(j);
  pf__json_free(NULL);
}

int main(void) {
  RUN_TEST(values_and_accessors);
  RUN_TEST(strings_and_escapes);
  RUN_TEST(refuses_malformed);
  RUN_TEST(limits);
  return TEST_SUMMARY();
}

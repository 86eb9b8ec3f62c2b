/* test_names.c - column names (src/core/names.c): PyForge's rule and the
 * original PyForge CLI's, which input.all_strings reproduces. The expected
 * names of the original's rule are what pandas 1.5.3's read_csv and the
 * original 1.0.9 printed for the same headers (run side by side). */
#include "core/names.h"
#include "test.h"

/* names of raw (NULL entries: no header field) under rule, joined by '|' */
static void check(int original, const char *const *raw, size_t n, const char *want) {
  char **names = NULL;
  pf_status st = original ? pf__names_original(raw, NULL, n, &names)
                          : pf__names_unique(raw, NULL, n, &names);
  ASSERT_OK(st);
  char got[1024] = "";
  for (size_t i = 0; i < n; i++) {
    if (i) strcat(got, "|");
    strcat(got, names[i]);
  }
  ASSERT_STR_EQ(got, want);
  pf__names_free(names, n);
}

#define CHECK(orig, want, ...)                                              \
  do {                                                                       \
    const char *const raw_[] = {__VA_ARGS__};                               \
    check(orig, raw_, sizeof raw_ / sizeof raw_[0], want);                   \
  } while (0)

TEST_IMPL(pyforge_rule) {
  CHECK(0, "a|a_3|a_2", "a", "a", "a_2");
  CHECK(0, "id|ID_2|Column_3", "id", "ID", NULL);
  CHECK(0, "x|Column_2", " x\t", "  ");
}

TEST_IMPL(pandas_duplicates) {
  CHECK(1, "a|a.2|a.1", "a", "a", "a.1");
  CHECK(1, "a|a.1|a.2", "a", "a.1", "a");
  CHECK(1, "a|a.3|a.4|a.1|a.2", "a", "a", "a", "a.1", "a.2");
  CHECK(1, "x.1|x|x.2|x.3", "x.1", "x", "x", "x");
  CHECK(1, "a|A|a.1", "a", "A", "a"); /* letter case counts */
  CHECK(1, "a|a.2|a.1|a.1.1", "a", "a", "a.1", "a.1");
  CHECK(1, "value|value.1|Value|name", "value", "value", "Value", "name");
}

TEST_IMPL(pandas_unnamed) {
  CHECK(1, "Unnamed: 0|Unnamed: 1|Unnamed: 2", "", "", "");
  CHECK(1, "Unnamed: 1|Unnamed: 1.1|Unnamed: 2", "Unnamed: 1", "", "");
  CHECK(1, "id|Column_2|Column_3", "id", NULL, NULL); /* past the header */
}

TEST_IMPL(original_strip_and_duplicates) {
  /* the original 1.0.9 on the header a,,a, a ,a.1,b,b,a */
  CHECK(1, "a|Unnamed: 1|a.2|a_duplicate_1|a.1|b|b.1|a.3", "a", "", "a", " a ", "a.1", "b", "b",
        "a");
  CHECK(1, "q|r|s", "\"q\"", "'r'", " s\t");
  CHECK(1, "Column_1|x", " ", "x");
  CHECK(1, "Column_1|Column_1_duplicate_1", " ", "Column_1");
  CHECK(1, "k|k_duplicate_1|k_duplicate_2", "k", "k ", " k");
}

int main(void) {
  RUN_TEST(pyforge_rule);
  RUN_TEST(pandas_duplicates);
  RUN_TEST(pandas_unnamed);
  RUN_TEST(original_strip_and_duplicates);
  return TEST_SUMMARY();
}

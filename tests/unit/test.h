/* test.h - a minimal unit test harness (libuv's TEST_IMPL/ASSERT style).
 *
 * A test file defines tests with TEST_IMPL(name) and lists them in
 * TEST_LIST(...) inside main via RUN_TEST(name). Assertions print the
 * expression, both values and the place, then fail the test.
 */
#ifndef PF_TEST_H
#define PF_TEST_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int pf_test_failed_;
static int pf_test_count_;
static int pf_test_failures_;

/* Scratch files of a test program: main makes test_tmpdir (mkdtemp) and
 * removes it; test_tmp_path names a file in it (8 names stay valid at
 * once); test_write_file writes one and returns its path, exiting when it
 * cannot. */
static char test_tmpdir[256];

static inline const char *test_tmp_path(const char *name) {
  static char paths[8][512];
  static int k;
  char *p = paths[k++ & 7];
  snprintf(p, 512, "%s/%s", test_tmpdir, name);
  return p;
}

static inline const char *test_write_file(const char *name, const void *data, size_t n) {
  const char *p = test_tmp_path(name);
  FILE *f = fopen(p, "wb");
  if (!f || fwrite(data, 1, n, f) != n || fclose(f) != 0) {
    perror(p);
    exit(1);
  }
  return p;
}

#define TEST_IMPL(name) static void test_##name(void)

#define RUN_TEST(name)                                             \
  do {                                                             \
    pf_test_failed_ = 0;                                           \
    pf_test_count_++;                                              \
    test_##name();                                                 \
    if (pf_test_failed_) {                                         \
      pf_test_failures_++;                                         \
      fprintf(stderr, "not ok - %s\n", #name);                     \
    } else {                                                       \
      fprintf(stderr, "ok - %s\n", #name);                         \
    }                                                              \
  } while (0)

#define TEST_SUMMARY()                                                       \
  (fprintf(stderr, "%d passed, %d failed\n", pf_test_count_ - pf_test_failures_, \
           pf_test_failures_),                                               \
   pf_test_failures_ ? 1 : 0)

#define TEST_FAIL_(...)                                        \
  do {                                                         \
    fprintf(stderr, "  %s:%d: ", __FILE__, __LINE__);          \
    fprintf(stderr, __VA_ARGS__);                              \
    fprintf(stderr, "\n");                                     \
    pf_test_failed_ = 1;                                       \
    return;                                                    \
  } while (0)

#define ASSERT(cond) \
  do { if (!(cond)) TEST_FAIL_("assertion failed: %s", #cond); } while (0)

#define ASSERT_EQ(a, b)                                                      \
  do {                                                                       \
    long long a_ = (long long)(a), b_ = (long long)(b);                      \
    if (a_ != b_) TEST_FAIL_("%s == %s: %lld != %lld", #a, #b, a_, b_);      \
  } while (0)

#define ASSERT_DBL_EQ(a, b)                                                  \
  do {                                                                       \
    double a_ = (a), b_ = (b);                                               \
    if (a_ != b_) TEST_FAIL_("%s == %s: %.17g != %.17g", #a, #b, a_, b_);    \
  } while (0)

#define ASSERT_STR_EQ(a, b)                                                  \
  do {                                                                       \
    const char *a_ = (a), *b_ = (b);                                         \
    if (!a_ || !b_ || strcmp(a_, b_) != 0)                                   \
      TEST_FAIL_("%s == %s: \"%s\" != \"%s\"", #a, #b, a_ ? a_ : "(null)",   \
                 b_ ? b_ : "(null)");                                        \
  } while (0)

#define ASSERT_MEM_EQ(a, b, n)                                               \
  do {                                                                       \
    if (memcmp((a), (b), (n)) != 0) TEST_FAIL_("%s and %s differ in %zu bytes", #a, #b, (size_t)(n)); \
  } while (0)

#define ASSERT_OK(expr)                                                      \
  do {                                                                       \
    pf_status st_ = (expr);                                                  \
    if (st_ != PF_OK) TEST_FAIL_("%s returned %s (%d)", #expr,               \
                                 pf_status_name(st_), (int)st_);             \
  } while (0)

#endif

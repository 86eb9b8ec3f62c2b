/* test_sha256.c - SHA-256 (src/core/sha256.c) against FIPS 180-4's example
 * vectors (and NIST's one-million-'a' message), fed whole and in uneven
 * pieces so every path through the partial block is taken. */
#include "core/sha256.h"
#include "test.h"

static void digest(const char *msg, size_t n, size_t piece, char hex[65]) {
  pf__sha256 c;
  pf__sha256_init(&c);
  for (size_t i = 0; i < n; i += piece) pf__sha256_update(&c, msg + i, n - i < piece ? n - i : piece);
  pf__sha256_hex(&c, hex);
}

static void check(const char *msg, const char *want) {
  static const size_t pieces[] = {1, 3, 55, 56, 63, 64, 65, 1000};
  char hex[65];
  size_t n = strlen(msg);
  digest(msg, n, n ? n : 1, hex);
  ASSERT_STR_EQ(hex, want);
  for (size_t i = 0; i < sizeof pieces / sizeof pieces[0]; i++) {
    digest(msg, n, pieces[i], hex);
    ASSERT_STR_EQ(hex, want);
  }
}

TEST_IMPL(fips_vectors) {
  check("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  check("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  check("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  check("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
        "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

TEST_IMPL(million_a) {
  static char a[1000000];
  memset(a, 'a', sizeof a);
  char hex[65];
  digest(a, sizeof a, 4099, hex);
  ASSERT_STR_EQ(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

int main(void) {
  RUN_TEST(fips_vectors);
  RUN_TEST(million_a);
  return TEST_SUMMARY();
}

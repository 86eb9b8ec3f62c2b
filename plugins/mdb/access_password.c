/* access_password.c - the Jet database password (Access 97 to 2003, and
 * .accdb files protected without encryption).
 *
 * libmdb reads a protected .mdb without asking: the password is only
 * stored in the header, which is masked with RC4 under a fixed key (bytes
 * 0x18..0x95 for Jet 3, 0x18..0x97 for Jet 4 and ACE). There, at 0x42,
 * Jet 3 keeps up to 20 single-byte characters; Jet 4 and ACE keep 20
 * UTF-16 characters further XOR-ed with the four bytes of the creation
 * date's whole days (the double at 0x72, as a little-endian int32). The
 * plugin asks for it the way Access does: a protected database without
 * input.password, or with another one, is an error and nothing is read.
 * (An .accdb encrypted with a password is refused earlier: libmdb cannot
 * decrypt it.) */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "access.h"

#define AX_PWD_OFFSET 0x42
#define AX_DATE_OFFSET 0x72

static void rc4(const uint8_t *key, size_t klen, uint8_t *buf, size_t n) {
  uint8_t s[256];
  for (int i = 0; i < 256; i++) s[i] = (uint8_t)i;
  for (int i = 0, j = 0; i < 256; i++) {
    j = (j + s[i] + key[i % klen]) & 255;
    uint8_t t = s[i];
    s[i] = s[j];
    s[j] = t;
  }
  for (size_t k = 0, i = 0, j = 0; k < n; k++) {
    i = (i + 1) & 255;
    j = (j + s[i]) & 255;
    uint8_t t = s[i];
    s[i] = s[j];
    s[j] = t;
    buf[k] ^= s[(s[i] + s[j]) & 255];
  }
}

/* The stored password as UTF-8 into out (NUL-terminated; "" when none).
 * head: the file's first bytes (n of them). 0 when the header is short. */
int ax_stored_password(const uint8_t *head, size_t n, int version, char *out, size_t cap) {
  uint8_t h[0x18 + 128];
  out[0] = 0;
  if (n < sizeof h || cap < 64) return 0;
  memcpy(h, head, sizeof h);
  static const uint8_t key[4] = {0xC7, 0xDA, 0x39, 0x6B};
  int jet3 = version == MDB_VER_JET3;
  rc4(key, sizeof key, h + 0x18, jet3 ? 126 : 128);
  size_t o = 0;
  if (jet3) {
    for (size_t i = 0; i < 20 && h[AX_PWD_OFFSET + i]; i++) {
      uint8_t c = h[AX_PWD_OFFSET + i];
      if (c < 0x80) out[o++] = (char)c;
      else out[o++] = (char)(0xC0 | c >> 6), out[o++] = (char)(0x80 | (c & 0x3F)); /* latin-1 */
    }
    out[o] = 0;
    return 1;
  }
  double days;
  uint64_t bits = 0;
  for (int i = 7; i >= 0; i--) bits = bits << 8 | h[AX_DATE_OFFSET + i];
  memcpy(&days, &bits, 8);
  int32_t whole = isfinite(days) && fabs(days) < 2e9 ? (int32_t)days : 0;
  uint8_t mask[4] = {(uint8_t)whole, (uint8_t)(whole >> 8), (uint8_t)(whole >> 16),
                     (uint8_t)(whole >> 24)};
  uint8_t pw[40];
  for (size_t i = 0; i < 40; i++) pw[i] = h[AX_PWD_OFFSET + i] ^ mask[i % 4];
  size_t len = 40;
  while (len >= 2 && pw[len - 1] == 0 && pw[len - 2] == 0) len -= 2;
  o = ax_utf16_to_utf8(pw, len, out);
  out[o] = 0;
  return 1;
}

pf_status ax_check_password(ax_reader *r, const uint8_t *head, size_t n, pf_error *err) {
  char stored[200];
  const char *given = ax_host->option_text(r->env->opts, "input.password");
  if (!ax_stored_password(head, n, r->version, stored, sizeof stored) || !stored[0]) return PF_OK;
  if (!given || !*given)
    return ax_fail(r, err, PF_EINVAL, NULL, NULL,
                   "the database is protected by a password: give it with input.password");
  if (strcmp(given, stored) != 0)
    return ax_fail(r, err, PF_EINVAL, NULL, NULL,
                   "the password given (input.password) is not the database's password");
  return PF_OK;
}

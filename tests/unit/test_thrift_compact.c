/* test_thrift_compact.c - the Thrift compact protocol encoder (byte vectors
 * computed by hand from the protocol spec) and the bounded decoder (round
 * trips, truncated and garbage input). */
#include "formats/parquet/thrift_compact.h"
#include "test.h"

/* Prints both byte strings when they differ. */
#define ASSERT_BYTES(buf, expect)                                               \
  do {                                                                          \
    const uint8_t *e_ = (const uint8_t *)(expect);                              \
    size_t en_ = sizeof(expect) - 1;                                            \
    if ((buf).len != en_ || memcmp((buf).data, e_, en_) != 0) {                 \
      char got_[512] = "", want_[512] = "";                                     \
      for (size_t k_ = 0; k_ < (buf).len && k_ < 160; k_++)                     \
        snprintf(got_ + strlen(got_), sizeof got_ - strlen(got_), "%02x ",      \
                 (buf).data[k_]);                                               \
      for (size_t k_ = 0; k_ < en_ && k_ < 160; k_++)                           \
        snprintf(want_ + strlen(want_), sizeof want_ - strlen(want_), "%02x ",  \
                 e_[k_]);                                                       \
      TEST_FAIL_("bytes differ:\n    got  %s\n    want %s", got_, want_);       \
    }                                                                           \
  } while (0)

TEST_IMPL(encode_single_i32) {
  pf__buf b;
  pf__buf_init(&b, 0);
  pf__tc_writer w;
  pf__tcw_init(&w, &b);
  pf__tcw_struct_begin(&w);
  pf__tcw_field_i32(&w, 1, 42); /* 0x15 = delta 1, type i32; zigzag(42) = 84 */
  pf__tcw_struct_end(&w);
  ASSERT_OK(w.status);
  ASSERT_BYTES(b, "\x15\x54\x00");
  pf__buf_free(&b);
}

TEST_IMPL(encode_mixed_fields) {
  pf__buf b;
  pf__buf_init(&b, 0);
  pf__tc_writer w;
  pf__tcw_init(&w, &b);
  pf__tcw_struct_begin(&w);
  pf__tcw_field_i32(&w, 1, -1);        /* 15 01 */
  pf__tcw_field_i64(&w, 3, 150);       /* 26 ac 02: zigzag 300 as varint */
  pf__tcw_field_string(&w, 20, "hi");  /* delta 17: long form 08 28 (zigzag 20) 02 'h' 'i' */
  pf__tcw_field_bool(&w, 21, 1);       /* 11 */
  pf__tcw_field_bool(&w, 22, 0);       /* 12 */
  pf__tcw_struct_end(&w);
  ASSERT_OK(w.status);
  ASSERT_BYTES(b, "\x15\x01\x26\xac\x02\x08\x28\x02hi\x11\x12\x00");
  pf__buf_free(&b);
}

TEST_IMPL(encode_nested_and_lists) {
  pf__buf b;
  pf__buf_init(&b, 0);
  pf__tc_writer w;
  pf__tcw_init(&w, &b);
  pf__tcw_struct_begin(&w);
  pf__tcw_field_struct_begin(&w, 1); /* 1c */
  pf__tcw_field_i32(&w, 1, 1);       /* 15 02: ids restart inside */
  pf__tcw_struct_end(&w);            /* 00 */
  pf__tcw_field_list_begin(&w, 2, PF__TC_I32, 3); /* 19 35 */
  pf__tcw_i32(&w, 1);
  pf__tcw_i32(&w, 2);
  pf__tcw_i32(&w, 3); /* 02 04 06 */
  pf__tcw_field_list_begin(&w, 3, PF__TC_BINARY, 20); /* 19 f8 14 */
  for (int i = 0; i < 20; i++) pf__tcw_binary(&w, "", 0);
  pf__tcw_struct_end(&w);
  ASSERT_OK(w.status);
  ASSERT_BYTES(b, "\x1c\x15\x02\x00\x19\x35\x02\x04\x06\x19\xf8\x14"
                  "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
                  "\x00");
  pf__buf_free(&b);
}

TEST_IMPL(encode_decreasing_ids_double_extremes) {
  pf__buf b;
  pf__buf_init(&b, 0);
  pf__tc_writer w;
  pf__tcw_init(&w, &b);
  pf__tcw_struct_begin(&w);
  pf__tcw_field_i32(&w, 5, 0);          /* 55 00 */
  pf__tcw_field_i32(&w, 2, 0);          /* negative delta: 05 04 00 */
  pf__tcw_field_double(&w, 3, 1.0);     /* 17 + little-endian IEEE */
  pf__tcw_field_i64(&w, 4, INT64_MIN);  /* 16 ff*9 01 */
  pf__tcw_struct_end(&w);
  ASSERT_OK(w.status);
  ASSERT_BYTES(b, "\x55\x00\x05\x04\x00\x17\x00\x00\x00\x00\x00\x00\xf0\x3f"
                  "\x16\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01\x00");
  pf__buf_free(&b);
}

TEST_IMPL(encode_errors_stick) {
  pf__buf b;
  pf__buf_init(&b, 4); /* tiny cap */
  pf__tc_writer w;
  pf__tcw_init(&w, &b);
  pf__tcw_struct_begin(&w);
  pf__tcw_field_string(&w, 1, "too long for the cap");
  pf__tcw_field_i32(&w, 2, 1);
  pf__tcw_struct_end(&w);
  ASSERT_EQ(w.status, PF_ELIMIT);
  pf__buf_free(&b);
  /* a field outside a struct is a caller bug */
  pf__buf_init(&b, 0);
  pf__tcw_init(&w, &b);
  pf__tcw_field_i32(&w, 1, 1);
  ASSERT_EQ(w.status, PF_EINTERNAL);
  pf__buf_free(&b);
}

static void build_sample(pf__buf *b) {
  pf__tc_writer w;
  pf__tcw_init(&w, b);
  pf__tcw_struct_begin(&w);
  pf__tcw_field_i32(&w, 1, -123456);
  pf__tcw_field_i64(&w, 2, INT64_MAX);
  pf__tcw_field_string(&w, 4, "name");
  pf__tcw_field_struct_begin(&w, 5);
  pf__tcw_field_bool(&w, 1, 1);
  pf__tcw_field_double(&w, 2, -2.5);
  pf__tcw_struct_end(&w);
  pf__tcw_field_list_begin(&w, 6, PF__TC_STRUCT, 2);
  for (int i = 0; i < 2; i++) {
    pf__tcw_struct_begin(&w);
    pf__tcw_field_i16(&w, 1, (int16_t)(i - 300));
    pf__tcw_field_i8(&w, 2, -5);
    pf__tcw_struct_end(&w);
  }
  pf__tcw_field_list_begin(&w, 7, PF__TC_BOOL, 3);
  pf__tcw_bool(&w, 1);
  pf__tcw_bool(&w, 0);
  pf__tcw_bool(&w, 1);
  pf__tcw_field_i32(&w, 300, 7); /* a big jump in ids */
  pf__tcw_struct_end(&w);
}

TEST_IMPL(decode_round_trip) {
  pf__buf b;
  pf__buf_init(&b, 0);
  build_sample(&b);
  pf__tc_reader r;
  pf__tcr_init(&r, b.data, b.len);
  uint8_t t, et;
  int16_t id;
  size_t n;
  int seen = 0;
  pf__tcr_struct_begin(&r);
  while (pf__tcr_field_next(&r, &t, &id)) {
    switch (id) {
      case 1: ASSERT_EQ(t, PF__TC_I32); ASSERT_EQ(pf__tcr_i32(&r), -123456); seen |= 1; break;
      case 2: ASSERT_EQ(t, PF__TC_I64); ASSERT_EQ(pf__tcr_i64(&r), INT64_MAX); seen |= 2; break;
      case 4: {
        const uint8_t *p;
        pf__tcr_binary(&r, &p, &n);
        ASSERT_EQ(n, 4);
        ASSERT_MEM_EQ(p, "name", 4);
        seen |= 4;
        break;
      }
      case 5: {
        uint8_t t2;
        int16_t id2;
        pf__tcr_struct_begin(&r);
        ASSERT(pf__tcr_field_next(&r, &t2, &id2));
        ASSERT_EQ(id2, 1);
        ASSERT(pf__tcr_bool_field(t2));
        ASSERT(pf__tcr_field_next(&r, &t2, &id2));
        ASSERT_EQ(id2, 2);
        ASSERT_DBL_EQ(pf__tcr_double(&r), -2.5);
        ASSERT(!pf__tcr_field_next(&r, &t2, &id2));
        pf__tcr_struct_end(&r);
        seen |= 8;
        break;
      }
      case 6:
        pf__tcr_list_begin(&r, &et, &n);
        ASSERT_EQ(et, PF__TC_STRUCT);
        ASSERT_EQ(n, 2);
        for (size_t i = 0; i < n; i++) {
          uint8_t t2;
          int16_t id2;
          pf__tcr_struct_begin(&r);
          ASSERT(pf__tcr_field_next(&r, &t2, &id2));
          ASSERT_EQ(pf__tcr_i16(&r), (int)i - 300);
          ASSERT(pf__tcr_field_next(&r, &t2, &id2));
          ASSERT_EQ(pf__tcr_i8(&r), -5);
          ASSERT(!pf__tcr_field_next(&r, &t2, &id2));
          pf__tcr_struct_end(&r);
        }
        pf__tcr_list_end(&r);
        seen |= 16;
        break;
      case 7:
        pf__tcr_list_begin(&r, &et, &n);
        ASSERT_EQ(n, 3);
        ASSERT_EQ(pf__tcr_bool(&r), 1);
        ASSERT_EQ(pf__tcr_bool(&r), 0);
        ASSERT_EQ(pf__tcr_bool(&r), 1);
        pf__tcr_list_end(&r);
        seen |= 32;
        break;
      case 300: ASSERT_EQ(pf__tcr_i32(&r), 7); seen |= 64; break;
      default: TEST_FAIL_("unexpected field %d", id);
    }
  }
  pf__tcr_struct_end(&r);
  ASSERT_OK(r.status);
  ASSERT_EQ(seen, 127);
  ASSERT_EQ(pf__tcr_offset(&r), b.len);
  /* the generic skip walks the same bytes */
  pf__tcr_init(&r, b.data, b.len);
  pf__tcr_skip(&r, PF__TC_STRUCT);
  ASSERT_OK(r.status);
  ASSERT_EQ(pf__tcr_offset(&r), b.len);
  pf__buf_free(&b);
}

TEST_IMPL(decode_rejects_truncation) {
  pf__buf b;
  pf__buf_init(&b, 0);
  build_sample(&b);
  for (size_t cut = 0; cut < b.len; cut++) {
    pf__tc_reader r;
    pf__tcr_init(&r, b.data, cut);
    pf__tcr_skip(&r, PF__TC_STRUCT);
    if (r.status != PF_EPARSE) TEST_FAIL_("prefix of %zu bytes accepted", cut);
    ASSERT(r.what && r.what[0]);
  }
  pf__buf_free(&b);
}

TEST_IMPL(decode_rejects_bad_lengths_and_depth) {
  pf__tc_reader r;
  /* binary claiming 100 bytes with 2 left */
  static const uint8_t bin[] = {0x18, 0x64, 'a', 'b'};
  pf__tcr_init(&r, bin, sizeof bin);
  pf__tcr_skip(&r, PF__TC_STRUCT);
  ASSERT_EQ(r.status, PF_EPARSE);
  ASSERT_STR_EQ(r.what, "Thrift binary longer than the data left");
  /* list of 2^31 elements */
  static const uint8_t lst[] = {0x19, 0xf5, 0xff, 0xff, 0xff, 0xff, 0x07, 0x00};
  pf__tcr_init(&r, lst, sizeof lst);
  pf__tcr_skip(&r, PF__TC_STRUCT);
  ASSERT_EQ(r.status, PF_EPARSE);
  ASSERT_STR_EQ(r.what, "Thrift list longer than the data left");
  /* varint of 11 bytes */
  static const uint8_t var[] = {0x16, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                0xff, 0xff, 0xff, 0xff, 0x01, 0x00};
  pf__tcr_init(&r, var, sizeof var);
  pf__tcr_skip(&r, PF__TC_STRUCT);
  ASSERT_EQ(r.status, PF_EPARSE);
  /* i32 field holding a value past 2^31 */
  static const uint8_t big[] = {0x15, 0x80, 0x80, 0x80, 0x80, 0x10, 0x00};
  pf__tcr_init(&r, big, sizeof big);
  pf__tcr_struct_begin(&r);
  uint8_t t;
  int16_t id;
  ASSERT(pf__tcr_field_next(&r, &t, &id));
  pf__tcr_i32(&r);
  ASSERT_EQ(r.status, PF_EPARSE);
  ASSERT_STR_EQ(r.what, "Thrift integer out of range");
  /* 200 nested struct fields */
  uint8_t deep[201];
  memset(deep, 0x1c, 200);
  deep[200] = 0;
  pf__tcr_init(&r, deep, sizeof deep);
  pf__tcr_skip(&r, PF__TC_STRUCT);
  ASSERT_EQ(r.status, PF_EPARSE);
  ASSERT_STR_EQ(r.what, "Thrift data nested too deeply");
  /* unknown type 14 */
  static const uint8_t unk[] = {0x1e, 0x00};
  pf__tcr_init(&r, unk, sizeof unk);
  pf__tcr_skip(&r, PF__TC_STRUCT);
  ASSERT_EQ(r.status, PF_EPARSE);
  /* once broken, reads return zeroes and nothing moves */
  ASSERT_EQ(pf__tcr_i64(&r), 0);
  ASSERT(!pf__tcr_field_next(&r, &t, &id));
}

TEST_IMPL(decode_survives_garbage) {
  /* Deterministic pseudo-random inputs: the decoder must end (ok or not)
   * without reading out of bounds (the ASan build checks that). */
  uint64_t x = 0x243F6A8885A308D3ull;
  uint8_t buf[256];
  int ok = 0, bad = 0;
  for (int round = 0; round < 20000; round++) {
    size_t n = (size_t)(round % 256);
    for (size_t i = 0; i < n; i++) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      buf[i] = (uint8_t)x;
    }
    pf__tc_reader r;
    pf__tcr_init(&r, buf, n);
    pf__tcr_skip(&r, PF__TC_STRUCT);
    if (r.status == PF_OK) ok++;
    else bad++;
    ASSERT(pf__tcr_offset(&r) <= n);
  }
  ASSERT(bad > 0);
  (void)ok;
}

int main(void) {
  RUN_TEST(encode_single_i32);
  RUN_TEST(encode_mixed_fields);
  RUN_TEST(encode_nested_and_lists);
  RUN_TEST(encode_decreasing_ids_double_extremes);
  RUN_TEST(encode_errors_stick);
  RUN_TEST(decode_round_trip);
  RUN_TEST(decode_rejects_truncation);
  RUN_TEST(decode_rejects_bad_lengths_and_depth);
  RUN_TEST(decode_survives_garbage);
  return TEST_SUMMARY();
}

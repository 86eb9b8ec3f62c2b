/* test_parquet_writer.c - the Parquet writer: RLE/bit-packed vectors, files
 * of every type read back through the footer reader (schema, row groups,
 * codecs, statistics) and through a small page decoder written here (values
 * of uncompressed chunks), the reader's info(), corrupt footers and bad
 * arguments. pyarrow/DuckDB checks live in tests/interop. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <math.h>
#include <sched.h>
#include <stdatomic.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/batch.h"
#include "core/pool.h"
#include "formats/parquet/thrift_compact.h"
#include "io/output.h"
#include "formats/parquet/parquet_footer_read.h"
#include "readers/parquet/parquet_reader.h"
#include "test.h"
#include "writers/parquet/parquet_writer.h"
#include "writers/parquet/parquet_writer_internal.h"

static char tmp_dir[64];
static pf__pool *pool;

static const char *tmp_path(const char *name) {
  static char buf[4][256];
  static int k;
  k = (k + 1) % 4;
  snprintf(buf[k], sizeof buf[k], "%s/%s", tmp_dir, name);
  return buf[k];
}

#define ASSERT_HEX(buf, len, expect)                                           \
  do {                                                                         \
    size_t en_ = sizeof(expect) - 1;                                           \
    if ((len) != en_ || memcmp((buf), (expect), en_) != 0) {                   \
      char got_[512] = "";                                                     \
      for (size_t k_ = 0; k_ < (size_t)(len) && k_ < 160; k_++)                \
        snprintf(got_ + strlen(got_), sizeof got_ - strlen(got_), "%02x ",     \
                 ((const uint8_t *)(buf))[k_]);                                \
      TEST_FAIL_("bytes differ (%zu, want %zu): %s", (size_t)(len), en_, got_); \
    }                                                                          \
  } while (0)

/* ---- a tiny reference decoder for the hybrid encoding ---- */

static uint64_t get_uleb(const uint8_t *p, size_t n, size_t *pos) {
  uint64_t v = 0;
  int sh = 0;
  while (*pos < n) {
    uint8_t b = p[(*pos)++];
    v |= (uint64_t)(b & 0x7f) << sh;
    sh += 7;
    if (!(b & 0x80)) break;
  }
  return v;
}

/* Decodes count values; returns bytes used or -1. */
static long rle_decode(const uint8_t *p, size_t n, int bw, uint32_t *out,
                       size_t count) {
  size_t pos = 0, k = 0;
  while (k < count) {
    if (pos >= n) return -1;
    uint64_t h = get_uleb(p, n, &pos);
    if (h & 1) {
      size_t vals = (size_t)(h >> 1) * 8;
      uint64_t acc = 0;
      int nb = 0;
      for (size_t v = 0; v < vals; v++) {
        while (nb < bw) {
          if (pos >= n) return -1;
          acc |= (uint64_t)p[pos++] << nb;
          nb += 8;
        }
        uint32_t x = (uint32_t)(acc & ((1ull << bw) - 1));
        acc >>= bw;
        nb -= bw;
        if (k < count) out[k++] = x;
      }
    } else {
      size_t cnt = (size_t)(h >> 1);
      uint32_t x = 0;
      for (int b = 0; b < (bw + 7) / 8; b++) {
        if (pos >= n) return -1;
        x |= (uint32_t)p[pos++] << (8 * b);
      }
      if (cnt == 0) return -1;
      for (size_t c = 0; c < cnt && k < count; c++) out[k++] = x;
    }
  }
  return (long)pos;
}

/* ---- RLE / bit-packing ---- */

TEST_IMPL(rle_known_vectors) {
  pf__buf b;
  pf__buf_init(&b, 0);
  uint32_t ones[10] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
  ASSERT_OK(pf__pq_rle_encode(ones, 10, 1, &b));
  ASSERT_HEX(b.data, b.len, "\x14\x01"); /* one RLE run of 10 */
  /* 0..7 at width 3: the spec's bit-packing example */
  uint32_t seq[8] = {0, 1, 2, 3, 4, 5, 6, 7};
  b.len = 0;
  ASSERT_OK(pf__pq_rle_encode(seq, 8, 3, &b));
  ASSERT_HEX(b.data, b.len, "\x03\x88\xc6\xfa");
  /* a run of 12 fives, then 3 literals padded to a group */
  uint32_t mix[15] = {5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 1, 2, 3};
  b.len = 0;
  ASSERT_OK(pf__pq_rle_encode(mix, 15, 3, &b));
  ASSERT_HEX(b.data, b.len, "\x18\x05\x03\xd1\x00\x00");
  /* literals 1,0 then 21 ones: the run lends 6 values to fill the group */
  uint32_t lend[23] = {1, 0};
  for (int i = 2; i < 23; i++) lend[i] = 1;
  b.len = 0;
  ASSERT_OK(pf__pq_rle_encode(lend, 23, 1, &b));
  ASSERT_HEX(b.data, b.len, "\x03\xfd\x1e\x01");
  /* width 0 and 33 are refused */
  ASSERT_EQ(pf__pq_rle_encode(seq, 8, 0, &b), PF_EINVAL);
  ASSERT_EQ(pf__pq_rle_encode(seq, 8, 33, &b), PF_EINVAL);
  ASSERT_EQ(pf__pq_bit_width(0), 1);
  ASSERT_EQ(pf__pq_bit_width(1), 1);
  ASSERT_EQ(pf__pq_bit_width(2), 2);
  ASSERT_EQ(pf__pq_bit_width(255), 8);
  ASSERT_EQ(pf__pq_bit_width(256), 9);
  pf__buf_free(&b);
}

TEST_IMPL(rle_bits_known_vectors) {
  pf__buf b;
  pf__buf_init(&b, 0);
  uint8_t all[2] = {0xff, 0x03}; /* 10 valid */
  ASSERT_OK(pf__pq_rle_encode_bits(all, 10, &b));
  ASSERT_HEX(b.data, b.len, "\x14\x01");
  uint8_t alt[2] = {0x55, 0x55}; /* 16 alternating */
  b.len = 0;
  ASSERT_OK(pf__pq_rle_encode_bits(alt, 16, &b));
  ASSERT_HEX(b.data, b.len, "\x05\x55\x55");
  uint8_t zeros_then[6] = {0, 0, 0, 0, 0, 0xaa}; /* 40 nulls, then a pattern */
  b.len = 0;
  ASSERT_OK(pf__pq_rle_encode_bits(zeros_then, 48, &b));
  ASSERT_HEX(b.data, b.len, "\x50\x00\x03\xaa");
  uint8_t tail[2] = {0xf0, 0x01}; /* 9 values: 0000 1111 1 */
  b.len = 0;
  ASSERT_OK(pf__pq_rle_encode_bits(tail, 9, &b));
  ASSERT_HEX(b.data, b.len, "\x05\xf0\x01");
  pf__buf_free(&b);
}

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint64_t rnd(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return rng_state;
}

TEST_IMPL(rle_round_trips) {
  pf__buf b;
  pf__buf_init(&b, 0);
  enum { N = 5000 };
  static uint32_t v[N], back[N];
  for (int round = 0; round < 300; round++) {
    int bw = 1 + round % 32; /* every width: the packers are specialised per width */
    size_t n = 1 + rnd() % N;
    uint32_t mask = bw == 32 ? 0xffffffffu : (1u << bw) - 1;
    int runny = round % 3;
    for (size_t i = 0; i < n; i++) {
      if (runny && i > 0 && rnd() % 10 < 8) v[i] = v[i - 1];
      else v[i] = (uint32_t)rnd() & mask;
    }
    b.len = 0;
    ASSERT_OK(pf__pq_rle_encode(v, n, bw, &b));
    memset(back, 0xee, sizeof back);
    long used = rle_decode(b.data, b.len, bw, back, n);
    if (used != (long)b.len) TEST_FAIL_("round %d: used %ld of %zu bytes", round, used, b.len);
    for (size_t i = 0; i < n; i++)
      if (back[i] != v[i]) TEST_FAIL_("round %d (bw %d, n %zu): value %zu is %u, want %u", round, bw, n, i, back[i], v[i]);
  }
  /* bits */
  static uint8_t bits[N / 8 + 16];
  for (int round = 0; round < 300; round++) {
    size_t n = 1 + rnd() % N;
    memset(bits, 0, sizeof bits);
    int kind = round % 6;
    for (size_t i = 0; i < n; i++) {
      /* 4, 5: what costs most: literal bytes between the shortest repeats
       * (1 byte, and 64 bytes: a 2-byte header) */
      int bit = kind == 0   ? 1
                : kind == 1 ? (rnd() % 100 < 97)
                : kind == 2 ? (int)(rnd() & 1)
                : kind == 3 ? (i / 300) % 2
                : kind == 4 ? (i % 40 < 32 ? 1 : (int)(i & 1))
                            : (i % 544 < 512 ? (int)((i ^ i >> 3) & 1) : 0);
      if (bit) pf__bit_set(bits, i);
    }
    b.len = 0;
    ASSERT_OK(pf__pq_rle_encode_bits(bits, n, &b));
    if (b.len > pf__pq_rle_bits_bound(n))
      TEST_FAIL_("bits round %d (n %zu, kind %d): %zu bytes, bound %zu", round, n, kind, b.len,
                 pf__pq_rle_bits_bound(n));
    long used = rle_decode(b.data, b.len, 1, back, n);
    if (used != (long)b.len) TEST_FAIL_("bits round %d: used %ld of %zu bytes", round, used, b.len);
    for (size_t i = 0; i < n; i++)
      if ((int)back[i] != pf__bit_get(bits, i))
        TEST_FAIL_("bits round %d (n %zu, kind %d): bit %zu is %u", round, n, kind, i, back[i]);
  }
  pf__buf_free(&b);
}

TEST_IMPL(bits_copy_matches_naive) {
  uint8_t src[64], dst[80], ref[80];
  for (size_t i = 0; i < sizeof src; i++) src[i] = (uint8_t)rnd();
  for (int round = 0; round < 2000; round++) {
    size_t soff = rnd() % 200, doff = rnd() % 200, n = rnd() % 300;
    if (soff + n > 8 * (sizeof src - 1)) n = 8 * (sizeof src - 1) - soff;
    memset(dst, 0, sizeof dst);
    memset(ref, 0, sizeof ref);
    pf__pq_bits_copy(dst, doff, src, soff, n);
    for (size_t i = 0; i < n; i++)
      if (pf__bit_get(src, soff + i)) pf__bit_set(ref, doff + i);
    if (memcmp(dst, ref, sizeof dst) != 0)
      TEST_FAIL_("copy of %zu bits from %zu to %zu differs", n, soff, doff);
    memset(dst, 0, sizeof dst);
    memset(ref, 0, sizeof ref);
    pf__pq_bits_set(dst, doff, n);
    for (size_t i = 0; i < n; i++) pf__bit_set(ref, doff + i);
    if (memcmp(dst, ref, sizeof dst) != 0) TEST_FAIL_("set of %zu bits at %zu differs", n, doff);
  }
}

/* ---- writing files ---- */

static void opts_default(pf__opts *o) {
  memset(o, 0, sizeof *o);
  o->compression = PF_COMPRESSION_SNAPPY;
  o->dictionary = 1;
}

typedef void (*fill_fn)(pf_batch *b, size_t r, int64_t i);

static pf_status write_file(const char *path, const pf_schema *s,
                            const pf__opts *o, int64_t rows,
                            size_t batch_rows, fill_fn fill, pf_error *err) {
  pf__output *out = NULL;
  pf_status st = pf__output_open(path, 1, &out, err);
  if (st != PF_OK) return st;
  pf__writer_env env = {.out = out, .schema = s, .opts = o, .pool = pool};
  void *w = NULL;
  st = pf__parquet_writer_ops.open(&env, &w, err);
  pf_batch *b = NULL;
  if (st == PF_OK) st = pf__batch_create(s, batch_rows, &b);
  for (int64_t first = 0; st == PF_OK && first < rows; first += (int64_t)batch_rows) {
    st = pf__batch_reset(b, s);
    size_t n = rows - first < (int64_t)batch_rows ? (size_t)(rows - first) : batch_rows;
    for (size_t r = 0; r < n; r++) fill(b, r, first + (int64_t)r);
    b->n_rows = n;
    if (st == PF_OK) st = pf__parquet_writer_ops.write(w, b, err);
  }
  pf__batch_free(b);
  if (st == PF_OK) {
    st = pf__parquet_writer_ops.close(w, err);
    w = NULL;
  }
  if (w) pf__parquet_writer_ops.abort(w);
  if (st == PF_OK) return pf__output_commit(out, err);
  pf__output_abort(out);
  return st;
}

/* every type; null patterns differ per column */
static pf_schema *all_schema(void) {
  static const struct { const char *n; pf_type t; int nullable; } f[] = {
      {"b", PF_TYPE_BOOL, 1},       {"i64", PF_TYPE_INT64, 1},     {"f64", PF_TYPE_DOUBLE, 1},
      {"day", PF_TYPE_DATE, 1},     {"ts", PF_TYPE_TIMESTAMP, 1},  {"tsz", PF_TYPE_TIMESTAMP_UTC, 1},
      {"tm", PF_TYPE_TIME, 1},      {"s", PF_TYPE_STRING, 1},      {"bin", PF_TYPE_BINARY, 1},
      {"dec", PF_TYPE_DECIMAL, 1},  {"nul", PF_TYPE_NULL, 1},      {"req", PF_TYPE_INT64, 0},
  };
  pf_schema *s = pf__schema_new(12);
  for (size_t i = 0; i < 12; i++) pf__schema_set(s, i, f[i].n, f[i].t, f[i].nullable);
  s->fields[9].precision = 20;
  s->fields[9].scale = 3;
  return s;
}

static int is_null(int col, int64_t i) { return col != 11 && (col == 10 || i % (col + 3) == 1); }

static void fill_all(pf_batch *b, size_t r, int64_t i) {
  char tmp[200];
  for (int c = 0; c < 12; c++) {
    pf_column *col = &b->cols[c];
    if (is_null(c, i)) {
      pf__col_set_null(col, r);
      continue;
    }
    switch (c) {
      case 0: pf__col_set_bool(col, r, i % 3 == 0); break;
      case 1: pf__col_set_i64(col, r, i == 2 ? INT64_MIN : i == 3 ? INT64_MAX : i * 7 - 300); break;
      case 2: pf__col_set_f64(col, r, i == 5 ? NAN : (double)i / 4 - 10); break;
      case 3: pf__col_set_i32(col, r, (int32_t)(19000 + i % 500)); break;
      case 4:
      case 5: pf__col_set_i64(col, r, 1700000000000000LL + i * 1000); break;
      case 6: pf__col_set_i64(col, r, i * 1000000); break;
      case 7: {
        int n = i % 4 == 0   ? 0
                : i % 4 == 1 ? snprintf(tmp, sizeof tmp, "v%03d-\xc3\xa9", (int)(i % 50))
                : i % 4 == 2 ? snprintf(tmp, sizeof tmp, "%s", "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz")
                             : snprintf(tmp, sizeof tmp, "a%lld", (long long)i);
        pf__col_push_str(col, r, tmp, (size_t)n);
        break;
      }
      case 8: {
        uint8_t v[3] = {(uint8_t)i, 0xff, 0};
        pf__col_push_str(col, r, v, 3);
        break;
      }
      case 9: {
        __int128 v = (__int128)(i - 100) * 1000000007;
        pf__bit_set(col->validity, r);
        memcpy(col->values + r * 16, &v, 16);
        break;
      }
      case 11: pf__col_set_i64(col, r, i); break;
      default: break;
    }
  }
}

static int64_t expect_nulls(int col, int64_t rows) {
  int64_t n = 0;
  for (int64_t i = 0; i < rows; i++) n += is_null(col, i);
  return n;
}

static int64_t le64(const pf__pqr_bytes *b) {
  int64_t v = 0;
  if (b->n == 8) memcpy(&v, b->p, 8);
  return v;
}

TEST_IMPL(all_types_footer) {
  pf_schema *s = all_schema();
  pf__opts o;
  opts_default(&o);
  o.row_group_rows = 400;
  o.page_bytes = 512;
  pf_error err;
  pf_error_init(&err);
  const char *path = tmp_path("all.parquet");
  ASSERT_OK(write_file(path, s, &o, 1000, 300, fill_all, &err));
  pf__pqr_meta m;
  ASSERT_OK(pf__pqr_read_file(path, &m, &err));
  ASSERT_EQ(m.num_rows, 1000);
  ASSERT_EQ(m.version, 2);
  ASSERT_EQ(m.n_leaves, 12);
  ASSERT_EQ(m.n_row_groups, 3);
  ASSERT_EQ(m.n_column_orders, 12);
  ASSERT(m.has_created_by);
  ASSERT_EQ(m.created_by.n, strlen("pyforge version " PYFORGE_VERSION_STRING));
  ASSERT_MEM_EQ(m.created_by.p, "pyforge version " PYFORGE_VERSION_STRING, m.created_by.n);
  ASSERT_EQ(m.row_groups[0].num_rows, 400);
  ASSERT_EQ(m.row_groups[1].num_rows, 400);
  ASSERT_EQ(m.row_groups[2].num_rows, 200);
  /* physical types, repetition, logical types */
  static const int phys[12] = {0, 2, 5, 1, 2, 2, 2, 6, 6, 7, 1, 2};
  static const int logical[12] = {0, 0, 0, PF__PQR_LT_DATE, PF__PQR_LT_TIMESTAMP,
                                  PF__PQR_LT_TIMESTAMP, PF__PQR_LT_TIME, PF__PQR_LT_STRING, 0,
                                  PF__PQR_LT_DECIMAL, PF__PQR_LT_UNKNOWN, 0};
  for (int c = 0; c < 12; c++) {
    const pf__pqr_element *e = &m.elements[m.leaf_elements[c]];
    if (e->type != phys[c]) TEST_FAIL_("column %d: physical type %d, want %d", c, e->type, phys[c]);
    if (e->logical != logical[c]) TEST_FAIL_("column %d: logical %d, want %d", c, e->logical, logical[c]);
    ASSERT_EQ(e->repetition, c == 11 ? 0 : 1);
  }
  const pf__pqr_element *ts = &m.elements[m.leaf_elements[4]], *tsz = &m.elements[m.leaf_elements[5]];
  ASSERT_EQ(ts->lt_utc, 0);
  ASSERT_EQ(ts->lt_unit, 2);
  ASSERT_EQ(ts->converted_type, -1);
  ASSERT_EQ(tsz->lt_utc, 1);
  ASSERT_EQ(tsz->converted_type, 10);
  const pf__pqr_element *dec = &m.elements[m.leaf_elements[9]];
  ASSERT_EQ(dec->type_length, 16);
  ASSERT_EQ(dec->lt_precision, 20);
  ASSERT_EQ(dec->lt_scale, 3);
  ASSERT_EQ(dec->converted_type, 5);
  /* statistics: null counts add up, min/max where known */
  for (int c = 0; c < 12; c++) {
    int64_t nulls = 0, values = 0;
    for (size_t g = 0; g < m.n_row_groups; g++) {
      const pf__pqr_chunk *ch = &m.row_groups[g].chunks[c];
      ASSERT(ch->has_stats && ch->stats.has_null_count);
      nulls += ch->stats.null_count;
      values += ch->num_values;
      ASSERT_EQ(ch->codec, 1);
    }
    if (nulls != expect_nulls(c, 1000)) TEST_FAIL_("column %d: %lld nulls, want %lld", c, (long long)nulls, (long long)expect_nulls(c, 1000));
    ASSERT_EQ(values, 1000);
  }
  const pf__pqr_stats *i64 = &m.row_groups[0].chunks[1].stats;
  ASSERT(i64->has_min && i64->has_max && !i64->legacy);
  ASSERT_EQ(le64(&i64->min), INT64_MIN);
  ASSERT_EQ(le64(&i64->max), INT64_MAX);
  const pf__pqr_stats *f64 = &m.row_groups[0].chunks[2].stats;
  ASSERT(f64->has_nan_count);
  ASSERT_EQ(f64->nan_count, 1);
  double dmin, dmax;
  memcpy(&dmin, f64->min.p, 8);
  memcpy(&dmax, f64->max.p, 8);
  ASSERT_DBL_EQ(dmin, 0.0 / 4 - 10);
  ASSERT_DBL_EQ(dmax, 399.0 / 4 - 10);
  const pf__pqr_stats *str = &m.row_groups[0].chunks[7].stats;
  ASSERT(str->has_min && str->has_max);
  ASSERT_EQ(str->min.n, 0); /* the empty string */
  ASSERT_EQ(str->min_exact, 1);
  /* max is the 75-byte "zzz..." string: bounded by 63 'z' then '{' */
  ASSERT_EQ(str->max.n, 64);
  ASSERT_EQ(str->max_exact, 0);
  ASSERT_EQ(str->max.p[63], 'z' + 1);
  const pf__pqr_stats *dstat = &m.row_groups[2].chunks[9].stats;
  ASSERT_EQ(dstat->min.n, 16);
  ASSERT_EQ(dstat->min.p[0], 0); /* 700..999: positive, big-endian */
  /* all-null column: no min/max */
  ASSERT(!m.row_groups[0].chunks[10].stats.has_min);
  /* dictionary pages where dictionaries were used, not for booleans */
  ASSERT_EQ(m.row_groups[0].chunks[0].dictionary_page_offset, -1);
  ASSERT(m.row_groups[0].chunks[1].encodings & (1u << 8));
  ASSERT(m.row_groups[0].chunks[1].dictionary_page_offset > 0);
  /* chunks tile the file from offset 4 */
  int64_t pos = 4;
  for (size_t g = 0; g < m.n_row_groups; g++)
    for (size_t c = 0; c < 12; c++) {
      const pf__pqr_chunk *ch = &m.row_groups[g].chunks[c];
      int64_t start = ch->dictionary_page_offset >= 0 ? ch->dictionary_page_offset : ch->data_page_offset;
      if (start != pos) TEST_FAIL_("row group %zu column %zu starts at %lld, want %lld", g, c, (long long)start, (long long)pos);
      pos += ch->total_compressed_size;
    }
  ASSERT_EQ((uint64_t)pos + m.footer_len + 8, m.file_size);
  pf__pqr_meta_free(&m);
  pf_schema_free(s);
}

/* ---- a small page reader: values of uncompressed chunks ---- */

typedef struct page_val {
  int valid;
  const uint8_t *p; /* PLAIN bytes of the value (booleans: 1 byte 0/1) */
  size_t n;
} page_val;

static uint8_t *read_all(const char *path, size_t *n) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long sz = ftell(f);
  fseek(f, 0, SEEK_SET);
  uint8_t *p = malloc((size_t)sz + 1);
  *n = fread(p, 1, (size_t)sz, f);
  fclose(f);
  return p;
}

static const uint8_t bool_bytes[2] = {0, 1};

/* Decodes one column chunk (codec none) into vals[rows]. 0 on success. */
static int decode_chunk(const uint8_t *file, const pf__pqr_chunk *ch, int phys,
                        int width, int optional, page_val *vals, size_t rows,
                        char *why) {
  int64_t start = ch->dictionary_page_offset >= 0 ? ch->dictionary_page_offset : ch->data_page_offset;
  size_t pos = (size_t)start, end = pos + (size_t)ch->total_compressed_size, row = 0;
  page_val *dict = NULL;
  size_t dict_n = 0;
  uint32_t *lv = malloc((rows + 8) * sizeof *lv), *ix = malloc((rows + 8) * sizeof *ix);
  int rc = 0;
  while (pos < end && rc == 0) {
    pf__tc_reader r;
    pf__tcr_init(&r, file + pos, end - pos);
    uint8_t t, t2;
    int16_t id, id2;
    int type = -1, raw = -1, stored = -1, nv = -1, enc = -1;
    pf__tcr_struct_begin(&r);
    while (pf__tcr_field_next(&r, &t, &id)) {
      if (id == 1) type = pf__tcr_i32(&r);
      else if (id == 2) raw = pf__tcr_i32(&r);
      else if (id == 3) stored = pf__tcr_i32(&r);
      else if (id == 5 || id == 7) {
        pf__tcr_struct_begin(&r);
        while (pf__tcr_field_next(&r, &t2, &id2)) {
          if (id2 == 1) nv = pf__tcr_i32(&r);
          else if (id2 == 2) enc = pf__tcr_i32(&r);
          else pf__tcr_skip(&r, t2);
        }
        pf__tcr_struct_end(&r);
      } else pf__tcr_skip(&r, t);
    }
    if (r.status != PF_OK || raw != stored || nv < 0) {
      sprintf(why, "bad page header at %zu", pos);
      rc = 1;
      break;
    }
    pos += pf__tcr_offset(&r);
    const uint8_t *body = file + pos, *bend = body + raw;
    pos += (size_t)raw;
    if (type == 2) { /* dictionary, PLAIN */
      dict = calloc((size_t)nv + 1, sizeof *dict);
      dict_n = (size_t)nv;
      for (size_t k = 0; k < dict_n; k++) {
        size_t len = (size_t)width;
        if (phys == 6) { uint32_t l; memcpy(&l, body, 4); body += 4; len = l; }
        dict[k].valid = 1;
        dict[k].p = body;
        dict[k].n = len;
        body += len;
      }
      if (body != bend) { sprintf(why, "dictionary page size mismatch"); rc = 1; }
      continue;
    }
    size_t n = (size_t)nv, present = n;
    if (optional) {
      uint32_t dl;
      memcpy(&dl, body, 4);
      if (rle_decode(body + 4, dl, 1, lv, n) < 0) { sprintf(why, "bad levels"); rc = 1; break; }
      body += 4 + dl;
      present = 0;
      for (size_t k = 0; k < n; k++) present += lv[k];
    } else {
      for (size_t k = 0; k < n; k++) lv[k] = 1;
    }
    if (enc == 8) {
      int bw = *body++;
      if (rle_decode(body, (size_t)(bend - body), bw, ix, present) < 0) { sprintf(why, "bad indices"); rc = 1; break; }
    }
    size_t k2 = 0;
    for (size_t k = 0; k < n && row < rows; k++, row++) {
      vals[row].valid = (int)lv[k];
      if (!lv[k]) continue;
      if (enc == 8) {
        if (ix[k2] >= dict_n) { sprintf(why, "index %u past dictionary of %zu", ix[k2], dict_n); rc = 1; break; }
        vals[row] = dict[ix[k2]];
      } else if (phys == 0) {
        vals[row].p = &bool_bytes[(body[k2 / 8] >> (k2 % 8)) & 1];
        vals[row].n = 1;
      } else {
        size_t len = (size_t)width;
        if (phys == 6) { uint32_t l; memcpy(&l, body, 4); body += 4; len = l; }
        vals[row].p = body;
        vals[row].n = len;
        body += len;
      }
      k2++;
    }
  }
  if (rc == 0 && row != rows) { sprintf(why, "decoded %zu rows of %zu", row, rows); rc = 1; }
  free(dict); /* values point into the file, the dictionary array is ours */
  free(lv);
  free(ix);
  return rc;
}

/* Expected PLAIN bytes of fill_all's value (column c, row i). */
static size_t expect_plain(int c, int64_t i, uint8_t *out) {
  pf_batch *b;
  pf_schema *s = all_schema();
  pf__batch_create(s, 1, &b);
  fill_all(b, 0, i);
  const pf_column *col = &b->cols[c];
  size_t n = 0;
  switch (c) {
    case 0: out[0] = (uint8_t)pf__col_bool(col, 0); n = 1; break;
    case 3: memcpy(out, col->values, 4); n = 4; break;
    case 7:
    case 8: {
      const uint8_t *p = pf__col_str(col, 0, &n);
      if (n) memcpy(out, p, n);
      break;
    }
    case 9:
      for (int k = 0; k < 16; k++) out[k] = col->values[15 - k];
      n = 16;
      break;
    default: memcpy(out, col->values, 8); n = 8;
  }
  pf__batch_free(b);
  pf_schema_free(s);
  return n;
}

static void check_values(const char *path, int64_t rows, int dictionary) {
  pf_error err;
  pf_error_init(&err);
  pf__pqr_meta m;
  if (pf__pqr_read_file(path, &m, &err) != PF_OK) TEST_FAIL_("read %s: %s", path, err.message);
  size_t n;
  uint8_t *file = read_all(path, &n);
  page_val *vals = calloc((size_t)rows, sizeof *vals);
  static const int width[12] = {0, 8, 8, 4, 8, 8, 8, 0, 0, 16, 4, 8};
  int64_t base = 0;
  char why[256] = "";
  for (size_t g = 0; g < m.n_row_groups; g++) {
    size_t rg_rows = (size_t)m.row_groups[g].num_rows;
    for (int c = 0; c < 12; c++) {
      const pf__pqr_element *e = &m.elements[m.leaf_elements[c]];
      const pf__pqr_chunk *ch = &m.row_groups[g].chunks[c];
      if (!dictionary && ch->dictionary_page_offset >= 0) TEST_FAIL_("dictionary page with dictionary off");
      if (decode_chunk(file, ch, e->type, width[c], e->repetition == 1, vals, rg_rows, why))
        TEST_FAIL_("row group %zu column %d: %s", g, c, why);
      for (size_t r = 0; r < rg_rows; r++) {
        int64_t i = base + (int64_t)r;
        uint8_t want[256];
        if (is_null(c, i)) {
          if (vals[r].valid) TEST_FAIL_("column %d row %lld: value where null expected", c, (long long)i);
          continue;
        }
        if (!vals[r].valid) TEST_FAIL_("column %d row %lld: null where a value is expected", c, (long long)i);
        size_t wn = expect_plain(c, i, want);
        if (wn != vals[r].n || memcmp(want, vals[r].p, wn) != 0)
          TEST_FAIL_("column %d row %lld: %zu bytes differ from the %zu expected", c, (long long)i, vals[r].n, wn);
      }
    }
    base += (int64_t)rg_rows;
  }
  ASSERT_EQ(base, rows);
  free(vals);
  free(file);
  pf__pqr_meta_free(&m);
}

TEST_IMPL(values_round_trip_uncompressed) {
  pf_schema *s = all_schema();
  pf__opts o;
  opts_default(&o);
  o.compression = PF_COMPRESSION_NONE;
  pf_error err;
  pf_error_init(&err);
  const char *p1 = tmp_path("v1.parquet");
  /* many small pages, uneven batches, several row groups */
  o.row_group_rows = 777;
  o.page_bytes = 100;
  ASSERT_OK(write_file(p1, s, &o, 2000, 333, fill_all, &err));
  check_values(p1, 2000, 1);
  /* no dictionary */
  o.dictionary = 0;
  o.page_bytes = 0;
  ASSERT_OK(write_file(p1, s, &o, 1500, 1024, fill_all, &err));
  check_values(p1, 1500, 0);
  pf_schema_free(s);
}

/* Rows [0, 3000) of the sparse column are all set; beyond, about one in
 * sixteen, in no pattern the levels can run-length encode. */
static int sparse_valid(int64_t i) {
  return i < 3000 || ((uint64_t)i * 0x9E3779B97F4A7C15ull) >> 60 == 0;
}

static void fill_sparse(pf_batch *b, size_t r, int64_t i) {
  char tmp[32];
  if (!sparse_valid(i)) {
    pf__col_set_null(&b->cols[0], r);
    pf__col_set_null(&b->cols[1], r);
    return;
  }
  int n = snprintf(tmp, sizeof tmp, "s%lld", (long long)i);
  pf__col_push_str(&b->cols[0], r, tmp, (size_t)n);
  pf__col_set_i64(&b->cols[1], r, i * 3);
}

/* PLAIN pages of optional columns: sealed where the values are when the
 * levels fit the room before them (off > 0), copied when they do not
 * (sparse nulls, small pages); both decode to the values. */
TEST_IMPL(plain_pages_in_place_or_copied) {
  enum { ROWS = 20000 };
  pf_schema *s = pf__schema_new(2);
  pf__schema_set(s, 0, "s", PF_TYPE_STRING, 1);
  pf__schema_set(s, 1, "i", PF_TYPE_INT64, 1);
  pf_error err;
  pf_error_init(&err);
  pf__pq_config cfg = {.page_bytes = 1024, .dict_limit = 1 << 20, .dictionary = 0};
  ASSERT_OK(pf__pq_codec_create(PF_COMPRESSION_NONE, 0, 1, &cfg.codec, &err));
  pf__pq_bufpool bp;
  ASSERT_OK(pf__pq_bufpool_init(&bp, 16));
  pf_batch *b;
  ASSERT_OK(pf__batch_create(s, ROWS, &b));
  for (int64_t i = 0; i < ROWS; i++) fill_sparse(b, (size_t)i, i);
  b->n_rows = ROWS;
  static uint32_t lv[ROWS];
  for (int c = 0; c < 2; c++) {
    pf__pq_col col;
    ASSERT_OK(pf__pq_col_init(&col, &s->fields[c], 0, &cfg));
    ASSERT(col.head > 4);
    /* uneven slices */
    for (size_t r0 = 0, n = 1; r0 < ROWS; r0 += n, n = n * 3 % 4001 + 1) {
      if (n > ROWS - r0) n = ROWS - r0;
      ASSERT_OK(pf__pq_col_append(&col, &cfg, &bp, &b->cols[c], r0, n));
    }
    ASSERT_OK(pf__pq_col_finish(&col, &cfg, &bp));
    int in_place = 0, copied = 0;
    int64_t row = 0;
    for (size_t k = 0; k < col.pages.n; k++) {
      const pf__pq_page *pg = col.pages.p[k];
      const uint8_t *body = pf__pq_page_body(pg), *end = body + pf__pq_page_body_len(pg);
      ASSERT_EQ(pg->encoding, 0);
      if (pg->off) in_place++;
      else copied++;
      uint32_t dl;
      memcpy(&dl, body, 4);
      if (rle_decode(body + 4, dl, 1, lv, pg->num_values) < 0) TEST_FAIL_("page %zu: bad levels", k);
      body += 4 + dl;
      for (size_t v = 0; v < pg->num_values; v++, row++) {
        if ((int)lv[v] != sparse_valid(row)) TEST_FAIL_("column %d row %lld: level %u", c, (long long)row, lv[v]);
        if (!lv[v]) continue;
        if (c == 0) {
          char want[32];
          uint32_t n;
          memcpy(&n, body, 4);
          size_t wn = (size_t)snprintf(want, sizeof want, "s%lld", (long long)row);
          if (n != wn || memcmp(body + 4, want, wn) != 0) TEST_FAIL_("row %lld: string differs", (long long)row);
          body += 4 + n;
        } else {
          int64_t x;
          memcpy(&x, body, 8);
          ASSERT_EQ(x, row * 3);
          body += 8;
        }
      }
      if (body != end) TEST_FAIL_("column %d page %zu: %td bytes left over", c, k, end - body);
    }
    ASSERT_EQ(row, ROWS);
    if (!in_place || !copied) TEST_FAIL_("column %d: %d pages in place, %d copied", c, in_place, copied);
    pf__pq_col_free(&col);
  }
  pf__batch_free(b);
  pf__pq_bufpool_free(&bp);
  pf__pq_codec_free(cfg.codec);
  pf_schema_free(s);
}

TEST_IMPL(zero_rows_gives_schema_only) {
  pf_schema *s = all_schema();
  pf__opts o;
  opts_default(&o);
  pf_error err;
  pf_error_init(&err);
  const char *path = tmp_path("zero.parquet");
  ASSERT_OK(write_file(path, s, &o, 0, 10, fill_all, &err));
  pf__pqr_meta m;
  ASSERT_OK(pf__pqr_read_file(path, &m, &err));
  ASSERT_EQ(m.num_rows, 0);
  ASSERT_EQ(m.n_row_groups, 0);
  ASSERT_EQ(m.n_leaves, 12);
  ASSERT_EQ(m.file_size, 4 + m.footer_len + 8);
  pf__pqr_meta_free(&m);
  pf_schema_free(s);
}

static void fill_wide(pf_batch *b, size_t r, int64_t i) {
  for (size_t c = 0; c < b->n_cols; c++) {
    if ((i + (int64_t)c) % 5 == 0) pf__col_set_null(&b->cols[c], r);
    else pf__col_set_i64(&b->cols[c], r, i * 10000 + (int64_t)c);
  }
}

TEST_IMPL(one_and_many_columns) {
  pf_error err;
  pf_error_init(&err);
  pf__opts o;
  opts_default(&o);
  size_t widths[2] = {1, 1500};
  for (int k = 0; k < 2; k++) {
    pf_schema *s = pf__schema_new(widths[k]);
    char name[32];
    for (size_t c = 0; c < widths[k]; c++) {
      snprintf(name, sizeof name, "col_%zu", c);
      pf__schema_set(s, c, name, PF_TYPE_INT64, 1);
    }
    const char *path = tmp_path("wide.parquet");
    ASSERT_OK(write_file(path, s, &o, 100, 64, fill_wide, &err));
    pf__pqr_meta m;
    ASSERT_OK(pf__pqr_read_file(path, &m, &err));
    ASSERT_EQ(m.n_leaves, widths[k]);
    ASSERT_EQ(m.n_row_groups, 1);
    for (size_t c = 0; c < widths[k]; c++) {
      const pf__pqr_chunk *ch = &m.row_groups[0].chunks[c];
      ASSERT_EQ(ch->num_values, 100);
      ASSERT_EQ(ch->stats.null_count, 20);
      int64_t lo = le64(&ch->stats.min), hi = le64(&ch->stats.max);
      /* first and last non-null rows */
      int64_t i0 = (int64_t)(c % 5 == 0), i1 = 99 - ((99 + (int64_t)c) % 5 == 0);
      if (lo != i0 * 10000 + (int64_t)c || hi != i1 * 10000 + (int64_t)c)
        TEST_FAIL_("column %zu: min %lld max %lld", c, (long long)lo, (long long)hi);
    }
    const pf__pqr_element *e = &m.elements[m.leaf_elements[widths[k] - 1]];
    snprintf(name, sizeof name, "col_%zu", widths[k] - 1);
    ASSERT_EQ(e->name.n, strlen(name));
    ASSERT_MEM_EQ(e->name.p, name, e->name.n);
    pf__pqr_meta_free(&m);
    pf_schema_free(s);
  }
}

TEST_IMPL(every_codec) {
  static const pf__compression codecs[] = {PF_COMPRESSION_NONE, PF_COMPRESSION_SNAPPY,
                                          PF_COMPRESSION_GZIP, PF_COMPRESSION_ZSTD,
                                          PF_COMPRESSION_LZ4_RAW};
  static const int ids[] = {0, 1, 2, 6, 7};
  static const int levels[] = {0, 0, 9, 19, 9};
  pf_schema *s = all_schema();
  pf_error err;
  pf_error_init(&err);
  for (int k = 0; k < 5; k++) {
    for (int lv = 0; lv < 2; lv++) {
      pf__opts o;
      opts_default(&o);
      o.compression = codecs[k];
      o.compression_level = lv ? levels[k] : 0;
      if (lv && levels[k] == 0) continue;
      const char *path = tmp_path("codec.parquet");
      pf_status st = write_file(path, s, &o, 3000, 1000, fill_all, &err);
      if (st != PF_OK) TEST_FAIL_("codec %d level %d: %s", ids[k], o.compression_level, err.message);
      pf__pqr_meta m;
      ASSERT_OK(pf__pqr_read_file(path, &m, &err));
      ASSERT_EQ(m.num_rows, 3000);
      int64_t raw = 0, stored = 0;
      for (size_t c = 0; c < 12; c++) {
        const pf__pqr_chunk *ch = &m.row_groups[0].chunks[c];
        if (ch->codec != ids[k]) TEST_FAIL_("codec %d written as %d", ids[k], ch->codec);
        raw += ch->total_uncompressed_size;
        stored += ch->total_compressed_size;
      }
      if (ids[k] == 0) ASSERT_EQ(raw, stored);
      else if (stored >= raw) TEST_FAIL_("codec %d: %lld bytes stored for %lld raw", ids[k], (long long)stored, (long long)raw);
      pf__pqr_meta_free(&m);
    }
  }
  pf_schema_free(s);
}

static void fill_unique_strings(pf_batch *b, size_t r, int64_t i) {
  char tmp[64];
  int n = snprintf(tmp, sizeof tmp, "unique-string-number-%012lld", (long long)i);
  if (i % 1000 == 7) pf__col_set_null(&b->cols[0], r);
  else pf__col_push_str(&b->cols[0], r, tmp, (size_t)n);
}

TEST_IMPL(dictionary_falls_back_to_plain) {
  pf_schema *s = pf__schema_new(1);
  pf__schema_set(s, 0, "u", PF_TYPE_STRING, 1);
  pf__opts o;
  opts_default(&o);
  pf_error err;
  pf_error_init(&err);
  const char *path = tmp_path("fallback.parquet");
  ASSERT_OK(write_file(path, s, &o, 100000, 65536, fill_unique_strings, &err));
  pf__pqr_meta m;
  ASSERT_OK(pf__pqr_read_file(path, &m, &err));
  const pf__pqr_chunk *ch = &m.row_groups[0].chunks[0];
  ASSERT(ch->encodings & (1u << 8));  /* RLE_DICTIONARY pages first */
  ASSERT(ch->encodings & (1u << 0));  /* then PLAIN */
  ASSERT_EQ(ch->stats.null_count, 100);
  ASSERT_EQ(ch->stats.min.n, 33);
  ASSERT_MEM_EQ(ch->stats.min.p, "unique-string-number-000000000000", 33);
  ASSERT_MEM_EQ(ch->stats.max.p, "unique-string-number-000000099999", 33);
  /* the dictionary page stays within the limit (1 MiB) */
  ASSERT(ch->data_page_offset - ch->dictionary_page_offset < (1 << 20) + 100);
  pf__pqr_meta_free(&m);
  pf_schema_free(s);
}

/* ---- one column chunk's dictionary, driven directly ---- */

typedef struct dict_chunk {
  pf__pq_col c;
  pf__pq_config cfg;
  pf__pq_bufpool bp;
  pf_schema *s;
  pf_batch *b;
  int width;                /* PLAIN bytes per value, 0: byte arrays */
} dict_chunk;

/* A required column of type t; dict_limit: dictionary bytes. */
static void dict_chunk_open(dict_chunk *d, pf_type t, size_t dict_limit) {
  memset(d, 0, sizeof *d);
  d->s = pf__schema_new(1);
  pf__schema_set(d->s, 0, "x", t, 0);
  d->s->fields[0].precision = 38;
  d->cfg.page_bytes = 1 << 20;
  d->cfg.dict_limit = dict_limit;
  d->cfg.dictionary = 1;
  ASSERT_OK(pf__pq_col_init(&d->c, &d->s->fields[0], 0, &d->cfg));
  ASSERT_OK(pf__pq_bufpool_init(&d->bp, 8));
  ASSERT_OK(pf__batch_create(d->s, 4096, &d->b));
  d->width = t == PF_TYPE_DATE ? 4 : t == PF_TYPE_DECIMAL ? 16 : t == PF_TYPE_STRING ? 0 : 8;
}

static void dict_chunk_close(dict_chunk *d) {
  pf__pq_col_free(&d->c);
  pf__pq_bufpool_free(&d->bp);
  pf__batch_free(d->b);
  pf_schema_free(d->s);
}

/* Value i of a test sequence: key k as the column's type. PLAIN bytes of
 * it into plain (returns their count). */
static size_t dict_value(const dict_chunk *d, uint64_t k, uint8_t plain[32]) {
  if (d->width == 8 || d->width == 4) {
    memcpy(plain, &k, (size_t)d->width); /* little-endian */
    return (size_t)d->width;
  }
  if (d->width == 16) { /* the same high half for all: keys differ after byte 8 */
    for (int j = 0; j < 8; j++) plain[j] = (uint8_t)(0x80 >> j);
    for (int j = 0; j < 8; j++) plain[8 + j] = (uint8_t)(k >> (56 - 8 * j));
    return 16;
  }
  return (size_t)snprintf((char *)plain, 32, "v%x", (unsigned)(uint32_t)k); /* 2..9 bytes */
}

/* Appends keys[0, n) to the chunk, in batches of 4096. */
static void dict_chunk_append(dict_chunk *d, const uint64_t *keys, size_t n) {
  for (size_t first = 0; first < n; first += 4096) {
    ASSERT_OK(pf__batch_reset(d->b, d->s));
    size_t m = n - first < 4096 ? n - first : 4096;
    pf_column *col = &d->b->cols[0];
    for (size_t r = 0; r < m; r++) {
      uint8_t v[32];
      size_t len = dict_value(d, keys[first + r], v);
      if (d->width == 0) {
        ASSERT_OK(pf__col_push_str(col, r, v, len));
      } else if (d->width == 16) { /* batches hold decimals little-endian */
        for (int j = 0; j < 16; j++) col->values[r * 16 + (size_t)j] = v[15 - j];
      } else {
        memcpy(col->values + r * (size_t)d->width, v, len);
      }
    }
    d->b->n_rows = m;
    ASSERT_OK(pf__pq_col_append(&d->c, &d->cfg, &d->bp, col, 0, m));
  }
}

/* Seals the chunk and decodes its pages: every value must be keys[i];
 * *dict_n: dictionary entries, *plain_rows: rows in PLAIN pages. */
static void dict_chunk_check(dict_chunk *d, const uint64_t *keys, size_t n, size_t *dict_n,
                             size_t *plain_rows) {
  ASSERT_OK(pf__pq_col_finish(&d->c, &d->cfg, &d->bp));
  const uint8_t **ent = NULL;
  size_t *ent_len = NULL, n_ent = 0;
  if (d->c.dict_page) {
    const pf__buf *dp = &d->c.dict_page->raw;
    n_ent = d->c.dict_page->num_values;
    ent = calloc(n_ent + 1, sizeof *ent);
    ent_len = calloc(n_ent + 1, sizeof *ent_len);
    size_t pos = 0;
    for (size_t k = 0; k < n_ent; k++) {
      size_t len = (size_t)d->width;
      if (!len) {
        uint32_t l32;
        memcpy(&l32, dp->data + pos, 4);
        len = l32;
        pos += 4;
      }
      ent[k] = dp->data + pos;
      ent_len[k] = len;
      pos += len;
    }
    ASSERT_EQ(pos, dp->len);
    /* the entries are distinct */
    for (size_t k = 1; k < n_ent && k < 2000; k++)
      for (size_t j = 0; j < k; j++)
        if (ent_len[j] == ent_len[k] && memcmp(ent[j], ent[k], ent_len[k]) == 0)
          TEST_FAIL_("dictionary entries %zu and %zu are equal", j, k);
  }
  uint32_t *ix = malloc((PF__PQ_MAX_PAGE_ROWS + 1) * sizeof *ix);
  size_t row = 0;
  *plain_rows = 0;
  for (size_t p = 0; p < d->c.pages.n; p++) {
    const pf__pq_page *pg = d->c.pages.p[p];
    const uint8_t *body = pg->raw.data;
    size_t nv = pg->num_values, pos = 0;
    if (pg->encoding == PF__PQ_ENC_RLE_DICTIONARY) {
      ASSERT(rle_decode(body + 1, pg->raw.len - 1, body[0], ix, nv) > 0);
    } else {
      ASSERT_EQ(pg->encoding, PF__PQ_ENC_PLAIN);
      *plain_rows += nv;
    }
    for (size_t k = 0; k < nv; k++, row++) {
      uint8_t want[32];
      size_t wn = dict_value(d, keys[row], want);
      const uint8_t *got;
      size_t gn;
      if (pg->encoding == PF__PQ_ENC_RLE_DICTIONARY) {
        if (ix[k] >= n_ent) TEST_FAIL_("row %zu: index %u past %zu entries", row, ix[k], n_ent);
        got = ent[ix[k]];
        gn = ent_len[ix[k]];
      } else {
        gn = (size_t)d->width;
        if (!gn) {
          uint32_t l32;
          memcpy(&l32, body + pos, 4);
          gn = l32;
          pos += 4;
        }
        got = body + pos;
        pos += gn;
      }
      if (gn != wn || memcmp(got, want, wn) != 0) TEST_FAIL_("row %zu: wrong value", row);
    }
  }
  ASSERT_EQ(row, n);
  *dict_n = n_ent;
  free(ix);
  free(ent);
  free(ent_len);
}

/* Ends the chunk as a row group does: its pages out (and freed). */
static void dict_chunk_reset(dict_chunk *d) {
  pf__pq_pages out = {0};
  ASSERT_OK(pf__pq_col_reset(&d->c, &out));
  pf__pq_pages_free(&out);
}

/* Keys whose 32-bit hash (as a width-byte key) has the same low `bits`. */
static size_t colliding_keys(int width, int bits, uint64_t *out, size_t want) {
  uint32_t mask = (1u << bits) - 1, target = pf__pq_hash64(0) & mask;
  size_t n = 0;
  for (uint64_t k = 0; n < want && k < ((uint64_t)1 << 32); k++) {
    uint64_t key = width == 4 ? (uint64_t)(uint32_t)(k * 2654435761u) : k * 0x9E3779B97F4A7C15ull;
    if ((pf__pq_hash64(key) & mask) == target) out[n++] = key;
  }
  return n;
}

TEST_IMPL(dictionary_colliding_keys) {
  static const pf_type types[] = {PF_TYPE_INT64, PF_TYPE_DATE};
  for (int t = 0; t < 2; t++) {
    uint64_t coll[48];
    dict_chunk d;
    dict_chunk_open(&d, types[t], 1 << 20);
    /* one home slot for all in the first table (1024 slots) */
    ASSERT_EQ(colliding_keys(d.width, 10, coll, 48), 48);
    size_t n = 5000;
    uint64_t *keys = malloc(n * sizeof *keys);
    for (size_t i = 0; i < n; i++) keys[i] = coll[(i * 7) % 48];
    dict_chunk_append(&d, keys, n);
    ASSERT_EQ(d.c.dict.n_slots, 1024);
    size_t dn, pr;
    dict_chunk_check(&d, keys, n, &dn, &pr);
    ASSERT_EQ(dn, 48);
    ASSERT_EQ(pr, 0);
    free(keys);
    dict_chunk_close(&d);
  }
}

TEST_IMPL(dictionary_decimals_sharing_a_half) {
  /* keys equal in their first 8 bytes (the slot's key): told apart by the
   * second half */
  dict_chunk d;
  dict_chunk_open(&d, PF_TYPE_DECIMAL, 1 << 20);
  size_t n = 30000;
  uint64_t *keys = malloc(n * sizeof *keys);
  for (size_t i = 0; i < n; i++) keys[i] = (i % 3000) * 0x9E3779B97F4A7C15ull;
  dict_chunk_append(&d, keys, n);
  size_t dn, pr;
  dict_chunk_check(&d, keys, n, &dn, &pr);
  ASSERT_EQ(dn, 3000);
  ASSERT_EQ(pr, 0);
  free(keys);
  dict_chunk_close(&d);
}

/* Keys of a chunk: `distinct` values, each twice in a row (half new). */
static void twice_keys(uint64_t *keys, size_t n, size_t distinct, uint64_t salt) {
  for (size_t i = 0; i < n; i++)
    keys[i] = (((i / 2) * 7919) % distinct + salt) * 0x9E3779B97F4A7C15ull;
}

TEST_IMPL(dictionary_grows_and_keeps_its_size) {
  static const pf_type types[] = {PF_TYPE_INT64, PF_TYPE_DATE, PF_TYPE_STRING};
  for (int t = 0; t < 3; t++) {
    dict_chunk d;
    dict_chunk_open(&d, types[t], 1 << 20);
    size_t n = 200000, distinct = 70000;
    uint64_t *keys = malloc(n * sizeof *keys);
    twice_keys(keys, n, distinct, 0);
    /* the first chunk grows its table from 1024 slots, past the size where
     * lookups are pipelined and past the size kept between chunks */
    dict_chunk_append(&d, keys, n);
    size_t grown = d.c.dict.n_slots;
    ASSERT(grown > PF__PQ_DICT_KEEP_SLOTS);
    size_t dn, pr;
    dict_chunk_check(&d, keys, n, &dn, &pr);
    ASSERT_EQ(dn, distinct);
    ASSERT_EQ(pr, 0);
    /* the next chunk starts at that size, with none of the old entries */
    dict_chunk_reset(&d);
    ASSERT_EQ(d.c.dict.n_slots, 0);
    ASSERT_EQ(d.c.dict.start_slots, grown);
    twice_keys(keys, n, distinct, 12345);
    dict_chunk_append(&d, keys, 10);
    ASSERT_EQ(d.c.dict.n_slots, grown);
    dict_chunk_append(&d, keys + 10, n - 10);
    ASSERT_EQ(d.c.dict.n_slots, grown);
    dict_chunk_check(&d, keys, n, &dn, &pr);
    ASSERT_EQ(dn, distinct);
    /* a smaller chunk starts at that size too */
    dict_chunk_reset(&d);
    twice_keys(keys, 3000, 1000, 7);
    dict_chunk_append(&d, keys, 3000);
    ASSERT_EQ(d.c.dict.n_slots, grown);
    dict_chunk_check(&d, keys, 3000, &dn, &pr);
    ASSERT_EQ(dn, 1000);
    dict_chunk_close(&d);
    /* a small table is kept from chunk to chunk, cleared */
    dict_chunk_open(&d, types[t], 1 << 20);
    dict_chunk_append(&d, keys, 3000);
    ASSERT_EQ(d.c.dict.n_slots, 2048);
    dict_chunk_check(&d, keys, 3000, &dn, &pr);
    dict_chunk_reset(&d);
    ASSERT_EQ(d.c.dict.n_slots, 2048);
    twice_keys(keys, 3000, 500, 99);
    dict_chunk_append(&d, keys, 3000);
    ASSERT_EQ(d.c.dict.n_slots, 2048);
    dict_chunk_check(&d, keys, 3000, &dn, &pr);
    ASSERT_EQ(dn, 500);
    free(keys);
    dict_chunk_close(&d);
  }
}

TEST_IMPL(dictionary_fallback_fixed_and_bytes) {
  static const pf_type types[] = {PF_TYPE_INT64, PF_TYPE_DATE, PF_TYPE_DECIMAL, PF_TYPE_STRING};
  for (int t = 0; t < 4; t++) {
    /* past the size limit: the rest of the chunk is PLAIN */
    dict_chunk d;
    dict_chunk_open(&d, types[t], 16000);
    size_t n = 60000;
    uint64_t *keys = malloc(n * sizeof *keys);
    twice_keys(keys, n, 20000, 3);
    dict_chunk_append(&d, keys, n);
    size_t dn, pr;
    dict_chunk_check(&d, keys, n, &dn, &pr);
    size_t dict_bytes = d.c.dict_page->raw.len; /* filled up to the limit */
    ASSERT(dict_bytes <= 16000 && dict_bytes + 16 > 16000);
    ASSERT(pr > 0 && pr < n);
    dict_chunk_reset(&d);
    /* nearly every value new: PLAIN after PF__PQ_DICT_CHECK_AT entries */
    d.cfg.dict_limit = 1 << 20;
    for (size_t i = 0; i < n; i++) keys[i] = (i + 1) * 0x9E3779B97F4A7C15ull;
    dict_chunk_append(&d, keys, n);
    dict_chunk_check(&d, keys, n, &dn, &pr);
    ASSERT_EQ(dn, PF__PQ_DICT_CHECK_AT);
    ASSERT_EQ(pr, n - dn);
    free(keys);
    dict_chunk_close(&d);
  }
}

TEST_IMPL(dictionary_table_bounded_by_the_limit) {
  /* 12,000 entries fit the limit: a table holding them 3/4 full (16,384
   * slots) is not doubled for the entries past half full */
  static const pf_type types[] = {PF_TYPE_INT64, PF_TYPE_DATE};
  for (int t = 0; t < 2; t++) {
    dict_chunk d;
    dict_chunk_open(&d, types[t], types[t] == PF_TYPE_DATE ? 4 * 12000 : 8 * 12000);
    size_t n = 40000;
    uint64_t *keys = malloc(n * sizeof *keys);
    twice_keys(keys, n, 15000, 5);
    dict_chunk_append(&d, keys, n);
    ASSERT_EQ(d.c.dict.n_slots, 16384);
    size_t dn, pr;
    dict_chunk_check(&d, keys, n, &dn, &pr);
    ASSERT_EQ(dn, 12000);
    ASSERT(pr > 0);
    free(keys);
    dict_chunk_close(&d);
  }
}

static void fill_doubles(pf_batch *b, size_t r, int64_t i) {
  static const double v[] = {0.0, -0.0, 2.5, -1.5};
  pf__col_set_f64(&b->cols[0], r, NAN);
  pf__col_set_f64(&b->cols[1], r, v[i % 4] == 2.5 ? 0.0 : v[i % 4] == -1.5 ? -0.0 : v[i % 4]);
  pf__col_set_f64(&b->cols[2], r, v[i % 4]);
}

TEST_IMPL(double_statistics) {
  pf_schema *s = pf__schema_new(3);
  pf__schema_set(s, 0, "nan", PF_TYPE_DOUBLE, 0);
  pf__schema_set(s, 1, "zeros", PF_TYPE_DOUBLE, 0);
  pf__schema_set(s, 2, "mixed", PF_TYPE_DOUBLE, 0);
  pf__opts o;
  opts_default(&o);
  pf_error err;
  pf_error_init(&err);
  const char *path = tmp_path("dbl.parquet");
  ASSERT_OK(write_file(path, s, &o, 10, 10, fill_doubles, &err));
  pf__pqr_meta m;
  ASSERT_OK(pf__pqr_read_file(path, &m, &err));
  const pf__pqr_stats *a = &m.row_groups[0].chunks[0].stats;
  ASSERT(!a->has_min && !a->has_max);
  ASSERT_EQ(a->nan_count, 10);
  const pf__pqr_stats *z = &m.row_groups[0].chunks[1].stats;
  double lo, hi;
  memcpy(&lo, z->min.p, 8);
  memcpy(&hi, z->max.p, 8);
  ASSERT(lo == 0 && signbit(lo));
  ASSERT(hi == 0 && !signbit(hi));
  const pf__pqr_stats *x = &m.row_groups[0].chunks[2].stats;
  memcpy(&lo, x->min.p, 8);
  memcpy(&hi, x->max.p, 8);
  ASSERT_DBL_EQ(lo, -1.5);
  ASSERT_DBL_EQ(hi, 2.5);
  ASSERT_EQ(m.elements[m.leaf_elements[0]].repetition, 0);
  pf__pqr_meta_free(&m);
  pf_schema_free(s);
}

TEST_IMPL(row_groups_by_bytes) {
  pf_schema *s = pf__schema_new(1);
  pf__schema_set(s, 0, "u", PF_TYPE_STRING, 1);
  pf__opts o;
  opts_default(&o);
  o.row_group_bytes = 200000;
  o.dictionary = 0;
  o.compression = PF_COMPRESSION_NONE; /* the limit counts encoded bytes */
  pf_error err;
  pf_error_init(&err);
  const char *path = tmp_path("rgbytes.parquet");
  ASSERT_OK(write_file(path, s, &o, 50000, 4096, fill_unique_strings, &err));
  pf__pqr_meta m;
  ASSERT_OK(pf__pqr_read_file(path, &m, &err));
  ASSERT(m.n_row_groups >= 5);
  int64_t rows = 0;
  for (size_t g = 0; g < m.n_row_groups; g++) {
    rows += m.row_groups[g].num_rows;
    /* a row group passes the limit by at most one batch */
    ASSERT(m.row_groups[g].total_byte_size < 200000 + 4096 * 40);
  }
  ASSERT_EQ(rows, 50000);
  pf__pqr_meta_free(&m);
  pf_schema_free(s);
}

/* Holds a pool's worker busy until released, so jobs submitted meanwhile
 * wait in the queue until their submitter waits for them. */
typedef struct blocker {
  atomic_int started, release;
} blocker;

static void block_task(void *arg, size_t i) {
  (void)i;
  blocker *b = arg;
  atomic_store(&b->started, 1);
  while (!atomic_load(&b->release)) {
    struct timespec ts = {0, 1000000};
    nanosleep(&ts, NULL);
  }
}

/* Compression runs behind the encoding (several jobs at once), yet where a
 * row group closes must not depend on how far it got: the file written
 * with compression done at once (no pool), late (the only worker held
 * busy: jobs run when waited for) and as threads get to it (4 threads)
 * is the same. */
TEST_IMPL(row_groups_same_with_threads) {
  pf_schema *s = all_schema();
  static const pf__compression codecs[] = {PF_COMPRESSION_SNAPPY, PF_COMPRESSION_GZIP,
                                           PF_COMPRESSION_NONE};
  pf__pool *p2 = NULL, *p4 = NULL;
  ASSERT_OK(pf__pool_create(2, &p2));
  ASSERT_OK(pf__pool_create(4, &p4));
  pf__pool *shared = pool;
  for (size_t k = 0; k < sizeof codecs / sizeof *codecs; k++) {
    pf__opts o;
    opts_default(&o);
    o.compression = codecs[k];
    o.row_group_bytes = 100000;
    o.page_bytes = 4096; /* PLAIN pages filling every few batches */
    o.dictionary = 0;
    pf_error err;
    pf_error_init(&err);
    pf__pool *pools[3] = {NULL, p2, p4};
    uint8_t *file[3] = {NULL, NULL, NULL};
    size_t n[3] = {0, 0, 0};
    for (int t = 0; t < 3; t++) {
      blocker b = {0, 0};
      pf__pool_job held;
      if (t == 1) {
        pf__pool_submit(p2, &held, 1, block_task, &b, 0);
        while (!atomic_load(&b.started)) sched_yield();
      }
      pool = pools[t];
      const char *path = tmp_path("rgthreads.parquet");
      pf_status st = write_file(path, s, &o, 60000, 200, fill_all, &err);
      if (t == 1) {
        atomic_store(&b.release, 1);
        pf__pool_wait(p2, &held);
      }
      pool = shared;
      ASSERT_OK(st);
      file[t] = read_all(path, &n[t]);
      ASSERT(file[t] != NULL);
    }
    pf__pqr_meta m;
    ASSERT_OK(pf__pqr_read_file(tmp_path("rgthreads.parquet"), &m, &err));
    ASSERT(m.n_row_groups >= 4);
    pf__pqr_meta_free(&m);
    for (int t = 1; t < 3; t++) {
      ASSERT_EQ(n[t], n[0]);
      ASSERT(memcmp(file[t], file[0], n[0]) == 0);
    }
    for (int t = 0; t < 3; t++) free(file[t]);
  }
  pf__pool_free(p2);
  pf__pool_free(p4);
  pf_schema_free(s);
}

/* ---- the reader: info() and corrupt files ---- */

static const char *prop(const pf_prop *p, size_t n, const char *key) {
  for (size_t i = 0; i < n; i++)
    if (strcmp(p[i].key, key) == 0) return p[i].value;
  return NULL;
}

TEST_IMPL(reader_info) {
  pf_schema *s = all_schema();
  pf__opts o;
  opts_default(&o);
  o.compression = PF_COMPRESSION_ZSTD;
  o.row_group_rows = 600;
  pf_error err;
  pf_error_init(&err);
  const char *path = tmp_path("info.parquet");
  ASSERT_OK(write_file(path, s, &o, 1000, 256, fill_all, &err));
  uint8_t head[4] = {'P', 'A', 'R', '1'};
  ASSERT_EQ(pf__parquet_reader_ops.sniff(head, 4), 100);
  ASSERT_EQ(pf__parquet_reader_ops.sniff((const uint8_t *)"a,b\n", 4), 0);
  pf__reader_env env;
  memset(&env, 0, sizeof env);
  env.path = path;
  env.opts = &o;
  void *r = NULL;
  ASSERT_OK(pf__parquet_reader_ops.open(&env, &r, &err));
  const pf_schema *got = pf__parquet_reader_ops.schema(r);
  ASSERT_EQ(got->n_fields, 12);
  for (size_t c = 0; c < 12; c++) {
    ASSERT_STR_EQ(got->fields[c].name, s->fields[c].name);
    if (got->fields[c].type != s->fields[c].type)
      TEST_FAIL_("column %zu reads back as %s, written as %s", c, pf_type_name(got->fields[c].type), pf_type_name(s->fields[c].type));
    ASSERT_EQ(got->fields[c].nullable, s->fields[c].nullable);
  }
  ASSERT_EQ(got->fields[9].precision, 20);
  ASSERT_EQ(got->fields[9].scale, 3);
  pf_info info;
  memset(&info, 0, sizeof info);
  ASSERT_OK(pf__parquet_reader_ops.info(r, &info, &err));
  ASSERT_EQ(info.rows, 1000);
  ASSERT_STR_EQ(prop(info.props, info.n_props, "created_by"), "pyforge version " PYFORGE_VERSION_STRING);
  ASSERT_STR_EQ(prop(info.props, info.n_props, "num_rows"), "1000");
  ASSERT_STR_EQ(prop(info.props, info.n_props, "row_groups"), "2");
  ASSERT_STR_EQ(prop(info.props, info.n_props, "compression"), "zstd");
  ASSERT_STR_EQ(prop(info.props, info.n_props, "format_version"), "2");
  ASSERT_EQ(info.n_sections, 2);
  const pf_info_section *g1 = &info.sections[1];
  ASSERT_STR_EQ(g1->kind, "row_group");
  ASSERT_STR_EQ(g1->name, "1");
  ASSERT_STR_EQ(prop(g1->props, g1->n_props, "rows"), "400");
  ASSERT_STR_EQ(prop(g1->props, g1->n_props, "i64.codec"), "zstd");
  ASSERT_STR_EQ(prop(g1->props, g1->n_props, "i64.encodings"), "PLAIN,RLE,RLE_DICTIONARY");
  ASSERT_STR_EQ(prop(g1->props, g1->n_props, "i64.min"), "3900"); /* row 600: 600*7-300 */
  ASSERT_STR_EQ(prop(g1->props, g1->n_props, "day.min"), "2022-04-18"); /* 19000 + 600 % 500 */
  ASSERT_STR_EQ(prop(g1->props, g1->n_props, "day.max"), "2023-05-22"); /* 19000 + 999 % 500 */
  ASSERT_STR_EQ(prop(g1->props, g1->n_props, "ts.min"), "2023-11-14 22:13:20.600000");
  ASSERT_STR_EQ(prop(g1->props, g1->n_props, "tsz.max"), "2023-11-14 22:13:20.999000Z");
  ASSERT_STR_EQ(prop(g1->props, g1->n_props, "tm.max"), "00:16:39");
  ASSERT_STR_EQ(prop(g1->props, g1->n_props, "b.min"), "false");
  ASSERT_STR_EQ(prop(g1->props, g1->n_props, "b.max"), "true");
  ASSERT_STR_EQ(prop(g1->props, g1->n_props, "dec.min"), "500000003.500"); /* row 600: 500*1000000007 / 10^3 */
  ASSERT_STR_EQ(prop(g1->props, g1->n_props, "f64.max"), "239.75");
  ASSERT_STR_EQ(prop(g1->props, g1->n_props, "nul.null_count"), "400");
  ASSERT(prop(g1->props, g1->n_props, "nul.min") == NULL);
  const char *smax = prop(g1->props, g1->n_props, "s.max");
  ASSERT(smax && strstr(smax, "(rounded up)"));
  pf_batch *b = NULL;
  ASSERT_EQ(pf__parquet_reader_ops.next(r, &b, &err), PF_EUNSUPPORTED);
  ASSERT(strstr(err.message, "converting Parquet is not supported yet"));
  ASSERT_STR_EQ(err.file, path); /* the input is named, not the output */
  pf_info_free(&info);
  pf__parquet_reader_ops.close(r);
  pf_schema_free(s);
}

static void fill_extremes(pf_batch *b, size_t r, int64_t i) {
  pf__col_set_i64(&b->cols[0], r, i ? INT64_MAX : INT64_MIN);
  pf__col_set_i32(&b->cols[1], r, i ? INT32_MAX : INT32_MIN);
  pf__col_set_i64(&b->cols[2], r, i ? 86399999999LL : 0);
  __int128 big = 1;
  for (int k = 0; k < 38; k++) big *= 10;
  big -= 1; /* 38 nines */
  __int128 v = i ? big : -big;
  pf__bit_set(b->cols[3].validity, r);
  memcpy(b->cols[3].values + r * 16, &v, 16);
  pf__col_set_f64(&b->cols[4], r, i ? 0.1 : -1e300);
}

TEST_IMPL(reader_renders_extremes) {
  pf_schema *s = pf__schema_new(5);
  pf__schema_set(s, 0, "ts", PF_TYPE_TIMESTAMP_UTC, 0);
  pf__schema_set(s, 1, "day", PF_TYPE_DATE, 0);
  pf__schema_set(s, 2, "tm", PF_TYPE_TIME, 0);
  pf__schema_set(s, 3, "dec", PF_TYPE_DECIMAL, 0);
  pf__schema_set(s, 4, "f", PF_TYPE_DOUBLE, 0);
  s->fields[3].precision = 38;
  s->fields[3].scale = 10;
  pf__opts o;
  opts_default(&o);
  pf_error err;
  pf_error_init(&err);
  const char *path = tmp_path("extremes.parquet");
  ASSERT_OK(write_file(path, s, &o, 2, 2, fill_extremes, &err));
  pf__reader_env env;
  memset(&env, 0, sizeof env);
  env.path = path;
  void *r = NULL;
  ASSERT_OK(pf__parquet_reader_ops.open(&env, &r, &err));
  pf_info info;
  memset(&info, 0, sizeof info);
  ASSERT_OK(pf__parquet_reader_ops.info(r, &info, &err));
  const pf_info_section *g = &info.sections[0];
  const char *tsmin = prop(g->props, g->n_props, "ts.min");
  ASSERT(tsmin && tsmin[0] == '-');
  ASSERT_STR_EQ(prop(g->props, g->n_props, "ts.max"), "294247-01-10 04:00:54.775807Z");
  ASSERT_STR_EQ(prop(g->props, g->n_props, "day.max"), "5881580-07-11");
  ASSERT_STR_EQ(prop(g->props, g->n_props, "tm.max"), "23:59:59.999999");
  ASSERT_STR_EQ(prop(g->props, g->n_props, "dec.min"), "-9999999999999999999999999999.9999999999");
  ASSERT_STR_EQ(prop(g->props, g->n_props, "dec.max"), "9999999999999999999999999999.9999999999");
  ASSERT_STR_EQ(prop(g->props, g->n_props, "f.min"), "-1e+300");
  ASSERT_STR_EQ(prop(g->props, g->n_props, "f.max"), "0.1");
  pf_info_free(&info);
  pf__parquet_reader_ops.close(r);
  pf_schema_free(s);
}

static pf_status open_bytes(const uint8_t *p, size_t n, pf_error *err) {
  const char *path = tmp_path("bad.parquet");
  FILE *f = fopen(path, "wb");
  fwrite(p, 1, n, f);
  fclose(f);
  pf__reader_env env;
  memset(&env, 0, sizeof env);
  env.path = path;
  void *r = NULL;
  pf_error_init(err);
  pf_status st = pf__parquet_reader_ops.open(&env, &r, err);
  if (st == PF_OK) {
    pf_info info;
    memset(&info, 0, sizeof info);
    st = pf__parquet_reader_ops.info(r, &info, err);
    pf_info_free(&info);
    pf__parquet_reader_ops.close(r);
  }
  return st;
}

TEST_IMPL(reader_rejects_corrupt_footers) {
  pf_schema *s = all_schema();
  pf__opts o;
  opts_default(&o);
  pf_error err;
  pf_error_init(&err);
  const char *path = tmp_path("good.parquet");
  ASSERT_OK(write_file(path, s, &o, 300, 300, fill_all, &err));
  size_t n;
  uint8_t *good = read_all(path, &n);
  uint8_t *bad = malloc(n);
  uint32_t flen;
  memcpy(&flen, good + n - 8, 4);
  ASSERT_OK(open_bytes(good, n, &err));
  /* truncated file: the trailing magic is gone */
  ASSERT_EQ(open_bytes(good, n - 1, &err), PF_EPARSE);
  ASSERT(strstr(err.message, "PAR1"));
  /* too small */
  ASSERT_EQ(open_bytes(good, 8, &err), PF_EPARSE);
  /* not Parquet at all */
  ASSERT_EQ(open_bytes((const uint8_t *)"a,b,c\n1,2,3\n", 12, &err), PF_EPARSE);
  /* a footer length past the file */
  memcpy(bad, good, n);
  bad[n - 5] = 0x7f;
  ASSERT_EQ(open_bytes(bad, n, &err), PF_EPARSE);
  ASSERT(strstr(err.message, "corrupt Parquet footer"));
  /* a footer cut short: length says less than it is */
  memcpy(bad, good, n);
  uint32_t shorter = flen / 2;
  memcpy(bad + n - 8, &shorter, 4);
  ASSERT_EQ(open_bytes(bad, n, &err), PF_EPARSE);
  /* encrypted footer magic */
  memcpy(bad, good, n);
  memcpy(bad + n - 4, "PARE", 4);
  ASSERT_EQ(open_bytes(bad, n, &err), PF_EUNSUPPORTED);
  /* bytes of the footer overwritten: never a crash, mostly EPARSE (a flip
   * that makes the footer declare encryption and an encrypted column is
   * refused as encrypted, EUNSUPPORTED, naming it) */
  int rejected = 0, tries = 0;
  for (uint32_t k = 0; k < flen; k += 3) {
    memcpy(bad, good, n);
    size_t at = n - 8 - flen + k;
    bad[at] ^= (uint8_t)(0x5a + k);
    pf_status st = open_bytes(bad, n, &err);
    if (st == PF_EUNSUPPORTED && !strstr(err.message, "encrypted"))
      TEST_FAIL_("flipping footer byte %u gave EUNSUPPORTED: %s", k, err.message);
    if (st != PF_OK && st != PF_EPARSE && st != PF_EUNSUPPORTED)
      TEST_FAIL_("flipping footer byte %u gave %s", k, pf_status_name(st));
    rejected += st == PF_EPARSE;
    tries++;
  }
  ASSERT(rejected > tries / 10);
  /* random footers of the right shape */
  for (int round = 0; round < 300; round++) {
    memcpy(bad, good, n);
    for (uint32_t k = 0; k < flen; k++)
      if (rnd() % 4 == 0) bad[n - 8 - flen + k] = (uint8_t)rnd();
    pf_status st = open_bytes(bad, n, &err);
    if (st != PF_OK && st != PF_EPARSE) TEST_FAIL_("random footer gave %s", pf_status_name(st));
  }
  /* a missing file */
  pf__reader_env env;
  memset(&env, 0, sizeof env);
  env.path = tmp_path("missing.parquet");
  void *r = NULL;
  ASSERT_EQ(pf__parquet_reader_ops.open(&env, &r, &err), PF_ENOTFOUND);
  free(good);
  free(bad);
  pf_schema_free(s);
}

/* ---- bad arguments ---- */

static pf_status try_open(const pf_schema *s, const pf__opts *o,
                          pf_error *err) {
  pf__output *out = NULL;
  PF_TRY(pf__output_open(tmp_path("args.parquet"), 1, &out, err));
  pf__writer_env env = {.out = out, .schema = s, .opts = o, .pool = pool};
  void *w = NULL;
  pf_status st = pf__parquet_writer_ops.open(&env, &w, err);
  if (w) pf__parquet_writer_ops.abort(w);
  pf__output_abort(out);
  return st;
}

TEST_IMPL(bad_arguments) {
  pf_schema *s = all_schema();
  pf__opts o;
  pf_error err;
  pf_error_init(&err);
  opts_default(&o);
  ASSERT_OK(try_open(s, &o, &err));
  s->fields[9].precision = 40;
  ASSERT_EQ(try_open(s, &o, &err), PF_EINVAL);
  ASSERT(strstr(err.message, "decimal(40,3)"));
  s->fields[9].precision = 20;
  o.compression = PF_COMPRESSION_ZSTD;
  o.compression_level = 99;
  ASSERT_EQ(try_open(s, &o, &err), PF_EINVAL);
  ASSERT(strstr(err.message, "zstd compression level"));
  o.compression = PF_COMPRESSION_GZIP;
  o.compression_level = 12;
  ASSERT_EQ(try_open(s, &o, &err), PF_EINVAL);
  o.compression = PF_COMPRESSION_SNAPPY;
  o.compression_level = 3;
  ASSERT_EQ(try_open(s, &o, &err), PF_EINVAL);
  o.compression_level = 0;
  o.row_group_rows = -1;
  ASSERT_EQ(try_open(s, &o, &err), PF_EINVAL);
  o.row_group_rows = 0;
  o.page_bytes = -5;
  ASSERT_EQ(try_open(s, &o, &err), PF_EINVAL);
  o.page_bytes = 0;
  pf_schema *none = pf__schema_new(0);
  ASSERT_EQ(try_open(none, &o, &err), PF_EINVAL);
  pf_schema_free(none);
  /* batches that do not fit the schema */
  pf__output *out = NULL;
  ASSERT_OK(pf__output_open(tmp_path("args.parquet"), 1, &out, &err));
  pf__writer_env env = {.out = out, .schema = s, .opts = &o, .pool = pool};
  void *w = NULL;
  ASSERT_OK(pf__parquet_writer_ops.open(&env, &w, &err));
  pf_schema *other = all_schema();
  pf__schema_set(other, 1, "i64", PF_TYPE_DOUBLE, 1);
  pf_batch *b;
  ASSERT_OK(pf__batch_create(other, 4, &b));
  b->n_rows = 1;
  ASSERT_EQ(pf__parquet_writer_ops.write(w, b, &err), PF_EINVAL);
  ASSERT(strstr(err.message, "column 2 (i64)"));
  pf__batch_free(b);
  ASSERT_OK(pf__batch_create(s, 4, &b));
  fill_all(b, 0, 0);
  pf__col_set_null(&b->cols[11], 1);
  fill_all(b, 1, 1);
  b->cols[11].null_count = 1;
  b->n_rows = 2;
  ASSERT_EQ(pf__parquet_writer_ops.write(w, b, &err), PF_EINVAL);
  ASSERT(strstr(err.message, "not nullable"));
  pf__batch_free(b);
  pf__parquet_writer_ops.abort(w);
  pf__output_abort(out);
  pf_schema_free(other);
  pf_schema_free(s);
}

int main(void) {
  snprintf(tmp_dir, sizeof tmp_dir, "/tmp/pf_test_parquet_XXXXXX");
  if (!mkdtemp(tmp_dir)) return 1;
  if (pf__pool_create(2, &pool) != PF_OK) return 1;
  RUN_TEST(rle_known_vectors);
  RUN_TEST(rle_bits_known_vectors);
  RUN_TEST(rle_round_trips);
  RUN_TEST(bits_copy_matches_naive);
  RUN_TEST(all_types_footer);
  RUN_TEST(values_round_trip_uncompressed);
  RUN_TEST(plain_pages_in_place_or_copied);
  RUN_TEST(zero_rows_gives_schema_only);
  RUN_TEST(one_and_many_columns);
  RUN_TEST(every_codec);
  RUN_TEST(dictionary_falls_back_to_plain);
  RUN_TEST(dictionary_colliding_keys);
  RUN_TEST(dictionary_decimals_sharing_a_half);
  RUN_TEST(dictionary_grows_and_keeps_its_size);
  RUN_TEST(dictionary_fallback_fixed_and_bytes);
  RUN_TEST(dictionary_table_bounded_by_the_limit);
  RUN_TEST(double_statistics);
  RUN_TEST(row_groups_by_bytes);
  RUN_TEST(row_groups_same_with_threads);
  RUN_TEST(reader_info);
  RUN_TEST(reader_renders_extremes);
  RUN_TEST(reader_rejects_corrupt_footers);
  RUN_TEST(bad_arguments);
  pf__pool_free(pool);
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp_dir);
  if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmp_dir);
  return TEST_SUMMARY();
}

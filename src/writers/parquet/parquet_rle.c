/* parquet_rle.c - the RLE / bit-packed hybrid encoding Parquet uses for
 * definition levels and dictionary indices, and bit-copy helpers.
 *
 * A run is either
 *   RLE:        varint(count << 1), then the value in ceil(width/8) bytes;
 *   bit-packed: varint(groups << 1 | 1), then groups * 8 values packed
 *               LSB first, width bits each (groups * width bytes).
 * Only the last bit-packed run of a page may be padded past the values.
 */
#include <string.h>

#include "writers/parquet/parquet_writer_internal.h"

int pf__pq_bit_width(uint32_t max_value) {
  int w = 0;
  while (max_value) {
    w++;
    max_value >>= 1;
  }
  return w ? w : 1;
}

static uint8_t *put_varint(uint8_t *p, uint64_t v) {
  while (v >= 0x80) {
    *p++ = (uint8_t)(v | 0x80);
    v >>= 7;
  }
  *p++ = (uint8_t)v;
  return p;
}

/* Packs count values (a multiple of 8) of any width, bit by bit. */
static uint8_t *pack_any(uint8_t *p, const uint32_t *v, size_t count, int width) {
  uint64_t acc = 0;
  int nbits = 0;
  for (size_t i = 0; i < count; i++) {
    acc |= (uint64_t)v[i] << nbits;
    nbits += width;
    while (nbits >= 8) {
      *p++ = (uint8_t)acc;
      acc >>= 8;
      nbits -= 8;
    }
  }
  return p;
}

/* Packs groups of 8 values of width W <= 16 bits (W bytes a group). W is a
 * constant in every instance, so the shifts fold into plain 64-bit ones. */
static inline __attribute__((always_inline)) uint8_t *pack8w(uint8_t *p, const uint32_t *v,
                                                             size_t groups, const int W) {
  for (size_t g = 0; g < groups; g++, v += 8) {
    uint64_t lo = 0, hi = 0;
    for (int i = 0; i < 8; i++) {
      const int s = i * W;
      if (s < 64) lo |= (uint64_t)v[i] << s;
      if (s + W > 64) hi |= s >= 64 ? (uint64_t)v[i] << (s - 64) : (uint64_t)v[i] >> (64 - s);
    }
    uint8_t tmp[16];
    memcpy(tmp, &lo, 8); /* little-endian host (checked in parquet_encode.c) */
    memcpy(tmp + 8, &hi, 8);
    memcpy(p, tmp, (size_t)W);
    p += W;
  }
  return p;
}

static uint8_t *pack_groups(uint8_t *p, const uint32_t *v, size_t groups, int width) {
  switch (width) {
#define W_(w) \
  case w: return pack8w(p, v, groups, w);
    W_(1) W_(2) W_(3) W_(4) W_(5) W_(6) W_(7) W_(8)
    W_(9) W_(10) W_(11) W_(12) W_(13) W_(14) W_(15) W_(16)
#undef W_
    default: return pack_any(p, v, groups * 8, width);
  }
}

/* Packs n values (n <= 8 * groups; the rest of the last group is zero). */
static uint8_t *pack(uint8_t *p, const uint32_t *v, size_t n, int width) {
  size_t full = n / 8;
  p = pack_groups(p, v, full, width);
  if (full * 8 < n) {
    uint32_t last[8] = {0};
    memcpy(last, v + full * 8, (n - full * 8) * sizeof *v);
    p = pack_groups(p, last, 1, width);
  }
  return p;
}

static uint8_t *literal_run(uint8_t *p, const uint32_t *v, size_t n, int width) {
  size_t groups = (n + 7) / 8;
  p = put_varint(p, ((uint64_t)groups << 1) | 1);
  return pack(p, v, n, width);
}

static uint8_t *rle_run(uint8_t *p, uint32_t value, size_t count, int width) {
  p = put_varint(p, (uint64_t)count << 1);
  for (int b = 0; b < (width + 7) / 8; b++) *p++ = (uint8_t)(value >> (8 * b));
  return p;
}

pf_status pf__pq_rle_encode(const uint32_t *v, size_t n, int width,
                            pf__buf *out) {
  if (width < 1 || width > 32) return PF_EINVAL;
  size_t bound = (n / 8 + 2) * (size_t)(10 + width);
  PF_TRY(pf__buf_reserve(out, bound));
  uint8_t *p = out->data + out->len;
  size_t lit = 0; /* first value not yet in a run */
  size_t i = 0;
  while (i < n) {
    uint32_t x = v[i];
    size_t j = i + 1;
    while (j < n && v[j] == x) j++;
    size_t run = j - i;
    if (run >= 8) {
      /* Literal runs hold whole groups of 8: lend the repeat a few values
       * to round the pending literal up, if the repeat stays long. */
      size_t pending = i - lit;
      size_t pad = (8 - pending % 8) % 8;
      if (run - pad >= 8) {
        if (pending + pad) p = literal_run(p, v + lit, pending + pad, width);
        p = rle_run(p, x, run - pad, width);
        lit = j;
      }
    }
    i = j;
  }
  if (lit < n) p = literal_run(p, v + lit, n - lit, width);
  out->len = (size_t)(p - out->data);
  return PF_OK;
}

/* Why: a repeat run takes at least 4 input bytes and costs 2 bytes below 8
 * bytes, 3 below 1024, 4 beyond, so it saves at least 2; a literal run of
 * k bytes costs k plus a header of 1 byte (k < 64) or up to 3. Every
 * literal run but the last is followed by a repeat, so a pair costs at most
 * one byte more than its input, and only when k >= 64: full / 64 at most.
 * The last literal run, a short repeat reaching the end, and the tail add at
 * most 3 + 1 + 4 bytes. */
size_t pf__pq_rle_bits_bound(size_t n) {
  size_t full = n / 8;
  return full + full / 64 + 16;
}

pf_status pf__pq_rle_encode_bits(const uint8_t *bits, size_t n, pf__buf *out) {
  size_t full = n / 8, tail = n % 8;
  size_t bound = (full / 4 + 2) * 12 + full + 8;
  PF_TRY(pf__buf_reserve(out, bound));
  uint8_t *p = out->data + out->len;
  size_t lit = 0; /* first byte not yet in a run */
  size_t b = 0;
  int last_rle = -1;   /* value of the run that ended at `lit`, or -1   */
  uint8_t *last_hdr = NULL; /* where that run's header starts          */
  size_t last_count = 0;
  while (b < full) {
    uint8_t x = bits[b];
    if (x != 0 && x != 0xFF) {
      b++;
      continue;
    }
    size_t e = b + 1;
    while (e < full && bits[e] == x) e++;
    /* Short repeats cost more as runs than as literal bytes. */
    if (e - b >= 4 || (b == lit && e == full)) {
      if (b > lit) {
        p = put_varint(p, ((uint64_t)(b - lit) << 1) | 1);
        memcpy(p, bits + lit, b - lit);
        p += b - lit;
      }
      last_hdr = p;
      last_count = (e - b) * 8;
      last_rle = x & 1;
      p = rle_run(p, (uint32_t)last_rle, last_count, 1);
      lit = e;
    }
    b = e;
  }
  if (tail) {
    uint8_t t = bits[full] & (uint8_t)((1u << tail) - 1);
    uint8_t same = last_rle == 1 ? (uint8_t)((1u << tail) - 1) : 0;
    if (lit == full && last_rle >= 0 && t == same) {
      /* the tail continues the last run: rewrite its header */
      p = rle_run(last_hdr, (uint32_t)last_rle, last_count + tail, 1);
    } else {
      size_t groups = full - lit + 1;
      p = put_varint(p, ((uint64_t)groups << 1) | 1);
      memcpy(p, bits + lit, full - lit);
      p += full - lit;
      *p++ = t;
    }
  } else if (lit < full) {
    p = put_varint(p, ((uint64_t)(full - lit) << 1) | 1);
    memcpy(p, bits + lit, full - lit);
    p += full - lit;
  }
  out->len = (size_t)(p - out->data);
  return PF_OK;
}

void pf__pq_bits_set(uint8_t *dst, size_t off, size_t n) {
  while (n && (off & 7)) {
    dst[off >> 3] |= (uint8_t)(1u << (off & 7));
    off++;
    n--;
  }
  memset(dst + (off >> 3), 0xFF, n >> 3);
  off += n & ~(size_t)7;
  for (size_t i = 0; i < (n & 7); i++, off++) dst[off >> 3] |= (uint8_t)(1u << (off & 7));
}

void pf__pq_bits_copy(uint8_t *dst, size_t doff, const uint8_t *src,
                      size_t soff, size_t n) {
  while (n && (doff & 7)) {
    if ((src[soff >> 3] >> (soff & 7)) & 1) dst[doff >> 3] |= (uint8_t)(1u << (doff & 7));
    doff++;
    soff++;
    n--;
  }
  uint8_t *d = dst + (doff >> 3);
  const uint8_t *s = src + (soff >> 3);
  size_t bytes = n >> 3;
  unsigned shift = (unsigned)(soff & 7);
  if (shift == 0) {
    memcpy(d, s, bytes);
  } else {
    for (size_t i = 0; i < bytes; i++)
      d[i] = (uint8_t)((s[i] >> shift) | (s[i + 1] << (8 - shift)));
  }
  size_t rest = n & 7;
  if (rest) {
    unsigned w = s[bytes] >> shift;
    if (shift + rest > 8) w |= (unsigned)s[bytes + 1] << (8 - shift);
    d[bytes] |= (uint8_t)(w & ((1u << rest) - 1));
  }
}

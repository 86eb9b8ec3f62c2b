/* parquet_page_read.c - decodes the pages of Parquet column chunks
 * (parquet_page_read.h): page headers and CRCs, codecs, levels and every
 * value encoding of the format. Every read is bounds-checked: the bytes
 * are untrusted.
 *
 * Layout of a chunk: [dictionary page] data pages..., index pages
 * anywhere (skipped). Each page: a Thrift PageHeader, then
 * compressed_page_size bytes. Data page v1 bodies are compressed whole
 * (repetition levels, definition levels, values); v2 bodies keep their
 * levels uncompressed in front and compress only the values.
 */
#include "formats/parquet/parquet_page_read.h"

#include <lz4.h>
#include <snappy-c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "formats/parquet/thrift_compact.h"

enum { T_BOOL = 0, T_I32 = 1, T_I64 = 2, T_I96 = 3, T_FLOAT = 4, T_DOUBLE = 5, T_BA = 6, T_FLBA = 7 };
enum {
  E_PLAIN = 0, E_PLAIN_DICT = 2, E_RLE = 3, E_BIT_PACKED = 4, E_DELTA_BP = 5,
  E_DELTA_LBA = 6, E_DELTA_BA = 7, E_RLE_DICT = 8, E_BSS = 9
};
enum { P_DATA = 0, P_INDEX = 1, P_DICT = 2, P_DATA_V2 = 3 };
enum { C_NONE = 0, C_SNAPPY = 1, C_GZIP = 2, C_LZO = 3, C_BROTLI = 4, C_LZ4 = 5, C_ZSTD = 6, C_LZ4_RAW = 7 };

void pf__pqp_col_init(pf__pqp_col *c, int type, int type_length, int max_def, int max_rep,
                      int keep) {
  memset(c, 0, sizeof *c);
  c->type = type;
  c->type_length = type_length;
  c->max_def = max_def;
  c->max_rep = max_rep;
  c->keep = keep;
  c->max_entries = SIZE_MAX;
  pf__buf_init(&c->arena, (size_t)1 << 31);
}

void pf__pqp_col_free(pf__pqp_col *c) {
  free(c->def);
  free(c->rep);
  free(c->values);
  pf__buf_free(&c->arena);
  memset(c, 0, sizeof *c);
}

/* Decoding context of one chunk. */
typedef struct dec {
  pf__pqp_col *c;
  const char *name;
  pf_error *err;
  uint64_t page_off;          /* file offset of the page being decoded     */
  int64_t chunk_values;       /* the chunk's value count                   */
  int have_dict;
  size_t n_dict;
  pf__pqp_value *dict;        /* keep: the entries                         */
  uint8_t *raw;               /* the page, decompressed                    */
  size_t raw_cap;
  uint8_t *lv;                /* check mode: levels of one page (2 x n)    */
  size_t lv_cap;
  uint32_t *u32;              /* dictionary indices, RLE booleans          */
  size_t u32_cap;
  int64_t *i64;               /* delta-encoded integers                    */
  size_t i64_cap;
} dec;

static pf_status bad(dec *d, const char *what) {
  return pf__error_set(d->err, PF_EPARSE, "corrupt Parquet column %s (page at byte %llu): %s",
                       d->name, (unsigned long long)d->page_off, what);
}

static pf_status nomem(dec *d) { return pf__error_set(d->err, PF_ENOMEM, "out of memory"); }

static pf_status scratch(dec *d, void **p, size_t *cap, size_t n, size_t size) {
  if (n <= *cap) return PF_OK;
  size_t nc = *cap ? *cap : 1024;
  while (nc < n) nc *= 2;
  void *q = realloc(*p, nc * size);
  if (!q) return nomem(d);
  *p = q;
  *cap = nc;
  return PF_OK;
}

static uint32_t rd32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t rd64(const uint8_t *p) { return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32; }

/* bw (0..64) bits at bit position pos of p[0..n), least significant first;
 * the caller checked that they are inside. */
static uint64_t bits_at(const uint8_t *p, size_t n, uint64_t pos, int bw) {
  if (bw == 0) return 0;
  size_t at = (size_t)(pos >> 3);
  unsigned sh = (unsigned)(pos & 7);
  unsigned __int128 w = 0;
  size_t need = ((size_t)sh + (size_t)bw + 7) / 8;
  if (at + 16 <= n) {
    uint64_t lo, hi;
    memcpy(&lo, p + at, 8);
    memcpy(&hi, p + at + 8, 8);
    w = (unsigned __int128)hi << 64 | lo;
  } else {
    for (size_t k = 0; k < need && at + k < n; k++) w |= (unsigned __int128)p[at + k] << (8 * k);
  }
  w >>= sh;
  return bw == 64 ? (uint64_t)w : (uint64_t)w & (((uint64_t)1 << bw) - 1);
}

/* ---- RLE / bit-packed hybrid ---------------------------------------------------- */

/* Decodes count values of bit width bw (0..32) from p[0..n) into out (or,
 * when out is NULL, into out8, values above 255 clamped to 255). Returns 0
 * when the data ends first. */
static int hybrid(const uint8_t *p, size_t n, int bw, uint32_t *out, uint8_t *out8,
                  size_t count) {
  size_t i = 0, at = 0;
  int vbytes = (bw + 7) / 8;
  while (i < count) {
    uint64_t h = 0;
    int shift = 0;
    for (;;) {
      if (at >= n || shift > 35) return 0;
      uint8_t b = p[at++];
      h |= (uint64_t)(b & 0x7F) << shift;
      shift += 7;
      if (!(b & 0x80)) break;
    }
    if (h & 1) { /* bit-packed groups of 8 */
      uint64_t groups = h >> 1;
      if (groups == 0 || groups > (n - at) / ((size_t)bw ? (size_t)bw : 1) + 1) return 0;
      size_t bytes = (size_t)groups * (size_t)bw;
      if (bytes > n - at) return 0;
      size_t vals = (size_t)groups * 8;
      for (size_t k = 0; k < vals && i < count; k++, i++) {
        uint32_t v = (uint32_t)bits_at(p + at, bytes, (uint64_t)k * (uint64_t)bw, bw);
        if (out) out[i] = v;
        else out8[i] = (uint8_t)(v > 255 ? 255 : v);
      }
      at += bytes;
    } else { /* a run */
      uint64_t run = h >> 1;
      if ((size_t)vbytes > n - at || run == 0) return 0;
      uint32_t v = 0;
      for (int k = 0; k < vbytes; k++) v |= (uint32_t)p[at + k] << (8 * k);
      at += (size_t)vbytes;
      if (bw < 32 && (v >> bw)) return 0;
      uint8_t v8 = (uint8_t)(v > 255 ? 255 : v);
      for (uint64_t k = 0; k < run && i < count; k++, i++) {
        if (out) out[i] = v;
        else out8[i] = v8;
      }
    }
  }
  return 1;
}

static int bit_width(uint32_t max) {
  int w = 0;
  while (w < 32 && (max >> w)) w++;
  return w;
}

/* ---- levels ------------------------------------------------------------------- */

/* n levels (max) of encoding enc from p[0..len) into dst; *used: bytes. */
static pf_status levels(dec *d, const uint8_t *p, size_t len, int enc, int max, size_t n,
                        uint8_t *dst, const char *which, size_t *used) {
  *used = 0;
  if (max == 0) {
    memset(dst, 0, n);
    return PF_OK;
  }
  int bw = bit_width((uint32_t)max), ok = 1;
  char msg[96];
  if (enc == E_RLE) {
    ok = hybrid(p, len, bw, NULL, dst, n);
    *used = len;
  } else if (enc == E_BIT_PACKED) { /* deprecated: most significant bit first */
    uint64_t bits = (uint64_t)n * (uint64_t)bw;
    size_t bytes = (size_t)((bits + 7) / 8);
    if (bytes > len) ok = 0;
    for (size_t i = 0; ok && i < n; i++) {
      unsigned v = 0;
      for (int b = 0; b < bw; b++) {
        uint64_t pos = (uint64_t)i * (uint64_t)bw + (uint64_t)b;
        v = (v << 1) | ((p[pos >> 3] >> (7 - (pos & 7))) & 1);
      }
      dst[i] = (uint8_t)(v > 255 ? 255 : v);
    }
    *used = bytes;
  } else {
    snprintf(msg, sizeof msg, "%s levels in encoding %s", which, pf__pqr_encoding_name(enc));
    return bad(d, msg);
  }
  for (size_t i = 0; ok && i < n; i++)
    if (dst[i] > max) ok = 0;
  if (!ok) {
    snprintf(msg, sizeof msg, "%s levels cut off or above their maximum (%d)", which, max);
    return bad(d, msg);
  }
  return PF_OK;
}

/* Data page v1: repetition then definition levels, RLE ones after a
 * 4-byte length. */
static pf_status levels_v1(dec *d, const uint8_t *p, size_t len, size_t *at, int enc, int max,
                           size_t n, uint8_t *dst, const char *which) {
  size_t used;
  if (max > 0 && enc == E_RLE) {
    if (len - *at < 4) return bad(d, "level length cut off");
    size_t l = rd32(p + *at);
    *at += 4;
    if (l > len - *at) return bad(d, "levels longer than their page");
    PF_TRY(levels(d, p + *at, l, enc, max, n, dst, which, &used));
    *at += l;
    return PF_OK;
  }
  PF_TRY(levels(d, p + *at, len - *at, enc, max, n, dst, which, &used));
  *at += used;
  return PF_OK;
}

/* ---- values ------------------------------------------------------------------- */

static size_t fixed_width(const pf__pqp_col *c) {
  switch (c->type) {
    case T_I32:
    case T_FLOAT: return 4;
    case T_I64:
    case T_DOUBLE: return 8;
    case T_I96: return 12;
    case T_FLBA: return (size_t)(c->type_length > 0 ? c->type_length : 0);
    default: return 0;
  }
}

/* Keeps bytes as a value of the arena. */
static pf_status keep_bytes(dec *d, const uint8_t *p, size_t n, pf__pqp_value *v) {
  v->off = d->c->arena.len;
  v->len = n;
  v->i = 0;
  if (pf__buf_append(&d->c->arena, p, n) != PF_OK)
    return pf__error_set(d->err, PF_ELIMIT, "Parquet column %s: values exceed the size limit",
                         d->name);
  return PF_OK;
}

/* A fixed-width value (w bytes at p) into v. */
static pf_status keep_fixed(dec *d, const uint8_t *p, size_t w, pf__pqp_value *v) {
  switch (d->c->type) {
    case T_I32: *v = (pf__pqp_value){(int32_t)rd32(p), 0, 0}; return PF_OK;
    case T_FLOAT: *v = (pf__pqp_value){(int64_t)rd32(p), 0, 0}; return PF_OK;
    case T_I64:
    case T_DOUBLE: *v = (pf__pqp_value){(int64_t)rd64(p), 0, 0}; return PF_OK;
    default: return keep_bytes(d, p, w, v);
  }
}

/* n PLAIN values from p[0..len) (into out when keeping). */
static pf_status plain(dec *d, const uint8_t *p, size_t len, size_t n, pf__pqp_value *out) {
  pf__pqp_col *c = d->c;
  if (c->type == T_BOOL) {
    if ((n + 7) / 8 > len) return bad(d, "PLAIN booleans end early");
    for (size_t i = 0; out && i < n; i++) out[i] = (pf__pqp_value){(p[i / 8] >> (i % 8)) & 1, 0, 0};
    return PF_OK;
  }
  if (c->type == T_BA) {
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
      if (len - at < 4) return bad(d, "PLAIN byte array length cut off");
      size_t l = rd32(p + at);
      at += 4;
      if (l > len - at) return bad(d, "PLAIN byte array longer than its page");
      if (out) PF_TRY(keep_bytes(d, p + at, l, &out[i]));
      at += l;
    }
    return PF_OK;
  }
  size_t w = fixed_width(c);
  if (w == 0) return bad(d, "a FIXED_LEN_BYTE_ARRAY column without a length");
  if (n > len / w) return bad(d, "PLAIN values end early");
  for (size_t i = 0; out && i < n; i++) PF_TRY(keep_fixed(d, p + i * w, w, &out[i]));
  return PF_OK;
}

static pf_status dict_indices(dec *d, const uint8_t *p, size_t len, size_t nv,
                              pf__pqp_value *out) {
  if (nv == 0) return PF_OK;
  if (!d->have_dict) return bad(d, "dictionary-encoded page without a dictionary page");
  if (len < 1 || p[0] > 32) return bad(d, "bad dictionary index bit width");
  PF_TRY(scratch(d, (void **)&d->u32, &d->u32_cap, nv, sizeof *d->u32));
  if (p[0] == 0) /* every index is 0: nothing more is stored (as Arrow reads it) */
    memset(d->u32, 0, nv * sizeof *d->u32);
  else if (!hybrid(p + 1, len - 1, p[0], d->u32, NULL, nv))
    return bad(d, "dictionary indices cut off");
  for (size_t i = 0; i < nv; i++) {
    if (d->u32[i] >= d->n_dict) return bad(d, "a dictionary index past the dictionary's end");
    if (out) out[i] = d->dict[d->u32[i]];
  }
  return PF_OK;
}

static pf_status rle_bools(dec *d, const uint8_t *p, size_t len, size_t nv, pf__pqp_value *out) {
  if (d->c->type != T_BOOL) return bad(d, "RLE values in a column that is not boolean");
  if (len < 4) return bad(d, "RLE booleans without a length");
  size_t l = rd32(p);
  if (l > len - 4) return bad(d, "RLE booleans longer than their page");
  PF_TRY(scratch(d, (void **)&d->u32, &d->u32_cap, nv ? nv : 1, sizeof *d->u32));
  if (!hybrid(p + 4, l, 1, d->u32, NULL, nv)) return bad(d, "RLE booleans cut off");
  for (size_t i = 0; out && i < nv; i++) out[i] = (pf__pqp_value){d->u32[i], 0, 0};
  return PF_OK;
}

/* ULEB128 at p[*at..len). */
static int uleb(const uint8_t *p, size_t len, size_t *at, uint64_t *v) {
  *v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (*at >= len) return 0;
    uint8_t b = p[(*at)++];
    *v |= (uint64_t)(b & 0x7F) << shift;
    if (!(b & 0x80)) return 1;
  }
  return 0;
}

static int zigzag(const uint8_t *p, size_t len, size_t *at, int64_t *v) {
  uint64_t u;
  if (!uleb(p, len, at, &u)) return 0;
  *v = (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
  return 1;
}

/* DELTA_BINARY_PACKED: nv integers (32- or 64-bit arithmetic) into d->i64;
 * *used gets the bytes read. */
static pf_status delta_ints(dec *d, const uint8_t *p, size_t len, size_t nv, int is64,
                            size_t *used) {
  size_t at = 0;
  uint64_t block, mbs, total;
  int64_t first;
  if (!uleb(p, len, &at, &block) || !uleb(p, len, &at, &mbs) || !uleb(p, len, &at, &total) ||
      !zigzag(p, len, &at, &first))
    return bad(d, "DELTA_BINARY_PACKED header cut off");
  if (block == 0 || block % 128 || mbs == 0 || block % mbs || (block / mbs) % 32 || mbs > block)
    return bad(d, "DELTA_BINARY_PACKED block sizes are not valid");
  if (total < nv) return bad(d, "DELTA_BINARY_PACKED holds fewer values than the page");
  PF_TRY(scratch(d, (void **)&d->i64, &d->i64_cap, nv ? nv : 1, sizeof *d->i64));
  uint64_t per_mb = block / mbs, prev = (uint64_t)first;
  size_t got = 0;
  if (total > 0 && nv > 0) d->i64[got++] = is64 ? first : (int32_t)(uint32_t)prev;
  uint64_t left = total ? total - 1 : 0;
  while (left > 0) {
    int64_t min_delta;
    if (!zigzag(p, len, &at, &min_delta)) return bad(d, "DELTA_BINARY_PACKED block cut off");
    if (mbs > len - at) return bad(d, "DELTA_BINARY_PACKED bit widths cut off");
    const uint8_t *widths = p + at;
    at += (size_t)mbs;
    for (uint64_t m = 0; m < mbs && left > 0; m++) {
      int bw = widths[m];
      if (bw > (is64 ? 64 : 32)) return bad(d, "DELTA_BINARY_PACKED bit width too large");
      uint64_t bytes = per_mb * (uint64_t)bw / 8;
      if (bytes > len - at) return bad(d, "DELTA_BINARY_PACKED miniblock cut off");
      uint64_t take = per_mb < left ? per_mb : left;
      for (uint64_t k = 0; k < take; k++) {
        prev += (uint64_t)min_delta + bits_at(p + at, (size_t)bytes, k * (uint64_t)bw, bw);
        if (!is64) prev = (uint64_t)(int64_t)(int32_t)(uint32_t)prev;
        if (got < nv) d->i64[got++] = (int64_t)prev;
      }
      at += (size_t)bytes;
      left -= take;
    }
  }
  *used = at;
  return PF_OK;
}

static pf_status delta_bp(dec *d, const uint8_t *p, size_t len, size_t nv, pf__pqp_value *out) {
  if (d->c->type != T_I32 && d->c->type != T_I64)
    return bad(d, "DELTA_BINARY_PACKED values in a column that is not INT32 or INT64");
  size_t used;
  PF_TRY(delta_ints(d, p, len, nv, d->c->type == T_I64, &used));
  for (size_t i = 0; out && i < nv; i++) out[i] = (pf__pqp_value){d->i64[i], 0, 0};
  return PF_OK;
}

/* DELTA_LENGTH_BYTE_ARRAY: lengths, then the bytes. *used: bytes read. */
static pf_status delta_lba(dec *d, const uint8_t *p, size_t len, size_t nv, pf__pqp_value *out,
                           size_t *used) {
  size_t at;
  PF_TRY(delta_ints(d, p, len, nv, 0, &at));
  for (size_t i = 0; i < nv; i++) {
    int64_t l = d->i64[i];
    if (l < 0 || (uint64_t)l > len - at) return bad(d, "DELTA_LENGTH_BYTE_ARRAY value cut off");
    if (out) PF_TRY(keep_bytes(d, p + at, (size_t)l, &out[i]));
    at += (size_t)l;
  }
  *used = at;
  return PF_OK;
}

/* DELTA_BYTE_ARRAY: prefix lengths, then the suffixes as
 * DELTA_LENGTH_BYTE_ARRAY; each value is a prefix of the one before plus
 * its suffix. */
static pf_status delta_ba(dec *d, const uint8_t *p, size_t len, size_t nv, pf__pqp_value *out) {
  pf__pqp_col *c = d->c;
  if (c->type != T_BA && c->type != T_FLBA)
    return bad(d, "DELTA_BYTE_ARRAY values in a column that is not a byte array");
  size_t at;
  PF_TRY(delta_ints(d, p, len, nv, 0, &at));
  int64_t *prefix = malloc((nv ? nv : 1) * sizeof *prefix);
  if (!prefix) return nomem(d);
  memcpy(prefix, d->i64, nv * sizeof *prefix);
  size_t used;
  pf_status st = delta_ints(d, p + at, len - at, nv, 0, &used);
  at += used;
  uint64_t prev_len = 0;
  size_t prev_off = 0;
  for (size_t i = 0; st == PF_OK && i < nv; i++) {
    int64_t pre = prefix[i], suf = d->i64[i];
    if (pre < 0 || (uint64_t)pre > prev_len || suf < 0 || (uint64_t)suf > len - at) {
      st = bad(d, "DELTA_BYTE_ARRAY prefix longer than the value before, or suffix cut off");
      break;
    }
    uint64_t vlen = (uint64_t)pre + (uint64_t)suf;
    if (c->type == T_FLBA && vlen != (uint64_t)c->type_length) {
      st = bad(d, "DELTA_BYTE_ARRAY value of the wrong length for its fixed-length column");
      break;
    }
    if (out) {
      size_t off = c->arena.len;
      st = pf__buf_reserve(&c->arena, (size_t)vlen);
      if (st == PF_OK) {
        memmove(c->arena.data + off, c->arena.data + prev_off, (size_t)pre);
        memcpy(c->arena.data + off + pre, p + at, (size_t)suf);
        c->arena.len += (size_t)vlen;
        out[i] = (pf__pqp_value){0, off, (size_t)vlen};
        prev_off = off;
      } else {
        st = pf__error_set(d->err, PF_ELIMIT, "Parquet column %s: values exceed the size limit",
                           d->name);
      }
    }
    prev_len = vlen;
    at += (size_t)suf;
  }
  free(prefix);
  return st;
}

/* BYTE_STREAM_SPLIT: byte k of value i is at k * nv + i. */
static pf_status stream_split(dec *d, const uint8_t *p, size_t len, size_t nv,
                              pf__pqp_value *out) {
  size_t w = fixed_width(d->c);
  if (w == 0 || d->c->type == T_I96) return bad(d, "BYTE_STREAM_SPLIT values of a variable-width type");
  if (nv > len / w) return bad(d, "BYTE_STREAM_SPLIT values end early");
  uint8_t tmp[64];
  for (size_t i = 0; out && i < nv; i++) {
    uint8_t *v = w <= sizeof tmp ? tmp : NULL;
    if (!v) v = malloc(w);
    if (!v) return nomem(d);
    for (size_t k = 0; k < w; k++) v[k] = p[k * nv + i];
    pf_status st = keep_fixed(d, v, w, &out[i]);
    if (v != tmp) free(v);
    PF_TRY(st);
  }
  return PF_OK;
}

/* The values of one data page: nv non-null values in p[0..len). */
static pf_status page_values(dec *d, int enc, const uint8_t *p, size_t len, size_t nv) {
  pf__pqp_col *c = d->c;
  pf__pqp_value *out = NULL;
  if (c->keep) {
    size_t need = c->n_values + nv;
    pf__pqp_value *v = realloc(c->values, (need ? need : 1) * sizeof *v);
    if (!v) return nomem(d);
    c->values = v;
    out = v + c->n_values;
  }
  size_t used;
  switch (enc) {
    case E_PLAIN: PF_TRY(plain(d, p, len, nv, out)); break;
    case E_PLAIN_DICT:
    case E_RLE_DICT: PF_TRY(dict_indices(d, p, len, nv, out)); break;
    case E_RLE: PF_TRY(rle_bools(d, p, len, nv, out)); break;
    case E_DELTA_BP: PF_TRY(delta_bp(d, p, len, nv, out)); break;
    case E_DELTA_LBA:
      if (c->type != T_BA) return bad(d, "DELTA_LENGTH_BYTE_ARRAY values in a column that is not BYTE_ARRAY");
      PF_TRY(delta_lba(d, p, len, nv, out, &used));
      break;
    case E_DELTA_BA: PF_TRY(delta_ba(d, p, len, nv, out)); break;
    case E_BSS: PF_TRY(stream_split(d, p, len, nv, out)); break;
    default: {
      char msg[80];
      snprintf(msg, sizeof msg, "values in encoding %s (%d)", pf__pqr_encoding_name(enc), enc);
      return bad(d, msg);
    }
  }
  if (enc >= 0 && enc < 32) c->encodings |= 1u << enc;
  if (c->keep) c->n_values += nv;
  return PF_OK;
}

/* ---- decompression ------------------------------------------------------------ */

static pf_status inflate_all(dec *d, const uint8_t *src, size_t n, size_t raw, uint8_t *dst) {
  size_t got = 0, used = 0;
  while (used < n && got <= raw) { /* gzip members, one after the other */
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, 15 + 32) != Z_OK) return nomem(d);
    z.next_in = (Bytef *)(src + used);
    z.avail_in = (uInt)(n - used);
    z.next_out = dst + got;
    z.avail_out = (uInt)(raw - got);
    int rc = inflate(&z, Z_FINISH);
    size_t out = (size_t)((raw - got) - z.avail_out), in = (size_t)((n - used) - z.avail_in);
    inflateEnd(&z);
    if (rc != Z_STREAM_END) return bad(d, "gzip data does not decompress to the page size");
    got += out;
    used += in;
    if (in == 0) break;
  }
  if (got != raw) return bad(d, "gzip data does not decompress to the page size");
  return PF_OK;
}

/* LZ4 (codec 5): Hadoop's framing (big-endian sizes before each block),
 * else one raw block as some writers wrote. */
static pf_status lz4_hadoop(dec *d, const uint8_t *src, size_t n, size_t raw, uint8_t *dst) {
  size_t at = 0, got = 0;
  int ok = 1;
  while (ok && at < n) {
    if (n - at < 8) ok = 0;
    uint32_t ulen = 0, clen = 0;
    if (ok) {
      ulen = (uint32_t)src[at] << 24 | (uint32_t)src[at + 1] << 16 | (uint32_t)src[at + 2] << 8 | src[at + 3];
      clen = (uint32_t)src[at + 4] << 24 | (uint32_t)src[at + 5] << 16 | (uint32_t)src[at + 6] << 8 | src[at + 7];
      at += 8;
      if (clen > n - at || ulen > raw - got || clen > INT32_MAX || ulen > INT32_MAX) ok = 0;
    }
    if (ok) {
      int k = LZ4_decompress_safe((const char *)src + at, (char *)dst + got, (int)clen, (int)ulen);
      if (k < 0 || (uint32_t)k != ulen) ok = 0;
      at += clen;
      got += ulen;
    }
  }
  if (ok && got == raw) return PF_OK;
  if (n > INT32_MAX || raw > INT32_MAX) return bad(d, "lz4 page too large");
  int k = LZ4_decompress_safe((const char *)src, (char *)dst, (int)n, (int)raw);
  if (k < 0 || (size_t)k != raw) return bad(d, "lz4 data does not decompress to the page size");
  return PF_OK;
}

static pf_status decompress(dec *d, int codec, const uint8_t *src, size_t n, size_t raw,
                            uint8_t *dst) {
  switch (codec) {
    case C_NONE:
      if (n != raw) return bad(d, "uncompressed page sizes disagree");
      if (n) memcpy(dst, src, n);
      return PF_OK;
    case C_SNAPPY: {
      size_t got = 0;
      if (snappy_uncompressed_length((const char *)src, n, &got) != SNAPPY_OK || got != raw)
        return bad(d, "snappy page length does not match its header");
      got = raw;
      if (snappy_uncompress((const char *)src, n, (char *)dst, &got) != SNAPPY_OK || got != raw)
        return bad(d, "snappy data does not decompress");
      return PF_OK;
    }
    case C_GZIP: return inflate_all(d, src, n, raw, dst);
    case C_ZSTD: {
      size_t got = ZSTD_decompress(dst, raw, src, n);
      if (ZSTD_isError(got) || got != raw)
        return bad(d, "zstd data does not decompress to the page size");
      return PF_OK;
    }
    case C_LZ4: return lz4_hadoop(d, src, n, raw, dst);
    case C_LZ4_RAW: {
      if (n > INT32_MAX || raw > INT32_MAX) return bad(d, "lz4 page too large");
      int got = LZ4_decompress_safe((const char *)src, (char *)dst, (int)n, (int)raw);
      if (got < 0 || (size_t)got != raw)
        return bad(d, "lz4 data does not decompress to the page size");
      return PF_OK;
    }
    default:
      return pf__error_set(d->err, PF_EUNSUPPORTED,
                           "Parquet column %s uses compression codec %s, which PyForge cannot "
                           "decompress (it reads none, snappy, gzip, lz4, zstd, lz4_raw)",
                           d->name, pf__pqr_codec_name(codec));
  }
}

/* ---- page headers --------------------------------------------------------------- */

typedef struct page_hdr {
  int32_t type, raw, stored;
  int has_crc;
  uint32_t crc;
  int32_t num_values, encoding;        /* data v1/v2, dictionary          */
  int32_t def_enc, rep_enc;            /* v1                              */
  int32_t num_nulls, num_rows;         /* v2                              */
  int32_t dl_len, rl_len;              /* v2                              */
  int v2_compressed;
} page_hdr;

static void sub_header(pf__tc_reader *r, page_hdr *h, int kind) {
  uint8_t t;
  int16_t id;
  pf__tcr_struct_begin(r);
  while (pf__tcr_field_next(r, &t, &id)) {
    if (kind == P_DATA_V2 && id == 7 && (t == PF__TC_TRUE || t == PF__TC_FALSE)) {
      h->v2_compressed = pf__tcr_bool_field(t);
      continue;
    }
    int32_t *dst = NULL;
    if (id == 1) dst = &h->num_values;
    else if (kind == P_DATA && id == 2) dst = &h->encoding;
    else if (kind == P_DATA && id == 3) dst = &h->def_enc;
    else if (kind == P_DATA && id == 4) dst = &h->rep_enc;
    else if (kind == P_DICT && id == 2) dst = &h->encoding;
    else if (kind == P_DATA_V2 && id == 2) dst = &h->num_nulls;
    else if (kind == P_DATA_V2 && id == 3) dst = &h->num_rows;
    else if (kind == P_DATA_V2 && id == 4) dst = &h->encoding;
    else if (kind == P_DATA_V2 && id == 5) dst = &h->dl_len;
    else if (kind == P_DATA_V2 && id == 6) dst = &h->rl_len;
    if (dst && pf__tcr_expect(r, t, PF__TC_I32)) *dst = pf__tcr_i32(r);
    else if (!dst) pf__tcr_skip(r, t);
  }
  pf__tcr_struct_end(r);
}

static size_t parse_header(const uint8_t *p, size_t n, page_hdr *h, const char **what) {
  pf__tc_reader r;
  pf__tcr_init(&r, p, n);
  memset(h, 0, sizeof *h);
  h->type = h->raw = h->stored = h->num_values = -1;
  h->num_nulls = h->num_rows = -1;
  h->def_enc = h->rep_enc = E_RLE;
  h->v2_compressed = 1;
  uint8_t t;
  int16_t id;
  pf__tcr_struct_begin(&r);
  while (pf__tcr_field_next(&r, &t, &id)) {
    if (id >= 1 && id <= 4) {
      if (pf__tcr_expect(&r, t, PF__TC_I32)) {
        int32_t v = pf__tcr_i32(&r);
        if (id == 1) h->type = v;
        else if (id == 2) h->raw = v;
        else if (id == 3) h->stored = v;
        else {
          h->has_crc = 1;
          h->crc = (uint32_t)v;
        }
      }
    } else if ((id == 5 || id == 7 || id == 8) && t == PF__TC_STRUCT) {
      sub_header(&r, h, id == 5 ? P_DATA : id == 7 ? P_DICT : P_DATA_V2);
    } else {
      pf__tcr_skip(&r, t);
    }
  }
  pf__tcr_struct_end(&r);
  if (r.status != PF_OK) {
    *what = r.what;
    return 0;
  }
  if (h->type < 0 || h->raw < 0 || h->stored < 0) {
    *what = "page header without type or sizes";
    return 0;
  }
  return pf__tcr_offset(&r);
}

/* ---- pages ------------------------------------------------------------------------ */

static pf_status dict_page(dec *d, const page_hdr *h, const uint8_t *p, size_t len) {
  if (d->have_dict) return bad(d, "a second dictionary page in one column chunk");
  if (h->encoding != E_PLAIN && h->encoding != E_PLAIN_DICT)
    return bad(d, "dictionary page not in PLAIN encoding");
  if (h->num_values < 0) return bad(d, "dictionary page without a value count");
  size_t n = (size_t)h->num_values;
  if (d->c->keep) {
    d->dict = malloc((n ? n : 1) * sizeof *d->dict);
    if (!d->dict) return nomem(d);
  }
  PF_TRY(plain(d, p, len, n, d->dict));
  d->n_dict = n;
  d->have_dict = 1;
  d->c->dict_pages++;
  return PF_OK;
}

/* Room for n more level entries: the column's arrays when keeping, else
 * the page scratch. Sets *rep and *def. */
static pf_status level_room(dec *d, size_t n, uint8_t **rep, uint8_t **def) {
  pf__pqp_col *c = d->c;
  if (!c->keep) {
    PF_TRY(scratch(d, (void **)&d->lv, &d->lv_cap, 2 * (n ? n : 1), 1));
    *rep = d->lv;
    *def = d->lv + n;
    return PF_OK;
  }
  if (n > c->max_entries || c->n > c->max_entries - n)
    return pf__error_set(d->err, PF_ELIMIT,
                         "Parquet column %s holds more level entries than the limit (%zu)",
                         d->name, c->max_entries);
  size_t need = c->n + n;
  uint8_t *df = realloc(c->def, need ? need : 1);
  if (!df) return nomem(d);
  c->def = df;
  uint8_t *rp = realloc(c->rep, need ? need : 1);
  if (!rp) return nomem(d);
  c->rep = rp;
  *rep = c->rep + c->n;
  *def = c->def + c->n;
  return PF_OK;
}

/* One data page (v1 or v2) whose body, decompressed, is body[0..len). */
static pf_status data_page(dec *d, const page_hdr *h, const uint8_t *body, size_t len,
                           int64_t left_values) {
  pf__pqp_col *c = d->c;
  if (h->num_values < 0) return bad(d, "data page without a value count");
  size_t n = (size_t)h->num_values;
  if ((int64_t)n > left_values) return bad(d, "pages hold more values than the chunk");
  uint8_t *rep = NULL, *def = NULL;
  PF_TRY(level_room(d, n, &rep, &def));
  size_t at = 0;
  if (h->type == P_DATA) {
    PF_TRY(levels_v1(d, body, len, &at, h->rep_enc, c->max_rep, n, rep, "repetition"));
    PF_TRY(levels_v1(d, body, len, &at, h->def_enc, c->max_def, n, def, "definition"));
  } else {
    size_t rl = (size_t)h->rl_len, dl = (size_t)h->dl_len, used;
    if (h->rl_len < 0 || h->dl_len < 0 || rl > len || dl > len - rl)
      return bad(d, "v2 level lengths exceed the page");
    PF_TRY(levels(d, body, rl, E_RLE, c->max_rep, n, rep, "repetition", &used));
    PF_TRY(levels(d, body + rl, dl, E_RLE, c->max_def, n, def, "definition", &used));
    at = rl + dl;
  }
  size_t present = 0, rows = 0;
  for (size_t i = 0; i < n; i++) {
    present += def[i] == c->max_def;
    rows += rep[i] == 0;
  }
  if (n && c->max_rep && rep[0] != 0 && left_values == d->chunk_values)
    return bad(d, "the chunk's first value continues a row (repetition level above 0)");
  if (h->type == P_DATA_V2 && ((h->num_rows >= 0 && (size_t)h->num_rows != rows) ||
                               (h->num_nulls >= 0 && (size_t)h->num_nulls != n - present)))
    return bad(d, "v2 page header counts of rows or nulls differ from its levels");
  c->entries += (int64_t)n;
  c->rows += (int64_t)rows;
  c->nulls += (int64_t)(n - present);
  if (c->keep) c->n += n;
  c->data_pages++;
  return page_values(d, h->encoding, body + at, len - at, present);
}

/* parquet-mr before 1.2.9 wrote column chunk sizes without the dictionary
 * page header; readers (parquet-cpp among them) allow that much more. */
#define OLD_MR_DICT_HEADER 100

static int old_parquet_mr(const pf__pqr_meta *m) {
  static const char mr[] = "parquet-mr";
  if (!m || !m->has_created_by || m->created_by.n < sizeof mr - 1 ||
      memcmp(m->created_by.p, mr, sizeof mr - 1) != 0)
    return 0;
  char v[64];
  size_t n = m->created_by.n < sizeof v - 1 ? m->created_by.n : sizeof v - 1;
  memcpy(v, m->created_by.p, n);
  v[n] = 0;
  int a = 0, b = 0, c = 0;
  if (sscanf(v, "parquet-mr version %d.%d.%d", &a, &b, &c) < 1) return 1; /* no version */
  return a < 1 || (a == 1 && (b < 2 || (b == 2 && c < 9)));
}

pf_status pf__pqp_chunk_range(const pf__pqr_meta *m, const pf__pqr_chunk *ch, uint64_t *start,
                              uint64_t *len, const char *name, pf_error *err) {
  uint64_t file_size = m->file_size;
  *start = *len = 0;
  if (ch->has_meta && ch->num_values == 0) return PF_OK; /* no page to read */
  if (!ch->has_meta)
    return pf__error_set(err, PF_EPARSE, "Parquet column %s: a column chunk without metadata",
                         name);
  /* the first page: the dictionary's when there is one (some writers put
   * 0 in an offset they do not know; offsets below 4 are inside the magic) */
  int64_t s = ch->data_page_offset;
  if (ch->dictionary_page_offset >= 4 && (s < 4 || ch->dictionary_page_offset < s))
    s = ch->dictionary_page_offset;
  if (s < 4 || (uint64_t)s >= file_size || ch->total_compressed_size < 0 ||
      (uint64_t)ch->total_compressed_size > file_size - (uint64_t)s)
    return pf__error_set(err, PF_EPARSE,
                         "corrupt Parquet column %s: its chunk's offsets point outside the file",
                         name);
  if (ch->num_values < 0)
    return pf__error_set(err, PF_EPARSE, "corrupt Parquet column %s: a negative value count",
                         name);
  *start = (uint64_t)s;
  *len = (uint64_t)ch->total_compressed_size;
  if (old_parquet_mr(m)) {
    uint64_t room = file_size - *start - *len;
    *len += room < OLD_MR_DICT_HEADER ? room : OLD_MR_DICT_HEADER;
  }
  return PF_OK;
}

/* Decompresses one page's body into d->raw. */
static pf_status page_body(dec *d, const page_hdr *h, int codec, const uint8_t *body,
                           size_t stored, size_t rawlen) {
  PF_TRY(scratch(d, (void **)&d->raw, &d->raw_cap, rawlen ? rawlen : 1, 1));
  if (h->type != P_DATA_V2) return decompress(d, codec, body, stored, rawlen, d->raw);
  size_t lv = (size_t)h->rl_len + (size_t)h->dl_len;
  if (h->rl_len < 0 || h->dl_len < 0 || lv > stored || lv > rawlen)
    return bad(d, "v2 level lengths exceed the page");
  if (lv) memcpy(d->raw, body, lv);
  if (h->v2_compressed && (stored > lv || rawlen > lv)) /* nothing at all: no values */
    return decompress(d, codec, body + lv, stored - lv, rawlen - lv, d->raw + lv);
  if (stored != rawlen) return bad(d, "uncompressed v2 page sizes disagree");
  if (rawlen > lv) memcpy(d->raw + lv, body + lv, rawlen - lv);
  return PF_OK;
}

pf_status pf__pqp_decode_chunk(pf__pqp_col *c, const uint8_t *bytes, size_t n, uint64_t offset,
                               const pf__pqr_chunk *ch, const char *name, pf_error *err) {
  dec d;
  memset(&d, 0, sizeof d);
  d.c = c;
  d.name = name;
  d.err = err;
  d.page_off = offset;
  d.chunk_values = ch->num_values;
  if (!ch->has_meta) return bad(&d, "column chunk without metadata");
  if (ch->type != c->type) return bad(&d, "the chunk's type differs from the schema's");
  if (c->max_def > PF__PQP_MAX_LEVEL || c->max_rep > PF__PQP_MAX_LEVEL)
    return pf__error_set(err, PF_ELIMIT, "Parquet column %s is nested more than %d levels deep",
                         name, PF__PQP_MAX_LEVEL);
  const uint8_t *p = bytes ? bytes : (const uint8_t *)"";
  size_t left = n;
  int64_t seen = 0;
  pf_status s = PF_OK;
  while (s == PF_OK && seen < ch->num_values) {
    d.page_off = offset + (uint64_t)(p - bytes);
    page_hdr h;
    const char *what = NULL;
    size_t hl = left ? parse_header(p, left, &h, &what) : 0;
    if (!hl) {
      s = bad(&d, left ? (what ? what : "bad page header")
                       : "the chunk ends before its pages hold its values");
      break;
    }
    p += hl;
    left -= hl;
    if ((size_t)h.stored > left) {
      s = bad(&d, "page longer than its chunk");
      break;
    }
    if ((size_t)h.raw > PF__PQP_MAX_PAGE) {
      s = pf__error_set(err, PF_ELIMIT,
                        "Parquet column %s: a page of %d bytes exceeds the %zu byte limit", name,
                        h.raw, PF__PQP_MAX_PAGE);
      break;
    }
    const uint8_t *body = p;
    size_t stored = (size_t)h.stored, rawlen = (size_t)h.raw;
    p += stored;
    left -= stored;
    if (h.has_crc) {
      if ((uint32_t)crc32(crc32(0, Z_NULL, 0), body, (uInt)stored) != h.crc) {
        s = bad(&d, "the page's CRC does not match its bytes");
        break;
      }
      c->crc_pages++;
    }
    if (h.type == P_INDEX) continue;
    if (h.type != P_DATA && h.type != P_DICT && h.type != P_DATA_V2) {
      s = bad(&d, "unknown page type");
      break;
    }
    s = page_body(&d, &h, ch->codec, body, stored, rawlen);
    if (s != PF_OK) break;
    if (h.type == P_DICT) {
      s = dict_page(&d, &h, d.raw, rawlen);
    } else {
      s = data_page(&d, &h, d.raw, rawlen, ch->num_values - seen);
      seen += h.num_values;
    }
  }
  if (s == PF_OK && seen != ch->num_values)
    s = bad(&d, "pages hold a different number of values than the chunk says");
  free(d.raw);
  free(d.lv);
  free(d.u32);
  free(d.i64);
  free(d.dict);
  return s;
}

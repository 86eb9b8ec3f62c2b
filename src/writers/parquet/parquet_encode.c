/* parquet_encode.c - the column chunk builder: batch column slices in,
 * finished data pages (and a dictionary page) out.
 *
 * Values go through the chunk's dictionary (RLE_DICTIONARY pages) until the
 * dictionary would pass cfg->dict_limit bytes; the page then closes and the
 * rest of the chunk is PLAIN. Booleans are always PLAIN (bit-packed).
 * Optional columns carry definition levels (bit width 1, RLE/bit-packed
 * hybrid, 4-byte length prefix: data page v1). Statistics are gathered as
 * values arrive: over new dictionary entries in dictionary mode, over every
 * value in PLAIN mode.
 *
 * The loops are specialised per kind of column (no per-value indirect
 * calls); a page is cut when its estimated encoded size passes
 * cfg->page_bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "writers/parquet/parquet_writer_internal.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the Parquet writer assumes a little-endian host"
#endif

#define ALWAYS_INLINE inline __attribute__((always_inline))

/* Rows per slice at least, so a nearly full page does not cost a loop turn
 * per few values. */
#define MIN_SLICE 256

/* Bytes a PLAIN page buffer holds past cfg->page_bytes: a byte array value
 * may end past the page size, and the buffer is sized once for a page. */
#define PLAIN_SLACK ((size_t)64 << 10)

static pf__pq_kind kind_of(pf_type t, int *width) {
  *width = 0;
  switch (t) {
    case PF_TYPE_BOOL: return PF__PQ_K_BOOL;
    case PF_TYPE_INT64:
    case PF_TYPE_TIMESTAMP:
    case PF_TYPE_TIMESTAMP_UTC:
    case PF_TYPE_TIME: *width = 8; return PF__PQ_K_I64;
    case PF_TYPE_DOUBLE: *width = 8; return PF__PQ_K_F64;
    case PF_TYPE_DATE: *width = 4; return PF__PQ_K_I32;
    case PF_TYPE_DECIMAL: *width = 16; return PF__PQ_K_DEC;
    case PF_TYPE_STRING:
    case PF_TYPE_BINARY: return PF__PQ_K_BYTES;
    default: return PF__PQ_K_NULL;
  }
}

/* Room for the levels of a page before its PLAIN values: pages close at
 * cfg->page_bytes, and byte arrays and fixed values take at least 4 bytes
 * a row (plus the rows of one last slice). A page whose levels do not fit
 * is copied instead (finish_page). */
static size_t levels_head(const pf__pq_col *c, const pf__pq_config *cfg) {
  if (!c->optional || c->kind == PF__PQ_K_BOOL || c->kind == PF__PQ_K_NULL) return 0;
  size_t rows = cfg->page_bytes / 4 + 2 * MIN_SLICE;
  if (rows > PF__PQ_MAX_PAGE_ROWS) rows = PF__PQ_MAX_PAGE_ROWS;
  return 4 + pf__pq_rle_bits_bound(rows);
}

/* Empties the PLAIN values of the page being built: plain keeps `head`
 * bytes free before them. */
static pf_status plain_restart(pf__pq_col *c) {
  c->plain.len = 0;
  if (c->head) {
    PF_TRY(pf__buf_reserve(&c->plain, c->head));
    c->plain.len = c->head;
  }
  return PF_OK;
}

/* PLAIN bytes of the page being built. */
static size_t plain_used(const pf__pq_col *c) { return c->plain.len - c->head; }

/* Room for n more PLAIN bytes; a buffer that grows is sized for a whole
 * page at once, not doubled page by page. */
static pf_status plain_reserve(pf__pq_col *c, const pf__pq_config *cfg, size_t n) {
  if (c->plain.cap - c->plain.len > n) return PF_OK;
  size_t page = c->head + cfg->page_bytes + PLAIN_SLACK;
  if (c->plain.len < page && page - c->plain.len > n) n = page - c->plain.len;
  return pf__buf_reserve(&c->plain, n);
}

pf_status pf__pq_col_init(pf__pq_col *c, const pf_field *f, int store, const pf__pq_config *cfg) {
  memset(c, 0, sizeof *c);
  c->kind = kind_of(f->type, &c->width);
  if (store && c->kind == PF__PQ_K_I64 && f->type == PF_TYPE_INT64) { /* INT32, 16, 8 */
    c->kind = PF__PQ_K_I32;
    c->width = 4;
    c->narrow = 1;
  } else if (store && c->kind == PF__PQ_K_F64) {
    c->kind = PF__PQ_K_F32;
    c->width = 4;
    c->narrow = 2;
  } else if (store) {
    return PF_EINVAL;
  }
  c->optional = f->nullable || c->kind == PF__PQ_K_NULL;
  c->use_dict = cfg->dictionary && c->kind != PF__PQ_K_NULL && c->kind != PF__PQ_K_BOOL;
  c->dict_mode = c->use_dict;
  pf__pq_dict_init(&c->dict);
  pf__buf_init(&c->plain, 0);
  pf__buf_init(&c->levels, 0);
  pf__buf_init(&c->stats.smin, 0);
  pf__buf_init(&c->stats.smax, 0);
  c->head = levels_head(c, cfg);
  return plain_restart(c);
}

void pf__pq_col_free(pf__pq_col *c) {
  if (!c) return;
  pf__pq_dict_free(&c->dict);
  pf__buf_free(&c->plain);
  pf__buf_free(&c->levels);
  if (c->dict_page) pf__pq_pages_push(&c->pages, c->dict_page); /* freed below */
  pf__pq_pages_free(&c->pages);
  pf__pq_pages_free(&c->spare);
  pf__buf_free(&c->stats.smin);
  pf__buf_free(&c->stats.smax);
  free(c->def);
  free(c->idx);
  free(c->conv);
  memset(c, 0, sizeof *c);
}

pf_status pf__pq_col_reset(pf__pq_col *c, pf__pq_pages *out) {
  out->n = 0;
  if (c->dict_page) PF_TRY(pf__pq_pages_push(out, c->dict_page));
  for (size_t i = 0; i < c->pages.n; i++) PF_TRY(pf__pq_pages_push(out, c->pages.p[i]));
  c->dict_page = NULL;
  c->pages.n = 0;
  c->n_sent = c->n_done = 0;
  c->data_raw = c->data_stored = c->dict_raw = c->dict_stored = 0;
  c->pending_raw = 0;
  c->dict_mode = c->use_dict;
  c->dict_used = 0;
  pf__pq_dict_clear(&c->dict);
  c->rows = 0;
  c->stats.nulls = c->stats.nans = 0;
  c->stats.has = 0;
  c->stats.smin.len = c->stats.smax.len = 0;
  c->dict_pages = c->plain_pages = 0;
  return PF_OK;
}

size_t pf__pq_col_buffered(const pf__pq_col *c) {
  return (size_t)(c->data_stored + c->pending_raw) + plain_used(c) +
         c->n_idx * sizeof *c->idx + c->dict.vals.len + c->page_rows / 8;
}

/* ---- sealed pages ---- */

/* A page struct for the next sealed page, its body empty (from bp). */
static pf_status take_page(pf__pq_col *c, pf__pq_bufpool *bp, size_t want, pf__pq_page **out) {
  pf__pq_page *pg;
  if (c->spare.n) {
    pg = c->spare.p[--c->spare.n];
  } else {
    pg = calloc(1, sizeof *pg);
    if (!pg) return PF_ENOMEM;
    pf__buf_init(&pg->raw, 0);
    pf__buf_init(&pg->z, 0);
  }
  if (!pg->raw.data && want) pf__pq_bufpool_take(bp, PF__PQ_RAW, &pg->raw, want);
  pg->raw.len = pg->z.len = pg->hdr_len = 0;
  pg->off = 0;
  pg->status = PF_OK;
  *out = pg;
  return PF_OK;
}

/* Page struct back to the spares (its bodies given back). */
static void give_page(pf__pq_col *c, pf__pq_bufpool *bp, pf__pq_page *pg) {
  pf__pq_bufpool_give(bp, PF__PQ_RAW, &pg->raw);
  pf__pq_bufpool_give(bp, PF__PQ_Z, &pg->z);
  if (c->spare.n < 256 && pf__pq_pages_push(&c->spare, pg) == PF_OK) return;
  free(pg);
}

static void account_page(pf__pq_col *c, const pf__pq_config *cfg, const pf__pq_page *pg,
                         int64_t *raw, int64_t *stored) {
  size_t stored_len;
  (void)pf__pq_page_stored(pg, cfg, &stored_len);
  *raw += (int64_t)(pg->hdr_len + pg->raw_len);
  *stored += (int64_t)(pg->hdr_len + stored_len);
  c->pending_raw -= (int64_t)pg->raw_len;
}

pf_status pf__pq_col_account(pf__pq_col *c, const pf__pq_config *cfg, size_t upto) {
  for (; c->n_done < upto; c->n_done++) {
    pf__pq_page *pg = c->pages.p[c->n_done];
    if (pg->status != PF_OK) return pg->status;
    account_page(c, cfg, pg, &c->data_raw, &c->data_stored);
  }
  if (upto == c->pages.n && c->dict_page && c->dict_stored == 0) {
    if (c->dict_page->status != PF_OK) return c->dict_page->status;
    account_page(c, cfg, c->dict_page, &c->dict_raw, &c->dict_stored);
  }
  return PF_OK;
}

void pf__pq_col_recycle(pf__pq_col *c, pf__pq_pages *written) {
  for (size_t i = 0; i < written->n; i++) {
    pf__pq_page *pg = written->p[i];
    if (c->spare.n < 256 && pf__pq_pages_push(&c->spare, pg) == PF_OK) continue;
    pf__buf_free(&pg->raw);
    pf__buf_free(&pg->z);
    free(pg);
  }
  written->n = 0;
}

/* ---- statistics ---- */

static ALWAYS_INLINE void st_int(pf__pq_stats *s, int64_t v) {
  if (!s->has) {
    s->has = 1;
    s->imin = s->imax = v;
  } else {
    if (v < s->imin) s->imin = v;
    if (v > s->imax) s->imax = v;
  }
}

static ALWAYS_INLINE void st_dbl(pf__pq_stats *s, double v) {
  if (v != v) {
    s->nans++;
    return;
  }
  if (!s->has) {
    s->has = 1;
    s->dmin = s->dmax = v;
  } else {
    if (v < s->dmin) s->dmin = v;
    if (v > s->dmax) s->dmax = v;
  }
}

/* Decimal values as (signed high, unsigned low) halves. */
static ALWAYS_INLINE int dec_lt(int64_t ah, uint64_t al, int64_t bh, uint64_t bl) {
  return ah < bh || (ah == bh && al < bl);
}

static ALWAYS_INLINE void st_dec(pf__pq_stats *s, int64_t hi, uint64_t lo) {
  if (!s->has) {
    s->has = 1;
    s->hmin = s->hmax = hi;
    s->lmin = s->lmax = lo;
    return;
  }
  if (dec_lt(hi, lo, s->hmin, s->lmin)) {
    s->hmin = hi;
    s->lmin = lo;
  }
  if (dec_lt(s->hmax, s->lmax, hi, lo)) {
    s->hmax = hi;
    s->lmax = lo;
  }
}

/* Unsigned byte-wise order, a prefix sorting first. */
static ALWAYS_INLINE int bytes_cmp(const uint8_t *a, size_t an, const uint8_t *b,
                                   size_t bn) {
  size_t m = an < bn ? an : bn;
  int r = m ? memcmp(a, b, m) : 0;
  if (r) return r;
  return an < bn ? -1 : an > bn;
}

/* The first 8 bytes as a big-endian number, zero-padded: when two keys
 * differ, the strings compare the same way. */
static ALWAYS_INLINE uint64_t prefix_key(const uint8_t *p, size_t n) {
  uint64_t k = 0;
  if (n >= 8) {
    memcpy(&k, p, 8);
    return __builtin_bswap64(k);
  }
  for (size_t i = 0; i < n; i++) k |= (uint64_t)p[i] << (56 - 8 * i);
  return k;
}

static pf_status st_set(pf__buf *b, uint64_t *key, const uint8_t *p, size_t n,
                        uint64_t k) {
  b->len = 0;
  *key = k;
  return pf__buf_append(b, p, n);
}

static ALWAYS_INLINE pf_status st_bytes(pf__pq_stats *s, const uint8_t *p, size_t n) {
  uint64_t k = prefix_key(p, n);
  if (!s->has) {
    s->has = 1;
    PF_TRY(st_set(&s->smin, &s->kmin, p, n, k));
    return st_set(&s->smax, &s->kmax, p, n, k);
  }
  if (k < s->kmin || (k == s->kmin && bytes_cmp(p, n, s->smin.data, s->smin.len) < 0))
    return st_set(&s->smin, &s->kmin, p, n, k);
  if (k > s->kmax || (k == s->kmax && bytes_cmp(p, n, s->smax.data, s->smax.len) > 0))
    return st_set(&s->smax, &s->kmax, p, n, k);
  return PF_OK;
}

/* Statistics over n packed PLAIN values. */
static void stats_plain_fixed(pf__pq_col *c, const uint8_t *v, size_t n) {
  if (n == 0) return;
  pf__pq_stats *s = &c->stats;
  if (c->kind == PF__PQ_K_I64 || c->kind == PF__PQ_K_I32) {
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    if (c->kind == PF__PQ_K_I64) {
      for (size_t i = 0; i < n; i++) {
        int64_t x;
        memcpy(&x, v + i * 8, 8);
        lo = x < lo ? x : lo;
        hi = x > hi ? x : hi;
      }
    } else {
      for (size_t i = 0; i < n; i++) {
        int32_t x;
        memcpy(&x, v + i * 4, 4);
        lo = x < lo ? x : lo;
        hi = x > hi ? x : hi;
      }
    }
    st_int(s, lo);
    st_int(s, hi);
  } else if (c->kind == PF__PQ_K_F64) {
    for (size_t i = 0; i < n; i++) {
      double x;
      memcpy(&x, v + i * 8, 8);
      st_dbl(s, x);
    }
  } else if (c->kind == PF__PQ_K_F32) {
    for (size_t i = 0; i < n; i++) {
      float x;
      memcpy(&x, v + i * 4, 4);
      st_dbl(s, (double)x);
    }
  }
}

/* ---- page buffers ---- */

static pf_status idx_reserve(pf__pq_col *c, size_t n) {
  if (c->n_idx + n <= c->idx_cap) return PF_OK;
  size_t cap = c->idx_cap ? c->idx_cap : 4096;
  while (cap < c->n_idx + n) cap *= 2;
  uint32_t *p = realloc(c->idx, cap * sizeof *p);
  if (!p) return PF_ENOMEM;
  c->idx = p;
  c->idx_cap = cap;
  return PF_OK;
}

static pf_status def_append(pf__pq_col *c, const pf_column *col, size_t r0,
                            size_t n) {
  size_t need = (c->page_rows + n + 7) / 8 + 8;
  if (need > c->def_cap) {
    size_t cap = c->def_cap ? c->def_cap * 2 : 1024;
    while (cap < need) cap *= 2;
    uint8_t *p = realloc(c->def, cap);
    if (!p) return PF_ENOMEM;
    memset(p + c->def_cap, 0, cap - c->def_cap);
    c->def = p;
    c->def_cap = cap;
  }
  if (c->kind == PF__PQ_K_NULL) return PF_OK; /* every level 0 */
  if (col->null_count == 0) pf__pq_bits_set(c->def, c->page_rows, n);
  else pf__pq_bits_copy(c->def, c->page_rows, col->validity, r0, n);
  return PF_OK;
}

/* Estimated encoded size of the page being built. */
static size_t page_estimate(const pf__pq_col *c, int bw) {
  size_t est = c->optional ? c->page_rows / 8 : 0;
  if (c->dict_mode) est += c->n_idx * (size_t)bw / 8;
  else est += plain_used(c);
  return est;
}

/* Rows the page can still take at bits_per_value (at least MIN_SLICE). */
static size_t slice_rows(const pf__pq_col *c, const pf__pq_config *cfg,
                         size_t bits_per_value, int bw, size_t n) {
  size_t est = page_estimate(c, bw);
  size_t left = est < cfg->page_bytes ? cfg->page_bytes - est : 0;
  size_t rows = left * 8 / bits_per_value + 1;
  if (rows < MIN_SLICE) rows = MIN_SLICE;
  size_t room = PF__PQ_MAX_PAGE_ROWS - c->page_rows;
  if (rows > room) rows = room;
  return rows < n ? rows : n;
}

/* Appends the page's definition levels: their length (4 bytes LE), then
 * the RLE/bit-packed hybrid. */
static pf_status put_levels(const pf__pq_col *c, pf__buf *b) {
  size_t at = b->len;
  PF_TRY(pf__buf_append(b, "\0\0\0\0", 4));
  PF_TRY(pf__pq_rle_encode_bits(c->def, c->page_rows, b));
  uint32_t n = (uint32_t)(b->len - at - 4);
  for (int i = 0; i < 4; i++) b->data[at + i] = (uint8_t)(n >> (8 * i));
  return PF_OK;
}

/* A PLAIN page whose levels fit before its values: the values buffer
 * becomes the page body where it is (no copy), the levels written just
 * before the values, and the page's old buffer holds the next values. */
static pf_status seal_in_place(pf__pq_col *c, pf__pq_page *pg) {
  size_t lv = c->levels.len;
  size_t off = c->head - lv;
  if (lv) memcpy(c->plain.data + off, c->levels.data, lv);
  pf__buf t = c->plain;
  c->plain = pg->raw;
  pg->raw = t;
  pg->off = off;
  return plain_restart(c);
}

/* Writes the body into the page's own buffer: definition levels, then
 * dictionary indices (bit width byte + hybrid) or the PLAIN values. */
static pf_status seal_copy(pf__pq_col *c, pf__pq_page *pg, int dict) {
  pf__buf *b = &pg->raw;
  if (c->optional) PF_TRY(put_levels(c, b));
  if (!dict) return pf__buf_append(b, c->plain.data + c->head, plain_used(c));
  int bw = pf__pq_bit_width(c->dict.n - 1);
  PF_TRY(pf__buf_putc(b, bw));
  return pf__pq_rle_encode(c->idx, c->n_idx, bw, b);
}

/* Seals the page being built: its body (definition levels, then
 * dictionary indices or PLAIN values) goes to a page of the chunk, to be
 * compressed later. A PLAIN page is sealed in place when its levels fit
 * the room kept before its values (always, for a required column). */
static pf_status finish_page(pf__pq_col *c, const pf__pq_config *cfg, pf__pq_bufpool *bp) {
  if (c->page_rows == 0) return PF_OK;
  int dict = c->dict_mode && c->n_idx > 0;
  int in_place = 0;
  c->levels.len = 0;
  if (!dict) {
    if (c->optional && c->head) PF_TRY(put_levels(c, &c->levels));
    in_place = c->head >= c->levels.len && (!c->optional || c->head);
  }
  size_t want = in_place ? c->head + cfg->page_bytes + PLAIN_SLACK
                         : plain_used(c) + c->n_idx * 4 + c->page_rows / 8 + 64;
  pf__pq_page *pg;
  PF_TRY(take_page(c, bp, want, &pg));
  pf_status st = in_place ? PF_OK : seal_copy(c, pg, dict);
  if (st == PF_OK) st = pf__pq_pages_push(&c->pages, pg);
  if (st != PF_OK) {
    give_page(c, bp, pg);
    return st;
  }
  if (in_place) st = seal_in_place(c, pg);
  pg->type = PF__PQ_PAGE_DATA;
  pg->encoding = dict ? PF__PQ_ENC_RLE_DICTIONARY : PF__PQ_ENC_PLAIN;
  pg->num_values = c->page_rows;
  c->pending_raw += (int64_t)pf__pq_page_body_len(pg);
  if (dict) {
    c->dict_used = 1;
    c->dict_pages++;
  } else {
    c->plain_pages++;
  }
  if (c->def) memset(c->def, 0, (c->page_rows + 7) / 8);
  c->page_rows = 0;
  if (!in_place) c->plain.len = c->head;
  c->bool_bits = 0;
  c->n_idx = 0;
  return st;
}

pf_status pf__pq_col_finish(pf__pq_col *c, const pf__pq_config *cfg, pf__pq_bufpool *bp) {
  if (c->status != PF_OK) return c->status;
  pf_status st = finish_page(c, cfg, bp);
  if (st == PF_OK && c->dict_used) { /* the dictionary's PLAIN values are the page */
    pf__pq_page *pg;
    st = take_page(c, bp, c->dict.vals.len, &pg);
    if (st == PF_OK) {
      pf__buf t = c->dict.vals;
      c->dict.vals = pg->raw;
      pg->raw = t;
      pg->type = PF__PQ_PAGE_DICTIONARY;
      pg->encoding = PF__PQ_ENC_PLAIN;
      pg->num_values = c->dict.n;
      c->pending_raw += (int64_t)pg->raw.len;
      c->dict_page = pg;
    }
  }
  if (st != PF_OK) c->status = st;
  return st;
}

/* ---- PLAIN values ---- */

/* Fixed-width values without conversion (int32, int64, double). */
static pf_status plain_fixed(pf__pq_col *c, const pf__pq_config *cfg, const pf_column *col,
                             size_t r0, size_t n, size_t *nv) {
  size_t w = (size_t)c->width;
  PF_TRY(plain_reserve(c, cfg, n * w));
  uint8_t *dst = c->plain.data + c->plain.len;
  const uint8_t *src = col->values + r0 * w;
  size_t k = 0;
  if (col->null_count == 0) {
    memcpy(dst, src, n * w);
    k = n;
  } else if (w == 8) {
    for (size_t i = 0; i < n; i++) {
      if (!pf__bit_get(col->validity, r0 + i)) continue;
      memcpy(dst + k * 8, src + i * 8, 8);
      k++;
    }
  } else {
    for (size_t i = 0; i < n; i++) {
      if (!pf__bit_get(col->validity, r0 + i)) continue;
      memcpy(dst + k * 4, src + i * 4, 4);
      k++;
    }
  }
  stats_plain_fixed(c, dst, k);
  c->plain.len += k * w;
  *nv = k;
  return PF_OK;
}

/* 16-byte little-endian decimal -> big-endian, with its halves. */
static ALWAYS_INLINE void dec_load(const uint8_t *le, uint8_t be[16], int64_t *hi,
                                   uint64_t *lo) {
  uint64_t l, h;
  memcpy(&l, le, 8);
  memcpy(&h, le + 8, 8);
  uint64_t bh = __builtin_bswap64(h), bl = __builtin_bswap64(l);
  memcpy(be, &bh, 8);
  memcpy(be + 8, &bl, 8);
  *hi = (int64_t)h;
  *lo = l;
}

static pf_status plain_dec(pf__pq_col *c, const pf__pq_config *cfg, const pf_column *col,
                           size_t r0, size_t n, size_t *nv) {
  PF_TRY(plain_reserve(c, cfg, n * 16));
  uint8_t *dst = c->plain.data + c->plain.len;
  int nulls = col->null_count != 0;
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    if (nulls && !pf__bit_get(col->validity, r0 + i)) continue;
    int64_t hi;
    uint64_t lo;
    dec_load(col->values + (r0 + i) * 16, dst + k * 16, &hi, &lo);
    st_dec(&c->stats, hi, lo);
    k++;
  }
  c->plain.len += k * 16;
  *nv = k;
  return PF_OK;
}

static pf_status plain_bool(pf__pq_col *c, const pf_column *col, size_t r0,
                            size_t n, size_t *nv) {
  size_t need = (c->bool_bits + n + 7) / 8 + 8;
  if (need > c->plain.len) {
    PF_TRY(pf__buf_reserve(&c->plain, need - c->plain.len));
    memset(c->plain.data + c->plain.len, 0, need - c->plain.len);
  }
  uint8_t *bits = c->plain.data;
  size_t k = 0, ones = 0;
  if (col->null_count == 0) {
    pf__pq_bits_copy(bits, c->bool_bits, col->values, r0, n);
    for (size_t i = 0; i < n; i++) ones += pf__bit_get(col->values, r0 + i);
    k = n;
  } else {
    for (size_t i = 0; i < n; i++) {
      if (!pf__bit_get(col->validity, r0 + i)) continue;
      if (pf__bit_get(col->values, r0 + i)) {
        pf__bit_set(bits, c->bool_bits + k);
        ones++;
      }
      k++;
    }
  }
  if (ones) st_int(&c->stats, 1);
  if (ones < k) st_int(&c->stats, 0);
  c->bool_bits += k;
  c->plain.len = (c->bool_bits + 7) / 8;
  *nv = k;
  return PF_OK;
}

/* Byte arrays: stops after the value that fills the page. */
static pf_status plain_bytes(pf__pq_col *c, const pf__pq_config *cfg,
                             const pf_column *col, size_t r0, size_t n,
                             size_t *taken, size_t *nv) {
  const int32_t *off = col->offsets;
  int nulls = col->null_count != 0;
  size_t limit = cfg->page_bytes;
  size_t k = 0, i = 0;
  pf_status st = PF_OK;
  while (i < n) {
    size_t r = r0 + i++;
    if (nulls && !pf__bit_get(col->validity, r)) continue;
    size_t len = (size_t)(off[r + 1] - off[r]);
    const uint8_t *p = col->data + off[r];
    if (c->plain.cap - c->plain.len < len + 5) {
      st = plain_reserve(c, cfg, len + 4);
      if (st != PF_OK) break;
    }
    uint8_t *dst = c->plain.data + c->plain.len;
    uint32_t l32 = (uint32_t)len;
    memcpy(dst, &l32, 4);
    if (len) memcpy(dst + 4, p, len);
    c->plain.len += 4 + len;
    k++;
    st = st_bytes(&c->stats, p, len);
    if (st != PF_OK) break;
    if (plain_used(c) >= limit || c->page_rows + i >= PF__PQ_MAX_PAGE_ROWS) break;
  }
  *taken = i;
  *nv = k;
  return st;
}

/* ---- dictionary values ---- */

/* A large table does not fit in cache, so its lookups are pipelined: the
 * slot of the value SLOT_AHEAD positions on is prefetched, and for byte
 * arrays the value that slot points to when its turn is VAL_AHEAD
 * positions away; by the time a value is looked up, both are (usually) in
 * cache. A small table (PF__PQ_DICT_PREFETCH_SLOTS) is in cache already. */
#define SLOT_AHEAD 32
#define VAL_AHEAD 12

/* a[0, n) == b[0, n), without a call for the short values dictionaries
 * are made of (reads stay inside both). */
static ALWAYS_INLINE int bytes_eq(const uint8_t *a, const uint8_t *b, size_t n) {
  if (n >= 8) {
    if (n > 16) return memcmp(a, b, n) == 0;
    return pf__pq_ld64(a) == pf__pq_ld64(b) &&
           pf__pq_ld64(a + n - 8) == pf__pq_ld64(b + n - 8);
  }
  if (n >= 4)
    return pf__pq_ld32(a) == pf__pq_ld32(b) &&
           pf__pq_ld32(a + n - 4) == pf__pq_ld32(b + n - 4);
  return n == 0 || (a[0] == b[0] && a[n >> 1] == b[n >> 1] && a[n - 1] == b[n - 1]);
}

/* Before a new dictionary entry: grows the hash table when it would pass
 * half full, and finds the entry's free slot (*pos) in the grown table.
 * max_n (0: no bound): the entries the size limit allows; a table that
 * holds them all at most 3/4 full does not grow (wide schemas have small
 * limits, and a table twice the size for the last few entries would add
 * up over hundreds of columns). */
static inline pf_status dict_make_room(pf__pq_dict *d, int bytes, size_t max_n, uint32_t h,
                                       size_t *mask, size_t *pos) {
  if ((size_t)(d->n + 1) * 2 <= d->n_slots) return PF_OK;
  if (max_n && max_n <= d->n_slots / 4 * 3) return PF_OK;
  PF_TRY(pf__pq_dict_grow(d, bytes));
  *mask = d->n_slots - 1;
  *pos = h & *mask;
  if (bytes) {
    while (d->sslots[*pos].id1) *pos = (*pos + 1) & *mask;
  } else {
    while (d->fslots[*pos].id1) *pos = (*pos + 1) & *mask;
  }
  return PF_OK;
}

static ALWAYS_INLINE uint64_t fixed_key(const pf_column *col, size_t r, int w) {
  if (w == 8) return pf__pq_ld64(col->values + r * 8);
  return pf__pq_ld32(col->values + r * 4);
}

/* Statistics of a new fixed-width entry (k0: its first 8 bytes). */
static ALWAYS_INLINE void st_fixed(pf__pq_col *c, int w, uint64_t k0, int64_t hi, uint64_t lo) {
  if (w == 16) {
    st_dec(&c->stats, hi, lo);
  } else if (c->kind == PF__PQ_K_F64) {
    double x;
    memcpy(&x, &k0, 8);
    if (x == x) st_dbl(&c->stats, x); /* NaNs are counted by the caller */
  } else if (c->kind == PF__PQ_K_F32) {
    float x;
    uint32_t b32 = (uint32_t)k0;
    memcpy(&x, &b32, 4);
    if (x == x) st_dbl(&c->stats, (double)x);
  } else if (w == 8) {
    st_int(&c->stats, (int64_t)k0);
  } else {
    st_int(&c->stats, (int32_t)(uint32_t)k0);
  }
}

/* Fixed-width keys of w bytes (4, 8 or 16); ahead: pipelined lookups.
 * Stops before the value that would take the dictionary past the limit
 * (*overflow = 1). */
static ALWAYS_INLINE pf_status dict_fixed_run(pf__pq_col *c, const pf__pq_config *cfg,
                                              const pf_column *col, size_t r0, size_t n,
                                              const int w, const int ahead, size_t *taken,
                                              size_t *nv, int *overflow) {
  pf__pq_dict *d = &c->dict;
  int nulls = col->null_count != 0;
  /* NaNs to count: every one, not only the first of each bit pattern */
  const int nan_kind = (w == 8 && c->kind == PF__PQ_K_F64) || (w == 4 && c->kind == PF__PQ_K_F32);
  uint32_t *idx = c->idx + c->n_idx;
  /* the table in locals: the idx stores could alias it otherwise */
  const pf__pq_fslot *fs = d->fslots;
  size_t mask = d->n_slots - 1;
  uint64_t looked = 0, nans = 0;
  size_t k = 0, i = 0;
  pf_status st = PF_OK;
  for (; i < n; i++) {
    size_t r = r0 + i;
    if (ahead && i + SLOT_AHEAD < n)
      __builtin_prefetch(&fs[pf__pq_hash64(fixed_key(col, r + SLOT_AHEAD, w)) & mask]);
    if (nulls && !pf__bit_get(col->validity, r)) continue;
    uint8_t key[16];
    uint64_t k0;
    int64_t hi = 0;
    uint64_t lo = 0;
    uint32_t h;
    if (w == 16) {
      uint64_t k1;
      dec_load(col->values + r * 16, key, &hi, &lo);
      memcpy(&k0, key, 8);
      memcpy(&k1, key + 8, 8);
      h = (uint32_t)pf__pq_mix(k0 ^ 0xA0761D6478BD642Full, k1 ^ 0xE7037ED1A0B428DBull);
    } else {
      k0 = fixed_key(col, r, w);
      h = pf__pq_hash64(k0);
    }
    looked++;
    size_t pos = h & mask;
    while (fs[pos].id1 &&
           !(fs[pos].key == k0 &&
             (w != 16 || memcmp(d->vals.data + (size_t)(fs[pos].id1 - 1) * 16 + 8, key + 8, 8) == 0)))
      pos = (pos + 1) & mask;
    uint32_t id;
    if (fs[pos].id1) {
      id = fs[pos].id1 - 1;
    } else {
      d->lookups += looked;
      looked = 0;
      if (d->vals.len + w > cfg->dict_limit || pf__pq_dict_hopeless(d)) {
        *overflow = 1;
        break;
      }
      st = dict_make_room(d, 0, cfg->dict_limit / (size_t)w, h, &mask, &pos);
      fs = d->fslots;
      if (st == PF_OK && d->vals.cap - d->vals.len <= 16) st = pf__buf_reserve(&d->vals, 16);
      if (st != PF_OK) break;
      if (w != 16) memcpy(key, &k0, 8); /* little-endian host: the PLAIN bytes */
      memcpy(d->vals.data + d->vals.len, key, (size_t)w);
      d->vals.len += (size_t)w;
      id = d->n++;
      pf__pq_fslot *s = &d->fslots[pos];
      s->key = k0;
      s->h = h;
      s->id1 = id + 1;
      st_fixed(c, w, k0, hi, lo);
    }
    if (nan_kind) {
      if (w == 8 && (k0 << 1) > 0xFFE0000000000000ull) nans++;
      if (w == 4 && ((uint32_t)k0 << 1) > 0xFF000000u) nans++;
    }
    idx[k++] = id;
  }
  d->lookups += looked;
  c->stats.nans += (int64_t)nans;
  c->n_idx += k;
  *taken = i;
  *nv = k;
  return st;
}

static ALWAYS_INLINE pf_status dict_fixed(pf__pq_col *c, const pf__pq_config *cfg,
                                          const pf_column *col, size_t r0, size_t n,
                                          const int w, size_t *taken, size_t *nv,
                                          int *overflow) {
  PF_TRY(idx_reserve(c, n));
  if (!c->dict.n_slots) PF_TRY(pf__pq_dict_grow(&c->dict, 0));
  if (w != 16 && c->dict.n_slots > PF__PQ_DICT_PREFETCH_SLOTS)
    return dict_fixed_run(c, cfg, col, r0, n, w, 1, taken, nv, overflow);
  return dict_fixed_run(c, cfg, col, r0, n, w, 0, taken, nv, overflow);
}

static ALWAYS_INLINE uint32_t value_hash(const pf_column *col, size_t r) {
  const int32_t *off = col->offsets;
  return pf__pq_hash_bytes(col->data + off[r], (size_t)(off[r + 1] - off[r]));
}

/* Byte arrays; ahead: pipelined lookups (hashes computed SLOT_AHEAD
 * values on, kept in a ring). */
static ALWAYS_INLINE pf_status dict_bytes_run(pf__pq_col *c, const pf__pq_config *cfg,
                                              const pf_column *col, size_t r0, size_t n,
                                              const int ahead, size_t *taken, size_t *nv,
                                              int *overflow) {
  pf__pq_dict *d = &c->dict;
  const int32_t *off = col->offsets;
  int nulls = col->null_count != 0;
  uint32_t *idx = c->idx + c->n_idx;
  /* the table and values in locals: the idx stores could alias them */
  const pf__pq_sslot *ss = d->sslots;
  const uint8_t *vals = d->vals.data;
  size_t mask = d->n_slots - 1;
  uint64_t looked = 0;
  size_t k = 0, i = 0;
  pf_status st = PF_OK;
  uint32_t hq[2 * SLOT_AHEAD]; /* hashes of values i .. i + SLOT_AHEAD */
  if (ahead)
    for (size_t j = 0; j < SLOT_AHEAD && j < n; j++) hq[j] = value_hash(col, r0 + j);
  for (; i < n; i++) {
    size_t r = r0 + i;
    if (ahead) {
      if (i + SLOT_AHEAD < n) {
        uint32_t ha = value_hash(col, r + SLOT_AHEAD);
        hq[(i + SLOT_AHEAD) % (2 * SLOT_AHEAD)] = ha;
        __builtin_prefetch(&ss[ha & mask]);
      }
      if (i + VAL_AHEAD < n) { /* the first slot of that hash, in cache by now */
        uint32_t hv = hq[(i + VAL_AHEAD) % (2 * SLOT_AHEAD)];
        size_t pv = hv & mask;
        while (ss[pv].id1 && ss[pv].h != hv) pv = (pv + 1) & mask;
        if (ss[pv].id1) __builtin_prefetch(vals + ss[pv].off - 4); /* length, value */
      }
    }
    if (nulls && !pf__bit_get(col->validity, r)) continue;
    size_t len = (size_t)(off[r + 1] - off[r]);
    const uint8_t *p = col->data + off[r];
    uint32_t h = ahead ? hq[i % (2 * SLOT_AHEAD)] : pf__pq_hash_bytes(p, len);
    looked++;
    size_t pos = h & mask;
    while (ss[pos].id1 && !(ss[pos].h == h && pf__pq_ld32(vals + ss[pos].off - 4) == len &&
                            bytes_eq(vals + ss[pos].off, p, len)))
      pos = (pos + 1) & mask;
    uint32_t id;
    if (ss[pos].id1) {
      id = ss[pos].id1 - 1;
    } else {
      d->lookups += looked;
      looked = 0;
      if (d->vals.len + 4 + len > cfg->dict_limit || pf__pq_dict_hopeless(d)) {
        *overflow = 1;
        break;
      }
      st = dict_make_room(d, 1, 0, h, &mask, &pos);
      if (st == PF_OK) st = pf__buf_reserve(&d->vals, 4 + len);
      ss = d->sslots;
      vals = d->vals.data;
      if (st != PF_OK) break;
      uint32_t l32 = (uint32_t)len;
      memcpy(d->vals.data + d->vals.len, &l32, 4);
      if (len) memcpy(d->vals.data + d->vals.len + 4, p, len);
      pf__pq_sslot *sp = &d->sslots[pos];
      sp->h = h;
      sp->off = (uint32_t)(d->vals.len + 4);
      d->vals.len += 4 + len;
      id = d->n++;
      sp->id1 = id + 1;
      st = st_bytes(&c->stats, p, len);
      if (st != PF_OK) break;
    }
    idx[k++] = id;
  }
  d->lookups += looked;
  c->n_idx += k;
  *taken = i;
  *nv = k;
  return st;
}

static pf_status dict_bytes(pf__pq_col *c, const pf__pq_config *cfg,
                            const pf_column *col, size_t r0, size_t n,
                            size_t *taken, size_t *nv, int *overflow) {
  PF_TRY(idx_reserve(c, n));
  if (!c->dict.n_slots) PF_TRY(pf__pq_dict_grow(&c->dict, 1));
  if (c->dict.n_slots > PF__PQ_DICT_PREFETCH_SLOTS)
    return dict_bytes_run(c, cfg, col, r0, n, 1, taken, nv, overflow);
  return dict_bytes_run(c, cfg, col, r0, n, 0, taken, nv, overflow);
}

/* ---- appending a slice ---- */

static pf_status append_some(pf__pq_col *c, const pf__pq_config *cfg,
                             const pf_column *col, size_t r0, size_t n,
                             size_t *taken, int *overflow) {
  size_t nv = 0;
  int bw = c->dict_mode ? pf__pq_bit_width(c->dict.n) : 0;
  pf_status st = PF_OK;
  size_t m;
  switch (c->kind) {
    case PF__PQ_K_NULL:
      m = slice_rows(c, cfg, 1, bw, n);
      nv = 0;
      *taken = m;
      break;
    case PF__PQ_K_BOOL:
      m = slice_rows(c, cfg, 1, bw, n);
      st = plain_bool(c, col, r0, m, &nv);
      *taken = m;
      break;
    case PF__PQ_K_BYTES:
      if (c->dict_mode) {
        m = slice_rows(c, cfg, (size_t)bw, bw, n);
        st = dict_bytes(c, cfg, col, r0, m, taken, &nv, overflow);
      } else {
        st = plain_bytes(c, cfg, col, r0, n, taken, &nv);
      }
      break;
    default:
      if (c->dict_mode) {
        m = slice_rows(c, cfg, (size_t)bw, bw, n);
        if (c->width == 16) st = dict_fixed(c, cfg, col, r0, m, 16, taken, &nv, overflow);
        else if (c->width == 8) st = dict_fixed(c, cfg, col, r0, m, 8, taken, &nv, overflow);
        else st = dict_fixed(c, cfg, col, r0, m, 4, taken, &nv, overflow);
      } else {
        m = slice_rows(c, cfg, (size_t)c->width * 8, bw, n);
        st = c->kind == PF__PQ_K_DEC ? plain_dec(c, cfg, col, r0, m, &nv)
                                     : plain_fixed(c, cfg, col, r0, m, &nv);
        *taken = m;
      }
      break;
  }
  if (st != PF_OK) return st;
  c->stats.nulls += (int64_t)(*taken - nv);
  return PF_OK;
}

/* Rows [r0, r0 + n) of an int64 or double column as INT32 or FLOAT values
 * in c->conv (indexed by row, so the column's validity still applies). */
static pf_status narrow_rows(pf__pq_col *c, const pf_column *col, size_t r0, size_t n,
                             pf_column *view) {
  size_t need = (r0 + n) * 4;
  if (need > c->conv_cap) {
    uint8_t *p = realloc(c->conv, need);
    if (!p) return PF_ENOMEM;
    c->conv = p;
    c->conv_cap = need;
  }
  for (size_t i = r0; i < r0 + n; i++) {
    if (c->narrow == 1) {
      int32_t v = (int32_t)pf__col_i64(col, i); /* the caller checked the range */
      memcpy(c->conv + i * 4, &v, 4);
    } else {
      float v = (float)pf__col_f64(col, i);
      memcpy(c->conv + i * 4, &v, 4);
    }
  }
  *view = *col;
  view->values = c->conv;
  return PF_OK;
}

pf_status pf__pq_col_append(pf__pq_col *c, const pf__pq_config *cfg, pf__pq_bufpool *bp,
                            const pf_column *col, size_t r0, size_t n) {
  if (c->status != PF_OK) return c->status;
  pf_status st = PF_OK;
  pf_column view;
  if (c->narrow) {
    st = narrow_rows(c, col, r0, n, &view);
    if (st != PF_OK) {
      c->status = st;
      c->what = "out of memory";
      return st;
    }
    col = &view;
  }
  while (n > 0 && st == PF_OK) {
    size_t taken = 0;
    int overflow = 0;
    st = append_some(c, cfg, col, r0, n, &taken, &overflow);
    if (st != PF_OK) break;
    if (c->optional) st = def_append(c, col, r0, taken);
    if (st != PF_OK) break;
    c->page_rows += taken;
    c->rows += (int64_t)taken;
    r0 += taken;
    n -= taken;
    int bw = c->dict_mode ? pf__pq_bit_width(c->dict.n) : 0;
    if (overflow || page_estimate(c, bw) >= cfg->page_bytes ||
        c->page_rows >= PF__PQ_MAX_PAGE_ROWS)
      st = finish_page(c, cfg, bp);
    if (overflow) c->dict_mode = 0; /* the rest of the chunk is PLAIN */
  }
  if (st != PF_OK) {
    c->status = st;
    c->what = st == PF_ENOMEM ? "out of memory" : "page too large";
  }
  return st;
}

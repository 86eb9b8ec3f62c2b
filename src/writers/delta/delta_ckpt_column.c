/* delta_ckpt_column.c - decodes the pages of one Parquet column chunk into
 * levels and values for the Delta checkpoint reader (delta_ckpt_read.h).
 *
 * Supported: dictionary pages, data pages v1 and v2; PLAIN,
 * PLAIN_DICTIONARY / RLE_DICTIONARY values and RLE booleans; RLE/bit-packed
 * hybrid levels; codecs none, snappy, gzip, zstd, lz4_raw. Index pages are
 * skipped. Anything else is PF_EUNSUPPORTED naming the column. Every read
 * is bounds-checked: the bytes are untrusted.
 */
#include "writers/delta/delta_ckpt_read.h"

#include <lz4.h>
#include <snappy-c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "core/thrift_compact.h"

enum { T_BOOL = 0, T_I32 = 1, T_I64 = 2, T_BA = 6 };
enum { E_PLAIN = 0, E_PLAIN_DICT = 2, E_RLE = 3, E_RLE_DICT = 8 };
enum { P_DATA = 0, P_INDEX = 1, P_DICT = 2, P_DATA_V2 = 3 };

void pf__ckr_col_init(pf__ckr_col *c, int type, int max_def, int max_rep) {
  memset(c, 0, sizeof *c);
  c->type = type;
  c->max_def = max_def;
  c->max_rep = max_rep;
  c->max_entries = PF__CKR_MAX_ENTRIES;
  pf__buf_init(&c->arena, PF__CKR_MAX_FILE);
}

void pf__ckr_col_free(pf__ckr_col *c) {
  free(c->def);
  free(c->rep);
  free(c->values);
  pf__buf_free(&c->arena);
  memset(c, 0, sizeof *c);
}

/* Decoding context of one chunk. */
typedef struct dec {
  pf__ckr_col *c;
  const char *name;
  pf_error *err;
  pf__ckr_value *dict;        /* dictionary entries                       */
  size_t n_dict;
} dec;

static pf_status bad(dec *d, const char *what) {
  return pf__error_set(d->err, PF_EPARSE,
                       "corrupt checkpoint column %s: %s", d->name, what);
}

/* ---- RLE / bit-packed hybrid ---- */

static uint32_t read_le(const uint8_t *p, int nbytes) {
  uint32_t v = 0;
  for (int k = 0; k < nbytes; k++) v |= (uint32_t)p[k] << (8 * k);
  return v;
}

/* Decodes count values of bit width bw (0..32) from p[0..n) into out (or,
 * when out is NULL, into out8, values above 255 clamped to 255). Returns 0
 * when the data ends first. */
static int hybrid(const uint8_t *p, size_t n, int bw, uint32_t *out,
                  uint8_t *out8, size_t count) {
  size_t i = 0, at = 0;
  int vbytes = (bw + 7) / 8;
  uint64_t mask = bw == 32 ? 0xFFFFFFFFu : (((uint64_t)1 << bw) - 1);
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
    if (h & 1) {                                  /* bit-packed groups  */
      uint64_t groups = h >> 1;
      if (groups == 0 || groups > (n - at) / (size_t)(bw ? bw : 1) + 1) return 0;
      size_t vals = (size_t)groups * 8;
      size_t bytes = (size_t)groups * (size_t)bw;
      if (bytes > n - at) return 0;
      for (size_t k = 0; k < vals && i < count; k++, i++) {
        size_t bit = k * (size_t)bw;
        uint64_t v = 0;
        for (int b = 0; b < bw; b++) {
          size_t pos = bit + (size_t)b;
          v |= (uint64_t)((p[at + pos / 8] >> (pos % 8)) & 1) << b;
        }
        v &= mask;
        if (out) out[i] = (uint32_t)v;
        else out8[i] = (uint8_t)(v > 255 ? 255 : v);
      }
      at += bytes;
    } else {                                      /* run                */
      uint64_t run = h >> 1;
      if ((size_t)vbytes > n - at) return 0;
      uint32_t v = read_le(p + at, vbytes);
      at += (size_t)vbytes;
      if (run == 0) return 0;
      uint8_t v8 = (uint8_t)(v > 255 ? 255 : v);
      for (uint64_t k = 0; k < run && i < count; k++, i++) {
        if (out) out[i] = v;
        else out8[i] = v8;
      }
    }
  }
  return 1;
}

static int bit_width(int max) {
  int w = 0;
  while (max >> w) w++;
  return w;
}

/* ---- decompression ---- */

static pf_status decompress(dec *d, int codec, const uint8_t *src, size_t n,
                            size_t raw, uint8_t *dst) {
  switch (codec) {
    case 0:
      if (n != raw) return bad(d, "uncompressed page sizes disagree");
      if (n) memcpy(dst, src, n);
      return PF_OK;
    case 1: {
      size_t got = 0;
      if (snappy_uncompressed_length((const char *)src, n, &got) != SNAPPY_OK ||
          got != raw)
        return bad(d, "snappy page length does not match its header");
      got = raw;
      if (snappy_uncompress((const char *)src, n, (char *)dst, &got) != SNAPPY_OK ||
          got != raw)
        return bad(d, "snappy data does not decompress");
      return PF_OK;
    }
    case 2: {
      z_stream z;
      memset(&z, 0, sizeof z);
      if (inflateInit2(&z, 15 + 32) != Z_OK)
        return pf__error_set(d->err, PF_ENOMEM, "cannot start gzip decompression");
      z.next_in = (Bytef *)src;
      z.avail_in = (uInt)n;
      z.next_out = dst;
      z.avail_out = (uInt)raw;
      int rc = inflate(&z, Z_FINISH);
      size_t got = raw - z.avail_out;
      inflateEnd(&z);
      if (rc != Z_STREAM_END || got != raw)
        return bad(d, "gzip data does not decompress to the page size");
      return PF_OK;
    }
    case 6: {
      size_t got = ZSTD_decompress(dst, raw, src, n);
      if (ZSTD_isError(got) || got != raw)
        return bad(d, "zstd data does not decompress to the page size");
      return PF_OK;
    }
    case 7: {
      if (n > INT32_MAX || raw > INT32_MAX) return bad(d, "lz4 page too large");
      int got = LZ4_decompress_safe((const char *)src, (char *)dst, (int)n, (int)raw);
      if (got < 0 || (size_t)got != raw)
        return bad(d, "lz4 data does not decompress to the page size");
      return PF_OK;
    }
    default:
      return pf__error_set(d->err, PF_EUNSUPPORTED,
                           "checkpoint column %s uses compression codec %d (%s); "
                           "supported: none, snappy, gzip, zstd, lz4_raw",
                           d->name, codec, pf__pqr_codec_name(codec));
  }
}

/* ---- values ---- */

static pf_status grow_values(dec *d, size_t extra) {
  pf__ckr_col *c = d->c;
  size_t need = c->n_values + extra;
  if (need > PF__CKR_MAX_ENTRIES)
    return pf__error_set(d->err, PF_ELIMIT,
                         "checkpoint column %s holds more than %zu values",
                         d->name, PF__CKR_MAX_ENTRIES);
  pf__ckr_value *v = realloc(c->values, (need ? need : 1) * sizeof *v);
  if (!v) return pf__error_set(d->err, PF_ENOMEM, "out of memory");
  c->values = v;
  return PF_OK;
}

/* Decodes n PLAIN values of the column's type into out. */
static pf_status plain(dec *d, const uint8_t *p, size_t len, size_t n,
                       pf__ckr_value *out) {
  pf__ckr_col *c = d->c;
  size_t at = 0;
  for (size_t i = 0; i < n; i++) {
    pf__ckr_value v = {0, 0, 0};
    switch (c->type) {
      case T_BOOL:
        if (i / 8 >= len) return bad(d, "PLAIN booleans end early");
        v.i = (p[i / 8] >> (i % 8)) & 1;
        break;
      case T_I32:
        if (len - at < 4) return bad(d, "PLAIN INT32 values end early");
        v.i = (int32_t)read_le(p + at, 4);
        at += 4;
        break;
      case T_I64:
        if (len - at < 8) return bad(d, "PLAIN INT64 values end early");
        v.i = (int64_t)((uint64_t)read_le(p + at, 4) |
                        (uint64_t)read_le(p + at + 4, 4) << 32);
        at += 8;
        break;
      case T_BA: {
        if (len - at < 4) return bad(d, "PLAIN byte array length cut off");
        size_t l = read_le(p + at, 4);
        at += 4;
        if (l > len - at) return bad(d, "PLAIN byte array longer than its page");
        v.off = c->arena.len;
        v.len = l;
        if (pf__buf_append(&c->arena, p + at, l) != PF_OK)
          return pf__error_set(d->err, PF_ELIMIT,
                               "checkpoint column %s: values exceed the size limit",
                               d->name);
        at += l;
        break;
      }
      default:
        return pf__error_set(d->err, PF_EUNSUPPORTED,
                             "checkpoint column %s has physical type %s; expected "
                             "BOOLEAN, INT32, INT64 or BYTE_ARRAY",
                             d->name, pf__pqr_type_name(c->type));
    }
    out[i] = v;
  }
  return PF_OK;
}

static pf_status dict_page(dec *d, const uint8_t *p, size_t len, int32_t n) {
  size_t most = d->c->type == T_BOOL ? len * 8 : len / 4;
  if (n < 0 || (size_t)n > most) return bad(d, "dictionary page value count");
  free(d->dict);
  d->n_dict = 0;
  d->dict = malloc(((size_t)n ? (size_t)n : 1) * sizeof *d->dict);
  if (!d->dict) return pf__error_set(d->err, PF_ENOMEM, "out of memory");
  PF_TRY(plain(d, p, len, (size_t)n, d->dict));
  d->n_dict = (size_t)n;
  return PF_OK;
}

/* Values of one data page: nv non-null values in p[0..len). */
static pf_status page_values(dec *d, int enc, const uint8_t *p, size_t len,
                             size_t nv) {
  pf__ckr_col *c = d->c;
  PF_TRY(grow_values(d, nv));
  pf__ckr_value *out = c->values + c->n_values;
  if (enc == E_PLAIN) {
    PF_TRY(plain(d, p, len, nv, out));
  } else if (enc == E_PLAIN_DICT || enc == E_RLE_DICT) {
    if (!d->dict) return bad(d, "dictionary-encoded page without a dictionary page");
    if (nv > 0) {
      if (len < 1 || p[0] > 32) return bad(d, "bad dictionary index bit width");
      uint32_t *idx = malloc(nv * sizeof *idx);
      if (!idx) return pf__error_set(d->err, PF_ENOMEM, "out of memory");
      int ok = hybrid(p + 1, len - 1, p[0], idx, NULL, nv);
      for (size_t i = 0; ok && i < nv; i++) {
        if (idx[i] >= d->n_dict) ok = 0;
        else out[i] = d->dict[idx[i]];
      }
      free(idx);
      if (!ok) return bad(d, "dictionary indices cut off or out of range");
    }
  } else if (enc == E_RLE && c->type == T_BOOL) {
    if (len < 4) return bad(d, "RLE booleans without a length");
    size_t l = read_le(p, 4);
    if (l > len - 4) return bad(d, "RLE booleans longer than their page");
    uint32_t *bits = malloc((nv ? nv : 1) * sizeof *bits);
    if (!bits) return pf__error_set(d->err, PF_ENOMEM, "out of memory");
    int ok = hybrid(p + 4, l, 1, bits, NULL, nv);
    for (size_t i = 0; ok && i < nv; i++) out[i] = (pf__ckr_value){bits[i], 0, 0};
    free(bits);
    if (!ok) return bad(d, "RLE booleans cut off");
  } else {
    return pf__error_set(d->err, PF_EUNSUPPORTED,
                         "checkpoint column %s uses encoding %s, which the Delta "
                         "checkpoint reader does not support (PLAIN, dictionary, "
                         "RLE booleans are)",
                         d->name, pf__pqr_encoding_name(enc));
  }
  c->n_values += nv;
  return PF_OK;
}

/* Room for n more level entries. */
static pf_status grow_levels(dec *d, size_t n) {
  pf__ckr_col *c = d->c;
  if (n > c->max_entries || n > c->max_entries - c->n)
    return pf__error_set(d->err, PF_ELIMIT,
                         "checkpoint column %s holds more entries than the limit "
                         "(%zu for all columns together)", d->name, PF__CKR_MAX_ENTRIES);
  size_t need = c->n + n;
  uint8_t *df = realloc(c->def, need ? need : 1);
  if (!df) return pf__error_set(d->err, PF_ENOMEM, "out of memory");
  c->def = df;
  uint8_t *rp = realloc(c->rep, need ? need : 1);
  if (!rp) return pf__error_set(d->err, PF_ENOMEM, "out of memory");
  c->rep = rp;
  return PF_OK;
}

/* Decodes n levels (max) from p[0..len) into dst. */
static pf_status levels(dec *d, const uint8_t *p, size_t len, int max,
                        size_t n, uint8_t *dst, const char *which) {
  if (max == 0) {
    memset(dst, 0, n);
    return PF_OK;
  }
  int ok = hybrid(p, len, bit_width(max), NULL, dst, n);
  for (size_t i = 0; ok && i < n; i++)
    if (dst[i] > max) ok = 0;
  if (!ok) {
    char msg[96];
    snprintf(msg, sizeof msg, "%s levels cut off or above their maximum", which);
    return bad(d, msg);
  }
  return PF_OK;
}

/* Levels with a 4-byte length prefix (data page v1); advances *at. */
static pf_status levels_v1(dec *d, const uint8_t *p, size_t len, size_t *at,
                           int max, size_t n, uint8_t *dst, const char *which) {
  if (max == 0) return levels(d, p, 0, 0, n, dst, which);
  if (len - *at < 4) return bad(d, "level length cut off");
  size_t l = read_le(p + *at, 4);
  *at += 4;
  if (l > len - *at) return bad(d, "levels longer than their page");
  PF_TRY(levels(d, p + *at, l, max, n, dst, which));
  *at += l;
  return PF_OK;
}

static size_t count_present(const pf__ckr_col *c, size_t from) {
  size_t k = 0;
  for (size_t i = from; i < c->n; i++) k += c->def[i] == c->max_def;
  return k;
}

/* ---- page headers ---- */

typedef struct page_hdr {
  int32_t type, raw, stored;
  int32_t num_values, encoding;        /* data v1/v2, dictionary          */
  int32_t def_enc, rep_enc;            /* v1                              */
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
    else if (kind == P_DATA_V2 && id == 4) dst = &h->encoding;
    else if (kind == P_DATA_V2 && id == 5) dst = &h->dl_len;
    else if (kind == P_DATA_V2 && id == 6) dst = &h->rl_len;
    if (dst && pf__tcr_expect(r, t, PF__TC_I32)) *dst = pf__tcr_i32(r);
    else if (!dst) pf__tcr_skip(r, t);
  }
  pf__tcr_struct_end(r);
}

static size_t parse_header(const uint8_t *p, size_t n, page_hdr *h,
                           const char **what) {
  pf__tc_reader r;
  pf__tcr_init(&r, p, n);
  memset(h, 0, sizeof *h);
  h->type = h->raw = h->stored = h->num_values = -1;
  h->v2_compressed = 1;
  uint8_t t;
  int16_t id;
  pf__tcr_struct_begin(&r);
  while (pf__tcr_field_next(&r, &t, &id)) {
    if (id >= 1 && id <= 3) {
      if (pf__tcr_expect(&r, t, PF__TC_I32)) {
        int32_t v = pf__tcr_i32(&r);
        if (id == 1) h->type = v;
        else if (id == 2) h->raw = v;
        else h->stored = v;
      }
    } else if ((id == 5 || id == 7 || id == 8) && t == PF__TC_STRUCT) {
      sub_header(&r, h, id == 5 ? P_DATA : id == 7 ? P_DICT : P_DATA_V2);
    } else {
      pf__tcr_skip(&r, t);
    }
  }
  pf__tcr_struct_end(&r);
  if (r.status != PF_OK) { *what = r.what; return 0; }
  if (h->type < 0 || h->raw < 0 || h->stored < 0) {
    *what = "page header without type or sizes";
    return 0;
  }
  return pf__tcr_offset(&r);
}

/* One data page (v1 or v2) whose raw body is `raw` (v1: all decompressed;
 * v2: levels as stored then decompressed values). */
static pf_status data_page(dec *d, const page_hdr *h, const uint8_t *body,
                           size_t len, int64_t left_values) {
  pf__ckr_col *c = d->c;
  if (h->num_values < 0) return bad(d, "data page without a value count");
  size_t n = (size_t)h->num_values;
  if ((int64_t)n > left_values) return bad(d, "pages hold more values than the chunk");
  PF_TRY(grow_levels(d, n));
  size_t at = 0, first = c->n;
  if (h->type == P_DATA) {
    if ((c->max_rep && h->rep_enc != E_RLE) || (c->max_def && h->def_enc != E_RLE))
      return pf__error_set(d->err, PF_EUNSUPPORTED,
                           "checkpoint column %s uses BIT_PACKED levels (deprecated); "
                           "only RLE levels are supported", d->name);
    PF_TRY(levels_v1(d, body, len, &at, c->max_rep, n, c->rep + first, "repetition"));
    PF_TRY(levels_v1(d, body, len, &at, c->max_def, n, c->def + first, "definition"));
  } else {
    size_t rl = (size_t)h->rl_len, dl = (size_t)h->dl_len;
    if (h->rl_len < 0 || h->dl_len < 0 || rl > len || dl > len - rl)
      return bad(d, "v2 level lengths exceed the page");
    PF_TRY(levels(d, body, rl, c->max_rep, n, c->rep + first, "repetition"));
    PF_TRY(levels(d, body + rl, dl, c->max_def, n, c->def + first, "definition"));
    at = rl + dl;
  }
  c->n += n;
  return page_values(d, h->encoding, body + at, len - at, count_present(c, first));
}

pf_status pf__ckr_decode_chunk(pf__ckr_col *c, const uint8_t *file,
                               size_t size, const pf__pqr_chunk *ch,
                               const char *name, pf_error *err) {
  dec d = {c, name, err, NULL, 0};
  if (!ch->has_meta) return bad(&d, "column chunk without metadata");
  if (ch->type != c->type) return bad(&d, "chunk type differs from the schema");
  int64_t start = ch->data_page_offset;
  if (ch->dictionary_page_offset > 0 && ch->dictionary_page_offset < start)
    start = ch->dictionary_page_offset;
  if (start < 4 || (uint64_t)start >= size || ch->total_compressed_size < 0 ||
      (uint64_t)ch->total_compressed_size > size - (uint64_t)start)
    return bad(&d, "chunk offsets point outside the file");
  if (ch->num_values < 0) return bad(&d, "negative value count");
  const uint8_t *p = file + start;
  size_t left = (size_t)ch->total_compressed_size;
  int64_t seen = 0;
  uint8_t *raw = NULL;
  pf_status s = PF_OK;
  while (s == PF_OK && seen < ch->num_values) {
    page_hdr h;
    const char *what = NULL;
    size_t hl = parse_header(p, left, &h, &what);
    if (!hl) { s = bad(&d, what ? what : "bad page header"); break; }
    p += hl;
    left -= hl;
    if ((size_t)h.stored > left) { s = bad(&d, "page longer than its chunk"); break; }
    if ((size_t)h.raw > PF__CKR_MAX_PAGE) {
      s = pf__error_set(err, PF_ELIMIT,
                        "checkpoint column %s: a page of %d bytes exceeds the %zu "
                        "byte limit", name, h.raw, PF__CKR_MAX_PAGE);
      break;
    }
    const uint8_t *body = p;
    size_t stored = (size_t)h.stored, rawlen = (size_t)h.raw;
    p += stored;
    left -= stored;
    if (h.type == P_INDEX) continue;
    if (h.type != P_DATA && h.type != P_DICT && h.type != P_DATA_V2) {
      s = bad(&d, "unknown page type");
      break;
    }
    free(raw);
    raw = malloc(rawlen ? rawlen : 1);
    if (!raw) { s = pf__error_set(err, PF_ENOMEM, "out of memory"); break; }
    if (h.type == P_DATA_V2) {
      size_t lv = (size_t)h.rl_len + (size_t)h.dl_len;
      if (h.rl_len < 0 || h.dl_len < 0 || lv > stored || lv > rawlen) {
        s = bad(&d, "v2 level lengths exceed the page");
        break;
      }
      if (lv) memcpy(raw, body, lv);
      if (h.v2_compressed)
        s = decompress(&d, ch->codec, body + lv, stored - lv, rawlen - lv, raw + lv);
      else if (stored != rawlen)
        s = bad(&d, "uncompressed v2 page sizes disagree");
      else if (rawlen > lv)
        memcpy(raw + lv, body + lv, rawlen - lv);
    } else {
      s = decompress(&d, ch->codec, body, stored, rawlen, raw);
    }
    if (s != PF_OK) break;
    if (h.type == P_DICT) {
      s = dict_page(&d, raw, rawlen, h.num_values);
    } else {
      s = data_page(&d, &h, raw, rawlen, ch->num_values - seen);
      seen += h.num_values;
    }
  }
  if (s == PF_OK && seen != ch->num_values)
    s = bad(&d, "pages hold a different number of values than the chunk says");
  free(raw);
  free(d.dict);
  return s;
}

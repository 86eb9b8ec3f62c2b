/* parquet_footer_write.c - Parquet metadata in Thrift compact form: page
 * headers, column chunk metadata with statistics, and FileMetaData (schema,
 * row groups, created_by, column orders).
 *
 * Type mapping (pf_type -> physical + logical/converted):
 *   bool -> BOOLEAN                 int64 -> INT64
 *   double -> DOUBLE                date -> INT32 + DATE
 *   timestamp -> INT64 + TIMESTAMP(false, MICROS)
 *   timestamp_utc -> INT64 + TIMESTAMP(true, MICROS) / TIMESTAMP_MICROS
 *   time -> INT64 + TIME(false, MICROS)
 *   string -> BYTE_ARRAY + STRING / UTF8      binary -> BYTE_ARRAY
 *   decimal(p,s) -> FIXED_LEN_BYTE_ARRAY(16) + DECIMAL(p,s), big-endian
 *   null -> INT32 + UNKNOWN (every value null)
 * Stored narrower (pf__pq_store, for table writers): int64 as INT32, or
 * INT32 + INT(16|8, signed) / INT_16|INT_8; double as FLOAT.
 */
#include <string.h>

#include "writers/parquet/parquet_writer.h"
#include "writers/parquet/parquet_writer_internal.h"

enum {
  CT_UTF8 = 0,
  CT_DECIMAL = 5,
  CT_DATE = 6,
  CT_TIMESTAMP_MICROS = 10,
  CT_INT_8 = 15,
  CT_INT_16 = 16
};

/* LogicalType union members. */
enum {
  LT_STRING = 1,
  LT_DECIMAL = 5,
  LT_DATE = 6,
  LT_TIME = 7,
  LT_TIMESTAMP = 8,
  LT_INTEGER = 10,
  LT_UNKNOWN = 11
};

int pf__pq_physical_type(pf_type t, int store) {
  if (store == PF__PQ_STORE_FLOAT) return PF__PQ_FLOAT;
  if (store) return PF__PQ_INT32;
  switch (t) {
    case PF_TYPE_BOOL: return PF__PQ_BOOLEAN;
    case PF_TYPE_INT64:
    case PF_TYPE_TIMESTAMP:
    case PF_TYPE_TIMESTAMP_UTC:
    case PF_TYPE_TIME: return PF__PQ_INT64;
    case PF_TYPE_DOUBLE: return PF__PQ_DOUBLE;
    case PF_TYPE_DECIMAL: return PF__PQ_FIXED_LEN_BYTE_ARRAY;
    case PF_TYPE_STRING:
    case PF_TYPE_BINARY: return PF__PQ_BYTE_ARRAY;
    default: return PF__PQ_INT32; /* date, null */
  }
}

pf_status pf__pq_page_header(pf__buf *out, int page_type, size_t raw_size,
                             size_t stored_size, size_t num_values,
                             int encoding) {
  pf__tc_writer w;
  pf__tcw_init(&w, out);
  pf__tcw_struct_begin(&w);
  pf__tcw_field_i32(&w, 1, page_type);
  pf__tcw_field_i32(&w, 2, (int32_t)raw_size);
  pf__tcw_field_i32(&w, 3, (int32_t)stored_size);
  if (page_type == PF__PQ_PAGE_DICTIONARY) {
    pf__tcw_field_struct_begin(&w, 7);
    pf__tcw_field_i32(&w, 1, (int32_t)num_values);
    pf__tcw_field_i32(&w, 2, encoding);
    pf__tcw_struct_end(&w);
  } else {
    pf__tcw_field_struct_begin(&w, 5);
    pf__tcw_field_i32(&w, 1, (int32_t)num_values);
    pf__tcw_field_i32(&w, 2, encoding);
    pf__tcw_field_i32(&w, 3, PF__PQ_ENC_RLE); /* definition levels */
    pf__tcw_field_i32(&w, 4, PF__PQ_ENC_RLE); /* repetition levels */
    pf__tcw_struct_end(&w);
  }
  pf__tcw_struct_end(&w);
  return w.status;
}

/* ---- statistics ---- */

/* Length of the longest prefix of s (at most max bytes) that ends on a
 * UTF-8 character boundary. */
static size_t utf8_cut(const uint8_t *s, size_t n, size_t max) {
  if (n <= max) return n;
  size_t k = max;
  while (k > 0 && (s[k] & 0xC0) == 0x80) k--;
  return k;
}

/* A short upper bound of s (at most max bytes): a prefix whose last
 * character is incremented. 0 when there is none. For text only ASCII
 * characters below 0x7F are incremented, so the bound stays valid UTF-8. */
static size_t upper_bound(const uint8_t *s, size_t n, size_t max, int text,
                          uint8_t *out) {
  size_t k = text ? utf8_cut(s, n, max) : (n < max ? n : max);
  memcpy(out, s, k);
  while (k > 0) {
    uint8_t last = out[k - 1];
    if (text) {
      if (last < 0x7F) {
        out[k - 1]++;
        return k;
      }
      /* drop the whole last character */
      k--;
      while (k > 0 && (out[k] & 0xC0) == 0x80) k--;
    } else {
      if (last < 0xFF) {
        out[k - 1]++;
        return k;
      }
      k--;
    }
  }
  return 0;
}

static void le_bytes(uint8_t *out, uint64_t v, int n) {
  for (int i = 0; i < n; i++) out[i] = (uint8_t)(v >> (8 * i));
}

static void be_dec(uint8_t out[16], int64_t hi, uint64_t lo) {
  for (int i = 0; i < 8; i++) {
    out[i] = (uint8_t)((uint64_t)hi >> (56 - 8 * i));
    out[8 + i] = (uint8_t)(lo >> (56 - 8 * i));
  }
}

/* min and max of a FLOAT or DOUBLE chunk (width 4 or 8), little-endian;
 * zeros as -0.0 for the minimum and +0.0 for the maximum. */
static void float_bounds(const pf__pq_stats *s, int width, uint8_t *minb, uint8_t *maxb) {
  double lo = s->dmin == 0 ? -0.0 : s->dmin, hi = s->dmax == 0 ? 0.0 : s->dmax;
  uint64_t bl, bh;
  if (width == 4) {
    float fl = (float)lo, fh = (float)hi;
    uint32_t a, b;
    memcpy(&a, &fl, 4);
    memcpy(&b, &fh, 4);
    bl = a;
    bh = b;
  } else {
    memcpy(&bl, &lo, 8);
    memcpy(&bh, &hi, 8);
  }
  le_bytes(minb, bl, width);
  le_bytes(maxb, bh, width);
}

static void write_stats(pf__tc_writer *w, const pf__pq_col *c, const pf_field *f) {
  const pf__pq_stats *s = &c->stats;
  uint8_t minb[PF__PQ_STATS_MAX_BYTES + 16], maxb[PF__PQ_STATS_MAX_BYTES + 16];
  const uint8_t *minp = minb, *maxp = maxb;
  size_t minn = 0, maxn = 0;
  int has_min = 0, has_max = 0, min_exact = 1, max_exact = 1, legacy = 0;
  if (s->has) {
    has_min = has_max = 1;
    switch (c->kind) {
      case PF__PQ_K_BOOL:
        minb[0] = (uint8_t)s->imin;
        maxb[0] = (uint8_t)s->imax;
        minn = maxn = 1;
        legacy = 1;
        break;
      case PF__PQ_K_I32:
      case PF__PQ_K_I64:
        minn = maxn = (size_t)c->width;
        le_bytes(minb, (uint64_t)s->imin, c->width);
        le_bytes(maxb, (uint64_t)s->imax, c->width);
        legacy = 1;
        break;
      case PF__PQ_K_F32:
      case PF__PQ_K_F64:
        minn = maxn = (size_t)c->width;
        float_bounds(s, c->width, minb, maxb);
        legacy = 1;
        break;
      case PF__PQ_K_DEC:
        be_dec(minb, s->hmin, s->lmin);
        be_dec(maxb, s->hmax, s->lmax);
        minn = maxn = 16;
        break;
      case PF__PQ_K_BYTES: {
        int text = f->type == PF_TYPE_STRING;
        minp = s->smin.data;
        minn = s->smin.len;
        if (minn > PF__PQ_STATS_MAX_BYTES) {
          minn = text ? utf8_cut(minp, minn, PF__PQ_STATS_MAX_BYTES) : PF__PQ_STATS_MAX_BYTES;
          min_exact = 0;
        }
        maxp = s->smax.data;
        maxn = s->smax.len;
        if (maxn > PF__PQ_STATS_MAX_BYTES) {
          maxn = upper_bound(maxp, maxn, PF__PQ_STATS_MAX_BYTES, text, maxb);
          maxp = maxb;
          max_exact = 0;
          has_max = maxn > 0;
        }
        if (!minp) minp = minb; /* empty string */
        if (!maxp) maxp = maxb;
        break;
      }
      case PF__PQ_K_NULL: has_min = has_max = 0; break;
    }
  }
  pf__tcw_field_struct_begin(w, 12);
  if (legacy && has_max) pf__tcw_field_binary(w, 1, maxp, maxn);
  if (legacy && has_min) pf__tcw_field_binary(w, 2, minp, minn);
  pf__tcw_field_i64(w, 3, s->nulls);
  if (has_max) pf__tcw_field_binary(w, 5, maxp, maxn);
  if (has_min) pf__tcw_field_binary(w, 6, minp, minn);
  if (has_max) pf__tcw_field_bool(w, 7, max_exact);
  if (has_min) pf__tcw_field_bool(w, 8, min_exact);
  if (c->kind == PF__PQ_K_F64 || c->kind == PF__PQ_K_F32) pf__tcw_field_i64(w, 9, s->nans);
  pf__tcw_struct_end(w);
}

void pf__pq_column_chunk(pf__tc_writer *w, const pf__pq_col *c,
                         const pf_field *f, int codec_id, int64_t offset) {
  int64_t data_offset = offset + c->dict_stored;
  pf__tcw_struct_begin(w);
  pf__tcw_field_i64(w, 2, 0); /* file_offset: no metadata outside the footer */
  pf__tcw_field_struct_begin(w, 3);
  pf__tcw_field_i32(w, 1, c->narrow == 2 ? PF__PQ_FLOAT : c->narrow ? PF__PQ_INT32
                                                                    : pf__pq_physical_type(f->type, 0));
  /* encodings, ascending: PLAIN (dictionary page or PLAIN data pages),
   * RLE (levels), RLE_DICTIONARY */
  int plain = c->dict_used || c->plain_pages > 0;
  size_t n_enc = (size_t)plain + 1 + (size_t)c->dict_used;
  pf__tcw_field_list_begin(w, 2, PF__TC_I32, n_enc);
  if (plain) pf__tcw_i32(w, PF__PQ_ENC_PLAIN);
  pf__tcw_i32(w, PF__PQ_ENC_RLE);
  if (c->dict_used) pf__tcw_i32(w, PF__PQ_ENC_RLE_DICTIONARY);
  pf__tcw_field_list_begin(w, 3, PF__TC_BINARY, 1);
  pf__tcw_binary(w, f->name, strlen(f->name));
  pf__tcw_field_i32(w, 4, codec_id);
  pf__tcw_field_i64(w, 5, c->rows);
  pf__tcw_field_i64(w, 6, c->data_raw + c->dict_raw);
  pf__tcw_field_i64(w, 7, c->data_stored + c->dict_stored);
  pf__tcw_field_i64(w, 9, data_offset);
  if (c->dict_used) pf__tcw_field_i64(w, 11, offset);
  write_stats(w, c, f);
  size_t n_es = (size_t)c->dict_used * 2 + (c->plain_pages > 0);
  pf__tcw_field_list_begin(w, 13, PF__TC_STRUCT, n_es);
  if (c->dict_used) {
    pf__tcw_struct_begin(w);
    pf__tcw_field_i32(w, 1, PF__PQ_PAGE_DICTIONARY);
    pf__tcw_field_i32(w, 2, PF__PQ_ENC_PLAIN);
    pf__tcw_field_i32(w, 3, 1);
    pf__tcw_struct_end(w);
    pf__tcw_struct_begin(w);
    pf__tcw_field_i32(w, 1, PF__PQ_PAGE_DATA);
    pf__tcw_field_i32(w, 2, PF__PQ_ENC_RLE_DICTIONARY);
    pf__tcw_field_i32(w, 3, c->dict_pages);
    pf__tcw_struct_end(w);
  }
  if (c->plain_pages > 0) {
    pf__tcw_struct_begin(w);
    pf__tcw_field_i32(w, 1, PF__PQ_PAGE_DATA);
    pf__tcw_field_i32(w, 2, PF__PQ_ENC_PLAIN);
    pf__tcw_field_i32(w, 3, c->plain_pages);
    pf__tcw_struct_end(w);
  }
  pf__tcw_struct_end(w); /* ColumnMetaData */
  pf__tcw_struct_end(w); /* ColumnChunk */
}

/* ---- schema and file metadata ---- */

static void time_unit_micros(pf__tc_writer *w) {
  pf__tcw_field_struct_begin(w, 2); /* unit: TimeUnit */
  pf__tcw_field_struct_begin(w, 2); /* MICROS */
  pf__tcw_struct_end(w);
  pf__tcw_struct_end(w);
}

static void schema_leaf(pf__tc_writer *w, const pf_field *f, int store) {
  pf_type t = f->type;
  pf__tcw_struct_begin(w);
  pf__tcw_field_i32(w, 1, pf__pq_physical_type(t, store));
  if (t == PF_TYPE_DECIMAL) pf__tcw_field_i32(w, 2, 16);
  int optional = f->nullable || t == PF_TYPE_NULL;
  pf__tcw_field_i32(w, 3, optional ? PF__PQ_OPTIONAL : PF__PQ_REQUIRED);
  pf__tcw_field_string(w, 4, f->name);
  switch (t) {
    case PF_TYPE_STRING: pf__tcw_field_i32(w, 6, CT_UTF8); break;
    case PF_TYPE_DATE: pf__tcw_field_i32(w, 6, CT_DATE); break;
    case PF_TYPE_TIMESTAMP_UTC: pf__tcw_field_i32(w, 6, CT_TIMESTAMP_MICROS); break;
    case PF_TYPE_INT64:
      if (store == PF__PQ_STORE_INT16) pf__tcw_field_i32(w, 6, CT_INT_16);
      if (store == PF__PQ_STORE_INT8) pf__tcw_field_i32(w, 6, CT_INT_8);
      break;
    case PF_TYPE_DECIMAL:
      pf__tcw_field_i32(w, 6, CT_DECIMAL);
      pf__tcw_field_i32(w, 7, f->scale);
      pf__tcw_field_i32(w, 8, f->precision);
      break;
    default: break;
  }
  int lt = 0;
  switch (t) {
    case PF_TYPE_STRING: lt = LT_STRING; break;
    case PF_TYPE_DATE: lt = LT_DATE; break;
    case PF_TYPE_DECIMAL: lt = LT_DECIMAL; break;
    case PF_TYPE_TIME: lt = LT_TIME; break;
    case PF_TYPE_TIMESTAMP:
    case PF_TYPE_TIMESTAMP_UTC: lt = LT_TIMESTAMP; break;
    case PF_TYPE_NULL: lt = LT_UNKNOWN; break;
    case PF_TYPE_INT64:
      if (store == PF__PQ_STORE_INT16 || store == PF__PQ_STORE_INT8) lt = LT_INTEGER;
      break;
    default: break;
  }
  if (lt) {
    pf__tcw_field_struct_begin(w, 10);
    pf__tcw_field_struct_begin(w, (int16_t)lt);
    if (lt == LT_DECIMAL) {
      pf__tcw_field_i32(w, 1, f->scale);
      pf__tcw_field_i32(w, 2, f->precision);
    } else if (lt == LT_TIME || lt == LT_TIMESTAMP) {
      pf__tcw_field_bool(w, 1, t == PF_TYPE_TIMESTAMP_UTC);
      time_unit_micros(w);
    } else if (lt == LT_INTEGER) {
      pf__tcw_field_i8(w, 1, store == PF__PQ_STORE_INT16 ? 16 : 8);
      pf__tcw_field_bool(w, 2, 1);
    }
    pf__tcw_struct_end(w);
    pf__tcw_struct_end(w);
  }
  pf__tcw_struct_end(w);
}

pf_status pf__pq_file_metadata(pf__buf *out, const pf_schema *schema, const uint8_t *store,
                               int64_t num_rows, const pf__buf *row_groups,
                               size_t n_row_groups) {
  pf__tc_writer w;
  pf__tcw_init(&w, out);
  pf__tcw_struct_begin(&w);
  pf__tcw_field_i32(&w, 1, 2); /* version: 2.x metadata (logical types) */
  pf__tcw_field_list_begin(&w, 2, PF__TC_STRUCT, schema->n_fields + 1);
  pf__tcw_struct_begin(&w); /* the root */
  pf__tcw_field_string(&w, 4, "schema");
  pf__tcw_field_i32(&w, 5, (int32_t)schema->n_fields);
  pf__tcw_struct_end(&w);
  for (size_t i = 0; i < schema->n_fields; i++)
    schema_leaf(&w, &schema->fields[i], store ? store[i] : 0);
  pf__tcw_field_i64(&w, 3, num_rows);
  pf__tcw_field_list_begin(&w, 4, PF__TC_STRUCT, n_row_groups);
  pf__tcw_raw(&w, row_groups->data, row_groups->len);
  pf__tcw_field_string(&w, 6, "pyforge version " PYFORGE_VERSION_STRING);
  pf__tcw_field_list_begin(&w, 7, PF__TC_STRUCT, schema->n_fields);
  for (size_t i = 0; i < schema->n_fields; i++) {
    pf__tcw_struct_begin(&w);        /* ColumnOrder */
    pf__tcw_field_struct_begin(&w, 1); /* TYPE_ORDER: TypeDefinedOrder */
    pf__tcw_struct_end(&w);
    pf__tcw_struct_end(&w);
  }
  pf__tcw_struct_end(&w);
  return w.status;
}

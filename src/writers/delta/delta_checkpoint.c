/* delta_checkpoint.c - writes a classic single-file Delta checkpoint
 * (delta_state.h): <table>/_delta_log/<20-digit version>.checkpoint.parquet
 * with one row per action (protocol, metaData, txn, add, remove) in the
 * protocol's checkpoint schema (delta_ckpt_schema.h), then
 * _delta_log/_last_checkpoint. Both go through src/io/output.c (temp +
 * rename, or the copy strategy on /Volumes).
 *
 * Encoding: one row group; per leaf column one data page v1, PLAIN values,
 * RLE/bit-packed repetition and definition levels, snappy compression, no
 * statistics. Maps are the standard 3-level MAP group (key_value: required
 * key, optional value), lists the 3-level LIST group (list: optional
 * element). Nullable scalars are written as nulls (txn.lastUpdated,
 * metaData.createdTime, remove.size, ... when the state says absent).
 */
#include "writers/delta/delta_state.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/error.h"
#include "formats/parquet/thrift_compact.h"
#include "io/output.h"
#include "writers/delta/delta_ckpt_schema.h"
#include "writers/parquet/parquet_writer_internal.h"

#define BA PF__PQ_BYTE_ARRAY
#define I64 PF__PQ_INT64
#define I32 PF__PQ_INT32
#define BOOL PF__PQ_BOOLEAN
#define G (-1)
#define OPT 1
#define REQ 0
#define REP 2
#define U PF__CK_CT_UTF8
#define N PF__CK_CT_NONE
#define MAP_STR(nm)                                                      \
  {nm, G, OPT, 1, PF__CK_CT_MAP}, {"key_value", G, REP, 2, N},           \
      {"key", BA, REQ, 0, U}, {"value", BA, OPT, 0, U}
#define LIST_STR(nm)                                                     \
  {nm, G, OPT, 1, PF__CK_CT_LIST}, {"list", G, REP, 1, N},               \
      {"element", BA, OPT, 0, U}

const pf__ck_node pf__ck_nodes[] = {
    {"spark_schema", G, REQ, 5, N},
    {"txn", G, OPT, 3, N},
    {"appId", BA, OPT, 0, U}, {"version", I64, OPT, 0, N},
    {"lastUpdated", I64, OPT, 0, N},
    {"add", G, OPT, 7, N},
    {"path", BA, OPT, 0, U}, MAP_STR("partitionValues"),
    {"size", I64, OPT, 0, N}, {"modificationTime", I64, OPT, 0, N},
    {"dataChange", BOOL, OPT, 0, N}, {"stats", BA, OPT, 0, U},
    MAP_STR("tags"),
    {"remove", G, OPT, 7, N},
    {"path", BA, OPT, 0, U}, {"deletionTimestamp", I64, OPT, 0, N},
    {"dataChange", BOOL, OPT, 0, N}, {"extendedFileMetadata", BOOL, OPT, 0, N},
    MAP_STR("partitionValues"), {"size", I64, OPT, 0, N}, MAP_STR("tags"),
    {"metaData", G, OPT, 8, N},
    {"id", BA, OPT, 0, U}, {"name", BA, OPT, 0, U},
    {"description", BA, OPT, 0, U},
    {"format", G, OPT, 2, N}, {"provider", BA, OPT, 0, U}, MAP_STR("options"),
    {"schemaString", BA, OPT, 0, U}, LIST_STR("partitionColumns"),
    MAP_STR("configuration"), {"createdTime", I64, OPT, 0, N},
    {"protocol", G, OPT, 4, N},
    {"minReaderVersion", I32, OPT, 0, N}, {"minWriterVersion", I32, OPT, 0, N},
    LIST_STR("readerFeatures"), LIST_STR("writerFeatures"),
};
const size_t pf__ck_n_nodes = sizeof pf__ck_nodes / sizeof pf__ck_nodes[0];

#define MAX_DEPTH 8

/* One leaf column being built: levels and PLAIN values. */
typedef struct leaf {
  int type;
  int max_def, max_rep;
  size_t depth;                 /* names in path                          */
  const char *path[MAX_DEPTH];
  uint32_t *def, *rep;
  size_t n, cap;                /* level entries                          */
  pf__buf vals;                 /* PLAIN values (booleans: bits)          */
  size_t nbits;                 /* booleans written                       */
  int64_t n_values;             /* non-null values                        */
} leaf;

typedef struct ckw {
  leaf lv[PF__CK_N_LEAVES];
  pf_status status;             /* first failure (out of memory)          */
} ckw;

/* Walks the node table once to fill each leaf's path and levels. */
static void layout(ckw *w) {
  const char *names[MAX_DEPTH];
  int defs[MAX_DEPTH], reps[MAX_DEPTH], left[MAX_DEPTH];
  size_t depth = 0, li = 0;
  defs[0] = reps[0] = 0;
  left[0] = pf__ck_nodes[0].n_children;
  for (size_t i = 1; i < pf__ck_n_nodes; i++) {
    while (depth > 0 && left[depth] == 0) depth--;
    left[depth]--;
    const pf__ck_node *nd = &pf__ck_nodes[i];
    int d = defs[depth] + (nd->repetition != REQ);
    int r = reps[depth] + (nd->repetition == REP);
    names[depth] = nd->name;
    if (nd->type == G) {
      depth++;
      defs[depth] = d;
      reps[depth] = r;
      left[depth] = nd->n_children;
    } else {
      leaf *l = &w->lv[li++];
      l->type = nd->type;
      l->max_def = d;
      l->max_rep = r;
      l->depth = depth + 1;
      for (size_t k = 0; k <= depth; k++) l->path[k] = names[k];
      pf__buf_init(&l->vals, 0);
    }
  }
}

static void level(ckw *w, pf__ck_leaf c, uint32_t d, uint32_t r) {
  leaf *l = &w->lv[c];
  if (w->status != PF_OK) return;
  if (l->n == l->cap) {
    size_t nc = l->cap ? l->cap * 2 : 64;
    uint32_t *nd = realloc(l->def, nc * sizeof *nd);
    if (!nd) { w->status = PF_ENOMEM; return; }
    l->def = nd;
    uint32_t *nr = realloc(l->rep, nc * sizeof *nr);
    if (!nr) { w->status = PF_ENOMEM; return; }
    l->rep = nr;
    l->cap = nc;
  }
  l->def[l->n] = d;
  l->rep[l->n] = r;
  l->n++;
}

static void put_bytes(ckw *w, pf__ck_leaf c, const char *s) {
  leaf *l = &w->lv[c];
  size_t n = strlen(s);
  uint8_t len[4] = {(uint8_t)n, (uint8_t)(n >> 8), (uint8_t)(n >> 16),
                    (uint8_t)(n >> 24)};
  if (n > UINT32_MAX) { w->status = PF_ELIMIT; return; }
  if (pf__buf_append(&l->vals, len, 4) != PF_OK ||
      pf__buf_append(&l->vals, s, n) != PF_OK)
    w->status = PF_ENOMEM;
  l->n_values++;
}

/* A nullable string directly under the action struct (or format). */
static void emit_str(ckw *w, pf__ck_leaf c, const char *s) {
  leaf *l = &w->lv[c];
  if (!s) { level(w, c, (uint32_t)l->max_def - 1, 0); return; }
  level(w, c, (uint32_t)l->max_def, 0);
  if (w->status == PF_OK) put_bytes(w, c, s);
}

static void emit_int(ckw *w, pf__ck_leaf c, int64_t v, int present) {
  leaf *l = &w->lv[c];
  if (!present) { level(w, c, (uint32_t)l->max_def - 1, 0); return; }
  level(w, c, (uint32_t)l->max_def, 0);
  if (w->status != PF_OK) return;
  uint8_t b[8];
  int width = l->type == I32 ? 4 : 8;
  for (int k = 0; k < width; k++) b[k] = (uint8_t)((uint64_t)v >> (8 * k));
  if (pf__buf_append(&l->vals, b, (size_t)width) != PF_OK) w->status = PF_ENOMEM;
  l->n_values++;
}

static void emit_bool(ckw *w, pf__ck_leaf c, int v) {
  leaf *l = &w->lv[c];
  level(w, c, (uint32_t)l->max_def, 0);
  if (w->status != PF_OK) return;
  if (l->nbits % 8 == 0 && pf__buf_putc(&l->vals, 0) != PF_OK) {
    w->status = PF_ENOMEM;
    return;
  }
  if (v) l->vals.data[l->vals.len - 1] |= (uint8_t)(1u << (l->nbits % 8));
  l->nbits++;
  l->n_values++;
}

/* A map<string,string>: NULL map when is_null, else its entries. */
static void emit_map(ckw *w, pf__ck_leaf kc, const pf__delta_map *m,
                     int is_null) {
  pf__ck_leaf vc = (pf__ck_leaf)(kc + 1);
  uint32_t kd = (uint32_t)w->lv[kc].max_def;  /* key: required           */
  if (is_null || m->n == 0) {
    uint32_t d = is_null ? kd - 2 : kd - 1;
    level(w, kc, d, 0);
    level(w, vc, d, 0);
    return;
  }
  for (size_t i = 0; i < m->n; i++) {
    uint32_t r = i == 0 ? 0 : 1;
    level(w, kc, kd, r);
    if (w->status == PF_OK) put_bytes(w, kc, m->keys[i] ? m->keys[i] : "");
    if (m->values[i]) {
      level(w, vc, kd + 1, r);
      if (w->status == PF_OK) put_bytes(w, vc, m->values[i]);
    } else {
      level(w, vc, kd, r);
    }
  }
}

/* A list<string> (elements never null here). */
static void emit_list(ckw *w, pf__ck_leaf c, char *const *v, size_t n,
                      int is_null) {
  uint32_t ed = (uint32_t)w->lv[c].max_def;
  if (is_null || n == 0) {
    level(w, c, is_null ? ed - 3 : ed - 2, 0);
    return;
  }
  for (size_t i = 0; i < n; i++) {
    if (v[i]) {
      level(w, c, ed, i == 0 ? 0 : 1);
      if (w->status == PF_OK) put_bytes(w, c, v[i]);
    } else {
      level(w, c, ed - 1, i == 0 ? 0 : 1);
    }
  }
}

/* Nulls (definition level 0) in every leaf outside [lo, hi]. */
static void others_null(ckw *w, pf__ck_leaf lo, pf__ck_leaf hi) {
  for (int c = 0; c < PF__CK_N_LEAVES; c++)
    if (c < (int)lo || c > (int)hi) level(w, (pf__ck_leaf)c, 0, 0);
}

static void row_protocol(ckw *w, const pf__delta_protocol *p) {
  others_null(w, PF__CK_PR_MINREADER, PF__CK_PR_WFEATURES);
  emit_int(w, PF__CK_PR_MINREADER, p->min_reader_version, 1);
  emit_int(w, PF__CK_PR_MINWRITER, p->min_writer_version, 1);
  emit_list(w, PF__CK_PR_RFEATURES, p->reader_features, p->n_reader_features,
            p->min_reader_version < 3 && p->n_reader_features == 0);
  emit_list(w, PF__CK_PR_WFEATURES, p->writer_features, p->n_writer_features,
            p->min_writer_version < 7 && p->n_writer_features == 0);
}

static void row_metadata(ckw *w, const pf__delta_metadata *m) {
  others_null(w, PF__CK_MD_ID, PF__CK_MD_CREATED);
  emit_str(w, PF__CK_MD_ID, m->id ? m->id : "");
  emit_str(w, PF__CK_MD_NAME, m->name);
  emit_str(w, PF__CK_MD_DESC, m->description);
  emit_str(w, PF__CK_MD_PROVIDER, m->format_provider ? m->format_provider : "parquet");
  emit_map(w, PF__CK_MD_OPT_KEY, &m->format_options, 0);
  emit_str(w, PF__CK_MD_SCHEMA, m->schema_string ? m->schema_string : "");
  emit_list(w, PF__CK_MD_PARTCOLS, m->partition_columns, m->n_partition_columns, 0);
  emit_map(w, PF__CK_MD_CONF_KEY, &m->configuration, 0);
  emit_int(w, PF__CK_MD_CREATED, m->created_time, m->created_time >= 0);
}

static void row_txn(ckw *w, const pf__delta_txn *t) {
  others_null(w, PF__CK_TXN_APPID, PF__CK_TXN_LASTUPDATED);
  emit_str(w, PF__CK_TXN_APPID, t->app_id ? t->app_id : "");
  emit_int(w, PF__CK_TXN_VERSION, t->version, 1);
  emit_int(w, PF__CK_TXN_LASTUPDATED, t->last_updated, t->last_updated >= 0);
}

static void row_add(ckw *w, const pf__delta_file *f) {
  others_null(w, PF__CK_ADD_PATH, PF__CK_ADD_TAGS_VALUE);
  emit_str(w, PF__CK_ADD_PATH, f->path ? f->path : "");
  emit_map(w, PF__CK_ADD_PV_KEY, &f->partition_values, 0);
  emit_int(w, PF__CK_ADD_SIZE, f->size, 1);
  emit_int(w, PF__CK_ADD_MODTIME, f->modification_time, 1);
  emit_bool(w, PF__CK_ADD_DATACHANGE, f->data_change);
  emit_str(w, PF__CK_ADD_STATS, f->stats);
  emit_map(w, PF__CK_ADD_TAGS_KEY, &f->tags, f->tags.n == 0);
}

static void row_remove(ckw *w, const pf__delta_file *f) {
  others_null(w, PF__CK_RM_PATH, PF__CK_RM_TAGS_VALUE);
  int ext = f->extended_file_metadata;
  emit_str(w, PF__CK_RM_PATH, f->path ? f->path : "");
  emit_int(w, PF__CK_RM_DELTS, f->deletion_timestamp, f->deletion_timestamp >= 0);
  emit_bool(w, PF__CK_RM_DATACHANGE, f->data_change);
  emit_bool(w, PF__CK_RM_EXT, ext);
  emit_map(w, PF__CK_RM_PV_KEY, &f->partition_values,
           !ext && f->partition_values.n == 0);
  emit_int(w, PF__CK_RM_SIZE, f->size, f->size >= 0);
  emit_map(w, PF__CK_RM_TAGS_KEY, &f->tags, f->tags.n == 0);
}

static void ckw_free(ckw *w) {
  for (int c = 0; c < PF__CK_N_LEAVES; c++) {
    free(w->lv[c].def);
    free(w->lv[c].rep);
    pf__buf_free(&w->lv[c].vals);
  }
}

static uint32_t read_u32le(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
         (uint32_t)p[3] << 24;
}

static pf_status put_u32le(pf__buf *b, size_t v) {
  uint8_t x[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16),
                  (uint8_t)(v >> 24)};
  return pf__buf_append(b, x, 4);
}

/* Levels with the 4-byte length prefix of data page v1. */
static pf_status put_levels(pf__buf *body, const uint32_t *lv, size_t n,
                            int max) {
  size_t at = body->len;
  PF_TRY(put_u32le(body, 0));
  PF_TRY(pf__pq_rle_encode(lv, n, pf__pq_bit_width((uint32_t)max), body));
  size_t len = body->len - at - 4;
  for (int k = 0; k < 4; k++) body->data[at + (size_t)k] = (uint8_t)(len >> (8 * k));
  return PF_OK;
}

/* Bytes of PLAIN values per data page before a new page starts (at the
 * next row): keeps pages far below any reader's page limit. */
#define PAGE_TARGET ((size_t)128 << 10)
/* Level entries per data page (parquet-mr's default row count check). */
#define PAGE_MAX_ENTRIES ((size_t)20000)

/* Appends one data page (entries [e0, e1), values bytes [v0, v1) or, for
 * booleans, bits [v0, v1)) to out. */
static pf_status encode_page(const leaf *l, pf__pq_codec *codec, size_t e0,
                             size_t e1, size_t v0, size_t v1, pf__buf *out,
                             int64_t *raw_total) {
  pf__buf body, z;
  pf__buf_init(&body, 0);
  pf__buf_init(&z, 0);
  size_t start = out->len;
  pf_status s = PF_OK;
  if (l->max_rep > 0) s = put_levels(&body, l->rep + e0, e1 - e0, l->max_rep);
  if (s == PF_OK && l->max_def > 0)
    s = put_levels(&body, l->def + e0, e1 - e0, l->max_def);
  if (s == PF_OK && l->type == BOOL) {
    size_t nb = (v1 - v0 + 7) / 8, at = body.len;
    s = nb ? pf__buf_reserve(&body, nb) : PF_OK;
    if (s == PF_OK && nb) {
      memset(body.data + at, 0, nb);
      for (size_t b = v0; b < v1; b++)
        if (l->vals.data[b / 8] >> (b % 8) & 1)
          body.data[at + (b - v0) / 8] |= (uint8_t)(1u << ((b - v0) % 8));
      body.len += nb;
    }
  } else if (s == PF_OK && v1 > v0) {
    s = pf__buf_append(&body, l->vals.data + v0, v1 - v0);
  }
  if (s == PF_OK && body.len > INT32_MAX) s = PF_ELIMIT;
  if (s == PF_OK) s = pf__pq_compress(codec, body.data, body.len, &z);
  if (s == PF_OK && z.len > INT32_MAX) s = PF_ELIMIT;
  if (s == PF_OK)
    s = pf__pq_page_header(out, PF__PQ_PAGE_DATA, body.len, z.len, e1 - e0,
                           PF__PQ_ENC_PLAIN);
  size_t header_len = out->len - start;
  if (s == PF_OK) s = pf__buf_append(out, z.data, z.len);
  if (s == PF_OK) *raw_total += (int64_t)(header_len + body.len);
  pf__buf_free(&body);
  pf__buf_free(&z);
  return s;
}

/* Encodes one leaf's chunk (data pages cut at row boundaries) into out and
 * its ColumnChunk into the row group writer. */
static pf_status encode_leaf(const leaf *l, pf__pq_codec *codec, pf__buf *out,
                             pf__tc_writer *rg, int64_t file_offset,
                             int64_t *raw_total) {
  size_t start = out->len, e0 = 0, v0 = 0, vc = 0;
  int64_t raw = 0;
  for (size_t i = 0; i <= l->n; i++) {
    int cut = i == l->n ? i > e0 || l->n == 0
                        : i > e0 && l->rep[i] == 0 &&
                              ((l->type == BOOL ? (vc - v0) / 8 : vc - v0) >= PAGE_TARGET ||
                               i - e0 >= PAGE_MAX_ENTRIES);
    if (cut) {
      PF_TRY(encode_page(l, codec, e0, i, v0, vc, out, &raw));
      e0 = i;
      v0 = vc;
    }
    if (i == l->n || l->def[i] != (uint32_t)l->max_def) continue;
    if (l->type == BOOL) vc += 1;
    else if (l->type == I32) vc += 4;
    else if (l->type == I64) vc += 8;
    else vc += 4 + (size_t)read_u32le(l->vals.data + vc);
  }
  int64_t stored = (int64_t)(out->len - start);
  *raw_total += raw;

  pf__tcw_struct_begin(rg);                      /* ColumnChunk           */
  pf__tcw_field_i64(rg, 2, file_offset);
  pf__tcw_field_struct_begin(rg, 3);             /* ColumnMetaData        */
  pf__tcw_field_i32(rg, 1, l->type);
  pf__tcw_field_list_begin(rg, 2, PF__TC_I32, 2);
  pf__tcw_i32(rg, PF__PQ_ENC_PLAIN);
  pf__tcw_i32(rg, PF__PQ_ENC_RLE);
  pf__tcw_field_list_begin(rg, 3, PF__TC_BINARY, l->depth);
  for (size_t k = 0; k < l->depth; k++)
    pf__tcw_binary(rg, l->path[k], strlen(l->path[k]));
  pf__tcw_field_i32(rg, 4, pf__pq_codec_id(codec));
  pf__tcw_field_i64(rg, 5, (int64_t)l->n);
  pf__tcw_field_i64(rg, 6, raw);
  pf__tcw_field_i64(rg, 7, stored);
  pf__tcw_field_i64(rg, 9, file_offset);
  pf__tcw_struct_end(rg);
  pf__tcw_struct_end(rg);
  return rg->status;
}

static void schema_elements(pf__tc_writer *w) {
  pf__tcw_field_list_begin(w, 2, PF__TC_STRUCT, pf__ck_n_nodes);
  for (size_t i = 0; i < pf__ck_n_nodes; i++) {
    const pf__ck_node *nd = &pf__ck_nodes[i];
    pf__tcw_struct_begin(w);
    if (nd->type != G) pf__tcw_field_i32(w, 1, nd->type);
    if (i > 0) pf__tcw_field_i32(w, 3, nd->repetition);
    pf__tcw_field_string(w, 4, nd->name);
    if (nd->type == G) pf__tcw_field_i32(w, 5, nd->n_children);
    if (nd->converted != N) pf__tcw_field_i32(w, 6, nd->converted);
    if (nd->converted != N) {                    /* LogicalType union     */
      pf__tcw_field_struct_begin(w, 10);
      pf__tcw_field_struct_begin(w, nd->converted == U ? 1
                                     : nd->converted == PF__CK_CT_MAP ? 2 : 3);
      pf__tcw_struct_end(w);
      pf__tcw_struct_end(w);
    }
    pf__tcw_struct_end(w);
  }
}

/* Builds the whole file image in out. */
static pf_status build_file(ckw *w, pf__buf *out, pf_error *err) {
  pf__pq_codec *codec = NULL;
  PF_TRY(pf__pq_codec_create(PF_COMPRESSION_SNAPPY, 0, 1, &codec, err));
  pf__buf rgbuf, foot;
  pf__buf_init(&rgbuf, 0);
  pf__buf_init(&foot, 0);
  pf__tc_writer rg;
  pf__tcw_init(&rg, &rgbuf);
  pf_status s = pf__buf_append(out, "PAR1", 4);
  int64_t raw_total = 0;
  for (int c = 0; c < PF__CK_N_LEAVES && s == PF_OK; c++)
    s = encode_leaf(&w->lv[c], codec, out, &rg, (int64_t)out->len, &raw_total);
  size_t rows = w->lv[0].n;
  if (s == PF_OK) {
    pf__tc_writer f;
    pf__tcw_init(&f, &foot);
    pf__tcw_struct_begin(&f);
    pf__tcw_field_i32(&f, 1, 1);
    schema_elements(&f);
    pf__tcw_field_i64(&f, 3, (int64_t)rows);
    pf__tcw_field_list_begin(&f, 4, PF__TC_STRUCT, 1);
    pf__tcw_struct_begin(&f);                    /* RowGroup              */
    pf__tcw_field_list_begin(&f, 1, PF__TC_STRUCT, PF__CK_N_LEAVES);
    pf__tcw_raw(&f, rgbuf.data, rgbuf.len);
    pf__tcw_field_i64(&f, 2, raw_total);
    pf__tcw_field_i64(&f, 3, (int64_t)rows);
    pf__tcw_struct_end(&f);
    pf__tcw_field_string(&f, 6, "pyforge delta checkpoint");
    pf__tcw_struct_end(&f);
    s = f.status;
  }
  if (s == PF_OK) s = pf__buf_append(out, foot.data, foot.len);
  if (s == PF_OK) s = put_u32le(out, foot.len);
  if (s == PF_OK) s = pf__buf_append(out, "PAR1", 4);
  pf__buf_free(&rgbuf);
  pf__buf_free(&foot);
  pf__pq_codec_free(codec);
  if (s != PF_OK)
    return pf__error_set(err, s, "cannot encode the Delta checkpoint (%s)",
                         pf_status_str(s));
  return PF_OK;
}

static pf_status write_whole(const char *target, const void *p, size_t n,
                             const pf__settings *settings, pf_error *err) {
  pf__output *o = NULL;
  pf__output_opts oo = {1, 0, NULL, settings, 1};
  PF_TRY(pf__output_open_ex(target, &oo, &o, err));
  pf_status s = pf__output_write(o, p, n, err);
  if (s != PF_OK) {
    pf__output_abort(o);
    return s;
  }
  return pf__output_commit(o, err);
}

pf_status pf__delta_checkpoint_write(const char *table_dir,
                                     const pf__delta_state *st,
                                     const pf__opts *opts,
                                     uint64_t *size_bytes, pf_error *err) {
  if (size_bytes) *size_bytes = 0;
  PF_RETURN_ERROR_IF(!table_dir || !st || st->version < 0, err, PF_EINVAL,
                     "a Delta checkpoint needs a table directory and a state "
                     "at a version >= 0");
  if (opts && opts->cancel && *opts->cancel)
    return pf__error_set(err, PF_ECANCELED, "canceled before the checkpoint");
  /* the checkpoint schema written has no deletionVector: such a table's
   * checkpoint is left to Spark or delta-rs rather than written lossy */
  for (size_t i = 0; i < st->n_adds + st->n_removes; i++) {
    const pf__delta_file *f = i < st->n_adds ? &st->adds[i] : &st->removes[i - st->n_adds];
    if (f->dv.storage_type)
      return pf__error_set(err, PF_EUNSUPPORTED,
                           "the table's files carry deletion vectors, which PyForge's "
                           "checkpoints do not hold; no checkpoint written");
  }
  ckw *w = calloc(1, sizeof *w);
  if (!w) return pf__error_set(err, PF_ENOMEM, "out of memory");
  layout(w);
  row_protocol(w, &st->protocol);
  row_metadata(w, &st->metadata);
  for (size_t i = 0; i < st->n_txns; i++) row_txn(w, &st->txns[i]);
  for (size_t i = 0; i < st->n_adds; i++) row_add(w, &st->adds[i]);
  for (size_t i = 0; i < st->n_removes; i++) row_remove(w, &st->removes[i]);
  pf_status s = w->status;
  pf__buf file;
  pf__buf_init(&file, 0);
  if (s != PF_OK)
    s = pf__error_set(err, s, "cannot build the Delta checkpoint (%s)",
                      pf_status_str(s));
  else
    s = build_file(w, &file, err);
  ckw_free(w);
  free(w);

  char *path = NULL, *last = NULL;
  if (s == PF_OK) {
    path = pf__aprintf("%s/_delta_log/%020" PRId64 ".checkpoint.parquet",
                       table_dir, st->version);
    last = pf__aprintf("%s/_delta_log/_last_checkpoint", table_dir);
    if (!path || !last) s = pf__error_set(err, PF_ENOMEM, "out of memory");
  }
  if (s == PF_OK) s = write_whole(path, file.data, file.len, opts ? &opts->settings : NULL, err);
  if (s == PF_OK) {
    size_t actions = 2 + st->n_txns + st->n_adds + st->n_removes;
    char json[256];
    int n = snprintf(json, sizeof json,
                     "{\"version\":%" PRId64 ",\"size\":%zu,\"sizeInBytes\":%zu,"
                     "\"numOfAddFiles\":%zu}\n",
                     st->version, actions, file.len, st->n_adds);
    s = write_whole(last, json, (size_t)n, opts ? &opts->settings : NULL, err);
    if (s == PF_OK && size_bytes) *size_bytes = file.len;
  }
  if (s != PF_OK && err && err->file[0] == '\0' && path) pf__error_file(err, path);
  free(path);
  free(last);
  pf__buf_free(&file);
  return s;
}

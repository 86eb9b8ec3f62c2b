/* delta_checkpoint_read.c - reads a classic single-file Delta checkpoint
 * (ours, Spark's or delta-rs's) into a pf__delta_state (delta_state.h).
 *
 * The file is read whole (at most PF__CKR_MAX_FILE bytes), its footer
 * decoded by the Parquet footer reader, the leaf columns the state needs
 * are found by path (map and list inner group names are not checked, so
 * "key_value"/"map" and "list"/"bag" both work), decoded with
 * core/parquet_page_read.c, and the rows assembled from repetition and
 * definition levels. Other columns (stats_parsed, domainMetadata, ...) are
 * skipped. Multi-part and v2 checkpoints and sidecars are refused with
 * PF_EUNSUPPORTED. On any failure st
 * is left freshly initialised and err names the file and the problem.
 */
#include "writers/delta/delta_state.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/buf.h"
#include "core/error.h"
#include "formats/parquet/parquet_page_read.h"
#include "writers/delta/delta_ckpt_schema.h"

/* Limits on what one checkpoint may hold. */
#define PF__CKR_MAX_FILE ((uint64_t)1 << 31)      /* file bytes             */
#define PF__CKR_MAX_ENTRIES ((size_t)1 << 26)     /* level entries, all
                                                     columns together      */
#define PF__CKR_MAX_DEPTH 16                      /* schema nesting         */

/* Columns looked for: the pf__ck_leaf ones, then these. */
enum {
  R_ADD_DV = PF__CK_N_LEAVES, R_ADD_DV_PATH, R_ADD_DV_OFFSET, R_ADD_DV_SIZE, R_ADD_DV_CARD,
  R_RM_DV, R_RM_DV_PATH, R_RM_DV_OFFSET, R_RM_DV_SIZE, R_RM_DV_CARD,
  R_SIDECAR, R_CKMETA, R_N
};

static const char *const patterns[R_N] = {
    "txn.appId", "txn.version", "txn.lastUpdated",
    "add.path", "add.partitionValues.*.key", "add.partitionValues.*.value",
    "add.size", "add.modificationTime", "add.dataChange", "add.stats",
    "add.tags.*.key", "add.tags.*.value",
    "remove.path", "remove.deletionTimestamp", "remove.dataChange",
    "remove.extendedFileMetadata", "remove.partitionValues.*.key",
    "remove.partitionValues.*.value", "remove.size", "remove.tags.*.key",
    "remove.tags.*.value",
    "metaData.id", "metaData.name", "metaData.description",
    "metaData.format.provider", "metaData.format.options.*.key",
    "metaData.format.options.*.value", "metaData.schemaString",
    "metaData.partitionColumns.*.*", "metaData.configuration.*.key",
    "metaData.configuration.*.value", "metaData.createdTime",
    "protocol.minReaderVersion", "protocol.minWriterVersion",
    "protocol.readerFeatures.*.*", "protocol.writerFeatures.*.*",
    "add.deletionVector.storageType", "add.deletionVector.pathOrInlineDv",
    "add.deletionVector.offset", "add.deletionVector.sizeInBytes",
    "add.deletionVector.cardinality",
    "remove.deletionVector.storageType", "remove.deletionVector.pathOrInlineDv",
    "remove.deletionVector.offset", "remove.deletionVector.sizeInBytes",
    "remove.deletionVector.cardinality",
    "sidecar.path", "checkpointMetadata.version",
};

/* Expected kind: 's' string, 'i' integer, 'b' boolean. */
static const char kinds[R_N + 1] =
    "sii" "sssiibsss" "sibbssiss" "ssssssssssi" "iiss" "ssiii" "ssiii" "si";

typedef struct rcol {
  int found;
  size_t leaf;                /* leaf column index in the file             */
  int d_top;                  /* def level: the action struct is present   */
  int d_coll, d_kv;           /* maps/lists: collection present, entry     */
  pf__pqp_col col;
  size_t pos, vpos;           /* row cursor: entry and value               */
  size_t end, vend;           /* this row's entries [pos, end)             */
} rcol;

typedef struct rd {
  const char *path;
  pf_error *err;
  uint8_t *file;
  size_t size;
  pf__pqr_meta meta;
  rcol c[R_N];
  size_t cap_adds, cap_removes, cap_txns;
  int have_protocol, have_metadata;
} rd;

static pf_status fail(rd *r, pf_status s, const char *what) {
  return pf__error_set(r->err, s, "%s", what);
}

/* ---- file and footer ---- */

static pf_status load(rd *r) {
  FILE *f = fopen(r->path, "rb");
  if (!f)
    return pf__error_set(r->err, errno == ENOENT ? PF_ENOTFOUND : PF_EINPUT,
                         "cannot open the Delta checkpoint: %s", strerror(errno));
  struct stat sb;
  pf_status s = PF_OK;
  if (fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode)) {
    s = pf__error_set(r->err, PF_EINPUT, "the Delta checkpoint is not a regular file");
  } else if ((uint64_t)sb.st_size > PF__CKR_MAX_FILE) {
    s = pf__error_set(r->err, PF_ELIMIT,
                      "the Delta checkpoint is %lld bytes; the limit is %llu",
                      (long long)sb.st_size, (unsigned long long)PF__CKR_MAX_FILE);
  } else {
    r->size = (size_t)sb.st_size;
    r->file = malloc(r->size ? r->size : 1);
    if (!r->file) s = pf__error_set(r->err, PF_ENOMEM, "out of memory");
    else if (fread(r->file, 1, r->size, f) != r->size)
      s = pf__error_set(r->err, PF_EINPUT, "cannot read the Delta checkpoint");
  }
  fclose(f);
  if (s != PF_OK) return s;
  if (r->size < 12 || memcmp(r->file, "PAR1", 4) != 0)
    return fail(r, PF_EPARSE, "not a Parquet file (no PAR1 magic at the start)");
  if (memcmp(r->file + r->size - 4, "PARE", 4) == 0)
    return fail(r, PF_EUNSUPPORTED, "encrypted Parquet checkpoints are not supported");
  if (memcmp(r->file + r->size - 4, "PAR1", 4) != 0)
    return fail(r, PF_EPARSE, "not a Parquet file (no PAR1 magic at the end)");
  const uint8_t *t = r->file + r->size - 8;
  size_t flen = (size_t)t[0] | (size_t)t[1] << 8 | (size_t)t[2] << 16 |
                (size_t)t[3] << 24;
  if (flen > r->size - 12)
    return fail(r, PF_EPARSE, "Parquet footer length exceeds the file");
  uint8_t *foot = malloc(flen ? flen : 1);
  if (!foot) return fail(r, PF_ENOMEM, "out of memory");
  if (flen) memcpy(foot, r->file + r->size - 8 - flen, flen);
  return pf__pqr_parse(foot, flen, &r->meta, r->err);
}

static int seg_eq(const char *pat, size_t plen, const pf__pqr_bytes *b) {
  if (plen == 1 && pat[0] == '*') return 1;
  return b->n == plen && memcmp(b->p, pat, plen) == 0;
}

static int matches(const char *pat, const pf__pqr_bytes *names, size_t depth) {
  size_t k = 0;
  while (*pat) {
    const char *dot = strchr(pat, '.');
    size_t l = dot ? (size_t)(dot - pat) : strlen(pat);
    if (k >= depth || !seg_eq(pat, l, &names[k])) return 0;
    k++;
    pat += l + (dot ? 1 : 0);
  }
  return k == depth;
}

/* Walks the schema, computes each leaf's levels and finds our columns. */
static pf_status map_columns(rd *r) {
  const pf__pqr_meta *m = &r->meta;
  pf__pqr_bytes names[PF__CKR_MAX_DEPTH];
  int defs[PF__CKR_MAX_DEPTH + 1], reps[PF__CKR_MAX_DEPTH + 1];
  int first_rep[PF__CKR_MAX_DEPTH + 1];
  size_t left[PF__CKR_MAX_DEPTH + 1];
  size_t depth = 0, leaf = 0;
  if (m->n_elements == 0) return fail(r, PF_EPARSE, "empty Parquet schema");
  defs[0] = reps[0] = 0;
  first_rep[0] = -1;
  left[0] = m->elements[0].num_children > 0 ? (size_t)m->elements[0].num_children : 0;
  for (size_t i = 1; i < m->n_elements; i++) {
    while (depth > 0 && left[depth] == 0) depth--;
    if (left[depth] == 0) break;
    left[depth]--;
    const pf__pqr_element *e = &m->elements[i];
    int d = defs[depth] + (e->repetition == 1 || e->repetition == 2);
    int rp = reps[depth] + (e->repetition == 2);
    int fr = first_rep[depth];
    if (fr < 0 && e->repetition == 2) fr = (int)depth;
    names[depth] = e->name;
    if (e->num_children >= 0) {
      if (depth + 1 >= PF__CKR_MAX_DEPTH)
        return fail(r, PF_ELIMIT, "checkpoint schema nested too deeply");
      depth++;
      defs[depth] = d;
      reps[depth] = rp;
      first_rep[depth] = fr;
      left[depth] = (size_t)e->num_children;
      continue;
    }
    for (int k = 0; k < R_N; k++) {
      if (!matches(patterns[k], names, depth + 1)) continue;
      rcol *c = &r->c[k];
      if (c->found)
        return pf__error_set(r->err, PF_EPARSE, "checkpoint column %s appears twice",
                             patterns[k]);
      int want = kinds[k] == 's' ? 6 : kinds[k] == 'b' ? 0 : -1;
      if ((want >= 0 && e->type != want) ||
          (want < 0 && e->type != 1 && e->type != 2))
        return pf__error_set(r->err, PF_EPARSE,
                             "checkpoint column %s has physical type %s; expected %s",
                             patterns[k], pf__pqr_type_name(e->type),
                             want == 6 ? "BYTE_ARRAY" : want == 0 ? "BOOLEAN"
                                                                  : "INT32 or INT64");
      c->found = 1;
      c->leaf = leaf;
      /* defs[1] is the level once the top-level struct (names[0]) exists */
      c->d_top = depth >= 1 ? defs[1] : d;
      c->d_coll = fr > 0 ? defs[fr] : 0;
      c->d_kv = fr < 0 ? 0 : fr == (int)depth ? d : defs[fr + 1];
      pf__pqp_col_init(&c->col, e->type, e->type_length, d, rp, 1);
      break;
    }
    leaf++;
  }
  if (leaf != m->n_leaves)
    return fail(r, PF_EPARSE, "Parquet schema tree does not match its leaf count");
  return PF_OK;
}

static pf_status decode_columns(rd *r) {
  size_t budget = PF__CKR_MAX_ENTRIES;  /* level entries, all columns      */
  if (r->meta.num_rows < 0 || (uint64_t)r->meta.num_rows > PF__CKR_MAX_ENTRIES)
    return pf__error_set(r->err, PF_ELIMIT, "checkpoint claims %lld rows; the limit "
                         "is %zu", (long long)r->meta.num_rows, PF__CKR_MAX_ENTRIES);
  if (!r->c[PF__CK_PR_MINREADER].found || !r->c[PF__CK_MD_ID].found)
    return fail(r, PF_EPARSE, "not a Delta checkpoint: no protocol.minReaderVersion "
                "or metaData.id column");
  for (int k = 0; k < R_N; k++) {
    rcol *c = &r->c[k];
    if (!c->found) continue;
    c->col.max_entries = budget;
    for (size_t g = 0; g < r->meta.n_row_groups; g++) {
      const pf__pqr_row_group *rg = &r->meta.row_groups[g];
      if (c->leaf >= rg->n_chunks) return fail(r, PF_EPARSE, "missing column chunk");
      const pf__pqr_chunk *ch = &rg->chunks[c->leaf];
      uint64_t start, len;
      r->meta.file_size = r->size;
      PF_TRY(pf__pqp_chunk_range(&r->meta, ch, &start, &len, patterns[k], r->err));
      PF_TRY(pf__pqp_decode_chunk(&c->col, r->file + start, (size_t)len, start, ch, patterns[k],
                                  r->err));
    }
    size_t rows = 0;
    for (size_t i = 0; i < c->col.n; i++) rows += c->col.rep[i] == 0;
    if (c->col.n && c->col.rep[0] != 0)
      return pf__error_set(r->err, PF_EPARSE,
                           "checkpoint column %s starts inside a row", patterns[k]);
    if ((int64_t)rows != r->meta.num_rows)
      return pf__error_set(r->err, PF_EPARSE,
                           "checkpoint column %s has %zu rows; the file says %lld",
                           patterns[k], rows, (long long)r->meta.num_rows);
    budget -= c->col.n;
  }
  return PF_OK;
}

/* ---- row assembly ---- */

static void next_row(rd *r) {
  for (int k = 0; k < R_N; k++) {
    rcol *c = &r->c[k];
    if (!c->found) continue;
    c->pos = c->end;
    c->vpos = c->vend;
    size_t e = c->pos + 1, v = c->vpos + (c->col.def[c->pos] == c->col.max_def);
    while (e < c->col.n && c->col.rep[e] != 0) {
      v += c->col.def[e] == c->col.max_def;
      e++;
    }
    c->end = e;
    c->vend = v;
  }
}

/* 1 when the action struct of column k is present in this row. */
static int present(rd *r, int k) {
  rcol *c = &r->c[k];
  return c->found && c->col.def[c->pos] >= c->d_top;
}

static int scalar_set(rd *r, int k) {
  rcol *c = &r->c[k];
  return c->found && c->col.def[c->pos] == c->col.max_def;
}

static int64_t int_or(rd *r, int k, int64_t dflt) {
  return scalar_set(r, k) ? r->c[k].col.values[r->c[k].vpos].i : dflt;
}

static pf_status dup_value(rd *r, int k, size_t vi, char **out) {
  rcol *c = &r->c[k];
  const pf__pqp_value *v = &c->col.values[vi];
  const char *p = v->len ? (const char *)c->col.arena.data + v->off : "";
  if (v->len && memchr(p, 0, v->len))
    return pf__error_set(r->err, PF_EPARSE,
                         "checkpoint column %s holds a string with a NUL byte",
                         patterns[k]);
  *out = pf__strndup(p, v->len);
  return *out ? PF_OK : fail(r, PF_ENOMEM, "out of memory");
}

static pf_status str_or_null(rd *r, int k, char **out) {
  *out = NULL;
  if (!scalar_set(r, k)) return PF_OK;
  return dup_value(r, k, r->c[k].vpos, out);
}

static pf_status need_str(rd *r, int k, char **out) {
  PF_TRY(str_or_null(r, k, out));
  if (!*out)
    return pf__error_set(r->err, PF_EPARSE, "checkpoint column %s is null in an action "
                         "that requires it", patterns[k]);
  return PF_OK;
}

static pf_status read_map(rd *r, int kk, pf__delta_map *m) {
  rcol *kc = &r->c[kk], *vc = &r->c[kk + 1];
  if (!kc->found) return PF_OK;
  size_t n = 0;
  for (size_t i = kc->pos; i < kc->end; i++) n += kc->col.def[i] >= kc->d_kv;
  if (n == 0) return PF_OK;
  if (vc->found && vc->end - vc->pos != kc->end - kc->pos)
    return pf__error_set(r->err, PF_EPARSE, "checkpoint map %s: keys and values "
                         "disagree in count", patterns[kk]);
  m->keys = calloc(n, sizeof *m->keys);
  m->values = calloc(n, sizeof *m->values);
  if (!m->keys || !m->values) return fail(r, PF_ENOMEM, "out of memory");
  m->n = n;
  size_t j = 0, kv = kc->vpos, vv = vc->found ? vc->vpos : 0;
  for (size_t i = kc->pos; i < kc->end; i++) {
    int has_val = vc->found && vc->col.def[vc->pos + (i - kc->pos)] == vc->col.max_def;
    if (kc->col.def[i] >= kc->d_kv) {
      if (kc->col.def[i] != kc->col.max_def)
        return pf__error_set(r->err, PF_EPARSE, "checkpoint map %s has a null key",
                             patterns[kk]);
      PF_TRY(dup_value(r, kk, kv, &m->keys[j]));
      if (has_val) PF_TRY(dup_value(r, kk + 1, vv, &m->values[j]));
      j++;
    }
    if (kc->col.def[i] == kc->col.max_def) kv++;
    if (has_val) vv++;
  }
  return PF_OK;
}

static pf_status read_list(rd *r, int k, char ***out, size_t *n_out) {
  rcol *c = &r->c[k];
  if (!c->found) return PF_OK;
  size_t n = 0;
  for (size_t i = c->pos; i < c->end; i++) n += c->col.def[i] >= c->d_kv;
  if (n == 0) return PF_OK;
  char **v = calloc(n, sizeof *v);
  if (!v) return fail(r, PF_ENOMEM, "out of memory");
  *out = v;
  *n_out = n;
  size_t j = 0, vi = c->vpos;
  for (size_t i = c->pos; i < c->end; i++) {
    if (c->col.def[i] == c->col.max_def) PF_TRY(dup_value(r, k, vi++, &v[j]));
    if (c->col.def[i] >= c->d_kv) j++;
  }
  return PF_OK;
}

static pf_status grow(rd *r, void **arr, size_t n, size_t *cap, size_t size) {
  if (n < *cap) return PF_OK;
  size_t nc = *cap ? *cap * 2 : 16;
  void *p = realloc(*arr, nc * size);
  if (!p) return fail(r, PF_ENOMEM, "out of memory");
  memset((char *)p + n * size, 0, (nc - n) * size);
  *arr = p;
  *cap = nc;
  return PF_OK;
}

/* The deletionVector struct of an add or remove (columns k .. k + 4:
 * storageType, pathOrInlineDv, offset, sizeInBytes, cardinality). */
static pf_status read_dv(rd *r, int k, pf__delta_dv *dv) {
  dv->offset = -1;
  if (!scalar_set(r, k)) return PF_OK;
  char *type = NULL;
  PF_TRY(str_or_null(r, k, &type));
  int ok = type && strlen(type) == 1 && strchr("uip", type[0]);
  dv->storage_type = ok ? type[0] : 0;
  free(type);
  if (!ok) return fail(r, PF_EPARSE, "checkpoint deletion vector with an unknown storage type");
  PF_TRY(need_str(r, k + 1, &dv->path_or_inline));
  dv->offset = int_or(r, k + 2, -1);
  dv->size_in_bytes = int_or(r, k + 3, -1);
  dv->cardinality = int_or(r, k + 4, -1);
  return pf__delta_dv_derive(dv) == PF_OK ? PF_OK : fail(r, PF_ENOMEM, "out of memory");
}

static pf_status row_add(rd *r, pf__delta_state *st) {
  PF_TRY(grow(r, (void **)&st->adds, st->n_adds, &r->cap_adds, sizeof *st->adds));
  pf__delta_file *f = &st->adds[st->n_adds++];
  f->deletion_timestamp = -1;
  PF_TRY(need_str(r, PF__CK_ADD_PATH, &f->path));
  PF_TRY(read_map(r, PF__CK_ADD_PV_KEY, &f->partition_values));
  f->size = int_or(r, PF__CK_ADD_SIZE, -1);
  f->modification_time = int_or(r, PF__CK_ADD_MODTIME, 0);
  f->data_change = (int)int_or(r, PF__CK_ADD_DATACHANGE, 0);
  PF_TRY(str_or_null(r, PF__CK_ADD_STATS, &f->stats));
  PF_TRY(read_map(r, PF__CK_ADD_TAGS_KEY, &f->tags));
  return read_dv(r, R_ADD_DV, &f->dv);
}

static pf_status row_remove(rd *r, pf__delta_state *st) {
  PF_TRY(grow(r, (void **)&st->removes, st->n_removes, &r->cap_removes,
              sizeof *st->removes));
  pf__delta_file *f = &st->removes[st->n_removes++];
  PF_TRY(need_str(r, PF__CK_RM_PATH, &f->path));
  f->deletion_timestamp = int_or(r, PF__CK_RM_DELTS, -1);
  f->data_change = (int)int_or(r, PF__CK_RM_DATACHANGE, 0);
  f->extended_file_metadata = (int)int_or(r, PF__CK_RM_EXT, 0);
  PF_TRY(read_map(r, PF__CK_RM_PV_KEY, &f->partition_values));
  f->size = int_or(r, PF__CK_RM_SIZE, -1);
  PF_TRY(read_map(r, PF__CK_RM_TAGS_KEY, &f->tags));
  return read_dv(r, R_RM_DV, &f->dv);
}

static pf_status row_txn(rd *r, pf__delta_state *st) {
  PF_TRY(grow(r, (void **)&st->txns, st->n_txns, &r->cap_txns, sizeof *st->txns));
  pf__delta_txn *t = &st->txns[st->n_txns++];
  PF_TRY(need_str(r, PF__CK_TXN_APPID, &t->app_id));
  if (!scalar_set(r, PF__CK_TXN_VERSION))
    return fail(r, PF_EPARSE, "checkpoint txn action without a version");
  t->version = int_or(r, PF__CK_TXN_VERSION, 0);
  t->last_updated = int_or(r, PF__CK_TXN_LASTUPDATED, -1);
  return PF_OK;
}

static pf_status row_metadata(rd *r, pf__delta_state *st) {
  if (r->have_metadata++) return fail(r, PF_EPARSE, "checkpoint has two metaData actions");
  pf__delta_metadata *m = &st->metadata;
  PF_TRY(need_str(r, PF__CK_MD_ID, &m->id));
  PF_TRY(str_or_null(r, PF__CK_MD_NAME, &m->name));
  PF_TRY(str_or_null(r, PF__CK_MD_DESC, &m->description));
  PF_TRY(str_or_null(r, PF__CK_MD_PROVIDER, &m->format_provider));
  PF_TRY(read_map(r, PF__CK_MD_OPT_KEY, &m->format_options));
  PF_TRY(need_str(r, PF__CK_MD_SCHEMA, &m->schema_string));
  PF_TRY(read_list(r, PF__CK_MD_PARTCOLS, &m->partition_columns,
                   &m->n_partition_columns));
  PF_TRY(read_map(r, PF__CK_MD_CONF_KEY, &m->configuration));
  m->created_time = int_or(r, PF__CK_MD_CREATED, -1);
  return PF_OK;
}

static pf_status row_protocol(rd *r, pf__delta_state *st) {
  if (r->have_protocol++) return fail(r, PF_EPARSE, "checkpoint has two protocol actions");
  pf__delta_protocol *p = &st->protocol;
  if (!scalar_set(r, PF__CK_PR_MINREADER) || !scalar_set(r, PF__CK_PR_MINWRITER))
    return fail(r, PF_EPARSE, "checkpoint protocol action without reader/writer versions");
  int64_t rv = int_or(r, PF__CK_PR_MINREADER, 0), wv = int_or(r, PF__CK_PR_MINWRITER, 0);
  if (rv < 0 || rv > INT32_MAX || wv < 0 || wv > INT32_MAX)
    return fail(r, PF_EPARSE, "checkpoint protocol versions out of range");
  p->present = 1;
  p->min_reader_version = (int32_t)rv;
  p->min_writer_version = (int32_t)wv;
  PF_TRY(read_list(r, PF__CK_PR_RFEATURES, &p->reader_features, &p->n_reader_features));
  return read_list(r, PF__CK_PR_WFEATURES, &p->writer_features, &p->n_writer_features);
}

static pf_status assemble(rd *r, pf__delta_state *st) {
  for (int k = 0; k < R_N; k++) r->c[k].end = r->c[k].vend = 0;
  for (int64_t row = 0; row < r->meta.num_rows; row++) {
    next_row(r);
    if (present(r, R_SIDECAR) && scalar_set(r, R_SIDECAR))
      return fail(r, PF_EUNSUPPORTED, "this is a v2 checkpoint with sidecar files, "
                  "which PyForge does not read; replay the JSON commits instead");
    if (present(r, R_CKMETA))
      return fail(r, PF_EUNSUPPORTED, "this is a v2 checkpoint (checkpointMetadata), "
                  "which PyForge does not read");
    if (present(r, PF__CK_PR_MINREADER)) PF_TRY(row_protocol(r, st));
    if (present(r, PF__CK_MD_ID)) PF_TRY(row_metadata(r, st));
    if (present(r, PF__CK_TXN_APPID)) PF_TRY(row_txn(r, st));
    if (present(r, PF__CK_ADD_PATH)) PF_TRY(row_add(r, st));
    if (present(r, PF__CK_RM_PATH)) PF_TRY(row_remove(r, st));
  }
  if (!r->have_protocol) return fail(r, PF_EPARSE, "checkpoint has no protocol action");
  if (!r->have_metadata) return fail(r, PF_EPARSE, "checkpoint has no metaData action");
  return PF_OK;
}

/* Multi-part (<v>.checkpoint.<i>.<n>.parquet) and v2 (<v>.checkpoint.<uuid>.
 * parquet|json) names. */
static pf_status check_name(rd *r) {
  const char *base = strrchr(r->path, '/');
  base = base ? base + 1 : r->path;
  const char *ck = strstr(base, ".checkpoint.");
  if (!ck || strcmp(ck, ".checkpoint.parquet") == 0) return PF_OK;
  const char *rest = ck + strlen(".checkpoint.");
  int digits_dot = 0;
  for (const char *q = rest; *q && *q != '.'; q++) digits_dot = (*q >= '0' && *q <= '9');
  if (digits_dot && strchr(rest, '.') && strchr(strchr(rest, '.') + 1, '.'))
    return fail(r, PF_EUNSUPPORTED, "multi-part Delta checkpoints are not supported; "
                "replay the JSON commits instead");
  return fail(r, PF_EUNSUPPORTED, "v2 (UUID-named) Delta checkpoints are not supported; "
              "replay the JSON commits instead");
}

pf_status pf__delta_checkpoint_read(const char *path, pf__delta_state *st,
                                    pf_error *err) {
  rd *r = calloc(1, sizeof *r);
  if (!r) return pf__error_set(err, PF_ENOMEM, "out of memory");
  r->path = path;
  r->err = err;
  int64_t version = st->version;
  pf_status s = check_name(r);
  if (s == PF_OK) s = load(r);
  if (s == PF_OK) s = map_columns(r);
  if (s == PF_OK) s = decode_columns(r);
  if (s == PF_OK) s = assemble(r, st);
  if (s != PF_OK) {
    pf__delta_state_free(st);
    st->version = version;
    pf__error_file(err, path);
  }
  for (int k = 0; k < R_N; k++) pf__pqp_col_free(&r->c[k].col);
  if (r->meta.footer) pf__pqr_meta_free(&r->meta);
  free(r->file);
  free(r);
  return s;
}

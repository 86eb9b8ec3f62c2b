/* delta_ckpt_json.c - renders a pf__delta_state as JSON in a stable order
 * (see delta_ckpt_json.h). */
#include "writers/delta/delta_ckpt_json.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"

/* Sort helpers: an index array ordered by the strings it points at. */
typedef struct keyed {
  const char *key;
  size_t i;
} keyed;

static int keyed_cmp(const void *a, const void *b) {
  const keyed *x = a, *y = b;
  int c = strcmp(x->key ? x->key : "", y->key ? y->key : "");
  if (c) return c;
  return x->i < y->i ? -1 : x->i > y->i;
}

static keyed *sorted(size_t n, const char *(*get)(const void *, size_t),
                     const void *arr) {
  keyed *k = malloc((n ? n : 1) * sizeof *k);
  if (!k) return NULL;
  for (size_t i = 0; i < n; i++) k[i] = (keyed){get(arr, i), i};
  qsort(k, n, sizeof *k, keyed_cmp);
  return k;
}

static const char *map_key(const void *a, size_t i) {
  return ((const pf__delta_map *)a)->keys[i];
}
static const char *file_key(const void *a, size_t i) {
  return ((const pf__delta_file *)a)[i].path;
}
static const char *txn_key(const void *a, size_t i) {
  return ((const pf__delta_txn *)a)[i].app_id;
}

static pf_status num(pf__buf *b, const char *key, int64_t v, int present) {
  PF_TRY(pf__json_key(b, key, 0));
  if (!present) return pf__buf_puts(b, "null");
  return pf__buf_printf(b, "%" PRId64, v);
}

static pf_status str(pf__buf *b, const char *key, const char *s, int first) {
  PF_TRY(pf__json_key(b, key, first));
  return pf__json_cstr(b, s);
}

static pf_status map(pf__buf *b, const char *key, const pf__delta_map *m) {
  PF_TRY(pf__json_key(b, key, 0));
  keyed *k = sorted(m->n, map_key, m);
  if (!k) return PF_ENOMEM;
  pf_status s = pf__buf_putc(b, '{');
  for (size_t i = 0; s == PF_OK && i < m->n; i++) {
    s = pf__json_key(b, m->keys[k[i].i] ? m->keys[k[i].i] : "", i == 0);
    if (s == PF_OK) s = pf__json_cstr(b, m->values[k[i].i]);
  }
  free(k);
  return s == PF_OK ? pf__buf_putc(b, '}') : s;
}

static pf_status list(pf__buf *b, const char *key, char *const *v, size_t n,
                      int is_null) {
  PF_TRY(pf__json_key(b, key, 0));
  if (is_null) return pf__buf_puts(b, "null");
  PF_TRY(pf__buf_putc(b, '['));
  for (size_t i = 0; i < n; i++) {
    if (i) PF_TRY(pf__buf_putc(b, ','));
    PF_TRY(pf__json_cstr(b, v[i]));
  }
  return pf__buf_putc(b, ']');
}

static pf_status file(pf__buf *b, const pf__delta_file *f, int is_add) {
  PF_TRY(pf__buf_putc(b, '{'));
  PF_TRY(str(b, "path", f->path, 1));
  PF_TRY(map(b, "partitionValues", &f->partition_values));
  PF_TRY(num(b, "size", f->size, f->size >= 0));
  if (is_add) {
    PF_TRY(num(b, "modificationTime", f->modification_time, 1));
  } else {
    PF_TRY(num(b, "deletionTimestamp", f->deletion_timestamp,
               f->deletion_timestamp >= 0));
    PF_TRY(pf__json_key(b, "extendedFileMetadata", 0));
    PF_TRY(pf__buf_puts(b, f->extended_file_metadata ? "true" : "false"));
  }
  PF_TRY(pf__json_key(b, "dataChange", 0));
  PF_TRY(pf__buf_puts(b, f->data_change ? "true" : "false"));
  if (is_add) PF_TRY(str(b, "stats", f->stats, 0));
  PF_TRY(map(b, "tags", &f->tags));
  if (f->dv.storage_type) {
    char type[2] = {f->dv.storage_type, 0};
    PF_TRY(pf__buf_puts(b, ",\"deletionVector\":{"));
    PF_TRY(str(b, "storageType", type, 1));
    PF_TRY(str(b, "pathOrInlineDv", f->dv.path_or_inline, 0));
    PF_TRY(num(b, "offset", f->dv.offset, f->dv.offset >= 0));
    PF_TRY(num(b, "sizeInBytes", f->dv.size_in_bytes, 1));
    PF_TRY(num(b, "cardinality", f->dv.cardinality, 1));
    PF_TRY(pf__buf_putc(b, '}'));
  }
  return pf__buf_putc(b, '}');
}

static pf_status files(pf__buf *b, const char *key, const pf__delta_file *f,
                       size_t n, int is_add) {
  PF_TRY(pf__json_key(b, key, 0));
  keyed *k = sorted(n, file_key, f);
  if (!k) return PF_ENOMEM;
  pf_status s = pf__buf_putc(b, '[');
  for (size_t i = 0; s == PF_OK && i < n; i++) {
    if (i) s = pf__buf_putc(b, ',');
    if (s == PF_OK) s = file(b, &f[k[i].i], is_add);
  }
  free(k);
  return s == PF_OK ? pf__buf_putc(b, ']') : s;
}

pf_status pf__delta_state_json(const pf__delta_state *st, pf__buf *b) {
  const pf__delta_protocol *p = &st->protocol;
  const pf__delta_metadata *m = &st->metadata;
  PF_TRY(pf__buf_putc(b, '{'));
  PF_TRY(pf__json_key(b, "version", 1));
  PF_TRY(pf__buf_printf(b, "%" PRId64, st->version));
  PF_TRY(pf__buf_puts(b, ",\"protocol\":{"));
  PF_TRY(pf__json_key(b, "minReaderVersion", 1));
  PF_TRY(pf__buf_printf(b, "%d", (int)p->min_reader_version));
  PF_TRY(num(b, "minWriterVersion", p->min_writer_version, 1));
  PF_TRY(list(b, "readerFeatures", p->reader_features, p->n_reader_features,
              p->n_reader_features == 0 && p->min_reader_version < 3));
  PF_TRY(list(b, "writerFeatures", p->writer_features, p->n_writer_features,
              p->n_writer_features == 0 && p->min_writer_version < 7));
  PF_TRY(pf__buf_puts(b, "},\"metaData\":{"));
  PF_TRY(str(b, "id", m->id, 1));
  PF_TRY(str(b, "name", m->name, 0));
  PF_TRY(str(b, "description", m->description, 0));
  PF_TRY(pf__buf_puts(b, ",\"format\":{"));
  PF_TRY(str(b, "provider", m->format_provider, 1));
  PF_TRY(map(b, "options", &m->format_options));
  PF_TRY(pf__buf_putc(b, '}'));
  PF_TRY(str(b, "schemaString", m->schema_string, 0));
  PF_TRY(list(b, "partitionColumns", m->partition_columns, m->n_partition_columns, 0));
  PF_TRY(map(b, "configuration", &m->configuration));
  PF_TRY(num(b, "createdTime", m->created_time, m->created_time >= 0));
  PF_TRY(pf__buf_puts(b, "},"));
  PF_TRY(pf__json_key(b, "txns", 1));
  keyed *k = sorted(st->n_txns, txn_key, st->txns);
  if (!k) return PF_ENOMEM;
  pf_status s = pf__buf_putc(b, '[');
  for (size_t i = 0; s == PF_OK && i < st->n_txns; i++) {
    const pf__delta_txn *t = &st->txns[k[i].i];
    if (i) s = pf__buf_putc(b, ',');
    if (s == PF_OK) s = pf__buf_putc(b, '{');
    if (s == PF_OK) s = str(b, "appId", t->app_id, 1);
    if (s == PF_OK) s = num(b, "version", t->version, 1);
    if (s == PF_OK) s = num(b, "lastUpdated", t->last_updated, t->last_updated >= 0);
    if (s == PF_OK) s = pf__buf_putc(b, '}');
  }
  free(k);
  PF_TRY(s);
  PF_TRY(pf__buf_putc(b, ']'));
  PF_TRY(files(b, "adds", st->adds, st->n_adds, 1));
  PF_TRY(files(b, "removes", st->removes, st->n_removes, 0));
  return pf__buf_putc(b, '}');
}

char *pf__delta_state_json_text(const pf__delta_state *st) {
  pf__buf b;
  pf__buf_init(&b, 0);
  if (pf__delta_state_json(st, &b) != PF_OK) {
    pf__buf_free(&b);
    return NULL;
  }
  return pf__buf_take(&b);
}

/* delta_state.c - lifetime of a pf__delta_state (delta_state.h): init sets
 * every field to its "absent" value, free releases every owned string and
 * array and leaves the state re-initialised. */
#include "writers/delta/delta_state.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/json_parse.h"

static void free_strv(char **v, size_t n) {
  if (!v) return;
  for (size_t i = 0; i < n; i++) free(v[i]);
  free(v);
}

void pf__delta_map_free(pf__delta_map *m) {
  free_strv(m->keys, m->n);
  free_strv(m->values, m->n);
  memset(m, 0, sizeof *m);
}

void pf__delta_file_free(pf__delta_file *f) {
  free(f->dv.path_or_inline);
  free(f->dv.unique_id);
  free(f->path);
  pf__delta_map_free(&f->partition_values);
  free(f->stats);
  pf__delta_map_free(&f->tags);
  memset(f, 0, sizeof *f);
}

void pf__delta_state_init(pf__delta_state *st) {
  memset(st, 0, sizeof *st);
  st->version = -1;
  st->metadata.created_time = -1;
}

void pf__delta_state_free(pf__delta_state *st) {
  if (!st) return;
  free_strv(st->protocol.reader_features, st->protocol.n_reader_features);
  free_strv(st->protocol.writer_features, st->protocol.n_writer_features);
  pf__delta_metadata *md = &st->metadata;
  free(md->id);
  free(md->name);
  free(md->description);
  free(md->format_provider);
  pf__delta_map_free(&md->format_options);
  free(md->schema_string);
  free_strv(md->partition_columns, md->n_partition_columns);
  pf__delta_map_free(&md->configuration);
  for (size_t i = 0; i < st->n_adds; i++) pf__delta_file_free(&st->adds[i]);
  free(st->adds);
  for (size_t i = 0; i < st->n_removes; i++) pf__delta_file_free(&st->removes[i]);
  free(st->removes);
  for (size_t i = 0; i < st->n_txns; i++) free(st->txns[i].app_id);
  free(st->txns);
  pf__delta_state_init(st);
}

pf_status pf__delta_dv_derive(pf__delta_dv *dv) {
  free(dv->unique_id);
  dv->unique_id = NULL;
  if (!dv->storage_type) return PF_OK;
  const char *p = dv->path_or_inline ? dv->path_or_inline : "";
  dv->unique_id = dv->offset >= 0 ? pf__aprintf("%c%s@%" PRId64, dv->storage_type, p, dv->offset)
                                  : pf__aprintf("%c%s", dv->storage_type, p);
  return dv->unique_id ? PF_OK : PF_ENOMEM;
}

int64_t pf__delta_stats_rows(const char *stats) {
  if (!stats) return -1;
  pf__json *j;
  int64_t n = -1;
  if (pf__json_parse(stats, strlen(stats), NULL, &j, NULL) == PF_OK) {
    if (!pf__json_int64(pf__json_get(j, "numRecords"), &n) || n < 0) n = -1;
    pf__json_free(j);
  }
  return n;
}

int64_t pf__delta_file_rows(const pf__delta_file *f) {
  int64_t n = pf__delta_stats_rows(f->stats);
  if (n < 0 || !f->dv.storage_type) return n;
  if (f->dv.cardinality < 0 || f->dv.cardinality > n) return -1;
  return n - f->dv.cardinality;
}

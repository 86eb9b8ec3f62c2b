/* delta_txn.c - committing a Delta write: the actions of the new version
 * (commitInfo, protocol and metaData when they change, remove for every
 * live file on overwrite, add for every data file written), published as
 * <version>.json exclusively (delta_commit.c).
 *
 * Losing the race for a version: an append reads the commits that won,
 * and retries on the next version unless one of them changed the table's
 * schema or protocol (then the append stops, its data files removed, and
 * says so); a create or an overwrite stops and reports the winner (its
 * remove actions would no longer name the live files). After a commit of
 * version v with v % interval == 0, a checkpoint is written; a checkpoint
 * failure is only a warning (the commit is already the table's state).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/json.h"
#include "writers/delta/delta_write.h"

#define MAX_COMMIT_ATTEMPTS 10000
#define TOMBSTONE_RETENTION_MS ((int64_t)7 * 24 * 3600 * 1000) /* delta.deletedFileRetentionDuration default */

static pf_status put_map(pf__buf *b, char *const *keys, char *const *values, size_t n) {
  PF_TRY(pf__buf_putc(b, '{'));
  for (size_t i = 0; i < n; i++) {
    PF_TRY(pf__json_key(b, keys[i], i == 0));
    PF_TRY(pf__json_cstr(b, values ? values[i] : NULL));
  }
  return pf__buf_putc(b, '}');
}

static pf_status put_strv(pf__buf *b, char *const *v, size_t n) {
  PF_TRY(pf__buf_putc(b, '['));
  for (size_t i = 0; i < n; i++) {
    if (i) PF_TRY(pf__buf_putc(b, ','));
    PF_TRY(pf__json_cstr(b, v[i]));
  }
  return pf__buf_putc(b, ']');
}


static const char *mode_name(const delta_w *w) {
  return w->mode == PF_TABLE_OVERWRITE ? "Overwrite" : w->mode == PF_TABLE_APPEND ? "Append" : "ErrorIfExists";
}

/* The whole commit text for version v. */
static pf_status build(delta_w *w, int64_t v, int64_t now, pf__buf *b) {
  int64_t bytes = 0, rows = 0;
  for (size_t i = 0; i < w->n_done; i++) {
    bytes += w->done[i].size;
    rows += w->done[i].rows;
  }
  int overwrite = w->exists && w->mode == PF_TABLE_OVERWRITE;
  /* commitInfo */
  pf__buf pb;
  pf__buf_init(&pb, 0);
  pf_status st = put_strv(&pb, w->part_cols, w->n_part);
  if (st == PF_OK) st = pf__buf_putc(&pb, 0);
  if (st != PF_OK) {
    pf__buf_free(&pb);
    return st;
  }
  char txn[37];
  pf__delta_uuid(txn);
  st = pf__buf_printf(b,
                      "{\"commitInfo\":{\"timestamp\":%lld,\"operation\":\"%s\","
                      "\"operationParameters\":{\"mode\":\"%s\",\"partitionBy\":",
                      (long long)now, v == 0 ? "CREATE TABLE" : "WRITE", mode_name(w));
  if (st == PF_OK) st = pf__json_cstr(b, (const char *)pb.data);
  pf__buf_free(&pb);
  /* one table fed by several inputs (delta_multi.c): how many */
  if (st == PF_OK && w->input_files > 0)
    st = pf__buf_printf(b, ",\"inputFiles\":\"%lld\"", (long long)w->input_files);
  if (st == PF_OK && v > 0) st = pf__buf_printf(b, "},\"readVersion\":%lld", (long long)v - 1);
  else if (st == PF_OK) st = pf__buf_puts(b, "}");
  if (st == PF_OK)
    st = pf__buf_printf(b, ",\"isolationLevel\":\"Serializable\",\"isBlindAppend\":%s,\"operationMetrics\":{"
                        "\"numFiles\":\"%zu\",\"numOutputRows\":\"%lld\",\"numOutputBytes\":\"%lld\"",
                        w->mode == PF_TABLE_APPEND || !w->exists ? "true" : "false", w->n_done, (long long)rows,
                        (long long)bytes);
  if (st == PF_OK && overwrite) st = pf__buf_printf(b, ",\"numRemovedFiles\":\"%zu\"", w->st.n_adds);
  if (st == PF_OK)
    st = pf__buf_printf(b, "},\"engineInfo\":\"pyforge/%s\",\"txnId\":\"%s\"}}\n", pf_version(), txn);
  /* protocol */
  if (st == PF_OK && w->write_protocol) {
    st = pf__buf_printf(b, "{\"protocol\":{\"minReaderVersion\":%d,\"minWriterVersion\":%d",
                        (int)w->proto.min_reader_version, (int)w->proto.min_writer_version);
    if (st == PF_OK && w->proto.min_reader_version >= 3) {
      st = pf__buf_puts(b, ",\"readerFeatures\":");
      if (st == PF_OK) st = put_strv(b, w->proto.reader_features, w->proto.n_reader_features);
    }
    if (st == PF_OK && w->proto.min_writer_version >= 7) {
      st = pf__buf_puts(b, ",\"writerFeatures\":");
      if (st == PF_OK) st = put_strv(b, w->proto.writer_features, w->proto.n_writer_features);
    }
    if (st == PF_OK) st = pf__buf_puts(b, "}}\n");
  }
  /* metaData */
  if (st == PF_OK && w->write_metadata) {
    const pf__delta_metadata *md = &w->st.metadata;
    char id[37];
    pf__delta_uuid(id);
    st = pf__buf_puts(b, "{\"metaData\":{\"id\":");
    if (st == PF_OK) st = pf__json_cstr(b, w->exists && md->id ? md->id : id);
    if (st == PF_OK && w->exists && md->name) {
      st = pf__buf_puts(b, ",\"name\":");
      if (st == PF_OK) st = pf__json_cstr(b, md->name);
    }
    if (st == PF_OK && w->exists && md->description) {
      st = pf__buf_puts(b, ",\"description\":");
      if (st == PF_OK) st = pf__json_cstr(b, md->description);
    }
    if (st == PF_OK) st = pf__buf_puts(b, ",\"format\":{\"provider\":\"parquet\",\"options\":");
    if (st == PF_OK)
      st = w->exists ? put_map(b, md->format_options.keys, md->format_options.values, md->format_options.n)
                     : pf__buf_puts(b, "{}");
    if (st == PF_OK) st = pf__buf_puts(b, "},\"schemaString\":");
    if (st == PF_OK) st = pf__json_cstr(b, w->schema_json);
    if (st == PF_OK) st = pf__buf_puts(b, ",\"partitionColumns\":");
    if (st == PF_OK) st = put_strv(b, w->part_cols, w->n_part);
    if (st == PF_OK) st = pf__buf_puts(b, ",\"configuration\":");
    if (st == PF_OK)
      st = w->exists ? put_map(b, md->configuration.keys, md->configuration.values, md->configuration.n)
                     : pf__buf_puts(b, "{}");
    if (st == PF_OK)
      st = pf__buf_printf(b, ",\"createdTime\":%lld}}\n",
                          (long long)(w->exists && md->created_time >= 0 ? md->created_time : now));
  }
  /* remove (overwrite) */
  for (size_t i = 0; overwrite && st == PF_OK && i < w->st.n_adds; i++) {
    const pf__delta_file *f = &w->st.adds[i];
    st = pf__buf_puts(b, "{\"remove\":{\"path\":");
    if (st == PF_OK) st = pf__json_cstr(b, f->path);
    if (st == PF_OK)
      st = pf__buf_printf(b, ",\"deletionTimestamp\":%lld,\"dataChange\":true,\"extendedFileMetadata\":true,"
                          "\"partitionValues\":", (long long)now);
    if (st == PF_OK) st = put_map(b, f->partition_values.keys, f->partition_values.values, f->partition_values.n);
    if (st == PF_OK && f->size >= 0) st = pf__buf_printf(b, ",\"size\":%lld", (long long)f->size);
    if (st == PF_OK && f->stats) {
      st = pf__buf_puts(b, ",\"stats\":");
      if (st == PF_OK) st = pf__json_cstr(b, f->stats);
    }
    if (st == PF_OK) st = pf__buf_puts(b, "}}\n");
  }
  /* add */
  pf__buf pe;
  pf__buf_init(&pe, 0);
  for (size_t i = 0; st == PF_OK && i < w->n_done; i++) {
    const dw_done *d = &w->done[i];
    pe.len = 0;
    st = pf__delta_uri_encode(&pe, d->rel, strlen(d->rel));
    if (st == PF_OK) st = pf__buf_puts(b, "{\"add\":{\"path\":");
    if (st == PF_OK) st = pf__json_str(b, (const char *)pe.data, pe.len);
    if (st == PF_OK) st = pf__buf_puts(b, ",\"partitionValues\":");
    if (st == PF_OK) st = put_map(b, w->part_cols, d->values, w->n_part);
    if (st == PF_OK)
      st = pf__buf_printf(b, ",\"size\":%lld,\"modificationTime\":%lld,\"dataChange\":true,\"stats\":",
                          (long long)d->size, (long long)d->mtime);
    if (st == PF_OK) st = pf__json_cstr(b, d->stats);
    if (st == PF_OK) st = pf__buf_puts(b, "}}\n");
  }
  pf__buf_free(&pe);
  return st;
}

static void maybe_checkpoint(delta_w *w, int64_t v) {
  int interval = w->opts->delta.checkpoint_interval;
  if (interval <= 0) {
    interval = 10;
    for (size_t i = 0; i < w->st.metadata.configuration.n; i++)
      if (!strcmp(w->st.metadata.configuration.keys[i], "delta.checkpointInterval") &&
          w->st.metadata.configuration.values[i] && atoi(w->st.metadata.configuration.values[i]) > 0)
        interval = atoi(w->st.metadata.configuration.values[i]);
  }
  if (v <= 0 || v % interval != 0) return;
  /* expired tombstones are not carried into the checkpoint */
  int64_t cutoff = pf__delta_now_ms() - TOMBSTONE_RETENTION_MS;
  size_t k = 0;
  for (size_t i = 0; i < w->st.n_removes; i++) {
    pf__delta_file *f = &w->st.removes[i];
    if (f->deletion_timestamp >= 0 && f->deletion_timestamp < cutoff) {
      pf__delta_file_free(f);
      continue;
    }
    w->st.removes[k++] = *f;
  }
  w->st.n_removes = k;
  pf_error cerr;
  pf_error_init(&cerr);
  uint64_t size = 0;
  pf_status st = pf__delta_checkpoint_write(w->dir, &w->st, w->opts, &size, &cerr);
  if (st != PF_OK)
    pf__log_msg(w->log, PF_LOG_WARN, "delta: version %lld is committed, but its checkpoint could not be written "
                "(%s); readers replay the JSON commits instead", (long long)v, cerr.message);
  else
    pf__log_msg(w->log, PF_LOG_INFO, "delta: checkpoint at version %lld (%llu bytes)", (long long)v,
                (unsigned long long)size);
}

pf_status pf__dw_commit(delta_w *w, int64_t *version, pf_error *err) {
  /* Test hook (docs/delta.md): PYFORGE_DELTA_TEST_PAUSE=<ms> waits that long
   * with every data file written and nothing committed, so a test can kill
   * the writer there. */
  if (w->opts->settings.delta_test_pause_ms > 0) {
    long ms = w->opts->settings.delta_test_pause_ms;
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0) {
    }
  }
  pf__buf b;
  pf__buf_init(&b, 0);
  pf_status st = PF_OK;
  int64_t v = -1;
  for (int attempt = 0;; attempt++) {
    v = w->st.version + 1;
    b.len = 0;
    int64_t now = pf__delta_now_ms();
    if ((st = build(w, v, now, &b)) != PF_OK) {
      st = pf__error_set(err, PF_ENOMEM, "out of memory building the commit");
      break;
    }
    if (!w->exists || v == 0) {
      if ((st = pf__delta_mkdirs(w->dir, "_delta_log", NULL, err)) != PF_OK) break;
    }
    st = pf__delta_commit_file(w->dir, v, (const char *)b.data, b.len, w->opts->settings.delta_commit_excl, err);
    if (st != PF_EEXIST) break;
    /* another writer committed version v first */
    if (!w->exists || w->mode == PF_TABLE_OVERWRITE) {
      pf__error_file(err, w->dir);
      st = pf__error_set(err, PF_EEXIST,
                         "another writer committed version %lld of the Delta table %s first; this %s was not "
                         "committed (its data files were removed): run it again against the new version",
                         (long long)v, w->dir, w->exists ? "overwrite" : "table creation");
      break;
    }
    int changed = 0;
    int64_t n = 0;
    if ((st = pf__delta_log_update(w->dir, &w->st, &changed, &n, err)) != PF_OK) break;
    if (changed & 1) {
      pf__error_file(err, w->dir);
      st = pf__error_set(err, PF_EEXIST,
                         "another writer changed the schema, partitioning or protocol of the Delta table %s (by "
                         "version %lld) while this append ran; nothing was committed: run it again",
                         w->dir, (long long)w->st.version);
      break;
    }
    if (changed & 2)
      pf__log_msg(w->log, PF_LOG_WARN, "delta: another writer removed files from %s (overwrite or delete) before "
                  "this append committed; the appended rows come after it (version %lld)", w->dir,
                  (long long)w->st.version + 1);
    if (attempt + 1 >= MAX_COMMIT_ATTEMPTS) {
      st = pf__error_set(err, PF_EEXIST, "gave up committing to %s after %d attempts lost to other writers", w->dir,
                         MAX_COMMIT_ATTEMPTS);
      break;
    }
    pf__log_msg(w->log, PF_LOG_INFO, "delta: version %lld was taken by another writer; retrying as %lld",
                (long long)v, (long long)w->st.version + 1);
  }
  if (st == PF_OK) {
    *version = v;
    /* our state after the commit, for the checkpoint */
    pf_error aerr;
    pf_error_init(&aerr);
    if (pf__delta_log_apply(&w->st, (const char *)b.data, b.len, "our commit", NULL, &aerr) == PF_OK) {
      w->st.version = v;
      maybe_checkpoint(w, v);
    }
  }
  pf__buf_free(&b);
  return st;
}

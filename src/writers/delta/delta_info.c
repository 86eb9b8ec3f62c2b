/* delta_info.c - `pyforge info TABLE_DIR` for a Delta table (ours, Spark's
 * or delta-rs's): the state at the latest version (rows from the files'
 * numRecords, size from their sizes, schema from schemaString, protocol,
 * partitioning, table id, creation time) and the history: one section per
 * version for the last PF__DELTA_INFO_HISTORY versions whose JSON commits
 * are still in the log (timestamp, operation, files and rows added and
 * removed, as far as the commit says).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "writers/delta/delta_internal.h"
#include "writers/delta/delta_writer.h"

#define PF__DELTA_INFO_HISTORY 50

/* The rows an add or remove action (JSON) makes live or takes away:
 * numRecords minus the deletion vector's cardinality; -1 when unknown. */
static int64_t action_rows(const pf__json *a) {
  int64_t n = pf__delta_stats_rows(pf__json_string(pf__json_get(a, "stats")));
  const pf__json *dv = pf__json_get(a, "deletionVector");
  if (n < 0 || !dv || dv->kind != PF__JSON_OBJECT) return n;
  int64_t card;
  if (!pf__json_int64(pf__json_get(dv, "cardinality"), &card) || card < 0 || card > n) return -1;
  return n - card;
}

static void fmt_ms(int64_t ms, char *out, size_t n) {
  if (ms < 0 || !pf__delta_fmt_ts(ms * 1000, ' ', 3, out, n - 4)) {
    snprintf(out, n, "%lld", (long long)ms);
    return;
  }
  strcat(out, " UTC");
}

/* One version's history section from its commit file. */
static pf_status history_section(const char *dir, int64_t v, pf_info *info, pf_error *err) {
  char *path = pf__delta_log_path(dir, v, ".json");
  if (!path) return pf__error_set(err, PF_ENOMEM, "out of memory");
  char *text;
  size_t n;
  pf_status st = pf__delta_read_file(path, (size_t)1 << 30, &text, &n, err);
  free(path);
  if (st == PF_ENOTFOUND) return PF_OK; /* cleaned up by log retention */
  if (st != PF_OK) return st;
  int64_t ts = -1, files_added = 0, files_removed = 0, rows_added = 0, rows_removed = 0;
  int rows_added_known = 1, rows_removed_known = 1, meta = 0;
  char op[128] = "", mode[64] = "", engine[128] = "";
  size_t pos = 0;
  while (pos < n) {
    const char *nl = memchr(text + pos, '\n', n - pos);
    size_t end = nl ? (size_t)(nl - text) : n;
    size_t s = pos;
    pos = end + 1;
    if (end == s) continue;
    pf__json *j;
    if (pf__json_parse(text + s, end - s, NULL, &j, NULL) != PF_OK) continue;
    const pf__json *a;
    if ((a = pf__json_get(j, "commitInfo")) != NULL) {
      int64_t t;
      if (pf__json_int64(pf__json_get(a, "timestamp"), &t)) ts = t;
      const char *o = pf__json_string(pf__json_get(a, "operation"));
      if (o) snprintf(op, sizeof op, "%s", o);
      const char *m = pf__json_string(pf__json_get(pf__json_get(a, "operationParameters"), "mode"));
      if (m) snprintf(mode, sizeof mode, "%s", m);
      const char *e = pf__json_string(pf__json_get(a, "engineInfo"));
      if (e) snprintf(engine, sizeof engine, "%s", e);
    } else if ((a = pf__json_get(j, "add")) != NULL) {
      files_added++;
      int64_t r = action_rows(a);
      if (r < 0) rows_added_known = 0;
      else rows_added += r;
    } else if ((a = pf__json_get(j, "remove")) != NULL) {
      files_removed++;
      int64_t r = action_rows(a);
      if (r < 0) rows_removed_known = 0;
      else rows_removed += r;
    } else if (pf__json_get(j, "metaData")) {
      meta = 1;
    }
    pf__json_free(j);
  }
  free(text);
  char name[32];
  snprintf(name, sizeof name, "%lld", (long long)v);
  pf_info_section *sec = pf__info_section(info, "version", name);
  if (!sec) return pf__error_set(err, PF_ENOMEM, "out of memory");
  char tbuf[64];
  fmt_ms(ts, tbuf, sizeof tbuf);
  st = PF_OK;
  if (ts >= 0) st = pf__section_prop(sec, "timestamp", "%s", tbuf);
  if (st == PF_OK && op[0]) st = pf__section_prop(sec, "operation", "%s", op);
  if (st == PF_OK && mode[0]) st = pf__section_prop(sec, "mode", "%s", mode);
  if (st == PF_OK) st = pf__section_prop(sec, "files_added", "%lld", (long long)files_added);
  if (st == PF_OK) st = pf__section_prop(sec, "files_removed", "%lld", (long long)files_removed);
  if (st == PF_OK)
    st = rows_added_known ? pf__section_prop(sec, "rows_added", "%lld", (long long)rows_added)
                          : pf__section_prop(sec, "rows_added", "unknown (files without stats)");
  if (st == PF_OK && files_removed)
    st = rows_removed_known ? pf__section_prop(sec, "rows_removed", "%lld", (long long)rows_removed)
                            : pf__section_prop(sec, "rows_removed", "unknown (remove actions without stats)");
  if (st == PF_OK && meta) st = pf__section_prop(sec, "schema_changed", "yes (metaData)");
  if (st == PF_OK && engine[0]) st = pf__section_prop(sec, "engine", "%s", engine);
  if (st != PF_OK) return pf__error_set(err, PF_ENOMEM, "out of memory");
  return PF_OK;
}

pf_status pf__delta_table_info(const char *dir, const pf__opts *opts, pf_info *info, pf_error *err) {
  pf__log log = {opts ? opts->log : NULL, opts ? opts->log_user : NULL, opts ? opts->log_level : PF_LOG_WARN};
  pf__delta_state st;
  pf_status s = pf__delta_log_read(dir, &st, &log, err);
  if (s != PF_OK) return s;
  if (st.version < 0) {
    pf__delta_state_free(&st);
    pf__error_file(err, dir);
    return pf__error_set(err, PF_EFORMAT, "%s has a _delta_log directory without any commit: not a Delta table yet",
                         dir);
  }
  pf__delta_schema ds;
  s = pf__delta_schema_parse(st.metadata.schema_string, &ds, err);
  if (s != PF_OK) {
    pf__delta_state_free(&st);
    return s;
  }
  pf_schema *ps = NULL;
  s = pf__delta_schema_to_pf(&ds, &ps, err);
  pf__delta_schema_free(&ds);
  if (s != PF_OK) {
    pf__delta_state_free(&st);
    return s;
  }
  int64_t rows = 0, deleted = 0, with_dv = 0;
  uint64_t size = 0;
  int rows_known = 1;
  for (size_t i = 0; i < st.n_adds; i++) {
    const pf__delta_file *f = &st.adds[i];
    int64_t r = pf__delta_file_rows(f);
    if (r < 0) rows_known = 0;
    else rows += r;
    if (f->dv.storage_type) {
      with_dv++;
      if (f->dv.cardinality > 0) deleted += f->dv.cardinality;
    }
    if (f->size > 0) size += (uint64_t)f->size;
  }
  if (!info->format) info->format = pf__strdup("delta");
  if (!info->path) info->path = pf__strdup(dir);
  pf_schema_free(info->schema);
  info->schema = ps;
  info->rows = rows_known ? rows : -1;
  info->size_bytes = size;
  pf__buf pc;
  pf__buf_init(&pc, 0);
  for (size_t i = 0; i < st.metadata.n_partition_columns; i++)
    pf__buf_printf(&pc, "%s%s", i ? ", " : "", st.metadata.partition_columns[i]);
  pf__buf pr;
  pf__buf_init(&pr, 0);
  pf__buf_printf(&pr, "reader %d, writer %d", (int)st.protocol.min_reader_version, (int)st.protocol.min_writer_version);
  for (size_t i = 0; i < st.protocol.n_reader_features; i++)
    pf__buf_printf(&pr, "%s%s", i ? ", " : "; reader features: ", st.protocol.reader_features[i]);
  for (size_t i = 0; i < st.protocol.n_writer_features; i++)
    pf__buf_printf(&pr, "%s%s", i ? ", " : "; writer features: ", st.protocol.writer_features[i]);
  char created[64];
  fmt_ms(st.metadata.created_time, created, sizeof created);
  s = pf__info_prop(info, "version", "%lld", (long long)st.version);
  if (s == PF_OK) s = pf__info_prop(info, "files", "%zu", st.n_adds);
  if (s == PF_OK) s = pf__info_prop(info, "partition_columns", "%s", pc.len ? (const char *)pc.data : "(none)");
  if (s == PF_OK) s = pf__info_prop(info, "protocol", "%s", pr.data ? (const char *)pr.data : "");
  if (s == PF_OK) s = pf__info_prop(info, "table_id", "%s", st.metadata.id ? st.metadata.id : "");
  if (s == PF_OK && st.metadata.name) s = pf__info_prop(info, "name", "%s", st.metadata.name);
  if (s == PF_OK && st.metadata.created_time >= 0) s = pf__info_prop(info, "created", "%s", created);
  if (s == PF_OK && !rows_known)
    s = pf__info_prop(info, "rows_note", "rows unknown: some files carry no statistics (numRecords)%s",
                      with_dv ? " or a deletion vector larger than the file" : "");
  if (s == PF_OK && with_dv)
    s = pf__info_prop(info, "deletion_vectors", "%lld file%s, %lld row%s deleted (not counted in rows)",
                      (long long)with_dv, with_dv > 1 ? "s" : "", (long long)deleted, deleted == 1 ? "" : "s");
  for (size_t i = 0; s == PF_OK && i < st.metadata.configuration.n; i++)
    s = pf__info_prop(info, "configuration", "%s=%s", st.metadata.configuration.keys[i],
                      st.metadata.configuration.values[i] ? st.metadata.configuration.values[i] : "null");
  int64_t first = st.version - PF__DELTA_INFO_HISTORY + 1;
  if (first < 0) first = 0;
  if (s == PF_OK)
    s = pf__info_prop(info, "history", "versions %lld..%lld (at most the last %d, newest last)", (long long)first,
                      (long long)st.version, PF__DELTA_INFO_HISTORY);
  pf__buf_free(&pc);
  pf__buf_free(&pr);
  if (s != PF_OK) s = pf__error_set(err, PF_ENOMEM, "out of memory");
  for (int64_t v = first; s == PF_OK && v <= st.version; v++) s = history_section(dir, v, info, err);
  pf__delta_state_free(&st);
  return s;
}

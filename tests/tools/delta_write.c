/* delta_write.c - drives the CSV reader into the Delta table writer, the way
 * the engine does (open -> write* -> close -> commit, abort and start again
 * on a widening restart), and prints `pyforge info`-like facts of a table.
 * A developer tool for the writer without the engine and CLI (the tests
 * use the CLI); DELTA_WRITE_DEBUG=1 shows the library's log.
 *
 *   delta_write [--mode error|append|overwrite] [--partition-by a,b]
 *               [--merge-schema] [--timestamp-ntz] [--checkpoint-interval N]
 *               [--force] [--all-strings] input.csv TABLE_DIR
 *   delta_write --info TABLE_DIR
 * Prints "version N" on success; errors go to stderr with exit status 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/format_api.h"
#include "engine/engine.h"
#include "readers/csv/csv_reader.h"
#include "writers/delta/delta_writer.h"

static void logfn(void *user, pf_log_level level, const char *msg) {
  (void)user;
  fprintf(stderr, "[%d] %s\n", (int)level, msg);
}

static int fail(const char *what, pf_status s, const pf_error *err) {
  char buf[2048];
  pf_error_format(err, buf, sizeof buf);
  fprintf(stderr, "%s: %s: %s\n", what, pf_status_name(s), buf);
  return 1;
}

static int info_cmd(const char *dir, const pf__opts *o) {
  pf_info info;
  memset(&info, 0, sizeof info);
  pf_error err;
  pf_error_init(&err);
  pf_status s = pf__delta_table_info(dir, o, &info, &err);
  if (s != PF_OK) return fail("info", s, &err);
  printf("format %s\nrows %lld\nsize %llu\n", info.format, (long long)info.rows,
         (unsigned long long)info.size_bytes);
  for (size_t i = 0; i < info.schema->n_fields; i++)
    printf("column %s %s%s%s\n", info.schema->fields[i].name, pf_type_name(info.schema->fields[i].type),
           info.schema->fields[i].note ? " # " : "", info.schema->fields[i].note ? info.schema->fields[i].note : "");
  for (size_t i = 0; i < info.n_props; i++) printf("prop %s: %s\n", info.props[i].key, info.props[i].value);
  for (size_t i = 0; i < info.n_sections; i++) {
    printf("section %s %s\n", info.sections[i].kind, info.sections[i].name);
    for (size_t k = 0; k < info.sections[i].n_props; k++)
      printf("  %s: %s\n", info.sections[i].props[k].key, info.sections[i].props[k].value);
  }
  pf_info_free(&info);
  return 0;
}

int main(int argc, char **argv) {
  pf__opts o;
  pf__opts_init(&o);
  pf__settings_from_env(&o.settings); /* a program: the knobs from the environment */
  o.log = logfn;
  o.log_level = getenv("DELTA_WRITE_DEBUG") ? PF_LOG_DEBUG : PF_LOG_WARN;
  const char *in = NULL, *dir = NULL;
  int info = 0;
  static const char *parts[16];
  char *pb = NULL;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "--mode") && i + 1 < argc) {
      const char *m = argv[++i];
      o.delta.mode = !strcmp(m, "append") ? PF_TABLE_APPEND : !strcmp(m, "overwrite") ? PF_TABLE_OVERWRITE : PF_TABLE_ERROR;
    } else if (!strcmp(a, "--partition-by") && i + 1 < argc) {
      pb = strdup(argv[++i]);
      for (char *t = strtok(pb, ","); t && o.delta.n_partition_by < 16; t = strtok(NULL, ","))
        parts[o.delta.n_partition_by++] = t;
      o.delta.partition_by = parts;
    } else if (!strcmp(a, "--merge-schema")) o.delta.merge_schema = 1;
    else if (!strcmp(a, "--timestamp-ntz")) o.delta.timestamp_ntz = 1;
    else if (!strcmp(a, "--checkpoint-interval") && i + 1 < argc) o.delta.checkpoint_interval = atoi(argv[++i]);
    else if (!strcmp(a, "--force")) o.force = 1;
    else if (!strcmp(a, "--all-strings")) o.all_strings = 1;
    else if (!strcmp(a, "--info")) info = 1;
    else if (!in) in = a;
    else dir = a;
  }
  if (info && in) return info_cmd(in, &o);
  if (!in || !dir) {
    fprintf(stderr, "usage: delta_write [options] input.csv TABLE_DIR | --info TABLE_DIR\n");
    return 2;
  }
  o.input = in;
  o.output = dir;
  o.output_format = "delta";
  pf__pool *pool;
  if (pf__pool_create(0, &pool) != PF_OK) return 1;
  pf__log log = {o.log, NULL, o.log_level};
  pf__reader_env renv = {0};
  renv.path = in;
  renv.opts = &o;
  renv.pool = pool;
  renv.log = &log;
  pf_error err;
  pf_error_init(&err);
  void *rs;
  pf_status s = pf__csv_reader_ops.open(&renv, &rs, &err);
  if (s != PF_OK) { pf__pool_free(pool); return fail("open input", s, &err); }
  void *ws = NULL;
  for (;;) {
    pf__writer_env wenv = {NULL, dir, pf__csv_reader_ops.schema(rs), &o, pool, &log};
    s = pf__delta_writer_ops.open(&wenv, &ws, &err);
    if (s != PF_OK) { pf__csv_reader_ops.close(rs); pf__pool_free(pool); return fail("open table", s, &err); }
    pf_batch *b;
    for (;;) {
      s = pf__csv_reader_ops.next(rs, &b, &err);
      if (s != PF_OK || !b) break;
      s = pf__delta_writer_ops.write(ws, b, &err);
      if (s != PF_OK) break;
    }
    if (s == PF_ERESTART) {
      pf__delta_writer_ops.abort(ws);
      pf_error_init(&err);
      if ((s = pf__csv_reader_ops.rewind(rs, &err)) != PF_OK) { pf__csv_reader_ops.close(rs); pf__pool_free(pool); return fail("rewind", s, &err); }
      continue;
    }
    if (s != PF_OK) {
      pf__delta_writer_ops.abort(ws);
      pf__csv_reader_ops.close(rs);
      pf__pool_free(pool);
      return fail("write", s, &err);
    }
    break;
  }
  s = pf__delta_writer_ops.close(ws, &err);
  if (s != PF_OK) {
    pf__delta_writer_ops.abort(ws);
    pf__csv_reader_ops.close(rs);
    pf__pool_free(pool);
    return fail("close", s, &err);
  }
  pf__commit_info ci = {-1, 0, 0};
  s = pf__delta_writer_ops.commit(ws, &ci, &err);
  pf__csv_reader_ops.close(rs);
  pf__pool_free(pool);
  free(pb);
  if (s != PF_OK) return fail("commit", s, &err);
  printf("version %lld\n", (long long)ci.version);
  return 0;
}

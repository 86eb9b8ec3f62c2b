/* convert.c - the conversion pipeline: open a reader, open a writer on an
 * atomic output, move batches from one to the other, restart when the
 * reader widens a column after batches were written, then commit the output
 * (and the rejects file) or discard everything.
 *
 * Parallelism lives inside the stages (the reader parses a block across the
 * pool, the writer encodes columns across the pool); this file is the one
 * sequential loop that connects them, checks the cancel flag between
 * batches and reports progress.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "core/buf.h"
#include "engine/engine.h"
#include "engine/registry.h"
#include "engine/rejects.h"
#include "io/output.h"

double pf__now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int pf__canceled(const pf_convert_options *opts) {
  return opts->cancel && *opts->cancel;
}

pf_status pf__session_open(pf__session *s, const pf_convert_options *opts,
                           pf_error *err) {
  memset(s, 0, sizeof *s);
  s->log.fn = opts->log;
  s->log.user = opts->log_user;
  s->log.level = opts->log_level;
  if (!opts->input || !*opts->input)
    return pf__error_set(err, PF_EINVAL, "no input given");
  PF_TRY(pf__registry_reader(opts->input, opts->input_format, &s->rops, err));
  pf_status st = pf__pool_create(opts->threads, &s->pool);
  if (st != PF_OK) return pf__error_set(err, st, "cannot start %d threads", opts->threads);
  s->renv.path = opts->input;
  s->renv.opts = opts;
  s->renv.pool = s->pool;
  s->renv.log = &s->log;
  return PF_OK;
}

pf_status pf__session_open_reader(pf__session *s, pf_error *err) {
  pf_status st = s->rops->open(&s->renv, &s->reader, err);
  if (st != PF_OK) {
    s->reader = NULL;
    if (err && !err->file[0]) pf__error_file(err, s->renv.path);
  }
  return st;
}

void pf__session_close(pf__session *s) {
  if (s->reader) s->rops->close(s->reader);
  pf__pool_free(s->pool);
  memset(s, 0, sizeof *s);
}

static pf_status add_warning(pf_convert_result *r, const char *fmt, ...)
    PF__PRINTF(2, 3);
static pf_status add_warning(pf_convert_result *r, const char *fmt, ...) {
  pf__buf b;
  pf__buf_init(&b, 0);
  va_list ap;
  va_start(ap, fmt);
  pf_status st = pf__buf_vprintf(&b, fmt, ap);
  va_end(ap);
  char **w = st == PF_OK ? realloc(r->warnings, (r->n_warnings + 1) * sizeof *w) : NULL;
  if (!w) {
    pf__buf_free(&b);
    return PF_ENOMEM;
  }
  r->warnings = w;
  w[r->n_warnings++] = pf__buf_take(&b);
  return PF_OK;
}

static int same_file(const char *a, const char *b) {
  struct stat sa, sb;
  if (strcmp(a, b) == 0) return 1;
  if (stat(a, &sa) != 0 || stat(b, &sb) != 0) return 0;
  return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* One pass: output + writer opened, every batch moved. On success the
 * writer is closed (file complete) and *out holds the uncommitted output. */
static pf_status run_pass(pf__session *s, const pf_convert_options *opts,
                          const pf__writer_ops *wops, const char *target,
                          pf__output **out, int64_t *rows, pf_error *err) {
  *rows = 0;
  pf_status st = pf__output_open(target, opts->force, out, err);
  if (st != PF_OK) return st;
  pf__writer_env wenv = {*out, target, s->rops->schema(s->reader), opts, s->pool, &s->log};
  void *writer = NULL;
  st = wops->open(&wenv, &writer, err);
  if (st != PF_OK) {
    writer = NULL;
    goto fail;
  }
  for (;;) {
    if (pf__canceled(opts)) {
      st = pf__error_set(err, PF_ECANCELED, "conversion canceled; no output was written");
      goto fail;
    }
    pf_batch *batch = NULL;
    st = s->rops->next(s->reader, &batch, err);
    if (st != PF_OK) goto fail;
    if (!batch) break;
    st = wops->write(writer, batch, err);
    if (st != PF_OK) goto fail;
    *rows += (int64_t)batch->n_rows;
    if (opts->progress) {
      pf__reader_stats rs = {0};
      if (s->rops->stats) s->rops->stats(s->reader, &rs);
      opts->progress(opts->progress_user, rs.progress_done, rs.bytes_total, "bytes");
    }
  }
  st = wops->close(writer, err);
  writer = NULL;
  if (st != PF_OK) goto fail;
  return PF_OK;
fail:
  if (writer) wops->abort(writer);
  pf__output_abort(*out);
  *out = NULL;
  return st;
}

static char *rejects_path_for(const pf_convert_options *opts, const char *target) {
  if (opts->rejects_path && *opts->rejects_path) return pf__strdup(opts->rejects_path);
  return pf__aprintf("%s.rejects.csv", target);
}

pf_status pf_convert(const pf_convert_options *opts, pf_convert_result *result,
                     pf_error *err) {
  pf_error local;
  if (!err) err = &local;
  pf_error_init(err);
  if (!result || !opts) return pf__error_set(err, PF_EINVAL, "pf_convert needs options and a result");
  memset(result, 0, sizeof *result);
  double t0 = pf__now();

  char target[4096];
  PF_TRY(pf_default_output(opts, target, sizeof target, err));
  if (strcmp(opts->input, "-") != 0 && same_file(opts->input, target))
    return pf__error_set(err, PF_EINVAL, "the output %s would overwrite the input; choose another output path", target);
  const pf__writer_ops *wops;
  PF_TRY(pf__registry_writer(target, opts->output_format, &wops, err));

  pf__session s;
  pf_status st = pf__session_open(&s, opts, err);
  if (st != PF_OK) {
    pf__session_close(&s);
    return st;
  }
  pf__rejects rejects;
  char *rpath = rejects_path_for(opts, target);
  st = rpath ? pf__rejects_init(&rejects, rpath, opts->force) : PF_ENOMEM;
  free(rpath);
  if (st != PF_OK) {
    pf__session_close(&s);
    return st;
  }
  s.renv.reject = pf__rejects_add;
  s.renv.reject_user = &rejects;
  st = pf__session_open_reader(&s, err);

  pf__output *out = NULL;
  int64_t rows = 0;
  while (st == PF_OK) {
    st = run_pass(&s, opts, wops, target, &out, &rows, err);
    if (st != PF_ERESTART) break;
    /* A column widened after row groups were written: start again with
     * the wider schema; nothing written so far is kept. */
    result->restarts++;
    pf__log_msg(&s.log, PF_LOG_INFO, "restarting the conversion with a widened schema (restart %d)",
                result->restarts);
    pf__rejects_reset(&rejects);
    pf_error_init(err);
    st = s.rops->rewind(s.reader, err);
    if (st == PF_OK && result->restarts > 64)
      st = pf__error_set(err, PF_EINTERNAL, "too many restarts while widening column types");
  }
  if (st == PF_OK) st = pf__rejects_commit(&rejects, err);
  if (st == PF_OK) {
    st = pf__output_commit(out, err);
    out = NULL;
    if (st != PF_OK && rejects.count > 0 && rejects.path) remove(rejects.path);
  }
  pf__output_abort(out);

  if (st == PF_OK) {
    const pf_schema *schema = s.rops->schema(s.reader);
    pf__reader_stats rs = {0};
    if (s.rops->stats) s.rops->stats(s.reader, &rs);
    struct stat sb;
    result->input_format = pf__strdup(s.rops->name);
    result->output_format = pf__strdup(wops->name);
    result->output_path = pf__strdup(target);
    result->rows = rows;
    result->rows_rejected = rejects.count;
    result->columns = (int64_t)schema->n_fields;
    result->bytes_in = rs.bytes_read;
    result->bytes_out = stat(target, &sb) == 0 ? (uint64_t)sb.st_size : 0;
    result->threads = pf__pool_size(s.pool);
    result->schema = pf__schema_copy(schema);
    if (rejects.count > 0) {
      result->rejects_path = pf__strdup(rejects.path);
      add_warning(result, "%lld row%s left out and written with line numbers and reasons to %s",
                  (long long)rejects.count, rejects.count == 1 ? "" : "s", rejects.path);
    }
    for (size_t i = 0; i < schema->n_fields; i++)
      if (schema->fields[i].note)
        add_warning(result, "column '%s': %s", schema->fields[i].name, schema->fields[i].note);
    if (!result->input_format || !result->output_format || !result->output_path || !result->schema)
      st = pf__error_set(err, PF_ENOMEM, "out of memory");
  }
  pf__rejects_free(&rejects);
  pf__session_close(&s);
  result->seconds = pf__now() - t0;
  if (st != PF_OK) {
    pf_convert_result_free(result);
    if (!err->file[0] && st >= 200 && st < 300) pf__error_file(err, target);
  }
  err->status = st;
  return st;
}

void pf_convert_result_free(pf_convert_result *r) {
  if (!r) return;
  free(r->input_format);
  free(r->output_format);
  free(r->output_path);
  free(r->rejects_path);
  pf_schema_free(r->schema);
  for (size_t i = 0; i < r->n_warnings; i++) free(r->warnings[i]);
  free(r->warnings);
  memset(r, 0, sizeof *r);
}

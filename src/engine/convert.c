/* convert.c - the conversion pipeline: open a reader, open a writer on an
 * atomic output, move batches from one to the other, restart when the
 * reader widens a column after batches were written, then commit the output
 * (and the rejects file) or discard everything.
 *
 * Parallelism lives inside the stages (the reader parses a block across the
 * pool, the writer encodes columns across the pool); this file is the one
 * sequential loop that connects them, checks the cancel token between
 * batches and reports progress.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "core/buf.h"
#include "engine/engine.h"
#include "engine/plan.h"
#include "engine/plugins.h"
#include "engine/registry.h"
#include "engine/rejects.h"
#include "engine/unreadable.h"
#include "env/env.h"
#include "io/output.h"

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
 * writer is closed: a file writer's file is complete in *out (not yet
 * committed); a table writer's state is in *writer, awaiting commit(). */
static pf_status run_pass(pf__session *s, const pf__opts *opts,
                          const pf__writer_ops *wops, const char *target,
                          pf__output **out, void **writer_out, int64_t *rows,
                          pf_error *err) {
  *rows = 0;
  *out = NULL;
  *writer_out = NULL;
  pf_status st = PF_OK;
  if (!wops->commit) {
    pf__output_opts oo = {opts->force, 0, &s->log, &opts->settings, opts->fsync};
    st = pf__output_open_ex(target, &oo, out, err);
    if (st != PF_OK) return st;
  }
  /* a plugin's writer logs with its name in front */
  pf__log wlog;
  pf__log_prefix wlog_fwd;
  pf__log_prefixed(&wlog, &wlog_fwd, &s->log, pf__registry_plugin_of(wops));
  pf__writer_env wenv = {.out = *out, .target = target, .schema = s->rops->schema(s->reader),
                         .opts = opts, .pool = s->pool, .log = &wlog};
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
  if (wops->commit) {
    if (st == PF_OK) {
      *writer_out = writer;
      return PF_OK;
    }
    goto fail; /* a table writer keeps its state after close: abort it */
  }
  writer = NULL;
  if (st != PF_OK) goto fail;
  return PF_OK;
fail:
  if (writer) wops->abort(writer);
  pf__output_abort(*out);
  *out = NULL;
  return st;
}

static char *rejects_path_for(const pf__opts *opts, const char *target) {
  if (opts->rejects_path && *opts->rejects_path) return pf__strdup(opts->rejects_path);
  return pf__aprintf("%s.rejects.csv", target);
}

/* An output written but not yet published. */
typedef struct pending {
  pf__output *out;   /* file writers: the finished temp file          */
  void *writer;      /* table writers: state awaiting commit()        */
  int64_t rows;
  uint64_t bytes;    /* table writers: bytes of the files added       */
  pf_schema *schema;
} pending;

static void pending_discard(const pf__writer_ops *wops, pending *p) {
  pf__output_abort(p->out);
  if (p->writer) wops->abort(p->writer);
  p->out = NULL;
  p->writer = NULL;
}

/* Reads one job's tables into its target, restarting when a column
 * widens; leaves the finished output in *pd. */
static pf_status run_job(pf__session *s, const pf__opts *opts,
                         const pf__writer_ops *wops, const pf__job *job,
                         pf__rejects *rejects, pf_convert_result *result,
                         pending *pd, pf_error *err) {
  pf_status st = PF_OK;
  if (job->tables) {
    st = s->rops->select(s->reader, job->tables, job->n_tables, job->table_column, err);
    if (st != PF_OK) return st;
  }
  if (opts->on_schema) opts->on_schema(opts->on_schema_user, job->target, s->rops->schema(s->reader));
  for (;;) {
    st = run_pass(s, opts, wops, job->target, &pd->out, &pd->writer, &pd->rows, err);
    if (st != PF_ERESTART) break;
    /* A column widened after row groups were written: start again with
     * the wider schema; nothing written so far is kept. */
    result->restarts++;
    pf__log_msg(&s->log, PF_LOG_INFO, "restarting %s with a widened schema (restart %d)",
                job->target, result->restarts);
    pf__rejects_reset(rejects);
    pf_error_init(err);
    st = s->rops->rewind(s->reader, err);
    if (st == PF_OK && result->restarts > 64)
      st = pf__error_set(err, PF_EINTERNAL, "too many restarts while widening column types");
    if (st != PF_OK) return st;
  }
  if (st == PF_OK) {
    pd->schema = pf__schema_copy(s->rops->schema(s->reader));
    if (!pd->schema) {
      pending_discard(wops, pd);
      st = pf__error_set(err, PF_ENOMEM, "out of memory");
    }
  }
  return st;
}

static uint64_t path_bytes(const char *path) {
  struct stat sb;
  return stat(path, &sb) == 0 && S_ISREG(sb.st_mode) ? (uint64_t)sb.st_size : 0;
}

/* Fills the result once every output is published. */
static pf_status fill_result(pf__session *s, const pf__writer_ops *wops,
                             const pf__plan *plan, pending *pd,
                             const pf__rejects *rejects, pf_convert_result *result) {
  pf__reader_stats rs = {0};
  if (s->rops->stats) s->rops->stats(s->reader, &rs);
  result->input_format = pf__strdup(s->rops->name);
  result->output_format = pf__strdup(wops->name);
  result->output_path = pf__strdup(plan->dir ? plan->dir : plan->jobs[0].target);
  result->outputs = calloc(plan->n_jobs, sizeof *result->outputs);
  if (!result->input_format || !result->output_format || !result->output_path || !result->outputs)
    return PF_ENOMEM;
  result->n_outputs = plan->n_jobs;
  for (size_t j = 0; j < plan->n_jobs; j++) {
    pf_output_desc *o = &result->outputs[j];
    o->path = pf__strdup(plan->jobs[j].target);
    o->tables = pf__strdup(plan->jobs[j].table_names);
    o->rows = pd[j].rows;
    o->columns = (int64_t)pd[j].schema->n_fields;
    o->bytes = wops->commit ? pd[j].bytes : path_bytes(plan->jobs[j].target);
    if (!o->path || (plan->jobs[j].table_names && !o->tables)) return PF_ENOMEM;
    result->rows += pd[j].rows;
    result->bytes_out += o->bytes;
  }
  result->rows_rejected = rejects->count;
  result->columns = result->outputs[0].columns;
  /* One rule for every input: the bytes of the input as stored (a
   * workbook's or a .gz file's compressed bytes), not what the reader
   * inflated or decoded from them. */
  result->bytes_in = rs.bytes_total ? rs.bytes_total : path_bytes(s->renv.path);
  if (!result->bytes_in) result->bytes_in = rs.bytes_read;
  result->threads = pf__pool_size(s->pool);
  result->schema = pd[0].schema;
  pd[0].schema = NULL;
  if (rejects->count > 0) {
    result->rejects_path = pf__strdup(rejects->path);
    add_warning(result, "%lld row%s left out and written with line numbers and reasons to %s",
                (long long)rejects->count, rejects->count == 1 ? "" : "s", rejects->path);
  }
  if (s->rops->warnings) {
    const char *const *w;
    size_t n = s->rops->warnings(s->reader, &w);
    for (size_t i = 0; i < n; i++) add_warning(result, "%s", w[i]);
  }
  for (size_t i = 0; i < plan->n_skipped; i++)
    add_warning(result, "sheet '%s' holds no data: no output for it", plan->skipped[i]);
  for (size_t j = 0; j < plan->n_jobs; j++) {
    const pf_schema *sc = j == 0 ? result->schema : pd[j].schema;
    for (size_t i = 0; i < sc->n_fields; i++)
      if (sc->fields[i].note) {
        if (plan->n_jobs > 1)
          add_warning(result, "%s: column '%s': %s", plan->jobs[j].target, sc->fields[i].name,
                      sc->fields[i].note);
        else
          add_warning(result, "column '%s': %s", sc->fields[i].name, sc->fields[i].note);
      }
  }
  return PF_OK;
}

/* Tables of a database (reader tables_apart) that could not be read while
 * the others were written: the first failure, and every table's name. */
typedef struct failed_tables {
  size_t n;
  pf_error first;
  char *names; /* "'A', 'B'" */
} failed_tables;

/* A failure of the table itself (its data or a column kind), not of the
 * output, the memory or the call: the other tables can still be written. */
static int table_may_fail(pf_status st) {
  return st == PF_EPARSE || st == PF_EUNSUPPORTED || st == PF_ELIMIT || st == PF_EENCODING ||
         st == PF_EBADROW || st == PF_EINPUT;
}

static pf_status failed_add(failed_tables *f, const char *table, pf_error *err) {
  if (f->n == 0) pf__error_copy(&f->first, err);
  char *names = pf__aprintf("%s%s'%s'", f->names ? f->names : "", f->names ? ", " : "",
                            table ? table : "");
  if (!names) return pf__error_set(err, PF_ENOMEM, "out of memory");
  free(f->names);
  f->names = names;
  f->n++;
  return PF_OK;
}

/* The error returned once the other tables were published: the first
 * failure, saying what was written and which tables failed. */
static pf_status failed_report(const failed_tables *f, const pf__plan *plan, pf_error *err) {
  pf__error_copy(err, &f->first);
  char tail[600];
  if (plan->n_jobs == 0)
    snprintf(tail, sizeof tail, " (no table could be converted)");
  else
    snprintf(tail, sizeof tail, " (%zu table%s failed: %.300s; the other %zu %s written to %.200s)",
             f->n, f->n == 1 ? "" : "s", f->names, plan->n_jobs,
             plan->n_jobs == 1 ? "table was" : "tables were", plan->dir ? plan->dir : plan->jobs[0].target);
  size_t have = strlen(err->message);
  snprintf(err->message + have, sizeof err->message - have, "%s", tail);
  return err->status;
}

/* Writes every job's output, publishing none. A database's table that
 * cannot be read (reader tables_apart) is dropped from the plan and kept
 * in failed; the others are still written. */
static pf_status run_jobs(pf__session *s, const pf__opts *opts, const pf__writer_ops *wops,
                          pf__plan *plan, pending *pd, pf__rejects *rejects,
                          pf_convert_result *result, failed_tables *failed, pf_error *err) {
  pf_status st = PF_OK;
  for (size_t j = 0; st == PF_OK && j < plan->n_jobs; j++) {
    st = run_job(s, opts, wops, &plan->jobs[j], rejects, result, &pd[j], err);
    if (st != PF_OK && plan->jobs[j].n_tables == 1)
      pf__error_table(err, pf__table_word(s->rops), plan->jobs[j].table_names, 0);
    if (st != PF_OK && s->rops->tables_apart && table_may_fail(st)) {
      st = failed_add(failed, plan->jobs[j].table_names, err);
      pending_discard(wops, &pd[j]);
      memmove(&pd[j], &pd[j + 1], (plan->n_jobs - j - 1) * sizeof *pd);
      pf__plan_drop_job(plan, j);
      j--;
      if (st == PF_OK) pf_error_init(err);
      if (st == PF_OK && plan->n_jobs == 0) st = failed_report(failed, plan, err);
    }
  }
  return st;
}

static pf_status convert(const pf__opts *opts, pf_convert_result *result, pf_error *err) {
  double t0 = pf__now();
  char target[4096];
  const pf__writer_ops *wops;
  if (opts->engine == PF_ENGINE_SPARK)
    return pf__error_set(err, PF_EUNSUPPORTED,
                         "engine.name=spark: the Spark engine is not available here: it runs in "
                         "the Python package with pyspark installed (pip install pyforge-cli "
                         "pyspark; docs/spark.md); the native engine (the default) converts "
                         "every input this build reads: leave engine.name unset");
  if (opts->output_format && strcasecmp(opts->output_format, "txt") == 0 &&
      pf__registry_writer(NULL, opts->output_format, &wops, NULL) != PF_OK) {
    /* the original CLI's -f txt: say what it is for (naming the input's
     * format when it can be told without reading a stream, which only a
     * session spools) */
    const pf__reader_ops *rops = NULL;
    if (!pf__session_input_is_stream(opts)) PF_TRY(pf__registry_reader(opts, &rops, NULL, err));
    return pf__unreadable_txt_output(rops ? rops->name : NULL, err);
  }
  PF_TRY(pf__default_output(opts, target, sizeof target, err));
  PF_TRY(pf__registry_writer(target, opts->output_format, &wops, err));
  PF_TRY(pf__registry_check_writer_options(opts, wops, err));
  int input_is_path = opts->in.kind == PF__INPUT_PATH && !pf__opts_reads_stdin(opts);

  pf__session s;
  pf__plan plan;
  memset(&plan, 0, sizeof plan);
  pending *pd = NULL;
  pf_status st = pf__session_open(&s, opts, err);
  if (st != PF_OK) {
    pf__session_close(&s);
    return st;
  }
  pf__rejects rejects;
  char *rpath = rejects_path_for(opts, target);
  pf__output_opts roo = {opts->force, 0, &s.log, &opts->settings, opts->fsync};
  st = rpath ? pf__rejects_init(&rejects, rpath, &roo) : PF_ENOMEM;
  free(rpath);
  if (st != PF_OK) {
    pf__session_close(&s);
    return st;
  }
  s.renv.reject = pf__rejects_add;
  s.renv.reject_user = &rejects;
  st = pf__session_open_reader(&s, err);
  if (st == PF_OK) st = pf__plan_build(&plan, s.rops, s.reader, opts, target, wops, err);
  for (size_t j = 0; st == PF_OK && j < plan.n_jobs; j++)
    if (input_is_path && same_file(opts->input, plan.jobs[j].target))
      st = pf__error_set(err, PF_EINVAL, "the output %s would overwrite the input; choose another output path",
                         plan.jobs[j].target);
  if (st == PF_OK) {
    pd = calloc(plan.n_jobs, sizeof *pd);
    if (!pd) st = PF_ENOMEM;
  }
  if (st == PF_OK) st = pf__plan_make_dir(&plan, err);

  /* every output is written before any is published */
  failed_tables failed = {0};
  if (st == PF_OK) st = run_jobs(&s, opts, wops, &plan, pd, &rejects, result, &failed, err);
  if (st == PF_OK) st = pf__rejects_commit(&rejects, err);
  size_t published = 0;
  for (; st == PF_OK && published < plan.n_jobs; published++) {
    pending *p = &pd[published];
    if (wops->commit) {
      pf__commit_info ci = {-1, 0, 0};
      void *w = p->writer;
      p->writer = NULL;
      st = wops->commit(w, &ci, err);
      p->bytes = ci.bytes;
      if (st == PF_OK && published == 0) result->table_version = ci.version;
    } else {
      st = pf__output_commit(p->out, err);
      p->out = NULL;
    }
    if (st != PF_OK && !err->file[0]) pf__error_file(err, plan.jobs[published].target);
  }
  if (st != PF_OK) {
    /* Outputs published before a later one failed stay (each is complete
     * and valid on its own); the error names the one that failed. */
    for (size_t j = 0; pd && j < plan.n_jobs; j++) pending_discard(wops, &pd[j]);
    if (published == 0) {
      if (rejects.count > 0 && rejects.path) remove(rejects.path);
      pf__plan_undo_dir(&plan);
    }
  }

  if (st == PF_OK) {
    st = fill_result(&s, wops, &plan, pd, &rejects, result);
    if (st == PF_ENOMEM) pf__error_set(err, PF_ENOMEM, "out of memory");
  }
  if (st == PF_OK && failed.n) st = failed_report(&failed, &plan, err);
  free(failed.names);
  for (size_t j = 0; pd && j < plan.n_jobs; j++) pf_schema_free(pd[j].schema);
  free(pd);
  pf__plan_free(&plan);
  pf__rejects_free(&rejects);
  pf__session_close(&s);
  result->seconds = pf__now() - t0;
  if (st != PF_OK && !err->file[0] && st >= 200 && st < 300) pf__error_file(err, target);
  return st;
}

/* The conversion between its hooks: pre-convert hooks may change the
 * options (on the call's own copy), post-convert hooks see the result,
 * on-error hooks the failure. */
static pf_status convert_hooked(const pf_options *options, const pf__hook_set *hooks,
                                pf_convert_result *result, pf_error *err) {
  pf__opts opts;
  pf__local_paths lp; /* Volume paths mapped and checked (src/env/volume_path.c) */
  pf_options *own = NULL;
  pf_status st = pf__opts_resolve(options, &opts, err);
  pf__log log = {opts.log, opts.log_user, opts.log_level};
  const char *input = opts.input ? opts.input : "";
  if (st == PF_OK && hooks->n) {
    own = pf_options_copy(options);
    st = own ? pf__hooks_pre(hooks, own, input, &log, err) : pf__error_set(err, PF_ENOMEM, "out of memory");
    if (st == PF_OK) st = pf__opts_resolve(own, &opts, err);
  }
  if (st == PF_OK) st = pf__volume_localize_opts(&opts, &lp, err);
  if (st == PF_OK) st = convert(&lp.opts, result, err);
  if (st == PF_OK && hooks->n)
    st = pf__hooks_post(hooks, own, input, result, &log, err);
  else if (st != PF_OK && hooks->n)
    pf__hooks_error(hooks, own ? own : (pf_options *)options, input, err, &log);
  pf_options_free(own);
  return st;
}

pf_status pf_convert(const pf_options *options, pf_convert_result *result, pf_error *err) {
  pf_error local;
  if (!err) err = &local;
  pf_error_init(err);
  if (!result || !options)
    return pf__error_set(err, PF_EINVAL, "pf_convert needs options and a result");
  memset(result, 0, sizeof *result);
  result->table_version = -1;
  pf__plugins_enter();
  pf__hook_set hooks;
  pf_status st = pf__hooks_get(&hooks);
  if (st != PF_OK) pf__error_set(err, st, "out of memory");
  else st = convert_hooked(options, &hooks, result, err);
  pf__hooks_free(&hooks);
  pf__plugins_leave();
  if (st != PF_OK) pf_convert_result_free(result);
  err->status = st;
  return st;
}

pf_status pf_default_output(const pf_options *options, char *buf, size_t n, pf_error *err) {
  pf_error_init(err);
  pf__opts o;
  PF_TRY(pf__opts_resolve(options, &o, err));
  pf__plugins_enter();
  pf_status st = pf__default_output(&o, buf, n, err);
  pf__plugins_leave();
  return st;
}

void pf_convert_result_free(pf_convert_result *r) {
  if (!r) return;
  free(r->input_format);
  free(r->output_format);
  free(r->output_path);
  free(r->rejects_path);
  pf_schema_free(r->schema);
  for (size_t i = 0; i < r->n_outputs; i++) {
    free(r->outputs[i].path);
    free(r->outputs[i].tables);
  }
  free(r->outputs);
  for (size_t i = 0; i < r->n_warnings; i++) free(r->warnings[i]);
  free(r->warnings);
  memset(r, 0, sizeof *r);
}

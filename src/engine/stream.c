/* stream.c - any input's rows as an ArrowArrayStream (pyforge.h,
 * "streams of Arrow batches"), and the tables of a multi-table input.
 *
 * Open: the options are copied (the caller may free theirs), the reader is
 * opened and, for a workbook, the sheets are selected and grouped exactly
 * as pf_convert plans its outputs (plan.c); one group is read. Then batches
 * are read and held back until stream.holdback bytes are held or the input
 * ends: a column widened inside that window (PF_ERESTART) costs a re-read
 * nobody sees. With stream.type_scan=full the whole input is read once
 * first, so the types are final. The schema handed out is fixed from then
 * on; a widening after batches were handed out fails get_next with
 * PF_ELIMIT, naming the column, the row and the keys that avoid it.
 *
 * Arrays take the batches' buffers (arrow_export.c: no copy; the reader
 * refills buffers released arrays gave back): each lives until its own
 * release, also after the stream's.
 * The callbacks are plain C and keep no thread-local state, so any thread
 * may call them (one at a time).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/arrow_export.h"
#include "core/buf.h"
#include "engine/engine.h"
#include "engine/plan.h"
#include "engine/plugins.h"

#define REJECTS_LOGGED 10 /* bad rows logged one by one, then counted */
#define POOL_BYTES ((size_t)64 << 20) /* released buffers kept for reuse */

typedef struct pf__stream {
  pf_options *handle;        /* the caller's options, copied             */
  pf__opts o;                /* resolved from handle                     */
  pf__session s;
  pf__arrow_pool *pool;      /* buffers batches fill (arrays recycle)    */
  pf_schema *schema;         /* what get_schema hands out; fixed         */
  struct ArrowArray *held;   /* batches held back, in order              */
  size_t n_held, first_held, cap_held;
  size_t held_bytes;
  int handed_out;            /* a batch went to the consumer             */
  int eof;                   /* the reader is done                       */
  int64_t rows_out;          /* rows handed out                          */
  int64_t rejected;          /* bad rows left out (input.on_bad_rows=skip) */
  pf_status failed;          /* sticky: every later call fails too       */
  pf_error err;
  char message[4096];        /* get_last_error()                         */
  int entered;               /* holds the plugin registry (until freed)  */
} pf__stream;

/* ---- bad rows: no file here; each is logged, and counted ---- */

static pf_status on_reject(void *user, int64_t line, const char *reason, const char *raw,
                           size_t raw_len, pf_error *err) {
  pf__stream *st = user;
  if (++st->rejected <= REJECTS_LOGGED)
    pf__log_msg(&st->s.log, PF_LOG_WARN, "%s: line %lld left out (input.on_bad_rows=skip): %s",
                st->s.renv.path, (long long)line, reason);
  return PF_OK;
}

/* ---- held batches ---- */

static void held_clear(pf__stream *st) {
  for (size_t i = st->first_held; i < st->n_held; i++)
    if (st->held[i].release) st->held[i].release(&st->held[i]);
  st->n_held = st->first_held = 0;
  st->held_bytes = 0;
}

static pf_status held_push(pf__stream *st, pf_batch *b) {
  if (st->n_held == st->cap_held) {
    size_t cap = st->cap_held ? st->cap_held * 2 : 16;
    struct ArrowArray *nh = realloc(st->held, cap * sizeof *nh);
    if (!nh) return PF_ENOMEM;
    st->held = nh;
    st->cap_held = cap;
  }
  size_t bytes = 0;
  PF_TRY(pf__arrow_export_batch(st->pool, b, &st->held[st->n_held], &bytes));
  st->n_held++;
  st->held_bytes += bytes;
  return PF_OK;
}

/* ---- reading ahead ---- */

static pf_status canceled(pf_error *err) {
  return pf__error_set(err, PF_ECANCELED, "canceled");
}

/* Reads the input to its end, discarding batches, restarting on widening:
 * afterwards the schema is final and the reader is back at the start. */
static pf_status full_scan(pf__stream *st, pf_error *err) {
  for (int restarts = 0;;) {
    if (pf__canceled(&st->o)) return canceled(err);
    pf_batch *b = NULL;
    pf_status rc = st->s.rops->next(st->s.reader, &b, err);
    if (rc == PF_ERESTART && ++restarts <= 64) {
      pf_error_init(err);
      PF_TRY(st->s.rops->rewind(st->s.reader, err));
      continue;
    }
    if (rc != PF_OK) return rc;
    if (!b) break;
  }
  st->rejected = 0;
  return st->s.rops->rewind(st->s.reader, err);
}

/* Holds batches back until stream.holdback bytes or the end; a widening
 * meanwhile re-reads from the start with the wider schema. Nothing is held
 * when no widening can come: the reader's types are final after open (XML),
 * every column is a string, or a full scan settled them. */
static pf_status hold_back(pf__stream *st, pf_error *err) {
  int restarts = 0;
  if (st->s.rops->types_final || st->o.all_strings || st->o.stream_full_scan) return PF_OK;
  while (!st->eof && st->held_bytes < (size_t)st->o.stream_holdback) {
    if (pf__canceled(&st->o)) return canceled(err);
    pf_batch *b = NULL;
    pf_status rc = st->s.rops->next(st->s.reader, &b, err);
    if (rc == PF_ERESTART && ++restarts <= 64) {
      pf__log_msg(&st->s.log, PF_LOG_INFO, "%s: %s; reading again (restart %d)",
                  st->s.renv.path, err->message, restarts);
      held_clear(st);
      st->rejected = 0;
      pf_error_init(err);
      PF_TRY(st->s.rops->rewind(st->s.reader, err));
      continue;
    }
    if (rc != PF_OK) return rc;
    if (!b) st->eof = 1;
    else PF_TRY(held_push(st, b));
  }
  return PF_OK;
}

/* ---- choosing the table group ---- */

static int job_has(const pf__reader_ops *rops, void *reader, const pf__job *j,
                   const char *name, int nocase) {
  for (size_t k = 0; k < j->n_tables; k++) {
    pf__table_desc d;
    if (rops->table(reader, j->tables[k], &d, NULL) != PF_OK) continue;
    if (nocase ? strcasecmp(d.name, name) == 0 : strcmp(d.name, name) == 0) return 1;
  }
  return 0;
}

static pf_status pick_job(pf__stream *st, const pf__plan *plan, size_t *out, pf_error *err) {
  *out = 0;
  const char *want = st->o.stream_table;
  if (want) {
    for (int nocase = 0; nocase < 2; nocase++)
      for (size_t j = 0; j < plan->n_jobs; j++)
        if (plan->jobs[j].tables && job_has(st->s.rops, st->s.reader, &plan->jobs[j], want, nocase)) {
          *out = j;
          return PF_OK;
        }
  }
  if (!want && plan->n_jobs == 1) return PF_OK;
  pf__buf b;
  pf__buf_init(&b, 1 << 16);
  for (size_t j = 0; j < plan->n_jobs; j++)
    pf__buf_printf(&b, "%s(%s)", j ? ", " : "", plan->jobs[j].table_names ? plan->jobs[j].table_names : "");
  if (want)
    pf__error_set(err, PF_ENOTFOUND, "no table named '%s' among those selected; the groups are: %s",
                  want, b.data ? (char *)b.data : "");
  else {
    const pf__reader_ops *r = st->s.rops;
    const char *word = pf__table_word(r);
    pf__error_set(err, PF_EINVAL,
                  "the input gives %zu outputs (%s%s%s): %s; choose one with stream.table "
                  "(%s%s%s)%s%s",
                  plan->n_jobs, r->tables_apart ? "one per " : "", word,
                  r->tables_apart ? "" : "s with different headers", b.data ? (char *)b.data : "",
                  r->tables_apart ? "a " : "any ", word, r->tables_apart ? "" : " of the group",
                  r->tables_key ? " or " : "", r->tables_key ? r->tables_key : "");
  }
  pf__buf_free(&b);
  pf__error_file(err, st->s.renv.path);
  return err->status;
}

/* Selects the group pf_convert would write (workbooks); single-table
 * inputs are read whole. */
static pf_status select_tables(pf__stream *st, pf_error *err) {
  pf__plan plan;
  PF_TRY(pf__plan_build(&plan, st->s.rops, st->s.reader, &st->o, "", NULL, err));
  size_t j = 0;
  pf_status rc = pick_job(st, &plan, &j, err);
  const pf__job *job = &plan.jobs[j];
  if (rc == PF_OK && job->tables)
    rc = st->s.rops->select(st->s.reader, job->tables, job->n_tables, job->table_column, err);
  pf__plan_free(&plan);
  return rc;
}

/* ---- the callbacks ---- */

static int to_errno(pf_status s) {
  switch (s) {
    case PF_OK: return 0;
    case PF_EINVAL: return EINVAL;
    case PF_ENOMEM: return ENOMEM;
    case PF_ECANCELED: return ECANCELED;
    case PF_ENOTFOUND: return ENOENT;
    case PF_EUNSUPPORTED: return ENOSYS;
    case PF_ELIMIT: return EOVERFLOW;
    default: return EIO;
  }
}

static int fail(pf__stream *st, pf_status status, const pf_error *e) {
  st->failed = status;
  if (e && e != &st->err) pf__error_copy(&st->err, e);
  st->err.status = status;
  if (!st->err.message[0]) pf__error_set(&st->err, status, "%s", pf_status_str(status));
  if (!st->err.file[0]) pf__error_file(&st->err, st->s.renv.path);
  pf_error_format(&st->err, st->message, sizeof st->message);
  return to_errno(status);
}

static int stream_get_schema(struct ArrowArrayStream *self, struct ArrowSchema *out) {
  pf__stream *st = self->private_data;
  if (st->failed) return to_errno(st->failed);
  pf_status rc = pf__arrow_export_schema(st->schema, out);
  if (rc != PF_OK) return fail(st, rc, NULL);
  return 0;
}

/* A widening after batches were handed out: which column, and what to do. */
static int widened_late(pf__stream *st, pf_error *e) {
  const pf_schema *now = st->s.rops->schema(st->s.reader);
  pf_error msg;
  pf__error_copy(&msg, e);
  for (size_t i = 0; now && i < now->n_fields && i < st->schema->n_fields; i++) {
    const pf_field *was = &st->schema->fields[i], *is = &now->fields[i];
    if (was->type == is->type) continue;
    pf__error_set(&msg, PF_ELIMIT,
                  "column %zu (%s): %s, after the stream had handed out %lld rows as %s; a stream "
                  "cannot take rows back: set stream.type_scan=full to read the input once "
                  "before the first batch, input.all_strings=true, or a stream.holdback larger "
                  "than the input",
                  i + 1, was->name, is->note ? is->note : "widened", (long long)st->rows_out,
                  pf_type_name(was->type));
    pf__error_column_name(&msg, was->name);
    return fail(st, PF_ELIMIT, &msg);
  }
  pf__error_set(&msg, PF_ELIMIT,
                "a column widened after the stream had handed out %lld rows (%s); set "
                "stream.type_scan=full",
                (long long)st->rows_out, e->message);
  return fail(st, PF_ELIMIT, &msg);
}

static void report_progress(pf__stream *st) {
  if (!st->o.progress) return;
  pf__reader_stats rs = {0};
  if (st->s.rops->stats) st->s.rops->stats(st->s.reader, &rs);
  st->o.progress(st->o.progress_user, rs.progress_done, rs.bytes_total, "bytes");
}

static void log_end(pf__stream *st) {
  if (st->rejected > 0)
    pf__log_msg(&st->s.log, PF_LOG_WARN, "%s: %lld bad row%s left out (input.on_bad_rows=skip)",
                st->s.renv.path, (long long)st->rejected, st->rejected == 1 ? "" : "s");
  const char *const *w;
  size_t n = st->s.rops->warnings ? st->s.rops->warnings(st->s.reader, &w) : 0;
  for (size_t i = 0; i < n; i++) pf__log_msg(&st->s.log, PF_LOG_WARN, "%s", w[i]);
}

static int stream_get_next(struct ArrowArrayStream *self, struct ArrowArray *out) {
  pf__stream *st = self->private_data;
  memset(out, 0, sizeof *out);
  if (st->failed) return to_errno(st->failed);
  if (pf__canceled(&st->o)) return fail(st, canceled(&st->err), NULL);
  if (st->first_held < st->n_held) {
    *out = st->held[st->first_held];
    st->held[st->first_held++].release = NULL;
    if (st->first_held == st->n_held) {
      st->first_held = st->n_held = 0;
      st->held_bytes = 0;
    }
  } else if (!st->eof) {
    pf_batch *b = NULL;
    pf_error e;
    pf_error_init(&e);
    pf_status rc = st->s.rops->next(st->s.reader, &b, &e);
    if (rc == PF_ERESTART) return widened_late(st, &e);
    if (rc != PF_OK) return fail(st, rc, &e);
    if (!b) st->eof = 1;
    else if ((rc = pf__arrow_export_batch(st->pool, b, out, NULL)) != PF_OK) return fail(st, rc, NULL);
  }
  if (!out->release) { /* the end: what a conversion would warn about */
    if (st->eof != 2) log_end(st);
    st->eof = 2;
    return 0;
  }
  st->handed_out = 1;
  st->rows_out += out->length;
  report_progress(st);
  return 0;
}

static const char *stream_last_error(struct ArrowArrayStream *self) {
  pf__stream *st = self->private_data;
  return st->failed ? st->message : NULL;
}

static void stream_free(pf__stream *st) {
  if (!st) return;
  held_clear(st);
  free(st->held);
  pf__session_close(&st->s);
  pf__arrow_pool_release(st->pool);
  pf_schema_free(st->schema);
  pf_options_free(st->handle);
  if (st->entered) pf__plugins_leave(); /* maybe on another thread: fine */
  free(st);
}

static void stream_release(struct ArrowArrayStream *self) {
  stream_free(self->private_data);
  self->release = NULL;
  self->private_data = NULL;
}

/* ---- open ---- */

static pf_status stream_start(pf__stream *st, const pf_options *options, pf_error *err) {
  pf__plugins_enter(); /* a plugin's reader stays loaded while the stream lives */
  st->entered = 1;
  st->handle = pf_options_copy(options);
  st->pool = pf__arrow_pool_new(POOL_BYTES);
  if (!st->handle || !st->pool) return pf__error_set(err, PF_ENOMEM, "out of memory");
  PF_TRY(pf__opts_resolve(st->handle, &st->o, err));
  PF_TRY(pf__session_open(&st->s, &st->o, err));
  st->s.renv.reject = on_reject;
  st->s.renv.reject_user = st;
  PF_TRY(pf__session_open_reader(&st->s, err));
  if (st->s.rops->n_tables) PF_TRY(select_tables(st, err));
  else if (st->o.stream_table)
    return pf__error_set(err, PF_EINVAL, "stream.table applies to inputs with several tables "
                         "(workbooks); %s has one", st->s.rops->name);
  if (st->o.stream_full_scan) PF_TRY(full_scan(st, err));
  PF_TRY(hold_back(st, err));
  st->schema = pf__schema_copy(st->s.rops->schema(st->s.reader));
  return st->schema ? PF_OK : pf__error_set(err, PF_ENOMEM, "out of memory");
}

pf_status pf_stream_open(const pf_options *options, struct ArrowArrayStream *out, pf_error *err) {
  pf_error local;
  if (!err) err = &local;
  pf_error_init(err);
  if (!options || !out) return pf__error_set(err, PF_EINVAL, "pf_stream_open needs options and a stream");
  memset(out, 0, sizeof *out);
  pf__stream *st = calloc(1, sizeof *st);
  if (!st) return pf__error_set(err, PF_ENOMEM, "out of memory");
  pf_error_init(&st->err);
  pf_status rc = stream_start(st, options, err);
  if (rc != PF_OK) {
    if (!err->file[0] && st->s.renv.path) pf__error_file(err, st->s.renv.path);
    stream_free(st);
    err->status = rc;
    return rc;
  }
  out->get_schema = stream_get_schema;
  out->get_next = stream_get_next;
  out->get_last_error = stream_last_error;
  out->release = stream_release;
  out->private_data = st;
  return PF_OK;
}

pf_status pf_stream_error(const struct ArrowArrayStream *stream, pf_error *out) {
  pf_error_init(out);
  if (!stream || stream->release != stream_release || !stream->private_data)
    return pf__error_set(out, PF_EINVAL, "not a stream opened by pf_stream_open");
  const pf__stream *st = stream->private_data;
  if (st->failed) pf__error_copy(out, &st->err);
  return PF_OK;
}

/* ---- tables ---- */

static pf_status list_tables(const pf__session *s, const pf__opts *o, pf_table_list *out,
                             pf_error *err) {
  size_t n = s->rops->n_tables ? s->rops->n_tables(s->reader) : 0;
  out->n_groups = 1;
  if (n == 0) return PF_OK;
  pf__plan plan;
  PF_TRY(pf__plan_build(&plan, s->rops, s->reader, o, "", NULL, err));
  out->n_groups = plan.n_jobs;
  pf_status rc = (out->tables = calloc(n, sizeof *out->tables)) ? PF_OK : PF_ENOMEM;
  for (size_t i = 0; rc == PF_OK && i < n; i++) {
    pf__table_desc d;
    pf_table_desc *t = &out->tables[out->n_tables++];
    if ((rc = s->rops->table(s->reader, i, &d, err)) != PF_OK) break;
    t->hidden = d.hidden;
    t->rows = d.rows_hint;
    if (!(t->name = pf__strdup(d.name))) rc = PF_ENOMEM;
    for (size_t j = 0; rc == PF_OK && j < plan.n_jobs; j++)
      for (size_t k = 0; k < plan.jobs[j].n_tables; k++)
        if (plan.jobs[j].tables[k] == i) {
          pf__table_desc first;
          t->selected = 1;
          rc = s->rops->table(s->reader, plan.jobs[j].tables[0], &first, err);
          if (rc == PF_OK && !(t->group = pf__strdup(first.name))) rc = PF_ENOMEM;
        }
  }
  pf__plan_free(&plan);
  if (rc == PF_ENOMEM) pf__error_set(err, rc, "out of memory");
  return rc;
}

pf_status pf_tables_list(const pf_options *options, pf_table_list *out, pf_error *err) {
  pf_error local;
  if (!err) err = &local;
  pf_error_init(err);
  if (!options || !out) return pf__error_set(err, PF_EINVAL, "pf_tables_list needs options and a result");
  memset(out, 0, sizeof *out);
  pf__opts o;
  pf__session s;
  memset(&s, 0, sizeof s);
  pf__plugins_enter();
  pf_status rc = pf__opts_resolve(options, &o, err);
  if (rc == PF_OK) rc = pf__session_open(&s, &o, err);
  if (rc == PF_OK) rc = pf__session_open_reader(&s, err);
  if (rc == PF_OK) rc = list_tables(&s, &o, out, err);
  pf__session_close(&s);
  pf__plugins_leave();
  if (rc != PF_OK) pf_table_list_free(out);
  err->status = rc;
  return rc;
}

void pf_table_list_free(pf_table_list *l) {
  if (!l) return;
  for (size_t i = 0; i < l->n_tables; i++) {
    free(l->tables[i].name);
    free(l->tables[i].group);
  }
  free(l->tables);
  memset(l, 0, sizeof *l);
}

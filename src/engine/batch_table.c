/* batch_table.c - every file of a batch into ONE Delta table, committed as
 * one version (pf_batch_set_table in pyforge.h).
 *
 * The table directory is mapped first when it is a Volume path
 * (pf__volume_localize_target), as a conversion maps its output.
 * Three phases over the items batch.c expanded:
 *   scan       on the workers: each file is opened as a conversion opens it
 *              (Volume paths, reader, a workbook's one output group) and
 *              read to its end, so its schema is final (no widening later
 *              can surprise the table); per column: whether any value is
 *              there, whether an int64 passes 2^53.
 *   reconcile  on the calling thread: the table's schema (an existing
 *              table's columns and types first, in append mode), then each
 *              file's columns in order, matched ignoring ASCII case, types
 *              joined by the widening rules; a file that cannot go into the
 *              table (a type the table column cannot take, a new column
 *              without delta.merge_schema, several output groups) fails
 *              here and is not read again.
 *   write      one Delta write is opened on the table with that schema
 *              (delta_multi.c); on the workers, each file is read again
 *              (its columns the table makes string read as strings by the
 *              readers that can: pf__opts.string_columns, so they keep the
 *              file's text), its batches cast to the schema (batch_cast.c)
 *              and written
 *              through its own part; a file read to its end is kept, a file
 *              that fails is dropped (its data files removed). After the
 *              last file: one commit holding every kept file's data files,
 *              or, on cancel or when no file was kept, nothing at all (the
 *              write is aborted: its data files removed, a table directory
 *              it created too).
 * Hooks (as around pf_convert, convert.c convert_hooked): a file's
 * pre-convert hooks run on the worker before its scan, on the file's own
 * options, which the scan and the write then read it with; the schema
 * callback runs once, with the reconciled schema and the table directory,
 * when the write opens; after the commit (or the abort), each file whose
 * pre-convert hooks ran gets its post-convert hooks (kept, with its final
 * result) or its on-error hooks (failed or canceled), on the calling
 * thread, in item order. Rows left out (input.on_bad_rows=skip) are kept
 * per file during its write (a tmpfile of rejects-file lines) and written,
 * kept files only, to one rejects file beside the table before the commit.
 * Progress climbs once from 0 to the inputs' bytes: each file's bytes
 * count half in the scan and half in the write (pf__batch_run_items'
 * phases). The file callback runs for every item after that,
 * when each item's outcome (and the table version) is final.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/infer.h"
#include "core/schema.h"
#include "engine/batch.h"
#include "engine/engine.h"
#include "engine/plan.h"
#include "engine/plugins.h"
#include "engine/rejects.h"
#include "env/env.h"
#include "writers/delta/delta_writer.h"

#define REJECTS_LOGGED 10 /* bad rows logged one by one per file, then counted */

/* What the scan learned about one file. */
typedef struct scanned {
  pf_schema *schema;  /* its final schema; NULL until scanned             */
  uint8_t *has;       /* per column: a non-null value was seen            */
  uint8_t *big;       /* per column: an int64 beyond 2^53                 */
  int64_t rows;
} scanned;

typedef struct table_run {
  const char *dir;
  const pf__opts *bo;
  pf__log log;             /* the caller's log                             */
  scanned *sc;             /* per item                                     */
  pf_schema *table;        /* the existing table's schema, or NULL         */
  int64_t table_version;   /* -1: no table yet                             */
  int append;              /* the table's columns keep their types         */
  pf_schema *target;       /* what every file is cast to                   */
  void *main;              /* the Delta write (delta_multi.c)              */
  pthread_mutex_t mu;      /* keep and drop, one at a time                 */
  pf__hook_set hooks;      /* the conversion hooks (plugins, front ends)   */
  pf_options **fo;         /* per item: its options as its pre-convert
                              hooks left them; NULL: they did not run      */
  char *rejects;           /* the rejects file: <table>.rejects.csv, or
                              output.rejects                               */
  FILE **rej;              /* per item: its rejected rows, as lines of the
                              rejects file (a tmpfile); NULL: none         */
} table_run;

/* One file opened for reading: the options, the session, the bad rows. */
typedef struct input {
  pf__opts opts;
  pf__local_paths lp;
  pf__session s;
  int open;
  int quiet;            /* the scan: bad rows are logged by the write     */
  int64_t rejected;
  FILE **rej;           /* the write: where its rejected rows go          */
  const char *file;     /* the item's input, the rows' first field        */
} input;

/* A bad row left out (input.on_bad_rows=skip): logged, and in the write
 * kept for the rejects file (written before the commit, finish()). */
static pf_status on_reject(void *user, int64_t line, const char *reason, const char *raw,
                           size_t raw_len, pf_error *err) {
  input *in = user;
  if (in->quiet) return PF_OK;
  if (++in->rejected <= REJECTS_LOGGED)
    pf__log_msg(&in->s.log, PF_LOG_WARN, "line %lld left out (input.on_bad_rows=skip): %s", (long long)line,
                reason);
  if (!in->rej) return PF_OK;
  if (!*in->rej && !(*in->rej = tmpfile()))
    return pf__error_set(err, PF_EOUTPUT, "cannot make a temporary file for the rows left out: %s",
                         strerror(errno));
  pf__buf b;
  pf__buf_init(&b, 0);
  pf_status st = pf__rejects_line(&b, in->file, line, reason, raw, raw_len);
  if (st != PF_OK) st = pf__error_set(err, PF_ENOMEM, "out of memory");
  else if (fwrite(b.data, 1, b.len, *in->rej) != b.len)
    st = pf__error_set(err, PF_EOUTPUT, "cannot write the rows left out to a temporary file: %s",
                       strerror(errno));
  pf__buf_free(&b);
  return st;
}

static void rej_drop(FILE **f) {
  if (*f) fclose(*f);
  *f = NULL;
}

/* A workbook's sheets: the one output group a conversion would write. */
static pf_status select_group(input *in, pf_error *err) {
  pf__session *s = &in->s;
  pf__plan plan;
  PF_TRY(pf__plan_build(&plan, s->rops, s->reader, &in->lp.opts, "", NULL, err));
  pf_status st = PF_OK;
  if (plan.n_jobs != 1) {
    const pf__reader_ops *r = s->rops;
    const char *word = pf__table_word(r);
    st = pf__error_set(err, PF_EINVAL, "the file gives %zu outputs (%s%s%s); a batch into one table takes one "
                       "from each file: choose the %ss with %s, or convert the file on its own",
                       plan.n_jobs, r->tables_apart ? "one per " : "", word,
                       r->tables_apart ? "" : "s with different headers", word,
                       r->tables_key ? r->tables_key : "the reader's selection option");
  } else if (plan.jobs[0].tables) {
    st = s->rops->select(s->reader, plan.jobs[0].tables, plan.jobs[0].n_tables, plan.jobs[0].table_column, err);
  }
  pf__plan_free(&plan);
  return st;
}

/* Opens the input; the columns `strs` (n_strs) are read as strings, in the
 * file's own text, by readers that can (CSV, XLSX: pf__opts.string_columns).
 * rej NULL: the scan (bad rows neither logged nor kept); else the write,
 * whose bad rows go to *rej as lines naming file. */
static pf_status input_open(input *in, const pf_options *o, const char *const *strs, size_t n_strs,
                            FILE **rej, const char *file, pf_error *err) {
  memset(in, 0, sizeof *in);
  in->quiet = rej == NULL;
  in->rej = rej;
  in->file = file;
  PF_TRY(pf__opts_resolve(o, &in->opts, err));
  PF_TRY(pf__volume_localize_opts(&in->opts, &in->lp, err));
  in->lp.opts.string_columns = strs;
  in->lp.opts.n_string_columns = n_strs;
  in->open = 1;
  PF_TRY(pf__session_open(&in->s, &in->lp.opts, err));
  in->s.renv.reject = on_reject;
  in->s.renv.reject_user = in;
  PF_TRY(pf__session_open_reader(&in->s, err));
  if (in->s.rops->n_tables) PF_TRY(select_group(in, err));
  return PF_OK;
}

static void input_close(input *in) {
  if (in->open) pf__session_close(&in->s);
  in->open = 0;
}

static void report_progress(input *in) {
  const pf__opts *o = &in->lp.opts;
  if (!o->progress) return;
  pf__reader_stats rs = {0};
  if (in->s.rops->stats) in->s.rops->stats(in->s.reader, &rs);
  o->progress(o->progress_user, rs.progress_done, rs.bytes_total, "bytes");
}

static pf_status canceled(pf_error *err) {
  return pf__error_set(err, PF_ECANCELED, "not committed: the batch was canceled");
}

/* ---- scan ---- */

static void scanned_free(scanned *sc) {
  pf_schema_free(sc->schema);
  free(sc->has);
  free(sc->big);
  memset(sc, 0, sizeof *sc);
}

/* Notes what batch b holds: values present, int64 beyond 2^53. */
static void scan_note(scanned *sc, const pf_batch *b) {
  for (size_t j = 0; j < b->n_cols; j++) {
    const pf_column *c = &b->cols[j];
    if ((int64_t)b->n_rows > c->null_count) sc->has[j] = 1;
    if (c->type != PF_TYPE_INT64 || sc->big[j]) continue;
    for (size_t i = 0; i < b->n_rows; i++) {
      int64_t v = pf_col_i64(c, i);
      if (pf_col_is_valid(c, i) && (v > PF_INFER_EXACT_INT || v < -PF_INFER_EXACT_INT)) {
        sc->big[j] = 1;
        break;
      }
    }
  }
}

/* Reads the whole input (restarting on a widening) into sc. */
static pf_status scan_rows(input *in, const pf__opts *bo, scanned *sc, pf_error *err) {
  for (int restarts = 0;;) {
    size_t n = in->s.rops->schema(in->s.reader)->n_fields;
    if (!sc->has) {
      sc->has = calloc(n ? n : 1, 1);
      sc->big = calloc(n ? n : 1, 1);
      if (!sc->has || !sc->big) return pf__error_set(err, PF_ENOMEM, "out of memory");
    }
    if (pf__canceled(bo)) return canceled(err);
    pf_batch *b = NULL;
    pf_status rc = in->s.rops->next(in->s.reader, &b, err);
    if (rc == PF_ERESTART && ++restarts <= 64) {
      pf_error_init(err);
      memset(sc->has, 0, n ? n : 1);
      memset(sc->big, 0, n ? n : 1);
      sc->rows = 0;
      in->rejected = 0;
      PF_TRY(in->s.rops->rewind(in->s.reader, err));
      continue;
    }
    if (rc != PF_OK) return rc;
    if (!b) break;
    scan_note(sc, b);
    sc->rows += (int64_t)b->n_rows;
    report_progress(in);
  }
  sc->schema = pf__schema_copy(in->s.rops->schema(in->s.reader));
  return sc->schema ? PF_OK : pf__error_set(err, PF_ENOMEM, "out of memory");
}

/* The file's pre-convert hooks on o (the worker's copy of the options);
 * what they leave is kept in t->fo[i] for the write and the later hooks. */
static pf_status pre_hooks(table_run *t, size_t i, pf_batch_item *it, pf_options *o) {
  if (!t->hooks.n) return PF_OK;
  pf__opts ro;
  PF_TRY(pf__opts_resolve(o, &ro, &it->error));
  pf__log log = {ro.log, ro.log_user, ro.log_level};
  pf_status st = pf__hooks_pre(&t->hooks, o, it->input, &log, &it->error);
  /* kept even when a hook failed: the on-error hooks see these options */
  if (!(t->fo[i] = pf_options_copy(o)) && st == PF_OK) st = pf__error_set(&it->error, PF_ENOMEM, "out of memory");
  return st;
}

static pf_status scan_item(void *ctx, size_t i, pf_batch_item *it, pf_options *o) {
  table_run *t = ctx;
  PF_TRY(pre_hooks(t, i, it, o));
  input in;
  pf_status st = input_open(&in, o, NULL, 0, NULL, NULL, &it->error);
  if (st == PF_OK) st = scan_rows(&in, t->bo, &t->sc[i], &it->error);
  input_close(&in);
  return st;
}

/* ---- reconcile ---- */

/* The join of two column types by the widening rules. */
static pf_type widen(const pf_field *a, int a_big, const pf_field *b, int b_big) {
  pf_type x = a->type, y = b->type;
  if (x == PF_TYPE_NULL) return y;
  if (y == PF_TYPE_NULL || (x == y && (x != PF_TYPE_DECIMAL || (a->precision == b->precision &&
                                                                  a->scale == b->scale))))
    return x;
  if ((x == PF_TYPE_INT64 || x == PF_TYPE_DOUBLE) && (y == PF_TYPE_INT64 || y == PF_TYPE_DOUBLE))
    return a_big || b_big ? PF_TYPE_STRING : PF_TYPE_DOUBLE;
  if ((x == PF_TYPE_DATE || x == PF_TYPE_TIMESTAMP) && (y == PF_TYPE_DATE || y == PF_TYPE_TIMESTAMP))
    return PF_TYPE_TIMESTAMP;
  return PF_TYPE_STRING;
}

/* The reconciled columns while they are being built. */
typedef struct rcol {
  pf_field f;         /* name borrowed; type NULL until a value is seen    */
  int big;
  int from_table;
} rcol;

typedef struct rset {
  rcol *v;
  size_t n;
} rset;

static long rset_find(const rset *s, const char *name) {
  for (size_t k = 0; k < s->n; k++)
    if (!strcasecmp(s->v[k].f.name, name)) return (long)k;
  return -1;
}

static pf_status item_refuse(pf_batch_item *it, const char *column, const char *fmt, const char *a,
                             const char *b, const char *c) {
  pf_error_init(&it->error);
  pf__error_set(&it->error, PF_EOUTPUT, fmt, a, b, c);
  pf__error_file(&it->error, it->input);
  if (column) pf__error_column_name(&it->error, column);
  it->status = PF_EOUTPUT;
  return PF_EOUTPUT;
}

/* Whether file sc can go into the table's existing columns; the item fails
 * with the reason when not. */
static pf_status check_against_table(table_run *t, const rset *s, const scanned *sc, pf_batch_item *it) {
  const pf_schema *fs = sc->schema;
  for (size_t j = 0; j < fs->n_fields; j++) {
    const pf_field *f = &fs->fields[j];
    long k = rset_find(s, f->name);
    if (k < 0 || !s->v[k].from_table) {
      if (k < 0 && !t->bo->delta.merge_schema)
        return item_refuse(it, f->name, "column %s (%s) is not in the Delta table %s; set delta.merge_schema to "
                           "add new columns (as convert does when appending), or use delta.mode=overwrite",
                           f->name, pf_type_name(f->type), t->dir);
      continue;
    }
    const pf_field *tf = &s->v[k].f;
    pf_field ff = *f;
    if (!sc->has[j]) ff.type = PF_TYPE_NULL;
    if (tf->type == PF_TYPE_COUNT_ && ff.type != PF_TYPE_NULL)
      return item_refuse(it, f->name, "column %s has a type in the Delta table %s that pyforge cannot write%s",
                         f->name, t->dir, " (a nested type): leave the column out of the files");
    if (tf->type != PF_TYPE_COUNT_ && !pf__cast_possible(&ff, tf))
      return item_refuse(it, f->name, "column %s is %s in the Delta table but %s in this file; a column's type "
                         "does not change in an append (delta.mode=overwrite replaces the table and its schema)",
                         f->name, pf_type_name(tf->type), pf_type_name(ff.type));
  }
  return PF_OK;
}

static pf_status rset_add(rset *s, const pf_field *f, pf_type type, int big, int from_table) {
  rcol *v = realloc(s->v, (s->n + 1) * sizeof *v);
  if (!v) return PF_ENOMEM;
  s->v = v;
  v[s->n].f = *f;
  v[s->n].f.type = type;
  v[s->n].big = big;
  v[s->n].from_table = from_table;
  s->n++;
  return PF_OK;
}

/* The schema every file is cast to; items that cannot go in fail. */
static pf_status reconcile(table_run *t, pf_batch_result *r, pf_error *err) {
  rset s = {NULL, 0};
  pf_status st = PF_OK;
  for (size_t j = 0; t->append && t->table && j < t->table->n_fields && st == PF_OK; j++)
    st = rset_add(&s, &t->table->fields[j], t->table->fields[j].type, 0, 1);
  for (size_t i = 0; i < r->n_items && st == PF_OK; i++) {
    const scanned *sc = &t->sc[i];
    if (r->items[i].status != PF_OK || sc->rows == 0) continue; /* no rows: no columns */
    if (t->append && t->table && check_against_table(t, &s, sc, &r->items[i]) != PF_OK) continue;
    for (size_t j = 0; j < sc->schema->n_fields && st == PF_OK; j++) {
      const pf_field *f = &sc->schema->fields[j];
      pf_field ff = *f;
      if (!sc->has[j]) ff.type = PF_TYPE_NULL;
      long k = rset_find(&s, f->name);
      if (k < 0) st = rset_add(&s, &ff, ff.type, sc->big[j], 0);
      else if (!s.v[k].from_table) {
        rcol *c = &s.v[k];
        pf_type w = widen(&c->f, c->big, &ff, sc->big[j]);
        if (c->f.type == PF_TYPE_NULL && ff.type == PF_TYPE_DECIMAL) {
          c->f.precision = ff.precision;
          c->f.scale = ff.scale;
        }
        c->f.type = w;
        c->big |= sc->big[j];
      }
    }
  }
  /* only files without rows: their columns, as a conversion of one gives */
  for (size_t i = 0; st == PF_OK && s.n == 0 && i < r->n_items; i++)
    for (size_t j = 0; r->items[i].status == PF_OK && j < t->sc[i].schema->n_fields && st == PF_OK; j++)
      if (rset_find(&s, t->sc[i].schema->fields[j].name) < 0)
        st = rset_add(&s, &t->sc[i].schema->fields[j], PF_TYPE_NULL, 0, 0);
  size_t n = 0;
  for (size_t k = 0; k < s.n; k++) n += s.v[k].f.type != PF_TYPE_COUNT_; /* nested: the table's nulls */
  if (st == PF_OK && !(t->target = pf__schema_new(n))) st = PF_ENOMEM;
  for (size_t k = 0, j = 0; st == PF_OK && k < s.n; k++) {
    if (s.v[k].f.type == PF_TYPE_COUNT_) continue;
    pf_type ty = s.v[k].f.type == PF_TYPE_NULL ? PF_TYPE_STRING : s.v[k].f.type;
    st = pf__schema_set(t->target, j, s.v[k].f.name, ty, 1);
    t->target->fields[j].precision = s.v[k].f.precision;
    t->target->fields[j].scale = s.v[k].f.scale;
    j++;
  }
  free(s.v);
  if (st != PF_OK) return pf__error_set(err, PF_ENOMEM, "out of memory");
  return PF_OK;
}

/* ---- write ---- */

static void part_drop(table_run *t, void *part) {
  if (!part) return;
  pthread_mutex_lock(&t->mu);
  pf__delta_part_drop(t->main, part);
  pthread_mutex_unlock(&t->mu);
}

/* The file's rows into part, cast to the table's schema; *restart when a
 * column widened (the part must be dropped and the file read again). */
static pf_status write_rows(table_run *t, input *in, void *part, size_t i, pf_batch_item *it,
                            int *restart, pf_error *err) {
  pf__cast cast;
  memset(&cast, 0, sizeof cast);
  const pf_schema *planned = NULL;
  pf_status st = PF_OK;
  *restart = 0;
  it->result.rows = 0;
  for (;;) {
    if (pf__canceled(t->bo)) {
      st = canceled(err);
      break;
    }
    pf_batch *b = NULL;
    st = in->s.rops->next(in->s.reader, &b, err);
    if (st == PF_ERESTART) *restart = 1;
    if (st != PF_OK || !b) break;
    const pf_schema *fs = in->s.rops->schema(in->s.reader);
    if (fs != planned && (st = pf__cast_plan(&cast, fs, t->sc[i].has, t->target, err)) != PF_OK) break;
    planned = fs;
    const pf_batch *out;
    if ((st = pf__cast_batch(&cast, b, fs, &out, err)) != PF_OK) break;
    if ((st = pf__delta_writer_ops.write(part, out, err)) != PF_OK) break;
    it->result.rows += (int64_t)b->n_rows;
    report_progress(in);
  }
  pf__cast_free(&cast);
  return st;
}

/* What a kept file's item says. */
static pf_status fill_item(table_run *t, input *in, pf_batch_item *it, uint64_t bytes, size_t i) {
  pf_convert_result *res = &it->result;
  pf__reader_stats rs = {0};
  if (in->s.rops->stats) in->s.rops->stats(in->s.reader, &rs);
  res->input_format = pf__strdup(in->s.rops->name);
  res->output_format = pf__strdup("delta");
  res->output_path = pf__strdup(t->dir);
  res->schema = t->sc[i].schema;
  t->sc[i].schema = NULL;
  res->columns = (int64_t)t->target->n_fields;
  res->bytes_in = rs.bytes_total ? rs.bytes_total : it->bytes;
  res->bytes_out = bytes;
  res->rows_rejected = in->rejected;
  if (in->rejected > 0 && !(res->rejects_path = pf__strdup(t->rejects))) return PF_ENOMEM;
  res->threads = pf__pool_size(in->s.pool);
  res->table_version = -1;
  const char *const *w;
  size_t n = in->s.rops->warnings ? in->s.rops->warnings(in->s.reader, &w) : 0;
  if ((n || in->rejected) && (res->warnings = calloc(n + 1, sizeof *res->warnings))) {
    if (in->rejected > 0 &&
        (res->warnings[0] = pf__aprintf("%lld row%s left out and written with line numbers and reasons to %s",
                                        (long long)in->rejected, in->rejected == 1 ? "" : "s", t->rejects)))
      res->n_warnings++;
    for (size_t k = 0; k < n; k++)
      if ((res->warnings[res->n_warnings] = pf__strdup(w[k]))) res->n_warnings++;
  }
  return res->input_format && res->output_format && res->output_path ? PF_OK : PF_ENOMEM;
}

/* The columns of file i that the table makes strings but the file's values
 * are not: names borrowed from the table's schema (*out NULL when none). */
static pf_status string_columns(const table_run *t, size_t i, const char ***out, size_t *n) {
  const scanned *sc = &t->sc[i];
  *out = NULL;
  *n = 0;
  for (size_t j = 0; j < sc->schema->n_fields; j++) {
    const pf_field *f = &sc->schema->fields[j];
    if (!sc->has[j] || f->type == PF_TYPE_STRING) continue;
    for (size_t k = 0; k < t->target->n_fields; k++) {
      const pf_field *tf = &t->target->fields[k];
      if (tf->type != PF_TYPE_STRING || strcasecmp(tf->name, f->name) != 0) continue;
      const char **v = realloc(*out, (*n + 1) * sizeof *v);
      if (!v) return PF_ENOMEM;
      v[(*n)++] = tf->name;
      *out = v;
      break;
    }
  }
  return PF_OK;
}

static pf_status write_file(table_run *t, size_t i, pf_batch_item *it, const pf_options *o) {
  const char **strs;
  size_t n_strs;
  if (string_columns(t, i, &strs, &n_strs) != PF_OK) {
    free(strs);
    return pf__error_set(&it->error, PF_ENOMEM, "out of memory");
  }
  pf_status st;
  for (int restarts = 0;; restarts++) {
    input in;
    void *part = NULL;
    int restart = 0;
    rej_drop(&t->rej[i]); /* rows of an earlier read are read again */
    st = input_open(&in, o, strs, n_strs, &t->rej[i], it->input, &it->error);
    if (st == PF_OK) { /* the part copies the main write, which keep changes */
      pthread_mutex_lock(&t->mu);
      st = pf__delta_part_open(t->main, in.s.pool, &in.s.log, &part, &it->error);
      pthread_mutex_unlock(&t->mu);
    }
    if (st == PF_OK) st = write_rows(t, &in, part, i, it, &restart, &it->error);
    uint64_t bytes = 0;
    if (st == PF_OK) {
      pthread_mutex_lock(&t->mu);
      st = pf__delta_part_keep(t->main, part, &bytes, &it->error); /* drops it on failure */
      pthread_mutex_unlock(&t->mu);
      part = NULL;
      if (st == PF_OK && fill_item(t, &in, it, bytes, i) != PF_OK)
        st = pf__error_set(&it->error, PF_ENOMEM, "out of memory");
    }
    part_drop(t, part);
    input_close(&in);
    if (!restart || restarts >= 64) break;
    /* a column widened past what the first pass saw (it read the same
     * bytes: a reader that samples differently); read the file again */
    pf_error_init(&it->error);
  }
  if (st != PF_OK) rej_drop(&t->rej[i]); /* a file left out: its rows too */
  free(strs);
  return st;
}

/* The options file i is written with: those its pre-convert hooks left,
 * with the callbacks of the worker's copy o (this phase's). */
static pf_options *write_options(const table_run *t, size_t i, const pf_options *o, pf_error *err) {
  pf__opts ro;
  if (pf__opts_resolve(o, &ro, err) != PF_OK) return NULL;
  pf_options *w = pf_options_copy(t->fo[i] ? t->fo[i] : o);
  if (!w) {
    pf__error_set(err, PF_ENOMEM, "out of memory");
    return NULL;
  }
  pf_options_set_progress(w, ro.progress, ro.progress_user);
  pf_options_set_log(w, ro.log, ro.log_user);
  pf_options_set_schema_callback(w, ro.on_schema, ro.on_schema_user);
  return w;
}

static pf_status write_item(void *ctx, size_t i, pf_batch_item *it, pf_options *o) {
  table_run *t = ctx;
  pf_options *w = write_options(t, i, o, &it->error);
  if (!w) return it->error.status ? it->error.status : PF_ENOMEM;
  pf_status st = write_file(t, i, it, w);
  pf_options_free(w);
  return st;
}

/* ---- the run ---- */

static pf_status open_table(table_run *t, pf_error *err) {
  PF_TRY(pf__delta_table_schema(t->dir, &t->log, &t->table, &t->table_version, err));
  int mode = t->bo->delta.mode;
  if (mode == PF_TABLE_ERROR && t->bo->force) mode = PF_TABLE_OVERWRITE;
  if (t->table_version >= 0 && mode == PF_TABLE_ERROR) {
    pf__error_file(err, t->dir);
    return pf__error_set(err, PF_EEXIST, "the Delta table %s already exists (version %lld); use delta.mode=append "
                         "to add the files' rows, or delta.mode=overwrite to replace them", t->dir,
                         (long long)t->table_version);
  }
  t->append = t->table_version >= 0 && mode == PF_TABLE_APPEND;
  return PF_OK;
}

static pf_status open_main(table_run *t, pf_error *err) {
  pf__writer_env env = {.out = NULL, .target = t->dir, .schema = t->target, .opts = t->bo, .pool = NULL,
                        .log = &t->log};
  pf_status st = pf__delta_writer_ops.open(&env, &t->main, err);
  if (st != PF_OK) t->main = NULL;
  return st;
}

/* The rows the kept files left out, in item order, into the rejects file
 * (published before the commit, as convert publishes its rejects before
 * its outputs; removed if the commit fails). *written: it was made. */
static pf_status write_rejects(table_run *t, const pf_batch_result *r, int *written, pf_error *err) {
  *written = 0;
  size_t n = 0;
  for (size_t i = 0; i < r->n_items; i++) n += r->items[i].status == PF_OK && t->rej[i];
  if (n == 0) return PF_OK;
  pf__output *out = NULL;
  pf__output_opts oo = {t->bo->force, 0, NULL, &t->bo->settings, 1}; /* as durable as the table */
  PF_TRY(pf__output_open_ex(t->rejects, &oo, &out, err));
  static const char header[] = "file,line,reason,row\n";
  pf_status st = pf__output_write(out, header, sizeof header - 1, err);
  char buf[65536];
  for (size_t i = 0; st == PF_OK && i < r->n_items; i++) {
    FILE *f = t->rej[i];
    if (r->items[i].status != PF_OK || !f) continue;
    rewind(f);
    size_t k;
    while (st == PF_OK && (k = fread(buf, 1, sizeof buf, f)) > 0) st = pf__output_write(out, buf, k, err);
    if (st == PF_OK && ferror(f))
      st = pf__error_set(err, PF_EOUTPUT, "cannot read back the rows %s left out: %s", r->items[i].input,
                         strerror(errno));
  }
  if (st != PF_OK) {
    pf__output_abort(out);
    return st;
  }
  PF_TRY(pf__output_commit(out, err));
  *written = 1;
  return PF_OK;
}

/* One commit of every kept file (none: nothing is committed). */
static pf_status finish(table_run *t, pf_batch_result *r, pf_error *err) {
  int64_t kept = pf__delta_main_files(t->main);
  if (pf__canceled(t->bo) || kept == 0) {
    pf__delta_writer_ops.abort(t->main);
    t->main = NULL;
    return PF_OK;
  }
  pf__commit_info ci = {-1, 0, 0};
  int rejects_written = 0;
  pf_status st = pf__delta_writer_ops.close(t->main, err);
  if (st == PF_OK) st = write_rejects(t, r, &rejects_written, err);
  if (st == PF_OK) {
    void *m = t->main;
    t->main = NULL;
    st = pf__delta_writer_ops.commit(m, &ci, err); /* frees m either way */
    if (st != PF_OK && rejects_written) remove(t->rejects);
  } else {
    pf__delta_writer_ops.abort(t->main);
    t->main = NULL;
  }
  if (st != PF_OK) { /* nothing committed: every kept file says why */
    for (size_t i = 0; i < r->n_items; i++) {
      pf_batch_item *it = &r->items[i];
      if (it->status != PF_OK) continue;
      pf_convert_result_free(&it->result);
      it->result.table_version = -1;
      pf__error_copy(&it->error, err);
      it->status = st;
    }
    pf_error_init(err);
    return PF_OK;
  }
  r->table_version = ci.version;
  for (size_t i = 0; i < r->n_items; i++)
    if (r->items[i].status == PF_OK) r->items[i].result.table_version = ci.version;
  return PF_OK;
}

/* Log lines of a file's later hooks, "input: message" as a worker's are. */
typedef struct file_log {
  const pf__log *to;
  const char *input;
} file_log;

static void file_log_fn(void *user, pf_log_level level, const char *message) {
  const file_log *f = user;
  char *m = pf__aprintf("%s: %s", f->input, message);
  f->to->fn(f->to->user, level, m ? m : message);
  free(m);
}

/* Each file whose pre-convert hooks ran: its post-convert hooks when it is
 * kept (a required one that fails fails the file, its rows committed, as
 * pf_convert fails after publishing), else its on-error hooks. */
static void after_hooks(table_run *t, pf_batch_result *r) {
  for (size_t i = 0; i < r->n_items; i++) {
    pf_options *o = t->fo[i];
    if (!o) continue;
    pf_batch_item *it = &r->items[i];
    /* the workers' callbacks in o are gone: the caller's log, no others */
    pf_options_set_progress(o, NULL, NULL);
    pf_options_set_schema_callback(o, NULL, NULL);
    pf_options_set_log(o, t->bo->log, t->bo->log_user);
    file_log fl = {&t->log, it->input};
    pf__log log = {t->log.fn ? file_log_fn : NULL, &fl, t->log.level};
    if (it->status != PF_OK) {
      pf__hooks_error(&t->hooks, o, it->input, &it->error, &log);
      continue;
    }
    pf_error e;
    pf_error_init(&e);
    pf_status st = pf__hooks_post(&t->hooks, o, it->input, &it->result, &log, &e);
    if (st == PF_OK) continue;
    pf_convert_result_free(&it->result);
    it->result.table_version = -1;
    pf__error_copy(&it->error, &e);
    if (!it->error.file[0]) pf__error_file(&it->error, it->input);
    it->status = st;
  }
}

/* <table>.rejects.csv beside the table directory (a slash at its end
 * dropped: never inside it), as convert names a table's rejects. */
static char *rejects_beside(const char *table) {
  size_t n = strlen(table);
  while (n > 1 && table[n - 1] == '/') n--;
  return pf__aprintf("%.*s.rejects.csv", (int)n, table);
}

pf_status pf__batch_table_run(const pf_batch_job *job, const char *table, const pf_options *base,
                              const pf__opts *bo, pf_batch_result *r, pf_error *err) {
  table_run t;
  memset(&t, 0, sizeof t);
  char *local = NULL; /* a Volume path mapped (src/env/volume_path.c) */
  pf_status vst = pf__volume_localize_target(table, &local, err);
  if (vst != PF_OK) {
    if (!err->file[0]) pf__error_file(err, table);
    return vst;
  }
  table = local;
  t.dir = table;
  t.bo = bo;
  t.log = (pf__log){bo->log, bo->log_user, bo->log_level};
  t.table_version = -1;
  pthread_mutex_init(&t.mu, NULL);
  r->table = pf__strdup(table);
  t.sc = calloc(r->n_items ? r->n_items : 1, sizeof *t.sc);
  pf_status st = r->table && t.sc ? PF_OK : pf__error_set(err, PF_ENOMEM, "out of memory");
  for (size_t i = 0; st == PF_OK && i < r->n_items; i++)
    if (!r->items[i].output && !(r->items[i].output = pf__strdup(table)))
      st = pf__error_set(err, PF_ENOMEM, "out of memory");
  pf__plugins_enter();
  if (st == PF_OK && pf__hooks_get(&t.hooks) != PF_OK) st = pf__error_set(err, PF_ENOMEM, "out of memory");
  if (st == PF_OK && !(t.fo = calloc(r->n_items ? r->n_items : 1, sizeof *t.fo)))
    st = pf__error_set(err, PF_ENOMEM, "out of memory");
  if (st == PF_OK && !(t.rej = calloc(r->n_items ? r->n_items : 1, sizeof *t.rej)))
    st = pf__error_set(err, PF_ENOMEM, "out of memory");
  if (st == PF_OK && bo->rejects_path && *bo->rejects_path)
    st = pf__volume_localize_target(bo->rejects_path, &t.rejects, err); /* mapped like the table */
  else if (st == PF_OK && !(t.rejects = rejects_beside(table)))
    st = pf__error_set(err, PF_ENOMEM, "out of memory");
  if (st == PF_OK) st = open_table(&t, err);
  if (st == PF_OK) st = pf__batch_run_items(job, base, bo, r, scan_item, &t, 0, 1, err);
  if (st == PF_OK && !pf__canceled(bo)) st = reconcile(&t, r, err);
  size_t runnable = 0;
  for (size_t i = 0; i < r->n_items; i++) runnable += r->items[i].status == PF_OK;
  if (st == PF_OK && runnable && !pf__canceled(bo)) st = open_main(&t, err);
  if (st == PF_OK && t.main && bo->on_schema) bo->on_schema(bo->on_schema_user, t.dir, t.target);
  if (st == PF_OK && t.main) st = pf__batch_run_items(job, base, bo, r, write_item, &t, 0, 2, err);
  if (st == PF_OK && t.main) st = finish(&t, r, err);
  if (t.main) pf__delta_writer_ops.abort(t.main);
  if (st == PF_OK && pf__canceled(bo)) /* items read but not committed say so */
    for (size_t i = 0; i < r->n_items; i++) {
      pf_batch_item *it = &r->items[i];
      if (it->status != PF_OK) continue;
      pf_convert_result_free(&it->result);
      it->result.table_version = -1;
      canceled(&it->error);
      pf__error_file(&it->error, it->input);
      it->status = PF_ECANCELED;
    }
  if (st == PF_OK && !pf__canceled(bo) && bo->progress) /* files the write did not read: done too */
    bo->progress(bo->progress_user, r->bytes_total, r->bytes_total, "bytes");
  if (st == PF_OK) after_hooks(&t, r);
  pf__hooks_free(&t.hooks);
  pf__plugins_leave();
  if (st == PF_OK) pf__batch_deliver(job, r);
  for (size_t i = 0; t.fo && i < r->n_items; i++) pf_options_free(t.fo[i]);
  free(t.fo);
  for (size_t i = 0; t.rej && i < r->n_items; i++) rej_drop(&t.rej[i]);
  free(t.rej);
  free(t.rejects);
  free(local);
  for (size_t i = 0; t.sc && i < r->n_items; i++) scanned_free(&t.sc[i]);
  free(t.sc);
  pf_schema_free(t.table);
  pf_schema_free(t.target);
  pthread_mutex_destroy(&t.mu);
  return st;
}

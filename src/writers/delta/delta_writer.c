/* delta_writer.c - the Delta Lake table writer (a table writer in
 * format_api.h terms): open() reads the table's log and plans the write
 * (mode, schema, partitioning, protocol), write() and close() produce the
 * data files (delta_files.c), commit() publishes them as one new version
 * (delta_txn.c), abort() removes what this write created.
 *
 * Modes: error (the default) refuses an existing table, and a directory
 * that is not empty and not a table; output.force with mode error means
 * overwrite. append adds the rows as a new version (creating the table when
 * there is none); overwrite replaces the rows (and the schema) as a new
 * version, history kept. Neither ever touches a directory that holds
 * something other than a Delta table.
 */
#include <dirent.h>
#include <fcntl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/schema.h"
#include "env/env.h"
#include "io/tempfile.h"
#include "writers/delta/delta_write.h"
#include "writers/delta/delta_writer.h"

int pf__delta_is_table(const char *dir) {
  char *p = pf__aprintf("%s/_delta_log", dir);
  struct stat sb;
  int r = p && stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
  free(p);
  return r;
}

void pf__dw_free(delta_w *w) {
  if (!w) return;
  pf__dw_files_free(w);
  if (w->main) { /* a part: the plan is its main's */
    free(w);
    return;
  }
  pf__delta_state_free(&w->st);
  pf__delta_schema_free(&w->ts);
  free(w->schema_json);
  if (w->part_cols)
    for (size_t i = 0; i < w->n_part; i++) free(w->part_cols[i]);
  free(w->part_cols);
  free(w->part_src);
  pf_schema_free(w->phys);
  free(w->src);
  free(w->conv);
  free(w->tcol);
  free(w->store);
  free(w->notnull);
  free(w->dir);
  free(w);
}

/* 1 when dir holds nothing at all. */
static int dir_empty(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) return 1;
  struct dirent *e;
  int empty = 1;
  while ((e = readdir(d)) != NULL)
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
      empty = 0;
      break;
    }
  closedir(d);
  return empty;
}

static const char *cfg(const pf__delta_map *m, const char *key) {
  for (size_t i = 0; i < m->n; i++)
    if (!strcasecmp(m->keys[i], key)) return m->values[i];
  return NULL;
}

static int has_feature(char **v, size_t n, const char *f) {
  for (size_t i = 0; i < n; i++)
    if (!strcmp(v[i], f)) return 1;
  return 0;
}

/* Refuses tables whose protocol asks writers for things we do not do. */
static pf_status check_protocol(delta_w *w, pf_error *err) {
  const pf__delta_protocol *p = &w->st.protocol;
  const pf__delta_metadata *md = &w->st.metadata;
  int schema_has = 0;
  for (size_t i = 0; i < w->ts.n; i++)
    if (strstr(w->ts.f[i].metadata, "delta.generationExpression") || strstr(w->ts.f[i].metadata, "delta.identity") ||
        strstr(w->ts.f[i].metadata, "delta.invariants"))
      schema_has = 1;
  int constraints = 0;
  for (size_t i = 0; i < md->configuration.n; i++)
    if (!strncasecmp(md->configuration.keys[i], "delta.constraints.", 18)) constraints = 1;
  const char *cdf = cfg(&md->configuration, "delta.enableChangeDataFeed");
  const char *cm = cfg(&md->configuration, "delta.columnMapping.mode");
  int cdf_on = cdf && !strcasecmp(cdf, "true");
  int cm_on = cm && strcasecmp(cm, "none");
  const char *why = NULL;
  if (p->min_reader_version > 3 || p->min_writer_version > 7) why = "a newer protocol than this version knows";
  else if (p->min_reader_version == 2 || cm_on) why = "column mapping";
  else if (p->min_reader_version == 3) {
    for (size_t i = 0; i < p->n_reader_features && !why; i++)
      if (strcmp(p->reader_features[i], "timestampNtz")) why = p->reader_features[i];
  }
  if (!why && p->min_writer_version == 7) {
    static const char *const ok[] = {"appendOnly", "invariants", "timestampNtz", "checkConstraints",
                                     "changeDataFeed", "generatedColumns", "identityColumns", "columnMapping"};
    for (size_t i = 0; i < p->n_writer_features && !why; i++) {
      int known = 0;
      for (size_t k = 0; k < sizeof ok / sizeof *ok; k++)
        if (!strcmp(p->writer_features[i], ok[k])) known = 1;
      if (!known) why = p->writer_features[i];
    }
  }
  if (!why && schema_has) why = "generated columns, identity columns or invariants";
  if (!why && constraints) why = "CHECK constraints";
  if (!why && cdf_on) why = "the change data feed";
  if (why)
    return pf__error_set(err, PF_EUNSUPPORTED,
                         "the Delta table %s uses %s (protocol reader %d, writer %d), which pyforge cannot write; "
                         "write it with Spark or delta-rs, or write a new table",
                         w->dir, why, (int)p->min_reader_version, (int)p->min_writer_version);
  const char *ao = cfg(&md->configuration, "delta.appendOnly");
  if (ao && !strcasecmp(ao, "true") && w->mode == PF_TABLE_OVERWRITE)
    return pf__error_set(err, PF_EOUTPUT, "the Delta table %s is append-only (delta.appendOnly=true): it cannot be "
                         "overwritten; use delta.mode=append", w->dir);
  return PF_OK;
}

static int field_is_ntz(const pf__delta_field *f) { return f->type && !strcmp(f->type, "timestamp_ntz"); }

/* Decides the protocol after this write. */
static void plan_protocol(delta_w *w) {
  int ntz = 0;
  for (size_t i = 0; i < w->ts.n; i++) ntz |= field_is_ntz(&w->ts.f[i]);
  static char *rf[] = {"timestampNtz"};
  static char *wf_new[] = {"timestampNtz"};
  static char *wf_up[] = {"appendOnly", "invariants", "timestampNtz"};
  memset(&w->proto, 0, sizeof w->proto);
  if (!w->exists) {
    w->write_protocol = 1;
    w->proto.min_reader_version = ntz ? 3 : 1;
    w->proto.min_writer_version = ntz ? 7 : 2;
    if (ntz) {
      w->proto.n_reader_features = 1;
      w->proto.reader_features = rf;
      w->proto.n_writer_features = 1;
      w->proto.writer_features = wf_new;
    }
    return;
  }
  const pf__delta_protocol *p = &w->st.protocol;
  if (!ntz || (p->min_reader_version == 3 && has_feature(p->reader_features, p->n_reader_features, "timestampNtz") &&
               has_feature(p->writer_features, p->n_writer_features, "timestampNtz")))
    return;
  /* upgrade to table features, keeping what writer version 2 implied */
  w->write_protocol = 1;
  w->proto.min_reader_version = 3;
  w->proto.min_writer_version = 7;
  w->proto.n_reader_features = 1;
  w->proto.reader_features = rf;
  w->proto.n_writer_features = 3;
  w->proto.writer_features = wf_up;
}

static pf_status add_field(pf__delta_schema *s, const pf_field *f, int ntz, pf_error *err) {
  pf__delta_field *nf = realloc(s->f, (s->n + 1) * sizeof *nf);
  if (!nf) return pf__error_set(err, PF_ENOMEM, "out of memory");
  s->f = nf;
  pf__delta_field *d = &nf[s->n];
  memset(d, 0, sizeof *d);
  d->name = pf__strdup(f->name);
  d->metadata = pf__strdup("{}");
  d->nullable = 1;
  s->n++;
  if (!d->name || !d->metadata) return pf__error_set(err, PF_ENOMEM, "out of memory");
  return pf__delta_field_from_pf(f, ntz, d, err);
}

/* How input type `in` goes into table field f: conversion, or -1. */
static int compat(const pf_field *in, const pf__delta_field *f) {
  if (f->pf == PF_TYPE_COUNT_) return -1;
  if (in->type == PF_TYPE_NULL) return DW_NULLS;
  const char *t = f->type;
  switch (in->type) {
    case PF_TYPE_BOOL: return !strcmp(t, "boolean") ? DW_DIRECT : -1;
    case PF_TYPE_INT64:
      if (!strcmp(t, "long")) return DW_DIRECT;
      return pf__delta_cast_ok(in, f) ? DW_NUM_CAST : -1;
    case PF_TYPE_DOUBLE:
      if (!strcmp(t, "double")) return DW_DIRECT;
      return pf__delta_cast_ok(in, f) ? DW_NUM_CAST : -1;
    case PF_TYPE_DECIMAL:
      if (f->pf == PF_TYPE_DECIMAL && f->scale == in->scale && f->precision >= in->precision)
        return DW_DIRECT;
      return pf__delta_cast_ok(in, f) ? DW_NUM_CAST : -1;
    case PF_TYPE_DATE: return !strcmp(t, "date") ? DW_DIRECT : -1;
    case PF_TYPE_TIMESTAMP: return !strcmp(t, "timestamp") || !strcmp(t, "timestamp_ntz") ? DW_DIRECT : -1;
    case PF_TYPE_TIMESTAMP_UTC: return !strcmp(t, "timestamp") ? DW_DIRECT : -1;
    case PF_TYPE_TIME: return !strcmp(t, "string") ? DW_TIME_STR : -1;
    case PF_TYPE_STRING: return !strcmp(t, "string") ? DW_DIRECT : -1;
    case PF_TYPE_BINARY: return !strcmp(t, "binary") ? DW_DIRECT : -1;
    default: return -1;
  }
}

/* 1 when we write the Delta type with its exact Parquet type (every flat
 * type: integer/short/byte/float through narrower storage). */
static int exact_type(const pf__delta_field *f) { return f->pf != PF_TYPE_COUNT_; }

static const char *delta_name_of(const pf_field *f, int ntz) {
  switch (f->type) {
    case PF_TYPE_BOOL: return "boolean";
    case PF_TYPE_INT64: return "long";
    case PF_TYPE_DOUBLE: return "double";
    case PF_TYPE_DECIMAL: return "decimal";
    case PF_TYPE_DATE: return "date";
    case PF_TYPE_TIMESTAMP: return ntz ? "timestamp_ntz" : "timestamp";
    case PF_TYPE_TIMESTAMP_UTC: return "timestamp";
    case PF_TYPE_BINARY: return "binary";
    default: return "string";
  }
}

/* Plans the table schema, partition columns and data file columns. */
static pf_status plan(delta_w *w, pf_error *err) {
  const pf_schema *in = w->in;
  const pf__delta_opts *dopt = &w->opts->delta;
  /* names unique ignoring case (Spark resolves columns case-insensitively) */
  for (size_t i = 0; i < in->n_fields; i++)
    for (size_t j = i + 1; j < in->n_fields; j++)
      if (!strcasecmp(in->fields[i].name, in->fields[j].name))
        return pf__error_set(err, PF_EOUTPUT,
                             "columns %zu (%s) and %zu (%s) have the same name ignoring case, which a Delta table "
                             "cannot hold; rename one of them",
                             i + 1, in->fields[i].name, j + 1, in->fields[j].name);
  int replace = !w->exists || w->mode == PF_TABLE_OVERWRITE;
  pf_status st = PF_OK;
  if (replace) {
    for (size_t i = 0; i < in->n_fields && st == PF_OK; i++)
      st = add_field(&w->ts, &in->fields[i], dopt->timestamp_ntz, err);
    if (st != PF_OK) return st;
  } else {
    st = pf__delta_schema_parse(w->st.metadata.schema_string, &w->ts, err);
    if (st != PF_OK) return st;
  }
  PF_TRY(check_protocol(w, err));
  size_t n_table_before = w->ts.n;
  if (!replace) { /* append: match input columns to the table's */
    pf__buf msg;
    pf__buf_init(&msg, 0);
    int bad = 0, extra = 0;
    for (size_t i = 0; i < in->n_fields; i++) {
      long t = pf__delta_schema_find(&w->ts, in->fields[i].name);
      if (t >= 0 && (size_t)t < n_table_before) {
        if (compat(&in->fields[i], &w->ts.f[t]) < 0) {
          bad++;
          pf__buf_printf(&msg, "%scolumn %s is %s in the table but %s", msg.len ? "; " : "", w->ts.f[t].name,
                         w->ts.f[t].type, delta_name_of(&in->fields[i], 0));
          if (in->fields[i].type == PF_TYPE_DECIMAL)
            pf__buf_printf(&msg, "(%d,%d)", in->fields[i].precision, in->fields[i].scale);
          pf__buf_puts(&msg, " in the input");
        }
      } else if (dopt->merge_schema) {
        if ((st = add_field(&w->ts, &in->fields[i], dopt->timestamp_ntz, err)) != PF_OK) {
          pf__buf_free(&msg);
          return st;
        }
        w->write_metadata = 1;
      } else {
        extra++;
        pf__buf_printf(&msg, "%scolumn %s (%s) is not in the table", msg.len ? "; " : "", in->fields[i].name,
                       delta_name_of(&in->fields[i], dopt->timestamp_ntz));
      }
    }
    if (bad || extra) {
      st = pf__error_set(err, PF_EOUTPUT,
                         "cannot append to the Delta table %s: the input's schema does not match the table's: %s. %s",
                         w->dir, msg.data ? (const char *)msg.data : "",
                         bad ? "Use delta.mode=overwrite to replace the table and its schema (types cannot change in an "
                               "append)"
                             : "Use delta.merge_schema to add the new columns, or delta.mode=overwrite to replace the table");
      pf__buf_free(&msg);
      return st;
    }
    pf__buf_free(&msg);
  }
  /* partition columns */
  size_t np = 0;
  const char *const *pcols = NULL;
  char **keep = NULL;
  if (dopt->n_partition_by) {
    np = dopt->n_partition_by;
    pcols = dopt->partition_by;
    if (w->exists && !replace) {
      int same = np == w->st.metadata.n_partition_columns;
      for (size_t k = 0; same && k < np; k++)
        same = !strcasecmp(pcols[k], w->st.metadata.partition_columns[k]);
      if (!same)
        return pf__error_set(err, PF_EOUTPUT,
                             "cannot append to the Delta table %s with delta.partition_by: the table is partitioned "
                             "differently (%zu partition columns); leave delta.partition_by out to use the table's, "
                             "or use delta.mode=overwrite to change the partitioning",
                             w->dir, w->st.metadata.n_partition_columns);
    }
  } else if (w->exists) {
    np = w->st.metadata.n_partition_columns;
    keep = w->st.metadata.partition_columns;
    pcols = (const char *const *)keep;
    if (replace) /* overwrite keeps the table's partitioning when it can */
      for (size_t k = 0; k < np; k++)
        if (pf__delta_schema_find(&w->ts, pcols[k]) < 0) np = 0;
  }
  w->n_part = np;
  w->part_cols = calloc(np ? np : 1, sizeof *w->part_cols);
  w->part_src = calloc(np ? np : 1, sizeof *w->part_src);
  if (!w->part_cols || !w->part_src) return pf__error_set(err, PF_ENOMEM, "out of memory");
  int *is_part = calloc(w->ts.n ? w->ts.n : 1, sizeof *is_part);
  if (!is_part) return pf__error_set(err, PF_ENOMEM, "out of memory");
  for (size_t k = 0; k < np && st == PF_OK; k++) {
    long t = pf__delta_schema_find(&w->ts, pcols[k]);
    long s = -1;
    for (size_t i = 0; t >= 0 && i < in->n_fields; i++)
      if (!strcasecmp(in->fields[i].name, w->ts.f[t].name)) s = (long)i;
    if (t < 0 || s < 0) {
      st = pf__error_set(err, PF_EINVAL, "partition column %s is not in the input's columns", pcols[k]);
      break;
    }
    for (size_t j = 0; j < k; j++)
      if (w->part_src[j] == s) st = pf__error_set(err, PF_EINVAL, "partition column %s is named twice", pcols[k]);
    pf_type pt = in->fields[s].type;
    if (st == PF_OK && (pt == PF_TYPE_DOUBLE || pt == PF_TYPE_TIMESTAMP || pt == PF_TYPE_TIMESTAMP_UTC ||
                        pt == PF_TYPE_BINARY))
      st = pf__error_set(err, PF_EUNSUPPORTED,
                         "cannot partition by %s: it is a %s column, and pyforge partitions only by string, integer, "
                         "boolean, date, decimal and time columns (a partition per distinct %s is rarely wanted)",
                         pcols[k], pf_type_name(pt), pf_type_name(pt));
    if (st != PF_OK) break;
    w->part_cols[k] = pf__strdup(w->ts.f[t].name);
    w->part_src[k] = s;
    is_part[t] = 1;
    if (!w->part_cols[k]) st = pf__error_set(err, PF_ENOMEM, "out of memory");
  }
  if (st == PF_OK && np && np >= w->ts.n)
    st = pf__error_set(err, PF_EINVAL,
                       "every column is a partition column: at least one column must stay in the data files");
  /* data file columns: the table's non-partition columns, in table order,
   * except those that would hold only nulls and whose Delta type has no
   * Parquet type we write (nested types): readers read a column missing
   * from a file as null. */
  size_t nphys = 0;
  for (size_t t = 0; t < w->ts.n; t++) {
    if (is_part[t]) continue;
    long s = -1;
    for (size_t i = 0; i < in->n_fields; i++)
      if (!strcasecmp(in->fields[i].name, w->ts.f[t].name)) { s = (long)i; break; }
    int cv = s >= 0 ? compat(&in->fields[s], &w->ts.f[t]) : DW_NULLS;
    if (cv == DW_NULLS && !exact_type(&w->ts.f[t]) && w->ts.f[t].nullable) is_part[t] = 2; /* omitted */
    else nphys++;
  }
  if (st == PF_OK && nphys == 0)
    st = pf__error_set(err, PF_EINVAL, "nothing to write into the data files of %s: every column is a partition "
                       "column or has no value in the input", w->dir);
  if (st == PF_OK) {
    w->phys = pf__schema_new(nphys);
    w->src = calloc(nphys ? nphys : 1, sizeof *w->src);
    w->conv = calloc(nphys ? nphys : 1, sizeof *w->conv);
    w->tcol = calloc(nphys ? nphys : 1, sizeof *w->tcol);
    w->store = calloc(nphys ? nphys : 1, sizeof *w->store);
    w->notnull = calloc(nphys ? nphys : 1, sizeof *w->notnull);
    if (!w->phys || !w->src || !w->conv || !w->tcol || !w->store || !w->notnull)
      st = pf__error_set(err, PF_ENOMEM, "out of memory");
  }
  w->passthrough = np == 0;
  size_t j = 0;
  for (size_t t = 0; t < w->ts.n && st == PF_OK; t++) {
    if (is_part[t]) continue; /* partition column, or omitted */
    const pf__delta_field *f = &w->ts.f[t];
    long s = -1;
    for (size_t i = 0; i < in->n_fields; i++)
      if (!strcasecmp(in->fields[i].name, f->name)) { s = (long)i; break; }
    int cv = s >= 0 ? compat(&in->fields[s], f) : DW_NULLS;
    if (cv < 0) cv = DW_NULLS; /* not reached: checked above */
    pf_type pt = f->pf;
    if (!f->nullable && cv == DW_NULLS) {
      st = pf__error_set(err, PF_EOUTPUT, "column %s is NOT NULL in the Delta table %s but the input does not have it",
                         f->name, w->dir);
      break;
    }
    st = pf__schema_set(w->phys, j, f->name, pt, 1);
    if (st == PF_OK && pt == PF_TYPE_DECIMAL) {
      w->phys->fields[j].precision = f->precision;
      w->phys->fields[j].scale = f->scale;
    }
    w->src[j] = cv == DW_NULLS ? -1 : s;
    w->conv[j] = (dw_conv)cv;
    w->tcol[j] = t;
    w->store[j] = (uint8_t)pf__delta_num_store(pf__delta_num_kind(f));
    w->notnull[j] = !f->nullable;
    if (cv != DW_DIRECT || w->notnull[j] || (size_t)s != j || j >= in->n_fields) w->passthrough = 0;
    if (st != PF_OK) st = pf__error_set(err, PF_ENOMEM, "out of memory");
    j++;
  }
  free(is_part);
  if (st != PF_OK) return st;
  if (w->passthrough) {
    w->view.n_cols = nphys;
    w->view.cols = calloc(nphys ? nphys : 1, sizeof *w->view.cols);
    if (!w->view.cols) return pf__error_set(err, PF_ENOMEM, "out of memory");
  }
  /* metaData: a new table, a changed schema or partitioning */
  pf__buf sj;
  pf__buf_init(&sj, 0);
  PF_TRY(pf__delta_schema_json(&w->ts, &sj, err));
  if (pf__buf_putc(&sj, 0) != PF_OK) {
    pf__buf_free(&sj);
    return pf__error_set(err, PF_ENOMEM, "out of memory");
  }
  w->schema_json = pf__buf_take(&sj);
  if (!w->exists) w->write_metadata = 1;
  else if (replace) {
    int same = !strcmp(w->schema_json, w->st.metadata.schema_string) &&
               np == w->st.metadata.n_partition_columns;
    for (size_t k = 0; same && k < np; k++) same = !strcmp(w->part_cols[k], w->st.metadata.partition_columns[k]);
    if (!same) w->write_metadata = 1;
  }
  plan_protocol(w);
  return PF_OK;
}


/* Temporaries of data files and checkpoints that a killed writer left in
 * the table directory and its log (io/tempfile.h: removed only when no
 * process holds them). A partition directory is swept when this write
 * first opens a data file in it (delta_files.c), so the cost follows the
 * partitions written, not the partitions the table has. */
static void sweep_abandoned(const delta_w *w) {
  pf__temp_sweep(w->dir, 1, w->log);
  char *log_dir = pf__aprintf("%s/_delta_log", w->dir);
  if (log_dir) pf__temp_sweep(log_dir, 1, w->log);
  free(log_dir);
}

static pf_status delta_open(const pf__writer_env *env, void **state, pf_error *err) {
  *state = NULL;
  PF_RETURN_ERROR_IF(!env->target || !env->target[0], err, PF_EINVAL, "the Delta writer needs a table directory");
  delta_w *w = calloc(1, sizeof *w);
  if (!w) return pf__error_set(err, PF_ENOMEM, "out of memory");
  pf__delta_state_init(&w->st);
  w->dir = pf__strdup(env->target);
  size_t dl = w->dir ? strlen(w->dir) : 0;
  while (dl > 1 && w->dir[dl - 1] == '/') w->dir[--dl] = 0;
  w->opts = env->opts;
  w->pq_opts = *env->opts;
  w->pool = env->pool;
  w->log = env->log;
  w->in = env->schema;
  pf_status st = w->dir ? pf__dw_files_init(w, err) : pf__error_set(err, PF_ENOMEM, "out of memory");
  if (st != PF_OK) goto fail;
  w->mode = env->opts->delta.mode;
  if (w->mode == PF_TABLE_ERROR && env->opts->force) w->mode = PF_TABLE_OVERWRITE;

  struct stat sb;
  if (stat(w->dir, &sb) == 0) {
    if (!S_ISDIR(sb.st_mode)) {
      pf__error_file(err, w->dir);
      st = pf__error_set(err, PF_EEXIST, "%s exists and is not a directory; a Delta table is a directory: choose "
                         "another output", w->dir);
      goto fail;
    }
    if (!pf__delta_is_table(w->dir) && !dir_empty(w->dir)) {
      pf__error_file(err, w->dir);
      st = pf__error_set(err, PF_EEXIST, "%s is a directory that is not empty and not a Delta table (no "
                         "_delta_log); pyforge does not write tables into it: choose another output directory",
                         w->dir);
      goto fail;
    }
  } else if (errno == ENOENT) {
    if (mkdir(w->dir, 0777) != 0) {
      int e = errno;
      pf__error_file(err, w->dir);
      if ((st = pf__volume_io_error(w->dir, e, 1, err)) == PF_OK) /* a Volume names the privilege */
        st = pf__error_set(err, PF_EOUTPUT, "cannot create the table directory %s: %s (does its parent exist?)",
                           w->dir, strerror(e));
      goto fail;
    }
    w->created_dir = 1;
  } else {
    pf__error_file(err, w->dir);
    st = pf__error_set(err, PF_EOUTPUT, "cannot use %s: %s", w->dir, strerror(errno));
    goto fail;
  }
  sweep_abandoned(w);
  if ((st = pf__delta_log_read(w->dir, &w->st, w->log, err)) != PF_OK) goto fail;
  w->exists = w->st.version >= 0;
  if (w->exists && w->mode == PF_TABLE_ERROR) {
    pf__error_file(err, w->dir);
    st = pf__error_set(err, PF_EEXIST, "the Delta table %s already exists (version %lld); use delta.mode=append to add "
                       "the rows, or delta.mode=overwrite (or output.force) to replace them", w->dir,
                       (long long)w->st.version);
    goto fail;
  }
  if ((st = plan(w, err)) != PF_OK) goto fail;
  /* A new table gets its (empty) _delta_log now: a first write that is
   * killed leaves a directory pyforge recognises as a table without commits
   * (and writes again), not a foreign directory it must refuse. */
  if (!w->exists && (st = pf__delta_mkdirs(w->dir, "_delta_log", &w->created, err)) != PF_OK) goto fail;
  if (w->n_part && !env->opts->row_group_bytes) w->pq_opts.row_group_bytes = PF__DELTA_PART_ROW_GROUP_BYTES;
  pf__log_msg(w->log, PF_LOG_INFO, "delta: %s %s at version %lld, %zu partition column(s)",
              w->exists ? (w->mode == PF_TABLE_OVERWRITE ? "overwriting" : "appending to") : "creating", w->dir,
              (long long)w->st.version, w->n_part);
  *state = w;
  return PF_OK;
fail:
  pf__dw_discard_files(w);
  pf__dw_free(w);
  return st;
}

static pf_status delta_write(void *state, const pf_batch *b, pf_error *err) {
  delta_w *w = state;
  pf_status st = pf__dw_write(w, b, err);
  if (st != PF_OK) pf__error_file(err, w->dir);
  return st;
}

static pf_status delta_close(void *state, pf_error *err) {
  delta_w *w = state;
  return pf__dw_finish_all(w, err);
}

static void delta_abort(void *state) {
  delta_w *w = state;
  if (!w) return;
  pf__dw_discard_files(w);
  pf__dw_free(w);
}

static pf_status delta_commit(void *state, pf__commit_info *info, pf_error *err) {
  delta_w *w = state;
  info->files = (int64_t)w->n_done;
  info->bytes = 0;
  for (size_t i = 0; i < w->n_done; i++) info->bytes += (uint64_t)w->done[i].size;
  pf_status st = pf__dw_commit(w, &info->version, err);
  if (st != PF_OK) pf__dw_discard_files(w);
  pf__dw_free(w);
  return st;
}

const pf__writer_ops pf__delta_writer_ops = {
    .name = "delta",
    .description = "Delta Lake tables: create, append, overwrite, partitions",
    .extensions = "",
    .extensions_note = "TABLE_DIR (a directory)",
    .probe = pf__delta_is_table,         /* an existing table is appended to */
    .describe = pf__delta_table_info,    /* `info TABLE_DIR`: from its log */
    .open = delta_open,
    .write = delta_write,
    .close = delta_close,
    .abort = delta_abort,
    .commit = delta_commit,
};

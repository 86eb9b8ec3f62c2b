/* inspect.c - `info` (what a file holds) and `validate` (can it be
 * converted, and where are its problems) over the same readers convert
 * uses. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/buf.h"
#include "core/format_api.h"
#include "engine/engine.h"
#include "engine/plan.h"
#include "env/env.h"
#include "engine/plugins.h"
#include "engine/registry.h"

static int is_plain_dir(const char *path) {
  struct stat sb;
  return path && strcmp(path, "-") != 0 && stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

static pf_status info_read(const pf__opts *opts, pf_info *info, pf_error *err) {
  int is_path = opts->input && opts->in.kind == PF__INPUT_PATH;
  /* an output a writer recognises (a Delta table): the writer describes it */
  const pf__writer_ops *describer = is_path ? pf__registry_describer(opts->input) : NULL;
  if (!describer && is_path && is_plain_dir(opts->input)) {
    /* a directory that is no table (a Volume's folder): what it holds */
    pf_status dst = pf__dir_info(opts->input, info, err);
    if (dst != PF_OK) pf_info_free(info);
    err->status = dst;
    return dst;
  }
  if (describer) {
    pf_status dst = describer->describe(opts->input, opts, info, err);
    if (dst != PF_OK) {
      if (!err->file[0]) pf__error_file(err, opts->input);
      pf_info_free(info);
    }
    err->status = dst;
    return dst;
  }
  pf__session s;
  pf_status st = pf__session_open(&s, opts, err);
  if (st == PF_OK) st = pf__session_open_reader(&s, err);
  if (st == PF_OK) {
    struct stat sb;
    const pf__opts *in = s.renv.opts; /* standard input: its spooled copy */
    info->path = pf__strdup(opts->input);
    info->format = pf__strdup(s.rops->name);
    if (in->in.kind == PF__INPUT_BUFFER) info->size_bytes = in->in.size;
    else if (in->in.kind == PF__INPUT_FD) info->size_bytes = fstat(in->in.fd, &sb) == 0 ? (uint64_t)sb.st_size : 0;
    else info->size_bytes = stat(opts->input, &sb) == 0 ? (uint64_t)sb.st_size : 0;
    info->rows = -1;
    if (!info->path || !info->format) st = PF_ENOMEM;
  }
  if (st == PF_OK) st = s.rops->info(s.reader, info, err);
  if (st == PF_OK && s.rops->n_tables && s.rops->n_tables(s.reader) > 1) {
    /* A workbook: the sections describe each sheet; the top-level columns
     * are those of the first output a conversion would write, and the
     * groups say which sheets share an output. */
    char target[4096];
    pf__plan plan;
    int named = opts->input && *opts->input && strcmp(opts->input, "-") != 0;
    if (named || (opts->output && *opts->output))
      st = pf__default_output(opts, target, sizeof target, err);
    else /* standard input: no name to derive outputs from; the grouping needs none */
      snprintf(target, sizeof target, "input.parquet");
    if (st == PF_OK) st = pf__plan_build(&plan, s.rops, s.reader, opts, target, NULL, err);
    if (st == PF_OK) {
      pf__buf b;
      pf__buf_init(&b, 1 << 20);
      for (size_t j = 0; j < plan.n_jobs; j++)
        pf__buf_printf(&b, "%s%s", j ? "; " : "", plan.jobs[j].table_names);
      st = pf__info_prop(info, "outputs", "%zu (%s)", plan.n_jobs, b.data ? (char *)b.data : "");
      pf__buf_free(&b);
      if (st == PF_OK) st = s.rops->select(s.reader, plan.jobs[0].tables, plan.jobs[0].n_tables,
                                           plan.jobs[0].table_column, err);
      if (st == PF_OK && plan.n_jobs > 1)
        st = pf__info_prop(info, "columns_of", "the first output (%s)", plan.jobs[0].table_names);
      pf__plan_free(&plan);
    }
  }
  if (st == PF_OK) {
    /* info may read the whole input and widen types: take the schema last */
    info->schema = pf__schema_copy(s.rops->schema(s.reader));
    if (!info->schema) st = PF_ENOMEM;
  }
  pf__session_close(&s);
  if (st != PF_OK) pf_info_free(info);
  err->status = st;
  return st;
}

pf_status pf_info_read(const pf_options *options, pf_info *info, pf_error *err) {
  pf_error local;
  if (!err) err = &local;
  pf_error_init(err);
  if (!info || !options) return pf__error_set(err, PF_EINVAL, "pf_info_read needs options and a result");
  memset(info, 0, sizeof *info);
  pf__opts opts;
  pf__local_paths lp; /* Volume paths mapped and checked (src/env/volume_path.c) */
  PF_TRY(pf__opts_resolve(options, &opts, err));
  PF_TRY(pf__volume_localize_opts(&opts, &lp, err));
  pf__plugins_enter();
  pf_status st = info_read(&lp.opts, info, err);
  pf__plugins_leave();
  if (st != PF_OK) return st;
  /* when the input was last changed (the original CLI's last_modified) */
  const pf__opts *o = &lp.opts;
  struct stat sb;
  int ok = o->in.kind == PF__INPUT_FD ? fstat(o->in.fd, &sb) == 0
           : o->in.kind == PF__INPUT_PATH && !pf__opts_reads_stdin(o) && stat(o->input, &sb) == 0;
  if (ok) info->modified = (double)sb.st_mtim.tv_sec + (double)sb.st_mtim.tv_nsec / 1e9;
  return PF_OK;
}

typedef struct problems {
  pf_validate_result *r;
  int64_t rejected;  /* bad rows reported by the reader */
  int64_t max;
  const char *file;
} problems;

static pf_status keep_problem(problems *p, const pf_error *where) {
  pf_validate_result *r = p->r;
  r->problems_total++;
  if ((int64_t)r->n_problems >= p->max) return PF_OK;
  pf_error *np = realloc(r->problems, (r->n_problems + 1) * sizeof *np);
  if (!np) return PF_ENOMEM;
  r->problems = np;
  np[r->n_problems++] = *where;
  return PF_OK;
}

static pf_status on_reject(void *user, int64_t line, const char *reason,
                           const char *raw, size_t raw_len, pf_error *err) {
  problems *p = user;
  p->rejected++;
  pf_error e;
  pf_error_init(&e);
  pf__error_set(&e, PF_EBADROW, "%s", reason);
  pf__error_file(&e, p->file);
  e.line = line;
  return keep_problem(p, &e);
}

static pf_status check_problem(void *user, const pf_error *where) {
  problems *p = user;
  pf_error e = *where;
  if (!e.file[0]) pf__error_file(&e, p->file);
  return keep_problem(p, &e);
}

/* Reads the selected input to its end, counting rows; a widening restarts
 * the count. Problems with rows arrive through on_reject. */
static pf_status validate_stream(pf__session *s, const pf__opts *opts,
                                 problems *p, pf_error *found, int64_t *rows,
                                 pf_error *err) {
  pf_validate_result *r = p->r;
  size_t first_problem = r->n_problems;
  int64_t problems_before = r->problems_total, rejected_before = p->rejected, rows_before = *rows;
  pf_status st = PF_OK;
  while (st == PF_OK) {
    if (pf__canceled(opts)) return pf__error_set(err, PF_ECANCELED, "validation canceled");
    pf_batch *b = NULL;
    st = s->rops->next(s->reader, &b, found);
    if (st == PF_ERESTART) {
      /* widening is not a problem: read again with the wider schema */
      r->problems_total = problems_before;
      r->n_problems = first_problem;
      p->rejected = rejected_before;
      *rows = rows_before;
      pf_error_init(found);
      st = s->rops->rewind(s->reader, found);
      continue;
    }
    if (st != PF_OK || !b) break;
    *rows += (int64_t)b->n_rows;
  }
  return st;
}

static pf_status validate(const pf__opts *opts, pf_validate_result *r, pf_error *err) {
  problems p = {r, 0, opts->max_problems > 0 ? opts->max_problems : 100, opts->input};
  pf__session s;
  pf_status st = pf__session_open(&s, opts, err);
  if (st != PF_OK) {
    pf__session_close(&s);
    return st;
  }
  r->format = pf__strdup(s.rops->name);
  s.renv.reject = on_reject;
  s.renv.reject_user = &p;
  s.renv.validating = 1;
  pf_error found;
  pf_error_init(&found);
  st = pf__session_open_reader(&s, &found);
  /* Input that cannot be opened at all is the call's failure; input that
   * opens but is malformed is a problem found. */
  if (st == PF_ENOTFOUND || st == PF_EINPUT || st == PF_ENOMEM || st == PF_EINVAL) {
    pf__error_copy(err, &found);
    pf__session_close(&s);
    pf_validate_result_free(r);
    return st;
  }
  int64_t rows = 0;
  if (st == PF_OK && s.rops->check) {
    /* a format read but not converted: every part decoded, not streamed */
    pf__check chk;
    memset(&chk, 0, sizeof chk);
    chk.problem = check_problem;
    chk.user = &p;
    st = s.rops->check(s.reader, &chk, &found);
    rows = chk.rows;
    if (st == PF_OK && !(r->checked = pf__strdup(chk.scope))) st = PF_ENOMEM;
  } else if (st == PF_OK && s.rops->n_tables) {
    /* a workbook: every selected sheet on its own, problems name it */
    pf__opts one = *opts;
    one.excel.sheet_mode = PF_SHEETS_SEPARATE;
    pf__plan plan;
    st = pf__plan_build(&plan, s.rops, s.reader, &one, "", NULL, &found);
    if (st != PF_OK) {
      /* an unknown --sheet: the check cannot run as asked */
      pf__error_copy(err, &found);
      pf__session_close(&s);
      pf_validate_result_free(r);
      return st;
    }
    for (size_t j = 0; st == PF_OK && j < plan.n_jobs; j++) {
      size_t before = r->n_problems;
      const char *sheet = plan.jobs[j].table_names;
      st = s.rops->select(s.reader, plan.jobs[j].tables, 1, NULL, &found);
      if (st == PF_OK) st = validate_stream(&s, opts, &p, &found, &rows, err);
      if (st != PF_OK && st != PF_ECANCELED && st != PF_ENOMEM) {
        /* a sheet that cannot be read is a problem of that sheet; the
         * others are still checked */
        if (!found.file[0]) pf__error_file(&found, opts->input);
        st = keep_problem(&p, &found);
        pf_error_init(&found);
      }
      for (size_t k = before; k < r->n_problems; k++)
        pf__error_table(&r->problems[k], "sheet", sheet, 0);
    }
    pf__plan_free(&plan);
  } else if (st == PF_OK) {
    st = validate_stream(&s, opts, &p, &found, &rows, err);
  }
  if (st != PF_OK && st != PF_ECANCELED && st != PF_ENOMEM && !r->checked) {
    if (!found.file[0]) pf__error_file(&found, opts->input);
    if (keep_problem(&p, &found) != PF_OK) st = PF_ENOMEM;
    else st = PF_OK;
  }
  if (st == PF_OK) {
    r->rows = rows + p.rejected; /* rows with problems are rows too */
    r->valid = r->problems_total == 0;
    if (s.reader) r->schema = pf__schema_copy(s.rops->schema(s.reader));
  } else {
    pf_validate_result_free(r);
    if (st != PF_ECANCELED) pf__error_copy(err, &found);
  }
  pf__session_close(&s);
  err->status = st;
  return st;
}

pf_status pf_validate(const pf_options *options, pf_validate_result *r, pf_error *err) {
  pf_error local;
  if (!err) err = &local;
  pf_error_init(err);
  if (!r || !options) return pf__error_set(err, PF_EINVAL, "pf_validate needs options and a result");
  memset(r, 0, sizeof *r);
  pf__opts opts;
  pf__local_paths lp; /* Volume paths mapped and checked (src/env/volume_path.c) */
  PF_TRY(pf__opts_resolve(options, &opts, err));
  PF_TRY(pf__volume_localize_opts(&opts, &lp, err));
  pf__plugins_enter();
  pf_status st = validate(&lp.opts, r, err);
  pf__plugins_leave();
  return st;
}

void pf_validate_result_free(pf_validate_result *r) {
  if (!r) return;
  free(r->format);
  free(r->checked);
  free(r->problems);
  pf_schema_free(r->schema);
  memset(r, 0, sizeof *r);
}

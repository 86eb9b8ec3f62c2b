/* inspect.c - `info` (what a file holds) and `validate` (can it be
 * converted, and where are its problems) over the same readers convert
 * uses. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/buf.h"
#include "engine/engine.h"

pf_status pf_info_read(const pf_convert_options *opts, pf_info *info,
                       pf_error *err) {
  pf_error local;
  if (!err) err = &local;
  pf_error_init(err);
  if (!info || !opts) return pf__error_set(err, PF_EINVAL, "pf_info_read needs options and a result");
  memset(info, 0, sizeof *info);
  pf__session s;
  pf_status st = pf__session_open(&s, opts, err);
  if (st == PF_OK) st = pf__session_open_reader(&s, err);
  if (st == PF_OK) {
    struct stat sb;
    info->path = pf__strdup(opts->input);
    info->format = pf__strdup(s.rops->name);
    info->size_bytes = stat(opts->input, &sb) == 0 ? (uint64_t)sb.st_size : 0;
    info->rows = -1;
    if (!info->path || !info->format) st = PF_ENOMEM;
  }
  if (st == PF_OK) st = s.rops->info(s.reader, info, err);
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

pf_status pf_validate(const pf_convert_options *opts, pf_validate_result *r,
                      pf_error *err) {
  pf_error local;
  if (!err) err = &local;
  pf_error_init(err);
  if (!r || !opts) return pf__error_set(err, PF_EINVAL, "pf_validate needs options and a result");
  memset(r, 0, sizeof *r);
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
  while (st == PF_OK) {
    if (pf__canceled(opts)) {
      st = pf__error_set(err, PF_ECANCELED, "validation canceled");
      break;
    }
    pf_batch *b = NULL;
    st = s.rops->next(s.reader, &b, &found);
    if (st == PF_ERESTART) {
      /* widening is not a problem: read again with the wider schema */
      r->problems_total = 0;
      r->n_problems = 0;
      p.rejected = 0;
      rows = 0;
      pf_error_init(&found);
      st = s.rops->rewind(s.reader, &found);
      continue;
    }
    if (st != PF_OK || !b) break;
    rows += (int64_t)b->n_rows;
  }
  if (st == PF_EUNSUPPORTED && rows == 0 && s.reader) {
    st = PF_OK; /* a format we can describe but not read (Parquet): valid */
  } else if (st != PF_OK && st != PF_ECANCELED && st != PF_ENOMEM) {
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

void pf_validate_result_free(pf_validate_result *r) {
  if (!r) return;
  free(r->format);
  free(r->problems);
  pf_schema_free(r->schema);
  memset(r, 0, sizeof *r);
}

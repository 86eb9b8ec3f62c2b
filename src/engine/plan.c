/* plan.c - from an opened reader to the list of outputs to write.
 *
 * Single-table inputs (CSV, XML) give one job: the input to the target.
 * Multi-table inputs (workbooks) go through three steps:
 *   select  --sheet names in the order given (an unknown name is an error
 *           listing the sheets), else every sheet in workbook order; sheets
 *           without rows are left out and reported;
 *   group   --separate: one output per sheet; otherwise sheets whose header
 *           signatures are equal share one output with a sheet_name column
 *           (the original PyForge CLI's grouping, without its prompt);
 *   name    one output: the target itself (a file); several: a directory
 *           (OUTPUT, or <stem>_<writer> beside the input) holding
 *           <stem>_<first sheet of the group><ext>, names sanitised and made
 *           unique, so two groups never write the same file.
 */
#include "engine/plan.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"
#include "engine/engine.h"
#include "engine/registry.h"

/* The part of path after its last '/' and before its extensions: data.csv.gz
 * -> "data" in (*base, *len). */
static void path_stem(const char *path, const char **base, size_t *len) {
  const char *ext;
  size_t stem;
  pf__path_ext(path, &ext, &stem);
  *base = path;
  for (size_t i = 0; i < stem; i++)
    if (path[i] == '/') *base = path + i + 1;
  *len = (size_t)(path + stem - *base);
}

pf_status pf__default_output(const pf__opts *o, char *buf, size_t n, pf_error *err) {
  if (!pf__opts_has_input(o))
    return pf__error_set(err, PF_EINVAL, "no input given (input.path, or an fd or buffer input)");
  const char *input = o->input ? o->input : "";
  int named = *input && strcmp(input, "-") != 0;
  if (o->output && *o->output) {
    if (strlen(o->output) >= n) return pf__error_set(err, PF_EINVAL, "output path too long");
    strcpy(buf, o->output);
    /* An existing directory as OUTPUT of a file writer: the file goes into
     * it with the default name (like cp). Table writers own directories. */
    struct stat sb;
    const pf__writer_ops *w;
    if (named && stat(o->output, &sb) == 0 && S_ISDIR(sb.st_mode) &&
        pf__registry_writer(o->output, o->output_format, &w, NULL) == PF_OK && !w->commit) {
      const char *base;
      size_t base_len, dl = strlen(o->output);
      path_stem(input, &base, &base_len);
      while (dl > 1 && o->output[dl - 1] == '/') dl--;
      int k = snprintf(buf, n, "%.*s/%.*s%.*s", (int)dl, o->output, (int)base_len, base,
                       (int)strcspn(w->extensions, " "), w->extensions);
      if (k < 0 || (size_t)k >= n) return pf__error_set(err, PF_EINVAL, "output path too long");
    }
    return PF_OK;
  }
  if (!named)
    return pf__error_set(err, PF_EINVAL, "reading %s needs an output path (output.path)",
                         *input ? "standard input" : "an fd or buffer without a name");
  const pf__writer_ops *w;
  PF_TRY(pf__registry_writer(NULL, o->output_format, &w, err));
  /* the writer's first listed extension; a table writer's directory is
   * named <stem>_<format> (data.csv -> data_delta) */
  char table_suffix[64];
  const char *ext = w->extensions;
  if (w->commit) {
    snprintf(table_suffix, sizeof table_suffix, "_%s", w->name);
    ext = table_suffix;
  }
  size_t ext_len = strcspn(ext, " ");
  size_t stem;
  const char *in_ext;
  pf__path_ext(input, &in_ext, &stem);
  if (stem + ext_len + 1 > n) return pf__error_set(err, PF_EINVAL, "output path too long");
  memcpy(buf, input, stem);
  memcpy(buf + stem, ext, ext_len);
  buf[stem + ext_len] = 0;
  return PF_OK;
}

static void job_free(pf__job *j) {
  free(j->target);
  free(j->tables);
  free(j->table_names);
}

void pf__plan_free(pf__plan *p) {
  if (!p) return;
  for (size_t i = 0; i < p->n_jobs; i++) job_free(&p->jobs[i]);
  free(p->jobs);
  free(p->dir);
  for (size_t i = 0; i < p->n_skipped; i++) free(p->skipped[i]);
  free(p->skipped);
  memset(p, 0, sizeof *p);
}

static pf_status add_job(pf__plan *p, pf__job **out) {
  pf__job *nj = realloc(p->jobs, (p->n_jobs + 1) * sizeof *nj);
  if (!nj) return PF_ENOMEM;
  p->jobs = nj;
  *out = &nj[p->n_jobs++];
  memset(*out, 0, sizeof **out);
  return PF_OK;
}

/* Sheet name -> file name part: runs of <>:"/\|?* , white space and
 * control characters become one '_' (the original CLI's rule, plus control
 * characters); a leading '.' too, so no hidden or relative names. */
static char *sanitize(const char *name) {
  size_t n = strlen(name);
  char *s = malloc(n + 8);
  if (!s) return NULL;
  size_t o = 0;
  int in_run = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)name[i];
    int bad = c < 0x20 || c == 0x7f || strchr("<>:\"/\\|?* \t\r\n\v\f", c) != NULL ||
              (o == 0 && c == '.');
    if (bad) {
      if (!in_run) s[o++] = '_';
      in_run = 1;
    } else {
      s[o++] = (char)c;
      in_run = 0;
    }
  }
  s[o] = 0;
  if (o == 0 || strcmp(s, "_") == 0) strcpy(s, "sheet");
  return s;
}

/* Is path already the target of an earlier job (the last job is the one
 * being named)? Compared ignoring case, for case-insensitive filesystems. */
static int name_taken(const pf__plan *p, const char *path) {
  for (size_t i = 0; i + 1 < p->n_jobs; i++)
    if (p->jobs[i].target && strcasecmp(p->jobs[i].target, path) == 0) return 1;
  return 0;
}

static pf_status list_tables(pf__buf *b, const pf__reader_ops *rops, void *reader) {
  size_t n = rops->n_tables(reader);
  for (size_t i = 0; i < n; i++) {
    pf__table_desc d;
    pf_error e;
    if (rops->table(reader, i, &d, &e) != PF_OK) continue;
    pf__buf_printf(b, "%s'%s'", i ? ", " : "", d.name);
  }
  return PF_OK;
}

/* --sheet names -> indexes (exact match first, then ignoring case). */
static pf_status select_named(const pf__reader_ops *rops, void *reader,
                              const pf__opts *opts, size_t *sel,
                              size_t *n_sel, pf_error *err) {
  size_t n = rops->n_tables(reader);
  *n_sel = 0;
  for (size_t k = 0; k < opts->excel.n_sheets; k++) {
    const char *want = opts->excel.sheets[k];
    size_t found = n;
    for (int pass = 0; pass < 2 && found == n; pass++)
      for (size_t i = 0; i < n; i++) {
        pf__table_desc d;
        PF_TRY(rops->table(reader, i, &d, err));
        if (pass == 0 ? strcmp(d.name, want) == 0 : strcasecmp(d.name, want) == 0) {
          found = i;
          break;
        }
      }
    if (found == n) {
      pf__buf b;
      pf__buf_init(&b, 1 << 16);
      list_tables(&b, rops, reader);
      pf__error_set(err, PF_ENOTFOUND, "no sheet named '%s'; the workbook has: %s", want,
                    b.data ? (char *)b.data : "");
      pf__buf_free(&b);
      pf__error_file(err, opts->input);
      return PF_ENOTFOUND;
    }
    int dup = 0;
    for (size_t j = 0; j < *n_sel; j++) dup |= sel[j] == found;
    if (!dup) sel[(*n_sel)++] = found;
  }
  return PF_OK;
}

pf_status pf__plan_build(pf__plan *p, const pf__reader_ops *rops, void *reader,
                         const pf__opts *opts, const char *target,
                         const pf__writer_ops *w, pf_error *err) {
  memset(p, 0, sizeof *p);
  if (!w) PF_TRY(pf__registry_writer(NULL, NULL, &w, err)); /* the default: parquet */
  int table_writer = pf__writer_is_table(w);
  char ext[32]; /* a file writer's first extension: ".parquet" */
  snprintf(ext, sizeof ext, "%.*s", (int)strcspn(w->extensions, " "), w->extensions);
  pf__job *job;
  size_t n = rops->n_tables ? rops->n_tables(reader) : 0;
  if (n == 0) {
    if (opts->excel.n_sheets)
      return pf__error_set(err, PF_EINVAL, "excel.sheets applies to workbooks; %s has no sheets",
                           opts->input);
    PF_TRY(add_job(p, &job));
    job->target = pf__strdup(target);
    return job->target ? PF_OK : PF_ENOMEM;
  }

  size_t *sel = calloc(n + opts->excel.n_sheets + 1, sizeof *sel), n_sel = 0;
  pf__table_desc *desc = calloc(n, sizeof *desc);
  size_t *group = calloc(n, sizeof *group); /* group number per selected */
  pf_status st = (sel && desc && group) ? PF_OK : PF_ENOMEM;
  for (size_t i = 0; st == PF_OK && i < n; i++) st = rops->table(reader, i, &desc[i], err);
  if (st == PF_OK && opts->excel.n_sheets) {
    st = select_named(rops, reader, opts, sel, &n_sel, err);
  } else if (st == PF_OK) {
    for (size_t i = 0; i < n; i++) {
      if (desc[i].signature[0]) {
        sel[n_sel++] = i;
      } else {
        char **ns = realloc(p->skipped, (p->n_skipped + 1) * sizeof *ns);
        if (!ns || !(ns[p->n_skipped] = pf__strdup(desc[i].name))) {
          if (ns) p->skipped = ns;
          st = PF_ENOMEM;
          break;
        }
        p->skipped = ns;
        p->n_skipped++;
      }
    }
    if (st == PF_OK && n_sel == 0)
      st = pf__error_set(err, PF_EEMPTY, "the workbook has no sheet with data (%zu empty sheet%s)",
                         n, n == 1 ? "" : "s");
  }
  /* group: by signature unless --separate */
  size_t n_groups = 0;
  for (size_t k = 0; st == PF_OK && k < n_sel; k++) {
    group[k] = n_groups;
    if (opts->excel.sheet_mode != PF_SHEETS_SEPARATE && desc[sel[k]].signature[0])
      for (size_t j = 0; j < k; j++)
        if (strcmp(desc[sel[j]].signature, desc[sel[k]].signature) == 0) {
          group[k] = group[j];
          break;
        }
    if (group[k] == n_groups) n_groups++;
  }

  /* name */
  const char *base, *in_ext;
  size_t base_len, stem_len;
  path_stem(opts->input, &base, &base_len);
  pf__path_ext(opts->input, &in_ext, &stem_len);
  if (st == PF_OK && n_groups > 1) {
    if (opts->output && *opts->output) {
      const char *oext;
      if (!table_writer && pf__path_ext(opts->output, &oext, NULL) && strcasecmp(oext, ext) == 0) {
        st = pf__error_set(err, PF_EINVAL,
                           "the workbook gives %zu outputs (sheets with different headers), so "
                           "output.path must be a directory, not %s; or choose sheets with "
                           "excel.sheets",
                           n_groups, opts->output);
      } else {
        p->dir = pf__strdup(opts->output);
      }
    } else {
      p->dir = pf__aprintf("%.*s_%s", (int)stem_len, opts->input, w->name);
    }
    if (st == PF_OK && !p->dir) st = PF_ENOMEM;
    while (st == PF_OK && p->dir && strlen(p->dir) > 1 && p->dir[strlen(p->dir) - 1] == '/')
      p->dir[strlen(p->dir) - 1] = 0;
  }
  for (size_t g = 0; st == PF_OK && g < n_groups; g++) {
    st = add_job(p, &job);
    if (st != PF_OK) break;
    pf__buf names;
    pf__buf_init(&names, 1 << 20);
    for (size_t k = 0; k < n_sel; k++) {
      if (group[k] != g) continue;
      if (!job->tables) job->tables = calloc(n_sel, sizeof *job->tables);
      if (!job->tables) {
        st = PF_ENOMEM;
        break;
      }
      job->tables[job->n_tables++] = sel[k];
      pf__buf_printf(&names, "%s%s", job->n_tables > 1 ? "," : "", desc[sel[k]].name);
    }
    job->table_names = pf__buf_take(&names);
    if (st == PF_OK && !job->table_names) st = PF_ENOMEM;
    if (st != PF_OK) break;
    if (job->n_tables > 1) job->table_column = "sheet_name";
    if (n_groups == 1) {
      job->target = pf__strdup(target);
    } else {
      char *part = sanitize(desc[job->tables[0]].name);
      for (int k = 1; part && k < 10000; k++) {
        job->target = k == 1 ? pf__aprintf("%s/%.*s_%s%s", p->dir, (int)base_len, base, part,
                                           table_writer ? "" : ext)
                             : pf__aprintf("%s/%.*s_%s_%d%s", p->dir, (int)base_len, base, part, k,
                                           table_writer ? "" : ext);
        if (!job->target || !name_taken(p, job->target)) break;
        free(job->target);
        job->target = NULL;
      }
      free(part);
    }
    if (!job->target) st = PF_ENOMEM;
  }
  free(sel);
  free(desc);
  free(group);
  if (st != PF_OK) pf__plan_free(p);
  return st;
}

pf_status pf__plan_make_dir(pf__plan *p, pf_error *err) {
  if (!p->dir) return PF_OK;
  if (mkdir(p->dir, 0777) == 0) {
    p->dir_created = 1;
    return PF_OK;
  }
  struct stat sb;
  if (errno == EEXIST && stat(p->dir, &sb) == 0 && S_ISDIR(sb.st_mode)) return PF_OK;
  pf__error_file(err, p->dir);
  return pf__error_set(err, PF_EOUTPUT, "cannot create the output directory %s: %s", p->dir,
                       errno == EEXIST ? "a file of that name exists" : strerror(errno));
}

void pf__plan_undo_dir(pf__plan *p) {
  if (p->dir && p->dir_created) rmdir(p->dir); /* only if empty */
  p->dir_created = 0;
}

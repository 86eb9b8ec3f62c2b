/* plan.c - from an opened reader to the list of outputs to write.
 *
 * Single-table inputs (CSV, XML) give one job: the input to the target.
 * Multi-table inputs (a workbook's sheets, a database's tables: the reader
 * names them with table_word / tables_in) go through three steps:
 *   select  the names the reader's tables_key lists (excel.sheets,
 *           access.tables), in the order given (an unknown name is an error
 *           listing the tables), else every table in input order; tables
 *           without rows are left out and reported; another reader's key
 *           (excel.sheets for a database) is an error naming the right one;
 *   group   a reader with tables_apart: one output per table; otherwise
 *           --separate: one output per sheet, else sheets whose header
 *           signatures are equal share one output with a sheet_name column
 *           (the original PyForge CLI's grouping, without its prompt);
 *   name    one output: the target itself (a file); several: a directory
 *           (OUTPUT, or <stem>_<writer> beside the input) holding
 *           <stem>_<first table of the group><ext> (apart: <table><ext>;
 *           standard input's stem is "stdin"),
 *           names sanitised and made unique, so two groups never write the
 *           same file.
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
  free(j->table_column);
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

void pf__plan_drop_job(pf__plan *p, size_t j) {
  if (j >= p->n_jobs) return;
  job_free(&p->jobs[j]);
  memmove(&p->jobs[j], &p->jobs[j + 1], (p->n_jobs - j - 1) * sizeof *p->jobs);
  p->n_jobs--;
}

static pf_status add_job(pf__plan *p, pf__job **out) {
  pf__job *nj = realloc(p->jobs, (p->n_jobs + 1) * sizeof *nj);
  if (!nj) return PF_ENOMEM;
  p->jobs = nj;
  *out = &nj[p->n_jobs++];
  memset(*out, 0, sizeof **out);
  return PF_OK;
}

/* How a multi-table reader names its tables and lets them be chosen
 * (pf_reader_def, minor 2); the defaults for a reader that says nothing. */
typedef struct table_words {
  const char *one; /* "sheet", "table"                                    */
  const char *in;  /* "workbook", "database", "input"                      */
  const char *key; /* "excel.sheets", "access.tables"; NULL: no selection  */
} table_words;

static table_words words_of(const pf__reader_ops *r) {
  table_words w = {r->table_word && *r->table_word ? r->table_word : "table",
                   r->tables_in && *r->tables_in ? r->tables_in : "input",
                   r->tables_key && *r->tables_key ? r->tables_key : NULL};
  return w;
}

const char *pf__table_word(const pf__reader_ops *rops) { return words_of(rops).one; }

/* Sheet name -> file name part: runs of <>:"/\|?* , white space and
 * control characters become one '_' (the original CLI's rule, plus control
 * characters); a leading '.' too, so no hidden or relative names. */
static char *sanitize(const char *name, const char *word) {
  size_t n = strlen(name), cap = (n > strlen(word) ? n : strlen(word)) + 8;
  char *s = malloc(cap);
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
  if (o == 0 || strcmp(s, "_") == 0) snprintf(s, cap, "%s", word);
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

/* The names tables_key lists -> indexes (exact match first, then ignoring
 * case; a name given twice counts once). */
static pf_status select_named(const pf__reader_ops *rops, void *reader, const pf__opts *opts,
                              table_words w, size_t *sel, size_t *n_sel, pf_error *err) {
  size_t n = rops->n_tables(reader), n_want = pf__opts_count(opts, w.key);
  *n_sel = 0;
  for (size_t k = 0; k < n_want; k++) {
    const char *want = pf__opts_item(opts, w.key, k);
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
      pf__error_set(err, PF_ENOTFOUND, "no %s named '%s'; the %s has: %s", w.one, want, w.in,
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

/* A selection made with another reader's key (excel.sheets given for a
 * database or a CSV file): an error naming whose key it is and, when this
 * input's reader has one, its own. */
static pf_status foreign_selection(const pf__reader_ops *rops, const pf__opts *opts, int has_tables,
                                   pf_error *err) {
  table_words mine = words_of(rops);
  const pf__registry *reg = pf__registry_get();
  for (size_t i = 0; i < reg->n_readers; i++) {
    table_words other = words_of(reg->readers[i].reader);
    if (!other.key || (mine.key && strcmp(other.key, mine.key) == 0) ||
        pf__opts_count(opts, other.key) == 0)
      continue;
    if (has_tables && mine.key)
      return pf__error_set(err, PF_EINVAL, "%s applies to %ss; %s holds %ss: choose them with %s",
                           other.key, other.in, opts->input, mine.one, mine.key);
    if (has_tables)
      return pf__error_set(err, PF_EINVAL, "%s applies to %ss, not to %s", other.key, other.in,
                           opts->input);
    return pf__error_set(err, PF_EINVAL, "%s applies to %ss; %s has no %ss", other.key, other.in,
                         opts->input, other.one);
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
  PF_TRY(foreign_selection(rops, opts, n > 0, err));
  if (n == 0) {
    PF_TRY(add_job(p, &job));
    job->target = pf__strdup(target);
    return job->target ? PF_OK : PF_ENOMEM;
  }

  table_words tw = words_of(rops);
  size_t n_want = pf__opts_count(opts, tw.key);
  size_t *sel = calloc(n + n_want + 1, sizeof *sel), n_sel = 0;
  pf__table_desc *desc = calloc(n, sizeof *desc);
  size_t *group = calloc(n, sizeof *group); /* group number per selected */
  pf_status st = (sel && desc && group) ? PF_OK : PF_ENOMEM;
  for (size_t i = 0; st == PF_OK && i < n; i++) st = rops->table(reader, i, &desc[i], err);
  if (st == PF_OK && n_want) {
    st = select_named(rops, reader, opts, tw, sel, &n_sel, err);
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
      st = pf__error_set(err, PF_EEMPTY, "the %s has no %s with data (%zu empty %s%s)", tw.in,
                         tw.one, n, tw.one, n == 1 ? "" : "s");
  }
  /* group: by signature unless --separate (or the reader's tables are
   * each their own output: a database's tables) */
  int apart = rops->tables_apart;
  size_t n_groups = 0;
  for (size_t k = 0; st == PF_OK && k < n_sel; k++) {
    group[k] = n_groups;
    if (!apart && opts->excel.sheet_mode != PF_SHEETS_SEPARATE && desc[sel[k]].signature[0])
      for (size_t j = 0; j < k; j++)
        if (strcmp(desc[sel[j]].signature, desc[sel[k]].signature) == 0) {
          group[k] = group[j];
          break;
        }
    if (group[k] == n_groups) n_groups++;
  }

  /* name */
  /* standard input's outputs are named after "stdin" (stdin_Sales.parquet) */
  const char *in_name = opts->input && strcmp(opts->input, "-") == 0 ? "stdin" : opts->input;
  const char *base, *in_ext;
  size_t base_len, stem_len;
  path_stem(in_name, &base, &base_len);
  pf__path_ext(in_name, &in_ext, &stem_len);
  if (st == PF_OK && (n_groups > 1 || apart)) {
    if (opts->output && *opts->output) {
      const char *oext;
      if (!table_writer && pf__path_ext(opts->output, &oext, NULL) && strcasecmp(oext, ext) == 0) {
        if (apart)
          st = pf__error_set(err, PF_EINVAL,
                             "each %s of the %s is its own output, in a directory: output.path "
                             "must be a directory, not %s",
                             tw.one, tw.in, opts->output);
        else
          st = pf__error_set(err, PF_EINVAL,
                             "the %s gives %zu outputs (%ss with different headers), so "
                             "output.path must be a directory, not %s%s%s%s%s",
                             tw.in, n_groups, tw.one, opts->output, tw.key ? "; or choose " : "",
                             tw.key ? tw.one : "", tw.key ? "s with " : "", tw.key ? tw.key : "");
      } else {
        p->dir = pf__strdup(opts->output);
      }
    } else {
      p->dir = pf__aprintf("%.*s_%s", (int)stem_len, in_name, w->name);
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
    if (job->n_tables > 1 && !(job->table_column = pf__aprintf("%s_name", tw.one))) {
      st = PF_ENOMEM;
      break;
    }
    if (n_groups == 1 && !apart) {
      job->target = pf__strdup(target);
    } else {
      /* <stem>_<part>, or a table apart by its name alone */
      char *part = sanitize(desc[job->tables[0]].name, tw.one);
      int bl = apart ? 0 : (int)base_len;
      const char *sep = apart ? "" : "_";
      for (int k = 1; part && k < 10000; k++) {
        job->target = k == 1 ? pf__aprintf("%s/%.*s%s%s%s", p->dir, bl, base, sep, part,
                                           table_writer ? "" : ext)
                             : pf__aprintf("%s/%.*s%s%s_%d%s", p->dir, bl, base, sep, part, k,
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

/* batch_inputs.c - the files a batch converts: its paths and glob patterns
 * expanded (glob(3) within a directory, ** across directories through the
 * streamed directory listing), sorted per pattern, each file kept once; a
 * dBase memo file a pattern matched beside its table is left to the table. */
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "core/buf.h"
#include "core/error.h"
#include "engine/batch.h"

int pf__glob_has_magic(const char *t) { return t && strpbrk(t, "*?[") != NULL; }

/* ---- a set of strings ---- */

static size_t hash_str(const char *s) {
  size_t h = 1469598103934665603ull;
  for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
  return h;
}

static int strset_grow(pf__strset *s) {
  size_t cap = s->cap ? s->cap * 2 : 64;
  const char **keys = calloc(cap, sizeof *keys);
  size_t *values = calloc(cap, sizeof *values);
  if (!keys || !values) {
    free(keys);
    free(values);
    return -1;
  }
  for (size_t i = 0; i < s->cap; i++) {
    if (!s->keys[i]) continue;
    size_t j = hash_str(s->keys[i]) & (cap - 1);
    while (keys[j]) j = (j + 1) & (cap - 1);
    keys[j] = s->keys[i];
    values[j] = s->values[i];
  }
  free(s->keys);
  free(s->values);
  s->keys = keys;
  s->values = values;
  s->cap = cap;
  return 0;
}

int pf__strset_add(pf__strset *s, const char *key, size_t value, size_t *old) {
  if ((s->n + 1) * 2 > s->cap && strset_grow(s) < 0) return -1;
  size_t j = hash_str(key) & (s->cap - 1);
  for (; s->keys[j]; j = (j + 1) & (s->cap - 1))
    if (strcmp(s->keys[j], key) == 0) {
      if (old) *old = s->values[j];
      return 1;
    }
  s->keys[j] = key;
  s->values[j] = value;
  s->n++;
  return 0;
}

int pf__strset_has(const pf__strset *s, const char *key) {
  if (!s->cap) return 0;
  for (size_t j = hash_str(key) & (s->cap - 1); s->keys[j]; j = (j + 1) & (s->cap - 1))
    if (strcmp(s->keys[j], key) == 0) return 1;
  return 0;
}

void pf__strset_free(pf__strset *s) {
  free(s->keys);
  free(s->values);
  memset(s, 0, sizeof *s);
}

/* ---- lists of paths ---- */

typedef struct paths {
  char **v;
  size_t n, cap;
} paths;

static pf_status paths_push(paths *p, char *s) { /* takes s */
  if (!s) return PF_ENOMEM;
  if (p->n == p->cap) {
    size_t cap = p->cap ? p->cap * 2 : 16;
    char **v = realloc(p->v, cap * sizeof *v);
    if (!v) {
      free(s);
      return PF_ENOMEM;
    }
    p->v = v;
    p->cap = cap;
  }
  p->v[p->n++] = s;
  return PF_OK;
}

static void paths_free(paths *p) {
  for (size_t i = 0; i < p->n; i++) free(p->v[i]);
  free(p->v);
  memset(p, 0, sizeof *p);
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static int is_file(const char *path) {
  struct stat sb;
  return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* A symbolic link whose target does not exist (a match all the same: the
 * batch reports it rather than dropping it). */
static int is_broken_link(const char *path) {
  struct stat sb;
  return lstat(path, &sb) == 0 && S_ISLNK(sb.st_mode) && stat(path, &sb) != 0;
}

/* "dir" + "/" + "rest", where dir "" means the current directory. */
static char *join(const char *dir, size_t dir_len, const char *rest) {
  if (dir_len == 0) return pf__strdup(rest);
  int slash = dir[dir_len - 1] != '/';
  return pf__aprintf("%.*s%s%s", (int)dir_len, dir, slash ? "/" : "", rest);
}

static pf_status expand(const char *pattern, paths *out);

/* Regular files matching a pattern without "**" (glob(3)). */
static pf_status glob_files(const char *pattern, int only_dirs, paths *out) {
  glob_t g;
  memset(&g, 0, sizeof g);
  int r = glob(pattern, only_dirs ? GLOB_ONLYDIR : 0, NULL, &g);
  pf_status st = r == GLOB_NOSPACE ? PF_ENOMEM : PF_OK;
  for (size_t i = 0; st == PF_OK && r == 0 && i < g.gl_pathc; i++) {
    const char *m = g.gl_pathv[i];
    struct stat sb;
    if (stat(m, &sb) != 0) {
      if (!only_dirs && is_broken_link(m)) st = paths_push(out, pf__strdup(m));
      continue;
    }
    if (only_dirs ? S_ISDIR(sb.st_mode) : S_ISREG(sb.st_mode)) st = paths_push(out, pf__strdup(m));
  }
  globfree(&g);
  return st;
}

/* Every directory under base (base included), at any depth; symbolic
 * links are never followed (pf_dir_list lists them as "other"). */
static pf_status walk_dirs(const char *base, paths *dirs) {
  PF_TRY(paths_push(dirs, pf__strdup(base)));
  pf_dir_list *l = NULL;
  if (pf_dir_list_open(*base ? base : ".", PF_STAT_RECURSIVE, &l, NULL) != PF_OK) return PF_OK;
  const pf_dir_entry *e;
  pf_status st = PF_OK;
  while (st == PF_OK && pf_dir_list_next(l, &e, NULL) == PF_OK && e)
    if (e->kind == PF_ENTRY_DIR) st = paths_push(dirs, join(base, strlen(base), e->path));
  pf_dir_list_close(l);
  return st;
}

/* A pattern with a "**" segment: the prefix before it, the rest after. */
static pf_status expand_globstar(const char *pattern, size_t at, paths *out) {
  size_t prefix_len = at > 0 ? at - 1 : 0; /* without the '/' before ** */
  const char *rest = pattern + at + 2;
  if (*rest == '/') rest++;
  char *prefix = pf__aprintf("%.*s", (int)prefix_len, pattern);
  if (!prefix) return PF_ENOMEM;
  paths bases = {0}, dirs = {0};
  pf_status st = PF_OK;
  if (pf__glob_has_magic(prefix)) st = glob_files(prefix, 1, &bases);
  else st = paths_push(&bases, pf__strdup(prefix));
  for (size_t b = 0; st == PF_OK && b < bases.n; b++) st = walk_dirs(bases.v[b], &dirs);
  for (size_t d = 0; st == PF_OK && d < dirs.n; d++) {
    const char *dir = dirs.v[d];
    if (*rest) {
      char *sub = join(dir, strlen(dir), rest);
      st = sub ? expand(sub, out) : PF_ENOMEM;
      free(sub);
      continue;
    }
    /* a last ** segment: every regular file at any depth, each directory once */
    pf_dir_list *l = NULL;
    if (pf_dir_list_open(*dir ? dir : ".", 0, &l, NULL) != PF_OK) continue;
    const pf_dir_entry *e;
    while (st == PF_OK && pf_dir_list_next(l, &e, NULL) == PF_OK && e) {
      if (e->kind == PF_ENTRY_FILE) st = paths_push(out, join(dir, strlen(dir), e->name));
      if (e->kind != PF_ENTRY_OTHER) continue;
      char *p = join(dir, strlen(dir), e->name); /* a broken link: reported */
      if (p && is_broken_link(p)) st = paths_push(out, p);
      else free(p);
    }
    pf_dir_list_close(l);
  }
  paths_free(&bases);
  paths_free(&dirs);
  free(prefix);
  return st;
}

/* Position of the first "**" path segment, or -1. */
static long globstar_at(const char *p) {
  for (const char *s = p; (s = strstr(s, "**")) != NULL; s += 2) {
    int starts = s == p || s[-1] == '/';
    int ends = s[2] == '\0' || s[2] == '/';
    if (starts && ends) return (long)(s - p);
  }
  return -1;
}

static pf_status expand(const char *pattern, paths *out) {
  long at = globstar_at(pattern);
  if (at >= 0) return expand_globstar(pattern, (size_t)at, out);
  return glob_files(pattern, 0, out);
}

/* Where this process reaches a pattern: a Volume's local path (the mount
 * root may be moved for tests), else the pattern. */
static char *local_pattern(const char *pattern) {
  pf_volume_path *vp = NULL;
  char *r = NULL;
  if (pf_volume_path_parse(pattern, &vp, NULL) == PF_OK && vp->kind == PF_PATH_VOLUME &&
      vp->local_path)
    r = pf__strdup(vp->local_path);
  else
    r = pf__strdup(pattern);
  pf_volume_path_free(vp);
  return r;
}

static pf_status add_input(pf__batch_inputs *in, pf__strset *seen, char *path, size_t source,
                           int no_match, int broken, int named) {
  if (!path) return PF_ENOMEM;
  if (!no_match) {
    size_t old = 0;
    int r = pf__strset_add(seen, path, in->n, &old);
    if (r < 0) {
      free(path);
      return PF_ENOMEM;
    }
    if (r == 1) { /* converted once, for the first source that reached it */
      in->v[old].named |= named;
      free(path);
      return PF_OK;
    }
  }
  if (in->n == in->cap) {
    size_t cap = in->cap ? in->cap * 2 : 16;
    pf__batch_input *v = realloc(in->v, cap * sizeof *v);
    if (!v) {
      free(path);
      return PF_ENOMEM;
    }
    in->v = v;
    in->cap = cap;
  }
  in->v[in->n++] = (pf__batch_input){path, source, no_match, broken, named};
  return PF_OK;
}

/* Is path a dBase memo file (.dbt, .fpt) whose table (the same name with
 * .dbf, .DBF or .Dbf) is in the batch too? The table's conversion reads it. */
static int memo_of_listed_table(const pf__strset *seen, const char *path) {
  const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');
  if (!dot || (slash && dot < slash) || (strcasecmp(dot, ".dbt") && strcasecmp(dot, ".fpt"))) return 0;
  size_t stem = (size_t)(dot - path);
  char *t = malloc(stem + 5);
  int found = 0;
  for (const char *ext = ".dbf\0.DBF\0.Dbf\0"; t && *ext && !found; ext += 5) {
    memcpy(t, path, stem);
    memcpy(t + stem, ext, 5);
    found = pf__strset_has(seen, t);
  }
  free(t);
  return found;
}

/* Drops the memo files patterns matched beside their tables (the pattern 'data/c*'
 * matches customers.dbf and customers.dbt: one table, one output); a memo
 * file named as a path stays an item. */
static pf_status leave_memos_to_tables(pf__batch_inputs *in, const pf__strset *seen) {
  /* decided first, freed after: the set borrows every path */
  unsigned char *drop = calloc(in->n ? in->n : 1, 1);
  if (!drop) return PF_ENOMEM;
  for (size_t k = 0; k < in->n; k++) {
    const pf__batch_input *x = &in->v[k];
    drop[k] = !x->named && !x->no_match && !x->broken && memo_of_listed_table(seen, x->path);
  }
  size_t w = 0;
  for (size_t k = 0; k < in->n; k++) {
    if (drop[k]) free(in->v[k].path);
    else in->v[w++] = in->v[k];
  }
  in->n = w;
  free(drop);
  return PF_OK;
}

pf_status pf__batch_expand(const char *const *sources, const int *literal, size_t n_sources,
                           pf__batch_inputs *out, pf_error *err) {
  memset(out, 0, sizeof *out);
  /* the set borrows the inputs' strings, which stay where they are when
   * the array of inputs grows */
  pf__strset seen = {0};
  pf_status st = PF_OK;
  for (size_t i = 0; st == PF_OK && i < n_sources; i++) {
    const char *src = sources[i];
    if (literal[i] || !pf__glob_has_magic(src)) {
      st = add_input(out, &seen, pf__strdup(src), i, 0, 0, 1);
      continue;
    }
    char *local = local_pattern(src);
    paths found = {0};
    st = local ? expand(local, &found) : PF_ENOMEM;
    free(local);
    if (st == PF_OK && found.n > 1) qsort(found.v, found.n, sizeof *found.v, cmp_str);
    size_t matched = 0;
    for (size_t k = 0; st == PF_OK && k < found.n; k++) {
      int broken = !is_file(found.v[k]);
      if (broken && !is_broken_link(found.v[k])) continue;
      st = add_input(out, &seen, found.v[k], i, 0, broken, 0);
      found.v[k] = NULL;
      matched++;
    }
    if (st == PF_OK && matched == 0) st = add_input(out, &seen, pf__strdup(src), i, 1, 0, 0);
    paths_free(&found);
  }
  if (st == PF_OK) st = leave_memos_to_tables(out, &seen);
  pf__strset_free(&seen);
  if (st != PF_OK) {
    pf__batch_inputs_free(out);
    return pf__error_set(err, st, "out of memory while listing the batch's files");
  }
  return PF_OK;
}

void pf__batch_inputs_free(pf__batch_inputs *in) {
  for (size_t i = 0; i < in->n; i++) free(in->v[i].path);
  free(in->v);
  memset(in, 0, sizeof *in);
}

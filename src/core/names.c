/* names.c - unique column names for every reader (see names.h). */
#include "core/names.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"

static int lc(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

static uint64_t hash_ci(const char *s) {
  uint64_t h = 1469598103934665603ull;
  for (; *s; s++) h = (h ^ (uint64_t)lc((unsigned char)*s)) * 1099511628211ull;
  return h;
}

static int eq_ci(const char *a, const char *b) {
  for (; *a && *b; a++, b++)
    if (lc((unsigned char)*a) != lc((unsigned char)*b)) return 0;
  return *a == *b;
}

/* An open-addressing set of names (borrowed strings), case-insensitive. */
typedef struct nameset {
  const char **slot;
  size_t cap;
} nameset;

static int set_has(const nameset *s, const char *name) {
  for (size_t i = hash_ci(name) & (s->cap - 1);; i = (i + 1) & (s->cap - 1)) {
    if (!s->slot[i]) return 0;
    if (eq_ci(s->slot[i], name)) return 1;
  }
}

static void set_add(nameset *s, const char *name) {
  size_t i = hash_ci(name) & (s->cap - 1);
  while (s->slot[i]) {
    if (eq_ci(s->slot[i], name)) return;
    i = (i + 1) & (s->cap - 1);
  }
  s->slot[i] = name;
}

void pf__names_free(char **names, size_t n) {
  if (!names) return;
  for (size_t i = 0; i < n; i++) free(names[i]);
  free(names);
}

/* The trimmed text, or Column_<i+1>. */
static char *base_name(const char *p, size_t n, size_t i) {
  while (n && (*p == ' ' || *p == '\t')) p++, n--;
  while (n && (p[n - 1] == ' ' || p[n - 1] == '\t')) n--;
  return n ? pf__strndup(p, n) : pf__aprintf("Column_%zu", i + 1);
}

pf_status pf__names_unique(const char *const *raw, const size_t *len, size_t n, char ***out) {
  *out = NULL;
  char **base = calloc(n ? n : 1, sizeof *base);
  char **names = calloc(n ? n : 1, sizeof *names);
  size_t cap = 16;
  while (cap < n * 4) cap *= 2;
  nameset all = {calloc(cap, sizeof(char *)), cap};
  nameset used = {calloc(cap, sizeof(char *)), cap};
  pf_status st = base && names && all.slot && used.slot ? PF_OK : PF_ENOMEM;
  for (size_t i = 0; st == PF_OK && i < n; i++) {
    const char *p = raw[i] ? raw[i] : "";
    base[i] = base_name(p, len ? len[i] : strlen(p), i);
    if (!base[i]) st = PF_ENOMEM;
    else set_add(&all, base[i]);
  }
  for (size_t i = 0; st == PF_OK && i < n; i++) {
    if (!set_has(&used, base[i])) {
      names[i] = base[i];
      base[i] = NULL;
    }
    for (size_t k = 2; !names[i] && st == PF_OK; k++) {
      char *cand = pf__aprintf("%s_%zu", base[i], k);
      if (!cand) st = PF_ENOMEM;
      else if (!set_has(&all, cand) && !set_has(&used, cand)) names[i] = cand;
      else free(cand);
    }
    if (st == PF_OK) set_add(&used, names[i]);
  }
  if (base)
    for (size_t i = 0; i < n; i++) free(base[i]);
  free(base);
  free(all.slot);
  free(used.slot);
  if (st != PF_OK) {
    pf__names_free(names, n);
    return st;
  }
  *out = names;
  return PF_OK;
}

/* ---- the original PyForge CLI's names (names.h) ---- */

/* A case-sensitive map of names (owned) to two counts: how many header
 * positions hold the name now, and pandas' "counts" entry for it. */
typedef struct cs_entry {
  char *name;
  size_t in_header;
  size_t count;
} cs_entry;

typedef struct cs_map {
  cs_entry *slot;
  size_t cap;
} cs_map;

static uint64_t hash_cs(const char *s) {
  uint64_t h = 1469598103934665603ull;
  for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
  return h;
}

/* The entry of name, created (name copied) when missing; NULL when out of
 * memory. The map holds at most 2n names (the header's and the new ones),
 * and its capacity is at least 4n. */
static cs_entry *cs_get(cs_map *m, const char *name) {
  size_t i = hash_cs(name) & (m->cap - 1);
  while (m->slot[i].name && strcmp(m->slot[i].name, name) != 0) i = (i + 1) & (m->cap - 1);
  if (!m->slot[i].name && !(m->slot[i].name = pf__strdup(name))) return NULL;
  return &m->slot[i];
}

static void cs_free(cs_map *m) {
  for (size_t i = 0; m->slot && i < m->cap; i++) free(m->slot[i].name);
  free(m->slot);
}

/* pandas 1.5's mangling of duplicate header names (parsers.pyx): names[i]
 * may be replaced. */
static pf_status pandas_mangle(char **names, size_t n) {
  size_t cap = 16;
  while (cap < n * 4) cap *= 2;
  cs_map m = {calloc(cap, sizeof(cs_entry)), cap};
  pf_status st = m.slot ? PF_OK : PF_ENOMEM;
  for (size_t i = 0; st == PF_OK && i < n; i++) {
    cs_entry *e = cs_get(&m, names[i]);
    if (!e) st = PF_ENOMEM;
    else e->in_header++;
  }
  for (size_t i = 0; st == PF_OK && i < n; i++) {
    const char *old = names[i];
    cs_entry *e = cs_get(&m, old);
    if (!e) {
      st = PF_ENOMEM;
      break;
    }
    size_t cur = e->count;
    char *col = NULL;
    while (cur > 0 && st == PF_OK) {
      e->count = cur + 1; /* counts[old] = cur + 1 */
      free(col);
      cs_entry *c = (col = pf__aprintf("%s.%zu", old, cur)) ? cs_get(&m, col) : NULL;
      if (!c) st = PF_ENOMEM;
      else if (c->in_header) cur++;
      else cur = c->count;
    } /* e stays valid: the map never grows, entries never move */
    if (st != PF_OK) {
      free(col);
      break;
    }
    if (col) {
      cs_get(&m, old)->in_header--;
      free(names[i]);
      names[i] = col;
    }
    cs_entry *c = cs_get(&m, names[i]);
    if (!c) st = PF_ENOMEM;
    else {
      c->in_header += col != NULL;
      c->count = cur + 1;
    }
  }
  cs_free(&m);
  return st;
}

/* Python's name.strip().strip('"').strip("'") (ASCII white space). */
static char *strip_original(const char *s) {
  size_t a = 0, b = strlen(s);
  while (a < b && strchr(" \t\n\r\v\f", s[a])) a++;
  while (b > a && strchr(" \t\n\r\v\f", s[b - 1])) b--;
  for (int pass = 0; pass < 2; pass++) {
    char q = pass ? '\'' : '"';
    while (a < b && s[a] == q) a++;
    while (b > a && s[b - 1] == q) b--;
  }
  return pf__strndup(s + a, b - a);
}

pf_status pf__names_original(const char *const *raw, const size_t *len, size_t n, char ***out) {
  *out = NULL;
  char **names = calloc(n ? n : 1, sizeof *names);
  size_t cap = 16;
  while (cap < n * 4) cap *= 2;
  cs_map seen = {calloc(cap, sizeof(cs_entry)), cap};
  pf_status st = names && seen.slot ? PF_OK : PF_ENOMEM;
  for (size_t i = 0; st == PF_OK && i < n; i++) {
    size_t k = raw[i] ? (len ? len[i] : strlen(raw[i])) : 0;
    names[i] = !raw[i] ? pf__aprintf("Column_%zu", i + 1)
               : k     ? pf__strndup(raw[i], k)
                       : pf__aprintf("Unnamed: %zu", i);
    if (!names[i]) st = PF_ENOMEM;
  }
  if (st == PF_OK) st = pandas_mangle(names, n);
  for (size_t i = 0; st == PF_OK && i < n; i++) {
    char *s = strip_original(names[i]);
    char *name = s && *s ? s : NULL;
    cs_entry *e = name ? cs_get(&seen, name) : NULL;
    if (s && (!name || (e && e->count))) { /* empty, or taken */
      for (size_t k = 1; st == PF_OK; k++) {
        char *cand = *s ? pf__aprintf("%s_duplicate_%zu", s, k)
                     : k == 1 ? pf__aprintf("Column_%zu", i + 1)
                              : pf__aprintf("Column_%zu_duplicate_%zu", i + 1, k - 1);
        cs_entry *c = cand ? cs_get(&seen, cand) : NULL;
        if (!c) {
          free(cand);
          st = PF_ENOMEM;
        } else if (!c->count) {
          free(s);
          s = cand;
          e = c;
          break;
        } else {
          free(cand);
        }
      }
    }
    if (!s || !e) st = PF_ENOMEM;
    if (st != PF_OK) {
      free(s);
      break;
    }
    e->count = 1;
    free(names[i]);
    names[i] = s;
  }
  cs_free(&seen);
  if (st != PF_OK) {
    pf__names_free(names, n);
    return st;
  }
  *out = names;
  return PF_OK;
}

pf_status pf__path_push(pf__buf *b, const char *sep, const char *prefix, const char *seg, size_t n) {
  if (b->len) PF_TRY(pf__buf_puts(b, sep ? sep : PF__PATH_SEPARATOR));
  if (prefix) PF_TRY(pf__buf_puts(b, prefix));
  return pf__buf_append(b, seg, n);
}

pf_status pf__path_value(pf__buf *b, const char *sep, const char *value_name) {
  if (b->len) PF_TRY(pf__buf_puts(b, sep ? sep : PF__PATH_SEPARATOR));
  return pf__buf_puts(b, value_name && *value_name ? value_name : PF__PATH_VALUE_NAME);
}

size_t pf__path_name(char *buf, size_t n, const char *const *seg, const size_t *seg_len,
                     size_t n_seg, int value_of_parent, const char *sep, const char *value_name) {
  pf__buf b;
  pf__buf_init(&b, 0);
  pf_status st = pf__buf_puts(&b, "");
  for (size_t i = 0; st == PF_OK && i < n_seg; i++)
    st = pf__path_push(&b, sep, NULL, seg[i], seg_len ? seg_len[i] : strlen(seg[i]));
  if (st == PF_OK && (value_of_parent || n_seg == 0)) st = pf__path_value(&b, sep, value_name);
  size_t len = st == PF_OK ? b.len : 0;
  if (n > 0) {
    size_t k = len < n ? len : n - 1;
    if (k) memcpy(buf, b.data, k);
    buf[k] = 0;
  }
  pf__buf_free(&b);
  return len;
}

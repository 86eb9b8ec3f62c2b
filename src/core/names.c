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

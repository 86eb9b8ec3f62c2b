/* csv_header.c - deciding whether a CSV file has a header, and naming its
 * columns.
 *
 * Header detection (when --header is not given), from the sample:
 * - The candidate is the first row after the skipped lines and the title
 *   rows (csv_shape.c), as csv_shape.c may have repaired it.
 * - If some column of the other sampled rows has a type other than string
 *   (int64, double, date, ...), the file has a header when, in at least one
 *   such column, the first row's value is text that would make the column
 *   a string (e.g. "price" above numbers). A first row whose values fit the
 *   types below it is data.
 * - If every column below is string (or there are no other rows), the
 *   file has a header when every first-row value is non-empty text that is
 *   not a number, boolean, date or timestamp.
 *
 * Column names:
 * - With a header, a name is the header field's value (quotes removed as
 *   for any field) with leading and trailing spaces and tabs trimmed.
 * - An empty name (or a column beyond the header's fields) is "Column_N",
 *   N the 1-based column position, as the original PyForge CLI named
 *   headerless columns.
 * - Without a header: Column_1 .. Column_N.
 * - Duplicates, compared ignoring ASCII letter case (Spark and Delta treat
 *   "ID" and "id" as the same column): the first keeps its name, later ones
 *   become "<name>_2", "<name>_3", ..., skipping any name already used by
 *   another column (so "a,a,a_2" gives a, a_3, a_2).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "readers/csv/csv_internal.h"

int pf__csv_detect_header(const pf__infer_ctx *ctx, const pf__csv_field *first,
                          size_t n_first, const pf__infer_col *body,
                          size_t n_cols, size_t n_body) {
  size_t typed = 0, misfit = 0;
  for (size_t i = 0; n_body && i < n_cols && i < n_first; i++) {
    pf_type t = body[i].type;
    if (t == PF_TYPE_NULL || t == PF_TYPE_STRING) continue;
    typed++;
    const char *v = (const char *)first[i].p;
    size_t n = first[i].n;
    if (n == 0) continue;
    if (pf__infer_value(ctx, v, n, NULL) == PF_TYPE_STRING &&
        !pf__infer_default_null(v, n))
      misfit++;
  }
  if (typed) return misfit > 0;
  if (n_first == 0) return 0;
  for (size_t i = 0; i < n_first; i++) {
    if (first[i].n == 0) return 0;
    if (pf__infer_value(ctx, (const char *)first[i].p, first[i].n, NULL) != PF_TYPE_STRING)
      return 0;
  }
  return 1;
}

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

void pf__csv_names_free(char **names, size_t n) {
  if (!names) return;
  for (size_t i = 0; i < n; i++) free(names[i]);
  free(names);
}

pf_status pf__csv_column_names(const pf__csv_field *first, size_t n_first,
                               size_t n_cols, int has_header, char ***out) {
  *out = NULL;
  char **base = calloc(n_cols ? n_cols : 1, sizeof *base);
  char **names = calloc(n_cols ? n_cols : 1, sizeof *names);
  size_t cap = 16;
  while (cap < n_cols * 4) cap *= 2;
  nameset all = {calloc(cap, sizeof(char *)), cap};
  nameset used = {calloc(cap, sizeof(char *)), cap};
  pf_status st = PF_OK;
  if (!base || !names || !all.slot || !used.slot) {
    st = PF_ENOMEM;
    goto done;
  }
  for (size_t i = 0; i < n_cols; i++) {
    const char *p = NULL;
    size_t n = 0;
    if (has_header && i < n_first) {
      p = (const char *)first[i].p;
      n = first[i].n;
      while (n && (*p == ' ' || *p == '\t')) p++, n--;
      while (n && (p[n - 1] == ' ' || p[n - 1] == '\t')) n--;
    }
    base[i] = n ? pf__strndup(p, n) : pf__aprintf("Column_%zu", i + 1);
    if (!base[i]) {
      st = PF_ENOMEM;
      goto done;
    }
    set_add(&all, base[i]);
  }
  for (size_t i = 0; i < n_cols; i++) {
    if (!set_has(&used, base[i])) {
      names[i] = base[i];
      base[i] = NULL;
    } else {
      for (size_t k = 2;; k++) {
        char *cand = pf__aprintf("%s_%zu", base[i], k);
        if (!cand) {
          st = PF_ENOMEM;
          goto done;
        }
        if (!set_has(&all, cand) && !set_has(&used, cand)) {
          names[i] = cand;
          break;
        }
        free(cand);
      }
    }
    set_add(&used, names[i]);
  }
done:
  if (base)
    for (size_t i = 0; i < n_cols; i++) free(base[i]);
  free(base);
  free(all.slot);
  free(used.slot);
  if (st != PF_OK) {
    pf__csv_names_free(names, n_cols);
    return st;
  }
  *out = names;
  return PF_OK;
}

/* csv_shape.c - the table's shape in a CSV sample: how many columns, which
 * row is the header, which rows above it are a title, and how a header
 * that disagrees with the data is repaired.
 *
 * The column count comes from the body, not the first line: C is the most
 * common field count of the sampled rows after the first (ties: the first
 * row's count, then the larger). One stray character in the header must
 * not outvote every data row.
 *
 * Title rows: up to 10 leading rows holding at most one non-empty value
 * (and, when they have C fields, only in the first of 3 or more columns)
 * are a title above the table when the row below them is a header. They
 * are left out and the note names their lines. Not with --skip-rows or
 * --header/--no-header (the user said where the table starts).
 *
 * A header candidate with k fields where the body agrees on C (at least 2
 * data rows, 90% of them with C fields) is repaired, first rule that fits:
 *   1. k > C and exactly k - C names are empty: those are left out;
 *   2. read without quotes it has C fields (a stray quote): names are
 *      taken so; a name quoted whole loses its quotes, a stray quote stays
 *      (it is text, as in any unquoted field);
 *   3. split by another delimiter of the list it has C fields (a header
 *      written with spaces above comma-separated data): names taken so;
 *   4. k < C: the header lacks names (one missing, or two run together):
 *      the missing columns are named Column_N at the end;
 *   5. k > C: the header names columns the data leaves out: they are null,
 *      and rows with C fields are not bad rows (body_short).
 * Each repair is told in the note.
 *
 * A header of two or three rows (each row below the first has the same
 * count and only non-empty text, above a body with typed columns; see
 * csv_open.c) gives names joined by a space: "Sales 2024".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "readers/csv/csv_internal.h"

#define SHAPE_ROWS 1000
#define MAX_TITLE_ROWS 10

void pf__csv_shape_free(pf__csv_shape *sh) {
  free(sh->hdr);
  free(sh->scratch);
  free(sh->nf);
  memset(sh, 0, sizeof *sh);
}

static size_t count_fields(const pf__csv_dialect *d, const uint8_t *buf,
                           const pf__csv_rows *rows, size_t i) {
  const uint8_t *s = buf + rows->start[i];
  return pf__csv_split(d, s, buf + rows->end[i], NULL, 0, NULL);
}

static int cmp_size(const void *a, const void *b) {
  size_t x = *(const size_t *)a, y = *(const size_t *)b;
  return x < y ? -1 : x > y;
}

/* The most common value of nf[from..to); ties: prefer, then the larger.
 * (tmp: room for to - from values.) */
static size_t modal(const size_t *nf, size_t from, size_t to, size_t prefer, size_t *tmp) {
  size_t n = to - from, best = 0, best_n = 0;
  memcpy(tmp, nf + from, n * sizeof *tmp);
  qsort(tmp, n, sizeof *tmp, cmp_size);
  for (size_t i = 0, j; i < n; i = j) {
    for (j = i; j < n && tmp[j] == tmp[i]; j++) {}
    size_t v = tmp[i], c = j - i;
    if (c > best_n || (c == best_n && (v == prefer || (best != prefer && v > best)))) {
      best = v;
      best_n = c;
    }
  }
  return best;
}

static int blank(const pf__csv_field *f) {
  const uint8_t *p = f->p;
  size_t n = f->n;
  while (n && (*p == ' ' || *p == '\t')) p++, n--;
  return n == 0;
}

/* Splits row i into sh->hdr (dialect d); returns the field count. */
static pf_status split_row(pf__csv_shape *sh, const pf__csv_dialect *d,
                           const uint8_t *buf, const pf__csv_rows *rows, size_t i,
                           size_t *nf) {
  const uint8_t *s = buf + rows->start[i];
  const uint8_t *e = buf + rows->end[i];
  size_t n = pf__csv_split(d, s, e, NULL, 0, NULL);
  free(sh->hdr);
  free(sh->scratch);
  sh->hdr = malloc((n ? n : 1) * sizeof *sh->hdr);
  sh->scratch = malloc((size_t)(e - s) + 1);
  if (!sh->hdr || !sh->scratch) return PF_ENOMEM;
  pf__csv_split(d, s, e, sh->hdr, n, sh->scratch);
  *nf = n;
  return PF_OK;
}

/* Is row i a title row (see the top)? */
static int title_row(const pf__csv_shape *sh, size_t nf, size_t c) {
  size_t filled = 0, at = 0;
  for (size_t j = 0; j < nf; j++)
    if (!blank(&sh->hdr[j])) filled++, at = j;
  if (filled == 0) return 1;
  return filled == 1 && (nf != c || (c >= 3 && at == 0));
}

pf_status pf__csv_shape_find(pf__csv_shape *sh, const pf__csv_dialect *d,
                             const uint8_t *buf, const pf__csv_rows *rows,
                             const pf__csv_opts *o, size_t max_cols) {
  memset(sh, 0, sizeof *sh);
  size_t m = rows->n < SHAPE_ROWS ? rows->n : SHAPE_ROWS;
  size_t *nf = sh->nf = malloc((m ? m : 1) * sizeof *nf);
  size_t *tmp = malloc((m ? m : 1) * sizeof *tmp);
  if (!nf || !tmp) {
    free(tmp);
    return PF_ENOMEM;
  }
  sh->m = m;
  for (size_t i = 0; i < m; i++) nf[i] = count_fields(d, buf, rows, i);
  size_t c = m < 2 ? (m ? nf[0] : 0) : modal(nf, 1, m, nf[0], tmp);
  if (o->header == 0 && m >= 1) c = modal(nf, 0, m, nf[0], tmp);
  free(tmp);
  sh->body_cols = c;
  /* Title rows: only candidates here; the caller keeps them if a header
   * follows them. */
  if (o->header == PF_AUTO && o->skip_rows == 0 && c >= 2) {
    size_t t = 0;
    while (t < MAX_TITLE_ROWS && t + 1 < m && nf[t] <= max_cols) {
      size_t k;
      PF_TRY(split_row(sh, d, buf, rows, t, &k));
      if (!title_row(sh, k, c)) break;
      t++;
    }
    sh->lead = t;
  }
  return pf__csv_shape_header(sh, d, buf, rows);
}

/* Re-splits the header candidate's text [s, e) with dialect h: C fields? */
static pf_status try_split(pf__csv_shape *sh, const pf__csv_dialect *h,
                           const uint8_t *s, const uint8_t *e, int *ok) {
  *ok = 0;
  if (pf__csv_split(h, s, e, NULL, 0, NULL) != sh->n_cols) return PF_OK;
  pf__csv_field *f = malloc(sh->n_cols * sizeof *f);
  uint8_t *sc = malloc((size_t)(e - s) + 1);
  if (!f || !sc) {
    free(f);
    free(sc);
    return PF_ENOMEM;
  }
  pf__csv_split(h, s, e, f, sh->n_cols, sc);
  free(sh->hdr);
  free(sh->scratch);
  sh->hdr = f;
  sh->scratch = sc;
  sh->hdr_n = sh->n_cols;
  *ok = 1;
  return PF_OK;
}

static void show_delim(char *out, size_t cap, uint8_t c) {
  if (c == '\t') snprintf(out, cap, "tab");
  else if (c == ' ') snprintf(out, cap, "space");
  else snprintf(out, cap, "'%c'", c);
}

/* The repairs of the top, in order; sh->hdr holds the candidate's fields
 * as the dialect splits them (sh->hdr_n). */
static pf_status repair(pf__csv_shape *sh, const pf__csv_dialect *d,
                        const uint8_t *s, const uint8_t *e, int64_t line) {
  const size_t k = sh->hdr_n, c = sh->n_cols;
  char dl[16];
  show_delim(dl, sizeof dl, d->delim);
  if (k > c) {
    size_t empty = 0;
    for (size_t j = 0; j < k; j++) empty += blank(&sh->hdr[j]);
    if (empty == k - c) {
      size_t w = 0;
      for (size_t j = 0; j < k; j++)
        if (!blank(&sh->hdr[j])) sh->hdr[w++] = sh->hdr[j];
      sh->hdr_n = w;
      snprintf(sh->note, sizeof sh->note,
               "the header (line %lld) has %zu empty name%s more than the data's %zu fields: "
               "left out", (long long)line, k - c, k - c == 1 ? "" : "s", c);
      return PF_OK;
    }
  }
  int ok = 0;
  if (d->quote) {
    pf__csv_dialect h = *d;
    h.quote = 0;
    PF_TRY(try_split(sh, &h, s, e, &ok));
    if (ok) {
      for (size_t j = 0; j < c; j++) { /* names quoted whole lose their quotes */
        pf__csv_field *f = &sh->hdr[j];
        if (f->n >= 2 && f->p[0] == d->quote && f->p[f->n - 1] == d->quote) f->p++, f->n -= 2;
      }
      snprintf(sh->note, sizeof sh->note,
               "the header (line %lld) has quotes that do not pair up (%zu fields where the "
               "data has %zu): its names were read without quoting", (long long)line, k, c);
      return PF_OK;
    }
  }
  for (const char *o = PF__CSV_DELIMS; *o; o++) {
    if ((uint8_t)*o == d->delim || (uint8_t)*o == d->quote) continue;
    pf__csv_dialect h = *d;
    h.delim = (uint8_t)*o;
    h.space = 0;
    PF_TRY(try_split(sh, &h, s, e, &ok));
    if (ok) {
      char hl[16];
      show_delim(hl, sizeof hl, h.delim);
      snprintf(sh->note, sizeof sh->note,
               "the header (line %lld) is delimited by %s where the data uses %s: its names "
               "were split by %s", (long long)line, hl, dl, hl);
      return PF_OK;
    }
  }
  if (k < c && c - k == 1)
    snprintf(sh->note, sizeof sh->note,
             "the header (line %lld) has %zu names where every data row has %zu fields: the "
             "last column is named Column_%zu", (long long)line, k, c, c);
  else if (k < c)
    snprintf(sh->note, sizeof sh->note,
             "the header (line %lld) has %zu name%s where every data row has %zu fields: the "
             "last %zu columns are named Column_%zu to Column_%zu", (long long)line, k,
             k == 1 ? "" : "s", c, c - k, k + 1, c);
  else { /* more names than the data has fields: the last columns are empty */
    sh->n_cols = k;
    sh->body_short = c;
    if (k - c == 1)
      snprintf(sh->note, sizeof sh->note,
               "the header (line %lld) has %zu names where every data row has %zu fields: the "
               "last column has no values (null)", (long long)line, k, c);
    else
      snprintf(sh->note, sizeof sh->note,
               "the header (line %lld) has %zu names where every data row has %zu fields: the "
               "last %zu columns have no values (null)", (long long)line, k, c, k - c);
  }
  return PF_OK;
}

pf_status pf__csv_shape_header(pf__csv_shape *sh, const pf__csv_dialect *d,
                               const uint8_t *buf, const pf__csv_rows *rows) {
  const size_t *nf = sh->nf, m = sh->m;
  sh->note[0] = 0;
  sh->n_cols = sh->body_cols;
  sh->body_short = 0;
  sh->hdr_n = 0;
  if (sh->lead >= rows->n) return PF_OK;
  const size_t t = sh->lead;
  PF_TRY(split_row(sh, d, buf, rows, t, &sh->hdr_n));
  sh->line = rows->line[t];
  const size_t k = sh->hdr_n, c = sh->n_cols;
  if (k == c) return PF_OK;
  /* The body must agree on C: at least 2 rows, 90% of them. */
  size_t body = 0, agree = 0;
  for (size_t i = t + 1; i < m; i++) {
    body++;
    agree += nf[i] == c;
  }
  if (body < 2 || agree * 10 < body * 9) {
    sh->n_cols = k;
    return PF_OK;
  }
  const uint8_t *s = buf + rows->start[t];
  return repair(sh, d, s, buf + rows->end[t], sh->line);
}

pf_status pf__csv_shape_join(pf__csv_shape *sh, const pf__csv_dialect *d,
                             const uint8_t *buf, const pf__csv_rows *rows, size_t extra) {
  const size_t n = sh->hdr_n, t = sh->lead;
  pf__csv_field *all = malloc((extra + 1) * n * sizeof *all);
  uint8_t **text = calloc(extra + 1, sizeof *text);
  pf__buf j;
  pf__buf_init(&j, 0);
  pf_status st = all && text ? PF_OK : PF_ENOMEM;
  if (st == PF_OK) memcpy(all, sh->hdr, n * sizeof *all);
  for (size_t k = 1; st == PF_OK && k <= extra; k++) { /* the rows below, same count */
    const uint8_t *s = buf + rows->start[t + k];
    const uint8_t *e = buf + rows->end[t + k];
    text[k] = malloc((size_t)(e - s) + 1);
    if (!text[k]) st = PF_ENOMEM;
    else pf__csv_split(d, s, e, all + k * n, n, text[k]);
  }
  size_t *off = st == PF_OK ? malloc((n + 1) * sizeof *off) : NULL;
  if (st == PF_OK && !off) st = PF_ENOMEM;
  for (size_t c = 0; st == PF_OK && c < n; c++) { /* "name part2 part3" */
    off[c] = j.len;
    for (size_t k = 0; k <= extra && st == PF_OK; k++) {
      const pf__csv_field *f = &all[k * n + c];
      if (f->n == 0) continue;
      if (j.len > off[c]) st = pf__buf_putc(&j, ' ');
      if (st == PF_OK) st = pf__buf_append(&j, f->p, f->n);
    }
  }
  if (st == PF_OK) {
    off[n] = j.len;
    st = pf__buf_putc(&j, 0);
  }
  if (st == PF_OK) {
    free(sh->scratch);
    sh->scratch = (uint8_t *)pf__buf_take(&j);
    for (size_t c = 0; c < n; c++) {
      sh->hdr[c].p = sh->scratch + off[c];
      sh->hdr[c].n = (uint32_t)(off[c + 1] - off[c]);
    }
    snprintf(sh->note, sizeof sh->note,
             "lines %lld-%lld form the header (%zu rows naming the columns): their names are "
             "joined", (long long)sh->line, (long long)rows->line[t + extra], extra + 1);
  }
  free(off);
  for (size_t k = 0; text && k <= extra; k++) free(text[k]);
  free(text);
  free(all);
  pf__buf_free(&j);
  return st;
}

/* xlsx_fast_check.c - the scanner of xlsx_fast.c against the expat chunk
 * parser of xlsx_sheet.c on the same bytes: both runs' rows are written
 * out as one byte string each and compared. Used by
 * PYFORGE_XLSX_SCANNER=check (every part the parallel reader parses), the
 * unit tests and the fuzz harness, which also run it over whole workbooks
 * (each sheet's <sheetData> whole and row by row) and over raw row bytes
 * with a small made-up book. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "readers/xlsx/xlsx_fast.h"

typedef struct rec {
  const pf__xlsx_book *b;
  pf__buf out;
  int64_t rows;
  int oom;
} rec;

static int put(rec *r, const void *p, size_t n) {
  if (pf__buf_append(&r->out, p, n) != PF_OK) {
    r->oom = 1;
    return -1;
  }
  return 0;
}

/* One row as bytes: row, count, then per cell col, kind, fmt, whether the
 * text is a shared string (and which), length and bytes. */
static int record(void *user, int64_t row, const pf__xlsx_cell *cells, size_t n) {
  rec *r = user;
  r->rows++;
  uint64_t cnt = n;
  if (put(r, &row, sizeof row) || put(r, &cnt, sizeof cnt)) return -1;
  for (size_t i = 0; i < n; i++) {
    const pf__xlsx_cell *c = &cells[i];
    int64_t sst = -1;
    if (r->b->sst && c->p >= r->b->sst && r->b->n_sst &&
        c->p < r->b->sst + r->b->sst_off[r->b->n_sst])
      sst = (int64_t)(c->p - r->b->sst);
    uint64_t len = c->n;
    if (put(r, &c->col, sizeof c->col) || put(r, &c->kind, 1) || put(r, &c->fmt, 1) ||
        put(r, &sst, sizeof sst) || put(r, &len, sizeof len) || put(r, c->p, c->n))
      return -1;
  }
  return 0;
}

pf_status pf__xlsx_fast_diff(pf__xlsx_book *b, pf__xlsx_sheet *sh, const char *data, size_t n,
                             int *unsure, pf_error *err) {
  if (unsure) *unsure = 0;
  rec a = {b, {0}, 0, 0}, x = {b, {0}, 0, 0};
  pf__buf_init(&a.out, 0);
  pf__buf_init(&x.out, 0);
  pf__xlsx_fast *f = pf__xlsx_fast_new();
  pf__xlsx_scan *s = NULL;
  pf_status st = PF_OK;
  if (!f || pf__xlsx_chunk_new(b, sh, record, &x, &s) != PF_OK) {
    st = PF_ENOMEM;
    goto done;
  }
  int no_r_fast = 0, no_r_expat = 0;
  int v = pf__xlsx_fast_parse(f, b, data, n, record, &a, &no_r_fast);
  if (a.oom) {
    st = PF_ENOMEM;
    goto done;
  }
  if (v == 1) {
    if (unsure) *unsure = 1;
    goto done;
  }
  pf_error e;
  pf_error_init(&e);
  pf_status xs = pf__xlsx_chunk_parse(s, data, n, &no_r_expat, &e);
  if (x.oom) {
    st = PF_ENOMEM;
    goto done;
  }
  const char *why = NULL;
  if (xs != PF_OK) why = "the expat path failed where the scanner did not";
  else if (no_r_fast != no_r_expat) why = "rows without r= seen differently";
  else if (a.rows != x.rows) why = "a different number of rows";
  else if (a.out.len != x.out.len ||
           (a.out.len && memcmp(a.out.data, x.out.data, a.out.len) != 0))
    why = "different cells";
  if (why) {
    st = PF_EINTERNAL;
    pf__error_set(err, st,
                  "the sheet scanner and the expat path disagree on sheet '%s' (%s; expat: %s); "
                  "please report this with the file; PYFORGE_XLSX_SCANNER=expat avoids it",
                  sh->name, why, xs == PF_OK ? "ok" : e.message);
  }
done:
  pf__xlsx_scan_close(s);
  pf__xlsx_fast_free(f);
  pf__buf_free(&a.out);
  pf__buf_free(&x.out);
  return st;
}

/* ---- a whole sheet: the parallel reader against the serial one ---- */
struct pf__xlsx_shadow {
  pf__xlsx_sheet *sh;
  pf__xlsx_scan *scan;
  rec serial, given;
  int got, done;
  int64_t rows;
};

static int shadow_take(void *user, int64_t row, const pf__xlsx_cell *cells, size_t n) {
  pf__xlsx_shadow *w = user;
  if (record(&w->serial, row, cells, n) != 0) return -1;
  w->got = 1;
  return 1; /* one row at a time */
}

pf_status pf__xlsx_shadow_open(pf__xlsx_book *b, pf__xlsx_sheet *sh, pf__xlsx_shadow **out,
                               pf_error *err) {
  pf__xlsx_shadow *w = calloc(1, sizeof *w);
  if (!w) return PF_ENOMEM;
  w->sh = sh;
  w->serial.b = w->given.b = b;
  pf__buf_init(&w->serial.out, 0);
  pf__buf_init(&w->given.out, 0);
  pf_status st = pf__xlsx_scan_open(b, sh, 0, shadow_take, w, &w->scan, err);
  if (st != PF_OK) {
    pf__xlsx_shadow_close(w);
    return st;
  }
  *out = w;
  return PF_OK;
}

/* The serial reader's next row into w->serial (w->got), or w->done. */
static pf_status serial_next(pf__xlsx_shadow *w, pf_error *err) {
  w->serial.out.len = 0;
  w->got = 0;
  while (!w->got && !w->done) {
    pf_status st = pf__xlsx_scan_run(w->scan, &w->done, err);
    if (st == PF_ECANCELED && w->serial.oom) st = PF_ENOMEM;
    if (st != PF_OK) return st;
  }
  return PF_OK;
}

static pf_status differ(const pf__xlsx_shadow *w, pf_error *err, const char *what, int64_t row) {
  return pf__error_set(err, PF_EINTERNAL,
                       "the parallel sheet reader and the serial one disagree on sheet '%s' (%s, "
                       "sheet row %lld after %lld rows); please report this with the file; "
                       "PYFORGE_XLSX_PARALLEL=0 avoids it",
                       w->sh->name, what, (long long)row, (long long)w->rows);
}

pf_status pf__xlsx_shadow_row(pf__xlsx_shadow *w, int64_t row, const pf__xlsx_cell *cells,
                              size_t n, pf_error *err) {
  w->given.out.len = 0;
  if (record(&w->given, row, cells, n) != 0) return PF_ENOMEM;
  PF_TRY(serial_next(w, err));
  if (!w->got) return differ(w, err, "a row the serial reader does not have", row);
  if (w->serial.out.len != w->given.out.len ||
      memcmp(w->serial.out.data, w->given.out.data, w->given.out.len) != 0)
    return differ(w, err, "different cells", row);
  w->rows++;
  return PF_OK;
}

pf_status pf__xlsx_shadow_end(pf__xlsx_shadow *w, pf_error *err) {
  PF_TRY(serial_next(w, err));
  if (w->got) {
    int64_t row;
    memcpy(&row, w->serial.out.data, sizeof row);
    return differ(w, err, "the serial reader has rows the parallel one did not give", row);
  }
  return PF_OK;
}

void pf__xlsx_shadow_close(pf__xlsx_shadow *w) {
  if (!w) return;
  pf__xlsx_scan_close(w->scan);
  pf__buf_free(&w->serial.out);
  pf__buf_free(&w->given.out);
  free(w);
}

/* ---- raw rows against a made-up book ---- */
pf_status pf__xlsx_fast_diff_rows(const char *data, size_t n, int *unsure, pf_error *err) {
  static const uint8_t xf[4] = {PF__XF_NUMBER, PF__XF_DATE, PF__XF_DATETIME, PF__XF_TIME};
  static char sst[] = "a\0bb\0x&y\0";
  uint64_t off[5] = {0, 2, 5, 9, 10};
  uint32_t len[4] = {1, 2, 3, 0};
  pf__xlsx_book b;
  memset(&b, 0, sizeof b);
  b.path = "rows.xml";
  b.xf_fmt = (uint8_t *)xf;
  b.n_xf = sizeof xf;
  b.sst = sst;
  b.sst_off = off;
  b.sst_len = len;
  b.n_sst = 4;
  b.max_field = 64;
  pf__xlsx_sheet sh;
  memset(&sh, 0, sizeof sh);
  sh.name = "Rows";
  sh.part = "xl/worksheets/rows.xml";
  return pf__xlsx_fast_diff(&b, &sh, data, n, unsure, err);
}

/* ---- whole workbooks ---- */
/* The start of the element named (any prefix) `name` at or after from,
 * with the prefix it has in *pre / *npre; NULL when none. */
static const char *find_tag(const char *from, const char *e, const char *name, int close,
                            const char **pre, size_t *npre) {
  size_t k = strlen(name);
  for (const char *q = from; q < e;) {
    const char *h = memmem(q, (size_t)(e - q), name, k);
    if (!h) return NULL;
    const char *lt = h;
    while (lt > from && lt[-1] != '<' && lt[-1] != '/' && lt[-1] != ' ' && lt[-1] != '>' &&
           (size_t)(h - lt) < 30)
      lt--;
    const char *after = h + k;
    int ends = after < e && (*after == ' ' || *after == '>' || *after == '/' ||
                             *after == '\t' || *after == '\n' || *after == '\r');
    int opens = close ? lt - 2 >= from && lt[-1] == '/' && lt[-2] == '<'
                      : lt - 1 >= from && lt[-1] == '<';
    if (ends && opens && (lt == h || h[-1] == ':')) {
      *pre = lt;
      *npre = (size_t)(h - lt);
      return close ? lt - 2 : lt - 1;
    }
    q = h + 1;
  }
  return NULL;
}

static pf_status diff_sheet(pf__xlsx_book *b, pf__xlsx_sheet *sh, const char *d, size_t n,
                            size_t *sure, size_t *unsure, pf_error *err) {
  const char *e = d + n, *pre;
  size_t npre;
  const char *open = find_tag(d, e, "sheetData", 0, &pre, &npre);
  if (!open) return PF_OK;
  const char *gt = memchr(open, '>', (size_t)(e - open));
  if (!gt || gt[-1] == '/') return PF_OK;
  const char *body = gt + 1, *pre2;
  size_t npre2;
  const char *end = find_tag(body, e, "sheetData", 1, &pre2, &npre2);
  if (!end) end = e;
  int u;
  /* The whole body, then row by row (where the parallel reader cuts). */
  PF_TRY(pf__xlsx_fast_diff(b, sh, body, (size_t)(end - body), &u, err));
  u ? ++*unsure : ++*sure;
  const char *from = body;
  while (from < end) {
    const char *q = find_tag(from + 1, end, "row", 0, &pre2, &npre2);
    const char *to = q ? q : end;
    PF_TRY(pf__xlsx_fast_diff(b, sh, from, (size_t)(to - from), &u, err));
    u ? ++*unsure : ++*sure;
    from = to;
  }
  return PF_OK;
}

pf_status pf__xlsx_fast_diff_book(const char *path, size_t *sure, size_t *unsure, pf_error *err) {
  *sure = *unsure = 0;
  pf__xlsx_book b;
  pf_status st = pf__xlsx_book_open(&b, path, NULL, 1u << 20, NULL, err);
  if (st != PF_OK) {
    pf__xlsx_book_close(&b);
    return st;
  }
  pf__buf x;
  pf__buf_init(&x, 64u << 20);
  for (size_t i = 0; st == PF_OK && i < b.n_sheets; i++) {
    const pf__zip_entry *e = b.sheets[i].part ? pf__zip_find(b.zip, b.sheets[i].part) : NULL;
    pf__zip_stream *zs = NULL;
    if (!e || pf__zip_stream_open(b.zip, e, &zs, NULL) != PF_OK) continue;
    x.len = 0;
    for (;;) {
      size_t got = 0;
      if (pf__buf_reserve(&x, 64u << 10) != PF_OK ||
          pf__zip_stream_read(zs, x.data + x.len, 64u << 10, &got, NULL) != PF_OK || got == 0)
        break;
      x.len += got;
    }
    pf__zip_stream_close(zs);
    st = diff_sheet(&b, &b.sheets[i], (const char *)x.data, x.len, sure, unsure, err);
  }
  pf__buf_free(&x);
  pf__xlsx_book_close(&b);
  return st;
}

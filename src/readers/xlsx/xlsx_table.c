/* xlsx_table.c - what a sheet's first rows say about it: the header row,
 * the used column range, the type of each column, and a signature for
 * grouping sheets; plus the type and the text of one cell.
 *
 * Header rule (docs/excel.md):
 * - opts->csv.header == 0: no header; every non-empty row is data.
 * - opts->excel.header_row = N: sheet row N names the columns (rows above
 *   it are ignored); data follows it.
 * - Otherwise the first non-empty row is the header when every value in it
 *   is text (shared, inline or formula strings); a first row holding a
 *   number, date, boolean or error is data, and the columns are named
 *   Column_1..Column_N.
 * - Title rows: rows holding one text cell each (up to 10, e.g. a report
 *   title, a merged caption) followed by a row of two or more text cells
 *   are titles above the table: that row is the header and the titles are
 *   left out. Followed by anything else, the first of them is the header
 *   (a one-column table) and the others are data.
 * Blank rows before the first data row are skipped, blank rows after the
 * last one trimmed; blank rows between data rows are rows of nulls. The
 * columns are those from the leftmost to the rightmost used in the header
 * or the data.
 *
 * Cell types: text -> string; TRUE/FALSE -> boolean; error cells -> null
 * (counted); numbers by their number format (xlsx_numfmt.c): a date format
 * gives a date for whole serials and a timestamp otherwise, a date-time
 * format a timestamp, a time format a time (serials below 1; a timestamp
 * from 1 on), other formats int64 for whole numbers (|v| < 2^53) and
 * double otherwise. In the 1900 system a serial in [0, 1) under a date or
 * date-time format is a time (serial 0 is "1900-01-00"). t="d" cells hold
 * ISO 8601 text read as date, timestamp or time. A serial that is no valid date (negative, or the 1900 system's
 * phantom 1900-02-29, serial 60) is text as Excel would show it.
 */
#define _GNU_SOURCE
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "readers/xlsx/xlsx_internal.h"

static int parse_num(const pf__xlsx_book *b, const char *p, size_t n, double *v) {
  size_t i = 0;
  int neg = 0;
  if (n && p[0] == '-') neg = 1, i = 1;
  if (n > i && n - i <= 15) {
    uint64_t x = 0;
    size_t k = i;
    while (k < n && p[k] >= '0' && p[k] <= '9') x = x * 10 + (uint64_t)(p[k++] - '0');
    if (k == n) {
      *v = neg ? -(double)x : (double)x;
      return 1;
    }
  }
  /* Up to 15 significant digits: infer.h's exact fast path; longer texts
   * (Excel writes up to 17 digits, not always the shortest) by strtod. */
  size_t digits = 0;
  for (size_t k = 0; k < n && digits <= 15; k++) digits += p[k] >= '0' && p[k] <= '9';
  if (digits <= 15 && pf__parse_double(&b->ictx, p, n, v)) return 1;
  char tmp[64];
  if (n == 0 || n >= sizeof tmp) return 0;
  memcpy(tmp, p, n);
  tmp[n] = 0;
  char *end;
  *v = strtod_l(tmp, &end, (locale_t)b->ictx.c_locale);
  return end == tmp + n;
}

static pf_type num_type(const pf__xlsx_book *b, double v, int fmt) {
  int32_t d;
  /* Serial 0 of the 1900 system is "1900-01-00", a day no calendar has:
   * under a date format a serial in [0, 1) is the time of day it holds
   * (Excel's time-only cells under a date format). In the 1904 system
   * serial 0 is 1904-01-01, a real date. */
  if ((fmt == PF__XF_DATE || fmt == PF__XF_DATETIME) && !b->date1904 && v >= 0 && v < 1)
    return PF_TYPE_TIME;
  switch (fmt) {
    case PF__XF_DATE:
      if (pf__xlsx_serial_days(v, b->date1904, &d))
        return v == floor(v) ? PF_TYPE_DATE : PF_TYPE_TIMESTAMP;
      return PF_TYPE_STRING;
    case PF__XF_DATETIME:
      return pf__xlsx_serial_days(v, b->date1904, &d) ? PF_TYPE_TIMESTAMP : PF_TYPE_STRING;
    case PF__XF_TIME:
      if (v >= 0 && v < 1) return PF_TYPE_TIME;
      return pf__xlsx_serial_days(v, b->date1904, &d) ? PF_TYPE_TIMESTAMP : PF_TYPE_STRING;
    default:
      if (v == floor(v) && fabs(v) < (double)PF_INFER_EXACT_INT) return PF_TYPE_INT64;
      return PF_TYPE_DOUBLE;
  }
}

pf_type pf__xlsx_cell_type(const pf__xlsx_book *b, const pf__xlsx_cell *c, double *num, int *big) {
  *big = 0;
  switch (c->kind) {
    case PF__XK_NUM:
      if (!parse_num(b, c->p, c->n, num)) return PF_TYPE_STRING;
      return num_type(b, *num, c->fmt);
    case PF__XK_BOOL:
      return PF_TYPE_BOOL;
    case PF__XK_ERR:
      return PF_TYPE_NULL;
    case PF__XK_ISO: {
      int32_t d;
      int64_t us;
      return pf__xlsx_parse_iso(c->p, c->n, &d, &us);
    }
    default:
      return PF_TYPE_STRING;
  }
}

void pf__xlsx_cell_text(const pf__xlsx_book *b, const pf__xlsx_cell *c, char *tmp, const char **p,
                        size_t *n) {
  double v;
  int big;
  *p = c->p;
  *n = c->n;
  if (c->kind == PF__XK_BOOL) {
    *p = c->n && c->p[0] == '1' ? "TRUE" : "FALSE";
    *n = strlen(*p);
    return;
  }
  int32_t d;
  int64_t us;
  if (c->kind == PF__XK_ISO) { /* in the text of the other dates and times */
    pf_type t = pf__xlsx_parse_iso(c->p, c->n, &d, &us);
    if (t == PF_TYPE_STRING) return;
    *p = tmp;
    if (t == PF_TYPE_DATE) *n = pf__xlsx_fmt_date(d, tmp, 64);
    else if (t == PF_TYPE_TIME) *n = pf__xlsx_fmt_time(us, tmp, 64);
    else *n = pf__xlsx_fmt_timestamp(us, tmp, 63);
    if (t == PF_TYPE_TIMESTAMP_UTC) tmp[(*n)++] = 'Z';
    return;
  }
  if (c->kind != PF__XK_NUM) return;
  pf_type t = pf__xlsx_cell_type(b, c, &v, &big);
  *p = tmp;
  switch (t) {
    case PF_TYPE_DATE:
      pf__xlsx_serial_days(v, b->date1904, &d);
      *n = pf__xlsx_fmt_date(d, tmp, 64);
      return;
    case PF_TYPE_TIMESTAMP:
      pf__xlsx_serial_micros(v, b->date1904, &us);
      *n = pf__xlsx_fmt_timestamp(us, tmp, 64);
      return;
    case PF_TYPE_TIME:
      *n = pf__xlsx_fmt_time(pf__xlsx_time_micros(v), tmp, 64);
      return;
    case PF_TYPE_STRING:
      if (c->fmt != PF__XF_NUMBER && v == 60 && !b->date1904) {
        *n = (size_t)snprintf(tmp, 64, "1900-02-29");
        return;
      }
      if (!parse_num(b, c->p, c->n, &v)) {
        *p = c->p;
        *n = c->n;
        return;
      }
      /* A negative serial under a date format: the number. */
      *n = pf__xlsx_fmt_double(v, tmp, 64);
      return;
    default:
      *n = pf__xlsx_fmt_double(v, tmp, 64);
      return;
  }
}

/* ---- sampling ---- */
#define MAX_TITLE_ROWS 10
typedef struct sample_ctx {
  pf__xlsx_book *b;
  pf__xlsx_sheet *sh;
  const pf__xlsx_head_opts *o;
  int64_t max_rows;
  int decided;          /* header question settled                    */
  pf__infer_col *types; /* per absolute column 1..cap                 */
  char **hdr;           /* per absolute column                        */
  size_t cap;
  int64_t lo, hi;
  int64_t sampled;
  int64_t last_row;     /* rows must come in increasing order          */
  pf_status st;
  pf_error *err;        /* where st's message goes                    */
  /* rows of one text cell before the header is decided: titles or a
   * one-column table (see the header rule above) */
  size_t n_pend;
  int64_t pend_row[MAX_TITLE_ROWS];
  uint32_t pend_col[MAX_TITLE_ROWS];
  char *pend_text[MAX_TITLE_ROWS];
} sample_ctx;

static int reserve_cols(sample_ctx *c, uint32_t col) {
  if (col < c->cap) return 1;
  size_t nc = c->cap ? c->cap : 64;
  while (nc <= col) nc *= 2;
  pf__infer_col *nt = realloc(c->types, nc * sizeof *nt);
  if (nt) c->types = nt;
  char **nh = nt ? realloc(c->hdr, nc * sizeof *nh) : NULL;
  if (!nt || !nh) return 0;
  c->hdr = nh;
  for (size_t i = c->cap; i < nc; i++) {
    pf__infer_col_init(&c->types[i]);
    c->hdr[i] = NULL;
  }
  c->cap = nc;
  return 1;
}

static void span(sample_ctx *c, uint32_t col) {
  if (c->lo == 0 || col < c->lo) c->lo = col;
  if (col > c->hi) c->hi = col;
}

static int all_text(const pf__xlsx_cell *cells, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (cells[i].kind != PF__XK_SST && cells[i].kind != PF__XK_STR) return 0;
  return 1;
}

/* A text cell of a data row: typing and extent. */
/* A data row (rows come in increasing order; a row may come in several
 * calls). */
static void data_row(sample_ctx *c, int64_t row) {
  if (c->sh->first_data == 0) c->sh->first_data = row;
  if (c->sh->last_data != row) c->sh->filled_rows++;
  c->sh->last_data = row;
}

static void data_text(sample_ctx *c, int64_t row, uint32_t col) {
  data_row(c, row);
  pf__infer_col *ic = &c->types[col];
  ic->type = pf__infer_widen(ic->type, ic->big, PF_TYPE_STRING, 0);
  ic->values++;
  span(c, col);
}

/* The pending one-cell rows were not titles: the first names the column,
 * the others are data. */
static int settle_pending(sample_ctx *c) {
  if (c->n_pend == 0) return 0;
  c->sh->header_row = c->pend_row[0];
  free(c->hdr[c->pend_col[0]]);
  c->hdr[c->pend_col[0]] = c->pend_text[0];
  c->pend_text[0] = NULL;
  span(c, c->pend_col[0]);
  for (size_t i = 1; i < c->n_pend; i++) {
    data_text(c, c->pend_row[i], c->pend_col[i]);
    if (c->max_rows >= 0 && ++c->sampled >= c->max_rows) return 1;
  }
  return 0;
}

static void free_pending(sample_ctx *c) {
  for (size_t i = 0; i < c->n_pend; i++) free(c->pend_text[i]);
  c->n_pend = 0;
}

void pf__xlsx_order_error(pf_error *err, const pf__xlsx_sheet *sh, int64_t row, int64_t after) {
  pf__error_set(err, PF_EPARSE,
                "rows out of order in sheet '%s': row %lld comes after row %lld (the file is "
                "damaged or written by an unusual tool; open and re-save it in Excel or "
                "LibreOffice)",
                sh->name, (long long)row, (long long)after);
  pf__error_place(err, -1, row, -1, -1);
}

static int sample_row(void *user, int64_t row, const pf__xlsx_cell *cells, size_t n) {
  sample_ctx *c = user;
  if (row <= c->last_row) {
    pf__xlsx_order_error(c->err, c->sh, row, c->last_row);
    c->st = PF_EPARSE;
    return -1;
  }
  c->last_row = row;
  if (!reserve_cols(c, cells[n - 1].col)) {
    c->st = PF_ENOMEM;
    return -1;
  }
  if (c->o->header_row > 0 && row < c->o->header_row) return 0;
  int is_header = 0;
  if (!c->decided) {
    int text = all_text(cells, n);
    if (c->o->header_row <= 0 && !c->o->no_header && text && n == 1 &&
        c->n_pend < MAX_TITLE_ROWS) {
      /* a title, or the header of a one-column table: the next row says */
      char tmp[64];
      const char *p;
      size_t k;
      pf__xlsx_cell_text(c->b, &cells[0], tmp, &p, &k);
      if (!(c->pend_text[c->n_pend] = pf__strndup(p, k))) {
        c->st = PF_ENOMEM;
        return -1;
      }
      c->pend_row[c->n_pend] = row;
      c->pend_col[c->n_pend++] = cells[0].col;
      return 0;
    }
    c->decided = 1;
    if (c->o->header_row > 0) {
      is_header = row == c->o->header_row;
    } else if (!c->o->no_header) {
      if (text && n >= 2) {
        is_header = 1; /* the pending rows were titles */
      } else if (settle_pending(c)) {
        free_pending(c);
        return 1;
      }
    }
    free_pending(c);
  }
  if (is_header) {
    c->sh->header_row = row;
    for (size_t i = 0; i < n; i++) {
      char tmp[64];
      const char *p;
      size_t k;
      pf__xlsx_cell_text(c->b, &cells[i], tmp, &p, &k);
      free(c->hdr[cells[i].col]);
      if (!(c->hdr[cells[i].col] = pf__strndup(p, k))) {
        c->st = PF_ENOMEM;
        return -1;
      }
      span(c, cells[i].col);
    }
    return 0;
  }
  data_row(c, row);
  for (size_t i = 0; i < n; i++) {
    double v;
    int big;
    pf_type t = pf__xlsx_cell_type(c->b, &cells[i], &v, &big);
    pf__infer_col *ic = &c->types[cells[i].col];
    if (t != PF_TYPE_NULL) {
      ic->type = pf__infer_widen(ic->type, ic->big, t, big);
      ic->big |= big;
      ic->values++;
    }
    span(c, cells[i].col);
  }
  if (c->max_rows >= 0 && ++c->sampled >= c->max_rows) return 1;
  return 0;
}

static pf_status make_signature(pf__xlsx_sheet *sh) {
  pf__buf b;
  pf__buf_init(&b, 0);
  pf_status st = pf__buf_putc(&b, 0);
  b.len = 0;
  for (size_t i = 0; st == PF_OK && sh->col_hi >= sh->col_lo && i < (size_t)(sh->col_hi - sh->col_lo + 1); i++) {
    if (i) st = pf__buf_putc(&b, 0x1f);
    const char *h = sh->hdr && i < sh->n_hdr ? sh->hdr[i] : NULL;
    char gen[32];
    if (!h || !*h) {
      snprintf(gen, sizeof gen, "column_%zu", i + 1);
      h = gen;
    }
    size_t n = strlen(h);
    while (n && (*h == ' ' || *h == '\t')) h++, n--;
    while (n && (h[n - 1] == ' ' || h[n - 1] == '\t')) n--;
    for (size_t k = 0; st == PF_OK && k < n; k++) {
      int ch = (unsigned char)h[k];
      st = pf__buf_putc(&b, ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
    }
  }
  if (st == PF_OK) st = pf__buf_putc(&b, 0);
  if (st != PF_OK) {
    pf__buf_free(&b);
    return st;
  }
  sh->signature = pf__buf_take(&b);
  return sh->signature ? PF_OK : PF_ENOMEM;
}

pf_status pf__xlsx_sample(pf__xlsx_book *b, pf__xlsx_sheet *sh, const pf__xlsx_head_opts *o,
                          int64_t max_rows, pf_error *err) {
  pf__xlsx_sheet_free_sample(sh);
  sh->header_row = sh->first_data = sh->last_data = sh->filled_rows = 0;
  sh->col_lo = 1;
  sh->col_hi = 0;
  sample_ctx c;
  memset(&c, 0, sizeof c);
  c.b = b;
  c.sh = sh;
  c.o = o;
  c.max_rows = max_rows;
  c.err = err;
  pf__xlsx_scan *s = NULL;
  pf_status st = pf__xlsx_scan_open(b, sh, o->fill_merged, sample_row, &c, &s, err);
  int done = 0;
  if (st == PF_OK) st = pf__xlsx_scan_run(s, &done, err);
  if (st == PF_ECANCELED && c.st != PF_OK) {
    st = c.st;
    if (err && err->status == st) {
      pf__error_file(err, b->path);
      pf__error_table(err, "sheet", sh->name, 1);
    }
  }
  pf__xlsx_scan_close(s);
  if (st == PF_OK && !c.decided) settle_pending(&c); /* only one-cell rows */
  free_pending(&c);
  if (st == PF_OK && c.lo) {
    sh->col_lo = c.lo;
    sh->col_hi = c.hi;
    int64_t w = c.hi - c.lo + 1;
    if (o->max_cols > 0 && w > o->max_cols) {
      char a[16], z[16];
      pf__xlsx_cell_ref(c.lo, 0, a, sizeof a);
      pf__xlsx_cell_ref(c.hi, 0, z, sizeof z);
      pf__error_set(err, PF_ELIMIT,
                    "the sheet '%s' uses %lld columns (%s to %s), more than the limit of %lld "
                    "(raise it with input.max_columns)",
                    sh->name, (long long)w, a, z, (long long)o->max_cols);
      pf__error_file(err, b->path);
      pf__error_table(err, "sheet", sh->name, 1);
      st = PF_ELIMIT;
    }
    if (st == PF_OK) {
      sh->n_hdr = sh->n_types = (size_t)w;
      sh->hdr = calloc((size_t)w, sizeof *sh->hdr);
      sh->types = calloc((size_t)w, sizeof *sh->types);
      if (!sh->hdr || !sh->types) st = PF_ENOMEM;
      for (int64_t i = 0; st == PF_OK && i < w; i++) {
        sh->hdr[i] = c.hdr[c.lo + i];
        c.hdr[c.lo + i] = NULL;
        sh->types[i] = c.types[c.lo + i];
      }
    }
  }
  for (size_t i = 0; i < c.cap; i++) free(c.hdr[i]);
  free(c.hdr);
  free(c.types);
  if (st == PF_OK) {
    sh->complete = done;
    sh->data_rows = sh->first_data ? sh->last_data - sh->first_data + 1 : 0;
    st = make_signature(sh);
    if (st == PF_OK && sh->first_data == 0 && sh->header_row == 0) sh->signature[0] = 0;
  }
  sh->sampled = st == PF_OK;
  return st;
}

/* xlsx_sheet.c - one worksheet's XML as a stream of rows of cells.
 *
 * The sheet part is inflated 64 KiB at a time into expat's buffer and
 * parsed as it comes, so a sheet is never whole in memory. The handlers
 * collect a row's cells (<c r= s= t=> with <v>, or <is><t> for inline
 * strings; rich-text runs joined, phonetic <rPh> runs left out; <f>
 * formulas ignored in favour of their cached <v>) and call the row
 * callback once the row is complete: at the next <row> with another
 * number, or at </sheetData> (some writers give every cell a <row> of its
 * own, all with the same number: they are one row, as Excel shows them).
 * Cells are placed by their reference (letters in either case); rows and
 * cells without r= attributes follow the previous one. Cells in a row are
 * sorted by column, a column given twice keeps its last value. Empty
 * texts (<v/>, an empty shared or inline string) are empty cells; text
 * escapes (_x000D_) are decoded. The callback may suspend the parse
 * (expat's resumable stop) so a reader can hand out a full batch and
 * continue later.
 *
 * Merged cells (fill_merged): <mergeCells> comes after <sheetData>, so a
 * first pass over the part collects the ranges; during the real pass the
 * top-left cell's value is copied into every empty cell of its range,
 * including rows the XML leaves out (synthesised between rows).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "readers/xlsx/xlsx_internal.h"

#define CHUNK (64u << 10)
#define MAX_MERGES 1000000u

typedef struct merge {
  uint32_t r1, c1, r2, c2;
  int have;         /* the top-left value was seen       */
  uint8_t kind, fmt;
  char *val;
  size_t n;
} merge;

struct pf__xlsx_scan {
  pf__xlsx_book *b;
  pf__xlsx_sheet *sh;
  pf__zip_stream *zs;
  XML_Parser p;
  pf__xlsx_row_fn fn;
  void *user;
  /* row being read */
  int64_t row;          /* current row number                  */
  int64_t last_row;     /* last row reported (or synthesised)  */
  uint32_t col;         /* last cell's column                  */
  pf__xlsx_cell *cells;
  uint64_t *coff;       /* text offsets of cells while parsing */
  size_t n, cap;
  pf__buf text;
  /* cell being read */
  int in_c, has_val, capture, in_is, rph, in_data;
  uint8_t kind, fmt;
  size_t val_start;
  /* state */
  int pending;           /* the row's cells are complete but not handed
                            over (a <row> with its number may follow) */
  int suspended, finished, fed_final;
  int no_r;             /* a row without r= was seen (chunk mode)  */
  pf_status st;
  pf_error err;
  /* merged ranges */
  merge *m;
  size_t n_m, cap_m;
  int64_t synth_next, synth_end; /* rows to synthesise before the next one */
  pf__xlsx_cell *fill;
  size_t cap_fill;
};

static int parse_ref(const char *r, uint32_t *col, int64_t *row) {
  uint32_t c = 0;
  for (;; r++) {
    uint32_t d = *r >= 'A' && *r <= 'Z' ? (uint32_t)(*r - 'A' + 1)
               : *r >= 'a' && *r <= 'z' ? (uint32_t)(*r - 'a' + 1) : 0;
    if (!d) break;
    c = c * 26 + d;
    if (c > PF__XLSX_MAX_COLS) return 0;
  }
  while (*r == '$') r++;
  int64_t rw = 0;
  while (*r >= '0' && *r <= '9') {
    rw = rw * 10 + (*r - '0');
    if (rw > PF__XLSX_MAX_ROWS) return 0;
    r++;
  }
  *col = c;
  if (row) *row = rw;
  return c > 0 || rw > 0;
}

static void fail(pf__xlsx_scan *s, pf_status st) {
  if (s->st == PF_OK) s->st = st;
  XML_StopParser(s->p, XML_FALSE);
}

static void fail_cell(pf__xlsx_scan *s, pf_status st, const char *what) {
  char ref[32];
  pf__xlsx_cell_ref(s->col, s->row, ref, sizeof ref);
  pf__error_set(&s->err, st, "%s at %s!%s", what, s->sh->name, ref);
  pf__error_place(&s->err, -1, s->row, s->col, -1);
  fail(s, st);
}

/* ---- merged ranges ---- */
static void XMLCALL merge_start(void *arg, const XML_Char *name, const XML_Char **atts) {
  pf__xlsx_scan *s = XML_GetUserData((XML_Parser)arg);
  if (strcmp(pf__xlsx_local(name), "mergeCell") != 0) return;
  const char *ref = pf__xlsx_attr(atts, "ref");
  const char *colon = ref ? strchr(ref, ':') : NULL;
  merge g;
  memset(&g, 0, sizeof g);
  int64_t r1, r2;
  uint32_t c1, c2;
  if (!colon || !parse_ref(ref, &c1, &r1) || !parse_ref(colon + 1, &c2, &r2) || r1 < 1 || r2 < r1 ||
      c1 < 1 || c2 < c1)
    return;
  if (s->n_m >= MAX_MERGES) return;
  if (s->n_m == s->cap_m) {
    size_t nc = s->cap_m ? s->cap_m * 2 : 16;
    merge *nm = realloc(s->m, nc * sizeof *nm);
    if (!nm) {
      fail(s, PF_ENOMEM);
      return;
    }
    s->m = nm;
    s->cap_m = nc;
  }
  g.r1 = (uint32_t)r1, g.r2 = (uint32_t)r2, g.c1 = c1, g.c2 = c2;
  s->m[s->n_m++] = g;
}
static void XMLCALL no_end(void *arg, const XML_Char *name) { (void)arg, (void)name; }

static pf_status read_merges(pf__xlsx_scan *s, const pf__zip_entry *e, pf_error *err) {
  pf__zip_stream *zs = NULL;
  PF_TRY(pf__zip_stream_open(s->b->zip, e, &zs, err));
  XML_Parser p = pf__xlsx_parser_new();
  if (!p) {
    pf__zip_stream_close(zs);
    return PF_ENOMEM;
  }
  s->p = p;
  XML_SetUserData(p, s);
  XML_SetElementHandler(p, merge_start, no_end);
  pf_status st = PF_OK;
  for (;;) {
    void *buf = XML_GetBuffer(p, CHUNK);
    size_t got = 0;
    if (!buf) st = PF_ENOMEM;
    else st = pf__zip_stream_read(zs, buf, CHUNK, &got, err);
    if (st != PF_OK) break;
    if (XML_ParseBuffer(p, (int)got, got == 0) != XML_STATUS_OK) {
      st = s->st != PF_OK ? s->st : pf__xlsx_xml_error(s->b, p, s->sh->part, err);
      break;
    }
    if (got == 0) break;
  }
  XML_ParserFree(p);
  s->p = NULL;
  pf__zip_stream_close(zs);
  return st;
}

static int fill_add(pf__xlsx_scan *s, size_t *nf, const merge *g, uint32_t col) {
  if (*nf == s->cap_fill) {
    size_t nc = s->cap_fill ? s->cap_fill * 2 : 64;
    pf__xlsx_cell *nv = realloc(s->fill, nc * sizeof *nv);
    if (!nv) return 0;
    s->fill = nv;
    s->cap_fill = nc;
  }
  pf__xlsx_cell *c = &s->fill[(*nf)++];
  c->col = col;
  c->kind = g->kind;
  c->fmt = g->fmt;
  c->p = g->val;
  c->n = g->n;
  return 1;
}

/* Builds row `row`'s cells with merged values filled in (into s->fill);
 * returns the count, or (size_t)-1 when out of memory. */
static size_t apply_merges(pf__xlsx_scan *s, int64_t row, const pf__xlsx_cell *cells, size_t n) {
  size_t nf = 0;
  for (size_t i = 0; i < s->n_m; i++) {
    merge *g = &s->m[i];
    if (row < g->r1 || row > g->r2) continue;
    if (row == g->r1) {
      free(g->val);
      g->val = NULL;
      g->have = 0;
      for (size_t k = 0; k < n; k++)
        if (cells[k].col == g->c1) {
          g->val = malloc(cells[k].n + 1);
          if (!g->val) return (size_t)-1;
          memcpy(g->val, cells[k].p, cells[k].n);
          g->val[cells[k].n] = 0;
          g->n = cells[k].n;
          g->kind = cells[k].kind;
          g->fmt = cells[k].fmt;
          g->have = 1;
        }
    }
    if (!g->have) continue;
    for (uint32_t c = g->c1; c <= g->c2; c++) {
      if (row == g->r1 && c == g->c1) continue;
      int present = 0;
      for (size_t k = 0; k < n && !present; k++) present = cells[k].col == c;
      if (!present && !fill_add(s, &nf, g, c)) return (size_t)-1;
    }
  }
  if (nf == 0) return 0;
  for (size_t k = 0; k < n; k++) {
    if (nf == s->cap_fill) {
      size_t nc = s->cap_fill * 2;
      pf__xlsx_cell *nv = realloc(s->fill, nc * sizeof *nv);
      if (!nv) return (size_t)-1;
      s->fill = nv;
      s->cap_fill = nc;
    }
    s->fill[nf++] = cells[k];
  }
  /* Insertion sort by column (rows are short, mostly sorted). */
  for (size_t i = 1; i < nf; i++) {
    pf__xlsx_cell t = s->fill[i];
    size_t j = i;
    while (j > 0 && s->fill[j - 1].col > t.col) {
      s->fill[j] = s->fill[j - 1];
      j--;
    }
    s->fill[j] = t;
  }
  return nf;
}

/* Calls the row callback (with merges applied); returns its verdict. */
static int deliver(pf__xlsx_scan *s, int64_t row, const pf__xlsx_cell *cells, size_t n) {
  s->last_row = row;
  if (s->n_m) {
    size_t nf = apply_merges(s, row, cells, n);
    if (nf == (size_t)-1) {
      fail(s, PF_ENOMEM);
      return -1;
    }
    if (nf) {
      cells = s->fill;
      n = nf;
    }
  }
  if (n == 0) return 0;
  return s->fn(s->user, row, cells, n);
}

/* Synthesises rows the XML left out that merged ranges cover; returns 1
 * when the callback asked to suspend, -1 on a stop. */
static int synthesise(pf__xlsx_scan *s) {
  while (s->synth_next <= s->synth_end) {
    int64_t r = s->synth_next++;
    int covered = 0;
    for (size_t i = 0; i < s->n_m && !covered; i++)
      covered = s->m[i].have && r > s->m[i].r1 && r <= s->m[i].r2;
    if (!covered) continue;
    int v = deliver(s, r, NULL, 0);
    if (v != 0) return v;
  }
  return 0;
}

static void stop_for(pf__xlsx_scan *s, int v) {
  if (v > 0) XML_StopParser(s->p, XML_TRUE);
  else if (v < 0) fail(s, PF_ECANCELED);
}

/* ---- sheet XML handlers ---- */
static void row_in_cell(pf__xlsx_scan *s);
static int flush_row(pf__xlsx_scan *s);

static void XMLCALL on_start(void *arg, const XML_Char *name, const XML_Char **atts) {
  pf__xlsx_scan *s = XML_GetUserData((XML_Parser)arg);
  const char *l = pf__xlsx_local(name);
  switch (l[0]) {
    case 'c':
      if (l[1] == 0 && s->in_data) {
        s->in_c = 1;
        s->has_val = 0;
        s->kind = PF__XK_NUM;
        s->fmt = PF__XF_NUMBER;
        uint32_t col = s->col + 1;
        for (size_t i = 0; atts[i]; i += 2) {
          const char *a = pf__xlsx_local(atts[i]), *v = atts[i + 1];
          if (a[1]) continue;
          if (a[0] == 'r') {
            uint32_t c;
            if (parse_ref(v, &c, NULL) && c > 0) col = c;
          } else if (a[0] == 's') {
            unsigned long x = strtoul(v, NULL, 10);
            if (x < s->b->n_xf) s->fmt = s->b->xf_fmt[x];
          } else if (a[0] == 't') {
            if (v[0] == 's' && v[1] == 0) s->kind = PF__XK_SST;
            else if (strcmp(v, "str") == 0 || strcmp(v, "inlineStr") == 0) s->kind = PF__XK_STR;
            else if (v[0] == 'b') s->kind = PF__XK_BOOL;
            else if (v[0] == 'e') s->kind = PF__XK_ERR;
            else if (v[0] == 'd') s->kind = PF__XK_ISO;
          }
        }
        if (col > PF__XLSX_MAX_COLS) col = PF__XLSX_MAX_COLS;
        s->col = col;
      }
      return;
    case 'v':
      if (l[1] == 0 && s->in_c) {
        s->capture = 1;
        s->has_val = 1;
        s->val_start = s->text.len;
      }
      return;
    case 'i':
      if (l[1] == 's' && l[2] == 0 && s->in_c) {
        s->in_is = 1;
        s->has_val = 1;
        s->kind = PF__XK_STR;
        s->val_start = s->text.len;
      }
      return;
    case 't':
      if (l[1] == 0 && s->in_is && !s->rph) s->capture = 1;
      return;
    case 'r':
      if (l[1] == 'o' && strcmp(l, "row") == 0 && s->in_data) {
        if (s->in_c) {
          row_in_cell(s);
          return;
        }
        int64_t r = s->row + 1;
        const char *rv = pf__xlsx_attr(atts, "r");
        if (rv) {
          long long x = strtoll(rv, NULL, 10);
          if (x > 0 && x <= PF__XLSX_MAX_ROWS) r = x;
        } else {
          s->no_r = 1;
        }
        s->col = 0;
        if (s->pending && r == s->row) return; /* the same row again: its cells join */
        int v = flush_row(s);
        s->row = r;
        s->n = 0;
        s->text.len = 0;
        if (v == 0 && s->n_m && r > s->last_row + 1) {
          s->synth_next = s->last_row + 1;
          s->synth_end = r - 1;
          v = synthesise(s);
        }
        stop_for(s, v);
      } else if (strcmp(l, "rPh") == 0) {
        s->rph++;
      }
      return;
    case 's':
      if (strcmp(l, "sheetData") == 0) s->in_data = 1;
      return;
    case 'd':
      if (strcmp(l, "dimension") == 0 && !s->sh->dimension) {
        const char *ref = pf__xlsx_attr(atts, "ref");
        if (ref && !(s->sh->dimension = pf__strdup(ref))) fail(s, PF_ENOMEM);
      }
      return;
    default:
      return;
  }
}

/* A <row> start inside a cell dropped the text the cell's value had begun
 * in (its offset is past the end of the row's text now). */
static void row_in_cell(pf__xlsx_scan *s) {
  fail_cell(s, PF_EPARSE, "a row inside a cell (the sheet XML is damaged; open and re-save it)");
}

static void end_cell(pf__xlsx_scan *s) {
  s->in_c = 0;
  s->capture = 0;
  if (!s->has_val) return;
  if (s->text.len < s->val_start) {
    row_in_cell(s);
    return;
  }
  size_t len = s->text.len - s->val_start;
  if (len && s->kind == PF__XK_STR) {
    len = pf__xlsx_unescape((char *)s->text.data + s->val_start, len);
    s->text.len = s->val_start + len;
  }
  if (len == 0) return; /* an empty text is an empty cell */
  if (s->n == s->cap) {
    size_t nc = s->cap ? s->cap * 2 : 64;
    pf__xlsx_cell *nv = realloc(s->cells, nc * sizeof *nv);
    uint64_t *no = nv ? realloc(s->coff, nc * sizeof *no) : NULL;
    if (nv) s->cells = nv;
    if (!nv || !no) {
      fail(s, PF_ENOMEM);
      return;
    }
    s->coff = no;
    s->cap = nc;
  }
  pf__xlsx_cell *c = &s->cells[s->n];
  c->col = s->col;
  c->kind = s->kind;
  c->fmt = s->fmt;
  c->n = len;
  s->coff[s->n++] = s->val_start;
}

/* Hands the complete row over (once no <row> of its number can follow):
 * cells put in column order, texts resolved now that the buffer stops
 * moving, empty shared strings left out. Returns the callback's verdict
 * (0 when there was no row). */
static int flush_row(pf__xlsx_scan *s) {
  if (!s->pending) return 0;
  s->pending = 0;
  size_t n = pf__xlsx_settle(s->cells, s->coff, s->n), k = 0;
  for (size_t i = 0; i < n; i++) {
    pf__xlsx_cell *c = &s->cells[i];
    c->p = (const char *)s->text.data + s->coff[i];
    if (c->kind == PF__XK_SST && pf__xlsx_sst_resolve(s->b, c) != 0) {
      s->col = c->col;
      fail_cell(s, PF_EPARSE, "a shared string index that the workbook does not have");
      return -1;
    }
    if (c->n) s->cells[k++] = *c;
  }
  return deliver(s, s->row, s->cells, k);
}

static void end_row(pf__xlsx_scan *s) { s->pending = 1; }

static void XMLCALL on_end(void *arg, const XML_Char *name) {
  pf__xlsx_scan *s = XML_GetUserData((XML_Parser)arg);
  const char *l = pf__xlsx_local(name);
  switch (l[0]) {
    case 'c':
      if (l[1] == 0 && s->in_c) end_cell(s);
      return;
    case 'v':
      if (l[1] == 0) s->capture = 0;
      return;
    case 't':
      if (l[1] == 0 && s->in_is) s->capture = 0;
      return;
    case 'i':
      if (l[1] == 's' && l[2] == 0) s->in_is = 0;
      return;
    case 'r':
      if (l[1] == 'o' && strcmp(l, "row") == 0 && s->in_data) end_row(s);
      else if (strcmp(l, "rPh") == 0 && s->rph > 0) s->rph--;
      return;
    case 's':
      if (strcmp(l, "sheetData") == 0) {
        s->in_data = 0;
        int v = flush_row(s);
        /* Merged ranges reaching past the last row written. */
        if (v >= 0 && s->n_m) {
          int64_t end = s->last_row;
          for (size_t i = 0; i < s->n_m; i++)
            if (s->m[i].have && s->m[i].r2 > end) end = s->m[i].r2;
          s->synth_next = s->last_row + 1;
          s->synth_end = end;
          if (v == 0) v = synthesise(s);
        }
        /* Nothing after sheetData matters (merges were read before); a
         * suspended run ends after the rows still to synthesise. */
        s->finished = v >= 0;
        if (v != 0) stop_for(s, v);
        else XML_StopParser(s->p, XML_FALSE);
      }
      return;
    default:
      return;
  }
}

static void XMLCALL on_text(void *arg, const XML_Char *t, int len) {
  pf__xlsx_scan *s = XML_GetUserData((XML_Parser)arg);
  if (!s->capture) return;
  if (s->text.len < s->val_start) {
    row_in_cell(s);
    return;
  }
  if (s->text.len - s->val_start + (size_t)len > s->b->max_field) {
    fail_cell(s, PF_ELIMIT, "a cell longer than the limit on one value (input.max_field_size)");
    return;
  }
  if (pf__buf_append(&s->text, t, (size_t)len) != PF_OK) fail(s, PF_ENOMEM);
}

static void setup_parser(pf__xlsx_scan *s) {
  XML_SetUserData(s->p, s);
  XML_SetElementHandler(s->p, on_start, on_end);
  XML_SetCharacterDataHandler(s->p, on_text);
}

/* A scanner without parser or input yet; NULL when out of memory. */
static pf__xlsx_scan *scan_new(pf__xlsx_book *b, pf__xlsx_sheet *sh, pf__xlsx_row_fn fn,
                               void *user) {
  pf__xlsx_scan *s = calloc(1, sizeof *s);
  if (!s) return NULL;
  s->b = b;
  s->sh = sh;
  s->fn = fn;
  s->user = user;
  pf__buf_init(&s->text, 0);
  pf_error_init(&s->err);
  return s;
}

/* Gives s its sheet parser with the cell handlers. */
static pf_status scan_parser(pf__xlsx_scan *s) {
  if (!(s->p = pf__xlsx_parser_new())) return PF_ENOMEM;
  setup_parser(s);
  return PF_OK;
}

pf_status pf__xlsx_scan_open(pf__xlsx_book *b, pf__xlsx_sheet *sh, int fill_merged,
                             pf__xlsx_row_fn fn, void *user, pf__xlsx_scan **out,
                             pf_error *err) {
  *out = NULL;
  if (!sh->part) { /* a sheet without a part (xlsx_book.c): no rows */
    pf__xlsx_scan *s = scan_new(b, sh, fn, user);
    if (!s) return PF_ENOMEM;
    s->finished = 1;
    *out = s;
    return PF_OK;
  }
  const pf__zip_entry *e = pf__zip_find(b->zip, sh->part);
  if (!e) {
    pf__error_set(err, PF_EPARSE,
                  "the sheet '%s' is missing from the workbook: no part %s in the archive (the "
                  "file is damaged)",
                  sh->name, sh->part);
    pf__error_file(err, b->path);
    pf__error_table(err, "sheet", sh->name, 1);
    return PF_EPARSE;
  }
  pf__xlsx_scan *s = scan_new(b, sh, fn, user);
  if (!s) return PF_ENOMEM;
  pf_status st = PF_OK;
  if (fill_merged) st = read_merges(s, e, err);
  s->st = PF_OK;
  if (st == PF_OK) st = pf__zip_stream_open(b->zip, e, &s->zs, err);
  /* after the merge pre-pass, which uses a parser of its own */
  if (st == PF_OK) st = scan_parser(s);
  if (st != PF_OK) {
    pf__xlsx_scan_close(s);
    pf__error_table(err, "sheet", sh->name, 0);
    return st;
  }
  *out = s;
  return PF_OK;
}

/* Turns a parse result into the run's outcome. */
static pf_status outcome(pf__xlsx_scan *s, enum XML_Status r, int *done, pf_error *err) {
  if (r == XML_STATUS_SUSPENDED) {
    s->suspended = 1;
    return PF_OK;
  }
  if (r == XML_STATUS_ERROR) {
    if (s->st != PF_OK) {
      if (s->err.status != PF_OK) {
        pf__error_copy(err, &s->err);
        pf__error_file(err, s->b->path);
      }
      pf__error_table(err, "sheet", s->sh->name, 1);
      return s->st;
    }
    if (s->finished) {
      *done = 1;
      return PF_OK;
    }
    pf_status st = pf__xlsx_xml_error(s->b, s->p, s->sh->part, err);
    pf__error_table(err, "sheet", s->sh->name, 1);
    return st;
  }
  if (s->fed_final) {
    s->finished = 1;
    *done = 1;
  }
  return PF_OK;
}

/* The sheet's rows are all read: the rest of its part is inflated too, so
 * that its size and CRC-32 are checked whatever the reading (info reads
 * every sheet this way, convert in parts: both see a damaged member). */
static pf_status drain(pf__xlsx_scan *s, pf_error *err) {
  if (!s->zs) return PF_OK;
  pf_status st = pf__zip_stream_drain(s->zs, err);
  if (st != PF_OK) pf__error_table(err, "sheet", s->sh->name, 1);
  return st;
}

pf_status pf__xlsx_scan_run(pf__xlsx_scan *s, int *done, pf_error *err) {
  *done = 0;
  if (s->suspended) {
    int v = synthesise(s);
    if (v > 0) return PF_OK;
    if (v < 0) return outcome(s, XML_STATUS_ERROR, done, err);
    s->suspended = 0;
    if (!s->finished) {
      PF_TRY(outcome(s, XML_ResumeParser(s->p), done, err));
      if (s->suspended) return PF_OK;
    }
  }
  if (s->finished || *done) {
    *done = 1;
    return drain(s, err);
  }
  for (;;) {
    void *buf = XML_GetBuffer(s->p, CHUNK);
    if (!buf) return PF_ENOMEM;
    size_t got = 0;
    pf_status st = pf__zip_stream_read(s->zs, buf, CHUNK, &got, err);
    if (st != PF_OK) {
      pf__error_table(err, "sheet", s->sh->name, 1);
      return st;
    }
    s->fed_final = got == 0;
    PF_TRY(outcome(s, XML_ParseBuffer(s->p, (int)got, got == 0), done, err));
    if (s->suspended) return PF_OK;
    if (*done) return drain(s, err);
  }
}

/* ---- chunk mode: rows cut out of the sheetData by the parallel reader ---- */
pf_status pf__xlsx_chunk_new(pf__xlsx_book *b, pf__xlsx_sheet *sh, pf__xlsx_row_fn fn, void *user,
                             pf__xlsx_scan **out) {
  pf__xlsx_scan *s = scan_new(b, sh, fn, user);
  if (!s) return PF_ENOMEM;
  if (scan_parser(s) != PF_OK) {
    free(s);
    return PF_ENOMEM;
  }
  *out = s;
  return PF_OK;
}

pf_status pf__xlsx_chunk_parse(pf__xlsx_scan *s, const char *data, size_t n, int *no_r,
                               pf_error *err) {
  if (!XML_ParserReset(s->p, "UTF-8")) return PF_ENOMEM;
  XML_UseParserAsHandlerArg(s->p);
  XML_SetStartDoctypeDeclHandler(s->p, NULL);
  setup_parser(s);
  s->in_data = 1;
  s->in_c = s->in_is = s->rph = s->capture = s->pending = 0;
  s->row = s->last_row = 0;
  s->n = 0;
  s->text.len = 0;
  s->no_r = 0;
  s->st = PF_OK;
  pf_error_init(&s->err);
  int ok = XML_Parse(s->p, "<w>", 3, 0) == XML_STATUS_OK;
  while (ok && n > 0) {
    int k = n > (1u << 30) ? (1 << 30) : (int)n;
    ok = XML_Parse(s->p, data, k, 0) == XML_STATUS_OK;
    data += k;
    n -= (size_t)k;
  }
  if (ok) ok = XML_Parse(s->p, "</w>", 4, 1) == XML_STATUS_OK;
  if (ok && flush_row(s) < 0) {
    if (s->st == PF_OK) s->st = PF_ECANCELED;
    ok = 0;
  }
  *no_r = s->no_r;
  if (ok) return PF_OK;
  int done = 0;
  pf_status st = outcome(s, XML_STATUS_ERROR, &done, err);
  if (st == PF_EPARSE && s->st == PF_OK && err) {
    /* Lines and columns count from the cut, not the part: say where. */
    char was[sizeof err->message];
    memcpy(was, err->message, sizeof was);
    char *at = strstr(was, " at line ");
    char *colon = at ? strchr(at, ':') : NULL;
    if (at && colon)
      pf__error_set(err, PF_EPARSE, "%.*s in the rows after sheet row %lld%s", (int)(at - was), was,
                    (long long)s->row, colon);
    err->line = -1;
    err->offset = -1;
  }
  return st;
}

uint64_t pf__xlsx_scan_bytes(const pf__xlsx_scan *s) { return s->zs ? pf__zip_stream_in(s->zs) : 0; }

void pf__xlsx_scan_close(pf__xlsx_scan *s) {
  if (!s) return;
  if (s->p) XML_ParserFree(s->p);
  pf__zip_stream_close(s->zs);
  for (size_t i = 0; i < s->n_m; i++) free(s->m[i].val);
  free(s->m);
  free(s->fill);
  free(s->cells);
  free(s->coff);
  pf__buf_free(&s->text);
  free(s);
}

/* ---- what the expat path and the scanner (xlsx_fast.c) share ---- */
size_t pf__xlsx_settle(pf__xlsx_cell *cells, uint64_t *coff, size_t n) {
  /* Insertion sort, stable (cells mostly come in order). */
  for (size_t i = 1; i < n; i++) {
    pf__xlsx_cell c = cells[i];
    uint64_t o = coff[i];
    size_t j = i;
    while (j > 0 && cells[j - 1].col > c.col) {
      cells[j] = cells[j - 1];
      coff[j] = coff[j - 1];
      j--;
    }
    cells[j] = c;
    coff[j] = o;
  }
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    if (k && cells[k - 1].col == cells[i].col) k--; /* the later one wins */
    cells[k] = cells[i];
    coff[k++] = coff[i];
  }
  return k;
}

int pf__xlsx_sst_resolve(const pf__xlsx_book *b, pf__xlsx_cell *c) {
  uint64_t idx = 0;
  size_t k = 0;
  while (k < c->n && c->p[k] >= '0' && c->p[k] <= '9' && idx <= UINT32_MAX)
    idx = idx * 10 + (uint64_t)(c->p[k++] - '0');
  if (k != c->n || k == 0 || idx >= b->n_sst) return -1;
  c->p = b->sst + b->sst_off[idx];
  c->n = b->sst_len[idx];
  return 0;
}

static int hexval(char ch) {
  return ch >= '0' && ch <= '9' ? ch - '0'
       : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10
       : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
}

/* The code unit of an escape "_xHHHH_" at p (n bytes available), or -1. */
static long escape_at(const char *p, size_t n) {
  if (n < 7 || p[0] != '_' || p[1] != 'x' || p[6] != '_') return -1;
  long u = 0;
  for (int i = 2; i < 6; i++) {
    int h = hexval(p[i]);
    if (h < 0) return -1;
    u = u * 16 + h;
  }
  return u;
}

size_t pf__xlsx_unescape(char *p, size_t n) {
  char *first = memchr(p, '_', n);
  if (!first) return n;
  size_t i = (size_t)(first - p), o = i;
  while (i < n) {
    long u = p[i] == '_' ? escape_at(p + i, n - i) : -1;
    size_t used = 7;
    if (u >= 0xD800 && u <= 0xDBFF) {
      long lo = escape_at(p + i + 7, n - i - 7);
      if (lo >= 0xDC00 && lo <= 0xDFFF) {
        u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
        used = 14;
      } else {
        u = -1; /* a lone surrogate: kept as written */
      }
    } else if (u >= 0xDC00 && u <= 0xDFFF) {
      u = -1;
    }
    if (u < 0) {
      p[o++] = p[i++];
      continue;
    }
    /* UTF-8 is never longer than the escape: in place is safe. */
    if (u < 0x80) {
      p[o++] = (char)u;
    } else if (u < 0x800) {
      p[o++] = (char)(0xC0 | (u >> 6));
      p[o++] = (char)(0x80 | (u & 0x3F));
    } else if (u < 0x10000) {
      p[o++] = (char)(0xE0 | (u >> 12));
      p[o++] = (char)(0x80 | ((u >> 6) & 0x3F));
      p[o++] = (char)(0x80 | (u & 0x3F));
    } else {
      p[o++] = (char)(0xF0 | (u >> 18));
      p[o++] = (char)(0x80 | ((u >> 12) & 0x3F));
      p[o++] = (char)(0x80 | ((u >> 6) & 0x3F));
      p[o++] = (char)(0x80 | (u & 0x3F));
    }
    i += used;
  }
  return o;
}

/* xlsx_par.c - reading one sheet in parts, with several threads.
 *
 * Parsing is most of the work of reading a sheet, and one parser is
 * sequential; but a sheet's <sheetData> is a flat run of <row>
 * elements, and in XML text a "<row" can only start an element outside
 * comments, CDATA sections and processing instructions (text and attribute
 * values escape '<'). So a round of inflated bytes is cut at "<row" starts
 * into parts read at the same time on the pool, each into its own row
 * store: by the specialised scanner (xlsx_fast.c) or, where it is unsure,
 * by a chunk parser (xlsx_sheet.c, chunk mode, expat). Meanwhile one task
 * hands the previous round's rows, in order, to the reader (which turns
 * them into a batch) and another inflates the round after: parsing,
 * converting and inflating overlap. On a pool of one thread the same tasks
 * run one after the other (the scanner still does the parsing). Row stores
 * come in two sets (one taken from, one being filled); they copy what they
 * keep, so a round's bytes can be reused as soon as it is parsed.
 *
 * Where the cut rule could be wrong the sheet goes back to the serial
 * reader (the caller skips the rows already taken): a part not in UTF-8
 * (a byte-order mark or an encoding declaration say so: "<row" is other
 * bytes in UTF-16), "<!" or "<?" inside sheetData (comments, CDATA,
 * processing instructions), or rows without r= (their numbers depend on
 * the rows before the part).
 *
 * Rows of the same number one after the other are one row (some writers
 * give each cell a <row> of its own): the parsers join them within a
 * part; across parts the taker holds a round's last row back (a copy)
 * until the next row shows whether it continues.
 *
 * PYFORGE_XLSX_SCANNER=check also runs the serial reader beside the parts
 * (xlsx_fast_check.c) and compares every row handed over, and that no row
 * is left when the sheet ends.
 *
 * Memory: two round buffers (ROUND_PER_THREAD bytes per thread each) and
 * two sets of row stores, whatever the sheet's size.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "readers/xlsx/xlsx_fast.h"

#define ROUND_PER_THREAD (1u << 20)
#define MAX_PARTS 64
#define OFF_FLAG 0x80 /* cell p holds an offset into the store's text */

typedef struct prow {
  int64_t row;
  size_t first, n;
} prow;

/* A row held back until the next row's number is known. */
typedef struct carry {
  int has;
  int64_t row;
  pf__xlsx_cell *cells;
  uint64_t *coff;          /* text offset; UINT64_MAX: p is a shared string */
  size_t n, cap;
  pf__buf text;
} carry;

typedef struct part {
  struct pf__xlsx_par *par;
  pf__xlsx_scan *scan;
  pf__xlsx_fast *fast;     /* the specialised scanner (xlsx_fast.c)     */
  const char *data;        /* NULL: unused in this round               */
  size_t len;
  prow *rows;
  size_t n_rows, cap_rows;
  pf__xlsx_cell *cells;
  size_t n_cells, cap_cells;
  pf__buf text;
  pf_status st;
  pf_error err;
  int no_r;
  int unsure;              /* the scanner left this part to expat        */
} part;

struct pf__xlsx_par {
  pf__xlsx_book *b;
  pf__xlsx_sheet *sh;
  pf__pool *pool;
  int mode;                /* PF__XLSX_SCAN_* (PYFORGE_XLSX_SCANNER)      */
  size_t n_sure, n_unsure; /* parts the scanner decided / left to expat   */
  pf__zip_stream *zs;
  pf__buf cur, next;       /* this round's bytes; the next round's         */
  int eof;                 /* the stream is used up (after cur/next)       */
  int in_body;             /* past <sheetData ...>                         */
  int ended;               /* </sheetData> seen: no round after this       */
  int fallback;            /* the serial reader must take over after the
                              rows already parsed                          */
  char row_tag[40];        /* "<row" or "<x:row"                            */
  char end_tag[48];        /* "</sheetData" or "</x:sheetData"               */
  size_t round;            /* target bytes per round                        */
  part parts[2][MAX_PARTS];/* two sets: one taken from, one being parsed   */
  size_t n_parts;
  int take_set;            /* the set rows are taken from (-1: none)       */
  int ready;               /* set ready_set holds a parsed round           */
  int ready_set;
  size_t cur_part, cur_row;/* position in the take set                     */
  pf_status inflate_st;
  pf_error inflate_err;
  /* taking rows inside the pool run */
  pf__xlsx_take_fn take;
  void *take_user;
  int take_verdict;
  carry held;              /* a row that may go on in the next round     */
  pf__xlsx_shadow *shadow; /* check mode: the serial reader, compared   */
  pf_status take_st;       /* a failure of ours while taking (the taker's
                              own failures stay with it)                */
  pf_error take_err;
};

/* The row store's callback: copies the row (texts of non-shared cells). */
static int collect(void *user, int64_t row, const pf__xlsx_cell *cells, size_t n) {
  part *pt = user;
  if (pt->n_rows == pt->cap_rows) {
    size_t nc = pt->cap_rows ? pt->cap_rows * 2 : 1024;
    prow *nr = realloc(pt->rows, nc * sizeof *nr);
    if (!nr) goto oom;
    pt->rows = nr;
    pt->cap_rows = nc;
  }
  if (pt->n_cells + n > pt->cap_cells) {
    size_t nc = pt->cap_cells ? pt->cap_cells * 2 : 16384;
    while (nc < pt->n_cells + n) nc *= 2;
    pf__xlsx_cell *ncl = realloc(pt->cells, nc * sizeof *ncl);
    if (!ncl) goto oom;
    pt->cells = ncl;
    pt->cap_cells = nc;
  }
  const pf__xlsx_book *b = pt->par->b;
  pt->rows[pt->n_rows++] = (prow){row, pt->n_cells, n};
  for (size_t i = 0; i < n; i++) {
    pf__xlsx_cell c = cells[i];
    if (c.kind != PF__XK_SST || c.p < b->sst) {
      size_t off = pt->text.len;
      if (pf__buf_append(&pt->text, c.p, c.n) != PF_OK) goto oom;
      c.p = (const char *)(uintptr_t)off;
      c.fmt |= OFF_FLAG;
    }
    pt->cells[pt->n_cells++] = c;
  }
  return 0;
oom:
  pt->st = PF_ENOMEM;
  return -1;
}

static void reset_part(part *pt) {
  pt->unsure = 0;
  pt->n_rows = pt->n_cells = 0;
  pt->text.len = 0;
  pt->st = PF_OK;
  pt->no_r = 0;
  pf_error_init(&pt->err);
}

/* The scanner first (unless PYFORGE_XLSX_SCANNER=expat); where it is
 * unsure, the same bytes again with expat. */
static void parse_part(part *pt) {
  pf__xlsx_par *p = pt->par;
  reset_part(pt);
  if (p->mode == PF__XLSX_SCAN_CHECK) {
    pf_status st = pf__xlsx_fast_diff(p->b, p->sh, pt->data, pt->len, NULL, &pt->err);
    if (st != PF_OK) {
      pt->st = st;
      return;
    }
  }
  int v = 1;
  if (p->mode != PF__XLSX_SCAN_EXPAT) {
    v = pf__xlsx_fast_parse(pt->fast, p->b, pt->data, pt->len, collect, pt, &pt->no_r);
    if (v < 0) {
      if (pt->st == PF_OK) pt->st = PF_ECANCELED;
      return;
    }
    if (v > 0) {
      reset_part(pt);
      pt->unsure = 1;
    }
  }
  if (v > 0) {
    pf_status st = pf__xlsx_chunk_parse(pt->scan, pt->data, pt->len, &pt->no_r, &pt->err);
    if (st == PF_ECANCELED && pt->st != PF_OK) st = pt->st;
    if (st != PF_OK) {
      pt->st = st;
      return;
    }
  }
  for (size_t i = 0; i < pt->n_cells; i++) {
    pf__xlsx_cell *c = &pt->cells[i];
    if (c->fmt & OFF_FLAG) {
      c->fmt &= (uint8_t)~OFF_FLAG;
      c->p = (const char *)pt->text.data + (uintptr_t)c->p;
    }
  }
}

/* Inflates into buf until it holds want bytes or the member ends. */
static pf_status fill(pf__xlsx_par *p, pf__buf *buf, size_t want, pf_error *err) {
  while (!p->eof && buf->len < want) {
    size_t room = want - buf->len;
    if (room < (64u << 10)) room = 64u << 10;
    PF_TRY(pf__buf_reserve(buf, room + 1));
    size_t got = 0;
    PF_TRY(pf__zip_stream_read(p->zs, buf->data + buf->len, room, &got, err));
    if (got == 0) p->eof = 1;
    buf->len += got;
  }
  return PF_OK;
}

typedef struct job {
  pf__xlsx_par *p;
  int set;        /* the set being parsed                         */
  size_t n_parse;
  int take;       /* task 0 takes rows from take_set meanwhile     */
  int inflate;    /* the last task inflates the next round         */
} job;

/* Hands one row to the taker (compared with the serial reader first in
 * check mode). */
static int give(pf__xlsx_par *p, int64_t row, const pf__xlsx_cell *cells, size_t n) {
  if (p->shadow) {
    pf_status st = pf__xlsx_shadow_row(p->shadow, row, cells, n, &p->take_err);
    if (st != PF_OK) {
      p->take_st = st;
      return -1;
    }
  }
  return p->take(p->take_user, row, cells, n);
}

static int carry_add(pf__xlsx_par *p, int64_t row, const pf__xlsx_cell *cells, size_t n) {
  carry *c = &p->held;
  if (!c->has) {
    c->has = 1;
    c->row = row;
    c->n = 0;
    c->text.len = 0;
  }
  if (c->n + n > c->cap) {
    size_t nc = c->cap ? c->cap : 64;
    while (nc < c->n + n) nc *= 2;
    pf__xlsx_cell *ncl = realloc(c->cells, nc * sizeof *ncl);
    if (ncl) c->cells = ncl;
    uint64_t *no = ncl ? realloc(c->coff, nc * sizeof *no) : NULL;
    if (!no) goto oom;
    c->coff = no;
    c->cap = nc;
  }
  for (size_t i = 0; i < n; i++) {
    c->cells[c->n] = cells[i];
    c->coff[c->n] = UINT64_MAX;
    if (cells[i].kind != PF__XK_SST) {
      c->coff[c->n] = c->text.len;
      if (pf__buf_append(&c->text, cells[i].p, cells[i].n) != PF_OK) goto oom;
    }
    c->n++;
  }
  return 0;
oom:
  p->take_st = PF_ENOMEM;
  pf__error_set(&p->take_err, PF_ENOMEM, "out of memory");
  return -1;
}

/* Hands the held row over (its cells in column order). */
static int give_carry(pf__xlsx_par *p) {
  carry *c = &p->held;
  if (!c->has) return 0;
  c->has = 0;
  size_t n = pf__xlsx_settle(c->cells, c->coff, c->n);
  for (size_t i = 0; i < n; i++)
    if (c->coff[i] != UINT64_MAX) c->cells[i].p = (const char *)c->text.data + c->coff[i];
  return give(p, c->row, c->cells, n);
}

/* The row after the current one in the take set, or NULL (the set ends). */
static const prow *peek_next(const pf__xlsx_par *p) {
  for (size_t i = p->cur_part, r = p->cur_row; i < p->n_parts; i++, r = 0) {
    const part *pt = &p->parts[p->take_set][i];
    if (pt->data && r < pt->n_rows) return &pt->rows[r];
  }
  return NULL;
}

/* Hands rows of the take set to the taker until it says stop. */
static int take_rows(pf__xlsx_par *p) {
  while (p->take_set >= 0 && p->cur_part < p->n_parts) {
    part *pt = &p->parts[p->take_set][p->cur_part];
    if (pt->data && p->cur_row < pt->n_rows) {
      const prow *r = &pt->rows[p->cur_row];
      if (p->held.has && p->held.row != r->row) {
        int v = give_carry(p);
        if (v != 0) return v;
      }
      p->cur_row++;
      const prow *nx = peek_next(p);
      int v;
      if (p->held.has || !nx || nx->row == r->row)
        v = carry_add(p, r->row, pt->cells + r->first, r->n);
      else
        v = give(p, r->row, pt->cells + r->first, r->n);
      if (v != 0) return v;
      continue;
    }
    p->cur_part++;
    p->cur_row = 0;
  }
  return 0;
}

/* Tasks in the order the pool hands them out: the longest single tasks
 * first (inflating the next round, then taking rows), the parts last, so
 * that the threads finish the round together. */
static void run_task(void *arg, size_t i) {
  job *j = arg;
  pf__xlsx_par *p = j->p;
  if (j->inflate) {
    if (i == 0) {
      pf_error_init(&p->inflate_err);
      p->inflate_st = fill(p, &p->next, p->round + p->next.len, &p->inflate_err);
      return;
    }
    i--;
  }
  if (j->take) {
    if (i == 0) {
      p->take_verdict = take_rows(p);
      return;
    }
    i--;
  }
  parse_part(&p->parts[j->set][i]);
}

static const char *find(const char *h, size_t n, const char *needle) {
  return memmem(h, n, needle, strlen(needle));
}

/* A "<row" at q is an element start (not "<rowBreaks"). */
static int row_start(const char *q, const char *end, size_t k) {
  if (q + k >= end) return 0;
  char c = q[k];
  return c == ' ' || c == '>' || c == '/' || c == '\t' || c == '\n' || c == '\r';
}

/* The first row start in [from, end), or NULL. */
static const char *next_row(const pf__xlsx_par *p, const char *from, const char *end) {
  size_t k = strlen(p->row_tag);
  while (from < end) {
    const char *q = find(from, (size_t)(end - from), p->row_tag);
    if (!q) return NULL;
    if (row_start(q, end, k)) return q;
    from = q + 1;
  }
  return NULL;
}

/* The last row start in [from, end), or NULL. */
static const char *last_row(const pf__xlsx_par *p, const char *from, const char *end) {
  size_t k = strlen(p->row_tag);
  for (const char *q = end - k; q >= from; q--)
    if (*q == '<' && memcmp(q, p->row_tag, k) == 0 && row_start(q, end, k)) return q;
  return NULL;
}

/* "<!" or "<?" in [d, d + n): a comment, CDATA section or processing
 * instruction. '!' and '?' are rare in sheet XML, '<' is everywhere, so
 * look for those. */
static int markup_decl(const char *d, size_t n) {
  for (int k = 0; k < 2; k++) {
    const char ch = k ? '?' : '!';
    for (const char *q = d, *e = d + n; q < e;) {
      const char *h = memchr(q, ch, (size_t)(e - q));
      if (!h) break;
      if (h > d && h[-1] == '<') return 1;
      q = h + 1;
    }
  }
  return 0;
}

/* Whether a part's first bytes say UTF-8: no UTF-16/32 byte-order mark
 * or "<?" in a wider encoding, and an XML declaration naming no other
 * encoding. */
static int utf8_part(const char *d, size_t n) {
  const unsigned char *u = (const unsigned char *)d;
  if (n >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) u += 3, n -= 3;
  if (n >= 2 && (u[0] == 0 || u[1] == 0 || (u[0] == 0xFE && u[1] == 0xFF) ||
                 (u[0] == 0xFF && u[1] == 0xFE)))
    return 0;
  if (n < 5 || memcmp(u, "<?xml", 5) != 0) return 1;
  const char *s = (const char *)u, *end = memchr(s, '>', n < 512 ? n : 512);
  if (!end) return 0; /* no end to the declaration: not sure */
  const char *e = memmem(s, (size_t)(end - s), "encoding", 8);
  if (!e) return 1;
  for (e += 8; e < end && (*e == ' ' || *e == '=' || *e == '\t' || *e == '\n' || *e == '\r'); e++) {
  }
  if (e >= end || (*e != '"' && *e != '\'')) return 0;
  char q = *e++;
  size_t k = (size_t)(end - e);
  return (k > 5 && strncasecmp(e, "utf-8", 5) == 0 && e[5] == q) ||
         (k > 4 && strncasecmp(e, "utf8", 4) == 0 && e[4] == q);
}

/* Finds <sheetData> in cur; drops what comes before its content. */
static pf_status find_body(pf__xlsx_par *p, int *empty, pf_error *err) {
  *empty = 0;
  for (;;) {
    const char *d = (const char *)p->cur.data, *e = d + p->cur.len;
    const char *q = p->cur.len ? find(d, p->cur.len, "sheetData") : NULL;
    while (q) {
      const char *lt = q;
      while (lt > d && lt[-1] != '<' && lt[-1] != '/' && lt[-1] != ' ' && lt[-1] != '>') lt--;
      if (lt > d && lt[-1] == '<' && (size_t)(q - lt) < 30) {
        const char *gt = memchr(q, '>', (size_t)(e - q));
        if (!gt) break; /* read more */
        size_t pre = (size_t)(q - lt);
        snprintf(p->row_tag, sizeof p->row_tag, "<%.*srow", (int)pre, lt);
        snprintf(p->end_tag, sizeof p->end_tag, "</%.*ssheetData", (int)pre, lt);
        if (gt[-1] == '/') *empty = 1;
        size_t skip = (size_t)(gt + 1 - d);
        memmove(p->cur.data, p->cur.data + skip, p->cur.len - skip);
        p->cur.len -= skip;
        p->in_body = 1;
        return PF_OK;
      }
      q = find(q + 1, (size_t)(e - q - 1), "sheetData");
    }
    if (p->eof) {
      *empty = 1; /* no sheetData at all: no rows */
      return PF_OK;
    }
    PF_TRY(fill(p, &p->cur, p->cur.len + p->round, err));
  }
}

pf_status pf__xlsx_par_open(pf__xlsx_book *b, pf__xlsx_sheet *sh, pf__pool *pool,
                            pf__xlsx_par **out, pf_error *err) {
  *out = NULL;
  const pf__zip_entry *e = pf__zip_find(b->zip, sh->part);
  if (!e) {
    pf__error_set(err, PF_EPARSE, "the sheet '%s' is missing from the workbook: no part %s in the archive",
                  sh->name, sh->part);
    return PF_EPARSE;
  }
  pf__xlsx_par *p = calloc(1, sizeof *p);
  if (!p) return PF_ENOMEM;
  p->b = b;
  p->sh = sh;
  p->pool = pool;
  p->mode = b->scanner;
  int threads = pf__pool_size(pool);
  p->n_parts = (size_t)(threads * 2 > MAX_PARTS ? MAX_PARTS : threads * 2);
  p->round = (size_t)threads * ROUND_PER_THREAD;
  pf__buf_init(&p->cur, 0);
  pf__buf_init(&p->next, 0);
  pf_status st = pf__zip_stream_open(b->zip, e, &p->zs, err);
  for (int k = 0; k < 2; k++)
    for (size_t i = 0; st == PF_OK && i < p->n_parts; i++) {
      part *pt = &p->parts[k][i];
      pt->par = p;
      pf__buf_init(&pt->text, 0);
      st = pf__xlsx_chunk_new(b, sh, collect, pt, &pt->scan);
      if (st == PF_OK && !(pt->fast = pf__xlsx_fast_new())) st = PF_ENOMEM;
    }
  pf__buf_init(&p->held.text, 0);
  pf_error_init(&p->take_err);
  if (st == PF_OK && p->mode == PF__XLSX_SCAN_CHECK) st = pf__xlsx_shadow_open(b, sh, &p->shadow, err);
  if (st != PF_OK) {
    pf__xlsx_par_close(p);
    return st;
  }
  p->take_set = -1;
  *out = p;
  return PF_OK;
}

/* Cuts the next round (in cur) into parts of set `set`; *np parts, 0
 * when there is nothing to parse (the sheet ended or needs the serial
 * reader: p->ended / p->fallback). Also starts next with what follows. */
static pf_status cut_round(pf__xlsx_par *p, int set, size_t *np, pf_error *err) {
  *np = 0;
  if (p->ended || p->fallback) return PF_OK;
  if (!p->in_body) {
    PF_TRY(fill(p, &p->cur, p->round, err));
    if (!utf8_part((const char *)p->cur.data, p->cur.len)) {
      p->fallback = 1; /* nothing taken yet: the serial reader reads it all */
      return PF_OK;
    }
    int empty;
    PF_TRY(find_body(p, &empty, err));
    if (empty) {
      p->ended = 1;
      return PF_OK;
    }
  }
  PF_TRY(fill(p, &p->cur, p->round, err));
  for (;;) {
    const char *d = (const char *)p->cur.data, *e = d + p->cur.len;
    /* Where this round ends: </sheetData> (only after the last row
     * start), else before the last row start (that row may be cut). */
    const char *lr = p->cur.len > 1 ? last_row(p, d + 1, e) : NULL;
    const char *from_end = lr ? lr : d;
    const char *stop = p->cur.len ? find(from_end, (size_t)(e - from_end), p->end_tag) : NULL;
    int ends = stop != NULL;
    if (!stop) stop = lr;
    if (!stop) {
      if (p->eof) {
        p->fallback = 1; /* truncated sheetData: the serial reader says where */
        return PF_OK;
      }
      PF_TRY(fill(p, &p->cur, p->cur.len * 2, err)); /* a row longer than a round */
      continue;
    }
    size_t len = (size_t)(stop - d);
    if (markup_decl(d, len)) {
      p->fallback = 1;
      return PF_OK;
    }
    const char *from = d;
    size_t n = 0;
    for (size_t i = 0; i < p->n_parts; i++) {
      const char *to = stop;
      if (i + 1 < p->n_parts) {
        const char *want = d + len * (i + 1) / p->n_parts;
        if (want < from) want = from;
        to = want < stop ? next_row(p, want, stop) : NULL;
        if (!to) to = stop;
      }
      part *pt = &p->parts[set][n++];
      pt->data = from;
      pt->len = (size_t)(to - from);
      from = to;
      if (to == stop) break;
    }
    for (size_t i = n; i < p->n_parts; i++) p->parts[set][i].data = NULL;
    p->next.len = 0;
    if (ends) p->ended = 1;
    else PF_TRY(pf__buf_append(&p->next, stop, (size_t)(e - stop)));
    *np = n;
    return PF_OK;
  }
}

static pf_status took_failure(pf__xlsx_par *p, pf_error *err) {
  pf__error_copy(err, &p->take_err);
  return p->take_st;
}

pf_status pf__xlsx_par_step(pf__xlsx_par *p, pf__xlsx_take_fn take, void *user, int *stop,
                            int *done, int *fallback, pf_error *err) {
  *stop = *done = *fallback = 0;
  p->take = take;
  p->take_user = user;
  for (;;) {
    /* Rows left in the take set go first (on this thread). */
    int v = take_rows(p);
    if (v == 0 && !p->ready && p->ended && !p->fallback) v = give_carry(p);
    if (p->take_st != PF_OK) return took_failure(p, err);
    if (v != 0) {
      *stop = v;
      return PF_OK;
    }
    if (!p->ready) {
      if (p->fallback) {
        p->held.has = 0; /* the serial reader reads that row again, whole */
        *fallback = 1;
        return PF_OK;
      }
      if (p->ended) {
        if (p->shadow) {
          pf_status st = pf__xlsx_shadow_end(p->shadow, err);
          if (st != PF_OK) return st;
        }
        *done = 1;
        return pf__zip_stream_drain(p->zs, err);
      }
    }
    /* Take from the parsed set (if any) while the next round is parsed
     * into the other set and the round after it inflated. */
    int taking = p->ready;
    if (taking) {
      p->take_set = p->ready_set;
      p->cur_part = p->cur_row = 0;
      p->ready = 0;
    }
    int set = p->take_set < 0 ? 0 : 1 - p->take_set;
    size_t np;
    PF_TRY(cut_round(p, set, &np, err));
    int inflate = np > 0 && !p->ended && !p->eof;
    job j = {p, set, np, taking, inflate};
    p->inflate_st = PF_OK;
    p->take_verdict = 0;
    size_t tasks = (size_t)taking + np + (size_t)inflate;
    if (tasks) pf__pool_run(p->pool, tasks, run_task, &j);
    for (size_t i = 0; i < np; i++) {
      part *pt = &p->parts[set][i];
      if (pt->st != PF_OK) {
        pf__error_copy(err, &pt->err);
        if (err && err->status == PF_OK) pf__error_set(err, pt->st, "%s", pf_status_str(pt->st));
        return pt->st;
      }
      if (pt->no_r) p->fallback = 1; /* drop this round: the serial reader redoes it */
      pt->unsure ? p->n_unsure++ : p->n_sure++;
    }
    /* A sheet the scanner keeps leaving to expat (say, one written with
     * CR LF line ends inside the values) goes to expat directly: the
     * scanner's work on it would only be lost. */
    if (p->mode == PF__XLSX_SCAN_FAST && p->n_unsure >= 8 && p->n_unsure > 4 * p->n_sure)
      p->mode = PF__XLSX_SCAN_EXPAT;
    if (p->inflate_st != PF_OK) {
      pf__error_copy(err, &p->inflate_err);
      return p->inflate_st;
    }
    if (np && !p->fallback) {
      p->ready = 1;
      p->ready_set = set;
      pf__buf t = p->cur;
      p->cur = p->next;
      p->next = t;
    }
    if (p->take_st != PF_OK) return took_failure(p, err);
    if (p->take_verdict != 0) {
      *stop = p->take_verdict;
      return PF_OK;
    }
  }
}

uint64_t pf__xlsx_par_bytes(const pf__xlsx_par *p) { return p->zs ? pf__zip_stream_in(p->zs) : 0; }

void pf__xlsx_par_close(pf__xlsx_par *p) {
  if (!p) return;
  for (int k = 0; k < 2; k++)
    for (size_t i = 0; i < MAX_PARTS; i++) {
      part *pt = &p->parts[k][i];
      pf__xlsx_scan_close(pt->scan);
      pf__xlsx_fast_free(pt->fast);
      free(pt->rows);
      free(pt->cells);
      pf__buf_free(&pt->text);
    }
  pf__zip_stream_close(p->zs);
  pf__buf_free(&p->cur);
  pf__buf_free(&p->next);
  free(p->held.cells);
  free(p->held.coff);
  pf__buf_free(&p->held.text);
  pf__xlsx_shadow_close(p->shadow);
  free(p);
}

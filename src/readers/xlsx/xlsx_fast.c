/* xlsx_fast.c - a specialised scanner for the rows the parallel reader cuts
 * out of a worksheet's <sheetData>, used instead of expat where it can be
 * sure to give the same result.
 *
 * It reads the bytes of whole <row> elements directly: start, end and
 * empty-element tags with their attributes, text with the five predefined
 * entities and character references, and turns them into the same events,
 * in the same order, that the expat handlers of xlsx_sheet.c act on
 * (elements matched by their local name, any prefix ignored; unknown
 * elements, such as <f>, <extLst> or rich-text run properties, nested at any
 * depth, only checked). The actions mirror on_start / on_end / on_text /
 * end_cell / end_row of xlsx_sheet.c line for line, so the rows handed to
 * the callback are the same cells with the same bytes.
 *
 * Well-formedness is checked as expat would for everything accepted: names,
 * tag nesting, required white space, duplicate attributes, quoting, '<' in
 * values, "]]>" in text, control characters, UTF-8 (no overlongs,
 * surrogates, U+FFFE/U+FFFF or code points past U+10FFFF). Whatever it is
 * not sure of it does not decide: comments, CDATA, processing instructions,
 * a carriage return (expat normalises line ends), '&' or white space other
 * than the space inside attribute values (normalised too), non-ASCII names,
 * numbers with signs or spaces in r= / s=, entity names it does not know,
 * a row inside a cell, shared-string indexes past the table, values
 * over the field limit, <dimension> or </sheetData> among the rows, deep
 * nesting. Then it answers "unsure" and the caller parses the same bytes
 * with expat, which gives the value or the error message it always gave.
 * So the scanner never changes a result; it only makes the common case
 * fast. PYFORGE_XLSX_SCANNER=expat turns it off; =check runs both on every
 * part and fails on any difference (tests; see docs/excel.md).
 */
#include <stdlib.h>
#include <string.h>

#include "readers/xlsx/xlsx_fast.h"

#define MAX_DEPTH 64
#define MAX_ATTS 32

typedef struct span {
  const char *p;
  size_t n;
} span;

struct pf__xlsx_fast {
  pf__xlsx_cell *cells;
  uint64_t *coff;
  size_t n, cap;
  pf__buf text;
  span stack[MAX_DEPTH];
};

pf__xlsx_fast *pf__xlsx_fast_new(void) {
  pf__xlsx_fast *f = calloc(1, sizeof *f);
  if (f) pf__buf_init(&f->text, 0);
  return f;
}

void pf__xlsx_fast_free(pf__xlsx_fast *f) {
  if (!f) return;
  free(f->cells);
  free(f->coff);
  pf__buf_free(&f->text);
  free(f);
}

/* Scanner state for one part (mirrors the fields of pf__xlsx_scan). */
typedef struct st {
  pf__xlsx_fast *f;
  const pf__xlsx_book *b;
  pf__xlsx_row_fn fn;
  void *user;
  int64_t row;
  uint32_t col;
  int in_c, has_val, capture, in_is, rph, no_r, pending;
  uint8_t kind, fmt;
  size_t val_start;
} st;

enum { OK = 0, UNSURE = 1, STOP = -1 };

/* Byte tables, built by the compiler: 16 entries from byte b on. */
#define T16(F, b)                                                                          \
  F((b) + 0), F((b) + 1), F((b) + 2), F((b) + 3), F((b) + 4), F((b) + 5), F((b) + 6),     \
      F((b) + 7), F((b) + 8), F((b) + 9), F((b) + 10), F((b) + 11), F((b) + 12),          \
      F((b) + 13), F((b) + 14), F((b) + 15)
#define T256(F)                                                                            \
  T16(F, 0), T16(F, 16), T16(F, 32), T16(F, 48), T16(F, 64), T16(F, 80), T16(F, 96),       \
      T16(F, 112), T16(F, 128), T16(F, 144), T16(F, 160), T16(F, 176), T16(F, 192),       \
      T16(F, 208), T16(F, 224), T16(F, 240)

/* Text bytes: 0 plain, 1 needs a look (< & ] \r, controls, non-ASCII). */
#define TEXT(c)                                                                       \
  (uint8_t)(((c) < 0x20 && (c) != '\t' && (c) != '\n') || (c) == '<' || (c) == '&' || \
            (c) == ']' || (c) >= 0x80)
static const uint8_t TEXT_CLASS[256] = {T256(TEXT)};

/* Name bytes expat allows that the scanner takes (ASCII only): bit 1 may
 * start a name, bit 2 may continue one. */
#define NSTART(c) (((c) >= 'a' && (c) <= 'z') || ((c) >= 'A' && (c) <= 'Z') || (c) == '_' || (c) == ':')
#define NAME(c) \
  (uint8_t)(NSTART(c) ? 3 : (((c) >= '0' && (c) <= '9') || (c) == '.' || (c) == '-') ? 2 : 0)
static const uint8_t NAME_CLASS[256] = {T256(NAME)};

/* Attribute value bytes: 0 plain, 1 needs a look (quotes, < &, controls
 * including white space other than the space, non-ASCII). */
#define ATTR(c) \
  (uint8_t)((c) < 0x20 || (c) == '<' || (c) == '&' || (c) == '"' || (c) == '\'' || (c) >= 0x80)
static const uint8_t ATTR_CLASS[256] = {T256(ATTR)};

static int is_ws(unsigned char c) { return c == ' ' || c == '\t' || c == '\n'; }

/* Length of the valid UTF-8 sequence at p (a byte >= 0x80) that XML
 * allows, or 0. */
static size_t utf8_len(const unsigned char *p, const unsigned char *e) {
  unsigned char c = p[0];
  size_t k = (size_t)(e - p);
#define CONT(i) (k > (i) && (p[i] & 0xC0) == 0x80)
  if (c >= 0xC2 && c <= 0xDF) return CONT(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (!CONT(1) || !CONT(2)) return 0;
    if (c == 0xE0 && p[1] < 0xA0) return 0;                 /* overlong   */
    if (c == 0xED && p[1] > 0x9F) return 0;                 /* surrogates */
    if (c == 0xEF && p[1] == 0xBF && p[2] >= 0xBE) return 0; /* FFFE FFFF  */
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!CONT(1) || !CONT(2) || !CONT(3)) return 0;
    if (c == 0xF0 && p[1] < 0x90) return 0;
    if (c == 0xF4 && p[1] > 0x8F) return 0;
    return 4;
  }
  return 0;
#undef CONT
}

/* A reference at p ('&'); on success the decoded UTF-8 in out (*on bytes)
 * and the bytes read in *used. */
static int decode_ref(const char *p, const char *e, char out[4], size_t *on, size_t *used) {
  const char *q = p + 1;
  if (q < e && *q == '#') {
    q++;
    uint32_t v = 0;
    int hex = q < e && *q == 'x', digits = 0;
    if (hex) q++;
    for (; q < e && *q != ';'; q++) {
      unsigned char c = (unsigned char)*q;
      int d;
      if (c >= '0' && c <= '9') d = c - '0';
      else if (hex && c >= 'a' && c <= 'f') d = c - 'a' + 10;
      else if (hex && c >= 'A' && c <= 'F') d = c - 'A' + 10;
      else return 0;
      if (++digits > 8) return 0;
      v = v * (hex ? 16u : 10u) + (uint32_t)d;
    }
    if (q >= e || digits == 0) return 0;
    int ok = v == 0x9 || v == 0xA || v == 0xD || (v >= 0x20 && v <= 0xD7FF) ||
             (v >= 0xE000 && v <= 0xFFFD) || (v >= 0x10000 && v <= 0x10FFFF);
    if (!ok) return 0;
    if (v < 0x80) out[0] = (char)v, *on = 1;
    else if (v < 0x800) out[0] = (char)(0xC0 | (v >> 6)), out[1] = (char)(0x80 | (v & 0x3F)), *on = 2;
    else if (v < 0x10000)
      out[0] = (char)(0xE0 | (v >> 12)), out[1] = (char)(0x80 | ((v >> 6) & 0x3F)),
      out[2] = (char)(0x80 | (v & 0x3F)), *on = 3;
    else
      out[0] = (char)(0xF0 | (v >> 18)), out[1] = (char)(0x80 | ((v >> 12) & 0x3F)),
      out[2] = (char)(0x80 | ((v >> 6) & 0x3F)), out[3] = (char)(0x80 | (v & 0x3F)), *on = 4;
    *used = (size_t)(q + 1 - p);
    return 1;
  }
  static const struct {
    const char *name;
    char c;
  } ents[] = {{"amp;", '&'}, {"lt;", '<'}, {"gt;", '>'}, {"quot;", '"'}, {"apos;", '\''}};
  for (size_t i = 0; i < sizeof ents / sizeof ents[0]; i++) {
    size_t k = strlen(ents[i].name);
    if ((size_t)(e - q) >= k && memcmp(q, ents[i].name, k) == 0) {
      out[0] = ents[i].c;
      *on = 1;
      *used = 1 + k;
      return 1;
    }
  }
  return 0;
}

/* ---- the handlers' actions (mirroring xlsx_sheet.c) ---- */
static int append(st *s, const char *t, size_t len) {
  if (!s->capture || len == 0) return OK;
  if (s->f->text.len < s->val_start) return UNSURE; /* a row inside the cell: the error */
  if (s->f->text.len - s->val_start + len > s->b->max_field) return UNSURE; /* expat path: the error */
  return pf__buf_append(&s->f->text, t, len) == PF_OK ? OK : UNSURE;
}

static span local(span nm) {
  const char *c = nm.p;
  for (size_t i = 0; i < nm.n; i++)
    if (nm.p[i] == ':') c = nm.p + i + 1;
  return (span){c, (size_t)(nm.p + nm.n - c)};
}

static int same(const char *a, const char *b, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (a[i] != b[i]) return 0;
  return 1;
}
/* a is the literal lit. */
#define eq(a, lit) ((a).n == sizeof(lit) - 1 && same((a).p, lit, sizeof(lit) - 1))

/* Digits only (what strtoul/strtoll would read whole), up to maxd digits. */
static int digits_val(span v, size_t maxd, uint64_t *out) {
  if (v.n > maxd) return 0;
  uint64_t x = 0;
  for (size_t i = 0; i < v.n; i++) {
    if (v.p[i] < '0' || v.p[i] > '9') return 0;
    x = x * 10 + (uint64_t)(v.p[i] - '0');
  }
  *out = x;
  return 1;
}

/* xlsx_sheet.c's parse_ref on a counted value (values hold no NUL). */
static int ref_col(span v, uint32_t *col) {
  uint32_t c = 0;
  size_t i = 0;
  for (; i < v.n; i++) {
    char ch = v.p[i];
    uint32_t d = ch >= 'A' && ch <= 'Z' ? (uint32_t)(ch - 'A' + 1)
               : ch >= 'a' && ch <= 'z' ? (uint32_t)(ch - 'a' + 1) : 0;
    if (!d) break;
    c = c * 26 + d;
    if (c > PF__XLSX_MAX_COLS) return 0;
  }
  while (i < v.n && v.p[i] == '$') i++;
  int64_t rw = 0;
  while (i < v.n && v.p[i] >= '0' && v.p[i] <= '9') {
    rw = rw * 10 + (v.p[i] - '0');
    if (rw > PF__XLSX_MAX_ROWS) return 0;
    i++;
  }
  *col = c;
  return c > 0 || rw > 0;
}

static int flush_row(st *s);

static int on_start(st *s, span l, const span *an, const span *av, size_t na) {
  if (l.n == 1 && l.p[0] == 'c') {
    s->in_c = 1;
    s->has_val = 0;
    s->kind = PF__XK_NUM;
    s->fmt = PF__XF_NUMBER;
    uint32_t col = s->col + 1;
    for (size_t i = 0; i < na; i++) {
      span a = local(an[i]), v = av[i];
      if (a.n != 1) continue;
      if (a.p[0] == 'r') {
        uint32_t c;
        if (ref_col(v, &c) && c > 0) col = c;
      } else if (a.p[0] == 's') {
        uint64_t x;
        if (!digits_val(v, 19, &x)) return UNSURE;
        if (x < s->b->n_xf) s->fmt = s->b->xf_fmt[x];
      } else if (a.p[0] == 't') {
        if (v.n == 1 && v.p[0] == 's') s->kind = PF__XK_SST;
        else if (eq(v, "str") || eq(v, "inlineStr")) s->kind = PF__XK_STR;
        else if (v.n && v.p[0] == 'b') s->kind = PF__XK_BOOL;
        else if (v.n && v.p[0] == 'e') s->kind = PF__XK_ERR;
        else if (v.n && v.p[0] == 'd') s->kind = PF__XK_ISO;
      }
    }
    if (col > PF__XLSX_MAX_COLS) col = PF__XLSX_MAX_COLS;
    s->col = col;
  } else if (l.n == 1 && l.p[0] == 'v') {
    if (s->in_c) {
      s->capture = 1;
      s->has_val = 1;
      s->val_start = s->f->text.len;
    }
  } else if (l.n == 2 && l.p[0] == 'i' && l.p[1] == 's') {
    if (s->in_c) {
      s->in_is = 1;
      s->has_val = 1;
      s->kind = PF__XK_STR;
      s->val_start = s->f->text.len;
    }
  } else if (l.n == 1 && l.p[0] == 't') {
    if (s->in_is && !s->rph) s->capture = 1;
  } else if (eq(l, "row")) {
    if (s->in_c) return UNSURE; /* a row inside a cell: the error */
    int64_t r = s->row + 1;
    size_t i = 0;
    for (; i < na; i++) {
      span a = local(an[i]);
      if (eq(a, "r")) break;
    }
    if (i < na) {
      uint64_t x;
      if (!digits_val(av[i], 18, &x)) return UNSURE;
      if (x > 0 && x <= PF__XLSX_MAX_ROWS) r = (int64_t)x;
    } else {
      s->no_r = 1;
    }
    s->col = 0;
    if (s->pending && r == s->row) return OK; /* the same row again: its cells join */
    int v = flush_row(s);
    if (v) return v;
    s->row = r;
    s->f->n = 0;
    s->f->text.len = 0;
  } else if (eq(l, "rPh")) {
    s->rph++;
  } else if (eq(l, "dimension")) {
    return UNSURE; /* the expat path records it */
  }
  return OK;
}

static int end_cell(st *s) {
  pf__xlsx_fast *f = s->f;
  s->in_c = 0;
  s->capture = 0;
  if (!s->has_val) return OK;
  if (f->text.len < s->val_start) return UNSURE; /* a row inside the cell: the error */
  size_t len = f->text.len - s->val_start;
  if (len && s->kind == PF__XK_STR) {
    len = pf__xlsx_unescape((char *)f->text.data + s->val_start, len);
    f->text.len = s->val_start + len;
  }
  if (len == 0) return OK; /* an empty text is an empty cell */
  if (f->n == f->cap) {
    size_t nc = f->cap ? f->cap * 2 : 64;
    pf__xlsx_cell *nv = realloc(f->cells, nc * sizeof *nv);
    if (!nv) return UNSURE;
    f->cells = nv;
    uint64_t *no = realloc(f->coff, nc * sizeof *no);
    if (!no) return UNSURE;
    f->coff = no;
    f->cap = nc;
  }
  pf__xlsx_cell *c = &f->cells[f->n];
  c->col = s->col;
  c->kind = s->kind;
  c->fmt = s->fmt;
  c->n = len;
  f->coff[f->n++] = s->val_start;
  return OK;
}

/* As flush_row of xlsx_sheet.c. */
static int flush_row(st *s) {
  if (!s->pending) return OK;
  s->pending = 0;
  pf__xlsx_fast *f = s->f;
  size_t n = pf__xlsx_settle(f->cells, f->coff, f->n), k = 0;
  for (size_t i = 0; i < n; i++) {
    pf__xlsx_cell *c = &f->cells[i];
    c->p = (const char *)f->text.data + f->coff[i];
    if (c->kind == PF__XK_SST && pf__xlsx_sst_resolve(s->b, c) != 0) return UNSURE; /* the error */
    if (c->n) f->cells[k++] = *c;
  }
  if (k == 0) return OK;
  int v = s->fn(s->user, s->row, f->cells, k);
  return v == 0 ? OK : v < 0 ? STOP : UNSURE;
}

static int end_row(st *s) {
  s->pending = 1;
  return OK;
}

static int on_end(st *s, span l) {
  if (l.n == 1 && l.p[0] == 'c') {
    if (s->in_c) return end_cell(s);
  } else if (l.n == 1 && l.p[0] == 'v') {
    s->capture = 0;
  } else if (l.n == 1 && l.p[0] == 't') {
    if (s->in_is) s->capture = 0;
  } else if (l.n == 2 && l.p[0] == 'i' && l.p[1] == 's') {
    s->in_is = 0;
  } else if (eq(l, "row")) {
    return end_row(s);
  } else if (eq(l, "rPh")) {
    if (s->rph > 0) s->rph--;
  } else if (eq(l, "sheetData")) {
    return UNSURE;
  }
  return OK;
}

/* ---- the tokenizer ---- */
/* Text from p up to the next '<' (or e): checked, references decoded,
 * handed to append. */
static int text_run(st *s, const char **pp, const char *e) {
  const uint8_t *cls = TEXT_CLASS;
  const char *p = *pp, *run = p;
  while (p < e) {
    unsigned char c = (unsigned char)*p;
    if (!cls[c]) {
      p++;
      continue;
    }
    if (c == '<') break;
    if (c == '&') {
      int r = append(s, run, (size_t)(p - run));
      if (r) return r;
      char out[4];
      size_t on, used;
      if (!decode_ref(p, e, out, &on, &used)) return UNSURE;
      if ((r = append(s, out, on))) return r;
      p += used;
      run = p;
    } else if (c == ']') {
      if (e - p >= 3 && p[1] == ']' && p[2] == '>') return UNSURE;
      p++;
    } else if (c >= 0x80) {
      size_t k = utf8_len((const unsigned char *)p, (const unsigned char *)e);
      if (!k) return UNSURE;
      p += k;
    } else {
      return UNSURE; /* \r or a control character */
    }
  }
  *pp = p;
  return append(s, run, (size_t)(p - run));
}

static int read_name(const uint8_t *nc, const char **pp, const char *e, span *nm) {
  const char *p = *pp;
  if (p >= e || !(nc[(unsigned char)*p] & 1)) return 0;
  const char *q = p + 1;
  while (q < e && (nc[(unsigned char)*q] & 2)) q++;
  if (q < e && (unsigned char)*q >= 0x80) return 0; /* non-ASCII names: expat decides */
  *nm = (span){p, (size_t)(q - p)};
  *pp = q;
  return 1;
}

int pf__xlsx_fast_parse(pf__xlsx_fast *f, const pf__xlsx_book *b, const char *data, size_t n,
                        pf__xlsx_row_fn fn, void *user, int *no_r) {
  st s;
  memset(&s, 0, sizeof s);
  s.f = f;
  s.b = b;
  s.fn = fn;
  s.user = user;
  f->n = 0;
  f->text.len = 0;
  size_t depth = 0;
  const char *p = data, *e = data + n;
  span an[MAX_ATTS], av[MAX_ATTS];
  const uint8_t *nc = NAME_CLASS;
  int r;
  while (p < e) {
    if (*p != '<') {
      if ((r = text_run(&s, &p, e))) return r;
      continue;
    }
    p++;
    if (p >= e) return UNSURE;
    if (*p == '/') { /* end tag */
      p++;
      span nm;
      if (!read_name(nc, &p, e, &nm)) return UNSURE;
      while (p < e && is_ws((unsigned char)*p)) p++;
      if (p >= e || *p != '>') return UNSURE;
      p++;
      if (depth == 0) return UNSURE;
      span top = f->stack[depth - 1];
      if (top.n != nm.n || !same(top.p, nm.p, nm.n)) return UNSURE;
      depth--;
      if ((r = on_end(&s, local(nm)))) return r;
      continue;
    }
    span nm;
    if (!read_name(nc, &p, e, &nm)) return UNSURE; /* "<!", "<?", bad names */
    size_t na = 0;
    int empty = 0;
    for (;;) {
      const char *ws = p;
      while (p < e && is_ws((unsigned char)*p)) p++;
      if (p >= e) return UNSURE;
      if (*p == '>') {
        p++;
        break;
      }
      if (*p == '/') {
        if (p + 1 >= e || p[1] != '>') return UNSURE;
        p += 2;
        empty = 1;
        break;
      }
      if (p == ws || na == MAX_ATTS) return UNSURE;
      span a;
      if (!read_name(nc, &p, e, &a)) return UNSURE;
      while (p < e && is_ws((unsigned char)*p)) p++;
      if (p >= e || *p != '=') return UNSURE;
      p++;
      while (p < e && is_ws((unsigned char)*p)) p++;
      if (p >= e || (*p != '"' && *p != '\'')) return UNSURE;
      char q = *p++;
      const char *v = p;
      for (;;) {
        while (p < e && !ATTR_CLASS[(unsigned char)*p]) p++;
        if (p >= e) return UNSURE;
        unsigned char c = (unsigned char)*p;
        if (c == (unsigned char)q) break;
        if (c == '"' || c == '\'') {
          p++;
          continue;
        }
        if (c >= 0x80) {
          size_t k = utf8_len((const unsigned char *)p, (const unsigned char *)e);
          if (!k) return UNSURE;
          p += k;
          continue;
        }
        if (c < 0x20 || c == '<' || c == '&') return UNSURE;
        p++;
      }
      for (size_t i = 0; i < na; i++)
        if (an[i].n == a.n && same(an[i].p, a.p, a.n)) return UNSURE; /* duplicate */
      an[na] = a;
      av[na++] = (span){v, (size_t)(p - v)};
      p++;
    }
    /* "x:" has an empty local name: expat decides. */
    if (nm.p[nm.n - 1] == ':') return UNSURE;
    for (size_t i = 0; i < na; i++)
      if (an[i].p[an[i].n - 1] == ':') return UNSURE;
    span l = local(nm);
    if ((r = on_start(&s, l, an, av, na))) return r;
    if (empty) {
      if ((r = on_end(&s, l))) return r;
    } else {
      if (depth == MAX_DEPTH) return UNSURE;
      f->stack[depth++] = nm;
    }
  }
  if (depth != 0) return UNSURE;
  if ((r = flush_row(&s))) return r;
  *no_r = s.no_r;
  return OK;
}

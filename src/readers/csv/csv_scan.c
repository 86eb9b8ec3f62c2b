/* csv_scan.c - quote-aware row boundaries and field splitting for CSV.
 *
 * The grammar both functions follow (they must agree byte for byte, since
 * the scanner decides where rows end and the splitter what they hold):
 * - Outside quotes a row ends at a line end: LF, CR LF, or a CR not
 *   followed by LF, whatever the rest of the file uses (as Python's csv
 *   module, pyarrow and Excel read). "\r\r\n" is a lone CR then a CR LF:
 *   a row end and an empty line. Empty rows are skipped; their lines count.
 * - A field is quoted only when the quote byte is its first byte (at the
 *   start of a row or just after a delimiter). Inside quotes, a doubled
 *   quote is one quote; with the backslash escape, \" is a quote and \\ a
 *   backslash (any other backslash is kept). Delimiters and line ends
 *   inside quotes are data, kept byte for byte.
 * - After the closing quote, bytes up to the next delimiter are kept as
 *   they are (lenient: `"ab"c` reads as abc). A quote in the middle of an
 *   unquoted field is an ordinary byte.
 * Lines are counted the same way inside quotes and out: each LF, CR LF and
 * lone CR is one (a CR counts; an LF counts unless a CR precedes it).
 * The scanner only looks for line ends and quotes (SSE2: a 64-byte bit mask
 * at a time, walked bit by bit), so a file without quotes is scanned at
 * memory speed and quoted text costs a few instructions per quote. Text
 * without a CR (one memchr per call finds the first) is scanned for LF and
 * quotes only; from the first CR on, for CR too.
 */
#include <stdlib.h>
#include <string.h>

#include "readers/csv/csv_internal.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* First byte in [p, e) equal to a or b, or NULL. */
static inline const uint8_t *find2(const uint8_t *p, const uint8_t *e,
                                   uint8_t a, uint8_t b) {
#if defined(__SSE2__)
  const __m128i va = _mm_set1_epi8((char)a), vb = _mm_set1_epi8((char)b);
  while (e - p >= 32) {
    __m128i x0 = _mm_loadu_si128((const __m128i *)p);
    __m128i x1 = _mm_loadu_si128((const __m128i *)(p + 16));
    unsigned m0 = (unsigned)_mm_movemask_epi8(
        _mm_or_si128(_mm_cmpeq_epi8(x0, va), _mm_cmpeq_epi8(x0, vb)));
    unsigned m1 = (unsigned)_mm_movemask_epi8(
        _mm_or_si128(_mm_cmpeq_epi8(x1, va), _mm_cmpeq_epi8(x1, vb)));
    unsigned m = m0 | (m1 << 16);
    if (m) return p + __builtin_ctz(m);
    p += 32;
  }
  if (e - p >= 16) {
    __m128i x0 = _mm_loadu_si128((const __m128i *)p);
    unsigned m0 = (unsigned)_mm_movemask_epi8(
        _mm_or_si128(_mm_cmpeq_epi8(x0, va), _mm_cmpeq_epi8(x0, vb)));
    if (m0) return p + __builtin_ctz(m0);
    p += 16;
  }
#endif
  for (; p < e; p++)
    if (*p == a || *p == b) return p;
  return NULL;
}

/* First byte in [p, e) equal to a, b or c, or NULL. */
static inline const uint8_t *find3(const uint8_t *p, const uint8_t *e,
                                   uint8_t a, uint8_t b, uint8_t c) {
#if defined(__SSE2__)
  const __m128i va = _mm_set1_epi8((char)a), vb = _mm_set1_epi8((char)b);
  const __m128i vc = _mm_set1_epi8((char)c);
  while (e - p >= 16) {
    __m128i x = _mm_loadu_si128((const __m128i *)p);
    unsigned m = (unsigned)_mm_movemask_epi8(_mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(x, va), _mm_cmpeq_epi8(x, vb)), _mm_cmpeq_epi8(x, vc)));
    if (m) return p + __builtin_ctz(m);
    p += 16;
  }
#endif
  for (; p < e; p++)
    if (*p == a || *p == b || *p == c) return p;
  return NULL;
}

static inline const uint8_t *find1(const uint8_t *p, const uint8_t *e,
                                   uint8_t a) {
  return p < e ? memchr(p, a, (size_t)(e - p)) : NULL;
}

/* find1 for short distances (fields): no call, 16 bytes per step. */
static inline const uint8_t *find_near(const uint8_t *p, const uint8_t *e,
                                       uint8_t a) {
#if defined(__SSE2__)
  const __m128i va = _mm_set1_epi8((char)a);
  while (e - p >= 16) {
    unsigned m = (unsigned)_mm_movemask_epi8(
        _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)p), va));
    if (m) return p + __builtin_ctz(m);
    p += 16;
  }
#endif
  for (; p < e; p++)
    if (*p == a) return p;
  return NULL;
}

/* Line ends in [p, e) of a buffer that starts at lo: each CR, and each LF
 * not preceded by a CR (so a CR LF split between two ranges counts once). */
static int64_t count_breaks(const uint8_t *lo, const uint8_t *p, const uint8_t *e) {
  int64_t k = 0;
  for (const uint8_t *x = p; (x = find1(x, e, '\n')) != NULL; x++)
    k += x == lo || x[-1] != '\r';
  for (const uint8_t *x = p; (x = find1(x, e, '\r')) != NULL; x++) k++;
  return k;
}

const uint8_t *pf__csv_next_break(const uint8_t *p, const uint8_t *e,
                                  const uint8_t **next) {
  const uint8_t *lf = find1(p, e, '\n');
  const uint8_t *cr = find1(p, lf ? lf : e, '\r');
  if (cr) {
    *next = cr + 1 < e && cr[1] == '\n' ? cr + 2 : cr + 1;
    return cr;
  }
  if (lf) *next = lf + 1;
  return lf;
}

void pf__csv_note_ends(const uint8_t *text, size_t n, int is_all,
                       const pf__csv_rows *rows, pf__csv_dialect *d) {
  d->ends = 0;
  for (size_t i = 0; i < rows->n; i++) {
    /* after a row: its line end, then those of the empty lines skipped */
    size_t p = rows->end[i], stop = i + 1 < rows->n ? rows->start[i + 1] : n;
    while (p < stop && (text[p] == '\n' || text[p] == '\r')) {
      if (text[p] == '\n') {
        d->ends |= PF__CSV_LF;
        p++;
      } else if (p + 1 < n && text[p + 1] == '\n') {
        d->ends |= PF__CSV_CRLF;
        p += 2;
      } else if (p + 1 < n || is_all) {
        d->ends |= PF__CSV_CR;
        p++;
      } else {
        break; /* a CR last in the sample: its LF may follow */
      }
    }
  }
}

void pf__csv_rows_free(pf__csv_rows *r) {
  free(r->start);
  free(r->end);
  free(r->line);
  memset(r, 0, sizeof *r);
}

static pf_status rows_push(pf__csv_rows *r, size_t s, size_t e, int64_t line) {
  if (r->n == r->cap) {
    size_t cap = r->cap ? r->cap * 2 : 1024;
    uint32_t *ns = realloc(r->start, cap * sizeof *ns);
    if (!ns) return PF_ENOMEM;
    r->start = ns;
    uint32_t *ne = realloc(r->end, cap * sizeof *ne);
    if (!ne) return PF_ENOMEM;
    r->end = ne;
    int64_t *nl = realloc(r->line, cap * sizeof *nl);
    if (!nl) return PF_ENOMEM;
    r->line = nl;
    r->cap = cap;
  }
  r->start[r->n] = (uint32_t)s;
  r->end[r->n] = (uint32_t)e;
  r->line[r->n] = line;
  r->n++;
  return PF_OK;
}

void pf__csv_scan_init(pf__csv_scanner *sc, const pf__csv_dialect *d,
                       int64_t first_line) {
  memset(sc, 0, sizeof *sc);
  sc->d = *d;
  sc->line = first_line;
}

void pf__csv_scan_rebase(pf__csv_scanner *sc, size_t shift) {
  sc->pos -= shift;
  sc->row_start -= shift;
  if (sc->in_quote) sc->quote_pos -= shift;
}

/* Ends the pending row at byte `end` (its line end's first byte or the
 * end of input); empty rows are skipped. */
static pf_status end_row(pf__csv_scanner *sc, size_t end, pf__csv_rows *rows) {
  size_t s = sc->row_start;
  if (end != s) PF_TRY(rows_push(rows, s, end, sc->line));
  sc->line += 1 + sc->extra;
  sc->extra = 0;
  return PF_OK;
}

/* A row ended at the CR at p: the next row starts after it, or after the
 * LF that follows it (one line end); when the CR is the last byte so far,
 * the next call looks at the byte after it (sc->cr_end). */
static inline size_t after_cr(pf__csv_scanner *sc, const uint8_t *buf, size_t len, size_t p) {
  size_t next = p + 1;
  if (next == len) sc->cr_end = 1;
  else if (buf[next] == '\n') next++;
  sc->row_start = next;
  return next;
}

#if defined(__SSE2__)
/* Bit i set where p[i] is a or b (or c, with three), for 64 bytes. */
static inline uint64_t mask64(const uint8_t *p, uint8_t a, uint8_t b, int three, uint8_t c) {
  const __m128i va = _mm_set1_epi8((char)a), vb = _mm_set1_epi8((char)b);
  const __m128i vc = _mm_set1_epi8((char)c);
  uint64_t m = 0;
  for (int k = 0; k < 4; k++) {
    __m128i x = _mm_loadu_si128((const __m128i *)(p + 16 * k));
    __m128i y = _mm_or_si128(_mm_cmpeq_epi8(x, va), _mm_cmpeq_epi8(x, vb));
    if (three) y = _mm_or_si128(y, _mm_cmpeq_epi8(x, vc));
    m |= (uint64_t)(unsigned)_mm_movemask_epi8(y) << (16 * k);
  }
  return m;
}

/* The scanner's loop for the common dialect (no backslash escape) while
 * 64 bytes or more are left: the line ends and quotes of 64 bytes at a
 * time as a bit mask, walked bit by bit, so quoted text costs no call and
 * no second pass. cr: look for CR too (a constant: two copies); without
 * it the text [pos, len) must hold no CR. Leaves the rest (and everything
 * that needs the next byte at the end of the buffer) to the general loop;
 * returns where it stopped. */
static inline __attribute__((always_inline)) size_t
scan_masks(pf__csv_scanner *sc, const uint8_t *buf, size_t len, size_t pos,
           pf__csv_rows *rows, size_t max_rows, pf_status *st, const int cr) {
  const uint8_t q = sc->d.quote, delim = sc->d.delim;
  const int space = sc->d.space;
  while (len - pos >= 64 && rows->n < max_rows) {
    const size_t base = pos;
    uint64_t m = mask64(buf + base, '\n', q, cr, '\r');
    pos = base + 64;
    while (m) {
      const size_t p = base + (size_t)__builtin_ctzll(m);
      m &= m - 1;
      const uint8_t c = buf[p];
      if (sc->in_quote) {
        if (c != q) { /* a line end inside quotes: data */
          if (c == '\r' || buf[p - 1] != '\r') {
            sc->extra++;
            sc->quoted_breaks++;
          }
          continue;
        }
        if (p + 1 >= len) return p; /* a doubled quote may follow: the general loop */
        if (buf[p + 1] == q) { /* doubled: the pair is one quote */
          if (p + 1 < base + 64) {
            m &= m - 1;
            continue;
          }
          pos = p + 2;
          break;
        }
        sc->in_quote = 0;
        continue;
      }
      if (c == '\n') {
        *st = end_row(sc, p, rows);
        sc->row_start = p + 1;
        if (*st != PF_OK || rows->n >= max_rows) return p + 1;
        continue;
      }
      if (cr && c == '\r') {
        *st = end_row(sc, p, rows);
        const size_t next = after_cr(sc, buf, len, p);
        if (*st != PF_OK || rows->n >= max_rows) return next;
        if (next == p + 2) { /* its LF: the next bit, or past this mask */
          if (p + 1 < base + 64) m &= m - 1;
          else pos = next;
        }
        continue;
      }
      if (p == sc->row_start || buf[p - 1] == delim ||
          (space && buf[p - 1] == ' ' && p - 1 > sc->row_start && buf[p - 2] == delim)) {
        sc->in_quote = 1;
        sc->quote_line = sc->line + sc->extra;
        sc->quote_pos = p;
      }
    }
  }
  return pos;
}
#endif

pf_status pf__csv_scan(pf__csv_scanner *sc, const uint8_t *buf, size_t len,
                       int at_eof, pf__csv_rows *rows, size_t max_rows) {
  const uint8_t q = sc->d.quote, delim = sc->d.delim;
  const uint8_t esc = sc->d.escape && sc->d.escape != q ? sc->d.escape : 0;
  const int space = sc->d.space;
  static const uint8_t no_bytes[1];
  if (!buf) { /* an empty block may have no buffer yet: NULL + 0 is UB */
    buf = no_bytes;
    len = 0;
  }
  const uint8_t *const end = buf + len;
  size_t pos = sc->pos;
  if (sc->cr_end && pos < len) { /* the byte after a row's final CR */
    sc->cr_end = 0;
    if (buf[pos] == '\n') sc->row_start = ++pos;
  }
  /* Text before the first CR is scanned for LF and quotes only. */
  const uint8_t *first_cr = find1(buf + pos, end, '\r');
  const int cr = first_cr != NULL;
#if defined(__SSE2__)
  if (!esc && q && pos < len) {
    pf_status st = PF_OK;
    if (!cr) {
      pos = scan_masks(sc, buf, len, pos, rows, max_rows, &st, 0);
    } else {
      pos = scan_masks(sc, buf, (size_t)(first_cr - buf), pos, rows, max_rows, &st, 0);
      if (st == PF_OK) pos = scan_masks(sc, buf, len, pos, rows, max_rows, &st, 1);
    }
    PF_TRY(st);
  }
#endif
again:
  while (rows->n < max_rows) {
    if (sc->in_quote) {
      const uint8_t *p;
      if (esc) {
        p = find2(buf + pos, end, q, esc);
        int64_t breaks = count_breaks(buf, buf + pos, p ? p : end);
        sc->extra += breaks;
        sc->quoted_breaks += breaks;
      } else { /* quoted fields are short: stop at line ends, no second pass */
        p = cr ? find3(buf + pos, end, q, '\n', '\r') : find2(buf + pos, end, q, '\n');
        if (p && *p != q) {
          if (*p == '\r' || p[-1] != '\r') {
            sc->extra++;
            sc->quoted_breaks++;
          }
          pos = (size_t)(p - buf) + 1;
          continue;
        }
      }
      if (!p) {
        pos = len;
        break;
      }
      pos = (size_t)(p - buf);
      if (*p != q) { /* backslash: the next byte is data, whatever it is */
        if (pos + 1 >= len) {
          if (at_eof) pos = len; /* a lone backslash at the end: data */
          break;
        }
        if (buf[pos + 1] == '\r' || buf[pos + 1] == '\n') { /* after a backslash: counts */
          sc->extra++;
          sc->quoted_breaks++;
        }
        pos += 2;
        continue;
      }
      if (pos + 1 >= len) {
        if (!at_eof) break; /* a doubled quote may follow: wait */
        sc->in_quote = 0;
        pos = len;
        continue;
      }
      if (buf[pos + 1] == q) {
        pos += 2;
        continue;
      }
      sc->in_quote = 0;
      pos++;
      continue;
    }
    const uint8_t *p = q ? (cr ? find3(buf + pos, end, '\n', '\r', q) : find2(buf + pos, end, '\n', q))
                         : (cr ? find2(buf + pos, end, '\n', '\r') : find1(buf + pos, end, '\n'));
    if (!p) {
      pos = len;
      break;
    }
    pos = (size_t)(p - buf);
    if (*p == '\n') {
      PF_TRY(end_row(sc, pos, rows));
      pos++;
      sc->row_start = pos;
    } else if (*p == '\r') {
      PF_TRY(end_row(sc, pos, rows));
      pos = after_cr(sc, buf, len, pos);
    } else {
      if (pos == sc->row_start || buf[pos - 1] == delim ||
          (space && buf[pos - 1] == ' ' && pos - 1 > sc->row_start && buf[pos - 2] == delim)) {
        sc->in_quote = 1;
        sc->quote_line = sc->line + sc->extra;
        sc->quote_pos = pos;
      }
      pos++;
    }
  }
  sc->pos = pos;
  if (at_eof && pos >= len && rows->n < max_rows) {
    if (sc->in_quote && sc->lenient && !sc->bad_line) {
      /* The quote never closes, so no quote byte follows it: the row ends
       * at the first line end after the quote, and what follows are rows
       * again. Line ends before the quote are inside fields of the row
       * that did close. */
      const uint8_t *next = end;
      const uint8_t *br = pf__csv_next_break(buf + sc->quote_pos, end, &next);
      size_t stop = br ? (size_t)(br - buf) : len;
      sc->in_quote = 0;
      sc->extra = count_breaks(buf, buf + sc->row_start, buf + stop);
      sc->bad_line = sc->line;
      sc->bad_quote = sc->quote_line;
      PF_TRY(end_row(sc, stop, rows));
      pos = (size_t)(next - buf);
      sc->row_start = pos;
      goto again;
    }
    if (sc->in_quote) return PF_EPARSE;
    if (sc->row_start < len) {
      PF_TRY(end_row(sc, len, rows));
      sc->row_start = len;
    }
  }
  return PF_OK;
}

size_t pf__csv_split(const pf__csv_dialect *d, const uint8_t *s,
                     const uint8_t *e, pf__csv_field *f, size_t cap,
                     uint8_t *scratch) {
  const uint8_t q = d->quote, delim = d->delim;
  const uint8_t esc = d->escape && d->escape != q ? d->escape : 0;
  const int space = d->space;
  uint8_t *w = scratch;
  size_t nf = 0;
  const uint8_t *p = s;
  for (;;) {
    const uint8_t *fs = p, *vs, *ve;
    int quoted = 0;
    uint8_t *w0 = NULL; /* non-NULL: the value is being built at w0..w */
    const int store = nf < cap;
    if (q && p < e && *p == q) {
      quoted = 1;
      p++;
      vs = p;
      for (;;) {
        const uint8_t *t = esc ? find2(p, e, q, esc) : find_near(p, e, q);
        if (!t) { /* unterminated inside this row: the rest is the value */
          if (w0 && store) {
            memcpy(w, p, (size_t)(e - p));
            w += e - p;
          }
          ve = e;
          p = e;
          break;
        }
        if (*t != q) { /* backslash */
          if (t + 1 < e && (t[1] == q || t[1] == esc)) {
            if (store) {
              if (!w0) {
                w0 = w;
                memcpy(w, vs, (size_t)(t - vs));
                w += t - vs;
              } else {
                memcpy(w, p, (size_t)(t - p));
                w += t - p;
              }
              *w++ = t[1];
            }
            p = t + 2;
          } else {
            if (w0 && store) {
              memcpy(w, p, (size_t)(t + 1 - p));
              w += t + 1 - p;
            }
            p = t + 1;
          }
          continue;
        }
        if (t + 1 < e && t[1] == q) { /* doubled quote */
          if (store) {
            if (!w0) {
              w0 = w;
              memcpy(w, vs, (size_t)(t + 1 - vs));
              w += t + 1 - vs;
            } else {
              memcpy(w, p, (size_t)(t + 1 - p));
              w += t + 1 - p;
            }
          }
          p = t + 2;
          continue;
        }
        /* closing quote */
        if (w0 && store) {
          memcpy(w, p, (size_t)(t - p));
          w += t - p;
        }
        ve = t;
        p = t + 1;
        if (p < e && *p != delim) { /* text after the closing quote */
          const uint8_t *t2 = find_near(p, e, delim);
          if (!t2) t2 = e;
          if (store) {
            if (!w0) {
              w0 = w;
              memcpy(w, vs, (size_t)(ve - vs));
              w += ve - vs;
            }
            memcpy(w, p, (size_t)(t2 - p));
            w += t2 - p;
          }
          p = t2;
        }
        break;
      }
    } else {
      const uint8_t *t = find_near(p, e, delim);
      vs = p;
      ve = t ? t : e;
      p = ve;
    }
    if (store) {
      if (w0) {
        f[nf].p = w0;
        f[nf].n = (uint32_t)(w - w0);
      } else {
        f[nf].p = vs;
        f[nf].n = (uint32_t)(ve - vs);
      }
      f[nf].raw = (unsigned)(fs - s);
      f[nf].quoted = (unsigned)quoted;
    }
    nf++;
    if (p < e) { /* at a delimiter */
      p++;
      if (space && p < e && *p == ' ') p++;
      continue;
    }
    break;
  }
  return nf;
}

size_t pf__csv_split_fast(const pf__csv_dialect *d, const uint8_t *s,
                          const uint8_t *e, pf__csv_field *f, size_t cap,
                          uint8_t *scratch) {
#if defined(__SSE2__)
  if (d->space) return pf__csv_split(d, s, e, f, cap, scratch);
  /* Delimiter positions 64 bytes at a time as a bit mask; any quote byte
   * sends the row to the general splitter. */
  const __m128i vd = _mm_set1_epi8((char)d->delim);
  const __m128i vq = _mm_set1_epi8((char)d->quote);
  const int quotes = d->quote != 0;
  const size_t len = (size_t)(e - s);
  const uint8_t *fs = s;
  size_t nf = 0;
  for (size_t off = 0; off < len; off += 64) {
    const uint8_t *c = s + off;
    __m128i x0 = _mm_loadu_si128((const __m128i *)c);
    __m128i x1 = _mm_loadu_si128((const __m128i *)(c + 16));
    __m128i x2 = _mm_loadu_si128((const __m128i *)(c + 32));
    __m128i x3 = _mm_loadu_si128((const __m128i *)(c + 48));
    uint64_t dm = (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x0, vd)) |
                  (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x1, vd)) << 16 |
                  (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x2, vd)) << 32 |
                  (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x3, vd)) << 48;
    uint64_t keep = len - off >= 64 ? ~UINT64_C(0) : (UINT64_C(1) << (len - off)) - 1;
    if (quotes) {
      const __m128i q0 = _mm_cmpeq_epi8(x0, vq), q1 = _mm_cmpeq_epi8(x1, vq);
      const __m128i q2 = _mm_cmpeq_epi8(x2, vq), q3 = _mm_cmpeq_epi8(x3, vq);
      if (_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(q0, q1), _mm_or_si128(q2, q3)))) {
        uint64_t qm = (uint64_t)(unsigned)_mm_movemask_epi8(q0) |
                      (uint64_t)(unsigned)_mm_movemask_epi8(q1) << 16 |
                      (uint64_t)(unsigned)_mm_movemask_epi8(q2) << 32 |
                      (uint64_t)(unsigned)_mm_movemask_epi8(q3) << 48;
        if (qm & keep) return pf__csv_split(d, s, e, f, cap, scratch);
      }
    }
    dm &= keep;
    while (dm) {
      const uint8_t *t = c + __builtin_ctzll(dm);
      if (nf < cap) {
        f[nf].p = fs;
        f[nf].n = (uint32_t)(t - fs);
        f[nf].raw = (unsigned)(fs - s);
        f[nf].quoted = 0;
      }
      nf++;
      fs = t + 1;
      dm &= dm - 1;
    }
  }
  if (nf < cap) {
    f[nf].p = fs;
    f[nf].n = (uint32_t)(e - fs);
    f[nf].raw = (unsigned)(fs - s);
    f[nf].quoted = 0;
  }
  return nf + 1;
#else
  return pf__csv_split(d, s, e, f, cap, scratch);
#endif
}

/* csv_scan.c - quote-aware row boundaries and field splitting for CSV.
 *
 * The grammar both functions follow (they must agree byte for byte, since
 * the scanner decides where rows end and the splitter what they hold):
 * - A row ends at the terminator byte (d->eol) outside quotes.
 * - A field is quoted only when the quote byte is its first byte (at the
 *   start of a row or just after a delimiter). Inside quotes, a doubled
 *   quote is one quote; with the backslash escape, \" is a quote and \\ a
 *   backslash (any other backslash is kept). Delimiters and line breaks
 *   inside quotes are data.
 * - After the closing quote, bytes up to the next delimiter are kept as
 *   they are (lenient: `"ab"c` reads as abc). A quote in the middle of an
 *   unquoted field is an ordinary byte.
 * The scanner only looks for the terminator and quotes (SSE2: a 64-byte bit
 * mask at a time, walked bit by bit), so a file without quotes is scanned at
 * memory speed and quoted text costs a few instructions per quote.
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

static size_t count_byte(const uint8_t *p, const uint8_t *e, uint8_t c) {
  size_t k = 0;
  while ((p = find1(p, e, c)) != NULL) {
    k++;
    p++;
  }
  return k;
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

/* Ends the pending row at byte `end` (the terminator's position or the
 * end of input); empty lines are skipped. */
static pf_status end_row(pf__csv_scanner *sc, const uint8_t *buf, size_t end,
                         pf__csv_rows *rows) {
  size_t s = sc->row_start;
  int blank = end == s || (sc->d.eol == '\n' && end == s + 1 && buf[s] == '\r');
  if (!blank) PF_TRY(rows_push(rows, s, end, sc->line));
  sc->line += 1 + sc->extra;
  sc->extra = 0;
  return PF_OK;
}

#if defined(__SSE2__)
/* Bit i set where p[i] is a or b, for 64 bytes. */
static inline uint64_t mask64(const uint8_t *p, uint8_t a, uint8_t b) {
  const __m128i va = _mm_set1_epi8((char)a), vb = _mm_set1_epi8((char)b);
  uint64_t m = 0;
  for (int k = 0; k < 4; k++) {
    __m128i x = _mm_loadu_si128((const __m128i *)(p + 16 * k));
    m |= (uint64_t)(unsigned)_mm_movemask_epi8(
             _mm_or_si128(_mm_cmpeq_epi8(x, va), _mm_cmpeq_epi8(x, vb)))
         << (16 * k);
  }
  return m;
}

/* The scanner's loop for the common dialect (no backslash escape) while
 * 64 bytes or more are left: the line breaks and quotes of 64 bytes at a
 * time as a bit mask, walked bit by bit, so quoted text costs no call and
 * no second pass. Leaves the rest (and everything that needs the next
 * byte at the end of the buffer) to the general loop; returns where it
 * stopped. */
static size_t scan_masks(pf__csv_scanner *sc, const uint8_t *buf, size_t len, size_t pos,
                         pf__csv_rows *rows, size_t max_rows, pf_status *st) {
  const uint8_t q = sc->d.quote, eol = sc->d.eol, delim = sc->d.delim;
  const int space = sc->d.space;
  while (len - pos >= 64 && rows->n < max_rows) {
    const size_t base = pos;
    uint64_t m = mask64(buf + base, eol, q);
    pos = base + 64;
    while (m) {
      const size_t p = base + (size_t)__builtin_ctzll(m);
      m &= m - 1;
      if (sc->in_quote) {
        if (buf[p] == eol) {
          sc->extra++;
          sc->quoted_breaks++;
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
      if (buf[p] == eol) {
        *st = end_row(sc, buf, p, rows);
        sc->row_start = p + 1;
        if (*st != PF_OK || rows->n >= max_rows) return p + 1;
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
  const uint8_t q = sc->d.quote, eol = sc->d.eol, delim = sc->d.delim;
  const uint8_t esc = sc->d.escape && sc->d.escape != q ? sc->d.escape : 0;
  const int space = sc->d.space;
  static const uint8_t no_bytes[1];
  if (!buf) { /* an empty block may have no buffer yet: NULL + 0 is UB */
    buf = no_bytes;
    len = 0;
  }
  const uint8_t *const end = buf + len;
  size_t pos = sc->pos;
#if defined(__SSE2__)
  if (!esc && q && pos < len) {
    pf_status st = PF_OK;
    pos = scan_masks(sc, buf, len, pos, rows, max_rows, &st);
    PF_TRY(st);
  }
#endif
again:
  while (rows->n < max_rows) {
    if (sc->in_quote) {
      const uint8_t *p;
      if (esc) {
        p = find2(buf + pos, end, q, esc);
        int64_t breaks = (int64_t)count_byte(buf + pos, p ? p : end, eol);
        sc->extra += breaks;
        sc->quoted_breaks += breaks;
      } else { /* quoted fields are short: stop at line breaks, no second pass */
        p = find2(buf + pos, end, q, eol);
        if (p && *p == eol) {
          sc->extra++;
          sc->quoted_breaks++;
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
        if (buf[pos + 1] == eol) {
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
    const uint8_t *p = q ? find2(buf + pos, end, eol, q) : find1(buf + pos, end, eol);
    if (!p) {
      pos = len;
      break;
    }
    pos = (size_t)(p - buf);
    if (*p == eol) {
      PF_TRY(end_row(sc, buf, pos, rows));
      pos++;
      sc->row_start = pos;
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
       * at the first line break after the quote, and what follows are
       * rows again. Line breaks before the quote are inside fields of the
       * row that did close. */
      const uint8_t *br = find1(buf + sc->quote_pos, end, eol);
      size_t stop = br ? (size_t)(br - buf) : len;
      sc->in_quote = 0;
      sc->extra = (int64_t)count_byte(buf + sc->row_start, buf + stop, eol);
      sc->bad_line = sc->line;
      sc->bad_quote = sc->quote_line;
      PF_TRY(end_row(sc, buf, stop, rows));
      pos = stop < len ? stop + 1 : len;
      sc->row_start = pos;
      goto again;
    }
    if (sc->in_quote) return PF_EPARSE;
    if (sc->row_start < len) {
      PF_TRY(end_row(sc, buf, len, rows));
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

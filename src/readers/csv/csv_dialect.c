/* csv_dialect.c - sniffing a CSV file's dialect from a sample of its text.
 *
 * Line ends are not sniffed: LF, CR LF and a lone CR end rows in every
 * file (csv_scan.c); info() reports the kinds the sample's rows end with.
 *
 * Delimiter, quote and escape: every combination not fixed by the options
 * is tried on up to 1,000 rows of the sample:
 *   delimiters  , TAB ; | (common) then : ^ ~ SPACE (rare), in that order
 *   quotes      " then ' (only if a ' opens a field somewhere in the
 *               sample); never "none" unless asked for (a file without
 *               quotes reads the same either way)
 *   escapes     doubled quote; backslash only if the sample holds \" (or
 *               \' for the single quote); when both split the sample
 *               alike, the one with fewer malformed quoted fields wins
 *               (under doubled quotes "a\"b\"" holds a lone quote)
 *   space       a delimiter other than space is also tried followed by one
 *               space ("a, b, \"c\""), valid only when every delimiter in
 *               the sampled rows is followed by a space
 * Each candidate splits the rows; its modal field count C and the number
 * of rows with C fields ("consistent rows") score it. A candidate counts
 * only with C >= 2 and, for a rare delimiter, every row consistent; rows
 * after an unterminated quote do not count (the reader reports the quote).
 * The winner has the most consistent rows, then the fewest others, then a
 * common delimiter over a rare one, then, for one delimiter, the form
 * followed by a space (valid only where the whole sample writes it so),
 * then the larger C, then the earlier place in the lists above. (Across
 * delimiters the space decides nothing: tab-separated rows that each
 * quote a "last, first" name split in 2 by ", " everywhere, but in many
 * more by tab.)
 * When nothing qualifies (a one-column file) the dialect is "," with ".
 */
#include <string.h>

#include "readers/csv/csv_internal.h"

#define SNIFF_ROWS 1000
#define SNIFF_BYTES (256u * 1024)

typedef struct score {
  int valid;
  size_t rows;
  size_t cons; /* rows with the modal field count */
  size_t cm;   /* the modal field count           */
  int rare;
  int space;   /* the delimiter is followed by a space everywhere */
  uint8_t delim, quote;
  size_t malformed; /* quoted fields with a lone quote inside (judged only
                       where both escapes are tried)                     */
} score;

/* With d->space: is every delimiter of row [s, e) followed by a space? */
static int row_spaced(const pf__csv_dialect *d, const uint8_t *s, const uint8_t *e,
                      size_t nf, pf__buf *fields, pf__buf *scratch) {
  if (nf < 2) return 1;
  if (pf__buf_reserve(fields, nf * sizeof(pf__csv_field)) != PF_OK ||
      pf__buf_reserve(scratch, (size_t)(e - s) + 1) != PF_OK)
    return 0;
  pf__csv_field *f = (pf__csv_field *)(void *)fields->data;
  pf__csv_split(d, s, e, f, nf, scratch->data);
  for (size_t i = 1; i < nf; i++)
    if (f[i].raw < 2 || s[f[i].raw - 1] != ' ' || s[f[i].raw - 2] != d->delim) return 0;
  return 1;
}

/* Is the quoted field p[0..n) well formed: closed by its quote, every
 * quote inside doubled or (with a backslash escape) escaped? */
static int quoted_ok(const pf__csv_dialect *d, const uint8_t *p, size_t n) {
  if (n < 2 || p[n - 1] != d->quote) return 0;
  for (size_t i = 1; i + 1 < n; i++) {
    if (d->escape && p[i] == d->escape && i + 2 < n) i++;
    else if (p[i] == d->quote && !(i + 2 < n && p[i + 1] == d->quote)) return 0;
    else if (p[i] == d->quote) i++;
  }
  return 1;
}

/* Quoted fields of row [s, e) (nf fields) that are not well formed. */
static size_t row_malformed(const pf__csv_dialect *d, const uint8_t *s, const uint8_t *e,
                            size_t nf, pf__buf *fields, pf__buf *scratch) {
  if (pf__buf_reserve(fields, (nf ? nf : 1) * sizeof(pf__csv_field)) != PF_OK ||
      pf__buf_reserve(scratch, (size_t)(e - s) + 1) != PF_OK)
    return 0;
  pf__csv_field *f = (pf__csv_field *)(void *)fields->data;
  pf__csv_split(d, s, e, f, nf, scratch->data);
  size_t bad = 0;
  for (size_t i = 0; i < nf; i++) {
    const uint8_t *a = s + f[i].raw;
    const uint8_t *z = i + 1 < nf ? s + f[i + 1].raw - 1 - d->space : e;
    if (z > a && *a == d->quote) bad += !quoted_ok(d, a, (size_t)(z - a));
  }
  return bad;
}

static void evaluate(const pf__csv_dialect *d, const uint8_t *text, size_t n,
                     int is_all, int judge_quotes, score *s) {
  memset(s, 0, sizeof *s);
  pf__csv_scanner sc;
  pf__csv_scan_init(&sc, d, 1);
  pf__csv_rows rows = {0};
  /* An unterminated quote (PF_EPARSE) still leaves the rows before it to
   * judge by; the reader reports the quote later. */
  pf_status st = pf__csv_scan(&sc, text, n, is_all, &rows, SNIFF_ROWS);
  if ((st != PF_OK && st != PF_EPARSE) || rows.n == 0) {
    pf__csv_rows_free(&rows);
    return;
  }
  pf__buf fields, scratch;
  pf__buf_init(&fields, 0);
  pf__buf_init(&scratch, 0);
  int spaced = 1;
  /* Histogram of field counts (a few distinct values in practice). */
  enum { K = 64 };
  size_t val[K] = {0}, cnt[K] = {0}, nk = 0;
  for (size_t i = 0; i < rows.n; i++) {
    const uint8_t *s0 = text + rows.start[i];
    const uint8_t *e0 = text + rows.end[i];
    size_t nf = pf__csv_split(d, s0, e0, NULL, 0, NULL);
    if (d->space && spaced && !row_spaced(d, s0, e0, nf, &fields, &scratch)) spaced = 0;
    if (judge_quotes) s->malformed += row_malformed(d, s0, e0, nf, &fields, &scratch);
    size_t k = 0;
    while (k < nk && val[k] != nf) k++;
    if (k == nk) {
      if (nk == K) continue;
      val[nk] = nf;
      cnt[nk++] = 0;
    }
    cnt[k]++;
  }
  size_t best = 0;
  for (size_t k = 1; k < nk; k++)
    if (cnt[k] > cnt[best] || (cnt[k] == cnt[best] && val[k] > val[best])) best = k;
  s->valid = !d->space || spaced;
  s->rows = rows.n;
  s->cons = cnt[best];
  s->cm = val[best];
  s->space = d->space;
  s->delim = d->delim;
  s->quote = d->quote;
  pf__buf_free(&fields);
  pf__buf_free(&scratch);
  pf__csv_rows_free(&rows);
}

static int better(const score *a, const score *b) {
  if (!b->valid) return 1;
  if (a->cons != b->cons) return a->cons > b->cons;
  if (a->rows - a->cons != b->rows - b->cons) return a->rows - a->cons < b->rows - b->cons;
  if (a->rare != b->rare) return !a->rare;
  if (a->malformed != b->malformed && a->delim == b->delim && a->quote == b->quote)
    return a->malformed < b->malformed; /* one quote, two escapes */
  if (a->space != b->space && a->delim == b->delim) return a->space; /* ", " everywhere */
  return a->cm > b->cm;
}

/* Does q open a field somewhere (at a line start or after a common
 * delimiter)? */
static int quote_at_field_start(const uint8_t *t, size_t n, uint8_t q) {
  for (size_t i = 0; i < n; i++) {
    if (t[i] != q) continue;
    if (i == 0) return 1;
    uint8_t c = t[i - 1];
    if (c == '\n' || c == '\r' || c == ',' || c == ';' || c == '\t' || c == '|') return 1;
  }
  return 0;
}

static int has_escaped_quote(const uint8_t *t, size_t n, uint8_t q) {
  for (size_t i = 0; i + 1 < n; i++)
    if (t[i] == '\\' && t[i + 1] == q) return 1;
  return 0;
}

/* Does "<c> " occur in the sample? (Then c followed by a space is tried.) */
static int has_spaced(const uint8_t *t, size_t n, uint8_t c) {
  for (const uint8_t *p = t, *e = t + n; (p = memchr(p, c, (size_t)(e - p))) != NULL && p + 1 < e; p++)
    if (p[1] == ' ') return 1;
  return 0;
}

void pf__csv_sniff(const uint8_t *text, size_t n, int is_all,
                   const pf__csv_opts *o, pf__csv_dialect *d) {
  if (n > SNIFF_BYTES) {
    n = SNIFF_BYTES;
    is_all = 0;
  }
  const char *delims = PF__CSV_DELIMS;
  const size_t n_common = 4;
  uint8_t dl[16];
  size_t nd = 0;
  if (o->delimiter != PF_AUTO) dl[nd++] = (uint8_t)o->delimiter;
  else
    for (size_t i = 0; delims[i]; i++) dl[nd++] = (uint8_t)delims[i];
  uint8_t ql[3];
  size_t nq = 0;
  if (o->quote != PF_AUTO) ql[nq++] = (uint8_t)o->quote;
  else {
    ql[nq++] = '"';
    if (quote_at_field_start(text, n, '\'')) ql[nq++] = '\'';
  }
  score best = {0};
  pf__csv_dialect pick = *d;
  pick.delim = o->delimiter != PF_AUTO ? (uint8_t)o->delimiter : ',';
  pick.quote = o->quote != PF_AUTO ? (uint8_t)o->quote : '"';
  pick.escape = o->escape != PF_AUTO ? (uint8_t)o->escape : 0;
  /* An escape equal to the quote means doubled quotes. */
  if (pick.escape && pick.escape == pick.quote) pick.escape = 0;
  for (size_t i = 0; i < nd; i++) {
    for (size_t j = 0; j < nq; j++) {
      if (ql[j] && ql[j] == dl[i]) continue;
      uint8_t el[2];
      size_t ne = 0;
      if (o->escape != PF_AUTO) el[ne++] = (uint8_t)o->escape;
      else {
        el[ne++] = 0;
        if (ql[j] && has_escaped_quote(text, n, ql[j])) el[ne++] = '\\';
      }
      const int spaced = dl[i] != ' ' && has_spaced(text, n, dl[i]);
      for (size_t k = 0; k < ne * (spaced ? 2 : 1); k++) {
        pf__csv_dialect c = *d;
        c.delim = dl[i];
        c.quote = ql[j];
        c.escape = ql[j] ? el[k % ne] : 0;
        c.space = k >= ne;
        score s;
        evaluate(&c, text, n, is_all, ne > 1, &s);
        s.rare = o->delimiter == PF_AUTO && i >= n_common;
        if (!s.valid || s.cm < 2) continue;
        if (s.rare && s.cons != s.rows) continue;
        if (better(&s, &best)) {
          best = s;
          pick = c;
        }
      }
    }
  }
  d->delim = pick.delim;
  d->space = pick.space;
  d->quote = pick.quote;
  d->escape = pick.quote && pick.escape != pick.quote ? pick.escape : 0;
}

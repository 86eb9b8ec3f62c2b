/* csv_parse.c - CSV rows to column batches: the body of one parallel task.
 *
 * A part is a range of complete rows of one block of text; its task splits
 * every row into fields and converts each to its column's type, straight
 * into the part's pf_batch. Tasks share only read-only settings
 * (pf__csv_cfg) and the block's text, so they run on any thread in any
 * order; what they find that must be reported in input order (bad rows,
 * values that do not fit a column) is recorded in the part and handled by
 * the reader afterwards.
 *
 * Values (types decided by the reader, see csv_reader.c):
 * - an unquoted empty field is null in every column; a quoted empty field
 *   ("") is the empty string in a string column and null in a typed one;
 * - without opts->csv.null_values, NULL, null, NA, N/A and NaN are null in
 *   typed columns (double columns included: there "NaN" is null while
 *   "nan", "NAN", "inf" are IEEE values) and text in string columns; with
 *   null_values, exactly those strings are null in every column (quoted or
 *   not) and the default tokens are ordinary text;
 * - --all-strings: every value is kept verbatim; empty and missing fields
 *   are empty strings and no token is null (as the original PyForge CLI,
 *   which read with pandas dtype=str, na_filter=False, keep_default_na=False
 *   and wrote "" for missing values); only explicit null_values are null.
 * - a row with fewer or more fields than the columns is bad: with ERROR
 *   it stops the read, with SKIP it goes to the rejects; with KEEP it is
 *   kept and counted: missing fields are null, extra fields are joined
 *   (with the delimiter) into the last column unless they are all empty
 *   (then they are dropped: they hold no text);
 * - a row cut at a quote that never closes (lenient modes only, see
 *   csv_scan.c) is bad too: rejected with SKIP, kept and counted with KEEP.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/parse_fast.h"
#include "readers/csv/csv_internal.h"

/* Bytes past a value the inline parsers may read (core/parse_fast.h). */
#define PF__CSV_PAD 16

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#define EV_VALUE_MAX 80

int pf__csv_is_null(const pf__csv_nulls *nl, pf_type t, const uint8_t *p,
                    size_t n) {
  if (nl->values) {
    for (size_t i = 0; i < nl->n_values; i++)
      if (nl->lens[i] == n && memcmp(nl->values[i], p, n) == 0) return 1;
    return 0;
  }
  if (nl->all_strings || t == PF_TYPE_STRING) return 0;
  return pf__infer_default_null((const char *)p, n);
}

static size_t chunk_rows_for(size_t nc);

pf_status pf__csv_part_init(pf__csv_part *p, size_t n_cols) {
  memset(p, 0, sizeof *p);
  size_t nc = n_cols ? n_cols : 1;
  p->chunk_rows = chunk_rows_for(n_cols);
  p->fields = malloc(p->chunk_rows * (nc + 1) * sizeof *p->fields);
  p->nf = malloc(p->chunk_rows * sizeof *p->nf);
  p->ln = malloc(p->chunk_rows * sizeof *p->ln);
  p->rn = malloc(p->chunk_rows * sizeof *p->rn);
  p->want = malloc(nc * sizeof *p->want);
  p->ev_row = malloc(nc * sizeof *p->ev_row);
  p->ev_line = malloc(nc * sizeof *p->ev_line);
  p->ev_value = calloc(nc, sizeof *p->ev_value);
  pf__buf_init(&p->scratch, 0);
  pf__buf_init(&p->joined, 0);
  pf_error_init(&p->err);
  if (!p->fields || !p->nf || !p->ln || !p->rn || !p->want || !p->ev_row || !p->ev_line ||
      !p->ev_value)
    return PF_ENOMEM;
  return PF_OK;
}

static void clear_rejects(pf__csv_part *p) {
  for (size_t i = 0; i < p->n_rejects; i++) free(p->rejects[i].reason);
  p->n_rejects = 0;
}

void pf__csv_part_free(pf__csv_part *p, size_t n_cols) {
  if (!p) return;
  clear_rejects(p);
  free(p->rejects);
  if (p->ev_value)
    for (size_t i = 0; i < n_cols; i++) free(p->ev_value[i]);
  free(p->ev_value);
  free(p->ev_row);
  free(p->ev_line);
  free(p->want);
  free(p->fields);
  free(p->nf);
  free(p->ln);
  free(p->rn);
  pf__buf_free(&p->scratch);
  pf__buf_free(&p->joined);
  pf__batch_free(p->batch);
  memset(p, 0, sizeof *p);
}

pf_status pf__csv_part_reset(pf__csv_part *p, const pf__csv_cfg *cfg) {
  p->status = PF_OK;
  pf_error_init(&p->err);
  p->widened = 0;
  for (size_t c = 0; c < cfg->n_cols; c++) {
    p->want[c] = cfg->schema->fields[c].type;
    p->ev_row[c] = -1;
    p->ev_line[c] = -1;
    free(p->ev_value[c]);
    p->ev_value[c] = NULL;
  }
  clear_rejects(p);
  for (int i = 0; i < 3; i++) {
    p->kept[i] = 0;
    p->kept_line[i] = -1;
  }
  return pf__batch_reset(p->batch, cfg->schema);
}

/* ---- problems ----------------------------------------------------------- */

static int64_t offset_of(const pf__csv_cfg *cfg, const pf__csv_part *p,
                         const uint8_t *at) {
  if (!cfg->exact_offsets) return -1;
  return (int64_t)(cfg->bom + p->text_off + (uint64_t)(at - p->buf));
}

static void fail(const pf__csv_cfg *cfg, pf__csv_part *p, pf_status st,
                 int64_t row, int64_t line, int64_t col, int64_t off) {
  p->status = st;
  p->err.status = st;
  pf__error_file(&p->err, cfg->path);
  pf__error_place(&p->err, row, line, col, off);
  if (col > 0 && (size_t)col <= cfg->n_cols)
    pf__error_column_name(&p->err, cfg->schema->fields[col - 1].name);
}

/* Records a bad row to be reported (SKIP, validation); 0 when out of
 * memory (the part then fails). */
static int add_reject(pf__csv_part *p, int64_t line, char *reason,
                      const uint8_t *s, const uint8_t *e) {
  if (!reason) return 0;
  if (p->n_rejects == p->cap_rejects) {
    size_t cap = p->cap_rejects ? p->cap_rejects * 2 : 16;
    pf__csv_reject *nr = realloc(p->rejects, cap * sizeof *nr);
    if (!nr) {
      free(reason);
      return 0;
    }
    p->rejects = nr;
    p->cap_rejects = cap;
  }
  pf__csv_reject *r = &p->rejects[p->n_rejects++];
  r->line = line;
  r->reason = reason;
  r->raw_off = (size_t)(s - p->buf);
  r->raw_len = (size_t)(e - s);
  return 1;
}

/* A value that its column's type does not take: note the widening the
 * column needs and go on (the batch will be parsed again). */
static void misfit(const pf__csv_cfg *cfg, pf__csv_part *p, size_t c,
                   int64_t row, int64_t line, const uint8_t *v, size_t n) {
  int big;
  pf_type vt = pf__infer_value(cfg->ictx, (const char *)v, n, &big);
  pf_type t = cfg->schema->fields[c].type;
  pf_type nt = pf__infer_widen(p->want[c], 0, vt, big);
  if (pf__infer_widen(t, 0, vt, big) == t) nt = PF_TYPE_STRING; /* no loop */
  p->want[c] = nt;
  p->widened = 1;
  if (p->ev_row[c] < 0) {
    p->ev_row[c] = row;
    p->ev_line[c] = line;
    size_t k = n < EV_VALUE_MAX ? n : EV_VALUE_MAX;
    while (k < n && k > 0 && (v[k] & 0xC0) == 0x80) k--; /* whole chars */
    p->ev_value[c] = pf__aprintf("%.*s%s", (int)k, (const char *)v, k < n ? "..." : "");
  }
}

/* Does [p, p+n) hold a NUL byte, or (high) a byte >= 0x80? */
static int needs_check(const uint8_t *s, size_t n, int high) {
  size_t i = 0;
#if defined(__SSE2__)
  const __m128i z = _mm_setzero_si128();
  const __m128i hm = high ? _mm_set1_epi8((char)0x80) : z;
  for (; i + 64 <= n; i += 64) {
    __m128i acc = z;
    for (int k = 0; k < 64; k += 16) {
      __m128i x = _mm_loadu_si128((const __m128i *)(s + i + k));
      acc = _mm_or_si128(acc, _mm_or_si128(_mm_and_si128(x, hm), _mm_cmpeq_epi8(x, z)));
    }
    if (_mm_movemask_epi8(acc)) return 1;
  }
#endif
  for (; i < n; i++)
    if (s[i] == 0 || (high && s[i] >= 0x80)) return 1;
  return 0;
}

/* ---- the task ----------------------------------------------------------- */

/* Rows are taken a chunk at a time: first split (row by row, bad rows
 * handled), then converted column by column, so each column's loop has one
 * type and predictable branches. */
static size_t chunk_rows_for(size_t nc) {
  size_t m = 16384 / (nc + 1);
  return m < 1 ? 1 : m > 64 ? 64 : m;
}

static int too_big(const pf__csv_cfg *cfg, pf__csv_part *p, size_t c, size_t i,
                   const pf__csv_field *f) {
  pf__error_set(&p->err, PF_ELIMIT,
                "line %lld, column %zu (%s): a field of %zu bytes is larger than the "
                "limit of %zu bytes; raise it with input.max_field_size",
                (long long)p->ln[i], c + 1, cfg->schema->fields[c].name, (size_t)f->n,
                cfg->max_field);
  const uint8_t *row = p->buf + p->rows->start[p->row_begin + (size_t)(p->rn[i] - p->first_row - 1)];
  fail(cfg, p, PF_ELIMIT, p->rn[i], p->ln[i], (int64_t)c + 1, offset_of(cfg, p, row + f->raw));
  return 0;
}

static int no_room(const pf__csv_cfg *cfg, pf__csv_part *p) {
  pf__error_set(&p->err, PF_ELIMIT,
                "more than 2 GiB of text in one column of one batch; lower "
                "PYFORGE_CSV_CHUNK_SIZE or split the file");
  fail(cfg, p, PF_ELIMIT, -1, -1, -1, -1);
  return 0;
}

/* Marks rows [off, off + n) valid at once; nulls clear their bit again
 * (pf__col_set_null), so values are stored without touching the bitmap. */
static void set_valid(uint8_t *bits, size_t off, size_t n) {
  const size_t end = off + n;
  for (; off < end && (off & 7); off++) bits[off >> 3] |= (uint8_t)(1u << (off & 7));
  if (off < end && end - off >= 8) {
    memset(bits + (off >> 3), 0xFF, (end - off) >> 3);
    off += (end - off) & ~(size_t)7;
  }
  for (; off < end; off++) bits[off >> 3] |= (uint8_t)(1u << (off & 7));
}

/* Copies n bytes 16 at a time: reads up to 15 bytes past the value (its
 * pad, PF__CSV_PAD) and writes up to 15 past the copy (the column's slack,
 * reserved with pf__col_reserve_data). */
static inline void copy_padded(uint8_t *d, const uint8_t *s, size_t n) {
  if (n > 64) {
    memcpy(d, s, n);
    return;
  }
  for (size_t i = 0; i < n; i += 16) memcpy(d + i, s + i, 16);
}

/* Column c's values of the chunk's k rows as strings, rows out0...; the
 * data has room for all of them (reserved by the caller, with slack). */
static int put_strings(const pf__csv_cfg *cfg, pf__csv_part *p, size_t c, size_t k,
                       size_t out0) {
  pf_column *col = &p->batch->cols[c];
  const size_t stride = cfg->n_cols + 1, maxf = cfg->max_field;
  const pf__csv_field *f = p->fields + c;
  const int all_strings = cfg->nulls.all_strings, custom = cfg->nulls.values != NULL;
  uint8_t *const data = col->data;
  int32_t *const off = col->offsets;
  size_t len = col->data_len;
  for (size_t i = 0; i < k; i++, f += stride) {
    const size_t row = out0 + i;
    if (c >= p->nf[i]) {
      if (!all_strings) pf__col_set_null(col, row);
      else off[row + 1] = (int32_t)len; /* "" */
      continue;
    }
    const uint8_t *v = f->p;
    const size_t n = f->n;
    if (n > maxf) {
      col->data_len = len;
      return too_big(cfg, p, c, i, f);
    }
    if ((!all_strings && n == 0 && !f->quoted) ||
        (custom && pf__csv_is_null(&cfg->nulls, PF_TYPE_STRING, v, n))) {
      pf__col_set_null(col, row);
      continue;
    }
    copy_padded(data + len, v, n);
    len += n;
    off[row + 1] = (int32_t)len;
  }
  col->data_len = len;
  return 1;
}

/* The loop over the chunk's rows for one typed column; SET parses v/n into
 * the column (row `row`) and is true when the value fits. */
#define TYPED_LOOP(SET)                                                        \
  for (size_t i = 0; i < k; i++, f += stride) {                               \
    const size_t row = out0 + i;                                               \
    if (c >= p->nf[i]) {                                                       \
      pf__col_set_null(col, row);                                              \
      continue;                                                                \
    }                                                                          \
    const uint8_t *v = f->p;                                                   \
    const size_t n = f->n;                                                     \
    if (n > maxf) return too_big(cfg, p, c, i, f);                             \
    if (n == 0 || (custom && pf__csv_is_null(&cfg->nulls, t, v, n))) {         \
      pf__col_set_null(col, row);                                              \
      continue;                                                                \
    }                                                                          \
    pf__value val;                                                             \
    if (SET) continue;                                                         \
    if (!custom && pf__infer_default_null((const char *)v, n)) {               \
      pf__col_set_null(col, row);                                              \
      continue;                                                                \
    }                                                                          \
    misfit(cfg, p, c, p->rn[i], p->ln[i], v, n);                               \
    pf__col_set_null(col, row);                                                \
  }

/* Converts column c of the chunk's k rows into batch rows out0... Returns 0
 * after a fatal problem (recorded in p). */
static int convert_column(const pf__csv_cfg *cfg, pf__csv_part *p, size_t c,
                          size_t k, size_t out0) {
  pf_column *col = &p->batch->cols[c];
  const size_t stride = cfg->n_cols + 1;
  const pf__csv_field *f = p->fields + c;
  const pf_type t = col->type;
  const int custom = cfg->nulls.values != NULL;
  const size_t maxf = cfg->max_field;
  const pf__infer_ctx *ictx = cfg->ictx;
  set_valid(col->validity, out0, k);
  switch (t) {
    case PF_TYPE_STRING: {
      if (pf__col_reserve_data(col, p->chunk_text, 16) == PF_OK)
        return put_strings(cfg, p, c, k, out0);
      /* past the batch's limit: value by value, to fail at the value that passes it */
      const int all_strings = cfg->nulls.all_strings;
      for (size_t i = 0; i < k; i++, f += stride) {
        const size_t row = out0 + i;
        if (c >= p->nf[i]) {
          if (!all_strings) pf__col_set_null(col, row);
          else if (pf__col_push_str(col, row, "", 0) != PF_OK) return no_room(cfg, p);
          continue;
        }
        const uint8_t *v = f->p;
        const size_t n = f->n;
        if (n > maxf) return too_big(cfg, p, c, i, f);
        if ((!all_strings && n == 0 && !f->quoted) ||
            (custom && pf__csv_is_null(&cfg->nulls, t, v, n)))
          pf__col_set_null(col, row);
        else if (pf__col_push_str(col, row, v, n) != PF_OK)
          return no_room(cfg, p);
      }
      return 1;
    }
    /* Values lie in the block (slack after it) or in scratch (reserved with
     * slack): the inline parsers may read 8 bytes past them (pad). */
    case PF_TYPE_INT64:
      TYPED_LOOP(pf__parse_int64_p((const char *)v, n, &val.i64, 1) &&
                 (memcpy(col->values + row * 8, &val.i64, 8), 1))
      return 1;
    case PF_TYPE_DOUBLE: /* the "NaN" token is null; "nan" is IEEE NaN */
      TYPED_LOOP((pf__parse_double_plain((const char *)v, n, &val.f64, 1) == 1 ||
                  (pf__parse_double(ictx, (const char *)v, n, &val.f64) &&
                   !(val.f64 != val.f64 && !custom &&
                     pf__infer_default_null((const char *)v, n)))) &&
                 (memcpy(col->values + row * 8, &val.f64, 8), 1))
      return 1;
    case PF_TYPE_BOOL:
      TYPED_LOOP(pf__parse_bool_p((const char *)v, n, &val.b) &&
                 (pf__col_set_bool(col, row, val.b), 1))
      return 1;
    case PF_TYPE_DATE:
      TYPED_LOOP(pf__parse_date_p((const char *)v, n, &val.i32) &&
                 (memcpy(col->values + row * 4, &val.i32, 4), 1))
      return 1;
    case PF_TYPE_TIMESTAMP: { /* "YYYY-MM-DD HH:MM:SS" inline, the rest by the full parser */
      int fast;
      TYPED_LOOP(((fast = pf__parse_ts19_p((const char *)v, n, &val.i64)) > 0 ||
                  (fast < 0 && pf__infer_parse(ictx, t, (const char *)v, n, &val))) &&
                 (memcpy(col->values + row * 8, &val.i64, 8), 1))
      return 1;
    }
    default:
      TYPED_LOOP(pf__infer_parse(ictx, t, (const char *)v, n, &val) &&
                 (pf__col_set_i64(col, row, val.i64), 1))
      return 1;
  }
}

static void note_kept(pf__csv_part *p, int kind, int64_t line) {
  if (p->kept_line[kind] < 0) p->kept_line[kind] = line;
  p->kept[kind]++;
}

/* Are the fields from `rest` to the row's end all empty (delimiters only)? */
static int empty_rest(const pf__csv_dialect *d, const uint8_t *rest, const uint8_t *e) {
  for (; rest < e; rest++)
    if (*rest != d->delim && !(d->space && *rest == ' ')) return 0;
  return 1;
}

/* KEEP: the last column takes its value, the delimiter, then the rest of
 * the row as it is in the input; returns the end of what was written. */
static uint8_t *join_rest(const pf__csv_dialect *d, pf__csv_field *f, size_t nc,
                          const uint8_t *s, const uint8_t *e, uint8_t *jw) {
  pf__csv_field *lastf = &f[nc - 1];
  const uint8_t *rest = s + f[nc].raw;
  uint8_t *j0 = jw;
  memcpy(jw, lastf->p, lastf->n);
  jw += lastf->n;
  *jw++ = d->delim;
  if (d->space) *jw++ = ' ';
  memcpy(jw, rest, (size_t)(e - rest));
  jw += e - rest;
  lastf->p = j0;
  lastf->n = (uint32_t)(jw - j0);
  lastf->quoted = 1;
  return jw;
}

static void bad_row_error(const pf__csv_cfg *cfg, pf__csv_part *p, pf_status st,
                          int64_t row, int64_t line, int64_t col, int64_t off) {
  p->err.status = st;
  pf__error_file(&p->err, cfg->path);
  pf__error_place(&p->err, row, line, col, off);
}

void pf__csv_parse_part(const pf__csv_cfg *cfg, pf__csv_part *p) {
  const size_t nc = cfg->n_cols, stride = nc + 1;
  const pf__csv_dialect *d = &cfg->d;
  const pf__csv_rows *rows = p->rows;
  const int lenient = cfg->on_bad != PF_BAD_ROWS_ERROR;
  pf_batch *b = p->batch;
  size_t out = 0;
  b->n_rows = 0;
  if (p->row_begin >= p->row_end) return;
  /* NUL bytes and (passed-through UTF-8) invalid sequences make bad rows:
   * check the part's text at once, row by row only if it has a problem. */
  const uint8_t *lo = p->buf + rows->start[p->row_begin];
  const size_t span = rows->end[p->row_end - 1] - rows->start[p->row_begin];
  int check = needs_check(lo, span, cfg->check_utf8);
  if (check) {
    size_t bad;
    check = memchr(lo, 0, span) != NULL || (cfg->check_utf8 && !pf__csv_utf8_valid(lo, span, &bad));
  }
  size_t r = p->row_begin;
  while (r < p->row_end) {
    /* Split a chunk of rows. */
    size_t last = r + p->chunk_rows < p->row_end ? r + p->chunk_rows : p->row_end;
    size_t bytes = rows->end[last - 1] - rows->start[r] + 1;
    p->chunk_text = bytes + 2 * p->chunk_rows;
    if (pf__buf_reserve(&p->scratch, bytes + PF__CSV_PAD) != PF_OK ||
        (cfg->on_bad == PF_BAD_ROWS_KEEP &&
         pf__buf_reserve(&p->joined, bytes + 2 * p->chunk_rows + PF__CSV_PAD) != PF_OK))
      goto nomem;
    uint8_t *sw = p->scratch.data, *jw = p->joined.data;
    pf_status stop = PF_OK;
    size_t k = 0;
    for (; r < last; r++) {
      const uint8_t *s = p->buf + rows->start[r];
      const uint8_t *e = p->buf + rows->end[r];
      const int64_t row = p->first_row + (int64_t)(r - p->row_begin) + 1;
      const int64_t line = rows->line[r];
      if (check) {
        const uint8_t *z = memchr(s, 0, (size_t)(e - s));
        size_t bad = 0;
        int invalid = !z && cfg->check_utf8 && !pf__csv_utf8_valid(s, (size_t)(e - s), &bad);
        if (z || invalid) {
          int64_t off = offset_of(cfg, p, z ? z : s + bad);
          char where[64] = "";
          if (off >= 0) snprintf(where, sizeof where, " (byte offset %lld)", (long long)off);
          if (!lenient) {
            if (z)
              pf__error_set(&p->err, PF_EBADROW,
                            "line %lld holds a NUL byte%s: binary data in a text file. "
                            "Use input.on_bad_rows=skip to write such rows to a rejects file.",
                            (long long)line, where);
            else
              pf__error_set(&p->err, PF_EENCODING,
                            "line %lld is not valid UTF-8%s; the file was read as UTF-8 "
                            "(give its encoding with input.encoding, or use input.on_bad_rows=skip "
                            "to write such rows to a rejects file)",
                            (long long)line, where);
            stop = z ? PF_EBADROW : PF_EENCODING;
            bad_row_error(cfg, p, stop, row, line, -1, off);
            break;
          }
          char *why = z ? pf__aprintf("line %lld holds a NUL byte%s", (long long)line, where)
                        : pf__aprintf("line %lld is not valid UTF-8%s", (long long)line, where);
          if (!add_reject(p, line, why, s, e)) goto nomem;
          continue;
        }
      }
      pf__csv_field *f = p->fields + k * stride;
      size_t nf = pf__csv_split_fast(d, s, e, f, stride, sw);
      sw += e - s;
      if (line == p->bad_quote_line) { /* cut at a quote that never closes */
        if (cfg->on_bad != PF_BAD_ROWS_KEEP) {
          char *why = pf__aprintf("unterminated quote: the quoted field that opens at line %lld "
                                  "never closes", (long long)p->bad_quote_open);
          if (!add_reject(p, line, why, s, e)) goto nomem;
          continue;
        }
        note_kept(p, 2, line);
      }
      if (nf != nc && nf != cfg->body_short) {
        if (cfg->on_bad == PF_BAD_ROWS_KEEP && nc > 0) {
          if (nf > nc && !empty_rest(d, s + f[nc].raw, e)) jw = join_rest(d, f, nc, s, e, jw);
          note_kept(p, nf < nc ? 0 : 1, line);
          if (nf > nc) nf = nc; /* short rows: the missing fields are null */
        } else {
          char msg[160];
          snprintf(msg, sizeof msg, "%zu field%s where %s %zu", nf, nf == 1 ? "" : "s",
                   cfg->header ? "the header has" : "the other rows have", nc);
          if (!lenient) {
            pf__error_set(&p->err, PF_EBADROW,
                          "%s. Use input.on_bad_rows=skip to write such rows to a rejects "
                          "file, or input.on_bad_rows=keep to keep them (missing fields null, "
                          "extra fields joined into the last column).", msg);
            stop = PF_EBADROW;
            bad_row_error(cfg, p, stop, row, line, (int64_t)(nf > nc ? nc : nf) + 1,
                          offset_of(cfg, p, s));
            break;
          }
          if (!add_reject(p, line, pf__strdup(msg), s, e)) goto nomem;
          continue;
        }
      }
      p->nf[k] = nf;
      p->ln[k] = line;
      p->rn[k] = row;
      k++;
    }
    /* Convert it, column by column. */
    for (size_t c = 0; c < nc; c++) {
      if (!convert_column(cfg, p, c, k, out)) {
        b->n_rows = out;
        return;
      }
    }
    out += k;
    if (stop != PF_OK) { /* the bad row, after the rows before it */
      p->status = stop;
      b->n_rows = out;
      return;
    }
  }
  b->n_rows = out;
  return;
nomem:
  pf__error_set(&p->err, PF_ENOMEM, "out of memory parsing CSV rows");
  fail(cfg, p, PF_ENOMEM, -1, -1, -1, -1);
  b->n_rows = out;
}

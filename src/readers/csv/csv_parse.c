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
 *   typed columns (NaN is IEEE NaN in a double column) and text in string
 *   columns; with null_values, exactly those strings are null in every
 *   column (quoted or not) and the default tokens are ordinary text;
 * - --all-strings: nothing is null; every value is kept verbatim, empty
 *   and missing fields are empty strings (as the original PyForge CLI,
 *   which read with pandas na_filter=False and wrote "" for missing).
 * - missing trailing fields are null; extra fields make the row bad.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "readers/csv/csv_internal.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#define EV_VALUE_MAX 80

int pf__csv_is_null(const pf__csv_nulls *nl, pf_type t, const uint8_t *p,
                    size_t n) {
  if (nl->all_strings) return 0;
  if (nl->values) {
    for (size_t i = 0; i < nl->n_values; i++)
      if (nl->lens[i] == n && memcmp(nl->values[i], p, n) == 0) return 1;
    return 0;
  }
  if (t == PF_TYPE_STRING) return 0;
  return pf__infer_default_null((const char *)p, n);
}

pf_status pf__csv_part_init(pf__csv_part *p, size_t n_cols) {
  memset(p, 0, sizeof *p);
  size_t nc = n_cols ? n_cols : 1;
  p->fields = malloc((nc + 1) * sizeof *p->fields);
  p->want = malloc(nc * sizeof *p->want);
  p->ev_row = malloc(nc * sizeof *p->ev_row);
  p->ev_line = malloc(nc * sizeof *p->ev_line);
  p->ev_value = calloc(nc, sizeof *p->ev_value);
  pf__buf_init(&p->scratch, 0);
  pf__buf_init(&p->joined, 0);
  pf_error_init(&p->err);
  if (!p->fields || !p->want || !p->ev_row || !p->ev_line || !p->ev_value) return PF_ENOMEM;
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

void pf__csv_parse_part(const pf__csv_cfg *cfg, pf__csv_part *p) {
  const size_t nc = cfg->n_cols;
  const pf__csv_dialect *d = &cfg->d;
  const pf_field *fl = cfg->schema->fields;
  const int all_strings = cfg->nulls.all_strings;
  const int custom = cfg->nulls.values != NULL;
  pf_batch *b = p->batch;
  pf__csv_field *f = p->fields;
  const pf__csv_rows *rows = p->rows;
  size_t out = 0;
  if (p->row_begin >= p->row_end) {
    b->n_rows = 0;
    return;
  }
  int check = needs_check(p->buf + rows->start[p->row_begin],
                          rows->end[p->row_end - 1] - rows->start[p->row_begin],
                          cfg->check_utf8);
  for (size_t r = p->row_begin; r < p->row_end; r++) {
    const uint8_t *s = p->buf + rows->start[r];
    const uint8_t *e = pf__csv_row_end(d, s, p->buf + rows->end[r]);
    const int64_t row = p->first_row + (int64_t)(r - p->row_begin) + 1;
    const int64_t line = rows->line[r];
    const int lenient = cfg->on_bad != PF_BAD_ROWS_ERROR;
    if (check) {
      const uint8_t *z = memchr(s, 0, (size_t)(e - s));
      size_t bad = 0;
      int invalid = !z && cfg->check_utf8 && !pf__csv_utf8_valid(s, (size_t)(e - s), &bad);
      if (z || invalid) {
        const uint8_t *at = z ? z : s + bad;
        int64_t off = offset_of(cfg, p, at);
        char where[64] = "";
        if (off >= 0) snprintf(where, sizeof where, " (byte offset %lld)", (long long)off);
        if (!lenient) {
          if (z)
            pf__error_set(&p->err, PF_EBADROW,
                          "line %lld holds a NUL byte%s: binary data in a text file. "
                          "Use --on-bad-rows=skip to write such rows to a rejects file.",
                          (long long)line, where);
          else
            pf__error_set(&p->err, PF_EENCODING,
                          "line %lld is not valid UTF-8%s; the file was read as UTF-8 "
                          "(give its encoding with --encoding, or use --on-bad-rows=skip "
                          "to write such rows to a rejects file)",
                          (long long)line, where);
          fail(cfg, p, z ? PF_EBADROW : PF_EENCODING, row, line, -1, off);
          b->n_rows = out;
          return;
        }
        char *why = z ? pf__aprintf("line %lld holds a NUL byte%s", (long long)line, where)
                      : pf__aprintf("line %lld is not valid UTF-8%s", (long long)line, where);
        if (!add_reject(p, line, why, s, e)) goto nomem;
        continue;
      }
    }
    size_t len = (size_t)(e - s);
    if (p->scratch.cap < len + 1 && pf__buf_reserve(&p->scratch, len + 1) != PF_OK) goto nomem;
    size_t nf = pf__csv_split_fast(d, s, e, f, nc + 1, p->scratch.data);
    if (nf > nc) {
      if (cfg->on_bad == PF_BAD_ROWS_KEEP && nc > 0) {
        /* Last column: its value, the delimiter, then the rest of the row
         * as it is in the input. */
        pf__csv_field *last = &f[nc - 1];
        const uint8_t *rest = f[nc].raw;
        p->joined.len = 0;
        if (pf__buf_append(&p->joined, last->p, last->n) != PF_OK ||
            pf__buf_putc(&p->joined, d->delim) != PF_OK ||
            pf__buf_append(&p->joined, rest, (size_t)(e - rest)) != PF_OK)
          goto nomem;
        last->p = p->joined.data;
        last->n = p->joined.len;
        last->quoted = 1;
      } else {
        char msg[160];
        if (cfg->header)
          snprintf(msg, sizeof msg, "line %lld has %zu fields; the header has %zu",
                   (long long)line, nf, nc);
        else
          snprintf(msg, sizeof msg, "line %lld has %zu fields; the first row has %zu",
                   (long long)line, nf, nc);
        if (!lenient) {
          pf__error_set(&p->err, PF_EBADROW,
                        "%s. Use --on-bad-rows=skip to write such rows to a rejects "
                        "file, or --on-bad-rows=keep to keep them (extra fields joined "
                        "into the last column).", msg);
          fail(cfg, p, PF_EBADROW, row, line, (int64_t)nc + 1, offset_of(cfg, p, s));
          b->n_rows = out;
          return;
        }
        if (!add_reject(p, line, pf__strdup(msg), s, e)) goto nomem;
        continue;
      }
    }
    for (size_t c = 0; c < nc; c++) {
      pf_column *col = &b->cols[c];
      if (c >= nf) {
        if (all_strings) {
          if (pf__col_push_str(col, out, "", 0) != PF_OK) goto toobig;
        } else {
          pf__col_set_null(col, out);
        }
        continue;
      }
      const uint8_t *v = f[c].p;
      const size_t n = f[c].n;
      if (n > cfg->max_field) {
        pf__error_set(&p->err, PF_ELIMIT,
                      "line %lld, column %zu (%s): a field of %zu bytes is larger than the "
                      "limit of %zu bytes; raise it with --max-field-size",
                      (long long)line, c + 1, fl[c].name, n, cfg->max_field);
        fail(cfg, p, PF_ELIMIT, row, line, (int64_t)c + 1, offset_of(cfg, p, f[c].raw));
        b->n_rows = out;
        return;
      }
      const pf_type t = col->type;
      if (t == PF_TYPE_STRING) {
        if (!all_strings && ((n == 0 && !f[c].quoted) ||
                             (custom && pf__csv_is_null(&cfg->nulls, t, v, n)))) {
          pf__col_set_null(col, out);
        } else if (pf__col_push_str(col, out, v, n) != PF_OK) {
          goto toobig;
        }
        continue;
      }
      if (n == 0 || (custom && pf__csv_is_null(&cfg->nulls, t, v, n))) {
        pf__col_set_null(col, out);
        continue;
      }
      pf__value val;
      int ok;
      switch (t) {
        case PF_TYPE_INT64:
          ok = pf__parse_int64((const char *)v, n, &val.i64);
          if (ok) pf__col_set_i64(col, out, val.i64);
          break;
        case PF_TYPE_DOUBLE:
          ok = pf__parse_double(cfg->ictx, (const char *)v, n, &val.f64);
          if (ok) pf__col_set_f64(col, out, val.f64);
          break;
        case PF_TYPE_BOOL:
          ok = pf__parse_bool((const char *)v, n, &val.b);
          if (ok) pf__col_set_bool(col, out, val.b);
          break;
        case PF_TYPE_DATE:
          ok = pf__parse_date((const char *)v, n, &val.i32);
          if (ok) pf__col_set_i32(col, out, val.i32);
          break;
        default:
          ok = pf__infer_parse(cfg->ictx, t, (const char *)v, n, &val);
          if (ok) pf__col_set_i64(col, out, val.i64);
          break;
      }
      if (ok) continue;
      if (!custom && pf__infer_default_null((const char *)v, n)) {
        pf__col_set_null(col, out);
        continue;
      }
      misfit(cfg, p, c, row, line, v, n);
      pf__col_set_null(col, out);
    }
    out++;
  }
  b->n_rows = out;
  return;
nomem:
  pf__error_set(&p->err, PF_ENOMEM, "out of memory parsing CSV rows");
  fail(cfg, p, PF_ENOMEM, -1, -1, -1, -1);
  b->n_rows = out;
  return;
toobig:
  pf__error_set(&p->err, PF_ELIMIT,
                "more than 2 GiB of text in one column of one batch; lower "
                "PYFORGE_CSV_CHUNK_SIZE or split the file");
  fail(cfg, p, PF_ELIMIT, -1, -1, -1, -1);
  b->n_rows = out;
}

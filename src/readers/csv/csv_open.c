/* csv_open.c - opening a CSV input: encoding, skipped lines, dialect,
 * header, column names and types from a sample, limits and settings.
 *
 * Steps: read up to 1 MiB of raw bytes and decide the encoding; read up to
 * 1 MiB of text (more if needed for the skipped lines and two rows); find
 * the line ending; skip opts->csv.skip_rows physical lines; sniff the
 * dialect; split the sample into rows; the first row gives the column
 * count; infer the other rows' types, decide the header, name the columns;
 * add windows from the rest of the file to the inference; build the
 * schema. Then rewind, so streaming starts from the first byte, and parse
 * the first block (csv_reader.c, "priming").
 *
 * Types: a column's type is the ladder type (core/infer.h) of its sampled
 * values; empty fields and the null tokens don't count; a column with no
 * value in the sample is string. --all-strings makes every column string.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "readers/csv/csv_internal.h"
#include "readers/csv/csv_reader.h"

#define HEAD_RAW (1u << 20)
#define SAMPLE_TEXT (1u << 20)
#define DEFAULT_BLOCK (4u << 20)
#define DEFAULT_MAX_FIELD (64u << 20)
#define DEFAULT_MAX_COLS 8192

pf_status pf__csv_unterminated(const pf__csv_reader *r, int64_t quote_line,
                               int64_t offset, pf_error *err) {
  pf__error_set(err, PF_EPARSE,
                "unterminated quote: the quoted field that opens at line %lld never "
                "closes before the end of the file (fix the quoting, or read with "
                "--quote none if quotes are not used for quoting)",
                (long long)quote_line);
  pf__error_file(err, r->env->path);
  pf__error_place(err, -1, quote_line, -1, offset);
  return PF_EPARSE;
}

static pf_status empty_file(const pf__csv_reader *r, const char *why,
                            pf_error *err) {
  pf__error_set(err, PF_EEMPTY, "the file is empty%s", why);
  pf__error_file(err, r->env->path);
  return PF_EEMPTY;
}

/* Reads text into b until it holds at least want bytes or the input ends. */
static pf_status fill_text(pf__csv_reader *r, pf__buf *b, size_t want,
                           int *is_all, pf_error *err) {
  while (b->len < want && !*is_all) {
    size_t room = want - b->len;
    if (room < 4096) room = 4096;
    PF_TRY(pf__buf_reserve(b, room + 1));
    size_t got;
    PF_TRY(pf__csv_text_read(&r->text, b->data + b->len, room, &got, err));
    if (got == 0) *is_all = 1;
    b->len += got;
  }
  return PF_OK;
}

static int all_space(const uint8_t *p, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n' && p[i] != '\f' &&
        p[i] != '\v')
      return 0;
  return 1;
}

static pf_status check_options(const pf__csv_reader *r, pf_error *err) {
  const pf_csv_options *o = &r->opts->csv;
  int dl = o->delimiter, q = o->quote, e = o->escape;
  if (dl != PF_AUTO && (dl <= 0 || dl > 255 || dl == '\n' || dl == '\r'))
    return pf__error_set(err, PF_EINVAL, "the delimiter must be one byte other than a line break");
  if (q != PF_AUTO && (q < 0 || q > 255 || q == '\n' || q == '\r'))
    return pf__error_set(err, PF_EINVAL, "the quote must be one byte other than a line break, or none");
  if (q != PF_AUTO && q != 0 && q == dl)
    return pf__error_set(err, PF_EINVAL, "the quote and the delimiter must differ");
  if (e != PF_AUTO && (e < 0 || e > 255 || e == '\n' || e == '\r' || (e != 0 && e == dl)))
    return pf__error_set(err, PF_EINVAL,
                         "the escape must be one byte other than a line break or the "
                         "delimiter (e.g. \\), or none for doubled quotes");
  if (o->header != PF_AUTO && o->header != 0 && o->header != 1)
    return pf__error_set(err, PF_EINVAL, "header must be auto, yes or no");
  if (o->skip_rows < 0) return pf__error_set(err, PF_EINVAL, "skip_rows must be 0 or more");
  return PF_OK;
}

static void settings(pf__csv_reader *r) {
  const pf_convert_options *o = r->opts;
  r->max_field = o->max_field_bytes > 0 ? (size_t)o->max_field_bytes : DEFAULT_MAX_FIELD;
  r->max_cols = o->max_columns > 0 ? (size_t)o->max_columns : DEFAULT_MAX_COLS;
  /* Rows are addressed with 32-bit offsets inside a block. */
  uint64_t mr = (uint64_t)r->max_field * 4 + (1u << 20);
  if (mr > (UINT64_C(1) << 31) - (1u << 20)) mr = (UINT64_C(1) << 31) - (1u << 20);
  r->max_row = (size_t)mr;
  r->threads = pf__pool_size(r->env->pool);
  /* Blocks small enough to be parsed while still in cache (measured: 1-2
   * MiB and 4 MiB beat 8-16 MiB by 5-15% CPU); two parts per thread so the
   * tasks even out (one task also reads ahead). */
  r->block_bytes = DEFAULT_BLOCK;
  r->part_bytes = DEFAULT_BLOCK / (size_t)(2 * r->threads);
  if (r->part_bytes < (256u << 10)) r->part_bytes = 256u << 10;
  r->block_rows = 1u << 19;
  const char *cs = getenv("PYFORGE_CSV_CHUNK_SIZE");
  if (cs && *cs) {
    char *end;
    unsigned long long v = strtoull(cs, &end, 10);
    if (*end == '\0' && v > 0 && v <= (1ull << 30)) {
      r->block_bytes = (size_t)v;
      r->part_bytes = (size_t)v;
    }
  }
}

/* Skips opts->csv.skip_rows physical lines at the start of the sample;
 * *off is where the data starts. */
static pf_status skip_lines(pf__csv_reader *r, pf__buf *b, size_t *off,
                            int *is_all, pf_error *err) {
  int64_t left = r->opts->csv.skip_rows;
  size_t pos = 0;
  while (left > 0) {
    const uint8_t *p = pos < b->len ? memchr(b->data + pos, r->d.eol, b->len - pos) : NULL;
    if (p) {
      pos = (size_t)(p - b->data) + 1;
      left--;
      continue;
    }
    if (*is_all) {
      pos = b->len;
      break;
    }
    /* Drop what was skipped, read on. */
    memmove(b->data, b->data + pos, b->len - pos);
    b->len -= pos;
    pos = 0;
    PF_TRY(fill_text(r, b, b->len + SAMPLE_TEXT, is_all, err));
  }
  *off = pos;
  return PF_OK;
}

pf_status pf__csv_open_state(const pf__reader_env *env, pf__csv_reader *r,
                             pf_error *err) {
  r->env = env;
  r->opts = env->opts;
  PF_TRY(check_options(r, err));
  settings(r);
  PF_TRY(pf__infer_ctx_init(&r->ictx));
  PF_TRY(pf__source_open(env->path, &r->src, err));

  /* Encoding, from the raw head. */
  uint8_t *head = malloc(HEAD_RAW);
  if (!head) return PF_ENOMEM;
  size_t head_n = 0;
  int head_all = 0;
  pf_status st = PF_OK;
  while (head_n < HEAD_RAW) {
    size_t got;
    st = pf__source_read(r->src, head + head_n, HEAD_RAW - head_n, &got, err);
    if (st != PF_OK || got == 0) {
      head_all = st == PF_OK;
      break;
    }
    head_n += got;
  }
  if (st == PF_OK && head_n == 0) st = empty_file(r, " (0 bytes)", err);
  if (st == PF_OK)
    st = pf__csv_text_init(&r->text, r->src, r->opts->csv.encoding, head, head_n, head_all, err);
  free(head);
  if (st != PF_OK) {
    pf__error_file(err, env->path);
    return st;
  }

  /* The text sample. */
  pf__buf b;
  pf__buf_init(&b, 0);
  pf__csv_rows rows = {0};
  pf__csv_field *first = NULL;
  pf__infer_col *cols = NULL;
  char **names = NULL;
  size_t n_first = 0;
  int is_all = 0;
  uint8_t *scratch = NULL;
  st = fill_text(r, &b, SAMPLE_TEXT, &is_all, err);
  if (st != PF_OK) goto out;
  if (all_space(b.data, b.len)) {
    st = empty_file(r, r->text.bom ? " (only a byte order mark)" : b.len ? " (only white space)" : "", err);
    goto out;
  }
  pf__csv_sniff_eol(b.data, b.len, is_all, &r->d);
  size_t off = 0;
  st = skip_lines(r, &b, &off, &is_all, err);
  if (st != PF_OK) goto out;
  if (all_space(b.data + off, b.len - off)) {
    st = empty_file(r, r->opts->csv.skip_rows ? " after the skipped lines" : "", err);
    goto out;
  }
  pf__csv_sniff(b.data + off, b.len - off, is_all, &r->opts->csv, &r->d);

  /* Rows of the sample: at least two (or all there are). */
  pf__csv_scanner sc;
  pf__csv_scan_init(&sc, &r->d, r->opts->csv.skip_rows + 1);
  sc.pos = sc.row_start = off;
  for (;;) {
    st = pf__csv_scan(&sc, b.data, b.len, is_all, &rows, SIZE_MAX);
    if (st == PF_EPARSE) {
      st = pf__csv_unterminated(r, sc.quote_line,
                                pf__csv_text_exact_offsets(&r->text)
                                    ? (int64_t)(sc.quote_pos + r->text.bom) : -1,
                                err);
      goto out;
    }
    if (st != PF_OK || is_all || rows.n >= 2) break;
    if (b.len - off > r->max_row) {
      st = pf__error_set(err, PF_ELIMIT,
                         "the first row (line %lld) is larger than %zu bytes; raise "
                         "--max-field-size if it is right (is a quote left open?)",
                         (long long)sc.line, r->max_row);
      pf__error_place(err, 1, sc.line, -1, -1);
      goto out;
    }
    st = fill_text(r, &b, b.len * 2, &is_all, err);
    if (st != PF_OK) goto out;
  }
  if (st != PF_OK) goto out;
  if (rows.n == 0) {
    st = empty_file(r, " (only empty lines)", err);
    goto out;
  }

  /* Columns: the first row's fields. */
  const uint8_t *s0 = b.data + rows.start[0];
  const uint8_t *e0 = pf__csv_row_end(&r->d, s0, b.data + rows.end[0]);
  n_first = pf__csv_split(&r->d, s0, e0, NULL, 0, NULL);
  if (n_first > r->max_cols) {
    st = pf__error_set(err, PF_ELIMIT,
                       "line %lld has %zu fields, more than the limit of %zu columns; "
                       "raise it with --max-columns if the file is right",
                       (long long)rows.line[0], n_first, r->max_cols);
    pf__error_place(err, -1, rows.line[0], (int64_t)r->max_cols + 1, -1);
    goto out;
  }
  first = malloc(n_first * sizeof *first);
  scratch = malloc((size_t)(e0 - s0) + 1);
  cols = malloc(n_first * sizeof *cols);
  if (!first || !scratch || !cols) {
    st = PF_ENOMEM;
    goto out;
  }
  pf__csv_split(&r->d, s0, e0, first, n_first, scratch);
  r->n_cols = n_first;
  for (size_t i = 0; i < n_first; i++) pf__infer_col_init(&cols[i]);

  /* Nulls. */
  r->cfg.nulls.all_strings = r->opts->all_strings;
  if (r->opts->csv.null_values && r->opts->csv.n_null_values) {
    size_t nn = r->opts->csv.n_null_values;
    r->null_lens = malloc(nn * sizeof *r->null_lens);
    if (!r->null_lens) {
      st = PF_ENOMEM;
      goto out;
    }
    for (size_t i = 0; i < nn; i++)
      r->null_lens[i] = r->opts->csv.null_values[i] ? strlen(r->opts->csv.null_values[i]) : 0;
    r->cfg.nulls.values = r->opts->csv.null_values;
    r->cfg.nulls.n_values = nn;
    r->cfg.nulls.lens = r->null_lens;
  }
  pf__csv_nulls infer_nulls = r->cfg.nulls;
  infer_nulls.all_strings = 0;

  /* Header and names. */
  st = pf__csv_infer_rows(&r->d, &r->ictx, &infer_nulls, b.data, &rows, 1, rows.n, cols, n_first);
  if (st != PF_OK) goto out;
  if (r->opts->csv.header != PF_AUTO)
    r->has_header = r->opts->csv.header;
  else
    r->has_header = pf__csv_detect_header(&r->ictx, first, n_first, cols, n_first, rows.n - 1);
  if (r->has_header && pf__csv_text_exact_offsets(&r->text)) {
    size_t bad;
    if (memchr(s0, 0, (size_t)(e0 - s0)) || !pf__csv_utf8_valid(s0, (size_t)(e0 - s0), &bad)) {
      st = pf__error_set(err, PF_EENCODING,
                         "the header (line %lld) is not valid UTF-8 text; give the "
                         "file's encoding with --encoding", (long long)rows.line[0]);
      pf__error_place(err, -1, rows.line[0], -1, -1);
      goto out;
    }
  }
  st = pf__csv_column_names(first, n_first, n_first, r->has_header, &names);
  if (st != PF_OK) goto out;
  if (!r->has_header) {
    st = pf__csv_infer_rows(&r->d, &r->ictx, &infer_nulls, b.data, &rows, 0, 1, cols, n_first);
    if (st != PF_OK) goto out;
  }
  /* Windows start at arbitrary bytes: when quoted fields hold line breaks
   * (or the sample ends inside quotes), a window may start inside one and
   * its text may look like rows; then only the head is sampled. */
  if (!is_all && !r->opts->all_strings && sc.quoted_breaks == 0 && !sc.in_quote) {
    size_t used;
    st = pf__csv_sample_windows(&r->text, &r->d, &r->ictx, &infer_nulls, r->text.raw_pos, cols,
                                n_first, &used);
    if (st != PF_OK) goto out;
  }

  /* Schema. */
  r->schema = pf__schema_new(n_first);
  if (!r->schema) {
    st = PF_ENOMEM;
    goto out;
  }
  for (size_t i = 0; i < n_first && st == PF_OK; i++) {
    pf_type t = cols[i].type;
    if (r->opts->all_strings || t == PF_TYPE_NULL) t = PF_TYPE_STRING;
    st = pf__schema_set(r->schema, i, names[i], t, 1);
  }
  if (st != PF_OK) goto out;

  r->cfg.d = r->d;
  r->cfg.ictx = &r->ictx;
  r->cfg.schema = r->schema;
  r->cfg.n_cols = r->n_cols;
  r->cfg.on_bad = env->validating ? PF_BAD_ROWS_SKIP : r->opts->csv.on_bad_rows;
  r->cfg.header = r->has_header;
  r->cfg.check_utf8 = r->text.enc == PF__CSV_UTF8;
  r->cfg.exact_offsets = pf__csv_text_exact_offsets(&r->text);
  r->cfg.bom = r->text.bom;
  r->cfg.max_field = r->max_field;
  r->cfg.path = env->path;
  st = pf__csv_stream_reset(r, err);
  if (st == PF_OK) pf__csv_prime(r); /* a failure is reported by next() */
out:
  pf__csv_names_free(names, n_first);
  free(cols);
  free(first);
  free(scratch);
  pf__csv_rows_free(&rows);
  pf__buf_free(&b);
  if (st != PF_OK && err && !err->file[0]) pf__error_file(err, env->path);
  return st;
}

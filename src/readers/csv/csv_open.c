/* csv_open.c - opening a CSV input: encoding, skipped lines, dialect,
 * header, column names and types from a sample, limits and settings.
 *
 * Steps: read up to 1 MiB of raw bytes and decide the encoding; read up to
 * 1 MiB of text (more if needed for the skipped lines and two rows); find
 * the line ending; skip opts->csv.skip_rows physical lines; sniff the
 * dialect; split the sample into rows; the body's shape gives the column
 * count, title rows and the header candidate (csv_shape.c); infer the
 * body's types, decide the header, name the columns; add windows from the
 * rest of the file to the inference; build the schema. Then rewind, so
 * streaming starts from the first byte, and parse the first block
 * (csv_reader.c, "priming").
 *
 * An input without text (0 bytes, only white space or a byte order mark,
 * empty lines, nothing after the skipped lines) is a table of one string
 * column, Column_1, and no rows, in every mode and command, with a note.
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
#define DEFAULT_BLOCK (2u << 20)
#define DEFAULT_MAX_FIELD (64u << 20)
#define DEFAULT_MAX_COLS 8192

pf_status pf__csv_unterminated(const pf__csv_reader *r, int64_t quote_line,
                               int64_t offset, pf_error *err) {
  pf__error_set(err, PF_EPARSE,
                "unterminated quote: the quoted field that opens at line %lld never "
                "closes before the end of the file (fix the quoting, or read with "
                "csv.quote=none if quotes are not used for quoting)",
                (long long)quote_line);
  pf__error_file(err, r->env->path);
  pf__error_place(err, -1, quote_line, -1, offset);
  return PF_EPARSE;
}

/* No text to read: a table of one string column, Column_1, and no rows
 * (as DuckDB reads such a file), told in a note. An output without columns
 * is no answer: DuckDB and Spark cannot read a Parquet file that has none;
 * an error would stop batch jobs for a day that simply had no rows. */
static pf_status empty_table(pf__csv_reader *r, const char *why) {
  r->empty = 1;
  r->done = 1;
  r->open_notes[0] = pf__aprintf("the file is empty%s: the output has no rows and one string "
                                 "column, Column_1", why);
  r->schema = pf__schema_new(1);
  if (!r->open_notes[0] || !r->schema) return PF_ENOMEM;
  r->n_cols = 1;
  return pf__schema_set(r->schema, 0, "Column_1", PF_TYPE_STRING, 1);
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
  const pf__csv_opts *o = &r->opts->csv;
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
  const pf__opts *o = r->opts;
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
  if (o->settings.csv_chunk_size) { /* PYFORGE_CSV_CHUNK_SIZE (tests) */
    r->block_bytes = o->settings.csv_chunk_size;
    r->part_bytes = o->settings.csv_chunk_size;
  }
}

/* Skips opts->csv.skip_rows physical lines (LF, CR LF or CR each end one)
 * at the start of the sample; *off is where the data starts. */
static pf_status skip_lines(pf__csv_reader *r, pf__buf *b, size_t *off,
                            int *is_all, pf_error *err) {
  int64_t left = r->opts->csv.skip_rows;
  size_t pos = 0;
  while (left > 0) {
    const uint8_t *next, *p = pf__csv_next_break(b->data + pos, b->data + b->len, &next);
    /* a CR last in the text: its LF may come with the next read */
    if (p && (*p == '\n' || p + 1 < b->data + b->len || *is_all)) {
      pos = (size_t)(next - b->data);
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

/* Scans rows of the sample from off: at least two, or all there are. */
static pf_status sample_rows(pf__csv_reader *r, pf__buf *b, size_t off, int *is_all,
                             pf__csv_rows *rows, pf__csv_scanner *sc, pf_error *err) {
  pf__csv_scan_init(sc, &r->d, r->opts->csv.skip_rows + 1);
  sc->lenient = r->cfg.on_bad != PF_BAD_ROWS_ERROR;
  sc->pos = sc->row_start = off;
  for (;;) {
    pf_status st = pf__csv_scan(sc, b->data, b->len, *is_all, rows, SIZE_MAX);
    if (st == PF_EPARSE)
      return pf__csv_unterminated(r, sc->quote_line,
                                  pf__csv_text_exact_offsets(&r->text)
                                      ? (int64_t)(sc->quote_pos + r->text.bom) : -1,
                                  err);
    if (st != PF_OK || *is_all || rows->n >= 2) return st;
    if (b->len - off > r->max_row) {
      pf__error_set(err, PF_ELIMIT,
                    "the first row (line %lld) is larger than %zu bytes; raise "
                    "input.max_field_size if it is right (is a quote left open?)",
                    (long long)sc->line, r->max_row);
      pf__error_place(err, 1, sc->line, -1, -1);
      return PF_ELIMIT;
    }
    PF_TRY(fill_text(r, b, b->len * 2, is_all, err));
  }
}

static pf_status setup_nulls(pf__csv_reader *r) {
  r->cfg.nulls.all_strings = r->opts->all_strings;
  if (!r->opts->csv.null_values || !r->opts->csv.n_null_values) return PF_OK;
  size_t nn = r->opts->csv.n_null_values;
  r->null_lens = malloc(nn * sizeof *r->null_lens);
  if (!r->null_lens) return PF_ENOMEM;
  for (size_t i = 0; i < nn; i++)
    r->null_lens[i] = r->opts->csv.null_values[i] ? strlen(r->opts->csv.null_values[i]) : 0;
  r->cfg.nulls.values = r->opts->csv.null_values;
  r->cfg.nulls.n_values = nn;
  r->cfg.nulls.lens = r->null_lens;
  return PF_OK;
}

static pf_status too_many_columns(const pf__csv_reader *r, int64_t line, size_t n,
                                  pf_error *err) {
  pf__error_set(err, PF_ELIMIT,
                "line %lld has %zu fields, more than the limit of %zu columns; "
                "raise it with input.max_columns if the file is right",
                (long long)line, n, r->max_cols);
  pf__error_place(err, -1, line, (int64_t)r->max_cols + 1, -1);
  return PF_ELIMIT;
}

/* Types of sample rows [from, rows->n) into cols (n of them, reset). */
static pf_status infer_body(pf__csv_reader *r, const pf__buf *b, const pf__csv_rows *rows,
                            size_t from, pf__infer_col *cols, size_t n) {
  pf__csv_nulls nl = r->cfg.nulls;
  nl.all_strings = 0;
  for (size_t i = 0; i < n; i++) pf__infer_col_init(&cols[i]);
  return pf__csv_infer_rows(&r->d, &r->ictx, &nl, b->data, rows, from, rows->n, cols, n);
}

/* Below a header, does sample row i name the columns again (a header of
 * two or three rows)? Every field must be non-empty text that is no value
 * of any type, one at least with a letter (a row of dashes under the
 * names, or numbers written with thousands separators, are data), under a
 * body with typed columns (cols): a data row with a stray word in a
 * numeric column still has values that fit elsewhere. */
static pf_status header_row_again(pf__csv_reader *r, const pf__buf *b,
                                  const pf__csv_rows *rows, size_t i,
                                  const pf__infer_col *cols, size_t n_cols, int *yes) {
  *yes = 0;
  int typed = 0;
  for (size_t c = 0; c < n_cols; c++)
    typed |= cols[c].type != PF_TYPE_NULL && cols[c].type != PF_TYPE_STRING;
  const uint8_t *s = b->data + rows->start[i];
  const uint8_t *e = b->data + rows->end[i];
  if (!typed || pf__csv_split(&r->d, s, e, NULL, 0, NULL) != n_cols) return PF_OK;
  pf__csv_field *f = malloc(n_cols * sizeof *f);
  uint8_t *sc = malloc((size_t)(e - s) + 1);
  if (!f || !sc) {
    free(f);
    free(sc);
    return PF_ENOMEM;
  }
  pf__csv_split(&r->d, s, e, f, n_cols, sc);
  *yes = 1;
  for (size_t c = 0; c < n_cols && *yes; c++)
    *yes = f[c].n > 0 && !pf__infer_default_null((const char *)f[c].p, f[c].n) &&
           pf__infer_value(&r->ictx, (const char *)f[c].p, f[c].n, NULL) == PF_TYPE_STRING;
  *yes = *yes && pf__csv_row_has_word(f, n_cols);
  free(f);
  free(sc);
  return PF_OK;
}

#define MAX_EXTRA_HEADER_ROWS 2
#define MAX_NOTE_ROWS 10

/* A header candidate with fewer names than the body has fields, above row
 * i: is row i the header instead (the candidate a line of notes)? Row i
 * must have the body's n_cols fields and be a header by the typed rule
 * (its text where the rows below it have numbers, dates, ...); the
 * all-string rule is too weak to move the header down. */
static pf_status header_below(pf__csv_reader *r, const pf__buf *b, const pf__csv_rows *rows,
                              size_t i, size_t n_cols, int *yes) {
  *yes = 0;
  if (i + 1 >= rows->n || n_cols == 0) return PF_OK;
  const uint8_t *s = b->data + rows->start[i];
  const uint8_t *e = b->data + rows->end[i];
  if (pf__csv_split(&r->d, s, e, NULL, 0, NULL) != n_cols) return PF_OK;
  pf__csv_field *f = malloc(n_cols * sizeof *f);
  uint8_t *sc = malloc((size_t)(e - s) + 1);
  pf__infer_col *below = malloc(n_cols * sizeof *below);
  pf_status st = f && sc && below ? PF_OK : PF_ENOMEM;
  if (st == PF_OK) st = infer_body(r, b, rows, i + 1, below, n_cols);
  if (st == PF_OK) {
    int typed = 0;
    for (size_t c = 0; c < n_cols; c++)
      typed |= below[c].type != PF_TYPE_NULL && below[c].type != PF_TYPE_STRING;
    pf__csv_split(&r->d, s, e, f, n_cols, sc);
    *yes = typed && pf__csv_detect_header(&r->ictx, f, n_cols, below, n_cols, rows->n - i - 1);
  }
  free(f);
  free(sc);
  free(below);
  return st;
}

/* A header candidate with fewer fields than the body: is a row below it
 * (*to, else 0), within MAX_NOTE_ROWS and past rows that are all shorter
 * than the body, the header instead? The candidate and those rows are then
 * lines of notes ("Vendor Name<TAB>Test", "Start Date<TAB>06/02/2024"). */
static pf_status header_further(pf__csv_reader *r, const pf__buf *b, const pf__csv_rows *rows,
                                const pf__csv_shape *sh, size_t *to) {
  *to = 0;
  const size_t c = sh->body_cols;
  for (size_t j = sh->lead + 1; j < sh->m && j <= sh->lead + MAX_NOTE_ROWS; j++) {
    if (sh->nf[j] > c) return PF_OK;
    if (sh->nf[j] < c) continue;
    int yes;
    PF_TRY(header_below(r, b, rows, j, c, &yes));
    if (yes) *to = j;
    return PF_OK;
  }
  return PF_OK;
}

/* Is the shape's candidate a header (given or detected), and do rows below
 * it continue it (*extra)? Types come from the rows below those that could
 * continue the header, then the rows that do not are added. Title rows
 * above a row that is not a header are not a title: the shape is taken
 * again from the first row. */
static pf_status decide_header(pf__csv_reader *r, const pf__buf *b, const pf__csv_rows *rows,
                               pf__csv_shape *sh, pf__infer_col *cols, size_t n_alloc,
                               size_t *extra) {
  *extra = 0;
  if (r->opts->csv.header != PF_AUTO) {
    r->has_header = r->opts->csv.header;
    return infer_body(r, b, rows, sh->lead + 1, cols, n_alloc);
  }
  pf__csv_nulls nl = r->cfg.nulls;
  nl.all_strings = 0;
  int moved = 0;
  for (;;) {
    if (!moved && sh->hdr_n < sh->body_cols) { /* lines of notes above the header? */
      size_t to;
      PF_TRY(header_further(r, b, rows, sh, &to));
      if (to) { /* once: a retry from row 0 below must not come back here */
        moved = 1;
        sh->lead = to;
        PF_TRY(pf__csv_shape_header(sh, &r->d, b->data, rows));
      }
    }
    const size_t first = sh->lead + 1, deep = first + MAX_EXTRA_HEADER_ROWS;
    PF_TRY(infer_body(r, b, rows, deep < rows->n ? deep : rows->n, cols, n_alloc));
    size_t k = 0;
    int more = sh->hdr_n == sh->n_cols;
    while (more && k < MAX_EXTRA_HEADER_ROWS && first + k + 1 < rows->n) {
      PF_TRY(header_row_again(r, b, rows, first + k, cols, sh->n_cols, &more));
      k += (size_t)more;
    }
    size_t to = deep < rows->n ? deep : rows->n;
    PF_TRY(pf__csv_infer_rows(&r->d, &r->ictx, &nl, b->data, rows, first + k, to, cols, n_alloc));
    size_t body = rows->n - first - k;
    r->has_header = pf__csv_detect_header(&r->ictx, sh->hdr, sh->hdr_n, cols, sh->n_cols, body);
    if (r->has_header) {
      *extra = k;
      return k ? pf__csv_shape_join(sh, &r->d, b->data, rows, k) : PF_OK;
    }
    if (sh->lead == 0) /* no header: the rows taken for one are data */
      return pf__csv_infer_rows(&r->d, &r->ictx, &nl, b->data, rows, first, first + k, cols,
                                n_alloc);
    sh->lead = 0;
    PF_TRY(pf__csv_shape_header(sh, &r->d, b->data, rows));
  }
}

/* The table in the sample: title rows, header, columns, names, types. */
static pf_status decide_table(pf__csv_reader *r, pf__buf *b, const pf__csv_rows *rows,
                              int sample_windows, pf_error *err) {
  pf__csv_shape sh;
  pf__infer_col *cols = NULL;
  char **names = NULL;
  size_t n_cols = 0;
  pf_status st = pf__csv_shape_find(&sh, &r->d, b->data, rows, &r->opts->csv, r->max_cols);
  if (st != PF_OK) goto out;
  /* room for every candidate: the shape may be taken again from row 0 */
  size_t widest = sh.n_cols > sh.body_cols ? sh.n_cols : sh.body_cols;
  if (sh.hdr_n > widest) widest = sh.hdr_n;
  if (sh.m && sh.nf[0] > widest) widest = sh.nf[0];
  if (widest > r->max_cols) {
    st = too_many_columns(r, sh.line, widest, err);
    goto out;
  }
  cols = malloc((widest ? widest : 1) * sizeof *cols);
  if (!cols || (st = setup_nulls(r)) != PF_OK) {
    st = cols ? st : PF_ENOMEM;
    goto out;
  }
  size_t extra;
  st = decide_header(r, b, rows, &sh, cols, widest, &extra);
  if (st != PF_OK) goto out;
  n_cols = r->has_header ? sh.n_cols : sh.body_cols;
  r->cfg.body_short = r->has_header ? sh.body_short : 0;
  if (!r->has_header) {
    /* the candidate is data: no repair, its values count for the types */
    sh.note[0] = 0;
    pf__csv_nulls nl = r->cfg.nulls;
    nl.all_strings = 0;
    st = pf__csv_infer_rows(&r->d, &r->ictx, &nl, b->data, rows, sh.lead, sh.lead + 1, cols, n_cols);
    if (st != PF_OK) goto out;
  }
  r->lead = sh.lead + (size_t)r->has_header + extra;
  if (r->has_header && pf__csv_text_exact_offsets(&r->text)) {
    const uint8_t *s0 = b->data + rows->start[sh.lead];
    size_t n0 = (size_t)(b->data + rows->end[sh.lead] - s0), bad;
    if (memchr(s0, 0, n0) || !pf__csv_utf8_valid(s0, n0, &bad)) {
      st = pf__error_set(err, PF_EENCODING,
                         "the header (line %lld) is not valid UTF-8 text; give the "
                         "file's encoding with input.encoding", (long long)sh.line);
      pf__error_place(err, -1, sh.line, -1, -1);
      goto out;
    }
  }
  if (sh.lead == 1)
    r->open_notes[0] = pf__aprintf("line %lld above the header holds a title: left out",
                                   (long long)rows->line[0]);
  else if (sh.lead > 1)
    r->open_notes[0] = pf__aprintf("lines %lld-%lld above the header hold a title: left out",
                                   (long long)rows->line[0], (long long)rows->line[sh.lead - 1]);
  if (sh.note[0]) r->open_notes[1] = pf__strdup(sh.note);
  if ((sh.lead > 0 && !r->open_notes[0]) || (sh.note[0] && !r->open_notes[1])) {
    st = PF_ENOMEM;
    goto out;
  }
  st = pf__csv_column_names(sh.hdr, sh.hdr_n, n_cols, r->has_header, r->opts->all_strings, &names);
  if (st != PF_OK) goto out;
  if (sample_windows) {
    size_t used;
    pf__csv_nulls nl = r->cfg.nulls;
    nl.all_strings = 0;
    st = pf__csv_sample_windows(&r->text, &r->d, &r->ictx, &nl, r->text.raw_pos, cols, n_cols,
                                &used);
    if (st != PF_OK) goto out;
  }
  r->n_cols = n_cols;
  r->schema = pf__schema_new(n_cols);
  if (!r->schema) {
    st = PF_ENOMEM;
    goto out;
  }
  for (size_t i = 0; i < n_cols && st == PF_OK; i++) {
    pf_type t = cols[i].type;
    if (r->opts->all_strings || t == PF_TYPE_NULL || pf__opts_string_column(r->opts, names[i]))
      t = PF_TYPE_STRING;
    st = pf__schema_set(r->schema, i, names[i], t, 1);
  }
out:
  pf__csv_names_free(names, n_cols);
  free(cols);
  pf__csv_shape_free(&sh);
  return st;
}

/* Reads the raw head, decides the encoding and sets up the text stream;
 * *empty: the input has no bytes. */
static pf_status open_text(pf__csv_reader *r, int *empty, pf_error *err) {
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
  *empty = st == PF_OK && head_n == 0;
  if (st == PF_OK && !*empty)
    st = pf__csv_text_init(&r->text, r->src, r->opts->encoding, head, head_n, head_all, err);
  free(head);
  return st;
}

pf_status pf__csv_open_state(const pf__reader_env *env, pf__csv_reader *r,
                             pf_error *err) {
  r->env = env;
  r->opts = env->opts;
  PF_TRY(check_options(r, err));
  settings(r);
  r->cfg.on_bad = env->validating ? PF_BAD_ROWS_SKIP : r->opts->csv.on_bad_rows;
  PF_TRY(pf__infer_ctx_init(&r->ictx));
  PF_TRY(pf__source_open_opts(env->path, env->opts, &r->src, err));
  int empty;
  pf_status st = open_text(r, &empty, err);
  if (st != PF_OK) {
    pf__error_file(err, env->path);
    return st;
  }
  if (empty) return empty_table(r, " (0 bytes)");

  /* The text sample. */
  pf__buf b;
  pf__buf_init(&b, 0);
  pf__csv_rows rows = {0};
  int is_all = 0;
  st = fill_text(r, &b, SAMPLE_TEXT, &is_all, err);
  if (st != PF_OK) goto out;
  if (all_space(b.data, b.len)) {
    st = empty_table(r, r->text.bom ? " (only a byte order mark)" : b.len ? " (only white space)" : "");
    goto out;
  }
  size_t off = 0;
  st = skip_lines(r, &b, &off, &is_all, err);
  if (st != PF_OK) goto out;
  if (all_space(b.data + off, b.len - off)) {
    st = empty_table(r, r->opts->csv.skip_rows ? " after the skipped lines" : "");
    goto out;
  }
  pf__csv_sniff(b.data + off, b.len - off, is_all, &r->opts->csv, &r->d);
  pf__csv_scanner sc;
  st = sample_rows(r, &b, off, &is_all, &rows, &sc, err);
  if (st != PF_OK) goto out;
  if (rows.n == 0) {
    st = empty_table(r, " (only empty lines)");
    goto out;
  }
  pf__csv_note_ends(b.data, b.len, is_all, &rows, &r->d);
  /* Windows start at arbitrary bytes: when quoted fields hold line breaks
   * (or the sample ends inside quotes), a window may start inside one and
   * its text may look like rows; then only the head is sampled. */
  int windows = !is_all && !r->opts->all_strings && sc.quoted_breaks == 0 && !sc.in_quote;
  st = decide_table(r, &b, &rows, windows, err);
  if (st != PF_OK) goto out;

  r->cfg.d = r->d;
  r->cfg.ictx = &r->ictx;
  r->cfg.schema = r->schema;
  r->cfg.n_cols = r->n_cols;
  r->cfg.header = r->has_header;
  r->cfg.check_utf8 = r->text.enc == PF__CSV_UTF8;
  r->cfg.exact_offsets = pf__csv_text_exact_offsets(&r->text);
  r->cfg.bom = r->text.bom;
  r->cfg.max_field = r->max_field;
  r->cfg.path = env->path;
  st = pf__csv_stream_reset(r, err);
  if (st == PF_OK) pf__csv_prime(r); /* a failure is reported by next() */
out:
  pf__csv_rows_free(&rows);
  pf__buf_free(&b);
  if (st != PF_OK && err && !err->file[0]) pf__error_file(err, env->path);
  return st;
}

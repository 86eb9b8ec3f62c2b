/* jsonl_read.c - the JSON Lines reader: decides columns and types on a
 * sample, then reads the input in blocks of whole lines, each cut into
 * parts that the engine's thread pool parses in parallel into their own
 * batches (handed out in input order).
 *
 * A value the schema cannot hold (a wider type, a new key, a key that
 * becomes an object) stops the parallel pass; the reader then reads the
 * rest of the input once, sequentially, folding every line into the
 * columns (each change noted: "widened from int64 to double at row N (line
 * L): value 'V'"), so the next pass has the final schema: at most one
 * restart. Before any batch went out it restarts by itself; after, next()
 * returns PF_ERESTART and the engine starts again (format_api rules).
 *
 * Bad lines (not JSON, invalid UTF-8) follow input.on_bad_rows: error
 * (the default) stops at the first, naming its line; skip (and keep, since
 * a line that does not parse cannot be kept) sends each to env->reject, in
 * input order, from the calling thread.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonl.h"

#define JL_BLOCK ((size_t)4 << 20)   /* bytes read per block            */
#define JL_MAX_PARTS 64              /* parts per block                 */
#define JL_PART_MIN ((size_t)64 << 10)

typedef struct jl_bad {
  int64_t line;
  size_t off, len;     /* the raw line in the block                    */
  char why[160];
} jl_bad;

typedef struct jl_reader jl_reader;

typedef struct jl_part {
  jl_reader *r;
  size_t begin, end;   /* whole lines of the block                      */
  int64_t first_line;  /* the physical line number of its first line    */
  int64_t n_lines;
  pf_batch *batch;
  size_t batch_cap;
  jl_line line;        /* parser (typed mode), reused                   */
  uint32_t *stamp;     /* per column: row + 1 of the last value set     */
  uint32_t *cellix;    /* per column: that value's cell                 */
  size_t n_stamp;
  /* what the parse found */
  int64_t rows;
  pf_status st;        /* a failure that stops the read (memory, limit) */
  char msg[256];
  int64_t st_line;
  int surprise;        /* a line the schema cannot hold ...             */
  size_t surprise_off; /* ... starts here in the block                  */
  int64_t surprise_line;
  jl_bad *bad;
  size_t n_bad, cap_bad;
} jl_part;

struct jl_reader {
  const pf_reader_env *env;
  pf_source *src;
  pf_infer *inf;
  jl_tree tree;
  pf_schema *schema;
  char **notes;        /* per column: how its type changed after the sample */
  size_t n_notes;
  /* options */
  int64_t sample_rows;
  int nested_json, all_strings, on_bad, validating;
  size_t max_line, max_cols;
  /* the block of lines */
  char *buf;
  size_t len, cap;     /* bytes held (a partial line at the end)       */
  size_t block;        /* bytes of whole lines in the current block    */
  int src_eof, bom_done;
  int64_t line_base;   /* lines before the block                       */
  int64_t row_base;    /* rows before the block                        */
  jl_part parts[JL_MAX_PARTS];
  size_t n_parts, next_part;
  int in_block;        /* parts of a parsed block are being handed out  */
  int done;
  /* what went out */
  int priming;         /* open() parses the first block: a change there
                          is settled before anyone saw the schema        */
  int handed_out, rejected_any;
  int64_t rows_rejected;
  uint64_t bytes_read;
  int64_t restarts;
};

/* ---- reading whole lines ---- */

/* The last newline in buf[from, to), or NULL. */
static const char *last_newline(const char *buf, size_t from, size_t to) {
  for (size_t i = to; i > from; i--)
    if (buf[i - 1] == '\n') return buf + i - 1;
  return NULL;
}

/* Makes r->buf hold at least one whole line (or the last line at the end
 * of input): r->block = bytes of whole lines; 0 at the end. Only bytes not
 * searched before are searched for a newline. */
static pf_status fill_block(jl_reader *r, pf_error *err) {
  const char *nl = last_newline(r->buf, 0, r->len); /* what a cut block left */
  while (!nl) {
    if (r->src_eof) {
      r->block = r->len;
      return PF_OK;
    }
    if (r->len > r->max_line) {
      jl_host->error_file(err, r->env->path);
      jl_host->error_place(err, -1, r->line_base + 1, -1, -1);
      return jl_host->error_set(err, PF_ELIMIT,
                                "line %lld: a line of more than %zu bytes; raise the limit with "
                                "input.max_field_size if the file is right",
                                (long long)(r->line_base + 1), r->max_line);
    }
    if (r->cap - r->len < JL_BLOCK) {
      size_t cap = r->cap ? r->cap : JL_BLOCK;
      while (cap - r->len < JL_BLOCK) cap *= 2;
      char *nb = realloc(r->buf, cap);
      if (!nb) return jl_host->error_set(err, PF_ENOMEM, "out of memory");
      r->buf = nb;
      r->cap = cap;
    }
    size_t got = 0, at = r->len;
    JL_TRY(jl_host->source_read(r->src, r->buf + at, JL_BLOCK, &got, err));
    r->bytes_read += got;
    if (!r->bom_done) { /* a UTF-8 byte-order mark opens the input: skip it */
      r->bom_done = 1;
      if (got >= 3 && memcmp(r->buf + at, "\xEF\xBB\xBF", 3) == 0) {
        memmove(r->buf + at, r->buf + at + 3, got - 3);
        got -= 3;
      }
    }
    r->len += got;
    if (got == 0) r->src_eof = 1;
    nl = last_newline(r->buf, at, r->len);
  }
  r->block = (size_t)(nl - r->buf) + 1;
  return PF_OK;
}

/* The block's lines were used: keep the partial line that follows. */
static void consume_block(jl_reader *r, int64_t lines) {
  memmove(r->buf, r->buf + r->block, r->len - r->block);
  r->len -= r->block;
  r->block = 0;
  r->line_base += lines;
}

/* The next line of [*p, end): its text without "\r\n" in (*lp, *ln). */
static int next_line(const char **p, const char *end, const char **lp, size_t *ln) {
  if (*p >= end) return 0;
  const char *nl = memchr(*p, '\n', (size_t)(end - *p));
  const char *e = nl ? nl : end;
  *lp = *p;
  *ln = (size_t)(e - *p);
  if (*ln && (*lp)[*ln - 1] == '\r') (*ln)--;
  *p = nl ? nl + 1 : end;
  return 1;
}

static int blank(const char *p, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r') return 0;
  return 1;
}

/* ---- discovery: lines folded into the columns, sequentially ---- */

typedef struct discovery {
  jl_reader *r;
  int64_t row, line;   /* the line being folded (1-based)              */
  int noting;          /* after the sample: note every change          */
  size_t first_col;    /* the first change, for the restart message    */
  int changed;
  int64_t bad;         /* lines that are not JSON (reported by the typed pass) */
} discovery;

static void note_change(void *user, size_t col, pf_type from, pf_type to, const jl_cell *c) {
  discovery *d = user;
  jl_reader *r = d->r;
  if (!d->noting) return;
  char where[96];
  snprintf(where, sizeof where, "row %lld (line %lld)", (long long)d->row, (long long)d->line);
  char *note;
  if (from == PF_TYPE_COUNT_) {
    char value[80];
    snprintf(value, sizeof value, "%.*s", c->n > 64 ? 64 : (int)c->n, c->p);
    size_t k = strlen(where) + strlen(value) + 96;
    note = malloc(k);
    if (note) snprintf(note, k, "first seen at %s, after the sampled rows: value '%s'", where, value);
  } else {
    char *hn = jl_host->widen_note(from, to, where, c->p, c->n, NULL);
    note = hn ? strdup(hn) : NULL;
    jl_host->free(hn);
  }
  if (!note) return;
  if (col >= r->n_notes) {
    size_t n = r->tree.n_cols > col + 1 ? r->tree.n_cols : col + 1;
    char **nn = realloc(r->notes, n * sizeof *nn);
    if (!nn) {
      free(note);
      return;
    }
    memset(nn + r->n_notes, 0, (n - r->n_notes) * sizeof *nn);
    r->notes = nn;
    r->n_notes = n;
  }
  if (r->notes[col]) { /* a second change of the column: both said */
    size_t k = strlen(r->notes[col]) + strlen(note) + 3;
    char *both = malloc(k);
    if (both) snprintf(both, k, "%s; %s", r->notes[col], note);
    free(note);
    note = both;
    if (!note) return;
    free(r->notes[col]);
  }
  r->notes[col] = note;
  if (!d->changed) d->first_col = col;
  d->changed = 1;
}

static pf_status too_many_columns(jl_reader *r, pf_error *err) {
  jl_host->error_file(err, r->env->path);
  return jl_host->error_set(err, PF_ELIMIT,
                            "the records give more than %zu columns (distinct keys); raise "
                            "input.max_columns, or keep nested objects as text with "
                            "jsonl.nested=json",
                            r->max_cols);
}

/* Folds lines from the block offset `from` on, block after block, until
 * max_rows rows (0: the end of the input). */
static pf_status discover(jl_reader *r, discovery *d, size_t from, int64_t max_rows, pf_error *err) {
  jl_line l;
  jl_line_init(&l, &r->tree, 1, r->nested_json);
  pf_status st = PF_OK;
  int64_t rows = 0;
  while (st == PF_OK) {
    if (!r->block) {
      st = fill_block(r, err);
      if (st != PF_OK || !r->block) break;
      from = 0;
    }
    const char *p = r->buf + from, *end = r->buf + r->block, *lp;
    size_t ln;
    int64_t lines = 0;
    while (st == PF_OK && (!max_rows || rows < max_rows) && next_line(&p, end, &lp, &ln)) {
      lines++;
      d->line++;
      if (blank(lp, ln)) continue;
      pf_status ps = jl_parse_line(&l, lp, ln);
      if (ps == PF_ENOMEM) st = jl_host->error_set(err, ps, "out of memory");
      if (ps != PF_OK) { /* a bad line: the typed pass reports it */
        d->bad++;
        continue;
      }
      if (l.too_many) st = too_many_columns(r, err);
      d->row++;
      rows++;
      if (st == PF_OK) st = jl_tree_fold(&r->tree, r->inf, &l, note_change, d);
      if (st == PF_OK && r->tree.n_cols > r->max_cols) st = too_many_columns(r, err);
    }
    if (max_rows && rows >= max_rows) break;
    consume_block(r, 0);
    from = 0;
  }
  jl_line_free(&l);
  return st;
}

static pf_status build_schema(jl_reader *r, pf_error *err) {
  if (r->schema) jl_host->schema_free(r->schema);
  r->schema = NULL;
  char **notes = r->notes;
  if (r->n_notes < r->tree.n_cols) { /* notes for every column, NULL when none */
    notes = realloc(r->notes, (r->tree.n_cols ? r->tree.n_cols : 1) * sizeof *notes);
    if (!notes) return jl_host->error_set(err, PF_ENOMEM, "out of memory");
    memset(notes + r->n_notes, 0, (r->tree.n_cols - r->n_notes) * sizeof *notes);
    r->notes = notes;
    r->n_notes = r->tree.n_cols;
  }
  JL_TRY(jl_tree_schema(&r->tree, r->all_strings, notes, &r->schema, err));
  for (size_t i = 0; i < JL_MAX_PARTS; i++) { /* batches of the old schema */
    if (r->parts[i].batch) jl_host->batch_free(r->parts[i].batch);
    r->parts[i].batch = NULL;
    r->parts[i].batch_cap = 0;
  }
  return PF_OK;
}

/* Back to the first line (the schema stays). */
static pf_status restart_input(jl_reader *r, pf_error *err) {
  JL_TRY(jl_host->source_rewind(r->src, err));
  r->len = r->block = 0;
  r->src_eof = r->bom_done = 0;
  r->line_base = r->row_base = 0;
  r->n_parts = r->next_part = 0;
  r->in_block = r->done = 0;
  r->bytes_read = 0;
  r->rows_rejected = 0;
  return PF_OK;
}

/* ---- the typed, parallel pass ---- */

static int put_value(jl_part *pt, pf_column *c, size_t row, const jl_cell *cell) {
  const jl_reader *r = pt->r;
  if (cell->kind == JL_NULL) {
    pf_col_set_null(c, row);
    return 1;
  }
  pf_value v;
  switch (c->type) {
    case PF_TYPE_STRING:
      return pf_col_push_str(jl_host, c, row, cell->p, cell->n) == PF_OK ? 1 : -1;
    case PF_TYPE_BOOL:
      if (cell->kind != JL_BOOL) return 0;
      pf_col_set_bool(c, row, cell->p[0] == 't');
      return 1;
    case PF_TYPE_INT64:
    case PF_TYPE_TIMESTAMP:
    case PF_TYPE_TIMESTAMP_UTC:
    case PF_TYPE_DOUBLE:
    case PF_TYPE_DATE:
      if (cell->kind != ((c->type == PF_TYPE_INT64 || c->type == PF_TYPE_DOUBLE) ? JL_NUM : JL_STR) ||
          !jl_host->infer_parse(r->inf, c->type, cell->p, cell->n, &v))
        return 0;
      if (c->type == PF_TYPE_DOUBLE) pf_col_set_f64(c, row, v.f64);
      else if (c->type == PF_TYPE_DATE) pf_col_set_i32(c, row, v.i32);
      else pf_col_set_i64(c, row, v.i64);
      return 1;
    default: return 0;
  }
}

static void part_fail(jl_part *pt, pf_status st, int64_t line, const char *msg) {
  pt->st = st;
  pt->st_line = line;
  snprintf(pt->msg, sizeof pt->msg, "%s", msg);
}

static int part_bad(jl_part *pt, int64_t line, size_t off, size_t len, const char *why) {
  if (pt->n_bad == pt->cap_bad) {
    size_t cap = pt->cap_bad ? pt->cap_bad * 2 : 16;
    jl_bad *nb = realloc(pt->bad, cap * sizeof *nb);
    if (!nb) return 0;
    pt->bad = nb;
    pt->cap_bad = cap;
  }
  jl_bad *b = &pt->bad[pt->n_bad++];
  b->line = line;
  b->off = off;
  b->len = len;
  snprintf(b->why, sizeof b->why, "%s", why);
  return 1;
}

/* Row `row` of the part's batch from the parsed line: 1, 0 (a value the
 * schema cannot hold), -1 (memory). */
static int put_row(jl_part *pt, size_t row) {
  const jl_reader *r = pt->r;
  const jl_line *l = &pt->line;
  uint32_t mark = (uint32_t)row + 1;
  for (size_t i = 0; i < l->n_cells; i++) { /* a key given twice: the last wins */
    int32_t col = r->tree.nodes[l->cells[i].node].col;
    pt->stamp[col] = mark;
    pt->cellix[col] = (uint32_t)i;
  }
  for (size_t c = 0; c < r->schema->n_fields; c++) {
    pf_column *col = &pt->batch->cols[c];
    if (pt->stamp[c] != mark) {
      pf_col_set_null(col, row);
      continue;
    }
    int ok = put_value(pt, col, row, &l->cells[pt->cellix[c]]);
    if (ok <= 0) return ok;
  }
  return 1;
}

static pf_status part_prepare(jl_part *pt) {
  const jl_reader *r = pt->r;
  size_t n_cols = r->schema->n_fields;
  if (pt->n_stamp < n_cols || !pt->stamp) {
    free(pt->stamp);
    free(pt->cellix);
    pt->stamp = calloc(n_cols ? n_cols : 1, sizeof *pt->stamp);
    pt->cellix = calloc(n_cols ? n_cols : 1, sizeof *pt->cellix);
    if (!pt->stamp || !pt->cellix) return PF_ENOMEM;
    pt->n_stamp = n_cols;
  }
  memset(pt->stamp, 0, n_cols * sizeof *pt->stamp);
  size_t need = pt->n_lines ? (size_t)pt->n_lines : 1;
  if (!pt->batch || pt->batch_cap < need) {
    if (pt->batch) jl_host->batch_free(pt->batch);
    pt->batch = NULL;
    size_t cap = pt->batch_cap ? pt->batch_cap : 1024;
    while (cap < need) cap *= 2;
    if (cap > PF_BATCH_ROWS) cap = PF_BATCH_ROWS;
    JL_TRY(jl_host->batch_create(r->schema, cap, &pt->batch));
    pt->batch_cap = cap;
  }
  return jl_host->batch_reset(pt->batch, r->schema);
}

/* One part: its lines parsed into its batch (a pool task). */
static void parse_part(void *arg, size_t i) {
  jl_reader *r = arg;
  jl_part *pt = &r->parts[i];
  pt->rows = 0;
  pt->st = PF_OK;
  pt->surprise = 0;
  pt->n_bad = 0;
  if (part_prepare(pt) != PF_OK) {
    part_fail(pt, PF_ENOMEM, pt->first_line, "out of memory");
    return;
  }
  const char *p = r->buf + pt->begin, *end = r->buf + pt->end, *lp;
  size_t ln;
  int64_t line = pt->first_line - 1;
  while (next_line(&p, end, &lp, &ln)) {
    line++;
    if (blank(lp, ln)) continue;
    pf_status st = jl_parse_line(&pt->line, lp, ln);
    if (st == PF_ENOMEM) return part_fail(pt, st, line, "out of memory");
    if (st == PF_EBADROW) {
      if (!part_bad(pt, line, (size_t)(lp - r->buf), ln, pt->line.why))
        return part_fail(pt, PF_ENOMEM, line, "out of memory");
      if (r->on_bad == 0 && !r->validating) return; /* the first stops the read */
      continue;
    }
    int ok = pt->line.unknown ? 0 : put_row(pt, (size_t)pt->rows);
    if (ok < 0) return part_fail(pt, PF_ENOMEM, line, "out of memory (or a column of one batch past 2 GiB)");
    if (ok == 0) {
      pt->surprise = 1;
      pt->surprise_off = (size_t)(lp - r->buf);
      pt->surprise_line = line;
      return;
    }
    pt->rows++;
    pt->batch->n_rows = (size_t)pt->rows;
  }
}

/* Cuts the block into parts of whole lines: about block / (2 x threads)
 * bytes (at least 64 KiB), at most PF_BATCH_ROWS lines each, at most
 * JL_MAX_PARTS (a block with more lines ends early). */
static void cut_parts(jl_reader *r) {
  size_t threads = (size_t)jl_host->pool_size(r->env->pool);
  size_t target = r->block / (2 * (threads ? threads : 1));
  if (target < JL_PART_MIN) target = JL_PART_MIN;
  if (r->block / target >= JL_MAX_PARTS) target = r->block / (JL_MAX_PARTS - 1) + 1;
  size_t at = 0;
  int64_t line = r->line_base + 1;
  r->n_parts = 0;
  while (at < r->block && r->n_parts < JL_MAX_PARTS) {
    jl_part *pt = &r->parts[r->n_parts++];
    pt->r = r;
    pt->begin = at;
    pt->first_line = line;
    pt->n_lines = 0;
    const char *p = r->buf + at, *end = r->buf + r->block;
    while (p < end && pt->n_lines < PF_BATCH_ROWS && (size_t)(p - (r->buf + at)) < target) {
      const char *nl = memchr(p, '\n', (size_t)(end - p));
      p = nl ? nl + 1 : end;
      pt->n_lines++;
    }
    at = (size_t)(p - r->buf);
    pt->end = at;
    line += pt->n_lines;
  }
  r->block = at; /* lines past the last part wait for the next block */
}

/* The bad lines of a part, in order: an error (on_bad_rows=error), or
 * each to env->reject. */
static pf_status report_bad(jl_reader *r, jl_part *pt, int64_t row_base, pf_error *err) {
  for (size_t i = 0; i < pt->n_bad; i++) {
    const jl_bad *b = &pt->bad[i];
    if (r->on_bad == 0 && !r->validating) {
      jl_host->error_file(err, r->env->path);
      jl_host->error_place(err, row_base + 1, b->line, -1, -1);
      return jl_host->error_set(err, PF_EBADROW,
                                "line %lld: not a JSON value: %s (input.on_bad_rows=skip leaves "
                                "such lines out)",
                                (long long)b->line, b->why);
    }
    r->rejected_any = 1;
    r->rows_rejected++;
    if (r->env->reject)
      JL_TRY(r->env->reject(r->env->reject_user, b->line, b->why, r->buf + b->off, b->len, err));
  }
  return PF_OK;
}

/* A value the schema cannot hold in part k: fold the rest of the input,
 * then restart (by itself while open() primes the first block; later
 * PF_ERESTART, since the engine has the schema). */
static pf_status widen(jl_reader *r, size_t k, pf_error *err) {
  discovery d = {.r = r, .noting = 1};
  d.row = r->row_base;
  for (size_t i = 0; i < k; i++) d.row += r->parts[i].rows;
  d.row += r->parts[k].rows;
  d.line = r->parts[k].surprise_line - 1;
  size_t from = r->parts[k].surprise_off;
  r->n_parts = r->next_part = 0;
  r->in_block = 0;
  JL_TRY(discover(r, &d, from, 0, err));
  JL_TRY(build_schema(r, err));
  r->restarts++;
  if (!r->priming) { /* the schema is out: the engine starts again */
    const pf_field *f = &r->schema->fields[d.first_col];
    return jl_host->widen_restart(err, d.first_col, f->name, f->note ? f->note : "changed");
  }
  return restart_input(r, err); /* still in open(): read again quietly */
}

/* Reads and parses the next block; 0 parts at the end. */
static pf_status parse_block(jl_reader *r, pf_error *err) {
  for (;;) {
    int64_t lines = 0;
    for (size_t i = 0; i < r->n_parts; i++) {
      r->row_base += r->parts[i].rows;
      lines += r->parts[i].n_lines;
    }
    if (r->n_parts) consume_block(r, lines);
    r->n_parts = r->next_part = 0;
    JL_TRY(fill_block(r, err));
    if (!r->block) return PF_OK;
    cut_parts(r);
    jl_host->pool_run(r->env->pool, r->n_parts, parse_part, r);
    int64_t row_base = r->row_base;
    size_t k = 0;
    for (; k < r->n_parts; k++) {
      jl_part *pt = &r->parts[k];
      if (pt->st != PF_OK) {
        jl_host->error_file(err, r->env->path);
        jl_host->error_place(err, -1, pt->st_line, -1, -1);
        return jl_host->error_set(err, pt->st, "line %lld: %s", (long long)pt->st_line, pt->msg);
      }
      if (pt->n_bad && r->on_bad == 0 && !r->validating) break; /* reported below */
      if (pt->surprise) break;
      row_base += pt->rows;
    }
    if (k < r->n_parts && r->parts[k].surprise &&
        !(r->parts[k].n_bad && r->on_bad == 0 && !r->validating)) {
      JL_TRY(widen(r, k, err));
      continue; /* restarted quietly: read from the first line again */
    }
    r->in_block = 1;
    return PF_OK;
  }
}

pf_status jl_reader_next(jl_reader *r, pf_batch **out, pf_error *err) {
  *out = NULL;
  for (;;) {
    if (jl_host->canceled(r->env->opts))
      return jl_host->error_set(err, PF_ECANCELED, "canceled");
    while (r->in_block && r->next_part < r->n_parts) {
      jl_part *pt = &r->parts[r->next_part++];
      int64_t before = r->row_base;
      for (size_t i = 0; i + 1 < r->next_part; i++) before += r->parts[i].rows;
      JL_TRY(report_bad(r, pt, before, err));
      if (!pt->rows) continue;
      pt->batch->first_row = before;
      r->handed_out = 1;
      *out = pt->batch;
      return PF_OK;
    }
    if (r->done) return PF_OK;
    r->in_block = 0;
    JL_TRY(parse_block(r, err));
    if (!r->n_parts) r->done = 1;
  }
}

/* ---- open, rewind, close ---- */

static int64_t opt_int(const pf_reader_env *env, const char *key, int64_t dflt) {
  return jl_host->option_int(env->opts, key, dflt);
}

pf_status jl_reader_open(const pf_reader_env *env, jl_reader **out, pf_error *err) {
  jl_reader *r = calloc(1, sizeof *r);
  *out = r;
  if (!r) return jl_host->error_set(err, PF_ENOMEM, "out of memory");
  r->env = env;
  r->sample_rows = opt_int(env, "jsonl.sample_rows", 10000);
  r->nested_json = opt_int(env, "jsonl.nested", 0) == 1; /* flatten, json */
  r->all_strings = opt_int(env, "input.all_strings", 0) != 0;
  r->on_bad = (int)opt_int(env, "input.on_bad_rows", 0); /* error, skip, keep */
  r->validating = env->validating;
  r->max_line = (size_t)opt_int(env, "input.max_field_size", (int64_t)64 << 20);
  r->max_cols = (size_t)opt_int(env, "input.max_columns", 8192);
  size_t max_nodes = r->max_cols * 8 > 65536 ? r->max_cols * 8 : 65536;
  JL_TRY(jl_tree_init(&r->tree, max_nodes) == PF_OK ? PF_OK
                                                           : jl_host->error_set(err, PF_ENOMEM, "out of memory"));
  for (size_t i = 0; i < JL_MAX_PARTS; i++) {
    r->parts[i].r = r;
    jl_line_init(&r->parts[i].line, &r->tree, 0, r->nested_json);
  }
  JL_TRY(jl_host->infer_new(&r->inf) == PF_OK ? PF_OK
                                                     : jl_host->error_set(err, PF_ENOMEM, "out of memory"));
  JL_TRY(jl_host->source_open(env, &r->src, err));
  /* the sample decides the columns and their types */
  discovery d = {.r = r};
  JL_TRY(discover(r, &d, 0, r->sample_rows > 0 ? r->sample_rows : 1, err));
  if (d.row == 0 && d.bad == 0) {
    jl_host->error_file(err, env->path);
    return jl_host->error_set(err, PF_EEMPTY, "the input holds no JSON lines");
  }
  JL_TRY(build_schema(r, err));
  JL_TRY(restart_input(r, err));
  /* priming: the first block is parsed now, so a change it brings is
   * settled before the engine reads the schema (its bad lines are told by
   * the first next()) */
  r->priming = 1;
  pf_status st = parse_block(r, err);
  r->priming = 0;
  if (st == PF_OK && !r->n_parts) r->done = 1;
  return st;
}

pf_status jl_reader_rewind(jl_reader *r, pf_error *err) {
  r->handed_out = r->rejected_any = 0;
  return restart_input(r, err);
}

/* Every line folded (info: the exact row count and final types). */
pf_status jl_reader_scan(jl_reader *r, int64_t *rows, pf_error *err) {
  JL_TRY(restart_input(r, err));
  discovery d = {.r = r, .noting = 1};
  JL_TRY(discover(r, &d, 0, 0, err));
  *rows = d.row;
  if (d.changed) JL_TRY(build_schema(r, err));
  r->handed_out = r->rejected_any = 0;
  return restart_input(r, err);
}

void jl_reader_close(jl_reader *r) {
  if (!r) return;
  for (size_t i = 0; i < JL_MAX_PARTS; i++) {
    jl_part *pt = &r->parts[i];
    if (pt->batch) jl_host->batch_free(pt->batch);
    jl_line_free(&pt->line);
    free(pt->stamp);
    free(pt->cellix);
    free(pt->bad);
  }
  for (size_t i = 0; i < r->n_notes; i++) free(r->notes[i]);
  free(r->notes);
  if (r->schema) jl_host->schema_free(r->schema);
  if (r->src) jl_host->source_close(r->src);
  if (r->inf) jl_host->infer_free(r->inf);
  jl_tree_free(&r->tree);
  free(r->buf);
  free(r);
}

const pf_schema *jl_reader_schema(const jl_reader *r) { return r->schema; }
const pf_reader_env *jl_reader_env(const jl_reader *r) { return r->env; }

void jl_reader_stats(const jl_reader *r, pf_reader_stats *out) {
  out->bytes_read = r->bytes_read;
  out->bytes_total = jl_host->source_size(r->src);
  out->progress_done = jl_host->source_position(r->src);
  out->rows_rejected = r->rows_rejected;
}

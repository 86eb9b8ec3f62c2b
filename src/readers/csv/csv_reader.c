/* csv_reader.c - the CSV reader: streaming blocks, parallel parsing,
 * widening and restarts, bad rows, info and stats (see csv_reader.h).
 *
 * Streaming: text is read in blocks (4 MiB by default). A block starts
 * with the incomplete row the previous block ended with, then the
 * sequential scanner (csv_scan.c) finds its complete rows. The rows are cut
 * into parts (about block/(2 x threads) bytes, at most PF_BATCH_ROWS rows)
 * and one pool job parses every part into its own batch while one more
 * task reads and scans the next block, so reading, decompression,
 * transcoding and scanning overlap parsing. The job runs in the background
 * (pf__pool_submit): while next() hands out one block's batches and the
 * caller writes them, the pool parses the next block, and next() collects
 * it when the caller gets there; bad rows, widening and errors are acted
 * on at that point, in input order, as if the block had been parsed then.
 * Memory: two blocks and two blocks' batches.
 *
 * Widening: a value that does not fit its column (e.g. "1.5" in an int64
 * column) is noted by the part; the reader widens the column (core/infer.h
 * rules) and notes it in the schema ("widened from int64 to double at row
 * N (line L): value '1.5'"). The first block is parsed by open() and
 * rewind() ("priming"), before anyone relies on the schema, so a widening
 * there just parses the block again; later, next() returns PF_ERESTART and,
 * after rewind(), the input is read again with the wider schema (the
 * schema changes only across PF_ERESTART, as format_api.h promises).
 * Values are never dropped. Problems found while priming (a bad row, an
 * unterminated quote) are returned by the first next().
 *
 * Bad rows (more or fewer fields than columns, NUL bytes, invalid UTF-8,
 * and in the lenient modes a row cut at a quote that never closes): with
 * on_bad_rows ERROR the first stops the read (PF_EBADROW; invalid UTF-8:
 * PF_EENCODING; an open quote: PF_EPARSE) naming line and row; with SKIP
 * (and always when validating) each goes to env->reject in input order and
 * is counted; with KEEP, short rows are padded with nulls and extra fields
 * joined into the last column, counted for warnings() (NUL bytes and invalid
 * UTF-8 are still rejected: they cannot be kept as text). info() reads
 * with the same rule, so it fails where a conversion fails.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "readers/csv/csv_internal.h"
#include "readers/csv/csv_reader.h"

/* ---- blocks --------------------------------------------------------------- */

static pf_status block_reserve(pf__csv_block *b, size_t need) {
  if (need <= b->cap) return PF_OK;
  size_t cap = b->cap ? b->cap : 64 * 1024;
  while (cap < need) cap *= 2;
  uint8_t *nb = realloc(b->buf, cap);
  if (!nb) return PF_ENOMEM;
  b->buf = nb;
  b->cap = cap;
  return PF_OK;
}

/* The pending (incomplete) row has grown large: is a field too large? */
static pf_status check_pending(pf__csv_reader *r, pf__csv_block *b,
                               pf_error *err) {
  const pf__csv_scanner *sc = &r->sc;
  const uint8_t *s = b->buf + sc->row_start;
  size_t start, len;
  if (sc->in_quote) {
    start = sc->quote_pos;
    len = b->len - sc->quote_pos;
  } else {
    const uint8_t *e = b->buf + b->len, *p = e;
    while (p > s && p[-1] != r->d.delim) p--;
    start = (size_t)(p - b->buf);
    len = (size_t)(e - p);
  }
  if (len <= r->max_field) return PF_OK;
  size_t col = pf__csv_split(&r->d, s, b->buf + start, NULL, 0, NULL);
  int64_t row = r->rows_scanned + (int64_t)(b->rows.n - b->row0) + 1;
  pf__error_set(err, PF_ELIMIT,
                "line %lld, column %zu: a field of more than %zu bytes%s; raise the "
                "limit with input.max_field_size if the file is right",
                (long long)(sc->in_quote ? sc->quote_line : sc->line), col, r->max_field,
                sc->in_quote ? " (a quote that opens there may never close)" : "");
  pf__error_file(err, r->env->path);
  pf__error_place(err, row, sc->in_quote ? sc->quote_line : sc->line, (int64_t)col,
                  r->cfg.exact_offsets ? (int64_t)(r->text.bom + b->text_off + start) : -1);
  if (col >= 1 && col <= r->n_cols) pf__error_column_name(err, r->schema->fields[col - 1].name);
  return PF_ELIMIT;
}

pf_status pf__csv_prepare(pf__csv_reader *r, pf__csv_block *b,
                          pf__csv_block *from, pf_error *err) {
  pf__csv_scanner *sc = &r->sc;
  b->rows.n = 0;
  b->row0 = 0;
  b->last = 0;
  size_t carry = 0;
  if (from) {
    carry = from->len - sc->row_start;
    PF_TRY(block_reserve(b, carry + r->block_bytes + PF__CSV_SLACK));
    memcpy(b->buf, from->buf + sc->row_start, carry);
    b->text_off = from->text_off + sc->row_start;
    pf__csv_scan_rebase(sc, sc->row_start);
  } else {
    b->text_off = 0;
    pf__csv_scan_init(sc, &r->d, 1);
    sc->lenient = r->cfg.on_bad != PF_BAD_ROWS_ERROR;
  }
  b->bad_quote_line = b->bad_quote_open = 0;
  b->len = carry;
  if (b->buf) memset(b->buf + b->len, 0, PF__CSV_SLACK); /* see below */
  b->first_row = r->rows_scanned;
  size_t check_at = r->max_field;
  int eof = 0;
  for (;;) {
    while (r->skip_left > 0) { /* physical lines, quotes or not */
      const uint8_t *next, *p = pf__csv_next_break(b->buf + sc->pos, b->buf + b->len, &next);
      if (!p || (*p == '\r' && p + 1 == b->buf + b->len && !eof)) {
        /* no line end yet, or a CR whose LF may come with the next read */
        sc->pos = sc->row_start = p ? (size_t)(p - b->buf) : b->len;
        break;
      }
      sc->pos = sc->row_start = (size_t)(next - b->buf);
      sc->line++;
      r->skip_left--;
    }
    if (r->skip_left == 0) {
      pf_status st = pf__csv_scan(sc, b->buf, b->len, eof, &b->rows, r->block_rows);
      if (st == PF_EPARSE) {
        pf__csv_unterminated(
            r, sc->quote_line,
            r->cfg.exact_offsets ? (int64_t)(r->text.bom + b->text_off + sc->quote_pos) : -1, err);
        /* rows before it in this block (the first may be the header) */
        size_t fresh = b->rows.n - b->row0;
        if (err && r->lead_pending <= fresh)
          err->row = r->rows_scanned + (int64_t)(fresh - r->lead_pending) + 1;
        return PF_EPARSE;
      }
      PF_TRY(st);
      if (sc->bad_line && !b->bad_quote_line) {
        b->bad_quote_line = sc->bad_line;
        b->bad_quote_open = sc->bad_quote;
      }
      if (r->lead_pending && b->rows.n > b->row0) {
        size_t k = b->rows.n - b->row0 < r->lead_pending ? b->rows.n - b->row0 : r->lead_pending;
        b->row0 += k;
        r->lead_pending -= k;
      }
      if (b->rows.n > b->row0 || b->rows.n >= r->block_rows) break;
    }
    if (eof) break;
    size_t pending = b->len - sc->row_start;
    if (pending > check_at) {
      PF_TRY(check_pending(r, b, err));
      check_at *= 2;
    }
    if (pending > r->max_row) {
      pf__error_set(err, PF_ELIMIT,
                    "the row at line %lld is larger than %zu bytes; raise input.max_field_size "
                    "if the file is right", (long long)sc->line, r->max_row);
      pf__error_file(err, r->env->path);
      pf__error_place(err, r->rows_scanned + 1, sc->line, -1, -1);
      return PF_ELIMIT;
    }
    if (b->rows.n == 0 && sc->row_start > 0) { /* drop skipped text */
      memmove(b->buf, b->buf + sc->row_start, pending);
      b->text_off += sc->row_start;
      b->len = pending;
      pf__csv_scan_rebase(sc, sc->row_start);
    }
    /* Read a whole block (sources return short reads). */
    size_t want = r->block_bytes;
    while (want > 0) {
      size_t got;
      PF_TRY(block_reserve(b, b->len + want + PF__CSV_SLACK));
      pf_status st = pf__csv_text_read(&r->text, b->buf + b->len, want, &got, err);
      if (st != PF_OK) {
        pf__error_file(err, r->env->path);
        return st;
      }
      if (got == 0) {
        eof = 1;
        break;
      }
      b->len += got;
      want -= got;
    }
    /* The slack the vector loops read past the text (their results are
     * masked to it) holds zeros, not stale or uninitialised bytes, so
     * what they compute never depends on memory nobody wrote. */
    memset(b->buf + b->len, 0, PF__CSV_SLACK);
  }
  r->rows_scanned += (int64_t)(b->rows.n - b->row0);
  b->last = eof && sc->row_start >= b->len;
  return PF_OK;
}

/* Waits for the block in flight, if any, and drops it. */
static void quiesce(pf__csv_reader *r) {
  if (!r->job.running) return;
  pf__pool_wait(r->env->pool, &r->job.pj);
  r->job.running = 0;
}

pf_status pf__csv_stream_reset(pf__csv_reader *r, pf_error *err) {
  quiesce(r);
  PF_TRY(pf__csv_text_rewind(&r->text, err));
  pf__csv_scan_init(&r->sc, &r->d, 1);
  r->skip_left = r->opts->csv.skip_rows;
  r->lead_pending = r->lead;
  r->rows_scanned = 0;
  for (int i = 0; i < 3; i++) {
    r->kept[i] = 0;
    r->kept_line[i] = -1;
  }
  r->started = 0;
  r->cur = 0;
  for (int i = 0; i < 2; i++) {
    r->blk[i].len = 0;
    r->blk[i].rows.n = 0;
    r->blk[i].row0 = 0;
    r->blk[i].last = 0;
    r->sets[i].n = 0;
  }
  r->out = 0;
  r->next_part = 0;
  r->done = 0;
  r->pending_st = PF_OK;
  r->fatal = PF_OK;
  r->rows_rejected = 0;
  return PF_OK;
}

/* What stats() reports: read only when no task can be reading. */
static void note_progress(pf__csv_reader *r) {
  r->seen_text = r->text.raw_pos;
  r->seen_disk = pf__source_disk_pos(r->src);
}

/* ---- parts ---------------------------------------------------------------- */

static pf_status grow_parts(pf__csv_reader *r, pf__csv_parts *set) {
  size_t cap = set->cap ? set->cap * 2 : 8;
  pf__csv_part *np = realloc(set->p, cap * sizeof *np);
  if (!np) return PF_ENOMEM;
  set->p = np;
  for (size_t k = set->cap; k < cap; k++) {
    pf_status st = pf__csv_part_init(&np[k], r->n_cols);
    if (st != PF_OK) {
      for (size_t j = set->cap; j <= k; j++) pf__csv_part_free(&np[j], r->n_cols);
      return st;
    }
  }
  set->cap = cap;
  return PF_OK;
}

static pf_status setup_parts(pf__csv_reader *r, pf__csv_parts *set, pf__csv_block *b) {
  const pf__csv_rows *rows = &b->rows;
  size_t i = b->row0;
  set->n = 0;
  while (i < rows->n) {
    size_t start = i;
    uint32_t s0 = rows->start[i];
    do {
      i++;
    } while (i < rows->n && i - start < PF_BATCH_ROWS &&
             (size_t)(rows->end[i - 1] - s0) < r->part_bytes);
    if (set->n == set->cap) PF_TRY(grow_parts(r, set));
    pf__csv_part *p = &set->p[set->n++];
    size_t n = i - start;
    if (!p->batch || p->batch->cap_rows < n) {
      pf__batch_free(p->batch);
      p->batch = NULL;
      size_t cap = (n + 1023) & ~(size_t)1023;
      if (cap > PF_BATCH_ROWS) cap = PF_BATCH_ROWS;
      PF_TRY(pf__batch_create(r->schema, cap, &p->batch));
    }
    p->buf = b->buf;
    p->rows = rows;
    p->row_begin = start;
    p->row_end = i;
    p->first_row = b->first_row + (int64_t)(start - b->row0);
    p->text_off = b->text_off;
    p->bad_quote_line = b->bad_quote_line;
    p->bad_quote_open = b->bad_quote_open;
    PF_TRY(pf__csv_part_reset(p, &r->cfg));
  }
  return PF_OK;
}

static void run_task(void *arg, size_t i) {
  pf__csv_job *j = arg;
  if (j->prepare) {
    if (i == 0) {
      pf_error_init(&j->prep_err);
      j->prep_st = pf__csv_prepare(j->r, j->nxt, j->cur, &j->prep_err);
      return;
    }
    i--;
  }
  pf__csv_parse_part(&j->r->cfg, &j->set->p[i]);
}

static void run_part(void *arg, size_t i) {
  pf__csv_job *j = arg;
  pf__csv_parse_part(&j->r->cfg, &j->set->p[i]);
}

/* Widens the columns parts [0, upto) found misfits in; fills err with the
 * first widening (for PF_ERESTART). */
static pf_status widen_columns(pf__csv_reader *r, const pf__csv_parts *set, size_t upto,
                               pf_error *err) {
  int reported = 0;
  for (size_t c = 0; c < r->n_cols; c++) {
    pf_type t = r->schema->fields[c].type, nt = t;
    const pf__csv_part *first = NULL;
    for (size_t k = 0; k < upto; k++) {
      const pf__csv_part *p = &set->p[k];
      if (p->want[c] == t) continue;
      nt = pf__infer_widen(nt, 0, p->want[c], 0);
      if (!first && p->ev_row[c] >= 0) first = p;
    }
    if (nt == t || !first) continue;
    r->schema->fields[c].type = nt;
    const char *v = first->ev_value[c] ? first->ev_value[c] : "";
    char where[64];
    snprintf(where, sizeof where, "row %lld (line %lld)", (long long)first->ev_row[c],
             (long long)first->ev_line[c]);
    char *note = pf__widen_note(t, nt, where, v, strlen(v), NULL);
    pf_status st = note ? pf__schema_note(r->schema, c, "%s", note) : PF_ENOMEM;
    if (st == PF_OK && !reported) {
      reported = 1;
      pf__widen_restart(err, c, r->schema->fields[c].name, note);
      pf__error_file(err, r->env->path);
      pf__error_place(err, first->ev_row[c], first->ev_line[c], (int64_t)c + 1, -1);
    }
    free(note);
    PF_TRY(st);
  }
  return PF_OK;
}

static pf_status set_fatal(pf__csv_reader *r, pf_status st, const pf_error *e,
                           pf_error *err) {
  r->fatal = st;
  pf_error_init(&r->fatal_err);
  if (e) pf__error_copy(&r->fatal_err, e);
  r->fatal_err.status = st;
  if (!r->fatal_err.message[0]) pf__error_set(&r->fatal_err, st, "%s", pf_status_str(st));
  if (!r->fatal_err.file[0]) pf__error_file(&r->fatal_err, r->env->path);
  pf__error_copy(err, &r->fatal_err);
  return st;
}

/* Starts parsing the current block into the set not going out, reading the
 * next block alongside. */
static pf_status launch(pf__csv_reader *r, pf_error *err) {
  pf__csv_job *j = &r->job;
  pf__csv_block *cur = &r->blk[r->cur];
  j->r = r;
  j->cur = cur;
  j->nxt = &r->blk[r->cur ^ 1];
  j->set = &r->sets[r->out ^ 1];
  j->prepare = !cur->last;
  j->prep_st = PF_OK;
  pf_status st = setup_parts(r, j->set, cur);
  if (st != PF_OK) return set_fatal(r, st, NULL, err);
  pf__pool_submit(r->env->pool, &j->pj, j->set->n + (size_t)j->prepare, run_task, j, 0);
  j->running = 1;
  return PF_OK;
}

/* Launches the next block unless the input is done or reading it failed. */
static pf_status launch_next(pf__csv_reader *r, pf_error *err) {
  if (r->done || r->pending_st != PF_OK || r->fatal != PF_OK) return PF_OK;
  const pf__csv_block *b = &r->blk[r->cur];
  if (b->rows.n <= b->row0 && b->last) {
    r->done = 1;
    return PF_OK;
  }
  return launch(r, err);
}

/* Reports the collected set's bad rows and counts in input order. */
static pf_status report_rows(pf__csv_reader *r, const pf__csv_parts *set,
                             const pf__csv_block *cur, pf_error *err) {
  const pf__reader_env *env = r->env;
  for (size_t k = 0; k < set->n; k++) {
    const pf__csv_part *p = &set->p[k];
    for (int i = 0; i < 3; i++) {
      if (r->kept_line[i] < 0) r->kept_line[i] = p->kept_line[i];
      r->kept[i] += p->kept[i];
    }
    for (size_t i = 0; i < p->n_rejects; i++) {
      const pf__csv_reject *rj = &p->rejects[i];
      r->rows_rejected++;
      if (!env->reject) continue;
      pf_error e2;
      pf_error_init(&e2);
      pf_status st = env->reject(env->reject_user, rj->line, rj->reason,
                                 (const char *)cur->buf + rj->raw_off, rj->raw_len, &e2);
      if (st != PF_OK) return set_fatal(r, st, &e2, err);
    }
  }
  return PF_OK;
}

/* Waits for the block in flight and makes its batches the ones going out,
 * reporting its bad rows. A value that does not fit its column widens the
 * column; with in_place the block is parsed again (the schema has not been
 * handed to anyone who depends on it yet), otherwise PF_ERESTART. */
static pf_status collect(pf__csv_reader *r, int in_place, pf_error *err) {
  pf__csv_job *j = &r->job;
  pf__pool_wait(r->env->pool, &j->pj);
  j->running = 0;
  note_progress(r);
  pf__csv_parts *set = j->set;
  for (;;) {
    size_t k = 0, bad = set->n;
    int widened = 0;
    for (k = 0; k < set->n; k++) {
      if (set->p[k].widened) widened = 1;
      if (set->p[k].status != PF_OK) {
        bad = k;
        break;
      }
    }
    if (widened) {
      pf_error werr;
      pf_error_init(&werr);
      pf_status st = widen_columns(r, set, bad < set->n ? bad + 1 : set->n, &werr);
      if (st != PF_OK) return set_fatal(r, st, NULL, err);
      if (!in_place) return set_fatal(r, PF_ERESTART, &werr, err);
      for (k = 0; k < set->n; k++) {
        st = pf__csv_part_reset(&set->p[k], &r->cfg);
        if (st != PF_OK) return set_fatal(r, st, NULL, err);
      }
      pf__pool_run(r->env->pool, set->n, run_part, j);
      continue;
    }
    if (bad < set->n) return set_fatal(r, set->p[bad].status, &set->p[bad].err, err);
    break;
  }
  PF_TRY(report_rows(r, set, j->cur, err));
  if (j->prepare && j->prep_st != PF_OK) {
    r->pending_st = j->prep_st;
    pf__error_copy(&r->pending_err, &j->prep_err);
  }
  r->out = (int)(set - r->sets);
  r->next_part = 0;
  if (j->cur->last) r->done = 1;
  else r->cur ^= 1;
  return PF_OK;
}

/* ---- ops ---------------------------------------------------------------- */

static int csv_sniff(const uint8_t *h, size_t n) {
  if (n == 0) return 0;
  if ((n >= 3 && h[0] == 0xEF && h[1] == 0xBB && h[2] == 0xBF) ||
      (n >= 2 && ((h[0] == 0xFF && h[1] == 0xFE) || (h[0] == 0xFE && h[1] == 0xFF))))
    return 40;
  if (memchr(h, 0, n)) return 0;
  int nl = memchr(h, '\n', n) || memchr(h, '\r', n);
  int dl = memchr(h, ',', n) || memchr(h, '\t', n) || memchr(h, ';', n) || memchr(h, '|', n);
  return nl && dl ? 30 : 10;
}

static void csv_close(void *state);

static pf_status csv_open(const pf__reader_env *env, void **state, pf_error *err) {
  *state = NULL;
  pf__csv_reader *r = calloc(1, sizeof *r);
  if (!r) return PF_ENOMEM;
  pf_status st = pf__csv_open_state(env, r, err);
  if (st != PF_OK) {
    csv_close(r);
    return st;
  }
  *state = r;
  return PF_OK;
}

static const pf_schema *csv_schema(void *state) {
  return ((pf__csv_reader *)state)->schema;
}

static pf_status csv_next(void *state, pf_batch **out, pf_error *err) {
  pf__csv_reader *r = state;
  *out = NULL;
  if (r->empty) return PF_OK;
  if (r->fatal != PF_OK) {
    pf__error_copy(err, &r->fatal_err);
    return r->fatal;
  }
  for (;;) {
    pf__csv_parts *set = &r->sets[r->out];
    while (r->next_part < set->n) {
      pf__csv_part *p = &set->p[r->next_part++];
      if (p->batch->n_rows == 0) continue;
      p->batch->first_row = p->first_row;
      *out = p->batch;
      return PF_OK;
    }
    set->n = r->next_part = 0;
    if (r->job.running) {
      /* the next block was parsed meanwhile; start the one after it */
      PF_TRY(collect(r, 0, err));
      PF_TRY(launch_next(r, err));
      continue;
    }
    if (r->pending_st != PF_OK) return set_fatal(r, r->pending_st, &r->pending_err, err);
    if (r->done) return PF_OK;
    if (!r->started) {
      r->started = 1;
      pf_error e;
      pf_error_init(&e);
      pf_status st = pf__csv_prepare(r, &r->blk[r->cur], NULL, &e);
      note_progress(r);
      if (st != PF_OK) return set_fatal(r, st, &e, err);
    }
    PF_TRY(launch_next(r, err));
    if (!r->job.running) return PF_OK; /* done */
  }
}

/* Reads and parses the first block, widening in place, then starts the
 * second; a failure is kept for next(). */
pf_status pf__csv_prime(pf__csv_reader *r) {
  pf_error e;
  pf_error_init(&e);
  r->started = 1;
  pf_status st = pf__csv_prepare(r, &r->blk[r->cur], NULL, &e);
  note_progress(r);
  if (st != PF_OK) return set_fatal(r, st, &e, NULL);
  PF_TRY(launch_next(r, &e));
  if (!r->job.running) return PF_OK;
  PF_TRY(collect(r, 1, &e));
  return launch_next(r, &e);
}

static pf_status csv_rewind(void *state, pf_error *err) {
  pf__csv_reader *r = state;
  if (r->empty) return PF_OK;
  pf_status st = pf__csv_stream_reset(r, err);
  if (st != PF_OK) {
    pf__error_file(err, r->env->path);
    return st;
  }
  pf__csv_prime(r); /* a failure is reported by next() */
  return PF_OK;
}

/* info(): parses the whole input as a conversion would (the same bad-row
 * verdicts: a bad row fails info where it fails convert), so the exact
 * count of rows a conversion writes and the types it would end with
 * (widened in place: nothing depends on the schema during info) come out.
 * Then the reader is back at the start, primed. */
static pf_status scan_all(pf__csv_reader *r, int64_t *n, pf_error *err) {
  *n = 0;
  PF_TRY(pf__csv_stream_reset(r, err));
  r->started = 1;
  pf_status st = pf__csv_prepare(r, &r->blk[r->cur], NULL, err);
  note_progress(r);
  while (st == PF_OK) {
    if (r->opts->cancel && *r->opts->cancel) {
      st = pf__error_set(err, PF_ECANCELED, "canceled");
      break;
    }
    st = launch_next(r, err);
    if (st != PF_OK || !r->job.running) break;
    st = collect(r, 1, err); /* one block at a time: widening changes the schema */
    const pf__csv_parts *set = &r->sets[r->out];
    for (size_t k = 0; st == PF_OK && k < set->n; k++) *n += (int64_t)set->p[k].batch->n_rows;
    if (st == PF_OK && r->pending_st != PF_OK) {
      st = r->pending_st;
      pf__error_copy(err, &r->pending_err);
    }
    if (st != PF_OK || r->done) break;
  }
  if (st != PF_OK) return st;
  int64_t rejected = r->rows_rejected, kept[3], kept_line[3];
  memcpy(kept, r->kept, sizeof kept);
  memcpy(kept_line, r->kept_line, sizeof kept_line);
  PF_TRY(pf__csv_stream_reset(r, err));
  pf__csv_prime(r);
  /* what the whole input held, for info's notes */
  r->rows_rejected = rejected;
  memcpy(r->kept, kept, sizeof kept);
  memcpy(r->kept_line, kept_line, sizeof kept_line);
  return PF_OK;
}

static void show_byte(char *out, size_t cap, int c) {
  if (c == '\t') snprintf(out, cap, "\\t");
  else if (c == ' ') snprintf(out, cap, "space");
  else if (c >= 0x20 && c < 0x7f) snprintf(out, cap, "%c", c);
  else snprintf(out, cap, "0x%02X", c);
}

static size_t csv_warnings(void *state, const char *const **out);

/* The notes as one "notes" property, sentences joined by "; ". */
static pf_status info_notes(pf__csv_reader *r, pf_info *info) {
  const char *const *notes;
  size_t n = csv_warnings(r, &notes);
  pf__buf b;
  pf__buf_init(&b, 0);
  for (size_t i = 0; i < n; i++) pf__buf_printf(&b, "%s%s", i ? "; " : "", notes[i]);
  pf_status st = b.len && b.data ? pf__info_prop(info, "notes", "%s", (char *)b.data) : PF_OK;
  pf__buf_free(&b);
  return st;
}

static pf_status csv_info(void *state, pf_info *info, pf_error *err) {
  pf__csv_reader *r = state;
  if (r->empty) {
    info->rows = 0;
    return info_notes(r, info);
  }
  char dl[24], q[16], esc[16];
  show_byte(dl, sizeof dl, r->d.delim);
  if (r->d.space) strcat(dl, " + space");
  if (r->d.quote) show_byte(q, sizeof q, r->d.quote);
  else snprintf(q, sizeof q, "none");
  if (!r->d.quote) snprintf(esc, sizeof esc, "none");
  else if (!r->d.escape) snprintf(esc, sizeof esc, "doubled quote");
  else show_byte(esc, sizeof esc, r->d.escape);
  const unsigned ends = r->d.ends;
  const char *le = ends == PF__CSV_CRLF ? "CRLF" : ends == PF__CSV_CR ? "CR"
                 : ends & (ends - 1) ? "mixed" : "LF"; /* LF, or no line end */
  PF_TRY(pf__info_prop(info, "encoding", "%s", r->text.name));
  PF_TRY(pf__info_prop(info, "compression", "%s", pf__codec_name(pf__source_codec(r->src))));
  PF_TRY(pf__info_prop(info, "delimiter", "%s", dl));
  PF_TRY(pf__info_prop(info, "quote", "%s", q));
  PF_TRY(pf__info_prop(info, "escape", "%s", esc));
  PF_TRY(pf__info_prop(info, "line_ending", "%s", le));
  if (r->has_header && r->lead > 1)
    PF_TRY(pf__info_prop(info, "header", "yes (row %zu; the rows above are a title)", r->lead));
  else
    PF_TRY(pf__info_prop(info, "header", "%s", r->has_header ? "yes" : "no"));
  int64_t n;
  pf_status st = scan_all(r, &n, err);
  if (st != PF_OK) {
    if (err && !err->file[0]) pf__error_file(err, r->env->path);
    return st;
  }
  info->rows = n;
  if (r->rows_rejected)
    PF_TRY(pf__info_prop(info, "bad_rows", "%lld (left out, as input.on_bad_rows=skip would)",
                         (long long)r->rows_rejected));
  return info_notes(r, info);
}

/* What was repaired or tolerated: open()'s notes (title rows, the
 * header), then rows kept with input.on_bad_rows=keep. */
static size_t csv_warnings(void *state, const char *const **out) {
  pf__csv_reader *r = state;
  static const char *const what[3] = {
      "fewer fields than the header: kept, the missing fields null",
      "more fields than the header: kept, the extra fields joined into the last column",
      "a quote that never closes: kept, cut at the end of the quote's line"};
  size_t n = 0;
  for (int i = 0; i < 2; i++)
    if (r->open_notes[i]) r->notes_out[n++] = r->open_notes[i];
  for (int i = 0; i < 3; i++) {
    free(r->kept_notes[i]);
    r->kept_notes[i] = NULL;
    if (!r->kept[i]) continue;
    r->kept_notes[i] = pf__aprintf("%lld row%s with %s (first: line %lld)", (long long)r->kept[i],
                                   r->kept[i] == 1 ? "" : "s", what[i], (long long)r->kept_line[i]);
    if (r->kept_notes[i]) r->notes_out[n++] = r->kept_notes[i];
  }
  *out = r->notes_out;
  return n;
}

static void csv_stats(void *state, pf__reader_stats *out) {
  const pf__csv_reader *r = state;
  out->bytes_read = r->seen_text; /* a task may be reading on: not r->text */
  out->bytes_total = pf__source_disk_size(r->src);
  out->progress_done = r->seen_disk;
  out->rows_rejected = r->rows_rejected;
}

static void csv_close(void *state) {
  pf__csv_reader *r = state;
  if (!r) return;
  quiesce(r);
  for (int i = 0; i < 2; i++) {
    for (size_t k = 0; k < r->sets[i].cap; k++) pf__csv_part_free(&r->sets[i].p[k], r->n_cols);
    free(r->sets[i].p);
  }
  for (int i = 0; i < 2; i++) {
    free(r->blk[i].buf);
    pf__csv_rows_free(&r->blk[i].rows);
  }
  pf_schema_free(r->schema);
  for (int i = 0; i < 2; i++) free(r->open_notes[i]);
  for (int i = 0; i < 3; i++) free(r->kept_notes[i]);
  free(r->null_lens);
  pf__csv_text_free(&r->text);
  pf__source_close(r->src);
  pf__infer_ctx_free(&r->ictx);
  free(r);
}

const pf__reader_ops pf__csv_reader_ops = {
    .name = "csv",
    .description = "Delimited text: dialect, encoding and column types detected",
    .extensions = ".csv .tsv .txt .psv",
    .extensions_note = "(+ .gz .zst .bz2)",
    .sniff = csv_sniff,
    .open = csv_open,
    .schema = csv_schema,
    .next = csv_next,
    .rewind = csv_rewind,
    .info = csv_info,
    .stats = csv_stats,
    .close = csv_close,
    .warnings = csv_warnings,
};

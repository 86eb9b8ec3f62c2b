/* xlsx_reader.c - the Excel workbook reader's ops: open (workbook parts
 * and a sample of every sheet), the multi-table interface (sheets as
 * tables, selection, an optional sheet-name column), next (cells -> typed
 * batches), widening with PF_ERESTART, info and stats.
 *
 * Schema: column j of the output is column col_lo + j of each selected
 * sheet (sheets combine by position); its type is the widening of the
 * sampled types (PF__XLSX_SAMPLE_ROWS data rows per sheet) across the
 * selected sheets, string when no value was seen; names come from the
 * first selected sheet's header (csv reader's cleaning and
 * de-duplication). A later cell that does not fit its column's type, or
 * lies outside the sampled column range, widens the schema: next()
 * returns PF_ERESTART and the engine starts again (nothing half-written
 * survives). Error cells become nulls; their count and first places go
 * into the column's note at the end of the stream.
 *
 * Memory: one batch, one row of cells, the shared strings table and
 * expat's buffer; the sheet XML streams through. Rows that do not fit the
 * current batch (a row after a run of blank rows) are held and written
 * first into the next batch.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/names.h"
#include "readers/xlsx/xlsx_internal.h"
#include "readers/xlsx/xlsx_reader.h"

#define MAX_ERR_REFS 3

typedef struct col_errs {
  int64_t count;
  char refs[MAX_ERR_REFS][96];
  int n_refs;
} col_errs;

typedef struct xlsx_reader {
  const pf__reader_env *env;
  const pf__opts *opts;
  pf__xlsx_book b;
  pf__xlsx_head_opts ho;
  size_t *sel;             /* selected sheets, in order                */
  size_t n_sel;
  char *table_col;         /* NULL or the sheet-name column's name      */
  pf_schema *schema;       /* kept at one address; contents replaced    */
  size_t n_cols;           /* data columns (after the table column)     */
  size_t off;              /* 1 with a table column                     */
  char **wnotes;           /* widening notes per data column            */
  col_errs *errs;
  pf_batch *batch;
  /* the pass */
  size_t cur;              /* index into sel                            */
  pf__xlsx_scan *scan;     /* serial reading of the current sheet, or   */
  pf__xlsx_par *par;       /* parallel reading (xlsx_par.c)             */
  int parallel;            /* use par when the sheet allows it          */
  int64_t seen_row;        /* last sheet row handed to emit_row         */
  int64_t skip_upto;       /* rows already taken (after a fallback)     */
  pf__xlsx_sheet *sh;      /* sheet being read                          */
  int64_t last_row;        /* last sheet row written (0: none yet)      */
  int64_t pending_blank;   /* blank rows to write before the held row   */
  pf__buf held;            /* a row waiting for room: texts             */
  pf__xlsx_cell *held_cells;
  size_t n_held, cap_held;
  int64_t held_row;
  int has_held;
  int64_t rows_out;
  uint64_t bytes_done;
  int finished;
  pf_status cb_st;         /* a failure inside the row callback         */
  pf_error cb_err;
  pf_status fatal;
  pf_error fatal_err;
} xlsx_reader;

/* ---- schema ---- */
static void set_sheet_err(pf_error *err, const char *sheet) {
  pf__error_table(err, "sheet", sheet, 1);
}

static pf_status build_schema(xlsx_reader *r, pf_error *err) {
  size_t n = 0;
  for (size_t k = 0; k < r->n_sel; k++) {
    const pf__xlsx_sheet *sh = &r->b.sheets[r->sel[k]];
    if (sh->col_hi >= sh->col_lo && (size_t)(sh->col_hi - sh->col_lo + 1) > n)
      n = (size_t)(sh->col_hi - sh->col_lo + 1);
  }
  if (n == 0) {
    pf__error_set(err, PF_EEMPTY, "the sheet%s %s%s%s hold%s no data",
                  r->n_sel == 1 ? "" : "s", r->n_sel ? "'" : "",
                  r->n_sel ? r->b.sheets[r->sel[0]].name : "", r->n_sel == 1 ? "'" : "' ...",
                  r->n_sel == 1 ? "s" : "");
    pf__error_file(err, r->b.path);
    if (r->n_sel) set_sheet_err(err, r->b.sheets[r->sel[0]].name);
    return PF_EEMPTY;
  }
  size_t off = r->table_col ? 1 : 0, total = n + off;
  const char **raw = calloc(total, sizeof *raw);
  char **gen = calloc(total, sizeof *gen);
  pf_schema *s = pf__schema_new(total);
  char **names = NULL;
  pf_status st = raw && gen && s ? PF_OK : PF_ENOMEM;
  if (st == PF_OK && off) raw[0] = r->table_col;
  for (size_t j = 0; st == PF_OK && j < n; j++) {
    const char *name = NULL;
    pf_type t = PF_TYPE_NULL;
    int big = 0;
    for (size_t k = 0; k < r->n_sel; k++) {
      const pf__xlsx_sheet *sh = &r->b.sheets[r->sel[k]];
      if (j < sh->n_types) {
        t = pf__infer_widen(t, big, sh->types[j].type, sh->types[j].big);
        big |= sh->types[j].big;
      }
      if (!name && j < sh->n_hdr && sh->hdr[j]) {
        const char *h = sh->hdr[j];
        while (*h == ' ' || *h == '\t') h++;
        if (*h) name = sh->hdr[j];
      }
    }
    if (t == PF_TYPE_NULL || r->opts->all_strings) t = PF_TYPE_STRING;
    if (!name) {
      gen[j + off] = pf__aprintf("Column_%zu", j + 1);
      if (!gen[j + off]) st = PF_ENOMEM;
      name = gen[j + off];
    }
    raw[j + off] = name;
    s->fields[j + off].type = t;
  }
  /* --all-strings: the original CLI's names (pandas' "value.1"); empty
   * header cells stay Column_N (the original dropped those columns) */
  if (st == PF_OK)
    st = r->opts->all_strings ? pf__names_original(raw, NULL, total, &names)
                              : pf__names_unique(raw, NULL, total, &names);
  for (size_t i = 0; st == PF_OK && i < total; i++) {
    pf_type t = i < off || pf__opts_string_column(r->opts, names[i]) ? PF_TYPE_STRING : s->fields[i].type;
    st = pf__schema_set(s, i, names[i], t, 1);
  }
  pf__names_free(names, total);
  for (size_t i = 0; i < total; i++) free(gen[i]);
  free(gen);
  free(raw);
  if (st != PF_OK) {
    pf_schema_free(s);
    return st;
  }
  /* Widening notes survive a rebuild (by position: a column added on the
   * right keeps the others' notes in place). */
  if (r->n_cols != n || !r->wnotes) {
    char **nw = calloc(n, sizeof *nw);
    col_errs *ne = calloc(n, sizeof *ne);
    if (!nw || !ne) {
      free(nw);
      free(ne);
      pf_schema_free(s);
      return PF_ENOMEM;
    }
    for (size_t j = 0; r->wnotes && j < r->n_cols; j++) {
      if (j < n) nw[j] = r->wnotes[j];
      else free(r->wnotes[j]);
    }
    free(r->wnotes);
    free(r->errs);
    r->wnotes = nw;
    r->errs = ne;
  }
  for (size_t j = 0; st == PF_OK && j < n; j++)
    if (r->wnotes[j] && !(s->fields[j + off].note = pf__strdup(r->wnotes[j]))) st = PF_ENOMEM;
  if (st != PF_OK) {
    pf_schema_free(s);
    return st;
  }
  int same_width = r->schema && r->schema->n_fields == total;
  if (!r->schema) {
    r->schema = s;
  } else {
    for (size_t i = 0; i < r->schema->n_fields; i++) {
      free(r->schema->fields[i].name);
      free(r->schema->fields[i].note);
    }
    free(r->schema->fields);
    *r->schema = *s;
    free(s);
  }
  r->n_cols = n;
  r->off = off;
  if (r->batch && same_width) return pf__batch_reset(r->batch, r->schema);
  pf__batch_free(r->batch);
  r->batch = NULL;
  return pf__batch_create(r->schema, PF_BATCH_ROWS, &r->batch);
}

/* ---- the pass ---- */
static void reset_pass(xlsx_reader *r) {
  pf__xlsx_scan_close(r->scan);
  r->scan = NULL;
  pf__xlsx_par_close(r->par);
  r->par = NULL;
  r->sh = NULL;
  r->cur = 0;
  r->last_row = 0;
  r->pending_blank = 0;
  r->has_held = 0;
  r->rows_out = 0;
  r->bytes_done = 0;
  r->finished = 0;
  r->cb_st = PF_OK;
  r->fatal = PF_OK;
  for (size_t j = 0; j < r->n_cols; j++) {
    memset(&r->errs[j], 0, sizeof r->errs[j]);
    pf_field *fl = &r->schema->fields[j + r->off];
    free(fl->note);
    fl->note = r->wnotes[j] ? pf__strdup(r->wnotes[j]) : NULL;
  }
}

static int accepts(pf_type col, pf_type t) {
  return t == PF_TYPE_NULL || col == t || col == PF_TYPE_STRING ||
         (col == PF_TYPE_DOUBLE && t == PF_TYPE_INT64) ||
         (col == PF_TYPE_TIMESTAMP && t == PF_TYPE_DATE);
}

/* Makes sheet sh's column range include col (keeping header and types). */
static int extend_sheet(pf__xlsx_sheet *sh, int64_t col) {
  int64_t lo = sh->col_hi >= sh->col_lo ? (col < sh->col_lo ? col : sh->col_lo) : col;
  int64_t hi = sh->col_hi >= sh->col_lo ? (col > sh->col_hi ? col : sh->col_hi) : col;
  size_t w = (size_t)(hi - lo + 1), shift = (size_t)(sh->col_hi >= sh->col_lo ? sh->col_lo - lo : 0);
  char **h = calloc(w, sizeof *h);
  pf__infer_col *t = calloc(w, sizeof *t);
  if (!h || !t) {
    free(h);
    free(t);
    return 0;
  }
  for (size_t i = 0; i < w; i++) pf__infer_col_init(&t[i]);
  for (size_t i = 0; i < sh->n_hdr; i++) h[i + shift] = sh->hdr[i];
  for (size_t i = 0; i < sh->n_types; i++) t[i + shift] = sh->types[i];
  free(sh->hdr);
  free(sh->types);
  sh->hdr = h;
  sh->types = t;
  sh->n_hdr = sh->n_types = w;
  sh->col_lo = lo;
  sh->col_hi = hi;
  return 1;
}

/* A cell forces a wider schema: record it, set the restart error. */
static int widen(xlsx_reader *r, int64_t row, const pf__xlsx_cell *c, pf_type t, int big) {
  pf__xlsx_sheet *sh = r->sh;
  char ref[32], tmp[64];
  const char *vp;
  size_t vn;
  pf__xlsx_cell_ref(c->col, row, ref, sizeof ref);
  pf__xlsx_cell_text(&r->b, c, tmp, &vp, &vn);
  if (vn > 64) vn = 64;
  pf_error *e = &r->cb_err;
  pf_error_init(e);
  if (c->col < sh->col_lo || c->col > sh->col_lo + (int64_t)r->n_cols - 1) {
    int64_t w = (c->col < sh->col_lo ? sh->col_hi : c->col) - (c->col < sh->col_lo ? c->col : sh->col_lo) + 1;
    if (r->ho.max_cols > 0 && w > r->ho.max_cols) {
      pf__error_set(e, PF_ELIMIT,
                    "the sheet '%s' uses %lld columns (a value at %s), more than the limit of "
                    "%lld (raise it with input.max_columns)",
                    sh->name, (long long)w, ref, (long long)r->ho.max_cols);
      r->cb_st = PF_ELIMIT;
      return -1;
    }
    if (!extend_sheet(sh, c->col)) {
      r->cb_st = PF_ENOMEM;
      return -1;
    }
    pf__infer_col *ic = &sh->types[c->col - sh->col_lo];
    ic->type = pf__infer_widen(ic->type, ic->big, t, big);
    pf__error_set(e, PF_ERESTART,
                  "a value at %s!%s lies outside the columns sampled from the sheet's first "
                  "rows; the conversion restarts with the column added",
                  sh->name, ref);
  } else {
    size_t j = (size_t)(c->col - sh->col_lo);
    pf_type old = r->schema->fields[j + r->off].type;
    pf_type nt = pf__infer_widen(old, 0, t, big);
    if (j >= sh->n_types && !extend_sheet(sh, c->col)) {
      r->cb_st = PF_ENOMEM;
      return -1;
    }
    pf__infer_col *ic = &sh->types[j];
    ic->type = pf__infer_widen(ic->type, ic->big, nt, 0);
    char where[300];
    snprintf(where, sizeof where, "%s!%s", sh->name, ref);
    char *one = pf__widen_note(old, nt, where, vp, vn, NULL);
    char *note = one ? pf__aprintf("%s%s%s", r->wnotes[j] ? r->wnotes[j] : "",
                                   r->wnotes[j] ? "; " : "", one)
                     : NULL;
    if (!note) {
      free(one);
      r->cb_st = PF_ENOMEM;
      return -1;
    }
    free(r->wnotes[j]);
    r->wnotes[j] = note;
    pf__widen_restart(e, j, r->schema->fields[j + r->off].name, one);
    free(one);
    pf__error_place(e, -1, row, c->col, -1);
  }
  r->cb_st = PF_ERESTART;
  return -1;
}

static void count_error(xlsx_reader *r, size_t j, int64_t row, const pf__xlsx_cell *c) {
  col_errs *e = &r->errs[j];
  e->count++;
  if (e->n_refs < MAX_ERR_REFS) {
    char ref[32];
    pf__xlsx_cell_ref(c->col, row, ref, sizeof ref);
    snprintf(e->refs[e->n_refs++], sizeof e->refs[0], "%.*s at %s!%s", (int)(c->n > 16 ? 16 : c->n),
             c->p, r->sh->name, ref);
  }
}

static pf_status put_value(xlsx_reader *r, pf_column *col, size_t i, const pf__xlsx_cell *c,
                           double v) {
  int32_t d;
  int64_t us;
  switch (col->type) {
    case PF_TYPE_STRING: {
      char tmp[64];
      const char *p;
      size_t n;
      if (r->opts->all_strings) pf__xlsx_cell_text_original(&r->b, c, tmp, &p, &n);
      else pf__xlsx_cell_text(&r->b, c, tmp, &p, &n);
      return pf__col_push_str(col, i, p, n);
    }
    case PF_TYPE_BOOL:
      pf__col_set_bool(col, i, c->n && c->p[0] == '1');
      return PF_OK;
    case PF_TYPE_INT64:
      pf__col_set_i64(col, i, (int64_t)v);
      return PF_OK;
    case PF_TYPE_DOUBLE:
      pf__col_set_f64(col, i, v);
      return PF_OK;
    case PF_TYPE_DATE:
      if (c->kind == PF__XK_ISO) pf__xlsx_parse_iso(c->p, c->n, &d, &us);
      else pf__xlsx_serial_days(v, r->b.date1904, &d);
      pf__col_set_i32(col, i, d);
      return PF_OK;
    case PF_TYPE_TIMESTAMP:
    case PF_TYPE_TIMESTAMP_UTC:
      if (c->kind == PF__XK_ISO) {
        if (pf__xlsx_parse_iso(c->p, c->n, &d, &us) == PF_TYPE_DATE) us = (int64_t)d * INT64_C(86400000000);
      } else {
        pf__xlsx_serial_micros(v, r->b.date1904, &us);
      }
      pf__col_set_i64(col, i, us);
      return PF_OK;
    case PF_TYPE_TIME:
      if (c->kind == PF__XK_ISO) pf__xlsx_parse_iso(c->p, c->n, &d, &us);
      else us = pf__xlsx_time_micros(v);
      pf__col_set_i64(col, i, us);
      return PF_OK;
    default:
      pf__col_set_null(col, i);
      return PF_OK;
  }
}

static pf_status write_null_row(xlsx_reader *r) {
  pf_batch *b = r->batch;
  size_t i = b->n_rows;
  if (r->off) PF_TRY(pf__col_push_str(&b->cols[0], i, r->sh->name, strlen(r->sh->name)));
  for (size_t j = r->off; j < b->n_cols; j++) pf__col_set_null(&b->cols[j], i);
  b->n_rows++;
  return PF_OK;
}

/* Checks a row against the schema (returns -1 with cb_st set when it
 * does not fit), then writes it as batch row n_rows. */
static int write_row(xlsx_reader *r, int64_t row, const pf__xlsx_cell *cells, size_t n) {
  pf__xlsx_sheet *sh = r->sh;
  double vals[256];
  pf_type types[256];
  for (size_t k = 0; k < n; k++) {
    const pf__xlsx_cell *c = &cells[k];
    double v = 0;
    int big;
    pf_type t = pf__xlsx_cell_type(&r->b, c, &v, &big);
    if (c->col < sh->col_lo || c->col > sh->col_lo + (int64_t)r->n_cols - 1)
      return widen(r, row, c, t, big);
    if (k < 256) vals[k] = v, types[k] = t;
    if (!accepts(r->schema->fields[(size_t)(c->col - sh->col_lo) + r->off].type, t))
      return widen(r, row, c, t, big);
  }
  pf_batch *b = r->batch;
  size_t i = b->n_rows, k = 0;
  pf_status st = PF_OK;
  if (r->off) st = pf__col_push_str(&b->cols[0], i, sh->name, strlen(sh->name));
  for (size_t j = 0; st == PF_OK && j < r->n_cols; j++) {
    pf_column *col = &b->cols[j + r->off];
    if (k < n && (size_t)(cells[k].col - sh->col_lo) == j) {
      const pf__xlsx_cell *c = &cells[k];
      double v;
      int big;
      pf_type t = k < 256 ? types[k] : pf__xlsx_cell_type(&r->b, c, &v, &big);
      if (k < 256) v = vals[k];
      if (t == PF_TYPE_NULL && !r->opts->all_strings) {
        count_error(r, j, row, c);
        pf__col_set_null(col, i);
      } else {
        st = put_value(r, col, i, c, v); /* --all-strings: an error cell's text */
      }
      k++;
    } else if (r->opts->all_strings) {
      st = pf__col_push_str(col, i, "", 0); /* the original CLI's empty cell */
    } else {
      pf__col_set_null(col, i);
    }
  }
  if (st != PF_OK) {
    char ref[32];
    pf__xlsx_cell_ref(k ? cells[k - 1].col : 1, row, ref, sizeof ref);
    pf_error_init(&r->cb_err);
    pf__error_set(&r->cb_err, st,
                  "the string values of one column in one batch pass 2 GiB (at %s!%s)", sh->name, ref);
    r->cb_st = st;
    return -1;
  }
  b->n_rows++;
  r->last_row = row;
  return 0;
}

static int hold_row(xlsx_reader *r, int64_t row, const pf__xlsx_cell *cells, size_t n) {
  r->held.len = 0;
  if (n > r->cap_held) {
    pf__xlsx_cell *nc = realloc(r->held_cells, n * sizeof *nc);
    if (!nc) goto oom;
    r->held_cells = nc;
    r->cap_held = n;
  }
  for (size_t k = 0; k < n; k++) {
    r->held_cells[k] = cells[k];
    r->held_cells[k].p = (const char *)(uintptr_t)r->held.len;
    if (pf__buf_append(&r->held, cells[k].p, cells[k].n) != PF_OK) goto oom;
  }
  for (size_t k = 0; k < n; k++)
    r->held_cells[k].p = (const char *)r->held.data + (uintptr_t)r->held_cells[k].p;
  r->n_held = n;
  r->held_row = row;
  r->has_held = 1;
  return 1;
oom:
  r->cb_st = PF_ENOMEM;
  return -1;
}

/* A batch is full at PF_BATCH_ROWS rows or once its strings pass
 * PF_BATCH_DATA_BUDGET bytes (large texts: memory stays bounded). */
static int batch_full(const pf_batch *b) {
  if (b->n_rows >= b->cap_rows) return 1;
  size_t bytes = 0;
  for (size_t j = 0; j < b->n_cols; j++) bytes += b->cols[j].data_len;
  return bytes >= PF_BATCH_DATA_BUDGET;
}

static int emit_row(void *user, int64_t row, const pf__xlsx_cell *cells, size_t n) {
  xlsx_reader *r = user;
  const pf__xlsx_sheet *sh = r->sh;
  if (row <= r->skip_upto) return 0;
  if (row <= r->seen_row) {
    pf_error_init(&r->cb_err);
    pf__xlsx_order_error(&r->cb_err, sh, row, r->seen_row);
    r->cb_st = PF_EPARSE;
    return -1;
  }
  r->seen_row = row;
  if (sh->header_row && row <= sh->header_row) return 0;
  if (r->ho.header_row > 0 && row <= r->ho.header_row) return 0;
  pf_batch *b = r->batch;
  /* blank rows between data rows are rows of nulls; --all-strings leaves
   * them out, as the original CLI did */
  int64_t gap = r->last_row && !r->opts->all_strings ? row - r->last_row - 1 : 0;
  if (b->n_rows + (size_t)gap + 1 > b->cap_rows) {
    r->pending_blank = gap;
    return hold_row(r, row, cells, n);
  }
  for (int64_t g = 0; g < gap; g++)
    if (write_null_row(r) != PF_OK) {
      r->cb_st = PF_ELIMIT;
      return -1;
    }
  if (write_row(r, row, cells, n) != 0) return -1;
  return batch_full(b);
}

static void finish_notes(xlsx_reader *r) {
  for (size_t j = 0; j < r->n_cols; j++) {
    const col_errs *e = &r->errs[j];
    if (!e->count) continue;
    pf__buf t;
    pf__buf_init(&t, 4096);
    for (int k = 0; k < e->n_refs; k++) pf__buf_printf(&t, "%s%s", k ? ", " : "", e->refs[k]);
    pf__schema_note(r->schema, j + r->off, "%lld error cell%s read as null (%s%s)",
                    (long long)e->count, e->count == 1 ? "" : "s", t.data ? (char *)t.data : "",
                    e->count > e->n_refs ? ", ..." : "");
    pf__buf_free(&t);
  }
}

static pf_status set_fatal(xlsx_reader *r, pf_status st, const pf_error *e, pf_error *err) {
  r->fatal = st;
  pf__error_copy(&r->fatal_err, e);
  if (!r->fatal_err.file[0]) pf__error_file(&r->fatal_err, r->b.path);
  pf__error_copy(err, &r->fatal_err);
  return st;
}

/* The row callback stopped (r->cb_st): a widening restarts the
 * conversion with the rebuilt schema, anything else ends it. */
static pf_status callback_failure(xlsx_reader *r, pf_error *err) {
  pf_error e;
  pf_error_init(&e);
  pf__error_copy(&e, &r->cb_err);
  if (e.status == PF_OK) pf__error_set(&e, r->cb_st, "%s", pf_status_str(r->cb_st));
  pf__error_file(&e, r->b.path);
  set_sheet_err(&e, r->sh->name);
  if (r->cb_st != PF_ERESTART) return set_fatal(r, r->cb_st, &e, err);
  pf_error be;
  pf_error_init(&be);
  pf_status bs = build_schema(r, &be);
  if (bs != PF_OK) return set_fatal(r, bs, &be, err);
  r->fatal = PF_ERESTART; /* until rewind() */
  pf__error_copy(&r->fatal_err, &e);
  pf__error_copy(err, &e);
  return PF_ERESTART;
}

static pf_status xlsx_next(void *state, pf_batch **out, pf_error *err) {
  xlsx_reader *r = state;
  *out = NULL;
  if (r->fatal != PF_OK) {
    pf__error_copy(err, &r->fatal_err);
    return r->fatal;
  }
  if (r->finished) return PF_OK;
  pf_batch *b = r->batch;
  PF_TRY(pf__batch_reset(b, r->schema));
  for (;;) {
    if (r->opts->cancel && *r->opts->cancel) return pf__error_set(err, PF_ECANCELED, "canceled");
    /* A held row goes first, after the blank rows before it. */
    while (r->has_held && r->pending_blank > 0 && b->n_rows < b->cap_rows) {
      PF_TRY(write_null_row(r));
      r->pending_blank--;
    }
    if (r->has_held && b->n_rows < b->cap_rows) {
      r->has_held = 0;
      if (write_row(r, r->held_row, r->held_cells, r->n_held) != 0)
        return callback_failure(r, err);
    }
    if (batch_full(b)) break;
    if (!r->scan && !r->par) {
      if (r->cur >= r->n_sel) {
        r->finished = 1;
        finish_notes(r);
        break;
      }
      r->sh = &r->b.sheets[r->sel[r->cur]];
      r->last_row = r->seen_row = r->skip_upto = 0;
      pf_error e;
      pf_error_init(&e);
      pf_status st = r->parallel && !r->ho.fill_merged && r->sh->part
                         ? pf__xlsx_par_open(&r->b, r->sh, r->env->pool, &r->par, &e)
                         : pf__xlsx_scan_open(&r->b, r->sh, r->ho.fill_merged, emit_row, r, &r->scan, &e);
      if (st != PF_OK) {
        set_sheet_err(&e, r->sh->name);
        return set_fatal(r, st, &e, err);
      }
    }
    if (r->par) {
      int stop = 0, done = 0, fallback = 0;
      pf_error e;
      pf_error_init(&e);
      pf_status st = pf__xlsx_par_step(r->par, emit_row, r, &stop, &done, &fallback, &e);
      if (st != PF_OK) {
        if (!e.file[0]) pf__error_file(&e, r->b.path);
        set_sheet_err(&e, r->sh->name);
        return set_fatal(r, st, &e, err);
      }
      if (stop < 0) return callback_failure(r, err);
      if (stop > 0) continue;
      if (done || fallback) {
        r->bytes_done += pf__xlsx_par_bytes(r->par);
        pf__xlsx_par_close(r->par);
        r->par = NULL;
      }
      if (fallback) {
        /* The serial reader takes over from the first row not yet taken. */
        r->skip_upto = r->seen_row;
        st = pf__xlsx_scan_open(&r->b, r->sh, 0, emit_row, r, &r->scan, &e);
        if (st != PF_OK) return set_fatal(r, st, &e, err);
      } else if (done) {
        r->cur++;
      }
      continue;
    }
    int done = 0;
    pf_error e;
    pf_error_init(&e);
    pf_status st = pf__xlsx_scan_run(r->scan, &done, &e);
    if (st == PF_ECANCELED && r->cb_st != PF_OK) return callback_failure(r, err);
    if (st != PF_OK) return set_fatal(r, st, &e, err);
    if (done) {
      r->bytes_done += pf__xlsx_scan_bytes(r->scan);
      pf__xlsx_scan_close(r->scan);
      r->scan = NULL;
      r->cur++;
    }
  }
  if (b->n_rows == 0) return PF_OK;
  b->first_row = r->rows_out;
  r->rows_out += (int64_t)b->n_rows;
  *out = b;
  return PF_OK;
}

static pf_status xlsx_rewind(void *state, pf_error *err) {
  (void)err;
  reset_pass((xlsx_reader *)state);
  return PF_OK;
}

/* ---- open / tables ---- */
static void xlsx_close(void *state);

static pf_status sample_all(xlsx_reader *r, int64_t max_rows, pf_error *err) {
  for (size_t i = 0; i < r->b.n_sheets; i++)
    PF_TRY(pf__xlsx_sample(&r->b, &r->b.sheets[i], &r->ho, max_rows, err));
  return PF_OK;
}

static pf_status do_open(xlsx_reader *r, pf_error *err) {
  const pf__opts *o = r->opts;
  if (o->excel.header_row < 0)
    return pf__error_set(err, PF_EINVAL, "the header row must be a sheet row number (1 or more)");
  r->ho.no_header = o->csv.header == 0;
  r->ho.header_row = o->excel.header_row;
  r->ho.fill_merged = o->excel.fill_merged;
  r->ho.max_cols = o->max_columns > 0 ? o->max_columns : 8192;
  uint64_t mf = o->max_field_bytes > 0 ? (uint64_t)o->max_field_bytes : (64u << 20);
  PF_TRY(pf__xlsx_book_open(&r->b, r->env->path, o, mf, r->env->log, err));
  /* Sheets are read in parts (xlsx_par.c), in parallel when the pool has
   * several threads; on one thread the parts still let the specialised
   * scanner (xlsx_fast.c) replace expat. PYFORGE_XLSX_PARALLEL=0 keeps the
   * serial streaming reader (for comparisons and tests). */
  r->parallel = r->env->pool && pf__pool_size(r->env->pool) >= 1 && !o->settings.xlsx_serial;
  PF_TRY(sample_all(r, PF__XLSX_SAMPLE_ROWS, err));
  r->sel = malloc(r->b.n_sheets * sizeof *r->sel);
  if (!r->sel) return PF_ENOMEM;
  /* Every sheet is selected; an empty one adds no rows nor columns. */
  for (size_t i = 0; i < r->b.n_sheets; i++) r->sel[i] = i;
  r->n_sel = r->b.n_sheets;
  pf_status st = build_schema(r, err);
  if (st == PF_EEMPTY) {
    pf_error_init(err);
    pf__error_set(err, PF_EEMPTY, "the workbook has no sheet with data (%zu empty sheet%s)",
                  r->b.n_sheets, r->b.n_sheets == 1 ? "" : "s");
    pf__error_file(err, r->b.path);
  }
  PF_TRY(st);
  reset_pass(r);
  return PF_OK;
}

static pf_status xlsx_open(const pf__reader_env *env, void **state, pf_error *err) {
  *state = NULL;
  xlsx_reader *r = calloc(1, sizeof *r);
  if (!r) return PF_ENOMEM;
  r->env = env;
  r->opts = env->opts;
  pf__buf_init(&r->held, 0);
  pf_status st = do_open(r, err);
  if (st != PF_OK) {
    if (err && !err->file[0]) pf__error_file(err, env->path);
    xlsx_close(r);
    return st;
  }
  *state = r;
  return PF_OK;
}

static const pf_schema *xlsx_schema(void *state) { return ((xlsx_reader *)state)->schema; }

static size_t xlsx_n_tables(void *state) { return ((xlsx_reader *)state)->b.n_sheets; }

/* The rows a conversion writes from a sampled sheet: blank rows between
 * data rows are rows of nulls, or left out with --all-strings. */
static int64_t sheet_rows(const xlsx_reader *r, const pf__xlsx_sheet *sh) {
  return r->opts->all_strings ? sh->filled_rows : sh->data_rows;
}

static pf_status xlsx_table(void *state, size_t i, pf__table_desc *out, pf_error *err) {
  xlsx_reader *r = state;
  if (i >= r->b.n_sheets) return pf__error_set(err, PF_EINVAL, "no sheet number %zu", i + 1);
  const pf__xlsx_sheet *sh = &r->b.sheets[i];
  out->name = sh->name;
  out->signature = sh->signature ? sh->signature : "";
  out->hidden = sh->hidden != 0;
  out->rows_hint = sh->complete ? sheet_rows(r, sh) : -1;
  return PF_OK;
}

static pf_status xlsx_select(void *state, const size_t *idx, size_t n, const char *table_column,
                             pf_error *err) {
  xlsx_reader *r = state;
  if (n == 0) return pf__error_set(err, PF_EINVAL, "no sheet selected");
  size_t *sel = malloc(n * sizeof *sel);
  char *tc = table_column ? pf__strdup(table_column) : NULL;
  if (!sel || (table_column && !tc)) {
    free(sel);
    free(tc);
    return PF_ENOMEM;
  }
  for (size_t k = 0; k < n; k++) {
    if (idx[k] >= r->b.n_sheets) {
      free(sel);
      free(tc);
      return pf__error_set(err, PF_EINVAL, "no sheet number %zu", idx[k] + 1);
    }
    sel[k] = idx[k];
  }
  reset_pass(r);
  free(r->sel);
  free(r->table_col);
  r->sel = sel;
  r->n_sel = n;
  r->table_col = tc;
  /* Widening notes belong to the previous selection. */
  for (size_t j = 0; j < r->n_cols; j++) {
    free(r->wnotes[j]);
    r->wnotes[j] = NULL;
  }
  pf_status st = build_schema(r, err);
  if (st != PF_OK) {
    r->fatal = st;
    pf__error_copy(&r->fatal_err, err);
    return st;
  }
  reset_pass(r);
  return PF_OK;
}

/* ---- info ---- */

static pf_status xlsx_info(void *state, pf_info *info, pf_error *err) {
  xlsx_reader *r = state;
  PF_TRY(pf__info_prop(info, "sheets", "%zu", r->b.n_sheets));
  PF_TRY(pf__info_prop(info, "date_system", "%s", r->b.date1904 ? "1904" : "1900"));
  PF_TRY(pf__info_prop(info, "shared_strings", "%zu", r->b.n_sst));
  int64_t total = 0;
  for (size_t i = 0; i < r->b.n_sheets; i++) {
    pf__xlsx_sheet *sh = &r->b.sheets[i];
    if (r->opts->cancel && *r->opts->cancel) return pf__error_set(err, PF_ECANCELED, "canceled");
    PF_TRY(pf__xlsx_sample(&r->b, sh, &r->ho, -1, err));
    pf_info_section *s = pf__info_section(info, "sheet", sh->name);
    if (!s) return PF_ENOMEM;
    PF_TRY(pf__section_prop(s, "index", "%zu", i + 1));
    PF_TRY(pf__section_prop(s, "state", "%s", sh->hidden == 2 ? "very hidden" : sh->hidden ? "hidden" : "visible"));
    PF_TRY(pf__section_prop(s, "dimension", "%s", sh->dimension ? sh->dimension : "(none)"));
    if (sh->header_row) PF_TRY(pf__section_prop(s, "header", "row %lld", (long long)sh->header_row));
    else PF_TRY(pf__section_prop(s, "header", "none"));
    PF_TRY(pf__section_prop(s, "rows", "%lld", (long long)sheet_rows(r, sh)));
    int64_t w = sh->col_hi >= sh->col_lo ? sh->col_hi - sh->col_lo + 1 : 0;
    PF_TRY(pf__section_prop(s, "columns", "%lld", (long long)w));
    if (w) {
      char a[16], z[16];
      pf__xlsx_cell_ref(sh->col_lo, 0, a, sizeof a);
      pf__xlsx_cell_ref(sh->col_hi, 0, z, sizeof z);
      PF_TRY(pf__section_prop(s, "column_range", "%s:%s", a, z));
      pf__buf t;
      pf__buf_init(&t, 0);
      pf_status st = PF_OK;
      for (int64_t j = 0; st == PF_OK && j < w; j++) {
        pf_type ty = sh->types[j].type == PF_TYPE_NULL || r->opts->all_strings ? PF_TYPE_STRING : sh->types[j].type;
        const char *h = sh->hdr[j] && *sh->hdr[j] ? sh->hdr[j] : NULL;
        if (h) st = pf__buf_printf(&t, "%s%s: %s", j ? ", " : "", h, pf_type_name(ty));
        else st = pf__buf_printf(&t, "%sColumn_%lld: %s", j ? ", " : "", (long long)j + 1, pf_type_name(ty));
      }
      if (st == PF_OK) st = pf__section_prop(s, "types", "%s", t.data ? (char *)t.data : "");
      pf__buf_free(&t);
      PF_TRY(st);
    }
  }
  for (size_t k = 0; k < r->n_sel; k++) total += sheet_rows(r, &r->b.sheets[r->sel[k]]);
  info->rows = total;
  return PF_OK;
}

static void xlsx_stats(void *state, pf__reader_stats *out) {
  const xlsx_reader *r = state;
  uint64_t done = r->bytes_done + (r->scan ? pf__xlsx_scan_bytes(r->scan) : 0) +
                  (r->par ? pf__xlsx_par_bytes(r->par) : 0);
  out->bytes_total = pf__source_disk_size(r->b.src);
  out->bytes_read = done;
  out->progress_done = done > out->bytes_total ? out->bytes_total : done;
  out->rows_rejected = 0;
}

static void xlsx_close(void *state) {
  xlsx_reader *r = state;
  if (!r) return;
  pf__xlsx_scan_close(r->scan);
  pf__xlsx_par_close(r->par);
  pf__batch_free(r->batch);
  pf_schema_free(r->schema);
  for (size_t j = 0; r->wnotes && j < r->n_cols; j++) free(r->wnotes[j]);
  free(r->wnotes);
  free(r->errs);
  free(r->sel);
  free(r->table_col);
  free(r->held_cells);
  pf__buf_free(&r->held);
  if (r->b.path) pf__xlsx_book_close(&r->b);
  free(r);
}

/* ZIP local header magic, and the workbook's parts in the first entries'
 * names. */
static int xlsx_sniff(const uint8_t *h, size_t n) {
  if (n < 30 || h[0] != 'P' || h[1] != 'K' || h[2] != 3 || h[3] != 4) return 0;
  static const char *marks[] = {"xl/", "[Content_Types].xml", "_rels/.rels"};
  int xl = 0, ooxml = 0;
  for (size_t i = 0; i + 3 <= n; i++) {
    if (memcmp(h + i, marks[0], 3) == 0) xl = 1;
    if (i + 19 <= n && memcmp(h + i, marks[1], 19) == 0) ooxml = 1;
    if (i + 11 <= n && memcmp(h + i, marks[2], 11) == 0) ooxml = 1;
  }
  return xl ? 90 : ooxml ? 40 : 0;
}

const pf__reader_ops pf__xlsx_reader_ops = {
    .name = "xlsx",
    .description = "Excel workbooks: sheets, dates by number format, exact numbers",
    .extensions = ".xlsx .xlsm",
    .sniff = xlsx_sniff,
    .open = xlsx_open,
    .schema = xlsx_schema,
    .next = xlsx_next,
    .rewind = xlsx_rewind,
    .info = xlsx_info,
    .stats = xlsx_stats,
    .close = xlsx_close,
    .n_tables = xlsx_n_tables,
    .table = xlsx_table,
    .select = xlsx_select,
    .table_word = "sheet",
    .tables_in = "workbook",
    .tables_key = "excel.sheets",
};

/* xml_emit.c - one record's values become batch rows.
 *
 * While a record is read, each value is appended (column, occurrence of
 * the exploded element, text) to the record buffer and linked into its
 * column's list, so a record costs no allocation once the buffers have
 * grown. At the record's end its rows are emitted:
 *   join     one row; a column with several values joins them with the
 *            array separator;
 *   json     one row; a repeated column holds a JSON array of strings;
 *   explode  one row per occurrence of the exploded element (one row when
 *            it does not occur); its columns take that occurrence's values,
 *            every other column the whole record's (joined when several).
 * A record whose rows do not fit in the batch is continued in the next one.
 */
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "readers/xml/xml_internal.h"

pf_status pf__xml_emit_init(pf__xml_reader *r) {
  size_t n = r->n_cols ? r->n_cols : 1;
  r->head = malloc(n * sizeof *r->head);
  r->tail = malloc(n * sizeof *r->tail);
  r->cursor = malloc(n * sizeof *r->cursor);
  if (!r->head || !r->tail || !r->cursor) return PF_ENOMEM;
  pf__buf_init(&r->rec_text, r->max_record);
  pf__buf_init(&r->cell, 0);
  return pf__batch_create(r->schema, PF_BATCH_ROWS, &r->batch);
}

void pf__xml_emit_free(pf__xml_reader *r) {
  free(r->head);
  free(r->tail);
  free(r->cursor);
  free(r->vals);
  r->head = r->tail = r->cursor = NULL;
  r->vals = NULL;
  pf__buf_free(&r->rec_text);
  pf__buf_free(&r->cell);
  pf__batch_free(r->batch);
  r->batch = NULL;
}

void pf__xml_record_begin(pf__xml_reader *r) {
  r->n_vals = 0;
  r->rec_text.len = 0;
  for (size_t c = 0; c < r->n_cols; c++) r->head[c] = r->tail[c] = PF__XML_NONE;
}

pf_status pf__xml_record_value(pf__xml_reader *r, int32_t col, uint64_t e_occ, const char *s,
                               size_t n) {
  if (r->n_vals == r->vals_cap) {
    size_t nc = r->vals_cap ? r->vals_cap * 2 : 256;
    if (nc > UINT32_MAX - 1) return PF_ELIMIT;
    pf__xml_val *nv = realloc(r->vals, nc * sizeof *nv);
    if (!nv) return PF_ENOMEM;
    r->vals = nv;
    r->vals_cap = nc;
  }
  size_t off = r->rec_text.len;
  PF_TRY(pf__buf_append(&r->rec_text, s, n));
  uint32_t i = (uint32_t)r->n_vals++;
  pf__xml_val *v = &r->vals[i];
  v->col = col;
  v->next = PF__XML_NONE;
  v->e_occ = e_occ;
  v->off = off;
  v->len = n;
  if (r->tail[col] == PF__XML_NONE) r->head[col] = i;
  else r->vals[r->tail[col]].next = i;
  r->tail[col] = i;
  return PF_OK;
}

void pf__xml_record_end(pf__xml_reader *r) {
  r->rows_pending = (r->e_rel != PF__XML_NONE && r->e_count > 0) ? r->e_count : 1;
  r->row_next = 0;
  for (size_t c = 0; c < r->n_cols; c++) r->cursor[c] = r->head[c];
}

static pf_status put_typed(pf__xml_reader *r, size_t c, size_t row, const char *s, size_t n,
                           pf_error *err) {
  pf_column *col = &r->batch->cols[c];
  pf_type t = r->cols[c].type;
  if (t == PF_TYPE_STRING) {
    r->batch_bytes += n;
    pf_status st = pf__col_push_str(col, row, s, n);
    if (st != PF_OK) return pf__error_set(err, st, "a batch of text grew too large");
    return PF_OK;
  }
  pf__value v;
  if (!pf__infer_parse(&r->ictx, t, s, n, &v)) {
    pf__error_file(err, r->env->path);
    pf__error_column_name(err, r->cols[c].name);
    return pf__error_set(err, PF_EINPUT,
                         "the value '%.*s' is not a %s as in the first pass over the file: "
                         "the input changed while it was being converted",
                         (int)(n > 80 ? 80 : n), s, pf_type_name(t));
  }
  switch (t) {
  case PF_TYPE_BOOL: pf__col_set_bool(col, row, v.b); break;
  case PF_TYPE_DOUBLE: pf__col_set_f64(col, row, v.f64); break;
  case PF_TYPE_DATE: pf__col_set_i32(col, row, v.i32); break;
  default: pf__col_set_i64(col, row, v.i64); break;
  }
  return PF_OK;
}

static pf_status emit_row(pf__xml_reader *r, uint64_t j, pf_error *err) {
  size_t row = r->batch->n_rows;
  const char *text = (const char *)r->rec_text.data;
  for (size_t c = 0; c < r->n_cols; c++) {
    pf_column *col = &r->batch->cols[c];
    if ((int)c == r->docid_col) {
      pf__col_set_i64(col, row, r->rec_doc);
      continue;
    }
    uint32_t first, v;
    size_t k = 0;
    if (r->e_rel != PF__XML_NONE && r->cols[c].under_e) {
      v = r->cursor[c];
      while (v != PF__XML_NONE && r->vals[v].e_occ < j + 1) v = r->vals[v].next;
      first = v;
      while (v != PF__XML_NONE && r->vals[v].e_occ == j + 1) {
        k++;
        v = r->vals[v].next;
      }
      r->cursor[c] = v;
    } else {
      first = r->head[c];
      for (v = first; v != PF__XML_NONE; v = r->vals[v].next) k++;
    }
    if (k == 0) {
      pf__col_set_null(col, row);
      continue;
    }
    if (k == 1 && !r->cols[c].json) {
      const pf__xml_val *x = &r->vals[first];
      PF_TRY(put_typed(r, c, row, text + x->off, x->len, err));
      continue;
    }
    pf__buf *b = &r->cell;
    b->len = 0;
    v = first;
    if (r->cols[c].json) {
      PF_TRY(pf__buf_putc(b, '['));
      for (size_t i = 0; i < k; i++, v = r->vals[v].next) {
        if (i) PF_TRY(pf__buf_putc(b, ','));
        PF_TRY(pf__json_str(b, text + r->vals[v].off, r->vals[v].len));
      }
      PF_TRY(pf__buf_putc(b, ']'));
    } else {
      for (size_t i = 0; i < k; i++, v = r->vals[v].next) {
        if (i) PF_TRY(pf__buf_puts(b, r->array_sep));
        PF_TRY(pf__buf_append(b, text + r->vals[v].off, r->vals[v].len));
      }
    }
    PF_TRY(put_typed(r, c, row, (const char *)b->data, b->len, err));
  }
  r->batch->n_rows++;
  r->rows_out++;
  return PF_OK;
}

pf_status pf__xml_emit_pending(pf__xml_reader *r, pf_error *err) {
  while (r->rows_pending > 0 && !pf__xml_batch_full(r)) {
    PF_TRY(emit_row(r, r->row_next, err));
    r->row_next++;
    r->rows_pending--;
  }
  return PF_OK;
}

/* batch.c - allocation and string appends for Arrow-layout batches. */
#include "core/batch.h"

#include <stdlib.h>

static void column_free(pf_column *c) {
  free(c->validity);
  free(c->values);
  free(c->offsets);
  free(c->data);
  memset(c, 0, sizeof *c);
}

/* Bytes of a column's validity bitmap, and of its fixed-width values for
 * type t (booleans: a bitmap; 8 bytes per row covers every type but
 * decimal), for cap rows. */
static size_t validity_bytes(size_t cap) { return (cap + 7) / 8 + 8; }
static size_t values_bytes(pf_type t, size_t cap) {
  size_t v = (t == PF_TYPE_DECIMAL ? 16 : 8) * cap;
  return v < validity_bytes(cap) ? validity_bytes(cap) : v;
}

/* (Re)allocates buffers so column c can hold cap rows of type t. */
static pf_status column_shape(pf_column *c, pf_type t, size_t cap) {
  size_t bitmap = validity_bytes(cap);
  if (!c->validity) {
    c->validity = calloc(bitmap, 1);
    if (!c->validity) return PF_ENOMEM;
  }
  size_t w = pf__type_width(t);
  if (t == PF_TYPE_BOOL) w = 0;
  if (pf__type_is_varlen(t)) {
    if (!c->offsets) {
      c->offsets = calloc(cap + 1, sizeof *c->offsets);
      if (!c->offsets) return PF_ENOMEM;
    }
    if (!c->data) { /* never NULL: consumers compute data + offset */
      c->data = malloc(64);
      if (!c->data) return PF_ENOMEM;
      c->data_cap = 64;
    }
  } else {
    /* Fixed width: keep the largest buffer the column has had (8 bytes per
     * row covers every type but decimal). */
    size_t bytes = t == PF_TYPE_BOOL ? bitmap : (w ? w : 1) * cap;
    size_t have_w = c->type == PF_TYPE_DECIMAL ? 16 : 8;
    if (c->values && bytes > have_w * cap) {
      free(c->values);
      c->values = NULL;
    }
    if (!c->values) {
      c->values = calloc(values_bytes(t, cap), 1);
      if (!c->values) return PF_ENOMEM;
    }
  }
  c->type = t;
  return PF_OK;
}

static void column_clear(pf_column *c, size_t cap) {
  memset(c->validity, 0, (cap + 7) / 8 + 8);
  if (c->offsets) c->offsets[0] = 0;
  c->data_len = 0;
  c->null_count = 0;
}

pf_status pf__batch_create(const pf_schema *schema, size_t cap_rows,
                           pf_batch **out) {
  *out = NULL;
  if (cap_rows == 0) cap_rows = 1;
  pf_batch *b = calloc(1, sizeof *b);
  if (!b) return PF_ENOMEM;
  b->n_cols = schema->n_fields;
  b->cap_rows = cap_rows;
  b->cols = calloc(b->n_cols ? b->n_cols : 1, sizeof *b->cols);
  if (!b->cols) {
    free(b);
    return PF_ENOMEM;
  }
  pf_status st = pf__batch_reset(b, schema);
  if (st != PF_OK) {
    pf__batch_free(b);
    return st;
  }
  *out = b;
  return PF_OK;
}

pf_status pf__batch_reset(pf_batch *b, const pf_schema *schema) {
  if (schema->n_fields != b->n_cols) return PF_EINVAL;
  for (size_t i = 0; i < b->n_cols; i++) {
    PF_TRY(column_shape(&b->cols[i], schema->fields[i].type, b->cap_rows));
    column_clear(&b->cols[i], b->cap_rows);
  }
  b->n_rows = 0;
  b->first_row = 0;
  return PF_OK;
}

void pf__batch_free(pf_batch *b) {
  if (!b) return;
  for (size_t i = 0; i < b->n_cols; i++) column_free(&b->cols[i]);
  free(b->cols);
  free(b);
}

pf_status pf__col_reserve_data(pf_column *c, size_t n, size_t slack) {
  if (n > PF_BATCH_MAX_DATA - c->data_len) return PF_ELIMIT;
  size_t need = c->data_len + n + slack;
  if (need > c->data_cap) {
    size_t cap = c->data_cap ? c->data_cap : 4096;
    while (cap < need) cap = cap > PF_BATCH_MAX_DATA / 2 ? PF_BATCH_MAX_DATA + slack : cap * 2;
    uint8_t *d = realloc(c->data, cap);
    if (!d) return PF_ENOMEM;
    c->data = d;
    c->data_cap = cap;
  }
  return PF_OK;
}

pf_status pf__col_push_str(pf_column *c, size_t row, const void *p, size_t n) {
  PF_TRY(pf__col_reserve_data(c, n, 0));
  if (n) memcpy(c->data + c->data_len, p, n);
  c->data_len += n;
  c->offsets[row + 1] = (int32_t)c->data_len;
  pf__bit_set(c->validity, row);
  return PF_OK;
}

pf_status pf__col_detach(pf_column *c, size_t cap_rows, pf__col_buffers *out,
                         void *(*alloc)(void *user, size_t size), void *user) {
  memset(out, 0, sizeof *out);
  int varlen = pf__type_is_varlen(c->type);
  size_t size[4] = {validity_bytes(cap_rows), varlen ? 0 : values_bytes(c->type, cap_rows),
                    varlen ? (cap_rows + 1) * sizeof(int32_t) : 0, varlen ? c->data_cap : 0};
  void *held[4] = {c->validity, c->values, c->offsets, c->data};
  void *fresh[4] = {NULL, NULL, NULL, NULL};
  for (int i = 0; i < 4; i++) {
    if (!size[i] || !held[i]) continue;
    if (!(fresh[i] = alloc(user, size[i]))) {
      for (int k = 0; k < i; k++) free(fresh[k]);
      return PF_ENOMEM;
    }
    out->p[i] = held[i];
    out->size[i] = size[i];
  }
  /* the caller has the filled buffers; the column fills the new ones */
  if (fresh[0]) c->validity = memset(fresh[0], 0, size[0]);
  if (fresh[1]) c->values = fresh[1];
  if (fresh[2]) {
    c->offsets = fresh[2];
    c->offsets[0] = 0;
  }
  if (fresh[3]) c->data = fresh[3];
  return PF_OK;
}

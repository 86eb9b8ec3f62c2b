/* batch.h - column batches in the Arrow memory layout.
 *
 * A reader fills pf_batches, a writer consumes them; they are the only thing
 * readers and writers share. Layout per column (Arrow's):
 *   validity  bitmap, LSB bit order, bit set = value present. Always
 *             allocated; null_count == 0 means every bit in range is set.
 *   values    fixed width: int64/double/timestamp/time (8 bytes), date
 *             (int32 days), decimal (16 bytes little-endian); booleans are a
 *             bitmap like validity.
 *   offsets   string/binary: n_rows + 1 int32 offsets into data.
 * A null slot's value bytes are zero (strings: empty).
 *
 * Ownership: a batch owns all its buffers. A batch is used by one thread at
 * a time. Columns may be filled in any row order only for fixed-width
 * types; strings must be appended row by row (pf__col_push_str).
 */
#ifndef PF_CORE_BATCH_H
#define PF_CORE_BATCH_H

#include <stdint.h>
#include <string.h>

#include "core/schema.h"

/* Rows per batch a reader should aim for. */
#define PF_BATCH_ROWS 65536
/* Hard cap on string bytes in one column of one batch (int32 offsets). */
#define PF_BATCH_MAX_DATA ((size_t)INT32_MAX)
/* String bytes (all columns) past which a reader should end a batch early,
 * with fewer than PF_BATCH_ROWS rows: memory stays bounded and the cap
 * above is never reached when values are large (a 1 MB text in every
 * row). Consumers take batches of any row count. */
#define PF_BATCH_DATA_BUDGET ((size_t)64 << 20)

typedef struct pf_column {
  pf_type type;        /* read-only                                        */
  uint8_t *validity;   /* cap_rows bits                                    */
  uint8_t *values;     /* fixed width values or bool bitmap; NULL for varlen */
  int32_t *offsets;    /* varlen: cap_rows + 1 entries                     */
  uint8_t *data;       /* varlen bytes (never NULL for varlen columns)     */
  size_t data_len;     /* varlen: bytes used                               */
  size_t data_cap;     /* private                                          */
  int64_t null_count;  /* nulls among the batch's n_rows                   */
} pf_column;

typedef struct pf_batch {
  size_t n_rows;       /* rows filled                                      */
  size_t cap_rows;     /* rows allocated                                   */
  size_t n_cols;
  pf_column *cols;
  int64_t first_row;   /* 0-based index of this batch's first row in the
                          whole input's data rows (for messages)           */
} pf_batch;

/* A batch typed like schema, with room for cap_rows rows, zero rows. */
pf_status pf__batch_create(const pf_schema *schema, size_t cap_rows,
                           pf_batch **out);
/* Empties the batch (n_rows = 0, counts reset) and retypes its columns to
 * schema (which must have the same column count). Keeps allocations. */
pf_status pf__batch_reset(pf_batch *b, const pf_schema *schema);
void pf__batch_free(pf_batch *b);

static inline int pf__bit_get(const uint8_t *bits, size_t i) {
  return (bits[i >> 3] >> (i & 7)) & 1;
}
static inline void pf__bit_set(uint8_t *bits, size_t i) {
  bits[i >> 3] |= (uint8_t)(1u << (i & 7));
}
static inline void pf__bit_clear(uint8_t *bits, size_t i) {
  bits[i >> 3] &= (uint8_t)~(1u << (i & 7));
}
static inline int pf__col_is_valid(const pf_column *c, size_t row) {
  return c->null_count == 0 || pf__bit_get(c->validity, row);
}

/* Setters for row `row` (< cap_rows). They do not change n_rows; a reader
 * sets batch->n_rows when the rows are complete. Each row of each column
 * must be set exactly once, in increasing row order for varlen columns. */
void pf__col_set_null(pf_column *c, size_t row);
static inline void pf__col_set_i64(pf_column *c, size_t row, int64_t v) {
  pf__bit_set(c->validity, row);
  memcpy(c->values + row * 8, &v, 8);
}
static inline void pf__col_set_f64(pf_column *c, size_t row, double v) {
  pf__bit_set(c->validity, row);
  memcpy(c->values + row * 8, &v, 8);
}
static inline void pf__col_set_i32(pf_column *c, size_t row, int32_t v) {
  pf__bit_set(c->validity, row);
  memcpy(c->values + row * 4, &v, 4);
}
static inline void pf__col_set_bool(pf_column *c, size_t row, int v) {
  pf__bit_set(c->validity, row);
  if (v) pf__bit_set(c->values, row); else pf__bit_clear(c->values, row);
}
/* Appends a string value as row `row` (rows must come in order). Fails with
 * PF_ELIMIT past PF_BATCH_MAX_DATA bytes, PF_ENOMEM when out of memory. */
pf_status pf__col_push_str(pf_column *c, size_t row, const void *p, size_t n);

/* A column's buffers taken out of it: validity, values, offsets, data
 * (NULL where the type has none), with their allocated sizes. Each is one
 * malloc-compatible block. */
typedef struct pf__col_buffers {
  void *p[4];
  size_t size[4];
} pf__col_buffers;

/* Moves column c's buffers to *out and gives the column new ones of the
 * same sizes from alloc (which must return malloc-compatible memory: the
 * column frees or reallocs them as its own), so the batch can be filled
 * again without copying what it held (zero-copy export). The batch (cap_rows
 * rows) must be reset before it is filled again, as readers do. */
pf_status pf__col_detach(pf_column *c, size_t cap_rows, pf__col_buffers *out,
                         void *(*alloc)(void *user, size_t size), void *user);

/* Value accessors for writers. */
static inline int64_t pf__col_i64(const pf_column *c, size_t row) {
  int64_t v; memcpy(&v, c->values + row * 8, 8); return v;
}
static inline double pf__col_f64(const pf_column *c, size_t row) {
  double v; memcpy(&v, c->values + row * 8, 8); return v;
}
static inline int32_t pf__col_i32(const pf_column *c, size_t row) {
  int32_t v; memcpy(&v, c->values + row * 4, 4); return v;
}
static inline int pf__col_bool(const pf_column *c, size_t row) {
  return pf__bit_get(c->values, row);
}
static inline const uint8_t *pf__col_str(const pf_column *c, size_t row,
                                         size_t *len) {
  *len = (size_t)(c->offsets[row + 1] - c->offsets[row]);
  return c->data + c->offsets[row];
}

#endif

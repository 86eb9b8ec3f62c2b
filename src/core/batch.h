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
#include "pyforge/plugin.h"

/* The layout (pf_column, pf_batch, PF_BATCH_*) and the inline setters are
 * the plugin ABI's (pyforge/plugin.h): built-in readers and plugins fill
 * the very same structs. The library's names for the inline helpers: */
#define pf__bit_get pf_bit_get
#define pf__bit_set pf_bit_set
#define pf__bit_clear pf_bit_clear
#define pf__col_is_valid pf_col_is_valid
#define pf__col_set_i64 pf_col_set_i64
#define pf__col_set_f64 pf_col_set_f64
#define pf__col_set_i32 pf_col_set_i32
#define pf__col_set_bool pf_col_set_bool
#define pf__col_set_null pf_col_set_null
#define pf__col_i64 pf_col_i64
#define pf__col_f64 pf_col_f64
#define pf__col_i32 pf_col_i32
#define pf__col_bool pf_col_bool
#define pf__col_str pf_col_str

/* A batch typed like schema, with room for cap_rows rows, zero rows. */
pf_status pf__batch_create(const pf_schema *schema, size_t cap_rows,
                           pf_batch **out);
/* Empties the batch (n_rows = 0, counts reset) and retypes its columns to
 * schema (which must have the same column count). Keeps allocations. */
pf_status pf__batch_reset(pf_batch *b, const pf_schema *schema);
void pf__batch_free(pf_batch *b);

/* Appends a string value as row `row` (rows must come in order). Fails with
 * PF_ELIMIT past PF_BATCH_MAX_DATA bytes, PF_ENOMEM when out of memory. */
pf_status pf__col_push_str(pf_column *c, size_t row, const void *p, size_t n);
/* Room for n more data bytes in a string column, and `slack` bytes past
 * them that a caller may overwrite (a copy a word at a time); PF_ELIMIT when
 * data would pass PF_BATCH_MAX_DATA bytes, PF_ENOMEM. */
pf_status pf__col_reserve_data(pf_column *c, size_t n, size_t slack);

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

#endif

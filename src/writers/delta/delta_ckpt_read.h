/* delta_ckpt_read.h - decoding one leaf column of a (nested) Parquet file
 * into repetition levels, definition levels and values, for the Delta
 * checkpoint reader (delta_checkpoint_read.c). The pages are untrusted:
 * every length is checked against the bytes present and the limits below.
 */
#ifndef PF_WRITERS_DELTA_CKPT_READ_H
#define PF_WRITERS_DELTA_CKPT_READ_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/error.h"
#include "core/parquet_footer_read.h"

/* Limits on what one checkpoint may hold. */
#define PF__CKR_MAX_FILE ((uint64_t)1 << 31)      /* file bytes             */
#define PF__CKR_MAX_PAGE ((size_t)256 << 20)      /* one uncompressed page  */
#define PF__CKR_MAX_ENTRIES ((size_t)1 << 26)     /* level entries, all
                                                     columns together      */
#define PF__CKR_MAX_DEPTH 16                      /* schema nesting         */

/* One non-null value: integers and booleans in i, byte arrays as a range
 * of the column's arena. */
typedef struct pf__ckr_value {
  int64_t i;
  size_t off, len;
} pf__ckr_value;

/* A decoded leaf column (all row groups, in order). */
typedef struct pf__ckr_col {
  int type;                   /* physical type                             */
  int max_def, max_rep;
  size_t n;                   /* level entries                             */
  size_t max_entries;         /* limit on n (set by the caller)            */
  uint8_t *def, *rep;         /* n each (levels are <= PF__CKR_MAX_DEPTH)  */
  size_t n_values;            /* entries with def == max_def               */
  pf__ckr_value *values;
  pf__buf arena;              /* byte array values                         */
} pf__ckr_col;

/* Sets max_entries to PF__CKR_MAX_ENTRIES; the caller may lower it. */
void pf__ckr_col_init(pf__ckr_col *c, int type, int max_def, int max_rep);
void pf__ckr_col_free(pf__ckr_col *c);

/* Decodes column chunk `chunk` (of the file image file[0..size)) and appends
 * its entries to c. `name` (the dotted column path) is used in messages. */
pf_status pf__ckr_decode_chunk(pf__ckr_col *c, const uint8_t *file,
                               size_t size, const pf__pqr_chunk *chunk,
                               const char *name, pf_error *err);

#endif

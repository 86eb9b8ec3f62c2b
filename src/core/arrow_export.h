/* arrow_export.h - schemas and column batches as Arrow C Data Interface
 * structs (pyforge/arrow_c_data.h).
 *
 * A pf_batch already has Arrow's memory layout, so exporting copies
 * nothing: the array takes the batch's buffers (pf__col_detach) and the
 * batch gets buffers of the same sizes from a pool, to be filled by the
 * reader's next call. The array lives until its own release, independent
 * of the reader and of the stream (the Arrow stream contract); released
 * buffers go back to the pool, so a stream in its steady state allocates
 * nothing. Each child (column) owns its buffers and has its own release,
 * so a consumer may move children out of the parent. Releases may come
 * from any thread (the pool has a lock).
 *
 * Types: null "n", bool "b", int64 "l", double "g", decimal128 "d:P,S",
 * date32 "tdD", timestamp[us] "tsu:" / timestamp[us, UTC] "tsu:UTC",
 * time64[us] "ttu", utf8 "u", binary "z"; a batch is a struct "+s" whose
 * children are the columns. A field's note (how its type was decided) goes
 * into the child's metadata as "pyforge.note".
 */
#ifndef PF_CORE_ARROW_EXPORT_H
#define PF_CORE_ARROW_EXPORT_H

#include "core/batch.h"
#include "pyforge/arrow_c_data.h"

/* Fills out (a struct "+s" with one child per field). */
pf_status pf__arrow_export_schema(const pf_schema *schema, struct ArrowSchema *out);

/* Buffers released arrays give back, for batches to fill (up to max_bytes
 * cached). Its owner lets go with pf__arrow_pool_release; it is freed when
 * the last array made from it is released too. */
typedef struct pf__arrow_pool pf__arrow_pool;
pf__arrow_pool *pf__arrow_pool_new(size_t max_bytes);
void pf__arrow_pool_release(pf__arrow_pool *pool);
/* malloc-compatible memory of size bytes (pf__col_detach's alloc). */
void *pf__arrow_pool_alloc(void *pool, size_t size);

/* Fills out with the batch's n_rows rows, taking its buffers (the batch
 * must be reset before it is filled again). *bytes (if not NULL) gets the
 * bytes the array holds. */
pf_status pf__arrow_export_batch(pf__arrow_pool *pool, pf_batch *batch, struct ArrowArray *out,
                                 size_t *bytes);
/* The Arrow format string of a field ("d:38,10"); buf needs 32 bytes. */
const char *pf__arrow_format(const pf_field *f, char *buf, size_t n);

#endif

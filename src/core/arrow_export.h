/* arrow_export.h - schemas and column batches as Arrow C Data Interface
 * structs (pyforge/arrow_c_data.h).
 *
 * A pf_batch already has Arrow's memory layout; exporting copies its
 * buffers into memory the exported array owns, so the array lives until
 * its own release, independent of the reader that filled the batch (the
 * Arrow stream contract). Each child (column) owns its buffers and has its
 * own release, so a consumer may move children out of the parent.
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
/* Fills out with a copy of the batch's first n_rows rows. *bytes (if not
 * NULL) gets the bytes the array holds. */
pf_status pf__arrow_export_batch(const pf_batch *batch, struct ArrowArray *out,
                                 size_t *bytes);
/* The Arrow format string of a field ("d:38,10"); buf needs 32 bytes. */
const char *pf__arrow_format(const pf_field *f, char *buf, size_t n);

#endif

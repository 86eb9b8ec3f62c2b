/* output.h - writing one output file atomically, with a sequential stream.
 *
 * The bytes go to a temporary file; pf__output_commit() puts the finished
 * file at the target, pf__output_abort() removes every trace. The way the
 * file reaches its target is one strategy, chosen here for every writer:
 *   rename  temp file beside the target, then rename(2) (default);
 *   copy    temp file in the local temp directory, then a sequential copy
 *           to the target (Unity Catalog Volumes: /Volumes/... FUSE mounts
 *           have no rename; also used when rename fails with ENOSYS/EXDEV/
 *           EPERM). A failed copy removes the partial target.
 * PYFORGE_OUTPUT_STRATEGY=rename|copy forces one (tests).
 * Writes are sequential only: no seeks, no appends, no reads back.
 */
#ifndef PF_IO_OUTPUT_H
#define PF_IO_OUTPUT_H

#include <stdint.h>

#include "core/error.h"

typedef struct pf__output pf__output;

/* Creates the temporary file for target. Refuses an existing target unless
 * force (PF_EEXIST), a missing parent directory or one that is not a
 * directory (PF_EOUTPUT). */
pf_status pf__output_open(const char *target, int force, pf__output **out,
                          pf_error *err);
/* Buffered sequential write. PF_ENOSPACE on a full disk or size limit. */
pf_status pf__output_write(pf__output *o, const void *p, size_t n,
                           pf_error *err);
/* Bytes written so far. */
uint64_t pf__output_size(const pf__output *o);
/* Flushes, closes and puts the file at its target; frees o whatever the
 * result. On failure nothing is left at the target or in temp. */
pf_status pf__output_commit(pf__output *o, pf_error *err);
/* Discards everything written and frees o (NULL is fine). */
void pf__output_abort(pf__output *o);

#endif

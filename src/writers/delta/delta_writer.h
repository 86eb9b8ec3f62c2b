/* delta_writer.h - the Delta Lake table writer's entry in the format
 * registry, and the table inspection `pyforge info TABLE_DIR` uses.
 * Options: the delta.* keys (delta_options.c). */
#ifndef PF_WRITERS_DELTA_WRITER_H
#define PF_WRITERS_DELTA_WRITER_H

#include "core/format_api.h"

extern const pf__writer_ops pf__delta_writer_ops;
extern const pf__option_table pf__delta_option_table;

/* 1 when dir is a Delta table (holds _delta_log/). */
int pf__delta_is_table(const char *dir);
/* Fills info (format "delta", rows, schema, props, sections for files and
 * history) from the table's log. */
pf_status pf__delta_table_info(const char *dir, const pf__opts *opts,
                               pf_info *info, pf_error *err);

/* One write fed by several inputs, committed once (delta_multi.c; the
 * batch's table mode). main is a state from pf__delta_writer_ops.open (its
 * env->schema is the schema every part's batches come in); each input gets
 * a part, written with .write; pf__delta_part_keep finishes it and hands
 * its files to main (counted as one input in the commitInfo), drop removes
 * them. Part open, keep and drop one at a time (keep changes main, open
 * copies it); each part on one thread at a time. Then main is
 * closed, committed or aborted as usual. */
pf_status pf__delta_part_open(void *main, pf__pool *pool, const pf__log *log, void **part,
                              pf_error *err);
pf_status pf__delta_part_keep(void *main, void *part, uint64_t *bytes, pf_error *err);
void pf__delta_part_drop(void *main, void *part);
int64_t pf__delta_main_files(const void *main);
/* The schema of the table at dir (types we cannot write: PF_TYPE_COUNT_)
 * and its version; *out NULL and *version -1 when there is no table. */
pf_status pf__delta_table_schema(const char *dir, const pf__log *log, pf_schema **out,
                                 int64_t *version, pf_error *err);

#endif

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

#endif

/* format_api.h - the interfaces readers and writers implement.
 *
 * Readers and writers never include each other: the engine moves pf_batches
 * from a reader to a writer. The interfaces are the public plugin ABI's
 * structs (include/pyforge/plugin.h documents every member); built-in
 * formats and plugins register in the engine's registry
 * (src/engine/registry.c) through the same descriptors.
 */
#ifndef PF_CORE_FORMAT_API_H
#define PF_CORE_FORMAT_API_H

#include "core/batch.h"
#include "core/log.h"
#include "core/opts.h"
#include "core/pool.h"

/* The interfaces are the plugin ABI's (pyforge/plugin.h): a built-in
 * reader is a pf_reader_def like a plugin's, registered in the same
 * registry (src/engine/registry.c). The library's names for them: */
typedef pf_reader_env pf__reader_env;       /* what a reader is opened with */
typedef pf_reader_stats pf__reader_stats;
typedef pf_reader_table pf__table_desc;     /* a table of a multi-table input */
typedef pf_reader_check pf__check;          /* validate of described formats */
typedef pf_reader_def pf__reader_ops;
typedef pf_writer_env pf__writer_env;
typedef pf_commit_info pf__commit_info;
typedef pf_writer_def pf__writer_ops;

/* A table writer owns a directory and publishes with commit(); a file
 * writer writes one file through env->out. */
#define pf__writer_is_table(w) ((w)->commit != NULL)

typedef struct pf_output pf__output; /* src/io/output.h */

/* ---- info helpers (src/core/info.c) ---- */
pf_status pf__info_prop(pf_info *info, const char *key, const char *fmt, ...)
    PF__PRINTF(3, 4);
/* Appends a section; returns it (NULL when out of memory). */
pf_info_section *pf__info_section(pf_info *info, const char *kind,
                                  const char *name);
pf_status pf__section_prop(pf_info_section *s, const char *key,
                           const char *fmt, ...) PF__PRINTF(3, 4);

#endif

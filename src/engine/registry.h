/* registry.h - the table of formats: which reader or writer handles a name,
 * an extension or a file's first bytes. Built-in formats are listed here;
 * plugins will register through the same table. */
#ifndef PF_ENGINE_REGISTRY_H
#define PF_ENGINE_REGISTRY_H

#include "core/format_api.h"

/* Every option table: the engine's and each format's, in --help order. */
const pf__option_table *const *pf__option_tables(size_t *n);
/* The engine's own tables (options_engine.c). */
extern const pf__option_table pf__output_option_table;
extern const pf__option_table pf__input_option_table;
extern const pf__option_table pf__validate_option_table;
extern const pf__option_table pf__stream_option_table;

/* The reader for input.format, else by the input's extension (compression
 * suffixes .gz .zst .bz2 stripped; an fd/buffer input by its name), else by
 * sniffing its first bytes. PF_EFORMAT listing the formats when none fits. */
pf_status pf__registry_reader(const pf__opts *o, const pf__reader_ops **out,
                              pf_error *err);
/* The writer for format_name, else by the output's extension, else parquet. */
pf_status pf__registry_writer(const char *output, const char *format_name,
                              const pf__writer_ops **out, pf_error *err);

/* The extension of path's last component with any compression suffix
 * (.gz .gzip .zst .zstd .bz2) removed: "a/b.CSV.gz" -> ".CSV" in *ext.
 * Returns its length (0 when none; *ext then points at ""). *stem (if not
 * NULL) gets the length of path without its extensions ("a/b"). */
size_t pf__path_ext(const char *path, const char **ext, size_t *stem);

#endif

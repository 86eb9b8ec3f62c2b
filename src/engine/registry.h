/* registry.h - the table of formats: which reader or writer handles a name,
 * an extension, a file's first bytes or an existing output, and every
 * option table. Built-in formats and plugins' formats are entries of the
 * same kind (pf_reader_def / pf_writer_def, pyforge/plugin.h): one path.
 *
 * The registry is a snapshot, immutable once published: the built-in
 * formats, then those of the plugins loaded, in their init order. The
 * plugin manager (plugin_load.c) publishes a new one when the plugins
 * change (discovery, a path added, a reload); older snapshots stay valid
 * until pf_plugins_shutdown(), so a pointer taken from one never dangles
 * while the process uses the registry. */
#ifndef PF_ENGINE_REGISTRY_H
#define PF_ENGINE_REGISTRY_H

#include "core/format_api.h"

/* A reader or writer of the registry. */
typedef struct pf__format {
  const pf__reader_ops *reader; /* one of reader and writer is set          */
  const pf__writer_ops *writer;
  const char *plugin;           /* NULL: built in; else the plugin's name   */
  const char *origin;           /* "built-in" or the plugin's path          */
} pf__format;

/* What one plugin adds (host-owned copies, valid until shutdown). */
typedef struct pf__registry_part {
  const char *plugin;           /* its name                                 */
  const char *path;             /* its shared library                       */
  const pf__reader_ops *readers;
  size_t n_readers;
  const pf__writer_ops *writers;
  size_t n_writers;
  const pf__option_table *tables;
  size_t n_tables;
} pf__registry_part;

typedef struct pf__registry {
  size_t n_readers;
  pf__format *readers;          /* built-in first                           */
  size_t n_writers;
  pf__format *writers;          /* built-in first; writers[0]: the default  */
  size_t n_tables;
  const pf__option_table **tables; /* in --help order                       */
  size_t n_descs;
  pf_format_desc *descs;        /* pf_formats_list                          */
  struct pf__registry *older;   /* retired snapshots, freed at shutdown     */
} pf__registry;

/* The current snapshot (discovers plugins on the first call). Never NULL:
 * when memory runs out, the built-in formats alone. */
const pf__registry *pf__registry_get(void);
/* Builds a snapshot of the built-in formats plus parts[0..n) and makes it
 * the current one (the plugin manager calls it, holding its lock). */
pf_status pf__registry_publish(const pf__registry_part *parts, size_t n);
/* Frees every snapshot (pf_plugins_shutdown). */
void pf__registry_reset(void);
/* The built-in formats alone (clash checks of the plugin manager). */
const pf__registry *pf__registry_builtin(void);

/* Every option table: the engine's and each format's, in --help order. */
const pf__option_table *const *pf__option_tables(size_t *n);
/* The engine's own tables (options_engine.c). */
extern const pf__option_table pf__output_option_table;
extern const pf__option_table pf__input_option_table;
extern const pf__option_table pf__validate_option_table;
extern const pf__option_table pf__stream_option_table;

/* The reader for input.format, else by the input's extension (compression
 * suffixes .gz .zst .bz2 stripped; an fd/buffer input by its name), else by
 * sniffing its first bytes. PF_EFORMAT listing the formats when none fits.
 * *plugin (may be NULL) gets the name of the plugin it comes from, NULL
 * for a built-in reader. */
pf_status pf__registry_reader(const pf__opts *o, const pf__reader_ops **out,
                              const char **plugin, pf_error *err);
/* The writer for format_name, else the one whose probe() claims an
 * existing output (a table directory), else by the output's extension,
 * else the default (parquet). */
pf_status pf__registry_writer(const char *output, const char *format_name,
                              const pf__writer_ops **out, pf_error *err);
/* The writer whose probe() claims the existing path and that can
 * describe() it (`info` of a table directory), or NULL. */
const pf__writer_ops *pf__registry_describer(const char *path);
/* The plugin a reader or writer comes from (NULL: built in). */
const char *pf__registry_plugin_of(const void *ops);

/* Options of a writer's own table (delta.*) set to a value other than
 * their default while another writer writes: PF_EINVAL naming them. */
pf_status pf__registry_check_writer_options(const pf__opts *o,
                                            const pf__writer_ops *w, pf_error *err);

/* The extension of path's last component with any compression suffix
 * (.gz .gzip .zst .zstd .bz2) removed: "a/b.CSV.gz" -> ".CSV" in *ext.
 * Returns its length (0 when none; *ext then points at ""). *stem (if not
 * NULL) gets the length of path without its extensions ("a/b"). */
size_t pf__path_ext(const char *path, const char **ext, size_t *stem);

#endif

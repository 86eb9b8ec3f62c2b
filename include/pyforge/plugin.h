/* plugin.h - the PyForge plugin ABI: how a shared library adds input and
 * output formats, options and conversion hooks to libpyforge.
 *
 * A plugin is a shared library that exports one symbol,
 *
 *     PF_PLUGIN_EXPORT pf_status pyforge_plugin_init(const pf_host *host,
 *                                                    pf_plugin *plugin,
 *                                                    pf_error *err);
 *
 * and never links against libpyforge: everything it needs from the engine
 * (building batches, errors with their place, logging, reading its input,
 * the thread pool, type inference, option values, info properties) comes
 * through the function table `host`. `nm -u` of a plugin shows no pf_
 * symbol. The host loads it with dlopen(RTLD_NOW | RTLD_LOCAL); build it
 * with -fvisibility=hidden so that only the entry symbol is exported.
 * docs/extensions.md walks through plugins/template/ (JSON Lines), the
 * example written against this header only.
 *
 * Built-in formats are described by the very same structs (pf_reader_def,
 * pf_writer_def, pf_option_desc): the engine has one path for both.
 *
 * Versioning (docs/extensions.md, "Versioning rules")
 * - PF_PLUGIN_ABI_MAJOR changes only when something below changes
 *   incompatibly; a host loads plugins of its own major only.
 * - PF_PLUGIN_ABI_MINOR grows when something is added: functions at the
 *   end of pf_host, fields at the end of the structs that carry a
 *   struct_size. A plugin states the smallest minor it needs
 *   (pf_plugin_begin); a host of an older minor refuses it with the reason.
 * - Frozen forever: the entry's signature, the first four fields of pf_host
 *   and of pf_plugin, and the batch layout (pf_column, pf_batch) within a
 *   major version.
 * - Structs the plugin fills for the host (pf_reader_def, pf_writer_def,
 *   pf_hooks, pf_option_desc) start with struct_size = sizeof as the plugin
 *   was compiled: the host reads only that much and takes missing fields
 *   as zero. Structs the host fills for the plugin (environments, events,
 *   stats) only grow at the end; read a field added in minor N only when
 *   host->abi_minor >= N.
 *
 * Threads: init and shutdown run on one thread, with the host's registry
 * locked: do not call back into the engine there except through `host`.
 * A reader or writer instance is used by one thread at a time (the thread
 * calling the engine); several instances may run concurrently on different
 * threads, so plugin-global state must be read-only after init or locked.
 * Hooks run on the thread calling pf_convert.
 *
 * Lifetime: pointers a plugin registers (names, function pointers, option
 * descriptors) must stay valid until its shutdown; the host copies the
 * text it lists (names, descriptions, option descriptors).
 */
#ifndef PYFORGE_PLUGIN_H
#define PYFORGE_PLUGIN_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "pyforge/pyforge.h" /* types only: a plugin calls no pf_ function */

#ifdef __cplusplus
extern "C" {
#endif

#define PF_PLUGIN_ABI_MAJOR 1
#define PF_PLUGIN_ABI_MINOR 2

#if defined(_WIN32)
#define PF_PLUGIN_EXPORT __declspec(dllexport)
#elif defined(__GNUC__)
#define PF_PLUGIN_EXPORT __attribute__((visibility("default")))
#else
#define PF_PLUGIN_EXPORT
#endif

/* The entry symbol's name, for hosts that look it up. */
#define PF_PLUGIN_ENTRY "pyforge_plugin_init"

/* ==== column batches: the layout every reader fills and writer reads ======
 * Frozen within ABI major 1. A batch holds up to cap_rows rows as columns
 * in the Arrow memory layout:
 *   validity  bitmap, LSB bit order, bit set = value present; always
 *             allocated; null_count == 0 means every bit in range is set.
 *   values    fixed width: int64/double/timestamp/time (8 bytes), date
 *             (int32 days since 1970-01-01), decimal (16 bytes little
 *             endian); booleans are a bitmap like validity.
 *   offsets   string/binary: n_rows + 1 int32 offsets into data.
 * A null slot's value bytes are zero (strings: empty). A batch owns its
 * buffers; create, reset and free it through the host (batch_create, ...).
 * Fixed-width columns may be filled in any row order; strings row by row. */

/* Rows per batch a reader should aim for. */
#define PF_BATCH_ROWS 65536
/* Hard cap on string bytes in one column of one batch (int32 offsets). */
#define PF_BATCH_MAX_DATA ((size_t)INT32_MAX)
/* String bytes (all columns) past which a reader should end a batch early:
 * memory stays bounded when values are large. Consumers take batches of
 * any row count. */
#define PF_BATCH_DATA_BUDGET ((size_t)64 << 20)

typedef struct pf_column {
  pf_type type;        /* read-only                                        */
  uint8_t *validity;   /* cap_rows bits                                    */
  uint8_t *values;     /* fixed width values or bool bitmap; NULL for varlen */
  int32_t *offsets;    /* varlen: cap_rows + 1 entries                     */
  uint8_t *data;       /* varlen bytes (never NULL for varlen columns)     */
  size_t data_len;     /* varlen: bytes used                               */
  size_t data_cap;     /* varlen: bytes allocated (grown by the host)      */
  int64_t null_count;  /* nulls among the batch's n_rows                   */
} pf_column;

typedef struct pf_batch {
  size_t n_rows;       /* rows filled: set it when the rows are complete   */
  size_t cap_rows;     /* rows allocated                                   */
  size_t n_cols;
  pf_column *cols;
  int64_t first_row;   /* 0-based index of this batch's first row among the
                          input's data rows (for messages)                 */
} pf_batch;

/* A typed value (pf_host.infer_parse). */
typedef union pf_value {
  int64_t i64;         /* int64, timestamp and time microseconds           */
  double f64;
  int32_t i32;         /* date: days since 1970-01-01                      */
  int b;               /* boolean                                          */
} pf_value;

/* Bytes per value for fixed-width types; 0 for bool (bit packed), string,
 * binary and null. */
static inline size_t pf_type_width(pf_type t) {
  switch (t) {
    case PF_TYPE_INT64:
    case PF_TYPE_DOUBLE:
    case PF_TYPE_TIMESTAMP:
    case PF_TYPE_TIMESTAMP_UTC:
    case PF_TYPE_TIME: return 8;
    case PF_TYPE_DATE: return 4;
    case PF_TYPE_DECIMAL: return 16;
    default: return 0;
  }
}
static inline int pf_type_is_varlen(pf_type t) {
  return t == PF_TYPE_STRING || t == PF_TYPE_BINARY;
}

static inline int pf_bit_get(const uint8_t *bits, size_t i) {
  return (bits[i >> 3] >> (i & 7)) & 1;
}
static inline void pf_bit_set(uint8_t *bits, size_t i) {
  bits[i >> 3] |= (uint8_t)(1u << (i & 7));
}
static inline void pf_bit_clear(uint8_t *bits, size_t i) {
  bits[i >> 3] &= (uint8_t) ~(1u << (i & 7));
}
static inline int pf_col_is_valid(const pf_column *c, size_t row) {
  return c->null_count == 0 || pf_bit_get(c->validity, row);
}

/* Setters for row `row` (< cap_rows). They do not change n_rows. Each row
 * of each column is set exactly once; string rows in increasing order. */
static inline void pf_col_set_i64(pf_column *c, size_t row, int64_t v) {
  pf_bit_set(c->validity, row);
  memcpy(c->values + row * 8, &v, 8);
}
static inline void pf_col_set_f64(pf_column *c, size_t row, double v) {
  pf_bit_set(c->validity, row);
  memcpy(c->values + row * 8, &v, 8);
}
static inline void pf_col_set_i32(pf_column *c, size_t row, int32_t v) {
  pf_bit_set(c->validity, row);
  memcpy(c->values + row * 4, &v, 4);
}
static inline void pf_col_set_bool(pf_column *c, size_t row, int v) {
  pf_bit_set(c->validity, row);
  if (v) pf_bit_set(c->values, row);
  else pf_bit_clear(c->values, row);
}
static inline void pf_col_set_null(pf_column *c, size_t row) {
  pf_bit_clear(c->validity, row);
  c->null_count++;
  if (c->offsets) {
    c->offsets[row + 1] = c->offsets[row];
  } else if (c->type == PF_TYPE_BOOL) {
    pf_bit_clear(c->values, row);
  } else if (c->values) {
    size_t w = pf_type_width(c->type);
    memset(c->values + row * w, 0, w);
  }
}

/* Value accessors (writers). */
static inline int64_t pf_col_i64(const pf_column *c, size_t row) {
  int64_t v;
  memcpy(&v, c->values + row * 8, 8);
  return v;
}
static inline double pf_col_f64(const pf_column *c, size_t row) {
  double v;
  memcpy(&v, c->values + row * 8, 8);
  return v;
}
static inline int32_t pf_col_i32(const pf_column *c, size_t row) {
  int32_t v;
  memcpy(&v, c->values + row * 4, 4);
  return v;
}
static inline int pf_col_bool(const pf_column *c, size_t row) {
  return pf_bit_get(c->values, row);
}
static inline const uint8_t *pf_col_str(const pf_column *c, size_t row, size_t *len) {
  *len = (size_t)(c->offsets[row + 1] - c->offsets[row]);
  return c->data + c->offsets[row];
}

/* ==== what the host lends a reader or writer (opaque) ===================== */
typedef struct pf_call_options pf_call_options; /* the running call's options */
typedef struct pf_pool pf_pool;                 /* the call's thread pool     */
typedef struct pf_log_sink pf_log_sink;         /* the call's log             */
typedef struct pf_source pf_source;             /* an input being read        */
typedef struct pf_output pf_output;             /* an output being written    */
typedef struct pf_infer pf_infer;               /* inference context          */
typedef struct pf_host pf_host;

/* ==== readers ============================================================== */

/* What the engine gives a reader to open. Borrowed for the reader's life. */
typedef struct pf_reader_env {
  const char *path;              /* the input's path, "-" for stdin, or the
                                    name of an fd/buffer input (may be ""):
                                    open it with host->source_open(env)    */
  const pf_call_options *opts;   /* option values: host->option_text/int   */
  pf_pool *pool;                 /* the call's threads: host->pool_run      */
  const pf_log_sink *log;        /* host->log; lines get the plugin's name  */
  /* A bad row left out (input.on_bad_rows=skip, or validation): call it
   * from the thread that called next(), in input order. line: the 1-based
   * physical line where the row starts; raw: the row's bytes as in the
   * input. A non-OK return stops reading (return it). */
  pf_status (*reject)(void *user, int64_t line, const char *reason,
                      const char *raw, size_t raw_len, pf_error *err);
  void *reject_user;
  int validating;                /* 1: report bad rows through reject()
                                    whatever input.on_bad_rows says       */
} pf_reader_env;

typedef struct pf_reader_stats {
  uint64_t bytes_read;     /* decompressed bytes consumed so far           */
  uint64_t bytes_total;    /* input size when known (0 otherwise)           */
  uint64_t progress_done;  /* in the unit of bytes_total (on-disk bytes)    */
  int64_t rows_rejected;
} pf_reader_stats;

/* One table of an input that holds several (a workbook's sheets, a
 * database's tables). */
typedef struct pf_reader_table {
  const char *name;       /* "Sheet1"; borrowed until close()               */
  const char *signature;  /* header signature for grouping: equal strings
                             mean the tables can share one output; ""
                             when the table has no rows (not converted)    */
  int hidden;             /* hidden in the application                     */
  int64_t rows_hint;      /* data rows if known cheaply, else -1           */
} pf_reader_table;

/* What a reader's check() reports (validate of inputs PyForge describes
 * but does not convert, e.g. Parquet). */
typedef struct pf_reader_check {
  int64_t rows;            /* rows of the input, as its decoded parts count */
  char scope[512];         /* what was read and decoded, for the user       */
  /* Call for each problem found, with its place; a non-OK return stops the
   * check. */
  pf_status (*problem)(void *user, const pf_error *where);
  void *user;
} pf_reader_check;

/* An input format. Every function returns PF_OK or fills err (message and
 * place, through host->error_*). Optional members may be NULL. */
typedef struct pf_reader_def {
  size_t struct_size;      /* sizeof(pf_reader_def) as compiled            */
  const char *name;        /* "jsonl": [a-z0-9_]+, the input.format value  */
  const char *description; /* one line for `pyforge formats`               */
  const char *extensions;  /* ".jsonl .ndjson": chooses the reader by name
                              (after .gz/.zst/.bz2 are stripped)           */
  /* Optional: 0..100, how much the input's first (decompressed) bytes
   * look like this format; used when the name does not tell. */
  int (*sniff)(const uint8_t *head, size_t n);
  /* Opens the input and decides the schema (may read a sample). */
  pf_status (*open)(const pf_reader_env *env, void **state, pf_error *err);
  /* The schema; valid until close(); changes only across PF_ERESTART. */
  const pf_schema *(*schema)(void *state);
  /* The next batch in *batch (owned by the reader, valid until the next
   * call), NULL at the end. PF_ERESTART: a value forced the schema to
   * change after batches were handed out; the caller discards what it
   * wrote, calls rewind() and starts again with the new schema(), which
   * carries a note on the change (host->widen_note). */
  pf_status (*next)(void *state, pf_batch **batch, pf_error *err);
  pf_status (*rewind)(void *state, pf_error *err);
  /* Adds facts (host->info_prop, info_section) and may set info->rows;
   * schema, path, format and size are filled by the engine. */
  pf_status (*info)(void *state, pf_info *info, pf_error *err);
  void (*stats)(void *state, pf_reader_stats *out); /* optional */
  void (*close)(void *state);

  /* Optional: inputs holding several tables. After open() every table is
   * selected, in input order. select() reads only tables idx[0..n) from
   * now on, as one stream, from their beginning; with table_column set, a
   * first string column of that name holds each row's table name; the
   * schema is decided again for the selection. */
  size_t (*n_tables)(void *state);
  pf_status (*table)(void *state, size_t i, pf_reader_table *out, pf_error *err);
  pf_status (*select)(void *state, const size_t *idx, size_t n,
                      const char *table_column, pf_error *err);

  /* Optional: what the reader has to say once the input was read (records
   * left out and why, a damaged file read leniently): lines the engine
   * adds to the result's warnings. *out is valid until the next call. */
  size_t (*warnings)(void *state, const char *const **out);

  /* Optional: for inputs described but not converted; validate decodes
   * every part through check() instead of next(). */
  pf_status (*check)(void *state, pf_reader_check *out, pf_error *err);

  /* 1 when next() never returns PF_ERESTART: the types are final after
   * open() (a stream then holds nothing back). */
  int types_final;

  /* Optional: listing text after the extensions in `pyforge formats`
   * ("(+ .gz .zst .bz2)"). */
  const char *extensions_note;

  /* Minor 1. Inputs holding several tables: 1 when each table is its own
   * output, named by the table alone (<stem>_<writer>/<table>.<ext>, a
   * directory even for one table: a database's tables), never grouped;
   * a table that fails is reported and the others are still written. */
  int tables_apart;

  /* Minor 2. Inputs holding several tables: how messages name them and
   * how the user chooses them. table_word: one table ("sheet", "table";
   * NULL: "table"), also the name column's stem when tables share an
   * output ("sheet_name"); tables_in: the input holding them ("workbook",
   * "database"; NULL: "input"); tables_key: the list option naming the
   * tables to read, in order ("excel.sheets", "access.tables"; NULL:
   * every table), which the engine applies before select(): an unknown
   * name is an error listing the tables there are. */
  const char *table_word;
  const char *tables_in;
  const char *tables_key;
} pf_reader_def;

/* ==== writers ============================================================== */

typedef struct pf_writer_env {
  pf_output *out;                /* file writers: the sequential sink
                                    (host->output_write); the engine commits
                                    or discards it after close/abort. NULL
                                    for table writers (commit set)        */
  const char *target;            /* the output path (a table's directory)  */
  const pf_schema *schema;       /* batches come typed like this           */
  const pf_call_options *opts;
  pf_pool *pool;
  const pf_log_sink *log;
} pf_writer_env;

/* What a table writer's commit() published. */
typedef struct pf_commit_info {
  int64_t version;         /* the table version committed                   */
  int64_t files;           /* data files added                              */
  uint64_t bytes;          /* their size                                    */
} pf_commit_info;

/* An output format. A file writer (commit NULL) writes one file through
 * env->out; a table writer (commit set) owns its target directory. */
typedef struct pf_writer_def {
  size_t struct_size;      /* sizeof(pf_writer_def) as compiled            */
  const char *name;        /* "txt": the output.format value               */
  const char *description;
  const char *extensions;  /* ".txt": chooses the writer by the output's
                              name; the first is the default output's     */
  pf_status (*open)(const pf_writer_env *env, void **state, pf_error *err);
  /* Consumes a batch typed like env->schema; the batch is only borrowed. */
  pf_status (*write)(void *state, const pf_batch *batch, pf_error *err);
  /* Writes everything still buffered. A file writer frees state; a table
   * writer keeps it for commit() or abort(). */
  pf_status (*close)(void *state, pf_error *err);
  /* Frees state without finishing (also after a table writer's close()). */
  void (*abort)(void *state);
  /* Table writers: publishes everything at once after close() succeeded;
   * frees state, even when it fails. */
  pf_status (*commit)(void *state, pf_commit_info *info, pf_error *err);
  /* Optional: 1 when the existing path target is one of this writer's
   * outputs (a table directory): writing to it then picks this writer
   * without output.format, and `info` describes it with describe(). */
  int (*probe)(const char *target);
  /* Optional: describes an existing output (pyforge info TARGET): format,
   * rows, schema, props and sections of info. */
  pf_status (*describe)(const char *target, const pf_call_options *opts,
                        pf_info *info, pf_error *err);
  /* Optional: listing text instead of the extensions ("TABLE_DIR (a
   * directory)"). */
  const char *extensions_note;
} pf_writer_def;

/* ==== hooks around pf_convert ============================================= */

/* What a hook sees. Filled by the host; only grows at the end. */
typedef struct pf_convert_event {
  size_t struct_size;                 /* the host's sizeof                  */
  const char *input;                  /* input.path ("" for fd/buffer)      */
  pf_options *options;                /* pre_convert: the call's own copy;
                                         change it with host->options_set.
                                         Later hooks: read only            */
  const pf_convert_result *result;    /* post_convert: what was written     */
  const pf_error *error;              /* on_error: why it failed            */
  pf_status status;                   /* on_error: the failure's status     */
  const pf_log_sink *log;             /* the call's log (host->log); lines
                                         get the plugin's name             */
} pf_convert_event;

/* pf_hooks.required: a failure of these hooks fails the conversion (else it
 * is logged with the plugin's name and the conversion goes on). */
#define PF_HOOK_PRE_REQUIRED 0x1u
#define PF_HOOK_POST_REQUIRED 0x2u

typedef struct pf_hooks {
  size_t struct_size;      /* sizeof(pf_hooks) as compiled                  */
  unsigned required;       /* PF_HOOK_*_REQUIRED                            */
  /* Before the input is opened; may add or change options ("parameter
   * enhancement"). */
  pf_status (*pre_convert)(void *state, pf_convert_event *ev, pf_error *err);
  /* After every output was published. A required post hook's failure makes
   * pf_convert fail; the outputs stay (they are complete). */
  pf_status (*post_convert)(void *state, const pf_convert_event *ev, pf_error *err);
  /* After a conversion failed (nothing was left behind); informational. */
  void (*on_error)(void *state, const pf_convert_event *ev);
  void *state;             /* given back to each hook                      */
} pf_hooks;

/* ==== the plugin itself ==================================================== */

/* The host's record of the plugin being initialised; init fills it. The
 * first four fields are frozen forever. */
typedef struct pf_plugin {
  uint32_t abi_major;      /* plugin: PF_PLUGIN_ABI_MAJOR it was built with */
  uint32_t abi_minor;      /* plugin: the smallest host minor it needs      */
  size_t struct_size;      /* host: sizeof(pf_plugin) in the host           */
  void *host_data;         /* host: private                                 */
  const char *name;        /* plugin: [a-z0-9_-]+, unique; log prefix       */
  const char *version;     /* plugin: "1.2.0"                               */
  const char *description; /* plugin: one line                              */
  void *state;             /* plugin: given back to shutdown                */
  /* plugin (optional): called once at exit or unload, in the reverse of
   * the init order; the plugin's formats and hooks are gone by then. */
  void (*shutdown)(void *state);
  /* ---- added in minor 1 (set through pf_plugin_unavailable) ---- */
  /* plugin (optional): why the plugin cannot read or write on this machine
   * and how to fix it ("pdfium was not found: pip install pypdfium2"). The
   * plugin stays loaded with its formats (whose functions then fail with
   * that advice); the registry shows its state as "unavailable" with this
   * reason. Valid until shutdown. */
  const char *unavailable;
} pf_plugin;

/* The entry point's type. Return PF_OK after registering (or an error with
 * its reason in err: the plugin is then recorded as failed, and nothing it
 * registered is kept). */
typedef pf_status (*pf_plugin_init_fn)(const pf_host *host, pf_plugin *plugin,
                                       pf_error *err);

/* ==== the host's function table ============================================ */
struct pf_host {
  /* ---- frozen prefix ---- */
  uint32_t abi_major;      /* PF_PLUGIN_ABI_MAJOR of the host               */
  uint32_t abi_minor;      /* PF_PLUGIN_ABI_MINOR of the host               */
  size_t struct_size;      /* sizeof(pf_host) in the host                   */
  const char *version;     /* libpyforge's version ("2.0.0")                */

  /* ---- registration: during init only ----
   * Names, extensions and keys are checked: a format name or option key,
   * short name or flag already taken (by a built-in or a plugin loaded
   * before) is refused with the reason, and the plugin with it. */
  pf_status (*add_reader)(pf_plugin *plugin, const pf_reader_def *def, pf_error *err);
  pf_status (*add_writer)(pf_plugin *plugin, const pf_writer_def *def, pf_error *err);
  /* Option keys (pf_option_desc, struct_size set): each key is
   * "<format>.<name>" for a format this plugin adds, or "<plugin>.<name>".
   * They appear in the CLI (flags, --help), `pyforge help --markdown` and
   * the Python keyword arguments like built-in keys. format: the writer
   * whose outputs the keys apply to (setting one for another output is an
   * error), or NULL. Values are read with option_text/option_int. */
  pf_status (*add_options)(pf_plugin *plugin, const char *format,
                           const pf_option_desc *options, size_t n, pf_error *err);
  pf_status (*add_hooks)(pf_plugin *plugin, const pf_hooks *hooks, pf_error *err);

  /* ---- errors: pf_error with its place (all accept err == NULL) ---- */
  void (*error_init)(pf_error *err);
  /* Sets status and message (printf format); returns st. */
  pf_status (*error_set)(pf_error *err, pf_status st, const char *fmt, ...)
#if defined(__GNUC__)
      __attribute__((format(printf, 3, 4)))
#endif
      ;
  void (*error_file)(pf_error *err, const char *file);
  /* row, line, column (1-based), byte offset; -1 leaves one unknown. */
  void (*error_place)(pf_error *err, int64_t row, int64_t line, int64_t column,
                      int64_t offset);
  void (*error_column_name)(pf_error *err, const char *name);
  /* A table of a multi-table input; kind: "sheet", "table". */
  void (*error_table)(pf_error *err, const char *kind, const char *name, int replace);
  void (*error_inner_path)(pf_error *err, const char *path);
  const char *(*status_name)(pf_status st);

  /* ---- logging: lines get "[<plugin name>] " in front. log NULL (in
   * init and shutdown): the plugin manager's log (pf_plugins_set_log) ---- */
  void (*log)(const pf_log_sink *log, pf_log_level level, const char *fmt, ...)
#if defined(__GNUC__)
      __attribute__((format(printf, 3, 4)))
#endif
      ;
  int (*log_enabled)(const pf_log_sink *log, pf_log_level level);

  /* ---- option values of the running call ----
   * Any key (built-in or a plugin's), by key: the canonical text (the
   * value set or the default; NULL when neither) and as a number (bool 0/1,
   * int and size, a char's byte, an enum's position in `values`; the
   * default when unset or "auto": auto_value). Lists: count and items. */
  const char *(*option_text)(const pf_call_options *opts, const char *key);
  int64_t (*option_int)(const pf_call_options *opts, const char *key, int64_t auto_value);
  size_t (*option_count)(const pf_call_options *opts, const char *key);
  const char *(*option_item)(const pf_call_options *opts, const char *key, size_t i);
  /* 1 when the call's cancel token was requested: stop with PF_ECANCELED. */
  int (*canceled)(const pf_call_options *opts);
  /* On a pf_options handle (pre_convert hooks): pf_options_set/get. */
  pf_status (*options_set)(pf_options *options, const char *key, const char *value,
                           pf_error *err);
  pf_status (*options_get)(const pf_options *options, const char *key,
                           const char **value, pf_error *err);

  /* ---- reading the input: the engine's sources (files, stdin and pipes
   * spooled, fds, memory buffers; gzip, zstd and bzip2 decompressed) ---- */
  pf_status (*source_open)(const pf_reader_env *env, pf_source **out, pf_error *err);
  /* Up to n decompressed bytes; *got == 0 at the end. */
  pf_status (*source_read)(pf_source *s, void *buf, size_t n, size_t *got, pf_error *err);
  pf_status (*source_rewind)(pf_source *s, pf_error *err);
  /* Random access for uncompressed inputs (PF_EUNSUPPORTED otherwise). */
  pf_status (*source_pread)(pf_source *s, uint64_t offset, void *buf, size_t n,
                            size_t *got, pf_error *err);
  uint64_t (*source_size)(const pf_source *s);     /* on disk (compressed) */
  uint64_t (*source_position)(const pf_source *s); /* on-disk bytes consumed */
  void (*source_close)(pf_source *s);

  /* ---- writing a file output ---- */
  pf_status (*output_write)(pf_output *out, const void *p, size_t n, pf_error *err);
  uint64_t (*output_size)(const pf_output *out);

  /* ---- batches ---- */
  /* A batch typed like schema with room for cap_rows rows, zero rows. */
  pf_status (*batch_create)(const pf_schema *schema, size_t cap_rows, pf_batch **out);
  /* Empties it (n_rows 0) and retypes its columns to schema (same column
   * count), keeping allocations. */
  pf_status (*batch_reset)(pf_batch *batch, const pf_schema *schema);
  void (*batch_free)(pf_batch *batch);
  /* Appends a string as row `row`, growing data (pf_col_push_str inlines
   * the common case). PF_ELIMIT past PF_BATCH_MAX_DATA, PF_ENOMEM. */
  pf_status (*col_push_str)(pf_column *c, size_t row, const void *p, size_t n);

  /* ---- schemas (pf_schema: pyforge.h) ---- */
  pf_schema *(*schema_new)(size_t n_fields); /* names "", type null; NULL: no memory */
  pf_status (*schema_set)(pf_schema *s, size_t i, const char *name, pf_type type,
                          int nullable);
  /* Appends text to field i's note ("; " between notes). */
  pf_status (*schema_note)(pf_schema *s, size_t i, const char *text);
  pf_schema *(*schema_copy)(const pf_schema *s);
  void (*schema_free)(pf_schema *s);

  /* ---- column names: the rules every reader follows (docs/types.md) ----
   * names_unique: raw[i] (len[i] bytes; len NULL: NUL-terminated) trimmed,
   * empty -> "Column_<i+1>", duplicates ignoring case -> "_2", "_3".
   * path_name: the name of a value nested in a record, as the XML reader
   * names it: segments joined by sep (NULL: "."); a value of a node that
   * also has children (or of the record itself, n_seg 0) gets sep +
   * value_name (NULL: "_VALUE") appended. Writes into buf (NUL-terminated
   * when n > 0) and returns the length it wanted. */
  pf_status (*names_unique)(const char *const *raw, const size_t *len, size_t n,
                            char ***out);
  void (*names_free)(char **names, size_t n);
  size_t (*path_name)(char *buf, size_t n, const char *const *seg, const size_t *seg_len,
                      size_t n_seg, int value_of_parent, const char *sep,
                      const char *value_name);

  /* ---- type inference: the engine's ladder (null -> boolean -> int64 ->
   * double -> date -> timestamp -> string) and widening (docs/types.md) ---- */
  pf_status (*infer_new)(pf_infer **out);
  void (*infer_free)(pf_infer *ctx);
  /* The narrowest type of one text (PF_TYPE_NULL for ""); *big = 1 for an
   * int64 beyond 2^53 (big may be NULL). */
  pf_type (*infer_value)(const pf_infer *ctx, const char *s, size_t n, int *big);
  /* The type of a column that held a (a_big) and now gets b (b_big). */
  pf_type (*infer_widen)(pf_type a, int a_big, pf_type b, int b_big);
  /* Text as a value of column type t: 1 and *out, or 0 (not of that type;
   * STRING and NULL always 0). */
  int (*infer_parse)(const pf_infer *ctx, pf_type t, const char *s, size_t n,
                     pf_value *out);
  /* The default null tokens ("NULL", "null", "NA", "N/A", "NaN"). */
  int (*infer_is_null)(const char *s, size_t n);
  /* The note of a widened column, worded as every reader words it:
   * "widened from int64 to double at WHERE: value 'V'" (+ " " why). Free
   * with host->free. */
  char *(*widen_note)(pf_type from, pf_type to, const char *where, const char *value,
                      size_t n, const char *why);
  /* err = PF_ERESTART naming the column (0-based col) and the note. */
  pf_status (*widen_restart)(pf_error *err, size_t col, const char *name, const char *note);

  /* ---- info (pf_info: pyforge.h) ---- */
  pf_status (*info_prop)(pf_info *info, const char *key, const char *value);
  pf_info_section *(*info_section)(pf_info *info, const char *kind, const char *name);
  pf_status (*section_prop)(pf_info_section *s, const char *key, const char *value);

  /* ---- threads: fn(arg, i) for every i < n over the call's pool and the
   * calling thread; returns when all are done. Not nested. ---- */
  void (*pool_run)(pf_pool *pool, size_t n, void (*fn)(void *arg, size_t i), void *arg);
  int (*pool_size)(const pf_pool *pool);

  /* ---- memory the host returned (widen_note) ---- */
  void (*free)(void *p);
  /* New functions are added here, at the end (minor versions). */
};

/* ---- helpers for plugin code (inline: no symbol is imported) ---- */

/* The first call of pyforge_plugin_init: records the ABI the plugin was
 * built for and the host minor it needs, and refuses a host that cannot
 * serve it (PF_EUNSUPPORTED; the host words the reason). */
static inline pf_status pf_plugin_begin(const pf_host *host, pf_plugin *plugin,
                                        uint32_t need_minor) {
  plugin->abi_major = PF_PLUGIN_ABI_MAJOR;
  plugin->abi_minor = need_minor;
  if (host->abi_major != PF_PLUGIN_ABI_MAJOR || host->abi_minor < need_minor)
    return PF_EUNSUPPORTED;
  return PF_OK;
}

/* Marks the plugin unavailable with the reason (pf_plugin.unavailable);
 * a host of minor 0 has no room for it and lists the plugin as loaded. */
static inline void pf_plugin_unavailable(pf_plugin *plugin, const char *why) {
  if (plugin->struct_size >= offsetof(pf_plugin, unavailable) + sizeof plugin->unavailable)
    plugin->unavailable = why;
}

/* Appends a string as row `row`: a copy when it fits, else the host grows
 * the column. */
static inline pf_status pf_col_push_str(const pf_host *host, pf_column *c, size_t row,
                                        const void *p, size_t n) {
  if (n <= c->data_cap - c->data_len) {
    if (n) memcpy(c->data + c->data_len, p, n);
    c->data_len += n;
    c->offsets[row + 1] = (int32_t)c->data_len;
    pf_bit_set(c->validity, row);
    return PF_OK;
  }
  return host->col_push_str(c, row, p, n);
}

/* Writes the code point cp (at most U+10FFFF) as UTF-8 at d, which has
 * room for 4 bytes, and returns the bytes written (1 to 4). Surrogates
 * (U+D800..U+DFFF) are the caller's to pair, replace (U+FFFD) or refuse
 * before: this encodes what it is given. */
static inline size_t pf_utf8_put(char *d, uint32_t cp) {
  if (cp < 0x80) {
    d[0] = (char)cp;
    return 1;
  }
  if (cp < 0x800) {
    d[0] = (char)(0xC0 | cp >> 6);
    d[1] = (char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    d[0] = (char)(0xE0 | cp >> 12);
    d[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    d[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
  }
  d[0] = (char)(0xF0 | cp >> 18);
  d[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
  d[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
  d[3] = (char)(0x80 | (cp & 0x3F));
  return 4;
}

#ifdef __cplusplus
}
#endif
#endif /* PYFORGE_PLUGIN_H */

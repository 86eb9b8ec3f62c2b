/* opts.h - the resolved options a call runs with, and option tables.
 *
 * The public API sets options by key on a pf_options handle (pyforge.h).
 * When a call starts, the engine resolves the handle into a pf__opts: every
 * key at its default, then the keys the caller set, each parsed by its
 * table entry and stored in the field its binding names. Readers and writers
 * read plain fields (env->opts->csv.delimiter), so the hot paths never look
 * a key up. Keys without a field (a plugin's) stay in the handle
 * (pf__opts.handle) and are read by key (engine: pf__opts_text).
 *
 * An option table is an array of pf__option: the public descriptor (key,
 * type, default, allowed values, help, CLI spellings) followed by where the
 * value goes. Each format declares its own table beside its code
 * (readers/csv/csv_options.c, writers/delta/delta_options.c, ...); the
 * engine declares the keys of input, output, validate and streams
 * (engine/options_engine.c); engine/registry.c lists the tables.
 */
#ifndef PF_CORE_OPTS_H
#define PF_CORE_OPTS_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/settings.h"

#define PF_AUTO (-1) /* "detect it" for the tri-state and character options */

typedef enum pf__compression {
  PF_COMPRESSION_NONE = 0,
  PF_COMPRESSION_SNAPPY,
  PF_COMPRESSION_GZIP,
  PF_COMPRESSION_ZSTD,
  PF_COMPRESSION_LZ4_RAW
} pf__compression;

/* "snappy", "gzip", ... (the canonical names of output.compression). */
const char *pf__compression_name(pf__compression c);

typedef enum pf__bad_rows {
  PF_BAD_ROWS_ERROR = 0, /* stop at the first bad row (too many or too few
                            fields), naming its line                      */
  PF_BAD_ROWS_SKIP,      /* leave it out, write it to the rejects file      */
  PF_BAD_ROWS_KEEP       /* keep it: missing fields null, extra ones joined
                            into the last field (docs/types.md)           */
} pf__bad_rows;

/* CSV/TSV (and, where they apply, other text-like inputs). */
typedef struct pf__csv_opts {
  int delimiter;           /* PF_AUTO or a byte (',' ';' '\t' '|' ...)      */
  int quote;               /* PF_AUTO, 0 for no quoting, or a byte          */
  int escape;              /* PF_AUTO, 0 = doubled quote only, or a byte    */
  int header;              /* PF_AUTO, 0 or 1 (workbooks too: 0 = none)     */
  int64_t skip_rows;       /* physical lines skipped before anything else   */
  const char *const *null_values; /* NULL: the default null rule (docs);
                              else these exact strings are null everywhere  */
  size_t n_null_values;
  pf__bad_rows on_bad_rows;
} pf__csv_opts;

/* Workbooks: how several sheets become outputs. */
typedef enum pf__sheet_mode {
  PF_SHEETS_AUTO = 0,    /* sheets whose headers match are combined, the
                            rest written separately (original PyForge CLI) */
  PF_SHEETS_COMBINE,     /* like AUTO, and says so                         */
  PF_SHEETS_SEPARATE     /* one output per sheet                            */
} pf__sheet_mode;

typedef struct pf__excel_opts {
  const char *const *sheets; /* names to read, in this order; NULL: all    */
  size_t n_sheets;
  pf__sheet_mode sheet_mode;
  int64_t header_row;      /* 0: detected; N: the 1-based sheet row naming
                              the columns. csv.header = 0: no header row.   */
  int fill_merged;         /* copy a merged cell's value into its range    */
} pf__excel_opts;

typedef enum pf__xml_arrays {
  PF_XML_ARRAYS_DEFAULT = 0, /* the documented default (join)              */
  PF_XML_ARRAYS_EXPLODE,     /* one output row per element ("expand")      */
  PF_XML_ARRAYS_JOIN,        /* values joined ("concatenate")              */
  PF_XML_ARRAYS_JSON         /* a JSON array string ("json_string")        */
} pf__xml_arrays;

typedef enum pf__xml_namespaces {
  PF_XML_NS_DEFAULT = 0,     /* the documented default (prefix)            */
  PF_XML_NS_STRIP,           /* local names only                           */
  PF_XML_NS_PREFIX,          /* prefix_local                               */
  PF_XML_NS_PRESERVE         /* prefix:local as written                    */
} pf__xml_namespaces;

typedef enum pf__xml_flatten {
  PF_XML_FLATTEN_CONSERVATIVE = 0, /* the row element detected (default)   */
  PF_XML_FLATTEN_MODERATE,         /* the same rows (docs/xml.md)           */
  PF_XML_FLATTEN_AGGRESSIVE        /* one row per document                  */
} pf__xml_flatten;

typedef struct pf__xml_opts {
  const char *row_tag;          /* element that forms a row; NULL: detected */
  pf__xml_flatten flatten;      /* the original CLI's --flatten-strategy    */
  pf__xml_arrays arrays;
  const char *array_separator;  /* JOIN: NULL means "; "                    */
  pf__xml_namespaces namespaces;
  const char *attribute_prefix; /* NULL means "_"                           */
  const char *path_separator;   /* NULL means "."                           */
  const char *value_name;       /* NULL: "_VALUE"                           */
} pf__xml_opts;

typedef enum pf__table_mode {
  PF_TABLE_ERROR = 0,      /* refuse an existing table                       */
  PF_TABLE_APPEND,         /* add the rows as a new version                  */
  PF_TABLE_OVERWRITE       /* replace the rows as a new version              */
} pf__table_mode;

/* Which engine converts (engine.name). */
typedef enum pf__engine {
  PF_ENGINE_NATIVE = 0,    /* this library (the default)                    */
  PF_ENGINE_SPARK          /* Spark: not in this build (refused)             */
} pf__engine;

typedef struct pf__delta_opts {
  pf__table_mode mode;
  const char *const *partition_by; /* partition columns, in order; may be NULL */
  size_t n_partition_by;
  int merge_schema;        /* append/overwrite may add new nullable columns  */
  int timestamp_ntz;       /* naive timestamps as timestamp_ntz              */
  int checkpoint_interval; /* 0: the table's delta.checkpointInterval or 10  */
} pf__delta_opts;

/* dBase tables (.dbf). */
typedef struct pf__dbf_opts {
  int keep_deleted;        /* keep deleted records, with a _deleted column  */
  int ignore_missing_memo; /* no memo file: convert without memo columns    */
  int allow_truncated;     /* fewer records than the header says: convert
                              those there with a warning (default: error)   */
} pf__dbf_opts;

/* Where the input comes from (pf_options_set_input_*). A zeroed struct
 * means a path (pf__opts.input). */
typedef enum pf__input_kind {
  PF__INPUT_PATH = 0,      /* the path in pf__opts.input ("-": stdin)       */
  PF__INPUT_FD,            /* an open descriptor (borrowed)                 */
  PF__INPUT_BUFFER         /* bytes in memory (borrowed)                    */
} pf__input_kind;

typedef struct pf__input {
  pf__input_kind kind;
  int fd;                  /* PF__INPUT_FD                                  */
  const void *data;        /* PF__INPUT_BUFFER                              */
  size_t size;
} pf__input;

typedef struct pf_options pf_options;

/* Resolved options. Strings and lists point into the pf_options handle they
 * were resolved from (or the caller's own storage in tests). */
typedef struct pf_call_options {
  const char *input;          /* path, "-", or the name of an fd/buffer    */
  pf__input in;               /* fd / buffer inputs (zeroed: a path)       */
  const char *output;         /* NULL: derived from input                  */
  const char *input_format;   /* NULL: from the extension and content      */
  const char *encoding;       /* text encoding (CSV, dBase); NULL: detected */
  const char *output_format;  /* NULL: "parquet"                           */
  int force;                  /* replace an existing output                */
  int fsync;                  /* output.fsync: flush outputs to the disk
                                 before publishing them                    */
  int threads;                /* 0: the cores available                    */
  pf__engine engine;          /* engine.name                               */
  pf__compression compression;
  int compression_level;      /* 0: the codec's default                    */
  int64_t row_group_rows;     /* 0: default (1,048,576)                    */
  int64_t row_group_bytes;    /* 0: default (32 MiB of encoded data)       */
  int64_t page_bytes;         /* 0: default (1 MiB, less for wide tables)  */
  int dictionary;             /* try dictionary encoding                   */
  int all_strings;            /* every column a string                     */
  const char *const *string_columns; /* internal (no key): these columns are
                                 read as strings, keeping the file's text
                                 (names matched ignoring ASCII case; CSV
                                 and XLSX readers; batch_table.c sets it) */
  size_t n_string_columns;
  const char *rejects_path;   /* NULL: "<output>.rejects.csv"              */
  int64_t max_problems;       /* validate: problems kept                   */
  int64_t max_columns;        /* safety limit                              */
  int64_t max_field_bytes;    /* safety limit on one value                 */
  pf__csv_opts csv;
  pf__excel_opts excel;
  pf__xml_opts xml;
  pf__delta_opts delta;
  pf__dbf_opts dbf;
  int64_t stream_holdback;    /* stream: bytes held before the first batch */
  int stream_full_scan;       /* stream: read everything once first        */
  const char *stream_table;   /* stream: the table (group) to read         */
  pf__settings settings;      /* tuning and test knobs (environment)       */

  pf_log_fn log;              /* NULL: no logging                          */
  void *log_user;
  pf_log_level log_level;
  pf_progress_fn progress;    /* NULL: no progress                         */
  void *progress_user;
  const atomic_int *cancel;   /* non-NULL and set: stop with PF_ECANCELED  */
  pf_schema_fn on_schema;     /* NULL: not called                          */
  void *on_schema_user;
  const pf_options *handle;   /* resolved from (NULL in tests): keys
                                 without a field are read from it          */
} pf__opts;

/* Is the call's cancel token requested? */
static inline int pf__opts_canceled(const pf__opts *o) {
  return o && o->cancel && atomic_load(o->cancel);
}

/* Does o read standard input (the path "-")? */
static inline int pf__opts_reads_stdin(const pf__opts *o) {
  return o->in.kind == PF__INPUT_PATH && o->input && o->input[0] == '-' && !o->input[1];
}

/* Is column `name` one of o->string_columns (ignoring ASCII case)? */
int pf__opts_string_column(const pf__opts *o, const char *name);

/* ---- option tables ---- */

/* Where a parsed value goes in pf__opts. */
typedef enum pf__bind {
  PF__BIND_NONE = 0,   /* no field: read by key (pf__opts_text)            */
  PF__BIND_INT,        /* int (bools, enums, characters, small numbers)    */
  PF__BIND_I64,        /* int64_t                                          */
  PF__BIND_STR,        /* const char *                                     */
  PF__BIND_LIST        /* const char *const * plus a size_t count          */
} pf__bind;

/* A name a bool, enum or character value may be given by. */
typedef struct pf__name {
  const char *name;    /* NULL ends a list                                 */
  int value;
} pf__name;

typedef struct pf__option {
  pf_option_desc d;       /* public; first, so &opt->d converts back      */
  pf__bind bind;
  size_t offset;          /* offsetof(pf__opts, field)                    */
  size_t count_offset;    /* lists: offsetof the size_t count             */
  const pf__name *names;  /* enum and char names (the first name of a
                             value is its canonical one); aliases too     */
  int64_t auto_value;     /* what "auto" stores (PF_OPTION_AUTO keys)     */
} pf__option;

typedef struct pf__option_table {
  const pf__option *options;
  size_t n;
  const char *writer;     /* NULL, or the writer whose outputs the keys
                             apply to (delta): setting one for another
                             output is an error                           */
} pf__option_table;

/* Builds a table entry. */
#define PF__OPTION_TABLE(arr) {.options = (arr), .n = sizeof(arr) / sizeof((arr)[0])}
/* A table of keys that apply to one writer's outputs only. */
#define PF__WRITER_OPTION_TABLE(arr, writer_name) \
  {.options = (arr), .n = sizeof(arr) / sizeof((arr)[0]), .writer = (writer_name)}

/* Parses text for o into *num (bool, int, size, enum, char keys; strings
 * and lists are checked only). PF_EINVAL with "KEY takes TAKES; got
 * 'TEXT'" when it does not fit. */
pf_status pf__option_parse(const pf__option *o, const char *text, int64_t *num,
                           pf_error *err);
/* The canonical text of a valid value (malloc'd; NULL: out of memory). */
char *pf__option_canon(const pf__option *o, const char *text);
/* Stores a valid value in r (lists: items[0..n)); no-op for BIND_NONE. */
void pf__option_apply(const pf__option *o, pf__opts *r, const char *text,
                      const char *const *items, size_t n);

#endif

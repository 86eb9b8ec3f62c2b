/* pyforge.h - the public C API of libpyforge.
 *
 * libpyforge converts files that data teams receive (CSV/TSV today; Excel,
 * XML, dBase, Access and PDF through the same registry) into analytics
 * formats (Parquet today). The CLI (`pyforge`) and the Python package use
 * only this header.
 *
 * Conventions
 * - Every fallible function returns a pf_status; PF_OK is 0. Details of a
 *   failure (message and place: file, row, line, column, byte offset) go to
 *   a caller-provided pf_error, which may be NULL.
 * - Option structs are initialised with their *_init() function and then
 *   changed field by field, so new fields get safe defaults.
 * - Result structs are filled by the library and released with their
 *   *_free() function (which accepts NULL and zeroed structs).
 * - Strings passed in are borrowed for the duration of the call only.
 * - The library never prints, exits or aborts. Diagnostics go to the log
 *   callback; long work reports progress through the progress callback and
 *   stops early when *cancel becomes non-zero.
 * - Thread safety: distinct calls on distinct data may run concurrently; the
 *   library keeps no mutable global state.
 */
#ifndef PYFORGE_H
#define PYFORGE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32)
#define PF_API __declspec(dllexport)
#elif defined(__GNUC__)
#define PF_API __attribute__((visibility("default")))
#else
#define PF_API
#endif

/* ---- version: the one source of truth is the VERSION file at the root;
 * CMake writes it into pyforge_version.h. */
#include "pyforge/pyforge_version.h"

/* The version string of the library actually linked ("0.1.0"). */
PF_API const char *pf_version(void);

/* ---- status codes --------------------------------------------------------
 * Grouped by kind, never renumbered:
 *   0          success
 *   1..99      the call or its arguments
 *   100..199   the input (missing, unreadable, malformed)
 *   200..299   the output (exists, unwritable, disk full)
 *   300..399   resources and control (memory, limits, cancel)
 *   900..999   internal signals and bugs
 */
#define PF_STATUS_MAP(X)                                                     \
  X(OK, 0, "success")                                                        \
  X(EINVAL, 1, "invalid argument")                                           \
  X(EUNSUPPORTED, 2, "not supported")                                        \
  X(ENOTFOUND, 100, "input not found")                                       \
  X(EINPUT, 101, "cannot read input")                                        \
  X(EFORMAT, 102, "unrecognised input format")                               \
  X(EPARSE, 103, "malformed input")                                          \
  X(EENCODING, 104, "invalid text encoding")                                 \
  X(EBADROW, 105, "bad row")                                                 \
  X(EEMPTY, 106, "input is empty")                                           \
  X(EEXIST, 200, "output already exists")                                    \
  X(EOUTPUT, 201, "cannot write output")                                     \
  X(ENOSPACE, 202, "no space left on device or file size limit reached")     \
  X(ENOMEM, 300, "out of memory")                                            \
  X(ELIMIT, 301, "input exceeds a safety limit")                             \
  X(ECANCELED, 302, "canceled")                                              \
  X(ERESTART, 900, "schema widened; conversion must restart")                \
  X(EINTERNAL, 999, "internal error")

typedef enum pf_status {
#define PF__STATUS_ENUM(name, value, text) PF_##name = value,
  PF_STATUS_MAP(PF__STATUS_ENUM)
#undef PF__STATUS_ENUM
} pf_status;

/* Short human text for a status ("malformed input"); never NULL. */
PF_API const char *pf_status_str(pf_status status);
/* The symbolic name ("EPARSE"); never NULL. */
PF_API const char *pf_status_name(pf_status status);

/* ---- errors --------------------------------------------------------------
 * A failure's message and where it happened. Unknown places are -1 / "". */
typedef struct pf_error {
  pf_status status;       /* the code also returned by the call            */
  char message[1024];     /* what happened and what to do about it         */
  char file[1024];        /* input or output path concerned                */
  int64_t row;            /* 1-based data row (header excluded)            */
  int64_t line;           /* 1-based physical line in a text file          */
  int64_t column;         /* 1-based column                                */
  char column_name[256];  /* column name when known                        */
  int64_t offset;         /* byte offset in the (decompressed) input       */
  char sheet[256];        /* sheet name (Excel)                            */
  char xml_path[512];     /* element path (XML)                            */
} pf_error;

PF_API void pf_error_init(pf_error *err);
/* Renders "file:line:column: message" style text into buf (always
 * NUL-terminated when n > 0). Returns the length it wanted. */
PF_API size_t pf_error_format(const pf_error *err, char *buf, size_t n);

/* ---- logical types and schema -------------------------------------------- */
typedef enum pf_type {
  PF_TYPE_NULL = 0,       /* every value null                              */
  PF_TYPE_BOOL,
  PF_TYPE_INT64,
  PF_TYPE_DOUBLE,
  PF_TYPE_DECIMAL,        /* precision, scale in the field                 */
  PF_TYPE_DATE,           /* days since 1970-01-01 (int32)                 */
  PF_TYPE_TIMESTAMP,      /* microseconds since epoch, no time zone        */
  PF_TYPE_TIMESTAMP_UTC,  /* microseconds since epoch, UTC-adjusted        */
  PF_TYPE_TIME,           /* microseconds since midnight (int64)           */
  PF_TYPE_STRING,         /* UTF-8                                         */
  PF_TYPE_BINARY,
  PF_TYPE_COUNT_
} pf_type;

/* "int64", "timestamp[us, UTC]", ... ; never NULL. */
PF_API const char *pf_type_name(pf_type type);

typedef struct pf_field {
  char *name;       /* read-only: UTF-8 column name, unique in the schema   */
  pf_type type;     /* read-only                                            */
  int nullable;     /* read-only: 1 if the column may hold nulls            */
  int precision;    /* read-only: decimals only                             */
  int scale;        /* read-only: decimals only                             */
  char *note;       /* read-only: NULL or how the type was decided
                       ("widened from int64 to double at row 5000113: ...") */
} pf_field;

typedef struct pf_schema {
  size_t n_fields;  /* read-only */
  pf_field *fields; /* read-only */
} pf_schema;

PF_API void pf_schema_free(pf_schema *schema);

/* ---- callbacks ----------------------------------------------------------- */
typedef enum pf_log_level {
  PF_LOG_ERROR = 0,
  PF_LOG_WARN = 1,
  PF_LOG_INFO = 2,
  PF_LOG_DEBUG = 3
} pf_log_level;

/* Called from the thread that called the library function. */
typedef void (*pf_log_fn)(void *user, pf_log_level level, const char *message);
/* done/total are in the unit named by `unit` ("bytes" or "rows"); total is 0
 * when unknown. Called between batches, from the calling thread. */
typedef void (*pf_progress_fn)(void *user, uint64_t done, uint64_t total,
                               const char *unit);

/* Parses "error", "warn"/"warning", "info", "debug" (case-insensitive) or a
 * digit; returns -1 when it does not recognise the text. */
PF_API int pf_log_level_parse(const char *text);

/* ---- options ------------------------------------------------------------- */
typedef enum pf_compression {
  PF_COMPRESSION_NONE = 0,
  PF_COMPRESSION_SNAPPY,
  PF_COMPRESSION_GZIP,
  PF_COMPRESSION_ZSTD,
  PF_COMPRESSION_LZ4_RAW
} pf_compression;

/* "snappy", "gzip", "zstd", "lz4_raw" (also "lz4"), "none" (also
 * "uncompressed"); returns PF_EINVAL for anything else. */
PF_API pf_status pf_compression_parse(const char *name, pf_compression *out);
PF_API const char *pf_compression_name(pf_compression c);

typedef enum pf_bad_rows {
  PF_BAD_ROWS_ERROR = 0, /* stop at the first bad row (too many or too few
                            fields), naming its line                      */
  PF_BAD_ROWS_SKIP,      /* leave it out, write it to the rejects file      */
  PF_BAD_ROWS_KEEP       /* keep it: missing fields null, extra ones joined
                            into the last field (docs/types.md)           */
} pf_bad_rows;

#define PF_AUTO (-1) /* "detect it" for the tri-state and character options */

typedef struct pf_csv_options {
  int delimiter;           /* PF_AUTO or a byte (',' ';' '\t' '|' ...)      */
  int quote;               /* PF_AUTO, 0 for no quoting, or a byte          */
  int escape;              /* PF_AUTO, 0 = doubled quote only, or a byte
                              such as '\\'                                  */
  int header;              /* PF_AUTO, 0 or 1                               */
  int64_t skip_rows;       /* physical lines skipped before anything else   */
  const char *encoding;    /* NULL detects; else an iconv name              */
  const char *const *null_values; /* NULL: the default null rule (docs);
                              else these exact strings are null everywhere  */
  size_t n_null_values;
  pf_bad_rows on_bad_rows;
} pf_csv_options;

/* Workbooks (xlsx): which sheets, and how several sheets become outputs. */
typedef enum pf_sheet_mode {
  PF_SHEETS_AUTO = 0,    /* sheets whose headers match are combined, the
                            rest written separately (original PyForge CLI) */
  PF_SHEETS_COMBINE,     /* like AUTO, and says so: matching sheets in one
                            output with a sheet_name column                */
  PF_SHEETS_SEPARATE     /* one output per sheet                            */
} pf_sheet_mode;

typedef struct pf_excel_options {
  const char *const *sheets; /* names to read, in this order; NULL: all    */
  size_t n_sheets;
  pf_sheet_mode sheet_mode;
  int64_t header_row;      /* 0: detected (first non-empty row of text
                              cells); N: the 1-based sheet row naming the
                              columns. csv.header = 0 means no header row.  */
  int fill_merged;         /* copy a merged cell's value into its range    */
} pf_excel_options;

/* XML: how repeated elements inside one record become columns. */
typedef enum pf_xml_arrays {
  PF_XML_ARRAYS_DEFAULT = 0, /* the documented default (docs/xml.md)       */
  PF_XML_ARRAYS_EXPLODE,     /* one output row per element ("expand")      */
  PF_XML_ARRAYS_JOIN,        /* values joined by a separator ("concatenate") */
  PF_XML_ARRAYS_JSON         /* a JSON array string ("json_string")        */
} pf_xml_arrays;

typedef enum pf_xml_namespaces {
  PF_XML_NS_DEFAULT = 0,     /* the documented default (docs/xml.md)       */
  PF_XML_NS_STRIP,           /* local names only                           */
  PF_XML_NS_PREFIX,          /* prefix_local                               */
  PF_XML_NS_PRESERVE         /* prefix:local as written                    */
} pf_xml_namespaces;

typedef struct pf_xml_options {
  const char *row_tag;          /* element that forms a row; NULL: detected */
  pf_xml_arrays arrays;
  const char *array_separator;  /* JOIN: NULL means "; "                    */
  pf_xml_namespaces namespaces;
  const char *attribute_prefix; /* NULL means "_" ("@" as the original)     */
  const char *path_separator;   /* NULL means "."                           */
  const char *value_name;       /* text beside attributes; NULL: "_VALUE"   */
} pf_xml_options;

/* dBase tables (.dbf). Few and isolated on purpose: they become the keys
 * dbf.encoding, dbf.keep_deleted, dbf.ignore_missing_memo and
 * dbf.allow_truncated when options move to keyed tables. */
typedef struct pf_dbf_options {
  const char *encoding;    /* NULL: the .cpg file, the language driver byte,
                              else detected; otherwise an iconv name       */
  int keep_deleted;        /* keep deleted records, with a _deleted column */
  int ignore_missing_memo; /* no memo file: convert without memo columns  */
  int allow_truncated;     /* fewer records than the header says: convert
                              those there with a warning (default: error) */
} pf_dbf_options;

/* Tables (Delta Lake): what to do when the target table exists. */
typedef enum pf_table_mode {
  PF_TABLE_ERROR = 0,      /* refuse an existing table                       */
  PF_TABLE_APPEND,         /* add the rows as a new version                  */
  PF_TABLE_OVERWRITE       /* replace the rows as a new version (history kept) */
} pf_table_mode;

typedef struct pf_delta_options {
  pf_table_mode mode;
  const char *const *partition_by; /* partition columns, in order; may be NULL */
  size_t n_partition_by;
  int merge_schema;        /* append/overwrite may add new nullable columns  */
  int timestamp_ntz;       /* naive timestamps as timestamp_ntz (needs the
                              timestampNtz table feature) instead of
                              timestamp (read as UTC)                        */
  int checkpoint_interval; /* 0: a checkpoint every 10 versions             */
} pf_delta_options;

/* Called once per output with the schema about to be written (before any
 * row is written), from the calling thread. */
typedef void (*pf_schema_fn)(void *user, const char *output,
                             const pf_schema *schema);

typedef struct pf_convert_options {
  const char *input;          /* path, or "-" for standard input          */
  const char *output;         /* NULL: derived from input (docs)           */
  const char *input_format;   /* NULL: from the extension and content      */
  const char *output_format;  /* NULL: "parquet"                           */
  int force;                  /* replace an existing output                */
  int threads;                /* 0: the cores available                    */
  pf_compression compression; /* default snappy                            */
  int compression_level;      /* 0: the codec's default                    */
  int64_t row_group_rows;     /* 0: default (1,048,576)                    */
  int64_t row_group_bytes;    /* 0: default (32 MiB of encoded data)       */
  int64_t page_bytes;         /* 0: default (1 MiB)                        */
  int dictionary;             /* 1 (default): try dictionary encoding      */
  int all_strings;            /* every column a string, original PyForge
                                 CLI rules                                  */
  const char *rejects_path;   /* NULL: "<output>.rejects.csv"              */
  int64_t max_problems;       /* validate: problems kept (default 100)     */
  int64_t max_columns;        /* safety limit (default 8192)               */
  int64_t max_field_bytes;    /* safety limit on one value (default 64 MiB) */
  pf_csv_options csv;
  pf_excel_options excel;
  pf_xml_options xml;
  pf_delta_options delta;
  pf_dbf_options dbf;

  pf_log_fn log;              /* NULL: no logging                          */
  void *log_user;
  pf_log_level log_level;     /* default PF_LOG_WARN                       */
  pf_progress_fn progress;    /* NULL: no progress                         */
  void *progress_user;
  volatile int *cancel;       /* when non-NULL and *cancel != 0: stop with
                                 PF_ECANCELED, leaving no output behind    */
  pf_schema_fn on_schema;     /* NULL: not called (--preview-schema)       */
  void *on_schema_user;
} pf_convert_options;

PF_API void pf_convert_options_init(pf_convert_options *opts);

/* ---- convert ------------------------------------------------------------- */
/* One output of a conversion (a workbook can give several). */
typedef struct pf_output_desc {
  char *path;              /* file or table directory                      */
  char *tables;            /* NULL, or the sheets it holds, comma-separated */
  int64_t rows;
  int64_t columns;
  uint64_t bytes;          /* size on disk (a table: the files added)      */
} pf_output_desc;

typedef struct pf_convert_result {
  char *input_format;      /* "csv"                                        */
  char *output_format;     /* "parquet"                                    */
  char *output_path;       /* where the result is (several outputs: the
                              directory holding them)                      */
  char *rejects_path;      /* NULL unless rows were rejected               */
  int64_t rows;            /* rows written                                 */
  int64_t rows_rejected;   /* rows written to the rejects file             */
  int64_t columns;
  uint64_t bytes_in;       /* the input's size as stored (compressed size
                              for .gz/.zst/.bz2 inputs and workbooks)     */
  uint64_t bytes_out;      /* size of the output                           */
  double seconds;          /* wall time of the conversion                  */
  int threads;             /* threads used                                 */
  int restarts;            /* times the conversion restarted to widen      */
  pf_schema *schema;       /* the (first) output's schema, with notes      */
  size_t n_outputs;        /* at least 1 on success                        */
  pf_output_desc *outputs;
  int64_t table_version;   /* Delta: the version committed; -1 otherwise   */
  size_t n_warnings;
  char **warnings;         /* human-readable, in the order they happened   */
} pf_convert_result;

PF_API pf_status pf_convert(const pf_convert_options *opts,
                            pf_convert_result *result, pf_error *err);
PF_API void pf_convert_result_free(pf_convert_result *result);
/* One JSON object; free with pf_free(). NULL when out of memory. */
PF_API char *pf_convert_result_json(const pf_convert_result *result);

/* The output path pf_convert would use for opts (input + format), written
 * into buf. */
PF_API pf_status pf_default_output(const pf_convert_options *opts, char *buf,
                                   size_t n, pf_error *err);

/* ---- info ---------------------------------------------------------------- */
typedef struct pf_prop {
  char *key;   /* "encoding", "delimiter", "compression", ...              */
  char *value; /* display text                                             */
} pf_prop;

typedef struct pf_info_section {
  char *kind;        /* "row_group", later "sheet", ...                   */
  char *name;        /* "0", sheet name, ...                               */
  size_t n_props;
  pf_prop *props;
} pf_info_section;

typedef struct pf_info {
  char *path;
  char *format;          /* "csv", "parquet"                               */
  uint64_t size_bytes;   /* on disk                                        */
  int64_t rows;          /* exact data rows, -1 if unknown                 */
  size_t n_props;
  pf_prop *props;        /* format-specific facts, in display order        */
  pf_schema *schema;
  size_t n_sections;
  pf_info_section *sections;
} pf_info;

/* Uses opts->input and the reading options (input_format, csv, threads,
 * callbacks); output options are ignored. */
PF_API pf_status pf_info_read(const pf_convert_options *opts, pf_info *info,
                              pf_error *err);
PF_API void pf_info_free(pf_info *info);
PF_API char *pf_info_json(const pf_info *info);

/* ---- validate ------------------------------------------------------------ */
typedef struct pf_validate_result {
  int valid;               /* 1 when the input converts without problems  */
  char *format;
  int64_t rows;            /* data rows read                               */
  int64_t problems_total;  /* problems found (may exceed n_problems)       */
  size_t n_problems;       /* problems kept (opts->max_problems)           */
  pf_error *problems;      /* each with its place                          */
  pf_schema *schema;       /* inferred schema, when one could be read      */
  char *checked;           /* NULL when the input was read as a conversion
                              reads it; else what was read and decoded
                              (Parquet: "every page of ..." or what was
                              not read and why)                            */
} pf_validate_result;

/* Reads the whole input as a conversion would, collecting problems instead
 * of stopping at the first. Returns PF_OK when the check ran (whatever it
 * found: see result->valid); an error when it could not run at all. */
PF_API pf_status pf_validate(const pf_convert_options *opts,
                             pf_validate_result *result, pf_error *err);
PF_API void pf_validate_result_free(pf_validate_result *result);
PF_API char *pf_validate_result_json(const pf_validate_result *result);

/* ---- formats ------------------------------------------------------------- */
typedef struct pf_format_desc {
  const char *name;        /* "csv"                                        */
  const char *kind;        /* "input" or "output"                          */
  const char *extensions;  /* ".csv .tsv .txt .psv" (compressed variants too) */
  const char *description;
  const char *origin;      /* "built-in" or the plugin's path              */
} pf_format_desc;

/* Number of registered formats; *out points to a static read-only array. */
PF_API size_t pf_formats_list(const pf_format_desc **out);

/* ==== environment and Unity Catalog Volumes ===============================
 * Where PyForge runs (Databricks serverless or classic compute, a machine
 * with Databricks Connect client settings, a laptop), and the paths of Unity
 * Catalog Volumes. Everything here reads the process environment and the
 * file system only: no Spark, no network. docs/databricks.md explains the
 * rules; docs/security.md what is never shown. */

typedef enum pf_compute_type {
  PF_COMPUTE_LOCAL = 0,    /* not on Databricks (a laptop, CI, a client)   */
  PF_COMPUTE_CLASSIC,      /* a Databricks cluster (dedicated or standard)  */
  PF_COMPUTE_SERVERLESS    /* Databricks serverless compute                 */
} pf_compute_type;

/* "local", "classic", "serverless"; never NULL. */
PF_API const char *pf_compute_type_name(pf_compute_type t);

/* A Databricks runtime version, parsed so it can be compared. */
typedef struct pf_runtime_version {
  int serverless;          /* 1: a serverless environment ("client.3.1")   */
  int major;               /* DBR "15.4" -> 15; serverless -> environment
                              version (3); -1 when unknown                 */
  int minor;               /* DBR "15.4" -> 4; serverless -> 1; -1 unknown */
} pf_runtime_version;

/* Parses "15.4", "13.3.x-scala2.12", "15.4 LTS", "client.3.1". PF_EINVAL
 * (with the reason) for anything else. */
PF_API pf_status pf_runtime_version_parse(const char *text,
                                          pf_runtime_version *out,
                                          pf_error *err);
/* <0, 0, >0 as a is older, the same, newer than b (major, then minor).
 * A serverless environment and a DBR version are not comparable: 0. */
PF_API int pf_runtime_version_compare(const pf_runtime_version *a,
                                      const pf_runtime_version *b);

/* What pf_env_detect found. Allocated by the library (fields may be added
 * at the end); read-only for the caller; free with pf_env_free(). Strings
 * are NULL when unknown. */
typedef struct pf_env {
  int is_databricks;          /* running on Databricks compute            */
  pf_compute_type compute_type;
  int spark_connect;          /* Spark Connect (serverless; standard/shared
                                 access mode clusters)                      */
  int databricks_client;      /* Databricks Connect/SDK client settings
                                 (DATABRICKS_HOST, SPARK_REMOTE, ...) seen
                                 while not on Databricks: a client talking
                                 to Databricks, not running on it           */
  char *runtime_version;      /* as found: "15.4", "client.3.1"           */
  char *runtime_source;       /* "DATABRICKS_RUNTIME_VERSION" or the path
                                 of the DBR_VERSION file                    */
  pf_runtime_version runtime; /* parsed (-1s when unknown)                  */
  char *cluster_id;
  char *workspace_id;
  char *databricks_root;      /* where /databricks is looked for          */
  char *volumes_root;         /* where /Volumes is looked for             */
  int volumes_available;      /* the Volumes root is a directory here     */
  char *os_name;              /* "Linux"                                  */
  char *os_release;           /* kernel release                           */
  char *os_pretty;            /* /etc/os-release PRETTY_NAME              */
  char *arch;                 /* "x86_64", "aarch64"                      */
  char *libc;                 /* "glibc 2.35"                             */
  char *python_version;       /* the hosting Python's version when the
                                 library runs inside a Python process       */
  size_t n_reasons;
  pf_prop *reasons;           /* why: key = the conclusion (is_databricks,
                                 compute_type, runtime_version,
                                 spark_connect, databricks_client), value =
                                 the evidence, in words                     */
  size_t n_notes;
  char **notes;               /* hints seen but not relied on (IS_SERVERLESS
                                 alone, a version that does not parse)      */
  size_t n_variables;
  pf_prop *variables;         /* the Databricks/Spark variables that were
                                 looked at, sorted by name; secret ones
                                 show "<redacted>", others are masked by
                                 the credential rules (docs/security.md)    */
  double detect_seconds;      /* how long the (uncached) look took        */
  int cached;                 /* 1: this answer came from the cache        */
} pf_env;

#define PF_ENV_FRESH 1u /* look again instead of answering from the cache */

/* Detects the environment: computed once per process and cached (thread-
 * safe); flags PF_ENV_FRESH looks again and refreshes the cache. *out is
 * a copy the caller owns. Detection reads environment variables and a few
 * small files (/databricks/DBR_VERSION, /etc/os-release); it touches no
 * Spark and no network, and takes well under a millisecond. */
PF_API pf_status pf_env_detect(unsigned flags, pf_env **out, pf_error *err);
PF_API void pf_env_free(pf_env *env);
/* One JSON object (docs/databricks.md); free with pf_free(). NULL when out
 * of memory. */
PF_API char *pf_env_json(const pf_env *env);

/* Masks credentials in text (URL passwords, token=, Databricks tokens, ...:
 * docs/security.md). A new string; free with pf_free(). */
PF_API char *pf_redact(const char *text);

/* ---- Unity Catalog Volume paths ---- */
typedef enum pf_path_kind {
  PF_PATH_LOCAL = 0,   /* an ordinary path                                  */
  PF_PATH_VOLUME,      /* /Volumes/<catalog>/<schema>/<volume>/<path>, also
                          dbfs:/Volumes/... and /dbfs/Volumes/...           */
  PF_PATH_DBFS         /* another dbfs:/ path (DBFS root or a mount):
                          PyForge does not read or write those              */
} pf_path_kind;

typedef struct pf_volume_path {
  pf_path_kind kind;
  char *catalog;       /* Volume: the three names, as written              */
  char *schema;
  char *volume;
  char *subpath;       /* Volume: inside the volume, "" for its root        */
  char *full_name;     /* Volume: "catalog.schema.volume"                  */
  char *fuse_path;     /* Volume: "/Volumes/c/s/v/sub"                     */
  char *uri;           /* Volume and DBFS: "dbfs:/Volumes/c/s/v/sub" (what
                          Spark and other JVM code take)                    */
  char *local_path;    /* Volume and local: where this process reaches it
                          (the Volumes root may be overridden: tests)       */
} pf_volume_path;

/* Recognises and checks a path. An ordinary path gives PF_PATH_LOCAL; a
 * malformed Volume path is PF_EINVAL with a message showing the expected
 * shape /Volumes/<catalog>/<schema>/<volume>/... and which part is wrong
 * (missing, empty, ".", "..", or a character Unity Catalog names cannot
 * hold). Free *out with pf_volume_path_free(). */
PF_API pf_status pf_volume_path_parse(const char *path, pf_volume_path **out,
                                      pf_error *err);
PF_API void pf_volume_path_free(pf_volume_path *p);

/* ---- file and directory metadata (local paths and Volumes) ---- */
typedef enum pf_entry_kind {
  PF_ENTRY_FILE = 1,
  PF_ENTRY_DIR = 2,
  PF_ENTRY_OTHER = 3   /* symbolic link (never followed), device, ...      */
} pf_entry_kind;

typedef struct pf_path_info {
  pf_entry_kind kind;
  uint64_t size;       /* a file: its bytes; a directory with
                          PF_STAT_TOTALS: the bytes of the files counted    */
  int64_t mtime_ns;    /* last modification, ns since the epoch            */
  uint64_t files;      /* PF_STAT_TOTALS: regular files counted            */
  uint64_t dirs;       /* PF_STAT_TOTALS: directories counted              */
  uint64_t others;     /* PF_STAT_TOTALS: other entries (links, ...)       */
  int64_t newest_mtime_ns; /* PF_STAT_TOTALS: the newest file's mtime     */
  uint64_t reserved[4];
} pf_path_info;

#define PF_STAT_TOTALS 1u    /* directories: count what they hold          */
#define PF_STAT_RECURSIVE 2u /* ... at every depth, not only the top level */

/* Metadata of a file or directory. A missing path is PF_ENOTFOUND; on a
 * Volume the messages say when Volumes are not available on this machine
 * and which privilege (READ VOLUME) a refusal needs. Directory totals are
 * streamed: memory does not grow with the number of entries. */
PF_API pf_status pf_path_stat(const char *path, unsigned flags,
                              pf_path_info *info, pf_error *err);

#define PF_CHECK_READ 1u  /* the file can be opened for reading            */
#define PF_CHECK_WRITE 2u /* a file can be created at this path (its
                             directory exists and is writable; a Volume
                             needs DBR 13.3+ on classic compute)            */
/* Checks a path before use, with the same messages convert would give. */
PF_API pf_status pf_path_check(const char *path, unsigned what, pf_error *err);

/* A streamed directory listing: one entry at a time, in the order the
 * file system gives (not sorted), in bounded memory. */
typedef struct pf_dir_entry {
  const char *name;    /* borrowed until the next call: the entry's name   */
  const char *path;    /* borrowed: its path relative to the listed
                          directory ("a/b.csv" when recursive)              */
  pf_entry_kind kind;
  uint64_t size;
  int64_t mtime_ns;
  int depth;           /* 0 for the top level                              */
} pf_dir_entry;

typedef struct pf_dir_list pf_dir_list;

/* flags: PF_STAT_RECURSIVE descends into subdirectories (after listing
 * each; symbolic links are listed, never followed). */
PF_API pf_status pf_dir_list_open(const char *path, unsigned flags,
                                  pf_dir_list **out, pf_error *err);
/* The next entry, or *entry = NULL at the end. */
PF_API pf_status pf_dir_list_next(pf_dir_list *list, const pf_dir_entry **entry,
                                  pf_error *err);
PF_API void pf_dir_list_close(pf_dir_list *list);

/* ---- memory -------------------------------------------------------------- */
/* Frees memory the library returned as a bare pointer (JSON text). */
PF_API void pf_free(void *p);

#ifdef __cplusplus
}
#endif
#endif /* PYFORGE_H */

/* pyforge.h - the public C API of libpyforge.
 *
 * libpyforge converts the files data teams receive (CSV/TSV, Excel
 * workbooks, XML; more formats through the same registry) into analytics
 * formats (Parquet files, Delta Lake tables), and hands their rows to other
 * programs as Arrow streams. The CLI (`pyforge`), the Python package and
 * plugins use only the headers in include/pyforge/.
 *
 * Three doors (docs/internals.md, "The engine's outward faces"):
 * - pf_convert, pf_info_read, pf_validate: a file in, a file/table out or a
 *   description back;
 * - pf_stream_open: any input's rows as an ArrowArrayStream (the Arrow C
 *   Stream Interface, pyforge/arrow_c_data.h), same types and values as
 *   pf_convert writes;
 * - options by key (pf_options): every setting is a key of a table a format
 *   declares, so new options never change the size of a public struct.
 *
 * Conventions
 * - Every fallible function returns a pf_status; PF_OK is 0. Details of a
 *   failure (message and place: file, table, path inside the input, row,
 *   line, column, byte offset) go to a caller-provided pf_error, which may
 *   be NULL.
 * - Result structs are filled by the library and released with their
 *   *_free() function (which accepts NULL and zeroed structs). Their size is
 *   fixed within a major version: new fields come out of their reserved
 *   room, which the library zeroes.
 * - Strings passed in are copied or borrowed for the duration of the call
 *   only, unless a function says otherwise.
 * - The library never prints, exits or aborts. Diagnostics go to the log
 *   callback; long work reports progress through the progress callback and
 *   stops early when its cancel token is requested.
 * - Thread safety: distinct calls on distinct data may run concurrently; the
 *   library keeps no mutable global state. A handle (options, stream) is
 *   used by one thread at a time.
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

/* The version string of the library actually linked ("2.0.0": the VERSION
 * file; docs/compatibility.md says how versions are numbered). */
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
 * A failure's message and where it happened. Unknown places are -1 / "".
 * The place is generic: `table` names a part of a multi-table input (a
 * workbook's sheet, a database's table; table_kind says which word fits)
 * and `inner_path` a place inside the input that is not a line (an XML
 * element path, a member of a ZIP package). */
typedef struct pf_error {
  pf_status status;       /* the code also returned by the call            */
  char message[1024];     /* what happened and what to do about it         */
  char file[1024];        /* input or output path concerned                */
  int64_t row;            /* 1-based data row (header excluded)            */
  int64_t line;           /* 1-based physical line in a text file          */
  int64_t column;         /* 1-based column                                */
  char column_name[256];  /* column name when known                        */
  int64_t offset;         /* byte offset in the (decompressed) input       */
  char table[256];        /* sheet or table name in the input              */
  char table_kind[32];    /* "sheet", "table"; "" when table is ""         */
  char inner_path[512];   /* XML path, package member, ...                 */
  char reserved[480];     /* room for new fields; zeroed                   */
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
  void *reserved[2]; /* zeroed                                              */
} pf_field;

typedef struct pf_schema {
  size_t n_fields;  /* read-only */
  pf_field *fields; /* read-only */
  void *reserved[2]; /* zeroed */
} pf_schema;

PF_API void pf_schema_free(pf_schema *schema);

/* ---- callbacks ----------------------------------------------------------- */
typedef enum pf_log_level {
  PF_LOG_ERROR = 0,
  PF_LOG_WARN = 1,
  PF_LOG_INFO = 2,
  PF_LOG_DEBUG = 3
} pf_log_level;

/* Called from the thread that called the library function (for a stream:
 * the thread calling its get_next/get_schema). */
typedef void (*pf_log_fn)(void *user, pf_log_level level, const char *message);
/* done/total are in the unit named by `unit` ("bytes" or "rows"); total is 0
 * when unknown. Called between batches, from the calling thread. */
typedef void (*pf_progress_fn)(void *user, uint64_t done, uint64_t total,
                               const char *unit);
/* Called once per output with the schema about to be written (before any
 * row is written), from the calling thread. */
typedef void (*pf_schema_fn)(void *user, const char *output,
                             const pf_schema *schema);

/* Parses "error", "warn"/"warning", "info", "debug" (case-insensitive) or a
 * digit; returns -1 when it does not recognise the text. */
PF_API int pf_log_level_parse(const char *text);

/* ---- cancelling -----------------------------------------------------------
 * A cancel token asks running calls to stop. pf_cancel_request() may be
 * called from any thread and from a signal handler (it is one lock-free
 * atomic store); calls that use the token stop at their next check (between
 * batches, and inside long reads) with PF_ECANCELED and leave no output
 * behind. The token stays requested until pf_cancel_clear(). The caller owns
 * the token; it must outlive every call and stream that uses it. */
typedef struct pf_cancel pf_cancel;

PF_API pf_cancel *pf_cancel_new(void); /* NULL when out of memory */
PF_API void pf_cancel_free(pf_cancel *cancel);
PF_API void pf_cancel_request(pf_cancel *cancel);
PF_API void pf_cancel_clear(pf_cancel *cancel);
PF_API int pf_cancel_requested(const pf_cancel *cancel);

/* ---- options by key -------------------------------------------------------
 * Every setting of a call is an option named by a key ("csv.delimiter",
 * "excel.sheets", "xml.row_tag", "output.compression", "delta.mode", ...)
 * and held in an opaque pf_options handle, so a new format or setting adds
 * keys, never fields. Each format (and the engine: input, output, validate,
 * stream) declares a table of its keys; pf_option_at() lists them all,
 * and the CLI's parser and --help, the docs' option tables and the Python
 * keyword arguments are derived from that list.
 *
 * Values are text, parsed by the key's type: "true"/"false" (also yes/no,
 * on/off, 1/0), integers, sizes with K/M/G suffixes (powers of 1024), one
 * of an enum's names, one character or its name ("tab", "semicolon"), or a
 * string; "auto" where the key says so (detected or decided by the engine).
 * An unknown key or a bad value is PF_EINVAL with a message naming the key,
 * the value and what it takes ("csv.delimiter takes one character or
 * tab/comma/semicolon/pipe/space/colon; got 'ab'").
 *
 * Messages from the library (errors, warnings, log lines, info properties,
 * and the help and section texts of the tables) name options by key ("use
 * output.force to replace it", "input.on_bad_rows=skip"); each front end
 * renders them in its own spelling with pf_spell_options() ("--force",
 * "--on-bad-rows skip"; Python: force=True).
 *
 * A handle is used by one thread at a time; calls only read it. Strings are
 * copied. A call (or a stream) takes what it needs when it starts: the
 * handle may be changed or freed afterwards (the input buffer, callbacks'
 * user data and the cancel token stay borrowed, see below).
 */
typedef struct pf_options pf_options;

PF_API pf_options *pf_options_new(void); /* every key at its default; NULL: out of memory */
/* A deep copy (values, input, callbacks; the buffer and token stay borrowed). */
PF_API pf_options *pf_options_copy(const pf_options *options);
PF_API void pf_options_free(pf_options *options);

/* Sets a key (or its short name, e.g. "delimiter") to value. A list key is
 * replaced by the items of value (split at commas when the key says so). */
PF_API pf_status pf_options_set(pf_options *options, const char *key,
                                const char *value, pf_error *err);
/* List keys: appends the items of value (repeatable CLI flags); other keys:
 * as pf_options_set. */
PF_API pf_status pf_options_add(pf_options *options, const char *key,
                                const char *value, pf_error *err);
/* Back to the default; key NULL resets every key (not input or callbacks). */
PF_API pf_status pf_options_reset(pf_options *options, const char *key,
                                  pf_error *err);
/* The value in canonical text ("snappy", "true", "auto", "67108864", ";");
 * a list's items joined by ", "; NULL when unset without a default. *value
 * is valid until the key is next changed or the handle freed. */
PF_API pf_status pf_options_get(const pf_options *options, const char *key,
                                const char **value, pf_error *err);
/* 1 if the key was set (not only at its default), 0 if not or unknown. */
PF_API int pf_options_is_set(const pf_options *options, const char *key);
/* A list key's items (0 / NULL past the end or for other keys). */
PF_API size_t pf_options_count(const pf_options *options, const char *key);
PF_API const char *pf_options_item(const pf_options *options, const char *key,
                                   size_t index);

/* The input. A path (or "-" for standard input) is the key input.path.
 * Instead, an open file descriptor (borrowed: read from its start when it
 * is a regular file, read to its end when it is a pipe; never closed) or a
 * memory buffer (borrowed: it must stay valid and unchanged until the call
 * returns, or for a stream until the stream is released). With either,
 * input.path (optional) names the input in messages and its extension
 * chooses the format as a path's would. Setting one clears the other;
 * fd -1 / data NULL go back to input.path. */
PF_API void pf_options_set_input_fd(pf_options *options, int fd);
PF_API void pf_options_set_input_buffer(pf_options *options, const void *data,
                                        size_t size);

/* Callbacks (NULL: none). The level of the log is the key engine.log_level. */
PF_API void pf_options_set_log(pf_options *options, pf_log_fn fn, void *user);
PF_API void pf_options_set_progress(pf_options *options, pf_progress_fn fn,
                                    void *user);
/* pf_convert: each output's schema before it is written (--preview-schema). */
PF_API void pf_options_set_schema_callback(pf_options *options,
                                           pf_schema_fn fn, void *user);
PF_API void pf_options_set_cancel(pf_options *options, pf_cancel *cancel);

/* ---- the option tables ----------------------------------------------------- */
typedef enum pf_option_type {
  PF_OPTION_BOOL = 0, /* true/false (yes/no, on/off, 1/0)                   */
  PF_OPTION_INT,      /* a decimal integer in [min, max]                    */
  PF_OPTION_SIZE,     /* digits with an optional K, M or G suffix (x1024)   */
  PF_OPTION_ENUM,     /* one of the names in `values`                       */
  PF_OPTION_CHAR,     /* one ASCII character, or a name (tab, comma, ...)   */
  PF_OPTION_STRING,
  PF_OPTION_LIST      /* strings; pf_options_add appends                    */
} pf_option_type;

/* pf_option_desc.flags */
#define PF_OPTION_AUTO 0x1u       /* takes "auto": detected / engine's choice */
#define PF_OPTION_NONEMPTY 0x2u   /* the empty string is refused (list items too) */
#define PF_OPTION_COMMAS 0x4u     /* list items may be given comma-separated  */

/* pf_option_desc.uses: the calls that read the key. */
#define PF_USE_CONVERT 0x1u
#define PF_USE_INFO 0x2u
#define PF_USE_VALIDATE 0x4u
#define PF_USE_STREAM 0x8u
#define PF_USE_READ (PF_USE_CONVERT | PF_USE_INFO | PF_USE_VALIDATE | PF_USE_STREAM)

/* One command-line spelling of a key. */
typedef struct pf_option_flag {
  const char *flag;  /* "--delimiter", "-d", "--no-header"                 */
  const char *value; /* NULL: the flag takes a value (next argument or
                        --flag=VALUE); else the value it sets ("false")    */
} pf_option_flag;

/* A key as its table declares it. Read-only, static: valid for the life of
 * the process (a plugin's: until it is unloaded). Fields are only ever
 * added at the end; struct_size says how many the library has. */
typedef struct pf_option_desc {
  size_t struct_size;        /* sizeof (pf_option_desc) in the library      */
  const char *key;           /* "csv.delimiter"                              */
  const char *name;          /* "delimiter": unique, a Python identifier     */
  const char *section;       /* "Reading options (CSV/TSV)": the table's title */
  pf_option_type type;
  unsigned flags;            /* PF_OPTION_*                                  */
  unsigned uses;             /* PF_USE_*                                     */
  const char *default_value; /* the text it starts as; NULL: unset / empty   */
  const char *values;        /* enum and char keys: the names accepted
                                ("snappy, zstd, gzip, lz4_raw, none"); NULL  */
  const char *takes;         /* what an error says it takes                  */
  const char *help;          /* one line (may name other keys)               */
  const char *metavar;       /* "C", "N", "NAME" in CLI help; NULL for bools */
  const pf_option_flag *cli; /* CLI spellings, the main one first, ending
                                with {NULL, NULL}; NULL: not in the CLI      */
  int64_t min, max;          /* INT and SIZE keys: the range allowed         */
} pf_option_desc;

/* Every key the library knows, in table order (the order of `--help`):
 * pf_option_at(0 .. pf_option_count() - 1); NULL past the end. */
PF_API size_t pf_option_count(void);
PF_API const pf_option_desc *pf_option_at(size_t index);
/* A key by its key or short name; NULL when unknown. */
PF_API const pf_option_desc *pf_option_find(const char *key_or_name);

/* Rewrites the option keys in text (a library message) into a front end's
 * spelling: every "KEY=VALUE" and every bare "KEY" of a known key is passed
 * to spell (value NULL for a bare key), which writes the replacement into
 * its buffer and returns its length. Output goes to buf (NUL-terminated
 * when n > 0); returns the length it wanted. */
typedef size_t (*pf_spell_fn)(void *user, const pf_option_desc *option,
                              const char *value, char *buf, size_t n);
PF_API size_t pf_spell_options(const char *text, pf_spell_fn spell, void *user,
                               char *buf, size_t n);

/* ---- convert -------------------------------------------------------------
 * Reads the input (input.path, or the fd/buffer set on the options) and
 * writes the output (output.path, else beside the input: data.csv ->
 * data.parquet) atomically: nothing partial is ever left behind. Reads the
 * keys whose desc has PF_USE_CONVERT. */

/* One output of a conversion (a workbook can give several). */
typedef struct pf_output_desc {
  char *path;              /* file or table directory                      */
  char *tables;            /* NULL, or the sheets it holds, comma-separated */
  int64_t rows;
  int64_t columns;
  uint64_t bytes;          /* size on disk (a table: the files added)      */
  void *reserved[4];       /* zeroed                                       */
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
  void *reserved[8];       /* zeroed                                       */
} pf_convert_result;

PF_API pf_status pf_convert(const pf_options *options,
                            pf_convert_result *result, pf_error *err);
PF_API void pf_convert_result_free(pf_convert_result *result);
/* One JSON object; free with pf_free(). NULL when out of memory. */
PF_API char *pf_convert_result_json(const pf_convert_result *result);

/* The output path pf_convert would use (output.path, or the one derived
 * from input.path and output.format), written into buf. */
PF_API pf_status pf_default_output(const pf_options *options, char *buf,
                                   size_t n, pf_error *err);

/* ---- info ---------------------------------------------------------------- */
typedef struct pf_prop {
  char *key;   /* "encoding", "delimiter", "compression", ...              */
  char *value; /* display text (may name option keys: pf_spell_options)   */
  void *reserved[2]; /* zeroed                                            */
} pf_prop;

typedef struct pf_info_section {
  char *kind;        /* "row_group", "sheet", ...                          */
  char *name;        /* "0", sheet name, ...                               */
  size_t n_props;
  pf_prop *props;
  void *reserved[2]; /* zeroed                                             */
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
  double modified;       /* last modification (seconds since 1970, with
                            fractions); 0 when unknown (a buffer input)   */
  void *reserved[7];     /* zeroed                                         */
} pf_info;

/* Describes the input with the reading options (PF_USE_INFO keys); an
 * input.path that is a Delta table directory is described from its log. */
PF_API pf_status pf_info_read(const pf_options *options, pf_info *info,
                              pf_error *err);
PF_API void pf_info_free(pf_info *info);
/* One JSON object: path, format, size_bytes, rows, properties, columns,
 * sections; beside them the keys the original PyForge CLI's `info --format
 * json` printed (file_name, file_size, file_type, last_modified; for text
 * inputs encoding, delimiter, has_header, estimated_rows; docs/cli.md).
 * Free with pf_free(); NULL when out of memory. */
PF_API char *pf_info_json(const pf_info *info);

/* ---- validate ------------------------------------------------------------ */
typedef struct pf_validate_result {
  int valid;               /* 1 when the input converts without problems  */
  char *format;
  int64_t rows;            /* data rows read                               */
  int64_t problems_total;  /* problems found (may exceed n_problems)       */
  size_t n_problems;       /* problems kept (validate.max_problems)        */
  pf_error *problems;      /* each with its place                          */
  pf_schema *schema;       /* inferred schema, when one could be read      */
  char *checked;           /* NULL when the input was read as a conversion
                              reads it; else what was read and decoded
                              (Parquet: "every page of ..." or what was
                              not read and why)                            */
  void *reserved[8];       /* zeroed                                       */
} pf_validate_result;

/* Reads the whole input as a conversion would, collecting problems instead
 * of stopping at the first. Returns PF_OK when the check ran (whatever it
 * found: see result->valid); an error when it could not run at all. */
PF_API pf_status pf_validate(const pf_options *options,
                             pf_validate_result *result, pf_error *err);
PF_API void pf_validate_result_free(pf_validate_result *result);
PF_API char *pf_validate_result_json(const pf_validate_result *result);

/* ---- streams of Arrow batches ----------------------------------------------
 * pf_stream_open reads the input (input.path, "-", an fd or a buffer, see
 * pf_options_set_input_*) with its reading options and fills *out, an
 * ArrowArrayStream (Arrow C Stream Interface): get_schema, then get_next
 * until an array with release == NULL marks the end. The schema, types and
 * values are exactly those pf_convert writes for the same options: int64,
 * float64, bool, date32, timestamp[us] (naive) / timestamp[us, UTC],
 * time64[us], utf8, binary, decimal128(p, s), null; a combined group of
 * sheets has its sheet_name column first.
 *
 * Memory stays bounded: batches (up to 65,536 rows) are read as they are
 * asked for. Each array handed out is the consumer's: it lives until its
 * own release, independent of the stream.
 *
 * Widening: a value late in the input may not fit the type its column was
 * given from a sample (pf_convert then restarts). A stream cannot take back
 * batches it handed out, so it holds batches back until stream.holdback
 * bytes are read (or the input ends) before handing out the first: a
 * widening inside that window is invisible (the stream reads again with the
 * wider type). A widening after it fails get_next with PF_ELIMIT naming the
 * column, the row and the keys that avoid it: stream.type_scan=full reads
 * the whole input once before the first batch (types final, input read
 * twice), input.all_strings makes every column a string. A schema handed
 * out never changes; a value is never altered.
 *
 * Multi-table inputs (workbooks): sheets are selected and grouped as
 * pf_convert does (excel.sheets, excel.sheet_mode); when that gives several
 * outputs, stream.table picks one by the name of any table in it (or get an
 * error listing them). pf_tables_list shows the tables and their groups.
 *
 * Errors: get_next/get_schema return an errno value (EINVAL, ENOMEM, EIO,
 * ECANCELED, ...) and get_last_error() the message with its place, as
 * pf_error_format() renders it; pf_stream_error() gives the whole pf_error.
 * Cancel (the options' token) is checked between batches and inside long
 * reads. The callbacks are plain C: any thread may call them, one at a
 * time; release may come from any thread. The log and progress callbacks
 * run on the thread calling get_next. */
struct ArrowArrayStream;

PF_API pf_status pf_stream_open(const pf_options *options,
                                struct ArrowArrayStream *out, pf_error *err);
/* The full error behind the stream's last failed callback (status PF_OK if
 * none). PF_EINVAL when stream was not opened by pf_stream_open. */
PF_API pf_status pf_stream_error(const struct ArrowArrayStream *stream,
                                 pf_error *out);

/* One table of a multi-table input, with the output group pf_convert (and a
 * stream) would put it in under the given options. */
typedef struct pf_table_desc {
  char *name;          /* "Sheet1"                                          */
  int hidden;          /* hidden in the application                         */
  int64_t rows;        /* data rows if known cheaply, else -1               */
  char *group;         /* the group's name (its first table's name), NULL
                          when the table is not converted (empty, or not
                          in excel.sheets)                                  */
  int selected;        /* 1 when it is converted                            */
  void *reserved[4];   /* zeroed                                            */
} pf_table_desc;

typedef struct pf_table_list {
  size_t n_tables;     /* 0 for single-table inputs (CSV, XML)              */
  pf_table_desc *tables;
  size_t n_groups;     /* outputs pf_convert would write                    */
  void *reserved[4];   /* zeroed                                            */
} pf_table_list;

PF_API pf_status pf_tables_list(const pf_options *options, pf_table_list *out,
                                pf_error *err);
PF_API void pf_table_list_free(pf_table_list *list);

/* ---- batches of files -------------------------------------------------------
 * Converts many files with one call: paths and glob patterns in, one
 * conversion per file (exactly as pf_convert with the same options), the
 * files spread over workers. One file failing never stops the others: each
 * file gets its own status, error (with its place) and result. The Python
 * package's forge.batch_convert is this call.
 *
 *   pf_batch_job *job = pf_batch_new();
 *   pf_batch_add(job, "landing/orders-*.csv", &err); // a glob or a path
 *   pf_batch_set_output_dir(job, "out", &err);     // else beside each input
 *   pf_batch_run(job, options, &result, &err);     // options: pf_convert's
 *   ... result.items[i].status, .error, .result ...
 *   pf_batch_result_free(&result); pf_batch_free(job);
 *
 * Inputs. pf_batch_add takes a path or a glob pattern (*, ?, [...], and **
 * for any depth of directories); a pattern lists the regular files it
 * matches, sorted, and a file matched twice is converted once. A pattern
 * matching nothing is an item of its own with PF_ENOTFOUND. A path without
 * wildcards is converted as given (pf_convert's errors: Volume paths, a
 * missing file). pf_batch_add_path never expands wildcards.
 *
 * Outputs. Without an output directory each file's outputs are exactly
 * pf_convert's defaults (beside the input: data.parquet, a workbook's
 * <stem>_parquet/ directory of groups, a <stem>_delta table). With one
 * (created if missing), file outputs go into it by the input's name
 * (<dir>/data.parquet; a workbook's groups as <dir>/<stem>_<sheet>.parquet)
 * and tables as <dir>/<stem>_delta. Two inputs that would write the same
 * output are refused for the second before anything runs. output.path
 * must not be set on the options.
 *
 * Workers and threads. workers files convert at once (0: the variable
 * PYFORGE_PARALLEL_WORKERS, else the cores available; never more than the
 * files). Unless engine.threads is set, each file gets cores / workers
 * threads (at least 1), so the cores are not oversubscribed.
 *
 * Control. pf_batch_run blocks; the workers are its own threads. The
 * options' cancel token stops the batch: running conversions stop with
 * PF_ECANCELED and leave nothing behind, files not yet started are
 * PF_ECANCELED without running, files already converted stay. Progress
 * covers the whole batch: the options' progress callback gets the input
 * bytes done over all files (the files' sizes as stored) and the total,
 * unit "bytes", from the thread that called pf_batch_run, at most about ten
 * times a second. The file callback (below) reports each file as it ends,
 * from the same thread. The log callback is called from the workers, one
 * call at a time, each message prefixed with the file's path; the schema
 * callback likewise, one at a time.
 *
 * pf_batch_set_table writes every file into one Delta table instead, in
 * one commit; the result's items and totals stay as they are.
 *
 * A job is used by one thread at a time; pf_batch_run may be called again
 * (a new run of the same inputs). */
typedef struct pf_batch_job pf_batch_job;

typedef struct pf_batch_item {
  char *input;              /* the file (as matched or given)              */
  char *source;             /* the pattern or path that gave it            */
  char *output;             /* its planned output (NULL if none was planned) */
  pf_status status;         /* PF_OK: converted; else why not              */
  pf_error error;           /* status != PF_OK: message and place          */
  pf_convert_result result; /* status == PF_OK: as pf_convert fills it     */
  uint64_t bytes;           /* the input's size when the batch started     */
  double seconds;           /* wall time of this file                      */
  void *reserved[4];        /* zeroed                                      */
} pf_batch_item;

typedef struct pf_batch_result {
  size_t n_items;           /* inputs, in the order they were added        */
  pf_batch_item *items;
  size_t converted;         /* items with PF_OK                            */
  size_t failed;            /* items with an error other than cancel       */
  size_t canceled;          /* items with PF_ECANCELED                     */
  int64_t rows;             /* rows written over all files                 */
  int64_t rows_rejected;
  uint64_t bytes_in;        /* sizes of the inputs converted               */
  uint64_t bytes_out;
  uint64_t bytes_total;     /* sizes of every input (progress's total)     */
  double seconds;           /* wall time of the batch                      */
  int workers;              /* workers used                                */
  int threads_per_file;     /* engine threads each conversion was given    */
  char *table;              /* table mode: the table's directory, else NULL */
  int64_t table_version;    /* table mode: the version committed; -1 when
                               nothing was (or not table mode)             */
  void *reserved[6];        /* zeroed                                      */
} pf_batch_result;

/* Each file as it ends (converted, failed or canceled), in the order they
 * end, from the thread running pf_batch_run; items that fail before any
 * file runs (a pattern without matches, a broken symbolic link, two inputs
 * with one output) first. The item is borrowed for the call; index is its
 * place in the result. */
typedef void (*pf_batch_file_fn)(void *user, size_t index,
                                 const pf_batch_item *item);

PF_API pf_batch_job *pf_batch_new(void); /* NULL: out of memory */
PF_API void pf_batch_free(pf_batch_job *job);
/* A path or a glob pattern; patterns are expanded when the batch runs. */
PF_API pf_status pf_batch_add(pf_batch_job *job, const char *path_or_pattern,
                              pf_error *err);
/* A path taken literally, wildcard characters and all. */
PF_API pf_status pf_batch_add_path(pf_batch_job *job, const char *path,
                                   pf_error *err);
/* Where the outputs go (NULL: beside each input). Local and Volume paths. */
PF_API pf_status pf_batch_set_output_dir(pf_batch_job *job, const char *dir,
                                         pf_error *err);
/* Every file into ONE Delta table at dir (NULL: one output per file, the
 * default), committed as one new version after the last file. The files
 * are read twice: first each file's final schema (a full type scan), and
 * the schemas reconciled by the widening rules (int64 and double ->
 * double, date and timestamp -> timestamp, otherwise string; columns
 * matched ignoring ASCII case; a column a file lacks is null there; a file
 * without rows adds no column). An existing table's columns keep their
 * types: a file's values are cast to them when every value fits exactly,
 * else that file fails naming the row; new columns need delta.merge_schema
 * (as a convert with delta.mode=append). delta.mode applies as for convert
 * (error: refuse an existing table). Then every file is cast and written,
 * several at once; a file that fails adds nothing (its data files are
 * removed), the others are committed, with the number of files in the
 * commitInfo (operationParameters.inputFiles). Cancel: no commit, the data
 * files written so far removed. Not with an output directory; output.format
 * delta or unset. Workbooks: one output group (excel.sheets), as streams.
 * Progress climbs once from 0 to the total over both reads (each file's
 * bytes count half in each), never back. Rows left out with
 * input.on_bad_rows=skip go to one rejects file beside the table
 * (dir.rejects.csv, or output.rejects; columns file,line,reason,row).
 * Conversion hooks run per file (pre before its first read, post or
 * on-error after the commit); the schema callback once, with the table's
 * schema and dir (docs/extensions.md). The file callback runs for every
 * item once the commit is done. */
PF_API pf_status pf_batch_set_table(pf_batch_job *job, const char *dir,
                                    pf_error *err);
/* Files converted at once, 0..1024 (0: PYFORGE_PARALLEL_WORKERS, else the
 * cores). */
PF_API pf_status pf_batch_set_workers(pf_batch_job *job, int workers,
                                      pf_error *err);
PF_API void pf_batch_set_file_callback(pf_batch_job *job, pf_batch_file_fn fn,
                                       void *user);
/* Runs the batch with pf_convert's options (input.path and output.path
 * unset). Returns PF_OK when every file was tried (see each item and the
 * counts: files may have failed), PF_ECANCELED when the token stopped it
 * (result filled all the same), or an error when the batch could not start
 * (no inputs, a bad option, an output directory that cannot be made):
 * then result is empty. Free result with pf_batch_result_free either way. */
PF_API pf_status pf_batch_run(pf_batch_job *job, const pf_options *options,
                              pf_batch_result *result, pf_error *err);
PF_API void pf_batch_result_free(pf_batch_result *result);
/* One JSON object: the totals and every item (its result as
 * pf_convert_result_json, or its error); free with pf_free(). */
PF_API char *pf_batch_result_json(const pf_batch_result *result);

/* ---- formats ------------------------------------------------------------- */
typedef struct pf_format_desc {
  const char *name;        /* "csv"                                        */
  const char *kind;        /* "input" or "output"                          */
  const char *extensions;  /* ".csv .tsv .txt .psv" (compressed variants too) */
  const char *description;
  const char *origin;      /* "built-in" or the plugin's path              */
  const char *plugin;      /* the plugin's name; NULL for built-in formats  */
  const void *reserved[3]; /* NULL                                          */
} pf_format_desc;

/* Number of registered formats, built-in first, then those of the plugins
 * loaded (in their init order). *out points to a read-only array that stays
 * valid until pf_plugins_shutdown() (a later change of the plugins gives a
 * new array to later calls). The first call discovers plugins (below). */
PF_API size_t pf_formats_list(const pf_format_desc **out);

/* ---- extensions: plugins and the front ends' own -------------------------
 * Plugins (include/pyforge/plugin.h, docs/extensions.md) are shared
 * libraries found, on the first call that needs the format registry (a
 * conversion, info, validate, a stream, the option tables, the formats),
 * in this order:
 *   1. the directories (or files) in PYFORGE_PLUGIN_PATH, ':'-separated;
 *   2. the paths handed in with pf_plugins_add_path() (the Python package
 *      adds <site-packages>/pyforge_cli/plugins);
 *   3. the install's plugin directory (<libdir>/pyforge/plugins).
 * Within a directory, files ending in .so are taken in name order. Each is
 * loaded with dlopen(RTLD_NOW | RTLD_LOCAL), initialised in that order, and
 * recorded as loaded, failed (not a plugin, ABI too old or too new, a
 * missing library, init failed, a name that clashes) or disabled
 * (PYFORGE_DISABLE_PLUGINS=name,name; PYFORGE_FORCE_CORE=true disables
 * every plugin, none is opened). A plugin that failed changes nothing: a
 * command that does not need it works as without it. `pyforge --version`
 * and calls that need no registry load nothing.
 *
 * With PYFORGE_PLUGIN_RELOAD=1, every conversion (and info, validate,
 * stream) first re-checks the plugin files and reloads one whose file
 * changed (replace the file, e.g. by renaming a new build onto it; writing
 * into a loaded library in place may crash the process), when no other
 * call is using plugins at that moment.
 *
 * Everything here is thread-safe. Lifecycle steps (found, loaded, failed,
 * shut down) go to the log set with pf_plugins_set_log(). */

/* One extension: a built-in format family, a C plugin, or an entry a front
 * end registered (the Python package's extensions). */
typedef struct pf_extension_desc {
  const char *name;        /* "jsonl"                                      */
  const char *version;     /* "1.0.0"; the library's for built-ins         */
  const char *kind;        /* "built-in", "c-plugin", or what a front end
                              registered ("python")                        */
  const char *state;       /* "loaded", "unavailable" (loaded, but what it
                              needs is missing here), "failed", "disabled" */
  const char *reason;      /* why unavailable, failed or disabled; "" when
                              loaded                                       */
  const char *formats;     /* "jsonl (input)", ", "-separated; "" none     */
  const char *path;        /* the shared library (or module); "" built-in  */
  const char *description;
  const char *abi;         /* C plugins: "1.0" as built; "" otherwise      */
  const void *reserved[7]; /* NULL                                         */
} pf_extension_desc;

/* Every extension: built-in format families first, then C plugins in
 * their init order, then front-end entries in registration order. *out:
 * a read-only array valid until pf_plugins_shutdown(). */
PF_API size_t pf_extensions_list(const pf_extension_desc **out);
/* The list as a JSON array of objects (keys as the fields above); free
 * with pf_free(). NULL when out of memory. */
PF_API char *pf_extensions_json(void);

/* Adds a plugin directory or file to search (after PYFORGE_PLUGIN_PATH,
 * before the install's directory). When plugins were already discovered,
 * the new plugins are loaded at once. PF_EINVAL when path is empty. */
PF_API pf_status pf_plugins_add_path(const char *path, pf_error *err);

/* A front end's own extension (kind "python", ...), shown beside the C
 * plugins; registering the same name and kind again replaces it. hooks
 * (pyforge/plugin.h, optional) run around pf_convert after the plugins'
 * hooks; they and their state must stay valid until shutdown. */
struct pf_hooks;
PF_API pf_status pf_extension_register(const pf_extension_desc *desc,
                                       const struct pf_hooks *hooks, pf_error *err);

/* Where the plugin manager logs its lifecycle (NULL: nowhere). Process-wide. */
PF_API void pf_plugins_set_log(pf_log_fn fn, void *user, pf_log_level level);

/* Re-checks the plugin files now (what PYFORGE_PLUGIN_RELOAD=1 does before
 * each conversion) and reloads those that changed; *reloaded (may be NULL)
 * counts them. PF_EUNSUPPORTED while another call uses the plugins. */
PF_API pf_status pf_plugins_reload(size_t *reloaded, pf_error *err);

/* Calls each loaded plugin's shutdown in the reverse of the init order,
 * unloads them and frees the registry (the lists above included). Call it
 * at exit, when no call is running and no handle holds a plugin's option;
 * a later call discovers the plugins again. */
PF_API void pf_plugins_shutdown(void);
/* pf_plugins_shutdown once no call runs: waits up to timeout_ms for the
 * running calls (and open streams) to end, then shuts the plugins down
 * (PF_OK). PF_EUNSUPPORTED, with nothing unloaded, when calls still run at
 * the deadline. For a front end's exit handler, after it canceled its
 * calls (the Python package's atexit handler). */
PF_API pf_status pf_plugins_shutdown_idle(long timeout_ms, pf_error *err);

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

/* ==== sample datasets =====================================================
 * Realistic inputs to try PyForge on (docs/samples.md): sales orders as CSV,
 * a multi-sheet workbook, namespaced XML orders, a dBase table with memos
 * in a legacy code page, a multi-page PDF report; an Access database only
 * from a published bundle. The library generates them itself,
 * deterministically (the same bytes on every machine and run: fixed seeds,
 * no clock, no locale, fixed ZIP timestamps), in three sizes, or installs a
 * bundle (a manifest plus files) from a directory or an http(s) URL after
 * checking every file's SHA-256. Every install writes <destination>/
 * manifest.json listing each file with its size and SHA-256. Fetching a
 * bundle URL is the only network access the library ever makes. */

typedef struct pf_sample_desc {
  const char *name;          /* "csv-small": FORMAT-SIZE                    */
  const char *format;        /* csv, excel, xml, dbf, access, pdf (the
                                original PyForge CLI's names)                */
  const char *size;          /* small, medium, large                         */
  const char *files;         /* what it installs, relative to the
                                destination, space-separated                */
  uint64_t approx_bytes;     /* about this much on disk                      */
  int generated;             /* 1: generated here; 0: only from a bundle     */
  const char *description;
  const void *reserved[4];   /* NULL                                         */
} pf_sample_desc;

/* The catalogue; *out points to a static read-only array. */
PF_API size_t pf_samples_catalog(const pf_sample_desc **out);

/* What to install. Initialise with pf_samples_request_init(). */
typedef struct pf_samples_request {
  size_t struct_size;        /* set by _init                                 */
  const char *formats;       /* "csv,excel": NULL or "" = every format       */
  const char *sizes;         /* "small,medium": NULL or "" = small,medium
                                (large only when named)                      */
  const char *from;          /* NULL: generate; else a bundle: a directory
                                or an http:// or https:// URL (of the
                                bundle's directory or its manifest.json)     */
  int force;                 /* replace files already there                  */
  pf_progress_fn progress;   /* bytes written over the whole install         */
  void *progress_user;
  pf_cancel *cancel;         /* stops at the next MiB; nothing partial kept  */
  void *reserved[8];         /* NULL                                         */
} pf_samples_request;

PF_API void pf_samples_request_init(pf_samples_request *req);

/* pf_sample_file.state */
typedef enum pf_sample_state {
  PF_SAMPLE_INSTALLED = 0,   /* written (and verified) by this call          */
  PF_SAMPLE_PRESENT,         /* already there and matching its checksum      */
  PF_SAMPLE_CHANGED,         /* there, but its size or SHA-256 differs       */
  PF_SAMPLE_MISSING,         /* listed in the manifest, not on disk          */
  PF_SAMPLE_REMOVED,         /* removed by pf_samples_uninstall              */
  PF_SAMPLE_AVAILABLE        /* offered by a bundle (pf_samples_releases)    */
} pf_sample_state;

/* "installed", "present", "changed", "missing", "removed", "available" */
PF_API const char *pf_sample_state_name(pf_sample_state state);

typedef struct pf_sample_file {
  char *dataset;             /* "csv-small"                                  */
  char *format;
  char *size;
  char *path;                /* relative to the destination                  */
  uint64_t bytes;            /* as the manifest says                         */
  char sha256[65];           /* as the manifest says (lowercase hex)         */
  pf_sample_state state;
  void *reserved[4];         /* zeroed                                       */
} pf_sample_file;

typedef struct pf_samples_result {
  char *destination;         /* the directory                                */
  char *source;              /* "generated by pyforge 2.0.0" or the bundle   */
  size_t n_files;
  pf_sample_file *files;     /* sorted by path                               */
  uint64_t bytes;            /* bytes of the files listed                    */
  double seconds;
  size_t n_changed;          /* files CHANGED or MISSING                     */
  void *reserved[8];         /* zeroed                                       */
} pf_samples_result;

/* Generates (or installs from req->from) the datasets the request selects
 * into destination (made if missing), each file written atomically, read
 * back and checked against the SHA-256 computed while writing, and merges
 * them into destination/manifest.json. A file already there is kept when
 * the manifest lists it and it still matches (PF_SAMPLE_PRESENT); any other
 * existing file is PF_EEXIST unless req->force. A bundle is checked whole
 * before anything is kept: its manifest must name only safe relative
 * paths, a directory bundle may hold no file its manifest does not name,
 * and every file must have its size and SHA-256; else PF_EINPUT (or
 * PF_EPARSE for a bad manifest) and nothing is left behind. Generated
 * datasets are committed one by one: after a cancel the finished ones stay
 * (and are in the manifest). Access datasets cannot be generated
 * (PF_EUNSUPPORTED names --from). */
PF_API pf_status pf_samples_install(const char *destination,
                                    const pf_samples_request *req,
                                    pf_samples_result *result, pf_error *err);
/* What destination/manifest.json lists, each file checked (size and
 * SHA-256): PRESENT, CHANGED or MISSING. PF_ENOTFOUND without a manifest. */
PF_API pf_status pf_samples_installed(const char *destination,
                                      pf_samples_result *result, pf_error *err);
/* Removes the files destination/manifest.json names (only those, and the
 * directories that become empty), then the manifest. */
PF_API pf_status pf_samples_uninstall(const char *destination,
                                      pf_samples_result *result, pf_error *err);
/* What a bundle offers (its manifest, files AVAILABLE); from NULL: the
 * catalogue of generated datasets (files AVAILABLE, no checksums). */
PF_API pf_status pf_samples_releases(const char *from, pf_samples_result *result,
                                     pf_error *err);
PF_API void pf_samples_result_free(pf_samples_result *result);
/* One JSON object (destination, source, bytes, seconds, files: [{dataset,
 * format, size, path, bytes, sha256, state}]); free with pf_free(). */
PF_API char *pf_samples_result_json(const pf_samples_result *result);

/* ---- memory -------------------------------------------------------------- */
/* Frees memory the library returned as a bare pointer (JSON text). */
PF_API void pf_free(void *p);

#ifdef __cplusplus
}
#endif
#endif /* PYFORGE_H */

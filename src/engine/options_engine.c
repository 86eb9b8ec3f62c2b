/* options_engine.c - the keys the engine itself reads: the input and output
 * of a call, reading settings every format shares, validation and streams.
 * Formats declare their own keys beside their code (csv_options.c, ...);
 * registry.c lists every table. The order here is the order of --help and
 * of docs/cli.md. */
#include <stddef.h>

#include "core/opts.h"
#include "engine/registry.h"

#define DESC(...) {.struct_size = sizeof(pf_option_desc), __VA_ARGS__}

/* ---- output (convert) ---- */
#define S_OUTPUT "Output options"

static const pf_option_flag f_format[] = {{"-f", NULL}, {"--format", NULL}, {NULL, NULL}};
static const pf_option_flag f_force[] = {{"--force", "true"}, {NULL, NULL}};
static const pf_option_flag f_fsync[] = {{"--fsync", "true"}, {NULL, NULL}};
static const pf_option_flag f_rejects[] = {{"--rejects", NULL}, {NULL, NULL}};

static const pf__option output_options[] = {
    {.d = DESC(.key = "output.path", .name = "output", .section = S_OUTPUT,
               .type = PF_OPTION_STRING, .uses = PF_USE_CONVERT,
               .takes = "a path",
               .help = "where the result goes (default: beside the input, with the format's "
                       "extension; the CLI's OUTPUT argument)"),
     .bind = PF__BIND_STR, .offset = offsetof(pf__opts, output)},
    {.d = DESC(.key = "output.format", .name = "format", .section = S_OUTPUT,
               .type = PF_OPTION_STRING, .flags = PF_OPTION_NONEMPTY, .uses = PF_USE_CONVERT,
               .takes = "an output format name (pyforge formats)",
               .help = "output format: parquet (default) or delta (a Delta Lake table directory, "
                       "default <stem>_delta)",
               .metavar = "NAME", .cli = f_format),
     .bind = PF__BIND_STR, .offset = offsetof(pf__opts, output_format)},
    {.d = DESC(.key = "output.force", .name = "force", .section = S_OUTPUT, .type = PF_OPTION_BOOL,
               .uses = PF_USE_CONVERT, .default_value = "false", .takes = "true or false",
               .help = "replace an existing output (and rejects file)", .cli = f_force),
     .bind = PF__BIND_INT, .offset = offsetof(pf__opts, force)},
    {.d = DESC(.key = "output.fsync", .name = "fsync", .section = S_OUTPUT, .type = PF_OPTION_BOOL,
               .uses = PF_USE_CONVERT, .default_value = "false", .takes = "true or false",
               .help = "flush the output (and rejects file) to the disk before putting it in place, "
                       "so it survives a power loss; costs the time the disk takes to write it "
                       "(Delta tables and Volume copies are always flushed)",
               .cli = f_fsync),
     .bind = PF__BIND_INT, .offset = offsetof(pf__opts, fsync)},
    {.d = DESC(.key = "output.rejects", .name = "rejects", .section = S_OUTPUT,
               .type = PF_OPTION_STRING, .flags = PF_OPTION_NONEMPTY, .uses = PF_USE_CONVERT,
               .takes = "a path",
               .help = "where skipped bad rows go (default OUTPUT.rejects.csv)", .metavar = "PATH",
               .cli = f_rejects),
     .bind = PF__BIND_STR, .offset = offsetof(pf__opts, rejects_path)},
};

/* ---- reading, every format ---- */
#define S_INPUT "Reading options (all formats)"

static const pf_option_flag f_input_format[] = {{"--input-format", NULL}, {NULL, NULL}};
static const pf_option_flag f_header[] = {{"--header", "true"}, {"--no-header", "false"}, {NULL, NULL}};
static const pf_option_flag f_all_strings[] = {{"--all-strings", "true"}, {NULL, NULL}};
static const pf_option_flag f_encoding[] = {{"--encoding", NULL}, {NULL, NULL}};
static const pf_option_flag f_password[] = {{"--password", NULL}, {NULL, NULL}};
static const pf_option_flag f_on_bad_rows[] = {{"--on-bad-rows", NULL}, {NULL, NULL}};
static const pf_option_flag f_max_columns[] = {{"--max-columns", NULL}, {NULL, NULL}};
static const pf_option_flag f_max_field[] = {{"--max-field-size", NULL}, {NULL, NULL}};
static const pf_option_flag f_threads[] = {{"-j", NULL}, {"--threads", NULL}, {NULL, NULL}};
/* --force-pyspark: the original PyForge CLI's spelling of --engine spark */
static const pf_option_flag f_engine[] = {{"--engine", NULL}, {"--force-pyspark", "spark"},
                                          {NULL, NULL}};

static const pf__option input_options[] = {
    {.d = DESC(.key = "input.path", .name = "input", .section = S_INPUT,
               .type = PF_OPTION_STRING, .uses = PF_USE_READ, .takes = "a path, or - for standard input",
               .help = "the input file, or - for standard input; with an fd or buffer input, its "
                       "name (the CLI's INPUT argument)"),
     .bind = PF__BIND_STR, .offset = offsetof(pf__opts, input)},
    {.d = DESC(.key = "input.format", .name = "input_format", .section = S_INPUT,
               .type = PF_OPTION_STRING, .flags = PF_OPTION_NONEMPTY | PF_OPTION_AUTO,
               .uses = PF_USE_READ, .default_value = "auto",
               .takes = "an input format name (pyforge formats)",
               .help = "input format when the name does not tell (csv, xlsx, xml, dbf, parquet); "
                       "a file starting with Parquet's magic (PAR1, PARE) is Parquet whatever "
                       "its name",
               .metavar = "NAME", .cli = f_input_format),
     .bind = PF__BIND_STR, .offset = offsetof(pf__opts, input_format)},
    {.d = DESC(.key = "input.header", .name = "header", .section = S_INPUT, .type = PF_OPTION_BOOL,
               .flags = PF_OPTION_AUTO, .uses = PF_USE_READ, .default_value = "auto",
               .takes = "auto, true or false",
               .help = "whether the first row names the columns (default: detected); without "
                       "one, columns are Column_1, Column_2, ...",
               .cli = f_header),
     .bind = PF__BIND_INT, .offset = offsetof(pf__opts, csv.header), .auto_value = PF_AUTO},
    {.d = DESC(.key = "input.encoding", .name = "encoding", .section = S_INPUT,
               .type = PF_OPTION_STRING, .flags = PF_OPTION_AUTO | PF_OPTION_NONEMPTY,
               .uses = PF_USE_READ, .default_value = "auto", .takes = "an encoding name",
               .help = "text encoding, any iconv name (default: detected; CSV: utf-8, utf-16, "
                       "windows-1252; dBase: the .cpg file, the language driver, else detected)",
               .metavar = "NAME", .cli = f_encoding),
     .bind = PF__BIND_STR, .offset = offsetof(pf__opts, encoding)},
    /* read by key by the readers of protected inputs (the pdf and access plugins) */
    {.d = DESC(.key = "input.password", .name = "password", .section = S_INPUT,
               .type = PF_OPTION_STRING, .uses = PF_USE_READ, .takes = "a password",
               .help = "password of a protected input (a PDF's user or owner password, an MS "
                       "Access database password); never logged",
               .metavar = "PASSWORD", .cli = f_password)},
    {.d = DESC(.key = "input.on_bad_rows", .name = "on_bad_rows", .section = S_INPUT,
               .type = PF_OPTION_ENUM, .uses = PF_USE_READ, .default_value = "error",
               .values = "error, skip, keep", .takes = "error, skip or keep",
               .help = "rows that cannot be read (CSV: too many or too few fields, and with "
                       "skip/keep a row cut at a quote that never closes; dBase: damaged "
                       "records): stop (error), write them to a rejects file (skip), or (CSV) "
                       "keep them: missing fields null, extra text joined into the last column "
                       "(keep); info and validate read with the same rule",
               .metavar = "MODE", .cli = f_on_bad_rows),
     .bind = PF__BIND_INT, .offset = offsetof(pf__opts, csv.on_bad_rows),
     .names = (const pf__name[]){{"error", PF_BAD_ROWS_ERROR}, {"skip", PF_BAD_ROWS_SKIP},
                                 {"keep", PF_BAD_ROWS_KEEP}, {NULL, 0}}},
    {.d = DESC(.key = "input.all_strings", .name = "all_strings", .section = S_INPUT,
               .type = PF_OPTION_BOOL, .uses = PF_USE_READ, .default_value = "false",
               .takes = "true or false",
               .help = "every column a string, as the original PyForge CLI did", .cli = f_all_strings),
     .bind = PF__BIND_INT, .offset = offsetof(pf__opts, all_strings)},
    {.d = DESC(.key = "input.max_columns", .name = "max_columns", .section = S_INPUT,
               .type = PF_OPTION_SIZE, .uses = PF_USE_READ, .default_value = "8192",
               .takes = "a positive number", .help = "safety limit on columns (default 8192)",
               .metavar = "N", .cli = f_max_columns, .min = 1, .max = INT32_MAX),
     .bind = PF__BIND_I64, .offset = offsetof(pf__opts, max_columns)},
    {.d = DESC(.key = "input.max_field_size", .name = "max_field_size", .section = S_INPUT,
               .type = PF_OPTION_SIZE, .uses = PF_USE_READ, .default_value = "64M",
               .takes = "a size such as 128M", .help = "safety limit on one value, e.g. 256M (default 64M)",
               .metavar = "N", .cli = f_max_field, .min = 1, .max = INT64_MAX),
     .bind = PF__BIND_I64, .offset = offsetof(pf__opts, max_field_bytes)},
    {.d = DESC(.key = "engine.threads", .name = "threads", .section = S_INPUT,
               .type = PF_OPTION_INT, .flags = PF_OPTION_AUTO, .uses = PF_USE_READ,
               .default_value = "auto", .takes = "a number from 0 (all cores) to 256",
               .help = "threads to use (auto or 0: the cores available)", .metavar = "N",
               .cli = f_threads, .min = 0, .max = 256),
     .bind = PF__BIND_INT, .offset = offsetof(pf__opts, threads), .auto_value = 0},
    {.d = DESC(.key = "engine.name", .name = "engine", .section = S_INPUT,
               .type = PF_OPTION_ENUM, .uses = PF_USE_CONVERT, .default_value = "native",
               .values = "native, spark", .takes = "native or spark",
               .help = "the engine that converts: native (this library, the default) or spark "
                       "(the Python package's, with pyspark: docs/spark.md; elsewhere a "
                       "conversion asking for it fails)",
               .metavar = "NAME", .cli = f_engine),
     .bind = PF__BIND_INT, .offset = offsetof(pf__opts, engine),
     .names = (const pf__name[]){{"native", PF_ENGINE_NATIVE}, {"spark", PF_ENGINE_SPARK},
                                 {NULL, 0}}},
    {.d = DESC(.key = "engine.log_level", .name = "log_level", .section = S_INPUT,
               .type = PF_OPTION_ENUM, .uses = PF_USE_READ, .default_value = "warn",
               .values = "error, warn, info, debug", .takes = "error, warn, info or debug",
               .help = "diagnostics passed to the log callback (the CLI: -v, -q, "
                       "PYFORGE_LOG_LEVEL)"),
     .bind = PF__BIND_INT, .offset = offsetof(pf__opts, log_level),
     .names = (const pf__name[]){{"error", PF_LOG_ERROR}, {"warn", PF_LOG_WARN},
                                 {"warning", PF_LOG_WARN}, {"info", PF_LOG_INFO},
                                 {"debug", PF_LOG_DEBUG}, {NULL, 0}}},
};

/* ---- validate ---- */
static const pf_option_flag f_max_problems[] = {{"--max-problems", NULL}, {NULL, NULL}};

static const pf__option validate_options[] = {
    {.d = DESC(.key = "validate.max_problems", .name = "max_problems", .section = "Validation",
               .type = PF_OPTION_SIZE, .uses = PF_USE_VALIDATE, .default_value = "100",
               .takes = "a positive number", .help = "problems listed (default 100; all are counted)",
               .metavar = "N", .cli = f_max_problems, .min = 1, .max = INT64_MAX),
     .bind = PF__BIND_I64, .offset = offsetof(pf__opts, max_problems)},
};

/* ---- streams (library and Python) ---- */
#define S_STREAM "Streams (pf_stream_open, Python)"

static const pf__option stream_options[] = {
    {.d = DESC(.key = "stream.holdback", .name = "holdback", .section = S_STREAM,
               .type = PF_OPTION_SIZE, .uses = PF_USE_STREAM, .default_value = "64M",
               .takes = "a size such as 64M",
               .help = "batch bytes held back before the first is handed out, so that a column "
                       "widened inside them is read again invisibly",
               .min = 0, .max = INT64_MAX),
     .bind = PF__BIND_I64, .offset = offsetof(pf__opts, stream_holdback)},
    {.d = DESC(.key = "stream.type_scan", .name = "type_scan", .section = S_STREAM,
               .type = PF_OPTION_ENUM, .uses = PF_USE_STREAM, .default_value = "sample",
               .values = "sample, full", .takes = "sample or full",
               .help = "full: read the whole input once before the first batch, so no late value "
                       "can widen a column (the input is read twice)"),
     .bind = PF__BIND_INT, .offset = offsetof(pf__opts, stream_full_scan),
     .names = (const pf__name[]){{"sample", 0}, {"full", 1}, {NULL, 0}}},
    {.d = DESC(.key = "stream.table", .name = "table", .section = S_STREAM,
               .type = PF_OPTION_STRING, .flags = PF_OPTION_NONEMPTY, .uses = PF_USE_STREAM,
               .takes = "a table name",
               .help = "multi-table inputs: read the output group holding this table (a "
                       "workbook's sheet) when there are several"),
     .bind = PF__BIND_STR, .offset = offsetof(pf__opts, stream_table)},
};

_Static_assert(sizeof(pf_log_level) == sizeof(int), "enum fields are stored as int");
_Static_assert(sizeof(pf__bad_rows) == sizeof(int), "enum fields are stored as int");
_Static_assert(sizeof(pf__engine) == sizeof(int), "enum fields are stored as int");

const pf__option_table pf__output_option_table = PF__OPTION_TABLE(output_options);
const pf__option_table pf__input_option_table = PF__OPTION_TABLE(input_options);
const pf__option_table pf__validate_option_table = PF__OPTION_TABLE(validate_options);
const pf__option_table pf__stream_option_table = PF__OPTION_TABLE(stream_options);

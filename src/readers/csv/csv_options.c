/* csv_options.c - the keys of the CSV/TSV reader (csv.*): its table of
 * options, from which the CLI's flags and help, the docs and the Python
 * keyword arguments are derived (see core/opts.h). The keys CSV shares with
 * other inputs (input.header, input.encoding, input.on_bad_rows) are the
 * engine's (options_engine.c). */
#include <stddef.h>

#include "core/opts.h"
#include "readers/csv/csv_reader.h"

#define DESC(...) {.struct_size = sizeof(pf_option_desc), __VA_ARGS__}
#define S_CSV "Reading options (CSV/TSV)"

/* Names a delimiter, quote or escape character may be given by. */
#define CHAR_NAMES                                                                            \
  {"tab", '\t'}, {"\\t", '\t'}, {"comma", ','}, {"semicolon", ';'}, {"pipe", '|'},            \
      {"space", ' '}, {"colon", ':'}, {"backslash", '\\'}, {"\\\\", '\\'}
static const pf__name delimiter_names[] = {CHAR_NAMES, {NULL, 0}};
static const pf__name quote_names[] = {{"none", 0}, CHAR_NAMES, {NULL, 0}};
static const pf__name escape_names[] = {{"double", 0}, {"none", 0}, CHAR_NAMES, {NULL, 0}};

static const pf_option_flag f_delimiter[] = {
    {"-d", NULL}, {"--delimiter", NULL}, {"--sep", NULL}, {NULL, NULL}};
static const pf_option_flag f_quote[] = {{"--quote", NULL}, {NULL, NULL}};
static const pf_option_flag f_escape[] = {{"--escape", NULL}, {NULL, NULL}};
static const pf_option_flag f_skip_rows[] = {{"--skip-rows", NULL}, {NULL, NULL}};
static const pf_option_flag f_null_value[] = {{"--null-value", NULL}, {NULL, NULL}};

static const pf__option csv_options[] = {
    {.d = DESC(.key = "csv.delimiter", .name = "delimiter", .section = S_CSV,
               .type = PF_OPTION_CHAR, .flags = PF_OPTION_AUTO, .uses = PF_USE_READ,
               .default_value = "auto",
               .values = "auto, one character, tab, comma, semicolon, pipe, space, colon",
               .takes = "one character or tab/comma/semicolon/pipe/space/colon",
               .help = "field delimiter: a character, or tab, comma, semicolon, pipe, space, colon "
                       "(default: detected)",
               .metavar = "C", .cli = f_delimiter),
     .bind = PF__BIND_INT, .offset = offsetof(pf__opts, csv.delimiter), .names = delimiter_names,
     .auto_value = PF_AUTO},
    {.d = DESC(.key = "csv.quote", .name = "quote", .section = S_CSV, .type = PF_OPTION_CHAR,
               .flags = PF_OPTION_AUTO, .uses = PF_USE_READ, .default_value = "auto",
               .values = "auto, none, one character", .takes = "one character or 'none'",
               .help = "quote character, or none (default: detected, usually \")",
               .metavar = "C", .cli = f_quote),
     .bind = PF__BIND_INT, .offset = offsetof(pf__opts, csv.quote), .names = quote_names,
     .auto_value = PF_AUTO},
    {.d = DESC(.key = "csv.escape", .name = "escape", .section = S_CSV, .type = PF_OPTION_CHAR,
               .flags = PF_OPTION_AUTO, .uses = PF_USE_READ, .default_value = "auto",
               .values = "auto, double, backslash, one character",
               .takes = "one character, 'backslash' or 'double'",
               .help = "escape inside quotes: double (\"\") or backslash (default: detected)",
               .metavar = "C", .cli = f_escape),
     .bind = PF__BIND_INT, .offset = offsetof(pf__opts, csv.escape), .names = escape_names,
     .auto_value = PF_AUTO},
    {.d = DESC(.key = "csv.skip_rows", .name = "skip_rows", .section = S_CSV,
               .type = PF_OPTION_SIZE, .uses = PF_USE_READ, .default_value = "0",
               .takes = "a number", .help = "lines to skip before the header or data",
               .metavar = "N", .cli = f_skip_rows, .min = 0, .max = INT64_MAX),
     .bind = PF__BIND_I64, .offset = offsetof(pf__opts, csv.skip_rows)},
    {.d = DESC(.key = "csv.null_values", .name = "null_values", .section = S_CSV,
               .type = PF_OPTION_LIST, .uses = PF_USE_READ, .takes = "strings",
               .help = "a value read as null in every column (repeatable; replaces the default "
                       "null rule)",
               .metavar = "S", .cli = f_null_value),
     .bind = PF__BIND_LIST, .offset = offsetof(pf__opts, csv.null_values),
     .count_offset = offsetof(pf__opts, csv.n_null_values)},
};

const pf__option_table pf__csv_option_table = PF__OPTION_TABLE(csv_options);

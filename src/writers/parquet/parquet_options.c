/* parquet_options.c - the keys of the Parquet writer (output.compression,
 * row groups, pages, dictionaries). Delta tables write their data files
 * with the same keys. */
#include <stddef.h>

#include "core/opts.h"
#include "writers/parquet/parquet_writer.h"

#define DESC(...) {.struct_size = sizeof(pf_option_desc), __VA_ARGS__}
#define S_PARQUET "Parquet output (files, and Delta data files)"

static const pf_option_flag f_compression[] = {
    {"-c", NULL}, {"--compression", NULL}, {NULL, NULL}};
static const pf_option_flag f_level[] = {{"--compression-level", NULL}, {NULL, NULL}};
static const pf_option_flag f_rg_rows[] = {{"--row-group-size", NULL}, {NULL, NULL}};
static const pf_option_flag f_rg_bytes[] = {{"--row-group-bytes", NULL}, {NULL, NULL}};
static const pf_option_flag f_page[] = {{"--page-size", NULL}, {NULL, NULL}};
static const pf_option_flag f_dictionary[] = {
    {"--no-dictionary", "false"}, {"--dictionary", "true"}, {NULL, NULL}};

static const pf__option parquet_options[] = {
    {.d = DESC(.key = "output.compression", .name = "compression", .section = S_PARQUET,
               .type = PF_OPTION_ENUM, .uses = PF_USE_CONVERT, .default_value = "snappy",
               .values = "snappy, zstd, gzip, lz4_raw, none (also lz4, uncompressed)",
               .takes = "snappy, zstd, gzip, lz4_raw or none",
               .help = "snappy (default), zstd, gzip, lz4_raw, none", .metavar = "NAME",
               .cli = f_compression),
     .bind = PF__BIND_INT, .offset = offsetof(pf__opts, compression),
     .names = (const pf__name[]){{"snappy", PF_COMPRESSION_SNAPPY}, {"zstd", PF_COMPRESSION_ZSTD},
                                 {"gzip", PF_COMPRESSION_GZIP}, {"lz4_raw", PF_COMPRESSION_LZ4_RAW},
                                 {"none", PF_COMPRESSION_NONE}, {"lz4", PF_COMPRESSION_LZ4_RAW},
                                 {"uncompressed", PF_COMPRESSION_NONE}, {NULL, 0}}},
    {.d = DESC(.key = "output.compression_level", .name = "compression_level",
               .section = S_PARQUET, .type = PF_OPTION_INT, .flags = PF_OPTION_AUTO,
               .uses = PF_USE_CONVERT, .default_value = "auto",
               .takes = "a number from -7 to 22",
               .help = "codec level (zstd 1-22, default 3; gzip 1-9); not for snappy/none",
               .metavar = "N", .cli = f_level, .min = -7, .max = 22),
     .bind = PF__BIND_INT, .offset = offsetof(pf__opts, compression_level), .auto_value = 0},
    {.d = DESC(.key = "output.row_group_size", .name = "row_group_size", .section = S_PARQUET,
               .type = PF_OPTION_SIZE, .uses = PF_USE_CONVERT, .default_value = "1048576",
               .takes = "a positive number of rows", .help = "rows per row group (default 1048576)",
               .metavar = "N", .cli = f_rg_rows, .min = 1, .max = INT64_MAX),
     .bind = PF__BIND_I64, .offset = offsetof(pf__opts, row_group_rows)},
    {.d = DESC(.key = "output.row_group_bytes", .name = "row_group_bytes", .section = S_PARQUET,
               .type = PF_OPTION_SIZE, .flags = PF_OPTION_AUTO, .uses = PF_USE_CONVERT,
               .default_value = "auto", .takes = "a size such as 64M",
               .help = "encoded bytes that close a row group (default 32M; partitioned Delta "
                       "tables less)",
               .metavar = "N", .cli = f_rg_bytes, .min = 1, .max = INT64_MAX),
     .bind = PF__BIND_I64, .offset = offsetof(pf__opts, row_group_bytes), .auto_value = 0},
    {.d = DESC(.key = "output.page_size", .name = "page_size", .section = S_PARQUET,
               .type = PF_OPTION_SIZE, .flags = PF_OPTION_AUTO, .uses = PF_USE_CONVERT,
               .default_value = "auto", .takes = "a size such as 1M",
               .help = "target data page size, e.g. 512K (default 1M, smaller for wide tables)",
               .metavar = "N", .cli = f_page, .min = 1, .max = (int64_t)1 << 30),
     .bind = PF__BIND_I64, .offset = offsetof(pf__opts, page_bytes), .auto_value = 0},
    {.d = DESC(.key = "output.dictionary", .name = "dictionary", .section = S_PARQUET,
               .type = PF_OPTION_BOOL, .uses = PF_USE_CONVERT, .default_value = "true",
               .takes = "true or false",
               .help = "dictionary encoding where it pays (false: PLAIN only)",
               .cli = f_dictionary),
     .bind = PF__BIND_INT, .offset = offsetof(pf__opts, dictionary)},
};

_Static_assert(sizeof(pf__compression) == sizeof(int), "enum fields are stored as int");

const pf__option_table pf__parquet_option_table = PF__OPTION_TABLE(parquet_options);

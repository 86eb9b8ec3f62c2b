/* delta_options.c - the keys of the Delta Lake table writer (delta.*):
 * what to do with an existing table, partitions, schema changes,
 * checkpoints. docs/delta.md has the rules. */
#include <stddef.h>

#include "core/opts.h"
#include "writers/delta/delta_writer.h"

#define DESC(...) {.struct_size = sizeof(pf_option_desc), __VA_ARGS__}
#define S_DELTA "Delta Lake outputs (output.format=delta)"

static const pf_option_flag f_mode[] = {{"--mode", NULL}, {NULL, NULL}};
static const pf_option_flag f_partition_by[] = {{"--partition-by", NULL}, {NULL, NULL}};
static const pf_option_flag f_merge_schema[] = {{"--merge-schema", "true"}, {NULL, NULL}};
static const pf_option_flag f_ntz[] = {{"--timestamp-ntz", "true"}, {NULL, NULL}};
static const pf_option_flag f_interval[] = {{"--checkpoint-interval", NULL}, {NULL, NULL}};

static const pf__option delta_options[] = {
    {.d = DESC(.key = "delta.mode", .name = "mode", .section = S_DELTA, .type = PF_OPTION_ENUM,
               .uses = PF_USE_CONVERT, .default_value = "error",
               .values = "error, append, overwrite (also errorifexists)",
               .takes = "error, append or overwrite",
               .help = "error (default: refuse an existing table), append, overwrite "
                       "(output.force=true means overwrite)",
               .metavar = "MODE", .cli = f_mode),
     .bind = PF__BIND_INT, .offset = offsetof(pf__opts, delta.mode),
     .names = (const pf__name[]){{"error", PF_TABLE_ERROR}, {"append", PF_TABLE_APPEND},
                                 {"overwrite", PF_TABLE_OVERWRITE},
                                 {"errorifexists", PF_TABLE_ERROR}, {NULL, 0}}},
    {.d = DESC(.key = "delta.partition_by", .name = "partition_by", .section = S_DELTA,
               .type = PF_OPTION_LIST, .flags = PF_OPTION_NONEMPTY | PF_OPTION_COMMAS,
               .uses = PF_USE_CONVERT, .takes = "column names separated by commas",
               .help = "partition columns, comma-separated (repeatable)", .metavar = "COLS",
               .cli = f_partition_by),
     .bind = PF__BIND_LIST, .offset = offsetof(pf__opts, delta.partition_by),
     .count_offset = offsetof(pf__opts, delta.n_partition_by)},
    {.d = DESC(.key = "delta.merge_schema", .name = "merge_schema", .section = S_DELTA,
               .type = PF_OPTION_BOOL, .uses = PF_USE_CONVERT, .default_value = "false",
               .takes = "true or false",
               .help = "let append/overwrite add new nullable columns", .cli = f_merge_schema),
     .bind = PF__BIND_INT, .offset = offsetof(pf__opts, delta.merge_schema)},
    {.d = DESC(.key = "delta.timestamp_ntz", .name = "timestamp_ntz", .section = S_DELTA,
               .type = PF_OPTION_BOOL, .uses = PF_USE_CONVERT, .default_value = "false",
               .takes = "true or false",
               .help = "naive timestamps as timestamp_ntz (not read as UTC)", .cli = f_ntz),
     .bind = PF__BIND_INT, .offset = offsetof(pf__opts, delta.timestamp_ntz)},
    {.d = DESC(.key = "delta.checkpoint_interval", .name = "checkpoint_interval",
               .section = S_DELTA, .type = PF_OPTION_INT, .flags = PF_OPTION_AUTO,
               .uses = PF_USE_CONVERT, .default_value = "auto",
               .takes = "a number of versions from 1 to 1000000",
               .help = "a checkpoint every N versions (default: the table's "
                       "delta.checkpointInterval, else 10)",
               .metavar = "N", .cli = f_interval, .min = 1, .max = 1000000),
     .bind = PF__BIND_INT, .offset = offsetof(pf__opts, delta.checkpoint_interval),
     .auto_value = 0},
};

_Static_assert(sizeof(pf__table_mode) == sizeof(int), "enum fields are stored as int");

const pf__option_table pf__delta_option_table =
    PF__WRITER_OPTION_TABLE(delta_options, "delta");

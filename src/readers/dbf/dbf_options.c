/* dbf_options.c - the keys of the dBase reader (dbf.*): deleted records,
 * missing memo files, truncated tables. The reader also reads the shared
 * input.encoding, input.on_bad_rows, input.all_strings and limits;
 * docs/dbase.md has the rules. */
#include <stddef.h>

#include "core/opts.h"
#include "readers/dbf/dbf_reader.h"

#define DESC(...) {.struct_size = sizeof(pf_option_desc), __VA_ARGS__}
#define S_DBF "Reading options (dBase .dbf)"

static const pf_option_flag f_keep_deleted[] = {{"--keep-deleted", "true"}, {NULL, NULL}};
static const pf_option_flag f_missing_memo[] = {{"--ignore-missing-memo", "true"}, {NULL, NULL}};
static const pf_option_flag f_truncated[] = {{"--allow-truncated", "true"}, {NULL, NULL}};

static const pf__option dbf_options[] = {
    {.d = DESC(.key = "dbf.keep_deleted", .name = "keep_deleted", .section = S_DBF,
               .type = PF_OPTION_BOOL, .uses = PF_USE_READ, .default_value = "false",
               .takes = "true or false",
               .help = "keep deleted records, with a _deleted column (default: left out and "
                       "counted)",
               .cli = f_keep_deleted),
     .bind = PF__BIND_INT, .offset = offsetof(pf__opts, dbf.keep_deleted)},
    {.d = DESC(.key = "dbf.ignore_missing_memo", .name = "ignore_missing_memo", .section = S_DBF,
               .type = PF_OPTION_BOOL, .uses = PF_USE_READ, .default_value = "false",
               .takes = "true or false",
               .help = "convert without the memo columns when the memo file is missing "
                       "(default: an error naming it)",
               .cli = f_missing_memo),
     .bind = PF__BIND_INT, .offset = offsetof(pf__opts, dbf.ignore_missing_memo)},
    {.d = DESC(.key = "dbf.allow_truncated", .name = "allow_truncated", .section = S_DBF,
               .type = PF_OPTION_BOOL, .uses = PF_USE_READ, .default_value = "false",
               .takes = "true or false",
               .help = "a file with fewer records than its header says: convert those there, "
                       "with a warning (default: an error naming the record)",
               .cli = f_truncated),
     .bind = PF__BIND_INT, .offset = offsetof(pf__opts, dbf.allow_truncated)},
};

const pf__option_table pf__dbf_option_table = PF__OPTION_TABLE(dbf_options);

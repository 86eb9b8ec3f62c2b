/* dbf_reader.h - the dBase reader's entry in the format registry.
 * Options: the dbf.* keys (dbf_options.c), input.encoding, input.all_strings,
 * input.max_columns, input.max_field_size, input.on_bad_rows (skip); the
 * rules users see are in
 * docs/dbase.md, the design in dbf_internal.h. */
#ifndef PF_READERS_DBF_READER_H
#define PF_READERS_DBF_READER_H

#include "core/format_api.h"

extern const pf__reader_ops pf__dbf_reader_ops;
extern const pf__option_table pf__dbf_option_table;

#endif

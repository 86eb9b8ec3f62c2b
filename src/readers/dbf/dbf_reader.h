/* dbf_reader.h - the dBase reader's entry in the format registry.
 * Options: pf_convert_options.dbf (pyforge.h), all_strings, max_columns,
 * max_field_bytes, csv.on_bad_rows (skip); the rules users see are in
 * docs/dbase.md, the design in dbf_internal.h. */
#ifndef PF_READERS_DBF_READER_H
#define PF_READERS_DBF_READER_H

#include "core/format_api.h"

extern const pf__reader_ops pf__dbf_reader_ops;

#endif

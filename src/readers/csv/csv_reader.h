/* csv_reader.h - the CSV/TSV reader's entry in the format registry.
 *
 * Name "csv"; extensions .csv .tsv .txt .psv (compressed .gz/.zst/.bz2
 * variants are opened through the source, which decompresses by magic
 * bytes). Options: the csv.* keys (csv_options.c) and input.header,
 * input.all_strings, input.max_columns, input.max_field_size. PYFORGE_CSV_CHUNK_SIZE=<bytes> forces tiny
 * read blocks and parse parts (tests put boundaries everywhere with it).
 */
#ifndef PF_READERS_CSV_READER_H
#define PF_READERS_CSV_READER_H

#include "core/format_api.h"

extern const pf__reader_ops pf__csv_reader_ops;
extern const pf__option_table pf__csv_option_table;

#endif

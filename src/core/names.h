/* names.h - column names, given the same way by every reader.
 *
 * A name is the reader's text for the column with leading and trailing
 * spaces and tabs trimmed; an empty (or missing) one is "Column_N", N the
 * 1-based position, as the original PyForge CLI named headerless columns.
 * Duplicates, compared ignoring ASCII letter case (Spark and Delta treat
 * "ID" and "id" as the same column): the first keeps its name, later ones
 * become "<name>_2", "<name>_3", ..., skipping any name another column
 * already has (so "a,a,a_2" gives a, a_3, a_2). docs/types.md states it
 * for users.
 */
#ifndef PF_CORE_NAMES_H
#define PF_CORE_NAMES_H

#include <stddef.h>

#include "core/error.h"

/* n unique names for the texts raw[i] of len[i] bytes (raw[i] NULL or
 * len[i] 0: "Column_<i+1>"; len NULL: NUL-terminated). *out: n malloc'd
 * strings, freed with pf__names_free. */
pf_status pf__names_unique(const char *const *raw, const size_t *len, size_t n, char ***out);
void pf__names_free(char **names, size_t n);

/* The names the original PyForge CLI gave a header row, which
 * input.all_strings reproduces for CSV and workbooks (docs/types.md):
 * pandas' read_csv (1.5) named an empty field "Unnamed: I" (I the 0-based
 * position) and duplicates, compared with letter case, "name.1", "name.2",
 * ... skipping names the header holds; the original then stripped white
 * space and quotes from each name, named one that came out empty
 * "Column_N" and one equal to an earlier name "<name>_duplicate_1", "_2",
 * ... raw[i] NULL: no header field (no header, or a column past its end):
 * "Column_<i+1>". Arguments and result as pf__names_unique. */
pf_status pf__names_original(const char *const *raw, const size_t *len, size_t n, char ***out);

#endif

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

/* Nested values (XML elements and attributes, JSON objects): a value's
 * column is named by its path inside the record, segments joined by the
 * separator ("." by default). A node that has children and also a value of
 * its own (an element's text beside attributes, a JSON key that holds an
 * object in one record and a number in another) puts that value in
 * "<path><sep><value_name>" ("_VALUE" by default), so a column never
 * changes name between records; the record's own value is "_VALUE".
 * docs/xml.md states the rule for users. */
#define PF__PATH_SEPARATOR "."
#define PF__PATH_VALUE_NAME "_VALUE"

struct pf__buf;
/* Appends a segment: sep (NULL: the default) first unless b is empty, then
 * prefix (an attribute's; may be NULL), then seg[0..n). */
pf_status pf__path_push(struct pf__buf *b, const char *sep, const char *prefix, const char *seg,
                        size_t n);
/* Ends the name of a node's own value: sep + value_name (NULL: the
 * defaults), or value_name alone when b is empty (the record itself). */
pf_status pf__path_value(struct pf__buf *b, const char *sep, const char *value_name);
/* The whole name at once into buf (NUL-terminated when n > 0): segments
 * seg[i] of seg_len[i] bytes (seg_len NULL: NUL-terminated), then the
 * value suffix when value_of_parent. Returns the length it wanted. */
size_t pf__path_name(char *buf, size_t n, const char *const *seg, const size_t *seg_len,
                     size_t n_seg, int value_of_parent, const char *sep, const char *value_name);

#endif

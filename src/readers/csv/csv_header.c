/* csv_header.c - deciding whether a CSV file has a header, and naming its
 * columns.
 *
 * Header detection (when --header is not given), from the sample:
 * - The candidate is the first row after the skipped lines and the title
 *   rows (csv_shape.c), as csv_shape.c may have repaired it.
 * - If some column of the other sampled rows has a type other than string
 *   (int64, double, date, ...), the file has a header when, in at least one
 *   such column, the first row's value is text that would make the column
 *   a string (e.g. "price" above numbers). A first row whose values fit the
 *   types below it is data.
 * - If every column below is string (or there are no other rows), the
 *   file has a header when every first-row value is non-empty text that is
 *   not a number, boolean, date or timestamp, and one of them at least
 *   holds a letter (a word): "1/1/2020" or "100,000.00" above more of the
 *   same is data, not a name.
 *
 * Column names: the header field's value (quotes removed as for any
 * field), or none without a header, made unique by the rules every reader
 * shares (core/names.h: trimmed, "Column_N" when empty, duplicates ignoring
 * case get "_2", "_3", ...). With input.all_strings, the original PyForge
 * CLI's names instead (pandas' "Unnamed: I", "name.1"; core/names.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/names.h"
#include "readers/csv/csv_internal.h"

int pf__csv_row_has_word(const pf__csv_field *f, size_t n) {
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < f[i].n; j++) {
      uint8_t c = f[i].p[j];
      if (c >= 0x80 || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')) return 1;
    }
  return 0;
}

int pf__csv_detect_header(const pf__infer_ctx *ctx, const pf__csv_field *first,
                          size_t n_first, const pf__infer_col *body,
                          size_t n_cols, size_t n_body) {
  size_t typed = 0, misfit = 0;
  for (size_t i = 0; n_body && i < n_cols && i < n_first; i++) {
    pf_type t = body[i].type;
    if (t == PF_TYPE_NULL || t == PF_TYPE_STRING) continue;
    typed++;
    const char *v = (const char *)first[i].p;
    size_t n = first[i].n;
    if (n == 0) continue;
    if (pf__infer_value(ctx, v, n, NULL) == PF_TYPE_STRING &&
        !pf__infer_default_null(v, n))
      misfit++;
  }
  if (typed) return misfit > 0;
  if (n_first == 0) return 0;
  for (size_t i = 0; i < n_first; i++) {
    if (first[i].n == 0) return 0;
    if (pf__infer_value(ctx, (const char *)first[i].p, first[i].n, NULL) != PF_TYPE_STRING)
      return 0;
  }
  return pf__csv_row_has_word(first, n_first);
}

void pf__csv_names_free(char **names, size_t n) { pf__names_free(names, n); }

pf_status pf__csv_column_names(const pf__csv_field *first, size_t n_first,
                               size_t n_cols, int has_header, int original, char ***out) {
  const char **raw = calloc(n_cols ? n_cols : 1, sizeof *raw);
  size_t *len = calloc(n_cols ? n_cols : 1, sizeof *len);
  pf_status st = raw && len ? PF_OK : PF_ENOMEM;
  for (size_t i = 0; st == PF_OK && has_header && i < n_cols && i < n_first; i++) {
    raw[i] = first[i].p ? (const char *)first[i].p : ""; /* a field, maybe empty */
    len[i] = first[i].n;
  }
  if (st == PF_OK)
    st = original ? pf__names_original(raw, len, n_cols, out) : pf__names_unique(raw, len, n_cols, out);
  free(raw);
  free(len);
  return st;
}

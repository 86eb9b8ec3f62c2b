/* xlsx_fast.h - the specialised sheetData scanner (xlsx_fast.c) and its
 * differential check against the expat path (xlsx_fast_check.c). */
#ifndef PF_READERS_XLSX_FAST_H
#define PF_READERS_XLSX_FAST_H

#include "readers/xlsx/xlsx_internal.h"

typedef struct pf__xlsx_fast pf__xlsx_fast;
pf__xlsx_fast *pf__xlsx_fast_new(void);
void pf__xlsx_fast_free(pf__xlsx_fast *f);

/* Scans whole <row> elements (the bytes pf__xlsx_chunk_parse takes) and
 * calls fn per row exactly as the expat chunk parser would. Returns 0 when
 * every row was handed over (*no_r as pf__xlsx_chunk_parse), -1 when fn
 * returned -1, and 1 ("unsure") when the caller must forget the rows
 * handed over and parse the bytes with expat instead. fn must not ask to
 * suspend (chunk mode). */
int pf__xlsx_fast_parse(pf__xlsx_fast *f, const pf__xlsx_book *b, const char *data, size_t n,
                        pf__xlsx_row_fn fn, void *user, int *no_r);

/* PYFORGE_XLSX_SCANNER (pf__settings.xlsx_scanner): "expat" ->
 * PF__XLSX_SCAN_EXPAT, "check" -> PF__XLSX_SCAN_CHECK, anything else or
 * unset -> PF__XLSX_SCAN_FAST. */
enum { PF__XLSX_SCAN_FAST = 0, PF__XLSX_SCAN_EXPAT = 1, PF__XLSX_SCAN_CHECK = 2 };

/* Parses data with both the scanner and expat and compares the rows (row
 * numbers, columns, kinds, formats, bytes, shared-string identity) and the
 * no_r flag. PF_OK when they agree or the scanner was unsure (*unsure set
 * then, when unsure is non-NULL); PF_EINTERNAL naming the first difference
 * otherwise; PF_ENOMEM. */
pf_status pf__xlsx_fast_diff(pf__xlsx_book *b, pf__xlsx_sheet *sh, const char *data, size_t n,
                             int *unsure, pf_error *err);
/* The same over raw row bytes, with a made-up book: styles 0-3 (number,
 * date, date-time, time), shared strings "a", "bb", "x&y", "", limit 64 bytes
 * per value (fuzzing and unit tests). */
pf_status pf__xlsx_fast_diff_rows(const char *data, size_t n, int *unsure, pf_error *err);
/* Every sheet of the workbook at path: its <sheetData> content whole and
 * row by row. *sure / *unsure count the comparisons made / the ones the
 * scanner left to expat. Errors opening the book are returned as they are
 * (not differences); PF_EINTERNAL is a difference. */
pf_status pf__xlsx_fast_diff_book(const char *path, size_t *sure, size_t *unsure, pf_error *err);

/* Check mode for a whole sheet: the serial streaming reader run beside
 * the parallel one. pf__xlsx_shadow_row compares a row handed over with
 * the serial reader's next row; pf__xlsx_shadow_end checks it has none
 * left. A difference is PF_EINTERNAL naming the sheet and the row (a
 * cut in the wrong place, an encoding the parts misread, ...). */
typedef struct pf__xlsx_shadow pf__xlsx_shadow;
pf_status pf__xlsx_shadow_open(pf__xlsx_book *b, pf__xlsx_sheet *sh, pf__xlsx_shadow **out,
                               pf_error *err);
pf_status pf__xlsx_shadow_row(pf__xlsx_shadow *w, int64_t row, const pf__xlsx_cell *cells,
                              size_t n, pf_error *err);
pf_status pf__xlsx_shadow_end(pf__xlsx_shadow *w, pf_error *err);
void pf__xlsx_shadow_close(pf__xlsx_shadow *w);

#endif

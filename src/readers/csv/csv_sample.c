/* csv_sample.c - the sample a CSV file's column types are inferred from.
 *
 * The sample is the head of the text (read by the reader: up to 1 MiB and
 * at least two rows) plus, for a seekable input in an encoding that can be
 * decoded from any offset (UTF-8, UTF-16, Windows-1252, Latin-1), up to
 * WINDOWS windows of WINDOW_BYTES spread evenly through the rest of the
 * file. A window starts at an arbitrary byte, so it is resynchronised: its
 * rows are taken from just after a line break, and the start is accepted
 * only if at least 90% of the complete rows that follow (and the first
 * two) have the file's field count; otherwise the next line break is tried
 * (up to 8 times) and then the window is left out. A line break inside a
 * quoted field makes the field counts disagree, which is what rejects a
 * wrong start. The window's last row, cut by the window's end, is left out.
 * No windows are read when the head holds a line break inside quotes or
 * ends inside quotes: a quoted field longer than a window can hold text
 * that looks like rows with the right field count (the reader then relies
 * on widening, which never loses a value).
 */
#include <stdlib.h>
#include <string.h>

#include "readers/csv/csv_internal.h"

#define WINDOWS 10
#define WINDOW_BYTES (64u * 1024)
#define RESYNC_TRIES 8

pf_status pf__csv_infer_rows(const pf__csv_dialect *d, const pf__infer_ctx *ctx,
                             const pf__csv_nulls *nl, const uint8_t *buf,
                             const pf__csv_rows *rows, size_t from, size_t to,
                             pf__infer_col *cols, size_t n_cols) {
  pf__csv_field *f = malloc((n_cols + 1) * sizeof *f);
  if (!f) return PF_ENOMEM;
  pf__buf scratch;
  pf__buf_init(&scratch, 0);
  pf_status st = PF_OK;
  for (size_t r = from; r < to && st == PF_OK; r++) {
    const uint8_t *s = buf + rows->start[r];
    const uint8_t *e = buf + rows->end[r];
    scratch.len = 0;
    st = pf__buf_reserve(&scratch, (size_t)(e - s) + 1);
    if (st != PF_OK) break;
    size_t nf = pf__csv_split(d, s, e, f, n_cols, scratch.data);
    if (nf > n_cols) nf = n_cols;
    for (size_t c = 0; c < nf; c++) {
      if (f[c].n == 0) continue; /* empty: null for inference */
      if (pf__csv_is_null(nl, PF_TYPE_INT64, f[c].p, f[c].n)) continue;
      pf__infer_col_add(&cols[c], ctx, (const char *)f[c].p, f[c].n);
    }
  }
  pf__buf_free(&scratch);
  free(f);
  return st;
}

/* Finds a start in text[0..n) after which rows have n_cols fields; fills
 * rows (scanned from that start) and returns 1, or 0. */
static int resync(const pf__csv_dialect *d, const uint8_t *text, size_t n,
                  int at_eof, size_t n_cols, pf__csv_rows *rows) {
  size_t from = 0;
  for (int attempt = 0; attempt < RESYNC_TRIES; attempt++) {
    const uint8_t *next, *br = pf__csv_next_break(text + from, text + n, &next);
    if (!br) return 0;
    from = (size_t)(next - text);
    pf__csv_scanner sc;
    pf__csv_scan_init(&sc, d, 1);
    rows->n = 0;
    /* Scan from `from`: the scanner works on offsets from the buffer
     * start, so start it there. */
    sc.pos = sc.row_start = from;
    if (pf__csv_scan(&sc, text, n, at_eof, rows, SIZE_MAX) != PF_OK) {
      if (at_eof) continue;
    }
    if (rows->n < 2) continue;
    size_t good = 0, total = rows->n;
    int first_two = 1;
    for (size_t i = 0; i < total; i++) {
      const uint8_t *s = text + rows->start[i];
      const uint8_t *e = text + rows->end[i];
      size_t nf = pf__csv_split(d, s, e, NULL, 0, NULL);
      if (nf == n_cols) good++;
      else if (i < 2) first_two = 0;
    }
    if (first_two && good * 10 >= total * 9) return 1;
  }
  return 0;
}

pf_status pf__csv_sample_windows(pf__csv_text *t, const pf__csv_dialect *d,
                                 const pf__infer_ctx *ctx,
                                 const pf__csv_nulls *nl, uint64_t head_raw,
                                 pf__infer_col *cols, size_t n_cols,
                                 size_t *rows_used) {
  *rows_used = 0;
  if (!pf__source_seekable(t->src) || !pf__csv_text_windows_ok(t)) return PF_OK;
  uint64_t size = pf__source_disk_size(t->src);
  if (size <= head_raw + WINDOW_BYTES) return PF_OK;
  uint8_t *raw = malloc(WINDOW_BYTES);
  if (!raw) return PF_ENOMEM;
  pf__buf text;
  pf__buf_init(&text, 0);
  pf__csv_rows rows = {0};
  pf_status st = PF_OK;
  uint64_t span = size - head_raw - WINDOW_BYTES;
  for (int w = 1; w <= WINDOWS && st == PF_OK; w++) {
    uint64_t off = head_raw + span * (uint64_t)w / WINDOWS;
    size_t got = 0;
    pf_error e2;
    pf_error_init(&e2);
    if (pf__source_pread(t->src, off, raw, WINDOW_BYTES, &got, &e2) != PF_OK || got == 0)
      continue;
    st = pf__csv_text_decode_window(t, off, raw, got, &text);
    if (st != PF_OK) break;
    int at_eof = off + got >= size;
    if (!resync(d, text.data, text.len, at_eof, n_cols, &rows)) continue;
    /* Only rows ended by a line break (or the input's end) are complete:
     * the one cut by the window's end is not among them. */
    size_t use = rows.n;
    st = pf__csv_infer_rows(d, ctx, nl, text.data, &rows, 0, use, cols, n_cols);
    *rows_used += use;
  }
  pf__csv_rows_free(&rows);
  pf__buf_free(&text);
  free(raw);
  return st;
}

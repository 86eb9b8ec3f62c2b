/* xlsx_internal.h - shared structures of the Excel workbook reader.
 *
 * Layers (one file each):
 *   xlsx_numfmt.c  number formats -> date/time/number classes; Excel serial
 *                  numbers -> dates, timestamps, times; values as text.
 *   xlsx_book.c    the workbook container: ZIP, CFB (encrypted / legacy .xls)
 *                  detection, XML parts parsed with expat (workbook, rels,
 *                  styles, shared strings).
 *   xlsx_sheet.c   one sheet's XML as a stream of rows of cells (suspendable,
 *                  so next() can return a full batch and continue later);
 *                  merged-cell filling.
 *   xlsx_par.c     one sheet read in parts: rows cut at "<row" starts,
 *                  parsed in parallel, handed over in order.
 *   xlsx_fast.c    a scanner for those parts, used instead of expat where
 *                  it is sure to give the same rows (xlsx_fast.h;
 *                  xlsx_fast_check.c compares the two).
 *   xlsx_table.c   per-sheet sampling: header row, used column range, column
 *                  types, signature; the schema over selected sheets.
 *   xlsx_reader.c  the reader ops: open, next (rows -> batches, widening
 *                  with PF_ERESTART), select, tables, info.
 */
#ifndef PF_READERS_XLSX_INTERNAL_H
#define PF_READERS_XLSX_INTERNAL_H

#include <expat.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/format_api.h"
#include "core/infer.h"
#include "core/schema.h"
#include "io/source.h"
#include "io/zip_archive.h"

#define PF__XLSX_MAX_COLS 16384      /* Excel's column limit (XFD)          */
#define PF__XLSX_MAX_ROWS 1048576    /* Excel's row limit                   */
#define PF__XLSX_SST_LIMIT (UINT64_C(2) << 30) /* shared strings text bytes  */
#define PF__XLSX_SAMPLE_ROWS 1000    /* data rows sampled per sheet           */

/* ---- number formats (xlsx_numfmt.c) ---- */
typedef enum pf__xlsx_fmt {
  PF__XF_NUMBER = 0, /* General, 0.00, percentages, currency, elapsed [h]  */
  PF__XF_DATE,       /* only date parts                                    */
  PF__XF_DATETIME,   /* date and time parts                                */
  PF__XF_TIME        /* only time-of-day parts                             */
} pf__xlsx_fmt;

pf__xlsx_fmt pf__xlsx_builtin_fmt(unsigned id);
pf__xlsx_fmt pf__xlsx_classify_fmt(const char *code);

/* Serial -> value. Return 0 when the serial is not a valid date there
 * (negative, or serial 60 in the 1900 system: the 1900-02-29 that never
 * was). */
int pf__xlsx_serial_days(double v, int date1904, int32_t *days);
int pf__xlsx_serial_micros(double v, int date1904, int64_t *micros);
/* Time of day of a serial in [0, 1) -> microseconds since midnight. */
int64_t pf__xlsx_time_micros(double v);
/* t="d" text: ISO 8601 "YYYY-MM-DD" (PF_TYPE_DATE, *days),
 * "YYYY-MM-DDTHH:MM[:SS[.f...]]" with an optional zone (Z, +hh:mm, +hhmm,
 * +hh) (PF_TYPE_TIMESTAMP, or _UTC with a zone; *micros since the epoch,
 * *days its date), or "HH:MM[:SS[.f...]]" (PF_TYPE_TIME, *micros since
 * midnight). Any number of fraction digits, rounded half up to the
 * microsecond. PF_TYPE_STRING when the text is none of these. */
pf_type pf__xlsx_parse_iso(const char *p, size_t n, int32_t *days, int64_t *micros);
/* Shortest text that reads back as v ("0.1", "44927", "1E+20"). */
size_t pf__xlsx_fmt_double(double v, char *out, size_t cap);
/* ISO 8601 texts: "2024-01-05", "2024-01-05 10:30:00[.ffffff]", "10:30:00". */
size_t pf__xlsx_fmt_date(int32_t days, char *out, size_t cap);
size_t pf__xlsx_fmt_timestamp(int64_t micros, char *out, size_t cap);
size_t pf__xlsx_fmt_time(int64_t micros, char *out, size_t cap);
/* "C17" for 1-based column 3, row 17. */
void pf__xlsx_cell_ref(int64_t col, int64_t row, char *out, size_t cap);

/* ---- the workbook (xlsx_book.c) ---- */
typedef struct pf__xlsx_sheet {
  char *name;          /* sheet name                                        */
  char *part;          /* "xl/worksheets/sheet1.xml"; NULL: none (empty)    */
  int hidden;          /* 0 visible, 1 hidden, 2 very hidden                */
  /* Decided by sampling (xlsx_table.c): */
  int sampled;
  int complete;        /* the sample reached the end of the sheet          */
  char *dimension;     /* <dimension ref> or NULL                           */
  int64_t header_row;  /* sheet row of the header, 0 for none              */
  int64_t col_lo, col_hi; /* used columns (1-based), col_hi < col_lo: none   */
  char **hdr;          /* header texts for columns col_lo..col_hi (or NULL) */
  size_t n_hdr;
  pf__infer_col *types; /* sampled ladder types per column col_lo..col_hi   */
  size_t n_types;
  int64_t data_rows;   /* data rows seen (trailing blanks trimmed)         */
  int64_t filled_rows; /* the data rows holding a cell (--all-strings
                          leaves blank rows out, as the original CLI did)  */
  int64_t first_data;  /* sheet row of the first data row (0: none)        */
  int64_t last_data;   /* sheet row of the last non-empty data row         */
  char *signature;     /* normalised header for grouping                    */
} pf__xlsx_sheet;

typedef struct pf__xlsx_book {
  const char *path;    /* borrowed                                          */
  pf__source *src;
  pf__zip *zip;
  int date1904;
  pf__xlsx_sheet *sheets;
  size_t n_sheets;
  uint8_t *xf_fmt;     /* pf__xlsx_fmt per cellXfs index                   */
  size_t n_xf;
  char *sst;           /* shared strings, NUL-separated                     */
  uint64_t *sst_off;   /* n_sst + 1 offsets into sst                        */
  uint32_t *sst_len;
  size_t n_sst;
  uint64_t max_field;  /* bytes one cell may hold                           */
  const pf__log *log;  /* repairs are said here (may be NULL)             */
  int scanner;         /* PF__XLSX_SCAN_* (PYFORGE_XLSX_SCANNER)             */
  pf__infer_ctx ictx;
} pf__xlsx_book;

/* Opens the workbook at path, or o's descriptor/buffer when it has one (o
 * may be NULL: defaults): its parts, sheets, styles and shared strings.
 * Damage with a plain intent (an unreadable _rels/.rels, a sheet without
 * its relationship, a missing shared-strings part) is repaired and said on
 * log as a warning. */
pf_status pf__xlsx_book_open(pf__xlsx_book *b, const char *path, const pf__opts *o,
                             uint64_t max_field, const pf__log *log, pf_error *err);
void pf__xlsx_book_close(pf__xlsx_book *b);

/* Parses a member with expat, calling the handlers (element names have any
 * namespace prefix stripped by the caller's helper pf__xlsx_local). A parse
 * error names the part, line and column. stop, when set by a handler
 * through XML_StopParser(non-resumable), ends the parse successfully. */
typedef struct pf__xlsx_xml_cb {
  XML_StartElementHandler start;
  XML_EndElementHandler end;
  XML_CharacterDataHandler text;
  void *user;
  pf_status *status;   /* handlers report a failure here, then stop       */
} pf__xlsx_xml_cb;
pf_status pf__xlsx_parse_part(pf__xlsx_book *b, const char *part, const pf__xlsx_xml_cb *cb,
                              pf_error *err);
XML_Parser pf__xlsx_parser_new(void);
/* The name after any "prefix:". */
static inline const char *pf__xlsx_local(const char *name) {
  const char *c = name;
  for (const char *p = name; *p; p++)
    if (*p == ':') c = p + 1;
  return c;
}
/* Value of attribute local name `key` (prefix ignored), or NULL. */
const char *pf__xlsx_attr(const char **atts, const char *key);
pf_status pf__xlsx_xml_error(const pf__xlsx_book *b, XML_Parser p, const char *part,
                             pf_error *err);

/* ---- sheet streams (xlsx_sheet.c) ---- */
typedef enum pf__xlsx_kind {
  PF__XK_NUM = 0,  /* <v> number                                   */
  PF__XK_SST,      /* shared string index (resolved in the row)  */
  PF__XK_STR,      /* inline string or formula string             */
  PF__XK_BOOL,
  PF__XK_ERR,      /* error text (#N/A, ...)                      */
  PF__XK_ISO       /* t="d": ISO 8601 date/time text              */
} pf__xlsx_kind;

typedef struct pf__xlsx_cell {
  uint32_t col;    /* 1-based                                     */
  uint8_t kind;    /* pf__xlsx_kind                               */
  uint8_t fmt;     /* pf__xlsx_fmt of the cell's style            */
  const char *p;   /* value text (shared strings resolved)        */
  size_t n;
} pf__xlsx_cell;

typedef struct pf__xlsx_scan pf__xlsx_scan;
/* Called per row that has at least one cell with a value (rows without
 * any are not reported; row numbers show the gaps). cells are sorted by
 * column and valid during the call. Return 0 to go on, 1 to suspend after
 * this row (pf__xlsx_scan_run returns; the next run continues), or -1 to
 * stop with the status stored in the callback's own state. */
typedef int (*pf__xlsx_row_fn)(void *user, int64_t row, const pf__xlsx_cell *cells, size_t n);

pf_status pf__xlsx_scan_open(pf__xlsx_book *b, pf__xlsx_sheet *sh, int fill_merged,
                             pf__xlsx_row_fn fn, void *user, pf__xlsx_scan **out,
                             pf_error *err);
/* Runs until the callback suspends (*done = 0) or the sheet ends (*done =
 * 1). A callback's -1 returns PF_ECANCELED (the caller knows why). */
pf_status pf__xlsx_scan_run(pf__xlsx_scan *s, int *done, pf_error *err);
/* Chunk mode (xlsx_par.c): a parser for whole <row> elements cut out of
 * the sheetData, without the stream; the callback must not suspend.
 * *no_r is set when a row had no r= attribute (its number then depends on
 * rows before the chunk). XML errors name the part and the sheet. */
pf_status pf__xlsx_chunk_new(pf__xlsx_book *b, pf__xlsx_sheet *sh, pf__xlsx_row_fn fn, void *user,
                             pf__xlsx_scan **out);
pf_status pf__xlsx_chunk_parse(pf__xlsx_scan *s, const char *data, size_t n, int *no_r,
                               pf_error *err);

/* What the expat path and the scanner (xlsx_fast.c) share, so both give
 * the same rows: */
/* Sorts a row's cells by column (stable) and keeps the last of cells in
 * the same column; coff moves along. Returns the new count. */
size_t pf__xlsx_settle(pf__xlsx_cell *cells, uint64_t *coff, size_t n);
/* A t="s" cell whose text (p, n) is its index -> the shared string; -1
 * when the workbook has no such string. */
int pf__xlsx_sst_resolve(const pf__xlsx_book *b, pf__xlsx_cell *c);
/* Decodes the _xHHHH_ escapes of OOXML text in place ("_x000D_" a carriage
 * return, "_x005F_" an underscore, so "_x005F_x000D_" reads "_x000D_";
 * surrogate pairs joined, a lone surrogate kept as written); returns the
 * new length. */
size_t pf__xlsx_unescape(char *p, size_t n);

/* ---- parallel sheet reading (xlsx_par.c) ---- */
typedef struct pf__xlsx_par pf__xlsx_par;
pf_status pf__xlsx_par_open(pf__xlsx_book *b, pf__xlsx_sheet *sh, pf__pool *pool,
                            pf__xlsx_par **out, pf_error *err);
/* Receives the sheet's rows in order: 0 to go on, 1 to stop (a batch is
 * full), -1 on a failure (the taker keeps the reason). Called from a pool
 * worker while other workers parse: it may touch the reader's state but
 * nothing the parsers read (book, sheet part, shared strings). */
typedef int (*pf__xlsx_take_fn)(void *user, int64_t row, const pf__xlsx_cell *cells, size_t n);
/* Hands rows to take until it stops (*stop = its verdict), the sheet ends
 * (*done) or the serial reader must continue after the rows handed out
 * (*fallback: comments or processing instructions inside sheetData, rows
 * without r=, a truncated sheet). */
pf_status pf__xlsx_par_step(pf__xlsx_par *p, pf__xlsx_take_fn take, void *user, int *stop,
                            int *done, int *fallback, pf_error *err);
uint64_t pf__xlsx_par_bytes(const pf__xlsx_par *p);
void pf__xlsx_par_close(pf__xlsx_par *p);

/* Compressed bytes of the sheet part consumed so far. */
uint64_t pf__xlsx_scan_bytes(const pf__xlsx_scan *s);
void pf__xlsx_scan_close(pf__xlsx_scan *s);

/* ---- sampling and schema (xlsx_table.c) ---- */
typedef struct pf__xlsx_head_opts {
  int no_header;       /* opts->csv.header == 0                            */
  int64_t header_row;  /* opts->excel.header_row                           */
  int fill_merged;
  int64_t max_cols;
} pf__xlsx_head_opts;

/* Reads the start of a sheet (max_rows data rows; <0: all) and fills the
 * sampled fields of sh. */
pf_status pf__xlsx_sample(pf__xlsx_book *b, pf__xlsx_sheet *sh, const pf__xlsx_head_opts *o,
                          int64_t max_rows, pf_error *err);
void pf__xlsx_sheet_free_sample(pf__xlsx_sheet *sh);

/* Sets err to "rows out of order" (row after a higher row) in sheet sh:
 * rows must come in increasing order (a row repeated at once is one row). */
void pf__xlsx_order_error(pf_error *err, const pf__xlsx_sheet *sh, int64_t row, int64_t after);
/* The ladder type of one cell (PF_TYPE_NULL for errors); *big as infer. */
pf_type pf__xlsx_cell_type(const pf__xlsx_book *b, const pf__xlsx_cell *c, double *num,
                           int *big);
/* The cell as text, "as Excel shows it" (see docs/excel.md). tmp has
 * at least 64 bytes; *p may point into the cell or tmp. */
void pf__xlsx_cell_text(const pf__xlsx_book *b, const pf__xlsx_cell *c, char *tmp,
                        const char **p, size_t *n);
/* The cell as the text the original PyForge CLI wrote (--all-strings;
 * xlsx_original.c): "True", "2024-01-15T13:45:30", "1E-7", "#N/A". tmp has
 * at least 64 bytes; *p may point into the cell or tmp. */
void pf__xlsx_cell_text_original(const pf__xlsx_book *b, const pf__xlsx_cell *c, char *tmp,
                                 const char **p, size_t *n);

#endif

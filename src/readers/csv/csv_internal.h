/* csv_internal.h - what the CSV reader's files share: the dialect, the text
 * stream (encoding layer), the quote-aware row scanner and field splitter,
 * dialect sniffing, header naming, sampling/inference and the parallel
 * parse of row ranges into batches.
 *
 * Data flow: pf__source (decompressed bytes) -> pf__csv_text (UTF-8 text)
 * -> blocks of text -> pf__csv_scan (row boundaries, sequential) ->
 * pf__csv_parse_part (rows -> pf_batch, one task per part, in parallel).
 */
#ifndef PF_READERS_CSV_INTERNAL_H
#define PF_READERS_CSV_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "core/batch.h"
#include "core/buf.h"
#include "core/infer.h"
#include "io/source.h"

/* ---- dialect ---------------------------------------------------------- */

typedef struct pf__csv_dialect {
  uint8_t delim;  /* field delimiter                                        */
  uint8_t quote;  /* quote byte, 0 when fields are never quoted             */
  uint8_t escape; /* 0: a quote inside quotes is doubled; '\\': backslash
                     escapes \" and \\ inside quotes (doubled quotes too)   */
  uint8_t ends;   /* info only: the line ends the sample's rows have
                     (PF__CSV_LF | PF__CSV_CRLF | PF__CSV_CR); rows end
                     at any of them in every file (csv_scan.c)             */
  uint8_t space;  /* one space after each delimiter belongs to it (files
                     written with ", "): a quote after it opens a field   */
} pf__csv_dialect;

/* Line ends (dialect.ends). */
#define PF__CSV_LF 1u
#define PF__CSV_CRLF 2u
#define PF__CSV_CR 4u

/* Delimiters tried, in order of preference. */
#define PF__CSV_DELIMS ",\t;|:^~ "

/* Picks the dialect from a sample of text (the start of the data, after
 * skipped lines). Fields of o not PF_AUTO are kept as given. is_all: the
 * sample is the whole input. */
void pf__csv_sniff(const uint8_t *text, size_t n, int is_all,
                   const pf__csv_opts *o, pf__csv_dialect *d);

/* ---- text stream: any supported encoding in, UTF-8 out ---------------- */

typedef enum pf__csv_enc {
  PF__CSV_UTF8 = 0, /* passed through; validated by the parser          */
  PF__CSV_UTF16LE,
  PF__CSV_UTF16BE,
  PF__CSV_CP1252,   /* Windows-1252; the 5 undefined bytes map to U+0081,
                       U+008D, U+008F, U+0090, U+009D                  */
  PF__CSV_LATIN1,
  PF__CSV_ICONV     /* a forced encoding glibc's iconv knows            */
} pf__csv_enc;

typedef struct pf__csv_text {
  pf__source *src;      /* borrowed                                        */
  pf__csv_enc enc;
  char name[64];        /* display name ("UTF-8", "UTF-8 (BOM)", ...)      */
  size_t bom;           /* BOM bytes at the start of the input, skipped    */
  void *cd;             /* iconv_t for PF__CSV_ICONV                       */
  uint8_t *raw;         /* undecoded input (transcoding encodings)         */
  size_t raw_len;       /* bytes in raw                                    */
  size_t raw_cap;
  int src_eof;          /* the source has no more bytes                    */
  uint64_t raw_pos;     /* input bytes consumed (decoded) so far           */
  uint64_t text_pos;    /* UTF-8 bytes produced so far                     */
  int started;          /* the BOM was skipped                             */
  uint8_t pend[8];      /* decoded text not yet handed out (tiny reads)    */
  size_t pend_len, pend_pos;
} pf__csv_text;

/* Decides the encoding from the first bytes of the input (head, n bytes;
 * is_all: that is the whole input). Not UTF-8 -> Windows-1252; NUL bytes
 * that are not UTF-16 -> PF_EFORMAT. */
pf_status pf__csv_detect_encoding(const uint8_t *head, size_t n, int is_all,
                                  pf__csv_enc *enc, size_t *bom,
                                  pf_error *err);
/* Sets up t for src (which is rewound). forced: NULL or an encoding name
 * (opts->encoding). */
pf_status pf__csv_text_init(pf__csv_text *t, pf__source *src,
                            const char *forced, const uint8_t *head,
                            size_t n, int is_all, pf_error *err);
/* Reads up to cap bytes of UTF-8 (any cap >= 1); *got == 0 only at the
 * end. A multi-byte character may be split between reads. */
pf_status pf__csv_text_read(pf__csv_text *t, uint8_t *dst, size_t cap,
                            size_t *got, pf_error *err);
pf_status pf__csv_text_rewind(pf__csv_text *t, pf_error *err);
void pf__csv_text_free(pf__csv_text *t);
/* 1 when text offsets equal input offsets (UTF-8 passthrough). */
int pf__csv_text_exact_offsets(const pf__csv_text *t);
/* Can windows at raw offsets be decoded on their own? */
int pf__csv_text_windows_ok(const pf__csv_text *t);
/* Decodes a raw window read at input offset off into out (UTF-8). */
pf_status pf__csv_text_decode_window(const pf__csv_text *t, uint64_t off,
                                     const uint8_t *raw, size_t n,
                                     pf__buf *out);

/* 1 if p[0..n) is valid UTF-8; else 0 and *bad = offset of the first bad
 * byte. NUL bytes are valid here (checked separately). */
int pf__csv_utf8_valid(const uint8_t *p, size_t n, size_t *bad);

/* ---- rows --------------------------------------------------------------- */

typedef struct pf__csv_rows {
  uint32_t *start;  /* row i is buf[start[i], end[i]) (terminator excluded) */
  uint32_t *end;
  int64_t *line;    /* 1-based physical line where row i starts            */
  size_t n;
  size_t cap;
} pf__csv_rows;

void pf__csv_rows_free(pf__csv_rows *r);

/* The kinds of line end outside quotes (after the rows text[0..n) was
 * split into, and the empty lines between them) as d->ends; is_all: the
 * text is the whole input. */
void pf__csv_note_ends(const uint8_t *text, size_t n, int is_all,
                       const pf__csv_rows *rows, pf__csv_dialect *d);

/* A resumable quote-aware scanner over one growing buffer of text. Outside
 * quotes LF, CR LF and a lone CR each end a row (and a line); rows that are
 * empty are skipped, though their lines count. A row's end excludes its
 * line end. */
typedef struct pf__csv_scanner {
  pf__csv_dialect d;
  size_t pos;          /* next byte to examine                              */
  size_t row_start;    /* start of the row not yet complete                 */
  int in_quote;        /* inside a quoted field                             */
  int64_t line;        /* line where the pending row starts                 */
  int64_t extra;       /* line breaks inside quotes in the pending row      */
  int64_t quote_line;  /* line where the open quote is                      */
  size_t quote_pos;    /* its position in the buffer                        */
  int64_t quoted_breaks; /* line breaks inside quotes seen in all           */
  int lenient;         /* an open quote at the end of the input ends its row
                          at the first line break after the quote (that row
                          is bad: bad_line), instead of failing PF_EPARSE  */
  int64_t bad_line;    /* line of that row, 0 if none                       */
  int64_t bad_quote;   /* line of its open quote                            */
  int cr_end;          /* the last row ended at a CR that was the buffer's
                          last byte: an LF next belongs to that line end   */
} pf__csv_scanner;

void pf__csv_scan_init(pf__csv_scanner *sc, const pf__csv_dialect *d,
                       int64_t first_line);
/* Scans buf[sc->pos, len), appending complete rows (at most max_rows in
 * all in rows). at_eof: len is the end of the input, so a last row without
 * terminator completes; an open quote then fails with PF_EPARSE (the
 * caller names sc->quote_line), or with sc->lenient ends a bad row (see
 * the scanner). Returns PF_ENOMEM or PF_OK. */
pf_status pf__csv_scan(pf__csv_scanner *sc, const uint8_t *buf, size_t len,
                       int at_eof, pf__csv_rows *rows, size_t max_rows);
/* The pending row moved to offset 0 of a new buffer (shift = old start). */
void pf__csv_scan_rebase(pf__csv_scanner *sc, size_t shift);
/* The first line end in [p, e) (LF, CR LF or a lone CR, quotes or not):
 * its first byte, or NULL; *next is the byte after it. A CR at e - 1 may
 * be the start of a CR LF whose LF is not read yet (the caller decides). */
const uint8_t *pf__csv_next_break(const uint8_t *p, const uint8_t *e,
                                  const uint8_t **next);

/* ---- fields ------------------------------------------------------------- */

typedef struct pf__csv_field {
  const uint8_t *p;  /* value (unescaped; may point into scratch)           */
  uint32_t n;        /* value bytes (rows are < 2 GiB)                      */
  unsigned raw : 31; /* offset of the field's first byte in the row         */
  unsigned quoted : 1; /* the field was quoted                              */
} pf__csv_field;

/* Splits row [s, e) into fields; stores at most cap of them in f (scratch:
 * room for e - s bytes, used for values that need unescaping; NULL only
 * when cap == 0). Returns the number of fields in the row. */
size_t pf__csv_split(const pf__csv_dialect *d, const uint8_t *s,
                     const uint8_t *e, pf__csv_field *f, size_t cap,
                     uint8_t *scratch);
/* pf__csv_split for rows in a block buffer: the same result, faster for
 * rows without quote bytes; needs PF__CSV_SLACK readable bytes after e. */
#define PF__CSV_SLACK 64
size_t pf__csv_split_fast(const pf__csv_dialect *d, const uint8_t *s,
                          const uint8_t *e, pf__csv_field *f, size_t cap,
                          uint8_t *scratch);

/* ---- null rule ----------------------------------------------------------- */

typedef struct pf__csv_nulls {
  const char *const *values; /* custom null strings (opts), or NULL        */
  size_t n_values;
  size_t *lens;
  int all_strings;           /* --all-strings: nothing is null             */
} pf__csv_nulls;

/* Is a (non-empty or quoted) field null for a column of type t? Unquoted
 * empty fields are handled by the caller. */
int pf__csv_is_null(const pf__csv_nulls *nl, pf_type t, const uint8_t *p,
                    size_t n);

/* ---- header ----------------------------------------------------------- */

/* Does the first row look like a header, given the types the other rows
 * of the sample have (body[i] for column i; n_body rows)? */
int pf__csv_detect_header(const pf__infer_ctx *ctx, const pf__csv_field *first,
                          size_t n_first, const pf__infer_col *body,
                          size_t n_cols, size_t n_body);
/* Does some field of f[0..n) hold a letter (an ASCII letter or any
 * non-ASCII character)? A row naming columns does; a row of numbers,
 * dates or dashes does not. */
int pf__csv_row_has_word(const pf__csv_field *f, size_t n);
/* Column names (see the rules in csv_header.c; original: the original
 * PyForge CLI's, for input.all_strings); names[i] are malloc'd. */
pf_status pf__csv_column_names(const pf__csv_field *first, size_t n_first,
                               size_t n_cols, int has_header, int original, char ***names);
void pf__csv_names_free(char **names, size_t n);

/* ---- shape: columns, title rows, header repairs (csv_shape.c) ---------- */

typedef struct pf__csv_shape {
  size_t lead;          /* sample rows above the header candidate (title)  */
  size_t n_cols;        /* columns, if the candidate is a header           */
  size_t body_cols;     /* the body's field count (columns without header) */
  size_t body_short;    /* > 0: the header names more columns than the body
                           has fields; rows with this many are not bad     */
  pf__csv_field *hdr;   /* the candidate's fields, repaired (hdr_n)        */
  size_t hdr_n;
  uint8_t *scratch;     /* text of unescaped fields in hdr                 */
  int64_t line;         /* the candidate's line                            */
  size_t *nf;           /* field counts of the first m sample rows         */
  size_t m;
  char note[320];       /* the header repair, "" if none                   */
} pf__csv_shape;

/* Finds the shape of the sample's rows (o: header and skip_rows options). */
pf_status pf__csv_shape_find(pf__csv_shape *sh, const pf__csv_dialect *d,
                             const uint8_t *buf, const pf__csv_rows *rows,
                             const pf__csv_opts *o, size_t max_cols);
/* Takes row sh->lead as the header candidate again (after lead changed). */
pf_status pf__csv_shape_header(pf__csv_shape *sh, const pf__csv_dialect *d,
                               const uint8_t *buf, const pf__csv_rows *rows);
/* The header continues on the `extra` rows below it: names joined. */
pf_status pf__csv_shape_join(pf__csv_shape *sh, const pf__csv_dialect *d,
                             const uint8_t *buf, const pf__csv_rows *rows, size_t extra);
void pf__csv_shape_free(pf__csv_shape *sh);

/* ---- sample and inference ------------------------------------------------ */

/* Adds the values of rows [from, to) of buf to cols (n_cols of them).
 * Fields past n_cols are ignored. */
pf_status pf__csv_infer_rows(const pf__csv_dialect *d, const pf__infer_ctx *ctx,
                             const pf__csv_nulls *nl, const uint8_t *buf,
                             const pf__csv_rows *rows, size_t from, size_t to,
                             pf__infer_col *cols, size_t n_cols);
/* Reads windows spread through a seekable input (after head_raw bytes)
 * and adds rows that resynchronise cleanly to cols. Best effort: windows
 * that cannot be read or synchronised are left out. */
pf_status pf__csv_sample_windows(pf__csv_text *t, const pf__csv_dialect *d,
                                 const pf__infer_ctx *ctx,
                                 const pf__csv_nulls *nl, uint64_t head_raw,
                                 pf__infer_col *cols, size_t n_cols,
                                 size_t *rows_used);

/* ---- parse parts ------------------------------------------------------- */

/* Read-only settings shared by the parse tasks. */
typedef struct pf__csv_cfg {
  pf__csv_dialect d;
  const pf__infer_ctx *ictx;
  pf__csv_nulls nulls;
  const pf_schema *schema;   /* column names and current types           */
  size_t n_cols;
  size_t body_short;         /* rows with this many fields (< n_cols) are
                                not bad: the header names more columns
                                than the data has (0: none)              */
  pf__bad_rows on_bad;        /* SKIP when validating                      */
  int header;                /* the file has a header (messages)          */
  int check_utf8;            /* text is passed-through UTF-8              */
  int exact_offsets;         /* byte offsets in messages are exact        */
  uint64_t bom;              /* added to text offsets for input offsets   */
  size_t max_field;          /* bytes                                     */
  const char *path;
} pf__csv_cfg;

/* A bad row found by a task, reported later in order. */
typedef struct pf__csv_reject {
  int64_t line;
  char *reason;
  size_t raw_off;            /* row bytes in the block                    */
  size_t raw_len;
} pf__csv_reject;

/* One range of rows of a block, parsed by one task into one batch. */
typedef struct pf__csv_part {
  /* in */
  const uint8_t *buf;        /* the block's text                          */
  const pf__csv_rows *rows;
  size_t row_begin, row_end;
  int64_t first_row;         /* 0-based data row index of row_begin       */
  uint64_t text_off;         /* text offset of buf[0]                     */
  /* out */
  pf_batch *batch;           /* owned by the reader; filled here          */
  pf_status status;          /* first fatal problem                       */
  pf_error err;
  int widened;               /* some value did not fit its column         */
  pf_type *want;             /* per column: type the values need          */
  int64_t *ev_row;           /* per column: first misfit (1-based row), -1 */
  int64_t *ev_line;
  char **ev_value;           /* malloc'd text of that value (truncated)   */
  pf__csv_reject *rejects;
  size_t n_rejects, cap_rejects;
  int64_t bad_quote_line;    /* this row is cut at an open quote (lenient) */
  int64_t bad_quote_open;    /* the line of that quote                     */
  int64_t kept[3];           /* KEEP: short [0] and long [1] rows kept, and
                                rows cut at an open quote [2]            */
  int64_t kept_line[3];      /* the first of each (line), -1               */
  /* scratch: rows are split a chunk at a time, then converted by column */
  size_t chunk_rows;         /* rows per chunk                            */
  pf__csv_field *fields;     /* chunk_rows x (n_cols + 1)                 */
  size_t *nf;                /* per chunk row: fields                     */
  int64_t *ln;               /* per chunk row: line                       */
  int64_t *rn;               /* per chunk row: 1-based data row           */
  size_t chunk_text;         /* bytes the chunk's values of one column
                                take at most (its text, keep's joins)    */
  pf__buf scratch;           /* unescaped values of the chunk             */
  pf__buf joined;            /* keep mode: last column + extra fields     */
} pf__csv_part;

pf_status pf__csv_part_init(pf__csv_part *p, size_t n_cols);
void pf__csv_part_free(pf__csv_part *p, size_t n_cols);
/* Clears outputs for a new run (batch reset to cfg->schema). */
pf_status pf__csv_part_reset(pf__csv_part *p, const pf__csv_cfg *cfg);
/* Parses the part's rows into its batch (the task body). */
void pf__csv_parse_part(const pf__csv_cfg *cfg, pf__csv_part *p);

/* ---- the reader's state (csv_open.c opens, csv_reader.c streams) ---- */

#include "core/format_api.h"
#include "core/pool.h"

/* A block of text holding complete rows (plus the start of the next row,
 * carried to the following block). */
typedef struct pf__csv_block {
  uint8_t *buf;
  size_t len;
  size_t cap;
  pf__csv_rows rows;     /* complete rows in buf                         */
  size_t row0;           /* rows before row0 are not data (the header)   */
  uint64_t text_off;     /* text offset of buf[0]                        */
  int64_t first_row;     /* data rows before rows[row0] in the input     */
  int last;              /* the input ends in this block                 */
  int64_t bad_quote_line; /* a row cut at an open quote (lenient), or 0  */
  int64_t bad_quote_open; /* the line of that quote                      */
} pf__csv_block;

/* The parts of one block: one batch each. */
typedef struct pf__csv_parts {
  pf__csv_part *p;
  size_t n, cap;
} pf__csv_parts;

struct pf__csv_reader;

/* A block parsed on the pool (its parts, one task each) while the next
 * block is read and scanned (one more task); submitted by one call, waited
 * for ("collected") by a later one, so parsing overlaps what the caller
 * does with the previous block's batches. */
typedef struct pf__csv_job {
  struct pf__csv_reader *r;
  pf__csv_block *cur;          /* the block parsed                         */
  pf__csv_block *nxt;          /* the block read next (prepare)            */
  pf__csv_parts *set;          /* where cur's batches go                   */
  int prepare;                 /* task 0 reads nxt                         */
  int running;                 /* submitted, not yet collected             */
  pf_status prep_st;
  pf_error prep_err;
  pf__pool_job pj;
} pf__csv_job;

typedef struct pf__csv_reader {
  const pf__reader_env *env;   /* borrowed for the reader's life          */
  const pf__opts *opts;
  pf__source *src;
  pf__csv_text text;
  pf__infer_ctx ictx;
  pf__csv_dialect d;
  int has_header;
  size_t lead;                 /* rows before the data: title + header     */
  int empty;                   /* no text: Column_1 and no rows (the text
                                  stream may not be set up)               */
  char *open_notes[2];         /* what open() repaired: title rows, the
                                  header (NULL when nothing)              */
  char *kept_notes[3];         /* warnings(): rows kept (built on request) */
  const char *notes_out[5];    /* warnings()' answer                       */
  pf_schema *schema;           /* current schema (types widen)             */
  pf__csv_cfg cfg;             /* settings for the parse tasks             */
  size_t n_cols;
  size_t *null_lens;           /* lengths of opts->csv.null_values         */
  size_t max_field;            /* bytes                                    */
  size_t max_cols;
  size_t max_row;              /* bytes of one row                         */
  size_t block_bytes;          /* text read per block                      */
  size_t part_bytes;           /* text per parse task                      */
  size_t block_rows;           /* rows per block at most                   */
  int threads;
  /* streaming */
  pf__csv_scanner sc;
  pf__csv_block blk[2];
  int cur;                     /* blk[cur]: the block being parsed/handed  */
  int started;                 /* the first block was read                 */
  int64_t skip_left;           /* physical lines still to skip             */
  size_t lead_pending;         /* rows of r->lead still ahead              */
  int64_t rows_scanned;        /* data rows found so far                   */
  pf__csv_parts sets[2];       /* sets[out] goes out; the other is parsed  */
  int out;
  size_t next_part;            /* next part of sets[out] whose batch goes out */
  pf__csv_job job;             /* the block being parsed in the background */
  int done;                    /* no more blocks to parse                  */
  pf_status pending_st;        /* reading ahead failed: report when due    */
  pf_error pending_err;
  pf_status fatal;             /* sticky failure of next()                 */
  pf_error fatal_err;
  int64_t rows_rejected;
  int64_t kept[3];             /* KEEP: rows kept so far (as pf__csv_part) */
  int64_t kept_line[3];        /* the first line of each, -1               */
  uint64_t seen_text;          /* stats(): input bytes decoded, and where   */
  uint64_t seen_disk;          /*   the source is, when last collected      */
} pf__csv_reader;

/* Opens env->path into r (zeroed): sample, dialect, header, schema. */
pf_status pf__csv_open_state(const pf__reader_env *env, pf__csv_reader *r,
                             pf_error *err);
/* Reads a block: carries the pending row of `from` (NULL at the start),
 * reads text until at least one complete data row or the end, and scans
 * it. Uses and updates r->sc, r->text, r->skip_left, r->header_pending. */
pf_status pf__csv_prepare(pf__csv_reader *r, pf__csv_block *b,
                          pf__csv_block *from, pf_error *err);
/* Resets streaming to the start of the input (text rewound), after the
 * block in flight (if any) is waited for and dropped. */
pf_status pf__csv_stream_reset(pf__csv_reader *r, pf_error *err);
/* Reads and parses the first block (after open and rewind), widening in
 * place; a failure is kept for next(). */
pf_status pf__csv_prime(pf__csv_reader *r);
/* The unterminated-quote error for the scanner's open quote. */
pf_status pf__csv_unterminated(const pf__csv_reader *r, int64_t quote_line,
                               int64_t offset, pf_error *err);

#endif

/* dbf_internal.h - what the dBase reader's files share.
 *
 * A .dbf file is a header (version byte, record count, header and record
 * lengths, language driver), field descriptors (32 bytes each; 48 in
 * dBase 7), then fixed-length records: one deletion-flag byte ('*' deleted)
 * and the fields side by side. Memo fields hold a block number into a
 * separate memo file (.dbt or .fpt) found beside the table.
 *
 *   dbf_header.c   header and field descriptors -> fields, kinds, types
 *   dbf_codepage.c language driver ids, .cpg files, detection, decoding
 *   dbf_memo.c     memo files: dBase III/IV .dbt, FoxPro .fpt
 *   dbf_decode.c   one range of records -> one batch (runs on the pool)
 *   dbf_reader.c   the registry entry: open, next, rewind, info, close
 *
 * Reading: next() reads a block of records sequentially from the source
 * (plain, compressed or standard input alike) and decodes slices of it in
 * parallel, one batch per slice, handed out in record order. Memory is one
 * block (at most 32 MiB) plus one batch per thread. The schema follows from
 * the field descriptors alone; a value that contradicts its declared type
 * (text in a numeric field, an impossible date) widens that column to
 * string and the conversion restarts (the engine's PF_ERESTART).
 */
#ifndef PF_READERS_DBF_INTERNAL_H
#define PF_READERS_DBF_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/format_api.h"
#include "core/infer.h"
#include "io/source.h"

/* How a field's bytes become a value. */
typedef enum pf__dbf_kind {
  PF__DBF_TEXT,        /* C: code page text, trailing spaces/NULs removed  */
  PF__DBF_VARCHAR,     /* V: like C, length from _NullFlags + last byte    */
  PF__DBF_VARBINARY,   /* Q: bytes, length like V                          */
  PF__DBF_NUMBER,      /* N, F: ASCII number                                */
  PF__DBF_LOGICAL,     /* L: T/Y true, F/N false, ? or blank null          */
  PF__DBF_DATE,        /* D: YYYYMMDD                                       */
  PF__DBF_TS_JULIAN,   /* T (and @ outside dBase 7): LE julian day + ms     */
  PF__DBF_TS_DB7,      /* @ in dBase 7: BE double of ms, sign-flipped       */
  PF__DBF_INT_LE,      /* I (VFP, dBase 5): LE int32                        */
  PF__DBF_INT_DB7,     /* I, + in dBase 7: BE int32 with the sign bit flipped */
  PF__DBF_CURRENCY,    /* Y: LE int64 of 1/10000                            */
  PF__DBF_DOUBLE_LE,   /* B (VFP), O outside dBase 7: LE double             */
  PF__DBF_DOUBLE_DB7,  /* O in dBase 7: BE double, sign-flipped             */
  PF__DBF_MEMO,        /* M, G, P, B (dBase IV+): block number              */
  PF__DBF_NULLFLAGS,   /* VFP _NullFlags: not a column                      */
  PF__DBF_RAW          /* an unknown type: its bytes                        */
} pf__dbf_kind;

typedef struct pf__dbf_field {
  char *name;          /* column name (UTF-8, unique)                        */
  char raw_name[33];   /* the name as stored (ASCII-ish, NUL-terminated)     */
  char dtype;          /* 'C', 'N', ...                                      */
  uint32_t offset;     /* byte offset in the record (after the flag byte: 1+) */
  uint32_t length;
  uint8_t decimals;
  uint8_t flags;       /* VFP field flags: 0x01 system, 0x02 nullable, 0x04 binary */
  pf__dbf_kind kind;
  pf_type type;        /* output type (string after widening)               */
  int precision, scale;/* decimals                                          */
  int widened;         /* 1: the declared type did not hold a value: string */
  int null_bit;        /* bit in _NullFlags when null, or -1                */
  int var_bit;         /* V/Q: bit set when shorter than the field, or -1   */
  int out;             /* output column, -1 when not a column               */
} pf__dbf_field;

/* ---- code pages (dbf_codepage.c) ---- */
typedef struct pf__dbf_cp {
  char name[48];         /* iconv name ("CP1252") or "UTF-8"                */
  char source[160];      /* how it was chosen, for info                     */
  int utf8;              /* 1: validate and copy                            */
  int multibyte;         /* 1: iconv per value (CJK code pages)             */
  uint8_t len[256];      /* single byte: UTF-8 length of each byte's char   */
  uint8_t utf[256][3];   /* single byte: its UTF-8 bytes (<= 3)             */
  uint8_t undef[256];    /* single byte: 1 when the code page leaves it out */
} pf__dbf_cp;

/* The name iconv knows for a language driver id, NULL when unknown; *desc
 * gets a short description. */
const char *pf__dbf_ldid_name(uint8_t ldid, const char **desc);
/* Prepares cp for an iconv code page name (or UTF-8). PF_EINVAL when iconv
 * does not know it. */
pf_status pf__dbf_cp_init(pf__dbf_cp *cp, const char *name);
/* Chooses among the candidates from sample text (values separated by
 * 0 bytes); writes the choice into cp. */
pf_status pf__dbf_cp_detect(pf__dbf_cp *cp, const uint8_t *sample, size_t n,
                            const char *declared);
/* Is the sample valid UTF-8 with at least one multi-byte character? */
int pf__dbf_is_utf8_text(const uint8_t *s, size_t n);
/* Bytes -> UTF-8 appended to out. *cd is a per-thread iconv handle made on
 * first use (multi-byte code pages); free it with pf__dbf_cp_cd_free.
 * PF_EENCODING when the bytes are not valid in the code page. */
pf_status pf__dbf_cp_decode(const pf__dbf_cp *cp, void **cd, const uint8_t *in,
                            size_t n, pf__buf *out);
void pf__dbf_cp_cd_free(void *cd);
/* An encoding name from a shapefile .cpg text ("UTF-8", "1252",
 * "ANSI 1251", "ISO-8859-1"), written into buf; 0 when not understood. */
int pf__dbf_cpg_name(const char *text, char *buf, size_t n);

/* ---- memo files (dbf_memo.c) ---- */
typedef enum pf__dbf_memo_kind {
  PF__DBF_MEMO_DBT3,   /* dBase III: 512-byte blocks, text ends at 0x1A     */
  PF__DBF_MEMO_DBT4,   /* dBase IV+: FF FF 08 00 + LE length per memo       */
  PF__DBF_MEMO_FPT     /* FoxPro: BE type + BE length per memo              */
} pf__dbf_memo_kind;

typedef struct pf__dbf_memo {
  int fd;              /* -1 when there is no memo file                     */
  char *path;
  pf__dbf_memo_kind kind;
  uint32_t block_size;
  uint64_t size;
} pf__dbf_memo;

/* The file beside path named like it with extension ext (".dbt"),
 * compared ignoring case; NULL when there is none (or out of memory). */
char *pf__dbf_sibling(const char *path, const char *ext);
pf_status pf__dbf_memo_open(pf__dbf_memo *m, const char *path, int fpt,
                            int dbase3, pf_error *err);
void pf__dbf_memo_close(pf__dbf_memo *m);
/* Reads memo `block` into out (replacing its content). *binary is set for
 * FoxPro picture/object blocks. On a damaged memo returns PF_EPARSE with a
 * reason in why. Thread-safe (pread). */
pf_status pf__dbf_memo_read(const pf__dbf_memo *m, uint64_t block, size_t max,
                            pf__buf *out, int *binary, char *why, size_t whyn);

/* ---- the reader ---- */
typedef struct pf__dbf_settings {
  const char *encoding;   /* forced code page, or NULL                       */
  int keep_deleted;       /* deleted records kept, _deleted column           */
  int ignore_missing_memo;/* no memo file: convert without memo columns      */
  int allow_truncated;    /* fewer records than the header says: warn        */
  int all_strings;
  int skip_bad;           /* --on-bad-rows skip (or validating): bad records
                             go to env->reject                               */
  size_t max_field;       /* one memo's size limit                           */
} pf__dbf_settings;

/* A bad record found by a decoding task, reported in record order. */
typedef struct pf__dbf_bad {
  uint64_t record;        /* 0-based record index                            */
  char reason[384];
} pf__dbf_bad;

/* One slice of a block, decoded into its own batch by one task. */
typedef struct pf__dbf_task {
  const uint8_t *recs;    /* first record of the slice                       */
  uint64_t first_rec;     /* its 0-based record index                        */
  size_t n_recs;
  pf_batch *batch;
  pf__buf text;           /* scratch: decoded text                           */
  pf__buf memo;           /* scratch: one memo                               */
  void *cd;               /* iconv handle (multi-byte code pages)            */
  pf_status st;           /* first failure                                   */
  pf_error err;
  int64_t deleted;        /* deleted records left out in the slice           */
  pf__dbf_bad *bad;       /* bad records (skip mode), in order               */
  size_t n_bad, cap_bad;
  int misfit;             /* a value did not fit its column's type:          */
  uint64_t *misfit_rec;   /*   per field, the first such record (or UINT64_MAX) */
  char (*misfit_val)[48]; /*   and its text                                   */
  uint64_t eof_at;        /* record found to be an end marker (0x1A), or UINT64_MAX */
  int64_t overflow;       /* numbers written as '*' overflow markers (null)  */
} pf__dbf_task;

typedef struct pf__dbf_reader {
  const pf__reader_env *env;
  pf__dbf_settings o;
  pf__source *src;
  /* header */
  uint8_t version;
  int dbase7;               /* version & 7 == 4                               */
  int vfp;                  /* Visual FoxPro (0x30-0x32)                      */
  int upd_y, upd_m, upd_d;  /* last update                                    */
  uint32_t n_records;       /* as the header says                             */
  uint32_t header_len, rec_len;
  uint8_t ldid;
  char ldname[33];          /* dBase 7 language driver name                   */
  pf__dbf_field *fields;
  size_t n_fields;
  int nullflags;            /* index of _NullFlags, -1                        */
  int has_memo_fields;
  int memo_dropped;         /* memo columns left out (no memo file, option)   */
  uint64_t file_size;       /* plain files: size on disk, else 0              */
  uint64_t rec_limit;       /* records that will be read                      */
  int truncated;            /* the file holds fewer records than promised     */
  pf__dbf_cp cp;
  pf__dbf_memo memo;
  pf__infer_ctx ictx;       /* C-locale number parsing                        */
  pf_schema *schema;
  int deleted_col;          /* output index of _deleted, -1                   */
  /* reading */
  uint8_t *block;
  size_t block_cap;
  uint64_t next_rec;        /* records read from the source so far            */
  pf__dbf_task *tasks;
  size_t n_tasks_alloc;     /* tasks allocated                                 */
  size_t n_tasks, task_next;/* of the current block                           */
  size_t recs_per_task;
  int64_t rows_out;
  int64_t deleted_total;    /* deleted records seen (whole input, last pass)  */
  int64_t bad_total;
  int eof;
  uint64_t extra_bytes;     /* bytes after the last record (besides 0x1A)     */
  int64_t overflow_total;   /* '*' overflow markers read as null              */
  int finished;             /* the end was reached and counted                */
  char *notes[8];           /* warnings for the result: first about the file  */
  size_t n_notes;           /* (kept across rewinds), then the pass's counts  */
  size_t n_file_notes;
} pf__dbf_reader;

/* dbf_header.c */
pf_status pf__dbf_read_header(pf__dbf_reader *r, pf_error *err);
/* Builds r->schema from the fields (after widening too). */
pf_status pf__dbf_build_schema(pf__dbf_reader *r, pf_error *err);
/* "N(10,2)", "C(40)", ... */
void pf__dbf_type_text(const pf__dbf_field *f, char *buf, size_t n);
int pf__dbf_sniff(const uint8_t *h, size_t n);

/* dbf_decode.c: decodes task->n_recs records into task->batch. */
void pf__dbf_decode_task(const pf__dbf_reader *r, pf__dbf_task *t);
/* Sets the place of a decoding error. */
void pf__dbf_error_at(pf_error *err, const pf__dbf_reader *r, uint64_t record,
                      const pf__dbf_field *f);

#endif

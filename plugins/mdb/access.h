/* access.h - the MS Access plugin's parts (.mdb, .accdb), written against
 * pyforge/plugin.h only, reading through mdbtools' libmdb.
 *
 *   access_plugin.c  the entry point, the option keys, the reader's glue
 *   access_lib.c     libmdb loaded at run time (dlopen "libmdb.so.3"): a
 *                    missing library makes the format unavailable, with
 *                    how to install it, never a failed load or a crash
 *   access_open.c    the database, its user tables, their schemas, info
 *   access_password.c the Jet database password (input.password)
 *   access_rows.c    rows cracked by libmdb, values decoded here into
 *                    batches (dates, money, numerics, GUIDs, long values)
 *
 * libmdb handles are not thread-safe: every reader opens its own handle
 * and reads its tables one at a time on the thread that calls next().
 * libmdb keeps one process-wide option word, initialised at plugin init
 * (before any reader can race on it).
 *
 * Names: everything here starts with ax_ (libmdb's own are mdb_*). */
#ifndef PF_PLUGIN_ACCESS_H
#define PF_PLUGIN_ACCESS_H

#include <stddef.h>
#include <stdint.h>

#include <mdbtools.h> /* types only: the functions come from ax_lib */

#include "pyforge/plugin.h"

extern const pf_host *ax_host; /* set by pyforge_plugin_init */

#define AX_TRY(expr)                    \
  do {                                  \
    pf_status ax_st_ = (expr);          \
    if (ax_st_ != PF_OK) return ax_st_; \
  } while (0)

/* ---- libmdb, resolved at run time (access_lib.c) ---- */
typedef struct ax_lib {
  __typeof__(mdb_open) *open;
  __typeof__(mdb_open_buffer) *open_buffer;
  __typeof__(mdb_close) *close;
  __typeof__(mdb_read_catalog) *read_catalog;
  __typeof__(mdb_is_user_table) *is_user_table;
  __typeof__(mdb_read_table) *read_table;
  __typeof__(mdb_read_columns) *read_columns;
  __typeof__(mdb_free_tabledef) *free_tabledef;
  __typeof__(mdb_rewind_table) *rewind_table;
  __typeof__(mdb_read_next_dpg) *read_next_dpg;
  __typeof__(mdb_find_row) *find_row;
  __typeof__(mdb_find_pg_row) *find_pg_row;
  __typeof__(mdb_read_alt_pg) *read_alt_pg;
  __typeof__(mdb_crack_row) *crack_row;
  __typeof__(mdb_unicode2ascii) *unicode2ascii;
  __typeof__(mdb_get_option) *get_option;
  __typeof__(mdb_get_version) *get_version;
} ax_lib;

/* The library, or NULL when it could not be loaded (ax_lib_why says why
 * and how to install it). Loaded once, at plugin init. */
const ax_lib *ax_lib_get(void);
const char *ax_lib_why(void);
const char *ax_lib_version(void);
void ax_lib_load(void);
void ax_lib_unload(void);

/* ---- one user table ---- */
typedef enum ax_kind {
  AX_BOOL, AX_BYTE, AX_INT16, AX_INT32, AX_INT64, AX_MONEY, AX_FLOAT, AX_DOUBLE,
  AX_DATETIME, AX_BINARY, AX_TEXT, AX_OLE, AX_MEMO, AX_GUID, AX_NUMERIC
} ax_kind;

typedef struct ax_col {
  char *name;          /* as Access names it (UTF-8)                        */
  int mdb_type;        /* MDB_* column type                                 */
  ax_kind kind;
  pf_type type;        /* what it becomes                                   */
  int precision, scale;
  const char *access_type; /* "Long Integer", "Currency", ...               */
} ax_col;

typedef struct ax_table {
  char *name;          /* the table's name (UTF-8)                          */
  MdbCatalogEntry *entry;
  int64_t rows_hint;   /* the table definition's row count                  */
  size_t n_cols;
  ax_col *cols;
  char *unsupported;   /* NULL, or why the table cannot be read (a column
                          of a kind we do not convert), naming the column  */
  char *signature;     /* unique per table: every table is its own output   */
} ax_table;

/* ---- the reader ---- */
typedef struct ax_reader {
  const pf_reader_env *env;
  const ax_lib *lib;
  MdbHandle *mdb;
  void *image;         /* the input read into memory (not a plain file)     */
  uint64_t input_bytes; /* the database's size                              */
  char *path_label;
  int version;         /* MDB_VER_*                                         */
  int jet3_cp1252;     /* Jet 3 text decoded here as Windows-1252           */
  ax_table *tables;    /* the user tables, in catalog order                    */
  size_t n_tables;
  size_t n_all;        /* user tables in the database                       */
  int64_t max_value;   /* input.max_field_size                              */
  /* the selection being read */
  size_t *sel;
  size_t n_sel, cur;   /* index into sel                                    */
  pf_schema *schema;
  MdbTableDef *tdef;   /* the table being read, or NULL                     */
  MdbField *fields;
  size_t n_fields_cap;
  int started;         /* 0: not yet, 1: reading its pages, 2: at its end    */
  unsigned cur_row;    /* the next row slot on the page                     */
  int64_t row;         /* rows handed out from the table                    */
  int64_t rows_total;  /* rows handed out from the selection                */
  int64_t bad_rows;    /* row slots libmdb could not crack (skipped)        */
  int pg_saved;        /* pg_buf holds an overflow row's page: restore it   */
  unsigned char saved_pg[MDB_PGSIZE]; /* the data page being walked         */
  pf_batch *batch;
  char *text;          /* scratch: text decoded to UTF-8                    */
  size_t text_cap;
  uint8_t *lval;       /* scratch: a long value gathered from its pages    */
  size_t lval_cap;
  char **warn;
  size_t n_warn;
} ax_reader;

/* access_open.c */
pf_status ax_open(const pf_reader_env *env, ax_reader **out, pf_error *err);
void ax_close(ax_reader *r);
pf_status ax_select(ax_reader *r, const size_t *idx, size_t n, const char *table_column,
                    pf_error *err);
pf_status ax_info(ax_reader *r, pf_info *info, pf_error *err);
const char *ax_version_name(int version);
/* An error about table t (and column c, or NULL) of the input. */
pf_status ax_fail(const ax_reader *r, pf_error *err, pf_status st, const ax_table *t,
                  const char *col, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;

/* access_password.c: the Jet database password stored in the header
 * (UTF-8 into out, "" when none; 0 when the header is too short), and the
 * check of input.password against it. */
int ax_stored_password(const uint8_t *head, size_t n, int version, char *out, size_t cap);
pf_status ax_check_password(ax_reader *r, const uint8_t *head, size_t n, pf_error *err);

/* access_rows.c */
pf_status ax_next(ax_reader *r, pf_batch **out, pf_error *err);
/* Starts reading table sel[i] from its first row. */
pf_status ax_start_table(ax_reader *r, size_t i, pf_error *err);
void ax_end_table(ax_reader *r);
/* Access's Date/Time (days since 1899-12-30, the fraction the time of day
 * even before the epoch) -> microseconds since 1970-01-01, to the
 * millisecond. 0 and *ok = 0 when out of the years 100..9999. */
int64_t ax_datetime_us(double days, int *ok);
/* Jet 4 / ACE text (UTF-16LE or compressed) -> UTF-8 in out (room for
 * 3 * n + 8 bytes); returns the bytes written. */
size_t ax_utf16_to_utf8(const uint8_t *p, size_t n, char *out);

#endif

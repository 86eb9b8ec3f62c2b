/* delta_internal.h - what the Delta writer's files share: the table schema
 * model (delta_schema.c), the log reader (delta_log.c), commits
 * (delta_commit.c), partition paths (delta_partition.c), per-file
 * statistics (delta_stats.c) and small utilities (delta_util.c).
 * The table state itself is pf__delta_state (delta_state.h).
 */
#ifndef PF_WRITERS_DELTA_INTERNAL_H
#define PF_WRITERS_DELTA_INTERNAL_H

#include <stdint.h>

#include "core/batch.h"
#include "core/buf.h"
#include "core/json_parse.h"
#include "core/log.h"
#include "writers/delta/delta_state.h"

/* ---- schema (delta_schema.c) ----
 * A Delta table schema: the top-level fields of the Spark StructType in
 * metaData.schemaString. Nested and unknown types are kept as their JSON
 * text so a schema can be written back unchanged. */
typedef struct pf__delta_field {
  char *name;
  char *type;        /* "long", "decimal(10,2)", or the JSON text of a
                        nested type                                        */
  int nullable;
  char *metadata;    /* the field's metadata object as JSON text ("{}")    */
  pf_type pf;        /* our type for it; PF_TYPE_COUNT_ when we cannot
                        write it (nested, interval, ...)                   */
  int precision;     /* decimals                                           */
  int scale;
} pf__delta_field;

typedef struct pf__delta_schema {
  size_t n;
  pf__delta_field *f;
} pf__delta_schema;

void pf__delta_schema_free(pf__delta_schema *s);
/* Parses a schemaString. */
pf_status pf__delta_schema_parse(const char *text, pf__delta_schema *out, pf_error *err);
/* Serialises s as a schemaString. */
pf_status pf__delta_schema_json(const pf__delta_schema *s, pf__buf *out, pf_error *err);
/* The Delta type for a column of ours (ntz: naive timestamps as
 * timestamp_ntz); fills type/pf/precision/scale of f from field. */
pf_status pf__delta_field_from_pf(const pf_field *field, int ntz, pf__delta_field *f, pf_error *err);
/* The pf_schema a user sees for s (nested types as string with a note). */
pf_status pf__delta_schema_to_pf(const pf__delta_schema *s, pf_schema **out, pf_error *err);
/* Index of name in s: exact match first, then ASCII case-insensitive (Delta
 * column names are case-insensitive); -1 when absent. */
long pf__delta_schema_find(const pf__delta_schema *s, const char *name);
/* Serialises a parsed JSON value back to text (for nested types and
 * metadata kept verbatim). */
pf_status pf__delta_json_write(pf__buf *b, const pf__json *v);

/* ---- numeric casts (delta_cast.c) ---- */
typedef enum pf__delta_num {
  PF__DN_NONE = 0,
  PF__DN_LONG, PF__DN_INT, PF__DN_SHORT, PF__DN_BYTE, /* this order: ranges */
  PF__DN_DOUBLE, PF__DN_FLOAT, PF__DN_DECIMAL
} pf__delta_num;

/* The numeric kind of a table field, NONE for other types. */
pf__delta_num pf__delta_num_kind(const pf__delta_field *f);
/* Its Parquet storage in data files (a pf__pq_store; 0: natural). */
int pf__delta_num_store(pf__delta_num k);
/* 1 when input column `in` may go into f value by value (numbers into a
 * numeric column; each value is checked by pf__delta_cast_value). */
int pf__delta_cast_ok(const pf_field *in, const pf__delta_field *f);
/* Value i of input column c (typed like in) as f's type into row `row` of
 * d (int64 for long/integer/short/byte, double for double/float, decimal):
 * 1 when it fits exactly, 0 (d untouched) when not. */
int pf__delta_cast_value(const pf_column *c, const pf_field *in, size_t i,
                         const pf__delta_field *f, pf_column *d, size_t row);
/* Value i as text for messages; what f holds, for messages. */
void pf__delta_value_text(const pf_column *c, const pf_field *in, size_t i, char *out, size_t n);
void pf__delta_num_range(const pf__delta_field *f, char *out, size_t n);

/* ---- log (delta_log.c) ---- */
/* The table's state at its latest version: the last checkpoint (when there
 * is one and it can be read) then the JSON commits after it. A directory
 * without _delta_log or with an empty log gives st->version == -1. */
pf_status pf__delta_log_read(const char *dir, pf__delta_state *st, const pf__log *log,
                             pf_error *err);
/* Applies the JSON commits after st->version (up to the latest) to st.
 * *changed gets the bit 1 when one of them holds metaData or protocol, 2
 * when one removes files with dataChange true; *n_applied how many. */
pf_status pf__delta_log_update(const char *dir, pf__delta_state *st, int *changed,
                               int64_t *n_applied, pf_error *err);
/* Applies one commit's text (newline-delimited actions) to st. */
pf_status pf__delta_log_apply(pf__delta_state *st, const char *text, size_t n,
                              const char *what, int *changed, pf_error *err);
/* The path of a log file: <dir>/_delta_log/<20-digit v><suffix>. */
char *pf__delta_log_path(const char *dir, int64_t v, const char *suffix);
/* Reads a whole small file (log entries) into memory (max bytes). */
pf_status pf__delta_read_file(const char *path, size_t max, char **out, size_t *n,
                              pf_error *err);
/* Highest version v with a <v>.json commit, -1 when none (or no log). */
pf_status pf__delta_log_latest(const char *dir, int64_t *latest, pf_error *err);

/* ---- commit (delta_commit.c) ---- */
/* Creates <dir>/_delta_log/<v>.json holding text, exclusively: temp file +
 * link(2), or O_CREAT|O_EXCL where links are not supported. PF_EEXIST when
 * the version exists (another writer won it). */
pf_status pf__delta_commit_file(const char *dir, int64_t v, const char *text, size_t n,
                                int excl_only, pf_error *err);

/* ---- partitions (delta_partition.c) ---- */
/* Appends the Hive-style directory text for one partition value to b:
 * Spark's escaping of the value (the path characters and controls as
 * %XX); NULL -> __HIVE_DEFAULT_PARTITION__. */
pf_status pf__delta_part_dir_escape(pf__buf *b, const char *value);
/* The same for n bytes (which may hold NUL: escaped as %00). */
pf_status pf__delta_part_dir_escape_n(pf__buf *b, const char *value, size_t n);
/* Appends s URI-encoded for an add path (every byte outside
 * A-Z a-z 0-9 - . _ ~ / = as %XX). */
pf_status pf__delta_uri_encode(pf__buf *b, const char *s, size_t n);

/* ---- utilities (delta_util.c) ---- */
/* A random (v4) UUID, 36 characters + NUL. */
void pf__delta_uuid(char out[37]);
/* Milliseconds since the epoch, now. */
int64_t pf__delta_now_ms(void);
/* days since 1970-01-01 -> "YYYY-MM-DD"; micros -> "YYYY-MM-DD HH:MM:SS[.ffffff]"
 * (sep ' ' or 'T'); returns 0 when the year is outside 1..9999. */
int pf__delta_fmt_date(int32_t days, char *out, size_t n);
int pf__delta_fmt_ts(int64_t us, char sep, int frac_digits, char *out, size_t n);
/* micros since midnight -> "HH:MM:SS[.ffffff]". */
void pf__delta_fmt_time(int64_t us, char *out, size_t n);
/* 128-bit little-endian decimal -> text with scale. */
void pf__delta_fmt_decimal(const uint8_t v[16], int scale, char *out, size_t n);
/* mkdir -p of dir/rel; records each directory it created in created
 * (newline-separated, deepest last) so abort() can remove them. */
pf_status pf__delta_mkdirs(const char *dir, const char *rel, pf__buf *created, pf_error *err);

/* ---- statistics (delta_stats.c) ----
 * Per data file: numRecords, and per column (the first
 * PF__DELTA_STATS_COLS data columns) nullCount and, where the order is
 * defined, minValues/maxValues (strings: a 32-code-point prefix; a
 * truncated max gets U+10FFFF appended so it still bounds every value;
 * timestamps to the millisecond, the max rounded up). */
#define PF__DELTA_STATS_COLS 32
#define PF__DELTA_STRING_PREFIX 32
typedef struct pf__delta_colstat {
  int64_t nulls;
  int has;            /* a min/max value was seen                          */
  int skip;           /* min/max undefined for this file                   */
  int64_t imin, imax; /* int64, date, timestamps                           */
  double dmin, dmax;
  uint8_t cmin[16], cmax[16]; /* decimal                                  */
  pf__buf smin, smax; /* string prefixes                                  */
  int max_truncated;
} pf__delta_colstat;

typedef struct pf__delta_stats {
  int64_t rows;
  size_t n;           /* columns with stats                                */
  pf__delta_colstat *c;
} pf__delta_stats;

pf_status pf__delta_stats_init(pf__delta_stats *s, size_t n_cols);
void pf__delta_stats_free(pf__delta_stats *s);
/* Adds a batch typed like schema (the data file's columns). */
pf_status pf__delta_stats_add(pf__delta_stats *s, const pf_schema *schema, const pf_batch *b);
/* The stats JSON object text, columns named by schema. */
pf_status pf__delta_stats_json(const pf__delta_stats *s, const pf_schema *schema, pf__buf *out);

#endif

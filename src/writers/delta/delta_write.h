/* delta_write.h - one Delta write in progress, shared by the files that do
 * it: delta_writer.c (open: reading the table, planning schema, partitions
 * and protocol), delta_files.c (data files: routing rows to partitions,
 * Parquet files, rolling, statistics) and delta_txn.c (the commit: actions,
 * exclusive publication, conflict retry, checkpoints). */
#ifndef PF_WRITERS_DELTA_WRITE_H
#define PF_WRITERS_DELTA_WRITE_H

#include "core/format_api.h"
#include "io/output.h"
#include "writers/delta/delta_internal.h"

/* How a data-file column is made from the input. */
typedef enum dw_conv {
  DW_DIRECT = 0,   /* the input column, retyped (timestamp -> UTC, decimal
                      precision) without touching values                  */
  DW_NULLS,        /* every value null (input null type, or a table column
                      the input lacks)                                     */
  DW_TIME_STR,     /* time of day -> "HH:MM:SS[.ffffff]"                   */
  DW_NUM_CAST      /* a number into a numeric column of another type
                      (appending; each value must fit: delta_cast.c)       */
} dw_conv;

/* A Parquet data file being written. */
typedef struct dw_file {
  pf__output *out;
  void *pq;                 /* parquet writer state                        */
  char *rel;                /* path under the table (not URI-encoded)      */
  pf__delta_stats stats;
} dw_file;

/* A finished data file, ready for an add action. */
typedef struct dw_done {
  char *rel;
  char **values;            /* raw partition values (NULL: null)           */
  int64_t size;
  int64_t rows;
  int64_t mtime;            /* ms                                          */
  char *stats;              /* JSON text                                   */
} dw_done;

/* A partition (or the whole table when unpartitioned). */
typedef struct dw_slot {
  char *key;                /* "a=1/b=x" ("" unpartitioned)                */
  char **values;            /* raw values per partition column             */
  dw_file *file;            /* open file or NULL                           */
  int swept;                /* its directory's abandoned temporaries removed */
  uint64_t last_use;
  uint64_t mark;            /* batch number that last touched the slot      */
  size_t count, start;      /* its rows in that batch (counting sort)      */
  pf_batch *pending;        /* rows not yet given to the file, or NULL     */
  size_t pending_bytes;     /* memory of pending                           */
} dw_slot;

typedef struct delta_w {
  char *dir;                     /* table directory                        */
  const pf__opts *opts;
  pf__opts pq_opts;    /* options for the data files             */
  pf__pool *pool;
  const pf__log *log;
  const pf_schema *in;           /* input schema (borrowed)                */

  pf__delta_state st;            /* table state read at open (updated on
                                    conflicts, then with our commit)       */
  int exists;                    /* st.version >= 0                        */
  pf__table_mode mode;            /* effective mode (force -> overwrite)    */
  int created_dir;               /* we created dir                         */

  pf__delta_schema ts;           /* the table schema after this write      */
  char *schema_json;             /* its schemaString                       */
  int write_metadata;            /* a metaData action goes in the commit   */
  int write_protocol;
  pf__delta_protocol proto;      /* the protocol after this write (arrays
                                    borrowed from static strings)          */
  size_t n_part;
  char **part_cols;              /* table names of partition columns       */
  long *part_src;                /* input column of each                   */

  pf_schema *phys;               /* data files' schema                     */
  long *src;                     /* per phys column: input column or -1    */
  dw_conv *conv;
  size_t *tcol;                  /* per phys column: its table field       */
  uint8_t *store;                /* per phys column: Parquet storage (a
                                    pf__pq_store: integer/short/byte/float) */
  int *notnull;                  /* per phys column: the table forbids nulls */
  int passthrough;               /* unpartitioned, every column DIRECT      */

  pf_batch *scratch;             /* converted / gathered rows              */
  pf_batch view;                 /* unpartitioned: input columns retyped   */
  size_t *rowidx;                /* partitioned: row order by slot         */
  size_t *rowslot;
  size_t rowcap;
  size_t *touched;               /* slots of the current batch, in order   */
  size_t cap_touched;
  uint64_t batch_no;
  size_t pending_total;          /* memory of every slot's pending rows    */

  dw_slot *slots;
  size_t n_slots, cap_slots;
  size_t *slot_hash;             /* open addressing: slot index + 1        */
  size_t hash_cap;
  size_t n_open;
  uint64_t tick;
  int part_no;                   /* next part-NNNNN number                 */
  uint64_t target_bytes;         /* roll to a new file past this size      */
  size_t max_open;

  dw_done *done;
  size_t n_done, cap_done;
  pf__buf created;               /* directories we created (to remove)     */
  int64_t rows;
  pf__buf keybuf;

  /* one table fed by several inputs (delta_multi.c) */
  struct delta_w *main;          /* a part: the write it adds files to; it
                                    borrows main's plan (schema, columns,
                                    partitioning) and owns only its files  */
  int64_t input_files;           /* main: inputs committed (commitInfo)    */
} delta_w;

/* delta_files.c */
pf_status pf__dw_files_init(delta_w *w, pf_error *err);
pf_status pf__dw_write(delta_w *w, const pf_batch *b, pf_error *err);
/* Finishes every open file. */
pf_status pf__dw_finish_all(delta_w *w, pf_error *err);
/* Aborts open files and removes finished ones and our directories. */
void pf__dw_discard_files(delta_w *w);
void pf__dw_files_free(delta_w *w);

/* delta_txn.c */
pf_status pf__dw_commit(delta_w *w, int64_t *version, pf_error *err);

/* delta_writer.c */
void pf__dw_free(delta_w *w);

/* delta_files.c: moves src's finished files (and the directories it made)
 * to dst, which then owns them; src keeps none. */
pf_status pf__dw_move_files(delta_w *dst, delta_w *src, pf_error *err);

#define PF__DELTA_TARGET_FILE_BYTES ((uint64_t)128 << 20)
#define PF__DELTA_MAX_OPEN_FILES 32
#define PF__DELTA_PART_ROW_GROUP_BYTES ((int64_t)8 << 20)
#define PF__DELTA_PENDING_ROWS 65536                 /* rows buffered per partition */
#define PF__DELTA_PENDING_BYTES ((size_t)128 << 20)  /* all partitions' buffers    */

#endif

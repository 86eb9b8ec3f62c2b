/* format_api.h - the interfaces readers and writers implement.
 *
 * Readers and writers never include each other: the engine moves pf_batches
 * from a reader to a writer. Built-in formats register in the engine's
 * registry (src/engine/registry.c) with these same tables; plugins will be
 * adapted to them.
 */
#ifndef PF_CORE_FORMAT_API_H
#define PF_CORE_FORMAT_API_H

#include "core/batch.h"
#include "core/log.h"
#include "core/opts.h"
#include "core/pool.h"

/* ---- readers ---- */

/* What the engine gives a reader to open. Borrowed for the reader's life. */
typedef struct pf__reader_env {
  const char *path;                 /* input path, or "-" for stdin; the
                                       name of an fd/buffer input (may be
                                       "" then): open the input with
                                       pf__source_open_opts(path, opts) */
  const pf__opts *opts;             /* reading options (csv, all_strings)  */
  pf__pool *pool;                   /* shared thread pool                  */
  const pf__log *log;
  /* A bad row left out (on_bad_rows = skip, or validation): called from the
   * thread that called next(), in input order. line is the 1-based physical
   * line where the row starts; raw is the row's bytes as in the input
   * (decoded to UTF-8 where possible). A non-OK return stops reading. */
  pf_status (*reject)(void *user, int64_t line, const char *reason,
                      const char *raw, size_t raw_len, pf_error *err);
  void *reject_user;
  int validating;                   /* 1: report bad rows through reject()
                                       whatever on_bad_rows says          */
} pf__reader_env;

typedef struct pf__reader_stats {
  uint64_t bytes_read;     /* decompressed bytes consumed so far          */
  uint64_t bytes_total;    /* input size when known (0 otherwise)          */
  uint64_t progress_done;  /* in the unit of bytes_total (on-disk bytes)   */
  int64_t rows_rejected;
} pf__reader_stats;

/* One table of an input that holds several (a workbook's sheets). */
typedef struct pf__table_desc {
  const char *name;       /* "Sheet1"; borrowed until close()              */
  const char *signature;  /* header signature for grouping: equal strings
                             mean the tables can share one output (e.g.
                             lower-cased, trimmed names joined by \x1f);
                             "" when the table has no rows              */
  int hidden;             /* hidden in the application                    */
  int64_t rows_hint;      /* data rows if known cheaply, else -1          */
} pf__table_desc;

/* What a reader's check() reports (see pf__reader_ops.check). */
typedef struct pf__check {
  int64_t rows;            /* rows of the input, as its decoded parts count */
  char scope[512];         /* what was read and decoded, for the user      */
  /* Called for each problem found, with its place; a non-OK return stops
   * the check. */
  pf_status (*problem)(void *user, const pf_error *where);
  void *user;
} pf__check;

typedef struct pf__reader_ops {
  const char *name;        /* "csv" */
  const char *description;
  const char *extensions;  /* ".csv .tsv .txt .psv" */
  /* 0..100: how much the first bytes look like this format (0: not). */
  int (*sniff)(const uint8_t *head, size_t n);
  /* Opens the input and decides the schema (may read a sample). */
  pf_status (*open)(const pf__reader_env *env, void **state, pf_error *err);
  /* The schema; valid until close(), changes only across PF_ERESTART. */
  const pf_schema *(*schema)(void *state);
  /* The next batch in *batch, NULL at the end. The batch is owned by the
   * reader and valid until the next call. Returns PF_ERESTART when a value
   * forced a column to widen after batches were handed out: the caller
   * discards what it wrote, calls rewind() and starts again with the new
   * schema() (which carries a note on the widening). */
  pf_status (*next)(void *state, pf_batch **batch, pf_error *err);
  pf_status (*rewind)(void *state, pf_error *err);
  /* Adds format facts (props) and the exact row count to info; may read the
   * whole input. schema/path/format/size are filled by the engine. */
  pf_status (*info)(void *state, pf_info *info, pf_error *err);
  void (*stats)(void *state, pf__reader_stats *out);
  void (*close)(void *state);

  /* Optional, for inputs holding several tables (NULL otherwise). After
   * open() every table is selected, in input order. */
  size_t (*n_tables)(void *state);
  pf_status (*table)(void *state, size_t i, pf__table_desc *out, pf_error *err);
  /* Reads only tables idx[0..n) from now on, in that order, as one stream,
   * and starts reading again from their beginning. With table_column set,
   * a first string column of that name holds each row's table name. The
   * schema is decided again for the selection (schema() changes; the
   * restart rule of next() applies as after open()). */
  pf_status (*select)(void *state, const size_t *idx, size_t n,
                      const char *table_column, pf_error *err);

  /* Optional (NULL otherwise): what the reader has to say about the input
   * once it was read to its end (records left out and why, a damaged
   * file read leniently), as human-readable lines the engine adds to the
   * result's warnings. *out is valid until the next call on state. */
  size_t (*warnings)(void *state, const char *const **out);

  /* Optional (NULL otherwise), for inputs PyForge describes but does not
   * convert (Parquet): validate reads and decodes every part of the input
   * through check() instead of next(), and says what it read. Problems
   * in the input go to out->problem; the return is an error only when the
   * check could not run (memory, cancel). */
  pf_status (*check)(void *state, pf__check *out, pf_error *err);

  /* 1 when next() never returns PF_ERESTART: the types are final after
   * open() (a stream then holds nothing back). */
  int types_final;
} pf__reader_ops;

/* ---- writers ---- */

typedef struct pf__output pf__output; /* src/io/output.h */

typedef struct pf__writer_env {
  pf__output *out;                  /* sequential sink; the engine commits
                                       or discards it after close/abort.
                                       NULL for table writers (commit set) */
  const char *target;               /* the output path (a table writer's
                                       directory)                          */
  const pf_schema *schema;
  const pf__opts *opts;             /* compression, row groups, ...        */
  pf__pool *pool;
  const pf__log *log;
} pf__writer_env;

/* What a table writer's commit() published. */
typedef struct pf__commit_info {
  int64_t version;         /* the table version committed                  */
  int64_t files;           /* data files added                             */
  uint64_t bytes;          /* their size                                   */
} pf__commit_info;

typedef struct pf__writer_ops {
  const char *name;        /* "parquet" */
  const char *description;
  const char *extensions;  /* ".parquet" */
  pf_status (*open)(const pf__writer_env *env, void **state, pf_error *err);
  /* Consumes a batch typed like env->schema; the batch is only borrowed. */
  pf_status (*write)(void *state, const pf_batch *batch, pf_error *err);
  /* Writes everything still buffered and the footer. A file writer frees
   * state; a table writer keeps it for commit() or abort(). */
  pf_status (*close)(void *state, pf_error *err);
  /* Frees state without finishing (also after a table writer's close());
   * the engine discards the output; a table writer removes what it wrote. */
  void (*abort)(void *state);

  /* Table writers only (NULL for file writers): the writer owns its target
   * directory (env->out is NULL). After close() succeeded, the engine calls
   * commit() to publish everything at once (e.g. a Delta log entry), then
   * frees nothing else: commit() frees state, even when it fails. */
  pf_status (*commit)(void *state, pf__commit_info *info, pf_error *err);
} pf__writer_ops;

/* ---- info helpers (src/core/info.c) ---- */
pf_status pf__info_prop(pf_info *info, const char *key, const char *fmt, ...)
    PF__PRINTF(3, 4);
/* Appends a section; returns it (NULL when out of memory). */
pf_info_section *pf__info_section(pf_info *info, const char *kind,
                                  const char *name);
pf_status pf__section_prop(pf_info_section *s, const char *key,
                           const char *fmt, ...) PF__PRINTF(3, 4);

#endif

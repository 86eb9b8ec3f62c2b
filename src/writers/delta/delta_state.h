/* delta_state.h - a Delta table's state at one version, as the log replay
 * (delta_log.c) builds it and checkpoints (delta_checkpoint*.c) write and
 * read it. Field names follow the Delta protocol's actions
 * (PROTOCOL.md: protocol, metaData, add, remove, txn).
 *
 * Every string is owned by the state (malloc'd, UTF-8, NUL-terminated) and
 * freed by pf__delta_state_free(). Optional strings are NULL when absent.
 * Maps (partitionValues, configuration, tags) are parallel key/value arrays;
 * a map value may be NULL (a null partition value).
 */
#ifndef PF_WRITERS_DELTA_STATE_H
#define PF_WRITERS_DELTA_STATE_H

#include <stddef.h>
#include <stdint.h>

#include "core/opts.h"

typedef struct pf__delta_map {
  size_t n;
  char **keys;
  char **values;         /* values[i] may be NULL                          */
} pf__delta_map;

typedef struct pf__delta_protocol {
  int present;               /* a protocol action was seen                 */
  int32_t min_reader_version;
  int32_t min_writer_version;
  size_t n_reader_features;  /* reader version 3: readerFeatures           */
  char **reader_features;
  size_t n_writer_features;  /* writer version 7: writerFeatures           */
  char **writer_features;
} pf__delta_protocol;

typedef struct pf__delta_metadata {
  char *id;                  /* table id (a UUID)                          */
  char *name;                /* optional                                   */
  char *description;         /* optional                                   */
  char *format_provider;     /* "parquet"                                  */
  pf__delta_map format_options;
  char *schema_string;       /* Spark StructType JSON                      */
  size_t n_partition_columns;
  char **partition_columns;
  pf__delta_map configuration;
  int64_t created_time;      /* ms since epoch; -1 when absent             */
} pf__delta_metadata;

/* A deletion vector (PROTOCOL.md "Deletion Vectors"): rows of a data file
 * no longer in the table. storage_type 0 when the file has none. */
typedef struct pf__delta_dv {
  char storage_type;         /* 'u' (relative UUID), 'i' (inline), 'p' (path) */
  char *path_or_inline;
  int64_t offset;            /* -1 when absent                             */
  int64_t size_in_bytes;
  int64_t cardinality;       /* rows it removes                            */
  char *unique_id;           /* <type><pathOrInlineDv>[@<offset>]          */
} pf__delta_dv;

typedef struct pf__delta_file {   /* an add (live file) or remove (tombstone);
                                     a logical file is (path, dv.unique_id) */
  char *path;                /* relative to the table root, URI-encoded    */
  pf__delta_map partition_values;
  int64_t size;              /* bytes; -1 when absent (remove)             */
  int64_t modification_time; /* add: ms since epoch                       */
  int64_t deletion_timestamp;/* remove: ms since epoch, -1 when absent    */
  int data_change;
  char *stats;               /* add: the stats JSON text, or NULL          */
  pf__delta_map tags;
  int extended_file_metadata;/* remove: 1 if partitionValues/size/tags set */
  pf__delta_dv dv;           /* deletion vector, or storage_type 0         */
} pf__delta_file;

typedef struct pf__delta_txn {
  char *app_id;
  int64_t version;
  int64_t last_updated;      /* -1 when absent                             */
} pf__delta_txn;

typedef struct pf__delta_state {
  int64_t version;           /* the table version this state is at; -1: none */
  pf__delta_protocol protocol;
  pf__delta_metadata metadata;
  size_t n_adds;
  pf__delta_file *adds;      /* live files (path unique)                   */
  size_t n_removes;
  pf__delta_file *removes;   /* tombstones ((path, dv) unique)             */
  size_t n_txns;
  pf__delta_txn *txns;
} pf__delta_state;

void pf__delta_state_init(pf__delta_state *st);
void pf__delta_state_free(pf__delta_state *st);
/* Free what one map or file owns and zero it (NULL-safe fields). */
void pf__delta_map_free(pf__delta_map *m);
void pf__delta_file_free(pf__delta_file *f);
/* Sets dv->unique_id from its fields (PROTOCOL.md "Derived Fields"). */
pf_status pf__delta_dv_derive(pf__delta_dv *dv);
/* Rows of a live file: numRecords of its stats minus its deletion
 * vector's cardinality; -1 when the stats do not say. */
int64_t pf__delta_file_rows(const pf__delta_file *f);
/* numRecords of a stats JSON text, -1 when absent. */
int64_t pf__delta_stats_rows(const char *stats);

/* ---- checkpoints (delta_checkpoint.c, delta_checkpoint_read.c) ----
 * A classic single-file checkpoint, <table>/_delta_log/<20-digit
 * version>.checkpoint.parquet, holding one row per action (protocol,
 * metaData, txn, add, remove) in the protocol's checkpoint schema (add.stats
 * as a JSON string; partitionValues, tags, configuration as maps), written
 * through src/io/output.c (temp + rename / copy strategy). */
pf_status pf__delta_checkpoint_write(const char *table_dir,
                                     const pf__delta_state *st,
                                     const pf__opts *opts,
                                     uint64_t *size_bytes, pf_error *err);
/* Reads a checkpoint file (ours, or Spark's / delta-rs's: nested columns,
 * any of PLAIN/dictionary encodings, data page v1 or v2, snappy, zstd, gzip
 * or none) into st (which must be freshly initialised); st->version is set
 * by the caller. Unknown columns are ignored. */
pf_status pf__delta_checkpoint_read(const char *path, pf__delta_state *st,
                                    pf_error *err);

#endif

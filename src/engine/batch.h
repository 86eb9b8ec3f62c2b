/* batch.h - what the parts of a batch of files share (pf_batch_* in
 * pyforge.h): the list of inputs a job's paths and patterns expand to
 * (batch_inputs.c), and the run over workers (batch.c). */
#ifndef PF_ENGINE_BATCH_H
#define PF_ENGINE_BATCH_H

#include <stddef.h>

#include "core/batch.h"
#include "core/opts.h"
#include "pyforge/pyforge.h"

/* One file to convert, or one pattern that matched nothing. */
typedef struct pf__batch_input {
  char *path;        /* the file; the pattern itself when nothing matched */
  size_t source;     /* index of the path or pattern that gave it          */
  int no_match;      /* 1: a pattern that matched no file                  */
  int broken;        /* 1: a match that is a symbolic link to nothing      */
  int named;         /* 1: given as a path (by any source), not only matched */
} pf__batch_input;

typedef struct pf__batch_inputs {
  pf__batch_input *v;
  size_t n, cap;
} pf__batch_inputs;

/* Does text hold glob wildcards (*, ?, [)? */
int pf__glob_has_magic(const char *text);

/* Expands sources[i] (a pattern unless literal[i]) into files, in the order
 * given, each pattern's matches sorted; a file reached twice is kept once.
 * Patterns support *, ?, [...] within a name and ** for any depth of
 * directories (symbolic links to directories are not followed). Only
 * regular files (or links to them) are listed, and links whose target is
 * missing (broken: reported as failed items, not dropped); a path without
 * wildcards is kept as given. */
pf_status pf__batch_expand(const char *const *sources, const int *literal,
                           size_t n_sources, pf__batch_inputs *out,
                           pf_error *err);
void pf__batch_inputs_free(pf__batch_inputs *in);

/* A set of strings (open addressing), for "seen" checks over many files. */
typedef struct pf__strset {
  const char **keys; /* borrowed strings                                  */
  size_t *values;
  size_t cap, n;
} pf__strset;

/* Adds key (borrowed: it must outlive the set) with value; when the key is
 * there already, returns 1 and its value in *old, else 0 (-1: no memory). */
int pf__strset_add(pf__strset *s, const char *key, size_t value, size_t *old);
/* 1 when key is in the set. */
int pf__strset_has(const pf__strset *s, const char *key);
void pf__strset_free(pf__strset *s);

/* ---- running items on workers (batch.c) ---- */

/* What a worker does with item i: o is a copy of the batch's options with
 * input.path set, engine.threads (unless the caller set it) and the
 * worker's progress, log and schema callbacks; it->error on failure. */
typedef pf_status (*pf__batch_item_fn)(void *ctx, size_t i, pf_batch_item *it, pf_options *o);

/* Runs fn on every item still PF_OK, on the job's workers (items not
 * started when the cancel token fires: PF_ECANCELED), reporting progress
 * over the whole batch; deliver: the file callback for each item as it
 * ends. phase 0: the batch is this one run (progress 0..r->bytes_total);
 * 1 and 2: the first and second of two runs over the same items (batch
 * into one table), each file's bytes counted half in each, so the
 * progress climbs once from 0 to r->bytes_total over both (items not run
 * count as done). Sets r->workers and r->threads_per_file. */
pf_status pf__batch_run_items(const pf_batch_job *job, const pf_options *base, const pf__opts *bo,
                              pf_batch_result *r, pf__batch_item_fn fn, void *ctx, int deliver,
                              int phase, pf_error *err);
/* The file callback for every item, in order. */
void pf__batch_deliver(const pf_batch_job *job, pf_batch_result *r);

/* ---- casts to a table's schema (batch_cast.c) ---- */
typedef struct pf__cast {
  const pf_schema *to;  /* borrowed                                          */
  long *src;            /* per column of to: the input's column, or -1       */
  int *kind;            /* how it is made                                    */
  pf_batch *owned;      /* the columns that are converted                    */
  pf_batch view;        /* what pf__cast_batch hands out (cols: ours)        */
} pf__cast;

/* 1 when a column typed like from can go into one typed like to (each
 * value is still checked where it may not fit). */
int pf__cast_possible(const pf_field *from, const pf_field *to);
/* Plans casts from a file's schema to to (borrowed until the next plan or
 * free); has[i] == 0 (has may be NULL): column i holds no value in the
 * whole file, so it goes as nulls whatever its type. PF_EOUTPUT naming
 * the column when one cannot go. Again for a new file schema (after a
 * widening). */
pf_status pf__cast_plan(pf__cast *c, const pf_schema *from, const uint8_t *has, const pf_schema *to,
                       pf_error *err);
/* in (typed like from) as a batch typed like to, valid until the next call;
 * a value that does not fit fails naming its row and column. */
pf_status pf__cast_batch(pf__cast *c, const pf_batch *in, const pf_schema *from, const pf_batch **out,
                         pf_error *err);
void pf__cast_free(pf__cast *c);
/* Value i of column c (typed like f) as the text a string column gets. */
size_t pf__cast_text(const pf_column *c, const pf_field *f, size_t i, char *out, size_t n);

/* ---- every file into one Delta table, one commit (batch_table.c) ---- */
pf_status pf__batch_table_run(const pf_batch_job *job, const char *table, const pf_options *base,
                              const pf__opts *bo, pf_batch_result *r, pf_error *err);

#endif

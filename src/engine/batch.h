/* batch.h - what the parts of a batch of files share (pf_batch_* in
 * pyforge.h): the list of inputs a job's paths and patterns expand to
 * (batch_inputs.c), and the run over workers (batch.c). */
#ifndef PF_ENGINE_BATCH_H
#define PF_ENGINE_BATCH_H

#include <stddef.h>

#include "pyforge/pyforge.h"

/* One file to convert, or one pattern that matched nothing. */
typedef struct pf__batch_input {
  char *path;        /* the file; the pattern itself when nothing matched */
  size_t source;     /* index of the path or pattern that gave it          */
  int no_match;      /* 1: a pattern that matched no file                  */
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
 * regular files (or links to them) are listed; a path without wildcards is
 * kept as given. */
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
void pf__strset_free(pf__strset *s);

#endif

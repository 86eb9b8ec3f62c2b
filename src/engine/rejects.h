/* rejects.h - the rejects file: rows left out of a conversion (with
 * input.on_bad_rows=skip), each with its line number and the reason, written
 * atomically beside the output as CSV (line,reason,row). Created on the
 * first rejected row only. */
#ifndef PF_ENGINE_REJECTS_H
#define PF_ENGINE_REJECTS_H

#include "core/buf.h"
#include "io/output.h"

typedef struct pf__rejects {
  char *path;        /* private: target path                       */
  pf__output_opts oo; /* private: how the file is written (force,
                         log, settings, durable: borrowed)          */
  pf__output *out;   /* private: NULL until the first row          */
  int64_t count;     /* read-only: rows rejected                   */
} pf__rejects;

pf_status pf__rejects_init(pf__rejects *r, const char *path, const pf__output_opts *oo);
/* Matches pf__reader_env.reject; user is the pf__rejects. */
pf_status pf__rejects_add(void *user, int64_t line, const char *reason,
                          const char *raw, size_t raw_len, pf_error *err);
/* One rejected row as a line of the rejects file, appended to b: with
 * file (not NULL) first, the line a batch into one table writes
 * (file,line,reason,row). */
pf_status pf__rejects_line(pf__buf *b, const char *file, int64_t line, const char *reason,
                           const char *raw, size_t raw_len);
/* Forget rows so far (the conversion restarts). */
void pf__rejects_reset(pf__rejects *r);
pf_status pf__rejects_commit(pf__rejects *r, pf_error *err);
void pf__rejects_free(pf__rejects *r); /* discards anything uncommitted */

#endif

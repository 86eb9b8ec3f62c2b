/* engine.h - what convert, info and validate share: a session holding the
 * chosen reader, the thread pool and the log for one call. */
#ifndef PF_ENGINE_ENGINE_H
#define PF_ENGINE_ENGINE_H

#include "core/format_api.h"

typedef struct pf__session {
  const pf__reader_ops *rops; /* the input's reader                   */
  void *reader;               /* its state once opened                */
  pf__reader_env renv;        /* what the reader was given            */
  pf__pool *pool;
  pf__log log;
} pf__session;

/* Picks the reader and starts the pool; the reader is not opened yet (set
 * renv.reject first if needed). pf__session_close is needed on failure too. */
pf_status pf__session_open(pf__session *s, const pf_convert_options *opts,
                           pf_error *err);
pf_status pf__session_open_reader(pf__session *s, pf_error *err);
void pf__session_close(pf__session *s);

double pf__now(void); /* monotonic seconds */
int pf__canceled(const pf_convert_options *opts);

#endif

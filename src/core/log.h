/* log.h - the library's diagnostics go to the caller's callback, never to
 * stdout/stderr. */
#ifndef PF_CORE_LOG_H
#define PF_CORE_LOG_H

#include "core/error.h"

typedef struct pf_log_sink {
  pf_log_fn fn;       /* NULL: discard */
  void *user;
  pf_log_level level; /* messages above this level are dropped */
} pf__log;

void pf__log_msg(const pf__log *log, pf_log_level level, const char *fmt, ...)
    PF__PRINTF(3, 4);
/* A log that writes through another with "[prefix] " in front of each
 * line (a plugin's name): fills *out, which uses *fwd (both must outlive
 * *out). prefix NULL: *out is a copy of *to. to may be NULL (no log). */
typedef struct pf__log_prefix {
  const pf__log *to;
  const char *prefix;
} pf__log_prefix;
void pf__log_prefixed(pf__log *out, pf__log_prefix *fwd, const pf__log *to, const char *prefix);

#define pf__log_enabled(log, lvl) ((log) && (log)->fn && (lvl) <= (log)->level)

#endif

/* log.h - the library's diagnostics go to the caller's callback, never to
 * stdout/stderr. */
#ifndef PF_CORE_LOG_H
#define PF_CORE_LOG_H

#include "core/error.h"

typedef struct pf__log {
  pf_log_fn fn;       /* NULL: discard */
  void *user;
  pf_log_level level; /* messages above this level are dropped */
} pf__log;

void pf__log_msg(const pf__log *log, pf_log_level level, const char *fmt, ...)
    PF__PRINTF(3, 4);
#define pf__log_enabled(log, lvl) ((log) && (log)->fn && (lvl) <= (log)->level)

#endif

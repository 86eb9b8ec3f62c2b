/* session.c - opening an input for convert, info, validate and streams:
 * the reader chosen by the registry, the thread pool, the log. */
#include <string.h>
#include <time.h>

#include "engine/engine.h"
#include "engine/registry.h"

double pf__now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int pf__canceled(const pf__opts *opts) { return pf__opts_canceled(opts); }

pf_status pf__session_open(pf__session *s, const pf__opts *opts, pf_error *err) {
  memset(s, 0, sizeof *s);
  s->log.fn = opts->log;
  s->log.user = opts->log_user;
  s->log.level = opts->log_level;
  if (!pf__opts_has_input(opts))
    return pf__error_set(err, PF_EINVAL, "no input given (input.path, or an fd or buffer input)");
  PF_TRY(pf__registry_reader(opts, &s->rops, &s->plugin, err));
  pf_status st = pf__pool_create(opts->threads, &s->pool);
  if (st != PF_OK) return pf__error_set(err, st, "cannot start %d threads", opts->threads);
  pf__log_prefixed(&s->rlog, &s->rlog_fwd, &s->log, s->plugin);
  s->renv.path = opts->input ? opts->input : "";
  s->renv.opts = opts;
  s->renv.pool = s->pool;
  s->renv.log = &s->rlog;
  return PF_OK;
}

pf_status pf__session_open_reader(pf__session *s, pf_error *err) {
  pf_status st = s->rops->open(&s->renv, &s->reader, err);
  if (st != PF_OK) {
    s->reader = NULL;
    if (err && !err->file[0]) pf__error_file(err, s->renv.path);
  }
  return st;
}

void pf__session_close(pf__session *s) {
  if (s->reader) s->rops->close(s->reader);
  pf__pool_free(s->pool);
  memset(s, 0, sizeof *s);
}

/* session.c - opening an input for convert, info, validate and streams:
 * the reader chosen by the registry, the thread pool, the log. */
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "engine/engine.h"
#include "engine/registry.h"
#include "io/source.h"

double pf__now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int pf__canceled(const pf__opts *opts) { return pf__opts_canceled(opts); }

/* Streams: standard input (always: a file redirected to it is read from
 * where the shell left it), a descriptor input that is a pipe, FIFO or
 * device, and a path naming one (/dev/stdin, a FIFO, <(cmd)). Files and
 * buffers are read where they are; a path that cannot be looked at is left
 * to the reader, which says why. */
int pf__session_input_is_stream(const pf__opts *o) {
  struct stat sb;
  if (o->in.kind == PF__INPUT_FD)
    return fstat(o->in.fd, &sb) == 0 && !S_ISREG(sb.st_mode) && !S_ISDIR(sb.st_mode);
  if (o->in.kind != PF__INPUT_PATH || !o->input || !*o->input) return 0;
  if (pf__opts_reads_stdin(o)) return 1;
  return stat(o->input, &sb) == 0 && !S_ISREG(sb.st_mode) && !S_ISDIR(sb.st_mode);
}

/* The descriptor of the stream to copy before the input can be read twice,
 * a path's opened here (*opened); -1: none (or the path cannot be opened:
 * the reader says why). */
static int spool_source(const pf__opts *o, int *opened) {
  *opened = 0;
  if (!pf__session_input_is_stream(o)) return -1;
  if (o->in.kind == PF__INPUT_FD) return o->in.fd;
  if (pf__opts_reads_stdin(o)) return STDIN_FILENO;
  int fd = open(o->input, O_RDONLY | O_CLOEXEC);
  *opened = fd >= 0;
  return fd;
}

/* Copies the input once, when it is a stream, and points *opts at options
 * that read the copy as a descriptor input (the name kept for messages). */
static pf_status session_spool(pf__session *s, const pf__opts **opts, pf_error *err) {
  const pf__opts *o = *opts;
  int opened;
  int in_fd = spool_source(o, &opened);
  if (in_fd < 0) return PF_OK;
  const char *name = pf__opts_reads_stdin(o) ? "standard input"
                     : o->input && *o->input                                   ? o->input
                                                                               : "the input descriptor";
  pf_status st = pf__source_spool(in_fd, name, o, &s->spool_fd, err);
  if (opened) close(in_fd);
  PF_TRY(st);
  s->spooled = 1;
  s->spool_opts = *o;
  s->spool_opts.in = (pf__input){.kind = PF__INPUT_FD, .fd = s->spool_fd};
  if (!s->spool_opts.input) s->spool_opts.input = "";
  *opts = &s->spool_opts;
  return PF_OK;
}

pf_status pf__session_open(pf__session *s, const pf__opts *opts, pf_error *err) {
  memset(s, 0, sizeof *s);
  s->spool_fd = -1;
  s->log.fn = opts->log;
  s->log.user = opts->log_user;
  s->log.level = opts->log_level;
  if (!pf__opts_has_input(opts))
    return pf__error_set(err, PF_EINVAL, "no input given (input.path, or an fd or buffer input)");
  PF_TRY(session_spool(s, &opts, err));
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
  if (s->spooled) close(s->spool_fd); /* anonymous: the copy is gone */
  memset(s, 0, sizeof *s);
}

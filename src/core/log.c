/* log.c - formatting diagnostics for the log callback. */
#include "core/log.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/redact.h"

void pf__log_msg(const pf__log *log, pf_log_level level, const char *fmt, ...) {
  if (!pf__log_enabled(log, level)) return;
  char text[2048], msg[2048];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(text, sizeof text, fmt, ap);
  va_end(ap);
  pf__redact(text, msg, sizeof msg); /* no credential in the log */
  log->fn(log->user, level, msg);
}

static void prefixed_fn(void *user, pf_log_level level, const char *message) {
  const pf__log_prefix *f = user;
  char line[2300];
  snprintf(line, sizeof line, "[%s] %s", f->prefix, message);
  f->to->fn(f->to->user, level, line);
}

void pf__log_prefixed(pf__log *out, pf__log_prefix *fwd, const pf__log *to, const char *prefix) {
  memset(out, 0, sizeof *out);
  if (!to) return;
  *out = *to;
  if (!prefix || !to->fn) return;
  fwd->to = to;
  fwd->prefix = prefix;
  out->fn = prefixed_fn;
  out->user = fwd;
}

int pf_log_level_parse(const char *t) {
  if (!t || !*t) return -1;
  if (isdigit((unsigned char)t[0]) && t[1] == 0) {
    int v = t[0] - '0';
    return v <= PF_LOG_DEBUG ? v : -1;
  }
  if (!strcasecmp(t, "error")) return PF_LOG_ERROR;
  if (!strcasecmp(t, "warn") || !strcasecmp(t, "warning")) return PF_LOG_WARN;
  if (!strcasecmp(t, "info")) return PF_LOG_INFO;
  if (!strcasecmp(t, "debug")) return PF_LOG_DEBUG;
  return -1;
}

/* log.c - formatting diagnostics for the log callback. */
#include "core/log.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
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

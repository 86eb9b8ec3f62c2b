/* print.c - how the CLI shows errors, numbers, schemas and log messages. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

void cli_print_error(const pf_error *err) {
  char buf[4096];
  pf_error_format(err, buf, sizeof buf);
  fprintf(stderr, "pyforge: error: %s\n", buf);
}

const char *cli_fmt_count(char *buf, size_t n, long long v) {
  char digits[32];
  int len = snprintf(digits, sizeof digits, "%lld", v < 0 ? -v : v);
  size_t o = 0;
  if (v < 0 && o + 1 < n) buf[o++] = '-';
  for (int i = 0; i < len && o + 2 < n; i++) {
    if (i > 0 && (len - i) % 3 == 0) buf[o++] = ',';
    buf[o++] = digits[i];
  }
  buf[o] = 0;
  return buf;
}

const char *cli_fmt_bytes(char *buf, size_t n, unsigned long long v) {
  if (v < 1000) snprintf(buf, n, "%llu B", v);
  else if (v < 1000000) snprintf(buf, n, "%.1f kB", (double)v / 1e3);
  else if (v < 1000000000ULL) snprintf(buf, n, "%.1f MB", (double)v / 1e6);
  else snprintf(buf, n, "%.2f GB", (double)v / 1e9);
  return buf;
}

void cli_log(void *user, pf_log_level level, const char *message) {
  (void)user;
  static const char *const names[] = {"error", "warning", "info", "debug"};
  fprintf(stderr, "pyforge: %s: %s\n", names[level <= PF_LOG_DEBUG ? level : PF_LOG_DEBUG], message);
}

pf_log_level cli_log_level(const cli_globals *g) {
  int level = PF_LOG_WARN;
  const char *env = getenv("PYFORGE_LOG_LEVEL");
  if (env && *env) {
    int l = pf_log_level_parse(env);
    if (l >= 0) level = l;
    else fprintf(stderr, "pyforge: warning: PYFORGE_LOG_LEVEL='%s' is not error, warn, info or debug; using warn\n", env);
  }
  if (g->verbose) level = g->verbose >= 2 ? PF_LOG_DEBUG : PF_LOG_INFO;
  if (g->quiet) level = PF_LOG_ERROR;
  return (pf_log_level)level;
}

void cli_print_schema(FILE *f, const pf_schema *s) {
  if (!s) return;
  size_t wname = 4, wtype = 4;
  for (size_t i = 0; i < s->n_fields; i++) {
    size_t a = strlen(s->fields[i].name), b = strlen(pf_type_name(s->fields[i].type));
    if (a > wname) wname = a;
    if (b > wtype) wtype = b;
  }
  if (wname > 40) wname = 40;
  fprintf(f, "  %4s  %-*s  %-*s  %s\n", "#", (int)wname, "name", (int)wtype, "type", "nullable");
  for (size_t i = 0; i < s->n_fields; i++) {
    const pf_field *c = &s->fields[i];
    fprintf(f, "  %4zu  %-*s  %-*s  %-8s%s%s\n", i + 1, (int)wname, c->name, (int)wtype,
            pf_type_name(c->type), c->nullable ? "yes" : "no", c->note ? "  " : "",
            c->note ? c->note : "");
  }
}

void cli_prepare_run(pf_convert_options *o, const cli_globals *g) {
  o->log = cli_log;
  o->log_level = cli_log_level(g);
  o->cancel = cli_install_signals();
}

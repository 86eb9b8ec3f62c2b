/* print.c - how the CLI shows errors, numbers, schemas and log messages. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"

/* The main flag taking a value ("--delimiter"), else NULL. */
static const char *value_flag(const pf_option_desc *d) {
  const char *any = NULL;
  for (const pf_option_flag *f = d->cli; f && f->flag; f++) {
    if (f->value) continue;
    if (f->flag[1] == '-') return f->flag;
    if (!any) any = f->flag;
  }
  return any;
}

/* A flag that sets exactly value ("--no-header" for false), else NULL. */
static const char *fixed_flag(const pf_option_desc *d, const char *value) {
  for (const pf_option_flag *f = d->cli; f && f->flag; f++)
    if (f->value && strcasecmp(f->value, value) == 0) return f->flag;
  return NULL;
}

/* pf_spell_fn: a key as the command line spells it. "output.force" ->
 * "--force", "csv.on_bad_rows=skip" -> "--on-bad-rows skip",
 * "excel.sheet_mode=separate" -> "--separate"; the positional paths as
 * INPUT and OUTPUT; keys the CLI has no flag for stay keys. */
static size_t spell_flag(void *user, const pf_option_desc *d, const char *value, char *buf,
                         size_t n) {
  (void)user;
  if (!strcmp(d->key, "input.path")) return (size_t)snprintf(buf, n, "INPUT");
  if (!strcmp(d->key, "output.path")) return (size_t)snprintf(buf, n, "OUTPUT");
  const char *vf = value_flag(d);
  const char *ff = fixed_flag(d, value ? value : "true");
  if (value && ff) return (size_t)snprintf(buf, n, "%s", ff);
  if (value && vf) return (size_t)snprintf(buf, n, "%s %s", vf, value);
  if (!value && (vf || ff)) return (size_t)snprintf(buf, n, "%s", vf ? vf : ff);
  if (!value && d->cli && d->cli[0].flag) return (size_t)snprintf(buf, n, "%s", d->cli[0].flag);
  return (size_t)snprintf(buf, n, "%s%s%s", d->key, value ? "=" : "", value ? value : "");
}

void cli_spell(const char *text, char *buf, size_t n) {
  pf_spell_options(text, spell_flag, NULL, buf, n);
}

void cli_print_error(const pf_error *err) {
  char buf[4096], spelled[4096];
  pf_error_format(err, buf, sizeof buf);
  cli_spell(buf, spelled, sizeof spelled);
  fprintf(stderr, "pyforge: error: %s\n", spelled);
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
  char spelled[4096];
  cli_spell(message, spelled, sizeof spelled);
  fprintf(stderr, "pyforge: %s: %s\n", names[level <= PF_LOG_DEBUG ? level : PF_LOG_DEBUG], spelled);
}

pf_log_level cli_log_level(const cli_globals *g) {
  static int warned;
  int level = PF_LOG_WARN;
  const char *env = getenv("PYFORGE_LOG_LEVEL");
  if (env && *env) {
    int l = pf_log_level_parse(env);
    if (l >= 0) level = l;
    else if (!warned++) /* said once, though main and the command both ask */
      fprintf(stderr, "pyforge: warning: PYFORGE_LOG_LEVEL='%s' is not error, warn, info or debug; using warn\n", env);
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

int cli_prepare_run(const char *cmd, pf_options *o, const cli_globals *g) {
  static const char *const level_names[] = {"error", "warn", "info", "debug"};
  pf_options_set_log(o, cli_log, NULL);
  if (cli_set(cmd, o, "engine.log_level", level_names[cli_log_level(g)])) return -1;
  pf_plugins_set_log(cli_log, NULL, cli_log_level(g)); /* the command's own -v/-q too */
  pf_cancel *c = cli_install_signals();
  if (!c) return -1;
  pf_options_set_cancel(o, c);
  return 0;
}

/* args.c - scanning command-line arguments, and the options every command
 * takes from the library's option tables: a flag is looked up among the
 * spellings the tables declare (pf_option_desc.cli), and its value is set
 * by key. A new format's options appear here without changing cli/. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

void cli_args_init(cli_args *a, int argc, char **argv, const char *cmd) {
  memset(a, 0, sizeof *a);
  a->argc = argc;
  a->argv = argv;
  a->cmd = cmd;
}

int cli_args_next(cli_args *a, const char **opt, const char **pos) {
  *opt = *pos = NULL;
  a->value = NULL;
  while (a->i < a->argc) {
    const char *s = a->argv[a->i++];
    if (!a->only_pos && strcmp(s, "--") == 0) {
      a->only_pos = 1;
      continue;
    }
    if (a->only_pos || s[0] != '-' || strcmp(s, "-") == 0) {
      *pos = s;
      return 1;
    }
    const char *eq = s[1] == '-' ? strchr(s, '=') : NULL;
    if (eq) {
      size_t n = (size_t)(eq - s);
      if (n >= sizeof a->name) n = sizeof a->name - 1;
      memcpy(a->name, s, n);
      a->name[n] = 0;
      a->value = eq + 1;
      *opt = a->name;
    } else {
      *opt = s;
    }
    return 1;
  }
  return 0;
}

int cli_usage_error(const char *cmd, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "pyforge%s%s: ", cmd ? " " : "", cmd ? cmd : "");
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fprintf(stderr, "\nTry 'pyforge%s%s --help'.\n", cmd ? " " : "", cmd ? cmd : "");
  return EXIT_USAGE;
}

const char *cli_args_value(cli_args *a, const char *opt) {
  if (a->value) return a->value;
  if (a->i < a->argc) return a->argv[a->i++];
  cli_usage_error(a->cmd, "option %s needs a value", opt);
  return NULL;
}

/* The key whose table spells a flag opt, among the keys `use` reads. */
static const pf_option_desc *find_flag(const char *opt, unsigned use,
                                       const pf_option_flag **flag) {
  for (size_t i = 0; i < pf_option_count(); i++) {
    const pf_option_desc *d = pf_option_at(i);
    if (!(d->uses & use) || !d->cli) continue;
    for (const pf_option_flag *f = d->cli; f->flag; f++)
      if (strcmp(f->flag, opt) == 0) {
        *flag = f;
        return d;
      }
  }
  return NULL;
}

static int report(const char *cmd, const pf_error *err) {
  char msg[2048];
  cli_spell(err->message, msg, sizeof msg);
  cli_usage_error(cmd, "%s", msg);
  return -1;
}

int cli_table_option(cli_args *a, const char *opt, pf_options *o, unsigned use) {
  const pf_option_flag *flag;
  const pf_option_desc *d = find_flag(opt, use, &flag);
  if (!d) return 0;
  const char *v = flag->value;
  if (v && a->value) {
    cli_usage_error(a->cmd, "option %s takes no value", opt);
    return -1;
  }
  if (!v && !(v = cli_args_value(a, opt))) return -1;
  pf_error err;
  /* a list flag repeats: each adds its items */
  pf_status st = pf_options_add(o, d->key, v, &err);
  return st == PF_OK ? 1 : report(a->cmd, &err);
}

int cli_set(const char *cmd, pf_options *o, const char *key, const char *value) {
  pf_error err;
  return pf_options_set(o, key, value, &err) == PF_OK ? 0 : report(cmd, &err);
}

int cli_engine_option(cli_args *a, const char *opt, const char *help, pf_options *o, unsigned use,
                      int *json) {
  int r = cli_table_option(a, opt, o, use);
  if (r != 0) return r > 0 ? CLI_TAKEN : EXIT_USAGE;
  if (!strcmp(opt, "-h") || !strcmp(opt, "--help")) {
    fputs(help, stdout);
    cli_print_table_help(stdout, use);
    return EXIT_OK;
  }
  if (!strcmp(opt, "--json")) {
    *json = 1;
    return CLI_TAKEN;
  }
  return CLI_NOT_MINE;
}

int cli_scan_file_command(cli_args *a, const char *help, pf_options *o, unsigned use,
                          const char **file, int *json, cli_extra_option_fn extra) {
  const char *opt, *pos;
  while (cli_args_next(a, &opt, &pos)) {
    if (pos) {
      if (*file) return cli_usage_error(a->cmd, "unexpected argument '%s'", pos);
      *file = pos;
      continue;
    }
    int r = cli_engine_option(a, opt, help, o, use, json);
    if (r == CLI_TAKEN) continue;
    if (r != CLI_NOT_MINE) return r;
    r = extra ? extra(a, opt, json) : 0;
    if (r < 0) return EXIT_USAGE;
    if (r == 0) return cli_usage_error(a->cmd, "unknown option '%s'", opt);
  }
  if (!*file) return cli_usage_error(a->cmd, "missing FILE");
  return cli_set(a->cmd, o, "input.path", *file) ? EXIT_USAGE : -1;
}

int cli_verbosity_option(const char *opt, cli_globals *g) {
  if (!strcmp(opt, "-v") || !strcmp(opt, "--verbose")) g->verbose++;
  else if (!strcmp(opt, "-vv")) g->verbose += 2;
  else if (!strcmp(opt, "-q") || !strcmp(opt, "--quiet")) g->quiet = 1;
  else return 0;
  return 1;
}

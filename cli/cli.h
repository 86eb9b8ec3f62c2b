/* cli.h - what the pyforge subcommands share: argument scanning, the
 * options every command derives from the library's option tables, help,
 * printing, the log callback, the progress bar and Ctrl-C. The CLI uses
 * only the public header pyforge/pyforge.h. */
#ifndef PF_CLI_H
#define PF_CLI_H

#include <stdio.h>

#include "pyforge/pyforge.h"

/* Exit codes (documented in docs/cli.md). */
enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2, EXIT_CANCELED = 130 };

typedef struct cli_globals {
  int verbose;       /* -v count */
  int quiet;         /* -q */
} cli_globals;

/* ---- argument scanning (args.c) ----
 * Options may come before or after positional arguments; "--" ends options.
 * Long options take values as "--name value" or "--name=value". */
typedef struct cli_args {
  int argc;
  char **argv;
  int i;              /* next argument                        */
  int only_pos;       /* after "--"                           */
  const char *value;  /* attached "=value" of the current one */
  const char *cmd;    /* subcommand name, for messages        */
  char name[128];     /* the current option's name            */
} cli_args;

void cli_args_init(cli_args *a, int argc, char **argv, const char *cmd);
/* Next argument: returns 1 and sets *opt (an option, e.g. "--force" or
 * "-f") or *pos (a positional), 0 at the end. */
int cli_args_next(cli_args *a, const char **opt, const char **pos);
/* The value of the current option; NULL (and a usage message) if missing. */
const char *cli_args_value(cli_args *a, const char *opt);
int cli_usage_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* An option of the library's tables used by `use` (PF_USE_*) and spelled
 * opt on the command line: sets its key in o. Returns 1 if taken, 0 if opt
 * is no such option, -1 on a bad value (reported as a usage error). */
int cli_table_option(cli_args *a, const char *opt, pf_options *o, unsigned use);

/* The options every engine command takes beside its own (convert, batch,
 * info, validate): a flag of the tables `use` reads (cli_table_option),
 * -h/--help (help, then those tables' options) and --json (*json = 1).
 * Returns CLI_TAKEN (scan on), CLI_NOT_MINE (the command's own option, or
 * unknown), else the exit code the scan returns (help shown: EXIT_OK; a
 * bad value, reported: EXIT_USAGE). */
#define CLI_TAKEN (-1)
#define CLI_NOT_MINE (-2)
int cli_engine_option(cli_args *a, const char *opt, const char *help, pf_options *o, unsigned use,
                      int *json);

/* -v/--verbose, -vv and -q/--quiet, the same before the command and after
 * it: applied to g. Returns 1 if opt is one of them, else 0. */
int cli_verbosity_option(const char *opt, cli_globals *g);

/* Sets a key the CLI computed (input.path, engine.log_level, ...); a
 * failure is reported as a usage error. Returns 0 or -1. */
int cli_set(const char *cmd, pf_options *o, const char *key, const char *value);

/* A subcommand's own options: 1 taken, 0 unknown, -1 bad value (reported). */
typedef int (*cli_extra_option_fn)(cli_args *a, const char *opt, int *json);
/* Scans `pyforge CMD FILE [options]` (info, validate): FILE, the table's
 * options for `use`, --help and --json, the rest through extra. Returns -1
 * when the command should run, else the exit code to return (help shown,
 * usage). */
int cli_scan_file_command(cli_args *a, const char *help, pf_options *o, unsigned use,
                          const char **file, int *json, cli_extra_option_fn extra);

/* Hooks a command's options to the terminal before the library call: the
 * log callback and level (-v/-q, PYFORGE_LOG_LEVEL) and the Ctrl-C token. */
int cli_prepare_run(const char *cmd, pf_options *o, const cli_globals *g);

/* ---- help (help.c) ---- */
/* The options of the tables used by `use`, by section, as --help shows. */
void cli_print_table_help(FILE *f, unsigned use);
/* Every key as Markdown tables (docs/cli.md's generated part). */
void cli_print_markdown(FILE *f);
/* One help line: the left column (flags) and its text, wrapped to 80. */
void cli_help_line(FILE *f, const char *left, const char *text);

/* ---- printing (print.c) ---- */
/* A library message with option keys in the CLI's spelling ("--force"). */
void cli_spell(const char *text, char *buf, size_t n);
void cli_print_error(const pf_error *err);
/* "1,234,567" */
const char *cli_fmt_count(char *buf, size_t n, long long v);
/* "12.3 MB" */
const char *cli_fmt_bytes(char *buf, size_t n, unsigned long long v);
void cli_log(void *user, pf_log_level level, const char *message);
/* Log level from -v count and PYFORGE_LOG_LEVEL. */
pf_log_level cli_log_level(const cli_globals *g);
void cli_print_schema(FILE *f, const pf_schema *s);

/* ---- progress and signals (progress.c) ---- */
typedef struct cli_progress {
  int enabled;        /* a terminal, and not --quiet/--json */
  double start;
  double last_draw;
  int drawn;
} cli_progress;
void cli_progress_init(cli_progress *p, int enabled);
void cli_progress_cb(void *user, uint64_t done, uint64_t total, const char *unit);
void cli_progress_end(cli_progress *p);
/* Installs SIGINT/SIGTERM handlers that request the returned token, and
 * ignores SIGXFSZ (so a file size limit is an error, not a kill). NULL when
 * out of memory. */
pf_cancel *cli_install_signals(void);
double cli_now(void);

/* ---- subcommands ---- */
int cmd_convert(int argc, char **argv, const cli_globals *g);
int cmd_info(int argc, char **argv, const cli_globals *g);
int cmd_validate(int argc, char **argv, const cli_globals *g);
int cmd_formats(int argc, char **argv, const cli_globals *g);
int cmd_env(int argc, char **argv, const cli_globals *g); /* cmd_env.c */
int cmd_extensions(int argc, char **argv, const cli_globals *g);
int cmd_batch(int argc, char **argv, const cli_globals *g); /* cmd_batch.c */
int cmd_help(int argc, char **argv, const cli_globals *g);
/* `pyforge install sample-datasets` (cmd_samples.c); the original CLI's
 * commands not carried over (cmd_retired.c): exit 2 */
int cmd_install(int argc, char **argv, const cli_globals *g);
int cmd_samples(int argc, char **argv, const cli_globals *g);
int cmd_mdf_tools(int argc, char **argv, const cli_globals *g);

#endif

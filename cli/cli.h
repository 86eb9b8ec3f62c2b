/* cli.h - what the pyforge subcommands share: argument scanning, printing,
 * the log callback, the progress bar and the Ctrl-C flag. The CLI uses only
 * the public header pyforge/pyforge.h. */
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
  /* option values collected into lists (pointers into argv, or into
   * strings this struct owns); freed by cli_args_free */
  const char **nulls;      /* --null-value            */
  size_t n_nulls;
  const char **sheets;     /* --sheet                 */
  size_t n_sheets;
  const char **parts;      /* --partition-by a,b      */
  size_t n_parts;
  char **copies;           /* strings parts point into  */
  size_t n_copies;
} cli_args;

void cli_args_init(cli_args *a, int argc, char **argv, const char *cmd);
void cli_args_free(cli_args *a);
/* Adds the comma-separated column names of v to a->parts; -1 on an empty
 * name or when out of memory. */
int cli_add_partitions(cli_args *a, const char *v);
/* Next argument: returns 1 and sets *opt (an option, e.g. "--force" or
 * "-f") or *pos (a positional), 0 at the end. */
int cli_args_next(cli_args *a, const char **opt, const char **pos);
/* The value of the current option; NULL (and a usage message) if missing. */
const char *cli_args_value(cli_args *a, const char *opt);
int cli_usage_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Parses a non-negative integer option value with an optional K/M/G suffix
 * (powers of 1024); returns 0 on success. */
int cli_parse_size(const char *s, int64_t *out);

/* Shared options for reading inputs (convert, info, validate). Returns 1 if
 * opt was one of them (consuming its value), 0 if not, -1 on a bad value. */
int cli_read_option(cli_args *a, const char *opt, pf_convert_options *o);
extern const char cli_read_options_help[];

/* A subcommand's own options: 1 taken, 0 unknown, -1 bad value (reported). */
typedef int (*cli_extra_option_fn)(cli_args *a, const char *opt,
                                   pf_convert_options *o, int *json);
/* Scans `pyforge CMD FILE [options]` (info, validate): FILE, the reading
 * options, --help and --json, the rest through extra. Returns -1 when the
 * command should run, else the exit code to return (help shown, usage). */
int cli_scan_file_command(cli_args *a, const char *help, pf_convert_options *o,
                          const char **file, int *json, cli_extra_option_fn extra);

/* Hooks a command's options to the terminal before the library call: the
 * log callback and level (-v/-q, PYFORGE_LOG_LEVEL) and the Ctrl-C flag. */
void cli_prepare_run(pf_convert_options *o, const cli_globals *g);

/* ---- printing (print.c) ---- */
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
/* Installs SIGINT/SIGTERM handlers that set the returned flag, and ignores
 * SIGXFSZ (so a file size limit is an error, not a kill). */
volatile int *cli_install_signals(void);
double cli_now(void);

/* ---- subcommands ---- */
int cmd_convert(int argc, char **argv, const cli_globals *g);
int cmd_info(int argc, char **argv, const cli_globals *g);
int cmd_validate(int argc, char **argv, const cli_globals *g);
int cmd_formats(int argc, char **argv, const cli_globals *g);
int cmd_env(int argc, char **argv, const cli_globals *g); /* cmd_env.c */

#endif

/* main.c - the pyforge command: global options and subcommand dispatch. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char usage[] =
    "Usage: pyforge [-v|-q] COMMAND [ARGS]\n"
    "\n"
    "Convert CSV/TSV files to Parquet, fast and without losing a value.\n"
    "\n"
    "Commands:\n"
    "  convert INPUT [OUTPUT]   convert a file (default output: INPUT with .parquet)\n"
    "  info FILE                formats, dialect, columns, types, rows\n"
    "  validate FILE            check a file converts; list problems with their lines\n"
    "  formats                  list input and output formats\n"
    "  env                      where PyForge runs (Databricks, serverless, ...) and why\n"
    "\n"
    "Options:\n"
    "  -v, --verbose            more diagnostics (repeat for debug)\n"
    "  -q, --quiet              only errors\n"
    "      --version            print the version\n"
    "  -h, --help               this help; 'pyforge COMMAND --help' for a command\n"
    "\n"
    "Environment: PYFORGE_LOG_LEVEL=error|warn|info|debug\n"
    "Exit status: 0 success, 1 failure (or invalid input for validate), 2 usage,\n"
    "130 canceled.\n";

int main(int argc, char **argv) {
  cli_globals g = {0, 0};
  int i = 1;
  for (; i < argc && argv[i][0] == '-'; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "--version") || !strcmp(a, "-V")) {
      printf("pyforge %s\n", pf_version());
      return EXIT_OK;
    } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      fputs(usage, stdout);
      return EXIT_OK;
    } else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
      g.verbose++;
    } else if (!strcmp(a, "-vv")) {
      g.verbose += 2;
    } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
      g.quiet = 1;
    } else {
      return cli_usage_error(NULL, "unknown option '%s'", a);
    }
  }
  if (i >= argc) {
    fputs(usage, stderr);
    return EXIT_USAGE;
  }
  const char *cmd = argv[i];
  int sub_argc = argc - i - 1;
  char **sub_argv = argv + i + 1;
  if (!strcmp(cmd, "convert")) return cmd_convert(sub_argc, sub_argv, &g);
  if (!strcmp(cmd, "info")) return cmd_info(sub_argc, sub_argv, &g);
  if (!strcmp(cmd, "validate")) return cmd_validate(sub_argc, sub_argv, &g);
  if (!strcmp(cmd, "formats")) return cmd_formats(sub_argc, sub_argv, &g);
  if (!strcmp(cmd, "env")) return cmd_env(sub_argc, sub_argv, &g);
  if (!strcmp(cmd, "help")) {
    fputs(usage, stdout);
    return EXIT_OK;
  }
  return cli_usage_error(NULL, "unknown command '%s'", cmd);
}

/* main.c - the pyforge command: global options and subcommand dispatch. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char usage[] =
    "Usage: pyforge [-v|-q] COMMAND [ARGS]\n"
    "\n"
    "Convert the files data teams receive (CSV/TSV, Excel workbooks, XML, dBase)\n"
    "into Parquet files or Delta Lake tables, fast and without losing a value.\n"
    "\n"
    "Commands:\n"
    "  convert INPUT [OUTPUT]   convert a file (default output: INPUT with .parquet)\n"
    "  batch PATTERN...         convert every file the patterns match, in parallel\n"
    "  info FILE                formats, dialect, columns, types, rows\n"
    "  validate FILE            check a file converts; list problems with their lines\n"
    "  formats                  list input and output formats and where each comes from\n"
    "  extensions [--json]      built-in formats, plugins and their state\n"
    "  env                      where PyForge runs (Databricks, serverless, ...) and why\n"
    "  install sample-datasets  sample inputs to try PyForge on (generated, or --from)\n"
    "  help [COMMAND]           this help, a command's, or --markdown: every option\n"
    "\n"
    "Options:\n"
    "  -v, --verbose            more diagnostics (repeat for debug)\n"
    "  -q, --quiet              only errors\n"
    "      --version            print the version\n"
    "      --list-extensions    the same as 'pyforge extensions'\n"
    "  -h, --help               this help; 'pyforge COMMAND --help' for a command\n"
    "\n"
    "Environment: PYFORGE_LOG_LEVEL=error|warn|info|debug; plugins: PYFORGE_PLUGIN_PATH,\n"
    "PYFORGE_DISABLE_PLUGINS=a,b, PYFORGE_FORCE_CORE=true, PYFORGE_PLUGIN_RELOAD=1\n"
    "Exit status: 0 success, 1 failure (or invalid input for validate), 2 usage,\n"
    "130 canceled.\n";

/* `pyforge help`, `pyforge help COMMAND`, `pyforge help --markdown`. */
int cmd_help(int argc, char **argv, const cli_globals *g) {
  if (argc == 0) {
    fputs(usage, stdout);
    return EXIT_OK;
  }
  if (argc == 1 && !strcmp(argv[0], "--markdown")) {
    cli_print_markdown(stdout);
    return EXIT_OK;
  }
  char *help_arg[] = {"--help", NULL};
  if (argc == 1 && !strcmp(argv[0], "convert")) return cmd_convert(1, help_arg, g);
  if (argc == 1 && !strcmp(argv[0], "batch")) return cmd_batch(1, help_arg, g);
  if (argc == 1 && !strcmp(argv[0], "info")) return cmd_info(1, help_arg, g);
  if (argc == 1 && !strcmp(argv[0], "validate")) return cmd_validate(1, help_arg, g);
  if (argc == 1 && !strcmp(argv[0], "formats")) return cmd_formats(1, help_arg, g);
  if (argc == 1 && !strcmp(argv[0], "extensions")) return cmd_extensions(1, help_arg, g);
  return cli_usage_error("help", "unexpected argument '%s'", argv[0]);
}

/* The command after the global options. */
static int dispatch(int argc, char **argv, cli_globals *g) {
  int i = 1;
  for (; i < argc && argv[i][0] == '-'; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "--version") || !strcmp(a, "-V")) {
      printf("pyforge %s\n", pf_version());
      return EXIT_OK;
    } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      fputs(usage, stdout);
      return EXIT_OK;
    } else if (cli_verbosity_option(a, g)) {
      continue;
    } else if (!strcmp(a, "--list-extensions")) {
      pf_plugins_set_log(cli_log, NULL, cli_log_level(g));
      return cmd_extensions(0, NULL, g);
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
  /* plugins load on the first call that needs them (not for --version);
   * their lifecycle goes to the same log as the command's */
  pf_plugins_set_log(cli_log, NULL, cli_log_level(g));
  if (!strcmp(cmd, "convert")) return cmd_convert(sub_argc, sub_argv, g);
  if (!strcmp(cmd, "batch")) return cmd_batch(sub_argc, sub_argv, g);
  if (!strcmp(cmd, "info")) return cmd_info(sub_argc, sub_argv, g);
  if (!strcmp(cmd, "validate")) return cmd_validate(sub_argc, sub_argv, g);
  if (!strcmp(cmd, "formats")) return cmd_formats(sub_argc, sub_argv, g);
  if (!strcmp(cmd, "extensions")) return cmd_extensions(sub_argc, sub_argv, g);
  if (!strcmp(cmd, "env")) return cmd_env(sub_argc, sub_argv, g);
  if (!strcmp(cmd, "help")) return cmd_help(sub_argc, sub_argv, g);
  if (!strcmp(cmd, "install")) return cmd_install(sub_argc, sub_argv, g);
  if (!strcmp(cmd, "mdf-tools")) return cmd_mdf_tools(sub_argc, sub_argv, g);
  return cli_usage_error(NULL, "unknown command '%s'", cmd);
}

int main(int argc, char **argv) {
  cli_globals g = {0, 0};
  int rc = dispatch(argc, argv, &g);
  pf_plugins_shutdown(); /* each plugin's shutdown, in reverse order */
  return rc;
}

/* cmd_retired.c - `pyforge install INSTALLER`: sample-datasets goes to
 * cmd_samples.c; the original PyForge CLI's commands PyForge does not carry
 * over (`pyforge install mdf-tools`, `pyforge mdf-tools ...`) get a clear
 * message and exit 2 instead of "unknown command", so a script that still
 * calls one learns why. docs/compatibility.md lists them with the reasons. */
#include <string.h>

#include "cli.h"

static const char mdf_tools[] =
    "it installed Docker and a SQL Server Express container and managed that container "
    "(status, start, stop, restart, logs, config, test, uninstall); it converted nothing, and "
    "PyForge does not read SQL Server .mdf files";

static int retired(const char *cmd, const char *what, const char *why) {
  fprintf(stderr,
          "pyforge %s: %s is a command of the original PyForge CLI that PyForge does not carry "
          "over: %s (see docs/compatibility.md).\n",
          cmd, what, why);
  return EXIT_USAGE;
}

/* `pyforge mdf-tools [SUBCOMMAND ...]` */
int cmd_mdf_tools(int argc, char **argv, const cli_globals *g) {
  (void)argc, (void)argv, (void)g;
  return retired("mdf-tools", "'pyforge mdf-tools'", mdf_tools);
}

/* `pyforge install INSTALLER [...]` */
int cmd_install(int argc, char **argv, const cli_globals *g) {
  const char *what = argc > 0 ? argv[0] : "";
  if (!strcmp(what, "sample-datasets")) return cmd_samples(argc - 1, argv + 1, g);
  if (!strcmp(what, "mdf-tools")) return retired("install", "'pyforge install mdf-tools'", mdf_tools);
  if (!*what || !strcmp(what, "--help") || !strcmp(what, "-h")) {
    fputs("Usage: pyforge install sample-datasets [PATH] [options]\n"
          "'pyforge install sample-datasets --help' for its options.\n", what[0] ? stdout : stderr);
    return what[0] ? EXIT_OK : EXIT_USAGE;
  }
  return cli_usage_error("install", "unknown installer '%s' (the installer is sample-datasets; the original "
                         "CLI's mdf-tools is not carried over)", what);
}

/* cmd_retired.c - commands of the original PyForge CLI that PyForge does
 * not carry over (`pyforge install mdf-tools`, `pyforge mdf-tools ...`) or
 * not yet (`pyforge install sample-datasets`): a clear message and exit 2
 * instead of "unknown command", so a script that still calls one learns
 * why. docs/compatibility.md lists them with the reasons. */
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
  (void)g;
  const char *what = argc > 0 ? argv[0] : "";
  if (!strcmp(what, "mdf-tools")) return retired("install", "'pyforge install mdf-tools'", mdf_tools);
  if (!strcmp(what, "sample-datasets")) {
    fprintf(stderr, "pyforge install: 'pyforge install sample-datasets' of the original PyForge "
                    "CLI (it downloaded the original's sample files from its GitHub releases) is "
                    "not in this build; the samples/ folder of PyForge's repository holds sample "
                    "inputs.\n");
    return EXIT_USAGE;
  }
  return retired("install", "'pyforge install'",
                 "its installers were mdf-tools (a SQL Server container) and sample-datasets "
                 "(the original's sample files, not in this build)");
}

/* cmd_extensions.c - `pyforge extensions [list] [--json]` (also `pyforge
 * --list-extensions`): every extension the engine knows - built-in format
 * families, C plugins and what a front end registered (the Python
 * package's) - with its state and, when it failed or is disabled, why. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char help[] =
    "Usage: pyforge extensions [list] [--json]\n"
    "\n"
    "List the extensions: the built-in formats, the C plugins found in\n"
    "PYFORGE_PLUGIN_PATH and the install's plugin directory, and those the Python\n"
    "package registered, each with its state (loaded, unavailable, failed, disabled) and why.\n"
    "PYFORGE_DISABLE_PLUGINS=a,b disables plugins by name; PYFORGE_FORCE_CORE=true\n"
    "disables them all. docs/extensions.md tells how to write one.\n";

static void print_text(const pf_extension_desc *d, size_t n) {
  printf("%-10s %-9s %-9s %-11s %s\n", "NAME", "VERSION", "KIND", "STATE", "FORMATS");
  for (size_t i = 0; i < n; i++) {
    printf("%-10s %-9s %-9s %-11s %s\n", d[i].name, d[i].version, d[i].kind, d[i].state,
           d[i].formats);
    if (d[i].path && *d[i].path) printf("%11s%s\n", "", d[i].path);
    if (d[i].reason && *d[i].reason) {
      char spelled[4096];
      cli_spell(d[i].reason, spelled, sizeof spelled);
      printf("%11s%s\n", "", spelled);
    }
  }
}

int cmd_extensions(int argc, char **argv, const cli_globals *g) {
  int json = 0;
  for (int i = 0; i < argc; i++) {
    if (!strcmp(argv[i], "--json")) json = 1;
    else if (!strcmp(argv[i], "list") && i == 0) continue;
    else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
      fputs(help, stdout);
      return EXIT_OK;
    } else return cli_usage_error("extensions", "unexpected argument '%s'", argv[i]);
  }
  /* what failed is in the list itself: the log says it only with -v */
  if (!g->verbose) pf_plugins_set_log(cli_log, NULL, PF_LOG_ERROR);
  if (json) {
    char *js = pf_extensions_json();
    if (!js) {
      fprintf(stderr, "pyforge: error: out of memory\n");
      return EXIT_FAIL;
    }
    printf("%s\n", js);
    pf_free(js);
    return EXIT_OK;
  }
  const pf_extension_desc *d;
  size_t n = pf_extensions_list(&d);
  print_text(d, n);
  return EXIT_OK;
}

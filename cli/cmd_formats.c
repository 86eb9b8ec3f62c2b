/* cmd_formats.c - `pyforge formats`: the registered inputs and outputs. */
#include <string.h>

#include "cli.h"

int cmd_formats(int argc, char **argv, const cli_globals *g) {
  (void)g;
  int json = 0;
  for (int i = 0; i < argc; i++) {
    if (!strcmp(argv[i], "--json")) json = 1;
    else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
      puts("Usage: pyforge formats [--json]\n\nList the input and output formats this build knows.");
      return EXIT_OK;
    } else return cli_usage_error("formats", "unexpected argument '%s'", argv[i]);
  }
  const pf_format_desc *d;
  size_t n = pf_formats_list(&d);
  if (json) {
    printf("[");
    for (size_t i = 0; i < n; i++)
      printf("%s{\"name\":\"%s\",\"kind\":\"%s\",\"extensions\":\"%s\",\"origin\":\"%s\"}",
             i ? "," : "", d[i].name, d[i].kind, d[i].extensions, d[i].origin);
    printf("]\n");
    return EXIT_OK;
  }
  printf("%-8s %-7s %-42s %s\n", "FORMAT", "KIND", "EXTENSIONS", "DESCRIPTION");
  for (size_t i = 0; i < n; i++)
    printf("%-8s %-7s %-42s %s\n", d[i].name, d[i].kind, d[i].extensions, d[i].description);
  return EXIT_OK;
}

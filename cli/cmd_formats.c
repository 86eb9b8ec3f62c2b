/* cmd_formats.c - `pyforge formats`: the registered inputs and outputs and
 * where each comes from (built in, or the plugin that added it). */
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* s as a JSON string (quotes, backslashes and control characters escaped). */
static void json_str(const char *s) {
  putchar('"');
  for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
    if (*p == '"' || *p == '\\') printf("\\%c", *p);
    else if (*p < 0x20) printf("\\u%04x", *p);
    else putchar(*p);
  }
  putchar('"');
}

int cmd_formats(int argc, char **argv, const cli_globals *g) {
  (void)g;
  int json = 0;
  for (int i = 0; i < argc; i++) {
    if (!strcmp(argv[i], "--json")) json = 1;
    else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
      puts("Usage: pyforge formats [--json]\n\nList the input and output formats this build knows "
           "and where each comes\nfrom: built in, or the plugin that adds it (pyforge "
           "extensions lists the plugins).");
      return EXIT_OK;
    } else return cli_usage_error("formats", "unexpected argument '%s'", argv[i]);
  }
  const pf_format_desc *d;
  size_t n = pf_formats_list(&d);
  if (json) {
    printf("[");
    for (size_t i = 0; i < n; i++) {
      printf("%s{\"name\":", i ? "," : "");
      json_str(d[i].name);
      printf(",\"kind\":\"%s\",\"extensions\":", d[i].kind);
      json_str(d[i].extensions);
      printf(",\"origin\":");
      json_str(d[i].origin);
      printf(",\"plugin\":");
      if (d[i].plugin) json_str(d[i].plugin);
      else printf("null");
      printf("}");
    }
    printf("]\n");
    return EXIT_OK;
  }
  printf("%-8s %-7s %-42s %-16s %s\n", "FORMAT", "KIND", "EXTENSIONS", "SOURCE", "DESCRIPTION");
  for (size_t i = 0; i < n; i++) {
    char source[96];
    snprintf(source, sizeof source, "%s%s", d[i].plugin ? "plugin " : "built-in",
             d[i].plugin ? d[i].plugin : "");
    printf("%-8s %-7s %-42s %-16s %s\n", d[i].name, d[i].kind, d[i].extensions, source,
           d[i].description);
  }
  return EXIT_OK;
}

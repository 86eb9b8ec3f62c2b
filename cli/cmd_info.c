/* cmd_info.c - `pyforge info FILE`: what a file holds. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char help[] =
    "Usage: pyforge info FILE [--json]\n"
    "\n"
    "Show a file's format, size, encoding and dialect (text inputs), columns with\n"
    "their inferred types, and the exact row count. For a Parquet file: schema,\n"
    "row groups, compression and statistics.\n"
    "\n"
    "Command options:\n"
    "      --json                  print one JSON object (also: --format json)\n";

/* The original PyForge CLI's `info --format table|json`. */
static int info_option(cli_args *a, const char *opt, int *json) {
  if (strcmp(opt, "--format") != 0 && strcmp(opt, "-f") != 0) return 0;
  const char *v = cli_args_value(a, opt);
  if (!v) return -1;
  if (!strcmp(v, "json")) *json = 1;
  else if (strcmp(v, "table") != 0) {
    cli_usage_error("info", "--format takes table or json; got '%s'", v);
    return -1;
  }
  return 1;
}

int cmd_info(int argc, char **argv, const cli_globals *g) {
  const char *file = NULL;
  int json = 0;
  pf_options *o = pf_options_new();
  if (!o) return cli_usage_error("info", "out of memory");
  cli_args a;
  cli_args_init(&a, argc, argv, "info");
  int rc = cli_scan_file_command(&a, help, o, PF_USE_INFO, &file, &json, info_option);
  if (rc >= 0) goto done;
  rc = EXIT_OK;
  if (cli_prepare_run("info", o, g)) {
    rc = EXIT_USAGE;
    goto done;
  }
  pf_info info;
  pf_error err;
  if (pf_info_read(o, &info, &err) != PF_OK) {
    cli_print_error(&err);
    rc = err.status == PF_ECANCELED ? EXIT_CANCELED : EXIT_FAIL;
    goto done;
  }
  if (json) {
    char *js = pf_info_json(&info);
    if (js) printf("%s\n", js);
    pf_free(js);
  } else {
    char b1[32], b2[32];
    int kw = 15; /* key column: the longest key decides */
    for (size_t i = 0; i < info.n_props; i++)
      if ((int)strlen(info.props[i].key) > kw) kw = (int)strlen(info.props[i].key);
    printf("%-*s %s\n", kw, "File", info.path);
    printf("%-*s %s\n", kw, "Format", info.format);
    printf("%-*s %s (%s bytes)\n", kw, "Size", cli_fmt_bytes(b1, sizeof b1, info.size_bytes),
           cli_fmt_count(b2, sizeof b2, (long long)info.size_bytes));
    if (info.rows >= 0) printf("%-*s %s\n", kw, "Rows", cli_fmt_count(b1, sizeof b1, info.rows));
    for (size_t i = 0; i < info.n_props; i++) {
      if (!strcmp(info.props[i].key, "num_rows")) continue; /* shown as Rows */
      char key[64];
      snprintf(key, sizeof key, "%s", info.props[i].key);
      if (key[0] >= 'a' && key[0] <= 'z') key[0] = (char)(key[0] - 'a' + 'A');
      for (char *k = key; *k; k++) if (*k == '_') *k = ' ';
      char value[4096];
      cli_spell(info.props[i].value, value, sizeof value); /* "given (--row-tag item)" */
      printf("%-*s %s\n", kw, key, value);
    }
    if (info.schema) { /* a directory has none */
      printf("%-*s %zu\n", kw, "Columns", info.schema->n_fields);
      cli_print_schema(stdout, info.schema);
    }
    for (size_t i = 0; i < info.n_sections; i++) {
      const pf_info_section *s = &info.sections[i];
      printf("%s %s\n", s->kind, s->name);
      int w = 0;
      for (size_t j = 0; j < s->n_props; j++)
        if ((int)strlen(s->props[j].key) > w) w = (int)strlen(s->props[j].key);
      for (size_t j = 0; j < s->n_props; j++) printf("  %-*s  %s\n", w, s->props[j].key, s->props[j].value);
    }
  }
  pf_info_free(&info);
done:
  pf_options_free(o);
  return rc;
}

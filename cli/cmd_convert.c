/* cmd_convert.c - `pyforge convert INPUT [OUTPUT]`. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char help[] =
    "Usage: pyforge convert INPUT [OUTPUT] [options]\n"
    "\n"
    "Convert INPUT (a file, or - for standard input) to OUTPUT. Without OUTPUT the\n"
    "result goes beside the input: data.csv -> data.parquet. An existing OUTPUT is\n"
    "left untouched unless --force is given. Nothing partial is ever left behind.\n"
    "\n"
    "A workbook gives one output per group of sheets with the same header (or per\n"
    "sheet with --separate): one output is a file; several go into a directory\n"
    "(OUTPUT, default <stem>_parquet/) as <stem>_<sheet>.parquet.\n"
    "\n"
    "Command options:\n"
    "      --preview-schema        print each output's schema before writing it\n"
    "      --json                  print the result as one JSON object\n"
    "  -q, --quiet                 print nothing but errors\n"
    "  -v, --verbose               more diagnostics (-vv: debug)\n";

/* --preview-schema: the schema of each output before it is written. */
static void print_preview(void *user, const char *output, const pf_schema *schema) {
  FILE *f = user;
  fprintf(f, "Schema for %s (%zu column%s):\n", output, schema->n_fields,
          schema->n_fields == 1 ? "" : "s");
  cli_print_schema(f, schema);
  fflush(f);
}

/* Scans the arguments into o; -1 when the command should run, else the
 * exit code to return. */
static int scan(cli_args *a, pf_options *o, cli_globals *g, int *json, int *preview) {
  const char *input = NULL, *output = NULL, *opt, *pos;
  while (cli_args_next(a, &opt, &pos)) {
    if (pos) {
      if (!input) input = pos;
      else if (!output) output = pos;
      else return cli_usage_error("convert", "unexpected argument '%s'", pos);
      continue;
    }
    int r = cli_engine_option(a, opt, help, o, PF_USE_CONVERT, json);
    if (r == CLI_TAKEN) continue;
    if (r != CLI_NOT_MINE) return r;
    if (!strcmp(opt, "--preview-schema")) {
      *preview = 1;
    } else if (cli_verbosity_option(opt, g)) {
      continue;
    } else {
      return cli_usage_error("convert", "unknown option '%s'", opt);
    }
  }
  if (!input) return cli_usage_error("convert", "missing INPUT");
  if (cli_set("convert", o, "input.path", input)) return EXIT_USAGE;
  if (output && cli_set("convert", o, "output.path", output)) return EXIT_USAGE;
  return -1;
}

static void print_summary(const pf_convert_result *r, const pf_options *o) {
  char b1[32], b2[32], b3[32];
  const char *input, *compression;
  pf_options_get(o, "input.path", &input, NULL);
  pf_options_get(o, "output.compression", &compression, NULL);
  printf("Converted %s -> %s\n", input, r->output_path);
  if (r->n_outputs > 1 || (r->n_outputs == 1 && r->outputs[0].tables))
    for (size_t i = 0; i < r->n_outputs; i++)
      printf("  %s  %s rows  (%s)\n", r->outputs[i].path,
             cli_fmt_count(b1, sizeof b1, r->outputs[i].rows), r->outputs[i].tables);
  if (r->table_version >= 0) printf("  version   %lld\n", (long long)r->table_version);
  printf("  rows      %s", cli_fmt_count(b1, sizeof b1, r->rows));
  if (r->rows_rejected)
    printf("  (%s rejected: %s)", cli_fmt_count(b2, sizeof b2, r->rows_rejected), r->rejects_path);
  printf("\n  columns   %lld\n", (long long)r->columns);
  printf("  input     %s (%s)\n", cli_fmt_bytes(b1, sizeof b1, r->bytes_in), r->input_format);
  /* output.compression is the Parquet writer's (Delta data files too) */
  int compressed = strcmp(r->output_format, "parquet") == 0 || strcmp(r->output_format, "delta") == 0;
  printf("  output    %s (%s%s%s)\n", cli_fmt_bytes(b2, sizeof b2, r->bytes_out), r->output_format,
         compressed ? ", " : "", compressed ? compression : "");
  printf("  time      %.2f s  (%.1f MB/s, %s rows/s, %d thread%s)\n", r->seconds,
         r->seconds > 0 ? (double)r->bytes_in / 1e6 / r->seconds : 0.0,
         cli_fmt_count(b3, sizeof b3, r->seconds > 0 ? (long long)((double)r->rows / r->seconds) : 0),
         r->threads, r->threads == 1 ? "" : "s");
}

int cmd_convert(int argc, char **argv, const cli_globals *gin) {
  cli_globals g = *gin;
  int json = 0, preview = 0;
  pf_options *o = pf_options_new();
  if (!o) return cli_usage_error("convert", "out of memory");
  cli_args a;
  cli_args_init(&a, argc, argv, "convert");
  int rc = scan(&a, o, &g, &json, &preview);
  if (rc >= 0) goto done;
  rc = EXIT_OK;
  if (cli_prepare_run("convert", o, &g)) {
    rc = EXIT_USAGE;
    goto done;
  }
  cli_progress progress;
  cli_progress_init(&progress, !json && !g.quiet);
  pf_options_set_progress(o, cli_progress_cb, &progress);
  if (preview) pf_options_set_schema_callback(o, print_preview, json ? stderr : stdout);

  pf_convert_result r;
  pf_error err;
  pf_status st = pf_convert(o, &r, &err);
  cli_progress_end(&progress);
  if (st != PF_OK) {
    cli_print_error(&err);
    if (st == PF_ECANCELED) rc = EXIT_CANCELED;
    else rc = (st == PF_EINVAL) ? EXIT_USAGE : EXIT_FAIL;
    goto done;
  }
  if (json) {
    char *js = pf_convert_result_json(&r);
    if (js) printf("%s\n", js);
    pf_free(js);
  } else if (!g.quiet) {
    print_summary(&r, o);
  }
  if (!g.quiet)
    for (size_t i = 0; i < r.n_warnings; i++) {
      char w[4096];
      cli_spell(r.warnings[i], w, sizeof w);
      fprintf(stderr, "pyforge: warning: %s\n", w);
    }
  pf_convert_result_free(&r);
done:
  pf_options_free(o);
  return rc;
}

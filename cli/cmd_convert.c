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
    "Output options:\n"
    "  -f, --format NAME         output format: parquet (default) or delta (a Delta\n"
    "                            Lake table directory, default <stem>_delta)\n"
    "  -c, --compression NAME    snappy (default), zstd, gzip, lz4_raw, none\n"
    "      --compression-level N codec level (zstd 1-22, gzip 1-9)\n"
    "      --row-group-size N    rows per row group (default 1048576)\n"
    "      --page-size N         target data page size, e.g. 1M (default)\n"
    "      --no-dictionary       PLAIN encoding only\n"
    "      --force               replace an existing output\n"
    "      --rejects PATH        where skipped bad rows go (default OUTPUT.rejects.csv)\n"
    "      --preview-schema      print each output's schema before writing it\n"
    "      --json                print the result as one JSON object\n"
    "  -q, --quiet               print nothing but errors\n"
    "  -v, --verbose             more diagnostics (-vv: debug)\n"
    "\n"
    "Workbook outputs:\n"
    "      --combine             sheets with matching headers in one output with a\n"
    "                            sheet_name column, the others separately (default)\n"
    "      --separate            one output per sheet\n"
    "\n"
    "Delta Lake outputs (--format delta):\n"
    "      --mode MODE           error (default: refuse an existing table), append,\n"
    "                            overwrite (--force means overwrite)\n"
    "      --partition-by COLS   partition columns, comma-separated (repeatable)\n"
    "      --merge-schema        let append/overwrite add new nullable columns\n"
    "      --timestamp-ntz       naive timestamps as timestamp_ntz (not read as UTC)\n"
    "      --checkpoint-interval N  a checkpoint every N versions (default 10)\n"
    "\n";

/* --preview-schema: the schema of each output before it is written. */
static void print_preview(void *user, const char *output, const pf_schema *schema) {
  FILE *f = user;
  fprintf(f, "Schema for %s (%zu column%s):\n", output, schema->n_fields,
          schema->n_fields == 1 ? "" : "s");
  cli_print_schema(f, schema);
  fflush(f);
}

int cmd_convert(int argc, char **argv, const cli_globals *gin) {
  cli_globals g = *gin;
  pf_convert_options o;
  pf_convert_options_init(&o);
  const char *input = NULL, *output = NULL;
  int json = 0, preview = 0, rc = EXIT_OK;
  cli_args a;
  cli_args_init(&a, argc, argv, "convert");
  const char *opt, *pos, *v;
  while (cli_args_next(&a, &opt, &pos)) {
    if (pos) {
      if (!input) input = pos;
      else if (!output) output = pos;
      else { rc = cli_usage_error("convert", "unexpected argument '%s'", pos); goto done; }
      continue;
    }
    int r = cli_read_option(&a, opt, &o);
    if (r < 0) { rc = EXIT_USAGE; goto done; }
    if (r > 0) continue;
    if (!strcmp(opt, "-h") || !strcmp(opt, "--help")) {
      fputs(help, stdout);
      fputs(cli_read_options_help, stdout);
      goto done;
    } else if (!strcmp(opt, "-f") || !strcmp(opt, "--format")) {
      if (!(v = cli_args_value(&a, opt))) { rc = EXIT_USAGE; goto done; }
      o.output_format = v;
    } else if (!strcmp(opt, "-c") || !strcmp(opt, "--compression")) {
      if (!(v = cli_args_value(&a, opt))) { rc = EXIT_USAGE; goto done; }
      if (pf_compression_parse(v, &o.compression) != PF_OK) {
        rc = cli_usage_error("convert", "--compression takes snappy, zstd, gzip, lz4_raw or none; got '%s'", v);
        goto done;
      }
    } else if (!strcmp(opt, "--compression-level")) {
      if (!(v = cli_args_value(&a, opt))) { rc = EXIT_USAGE; goto done; }
      char *end;
      long lv = strtol(v, &end, 10);
      if (*end || lv < -7 || lv > 22) { rc = cli_usage_error("convert", "--compression-level takes a number from -7 to 22; got '%s'", v); goto done; }
      o.compression_level = (int)lv;
    } else if (!strcmp(opt, "--row-group-size")) {
      if (!(v = cli_args_value(&a, opt))) { rc = EXIT_USAGE; goto done; }
      if (cli_parse_size(v, &o.row_group_rows) || o.row_group_rows <= 0) { rc = cli_usage_error("convert", "--row-group-size takes a positive number of rows; got '%s'", v); goto done; }
    } else if (!strcmp(opt, "--page-size")) {
      if (!(v = cli_args_value(&a, opt))) { rc = EXIT_USAGE; goto done; }
      if (cli_parse_size(v, &o.page_bytes) || o.page_bytes <= 0) { rc = cli_usage_error("convert", "--page-size takes a size such as 1M; got '%s'", v); goto done; }
    } else if (!strcmp(opt, "--no-dictionary")) {
      o.dictionary = 0;
    } else if (!strcmp(opt, "--force")) {
      o.force = 1;
    } else if (!strcmp(opt, "--rejects")) {
      if (!(v = cli_args_value(&a, opt))) { rc = EXIT_USAGE; goto done; }
      o.rejects_path = v;
    } else if (!strcmp(opt, "--json")) {
      json = 1;
    } else if (!strcmp(opt, "--preview-schema")) {
      preview = 1;
    } else if (!strcmp(opt, "--combine")) {
      o.excel.sheet_mode = PF_SHEETS_COMBINE;
    } else if (!strcmp(opt, "--separate")) {
      o.excel.sheet_mode = PF_SHEETS_SEPARATE;
    } else if (!strcmp(opt, "--mode")) {
      if (!(v = cli_args_value(&a, opt))) { rc = EXIT_USAGE; goto done; }
      if (!strcmp(v, "error") || !strcmp(v, "errorifexists")) o.delta.mode = PF_TABLE_ERROR;
      else if (!strcmp(v, "append")) o.delta.mode = PF_TABLE_APPEND;
      else if (!strcmp(v, "overwrite")) o.delta.mode = PF_TABLE_OVERWRITE;
      else { rc = cli_usage_error("convert", "--mode takes error, append or overwrite; got '%s'", v); goto done; }
    } else if (!strcmp(opt, "--partition-by")) {
      if (!(v = cli_args_value(&a, opt))) { rc = EXIT_USAGE; goto done; }
      if (cli_add_partitions(&a, v) != 0) { rc = cli_usage_error("convert", "--partition-by takes column names separated by commas; got '%s'", v); goto done; }
      o.delta.partition_by = a.parts;
      o.delta.n_partition_by = a.n_parts;
    } else if (!strcmp(opt, "--merge-schema")) {
      o.delta.merge_schema = 1;
    } else if (!strcmp(opt, "--timestamp-ntz")) {
      o.delta.timestamp_ntz = 1;
    } else if (!strcmp(opt, "--checkpoint-interval")) {
      if (!(v = cli_args_value(&a, opt))) { rc = EXIT_USAGE; goto done; }
      int64_t n;
      if (cli_parse_size(v, &n) || n < 1 || n > 1000000) { rc = cli_usage_error("convert", "--checkpoint-interval takes a number of versions from 1 to 1000000; got '%s'", v); goto done; }
      o.delta.checkpoint_interval = (int)n;
    } else if (!strcmp(opt, "-q") || !strcmp(opt, "--quiet")) {
      g.quiet = 1;
    } else if (!strcmp(opt, "-v") || !strcmp(opt, "--verbose")) {
      g.verbose++;
    } else if (!strcmp(opt, "-vv")) {
      g.verbose += 2;
    } else {
      rc = cli_usage_error("convert", "unknown option '%s'", opt);
      goto done;
    }
  }
  if (!input) { rc = cli_usage_error("convert", "missing INPUT"); goto done; }
  o.input = input;
  o.output = output;
  cli_prepare_run(&o, &g);
  cli_progress progress;
  cli_progress_init(&progress, !json && !g.quiet);
  o.progress = cli_progress_cb;
  o.progress_user = &progress;
  if (preview) {
    o.on_schema = print_preview;
    o.on_schema_user = json ? stderr : stdout;
  }

  pf_convert_result r;
  pf_error err;
  pf_status st = pf_convert(&o, &r, &err);
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
    char b1[32], b2[32], b3[32];
    printf("Converted %s -> %s\n", input, r.output_path);
    if (r.n_outputs > 1 || (r.n_outputs == 1 && r.outputs[0].tables))
      for (size_t i = 0; i < r.n_outputs; i++)
        printf("  %s  %s rows  (%s)\n", r.outputs[i].path, cli_fmt_count(b1, sizeof b1, r.outputs[i].rows),
               r.outputs[i].tables);
    if (r.table_version >= 0) printf("  version   %lld\n", (long long)r.table_version);
    printf("  rows      %s", cli_fmt_count(b1, sizeof b1, r.rows));
    if (r.rows_rejected) printf("  (%s rejected: %s)", cli_fmt_count(b2, sizeof b2, r.rows_rejected), r.rejects_path);
    printf("\n  columns   %lld\n", (long long)r.columns);
    printf("  input     %s (%s)\n", cli_fmt_bytes(b1, sizeof b1, r.bytes_in), r.input_format);
    printf("  output    %s (%s, %s)\n", cli_fmt_bytes(b2, sizeof b2, r.bytes_out), r.output_format,
           pf_compression_name(o.compression));
    printf("  time      %.2f s  (%.1f MB/s, %s rows/s, %d thread%s)\n", r.seconds,
           r.seconds > 0 ? (double)r.bytes_in / 1e6 / r.seconds : 0.0,
           cli_fmt_count(b3, sizeof b3, r.seconds > 0 ? (long long)((double)r.rows / r.seconds) : 0),
           r.threads, r.threads == 1 ? "" : "s");
  }
  if (!g.quiet)
    for (size_t i = 0; i < r.n_warnings; i++) fprintf(stderr, "pyforge: warning: %s\n", r.warnings[i]);
  pf_convert_result_free(&r);
done:
  cli_args_free(&a);
  return rc;
}

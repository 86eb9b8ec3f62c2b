/* cmd_batch.c - `pyforge batch PATTERN... [--output-dir DIR] [--workers N]`
 * and `pyforge batch PATTERN... --format delta --table DIR`: many files
 * through the engine's batch (pf_batch_*): each file as it ends (rows,
 * time, output, or its error with the place), then the totals (and the
 * table's new version).
 * The engine runs the files in parallel, keeps one bad file from stopping
 * the others and leaves nothing half-written on Ctrl-C; this file only
 * scans the arguments and prints. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char help[] =
    "Usage: pyforge batch PATTERN... [options]\n"
    "\n"
    "Convert every file the patterns match, several at once. A PATTERN is a path\n"
    "or a glob (*, ?, [...] within a name, ** for any depth; quote it so the shell\n"
    "leaves it to PyForge); a file reached twice is converted once. Each output is\n"
    "named as 'pyforge convert' names it, beside its input or inside --output-dir.\n"
    "A file that fails never stops the others; the exit status is 1 if any failed.\n"
    "Ctrl-C stops the batch: finished outputs stay, nothing half-written remains.\n"
    "\n"
    "With --format delta --table DIR every file goes into ONE Delta table, committed\n"
    "as one new version after the last file: the files' schemas are reconciled by\n"
    "the widening rules (an existing table's columns keep their types), a file that\n"
    "fails adds nothing, and Ctrl-C commits nothing. --mode append adds to an\n"
    "existing table, --mode overwrite replaces its rows.\n"
    "\n"
    "Command options:\n"
    "  -o, --output-dir DIR        write the outputs into DIR (made if missing)\n"
    "      --table DIR             every file into the one Delta table DIR (with\n"
    "                              --format delta; not with --output-dir)\n"
    "  -w, --workers N             files converted at once (default:\n"
    "                              PYFORGE_PARALLEL_WORKERS, else the cores); each\n"
    "                              file gets cores/N engine threads unless --threads\n"
    "      --json                  print the result as one JSON object\n"
    "  -q, --quiet                 print nothing but errors\n"
    "  -v, --verbose               more diagnostics (-vv: debug)\n";

typedef struct batch_cli {
  pf_batch_job *job;
  const char *table;
  const char *output_dir;
  int json;
  int quiet;
  cli_progress progress;
} batch_cli;

/* Scans the arguments; -1 when the batch should run, else the exit code. */
static int scan(cli_args *a, pf_options *o, cli_globals *g, batch_cli *b) {
  const char *opt, *pos, *v;
  size_t n_patterns = 0;
  pf_error err;
  while (cli_args_next(a, &opt, &pos)) {
    if (pos) {
      if (pf_batch_add(b->job, pos, &err) != PF_OK) return cli_usage_error("batch", "%s", err.message);
      n_patterns++;
      continue;
    }
    int r = cli_engine_option(a, opt, help, o, PF_USE_CONVERT, &b->json);
    if (r == CLI_TAKEN) continue;
    if (r != CLI_NOT_MINE) return r;
    if (!strcmp(opt, "-o") || !strcmp(opt, "--output-dir")) {
      if (!(v = cli_args_value(a, opt))) return EXIT_USAGE;
      if (pf_batch_set_output_dir(b->job, v, &err) != PF_OK)
        return cli_usage_error("batch", "%s", err.message);
      b->output_dir = v;
    } else if (!strcmp(opt, "--table")) {
      if (!(v = cli_args_value(a, opt))) return EXIT_USAGE;
      if (!*v) return cli_usage_error("batch", "--table takes a directory (the Delta table)");
      if (pf_batch_set_table(b->job, v, &err) != PF_OK) return cli_usage_error("batch", "%s", err.message);
      b->table = v;
    } else if (!strcmp(opt, "-w") || !strcmp(opt, "--workers")) {
      if (!(v = cli_args_value(a, opt))) return EXIT_USAGE;
      char *end;
      long n = strtol(v, &end, 10);
      if (!*v || *end || n < 0 || n > 1024 || pf_batch_set_workers(b->job, (int)n, &err) != PF_OK)
        return cli_usage_error("batch", "--workers takes a number from 0 (automatic) to 1024; got '%s'", v);
    } else if (cli_verbosity_option(opt, g)) {
      continue;
    } else {
      return cli_usage_error("batch", "unknown option '%s'", opt);
    }
  }
  if (n_patterns == 0) return cli_usage_error("batch", "missing PATTERN (a file or a glob such as 'data/*.csv')");
  if (b->table) {
    const char *fmt = NULL;
    if (b->output_dir)
      return cli_usage_error("batch", "--table writes every file into one table and --output-dir one output "
                             "per file: give one of them");
    if (!pf_options_is_set(o, "output.format") || pf_options_get(o, "output.format", &fmt, NULL) != PF_OK ||
        !fmt || strcmp(fmt, "delta") != 0)
      return cli_usage_error("batch", "--table needs --format delta (every file goes into one Delta table)");
  }
  return -1;
}

/* pf_batch_file_fn: one line per file as it ends. */
static void on_file(void *user, size_t index, const pf_batch_item *it) {
  batch_cli *b = user;
  (void)index;
  if (b->json || b->quiet) return;
  cli_progress_end(&b->progress);
  char rows[32];
  if (it->status == PF_OK) {
    printf("ok       %s -> %s  %s rows  %.2f s", it->input, it->result.output_path,
           cli_fmt_count(rows, sizeof rows, it->result.rows), it->seconds);
    if (it->result.rows_rejected > 0 && it->result.rejects_path) /* where its bad rows went */
      printf("  (%s rejected -> %s)", cli_fmt_count(rows, sizeof rows, it->result.rows_rejected),
             it->result.rejects_path);
    putchar('\n');
  } else {
    /* the line names the input; the error names it again only when it is
     * about another file (one inside an archive, the rejects file) */
    pf_error e = it->error;
    if (!strcmp(e.file, it->input)) e.file[0] = 0;
    char msg[4096], spelled[4096];
    pf_error_format(&e, msg, sizeof msg);
    cli_spell(msg, spelled, sizeof spelled);
    printf("%-8s %s: %s\n", it->status == PF_ECANCELED ? "canceled" : "FAILED", it->input, spelled);
  }
  fflush(stdout);
}

static void print_totals(const pf_batch_result *r) {
  if (r->table && r->table_version >= 0)
    printf("table %s: version %lld (%zu file%s committed in one commit)\n", r->table,
           (long long)r->table_version, r->converted, r->converted == 1 ? "" : "s");
  else if (r->table)
    printf("table %s: nothing committed\n", r->table);
  char b1[32], b2[32], b3[32];
  printf("%zu file%s: %zu converted, %zu failed", r->n_items, r->n_items == 1 ? "" : "s",
         r->converted, r->failed);
  if (r->canceled) printf(", %zu canceled", r->canceled);
  printf("\n  rows      %s", cli_fmt_count(b1, sizeof b1, r->rows));
  if (r->rows_rejected) printf("  (%s rejected)", cli_fmt_count(b2, sizeof b2, r->rows_rejected));
  printf("\n  input     %s\n  output    %s\n", cli_fmt_bytes(b2, sizeof b2, r->bytes_in),
         cli_fmt_bytes(b3, sizeof b3, r->bytes_out));
  printf("  time      %.2f s  (%.1f MB/s, %d worker%s x %d thread%s)\n", r->seconds,
         r->seconds > 0 ? (double)r->bytes_in / 1e6 / r->seconds : 0.0, r->workers,
         r->workers == 1 ? "" : "s", r->threads_per_file, r->threads_per_file == 1 ? "" : "s");
}

static int run(pf_options *o, batch_cli *b, const cli_globals *g) {
  cli_progress_init(&b->progress, !b->json && !g->quiet);
  pf_options_set_progress(o, cli_progress_cb, &b->progress);
  pf_batch_set_file_callback(b->job, on_file, b);
  pf_batch_result r;
  pf_error err;
  pf_status st = pf_batch_run(b->job, o, &r, &err);
  cli_progress_end(&b->progress);
  if (st != PF_OK && st != PF_ECANCELED) {
    cli_print_error(&err);
    pf_batch_result_free(&r);
    return st == PF_EINVAL ? EXIT_USAGE : EXIT_FAIL;
  }
  if (b->json) {
    char *js = pf_batch_result_json(&r);
    if (js) printf("%s\n", js);
    pf_free(js);
  } else if (!g->quiet) {
    print_totals(&r);
  }
  if (st == PF_ECANCELED) cli_print_error(&err);
  int rc = st == PF_ECANCELED ? EXIT_CANCELED : r.failed ? EXIT_FAIL : EXIT_OK;
  pf_batch_result_free(&r);
  return rc;
}

int cmd_batch(int argc, char **argv, const cli_globals *gin) {
  cli_globals g = *gin;
  batch_cli b;
  memset(&b, 0, sizeof b);
  pf_options *o = pf_options_new();
  b.job = pf_batch_new();
  int rc = EXIT_USAGE;
  if (!o || !b.job) {
    cli_usage_error("batch", "out of memory");
    goto done;
  }
  cli_args a;
  cli_args_init(&a, argc, argv, "batch");
  rc = scan(&a, o, &g, &b);
  if (rc >= 0) goto done;
  b.quiet = g.quiet;
  if (cli_prepare_run("batch", o, &g)) {
    rc = EXIT_USAGE;
    goto done;
  }
  rc = run(o, &b, &g);
done:
  pf_batch_free(b.job);
  pf_options_free(o);
  return rc;
}

/* cmd_validate.c - `pyforge validate FILE`: can it be converted, and where
 * are its problems. Exit 0 when valid, 1 when not. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char help[] =
    "Usage: pyforge validate FILE [--json] [--max-problems N]\n"
    "\n"
    "Read FILE as a conversion would and report every problem with its place\n"
    "(line, row, column). Exit status: 0 valid, 1 invalid or unreadable, 2 usage.\n"
    "\n"
    "Command options:\n"
    "      --json                  print one JSON object\n";

int cmd_validate(int argc, char **argv, const cli_globals *g) {
  const char *file = NULL;
  int json = 0;
  pf_options *o = pf_options_new();
  if (!o) return cli_usage_error("validate", "out of memory");
  cli_args a;
  cli_args_init(&a, argc, argv, "validate");
  int rc = cli_scan_file_command(&a, help, o, PF_USE_VALIDATE, &file, &json, NULL);
  if (rc >= 0) goto done;
  rc = EXIT_OK;
  if (cli_prepare_run("validate", o, g)) {
    rc = EXIT_USAGE;
    goto done;
  }
  pf_validate_result r;
  pf_error err;
  if (pf_validate(o, &r, &err) != PF_OK) {
    cli_print_error(&err);
    rc = err.status == PF_ECANCELED ? EXIT_CANCELED : EXIT_FAIL;
    goto done;
  }
  if (json) {
    char *js = pf_validate_result_json(&r);
    if (js) printf("%s\n", js);
    pf_free(js);
  } else {
    char b1[32];
    if (r.valid) {
      printf("%s: valid %s file, %s rows, %zu columns\n", file, r.format,
             cli_fmt_count(b1, sizeof b1, r.rows), r.schema ? r.schema->n_fields : 0);
    } else {
      printf("%s: invalid: %lld problem%s\n", file, (long long)r.problems_total,
             r.problems_total == 1 ? "" : "s");
      for (size_t i = 0; i < r.n_problems; i++) {
        char buf[4096], spelled[4096];
        pf_error_format(&r.problems[i], buf, sizeof buf);
        cli_spell(buf, spelled, sizeof spelled);
        printf("  %s\n", spelled);
      }
      if ((int64_t)r.n_problems < r.problems_total)
        printf("  ... and %lld more (--max-problems to list more)\n",
               (long long)(r.problems_total - (int64_t)r.n_problems));
    }
    if (r.checked) printf("  checked: %s\n", r.checked);
  }
  rc = r.valid ? EXIT_OK : EXIT_FAIL;
  pf_validate_result_free(&r);
done:
  pf_options_free(o);
  return rc;
}

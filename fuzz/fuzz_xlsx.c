/* fuzz_xlsx.c - fuzz harness for the Excel workbook reader through the public API:
 * the input bytes become a file (a ZIP archive with the workbook's XML
 * parts, or anything else), which is validated, described and converted
 * to Parquet. Any crash, sanitizer report or leak is a bug; every
 * outcome must be a status code. The specialised sheet scanner
 * (src/readers/xlsx/xlsx_fast.c) must agree with the expat path on every
 * input: the bytes as raw <row> elements (seeds rows_*.xml) and, when they
 * are a workbook, every sheet whole and row by row; a difference aborts. Built with libFuzzer under clang
 * (-DPF_FUZZ_LIBFUZZER=ON) or as a corpus replayer with replay_main.c. */
#include "fuzz_common.h" /* first: it sets _GNU_SOURCE for memfd_create */

#include <stdlib.h>

#include "readers/xlsx/xlsx_fast.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void same_or_abort(pf_status st, const pf_error *e) {
  if (st != PF_EINTERNAL) return;
  fprintf(stderr, "fuzz_xlsx: %s\n", e->message);
  abort();
}

static void tune(pf_options *o, const uint8_t *data, size_t size, int converting) {
  pf_options_set(o, "input.max_columns", "20000", NULL);
  /* both paths, decided by the input */
  pf_options_set(o, "excel.fill_merged", size & 1 ? "true" : "false", NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  pf_error e;
  pf_error_init(&e);
  same_or_abort(pf__xlsx_fast_diff_rows((const char *)data, size, NULL, &e), &e);
  if (size >= 4 && data[0] == 'P' && data[1] == 'K') {
    char path[64];
    int fd = pf_fuzz_input_file(data, size, path, sizeof path);
    if (fd >= 0) {
      size_t sure, unsure;
      pf_error_init(&e);
      same_or_abort(pf__xlsx_fast_diff_book(path, &sure, &unsure, &e), &e);
      close(fd);
    }
  }
  return pf_fuzz_run(data, size, "xlsx", tune);
}

/* fuzz_xlsx.c - fuzz harness for the Excel workbook reader through the public API:
 * the input bytes become a file (a ZIP archive with the workbook's XML
 * parts, or anything else), which is validated, described and converted
 * to Parquet. Any crash, sanitizer report or leak is a bug; every
 * outcome must be a status code. The specialised sheet scanner
 * (src/readers/xlsx/xlsx_fast.c) must agree with the expat path on every
 * input: the bytes as raw <row> elements (seeds rows_*.xml) and, when they
 * are a workbook, every sheet whole and row by row; a difference aborts. Built with libFuzzer under clang
 * (-DPF_FUZZ_LIBFUZZER=ON) or as a corpus replayer with replay_main.c. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "pyforge/pyforge.h"
#include "readers/xlsx/xlsx_fast.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void same_or_abort(pf_status st, const pf_error *e) {
  if (st != PF_EINTERNAL) return;
  fprintf(stderr, "fuzz_xlsx: %s\n", e->message);
  abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char in_path[64], out_path[64];
  pf_error e;
  pf_error_init(&e);
  same_or_abort(pf__xlsx_fast_diff_rows((const char *)data, size, NULL, &e), &e);
  int in = memfd_create("pf-fuzz-in.xlsx", 0);
  if (in < 0) return 0;
  if (size && write(in, data, size) != (ssize_t)size) {
    close(in);
    return 0;
  }
  snprintf(in_path, sizeof in_path, "/proc/self/fd/%d", in);
  size_t sure, unsure;
  pf_error_init(&e);
  if (size >= 4 && data[0] == 'P' && data[1] == 'K')
    same_or_abort(pf__xlsx_fast_diff_book(in_path, &sure, &unsure, &e), &e);
  snprintf(out_path, sizeof out_path, "/tmp/pf-fuzz-%d.parquet", (int)getpid());

  pf_convert_options o;
  pf_convert_options_init(&o);
  o.input = in_path;
  o.input_format = "xlsx";
  o.max_columns = 20000;
  o.excel.fill_merged = size & 1; /* both paths, decided by the input */
  o.threads = 2;
  o.max_field_bytes = 1 << 20;

  pf_validate_result vr;
  if (pf_validate(&o, &vr, NULL) == PF_OK) pf_validate_result_free(&vr);
  pf_info info;
  if (pf_info_read(&o, &info, NULL) == PF_OK) pf_info_free(&info);
  o.output = out_path;
  o.force = 1;
  pf_convert_result r;
  if (pf_convert(&o, &r, NULL) == PF_OK) pf_convert_result_free(&r);
  unlink(out_path);
  close(in);
  return 0;
}

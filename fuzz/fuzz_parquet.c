/* fuzz_parquet.c - fuzz harness for the Parquet footer reader (what
 * `pyforge info` and `validate` read) through the public API. Every outcome
 * must be a status code: no crash, no sanitizer report, no leak. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "pyforge/pyforge.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char in_path[64];
  int in = memfd_create("pf-fuzz-in.parquet", 0);
  if (in < 0) return 0;
  if (size && write(in, data, size) != (ssize_t)size) {
    close(in);
    return 0;
  }
  snprintf(in_path, sizeof in_path, "/proc/self/fd/%d", in);
  pf_options *o = pf_options_new();
  if (!o) {
    close(in);
    return 0;
  }
  pf_options_set(o, "input.path", in_path, NULL);
  pf_options_set(o, "input.format", "parquet", NULL);
  pf_options_set(o, "engine.threads", "1", NULL);
  pf_info info;
  if (pf_info_read(o, &info, NULL) == PF_OK) {
    char *js = pf_info_json(&info);
    pf_free(js);
    pf_info_free(&info);
  }
  pf_validate_result vr;
  if (pf_validate(o, &vr, NULL) == PF_OK) pf_validate_result_free(&vr);
  pf_options_free(o);
  close(in);
  return 0;
}

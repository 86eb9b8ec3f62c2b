/* fuzz_csv.c - fuzz harness for the CSV reader through the public API:
 * the input bytes become a file, which is validated, described and
 * converted to Parquet (bad rows kept, so conversion reaches the writer).
 * Any crash, sanitizer report or leak is a bug; every outcome must be a
 * status code. Built with libFuzzer under clang (-DPF_FUZZ_LIBFUZZER=ON)
 * or as a corpus replayer with replay_main.c. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void tune(pf_options *o, const uint8_t *data, size_t size, int converting) {
  if (converting) pf_options_set(o, "csv.on_bad_rows", "keep", NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  return pf_fuzz_run(data, size, "csv", tune);
}

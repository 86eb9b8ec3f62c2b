/* fuzz_xml.c - fuzz harness for the XML reader through the public API:
 * the input bytes become a file, which is validated, described and
 * converted to Parquet; the input's length picks the array and namespace
 * modes so every mode is exercised. Any crash, sanitizer report or leak is
 * a bug; every outcome must be a status code. Built with libFuzzer under
 * clang (-DPF_FUZZ_LIBFUZZER=ON) or as a corpus replayer with
 * replay_main.c. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void tune(pf_options *o, const uint8_t *data, size_t size, int converting) {
  static const char *const arrays[] = {"join", "explode", "join", "json"};
  static const char *const namespaces[] = {"prefix", "strip", "prefix", "preserve"};
  pf_options_set(o, "input.max_columns", "512", NULL);
  pf_options_set(o, "xml.arrays", arrays[size % 4], NULL);
  pf_options_set(o, "xml.namespaces", namespaces[(size / 4) % 4], NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  return pf_fuzz_run(data, size, "xml", tune);
}

/* fuzz_jsonl.c - fuzz harness for the template plugin (JSON Lines) through
 * its entry point: the built plugin is loaded by the plugin manager
 * (dlopen, pyforge_plugin_init, the host table), then the bytes are
 * validated, described, converted and streamed as input.format=jsonl like
 * every reader harness (fuzz_common.h). The input's length picks the
 * nested mode and a sample of 1..4 rows, so widening after the sample, new
 * keys and restarts are exercised, not only the first pass. Any crash,
 * sanitizer report or leak is a bug; every outcome must be a status code.
 * Built with libFuzzer under clang (-DPF_FUZZ_LIBFUZZER=ON; the plugin is
 * instrumented too) or as a corpus replayer with replay_main.c. */
#include "fuzz_common.h" /* first: it asks for _GNU_SOURCE */

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void tune(pf_options *o, const uint8_t *data, size_t size, int converting) {
  static const char *const nested[] = {"flatten", "json"};
  static const char *const sample[] = {"1", "2", "3", "4"};
  pf_options_set(o, "input.max_columns", "256", NULL);
  pf_options_set(o, "jsonl.nested", nested[size % 2], NULL);
  pf_options_set(o, "jsonl.sample_rows", sample[(size / 2) % 4], NULL);
  if (size % 3 == 0) pf_options_set(o, "input.on_bad_rows", "skip", NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static int loaded;
  if (!loaded) { /* once per process: the plugin stays loaded between inputs */
    setenv("PYFORGE_PLUGIN_PATH", "", 1);
    if (pf_plugins_add_path(PF_JSONL_PLUGIN, NULL) != PF_OK || !pf_option_find("jsonl.nested"))
      abort(); /* a harness that cannot load the plugin would test nothing */
    loaded = 1;
  }
  return pf_fuzz_run(data, size, "jsonl", tune);
}

/* fuzz_delta_log.c - fuzz harness for the Delta log replay
 * (src/writers/delta/delta_log.c) and the strict JSON parser under it
 * (src/core/json_parse.c): the input bytes are one commit file's text
 * (newline-delimited actions), applied twice to a fresh table state, as a
 * reader of a foreign table's _delta_log would. Any crash, sanitizer report
 * or leak is a bug; every other outcome must be a status code. Built with
 * libFuzzer under clang (-DPF_FUZZ_LIBFUZZER=ON) or as a corpus replayer
 * with replay_main.c. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Fuzz targets see only include/; delta_state.h needs nothing else. */
#include "../src/writers/delta/delta_state.h"

/* From src/writers/delta/delta_internal.h (which needs core/ headers). */
pf_status pf__delta_log_apply(pf__delta_state *st, const char *text, size_t n, const char *what,
                              int *changed, pf_error *err);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  pf__delta_state st;
  pf__delta_state_init(&st);
  pf_error err;
  pf_error_init(&err);
  int changed = 0;
  if (pf__delta_log_apply(&st, (const char *)data, size, "fuzz", &changed, &err) == PF_OK) {
    /* applying the same commit again must work too (replacements) */
    if (pf__delta_log_apply(&st, (const char *)data, size, "fuzz", &changed, &err) != PF_OK) abort();
    for (size_t i = 0; i < st.n_adds; i++)
      if (!st.adds[i].path) abort();
  }
  pf__delta_state_free(&st);
  return 0;
}

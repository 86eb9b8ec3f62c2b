/* fuzz_delta_checkpoint.c - fuzz harness for the Delta checkpoint reader
 * (src/writers/delta/delta_checkpoint_read.c): the input bytes become a
 * file that pf__delta_checkpoint_read parses. When it parses, the state is
 * written back as PyForge's own checkpoint and read again, and the two
 * states must render to the same JSON (abort otherwise). Any crash,
 * sanitizer report or leak is a bug; every other outcome must be a status
 * code. Built with libFuzzer under clang (-DPF_FUZZ_LIBFUZZER=ON) or as a
 * corpus replayer with replay_main.c. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>


#include "writers/delta/delta_state.h"

/* From src/writers/delta/delta_ckpt_json.h (which needs core/buf.h). */
char *pf__delta_state_json_text(const pf__delta_state *st);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *render(const pf__delta_state *st) { return pf__delta_state_json_text(st); }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char dir[64] = "/tmp/pf-fuzz-ckpt-XXXXXX";
  if (!mkdtemp(dir)) return 0;
  char in[128], log[128], out[256], last[256];
  snprintf(in, sizeof in, "%s/input.parquet", dir);
  snprintf(log, sizeof log, "%s/_delta_log", dir);
  snprintf(out, sizeof out, "%s/00000000000000000001.checkpoint.parquet", log);
  snprintf(last, sizeof last, "%s/_last_checkpoint", log);
  FILE *f = fopen(in, "wb");
  if (f) {
    if (size) fwrite(data, 1, size, f);
    fclose(f);
    pf_error err;
    pf_error_init(&err);
    pf__delta_state st;
    pf__delta_state_init(&st);
    if (pf__delta_checkpoint_read(in, &st, &err) == PF_OK) {
      st.version = 1;
      if (!st.metadata.format_provider) st.metadata.format_provider = strdup("parquet");
      mkdir(log, 0700);
      uint64_t n = 0;
      if (pf__delta_checkpoint_write(dir, &st, NULL, &n, &err) == PF_OK) {
        pf__delta_state again;
        pf__delta_state_init(&again);
        again.version = 1;
        if (pf__delta_checkpoint_read(out, &again, &err) != PF_OK) abort();
        char *a = render(&st), *b = render(&again);
        if (a && b && strcmp(a, b) != 0) abort();
        free(a);
        free(b);
        pf__delta_state_free(&again);
      }
      unlink(out);
      unlink(last);
      rmdir(log);
    }
    pf__delta_state_free(&st);
    unlink(in);
  }
  rmdir(dir);
  return 0;
}

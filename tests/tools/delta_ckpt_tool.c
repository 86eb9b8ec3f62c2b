/* delta_ckpt_tool.c - test tool for Delta checkpoints (the interop tests
 * run it):
 *   delta_ckpt_tool dump <checkpoint.parquet>
 *       reads the checkpoint and prints the state as JSON (stable order,
 *       see src/writers/delta/delta_ckpt_json.h) on one line;
 *   delta_ckpt_tool rewrite <checkpoint.parquet> <table_dir> <version>
 *       reads the checkpoint and writes PyForge's own checkpoint for that
 *       version into <table_dir>/_delta_log (+ _last_checkpoint), then
 *       prints the bytes written.
 * Exit status 0 on success, 1 on an error (printed on stderr), 2 on usage. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "writers/delta/delta_ckpt_json.h"
#include "writers/delta/delta_state.h"

static int report(const pf_error *err) {
  char msg[2048];
  pf_error_format(err, msg, sizeof msg);
  fprintf(stderr, "delta_ckpt_tool: %s (%s)\n", msg, pf_status_name(err->status));
  return 1;
}

int main(int argc, char **argv) {
  if (argc < 3 || (strcmp(argv[1], "dump") != 0 && strcmp(argv[1], "rewrite") != 0) ||
      (strcmp(argv[1], "rewrite") == 0 && argc != 5) ||
      (strcmp(argv[1], "dump") == 0 && argc != 3)) {
    fprintf(stderr,
            "usage: delta_ckpt_tool dump <checkpoint.parquet>\n"
            "       delta_ckpt_tool rewrite <checkpoint.parquet> <table_dir> <version>\n");
    return 2;
  }
  pf_error err;
  pf_error_init(&err);
  pf__delta_state st;
  pf__delta_state_init(&st);
  if (pf__delta_checkpoint_read(argv[2], &st, &err) != PF_OK) return report(&err);
  int rc = 0;
  if (strcmp(argv[1], "dump") == 0) {
    pf__buf b;
    pf__buf_init(&b, 0);
    if (pf__delta_state_json(&st, &b) != PF_OK) {
      fprintf(stderr, "delta_ckpt_tool: out of memory\n");
      rc = 1;
    } else {
      fwrite(b.data, 1, b.len, stdout);
      putchar('\n');
    }
    pf__buf_free(&b);
  } else {
    char *end = NULL;
    long long v = strtoll(argv[4], &end, 10);
    if (!*argv[4] || *end || v < 0) {
      fprintf(stderr, "delta_ckpt_tool: bad version '%s'\n", argv[4]);
      rc = 2;
    } else {
      st.version = v;
      uint64_t size = 0;
      if (pf__delta_checkpoint_write(argv[3], &st, NULL, &size, &err) != PF_OK)
        rc = report(&err);
      else
        printf("%" PRIu64 "\n", size);
    }
  }
  pf__delta_state_free(&st);
  return rc;
}

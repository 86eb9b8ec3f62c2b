/* fuzz_dbf.c - fuzz harness for the dBase reader through the public API.
 * The input is a table and its memo file: the first two bytes (little
 * endian) give the table's length, the table's bytes follow, the rest is
 * the memo file, written beside the table as t.dbt or t.fpt (the input's
 * length decides which). Both are validated, described and converted to
 * Parquet with the reader's options switched by the input's length. Any
 * crash, sanitizer report or leak is a bug; every outcome must be a status
 * code. Built with libFuzzer under clang (-DPF_FUZZ_LIBFUZZER=ON) or as a
 * corpus replayer with replay_main.c. */
#include "fuzz_common.h" /* first: it sets _GNU_SOURCE for memfd_create */

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char rejects[96]; /* where skipped records go, removed after each run */

static const char *bit(size_t v) { return v & 1 ? "true" : "false"; }

static void tune(pf_options *o, const uint8_t *data, size_t size, int converting) {
  pf_options_set(o, "input.max_columns", "2048", NULL);
  pf_options_set(o, "dbf.keep_deleted", bit(size), NULL);
  pf_options_set(o, "dbf.allow_truncated", bit(size >> 1), NULL);
  pf_options_set(o, "dbf.ignore_missing_memo", bit(size >> 2), NULL);
  pf_options_set(o, "input.all_strings", (size % 7) == 0 ? "true" : "false", NULL);
  if ((size >> 3) & 1) pf_options_set(o, "input.on_bad_rows", "skip", NULL);
  pf_options_set(o, "output.rejects", rejects, NULL);
}

static int write_file(const char *path, const uint8_t *p, size_t n) {
  FILE *f = fopen(path, "wb");
  if (!f) return -1;
  size_t w = n ? fwrite(p, 1, n, f) : 0;
  fclose(f);
  return w == n ? 0 : -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  size_t table = size;
  const uint8_t *t = data;
  if (size >= 2) {
    table = (size_t)data[0] | (size_t)data[1] << 8;
    if (table > size - 2) table = size - 2;
    t = data + 2;
  }
  char dir[64], tpath[96], mpath[96];
  snprintf(dir, sizeof dir, "/tmp/pf-fuzz-dbf-XXXXXX");
  if (!mkdtemp(dir)) return 0;
  snprintf(tpath, sizeof tpath, "%s/t.dbf", dir);
  snprintf(rejects, sizeof rejects, "%s/rejects.csv", dir);
  snprintf(mpath, sizeof mpath, "%s/t.%s", dir, (size >> 4) & 1 ? "fpt" : "dbt");
  size_t memo = size >= 2 ? size - 2 - table : 0;
  if (write_file(tpath, t, table) == 0 && (memo == 0 || write_file(mpath, t + table, memo) == 0))
    pf_fuzz_run_path(tpath, data, size, "dbf", tune);
  unlink(tpath);
  unlink(mpath);
  unlink(rejects);
  rmdir(dir);
  return 0;
}

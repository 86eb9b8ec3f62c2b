/* fuzz_access.c - fuzz harness for the MS Access plugin (plugins/mdb)
 * through the public API: the plugin is loaded from the build
 * (PF_ACCESS_PLUGIN, set by CMake when the plugin is built) and the input
 * is a database file, validated, described, converted (one Parquet file
 * per table into a directory, removed afterwards), streamed from the file
 * and from memory. The reader decodes values itself from what libmdb
 * cracks, so malformed rows, long-value chains, dates, decimals and text
 * all pass through plugin code here; libmdb's own page walking is covered
 * only as far as its answers. Any crash, sanitizer report or leak is a
 * bug; every outcome must be a status code. Built with libFuzzer under
 * clang (-DPF_FUZZ_LIBFUZZER=ON) or as a corpus replayer. */
#include "fuzz_common.h" /* first: it sets _GNU_SOURCE for memfd_create */

#include <ftw.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char out_dir[96];

static void tune(pf_options *o, const uint8_t *data, size_t size, int converting) {
  (void)data;
  if (converting) pf_options_set(o, "output.path", out_dir, NULL);
  if (size & 1) pf_options_set(o, "access.tables", "T", NULL);
  if (size & 2) pf_options_set(o, "input.password", "pw", NULL);
}

static int rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw) {
  (void)sb, (void)flag, (void)ftw;
  return remove(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static int loaded;
  if (!loaded) {
    loaded = 1;
#ifdef PF_ACCESS_PLUGIN
    pf_plugins_add_path(PF_ACCESS_PLUGIN, NULL);
#endif
  }
  snprintf(out_dir, sizeof out_dir, "/tmp/pf-fuzz-access-%d", (int)getpid());
  pf_fuzz_run(data, size, "access", tune);
  nftw(out_dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
  return 0;
}

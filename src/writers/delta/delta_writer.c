/* delta_writer.c - placeholder while the writer is being written. */
#include <stdio.h>
#include <sys/stat.h>

#include "writers/delta/delta_writer.h"

static pf_status delta_open(const pf__writer_env *env, void **state, pf_error *err) {
  *state = NULL;
  return pf__error_set(err, PF_EUNSUPPORTED, "the delta writer is not built yet");
}
static pf_status delta_write(void *state, const pf_batch *b, pf_error *err) { return PF_EINTERNAL; }
static pf_status delta_close(void *state, pf_error *err) { return PF_EINTERNAL; }
static void delta_abort(void *state) {}
static pf_status delta_commit(void *state, int64_t *version, pf_error *err) { return PF_EINTERNAL; }

int pf__delta_is_table(const char *dir) {
  char p[4096];
  struct stat sb;
  snprintf(p, sizeof p, "%s/_delta_log", dir);
  return stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

pf_status pf__delta_table_info(const char *dir, const pf_convert_options *opts,
                               pf_info *info, pf_error *err) {
  return pf__error_set(err, PF_EUNSUPPORTED, "Delta table info is not built yet");
}

const pf__writer_ops pf__delta_writer_ops = {
    .name = "delta",
    .description = "Delta Lake tables",
    .extensions = "",
    .open = delta_open,
    .write = delta_write,
    .close = delta_close,
    .abort = delta_abort,
    .commit = delta_commit,
};

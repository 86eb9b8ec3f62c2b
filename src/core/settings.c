/* settings.c - the one place the library reads the environment for its
 * tuning and test knobs (see settings.h). */
#include "core/settings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A positive decimal number, else 0. */
static unsigned long long positive(const char *name, unsigned long long max) {
  const char *v = getenv(name);
  if (!v || !*v) return 0;
  char *end;
  unsigned long long n = strtoull(v, &end, 10);
  return *end == '\0' && n > 0 && n <= max ? n : 0;
}

static int equals(const char *name, const char *value) {
  const char *v = getenv(name);
  return v && strcmp(v, value) == 0;
}

void pf__settings_from_env(pf__settings *s) {
  memset(s, 0, sizeof *s);
  const char *t = getenv("TMPDIR");
  if (t && *t && strlen(t) < sizeof s->tmpdir) snprintf(s->tmpdir, sizeof s->tmpdir, "%s", t);
  if (equals("PYFORGE_OUTPUT_STRATEGY", "copy")) s->output_strategy = PF__OUTPUT_COPY;
  if (equals("PYFORGE_OUTPUT_STRATEGY", "rename")) s->output_strategy = PF__OUTPUT_RENAME;
  s->fsync = equals("PYFORGE_FSYNC", "1") ? 1 : equals("PYFORGE_FSYNC", "0") ? -1 : 0;
  s->csv_chunk_size = (size_t)positive("PYFORGE_CSV_CHUNK_SIZE", 1ull << 30);
  s->xlsx_serial = equals("PYFORGE_XLSX_PARALLEL", "0");
  s->xlsx_scanner = equals("PYFORGE_XLSX_SCANNER", "expat") ? 1
                  : equals("PYFORGE_XLSX_SCANNER", "check") ? 2 : 0;
  s->delta_target_file_bytes = positive("PYFORGE_DELTA_TARGET_FILE_BYTES", UINT64_MAX);
  s->delta_max_open_files = (size_t)positive("PYFORGE_DELTA_MAX_OPEN_FILES", 1u << 20);
  s->delta_commit_excl = equals("PYFORGE_DELTA_COMMIT_STRATEGY", "excl");
  s->delta_test_pause_ms = (long)positive("PYFORGE_DELTA_TEST_PAUSE", 3600000);
  s->parallel_workers = (int)positive("PYFORGE_PARALLEL_WORKERS", 1024);
}

const char *pf__settings_tmpdir(const pf__settings *s) {
  return s && s->tmpdir[0] ? s->tmpdir : "/tmp";
}

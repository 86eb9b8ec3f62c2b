/* settings.h - the library's tuning and test knobs in one struct.
 *
 * The environment is read in one place (pf__settings_from_env), once per
 * call, when the call's options are resolved; the values travel in
 * pf__opts.settings to whoever needs them. A zeroed struct means every
 * default, so code and tests that build options by hand get defaults, and a
 * test sets a knob on its own options instead of in the process
 * environment, where it would leak into the next test. The variables are
 * listed in docs/internals.md.
 */
#ifndef PF_CORE_SETTINGS_H
#define PF_CORE_SETTINGS_H

#include <stddef.h>
#include <stdint.h>

typedef enum pf__output_strategy {
  PF__OUTPUT_AUTO = 0,     /* copy for /Volumes/..., rename elsewhere      */
  PF__OUTPUT_RENAME,       /* PYFORGE_OUTPUT_STRATEGY=rename               */
  PF__OUTPUT_COPY          /* PYFORGE_OUTPUT_STRATEGY=copy                 */
} pf__output_strategy;

typedef struct pf__settings {
  char tmpdir[512];        /* TMPDIR: spooled stdin, copy-strategy temps;
                              "" means /tmp                                */
  pf__output_strategy output_strategy;
  int fsync;               /* PYFORGE_FSYNC: 1 every output is flushed to
                              the disk before it is published, -1 none is,
                              0 (unset) as the output asks (io/output.h)  */
  size_t csv_chunk_size;   /* PYFORGE_CSV_CHUNK_SIZE: CSV block and part
                              bytes (tests put boundaries everywhere); 0:
                              the reader's default                         */
  int xlsx_serial;         /* PYFORGE_XLSX_PARALLEL=0: one thread per sheet */
  int xlsx_scanner;        /* PYFORGE_XLSX_SCANNER: 0 fast, 1 expat, 2 check
                              (PF__XLSX_SCAN_*)                            */
  uint64_t delta_target_file_bytes; /* PYFORGE_DELTA_TARGET_FILE_BYTES     */
  size_t delta_max_open_files;      /* PYFORGE_DELTA_MAX_OPEN_FILES        */
  int delta_commit_excl;   /* PYFORGE_DELTA_COMMIT_STRATEGY=excl           */
  long delta_test_pause_ms;/* PYFORGE_DELTA_TEST_PAUSE: wait before commit */
  int parallel_workers;    /* PYFORGE_PARALLEL_WORKERS: files a batch
                              converts at once; 0: the cores               */
} pf__settings;

/* Fills s from the environment (unset or malformed: the default). */
void pf__settings_from_env(pf__settings *s);
/* TMPDIR or "/tmp"; s may be NULL. */
const char *pf__settings_tmpdir(const struct pf__settings *s);

#endif

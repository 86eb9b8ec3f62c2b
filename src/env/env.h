/* env.h - the Databricks environment and Unity Catalog Volume paths, inside
 * the library.
 *
 * Detection (env_detect.c) is a pure function of a probe: the environment
 * variables, the roots where /databricks and /Volumes are looked for, and
 * what uname/libc say. Tests give it fake probes; pf_env_detect (env_cache.c)
 * gives it the real process and caches the answer.
 *
 * Volume paths (volume_path.c) are recognised, checked and mapped to where
 * this process reaches them; the engine maps every input and output path
 * through pf__volume_localize_opts() before it opens anything, and the
 * messages for missing Volumes, missing privileges and old runtimes come
 * from here (pf__volume_io_error).
 */
#ifndef PF_ENV_ENV_H
#define PF_ENV_ENV_H

#include "core/error.h"
#include "core/opts.h"

/* ---- test and tuning knobs (env_settings.c): the one place they are read.
 *   PYFORGE_DATABRICKS_ROOT  where /databricks is looked for (tests)
 *   PYFORGE_VOLUMES_ROOT     where /Volumes is mounted (tests)
 * Each returns the default when the variable is unset or empty; the
 * strings live as long as the process environment is unchanged. */
const char *pf__env_databricks_root(void);
const char *pf__env_volumes_root(void);

/* ---- detection (env_detect.c) ---- */
typedef struct pf__env_probe {
  char *const *envp;          /* "NAME=value" strings, NULL-terminated     */
  const char *databricks_root;
  const char *volumes_root;
  const char *os_name;        /* uname sysname, release, machine           */
  const char *os_release;
  const char *arch;
  const char *os_release_file; /* path of os-release (NULL: not read)      */
  const char *libc;           /* "glibc 2.35" or NULL                      */
  const char *python_version; /* NULL when not inside Python               */
} pf__env_probe;

/* Applies the rules (docs/databricks.md) to a probe. *out is allocated;
 * free with pf_env_free. */
pf_status pf__env_detect_probe(const pf__env_probe *probe, pf_env **out, pf_error *err);
/* A deep copy (NULL when out of memory). */
pf_env *pf__env_copy(const pf_env *e);
/* What the Volume rules need from the cached environment (detected on
 * first use, see pf_env_detect). */
pf_status pf__env_cached_runtime(int *is_databricks, pf_compute_type *type, pf_runtime_version *rt);

/* ---- Volume paths (volume_path.c) ---- */
/* 1 when path (absolute or relative) lies under the Volumes root or a
 * /Volumes/ or /dbfs/Volumes/ mount. */
int pf__volume_is_local(const char *path);
/* Maps a path a user gave to where this process reaches it: dbfs:/Volumes
 * and /Volumes paths to <volumes root>/c/s/v/..., ordinary paths unchanged
 * (*local = NULL then). Refuses a malformed Volume path and other dbfs:/
 * paths (PF_EINVAL, PF_EUNSUPPORTED). */
pf_status pf__volume_localize(const char *path, char **local, pf_error *err);
/* An output a call names itself (a batch's table directory): mapped as
 * pf__volume_localize maps it, then checked as pf__volume_localize_opts
 * checks an output (a Volume target needs its parent directory and, on
 * classic compute, DBR 13.3 or newer). *local: always a new string (path
 * copied when it is not a Volume path); free it. */
pf_status pf__volume_localize_target(const char *path, char **local, pf_error *err);
/* The options of one engine call with their Volume paths mapped. */
typedef struct pf__local_paths {
  pf__opts opts;           /* the caller's, with input/output/rejects replaced */
  char input[4096];        /* storage for a mapped input                    */
  char output[4096];       /* storage for a mapped output                   */
  char rejects[4096];      /* storage for a mapped output.rejects           */
} pf__local_paths;
/* Fills lp->opts with in's options, input, output and rejects file
 * localized and checked: a Volume input must be there and readable, a
 * Volume output (and rejects file) needs its directory and, on classic
 * compute, DBR 13.3 or newer. Nothing to free: how convert, info and
 * validate start. */
pf_status pf__volume_localize_opts(const pf__opts *in, pf__local_paths *lp, pf_error *err);
/* Explains an errno met on path: for a Volume path, which of "Volumes are
 * not available here", "the volume does not exist", "READ VOLUME / WRITE
 * VOLUME is missing" applies; returns PF_OK (err untouched) when path is
 * not on a Volume, so the caller reports it the usual way. */
pf_status pf__volume_io_error(const char *path, int e, int writing, pf_error *err);
/* For a local path on a Volume: its "catalog.schema.volume" name and its
 * dbfs:/Volumes/... URI (both NULL when not on a Volume; PF_ENOMEM). */
pf_status pf__volume_describe(const char *path, char **full_name, char **uri);
/* Refuses to write to a Volume on classic compute older than DBR 13.3. */
pf_status pf__volume_check_runtime(const char *path, pf_error *err);

/* ---- metadata (volume_fs.c) ---- */
/* `info` on a directory that is not a table: files, directories, total
 * size, newest file (recursive, streamed), and the Volume it is on. */
pf_status pf__dir_info(const char *path, pf_info *info, pf_error *err);

#endif

/* env_cache.c - pf_env_detect: the real process as a probe, and the one
 * cached answer.
 *
 * The environment of a process does not change where it runs, so the
 * answer is computed once and kept (the library's one deliberate piece of
 * global state, behind a mutex); PF_ENV_FRESH looks again, for callers that
 * changed variables (tests, a notebook that set DATABRICKS_HOST). Callers
 * always get a copy, so a fresh look never pulls memory from under them.
 */
#define _GNU_SOURCE /* RTLD_DEFAULT */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#ifdef __GLIBC__
#include <gnu/libc-version.h>
#endif

#include "core/buf.h"
#include "core/redact.h"
#include "env/env.h"

extern char **environ;

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static pf_env *cache; /* guarded by cache_lock */

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The version of the Python interpreter this library runs inside, when it
 * does (the Python package): found by symbol, so the library never links
 * against Python. */
static char *hosting_python(void) {
  typedef const char *(*version_fn)(void);
  version_fn fn;
  void *sym = dlsym(RTLD_DEFAULT, "Py_GetVersion");
  if (!sym) return NULL;
  memcpy(&fn, &sym, sizeof fn);
  const char *v = fn();
  return v ? pf__strndup(v, strcspn(v, " ")) : NULL;
}

static pf_status detect_now(pf_env **out, pf_error *err) {
  double t0 = now_s();
  struct utsname u;
  int have_uname = uname(&u) == 0;
  char libc[64] = "";
#ifdef __GLIBC__
  snprintf(libc, sizeof libc, "glibc %s", gnu_get_libc_version());
#endif
  char *py = hosting_python();
  pf__env_probe p = {
      .envp = environ,
      .databricks_root = pf__env_databricks_root(),
      .volumes_root = pf__env_volumes_root(),
      .os_name = have_uname ? u.sysname : NULL,
      .os_release = have_uname ? u.release : NULL,
      .arch = have_uname ? u.machine : NULL,
      .os_release_file = "/etc/os-release",
      .libc = libc[0] ? libc : NULL,
      .python_version = py,
  };
  pf_status st = pf__env_detect_probe(&p, out, err);
  free(py);
  if (st == PF_OK) (*out)->detect_seconds = now_s() - t0;
  return st;
}

pf_status pf_env_detect(unsigned flags, pf_env **out, pf_error *err) {
  if (!out) return pf__error_set(err, PF_EINVAL, "pf_env_detect needs somewhere to put the result");
  *out = NULL;
  pthread_mutex_lock(&cache_lock);
  pf_status st = PF_OK;
  int from_cache = cache && !(flags & PF_ENV_FRESH);
  if (!from_cache) {
    pf_env *fresh = NULL;
    st = detect_now(&fresh, err);
    if (st == PF_OK) {
      pf_env_free(cache);
      cache = fresh;
    }
  }
  if (st == PF_OK) {
    *out = pf__env_copy(cache);
    if (!*out) st = pf__error_set(err, PF_ENOMEM, "out of memory");
    else (*out)->cached = from_cache;
  }
  pthread_mutex_unlock(&cache_lock);
  return st;
}

pf_status pf__env_cached_runtime(int *is_databricks, pf_compute_type *type, pf_runtime_version *rt) {
  pf_env *e = NULL;
  PF_TRY(pf_env_detect(0, &e, NULL));
  *is_databricks = e->is_databricks;
  *type = e->compute_type;
  *rt = e->runtime;
  pf_env_free(e);
  return PF_OK;
}

/* ---- copies and freeing ---- */

static int copy_props(pf_prop **dst, const pf_prop *src, size_t n) {
  *dst = NULL;
  if (!n) return 1;
  *dst = calloc(n, sizeof **dst);
  if (!*dst) return 0;
  for (size_t i = 0; i < n; i++) {
    (*dst)[i].key = pf__strdup(src[i].key);
    (*dst)[i].value = pf__strdup(src[i].value);
    if (!(*dst)[i].key || !(*dst)[i].value) return 0;
  }
  return 1;
}

static int copy_str(char **dst, const char *src) {
  *dst = pf__strdup(src);
  return !src || *dst;
}

pf_env *pf__env_copy(const pf_env *e) {
  if (!e) return NULL;
  pf_env *c = calloc(1, sizeof *c);
  if (!c) return NULL;
  *c = *e; /* scalars; every pointer is replaced below */
  c->runtime_version = c->runtime_source = c->cluster_id = c->workspace_id = NULL;
  c->databricks_root = c->volumes_root = c->os_name = c->os_release = c->os_pretty = NULL;
  c->arch = c->libc = c->python_version = NULL;
  c->reasons = c->variables = NULL;
  c->notes = NULL;
  size_t n_reasons = c->n_reasons, n_vars = c->n_variables, n_notes = c->n_notes;
  c->n_reasons = c->n_variables = c->n_notes = 0;
  int ok = copy_str(&c->runtime_version, e->runtime_version) && copy_str(&c->runtime_source, e->runtime_source) &&
           copy_str(&c->cluster_id, e->cluster_id) && copy_str(&c->workspace_id, e->workspace_id) &&
           copy_str(&c->databricks_root, e->databricks_root) && copy_str(&c->volumes_root, e->volumes_root) &&
           copy_str(&c->os_name, e->os_name) && copy_str(&c->os_release, e->os_release) &&
           copy_str(&c->os_pretty, e->os_pretty) && copy_str(&c->arch, e->arch) && copy_str(&c->libc, e->libc) &&
           copy_str(&c->python_version, e->python_version);
  if (ok) {
    ok = copy_props(&c->reasons, e->reasons, n_reasons);
    c->n_reasons = c->reasons ? n_reasons : 0;
  }
  if (ok) {
    ok = copy_props(&c->variables, e->variables, n_vars);
    c->n_variables = c->variables ? n_vars : 0;
  }
  if (ok && n_notes) {
    c->notes = calloc(n_notes, sizeof *c->notes);
    ok = c->notes != NULL;
    c->n_notes = ok ? n_notes : 0;
    for (size_t i = 0; ok && i < n_notes; i++) ok = copy_str(&c->notes[i], e->notes[i]);
  }
  if (!ok) {
    pf_env_free(c);
    return NULL;
  }
  return c;
}

static void free_props(pf_prop *p, size_t n) {
  for (size_t i = 0; p && i < n; i++) {
    free(p[i].key);
    free(p[i].value);
  }
  free(p);
}

void pf_env_free(pf_env *e) {
  if (!e) return;
  free(e->runtime_version);
  free(e->runtime_source);
  free(e->cluster_id);
  free(e->workspace_id);
  free(e->databricks_root);
  free(e->volumes_root);
  free(e->os_name);
  free(e->os_release);
  free(e->os_pretty);
  free(e->arch);
  free(e->libc);
  free(e->python_version);
  free_props(e->reasons, e->n_reasons);
  free_props(e->variables, e->n_variables);
  for (size_t i = 0; e->notes && i < e->n_notes; i++) free(e->notes[i]);
  free(e->notes);
  free(e);
}

char *pf_redact(const char *text) { return pf__redact_dup(text ? text : ""); }

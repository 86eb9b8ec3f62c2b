/* env_detect.c - the rules that say where PyForge runs (docs/databricks.md).
 *
 * A pure function of a probe (env.h), so each rule is tested with fake
 * variables and files. What holds in practice, in the order applied:
 *   1. DATABRICKS_RUNTIME_VERSION, else the file <root>/DBR_VERSION, means
 *      Databricks; nothing else does (IS_SERVERLESS, DB_HOME, ... are hints).
 *   2. A version starting "client." is a serverless environment (its number
 *      is the environment version); any other is a Databricks Runtime on
 *      classic compute.
 *   3. Serverless always speaks Spark Connect; a classic cluster does when
 *      SPARK_CONNECT_MODE_ENABLED is set (standard/shared access mode).
 *   4. Off Databricks, client variables (DATABRICKS_HOST, SPARK_REMOTE, ...)
 *      mean a Databricks Connect/SDK client, not Databricks compute.
 * Every conclusion carries its reason in words.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/buf.h"
#include "core/redact.h"
#include "env/env.h"

/* Variables that configure a client talking to Databricks from elsewhere. */
static const char *const client_vars[] = {
    "DATABRICKS_HOST",       "DATABRICKS_TOKEN",     "DATABRICKS_CLIENT_ID",
    "DATABRICKS_CLIENT_SECRET", "DATABRICKS_CONFIG_PROFILE", "DATABRICKS_CONFIG_FILE",
    "DATABRICKS_CLUSTER_ID", "DATABRICKS_SERVERLESS_COMPUTE_ID", "SPARK_REMOTE",
};

/* Variables a Databricks machine sets that prove nothing alone. */
static const char *const hint_vars[] = {
    "DB_HOME", "DB_IS_DRIVER", "DB_INSTANCE_TYPE", "DATABRICKS_ROOT_VIRTUALENV_ENV", "DB_CLUSTER_ID",
};

/* Prefixes of the variables shown in the variables list. */
static const char *const shown_prefixes[] = {"DATABRICKS_", "DB_", "SPARK_", "PYSPARK_", "IS_SERVERLESS"};

static const char *probe_get(const pf__env_probe *p, const char *name) {
  size_t n = strlen(name);
  for (char *const *e = p->envp; e && *e; e++)
    if (strncmp(*e, name, n) == 0 && (*e)[n] == '=') return (*e)[n + 1] ? *e + n + 1 : NULL;
  return NULL;
}

static int truthy(const char *v) {
  return v && (!strcmp(v, "1") || !strcasecmp(v, "true") || !strcasecmp(v, "yes"));
}

/* ---- building the result ---- */

typedef struct builder {
  pf_env *e;
  pf_status st;
} builder;

static char *dup_trim(const char *s, size_t n) {
  while (n && isspace((unsigned char)*s)) s++, n--;
  while (n && isspace((unsigned char)s[n - 1])) n--;
  return pf__strndup(s, n);
}

static void set_str(builder *b, char **field, const char *v) {
  if (!v || b->st != PF_OK) return;
  *field = pf__strdup(v);
  if (!*field) b->st = PF_ENOMEM;
}

static void add_prop(builder *b, pf_prop **arr, size_t *n, const char *key, char *value) {
  if (b->st != PF_OK || !value) {
    free(value);
    if (b->st == PF_OK) b->st = PF_ENOMEM;
    return;
  }
  pf_prop *a = realloc(*arr, (*n + 1) * sizeof *a);
  char *k = pf__strdup(key);
  if (!a || !k) {
    if (a) *arr = a;
    free(k);
    free(value);
    b->st = PF_ENOMEM;
    return;
  }
  *arr = a;
  memset(&a[*n], 0, sizeof a[*n]); /* pf_prop's reserved room is zeroed */
  a[*n].key = k;
  a[*n].value = value;
  (*n)++;
}

static void reason(builder *b, const char *key, const char *fmt, ...) PF__PRINTF(3, 4);
static void reason(builder *b, const char *key, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *text = pf__vaprintf(fmt, ap);
  va_end(ap);
  add_prop(b, &b->e->reasons, &b->e->n_reasons, key, text);
}

static void note(builder *b, const char *fmt, ...) PF__PRINTF(2, 3);
static void note(builder *b, const char *fmt, ...) {
  if (b->st != PF_OK) return;
  va_list ap;
  va_start(ap, fmt);
  char *text = pf__vaprintf(fmt, ap);
  va_end(ap);
  char **a = text ? realloc(b->e->notes, (b->e->n_notes + 1) * sizeof *a) : NULL;
  if (!a) {
    free(text);
    b->st = PF_ENOMEM;
    return;
  }
  b->e->notes = a;
  a[b->e->n_notes++] = text;
}

/* ---- runtime versions ---- */

static int parse_uint(const char **s) {
  if (!isdigit((unsigned char)**s)) return -1;
  long v = 0;
  while (isdigit((unsigned char)**s)) {
    v = v * 10 + (**s - '0');
    if (v > 100000) return -1;
    (*s)++;
  }
  return (int)v;
}

pf_status pf_runtime_version_parse(const char *text, pf_runtime_version *out, pf_error *err) {
  out->serverless = 0;
  out->major = out->minor = -1;
  if (!text || !*text) return pf__error_set(err, PF_EINVAL, "no runtime version given");
  const char *s = text;
  while (isspace((unsigned char)*s)) s++;
  int serverless = 0;
  if (strncmp(s, "client.", 7) == 0) {
    serverless = 1;
    s += 7;
  }
  int major = parse_uint(&s);
  int minor = 0;
  if (major >= 0 && *s == '.') {
    s++;
    minor = parse_uint(&s);
  } else if (major >= 0 && !serverless) {
    minor = -1; /* a DBR version always has major.minor */
  }
  /* what may follow: ".x-scala2.12", "-scala2.12", " LTS", "-gpu-ml..." */
  int tail_ok = *s == 0 || *s == '.' || *s == '-' || *s == ' ' || *s == '_';
  if (major < 0 || minor < 0 || !tail_ok)
    return pf__error_set(err, PF_EINVAL,
                         "runtime version '%s' is not a Databricks Runtime version (like 15.4) nor a serverless "
                         "environment (like client.3.1)",
                         text);
  out->serverless = serverless;
  out->major = major;
  out->minor = minor;
  return PF_OK;
}

int pf_runtime_version_compare(const pf_runtime_version *a, const pf_runtime_version *b) {
  if (!a || !b || a->serverless != b->serverless || a->major < 0 || b->major < 0) return 0;
  if (a->major != b->major) return a->major < b->major ? -1 : 1;
  if (a->minor != b->minor) return a->minor < b->minor ? -1 : 1;
  return 0;
}

const char *pf_compute_type_name(pf_compute_type t) {
  switch (t) {
    case PF_COMPUTE_CLASSIC: return "classic";
    case PF_COMPUTE_SERVERLESS: return "serverless";
    default: return "local";
  }
}

/* ---- small files ---- */

/* The first line of a small file (at most cap-1 bytes), trimmed; 0 when
 * missing, unreadable or empty. */
static int read_first_line(const char *path, char *buf, size_t cap) {
  FILE *f = fopen(path, "r");
  if (!f) return 0;
  int ok = fgets(buf, (int)cap, f) != NULL;
  fclose(f);
  if (!ok) return 0;
  char *t = dup_trim(buf, strlen(buf));
  if (!t) return 0;
  snprintf(buf, cap, "%s", t);
  free(t);
  return buf[0] != 0;
}

/* PRETTY_NAME="Ubuntu 22.04.4 LTS" from an os-release file. */
static char *os_pretty_name(const char *path) {
  FILE *f = path ? fopen(path, "r") : NULL;
  if (!f) return NULL;
  char line[512];
  char *out = NULL;
  while (!out && fgets(line, sizeof line, f)) {
    if (strncmp(line, "PRETTY_NAME=", 12) != 0) continue;
    char *v = line + 12;
    size_t n = strcspn(v, "\r\n");
    if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0]) {
      v++;
      n -= 2;
    }
    out = pf__strndup(v, n);
  }
  fclose(f);
  return out;
}

/* ---- the rules ---- */

/* Rule 1 and 2: the runtime version, where it came from, and what it says. */
static void detect_runtime(builder *b, const pf__env_probe *p) {
  pf_env *e = b->e;
  const char *rv = probe_get(p, "DATABRICKS_RUNTIME_VERSION");
  char file_path[4096], line[128];
  snprintf(file_path, sizeof file_path, "%s/DBR_VERSION", p->databricks_root ? p->databricks_root : "/databricks");
  char *trimmed = rv ? dup_trim(rv, strlen(rv)) : NULL;
  if (rv && !trimmed) b->st = PF_ENOMEM;
  if (trimmed && *trimmed) {
    e->runtime_version = trimmed;
    set_str(b, &e->runtime_source, "DATABRICKS_RUNTIME_VERSION");
    trimmed = NULL;
  } else if (read_first_line(file_path, line, sizeof line)) {
    set_str(b, &e->runtime_version, line);
    set_str(b, &e->runtime_source, file_path);
  }
  free(trimmed);
  e->is_databricks = e->runtime_version != NULL;
  if (!e->is_databricks) {
    reason(b, "is_databricks", "no DATABRICKS_RUNTIME_VERSION and no %s", file_path);
    reason(b, "compute_type", "not on Databricks: local");
    reason(b, "runtime_version", "none: not on Databricks");
    return;
  }
  if (e->runtime_source && strcmp(e->runtime_source, "DATABRICKS_RUNTIME_VERSION") == 0)
    reason(b, "is_databricks", "DATABRICKS_RUNTIME_VERSION is set (%s)", e->runtime_version);
  else
    reason(b, "is_databricks", "%s holds %s (DATABRICKS_RUNTIME_VERSION is not set)", file_path,
           e->runtime_version);
  if (pf_runtime_version_parse(e->runtime_version, &e->runtime, NULL) != PF_OK)
    note(b, "runtime version '%s' does not parse; version rules (Volume writes need 13.3+) cannot be checked",
         e->runtime_version);
  e->compute_type = strncmp(e->runtime_version, "client.", 7) == 0 ? PF_COMPUTE_SERVERLESS : PF_COMPUTE_CLASSIC;
  if (e->compute_type == PF_COMPUTE_SERVERLESS)
    reason(b, "compute_type", "runtime version %s starts with 'client.': serverless environment version %d",
           e->runtime_version, e->runtime.major);
  else
    reason(b, "compute_type", "runtime version %s is a Databricks Runtime, not a serverless environment: classic "
           "compute", e->runtime_version);
  if (e->runtime.major >= 0)
    reason(b, "runtime_version", "%s %d.%d from %s", e->compute_type == PF_COMPUTE_SERVERLESS ?
           "serverless environment" : "Databricks Runtime", e->runtime.major, e->runtime.minor, e->runtime_source);
  else
    reason(b, "runtime_version", "'%s' from %s (not understood)", e->runtime_version, e->runtime_source);
}

/* Rule 3 (and the client's Spark Connect off Databricks). */
static void detect_spark_connect(builder *b, const pf__env_probe *p) {
  pf_env *e = b->e;
  const char *mode = probe_get(p, "SPARK_CONNECT_MODE_ENABLED");
  if (e->compute_type == PF_COMPUTE_SERVERLESS) {
    e->spark_connect = 1;
    reason(b, "spark_connect", "serverless compute always runs Spark Connect");
  } else if (e->is_databricks) {
    e->spark_connect = truthy(mode);
    if (e->spark_connect)
      reason(b, "spark_connect", "SPARK_CONNECT_MODE_ENABLED=%s: a standard (shared) access mode cluster", mode);
    else
      reason(b, "spark_connect", "SPARK_CONNECT_MODE_ENABLED is not set: a dedicated (single user) or "
             "no-isolation cluster with classic Spark");
  } else if (probe_get(p, "SPARK_REMOTE")) {
    e->spark_connect = 1;
    reason(b, "spark_connect", "SPARK_REMOTE is set: PySpark here would connect to a remote Spark Connect server");
  } else {
    reason(b, "spark_connect", "not on Databricks and no SPARK_REMOTE");
    if (truthy(mode))
      note(b, "SPARK_CONNECT_MODE_ENABLED=%s without a runtime version: not relied on", mode);
  }
}

/* Rule 4, and the hints that are reported but not relied on. */
static void detect_client_and_hints(builder *b, const pf__env_probe *p) {
  pf_env *e = b->e;
  pf__buf seen;
  pf__buf_init(&seen, 4096);
  for (size_t i = 0; i < sizeof client_vars / sizeof *client_vars; i++)
    if (probe_get(p, client_vars[i])) pf__buf_printf(&seen, "%s%s", seen.len ? ", " : "", client_vars[i]);
  if (e->is_databricks) {
    reason(b, "databricks_client", "running on Databricks compute, not a client of it");
  } else if (seen.len) {
    e->databricks_client = 1;
    reason(b, "databricks_client", "%s set: a Databricks Connect/SDK client talking to Databricks, not running on it",
           (char *)seen.data);
  } else {
    reason(b, "databricks_client", "no Databricks client variables (DATABRICKS_HOST, SPARK_REMOTE, ...)");
  }
  pf__buf_free(&seen);

  const char *is_sl = probe_get(p, "IS_SERVERLESS");
  if (is_sl) {
    int says = truthy(is_sl);
    if (!e->is_databricks)
      note(b, "IS_SERVERLESS=%s without a runtime version proves nothing (a hint only): not on Databricks", is_sl);
    else if (says != (e->compute_type == PF_COMPUTE_SERVERLESS))
      note(b, "IS_SERVERLESS=%s disagrees with runtime version %s; the runtime version decides (IS_SERVERLESS is a "
           "hint only)", is_sl, e->runtime_version);
    else
      note(b, "IS_SERVERLESS=%s agrees with the runtime version", is_sl);
  }
  for (size_t i = 0; !e->is_databricks && i < sizeof hint_vars / sizeof *hint_vars; i++)
    if (probe_get(p, hint_vars[i]))
      note(b, "%s is set but there is no runtime version: not relied on", hint_vars[i]);
}

static int shown_var(const char *entry) {
  for (size_t i = 0; i < sizeof shown_prefixes / sizeof *shown_prefixes; i++)
    if (strncmp(entry, shown_prefixes[i], strlen(shown_prefixes[i])) == 0) return 1;
  return 0;
}

static int prop_cmp(const void *a, const void *b) {
  return strcmp(((const pf_prop *)a)->key, ((const pf_prop *)b)->key);
}

/* The variables looked at, secrets never shown. */
static void collect_variables(builder *b, const pf__env_probe *p) {
  pf_env *e = b->e;
  for (char *const *v = p->envp; v && *v && b->st == PF_OK; v++) {
    const char *eq = strchr(*v, '=');
    if (!eq || !shown_var(*v)) continue;
    char name[256];
    snprintf(name, sizeof name, "%.*s", (int)(eq - *v), *v);
    char *value = pf__redact_secret_name(name) ? pf__strdup("<redacted>") : pf__redact_dup(eq + 1);
    add_prop(b, &e->variables, &e->n_variables, name, value);
  }
  if (b->st == PF_OK && e->n_variables > 1) qsort(e->variables, e->n_variables, sizeof *e->variables, prop_cmp);
}

static void detect_machine(builder *b, const pf__env_probe *p) {
  pf_env *e = b->e;
  set_str(b, &e->databricks_root, p->databricks_root ? p->databricks_root : "/databricks");
  set_str(b, &e->volumes_root, p->volumes_root ? p->volumes_root : "/Volumes");
  struct stat sb;
  e->volumes_available = e->volumes_root && stat(e->volumes_root, &sb) == 0 && S_ISDIR(sb.st_mode);
  set_str(b, &e->os_name, p->os_name);
  set_str(b, &e->os_release, p->os_release);
  set_str(b, &e->arch, p->arch);
  set_str(b, &e->libc, p->libc);
  set_str(b, &e->python_version, p->python_version);
  if (b->st == PF_OK && p->os_release_file) e->os_pretty = os_pretty_name(p->os_release_file);
  const char *cid = probe_get(p, "DATABRICKS_CLUSTER_ID");
  if (!cid) cid = probe_get(p, "DB_CLUSTER_ID");
  if (cid) e->cluster_id = pf__redact_dup(cid);
  const char *wid = probe_get(p, "DATABRICKS_WORKSPACE_ID");
  if (wid) e->workspace_id = pf__redact_dup(wid);
  if ((cid && !e->cluster_id) || (wid && !e->workspace_id)) b->st = PF_ENOMEM;
}

pf_status pf__env_detect_probe(const pf__env_probe *p, pf_env **out, pf_error *err) {
  *out = NULL;
  builder b = {calloc(1, sizeof(pf_env)), PF_OK};
  if (!b.e) return pf__error_set(err, PF_ENOMEM, "out of memory");
  b.e->runtime.major = b.e->runtime.minor = -1;
  detect_runtime(&b, p);
  detect_spark_connect(&b, p);
  detect_client_and_hints(&b, p);
  collect_variables(&b, p);
  detect_machine(&b, p);
  if (b.st != PF_OK) {
    pf_env_free(b.e);
    return pf__error_set(err, b.st, "out of memory while detecting the environment");
  }
  *out = b.e;
  return PF_OK;
}

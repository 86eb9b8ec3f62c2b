/* env_json.c - pf_env as one JSON object (the `pyforge env --json` and
 * forge.get_environment_info() shape, docs/databricks.md). Keys are stable;
 * new ones are only added. */
#include <stdlib.h>

#include "core/buf.h"
#include "core/json.h"
#include "env/env.h"

#define J(expr)                    \
  do {                             \
    if ((expr) != PF_OK) goto oom; \
  } while (0)

static pf_status key_str(pf__buf *b, const char *key, const char *v) {
  PF_TRY(pf__json_key(b, key, 0));
  return pf__json_cstr(b, v);
}

static pf_status key_bool(pf__buf *b, const char *key, int v) {
  PF_TRY(pf__json_key(b, key, 0));
  return pf__buf_puts(b, v ? "true" : "false");
}

static pf_status runtime_json(pf__buf *b, const pf_env *e) {
  PF_TRY(pf__json_key(b, "runtime", 0));
  if (e->runtime.major < 0) return pf__buf_puts(b, "null");
  PF_TRY(pf__buf_printf(b, "{\"kind\":\"%s\",\"major\":%d,\"minor\":%d",
                        e->runtime.serverless ? "serverless_environment" : "databricks_runtime",
                        e->runtime.major, e->runtime.minor));
  PF_TRY(key_str(b, "source", e->runtime_source));
  return pf__buf_putc(b, '}');
}

static pf_status system_json(pf__buf *b, const pf_env *e) {
  PF_TRY(pf__json_key(b, "system", 0));
  PF_TRY(pf__buf_puts(b, "{\"os\":"));
  PF_TRY(pf__json_cstr(b, e->os_name));
  PF_TRY(key_str(b, "os_release", e->os_release));
  PF_TRY(key_str(b, "distribution", e->os_pretty));
  PF_TRY(key_str(b, "arch", e->arch));
  PF_TRY(key_str(b, "libc", e->libc));
  PF_TRY(key_str(b, "python", e->python_version));
  return pf__buf_putc(b, '}');
}

char *pf_env_json(const pf_env *e) {
  if (!e) return NULL;
  pf__buf b;
  pf__buf_init(&b, 0);
  J(pf__buf_puts(&b, "{\"is_databricks\":"));
  J(pf__buf_puts(&b, e->is_databricks ? "true" : "false"));
  J(key_str(&b, "compute_type", pf_compute_type_name(e->compute_type)));
  J(key_str(&b, "runtime_version", e->runtime_version));
  J(key_bool(&b, "spark_connect", e->spark_connect));
  J(key_bool(&b, "databricks_client", e->databricks_client));
  J(runtime_json(&b, e));
  J(key_str(&b, "cluster_id", e->cluster_id));
  J(key_str(&b, "workspace_id", e->workspace_id));
  J(pf__json_key(&b, "volumes", 0));
  J(pf__buf_puts(&b, "{\"root\":"));
  J(pf__json_cstr(&b, e->volumes_root));
  J(key_bool(&b, "available", e->volumes_available));
  J(pf__buf_putc(&b, '}'));
  J(key_str(&b, "databricks_root", e->databricks_root));
  J(system_json(&b, e));
  J(pf__json_key(&b, "reasons", 0));
  J(pf__json_props(&b, e->reasons, e->n_reasons));
  J(pf__json_key(&b, "notes", 0));
  J(pf__buf_putc(&b, '['));
  for (size_t i = 0; i < e->n_notes; i++) {
    if (i) J(pf__buf_putc(&b, ','));
    J(pf__json_cstr(&b, e->notes[i]));
  }
  J(pf__buf_putc(&b, ']'));
  J(pf__json_key(&b, "variables", 0));
  J(pf__json_props(&b, e->variables, e->n_variables));
  J(pf__buf_printf(&b, ",\"detect_seconds\":%.6f", e->detect_seconds));
  J(key_bool(&b, "cached", e->cached));
  J(pf__buf_putc(&b, '}'));
  return pf__buf_take(&b);
oom:
  pf__buf_free(&b);
  return NULL;
}

/* cmd_env.c - `pyforge env`: where PyForge runs (Databricks serverless or
 * classic compute, a Databricks Connect client, a laptop) and why it
 * thinks so. Credentials in the environment are never printed. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char help[] =
    "Usage: pyforge env [--json]\n"
    "\n"
    "Show what PyForge detects about where it runs: Databricks or not, serverless\n"
    "or classic compute, the runtime version, Spark Connect, Databricks Connect\n"
    "client settings, the Unity Catalog Volumes mount, the system; and the reason\n"
    "for each conclusion. Reads environment variables and a few small files only:\n"
    "no Spark, no network. Tokens and secrets are never shown.\n"
    "\n"
    "  --json                 print one JSON object (keys in docs/databricks.md;\n"
    "                         also: --format json)\n"
    "\n";

static const char *or_dash(const char *s) { return s && *s ? s : "-"; }

static void print_props(const char *title, const pf_prop *p, size_t n) {
  if (!n) return;
  printf("%s\n", title);
  int w = 0;
  for (size_t i = 0; i < n; i++)
    if ((int)strlen(p[i].key) > w) w = (int)strlen(p[i].key);
  for (size_t i = 0; i < n; i++) printf("  %-*s  %s\n", w, p[i].key, p[i].value);
}

static void print_text(const pf_env *e) {
  const int kw = 18;
  printf("%-*s %s\n", kw, "Databricks", e->is_databricks ? "yes" : "no");
  printf("%-*s %s\n", kw, "Compute", pf_compute_type_name(e->compute_type));
  if (e->runtime_version && e->runtime.major >= 0)
    printf("%-*s %s (%s %d.%d)\n", kw, "Runtime", e->runtime_version,
           e->runtime.serverless ? "serverless environment" : "Databricks Runtime", e->runtime.major,
           e->runtime.minor);
  else
    printf("%-*s %s\n", kw, "Runtime", or_dash(e->runtime_version));
  printf("%-*s %s\n", kw, "Spark Connect", e->spark_connect ? "yes" : "no");
  printf("%-*s %s\n", kw, "Databricks client", e->databricks_client ? "yes" : "no");
  printf("%-*s %s\n", kw, "Cluster id", or_dash(e->cluster_id));
  printf("%-*s %s\n", kw, "Workspace id", or_dash(e->workspace_id));
  printf("%-*s %s (%s)\n", kw, "Volumes", or_dash(e->volumes_root),
         e->volumes_available ? "available" : "not available here");
  printf("%-*s %s %s %s%s%s, %s\n", kw, "System", or_dash(e->os_name), or_dash(e->os_release), or_dash(e->arch),
         e->os_pretty ? ", " : "", e->os_pretty ? e->os_pretty : "", or_dash(e->libc));
  printf("%-*s %s\n", kw, "Python", e->python_version ? e->python_version : "- (not running inside Python)");
  print_props("Why", e->reasons, e->n_reasons);
  if (e->n_notes) {
    printf("Notes\n");
    for (size_t i = 0; i < e->n_notes; i++) printf("  %s\n", e->notes[i]);
  }
  print_props("Variables", e->variables, e->n_variables);
  printf("Detected in %.3f ms\n", e->detect_seconds * 1e3);
}

int cmd_env(int argc, char **argv, const cli_globals *g) {
  (void)g;
  int json = 0;
  for (int i = 0; i < argc; i++) {
    const char *fmt = !strcmp(argv[i], "--format") ? (i + 1 < argc ? argv[++i] : "") :
                      !strncmp(argv[i], "--format=", 9) ? argv[i] + 9 : NULL;
    if (fmt && strcmp(fmt, "json") != 0 && strcmp(fmt, "table") != 0)
      return cli_usage_error("env", "--format takes table or json; got '%s'", fmt);
    if (fmt) {
      json = !strcmp(fmt, "json");
    } else if (!strcmp(argv[i], "--json")) {
      json = 1;
    } else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
      fputs(help, stdout);
      return EXIT_OK;
    } else {
      return cli_usage_error("env", "unexpected argument '%s'", argv[i]);
    }
  }
  pf_env *e = NULL;
  pf_error err;
  pf_error_init(&err);
  if (pf_env_detect(0, &e, &err) != PF_OK) {
    cli_print_error(&err);
    return EXIT_FAIL;
  }
  if (json) {
    char *js = pf_env_json(e);
    if (js) printf("%s\n", js);
    pf_free(js);
  } else {
    print_text(e);
  }
  pf_env_free(e);
  return EXIT_OK;
}

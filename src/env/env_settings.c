/* env_settings.c - the environment and Volume knobs, read in one place (see
 * env.h). They exist so tests can simulate a Databricks machine with fake
 * files: production never sets them. */
#include <stdlib.h>

#include "env/env.h"

static const char *knob(const char *name, const char *dflt) {
  const char *v = getenv(name);
  return v && *v ? v : dflt;
}

const char *pf__env_databricks_root(void) { return knob("PYFORGE_DATABRICKS_ROOT", "/databricks"); }
const char *pf__env_volumes_root(void) { return knob("PYFORGE_VOLUMES_ROOT", "/Volumes"); }

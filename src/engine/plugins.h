/* plugins.h - what the engine asks of the plugin manager (plugin_load.c,
 * plugin_stage.c, plugin_list.c, plugin_host.c): discovery, the calls that
 * use plugins, hooks around convert. docs/internals.md, "Plugins". */
#ifndef PF_ENGINE_PLUGINS_H
#define PF_ENGINE_PLUGINS_H

#include "core/format_api.h"

/* Finds and loads the plugins once and publishes the registry
 * (registry.h). Later calls return at once. */
void pf__plugins_discover(void);

/* A call (convert, info, validate, a stream, tables) starts or stops
 * using the registry: plugins are never unloaded while a call uses them.
 * enter also discovers, and with PYFORGE_PLUGIN_RELOAD=1 first reloads the
 * plugins whose files changed (when no other call is running). Any thread
 * may leave what another entered (a stream released elsewhere). */
void pf__plugins_enter(void);
void pf__plugins_leave(void);

/* The host function table plugins get (plugin_host.c). */
const pf_host *pf__plugin_host(void);

/* ---- hooks around pf_convert (plugin_list.c) ----
 * A conversion's hooks: those of the plugins loaded (init order), then the
 * front ends'. Valid while the call is entered. */
typedef struct pf__hook {
  const char *owner;       /* the plugin's (or front end entry's) name     */
  pf_hooks hooks;
} pf__hook;

typedef struct pf__hook_set {
  size_t n;
  pf__hook *items;
} pf__hook_set;

/* The hooks to run now (copied, so a reload cannot change them under the
 * call); free with pf__hooks_free. */
pf_status pf__hooks_get(pf__hook_set *out);
void pf__hooks_free(pf__hook_set *h);
/* Runs the pre_convert hooks on options (the call's own copy). A failing
 * hook is logged with its owner's name; a required one stops with its
 * error. */
pf_status pf__hooks_pre(const pf__hook_set *h, pf_options *options, const char *input,
                        const pf__log *log, pf_error *err);
pf_status pf__hooks_post(const pf__hook_set *h, pf_options *options, const char *input,
                         const pf_convert_result *result, const pf__log *log, pf_error *err);
void pf__hooks_error(const pf__hook_set *h, pf_options *options, const char *input,
                     const pf_error *error, const pf__log *log);

#endif

/* plugin_internal.h - the plugin manager's records, shared by its files:
 *   plugin_load.c   discovery, loading, states, reload, shutdown, locking
 *   plugin_stage.c  what init registers: checked, copied, staged
 *   plugin_list.c   pf_extensions_list, front ends' entries, hooks
 *   plugin_host.c   the pf_host function table
 * One mutex (pf__plugins_lock) guards every record; the registry snapshot
 * the engine reads is immutable (registry.h). */
#ifndef PF_ENGINE_PLUGIN_INTERNAL_H
#define PF_ENGINE_PLUGIN_INTERNAL_H

#include <pthread.h>
#include <sys/types.h>

#include "engine/plugins.h"
#include "engine/registry.h"

typedef enum pf__plugin_state {
  PF__PLUGIN_LOADED = 0,
  PF__PLUGIN_FAILED,
  PF__PLUGIN_DISABLED
} pf__plugin_state;

/* One plugin file and what became of it. Retired records (a reload, a
 * file gone) are kept until shutdown: listings and registry snapshots may
 * still point at their text. */
typedef struct pf__plugin_rec {
  char *path;                 /* the file                                   */
  char *name;                 /* declared name; the file's stem until init  */
  char *version;
  char *description;
  char abi[24];               /* "1.0" as the plugin was built; "" unknown  */
  pf__plugin_state state;
  char *reason;               /* failed/disabled: why; loaded: unavailable  */
  void *dl;                   /* dlopen handle while loaded                 */
  pf_plugin pl;               /* what init filled                           */
  int initialised;            /* init returned PF_OK: shutdown is owed      */
  dev_t dev;                  /* the file as loaded (reload compares)       */
  ino_t ino;
  off_t size;
  int64_t mtime_ns;
  /* staged while init runs, owned here (host copies) */
  pf__reader_ops *readers;
  size_t n_readers;
  pf__writer_ops *writers;
  size_t n_writers;
  pf__option_table *tables;
  size_t n_tables;
  int has_hooks;
  pf_hooks hooks;
  char *refused;              /* a registration refused during init        */
  char **strings;             /* copies the records point into             */
  size_t n_strings;
  void **blocks;              /* other allocations (option arrays, names)   */
  size_t n_blocks;
} pf__plugin_rec;

/* A front end's own entry (pf_extension_register). */
typedef struct pf__frontend_rec {
  pf_extension_desc desc;     /* strings owned                              */
  int has_hooks;
  pf_hooks hooks;
} pf__frontend_rec;

/* The manager's state; fields guarded by lock. */
typedef struct pf__plugin_manager {
  pthread_mutex_t lock;
  pthread_cond_t idle;        /* signalled when active drops to 0           */
  int discovered;
  int busy;                   /* discovering / reloading now                */
  long active;                /* calls using the registry                   */
  pf__plugin_rec **recs;      /* current records, in init order             */
  size_t n_recs;
  pf__plugin_rec **retired;
  size_t n_retired;
  char **added;               /* pf_plugins_add_path, in call order         */
  size_t n_added;
  pf__frontend_rec *frontends;
  size_t n_frontends;
  pf_log_fn log_fn;           /* lifecycle log (pf_plugins_set_log)         */
  void *log_user;
  pf_log_level log_level;
  void *lists;                /* published extension lists (plugin_list.c) */
  pf__plugin_rec *current;    /* the record whose init or shutdown runs:
                                 host->log(NULL, ...) speaks for it       */
  struct pf__pending_log *pending; /* lines logged under the lock, given to
                                 log_fn once it is released (the callback
                                 may call the library: spelling keys)    */
  struct pf__pending_log **pending_tail;
} pf__plugin_manager;

extern pf__plugin_manager pf__plugins;

/* The lifecycle log (the manager's sink), "[name] " in front when name.
 * Called with the lock held: the line waits for pf__plugins_unlock. */
void pf__plugins_log(pf_log_level level, const char *name, const char *fmt, ...)
    PF__PRINTF(3, 4);
/* Releases the lock, then hands the lines logged meanwhile to the sink. */
void pf__plugins_unlock(void);

/* ---- plugin_stage.c ---- */
/* The record init is running for (pl->host_data). */
pf__plugin_rec *pf__plugin_rec_of(pf_plugin *pl);
/* Copies s into rec (freed with rec); NULL when out of memory. */
char *pf__plugin_keep(pf__plugin_rec *rec, const char *s);
/* Frees a record and everything it owns. */
void pf__plugin_rec_free(pf__plugin_rec *rec);
pf_status pf__plugin_add_reader(pf_plugin *pl, const pf_reader_def *def, pf_error *err);
pf_status pf__plugin_add_writer(pf_plugin *pl, const pf_writer_def *def, pf_error *err);
pf_status pf__plugin_add_options(pf_plugin *pl, const char *format, const pf_option_desc *opts,
                                 size_t n, pf_error *err);
pf_status pf__plugin_add_hooks(pf_plugin *pl, const pf_hooks *hooks, pf_error *err);
/* "jsonl (input), txt (output)" for a record's formats (malloc'd). */
char *pf__plugin_formats_text(const pf__plugin_rec *rec);

/* ---- plugin_list.c ---- */
/* The extension lists are stale (a plugin or entry changed). */
void pf__plugins_lists_changed(void);
void pf__plugins_lists_free(void);

#endif

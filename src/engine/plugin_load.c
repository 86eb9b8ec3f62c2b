/* plugin_load.c - the plugin manager: finding plugin files, loading and
 * initialising them in a defined order, the state of each (loaded, failed
 * with the reason, disabled), hot reload, shutdown, and the count of calls
 * using the registry (plugins are never unloaded under a running call).
 *
 * Order: PYFORGE_PLUGIN_PATH entries, then paths handed in
 * (pf_plugins_add_path), then the install's directory; within a directory,
 * *.so files in name order. The first plugin of a name wins; later ones are
 * disabled with the reason. Shutdown runs in the reverse order.
 *
 * The environment (PYFORGE_PLUGIN_PATH, PYFORGE_DISABLE_PLUGINS,
 * PYFORGE_FORCE_CORE, PYFORGE_PLUGIN_RELOAD) is read in one place,
 * plugin_settings(). The manager is process-wide state on purpose (a
 * loaded library is a property of the process), behind one mutex.
 */
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "core/buf.h"
#include "core/redact.h"
#include "engine/plugin_internal.h"

#ifndef PF_PLUGIN_INSTALL_DIR
#define PF_PLUGIN_INSTALL_DIR ""
#endif

pf__plugin_manager pf__plugins = {
    .lock = PTHREAD_MUTEX_INITIALIZER,
    .idle = PTHREAD_COND_INITIALIZER,
    .log_level = PF_LOG_WARN,
};

#define M pf__plugins

/* ---- the lifecycle log: queued under the lock, told after it ---- */

typedef struct pf__pending_log {
  struct pf__pending_log *next;
  pf_log_level level;
  char text[];
} pending_log;

void pf__plugins_log(pf_log_level level, const char *name, const char *fmt, ...) {
  if (!M.log_fn || level > M.log_level) return;
  char text[2048], line[2100];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(text, sizeof text, fmt, ap);
  va_end(ap);
  snprintf(line, sizeof line, "%s%s%s%s", name ? "[" : "", name ? name : "", name ? "] " : "",
           text);
  pending_log *p = malloc(sizeof *p + sizeof line);
  if (!p) return;
  p->next = NULL;
  p->level = level;
  pf__redact(line, p->text, sizeof line);
  if (!M.pending_tail) M.pending_tail = &M.pending;
  *M.pending_tail = p;
  M.pending_tail = &p->next;
}

void pf__plugins_unlock(void) {
  pending_log *p = M.pending;
  pf_log_fn fn = M.log_fn;
  void *user = M.log_user;
  M.pending = NULL;
  M.pending_tail = &M.pending;
  pthread_mutex_unlock(&M.lock);
  while (p) {
    pending_log *next = p->next;
    if (fn) fn(user, p->level, p->text);
    free(p);
    p = next;
  }
}

void pf_plugins_set_log(pf_log_fn fn, void *user, pf_log_level level) {
  pthread_mutex_lock(&M.lock);
  M.log_fn = fn;
  M.log_user = user;
  M.log_level = level;
  pf__plugins_unlock();
}

/* ---- settings: the environment, read here only ---- */

typedef struct plugin_settings {
  const char *path;     /* PYFORGE_PLUGIN_PATH ("" when unset)           */
  const char *disable;  /* PYFORGE_DISABLE_PLUGINS                       */
  int force_core;       /* PYFORGE_FORCE_CORE=true/1/yes                 */
  int reload;           /* PYFORGE_PLUGIN_RELOAD=1/true/yes              */
} plugin_settings;

static int env_true(const char *v) {
  return v && (!strcmp(v, "1") || !strcasecmp(v, "true") || !strcasecmp(v, "yes") ||
               !strcasecmp(v, "on"));
}

static void read_settings(plugin_settings *s) {
  const char *v = getenv("PYFORGE_PLUGIN_PATH");
  s->path = v ? v : "";
  v = getenv("PYFORGE_DISABLE_PLUGINS");
  s->disable = v ? v : "";
  s->force_core = env_true(getenv("PYFORGE_FORCE_CORE"));
  s->reload = env_true(getenv("PYFORGE_PLUGIN_RELOAD"));
}

/* Is name in the comma-separated list? */
static int listed(const char *list, const char *name) {
  size_t n = strlen(name);
  for (const char *p = list; name[0] && *p;) {
    while (*p == ' ' || *p == ',') p++;
    size_t w = strcspn(p, ",");
    size_t t = w;
    while (t && p[t - 1] == ' ') t--;
    if (t == n && strncmp(p, name, n) == 0) return 1;
    p += w;
  }
  return 0;
}

/* ---- candidates: the plugin files, in init order ---- */

typedef struct cand_list {
  char **paths;
  size_t n;
} cand_list;

static void cands_free(cand_list *c) {
  for (size_t i = 0; i < c->n; i++) free(c->paths[i]);
  free(c->paths);
  memset(c, 0, sizeof *c);
}

static void cand_add(cand_list *c, const char *path) {
  for (size_t i = 0; i < c->n; i++)
    if (strcmp(c->paths[i], path) == 0) return;
  char **np = realloc(c->paths, (c->n + 1) * sizeof *np);
  if (!np) return;
  c->paths = np;
  if ((np[c->n] = pf__strdup(path))) c->n++;
}

static int is_plugin_name(const struct dirent *d) {
  size_t n = strlen(d->d_name);
  return n > 3 && d->d_name[0] != '.' && strcmp(d->d_name + n - 3, ".so") == 0;
}

/* A directory's *.so files in name order, or a file itself. explicit: the
 * user named it (a missing one is worth a line in the log). */
static void collect(cand_list *c, const char *path, int explicit) {
  struct stat sb;
  if (!*path) return;
  if (stat(path, &sb) != 0) {
    if (explicit) pf__plugins_log(PF_LOG_INFO, NULL, "plugin path %s: no such file or directory", path);
    return;
  }
  if (!S_ISDIR(sb.st_mode)) {
    cand_add(c, path);
    return;
  }
  struct dirent **ents = NULL;
  int n = scandir(path, &ents, is_plugin_name, alphasort);
  if (n < 0) {
    pf__plugins_log(PF_LOG_WARN, NULL, "plugin directory %s cannot be listed", path);
    return;
  }
  for (int i = 0; i < n; i++) {
    char *full = pf__aprintf("%s%s%s", path, path[strlen(path) - 1] == '/' ? "" : "/", ents[i]->d_name);
    if (full && stat(full, &sb) == 0 && S_ISREG(sb.st_mode)) cand_add(c, full);
    free(full);
    free(ents[i]);
  }
  free(ents);
}

static void collect_all(cand_list *c, const plugin_settings *s) {
  for (const char *p = s->path; *p;) {
    size_t w = strcspn(p, ":");
    char *dir = pf__strndup(p, w);
    if (dir) collect(c, dir, 1);
    free(dir);
    p += w;
    if (*p == ':') p++;
  }
  for (size_t i = 0; i < M.n_added; i++) collect(c, M.added[i], 1);
  collect(c, PF_PLUGIN_INSTALL_DIR, 0);
}

/* The name a file stands for before it is loaded: its base name without
 * ".so" and a "lib" or "pyforge_"/"pyforge-" prefix. */
static char *file_stem(const char *path) {
  const char *b = strrchr(path, '/');
  b = b ? b + 1 : path;
  size_t n = strlen(b);
  if (n > 3 && strcmp(b + n - 3, ".so") == 0) n -= 3;
  static const char *const prefixes[] = {"lib", "pyforge_", "pyforge-"};
  for (size_t i = 0; i < 3; i++) {
    size_t k = strlen(prefixes[i]);
    if (n > k && strncmp(b, prefixes[i], k) == 0) {
      b += k;
      n -= k;
    }
  }
  return pf__strndup(b, n);
}

/* ---- loading one plugin ---- */

static void set_state(pf__plugin_rec *rec, pf__plugin_state st, const char *fmt, ...)
    PF__PRINTF(3, 4);
static void set_state(pf__plugin_rec *rec, pf__plugin_state st, const char *fmt, ...) {
  rec->state = st;
  free(rec->reason);
  rec->reason = NULL;
  if (fmt) {
    va_list ap;
    va_start(ap, fmt);
    rec->reason = pf__vaprintf(fmt, ap);
    va_end(ap);
  }
}

/* Why dlopen failed, in the words of the registry's states. */
static void dl_failed(pf__plugin_rec *rec, const char *why) {
  if (!why) why = "unknown error";
  if (strstr(why, "invalid ELF header") || strstr(why, "file too short") ||
      strstr(why, "wrong ELF class") || strstr(why, "not an ELF") || strstr(why, "ELF load command") ||
      strstr(why, "only ET_DYN"))
    set_state(rec, PF__PLUGIN_FAILED, "not a plugin: not a shared library this system loads (%s)", why);
  else if (strstr(why, "cannot open shared object file") && strncmp(why, rec->path, strlen(rec->path)) != 0)
    set_state(rec, PF__PLUGIN_FAILED, "missing library: %s", why);
  else if (strstr(why, "undefined symbol"))
    set_state(rec, PF__PLUGIN_FAILED, "missing symbol: %s", why);
  else
    set_state(rec, PF__PLUGIN_FAILED, "cannot load: %s", why);
}

/* Drops what init staged (the plugin failed or is unloaded). */
static void drop_staged(pf__plugin_rec *rec) {
  free(rec->readers);
  free(rec->writers);
  free(rec->tables);
  rec->readers = NULL;
  rec->writers = NULL;
  rec->tables = NULL;
  rec->n_readers = rec->n_writers = rec->n_tables = 0;
  rec->has_hooks = 0;
}

/* Calls shutdown (when init succeeded) and unloads the library. */
static void unload(pf__plugin_rec *rec) {
  if (rec->initialised && rec->pl.shutdown) {
    pf__plugins_log(PF_LOG_DEBUG, rec->name, "shutting down");
    M.current = rec;
    rec->pl.shutdown(rec->pl.state);
    M.current = NULL;
  }
  rec->initialised = 0;
  if (rec->dl) dlclose(rec->dl);
  rec->dl = NULL;
}

/* What init left in rec->pl is a plugin of an ABI this host speaks? */
static int abi_ok(pf__plugin_rec *rec) {
  const pf_plugin *pl = &rec->pl;
  snprintf(rec->abi, sizeof rec->abi, "%u.%u", pl->abi_major, pl->abi_minor);
  if (pl->abi_major == 0) {
    rec->abi[0] = 0;
    set_state(rec, PF__PLUGIN_FAILED,
              "not a plugin: its init did not state the ABI it was built for (pf_plugin_begin)");
    return 0;
  }
  if (pl->abi_major != PF_PLUGIN_ABI_MAJOR || pl->abi_minor > PF_PLUGIN_ABI_MINOR) {
    int newer = pl->abi_major > PF_PLUGIN_ABI_MAJOR ||
                (pl->abi_major == PF_PLUGIN_ABI_MAJOR && pl->abi_minor > PF_PLUGIN_ABI_MINOR);
    set_state(rec, PF__PLUGIN_FAILED,
              "ABI too %s: it needs plugin ABI %u.%u; this PyForge %s has ABI %d.%d (%s)",
              newer ? "new" : "old", pl->abi_major, pl->abi_minor, PYFORGE_VERSION_STRING,
              PF_PLUGIN_ABI_MAJOR, PF_PLUGIN_ABI_MINOR,
              newer ? "upgrade PyForge or use a build of the plugin for this version"
                    : "rebuild the plugin against this pyforge/plugin.h");
    return 0;
  }
  return 1;
}

static int valid_plugin_name(const char *s) {
  if (!s || !*s || strlen(s) > 64) return 0;
  for (; *s; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' || *s == '-')) return 0;
  return 1;
}

static const pf__plugin_rec *loaded_named(const char *name, const pf__plugin_rec *self) {
  for (size_t i = 0; i < M.n_recs; i++)
    if (M.recs[i] != self && M.recs[i]->state == PF__PLUGIN_LOADED && strcmp(M.recs[i]->name, name) == 0)
      return M.recs[i];
  return NULL;
}

/* After an init that returned st: the plugin's identity, and whether it
 * may stay. */
static void after_init(pf__plugin_rec *rec, pf_status st, const pf_error *e, const plugin_settings *s) {
  if (!abi_ok(rec)) return; /* its struct may not be ours: read nothing more */
  rec->initialised = st == PF_OK;
  if (valid_plugin_name(rec->pl.name)) {
    free(rec->name);
    rec->name = pf__strdup(rec->pl.name);
  }
  rec->version = pf__strdup(rec->pl.version ? rec->pl.version : "");
  rec->description = pf__strdup(rec->pl.description ? rec->pl.description : "");
  const pf__plugin_rec *other;
  if (valid_plugin_name(rec->pl.name) && (other = loaded_named(rec->name, rec)))
    /* a second copy of a plugin: its registrations clash, but that is not news */
    set_state(rec, PF__PLUGIN_DISABLED, "another plugin named '%s' was loaded first, from %s",
              rec->name, other->path);
  else if (st != PF_OK && rec->refused)
    set_state(rec, PF__PLUGIN_FAILED, "refused: %s", rec->refused);
  else if (st != PF_OK)
    set_state(rec, PF__PLUGIN_FAILED, "init failed: %s",
              e->message[0] ? e->message : pf_status_str(st));
  else if (rec->refused)
    set_state(rec, PF__PLUGIN_FAILED, "refused: %s", rec->refused);
  else if (!valid_plugin_name(rec->pl.name))
    set_state(rec, PF__PLUGIN_FAILED, "init gave no valid name (lower-case letters, digits, '_', '-')");
  else if (listed(s->disable, rec->name))
    set_state(rec, PF__PLUGIN_DISABLED, "disabled by PYFORGE_DISABLE_PLUGINS");
  else if (rec->pl.unavailable && *rec->pl.unavailable)
    /* loaded, formats listed, but it cannot work here: the reason says why */
    set_state(rec, PF__PLUGIN_LOADED, "%s", rec->pl.unavailable);
  else
    set_state(rec, PF__PLUGIN_LOADED, NULL);
}

static void load(pf__plugin_rec *rec, const plugin_settings *s) {
  dlerror();
  rec->dl = dlopen(rec->path, RTLD_NOW | RTLD_LOCAL);
  if (!rec->dl) {
    dl_failed(rec, dlerror());
  } else {
    void *sym = dlsym(rec->dl, PF_PLUGIN_ENTRY);
    pf_plugin_init_fn init;
    memcpy(&init, &sym, sizeof init); /* object pointer -> function pointer (POSIX) */
    if (!sym) {
      set_state(rec, PF__PLUGIN_FAILED, "not a plugin: it has no %s symbol", PF_PLUGIN_ENTRY);
    } else {
      memset(&rec->pl, 0, sizeof rec->pl);
      rec->pl.struct_size = sizeof rec->pl;
      rec->pl.host_data = rec;
      pf_error e;
      pf_error_init(&e);
      pf__plugins_log(PF_LOG_DEBUG, rec->name, "initialising %s", rec->path);
      M.current = rec;
      pf_status st = init(pf__plugin_host(), &rec->pl, &e);
      M.current = NULL;
      after_init(rec, st, &e, s);
    }
  }
  if (rec->state == PF__PLUGIN_LOADED) {
    char *formats = pf__plugin_formats_text(rec);
    pf__plugins_log(PF_LOG_INFO, rec->name, "loaded %s %s from %s (ABI %s)%s%s%s%s", rec->name,
                    rec->version, rec->path, rec->abi, formats && *formats ? ": " : "",
                    formats ? formats : "", rec->reason ? "; unavailable: " : "",
                    rec->reason ? rec->reason : "");
    free(formats);
    return;
  }
  pf__plugins_log(rec->state == PF__PLUGIN_FAILED ? PF_LOG_WARN : PF_LOG_INFO, rec->name,
                  "plugin %s %s: %s", rec->path,
                  rec->state == PF__PLUGIN_FAILED ? "failed" : "disabled", rec->reason);
  drop_staged(rec);
  unload(rec);
}

/* ---- syncing with the file system ---- */

static void file_id(pf__plugin_rec *rec) {
  struct stat sb;
  if (stat(rec->path, &sb) != 0) return;
  rec->dev = sb.st_dev;
  rec->ino = sb.st_ino;
  rec->size = sb.st_size;
  rec->mtime_ns = (int64_t)sb.st_mtim.tv_sec * 1000000000 + sb.st_mtim.tv_nsec;
}

static int file_changed(const pf__plugin_rec *rec) {
  struct stat sb;
  if (stat(rec->path, &sb) != 0) return 1;
  return sb.st_dev != rec->dev || sb.st_ino != rec->ino || sb.st_size != rec->size ||
         (int64_t)sb.st_mtim.tv_sec * 1000000000 + sb.st_mtim.tv_nsec != rec->mtime_ns;
}

/* Why a file is disabled before it is opened, or NULL. */
static const char *disabled_by(const pf__plugin_rec *rec, const plugin_settings *s) {
  if (s->force_core) return "PYFORGE_FORCE_CORE=true disables every plugin";
  if (listed(s->disable, rec->name)) return "disabled by PYFORGE_DISABLE_PLUGINS";
  return NULL;
}

static void retire(pf__plugin_rec *rec) {
  unload(rec);
  pf__plugin_rec **nr = realloc(M.retired, (M.n_retired + 1) * sizeof *nr);
  if (!nr) return; /* kept nowhere: a small leak rather than a dangling listing */
  M.retired = nr;
  nr[M.n_retired++] = rec;
}

static pf__plugin_rec *new_rec(const char *path) {
  pf__plugin_rec *rec = calloc(1, sizeof *rec);
  if (!rec) return NULL;
  rec->path = pf__strdup(path);
  rec->name = file_stem(path);
  if (!rec->path || !rec->name) {
    pf__plugin_rec_free(rec);
    return NULL;
  }
  file_id(rec);
  return rec;
}

static size_t cand_index(const cand_list *c, const char *path) {
  for (size_t i = 0; i < c->n; i++)
    if (strcmp(c->paths[i], path) == 0) return i;
  return c->n;
}

/* Brings the records in line with the files: drops (when may_unload)
 * those whose file changed or went, loads new and changed ones, keeps the
 * rest; then publishes the registry. Lock held, M.busy set. Returns the
 * number of files loaded (again) or gone. */
static size_t sync_files(int may_unload, int first) {
  plugin_settings s;
  read_settings(&s);
  cand_list c = {0};
  collect_all(&c, &s);
  size_t changes = 0;
  int republish = 0;
  /* 1. drop what changed or went */
  size_t kept = 0;
  for (size_t i = 0; i < M.n_recs; i++) {
    pf__plugin_rec *rec = M.recs[i];
    int gone = cand_index(&c, rec->path) == c.n;
    int was_disabled = rec->state == PF__PLUGIN_DISABLED && rec->dl == NULL && !rec->initialised &&
                       rec->reason && strstr(rec->reason, "PYFORGE_");
    int stale = gone || file_changed(rec) || (was_disabled && !disabled_by(rec, &s)) ||
                (rec->state == PF__PLUGIN_LOADED && disabled_by(rec, &s));
    if (may_unload && stale) {
      pf__plugins_log(PF_LOG_INFO, rec->name, "%s %s", gone ? "plugin file gone:" : "reloading",
                      rec->path);
      retire(rec);
      changes += gone; /* a changed file counts once, when it loads again */
      republish = 1;
    } else {
      M.recs[kept++] = rec;
    }
  }
  M.n_recs = kept;
  /* 2. load the files no record stands for, in order */
  for (size_t k = 0; k < c.n; k++) {
    int have = 0;
    for (size_t i = 0; i < M.n_recs && !have; i++) have = strcmp(M.recs[i]->path, c.paths[k]) == 0;
    if (have) continue;
    pf__plugin_rec *rec = new_rec(c.paths[k]);
    pf__plugin_rec **nr = rec ? realloc(M.recs, (M.n_recs + 1) * sizeof *nr) : NULL;
    if (!nr) {
      pf__plugin_rec_free(rec);
      continue;
    }
    M.recs = nr;
    const char *why = disabled_by(rec, &s);
    if (why) {
      set_state(rec, PF__PLUGIN_DISABLED, "%s", why);
      pf__plugins_log(PF_LOG_DEBUG, rec->name, "plugin %s disabled: %s", rec->path, why);
    } else {
      load(rec, &s);
    }
    nr[M.n_recs++] = rec; /* after load: its clash checks see the others */
    changes++;
  }
  /* 3. init order = file order */
  for (size_t i = 1; i < M.n_recs; i++)
    for (size_t j = i; j > 0 && cand_index(&c, M.recs[j - 1]->path) > cand_index(&c, M.recs[j]->path); j--) {
      pf__plugin_rec *t = M.recs[j];
      M.recs[j] = M.recs[j - 1];
      M.recs[j - 1] = t;
    }
  cands_free(&c);
  if (changes || republish || first) {
    pf__registry_part *parts = calloc(M.n_recs ? M.n_recs : 1, sizeof *parts);
    size_t n = 0;
    for (size_t i = 0; parts && i < M.n_recs; i++) {
      const pf__plugin_rec *r = M.recs[i];
      if (r->state != PF__PLUGIN_LOADED) continue;
      parts[n++] = (pf__registry_part){.plugin = r->name, .path = r->path,
                                       .readers = r->readers, .n_readers = r->n_readers,
                                       .writers = r->writers, .n_writers = r->n_writers,
                                       .tables = r->tables, .n_tables = r->n_tables};
    }
    if (!parts || pf__registry_publish(parts, n) != PF_OK)
      pf__plugins_log(PF_LOG_ERROR, NULL, "out of memory while registering plugins");
    free(parts);
    pf__plugins_lists_changed();
  }
  return changes;
}

/* ---- what the engine and the public API call ---- */

void pf__plugins_discover(void) {
  pthread_mutex_lock(&M.lock);
  if (!M.discovered && !M.busy) {
    M.busy = 1;
    sync_files(1, 1);
    M.discovered = 1;
    M.busy = 0;
  }
  pf__plugins_unlock();
}

void pf__plugins_enter(void) {
  pthread_mutex_lock(&M.lock);
  if (!M.busy) {
    M.busy = 1;
    if (!M.discovered) {
      sync_files(1, 1);
      M.discovered = 1;
    } else if (M.active == 0) {
      plugin_settings s;
      read_settings(&s);
      if (s.reload) sync_files(1, 0);
    }
    M.busy = 0;
  }
  M.active++;
  pf__plugins_unlock();
}

void pf__plugins_leave(void) {
  pthread_mutex_lock(&M.lock);
  if (M.active > 0 && --M.active == 0) pthread_cond_broadcast(&M.idle);
  pthread_mutex_unlock(&M.lock);
}

pf_status pf_plugins_reload(size_t *reloaded, pf_error *err) {
  pf_error_init(err);
  if (reloaded) *reloaded = 0;
  pthread_mutex_lock(&M.lock);
  pf_status st = PF_OK;
  if (M.active > 0 || M.busy) {
    st = pf__error_set(err, PF_EUNSUPPORTED,
                       "plugins are in use by %ld running call%s; reload when none runs", M.active,
                       M.active == 1 ? "" : "s");
  } else {
    M.busy = 1;
    size_t n = sync_files(1, !M.discovered);
    M.discovered = 1;
    M.busy = 0;
    if (reloaded) *reloaded = n;
  }
  pf__plugins_unlock();
  return st;
}

pf_status pf_plugins_add_path(const char *path, pf_error *err) {
  pf_error_init(err);
  if (!path || !*path) return pf__error_set(err, PF_EINVAL, "pf_plugins_add_path needs a path");
  pthread_mutex_lock(&M.lock);
  pf_status st = PF_OK;
  int known = 0;
  for (size_t i = 0; i < M.n_added; i++) known |= strcmp(M.added[i], path) == 0;
  char **na = known ? M.added : realloc(M.added, (M.n_added + 1) * sizeof *na);
  if (!na || (!known && !(na[M.n_added] = pf__strdup(path)))) {
    if (na) M.added = na;
    st = pf__error_set(err, PF_ENOMEM, "out of memory");
  } else if (!known) {
    M.added = na;
    M.n_added++;
    if (M.discovered && !M.busy) {
      /* new plugins load now; nothing is unloaded under a running call */
      M.busy = 1;
      sync_files(M.active == 0, 0);
      M.busy = 0;
    }
  }
  pf__plugins_unlock();
  return st;
}

/* pf_plugins_shutdown with M.lock held; returns with it released. */
static void shutdown_held(void) {
  if (M.active > 0)
    pf__plugins_log(PF_LOG_WARN, NULL, "shutting plugins down while %ld call%s still run%s", M.active,
                    M.active == 1 ? "" : "s", M.active == 1 ? "s" : "");
  for (size_t i = M.n_recs; i-- > 0;) {
    pf__plugin_rec *rec = M.recs[i];
    if (rec->state == PF__PLUGIN_LOADED) pf__plugins_log(PF_LOG_DEBUG, rec->name, "unloading");
    unload(rec);
  }
  /* the log is told while the registry still stands (spelling its lines
   * reads the option tables, which must not be discovered again) */
  pf__plugins_unlock();
  pthread_mutex_lock(&M.lock);
  pf__registry_reset();
  pf__plugins_lists_free();
  for (size_t i = 0; i < M.n_recs; i++) pf__plugin_rec_free(M.recs[i]);
  for (size_t i = 0; i < M.n_retired; i++) pf__plugin_rec_free(M.retired[i]);
  for (size_t i = 0; i < M.n_added; i++) free(M.added[i]);
  free(M.recs);
  free(M.retired);
  free(M.added);
  M.recs = M.retired = NULL;
  M.added = NULL;
  M.n_recs = M.n_retired = M.n_added = 0;
  M.discovered = 0;
  pf__plugins_unlock();
}

void pf_plugins_shutdown(void) {
  pthread_mutex_lock(&M.lock);
  shutdown_held();
}

pf_status pf_plugins_shutdown_idle(long timeout_ms, pf_error *err) {
  pf_error_init(err);
  struct timespec until;
  clock_gettime(CLOCK_REALTIME, &until); /* the clock of M.idle */
  if (timeout_ms < 0) timeout_ms = 0;
  until.tv_sec += timeout_ms / 1000;
  until.tv_nsec += (timeout_ms % 1000) * 1000000L;
  if (until.tv_nsec >= 1000000000L) {
    until.tv_sec++;
    until.tv_nsec -= 1000000000L;
  }
  pthread_mutex_lock(&M.lock);
  while (M.active > 0)
    if (pthread_cond_timedwait(&M.idle, &M.lock, &until) == ETIMEDOUT) break;
  if (M.active > 0) {
    long n = M.active;
    pf__plugins_unlock();
    return pf__error_set(err, PF_EUNSUPPORTED,
                         "plugins are in use by %ld running call%s or open stream%s after %ld ms; "
                         "nothing was shut down",
                         n, n == 1 ? "" : "s", n == 1 ? "" : "s", timeout_ms);
  }
  shutdown_held(); /* under the same lock: no call enters in between */
  return PF_OK;
}

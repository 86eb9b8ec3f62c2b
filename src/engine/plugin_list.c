/* plugin_list.c - what the plugin manager shows and runs: the extension
 * list (built-in format families, C plugins, the front ends' own entries),
 * its JSON, front ends' registrations, and the hooks around pf_convert.
 *
 * Lists are snapshots like the registry's: built when asked after a
 * change, immutable, kept until shutdown, so a pointer handed out never
 * dangles.
 */
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/json.h"
#include "engine/plugin_internal.h"

#define M pf__plugins

typedef struct ext_list {
  size_t n;
  pf_extension_desc *items;
  char **strings;          /* what items point into                        */
  size_t n_strings;
  struct ext_list *older;
} ext_list;

static ext_list *lists_current(void) { return M.lists; }

void pf__plugins_lists_changed(void) {
  ext_list *l = M.lists;
  if (l && l->items) {
    /* keep it (handed out), start a new one on the next call */
    ext_list *fresh = calloc(1, sizeof *fresh);
    if (!fresh) return;
    fresh->older = l;
    M.lists = fresh;
  }
}

static void list_free(ext_list *l) {
  while (l) {
    ext_list *older = l->older;
    for (size_t i = 0; i < l->n_strings; i++) free(l->strings[i]);
    free(l->strings);
    free(l->items);
    free(l);
    l = older;
  }
}

static void frontend_free(pf__frontend_rec *f) {
  free((char *)f->desc.name);
  free((char *)f->desc.version);
  free((char *)f->desc.kind);
  free((char *)f->desc.state);
  free((char *)f->desc.reason);
  free((char *)f->desc.formats);
  free((char *)f->desc.path);
  free((char *)f->desc.description);
  free((char *)f->desc.abi);
}

void pf__plugins_lists_free(void) {
  list_free(M.lists);
  M.lists = NULL;
  for (size_t i = 0; i < M.n_frontends; i++) frontend_free(&M.frontends[i]);
  free(M.frontends);
  M.frontends = NULL;
  M.n_frontends = 0;
}

/* A string the list owns; "" when out of memory (a list is best effort). */
static const char *own(ext_list *l, char *s) {
  char **ns = s ? realloc(l->strings, (l->n_strings + 1) * sizeof *ns) : NULL;
  if (!ns) {
    free(s);
    return "";
  }
  l->strings = ns;
  ns[l->n_strings++] = s;
  return s;
}

static pf_extension_desc *grow(ext_list *l) {
  pf_extension_desc *ni = realloc(l->items, (l->n + 1) * sizeof *ni);
  if (!ni) return NULL;
  l->items = ni;
  memset(&ni[l->n], 0, sizeof ni[l->n]);
  return &ni[l->n++];
}

/* One entry per built-in format family ("parquet": input and output). */
static void add_builtins(ext_list *l) {
  const pf__registry *b = pf__registry_builtin();
  size_t n = b->n_readers + b->n_writers;
  for (size_t i = 0; i < n; i++) {
    const pf__format *f = i < b->n_readers ? &b->readers[i] : &b->writers[i - b->n_readers];
    const char *name = f->reader ? f->reader->name : f->writer->name;
    int seen = 0;
    for (size_t k = 0; k < l->n && !seen; k++) seen = strcmp(l->items[k].name, name) == 0;
    if (seen) continue;
    pf__buf formats;
    pf__buf_init(&formats, 0);
    pf__buf_puts(&formats, "");
    for (size_t j = i; j < n; j++) {
      const pf__format *g = j < b->n_readers ? &b->readers[j] : &b->writers[j - b->n_readers];
      if (strcmp(g->reader ? g->reader->name : g->writer->name, name) == 0)
        pf__buf_printf(&formats, "%s%s (%s)", formats.len ? ", " : "", name,
                       g->reader ? "input" : "output");
    }
    pf_extension_desc *d = grow(l);
    if (!d) {
      pf__buf_free(&formats);
      return;
    }
    *d = (pf_extension_desc){.name = name, .version = PYFORGE_VERSION_STRING, .kind = "built-in",
                             .state = "loaded", .reason = "", .path = "", .abi = "",
                             .description = f->reader ? f->reader->description : f->writer->description};
    d->formats = own(l, pf__buf_take(&formats));
  }
}

/* A loaded plugin with a reason said it is unavailable (pf_plugin_unavailable). */
static const char *state_name(const pf__plugin_rec *r) {
  if (r->state == PF__PLUGIN_LOADED) return r->reason ? "unavailable" : "loaded";
  return r->state == PF__PLUGIN_FAILED ? "failed" : "disabled";
}

static void add_plugins(ext_list *l) {
  for (size_t i = 0; i < M.n_recs; i++) {
    const pf__plugin_rec *r = M.recs[i];
    pf_extension_desc *d = grow(l);
    if (!d) return;
    *d = (pf_extension_desc){.name = r->name, .version = r->version ? r->version : "",
                             .kind = "c-plugin", .state = state_name(r),
                             .reason = r->reason ? r->reason : "", .path = r->path,
                             .description = r->description ? r->description : "", .abi = r->abi};
    d->formats = own(l, pf__plugin_formats_text(r));
  }
}

size_t pf_extensions_list(const pf_extension_desc **out) {
  pf__plugins_discover();
  pthread_mutex_lock(&M.lock);
  if (!M.lists) M.lists = calloc(1, sizeof(ext_list));
  ext_list *l = lists_current();
  if (l && !l->items) {
    add_builtins(l);
    add_plugins(l);
    for (size_t i = 0; i < M.n_frontends; i++) {
      /* copied: a front end may replace its entry while this list lives */
      const pf_extension_desc *f = &M.frontends[i].desc;
      pf_extension_desc *d = grow(l);
      if (!d) break;
      d->name = own(l, pf__strdup(f->name));
      d->version = own(l, pf__strdup(f->version));
      d->kind = own(l, pf__strdup(f->kind));
      d->state = own(l, pf__strdup(f->state));
      d->reason = own(l, pf__strdup(f->reason));
      d->formats = own(l, pf__strdup(f->formats));
      d->path = own(l, pf__strdup(f->path));
      d->description = own(l, pf__strdup(f->description));
      d->abi = "";
    }
  }
  *out = l ? l->items : NULL;
  size_t n = l ? l->n : 0;
  pthread_mutex_unlock(&M.lock);
  return n;
}

char *pf_extensions_json(void) {
  const pf_extension_desc *d;
  size_t n = pf_extensions_list(&d);
  pf__buf b;
  pf__buf_init(&b, 0);
  pf_status st = pf__buf_putc(&b, '[');
  for (size_t i = 0; st == PF_OK && i < n; i++) {
    const char *keys[] = {"name", "version", "kind", "state", "reason", "formats", "path",
                          "description", "abi"};
    const char *vals[] = {d[i].name, d[i].version, d[i].kind, d[i].state, d[i].reason,
                          d[i].formats, d[i].path, d[i].description, d[i].abi};
    st = pf__buf_puts(&b, i ? ",{" : "{");
    for (size_t k = 0; st == PF_OK && k < sizeof keys / sizeof keys[0]; k++) {
      st = pf__json_key(&b, keys[k], k == 0);
      if (st == PF_OK) st = pf__json_cstr(&b, vals[k] ? vals[k] : "");
    }
    if (st == PF_OK) st = pf__buf_putc(&b, '}');
  }
  if (st == PF_OK) st = pf__buf_putc(&b, ']');
  if (st != PF_OK) {
    pf__buf_free(&b);
    return NULL;
  }
  return pf__buf_take(&b);
}

/* ---- front ends' entries ---- */

static int dup_into(const char **dst, const char *src, const char *fallback) {
  *dst = pf__strdup(src ? src : fallback);
  return *dst != NULL;
}

pf_status pf_extension_register(const pf_extension_desc *desc, const struct pf_hooks *hooks,
                                pf_error *err) {
  pf_error_init(err);
  if (!desc || !desc->name || !*desc->name)
    return pf__error_set(err, PF_EINVAL, "pf_extension_register needs a name");
  const char *kind = desc->kind && *desc->kind ? desc->kind : "python";
  if (!strcmp(kind, "built-in") || !strcmp(kind, "c-plugin"))
    return pf__error_set(err, PF_EINVAL, "a front end registers its own kind of extension, not '%s'",
                         kind);
  if (hooks && hooks->struct_size < offsetof(pf_hooks, state) + sizeof(void *))
    return pf__error_set(err, PF_EINVAL, "the hooks' struct_size is too small: set it to sizeof");
  pf__frontend_rec f;
  memset(&f, 0, sizeof f);
  int ok = dup_into(&f.desc.name, desc->name, "") && dup_into(&f.desc.version, desc->version, "") &&
           dup_into(&f.desc.kind, kind, "") && dup_into(&f.desc.state, desc->state, "loaded") &&
           dup_into(&f.desc.reason, desc->reason, "") && dup_into(&f.desc.formats, desc->formats, "") &&
           dup_into(&f.desc.path, desc->path, "") &&
           dup_into(&f.desc.description, desc->description, "") && dup_into(&f.desc.abi, "", "");
  if (hooks) {
    f.has_hooks = 1;
    memcpy(&f.hooks, hooks, hooks->struct_size < sizeof f.hooks ? hooks->struct_size : sizeof f.hooks);
    f.hooks.struct_size = sizeof f.hooks;
  }
  pthread_mutex_lock(&M.lock);
  size_t at = M.n_frontends;
  for (size_t i = 0; i < M.n_frontends; i++)
    if (!strcmp(M.frontends[i].desc.name, f.desc.name ? f.desc.name : "") &&
        !strcmp(M.frontends[i].desc.kind, kind))
      at = i;
  pf__frontend_rec *nf = ok && at == M.n_frontends
                             ? realloc(M.frontends, (M.n_frontends + 1) * sizeof *nf)
                             : M.frontends;
  if (!ok || !nf) {
    pthread_mutex_unlock(&M.lock);
    frontend_free(&f);
    return pf__error_set(err, PF_ENOMEM, "out of memory");
  }
  M.frontends = nf;
  if (at == M.n_frontends) M.n_frontends++;
  else frontend_free(&nf[at]); /* replaced; lists hold copies */
  nf[at] = f;
  pf__plugins_lists_changed();
  pthread_mutex_unlock(&M.lock);
  return PF_OK;
}

/* ---- hooks ---- */

pf_status pf__hooks_get(pf__hook_set *out) {
  memset(out, 0, sizeof *out);
  pthread_mutex_lock(&M.lock);
  size_t n = 0;
  for (size_t i = 0; i < M.n_recs; i++) n += M.recs[i]->state == PF__PLUGIN_LOADED && M.recs[i]->has_hooks;
  for (size_t i = 0; i < M.n_frontends; i++) n += M.frontends[i].has_hooks;
  pf_status st = PF_OK;
  if (n && !(out->items = calloc(n, sizeof *out->items))) st = PF_ENOMEM;
  for (size_t i = 0; st == PF_OK && i < M.n_recs; i++)
    if (M.recs[i]->state == PF__PLUGIN_LOADED && M.recs[i]->has_hooks)
      out->items[out->n++] = (pf__hook){M.recs[i]->name, M.recs[i]->hooks};
  for (size_t i = 0; st == PF_OK && i < M.n_frontends; i++)
    if (M.frontends[i].has_hooks)
      out->items[out->n++] = (pf__hook){M.frontends[i].desc.name, M.frontends[i].hooks};
  pthread_mutex_unlock(&M.lock);
  return st;
}

void pf__hooks_free(pf__hook_set *h) {
  free(h->items);
  memset(h, 0, sizeof *h);
}

/* What a hook of owner gets: the call's log with its name in front. */
typedef struct hook_call {
  pf__log log;
  pf__log_prefix fwd;
  pf_convert_event ev;
} hook_call;

static void hook_call_init(hook_call *c, const pf__hook *h, pf_options *options, const char *input,
                           const pf__log *log) {
  memset(c, 0, sizeof *c);
  pf__log_prefixed(&c->log, &c->fwd, log, h->owner);
  c->ev.struct_size = sizeof c->ev;
  c->ev.input = input ? input : "";
  c->ev.options = options;
  c->ev.log = &c->log;
}

/* A failed hook: logged with its owner's name; a required one's error
 * becomes the call's. */
static pf_status hook_failed(const pf__hook *h, const char *which, int required, pf_status st,
                             pf_error *e, const pf__log *log, pf_error *err) {
  const char *msg = e->message[0] ? e->message : pf_status_str(st);
  if (required) {
    pf_error_init(err);
    return pf__error_set(err, st, "the %s hook of %s failed (required): %s", which, h->owner, msg);
  }
  pf__log_msg(log, PF_LOG_WARN, "[%s] %s hook failed: %s; the conversion goes on", h->owner, which,
              msg);
  return PF_OK;
}

pf_status pf__hooks_pre(const pf__hook_set *h, pf_options *options, const char *input,
                        const pf__log *log, pf_error *err) {
  for (size_t i = 0; i < h->n; i++) {
    const pf__hook *k = &h->items[i];
    if (!k->hooks.pre_convert) continue;
    hook_call c;
    hook_call_init(&c, k, options, input, log);
    pf_error e;
    pf_error_init(&e);
    pf_status st = k->hooks.pre_convert(k->hooks.state, &c.ev, &e);
    if (st != PF_OK)
      PF_TRY(hook_failed(k, "pre-convert", (k->hooks.required & PF_HOOK_PRE_REQUIRED) != 0, st, &e,
                         log, err));
  }
  return PF_OK;
}

pf_status pf__hooks_post(const pf__hook_set *h, pf_options *options, const char *input,
                         const pf_convert_result *result, const pf__log *log, pf_error *err) {
  for (size_t i = 0; i < h->n; i++) {
    const pf__hook *k = &h->items[i];
    if (!k->hooks.post_convert) continue;
    hook_call c;
    hook_call_init(&c, k, options, input, log);
    c.ev.result = result;
    pf_error e;
    pf_error_init(&e);
    pf_status st = k->hooks.post_convert(k->hooks.state, &c.ev, &e);
    if (st != PF_OK)
      PF_TRY(hook_failed(k, "post-convert", (k->hooks.required & PF_HOOK_POST_REQUIRED) != 0, st,
                         &e, log, err));
  }
  return PF_OK;
}

void pf__hooks_error(const pf__hook_set *h, pf_options *options, const char *input,
                     const pf_error *error, const pf__log *log) {
  for (size_t i = 0; i < h->n; i++) {
    const pf__hook *k = &h->items[i];
    if (!k->hooks.on_error) continue;
    hook_call c;
    hook_call_init(&c, k, options, input, log);
    c.ev.error = error;
    c.ev.status = error ? error->status : PF_EINTERNAL;
    k->hooks.on_error(k->hooks.state, &c.ev);
  }
}

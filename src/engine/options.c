/* options.c - options by key: the pf_options handle, the list of keys the
 * tables declare, resolving a handle into the pf__opts a call runs with,
 * spelling keys in messages for a front end, cancel tokens, the version.
 *
 * A handle stores only the keys set, as validated canonical text (lists as
 * their items); everything else is at the table's default. Resolving
 * starts from the defaults (pf__opts_init) and applies what was set, so a
 * key's default lives in one place: its table entry.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "core/opts.h"
#include "engine/engine.h"
#include "engine/registry.h"

const char *pf_version(void) { return PYFORGE_VERSION_STRING; }

void pf_free(void *p) { free(p); }

/* ---- cancel tokens ---- */

struct pf_cancel {
  atomic_int flag;
};

_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "pf_cancel_request must be async-signal-safe");

pf_cancel *pf_cancel_new(void) {
  pf_cancel *c = malloc(sizeof *c);
  if (c) atomic_init(&c->flag, 0);
  return c;
}
void pf_cancel_free(pf_cancel *c) { free(c); }
void pf_cancel_request(pf_cancel *c) {
  if (c) atomic_store(&c->flag, 1);
}
void pf_cancel_clear(pf_cancel *c) {
  if (c) atomic_store(&c->flag, 0);
}
int pf_cancel_requested(const pf_cancel *c) {
  return c ? atomic_load(&((pf_cancel *)c)->flag) : 0;
}

/* ---- the keys ---- */

size_t pf_option_count(void) {
  size_t n_tables, n = 0;
  const pf__option_table *const *t = pf__option_tables(&n_tables);
  for (size_t i = 0; i < n_tables; i++) n += t[i]->n;
  return n;
}

static const pf__option *option_at(size_t index) {
  size_t n_tables;
  const pf__option_table *const *t = pf__option_tables(&n_tables);
  for (size_t i = 0; i < n_tables; i++) {
    if (index < t[i]->n) return &t[i]->options[index];
    index -= t[i]->n;
  }
  return NULL;
}

const pf_option_desc *pf_option_at(size_t index) {
  const pf__option *o = option_at(index);
  return o ? &o->d : NULL;
}

const pf__option *pf__option_find(const char *key) {
  if (!key) return NULL;
  for (size_t i = 0;; i++) {
    const pf__option *o = option_at(i);
    if (!o) return NULL;
    if (strcmp(o->d.key, key) == 0 || strcmp(o->d.name, key) == 0) return o;
  }
}

const pf_option_desc *pf_option_find(const char *key_or_name) {
  const pf__option *o = pf__option_find(key_or_name);
  return o ? &o->d : NULL;
}

/* Edit distance of a and b, capped at 3 (enough to suggest a key). */
static int distance(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  if (la > 64 || lb > 64) return 3;
  int row[65];
  for (size_t j = 0; j <= lb; j++) row[j] = (int)j;
  for (size_t i = 1; i <= la; i++) {
    int prev = row[0];
    row[0] = (int)i;
    for (size_t j = 1; j <= lb; j++) {
      int cur = row[j];
      int best = prev + (a[i - 1] != b[j - 1]);
      if (row[j] + 1 < best) best = row[j] + 1;
      if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
      row[j] = best;
      prev = cur;
    }
  }
  return row[lb] < 3 ? row[lb] : 3;
}

static pf_status unknown_key(const char *key, pf_error *err) {
  const pf__option *best = NULL;
  int best_d = 3;
  for (size_t i = 0; option_at(i); i++) {
    const pf__option *o = option_at(i);
    int d = distance(key, o->d.key);
    int dn = distance(key, o->d.name);
    if (dn < d) d = dn;
    if (d < best_d) best_d = d, best = o;
  }
  if (best)
    return pf__error_set(err, PF_EINVAL, "unknown option '%s'; did you mean %s?", key, best->d.key);
  return pf__error_set(err, PF_EINVAL,
                       "unknown option '%s'; the keys are listed in docs/cli.md", key);
}

/* ---- the handle ---- */

typedef struct optval {
  const pf__option *opt;
  char *text;       /* canonical text; lists: the items joined by ", "    */
  char **items;     /* lists                                              */
  size_t n_items;
} optval;

struct pf_options {
  optval *vals;     /* the keys set, in the order first set               */
  size_t n_vals;
  pf__input in;
  pf_log_fn log;
  void *log_user;
  pf_progress_fn progress;
  void *progress_user;
  pf_schema_fn on_schema;
  void *on_schema_user;
  pf_cancel *cancel;
};

pf_options *pf_options_new(void) {
  return calloc(1, sizeof(pf_options));
}

static void optval_clear(optval *v) {
  free(v->text);
  for (size_t i = 0; i < v->n_items; i++) free(v->items[i]);
  free(v->items);
  v->text = NULL;
  v->items = NULL;
  v->n_items = 0;
}

void pf_options_free(pf_options *o) {
  if (!o) return;
  for (size_t i = 0; i < o->n_vals; i++) optval_clear(&o->vals[i]);
  free(o->vals);
  free(o);
}

/* By entry, or by key: a plugin reloaded meanwhile declares its keys
 * again in new entries (the old ones stay valid until shutdown). */
static optval *find_val(const pf_options *o, const pf__option *opt) {
  for (size_t i = 0; i < o->n_vals; i++)
    if (o->vals[i].opt == opt || strcmp(o->vals[i].opt->d.key, opt->d.key) == 0) return &o->vals[i];
  return NULL;
}

static optval *get_val(pf_options *o, const pf__option *opt) {
  optval *v = find_val(o, opt);
  if (v) return v;
  optval *nv = realloc(o->vals, (o->n_vals + 1) * sizeof *nv);
  if (!nv) return NULL;
  o->vals = nv;
  v = &nv[o->n_vals++];
  memset(v, 0, sizeof *v);
  v->opt = opt;
  return v;
}

static void drop_val(pf_options *o, const pf__option *opt) {
  optval *v = find_val(o, opt);
  if (!v) return;
  optval_clear(v);
  size_t i = (size_t)(v - o->vals);
  memmove(&o->vals[i], &o->vals[i + 1], (o->n_vals - i - 1) * sizeof *v);
  o->n_vals--;
}

/* The items of value for a list key: split at commas (trimmed) when the key
 * allows it, else value itself; each checked. */
static pf_status split_items(const pf__option *opt, const char *value, char ***out,
                             size_t *n_out, pf_error *err) {
  *out = NULL;
  *n_out = 0;
  size_t cap = 1;
  if (opt->d.flags & PF_OPTION_COMMAS)
    for (const char *p = value; *p; p++) cap += *p == ',';
  char **items = calloc(cap, sizeof *items);
  if (!items) return PF_ENOMEM;
  size_t n = 0;
  pf_status st = PF_OK;
  for (const char *p = value; st == PF_OK;) {
    const char *e = (opt->d.flags & PF_OPTION_COMMAS) ? strchr(p, ',') : NULL;
    if (!e) e = p + strlen(p);
    const char *a = p, *b = e;
    if (opt->d.flags & PF_OPTION_COMMAS) {
      while (a < b && *a == ' ') a++;
      while (b > a && b[-1] == ' ') b--;
    }
    items[n] = pf__strndup(a, (size_t)(b - a));
    if (!items[n]) st = PF_ENOMEM;
    else if ((opt->d.flags & PF_OPTION_NONEMPTY) && !items[n][0])
      st = pf__error_set(err, PF_EINVAL, "%s takes %s; got '%s'", opt->d.key, opt->d.takes, value);
    n++;
    if (!*e) break;
    p = e + 1;
  }
  if (st != PF_OK) {
    for (size_t i = 0; i < n; i++) free(items[i]);
    free(items);
    return st;
  }
  *out = items;
  *n_out = n;
  return PF_OK;
}

/* v->text for a list: its items joined by ", ". */
static pf_status join_items(optval *v) {
  pf__buf b;
  pf__buf_init(&b, 0);
  pf_status st = pf__buf_puts(&b, "");
  for (size_t i = 0; st == PF_OK && i < v->n_items; i++)
    st = pf__buf_printf(&b, "%s%s", i ? ", " : "", v->items[i]);
  if (st != PF_OK) {
    pf__buf_free(&b);
    return st;
  }
  free(v->text);
  v->text = pf__buf_take(&b);
  return PF_OK;
}

static pf_status set_or_add(pf_options *o, const char *key, const char *value, int add,
                            pf_error *err) {
  pf_error_init(err);
  if (!o) return pf__error_set(err, PF_EINVAL, "no options handle");
  const pf__option *opt = pf__option_find(key);
  if (!opt) return unknown_key(key ? key : "", err);
  if (!value) return pf__error_set(err, PF_EINVAL, "%s needs a value (%s)", opt->d.key, opt->d.takes);
  if (opt->d.type != PF_OPTION_LIST) {
    if (add) return pf__error_set(err, PF_EINVAL, "%s takes one value, not a list", opt->d.key);
    int64_t num;
    PF_TRY(pf__option_parse(opt, value, &num, err));
    char *text = pf__option_canon(opt, value);
    optval *v = text ? get_val(o, opt) : NULL;
    if (!v) {
      free(text);
      return pf__error_set(err, PF_ENOMEM, "out of memory");
    }
    free(v->text);
    v->text = text;
    return PF_OK;
  }
  char **items;
  size_t n;
  pf_status st = split_items(opt, value, &items, &n, err);
  if (st == PF_ENOMEM) return pf__error_set(err, st, "out of memory");
  PF_TRY(st);
  optval *v = get_val(o, opt);
  char **all = v ? realloc(add ? v->items : NULL, ((add ? v->n_items : 0) + n) * sizeof *all) : NULL;
  if (!all) {
    for (size_t i = 0; i < n; i++) free(items[i]);
    free(items);
    return pf__error_set(err, PF_ENOMEM, "out of memory");
  }
  if (!add) {
    for (size_t i = 0; i < v->n_items; i++) free(v->items[i]);
    free(v->items);
    v->n_items = 0;
  }
  memcpy(all + v->n_items, items, n * sizeof *items);
  free(items);
  v->items = all;
  v->n_items += n;
  if (join_items(v) != PF_OK) return pf__error_set(err, PF_ENOMEM, "out of memory");
  return PF_OK;
}

pf_status pf_options_set(pf_options *o, const char *key, const char *value, pf_error *err) {
  return set_or_add(o, key, value, 0, err);
}

pf_status pf_options_add(pf_options *o, const char *key, const char *value, pf_error *err) {
  const pf__option *opt = pf__option_find(key);
  return set_or_add(o, key, value, opt && opt->d.type == PF_OPTION_LIST, err);
}

pf_status pf_options_reset(pf_options *o, const char *key, pf_error *err) {
  pf_error_init(err);
  if (!o) return pf__error_set(err, PF_EINVAL, "no options handle");
  if (!key) {
    while (o->n_vals) drop_val(o, o->vals[0].opt);
    return PF_OK;
  }
  const pf__option *opt = pf__option_find(key);
  if (!opt) return unknown_key(key, err);
  drop_val(o, opt);
  return PF_OK;
}

pf_status pf_options_get(const pf_options *o, const char *key, const char **value,
                         pf_error *err) {
  pf_error_init(err);
  *value = NULL;
  const pf__option *opt = pf__option_find(key);
  if (!opt) return unknown_key(key ? key : "", err);
  const optval *v = o ? find_val(o, opt) : NULL;
  *value = v ? v->text : opt->d.default_value;
  return PF_OK;
}

int pf_options_is_set(const pf_options *o, const char *key) {
  const pf__option *opt = pf__option_find(key);
  return o && opt && find_val(o, opt) != NULL;
}

size_t pf_options_count(const pf_options *o, const char *key) {
  const pf__option *opt = pf__option_find(key);
  const optval *v = o && opt ? find_val(o, opt) : NULL;
  return v ? v->n_items : 0;
}

const char *pf_options_item(const pf_options *o, const char *key, size_t i) {
  const pf__option *opt = pf__option_find(key);
  const optval *v = o && opt ? find_val(o, opt) : NULL;
  return v && i < v->n_items ? v->items[i] : NULL;
}

pf_options *pf_options_copy(const pf_options *o) {
  if (!o) return NULL;
  pf_options *c = pf_options_new();
  if (!c) return NULL;
  *c = *o;
  c->vals = NULL;
  c->n_vals = 0;
  if (o->n_vals && !(c->vals = calloc(o->n_vals, sizeof *c->vals))) goto oom;
  for (size_t i = 0; i < o->n_vals; i++) {
    const optval *s = &o->vals[i];
    optval *d = &c->vals[c->n_vals++];
    d->opt = s->opt;
    d->text = pf__strdup(s->text);
    if (s->text && !d->text) goto oom;
    if (s->n_items && !(d->items = calloc(s->n_items, sizeof *d->items))) goto oom;
    for (; d->n_items < s->n_items; d->n_items++)
      if (!(d->items[d->n_items] = pf__strdup(s->items[d->n_items]))) goto oom;
  }
  return c;
oom:
  pf_options_free(c);
  return NULL;
}

void pf_options_set_input_fd(pf_options *o, int fd) {
  if (!o) return;
  memset(&o->in, 0, sizeof o->in);
  if (fd >= 0) o->in.kind = PF__INPUT_FD, o->in.fd = fd;
}

void pf_options_set_input_buffer(pf_options *o, const void *data, size_t size) {
  if (!o) return;
  memset(&o->in, 0, sizeof o->in);
  if (data) o->in.kind = PF__INPUT_BUFFER, o->in.data = data, o->in.size = size;
}

void pf_options_set_log(pf_options *o, pf_log_fn fn, void *user) {
  if (o) o->log = fn, o->log_user = user;
}
void pf_options_set_progress(pf_options *o, pf_progress_fn fn, void *user) {
  if (o) o->progress = fn, o->progress_user = user;
}
void pf_options_set_schema_callback(pf_options *o, pf_schema_fn fn, void *user) {
  if (o) o->on_schema = fn, o->on_schema_user = user;
}
void pf_options_set_cancel(pf_options *o, pf_cancel *c) {
  if (o) o->cancel = c;
}

/* ---- resolving ---- */

void pf__opts_init(pf__opts *r) {
  memset(r, 0, sizeof *r);
  for (size_t i = 0; option_at(i); i++) {
    const pf__option *opt = option_at(i);
    if (opt->d.default_value) pf__option_apply(opt, r, opt->d.default_value, NULL, 0);
  }
}

pf_status pf__opts_resolve(const pf_options *h, pf__opts *r, pf_error *err) {
  pf__opts_init(r);
  if (!h) return pf__error_set(err, PF_EINVAL, "no options given");
  for (size_t i = 0; i < h->n_vals; i++) {
    const optval *v = &h->vals[i];
    pf__option_apply(v->opt, r, v->text, (const char *const *)v->items, v->n_items);
  }
  r->in = h->in;
  if (!r->input && r->in.kind != PF__INPUT_PATH) r->input = "";
  pf__settings_from_env(&r->settings); /* per call: the environment now */
  r->log = h->log;
  r->log_user = h->log_user;
  r->progress = h->progress;
  r->progress_user = h->progress_user;
  r->on_schema = h->on_schema;
  r->on_schema_user = h->on_schema_user;
  r->cancel = h->cancel ? &h->cancel->flag : NULL;
  r->handle = h;
  return PF_OK;
}

int pf__opts_has_input(const pf__opts *o) {
  return (o->input && *o->input) || o->in.kind != PF__INPUT_PATH;
}

/* A bound list key's field in o; NULL for keys without a field. */
static const pf__option *bound_list(const char *key) {
  const pf__option *opt = key ? pf__option_find(key) : NULL;
  return opt && opt->bind == PF__BIND_LIST ? opt : NULL;
}

size_t pf__opts_count(const pf__opts *o, const char *key) {
  const pf__option *opt = bound_list(key);
  if (opt) return *(const size_t *)((const char *)o + opt->count_offset);
  return key && o->handle ? pf_options_count(o->handle, key) : 0;
}

const char *pf__opts_item(const pf__opts *o, const char *key, size_t i) {
  if (i >= pf__opts_count(o, key)) return NULL;
  const pf__option *opt = bound_list(key);
  if (opt) return (*(const char *const *const *)((const char *)o + opt->offset))[i];
  return pf_options_item(o->handle, key, i);
}

const char *pf__opts_text(const pf__opts *o, const char *key) {
  const char *v = NULL;
  if (o->handle) pf_options_get(o->handle, key, &v, NULL);
  else {
    const pf__option *opt = pf__option_find(key);
    v = opt ? opt->d.default_value : NULL;
  }
  return v;
}

/* ---- spelling keys in messages ---- */

static int key_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.';
}

static void put_bytes(char *buf, size_t n, size_t *len, const char *s, size_t k) {
  for (size_t i = 0; i < k; i++, (*len)++)
    if (*len + 1 < n) buf[*len] = s[i];
}

size_t pf_spell_options(const char *text, pf_spell_fn spell, void *user, char *buf, size_t n) {
  size_t len = 0;
  const char *p = text ? text : "";
  while (*p) {
    int boundary = p == text || !(key_char(p[-1]) || p[-1] == '/' || p[-1] == '-');
    size_t w = 0;
    while (boundary && key_char(p[w])) w++;
    while (w && p[w - 1] == '.') w--; /* a sentence's full stop */
    char word[128];
    const pf__option *opt = NULL;
    if (w > 0 && w < sizeof word && memchr(p, '.', w)) {
      memcpy(word, p, w);
      word[w] = 0;
      opt = pf__option_find(word);
      if (opt && strcmp(opt->d.key, word) != 0) opt = NULL; /* keys only */
    }
    if (!opt) {
      size_t k = w ? w : 1;
      put_bytes(buf, n, &len, p, k);
      p += k;
      continue;
    }
    const char *after = p + w;
    char value[256];
    const char *val = NULL;
    if (*after == '=') {
      size_t v = 1;
      while (after[v] && !strchr(" \t\n,;)'\"", after[v])) v++;
      size_t vl = v - 1;
      while (vl && after[vl] == '.') vl--;
      if (vl < sizeof value) {
        memcpy(value, after + 1, vl);
        value[vl] = 0;
        val = value;
        after += 1 + vl;
      }
    }
    char out[512];
    size_t k = spell(user, &opt->d, val, out, sizeof out);
    if (k >= sizeof out) k = sizeof out - 1;
    put_bytes(buf, n, &len, out, k);
    p = after;
  }
  if (n > 0) buf[len < n ? len : n - 1] = 0;
  return len;
}

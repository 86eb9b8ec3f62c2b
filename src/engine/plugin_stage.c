/* plugin_stage.c - what a plugin registers from its init: readers, writers,
 * option keys and hooks, each checked (complete, well named, no clash with
 * a built-in format or a plugin loaded before) and copied into the plugin's
 * record. Nothing reaches the registry until init returned PF_OK; a
 * refused registration fails the whole plugin (plugin_load.c).
 *
 * Copies: a descriptor is copied at the size the plugin was compiled with
 * (struct_size; the fields it does not know are zero), and every string in
 * it, so listings stay readable after the plugin is unloaded.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "engine/plugin_internal.h"

pf__plugin_rec *pf__plugin_rec_of(pf_plugin *pl) { return pl ? pl->host_data : NULL; }

static int keep_block(pf__plugin_rec *rec, void *p) {
  if (!p) return 0;
  void **nb = realloc(rec->blocks, (rec->n_blocks + 1) * sizeof *nb);
  if (!nb) {
    free(p);
    return 0;
  }
  rec->blocks = nb;
  nb[rec->n_blocks++] = p;
  return 1;
}

char *pf__plugin_keep(pf__plugin_rec *rec, const char *s) {
  if (!s) return NULL;
  char *c = pf__strdup(s);
  return keep_block(rec, c) ? c : NULL;
}

void pf__plugin_rec_free(pf__plugin_rec *rec) {
  if (!rec) return;
  for (size_t i = 0; i < rec->n_blocks; i++) free(rec->blocks[i]);
  free(rec->blocks);
  free(rec->readers);
  free(rec->writers);
  free(rec->tables);
  free(rec->path);
  free(rec->name);
  free(rec->version);
  free(rec->description);
  free(rec->reason);
  free(rec->refused);
  free(rec);
}

/* Records why a registration was refused (the first reason wins) and
 * returns it as the call's error too. */
static pf_status refuse(pf__plugin_rec *rec, pf_error *err, const char *fmt, ...)
    PF__PRINTF(3, 4);
static pf_status refuse(pf__plugin_rec *rec, pf_error *err, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *msg = pf__vaprintf(fmt, ap);
  va_end(ap);
  if (rec && !rec->refused) rec->refused = msg;
  pf__error_set(err, PF_EINVAL, "%s", msg ? msg : "refused");
  if (!rec || rec->refused != msg) free(msg);
  return PF_EINVAL;
}

static pf_status no_memory(pf_error *err) { return pf__error_set(err, PF_ENOMEM, "out of memory"); }

/* [a-z0-9_]+ (format names; option key parts) */
static int plain_name(const char *s, size_t n) {
  if (!s || !n) return 0;
  for (size_t i = 0; i < n; i++)
    if (!(islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) || s[i] == '_')) return 0;
  return 1;
}

/* ---- what is taken already: built-in formats, loaded plugins, staged ---- */

typedef int (*format_match_fn)(const void *ops, int writer, const char *what, size_t n);

static int name_match(const void *ops, int writer, const char *what, size_t n) {
  const char *name = writer ? ((const pf__writer_ops *)ops)->name : ((const pf__reader_ops *)ops)->name;
  return strlen(name) == n && strncasecmp(name, what, n) == 0;
}

static int ext_match(const void *ops, int writer, const char *what, size_t n) {
  const char *p = writer ? ((const pf__writer_ops *)ops)->extensions
                         : ((const pf__reader_ops *)ops)->extensions;
  while (p && *p) {
    while (*p == ' ') p++;
    size_t w = strcspn(p, " ");
    if (w == n && strncasecmp(p, what, n) == 0) return 1;
    p += w;
  }
  return 0;
}

/* The records whose registrations count: loaded plugins, then self (the
 * one being initialised, staged). */
static const pf__plugin_rec *rec_at(const pf__plugin_rec *self, size_t r) {
  if (r == pf__plugins.n_recs) return self;
  const pf__plugin_rec *rec = pf__plugins.recs[r];
  return rec != self && rec->state == PF__PLUGIN_LOADED ? rec : NULL;
}

/* Who has a reader/writer matching what: "built-in", a plugin's name, or
 * NULL; *fmt gets that format's name. */
static const char *format_owner(const pf__plugin_rec *self, int writer, format_match_fn match,
                                const char *what, size_t n, const char **fmt) {
  const pf__registry *b = pf__registry_builtin();
  size_t nb = writer ? b->n_writers : b->n_readers;
  for (size_t i = 0; i < nb; i++) {
    const void *ops = writer ? (const void *)b->writers[i].writer : (const void *)b->readers[i].reader;
    if (match(ops, writer, what, n)) {
      *fmt = writer ? b->writers[i].writer->name : b->readers[i].reader->name;
      return "built-in";
    }
  }
  for (size_t r = 0; r <= pf__plugins.n_recs; r++) {
    const pf__plugin_rec *rec = rec_at(self, r);
    size_t k = !rec ? 0 : writer ? rec->n_writers : rec->n_readers;
    for (size_t i = 0; i < k; i++) {
      const void *ops = writer ? (const void *)&rec->writers[i] : (const void *)&rec->readers[i];
      if (match(ops, writer, what, n)) {
        *fmt = writer ? rec->writers[i].name : rec->readers[i].name;
        return rec->pl.name ? rec->pl.name : rec->name;
      }
    }
  }
  return NULL;
}

static pf_status check_format(pf__plugin_rec *rec, int writer, const char *name, const char *exts,
                              pf_error *err) {
  const char *kind = writer ? "writer" : "reader";
  if (!name || !plain_name(name, strlen(name)))
    return refuse(rec, err, "a %s needs a name of lower-case letters, digits and '_' (got '%s')", kind,
                  name ? name : "");
  const char *fmt, *who = format_owner(rec, writer, name_match, name, strlen(name), &fmt);
  if (who && strcmp(who, "built-in") == 0)
    return refuse(rec, err, "format name '%s' clashes with the built-in %s %s", name, fmt, kind);
  if (who)
    return refuse(rec, err, "format name '%s' clashes with plugin %s's %s %s", name, who, fmt, kind);
  for (const char *p = exts ? exts : ""; *p;) {
    while (*p == ' ') p++;
    size_t w = strcspn(p, " ");
    if (!w) break;
    if (p[0] != '.' || w < 2)
      return refuse(rec, err, "%s '%s': extension '%.*s' must start with '.'", kind, name, (int)w, p);
    who = format_owner(rec, writer, ext_match, p, w, &fmt);
    if (who)
      return refuse(rec, err, "%s '%s': extension %.*s is already the %s%s %s %s's", kind, name,
                    (int)w, p, strcmp(who, "built-in") == 0 ? "built-in" : "plugin ",
                    strcmp(who, "built-in") == 0 ? "" : who, fmt, kind);
    p += w;
  }
  return PF_OK;
}

/* The def at the size the plugin compiled it, zero beyond; strings kept. */
static void *copy_def(pf__plugin_rec *rec, const void *def, size_t host_size, pf_error *err) {
  size_t size = *(const size_t *)def;
  if (size < sizeof(size_t) + 4 * sizeof(void *)) {
    refuse(rec, err, "a descriptor's struct_size (%zu) is too small: set it to sizeof", size);
    return NULL;
  }
  void *c = calloc(1, host_size);
  if (!c) {
    no_memory(err);
    return NULL;
  }
  memcpy(c, def, size < host_size ? size : host_size);
  *(size_t *)c = host_size;
  return c;
}

/* Replaces a borrowed string by the record's copy; 0 when out of memory. */
#define KEEP(rec, field) (!(field) || ((field) = pf__plugin_keep((rec), (field))) != NULL)

/* The texts every format descriptor has, replaced by the record's copies
 * (description and extensions "" when absent). */
static pf_status keep_format_texts(pf__plugin_rec *rec, const char **name, const char **description,
                                   const char **extensions, const char **note, pf_error *err) {
  if (!KEEP(rec, *name) || !KEEP(rec, *description) || !KEEP(rec, *extensions) || !KEEP(rec, *note))
    return no_memory(err);
  if (!*description) *description = "";
  if (!*extensions) *extensions = "";
  return PF_OK;
}

pf_status pf__plugin_add_reader(pf_plugin *pl, const pf_reader_def *def, pf_error *err) {
  pf__plugin_rec *rec = pf__plugin_rec_of(pl);
  if (!rec || !def) return pf__error_set(err, PF_EINVAL, "add_reader needs the plugin and a definition");
  pf_reader_def *d = copy_def(rec, def, sizeof *d, err);
  if (!d) return err ? err->status : PF_EINVAL;
  pf_status st = check_format(rec, 0, d->name, d->extensions, err);
  if (st == PF_OK && (!d->open || !d->schema || !d->next || !d->rewind || !d->info || !d->close))
    st = refuse(rec, err, "reader '%s' lacks open, schema, next, rewind, info or close", d->name);
  if (st == PF_OK && (!d->n_tables != !d->table || !d->n_tables != !d->select))
    st = refuse(rec, err, "reader '%s': n_tables, table and select go together", d->name);
  pf_reader_def *all = st == PF_OK ? realloc(rec->readers, (rec->n_readers + 1) * sizeof *all) : NULL;
  if (st == PF_OK && !all) st = no_memory(err);
  if (all) rec->readers = all;
  if (st == PF_OK) st = keep_format_texts(rec, &d->name, &d->description, &d->extensions,
                                          &d->extensions_note, err);
  if (st == PF_OK && (!KEEP(rec, d->table_word) || !KEEP(rec, d->tables_in) ||
                      !KEEP(rec, d->tables_key)))
    st = no_memory(err);
  if (st == PF_OK) all[rec->n_readers++] = *d;
  free(d);
  return st;
}

pf_status pf__plugin_add_writer(pf_plugin *pl, const pf_writer_def *def, pf_error *err) {
  pf__plugin_rec *rec = pf__plugin_rec_of(pl);
  if (!rec || !def) return pf__error_set(err, PF_EINVAL, "add_writer needs the plugin and a definition");
  pf_writer_def *d = copy_def(rec, def, sizeof *d, err);
  if (!d) return err ? err->status : PF_EINVAL;
  pf_status st = check_format(rec, 1, d->name, d->extensions, err);
  if (st == PF_OK && (!d->open || !d->write || !d->close || !d->abort))
    st = refuse(rec, err, "writer '%s' lacks open, write, close or abort", d->name);
  if (st == PF_OK && !d->commit && (!d->extensions || !*d->extensions))
    st = refuse(rec, err, "file writer '%s' needs an extension (the default output's)", d->name);
  pf_writer_def *all = st == PF_OK ? realloc(rec->writers, (rec->n_writers + 1) * sizeof *all) : NULL;
  if (st == PF_OK && !all) st = no_memory(err);
  if (all) rec->writers = all;
  if (st == PF_OK) st = keep_format_texts(rec, &d->name, &d->description, &d->extensions,
                                          &d->extensions_note, err);
  if (st == PF_OK) all[rec->n_writers++] = *d;
  free(d);
  return st;
}

/* ---- option keys ---- */

typedef int (*option_match_fn)(const pf_option_desc *d, const char *what);

static int key_match(const pf_option_desc *d, const char *what) {
  return strcmp(d->key, what) == 0 || strcmp(d->name, what) == 0;
}
static int flag_match(const pf_option_desc *d, const char *what) {
  for (const pf_option_flag *f = d->cli; f && f->flag; f++)
    if (strcmp(f->flag, what) == 0) return 1;
  return 0;
}

/* The key (built-in, a loaded plugin's, or staged) matching what. */
static const char *option_owner(const pf__plugin_rec *self, option_match_fn match, const char *what) {
  const pf__registry *b = pf__registry_builtin();
  for (size_t t = 0; t < b->n_tables; t++)
    for (size_t i = 0; i < b->tables[t]->n; i++)
      if (match(&b->tables[t]->options[i].d, what)) return b->tables[t]->options[i].d.key;
  for (size_t r = 0; r <= pf__plugins.n_recs; r++) {
    const pf__plugin_rec *rec = rec_at(self, r);
    for (size_t t = 0; rec && t < rec->n_tables; t++)
      for (size_t i = 0; i < rec->tables[t].n; i++)
        if (match(&rec->tables[t].options[i].d, what)) return rec->tables[t].options[i].d.key;
  }
  return NULL;
}

/* Is the key's namespace the plugin's own: "<its name>." or "<a format it
 * registered>."? */
static int own_namespace(const pf__plugin_rec *rec, const char *key) {
  const char *dot = strchr(key, '.');
  if (!dot || !plain_name(dot + 1, strlen(dot + 1))) return 0;
  size_t n = (size_t)(dot - key);
  const char *pname = rec->pl.name;
  if (pname && strlen(pname) == n && strncmp(pname, key, n) == 0) return 1;
  for (size_t i = 0; i < rec->n_readers; i++)
    if (strlen(rec->readers[i].name) == n && strncmp(rec->readers[i].name, key, n) == 0) return 1;
  for (size_t i = 0; i < rec->n_writers; i++)
    if (strlen(rec->writers[i].name) == n && strncmp(rec->writers[i].name, key, n) == 0) return 1;
  return 0;
}

/* An enum's names from its values text "a, b, c": value = position. */
static pf__name *enum_names(pf__plugin_rec *rec, const char *values) {
  size_t n = 1;
  for (const char *p = values; *p; p++) n += *p == ',';
  pf__name *names = calloc(n + 1, sizeof *names);
  if (!keep_block(rec, names)) return NULL;
  size_t k = 0;
  for (const char *p = values; *p;) {
    while (*p == ' ') p++;
    size_t w = strcspn(p, ",");
    size_t t = w;
    while (t && p[t - 1] == ' ') t--;
    char *name = t ? pf__strndup(p, t) : NULL;
    if (t && !keep_block(rec, name)) return NULL;
    if (t) names[k] = (pf__name){name, (int)k}, k++;
    p += w;
    if (*p == ',') p++;
  }
  return k ? names : NULL;
}

static pf_status copy_flags(pf__plugin_rec *rec, pf_option_desc *d, pf_error *err) {
  if (!d->cli) return PF_OK;
  size_t n = 0;
  while (d->cli[n].flag) n++;
  pf_option_flag *f = calloc(n + 1, sizeof *f);
  if (!keep_block(rec, f)) return no_memory(err);
  for (size_t i = 0; i < n; i++) {
    const char *flag = d->cli[i].flag;
    if (flag[0] != '-' || strlen(flag) < 2 || strchr(flag, '=') || strchr(flag, ' '))
      return refuse(rec, err, "option %s: '%s' is not a command-line flag", d->key, flag);
    const char *who = option_owner(rec, flag_match, flag);
    if (!who)
      for (size_t k = 0; k < i; k++)
        if (strcmp(f[k].flag, flag) == 0) who = d->key;
    if (who) return refuse(rec, err, "option %s: flag %s is taken by another option", d->key, flag);
    f[i].flag = pf__plugin_keep(rec, flag);
    f[i].value = pf__plugin_keep(rec, d->cli[i].value);
    if (!f[i].flag || (d->cli[i].value && !f[i].value)) return no_memory(err);
  }
  d->cli = f;
  return PF_OK;
}

/* Checks and copies one key into o. */
static pf_status stage_option(pf__plugin_rec *rec, const pf_option_desc *src, unsigned default_uses,
                              const char *section, pf__option *o, pf_error *err) {
  size_t size = src->struct_size;
  if (size < offsetof(pf_option_desc, min))
    return refuse(rec, err, "an option's struct_size (%zu) is too small: set it to sizeof", size);
  memcpy(&o->d, src, size < sizeof o->d ? size : sizeof o->d);
  o->d.struct_size = sizeof o->d;
  pf_option_desc *d = &o->d;
  if (!d->key || !own_namespace(rec, d->key))
    return refuse(rec, err,
                  "option key '%s' is not in the plugin's namespace (<plugin or format>.<name>, "
                  "lower-case)",
                  d->key ? d->key : "");
  if (!d->name || !(isalpha((unsigned char)d->name[0]) || d->name[0] == '_') ||
      !plain_name(d->name, strlen(d->name)))
    return refuse(rec, err, "option %s: its short name must be a Python identifier", d->key);
  const char *who = option_owner(rec, key_match, d->key);
  if (!who) who = option_owner(rec, key_match, d->name);
  if (who) return refuse(rec, err, "option %s (%s) clashes with %s", d->key, d->name, who);
  if ((unsigned)d->type > PF_OPTION_LIST)
    return refuse(rec, err, "option %s: unknown type %d", d->key, (int)d->type);
  if (d->type == PF_OPTION_ENUM && (!d->values || !*d->values))
    return refuse(rec, err, "option %s: an enum lists its values", d->key);
  if ((d->type == PF_OPTION_INT || d->type == PF_OPTION_SIZE) && d->min > d->max)
    return refuse(rec, err, "option %s: min > max", d->key);
  if (!d->uses) d->uses = default_uses;
  if (!d->section) d->section = section;
  if (!d->help) d->help = "";
  static const char *const takes[] = {"true or false", "an integer", "a size (K, M, G suffixes)",
                                      NULL, "one character", "text", "a list of texts"};
  if (!d->takes) d->takes = d->type == PF_OPTION_ENUM ? d->values : takes[d->type];
  if (!KEEP(rec, d->key) || !KEEP(rec, d->name) || !KEEP(rec, d->section) || !KEEP(rec, d->help) ||
      !KEEP(rec, d->takes) || !KEEP(rec, d->default_value) || !KEEP(rec, d->values) ||
      !KEEP(rec, d->metavar))
    return no_memory(err);
  PF_TRY(copy_flags(rec, d, err));
  o->bind = PF__BIND_NONE; /* a plugin reads its keys by key */
  if (d->type == PF_OPTION_ENUM && !(o->names = enum_names(rec, d->values))) return no_memory(err);
  int64_t num;
  if (d->default_value && pf__option_parse(o, d->default_value, &num, NULL) != PF_OK)
    return refuse(rec, err, "option %s: its default '%s' is not one of its values", d->key,
                  d->default_value);
  return PF_OK;
}

pf_status pf__plugin_add_options(pf_plugin *pl, const char *format, const pf_option_desc *opts,
                                 size_t n, pf_error *err) {
  pf__plugin_rec *rec = pf__plugin_rec_of(pl);
  if (!rec || (!opts && n)) return pf__error_set(err, PF_EINVAL, "add_options needs the plugin and keys");
  const char *writer = NULL;
  unsigned uses = PF_USE_READ;
  for (size_t i = 0; format && i < rec->n_writers; i++)
    if (strcmp(rec->writers[i].name, format) == 0) writer = rec->writers[i].name, uses = PF_USE_CONVERT;
  int known = !format || writer;
  for (size_t i = 0; format && !known && i < rec->n_readers; i++) known = strcmp(rec->readers[i].name, format) == 0;
  if (!known) return refuse(rec, err, "add_options: '%s' is not a format this plugin added", format);
  char *section = pf__aprintf("Options of plugin %s%s%s%s", rec->pl.name ? rec->pl.name : rec->name,
                              format ? " (" : "", format ? format : "", format ? ")" : "");
  if (!keep_block(rec, section)) return no_memory(err);
  pf__option *o = calloc(n ? n : 1, sizeof *o);
  if (!keep_block(rec, o)) return no_memory(err);
  size_t stride = n ? opts->struct_size : 0; /* the plugin's sizeof, not ours */
  for (size_t i = 0; i < n; i++) {
    const pf_option_desc *src = (const pf_option_desc *)((const char *)opts + i * stride);
    pf_status st = stage_option(rec, src, uses, section, &o[i], err);
    if (st != PF_OK) return st;
    for (size_t k = 0; k < i; k++) {
      if (key_match(&o[k].d, o[i].d.key) || key_match(&o[k].d, o[i].d.name))
        return refuse(rec, err, "option %s is declared twice", o[i].d.key);
      for (const pf_option_flag *f = o[i].d.cli; f && f->flag; f++)
        if (flag_match(&o[k].d, f->flag))
          return refuse(rec, err, "option %s: flag %s is taken by another option", o[i].d.key,
                        f->flag);
    }
  }
  pf__option_table *t = realloc(rec->tables, (rec->n_tables + 1) * sizeof *t);
  if (!t) return no_memory(err);
  rec->tables = t;
  t[rec->n_tables++] = (pf__option_table){.options = o, .n = n, .writer = writer};
  return PF_OK;
}

pf_status pf__plugin_add_hooks(pf_plugin *pl, const pf_hooks *hooks, pf_error *err) {
  pf__plugin_rec *rec = pf__plugin_rec_of(pl);
  if (!rec || !hooks) return pf__error_set(err, PF_EINVAL, "add_hooks needs the plugin and hooks");
  if (rec->has_hooks) return refuse(rec, err, "add_hooks: a plugin registers its hooks once");
  size_t size = hooks->struct_size;
  if (size < offsetof(pf_hooks, state) + sizeof(void *))
    return refuse(rec, err, "the hooks' struct_size (%zu) is too small: set it to sizeof", size);
  memset(&rec->hooks, 0, sizeof rec->hooks);
  memcpy(&rec->hooks, hooks, size < sizeof rec->hooks ? size : sizeof rec->hooks);
  rec->hooks.struct_size = sizeof rec->hooks;
  rec->has_hooks = 1;
  return PF_OK;
}

char *pf__plugin_formats_text(const pf__plugin_rec *rec) {
  pf__buf b;
  pf__buf_init(&b, 0);
  pf__buf_puts(&b, "");
  for (size_t i = 0; i < rec->n_readers; i++)
    pf__buf_printf(&b, "%s%s (input)", b.len ? ", " : "", rec->readers[i].name);
  for (size_t i = 0; i < rec->n_writers; i++)
    pf__buf_printf(&b, "%s%s (output)", b.len ? ", " : "", rec->writers[i].name);
  return pf__buf_take(&b);
}

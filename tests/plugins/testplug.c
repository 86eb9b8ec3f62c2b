/* testplug.c - plugins for the plugin manager's tests, one source built
 * in variants (CMakeLists.txt, pf_test_plugin): each TP_* macro makes one
 * library under <build>/tests/plugins/.
 *
 *   TP_GOOD        "tpgood": reader tplines (.tplines: one string column
 *                  "line" per text line; tplines.upper), writer tptext
 *                  (.tptext: rows as text, tptext.separator), shutdown
 *   TP_NO_ENTRY    no pyforge_plugin_init exported
 *   TP_ABI_NEWER   built for ABI major + 1
 *   TP_ABI_MINOR   needs a minor the host does not have
 *   TP_INIT_FAILS  init returns an error
 *   TP_CLASH       a reader named "csv"
 *   TP_CLASH_FLAG  an option spelled --delimiter
 *   TP_HOOKS       hooks (TP_HOOK=enhance|fail-pre|fail-post selects what
 *                  they do); with TP_REQUIRED they are required
 *   TP_VERSION     "tpreload" of that version (reload tests)
 *   TP_NEEDS_DEP   links libtp_dep.so (missing library tests)
 *
 * Written against pyforge/plugin.h only, like any plugin. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pyforge/plugin.h"

static const pf_host *H __attribute__((unused));

#if defined(TP_GOOD) || defined(TP_CLASH) || defined(TP_VERSION)
/* ---- reader: one string column "line" ---- */
typedef struct lines {
  pf_source *src;
  pf_schema *schema;
  pf_batch *batch;
  char *buf;
  size_t len, cap;
  int eof, upper;
  int64_t rows;
  const pf_reader_env *env;
} lines;

static void lines_close(void *state) {
  lines *r = state;
  if (!r) return;
  if (r->src) H->source_close(r->src);
  if (r->schema) H->schema_free(r->schema);
  if (r->batch) H->batch_free(r->batch);
  free(r->buf);
  free(r);
}

static pf_status lines_open(const pf_reader_env *env, void **state, pf_error *err) {
  lines *r = calloc(1, sizeof *r);
  *state = r;
  if (!r) return H->error_set(err, PF_ENOMEM, "out of memory");
  r->env = env;
  r->upper = (int)H->option_int(env->opts, "tplines.upper", 0);
  pf_status st = H->source_open(env, &r->src, err);
  if (st != PF_OK) return st;
  r->schema = H->schema_new(1);
  if (!r->schema || H->schema_set(r->schema, 0, "line", PF_TYPE_STRING, 1) != PF_OK)
    return H->error_set(err, PF_ENOMEM, "out of memory");
  H->log(env->log, PF_LOG_INFO, "opened %s", env->path);
  return H->batch_create(r->schema, 1024, &r->batch);
}

static const pf_schema *lines_schema(void *state) { return ((lines *)state)->schema; }

static pf_status lines_next(void *state, pf_batch **out, pf_error *err) {
  lines *r = state;
  *out = NULL;
  if (H->batch_reset(r->batch, r->schema) != PF_OK) return H->error_set(err, PF_ENOMEM, "no memory");
  pf_column *c = &r->batch->cols[0];
  size_t row = 0;
  while (row < r->batch->cap_rows) {
    char *nl = r->len ? memchr(r->buf, '\n', r->len) : NULL;
    if (!nl && !r->eof) {
      if (r->cap - r->len < 4096) {
        char *nb = realloc(r->buf, r->cap + 65536);
        if (!nb) return H->error_set(err, PF_ENOMEM, "out of memory");
        r->buf = nb;
        r->cap += 65536;
      }
      size_t got;
      pf_status st = H->source_read(r->src, r->buf + r->len, r->cap - r->len, &got, err);
      if (st != PF_OK) return st;
      r->len += got;
      r->eof = got == 0;
      continue;
    }
    size_t n = nl ? (size_t)(nl - r->buf) : r->len;
    if (!nl && n == 0) break;
    if (r->upper)
      for (size_t i = 0; i < n; i++)
        if (r->buf[i] >= 'a' && r->buf[i] <= 'z') r->buf[i] = (char)(r->buf[i] - 32);
    if (pf_col_push_str(H, c, row, r->buf, n) != PF_OK) return H->error_set(err, PF_ENOMEM, "no memory");
    row++;
    size_t used = nl ? n + 1 : n;
    memmove(r->buf, r->buf + used, r->len - used);
    r->len -= used;
  }
  r->batch->n_rows = row;
  r->batch->first_row = r->rows;
  r->rows += (int64_t)row;
  if (row) *out = r->batch;
  return PF_OK;
}

static pf_status lines_rewind(void *state, pf_error *err) {
  lines *r = state;
  r->len = 0;
  r->eof = 0;
  r->rows = 0;
  return H->source_rewind(r->src, err);
}

static pf_status lines_info(void *state, pf_info *info, pf_error *err) {
  return H->info_prop(info, "reader", "test lines");
}

static const pf_reader_def lines_def = {
    .struct_size = sizeof(pf_reader_def),
#if defined(TP_CLASH)
    .name = "csv",
    .extensions = ".tpclash",
#elif defined(TP_VERSION)
    .name = "tpreload",
    .extensions = ".tpreload",
#else
    .name = "tplines",
    .extensions = ".tplines",
#endif
    .description = "test lines",
    .open = lines_open,
    .schema = lines_schema,
    .next = lines_next,
    .rewind = lines_rewind,
    .info = lines_info,
    .close = lines_close,
};
#endif

#if defined(TP_GOOD)
/* ---- writer: rows as text ---- */
#define PFTRY_W(e)                      \
  do {                                  \
    pf_status s_ = (e);                 \
    if (s_ != PF_OK) return s_;         \
  } while (0)

typedef struct text {
  pf_output *out;
  const char *sep;
} text;

static pf_status text_open(const pf_writer_env *env, void **state, pf_error *err) {
  text *w = calloc(1, sizeof *w);
  *state = w;
  if (!w) return H->error_set(err, PF_ENOMEM, "out of memory");
  w->out = env->out;
  w->sep = H->option_text(env->opts, "tptext.separator");
  if (!w->sep) w->sep = "\t";
  return PF_OK;
}

static pf_status text_write(void *state, const pf_batch *b, pf_error *err) {
  text *w = state;
  for (size_t r = 0; r < b->n_rows; r++) {
    for (size_t c = 0; c < b->n_cols; c++) {
      const pf_column *col = &b->cols[c];
      char num[64];
      const void *p = num;
      size_t n = 0;
      if (c) PFTRY_W(H->output_write(w->out, w->sep, strlen(w->sep), err));
      if (!pf_col_is_valid(col, r)) continue;
      if (col->type == PF_TYPE_STRING) p = pf_col_str(col, r, &n);
      else if (col->type == PF_TYPE_INT64) n = (size_t)snprintf(num, sizeof num, "%lld", (long long)pf_col_i64(col, r));
      else if (col->type == PF_TYPE_DOUBLE) n = (size_t)snprintf(num, sizeof num, "%.17g", pf_col_f64(col, r));
      else if (col->type == PF_TYPE_BOOL) n = (size_t)snprintf(num, sizeof num, "%s", pf_col_bool(col, r) ? "true" : "false");
      else n = (size_t)snprintf(num, sizeof num, "?");
      PFTRY_W(H->output_write(w->out, p, n, err));
    }
    PFTRY_W(H->output_write(w->out, "\n", 1, err));
  }
  return PF_OK;
}

static pf_status text_close(void *state, pf_error *err) {
  free(state);
  return PF_OK;
}
static void text_abort(void *state) { free(state); }

static const pf_writer_def text_def = {
    .struct_size = sizeof(pf_writer_def),
    .name = "tptext",
    .description = "test text",
    .extensions = ".tptext",
    .open = text_open,
    .write = text_write,
    .close = text_close,
    .abort = text_abort,
};

static const pf_option_flag f_upper[] = {{"--tp-upper", "true"}, {NULL, NULL}};
static const pf_option_flag f_sep[] = {{"--tp-separator", NULL}, {NULL, NULL}};
static const pf_option_desc reader_opts[] = {
    {.struct_size = sizeof(pf_option_desc), .key = "tplines.upper", .name = "tp_upper",
     .type = PF_OPTION_BOOL, .default_value = "false", .help = "upper-case the lines",
     .cli = f_upper},
};
static const pf_option_desc writer_opts[] = {
    {.struct_size = sizeof(pf_option_desc), .key = "tptext.separator", .name = "tp_separator",
     .type = PF_OPTION_STRING, .help = "between values", .metavar = "S", .cli = f_sep},
};

/* Logs each shutdown; with TP_SHUTDOWN_TRACE set, also appends a line to
 * that file (a front end's exit handler is seen to run it). */
static int shutdowns;
static void good_shutdown(void *state) {
  (void)state;
  shutdowns++;
  H->log(NULL, PF_LOG_INFO, "shutdown %d", shutdowns);
  const char *trace = getenv("TP_SHUTDOWN_TRACE");
  FILE *f = trace && *trace ? fopen(trace, "a") : NULL;
  if (f) {
    fprintf(f, "tpgood shutdown %d\n", shutdowns);
    fclose(f);
  }
}
#endif

#if defined(TP_HOOKS)
/* TP_HOOK (the environment) chooses what the hooks do. */
static int mode(const char *m) {
  const char *v = getenv("TP_HOOK");
  return v && strcmp(v, m) == 0;
}

static pf_status pre(void *state, pf_convert_event *ev, pf_error *err) {
  if (mode("fail-pre")) return H->error_set(err, PF_EINVAL, "pre hook says no");
  if (mode("enhance")) {
    H->log(ev->log, PF_LOG_INFO, "setting input.all_strings");
    return H->options_set(ev->options, "input.all_strings", "true", err);
  }
  return PF_OK;
}

static pf_status post(void *state, const pf_convert_event *ev, pf_error *err) {
  if (mode("fail-post")) return H->error_set(err, PF_EOUTPUT, "post hook says no");
  H->log(ev->log, PF_LOG_INFO, "post-convert saw %lld rows", (long long)ev->result->rows);
  return PF_OK;
}

static void on_error(void *state, const pf_convert_event *ev) {
  H->log(ev->log, PF_LOG_WARN, "on-error saw %s: %s", H->status_name(ev->status), ev->error->message);
}

static const pf_hooks hooks = {
    .struct_size = sizeof(pf_hooks),
#ifdef TP_REQUIRED
    .required = PF_HOOK_PRE_REQUIRED | PF_HOOK_POST_REQUIRED,
#endif
    .pre_convert = pre,
    .post_convert = post,
    .on_error = on_error,
};
#endif

#if defined(TP_NEEDS_DEP)
int tp_dep_value(void);
#endif

#ifdef TP_NO_ENTRY
__attribute__((visibility("hidden")))
#else
PF_PLUGIN_EXPORT
#endif
pf_status pyforge_plugin_init(const pf_host *host, pf_plugin *plugin, pf_error *err);

pf_status pyforge_plugin_init(const pf_host *host, pf_plugin *plugin, pf_error *err) {
#if defined(TP_ABI_NEWER)
  plugin->abi_major = PF_PLUGIN_ABI_MAJOR + 1; /* a plugin of a future PyForge */
  plugin->abi_minor = 0;
  return PF_EUNSUPPORTED;
#else
#if defined(TP_ABI_MINOR)
  pf_status st = pf_plugin_begin(host, plugin, PF_PLUGIN_ABI_MINOR + 1);
#else
  pf_status st = pf_plugin_begin(host, plugin, 0);
#endif
  if (st != PF_OK) return st;
  H = host;
  plugin->version = "0.1";
  plugin->description = "a test plugin";
#if defined(TP_GOOD)
  plugin->name = "tpgood";
  plugin->shutdown = good_shutdown;
  if ((st = host->add_reader(plugin, &lines_def, err)) != PF_OK) return st;
  if ((st = host->add_writer(plugin, &text_def, err)) != PF_OK) return st;
  if ((st = host->add_options(plugin, "tplines", reader_opts, 1, err)) != PF_OK) return st;
  return host->add_options(plugin, "tptext", writer_opts, 1, err);
#elif defined(TP_INIT_FAILS)
  plugin->name = "tpfails";
  return host->error_set(err, PF_EINPUT, "the license file is missing");
#elif defined(TP_CLASH)
  plugin->name = "tpclash";
  return host->add_reader(plugin, &lines_def, err);
#elif defined(TP_CLASH_FLAG)
  static const pf_option_flag f[] = {{"--delimiter", NULL}, {NULL, NULL}};
  static const pf_option_desc o[] = {{.struct_size = sizeof(pf_option_desc),
                                      .key = "tpflag.delimiter", .name = "tp_delimiter",
                                      .type = PF_OPTION_STRING, .cli = f}};
  plugin->name = "tpflag";
  return host->add_options(plugin, NULL, o, 1, err);
#elif defined(TP_HOOKS)
#ifdef TP_REQUIRED
  plugin->name = "tphooksreq";
#else
  plugin->name = "tphooks";
#endif
  return host->add_hooks(plugin, &hooks, err);
#elif defined(TP_VERSION)
  plugin->name = "tpreload";
  plugin->version = TP_VERSION;
  return host->add_reader(plugin, &lines_def, err);
#elif defined(TP_NEEDS_DEP)
  plugin->name = "tpdep";
  return tp_dep_value() == 42 ? PF_OK : PF_EINTERNAL;
#else
  plugin->name = "tpplain";
  return PF_OK;
#endif
#endif
}

/* plugin_host.c - the function table plugins get (pf_host,
 * include/pyforge/plugin.h): the engine's own functions, most of them
 * directly (the public ABI types are the library's types under their
 * public names), a few wrapped where the ABI takes text instead of a
 * printf format or an opaque handle instead of a struct. One static,
 * read-only table: thread-safe. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#include "core/infer.h"
#include "core/names.h"
#include "engine/engine.h"
#include "engine/plugin_internal.h"
#include "io/output.h"
#include "io/source.h"

static pf_status h_error_set(pf_error *err, pf_status st, const char *fmt, ...)
    PF__PRINTF(3, 4);
static pf_status h_error_set(pf_error *err, pf_status st, const char *fmt, ...) {
  char msg[sizeof err->message];
  va_list ap;
  va_start(ap, fmt);
  if (fmt) vsnprintf(msg, sizeof msg, fmt, ap);
  else msg[0] = 0;
  va_end(ap);
  return pf__error_set(err, st, "%s", msg);
}

static void h_log(const pf_log_sink *log, pf_log_level level, const char *fmt, ...) PF__PRINTF(3, 4);
static void h_log(const pf_log_sink *log, pf_log_level level, const char *fmt, ...) {
  char msg[2048];
  va_list ap;
  va_start(ap, fmt);
  if (fmt) vsnprintf(msg, sizeof msg, fmt, ap);
  else msg[0] = 0;
  va_end(ap);
  if (log) pf__log_msg(log, level, "%s", msg);
  else if (pf__plugins.current) /* init or shutdown: the manager's log, lock held */
    pf__plugins_log(level, pf__plugins.current->pl.name ? pf__plugins.current->pl.name
                                                        : pf__plugins.current->name,
                    "%s", msg);
}

static int h_log_enabled(const pf_log_sink *log, pf_log_level level) {
  return log ? pf__log_enabled(log, level) : pf__plugins.log_fn && level <= pf__plugins.log_level;
}

/* ---- options ---- */

static const char *h_option_text(const pf_call_options *o, const char *key) {
  return o ? pf__opts_text(o, key) : NULL;
}

static int64_t h_option_int(const pf_call_options *o, const char *key, int64_t auto_value) {
  const pf__option *opt = pf__option_find(key);
  const char *text = h_option_text(o, key);
  int64_t v = 0;
  if (!opt || !text) return auto_value;
  if ((opt->d.flags & PF_OPTION_AUTO) && strcasecmp(text, "auto") == 0) return auto_value;
  if (opt->d.type == PF_OPTION_ENUM && opt->bind == PF__BIND_NONE) {
    /* a plugin's enum: the position of its name in `values` */
    for (size_t i = 0; opt->names && opt->names[i].name; i++)
      if (strcasecmp(opt->names[i].name, text) == 0) return opt->names[i].value;
    return auto_value;
  }
  return pf__option_parse(opt, text, &v, NULL) == PF_OK ? v : auto_value;
}

static size_t h_option_count(const pf_call_options *o, const char *key) {
  return o ? pf__opts_count(o, key) : 0;
}
static const char *h_option_item(const pf_call_options *o, const char *key, size_t i) {
  return o ? pf__opts_item(o, key, i) : NULL;
}
static int h_canceled(const pf_call_options *o) { return pf__opts_canceled(o); }

/* ---- input and output ---- */

static pf_status h_source_open(const pf_reader_env *env, pf_source **out, pf_error *err) {
  *out = NULL;
  if (!env) return pf__error_set(err, PF_EINVAL, "source_open needs the reader's env");
  return pf__source_open_opts(env->path, env->opts, out, err);
}

/* ---- schemas, info, inference: text in, not printf formats ---- */

static pf_status h_schema_note(pf_schema *s, size_t i, const char *text) {
  return pf__schema_note(s, i, "%s", text ? text : "");
}
static pf_status h_info_prop(pf_info *info, const char *key, const char *value) {
  return pf__info_prop(info, key, "%s", value ? value : "");
}
static pf_status h_section_prop(pf_info_section *s, const char *key, const char *value) {
  return pf__section_prop(s, key, "%s", value ? value : "");
}

static pf_status h_infer_new(pf_infer **out) {
  pf__infer_ctx *c = calloc(1, sizeof *c);
  *out = NULL;
  if (!c) return PF_ENOMEM;
  pf_status st = pf__infer_ctx_init(c);
  if (st != PF_OK) {
    free(c);
    return st;
  }
  *out = (pf_infer *)c;
  return PF_OK;
}
static void h_infer_free(pf_infer *ctx) {
  if (!ctx) return;
  pf__infer_ctx_free((pf__infer_ctx *)ctx);
  free(ctx);
}
static pf_type h_infer_value(const pf_infer *ctx, const char *s, size_t n, int *big) {
  return pf__infer_value((const pf__infer_ctx *)ctx, s, n, big);
}
static int h_infer_parse(const pf_infer *ctx, pf_type t, const char *s, size_t n, pf_value *out) {
  return pf__infer_parse((const pf__infer_ctx *)ctx, t, s, n, out);
}

static void h_free(void *p) { free(p); }

static const pf_host host = {
    .abi_major = PF_PLUGIN_ABI_MAJOR,
    .abi_minor = PF_PLUGIN_ABI_MINOR,
    .struct_size = sizeof(pf_host),
    .version = PYFORGE_VERSION_STRING,

    .add_reader = pf__plugin_add_reader,
    .add_writer = pf__plugin_add_writer,
    .add_options = pf__plugin_add_options,
    .add_hooks = pf__plugin_add_hooks,

    .error_init = pf_error_init,
    .error_set = h_error_set,
    .error_file = pf__error_file,
    .error_place = pf__error_place,
    .error_column_name = pf__error_column_name,
    .error_table = pf__error_table,
    .error_inner_path = pf__error_inner_path,
    .status_name = pf_status_name,

    .log = h_log,
    .log_enabled = h_log_enabled,

    .option_text = h_option_text,
    .option_int = h_option_int,
    .option_count = h_option_count,
    .option_item = h_option_item,
    .canceled = h_canceled,
    .options_set = pf_options_set,
    .options_get = pf_options_get,

    .source_open = h_source_open,
    .source_read = pf__source_read,
    .source_rewind = pf__source_rewind,
    .source_pread = pf__source_pread,
    .source_size = pf__source_disk_size,
    .source_position = pf__source_disk_pos,
    .source_close = pf__source_close,

    .output_write = pf__output_write,
    .output_size = pf__output_size,

    .batch_create = pf__batch_create,
    .batch_reset = pf__batch_reset,
    .batch_free = pf__batch_free,
    .col_push_str = pf__col_push_str,

    .schema_new = pf__schema_new,
    .schema_set = pf__schema_set,
    .schema_note = h_schema_note,
    .schema_copy = pf__schema_copy,
    .schema_free = pf_schema_free,

    .names_unique = pf__names_unique,
    .names_free = pf__names_free,
    .path_name = pf__path_name,

    .infer_new = h_infer_new,
    .infer_free = h_infer_free,
    .infer_value = h_infer_value,
    .infer_widen = pf__infer_widen,
    .infer_parse = h_infer_parse,
    .infer_is_null = pf__infer_default_null,
    .widen_note = pf__widen_note,
    .widen_restart = pf__widen_restart,

    .info_prop = h_info_prop,
    .info_section = pf__info_section,
    .section_prop = h_section_prop,

    .pool_run = pf__pool_run,
    .pool_size = pf__pool_size,

    .free = h_free,
};

const pf_host *pf__plugin_host(void) { return &host; }

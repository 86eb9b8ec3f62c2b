/* jsonl_plugin.c - the template plugin's entry point: JSON Lines input
 * (.jsonl, .ndjson) for PyForge, written against pyforge/plugin.h only.
 *
 *   pyforge convert events.jsonl                  # -> events.parquet
 *   pyforge convert events.ndjson.gz out.parquet --jsonl-nested json
 *   pyforge info events.jsonl
 *
 * What it shows (docs/extensions.md walks through it step by step):
 *   1. pyforge_plugin_init: pf_plugin_begin (the ABI), a name and version,
 *      then the registrations: a reader and its option keys (jsonl.*).
 *   2. the reader's functions (pf_reader_def), thin glue over
 *      jsonl_read.c, which reads through host->source_*, types by
 *      host->infer_*, builds batches with pf_col_* and host->batch_*, and
 *      parses on host->pool_run.
 *   3. info: facts for `pyforge info`, through host->info_prop.
 * Nothing here calls a pf_ function of libpyforge: everything goes through
 * the host table (nm -u of the built plugin shows no pf_ symbol).
 */
#include <stdio.h>
#include <string.h>

#include "jsonl.h"

#define JSONL_VERSION "1.0.0"

const pf_host *jl_host;

/* ---- the reader: glue from pf_reader_def to jsonl_read.c ---- */

static pf_status jsonl_open(const pf_reader_env *env, void **state, pf_error *err) {
  jl_reader *r = NULL;
  pf_status st = jl_reader_open(env, &r, err);
  if (st != PF_OK) {
    jl_reader_close(r);
    r = NULL;
  }
  *state = r;
  return st;
}

static const pf_schema *jsonl_schema(void *state) { return jl_reader_schema(state); }

static pf_status jsonl_next(void *state, pf_batch **batch, pf_error *err) {
  return jl_reader_next(state, batch, err);
}

static pf_status jsonl_rewind(void *state, pf_error *err) { return jl_reader_rewind(state, err); }

/* `pyforge info`: the whole input is read once (exact rows, final types). */
static pf_status jsonl_info(void *state, pf_info *info, pf_error *err) {
  int64_t rows = 0;
  JL_TRY(jl_reader_scan(state, &rows, err));
  info->rows = rows;
  const pf_reader_env *env = jl_reader_env(state);
  const char *nested = jl_host->option_text(env->opts, "jsonl.nested");
  char text[64];
  snprintf(text, sizeof text, "%lld", (long long)rows);
  if (jl_host->info_prop(info, "records", text) != PF_OK ||
      jl_host->info_prop(info, "nested_objects", nested ? nested : "flatten") != PF_OK ||
      jl_host->info_prop(info, "reader", "plugin jsonl " JSONL_VERSION) != PF_OK)
    return jl_host->error_set(err, PF_ENOMEM, "out of memory");
  return PF_OK;
}

static void jsonl_stats(void *state, pf_reader_stats *out) { jl_reader_stats(state, out); }

static void jsonl_close(void *state) { jl_reader_close(state); }

/* 0..100: a first line holding one JSON object says JSON Lines. */
static int jsonl_sniff(const uint8_t *head, size_t n) {
  size_t i = 0;
  if (n >= 3 && memcmp(head, "\xEF\xBB\xBF", 3) == 0) i = 3;
  while (i < n && (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' || head[i] == '\n')) i++;
  if (i >= n || head[i] != '{') return 0;
  const uint8_t *nl = memchr(head + i, '\n', n - i);
  size_t len = nl ? (size_t)(nl - (head + i)) : n - i;
  if (!nl && n >= 4096) return 0; /* a first line longer than what we see */
  jl_tree t;
  jl_line l;
  if (jl_tree_init(&t, 4096) != PF_OK) {
    jl_tree_free(&t);
    return 0;
  }
  jl_line_init(&l, &t, 1, 1);
  int ok = jl_parse_line(&l, (const char *)head + i, len) == PF_OK && !l.too_many;
  jl_line_free(&l);
  jl_tree_free(&t);
  return ok ? 60 : 0;
}

static const pf_reader_def jsonl_reader = {
    .struct_size = sizeof(pf_reader_def),
    .name = "jsonl",
    .description = "JSON Lines (plugin): one object per line, nested objects flattened",
    .extensions = ".jsonl .ndjson",
    .extensions_note = "(+ .gz .zst .bz2)",
    .sniff = jsonl_sniff,
    .open = jsonl_open,
    .schema = jsonl_schema,
    .next = jsonl_next,
    .rewind = jsonl_rewind,
    .info = jsonl_info,
    .stats = jsonl_stats,
    .close = jsonl_close,
};

/* ---- option keys: in the CLI as flags, in --help and the docs ---- */

static const pf_option_flag f_nested[] = {{"--jsonl-nested", NULL}, {NULL, NULL}};
static const pf_option_flag f_sample[] = {{"--jsonl-sample-rows", NULL}, {NULL, NULL}};

#define SECTION "Reading options (JSON Lines, plugin jsonl)"

static const pf_option_desc jsonl_options[] = {
    {.struct_size = sizeof(pf_option_desc),
     .key = "jsonl.nested",
     .section = SECTION,
     .name = "jsonl_nested",
     .type = PF_OPTION_ENUM,
     .uses = PF_USE_READ,
     .default_value = "flatten",
     .values = "flatten, json",
     .takes = "flatten or json",
     .help = "nested objects: flatten (a column per path, a.b) or json (one column of JSON text)",
     .metavar = "MODE",
     .cli = f_nested},
    {.struct_size = sizeof(pf_option_desc),
     .key = "jsonl.sample_rows",
     .section = SECTION,
     .name = "jsonl_sample_rows",
     .type = PF_OPTION_INT,
     .uses = PF_USE_READ,
     .default_value = "10000",
     .takes = "a number of rows from 1 to 100000000",
     .help = "rows read to decide the columns and types before converting (a later change "
             "reads the input once more)",
     .metavar = "N",
     .cli = f_sample,
     .min = 1,
     .max = 100000000},
};

/* ---- the entry point ---- */

PF_PLUGIN_EXPORT pf_status pyforge_plugin_init(const pf_host *host, pf_plugin *plugin,
                                               pf_error *err);

PF_PLUGIN_EXPORT pf_status pyforge_plugin_init(const pf_host *host, pf_plugin *plugin,
                                               pf_error *err) {
  /* 1. the ABI: this plugin needs what minor 0 of ABI 1 gives */
  JL_TRY(pf_plugin_begin(host, plugin, 0));
  jl_host = host;
  /* 2. who it is */
  plugin->name = "jsonl";
  plugin->version = JSONL_VERSION;
  plugin->description = "JSON Lines input (the template plugin)";
  /* 3. what it adds: a reader, then its keys (in its namespace, jsonl.*) */
  JL_TRY(host->add_reader(plugin, &jsonl_reader, err));
  JL_TRY(host->add_options(plugin, "jsonl", jsonl_options,
                           sizeof jsonl_options / sizeof jsonl_options[0], err));
  host->log(NULL, PF_LOG_DEBUG, "JSON Lines reader registered (ABI %u.%u host)", host->abi_major,
            host->abi_minor);
  return PF_OK;
}

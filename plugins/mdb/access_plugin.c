/* access_plugin.c - the MS Access plugin's entry point: .mdb and .accdb
 * input for PyForge over mdbtools' libmdb, written against
 * pyforge/plugin.h only.
 *
 *   pyforge convert sales.accdb            # -> sales_parquet/<table>.parquet
 *   pyforge convert sales.mdb -t Orders,Customers
 *   pyforge convert sales.mdb --format delta   # one table directory each
 *   pyforge info sales.mdb
 *
 * Every user table is its own output, named by the table (the original
 * PyForge's layout). libmdb is loaded at init (access_lib.c): without it
 * the format is still registered and listed as unavailable, and opening
 * an Access file says how to install the library. */
#include <stdio.h>
#include <string.h>

#include "access.h"

#define ACCESS_VERSION "1.0.0"

const pf_host *ax_host;

static char ax_description[1024];

/* ---- the reader: glue from pf_reader_def to access_open.c/access_rows.c ---- */

static pf_status access_open(const pf_reader_env *env, void **state, pf_error *err) {
  ax_reader *r = NULL;
  pf_status st = ax_open(env, &r, err);
  if (st != PF_OK) {
    ax_close(r);
    r = NULL;
  }
  *state = r;
  return st;
}

static const pf_schema *access_schema(void *state) { return ((ax_reader *)state)->schema; }

static pf_status access_next(void *state, pf_batch **batch, pf_error *err) {
  return ax_next(state, batch, err);
}

static pf_status access_rewind(void *state, pf_error *err) {
  ax_reader *r = state;
  if (!r->sel || r->n_sel == 0) return PF_OK;
  r->rows_total = 0;
  return ax_start_table(r, 0, err);
}

static pf_status access_info(void *state, pf_info *info, pf_error *err) {
  return ax_info(state, info, err);
}

/* The database is read in place (or held in memory): its size is what was
 * read; progress is the selection's rows handed out against the tables'
 * row counts. */
static void access_stats(void *state, pf_reader_stats *out) {
  ax_reader *r = state;
  memset(out, 0, sizeof *out);
  out->bytes_total = out->bytes_read = r->input_bytes;
  int64_t hint = r->sel && r->n_sel ? r->tables[r->sel[0]].rows_hint : 0;
  if (hint > 0 && r->rows_total < hint)
    out->progress_done = (uint64_t)((double)r->input_bytes * (double)r->rows_total / (double)hint);
  else
    out->progress_done = r->input_bytes;
}

static void access_close(void *state) { ax_close(state); }

static size_t access_n_tables(void *state) { return ((ax_reader *)state)->n_tables; }

static pf_status access_table(void *state, size_t i, pf_reader_table *out, pf_error *err) {
  ax_reader *r = state;
  if (i >= r->n_tables) return ax_host->error_set(err, PF_EINVAL, "table index %zu out of range", i);
  const ax_table *t = &r->tables[i];
  out->name = t->name;
  out->signature = t->signature; /* unique: a table never shares an output */
  out->hidden = 0;
  out->rows_hint = t->rows_hint;
  return PF_OK;
}

static pf_status access_select(void *state, const size_t *idx, size_t n, const char *table_column,
                               pf_error *err) {
  return ax_select(state, idx, n, table_column, err);
}

static size_t access_warnings(void *state, const char *const **out) {
  ax_reader *r = state;
  *out = (const char *const *)r->warn;
  return r->n_warn;
}

/* Jet and ACE files start with 00 01 00 00 "Standard Jet DB" / "Standard
 * ACE DB". */
static int access_sniff(const uint8_t *head, size_t n) {
  if (n < 19 || head[0] != 0 || head[1] != 1 || head[2] != 0 || head[3] != 0) return 0;
  if (memcmp(head + 4, "Standard Jet DB", 15) == 0 || memcmp(head + 4, "Standard ACE DB", 15) == 0)
    return 100;
  return 0;
}

static pf_reader_def access_reader = {
    .struct_size = sizeof(pf_reader_def),
    .name = "access",
    .description = ax_description,
    .extensions = ".mdb .accdb",
    .sniff = access_sniff,
    .open = access_open,
    .schema = access_schema,
    .next = access_next,
    .rewind = access_rewind,
    .info = access_info,
    .stats = access_stats,
    .close = access_close,
    .n_tables = access_n_tables,
    .table = access_table,
    .select = access_select,
    .warnings = access_warnings,
    .types_final = 1,
    .tables_apart = 1,
    .table_word = "table",
    .tables_in = "database",
    .tables_key = "access.tables", /* applied by the engine (minor 2) */
};

/* ---- option keys ---- */

static const pf_option_flag f_tables[] = {{"-t", NULL}, {"--tables", NULL}, {NULL, NULL}};

static const pf_option_desc access_options[] = {
    {.struct_size = sizeof(pf_option_desc),
     .key = "access.tables",
     .section = "Reading options (MS Access, plugin access)",
     .name = "tables",
     .type = PF_OPTION_LIST,
     .flags = PF_OPTION_NONEMPTY | PF_OPTION_COMMAS,
     .uses = PF_USE_READ,
     .takes = "table names, comma-separated",
     .help = "the Access tables to convert (default: every user table); an unknown name is an "
             "error listing the tables",
     .metavar = "NAMES",
     .cli = f_tables},
};

/* ---- the entry point ---- */

static void access_shutdown(void *state) {
  (void)state;
  ax_lib_unload();
}

PF_PLUGIN_EXPORT pf_status pyforge_plugin_init(const pf_host *host, pf_plugin *plugin,
                                               pf_error *err);

PF_PLUGIN_EXPORT pf_status pyforge_plugin_init(const pf_host *host, pf_plugin *plugin,
                                               pf_error *err) {
  AX_TRY(pf_plugin_begin(host, plugin, 2)); /* 2: the engine applies access.tables */
  ax_host = host;
  plugin->name = "access";
  plugin->version = ACCESS_VERSION;
  plugin->description = "MS Access input (.mdb, .accdb) over mdbtools' libmdb";
  plugin->shutdown = access_shutdown;
  ax_lib_load();
  if (ax_lib_get()) {
    snprintf(ax_description, sizeof ax_description,
             "MS Access (plugin, libmdb %s): Jet 3/4 .mdb and ACE .accdb, one output per table",
             ax_lib_version());
  } else {
    snprintf(ax_description, sizeof ax_description, "MS Access (plugin): unavailable: %s",
             ax_lib_why());
    host->log(NULL, PF_LOG_INFO, "MS Access files cannot be read: %s", ax_lib_why());
    pf_plugin_unavailable(plugin, ax_lib_why()); /* `pyforge extensions`: unavailable, why */
  }
  AX_TRY(host->add_reader(plugin, &access_reader, err));
  AX_TRY(host->add_options(plugin, "access", access_options,
                           sizeof access_options / sizeof access_options[0], err));
  return PF_OK;
}

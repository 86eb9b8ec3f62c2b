/* access_open.c - an Access database opened through libmdb: its user
 * tables (not MSys*, ~*, the hidden f_* attachment tables, nor linked
 * tables), their columns mapped to PyForge types, the selection the engine
 * reads (the engine applies access.tables), and `pyforge info`.
 *
 * Types (docs/access.md): Yes/No -> boolean; Byte, Integer, Long Integer,
 * Large Number -> int64; Single, Double -> double; Currency ->
 * decimal(19,4); Decimal -> decimal(p,s); Date/Time -> timestamp; Text,
 * Memo (Long Text, Hyperlink) -> string; Replication ID (GUID) -> string
 * "{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}"; Binary, OLE Object -> binary.
 * Attachments and multi-value fields (complex columns) are refused with
 * the table and column named. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "access.h"

#define AX_MDB_BIGINT 0x13 /* Access 2016 "Large Number" (not in mdbtools.h) */

static char *ax_strdup(const char *s) {
  size_t n = strlen(s) + 1;
  char *p = malloc(n);
  if (p) memcpy(p, s, n);
  return p;
}

pf_status ax_fail(const ax_reader *r, pf_error *err, pf_status st, const ax_table *t,
                  const char *col, const char *fmt, ...) {
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  ax_host->error_set(err, st, "%s", msg);
  if (r && r->path_label) ax_host->error_file(err, r->path_label);
  if (t) ax_host->error_table(err, "table", t->name, 1);
  if (col) ax_host->error_column_name(err, col);
  return st;
}

const char *ax_version_name(int v) {
  switch (v) {
    case MDB_VER_JET3: return "Jet 3 (Access 97)";
    case MDB_VER_JET4: return "Jet 4 (Access 2000-2003)";
    case MDB_VER_ACCDB_2007: return "ACE 12 (Access 2007)";
    case MDB_VER_ACCDB_2010: return "ACE 14 (Access 2010)";
    case MDB_VER_ACCDB_2013: return "ACE 15 (Access 2013)";
    case MDB_VER_ACCDB_2016: return "ACE 16 (Access 2016)";
    case MDB_VER_ACCDB_2019: return "ACE 17 (Access 2019)";
    default: return "unknown";
  }
}

/* ---- columns ---- */

/* Maps one libmdb column; 0 when its kind is not converted. */
static int map_column(const MdbColumn *mc, ax_col *c) {
  c->mdb_type = mc->col_type;
  c->precision = c->scale = 0;
  switch (mc->col_type) {
    case MDB_BOOL: c->kind = AX_BOOL, c->type = PF_TYPE_BOOL, c->access_type = "Yes/No"; break;
    case MDB_BYTE: c->kind = AX_BYTE, c->type = PF_TYPE_INT64, c->access_type = "Byte"; break;
    case MDB_INT: c->kind = AX_INT16, c->type = PF_TYPE_INT64, c->access_type = "Integer"; break;
    case MDB_LONGINT:
      c->kind = AX_INT32, c->type = PF_TYPE_INT64;
      c->access_type = mc->is_long_auto ? "AutoNumber (Long Integer)" : "Long Integer";
      break;
    case AX_MDB_BIGINT:
      c->kind = AX_INT64, c->type = PF_TYPE_INT64, c->access_type = "Large Number";
      break;
    case MDB_MONEY:
      c->kind = AX_MONEY, c->type = PF_TYPE_DECIMAL, c->precision = 19, c->scale = 4;
      c->access_type = "Currency";
      break;
    case MDB_FLOAT: c->kind = AX_FLOAT, c->type = PF_TYPE_DOUBLE, c->access_type = "Single"; break;
    case MDB_DOUBLE: c->kind = AX_DOUBLE, c->type = PF_TYPE_DOUBLE, c->access_type = "Double"; break;
    case MDB_DATETIME:
      c->kind = AX_DATETIME, c->type = PF_TYPE_TIMESTAMP, c->access_type = "Date/Time";
      break;
    case MDB_BINARY: c->kind = AX_BINARY, c->type = PF_TYPE_BINARY, c->access_type = "Binary"; break;
    case MDB_TEXT: c->kind = AX_TEXT, c->type = PF_TYPE_STRING, c->access_type = "Text"; break;
    case MDB_OLE: c->kind = AX_OLE, c->type = PF_TYPE_BINARY, c->access_type = "OLE Object"; break;
    case MDB_MEMO: c->kind = AX_MEMO, c->type = PF_TYPE_STRING, c->access_type = "Memo"; break;
    case MDB_REPID:
      c->kind = AX_GUID, c->type = PF_TYPE_STRING, c->access_type = "Replication ID (GUID)";
      break;
    case MDB_NUMERIC:
      c->kind = AX_NUMERIC, c->type = PF_TYPE_DECIMAL, c->access_type = "Decimal";
      /* the column entry holds precision then scale; libmdb reads them
       * into col_scale and col_prec respectively (its names are swapped) */
      c->precision = mc->col_scale, c->scale = mc->col_prec;
      if (c->precision < 1 || c->precision > 38 || c->scale < 0 || c->scale > c->precision) return 0;
      break;
    default: return 0;
  }
  return 1;
}

static const char *unsupported_kind(int t) {
  switch (t) {
    case MDB_COMPLEX: return "an attachment or multi-value field (a complex column)";
    case 0x14: return "a Date/Time Extended column (Access 2019+; libmdb does not know it)";
    case MDB_NUMERIC: return "a Decimal column with an impossible precision or scale";
    default: return "a column kind PyForge does not know";
  }
}

/* Fills t from its catalog entry; a table libmdb cannot read at all is an
 * error, a column we do not convert marks the table unsupported. */
static pf_status load_table(ax_reader *r, MdbCatalogEntry *e, ax_table *t, pf_error *err) {
  t->entry = e;
  t->name = ax_strdup(e->object_name);
  if (!t->name) return ax_host->error_set(err, PF_ENOMEM, "out of memory");
  MdbTableDef *td = r->lib->read_table(e);
  if (!td) return ax_fail(r, err, PF_EPARSE, t, NULL, "table '%s': its definition cannot be read (the file is damaged)", t->name);
  if (!r->lib->read_columns(td) || !td->columns) {
    r->lib->free_tabledef(td);
    return ax_fail(r, err, PF_EPARSE, t, NULL, "table '%s': its columns cannot be read (the file is damaged)", t->name);
  }
  t->rows_hint = td->num_rows;
  t->n_cols = td->num_cols;
  t->cols = calloc(t->n_cols ? t->n_cols : 1, sizeof *t->cols);
  pf_status st = t->cols ? PF_OK : PF_ENOMEM;
  for (size_t i = 0; st == PF_OK && i < t->n_cols; i++) {
    const MdbColumn *mc = g_ptr_array_index(td->columns, i);
    ax_col *c = &t->cols[i];
    c->name = ax_strdup(mc->name);
    if (!c->name) {
      st = PF_ENOMEM;
      break;
    }
    if (!map_column(mc, c) && !t->unsupported) {
      char buf[600];
      snprintf(buf, sizeof buf,
               "column '%s': %s (type 0x%02x) cannot be converted; leave the table out "
               "with access.tables, or convert the column in Access",
               c->name, unsupported_kind(mc->col_type), (unsigned)mc->col_type);
      t->unsupported = ax_strdup(buf);
      if (!t->unsupported) st = PF_ENOMEM;
    }
  }
  r->lib->free_tabledef(td);
  char sig[64];
  snprintf(sig, sizeof sig, "access-table-%p", (void *)t);
  if (st == PF_OK && !(t->signature = ax_strdup(sig))) st = PF_ENOMEM;
  if (st == PF_ENOMEM) return ax_host->error_set(err, PF_ENOMEM, "out of memory");
  return st;
}

static void free_table(ax_table *t) {
  for (size_t i = 0; t->cols && i < t->n_cols; i++) free(t->cols[i].name);
  free(t->cols);
  free(t->name);
  free(t->unsupported);
  free(t->signature);
}

/* A user table: not a system table, not MSys*, ~* (temporary), nor the
 * hidden f_<GUID>_<field> tables behind attachment fields. */
static int is_user_table(const ax_lib *lib, MdbCatalogEntry *e) {
  const char *n = e->object_name;
  if (e->object_type != MDB_TABLE || !lib->is_user_table(e)) return 0;
  if (strncasecmp(n, "MSys", 4) == 0 || n[0] == '~') return 0;
  if (strncasecmp(n, "f_", 2) == 0 && strlen(n) > 35) {
    size_t hex = strspn(n + 2, "0123456789abcdefABCDEF");
    if (hex == 32 && n[34] == '_') return 0;
  }
  return 1;
}

/* ---- opening ---- */

/* Reads a non-file input (stdin, a descriptor, a buffer, a compressed
 * file) into memory: libmdb needs random access. */
static pf_status read_image(ax_reader *r, size_t *len, pf_error *err) {
  pf_source *src = NULL;
  AX_TRY(ax_host->source_open(r->env, &src, err));
  size_t cap = 1 << 20, n = 0;
  uint8_t *buf = malloc(cap);
  pf_status st = buf ? PF_OK : ax_host->error_set(err, PF_ENOMEM, "out of memory");
  while (st == PF_OK) {
    if (n == cap) {
      uint8_t *nb = cap < ((size_t)1 << 34) ? realloc(buf, cap * 2) : NULL;
      if (!nb) {
        st = ax_host->error_set(err, PF_ENOMEM, "out of memory reading the database into memory");
        break;
      }
      buf = nb;
      cap *= 2;
    }
    size_t got = 0;
    st = ax_host->source_read(src, buf + n, cap - n, &got, err);
    if (st != PF_OK || got == 0) break;
    n += got;
  }
  ax_host->source_close(src);
  if (st != PF_OK) {
    free(buf);
    return st;
  }
  r->image = buf;
  *len = n;
  return PF_OK;
}

/* What a file that libmdb refuses is, in words. */
static pf_status refuse_file(ax_reader *r, const uint8_t *head, size_t n, pf_error *err) {
  if (n < 0x20 || head[0] != 0 || memcmp(head + 4, "Standard ", 9) != 0)
    return ax_fail(r, err, PF_EFORMAT, NULL, NULL,
                   "not an Access database (no Jet/ACE header): %s", r->path_label);
  return ax_fail(r, err, PF_EPARSE, NULL, NULL,
                 "the Access database cannot be opened (unknown version byte 0x%02x at offset "
                 "0x14, or a damaged header)",
                 n > 0x14 ? head[0x14] : 0);
}

/* An .accdb encrypted with a password (Office crypto): page 0 names the
 * CryptoAPI provider in UTF-16. libmdb cannot decrypt it. */
static int looks_encrypted(const uint8_t *p, size_t n) {
  static const char word[] = "Cryptographic Provider";
  size_t w = sizeof word - 1;
  for (size_t i = 0; i + 2 * w <= n; i++) {
    size_t k = 0;
    while (k < w && p[i + 2 * k] == (uint8_t)word[k] && p[i + 2 * k + 1] == 0) k++;
    if (k == w) return 1;
  }
  return 0;
}

static pf_status open_handle(ax_reader *r, pf_error *err) {
  struct stat sb;
  const char *path = r->env->path;
  uint8_t head[4096];
  size_t head_n = 0;
  int plain = path && *path && strcmp(path, "-") != 0 && stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
  int compressed = 0;
  if (plain) {
    size_t pl = strlen(path);
    compressed = (pl > 3 && strcasecmp(path + pl - 3, ".gz") == 0) ||
                 (pl > 4 && (strcasecmp(path + pl - 4, ".zst") == 0 || strcasecmp(path + pl - 4, ".bz2") == 0));
  }
  if (plain && !compressed) {
    FILE *f = fopen(path, "rb");
    if (!f) return ax_fail(r, err, PF_EINPUT, NULL, NULL, "cannot open %s: %s", path, strerror(errno));
    head_n = fread(head, 1, sizeof head, f);
    fclose(f);
    if (head_n < 0x20 || head[0] != 0 || memcmp(head + 4, "Standard ", 9) != 0)
      return refuse_file(r, head, head_n, err);
    if (looks_encrypted(head, head_n)) goto encrypted;
    r->input_bytes = (uint64_t)sb.st_size;
    r->mdb = r->lib->open(path, MDB_NOFLAGS);
  } else {
    size_t len = 0;
    AX_TRY(read_image(r, &len, err));
    head_n = len < sizeof head ? len : sizeof head;
    memcpy(head, r->image, head_n);
    if (head_n < 0x20 || head[0] != 0 || memcmp(head + 4, "Standard ", 9) != 0)
      return refuse_file(r, head, head_n, err);
    if (looks_encrypted(head, head_n)) goto encrypted;
    r->input_bytes = len;
    r->mdb = r->lib->open_buffer(r->image, len, MDB_NOFLAGS);
  }
  if (!r->mdb) return refuse_file(r, head, head_n, err);
  r->version = (int)r->mdb->f->jet_version;
  const char *cs = getenv("MDB_JET3_CHARSET"); /* libmdb's own override */
  r->jet3_cp1252 = r->version == MDB_VER_JET3 && (!cs || !*cs || strcasecmp(cs, "CP1252") == 0);
  return ax_check_password(r, head, head_n, err);
encrypted:
  return ax_fail(r, err, PF_EUNSUPPORTED, NULL, NULL,
                 "the .accdb file is encrypted with a password (Office encryption), which "
                 "libmdb cannot decrypt; open it in Access, remove the password (File > Info > "
                 "Decrypt Database) and save it, then convert it");
}

static pf_status load_tables(ax_reader *r, pf_error *err) {
  GPtrArray *cat = r->lib->read_catalog(r->mdb, MDB_TABLE);
  if (!cat)
    return ax_fail(r, err, PF_EPARSE, NULL, NULL,
                   "the table catalog (MSysObjects) cannot be read: the database is damaged, or "
                   "encrypted in a way libmdb cannot read");
  ax_table *all = calloc(cat->len ? cat->len : 1, sizeof *all);
  if (!all) return ax_host->error_set(err, PF_ENOMEM, "out of memory");
  size_t n = 0;
  pf_status st = PF_OK;
  for (unsigned i = 0; st == PF_OK && i < cat->len; i++) {
    MdbCatalogEntry *e = g_ptr_array_index(cat, i);
    if (!is_user_table(r->lib, e)) continue;
    st = load_table(r, e, &all[n], err);
    n++;
  }
  r->n_all = n;
  if (st != PF_OK) {
    for (size_t i = 0; i < n; i++) free_table(&all[i]);
    free(all);
    return st;
  }
  /* every table; the engine reads the ones access.tables names (the
   * reader's tables_key) */
  r->tables = all;
  r->n_tables = n;
  return PF_OK;
}

pf_status ax_open(const pf_reader_env *env, ax_reader **out, pf_error *err) {
  *out = NULL;
  const ax_lib *lib = ax_lib_get();
  if (!lib)
    return ax_host->error_set(err, PF_EUNSUPPORTED,
                              "MS Access files need mdbtools' libmdb, which is not available: %s",
                              ax_lib_why());
  ax_reader *r = calloc(1, sizeof *r);
  if (!r) return ax_host->error_set(err, PF_ENOMEM, "out of memory");
  *out = r;
  r->env = env;
  r->lib = lib;
  r->path_label = ax_strdup(env->path && *env->path ? env->path : "(input)");
  if (!r->path_label) return ax_host->error_set(err, PF_ENOMEM, "out of memory");
  r->max_value = ax_host->option_int(env->opts, "input.max_field_size", (int64_t)64 << 20);
  if (ax_host->option_int(env->opts, "input.all_strings", 0))
    return ax_fail(r, err, PF_EUNSUPPORTED, NULL, NULL,
                   "input.all_strings does not apply to Access databases: their columns are "
                   "typed exactly (docs/access.md); convert without it");
  AX_TRY(open_handle(r, err));
  AX_TRY(load_tables(r, err));
  if (r->n_tables == 0)
    return ax_fail(r, err, PF_EEMPTY, NULL, NULL, "the database has no user tables (%s)",
                   ax_version_name(r->version));
  /* at first the first table that can be read is selected; the engine
   * selects one table per output before reading */
  for (size_t i = 0; i < r->n_tables; i++)
    if (!r->tables[i].unsupported) return ax_select(r, &i, 1, NULL, err);
  size_t first = 0;
  return ax_select(r, &first, 1, NULL, err);
}

void ax_close(ax_reader *r) {
  if (!r) return;
  ax_end_table(r);
  if (r->batch) ax_host->batch_free(r->batch);
  if (r->schema) ax_host->schema_free(r->schema);
  for (size_t i = 0; r->tables && i < r->n_tables; i++) free_table(&r->tables[i]);
  free(r->tables);
  if (r->mdb) r->lib->close(r->mdb);
  free(r->image);
  free(r->path_label);
  free(r->sel);
  free(r->fields);
  free(r->text);
  free(r->lval);
  for (size_t i = 0; i < r->n_warn; i++) free(r->warn[i]);
  free(r->warn);
  free(r);
}

/* ---- the selection ---- */

static pf_status build_schema(ax_reader *r, const ax_table *t, pf_schema **out, pf_error *err) {
  pf_schema *s = ax_host->schema_new(t->n_cols);
  if (!s) return ax_host->error_set(err, PF_ENOMEM, "out of memory");
  const char **raw = calloc(t->n_cols ? t->n_cols : 1, sizeof *raw);
  char **names = NULL;
  pf_status st = raw ? PF_OK : PF_ENOMEM;
  for (size_t i = 0; st == PF_OK && i < t->n_cols; i++) raw[i] = t->cols[i].name;
  /* Access names are unique ignoring case already; the engine's rule
   * still trims and fills blanks the way every reader does */
  if (st == PF_OK) st = ax_host->names_unique(raw, NULL, t->n_cols, &names);
  for (size_t i = 0; st == PF_OK && i < t->n_cols; i++) {
    st = ax_host->schema_set(s, i, names[i], t->cols[i].type, t->cols[i].kind != AX_BOOL);
    if (st == PF_OK && t->cols[i].type == PF_TYPE_DECIMAL) {
      s->fields[i].precision = t->cols[i].precision;
      s->fields[i].scale = t->cols[i].scale;
    }
  }
  if (names) ax_host->names_free(names, t->n_cols);
  free(raw);
  if (st != PF_OK) {
    ax_host->schema_free(s);
    return st == PF_ENOMEM ? ax_host->error_set(err, PF_ENOMEM, "out of memory") : st;
  }
  (void)r;
  *out = s;
  return PF_OK;
}

pf_status ax_select(ax_reader *r, const size_t *idx, size_t n, const char *table_column,
                    pf_error *err) {
  if (n != 1 || table_column)
    return ax_fail(r, err, PF_EUNSUPPORTED, NULL, NULL,
                   "Access tables are read one at a time (one output per table)");
  if (idx[0] >= r->n_tables)
    return ax_host->error_set(err, PF_EINVAL, "table index %zu out of range", idx[0]);
  ax_end_table(r);
  const ax_table *t = &r->tables[idx[0]];
  if (t->unsupported) return ax_fail(r, err, PF_EUNSUPPORTED, t, NULL, "%s", t->unsupported);
  pf_schema *s = NULL;
  AX_TRY(build_schema(r, t, &s, err));
  if (r->schema) ax_host->schema_free(r->schema);
  r->schema = s;
  if (r->batch) ax_host->batch_free(r->batch);
  r->batch = NULL;
  free(r->sel);
  r->sel = malloc(sizeof *r->sel);
  if (!r->sel) return ax_host->error_set(err, PF_ENOMEM, "out of memory");
  r->sel[0] = idx[0];
  r->n_sel = 1;
  r->rows_total = 0;
  return ax_start_table(r, 0, err);
}

/* ---- info ---- */

static pf_status prop(pf_info *info, const char *k, const char *v, pf_error *err) {
  if (ax_host->info_prop(info, k, v) != PF_OK) return ax_host->error_set(err, PF_ENOMEM, "out of memory");
  return PF_OK;
}

static pf_status sprop(pf_info_section *s, const char *k, const char *v, pf_error *err) {
  if (!s || ax_host->section_prop(s, k, v) != PF_OK)
    return ax_host->error_set(err, PF_ENOMEM, "out of memory");
  return PF_OK;
}

/* Counts a table's rows by reading it (the definition's count can be
 * stale); restores nothing: the caller selects again. */
static pf_status count_rows(ax_reader *r, size_t i, int64_t *rows, pf_error *err) {
  size_t one = i;
  AX_TRY(ax_select(r, &one, 1, NULL, err));
  pf_batch *b = NULL;
  *rows = 0;
  do {
    AX_TRY(ax_next(r, &b, err));
    if (b) *rows += (int64_t)b->n_rows;
  } while (b);
  return PF_OK;
}

pf_status ax_info(ax_reader *r, pf_info *info, pf_error *err) {
  char text[512];
  AX_TRY(prop(info, "database", ax_version_name(r->version), err));
  snprintf(text, sizeof text, "%u", (unsigned)r->mdb->f->code_page);
  AX_TRY(prop(info, "code_page", text, err));
  snprintf(text, sizeof text, "%zu", r->n_all);
  AX_TRY(prop(info, "tables", text, err));
  snprintf(text, sizeof text, "libmdb %s (mdbtools)", ax_lib_version());
  AX_TRY(prop(info, "reader", text, err));
  int64_t total = 0;
  for (size_t i = 0; i < r->n_tables; i++) {
    const ax_table *t = &r->tables[i];
    pf_info_section *s = ax_host->info_section(info, "table", t->name);
    int64_t rows = -1;
    if (!t->unsupported) AX_TRY(count_rows(r, i, &rows, err));
    snprintf(text, sizeof text, "%lld", (long long)(rows >= 0 ? rows : t->rows_hint));
    AX_TRY(sprop(s, "rows", text, err));
    snprintf(text, sizeof text, "%zu", t->n_cols);
    AX_TRY(sprop(s, "columns", text, err));
    for (size_t c = 0; c < t->n_cols; c++) {
      const ax_col *col = &t->cols[c];
      if (col->type == PF_TYPE_DECIMAL && col->kind == AX_NUMERIC)
        snprintf(text, sizeof text, "%s(%d,%d) -> decimal(%d,%d)", col->access_type, col->precision,
                 col->scale, col->precision, col->scale);
      else if (col->type == PF_TYPE_DECIMAL)
        snprintf(text, sizeof text, "%s -> decimal(19,4)", col->access_type);
      else if (col->access_type)
        snprintf(text, sizeof text, "%s -> %s", col->access_type,
                 col->type == PF_TYPE_BOOL ? "boolean" : col->type == PF_TYPE_INT64 ? "int64"
                 : col->type == PF_TYPE_DOUBLE ? "double" : col->type == PF_TYPE_TIMESTAMP ? "timestamp"
                 : col->type == PF_TYPE_BINARY ? "binary" : "string");
      else
        snprintf(text, sizeof text, "unsupported (type 0x%02x)", (unsigned)col->mdb_type);
      char key[300];
      snprintf(key, sizeof key, "column %s", col->name);
      AX_TRY(sprop(s, key, text, err));
    }
    if (t->unsupported) AX_TRY(sprop(s, "error", t->unsupported, err));
    if (rows > 0) total += rows;
  }
  info->rows = total;
  size_t first = 0;
  for (size_t i = 0; i < r->n_tables; i++)
    if (!r->tables[i].unsupported) {
      first = i;
      break;
    }
  if (r->tables[first].unsupported) return PF_OK;
  return ax_select(r, &first, 1, NULL, err);
}

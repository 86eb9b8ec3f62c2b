/* parquet_reader.c - the Parquet input format for `pyforge info` and
 * `pyforge validate`: reads the footer, maps the schema back to pf_schema,
 * describes the file (codecs, row groups, per-column statistics rendered as
 * text), and for validate decodes every page of every column chunk
 * (core/parquet_page_read.c) and counts the rows the pages hold.
 *
 * Nested schemas are shown flat: one field per leaf, named by its dotted
 * path, with a note when a repeated level is on the path. Converting
 * Parquet is not supported yet (next() says so).
 */
#include "readers/parquet/parquet_reader.h"

#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"
#include "formats/parquet/parquet_page_read.h"
#include "core/schema.h"
#include "formats/parquet/parquet_footer_read.h"

/* ConvertedType values used here. */
enum {
  CT_UTF8 = 0, CT_ENUM = 4, CT_DECIMAL = 5, CT_DATE = 6, CT_TIME_MILLIS = 7,
  CT_TIME_MICROS = 8, CT_TIMESTAMP_MILLIS = 9, CT_TIMESTAMP_MICROS = 10,
  CT_UINT_8 = 11, CT_UINT_64 = 14, CT_JSON = 19
};

/* How a leaf column's values read, decided once from its element. */
typedef struct leaf_view {
  pf_type type;
  int phys;        /* physical type                                      */
  int type_length; /* FIXED_LEN_BYTE_ARRAY bytes                         */
  int max_def;     /* levels: optional or repeated elements on the path  */
  int max_rep;     /* repeated elements on the path                      */
  int unit;        /* time/timestamp: 1 ms, 2 us, 3 ns                   */
  int is_unsigned;
  int precision, scale;
} leaf_view;

typedef struct pq_reader {
  const pf__reader_env *env;
  pf__pqr_meta meta;
  pf_schema *schema;  /* one field per leaf                                */
  leaf_view *views;   /* one per leaf                                      */
} pq_reader;

static int sniff(const uint8_t *head, size_t n) {
  /* "PARE": a file whose footer is encrypted (refused with that reason) */
  return n >= 4 && (memcmp(head, "PAR1", 4) == 0 || memcmp(head, "PARE", 4) == 0) ? 100 : 0;
}

/* ---- schema ---- */

static leaf_view view_of(const pf__pqr_element *e, pf__buf *note) {
  leaf_view v = {PF_TYPE_BINARY, e->type, e->type_length, 0, 0, 0, 0, 0, 0};
  int lt = e->logical, ct = e->converted_type;
  int dec = lt == PF__PQR_LT_DECIMAL || ct == CT_DECIMAL;
  if (dec) {
    v.precision = lt == PF__PQR_LT_DECIMAL && e->lt_precision >= 0 ? e->lt_precision : e->precision;
    v.scale = lt == PF__PQR_LT_DECIMAL && e->lt_scale >= 0 ? e->lt_scale : e->scale;
    if (v.scale < 0) v.scale = 0;
  }
  switch (e->type) {
    case 0: v.type = PF_TYPE_BOOL; break;
    case 1:
    case 2:
      if (lt == PF__PQR_LT_UNKNOWN) {
        v.type = PF_TYPE_NULL;
      } else if (dec) {
        v.type = PF_TYPE_DECIMAL;
      } else if (lt == PF__PQR_LT_DATE || ct == CT_DATE) {
        v.type = PF_TYPE_DATE;
      } else if (lt == PF__PQR_LT_TIMESTAMP || ct == CT_TIMESTAMP_MILLIS ||
                 ct == CT_TIMESTAMP_MICROS) {
        /* a converted type alone means UTC-adjusted */
        int utc = lt == PF__PQR_LT_TIMESTAMP ? e->lt_utc : 1;
        v.type = utc ? PF_TYPE_TIMESTAMP_UTC : PF_TYPE_TIMESTAMP;
        v.unit = lt == PF__PQR_LT_TIMESTAMP ? e->lt_unit : ct == CT_TIMESTAMP_MILLIS ? 1 : 2;
      } else if (lt == PF__PQR_LT_TIME || ct == CT_TIME_MILLIS || ct == CT_TIME_MICROS) {
        v.type = PF_TYPE_TIME;
        v.unit = lt == PF__PQR_LT_TIME ? e->lt_unit : ct == CT_TIME_MILLIS ? 1 : 2;
      } else {
        v.type = PF_TYPE_INT64;
        v.is_unsigned = (lt == PF__PQR_LT_INTEGER && !e->lt_signed) ||
                        (ct >= CT_UINT_8 && ct <= CT_UINT_64);
        if (v.is_unsigned && e->type == 2) pf__buf_puts(note, "unsigned 64-bit integers");
      }
      if ((v.type == PF_TYPE_TIME || v.type == PF_TYPE_TIMESTAMP ||
           v.type == PF_TYPE_TIMESTAMP_UTC) && v.unit != 2)
        pf__buf_printf(note, "stored in %s",
                       v.unit == 1 ? "milliseconds" : v.unit == 3 ? "nanoseconds" : "an unknown unit");
      break;
    case 3:
      v.type = PF_TYPE_TIMESTAMP;
      v.unit = 3;
      pf__buf_puts(note, "INT96 timestamp (legacy)");
      break;
    case 4:
    case 5: v.type = PF_TYPE_DOUBLE; break;
    case 6:
      if (dec) v.type = PF_TYPE_DECIMAL;
      else if (lt == PF__PQR_LT_STRING || lt == PF__PQR_LT_ENUM || lt == PF__PQR_LT_JSON ||
               ct == CT_UTF8 || ct == CT_ENUM || ct == CT_JSON)
        v.type = PF_TYPE_STRING;
      break;
    case 7:
      if (dec) v.type = PF_TYPE_DECIMAL;
      else if (lt == PF__PQR_LT_UUID) pf__buf_puts(note, "UUID");
      else if (lt == PF__PQR_LT_FLOAT16) pf__buf_puts(note, "float16");
      break;
  }
  return v;
}

static pf_status build_schema(pq_reader *r, pf_error *err) {
  const pf__pqr_meta *m = &r->meta;
  r->schema = pf__schema_new(m->n_leaves);
  r->views = calloc(m->n_leaves ? m->n_leaves : 1, sizeof *r->views);
  size_t *groups = malloc(m->n_elements * sizeof *groups); /* open groups */
  size_t *left = malloc(m->n_elements * sizeof *left);     /* children left */
  pf__buf name, note;
  pf__buf_init(&name, 0);
  pf__buf_init(&note, 0);
  pf_status st = r->schema && r->views && groups && left ? PF_OK : PF_ENOMEM;
  size_t depth = 0, leaf = 0;
  if (st == PF_OK) {
    groups[0] = 0;
    left[0] = m->elements[0].num_children < 0 ? 0 : (size_t)m->elements[0].num_children;
    depth = 1;
  }
  /* the tree was checked by the footer reader; walk it again for names */
  for (size_t idx = 1; st == PF_OK && idx < m->n_elements && depth > 0; idx++) {
    while (depth > 0 && left[depth - 1] == 0) depth--;
    if (depth == 0) break;
    left[depth - 1]--;
    const pf__pqr_element *e = &m->elements[idx];
    if (e->num_children >= 0) {
      groups[depth] = idx;
      left[depth] = (size_t)e->num_children;
      depth++;
      continue;
    }
    name.len = 0;
    note.len = 0;
    int nullable = e->repetition != 0, repeated = e->repetition == 2;
    int defs = e->repetition == 1 || e->repetition == 2, reps = e->repetition == 2;
    for (size_t d = 1; d < depth; d++) {
      const pf__pqr_element *g = &m->elements[groups[d]];
      st = pf__buf_append(&name, g->name.p, g->name.n);
      if (st == PF_OK) st = pf__buf_putc(&name, '.');
      nullable |= g->repetition != 0;
      repeated |= g->repetition == 2;
      defs += g->repetition == 1 || g->repetition == 2;
      reps += g->repetition == 2;
    }
    if (st == PF_OK) st = pf__buf_append(&name, e->name.p, e->name.n);
    if (st != PF_OK) break;
    leaf_view v = view_of(e, &note);
    if (repeated)
      pf__buf_printf(&note, "%srepeated (nested) field; shown as its element type",
                     note.len ? "; " : "");
    v.max_def = defs;
    v.max_rep = reps;
    r->views[leaf] = v;
    st = pf__schema_set(r->schema, leaf, (const char *)name.data, v.type, nullable);
    if (st == PF_OK && v.type == PF_TYPE_DECIMAL) {
      r->schema->fields[leaf].precision = v.precision;
      r->schema->fields[leaf].scale = v.scale;
    }
    if (st == PF_OK && note.len) st = pf__schema_note(r->schema, leaf, "%s", (const char *)note.data);
    leaf++;
  }
  free(groups);
  free(left);
  pf__buf_free(&name);
  pf__buf_free(&note);
  if (st == PF_OK && leaf != m->n_leaves) st = PF_EINTERNAL;
  if (st != PF_OK) return pf__error_set(err, st, "cannot map the Parquet schema: %s", pf_status_str(st));
  return PF_OK;
}

/* ---- ops ---- */

static void reader_close(void *state) {
  pq_reader *r = state;
  if (!r) return;
  pf__pqr_meta_free(&r->meta);
  pf_schema_free(r->schema);
  free(r->views);
  free(r);
}

/* The input read through a descriptor: a descriptor input (standard input
 * arrives as one, spooled to a file by the session), else none (-1). */
static int input_fd(const pf__reader_env *env) {
  const pf__opts *o = env->opts;
  return o && o->in.kind == PF__INPUT_FD ? o->in.fd : -1;
}

static pf_status reader_open(const pf__reader_env *env, void **state,
                             pf_error *err) {
  *state = NULL;
  PF_RETURN_ERROR_IF(!env || !env->path, err, PF_EINVAL, "no input path given");
  int fd = input_fd(env);
  PF_RETURN_ERROR_IF(fd < 0 && strcmp(env->path, "-") == 0, err, PF_EUNSUPPORTED,
                     "Parquet cannot be read from standard input here; pass the file's path");
  PF_RETURN_ERROR_IF(env->opts && env->opts->in.kind == PF__INPUT_BUFFER, err, PF_EUNSUPPORTED,
                     "Parquet cannot be read from a memory buffer; pass the file's path or descriptor");
  pq_reader *r = calloc(1, sizeof *r);
  if (!r) return pf__error_set(err, PF_ENOMEM, "out of memory");
  r->env = env;
  pf_status st = fd >= 0 ? pf__pqr_read_fd(fd, env->path, &r->meta, err)
                         : pf__pqr_read_file(env->path, &r->meta, err);
  if (st == PF_OK) st = build_schema(r, err);
  if (st != PF_OK) {
    pf__error_file(err, env->path);
    reader_close(r);
    return st;
  }
  *state = r;
  return PF_OK;
}

static const pf_schema *reader_schema(void *state) {
  return ((pq_reader *)state)->schema;
}

static pf_status reader_next(void *state, pf_batch **batch, pf_error *err) {
  pq_reader *r = state;
  *batch = NULL;
  pf__error_file(err, r->env->path); /* the input, not the output */
  return pf__error_set(err, PF_EUNSUPPORTED,
                       "converting Parquet is not supported yet: pyforge info and validate read "
                       "Parquet files; rewrite one with DuckDB, polars or pyarrow");
}

static pf_status reader_rewind(void *state, pf_error *err) { return PF_OK; }

static void reader_stats(void *state, pf__reader_stats *out) {
  pq_reader *r = state;
  memset(out, 0, sizeof *out);
  out->bytes_total = r->meta.file_size;
}

/* ---- validate: every page decoded ---- */

/* What a check saw, for its scope text. */
typedef struct check_tally {
  int64_t chunks, decoded, failed, pages, crcs;
  int64_t unread;            /* chunks whose pages could not be read       */
  char unread_why[200];      /* the first reason                          */
} check_tally;

static pf_status report(pf__check *out, const pq_reader *r, pf_status status,
                        const char *column, const char *fmt, ...) PF__PRINTF(5, 6);
static pf_status report(pf__check *out, const pq_reader *r, pf_status status,
                        const char *column, const char *fmt, ...) {
  char msg[sizeof ((pf_error *)0)->message];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  pf_error e;
  pf_error_init(&e);
  pf__error_file(&e, r->env->path);
  if (column) pf__error_column_name(&e, column);
  pf__error_set(&e, status, "%s", msg);
  return out->problem(out->user, &e);
}

/* Decodes one column chunk; a problem is reported, not returned. *rows
 * gets the rows its pages hold, -1 when they could not be read. */
static pf_status check_chunk(pq_reader *r, pf__check *out, const uint8_t *map, size_t g,
                             size_t c, check_tally *t, int64_t *rows, pf_error *err) {
  const pf__pqr_row_group *rg = &r->meta.row_groups[g];
  const pf__pqr_chunk *ch = &rg->chunks[c];
  const leaf_view *v = &r->views[c];
  const char *name = r->schema->fields[c].name;
  *rows = -1;
  t->chunks++;
  if (ch->encrypted && r->meta.encrypted) {
    if (!t->unread++)
      snprintf(t->unread_why, sizeof t->unread_why, "column %s is encrypted", name);
    return PF_OK;
  }
  pf_error e;
  pf_error_init(&e);
  uint64_t start, len;
  pf_status st = pf__pqp_chunk_range(&r->meta, ch, &start, &len, name, &e);
  pf__pqp_col col;
  pf__pqp_col_init(&col, v->phys, v->type_length, v->max_def, v->max_rep, 0);
  if (st == PF_OK) st = pf__pqp_decode_chunk(&col, map + start, (size_t)len, start, ch, name, &e);
  if (st == PF_OK) {
    t->pages += col.data_pages + col.dict_pages;
    t->crcs += col.crc_pages;
    *rows = col.rows;
    t->decoded += *rows == rg->num_rows;
  }
  pf__pqp_col_free(&col);
  if (st == PF_ENOMEM) return pf__error_set(err, st, "out of memory");
  if (st == PF_EUNSUPPORTED || st == PF_ELIMIT) { /* ours, not the file's */
    if (!t->unread++) snprintf(t->unread_why, sizeof t->unread_why, "%.190s", e.message);
    return PF_OK;
  }
  if (st != PF_OK) {
    t->failed++;
    return report(out, r, st, name, "row group %zu: %s", g, e.message);
  }
  if (*rows != rg->num_rows)
    return t->failed++, report(out, r, PF_EPARSE, name,
                  "row group %zu: column %s: its pages hold %lld rows; the footer says %lld", g,
                  name, (long long)*rows, (long long)rg->num_rows);
  return PF_OK;
}

static void check_scope(pf__check *out, const pq_reader *r, const check_tally *t) {
  char crc[64] = "", *o = out->scope;
  size_t cap = sizeof out->scope;
  if (t->crcs)
    snprintf(crc, sizeof crc, ", %lld page CRC%s matched", (long long)t->crcs, t->crcs > 1 ? "s" : "");
  const char *cs = t->chunks > 1 ? "s" : "", *ps = t->pages == 1 ? "" : "s";
  if (r->meta.n_row_groups == 0 || t->chunks == 0) {
    snprintf(o, cap, "the footer (the file has no column chunks)");
    return;
  }
  if (t->decoded == t->chunks) {
    snprintf(o, cap,
             "every page of the %lld column chunk%s read and decoded (%lld page%s: levels, "
             "values, dictionaries%s)",
             (long long)t->chunks, cs, (long long)t->pages, ps, crc);
    return;
  }
  int k = snprintf(o, cap, "the pages of the %lld column chunk%s: %lld decoded without a "
                   "problem (%lld page%s%s)", (long long)t->chunks, cs, (long long)t->decoded,
                   (long long)t->pages, ps, crc);
  if (t->failed && k > 0 && (size_t)k < cap)
    k += snprintf(o + k, cap - (size_t)k, "; %lld with the problem%s above", (long long)t->failed,
                  t->failed > 1 ? "s" : "");
  if (t->unread && k > 0 && (size_t)k < cap)
    snprintf(o + k, cap - (size_t)k, "; %lld checked by the footer only: %s", (long long)t->unread,
             t->unread_why);
}

static pf_status reader_check(void *state, pf__check *out, pf_error *err) {
  pq_reader *r = state;
  const pf__pqr_meta *m = &r->meta;
  int64_t footer_rows = 0;
  for (size_t g = 0; g < m->n_row_groups; g++) footer_rows += m->row_groups[g].num_rows;
  if (footer_rows != m->num_rows)
    PF_TRY(report(out, r, PF_EPARSE, NULL,
                  "the footer says the file holds %lld rows, but its row groups hold %lld",
                  (long long)m->num_rows, (long long)footer_rows));
  int fd = input_fd(r->env);
  fd = fd >= 0 ? fcntl(fd, F_DUPFD_CLOEXEC, 0) : open(r->env->path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return pf__error_set(err, PF_EINPUT, "cannot open %s again", r->env->path);
  void *map = m->file_size ? mmap(NULL, m->file_size, PROT_READ, MAP_PRIVATE, fd, 0) : NULL;
  close(fd);
  if (m->file_size && map == MAP_FAILED)
    return pf__error_set(err, PF_EINPUT, "cannot map %s to read its pages", r->env->path);
  check_tally t;
  memset(&t, 0, sizeof t);
  out->rows = 0;
  pf_status st = PF_OK;
  for (size_t g = 0; st == PF_OK && g < m->n_row_groups; g++) {
    int64_t confirmed = -1;
    for (size_t c = 0; st == PF_OK && c < m->row_groups[g].n_chunks; c++) {
      if (r->env->opts && r->env->opts->cancel && *r->env->opts->cancel) {
        st = pf__error_set(err, PF_ECANCELED, "validation canceled");
        break;
      }
      int64_t rows;
      st = check_chunk(r, out, map, g, c, &t, &rows, err);
      if (confirmed < 0) confirmed = rows;
    }
    out->rows += confirmed >= 0 ? confirmed : m->row_groups[g].num_rows;
  }
  if (map && map != MAP_FAILED) munmap(map, m->file_size);
  check_scope(out, r, &t);
  return st;
}

/* ---- rendering statistics ---- */

static int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* Days since 1970-01-01 to a civil date (proleptic Gregorian). */
static void civil(int64_t days, int64_t *y, int *m, int *d) {
  int64_t z = days + 719468;
  int64_t era = floor_div(z, 146097);
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  *d = (int)(doy - (153 * mp + 2) / 5 + 1);
  *m = (int)(mp < 10 ? mp + 3 : mp - 9);
  *y = yoe + era * 400 + (*m <= 2);
}

static void put_date(pf__buf *b, int64_t days) {
  int64_t y;
  int m, d;
  civil(days, &y, &m, &d);
  pf__buf_printf(b, "%04lld-%02d-%02d", (long long)y, m, d);
}

/* Time of day from a count of 10^-digits seconds. */
static void put_time(pf__buf *b, int64_t v, int64_t per_sec, int digits) {
  int64_t secs = v / per_sec, frac = v % per_sec;
  pf__buf_printf(b, "%02lld:%02lld:%02lld", (long long)(secs / 3600),
                 (long long)(secs / 60 % 60), (long long)(secs % 60));
  if (frac) pf__buf_printf(b, ".%0*lld", digits, (long long)frac);
}

static void put_timestamp(pf__buf *b, int64_t v, int unit, int utc) {
  int64_t per_sec = unit == 1 ? 1000 : unit == 3 ? 1000000000 : 1000000;
  int digits = unit == 1 ? 3 : unit == 3 ? 9 : 6;
  int64_t per_day = per_sec * 86400;
  int64_t days = floor_div(v, per_day);
  put_date(b, days);
  pf__buf_putc(b, ' ');
  /* 128-bit: days * per_day may pass INT64_MIN for the oldest values */
  put_time(b, (int64_t)((__int128)v - (__int128)days * per_day), per_sec, digits);
  if (utc) pf__buf_putc(b, 'Z');
}

static void put_double(pf__buf *b, double x) {
  char tmp[40];
  for (int p = 15; p <= 17; p++) {
    snprintf(tmp, sizeof tmp, "%.*g", p, x);
    if (strtod(tmp, NULL) == x || x != x) break;
  }
  pf__buf_puts(b, tmp);
}

static void put_hex(pf__buf *b, const uint8_t *p, size_t n) {
  pf__buf_puts(b, "0x");
  for (size_t i = 0; i < n && i < 64; i++) pf__buf_printf(b, "%02x", p[i]);
  if (n > 64) pf__buf_puts(b, "...");
}

/* A two's complement integer of n <= 16 bytes (big-endian) as a decimal
 * number with `scale` digits after the point. */
static void put_decimal_be(pf__buf *b, const uint8_t *p, size_t n, int scale) {
  if (n == 0 || n > 16) {
    put_hex(b, p, n);
    return;
  }
  unsigned __int128 u = (p[0] & 0x80) ? ~(unsigned __int128)0 : 0;
  for (size_t i = 0; i < n; i++) u = (u << 8) | p[i];
  int neg = (p[0] & 0x80) != 0;
  if (neg) u = ~u + 1;
  char digits[48];
  int k = 0;
  do {
    digits[k++] = (char)('0' + (int)(u % 10));
    u /= 10;
  } while (u);
  while (k <= scale) digits[k++] = '0';
  if (neg) pf__buf_putc(b, '-');
  for (int i = k - 1; i >= 0; i--) {
    pf__buf_putc(b, digits[i]);
    if (i == scale && scale > 0) pf__buf_putc(b, '.');
  }
}

static int valid_utf8(const uint8_t *p, size_t n) {
  size_t i = 0;
  while (i < n) {
    uint8_t c = p[i];
    size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (!len || i + len > n) return 0;
    for (size_t k = 1; k < len; k++)
      if ((p[i + k] & 0xC0) != 0x80) return 0;
    i += len;
  }
  return 1;
}

static void put_value(pf__buf *b, const leaf_view *v, pf__pqr_bytes x) {
  const uint8_t *p = x.p;
  size_t n = x.n;
  int32_t i32;
  int64_t i64;
  switch (v->phys) {
    case 0:
      if (n == 1) { pf__buf_puts(b, p[0] ? "true" : "false"); return; }
      break;
    case 1:
      if (n != 4) break;
      memcpy(&i32, p, 4);
      if (v->type == PF_TYPE_DATE) put_date(b, i32);
      else if (v->type == PF_TYPE_TIME) put_time(b, i32, 1000, 3);
      else if (v->type == PF_TYPE_DECIMAL) {
        uint8_t be[4] = {p[3], p[2], p[1], p[0]};
        put_decimal_be(b, be, 4, v->scale);
      } else if (v->is_unsigned) pf__buf_printf(b, "%lu", (unsigned long)(uint32_t)i32);
      else pf__buf_printf(b, "%ld", (long)i32);
      return;
    case 2:
      if (n != 8) break;
      memcpy(&i64, p, 8);
      if (v->type == PF_TYPE_TIMESTAMP || v->type == PF_TYPE_TIMESTAMP_UTC) {
        put_timestamp(b, i64, v->unit, v->type == PF_TYPE_TIMESTAMP_UTC);
      } else if (v->type == PF_TYPE_TIME) {
        int64_t per = v->unit == 3 ? 1000000000 : 1000000;
        put_time(b, i64, per, v->unit == 3 ? 9 : 6);
      } else if (v->type == PF_TYPE_DECIMAL) {
        uint8_t be[8];
        for (int k = 0; k < 8; k++) be[k] = p[7 - k];
        put_decimal_be(b, be, 8, v->scale);
      } else if (v->is_unsigned) {
        pf__buf_printf(b, "%llu", (unsigned long long)(uint64_t)i64);
      } else {
        pf__buf_printf(b, "%lld", (long long)i64);
      }
      return;
    case 3:
      if (n != 12) break;
      {
        int64_t nanos;
        int32_t jd;
        memcpy(&nanos, p, 8);
        memcpy(&jd, p + 8, 4);
        __int128 t = ((__int128)jd - 2440588) * 86400000000000LL + nanos;
        if (t < INT64_MIN || t > INT64_MAX) break; /* shown as bytes */
        put_timestamp(b, (int64_t)t, 3, 0);
      }
      return;
    case 4:
      if (n != 4) break;
      {
        float f;
        memcpy(&f, p, 4);
        put_double(b, f);
      }
      return;
    case 5:
      if (n != 8) break;
      {
        double d;
        memcpy(&d, p, 8);
        put_double(b, d);
      }
      return;
    case 6:
    case 7:
      if (v->type == PF_TYPE_DECIMAL) {
        put_decimal_be(b, p, n, v->scale);
        return;
      }
      if (v->type == PF_TYPE_STRING && valid_utf8(p, n)) {
        pf__buf_append(b, p, n);
        return;
      }
      break;
  }
  put_hex(b, p, n);
}

/* ---- info ---- */

/* Adds "<column>.<attr>" = value. */
static pf_status col_prop(pf_info_section *s, pf__buf *key, const char *column,
                          const char *attr, const char *value) {
  key->len = 0;
  PF_TRY(pf__buf_printf(key, "%s.%s", column, attr));
  return pf__section_prop(s, (const char *)key->data, "%s", value);
}

static pf_status chunk_props(pf_info_section *s, const pf_field *f,
                             const leaf_view *v, const pf__pqr_chunk *c,
                             pf__buf *key, pf__buf *val) {
  const char *name = f->name;
  char num[32];
  PF_TRY(col_prop(s, key, name, "codec", pf__pqr_codec_name(c->codec)));
  val->len = 0;
  PF_TRY(pf__buf_puts(val, ""));
  for (int e = 0; e < 32; e++) {
    if (!(c->encodings & (1u << e))) continue;
    if (val->len) PF_TRY(pf__buf_putc(val, ','));
    PF_TRY(pf__buf_puts(val, pf__pqr_encoding_name(e)));
  }
  PF_TRY(col_prop(s, key, name, "encodings", (const char *)val->data));
  snprintf(num, sizeof num, "%lld", (long long)c->total_compressed_size);
  PF_TRY(col_prop(s, key, name, "compressed_size", num));
  const pf__pqr_stats *st = &c->stats;
  if (c->has_stats && st->has_null_count) {
    snprintf(num, sizeof num, "%lld", (long long)st->null_count);
    PF_TRY(col_prop(s, key, name, "null_count", num));
  }
  if (c->has_stats && st->has_min) {
    val->len = 0;
    put_value(val, v, st->min);
    if (st->min_exact == 0) pf__buf_puts(val, " (truncated)");
    PF_TRY(pf__buf_puts(val, ""));
    PF_TRY(col_prop(s, key, name, "min", (const char *)val->data));
  }
  if (c->has_stats && st->has_max) {
    val->len = 0;
    put_value(val, v, st->max);
    if (st->max_exact == 0) pf__buf_puts(val, " (rounded up)");
    PF_TRY(pf__buf_puts(val, ""));
    PF_TRY(col_prop(s, key, name, "max", (const char *)val->data));
  }
  return PF_OK;
}

static pf_status reader_info(void *state, pf_info *info, pf_error *err) {
  pq_reader *r = state;
  const pf__pqr_meta *m = &r->meta;
  info->rows = m->num_rows;
  pf__buf tmp, key;
  pf__buf_init(&tmp, 0);
  pf__buf_init(&key, 0);
  pf_status st = PF_OK;
  if (m->has_created_by)
    st = pf__info_prop(info, "created_by", "%.*s", (int)m->created_by.n,
                       (const char *)m->created_by.p);
  if (st == PF_OK) st = pf__info_prop(info, "format_version", "%d", (int)m->version);
  if (st == PF_OK) st = pf__info_prop(info, "num_rows", "%lld", (long long)m->num_rows);
  if (st == PF_OK) st = pf__info_prop(info, "row_groups", "%zu", m->n_row_groups);
  /* codecs in order of first use */
  uint32_t seen = 0;
  for (size_t g = 0; st == PF_OK && g < m->n_row_groups; g++)
    for (size_t c = 0; st == PF_OK && c < m->row_groups[g].n_chunks; c++) {
      int codec = m->row_groups[g].chunks[c].codec;
      if (codec < 0 || codec >= 32 || (seen & (1u << codec))) continue;
      seen |= 1u << codec;
      if (tmp.len) st = pf__buf_putc(&tmp, ',');
      if (st == PF_OK) st = pf__buf_puts(&tmp, pf__pqr_codec_name(codec));
    }
  if (st == PF_OK && tmp.len)
    st = pf__info_prop(info, "compression", "%s", (const char *)tmp.data);
  if (st == PF_OK) st = pf__info_prop(info, "footer_bytes", "%zu", m->footer_len);
  if (st == PF_OK && m->n_key_values)
    st = pf__info_prop(info, "key_value_metadata", "%zu entries", m->n_key_values);
  for (size_t g = 0; st == PF_OK && g < m->n_row_groups; g++) {
    const pf__pqr_row_group *rg = &m->row_groups[g];
    char gname[32];
    snprintf(gname, sizeof gname, "%zu", g);
    pf_info_section *s = pf__info_section(info, "row_group", gname);
    if (!s) {
      st = PF_ENOMEM;
      break;
    }
    int64_t comp = rg->total_compressed_size;
    if (comp < 0) {
      comp = 0;
      for (size_t c = 0; c < rg->n_chunks; c++) comp += rg->chunks[c].total_compressed_size;
    }
    st = pf__section_prop(s, "rows", "%lld", (long long)rg->num_rows);
    if (st == PF_OK) st = pf__section_prop(s, "total_byte_size", "%lld", (long long)rg->total_byte_size);
    if (st == PF_OK) st = pf__section_prop(s, "compressed_size", "%lld", (long long)comp);
    for (size_t c = 0; st == PF_OK && c < rg->n_chunks; c++)
      st = chunk_props(s, &r->schema->fields[c], &r->views[c], &rg->chunks[c], &key, &tmp);
  }
  pf__buf_free(&tmp);
  pf__buf_free(&key);
  if (st != PF_OK) return pf__error_set(err, st, "cannot describe the Parquet file: %s", pf_status_str(st));
  return PF_OK;
}

const pf__reader_ops pf__parquet_reader_ops = {
    .name = "parquet",
    .description = "Parquet files (info and validate: schema, statistics, every page)",
    .extensions = ".parquet",
    .sniff = sniff,
    .open = reader_open,
    .schema = reader_schema,
    .next = reader_next,
    .rewind = reader_rewind,
    .info = reader_info,
    .stats = reader_stats,
    .close = reader_close,
    .check = reader_check,
};

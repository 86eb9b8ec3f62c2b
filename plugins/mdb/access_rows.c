/* access_rows.c - a table's rows into batches. libmdb finds the table's
 * data pages and cracks each row into fields (where each value lies in the
 * page, null or not); the values are decoded here from their bytes, not
 * through libmdb's text rendering, so nothing is lost:
 *   Date/Time  a double of days since 1899-12-30 whose fraction is the
 *              time of day (also for days before 1899-12-30, where the
 *              integer part counts back and the fraction still counts
 *              forward): converted directly, years 100 to 9999, to the
 *              millisecond (libmdb's struct tm route is wrong before 1900)
 *   Currency   int64 ten-thousandths -> decimal(19,4)
 *   Decimal    sign byte + 96..128-bit magnitude in 32-bit words, most
 *              significant first -> decimal(p,s)
 *   Text/Memo  UTF-16 (or Jet 4 "compressed" text, or the Jet 3 code page)
 *              decoded by libmdb into UTF-8; null and "" stay apart
 *   Memo/OLE   values stored on other pages (long values) gathered here
 *              page by page, bounded by input.max_field_size
 * A row libmdb cannot crack (a damaged page) is skipped, as mdb-export
 * does, and counted in the warnings. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"

#define AX_ROW_OFFSET_MASK 0x1fff
/* Row slot flags, as Access (and Jackcess) read them: 0x8000 a deleted
 * row, or the new home of a row that outgrew its page (reached only
 * through its pointer); 0x4000 alone, an overflow pointer: 1 byte row
 * number and 3 bytes page number of where the row now lives. libmdb reads
 * them the other way round (it skips the pointers and reads the moved
 * rows where they lie), which keeps the rows but not their order. */
#define AX_ROW_DELETED 0x8000
#define AX_ROW_OVERFLOW 0x4000
#define AX_MAX_HOPS 8
#define AX_EPOCH_DAYS 25569 /* 1899-12-30 .. 1970-01-01 */
#define AX_DAY_MIN -657434.0 /* 0100-01-01 */
#define AX_DAY_END 2958466.0 /* 10000-01-01 */

static uint32_t le16(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8; }
static uint32_t le32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static uint64_t le64(const uint8_t *p) { return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32; }

int64_t ax_datetime_us(double days, int *ok) {
  *ok = 0;
  if (!(days >= AX_DAY_MIN && days < AX_DAY_END)) return 0;
  double whole = trunc(days);
  double frac = fabs(days - whole);
  int64_t ms = llround(frac * 86400000.0);
  *ok = 1;
  return ((int64_t)whole - AX_EPOCH_DAYS) * 86400000000LL + ms * 1000;
}

/* ---- one table ---- */

void ax_end_table(ax_reader *r) {
  if (r->tdef) r->lib->free_tabledef(r->tdef);
  r->tdef = NULL;
  r->started = 0;
}

pf_status ax_start_table(ax_reader *r, size_t i, pf_error *err) {
  ax_end_table(r);
  r->cur = i;
  r->row = 0;
  const ax_table *t = &r->tables[r->sel[i]];
  MdbTableDef *td = r->lib->read_table(t->entry);
  if (!td || !r->lib->read_columns(td) || td->num_cols != t->n_cols) {
    if (td) r->lib->free_tabledef(td);
    return ax_fail(r, err, PF_EPARSE, t, NULL, "table '%s': its definition cannot be read again (the file changed or is damaged)", t->name);
  }
  r->tdef = td;
  r->lib->rewind_table(td);
  if (r->n_fields_cap < t->n_cols + 1) {
    MdbField *f = realloc(r->fields, (t->n_cols + 1) * sizeof *f);
    if (!f) return ax_host->error_set(err, PF_ENOMEM, "out of memory");
    r->fields = f;
    r->n_fields_cap = t->n_cols + 1;
  }
  return PF_OK;
}

/* Puts the data page being walked back into pg_buf after an overflow
 * row's page stood there. */
static void restore_page(ax_reader *r) {
  if (!r->pg_saved) return;
  memcpy(r->mdb->pg_buf, r->saved_pg, sizeof r->saved_pg);
  r->pg_saved = 0;
}

/* An overflow pointer at *start: loads the page it points to into pg_buf
 * (the walked page saved) and sets *start, *size to the row there. 0 when
 * the pointer leads nowhere (a damaged file). */
static int follow_overflow(ax_reader *r, int *start, size_t *size) {
  MdbHandle *mdb = r->mdb;
  for (int hop = 0; hop < AX_MAX_HOPS; hop++) {
    int off = *start & AX_ROW_OFFSET_MASK;
    if (*size < 4 || off + 4 > (int)mdb->fmt->pg_size) break;
    const uint8_t *p = mdb->pg_buf + off;
    unsigned row = p[0];
    unsigned long pg = (unsigned long)p[1] | (unsigned long)p[2] << 8 | (unsigned long)p[3] << 16;
    if (!r->pg_saved) {
      memcpy(r->saved_pg, mdb->pg_buf, sizeof r->saved_pg);
      r->pg_saved = 1;
    }
    if (pg == 0 || r->lib->read_alt_pg(mdb, pg) != mdb->fmt->pg_size) break;
    memcpy(mdb->pg_buf, mdb->alt_pg_buf, sizeof mdb->pg_buf);
    if (r->lib->find_row(mdb, (int)row, start, size) == -1 || *size == 0) break;
    /* the row's new home (flagged 0x8000), unless it moved once more */
    if (!(*start & AX_ROW_OVERFLOW) || (*start & AX_ROW_DELETED)) return 1;
  }
  restore_page(r);
  return 0;
}

/* The next live row of the table (what mdb_fetch_row does, keeping the
 * fields, following overflow rows): 1 and r->fields filled (pg_buf may
 * hold the row's own page until restore_page), or 0 at the end. */
static int next_row(ax_reader *r) {
  MdbTableDef *t = r->tdef;
  MdbHandle *mdb = r->mdb;
  if (t->num_cols == 0 || r->started == 2) return 0;
  if (!r->started) {
    r->started = 1;
    r->cur_row = 0;
    if (!r->lib->read_next_dpg(t)) {
      r->started = 2; /* the end: stays the end */
      return 0;
    }
  }
  for (;;) {
    unsigned rows = le16(mdb->pg_buf + mdb->fmt->row_count_offset);
    if (r->cur_row >= rows) {
      r->cur_row = 0;
      if (!r->lib->read_next_dpg(t)) {
        r->started = 2;
        return 0;
      }
      continue;
    }
    unsigned row = r->cur_row++;
    int start = 0;
    size_t size = 0;
    if (r->lib->find_row(mdb, (int)row, &start, &size) == -1 || size == 0) continue;
    if (start & AX_ROW_DELETED) continue;
    if ((start & AX_ROW_OVERFLOW) && !follow_overflow(r, &start, &size)) {
      r->bad_rows++;
      continue;
    }
    start &= AX_ROW_OFFSET_MASK;
    if (r->lib->crack_row(t, start, size, r->fields) < 0) {
      r->bad_rows++;
      restore_page(r);
      continue;
    }
    return 1;
  }
}

/* ---- values ---- */

static pf_status grow(void *pp, size_t *cap, size_t need) {
  if (need <= *cap) return PF_OK;
  size_t n = *cap ? *cap : 4096;
  while (n < need) n *= 2;
  void *p = realloc(*(void **)pp, n);
  if (!p) return PF_ENOMEM;
  *(void **)pp = p;
  *cap = n;
  return PF_OK;
}

/* A long value (Memo, OLE) whose 12-byte header is at pg_buf[start]:
 * inline, on one other page, or a chain of pages. Its bytes go to
 * r->lval; *n their count. */
static pf_status long_value(ax_reader *r, const ax_table *t, const ax_col *c, int start, int siz,
                            size_t *n, pf_error *err) {
  MdbHandle *mdb = r->mdb;
  const uint8_t *pg = mdb->pg_buf;
  *n = 0;
  if (siz < MDB_MEMO_OVERHEAD) return PF_OK;
  uint32_t head = le32(pg + start);
  uint32_t want = head & 0x3fffffff;
  if ((uint64_t)want > (uint64_t)r->max_value)
    return ax_fail(r, err, PF_ELIMIT, t, c->name,
                   "row %lld, column '%s': a value of %u bytes is over input.max_field_size "
                   "(%lld); raise it to convert this table",
                   (long long)r->row + 1, c->name, want, (long long)r->max_value);
  if (head & 0x80000000u) { /* inline */
    size_t len = (size_t)siz - MDB_MEMO_OVERHEAD;
    if (grow(&r->lval, &r->lval_cap, len + 1) != PF_OK) return ax_host->error_set(err, PF_ENOMEM, "out of memory");
    memcpy(r->lval, pg + start + MDB_MEMO_OVERHEAD, len);
    *n = len;
    return PF_OK;
  }
  int32_t pg_row = (int32_t)le32(pg + start + 4);
  int single = (head & 0x40000000u) != 0;
  if (!single && (head & 0xff000000u) != 0)
    return ax_fail(r, err, PF_EPARSE, t, c->name, "row %lld, column '%s': a long value with unknown flags 0x%02x (damaged file)",
                   (long long)r->row + 1, c->name, head >> 24);
  for (int hops = 0; pg_row; hops++) {
    void *buf = NULL;
    int off = 0;
    size_t len = 0;
    if (hops > (1 << 20) || r->lib->find_pg_row(mdb, pg_row, &buf, &off, &len) != 0)
      return ax_fail(r, err, PF_EPARSE, t, c->name,
                     "row %lld, column '%s': a page of the long value cannot be read (damaged file)",
                     (long long)r->row + 1, c->name);
    const uint8_t *p = (const uint8_t *)buf + off;
    if (!single) {
      if (len < 4) break;
      pg_row = (int32_t)le32(p);
      p += 4;
      len -= 4;
    } else {
      pg_row = 0;
    }
    if (*n + len > want) len = want > *n ? want - *n : 0; /* the stated length bounds it */
    if (grow(&r->lval, &r->lval_cap, *n + len + 1) != PF_OK) return ax_host->error_set(err, PF_ENOMEM, "out of memory");
    memcpy(r->lval + *n, p, len);
    *n += len;
    if (*n >= want) break;
  }
  return PF_OK;
}

/* Jet 4 / ACE text: UTF-16LE with surrogate pairs (libmdb's iconv from
 * UCS-2 turns characters past U+FFFF into '?'), or "compressed" text
 * (FF FE, then runs of one-byte characters U+0000..U+00FF and, after a
 * 00 byte, of UTF-16 units, toggled by each 00). A lone surrogate becomes
 * U+FFFD. out has room for 3 * n + 8 bytes. */
size_t ax_utf16_to_utf8(const uint8_t *p, size_t n, char *out) {
  size_t o = 0, i = 0;
  int compressed = 0;
  if (n >= 2 && p[0] == 0xFF && p[1] == 0xFE) {
    compressed = 1;
    i = 2;
  }
  while (i < n) {
    if (compressed && p[i] == 0) {
      compressed = 2; /* toggled to UTF-16 */
      i++;
      continue;
    }
    if (compressed == 1) {
      o += pf_utf8_put(out + o, p[i++]);
      continue;
    }
    if (i + 1 >= n) break; /* an odd byte at the end */
    uint32_t u = (uint32_t)p[i] | (uint32_t)p[i + 1] << 8;
    if (compressed == 2 && u == 0) { /* 00 00 cannot be a unit: back to one byte */
      compressed = 1;
      i++;
      continue;
    }
    i += 2;
    if (u >= 0xD800 && u < 0xDC00 && i + 1 < n) {
      uint32_t lo = (uint32_t)p[i] | (uint32_t)p[i + 1] << 8;
      if (lo >= 0xDC00 && lo < 0xE000) {
        i += 2;
        o += pf_utf8_put(out + o, 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00));
        continue;
      }
    }
    if (u >= 0xD800 && u < 0xE000) u = 0xFFFD;
    o += pf_utf8_put(out + o, u);
  }
  return o;
}

/* Jet 3 text in Windows-1252 (libmdb's default for Jet 3, when
 * MDB_JET3_CHARSET does not name another): the five bytes 1252 leaves
 * undefined map to U+0081.. as Windows maps them, where libmdb's iconv
 * writes '?'. out has room for 3 * n bytes. */
static size_t cp1252_to_utf8(const uint8_t *p, size_t n, char *out) {
  static const uint16_t hi[32] = {
      0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
      0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
      0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};
  size_t o = 0;
  for (size_t i = 0; i < n; i++)
    o += pf_utf8_put(out + o, p[i] >= 0x80 && p[i] < 0xA0 ? hi[p[i] - 0x80] : p[i]);
  return o;
}

/* Text bytes (UTF-16LE, compressed, or the Jet 3 code page) -> UTF-8. */
static pf_status put_text(ax_reader *r, pf_column *col, size_t row, const uint8_t *p, size_t n,
                          pf_error *err) {
  if (n == 0) return pf_col_push_str(ax_host, col, row, "", 0);
  size_t need = 3 * n + 8;
  if (grow(&r->text, &r->text_cap, need) != PF_OK) return ax_host->error_set(err, PF_ENOMEM, "out of memory");
  int got;
  if (r->version != MDB_VER_JET3)
    got = (int)ax_utf16_to_utf8(p, n, r->text);
  else if (r->jet3_cp1252)
    got = (int)cp1252_to_utf8(p, n, r->text);
  else /* the code page MDB_JET3_CHARSET names, by libmdb's iconv */
    got = r->lib->unicode2ascii(r->mdb, (const char *)p, n, r->text, r->text_cap);
  if (got < 0) got = 0;
  pf_status st = pf_col_push_str(ax_host, col, row, r->text, (size_t)got);
  if (st != PF_OK) return ax_host->error_set(err, st, "a batch of text is over the size limit");
  return PF_OK;
}

static void put_decimal(pf_column *col, size_t row, unsigned __int128 mag, int neg) {
  __int128 v = neg ? -(__int128)mag : (__int128)mag;
  uint8_t b[16];
  for (int i = 0; i < 16; i++) b[i] = (uint8_t)((unsigned __int128)v >> (8 * i));
  memcpy(col->values + row * 16, b, 16);
  pf_bit_set(col->validity, row);
}

static pf_status put_guid(pf_column *col, size_t row, const uint8_t *k) {
  char s[40];
  snprintf(s, sizeof s,
           "{%02X%02X%02X%02X-%02X%02X-%02X%02X-%02X%02X-%02X%02X%02X%02X%02X%02X}", k[3], k[2],
           k[1], k[0], k[5], k[4], k[7], k[6], k[8], k[9], k[10], k[11], k[12], k[13], k[14], k[15]);
  return pf_col_push_str(ax_host, col, row, s, 38);
}

static int fixed_width(ax_kind k) {
  switch (k) {
    case AX_BYTE: return 1;
    case AX_INT16: return 2;
    case AX_INT32: case AX_FLOAT: return 4;
    case AX_INT64: case AX_MONEY: case AX_DOUBLE: case AX_DATETIME: return 8;
    case AX_GUID: return 16;
    case AX_NUMERIC: return 17;
    default: return 0;
  }
}

/* A fixed-width number (integers, Single, Double, Date/Time, Currency,
 * Decimal) at p into column `col`. */
static pf_status put_number(ax_reader *r, const ax_table *t, const ax_col *c, pf_column *col,
                            size_t row, const uint8_t *p, pf_error *err) {
  int ok = 1;
  switch (c->kind) {
    case AX_BYTE: pf_col_set_i64(col, row, p[0]); break;
    case AX_INT16: pf_col_set_i64(col, row, (int16_t)le16(p)); break;
    case AX_INT32: pf_col_set_i64(col, row, (int32_t)le32(p)); break;
    case AX_INT64: pf_col_set_i64(col, row, (int64_t)le64(p)); break;
    case AX_FLOAT: {
      float v;
      uint32_t u = le32(p);
      memcpy(&v, &u, 4);
      pf_col_set_f64(col, row, (double)v);
      break;
    }
    case AX_DOUBLE:
    case AX_DATETIME: {
      double v;
      uint64_t u = le64(p);
      memcpy(&v, &u, 8);
      if (c->kind == AX_DOUBLE) {
        pf_col_set_f64(col, row, v);
        break;
      }
      int64_t us = ax_datetime_us(v, &ok);
      if (!ok)
        return ax_fail(r, err, PF_EPARSE, t, c->name,
                       "row %lld, column '%s': the Date/Time value %.17g is outside the years "
                       "100 to 9999 that Access allows (damaged file)",
                       (long long)r->row + 1, c->name, v);
      pf_col_set_i64(col, row, us);
      break;
    }
    case AX_MONEY: {
      int64_t v = (int64_t)le64(p);
      put_decimal(col, row, v < 0 ? (unsigned __int128)(-(__int128)v) : (unsigned __int128)v, v < 0);
      break;
    }
    case AX_NUMERIC: {
      unsigned __int128 mag = 0;
      for (int g = 0; g < 4; g++) mag = mag << 32 | le32(p + 1 + 4 * g);
      static const unsigned __int128 ten38 =
          (unsigned __int128)10000000000000000000ULL * 10000000000000000000ULL; /* 1e38 */
      if (mag >= ten38)
        return ax_fail(r, err, PF_EPARSE, t, c->name,
                       "row %lld, column '%s': a Decimal value of more than 38 digits (damaged file)",
                       (long long)r->row + 1, c->name);
      put_decimal(col, row, mag, (p[0] & 0x80) != 0);
      break;
    }
    default: break;
  }
  return PF_OK;
}

/* Field i of the current row into column i, row `row` of the batch. */
static pf_status put_value(ax_reader *r, const ax_table *t, size_t i, pf_column *col, size_t row,
                           pf_error *err) {
  const ax_col *c = &t->cols[i];
  const MdbField *f = &r->fields[i];
  const uint8_t *pg = r->mdb->pg_buf;
  if (c->kind == AX_BOOL) { /* the null bit is the value */
    pf_col_set_bool(col, row, !f->is_null);
    return PF_OK;
  }
  if (f->is_null) {
    pf_col_set_null(col, row);
    return PF_OK;
  }
  int w = fixed_width(c->kind);
  if (f->siz < w || f->siz < 0 || f->start < 0 || f->start + f->siz > (int)sizeof r->mdb->pg_buf)
    return ax_fail(r, err, PF_EPARSE, t, c->name,
                   "row %lld, column '%s': a value of %d bytes where %d are needed (damaged file)",
                   (long long)r->row + 1, c->name, f->siz, w);
  const uint8_t *p = pg + f->start;
  size_t n = 0;
  switch (c->kind) {
    case AX_GUID:
      if (put_guid(col, row, p) != PF_OK)
        return ax_host->error_set(err, PF_ELIMIT, "a batch of text is over the size limit");
      return PF_OK;
    case AX_TEXT: return put_text(r, col, row, p, (size_t)f->siz, err);
    case AX_BINARY:
      if (pf_col_push_str(ax_host, col, row, p, (size_t)f->siz) != PF_OK)
        return ax_host->error_set(err, PF_ELIMIT, "a batch of binary values is over the size limit");
      return PF_OK;
    case AX_MEMO:
    case AX_OLE:
      AX_TRY(long_value(r, t, c, f->start, f->siz, &n, err));
      if (c->kind == AX_MEMO) return put_text(r, col, row, r->lval, n, err);
      if (pf_col_push_str(ax_host, col, row, r->lval ? r->lval : (const uint8_t *)"", n) != PF_OK)
        return ax_host->error_set(err, PF_ELIMIT, "a batch of binary values is over the size limit");
      return PF_OK;
    default: return put_number(r, t, c, col, row, p, err);
  }
}

/* ---- batches ---- */

static size_t batch_bytes(const pf_batch *b) {
  size_t n = 0;
  for (size_t i = 0; i < b->n_cols; i++)
    if (pf_type_is_varlen(b->cols[i].type)) n += b->cols[i].data_len;
  return n;
}

pf_status ax_next(ax_reader *r, pf_batch **out, pf_error *err) {
  *out = NULL;
  if (!r->tdef || !r->schema) return PF_OK;
  const ax_table *t = &r->tables[r->sel[r->cur]];
  if (!r->batch) {
    if (ax_host->batch_create(r->schema, PF_BATCH_ROWS, &r->batch) != PF_OK)
      return ax_host->error_set(err, PF_ENOMEM, "out of memory");
  } else if (ax_host->batch_reset(r->batch, r->schema) != PF_OK) {
    return ax_host->error_set(err, PF_ENOMEM, "out of memory");
  }
  if (ax_host->canceled(r->env->opts)) return ax_host->error_set(err, PF_ECANCELED, "canceled");
  pf_batch *b = r->batch;
  b->first_row = r->rows_total;
  size_t n = 0;
  while (n < b->cap_rows && next_row(r)) {
    for (size_t i = 0; i < t->n_cols; i++) {
      pf_status st = put_value(r, t, i, &b->cols[i], n, err);
      if (st != PF_OK) {
        ax_host->error_place(err, r->row + 1, -1, (int64_t)i + 1, -1);
        return st;
      }
    }
    restore_page(r);
    n++;
    r->row++;
    if ((n & 1023) == 0 && batch_bytes(b) > PF_BATCH_DATA_BUDGET) break;
  }
  b->n_rows = n;
  r->rows_total += (int64_t)n;
  if (n == 0) {
    if (r->bad_rows > 0) {
      char **w = realloc(r->warn, (r->n_warn + 1) * sizeof *w);
      char msg[512];
      snprintf(msg, sizeof msg,
               "table '%s': %lld row%s libmdb could not decode (damaged pages) were left out",
               t->name, (long long)r->bad_rows, r->bad_rows == 1 ? "" : "s");
      if (w) {
        r->warn = w;
        size_t len = strlen(msg) + 1;
        if ((w[r->n_warn] = malloc(len))) memcpy(w[r->n_warn++], msg, len);
      }
      r->bad_rows = 0;
    }
    ax_end_table(r);
    return PF_OK;
  }
  *out = b;
  return PF_OK;
}

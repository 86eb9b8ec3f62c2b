/* thrift_compact.c - Thrift compact protocol encoder and bounded decoder
 * (see thrift_compact.h). */
#include "formats/parquet/thrift_compact.h"

#include <string.h>

/* ---- writer ---- */

void pf__tcw_init(pf__tc_writer *w, pf__buf *buf) {
  w->buf = buf;
  w->status = PF_OK;
  w->depth = 0;
}

static void put(pf__tc_writer *w, const void *p, size_t n) {
  if (w->status != PF_OK) return;
  w->status = pf__buf_append(w->buf, p, n);
}

static void put_byte(pf__tc_writer *w, uint8_t b) { put(w, &b, 1); }

pf_status pf__tc_put_varint(pf__buf *b, uint64_t v) {
  uint8_t tmp[10];
  size_t n = 0;
  while (v >= 0x80) {
    tmp[n++] = (uint8_t)(v | 0x80);
    v >>= 7;
  }
  tmp[n++] = (uint8_t)v;
  return pf__buf_append(b, tmp, n);
}

static void put_varint(pf__tc_writer *w, uint64_t v) {
  if (w->status != PF_OK) return;
  w->status = pf__tc_put_varint(w->buf, v);
}

static void field_header(pf__tc_writer *w, int16_t id, int type) {
  if (w->status != PF_OK) return;
  if (w->depth <= 0) {
    w->status = PF_EINTERNAL; /* a field outside any struct: a caller bug */
    return;
  }
  int16_t *last = &w->last_id[w->depth - 1];
  int delta = (int)id - (int)*last;
  if (delta > 0 && delta <= 15) {
    put_byte(w, (uint8_t)((delta << 4) | type));
  } else {
    put_byte(w, (uint8_t)type);
    put_varint(w, pf__tc_zigzag64(id));
  }
  *last = id;
}

void pf__tcw_struct_begin(pf__tc_writer *w) {
  if (w->status != PF_OK) return;
  if (w->depth >= PF__TC_MAX_DEPTH) {
    w->status = PF_ELIMIT;
    return;
  }
  w->last_id[w->depth++] = 0;
}

void pf__tcw_struct_end(pf__tc_writer *w) {
  if (w->status != PF_OK) return;
  if (w->depth <= 0) {
    w->status = PF_EINTERNAL;
    return;
  }
  put_byte(w, PF__TC_STOP);
  w->depth--;
}

void pf__tcw_field_bool(pf__tc_writer *w, int16_t id, int v) {
  field_header(w, id, v ? PF__TC_TRUE : PF__TC_FALSE);
}

void pf__tcw_field_i8(pf__tc_writer *w, int16_t id, int8_t v) {
  field_header(w, id, PF__TC_I8);
  put_byte(w, (uint8_t)v);
}

void pf__tcw_field_i16(pf__tc_writer *w, int16_t id, int16_t v) {
  field_header(w, id, PF__TC_I16);
  put_varint(w, pf__tc_zigzag64(v));
}

void pf__tcw_field_i32(pf__tc_writer *w, int16_t id, int32_t v) {
  field_header(w, id, PF__TC_I32);
  put_varint(w, pf__tc_zigzag64(v));
}

void pf__tcw_field_i64(pf__tc_writer *w, int16_t id, int64_t v) {
  field_header(w, id, PF__TC_I64);
  put_varint(w, pf__tc_zigzag64(v));
}

void pf__tcw_field_double(pf__tc_writer *w, int16_t id, double v) {
  field_header(w, id, PF__TC_DOUBLE);
  uint64_t bits;
  memcpy(&bits, &v, 8);
  uint8_t le[8];
  for (int i = 0; i < 8; i++) le[i] = (uint8_t)(bits >> (8 * i));
  put(w, le, 8);
}

void pf__tcw_field_binary(pf__tc_writer *w, int16_t id, const void *p,
                          size_t n) {
  field_header(w, id, PF__TC_BINARY);
  pf__tcw_binary(w, p, n);
}

void pf__tcw_field_string(pf__tc_writer *w, int16_t id, const char *s) {
  pf__tcw_field_binary(w, id, s, s ? strlen(s) : 0);
}

void pf__tcw_field_struct_begin(pf__tc_writer *w, int16_t id) {
  field_header(w, id, PF__TC_STRUCT);
  pf__tcw_struct_begin(w);
}

void pf__tcw_field_list_begin(pf__tc_writer *w, int16_t id, int elem_type,
                              size_t n) {
  field_header(w, id, PF__TC_LIST);
  pf__tcw_list_begin(w, elem_type, n);
}

void pf__tcw_list_begin(pf__tc_writer *w, int elem_type, size_t n) {
  if (n > INT32_MAX && w->status == PF_OK) w->status = PF_ELIMIT;
  if (n < 15) {
    put_byte(w, (uint8_t)((n << 4) | (size_t)elem_type));
  } else {
    put_byte(w, (uint8_t)(0xF0 | elem_type));
    put_varint(w, n);
  }
}

void pf__tcw_bool(pf__tc_writer *w, int v) { put_byte(w, v ? 1 : 0); }

void pf__tcw_i32(pf__tc_writer *w, int32_t v) {
  put_varint(w, pf__tc_zigzag64(v));
}

void pf__tcw_i64(pf__tc_writer *w, int64_t v) {
  put_varint(w, pf__tc_zigzag64(v));
}

void pf__tcw_binary(pf__tc_writer *w, const void *p, size_t n) {
  if (n > INT32_MAX && w->status == PF_OK) w->status = PF_ELIMIT;
  put_varint(w, n);
  if (n) put(w, p, n);
}

void pf__tcw_raw(pf__tc_writer *w, const void *p, size_t n) { put(w, p, n); }

/* ---- reader ---- */

void pf__tcr_init(pf__tc_reader *r, const void *data, size_t n) {
  r->start = r->p = data;
  r->end = r->start + n;
  r->status = PF_OK;
  r->what = "";
  r->depth = 0;
}

int pf__tcr_fail(pf__tc_reader *r, const char *what) {
  if (r->status == PF_OK) {
    r->status = PF_EPARSE;
    r->what = what;
  }
  r->p = r->end; /* nothing more is read */
  return 0;
}

static size_t left(const pf__tc_reader *r) { return (size_t)(r->end - r->p); }

static uint8_t get_byte(pf__tc_reader *r) {
  if (r->status != PF_OK) return 0;
  if (r->p >= r->end) return (uint8_t)pf__tcr_fail(r, "truncated Thrift data");
  return *r->p++;
}

static uint64_t get_varint(pf__tc_reader *r) {
  uint64_t v = 0;
  for (int shift = 0; shift < 70; shift += 7) {
    if (r->status != PF_OK) return 0;
    if (r->p >= r->end) return pf__tcr_fail(r, "truncated Thrift varint");
    uint8_t b = *r->p++;
    if (shift == 63 && (b & 0x7E)) return pf__tcr_fail(r, "Thrift varint overflows 64 bits");
    v |= (uint64_t)(b & 0x7F) << shift;
    if (!(b & 0x80)) return v;
  }
  return pf__tcr_fail(r, "Thrift varint longer than 10 bytes");
}

static int64_t get_zigzag(pf__tc_reader *r, int64_t lo, int64_t hi) {
  int64_t v = pf__tc_unzigzag64(get_varint(r));
  if (v < lo || v > hi) return pf__tcr_fail(r, "Thrift integer out of range");
  return v;
}

static int push(pf__tc_reader *r) {
  if (r->status != PF_OK) return 0;
  if (r->depth >= PF__TC_MAX_DEPTH) return pf__tcr_fail(r, "Thrift data nested too deeply");
  r->last_id[r->depth++] = 0;
  return 1;
}

static void pop(pf__tc_reader *r) {
  if (r->depth > 0) r->depth--;
}

void pf__tcr_struct_begin(pf__tc_reader *r) { push(r); }
void pf__tcr_struct_end(pf__tc_reader *r) { pop(r); }

int pf__tcr_field_next(pf__tc_reader *r, uint8_t *type, int16_t *id) {
  *type = PF__TC_STOP;
  *id = 0;
  if (r->status != PF_OK) return 0;
  if (r->depth <= 0) return pf__tcr_fail(r, "Thrift field outside a struct");
  uint8_t b = get_byte(r);
  if (r->status != PF_OK || b == PF__TC_STOP) return 0;
  uint8_t t = b & 0x0F;
  int delta = b >> 4;
  int16_t *last = &r->last_id[r->depth - 1];
  int64_t fid;
  if (delta) {
    fid = (int64_t)*last + delta;
    if (fid > INT16_MAX) return pf__tcr_fail(r, "Thrift field id out of range");
  } else {
    fid = get_zigzag(r, INT16_MIN, INT16_MAX);
  }
  if (t == PF__TC_STOP || t > PF__TC_UUID) return pf__tcr_fail(r, "unknown Thrift field type");
  if (r->status != PF_OK) return 0;
  *last = (int16_t)fid;
  *type = t;
  *id = (int16_t)fid;
  return 1;
}

int pf__tcr_expect(pf__tc_reader *r, uint8_t type, uint8_t want) {
  if (type == want) return 1;
  if (want == PF__TC_TRUE && type == PF__TC_FALSE) return 1;
  pf__tcr_skip(r, type);
  return 0;
}

int pf__tcr_bool(pf__tc_reader *r) { return get_byte(r) == 1; }
int8_t pf__tcr_i8(pf__tc_reader *r) { return (int8_t)get_byte(r); }
int16_t pf__tcr_i16(pf__tc_reader *r) { return (int16_t)get_zigzag(r, INT16_MIN, INT16_MAX); }
int32_t pf__tcr_i32(pf__tc_reader *r) { return (int32_t)get_zigzag(r, INT32_MIN, INT32_MAX); }
int64_t pf__tcr_i64(pf__tc_reader *r) { return get_zigzag(r, INT64_MIN, INT64_MAX); }

double pf__tcr_double(pf__tc_reader *r) {
  if (r->status != PF_OK) return 0;
  if (left(r) < 8) return pf__tcr_fail(r, "truncated Thrift double");
  uint64_t bits = 0;
  for (int i = 0; i < 8; i++) bits |= (uint64_t)r->p[i] << (8 * i);
  r->p += 8;
  double d;
  memcpy(&d, &bits, 8);
  return d;
}

void pf__tcr_binary(pf__tc_reader *r, const uint8_t **p, size_t *n) {
  *p = r->p;
  *n = 0;
  uint64_t len = get_varint(r);
  if (r->status != PF_OK) return;
  if (len > left(r)) {
    pf__tcr_fail(r, "Thrift binary longer than the data left");
    return;
  }
  *p = r->p;
  *n = (size_t)len;
  r->p += len;
}

void pf__tcr_list_begin(pf__tc_reader *r, uint8_t *elem_type, size_t *count) {
  *elem_type = 0;
  *count = 0;
  uint8_t b = get_byte(r);
  if (r->status != PF_OK) return;
  uint64_t n = b >> 4;
  uint8_t t = b & 0x0F;
  if (n == 15) n = get_varint(r);
  if (t == PF__TC_STOP || t > PF__TC_UUID) {
    pf__tcr_fail(r, "unknown Thrift list element type");
    return;
  }
  /* Every element takes at least one byte. */
  if (n > left(r)) {
    pf__tcr_fail(r, "Thrift list longer than the data left");
    return;
  }
  if (!push(r)) return;
  *elem_type = t;
  *count = (size_t)n;
}

void pf__tcr_list_end(pf__tc_reader *r) { pop(r); }

static void skip_value(pf__tc_reader *r, uint8_t type, int element) {
  if (r->status != PF_OK) return;
  switch (type) {
    case PF__TC_TRUE:
    case PF__TC_FALSE:
      if (element) get_byte(r); /* fields carry the value in their type */
      break;
    case PF__TC_I8: get_byte(r); break;
    case PF__TC_I16:
    case PF__TC_I32:
    case PF__TC_I64: get_varint(r); break;
    case PF__TC_DOUBLE:
      if (left(r) < 8) pf__tcr_fail(r, "truncated Thrift double");
      else r->p += 8;
      break;
    case PF__TC_UUID:
      if (left(r) < 16) pf__tcr_fail(r, "truncated Thrift uuid");
      else r->p += 16;
      break;
    case PF__TC_BINARY: {
      const uint8_t *p;
      size_t n;
      pf__tcr_binary(r, &p, &n);
      break;
    }
    case PF__TC_LIST:
    case PF__TC_SET: {
      uint8_t et;
      size_t n;
      pf__tcr_list_begin(r, &et, &n);
      for (size_t i = 0; i < n && r->status == PF_OK; i++) skip_value(r, et, 1);
      pf__tcr_list_end(r);
      break;
    }
    case PF__TC_MAP: {
      uint64_t n = get_varint(r);
      if (n == 0 || r->status != PF_OK) break;
      uint8_t kv = get_byte(r);
      uint8_t kt = kv >> 4, vt = kv & 0x0F;
      if (kt == 0 || kt > PF__TC_UUID || vt == 0 || vt > PF__TC_UUID) {
        pf__tcr_fail(r, "unknown Thrift map element type");
        break;
      }
      if (n > left(r) / 2) {
        pf__tcr_fail(r, "Thrift map longer than the data left");
        break;
      }
      if (!push(r)) break;
      for (uint64_t i = 0; i < n && r->status == PF_OK; i++) {
        skip_value(r, kt, 1);
        skip_value(r, vt, 1);
      }
      pop(r);
      break;
    }
    case PF__TC_STRUCT: {
      if (!push(r)) break;
      uint8_t t;
      int16_t id;
      while (pf__tcr_field_next(r, &t, &id)) skip_value(r, t, 0);
      pop(r);
      break;
    }
    default: pf__tcr_fail(r, "unknown Thrift type"); break;
  }
}

void pf__tcr_skip(pf__tc_reader *r, uint8_t type) { skip_value(r, type, 0); }

/* thrift_compact.h - the Thrift compact protocol, as Parquet uses it for page
 * headers and the file footer.
 *
 * Writing: a pf__tc_writer appends to a pf__buf. Calls never fail one by
 * one; the first failure (out of memory, the buffer's cap, nesting too deep)
 * sticks in w->status and later calls do nothing, so a caller checks once at
 * the end:
 *     pf__tc_writer w;
 *     pf__tcw_init(&w, &buf);
 *     pf__tcw_struct_begin(&w);
 *     pf__tcw_field_i32(&w, 1, 42);
 *     pf__tcw_struct_end(&w);
 *     PF_TRY(w.status);
 * A struct field is written with pf__tcw_field_struct_begin(w, id) ...
 * pf__tcw_struct_end(w); a list with pf__tcw_field_list_begin() followed by
 * exactly n elements (pf__tcw_i32, pf__tcw_binary, pf__tcw_struct_begin ...).
 * Field ids of one struct must be written in increasing order only for the
 * short form to be used; any order is valid Thrift.
 *
 * Reading: a pf__tc_reader walks a byte range it never reads past. It is
 * meant for untrusted input: lengths and list sizes are checked against the
 * bytes left, nesting is limited (PF__TC_MAX_DEPTH), and the first problem
 * sticks in r->status (PF_EPARSE) with a static description in r->what; all
 * later reads return zeroes. A typical loop:
 *     pf__tcr_struct_begin(&r);
 *     uint8_t t; int16_t id;
 *     while (pf__tcr_field_next(&r, &t, &id)) {
 *       switch (id) {
 *         case 1: if (pf__tcr_expect(&r, t, PF__TC_I32)) v = pf__tcr_i32(&r); break;
 *         default: pf__tcr_skip(&r, t);
 *       }
 *     }
 *     pf__tcr_struct_end(&r);
 * Neither side is thread-safe; use one per thread.
 */
#ifndef PF_FORMATS_THRIFT_COMPACT_H
#define PF_FORMATS_THRIFT_COMPACT_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

/* Compact protocol type ids (field headers and list element types). */
enum {
  PF__TC_STOP = 0,
  PF__TC_TRUE = 1,   /* bool field holding true; also bool list elements */
  PF__TC_FALSE = 2,  /* bool field holding false                         */
  PF__TC_I8 = 3,
  PF__TC_I16 = 4,
  PF__TC_I32 = 5,
  PF__TC_I64 = 6,
  PF__TC_DOUBLE = 7,
  PF__TC_BINARY = 8,
  PF__TC_LIST = 9,
  PF__TC_SET = 10,
  PF__TC_MAP = 11,
  PF__TC_STRUCT = 12,
  PF__TC_UUID = 13
};
/* Pass as a list's element type for booleans. */
#define PF__TC_BOOL PF__TC_TRUE

/* Deepest nesting of structs, lists and maps either side accepts. */
#define PF__TC_MAX_DEPTH 64

/* ---- writer ---- */

typedef struct pf__tc_writer {
  pf__buf *buf;                       /* borrowed: where bytes go          */
  pf_status status;                   /* first failure, PF_OK until then   */
  int depth;                          /* structs open                      */
  int16_t last_id[PF__TC_MAX_DEPTH];  /* last field id per open struct    */
} pf__tc_writer;

void pf__tcw_init(pf__tc_writer *w, pf__buf *buf);

void pf__tcw_struct_begin(pf__tc_writer *w);  /* a top-level struct or a
                                                 struct list element       */
void pf__tcw_struct_end(pf__tc_writer *w);    /* writes the stop byte      */

void pf__tcw_field_bool(pf__tc_writer *w, int16_t id, int v);
void pf__tcw_field_i8(pf__tc_writer *w, int16_t id, int8_t v);
void pf__tcw_field_i16(pf__tc_writer *w, int16_t id, int16_t v);
void pf__tcw_field_i32(pf__tc_writer *w, int16_t id, int32_t v);
void pf__tcw_field_i64(pf__tc_writer *w, int16_t id, int64_t v);
void pf__tcw_field_double(pf__tc_writer *w, int16_t id, double v);
void pf__tcw_field_binary(pf__tc_writer *w, int16_t id, const void *p, size_t n);
void pf__tcw_field_string(pf__tc_writer *w, int16_t id, const char *s);
/* Field header of type STRUCT, then the struct is open. */
void pf__tcw_field_struct_begin(pf__tc_writer *w, int16_t id);
/* Field header of type LIST and the list header; n elements must follow. */
void pf__tcw_field_list_begin(pf__tc_writer *w, int16_t id, int elem_type,
                              size_t n);

/* List elements and nested list headers. */
void pf__tcw_list_begin(pf__tc_writer *w, int elem_type, size_t n);
void pf__tcw_bool(pf__tc_writer *w, int v);
void pf__tcw_i32(pf__tc_writer *w, int32_t v);
void pf__tcw_i64(pf__tc_writer *w, int64_t v);
void pf__tcw_binary(pf__tc_writer *w, const void *p, size_t n);
/* Bytes already encoded elsewhere (a whole struct element, for one). */
void pf__tcw_raw(pf__tc_writer *w, const void *p, size_t n);

/* Low-level pieces, also used by tests. Append to b; return PF_OK or the
 * buffer's error. */
pf_status pf__tc_put_varint(pf__buf *b, uint64_t v);
static inline uint64_t pf__tc_zigzag64(int64_t v) {
  return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}
static inline int64_t pf__tc_unzigzag64(uint64_t v) {
  return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

/* ---- reader ---- */

typedef struct pf__tc_reader {
  const uint8_t *start;               /* first byte of the input           */
  const uint8_t *p;                   /* next byte to read                 */
  const uint8_t *end;                 /* one past the last byte            */
  pf_status status;                   /* PF_OK, or PF_EPARSE once broken   */
  const char *what;                   /* static text on the first problem  */
  int depth;                          /* structs/lists/maps open           */
  int16_t last_id[PF__TC_MAX_DEPTH];  /* last field id per open struct    */
} pf__tc_reader;

void pf__tcr_init(pf__tc_reader *r, const void *data, size_t n);
/* Marks the reader broken (first call wins) and returns 0. */
int pf__tcr_fail(pf__tc_reader *r, const char *what);
static inline size_t pf__tcr_offset(const pf__tc_reader *r) {
  return (size_t)(r->p - r->start);
}

/* Opens a struct (top-level or a struct element/field value). */
void pf__tcr_struct_begin(pf__tc_reader *r);
void pf__tcr_struct_end(pf__tc_reader *r);
/* The next field of the open struct: 1 with its type and id, 0 at the stop
 * byte or when broken. A bool field's value is its type (pf__tcr_bool_field). */
int pf__tcr_field_next(pf__tc_reader *r, uint8_t *type, int16_t *id);
/* 1 when type == want (PF__TC_TRUE also accepts PF__TC_FALSE); otherwise
 * skips the value and returns 0, so a mistyped field is ignored. */
int pf__tcr_expect(pf__tc_reader *r, uint8_t type, uint8_t want);
static inline int pf__tcr_bool_field(uint8_t type) { return type == PF__TC_TRUE; }

int pf__tcr_bool(pf__tc_reader *r);     /* a bool list element          */
int8_t pf__tcr_i8(pf__tc_reader *r);
int16_t pf__tcr_i16(pf__tc_reader *r);
int32_t pf__tcr_i32(pf__tc_reader *r);
int64_t pf__tcr_i64(pf__tc_reader *r);
double pf__tcr_double(pf__tc_reader *r);
/* Points *p into the input (valid while the input is); n bytes. */
void pf__tcr_binary(pf__tc_reader *r, const uint8_t **p, size_t *n);
/* A list or set header: element type and count (count <= bytes left, so a
 * loop over it is bounded). Call pf__tcr_list_end() after the elements. */
void pf__tcr_list_begin(pf__tc_reader *r, uint8_t *elem_type, size_t *count);
void pf__tcr_list_end(pf__tc_reader *r);
/* Skips one value of the given type (nested values included). */
void pf__tcr_skip(pf__tc_reader *r, uint8_t type);

#endif

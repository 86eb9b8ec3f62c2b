/* arrow_export.c - pf_schema and pf_batch as Arrow C Data Interface structs
 * (see arrow_export.h). One allocation per child: its private header, its
 * buffer pointers and copies of its buffers, 64-byte aligned. */
#include "core/arrow_export.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ALIGN 64
#define ROUND(n) (((n) + ALIGN - 1) & ~(size_t)(ALIGN - 1))

const char *pf__arrow_format(const pf_field *f, char *buf, size_t n) {
  switch (f->type) {
    case PF_TYPE_NULL: return "n";
    case PF_TYPE_BOOL: return "b";
    case PF_TYPE_INT64: return "l";
    case PF_TYPE_DOUBLE: return "g";
    case PF_TYPE_DECIMAL: snprintf(buf, n, "d:%d,%d", f->precision, f->scale); return buf;
    case PF_TYPE_DATE: return "tdD";
    case PF_TYPE_TIMESTAMP: return "tsu:";
    case PF_TYPE_TIMESTAMP_UTC: return "tsu:UTC";
    case PF_TYPE_TIME: return "ttu";
    case PF_TYPE_STRING: return "u";
    case PF_TYPE_BINARY: return "z";
    case PF_TYPE_COUNT_: break;
  }
  return "n";
}

/* ---- schemas ---- */

static void release_child_schema(struct ArrowSchema *s) {
  free(s->private_data); /* name, format and metadata live in it */
  s->release = NULL;
}

static void release_schema(struct ArrowSchema *s) {
  for (int64_t i = 0; i < s->n_children; i++)
    if (s->children[i]->release) s->children[i]->release(s->children[i]);
  free(s->private_data); /* the children pointers and structs */
  s->release = NULL;
}

/* Arrow metadata: int32 pair count, then per pair int32 length + bytes for
 * the key and the value (native byte order). */
static size_t metadata_size(const char *note) {
  return note ? 4 + 4 + strlen("pyforge.note") + 4 + strlen(note) : 0;
}

static void put_i32(char **p, int32_t v) {
  memcpy(*p, &v, 4);
  *p += 4;
}

static void write_metadata(char *p, const char *note) {
  static const char key[] = "pyforge.note";
  put_i32(&p, 1);
  put_i32(&p, (int32_t)(sizeof key - 1));
  memcpy(p, key, sizeof key - 1);
  p += sizeof key - 1;
  put_i32(&p, (int32_t)strlen(note));
  memcpy(p, note, strlen(note));
}

static pf_status child_schema(const pf_field *f, struct ArrowSchema *c) {
  char fmt[32];
  const char *format = pf__arrow_format(f, fmt, sizeof fmt);
  size_t name_len = strlen(f->name), fmt_len = strlen(format);
  size_t md = metadata_size(f->note);
  char *mem = malloc(name_len + 1 + fmt_len + 1 + md + 8);
  if (!mem) return PF_ENOMEM;
  memcpy(mem, f->name, name_len + 1);
  memcpy(mem + name_len + 1, format, fmt_len + 1);
  char *meta = NULL;
  if (md) {
    meta = mem + name_len + 1 + fmt_len + 1;
    write_metadata(meta, f->note);
  }
  memset(c, 0, sizeof *c);
  c->format = mem + name_len + 1;
  c->name = mem;
  c->metadata = meta;
  c->flags = f->nullable ? ARROW_FLAG_NULLABLE : 0;
  c->release = release_child_schema;
  c->private_data = mem;
  return PF_OK;
}

pf_status pf__arrow_export_schema(const pf_schema *schema, struct ArrowSchema *out) {
  size_t n = schema->n_fields;
  /* children pointers, then the child structs */
  void *mem = calloc(1, n * (sizeof(struct ArrowSchema *) + sizeof(struct ArrowSchema)) + 1);
  if (!mem) return PF_ENOMEM;
  struct ArrowSchema **ptrs = mem;
  struct ArrowSchema *kids = (struct ArrowSchema *)(ptrs + n);
  memset(out, 0, sizeof *out);
  out->format = "+s";
  out->name = "";
  out->n_children = (int64_t)n;
  out->children = ptrs;
  out->release = release_schema;
  out->private_data = mem;
  for (size_t i = 0; i < n; i++) {
    ptrs[i] = &kids[i];
    if (child_schema(&schema->fields[i], &kids[i]) != PF_OK) {
      out->n_children = (int64_t)i;
      release_schema(out);
      return PF_ENOMEM;
    }
  }
  return PF_OK;
}

/* ---- arrays ---- */

static void release_child_array(struct ArrowArray *a) {
  free(a->private_data); /* buffer pointers and buffers */
  a->release = NULL;
}

static void release_array(struct ArrowArray *a) {
  for (int64_t i = 0; i < a->n_children; i++)
    if (a->children[i]->release) a->children[i]->release(a->children[i]);
  free(a->private_data);
  a->release = NULL;
}

/* Sizes of a column's buffers for n rows, in Arrow's order. */
typedef struct layout {
  int n_buffers;
  size_t size[3];
  const void *src[3];
} layout;

static layout column_layout(const pf_column *c, size_t n) {
  layout l;
  memset(&l, 0, sizeof l);
  size_t bitmap = (n + 7) / 8;
  if (c->type == PF_TYPE_NULL) return l;
  l.n_buffers = pf__type_is_varlen(c->type) ? 3 : 2;
  if (c->null_count > 0) {
    l.size[0] = bitmap;
    l.src[0] = c->validity;
  }
  if (c->type == PF_TYPE_BOOL) {
    l.size[1] = bitmap;
    l.src[1] = c->values;
  } else if (pf__type_is_varlen(c->type)) {
    l.size[1] = (n + 1) * sizeof(int32_t);
    l.src[1] = c->offsets;
    l.size[2] = n ? (size_t)c->offsets[n] : 0;
    l.src[2] = c->data;
  } else {
    l.size[1] = pf__type_width(c->type) * n;
    l.src[1] = c->values;
  }
  return l;
}

static pf_status child_array(const pf_column *c, size_t n, struct ArrowArray *a, size_t *bytes) {
  layout l = column_layout(c, n);
  size_t head = ROUND(3 * sizeof(void *));
  size_t total = head;
  for (int i = 0; i < l.n_buffers; i++) total += ROUND(l.size[i]);
  char *mem = aligned_alloc(ALIGN, total);
  if (!mem) return PF_ENOMEM;
  const void **bufs = (const void **)mem;
  char *p = mem + head;
  for (int i = 0; i < 3; i++) bufs[i] = NULL;
  for (int i = 0; i < l.n_buffers; i++) {
    if (!l.src[i] && i != 2) continue; /* no validity: all valid */
    if (l.size[i]) memcpy(p, l.src[i], l.size[i]);
    bufs[i] = p;
    p += ROUND(l.size[i]);
  }
  /* bits past n in the bitmaps are unspecified in Arrow; clear them anyway */
  uint8_t tail = (uint8_t)((1u << (n & 7)) - 1);
  if ((n & 7) && bufs[0]) ((uint8_t *)bufs[0])[n / 8] &= tail;
  if ((n & 7) && c->type == PF_TYPE_BOOL) ((uint8_t *)bufs[1])[n / 8] &= tail;
  memset(a, 0, sizeof *a);
  a->length = (int64_t)n;
  a->null_count = c->type == PF_TYPE_NULL ? (int64_t)n : c->null_count;
  a->n_buffers = l.n_buffers;
  a->buffers = bufs;
  a->release = release_child_array;
  a->private_data = mem;
  *bytes += total;
  return PF_OK;
}

pf_status pf__arrow_export_batch(const pf_batch *b, struct ArrowArray *out, size_t *bytes) {
  size_t n = b->n_cols, total = 0;
  void *mem = calloc(1, n * (sizeof(struct ArrowArray *) + sizeof(struct ArrowArray)) +
                            sizeof(const void *));
  if (!mem) return PF_ENOMEM;
  const void **top_bufs = mem; /* one buffer: no validity */
  struct ArrowArray **ptrs = (struct ArrowArray **)(top_bufs + 1);
  struct ArrowArray *kids = (struct ArrowArray *)(ptrs + n);
  memset(out, 0, sizeof *out);
  out->length = (int64_t)b->n_rows;
  out->n_buffers = 1;
  out->buffers = top_bufs;
  out->n_children = (int64_t)n;
  out->children = ptrs;
  out->release = release_array;
  out->private_data = mem;
  for (size_t i = 0; i < n; i++) {
    ptrs[i] = &kids[i];
    if (child_array(&b->cols[i], b->n_rows, &kids[i], &total) != PF_OK) {
      out->n_children = (int64_t)i;
      release_array(out);
      return PF_ENOMEM;
    }
  }
  if (bytes) *bytes = total;
  return PF_OK;
}

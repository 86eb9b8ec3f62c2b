/* arrow_export.c - pf_schema and pf_batch as Arrow C Data Interface structs
 * (see arrow_export.h): schemas copied, batches' buffers moved into the
 * arrays and replaced in the batch by buffers from a pool that released
 * arrays refill. */
#include "core/arrow_export.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* ---- the buffer pool ---- */

#define POOL_ENTRIES 1024

struct pf__arrow_pool {
  pthread_mutex_t mu;
  int refs;                 /* the owner's, and one per live column array  */
  int closed;               /* the owner let go: cache nothing more        */
  size_t max_bytes, bytes;  /* cache bound and what it holds               */
  size_t n;
  void *p[POOL_ENTRIES];
  size_t size[POOL_ENTRIES];
};

pf__arrow_pool *pf__arrow_pool_new(size_t max_bytes) {
  pf__arrow_pool *pool = calloc(1, sizeof *pool);
  if (!pool) return NULL;
  if (pthread_mutex_init(&pool->mu, NULL) != 0) {
    free(pool);
    return NULL;
  }
  pool->refs = 1;
  pool->max_bytes = max_bytes;
  return pool;
}

static void pool_destroy(pf__arrow_pool *pool) {
  for (size_t i = 0; i < pool->n; i++) free(pool->p[i]);
  pthread_mutex_destroy(&pool->mu);
  free(pool);
}

/* Drops one reference. The owner's also empties the cache, which caches
 * nothing more: arrays released later free their buffers. */
static void pool_unref(pf__arrow_pool *pool, int owner) {
  void *drop[POOL_ENTRIES];
  size_t n_drop = 0;
  pthread_mutex_lock(&pool->mu);
  if (owner) {
    pool->closed = 1;
    memcpy(drop, pool->p, pool->n * sizeof *drop);
    n_drop = pool->n;
    pool->n = 0;
    pool->bytes = 0;
  }
  int last = --pool->refs == 0;
  pthread_mutex_unlock(&pool->mu);
  for (size_t i = 0; i < n_drop; i++) free(drop[i]);
  if (last) pool_destroy(pool);
}

void pf__arrow_pool_release(pf__arrow_pool *pool) {
  if (pool) pool_unref(pool, 1);
}

void *pf__arrow_pool_alloc(void *user, size_t size) {
  pf__arrow_pool *pool = user;
  void *p = NULL;
  pthread_mutex_lock(&pool->mu);
  for (size_t i = pool->n; i-- > 0;)
    if (pool->size[i] == size) {
      p = pool->p[i];
      pool->bytes -= size;
      pool->p[i] = pool->p[--pool->n];
      pool->size[i] = pool->size[pool->n];
      break;
    }
  pthread_mutex_unlock(&pool->mu);
  return p ? p : malloc(size);
}

/* Back to the cache if it has room and its owner is alive, else freed. */
static void pool_put(pf__arrow_pool *pool, void *p, size_t size) {
  if (!p) return;
  pthread_mutex_lock(&pool->mu);
  int keep = !pool->closed && pool->n < POOL_ENTRIES && pool->bytes + size <= pool->max_bytes;
  if (keep) {
    pool->p[pool->n] = p;
    pool->size[pool->n++] = size;
    pool->bytes += size;
  }
  pthread_mutex_unlock(&pool->mu);
  if (!keep) free(p);
}

/* ---- arrays ---- */

/* A column array's private data: its buffers, lent by the batch. */
typedef struct child_priv {
  pf__arrow_pool *pool;
  pf__col_buffers bufs;
  const void *buffers[3];   /* what Arrow sees, in its order */
} child_priv;

static void release_child_array(struct ArrowArray *a) {
  child_priv *cp = a->private_data;
  for (int i = 0; i < 4; i++) pool_put(cp->pool, cp->bufs.p[i], cp->bufs.size[i]);
  pool_unref(cp->pool, 0);
  free(cp);
  a->release = NULL;
}

static void release_array(struct ArrowArray *a) {
  for (int64_t i = 0; i < a->n_children; i++)
    if (a->children[i]->release) a->children[i]->release(a->children[i]);
  free(a->private_data);
  a->release = NULL;
}

static pf_status child_array(pf__arrow_pool *pool, pf_column *c, size_t n, size_t cap,
                             struct ArrowArray *a, size_t *bytes) {
  child_priv *cp = calloc(1, sizeof *cp);
  if (!cp) return PF_ENOMEM;
  if (c->type != PF_TYPE_NULL && pf__col_detach(c, cap, &cp->bufs, pf__arrow_pool_alloc, pool) != PF_OK) {
    free(cp);
    return PF_ENOMEM;
  }
  cp->pool = pool;
  pthread_mutex_lock(&pool->mu);
  pool->refs++;
  pthread_mutex_unlock(&pool->mu);
  int varlen = pf__type_is_varlen(c->type);
  cp->buffers[0] = c->null_count > 0 ? cp->bufs.p[0] : NULL;
  cp->buffers[1] = varlen ? cp->bufs.p[2] : cp->bufs.p[1];
  cp->buffers[2] = varlen ? cp->bufs.p[3] : NULL;
  memset(a, 0, sizeof *a);
  a->length = (int64_t)n;
  a->null_count = c->type == PF_TYPE_NULL ? (int64_t)n : c->null_count;
  a->n_buffers = c->type == PF_TYPE_NULL ? 0 : varlen ? 3 : 2;
  a->buffers = cp->buffers;
  a->release = release_child_array;
  a->private_data = cp;
  for (int i = 0; i < 4; i++) *bytes += cp->bufs.size[i];
  return PF_OK;
}

pf_status pf__arrow_export_batch(pf__arrow_pool *pool, pf_batch *b, struct ArrowArray *out,
                                 size_t *bytes) {
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
    if (child_array(pool, &b->cols[i], b->n_rows, b->cap_rows, &kids[i], &total) != PF_OK) {
      out->n_children = (int64_t)i;
      release_array(out);
      return PF_ENOMEM;
    }
  }
  if (bytes) *bytes = total;
  return PF_OK;
}

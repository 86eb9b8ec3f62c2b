/* delta_files.c - the data files of a Delta write.
 *
 * Rows go to the file of their partition (one slot per partition value
 * combination; one slot for an unpartitioned table). Each file is a Parquet
 * file from the Parquet writer on its own atomic pf__output, named
 * part-NNNNN-<uuid>-c000.<codec>.parquet in the partition's Hive-style
 * directory. A file is finished (footer written, renamed into place) when
 * it passes the target size (PF__DELTA_TARGET_FILE_BYTES, at a row group
 * boundary), when its slot is the least recently used one and a new
 * partition needs a file while PF__DELTA_MAX_OPEN_FILES are open, or at
 * close(). Memory: each open file buffers at most one row group, so a
 * write holds about max_open x row group bytes (partitioned writes use
 * PF__DELTA_PART_ROW_GROUP_BYTES row groups unless row_group_bytes is set)
 * plus the partitions' pending rows (at most PF__DELTA_PENDING_BYTES, and
 * one batch beyond it).
 *
 * Unpartitioned rows whose columns need no conversion go to the Parquet
 * writer as a view of the input batch (no copy); otherwise they are
 * converted into a scratch batch typed like the data files. Partitioned
 * rows are gathered into a buffer per partition (pending) that goes to the
 * partition's file when it holds PF__DELTA_PENDING_ROWS rows, at close(), or
 * (largest first) while all buffers together pass PF__DELTA_PENDING_BYTES:
 * a partition's rows reach its file in large chunks, so a table with more
 * partitions than open files gets few, large files instead of one file per
 * partition per input batch.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/tempfile.h"
#include "writers/delta/delta_write.h"
#include "writers/parquet/parquet_writer.h"

static const char *codec_ext(pf__compression c) {
  switch (c) {
    case PF_COMPRESSION_SNAPPY: return ".snappy";
    case PF_COMPRESSION_GZIP: return ".gz";
    case PF_COMPRESSION_ZSTD: return ".zstd";
    case PF_COMPRESSION_LZ4_RAW: return ".lz4raw";
    default: return "";
  }
}

pf_status pf__dw_files_init(delta_w *w, pf_error *err) {
  pf__buf_init(&w->created, 0);
  pf__buf_init(&w->keybuf, 0);
  w->target_bytes = PF__DELTA_TARGET_FILE_BYTES;
  const pf__settings *s = &w->opts->settings; /* test hooks (docs/delta.md) */
  if (s->delta_target_file_bytes) w->target_bytes = s->delta_target_file_bytes;
  w->max_open = PF__DELTA_MAX_OPEN_FILES;
  if (s->delta_max_open_files) w->max_open = s->delta_max_open_files;
  w->hash_cap = 64;
  w->slot_hash = calloc(w->hash_cap, sizeof *w->slot_hash);
  if (!w->slot_hash) return pf__error_set(err, PF_ENOMEM, "out of memory");
  return PF_OK;
}

static pf_status pend_flush(delta_w *w, dw_slot *s, pf_error *err);

static void file_abort(dw_file *f) {
  if (!f) return;
  if (f->pq) pf__parquet_writer_ops.abort(f->pq);
  pf__output_abort(f->out);
  free(f->rel);
  pf__delta_stats_free(&f->stats);
  free(f);
}

static void done_free(delta_w *w, dw_done *d) {
  free(d->rel);
  if (d->values)
    for (size_t i = 0; i < w->n_part; i++) free(d->values[i]);
  free(d->values);
  free(d->stats);
}

void pf__dw_files_free(delta_w *w) {
  for (size_t i = 0; i < w->n_slots; i++) {
    dw_slot *s = &w->slots[i];
    file_abort(s->file);
    pf__batch_free(s->pending);
    free(s->key);
    if (s->values)
      for (size_t k = 0; k < w->n_part; k++) free(s->values[k]);
    free(s->values);
  }
  free(w->slots);
  w->slots = NULL;
  w->n_slots = 0;
  for (size_t i = 0; i < w->n_done; i++) done_free(w, &w->done[i]);
  free(w->done);
  w->done = NULL;
  w->n_done = 0;
  free(w->slot_hash);
  w->slot_hash = NULL;
  pf__batch_free(w->scratch);
  w->scratch = NULL;
  free(w->view.cols);
  w->view.cols = NULL;
  free(w->rowidx);
  free(w->rowslot);
  free(w->touched);
  w->rowidx = w->rowslot = w->touched = NULL;
  pf__buf_free(&w->created);
  pf__buf_free(&w->keybuf);
}

pf_status pf__dw_move_files(delta_w *dst, delta_w *src, pf_error *err) {
  if (src->n_done && dst->n_done + src->n_done > dst->cap_done) {
    size_t nc = dst->cap_done ? dst->cap_done : 16;
    while (nc < dst->n_done + src->n_done) nc *= 2;
    dw_done *nd = realloc(dst->done, nc * sizeof *nd);
    if (!nd) return pf__error_set(err, PF_ENOMEM, "out of memory");
    dst->done = nd;
    dst->cap_done = nc;
  }
  if (src->created.len && pf__buf_append(&dst->created, src->created.data, src->created.len) != PF_OK)
    return pf__error_set(err, PF_ENOMEM, "out of memory");
  if (src->n_done) memcpy(dst->done + dst->n_done, src->done, src->n_done * sizeof *src->done);
  dst->n_done += src->n_done;
  dst->rows += src->rows;
  src->n_done = 0;
  src->created.len = 0;
  return PF_OK;
}

void pf__dw_discard_files(delta_w *w) {
  for (size_t i = 0; i < w->n_slots; i++) {
    file_abort(w->slots[i].file);
    w->slots[i].file = NULL;
    pf__batch_free(w->slots[i].pending);
    w->slots[i].pending = NULL;
    w->slots[i].pending_bytes = 0;
  }
  w->pending_total = 0;
  w->n_open = 0;
  for (size_t i = 0; i < w->n_done; i++) {
    char *p = pf__aprintf("%s/%s", w->dir, w->done[i].rel);
    if (p) unlink(p);
    free(p);
  }
  /* directories we created, deepest (latest) first; only empty ones go */
  if (w->created.len) {
    char *s = (char *)w->created.data;
    size_t n = w->created.len;
    while (n > 0) {
      size_t e = n - 1; /* s[e] == '\n' */
      size_t b = e;
      while (b > 0 && s[b - 1] != '\n') b--;
      s[e] = 0;
      rmdir(s + b);
      n = b;
    }
    w->created.len = 0;
  }
  if (w->created_dir) rmdir(w->dir);
}

/* Finishes slot's open file: footer, rename into place, done entry. */
static pf_status finish_file(delta_w *w, dw_slot *s, pf_error *err) {
  dw_file *f = s->file;
  if (!f) return PF_OK;
  s->file = NULL;
  w->n_open--;
  pf_status st = pf__parquet_writer_ops.close(f->pq, err);
  f->pq = NULL;
  uint64_t size = pf__output_size(f->out);
  if (st == PF_OK) {
    st = pf__output_commit(f->out, err);
    f->out = NULL;
  }
  pf__buf js;
  pf__buf_init(&js, 0);
  if (st == PF_OK && pf__delta_stats_json(&f->stats, w->phys, &js) != PF_OK)
    st = pf__error_set(err, PF_ENOMEM, "out of memory");
  if (st == PF_OK && w->n_done == w->cap_done) {
    size_t nc = w->cap_done ? w->cap_done * 2 : 16;
    dw_done *nd = realloc(w->done, nc * sizeof *nd);
    if (!nd) st = pf__error_set(err, PF_ENOMEM, "out of memory");
    else { w->done = nd; w->cap_done = nc; }
  }
  if (st != PF_OK) {
    if (f->out == NULL && f->rel) { /* committed but not recorded: remove */
      char *p = pf__aprintf("%s/%s", w->dir, f->rel);
      if (p) unlink(p);
      free(p);
    }
    pf__buf_free(&js);
    file_abort(f);
    return st;
  }
  dw_done *d = &w->done[w->n_done];
  memset(d, 0, sizeof *d);
  d->rel = f->rel;
  f->rel = NULL;
  d->size = (int64_t)size;
  d->rows = f->stats.rows;
  d->mtime = pf__delta_now_ms();
  d->stats = pf__buf_take(&js);
  if (w->n_part) {
    d->values = calloc(w->n_part, sizeof *d->values);
    if (!d->values) st = PF_ENOMEM;
    for (size_t k = 0; st == PF_OK && k < w->n_part; k++)
      if (s->values[k] && !(d->values[k] = pf__strdup(s->values[k]))) st = PF_ENOMEM;
  }
  w->n_done++; /* recorded even on ENOMEM so discard removes the file */
  file_abort(f);
  if (st != PF_OK || !d->stats) return pf__error_set(err, PF_ENOMEM, "out of memory");
  return PF_OK;
}

pf_status pf__dw_finish_all(delta_w *w, pf_error *err) {
  for (size_t i = 0; i < w->n_slots; i++) PF_TRY(pend_flush(w, &w->slots[i], err));
  for (size_t i = 0; i < w->n_slots; i++) PF_TRY(finish_file(w, &w->slots[i], err));
  return PF_OK;
}

static pf_status open_file(delta_w *w, dw_slot *s, pf_error *err) {
  if (w->n_open >= w->max_open) { /* finish the least recently used file */
    dw_slot *lru = NULL;
    for (size_t i = 0; i < w->n_slots; i++)
      if (w->slots[i].file && (!lru || w->slots[i].last_use < lru->last_use)) lru = &w->slots[i];
    if (lru) PF_TRY(finish_file(w, lru, err));
  }
  if (s->key[0]) PF_TRY(pf__delta_mkdirs(w->dir, s->key, &w->created, err));
  if (s->key[0] && !s->swept) { /* what a killed writer left in this partition */
    char *dir = pf__aprintf("%s/%s", w->dir, s->key);
    if (!dir) return pf__error_set(err, PF_ENOMEM, "out of memory");
    pf__temp_sweep(dir, 1, w->log);
    free(dir);
    s->swept = 1;
  }
  char uuid[37];
  pf__delta_uuid(uuid);
  dw_file *f = calloc(1, sizeof *f);
  if (!f) return pf__error_set(err, PF_ENOMEM, "out of memory");
  f->rel = pf__aprintf("%s%spart-%05d-%s-c000%s.parquet", s->key, s->key[0] ? "/" : "", w->part_no++, uuid,
                       codec_ext(w->pq_opts.compression));
  char *path = f->rel ? pf__aprintf("%s/%s", w->dir, f->rel) : NULL;
  if (!path || pf__delta_stats_init(&f->stats, w->phys->n_fields) != PF_OK) {
    free(path);
    file_abort(f);
    return pf__error_set(err, PF_ENOMEM, "out of memory");
  }
  /* a new unique name: nothing to sweep; durable: a commit will point at it */
  pf__output_opts oo = {0, 1, w->log, &w->opts->settings, 1};
  pf_status st = pf__output_open_ex(path, &oo, &f->out, err);
  if (st == PF_OK) {
    pf__writer_env env = {f->out, path, w->phys, &w->pq_opts, w->pool, w->log};
    st = pf__parquet_writer_open_stored(&env, w->store, &f->pq, err);
    if (st != PF_OK) f->pq = NULL;
  }
  free(path);
  if (st != PF_OK) {
    file_abort(f);
    return st;
  }
  s->file = f;
  w->n_open++;
  return PF_OK;
}

/* Writes a batch typed like w->phys to slot s's file. */
static pf_status write_slot(delta_w *w, dw_slot *s, const pf_batch *b, pf_error *err) {
  if (b->n_rows == 0) return PF_OK;
  s->last_use = ++w->tick;
  if (!s->file) PF_TRY(open_file(w, s, err));
  PF_TRY(pf__parquet_writer_ops.write(s->file->pq, b, err));
  if (pf__delta_stats_add(&s->file->stats, w->phys, b) != PF_OK)
    return pf__error_set(err, PF_ENOMEM, "out of memory");
  if (pf__output_size(s->file->out) >= w->target_bytes) PF_TRY(finish_file(w, s, err));
  return PF_OK;
}

/* The scratch batch (unpartitioned conversions) for n rows. */
static pf_status ensure_scratch(delta_w *w, size_t n, pf_error *err) {
  if (!w->scratch || w->scratch->cap_rows < n) {
    pf__batch_free(w->scratch);
    w->scratch = NULL;
    if (pf__batch_create(w->phys, n, &w->scratch) != PF_OK) return pf__error_set(err, PF_ENOMEM, "out of memory");
  } else if (pf__batch_reset(w->scratch, w->phys) != PF_OK) {
    return pf__error_set(err, PF_ENOMEM, "out of memory");
  }
  return PF_OK;
}

/* The row routing arrays (partitioned writes) for n rows. */
static pf_status ensure_index(delta_w *w, size_t n, pf_error *err) {
  if (w->rowcap < n) {
    free(w->rowidx);
    free(w->rowslot);
    w->rowidx = malloc(n * sizeof *w->rowidx);
    w->rowslot = malloc(n * sizeof *w->rowslot);
    w->rowcap = w->rowidx && w->rowslot ? n : 0;
    if (!w->rowcap) return pf__error_set(err, PF_ENOMEM, "out of memory");
  }
  return PF_OK;
}

/* Fills rows base.. of column j of dst from input rows idx[0..k) (idx
 * NULL: rows 0..k). */
static pf_status fill_col(delta_w *w, pf_batch *dst, size_t base, size_t j, const pf_batch *in,
                          const size_t *idx, size_t k, pf_error *err) {
  pf_column *d = &dst->cols[j];
  dw_conv cv = w->conv[j];
  const pf_column *c = w->src[j] >= 0 ? &in->cols[w->src[j]] : NULL;
  pf_type t = w->phys->fields[j].type;
  size_t width = pf__type_width(t);
  char tmp[64];
  for (size_t r = 0; r < k; r++) {
    size_t i = idx ? idx[r] : r;
    if (cv == DW_NULLS || !pf__col_is_valid(c, i)) {
      if (w->notnull[j]) {
        pf__error_place(err, in->first_row + (int64_t)i + 1, -1, (int64_t)j + 1, -1);
        pf__error_column_name(err, w->phys->fields[j].name);
        return pf__error_set(err, PF_EBADROW,
                             "column %s is NOT NULL in the Delta table but row %lld of the input has no value for it: "
                             "give the row a value, or write to a table whose column allows nulls",
                             w->phys->fields[j].name, (long long)(in->first_row + (int64_t)i + 1));
      }
      pf__col_set_null(d, base + r);
      continue;
    }
    switch (cv) {
      case DW_TIME_STR: {
        pf__delta_fmt_time(pf__col_i64(c, i), tmp, sizeof tmp);
        if (pf__col_push_str(d, base + r, tmp, strlen(tmp)) != PF_OK)
          return pf__error_set(err, PF_ENOMEM, "out of memory");
        break;
      }
      case DW_NUM_CAST: {
        const pf_field *inf = &w->in->fields[w->src[j]];
        const pf__delta_field *tf = &w->ts.f[w->tcol[j]];
        if (!pf__delta_cast_value(c, inf, i, tf, d, base + r)) {
          char holds[96];
          pf__delta_value_text(c, inf, i, tmp, sizeof tmp);
          pf__delta_num_range(tf, holds, sizeof holds);
          pf__error_place(err, in->first_row + (int64_t)i + 1, -1, (int64_t)j + 1, -1);
          pf__error_column_name(err, tf->name);
          return pf__error_set(err, PF_EOUTPUT,
                               "column %s is %s in the Delta table and the input's value %s does not fit "
                               "it exactly (%s); nothing was appended: correct the value, or use "
                               "delta.mode=overwrite to replace the table's schema",
                               tf->name, tf->type, tmp, holds);
        }
        break;
      }
      default:
        if (pf__type_is_varlen(t)) {
          size_t n;
          const uint8_t *p = pf__col_str(c, i, &n);
          pf_status st = pf__col_push_str(d, base + r, p, n);
          if (st != PF_OK) return pf__error_set(err, st, "a batch of column %s is too large", w->phys->fields[j].name);
        } else if (t == PF_TYPE_BOOL) {
          pf__col_set_bool(d, base + r, pf__col_bool(c, i));
        } else {
          pf__bit_set(d->validity, base + r);
          memcpy(d->values + (base + r) * width, c->values + i * width, width);
        }
    }
  }
  return PF_OK;
}

/* The partition value text of input row i for partition column k (NULL:
 * null), in w->keybuf-independent storage tmp. */
static const char *part_value(delta_w *w, const pf_batch *in, size_t k, size_t i, char *tmp, size_t tn,
                              size_t *len) {
  long sc = w->part_src[k];
  const pf_column *c = &in->cols[sc];
  if (!pf__col_is_valid(c, i)) return NULL;
  switch (w->in->fields[sc].type) {
    case PF_TYPE_STRING: {
      const uint8_t *p = pf__col_str(c, i, len);
      return *len ? (const char *)p : NULL; /* "" is null, as Spark has it */
    }
    case PF_TYPE_INT64: snprintf(tmp, tn, "%lld", (long long)pf__col_i64(c, i)); break;
    case PF_TYPE_BOOL: snprintf(tmp, tn, "%s", pf__col_bool(c, i) ? "true" : "false"); break;
    case PF_TYPE_DATE:
      if (!pf__delta_fmt_date(pf__col_i32(c, i), tmp, tn)) snprintf(tmp, tn, "%d", pf__col_i32(c, i));
      break;
    case PF_TYPE_DECIMAL: pf__delta_fmt_decimal(c->values + i * 16, w->in->fields[sc].scale, tmp, tn); break;
    case PF_TYPE_TIME: pf__delta_fmt_time(pf__col_i64(c, i), tmp, tn); break;
    default: return NULL;
  }
  *len = strlen(tmp);
  return tmp;
}

static uint64_t hash_bytes(const uint8_t *p, size_t n) {
  uint64_t h = 1469598103934665603ULL;
  for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 1099511628211ULL;
  return h;
}

static pf_status rehash(delta_w *w) {
  size_t cap = w->hash_cap * 2;
  size_t *nh = calloc(cap, sizeof *nh);
  if (!nh) return PF_ENOMEM;
  for (size_t i = 0; i < w->n_slots; i++) {
    size_t h = (size_t)hash_bytes((const uint8_t *)w->slots[i].key, strlen(w->slots[i].key)) & (cap - 1);
    while (nh[h]) h = (h + 1) & (cap - 1);
    nh[h] = i + 1;
  }
  free(w->slot_hash);
  w->slot_hash = nh;
  w->hash_cap = cap;
  return PF_OK;
}

/* Slot of input row i (creating it): the key is built in w->keybuf. */
static pf_status row_slot(delta_w *w, const pf_batch *in, size_t i, size_t *out, pf_error *err) {
  pf__buf *kb = &w->keybuf;
  kb->len = 0;
  char tmp[8][64];
  const char *vals[8];
  size_t lens[8];
  pf_status st = PF_OK;
  for (size_t k = 0; k < w->n_part && st == PF_OK; k++) {
    char own[64];
    size_t len = 0;
    const char *v = part_value(w, in, k, i, k < 8 ? tmp[k] : own, 64, &len);
    if (k < 8) { vals[k] = v; lens[k] = len; }
    if (k) st = pf__buf_putc(kb, '/');
    if (st == PF_OK) st = pf__buf_puts(kb, w->part_cols[k]);
    if (st == PF_OK) st = pf__buf_putc(kb, '=');
    if (st == PF_OK) st = pf__delta_part_dir_escape_n(kb, v, len);
  }
  if (st == PF_OK) st = pf__buf_putc(kb, 0);
  if (st != PF_OK) return pf__error_set(err, PF_ENOMEM, "out of memory");
  kb->len--;
  size_t h = (size_t)hash_bytes(kb->data, kb->len) & (w->hash_cap - 1);
  while (w->slot_hash[h]) {
    dw_slot *s = &w->slots[w->slot_hash[h] - 1];
    if (!strcmp(s->key, (const char *)kb->data)) {
      *out = w->slot_hash[h] - 1;
      return PF_OK;
    }
    h = (h + 1) & (w->hash_cap - 1);
  }
  /* a new partition */
  if (w->n_slots == w->cap_slots) {
    size_t nc = w->cap_slots ? w->cap_slots * 2 : 16;
    dw_slot *ns = realloc(w->slots, nc * sizeof *ns);
    if (!ns) return pf__error_set(err, PF_ENOMEM, "out of memory");
    w->slots = ns;
    w->cap_slots = nc;
  }
  dw_slot *s = &w->slots[w->n_slots];
  memset(s, 0, sizeof *s);
  s->key = pf__strdup((const char *)kb->data);
  s->values = calloc(w->n_part ? w->n_part : 1, sizeof *s->values);
  st = s->key && s->values ? PF_OK : PF_ENOMEM;
  for (size_t k = 0; k < w->n_part && st == PF_OK; k++) {
    const char *v;
    size_t len;
    char own[64];
    if (k < 8) { v = vals[k]; len = lens[k]; }
    else v = part_value(w, in, k, i, own, sizeof own, &len);
    if (v && !(s->values[k] = pf__strndup(v, len))) st = PF_ENOMEM;
  }
  if (st != PF_OK) {
    free(s->key);
    if (s->values)
      for (size_t k = 0; k < w->n_part; k++) free(s->values[k]);
    free(s->values);
    return pf__error_set(err, PF_ENOMEM, "out of memory");
  }
  w->slot_hash[h] = w->n_slots + 1;
  *out = w->n_slots++;
  if (w->n_slots * 2 > w->hash_cap && rehash(w) != PF_OK) return pf__error_set(err, PF_ENOMEM, "out of memory");
  return PF_OK;
}

static pf_status write_unpartitioned(delta_w *w, const pf_batch *in, pf_error *err) {
  if (w->n_slots == 0) {
    size_t id;
    PF_TRY(row_slot(w, in, 0, &id, err));
  }
  const pf_batch *b;
  if (w->passthrough) {
    w->view.n_rows = in->n_rows;
    w->view.cap_rows = in->cap_rows;
    w->view.first_row = in->first_row;
    for (size_t j = 0; j < w->phys->n_fields; j++) {
      w->view.cols[j] = in->cols[w->src[j]];
      w->view.cols[j].type = w->phys->fields[j].type;
    }
    b = &w->view;
  } else {
    PF_TRY(ensure_scratch(w, in->n_rows, err));
    for (size_t j = 0; j < w->phys->n_fields; j++) PF_TRY(fill_col(w, w->scratch, 0, j, in, NULL, in->n_rows, err));
    w->scratch->n_rows = in->n_rows;
    w->scratch->first_row = in->first_row;
    b = w->scratch;
  }
  return write_slot(w, &w->slots[0], b, err);
}

/* Bytes a pending batch holds (allocated). */
static size_t pend_size(const delta_w *w, const pf_batch *b) {
  size_t n = 0;
  for (size_t j = 0; j < b->n_cols; j++) {
    size_t wd = pf__type_width(w->phys->fields[j].type);
    n += b->cap_rows * (wd ? wd : 4) + b->cols[j].data_cap + b->cap_rows / 8;
  }
  return n;
}

static void pend_account(delta_w *w, dw_slot *s) {
  size_t now = s->pending ? pend_size(w, s->pending) : 0;
  w->pending_total = w->pending_total - s->pending_bytes + now;
  s->pending_bytes = now;
}

/* Writes slot s's buffered rows to its file and frees the buffer. */
static pf_status pend_flush(delta_w *w, dw_slot *s, pf_error *err) {
  if (!s->pending) return PF_OK;
  pf_status st = write_slot(w, s, s->pending, err);
  pf__batch_free(s->pending);
  s->pending = NULL;
  pend_account(w, s);
  return st;
}

/* A copy of src's rows in a batch of cap rows (src is freed). */
static pf_status pend_grow(delta_w *w, dw_slot *s, size_t cap, pf_error *err) {
  pf_batch *src = s->pending, *dst;
  if (pf__batch_create(w->phys, cap, &dst) != PF_OK) return pf__error_set(err, PF_ENOMEM, "out of memory");
  for (size_t j = 0; j < src->n_cols; j++) {
    const pf_column *c = &src->cols[j];
    pf_column *d = &dst->cols[j];
    pf_type t = w->phys->fields[j].type;
    size_t wd = pf__type_width(t);
    for (size_t i = 0; i < src->n_rows; i++) {
      if (!pf__col_is_valid(c, i)) {
        pf__col_set_null(d, i);
      } else if (pf__type_is_varlen(t)) {
        size_t n;
        const uint8_t *p = pf__col_str(c, i, &n);
        if (pf__col_push_str(d, i, p, n) != PF_OK) {
          pf__batch_free(dst);
          return pf__error_set(err, PF_ENOMEM, "out of memory");
        }
      } else if (t == PF_TYPE_BOOL) {
        pf__col_set_bool(d, i, pf__col_bool(c, i));
      } else {
        pf__bit_set(d->validity, i);
        memcpy(d->values + i * wd, c->values + i * wd, wd);
      }
    }
  }
  dst->n_rows = src->n_rows;
  pf__batch_free(src);
  s->pending = dst;
  return PF_OK;
}

/* Buffers input rows idx[0..k) for slot sid: a partition's rows go to its
 * file in chunks of up to PF__DELTA_PENDING_ROWS, so that many partitions
 * do not mean many tiny files (the buffer starts small and doubles). */
static pf_status pend_rows(delta_w *w, size_t sid, const pf_batch *in, const size_t *idx, size_t k,
                           pf_error *err) {
  dw_slot *s = &w->slots[sid];
  size_t off = 0;
  while (off < k) {
    if (!s->pending) {
      size_t cap = 256;
      while (cap < k - off && cap < PF__DELTA_PENDING_ROWS) cap *= 2;
      if (pf__batch_create(w->phys, cap, &s->pending) != PF_OK) return pf__error_set(err, PF_ENOMEM, "out of memory");
    } else if (s->pending->n_rows == s->pending->cap_rows) {
      if (s->pending->cap_rows < PF__DELTA_PENDING_ROWS) PF_TRY(pend_grow(w, s, s->pending->cap_rows * 2, err));
      else PF_TRY(pend_flush(w, s, err));
      continue;
    }
    pf_batch *p = s->pending;
    size_t take = p->cap_rows - p->n_rows;
    if (take > k - off) take = k - off;
    for (size_t j = 0; j < w->phys->n_fields; j++) PF_TRY(fill_col(w, p, p->n_rows, j, in, idx + off, take, err));
    p->n_rows += take;
    off += take;
  }
  pend_account(w, s);
  return PF_OK;
}

static pf_status write_partitioned(delta_w *w, const pf_batch *in, pf_error *err) {
  size_t n = in->n_rows;
  PF_TRY(ensure_index(w, n, err));
  for (size_t i = 0; i < n; i++) PF_TRY(row_slot(w, in, i, &w->rowslot[i], err));
  /* rows grouped by slot (counting sort), in input order within a slot;
   * slots in the order of their first row */
  w->batch_no++;
  size_t nt = 0;
  if (w->cap_touched < w->n_slots) {
    size_t *nt_ = realloc(w->touched, w->n_slots * sizeof *nt_);
    if (!nt_) return pf__error_set(err, PF_ENOMEM, "out of memory");
    w->touched = nt_;
    w->cap_touched = w->n_slots;
  }
  for (size_t i = 0; i < n; i++) {
    dw_slot *s = &w->slots[w->rowslot[i]];
    if (s->mark != w->batch_no) {
      s->mark = w->batch_no;
      s->count = 0;
      w->touched[nt++] = w->rowslot[i];
    }
    s->count++;
  }
  size_t pos = 0;
  for (size_t t = 0; t < nt; t++) {
    w->slots[w->touched[t]].start = pos;
    pos += w->slots[w->touched[t]].count;
  }
  for (size_t i = 0; i < n; i++) w->rowidx[w->slots[w->rowslot[i]].start++] = i;
  for (size_t t = 0; t < nt; t++) {
    size_t sid = w->touched[t];
    size_t k = w->slots[sid].count;
    PF_TRY(pend_rows(w, sid, in, w->rowidx + w->slots[sid].start - k, k, err));
  }
  /* memory: flush the largest buffers while over the budget */
  while (w->pending_total > PF__DELTA_PENDING_BYTES) {
    dw_slot *big = NULL;
    for (size_t i = 0; i < w->n_slots; i++)
      if (w->slots[i].pending && (!big || w->slots[i].pending_bytes > big->pending_bytes)) big = &w->slots[i];
    if (!big) break;
    PF_TRY(pend_flush(w, big, err));
  }
  return PF_OK;
}

pf_status pf__dw_write(delta_w *w, const pf_batch *b, pf_error *err) {
  if (b->n_rows == 0) return PF_OK;
  w->rows += (int64_t)b->n_rows;
  if (w->n_part) return write_partitioned(w, b, err);
  return write_unpartitioned(w, b, err);
}

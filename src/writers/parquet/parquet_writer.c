/* parquet_writer.c - the Parquet writer: options, row groups, parallelism
 * and the file layout.
 *
 * File layout (all writes sequential, no seeks):
 *   "PAR1"
 *   row group 0: column 0 [dictionary page] data pages..., column 1 ...
 *   row group 1 ...
 *   FileMetaData (Thrift compact), its length (4 bytes LE), "PAR1"
 * A row group is built in memory (encoded, compressed pages per column) and
 * written when it reaches opts->row_group_rows rows or opts->row_group_bytes
 * buffered bytes, so memory is bounded by one row group. Zero rows give a
 * file with the schema and no row groups.
 *
 * Threads: the columns of a batch are encoded in parallel over the pool
 * (values into pages, dictionaries). Pages a batch fills are compressed by
 * a background job, one task per page, so one wide text column does not
 * hold up the rest; up to PQ_ZJOBS such jobs run while the next batches
 * are read and encoded, so the caller neither waits for nor does itself
 * the compression of the batch before (a compressed page's raw body goes
 * back to the pool at once). Jobs are accounted for oldest first. Whether
 * a row group is full is decided as if every job but the newest had been
 * accounted for: pages still compressing count at their codec's bound, and
 * only when that could reach the limit are their jobs waited for, so row
 * groups close where they would with one thread. When a row group closes,
 * the last pages and the dictionaries are sealed and compressed, and the
 * pages are written, in file order, by one more background task while the
 * next row group is built (file writers; a table writer's caller watches
 * the output's size, so there it is written at once). The file still grows
 * strictly sequentially.
 */
#include <stdlib.h>
#include <string.h>

#include "io/output.h"
#include "writers/parquet/parquet_writer.h"
#include "writers/parquet/parquet_writer_internal.h"

/* Compression jobs that may run at once: the caller goes on encoding
 * batches while the pages of the last few are compressed, so it does not
 * wait for (or do itself) the compression of the batch before. */
#define PQ_ZJOBS 4

struct pq_writer;

/* One compression job: the pages a batch sealed. */
typedef struct pq_zjob {
  pf__pool_job pj;
  struct pq_writer *w;
  pf__pq_page **pages;
  size_t n, cap;
  size_t *upto;             /* per column: pages[0, upto) sent so far       */
  int64_t slack;            /* the most its pages can outgrow their raw
                               bodies (compression bound + header - raw)   */
} pq_zjob;

typedef struct pq_writer {
  pf__output *out;          /* borrowed sink                               */
  pf__pool *pool;           /* borrowed; NULL: everything on the caller    */
  const pf__log *log;
  pf_schema *schema;        /* owned copy                                  */
  uint8_t *store;           /* pf__pq_store per column (owned), or NULL    */
  pf__pq_config cfg;        /* page size, dictionary, codec (owned)        */
  int64_t rg_max_rows;
  int64_t rg_max_bytes;
  pf__pq_col *cols;         /* one builder per column                      */
  size_t n_cols;
  int64_t rg_rows;          /* rows in the row group being built           */
  int64_t total_rows;
  pf__buf row_groups;       /* serialised RowGroup structs, back to back   */
  size_t n_row_groups;
  pf__buf meta;             /* scratch: ColumnChunk list, then the footer  */
  /* the job the pool runs */
  const pf_batch *job_batch;
  size_t job_row0, job_n;
  /* pages being compressed in the background: a ring of jobs, oldest
   * first, accounted for in that order */
  pq_zjob zj[PQ_ZJOBS];
  size_t z_first, z_count;  /* the ring's oldest job and how many run       */
  size_t z_depth;           /* jobs that may run at once (1 .. PQ_ZJOBS)    */
  int z_fresh;              /* the newest job holds the last batch's pages  */
  /* the row group being written in the background */
  int async_write;          /* write row groups in a pool task             */
  pf__pool_job wjob;
  int w_running;
  pf__pq_pages *wpages;     /* per column: pages to write, in file order   */
  pf_status w_status;
  pf_error w_err;
  int64_t file_pos;         /* bytes written or being written              */
  pf__pq_bufpool bodies;    /* page bodies to reuse, any thread            */
  int bodies_init;
} pq_writer;

static void z_drop(pq_writer *w);
static void w_drop(pq_writer *w);

static void writer_free(pq_writer *w) {
  if (!w) return;
  z_drop(w);
  w_drop(w);
  for (size_t i = 0; w->cols && i < w->n_cols; i++) pf__pq_col_free(&w->cols[i]);
  for (size_t i = 0; w->wpages && i < w->n_cols; i++) pf__pq_pages_free(&w->wpages[i]);
  free(w->wpages);
  for (size_t k = 0; k < PQ_ZJOBS; k++) {
    free(w->zj[k].pages);
    free(w->zj[k].upto);
  }
  if (w->bodies_init) pf__pq_bufpool_free(&w->bodies);
  free(w->cols);
  pf__pq_codec_free(w->cfg.codec);
  pf_schema_free(w->schema);
  free(w->store);
  pf__buf_free(&w->row_groups);
  pf__buf_free(&w->meta);
  free(w);
}

static pf_status check_schema(const pf_schema *s, pf_error *err) {
  PF_RETURN_ERROR_IF(!s || s->n_fields == 0, err, PF_EINVAL,
                     "a Parquet file needs at least one column; the input has none");
  for (size_t i = 0; i < s->n_fields; i++) {
    const pf_field *f = &s->fields[i];
    PF_RETURN_ERROR_IF(!f->name, err, PF_EINVAL, "column %zu has no name", i + 1);
    PF_RETURN_ERROR_IF((int)f->type < 0 || f->type >= PF_TYPE_COUNT_, err, PF_EINVAL,
                       "column %zu (%s) has an unknown type %d", i + 1, f->name,
                       (int)f->type);
    if (f->type == PF_TYPE_DECIMAL) {
      PF_RETURN_ERROR_IF(f->precision < 1 || f->precision > 38 || f->scale < 0 ||
                             f->scale > f->precision,
                         err, PF_EINVAL,
                         "column %zu (%s): decimal(%d,%d) cannot be written; precision "
                         "must be 1..38 and scale 0..precision",
                         i + 1, f->name, f->precision, f->scale);
    }
  }
  return PF_OK;
}

static pf_status writer_create(const pf__writer_env *env, const uint8_t *store, int async_write,
                               void **state, pf_error *err) {
  *state = NULL;
  PF_RETURN_ERROR_IF(!env || !env->out, err, PF_EINVAL,
                     "the Parquet writer needs an output");
  PF_TRY(check_schema(env->schema, err));
  const pf__opts *o = env->opts;
  pf__compression codec = o ? o->compression : PF_COMPRESSION_SNAPPY;
  int level = o ? o->compression_level : 0;
  int64_t rg_rows = o && o->row_group_rows ? o->row_group_rows : PF__PQ_DEFAULT_ROW_GROUP_ROWS;
  int64_t rg_bytes = o && o->row_group_bytes ? o->row_group_bytes : PF__PQ_DEFAULT_ROW_GROUP_BYTES;
  int64_t page = o && o->page_bytes ? o->page_bytes : PF__PQ_DEFAULT_PAGE_BYTES;
  PF_RETURN_ERROR_IF(rg_rows < 1, err, PF_EINVAL,
                     "row group size must be at least 1 row; got %lld", (long long)rg_rows);
  PF_RETURN_ERROR_IF(rg_bytes < 1, err, PF_EINVAL,
                     "row group byte size must be positive; got %lld", (long long)rg_bytes);
  PF_RETURN_ERROR_IF(page < 1 || page > ((int64_t)1 << 30), err, PF_EINVAL,
                     "page size must be between 1 byte and 1 GiB; got %lld", (long long)page);

  pq_writer *w = calloc(1, sizeof *w);
  if (!w) return pf__error_set(err, PF_ENOMEM, "out of memory");
  w->out = env->out;
  w->pool = env->pool;
  w->log = env->log;
  w->rg_max_rows = rg_rows;
  w->rg_max_bytes = rg_bytes;
  /* Without an explicit page size, wide schemas get smaller pages: each
   * column holds one page of raw values plus scratch, so memory stays near
   * the row group's encoded bytes whatever the column count (between 64 KiB
   * and the default 1 MiB per page). */
  if (!(o && o->page_bytes) && env->schema->n_fields > 0) {
    int64_t per_col = rg_bytes / ((int64_t)env->schema->n_fields * 4);
    if (per_col < ((int64_t)64 << 10)) per_col = (int64_t)64 << 10;
    if (per_col < page) page = per_col;
  }
  w->cfg.page_bytes = (size_t)page;
  /* Dictionaries likewise: 1 MiB each for narrow schemas, less for wide
   * ones (at least 64 KiB) so 200 columns do not hold 200 MiB of them. */
  w->cfg.dict_limit = PF__PQ_DICT_LIMIT;
  if (env->schema->n_fields > 0) {
    int64_t per_col = rg_bytes / ((int64_t)env->schema->n_fields * 2);
    if (per_col < ((int64_t)64 << 10)) per_col = (int64_t)64 << 10;
    if ((size_t)per_col < w->cfg.dict_limit) w->cfg.dict_limit = (size_t)per_col;
  }
  w->cfg.dictionary = o ? o->dictionary != 0 : 1;
  pf__buf_init(&w->row_groups, 0);
  pf__buf_init(&w->meta, 0);
  int threads = env->pool ? pf__pool_size(env->pool) : 1;
  if (pf__pq_bufpool_init(&w->bodies, 64 + 4 * env->schema->n_fields) != PF_OK) {
    free(w);
    return pf__error_set(err, PF_ENOMEM, "out of memory");
  }
  w->bodies_init = 1;
  pf_status st = pf__pq_codec_create(codec, level, threads + 1, &w->cfg.codec, err);
  if (st == PF_OK) {
    w->schema = pf__schema_copy(env->schema);
    w->n_cols = env->schema->n_fields;
    w->cols = calloc(w->n_cols, sizeof *w->cols);
    w->wpages = calloc(w->n_cols, sizeof *w->wpages);
    for (size_t k = 0; k < PQ_ZJOBS; k++) {
      w->zj[k].w = w;
      w->zj[k].upto = calloc(w->n_cols, sizeof *w->zj[k].upto);
      if (!w->zj[k].upto) st = PF_ENOMEM;
    }
    if (store) {
      w->store = malloc(w->n_cols);
      if (w->store) memcpy(w->store, store, w->n_cols);
    }
    if (st != PF_OK || !w->schema || !w->cols || !w->wpages || (store && !w->store))
      st = pf__error_set(err, PF_ENOMEM, "out of memory");
  }
  for (size_t i = 0; st == PF_OK && i < w->n_cols; i++) {
    st = pf__pq_col_init(&w->cols[i], &w->schema->fields[i], store ? store[i] : 0, &w->cfg);
    if (st == PF_ENOMEM) pf__error_set(err, st, "out of memory");
    if (st == PF_EINVAL)
      pf__error_set(err, st, "column %zu (%s): a %s column cannot be stored narrower", i + 1,
                    w->schema->fields[i].name, pf_type_name(w->schema->fields[i].type));
  }
  if (st == PF_OK) st = pf__output_write(w->out, "PAR1", 4, err);
  if (st != PF_OK) {
    writer_free(w);
    return st;
  }
  w->file_pos = 4;
  w->async_write = async_write && threads > 1;
  w->z_depth = threads > 1 ? PQ_ZJOBS : 1;
  pf_error_init(&w->w_err);
  *state = w;
  return PF_OK;
}

pf_status pf__parquet_writer_open_stored(const pf__writer_env *env, const uint8_t *store,
                                         void **state, pf_error *err) {
  return writer_create(env, store, 0, state, err);
}

/* ---- parallel steps ---- */

static void encode_task(void *arg, size_t i) {
  pq_writer *w = arg;
  pf__pq_col_append(&w->cols[i], &w->cfg, &w->bodies, &w->job_batch->cols[i], w->job_row0,
                    w->job_n);
}

static void finish_task(void *arg, size_t i) {
  pq_writer *w = arg;
  pf__pq_col_finish(&w->cols[i], &w->cfg, &w->bodies);
}

static void run_columns(pq_writer *w, pf__task_fn fn) {
  if (w->pool && w->n_cols > 1) {
    pf__pool_run(w->pool, w->n_cols, fn, w);
  } else {
    for (size_t i = 0; i < w->n_cols; i++) fn(w, i);
  }
}

/* The first column that failed, as the call's error. */
static pf_status column_error(pq_writer *w, pf_error *err) {
  for (size_t i = 0; i < w->n_cols; i++) {
    const pf__pq_col *c = &w->cols[i];
    if (c->status == PF_OK) continue;
    pf__error_set(err, c->status, "writing Parquet column %zu (%s): %s", i + 1,
                  w->schema->fields[i].name, c->what ? c->what : pf_status_str(c->status));
    pf__error_place(err, -1, -1, (int64_t)i + 1, -1);
    pf__error_column_name(err, w->schema->fields[i].name);
    return c->status;
  }
  return PF_OK;
}

/* ---- compression in the background ---- */

static void z_task(void *arg, size_t i) {
  pq_zjob *j = arg;
  pf__pq_page_compress(j->pages[i], &j->w->cfg, &j->w->bodies);
}

static pq_zjob *z_job(pq_writer *w, size_t k) { return &w->zj[(w->z_first + k) % PQ_ZJOBS]; }

/* Waits for the oldest compression job and accounts for its pages. */
static pf_status z_retire(pq_writer *w, pf_error *err) {
  pq_zjob *j = z_job(w, 0);
  pf__pool_wait(w->pool, &j->pj);
  w->z_first = (w->z_first + 1) % PQ_ZJOBS;
  w->z_count--;
  if (w->z_count == 0) w->z_fresh = 0;
  for (size_t i = 0; i < w->n_cols; i++) {
    pf__pq_col *c = &w->cols[i];
    pf_status st = pf__pq_col_account(c, &w->cfg, j->upto[i]);
    if (st != PF_OK && c->status == PF_OK) {
      c->status = st;
      c->what = st == PF_ENOMEM ? "out of memory compressing a page"
                : st == PF_ELIMIT ? "page too large"
                                  : "compressing a page failed";
    }
  }
  return column_error(w, err);
}

/* Waits for every compression job. */
static pf_status z_wait(pq_writer *w, pf_error *err) {
  while (w->z_count > 0) PF_TRY(z_retire(w, err));
  return PF_OK;
}

/* Accounts for the jobs that finished, oldest first (never blocks). */
static pf_status z_poll(pq_writer *w, pf_error *err) {
  while (w->z_count > 0 && pf__pool_done(w->pool, &z_job(w, 0)->pj)) PF_TRY(z_retire(w, err));
  return PF_OK;
}

static pf_status z_reserve(pq_zjob *j, size_t need) {
  if (need <= j->cap) return PF_OK;
  size_t cap = j->cap ? j->cap : 64;
  while (cap < need) cap *= 2;
  pf__pq_page **p = realloc(j->pages, cap * sizeof *p);
  if (!p) return PF_ENOMEM;
  j->pages = p;
  j->cap = cap;
  return PF_OK;
}

static void z_add(pq_writer *w, pq_zjob *j, pf__pq_page *pg) {
  j->pages[j->n++] = pg;
  size_t n = pf__pq_page_body_len(pg);
  j->slack += (int64_t)(pf__pq_compress_bound(w->cfg.codec, n) + sizeof pg->hdr) - (int64_t)n;
}

/* Starts compressing the pages sealed since the last call (and with
 * dictionaries, the dictionary pages), in a job of its own; waits for the
 * oldest job first when z_depth of them run. */
static pf_status z_start(pq_writer *w, int dictionaries, pf_error *err) {
  PF_TRY(z_poll(w, err));
  if (w->z_count == w->z_depth) PF_TRY(z_retire(w, err));
  w->z_fresh = 0;
  pq_zjob *j = z_job(w, w->z_count);
  j->n = 0;
  j->slack = 0;
  for (size_t i = 0; i < w->n_cols; i++) {
    pf__pq_col *c = &w->cols[i];
    if (z_reserve(j, j->n + (c->pages.n - c->n_sent) + 1) != PF_OK)
      return pf__error_set(err, PF_ENOMEM, "out of memory");
    for (; c->n_sent < c->pages.n; c->n_sent++) z_add(w, j, c->pages.p[c->n_sent]);
    if (dictionaries && c->dict_page) z_add(w, j, c->dict_page);
    j->upto[i] = c->n_sent;
  }
  if (j->n == 0) return PF_OK;
  pf__pool_submit(w->pool, &j->pj, j->n, z_task, j, 0);
  w->z_count++;
  w->z_fresh = 1;
  return PF_OK;
}

static void z_drop(pq_writer *w) {
  for (; w->z_count > 0; w->z_count--) {
    pf__pool_wait(w->pool, &z_job(w, 0)->pj);
    w->z_first = (w->z_first + 1) % PQ_ZJOBS;
  }
}

/* ---- writing row groups ---- */

/* Writes every page of the row group handed over, in file order: a
 * page's header and body in one call, the body from the page's own buffer
 * (no copy into the output's). */
static void w_task(void *arg, size_t i) {
  (void)i;
  pq_writer *w = arg;
  pf_status st = PF_OK;
  int kind = pf__pq_codec_is_none(w->cfg.codec) ? PF__PQ_RAW : PF__PQ_Z;
  for (size_t c = 0; c < w->n_cols && st == PF_OK; c++) {
    const pf__pq_pages *l = &w->wpages[c];
    for (size_t k = 0; k < l->n && st == PF_OK; k++) {
      pf__pq_page *pg = l->p[k];
      size_t len;
      const uint8_t *body = pf__pq_page_stored(pg, &w->cfg, &len);
      struct iovec v[2] = {{pg->hdr, pg->hdr_len}, {(void *)(uintptr_t)body, len}};
      st = pf__output_writev(w->out, v, 2, &w->w_err);
      pf__pq_bufpool_give(&w->bodies, kind, kind == PF__PQ_RAW ? &pg->raw : &pg->z);
    }
  }
  w->w_status = st;
}

/* Waits for the row group being written and takes its pages back. */
static pf_status w_wait(pq_writer *w, pf_error *err) {
  if (w->w_running) {
    pf__pool_wait(w->pool, &w->wjob);
    w->w_running = 0;
  }
  for (size_t i = 0; i < w->n_cols; i++) pf__pq_col_recycle(&w->cols[i], &w->wpages[i]);
  if (w->w_status != PF_OK) {
    pf__error_copy(err, &w->w_err);
    return w->w_status;
  }
  return PF_OK;
}

/* Takes the pages back if the write finished meanwhile (never blocks). */
static pf_status w_poll(pq_writer *w, pf_error *err) {
  if (w->w_running && !pf__pool_done(w->pool, &w->wjob)) return PF_OK;
  return w_wait(w, err);
}

static void w_drop(pq_writer *w) {
  if (w->w_running) pf__pool_wait(w->pool, &w->wjob);
  w->w_running = 0;
}

/* ---- row groups ---- */

static pf_status flush_row_group(pq_writer *w, pf_error *err) {
  if (w->rg_rows == 0) return PF_OK;
  PF_TRY(z_wait(w, err));
  run_columns(w, finish_task);
  PF_TRY(column_error(w, err));
  PF_TRY(z_start(w, 1, err)); /* the last pages and the dictionaries */
  PF_TRY(z_wait(w, err));
  PF_TRY(w_wait(w, err)); /* the previous row group is in the file */

  int codec_id = pf__pq_codec_id(w->cfg.codec);
  int64_t rg_start = w->file_pos;
  int64_t offset = rg_start, raw_total = 0, stored_total = 0;
  w->meta.len = 0;
  pf__tc_writer tw;
  pf__tcw_init(&tw, &w->meta);
  for (size_t i = 0; i < w->n_cols; i++) {
    pf__pq_col *c = &w->cols[i];
    pf__pq_column_chunk(&tw, c, &w->schema->fields[i], codec_id, offset);
    int64_t stored = c->dict_stored + c->data_stored;
    offset += stored;
    stored_total += stored;
    raw_total += c->data_raw + c->dict_raw;
  }
  if (tw.status != PF_OK)
    return pf__error_set(err, tw.status, "out of memory building Parquet metadata");

  pf__tcw_init(&tw, &w->row_groups);
  pf__tcw_struct_begin(&tw);
  pf__tcw_field_list_begin(&tw, 1, PF__TC_STRUCT, w->n_cols);
  pf__tcw_raw(&tw, w->meta.data, w->meta.len);
  pf__tcw_field_i64(&tw, 2, raw_total);
  pf__tcw_field_i64(&tw, 3, w->rg_rows);
  pf__tcw_field_i64(&tw, 5, rg_start);
  pf__tcw_field_i64(&tw, 6, stored_total);
  if (w->n_row_groups <= INT16_MAX) pf__tcw_field_i16(&tw, 7, (int16_t)w->n_row_groups);
  pf__tcw_struct_end(&tw);
  if (tw.status != PF_OK)
    return pf__error_set(err, tw.status, "out of memory building Parquet metadata");

  if (pf__log_enabled(w->log, PF_LOG_DEBUG))
    pf__log_msg(w->log, PF_LOG_DEBUG,
                "parquet: row group %zu written: %lld rows, %lld bytes (%lld uncompressed)",
                w->n_row_groups, (long long)w->rg_rows, (long long)stored_total,
                (long long)raw_total);
  w->n_row_groups++;
  w->total_rows += w->rg_rows;
  w->rg_rows = 0;
  w->file_pos += stored_total;
  for (size_t i = 0; i < w->n_cols; i++)
    if (pf__pq_col_reset(&w->cols[i], &w->wpages[i]) != PF_OK)
      return pf__error_set(err, PF_ENOMEM, "out of memory");
  pf_error_init(&w->w_err);
  w->w_status = PF_OK;
  if (!w->async_write) {
    w_task(w, 0);
    return w_wait(w, err);
  }
  pf__pool_submit(w->pool, &w->wjob, 1, w_task, w, 1); /* frees a row group */
  w->w_running = 1;
  return PF_OK;
}

static int64_t buffered_bytes(const pq_writer *w) {
  size_t n = 0;
  for (size_t i = 0; i < w->n_cols; i++) n += pf__pq_col_buffered(&w->cols[i]);
  return (int64_t)n;
}

/* Whether the row group has reached its byte limit, counting, as always,
 * the pages of the batch just encoded raw and every earlier page as
 * stored. Earlier pages still being compressed count at the most they can
 * grow to; only when that reaches the limit are their jobs waited for. So
 * the answer (and the file) does not depend on how far compression got. */
static pf_status bytes_full(pq_writer *w, int *full, pf_error *err) {
  int64_t bytes = buffered_bytes(w);
  size_t older = w->z_count - (size_t)w->z_fresh;
  int64_t most = bytes;
  for (size_t k = 0; k < older; k++) most += z_job(w, k)->slack;
  if (most >= w->rg_max_bytes && older > 0) {
    for (size_t k = 0; k < older; k++) PF_TRY(z_retire(w, err));
    bytes = buffered_bytes(w);
  }
  *full = bytes >= w->rg_max_bytes;
  return PF_OK;
}

static pf_status check_batch(const pq_writer *w, const pf_batch *b,
                             pf_error *err) {
  PF_RETURN_ERROR_IF(!b, err, PF_EINVAL, "no batch given to the Parquet writer");
  PF_RETURN_ERROR_IF(b->n_cols != w->n_cols, err, PF_EINVAL,
                     "batch has %zu columns; the Parquet schema has %zu", b->n_cols,
                     w->n_cols);
  for (size_t i = 0; i < w->n_cols; i++) {
    const pf_field *f = &w->schema->fields[i];
    const pf_column *c = &b->cols[i];
    PF_RETURN_ERROR_IF(c->type != f->type, err, PF_EINVAL,
                       "column %zu (%s): batch holds %s values, schema says %s", i + 1,
                       f->name, pf_type_name(c->type), pf_type_name(f->type));
    PF_RETURN_ERROR_IF(!f->nullable && f->type != PF_TYPE_NULL && c->null_count > 0, err,
                       PF_EINVAL,
                       "column %zu (%s) is declared not nullable but the batch holds "
                       "%lld nulls",
                       i + 1, f->name, (long long)c->null_count);
  }
  return PF_OK;
}

static pf_status writer_write(void *state, const pf_batch *b, pf_error *err) {
  pq_writer *w = state;
  PF_RETURN_ERROR_IF(!w, err, PF_EINVAL, "Parquet writer not open");
  PF_TRY(check_batch(w, b, err));
  PF_TRY(w_poll(w, err));
  size_t row = 0;
  while (row < b->n_rows) {
    int64_t room = w->rg_max_rows - w->rg_rows;
    size_t n = b->n_rows - row;
    if ((int64_t)n > room) n = (size_t)room;
    w->job_batch = b;
    w->job_row0 = row;
    w->job_n = n;
    run_columns(w, encode_task);
    w->job_batch = NULL;
    PF_TRY(column_error(w, err));
    PF_TRY(z_start(w, 0, err)); /* the pages this batch filled */
    w->rg_rows += (int64_t)n;
    row += n;
    int full = w->rg_rows >= w->rg_max_rows;
    if (!full) PF_TRY(bytes_full(w, &full, err));
    if (full) PF_TRY(flush_row_group(w, err));
  }
  return PF_OK;
}

static pf_status finish_file(pq_writer *w, pf_error *err) {
  PF_TRY(flush_row_group(w, err));
  PF_TRY(w_wait(w, err));
  w->meta.len = 0;
  pf_status st = pf__pq_file_metadata(&w->meta, w->schema, w->store, w->total_rows,
                                      &w->row_groups, w->n_row_groups);
  if (st != PF_OK) return pf__error_set(err, st, "out of memory building the Parquet footer");
  PF_RETURN_ERROR_IF(w->meta.len > INT32_MAX, err, PF_ELIMIT,
                     "Parquet footer of %zu bytes is too large; use fewer, larger row groups",
                     w->meta.len);
  uint8_t tail[8];
  uint32_t n = (uint32_t)w->meta.len;
  for (int i = 0; i < 4; i++) tail[i] = (uint8_t)(n >> (8 * i));
  memcpy(tail + 4, "PAR1", 4);
  PF_TRY(pf__output_write(w->out, w->meta.data, w->meta.len, err));
  return pf__output_write(w->out, tail, 8, err);
}

static pf_status writer_close(void *state, pf_error *err) {
  pq_writer *w = state;
  PF_RETURN_ERROR_IF(!w, err, PF_EINVAL, "Parquet writer not open");
  pf_status st = finish_file(w, err);
  writer_free(w);
  return st;
}

static void writer_abort(void *state) { writer_free(state); }

static pf_status writer_open(const pf__writer_env *env, void **state, pf_error *err) {
  return writer_create(env, NULL, 1, state, err);
}

const pf__writer_ops pf__parquet_writer_ops = {
    .name = "parquet",
    .description = "Apache Parquet: snappy, zstd, gzip, lz4_raw or no compression",
    .extensions = ".parquet",
    .open = writer_open,
    .write = writer_write,
    .close = writer_close,
    .abort = writer_abort,
};

/* parquet_codec.c - Parquet page compression (parquet_codec.h): snappy,
 * gzip (zlib with the gzip wrapper), zstd, lz4_raw (LZ4 block format) or
 * none.
 *
 * Compression contexts (zstd, zlib) are costly to create, so a codec keeps a
 * small stack of them: a task takes one, compresses, and gives it back. The
 * stack is the only shared state and a mutex guards it.
 */
#include <lz4.h>
#include <lz4hc.h>
#include <pthread.h>
#include <snappy-c.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "formats/parquet/parquet_codec.h"

struct pf__pq_codec {
  pf__compression kind;
  int level;             /* resolved: the codec's own default applied     */
  pthread_mutex_t mu;
  void **spare;          /* contexts not in use                           */
  int n_spare;
  int max_spare;
};

static pf_status check_level(pf__compression kind, int *level, pf_error *err) {
  int lv = *level;
  switch (kind) {
    case PF_COMPRESSION_NONE:
    case PF_COMPRESSION_SNAPPY:
      PF_RETURN_ERROR_IF(lv != 0, err, PF_EINVAL,
                         "%s compression has no levels; got level %d (leave the level at 0)",
                         kind == PF_COMPRESSION_NONE ? "no" : "snappy", lv);
      return PF_OK;
    case PF_COMPRESSION_ZSTD: {
      int lo = ZSTD_minCLevel(), hi = ZSTD_maxCLevel();
      if (lv == 0) lv = 3;
      PF_RETURN_ERROR_IF(lv < lo || lv > hi, err, PF_EINVAL,
                         "zstd compression level must be between %d and %d; got %d", lo,
                         hi, lv);
      *level = lv;
      return PF_OK;
    }
    case PF_COMPRESSION_GZIP:
      PF_RETURN_ERROR_IF(lv < 0 || lv > 9, err, PF_EINVAL,
                         "gzip compression level must be between 1 and 9; got %d", lv);
      *level = lv == 0 ? Z_DEFAULT_COMPRESSION : lv;
      return PF_OK;
    case PF_COMPRESSION_LZ4_RAW:
      PF_RETURN_ERROR_IF(lv < 0 || lv > LZ4HC_CLEVEL_MAX, err, PF_EINVAL,
                         "lz4_raw compression level must be between 1 and %d (0: fast mode); got %d",
                         LZ4HC_CLEVEL_MAX, lv);
      return PF_OK;
  }
  return pf__error_set(err, PF_EINVAL, "unknown compression codec %d", (int)kind);
}

pf_status pf__pq_codec_create(pf__compression kind, int level, int n_ctx,
                              pf__pq_codec **out, pf_error *err) {
  *out = NULL;
  PF_TRY(check_level(kind, &level, err));
  pf__pq_codec *c = calloc(1, sizeof *c);
  if (!c) return pf__error_set(err, PF_ENOMEM, "out of memory");
  c->kind = kind;
  c->level = level;
  c->max_spare = n_ctx > 0 ? n_ctx : 1;
  c->spare = calloc((size_t)c->max_spare, sizeof *c->spare);
  if (!c->spare || pthread_mutex_init(&c->mu, NULL) != 0) {
    free(c->spare);
    free(c);
    return pf__error_set(err, PF_ENOMEM, "out of memory");
  }
  *out = c;
  return PF_OK;
}

static void ctx_free(pf__compression kind, void *ctx) {
  if (!ctx) return;
  if (kind == PF_COMPRESSION_ZSTD) {
    ZSTD_freeCCtx(ctx);
  } else if (kind == PF_COMPRESSION_GZIP) {
    deflateEnd(ctx);
    free(ctx);
  }
}

void pf__pq_codec_free(pf__pq_codec *c) {
  if (!c) return;
  for (int i = 0; i < c->n_spare; i++) ctx_free(c->kind, c->spare[i]);
  free(c->spare);
  pthread_mutex_destroy(&c->mu);
  free(c);
}

int pf__pq_codec_id(const pf__pq_codec *c) {
  switch (c->kind) {
    case PF_COMPRESSION_SNAPPY: return 1;
    case PF_COMPRESSION_GZIP: return 2;
    case PF_COMPRESSION_ZSTD: return 6;
    case PF_COMPRESSION_LZ4_RAW: return 7;
    case PF_COMPRESSION_NONE: break;
  }
  return 0;
}

int pf__pq_codec_is_none(const pf__pq_codec *c) {
  return c->kind == PF_COMPRESSION_NONE;
}

static void *ctx_take(pf__pq_codec *c) {
  void *ctx = NULL;
  pthread_mutex_lock(&c->mu);
  if (c->n_spare > 0) ctx = c->spare[--c->n_spare];
  pthread_mutex_unlock(&c->mu);
  if (ctx) return ctx;
  if (c->kind == PF_COMPRESSION_ZSTD) return ZSTD_createCCtx();
  if (c->kind == PF_COMPRESSION_GZIP) {
    z_stream *z = calloc(1, sizeof *z);
    if (!z) return NULL;
    /* windowBits 15 + 16: the gzip wrapper Parquet's GZIP codec means */
    if (deflateInit2(z, c->level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
      free(z);
      return NULL;
    }
    return z;
  }
  return NULL;
}

static void ctx_give(pf__pq_codec *c, void *ctx) {
  pthread_mutex_lock(&c->mu);
  if (c->n_spare < c->max_spare) {
    c->spare[c->n_spare++] = ctx;
    ctx = NULL;
  }
  pthread_mutex_unlock(&c->mu);
  ctx_free(c->kind, ctx);
}

static pf_status gzip(pf__pq_codec *c, const uint8_t *src, size_t n,
                      pf__buf *dst) {
  z_stream *z = ctx_take(c);
  if (!z) return PF_ENOMEM;
  pf_status st = PF_OK;
  if (deflateReset(z) != Z_OK) {
    st = PF_EINTERNAL;
  } else {
    size_t bound = deflateBound(z, (uLong)n);
    st = pf__buf_reserve(dst, bound);
    if (st == PF_OK) {
      z->next_in = (Bytef *)(uintptr_t)src;
      z->avail_in = (uInt)n;
      z->next_out = dst->data;
      z->avail_out = (uInt)bound;
      if (deflate(z, Z_FINISH) != Z_STREAM_END) st = PF_EINTERNAL;
      else dst->len = bound - z->avail_out;
    }
  }
  ctx_give(c, z);
  return st;
}

size_t pf__pq_compress_bound(const pf__pq_codec *c, size_t n) {
  switch (c->kind) {
    case PF_COMPRESSION_NONE: return n;
    case PF_COMPRESSION_SNAPPY: return snappy_max_compressed_length(n);
    case PF_COMPRESSION_ZSTD: return ZSTD_compressBound(n);
    case PF_COMPRESSION_LZ4_RAW:
      return n > LZ4_MAX_INPUT_SIZE ? n + n / 255 + 16 : (size_t)LZ4_compressBound((int)n);
    case PF_COMPRESSION_GZIP: break;
  }
  /* gzip: above every deflateBound() zlib returns (its conservative bound
   * for unusual parameters included) plus the gzip wrapper */
  return n + (n >> 3) + (n >> 6) + 64;
}

pf_status pf__pq_compress(pf__pq_codec *c, const uint8_t *src, size_t n,
                          pf__buf *dst) {
  dst->len = 0;
  switch (c->kind) {
    case PF_COMPRESSION_NONE: return pf__buf_append(dst, src, n);
    case PF_COMPRESSION_SNAPPY: {
      size_t bound = snappy_max_compressed_length(n);
      PF_TRY(pf__buf_reserve(dst, bound));
      size_t got = bound;
      if (snappy_compress((const char *)src, n, (char *)dst->data, &got) != SNAPPY_OK)
        return PF_EINTERNAL;
      dst->len = got;
      return PF_OK;
    }
    case PF_COMPRESSION_ZSTD: {
      size_t bound = ZSTD_compressBound(n);
      PF_TRY(pf__buf_reserve(dst, bound));
      ZSTD_CCtx *z = ctx_take(c);
      if (!z) return PF_ENOMEM;
      size_t got = ZSTD_compressCCtx(z, dst->data, bound, src, n, c->level);
      ctx_give(c, z);
      if (ZSTD_isError(got)) return PF_EINTERNAL;
      dst->len = got;
      return PF_OK;
    }
    case PF_COMPRESSION_GZIP: return gzip(c, src, n, dst);
    case PF_COMPRESSION_LZ4_RAW: {
      if (n > LZ4_MAX_INPUT_SIZE) return PF_ELIMIT;
      int bound = LZ4_compressBound((int)n);
      PF_TRY(pf__buf_reserve(dst, (size_t)bound));
      int got = c->level > 0
                    ? LZ4_compress_HC((const char *)src, (char *)dst->data, (int)n, bound, c->level)
                    : LZ4_compress_default((const char *)src, (char *)dst->data, (int)n, bound);
      if (got <= 0 && n > 0) return PF_EINTERNAL;
      dst->len = (size_t)got;
      return PF_OK;
    }
  }
  return PF_EINTERNAL;
}

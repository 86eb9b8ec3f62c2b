/* parquet_page_write.c - sealed pages: compression (a task of its own, on
 * any thread) and page lists.
 *
 * A column seals a page when it is full (parquet_encode.c); the writer
 * compresses the pages a batch sealed in the background while the next
 * batch is read and encoded, and writes a row group's pages when it closes
 * (parquet_writer.c). Compression is most of the writer's work on text, so
 * it is spread over every thread page by page instead of riding along
 * with the column that filled the page.
 */
#include <stdlib.h>
#include <string.h>

#include "writers/parquet/parquet_writer_internal.h"

pf_status pf__pq_bufpool_init(pf__pq_bufpool *bp, size_t max) {
  memset(bp, 0, sizeof *bp);
  bp->max = max;
  return pthread_mutex_init(&bp->mu, NULL) == 0 ? PF_OK : PF_ENOMEM;
}

void pf__pq_bufpool_free(pf__pq_bufpool *bp) {
  for (int k = 0; k < 2; k++) {
    for (size_t i = 0; i < bp->kind[k].n; i++) pf__buf_free(&bp->kind[k].b[i]);
    free(bp->kind[k].b);
  }
  pthread_mutex_destroy(&bp->mu);
  memset(bp, 0, sizeof *bp);
}

void pf__pq_bufpool_take(pf__pq_bufpool *bp, int kind, pf__buf *b, size_t want) {
  pthread_mutex_lock(&bp->mu);
  pf__buf *v = bp->kind[kind].b;
  size_t n = bp->kind[kind].n;
  size_t fit = n, big = n; /* the smallest that fits, else the largest */
  for (size_t i = 0; i < n; i++) {
    size_t c = v[i].cap;
    if (c > want) {
      if (fit == n || c < v[fit].cap) fit = i;
    } else if (big == n || c > v[big].cap) {
      big = i;
    }
  }
  size_t best = fit < n ? fit : big;
  if (best < n) {
    *b = v[best];
    v[best] = v[--bp->kind[kind].n];
    b->len = 0;
  }
  pthread_mutex_unlock(&bp->mu);
}

void pf__pq_bufpool_give(pf__pq_bufpool *bp, int kind, pf__buf *b) {
  if (b->data) {
    pthread_mutex_lock(&bp->mu);
    size_t n = bp->kind[kind].n;
    if (n == bp->kind[kind].cap && n < bp->max) {
      size_t cap = n ? n * 2 : 16;
      pf__buf *nb = realloc(bp->kind[kind].b, cap * sizeof *nb);
      if (nb) {
        bp->kind[kind].b = nb;
        bp->kind[kind].cap = cap;
      }
    }
    if (n < bp->kind[kind].cap && n < bp->max) {
      bp->kind[kind].b[bp->kind[kind].n++] = *b;
      b->data = NULL;
    }
    pthread_mutex_unlock(&bp->mu);
    pf__buf_free(b);
  }
  pf__buf_init(b, 0);
}

void pf__pq_page_compress(pf__pq_page *pg, const pf__pq_config *cfg, pf__pq_bufpool *bp) {
  const uint8_t *body = pf__pq_page_body(pg);
  size_t n = pf__pq_page_body_len(pg), stored = n;
  pg->status = PF_OK;
  if (!pf__pq_codec_is_none(cfg->codec)) {
    if (!pg->z.data) pf__pq_bufpool_take(bp, PF__PQ_Z, &pg->z, n + n / 6 + 64);
    pg->status = pf__pq_compress(cfg->codec, body, n, &pg->z);
    if (pg->status != PF_OK) return;
    stored = pg->z.len;
  }
  if (n > INT32_MAX || stored > INT32_MAX) {
    pg->status = PF_ELIMIT;
    return;
  }
  /* A header is at most ~35 bytes: the buffer borrows the page's array. */
  pf__buf h = {pg->hdr, 0, sizeof pg->hdr, sizeof pg->hdr - 1};
  pg->status = pf__pq_page_header(&h, pg->type, n, stored, pg->num_values, pg->encoding);
  pg->hdr_len = h.len;
  pg->raw_len = n;
  /* compressed: the raw body can serve the next page now */
  if (pg->status == PF_OK && !pf__pq_codec_is_none(cfg->codec))
    pf__pq_bufpool_give(bp, PF__PQ_RAW, &pg->raw);
}

pf_status pf__pq_pages_push(pf__pq_pages *l, pf__pq_page *pg) {
  if (l->n == l->cap) {
    size_t cap = l->cap ? l->cap * 2 : 16;
    pf__pq_page **p = realloc(l->p, cap * sizeof *p);
    if (!p) return PF_ENOMEM;
    l->p = p;
    l->cap = cap;
  }
  l->p[l->n++] = pg;
  return PF_OK;
}

void pf__pq_pages_free(pf__pq_pages *l) {
  for (size_t i = 0; i < l->n; i++) {
    pf__buf_free(&l->p[i]->raw);
    pf__buf_free(&l->p[i]->z);
    free(l->p[i]);
  }
  free(l->p);
  memset(l, 0, sizeof *l);
}

/* parquet_dict.c - the dictionary of one column chunk: an open-addressing
 * hash table over the PLAIN-encoded values, which double as the
 * dictionary page body.
 *
 * A fixed-width key's slot (pf__pq_fslot) holds the key, so a lookup
 * reads the slot only; a byte array's slot (pf__pq_sslot) says where its
 * value is, so a lookup reads the slot and the value, nothing between.
 * Slots keep the 32-bit hash and the position is its low bits, so growing
 * needs no re-hashing.
 * Lookups and hashes are inlined in parquet_encode.c; this file has the
 * rare paths (growth, allocation).
 */
#include <stdlib.h>
#include <string.h>

#include "writers/parquet/parquet_writer_internal.h"

void pf__pq_dict_init(pf__pq_dict *d) {
  memset(d, 0, sizeof *d);
  pf__buf_init(&d->vals, 0);
}

void pf__pq_dict_free(pf__pq_dict *d) {
  free(d->fslots);
  free(d->sslots);
  pf__buf_free(&d->vals);
  memset(d, 0, sizeof *d);
}

void pf__pq_dict_clear(pf__pq_dict *d) {
  d->lookups = 0;
  d->sized_up = 0;
  /* A table grown for a high-cardinality chunk is dropped rather than
   * cleared slot by slot (the next chunk makes one of its size at first
   * use: no growth steps); small ones are reused. */
  if (d->n_slots > PF__PQ_DICT_KEEP_SLOTS) {
    free(d->fslots);
    free(d->sslots);
    d->fslots = NULL;
    d->sslots = NULL;
    d->start_slots = d->n_slots;
    d->n_slots = 0;
  } else if (d->fslots) {
    memset(d->fslots, 0, d->n_slots * sizeof *d->fslots);
  } else if (d->sslots) {
    memset(d->sslots, 0, d->n_slots * sizeof *d->sslots);
  }
  d->n = 0;
  d->vals.len = 0;
}

pf_status pf__pq_dict_grow(pf__pq_dict *d, int bytes) {
  size_t n = d->n_slots ? d->n_slots * 2 : d->start_slots > 1024 ? d->start_slots : 1024;
  if (n > ((size_t)1 << 31)) return PF_ELIMIT;
  size_t mask = n - 1;
  if (bytes) {
    pf__pq_sslot *ss = calloc(n, sizeof *ss);
    if (!ss) return PF_ENOMEM;
    for (size_t i = 0; i < d->n_slots; i++) {
      const pf__pq_sslot *s = &d->sslots[i];
      if (!s->id1) continue;
      size_t pos = s->h & mask;
      while (ss[pos].id1) pos = (pos + 1) & mask;
      ss[pos] = *s;
    }
    free(d->sslots);
    d->sslots = ss;
  } else {
    pf__pq_fslot *fs = calloc(n, sizeof *fs);
    if (!fs) return PF_ENOMEM;
    for (size_t i = 0; i < d->n_slots; i++) {
      const pf__pq_fslot *s = &d->fslots[i];
      if (!s->id1) continue;
      size_t pos = s->h & mask;
      while (fs[pos].id1) pos = (pos + 1) & mask;
      fs[pos] = *s;
    }
    free(d->fslots);
    d->fslots = fs;
  }
  d->n_slots = n;
  return PF_OK;
}

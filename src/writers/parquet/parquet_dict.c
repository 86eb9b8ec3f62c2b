/* parquet_dict.c - the dictionary of one column chunk: an open-addressing
 * hash table over the PLAIN-encoded values, which double as the
 * dictionary page body.
 *
 * A fixed-width key's slot (pf__pq_fslot) holds the key, so a lookup
 * reads the slot only; a byte array's slot (pf__pq_sslot) says where its
 * value is, so a lookup reads the slot and the value, nothing between.
 * Slots keep the 32-bit hash and the position is its low bits, so growing
 * needs no re-hashing.
 * Lookups are inlined in parquet_encode.c; this file has the rare paths
 * (growth, allocation) and the byte-string hash.
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

uint32_t pf__pq_hash_bytes(const uint8_t *p, size_t n) {
  const uint64_t k0 = 0xA0761D6478BD642Full, k1 = 0xE7037ED1A0B428DBull;
  uint64_t seed = k0 ^ (uint64_t)n;
  uint64_t a, b;
  if (n <= 16) {
    if (n >= 4) {
      size_t q = (n >> 3) << 2; /* 0 or 4: covers 4..16 bytes with 4 reads */
      a = (pf__pq_ld32(p) << 32) | pf__pq_ld32(p + q);
      b = (pf__pq_ld32(p + n - 4) << 32) | pf__pq_ld32(p + n - 4 - q);
    } else if (n > 0) {
      a = ((uint64_t)p[0] << 16) | ((uint64_t)p[n >> 1] << 8) | p[n - 1];
      b = 0;
    } else {
      a = b = 0;
    }
  } else {
    const uint8_t *q = p;
    size_t i = n;
    while (i > 16) {
      seed = pf__pq_mix(pf__pq_ld64(q) ^ k1, pf__pq_ld64(q + 8) ^ seed);
      q += 16;
      i -= 16;
    }
    a = pf__pq_ld64(q + i - 16);
    b = pf__pq_ld64(q + i - 8);
  }
  return (uint32_t)pf__pq_mix(k1 ^ (uint64_t)n, pf__pq_mix(a ^ k1, b ^ seed));
}

/* parquet_writer_internal.h - what the Parquet writer's files share: the
 * Parquet enum values it writes, the column chunk builder, the RLE /
 * bit-packed hybrid encoder, compression and footer serialisation.
 *
 * Layout of the work: parquet_writer.c owns the file (row groups, pool,
 * output); parquet_encode.c turns batch columns into pages of one column
 * chunk (pf__pq_col); parquet_dict.c holds the dictionary hash tables;
 * parquet_rle.c the hybrid encoder; compression is shared with the Delta
 * checkpoint reader (formats/parquet/parquet_codec.c);
 * parquet_footer_write.c page headers and FileMetaData.
 *
 * Thread safety: one pf__pq_col is used by one thread at a time; distinct
 * columns may be encoded concurrently. The codec is shared and thread-safe.
 */
#ifndef PF_WRITERS_PARQUET_WRITER_INTERNAL_H
#define PF_WRITERS_PARQUET_WRITER_INTERNAL_H

#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "core/batch.h"
#include "core/buf.h"
#include "core/opts.h"
#include "formats/parquet/parquet_codec.h"
#include "formats/parquet/thrift_compact.h"

/* ---- Parquet enum values (parquet.thrift) ---- */
enum {
  PF__PQ_BOOLEAN = 0,
  PF__PQ_INT32 = 1,
  PF__PQ_INT64 = 2,
  PF__PQ_FLOAT = 4,
  PF__PQ_DOUBLE = 5,
  PF__PQ_BYTE_ARRAY = 6,
  PF__PQ_FIXED_LEN_BYTE_ARRAY = 7
};
enum { PF__PQ_ENC_PLAIN = 0, PF__PQ_ENC_RLE = 3, PF__PQ_ENC_RLE_DICTIONARY = 8 };
enum { PF__PQ_PAGE_DATA = 0, PF__PQ_PAGE_DICTIONARY = 2 };
enum { PF__PQ_REQUIRED = 0, PF__PQ_OPTIONAL = 1 };

/* Defaults and limits. */
#define PF__PQ_DEFAULT_ROW_GROUP_ROWS ((int64_t)1048576)
#define PF__PQ_DEFAULT_ROW_GROUP_BYTES ((int64_t)32 << 20)
#define PF__PQ_DEFAULT_PAGE_BYTES ((int64_t)1 << 20)
#define PF__PQ_DICT_LIMIT ((size_t)1 << 20)     /* dictionary page bytes    */
#define PF__PQ_MAX_PAGE_ROWS ((size_t)1 << 17)  /* rows per data page: keeps
                                                   page buffers cache-sized */
#define PF__PQ_STATS_MAX_BYTES 64               /* longer min/max truncated */

/* ---- RLE / bit-packed hybrid (parquet_rle.c) ---- */

/* Appends the hybrid encoding of n values of bit_width (1..32) bits. */
pf_status pf__pq_rle_encode(const uint32_t *values, size_t n, int bit_width,
                            pf__buf *out);
/* Appends the hybrid encoding (bit width 1) of n bits stored LSB first in
 * bits; bits past n must be zero. Used for definition levels. */
pf_status pf__pq_rle_encode_bits(const uint8_t *bits, size_t n, pf__buf *out);
/* Bytes pf__pq_rle_encode_bits appends for n bits, at most. */
size_t pf__pq_rle_bits_bound(size_t n);
/* Bits needed for values up to max_value (at least 1). */
int pf__pq_bit_width(uint32_t max_value);
/* ORs n bits from src (starting at bit soff) into dst (at bit doff); the
 * destination bits must be zero. Reads up to one byte past src's last bit. */
void pf__pq_bits_copy(uint8_t *dst, size_t doff, const uint8_t *src,
                      size_t soff, size_t n);
/* Sets n bits starting at bit off. */
void pf__pq_bits_set(uint8_t *dst, size_t off, size_t n);

/* ---- statistics of one column chunk ---- */
typedef struct pf__pq_stats {
  int64_t nulls;        /* null values                                     */
  int64_t nans;         /* NaN values (double)                             */
  int has;              /* 1 once a min/max candidate was seen             */
  int64_t imin, imax;   /* int64-like, date, bool (0/1)                    */
  double dmin, dmax;    /* double (NaN excluded)                           */
  int64_t hmin, hmax;   /* decimal: high 64 bits (signed) ...              */
  uint64_t lmin, lmax;  /* ... and low 64 bits                             */
  pf__buf smin, smax;   /* byte arrays: exact copies                       */
  uint64_t kmin, kmax;  /* their first 8 bytes, big-endian, zero-padded     */
} pf__pq_stats;

/* ---- dictionary (parquet_dict.c) ---- */

/* A fixed-width entry's slot holds the key itself, so a lookup reads one
 * slot and nothing else (a 16-byte decimal compares its second half in the
 * values, on a first-half match only). */
typedef struct pf__pq_fslot {
  uint64_t key;             /* the value's first 8 bytes (4-byte values
                               zero-extended)                               */
  uint32_t h;               /* 32-bit hash (growth re-places by it)         */
  uint32_t id1;             /* entry index + 1; 0: empty                    */
} pf__pq_fslot;

/* A byte-array entry's slot: the value is at vals + off; its length is the
 * PLAIN length prefix just before it (12 bytes a slot, not 16: the table
 * is at most half full, so each entry costs two slots). */
typedef struct pf__pq_sslot {
  uint32_t h;               /* 32-bit hash                                  */
  uint32_t id1;             /* entry index + 1; 0: empty                    */
  uint32_t off;
} pf__pq_sslot;

typedef struct pf__pq_dict {
  pf__pq_fslot *fslots;     /* fixed-width keys, open addressing            */
  pf__pq_sslot *sslots;     /* byte-array keys (one of the two is used)     */
  size_t n_slots;           /* power of two, 0 before first use             */
  size_t start_slots;       /* the first table's size: what the previous
                               chunk of the column grew to (0: minimum)     */
  uint32_t n;               /* entries                                      */
  pf__buf vals;             /* PLAIN encoding of the entries (the page)     */
  uint64_t lookups;         /* values looked up in this chunk               */
  int sized_up;             /* the cardinality check has run                */
} pf__pq_dict;

/* Tables up to this many slots are kept (cleared) from chunk to chunk;
 * larger ones are freed, and the next chunk starts at their size. */
#define PF__PQ_DICT_KEEP_SLOTS 65536u
/* Tables of more slots than this do not stay in the first cache levels:
 * their lookups are pipelined with prefetches (parquet_encode.c). */
#define PF__PQ_DICT_PREFETCH_SLOTS 4096u

/* Cardinality check: when a chunk's dictionary reaches this many entries
 * and at least PF__PQ_DICT_NEW_PCT percent of the values looked up were
 * new, the chunk falls back to PLAIN early: a near-unique column would
 * pass the size limit anyway, and hashing it costs cache misses. */
#define PF__PQ_DICT_CHECK_AT 16384u
#define PF__PQ_DICT_NEW_PCT 97u
static inline int pf__pq_dict_hopeless(pf__pq_dict *d) {
  if (d->sized_up || d->n < PF__PQ_DICT_CHECK_AT) return 0;
  d->sized_up = 1;
  return (uint64_t)d->n * 100u >= d->lookups * PF__PQ_DICT_NEW_PCT;
}

void pf__pq_dict_init(pf__pq_dict *d);
void pf__pq_dict_free(pf__pq_dict *d);
void pf__pq_dict_clear(pf__pq_dict *d);
/* Doubles the table (or creates it, start_slots or 1024 slots) and
 * re-places every entry: fslots for fixed-width keys, sslots with bytes. */
pf_status pf__pq_dict_grow(pf__pq_dict *d, int bytes);

/* Hashes (wyhash-style multiply-mix; ours). */
static inline uint64_t pf__pq_mix(uint64_t a, uint64_t b) {
#if defined(__SIZEOF_INT128__)
  unsigned __int128 r = (unsigned __int128)a * b;
  return (uint64_t)r ^ (uint64_t)(r >> 64);
#else
  uint64_t h = a * 0x9E3779B97F4A7C15ull ^ b;
  h ^= h >> 32;
  h *= 0xD6E8FEB86659FD93ull;
  return h ^ (h >> 32);
#endif
}
static inline uint32_t pf__pq_hash64(uint64_t k) {
  return (uint32_t)pf__pq_mix(k ^ 0xA0761D6478BD642Full, 0xE7037ED1A0B428DBull);
}
/* Unaligned loads (a fixed-size memcpy is one instruction); 4 bytes widen
 * to 64 bits so they can be shifted into a key. */
static inline uint64_t pf__pq_ld64(const uint8_t *p) {
  uint64_t v;
  memcpy(&v, p, 8);
  return v;
}
static inline uint64_t pf__pq_ld32(const uint8_t *p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
}
static inline uint32_t pf__pq_hash_bytes(const uint8_t *p, size_t n) {
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

/* ---- pages (parquet_page_write.c) ---- */

/* Settings shared by every column of a file (read-only while encoding). */
typedef struct pf__pq_config {
  size_t page_bytes;        /* target encoded bytes per data page          */
  size_t dict_limit;        /* dictionary page bytes before PLAIN fallback */
  int dictionary;           /* try dictionary encoding                     */
  pf__pq_codec *codec;
} pf__pq_config;

/* One page of a column chunk. A column seals it (body complete, in raw);
 * a compression task, on any thread, compresses it, writes its header and
 * gives the raw body back (unless it is what is stored: codec none); the
 * writer then accounts for it, and writes it with its row group. */
typedef struct pf__pq_page {
  pf__buf raw;              /* the body, levels + values, from raw.data +  */
  size_t off;               /*   off (room before it: see pf__pq_col.head) */
  size_t raw_len;           /* its length, kept when the body is given back */
  pf__buf z;                /* the body compressed (not with codec none)   */
  uint8_t hdr[64];          /* the PageHeader                              */
  size_t hdr_len;
  int type;                 /* PF__PQ_PAGE_DATA or PF__PQ_PAGE_DICTIONARY  */
  int encoding;
  size_t num_values;
  pf_status status;         /* of the compression                          */
} pf__pq_page;

/* Page bodies to reuse, shared by the threads of one writer (locked):
 * a body written to the file goes back here and the next page's body
 * comes from here, so a row group being written and the next one being
 * built share memory instead of adding up. Bodies as encoded and bodies
 * compressed are kept apart: a compressed body touches only the memory
 * it fills, and should not take a buffer a raw body filled. */
enum { PF__PQ_RAW = 0, PF__PQ_Z = 1 };
typedef struct pf__pq_bufpool {
  pthread_mutex_t mu;
  struct {
    pf__buf *b;
    size_t n, cap;
  } kind[2];                /* PF__PQ_RAW, PF__PQ_Z                        */
  size_t max;               /* buffers kept at most, of each kind          */
} pf__pq_bufpool;

pf_status pf__pq_bufpool_init(pf__pq_bufpool *bp, size_t max);
void pf__pq_bufpool_free(pf__pq_bufpool *bp);
/* A buffer of `kind` (empty; capacity for want bytes when one is at hand)
 * into *b, which must hold none. */
void pf__pq_bufpool_take(pf__pq_bufpool *bp, int kind, pf__buf *b, size_t want);
/* Gives b's memory to the pool (or frees it); b is left empty. */
void pf__pq_bufpool_give(pf__pq_bufpool *bp, int kind, pf__buf *b);

/* The uncompressed body and its length (before pf__pq_page_compress
 * gives it back). */
static inline const uint8_t *pf__pq_page_body(const pf__pq_page *pg) {
  return pg->raw.data + pg->off;
}
static inline size_t pf__pq_page_body_len(const pf__pq_page *pg) {
  return pg->raw.len - pg->off;
}

/* Compresses the body (into pg->z, a body from bp), writes its header and,
 * when the compressed body is the one stored, gives the raw body back to bp;
 * failures go to pg->status. */
void pf__pq_page_compress(pf__pq_page *pg, const pf__pq_config *cfg, pf__pq_bufpool *bp);
/* The body as stored in the file, after pf__pq_page_compress; its length
 * in *len. */
static inline const uint8_t *pf__pq_page_stored(const pf__pq_page *pg, const pf__pq_config *cfg,
                                                size_t *len) {
  if (pf__pq_codec_is_none(cfg->codec)) {
    *len = pf__pq_page_body_len(pg);
    return pf__pq_page_body(pg);
  }
  *len = pg->z.len;
  return pg->z.data;
}

/* A list of pages; grows, keeps what it held. */
typedef struct pf__pq_pages {
  pf__pq_page **p;
  size_t n, cap;
} pf__pq_pages;

pf_status pf__pq_pages_push(pf__pq_pages *l, pf__pq_page *pg);
/* Frees every page the list holds and the list. */
void pf__pq_pages_free(pf__pq_pages *l);

/* ---- one column chunk being built (parquet_encode.c) ---- */

typedef enum pf__pq_kind {
  PF__PQ_K_NULL,   /* all null: INT32 + UNKNOWN                            */
  PF__PQ_K_BOOL,
  PF__PQ_K_I32,    /* date                                                 */
  PF__PQ_K_I64,    /* int64, timestamp, time                               */
  PF__PQ_K_F64,
  PF__PQ_K_F32,    /* double in batches, FLOAT in the file (stored)        */
  PF__PQ_K_DEC,    /* 16-byte LE in batches, FIXED_LEN_BYTE_ARRAY(16) BE   */
  PF__PQ_K_BYTES   /* string, binary                                       */
} pf__pq_kind;

typedef struct pf__pq_col {
  /* fixed for the file */
  pf__pq_kind kind;
  int width;                /* PLAIN bytes per value: 4, 8, 16; else 0     */
  int optional;             /* 1: definition levels (max level 1)          */
  int narrow;               /* int64 -> INT32 (1), double -> FLOAT (2): the
                               batch's values are converted first          */
  uint8_t *conv;            /* narrowed values, indexed by batch row       */
  size_t conv_cap;
  int use_dict;             /* dictionary tried for each chunk             */
  /* the chunk being built */
  int dict_mode;            /* 1 while values go through the dictionary    */
  int dict_used;            /* 1 once a dictionary-encoded page exists     */
  pf__pq_dict dict;
  int64_t rows;             /* values (nulls included) in the chunk        */
  pf__pq_stats stats;
  int dict_pages;           /* data pages encoded RLE_DICTIONARY           */
  int plain_pages;          /* data pages encoded PLAIN                    */
  /* the page being built */
  size_t page_rows;         /* values, nulls included                      */
  uint8_t *def;             /* validity bits of the page's rows (zeroed    */
  size_t def_cap;           /*   beyond page_rows), bytes allocated        */
  pf__buf plain;            /* PLAIN values (booleans: bits) after `head`  */
  size_t head;              /*   bytes kept free for the page's definition
                               levels, so the values become the page body
                               where they are (optional columns except
                               booleans; 0 otherwise); plain.len counts them */
  pf__buf levels;           /* scratch: a sealed page's encoded levels     */
  size_t bool_bits;         /* booleans in plain                           */
  uint32_t *idx;            /* dictionary indices                          */
  size_t n_idx, idx_cap;
  /* sealed pages of the chunk */
  pf__pq_pages pages;       /* data pages in order                         */
  pf__pq_page *dict_page;   /* the dictionary page (at finish), or NULL    */
  size_t n_sent;            /* pages[0, n_sent) went to compression        */
  size_t n_done;            /* pages[0, n_done) compressed, accounted      */
  int64_t data_raw;         /* accounted data pages: uncompressed bytes,   */
  int64_t data_stored;      /*   and as stored (headers included)          */
  int64_t dict_raw, dict_stored;
  int64_t pending_raw;      /* body bytes of pages sealed, not accounted   */
  pf__pq_pages spare;       /* page structs to reuse (no bodies)           */
  /* first failure of a task on this column */
  pf_status status;
  const char *what;
} pf__pq_col;

/* store: a pf__pq_store (parquet_writer.h), 0 for the natural type. */
pf_status pf__pq_col_init(pf__pq_col *c, const pf_field *f, int store, const pf__pq_config *cfg);
void pf__pq_col_free(pf__pq_col *c);
/* Appends rows [row0, row0 + n) of a batch column typed like the field
 * (page bodies from bp). */
pf_status pf__pq_col_append(pf__pq_col *c, const pf__pq_config *cfg, pf__pq_bufpool *bp,
                            const pf_column *col, size_t row0, size_t n);
/* Seals the last page and the dictionary page. */
pf_status pf__pq_col_finish(pf__pq_col *c, const pf__pq_config *cfg, pf__pq_bufpool *bp);
/* Accounts for the sizes of pages [n_done, upto) (and of the dictionary
 * page once upto reaches the last page), which were compressed. Fails with
 * a page's status. */
pf_status pf__pq_col_account(pf__pq_col *c, const pf__pq_config *cfg, size_t upto);
/* Moves the chunk's pages (dictionary page first) to out, to be written,
 * and empties the chunk for the next row group (keeps allocations). */
pf_status pf__pq_col_reset(pf__pq_col *c, pf__pq_pages *out);
/* Takes back the page structs of pages written (bodies already given back). */
void pf__pq_col_recycle(pf__pq_col *c, pf__pq_pages *written);
/* Bytes the chunk holds so far (pages, the page being built, dictionary). */
size_t pf__pq_col_buffered(const pf__pq_col *c);

/* ---- footer and page headers (parquet_footer_write.c) ---- */

/* Appends a PageHeader for a data page (v1) or a dictionary page. */
pf_status pf__pq_page_header(pf__buf *out, int page_type, size_t raw_size,
                             size_t stored_size, size_t num_values,
                             int encoding);
/* Appends a ColumnChunk struct (a list element) for a finished chunk whose
 * first page is at file offset `offset`. */
void pf__pq_column_chunk(pf__tc_writer *w, const pf__pq_col *c,
                         const pf_field *f, int codec_id, int64_t offset);
/* Appends the whole FileMetaData struct. row_groups holds n_row_groups
 * serialised RowGroup structs back to back; store (NULL: all natural) the
 * pf__pq_store of each column. */
pf_status pf__pq_file_metadata(pf__buf *out, const pf_schema *schema, const uint8_t *store,
                               int64_t num_rows, const pf__buf *row_groups,
                               size_t n_row_groups);
/* Physical type for a pf_type stored as store (a pf__pq_store). */
int pf__pq_physical_type(pf_type t, int store);

#endif

/* samples.h - what the sample dataset generators and the installer share.
 *
 * A dataset is one or more files a generator writes through pf__sample_file
 * handles: each write goes to an atomic output (io/output.h), feeds the
 * file's SHA-256 and the run's progress, and checks the cancel token. The
 * installer (samples_install.c) opens the files through a pf__sample_set,
 * commits all of a set or aborts all of it, then reads each committed file
 * back to verify its digest.
 *
 * Determinism: generators use only pf__rng (SplitMix64 from fixed seeds),
 * integer arithmetic for every printed number (no floating point, no
 * locale), fixed dates, and no clock: the same bytes on every machine.
 */
#ifndef PF_SAMPLES_H
#define PF_SAMPLES_H

#include <stdint.h>

#include "core/error.h"
#include "core/sha256.h"
#include "pyforge/pyforge.h"

/* ---- deterministic random numbers (SplitMix64) ---- */
typedef struct pf__rng {
  uint64_t s;
} pf__rng;

void pf__rng_seed(pf__rng *r, uint64_t seed);
uint64_t pf__rng_next(pf__rng *r);
/* 0 <= x < n (n > 0), by multiply-high: the same on every platform. */
uint32_t pf__rng_below(pf__rng *r, uint32_t n);
/* An item of a NULL-free array of n strings. */
#define PF__PICK(r, arr) ((arr)[pf__rng_below((r), (uint32_t)(sizeof(arr) / sizeof((arr)[0])))])

/* ---- the run and its files ---- */
typedef struct pf__sample_run {
  pf_progress_fn progress;   /* bytes over the whole install              */
  void *progress_user;
  pf_cancel *cancel;
  uint64_t done;             /* bytes written (or downloaded) so far       */
  uint64_t total;            /* bytes expected (0: unknown)               */
  uint64_t next_report;      /* done at which progress is called next     */
  int force;                 /* outputs replace existing files            */
} pf__sample_run;

typedef struct pf_output pf__output; /* src/io/output.h */

typedef struct pf__sample_file {
  pf__sample_run *run;
  pf__output *out;           /* NULL once committed or aborted            */
  pf__sha256 sha;
  uint64_t bytes;
  char *rel;                 /* path relative to the destination          */
  char *target;              /* the destination's path of it              */
  char hex[65];              /* the digest, once finished                 */
} pf__sample_file;

/* Bytes to a file: digest, progress, cancel (PF_ECANCELED). */
pf_status pf__sample_write(pf__sample_file *f, const void *p, size_t n, pf_error *err);
pf_status pf__sample_puts(pf__sample_file *f, const char *s, pf_error *err);
pf_status pf__sample_printf(pf__sample_file *f, pf_error *err, const char *fmt, ...)
    PF__PRINTF(3, 4);

/* The files of one dataset (or bundle), committed or aborted together;
 * as many as it takes (the arrays grow). */
typedef struct pf__sample_set {
  pf__sample_run *run;
  const char *dest;          /* the destination directory                 */
  pf__sample_file **files;
  size_t n, cap;
  char **made_dirs;          /* directories it made (removed on abort)     */
  size_t n_dirs, cap_dirs;
} pf__sample_set;

/* Opens dest/rel for writing (its directories made as needed). The file
 * belongs to the set. */
pf_status pf__sample_open(pf__sample_set *set, const char *rel, pf__sample_file **out,
                          pf_error *err);
/* Finishes the digests and puts every file at its target; on failure
 * nothing of the set is left. */
pf_status pf__sample_set_commit(pf__sample_set *set, pf_error *err);
/* Discards every file of the set not yet committed and the directories it
 * made (when empty). */
void pf__sample_set_abort(pf__sample_set *set);
/* Frees the set's files (after commit or abort; aborts what is open). */
void pf__sample_set_free(pf__sample_set *set);

/* ---- generators: one dataset into set, about target bytes ---- */
typedef pf_status (*pf__sample_gen_fn)(pf__sample_set *set, const char *dir, uint64_t target,
                                       pf_error *err);
pf_status pf__gen_csv(pf__sample_set *set, const char *dir, uint64_t target, pf_error *err);
pf_status pf__gen_xlsx(pf__sample_set *set, const char *dir, uint64_t target, pf_error *err);
pf_status pf__gen_xml(pf__sample_set *set, const char *dir, uint64_t target, pf_error *err);
pf_status pf__gen_dbf(pf__sample_set *set, const char *dir, uint64_t target, pf_error *err);
pf_status pf__gen_pdf(pf__sample_set *set, const char *dir, uint64_t target, pf_error *err);

/* ---- the shared vocabulary (sample_data.c) ---- */
typedef struct pf__sample_order {
  uint64_t id;
  int32_t day;               /* days since 1970-01-01                     */
  const char *region;
  const char *country;
  const char *currency;
  char customer[64];         /* UTF-8, some with accents                  */
  const char *city;
  const char *product;
  const char *category;
  const char *sku;
  int64_t quantity;
  int64_t unit_cents;        /* price in cents of the currency            */
  int64_t discount_pct;      /* 0, 5, 10, 15                              */
  const char *status;
} pf__sample_order;

/* Order number i of a dataset seeded by seed: each order depends only on
 * (seed, i), so any slice of a dataset can be made alone. */
void pf__sample_order_make(uint64_t seed, uint64_t i, pf__sample_order *o);
/* amount = quantity * unit price less the discount, in cents (rounded half up) */
int64_t pf__sample_order_cents(const pf__sample_order *o);
/* "2023-04-17" (11 bytes with the NUL) */
void pf__sample_date(int32_t day, char out[11]);
/* cents as "1234.56" / "-0.05" */
void pf__sample_money(int64_t cents, char out[32]);
/* s with & < > " escaped for XML text and attributes, into out (n bytes). */
const char *pf__sample_xml_escape(const char *s, char *out, size_t n);
/* Names the generators reuse */
extern const char *const pf__sample_regions[5];
#define PF__SAMPLE_FIRST_DAY 19358 /* 2023-01-01 */

#endif

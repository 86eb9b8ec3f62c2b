/* sample_zip.h - a minimal streamed ZIP writer (stored entries, fixed
 * timestamps) for the workbook sample; see sample_zip.c. */
#ifndef PF_SAMPLE_ZIP_H
#define PF_SAMPLE_ZIP_H

#include "samples/samples.h"

#define PF__ZIPW_MAX 32

typedef struct pf__zipw_entry {
  char name[64];
  uint32_t offset;  /* of its local header */
  uint32_t crc;
  uint64_t size;
} pf__zipw_entry;

typedef struct pf__zipw {
  pf__sample_file *f;
  pf__zipw_entry e[PF__ZIPW_MAX];
  size_t n;
} pf__zipw;

void pf__zipw_init(pf__zipw *z, pf__sample_file *f);
/* Starts an entry; its bytes follow through pf__zipw_write, then _end. */
pf_status pf__zipw_begin(pf__zipw *z, const char *name, pf_error *err);
pf_status pf__zipw_write(pf__zipw *z, const void *p, size_t n, pf_error *err);
pf_status pf__zipw_puts(pf__zipw *z, const char *s, pf_error *err);
pf_status pf__zipw_end(pf__zipw *z, pf_error *err);
/* The central directory and its end record. */
pf_status pf__zipw_finish(pf__zipw *z, pf_error *err);

#endif

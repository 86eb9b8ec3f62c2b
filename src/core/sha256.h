/* sha256.h - SHA-256 (FIPS 180-4), streamed: the sample datasets' manifest
 * records each file's digest, computed while the file is written and again
 * when it is read back. Plain C, no state outside the context. */
#ifndef PF_CORE_SHA256_H
#define PF_CORE_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct pf__sha256 {
  uint32_t h[8];       /* chaining state                                  */
  uint64_t bytes;      /* message length so far                           */
  uint8_t block[64];   /* a partial block                                 */
  size_t fill;         /* bytes in block                                  */
} pf__sha256;

void pf__sha256_init(pf__sha256 *c);
void pf__sha256_update(pf__sha256 *c, const void *p, size_t n);
/* The digest as 64 lowercase hex digits and a NUL. */
void pf__sha256_hex(pf__sha256 *c, char hex[65]);

#endif

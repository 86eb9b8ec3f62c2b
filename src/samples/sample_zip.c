/* sample_zip.c - a minimal ZIP writer for the workbook sample: entries are
 * stored (method 0), so the bytes do not depend on a compressor's version
 * and are the same everywhere; every timestamp is 1980-01-01 00:00 (the
 * DOS epoch); streamed entries put their CRC-32 and sizes in a data
 * descriptor (flag bit 3), so nothing is held in memory or sought back.
 * ZIP64 is not written: an archive past 4 GiB is refused. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "samples/sample_zip.h"

#define DOS_DATE 0x0021 /* 1980-01-01 */

static void le16(unsigned char *p, unsigned v) { p[0] = (unsigned char)v, p[1] = (unsigned char)(v >> 8); }
static void le32(unsigned char *p, uint32_t v) {
  for (int i = 0; i < 4; i++) p[i] = (unsigned char)(v >> (8 * i));
}

static pf_status too_big(pf_error *err) {
  return pf__error_set(err, PF_ELIMIT, "the sample workbook would pass 4 GiB, which needs ZIP64; "
                       "choose a smaller size");
}

void pf__zipw_init(pf__zipw *z, pf__sample_file *f) {
  memset(z, 0, sizeof *z);
  z->f = f;
}

pf_status pf__zipw_begin(pf__zipw *z, const char *name, pf_error *err) {
  if (z->n >= PF__ZIPW_MAX) return pf__error_set(err, PF_EINTERNAL, "too many workbook parts");
  pf__zipw_entry *e = &z->e[z->n++];
  snprintf(e->name, sizeof e->name, "%s", name);
  if (z->f->bytes > UINT32_MAX) return too_big(err);
  e->offset = (uint32_t)z->f->bytes;
  e->crc = (uint32_t)crc32(0, NULL, 0);
  e->size = 0;
  unsigned char h[30] = {0};
  le32(h, 0x04034b50);
  le16(h + 4, 20);     /* version needed: 2.0 */
  le16(h + 6, 0x0008); /* sizes and CRC in the data descriptor */
  le16(h + 12, DOS_DATE);
  le16(h + 26, (unsigned)strlen(e->name));
  PF_TRY(pf__sample_write(z->f, h, sizeof h, err));
  return pf__sample_write(z->f, e->name, strlen(e->name), err);
}

pf_status pf__zipw_write(pf__zipw *z, const void *p, size_t n, pf_error *err) {
  pf__zipw_entry *e = &z->e[z->n - 1];
  e->crc = (uint32_t)crc32(e->crc, p, (uInt)n);
  if (e->size + n > UINT32_MAX) return too_big(err);
  e->size += n;
  return pf__sample_write(z->f, p, n, err);
}

pf_status pf__zipw_puts(pf__zipw *z, const char *s, pf_error *err) {
  return pf__zipw_write(z, s, strlen(s), err);
}

pf_status pf__zipw_end(pf__zipw *z, pf_error *err) {
  pf__zipw_entry *e = &z->e[z->n - 1];
  unsigned char d[16];
  le32(d, 0x08074b50);
  le32(d + 4, e->crc);
  le32(d + 8, (uint32_t)e->size);
  le32(d + 12, (uint32_t)e->size);
  return pf__sample_write(z->f, d, sizeof d, err);
}

pf_status pf__zipw_finish(pf__zipw *z, pf_error *err) {
  if (z->f->bytes > UINT32_MAX) return too_big(err);
  uint32_t cd_start = (uint32_t)z->f->bytes;
  for (size_t i = 0; i < z->n; i++) {
    const pf__zipw_entry *e = &z->e[i];
    unsigned char c[46] = {0};
    le32(c, 0x02014b50);
    le16(c + 4, 20); /* made by: MS-DOS, 2.0 */
    le16(c + 6, 20);
    le16(c + 8, 0x0008);
    le16(c + 14, DOS_DATE);
    le32(c + 16, e->crc);
    le32(c + 20, (uint32_t)e->size);
    le32(c + 24, (uint32_t)e->size);
    le16(c + 28, (unsigned)strlen(e->name));
    le32(c + 42, e->offset);
    PF_TRY(pf__sample_write(z->f, c, sizeof c, err));
    PF_TRY(pf__sample_write(z->f, e->name, strlen(e->name), err));
  }
  if (z->f->bytes > UINT32_MAX) return too_big(err);
  unsigned char eocd[22] = {0};
  le32(eocd, 0x06054b50);
  le16(eocd + 8, (unsigned)z->n);
  le16(eocd + 10, (unsigned)z->n);
  le32(eocd + 12, (uint32_t)z->f->bytes - cd_start);
  le32(eocd + 16, cd_start);
  return pf__sample_write(z->f, eocd, sizeof eocd, err);
}

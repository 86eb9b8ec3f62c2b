/* zip_archive.h - reading members of a ZIP archive (the container of .xlsx,
 * .docx, .jar, ...) through zlib, with limits against zip bombs.
 *
 * pf__zip_open reads the central directory only (end-of-central-directory
 * record, ZIP64 records when present) and checks every entry's offsets and
 * sizes against the file size. A member is then read as a stream
 * (pf__zip_stream_*): stored or deflated data inflated chunk by chunk, its
 * CRC-32 and size checked at the end, never held whole in memory.
 *
 * Limits: a member may not inflate to more than limits.max_member bytes,
 * nor to more than limits.max_ratio times its compressed size once past
 * limits.ratio_floor bytes; either ends the read with PF_ELIMIT and a
 * message naming the member.
 *
 * Ownership and threads: the archive borrows the pf__source (which must
 * outlive it and support pread); entries and names are owned by the archive
 * and valid until pf__zip_close. Several streams of one archive may be read
 * at the same time, each by one thread (reads use pread).
 */
#ifndef PF_IO_ZIP_ARCHIVE_H
#define PF_IO_ZIP_ARCHIVE_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "io/source.h"

typedef struct pf__zip_limits {
  uint64_t max_member;  /* bytes one member may inflate to            */
  uint64_t max_ratio;   /* inflated / compressed, past ratio_floor     */
  uint64_t ratio_floor; /* inflated bytes below which ratio is free    */
} pf__zip_limits;

/* Defaults: 16 GiB per member, ratio 500 past 64 MiB (real workbook
 * parts compress 5-100 times; deflate peaks near 1030). */
void pf__zip_limits_default(pf__zip_limits *l);

typedef struct pf__zip_entry {
  char *name;          /* read-only: member path as stored ("xl/workbook.xml") */
  uint64_t csize;      /* read-only: compressed size                           */
  uint64_t usize;      /* read-only: uncompressed size (as declared)           */
  uint64_t local_off;  /* private: offset of the local header                  */
  uint32_t crc;        /* read-only: CRC-32 declared                           */
  uint16_t method;     /* read-only: 0 stored, 8 deflated                      */
  uint16_t flags;      /* read-only: general purpose flags (bit 0: encrypted)  */
} pf__zip_entry;

typedef struct pf__zip pf__zip;
typedef struct pf__zip_stream pf__zip_stream;

/* Opens the archive in src; path is only for messages. Errors: PF_EFORMAT
 * (not a ZIP archive), PF_EPARSE (truncated or damaged directory). */
pf_status pf__zip_open(pf__source *src, const char *path,
                       const pf__zip_limits *limits, pf__zip **out,
                       pf_error *err);
void pf__zip_close(pf__zip *z);

size_t pf__zip_count(const pf__zip *z);
const pf__zip_entry *pf__zip_entry_at(const pf__zip *z, size_t i);
/* The member named name (exact match first, then ignoring ASCII case and a
 * leading '/'; of a name stored twice, the later entry); NULL when absent. */
const pf__zip_entry *pf__zip_find(const pf__zip *z, const char *name);

/* Starts reading member e. Errors: PF_EUNSUPPORTED (encrypted member,
 * unknown method), PF_EPARSE (bad local header). */
pf_status pf__zip_stream_open(pf__zip *z, const pf__zip_entry *e,
                              pf__zip_stream **out, pf_error *err);
/* Reads up to n inflated bytes; *got == 0 at the end of the member (after
 * the size and CRC-32 were checked). */
pf_status pf__zip_stream_read(pf__zip_stream *s, void *buf, size_t n,
                              size_t *got, pf_error *err);
/* Reads the rest of the member, discarding it, so that its size and
 * CRC-32 are checked (a reader that stops at the data it needs still
 * notices a damaged member). Errors as pf__zip_stream_read. */
pf_status pf__zip_stream_drain(pf__zip_stream *s, pf_error *err);
/* Compressed bytes consumed so far (for progress). */
uint64_t pf__zip_stream_in(const pf__zip_stream *s);
/* Inflated bytes produced so far. */
uint64_t pf__zip_stream_out(const pf__zip_stream *s);
void pf__zip_stream_close(pf__zip_stream *s);

#endif

/* source.h - reading an input: a file, standard input, an open file descriptor
 * or a memory buffer, plain or compressed (gzip, zstd, bzip2: recognised by
 * their magic bytes), as one stream of decompressed bytes.
 *
 * Standard input and pipes are spooled to an anonymous temporary file, so
 * every source can be rewound (a conversion that widens a column restarts)
 * and sampled at offsets. A session spools its input once, before the format
 * is chosen (pf__source_spool, engine/session.c), and from then on reads the
 * spool as a descriptor input; a source opened on "-" or a pipe directly
 * spools on open. Files and descriptors are read with pread at the
 * source's own position (a borrowed descriptor's offset is not moved); a
 * buffer is read in place. A source is used by one thread at a time.
 */
#ifndef PF_IO_SOURCE_H
#define PF_IO_SOURCE_H

#include <stdint.h>
#include <stdio.h>

#include "core/error.h"
#include "core/opts.h"

typedef struct pf_source pf__source;

typedef enum pf__codec {
  PF__CODEC_NONE = 0,
  PF__CODEC_GZIP,
  PF__CODEC_ZSTD,
  PF__CODEC_BZIP2
} pf__codec;

/* Opens path ("-" = stdin). Errors: PF_ENOTFOUND (missing), PF_EINPUT
 * (unreadable, a directory), with the path in err. */
pf_status pf__source_open(const char *path, pf__source **out, pf_error *err);
/* Opens the input o describes: its descriptor or buffer (o->in; path then
 * only names it in messages, and may be NULL or ""), else path; standard
 * input and pipes are spooled to o's temp directory. o may be NULL (path,
 * defaults). Borrowed: the buffer must outlive the source; the descriptor
 * is not closed. */
pf_status pf__source_open_opts(const char *path, const pf__opts *o, pf__source **out,
                               pf_error *err);
/* Copies everything readable from in_fd (standard input, a pipe, a FIFO)
 * into an anonymous temporary file in o's temp directory (TMPDIR; o may be
 * NULL) and returns it in *fd, at offset 0: the caller closes it, which
 * frees it (nothing is left behind, even by SIGKILL: tempfile.h). name
 * ("standard input") is what errors call the input. A full disk is
 * PF_ENOSPACE naming the directory and TMPDIR; o's cancel token is checked
 * between reads (PF_ECANCELED). */
pf_status pf__source_spool(int in_fd, const char *name, const pf__opts *o, int *fd,
                           pf_error *err);
/* Reads up to n decompressed bytes; *got == 0 means end of input. */
pf_status pf__source_read(pf__source *s, void *buf, size_t n, size_t *got,
                          pf_error *err);
/* Starts again from the first byte. */
pf_status pf__source_rewind(pf__source *s, pf_error *err);
/* Random access for plain (uncompressed) files: reads at a byte offset.
 * PF_EUNSUPPORTED for compressed sources. */
pf_status pf__source_pread(pf__source *s, uint64_t offset, void *buf, size_t n,
                           size_t *got, pf_error *err);
int pf__source_seekable(const pf__source *s);
/* Size on disk (compressed size for compressed inputs). */
uint64_t pf__source_disk_size(const pf__source *s);
/* Bytes of the on-disk file consumed so far (for progress). */
uint64_t pf__source_disk_pos(const pf__source *s);
pf__codec pf__source_codec(const pf__source *s);
const char *pf__codec_name(pf__codec c);
void pf__source_close(pf__source *s);

#endif

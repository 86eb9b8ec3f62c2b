/* output.h - writing one output file atomically, with a sequential stream.
 *
 * The bytes go to a temporary file; pf__output_commit() puts the finished
 * file at the target, pf__output_abort() removes every trace. The way the
 * file reaches its target is one strategy, chosen here for every writer:
 *   rename  a locked temporary beside the target (tempfile.h), then
 *           rename(2) (default). Without force the rename refuses to
 *           replace a file that appeared meanwhile (RENAME_NOREPLACE).
 *   copy    an anonymous temporary in the local temp directory, then a
 *           sequential copy to the target (Unity Catalog Volumes: the
 *           /Volumes FUSE mount has no rename, link, append or seek-back
 *           write; also used when rename fails with ENOSYS/EXDEV/EPERM/
 *           ENOTSUP). The target is created exclusively; force removes the
 *           old name first, so a symlink planted there is replaced, never
 *           followed. A failed copy removes the partial target.
 * PYFORGE_OUTPUT_STRATEGY=rename|copy forces one (tests), through the
 * call's settings (core/settings.h) like PYFORGE_FSYNC and TMPDIR.
 * Atomic is not durable: the rename protects against every failure of the
 * process (errors, Ctrl-C, SIGKILL), while surviving a power loss also
 * needs the data flushed to the disk first (opts.durable), which costs the
 * time the disk takes to write the file.
 * Temporaries are 0600; the finished file gets the mode the umask gives
 * (0666 & ~umask), like any file the user creates.
 * Writes are sequential only: no seeks, no appends, no reads back.
 */
#ifndef PF_IO_OUTPUT_H
#define PF_IO_OUTPUT_H

#include <stdint.h>
#include <sys/uio.h>

#include "core/error.h"
#include "core/log.h"
#include "core/settings.h"

typedef struct pf_output pf__output;

/* mkdir -p: creates dir and the parents it lacks (mode 0777 & ~umask);
 * dir existing already is fine. Errors (PF_EOUTPUT, err's file set to dir)
 * name the directory that could not be made and why, or the part of the
 * path that exists and is no directory. */
pf_status pf__mkdirs(const char *dir, pf_error *err);


typedef struct pf__output_opts {
  int force;            /* replace an existing target                      */
  int no_sweep;         /* skip looking for abandoned temporaries of the
                           target (names that are new every time: Delta
                           data files)                                      */
  const pf__log *log;   /* where removed abandoned temporaries are told    */
  const pf__settings *settings; /* strategy, fsync, temp directory; NULL:
                           the defaults                                     */
  int durable;          /* flush the file to the disk (fsync) before it is
                           published, so it survives a power loss: Delta
                           data files (a commit will point at them) and the
                           output.fsync option. PYFORGE_FSYNC=1/0 overrides
                           either way. The copy strategy always flushes its
                           target: on a FUSE mount that is where a failed
                           upload is told.                                  */
} pf__output_opts;

/* Creates the temporary file for target. Refuses an existing target unless
 * force (PF_EEXIST), a missing parent directory or one that is not a
 * directory (PF_EOUTPUT). Before that, removes the target's temporaries
 * that earlier conversions abandoned (killed), unless opts->no_sweep. */
pf_status pf__output_open_ex(const char *target, const pf__output_opts *opts, pf__output **out,
                             pf_error *err);
/* pf__output_open_ex with {force}, no log, default settings. */
pf_status pf__output_open(const char *target, int force, pf__output **out,
                          pf_error *err);
/* Buffered sequential write. PF_ENOSPACE on a full disk or size limit. */
pf_status pf__output_write(pf__output *o, const void *p, size_t n,
                           pf_error *err);
/* Writes n (at most PF__OUTPUT_IOV_MAX) pieces, in order, as as many
 * pf__output_write calls would. Pieces of PF__OUTPUT_DIRECT bytes or more
 * in total go to the file from the caller's memory (one writev with what
 * the buffer holds), not through the buffer. */
#define PF__OUTPUT_IOV_MAX 8
#define PF__OUTPUT_DIRECT ((size_t)64 << 10)
pf_status pf__output_writev(pf__output *o, const struct iovec *iov, size_t n, pf_error *err);
/* Bytes written so far. */
uint64_t pf__output_size(const pf__output *o);
/* Flushes, closes and puts the file at its target; frees o whatever the
 * result. On failure nothing is left at the target or in temp. */
pf_status pf__output_commit(pf__output *o, pf_error *err);
/* Discards everything written and frees o (NULL is fine). */
void pf__output_abort(pf__output *o);

#endif

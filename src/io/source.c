/* source.c - an input as one stream of decompressed bytes (see source.h).
 *
 * Plain files are read with read(2) in large chunks; gzip (zlib), zstd and
 * bzip2 are recognised by magic bytes, not by name, and decompressed as a
 * stream (concatenated members/frames included). Standard input and pipes
 * are copied to an anonymous temporary file first so that every source can
 * rewind. A memory buffer is read in place.
 */
#include "io/source.h"

#include <bzlib.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "core/buf.h"
#include "env/env.h"
#include "io/tempfile.h"

#define IN_CHUNK (256 * 1024)

struct pf_source {
  char *path;          /* as given                                          */
  int fd;              /* the file, or the spooled copy of stdin (-1: mem)  */
  const uint8_t *mem;  /* a buffer input (borrowed), or NULL                */
  uint64_t pos;        /* next byte of the file/buffer to read              */
  uint64_t disk_size;  /* st_size                                           */
  uint64_t disk_pos;   /* compressed bytes consumed                         */
  pf__codec codec;
  int eof_in;          /* no more compressed input                          */
  int stream_end;      /* the decompressor finished a member/frame          */
  uint8_t *in;         /* compressed input buffer                           */
  size_t in_len, in_pos;
  z_stream gz;
  int gz_init;
  ZSTD_DCtx *zd;
  bz_stream bz;
  int bz_init;
};

const char *pf__codec_name(pf__codec c) {
  switch (c) {
    case PF__CODEC_GZIP: return "gzip";
    case PF__CODEC_ZSTD: return "zstd";
    case PF__CODEC_BZIP2: return "bzip2";
    default: return "none";
  }
}

static pf_status io_error(pf_error *err, const char *path, int e,
                          const char *what) {
  pf_status st = pf__volume_io_error(path, e, 0, err); /* a Volume says more */
  if (st != PF_OK) return st;
  st = e == ENOENT ? PF_ENOTFOUND : PF_EINPUT;
  if (e == ENOENT)
    pf__error_set(err, st, "no such file (check the path and the current directory)");
  else if (e == EACCES)
    pf__error_set(err, st, "permission denied");
  else if (e == EISDIR)
    pf__error_set(err, st, "this is a directory, not a file");
  else
    pf__error_set(err, st, "%s: %s", what, strerror(e));
  pf__error_file(err, path);
  return st;
}

/* The spool could not be written: say where, and how to choose another
 * place (the temp directory is the TMPDIR environment variable). */
static pf_status spool_write_error(const char *name, const char *tmpdir, int e, pf_error *err) {
  return pf__error_set(err, e == ENOSPC || e == EDQUOT || e == EFBIG ? PF_ENOSPACE : PF_EINPUT,
                       "cannot copy %s to a temporary file in %s (inputs that are not files are "
                       "copied there before they are read): %s; set TMPDIR to a directory with room "
                       "for the whole input",
                       name, tmpdir, strerror(e));
}

/* Waits until in_fd has data, its end or an error to read, looking at the
 * cancel token every 100 ms: a read blocked on a quiet pipe would not see
 * a cancel (from another thread, or a signal delivered to another thread)
 * until the writer sent more. 1: ready; 0: canceled. */
static int wait_readable(int in_fd, const pf__opts *o) {
  for (;;) {
    if (pf__opts_canceled(o)) return 0;
    struct pollfd p = {in_fd, POLLIN, 0};
    int r = poll(&p, 1, 100);
    if (r > 0 || (r < 0 && errno != EINTR)) return 1; /* read() tells what */
  }
}

pf_status pf__source_spool(int in_fd, const char *name, const pf__opts *o, int *fd_out,
                           pf_error *err) {
  *fd_out = -1;
  const char *tmpdir = pf__settings_tmpdir(o ? &o->settings : NULL);
  if (!name || !*name) name = "the input stream";
  int fd;
  PF_TRY(pf__temp_anon(tmpdir, name, &fd, err));
  char *buf = malloc(IN_CHUNK);
  if (!buf) {
    close(fd);
    return pf__error_set(err, PF_ENOMEM, "out of memory");
  }
  pf_status st = PF_OK;
  while (st == PF_OK) {
    if (!wait_readable(in_fd, o)) {
      st = pf__error_set(err, PF_ECANCELED, "canceled while reading %s", name);
      break;
    }
    ssize_t n = read(in_fd, buf, IN_CHUNK);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      st = pf__error_set(err, PF_EINPUT, "cannot read %s: %s", name, strerror(errno));
      break;
    }
    if (n == 0) break;
    for (ssize_t off = 0; off < n;) {
      ssize_t w = write(fd, buf + off, (size_t)(n - off));
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) {
        st = spool_write_error(name, tmpdir, errno, err);
        break;
      }
      off += w;
    }
  }
  free(buf);
  if (st == PF_OK && lseek(fd, 0, SEEK_SET) < 0)
    st = pf__error_set(err, PF_EINPUT, "cannot rewind the copy of %s: %s", name, strerror(errno));
  if (st != PF_OK) {
    close(fd); /* anonymous: closing it frees its blocks */
    return st;
  }
  *fd_out = fd;
  return PF_OK;
}

/* The spool of a source opened here (stdin, a pipe, a FIFO); o may be NULL. */
static pf_status spool_stream(int in_fd, const char *path, const pf__opts *o, int *fd_out,
                              pf_error *err) {
  return pf__source_spool(in_fd, strcmp(path, "-") == 0 ? "standard input" : path, o, fd_out, err);
}

static ssize_t pread_full(int fd, void *buf, size_t n, uint64_t off) {
  size_t done = 0;
  while (done < n) {
    ssize_t r = pread(fd, (char *)buf + done, n - done, (off_t)(off + done));
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return -1;
    if (r == 0) break;
    done += (size_t)r;
  }
  return (ssize_t)done;
}

/* Reads at off from the file or the buffer; -1 with errno on failure. */
static ssize_t source_pread(const pf__source *s, void *buf, size_t n, uint64_t off) {
  if (!s->mem) return pread_full(s->fd, buf, n, off);
  if (off >= s->disk_size) return 0;
  if (n > s->disk_size - off) n = (size_t)(s->disk_size - off);
  memcpy(buf, s->mem + off, n);
  return (ssize_t)n;
}

static pf__codec detect_codec(const uint8_t *m, size_t n) {
  if (n >= 2 && m[0] == 0x1f && m[1] == 0x8b) return PF__CODEC_GZIP;
  if (n >= 4 && m[0] == 0x28 && m[1] == 0xb5 && m[2] == 0x2f && m[3] == 0xfd) return PF__CODEC_ZSTD;
  if (n >= 3 && m[0] == 'B' && m[1] == 'Z' && m[2] == 'h') return PF__CODEC_BZIP2;
  return PF__CODEC_NONE;
}

static void codec_end(pf__source *s) {
  if (s->gz_init) inflateEnd(&s->gz);
  s->gz_init = 0;
  if (s->bz_init) BZ2_bzDecompressEnd(&s->bz);
  s->bz_init = 0;
  ZSTD_freeDCtx(s->zd);
  s->zd = NULL;
}

static pf_status codec_start(pf__source *s, pf_error *err) {
  switch (s->codec) {
    case PF__CODEC_GZIP:
      memset(&s->gz, 0, sizeof s->gz);
      if (inflateInit2(&s->gz, 15 + 32) != Z_OK) return pf__error_set(err, PF_ENOMEM, "cannot start gzip decompression");
      s->gz_init = 1;
      break;
    case PF__CODEC_ZSTD:
      s->zd = ZSTD_createDCtx();
      if (!s->zd) return pf__error_set(err, PF_ENOMEM, "cannot start zstd decompression");
      break;
    case PF__CODEC_BZIP2:
      memset(&s->bz, 0, sizeof s->bz);
      if (BZ2_bzDecompressInit(&s->bz, 0, 0) != BZ_OK) return pf__error_set(err, PF_ENOMEM, "cannot start bzip2 decompression");
      s->bz_init = 1;
      break;
    case PF__CODEC_NONE:
      break;
  }
  s->stream_end = 0;
  return PF_OK;
}

/* What every kind of source does once its bytes are reachable: size,
 * compression by magic bytes, the decompressor. */
static pf_status open_finish(pf__source *s, pf_error *err) {
  uint8_t magic[4];
  ssize_t n = source_pread(s, magic, sizeof magic, 0);
  if (n < 0) return io_error(err, s->path, errno, "cannot read");
  s->codec = detect_codec(magic, (size_t)n);
  if (s->codec == PF__CODEC_NONE) return PF_OK;
  s->in = malloc(IN_CHUNK);
  if (!s->in) return PF_ENOMEM;
  return codec_start(s, err);
}

static pf__source *source_new(const char *path) {
  pf__source *s = calloc(1, sizeof *s);
  if (!s) return NULL;
  s->fd = -1;
  s->path = pf__strdup(path ? path : "");
  if (!s->path) {
    free(s);
    return NULL;
  }
  return s;
}

/* Makes fd the source's: a regular file is read as it is; a pipe, FIFO or
 * device (/dev/stdin, <(cmd)) is spooled to a temporary file first. A
 * borrowed fd is the caller's: the source reads a duplicate or the spool
 * and never closes it; otherwise the source owns fd. */
static pf_status open_fd(pf__source *s, int fd, int borrowed, const pf__opts *o, pf_error *err) {
  struct stat sb;
  pf_status st = PF_OK;
  if (fstat(fd, &sb) != 0) st = io_error(err, s->path, errno, "cannot stat");
  else if (S_ISDIR(sb.st_mode)) st = io_error(err, s->path, EISDIR, "");
  else if (!S_ISREG(sb.st_mode)) st = spool_stream(fd, s->path, o, &s->fd, err);
  else if (!borrowed) s->fd = fd, fd = -1;
  else if ((s->fd = fcntl(fd, F_DUPFD_CLOEXEC, 0)) < 0)
    st = io_error(err, s->path, errno, "cannot duplicate the input descriptor");
  if (!borrowed && fd >= 0) close(fd);
  PF_TRY(st);
  if (fstat(s->fd, &sb) != 0) return io_error(err, s->path, errno, "cannot stat");
  s->disk_size = (uint64_t)sb.st_size;
  return open_finish(s, err);
}

pf_status pf__source_open(const char *path, pf__source **out, pf_error *err) {
  return pf__source_open_opts(path, NULL, out, err);
}

pf_status pf__source_open_opts(const char *path, const pf__opts *o, pf__source **out,
                               pf_error *err) {
  *out = NULL;
  const pf__input *in = o ? &o->in : NULL;
  pf__source *s = source_new(path);
  if (!s) return PF_ENOMEM;
  pf_status st;
  if (in && in->kind == PF__INPUT_BUFFER) {
    s->mem = in->data;
    s->disk_size = in->size;
    st = open_finish(s, err);
  } else if (in && in->kind == PF__INPUT_FD) {
    st = open_fd(s, in->fd, 1, o, err);
  } else if (!path || !*path) {
    st = pf__error_set(err, PF_EINVAL, "no input given");
  } else if (strcmp(path, "-") == 0) {
    /* spooled even when it is a file: read from where the shell left it */
    int fd = -1;
    st = spool_stream(STDIN_FILENO, path, o, &fd, err);
    if (st == PF_OK) st = open_fd(s, fd, 0, o, err);
  } else {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    st = fd < 0 ? io_error(err, path, errno, "cannot open") : open_fd(s, fd, 0, o, err);
  }
  if (st != PF_OK) {
    pf__source_close(s);
    return st;
  }
  *out = s;
  return PF_OK;
}

static pf_status read_plain(pf__source *s, void *buf, size_t n, size_t *got,
                            pf_error *err) {
  for (;;) {
    ssize_t r = s->mem ? source_pread(s, buf, n, s->pos) : pread(s->fd, buf, n, (off_t)s->pos);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return io_error(err, s->path, errno, "cannot read");
    *got = (size_t)r;
    s->pos += (uint64_t)r;
    s->disk_pos += (uint64_t)r;
    return PF_OK;
  }
}

static pf_status fill_in(pf__source *s, pf_error *err) {
  if (s->in_pos < s->in_len || s->eof_in) return PF_OK;
  size_t got;
  PF_TRY(read_plain(s, s->in, IN_CHUNK, &got, err));
  s->in_len = got;
  s->in_pos = 0;
  if (got == 0) s->eof_in = 1;
  return PF_OK;
}

static pf_status corrupt(pf__source *s, pf_error *err, const char *detail) {
  pf__error_set(err, PF_EINPUT, "%s data in %s is corrupt near compressed byte %llu (%s); the file may be damaged or truncated",
                pf__codec_name(s->codec), s->path, (unsigned long long)s->disk_pos, detail);
  pf__error_file(err, s->path);
  return PF_EINPUT;
}

/* One decompression step into buf; *got may be 0 before the end. */
static pf_status inflate_some(pf__source *s, uint8_t *buf, size_t n, size_t *got,
                              pf_error *err) {
  *got = 0;
  PF_TRY(fill_in(s, err));
  int drained = s->in_pos == s->in_len && s->eof_in;
  if (drained && s->stream_end) return PF_OK; /* real end */
  if (s->stream_end) {
    /* Another member/frame follows (concatenated files). */
    codec_end(s);
    PF_TRY(codec_start(s, err));
  }
  size_t avail = s->in_len - s->in_pos;
  switch (s->codec) {
    case PF__CODEC_GZIP: {
      s->gz.next_in = s->in + s->in_pos;
      s->gz.avail_in = (uInt)avail;
      s->gz.next_out = buf;
      s->gz.avail_out = (uInt)(n > UINT32_MAX ? UINT32_MAX : n);
      int rc = inflate(&s->gz, Z_NO_FLUSH);
      if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR)
        return corrupt(s, err, s->gz.msg ? s->gz.msg : "inflate failed");
      s->in_pos += avail - s->gz.avail_in;
      *got = (size_t)(s->gz.next_out - buf);
      if (rc == Z_STREAM_END) s->stream_end = 1;
      break;
    }
    case PF__CODEC_ZSTD: {
      ZSTD_inBuffer in = {s->in + s->in_pos, avail, 0};
      ZSTD_outBuffer ob = {buf, n, 0};
      size_t rc = ZSTD_decompressStream(s->zd, &ob, &in);
      if (ZSTD_isError(rc)) return corrupt(s, err, ZSTD_getErrorName(rc));
      s->in_pos += in.pos;
      *got = ob.pos;
      s->stream_end = rc == 0;
      break;
    }
    case PF__CODEC_BZIP2: {
      s->bz.next_in = (char *)s->in + s->in_pos;
      s->bz.avail_in = (unsigned)avail;
      s->bz.next_out = (char *)buf;
      s->bz.avail_out = (unsigned)(n > UINT32_MAX ? UINT32_MAX : n);
      int rc = BZ2_bzDecompress(&s->bz);
      if (rc != BZ_OK && rc != BZ_STREAM_END) return corrupt(s, err, "bzip2 stream error");
      s->in_pos += avail - s->bz.avail_in;
      *got = (size_t)(s->bz.next_out - (char *)buf);
      if (rc == BZ_STREAM_END) s->stream_end = 1;
      break;
    }
    case PF__CODEC_NONE:
      break;
  }
  if (drained && *got == 0 && !s->stream_end) {
    /* No input left, nothing more came out, and the stream never ended. */
    pf__error_set(err, PF_EINPUT, "%s data in %s ends early: the file is truncated", pf__codec_name(s->codec), s->path);
    pf__error_file(err, s->path);
    return PF_EINPUT;
  }
  return PF_OK;
}

pf_status pf__source_read(pf__source *s, void *buf, size_t n, size_t *got,
                          pf_error *err) {
  *got = 0;
  if (n == 0) return PF_OK;
  if (s->codec == PF__CODEC_NONE) return read_plain(s, buf, n, got, err);
  /* Loop until some output or the true end (a step can yield nothing). */
  for (;;) {
    PF_TRY(inflate_some(s, buf, n, got, err));
    if (*got > 0) return PF_OK;
    if (s->eof_in && s->in_pos == s->in_len && s->stream_end) return PF_OK;
  }
}

pf_status pf__source_rewind(pf__source *s, pf_error *err) {
  s->pos = 0;
  s->disk_pos = 0;
  s->in_len = s->in_pos = 0;
  s->eof_in = 0;
  if (s->codec != PF__CODEC_NONE) {
    codec_end(s);
    PF_TRY(codec_start(s, err));
  }
  return PF_OK;
}

pf_status pf__source_pread(pf__source *s, uint64_t offset, void *buf, size_t n,
                           size_t *got, pf_error *err) {
  *got = 0;
  if (s->codec != PF__CODEC_NONE)
    return pf__error_set(err, PF_EUNSUPPORTED, "random access into compressed input");
  ssize_t r = source_pread(s, buf, n, offset);
  if (r < 0) return io_error(err, s->path, errno, "cannot read");
  *got = (size_t)r;
  return PF_OK;
}

int pf__source_seekable(const pf__source *s) { return s->codec == PF__CODEC_NONE; }
uint64_t pf__source_disk_size(const pf__source *s) { return s->disk_size; }
uint64_t pf__source_disk_pos(const pf__source *s) { return s->disk_pos; }
pf__codec pf__source_codec(const pf__source *s) { return s->codec; }

void pf__source_close(pf__source *s) {
  if (!s) return;
  codec_end(s);
  if (s->fd >= 0) close(s->fd);
  free(s->in);
  free(s->path);
  free(s);
}

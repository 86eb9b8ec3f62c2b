/* output.c - atomic output files: temp file, then rename or sequential copy
 * (see output.h for the strategies and why they exist, tempfile.h for the
 * temporaries). */
#define _GNU_SOURCE /* renameat2, RENAME_NOREPLACE */
#include "io/output.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "env/env.h"
#include "io/tempfile.h"

#define OUT_BUF (1u << 20)
/* With fsync on, writeback of what is written is started every this many
 * bytes (sync_file_range, not waiting), so the fsync at the end waits for
 * the last stretch only instead of the whole file (when the disk keeps
 * up). */
#define WRITEBACK_STEP (8u << 20)

typedef enum strategy { STRATEGY_RENAME, STRATEGY_COPY } strategy;

struct pf_output {
  char *target;        /* final path                                        */
  char *temp;          /* rename strategy: the temporary beside the target  */
  int fd;              /* the temporary (copy: anonymous, read back)        */
  int force;
  int fsync;           /* fsync before publishing (wants_fsync)             */
  const pf__log *log;  /* the flush is told at debug level                  */
  strategy how;
  uint8_t *buf;        /* write buffer                                      */
  size_t buf_len;
  uint64_t size;       /* bytes accepted so far                             */
  uint64_t written;    /* bytes written to fd                               */
  uint64_t kicked;     /* writeback started up to here                      */
};

static strategy choose_strategy(const char *target, const pf__settings *s) {
  if (s && s->output_strategy == PF__OUTPUT_COPY) return STRATEGY_COPY;
  if (s && s->output_strategy == PF__OUTPUT_RENAME) return STRATEGY_RENAME;
  return pf__volume_is_local(target) ? STRATEGY_COPY : STRATEGY_RENAME;
}

static pf_status write_error(pf_error *err, const char *path, int e) {
  pf_status st = (e == ENOSPC || e == EFBIG || e == EDQUOT) ? PF_ENOSPACE : PF_EOUTPUT;
  if (st == PF_ENOSPACE)
    pf__error_set(err, st, "cannot write %s: %s (free some space or raise the file size limit; nothing was left behind)",
                  path, strerror(e));
  else
    pf__error_set(err, st, "cannot write %s: %s", path, strerror(e));
  pf__error_file(err, path);
  return st;
}

/* The Volume explanation of e on target when it is on a Volume (privilege,
 * not mounted, ...), else the plain message. */
static pf_status target_error(pf_error *err, const char *target, int e) {
  pf_status st = pf__volume_io_error(target, e, 1, err);
  return st != PF_OK ? st : write_error(err, target, e);
}

static pf_status write_all(int fd, const void *p, size_t n, const char *path,
                           pf_error *err) {
  const char *c = p;
  while (n > 0) {
    ssize_t w = write(fd, c, n);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) return target_error(err, path, errno);
    if (w == 0) return write_error(err, path, ENOSPC);
    c += w;
    n -= (size_t)w;
  }
  return PF_OK;
}

/* writev until every byte of iov[0, n) is written (iov is consumed). */
static pf_status writev_all(int fd, struct iovec *iov, int n, const char *path, pf_error *err) {
  while (n > 0) {
    ssize_t w = writev(fd, iov, n);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) return target_error(err, path, errno);
    size_t left = (size_t)w;
    while (n > 0 && left >= iov->iov_len) {
      left -= iov->iov_len;
      iov++;
      n--;
    }
    if (n == 0) break;
    if (w == 0 && iov->iov_len) return write_error(err, path, ENOSPC);
    iov->iov_base = (char *)iov->iov_base + left;
    iov->iov_len -= left;
  }
  return PF_OK;
}

/* Directory part of path ("." when none). */
static char *dir_of(const char *path) {
  const char *slash = strrchr(path, '/');
  if (!slash) return pf__strdup(".");
  if (slash == path) return pf__strdup("/");
  return pf__strndup(path, (size_t)(slash - path));
}

static pf_status check_target(const char *target, int force, pf_error *err) {
  pf__error_file(err, target);
  if (!*target || target[strlen(target) - 1] == '/')
    return pf__error_set(err, PF_EINVAL, "output path '%s' names a directory; give a file name", target);
  struct stat sb;
  /* lstat: a symbolic link at the target's name is the thing replaced
   * (with force), never the file it points to */
  if (lstat(target, &sb) == 0) {
    if (S_ISDIR(sb.st_mode))
      return pf__error_set(err, PF_EOUTPUT, "output %s is an existing directory; give a file name", target);
    if (!force)
      return pf__error_set(err, PF_EEXIST, "output %s already exists; use output.force to replace it", target);
  } else if (errno == ENOTDIR) {
    return pf__error_set(err, PF_EOUTPUT, "cannot write %s: a part of the path is a regular file, not a directory", target);
  }
  char *dir = dir_of(target);
  if (!dir) return PF_ENOMEM;
  pf_status st = PF_OK;
  if (stat(dir, &sb) != 0) {
    int e = errno;
    if (e == ENOTDIR)
      st = pf__error_set(err, PF_EOUTPUT, "cannot write %s: a part of the path is a regular file, not a directory", target);
    else if ((st = pf__volume_io_error(target, e, 1, err)) == PF_OK)
      st = pf__error_set(err, PF_EOUTPUT, "cannot write %s: directory %s does not exist (create it first)", target, dir);
  } else if (!S_ISDIR(sb.st_mode)) {
    st = pf__error_set(err, PF_EOUTPUT, "cannot write %s: %s is not a directory", target, dir);
  }
  free(dir);
  return st;
}

static pf_status make_temp(pf__output *o, const pf__output_opts *opts, pf_error *err) {
  if (o->how == STRATEGY_COPY)
    return pf__temp_anon(pf__settings_tmpdir(opts->settings), "an output being built", &o->fd, err);
  if (!opts->no_sweep) pf__temp_sweep(o->target, 0, opts->log);
  int e = 0;
  pf_status st = pf__temp_beside(o->target, &o->fd, &o->temp, &e);
  if (st == PF_OK) return PF_OK;
  if (!e) return pf__error_set(err, PF_ENOMEM, "out of memory");
  pf__error_file(err, o->target);
  if ((st = pf__volume_io_error(o->target, e, 1, err)) != PF_OK) return st;
  if (e == EACCES || e == EPERM || e == EROFS)
    return pf__error_set(err, PF_EOUTPUT, "cannot write %s: permission denied in its directory (%s)", o->target,
                         strerror(e));
  return write_error(err, o->target, e);
}

/* PYFORGE_FSYNC decides when set; else a durable output, and every copy
 * (see output.h). */
static int wants_fsync(const pf__output_opts *opts, strategy how) {
  int forced = opts->settings ? opts->settings->fsync : 0;
  if (forced) return forced > 0;
  return opts->durable || how == STRATEGY_COPY;
}

pf_status pf__output_open_ex(const char *target, const pf__output_opts *opts, pf__output **out,
                             pf_error *err) {
  *out = NULL;
  PF_TRY(check_target(target, opts->force, err));
  pf__output *o = calloc(1, sizeof *o);
  if (!o) return PF_ENOMEM;
  o->fd = -1;
  o->force = opts->force;
  o->log = opts->log;
  o->target = pf__strdup(target);
  o->buf = malloc(OUT_BUF);
  if (!o->target || !o->buf) {
    pf__output_abort(o);
    return PF_ENOMEM;
  }
  o->how = choose_strategy(target, opts->settings);
  o->fsync = wants_fsync(opts, o->how);
  pf_status st = make_temp(o, opts, err);
  if (st != PF_OK) {
    pf__output_abort(o);
    return st;
  }
  *out = o;
  return PF_OK;
}

pf_status pf__output_open(const char *target, int force, pf__output **out,
                          pf_error *err) {
  pf__output_opts opts = {force, 0, NULL, NULL, 0};
  return pf__output_open_ex(target, &opts, out, err);
}

/* Starts (does not wait for) writeback of the bytes written since the last
 * start, once they pass WRITEBACK_STEP; best effort: the fsync at commit
 * is what reports errors. */
static void start_writeback(pf__output *o) {
#ifdef SYNC_FILE_RANGE_WRITE
  if (!o->fsync || o->how != STRATEGY_RENAME || o->written - o->kicked < WRITEBACK_STEP) return;
  (void)sync_file_range(o->fd, (off_t)o->kicked, (off_t)(o->written - o->kicked), SYNC_FILE_RANGE_WRITE);
  o->kicked = o->written;
#else
  (void)o;
#endif
}

/* Writes to the file descriptor, counting what was written. */
static pf_status write_fd(pf__output *o, const void *p, size_t n, pf_error *err) {
  PF_TRY(write_all(o->fd, p, n, o->target, err));
  o->written += n;
  start_writeback(o);
  return PF_OK;
}

static pf_status flush_buf(pf__output *o, pf_error *err) {
  if (o->buf_len == 0) return PF_OK;
  pf_status st = write_fd(o, o->buf, o->buf_len, err);
  o->buf_len = 0;
  return st;
}

pf_status pf__output_write(pf__output *o, const void *p, size_t n,
                           pf_error *err) {
  if (n >= OUT_BUF) {
    PF_TRY(flush_buf(o, err));
    PF_TRY(write_fd(o, p, n, err));
  } else {
    if (o->buf_len + n > OUT_BUF) PF_TRY(flush_buf(o, err));
    memcpy(o->buf + o->buf_len, p, n);
    o->buf_len += n;
  }
  o->size += n;
  return PF_OK;
}

pf_status pf__output_writev(pf__output *o, const struct iovec *iov, size_t n, pf_error *err) {
  if (n > PF__OUTPUT_IOV_MAX) return pf__error_set(err, PF_EINTERNAL, "too many pieces for one write");
  size_t total = 0;
  for (size_t i = 0; i < n; i++) total += iov[i].iov_len;
  if (total < PF__OUTPUT_DIRECT) {
    for (size_t i = 0; i < n; i++) PF_TRY(pf__output_write(o, iov[i].iov_base, iov[i].iov_len, err));
    return PF_OK;
  }
  struct iovec v[PF__OUTPUT_IOV_MAX + 1];
  int k = 0;
  if (o->buf_len) v[k++] = (struct iovec){o->buf, o->buf_len};
  for (size_t i = 0; i < n; i++) v[k++] = iov[i];
  size_t buffered = o->buf_len;
  o->buf_len = 0;
  PF_TRY(writev_all(o->fd, v, k, o->target, err));
  o->written += buffered + total;
  start_writeback(o);
  o->size += total;
  return PF_OK;
}

uint64_t pf__output_size(const pf__output *o) { return o->size; }

static double now_seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* fsync(fd) when this output is flushed (wants_fsync), telling how long the
 * disk took; nonzero when that failed (errno says why). */
static int fsync_failed(const pf__output *o, int fd) {
  if (!o->fsync) return 0;
  double t0 = now_seconds();
  if (fsync(fd) != 0) return errno != EINVAL && errno != ENOSYS && errno != EROFS;
  pf__log_msg(o->log, PF_LOG_DEBUG, "flushed %s to the disk (fsync: %.3f s)", o->target,
              now_seconds() - t0);
  return 0;
}

/* Creates the target exclusively (O_EXCL|O_NOFOLLOW: never through a
 * symlink, never into an existing file). With force an existing name (a
 * file or a planted symlink) is removed first. */
static pf_status create_target(pf__output *o, int *fd, pf_error *err) {
  for (int attempt = 0; attempt < 3; attempt++) {
    *fd = open(o->target, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (*fd >= 0) return PF_OK;
    int e = errno;
    if (e == EEXIST && o->force) {
      struct stat sb;
      if (lstat(o->target, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        pf__error_file(err, o->target);
        return pf__error_set(err, PF_EOUTPUT, "output %s is an existing directory; give a file name", o->target);
      }
      if (unlink(o->target) != 0 && errno != ENOENT) return target_error(err, o->target, errno);
      continue;
    }
    pf__error_file(err, o->target);
    if (e == EEXIST)
      return pf__error_set(err, PF_EEXIST, "output %s appeared while converting; use output.force to replace it", o->target);
    return target_error(err, o->target, e);
  }
  pf__error_file(err, o->target);
  return pf__error_set(err, PF_EOUTPUT, "cannot create %s: another process keeps creating that name", o->target);
}

/* Sequential copy of the finished temporary (read from in, from its first
 * byte) to the target; a failure removes the partial target. */
static pf_status copy_to_target(pf__output *o, int in, pf_error *err) {
  if (lseek(in, 0, SEEK_SET) != 0) return write_error(err, o->target, errno);
  int outfd;
  PF_TRY(create_target(o, &outfd, err));
  pf_status st = PF_OK;
  for (;;) {
    ssize_t n = read(in, o->buf, OUT_BUF);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      st = write_error(err, o->target, errno);
      break;
    }
    if (n == 0) break;
    st = write_all(outfd, o->buf, (size_t)n, o->target, err);
    if (st != PF_OK) break;
  }
  if (st == PF_OK && fsync_failed(o, outfd)) st = write_error(err, o->target, errno);
  if (close(outfd) != 0 && st == PF_OK) st = write_error(err, o->target, errno);
  if (st != PF_OK) unlink(o->target);
  return st;
}

/* rename(2), refusing to replace a target that appeared meanwhile unless
 * force. Returns 0 or an errno. */
static int put_in_place(const pf__output *o) {
  if (!o->force) {
#ifdef RENAME_NOREPLACE
    if (renameat2(AT_FDCWD, o->temp, AT_FDCWD, o->target, RENAME_NOREPLACE) == 0) return 0;
    if (errno != EINVAL && errno != ENOSYS) return errno;
#endif
    /* no RENAME_NOREPLACE here: the check, then the rename */
    struct stat sb;
    if (lstat(o->target, &sb) == 0) return EEXIST;
  }
  return rename(o->temp, o->target) == 0 ? 0 : errno;
}

static void sync_dir_of(const pf__output *o, const char *path) {
  if (!o->fsync) return;
  char *dir = dir_of(path);
  int dfd = dir ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
  if (dfd >= 0) {
    (void)fsync(dfd); /* the new directory entry: best effort */
    close(dfd);
  }
  free(dir);
}

static pf_status commit_rename(pf__output *o, pf_error *err) {
  int e = put_in_place(o);
  if (e == 0) {
    sync_dir_of(o, o->target);
    free(o->temp);
    o->temp = NULL; /* renamed: nothing to remove */
    return PF_OK;
  }
  if (e == EEXIST) {
    pf__error_file(err, o->target);
    return pf__error_set(err, PF_EEXIST, "output %s appeared while converting; use output.force to replace it", o->target);
  }
  if (e == ENOSYS || e == EXDEV || e == EPERM || e == ENOTSUP || e == EOPNOTSUPP) {
    /* FUSE mounts without rename: copy the temporary, then remove it */
    int in = open(o->temp, O_RDONLY | O_CLOEXEC);
    if (in < 0) return write_error(err, o->target, errno);
    pf_status st = copy_to_target(o, in, err);
    close(in);
    return st;
  }
  return target_error(err, o->target, e);
}

pf_status pf__output_commit(pf__output *o, pf_error *err) {
  pf_status st = flush_buf(o, err);
  if (st == PF_OK && o->how == STRATEGY_RENAME) {
    if (fsync_failed(o, o->fd)) st = write_error(err, o->target, errno);
    /* the finished file gets the mode any file the user creates gets */
    if (st == PF_OK) (void)fchmod(o->fd, pf__umask_mode());
    /* renamed while still open: the lock keeps a sweep away until the
     * name is the target's */
    if (st == PF_OK) st = commit_rename(o, err);
    if (close(o->fd) != 0 && st == PF_OK) {
      st = write_error(err, o->target, errno);
      if (!o->temp) unlink(o->target); /* in place but not known good */
    }
    o->fd = -1;
  } else if (st == PF_OK) {
    st = copy_to_target(o, o->fd, err);
  }
  pf__output_abort(o); /* removes the temp file if still there, frees */
  return st;
}

void pf__output_abort(pf__output *o) {
  if (!o) return;
  if (o->temp) unlink(o->temp); /* before close: never unlocked with a name */
  if (o->fd >= 0) close(o->fd);
  free(o->temp);
  free(o->target);
  free(o->buf);
  free(o);
}

pf_status pf__mkdirs(const char *dir, pf_error *err) {
  char *p = pf__strdup(dir);
  if (!p) return pf__error_set(err, PF_ENOMEM, "out of memory");
  pf_status st = PF_OK;
  for (char *s = p + 1;; s++) {
    int end = *s == '\0';
    if (*s != '/' && !end) continue;
    *s = '\0';
    struct stat sb;
    if (mkdir(p, 0777) != 0 && errno != EEXIST)
      st = pf__error_set(err, PF_EOUTPUT, "cannot create the directory %s: %s", p, strerror(errno));
    else if (stat(p, &sb) != 0 || !S_ISDIR(sb.st_mode))
      st = pf__error_set(err, PF_EOUTPUT, "%s is not a directory (a file of that name exists)", p);
    if (end || st != PF_OK) break;
    *s = '/';
  }
  free(p);
  if (st != PF_OK) pf__error_file(err, dir);
  return st;
}

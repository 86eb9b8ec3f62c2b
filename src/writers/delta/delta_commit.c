/* delta_commit.c - publishing a Delta commit file exclusively.
 *
 * Two writers may race for the same version; exactly one must win and the
 * other must notice (PROTOCOL.md requires mutual exclusion on the commit
 * file name). The text goes to a temporary file in _delta_log, a hidden
 * name no reader looks at, made and locked as every temporary beside an
 * output (io/tempfile.h: ".<version>.json.pyforge-tmp-<random>", flocked
 * while this process lives, so the next writer's sweep of _delta_log
 * removes one a killed writer left), is flushed to disk, then link(2)ed
 * to <version>.json: link fails with EEXIST when another writer got there
 * first, and readers only ever see a complete file. Where links are not
 * supported (FUSE mounts such as Databricks /Volumes: ENOSYS, EPERM,
 * ENOTSUP, EXDEV) the file is created directly with O_CREAT|O_EXCL and
 * written and flushed: still exclusive, but a reader listing the log at
 * that instant could see a partly written file (docs/delta.md).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/tempfile.h"
#include "writers/delta/delta_internal.h"

static int write_all(int fd, const char *p, size_t n) {
  while (n) {
    ssize_t k = write(fd, p, n);
    if (k < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    p += k;
    n -= (size_t)k;
  }
  return 0;
}

static pf_status io_error(pf_error *err, const char *path, const char *what, int e) {
  pf__error_file(err, path);
  return pf__error_set(err, e == ENOSPC || e == EDQUOT || e == EFBIG ? PF_ENOSPACE : PF_EOUTPUT,
                       "cannot %s %s: %s", what, path, strerror(e));
}

/* Writes, flushes and closes fd (path: for messages and removal). */
static pf_status fill(int fd, const char *path, const char *text, size_t n, pf_error *err) {
  if (write_all(fd, text, n) != 0 || fsync(fd) != 0) {
    int e = errno;
    close(fd);
    unlink(path);
    return io_error(err, path, "write", e);
  }
  if (close(fd) != 0) {
    int e = errno;
    unlink(path);
    return io_error(err, path, "close", e);
  }
  return PF_OK;
}

/* O_CREAT|O_EXCL, write, fsync: the fallback without link(2). */
static pf_status create_excl(const char *path, const char *text, size_t n, pf_error *err) {
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd < 0) {
    if (errno == EEXIST) return PF_EEXIST;
    return io_error(err, path, "create", errno);
  }
  return fill(fd, path, text, n, err);
}

/* The text in a locked temporary beside target, linked to target. Returns
 * PF_EEXIST when target exists, PF_EUNSUPPORTED when this file system
 * cannot do it (no temporary name or no links: use create_excl). */
static pf_status create_linked(const char *target, const char *text, size_t n, pf_error *err) {
  int fd, e;
  char *tmp;
  pf_status s = pf__temp_beside(target, &fd, &tmp, &e);
  if (s == PF_ENOMEM) return pf__error_set(err, PF_ENOMEM, "out of memory");
  if (s != PF_OK) return PF_EUNSUPPORTED; /* a mount that refuses the name */
  /* the commit file is this inode: the mode a new file gets, not 0600 */
  if (fchmod(fd, pf__umask_mode()) != 0 || write_all(fd, text, n) != 0 || fsync(fd) != 0) {
    e = errno;
    close(fd);
    unlink(tmp);
    free(tmp);
    return io_error(err, target, "write", e);
  }
  if (link(tmp, target) == 0) s = PF_OK;
  else if ((e = errno) == EEXIST) s = PF_EEXIST;
  else if (e == ENOSYS || e == EPERM || e == ENOTSUP || e == EXDEV || e == EOPNOTSUPP || e == EMLINK)
    s = PF_EUNSUPPORTED;
  else s = io_error(err, target, "create", e);
  unlink(tmp); /* while still locked: no sweep can take it for abandoned */
  close(fd);
  free(tmp);
  return s;
}

pf_status pf__delta_commit_file(const char *dir, int64_t v, const char *text, size_t n, int excl_only,
                                pf_error *err) {
  char *target = pf__delta_log_path(dir, v, ".json");
  if (!target) return pf__error_set(err, PF_ENOMEM, "out of memory");
  /* test hook: PYFORGE_DELTA_COMMIT_STRATEGY=excl */
  pf_status s = excl_only ? PF_EUNSUPPORTED : create_linked(target, text, n, err);
  if (s == PF_EUNSUPPORTED) s = create_excl(target, text, n, err);
  if (s == PF_OK) { /* make the new directory entry durable */
    char *logdir = pf__aprintf("%s/_delta_log", dir);
    int dfd = logdir ? open(logdir, O_RDONLY | O_CLOEXEC) : -1;
    if (dfd >= 0) {
      (void)fsync(dfd);
      close(dfd);
    }
    free(logdir);
  }
  free(target);
  return s;
}

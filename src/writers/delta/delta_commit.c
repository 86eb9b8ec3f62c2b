/* delta_commit.c - publishing a Delta commit file exclusively.
 *
 * Two writers may race for the same version; exactly one must win and the
 * other must notice (PROTOCOL.md requires mutual exclusion on the commit
 * file name). The text goes to a temporary file in _delta_log (a name no
 * reader looks at: ".<uuid>.json.tmp"), is flushed to disk, then link(2)ed
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
#include <unistd.h>

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

/* O_CREAT|O_EXCL, write, fsync: the fallback without link(2). */
static pf_status create_excl(const char *path, const char *text, size_t n, pf_error *err) {
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd < 0) {
    if (errno == EEXIST) return PF_EEXIST;
    return io_error(err, path, "create", errno);
  }
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

pf_status pf__delta_commit_file(const char *dir, int64_t v, const char *text, size_t n, int excl_only,
                                pf_error *err) {
  char *target = pf__delta_log_path(dir, v, ".json");
  char uuid[37];
  pf__delta_uuid(uuid);
  char *tmp = pf__aprintf("%s/_delta_log/.%s.json.tmp", dir, uuid);
  if (!target || !tmp) {
    free(target);
    free(tmp);
    return pf__error_set(err, PF_ENOMEM, "out of memory");
  }
  pf_status s = PF_OK;
  int use_link = !excl_only; /* test hook: PYFORGE_DELTA_COMMIT_STRATEGY=excl */
  if (use_link) {
    s = create_excl(tmp, text, n, err);
    if (s == PF_OK) {
      if (link(tmp, target) == 0) {
        unlink(tmp);
      } else {
        int e = errno;
        unlink(tmp);
        if (e == EEXIST) s = PF_EEXIST;
        else if (e == ENOSYS || e == EPERM || e == ENOTSUP || e == EXDEV || e == EOPNOTSUPP || e == EMLINK)
          use_link = 0;
        else s = io_error(err, target, "create", e);
      }
    } else if (s == PF_EOUTPUT) {
      /* a mount that refuses the temporary name: try the direct way */
      use_link = 0;
      s = PF_OK;
    }
  }
  if (s == PF_OK && !use_link) s = create_excl(target, text, n, err);
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
  free(tmp);
  return s;
}

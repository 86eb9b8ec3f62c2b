/* output.c - atomic output files: temp file, then rename or sequential copy
 * (see output.h for the strategies and why they exist). */
#include "io/output.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"

#define OUT_BUF (1u << 20)

typedef enum strategy { STRATEGY_RENAME, STRATEGY_COPY } strategy;

struct pf__output {
  char *target;        /* final path                                        */
  char *temp;          /* temporary file being written                      */
  int fd;
  int force;
  strategy how;
  uint8_t *buf;        /* write buffer                                      */
  size_t buf_len;
  uint64_t size;       /* bytes accepted so far                             */
};

static int is_volume_path(const char *p) {
  return strncmp(p, "/Volumes/", 9) == 0 || strncmp(p, "/dbfs/Volumes/", 14) == 0;
}

static strategy choose_strategy(const char *target) {
  const char *env = getenv("PYFORGE_OUTPUT_STRATEGY");
  if (env && strcmp(env, "copy") == 0) return STRATEGY_COPY;
  if (env && strcmp(env, "rename") == 0) return STRATEGY_RENAME;
  return is_volume_path(target) ? STRATEGY_COPY : STRATEGY_RENAME;
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

static pf_status write_all(int fd, const void *p, size_t n, const char *path,
                           pf_error *err) {
  const char *c = p;
  while (n > 0) {
    ssize_t w = write(fd, c, n);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) return write_error(err, path, errno);
    if (w == 0) return write_error(err, path, ENOSPC);
    c += w;
    n -= (size_t)w;
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

static const char *base_of(const char *path) {
  const char *slash = strrchr(path, '/');
  return slash ? slash + 1 : path;
}

static pf_status check_target(const char *target, int force, pf_error *err) {
  pf__error_file(err, target);
  if (!*target || target[strlen(target) - 1] == '/')
    return pf__error_set(err, PF_EINVAL, "output path '%s' names a directory; give a file name", target);
  struct stat sb;
  if (stat(target, &sb) == 0) {
    if (S_ISDIR(sb.st_mode))
      return pf__error_set(err, PF_EOUTPUT, "output %s is an existing directory; give a file name", target);
    if (!force)
      return pf__error_set(err, PF_EEXIST, "output %s already exists; use --force to replace it", target);
  } else if (errno == ENOTDIR) {
    return pf__error_set(err, PF_EOUTPUT, "cannot write %s: a part of the path is a regular file, not a directory", target);
  }
  char *dir = dir_of(target);
  if (!dir) return PF_ENOMEM;
  pf_status st = PF_OK;
  if (stat(dir, &sb) != 0) {
    if (errno == ENOTDIR)
      st = pf__error_set(err, PF_EOUTPUT, "cannot write %s: a part of the path is a regular file, not a directory", target);
    else
      st = pf__error_set(err, PF_EOUTPUT, "cannot write %s: directory %s does not exist (create it first)", target, dir);
  } else if (!S_ISDIR(sb.st_mode)) {
    st = pf__error_set(err, PF_EOUTPUT, "cannot write %s: %s is not a directory", target, dir);
  }
  free(dir);
  return st;
}

static pf_status make_temp(pf__output *o, pf_error *err) {
  char *dir = NULL;
  if (o->how == STRATEGY_COPY) {
    const char *t = getenv("TMPDIR");
    dir = pf__strdup(t && *t ? t : "/tmp");
  } else {
    dir = dir_of(o->target);
  }
  if (!dir) return PF_ENOMEM;
  o->temp = pf__aprintf("%s/.%s.pyforge-tmp-XXXXXX", dir, base_of(o->target));
  free(dir);
  if (!o->temp) return PF_ENOMEM;
  o->fd = mkstemp(o->temp);
  if (o->fd < 0) {
    int e = errno;
    pf__error_file(err, o->target);
    if (e == EACCES || e == EPERM || e == EROFS)
      return pf__error_set(err, PF_EOUTPUT, "cannot write %s: permission denied in its directory (%s)",
                           o->target, strerror(e));
    return write_error(err, o->temp, e);
  }
  (void)fchmod(o->fd, 0644); /* mkstemp makes 0600; outputs are ordinary files */
  return PF_OK;
}

pf_status pf__output_open(const char *target, int force, pf__output **out,
                          pf_error *err) {
  *out = NULL;
  PF_TRY(check_target(target, force, err));
  pf__output *o = calloc(1, sizeof *o);
  if (!o) return PF_ENOMEM;
  o->fd = -1;
  o->force = force;
  o->target = pf__strdup(target);
  o->buf = malloc(OUT_BUF);
  if (!o->target || !o->buf) {
    pf__output_abort(o);
    return PF_ENOMEM;
  }
  o->how = choose_strategy(target);
  pf_status st = make_temp(o, err);
  if (st != PF_OK) {
    pf__output_abort(o);
    return st;
  }
  *out = o;
  return PF_OK;
}

static pf_status flush_buf(pf__output *o, pf_error *err) {
  if (o->buf_len == 0) return PF_OK;
  pf_status st = write_all(o->fd, o->buf, o->buf_len, o->target, err);
  o->buf_len = 0;
  return st;
}

pf_status pf__output_write(pf__output *o, const void *p, size_t n,
                           pf_error *err) {
  if (n >= OUT_BUF) {
    PF_TRY(flush_buf(o, err));
    PF_TRY(write_all(o->fd, p, n, o->target, err));
  } else {
    if (o->buf_len + n > OUT_BUF) PF_TRY(flush_buf(o, err));
    memcpy(o->buf + o->buf_len, p, n);
    o->buf_len += n;
  }
  o->size += n;
  return PF_OK;
}

uint64_t pf__output_size(const pf__output *o) { return o->size; }

static int want_fsync(void) {
  const char *e = getenv("PYFORGE_FSYNC");
  return !(e && strcmp(e, "0") == 0);
}

/* Sequential copy of the finished temp file to the target; a failure
 * removes the partial target. */
static pf_status copy_to_target(pf__output *o, pf_error *err) {
  int in = open(o->temp, O_RDONLY | O_CLOEXEC);
  if (in < 0) return write_error(err, o->temp, errno);
  int flags = O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | (o->force ? 0 : O_EXCL);
  int outfd = open(o->target, flags, 0644);
  if (outfd < 0) {
    int e = errno;
    close(in);
    pf__error_file(err, o->target);
    if (e == EEXIST)
      return pf__error_set(err, PF_EEXIST, "output %s appeared while converting; use --force to replace it", o->target);
    return write_error(err, o->target, e);
  }
  pf_status st = PF_OK;
  for (;;) {
    ssize_t n = read(in, o->buf, OUT_BUF);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      st = write_error(err, o->temp, errno);
      break;
    }
    if (n == 0) break;
    st = write_all(outfd, o->buf, (size_t)n, o->target, err);
    if (st != PF_OK) break;
  }
  if (st == PF_OK && want_fsync() && fsync(outfd) != 0 && errno != EINVAL && errno != ENOSYS)
    st = write_error(err, o->target, errno);
  if (close(outfd) != 0 && st == PF_OK) st = write_error(err, o->target, errno);
  close(in);
  if (st != PF_OK) unlink(o->target);
  return st;
}

pf_status pf__output_commit(pf__output *o, pf_error *err) {
  pf_status st = flush_buf(o, err);
  if (st == PF_OK && o->how == STRATEGY_RENAME && want_fsync() && fsync(o->fd) != 0 &&
      errno != EINVAL && errno != ENOSYS)
    st = write_error(err, o->target, errno);
  if (close(o->fd) != 0 && st == PF_OK) st = write_error(err, o->target, errno);
  o->fd = -1;
  if (st == PF_OK) {
    if (o->how == STRATEGY_RENAME) {
      if (!o->force && access(o->target, F_OK) == 0) {
        pf__error_file(err, o->target);
        st = pf__error_set(err, PF_EEXIST, "output %s appeared while converting; use --force to replace it", o->target);
      } else if (rename(o->temp, o->target) != 0) {
        int e = errno;
        if (e == ENOSYS || e == EXDEV || e == EPERM || e == ENOTSUP)
          st = copy_to_target(o, err); /* FUSE mounts without rename */
        else
          st = write_error(err, o->target, e);
      } else {
        free(o->temp);
        o->temp = NULL; /* renamed: nothing to remove */
      }
    } else {
      st = copy_to_target(o, err);
    }
  }
  pf__output_abort(o); /* removes the temp file if still there, frees */
  return st;
}

void pf__output_abort(pf__output *o) {
  if (!o) return;
  if (o->fd >= 0) close(o->fd);
  if (o->temp) unlink(o->temp);
  free(o->temp);
  free(o->target);
  free(o->buf);
  free(o);
}

/* tempfile.c - private, unpredictable temporaries and the sweep of
 * abandoned ones (see tempfile.h for the promises and why they hold). */
#define _GNU_SOURCE /* O_TMPFILE */
#include "io/tempfile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"

#define RAND_CHARS 12
#define TEMP_MARK ".pyforge-tmp-"

void pf__temp_random(char *out, size_t n) {
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  unsigned char r[64];
  size_t got = 0;
  if (n > sizeof r) n = sizeof r;
  while (got < n) {
    ssize_t k = getrandom(r + got, n - got, 0);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) break;
    got += (size_t)k;
  }
  if (got < n) { /* no getrandom (old kernel, seccomp): /dev/urandom */
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    ssize_t k = fd >= 0 ? read(fd, r + got, n - got) : -1;
    if (k > 0) got += (size_t)k;
    if (fd >= 0) close(fd);
  }
  for (size_t i = 0; i < n; i++) {
    /* never predictable-by-default: mix in the address and pid when the
     * kernel gave nothing (the O_EXCL creation keeps this safe anyway) */
    unsigned v = i < got ? r[i] : (unsigned)(((uintptr_t)out >> (i % 8)) ^ (unsigned)getpid() ^ (i * 131u));
    out[i] = alphabet[v % (sizeof alphabet - 1)];
  }
  out[n] = 0;
}

/* ---- anonymous ---- */

static pf_status anon_in_private_dir(const char *dir, const char *what, int *fd, pf_error *err) {
  char *d = pf__aprintf("%s/pyforge-XXXXXX", dir);
  if (!d) return pf__error_set(err, PF_ENOMEM, "out of memory");
  if (!mkdtemp(d)) { /* mode 0700, created exclusively */
    int e = errno;
    free(d);
    return pf__error_set(err, e == ENOSPC ? PF_ENOSPACE : PF_EINPUT,
                         "cannot create a private temporary directory in %s for %s: %s (set TMPDIR to a writable "
                         "directory)", dir, what, strerror(e));
  }
  char *f = pf__aprintf("%s/data", d);
  int e = 0;
  *fd = f ? open(f, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600) : -1;
  if (*fd < 0) e = f ? errno : ENOMEM;
  if (f) unlink(f);
  rmdir(d);
  free(f);
  free(d);
  if (*fd >= 0) return PF_OK;
  return pf__error_set(err, e == ENOSPC ? PF_ENOSPACE : PF_EINPUT, "cannot create a temporary file in %s for %s: %s (set TMPDIR to a "
                       "writable directory)", dir, what, strerror(e));
}

pf_status pf__temp_anon(const char *dir, const char *what, int *fd, pf_error *err) {
  if (!dir || !*dir) dir = "/tmp";
#ifdef O_TMPFILE
  /* O_EXCL: the file can never be given a name later (linkat) */
  *fd = open(dir, O_TMPFILE | O_RDWR | O_EXCL | O_CLOEXEC, 0600);
  if (*fd >= 0) return PF_OK;
#endif
  return anon_in_private_dir(dir, what, fd, err);
}

/* ---- beside a target ---- */

static char *dir_of(const char *path) {
  const char *slash = strrchr(path, '/');
  if (!slash) return pf__strdup(".");
  if (slash == path) return pf__strdup("/");
  return pf__strndup(path, (size_t)(slash - path));
}

/* ".<base>.pyforge-tmp-" for target, the base cut so the whole name fits
 * NAME_MAX. */
static char *temp_prefix(const char *target) {
  const char *slash = strrchr(target, '/');
  const char *base = slash ? slash + 1 : target;
  size_t room = NAME_MAX - 1 - (sizeof TEMP_MARK - 1) - RAND_CHARS;
  size_t n = strlen(base);
  return pf__aprintf(".%.*s" TEMP_MARK, (int)(n < room ? n : room), base);
}

pf_status pf__temp_beside(const char *target, int *fd, char **path, int *errno_out) {
  *fd = -1;
  *path = NULL;
  *errno_out = 0;
  char *dir = dir_of(target), *prefix = temp_prefix(target);
  if (!dir || !prefix) {
    free(dir);
    free(prefix);
    return PF_ENOMEM;
  }
  pf_status st = PF_EOUTPUT;
  for (int attempt = 0; attempt < 100; attempt++) {
    char rnd[RAND_CHARS + 1];
    pf__temp_random(rnd, RAND_CHARS);
    char *p = pf__aprintf("%s/%s%s", dir, prefix, rnd);
    if (!p) {
      st = PF_ENOMEM;
      break;
    }
    int f = open(p, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (f < 0) {
      *errno_out = errno;
      free(p);
      if (*errno_out == EEXIST) continue;
      break;
    }
    /* Held until the file is closed; where the file system has no locks
     * (some FUSE mounts) the temporary simply cannot be proved abandoned. */
    (void)flock(f, LOCK_EX);
    struct stat sb;
    if (fstat(f, &sb) == 0 && sb.st_nlink == 0) {
      /* a sweep removed it between our create and our lock: a new name */
      close(f);
      free(p);
      continue;
    }
    *fd = f;
    *path = p;
    *errno_out = 0;
    st = PF_OK;
    break;
  }
  free(dir);
  free(prefix);
  return st;
}

/* name is one of ours: prefix (when given) + exactly RAND_CHARS letters or
 * digits, or any ".*.pyforge-tmp-<random>" when prefix is NULL. */
static int temp_name(const char *name, const char *prefix) {
  const char *r;
  if (prefix) {
    size_t n = strlen(prefix);
    if (strncmp(name, prefix, n) != 0) return 0;
    r = name + n;
  } else {
    if (name[0] != '.') return 0;
    const char *m = strstr(name, TEMP_MARK);
    if (!m) return 0;
    r = m + sizeof TEMP_MARK - 1;
  }
  size_t k = 0;
  for (; r[k]; k++)
    if (!((r[k] >= 'a' && r[k] <= 'z') || (r[k] >= 'A' && r[k] <= 'Z') || (r[k] >= '0' && r[k] <= '9'))) return 0;
  /* Not the 6-character mkstemp names of releases before locking: their
   * writers held no lock, so a lock proves nothing about them. */
  return k == RAND_CHARS;
}

/* Removes name in dir when no process holds its lock; 1 when removed. */
static int sweep_one(int dfd, const char *dir, const char *name, const pf__log *log) {
  int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return 0;
  struct stat a, b;
  int removed = 0;
  if (fstat(fd, &a) == 0 && S_ISREG(a.st_mode) && flock(fd, LOCK_EX | LOCK_NB) == 0 &&
      fstatat(dfd, name, &b, AT_SYMLINK_NOFOLLOW) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino &&
      unlinkat(dfd, name, 0) == 0) {
    removed = 1;
    pf__log_msg(log, PF_LOG_INFO,
                "removed %s/%s: a temporary file left by an earlier conversion that was killed or crashed (%lld "
                "bytes; no running process holds it)",
                dir, name, (long long)a.st_size);
  }
  close(fd); /* drops our lock */
  return removed;
}

size_t pf__temp_sweep(const char *target, int any_name, const pf__log *log) {
  char *dir = any_name ? pf__strdup(target) : dir_of(target);
  char *prefix = any_name ? NULL : temp_prefix(target);
  DIR *d = dir && (any_name || prefix) ? opendir(dir) : NULL;
  size_t n = 0;
  if (d) {
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
      if (temp_name(e->d_name, prefix)) n += (size_t)sweep_one(dirfd(d), dir, e->d_name, log);
    closedir(d);
  }
  free(dir);
  free(prefix);
  return n;
}

/* ---- modes ---- */

mode_t pf__umask_mode(void) {
  mode_t mask = 022;
  int found = 0;
  FILE *f = fopen("/proc/self/status", "r");
  if (f) {
    char line[256];
    unsigned m;
    while (!found && fgets(line, sizeof line, f))
      if (sscanf(line, "Umask: %o", &m) == 1) {
        mask = (mode_t)m;
        found = 1;
      }
    fclose(f);
  }
  if (!found) { /* no /proc (Linux < 4.7, other systems): read and restore */
    mask = umask(022);
    umask(mask);
  }
  return (mode_t)(0666 & ~mask);
}

/* fuse_shim.c - an LD_PRELOAD library that gives chosen directories the
 * restrictions of the Unity Catalog Volumes FUSE mount (/Volumes), so tests
 * can prove that every PyForge output reaches such a mount correctly.
 *
 * Under each directory in PF_FUSE_DIRS (absolute paths, ':'-separated):
 *   rename/renameat/renameat2 and link/linkat  fail with ENOSYS
 *   symlink/symlinkat                          fail with EPERM
 *   open for writing with O_APPEND             fails with EPERM
 *   open with O_TMPFILE                        fails with EOPNOTSUPP
 *   a write (write, writev, pwrite) that is not
 *   at the end of what was written (after a seek
 *   back, or pwrite elsewhere), ftruncate to
 *   another length                             fails with EPERM
 * Test knobs:
 *   PF_FUSE_FAIL_AFTER=N  the write that would take the bytes written under
 *                         the directories (all files, this process) past N
 *                         fails with EIO: a copy that breaks half-way
 *   PF_FUSE_LOG=path      one line per refused call ("rename ENOSYS <path>")
 *                         and per file created ("create <path>")
 *   PF_FUSE_DENY=read|write  opens under the directories for reading
 *                         (read) or for writing and mkdir (write) fail with
 *                         EACCES: a missing READ VOLUME / WRITE VOLUME
 *                         privilege (the tests run as any user, root too)
 *   PF_FUSE_LOG_OPENS=1   also one line per open of anything under the
 *                         directories ("open <path>"): proves what a run
 *                         never touched
 * Everything else passes through to the C library. Not part of PyForge:
 * built with the tests only.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

#define MAX_FD 65536

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static char dirs[8][PATH_MAX];
static int n_dirs = -1;
static long long fail_after = -1;
static long long written_total;
static off_t write_end[MAX_FD]; /* tracked fds: expected next offset + 1 */

#define REAL(name, ret, ...)                  \
  static ret (*real_##name)(__VA_ARGS__);     \
  static void resolve_##name(void) {          \
    if (real_##name) return;                  \
    void *sym = dlsym(RTLD_NEXT, #name);      \
    memcpy(&real_##name, &sym, sizeof sym);   \
  }

REAL(rename, int, const char *, const char *)
REAL(renameat, int, int, const char *, int, const char *)
REAL(renameat2, int, int, const char *, int, const char *, unsigned)
REAL(link, int, const char *, const char *)
REAL(linkat, int, int, const char *, int, const char *, int)
REAL(symlink, int, const char *, const char *)
REAL(symlinkat, int, const char *, int, const char *)
REAL(open, int, const char *, int, ...)
REAL(openat, int, int, const char *, int, ...)
REAL(write, ssize_t, int, const void *, size_t)
REAL(writev, ssize_t, int, const struct iovec *, int)
REAL(pwrite, ssize_t, int, const void *, size_t, off_t)
REAL(pwrite64, ssize_t, int, const void *, size_t, off_t)
REAL(lseek, off_t, int, off_t, int)
REAL(ftruncate, int, int, off_t)
REAL(close, int, int)

static void init(void) {
  if (n_dirs >= 0) return;
  n_dirs = 0;
  const char *d = getenv("PF_FUSE_DIRS");
  while (d && *d && n_dirs < 8) {
    size_t n = strcspn(d, ":");
    if (n && n < PATH_MAX) {
      memcpy(dirs[n_dirs], d, n);
      dirs[n_dirs][n] = 0;
      while (n > 1 && dirs[n_dirs][n - 1] == '/') dirs[n_dirs][--n] = 0;
      n_dirs++;
    }
    d += n;
    if (*d == ':') d++;
  }
  const char *f = getenv("PF_FUSE_FAIL_AFTER");
  if (f && *f) fail_after = atoll(f);
}

static void log_line(const char *what, const char *path) {
  const char *p = getenv("PF_FUSE_LOG");
  if (!p || !*p) return;
  resolve_open();
  resolve_write();
  resolve_close();
  int fd = real_open(p, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return;
  char line[PATH_MAX + 64];
  int n = snprintf(line, sizeof line, "%s %s\n", what, path);
  if (n > 0) (void)real_write(fd, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
  real_close(fd);
}

/* The absolute form of path relative to dirfd. */
static void absolute(int dirfd, const char *path, char *out) {
  if (!path) {
    out[0] = 0;
    return;
  }
  if (path[0] == '/') {
    snprintf(out, PATH_MAX, "%s", path);
    return;
  }
  char base[PATH_MAX] = "";
  if (dirfd == AT_FDCWD) {
    if (!getcwd(base, sizeof base)) base[0] = 0;
  } else {
    char proc[64];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", dirfd);
    ssize_t n = readlink(proc, base, sizeof base - 1);
    base[n > 0 ? n : 0] = 0;
  }
  int n = snprintf(out, PATH_MAX, "%s/%s", base, path);
  if (n < 0 || n >= PATH_MAX) out[0] = 0; /* too long to judge: not restricted */
}

static int restricted_at(int dirfd, const char *path, char *abs) {
  init();
  absolute(dirfd, path, abs);
  for (int i = 0; i < n_dirs; i++) {
    size_t n = strlen(dirs[i]);
    if (strncmp(abs, dirs[i], n) == 0 && (abs[n] == '/' || abs[n] == 0)) return 1;
  }
  return 0;
}

static int refuse(const char *call, int e, const char *path) {
  char what[64];
  snprintf(what, sizeof what, "%s %s", call, e == ENOSYS ? "ENOSYS" : e == EPERM ? "EPERM" : "EOPNOTSUPP");
  log_line(what, path);
  errno = e;
  return -1;
}

/* ---- rename and link ---- */

int renameat2(int od, const char *o, int nd, const char *n, unsigned flags) {
  char a[PATH_MAX], b[PATH_MAX];
  if (restricted_at(od, o, a) | restricted_at(nd, n, b)) return refuse("rename", ENOSYS, b[0] ? b : a);
  resolve_renameat2();
  return real_renameat2(od, o, nd, n, flags);
}
int renameat(int od, const char *o, int nd, const char *n) {
  char a[PATH_MAX], b[PATH_MAX];
  if (restricted_at(od, o, a) | restricted_at(nd, n, b)) return refuse("rename", ENOSYS, b[0] ? b : a);
  resolve_renameat();
  return real_renameat(od, o, nd, n);
}
int rename(const char *o, const char *n) {
  char a[PATH_MAX], b[PATH_MAX];
  if (restricted_at(AT_FDCWD, o, a) | restricted_at(AT_FDCWD, n, b)) return refuse("rename", ENOSYS, b[0] ? b : a);
  resolve_rename();
  return real_rename(o, n);
}
int linkat(int od, const char *o, int nd, const char *n, int flags) {
  char a[PATH_MAX], b[PATH_MAX];
  if (restricted_at(od, o, a) | restricted_at(nd, n, b)) return refuse("link", ENOSYS, b[0] ? b : a);
  resolve_linkat();
  return real_linkat(od, o, nd, n, flags);
}
int link(const char *o, const char *n) {
  char a[PATH_MAX], b[PATH_MAX];
  if (restricted_at(AT_FDCWD, o, a) | restricted_at(AT_FDCWD, n, b)) return refuse("link", ENOSYS, b[0] ? b : a);
  resolve_link();
  return real_link(o, n);
}
int symlinkat(const char *t, int nd, const char *n) {
  char b[PATH_MAX];
  if (restricted_at(nd, n, b)) return refuse("symlink", EPERM, b);
  resolve_symlinkat();
  return real_symlinkat(t, nd, n);
}
int symlink(const char *t, const char *n) {
  char b[PATH_MAX];
  if (restricted_at(AT_FDCWD, n, b)) return refuse("symlink", EPERM, b);
  resolve_symlink();
  return real_symlink(t, n);
}

REAL(mkdir, int, const char *, mode_t)

int mkdir(const char *path, mode_t m) {
  char a[PATH_MAX];
  const char *deny = getenv("PF_FUSE_DENY");
  if (deny && !strcmp(deny, "write") && restricted_at(AT_FDCWD, path, a)) {
    errno = EACCES;
    return -1;
  }
  resolve_mkdir();
  return real_mkdir(path, m);
}

/* ---- open ---- */

static void track(int fd, int flags, const char *abs) {
  if (fd < 0 || fd >= MAX_FD || (flags & O_ACCMODE) == O_RDONLY) return;
  pthread_mutex_lock(&lock);
  write_end[fd] = 1; /* next write at offset 0 */
  pthread_mutex_unlock(&lock);
  if (flags & O_CREAT) log_line("create", abs);
}

/* -1 with errno set when the open must be refused, else 0. */
static int check_open(int dirfd, const char *path, int flags, char *abs) {
  if (!restricted_at(dirfd, path, abs)) {
    abs[0] = 0;
    return 0;
  }
#ifdef O_TMPFILE
  if ((flags & O_TMPFILE) == O_TMPFILE) return refuse("open(O_TMPFILE)", EOPNOTSUPP, abs);
#endif
  if ((flags & O_APPEND) && (flags & O_ACCMODE) != O_RDONLY) return refuse("open(O_APPEND)", EPERM, abs);
  const char *deny = getenv("PF_FUSE_DENY");
  int writing = (flags & O_ACCMODE) != O_RDONLY || (flags & O_CREAT);
  if (deny && !strcmp(deny, writing ? "write" : "read")) {
    errno = EACCES;
    return -1;
  }
  return 0;
}

static mode_t mode_arg(int flags, va_list ap) {
  int needs = (flags & O_CREAT) != 0;
#ifdef O_TMPFILE
  needs = needs || (flags & O_TMPFILE) == O_TMPFILE;
#endif
  return needs ? (mode_t)va_arg(ap, int) : 0;
}

/* Every open is an openat (64-bit offsets are the only ones on the 64-bit
 * systems this runs on). */
static int shim_open(int dirfd, const char *path, int flags, mode_t m) {
  char abs[PATH_MAX];
  if (check_open(dirfd, path, flags, abs)) return -1;
  if (abs[0] && getenv("PF_FUSE_LOG_OPENS")) log_line("open", abs);
  resolve_openat();
  int fd = real_openat(dirfd, path, flags, m);
  if (abs[0]) track(fd, flags, abs);
  return fd;
}

#define MODE_OF(flags) \
  va_list ap;          \
  va_start(ap, flags); \
  mode_t m = mode_arg(flags, ap); \
  va_end(ap)

int open(const char *path, int flags, ...) {
  MODE_OF(flags);
  return shim_open(AT_FDCWD, path, flags, m);
}
int open64(const char *path, int flags, ...) {
  MODE_OF(flags);
  return shim_open(AT_FDCWD, path, flags, m);
}
int openat(int dirfd, const char *path, int flags, ...) {
  MODE_OF(flags);
  return shim_open(dirfd, path, flags, m);
}
int openat64(int dirfd, const char *path, int flags, ...) {
  MODE_OF(flags);
  return shim_open(dirfd, path, flags, m);
}
int creat(const char *path, mode_t m) { return open(path, O_WRONLY | O_CREAT | O_TRUNC, m); }

/* ---- sequential writes only ---- */

/* For a tracked fd: 0 when a write of n bytes at off may go ahead, else -1
 * with errno (EPERM: not at the end; EIO: the injected failure). */
static int check_write(int fd, off_t off, size_t n) {
  if (fd < 0 || fd >= MAX_FD) return 0;
  pthread_mutex_lock(&lock);
  off_t end = write_end[fd];
  int e = 0;
  if (end && off != end - 1) e = EPERM;
  else if (end && fail_after >= 0 && written_total + (long long)n > fail_after) e = EIO;
  pthread_mutex_unlock(&lock);
  if (!e) return 0;
  log_line(e == EPERM ? "write EPERM" : "write EIO", e == EPERM ? "(not at the end of the file)" : "(injected)");
  errno = e;
  return -1;
}

static int tracked(int fd) {
  if (fd < 0 || fd >= MAX_FD) return 0;
  pthread_mutex_lock(&lock);
  int t = write_end[fd] != 0;
  pthread_mutex_unlock(&lock);
  return t;
}

static void wrote(int fd, off_t off, ssize_t k) {
  if (k <= 0 || fd < 0 || fd >= MAX_FD) return;
  pthread_mutex_lock(&lock);
  if (write_end[fd]) {
    write_end[fd] = off + k + 1;
    written_total += k;
  }
  pthread_mutex_unlock(&lock);
}

ssize_t write(int fd, const void *buf, size_t n) {
  resolve_write();
  if (!tracked(fd)) return real_write(fd, buf, n);
  resolve_lseek();
  off_t pos = real_lseek(fd, 0, SEEK_CUR);
  if (check_write(fd, pos, n)) return -1;
  ssize_t k = real_write(fd, buf, n);
  wrote(fd, pos, k);
  return k;
}
/* writev: the same rules as write, for the bytes of all the pieces. */
ssize_t writev(int fd, const struct iovec *iov, int n) {
  resolve_writev();
  if (!tracked(fd)) return real_writev(fd, iov, n);
  size_t total = 0;
  for (int i = 0; i < n; i++) total += iov[i].iov_len;
  resolve_lseek();
  off_t pos = real_lseek(fd, 0, SEEK_CUR);
  if (check_write(fd, pos, total)) return -1;
  ssize_t k = real_writev(fd, iov, n);
  wrote(fd, pos, k);
  return k;
}
static ssize_t checked_pwrite(ssize_t (*fn)(int, const void *, size_t, off_t), int fd, const void *buf, size_t n,
                              off_t off) {
  if (tracked(fd) && check_write(fd, off, n)) return -1;
  ssize_t k = fn(fd, buf, n, off);
  if (tracked(fd)) wrote(fd, off, k);
  return k;
}
ssize_t pwrite(int fd, const void *buf, size_t n, off_t off) {
  resolve_pwrite();
  return checked_pwrite(real_pwrite, fd, buf, n, off);
}
ssize_t pwrite64(int fd, const void *buf, size_t n, off_t off) {
  resolve_pwrite64();
  return checked_pwrite(real_pwrite64, fd, buf, n, off);
}
int ftruncate(int fd, off_t len) {
  resolve_ftruncate();
  if (tracked(fd)) {
    pthread_mutex_lock(&lock);
    off_t end = write_end[fd] - 1;
    pthread_mutex_unlock(&lock);
    if (len != end) return refuse("ftruncate", EPERM, "(not at the end of the file)");
  }
  return real_ftruncate(fd, len);
}
int close(int fd) {
  if (fd >= 0 && fd < MAX_FD) {
    pthread_mutex_lock(&lock);
    write_end[fd] = 0;
    pthread_mutex_unlock(&lock);
  }
  resolve_close();
  return real_close(fd);
}

/* volume_fs.c - metadata of files and directories, on Volumes or anywhere:
 * pf_path_stat, pf_path_check and the streamed pf_dir_list (what
 * forge.volumes and `pyforge info DIRECTORY` are built on).
 *
 * A listing holds one open directory per level it is inside, never the
 * entries themselves, so a directory of 100,000 files lists in the same
 * memory as one of ten. Symbolic links are listed as links and never
 * followed (a link cannot take a walk outside the directory asked about).
 */
#include <dirent.h>
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
#include "core/format_api.h"
#include "env/env.h"

#define MAX_DEPTH 256

typedef struct frame {
  DIR *dir;
  size_t rel_len; /* length of the relative path of this directory (+ '/') */
} frame;

struct pf_dir_list {
  char *root;              /* the local path listed                        */
  unsigned flags;
  frame stack[MAX_DEPTH];  /* open directories, outermost first            */
  int depth;               /* frames in use                                */
  pf__buf rel;             /* relative path of the current entry           */
  int descend;             /* the last entry returned is a directory to
                              enter on the next call                       */
  pf_dir_entry entry;
};

static int64_t mtime_ns(const struct stat *sb) {
  return (int64_t)sb->st_mtim.tv_sec * 1000000000 + (int64_t)sb->st_mtim.tv_nsec;
}

static pf_entry_kind kind_of(mode_t m) {
  return S_ISREG(m) ? PF_ENTRY_FILE : S_ISDIR(m) ? PF_ENTRY_DIR : PF_ENTRY_OTHER;
}

/* An errno on path as an error: the Volume explanation when there is one. */
static pf_status fs_error(const char *path, int e, pf_error *err) {
  pf_status st = pf__volume_io_error(path, e, 0, err);
  if (st != PF_OK) return st;
  pf__error_file(err, path);
  if (e == ENOENT) return pf__error_set(err, PF_ENOTFOUND, "no such file or directory");
  if (e == EACCES || e == EPERM) return pf__error_set(err, PF_EINPUT, "permission denied");
  return pf__error_set(err, PF_EINPUT, "cannot read %s: %s", path, strerror(e));
}

static pf_status localize(const char *path, char **owned, const char **local, pf_error *err) {
  if (!path || !*path) return pf__error_set(err, PF_EINVAL, "no path given");
  PF_TRY(pf__volume_localize(path, owned, err));
  *local = *owned ? *owned : path;
  return PF_OK;
}

/* ---- listing ---- */

pf_status pf_dir_list_open(const char *path, unsigned flags, pf_dir_list **out, pf_error *err) {
  if (!out) return pf__error_set(err, PF_EINVAL, "pf_dir_list_open needs somewhere to put the list");
  *out = NULL;
  char *owned = NULL;
  const char *local = NULL;
  PF_TRY(localize(path, &owned, &local, err));
  pf_dir_list *l = calloc(1, sizeof *l);
  if (!l || !(l->root = pf__strdup(local))) {
    free(l);
    free(owned);
    return pf__error_set(err, PF_ENOMEM, "out of memory");
  }
  free(owned);
  l->flags = flags;
  pf__buf_init(&l->rel, PATH_MAX * 4);
  l->stack[0].dir = opendir(l->root);
  if (!l->stack[0].dir) {
    int e = errno;
    pf_status st;
    if (e == ENOTDIR) {
      pf__error_file(err, l->root);
      st = pf__error_set(err, PF_EINVAL, "%s is not a directory", l->root);
    } else {
      st = fs_error(l->root, e, err);
    }
    pf_dir_list_close(l);
    return st;
  }
  l->depth = 1;
  *out = l;
  return PF_OK;
}

/* Enters the directory returned last (recursive listings). */
static pf_status enter(pf_dir_list *l, pf_error *err) {
  l->descend = 0;
  if (l->depth >= MAX_DEPTH) {
    pf__error_file(err, l->root);
    return pf__error_set(err, PF_ELIMIT, "directories nested deeper than %d levels under %s (at %s)", MAX_DEPTH,
                         l->root, (char *)l->rel.data);
  }
  frame *top = &l->stack[l->depth - 1];
  int fd = openat(dirfd(top->dir), l->entry.name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
  if (!d) {
    int e = errno;
    if (fd >= 0) close(fd);
    char *full = pf__aprintf("%s/%s", l->root, (char *)l->rel.data);
    pf_status st = fs_error(full ? full : l->root, e, err);
    free(full);
    return st;
  }
  PF_TRY(pf__buf_putc(&l->rel, '/'));
  l->stack[l->depth].dir = d;
  l->stack[l->depth].rel_len = l->rel.len;
  l->depth++;
  return PF_OK;
}

pf_status pf_dir_list_next(pf_dir_list *l, const pf_dir_entry **entry, pf_error *err) {
  *entry = NULL;
  if (!l) return pf__error_set(err, PF_EINVAL, "no listing");
  if (l->descend) PF_TRY(enter(l, err));
  while (l->depth > 0) {
    frame *top = &l->stack[l->depth - 1];
    errno = 0;
    struct dirent *de = readdir(top->dir);
    if (!de) {
      if (errno) return fs_error(l->root, errno, err);
      closedir(top->dir);
      top->dir = NULL;
      l->depth--;
      continue;
    }
    if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) continue;
    struct stat sb;
    if (fstatat(dirfd(top->dir), de->d_name, &sb, AT_SYMLINK_NOFOLLOW) != 0) {
      if (errno == ENOENT) continue; /* removed while listing */
      return fs_error(l->root, errno, err);
    }
    l->rel.len = top->rel_len;
    PF_TRY(pf__buf_puts(&l->rel, de->d_name));
    l->entry.path = (const char *)l->rel.data;
    l->entry.name = l->entry.path + top->rel_len;
    l->entry.kind = kind_of(sb.st_mode);
    l->entry.size = S_ISREG(sb.st_mode) ? (uint64_t)sb.st_size : 0;
    l->entry.mtime_ns = mtime_ns(&sb);
    l->entry.depth = l->depth - 1;
    l->descend = (l->flags & PF_STAT_RECURSIVE) && l->entry.kind == PF_ENTRY_DIR;
    *entry = &l->entry;
    return PF_OK;
  }
  return PF_OK;
}

void pf_dir_list_close(pf_dir_list *l) {
  if (!l) return;
  for (int i = 0; i < l->depth; i++)
    if (l->stack[i].dir) closedir(l->stack[i].dir);
  pf__buf_free(&l->rel);
  free(l->root);
  free(l);
}

/* ---- metadata ---- */

static pf_status dir_totals(const char *local, unsigned flags, pf_path_info *info, pf_error *err) {
  pf_dir_list *l = NULL;
  PF_TRY(pf_dir_list_open(local, flags & PF_STAT_RECURSIVE, &l, err));
  pf_status st = PF_OK;
  for (;;) {
    const pf_dir_entry *e = NULL;
    st = pf_dir_list_next(l, &e, err);
    if (st != PF_OK || !e) break;
    if (e->kind == PF_ENTRY_FILE) {
      info->files++;
      info->size += e->size;
      if (e->mtime_ns > info->newest_mtime_ns) info->newest_mtime_ns = e->mtime_ns;
    } else if (e->kind == PF_ENTRY_DIR) {
      info->dirs++;
    } else {
      info->others++;
    }
  }
  pf_dir_list_close(l);
  return st;
}

pf_status pf_path_stat(const char *path, unsigned flags, pf_path_info *info, pf_error *err) {
  if (!info) return pf__error_set(err, PF_EINVAL, "pf_path_stat needs somewhere to put the result");
  memset(info, 0, sizeof *info);
  char *owned = NULL;
  const char *local = NULL;
  PF_TRY(localize(path, &owned, &local, err));
  struct stat sb;
  pf_status st = PF_OK;
  if (stat(local, &sb) != 0) {
    st = fs_error(local, errno, err);
  } else {
    info->kind = kind_of(sb.st_mode);
    info->size = S_ISREG(sb.st_mode) ? (uint64_t)sb.st_size : 0;
    info->mtime_ns = mtime_ns(&sb);
    if (info->kind == PF_ENTRY_DIR && (flags & (PF_STAT_TOTALS | PF_STAT_RECURSIVE)))
      st = dir_totals(local, flags, info, err);
  }
  free(owned);
  return st;
}

static pf_status check_write(const char *local, pf_error *err) {
  PF_TRY(pf__volume_check_runtime(local, err));
  char dir[PATH_MAX];
  const char *slash = strrchr(local, '/');
  snprintf(dir, sizeof dir, "%.*s", slash && slash != local ? (int)(slash - local) : 1, slash ? local : ".");
  struct stat sb;
  int e = 0;
  if (stat(dir, &sb) != 0) e = errno;
  else if (!S_ISDIR(sb.st_mode)) e = ENOTDIR;
  else if (access(dir, W_OK | X_OK) != 0) e = errno;
  if (!e) return PF_OK;
  pf_status st = pf__volume_io_error(local, e, 1, err);
  if (st != PF_OK) return st;
  pf__error_file(err, local);
  if (e == ENOENT) return pf__error_set(err, PF_EOUTPUT, "cannot write %s: directory %s does not exist", local, dir);
  return pf__error_set(err, PF_EOUTPUT, "cannot write %s: %s: %s", local, dir, strerror(e));
}

pf_status pf_path_check(const char *path, unsigned what, pf_error *err) {
  char *owned = NULL;
  const char *local = NULL;
  PF_TRY(localize(path, &owned, &local, err));
  pf_status st = PF_OK;
  if (what & PF_CHECK_READ) {
    int fd = open(local, O_RDONLY | O_CLOEXEC);
    if (fd < 0) st = fs_error(local, errno, err);
    else close(fd);
  }
  if (st == PF_OK && (what & PF_CHECK_WRITE)) st = check_write(local, err);
  free(owned);
  return st;
}

/* ---- info on a directory ---- */

static void fmt_time(int64_t ns, char *buf, size_t n) {
  time_t t = (time_t)(ns / 1000000000);
  struct tm tm;
  if (gmtime_r(&t, &tm)) strftime(buf, n, "%Y-%m-%d %H:%M:%S UTC", &tm);
  else snprintf(buf, n, "?");
}

pf_status pf__dir_info(const char *path, pf_info *info, pf_error *err) {
  pf_path_info pi;
  PF_TRY(pf_path_stat(path, PF_STAT_TOTALS | PF_STAT_RECURSIVE, &pi, err));
  info->path = pf__strdup(path);
  info->format = pf__strdup("directory");
  info->size_bytes = pi.size;
  info->rows = -1;
  if (!info->path || !info->format) return pf__error_set(err, PF_ENOMEM, "out of memory");
  char *name = NULL, *uri = NULL;
  pf_status st = pf__volume_describe(path, &name, &uri);
  if (st == PF_OK && name) st = pf__info_prop(info, "volume", "%s", name);
  if (st == PF_OK && uri) st = pf__info_prop(info, "uri", "%s", uri);
  free(name);
  free(uri);
  char when[64];
  if (st == PF_OK) st = pf__info_prop(info, "files", "%llu", (unsigned long long)pi.files);
  if (st == PF_OK) st = pf__info_prop(info, "directories", "%llu", (unsigned long long)pi.dirs);
  if (st == PF_OK && pi.others) st = pf__info_prop(info, "other_entries", "%llu (links are not followed)",
                                                   (unsigned long long)pi.others);
  if (st == PF_OK && pi.files) {
    fmt_time(pi.newest_mtime_ns, when, sizeof when);
    st = pf__info_prop(info, "newest_file", "%s", when);
  }
  fmt_time(pi.mtime_ns, when, sizeof when);
  if (st == PF_OK) st = pf__info_prop(info, "modified", "%s", when);
  return st == PF_OK ? PF_OK : pf__error_set(err, st, "out of memory");
}

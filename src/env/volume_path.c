/* volume_path.c - Unity Catalog Volume paths: recognised, checked, mapped to
 * where this process reaches them, and explained when something is wrong.
 *
 * A Volume path is /Volumes/<catalog>/<schema>/<volume>/<path>; Databricks
 * also spells it dbfs:/Volumes/... (what JVM code takes) and, on classic
 * compute, /dbfs/Volumes/... All three name the same file, reached through
 * the FUSE mount at /Volumes (a test may move that root: env_settings.c).
 * Catalog, schema and volume are Unity Catalog names: at most 255
 * characters, no period, space, slash, ASCII control character or DEL.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"
#include "engine/plan.h"
#include "env/env.h"

#define SHAPE "/Volumes/<catalog>/<schema>/<volume>/..."

static const char *const part_names[3] = {"<catalog>", "<schema>", "<volume>"};

/* Where the Volume part of a path starts (after its prefix), or NULL when
 * the path is not spelled as a Volume path. */
static const char *volume_rest(const char *path) {
  static const char *const prefixes[] = {"dbfs:/Volumes", "/dbfs/Volumes", "/Volumes"};
  for (size_t i = 0; i < sizeof prefixes / sizeof *prefixes; i++) {
    size_t n = strlen(prefixes[i]);
    if (strncmp(path, prefixes[i], n) == 0 && (path[n] == '/' || path[n] == 0)) return path + n;
  }
  return NULL;
}

/* Why a Unity Catalog name is not one, or NULL when it is. */
static const char *bad_name(const char *s, size_t n) {
  if (n == 0) return "is empty";
  if (n > 255) return "is longer than 255 characters";
  if ((n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.')) return "is '.' or '..', not a name";
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '.') return "holds a period, which Unity Catalog names cannot";
    if (c == ' ') return "holds a space, which Unity Catalog names cannot";
    if (c < 0x20 || c == 0x7f) return "holds a control character, which Unity Catalog names cannot";
  }
  return NULL;
}

static pf_status malformed(const char *path, const char *part, const char *why, pf_error *err) {
  pf__error_file(err, path);
  return pf__error_set(err, PF_EINVAL, "a Unity Catalog Volume path must look like " SHAPE "; in '%s' the %s part %s",
                       path, part, why);
}

void pf_volume_path_free(pf_volume_path *p) {
  if (!p) return;
  free(p->catalog);
  free(p->schema);
  free(p->volume);
  free(p->subpath);
  free(p->full_name);
  free(p->fuse_path);
  free(p->uri);
  free(p->local_path);
  free(p);
}

/* Splits rest ("/c/s/v/sub...") into the three names and the subpath. */
static pf_status split_volume(const char *path, const char *rest, pf_volume_path *v, pf_error *err) {
  const char *p = rest;
  char **names[3] = {&v->catalog, &v->schema, &v->volume};
  for (int k = 0; k < 3; k++) {
    if (*p != '/' || p[1] == 0)
      return malformed(path, part_names[k], "is missing", err);
    p++;
    size_t n = strcspn(p, "/");
    const char *why = bad_name(p, n);
    if (why) return malformed(path, part_names[k], why, err);
    *names[k] = pf__strndup(p, n);
    if (!*names[k]) return PF_ENOMEM;
    p += n;
  }
  while (*p == '/') p++;
  /* the path inside the volume must stay inside it */
  for (const char *c = p; *c;) {
    size_t n = strcspn(c, "/");
    if (n == 2 && c[0] == '.' && c[1] == '.')
      return malformed(path, "<path>", "holds '..', which would leave the volume", err);
    c += n;
    while (*c == '/') c++;
  }
  size_t sl = strlen(p);
  while (sl && p[sl - 1] == '/') sl--;
  v->subpath = pf__strndup(p, sl);
  return v->subpath ? PF_OK : PF_ENOMEM;
}

pf_status pf_volume_path_parse(const char *path, pf_volume_path **out, pf_error *err) {
  if (!out) return pf__error_set(err, PF_EINVAL, "pf_volume_path_parse needs somewhere to put the result");
  *out = NULL;
  if (!path || !*path) return pf__error_set(err, PF_EINVAL, "no path given");
  pf_volume_path *v = calloc(1, sizeof *v);
  if (!v) return pf__error_set(err, PF_ENOMEM, "out of memory");
  pf_status st = PF_OK;
  const char *rest = volume_rest(path);
  if (rest) {
    v->kind = PF_PATH_VOLUME;
    st = split_volume(path, rest, v, err);
    if (st == PF_OK) {
      const char *sep = v->subpath[0] ? "/" : "";
      v->full_name = pf__aprintf("%s.%s.%s", v->catalog, v->schema, v->volume);
      v->fuse_path = pf__aprintf("/Volumes/%s/%s/%s%s%s", v->catalog, v->schema, v->volume, sep, v->subpath);
      v->uri = pf__aprintf("dbfs:/Volumes/%s/%s/%s%s%s", v->catalog, v->schema, v->volume, sep, v->subpath);
      v->local_path = pf__aprintf("%s/%s/%s/%s%s%s", pf__env_volumes_root(), v->catalog, v->schema, v->volume, sep,
                                  v->subpath);
      if (!v->full_name || !v->fuse_path || !v->uri || !v->local_path) st = PF_ENOMEM;
    }
  } else if (strncmp(path, "dbfs:", 5) == 0) {
    v->kind = PF_PATH_DBFS;
    v->uri = pf__strdup(path);
    if (!v->uri) st = PF_ENOMEM;
  } else {
    v->kind = PF_PATH_LOCAL;
    v->local_path = pf__strdup(path);
    if (!v->local_path) st = PF_ENOMEM;
  }
  if (st != PF_OK) {
    pf_volume_path_free(v);
    return st == PF_ENOMEM ? pf__error_set(err, st, "out of memory") : st;
  }
  *out = v;
  return PF_OK;
}

/* ---- where a path is ---- */

/* root without trailing slashes: its length. */
static size_t root_len(const char *root) {
  size_t n = strlen(root);
  while (n > 1 && root[n - 1] == '/') n--;
  return n;
}

/* Where the Volume-relative part ("c/s/v/...") of a local path starts, or
 * NULL when the path is not under a Volumes mount. */
static const char *under_root(const char *path) {
  const char *root = pf__env_volumes_root();
  size_t n = root_len(root);
  if (strncmp(path, root, n) == 0 && path[n] == '/') return path + n + 1;
  const char *rest = volume_rest(path);
  if (rest && path[0] == '/') return *rest == '/' ? rest + 1 : rest;
  return NULL;
}

/* The Volume-relative part of path ("c/s/v/..."), or NULL when path is not
 * on a Volume. A relative path is judged by where its directory really is
 * (the current directory may be inside a Volume); abs (PATH_MAX bytes)
 * holds the absolute form then. */
static const char *volume_rel(const char *path, char *abs) {
  if (!path || !*path) return NULL;
  if (path[0] == '/') return under_root(path);
  char dir[PATH_MAX], real[PATH_MAX];
  const char *slash = strrchr(path, '/');
  snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - path) : 1, slash ? path : ".");
  if (!realpath(dir, real)) return NULL;
  int n = snprintf(abs, PATH_MAX, "%s/%s", real, slash ? slash + 1 : path);
  return n > 0 && n < PATH_MAX ? under_root(abs) : NULL;
}

int pf__volume_is_local(const char *path) {
  char abs[PATH_MAX];
  return volume_rel(path, abs) != NULL;
}

pf_status pf__volume_localize(const char *path, char **local, pf_error *err) {
  *local = NULL;
  if (!path || strcmp(path, "-") == 0) return PF_OK;
  pf_volume_path *v = NULL;
  PF_TRY(pf_volume_path_parse(path, &v, err));
  pf_status st = PF_OK;
  if (v->kind == PF_PATH_VOLUME) {
    *local = v->local_path;
    v->local_path = NULL;
  } else if (v->kind == PF_PATH_DBFS) {
    pf__error_file(err, path);
    st = pf__error_set(err, PF_EUNSUPPORTED,
                       "%s is a DBFS path, not a Unity Catalog Volume; PyForge reads and writes local files and "
                       "Volumes (" SHAPE "), not DBFS: copy the file to a Volume (or, on classic compute, read it "
                       "through the /dbfs/ mount)",
                       path);
  }
  pf_volume_path_free(v);
  return st;
}

/* ---- what went wrong on a Volume ---- */

/* The three names of a local Volume path into c/s/v (empty when absent). */
static void names_of(const char *rel, char c[256], char s[256], char v[256]) {
  char *out[3] = {c, s, v};
  for (int k = 0; k < 3; k++) {
    size_t n = rel ? strcspn(rel, "/") : 0;
    snprintf(out[k], 256, "%.*s", (int)(n < 255 ? n : 255), rel ? rel : "");
    if (rel) rel = rel[n] == '/' ? rel + n + 1 : rel + n;
  }
}

static int is_dir(const char *p) {
  struct stat sb;
  return stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

pf_status pf__volume_io_error(const char *path, int e, int writing, pf_error *err) {
  char abs[PATH_MAX];
  const char *rel = volume_rel(path, abs);
  if (!rel) return PF_OK;
  char c[256], s[256], v[256];
  names_of(rel, c, s, v);
  const char *root = pf__env_volumes_root();
  pf_status fail = writing ? PF_EOUTPUT : (e == ENOENT ? PF_ENOTFOUND : PF_EINPUT);
  const char *privilege = writing ? "WRITE VOLUME" : "READ VOLUME";
  pf__error_file(err, path);
  if (!is_dir(root))
    return pf__error_set(err, fail,
                         "%s is on a Unity Catalog Volume, and Volumes are not available on this machine (no %s "
                         "mount): run this on Databricks, or copy the file to a local path",
                         path, root);
  char vol_dir[4096];
  snprintf(vol_dir, sizeof vol_dir, "%.*s/%s/%s/%s", (int)root_len(root), root, c, s, v);
  if (e == EACCES || e == EPERM)
    return pf__error_set(err, fail,
                         "permission denied: %s Volume %s.%s.%s needs the %s privilege on it (and USE CATALOG on %s, "
                         "USE SCHEMA on %s.%s); ask its owner to run GRANT %s ON VOLUME %s.%s.%s TO <you>",
                         writing ? "writing to" : "reading from", c, s, v, privilege, c, c, s, privilege, c, s, v);
  if (!c[0] || !s[0] || !v[0] || !is_dir(vol_dir))
    return pf__error_set(err, fail,
                         "Volume %s.%s.%s does not exist, or you cannot see it (USE CATALOG, USE SCHEMA and %s are "
                         "needed): check the name with SHOW VOLUMES IN %s.%s",
                         c[0] ? c : "<catalog>", s[0] ? s : "<schema>", v[0] ? v : "<volume>", privilege,
                         c[0] ? c : "<catalog>", s[0] ? s : "<schema>");
  if (e == ENOENT && writing)
    return pf__error_set(err, fail, "cannot write %s: its directory does not exist in Volume %s.%s.%s (create it first)",
                         path, c, s, v);
  if (e == ENOENT)
    return pf__error_set(err, fail,
                         "no such file in Volume %s.%s.%s (check the path; `pyforge info` on a directory of the "
                         "volume lists what it holds)",
                         c, s, v);
  return PF_OK; /* nothing Volume-specific to say */
}

pf_status pf__volume_describe(const char *path, char **full_name, char **uri) {
  *full_name = *uri = NULL;
  char abs[PATH_MAX];
  const char *rel = volume_rel(path, abs);
  if (!rel) return PF_OK;
  char c[256], s[256], v[256];
  names_of(rel, c, s, v);
  if (!c[0] || !s[0] || !v[0]) return PF_OK;
  size_t n = strlen(rel);
  while (n && rel[n - 1] == '/') n--;
  *full_name = pf__aprintf("%s.%s.%s", c, s, v);
  *uri = pf__aprintf("dbfs:/Volumes/%.*s", (int)n, rel);
  if (*full_name && *uri) return PF_OK;
  free(*full_name);
  free(*uri);
  *full_name = *uri = NULL;
  return PF_ENOMEM;
}

pf_status pf__volume_check_runtime(const char *path, pf_error *err) {
  if (!pf__volume_is_local(path)) return PF_OK;
  int on_db = 0;
  pf_compute_type type = PF_COMPUTE_LOCAL;
  pf_runtime_version rt, min = {0, 13, 3};
  PF_TRY(pf__env_cached_runtime(&on_db, &type, &rt));
  if (!on_db || type != PF_COMPUTE_CLASSIC || rt.major < 0 || pf_runtime_version_compare(&rt, &min) >= 0)
    return PF_OK;
  pf__error_file(err, path);
  return pf__error_set(err, PF_EUNSUPPORTED,
                       "cannot write %s: writing to a Unity Catalog Volume needs Databricks Runtime 13.3 LTS or newer, "
                       "and this cluster runs %d.%d, where such a write lands on the driver's ephemeral local disk "
                       "instead of the Volume; use a 13.3+ cluster or serverless compute",
                       path, rt.major, rt.minor);
}

/* ---- the engine's door ---- */

static pf_status check_volume_input(const char *local, pf_error *err) {
  if (!local || strcmp(local, "-") == 0 || !pf__volume_is_local(local)) return PF_OK;
  if (access(local, R_OK) == 0) return PF_OK;
  int e = errno;
  pf_status st = pf__volume_io_error(local, e, 0, err);
  return st;
}

static pf_status check_volume_output(const char *target, pf_error *err) {
  if (!pf__volume_is_local(target)) return PF_OK;
  PF_TRY(pf__volume_check_runtime(target, err));
  char dir[4096];
  const char *slash = strrchr(target, '/');
  snprintf(dir, sizeof dir, "%.*s", slash && slash != target ? (int)(slash - target) : 1, slash ? target : ".");
  struct stat sb;
  if (stat(dir, &sb) == 0) return PF_OK;
  return pf__volume_io_error(target, errno, 1, err);
}

/* Maps path into buf (unchanged paths are kept as they are). */
static pf_status localize_into(const char *path, char *buf, size_t n, const char **out, pf_error *err) {
  *out = path;
  char *local = NULL;
  PF_TRY(pf__volume_localize(path, &local, err));
  if (!local) return PF_OK;
  size_t len = strlen(local);
  if (len >= n) {
    free(local);
    pf__error_file(err, path);
    return pf__error_set(err, PF_EINVAL, "path too long: %s", path);
  }
  memcpy(buf, local, len + 1);
  free(local);
  *out = buf;
  return PF_OK;
}

pf_status pf__volume_localize_opts(const pf__opts *in, pf__local_paths *lp, pf_error *err) {
  lp->opts = *in;
  PF_TRY(localize_into(in->input, lp->input, sizeof lp->input, &lp->opts.input, err));
  PF_TRY(localize_into(in->output, lp->output, sizeof lp->output, &lp->opts.output, err));
  PF_TRY(localize_into(in->rejects_path, lp->rejects, sizeof lp->rejects, &lp->opts.rejects_path, err));
  if (lp->opts.rejects_path && *lp->opts.rejects_path) PF_TRY(check_volume_output(lp->opts.rejects_path, err));
  PF_TRY(check_volume_input(lp->opts.input, err));
  if (!lp->opts.input) return PF_OK;
  char target[4096];
  const char *t = lp->opts.output;
  if (!t && pf__default_output(&lp->opts, target, sizeof target, NULL) == PF_OK) t = target;
  return t ? check_volume_output(t, err) : PF_OK;
}

pf_status pf__volume_localize_target(const char *path, char **local, pf_error *err) {
  *local = NULL;
  char *mapped = NULL;
  PF_TRY(pf__volume_localize(path, &mapped, err));
  if (!mapped && !(mapped = pf__strdup(path))) return pf__error_set(err, PF_ENOMEM, "out of memory");
  /* the directory it goes in, as convert checks a file output's */
  size_t n = strlen(mapped);
  while (n > 1 && mapped[n - 1] == '/') n--;
  char *bare = pf__aprintf("%.*s", (int)n, mapped);
  pf_status st = bare ? check_volume_output(bare, err) : pf__error_set(err, PF_ENOMEM, "out of memory");
  free(bare);
  if (st != PF_OK) {
    free(mapped);
    return st;
  }
  *local = mapped;
  return PF_OK;
}

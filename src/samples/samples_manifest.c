/* samples_manifest.c - manifest.json: the list of sample files with their
 * sizes and SHA-256, read (strictly: a bundle's manifest is untrusted
 * input) and written atomically; hashing a file on disk. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/json_parse.h"
#include "io/output.h"
#include "samples/samples_internal.h"

#define MANIFEST_MAX (16u << 20)

/* A relative path that stays inside the destination. */
static int safe_path(const char *p) {
  if (!p[0] || p[0] == '/' || strchr(p, '\\') || strlen(p) > 512) return 0;
  for (const char *s = p; *s;) {
    size_t len = strcspn(s, "/");
    if (len == 0 || (len == 1 && s[0] == '.') || (len == 2 && s[0] == '.' && s[1] == '.')) return 0;
    for (size_t i = 0; i < len; i++)
      if ((unsigned char)s[i] < 0x20) return 0;
    s += len;
    if (*s == '/') s++;
    if (!*s && s[-1] == '/') return 0;
  }
  return strcmp(p, PF__SAMPLES_MANIFEST) != 0;
}

static int hex64(const char *s) {
  if (!s || strlen(s) != 64) return 0;
  for (; *s; s++)
    if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f'))) return 0;
  return 1;
}

static pf_status entry(const pf__json *e, size_t k, const char *what, pf_samples_result *r, pf_error *err) {
  const char *path = pf__json_string(pf__json_get(e, "path"));
  const char *sha = pf__json_string(pf__json_get(e, "sha256"));
  const char *ds = pf__json_string(pf__json_get(e, "dataset"));
  const char *fmt = pf__json_string(pf__json_get(e, "format"));
  const char *size = pf__json_string(pf__json_get(e, "size"));
  int64_t bytes;
  if (!path || !sha || !fmt || !size || !pf__json_int64(pf__json_get(e, "bytes"), &bytes) || bytes < 0)
    return pf__error_set(err, PF_EPARSE, "%s: file %zu lacks path, format, size, bytes or sha256", what, k + 1);
  if (!safe_path(path))
    return pf__error_set(err, PF_EPARSE, "%s: file %zu has the path '%s', which is not a plain relative path "
                         "inside the destination; the bundle is refused", what, k + 1, path);
  if (!hex64(sha))
    return pf__error_set(err, PF_EPARSE, "%s: %s: sha256 must be 64 lowercase hex digits", what, path);
  for (size_t i = 0; i < r->n_files; i++)
    if (!strcmp(r->files[i].path, path))
      return pf__error_set(err, PF_EPARSE, "%s: %s is listed twice", what, path);
  if (pf__samples_add(r, ds ? ds : "", fmt, size, path, (uint64_t)bytes, sha, PF_SAMPLE_AVAILABLE) != PF_OK)
    return pf__error_set(err, PF_ENOMEM, "out of memory");
  return PF_OK;
}

pf_status pf__samples_manifest_parse(const char *text, size_t n, const char *what, pf_samples_result *r,
                                     pf_error *err) {
  pf__json *root = NULL;
  pf__json_limits lim = {MANIFEST_MAX, 16};
  pf_status st = pf__json_parse(text, n, &lim, &root, err);
  if (st != PF_OK) {
    char why[1024];
    snprintf(why, sizeof why, "%s", err->message);
    return pf__error_set(err, st == PF_ENOMEM ? PF_ENOMEM : PF_EPARSE, "%s is not a valid manifest: %s", what, why);
  }
  const char *kind = pf__json_string(pf__json_get(root, "manifest"));
  const pf__json *files = pf__json_get(root, "files");
  if (!kind || strcmp(kind, "pyforge-samples/1") || !files || files->kind != PF__JSON_ARRAY) {
    st = pf__error_set(err, PF_EPARSE, "%s is not a PyForge samples manifest (\"manifest\": "
                       "\"pyforge-samples/1\" and a \"files\" list)", what);
  }
  const char *source = pf__json_string(pf__json_get(root, "source"));
  if (st == PF_OK && source && !r->source && !(r->source = pf__strdup(source)))
    st = pf__error_set(err, PF_ENOMEM, "out of memory");
  for (size_t k = 0; st == PF_OK && k < files->n; k++) st = entry(&files->items[k], k, what, r, err);
  pf__json_free(root);
  return st;
}

static pf_status read_all(const char *path, pf__buf *b, pf_error *err) {
  FILE *f = fopen(path, "rb");
  if (!f) return pf__error_set(err, errno == ENOENT ? PF_ENOTFOUND : PF_EINPUT, "cannot open %s: %s", path,
                               strerror(errno));
  char chunk[65536];
  size_t n;
  pf_status st = PF_OK;
  while (st == PF_OK && (n = fread(chunk, 1, sizeof chunk, f)) > 0) {
    st = pf__buf_append(b, chunk, n);
    if (st == PF_ELIMIT) pf__error_set(err, PF_ELIMIT, "%s is larger than a manifest may be (16 MiB)", path);
    else if (st != PF_OK) pf__error_set(err, st, "out of memory");
  }
  if (st == PF_OK && ferror(f)) st = pf__error_set(err, PF_EINPUT, "cannot read %s", path);
  fclose(f);
  return st;
}

pf_status pf__samples_manifest_load(const char *dest, pf_samples_result *r, pf_error *err) {
  char *path = pf__aprintf("%s/%s", dest, PF__SAMPLES_MANIFEST);
  if (!path) return pf__error_set(err, PF_ENOMEM, "out of memory");
  pf__buf b;
  pf__buf_init(&b, MANIFEST_MAX);
  pf_status st = read_all(path, &b, err);
  if (st == PF_ENOTFOUND)
    pf__error_set(err, PF_ENOTFOUND, "%s holds no sample datasets (no %s); install them with "
                  "pyforge install sample-datasets", dest, PF__SAMPLES_MANIFEST);
  if (st == PF_OK) st = pf__samples_manifest_parse((const char *)b.data, b.len, path, r, err);
  pf__buf_free(&b);
  free(path);
  return st;
}

pf_status pf__samples_manifest_save(const char *dest, pf_samples_result *r, pf_error *err) {
  pf__samples_sort(r);
  char *text = pf__samples_json(r, 1);
  char *path = pf__aprintf("%s/%s", dest, PF__SAMPLES_MANIFEST);
  pf__output *o = NULL;
  pf_status st = text && path ? PF_OK : pf__error_set(err, PF_ENOMEM, "out of memory");
  if (st == PF_OK) st = pf__output_open(path, 1, &o, err);
  if (st == PF_OK) st = pf__output_write(o, text, strlen(text), err);
  if (st == PF_OK) {
    st = pf__output_commit(o, err);
    o = NULL;
  }
  pf__output_abort(o);
  free(text);
  free(path);
  return st;
}

pf_status pf__samples_hash_file(const char *path, uint64_t *bytes, char hex[65], pf_error *err) {
  FILE *f = fopen(path, "rb");
  if (!f) return pf__error_set(err, errno == ENOENT ? PF_ENOTFOUND : PF_EINPUT, "cannot open %s: %s", path,
                               strerror(errno));
  static const size_t CHUNK = 1 << 20;
  char *chunk = malloc(CHUNK);
  if (!chunk) {
    fclose(f);
    return pf__error_set(err, PF_ENOMEM, "out of memory");
  }
  pf__sha256 c;
  pf__sha256_init(&c);
  size_t n;
  while ((n = fread(chunk, 1, CHUNK, f)) > 0) pf__sha256_update(&c, chunk, n);
  pf_status st = ferror(f) ? pf__error_set(err, PF_EINPUT, "cannot read %s", path) : PF_OK;
  fclose(f);
  free(chunk);
  *bytes = c.bytes;
  pf__sha256_hex(&c, hex);
  return st;
}

/* samples_bundle.c - installing a published bundle of sample datasets: a
 * manifest.json (as PyForge writes into every destination) and the files it
 * names, in a directory or at an http(s):// URL. The bundle is untrusted:
 * its manifest must be well formed with safe relative paths, a directory
 * bundle may hold nothing its manifest does not name, and every file is
 * staged as a temporary, counted and hashed on the way, and compared with
 * the manifest; only when every selected file matches are they all put in
 * place. Anything else refuses the bundle and leaves nothing behind. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "io/http_get.h"
#include "samples/samples_internal.h"

static int is_url(const char *s) { return !strncasecmp(s, "http://", 7) || !strncasecmp(s, "https://", 8); }

/* from without a trailing "/manifest.json" or "/" */
static char *bundle_base(const char *from) {
  char *b = pf__strdup(from);
  if (!b) return NULL;
  size_t n = strlen(b), m = strlen("/" PF__SAMPLES_MANIFEST);
  if (n > m && !strcmp(b + n - m, "/" PF__SAMPLES_MANIFEST)) b[n -= m] = 0;
  while (n > 1 && b[n - 1] == '/') b[--n] = 0;
  return b;
}

static pf_status to_buf(void *user, const void *p, size_t n, pf_error *err) {
  pf_status st = pf__buf_append(user, p, n);
  if (st == PF_ELIMIT) return pf__error_set(err, PF_ELIMIT, "the bundle's manifest is larger than 16 MiB");
  return st == PF_OK ? PF_OK : pf__error_set(err, st, "out of memory");
}

pf_status pf__samples_bundle_manifest(const char *from, pf_cancel *cancel, pf_samples_result *r, pf_error *err) {
  char *base = bundle_base(from);
  if (!base) return pf__error_set(err, PF_ENOMEM, "out of memory");
  pf_status st;
  if (is_url(base)) {
    char *url = pf__aprintf("%s/%s", base, PF__SAMPLES_MANIFEST);
    pf__buf b;
    pf__buf_init(&b, 16u << 20);
    st = url ? pf__http_get(url, to_buf, &b, cancel, err) : pf__error_set(err, PF_ENOMEM, "out of memory");
    if (st == PF_OK) st = pf__samples_manifest_parse((const char *)b.data, b.len, url, r, err);
    pf__buf_free(&b);
    free(url);
  } else {
    st = pf__samples_manifest_load(base, r, err);
    if (st == PF_ENOTFOUND)
      pf__error_set(err, PF_ENOTFOUND, "%s is not a sample bundle: it has no %s", base, PF__SAMPLES_MANIFEST);
  }
  free(r->source);
  r->source = base;
  return st;
}

/* A directory bundle holds only what its manifest names (and regular files). */
static pf_status only_named(const char *base, pf_samples_result *m, pf_error *err) {
  pf_dir_list *dl;
  PF_TRY(pf_dir_list_open(base, PF_STAT_RECURSIVE, &dl, err));
  const pf_dir_entry *e;
  pf_status st;
  while ((st = pf_dir_list_next(dl, &e, err)) == PF_OK && e) {
    if (e->kind == PF_ENTRY_DIR) continue;
    int named = e->kind == PF_ENTRY_FILE && !strcmp(e->path, PF__SAMPLES_MANIFEST);
    for (size_t i = 0; !named && e->kind == PF_ENTRY_FILE && i < m->n_files; i++)
      named = !strcmp(m->files[i].path, e->path);
    if (!named) {
      st = pf__error_set(err, PF_EINPUT, "the bundle %s holds %s, which %s; the bundle is refused and "
                         "nothing was installed", base, e->path,
                         e->kind == PF_ENTRY_FILE ? "its manifest does not name" : "is not a regular file");
      break;
    }
  }
  pf_dir_list_close(dl);
  return st;
}

typedef struct fetch {
  pf__sample_file *f;
  uint64_t limit; /* the manifest's size: more is refused at once */
} fetch;

static pf_status to_file(void *user, const void *p, size_t n, pf_error *err) {
  fetch *x = user;
  if (x->f->bytes + n > x->limit)
    return pf__error_set(err, PF_EINPUT, "%s is larger than the %llu bytes its manifest says; the bundle is "
                         "refused and nothing was installed", x->f->rel, (unsigned long long)x->limit);
  return pf__sample_write(x->f, p, n, err);
}

static pf_status copy_local(const char *src, fetch *x, pf_error *err) {
  FILE *in = fopen(src, "rb");
  if (!in) return pf__error_set(err, PF_EINPUT, "the bundle's file %s cannot be opened; the bundle is refused "
                                "and nothing was installed", src);
  char *chunk = malloc(1 << 20);
  pf_status st = chunk ? PF_OK : pf__error_set(err, PF_ENOMEM, "out of memory");
  size_t n;
  while (st == PF_OK && (n = fread(chunk, 1, 1 << 20, in)) > 0) st = to_file(x, chunk, n, err);
  if (st == PF_OK && ferror(in)) st = pf__error_set(err, PF_EINPUT, "cannot read %s", src);
  free(chunk);
  fclose(in);
  return st;
}

/* One file of the bundle into the set, checked against its manifest entry. */
static pf_status stage(const char *base, const pf_sample_file *m, pf__sample_set *set, pf_error *err) {
  fetch x = {NULL, m->bytes};
  PF_TRY(pf__sample_open(set, m->path, &x.f, err));
  char *src = pf__aprintf("%s/%s", base, m->path);
  if (!src) return pf__error_set(err, PF_ENOMEM, "out of memory");
  pf_status st = is_url(base) ? pf__http_get(src, to_file, &x, set->run->cancel, err) : copy_local(src, &x, err);
  free(src);
  if (st != PF_OK) return st;
  pf__sha256 c = x.f->sha;
  char hex[65];
  pf__sha256_hex(&c, hex);
  if (x.f->bytes != m->bytes)
    return pf__error_set(err, PF_EINPUT, "%s is truncated: %llu of the %llu bytes its manifest says; the "
                         "bundle is refused and nothing was installed",
                         m->path, (unsigned long long)x.f->bytes, (unsigned long long)m->bytes);
  if (strcmp(hex, m->sha256))
    return pf__error_set(err, PF_EINPUT, "%s has SHA-256 %s where its manifest says %s; the bundle is "
                         "refused and nothing was installed", m->path, hex, m->sha256);
  return PF_OK;
}

static pf_status select_files(const char *dest, const pf_samples_request *req, unsigned fb, unsigned sb,
                              pf_samples_result *m, pf_samples_result *have, pf_samples_result *out,
                              const pf_sample_file **todo, size_t *n_todo, uint64_t *total, pf_error *err) {
  size_t selected = 0;
  *n_todo = 0, *total = 0;
  for (size_t i = 0; i < m->n_files; i++) {
    const pf_sample_file *f = &m->files[i];
    if (!pf__samples_selected(f->format, f->size, fb, sb)) continue;
    selected++;
    int present;
    PF_TRY(pf__samples_check_existing(dest, f->path, have, req->force, &present, err));
    if (present && !req->force) {
      if (pf__samples_add(out, f->dataset, f->format, f->size, f->path, f->bytes, f->sha256, PF_SAMPLE_PRESENT))
        return pf__error_set(err, PF_ENOMEM, "out of memory");
      continue;
    }
    todo[(*n_todo)++] = f; /* room for every file of the manifest */
    *total += f->bytes;
  }
  if (!selected)
    return pf__error_set(err, PF_ENOTFOUND, "the bundle %s offers no file for the formats and sizes asked for",
                         m->source);
  return PF_OK;
}

pf_status pf__samples_from_bundle(const char *dest, const pf_samples_request *req, unsigned fb, unsigned sb,
                                  pf_samples_result *have, pf_samples_result *out, pf_error *err) {
  pf_samples_result m;
  memset(&m, 0, sizeof m);
  const pf_sample_file **todo = NULL;
  size_t n_todo = 0;
  pf__sample_run run = {req->progress, req->progress_user, req->cancel, 0, 0, 0, req->force};
  pf__sample_set set;
  memset(&set, 0, sizeof set);
  set.run = &run;
  set.dest = dest;
  pf_status st = pf__samples_bundle_manifest(req->from, req->cancel, &m, err);
  if (st == PF_OK && !is_url(m.source)) st = only_named(m.source, &m, err);
  if (st == PF_OK && !(todo = malloc((m.n_files ? m.n_files : 1) * sizeof *todo)))
    st = pf__error_set(err, PF_ENOMEM, "out of memory");
  if (st == PF_OK) st = select_files(dest, req, fb, sb, &m, have, out, todo, &n_todo, &run.total, err);
  for (size_t i = 0; st == PF_OK && i < n_todo; i++) st = stage(m.source, todo[i], &set, err);
  if (st == PF_OK) st = pf__sample_set_commit(&set, err);
  else pf__sample_set_abort(&set);
  if (st == PF_OK) st = pf__samples_verify(&set, err);
  for (size_t i = 0; st == PF_OK && i < n_todo; i++) {
    const pf_sample_file *f = todo[i];
    if (pf__samples_add(out, f->dataset, f->format, f->size, f->path, f->bytes, f->sha256, PF_SAMPLE_INSTALLED) ||
        pf__samples_upsert(have, f))
      st = pf__error_set(err, PF_ENOMEM, "out of memory");
  }
  if (st == PF_OK && n_todo) {
    free(have->source);
    have->source = pf__strdup(m.source);
    st = pf__samples_manifest_save(dest, have, err);
  }
  if (st == PF_OK && !(out->source = pf__strdup(m.source))) st = pf__error_set(err, PF_ENOMEM, "out of memory");
  pf__sample_set_free(&set);
  free(todo);
  pf_samples_result_free(&m);
  return st;
}

/* samples_install.c - pf_samples_install (generated datasets; bundles in
 * samples_bundle.c), pf_samples_installed, pf_samples_uninstall and
 * pf_samples_releases. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "io/output.h"
#include "samples/samples_internal.h"

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static pf_sample_file *find(pf_samples_result *r, const char *path) {
  for (size_t i = 0; i < r->n_files; i++)
    if (!strcmp(r->files[i].path, path)) return &r->files[i];
  return NULL;
}

pf_status pf__samples_upsert(pf_samples_result *have, const pf_sample_file *f) {
  pf_sample_file *old = find(have, f->path);
  if (old) {
    have->bytes -= old->bytes;
    old->bytes = f->bytes;
    have->bytes += f->bytes;
    memcpy(old->sha256, f->sha256, sizeof old->sha256);
    return PF_OK;
  }
  return pf__samples_add(have, f->dataset, f->format, f->size, f->path, f->bytes, f->sha256,
                         PF_SAMPLE_AVAILABLE);
}

pf_status pf__samples_check_existing(const char *dest, const char *rel, pf_samples_result *have, int force,
                                int *present, pf_error *err) {
  char *path = pf__aprintf("%s/%s", dest, rel);
  if (!path) return pf__error_set(err, PF_ENOMEM, "out of memory");
  struct stat sb;
  pf_status st = PF_OK;
  *present = 0;
  if (lstat(path, &sb) == 0) {
    pf_sample_file *m = find(have, rel);
    uint64_t bytes;
    char hex[65];
    if (m && S_ISREG(sb.st_mode) && pf__samples_hash_file(path, &bytes, hex, err) == PF_OK && bytes == m->bytes &&
        !strcmp(hex, m->sha256))
      *present = 1;
    else if (!force)
      st = pf__error_set(err, PF_EEXIST, "%s already exists and %s; use output.force to replace it", path,
                         m ? "differs from what the manifest lists" : "is not listed in the manifest");
  }
  free(path);
  return st;
}

pf_status pf__samples_verify(const pf__sample_set *set, pf_error *err) {
  for (size_t i = 0; i < set->n; i++) {
    const pf__sample_file *f = set->files[i];
    uint64_t bytes;
    char hex[65];
    PF_TRY(pf__samples_hash_file(f->target, &bytes, hex, err));
    if (bytes != f->bytes || strcmp(hex, f->hex))
      return pf__error_set(err, PF_EOUTPUT, "%s does not read back as written (%llu bytes, SHA-256 %s; "
                           "expected %llu, %s): the disk or file system altered it",
                           f->target, (unsigned long long)bytes, hex, (unsigned long long)f->bytes, f->hex);
  }
  return PF_OK;
}

static pf_status generate_one(const char *dest, const pf_sample_desc *d, pf__sample_run *run,
                              pf_samples_result *have, pf_samples_result *out, pf_error *err) {
  pf__sample_set set;
  memset(&set, 0, sizeof set);
  set.run = run;
  set.dest = dest;
  char dir[64];
  snprintf(dir, sizeof dir, "%s/%s", d->format, d->size);
  pf_status st = pf__sample_generator(d->format)(&set, dir, d->approx_bytes, err);
  if (st == PF_OK) st = pf__sample_set_commit(&set, err);
  else pf__sample_set_abort(&set);
  if (st == PF_OK) st = pf__samples_verify(&set, err);
  for (size_t i = 0; st == PF_OK && i < set.n; i++) {
    const pf__sample_file *f = set.files[i];
    if (pf__samples_add(out, d->name, d->format, d->size, f->rel, f->bytes, f->hex, PF_SAMPLE_INSTALLED) != PF_OK)
      st = pf__error_set(err, PF_ENOMEM, "out of memory");
    else st = pf__samples_upsert(have, &out->files[out->n_files - 1]) == PF_OK ? PF_OK
                                                                              : pf__error_set(err, PF_ENOMEM, "out of memory");
  }
  pf__sample_set_free(&set);
  return st;
}

/* Which catalogue entries to generate; the ones already present go to out. */
static pf_status plan(const char *dest, const pf_samples_request *req, unsigned fb, unsigned sb,
                      pf_samples_result *have, pf_samples_result *out, const pf_sample_desc **todo, size_t *n_todo,
                      uint64_t *total, pf_error *err) {
  const pf_sample_desc *cat;
  size_t n = pf_samples_catalog(&cat);
  *n_todo = 0, *total = 0;
  for (size_t i = 0; i < n; i++) {
    const pf_sample_desc *d = &cat[i];
    if (!d->generated || !pf__samples_selected(d->format, d->size, fb, sb)) continue;
    char files[256];
    snprintf(files, sizeof files, "%s", d->files);
    int all_present = 1;
    for (char *save, *rel = strtok_r(files, " ", &save); rel; rel = strtok_r(NULL, " ", &save)) {
      int present;
      PF_TRY(pf__samples_check_existing(dest, rel, have, req->force, &present, err));
      all_present &= present;
    }
    if (all_present && !req->force) {
      snprintf(files, sizeof files, "%s", d->files);
      for (char *save, *rel = strtok_r(files, " ", &save); rel; rel = strtok_r(NULL, " ", &save)) {
        pf_sample_file *m = find(have, rel);
        if (pf__samples_add(out, d->name, d->format, d->size, rel, m->bytes, m->sha256, PF_SAMPLE_PRESENT) != PF_OK)
          return pf__error_set(err, PF_ENOMEM, "out of memory");
      }
      continue;
    }
    todo[(*n_todo)++] = d;
    *total += d->approx_bytes;
  }
  return PF_OK;
}

static pf_status generate(const char *dest, const pf_samples_request *req, unsigned fb, unsigned sb,
                          pf_samples_result *have, pf_samples_result *out, pf_error *err) {
  if ((fb & (1u << 4)) && req->formats && strstr(req->formats, "access"))
    return pf__error_set(err, PF_EUNSUPPORTED, "Access databases cannot be generated here: no tool available "
                         "at run time writes .mdb/.accdb files; install them from a published bundle, a "
                         "directory or URL holding a manifest.json (the CLI's --from, Python's from_=)");
  const pf_sample_desc *todo[32];
  size_t n_todo;
  pf__sample_run run = {req->progress, req->progress_user, req->cancel, 0, 0, 0, req->force};
  PF_TRY(plan(dest, req, fb, sb, have, out, todo, &n_todo, &run.total, err));
  pf_status st = PF_OK;
  size_t finished = 0;
  for (size_t i = 0; st == PF_OK && i < n_todo; i++)
    if ((st = generate_one(dest, todo[i], &run, have, out, err)) == PF_OK) finished++;
  if (finished) {
    free(have->source);
    have->source = pf__aprintf("generated by pyforge %s", pf_version());
    pf_error merr;
    pf_error_init(&merr);
    /* the manifest names what finished, even when a later dataset failed */
    pf_status ms = pf__samples_manifest_save(dest, have, &merr);
    if (st == PF_OK && ms != PF_OK) {
      *err = merr;
      st = ms;
    }
  }
  if (st == PF_OK && run.progress) run.progress(run.progress_user, run.done, run.total, "bytes");
  return st;
}

static pf_status start(const char *dest, pf_samples_result *out, pf_error *err) {
  pf_error_init(err);
  if (!out) return pf__error_set(err, PF_EINVAL, "a samples call needs a result");
  memset(out, 0, sizeof *out);
  if (!dest || !*dest) return pf__error_set(err, PF_EINVAL, "the sample datasets need a destination directory");
  if (!(out->destination = pf__strdup(dest))) return pf__error_set(err, PF_ENOMEM, "out of memory");
  return PF_OK;
}

pf_status pf_samples_install(const char *dest, const pf_samples_request *req_in, pf_samples_result *out,
                             pf_error *err) {
  pf_error local;
  if (!err) err = &local;
  double t0 = now();
  PF_TRY(start(dest, out, err));
  pf_samples_request req;
  pf_samples_request_init(&req);
  if (req_in) memcpy(&req, req_in, req_in->struct_size < sizeof req ? req_in->struct_size : sizeof req);
  unsigned fb, sb;
  pf_samples_result have;
  memset(&have, 0, sizeof have);
  pf_status st = pf__samples_select(&req, &fb, &sb, err);
  if (st == PF_OK) st = pf__mkdirs(dest, err);
  if (st == PF_OK) {
    st = pf__samples_manifest_load(dest, &have, err);
    if (st == PF_ENOTFOUND) {
      st = PF_OK;
      pf_error_init(err);
    } else if (st != PF_OK) {
      char why[1024];
      snprintf(why, sizeof why, "%s", err->message);
      pf__error_set(err, st, "%s; remove it (or the destination) to start again", why);
    }
  }
  if (st == PF_OK)
    st = req.from ? pf__samples_from_bundle(dest, &req, fb, sb, &have, out, err)
                  : generate(dest, &req, fb, sb, &have, out, err);
  pf_samples_result_free(&have);
  if (st == PF_OK && !out->source)
    out->source = req.from ? pf__strdup(req.from) : pf__aprintf("generated by pyforge %s", pf_version());
  pf__samples_sort(out);
  out->seconds = now() - t0;
  return st;
}

/* start() and the destination's manifest into have (freed by the caller). */
static pf_status start_with_manifest(const char *dest, pf_samples_result *out, pf_samples_result *have,
                                     pf_error *err) {
  memset(have, 0, sizeof *have);
  PF_TRY(start(dest, out, err));
  return pf__samples_manifest_load(dest, have, err);
}

pf_status pf_samples_installed(const char *dest, pf_samples_result *out, pf_error *err) {
  pf_error local;
  if (!err) err = &local;
  double t0 = now();
  pf_samples_result have;
  pf_status st = start_with_manifest(dest, out, &have, err);
  for (size_t i = 0; st == PF_OK && i < have.n_files; i++) {
    const pf_sample_file *m = &have.files[i];
    char *path = pf__aprintf("%s/%s", dest, m->path), hex[65];
    uint64_t bytes = 0;
    pf_error e;
    pf_error_init(&e);
    pf_status hs = path ? pf__samples_hash_file(path, &bytes, hex, &e) : PF_ENOMEM;
    free(path);
    pf_sample_state s = hs == PF_ENOTFOUND ? PF_SAMPLE_MISSING
                      : hs == PF_OK && bytes == m->bytes && !strcmp(hex, m->sha256) ? PF_SAMPLE_PRESENT
                                                                                    : PF_SAMPLE_CHANGED;
    if (hs == PF_ENOMEM ||
        pf__samples_add(out, m->dataset, m->format, m->size, m->path, m->bytes, m->sha256, s) != PF_OK)
      st = pf__error_set(err, PF_ENOMEM, "out of memory");
  }
  if (st == PF_OK && have.source && !(out->source = pf__strdup(have.source)))
    st = pf__error_set(err, PF_ENOMEM, "out of memory");
  pf_samples_result_free(&have);
  out->seconds = now() - t0;
  return st;
}

/* Removes the parent directories of rel below dest that are now empty. */
static void prune(const char *dest, const char *rel) {
  char *p = pf__aprintf("%s/%s", dest, rel);
  if (!p) return;
  size_t floor = strlen(dest);
  for (char *s = strrchr(p, '/'); s && (size_t)(s - p) > floor; s = strrchr(p, '/')) {
    *s = 0;
    if (rmdir(p) != 0) break;
  }
  free(p);
}

pf_status pf_samples_uninstall(const char *dest, pf_samples_result *out, pf_error *err) {
  pf_error local;
  if (!err) err = &local;
  double t0 = now();
  pf_samples_result have;
  pf_status st = start_with_manifest(dest, out, &have, err);
  for (size_t i = 0; st == PF_OK && i < have.n_files; i++) {
    const pf_sample_file *m = &have.files[i];
    char *path = pf__aprintf("%s/%s", dest, m->path);
    if (!path) {
      st = pf__error_set(err, PF_ENOMEM, "out of memory");
      break;
    }
    int gone = unlink(path) == 0 || errno == ENOENT;
    if (!gone) st = pf__error_set(err, PF_EOUTPUT, "cannot remove %s: %s", path, strerror(errno));
    free(path);
    if (gone) prune(dest, m->path);
    if (st == PF_OK && pf__samples_add(out, m->dataset, m->format, m->size, m->path, m->bytes, m->sha256,
                                       PF_SAMPLE_REMOVED) != PF_OK)
      st = pf__error_set(err, PF_ENOMEM, "out of memory");
  }
  if (st == PF_OK) {
    char *mp = pf__aprintf("%s/%s", dest, PF__SAMPLES_MANIFEST);
    if (!mp || unlink(mp) != 0) st = pf__error_set(err, PF_EOUTPUT, "cannot remove the manifest of %s", dest);
    free(mp);
  }
  pf_samples_result_free(&have);
  out->seconds = now() - t0;
  return st;
}

pf_status pf_samples_releases(const char *from, pf_samples_result *out, pf_error *err) {
  pf_error local;
  if (!err) err = &local;
  double t0 = now();
  pf_error_init(err);
  if (!out) return pf__error_set(err, PF_EINVAL, "a samples call needs a result");
  memset(out, 0, sizeof *out);
  if (!(out->destination = pf__strdup(from ? from : ""))) return pf__error_set(err, PF_ENOMEM, "out of memory");
  pf_status st = PF_OK;
  if (from) {
    st = pf__samples_bundle_manifest(from, NULL, out, err);
  } else {
    const pf_sample_desc *cat;
    size_t n = pf_samples_catalog(&cat);
    for (size_t i = 0; st == PF_OK && i < n; i++) {
      char files[256];
      snprintf(files, sizeof files, "%s", cat[i].files);
      for (char *save, *rel = strtok_r(files, " ", &save); st == PF_OK && rel; rel = strtok_r(NULL, " ", &save))
        if (pf__samples_add(out, cat[i].name, cat[i].format, cat[i].size, rel, cat[i].approx_bytes, "",
                            PF_SAMPLE_AVAILABLE) != PF_OK)
          st = pf__error_set(err, PF_ENOMEM, "out of memory");
    }
    if (st == PF_OK && !(out->source = pf__aprintf("generated by pyforge %s", pf_version())))
      st = pf__error_set(err, PF_ENOMEM, "out of memory");
  }
  out->seconds = now() - t0;
  return st;
}

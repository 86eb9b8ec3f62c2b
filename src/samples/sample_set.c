/* sample_set.c - the files of one sample dataset: written through atomic
 * outputs (io/output.h) with their SHA-256 computed on the way, put in
 * place together or not at all, and the progress and cancel of the run. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"
#include "io/output.h"
#include "samples/samples.h"

#define REPORT_EVERY (1u << 20) /* progress and cancel checks: every MiB */

pf_status pf__sample_write(pf__sample_file *f, const void *p, size_t n, pf_error *err) {
  pf__sample_run *run = f->run;
  pf__sha256_update(&f->sha, p, n);
  f->bytes += n;
  PF_TRY(pf__output_write(f->out, p, n, err));
  run->done += n;
  if (run->done >= run->next_report) {
    run->next_report = run->done + REPORT_EVERY;
    if (run->cancel && pf_cancel_requested(run->cancel))
      return pf__error_set(err, PF_ECANCELED, "canceled while writing %s; nothing of it was kept", f->rel);
    if (run->progress) run->progress(run->progress_user, run->done, run->total, "bytes");
  }
  return PF_OK;
}

pf_status pf__sample_puts(pf__sample_file *f, const char *s, pf_error *err) {
  return pf__sample_write(f, s, strlen(s), err);
}

pf_status pf__sample_printf(pf__sample_file *f, pf_error *err, const char *fmt, ...) {
  char small[2048];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(small, sizeof small, fmt, ap);
  va_end(ap);
  if (n < 0) return pf__error_set(err, PF_EINTERNAL, "cannot format sample text");
  if ((size_t)n < sizeof small) return pf__sample_write(f, small, (size_t)n, err);
  va_start(ap, fmt);
  char *big = pf__vaprintf(fmt, ap);
  va_end(ap);
  if (!big) return pf__error_set(err, PF_ENOMEM, "out of memory");
  pf_status st = pf__sample_write(f, big, (size_t)n, err);
  free(big);
  return st;
}

/* Room for one more pointer in the array of pointers *arr points to
 * (holding n of *cap; arr: the address of a T ** field); 0: no memory. */
static int room_for_one(void *arr, size_t n, size_t *cap) {
  if (n < *cap) return 1;
  size_t nc = *cap ? *cap * 2 : 16;
  void *old, *na;
  memcpy(&old, arr, sizeof old);
  if (!(na = realloc(old, nc * sizeof(void *)))) return 0;
  memcpy(arr, &na, sizeof na);
  *cap = nc;
  return 1;
}

/* mkdir -p of the directories of dest/rel below dest; records each one it
 * made (the set's abort removes them), however many. */
static pf_status make_parents(pf__sample_set *set, const char *path, size_t skip, pf_error *err) {
  char *p = pf__strdup(path);
  if (!p) return pf__error_set(err, PF_ENOMEM, "out of memory");
  pf_status st = PF_OK;
  for (char *s = p + skip + 1; *s && st == PF_OK; s++) {
    if (*s != '/') continue;
    *s = 0;
    if (mkdir(p, 0777) == 0) {
      char *made = room_for_one(&set->made_dirs, set->n_dirs, &set->cap_dirs) ? pf__strdup(p) : NULL;
      if (made) {
        set->made_dirs[set->n_dirs++] = made;
      } else {
        rmdir(p); /* not recorded: not left behind either */
        st = pf__error_set(err, PF_ENOMEM, "out of memory");
      }
    } else if (errno != EEXIST) {
      st = pf__error_set(err, PF_EOUTPUT, "cannot create the directory %s: %s", p, strerror(errno));
    }
    *s = '/';
  }
  free(p);
  return st;
}

static void file_free(pf__sample_file *f) {
  if (!f) return;
  pf__output_abort(f->out);
  free(f->rel);
  free(f->target);
  free(f);
}

pf_status pf__sample_open(pf__sample_set *set, const char *rel, pf__sample_file **out,
                          pf_error *err) {
  *out = NULL;
  if (!room_for_one(&set->files, set->n, &set->cap)) return pf__error_set(err, PF_ENOMEM, "out of memory");
  pf__sample_file *f = calloc(1, sizeof *f);
  if (!f) return pf__error_set(err, PF_ENOMEM, "out of memory");
  f->run = set->run;
  f->rel = pf__strdup(rel);
  f->target = pf__aprintf("%s/%s", set->dest, rel);
  pf__sha256_init(&f->sha);
  pf_status st = f->rel && f->target ? PF_OK : pf__error_set(err, PF_ENOMEM, "out of memory");
  if (st == PF_OK) st = make_parents(set, f->target, strlen(set->dest), err);
  if (st == PF_OK) st = pf__output_open(f->target, set->run->force, &f->out, err);
  if (st != PF_OK) {
    if (err->status == PF_EEXIST)
      pf__error_set(err, PF_EEXIST, "%s already exists and is not a sample this destination's "
                    "manifest lists as installed; use output.force to replace it", f->target);
    file_free(f);
    return st;
  }
  set->files[set->n++] = f;
  *out = f;
  return PF_OK;
}

pf_status pf__sample_set_commit(pf__sample_set *set, pf_error *err) {
  pf_status st = PF_OK;
  for (size_t i = 0; i < set->n; i++) {
    pf__sample_file *f = set->files[i];
    pf__sha256_hex(&f->sha, f->hex);
    if (st == PF_OK) {
      st = pf__output_commit(f->out, err);
      f->out = NULL;
    }
  }
  if (st != PF_OK) {
    for (size_t i = 0; i < set->n; i++)
      if (!set->files[i]->out) unlink(set->files[i]->target);
    pf__sample_set_abort(set);
  }
  return st;
}

void pf__sample_set_abort(pf__sample_set *set) {
  for (size_t i = 0; i < set->n; i++) {
    pf__output_abort(set->files[i]->out);
    set->files[i]->out = NULL;
  }
  for (size_t i = set->n_dirs; i-- > 0;) {
    rmdir(set->made_dirs[i]); /* only when empty: another dataset's files stay */
    free(set->made_dirs[i]);
  }
  set->n_dirs = 0;
}

/* Frees the set's bookkeeping (after commit or abort). */
void pf__sample_set_free(pf__sample_set *set) {
  pf__sample_set_abort(set);
  for (size_t i = 0; i < set->n; i++) file_free(set->files[i]);
  free(set->files);
  free(set->made_dirs);
  set->files = NULL;
  set->made_dirs = NULL;
  set->n = set->cap = set->cap_dirs = 0;
}

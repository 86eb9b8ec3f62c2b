/* batch.c - converting many files with one call (pf_batch_* in pyforge.h).
 *
 * Three phases: the job's paths and patterns become files (batch_inputs.c);
 * each file gets its output, checked against the others'; then workers (our
 * own threads) take files in order and run pf_convert on each, while the
 * calling thread waits, reports progress over the whole batch and hands each
 * finished file to the file callback. A file's failure is its own: it is
 * recorded in its item and the workers go on.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/json.h"
#include "core/pool.h"
#include "core/settings.h"
#include "engine/batch.h"
#include "engine/engine.h"
#include "io/output.h"

#define MAX_WORKERS 1024

struct pf_batch_job {
  char **sources;       /* paths and patterns, in the order added          */
  int *literal;         /* 1: sources[i] is a path, never expanded         */
  size_t n_sources, cap;
  char *output_dir;     /* NULL: beside each input                         */
  char *table;          /* table mode: every file into this Delta table    */
  int workers;          /* 0: PYFORGE_PARALLEL_WORKERS, else the cores     */
  pf_batch_file_fn file_fn;
  void *file_user;
};

pf_batch_job *pf_batch_new(void) { return calloc(1, sizeof(pf_batch_job)); }

void pf_batch_free(pf_batch_job *job) {
  if (!job) return;
  for (size_t i = 0; i < job->n_sources; i++) free(job->sources[i]);
  free(job->sources);
  free(job->literal);
  free(job->output_dir);
  free(job->table);
  free(job);
}

static pf_status add_source(pf_batch_job *job, const char *s, int literal, pf_error *err) {
  pf_error_init(err);
  if (!job || !s || !*s) return pf__error_set(err, PF_EINVAL, "pf_batch_add needs a job and a non-empty path");
  if (job->n_sources == job->cap) {
    size_t cap = job->cap ? job->cap * 2 : 8;
    char **v = realloc(job->sources, cap * sizeof *v);
    if (v) job->sources = v;
    int *l = v ? realloc(job->literal, cap * sizeof *l) : NULL;
    if (!l) return pf__error_set(err, PF_ENOMEM, "out of memory");
    job->literal = l;
    job->cap = cap;
  }
  char *copy = pf__strdup(s);
  if (!copy) return pf__error_set(err, PF_ENOMEM, "out of memory");
  job->sources[job->n_sources] = copy;
  job->literal[job->n_sources++] = literal;
  return PF_OK;
}

pf_status pf_batch_add(pf_batch_job *job, const char *p, pf_error *err) {
  return add_source(job, p, 0, err);
}

pf_status pf_batch_add_path(pf_batch_job *job, const char *p, pf_error *err) {
  return add_source(job, p, 1, err);
}

/* A job's optional directory (NULL or "": none), copied. */
static pf_status set_dir(pf_batch_job *job, char **slot, const char *dir, const char *fn, pf_error *err) {
  pf_error_init(err);
  if (!job) return pf__error_set(err, PF_EINVAL, "%s needs a job", fn);
  char *copy = NULL;
  if (dir && *dir && !(copy = pf__strdup(dir))) return pf__error_set(err, PF_ENOMEM, "out of memory");
  free(*slot);
  *slot = copy;
  return PF_OK;
}

pf_status pf_batch_set_output_dir(pf_batch_job *job, const char *dir, pf_error *err) {
  return set_dir(job, job ? &job->output_dir : NULL, dir, "pf_batch_set_output_dir", err);
}

pf_status pf_batch_set_table(pf_batch_job *job, const char *dir, pf_error *err) {
  return set_dir(job, job ? &job->table : NULL, dir, "pf_batch_set_table", err);
}

pf_status pf_batch_set_workers(pf_batch_job *job, int workers, pf_error *err) {
  pf_error_init(err);
  if (!job || workers < 0 || workers > MAX_WORKERS)
    return pf__error_set(err, PF_EINVAL, "batch workers take a number from 0 (automatic) to %d; got %d",
                         MAX_WORKERS, workers);
  job->workers = workers;
  return PF_OK;
}

void pf_batch_set_file_callback(pf_batch_job *job, pf_batch_file_fn fn, void *user) {
  if (!job) return;
  job->file_fn = fn;
  job->file_user = user;
}

/* ---- planning: each file's output ---- */

static const char *base_name(const char *p) {
  size_t n = strlen(p);
  while (n > 1 && p[n - 1] == '/') n--; /* a directory output "x_delta/" */
  const char *s = p + n;
  while (s > p && s[-1] != '/') s--;
  return s;
}

/* mkdir -p of the directory where this process reaches dir. */
static pf_status make_output_dir(const char *dir, pf_error *err) {
  pf_volume_path *vp = NULL;
  PF_TRY(pf_volume_path_parse(dir, &vp, err));
  if (vp->kind == PF_PATH_DBFS) {
    pf_volume_path_free(vp);
    return pf__error_set(err, PF_EINVAL, "%s is a DBFS path, which PyForge does not write to; use a "
                         "Unity Catalog Volume (/Volumes/<catalog>/<schema>/<volume>/...) or a local path",
                         dir);
  }
  char *local = pf__strdup(vp->local_path ? vp->local_path : dir);
  pf_volume_path_free(vp);
  if (!local) return pf__error_set(err, PF_ENOMEM, "out of memory");
  pf_status st = pf__mkdirs(local, err);
  free(local);
  if (st != PF_OK) pf__error_file(err, dir);
  return st;
}

static void item_fail(pf_batch_item *it, pf_status st, const char *fmt, const char *a, const char *b) {
  pf_error_init(&it->error);
  pf__error_set(&it->error, st, fmt, a, b);
  pf__error_file(&it->error, it->input);
  it->status = st;
}

/* Where one file's outputs go: *pass is what pf_convert is told as
 * output.path (NULL: its default beside the input) and it->output the path
 * they are planned at (for the result, and for spotting two inputs with one
 * output). With an output directory, a file writer is given the directory
 * itself and places its outputs there by the input's name (one file, or a
 * workbook's groups as <stem>_<sheet>.parquet); a table writer (Delta) is
 * given <dir>/<its default name>. */
static pf_status plan_one(const pf_batch_job *job, pf_options *o, pf_batch_item *it, char **pass,
                          pf_error *e) {
  char target[4096], in_dir[4096];
  *pass = NULL;
  PF_TRY(pf_options_set(o, "input.path", it->input, e));
  PF_TRY(pf_options_reset(o, "output.path", e));
  PF_TRY(pf_default_output(o, target, sizeof target, e));
  if (!job->output_dir) {
    it->output = pf__strdup(target);
    return it->output ? PF_OK : pf__error_set(e, PF_ENOMEM, "out of memory");
  }
  PF_TRY(pf_options_set(o, "output.path", job->output_dir, e));
  PF_TRY(pf_default_output(o, in_dir, sizeof in_dir, e));
  size_t dl = strlen(job->output_dir);
  while (dl > 1 && job->output_dir[dl - 1] == '/') dl--;
  int file_writer = strncmp(in_dir, job->output_dir, dl) == 0 && in_dir[dl] == '/' && in_dir[dl + 1];
  *pass = file_writer ? pf__strdup(job->output_dir)
                      : pf__aprintf("%.*s/%s", (int)dl, job->output_dir, base_name(target));
  it->output = file_writer ? pf__strdup(in_dir) : pf__strdup(*pass ? *pass : "");
  if (!*pass || !it->output) return pf__error_set(e, PF_ENOMEM, "out of memory");
  return PF_OK;
}

/* Outputs of every file into pass[] (see plan_one); items that cannot run
 * get their status here. */
static pf_status plan_outputs(const pf_batch_job *job, const pf_options *base, pf_batch_result *r,
                              char **pass, pf_error *err) {
  pf__strset outputs = {0};
  pf_options *o = pf_options_copy(base);
  if (!o) return pf__error_set(err, PF_ENOMEM, "out of memory");
  pf_status st = PF_OK;
  for (size_t i = 0; st == PF_OK && i < r->n_items; i++) {
    pf_batch_item *it = &r->items[i];
    if (it->status != PF_OK) continue;
    pf_error e;
    pf_error_init(&e);
    if (plan_one(job, o, it, &pass[i], &e) != PF_OK) {
      if (e.status == PF_ENOMEM) {
        st = pf__error_set(err, PF_ENOMEM, "out of memory");
        break;
      }
      it->status = e.status;
      it->error = e;
      if (!it->error.file[0]) pf__error_file(&it->error, it->input);
      continue;
    }
    size_t first;
    int dup = pf__strset_add(&outputs, it->output, i, &first);
    if (dup < 0) st = pf__error_set(err, PF_ENOMEM, "out of memory");
    else if (dup)
      item_fail(it, PF_EINVAL,
                "its output %s is also the output of %s; give the inputs different names or convert "
                "them into different directories",
                it->output, r->items[first].input);
  }
  pf_options_free(o);
  pf__strset_free(&outputs);
  return st;
}

static void item_free(pf_batch_item *it) {
  free(it->input);
  free(it->source);
  free(it->output);
  pf_convert_result_free(&it->result);
}

/* Items from the expanded inputs; patterns that matched nothing fail. */
static pf_status make_items(const pf_batch_job *job, pf_batch_result *r, pf_error *err) {
  pf__batch_inputs in;
  PF_TRY(pf__batch_expand((const char *const *)job->sources, job->literal, job->n_sources, &in, err));
  r->items = calloc(in.n ? in.n : 1, sizeof *r->items);
  if (!r->items) {
    pf__batch_inputs_free(&in);
    return pf__error_set(err, PF_ENOMEM, "out of memory");
  }
  r->n_items = in.n;
  pf_status st = PF_OK;
  for (size_t i = 0; i < in.n; i++) {
    pf_batch_item *it = &r->items[i];
    it->input = in.v[i].path;
    in.v[i].path = NULL;
    it->source = pf__strdup(job->sources[in.v[i].source]);
    it->result.table_version = -1;
    if (!it->source) st = pf__error_set(err, PF_ENOMEM, "out of memory");
    pf_error_init(&it->error);
    if (in.v[i].no_match) {
      /* the error's file is the pattern: the message does not repeat it */
      item_fail(it, PF_ENOTFOUND, "no file matches this pattern%s%s", "",
                " (patterns: *, ?, [...] within a name, ** for any depth of directories)");
      continue;
    }
    if (in.v[i].broken) {
      char to[4096];
      ssize_t k = readlink(it->input, to, sizeof to - 1);
      to[k > 0 ? k : 0] = 0;
      item_fail(it, PF_ENOTFOUND, "a broken symbolic link%s: its target %s does not exist (remove the link "
                "or restore its target)", "", k > 0 ? to : "(unreadable)");
      continue;
    }
    pf_path_info pi;
    if (pf_path_stat(it->input, 0, &pi, NULL) == PF_OK && pi.kind == PF_ENTRY_FILE) it->bytes = pi.size;
    r->bytes_total += it->bytes;
  }
  pf__batch_inputs_free(&in);
  return st;
}

/* ---- running ---- */

typedef struct run run;

typedef struct slot {
  run *run;
  size_t item;                 /* the file this worker converts            */
  atomic_uint_least64_t done;  /* its input bytes read so far              */
  atomic_int busy;
} slot;

struct run {
  const pf_batch_job *job;
  const pf_options *base;
  pf__opts base_opts;          /* the callbacks and token of the base      */
  pf_batch_result *r;
  pf__batch_item_fn fn;        /* what a worker does with an item          */
  void *ctx;
  int deliver;                 /* 1: file callback for each item as it ends */
  int threads;                 /* engine.threads for each file; 0: keep    */
  atomic_size_t next;          /* the next item a worker takes             */
  slot *slots;
  pthread_mutex_t mu;          /* guards finished[], n_finished, calls     */
  pthread_cond_t cv;
  size_t *finished;            /* item indexes, in the order they ended    */
  size_t n_finished;
  uint64_t bytes_finished;
  int halves;                  /* 1: progress = done; 2: (pg_base + done) / 2 */
  uint64_t pg_base;            /* what the progress starts from, in halves */
  pthread_mutex_t call_mu;     /* one log/schema callback at a time        */
};

static void slot_progress(void *user, uint64_t done, uint64_t total, const char *unit) {
  (void)total;
  (void)unit;
  atomic_store(&((slot *)user)->done, done);
}

static void slot_log(void *user, pf_log_level level, const char *message) {
  slot *s = user;
  run *rn = s->run;
  pthread_mutex_lock(&rn->call_mu);
  char *m = pf__aprintf("%s: %s", rn->r->items[s->item].input, message);
  rn->base_opts.log(rn->base_opts.log_user, level, m ? m : message);
  free(m);
  pthread_mutex_unlock(&rn->call_mu);
}

static void slot_schema(void *user, const char *output, const pf_schema *schema) {
  slot *s = user;
  pthread_mutex_lock(&s->run->call_mu);
  s->run->base_opts.on_schema(s->run->base_opts.on_schema_user, output, schema);
  pthread_mutex_unlock(&s->run->call_mu);
}

static pf_status set_key(pf_options *o, const char *key, const char *value, pf_error *err) {
  return pf_options_set(o, key, value, err);
}

/* One item on a worker: a copy of the options with the input, the engine
 * threads and the worker's callbacks, handed to the run's item function. */
static void run_one(run *rn, slot *s, pf_batch_item *it) {
  double t0 = pf__now();
  pf_options *o = pf_options_copy(rn->base);
  pf_status st = o ? PF_OK : pf__error_set(&it->error, PF_ENOMEM, "out of memory");
  char threads[16];
  snprintf(threads, sizeof threads, "%d", rn->threads);
  if (st == PF_OK) st = set_key(o, "input.path", it->input, &it->error);
  if (st == PF_OK && rn->threads > 0) st = set_key(o, "engine.threads", threads, &it->error);
  if (st == PF_OK) {
    pf_options_set_progress(o, slot_progress, s);
    if (rn->base_opts.log) pf_options_set_log(o, slot_log, s);
    if (rn->base_opts.on_schema) pf_options_set_schema_callback(o, slot_schema, s);
    st = rn->fn(rn->ctx, (size_t)(it - rn->r->items), it, o);
  }
  if (st != PF_OK && !it->error.file[0]) pf__error_file(&it->error, it->input);
  it->status = st;
  it->seconds += pf__now() - t0;
  pf_options_free(o);
}

/* pf__batch_item_fn of the usual batch: pf_convert, output where planned. */
static pf_status convert_item(void *ctx, size_t i, pf_batch_item *it, pf_options *o) {
  char *const *pass = ctx;
  if (pass[i]) PF_TRY(set_key(o, "output.path", pass[i], &it->error));
  return pf_convert(o, &it->result, &it->error);
}

static void *worker_main(void *arg) {
  slot *s = arg;
  run *rn = s->run;
  for (;;) {
    size_t i = atomic_fetch_add(&rn->next, 1);
    if (i >= rn->r->n_items) break;
    pf_batch_item *it = &rn->r->items[i];
    if (it->status != PF_OK) continue; /* failed while planning: reported already */
    s->item = i;
    atomic_store(&s->done, 0);
    atomic_store(&s->busy, 1);
    if (pf__canceled(&rn->base_opts)) {
      pf_error_init(&it->error);
      pf__error_set(&it->error, PF_ECANCELED, "not converted: the batch was canceled before this file started");
      pf__error_file(&it->error, it->input);
      it->status = PF_ECANCELED;
    } else {
      run_one(rn, s, it);
    }
    pthread_mutex_lock(&rn->mu);
    atomic_store(&s->busy, 0);
    rn->finished[rn->n_finished++] = i;
    rn->bytes_finished += it->bytes;
    pthread_cond_signal(&rn->cv);
    pthread_mutex_unlock(&rn->mu);
  }
  return NULL;
}

/* Input bytes read over the batch (rn->mu held). */
static uint64_t bytes_done(run *rn, int n_workers) {
  uint64_t done = rn->bytes_finished;
  for (int w = 0; w < n_workers; w++) {
    slot *s = &rn->slots[w];
    if (!atomic_load(&s->busy)) continue;
    uint64_t d = atomic_load(&s->done), cap = rn->r->items[s->item].bytes;
    done += d < cap ? d : cap;
  }
  return done;
}

/* The calling thread: file callbacks and progress until every runnable
 * item has ended. */
static void monitor(run *rn, int n_workers, size_t n_runnable) {
  size_t delivered = 0;
  uint64_t last = 0;
  int reported = 0;
  pthread_mutex_lock(&rn->mu);
  for (;;) {
    while (delivered < rn->n_finished) {
      size_t i = rn->finished[delivered++];
      pthread_mutex_unlock(&rn->mu);
      if (rn->deliver && rn->job->file_fn) rn->job->file_fn(rn->job->file_user, i, &rn->r->items[i]);
      pthread_mutex_lock(&rn->mu);
    }
    /* never backwards: a file read again (a widening) restarts its count */
    uint64_t done = (rn->pg_base + bytes_done(rn, n_workers)) / (uint64_t)rn->halves;
    if (rn->base_opts.progress && (!reported || done > last)) {
      last = done;
      reported = 1;
      pthread_mutex_unlock(&rn->mu);
      rn->base_opts.progress(rn->base_opts.progress_user, done, rn->r->bytes_total, "bytes");
      pthread_mutex_lock(&rn->mu);
    }
    if (delivered == n_runnable && rn->n_finished == n_runnable) break;
    if (rn->n_finished > delivered) continue;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec += 100 * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
      ts.tv_sec++;
      ts.tv_nsec -= 1000000000L;
    }
    pthread_cond_timedwait(&rn->cv, &rn->mu, &ts);
  }
  pthread_mutex_unlock(&rn->mu);
}

/* Threads each file gets: engine.threads when set, else cores / workers. */
static int threads_per_file(const pf_options *base, int workers) {
  const char *v = NULL;
  if (pf_options_is_set(base, "engine.threads") &&
      pf_options_get(base, "engine.threads", &v, NULL) == PF_OK && v && strcmp(v, "auto") != 0 &&
      strcmp(v, "0") != 0)
    return 0; /* keep what the caller set */
  int t = pf__cpu_count() / workers;
  return t < 1 ? 1 : t;
}

pf_status pf__batch_run_items(const pf_batch_job *job, const pf_options *base, const pf__opts *bo,
                              pf_batch_result *r, pf__batch_item_fn fn, void *ctx, int deliver,
                              int phase, pf_error *err) {
  size_t n_runnable = 0;
  uint64_t skipped = 0; /* bytes of the items not run: done already */
  for (size_t i = 0; i < r->n_items; i++) {
    n_runnable += r->items[i].status == PF_OK;
    if (r->items[i].status != PF_OK) skipped += r->items[i].bytes;
    /* failed before running (no match, a broken link, two with one output) */
    if (deliver && job->file_fn && r->items[i].status != PF_OK) job->file_fn(job->file_user, i, &r->items[i]);
  }
  int workers = job->workers ? job->workers
              : bo->settings.parallel_workers ? bo->settings.parallel_workers : pf__cpu_count();
  if ((size_t)workers > n_runnable) workers = n_runnable ? (int)n_runnable : 1;
  r->workers = workers;
  int tpf = threads_per_file(base, workers);
  r->threads_per_file = tpf ? tpf : bo->threads;

  run rn;
  memset(&rn, 0, sizeof rn);
  rn.job = job;
  rn.base = base;
  rn.base_opts = *bo;
  rn.r = r;
  rn.fn = fn;
  rn.ctx = ctx;
  rn.deliver = deliver;
  rn.threads = tpf;
  rn.halves = phase ? 2 : 1;
  rn.pg_base = phase == 2 ? r->bytes_total + skipped : phase == 1 ? skipped : 0;
  atomic_init(&rn.next, 0);
  rn.slots = calloc((size_t)workers, sizeof *rn.slots);
  rn.finished = calloc(r->n_items ? r->n_items : 1, sizeof *rn.finished);
  pthread_t *tids = calloc((size_t)workers, sizeof *tids);
  if (!rn.slots || !rn.finished || !tids) {
    free(rn.slots);
    free(rn.finished);
    free(tids);
    return pf__error_set(err, PF_ENOMEM, "out of memory");
  }
  pthread_mutex_init(&rn.mu, NULL);
  pthread_mutex_init(&rn.call_mu, NULL);
  pthread_cond_init(&rn.cv, NULL);
  int started = 0;
  pf_status st = PF_OK;
  for (int w = 0; w < workers && n_runnable > 0; w++) {
    rn.slots[w].run = &rn;
    atomic_init(&rn.slots[w].done, 0);
    atomic_init(&rn.slots[w].busy, 0);
    if (pthread_create(&tids[w], NULL, worker_main, &rn.slots[w]) != 0) break;
    started++;
  }
  if (n_runnable > 0 && started == 0) {
    st = pf__error_set(err, PF_ENOMEM, "cannot start the batch's worker threads");
    /* nothing ran: every runnable item says why */
    for (size_t i = 0; i < r->n_items; i++)
      if (r->items[i].status == PF_OK)
        item_fail(&r->items[i], PF_ENOMEM, "not converted: %s%s", "no worker thread could start", "");
  } else {
    monitor(&rn, started, n_runnable);
  }
  for (int w = 0; w < started; w++) pthread_join(tids[w], NULL);
  if (started < workers && started > 0) r->workers = started;
  pthread_cond_destroy(&rn.cv);
  pthread_mutex_destroy(&rn.mu);
  pthread_mutex_destroy(&rn.call_mu);
  free(rn.slots);
  free(rn.finished);
  free(tids);
  return st;
}

void pf__batch_deliver(const pf_batch_job *job, pf_batch_result *r) {
  for (size_t i = 0; job->file_fn && i < r->n_items; i++) job->file_fn(job->file_user, i, &r->items[i]);
}

static void tally(pf_batch_result *r) {
  for (size_t i = 0; i < r->n_items; i++) {
    const pf_batch_item *it = &r->items[i];
    if (it->status == PF_OK) {
      r->converted++;
      r->rows += it->result.rows;
      r->rows_rejected += it->result.rows_rejected;
      r->bytes_in += it->result.bytes_in;
      r->bytes_out += it->result.bytes_out;
    } else if (it->status == PF_ECANCELED) {
      r->canceled++;
    } else {
      r->failed++;
    }
  }
}

pf_status pf_batch_run(pf_batch_job *job, const pf_options *options, pf_batch_result *r,
                       pf_error *err) {
  pf_error local;
  if (!err) err = &local;
  pf_error_init(err);
  if (!r) return pf__error_set(err, PF_EINVAL, "pf_batch_run needs a result");
  memset(r, 0, sizeof *r);
  if (!job || !options) return pf__error_set(err, PF_EINVAL, "pf_batch_run needs a job and options");
  double t0 = pf__now();
  pf__opts bo;
  PF_TRY(pf__opts_resolve(options, &bo, err));
  if (pf_options_is_set(options, "output.path"))
    return pf__error_set(err, PF_EINVAL, "output.path names one output; a batch writes one output per "
                         "file: set the batch's output directory instead");
  /* Every file of a batch would publish its rejects to that one path: the
   * first publication wins and the other files fail, their rows lost. */
  if (!job->table && pf_options_is_set(options, "output.rejects"))
    return pf__error_set(err, PF_EINVAL, "output.rejects names one file; a batch writes each file's "
                         "rejected rows beside its output (OUTPUT.rejects.csv): leave it unset, or batch "
                         "into one table, whose rejects go to one file");
  if (pf_options_is_set(options, "input.path") || bo.in.kind != PF__INPUT_PATH)
    return pf__error_set(err, PF_EINVAL, "a batch takes its inputs from pf_batch_add, not from input.path "
                         "or an fd or buffer input");
  if (job->n_sources == 0)
    return pf__error_set(err, PF_EINVAL, "the batch has no inputs: add paths or glob patterns");
  r->table_version = -1;
  if (job->table && job->output_dir)
    return pf__error_set(err, PF_EINVAL, "a batch writes one output per file into an output directory, or "
                         "every file into one table; not both: drop the output directory or the table");
  if (job->table && bo.output_format && strcasecmp(bo.output_format, "delta") != 0)
    return pf__error_set(err, PF_EINVAL, "a batch into one table writes a Delta table; output.format is %s: "
                         "set it to delta (or leave it unset)", bo.output_format);
  if (job->output_dir) PF_TRY(make_output_dir(job->output_dir, err));
  pf_status st = make_items(job, r, err);
  if (st == PF_OK && job->table) {
    st = pf__batch_table_run(job, job->table, options, &bo, r, err);
  } else if (st == PF_OK) {
    char **pass = calloc(r->n_items ? r->n_items : 1, sizeof *pass);
    st = pass ? plan_outputs(job, options, r, pass, err) : pf__error_set(err, PF_ENOMEM, "out of memory");
    if (st == PF_OK) st = pf__batch_run_items(job, options, &bo, r, convert_item, pass, 1, 0, err);
    for (size_t i = 0; pass && i < r->n_items; i++) free(pass[i]);
    free(pass);
  }
  if (st != PF_OK) {
    pf_batch_result_free(r);
    return st;
  }
  tally(r);
  r->seconds = pf__now() - t0;
  if (pf__canceled(&bo) && job->table)
    return pf__error_set(err, PF_ECANCELED, "batch canceled: nothing was committed to the table %s", job->table);
  if (pf__canceled(&bo))
    return pf__error_set(err, PF_ECANCELED, "batch canceled: %zu of %zu files converted, %zu not",
                         r->converted, r->n_items, r->n_items - r->converted);
  return PF_OK;
}

void pf_batch_result_free(pf_batch_result *r) {
  if (!r) return;
  for (size_t i = 0; i < r->n_items; i++) item_free(&r->items[i]);
  free(r->items);
  free(r->table);
  memset(r, 0, sizeof *r);
  r->table_version = -1;
}

/* ---- JSON ---- */

#define J(expr)                    \
  do {                             \
    if ((expr) != PF_OK) goto oom; \
  } while (0)

char *pf_batch_result_json(const pf_batch_result *r) {
  pf__buf b;
  pf__buf_init(&b, 0);
  J(pf__buf_printf(&b,
                   "{\"files\":%zu,\"converted\":%zu,\"failed\":%zu,\"canceled\":%zu,\"rows\":%lld,"
                   "\"rows_rejected\":%lld,\"bytes_in\":%llu,\"bytes_out\":%llu,\"bytes_total\":%llu,"
                   "\"seconds\":%.6f,\"workers\":%d,\"threads_per_file\":%d",
                   r->n_items, r->converted, r->failed, r->canceled, (long long)r->rows,
                   (long long)r->rows_rejected, (unsigned long long)r->bytes_in,
                   (unsigned long long)r->bytes_out, (unsigned long long)r->bytes_total, r->seconds,
                   r->workers, r->threads_per_file));
  if (r->table) {
    J(pf__json_key(&b, "table", 0));
    J(pf__json_cstr(&b, r->table));
    J(pf__buf_printf(&b, ",\"table_version\":%lld", (long long)r->table_version));
  }
  J(pf__buf_puts(&b, ",\"items\":["));
  for (size_t i = 0; i < r->n_items; i++) {
    const pf_batch_item *it = &r->items[i];
    J(pf__buf_puts(&b, i ? ",{" : "{"));
    J(pf__json_key(&b, "input", 1));
    J(pf__json_cstr(&b, it->input));
    J(pf__json_key(&b, "source", 0));
    J(pf__json_cstr(&b, it->source));
    J(pf__json_key(&b, "output", 0));
    J(pf__json_cstr(&b, it->output));
    J(pf__json_key(&b, "status", 0));
    J(pf__json_cstr(&b, pf_status_name(it->status)));
    J(pf__buf_printf(&b, ",\"bytes\":%llu,\"seconds\":%.6f", (unsigned long long)it->bytes, it->seconds));
    if (it->status == PF_OK) {
      char *res = pf_convert_result_json(&it->result);
      if (!res) goto oom;
      pf_status st = pf__json_key(&b, "result", 0);
      if (st == PF_OK) st = pf__buf_puts(&b, res);
      free(res);
      J(st);
    } else {
      J(pf__json_key(&b, "error", 0));
      J(pf__error_json(&b, &it->error));
    }
    J(pf__buf_putc(&b, '}'));
  }
  J(pf__buf_puts(&b, "]}"));
  return pf__buf_take(&b);
oom:
  pf__buf_free(&b);
  return NULL;
}

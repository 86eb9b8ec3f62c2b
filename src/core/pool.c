/* pool.c - pthread pool for parallel-for jobs (see pool.h). */
#define _GNU_SOURCE
#include "core/pool.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

struct pf_pool {
  int n_threads;            /* workers + the caller                         */
  pthread_t *workers;       /* n_threads - 1 of them                        */
  pthread_mutex_t mu;
  pthread_cond_t work_cv;   /* a new job or shutdown                        */
  pthread_cond_t done_cv;   /* a worker left the current job                */
  unsigned long generation; /* bumped for each job                          */
  int shutdown;
  /* the current job */
  pf__task_fn fn;
  void *arg;
  size_t n_tasks;
  atomic_size_t next;       /* next task index to claim                     */
  int busy;                 /* workers still inside the current job         */
};

int pf__cpu_count(void) {
#ifdef CPU_COUNT
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) {
    int n = CPU_COUNT(&set);
    if (n > 0) return n;
  }
#endif
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? (int)n : 1;
}

static void drain(pf__pool *p, pf__task_fn fn, void *arg, size_t n) {
  for (;;) {
    size_t i = atomic_fetch_add(&p->next, 1);
    if (i >= n) break;
    fn(arg, i);
  }
}

static void *worker_main(void *vp) {
  pf__pool *p = vp;
  unsigned long seen = 0;
  pthread_mutex_lock(&p->mu);
  for (;;) {
    while (!p->shutdown && p->generation == seen) pthread_cond_wait(&p->work_cv, &p->mu);
    if (p->shutdown) break;
    seen = p->generation;
    pf__task_fn fn = p->fn;
    void *arg = p->arg;
    size_t n = p->n_tasks;
    pthread_mutex_unlock(&p->mu);
    drain(p, fn, arg, n);
    pthread_mutex_lock(&p->mu);
    if (--p->busy == 0) pthread_cond_signal(&p->done_cv);
  }
  pthread_mutex_unlock(&p->mu);
  return NULL;
}

pf_status pf__pool_create(int threads, pf__pool **out) {
  *out = NULL;
  if (threads <= 0) threads = pf__cpu_count();
  if (threads > 256) threads = 256;
  pf__pool *p = calloc(1, sizeof *p);
  if (!p) return PF_ENOMEM;
  p->n_threads = threads;
  pthread_mutex_init(&p->mu, NULL);
  pthread_cond_init(&p->work_cv, NULL);
  pthread_cond_init(&p->done_cv, NULL);
  atomic_init(&p->next, 0);
  if (threads > 1) {
    p->workers = calloc((size_t)threads - 1, sizeof *p->workers);
    if (!p->workers) {
      pf__pool_free(p);
      return PF_ENOMEM;
    }
    for (int i = 0; i < threads - 1; i++) {
      if (pthread_create(&p->workers[i], NULL, worker_main, p) != 0) {
        p->n_threads = i + 1; /* the ones started, plus the caller */
        pf__pool_free(p);
        return PF_ENOMEM;
      }
    }
  }
  *out = p;
  return PF_OK;
}

void pf__pool_free(pf__pool *p) {
  if (!p) return;
  pthread_mutex_lock(&p->mu);
  p->shutdown = 1;
  pthread_cond_broadcast(&p->work_cv);
  pthread_mutex_unlock(&p->mu);
  for (int i = 0; p->workers && i < p->n_threads - 1; i++) pthread_join(p->workers[i], NULL);
  free(p->workers);
  pthread_mutex_destroy(&p->mu);
  pthread_cond_destroy(&p->work_cv);
  pthread_cond_destroy(&p->done_cv);
  free(p);
}

int pf__pool_size(const pf__pool *p) { return p ? p->n_threads : 1; }

void pf__pool_run(pf__pool *p, size_t n, pf__task_fn fn, void *arg) {
  if (n == 0) return;
  if (!p || p->n_threads == 1 || n == 1) {
    for (size_t i = 0; i < n; i++) fn(arg, i);
    return;
  }
  pthread_mutex_lock(&p->mu);
  p->fn = fn;
  p->arg = arg;
  p->n_tasks = n;
  atomic_store(&p->next, 0);
  p->busy = p->n_threads - 1;
  p->generation++;
  pthread_cond_broadcast(&p->work_cv);
  pthread_mutex_unlock(&p->mu);
  drain(p, fn, arg, n);
  pthread_mutex_lock(&p->mu);
  while (p->busy > 0) pthread_cond_wait(&p->done_cv, &p->mu);
  pthread_mutex_unlock(&p->mu);
}

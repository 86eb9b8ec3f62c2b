/* pool.c - pthread pool for parallel-for jobs, several at once (see
 * pool.h).
 *
 * Jobs with tasks not yet claimed wait in a FIFO queue; a thread claims one
 * task at a time under the mutex (tasks are coarse: a column of a batch, a
 * megabyte of CSV), runs it unlocked, and counts it done under the mutex,
 * which also publishes the task's writes to whoever waits. One condition
 * variable covers new work, finished jobs and shutdown: with a handful of
 * threads a broadcast costs less than it would save.
 */
#define _GNU_SOURCE
#include "core/pool.h"

#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <unistd.h>

struct pf_pool {
  int n_threads;            /* workers + the caller                         */
  pthread_t *workers;       /* n_threads - 1 of them                        */
  pthread_mutex_t mu;
  pthread_cond_t cv;        /* work queued, a job finished, or shutdown     */
  pf__pool_job *head, *tail; /* jobs with unclaimed tasks, oldest first     */
  int shutdown;
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

static void unqueue(pf__pool *p, pf__pool_job *job) {
  pf__pool_job **link = &p->head, *prev = NULL;
  while (*link && *link != job) {
    prev = *link;
    link = &(*link)->next;
  }
  if (!*link) return;
  *link = job->next;
  if (p->tail == job) p->tail = prev;
  job->next = NULL;
  job->queued = 0;
}

/* Claims a task under the mutex: of `prefer` if it has one left, else of
 * the oldest queued job. NULL when nothing is queued. */
static pf__pool_job *claim(pf__pool *p, pf__pool_job *prefer, size_t *index) {
  pf__pool_job *job = prefer && prefer->queued ? prefer : p->head;
  if (!job) return NULL;
  *index = job->claimed++;
  if (job->claimed == job->n) unqueue(p, job);
  return job;
}

/* Runs a claimed task unlocked; returns with the mutex held again. */
static void run_claimed(pf__pool *p, pf__pool_job *job, size_t index) {
  pthread_mutex_unlock(&p->mu);
  job->fn(job->arg, index);
  pthread_mutex_lock(&p->mu);
  if (++job->done == job->n) pthread_cond_broadcast(&p->cv);
}

static void *worker_main(void *vp) {
  pf__pool *p = vp;
  pthread_mutex_lock(&p->mu);
  while (!p->shutdown) {
    size_t i;
    pf__pool_job *job = claim(p, NULL, &i);
    if (job) {
      run_claimed(p, job, i);
      continue;
    }
    pthread_cond_wait(&p->cv, &p->mu);
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
  pthread_cond_init(&p->cv, NULL);
  if (threads > 1) {
    p->workers = calloc((size_t)threads - 1, sizeof *p->workers);
    if (!p->workers) {
      p->n_threads = 1;
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
  pthread_cond_broadcast(&p->cv);
  pthread_mutex_unlock(&p->mu);
  for (int i = 0; p->workers && i < p->n_threads - 1; i++) pthread_join(p->workers[i], NULL);
  free(p->workers);
  pthread_mutex_destroy(&p->mu);
  pthread_cond_destroy(&p->cv);
  free(p);
}

int pf__pool_size(const pf__pool *p) { return p ? p->n_threads : 1; }

void pf__pool_submit(pf__pool *p, pf__pool_job *job, size_t n, pf__task_fn fn, void *arg,
                     int first) {
  job->fn = fn;
  job->arg = arg;
  job->n = n;
  job->claimed = job->done = 0;
  job->next = NULL;
  job->queued = 0;
  job->submitted = 1;
  if (!p || p->n_threads == 1 || n == 0) return; /* runs in pf__pool_wait */
  pthread_mutex_lock(&p->mu);
  job->queued = 1;
  if (first || !p->head) {
    job->next = p->head;
    p->head = job;
    if (!p->tail) p->tail = job;
  } else {
    p->tail->next = job;
    p->tail = job;
  }
  pthread_cond_broadcast(&p->cv);
  pthread_mutex_unlock(&p->mu);
}

void pf__pool_wait(pf__pool *p, pf__pool_job *job) {
  if (!job->submitted) return;
  job->submitted = 0;
  if (!p || p->n_threads == 1 || job->n == 0) {
    for (; job->claimed < job->n; job->claimed++) job->fn(job->arg, job->claimed);
    job->done = job->n;
    return;
  }
  pthread_mutex_lock(&p->mu);
  while (job->done < job->n) {
    size_t i;
    pf__pool_job *j = claim(p, job, &i);
    if (j) {
      run_claimed(p, j, i);
      continue;
    }
    pthread_cond_wait(&p->cv, &p->mu);
  }
  pthread_mutex_unlock(&p->mu);
}

int pf__pool_done(pf__pool *p, pf__pool_job *job) {
  if (!job->submitted) return 1;
  if (!p || p->n_threads == 1 || job->n == 0) return 0; /* runs when waited for */
  pthread_mutex_lock(&p->mu);
  int done = job->done == job->n;
  pthread_mutex_unlock(&p->mu);
  return done;
}

void pf__pool_run(pf__pool *p, size_t n, pf__task_fn fn, void *arg) {
  if (n == 0) return;
  if (!p || p->n_threads == 1 || n == 1) {
    for (size_t i = 0; i < n; i++) fn(arg, i);
    return;
  }
  pf__pool_job job;
  pf__pool_submit(p, &job, n, fn, arg, 0);
  pf__pool_wait(p, &job);
}

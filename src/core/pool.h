/* pool.h - a fixed thread pool running parallel-for jobs, several at once.
 *
 * pf__pool_run(pool, n, fn, arg) calls fn(arg, i) for every i < n, spread
 * over the pool's workers and the calling thread, and returns when all are
 * done.
 *
 * A job may also be started and waited for later: pf__pool_submit() queues
 * it and returns at once; workers take its tasks while the caller does
 * other work (a reader parses the next block while the writer encodes the
 * current one), and pf__pool_wait() returns when every task has run. A
 * thread that waits runs tasks meanwhile: its own job's first, then any
 * other queued job's, so no core idles while work is queued. Jobs are
 * served in the order they were submitted (unless submitted `first`).
 *
 * Rules: a task must not wait for a job (no nesting); a submitted job is
 * waited for exactly once, by any one thread, before its memory is reused.
 * Any thread may submit and wait. With a pool of one thread (or none), a
 * submitted job runs when it is waited for, on the waiting thread.
 */
#ifndef PF_CORE_POOL_H
#define PF_CORE_POOL_H

#include <stddef.h>

#include "core/error.h"

typedef struct pf_pool pf__pool;
typedef void (*pf__task_fn)(void *arg, size_t index);

/* A job's state; the caller owns the struct (contents private). */
typedef struct pf__pool_job {
  pf__task_fn fn;
  void *arg;
  size_t n;                  /* tasks                                      */
  size_t claimed;            /* tasks handed to a thread                   */
  size_t done;               /* tasks finished                             */
  struct pf__pool_job *next; /* queue of jobs with unclaimed tasks         */
  int queued;                /* in that queue                              */
  int submitted;             /* submitted and not yet waited for           */
} pf__pool_job;

/* threads <= 0: the number of CPUs available to the process. A pool of 1
 * thread runs everything on the caller. */
pf_status pf__pool_create(int threads, pf__pool **out);
/* Every submitted job must have been waited for. */
void pf__pool_free(pf__pool *pool);
int pf__pool_size(const pf__pool *pool);
void pf__pool_run(pf__pool *pool, size_t n_tasks, pf__task_fn fn, void *arg);
/* Starts fn(arg, i), i < n_tasks, in the background (pool may be NULL).
 * first: ahead of the jobs queued (work that releases memory). */
void pf__pool_submit(pf__pool *pool, pf__pool_job *job, size_t n_tasks,
                     pf__task_fn fn, void *arg, int first);
/* Returns when every task of the submitted job has finished (its effects
 * are then visible to the caller), running queued tasks meanwhile. */
void pf__pool_wait(pf__pool *pool, pf__pool_job *job);
/* 1 when every task of the submitted job has finished (it still must be
 * waited for); never blocks on the job. */
int pf__pool_done(pf__pool *pool, pf__pool_job *job);
/* CPUs this process may run on (sched affinity), at least 1. */
int pf__cpu_count(void);

#endif

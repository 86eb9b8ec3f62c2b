/* pool.h - a fixed thread pool running parallel-for jobs.
 *
 * pf__pool_run(pool, n, fn, arg) calls fn(arg, i) for every i < n, spread
 * over the pool's workers and the calling thread, and returns when all are
 * done. Jobs from one pool must not be nested (a task must not call
 * pf__pool_run on the same pool). One thread at a time submits to a pool.
 */
#ifndef PF_CORE_POOL_H
#define PF_CORE_POOL_H

#include <stddef.h>

#include "core/error.h"

typedef struct pf_pool pf__pool;
typedef void (*pf__task_fn)(void *arg, size_t index);

/* threads <= 0: the number of CPUs available to the process. A pool of 1
 * thread runs everything on the caller. */
pf_status pf__pool_create(int threads, pf__pool **out);
void pf__pool_free(pf__pool *pool);
int pf__pool_size(const pf__pool *pool);
void pf__pool_run(pf__pool *pool, size_t n_tasks, pf__task_fn fn, void *arg);
/* CPUs this process may run on (sched affinity), at least 1. */
int pf__cpu_count(void);

#endif

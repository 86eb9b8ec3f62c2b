/* stream_bench.c - the cost of the Arrow stream over the reader alone: the
 * same input read (a) by its reader through the engine's session, batch by
 * batch, nothing done with them (what pf_convert's read side does before
 * the writer), and (b) through pf_stream_open, every array exported and
 * released by the consumer. Prints one JSON line per run: wall seconds and
 * CPU seconds of every thread (steadier on a shared machine). A developer tool
 * driven by bench/bench_stream.py; not a test.
 *
 *   stream_bench [-t threads] [-r repeats] [-k key=value]... file
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "engine/engine.h"
#include "pyforge/arrow_c_data.h"
#include "tool_util.h"

static double cpu_now(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
         (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static int reader_alone(const pf_options *h, int64_t *rows, pf_error *err) {
  pf__opts o;
  pf__session s;
  memset(&s, 0, sizeof s);
  pf_status st = pf__opts_resolve(h, &o, err);
  if (st == PF_OK) st = pf__session_open(&s, &o, err);
  if (st == PF_OK) st = pf__session_open_reader(&s, err);
  *rows = 0;
  while (st == PF_OK) {
    pf_batch *b = NULL;
    st = s.rops->next(s.reader, &b, err);
    if (st == PF_ERESTART) {
      *rows = 0;
      st = s.rops->rewind(s.reader, err);
      continue;
    }
    if (st != PF_OK || !b) break;
    *rows += (int64_t)b->n_rows;
  }
  pf__session_close(&s);
  return st;
}

static int stream(const pf_options *h, int64_t *rows, pf_error *err) {
  struct ArrowArrayStream s;
  pf_status st = pf_stream_open(h, &s, err);
  *rows = 0;
  if (st != PF_OK) return st;
  for (;;) {
    struct ArrowArray a;
    if (s.get_next(&s, &a) != 0) {
      pf_stream_error(&s, err);
      st = err->status;
      break;
    }
    if (!a.release) break;
    *rows += a.length;
    a.release(&a);
  }
  s.release(&s);
  return st;
}

int main(int argc, char **argv) {
  int repeats = 3;
  const char *path = NULL, *threads = "0";
  pf_options *h = pf_options_new();
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "-t") && i + 1 < argc) threads = argv[++i];
    else if (!strcmp(argv[i], "-r") && i + 1 < argc) repeats = atoi(argv[++i]);
    else if (!strcmp(argv[i], "-k") && i + 1 < argc) {
      char *kv = argv[++i], *eq = strchr(kv, '=');
      if (!eq) return 2;
      *eq = 0;
      if (pf_options_set(h, kv, eq + 1, NULL) != PF_OK) {
        fprintf(stderr, "bad option %s\n", kv);
        return 2;
      }
    } else path = argv[i];
  }
  if (!path || pf_options_set(h, "input.path", path, NULL) != PF_OK ||
      pf_options_set(h, "engine.threads", threads, NULL) != PF_OK) {
    fprintf(stderr, "usage: stream_bench [-t threads] [-r repeats] [-k key=value]... file\n");
    return 2;
  }
  /* alternate the two so drift (cache, other load) hits both alike */
  for (int rep = 0; rep < repeats; rep++)
    for (int mode = 0; mode < 2; mode++) {
      pf_error err;
      pf_error_init(&err);
      int64_t rows;
      double t0 = tool_now(), c0 = cpu_now();
      int st = mode == 0 ? reader_alone(h, &rows, &err) : stream(h, &rows, &err);
      double secs = tool_now() - t0, cpu = cpu_now() - c0;
      if (st != PF_OK) {
        char buf[2048];
        pf_error_format(&err, buf, sizeof buf);
        fprintf(stderr, "%s: %s\n", mode ? "stream" : "reader", buf);
        return 1;
      }
      printf("{\"mode\":\"%s\",\"rep\":%d,\"rows\":%lld,\"seconds\":%.6f,\"cpu\":%.6f}\n",
             mode ? "stream" : "reader", rep, (long long)rows, secs, cpu);
      fflush(stdout);
    }
  pf_options_free(h);
  return 0;
}

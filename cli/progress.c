/* progress.c - the progress bar on a terminal, and Ctrl-C: a signal
 * requests the library's cancel token; the library stops between batches
 * and leaves no output behind. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

/* The token the handler requests; made once, lives until exit (the
 * handler may run at any time). Cleared at each install: the console script
 * runs the command line in-process (python/), where an earlier run may have
 * been interrupted. */
static pf_cancel *cancel_token;

static void on_signal(int sig) {
  (void)sig;
  pf_cancel_request(cancel_token); /* one lock-free atomic store */
}

pf_cancel *cli_install_signals(void) {
  if (!cancel_token && !(cancel_token = pf_cancel_new())) return NULL;
  pf_cancel_clear(cancel_token);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  signal(SIGXFSZ, SIG_IGN);
  return cancel_token;
}

double cli_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void cli_progress_init(cli_progress *p, int enabled) {
  memset(p, 0, sizeof *p);
  /* a dumb terminal cannot redraw a line: no bar (the summary says it all) */
  const char *term = getenv("TERM");
  p->enabled = enabled && isatty(STDERR_FILENO) && !(term && strcmp(term, "dumb") == 0);
  p->start = cli_now();
}

void cli_progress_cb(void *user, uint64_t done, uint64_t total, const char *unit) {
  cli_progress *p = user;
  if (!p->enabled) return;
  double now = cli_now();
  if (now - p->last_draw < 0.1 || now - p->start < 0.5) return; /* short jobs: no bar */
  p->last_draw = now;
  char d[32], t[32];
  double rate = (double)done / (now - p->start);
  if (total > 0) {
    int pct = (int)(100.0 * (double)done / (double)total);
    if (pct > 100) pct = 100;
    char bar[31];
    int fill = pct * 30 / 100;
    memset(bar, '#', (size_t)fill);
    memset(bar + fill, '.', (size_t)(30 - fill));
    bar[30] = 0;
    char eta[32] = "";
    if (rate > 0 && done < total) snprintf(eta, sizeof eta, "  ~%.0f s left", (double)(total - done) / rate);
    fprintf(stderr, "\r[%s] %3d%%  %s / %s  %.1f MB/s%s ", bar, pct,
            cli_fmt_bytes(d, sizeof d, done), cli_fmt_bytes(t, sizeof t, total), rate / 1e6, eta);
  } else {
    fprintf(stderr, "\r%s %s read  %.1f MB/s ", cli_fmt_bytes(d, sizeof d, done), unit, rate / 1e6);
  }
  p->drawn = 1;
}

void cli_progress_end(cli_progress *p) {
  if (p->drawn) fprintf(stderr, "\r%*s\r", 79, "");
  p->drawn = 0;
}

/* batch_test_util.h - what the batch tests share: a temporary directory
 * (tmpdir, made by the test's main), paths under it, and files written
 * there. Static: each test program includes it once. */
#ifndef PF_BATCH_TEST_UTIL_H
#define PF_BATCH_TEST_UTIL_H

#include <stdio.h>
#include <stdlib.h>

static char tmpdir[256];

/* tmpdir/name; the last 8 results stay valid */
static const char *path_of(const char *name) {
  static char paths[8][512];
  static int k;
  char *p = paths[k++ & 7];
  snprintf(p, 512, "%s/%s", tmpdir, name);
  return p;
}

static void write_file(const char *name, const char *text) {
  const char *p = path_of(name);
  FILE *f = fopen(p, "wb");
  if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
    perror(p);
    exit(1);
  }
}

#endif

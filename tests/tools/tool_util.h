/* tool_util.h - what the reader tools in tests/tools share: a monotonic
 * clock and one value of a batch column printed for a human (NULL, 'text'
 * with \n and \r escaped, integers, %.17g doubles, days, true/false). */
#ifndef PF_TESTS_TOOL_UTIL_H
#define PF_TESTS_TOOL_UTIL_H

#include <stdio.h>
#include <time.h>

#include "core/batch.h"

static inline double tool_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static inline void tool_dump_value(const pf_column *c, size_t i) {
  if (!pf__col_is_valid(c, i)) {
    printf("NULL");
    return;
  }
  size_t n;
  const uint8_t *p;
  switch (c->type) {
    case PF_TYPE_STRING:
      p = pf__col_str(c, i, &n);
      putchar('\'');
      for (size_t k = 0; k < n; k++) {
        if (p[k] == '\n') fputs("\\n", stdout);
        else if (p[k] == '\r') fputs("\\r", stdout);
        else putchar(p[k]);
      }
      putchar('\'');
      break;
    case PF_TYPE_INT64: case PF_TYPE_TIMESTAMP: case PF_TYPE_TIMESTAMP_UTC: case PF_TYPE_TIME:
      printf("%lld", (long long)pf__col_i64(c, i)); break;
    case PF_TYPE_DOUBLE: printf("%.17g", pf__col_f64(c, i)); break;
    case PF_TYPE_DATE: printf("%d", pf__col_i32(c, i)); break;
    case PF_TYPE_BOOL: printf("%s", pf__col_bool(c, i) ? "true" : "false"); break;
    default: printf("?");
  }
}

#endif

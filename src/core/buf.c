/* buf.c - growable byte buffer with a hard cap. */
#include "core/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void pf__buf_init(pf__buf *b, size_t max) {
  b->data = NULL;
  b->len = b->cap = 0;
  b->max = max ? max : SIZE_MAX / 2;
}

void pf__buf_free(pf__buf *b) {
  if (!b) return;
  free(b->data);
  b->data = NULL;
  b->len = b->cap = 0;
}

pf_status pf__buf_reserve(pf__buf *b, size_t extra) {
  if (extra > b->max || b->len > b->max - extra) return PF_ELIMIT;
  size_t need = b->len + extra + 1; /* room for a NUL */
  if (need <= b->cap) return PF_OK;
  size_t cap = b->cap ? b->cap : 64;
  while (cap < need) cap = cap > SIZE_MAX / 2 ? need : cap * 2;
  uint8_t *p = realloc(b->data, cap);
  if (!p) return PF_ENOMEM;
  b->data = p;
  b->cap = cap;
  return PF_OK;
}

pf_status pf__buf_append(pf__buf *b, const void *p, size_t n) {
  PF_TRY(pf__buf_reserve(b, n));
  if (n) memcpy(b->data + b->len, p, n);
  b->len += n;
  b->data[b->len] = 0;
  return PF_OK;
}

pf_status pf__buf_putc(pf__buf *b, int c) {
  unsigned char ch = (unsigned char)c;
  return pf__buf_append(b, &ch, 1);
}

pf_status pf__buf_puts(pf__buf *b, const char *s) {
  return pf__buf_append(b, s, strlen(s));
}

pf_status pf__buf_vprintf(pf__buf *b, const char *fmt, va_list ap) {
  va_list ap2;
  va_copy(ap2, ap);
  char small[256];
  int n = vsnprintf(small, sizeof small, fmt, ap2);
  va_end(ap2);
  if (n < 0) return PF_EINTERNAL;
  if ((size_t)n < sizeof small) return pf__buf_append(b, small, (size_t)n);
  PF_TRY(pf__buf_reserve(b, (size_t)n));
  vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
  b->len += (size_t)n;
  return PF_OK;
}

pf_status pf__buf_printf(pf__buf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  pf_status st = pf__buf_vprintf(b, fmt, ap);
  va_end(ap);
  return st;
}

char *pf__buf_take(pf__buf *b) {
  if (!b->data && pf__buf_reserve(b, 0) != PF_OK) return NULL;
  b->data[b->len] = 0;
  char *p = (char *)b->data;
  b->data = NULL;
  b->len = b->cap = 0;
  return p;
}

char *pf__strdup(const char *s) {
  return s ? pf__strndup(s, strlen(s)) : NULL;
}

char *pf__strndup(const char *s, size_t n) {
  if (!s) return NULL;
  char *p = malloc(n + 1);
  if (!p) return NULL;
  memcpy(p, s, n);
  p[n] = 0;
  return p;
}

char *pf__vaprintf(const char *fmt, va_list ap) {
  pf__buf b;
  pf__buf_init(&b, 0);
  if (pf__buf_vprintf(&b, fmt, ap) != PF_OK) {
    pf__buf_free(&b);
    return NULL;
  }
  return pf__buf_take(&b);
}

char *pf__aprintf(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *s = pf__vaprintf(fmt, ap);
  va_end(ap);
  return s;
}

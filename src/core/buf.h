/* buf.h - growable byte buffer with a hard cap (curl's dynbuf idea).
 *
 * A pf__buf owns its memory. Appends fail with PF_ELIMIT when the buffer
 * would pass its cap, and with PF_ENOMEM when allocation fails; the buffer
 * is unchanged then. Not thread-safe; one owner at a time.
 */
#ifndef PF_CORE_BUF_H
#define PF_CORE_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

typedef struct pf__buf {
  uint8_t *data; /* public read-only: the bytes, NUL-terminated when len < cap */
  size_t len;    /* public read/write: bytes used (may be lowered to truncate) */
  size_t cap;    /* private: bytes allocated */
  size_t max;    /* private: hard cap on len */
} pf__buf;

/* max == 0 means SIZE_MAX / 2. */
void pf__buf_init(pf__buf *b, size_t max);
void pf__buf_free(pf__buf *b);
pf_status pf__buf_reserve(pf__buf *b, size_t extra);
pf_status pf__buf_append(pf__buf *b, const void *p, size_t n);
pf_status pf__buf_putc(pf__buf *b, int c);
pf_status pf__buf_puts(pf__buf *b, const char *s);
pf_status pf__buf_printf(pf__buf *b, const char *fmt, ...) PF__PRINTF(2, 3);
pf_status pf__buf_vprintf(pf__buf *b, const char *fmt, va_list ap);
/* Hands the memory (NUL-terminated) to the caller; the buffer is emptied. */
char *pf__buf_take(pf__buf *b);

/* strdup that returns NULL for NULL. */
char *pf__strdup(const char *s);
char *pf__strndup(const char *s, size_t n);
/* printf into fresh memory; NULL on failure. */
char *pf__aprintf(const char *fmt, ...) PF__PRINTF(1, 2);
char *pf__vaprintf(const char *fmt, va_list ap);

#endif

/* error.h - internal helpers to fill a pf_error with a message and a place.
 *
 * Every helper accepts err == NULL (the caller did not want details) and
 * returns the status it was given, so call sites read
 *     return pf__error_set(err, PF_EPARSE, "unterminated quote at line %lld", ln);
 */
#ifndef PF_CORE_ERROR_H
#define PF_CORE_ERROR_H

#include "pyforge/pyforge.h"

#if defined(__GNUC__)
#define PF__PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define PF__PRINTF(fmt, args)
#endif

/* Sets status and message; keeps any place already recorded. */
pf_status pf__error_set(pf_error *err, pf_status st, const char *fmt, ...)
    PF__PRINTF(3, 4);
/* Records the file concerned (copied, truncated to fit). */
void pf__error_file(pf_error *err, const char *file);
/* Records row/line/column/offset; pass -1 to leave one unknown. */
void pf__error_place(pf_error *err, int64_t row, int64_t line, int64_t column,
                     int64_t offset);
void pf__error_column_name(pf_error *err, const char *name);
/* Records the table of a multi-table input: kind is the word for it
 * ("sheet", "table"). Keeps a table already recorded unless replace. */
void pf__error_table(pf_error *err, const char *kind, const char *name, int replace);
/* Records a place inside the input that is not a line: an XML element path,
 * a package member (copied, truncated to fit). */
void pf__error_inner_path(pf_error *err, const char *path);
/* Copies src into dst (both may be NULL). */
void pf__error_copy(pf_error *dst, const pf_error *src);

/* Return with an error when cond holds. */
#define PF_RETURN_ERROR_IF(cond, err, st, ...)                               \
  do {                                                                       \
    if (cond) return pf__error_set((err), (st), __VA_ARGS__);                \
  } while (0)

/* Propagate a non-OK status. */
#define PF_TRY(expr)                                                         \
  do {                                                                       \
    pf_status pf__st_ = (expr);                                              \
    if (pf__st_ != PF_OK) return pf__st_;                                    \
  } while (0)

#endif

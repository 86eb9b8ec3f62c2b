/* json_parse.h - a small, strict JSON parser into a tree (RFC 8259).
 *
 * Used where the library must read JSON written by others (the Delta log).
 * Strict: no comments, no trailing commas, no NaN/Infinity, strings must be
 * valid UTF-8 with no raw control characters, exactly one value per text
 * (surrounding whitespace allowed). Bounded: nesting depth and input size
 * have hard caps and the tree's memory is proportional to the input.
 *
 * Ownership: pf__json_parse() returns a tree the caller frees with
 * pf__json_free(). Strings in the tree are NUL-terminated copies (they may
 * also contain NUL bytes from \u0000 escapes: use len). Not thread-safe per
 * tree; distinct trees are independent.
 */
#ifndef PF_CORE_JSON_PARSE_H
#define PF_CORE_JSON_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

typedef enum pf__json_kind {
  PF__JSON_NULL = 0,
  PF__JSON_BOOL,
  PF__JSON_NUMBER,
  PF__JSON_STRING,
  PF__JSON_ARRAY,
  PF__JSON_OBJECT
} pf__json_kind;

typedef struct pf__json pf__json;
struct pf__json {
  pf__json_kind kind;
  int boolean;         /* BOOL: 0 or 1                                     */
  char *str;           /* STRING: decoded text; NUMBER: the literal text   */
  size_t len;          /* bytes in str                                     */
  size_t n;            /* ARRAY/OBJECT: items                              */
  pf__json *items;     /* ARRAY/OBJECT: values, in input order             */
  char **keys;         /* OBJECT: keys (decoded), parallel to items        */
};

typedef struct pf__json_limits {
  size_t max_bytes;    /* input size cap; 0: 256 MiB                       */
  int max_depth;       /* nesting cap; 0: 64                               */
} pf__json_limits;

/* Parses text[0..n). lim may be NULL (defaults). On failure returns
 * PF_EPARSE (with the byte offset in err->offset), PF_ELIMIT or PF_ENOMEM
 * and *out is NULL. */
pf_status pf__json_parse(const char *text, size_t n, const pf__json_limits *lim,
                         pf__json **out, pf_error *err);
void pf__json_free(pf__json *v);

/* Object member by key (the last one when repeated), or NULL; NULL when v
 * is NULL or not an object. */
const pf__json *pf__json_get(const pf__json *v, const char *key);
/* The string of a STRING node, or NULL. */
const char *pf__json_string(const pf__json *v);
/* A NUMBER holding an integer that fits int64 (no fraction or exponent):
 * 1 and *out set; 0 otherwise. */
int pf__json_int64(const pf__json *v, int64_t *out);
/* A NUMBER as a double: 1 and *out set; 0 otherwise. */
int pf__json_double(const pf__json *v, double *out);

#endif

/* json.h - writing JSON text into a pf__buf (for result objects, and the
 * Delta log later). Only writing: the library never needs to parse JSON in
 * this module. */
#ifndef PF_CORE_JSON_H
#define PF_CORE_JSON_H

#include "core/buf.h"

/* Appends s (n bytes, UTF-8) as a quoted JSON string. */
pf_status pf__json_str(pf__buf *b, const char *s, size_t n);
pf_status pf__json_cstr(pf__buf *b, const char *s); /* NULL -> null */
/* Appends `"key":` (with a leading comma unless first). */
pf_status pf__json_key(pf__buf *b, const char *key, int first);
/* Appends {"key":"value",...} for n key/value pairs. */
pf_status pf__json_props(pf__buf *b, const pf_prop *p, size_t n);

#endif

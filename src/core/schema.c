/* schema.c - logical type names and schema helpers. */
#include "core/schema.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"

const char *pf_type_name(pf_type type) {
  switch (type) {
    case PF_TYPE_NULL: return "null";
    case PF_TYPE_BOOL: return "boolean";
    case PF_TYPE_INT64: return "int64";
    case PF_TYPE_DOUBLE: return "double";
    case PF_TYPE_DECIMAL: return "decimal";
    case PF_TYPE_DATE: return "date";
    case PF_TYPE_TIMESTAMP: return "timestamp[us]";
    case PF_TYPE_TIMESTAMP_UTC: return "timestamp[us, UTC]";
    case PF_TYPE_TIME: return "time[us]";
    case PF_TYPE_STRING: return "string";
    case PF_TYPE_BINARY: return "binary";
    case PF_TYPE_COUNT_: break;
  }
  return "unknown";
}

pf_schema *pf__schema_new(size_t n) {
  pf_schema *s = calloc(1, sizeof *s);
  if (!s) return NULL;
  s->fields = calloc(n ? n : 1, sizeof *s->fields);
  if (!s->fields) {
    free(s);
    return NULL;
  }
  s->n_fields = n;
  for (size_t i = 0; i < n; i++) {
    s->fields[i].type = PF_TYPE_NULL;
    s->fields[i].nullable = 1;
  }
  return s;
}

void pf_schema_free(pf_schema *s) {
  if (!s) return;
  for (size_t i = 0; i < s->n_fields; i++) {
    free(s->fields[i].name);
    free(s->fields[i].note);
  }
  free(s->fields);
  free(s);
}

pf_status pf__schema_set(pf_schema *s, size_t i, const char *name, pf_type type,
                         int nullable) {
  if (!s || i >= s->n_fields) return PF_EINVAL;
  char *copy = pf__strdup(name ? name : "");
  if (!copy) return PF_ENOMEM;
  free(s->fields[i].name);
  s->fields[i].name = copy;
  s->fields[i].type = type;
  s->fields[i].nullable = nullable;
  return PF_OK;
}

pf_schema *pf__schema_copy(const pf_schema *src) {
  if (!src) return NULL;
  pf_schema *s = pf__schema_new(src->n_fields);
  if (!s) return NULL;
  for (size_t i = 0; i < src->n_fields; i++) {
    s->fields[i] = src->fields[i];
    s->fields[i].name = pf__strdup(src->fields[i].name ? src->fields[i].name : "");
    s->fields[i].note = pf__strdup(src->fields[i].note);
    if (!s->fields[i].name || (src->fields[i].note && !s->fields[i].note)) {
      pf_schema_free(s);
      return NULL;
    }
  }
  return s;
}

pf_status pf__schema_note(pf_schema *s, size_t i, const char *fmt, ...) {
  if (!s || i >= s->n_fields) return PF_EINVAL;
  pf__buf b;
  pf__buf_init(&b, 0);
  pf_status st = PF_OK;
  if (s->fields[i].note) {
    st = pf__buf_puts(&b, s->fields[i].note);
    if (st == PF_OK) st = pf__buf_puts(&b, "; ");
  }
  if (st == PF_OK) {
    va_list ap;
    va_start(ap, fmt);
    st = pf__buf_vprintf(&b, fmt, ap);
    va_end(ap);
  }
  if (st != PF_OK) {
    pf__buf_free(&b);
    return st;
  }
  free(s->fields[i].note);
  s->fields[i].note = pf__buf_take(&b);
  return s->fields[i].note ? PF_OK : PF_ENOMEM;
}

long pf__schema_find(const pf_schema *s, const char *name) {
  for (size_t i = 0; s && i < s->n_fields; i++)
    if (s->fields[i].name && strcmp(s->fields[i].name, name) == 0) return (long)i;
  return -1;
}

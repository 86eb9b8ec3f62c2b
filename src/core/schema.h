/* schema.h - building and copying pf_schema (the struct is public in
 * pyforge.h; these helpers are the library's own). */
#ifndef PF_CORE_SCHEMA_H
#define PF_CORE_SCHEMA_H

#include "core/error.h"
#include "pyforge/plugin.h"

/* A schema of n fields, each named "" and typed PF_TYPE_NULL, nullable. */
pf_schema *pf__schema_new(size_t n);
/* Sets field i (name copied). */
pf_status pf__schema_set(pf_schema *s, size_t i, const char *name, pf_type type,
                         int nullable);
pf_schema *pf__schema_copy(const pf_schema *s);
/* Appends text to field i's note (separated by "; "). */
pf_status pf__schema_note(pf_schema *s, size_t i, const char *fmt, ...)
    PF__PRINTF(3, 4);
/* Index of the field named name, or -1. */
long pf__schema_find(const pf_schema *s, const char *name);

/* Bytes per value in a batch column for fixed-width types; 0 for bool (bit
 * packed), string, binary and null (pyforge/plugin.h's inline helpers). */
#define pf__type_width pf_type_width
#define pf__type_is_varlen pf_type_is_varlen

#endif

/* delta_schema.c - Delta table schemas: the Spark StructType JSON of
 * metaData.schemaString to and from our column types.
 *
 * Type mapping (docs/delta.md): bool -> boolean, int64 -> long, double ->
 * double, decimal(p,s) -> decimal(p,s), date -> date, timestamp with UTC ->
 * timestamp, naive timestamp -> timestamp (values taken as UTC) or
 * timestamp_ntz, time -> string ("HH:MM:SS[.ffffff]"), string -> string,
 * binary -> binary, null -> string. Reading, byte/short/integer are shown as
 * int64 and float as double; nested types as string with a note.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/json.h"
#include "core/schema.h"
#include "writers/delta/delta_internal.h"

void pf__delta_schema_free(pf__delta_schema *s) {
  if (!s) return;
  for (size_t i = 0; i < s->n; i++) {
    free(s->f[i].name);
    free(s->f[i].type);
    free(s->f[i].metadata);
  }
  free(s->f);
  s->f = NULL;
  s->n = 0;
}

pf_status pf__delta_json_write(pf__buf *b, const pf__json *v) {
  switch (v->kind) {
    case PF__JSON_NULL: return pf__buf_puts(b, "null");
    case PF__JSON_BOOL: return pf__buf_puts(b, v->boolean ? "true" : "false");
    case PF__JSON_NUMBER: return pf__buf_append(b, v->str, v->len);
    case PF__JSON_STRING: return pf__json_str(b, v->str, v->len);
    case PF__JSON_ARRAY:
    case PF__JSON_OBJECT: {
      int obj = v->kind == PF__JSON_OBJECT;
      PF_TRY(pf__buf_putc(b, obj ? '{' : '['));
      for (size_t i = 0; i < v->n; i++) {
        if (i) PF_TRY(pf__buf_putc(b, ','));
        if (obj) {
          PF_TRY(pf__json_cstr(b, v->keys[i]));
          PF_TRY(pf__buf_putc(b, ':'));
        }
        PF_TRY(pf__delta_json_write(b, &v->items[i]));
      }
      return pf__buf_putc(b, obj ? '}' : ']');
    }
  }
  return PF_EINTERNAL;
}

/* Our type for a primitive Delta type name. */
static void map_primitive(pf__delta_field *f) {
  const char *t = f->type;
  int p, s;
  f->pf = PF_TYPE_COUNT_;
  if (!strcmp(t, "boolean")) f->pf = PF_TYPE_BOOL;
  else if (!strcmp(t, "long") || !strcmp(t, "integer") || !strcmp(t, "short") || !strcmp(t, "byte"))
    f->pf = PF_TYPE_INT64;
  else if (!strcmp(t, "double") || !strcmp(t, "float")) f->pf = PF_TYPE_DOUBLE;
  else if (!strcmp(t, "date")) f->pf = PF_TYPE_DATE;
  else if (!strcmp(t, "timestamp")) f->pf = PF_TYPE_TIMESTAMP_UTC;
  else if (!strcmp(t, "timestamp_ntz")) f->pf = PF_TYPE_TIMESTAMP;
  else if (!strcmp(t, "string")) f->pf = PF_TYPE_STRING;
  else if (!strcmp(t, "binary")) f->pf = PF_TYPE_BINARY;
  else if (sscanf(t, "decimal(%d,%d)", &p, &s) == 2 || sscanf(t, "decimal(%d, %d)", &p, &s) == 2) {
    if (p >= 1 && p <= 38 && s >= 0 && s <= p) {
      f->pf = PF_TYPE_DECIMAL;
      f->precision = p;
      f->scale = s;
    }
  }
}

pf_status pf__delta_schema_parse(const char *text, pf__delta_schema *out, pf_error *err) {
  memset(out, 0, sizeof *out);
  pf__json *root = NULL;
  pf_status st = pf__json_parse(text, strlen(text), NULL, &root, err);
  if (st != PF_OK) {
    char why[sizeof err->message]; /* not formatted into itself */
    snprintf(why, sizeof why, "%s", err ? err->message : "");
    return pf__error_set(err, st, "the table's schemaString is not valid JSON: %s", why);
  }
  const pf__json *fields = pf__json_get(root, "fields");
  const char *type = pf__json_string(pf__json_get(root, "type"));
  if (!type || strcmp(type, "struct") != 0 || !fields || fields->kind != PF__JSON_ARRAY) {
    pf__json_free(root);
    return pf__error_set(err, PF_EPARSE, "the table's schemaString is not a struct type with fields");
  }
  out->f = calloc(fields->n ? fields->n : 1, sizeof *out->f);
  if (!out->f) { pf__json_free(root); return pf__error_set(err, PF_ENOMEM, "out of memory"); }
  pf__buf b;
  pf__buf_init(&b, 0);
  for (size_t i = 0; i < fields->n && st == PF_OK; i++) {
    const pf__json *fj = &fields->items[i];
    const char *name = pf__json_string(pf__json_get(fj, "name"));
    const pf__json *tj = pf__json_get(fj, "type");
    const pf__json *nj = pf__json_get(fj, "nullable");
    const pf__json *mj = pf__json_get(fj, "metadata");
    if (!name || !tj) {
      st = pf__error_set(err, PF_EPARSE, "field %zu of the table's schema has no name or type", i + 1);
      break;
    }
    pf__delta_field *f = &out->f[out->n++];
    f->nullable = !nj || nj->kind != PF__JSON_BOOL || nj->boolean;
    f->name = pf__strdup(name);
    b.len = 0;
    if (tj->kind == PF__JSON_STRING) st = pf__buf_append(&b, tj->str, tj->len);
    else st = pf__delta_json_write(&b, tj);
    if (st == PF_OK) st = pf__buf_putc(&b, 0);
    if (st == PF_OK) f->type = pf__strdup((const char *)b.data);
    b.len = 0;
    if (st == PF_OK) st = mj ? pf__delta_json_write(&b, mj) : pf__buf_puts(&b, "{}");
    if (st == PF_OK) st = pf__buf_putc(&b, 0);
    if (st == PF_OK) f->metadata = pf__strdup((const char *)b.data);
    if (st == PF_OK && (!f->name || !f->type || !f->metadata)) st = PF_ENOMEM;
    if (st == PF_ENOMEM) pf__error_set(err, st, "out of memory reading the table's schema");
    if (st == PF_OK) {
      if (tj->kind == PF__JSON_STRING) map_primitive(f);
      else f->pf = PF_TYPE_COUNT_;
    }
  }
  pf__buf_free(&b);
  pf__json_free(root);
  if (st != PF_OK) pf__delta_schema_free(out);
  return st;
}

pf_status pf__delta_schema_json(const pf__delta_schema *s, pf__buf *b, pf_error *err) {
  pf_status st = pf__buf_puts(b, "{\"type\":\"struct\",\"fields\":[");
  for (size_t i = 0; i < s->n && st == PF_OK; i++) {
    const pf__delta_field *f = &s->f[i];
    if (i) st = pf__buf_putc(b, ',');
    if (st == PF_OK) st = pf__buf_puts(b, "{\"name\":");
    if (st == PF_OK) st = pf__json_cstr(b, f->name);
    if (st == PF_OK) st = pf__buf_puts(b, ",\"type\":");
    if (st == PF_OK) st = f->type[0] == '{' ? pf__buf_puts(b, f->type) : pf__json_cstr(b, f->type);
    if (st == PF_OK) st = pf__buf_printf(b, ",\"nullable\":%s,\"metadata\":%s}", f->nullable ? "true" : "false",
                                         f->metadata ? f->metadata : "{}");
  }
  if (st == PF_OK) st = pf__buf_puts(b, "]}");
  if (st != PF_OK) return pf__error_set(err, st, "cannot build the table schema: %s", pf_status_str(st));
  return PF_OK;
}

pf_status pf__delta_field_from_pf(const pf_field *field, int ntz, pf__delta_field *f, pf_error *err) {
  char t[32];
  f->pf = field->type;
  f->precision = f->scale = 0;
  switch (field->type) {
    case PF_TYPE_BOOL: strcpy(t, "boolean"); break;
    case PF_TYPE_INT64: strcpy(t, "long"); break;
    case PF_TYPE_DOUBLE: strcpy(t, "double"); break;
    case PF_TYPE_DECIMAL:
      snprintf(t, sizeof t, "decimal(%d,%d)", field->precision, field->scale);
      f->precision = field->precision;
      f->scale = field->scale;
      break;
    case PF_TYPE_DATE: strcpy(t, "date"); break;
    case PF_TYPE_TIMESTAMP:
      if (ntz) { strcpy(t, "timestamp_ntz"); break; }
      strcpy(t, "timestamp");
      f->pf = PF_TYPE_TIMESTAMP_UTC;
      break;
    case PF_TYPE_TIMESTAMP_UTC: strcpy(t, "timestamp"); break;
    case PF_TYPE_NULL:
    case PF_TYPE_TIME:
    case PF_TYPE_STRING: strcpy(t, "string"); f->pf = PF_TYPE_STRING; break;
    case PF_TYPE_BINARY: strcpy(t, "binary"); break;
    default:
      return pf__error_set(err, PF_EUNSUPPORTED, "column %s has a type (%s) Delta tables cannot hold",
                           field->name, pf_type_name(field->type));
  }
  free(f->type);
  f->type = pf__strdup(t);
  if (!f->type) return pf__error_set(err, PF_ENOMEM, "out of memory");
  return PF_OK;
}

pf_status pf__delta_schema_to_pf(const pf__delta_schema *s, pf_schema **out, pf_error *err) {
  pf_schema *ps = pf__schema_new(s->n);
  if (!ps) return pf__error_set(err, PF_ENOMEM, "out of memory");
  for (size_t i = 0; i < s->n; i++) {
    const pf__delta_field *f = &s->f[i];
    pf_type t = f->pf == PF_TYPE_COUNT_ ? PF_TYPE_STRING : f->pf;
    pf_status st = pf__schema_set(ps, i, f->name, t, f->nullable);
    if (st == PF_OK && t == PF_TYPE_DECIMAL) {
      ps->fields[i].precision = f->precision;
      ps->fields[i].scale = f->scale;
    }
    if (st == PF_OK && (f->pf == PF_TYPE_COUNT_ || strcmp(f->type, "long") != 0))
      if (f->pf == PF_TYPE_COUNT_ || !strcmp(f->type, "integer") || !strcmp(f->type, "short") ||
          !strcmp(f->type, "byte") || !strcmp(f->type, "float"))
        st = pf__schema_note(ps, i, "Delta type %.200s%s", f->type,
                             f->pf == PF_TYPE_COUNT_ ? " (not a flat type: shown as string)" : "");
    if (st != PF_OK) {
      pf_schema_free(ps);
      return pf__error_set(err, PF_ENOMEM, "out of memory");
    }
  }
  *out = ps;
  return PF_OK;
}

long pf__delta_schema_find(const pf__delta_schema *s, const char *name) {
  for (size_t i = 0; i < s->n; i++)
    if (!strcmp(s->f[i].name, name)) return (long)i;
  for (size_t i = 0; i < s->n; i++)
    if (!strcasecmp(s->f[i].name, name)) return (long)i;
  return -1;
}

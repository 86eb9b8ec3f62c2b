/* opts.c - parsing an option's text by its table entry, its canonical text,
 * and storing it in the resolved options (see opts.h). */
#include "core/opts.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"

const char *pf__compression_name(pf__compression c) {
  switch (c) {
    case PF_COMPRESSION_NONE: return "none";
    case PF_COMPRESSION_SNAPPY: return "snappy";
    case PF_COMPRESSION_GZIP: return "gzip";
    case PF_COMPRESSION_ZSTD: return "zstd";
    case PF_COMPRESSION_LZ4_RAW: return "lz4_raw";
  }
  return "unknown";
}

int pf__opts_string_column(const pf__opts *o, const char *name) {
  for (size_t i = 0; name && i < o->n_string_columns; i++)
    if (strcasecmp(o->string_columns[i], name) == 0) return 1;
  return 0;
}

static const pf__name bool_names[] = {
    {"true", 1}, {"false", 0}, {"yes", 1}, {"no", 0}, {"on", 1},
    {"off", 0},  {"1", 1},     {"0", 0},   {NULL, 0},
};

static int is_auto(const pf__option *o, const char *text) {
  return (o->d.flags & PF_OPTION_AUTO) && strcasecmp(text, "auto") == 0;
}

static int find_name(const pf__name *names, const char *text, int64_t *num) {
  for (size_t i = 0; names && names[i].name; i++)
    if (strcasecmp(text, names[i].name) == 0) {
      *num = names[i].value;
      return 1;
    }
  return 0;
}

static const char *first_name(const pf__name *names, int64_t v) {
  for (size_t i = 0; names && names[i].name; i++)
    if (names[i].value == v) return names[i].name;
  return NULL;
}

/* Digits with an optional K/M/G (x1024) suffix, optionally followed by
 * "i" and "B" ("64M", "64MiB", "512k"). */
static int parse_size(const char *s, int64_t *out) {
  if (!isdigit((unsigned char)*s)) return 0;
  char *end;
  unsigned long long v = strtoull(s, &end, 10);
  int64_t mul = 1;
  if (*end == 'k' || *end == 'K') mul = 1024, end++;
  else if (*end == 'm' || *end == 'M') mul = 1024 * 1024, end++;
  else if (*end == 'g' || *end == 'G') mul = 1024LL * 1024 * 1024, end++;
  if (mul > 1 && (*end == 'i' || *end == 'I')) end++;
  if (mul > 1 && (*end == 'b' || *end == 'B')) end++;
  if (*end || v > (unsigned long long)(INT64_MAX / mul)) return 0;
  *out = (int64_t)v * mul;
  return 1;
}

static int parse_int(const char *s, int64_t *out) {
  const char *p = s;
  if (*p == '-' || *p == '+') p++;
  if (!isdigit((unsigned char)*p)) return 0;
  char *end;
  long long v = strtoll(s, &end, 10);
  if (*end) return 0;
  *out = v;
  return 1;
}

static pf_status bad_value(const pf__option *o, const char *text, pf_error *err) {
  return pf__error_set(err, PF_EINVAL, "%s takes %s; got '%s'", o->d.key, o->d.takes, text);
}

pf_status pf__option_parse(const pf__option *o, const char *text, int64_t *num,
                           pf_error *err) {
  int64_t v = 0;
  if (!text) text = "";
  if (is_auto(o, text)) {
    *num = o->auto_value;
    return PF_OK;
  }
  int ok = 0;
  switch (o->d.type) {
    case PF_OPTION_BOOL: ok = find_name(bool_names, text, &v); break;
    case PF_OPTION_ENUM: ok = find_name(o->names, text, &v); break;
    case PF_OPTION_CHAR:
      ok = find_name(o->names, text, &v);
      if (!ok && strlen(text) == 1 && (unsigned char)text[0] < 0x80) {
        v = (unsigned char)text[0];
        ok = 1;
      }
      break;
    case PF_OPTION_INT:
    case PF_OPTION_SIZE:
      ok = o->d.type == PF_OPTION_INT ? parse_int(text, &v) : parse_size(text, &v);
      ok = ok && v >= o->d.min && v <= o->d.max;
      break;
    case PF_OPTION_STRING:
    case PF_OPTION_LIST:
      ok = !(o->d.flags & PF_OPTION_NONEMPTY) || text[0] != 0;
      break;
  }
  if (!ok) return bad_value(o, text, err);
  *num = v;
  return PF_OK;
}

char *pf__option_canon(const pf__option *o, const char *text) {
  int64_t v;
  if (o->d.type == PF_OPTION_STRING || o->d.type == PF_OPTION_LIST)
    return pf__strdup(text);
  if (is_auto(o, text)) return pf__strdup("auto");
  if (pf__option_parse(o, text, &v, NULL) != PF_OK) return NULL;
  switch (o->d.type) {
    case PF_OPTION_BOOL: return pf__strdup(v ? "true" : "false");
    case PF_OPTION_ENUM: return pf__strdup(first_name(o->names, v));
    case PF_OPTION_CHAR:
      if (v > ' ' && v < 0x7f) return pf__aprintf("%c", (int)v);
      if (first_name(o->names, v)) return pf__strdup(first_name(o->names, v));
      return pf__aprintf("0x%02X", (unsigned)v);
    default: return pf__aprintf("%lld", (long long)v);
  }
}

void pf__option_apply(const pf__option *o, pf__opts *r, const char *text,
                      const char *const *items, size_t n) {
  char *field = (char *)r + o->offset;
  int64_t v = 0;
  switch (o->bind) {
    case PF__BIND_NONE: return;
    case PF__BIND_INT:
      if (text && pf__option_parse(o, text, &v, NULL) == PF_OK) {
        int iv = (int)v;
        memcpy(field, &iv, sizeof iv);
      }
      return;
    case PF__BIND_I64:
      if (text && pf__option_parse(o, text, &v, NULL) == PF_OK) memcpy(field, &v, sizeof v);
      return;
    case PF__BIND_STR: {
      const char *s = text && !is_auto(o, text) ? text : NULL;
      memcpy(field, &s, sizeof s);
      return;
    }
    case PF__BIND_LIST: {
      const char *const *p = n ? items : NULL;
      memcpy(field, &p, sizeof p);
      memcpy((char *)r + o->count_offset, &n, sizeof n);
      return;
    }
  }
}

/* info.c - building and freeing pf_info (the result of `pyforge info`). */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/format_api.h"

static pf_status add_prop(pf_prop **props, size_t *n, const char *key,
                          const char *fmt, va_list ap) {
  pf__buf b;
  pf__buf_init(&b, 0);
  pf_status st = pf__buf_vprintf(&b, fmt, ap);
  if (st != PF_OK) {
    pf__buf_free(&b);
    return st;
  }
  pf_prop *np = realloc(*props, (*n + 1) * sizeof *np);
  if (!np) {
    pf__buf_free(&b);
    return PF_ENOMEM;
  }
  *props = np;
  memset(&np[*n], 0, sizeof np[*n]);
  np[*n].key = pf__strdup(key);
  np[*n].value = pf__buf_take(&b);
  if (!np[*n].key || !np[*n].value) {
    free(np[*n].key);
    free(np[*n].value);
    return PF_ENOMEM;
  }
  (*n)++;
  return PF_OK;
}

pf_status pf__info_prop(pf_info *info, const char *key, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  pf_status st = add_prop(&info->props, &info->n_props, key, fmt, ap);
  va_end(ap);
  return st;
}

pf_status pf__section_prop(pf_info_section *s, const char *key, const char *fmt,
                           ...) {
  va_list ap;
  va_start(ap, fmt);
  pf_status st = add_prop(&s->props, &s->n_props, key, fmt, ap);
  va_end(ap);
  return st;
}

pf_info_section *pf__info_section(pf_info *info, const char *kind,
                                  const char *name) {
  pf_info_section *ns =
      realloc(info->sections, (info->n_sections + 1) * sizeof *ns);
  if (!ns) return NULL;
  info->sections = ns;
  pf_info_section *s = &ns[info->n_sections];
  memset(s, 0, sizeof *s);
  s->kind = pf__strdup(kind);
  s->name = pf__strdup(name);
  s->n_props = 0;
  s->props = NULL;
  if (!s->kind || !s->name) {
    free(s->kind);
    free(s->name);
    return NULL;
  }
  info->n_sections++;
  return s;
}

static void free_props(pf_prop *p, size_t n) {
  for (size_t i = 0; i < n; i++) {
    free(p[i].key);
    free(p[i].value);
  }
  free(p);
}

void pf_info_free(pf_info *info) {
  if (!info) return;
  free(info->path);
  free(info->format);
  free_props(info->props, info->n_props);
  pf_schema_free(info->schema);
  for (size_t i = 0; i < info->n_sections; i++) {
    free(info->sections[i].kind);
    free(info->sections[i].name);
    free_props(info->sections[i].props, info->sections[i].n_props);
  }
  free(info->sections);
  memset(info, 0, sizeof *info);
}

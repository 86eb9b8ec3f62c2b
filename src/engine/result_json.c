/* result_json.c - results of convert, info and validate as JSON objects
 * (what `--json` prints and what the Python package reads). */
#include <stdio.h>
#include <string.h>

#include "core/json.h"
#include "engine/engine.h"

#define J(expr)                        \
  do {                                 \
    if ((expr) != PF_OK) goto oom;     \
  } while (0)

static pf_status schema_json(pf__buf *b, const pf_schema *s) {
  PF_TRY(pf__buf_putc(b, '['));
  for (size_t i = 0; s && i < s->n_fields; i++) {
    const pf_field *f = &s->fields[i];
    if (i) PF_TRY(pf__buf_putc(b, ','));
    PF_TRY(pf__buf_putc(b, '{'));
    PF_TRY(pf__json_key(b, "name", 1));
    PF_TRY(pf__json_cstr(b, f->name));
    PF_TRY(pf__json_key(b, "type", 0));
    PF_TRY(pf__json_cstr(b, pf_type_name(f->type)));
    PF_TRY(pf__json_key(b, "nullable", 0));
    PF_TRY(pf__buf_puts(b, f->nullable ? "true" : "false"));
    if (f->type == PF_TYPE_DECIMAL)
      PF_TRY(pf__buf_printf(b, ",\"precision\":%d,\"scale\":%d", f->precision, f->scale));
    PF_TRY(pf__json_key(b, "note", 0));
    PF_TRY(pf__json_cstr(b, f->note));
    PF_TRY(pf__buf_putc(b, '}'));
  }
  return pf__buf_putc(b, ']');
}

pf_status pf__error_json(pf__buf *b, const pf_error *e) {
  PF_TRY(pf__buf_putc(b, '{'));
  PF_TRY(pf__json_key(b, "status", 1));
  PF_TRY(pf__json_cstr(b, pf_status_name(e->status)));
  PF_TRY(pf__json_key(b, "message", 0));
  PF_TRY(pf__json_cstr(b, e->message));
  if (e->file[0]) {
    PF_TRY(pf__json_key(b, "file", 0));
    PF_TRY(pf__json_cstr(b, e->file));
  }
  if (e->line >= 0) PF_TRY(pf__buf_printf(b, ",\"line\":%lld", (long long)e->line));
  if (e->row >= 0) PF_TRY(pf__buf_printf(b, ",\"row\":%lld", (long long)e->row));
  if (e->column >= 0) PF_TRY(pf__buf_printf(b, ",\"column\":%lld", (long long)e->column));
  if (e->column_name[0]) {
    PF_TRY(pf__json_key(b, "column_name", 0));
    PF_TRY(pf__json_cstr(b, e->column_name));
  }
  if (e->offset >= 0) PF_TRY(pf__buf_printf(b, ",\"offset\":%lld", (long long)e->offset));
  if (e->table[0]) {
    PF_TRY(pf__json_key(b, "table", 0));
    PF_TRY(pf__json_cstr(b, e->table));
    PF_TRY(pf__json_key(b, "table_kind", 0));
    PF_TRY(pf__json_cstr(b, e->table_kind[0] ? e->table_kind : "table"));
  }
  if (e->inner_path[0]) {
    PF_TRY(pf__json_key(b, "inner_path", 0));
    PF_TRY(pf__json_cstr(b, e->inner_path));
  }
  return pf__buf_putc(b, '}');
}

char *pf_convert_result_json(const pf_convert_result *r) {
  pf__buf b;
  pf__buf_init(&b, 0);
  J(pf__buf_putc(&b, '{'));
  J(pf__json_key(&b, "input_format", 1));
  J(pf__json_cstr(&b, r->input_format));
  J(pf__json_key(&b, "output_format", 0));
  J(pf__json_cstr(&b, r->output_format));
  J(pf__json_key(&b, "output", 0));
  J(pf__json_cstr(&b, r->output_path));
  J(pf__json_key(&b, "rejects", 0));
  J(pf__json_cstr(&b, r->rejects_path));
  double mbps = r->seconds > 0 ? (double)r->bytes_in / 1e6 / r->seconds : 0;
  J(pf__buf_printf(&b,
                   ",\"rows\":%lld,\"rows_rejected\":%lld,\"columns\":%lld,\"bytes_in\":%llu,"
                   "\"bytes_out\":%llu,\"seconds\":%.6f,\"mb_per_second\":%.3f,\"threads\":%d,"
                   "\"restarts\":%d",
                   (long long)r->rows, (long long)r->rows_rejected, (long long)r->columns,
                   (unsigned long long)r->bytes_in, (unsigned long long)r->bytes_out, r->seconds,
                   mbps, r->threads, r->restarts));
  if (r->table_version >= 0) J(pf__buf_printf(&b, ",\"table_version\":%lld", (long long)r->table_version));
  else J(pf__buf_puts(&b, ",\"table_version\":null"));
  J(pf__json_key(&b, "outputs", 0));
  J(pf__buf_putc(&b, '['));
  for (size_t i = 0; i < r->n_outputs; i++) {
    const pf_output_desc *o = &r->outputs[i];
    J(pf__buf_puts(&b, i ? ",{" : "{"));
    J(pf__json_key(&b, "path", 1));
    J(pf__json_cstr(&b, o->path));
    J(pf__json_key(&b, "sheets", 0));
    J(pf__json_cstr(&b, o->tables));
    J(pf__buf_printf(&b, ",\"rows\":%lld,\"columns\":%lld,\"bytes\":%llu}", (long long)o->rows,
                     (long long)o->columns, (unsigned long long)o->bytes));
  }
  J(pf__buf_putc(&b, ']'));
  J(pf__json_key(&b, "schema", 0));
  J(schema_json(&b, r->schema));
  J(pf__json_key(&b, "warnings", 0));
  J(pf__buf_putc(&b, '['));
  for (size_t i = 0; i < r->n_warnings; i++) {
    if (i) J(pf__buf_putc(&b, ','));
    J(pf__json_cstr(&b, r->warnings[i]));
  }
  J(pf__buf_puts(&b, "]}"));
  return pf__buf_take(&b);
oom:
  pf__buf_free(&b);
  return NULL;
}

char *pf_info_json(const pf_info *info) {
  pf__buf b;
  pf__buf_init(&b, 0);
  J(pf__buf_putc(&b, '{'));
  J(pf__json_key(&b, "path", 1));
  J(pf__json_cstr(&b, info->path));
  J(pf__json_key(&b, "format", 0));
  J(pf__json_cstr(&b, info->format));
  J(pf__buf_printf(&b, ",\"size_bytes\":%llu", (unsigned long long)info->size_bytes));
  if (info->rows >= 0) J(pf__buf_printf(&b, ",\"rows\":%lld", (long long)info->rows));
  else J(pf__buf_puts(&b, ",\"rows\":null"));
  J(pf__json_key(&b, "properties", 0));
  J(pf__json_props(&b, info->props, info->n_props));
  J(pf__json_key(&b, "columns", 0));
  J(schema_json(&b, info->schema));
  J(pf__json_key(&b, "sections", 0));
  J(pf__buf_putc(&b, '['));
  for (size_t i = 0; i < info->n_sections; i++) {
    const pf_info_section *s = &info->sections[i];
    if (i) J(pf__buf_putc(&b, ','));
    J(pf__buf_putc(&b, '{'));
    J(pf__json_key(&b, "kind", 1));
    J(pf__json_cstr(&b, s->kind));
    J(pf__json_key(&b, "name", 0));
    J(pf__json_cstr(&b, s->name));
    J(pf__json_key(&b, "properties", 0));
    J(pf__json_props(&b, s->props, s->n_props));
    J(pf__buf_putc(&b, '}'));
  }
  J(pf__buf_putc(&b, ']'));
  J(pf__info_original_json(&b, info)); /* scripts written for the original */
  J(pf__buf_putc(&b, '}'));
  return pf__buf_take(&b);
oom:
  pf__buf_free(&b);
  return NULL;
}

char *pf_validate_result_json(const pf_validate_result *r) {
  pf__buf b;
  pf__buf_init(&b, 0);
  J(pf__buf_putc(&b, '{'));
  J(pf__buf_printf(&b, "\"valid\":%s", r->valid ? "true" : "false"));
  J(pf__json_key(&b, "format", 0));
  J(pf__json_cstr(&b, r->format));
  J(pf__buf_printf(&b, ",\"rows\":%lld,\"problems_total\":%lld", (long long)r->rows,
                   (long long)r->problems_total));
  J(pf__json_key(&b, "problems", 0));
  J(pf__buf_putc(&b, '['));
  for (size_t i = 0; i < r->n_problems; i++) {
    if (i) J(pf__buf_putc(&b, ','));
    J(pf__error_json(&b, &r->problems[i]));
  }
  J(pf__buf_putc(&b, ']'));
  J(pf__json_key(&b, "columns", 0));
  J(schema_json(&b, r->schema));
  if (r->checked) {
    J(pf__json_key(&b, "checked", 0));
    J(pf__json_cstr(&b, r->checked));
  }
  J(pf__buf_putc(&b, '}'));
  return pf__buf_take(&b);
oom:
  pf__buf_free(&b);
  return NULL;
}

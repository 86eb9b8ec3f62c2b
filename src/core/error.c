/* error.c - the status table (one X-macro in pyforge.h) and pf_error. */
#include "core/error.h"

#include "core/redact.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *pf_status_str(pf_status status) {
  switch (status) {
#define PF__STATUS_STR(name, value, text) \
  case PF_##name:                         \
    return text;
    PF_STATUS_MAP(PF__STATUS_STR)
#undef PF__STATUS_STR
  }
  return "unknown status";
}

const char *pf_status_name(pf_status status) {
  switch (status) {
#define PF__STATUS_NAME(name, value, text) \
  case PF_##name:                          \
    return #name;
    PF_STATUS_MAP(PF__STATUS_NAME)
#undef PF__STATUS_NAME
  }
  return "UNKNOWN";
}

void pf_error_init(pf_error *err) {
  if (!err) return;
  memset(err, 0, sizeof *err);
  err->row = err->line = err->column = err->offset = -1;
}

static void copy_str(char *dst, size_t cap, const char *src) {
  if (!src) src = "";
  size_t n = strlen(src);
  if (n >= cap) n = cap - 1;
  memcpy(dst, src, n);
  dst[n] = '\0';
}

pf_status pf__error_set(pf_error *err, pf_status st, const char *fmt, ...) {
  if (!err) return st;
  err->status = st;
  char text[sizeof err->message];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(text, sizeof text, fmt, ap);
  va_end(ap);
  pf__redact(text, err->message, sizeof err->message); /* no credential in a message */
  return st;
}

void pf__error_file(pf_error *err, const char *file) {
  if (err) pf__redact(file ? file : "", err->file, sizeof err->file);
}

void pf__error_place(pf_error *err, int64_t row, int64_t line, int64_t column,
                     int64_t offset) {
  if (!err) return;
  err->row = row;
  err->line = line;
  err->column = column;
  err->offset = offset;
}

void pf__error_column_name(pf_error *err, const char *name) {
  if (err) copy_str(err->column_name, sizeof err->column_name, name);
}

void pf__error_table(pf_error *err, const char *kind, const char *name, int replace) {
  if (!err || (!replace && err->table[0])) return;
  copy_str(err->table, sizeof err->table, name);
  copy_str(err->table_kind, sizeof err->table_kind, name && *name ? kind : "");
}

void pf__error_inner_path(pf_error *err, const char *path) {
  if (err) copy_str(err->inner_path, sizeof err->inner_path, path);
}

void pf__error_copy(pf_error *dst, const pf_error *src) {
  if (dst && src && dst != src) memcpy(dst, src, sizeof *dst);
}

/* Appends formatted text at *len in buf (capacity cap), never overflowing;
 * *len counts what fit. */
static void put(char *buf, size_t cap, size_t *len, const char *fmt, ...)
    PF__PRINTF(4, 5);
static void put(char *buf, size_t cap, size_t *len, const char *fmt, ...) {
  if (*len + 1 >= cap) return;
  va_list ap;
  va_start(ap, fmt);
  int w = vsnprintf(buf + *len, cap - *len, fmt, ap);
  va_end(ap);
  if (w > 0) *len += (size_t)w < cap - *len ? (size_t)w : cap - *len - 1;
}

size_t pf_error_format(const pf_error *err, char *buf, size_t n) {
  char tmp[4096];
  size_t len = 0;
  const size_t cap = sizeof tmp;
  tmp[0] = 0;
  if (!err) {
    put(tmp, cap, &len, "(no error)");
  } else {
    const char *sep = "";
    if (err->file[0]) put(tmp, cap, &len, "%s: ", err->file);
    if (err->table[0]) {
      put(tmp, cap, &len, "%s '%s'", err->table_kind[0] ? err->table_kind : "table", err->table);
      sep = ", ";
    }
    if (err->inner_path[0]) { put(tmp, cap, &len, "%s%s", sep, err->inner_path); sep = ", "; }
    if (err->line >= 0) { put(tmp, cap, &len, "%sline %lld", sep, (long long)err->line); sep = ", "; }
    if (err->row >= 0) { put(tmp, cap, &len, "%srow %lld", sep, (long long)err->row); sep = ", "; }
    if (err->column >= 0) {
      put(tmp, cap, &len, "%scolumn %lld", sep, (long long)err->column);
      if (err->column_name[0]) put(tmp, cap, &len, " (%s)", err->column_name);
      sep = ", ";
    } else if (err->column_name[0]) {
      put(tmp, cap, &len, "%scolumn '%s'", sep, err->column_name);
      sep = ", ";
    }
    if (err->offset >= 0 && err->line < 0) { put(tmp, cap, &len, "%sbyte %lld", sep, (long long)err->offset); sep = ", "; }
    if (*sep) put(tmp, cap, &len, ": ");
    put(tmp, cap, &len, "%s", err->message[0] ? err->message : pf_status_str(err->status));
  }
  if (n > 0) copy_str(buf, n, tmp);
  return len;
}

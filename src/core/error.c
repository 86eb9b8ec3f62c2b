/* error.c - the status table (one X-macro in pyforge.h) and pf_error. */
#include "core/error.h"

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
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err->message, sizeof err->message, fmt, ap);
  va_end(ap);
  return st;
}

void pf__error_file(pf_error *err, const char *file) {
  if (err) copy_str(err->file, sizeof err->file, file);
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

void pf__error_copy(pf_error *dst, const pf_error *src) {
  if (dst && src && dst != src) memcpy(dst, src, sizeof *dst);
}

size_t pf_error_format(const pf_error *err, char *buf, size_t n) {
  char tmp[4096];
  size_t len = 0;
#define PUT(...)                                                           \
  do {                                                                     \
    int w_ = snprintf(tmp + len, sizeof tmp - len, __VA_ARGS__);           \
    if (w_ > 0) len += (size_t)w_ < sizeof tmp - len ? (size_t)w_ : sizeof tmp - len - 1; \
  } while (0)
  if (!err) {
    PUT("(no error)");
  } else {
    if (err->file[0]) PUT("%s: ", err->file);
    int placed = 0;
    if (err->sheet[0]) { PUT("sheet '%s'", err->sheet); placed = 1; }
    if (err->xml_path[0]) { PUT("%s%s", placed ? ", " : "", err->xml_path); placed = 1; }
    if (err->line >= 0) { PUT("%sline %lld", placed ? ", " : "", (long long)err->line); placed = 1; }
    if (err->row >= 0) { PUT("%srow %lld", placed ? ", " : "", (long long)err->row); placed = 1; }
    if (err->column >= 0) {
      PUT("%scolumn %lld", placed ? ", " : "", (long long)err->column);
      if (err->column_name[0]) PUT(" (%s)", err->column_name);
      placed = 1;
    } else if (err->column_name[0]) {
      PUT("%scolumn '%s'", placed ? ", " : "", err->column_name);
      placed = 1;
    }
    if (err->offset >= 0 && err->line < 0) { PUT("%sbyte %lld", placed ? ", " : "", (long long)err->offset); placed = 1; }
    if (placed) PUT(": ");
    PUT("%s", err->message[0] ? err->message : pf_status_str(err->status));
  }
#undef PUT
  if (n > 0) copy_str(buf, n, tmp);
  return len;
}

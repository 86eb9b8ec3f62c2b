/* rejects.c - writing rejected rows to their own CSV file. */
#include "engine/rejects.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"

pf_status pf__rejects_init(pf__rejects *r, const char *path, const pf__output_opts *oo) {
  memset(r, 0, sizeof *r);
  r->path = pf__strdup(path);
  r->oo = *oo;
  return r->path ? PF_OK : PF_ENOMEM;
}

/* RFC 4180 field: quoted, inner quotes doubled. */
static pf_status put_field(pf__buf *b, const char *s, size_t n) {
  PF_TRY(pf__buf_putc(b, '"'));
  for (size_t i = 0; i < n; i++) {
    if (s[i] == '"') PF_TRY(pf__buf_putc(b, '"'));
    PF_TRY(pf__buf_putc(b, s[i]));
  }
  return pf__buf_putc(b, '"');
}

pf_status pf__rejects_line(pf__buf *b, const char *file, int64_t line, const char *reason,
                           const char *raw, size_t raw_len) {
  /* The raw row without its line terminator. */
  while (raw_len > 0 && (raw[raw_len - 1] == '\n' || raw[raw_len - 1] == '\r')) raw_len--;
  if (file) {
    PF_TRY(put_field(b, file, strlen(file)));
    PF_TRY(pf__buf_putc(b, ','));
  }
  PF_TRY(pf__buf_printf(b, "%lld,", (long long)line));
  PF_TRY(put_field(b, reason, strlen(reason)));
  PF_TRY(pf__buf_putc(b, ','));
  PF_TRY(put_field(b, raw, raw_len));
  return pf__buf_putc(b, '\n');
}

pf_status pf__rejects_add(void *user, int64_t line, const char *reason,
                          const char *raw, size_t raw_len, pf_error *err) {
  pf__rejects *r = user;
  if (!r->out) {
    PF_TRY(pf__output_open_ex(r->path, &r->oo, &r->out, err));
    static const char header[] = "line,reason,row\n";
    PF_TRY(pf__output_write(r->out, header, sizeof header - 1, err));
  }
  pf__buf b;
  pf__buf_init(&b, 0);
  pf_status st = pf__rejects_line(&b, NULL, line, reason, raw, raw_len);
  if (st == PF_OK) st = pf__output_write(r->out, b.data, b.len, err);
  else pf__error_set(err, st, "out of memory");
  pf__buf_free(&b);
  if (st == PF_OK) r->count++;
  return st;
}

void pf__rejects_reset(pf__rejects *r) {
  pf__output_abort(r->out);
  r->out = NULL;
  r->count = 0;
}

pf_status pf__rejects_commit(pf__rejects *r, pf_error *err) {
  if (!r->out) return PF_OK;
  pf__output *o = r->out;
  r->out = NULL;
  return pf__output_commit(o, err);
}

void pf__rejects_free(pf__rejects *r) {
  pf__output_abort(r->out);
  free(r->path);
  memset(r, 0, sizeof *r);
}

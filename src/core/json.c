/* json.c - JSON string escaping. */
#include "core/json.h"

#include <string.h>

pf_status pf__json_str(pf__buf *b, const char *s, size_t n) {
  static const char hex[] = "0123456789abcdef";
  PF_TRY(pf__buf_putc(b, '"'));
  size_t run = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    PF_TRY(pf__buf_append(b, s + run, i - run));
    run = i + 1;
    char esc[7] = {'\\', 0};
    size_t el = 2;
    switch (c) {
      case '"': esc[1] = '"'; break;
      case '\\': esc[1] = '\\'; break;
      case '\n': esc[1] = 'n'; break;
      case '\r': esc[1] = 'r'; break;
      case '\t': esc[1] = 't'; break;
      default:
        memcpy(esc, "\\u00", 4);
        esc[4] = hex[c >> 4];
        esc[5] = hex[c & 15];
        el = 6;
    }
    PF_TRY(pf__buf_append(b, esc, el));
  }
  PF_TRY(pf__buf_append(b, s + run, n - run));
  return pf__buf_putc(b, '"');
}

pf_status pf__json_cstr(pf__buf *b, const char *s) {
  if (!s) return pf__buf_puts(b, "null");
  return pf__json_str(b, s, strlen(s));
}

pf_status pf__json_key(pf__buf *b, const char *key, int first) {
  if (!first) PF_TRY(pf__buf_putc(b, ','));
  PF_TRY(pf__json_cstr(b, key));
  return pf__buf_putc(b, ':');
}

pf_status pf__json_props(pf__buf *b, const pf_prop *p, size_t n) {
  PF_TRY(pf__buf_putc(b, '{'));
  for (size_t i = 0; i < n; i++) {
    PF_TRY(pf__json_key(b, p[i].key, i == 0));
    PF_TRY(pf__json_cstr(b, p[i].value));
  }
  return pf__buf_putc(b, '}');
}

/* json_parse.c - the strict, bounded JSON parser declared in json_parse.h:
 * recursive descent over the input bytes, building a pf__json tree. */
#include "core/json_parse.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"

typedef struct parser {
  const unsigned char *p;  /* input                                        */
  size_t n;                /* input length                                 */
  size_t i;                /* current offset                               */
  int max_depth;
  pf_error *err;
} parser;

static pf_status fail(parser *ps, const char *what) {
  pf__error_place(ps->err, -1, -1, -1, (int64_t)ps->i);
  return pf__error_set(ps->err, PF_EPARSE, "malformed JSON at byte %zu: %s", ps->i, what);
}

static void skip_ws(parser *ps) {
  while (ps->i < ps->n) {
    unsigned char c = ps->p[ps->i];
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
    ps->i++;
  }
}

static int hex4(const unsigned char *s, unsigned *out) {
  unsigned v = 0;
  for (int k = 0; k < 4; k++) {
    unsigned c = s[k], d;
    if (c >= '0' && c <= '9') d = c - '0';
    else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
    else return 0;
    v = v * 16 + d;
  }
  *out = v;
  return 1;
}

static pf_status put_utf8(pf__buf *b, unsigned cp) {
  unsigned char u[4];
  size_t k;
  if (cp < 0x80) { u[0] = (unsigned char)cp; k = 1; }
  else if (cp < 0x800) { u[0] = (unsigned char)(0xC0 | (cp >> 6)); u[1] = (unsigned char)(0x80 | (cp & 0x3F)); k = 2; }
  else if (cp < 0x10000) {
    u[0] = (unsigned char)(0xE0 | (cp >> 12)); u[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    u[2] = (unsigned char)(0x80 | (cp & 0x3F)); k = 3;
  } else {
    u[0] = (unsigned char)(0xF0 | (cp >> 18)); u[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    u[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F)); u[3] = (unsigned char)(0x80 | (cp & 0x3F)); k = 4;
  }
  return pf__buf_append(b, u, k);
}

/* Length of the valid UTF-8 sequence at s (n bytes left), 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t n) {
  unsigned c = s[0];
  size_t k;
  unsigned cp;
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) { k = 2; cp = c & 0x1F; }
  else if (c >= 0xE0 && c <= 0xEF) { k = 3; cp = c & 0x0F; }
  else if (c >= 0xF0 && c <= 0xF4) { k = 4; cp = c & 0x07; }
  else return 0;
  if (n < k) return 0;
  for (size_t j = 1; j < k; j++) {
    if ((s[j] & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (s[j] & 0x3F);
  }
  if ((k == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (k == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
    return 0;
  return k;
}

/* Parses a string at ps->i (on the opening quote) into fresh memory. */
static pf_status parse_string(parser *ps, char **out, size_t *len) {
  pf__buf b;
  pf__buf_init(&b, 0);
  ps->i++;
  pf_status st = PF_OK;
  for (;;) {
    if (ps->i >= ps->n) { st = fail(ps, "unterminated string"); break; }
    size_t run = ps->i;
    while (ps->i < ps->n) {
      unsigned char c = ps->p[ps->i];
      if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80) break;
      ps->i++;
    }
    if ((st = pf__buf_append(&b, ps->p + run, ps->i - run)) != PF_OK) break;
    if (ps->i >= ps->n) { st = fail(ps, "unterminated string"); break; }
    unsigned char c = ps->p[ps->i];
    if (c == '"') { ps->i++; break; }
    if (c < 0x20) { st = fail(ps, "control character in a string"); break; }
    if (c >= 0x80) {
      size_t k = utf8_len(ps->p + ps->i, ps->n - ps->i);
      if (!k) { st = fail(ps, "invalid UTF-8 in a string"); break; }
      if ((st = pf__buf_append(&b, ps->p + ps->i, k)) != PF_OK) break;
      ps->i += k;
      continue;
    }
    /* escape */
    if (ps->i + 1 >= ps->n) { st = fail(ps, "unterminated escape"); break; }
    unsigned char e = ps->p[ps->i + 1];
    ps->i += 2;
    char ch = 0;
    switch (e) {
      case '"': ch = '"'; break;
      case '\\': ch = '\\'; break;
      case '/': ch = '/'; break;
      case 'b': ch = '\b'; break;
      case 'f': ch = '\f'; break;
      case 'n': ch = '\n'; break;
      case 'r': ch = '\r'; break;
      case 't': ch = '\t'; break;
      case 'u': {
        unsigned cp, lo;
        if (ps->i + 4 > ps->n || !hex4(ps->p + ps->i, &cp)) { st = fail(ps, "bad \\u escape"); goto done; }
        ps->i += 4;
        if (cp >= 0xDC00 && cp <= 0xDFFF) { st = fail(ps, "lone low surrogate"); goto done; }
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          if (ps->i + 6 > ps->n || ps->p[ps->i] != '\\' || ps->p[ps->i + 1] != 'u' ||
              !hex4(ps->p + ps->i + 2, &lo) || lo < 0xDC00 || lo > 0xDFFF) {
            st = fail(ps, "lone high surrogate");
            goto done;
          }
          ps->i += 6;
          cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        }
        if ((st = put_utf8(&b, cp)) != PF_OK) goto done;
        continue;
      }
      default: ps->i -= 1; st = fail(ps, "unknown escape"); goto done;
    }
    if ((st = pf__buf_putc(&b, ch)) != PF_OK) break;
  }
done:
  if (st != PF_OK) {
    pf__buf_free(&b);
    if (st == PF_ENOMEM) pf__error_set(ps->err, st, "out of memory parsing JSON");
    return st;
  }
  *len = b.len;
  if (!b.data) {
    *out = calloc(1, 1);
    if (!*out) return pf__error_set(ps->err, PF_ENOMEM, "out of memory parsing JSON");
    return PF_OK;
  }
  *out = pf__buf_take(&b);
  return PF_OK;
}

static pf_status parse_number(parser *ps, pf__json *v) {
  size_t s = ps->i;
  const unsigned char *p = ps->p;
  size_t i = ps->i, n = ps->n;
  if (i < n && p[i] == '-') i++;
  if (i >= n) return fail(ps, "bad number");
  if (p[i] == '0') i++;
  else if (p[i] >= '1' && p[i] <= '9') { while (i < n && p[i] >= '0' && p[i] <= '9') i++; }
  else return fail(ps, "bad number");
  if (i < n && p[i] == '.') {
    i++;
    if (i >= n || p[i] < '0' || p[i] > '9') { ps->i = i; return fail(ps, "digit expected after '.'"); }
    while (i < n && p[i] >= '0' && p[i] <= '9') i++;
  }
  if (i < n && (p[i] == 'e' || p[i] == 'E')) {
    i++;
    if (i < n && (p[i] == '+' || p[i] == '-')) i++;
    if (i >= n || p[i] < '0' || p[i] > '9') { ps->i = i; return fail(ps, "digit expected in exponent"); }
    while (i < n && p[i] >= '0' && p[i] <= '9') i++;
  }
  v->kind = PF__JSON_NUMBER;
  v->str = pf__strndup((const char *)p + s, i - s);
  if (!v->str) return pf__error_set(ps->err, PF_ENOMEM, "out of memory parsing JSON");
  v->len = i - s;
  ps->i = i;
  return PF_OK;
}

static pf_status parse_value(parser *ps, pf__json *v, int depth);

static pf_status grow(parser *ps, pf__json *v, size_t *cap, int obj) {
  if (v->n < *cap) return PF_OK;
  size_t nc = *cap ? *cap * 2 : 4;
  pf__json *it = realloc(v->items, nc * sizeof *it);
  if (!it) return pf__error_set(ps->err, PF_ENOMEM, "out of memory parsing JSON");
  v->items = it;
  if (obj) {
    char **k = realloc(v->keys, nc * sizeof *k);
    if (!k) return pf__error_set(ps->err, PF_ENOMEM, "out of memory parsing JSON");
    v->keys = k;
  }
  *cap = nc;
  return PF_OK;
}

static pf_status parse_container(parser *ps, pf__json *v, int depth, int obj) {
  if (depth >= ps->max_depth)
    return pf__error_set(ps->err, PF_ELIMIT, "JSON nested deeper than %d levels at byte %zu", ps->max_depth, ps->i);
  v->kind = obj ? PF__JSON_OBJECT : PF__JSON_ARRAY;
  unsigned char close = obj ? '}' : ']';
  size_t cap = 0;
  ps->i++;
  skip_ws(ps);
  if (ps->i < ps->n && ps->p[ps->i] == close) { ps->i++; return PF_OK; }
  for (;;) {
    PF_TRY(grow(ps, v, &cap, obj));
    pf__json *it = &v->items[v->n];
    memset(it, 0, sizeof *it);
    if (obj) {
      skip_ws(ps);
      if (ps->i >= ps->n || ps->p[ps->i] != '"') return fail(ps, "object key expected");
      size_t kl;
      char *key;
      PF_TRY(parse_string(ps, &key, &kl));
      v->keys[v->n] = key;
      v->n++;
      skip_ws(ps);
      if (ps->i >= ps->n || ps->p[ps->i] != ':') return fail(ps, "':' expected");
      ps->i++;
    } else {
      v->n++;
    }
    PF_TRY(parse_value(ps, it, depth + 1));
    skip_ws(ps);
    if (ps->i >= ps->n) return fail(ps, obj ? "unterminated object" : "unterminated array");
    unsigned char c = ps->p[ps->i];
    if (c == ',') { ps->i++; continue; }
    if (c == close) { ps->i++; return PF_OK; }
    return fail(ps, obj ? "',' or '}' expected" : "',' or ']' expected");
  }
}

static int lit(parser *ps, const char *w) {
  size_t k = strlen(w);
  if (ps->n - ps->i < k || memcmp(ps->p + ps->i, w, k) != 0) return 0;
  ps->i += k;
  return 1;
}

static pf_status parse_value(parser *ps, pf__json *v, int depth) {
  skip_ws(ps);
  if (ps->i >= ps->n) return fail(ps, "value expected");
  unsigned char c = ps->p[ps->i];
  switch (c) {
    case '{': return parse_container(ps, v, depth, 1);
    case '[': return parse_container(ps, v, depth, 0);
    case '"':
      v->kind = PF__JSON_STRING;
      return parse_string(ps, &v->str, &v->len);
    case 't': if (lit(ps, "true")) { v->kind = PF__JSON_BOOL; v->boolean = 1; return PF_OK; } break;
    case 'f': if (lit(ps, "false")) { v->kind = PF__JSON_BOOL; return PF_OK; } break;
    case 'n': if (lit(ps, "null")) { v->kind = PF__JSON_NULL; return PF_OK; } break;
    default:
      if (c == '-' || (c >= '0' && c <= '9')) return parse_number(ps, v);
  }
  return fail(ps, "unexpected character");
}

static void free_inner(pf__json *v) {
  free(v->str);
  for (size_t i = 0; i < v->n; i++) {
    free_inner(&v->items[i]);
    if (v->keys) free(v->keys[i]);
  }
  free(v->items);
  free(v->keys);
}

void pf__json_free(pf__json *v) {
  if (!v) return;
  free_inner(v);
  free(v);
}

pf_status pf__json_parse(const char *text, size_t n, const pf__json_limits *lim,
                         pf__json **out, pf_error *err) {
  *out = NULL;
  size_t max_bytes = lim && lim->max_bytes ? lim->max_bytes : (size_t)256 << 20;
  int max_depth = lim && lim->max_depth ? lim->max_depth : 64;
  if (n > max_bytes)
    return pf__error_set(err, PF_ELIMIT, "JSON text of %zu bytes exceeds the %zu-byte limit", n, max_bytes);
  parser ps = {(const unsigned char *)text, n, 0, max_depth, err};
  pf__json *v = calloc(1, sizeof *v);
  if (!v) return pf__error_set(err, PF_ENOMEM, "out of memory parsing JSON");
  pf_status st = parse_value(&ps, v, 0);
  if (st == PF_OK) {
    skip_ws(&ps);
    if (ps.i != ps.n) st = fail(&ps, "trailing characters after the value");
  }
  if (st != PF_OK) {
    pf__json_free(v);
    return st;
  }
  *out = v;
  return PF_OK;
}

const pf__json *pf__json_get(const pf__json *v, const char *key) {
  if (!v || v->kind != PF__JSON_OBJECT) return NULL;
  for (size_t i = v->n; i-- > 0;)
    if (strcmp(v->keys[i], key) == 0) return &v->items[i];
  return NULL;
}

const char *pf__json_string(const pf__json *v) {
  return v && v->kind == PF__JSON_STRING ? v->str : NULL;
}

int pf__json_int64(const pf__json *v, int64_t *out) {
  if (!v || v->kind != PF__JSON_NUMBER) return 0;
  if (strpbrk(v->str, ".eE")) return 0;
  errno = 0;
  char *end;
  long long x = strtoll(v->str, &end, 10);
  if (errno || *end) return 0;
  *out = (int64_t)x;
  return 1;
}

int pf__json_double(const pf__json *v, double *out) {
  if (!v || v->kind != PF__JSON_NUMBER) return 0;
  *out = strtod(v->str, NULL);
  return 1;
}

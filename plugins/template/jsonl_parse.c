/* jsonl_parse.c - one line of JSON (RFC 8259, strict) into the scalars it
 * holds, each with the path node it sits at. Strings are checked for valid
 * UTF-8 (no raw control characters, no lone surrogates) and decoded only
 * when they hold escapes. Nesting is capped (JL_MAX_DEPTH): a deeper line
 * is malformed, never a stack overflow. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonl.h"

#define JL_MAX_DEPTH 64

void jl_line_init(jl_line *l, jl_tree *tree, int discover, int nested_json) {
  memset(l, 0, sizeof *l);
  l->tree = tree;
  l->discover = discover;
  l->nested_json = nested_json;
}

void jl_line_free(jl_line *l) {
  free(l->cells);
  free(l->scratch);
  free(l->cache);
  memset(l, 0, sizeof *l);
}

typedef struct pstate {
  jl_line *l;
  const char *p, *e;
} pstate;

/* A malformed line: why, for the error or the rejects file. */
static pf_status bad(pstate *s, const char *what) {
  snprintf(s->l->why, sizeof s->l->why, "%s", what);
  return PF_EBADROW;
}

static void skip_ws(pstate *s) {
  while (s->p < s->e && (*s->p == ' ' || *s->p == '\t' || *s->p == '\r' || *s->p == '\n')) s->p++;
}

/* Length of a valid UTF-8 sequence at p (>= 0x80), or 0. */
static size_t utf8_len(const unsigned char *p, const unsigned char *e) {
  unsigned c = p[0];
  size_t n = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c <= 0xDF ? 2 : 0;
  if (!n || (size_t)(e - p) < n) return 0;
  for (size_t i = 1; i < n; i++)
    if ((p[i] & 0xC0) != 0x80) return 0;
  if (n == 3 && ((c == 0xE0 && p[1] < 0xA0) || (c == 0xED && p[1] > 0x9F))) return 0; /* overlong, surrogate */
  if (n == 4 && ((c == 0xF0 && p[1] < 0x90) || (c == 0xF4 && p[1] > 0x8F))) return 0;
  return n;
}

static int hex4(const char *p, unsigned *out) {
  unsigned v = 0;
  for (int i = 0; i < 4; i++) {
    char c = p[i];
    v <<= 4;
    if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
    else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F') v |= (unsigned)(c - 'A' + 10);
    else return 0;
  }
  *out = v;
  return 1;
}

/* Decodes the escapes of the string body b[0..n) (already checked) into
 * the scratch space; its text in *out. */
static pf_status decode(pstate *s, const char *b, size_t n, const char **out, size_t *out_n) {
  jl_line *l = s->l;
  char *d = l->scratch + l->scratch_len, *d0 = d;
  for (size_t i = 0; i < n;) {
    if (b[i] != '\\') {
      *d++ = b[i++];
      continue;
    }
    char c = b[i + 1];
    i += 2;
    switch (c) {
      case 'b': *d++ = '\b'; break;
      case 'f': *d++ = '\f'; break;
      case 'n': *d++ = '\n'; break;
      case 'r': *d++ = '\r'; break;
      case 't': *d++ = '\t'; break;
      case 'u': {
        unsigned cp, lo;
        hex4(b + i, &cp);
        i += 4;
        if (cp >= 0xD800 && cp <= 0xDBFF && i + 6 <= n && b[i] == '\\' && b[i + 1] == 'u' &&
            hex4(b + i + 2, &lo) && lo >= 0xDC00 && lo <= 0xDFFF) {
          cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          i += 6;
        } else if (cp >= 0xD800 && cp <= 0xDFFF) {
          return bad(s, "a string holds a lone UTF-16 surrogate (\\u escape)");
        }
        d += pf_utf8_put(d, cp);
        break;
      }
      default: *d++ = c; break; /* " \ / */
    }
  }
  *out = d0;
  *out_n = (size_t)(d - d0);
  l->scratch_len += *out_n;
  return PF_OK;
}

/* A string at s->p (on the opening quote): checked, its text (decoded when
 * it has escapes) in *out. */
static pf_status string(pstate *s, const char **out, size_t *out_n) {
  const char *b = ++s->p;
  int escaped = 0;
  while (s->p < s->e) {
    unsigned char c = (unsigned char)*s->p;
    if (c == '"') break;
    if (c < 0x20) return bad(s, "a string holds a raw control character (escape it)");
    if (c == '\\') {
      if (s->e - s->p < 2) return bad(s, "a string ends inside an escape");
      char x = s->p[1];
      if (x == 'u') {
        unsigned cp;
        if (s->e - s->p < 6 || !hex4(s->p + 2, &cp)) return bad(s, "a \\u escape needs 4 hex digits");
        s->p += 6;
      } else if (x && strchr("\"\\/bfnrt", x)) {
        s->p += 2;
      } else {
        return bad(s, "a string holds an unknown escape");
      }
      escaped = 1;
      continue;
    }
    if (c < 0x80) {
      s->p++;
      continue;
    }
    size_t k = utf8_len((const unsigned char *)s->p, (const unsigned char *)s->e);
    if (!k) return bad(s, "a string is not valid UTF-8");
    s->p += k;
  }
  if (s->p >= s->e) return bad(s, "a string is not closed");
  size_t n = (size_t)(s->p - b);
  s->p++; /* closing quote */
  if (!escaped) {
    *out = b;
    *out_n = n;
    return PF_OK;
  }
  return decode(s, b, n, out, out_n);
}

static int digit(char c) { return c >= '0' && c <= '9'; }

static pf_status number(pstate *s) {
  const char *p = s->p, *e = s->e;
  if (p < e && *p == '-') p++;
  if (p >= e || !digit(*p)) return bad(s, "a value is not JSON (number, string, object, array, true, false or null)");
  if (*p == '0') p++;
  else
    while (p < e && digit(*p)) p++;
  if (p < e && *p == '.') {
    p++;
    if (p >= e || !digit(*p)) return bad(s, "a number has no digits after its '.'");
    while (p < e && digit(*p)) p++;
  }
  if (p < e && (*p == 'e' || *p == 'E')) {
    p++;
    if (p < e && (*p == '+' || *p == '-')) p++;
    if (p >= e || !digit(*p)) return bad(s, "a number's exponent has no digits");
    while (p < e && digit(*p)) p++;
  }
  s->p = p;
  return PF_OK;
}

static pf_status emit(pstate *s, int32_t node, jl_kind kind, const char *p, size_t n) {
  jl_line *l = s->l;
  if (!l->discover && node >= 0 && l->tree->nodes[node].col < 0) {
    l->unknown = 1; /* a value where the columns have none: a new column */
    return PF_OK;
  }
  if (l->n_cells == l->cap_cells) {
    size_t cap = l->cap_cells ? l->cap_cells * 2 : 64;
    jl_cell *c = realloc(l->cells, cap * sizeof *c);
    if (!c) return PF_ENOMEM;
    l->cells = c;
    l->cap_cells = cap;
  }
  l->cells[l->n_cells++] = (jl_cell){node, (uint8_t)kind, p, n};
  return PF_OK;
}

/* The child node for a key: the cache of the last key seen at this
 * position in the line (rows of one file mostly repeat their keys), then
 * the tree. -1 (and unknown / too_many set) when there is none. */
static int32_t child(pstate *s, int32_t parent, const char *k, size_t n) {
  jl_line *l = s->l;
  jl_tree *t = l->tree;
  size_t at = l->key_seq++;
  if (at < l->cache_cap) {
    int32_t c = l->cache[at];
    if (c >= 0 && t->nodes[c].parent == parent && t->nodes[c].key_len == n &&
        memcmp(t->nodes[c].key, k, n) == 0)
      return c;
  }
  int32_t c = l->discover ? jl_tree_add(t, parent, k, n) : jl_tree_find(t, parent, k, n);
  if (c < 0) {
    if (l->discover) l->too_many = 1;
    else l->unknown = 1;
    return -1;
  }
  if (at >= l->cache_cap) {
    size_t cap = l->cache_cap ? l->cache_cap * 2 : 64;
    while (cap <= at) cap *= 2;
    int32_t *nc = realloc(l->cache, cap * sizeof *nc);
    if (!nc) return c;
    for (size_t i = l->cache_cap; i < cap; i++) nc[i] = -1;
    l->cache = nc;
    l->cache_cap = cap;
  }
  l->cache[at] = c;
  return c;
}

static pf_status value(pstate *s, int32_t node, int depth);

/* An array (or object) kept as its JSON text: checked, not descended. */
/* An object member's key and its ':' (s->p at the key's opening quote),
 * leaving s->p at the value. */
static pf_status member_key(pstate *s, const char **k, size_t *kn) {
  if (s->p >= s->e || *s->p != '"') return bad(s, "an object's key is not a string");
  pf_status st = string(s, k, kn);
  if (st != PF_OK) return st;
  skip_ws(s);
  if (s->p >= s->e || *s->p != ':') return bad(s, "an object's key is not followed by ':'");
  s->p++;
  skip_ws(s);
  return PF_OK;
}

static pf_status skip(pstate *s, int depth) {
  if (depth > JL_MAX_DEPTH) return bad(s, "values are nested deeper than 64 levels");
  char open = *s->p, close = open == '[' ? ']' : '}';
  s->p++;
  skip_ws(s);
  if (s->p < s->e && *s->p == close) {
    s->p++;
    return PF_OK;
  }
  for (;;) {
    if (open == '{') {
      const char *k;
      size_t kn;
      pf_status st = member_key(s, &k, &kn);
      if (st != PF_OK) return st;
    }
    pf_status st = value(s, -1, depth + 1);
    if (st != PF_OK) return st;
    skip_ws(s);
    if (s->p < s->e && *s->p == ',') {
      s->p++;
      skip_ws(s);
      continue;
    }
    if (s->p < s->e && *s->p == close) {
      s->p++;
      return PF_OK;
    }
    return bad(s, open == '[' ? "an array is not closed (',' or ']' expected)"
                              : "an object is not closed (',' or '}' expected)");
  }
}

/* The members of an object at node (descended: each is a path). */
static pf_status object(pstate *s, int32_t node, int depth) {
  jl_line *l = s->l;
  if (depth > JL_MAX_DEPTH) return bad(s, "values are nested deeper than 64 levels");
  if (node >= 0) {
    jl_node *nd = &l->tree->nodes[node];
    if (!nd->has_object) {
      if (!l->discover) {
        l->unknown = 1; /* the column names change: a schema change */
        return PF_OK;
      }
      nd->has_object = 1;
    }
  }
  s->p++;
  skip_ws(s);
  if (s->p < s->e && *s->p == '}') {
    s->p++;
    return PF_OK;
  }
  for (;;) {
    const char *k;
    size_t kn;
    pf_status st = member_key(s, &k, &kn);
    if (st != PF_OK) return st;
    int32_t c = node >= 0 ? child(s, node, k, kn) : -1;
    if (c < 0 && (l->unknown || l->too_many)) return PF_OK;
    st = value(s, c, depth + 1);
    if (st != PF_OK || l->unknown || l->too_many) return st;
    skip_ws(s);
    if (s->p < s->e && *s->p == ',') {
      s->p++;
      skip_ws(s);
      continue;
    }
    if (s->p < s->e && *s->p == '}') {
      s->p++;
      return PF_OK;
    }
    return bad(s, "an object is not closed (',' or '}' expected)");
  }
}

/* A value at node (-1: inside a raw value, checked only). */
static pf_status value(pstate *s, int32_t node, int depth) {
  if (s->p >= s->e) return bad(s, "a value is missing");
  const char *start = s->p;
  pf_status st;
  switch (*s->p) {
    case '{':
    case '[':
      /* an object is descended into (a column per path) unless it is kept
       * as text (jsonl.nested=json); an array always is */
      if (*s->p == '{' && node >= 0 && !(s->l->nested_json && depth > 0)) return object(s, node, depth);
      st = skip(s, depth);
      return st != PF_OK || node < 0 ? st : emit(s, node, JL_RAW, start, (size_t)(s->p - start));
    case '"': {
      const char *t;
      size_t n;
      st = string(s, &t, &n);
      return st != PF_OK || node < 0 ? st : emit(s, node, JL_STR, t, n);
    }
    case 't':
    case 'f':
    case 'n': {
      const char *w = *s->p == 't' ? "true" : *s->p == 'f' ? "false" : "null";
      size_t n = strlen(w);
      if ((size_t)(s->e - s->p) < n || memcmp(s->p, w, n) != 0)
        return bad(s, "a value is not JSON (number, string, object, array, true, false or null)");
      s->p += n;
      return node < 0 ? PF_OK : emit(s, node, *w == 'n' ? JL_NULL : JL_BOOL, start, n);
    }
    default:
      st = number(s);
      return st != PF_OK || node < 0 ? st : emit(s, node, JL_NUM, start, (size_t)(s->p - start));
  }
}

pf_status jl_parse_line(jl_line *l, const char *p, size_t n) {
  l->n_cells = 0;
  l->key_seq = 0;
  l->unknown = 0;
  l->too_many = 0;
  l->why[0] = 0;
  l->scratch_len = 0;
  if (n > l->scratch_cap) { /* decoded text is never longer than the line */
    char *ns = realloc(l->scratch, n);
    if (!ns) return PF_ENOMEM;
    l->scratch = ns;
    l->scratch_cap = n;
  }
  pstate s = {l, p, p + n};
  skip_ws(&s);
  pf_status st = value(&s, 0, 0);
  if (st != PF_OK || l->unknown || l->too_many) return st;
  skip_ws(&s);
  if (s.p != s.e) return bad(&s, "more than one JSON value on the line");
  return PF_OK;
}

/* redact.c - masking credentials in text before it is shown (see redact.h
 * for the rules and why each exists). One left-to-right pass; each rule
 * looks at the current position only, so the cost is linear in the text. */
#include "core/redact.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Parameter names whose value is a credential (ASCII case-insensitive). */
static const char *const secret_keys[] = {
    "token",          "access_token", "refresh_token", "id_token",
    "password",       "passwd",       "pwd",           "secret",
    "client_secret",  "api_key",      "apikey",        "sig",
    "signature",      "accountkey",   "sharedaccesssignature",
    "x-amz-signature", "x-amz-credential", "x-amz-security-token",
    "x-goog-signature", "x-goog-credential", "private_key",
};

/* Parts of environment variable names that mark a secret. */
static const char *const secret_name_parts[] = {
    "TOKEN",   "SECRET",      "PASSWORD", "PASSWD",           "CREDENTIAL",
    "API_KEY", "APIKEY",      "PRIVATE_KEY", "ACCESS_KEY",    "SAS_KEY",
    "CONNECTION_STRING",      "ACCOUNT_KEY",
};

typedef struct out_t {
  char *p;
  size_t cap, len;
} out_t;

static void put(out_t *o, const char *s, size_t n) {
  if (o->cap == 0) return;
  size_t room = o->cap - 1 - o->len;
  if (n > room) n = room;
  memcpy(o->p + o->len, s, n);
  o->len += n;
}

static void put_mask(out_t *o) { put(o, PF__REDACTED, sizeof PF__REDACTED - 1); }

/* Characters that end a parameter value. */
static int value_end(char c) {
  return c == 0 || c == '&' || c == ';' || c == ',' || c == ' ' || c == '\t' || c == '\r' ||
         c == '\n' || c == '"' || c == '\'' || c == '<' || c == '>' || c == ')' || c == '#';
}

/* Characters after which a parameter name may start. '/' is not one: a
 * Hive-style directory "token=x/" is a path, not a credential. */
static int key_start(const char *text, size_t i) {
  if (i == 0) return 1;
  char c = text[i - 1];
  return c == '?' || c == '&' || c == ';' || c == ',' || c == ' ' || c == '\t' ||
         c == '"' || c == '\'' || c == '(' || c == '{' || c == '\n';
}

/* A URL authority "user:password@" right after "://": the length of the
 * user information (0 when none) and where its ':' is. */
static size_t userinfo_len(const char *s, size_t *colon) {
  size_t end = 0, at = 0;
  *colon = 0;
  for (; s[end] && s[end] != '/' && s[end] != '?' && s[end] != '#' && !isspace((unsigned char)s[end]) &&
         s[end] != '"' && s[end] != '\'';
       end++)
    if (s[end] == '@') at = end + 1;
  if (!at) return 0;
  for (size_t i = 0; i + 1 < at; i++)
    if (s[i] == ':') {
      *colon = i + 1;
      break;
    }
  return at - 1;
}

/* Length of "key=" at s when key is a credential parameter, else 0. */
static size_t secret_param(const char *s) {
  for (size_t k = 0; k < sizeof secret_keys / sizeof *secret_keys; k++) {
    size_t n = strlen(secret_keys[k]);
    if (strncasecmp(s, secret_keys[k], n) == 0 && s[n] == '=' && !value_end(s[n + 1])) return n + 1;
  }
  return 0;
}

static size_t run_of(const char *s, const char *set) {
  size_t n = 0;
  while (s[n] && strchr(set, s[n])) n++;
  return n;
}

static const char hexdigits[] = "0123456789abcdefABCDEF";
static const char upper_alnum[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/* Known token shapes at a word start: returns the bytes the token spans
 * (0 when none) and how many of them to keep visible (its prefix). */
static size_t token_shape(const char *text, size_t i, size_t *keep) {
  if (i > 0 && (isalnum((unsigned char)text[i - 1]) || text[i - 1] == '_')) return 0;
  const char *s = text + i;
  if (!strncmp(s, "dapi", 4) || !strncmp(s, "dose", 4) || !strncmp(s, "dkea", 4)) {
    size_t h = run_of(s + 4, hexdigits);
    if (h >= 16) {
      size_t n = 4 + h;
      if (s[n] == '-' && isdigit((unsigned char)s[n + 1])) n += 1 + run_of(s + n + 1, "0123456789");
      *keep = 4;
      return n;
    }
  }
  if (!strncmp(s, "AKIA", 4) || !strncmp(s, "ASIA", 4)) {
    size_t h = run_of(s + 4, upper_alnum);
    if (h == 16) {
      *keep = 4;
      return 20;
    }
  }
  if (!strncmp(s, "ghp_", 4) || !strncmp(s, "github_pat_", 11)) {
    size_t p = s[0] == 'g' && s[1] == 'h' && s[2] == 'p' ? 4 : 11;
    size_t h = run_of(s + p, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_");
    if (h >= 20) {
      *keep = p;
      return p + h;
    }
  }
  return 0;
}

size_t pf__redact(const char *in, char *out_buf, size_t cap) {
  out_t o = {out_buf, cap, 0};
  size_t masked = 0;
  if (!in) in = "";
  size_t i = 0;
  while (in[i]) {
    if (in[i] == ':' && in[i + 1] == '/' && in[i + 2] == '/') {
      put(&o, "://", 3);
      i += 3;
      size_t colon, ui = userinfo_len(in + i, &colon);
      if (ui) {
        if (colon) put(&o, in + i, colon); /* "user:" stays */
        put_mask(&o);
        put(&o, "@", 1);
        i += ui + 1;
        masked++;
      }
      continue;
    }
    if (key_start(in, i)) {
      size_t k = secret_param(in + i);
      if (k) {
        put(&o, in + i, k);
        put_mask(&o);
        i += k;
        while (!value_end(in[i])) i++;
        masked++;
        continue;
      }
      if (strncasecmp(in + i, "bearer ", 7) == 0 && in[i + 7] && !isspace((unsigned char)in[i + 7])) {
        put(&o, in + i, 7);
        put_mask(&o);
        i += 7;
        while (in[i] && !isspace((unsigned char)in[i]) && in[i] != '"' && in[i] != '\'') i++;
        masked++;
        continue;
      }
    }
    size_t keep = 0, t = token_shape(in, i, &keep);
    if (t) {
      put(&o, in + i, keep);
      put_mask(&o);
      i += t;
      masked++;
      continue;
    }
    put(&o, in + i, 1);
    i++;
  }
  if (cap) out_buf[o.len] = 0;
  return masked;
}

char *pf__redact_dup(const char *in) {
  if (!in) return NULL;
  /* A mask is at most 3 bytes and replaces at least one: "k=a" -> "k=***"
   * grows by 2 per secret, a secret needs at least 3 bytes of text. */
  size_t cap = strlen(in) * 2 + 8;
  char *out = malloc(cap);
  if (out) pf__redact(in, out, cap);
  return out;
}

int pf__redact_secret_name(const char *name) {
  if (!name) return 0;
  char up[256];
  size_t n = 0;
  for (; name[n] && n + 1 < sizeof up; n++) up[n] = (char)toupper((unsigned char)name[n]);
  up[n] = 0;
  for (size_t k = 0; k < sizeof secret_name_parts / sizeof *secret_name_parts; k++)
    if (strstr(up, secret_name_parts[k])) return 1;
  /* ..._PWD, but not PWD itself (the current directory) */
  return n > 4 && strcmp(up + n - 4, "_PWD") == 0;
}

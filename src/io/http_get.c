/* http_get.c - GET of one URL: plain HTTP/1.1 over a socket for http://,
 * libcurl loaded at run time for https:// (see http_get.h for why). */
#include "io/http_get.h"

#include <dlfcn.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "core/buf.h"

#define MAX_REDIRECTS 5
#define IDLE_LIMIT 60 /* seconds without a byte before giving up */

typedef struct conn {
  int fd;
  char buf[65536];
  size_t at, len;
  pf_cancel *cancel;
  const char *url;
} conn;

static pf_status net_error(pf_error *err, const char *url, const char *what) {
  return pf__error_set(err, PF_EINPUT, "cannot fetch %s: %s", url, what);
}

/* Fills c->buf; *got 0 at the end of the stream. */
static pf_status fill(conn *c, size_t *got, pf_error *err) {
  for (int idle = 0;;) {
    if (c->cancel && pf_cancel_requested(c->cancel))
      return pf__error_set(err, PF_ECANCELED, "canceled while fetching %s", c->url);
    ssize_t n = recv(c->fd, c->buf, sizeof c->buf, 0);
    if (n >= 0) {
      c->at = 0, c->len = (size_t)n, *got = (size_t)n;
      return PF_OK;
    }
    if (errno == EINTR) continue;
    if ((errno == EAGAIN || errno == EWOULDBLOCK) && ++idle < IDLE_LIMIT) continue;
    return net_error(err, c->url, errno == EAGAIN ? "the server sent nothing for 60 s" : strerror(errno));
  }
}

/* One header line (CRLF removed) into line; PF_EINPUT when the stream ends. */
static pf_status read_line(conn *c, char *line, size_t n, pf_error *err) {
  size_t o = 0;
  for (;;) {
    if (c->at == c->len) {
      size_t got;
      PF_TRY(fill(c, &got, err));
      if (!got) return net_error(err, c->url, "the connection closed in the middle of the headers");
    }
    char ch = c->buf[c->at++];
    if (ch == '\n') break;
    if (o + 1 < n) line[o++] = ch;
  }
  if (o && line[o - 1] == '\r') o--;
  line[o] = 0;
  return PF_OK;
}

/* Up to want bytes of body (want SIZE_MAX: to the end) to fn; *got what came. */
static pf_status body(conn *c, uint64_t want, pf__http_body_fn fn, void *user, uint64_t *got, pf_error *err) {
  *got = 0;
  while (*got < want) {
    if (c->at == c->len) {
      size_t n;
      PF_TRY(fill(c, &n, err));
      if (!n) return PF_OK;
    }
    size_t take = c->len - c->at;
    if (take > want - *got) take = (size_t)(want - *got);
    PF_TRY(fn(user, c->buf + c->at, take, err));
    c->at += take;
    *got += take;
  }
  return PF_OK;
}

static pf_status chunked(conn *c, pf__http_body_fn fn, void *user, pf_error *err) {
  char line[256];
  for (;;) {
    PF_TRY(read_line(c, line, sizeof line, err));
    char *end;
    unsigned long long size = strtoull(line, &end, 16);
    if (end == line) return net_error(err, c->url, "a malformed chunked body");
    if (size == 0) return PF_OK;
    uint64_t got;
    PF_TRY(body(c, size, fn, user, &got, err));
    if (got < size) return net_error(err, c->url, "the download was truncated (the connection closed mid-chunk)");
    PF_TRY(read_line(c, line, sizeof line, err));
  }
}

static pf_status connect_to(const char *host, const char *port, conn *c, pf_error *err) {
  struct addrinfo hints, *res = NULL;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  int rc = getaddrinfo(host, port, &hints, &res);
  if (rc != 0) return net_error(err, c->url, gai_strerror(rc));
  int e = 0;
  for (struct addrinfo *a = res; a; a = a->ai_next) {
    c->fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (c->fd < 0) continue;
    struct timeval tv = {1, 0};
    setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    struct timeval stv = {IDLE_LIMIT, 0};
    setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &stv, sizeof stv);
    if (connect(c->fd, a->ai_addr, a->ai_addrlen) == 0) break;
    e = errno;
    close(c->fd);
    c->fd = -1;
  }
  freeaddrinfo(res);
  return c->fd >= 0 ? PF_OK : net_error(err, c->url, e ? strerror(e) : "no address to connect to");
}

/* Splits http://host[:port]/path. */
static pf_status split_url(const char *url, char *host, size_t hn, char *port, size_t pn, const char **path,
                           pf_error *err) {
  const char *h = url + 7, *slash = strchr(h, '/'), *end = slash ? slash : h + strlen(h);
  const char *colon = memchr(h, ':', (size_t)(end - h));
  if (h[0] == '[') colon = NULL; /* IPv6 literals: default port only */
  size_t len = (size_t)((colon ? colon : end) - h);
  if (len == 0 || len >= hn) return pf__error_set(err, PF_EINVAL, "%s is not a URL PyForge can fetch", url);
  memcpy(host, h, len);
  host[len] = 0;
  snprintf(port, pn, "%.*s", colon ? (int)(end - colon - 1) : 2, colon ? colon + 1 : "80");
  *path = slash ? slash : "/";
  return PF_OK;
}

/* Status line and headers; *location set (malloc'd) on a redirect. */
static pf_status headers(conn *c, int *code, int64_t *length, int *is_chunked, char **location, pf_error *err) {
  char line[8192];
  PF_TRY(read_line(c, line, sizeof line, err));
  if (sscanf(line, "HTTP/%*d.%*d %d", code) != 1) return net_error(err, c->url, "the answer is not HTTP");
  *length = -1, *is_chunked = 0, *location = NULL;
  for (;;) {
    PF_TRY(read_line(c, line, sizeof line, err));
    if (!line[0]) return PF_OK;
    char *v = strchr(line, ':');
    if (!v) continue;
    *v++ = 0;
    while (*v == ' ' || *v == '\t') v++;
    if (!strcasecmp(line, "Content-Length")) *length = strtoll(v, NULL, 10);
    else if (!strcasecmp(line, "Transfer-Encoding") && !strncasecmp(v, "chunked", 7)) *is_chunked = 1;
    else if (!strcasecmp(line, "Location") && !*location && !(*location = pf__strdup(v)))
      return pf__error_set(err, PF_ENOMEM, "out of memory");
  }
}

static pf_status plain_get(const char *url, pf__http_body_fn fn, void *user, pf_cancel *cancel,
                           char **redirect, pf_error *err) {
  char host[256], port[16];
  const char *path = "/";
  *redirect = NULL;
  PF_TRY(split_url(url, host, sizeof host, port, sizeof port, &path, err));
  conn *c = calloc(1, sizeof *c);
  if (!c) return pf__error_set(err, PF_ENOMEM, "out of memory");
  c->fd = -1, c->cancel = cancel, c->url = url;
  pf_status st = connect_to(host, port, c, err);
  char *req = st == PF_OK ? pf__aprintf("GET %s HTTP/1.1\r\nHost: %s%s%s\r\nUser-Agent: pyforge/%s\r\n"
                                        "Accept: */*\r\nConnection: close\r\n\r\n",
                                        path, host, strcmp(port, "80") ? ":" : "", strcmp(port, "80") ? port : "",
                                        pf_version())
                          : NULL;
  if (st == PF_OK && !req) st = pf__error_set(err, PF_ENOMEM, "out of memory");
  if (st == PF_OK && send(c->fd, req, strlen(req), MSG_NOSIGNAL) != (ssize_t)strlen(req))
    st = net_error(err, url, strerror(errno));
  free(req);
  int code = 0, is_chunked = 0;
  int64_t length = -1;
  char *location = NULL;
  if (st == PF_OK) st = headers(c, &code, &length, &is_chunked, &location, err);
  if (st == PF_OK && code >= 300 && code < 400 && location) {
    *redirect = location;
    location = NULL;
  } else if (st == PF_OK && code != 200) {
    st = pf__error_set(err, PF_EINPUT, "cannot fetch %s: the server answered HTTP %d", url, code);
  } else if (st == PF_OK && is_chunked) {
    st = chunked(c, fn, user, err);
  } else if (st == PF_OK) {
    uint64_t got;
    st = body(c, length >= 0 ? (uint64_t)length : UINT64_MAX, fn, user, &got, err);
    if (st == PF_OK && length >= 0 && got < (uint64_t)length)
      st = pf__error_set(err, PF_EINPUT, "cannot fetch %s: the download was truncated (%llu of %lld bytes)",
                         url, (unsigned long long)got, (long long)length);
  }
  free(location);
  if (c->fd >= 0) close(c->fd);
  free(c);
  return st;
}

/* ---- https:// through libcurl, loaded when first needed ---- */

typedef void CURL;
typedef struct curl_api {
  CURL *(*init)(void);
  int (*setopt)(CURL *, int, ...);
  int (*perform)(CURL *);
  void (*cleanup)(CURL *);
  const char *(*strerror)(int);
  int (*getinfo)(CURL *, int, ...);
} curl_api;

enum { CURLOPT_WRITEDATA = 10001, CURLOPT_URL = 10002, CURLOPT_WRITEFUNCTION = 20011,
       CURLOPT_FOLLOWLOCATION = 52, CURLOPT_MAXREDIRS = 68, CURLOPT_NOSIGNAL = 99,
       CURLOPT_XFERINFOFUNCTION = 20219, CURLOPT_NOPROGRESS = 43, CURLOPT_XFERINFODATA = 10057,
       CURLOPT_USERAGENT = 10018, CURLINFO_RESPONSE_CODE = 0x200002, CURLE_WRITE_ERROR = 23,
       CURLE_ABORTED_BY_CALLBACK = 42 };

typedef struct curl_job {
  pf__http_body_fn fn;
  void *user;
  pf_cancel *cancel;
  pf_error *err;
  pf_status st;
} curl_job;

static size_t curl_write(char *p, size_t size, size_t n, void *user) {
  curl_job *j = user;
  j->st = j->fn(j->user, p, size * n, j->err);
  return j->st == PF_OK ? size * n : 0;
}

static int curl_progress(void *user, long long a, long long b, long long c, long long d) {
  (void)a, (void)b, (void)c, (void)d;
  curl_job *j = user;
  return j->cancel && pf_cancel_requested(j->cancel);
}

static pf_status curl_get(const char *url, pf__http_body_fn fn, void *user, pf_cancel *cancel, pf_error *err) {
  void *lib = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
  if (!lib)
    return pf__error_set(err, PF_EUNSUPPORTED, "cannot fetch %s: https:// URLs need libcurl (libcurl.so.4), "
                         "which is not installed here; install libcurl, or download the bundle yourself "
                         "and install it from its directory", url);
  curl_api api = {0};
  *(void **)&api.init = dlsym(lib, "curl_easy_init");
  *(void **)&api.setopt = dlsym(lib, "curl_easy_setopt");
  *(void **)&api.perform = dlsym(lib, "curl_easy_perform");
  *(void **)&api.cleanup = dlsym(lib, "curl_easy_cleanup");
  *(void **)&api.strerror = dlsym(lib, "curl_easy_strerror");
  *(void **)&api.getinfo = dlsym(lib, "curl_easy_getinfo");
  CURL *h = api.init && api.setopt && api.perform && api.cleanup && api.strerror && api.getinfo ? api.init() : NULL;
  if (!h) {
    dlclose(lib);
    return pf__error_set(err, PF_EUNSUPPORTED, "cannot fetch %s: libcurl.so.4 could not be used", url);
  }
  curl_job j = {fn, user, cancel, err, PF_OK};
  char agent[64];
  snprintf(agent, sizeof agent, "pyforge/%s", pf_version());
  api.setopt(h, CURLOPT_URL, url);
  api.setopt(h, CURLOPT_USERAGENT, agent);
  api.setopt(h, CURLOPT_NOSIGNAL, 1L);
  api.setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
  api.setopt(h, CURLOPT_MAXREDIRS, (long)MAX_REDIRECTS);
  api.setopt(h, CURLOPT_WRITEFUNCTION, curl_write);
  api.setopt(h, CURLOPT_WRITEDATA, &j);
  api.setopt(h, CURLOPT_NOPROGRESS, 0L);
  api.setopt(h, CURLOPT_XFERINFOFUNCTION, curl_progress);
  api.setopt(h, CURLOPT_XFERINFODATA, &j);
  int rc = api.perform(h);
  long code = 0;
  api.getinfo(h, CURLINFO_RESPONSE_CODE, &code);
  pf_status st = PF_OK;
  if (rc == CURLE_WRITE_ERROR && j.st != PF_OK) st = j.st;
  else if (rc == CURLE_ABORTED_BY_CALLBACK) st = pf__error_set(err, PF_ECANCELED, "canceled while fetching %s", url);
  else if (rc != 0) st = pf__error_set(err, PF_EINPUT, "cannot fetch %s: %s", url, api.strerror(rc));
  else if (code != 200) st = pf__error_set(err, PF_EINPUT, "cannot fetch %s: the server answered HTTP %ld", url, code);
  api.cleanup(h);
  dlclose(lib);
  return st;
}

pf_status pf__http_get(const char *url, pf__http_body_fn fn, void *user, pf_cancel *cancel, pf_error *err) {
  if (!strncasecmp(url, "https://", 8)) return curl_get(url, fn, user, cancel, err);
  if (strncasecmp(url, "http://", 7))
    return pf__error_set(err, PF_EINVAL, "%s is not an http:// or https:// URL", url);
  char *cur = pf__strdup(url);
  if (!cur) return pf__error_set(err, PF_ENOMEM, "out of memory");
  pf_status st = PF_OK;
  for (int hop = 0;; hop++) {
    char *next = NULL;
    st = plain_get(cur, fn, user, cancel, &next, err);
    if (st != PF_OK || !next) break;
    free(cur);
    cur = next;
    if (!strncasecmp(cur, "https://", 8)) {
      st = curl_get(cur, fn, user, cancel, err);
      break;
    }
    if (hop == MAX_REDIRECTS || strncasecmp(cur, "http://", 7)) {
      st = pf__error_set(err, PF_EINPUT, "cannot fetch %s: too many redirects, or one to %s", url, cur);
      break;
    }
  }
  free(cur);
  return st;
}

/* dbf_memo.c - memo files beside a table.
 *
 *   dBase III .dbt   512-byte blocks; a memo is text from the start of its
 *                    block up to the first 0x1A.
 *   dBase IV+ .dbt   block size at header offset 20 (LE, 0 = 512); a memo
 *                    block starts FF FF 08 00, then its length (LE, the
 *                    8 header bytes included); text ends at the length or
 *                    at a 0x1F terminator.
 *   FoxPro .fpt      block size at header offset 6 (BE); a block starts
 *                    with its type (BE: 0 picture, 1 text, 2 object) and
 *                    length (BE), then the bytes.
 * Each block is checked by its own first bytes: a dBase IV block in a
 * dBase III file, or a FoxPro-style block in a .dbt (as some writers make),
 * are read as what they are. Reads use pread, so decoding threads share the
 * descriptor.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "readers/dbf/dbf_internal.h"

static uint32_t be32(const uint8_t *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static uint32_t le32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

char *pf__dbf_sibling(const char *path, const char *ext) {
  const char *slash = strrchr(path, '/');
  const char *base = slash ? slash + 1 : path;
  size_t blen = strlen(base);
  static const char *const comp[] = {".gz", ".zst", ".bz2"};
  for (size_t i = 0; i < sizeof comp / sizeof comp[0]; i++) {
    size_t c = strlen(comp[i]);
    if (blen > c && !strcasecmp(base + blen - c, comp[i])) {
      blen -= c;
      break;
    }
  }
  size_t stem = blen;
  while (stem > 0 && base[stem - 1] != '.') stem--;
  stem = stem > 1 ? stem - 1 : blen; /* ".x" has no extension */
  char *dir = slash ? pf__strndup(path, (size_t)(slash - path) + 1) : pf__strdup("");
  if (!dir) return NULL;
  char *want = pf__aprintf("%s%.*s%s", dir, (int)stem, base, ext);
  struct stat sb;
  if (!want || (stat(want, &sb) == 0 && S_ISREG(sb.st_mode))) {
    free(dir);
    return want;
  }
  free(want);
  want = NULL;
  DIR *d = opendir(*dir ? dir : ".");
  size_t el = strlen(ext);
  for (struct dirent *e; d && (e = readdir(d)) != NULL;) {
    size_t nl = strlen(e->d_name);
    if (nl != stem + el || strncasecmp(e->d_name, base, stem) || strcasecmp(e->d_name + stem, ext))
      continue;
    char *cand = pf__aprintf("%s%s", dir, e->d_name);
    if (cand && stat(cand, &sb) == 0 && S_ISREG(sb.st_mode)) {
      want = cand;
      break;
    }
    free(cand);
  }
  if (d) closedir(d);
  free(dir);
  return want;
}

pf_status pf__dbf_memo_open(pf__dbf_memo *m, const char *path, int fpt, int dbase3,
                            pf_error *err) {
  memset(m, 0, sizeof *m);
  m->fd = open(path, O_RDONLY | O_CLOEXEC);
  if (m->fd < 0) {
    m->fd = -1;
    pf__error_file(err, path);
    return pf__error_set(err, PF_EINPUT, "cannot open the memo file %s: %s", path, strerror(errno));
  }
  m->path = pf__strdup(path);
  struct stat sb;
  uint8_t h[32] = {0};
  ssize_t got = fstat(m->fd, &sb) == 0 ? pread(m->fd, h, sizeof h, 0) : -1;
  if (!m->path || got < 0) {
    pf__dbf_memo_close(m);
    return m->path ? pf__error_set(err, PF_EINPUT, "cannot read the memo file %s", path) : PF_ENOMEM;
  }
  m->size = (uint64_t)sb.st_size;
  if (fpt) {
    m->kind = PF__DBF_MEMO_FPT;
    m->block_size = (uint32_t)h[6] << 8 | h[7];
  } else if (dbase3) {
    m->kind = PF__DBF_MEMO_DBT3;
    m->block_size = 512;
  } else {
    m->kind = PF__DBF_MEMO_DBT4;
    m->block_size = (uint32_t)h[20] | (uint32_t)h[21] << 8;
  }
  if (m->block_size == 0) m->block_size = 512;
  return PF_OK;
}

void pf__dbf_memo_close(pf__dbf_memo *m) {
  if (m->fd >= 0) close(m->fd);
  free(m->path);
  memset(m, 0, sizeof *m);
  m->fd = -1;
}

/* Reads n bytes at off into out->data + at (out->len becomes at + n). */
static pf_status read_at(const pf__dbf_memo *m, uint64_t off, size_t at, size_t n, pf__buf *out) {
  out->len = at;
  PF_TRY(pf__buf_reserve(out, n + 1));
  size_t done = 0;
  while (done < n) {
    ssize_t r = pread(m->fd, out->data + at + done, n - done, (off_t)(off + done));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return PF_EINPUT;
    done += (size_t)r;
  }
  out->len = at + n;
  return PF_OK;
}

/* The memo's bytes [from, from + len) of the block at off, of which the
 * first `have` bytes of the block are already in out: moved to the front,
 * the rest read. */
static pf_status take(const pf__dbf_memo *m, uint64_t off, size_t have, size_t from, size_t len,
                      pf__buf *out) {
  size_t in = have > from ? have - from : 0;
  if (in > len) in = len;
  memmove(out->data, out->data + from, in);
  out->len = in;
  if (in == len) return PF_OK;
  return read_at(m, off + from + in, in, len - in, out);
}

/* dBase III: text up to the first 0x1A (or the end of the file); the first
 * `have` bytes are in out already. */
static pf_status read_terminated(const pf__dbf_memo *m, uint64_t off, size_t have, size_t max,
                                 pf__buf *out, char *why, size_t whyn) {
  out->len = have;
  size_t scanned = 0;
  for (;;) {
    uint8_t *end = memchr(out->data + scanned, 0x1A, out->len - scanned);
    if (end) {
      out->len = (size_t)(end - out->data);
      return PF_OK;
    }
    scanned = out->len;
    if (out->len > max) {
      snprintf(why, whyn, "a memo is longer than the limit of %zu bytes (raise it with "
               "input.max_field_size)", max);
      return PF_ELIMIT;
    }
    if (off + out->len >= m->size) return PF_OK;
    size_t chunk = 65536;
    if (off + out->len + chunk > m->size) chunk = (size_t)(m->size - off - out->len);
    PF_TRY(read_at(m, off + out->len, out->len, chunk, out));
  }
}

pf_status pf__dbf_memo_read(const pf__dbf_memo *m, uint64_t block, size_t max, pf__buf *out,
                            int *binary, char *why, size_t whyn) {
  *binary = 0;
  out->len = 0;
  uint64_t off = block * m->block_size;
  if (block > UINT64_MAX / m->block_size || off >= m->size) {
    snprintf(why, whyn, "memo block %llu is past the end of the memo file %s (%llu bytes)",
             (unsigned long long)block, m->path, (unsigned long long)m->size);
    return PF_EPARSE;
  }
  /* one read for the block's header and, mostly, the whole memo */
  uint64_t avail = m->size - off;
  size_t have = avail < 1024 ? (size_t)avail : 1024;
  PF_TRY(read_at(m, off, 0, have, out));
  const uint8_t *h = out->data;
  if (have >= 8 && h[0] == 0xFF && h[1] == 0xFF && h[2] == 0x08 && h[3] == 0x00) {
    uint64_t len = le32(h + 4);
    len = len >= 8 ? len - 8 : len;
    if (len > avail - 8) {
      snprintf(why, whyn, "memo block %llu says it holds %llu bytes but the memo file %s ends "
               "after %llu", (unsigned long long)block, (unsigned long long)len, m->path,
               (unsigned long long)(avail - 8));
      return PF_EPARSE;
    }
    if (len > max) goto too_long;
    PF_TRY(take(m, off, have, 8, (size_t)len, out));
    uint8_t *t = memchr(out->data, 0x1F, out->len);
    if (t) out->len = (size_t)(t - out->data);
    return PF_OK;
  }
  int fpt_like = have >= 8 && be32(h) <= 2 && be32(h + 4) <= avail - 8;
  if (m->kind == PF__DBF_MEMO_FPT || (m->kind == PF__DBF_MEMO_DBT4 && fpt_like)) {
    if (have < 8 || be32(h + 4) > avail - 8) {
      snprintf(why, whyn, "memo block %llu says it holds %u bytes but the memo file %s ends "
               "after %llu", (unsigned long long)block, have >= 8 ? be32(h + 4) : 0, m->path,
               (unsigned long long)(avail > 8 ? avail - 8 : 0));
      return PF_EPARSE;
    }
    uint64_t len = be32(h + 4);
    if (len > max) goto too_long;
    *binary = be32(h) != 1;
    return take(m, off, have, 8, (size_t)len, out);
  }
  return read_terminated(m, off, have, max, out, why, whyn);
too_long:
  snprintf(why, whyn, "memo block %llu is longer than the limit of %zu bytes (raise it with "
           "input.max_field_size)", (unsigned long long)block, max);
  return PF_ELIMIT;
}

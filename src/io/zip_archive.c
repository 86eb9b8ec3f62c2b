/* zip_archive.c - the ZIP central-directory reader and member streams (see
 * zip_archive.h). Formats from PKWARE's APPNOTE.TXT: end of central
 * directory (EOCD), ZIP64 EOCD locator and record, central directory
 * headers with the ZIP64 extra field (id 0x0001), local file headers.
 */
#include "io/zip_archive.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "core/buf.h"

#define SIG_EOCD 0x06054b50u
#define SIG_EOCD64 0x06064b50u
#define SIG_LOC64 0x07064b50u
#define SIG_CDIR 0x02014b50u
#define SIG_LOCAL 0x04034b50u
#define IN_CHUNK (64u << 10)
#define MAX_ENTRIES 1000000u

struct pf__zip {
  pf__source *src;     /* borrowed                                   */
  const char *path;    /* borrowed, for messages                     */
  uint64_t size;       /* archive bytes                              */
  pf__zip_limits lim;
  pf__zip_entry *ents;
  size_t n;
};

struct pf__zip_stream {
  pf__zip *z;
  const pf__zip_entry *e;
  uint64_t pos, end;   /* compressed data [pos, end) still to read   */
  uint64_t in_used;    /* compressed bytes consumed                   */
  uint64_t out;        /* inflated bytes produced                     */
  uint32_t crc;
  int zinit, done;
  z_stream zs;
  uint8_t *in;
};

static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t rd32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static uint64_t rd64(const uint8_t *p) { return rd32(p) | (uint64_t)rd32(p + 4) << 32; }

void pf__zip_limits_default(pf__zip_limits *l) {
  l->max_member = UINT64_C(16) << 30;
  l->max_ratio = 500;
  l->ratio_floor = UINT64_C(64) << 20;
}

static pf_status damaged(const pf__zip *z, pf_error *err, const char *what) {
  pf__error_set(err, PF_EPARSE,
                "the file is not a readable ZIP archive: %s (is it truncated or damaged? "
                "re-save or re-download it)",
                what);
  pf__error_file(err, z->path);
  return PF_EPARSE;
}

static pf_status pread_exact(const pf__zip *z, uint64_t off, void *buf, size_t n,
                             pf_error *err) {
  size_t got = 0;
  if (off > z->size || n > z->size - off) return damaged(z, err, "a record lies past the end of the file");
  PF_TRY(pf__source_pread(z->src, off, buf, n, &got, err));
  if (got != n) return damaged(z, err, "the file ends inside a record");
  return PF_OK;
}

/* Finds the EOCD record in the last 64 KiB + 22 bytes. */
static pf_status find_eocd(pf__zip *z, uint64_t *pos, uint8_t rec[22], pf_error *err) {
  size_t tail = z->size < 65557 ? (size_t)z->size : 65557;
  if (tail < 22) {
    pf__error_set(err, PF_EFORMAT, "the file is too short to be a ZIP archive (an .xlsx file is one)");
    pf__error_file(err, z->path);
    return PF_EFORMAT;
  }
  uint8_t *b = malloc(tail);
  if (!b) return PF_ENOMEM;
  pf_status st = pread_exact(z, z->size - tail, b, tail, err);
  if (st != PF_OK) {
    free(b);
    return st;
  }
  for (size_t i = tail - 22 + 1; i-- > 0;) {
    if (rd32(b + i) == SIG_EOCD && i + 22 + rd16(b + i + 20) <= tail) {
      memcpy(rec, b + i, 22);
      *pos = z->size - tail + i;
      free(b);
      return PF_OK;
    }
  }
  free(b);
  uint8_t head[4] = {0};
  size_t got = 0;
  pf__source_pread(z->src, 0, head, 4, &got, NULL);
  if (got == 4 && rd32(head) == SIG_LOCAL)
    return damaged(z, err, "it starts like one but its central directory (at the end of the file) is missing");
  pf__error_set(err, PF_EFORMAT, "the file is not a ZIP archive (no end of central directory record)");
  pf__error_file(err, z->path);
  return PF_EFORMAT;
}

static pf_status parse_zip64_extra(pf__zip *z, pf__zip_entry *e, const uint8_t *x, size_t n,
                                   int need_u, int need_c, int need_o, pf_error *err) {
  while (n >= 4) {
    uint16_t id = rd16(x), len = rd16(x + 2);
    if ((size_t)len + 4 > n) break;
    if (id == 1) {
      const uint8_t *p = x + 4;
      size_t left = len;
      if (need_u) {
        if (left < 8) return damaged(z, err, "a ZIP64 extra field is too short");
        e->usize = rd64(p), p += 8, left -= 8;
      }
      if (need_c) {
        if (left < 8) return damaged(z, err, "a ZIP64 extra field is too short");
        e->csize = rd64(p), p += 8, left -= 8;
      }
      if (need_o) {
        if (left < 8) return damaged(z, err, "a ZIP64 extra field is too short");
        e->local_off = rd64(p);
      }
      return PF_OK;
    }
    x += 4 + len;
    n -= 4 + (size_t)len;
  }
  if (need_u || need_c || need_o) return damaged(z, err, "a ZIP64 entry has no ZIP64 extra field");
  return PF_OK;
}

static pf_status read_directory(pf__zip *z, pf_error *err) {
  uint8_t rec[56];
  uint64_t eocd;
  PF_TRY(find_eocd(z, &eocd, rec, err));
  uint64_t n_ent = rd16(rec + 10), cd_size = rd32(rec + 12), cd_off = rd32(rec + 16);
  if (n_ent == 0xFFFF || cd_size == 0xFFFFFFFFu || cd_off == 0xFFFFFFFFu) {
    uint8_t loc[20];
    if (eocd < 20) return damaged(z, err, "the ZIP64 locator is missing");
    PF_TRY(pread_exact(z, eocd - 20, loc, 20, err));
    if (rd32(loc) != SIG_LOC64) return damaged(z, err, "the ZIP64 locator is missing");
    uint64_t off64 = rd64(loc + 8);
    PF_TRY(pread_exact(z, off64, rec, 56, err));
    if (rd32(rec) != SIG_EOCD64) return damaged(z, err, "the ZIP64 end of central directory is missing");
    n_ent = rd64(rec + 32);
    cd_size = rd64(rec + 40);
    cd_off = rd64(rec + 48);
    eocd = off64;
  }
  if (cd_size > eocd || n_ent > MAX_ENTRIES || n_ent > cd_size / 46 + 1)
    return damaged(z, err, "the central directory's size or entry count is impossible");
  /* Data prepended to the archive (self-extractors) shifts every offset. */
  uint64_t shift = eocd - cd_size >= cd_off ? eocd - cd_size - cd_off : 0;
  uint8_t *cd = malloc(cd_size ? (size_t)cd_size : 1);
  if (!cd) return PF_ENOMEM;
  pf_status st = pread_exact(z, cd_off + shift, cd, (size_t)cd_size, err);
  z->ents = calloc(n_ent ? (size_t)n_ent : 1, sizeof *z->ents);
  if (st == PF_OK && !z->ents) st = PF_ENOMEM;
  size_t p = 0;
  for (uint64_t i = 0; st == PF_OK && i < n_ent; i++) {
    if (p + 46 > cd_size || rd32(cd + p) != SIG_CDIR) {
      st = damaged(z, err, "a central directory entry is missing or damaged");
      break;
    }
    const uint8_t *h = cd + p;
    size_t nl = rd16(h + 28), xl = rd16(h + 30), cl = rd16(h + 32);
    if (p + 46 + nl + xl + cl > cd_size) {
      st = damaged(z, err, "a central directory entry runs past the directory");
      break;
    }
    pf__zip_entry *e = &z->ents[z->n];
    e->flags = rd16(h + 8);
    e->method = rd16(h + 10);
    e->crc = rd32(h + 16);
    e->csize = rd32(h + 20);
    e->usize = rd32(h + 24);
    e->local_off = rd32(h + 42);
    e->name = pf__strndup((const char *)h + 46, nl);
    if (!e->name) {
      st = PF_ENOMEM;
      break;
    }
    z->n++;
    st = parse_zip64_extra(z, e, h + 46 + nl, xl, e->usize == 0xFFFFFFFFu,
                           e->csize == 0xFFFFFFFFu, e->local_off == 0xFFFFFFFFu, err);
    if (st != PF_OK) break;
    e->local_off += shift;
    if (e->local_off > z->size || e->csize > z->size - e->local_off)
      st = damaged(z, err, "a member's data lies past the end of the file");
    p += 46 + nl + xl + cl;
  }
  free(cd);
  return st;
}

pf_status pf__zip_open(pf__source *src, const char *path, const pf__zip_limits *limits,
                       pf__zip **out, pf_error *err) {
  *out = NULL;
  pf__zip *z = calloc(1, sizeof *z);
  if (!z) return PF_ENOMEM;
  z->src = src;
  z->path = path;
  z->size = pf__source_disk_size(src);
  if (limits) z->lim = *limits;
  else pf__zip_limits_default(&z->lim);
  if (!pf__source_seekable(src)) {
    free(z);
    pf__error_set(err, PF_EUNSUPPORTED,
                  "a ZIP archive must be a plain file (not compressed again); decompress it first");
    pf__error_file(err, path);
    return PF_EUNSUPPORTED;
  }
  pf_status st = read_directory(z, err);
  if (st != PF_OK) {
    pf__zip_close(z);
    return st;
  }
  *out = z;
  return PF_OK;
}

void pf__zip_close(pf__zip *z) {
  if (!z) return;
  for (size_t i = 0; i < z->n; i++) free(z->ents[i].name);
  free(z->ents);
  free(z);
}

size_t pf__zip_count(const pf__zip *z) { return z->n; }
const pf__zip_entry *pf__zip_entry_at(const pf__zip *z, size_t i) {
  return i < z->n ? &z->ents[i] : NULL;
}

static int eq_ci(const char *a, const char *b) {
  for (; *a && *b; a++, b++) {
    int ca = (unsigned char)*a, cb = (unsigned char)*b;
    if (ca >= 'A' && ca <= 'Z') ca += 32;
    if (cb >= 'A' && cb <= 'Z') cb += 32;
    if (ca == '\\') ca = '/';
    if (cb == '\\') cb = '/';
    if (ca != cb) return 0;
  }
  return *a == *b;
}

const pf__zip_entry *pf__zip_find(const pf__zip *z, const char *name) {
  while (*name == '/') name++;
  /* A name stored twice: the later entry, as tools that update an archive
   * append the new copy (and as Python's zipfile and other readers take). */
  for (size_t i = z->n; i-- > 0;)
    if (strcmp(z->ents[i].name, name) == 0) return &z->ents[i];
  for (size_t i = z->n; i-- > 0;) {
    const char *n = z->ents[i].name;
    while (*n == '/') n++;
    if (eq_ci(n, name)) return &z->ents[i];
  }
  return NULL;
}

static pf_status member_error(const pf__zip_stream *s, pf_status st, pf_error *err,
                              const char *fmt, const char *detail) {
  pf__error_set(err, st, fmt, s->e->name, detail);
  pf__error_file(err, s->z->path);
  return st;
}

pf_status pf__zip_stream_open(pf__zip *z, const pf__zip_entry *e, pf__zip_stream **out,
                              pf_error *err) {
  *out = NULL;
  if (e->flags & 1) {
    pf__error_set(err, PF_EUNSUPPORTED,
                  "the archive member %s is encrypted; remove the password in the application "
                  "that wrote it and save again",
                  e->name);
    pf__error_file(err, z->path);
    return PF_EUNSUPPORTED;
  }
  if (e->method != 0 && e->method != 8) {
    pf__error_set(err, PF_EUNSUPPORTED,
                  "the archive member %s uses compression method %u; only stored (0) and "
                  "deflate (8) are supported (re-save the file)",
                  e->name, (unsigned)e->method);
    pf__error_file(err, z->path);
    return PF_EUNSUPPORTED;
  }
  uint8_t lh[30];
  PF_TRY(pread_exact(z, e->local_off, lh, 30, err));
  if (rd32(lh) != SIG_LOCAL) return damaged(z, err, "a member's local header is missing");
  uint64_t data = e->local_off + 30 + rd16(lh + 26) + rd16(lh + 28);
  if (data > z->size || e->csize > z->size - data)
    return damaged(z, err, "a member's data lies past the end of the file");
  pf__zip_stream *s = calloc(1, sizeof *s);
  if (!s) return PF_ENOMEM;
  s->z = z;
  s->e = e;
  s->pos = data;
  s->end = data + e->csize;
  s->crc = (uint32_t)crc32(0L, Z_NULL, 0);
  if (e->method == 8) {
    s->in = malloc(IN_CHUNK);
    if (!s->in || inflateInit2(&s->zs, -MAX_WBITS) != Z_OK) {
      free(s->in);
      free(s);
      return PF_ENOMEM;
    }
    s->zinit = 1;
  }
  *out = s;
  return PF_OK;
}

static pf_status check_limits(pf__zip_stream *s, pf_error *err) {
  const pf__zip_limits *l = &s->z->lim;
  if (s->out > l->max_member) {
    char d[64];
    snprintf(d, sizeof d, "%llu", (unsigned long long)l->max_member);
    return member_error(s, PF_ELIMIT, err,
                        "the archive member %s inflates past the limit of %s bytes; refusing "
                        "it as a possible zip bomb",
                        d);
  }
  if (s->out > l->ratio_floor && l->max_ratio && s->out / l->max_ratio > s->in_used + 1) {
    char d[64];
    snprintf(d, sizeof d, "%llu", (unsigned long long)l->max_ratio);
    return member_error(s, PF_ELIMIT, err,
                        "the archive member %s inflates more than %s times its compressed "
                        "size; refusing it as a possible zip bomb",
                        d);
  }
  return PF_OK;
}

static pf_status finish(pf__zip_stream *s, pf_error *err) {
  s->done = 1;
  if (s->out != s->e->usize)
    return member_error(s, PF_EPARSE, err,
                        "the archive member %s does not have the size its directory entry "
                        "declares%s (the file is damaged)",
                        "");
  if (s->crc != s->e->crc)
    return member_error(s, PF_EPARSE, err,
                        "the archive member %s fails its CRC-32 check%s (the file is damaged)", "");
  return PF_OK;
}

pf_status pf__zip_stream_read(pf__zip_stream *s, void *buf, size_t n, size_t *got,
                              pf_error *err) {
  *got = 0;
  if (s->done || n == 0) return PF_OK;
  if (n > (1u << 30)) n = 1u << 30;
  if (!s->zinit) { /* stored */
    uint64_t left = s->end - s->pos;
    if (left == 0) return finish(s, err);
    size_t k = left < n ? (size_t)left : n;
    size_t g = 0;
    PF_TRY(pf__source_pread(s->z->src, s->pos, buf, k, &g, err));
    if (g != k) return damaged(s->z, err, "the file ends inside a member");
    s->pos += k;
    s->in_used += k;
    s->out += k;
    s->crc = (uint32_t)crc32(s->crc, buf, (uInt)k);
    *got = k;
    return check_limits(s, err);
  }
  s->zs.next_out = buf;
  s->zs.avail_out = (uInt)n;
  while (s->zs.avail_out > 0) {
    if (s->zs.avail_in == 0 && s->pos < s->end) {
      uint64_t left = s->end - s->pos;
      size_t k = left < IN_CHUNK ? (size_t)left : IN_CHUNK, g = 0;
      PF_TRY(pf__source_pread(s->z->src, s->pos, s->in, k, &g, err));
      if (g != k) return damaged(s->z, err, "the file ends inside a member");
      s->pos += k;
      s->zs.next_in = s->in;
      s->zs.avail_in = (uInt)k;
    }
    uInt before_in = s->zs.avail_in;
    int r = inflate(&s->zs, Z_NO_FLUSH);
    s->in_used += before_in - s->zs.avail_in;
    if (r == Z_STREAM_END) {
      size_t k = n - s->zs.avail_out;
      s->crc = (uint32_t)crc32(s->crc, buf, (uInt)k);
      s->out += k;
      *got = k;
      PF_TRY(check_limits(s, err));
      if (k == 0) return finish(s, err);
      s->done = 0;
      /* Report the end on the next call, after this data was used. */
      s->pos = s->end;
      s->zs.avail_in = 0;
      inflateEnd(&s->zs);
      s->zinit = 0;
      s->in_used = s->e->csize;
      /* Stored-path's "left == 0" check then runs finish(). */
      return PF_OK;
    }
    if (r == Z_BUF_ERROR && s->zs.avail_in == 0 && s->pos >= s->end)
      return damaged(s->z, err, "a compressed member ends early");
    if (r != Z_OK && r != Z_BUF_ERROR)
      return member_error(s, PF_EPARSE, err,
                          "the archive member %s holds invalid compressed data (%s); the file "
                          "is damaged",
                          s->zs.msg ? s->zs.msg : "inflate error");
  }
  size_t k = n;
  s->crc = (uint32_t)crc32(s->crc, buf, (uInt)k);
  s->out += k;
  *got = k;
  return check_limits(s, err);
}

pf_status pf__zip_stream_drain(pf__zip_stream *s, pf_error *err) {
  uint8_t buf[16384];
  for (;;) {
    size_t got = 0;
    PF_TRY(pf__zip_stream_read(s, buf, sizeof buf, &got, err));
    if (got == 0) return PF_OK;
  }
}

uint64_t pf__zip_stream_in(const pf__zip_stream *s) { return s->in_used; }
uint64_t pf__zip_stream_out(const pf__zip_stream *s) { return s->out; }

void pf__zip_stream_close(pf__zip_stream *s) {
  if (!s) return;
  if (s->zinit) inflateEnd(&s->zs);
  free(s->in);
  free(s);
}

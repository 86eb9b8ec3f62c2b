/* xml_decode.c - the XML reader's byte front: what encoding a file is in,
 * and a stream of bytes expat can read.
 *
 * expat reads UTF-8, UTF-16, ISO-8859-1 and US-ASCII itself, and
 * single-byte encodings through a byte map (xml_parse.c). Everything else
 * that libxml2 (lxml) reads is transcoded to UTF-8 here, as a stream,
 * through iconv, and the parsers are then told the input is UTF-8 (which
 * overrides the declarations). The decision is made once, on the first
 * bytes of the file, like XML 1.0 Appendix F and libxml2:
 *
 *   00 00 FE FF / FF FE 00 00     UTF-32BE / LE with a byte-order mark
 *   00 00 00 3C / 3C 00 00 00     UTF-32BE / LE without one
 *   FE FF / FF FE                 UTF-16BE / LE with a byte-order mark
 *   00 3C 00 xx / 3C 00 xx 00     UTF-16BE / LE without one
 *       (UTF-16 and UTF-32 are decided by the bytes; the declaration is
 *        not needed and not trusted: "u16", "utf16", "ISO-8859-1" in a
 *        UTF-16 file are all read as UTF-16, as libxml2 does)
 *   EF BB BF EF BB BF ...         a doubled UTF-8 byte-order mark: the
 *                                 extra marks are skipped with a warning
 *   4C 6F A7 94                   EBCDIC: refused, plainly
 *   anything else                 ASCII-compatible: the declaration
 *                                 decides; a multi-byte encoding iconv
 *                                 knows (Shift_JIS, EUC-JP, GB18030, Big5,
 *                                 ...) is transcoded, the rest goes to
 *                                 expat as it is.
 *
 * In a transcoded file, line and column numbers in errors are those of
 * the text (they do not depend on the encoding); byte offsets are of the
 * UTF-8 text, except for bytes iconv refuses, whose offset is the file's.
 */
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "readers/xml/xml_internal.h"

#define RAW_CAP (64u * 1024)
#define HEAD_BYTES 1024 /* where the XML declaration is looked for */

/* expat's own encodings. */
static int expat_native(const char *name) {
  static const char *const native[] = {"UTF-8", "UTF8", "ISO-8859-1", "US-ASCII", "ASCII"};
  for (size_t i = 0; i < sizeof native / sizeof *native; i++)
    if (!strcasecmp(name, native[i])) return 1;
  return 0;
}

int pf__xml_single_byte_map(const char *name, int map[256]) {
  iconv_t cd = iconv_open("UTF-32LE", name);
  if (cd == (iconv_t)-1) return 0;
  int ok = 1;
  for (int b = 0; b < 256 && ok; b++) {
    char in = (char)b;
    uint8_t out[8];
    char *ip = &in, *op = (char *)out;
    size_t il = 1, ol = sizeof out;
    iconv(cd, NULL, NULL, NULL, NULL);
    size_t rc = iconv(cd, &ip, &il, &op, &ol);
    if (rc == (size_t)-1) {
      map[b] = -1;                 /* not a character of this encoding */
      if (errno == EINVAL) ok = 0; /* a multi-byte lead byte */
    } else if (sizeof out - ol == 4) {
      map[b] = (int)((uint32_t)out[0] | (uint32_t)out[1] << 8 | (uint32_t)out[2] << 16 |
                     (uint32_t)out[3] << 24);
    } else {
      ok = 0; /* one byte, several characters (or none): not single-byte */
    }
  }
  iconv_close(cd);
  return ok && map[0x3C] == 0x3C && map[0x3E] == 0x3E;
}

/* The encoding name of an ASCII-compatible XML declaration at h[0..n),
 * copied into out; 0 when there is none. */
static int declared(const uint8_t *h, size_t n, char *out, size_t cap) {
  if (n > HEAD_BYTES) n = HEAD_BYTES;
  if (n < 6 || memcmp(h, "<?xml", 5) != 0) return 0;
  size_t end = 5;
  while (end + 1 < n && !(h[end] == '?' && h[end + 1] == '>')) end++;
  for (size_t i = 5; i + 8 <= end; i++) {
    if (memcmp(h + i, "encoding", 8) != 0) continue;
    size_t j = i + 8;
    while (j < end && (h[j] == ' ' || h[j] == '\t' || h[j] == '\r' || h[j] == '\n')) j++;
    if (j >= end || h[j++] != '=') return 0;
    while (j < end && (h[j] == ' ' || h[j] == '\t' || h[j] == '\r' || h[j] == '\n')) j++;
    if (j >= end || (h[j] != '"' && h[j] != '\'')) return 0;
    uint8_t q = h[j++];
    size_t k = 0;
    while (j < end && h[j] != q && k + 1 < cap) out[k++] = (char)h[j++];
    out[k] = 0;
    return j < end && h[j] == q && k > 0;
  }
  return 0;
}

/* ---- detection ---------------------------------------------------------------- */

typedef struct sniffed {
  const char *from;   /* iconv source encoding, NULL: expat reads it as is */
  size_t skip;        /* bytes skipped at the start                        */
  const char *what;   /* how it was told                                   */
  int refuse;         /* EBCDIC                                            */
  int extra_boms;     /* UTF-8 byte-order marks beyond the first           */
} sniffed;

static sniffed sniff_bytes(const uint8_t *h, size_t n) {
  sniffed s = {NULL, 0, NULL, 0, 0};
  if (n >= 4 && !memcmp(h, "\x00\x00\xFE\xFF", 4)) return (sniffed){"UTF-32BE", 4, "byte-order mark", 0, 0};
  if (n >= 4 && !memcmp(h, "\xFF\xFE\x00\x00", 4)) return (sniffed){"UTF-32LE", 4, "byte-order mark", 0, 0};
  if (n >= 4 && !memcmp(h, "\x00\x00\x00\x3C", 4)) return (sniffed){"UTF-32BE", 0, "told by the first bytes, no byte-order mark", 0, 0};
  if (n >= 4 && !memcmp(h, "\x3C\x00\x00\x00", 4)) return (sniffed){"UTF-32LE", 0, "told by the first bytes, no byte-order mark", 0, 0};
  if (n >= 2 && h[0] == 0xFE && h[1] == 0xFF) return (sniffed){"UTF-16BE", 2, "byte-order mark", 0, 0};
  if (n >= 2 && h[0] == 0xFF && h[1] == 0xFE) return (sniffed){"UTF-16LE", 2, "byte-order mark", 0, 0};
  if (n >= 4 && h[0] == 0 && h[1] == 0x3C && h[2] == 0 && h[3] != 0)
    return (sniffed){"UTF-16BE", 0, "told by the first bytes, no byte-order mark", 0, 0};
  if (n >= 4 && h[0] == 0x3C && h[1] == 0 && h[2] != 0 && h[3] == 0)
    return (sniffed){"UTF-16LE", 0, "told by the first bytes, no byte-order mark", 0, 0};
  if (n >= 4 && !memcmp(h, "\x4C\x6F\xA7\x94", 4)) {
    s.refuse = 1;
    return s;
  }
  while (n - s.skip >= 6 && !memcmp(h + s.skip, "\xEF\xBB\xBF\xEF\xBB\xBF", 6)) {
    s.skip += 3; /* keep the last mark: expat reads it */
    s.extra_boms++;
  }
  return s;
}

/* ---- stream ------------------------------------------------------------------- */

static pf_status src_fill(pf__xml_reader *r, pf_error *err) {
  pf__xml_decoder *d = &r->dec;
  if (d->raw_pos > 0) {
    memmove(d->raw, d->raw + d->raw_pos, d->raw_len - d->raw_pos);
    d->raw_abs += d->raw_pos;
    d->raw_len -= d->raw_pos;
    d->raw_pos = 0;
  }
  while (!d->src_eof && d->raw_len < RAW_CAP) {
    size_t got = 0;
    pf_status st = pf__source_read(r->src, d->raw + d->raw_len, RAW_CAP - d->raw_len, &got, err);
    if (st != PF_OK) {
      pf__error_file(err, r->env->path);
      return st;
    }
    if (got == 0) d->src_eof = 1;
    d->raw_len += got;
  }
  return PF_OK;
}

/* Starts reading from the first byte; on the first call, decides how. */
pf_status pf__xml_decode_begin(pf__xml_reader *r, pf_error *err) {
  pf__xml_decoder *d = &r->dec;
  if (!d->raw) {
    d->raw = malloc(RAW_CAP);
    if (!d->raw) return PF_ENOMEM;
  }
  d->raw_len = d->raw_pos = 0;
  d->raw_abs = 0;
  d->src_eof = 0;
  d->lines = 0;
  PF_TRY(src_fill(r, err));
  if (!d->decided) {
    d->decided = 1;
    sniffed s = sniff_bytes(d->raw, d->raw_len);
    if (s.refuse) {
      pf__error_file(err, r->env->path);
      return pf__error_set(err, PF_EENCODING,
                           "the file is in EBCDIC, which PyForge does not read (nor does "
                           "libxml2 by default); convert it to UTF-8 (e.g. iconv -f IBM037 -t "
                           "UTF-8) and fix its declaration");
    }
    d->skip = s.skip;
    size_t head = s.skip; /* the declaration, after a UTF-8 byte-order mark */
    if (d->raw_len - head >= 3 && !memcmp(d->raw + head, "\xEF\xBB\xBF", 3)) head += 3;
    char decl[48] = "";
    if (s.from) {
      snprintf(d->from, sizeof d->from, "%s", s.from);
      d->how = s.what;
    } else if (declared(d->raw + head, d->raw_len - head, decl, sizeof decl) &&
               !expat_native(decl)) {
      int map[256];
      iconv_t probe = iconv_open("UTF-8", decl);
      if (probe != (iconv_t)-1) {
        iconv_close(probe);
        if (!pf__xml_single_byte_map(decl, map)) {
          snprintf(d->from, sizeof d->from, "%s", decl);
          d->how = "declared, transcoded to UTF-8";
        }
      }
    }
    if (s.extra_boms)
      pf__log_msg(r->env->log, PF_LOG_WARN,
                  "%s: the file starts with %d UTF-8 byte-order marks; the %d extra one%s "
                  "(not allowed before the XML declaration) %s ignored",
                  r->env->path, s.extra_boms + 1, s.extra_boms, s.extra_boms > 1 ? "s" : "",
                  s.extra_boms > 1 ? "are" : "is");
    if (d->from[0]) {
      snprintf(d->label, sizeof d->label, "%s (%s)", d->from, d->how);
      iconv_t cd = iconv_open("UTF-8", d->from);
      if (cd == (iconv_t)-1) {
        pf__error_file(err, r->env->path);
        return pf__error_set(err, PF_EENCODING, "cannot convert from %s: %s", d->from,
                             strerror(errno));
      }
      d->cd = cd;
    }
  }
  if (d->cd) iconv((iconv_t)d->cd, NULL, NULL, NULL, NULL);
  d->raw_pos = d->skip <= d->raw_len ? d->skip : d->raw_len;
  return PF_OK;
}

static pf_status bad_bytes(pf__xml_reader *r, int cut, const uint8_t *out, size_t n_out,
                           pf_error *err) {
  pf__xml_decoder *d = &r->dec;
  int64_t line = d->lines + 1;
  for (size_t i = 0; i < n_out; i++) line += out[i] == '\n';
  pf__error_file(err, r->env->path);
  pf__error_place(err, -1, line, -1, (int64_t)(d->raw_abs + d->raw_pos));
  if (cut)
    return pf__error_set(err, PF_EENCODING,
                         "the file ends inside a %s character: it is cut short or not in %s",
                         d->from, d->from);
  return pf__error_set(err, PF_EENCODING,
                       "bytes that are not valid %s, the file's encoding (%s); convert the "
                       "file to UTF-8 or fix its declaration",
                       d->from, d->how);
}

pf_status pf__xml_decode_read(pf__xml_reader *r, uint8_t *dst, size_t n, size_t *got,
                              pf_error *err) {
  pf__xml_decoder *d = &r->dec;
  *got = 0;
  if (!d->cd) {
    if (d->raw_pos < d->raw_len) { /* what begin() read first */
      size_t k = d->raw_len - d->raw_pos < n ? d->raw_len - d->raw_pos : n;
      memcpy(dst, d->raw + d->raw_pos, k);
      d->raw_pos += k;
      *got = k;
      return PF_OK;
    }
    if (d->src_eof) return PF_OK;
    pf_status st = pf__source_read(r->src, dst, n, got, err);
    if (st != PF_OK) pf__error_file(err, r->env->path);
    return st;
  }
  char *op = (char *)dst;
  size_t ol = n;
  while (ol == n) { /* until something comes out, or the input ends */
    if (d->raw_len - d->raw_pos < 8 && !d->src_eof) PF_TRY(src_fill(r, err));
    if (d->raw_pos == d->raw_len) break;
    char *ip = (char *)d->raw + d->raw_pos;
    size_t il = d->raw_len - d->raw_pos;
    size_t rc = iconv((iconv_t)d->cd, &ip, &il, &op, &ol);
    d->raw_pos = (size_t)((uint8_t *)ip - d->raw);
    if (rc != (size_t)-1 || errno == E2BIG) continue;
    if (errno != EINVAL) return bad_bytes(r, 0, dst, n - ol, err);
    /* a character cut by the end of the buffer: more bytes, or the end */
    if (d->src_eof) return bad_bytes(r, 1, dst, n - ol, err);
    PF_TRY(src_fill(r, err));
  }
  *got = n - ol;
  for (size_t i = 0; i < *got; i++) d->lines += dst[i] == '\n';
  return PF_OK;
}

void pf__xml_decode_free(pf__xml_reader *r) {
  if (r->dec.cd) iconv_close((iconv_t)r->dec.cd);
  free(r->dec.raw);
  memset(&r->dec, 0, sizeof r->dec);
}

/* csv_encoding.c - the CSV reader's text layer: encoding detection and a
 * streaming conversion of the input to UTF-8.
 *
 * Detection (no forced encoding), on the first bytes of the input:
 *   EF BB BF            UTF-8, BOM skipped
 *   FF FE / FE FF       UTF-16LE / UTF-16BE, BOM skipped, transcoded
 *   FF FE 00 00 / 00 00 FE FF   UTF-32LE / BE through iconv
 *   NUL bytes in the first 64 KiB, no BOM
 *                       UTF-16 when the NULs sit at alternate positions
 *                       (ASCII text in UTF-16 without BOM); else the input
 *                       is binary data, not text: PF_EFORMAT
 *   valid UTF-8         UTF-8 (a sequence cut at the end of the sample is
 *                       allowed), passed through unchanged and validated
 *                       row by row later; also when the head has invalid
 *                       sequences but at least 4 times as many valid
 *                       multi-byte ones (and 2 or more): a UTF-8 file with
 *                       a stray bad byte, which is then a bad row
 *   otherwise           Windows-1252 (the 5 bytes it leaves undefined map
 *                       to U+0081, U+008D, U+008F, U+0090, U+009D so that
 *                       no byte is lost)
 * A forced encoding (opts->encoding, the key input.encoding): utf-8/utf8/utf-8-sig,
 * utf-16le/be, windows-1252/cp1252, latin-1/iso-8859-1 are handled here;
 * any other name goes through glibc's iconv, whose errors name the byte
 * offset.
 */
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "readers/csv/csv_internal.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#define RAW_CHUNK (1u << 20)
#define NUL_WINDOW (64u * 1024)

static const uint16_t cp1252_hi[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
    0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

/* The character whose lead byte (>= 0x80) is p[i]: its length, or 0 when
 * the sequence is not valid UTF-8 (overlong, surrogate, past U+10FFFF,
 * cut at n). */
static inline size_t utf8_char(const uint8_t *p, size_t n, size_t i) {
  const uint8_t c = p[i];
  size_t len;
  uint32_t min;
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
    min = 0x80;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    min = 0x800;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    min = 0x10000;
  } else {
    return 0;
  }
  if (i + len > n) return 0;
  uint32_t cp = c & (len == 2 ? 0x1F : len == 3 ? 0x0F : 0x07);
  for (size_t k = 1; k < len; k++) {
    uint8_t cc = p[i + k];
    if ((cc & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (cc & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

int pf__csv_utf8_valid(const uint8_t *p, size_t n, size_t *bad) {
  size_t i = 0;
#if defined(__SSE2__)
  /* 64 bytes at a time: the bytes >= 0x80 as a bit mask, and only the
   * characters it marks are decoded (text is mostly ASCII). */
  while (i + 64 <= n) {
    const size_t base = i;
    const __m128i x0 = _mm_loadu_si128((const __m128i *)(p + base));
    const __m128i x1 = _mm_loadu_si128((const __m128i *)(p + base + 16));
    const __m128i x2 = _mm_loadu_si128((const __m128i *)(p + base + 32));
    const __m128i x3 = _mm_loadu_si128((const __m128i *)(p + base + 48));
    i = base + 64;
    if (!_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(x0, x1), _mm_or_si128(x2, x3))))
      continue; /* all ASCII */
    uint64_t m = (uint64_t)(unsigned)_mm_movemask_epi8(x0) |
                 (uint64_t)(unsigned)_mm_movemask_epi8(x1) << 16 |
                 (uint64_t)(unsigned)_mm_movemask_epi8(x2) << 32 |
                 (uint64_t)(unsigned)_mm_movemask_epi8(x3) << 48;
    while (m) {
      const size_t at = base + (size_t)__builtin_ctzll(m);
      const size_t len = utf8_char(p, n, at);
      if (!len) {
        if (bad) *bad = at;
        return 0;
      }
      const size_t next = at + len - base; /* bits of this character cleared */
      if (next >= 64) {
        i = at + len;
        break;
      }
      m &= ~UINT64_C(0) << next;
    }
  }
#endif
  while (i < n) {
    while (i + 8 <= n) { /* ASCII, 8 bytes at a time */
      uint64_t x;
      memcpy(&x, p + i, 8);
      if (x & UINT64_C(0x8080808080808080)) break;
      i += 8;
    }
    if (i >= n) break;
    if (p[i] < 0x80) {
      i++;
      continue;
    }
    const size_t len = utf8_char(p, n, i);
    if (!len) {
      if (bad) *bad = i;
      return 0;
    }
    i += len;
  }
  return 1;
}

/* Lead bytes of multi-byte sequences in valid UTF-8 text. */
static size_t count_multibyte(const uint8_t *p, size_t n) {
  size_t k = 0;
  for (size_t i = 0; i < n; i++) k += p[i] >= 0xC2;
  return k;
}

static inline uint8_t *put_utf8(uint8_t *o, uint32_t cp) {
  if (cp < 0x80) {
    *o++ = (uint8_t)cp;
  } else if (cp < 0x800) {
    *o++ = (uint8_t)(0xC0 | (cp >> 6));
    *o++ = (uint8_t)(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    *o++ = (uint8_t)(0xE0 | (cp >> 12));
    *o++ = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
    *o++ = (uint8_t)(0x80 | (cp & 0x3F));
  } else {
    *o++ = (uint8_t)(0xF0 | (cp >> 18));
    *o++ = (uint8_t)(0x80 | ((cp >> 12) & 0x3F));
    *o++ = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
    *o++ = (uint8_t)(0x80 | (cp & 0x3F));
  }
  return o;
}

/* Does the head look like UTF-16 without a BOM? Returns 1 (LE), 2 (BE), 0. */
static int utf16_guess(const uint8_t *p, size_t n) {
  size_t pairs = n / 2, z_even = 0, z_odd = 0, both = 0;
  if (pairs < 2) return 0;
  for (size_t i = 0; i + 1 < n; i += 2) {
    if (p[i] == 0 && p[i + 1] == 0) both++;
    else if (p[i] == 0) z_even++;
    else if (p[i + 1] == 0) z_odd++;
  }
  if (both) return 0;
  if (z_odd * 3 >= pairs && z_even * 20 <= pairs) return 1;
  if (z_even * 3 >= pairs && z_odd * 20 <= pairs) return 2;
  return 0;
}

pf_status pf__csv_detect_encoding(const uint8_t *h, size_t n, int is_all,
                                  pf__csv_enc *enc, size_t *bom,
                                  pf_error *err) {
  *bom = 0;
  if (n >= 4 && h[0] == 0xFF && h[1] == 0xFE && h[2] == 0 && h[3] == 0) {
    *enc = PF__CSV_ICONV; /* UTF-32LE, set up by the caller */
    *bom = 4;
    return PF_OK;
  }
  if (n >= 4 && h[0] == 0 && h[1] == 0 && h[2] == 0xFE && h[3] == 0xFF) {
    *enc = PF__CSV_ICONV;
    *bom = 4;
    return PF_OK;
  }
  if (n >= 3 && h[0] == 0xEF && h[1] == 0xBB && h[2] == 0xBF) {
    *enc = PF__CSV_UTF8;
    *bom = 3;
    return PF_OK;
  }
  if (n >= 2 && h[0] == 0xFF && h[1] == 0xFE) {
    *enc = PF__CSV_UTF16LE;
    *bom = 2;
    return PF_OK;
  }
  if (n >= 2 && h[0] == 0xFE && h[1] == 0xFF) {
    *enc = PF__CSV_UTF16BE;
    *bom = 2;
    return PF_OK;
  }
  /* NUL bytes decide "binary" only near the start: a stray NUL further on
   * is a bad row of a text file. */
  size_t nn = n < NUL_WINDOW ? n : NUL_WINDOW;
  if (memchr(h, 0, nn)) {
    int g = utf16_guess(h, nn);
    if (g) {
      *enc = g == 1 ? PF__CSV_UTF16LE : PF__CSV_UTF16BE;
      return PF_OK;
    }
    size_t at = (size_t)((const uint8_t *)memchr(h, 0, nn) - h);
    pf__error_set(err, PF_EFORMAT,
                  "binary data, not a text file: a NUL byte at byte offset %zu "
                  "(if it is text in a wide encoding, give it with input.encoding; if "
                  "it is another kind of file, give input.format)", at);
    pf__error_place(err, -1, -1, -1, (int64_t)at);
    return PF_EFORMAT;
  }
  /* UTF-8 unless the sample has invalid sequences and not many more valid
   * multi-byte ones: Windows-1252 text almost never forms valid UTF-8
   * sequences, while a UTF-8 file with a stray bad byte has plenty (that
   * byte is then a bad row, reported with its line). */
  size_t valid_mb = 0, invalid = 0, pos = 0;
  while (pos < n) {
    size_t bad;
    if (pf__csv_utf8_valid(h + pos, n - pos, &bad)) {
      valid_mb += count_multibyte(h + pos, n - pos);
      break;
    }
    valid_mb += count_multibyte(h + pos, bad);
    /* A multi-byte sequence cut by the end of the sample is fine. */
    if (!is_all && n - (pos + bad) < 4 && h[pos + bad] >= 0xC2) break;
    invalid++;
    pos += bad + 1;
  }
  *enc = invalid == 0 || (valid_mb >= 2 && valid_mb >= 4 * invalid) ? PF__CSV_UTF8
                                                                   : PF__CSV_CP1252;
  return PF_OK;
}

static void norm_name(const char *in, char *out, size_t cap) {
  size_t k = 0;
  for (; *in && k + 1 < cap; in++) {
    char c = *in;
    if (c == '-' || c == '_' || c == ' ') continue;
    if (c >= 'A' && c <= 'Z') c = (char)(c + 32);
    out[k++] = c;
  }
  out[k] = '\0';
}

static void set_name(pf__csv_text *t, const char *name) {
  snprintf(t->name, sizeof t->name, "%s", name);
}

static pf_status open_iconv(pf__csv_text *t, const char *from, pf_error *err) {
  iconv_t cd = iconv_open("UTF-8", from);
  if (cd == (iconv_t)-1)
    return pf__error_set(err, PF_EINVAL,
                         "unknown encoding '%s' (use a name iconv knows, e.g. "
                         "utf-8, windows-1252, latin-1, utf-16, shift_jis)", from);
  t->cd = (void *)cd;
  t->enc = PF__CSV_ICONV;
  return PF_OK;
}

pf_status pf__csv_text_init(pf__csv_text *t, pf__source *src,
                            const char *forced, const uint8_t *head,
                            size_t n, int is_all, pf_error *err) {
  memset(t, 0, sizeof *t);
  t->src = src;
  if (forced && *forced) {
    char nm[64];
    norm_name(forced, nm, sizeof nm);
    int utf8_bom = n >= 3 && head[0] == 0xEF && head[1] == 0xBB && head[2] == 0xBF;
    if (!strcmp(nm, "utf8") || !strcmp(nm, "utf8sig")) {
      t->enc = PF__CSV_UTF8;
      t->bom = utf8_bom ? 3 : 0;
      set_name(t, utf8_bom ? "UTF-8 (BOM)" : "UTF-8");
    } else if (!strcmp(nm, "utf16le") || !strcmp(nm, "utf16be") || !strcmp(nm, "utf16")) {
      int le = nm[5] == 'l';
      if (!strcmp(nm, "utf16")) le = !(n >= 2 && head[0] == 0xFE && head[1] == 0xFF);
      t->enc = le ? PF__CSV_UTF16LE : PF__CSV_UTF16BE;
      if (n >= 2 && ((le && head[0] == 0xFF && head[1] == 0xFE) ||
                     (!le && head[0] == 0xFE && head[1] == 0xFF)))
        t->bom = 2;
      set_name(t, le ? "UTF-16LE" : "UTF-16BE");
    } else if (!strcmp(nm, "cp1252") || !strcmp(nm, "windows1252")) {
      t->enc = PF__CSV_CP1252;
      set_name(t, "Windows-1252");
    } else if (!strcmp(nm, "latin1") || !strcmp(nm, "iso88591") || !strcmp(nm, "l1")) {
      t->enc = PF__CSV_LATIN1;
      set_name(t, "ISO-8859-1");
    } else {
      PF_TRY(open_iconv(t, forced, err));
      set_name(t, forced);
    }
  } else {
    pf__csv_enc enc;
    PF_TRY(pf__csv_detect_encoding(head, n, is_all, &enc, &t->bom, err));
    t->enc = enc;
    switch (enc) {
      case PF__CSV_UTF8: set_name(t, t->bom ? "UTF-8 (BOM)" : "UTF-8"); break;
      case PF__CSV_UTF16LE: set_name(t, "UTF-16LE"); break;
      case PF__CSV_UTF16BE: set_name(t, "UTF-16BE"); break;
      case PF__CSV_CP1252: set_name(t, "Windows-1252"); break;
      case PF__CSV_LATIN1: set_name(t, "ISO-8859-1"); break;
      case PF__CSV_ICONV: {
        const char *nm = head[0] == 0xFF ? "UTF-32LE" : "UTF-32BE";
        PF_TRY(open_iconv(t, nm, err));
        set_name(t, nm);
        break;
      }
    }
  }
  if (t->enc != PF__CSV_UTF8) {
    t->raw_cap = RAW_CHUNK + 8;
    t->raw = malloc(t->raw_cap);
    if (!t->raw) return PF_ENOMEM;
  }
  return pf__csv_text_rewind(t, err);
}

void pf__csv_text_free(pf__csv_text *t) {
  if (!t) return;
  if (t->cd) iconv_close((iconv_t)t->cd);
  free(t->raw);
  memset(t, 0, sizeof *t);
}

pf_status pf__csv_text_rewind(pf__csv_text *t, pf_error *err) {
  PF_TRY(pf__source_rewind(t->src, err));
  t->raw_len = 0;
  t->src_eof = 0;
  t->raw_pos = 0;
  t->text_pos = 0;
  t->started = 0;
  t->pend_len = t->pend_pos = 0;
  if (t->cd) iconv((iconv_t)t->cd, NULL, NULL, NULL, NULL);
  return PF_OK;
}

int pf__csv_text_exact_offsets(const pf__csv_text *t) {
  return t->enc == PF__CSV_UTF8;
}

int pf__csv_text_windows_ok(const pf__csv_text *t) {
  return t->enc != PF__CSV_ICONV;
}

/* Skips the BOM once, at the start. */
static pf_status skip_bom(pf__csv_text *t, pf_error *err) {
  if (t->started) return PF_OK;
  t->started = 1;
  size_t left = t->bom;
  uint8_t tmp[8];
  while (left) {
    size_t got;
    PF_TRY(pf__source_read(t->src, tmp, left, &got, err));
    if (got == 0) break;
    left -= got;
  }
  t->raw_pos = t->bom;
  return PF_OK;
}

/* Tops up t->raw to want bytes (fewer at the end of input). */
static pf_status fill_raw(pf__csv_text *t, size_t want, pf_error *err) {
  if (want > t->raw_cap) want = t->raw_cap;
  while (t->raw_len < want && !t->src_eof) {
    size_t got;
    PF_TRY(pf__source_read(t->src, t->raw + t->raw_len, want - t->raw_len, &got, err));
    if (got == 0) t->src_eof = 1;
    t->raw_len += got;
  }
  return PF_OK;
}

static pf_status enc_error(pf__csv_text *t, uint64_t off, const char *what,
                           pf_error *err) {
  pf__error_set(err, PF_EENCODING,
                "invalid %s at byte offset %llu: the input is not valid %s "
                "(force another one with input.encoding)",
                what, (unsigned long long)off, t->name);
  pf__error_place(err, -1, -1, -1, (int64_t)off);
  return PF_EENCODING;
}

/* Decodes t->raw[0..raw_len) into dst (cap bytes); keeps what it could not
 * decode yet (a cut sequence) at the start of raw. */
static pf_status decode(pf__csv_text *t, uint8_t *dst, size_t cap, size_t *got,
                        pf_error *err) {
  const uint8_t *r = t->raw;
  size_t n = t->raw_len, i = 0;
  uint8_t *o = dst, *oe = dst + cap;
  switch (t->enc) {
    case PF__CSV_CP1252:
    case PF__CSV_LATIN1: {
      int cp = t->enc == PF__CSV_CP1252;
      for (; i < n && oe - o >= 3; i++) {
        uint8_t c = r[i];
        if (c < 0x80) *o++ = c;
        else o = put_utf8(o, cp && c < 0xA0 ? cp1252_hi[c - 0x80] : c);
      }
      break;
    }
    case PF__CSV_UTF16LE:
    case PF__CSV_UTF16BE: {
      int le = t->enc == PF__CSV_UTF16LE;
      while (i + 2 <= n && oe - o >= 4) {
        uint32_t u = le ? (uint32_t)(r[i] | r[i + 1] << 8) : (uint32_t)(r[i] << 8 | r[i + 1]);
        if (u >= 0xD800 && u <= 0xDBFF) {
          if (i + 4 > n) {
            if (t->src_eof) return enc_error(t, t->raw_pos + i, "UTF-16 (a cut surrogate pair)", err);
            break;
          }
          uint32_t u2 = le ? (uint32_t)(r[i + 2] | r[i + 3] << 8) : (uint32_t)(r[i + 2] << 8 | r[i + 3]);
          if (u2 < 0xDC00 || u2 > 0xDFFF) return enc_error(t, t->raw_pos + i, "UTF-16 (an unpaired surrogate)", err);
          o = put_utf8(o, 0x10000 + ((u - 0xD800) << 10) + (u2 - 0xDC00));
          i += 4;
        } else if (u >= 0xDC00 && u <= 0xDFFF) {
          return enc_error(t, t->raw_pos + i, "UTF-16 (an unpaired surrogate)", err);
        } else {
          o = put_utf8(o, u);
          i += 2;
        }
      }
      if (t->src_eof && n - i == 1 && oe - o >= 4)
        return enc_error(t, t->raw_pos + i, "UTF-16 (an odd number of bytes)", err);
      break;
    }
    case PF__CSV_ICONV: {
      char *in = (char *)r, *out = (char *)o;
      size_t inleft = n, outleft = cap;
      size_t rc = iconv((iconv_t)t->cd, &in, &inleft, &out, &outleft);
      i = n - inleft;
      o = (uint8_t *)out;
      if (rc == (size_t)-1) {
        if (errno == EILSEQ) return enc_error(t, t->raw_pos + i, "text", err);
        if (errno == EINVAL && t->src_eof && o == dst)
          return enc_error(t, t->raw_pos + i, "text (a cut sequence at the end)", err);
      }
      break;
    }
    case PF__CSV_UTF8: break;
  }
  memmove(t->raw, t->raw + i, n - i);
  t->raw_len = n - i;
  t->raw_pos += i;
  *got = (size_t)(o - dst);
  return PF_OK;
}

static pf_status read_decoded(pf__csv_text *t, uint8_t *dst, size_t cap,
                               size_t *got, pf_error *err);

pf_status pf__csv_text_read(pf__csv_text *t, uint8_t *dst, size_t cap,
                            size_t *got, pf_error *err) {
  *got = 0;
  if (cap == 0) return PF_OK;
  PF_TRY(skip_bom(t, err));
  if (t->enc == PF__CSV_UTF8) {
    PF_TRY(pf__source_read(t->src, dst, cap, got, err));
    t->raw_pos += *got;
    t->text_pos += *got;
    return PF_OK;
  }
  if (t->pend_pos == t->pend_len && cap < sizeof t->pend) {
    /* Decoding writes whole characters: decode into pend, hand out part. */
    t->pend_pos = t->pend_len = 0;
    PF_TRY(read_decoded(t, t->pend, sizeof t->pend, &t->pend_len, err));
  }
  if (t->pend_pos < t->pend_len) {
    size_t k = t->pend_len - t->pend_pos;
    if (k > cap) k = cap;
    memcpy(dst, t->pend + t->pend_pos, k);
    t->pend_pos += k;
    *got = k;
    return PF_OK;
  }
  return read_decoded(t, dst, cap, got, err);
}

/* Decodes into dst (cap >= 8: room for any character). */
static pf_status read_decoded(pf__csv_text *t, uint8_t *dst, size_t cap,
                              size_t *got, pf_error *err) {
  *got = 0;
  for (;;) {
    /* Room for the worst case: 1 input byte -> 3 UTF-8 bytes (UTF-16:
     * 2 -> 3, 4 -> 4; iconv is told the real room). */
    size_t want = t->enc == PF__CSV_ICONV ? cap / 4 + 8 : cap / 3 + 4;
    PF_TRY(fill_raw(t, want, err));
    if (t->raw_len == 0) return PF_OK; /* end */
    size_t before = t->raw_len;
    PF_TRY(decode(t, dst, cap, got, err));
    t->text_pos += *got;
    if (*got) return PF_OK;
    if (t->raw_len == before && t->raw_len >= want && !t->src_eof)
      return pf__error_set(err, PF_EINTERNAL, "the text decoder made no progress");
    if (t->src_eof) {
      if (t->raw_len) return enc_error(t, t->raw_pos, "text (a cut sequence at the end)", err);
      return PF_OK;
    }
  }
}

pf_status pf__csv_text_decode_window(const pf__csv_text *t, uint64_t off,
                                     const uint8_t *raw, size_t n,
                                     pf__buf *out) {
  out->len = 0;
  size_t skip = 0;
  if (t->enc == PF__CSV_UTF16LE || t->enc == PF__CSV_UTF16BE)
    skip = (size_t)((off - t->bom) & 1); /* align to code units */
  PF_TRY(pf__buf_reserve(out, n * 3 + 8));
  if (t->enc == PF__CSV_UTF8) {
    memcpy(out->data, raw, n);
    out->len = n;
    return PF_OK;
  }
  pf__csv_text tmp = *t;
  tmp.raw = (uint8_t *)raw + skip;
  tmp.raw_len = n - skip;
  tmp.src_eof = 0;
  tmp.raw_pos = off + skip;
  /* decode() moves the rest to the front of raw, so work on a copy. */
  uint8_t *copy = malloc(n + 1);
  if (!copy) return PF_ENOMEM;
  memcpy(copy, raw + skip, n - skip);
  tmp.raw = copy;
  size_t got = 0;
  pf_error e2;
  pf_error_init(&e2);
  pf_status st = PF_OK;
  /* Unpaired surrogates at a cut are possible: decode up to the problem. */
  for (;;) {
    size_t before = tmp.raw_len;
    st = decode(&tmp, out->data + out->len, n * 3 + 8 - out->len, &got, &e2);
    out->len += got;
    if (st != PF_OK || got == 0 || tmp.raw_len == 0 || tmp.raw_len == before) break;
  }
  free(copy);
  return PF_OK;
}

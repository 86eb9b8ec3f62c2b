/* dbf_codepage.c - which code page a table's text is in, and decoding it
 * to UTF-8.
 *
 * The language driver byte (header offset 29) names the code page through
 * the standard table below. Single-byte code pages become a 256-entry
 * table built once through glibc's iconv (bytes a code page leaves
 * undefined map to the same Unicode number, U+0080..U+00FF, so nothing is
 * lost); multi-byte ones (Shift-JIS, GBK, Big5, UHC) go through iconv per
 * value; UTF-8 is validated and copied.
 *
 * Detection, when the byte is 0, unknown or contradicted by the text:
 * valid UTF-8 with multi-byte characters is UTF-8; otherwise each of the
 * original PyForge CLI's candidates (cp1252, latin-1, cp850, cp1251,
 * cp1250) decodes the sample and is scored on how the non-ASCII characters
 * sit among their neighbours: letters inside words score, symbols, box
 * drawing and control characters inside words cost, a capital after a
 * small letter costs, Cyrillic next to Latin letters costs and Cyrillic
 * next to Cyrillic scores. The best score wins; ties go to the earlier
 * candidate.
 */
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "readers/dbf/dbf_internal.h"

static const struct {
  uint8_t id;
  const char *name; /* iconv name; NULL: no converter here */
  const char *desc;
} ldids[] = {
    {0x01, "CP437", "US MS-DOS"},
    {0x02, "CP850", "International MS-DOS"},
    {0x03, "CP1252", "Windows ANSI"},
    {0x04, "MACINTOSH", "Standard Macintosh"},
    {0x08, "CP865", "Danish OEM"},
    {0x09, "CP437", "Dutch OEM"},
    {0x0A, "CP850", "Dutch OEM (secondary)"},
    {0x0B, "CP437", "Finnish OEM"},
    {0x0D, "CP437", "French OEM"},
    {0x0E, "CP850", "French OEM (secondary)"},
    {0x0F, "CP437", "German OEM"},
    {0x10, "CP850", "German OEM (secondary)"},
    {0x11, "CP437", "Italian OEM"},
    {0x12, "CP850", "Italian OEM (secondary)"},
    {0x13, "CP932", "Japanese Shift-JIS"},
    {0x14, "CP850", "Spanish OEM (secondary)"},
    {0x15, "CP437", "Swedish OEM"},
    {0x16, "CP850", "Swedish OEM (secondary)"},
    {0x17, "CP865", "Norwegian OEM"},
    {0x18, "CP437", "Spanish OEM"},
    {0x19, "CP437", "English OEM (Britain)"},
    {0x1A, "CP850", "English OEM (Britain, secondary)"},
    {0x1B, "CP437", "English OEM (US)"},
    {0x1C, "CP863", "French OEM (Canada)"},
    {0x1D, "CP850", "French OEM (secondary)"},
    {0x1F, "CP852", "Czech OEM"},
    {0x22, "CP852", "Hungarian OEM"},
    {0x23, "CP852", "Polish OEM"},
    {0x24, "CP860", "Portuguese OEM"},
    {0x25, "CP850", "Portuguese OEM (secondary)"},
    {0x26, "CP866", "Russian OEM"},
    {0x37, "CP850", "English OEM (US, secondary)"},
    {0x40, "CP852", "Romanian OEM"},
    {0x4D, "CP936", "Chinese GBK (PRC)"},
    {0x4E, "CP949", "Korean (ANSI/OEM)"},
    {0x4F, "CP950", "Chinese Big5 (Taiwan)"},
    {0x50, "CP874", "Thai (ANSI/OEM)"},
    {0x57, "CP1252", "ANSI"},
    {0x58, "CP1252", "Western European ANSI"},
    {0x59, "CP1252", "Spanish ANSI"},
    {0x64, "CP852", "Eastern European MS-DOS"},
    {0x65, "CP866", "Russian MS-DOS"},
    {0x66, "CP865", "Nordic MS-DOS"},
    {0x67, "CP861", "Icelandic MS-DOS"},
    {0x68, NULL, "Kamenicky (Czech) MS-DOS"},
    {0x69, NULL, "Mazovia (Polish) MS-DOS"},
    {0x6A, "CP737", "Greek MS-DOS (437G)"},
    {0x6B, "CP857", "Turkish MS-DOS"},
    {0x6C, "CP863", "French-Canadian MS-DOS"},
    {0x78, "CP950", "Traditional Chinese (Big5) Windows"},
    {0x79, "CP949", "Korean Windows"},
    {0x7A, "CP936", "Simplified Chinese (GBK) Windows"},
    {0x7B, "CP932", "Japanese Windows"},
    {0x7C, "CP874", "Thai Windows"},
    {0x7D, "CP1255", "Hebrew Windows"},
    {0x7E, "CP1256", "Arabic Windows"},
    {0x86, "CP737", "Greek OEM"},
    {0x87, "CP852", "Slovenian OEM"},
    {0x88, "CP857", "Turkish OEM"},
    {0x96, "MAC-CYRILLIC", "Russian Macintosh"},
    {0x97, "MAC-CENTRALEUROPE", "Eastern European Macintosh"},
    {0x98, NULL, "Greek Macintosh"},
    {0xC8, "CP1250", "Eastern European Windows"},
    {0xC9, "CP1251", "Russian Windows"},
    {0xCA, "CP1254", "Turkish Windows"},
    {0xCB, "CP1253", "Greek Windows"},
    {0xCC, "CP1257", "Baltic Windows"},
};

const char *pf__dbf_ldid_name(uint8_t ldid, const char **desc) {
  for (size_t i = 0; i < sizeof ldids / sizeof ldids[0]; i++)
    if (ldids[i].id == ldid) {
      if (desc) *desc = ldids[i].desc;
      return ldids[i].name;
    }
  if (desc) *desc = NULL;
  return NULL;
}

static int is_utf8_name(const char *n) {
  return !strcasecmp(n, "UTF-8") || !strcasecmp(n, "UTF8") || !strcasecmp(n, "65001");
}

pf_status pf__dbf_cp_init(pf__dbf_cp *cp, const char *name) {
  char src[sizeof cp->source];
  memcpy(src, cp->source, sizeof src);
  memset(cp, 0, sizeof *cp);
  memcpy(cp->source, src, sizeof src);
  if (is_utf8_name(name)) {
    snprintf(cp->name, sizeof cp->name, "UTF-8");
    cp->utf8 = 1;
    return PF_OK;
  }
  iconv_t cd = iconv_open("UTF-8", name);
  if (cd == (iconv_t)-1) return PF_EINVAL;
  snprintf(cp->name, sizeof cp->name, "%s", name);
  /* single byte? every byte alone converts to one character (or is left
   * undefined); a lead byte of a multi-byte code page gives EINVAL */
  for (int b = 0; b < 256; b++) {
    char in = (char)b, out[8];
    char *ip = &in, *op = out;
    size_t il = 1, ol = sizeof out;
    iconv(cd, NULL, NULL, NULL, NULL);
    size_t rc = iconv(cd, &ip, &il, &op, &ol);
    size_t len = sizeof out - ol;
    if (rc == (size_t)-1 && errno == EINVAL) {
      cp->multibyte = 1;
      break;
    }
    if (rc == (size_t)-1 || len == 0 || len > 3) {
      /* undefined here: the byte's own number (U+0080..U+00FF) */
      cp->undef[b] = 1;
      if (b < 0x80) {
        cp->utf[b][0] = (uint8_t)b;
        cp->len[b] = 1;
      } else {
        cp->utf[b][0] = (uint8_t)(0xC0 | (b >> 6));
        cp->utf[b][1] = (uint8_t)(0x80 | (b & 0x3F));
        cp->len[b] = 2;
      }
      continue;
    }
    memcpy(cp->utf[b], out, len);
    cp->len[b] = (uint8_t)len;
  }
  iconv_close(cd);
  return PF_OK;
}

void pf__dbf_cp_cd_free(void *cd) {
  if (cd) iconv_close((iconv_t)cd);
}

/* Length of the valid UTF-8 sequence at s (n bytes left), 0 if invalid. */
static size_t utf8_seq(const uint8_t *s, size_t n) {
  uint8_t c = s[0];
  if (c < 0x80) return 1;
  size_t len;
  uint32_t cp;
  if (c >= 0xC2 && c <= 0xDF) len = 2, cp = c & 0x1F;
  else if (c >= 0xE0 && c <= 0xEF) len = 3, cp = c & 0x0F;
  else if (c >= 0xF0 && c <= 0xF4) len = 4, cp = c & 0x07;
  else return 0;
  if (n < len) return 0;
  for (size_t i = 1; i < len; i++) {
    if ((s[i] & 0xC0) != 0x80) return 0;
    cp = cp << 6 | (s[i] & 0x3F);
  }
  if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
      (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
    return 0;
  return len;
}

int pf__dbf_is_utf8_text(const uint8_t *s, size_t n) {
  int multi = 0;
  for (size_t i = 0; i < n;) {
    size_t l = utf8_seq(s + i, n - i);
    if (!l) return 0;
    multi |= l > 1;
    i += l;
  }
  return multi;
}

pf_status pf__dbf_cp_decode(const pf__dbf_cp *cp, void **cdp, const uint8_t *in, size_t n,
                            pf__buf *out) {
  if (cp->utf8) {
    for (size_t i = 0; i < n;) {
      size_t l = utf8_seq(in + i, n - i);
      if (!l) return PF_EENCODING;
      i += l;
    }
    return pf__buf_append(out, in, n);
  }
  if (!cp->multibyte) {
    PF_TRY(pf__buf_reserve(out, n * 3 + 1));
    uint8_t *o = out->data + out->len;
    for (size_t i = 0; i < n; i++) {
      uint8_t b = in[i];
      if (b < 0x80 && cp->len[b] == 1 && cp->utf[b][0] == b) {
        *o++ = b;
      } else {
        memcpy(o, cp->utf[b], cp->len[b]);
        o += cp->len[b];
      }
    }
    out->len = (size_t)(o - out->data);
    return PF_OK;
  }
  if (!*cdp) {
    iconv_t cd = iconv_open("UTF-8", cp->name);
    if (cd == (iconv_t)-1) return PF_EENCODING;
    *cdp = cd;
  }
  iconv_t cd = (iconv_t)*cdp;
  iconv(cd, NULL, NULL, NULL, NULL);
  char *ip = (char *)in;
  size_t il = n;
  while (il > 0) {
    PF_TRY(pf__buf_reserve(out, il * 4 + 16));
    char *op = (char *)out->data + out->len;
    size_t ol = out->cap - out->len - 1, before = ol;
    size_t rc = iconv(cd, &ip, &il, &op, &ol);
    out->len += before - ol;
    if (rc == (size_t)-1 && errno != E2BIG) return PF_EENCODING;
  }
  return PF_OK;
}

/* ---- detection ---- */

enum { C_OTHER, C_ALOW, C_AUP, C_LLOW, C_LUP, C_XLOW, C_XUP, C_SYM, C_BOX, C_CTRL };

/* Class of a code point: ASCII letters, Latin letters (L), other-script
 * letters (X: Greek, Cyrillic), symbols, box drawing, controls. */
static int cp_class(uint32_t u) {
  if (u < 0x80) {
    if (u >= 'a' && u <= 'z') return C_ALOW;
    if (u >= 'A' && u <= 'Z') return C_AUP;
    return C_OTHER;
  }
  if (u < 0xA0) return C_CTRL;
  if (u == 0xAA || u == 0xBA || u == 0xB5) return C_LLOW;
  if (u < 0xC0 || u == 0xD7 || u == 0xF7) return C_SYM;
  if (u < 0xDF) return C_LUP;
  if (u < 0x100) return C_LLOW;
  if (u < 0x180) {
    int odd = u & 1;
    if (u <= 0x137 || (u >= 0x14A && u <= 0x177)) return odd ? C_LLOW : C_LUP;
    if (u == 0x178) return C_LUP;
    return odd ? C_LUP : C_LLOW;
  }
  if (u < 0x250) return C_LLOW;
  if (u >= 0x386 && u <= 0x3AB) return C_XUP;
  if (u >= 0x3AC && u <= 0x3CE) return C_XLOW;
  if ((u >= 0x400 && u <= 0x42F) || u == 0x490) return C_XUP;
  if ((u >= 0x430 && u <= 0x45F) || u == 0x491) return C_XLOW;
  if (u >= 0x2500 && u <= 0x25FF) return C_BOX;
  return C_SYM;
}

static int is_letter(int c) { return c >= C_ALOW && c <= C_XUP; }

static uint32_t table_cp(const pf__dbf_cp *cp, uint8_t b) {
  const uint8_t *u = cp->utf[b];
  switch (cp->len[b]) {
    case 1: return u[0];
    case 2: return (uint32_t)(u[0] & 0x1F) << 6 | (u[1] & 0x3F);
    default: return (uint32_t)(u[0] & 0x0F) << 12 | (uint32_t)(u[1] & 0x3F) << 6 | (u[2] & 0x3F);
  }
}

/* Score of decoding sample with a single-byte table. */
static long score_cp(const pf__dbf_cp *cp, const uint8_t *s, size_t n) {
  long score = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] < 0x80) continue;
    if (cp->undef[s[i]]) {
      score -= 50;
      continue;
    }
    int c = cp_class(table_cp(cp, s[i]));
    int pc = i > 0 && s[i - 1] ? cp_class(table_cp(cp, s[i - 1])) : C_OTHER;
    int nc = i + 1 < n && s[i + 1] ? cp_class(table_cp(cp, s[i + 1])) : C_OTHER;
    int in_word = is_letter(pc) && is_letter(nc);
    switch (c) {
      case C_CTRL: score -= 10; break;
      case C_SYM: score -= in_word ? 4 : 0; break;
      case C_BOX: score -= is_letter(pc) || is_letter(nc) ? 4 : 1; break;
      case C_LLOW:
      case C_LUP:
        score += 2;
        if (c == C_LUP && (pc == C_ALOW || pc == C_LLOW)) score -= 3;
        if (pc == C_LLOW || pc == C_LUP) score -= 1;
        if (nc == C_LLOW || nc == C_LUP) score -= 1;
        break;
      case C_XLOW:
      case C_XUP:
        score += 1;
        if (pc == C_ALOW || pc == C_AUP) score -= 4;
        if (nc == C_ALOW || nc == C_AUP) score -= 4;
        if (pc == C_XLOW || pc == C_XUP) score += 2;
        if (nc == C_XLOW || nc == C_XUP) score += 2;
        if (c == C_XUP && pc == C_XLOW) score -= 2;
        break;
      default: break;
    }
  }
  return score;
}

pf_status pf__dbf_cp_detect(pf__dbf_cp *cp, const uint8_t *s, size_t n, const char *declared) {
  int high = 0;
  for (size_t i = 0; i < n && !high; i++) high = s[i] >= 0x80;
  if (!high) {
    const char *name = declared ? declared : "CP1252";
    pf_status st = pf__dbf_cp_init(cp, name);
    snprintf(cp->source, sizeof cp->source, "%s (the text sampled is plain ASCII)",
             declared ? "as declared" : "default");
    return st;
  }
  if (pf__dbf_is_utf8_text(s, n)) {
    pf_status st = pf__dbf_cp_init(cp, "UTF-8");
    snprintf(cp->source, sizeof cp->source, "detected: the text is valid UTF-8");
    return st;
  }
  static const char *const cands[] = {"CP1252", "ISO-8859-1", "CP850", "CP1251", "CP1250"};
  long best = 0;
  int bi = -1;
  pf__dbf_cp *t = malloc(sizeof *t);
  if (!t) return PF_ENOMEM;
  for (int i = 0; i < (int)(sizeof cands / sizeof cands[0]); i++) {
    if (pf__dbf_cp_init(t, cands[i]) != PF_OK) continue;
    long sc = score_cp(t, s, n);
    if (bi < 0 || sc > best) {
      best = sc;
      bi = i;
    }
  }
  free(t);
  pf_status st = pf__dbf_cp_init(cp, bi >= 0 ? cands[bi] : "ISO-8859-1");
  snprintf(cp->source, sizeof cp->source,
           "detected among cp1252, latin-1, cp850, cp1251, cp1250 (use input.encoding to choose)");
  return st;
}

int pf__dbf_cpg_name(const char *text, char *buf, size_t n) {
  while (*text == ' ' || *text == '\t' || *text == '\r' || *text == '\n') text++;
  size_t len = strcspn(text, "\r\n");
  while (len && (text[len - 1] == ' ' || text[len - 1] == '\t')) len--;
  if (len == 0 || len > 40) return 0;
  char t[48];
  memcpy(t, text, len);
  t[len] = 0;
  const char *p = t;
  if (!strncasecmp(p, "ANSI ", 5)) p += 5;
  if (!strncasecmp(p, "CP", 2) && p[2] >= '0' && p[2] <= '9') p += 2;
  int digits = *p != 0;
  for (const char *q = p; *q; q++) digits &= *q >= '0' && *q <= '9';
  if (is_utf8_name(t) || !strcmp(p, "65001")) {
    snprintf(buf, n, "UTF-8");
  } else if (digits) {
    long v = strtol(p, NULL, 10);
    if (v >= 28591 && v <= 28599) snprintf(buf, n, "ISO-8859-%ld", v - 28590);
    else if (v == 88591) snprintf(buf, n, "ISO-8859-1");
    else snprintf(buf, n, "CP%ld", v);
  } else {
    snprintf(buf, n, "%s", t);
  }
  iconv_t cd = is_utf8_name(buf) ? (iconv_t)0 : iconv_open("UTF-8", buf);
  if (cd == (iconv_t)-1) return 0;
  if (cd) iconv_close(cd);
  return 1;
}

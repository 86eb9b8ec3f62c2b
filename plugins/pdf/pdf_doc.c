/* pdf_doc.c - one PDF document over pdfium: opened from the engine's
 * source (random access through host->source_pread when the input has it,
 * else read whole into memory: stdin, compressed inputs), its failures
 * worded for the user, its information entries, a page's text as UTF-8.
 *
 * Checked before pdfium sees the bytes: the "%PDF-" header in the first
 * KiB (else it is no PDF) and the "%%EOF" marker in the last KiB (else the
 * file was cut short: pdfium would rebuild what it can and lose pages
 * without a word, so a truncated file is an error, not a shorter text).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pdf.h"

#define PDF_TAIL 1024
#define PDF_PAD_MAX ((size_t)1 << 20) /* padding skipped at the end, at most */

/* ---- text ---- */

size_t pdf_utf16_to_utf8(const unsigned short *in, size_t n, char *out, int64_t *chars) {
  size_t o = 0;
  int64_t cp_count = 0;
  for (size_t i = 0; i < n; i++) {
    uint32_t c = in[i];
    if (c == 0) continue;
    if (c == 0xFFFE) {
      /* pdfium's mark of a word hyphenated at a line's end, the line joined
       * ("dan\uFFFEgerous"): written as the page shows it, "dan-\ngerous" */
      out[o++] = '-';
      out[o++] = '\n';
      cp_count += 2;
      continue;
    }
    if (c == '\r') {
      if (i + 1 < n && in[i + 1] == '\n') i++;
      c = '\n';
    } else if (c >= 0xD800 && c <= 0xDBFF && i + 1 < n && in[i + 1] >= 0xDC00 &&
               in[i + 1] <= 0xDFFF) {
      c = 0x10000 + ((c - 0xD800) << 10) + (in[i + 1] - 0xDC00);
      i++;
    } else if (c >= 0xD800 && c <= 0xDFFF) {
      c = 0xFFFD;
    }
    cp_count++;
    o += pf_utf8_put(out + o, c);
  }
  *chars = cp_count;
  return o;
}

static int digits(const char *p, int n) {
  for (int i = 0; i < n; i++)
    if (p[i] < '0' || p[i] > '9') return 0;
  return 1;
}

/* D:YYYYMMDDHHmmSSOHH'mm' with everything after the year optional. */
void pdf_date_iso(const char *in, char *out, size_t n) {
  const char *p = in;
  if (p[0] == 'D' && p[1] == ':') p += 2;
  size_t len = strlen(p);
  if (len < 4 || !digits(p, 4)) {
    snprintf(out, n, "%s", in);
    return;
  }
  /* the parts present: year, month, day, hour, minute, second */
  static const char *const def[] = {NULL, "01", "01", "00", "00", "00"};
  char part[6][5];
  size_t at = 4;
  memcpy(part[0], p, 4);
  part[0][4] = 0;
  for (int k = 1; k < 6; k++) {
    if (at + 2 <= len && digits(p + at, 2)) {
      memcpy(part[k], p + at, 2);
      part[k][2] = 0;
      at += 2;
    } else {
      strcpy(part[k], def[k]);
    }
  }
  char zone[8] = "";
  if (at < len && p[at] == 'Z') {
    strcpy(zone, "Z");
  } else if (at < len && (p[at] == '+' || p[at] == '-') && at + 3 <= len &&
             digits(p + at + 1, 2)) {
    const char *m = p + at + 3;
    if (*m == '\'') m++;
    snprintf(zone, sizeof zone, "%c%.2s:%.2s", p[at], p + at + 1, digits(m, 2) ? m : "00");
  }
  snprintf(out, n, "%s-%s-%sT%s:%s:%s%s", part[0], part[1], part[2], part[3], part[4], part[5],
           zone);
}

/* ---- reading the input ---- */

static int get_block(void *param, unsigned long pos, unsigned char *buf, unsigned long size) {
  pdf_doc *d = param;
  size_t done = 0;
  while (done < size) {
    size_t got = 0;
    pf_status st =
        pdf_host->source_pread(d->src, (uint64_t)pos + done, buf + done, size - done, &got,
                               &d->read_err);
    if (st != PF_OK) {
      d->read_st = st;
      return 0;
    }
    if (got == 0) return 0;
    done += got;
  }
  return 1;
}

static pf_status read_all(pdf_doc *d, pf_error *err) {
  size_t cap = (size_t)pdf_host->source_size(d->src) + 1;
  if (cap < 65536) cap = 65536;
  for (;;) {
    if (d->mem_len == cap || !d->mem) {
      size_t ncap = d->mem ? cap * 2 : cap;
      uint8_t *nb = realloc(d->mem, ncap);
      if (!nb) return pdf_host->error_set(err, PF_ENOMEM, "out of memory reading the PDF");
      d->mem = nb;
      cap = ncap;
    }
    size_t got = 0;
    PDF_TRY(pdf_host->source_read(d->src, d->mem + d->mem_len, cap - d->mem_len, &got, err));
    if (got == 0) return PF_OK;
    d->mem_len += got;
  }
}

/* Reads n bytes at off (memory or pread); *got may be short at the end. */
static pf_status peek(pdf_doc *d, uint64_t off, uint8_t *buf, size_t n, size_t *got,
                      pf_error *err) {
  *got = 0;
  if (d->mem) {
    if (off >= d->mem_len) return PF_OK;
    *got = d->mem_len - off < n ? (size_t)(d->mem_len - off) : n;
    memcpy(buf, d->mem + off, *got);
    return PF_OK;
  }
  while (*got < n) {
    size_t g = 0;
    PDF_TRY(pdf_host->source_pread(d->src, off + *got, buf + *got, n - *got, &g, err));
    if (!g) break;
    *got += g;
  }
  return PF_OK;
}

static const void *find(const uint8_t *h, size_t n, const char *needle) {
  size_t k = strlen(needle);
  for (size_t i = 0; i + k <= n; i++)
    if (h[i] == (uint8_t)needle[0] && memcmp(h + i, needle, k) == 0) return h + i;
  return NULL;
}

/* The header and the end-of-file marker. */
static pf_status check_ends(pdf_doc *d, uint64_t size, pf_error *err) {
  uint8_t buf[PDF_TAIL];
  size_t got;
  pdf_host->error_file(err, d->path);
  if (size == 0) return pdf_host->error_set(err, PF_EEMPTY, "the input is empty: no PDF in it");
  PDF_TRY(peek(d, 0, buf, sizeof buf, &got, err));
  if (!find(buf, got, "%PDF-"))
    return pdf_host->error_set(err, PF_EPARSE,
                               "not a PDF document: no %%PDF- header in its first KiB");
  /* the marker ends the last KiB once padding (NUL bytes, white space:
   * some writers fill the file to a block size) is left aside */
  uint64_t end = size;
  size_t n_pad = 0;
  for (;;) {
    uint64_t at = end > PDF_TAIL ? end - PDF_TAIL : 0;
    PDF_TRY(peek(d, at, buf, (size_t)(end - at), &got, err));
    size_t k = got;
    while (k && (buf[k - 1] == 0 || buf[k - 1] == ' ' || buf[k - 1] == '\r' ||
                 buf[k - 1] == '\n' || buf[k - 1] == '\t' || buf[k - 1] == '\f'))
      k--;
    n_pad += got - k;
    end = at + k;
    if (k || at == 0 || n_pad >= PDF_PAD_MAX) break;
  }
  uint64_t at = end > PDF_TAIL ? end - PDF_TAIL : 0;
  PDF_TRY(peek(d, at, buf, (size_t)(end - at), &got, err));
  if (!find(buf, got, "%%EOF"))
    return pdf_host->error_set(err, PF_EPARSE,
                               "the PDF is truncated or damaged: its end-of-file marker (%%%%EOF) "
                               "is not in the last KiB of its %llu bytes; a complete copy "
                               "of the file is needed",
                               (unsigned long long)size);
  return PF_OK;
}

static pf_status load_failed(pdf_doc *d, const char *password, pf_error *err) {
  unsigned long e = d->api->GetLastError();
  if (d->read_st != PF_OK) {
    *err = d->read_err;
    return d->read_st;
  }
  pdf_host->error_file(err, d->path);
  switch (e) {
    case PDFIUM_ERR_PASSWORD:
      if (password && *password)
        return pdf_host->error_set(err, PF_EINPUT,
                                   "the PDF is encrypted and the password given "
                                   "(input.password) does not open it");
      return pdf_host->error_set(err, PF_EINPUT,
                                 "the PDF is encrypted: give its password with input.password");
    case PDFIUM_ERR_SECURITY:
      return pdf_host->error_set(err, PF_EUNSUPPORTED,
                                 "the PDF is protected by a security handler pdfium does not "
                                 "support (not the standard password encryption)");
    case PDFIUM_ERR_FORMAT:
      return pdf_host->error_set(err, PF_EPARSE,
                                 "the PDF is damaged: pdfium cannot parse its structure");
    case PDFIUM_ERR_FILE:
      return pdf_host->error_set(err, PF_EINPUT, "the PDF cannot be read");
    default:
      return pdf_host->error_set(err, PF_EPARSE,
                                 "pdfium cannot open the PDF (its error %lu): it is damaged or "
                                 "no PDF",
                                 e);
  }
}

static pf_status open_locked(pdf_doc *d, const char *password, uint64_t size, pf_error *err) {
  PDF_TRY(pdfium_get(&d->api, err));
  const char *pw = password && *password ? password : NULL;
  if (d->mem) {
    d->doc = d->api->LoadMemDocument64(d->mem, d->mem_len, pw);
  } else {
    d->access.m_FileLen = (unsigned long)size;
    d->access.m_GetBlock = get_block;
    d->access.m_Param = d;
    d->doc = d->api->LoadCustomDocument(&d->access, pw);
  }
  if (!d->doc) return load_failed(d, password, err);
  d->pages = d->api->GetPageCount(d->doc);
  d->security_revision = d->api->GetSecurityHandlerRevision(d->doc);
  d->encrypted = d->security_revision != -1;
  if (!d->api->GetFileVersion(d->doc, &d->version)) d->version = 0;
  pdf_host->error_file(err, d->path);
  if (d->pages < 0) return pdf_host->error_set(err, PF_EPARSE, "the PDF's page tree is damaged");
  if (d->pages == 0) return pdf_host->error_set(err, PF_EEMPTY, "the PDF has no pages");
  return PF_OK;
}

pf_status pdf_doc_open(pdf_doc *d, const pf_reader_env *env, const char *password,
                       pf_error *err) {
  memset(d, 0, sizeof *d);
  d->path = env->path;
  d->security_revision = -1;
  pdf_host->error_init(&d->read_err);
  PDF_TRY(pdf_host->source_open(env, &d->src, err));
  uint8_t probe[8];
  size_t got = 0;
  pf_error perr;
  pdf_host->error_init(&perr);
  pf_status st = pdf_host->source_pread(d->src, 0, probe, sizeof probe, &got, &perr);
  uint64_t size;
  if (st == PF_EUNSUPPORTED) {
    PDF_TRY(read_all(d, err));
    size = d->mem_len;
  } else if (st != PF_OK) {
    *err = perr;
    return st;
  } else {
    size = pdf_host->source_size(d->src);
  }
  PDF_TRY(check_ends(d, size, err));
  pdfium_lock();
  st = open_locked(d, password, size, err);
  pdfium_unlock();
  return st;
}

void pdf_doc_close(pdf_doc *d) {
  if (d->doc) {
    pdfium_lock();
    d->api->CloseDocument(d->doc);
    pdfium_unlock();
  }
  d->doc = NULL;
  if (d->src) pdf_host->source_close(d->src);
  d->src = NULL;
  free(d->mem);
  d->mem = NULL;
  free(d->u16);
  d->u16 = NULL;
}

/* ---- a page's text ---- */

static pf_status page_u16(pdf_doc *d, int index, size_t *units, pf_error *err) {
  *units = 0;
  FPDF_PAGE page = d->api->LoadPage(d->doc, index);
  if (!page) goto damaged;
  FPDF_TEXTPAGE tp = d->api->TextLoadPage(page);
  if (!tp) {
    d->api->ClosePage(page);
    goto damaged;
  }
  int n = d->api->TextCountChars(tp);
  pf_status st = PF_OK;
  if (n > 0) {
    if ((size_t)n + 1 > d->u16_cap) {
      size_t cap = (size_t)n + 1 + 1024;
      unsigned short *nb = realloc(d->u16, cap * sizeof *nb);
      if (!nb) st = pdf_host->error_set(err, PF_ENOMEM, "out of memory");
      else {
        d->u16 = nb;
        d->u16_cap = cap;
      }
    }
    if (st == PF_OK) {
      int w = d->api->TextGetText(tp, 0, n, d->u16);
      *units = w > 0 ? (size_t)w : 0;
    }
  }
  d->api->TextClosePage(tp);
  d->api->ClosePage(page);
  return st;
damaged:
  pdf_host->error_file(err, d->path);
  pdf_host->error_place(err, index + 1, -1, -1, -1);
  return pdf_host->error_set(err, PF_EPARSE, "page %d of the PDF cannot be read: it is damaged",
                             index + 1);
}

pf_status pdf_doc_page_text(pdf_doc *d, int index, char **buf, size_t *len, size_t *cap,
                            int64_t *chars, pf_error *err) {
  size_t units = 0;
  pdfium_lock();
  pf_status st = page_u16(d, index, &units, err);
  pdfium_unlock();
  *chars = 0;
  if (st != PF_OK) return st;
  size_t need = *len + units * 3 + 1;
  if (need > *cap) {
    size_t ncap = need > *cap * 2 ? need : *cap * 2;
    char *nb = realloc(*buf, ncap);
    if (!nb) return pdf_host->error_set(err, PF_ENOMEM, "out of memory");
    *buf = nb;
    *cap = ncap;
  }
  *len += pdf_utf16_to_utf8(d->u16, units, *buf + *len, chars);
  return PF_OK;
}

void pdf_doc_meta(pdf_doc *d, const char *tag, char *out, size_t n) {
  out[0] = 0;
  if (n == 0) return;
  /* pdfium writes nothing into a buffer too small: ask the size first */
  pdfium_lock();
  unsigned long need = d->api->GetMetaText(d->doc, tag, NULL, 0);
  unsigned short *u16 = need >= 2 && need < (1u << 24) ? malloc(need) : NULL;
  unsigned long got = u16 ? d->api->GetMetaText(d->doc, tag, u16, need) : 0;
  pdfium_unlock();
  size_t units = got >= 2 && got <= need ? got / 2 : 0;
  char *tmp = units ? malloc(units * 3 + 1) : NULL;
  size_t k = 0;
  if (tmp) {
    int64_t chars;
    k = pdf_utf16_to_utf8(u16, units, tmp, &chars);
  }
  free(u16);
  /* trimmed; a longer text is cut at a character boundary */
  while (k && (tmp[k - 1] == ' ' || tmp[k - 1] == '\n')) k--;
  size_t s = 0;
  while (s < k && tmp[s] == ' ') s++;
  size_t m = k - s < n - 1 ? k - s : n - 1;
  while (m < k - s && m > 0 && ((unsigned char)tmp[s + m] & 0xC0) == 0x80) m--;
  if (m) memcpy(out, tmp + s, m);
  out[m] = 0;
  free(tmp);
}

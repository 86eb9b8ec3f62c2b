/* gen_pdf.c - the PDF sample: a multi-page sales report (PDF 1.4) in the
 * standard-14 fonts Helvetica, Helvetica-Bold and Courier with
 * WinAnsiEncoding: a title, a subtitle, sixty order lines per page and a
 * page footer; an /Info dictionary with a fixed date. Content streams are
 * not compressed (the bytes do not depend on a compressor), objects are
 * written front to back and the cross-reference table at the end. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "samples/samples.h"

#define SEED 0x9DF5A1E5ull
#define LINES 60
#define PAGE_BYTES 6500 /* about what one page takes */

/* UTF-8 text as a PDF literal string in WinAnsi: ( ) \ escaped, Latin-1
 * letters as octal escapes, anything else '?'. */
static pf_status pdf_text(pf__buf *b, const char *s) {
  PF_TRY(pf__buf_putc(b, '('));
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p == '(' || *p == ')' || *p == '\\') {
      PF_TRY(pf__buf_putc(b, '\\'));
      PF_TRY(pf__buf_putc(b, *p));
    } else if (*p < 0x80) {
      PF_TRY(pf__buf_putc(b, *p));
    } else if ((*p == 0xC2 || *p == 0xC3) && (p[1] & 0xC0) == 0x80) {
      unsigned cp = ((unsigned)(*p & 0x1F) << 6) | (p[1] & 0x3F);
      PF_TRY(pf__buf_printf(b, "\\%03o", cp));
      p++;
    } else {
      PF_TRY(pf__buf_putc(b, '?'));
      while ((p[1] & 0xC0) == 0x80) p++;
    }
  }
  return pf__buf_putc(b, ')');
}

static pf_status page_content(pf__buf *b, uint64_t page, uint64_t pages) {
  b->len = 0;
  PF_TRY(pf__buf_puts(b, "BT /F2 16 Tf 50 750 Td (PyForge sample sales report) Tj ET\n"));
  PF_TRY(pf__buf_printf(b, "BT /F1 10 Tf 50 732 Td (Orders %llu to %llu, amounts in each order's "
                           "currency) Tj ET\n",
                        (unsigned long long)(100000 + page * LINES),
                        (unsigned long long)(100000 + page * LINES + LINES - 1)));
  PF_TRY(pf__buf_puts(b, "BT /F3 8 Tf 10 TL 50 705 Td\n"));
  for (uint64_t k = 0; k < LINES; k++) {
    pf__sample_order o;
    pf__sample_order_make(SEED, page * LINES + k, &o);
    char date[11], amount[32], line[256];
    pf__sample_date(o.day, date);
    pf__sample_money(pf__sample_order_cents(&o), amount);
    snprintf(line, sizeof line, "%llu  %s  %-20.20s %-22s %3s %12s  %s", (unsigned long long)o.id, date,
             o.country, o.customer, o.currency, amount, o.status);
    PF_TRY(pdf_text(b, line));
    PF_TRY(pf__buf_puts(b, " Tj T*\n"));
  }
  PF_TRY(pf__buf_puts(b, "ET\n"));
  return pf__buf_printf(b, "BT /F1 9 Tf 270 30 Td (Page %llu of %llu) Tj ET\n",
                        (unsigned long long)page + 1, (unsigned long long)pages);
}

typedef struct pdfw {
  pf__sample_file *f;
  uint64_t *offsets; /* by object number */
} pdfw;

static pf_status obj(pdfw *w, uint64_t num, const char *body, pf_error *err) {
  w->offsets[num] = w->f->bytes;
  return pf__sample_printf(w->f, err, "%llu 0 obj\n%s\nendobj\n", (unsigned long long)num, body);
}

static pf_status pages(pdfw *w, uint64_t n, pf_error *err) {
  pf__buf b;
  pf__buf_init(&b, 0);
  char body[256];
  pf_status st = PF_OK;
  for (uint64_t p = 0; st == PF_OK && p < n; p++) {
    uint64_t pg = 7 + 2 * p;
    snprintf(body, sizeof body,
             "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R "
             "/F2 4 0 R /F3 5 0 R >> >> /Contents %llu 0 R >>",
             (unsigned long long)pg + 1);
    st = obj(w, pg, body, err);
    if (st == PF_OK && page_content(&b, p, n) != PF_OK) st = pf__error_set(err, PF_ENOMEM, "out of memory");
    if (st != PF_OK) break;
    w->offsets[pg + 1] = w->f->bytes;
    st = pf__sample_printf(w->f, err, "%llu 0 obj\n<< /Length %zu >>\nstream\n", (unsigned long long)pg + 1, b.len);
    if (st == PF_OK) st = pf__sample_write(w->f, b.data, b.len, err);
    if (st == PF_OK) st = pf__sample_puts(w->f, "endstream\nendobj\n", err);
  }
  pf__buf_free(&b);
  return st;
}

static pf_status page_tree(pdfw *w, uint64_t n, pf_error *err) {
  w->offsets[2] = w->f->bytes;
  PF_TRY(pf__sample_puts(w->f, "2 0 obj\n<< /Type /Pages /Kids [", err));
  for (uint64_t p = 0; p < n; p++)
    PF_TRY(pf__sample_printf(w->f, err, "%s%llu 0 R", p % 16 ? " " : "\n", (unsigned long long)(7 + 2 * p)));
  return pf__sample_printf(w->f, err, "\n] /Count %llu >>\nendobj\n", (unsigned long long)n);
}

static pf_status xref(pdfw *w, uint64_t n_objs, pf_error *err) {
  uint64_t at = w->f->bytes;
  PF_TRY(pf__sample_printf(w->f, err, "xref\n0 %llu\n0000000000 65535 f \n", (unsigned long long)n_objs));
  for (uint64_t i = 1; i < n_objs; i++)
    PF_TRY(pf__sample_printf(w->f, err, "%010llu 00000 n \n", (unsigned long long)w->offsets[i]));
  return pf__sample_printf(w->f, err,
                           "trailer\n<< /Size %llu /Root 1 0 R /Info 6 0 R >>\nstartxref\n%llu\n%%%%EOF\n",
                           (unsigned long long)n_objs, (unsigned long long)at);
}

pf_status pf__gen_pdf(pf__sample_set *set, const char *dir, uint64_t target, pf_error *err) {
  char rel[256];
  snprintf(rel, sizeof rel, "%s/orders_report.pdf", dir);
  uint64_t n = target / PAGE_BYTES ? target / PAGE_BYTES : 1, n_objs = 7 + 2 * n;
  pdfw w = {NULL, calloc(n_objs, sizeof(uint64_t))};
  if (!w.offsets) return pf__error_set(err, PF_ENOMEM, "out of memory");
  pf_status st = pf__sample_open(set, rel, &w.f, err);
  if (st == PF_OK) st = pf__sample_puts(w.f, "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n", err);
  if (st == PF_OK) st = obj(&w, 1, "<< /Type /Catalog /Pages 2 0 R >>", err);
  if (st == PF_OK)
    st = obj(&w, 3, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>", err);
  if (st == PF_OK)
    st = obj(&w, 4, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
             err);
  if (st == PF_OK)
    st = obj(&w, 5, "<< /Type /Font /Subtype /Type1 /BaseFont /Courier /Encoding /WinAnsiEncoding >>", err);
  if (st == PF_OK)
    st = obj(&w, 6,
             "<< /Title (PyForge sample sales report) /Author (PyForge) /Subject (Generated sample "
             "data) /Creator (pyforge install sample-datasets) /Producer (PyForge) /CreationDate "
             "(D:20240101000000Z) /ModDate (D:20240101000000Z) >>",
             err);
  if (st == PF_OK) st = pages(&w, n, err);
  if (st == PF_OK) st = page_tree(&w, n, err);
  if (st == PF_OK) st = xref(&w, n_objs, err);
  free(w.offsets);
  return st;
}

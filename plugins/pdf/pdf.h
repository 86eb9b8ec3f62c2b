/* pdf.h - the PDF plugin's parts: text of PDF pages over pdfium, loaded at
 * run time (the libpdfium.so that the pypdfium2 wheel ships), written
 * against pyforge/plugin.h only. docs/pdf.md describes what users see.
 *
 *   pdf_plugin.c   the entry point, option keys, reader and writer glue,
 *                  the pre-convert hook that makes .pdf -> .txt the default
 *   pdfium_load.c  finding libpdfium.so, dlopen/dlsym, the one lock
 *   pdf_doc.c      one document: opening it from the engine's source,
 *                  errors, metadata, a page's text as UTF-8
 *   pdf_read.c     the reader: pages selected (pdf.pages), batches of
 *                  pages (page, text, char_count), warnings, info
 *   pdf_txt.c      the txt writer: the text of each page, optionally
 *                  between the original CLI's "--- Page N ---" markers
 *
 * pdfium is not thread-safe, not even across documents: every call into it
 * is made with pdfium_lock() held (one document at a time per process).
 */
#ifndef PF_PLUGIN_PDF_H
#define PF_PLUGIN_PDF_H

#include <stddef.h>
#include <stdint.h>

#include "pyforge/plugin.h"

extern const pf_host *pdf_host; /* set by pyforge_plugin_init */

#define PDF_TRY(expr)                    \
  do {                                   \
    pf_status pdf_st_ = (expr);          \
    if (pdf_st_ != PF_OK) return pdf_st_; \
  } while (0)

/* ---- pdfium, loaded at run time (pdfium_load.c) ----
 * Our own declarations of the few functions of pdfium's public C API
 * (fpdfview.h, fpdf_text.h, fpdf_doc.h) the plugin calls. */
typedef void *FPDF_DOCUMENT;
typedef void *FPDF_PAGE;
typedef void *FPDF_TEXTPAGE;

typedef struct FPDF_FILEACCESS {
  unsigned long m_FileLen;
  int (*m_GetBlock)(void *param, unsigned long position, unsigned char *buf,
                    unsigned long size);
  void *m_Param;
} FPDF_FILEACCESS;

/* FPDF_GetLastError() values */
enum {
  PDFIUM_ERR_SUCCESS = 0,
  PDFIUM_ERR_UNKNOWN = 1,
  PDFIUM_ERR_FILE = 2,
  PDFIUM_ERR_FORMAT = 3,
  PDFIUM_ERR_PASSWORD = 4,
  PDFIUM_ERR_SECURITY = 5,
  PDFIUM_ERR_PAGE = 6
};

typedef struct pdfium_api {
  void (*InitLibrary)(void);
  void (*DestroyLibrary)(void);
  FPDF_DOCUMENT (*LoadCustomDocument)(FPDF_FILEACCESS *file, const char *password);
  FPDF_DOCUMENT (*LoadMemDocument64)(const void *data, size_t size, const char *password);
  unsigned long (*GetLastError)(void);
  void (*CloseDocument)(FPDF_DOCUMENT doc);
  int (*GetPageCount)(FPDF_DOCUMENT doc);
  FPDF_PAGE (*LoadPage)(FPDF_DOCUMENT doc, int index);
  void (*ClosePage)(FPDF_PAGE page);
  FPDF_TEXTPAGE (*TextLoadPage)(FPDF_PAGE page);
  void (*TextClosePage)(FPDF_TEXTPAGE tp);
  int (*TextCountChars)(FPDF_TEXTPAGE tp);
  int (*TextGetText)(FPDF_TEXTPAGE tp, int start, int count, unsigned short *out);
  unsigned long (*GetMetaText)(FPDF_DOCUMENT doc, const char *tag, void *buf,
                               unsigned long buflen);
  int (*GetSecurityHandlerRevision)(FPDF_DOCUMENT doc);
  int (*GetFileVersion)(FPDF_DOCUMENT doc, int *version);
} pdfium_api;

/* At init: finds libpdfium.so (PYFORGE_PDFIUM, beside the plugin, the
 * pypdfium2_raw package of the Pythons on PATH, VIRTUAL_ENV, CONDA_PREFIX,
 * ~/.local, LD_LIBRARY_PATH, /usr/local/lib, /usr/lib) without loading it.
 * 1: found (pdfium_path()); 0: not (pdfium_missing() says where it looked
 * and how to get it). */
int pdfium_locate(void);
const char *pdfium_path(void);
const char *pdfium_missing(void);
/* Loads and initialises pdfium once (the first document opened); later
 * calls return the same table. With pdfium_lock() held. PF_EUNSUPPORTED
 * with how to get it when it is missing or cannot be loaded. */
pf_status pdfium_get(const pdfium_api **api, pf_error *err);
/* Every pdfium call is made between these (pdfium is not thread-safe). */
void pdfium_lock(void);
void pdfium_unlock(void);
/* At shutdown: FPDF_DestroyLibrary and dlclose when loaded. */
void pdfium_unload(void);

/* ---- one document (pdf_doc.c) ---- */
typedef struct pdf_doc {
  const pdfium_api *api;
  FPDF_DOCUMENT doc;
  pf_source *src;          /* the engine's source                         */
  uint8_t *mem;            /* the whole input when it has no random access */
  size_t mem_len;
  FPDF_FILEACCESS access;  /* random access through host->source_pread    */
  pf_status read_st;       /* a read failure inside m_GetBlock            */
  pf_error read_err;
  int pages;               /* FPDF_GetPageCount                           */
  int encrypted;           /* a security handler is present               */
  int security_revision;   /* -1 when not encrypted                       */
  int version;             /* 14 for PDF 1.4; 0 unknown                   */
  const char *path;        /* for messages                                */
  unsigned short *u16;     /* scratch: a page's UTF-16 text               */
  size_t u16_cap;
} pdf_doc;

/* Opens the reader's input as a PDF with password (may be NULL or "").
 * Takes pdfium_lock() itself. Errors: PF_EUNSUPPORTED (pdfium missing),
 * PF_EINPUT (encrypted: password needed or wrong; unsupported security),
 * PF_EPARSE (not a PDF, damaged, truncated), PF_EEMPTY (no pages). */
pf_status pdf_doc_open(pdf_doc *d, const pf_reader_env *env, const char *password,
                       pf_error *err);
void pdf_doc_close(pdf_doc *d);
/* Page index (0-based) as UTF-8 text appended to *buf (grown; line breaks
 * as \n); *chars: the code points it holds. Takes the lock itself. */
pf_status pdf_doc_page_text(pdf_doc *d, int index, char **buf, size_t *len, size_t *cap,
                            int64_t *chars, pf_error *err);
/* A document information entry ("Title", "CreationDate", ...) as UTF-8
 * into out (n bytes; "" when absent). Takes the lock itself. */
void pdf_doc_meta(pdf_doc *d, const char *tag, char *out, size_t n);

/* ---- text helpers (pdf_doc.c) ---- */
/* UTF-16LE code units -> UTF-8 into out (room: 3 bytes per unit), \r\n
 * and lone \r -> \n, NUL dropped, unpaired surrogates -> U+FFFD, pdfium's
 * U+FFFE (a line-end hyphen whose line it joined) -> "-\n". Returns the
 * bytes written; *chars the code points. */
size_t pdf_utf16_to_utf8(const unsigned short *in, size_t n, char *out, int64_t *chars);
/* A PDF date ("D:20240115134530+01'00'") as ISO 8601
 * ("2024-01-15T13:45:30+01:00"); text that is no PDF date is copied. */
void pdf_date_iso(const char *in, char *out, size_t n);

/* ---- page selection (pdf_read.c) ----
 * pdf.pages: "5", "1-10", "5-", "-10", or several joined by commas, 1-based
 * and inclusive. Fills sel[0..pages) with 1 for the pages chosen. An end
 * past the last page is cut to it; a start past it, a reversed range or
 * text that is no range: PF_EINVAL naming pdf.pages. */
pf_status pdf_pages_parse(const char *spec, int pages, uint8_t *sel, pf_error *err);

/* ---- the reader (pdf_read.c) ---- */
typedef struct pdf_reader pdf_reader;
pf_status pdf_reader_open(const pf_reader_env *env, pdf_reader **out, pf_error *err);
const pf_schema *pdf_reader_schema(const pdf_reader *r);
pf_status pdf_reader_next(pdf_reader *r, pf_batch **out, pf_error *err);
pf_status pdf_reader_rewind(pdf_reader *r, pf_error *err);
pf_status pdf_reader_info(pdf_reader *r, pf_info *info, pf_error *err);
size_t pdf_reader_warnings(pdf_reader *r, const char *const **out);
void pdf_reader_stats(const pdf_reader *r, pf_reader_stats *out);
void pdf_reader_close(pdf_reader *r);

/* The reader's columns. */
#define PDF_COL_PAGE "page"
#define PDF_COL_TEXT "text"
#define PDF_COL_CHARS "char_count"

/* ---- the txt writer (pdf_txt.c) ---- */
extern const pf_writer_def pdf_txt_writer;

#endif

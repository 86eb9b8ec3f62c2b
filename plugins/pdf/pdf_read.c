/* pdf_read.c - the PDF reader: one row per page selected (pdf.pages), in
 * page order, with the page number, its text (UTF-8, lines joined by \n,
 * in the order pdfium's text page gives: reading order for ordinary
 * documents) and its length in characters.
 *
 * Pages are read one after another under pdfium's lock: pdfium is not
 * thread-safe, not even for two documents, so the engine's pool does not
 * help here (bench/bench_pdf.py measures the one thread against pypdf and
 * pdfplumber). A batch ends after PDF_BATCH_PAGES pages or when its text
 * passes the engine's data budget, so memory stays bounded whatever the
 * page count.
 *
 * A page without text (a scanned image, a blank page) gives empty text;
 * once the input is read the reader says which pages they were, in one
 * warning.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pdf.h"

#define PDF_BATCH_PAGES 256
#define PDF_WARN_RANGES 40

struct pdf_reader {
  const pf_reader_env *env;
  pdf_doc doc;
  uint8_t *sel;            /* per page: selected                          */
  int64_t n_sel;
  int next_page;           /* 0-based: where next() goes on               */
  int all_strings;
  pf_schema *schema;
  pf_batch *batch;
  char *text;              /* a page's text                               */
  size_t text_len, text_cap;
  int *blank;              /* pages (1-based) without text                */
  size_t n_blank, cap_blank;
  int64_t pages_read;
  char *warning;           /* the blank pages' warning, when read through */
  const char *warnings[1];
};

/* ---- pdf.pages ---- */

static int parse_num(const char **p, const char *end, long *out) {
  const char *s = *p;
  long v = 0;
  while (s < end && *s == ' ') s++;
  const char *d = s;
  while (s < end && *s >= '0' && *s <= '9') {
    if (v > 100000000) return 0;
    v = v * 10 + (*s - '0');
    s++;
  }
  if (s == d) return 0;
  while (s < end && *s == ' ') s++;
  *p = s;
  *out = v;
  return 1;
}

static pf_status bad_pages(const char *spec, int pages, const char *why, pf_error *err) {
  return pdf_host->error_set(err, PF_EINVAL,
                             "pdf.pages=%s: %s (pages are 5, 1-10, 5-, -10 or several joined by "
                             "commas, from 1 to %d in this document)",
                             spec, why, pages);
}

pf_status pdf_pages_parse(const char *spec, int pages, uint8_t *sel, pf_error *err) {
  memset(sel, 0, (size_t)pages);
  const char *p = spec;
  int any = 0;
  for (;;) {
    const char *end = p + strcspn(p, ",");
    const char *q = p;
    long a = 1, b = pages;
    const char *dash = memchr(p, '-', (size_t)(end - p));
    if (dash) {
      const char *r = dash + 1;
      int has_a = 0, has_b = 0;
      if (q < dash) {
        has_a = parse_num(&q, dash, &a);
        if (!has_a || q != dash) return bad_pages(spec, pages, "not a page range", err);
      }
      while (r < end && *r == ' ') r++;
      if (r < end) {
        has_b = parse_num(&r, end, &b);
        if (!has_b || r != end) return bad_pages(spec, pages, "not a page range", err);
      }
      if (!has_a && !has_b) return bad_pages(spec, pages, "a range needs a first or last page", err);
    } else {
      if (!parse_num(&q, end, &a) || q != end) return bad_pages(spec, pages, "not a page number", err);
      b = a;
    }
    if (a < 1 || b < 1) return bad_pages(spec, pages, "pages count from 1", err);
    if (b < a) return bad_pages(spec, pages, "the range ends before it starts", err);
    if (a > pages) {
      char why[96];
      snprintf(why, sizeof why, "page %ld is past the last page, %d", a, pages);
      return bad_pages(spec, pages, why, err);
    }
    if (b > pages) b = pages; /* "1-10" of a 3-page document: pages 1 to 3 */
    for (long i = a; i <= b; i++) sel[i - 1] = 1;
    any = 1;
    if (!*end) break;
    p = end + 1;
  }
  return any ? PF_OK : bad_pages(spec, pages, "no pages", err);
}

/* ---- schema and batches ---- */

static pf_status build_schema(pdf_reader *r, pf_error *err) {
  pf_type num = r->all_strings ? PF_TYPE_STRING : PF_TYPE_INT64;
  r->schema = pdf_host->schema_new(3);
  if (!r->schema || pdf_host->schema_set(r->schema, 0, PDF_COL_PAGE, num, 0) != PF_OK ||
      pdf_host->schema_set(r->schema, 1, PDF_COL_TEXT, PF_TYPE_STRING, 0) != PF_OK ||
      pdf_host->schema_set(r->schema, 2, PDF_COL_CHARS, num, 0) != PF_OK)
    return pdf_host->error_set(err, PF_ENOMEM, "out of memory");
  return PF_OK;
}

static pf_status set_num(pdf_reader *r, pf_column *c, size_t row, int64_t v) {
  if (!r->all_strings) {
    pf_col_set_i64(c, row, v);
    return PF_OK;
  }
  char t[24];
  int n = snprintf(t, sizeof t, "%lld", (long long)v);
  return pf_col_push_str(pdf_host, c, row, t, (size_t)n);
}

static int is_blank(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (s[i] != ' ' && s[i] != '\n' && s[i] != '\t' && s[i] != '\f') return 0;
  return 1;
}

static pf_status note_blank(pdf_reader *r, int page, pf_error *err) {
  if (r->n_blank == r->cap_blank) {
    size_t cap = r->cap_blank ? r->cap_blank * 2 : 16;
    int *nb = realloc(r->blank, cap * sizeof *nb);
    if (!nb) return pdf_host->error_set(err, PF_ENOMEM, "out of memory");
    r->blank = nb;
    r->cap_blank = cap;
  }
  r->blank[r->n_blank++] = page;
  return PF_OK;
}

/* One page as row `row` of the batch. */
static pf_status add_page(pdf_reader *r, int index, size_t row, pf_error *err) {
  pf_batch *b = r->batch;
  int64_t chars = 0;
  r->text_len = 0;
  PDF_TRY(pdf_doc_page_text(&r->doc, index, &r->text, &r->text_len, &r->text_cap, &chars, err));
  if (is_blank(r->text, r->text_len)) PDF_TRY(note_blank(r, index + 1, err));
  pf_status st = set_num(r, &b->cols[0], row, index + 1);
  if (st == PF_OK) st = pf_col_push_str(pdf_host, &b->cols[1], row, r->text, r->text_len);
  if (st == PF_OK) st = set_num(r, &b->cols[2], row, chars);
  if (st == PF_ELIMIT) {
    pdf_host->error_file(err, r->env->path);
    pdf_host->error_place(err, index + 1, -1, -1, -1);
    return pdf_host->error_set(err, st, "page %d: its text passes the batch limit", index + 1);
  }
  if (st != PF_OK) return pdf_host->error_set(err, st, "out of memory");
  return PF_OK;
}

/* "3, 7-9, 12" (at most PDF_WARN_RANGES ranges, then "..."). */
static pf_status make_warning(pdf_reader *r, pf_error *err) {
  if (!r->n_blank || r->warning) return PF_OK;
  size_t cap = 160 + (PDF_WARN_RANGES + 1) * 24;
  r->warning = malloc(cap);
  if (!r->warning) return pdf_host->error_set(err, PF_ENOMEM, "out of memory");
  int k = snprintf(r->warning, cap,
                   "%zu of %lld pages have no text (scanned images or blank pages: their text is "
                   "empty): page%s ",
                   r->n_blank, (long long)r->n_sel, r->n_blank > 1 ? "s" : "");
  size_t ranges = 0;
  for (size_t i = 0; i < r->n_blank && k > 0 && (size_t)k < cap - 32;) {
    size_t j = i;
    while (j + 1 < r->n_blank && r->blank[j + 1] == r->blank[j] + 1) j++;
    if (++ranges > PDF_WARN_RANGES) {
      k += snprintf(r->warning + k, cap - (size_t)k, ", ...");
      break;
    }
    k += snprintf(r->warning + k, cap - (size_t)k, i ? ", %d" : "%d", r->blank[i]);
    if (j > i) k += snprintf(r->warning + k, cap - (size_t)k, "-%d", r->blank[j]);
    i = j + 1;
  }
  return PF_OK;
}

pf_status pdf_reader_next(pdf_reader *r, pf_batch **out, pf_error *err) {
  *out = NULL;
  int pages = r->doc.pages;
  while (r->next_page < pages && !r->sel[r->next_page]) r->next_page++;
  if (r->next_page >= pages) return make_warning(r, err);
  if (!r->batch) PDF_TRY(pdf_host->batch_create(r->schema, PDF_BATCH_PAGES, &r->batch) == PF_OK
                             ? PF_OK
                             : pdf_host->error_set(err, PF_ENOMEM, "out of memory"));
  else PDF_TRY(pdf_host->batch_reset(r->batch, r->schema));
  pf_batch *b = r->batch;
  b->first_row = r->pages_read;
  size_t row = 0;
  while (row < PDF_BATCH_PAGES && r->next_page < pages &&
         b->cols[1].data_len < PF_BATCH_DATA_BUDGET) {
    if (!r->sel[r->next_page]) {
      r->next_page++;
      continue;
    }
    if (pdf_host->canceled(r->env->opts))
      return pdf_host->error_set(err, PF_ECANCELED, "canceled");
    PDF_TRY(add_page(r, r->next_page, row, err));
    row++;
    r->next_page++;
  }
  b->n_rows = row;
  r->pages_read += (int64_t)row;
  *out = b;
  return PF_OK;
}

pf_status pdf_reader_rewind(pdf_reader *r, pf_error *err) {
  (void)err;
  r->next_page = 0;
  r->pages_read = 0;
  r->n_blank = 0;
  free(r->warning);
  r->warning = NULL;
  return PF_OK;
}

/* ---- open, info, close ---- */

pf_status pdf_reader_open(const pf_reader_env *env, pdf_reader **out, pf_error *err) {
  pdf_reader *r = calloc(1, sizeof *r);
  *out = r;
  if (!r) return pdf_host->error_set(err, PF_ENOMEM, "out of memory");
  r->env = env;
  r->all_strings = pdf_host->option_int(env->opts, "input.all_strings", 0) != 0;
  const char *password = pdf_host->option_text(env->opts, "input.password");
  PDF_TRY(pdf_doc_open(&r->doc, env, password, err));
  r->sel = malloc((size_t)r->doc.pages);
  if (!r->sel) return pdf_host->error_set(err, PF_ENOMEM, "out of memory");
  const char *spec = pdf_host->option_text(env->opts, "pdf.pages");
  if (spec && *spec) {
    PDF_TRY(pdf_pages_parse(spec, r->doc.pages, r->sel, err));
  } else {
    memset(r->sel, 1, (size_t)r->doc.pages);
  }
  for (int i = 0; i < r->doc.pages; i++) r->n_sel += r->sel[i];
  return build_schema(r, err);
}

const pf_schema *pdf_reader_schema(const pdf_reader *r) { return r->schema; }

static pf_status prop(pf_info *info, const char *key, const char *value, pf_error *err) {
  if (pdf_host->info_prop(info, key, value) != PF_OK)
    return pdf_host->error_set(err, PF_ENOMEM, "out of memory");
  return PF_OK;
}

pf_status pdf_reader_info(pdf_reader *r, pf_info *info, pf_error *err) {
  /* the document information dictionary, under the original CLI's names */
  static const char *const tags[][2] = {
      {"Title", "title"},       {"Author", "author"},   {"Subject", "subject"},
      {"Keywords", "keywords"}, {"Creator", "creator"}, {"Producer", "producer"},
      {"CreationDate", "creation_date"}, {"ModDate", "modification_date"}};
  char v[1024], iso[1100];
  for (size_t i = 0; i < sizeof tags / sizeof tags[0]; i++) {
    pdf_doc_meta(&r->doc, tags[i][0], v, sizeof v);
    if (!v[0]) continue;
    if (strstr(tags[i][1], "date")) {
      pdf_date_iso(v, iso, sizeof iso);
      PDF_TRY(prop(info, tags[i][1], iso, err));
    } else {
      PDF_TRY(prop(info, tags[i][1], v, err));
    }
  }
  snprintf(v, sizeof v, "%d", r->doc.pages);
  PDF_TRY(prop(info, "page_count", v, err));
  if (r->n_sel != r->doc.pages) {
    snprintf(v, sizeof v, "%lld (pdf.pages)", (long long)r->n_sel);
    PDF_TRY(prop(info, "pages_selected", v, err));
  }
  if (r->doc.encrypted)
    snprintf(v, sizeof v, "yes (standard security handler, revision %d)",
             r->doc.security_revision);
  else
    snprintf(v, sizeof v, "no");
  PDF_TRY(prop(info, "encrypted", v, err));
  if (r->doc.version > 0) {
    snprintf(v, sizeof v, "%d.%d", r->doc.version / 10, r->doc.version % 10);
    PDF_TRY(prop(info, "pdf_version", v, err));
  }
  snprintf(v, sizeof v, "pdfium (%s)", pdfium_path());
  PDF_TRY(prop(info, "text_engine", v, err));
  info->rows = r->n_sel;
  return PF_OK;
}

size_t pdf_reader_warnings(pdf_reader *r, const char *const **out) {
  r->warnings[0] = r->warning;
  *out = r->warnings;
  return r->warning ? 1 : 0;
}

void pdf_reader_stats(const pdf_reader *r, pf_reader_stats *out) {
  uint64_t size = r->doc.src ? pdf_host->source_size(r->doc.src) : r->doc.mem_len;
  out->bytes_total = size;
  out->bytes_read = size;
  out->progress_done =
      r->n_sel ? (uint64_t)((double)size * (double)r->pages_read / (double)r->n_sel) : size;
  out->rows_rejected = 0;
}

void pdf_reader_close(pdf_reader *r) {
  if (!r) return;
  pdf_doc_close(&r->doc);
  if (r->batch) pdf_host->batch_free(r->batch);
  if (r->schema) pdf_host->schema_free(r->schema);
  free(r->sel);
  free(r->text);
  free(r->blank);
  free(r->warning);
  free(r);
}

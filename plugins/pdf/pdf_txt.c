/* pdf_txt.c - the txt writer: the text of a PDF's pages in one UTF-8 file,
 * as the original PyForge CLI wrote it (its default output for PDFs).
 *
 * It takes the rows the PDF reader gives (page, text, ...): each page's
 * text with its lines ended by \n, pages separated by a blank line, pages
 * without text left out. With pdf.metadata (-m) each page sits between
 * the original's markers:
 *
 *   <blank line>
 *   --- Page 3 ---
 *   <blank line>
 *   text of page 3
 *   <blank line>
 *   --- End Page 3 ---
 *   <blank line>
 *
 * (the original joined "\n--- Page N ---\n", the text and "\n--- End Page N
 * ---\n" with "\n"; this writer writes the same bytes). Any other input's
 * rows are refused: txt is the text of PDF documents, not a table format.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pdf.h"

typedef struct txt_writer {
  const pf_writer_env *env;
  int page_col, text_col;
  int markers;   /* pdf.metadata                                          */
  int first;     /* nothing written yet (pieces are joined by "\n")        */
} txt_writer;

static int find_col(const pf_schema *s, const char *name) {
  for (size_t i = 0; i < s->n_fields; i++)
    if (strcmp(s->fields[i].name, name) == 0) return (int)i;
  return -1;
}

static pf_status txt_open(const pf_writer_env *env, void **state, pf_error *err) {
  *state = NULL;
  int page = find_col(env->schema, PDF_COL_PAGE);
  int text = find_col(env->schema, PDF_COL_TEXT);
  if (page < 0 || text < 0 || env->schema->fields[text].type != PF_TYPE_STRING ||
      (env->schema->fields[page].type != PF_TYPE_INT64 &&
       env->schema->fields[page].type != PF_TYPE_STRING))
    return pdf_host->error_set(err, PF_EINVAL,
                               "output.format=txt is the text output of PDF documents (the "
                               "original PyForge CLI's default for them); this input is a table: "
                               "convert it to parquet (the default) or delta");
  txt_writer *w = calloc(1, sizeof *w);
  if (!w) return pdf_host->error_set(err, PF_ENOMEM, "out of memory");
  w->env = env;
  w->page_col = page;
  w->text_col = text;
  w->markers = pdf_host->option_int(env->opts, "pdf.metadata", 0) != 0;
  w->first = 1;
  *state = w;
  return PF_OK;
}

/* One piece of the original's "\n".join(pieces). */
static pf_status piece(txt_writer *w, const char *p, size_t n, int add_newline, pf_error *err) {
  if (!w->first) PDF_TRY(pdf_host->output_write(w->env->out, "\n", 1, err));
  w->first = 0;
  if (n) PDF_TRY(pdf_host->output_write(w->env->out, p, n, err));
  if (add_newline) PDF_TRY(pdf_host->output_write(w->env->out, "\n", 1, err));
  return PF_OK;
}

static int blank(const uint8_t *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (s[i] != ' ' && s[i] != '\n' && s[i] != '\t' && s[i] != '\r' && s[i] != '\f') return 0;
  return 1;
}

static void page_label(const pf_column *c, size_t row, char *out, size_t n) {
  if (c->type == PF_TYPE_INT64) {
    snprintf(out, n, "%lld", (long long)pf_col_i64(c, row));
  } else {
    size_t len;
    const uint8_t *s = pf_col_str(c, row, &len);
    snprintf(out, n, "%.*s", (int)(len < 20 ? len : 20), (const char *)s);
  }
}

static pf_status txt_write(void *state, const pf_batch *b, pf_error *err) {
  txt_writer *w = state;
  const pf_column *tc = &b->cols[w->text_col];
  for (size_t row = 0; row < b->n_rows; row++) {
    size_t len = 0;
    const uint8_t *s = pf_col_is_valid(tc, row) ? pf_col_str(tc, row, &len) : NULL;
    if (!s || blank(s, len)) continue; /* as the original: pages without text are left out */
    char page[32], mark[64];
    page_label(&b->cols[w->page_col], row, page, sizeof page);
    if (w->markers) {
      int k = snprintf(mark, sizeof mark, "\n--- Page %s ---\n", page);
      PDF_TRY(piece(w, mark, (size_t)k, 0, err));
    }
    /* the text's lines end with \n, the last one too */
    PDF_TRY(piece(w, (const char *)s, len, s[len - 1] != '\n', err));
    if (w->markers) {
      int k = snprintf(mark, sizeof mark, "\n--- End Page %s ---\n", page);
      PDF_TRY(piece(w, mark, (size_t)k, 0, err));
    }
  }
  return PF_OK;
}

static pf_status txt_close(void *state, pf_error *err) {
  (void)err;
  free(state);
  return PF_OK;
}

static void txt_abort(void *state) { free(state); }

const pf_writer_def pdf_txt_writer = {
    .struct_size = sizeof(pf_writer_def),
    .name = "txt",
    .description = "Text of PDF pages (plugin pdf): UTF-8, pages in order, optional page markers",
    .extensions = ".txt",
    .open = txt_open,
    .write = txt_write,
    .close = txt_close,
    .abort = txt_abort,
};

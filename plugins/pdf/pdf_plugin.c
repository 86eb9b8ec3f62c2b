/* pdf_plugin.c - the PDF plugin's entry point: a reader of PDF documents
 * (one row per page: page, text, char_count), the txt writer (the original
 * PyForge CLI's text output), their option keys and the pre-convert hook
 * that makes text the default output of a PDF, as the original did:
 *
 *   pyforge convert report.pdf                 # -> report.txt
 *   pyforge convert report.pdf -p 2-5 -m       # pages 2 to 5, with markers
 *   pyforge convert report.pdf -f parquet      # one row per page
 *   pyforge info report.pdf                    # title, author, dates, pages
 *
 * The text comes from pdfium, loaded at run time from the pypdfium2 wheel
 * (pdfium_load.c). When it is not found the plugin still loads: its
 * formats are listed as unavailable with how to get pdfium, and reading a
 * PDF fails with that advice, never a crash.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "pdf.h"

#define PDF_VERSION "1.0.0"

const pf_host *pdf_host;

/* ---- the reader: glue from pf_reader_def to pdf_read.c ---- */

static pf_status pdf_open(const pf_reader_env *env, void **state, pf_error *err) {
  pdf_reader *r = NULL;
  pf_status st = pdf_reader_open(env, &r, err);
  if (st != PF_OK) {
    pdf_reader_close(r);
    r = NULL;
  }
  *state = r;
  return st;
}

static const pf_schema *pdf_schema(void *state) { return pdf_reader_schema(state); }

static pf_status pdf_next(void *state, pf_batch **batch, pf_error *err) {
  return pdf_reader_next(state, batch, err);
}

static pf_status pdf_rewind(void *state, pf_error *err) { return pdf_reader_rewind(state, err); }

static pf_status pdf_info(void *state, pf_info *info, pf_error *err) {
  PDF_TRY(pdf_reader_info(state, info, err));
  if (pdf_host->info_prop(info, "reader", "plugin pdf " PDF_VERSION) != PF_OK)
    return pdf_host->error_set(err, PF_ENOMEM, "out of memory");
  return PF_OK;
}

static size_t pdf_warnings(void *state, const char *const **out) {
  return pdf_reader_warnings(state, out);
}

static void pdf_stats(void *state, pf_reader_stats *out) { pdf_reader_stats(state, out); }

static void pdf_close(void *state) { pdf_reader_close(state); }

/* "%PDF-" in the first KiB (the specification allows bytes before it). */
static int pdf_sniff(const uint8_t *head, size_t n) {
  size_t lim = n < 1024 ? n : 1024;
  for (size_t i = 0; i + 5 <= lim; i++)
    if (head[i] == '%' && memcmp(head + i, "%PDF-", 5) == 0) return 100;
  return 0;
}

#define READER_DESC "PDF documents (plugin pdf): the text of each page, over pdfium"

static char reader_desc[1280] = READER_DESC;
static char writer_desc[1280];
static char plugin_desc[1280];

static pf_reader_def pdf_reader_def = {
    .struct_size = sizeof(pf_reader_def),
    .name = "pdf",
    .description = reader_desc,
    .extensions = ".pdf",
    .sniff = pdf_sniff,
    .open = pdf_open,
    .schema = pdf_schema,
    .next = pdf_next,
    .rewind = pdf_rewind,
    .info = pdf_info,
    .stats = pdf_stats,
    .close = pdf_close,
    .warnings = pdf_warnings,
    .types_final = 1,
};

static pf_writer_def txt_writer_def;

/* ---- option keys ---- */

static const pf_option_flag f_pages[] = {{"-p", NULL}, {"--pages", NULL}, {NULL, NULL}};
static const pf_option_flag f_metadata[] = {{"-m", "true"}, {"--metadata", "true"}, {NULL, NULL}};

#define SECTION "PDF options (plugin pdf)"

static const pf_option_desc read_options[] = {
    {.struct_size = sizeof(pf_option_desc),
     .key = "pdf.pages",
     .section = SECTION,
     .name = "pages",
     .type = PF_OPTION_STRING,
     .flags = PF_OPTION_NONEMPTY,
     .uses = PF_USE_READ,
     .takes = "pages: 5, 1-10, 5-, -10, or several joined by commas",
     .help = "the pages to read, 1-based and inclusive: 5, 1-10, 5- (to the end), -10 (from "
             "the first), or several joined by commas (default: all)",
     .metavar = "RANGE",
     .cli = f_pages},
};

static const pf_option_desc txt_options[] = {
    {.struct_size = sizeof(pf_option_desc),
     .key = "pdf.metadata",
     .section = SECTION,
     .name = "metadata",
     .type = PF_OPTION_BOOL,
     .uses = PF_USE_CONVERT,
     .default_value = "false",
     .takes = "true or false",
     .help = "txt output: each page between the original CLI's \"--- Page N ---\" and "
             "\"--- End Page N ---\" markers",
     .cli = f_metadata},
};

/* ---- the hook: a PDF converts to text unless told otherwise ---- */

static int ends_with_pdf(const char *p) {
  size_t n = p ? strlen(p) : 0;
  return n >= 4 && strcasecmp(p + n - 4, ".pdf") == 0;
}

static pf_status pre_convert(void *state, pf_convert_event *ev, pf_error *err) {
  (void)state;
  const char *fmt = NULL, *in_fmt = NULL, *out = NULL;
  if (pdf_host->options_get(ev->options, "output.format", &fmt, err) != PF_OK ||
      pdf_host->options_get(ev->options, "input.format", &in_fmt, err) != PF_OK ||
      pdf_host->options_get(ev->options, "output.path", &out, err) != PF_OK)
    return err ? err->status : PF_EINVAL;
  if (fmt && *fmt) return PF_OK;
  int is_pdf = in_fmt && strcasecmp(in_fmt, "pdf") == 0;
  if (!is_pdf && (!in_fmt || !*in_fmt || strcasecmp(in_fmt, "auto") == 0))
    is_pdf = ends_with_pdf(ev->input);
  if (!is_pdf) return PF_OK;
  struct stat sb;
  /* an OUTPUT with a name chooses by its extension; a directory does not */
  if (out && *out && !(stat(out, &sb) == 0 && S_ISDIR(sb.st_mode))) return PF_OK;
  return pdf_host->options_set(ev->options, "output.format", "txt", err);
}

static const pf_hooks hooks = {
    .struct_size = sizeof(pf_hooks),
    .required = PF_HOOK_PRE_REQUIRED,
    .pre_convert = pre_convert,
};

/* ---- the entry point ---- */

static void pdf_shutdown(void *state) {
  (void)state;
  pdfium_unload();
}

PF_PLUGIN_EXPORT pf_status pyforge_plugin_init(const pf_host *host, pf_plugin *plugin,
                                               pf_error *err);

PF_PLUGIN_EXPORT pf_status pyforge_plugin_init(const pf_host *host, pf_plugin *plugin,
                                               pf_error *err) {
  PDF_TRY(pf_plugin_begin(host, plugin, 0));
  pdf_host = host;
  plugin->name = "pdf";
  plugin->version = PDF_VERSION;
  plugin->shutdown = pdf_shutdown;
  snprintf(reader_desc, sizeof reader_desc, "%s", READER_DESC);
  snprintf(writer_desc, sizeof writer_desc, "%s", pdf_txt_writer.description);
  if (pdfium_locate()) {
    snprintf(plugin_desc, sizeof plugin_desc, "PDF text over pdfium (%s)", pdfium_path());
  } else {
    /* loaded all the same: listed as unavailable, with how to get pdfium */
    snprintf(reader_desc, sizeof reader_desc, "%s; unavailable: %s", READER_DESC,
             pdfium_missing());
    snprintf(writer_desc, sizeof writer_desc, "%s; unavailable: %s", pdf_txt_writer.description,
             pdfium_missing());
    snprintf(plugin_desc, sizeof plugin_desc, "PDF text; unavailable: %s", pdfium_missing());
    pf_plugin_unavailable(plugin, pdfium_missing());
  }
  plugin->description = plugin_desc;
  txt_writer_def = pdf_txt_writer;
  txt_writer_def.description = writer_desc;
  PDF_TRY(host->add_reader(plugin, &pdf_reader_def, err));
  PDF_TRY(host->add_writer(plugin, &txt_writer_def, err));
  PDF_TRY(host->add_options(plugin, NULL, read_options,
                            sizeof read_options / sizeof read_options[0], err));
  PDF_TRY(host->add_options(plugin, "txt", txt_options,
                            sizeof txt_options / sizeof txt_options[0], err));
  PDF_TRY(host->add_hooks(plugin, &hooks, err));
  return PF_OK;
}

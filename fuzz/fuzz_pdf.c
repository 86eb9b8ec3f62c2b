/* fuzz_pdf.c - fuzz harness for the PDF plugin's entry points through the
 * public API: the plugin (PF_PDF_PLUGIN, built beside the harness) is
 * loaded once, then the input bytes are validated, described, converted
 * (to Parquet, or to txt with the page markers, switched by the input's
 * length, with a page range taken from its first byte) and streamed, from
 * a file and from memory. The plugin's own code (input checks, pdf.pages,
 * UTF-16 to UTF-8, batches, the txt writer) and pdfium behind it get the
 * bytes. Any crash, sanitizer report or leak is a bug; every outcome must
 * be a status code.
 *
 * pdfium is the libpdfium.so of pypdfium2 (PYFORGE_PDFIUM, or as the
 * plugin finds it): without it the plugin is unavailable and every input
 * is skipped, said once on stderr. Built with libFuzzer under clang
 * (-DPF_FUZZ_LIBFUZZER=ON) or as a corpus replayer with replay_main.c. */
#include "fuzz_common.h" /* first: it sets _GNU_SOURCE for memfd_create */

#include <string.h>

#ifndef PF_PDF_PLUGIN
#error "PF_PDF_PLUGIN: the path of the built pdf plugin"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void tune(pf_options *o, const uint8_t *data, size_t size, int converting) {
  static const char *const ranges[] = {"1", "1-3", "2-", "-2", "1,3", "9"};
  if (size && data[0] % 3 == 0)
    pf_options_set(o, "pdf.pages", ranges[data[0] / 3 % 6], NULL);
  pf_options_set(o, "input.all_strings", size % 5 == 0 ? "true" : "false", NULL);
  if (size % 7 == 3) pf_options_set(o, "input.password", "user-pw", NULL);
  if (converting && size % 2) {
    pf_options_set(o, "output.format", "txt", NULL);
    pf_options_set(o, "pdf.metadata", size % 4 == 1 ? "true" : "false", NULL);
  }
}

/* 1 when the plugin loaded with pdfium; else says why once. */
static int pdf_ready(void) {
  static int ready = -1;
  if (ready >= 0) return ready;
  pf_error err;
  ready = 0;
  if (pf_plugins_add_path(PF_PDF_PLUGIN, &err) != PF_OK) {
    fprintf(stderr, "fuzz_pdf: skipped: %s\n", err.message);
    return 0;
  }
  const pf_extension_desc *d;
  size_t n = pf_extensions_list(&d);
  for (size_t i = 0; i < n; i++)
    if (strcmp(d[i].name, "pdf") == 0) {
      ready = strcmp(d[i].state, "loaded") == 0;
      if (!ready) fprintf(stderr, "fuzz_pdf: skipped: the pdf plugin is %s: %s\n", d[i].state,
                          d[i].reason);
      return ready;
    }
  fprintf(stderr, "fuzz_pdf: skipped: the pdf plugin is not listed\n");
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!pdf_ready()) return 0;
  return pf_fuzz_run(data, size, "pdf", tune);
}

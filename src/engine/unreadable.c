/* unreadable.c - inputs PyForge recognises but does not read (see
 * unreadable.h): told by their first bytes, else by their extension. */
#include "engine/unreadable.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "engine/registry.h"

/* The plugins that read what no built-in reader does. Their names are
 * written here and nowhere else in the engine: a plugin that is not loaded
 * cannot be asked what it reads (its sniffer lives in its library), so the
 * signatures below that tell its inputs point at its entry. name: the
 * plugin's name (pf_plugin.name, also its file's stem: pdf.so); note: what
 * it reads and where it comes from, when the name does not say enough. */
typedef struct plugin_ref {
  const char *name;
  const char *note;
} plugin_ref;

static const plugin_ref PLUGIN_PDF = {"pdf", NULL};
static const plugin_ref PLUGIN_ACCESS = {"access", NULL};
static const plugin_ref PLUGIN_JSONL = {
    "jsonl", "JSON Lines, one object per line: the template plugin, plugins/template, built as "
             "docs/extensions.md says"};

/* What an input is. plugin: the plugin that reads it (its support is "not
 * installed"); advice: what to do instead. */
typedef struct kind {
  const char *what;
  const plugin_ref *plugin;
  const char *advice;
} kind;

static const kind PDF = {"a PDF document", &PLUGIN_PDF, NULL};
static const kind JET = {"a Microsoft Access database (.mdb, Jet)", &PLUGIN_ACCESS, NULL};
static const kind ACE = {"a Microsoft Access database (.accdb, ACE)", &PLUGIN_ACCESS, NULL};
static const kind OLE2 = {"an OLE2 compound document (a legacy Excel .xls, Word .doc, ...)", NULL,
                          "save a workbook as .xlsx or CSV"};
static const kind ODS = {"an OpenDocument spreadsheet (.ods)", NULL, "save it as .xlsx or CSV"};
static const kind ZIP = {"a ZIP archive that is no Excel workbook", NULL,
                         "unpack it and convert the files inside"};
static const kind JSON = {"JSON (or JSON Lines)", &PLUGIN_JSONL, NULL};
static const kind NUL = {"binary data (NUL bytes in its first 4 KiB)", NULL,
                         "delimited text in UTF-16 without a byte-order mark reads with "
                         "input.format=csv and input.encoding=UTF-16LE (or UTF-16BE)"};
static const kind CTRL = {"binary data (control characters in its first 4 KiB)", NULL, NULL};

/* Magic bytes at an offset. */
typedef struct magic {
  size_t at;
  const char *bytes;
  size_t len;
  const char *what;
} magic;

#define M(at, s, what) {at, s, sizeof s - 1, what}
static const magic magics[] = {
    M(0, "\x89PNG\r\n\x1a\n", "a PNG image"),
    M(0, "\xFF\xD8\xFF", "a JPEG image"),
    M(0, "GIF87a", "a GIF image"),
    M(0, "GIF89a", "a GIF image"),
    M(0, "II*\0", "a TIFF image"),
    M(0, "MM\0*", "a TIFF image"),
    M(8, "WEBP", "a WebP image"),
    M(0, "SQLite format 3\0", "an SQLite database"),
    M(0, "7z\xBC\xAF\x27\x1C", "a 7-Zip archive"),
    M(0, "Rar!\x1A\x07", "a RAR archive"),
    M(0, "\xFD" "7zXZ\0", "an xz archive"),
};
#undef M

/* Extensions that name a format PyForge does not read (used when the
 * content says nothing clearer). */
static const struct {
  const char *ext;
  const kind *k;
} named[] = {
    {".pdf", &PDF},   {".mdb", &JET},   {".accdb", &ACE}, {".xls", &OLE2},
    {".ods", &ODS},   {".zip", &ZIP},   {".json", &JSON}, {".jsonl", &JSON},
    {".ndjson", &JSON},
};

static int has(const uint8_t *h, size_t n, size_t at, const char *s, size_t len) {
  return n >= at + len && memcmp(h + at, s, len) == 0;
}

static int is_ws(uint8_t c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/* '{' then '"' or '}', or '[' then a JSON value's first character: a JSON
 * document or JSON Lines (a CSV header does not start so). */
static int looks_json(const uint8_t *h, size_t n) {
  size_t i = has(h, n, 0, "\xEF\xBB\xBF", 3) ? 3 : 0;
  while (i < n && is_ws(h[i])) i++;
  if (i >= n || (h[i] != '{' && h[i] != '[')) return 0;
  uint8_t open = h[i++];
  while (i < n && is_ws(h[i])) i++;
  if (i >= n) return 0;
  if (open == '{') return h[i] == '"' || h[i] == '}';
  return (h[i] && strchr("\"{[]-0123456789", h[i])) || has(h, n, i, "true", 4) ||
         has(h, n, i, "false", 5) || has(h, n, i, "null", 4);
}

/* Control characters other than white space (tab, LF, VT, FF, CR), escape
 * and DOS's end-of-file mark: more than 1% is no text. */
static int looks_binary(const uint8_t *h, size_t n) {
  size_t ctrl = 0;
  for (size_t i = 0; i < n; i++)
    if (h[i] < 0x20 && !(h[i] >= 0x09 && h[i] <= 0x0D) && h[i] != 0x1A && h[i] != 0x1B) ctrl++;
  return ctrl * 100 > n;
}

/* What the first bytes say; NULL when they look like text. *magic_what is
 * set instead of the result for the kinds of magics[]. */
static const kind *by_content(const uint8_t *h, size_t n, const char **magic_what) {
  *magic_what = NULL;
  for (size_t i = 0; i + 5 <= n && i < 1024; i++) /* junk may precede the header */
    if (memcmp(h + i, "%PDF-", 5) == 0) return &PDF;
  if (has(h, n, 4, "Standard Jet DB", 15)) return &JET;
  if (has(h, n, 4, "Standard ACE DB", 15)) return &ACE;
  if (has(h, n, 0, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8)) return &OLE2;
  if (has(h, n, 0, "PK\3\4", 4) &&
      has(h, n, 30, "mimetypeapplication/vnd.oasis.opendocument.spreadsheet", 54))
    return &ODS;
  if (has(h, n, 0, "PK\3\4", 4) || has(h, n, 0, "PK\5\6", 4)) return &ZIP;
  for (size_t i = 0; i < sizeof magics / sizeof magics[0]; i++)
    if (has(h, n, magics[i].at, magics[i].bytes, magics[i].len) &&
        (magics[i].at != 8 || has(h, n, 0, "RIFF", 4))) {
      *magic_what = magics[i].what;
      return NULL;
    }
  if (looks_json(h, n)) return &JSON;
  /* UTF-16 and UTF-32 text with a byte-order mark holds NUL bytes */
  int wide = has(h, n, 0, "\xFF\xFE", 2) || has(h, n, 0, "\xFE\xFF", 2) ||
             has(h, n, 0, "\0\0\xFE\xFF", 4);
  if (!wide && memchr(h, 0, n)) return &NUL;
  if (!wide && looks_binary(h, n)) return &CTRL;
  return NULL;
}

static const kind *by_name(const char *path) {
  const char *ext;
  size_t len = pf__path_ext(path ? path : "", &ext, NULL);
  for (size_t i = 0; len && i < sizeof named / sizeof named[0]; i++)
    if (strlen(named[i].ext) == len && strncasecmp(named[i].ext, ext, len) == 0) return named[i].k;
  return NULL;
}

/* Is a reader of the plugin named among readers[0..n)? */
static int plugin_loaded(const plugin_ref *p, const pf__format *readers, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (readers[i].plugin && strcmp(readers[i].plugin, p->name) == 0) return 1;
  return 0;
}

pf_status pf__unreadable_input(const char *path, const uint8_t *head, size_t n,
                               const pf__format *readers, size_t n_readers, const char *known,
                               pf_error *err) {
  const char *what;
  const kind *k = by_content(head, n, &what);
  int by_ext = 0;
  if (!k && !what && (k = by_name(path)) != NULL) by_ext = 1;
  if (!k && !what) return PF_OK;
  if (path && *path) pf__error_file(err, path);
  char said[160];
  if (by_ext) {
    const char *ext;
    size_t len = pf__path_ext(path, &ext, NULL);
    snprintf(said, sizeof said, "the name says %s (%.*s)", k->what, (int)len, ext);
  } else {
    snprintf(said, sizeof said, "the file is %s", k ? k->what : what);
  }
  if (k && k->plugin && plugin_loaded(k->plugin, readers, n_readers))
    return pf__error_set(err, PF_EFORMAT,
                         "cannot tell the format: %s, which the %s plugin did not recognise "
                         "as its input; supported inputs: %s (use input.format to choose one)",
                         said, k->plugin->name, known);
  if (k && k->plugin)
    return pf__error_set(err, PF_EFORMAT,
                         "%s: reading it needs the %s plugin%s%s%s, which is not installed in this "
                         "build; supported inputs: %s%s",
                         said, k->plugin->name, k->plugin->note ? " (" : "",
                         k->plugin->note ? k->plugin->note : "", k->plugin->note ? ")" : "", known,
                         by_ext ? " (use input.format to read it as one of them)" : "");
  return pf__error_set(err, PF_EFORMAT,
                       "cannot tell the format: %s, which PyForge does not read%s%s; "
                       "supported inputs: %s (use input.format to choose one)",
                       said, k && k->advice ? "; " : "", k && k->advice ? k->advice : "", known);
}

pf_status pf__unreadable_txt_output(const char *input_format, pf_error *err) {
  return pf__error_set(err, PF_EINVAL,
                       "output.format=txt is the text output of PDF documents (the original "
                       "PyForge CLI's default for them), which comes with the pdf plugin; "
                       "this %s%sinput converts to parquet (the default) or delta",
                       input_format ? input_format : "", input_format ? " " : "");
}

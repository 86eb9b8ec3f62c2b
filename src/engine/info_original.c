/* info_original.c - the keys the original PyForge CLI's `info --format
 * json` printed (file_name, file_size, file_type, encoding, delimiter,
 * has_header, estimated_rows, last_modified, file_path, root_element; a
 * PDF's title, author and page_count), derived from a pf_info so that
 * scripts written against the original keep working. pf_info_json writes
 * them beside PyForge's own keys; docs/cli.md lists them. */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/json.h"
#include "engine/engine.h"

#if UINTPTR_MAX > UINT32_MAX
/* pf_info.modified came out of the reserved room: the struct keeps its size */
_Static_assert(sizeof(double) == sizeof(void *), "pf_info.modified replaced one reserved pointer");
#endif

static const char *prop(const pf_info *info, const char *key) {
  for (size_t i = 0; i < info->n_props; i++)
    if (strcmp(info->props[i].key, key) == 0) return info->props[i].value;
  return NULL;
}

/* The original named encodings as Python codecs (chardet's guess, with
 * ascii read as utf-8): "UTF-8" -> "utf-8", "UTF-8 (BOM)" -> "utf-8-sig",
 * "Windows-1252" -> "cp1252", "ISO-8859-1" -> "latin-1", UTF-16 either way
 * -> "utf-16"; another name lower-cased, without what follows it. */
static void python_codec(const char *ours, char *out, size_t n) {
  static const struct {
    const char *ours, *python;
  } names[] = {{"UTF-8 (BOM)", "utf-8-sig"}, {"Windows-1252", "cp1252"}, {"ISO-8859-1", "latin-1"},
               {"UTF-16LE", "utf-16"},       {"UTF-16BE", "utf-16"}};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (strcmp(ours, names[i].ours) == 0) {
      snprintf(out, n, "%s", names[i].python);
      return;
    }
  size_t k = 0;
  for (; ours[k] && ours[k] != ' ' && ours[k] != ';' && k + 1 < n; k++)
    out[k] = (char)tolower((unsigned char)ours[k]);
  out[k] = 0;
}

/* The delimiter character from its display ("\t", "space", "0x1F", ";",
 * "; + space"). 0 when the text is none of those. */
static int delimiter_char(const char *shown) {
  if (strncmp(shown, "\\t", 2) == 0) return '\t';
  if (strncmp(shown, "space", 5) == 0) return ' ';
  unsigned v;
  if (strncmp(shown, "0x", 2) == 0 && sscanf(shown + 2, "%2x", &v) == 1) return (int)v;
  return shown[0] && (shown[1] == 0 || shown[1] == ' ') ? (unsigned char)shown[0] : 0;
}

static pf_status string_key(pf__buf *b, const char *key, const char *value) {
  PF_TRY(pf__json_key(b, key, 0));
  return pf__json_cstr(b, value);
}

pf_status pf__info_original_json(pf__buf *b, const pf_info *info) {
  const char *path = info->path ? info->path : "";
  const char *base = strrchr(path, '/');
  PF_TRY(string_key(b, "file_path", path));
  PF_TRY(string_key(b, "file_name", base ? base + 1 : path));
  PF_TRY(pf__buf_printf(b, ",\"file_size\":%llu", (unsigned long long)info->size_bytes));
  char type[32];
  size_t k = 0;
  for (const char *f = info->format ? info->format : ""; *f && k + 1 < sizeof type; f++)
    type[k++] = (char)toupper((unsigned char)*f);
  type[k] = 0;
  PF_TRY(string_key(b, "file_type", type));
  const char *v;
  if ((v = prop(info, "encoding")) != NULL) {
    char codec[64];
    python_codec(v, codec, sizeof codec);
    PF_TRY(string_key(b, "encoding", codec));
  }
  if ((v = prop(info, "delimiter")) != NULL && delimiter_char(v)) {
    char d[2] = {(char)delimiter_char(v), 0};
    PF_TRY(string_key(b, "delimiter", d));
  }
  if ((v = prop(info, "header")) != NULL)
    PF_TRY(pf__buf_printf(b, ",\"has_header\":%s", strncmp(v, "yes", 3) == 0 ? "true" : "false"));
  if (info->rows >= 0) PF_TRY(pf__buf_printf(b, ",\"estimated_rows\":%lld", (long long)info->rows));
  if ((v = prop(info, "root")) != NULL) PF_TRY(string_key(b, "root_element", v));
  /* a PDF's (the pdf plugin names its facts so) */
  if ((v = prop(info, "title")) != NULL) PF_TRY(string_key(b, "title", v));
  if ((v = prop(info, "author")) != NULL) PF_TRY(string_key(b, "author", v));
  if ((v = prop(info, "page_count")) != NULL && *v && strspn(v, "0123456789") == strlen(v))
    PF_TRY(pf__buf_printf(b, ",\"page_count\":%s", v));
  if (info->modified > 0) return pf__buf_printf(b, ",\"last_modified\":%.6f", info->modified);
  return pf__buf_puts(b, ",\"last_modified\":null");
}

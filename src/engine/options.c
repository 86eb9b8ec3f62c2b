/* options.c - option defaults, names of codecs, default output paths and
 * the version: the small public functions around pf_convert. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "core/buf.h"
#include "engine/registry.h"

const char *pf_version(void) { return PYFORGE_VERSION_STRING; }

void pf_free(void *p) { free(p); }

void pf_convert_options_init(pf_convert_options *o) {
  memset(o, 0, sizeof *o);
  o->compression = PF_COMPRESSION_SNAPPY;
  o->dictionary = 1;
  o->max_problems = 100;
  o->log_level = PF_LOG_WARN;
  o->csv.delimiter = PF_AUTO;
  o->csv.quote = PF_AUTO;
  o->csv.escape = PF_AUTO;
  o->csv.header = PF_AUTO;
  o->csv.on_bad_rows = PF_BAD_ROWS_ERROR;
}

pf_status pf_compression_parse(const char *name, pf_compression *out) {
  static const struct { const char *name; pf_compression c; } names[] = {
      {"snappy", PF_COMPRESSION_SNAPPY}, {"gzip", PF_COMPRESSION_GZIP},
      {"zstd", PF_COMPRESSION_ZSTD},     {"lz4_raw", PF_COMPRESSION_LZ4_RAW},
      {"lz4", PF_COMPRESSION_LZ4_RAW},   {"none", PF_COMPRESSION_NONE},
      {"uncompressed", PF_COMPRESSION_NONE},
  };
  for (size_t i = 0; name && i < sizeof names / sizeof names[0]; i++)
    if (strcasecmp(name, names[i].name) == 0) {
      *out = names[i].c;
      return PF_OK;
    }
  return PF_EINVAL;
}

const char *pf_compression_name(pf_compression c) {
  switch (c) {
    case PF_COMPRESSION_NONE: return "none";
    case PF_COMPRESSION_SNAPPY: return "snappy";
    case PF_COMPRESSION_GZIP: return "gzip";
    case PF_COMPRESSION_ZSTD: return "zstd";
    case PF_COMPRESSION_LZ4_RAW: return "lz4_raw";
  }
  return "unknown";
}

pf_status pf_default_output(const pf_convert_options *opts, char *buf, size_t n,
                            pf_error *err) {
  if (!opts || !opts->input)
    return pf__error_set(err, PF_EINVAL, "no input given");
  if (opts->output && *opts->output) {
    if (strlen(opts->output) >= n) return pf__error_set(err, PF_EINVAL, "output path too long");
    strcpy(buf, opts->output);
    /* An existing directory as OUTPUT of a file writer: the file goes into
     * it with the default name (like cp). Table writers own directories. */
    struct stat sb;
    const pf__writer_ops *w;
    if (strcmp(opts->input, "-") != 0 && stat(opts->output, &sb) == 0 && S_ISDIR(sb.st_mode) &&
        pf__registry_writer(opts->output, opts->output_format, &w, NULL) == PF_OK && !w->commit) {
      const char *in_ext;
      size_t stem;
      pf__path_ext(opts->input, &in_ext, &stem);
      const char *base = opts->input;
      for (size_t i = 0; i < stem; i++)
        if (opts->input[i] == '/') base = opts->input + i + 1;
      size_t dl = strlen(opts->output);
      while (dl > 1 && opts->output[dl - 1] == '/') dl--;
      int k = snprintf(buf, n, "%.*s/%.*s%.*s", (int)dl, opts->output,
                       (int)(opts->input + stem - base), base, (int)strcspn(w->extensions, " "),
                       w->extensions);
      if (k < 0 || (size_t)k >= n) return pf__error_set(err, PF_EINVAL, "output path too long");
    }
    return PF_OK;
  }
  if (strcmp(opts->input, "-") == 0)
    return pf__error_set(err, PF_EINVAL,
                         "reading standard input needs an output path: pyforge convert - OUTPUT");
  const pf__writer_ops *w;
  PF_TRY(pf__registry_writer(NULL, opts->output_format, &w, err));
  /* the writer's first listed extension; a table writer's directory is
   * named <stem>_<format> (data.csv -> data_delta) */
  char table_suffix[64];
  const char *ext = w->extensions;
  if (w->commit) {
    snprintf(table_suffix, sizeof table_suffix, "_%s", w->name);
    ext = table_suffix;
  }
  size_t ext_len = strcspn(ext, " ");
  size_t stem;
  const char *in_ext;
  pf__path_ext(opts->input, &in_ext, &stem);
  if (stem + ext_len + 1 > n) return pf__error_set(err, PF_EINVAL, "output path too long");
  memcpy(buf, opts->input, stem);
  memcpy(buf + stem, ext, ext_len);
  buf[stem + ext_len] = 0;
  return PF_OK;
}

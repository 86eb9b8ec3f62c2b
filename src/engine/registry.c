/* registry.c - built-in formats, their option tables, and how an input or
 * output finds its reader or writer. */
#include "engine/registry.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "core/buf.h"
#include "engine/unreadable.h"
#include "io/source.h"
#include "readers/csv/csv_reader.h"
#include "readers/dbf/dbf_reader.h"
#include "readers/parquet/parquet_reader.h"
#include "readers/xlsx/xlsx_reader.h"
#include "readers/xml/xml_reader.h"
#include "writers/delta/delta_writer.h"
#include "writers/parquet/parquet_writer.h"

/* What `pyforge formats` lists; one row per reader or writer below. */
#define FORMAT(n, k, e, d) {.name = n, .kind = k, .extensions = e, .description = d, .origin = "built-in"}
static const pf_format_desc format_descs[] = {
    FORMAT("csv", "input", ".csv .tsv .txt .psv (+ .gz .zst .bz2)",
           "Delimited text: dialect, encoding and column types detected"),
    FORMAT("xlsx", "input", ".xlsx .xlsm",
           "Excel workbooks: sheets, dates by number format, exact numbers"),
    FORMAT("xml", "input", ".xml (+ .gz .zst .bz2)",
           "XML documents: records detected and flattened, streaming"),
    FORMAT("dbf", "input", ".dbf (+ .dbt .fpt memo files)",
           "dBase III-7, FoxPro, Visual FoxPro tables: memos, code pages, deleted records"),
    FORMAT("parquet", "input", ".parquet",
           "Parquet files (info and validate: schema, statistics, every page)"),
    FORMAT("parquet", "output", ".parquet",
           "Apache Parquet: snappy, zstd, gzip, lz4_raw or no compression"),
    FORMAT("delta", "output", "TABLE_DIR (a directory)",
           "Delta Lake tables: create, append, overwrite, partitions"),
};

static const pf__reader_ops *const readers[] = {
    &pf__csv_reader_ops,
    &pf__xlsx_reader_ops,
    &pf__xml_reader_ops,
    &pf__dbf_reader_ops,
    &pf__parquet_reader_ops,
};
static const pf__writer_ops *const writers[] = {
    &pf__parquet_writer_ops,
    &pf__delta_writer_ops,
};
/* Every option table, in the order of --help and docs/cli.md: what a
 * conversion writes, then how inputs are read. Formats bring their own;
 * the engine's are in options_engine.c. */
static const pf__option_table *const option_tables[] = {
    &pf__output_option_table,   &pf__parquet_option_table, &pf__delta_option_table,
    &pf__input_option_table,    &pf__csv_option_table,     &pf__excel_option_table,
    &pf__xml_option_table,      &pf__dbf_option_table,     &pf__validate_option_table,
    &pf__stream_option_table,
};

const pf__option_table *const *pf__option_tables(size_t *n) {
  *n = sizeof option_tables / sizeof option_tables[0];
  return option_tables;
}

#define N_READERS (sizeof readers / sizeof readers[0])
#define N_WRITERS (sizeof writers / sizeof writers[0])

size_t pf_formats_list(const pf_format_desc **out) {
  *out = format_descs;
  return sizeof format_descs / sizeof format_descs[0];
}

/* Does the space-separated list exts contain ext (".csv"), ignoring case? */
static int ext_listed(const char *exts, const char *ext, size_t ext_len) {
  const char *p = exts;
  while (*p) {
    while (*p == ' ') p++;
    const char *e = p;
    while (*e && *e != ' ') e++;
    if ((size_t)(e - p) == ext_len && strncasecmp(p, ext, ext_len) == 0) return 1;
    p = e;
  }
  return 0;
}

size_t pf__path_ext(const char *path, const char **ext, size_t *stem) {
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  size_t n = strlen(base);
  static const char *const comp[] = {".gz", ".gzip", ".zst", ".zstd", ".bz2"};
  for (size_t i = 0; i < sizeof comp / sizeof comp[0]; i++) {
    size_t c = strlen(comp[i]);
    if (n > c && strncasecmp(base + n - c, comp[i], c) == 0) {
      n -= c;
      break;
    }
  }
  *ext = "";
  size_t ext_len = 0;
  for (size_t i = n; i > 1; i--) { /* i > 1: ".hidden" has no extension */
    if (base[i - 1] == '.') {
      *ext = base + i - 1;
      ext_len = n - (i - 1);
      n = i - 1;
      break;
    }
  }
  if (stem) *stem = (size_t)(base - path) + n;
  return ext_len;
}

static void list_names(pf__buf *b, const char *kind) {
  const pf_format_desc *d;
  size_t n = pf_formats_list(&d);
  int first = 1;
  for (size_t i = 0; i < n; i++) {
    if (strcmp(d[i].kind, kind)) continue;
    pf__buf_printf(b, "%s%s (%s)", first ? "" : ", ", d[i].name, d[i].extensions);
    first = 0;
  }
}

static pf_status unknown_format(pf_error *err, const char *kind, const char *name) {
  pf__buf b;
  pf__buf_init(&b, 4096);
  list_names(&b, kind);
  pf__error_set(err, PF_EINVAL, "unknown %s format '%s'; known: %s", kind, name,
                b.data ? (char *)b.data : "");
  pf__buf_free(&b);
  return PF_EINVAL;
}

/* 1 when the file's first bytes are Parquet's magic: "PAR1", or "PARE"
 * (a file with an encrypted footer). A Parquet file is told by them
 * whatever its name (x.parquet.encrypted, data.csv). */
static int parquet_magic(const char *path) {
  if (strcmp(path, "-") == 0) return 0;
  struct stat sb;
  if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode)) return 0;
  FILE *f = fopen(path, "rb");
  if (!f) return 0;
  char m[4];
  size_t n = fread(m, 1, 4, f);
  fclose(f);
  return n == 4 && (memcmp(m, "PAR1", 4) == 0 || memcmp(m, "PARE", 4) == 0);
}

/* Up to n decompressed bytes from the input's start; -1 when it cannot be
 * opened (the reader's open reports why). */
static long read_head(const pf__opts *o, uint8_t *head, size_t n) {
  pf__source *src = NULL;
  if (pf__source_open_opts(o->input, o, &src, NULL) != PF_OK) return -1;
  size_t have = 0;
  while (have < n) {
    size_t got = 0;
    if (pf__source_read(src, head + have, n - have, &got, NULL) != PF_OK || got == 0) break;
    have += got;
  }
  pf__source_close(src);
  return (long)have;
}

/* Can the input be read twice (sniffed, then opened)? Standard input and
 * pipes cannot: they are read once, by the reader. */
static int rereadable(const pf__opts *o) {
  struct stat sb;
  if (o->in.kind == PF__INPUT_BUFFER) return 1;
  if (o->in.kind == PF__INPUT_FD) return fstat(o->in.fd, &sb) == 0 && S_ISREG(sb.st_mode);
  if (strcmp(o->input, "-") == 0) return 0;
  return !(stat(o->input, &sb) == 0 && !S_ISREG(sb.st_mode));
}

pf_status pf__registry_reader(const pf__opts *o, const pf__reader_ops **out, pf_error *err) {
  *out = NULL;
  const char *format_name = o->input_format, *path = o->input ? o->input : "";
  if (format_name && *format_name) {
    for (size_t i = 0; i < N_READERS; i++)
      if (strcasecmp(readers[i]->name, format_name) == 0) {
        *out = readers[i];
        return PF_OK;
      }
    return unknown_format(err, "input", format_name);
  }
  if (o->in.kind == PF__INPUT_PATH && parquet_magic(path)) {
    *out = &pf__parquet_reader_ops;
    return PF_OK;
  }
  const char *ext;
  size_t ext_len = pf__path_ext(path, &ext, NULL);
  if (ext_len) {
    for (size_t i = 0; i < N_READERS; i++)
      if (ext_listed(readers[i]->extensions, ext, ext_len)) {
        *out = readers[i];
        return PF_OK;
      }
  }
  /* No extension we know (or stdin): look at the decompressed content
   * ("data.gz" holding CSV is CSV). A stream read once is delimited text
   * unless told otherwise; an input that cannot be opened goes to the
   * first reader, whose open reports why. */
  uint8_t head[4096];
  long n = rereadable(o) ? read_head(o, head, sizeof head) : -1;
  if (n < 0) {
    *out = readers[0];
    return PF_OK;
  }
  int best = 0;
  for (size_t i = 0; i < N_READERS; i++) {
    int score = readers[i]->sniff ? readers[i]->sniff(head, (size_t)n) : 0;
    if (score > best) {
      best = score;
      *out = readers[i];
    }
  }
  if (*out && *out != &pf__csv_reader_ops) return PF_OK;
  /* Delimited text is the fallback for text only: a PDF, an image, JSON
   * or binary data is refused, saying what it is (unreadable.c). */
  pf__buf b;
  pf__buf_init(&b, 4096);
  list_names(&b, "input");
  pf_status st = pf__unreadable_input(path, head, (size_t)n, b.data ? (char *)b.data : "", err);
  if (st != PF_OK || *out) {
    pf__buf_free(&b);
    if (st != PF_OK) *out = NULL;
    return st;
  }
  pf__error_file(err, path);
  pf__error_set(err, PF_EFORMAT,
                "cannot tell the format from the file's name or content; supported inputs: %s "
                "(use input.format to choose one)",
                b.data ? (char *)b.data : "");
  pf__buf_free(&b);
  return PF_EFORMAT;
}

pf_status pf__registry_writer(const char *output, const char *format_name,
                              const pf__writer_ops **out, pf_error *err) {
  *out = NULL;
  if (format_name && *format_name) {
    for (size_t i = 0; i < N_WRITERS; i++)
      if (strcasecmp(writers[i]->name, format_name) == 0) {
        *out = writers[i];
        return PF_OK;
      }
    return unknown_format(err, "output", format_name);
  }
  if (output) {
    /* an existing Delta table is written as one (append/overwrite) */
    if (pf__delta_is_table(output)) {
      *out = &pf__delta_writer_ops;
      return PF_OK;
    }
    const char *ext;
    size_t ext_len = pf__path_ext(output, &ext, NULL);
    for (size_t i = 0; ext_len && i < N_WRITERS; i++)
      if (ext_listed(writers[i]->extensions, ext, ext_len)) {
        *out = writers[i];
        return PF_OK;
      }
  }
  *out = writers[0]; /* parquet */
  return PF_OK;
}

/* registry.c - the formats and option tables: the built-in ones and the
 * plugins', in one snapshot (registry.h), and how an input or output finds
 * its reader or writer.
 *
 * A format describes itself once, in its own descriptor (name, extensions,
 * description, listing note; a writer: table or file, probe of an existing
 * output, describe for info). `pyforge formats`, lookups by name, extension
 * and content, and the error messages listing the formats all read those
 * descriptors: there is no second table of names here.
 */
#include "engine/registry.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"
#include "engine/engine.h"
#include "engine/plugins.h"
#include "engine/unreadable.h"
#include "io/source.h"
#include "readers/csv/csv_reader.h"
#include "readers/dbf/dbf_reader.h"
#include "readers/parquet/parquet_reader.h"
#include "readers/xlsx/xlsx_reader.h"
#include "readers/xml/xml_reader.h"
#include "writers/delta/delta_writer.h"
#include "writers/parquet/parquet_writer.h"

/* ---- the built-in formats ---- */

/* In the order lookups try them: the first reader is the one an input that
 * cannot be opened goes to (its open reports why); the first writer is the
 * default output. */
static const pf__reader_ops *const builtin_readers[] = {
    &pf__csv_reader_ops,
    &pf__xlsx_reader_ops,
    &pf__xml_reader_ops,
    &pf__dbf_reader_ops,
    &pf__parquet_reader_ops,
};
static const pf__writer_ops *const builtin_writers[] = {
    &pf__parquet_writer_ops,
    &pf__delta_writer_ops,
};
/* Every built-in option table, in the order of --help and docs/cli.md:
 * what a conversion writes, then how inputs are read; plugins' tables come
 * after the reading options (before validate and stream). */
static const pf__option_table *const builtin_tables_head[] = {
    &pf__output_option_table, &pf__parquet_option_table, &pf__delta_option_table,
    &pf__input_option_table,  &pf__csv_option_table,     &pf__excel_option_table,
    &pf__xml_option_table,    &pf__dbf_option_table,
};
static const pf__option_table *const builtin_tables_tail[] = {
    &pf__validate_option_table,
    &pf__stream_option_table,
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---- snapshots ---- */

static _Atomic(pf__registry *) current;
static pf__registry builtin;      /* the built-in formats alone, once built */
static pf__format builtin_r[COUNT(builtin_readers)], builtin_w[COUNT(builtin_writers)];
static const pf__option_table *builtin_t[COUNT(builtin_tables_head) + COUNT(builtin_tables_tail)];
static pf_format_desc builtin_d[COUNT(builtin_readers) + COUNT(builtin_writers)];
static char builtin_ext[COUNT(builtin_d)][128];

/* What `pyforge formats` shows as the extensions: the list, then the note
 * ("(+ .gz .zst .bz2)"); a note alone when there is no list (a table
 * writer's "TABLE_DIR (a directory)"). */
static void listing_ext(char *buf, size_t n, const char *ext, const char *note) {
  snprintf(buf, n, "%s%s%s", ext ? ext : "", ext && *ext && note && *note ? " " : "",
           note ? note : "");
}

static void format_desc(pf_format_desc *d, const pf__format *f, char *ext_buf, size_t n) {
  memset(d, 0, sizeof *d);
  if (f->reader) {
    d->name = f->reader->name;
    d->kind = "input";
    d->description = f->reader->description;
    listing_ext(ext_buf, n, f->reader->extensions, f->reader->extensions_note);
  } else {
    d->name = f->writer->name;
    d->kind = "output";
    d->description = f->writer->description;
    listing_ext(ext_buf, n, f->writer->extensions, f->writer->extensions_note);
  }
  d->extensions = ext_buf;
  d->origin = f->origin;
  d->plugin = f->plugin;
}

const pf__registry *pf__registry_builtin(void) {
  /* static data only: built the same way each time, so concurrent first
   * calls write the same bytes; the once flag makes it cheap */
  static atomic_int built;
  if (atomic_load(&built)) return &builtin;
  static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
  pthread_mutex_lock(&lock);
  if (!atomic_load(&built)) {
    for (size_t i = 0; i < COUNT(builtin_readers); i++)
      builtin_r[i] = (pf__format){.reader = builtin_readers[i], .origin = "built-in"};
    for (size_t i = 0; i < COUNT(builtin_writers); i++)
      builtin_w[i] = (pf__format){.writer = builtin_writers[i], .origin = "built-in"};
    size_t t = 0;
    for (size_t i = 0; i < COUNT(builtin_tables_head); i++) builtin_t[t++] = builtin_tables_head[i];
    for (size_t i = 0; i < COUNT(builtin_tables_tail); i++) builtin_t[t++] = builtin_tables_tail[i];
    size_t d = 0;
    for (size_t i = 0; i < COUNT(builtin_r); i++, d++)
      format_desc(&builtin_d[d], &builtin_r[i], builtin_ext[d], sizeof builtin_ext[d]);
    for (size_t i = 0; i < COUNT(builtin_w); i++, d++)
      format_desc(&builtin_d[d], &builtin_w[i], builtin_ext[d], sizeof builtin_ext[d]);
    builtin = (pf__registry){.n_readers = COUNT(builtin_r), .readers = builtin_r,
                             .n_writers = COUNT(builtin_w), .writers = builtin_w,
                             .n_tables = t, .tables = builtin_t,
                             .n_descs = d, .descs = builtin_d};
    atomic_store(&built, 1);
  }
  pthread_mutex_unlock(&lock);
  return &builtin;
}

const pf__registry *pf__registry_get(void) {
  pf__registry *r = atomic_load(&current);
  if (r) return r;
  pf__plugins_discover(); /* publishes a snapshot (or leaves none: no memory) */
  r = atomic_load(&current);
  return r ? r : pf__registry_builtin();
}

static void snapshot_free(pf__registry *r) {
  if (!r) return;
  for (size_t i = 0; i < r->n_descs; i++) free((char *)r->descs[i].extensions);
  free(r->descs);
  free(r->readers);
  free(r->writers);
  free(r->tables);
  free(r);
}

void pf__registry_reset(void) {
  pf__registry *r = atomic_exchange(&current, NULL);
  while (r) {
    pf__registry *older = r->older;
    snapshot_free(r);
    r = older;
  }
}

static pf_status snapshot_fill(pf__registry *r, const pf__registry_part *parts, size_t n) {
  const pf__registry *b = pf__registry_builtin();
  size_t nr = b->n_readers, nw = b->n_writers, nt = b->n_tables;
  for (size_t i = 0; i < n; i++) nr += parts[i].n_readers, nw += parts[i].n_writers, nt += parts[i].n_tables;
  r->readers = calloc(nr, sizeof *r->readers);
  r->writers = calloc(nw, sizeof *r->writers);
  r->tables = calloc(nt, sizeof *r->tables);
  r->descs = calloc(nr + nw, sizeof *r->descs);
  if (!r->readers || !r->writers || !r->tables || !r->descs) return PF_ENOMEM;
  memcpy(r->readers, b->readers, b->n_readers * sizeof *r->readers);
  memcpy(r->writers, b->writers, b->n_writers * sizeof *r->writers);
  r->n_readers = b->n_readers;
  r->n_writers = b->n_writers;
  for (size_t t = 0; t < COUNT(builtin_tables_head); t++) r->tables[r->n_tables++] = builtin_tables_head[t];
  for (size_t i = 0; i < n; i++) {
    const pf__registry_part *p = &parts[i];
    for (size_t k = 0; k < p->n_readers; k++)
      r->readers[r->n_readers++] = (pf__format){.reader = &p->readers[k], .plugin = p->plugin, .origin = p->path};
    for (size_t k = 0; k < p->n_writers; k++)
      r->writers[r->n_writers++] = (pf__format){.writer = &p->writers[k], .plugin = p->plugin, .origin = p->path};
    for (size_t k = 0; k < p->n_tables; k++) r->tables[r->n_tables++] = &p->tables[k];
  }
  for (size_t t = 0; t < COUNT(builtin_tables_tail); t++) r->tables[r->n_tables++] = builtin_tables_tail[t];
  for (size_t i = 0; i < r->n_readers + r->n_writers; i++) {
    const pf__format *f = i < r->n_readers ? &r->readers[i] : &r->writers[i - r->n_readers];
    char ext[512];
    format_desc(&r->descs[i], f, ext, sizeof ext);
    if (!(r->descs[i].extensions = pf__strdup(ext))) return PF_ENOMEM;
    r->n_descs++;
  }
  return PF_OK;
}

pf_status pf__registry_publish(const pf__registry_part *parts, size_t n) {
  pf__registry *r = calloc(1, sizeof *r);
  if (!r) return PF_ENOMEM;
  if (snapshot_fill(r, parts, n) != PF_OK) {
    snapshot_free(r);
    return PF_ENOMEM;
  }
  /* the previous snapshot is retired, not freed: pointers into it stay
   * valid until shutdown */
  r->older = atomic_load(&current);
  atomic_store(&current, r);
  return PF_OK;
}

const pf__option_table *const *pf__option_tables(size_t *n) {
  const pf__registry *r = pf__registry_get();
  *n = r->n_tables;
  return r->tables;
}

size_t pf_formats_list(const pf_format_desc **out) {
  const pf__registry *r = pf__registry_get();
  *out = r->descs;
  return r->n_descs;
}

const char *pf__registry_plugin_of(const void *ops) {
  const pf__registry *r = pf__registry_get();
  for (size_t i = 0; i < r->n_readers; i++)
    if ((const void *)r->readers[i].reader == ops) return r->readers[i].plugin;
  for (size_t i = 0; i < r->n_writers; i++)
    if ((const void *)r->writers[i].writer == ops) return r->writers[i].plugin;
  return NULL;
}

/* ---- lookups ---- */

/* Does the space-separated list exts contain ext (".csv"), ignoring case? */
static int ext_listed(const char *exts, const char *ext, size_t ext_len) {
  const char *p = exts ? exts : "";
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

/* 1 when the input's first bytes are Parquet's magic: "PAR1", or "PARE"
 * (a file with an encrypted footer). A Parquet file is told by them
 * whatever its name (x.parquet.encrypted, data.csv), and so is a descriptor
 * to a regular file (standard input once spooled: session.c). */
static int parquet_magic(const pf__opts *o) {
  uint8_t m[4];
  size_t n = 0;
  struct stat sb;
  if (o->in.kind == PF__INPUT_BUFFER) {
    return 0; /* the Parquet reader reads files and descriptors only */
  } else if (o->in.kind == PF__INPUT_FD) {
    if (fstat(o->in.fd, &sb) != 0 || !S_ISREG(sb.st_mode)) return 0;
    ssize_t r = pread(o->in.fd, m, 4, 0);
    n = r > 0 ? (size_t)r : 0;
  } else {
    const char *path = o->input ? o->input : "";
    if (pf__opts_reads_stdin(o) || stat(path, &sb) != 0 || !S_ISREG(sb.st_mode)) return 0;
    FILE *f = fopen(path, "rb");
    if (!f) return 0;
    n = fread(m, 1, 4, f);
    fclose(f);
  }
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
 * pipes can once a session has spooled them (they are then a descriptor to
 * a regular file); not before (pf__registry_reader called without one). */
static int rereadable(const pf__opts *o) {
  struct stat sb;
  if (o->in.kind == PF__INPUT_BUFFER) return 1;
  if (o->in.kind == PF__INPUT_FD) return fstat(o->in.fd, &sb) == 0 && S_ISREG(sb.st_mode);
  if (pf__opts_reads_stdin(o)) return 0;
  return !(stat(o->input, &sb) == 0 && !S_ISREG(sb.st_mode));
}

/* The reader among formats[0..n) that input.format names, its extension
 * claims, or its content looks most like; NULL when none. */
static const pf__format *find_reader(const pf__opts *o, const pf__format *f, size_t n,
                                     pf_status *st, pf_error *err) {
  const char *format_name = o->input_format, *path = o->input ? o->input : "";
  *st = PF_OK;
  if (format_name && *format_name) {
    for (size_t i = 0; i < n; i++)
      if (strcasecmp(f[i].reader->name, format_name) == 0) return &f[i];
    *st = unknown_format(err, "input", format_name);
    return NULL;
  }
  if (parquet_magic(o)) {
    for (size_t i = 0; i < n; i++)
      if (f[i].reader == &pf__parquet_reader_ops) return &f[i];
  }
  const char *ext;
  size_t ext_len = pf__path_ext(path, &ext, NULL);
  if (ext_len) {
    for (size_t i = 0; i < n; i++)
      if (ext_listed(f[i].reader->extensions, ext, ext_len)) return &f[i];
  }
  /* No extension we know (or stdin): look at the decompressed content
   * ("data.gz" holding CSV is CSV). A stream not spooled yet is delimited
   * text unless told otherwise; an input that cannot be opened goes to the
   * first reader, whose open reports why. */
  uint8_t head[4096];
  long got = rereadable(o) ? read_head(o, head, sizeof head) : -1;
  if (got < 0) return &f[0];
  const pf__format *best = NULL;
  int best_score = 0;
  for (size_t i = 0; i < n; i++) {
    int score = f[i].reader->sniff ? f[i].reader->sniff(head, (size_t)got) : 0;
    if (score > best_score) {
      best_score = score;
      best = &f[i];
    }
  }
  if (best && best->reader != &pf__csv_reader_ops) return best;
  /* Delimited text is the fallback for text only: a PDF, an image, JSON
   * or binary data is refused, saying what it is (unreadable.c). */
  pf__buf b;
  pf__buf_init(&b, 4096);
  list_names(&b, "input");
  *st = pf__unreadable_input(path, head, (size_t)got, f, n, b.data ? (char *)b.data : "", err);
  pf__buf_free(&b);
  return *st == PF_OK ? best : NULL;
}

pf_status pf__registry_reader(const pf__opts *o, const pf__reader_ops **out, const char **plugin,
                              pf_error *err) {
  *out = NULL;
  if (plugin) *plugin = NULL;
  const pf__registry *r = pf__registry_get();
  pf_status st;
  const pf__format *f = find_reader(o, r->readers, r->n_readers, &st, err);
  if (st != PF_OK) return st;
  if (f) {
    *out = f->reader;
    if (plugin) *plugin = f->plugin;
    return PF_OK;
  }
  pf__buf b;
  pf__buf_init(&b, 4096);
  list_names(&b, "input");
  pf__error_file(err, o->input ? o->input : "");
  pf__error_set(err, PF_EFORMAT,
                "cannot tell the format from the file's name or content; supported inputs: %s "
                "(use input.format to choose one)",
                b.data ? (char *)b.data : "");
  pf__buf_free(&b);
  return PF_EFORMAT;
}

pf_status pf__registry_writer(const char *output, const char *format_name,
                              const pf__writer_ops **out, pf_error *err) {
  const pf__registry *r = pf__registry_get();
  *out = NULL;
  if (format_name && *format_name) {
    for (size_t i = 0; i < r->n_writers; i++)
      if (strcasecmp(r->writers[i].writer->name, format_name) == 0) {
        *out = r->writers[i].writer;
        return PF_OK;
      }
    return unknown_format(err, "output", format_name);
  }
  if (output) {
    /* an existing output a writer recognises (a Delta table) is written by
     * that writer (append/overwrite) */
    for (size_t i = 0; i < r->n_writers; i++)
      if (r->writers[i].writer->probe && r->writers[i].writer->probe(output)) {
        *out = r->writers[i].writer;
        return PF_OK;
      }
    const char *ext;
    size_t ext_len = pf__path_ext(output, &ext, NULL);
    for (size_t i = 0; ext_len && i < r->n_writers; i++)
      if (ext_listed(r->writers[i].writer->extensions, ext, ext_len)) {
        *out = r->writers[i].writer;
        return PF_OK;
      }
  }
  *out = r->writers[0].writer; /* parquet */
  return PF_OK;
}

const pf__writer_ops *pf__registry_describer(const char *path) {
  const pf__registry *r = pf__registry_get();
  for (size_t i = 0; path && i < r->n_writers; i++) {
    const pf__writer_ops *w = r->writers[i].writer;
    if (w->probe && w->describe && w->probe(path)) return w;
  }
  return NULL;
}

pf_status pf__registry_check_writer_options(const pf__opts *o, const pf__writer_ops *w,
                                            pf_error *err) {
  if (!o->handle) return PF_OK;
  const pf__registry *r = pf__registry_get();
  pf__buf keys;
  pf__buf_init(&keys, 4096);
  const char *owner = NULL;
  size_t n_keys = 0;
  for (size_t t = 0; t < r->n_tables; t++) {
    const pf__option_table *tab = r->tables[t];
    if (!tab->writer || strcasecmp(tab->writer, w->name) == 0) continue;
    for (size_t i = 0; i < tab->n; i++) {
      const pf_option_desc *d = &tab->options[i].d;
      const char *v = NULL;
      if (!pf_options_is_set(o->handle, d->key)) continue;
      pf_options_get(o->handle, d->key, &v, NULL);
      if (v && d->default_value && strcmp(v, d->default_value) == 0) continue;
      pf__buf_printf(&keys, "%s%s", n_keys++ ? ", " : "", d->key);
      owner = tab->writer;
    }
  }
  pf_status st = PF_OK;
  if (n_keys)
    st = pf__error_set(err, PF_EINVAL, "%s appl%s to %s outputs (output.format=%s), not to %s output",
                       keys.data ? (char *)keys.data : "", n_keys == 1 ? "ies" : "y", owner, owner,
                       w->name);
  pf__buf_free(&keys);
  return st;
}

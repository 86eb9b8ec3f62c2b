/* samples_catalog.c - the catalogue of sample datasets, the request's
 * filters, and the result (states, freeing, JSON). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/json.h"
#include "samples/samples_internal.h"

#define MB 1000000ull

#define ROW(fmt, sz, bytes, files, gen, what) {fmt "-" sz, fmt, sz, files, bytes, gen, what, {0}}
#define SIZES(fmt, f1, gen, what)                                                         \
  ROW(fmt, "small", 1 * MB, f1("small"), gen, what),                                      \
  ROW(fmt, "medium", 100 * MB, f1("medium"), gen, what),                                  \
  ROW(fmt, "large", 1000 * MB, f1("large"), gen, what)

#define F_CSV(s) "csv/" s "/sales.csv"
#define F_XLSX(s) "excel/" s "/sales_report.xlsx"
#define F_XML(s) "xml/" s "/orders.xml"
#define F_DBF(s) "dbf/" s "/customers.dbf dbf/" s "/customers.dbt"
#define F_PDF(s) "pdf/" s "/orders_report.pdf"
#define F_MDB(s) "access/" s "/"

static const pf_sample_desc catalog[] = {
    SIZES("csv", F_CSV, 1,
          "sales orders: dates, regions, countries, currencies, amounts; a few dirty rows "
          "(n/a quantity, empty amount, a quoted note with a line break)"),
    SIZES("excel", F_XLSX, 1,
          "workbook: Summary and Orders sheets with title rows above the header, a Regions "
          "table, a hidden Internal sheet; dates and two-decimal amounts styled"),
    SIZES("xml", F_XML, 1,
          "orders with namespaces, attributes, a nested customer and 1-5 repeated items"),
    SIZES("dbf", F_DBF, 1,
          "dBase III+ customers with a .dbt memo file in code page cp850 (DOS), dates, "
          "logicals, deleted records"),
    SIZES("pdf", F_PDF, 1, "multi-page sales report in the standard-14 fonts (PDF 1.4)"),
    SIZES("access", F_MDB, 0,
          "Access database: only from a published bundle (--from); no tool available at run "
          "time here writes .mdb/.accdb files"),
};
#define N_CATALOG (sizeof catalog / sizeof catalog[0])

size_t pf_samples_catalog(const pf_sample_desc **out) {
  if (out) *out = catalog;
  return N_CATALOG;
}

pf__sample_gen_fn pf__sample_generator(const char *format) {
  if (!strcmp(format, "csv")) return pf__gen_csv;
  if (!strcmp(format, "excel")) return pf__gen_xlsx;
  if (!strcmp(format, "xml")) return pf__gen_xml;
  if (!strcmp(format, "dbf")) return pf__gen_dbf;
  if (!strcmp(format, "pdf")) return pf__gen_pdf;
  return NULL;
}

void pf_samples_request_init(pf_samples_request *req) {
  if (!req) return;
  memset(req, 0, sizeof *req);
  req->struct_size = sizeof *req;
}

static const char *const formats[] = {"csv", "excel", "xml", "dbf", "access", "pdf"};
static const char *const sizes[] = {"small", "medium", "large"};

/* One comma-separated list into bits over names; "all" selects every one. */
static pf_status parse_list(const char *text, const char *const *names, size_t n, const char *what,
                            unsigned *bits, pf_error *err) {
  *bits = 0;
  const char *p = text;
  while (p && *p) {
    while (*p == ' ' || *p == ',') p++;
    size_t len = strcspn(p, ", ");
    if (!len) break;
    size_t k = 0;
    if (len == 3 && !strncmp(p, "all", 3)) {
      *bits = (1u << n) - 1;
    } else {
      for (; k < n; k++)
        if (strlen(names[k]) == len && !strncmp(p, names[k], len)) break;
      if (k == n) {
        char list[128] = "";
        for (size_t i = 0; i < n; i++) strcat(strcat(list, i ? ", " : ""), names[i]);
        return pf__error_set(err, PF_EINVAL, "unknown sample %s '%.*s'; the %ss are %s (or all)", what,
                             (int)len, p, what, list);
      }
      *bits |= 1u << k;
    }
    p += len;
  }
  return PF_OK;
}

pf_status pf__samples_select(const pf_samples_request *req, unsigned *fmt_bits, unsigned *size_bits,
                             pf_error *err) {
  const char *f = req ? req->formats : NULL, *s = req ? req->sizes : NULL;
  PF_TRY(parse_list(f, formats, 6, "format", fmt_bits, err));
  PF_TRY(parse_list(s, sizes, 3, "size", size_bits, err));
  if (!*fmt_bits) *fmt_bits = (1u << 6) - 1;
  if (!*size_bits) *size_bits = 3; /* small, medium */
  return PF_OK;
}

int pf__samples_selected(const char *format, const char *size, unsigned fmt_bits, unsigned size_bits) {
  int fi = -1, si = -1;
  for (int k = 0; k < 6; k++)
    if (format && !strcmp(format, formats[k])) fi = k;
  for (int k = 0; k < 3; k++)
    if (size && !strcmp(size, sizes[k])) si = k;
  return fi >= 0 && si >= 0 && (fmt_bits >> fi & 1) && (size_bits >> si & 1);
}

const char *pf_sample_state_name(pf_sample_state s) {
  switch (s) {
  case PF_SAMPLE_INSTALLED: return "installed";
  case PF_SAMPLE_PRESENT: return "present";
  case PF_SAMPLE_CHANGED: return "changed";
  case PF_SAMPLE_MISSING: return "missing";
  case PF_SAMPLE_REMOVED: return "removed";
  case PF_SAMPLE_AVAILABLE: return "available";
  }
  return "unknown";
}

void pf__sample_file_clear(pf_sample_file *f) {
  free(f->dataset);
  free(f->format);
  free(f->size);
  free(f->path);
  memset(f, 0, sizeof *f);
}

void pf_samples_result_free(pf_samples_result *r) {
  if (!r) return;
  for (size_t i = 0; i < r->n_files; i++) pf__sample_file_clear(&r->files[i]);
  free(r->files);
  free(r->destination);
  free(r->source);
  memset(r, 0, sizeof *r);
}

pf_status pf__samples_add(pf_samples_result *r, const char *dataset, const char *format, const char *size,
                          const char *path, uint64_t bytes, const char *sha, pf_sample_state state) {
  pf_sample_file *v = realloc(r->files, (r->n_files + 1) * sizeof *v);
  if (!v) return PF_ENOMEM;
  r->files = v;
  pf_sample_file *f = &v[r->n_files];
  memset(f, 0, sizeof *f);
  f->dataset = pf__strdup(dataset);
  f->format = pf__strdup(format);
  f->size = pf__strdup(size);
  f->path = pf__strdup(path);
  f->bytes = bytes;
  snprintf(f->sha256, sizeof f->sha256, "%s", sha ? sha : "");
  f->state = state;
  if (!f->dataset || !f->format || !f->size || !f->path) {
    pf__sample_file_clear(f);
    return PF_ENOMEM;
  }
  r->n_files++;
  r->bytes += bytes;
  if (state == PF_SAMPLE_CHANGED || state == PF_SAMPLE_MISSING) r->n_changed++;
  return PF_OK;
}

static int by_path(const void *a, const void *b) {
  return strcmp(((const pf_sample_file *)a)->path, ((const pf_sample_file *)b)->path);
}

void pf__samples_sort(pf_samples_result *r) {
  if (r->n_files) qsort(r->files, r->n_files, sizeof *r->files, by_path);
}

#define J(expr)                    \
  do {                             \
    if ((expr) != PF_OK) goto oom; \
  } while (0)

char *pf__samples_json(const pf_samples_result *r, int manifest) {
  pf__buf b;
  pf__buf_init(&b, 0);
  if (manifest) {
    J(pf__buf_puts(&b, "{\n  \"manifest\": \"pyforge-samples/1\",\n  \"source\": "));
    J(pf__json_cstr(&b, r->source));
    J(pf__buf_puts(&b, ",\n  \"files\": ["));
  } else {
    J(pf__buf_puts(&b, "{\"destination\":"));
    J(pf__json_cstr(&b, r->destination));
    J(pf__buf_puts(&b, ",\"source\":"));
    J(pf__json_cstr(&b, r->source));
    J(pf__buf_printf(&b, ",\"bytes\":%llu,\"seconds\":%.6f,\"changed\":%zu,\"files\":[",
                     (unsigned long long)r->bytes, r->seconds, r->n_changed));
  }
  for (size_t i = 0; i < r->n_files; i++) {
    const pf_sample_file *f = &r->files[i];
    J(pf__buf_puts(&b, i ? (manifest ? ",\n    {" : ",{") : (manifest ? "\n    {" : "{")));
    J(pf__json_key(&b, "path", 1));
    J(pf__json_cstr(&b, f->path));
    J(pf__json_key(&b, "dataset", 0));
    J(pf__json_cstr(&b, f->dataset));
    J(pf__json_key(&b, "format", 0));
    J(pf__json_cstr(&b, f->format));
    J(pf__json_key(&b, "size", 0));
    J(pf__json_cstr(&b, f->size));
    J(pf__buf_printf(&b, ",\"bytes\":%llu", (unsigned long long)f->bytes));
    J(pf__json_key(&b, "sha256", 0));
    J(pf__json_cstr(&b, f->sha256));
    if (!manifest) {
      J(pf__json_key(&b, "state", 0));
      J(pf__json_cstr(&b, pf_sample_state_name(f->state)));
    }
    J(pf__buf_putc(&b, '}'));
  }
  J(pf__buf_puts(&b, manifest ? "\n  ]\n}\n" : "]}"));
  return pf__buf_take(&b);
oom:
  pf__buf_free(&b);
  return NULL;
}

char *pf_samples_result_json(const pf_samples_result *r) { return r ? pf__samples_json(r, 0) : NULL; }

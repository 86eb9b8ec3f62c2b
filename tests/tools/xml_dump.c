/* xml_dump.c - drives the XML reader alone through its ops table and prints
 * the schema, the info facts and every row as a JSON array (one per line),
 * so tests and developers can check the reader without the CLI. A
 * developer/test tool; CMake builds it into <build>/tests/tools/.
 *
 *   xml_dump [--row-tag T] [--arrays explode|join|json]
 *            [--ns strip|prefix|preserve] [--attr-prefix S] [--sep S]
 *            [--array-sep S] [--value-name S] [--all-strings]
 *            [--max-field N] [--info] [--quiet] file
 * Exit status: 0, or the pf_status of the failure (message on stderr).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/format_api.h"
#include "core/json.h"
#include "engine/engine.h"
#include "readers/xml/xml_reader.h"

static void print_value(const pf_column *c, size_t i) {
  if (!pf__col_is_valid(c, i)) {
    fputs("null", stdout);
    return;
  }
  size_t n;
  const uint8_t *p;
  pf__buf b;
  switch (c->type) {
  case PF_TYPE_STRING:
    p = pf__col_str(c, i, &n);
    pf__buf_init(&b, 0);
    pf__json_str(&b, (const char *)p, n);
    fwrite(b.data, 1, b.len, stdout);
    pf__buf_free(&b);
    break;
  case PF_TYPE_INT64: case PF_TYPE_TIMESTAMP: case PF_TYPE_TIMESTAMP_UTC:
    printf("%lld", (long long)pf__col_i64(c, i));
    break;
  case PF_TYPE_DOUBLE: printf("%.17g", pf__col_f64(c, i)); break;
  case PF_TYPE_DATE: printf("%d", pf__col_i32(c, i)); break;
  case PF_TYPE_BOOL: fputs(pf__col_bool(c, i) ? "true" : "false", stdout); break;
  default: fputs("\"?\"", stdout);
  }
}

static void log_fn(void *user, pf_log_level level, const char *msg) {
  (void)user;
  fprintf(stderr, "log[%d]: %s\n", (int)level, msg);
}

int main(int argc, char **argv) {
  pf__opts o;
  pf__opts_init(&o);
  pf__settings_from_env(&o.settings); /* a program: the knobs from the environment */
  int show_info = 0, quiet = 0;
  const char *path = NULL;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp(a, "--row-tag") && v) o.xml.row_tag = argv[++i];
    else if (!strcmp(a, "--arrays") && v) {
      i++;
      o.xml.arrays = !strcmp(v, "explode") ? PF_XML_ARRAYS_EXPLODE
                     : !strcmp(v, "json")  ? PF_XML_ARRAYS_JSON
                     : !strcmp(v, "join")  ? PF_XML_ARRAYS_JOIN
                                           : PF_XML_ARRAYS_DEFAULT;
    } else if (!strcmp(a, "--ns") && v) {
      i++;
      o.xml.namespaces = !strcmp(v, "strip")      ? PF_XML_NS_STRIP
                         : !strcmp(v, "prefix")   ? PF_XML_NS_PREFIX
                         : !strcmp(v, "preserve") ? PF_XML_NS_PRESERVE
                                                  : PF_XML_NS_DEFAULT;
    } else if (!strcmp(a, "--attr-prefix") && v) o.xml.attribute_prefix = argv[++i];
    else if (!strcmp(a, "--sep") && v) o.xml.path_separator = argv[++i];
    else if (!strcmp(a, "--array-sep") && v) o.xml.array_separator = argv[++i];
    else if (!strcmp(a, "--value-name") && v) o.xml.value_name = argv[++i];
    else if (!strcmp(a, "--max-field") && v) o.max_field_bytes = atoll(argv[++i]);
    else if (!strcmp(a, "--all-strings")) o.all_strings = 1;
    else if (!strcmp(a, "--info")) show_info = 1;
    else if (!strcmp(a, "--quiet")) quiet = 1;
    else path = a;
  }
  if (!path) {
    fprintf(stderr, "usage: xml_dump [options] file\n");
    return 2;
  }
  o.input = path;
  pf__log log = {log_fn, NULL, PF_LOG_WARN};
  pf__reader_env env;
  memset(&env, 0, sizeof env);
  env.path = path;
  env.opts = &o;
  env.log = &log;
  const pf__reader_ops *ops = &pf__xml_reader_ops;
  pf_error err;
  pf_error_init(&err);
  void *st = NULL;
  pf_status rc = ops->open(&env, &st, &err);
  char msg[4096];
  if (rc != PF_OK) {
    pf_error_format(&err, msg, sizeof msg);
    fprintf(stderr, "error %s: %s\noffset=%lld\n", pf_status_name(rc), msg, (long long)err.offset);
    return (int)rc;
  }
  const pf_schema *s = ops->schema(st);
  for (size_t i = 0; i < s->n_fields; i++)
    printf("# %s\t%s\n", s->fields[i].name, pf_type_name(s->fields[i].type));
  if (show_info) {
    pf_info info;
    memset(&info, 0, sizeof info);
    info.rows = -1;
    rc = ops->info(st, &info, &err);
    if (rc == PF_OK) {
      printf("@ rows\t%lld\n", (long long)info.rows);
      for (size_t i = 0; i < info.n_props; i++)
        printf("@ %s\t%s\n", info.props[i].key, info.props[i].value);
      for (size_t i = 0; i < info.n_sections; i++)
        for (size_t k = 0; k < info.sections[i].n_props; k++)
          printf("@@ %s\t%s\t%s\n", info.sections[i].name, info.sections[i].props[k].key,
                 info.sections[i].props[k].value);
    }
    pf_info_free(&info);
  }
  int64_t rows = 0;
  for (;;) {
    pf_batch *b = NULL;
    rc = ops->next(st, &b, &err);
    if (rc != PF_OK || !b) break;
    for (size_t r = 0; r < b->n_rows; r++, rows++) {
      if (quiet) continue;
      putchar('[');
      for (size_t c = 0; c < b->n_cols; c++) {
        if (c) putchar(',');
        print_value(&b->cols[c], r);
      }
      puts("]");
    }
  }
  if (rc != PF_OK) {
    pf_error_format(&err, msg, sizeof msg);
    fprintf(stderr, "error %s: %s\n", pf_status_name(rc), msg);
  } else {
    printf("= %lld rows\n", (long long)rows);
  }
  ops->close(st);
  return (int)rc;
}

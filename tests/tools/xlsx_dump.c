/* xlsx_dump.c - drives the Excel reader alone through its ops table: lists
 * the sheets (tables), optionally selects some, and prints the schema and
 * every value (or, with -q, only counts and timing). Follows PF_ERESTART
 * like the engine does. A developer tool and a test helper; CMake builds
 * it into <build>/tests/tools/.
 *
 *   xlsx_dump [-q] [-i] [-a] [-n] [-H row] [-m] [-c max_cols] [-j threads]
 *             [-s sheet]... [-t table_column] file
 *     -q  quiet: counts only     -i  info(): props and sections
 *     -a  all strings            -n  no header
 *     -H  header row             -m  fill merged cells
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/format_api.h"
#include "engine/engine.h"
#include "tool_util.h"
#include "readers/xlsx/xlsx_reader.h"


static void print_error(const pf_error *e) {
  char buf[2048];
  pf_error_format(e, buf, sizeof buf);
  fprintf(stderr, "error: %s [%s] table='%s'\n", buf, pf_status_name(e->status), e->table);
}

int main(int argc, char **argv) {
  int quiet = 0, info = 0, threads = 1;
  const char *path = NULL, *tcol = NULL;
  const char *sheets[64];
  size_t n_sheets = 0;
  pf__opts o;
  pf__opts_init(&o);
  pf__settings_from_env(&o.settings); /* a program: the knobs from the environment */
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "-q")) quiet = 1;
    else if (!strcmp(argv[i], "-i")) info = 1;
    else if (!strcmp(argv[i], "-a")) o.all_strings = 1;
    else if (!strcmp(argv[i], "-n")) o.csv.header = 0;
    else if (!strcmp(argv[i], "-m")) o.excel.fill_merged = 1;
    else if (!strcmp(argv[i], "-H") && i + 1 < argc) o.excel.header_row = atoll(argv[++i]);
    else if (!strcmp(argv[i], "-c") && i + 1 < argc) o.max_columns = atoll(argv[++i]);
    else if (!strcmp(argv[i], "-j") && i + 1 < argc) threads = atoi(argv[++i]);
    else if (!strcmp(argv[i], "-s") && i + 1 < argc && n_sheets < 64) sheets[n_sheets++] = argv[++i];
    else if (!strcmp(argv[i], "-t") && i + 1 < argc) tcol = argv[++i];
    else path = argv[i];
  }
  if (!path) {
    fprintf(stderr, "usage: xlsx_dump [-q] [-i] [-a] [-n] [-H row] [-m] [-c cols] [-j threads] [-s sheet]... [-t col] file\n");
    return 2;
  }
  o.input = path;
  pf__pool *pool = NULL;
  if (pf__pool_create(threads, &pool) != PF_OK) return 1;
  pf__reader_env env;
  memset(&env, 0, sizeof env);
  env.path = path;
  env.opts = &o;
  env.pool = pool;
  const pf__reader_ops *ops = &pf__xlsx_reader_ops;
  pf_error err;
  pf_error_init(&err);
  void *r = NULL;
  double t0 = tool_now();
  pf_status st = ops->open(&env, &r, &err);
  if (st != PF_OK) {
    print_error(&err);
    pf__pool_free(pool);
    return 1;
  }
  size_t nt = ops->n_tables(r);
  for (size_t i = 0; i < nt && !quiet; i++) {
    pf__table_desc d;
    ops->table(r, i, &d, &err);
    printf("table %zu: '%s' hidden=%d rows_hint=%lld signature='", i, d.name, d.hidden,
           (long long)d.rows_hint);
    for (const char *p = d.signature; *p; p++) putchar(*p == 0x1f ? '|' : *p);
    printf("'\n");
  }
  if (n_sheets || tcol) {
    size_t idx[64], n = 0;
    for (size_t k = 0; k < n_sheets; k++)
      for (size_t i = 0; i < nt; i++) {
        pf__table_desc d;
        ops->table(r, i, &d, &err);
        if (!strcmp(d.name, sheets[k])) idx[n++] = i;
      }
    if (!n_sheets)
      for (size_t i = 0; i < nt && n < 64; i++) idx[n++] = i;
    st = ops->select(r, idx, n, tcol, &err);
    if (st != PF_OK) {
      print_error(&err);
      ops->close(r);
      pf__pool_free(pool);
      return 1;
    }
  }
  if (info) {
    pf_info inf;
    memset(&inf, 0, sizeof inf);
    st = ops->info(r, &inf, &err);
    if (st != PF_OK) {
      print_error(&err);
    } else {
      printf("rows: %lld\n", (long long)inf.rows);
      for (size_t i = 0; i < inf.n_props; i++) printf("%s: %s\n", inf.props[i].key, inf.props[i].value);
      for (size_t s = 0; s < inf.n_sections; s++) {
        printf("[%s %s]\n", inf.sections[s].kind, inf.sections[s].name);
        for (size_t i = 0; i < inf.sections[s].n_props; i++)
          printf("  %s: %s\n", inf.sections[s].props[i].key, inf.sections[s].props[i].value);
      }
    }
    pf_info_free(&inf);
    ops->close(r);
    pf__pool_free(pool);
    return st == PF_OK ? 0 : 1;
  }
  int64_t rows = 0;
  int restarts = 0;
  for (;;) {
    pf_batch *b = NULL;
    st = ops->next(r, &b, &err);
    if (st == PF_ERESTART) {
      if (!quiet) printf("restart: %s\n", err.message);
      restarts++;
      rows = 0;
      if (restarts > 64 || ops->rewind(r, &err) != PF_OK) break;
      continue;
    }
    if (st != PF_OK || !b) break;
    if (!quiet) {
      if (rows == 0) {
        const pf_schema *s = ops->schema(r);
        for (size_t i = 0; i < s->n_fields; i++)
          printf("field %zu: %s %s\n", i, s->fields[i].name, pf_type_name(s->fields[i].type));
      }
      for (size_t i = 0; i < b->n_rows; i++) {
        printf("row %lld:", (long long)(b->first_row + (int64_t)i));
        for (size_t c = 0; c < b->n_cols; c++) {
          putchar(' ');
          tool_dump_value(&b->cols[c], i);
        }
        putchar('\n');
      }
    }
    rows += (int64_t)b->n_rows;
  }
  if (st != PF_OK) print_error(&err);
  const pf_schema *s = ops->schema(r);
  for (size_t i = 0; s && i < s->n_fields; i++)
    if (s->fields[i].note) printf("note %s: %s\n", s->fields[i].name, s->fields[i].note);
  double t = tool_now() - t0;
  printf("rows: %lld columns: %zu restarts: %d seconds: %.3f\n", (long long)rows,
         s ? s->n_fields : 0, restarts, t);
  ops->close(r);
  pf__pool_free(pool);
  return st == PF_OK ? 0 : 1;
}

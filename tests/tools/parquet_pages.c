/* parquet_pages.c - test tool for the Parquet page decoder
 * (src/core/parquet_page_read.c), run by tests/interop/test_parquet_validate.py:
 *   parquet_pages FILE
 * decodes every column chunk of FILE keeping levels and values, and prints
 * one JSON object per leaf column on its own line:
 *   {"column":"a.b","max_def":1,"max_rep":0,"rows":N,"entries":N,
 *    "values":[...]}
 * where values has one item per level entry: null when the entry is not
 * defined to the leaf, else the value (integers and booleans as numbers,
 * FLOAT and DOUBLE as {"f":"<%.17g>"}, byte arrays as {"hex":"..."}).
 * Exit status 0 on success, 1 on an error (printed on stderr), 2 on usage. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/parquet/parquet_footer_read.h"
#include "formats/parquet/parquet_page_read.h"

static int fail(const pf_error *err) {
  char msg[2048];
  pf_error_format(err, msg, sizeof msg);
  fprintf(stderr, "parquet_pages: %s (%s)\n", msg, pf_status_name(err->status));
  return 1;
}

static void print_value(const pf__pqp_col *c, const pf__pqp_value *v) {
  switch (c->type) {
    case 0:
    case 1:
    case 2: printf("%lld", (long long)v->i); break;
    case 4: {
      float f;
      uint32_t b = (uint32_t)v->i;
      memcpy(&f, &b, 4);
      printf("{\"f\":\"%.9g\"}", (double)f);
      break;
    }
    case 5: {
      double d;
      memcpy(&d, &v->i, 8);
      printf("{\"f\":\"%.17g\"}", d);
      break;
    }
    default:
      printf("{\"hex\":\"");
      for (size_t k = 0; k < v->len; k++) printf("%02x", c->arena.data[v->off + k]);
      printf("\"}");
  }
}

/* Leaf k's dotted name and levels, from the depth-first schema. */
static void leaf_info(const pf__pqr_meta *m, size_t k, char *name, size_t cap, int *def, int *rep) {
  size_t target = m->leaf_elements[k], stack[64], left[64], depth = 0;
  left[0] = (size_t)(m->elements[0].num_children > 0 ? m->elements[0].num_children : 0);
  for (size_t i = 1; i < m->n_elements; i++) {
    while (depth > 0 && left[depth] == 0) depth--;
    left[depth]--;
    if (i == target) {
      size_t at = 0;
      *def = *rep = 0;
      for (size_t d = 0; d <= depth; d++) {
        const pf__pqr_element *e = &m->elements[d < depth ? stack[d + 1] : i];
        at += (size_t)snprintf(name + at, cap - at, "%s%.*s", d ? "." : "", (int)e->name.n,
                               (const char *)e->name.p);
        *def += e->repetition == 1 || e->repetition == 2;
        *rep += e->repetition == 2;
      }
      return;
    }
    if (m->elements[i].num_children >= 0 && depth + 1 < 64) {
      stack[++depth] = i;
      left[depth] = (size_t)m->elements[i].num_children;
    }
  }
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: parquet_pages FILE\n");
    return 2;
  }
  pf_error err;
  pf_error_init(&err);
  pf__pqr_meta m;
  if (pf__pqr_read_file(argv[1], &m, &err) != PF_OK) return fail(&err);
  FILE *f = fopen(argv[1], "rb");
  uint8_t *file = malloc(m.file_size ? m.file_size : 1);
  if (!f || !file || fread(file, 1, m.file_size, f) != m.file_size) {
    fprintf(stderr, "parquet_pages: cannot read %s\n", argv[1]);
    return 1;
  }
  fclose(f);
  int rc = 0;
  for (size_t k = 0; k < m.n_leaves && rc == 0; k++) {
    char name[1024] = "";
    int def = 0, rep = 0;
    leaf_info(&m, k, name, sizeof name, &def, &rep);
    const pf__pqr_element *e = &m.elements[m.leaf_elements[k]];
    pf__pqp_col c;
    pf__pqp_col_init(&c, e->type, e->type_length, def, rep, 1);
    for (size_t g = 0; g < m.n_row_groups && rc == 0; g++) {
      const pf__pqr_chunk *ch = &m.row_groups[g].chunks[k];
      uint64_t start, len;
      if (pf__pqp_chunk_range(&m, ch, &start, &len, name, &err) != PF_OK ||
          pf__pqp_decode_chunk(&c, file + start, (size_t)len, start, ch, name, &err) != PF_OK)
        rc = fail(&err);
    }
    if (rc == 0) {
      printf("{\"column\":\"%s\",\"max_def\":%d,\"max_rep\":%d,\"rows\":%lld,\"entries\":%lld,"
             "\"values\":[", name, def, rep, (long long)c.rows, (long long)c.entries);
      for (size_t i = 0, v = 0; i < c.n; i++) {
        if (i) putchar(',');
        if (c.def[i] == def) print_value(&c, &c.values[v++]);
        else printf("null");
      }
      printf("]}\n");
    }
    pf__pqp_col_free(&c);
  }
  free(file);
  pf__pqr_meta_free(&m);
  return rc;
}

/* test_xml.c - unit tests of the XML reader's internals: the path tree,
 * sniffing, and the reader through its ops table on small generated inputs
 * (flattening, arrays, a record exploding across batches, documents ending
 * at block boundaries, rewind, info rows, errors with their place). */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "engine/engine.h"
#include "readers/xml/xml_internal.h"
#include "readers/xml/xml_reader.h"
#include "test.h"

/* ---- helpers ---------------------------------------------------------------- */

static char tmp_path[64];

static const char *write_tmp(const void *data, size_t n) {
  snprintf(tmp_path, sizeof tmp_path, "/tmp/pf-test-xml-XXXXXX");
  int fd = mkstemp(tmp_path);
  if (fd < 0) return NULL;
  size_t done = 0;
  while (done < n) {
    ssize_t w = write(fd, (const char *)data + done, n - done);
    if (w <= 0) break;
    done += (size_t)w;
  }
  close(fd);
  return tmp_path;
}

typedef struct run {
  pf__opts o;
  pf__reader_env env;
  void *st;
  pf_error err;
  pf_status rc;
} run;

static void run_init(run *r) {
  memset(r, 0, sizeof *r);
  pf__opts_init(&r->o);
  pf_error_init(&r->err);
}

static pf_status run_open(run *r, const char *path) {
  r->o.input = path;
  r->env.path = path;
  r->env.opts = &r->o;
  r->rc = pf__xml_reader_ops.open(&r->env, &r->st, &r->err);
  return r->rc;
}

/* Reads every batch; returns rows, calls fn on each batch. */
static int64_t run_all(run *r, void (*fn)(const pf_batch *, void *), void *user) {
  int64_t rows = 0;
  for (;;) {
    pf_batch *b = NULL;
    r->rc = pf__xml_reader_ops.next(r->st, &b, &r->err);
    if (r->rc != PF_OK || !b) break;
    if (fn) fn(b, user);
    rows += (int64_t)b->n_rows;
  }
  return rows;
}

static void str_at(const pf_batch *b, size_t c, size_t row, char *out, size_t n) {
  size_t len;
  const uint8_t *p = pf__col_str(&b->cols[c], row, &len);
  if (len >= n) len = n - 1;
  memcpy(out, p, len);
  out[len] = 0;
}

/* ---- tree -------------------------------------------------------------------- */

TEST_IMPL(tree_interning) {
  pf__xml_tree t;
  pf__xml_tree_init(&t, 5000);
  uint32_t a, b, c, d, e;
  ASSERT_OK(pf__xml_tree_get(&t, PF__XML_NONE, PF__XML_ELEM, "cat", 3, "cat", 3, "cat", 3, 1, &a));
  ASSERT_OK(pf__xml_tree_get(&t, a, PF__XML_ELEM, "book", 4, "book", 4, "x:book", 6, 1, &b));
  ASSERT_OK(pf__xml_tree_get(&t, a, PF__XML_ATTR, "book", 4, "book", 4, "book", 4, 1, &c));
  ASSERT_OK(pf__xml_tree_get(&t, a, PF__XML_ELEM, "book", 4, "", 0, "", 0, 0, &d));
  ASSERT_OK(pf__xml_tree_get(&t, b, PF__XML_ELEM, "nope", 4, "", 0, "", 0, 0, &e));
  ASSERT(b != c);
  ASSERT_EQ(b, d);
  ASSERT_EQ(e, PF__XML_NONE);
  ASSERT_EQ(t.nodes[b].depth, 2);
  ASSERT_EQ(t.nodes[a].first_child, b);
  ASSERT_EQ(t.nodes[b].next_sibling, c);
  /* many nodes: the table grows and finds every one again */
  char name[32];
  for (int i = 0; i < 3000; i++) {
    int k = snprintf(name, sizeof name, "n%d", i);
    ASSERT_OK(pf__xml_tree_get(&t, b, PF__XML_ELEM, name, (size_t)k, name, (size_t)k, name,
                               (size_t)k, 1, &e));
  }
  for (int i = 0; i < 3000; i += 7) {
    int k = snprintf(name, sizeof name, "n%d", i);
    ASSERT_OK(pf__xml_tree_get(&t, b, PF__XML_ELEM, name, (size_t)k, "", 0, "", 0, 0, &e));
    ASSERT(e != PF__XML_NONE);
    ASSERT_EQ(t.nodes[e].name_len, (size_t)k);
  }
  pf__buf p;
  pf__buf_init(&p, 0);
  ASSERT_OK(pf__xml_tree_path(&t, c, &p));
  ASSERT_STR_EQ((char *)p.data, "/cat/@book");
  p.len = 0;
  ASSERT_OK(pf__xml_tree_path(&t, b, &p));
  ASSERT_STR_EQ((char *)p.data, "/cat/x:book");
  pf__buf_free(&p);
  pf__xml_tree_free(&t);
}

TEST_IMPL(tree_limit) {
  pf__xml_tree t;
  pf__xml_tree_init(&t, 3);
  uint32_t i;
  ASSERT_OK(pf__xml_tree_get(&t, PF__XML_NONE, 0, "a", 1, "a", 1, "a", 1, 1, &i));
  ASSERT_OK(pf__xml_tree_get(&t, i, 0, "b", 1, "b", 1, "b", 1, 1, &i));
  ASSERT_OK(pf__xml_tree_get(&t, i, 0, "c", 1, "c", 1, "c", 1, 1, &i));
  ASSERT_EQ(pf__xml_tree_get(&t, i, 0, "d", 1, "d", 1, "d", 1, 1, &i), PF_ELIMIT);
  pf__xml_tree_free(&t);
}

/* ---- sniff -------------------------------------------------------------------- */

TEST_IMPL(sniff) {
  int (*sniff)(const uint8_t *, size_t) = pf__xml_reader_ops.sniff;
#define S(lit) sniff((const uint8_t *)(lit), sizeof(lit) - 1)
  ASSERT_EQ(S("<?xml version=\"1.0\"?><a/>"), 95);
  ASSERT_EQ(S("\xEF\xBB\xBF<?xml version=\"1.0\"?>"), 95);
  ASSERT_EQ(S("\xFF\xFE<\0?\0"), 90);
  ASSERT_EQ(S("  \n<!-- hi -->\n<catalog>"), 80);
  ASSERT_EQ(S("<!DOCTYPE html>"), 85);
  ASSERT_EQ(S("a,b,c\n1,2,3\n"), 0);
  ASSERT_EQ(S("<1,2>"), 0);
  ASSERT_EQ(S(""), 0);
  /* wins over CSV, which gives 40 at most */
  ASSERT(S("<r><a>1,2</a></r>\n") > 40);
#undef S
}

/* ---- the reader ------------------------------------------------------------------ */

static const char BOOKS[] =
    "<?xml version=\"1.0\"?>\n<catalog>\n"
    " <book id=\"b1\"><title>A &amp; B</title><price cur=\"USD\">5.5</price>"
    "<tag>x</tag><tag>y</tag></book>\n"
    " <book id=\"b2\"><title>C</title><price>7</price><isbn>0012</isbn></book>\n"
    "</catalog>\n";

static void check_books(const pf_batch *b, void *user) {
  int *ok = user;
  char s[64];
  *ok = 0;
  if (b->n_rows != 2 || b->n_cols != 6) return;
  str_at(b, 0, 0, s, sizeof s);
  if (strcmp(s, "b1")) return;
  str_at(b, 1, 0, s, sizeof s);
  if (strcmp(s, "A & B")) return;
  if (pf__col_f64(&b->cols[3], 0) != 5.5 || pf__col_f64(&b->cols[3], 1) != 7.0) return;
  str_at(b, 4, 0, s, sizeof s);
  if (strcmp(s, "x; y")) return;
  if (pf__col_is_valid(&b->cols[4], 1) || pf__col_is_valid(&b->cols[2], 1)) return;
  str_at(b, 5, 1, s, sizeof s);
  if (strcmp(s, "0012")) return;
  *ok = 1;
}

TEST_IMPL(reader_books) {
  const char *p = write_tmp(BOOKS, sizeof BOOKS - 1);
  ASSERT(p);
  run r;
  run_init(&r);
  ASSERT_OK(run_open(&r, p));
  const pf_schema *s = pf__xml_reader_ops.schema(r.st);
  ASSERT_EQ(s->n_fields, 6);
  static const char *const names[] = {"_id", "title", "price._cur", "price._VALUE", "tag", "isbn"};
  static const pf_type types[] = {PF_TYPE_STRING, PF_TYPE_STRING, PF_TYPE_STRING,
                                  PF_TYPE_DOUBLE, PF_TYPE_STRING, PF_TYPE_STRING};
  for (size_t i = 0; i < 6; i++) {
    ASSERT_STR_EQ(s->fields[i].name, names[i]);
    ASSERT_EQ(s->fields[i].type, types[i]);
  }
  int ok = 0;
  ASSERT_EQ(run_all(&r, check_books, &ok), 2);
  ASSERT_OK(r.rc);
  ASSERT(ok);
  /* rewind reads the same again */
  ASSERT_OK(pf__xml_reader_ops.rewind(r.st, &r.err));
  ok = 0;
  ASSERT_EQ(run_all(&r, check_books, &ok), 2);
  ASSERT(ok);
  pf__xml_reader_ops.close(r.st);
  unlink(p);
}

typedef struct explode_check {
  int64_t seen;
  int bad;
} explode_check;

static void check_explode(const pf_batch *b, void *user) {
  explode_check *x = user;
  char s[32];
  for (size_t i = 0; i < b->n_rows; i++, x->seen++) {
    int64_t k = x->seen;
    int64_t id = pf__col_i64(&b->cols[0], i);
    if (k < 70000) {
      if (id != 1 || pf__col_i64(&b->cols[1], i) != k) x->bad++;
      str_at(b, 2, i, s, sizeof s);
      if (strcmp(s, "p; q")) x->bad++; /* the independent array is joined */
    } else if (id != 2 || pf__col_is_valid(&b->cols[1], i)) {
      x->bad++; /* a record without the element: one row, nulls */
    }
  }
}

TEST_IMPL(reader_explode_across_batches) {
  pf__buf d;
  pf__buf_init(&d, 0);
  pf__buf_puts(&d, "<orders><order id=\"1\"><items>");
  for (int i = 0; i < 70000; i++) pf__buf_printf(&d, "<i>%d</i>", i);
  /* the independent array is as deep, and later: it is joined */
  pf__buf_puts(&d, "</items><meta><tag>p</tag><tag>q</tag></meta></order><order id=\"2\"/></orders>");
  const char *p = write_tmp(d.data, d.len);
  pf__buf_free(&d);
  run r;
  run_init(&r);
  r.o.xml.arrays = PF_XML_ARRAYS_EXPLODE;
  r.o.xml.row_tag = "order";
  ASSERT_OK(run_open(&r, p));
  const pf_schema *s = pf__xml_reader_ops.schema(r.st);
  ASSERT_EQ(s->n_fields, 3);
  ASSERT_STR_EQ(s->fields[1].name, "items.i");
  ASSERT_EQ(s->fields[1].type, PF_TYPE_INT64);
  pf_info info;
  memset(&info, 0, sizeof info);
  ASSERT_OK(pf__xml_reader_ops.info(r.st, &info, &r.err));
  ASSERT_EQ(info.rows, 70001);
  pf_info_free(&info);
  explode_check x = {0, 0};
  ASSERT_EQ(run_all(&r, check_explode, &x), 70001);
  ASSERT_OK(r.rc);
  ASSERT_EQ(x.bad, 0);
  pf__xml_reader_ops.close(r.st);
  unlink(p);
}

static void sum_docs(const pf_batch *b, void *user) {
  int64_t *sum = user;
  for (size_t i = 0; i < b->n_rows; i++)
    *sum += pf__col_i64(&b->cols[0], i) * 1000000 + pf__col_i64(&b->cols[1], i);
}

/* Documents of every size around the 1 MiB block boundary: each ends at a
 * different offset near it. */
TEST_IMPL(reader_documents_at_block_boundaries) {
  for (int shift = -3; shift <= 3; shift++) {
    pf__buf d;
    pf__buf_init(&d, 0);
    pf__buf_puts(&d, "<?xml version=\"1.0\"?>\n<d><r><v>1</v></r><r><v>2</v></r><pad>");
    while (d.len < PF__XML_BLOCK - 20 + (size_t)(shift + 3)) pf__buf_putc(&d, 'x');
    pf__buf_puts(&d, "</pad></d>");
    /* the first document ends around the boundary */
    for (int k = 0; k < shift + 3; k++) pf__buf_putc(&d, '\n');
    pf__buf_puts(&d, "<?xml version=\"1.0\"?><d><r><v>3</v></r><r><v>4</v></r></d>\n<!-- end -->\n");
    const char *p = write_tmp(d.data, d.len);
    pf__buf_free(&d);
    run r;
    run_init(&r);
    r.o.xml.row_tag = "r";
    ASSERT_OK(run_open(&r, p));
    const pf_schema *s = pf__xml_reader_ops.schema(r.st);
    ASSERT_EQ(s->n_fields, 2);
    ASSERT_STR_EQ(s->fields[0].name, "_document_id");
    int64_t sum = 0;
    ASSERT_EQ(run_all(&r, sum_docs, &sum), 4);
    ASSERT_OK(r.rc);
    ASSERT_EQ(sum, 1000000 + 1 + 1000000 + 2 + 2000000 + 3 + 2000000 + 4);
    pf__xml_reader_ops.close(r.st);
    unlink(p);
  }
}

/* Many small documents, some large ones between them: every record is
 * read once, with its document number. */
TEST_IMPL(reader_many_documents) {
  pf__buf d;
  pf__buf_init(&d, 0);
  int64_t want = 0;
  for (int i = 1; i <= 3000; i++) {
    pf__buf_printf(&d, "<?xml version=\"1.0\"?>\n<d><r><v>%d</v></r>", i);
    if (i % 500 == 0) /* a larger document now and then */
      for (int k = 0; k < 5000; k++) pf__buf_printf(&d, "<x>%d</x>", k);
    pf__buf_puts(&d, "</d>\n");
    want += (int64_t)i * 1000000 + i;
  }
  const char *p = write_tmp(d.data, d.len);
  pf__buf_free(&d);
  run r;
  run_init(&r);
  r.o.xml.row_tag = "r";
  ASSERT_OK(run_open(&r, p));
  int64_t sum = 0;
  ASSERT_EQ(run_all(&r, sum_docs, &sum), 3000);
  ASSERT_OK(r.rc);
  ASSERT_EQ(sum, want);
  pf__xml_reader_ops.close(r.st);
  unlink(p);
}

TEST_IMPL(reader_errors_have_places) {
  static const char bad[] = "<a>\n<r><v>1</v></r>\n<r><v>2</w></r></a>";
  const char *p = write_tmp(bad, sizeof bad - 1);
  run r;
  run_init(&r);
  ASSERT_EQ(run_open(&r, p), PF_EPARSE);
  ASSERT_EQ(r.err.line, 3);
  ASSERT_EQ(r.err.column, 10); /* expat points at the name of the bad end tag */
  ASSERT_STR_EQ(r.err.inner_path, "/a/r/v");
  ASSERT(r.err.offset > 0);
  ASSERT(strstr(r.err.message, "mismatched tag") != NULL);
  unlink(p);

  p = write_tmp("", 0);
  run_init(&r);
  ASSERT_EQ(run_open(&r, p), PF_EEMPTY);
  unlink(p);

  /* the place of an error in a second document counts the first's lines */
  static const char two[] = "<a><r/><r/></a>\n<a>\n<r>&bogus;</r></a>";
  p = write_tmp(two, sizeof two - 1);
  run_init(&r);
  ASSERT_EQ(run_open(&r, p), PF_EPARSE);
  ASSERT_EQ(r.err.line, 3);
  ASSERT(strstr(r.err.message, "undefined entity") != NULL);
  unlink(p);
}

TEST_IMPL(reader_json_and_namespaces) {
  static const char doc[] =
      "<r xmlns:m=\"urn:m\" xmlns=\"urn:d\"><e m:k=\"1\"><m:v>a\"b</m:v><m:v>c</m:v></e>"
      "<e><m:v>d</m:v></e></r>";
  const char *p = write_tmp(doc, sizeof doc - 1);
  run r;
  run_init(&r);
  r.o.xml.arrays = PF_XML_ARRAYS_JSON;
  r.o.xml.namespaces = PF_XML_NS_PRESERVE;
  r.o.xml.attribute_prefix = "@";
  ASSERT_OK(run_open(&r, p));
  const pf_schema *s = pf__xml_reader_ops.schema(r.st);
  ASSERT_EQ(s->n_fields, 2);
  ASSERT_STR_EQ(s->fields[0].name, "@m:k");
  ASSERT_STR_EQ(s->fields[1].name, "m:v");
  pf_batch *b = NULL;
  ASSERT_OK(pf__xml_reader_ops.next(r.st, &b, &r.err));
  ASSERT(b && b->n_rows == 2);
  char v[64];
  str_at(b, 1, 0, v, sizeof v);
  ASSERT_STR_EQ(v, "[\"a\\\"b\",\"c\"]");
  str_at(b, 1, 1, v, sizeof v);
  ASSERT_STR_EQ(v, "[\"d\"]");
  ASSERT_EQ(pf__col_i64(&b->cols[0], 0), 1);
  pf__xml_reader_ops.close(r.st);
  unlink(p);
}

int main(void) {
  RUN_TEST(tree_interning);
  RUN_TEST(tree_limit);
  RUN_TEST(sniff);
  RUN_TEST(reader_books);
  RUN_TEST(reader_explode_across_batches);
  RUN_TEST(reader_documents_at_block_boundaries);
  RUN_TEST(reader_many_documents);
  RUN_TEST(reader_errors_have_places);
  RUN_TEST(reader_json_and_namespaces);
  return TEST_SUMMARY();
}

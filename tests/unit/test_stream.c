/* test_stream.c - pf_stream_open as a C consumer sees it: the schema, then
 * batches, through the Arrow C Stream Interface only; paths, descriptors
 * (files and pipes) and memory buffers give the same rows; workbook tables
 * listed and picked; errors with their place through get_last_error and
 * pf_stream_error; a late widening inside and outside the held-back window;
 * cancel; consuming and releasing from other threads. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "core/buf.h"
#include "pyforge/arrow_c_data.h"
#include "pyforge/pyforge.h"
#include "test.h"

static const char TYPES_CSV[] =
    "id,price,ok,day,at,utc,name\n"
    "1,1.5,true,2024-02-29,2024-01-01 10:00,2024-01-01T10:00:00Z,ann\n"
    "2,,false,1999-12-31,2024-01-02 00:00,2024-01-01T12:00:00+02:00,\"b,c\"\n"
    "3,-2.25,,2000-01-01,,,\n";

/* ---- rendering what came through the stream ---- */

static int valid(const struct ArrowArray *a, int64_t i) {
  const uint8_t *v = a->buffers[0];
  return !v || ((v[i >> 3] >> (i & 7)) & 1);
}

static void render_value(pf__buf *b, const char *fmt, const struct ArrowArray *a, int64_t i) {
  if (fmt[0] == 'n' || !valid(a, i)) {
    pf__buf_puts(b, "NULL");
    return;
  }
  const void *v = a->buffers[1];
  if (!strcmp(fmt, "l") || !strncmp(fmt, "ts", 2) || !strcmp(fmt, "ttu")) {
    pf__buf_printf(b, "%lld", (long long)((const int64_t *)v)[i]);
  } else if (!strcmp(fmt, "g")) {
    pf__buf_printf(b, "%.17g", ((const double *)v)[i]);
  } else if (!strcmp(fmt, "b")) {
    pf__buf_puts(b, ((((const uint8_t *)v)[i >> 3] >> (i & 7)) & 1) ? "true" : "false");
  } else if (!strcmp(fmt, "tdD")) {
    pf__buf_printf(b, "d%d", ((const int32_t *)v)[i]);
  } else if (!strcmp(fmt, "u") || !strcmp(fmt, "z")) {
    const int32_t *off = v;
    pf__buf_printf(b, "'%.*s'", (int)(off[i + 1] - off[i]), (const char *)a->buffers[2] + off[i]);
  } else {
    pf__buf_printf(b, "?%s", fmt);
  }
}

typedef struct rendered {
  char *schema;   /* "name:format:nullable,..." */
  char *rows;     /* one line per row, values joined by '|' */
  int64_t rows_n, batches;
  int rc;         /* the failing callback's errno, 0 when all went well */
  char error[4096];
} rendered;

/* Reads a stream to its end (or first error), releasing everything. */
static void consume(struct ArrowArrayStream *s, rendered *r) {
  memset(r, 0, sizeof *r);
  struct ArrowSchema sc;
  pf__buf b;
  pf__buf_init(&b, 0);
  r->rc = s->get_schema(s, &sc);
  if (r->rc == 0) {
    for (int64_t c = 0; c < sc.n_children; c++)
      pf__buf_printf(&b, "%s%s:%s:%d", c ? "," : "", sc.children[c]->name,
                     sc.children[c]->format, (int)(sc.children[c]->flags & ARROW_FLAG_NULLABLE) / 2);
    r->schema = pf__buf_take(&b);
  }
  pf__buf_init(&b, 0);
  while (r->rc == 0) {
    struct ArrowArray a;
    r->rc = s->get_next(s, &a);
    if (r->rc != 0 || !a.release) break;
    r->batches++;
    for (int64_t i = 0; i < a.length; i++, r->rows_n++) {
      for (int64_t c = 0; c < a.n_children; c++) {
        if (c) pf__buf_putc(&b, '|');
        render_value(&b, sc.children[c]->format, a.children[c], i);
      }
      pf__buf_putc(&b, '\n');
    }
    a.release(&a);
  }
  r->rows = pf__buf_take(&b);
  if (r->rc) snprintf(r->error, sizeof r->error, "%s", s->get_last_error(s));
  if (sc.release) sc.release(&sc);
  s->release(s);
}

static void rendered_free(rendered *r) {
  free(r->schema);
  free(r->rows);
}

static pf_options *opts_for(const char *path) {
  pf_options *o = pf_options_new();
  if (path && pf_options_set(o, "input.path", path, NULL) != PF_OK) exit(1);
  return o;
}

#define TYPES_SCHEMA                                                             \
  "id:l:1,price:g:1,ok:b:1,day:tdD:1,at:tsu::1,utc:tsu:UTC:1,name:u:1"
#define TYPES_ROWS                                                               \
  "1|1.5|true|d19782|1704103200000000|1704103200000000|'ann'\n"                  \
  "2|NULL|false|d10956|1704153600000000|1704103200000000|'b,c'\n"                \
  "3|-2.25|NULL|d10957|NULL|NULL|NULL\n"

TEST_IMPL(csv_schema_then_batches) {
  const char *p = test_write_file("types.csv", TYPES_CSV, sizeof TYPES_CSV - 1);
  pf_options *o = opts_for(p);
  struct ArrowArrayStream s;
  pf_error err;
  ASSERT_OK(pf_stream_open(o, &s, &err));
  pf_options_free(o); /* the stream keeps its own copy */
  rendered r;
  consume(&s, &r);
  ASSERT_EQ(r.rc, 0);
  ASSERT(s.release == NULL);
  ASSERT_STR_EQ(r.schema, TYPES_SCHEMA);
  ASSERT_STR_EQ(r.rows, TYPES_ROWS);
  rendered_free(&r);
}

/* The same rows from a path, a descriptor (file and pipe), a buffer, and a
 * gzip-compressed buffer; a borrowed descriptor keeps its offset. */
TEST_IMPL(path_fd_pipe_buffer) {
  const char *p = test_write_file("in.csv", TYPES_CSV, sizeof TYPES_CSV - 1);
  rendered r;
  struct ArrowArrayStream s;

  int fd = open(p, O_RDONLY);
  ASSERT(lseek(fd, 5, SEEK_SET) == 5);
  pf_options *o = opts_for(NULL);
  pf_options_set_input_fd(o, fd);
  ASSERT_OK(pf_stream_open(o, &s, NULL));
  consume(&s, &r);
  ASSERT_EQ(r.rc, 0);
  ASSERT_STR_EQ(r.rows, TYPES_ROWS);
  rendered_free(&r);
  ASSERT_EQ(lseek(fd, 0, SEEK_CUR), 5); /* not moved, not closed */
  close(fd);

  int pipefd[2];
  ASSERT(pipe(pipefd) == 0);
  ASSERT(write(pipefd[1], TYPES_CSV, sizeof TYPES_CSV - 1) == (ssize_t)(sizeof TYPES_CSV - 1));
  close(pipefd[1]);
  pf_options_set_input_fd(o, pipefd[0]);
  ASSERT_OK(pf_stream_open(o, &s, NULL));
  consume(&s, &r);
  ASSERT_STR_EQ(r.rows, TYPES_ROWS);
  rendered_free(&r);
  close(pipefd[0]);

  pf_options_set_input_buffer(o, TYPES_CSV, sizeof TYPES_CSV - 1);
  ASSERT_OK(pf_stream_open(o, &s, NULL));
  consume(&s, &r);
  ASSERT_STR_EQ(r.schema, TYPES_SCHEMA);
  ASSERT_STR_EQ(r.rows, TYPES_ROWS);
  rendered_free(&r);

  /* compressed bytes are recognised by content */
  uLongf zn = compressBound(sizeof TYPES_CSV) + 32;
  unsigned char *z = malloc(zn);
  z_stream zs;
  memset(&zs, 0, sizeof zs);
  ASSERT(deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  zs.next_in = (Bytef *)TYPES_CSV;
  zs.avail_in = sizeof TYPES_CSV - 1;
  zs.next_out = z;
  zs.avail_out = (uInt)zn;
  ASSERT(deflate(&zs, Z_FINISH) == Z_STREAM_END);
  size_t zlen = zs.total_out;
  deflateEnd(&zs);
  pf_options_set_input_buffer(o, z, zlen);
  ASSERT_OK(pf_options_set(o, "input.path", "named.csv.gz", NULL)); /* names it */
  ASSERT_OK(pf_stream_open(o, &s, NULL));
  consume(&s, &r);
  ASSERT_STR_EQ(r.rows, TYPES_ROWS);
  rendered_free(&r);
  free(z);
  pf_options_free(o);
}

/* lo_sales.xlsx: Sales and Hidden have different headers (two outputs),
 * Empty holds no rows. */
TEST_IMPL(workbook_tables) {
  const char *book = PF_TEST_DATA_DIR "/xlsx/lo_sales.xlsx";
  pf_options *o = opts_for(book);
  pf_table_list tl;
  ASSERT_OK(pf_tables_list(o, &tl, NULL));
  ASSERT_EQ(tl.n_tables, 3);
  ASSERT_EQ(tl.n_groups, 2);
  ASSERT_STR_EQ(tl.tables[0].name, "Sales");
  ASSERT_STR_EQ(tl.tables[0].group, "Sales");
  ASSERT_EQ(tl.tables[0].selected, 1);
  ASSERT_STR_EQ(tl.tables[1].name, "Hidden");
  ASSERT_EQ(tl.tables[1].hidden, 1);
  ASSERT_STR_EQ(tl.tables[1].group, "Hidden");
  ASSERT_STR_EQ(tl.tables[2].name, "Empty");
  ASSERT(tl.tables[2].group == NULL);
  ASSERT_EQ(tl.tables[2].selected, 0);
  pf_table_list_free(&tl);

  /* two outputs and no choice: an error naming the groups and the keys */
  struct ArrowArrayStream s;
  pf_error err;
  ASSERT_EQ(pf_stream_open(o, &s, &err), PF_EINVAL);
  ASSERT(strstr(err.message, "(Sales), (Hidden)") != NULL);
  ASSERT(strstr(err.message, "stream.table") != NULL);
  ASSERT(strstr(err.file, "lo_sales.xlsx") != NULL);
  ASSERT(s.release == NULL);

  rendered r;
  ASSERT_OK(pf_options_set(o, "stream.table", "hidden", NULL)); /* case ignored */
  ASSERT_OK(pf_stream_open(o, &s, &err));
  consume(&s, &r);
  ASSERT_EQ(r.rc, 0);
  ASSERT(r.rows_n >= 1);
  char *hidden_rows = r.rows;
  r.rows = NULL;
  rendered_free(&r);

  /* the same sheet chosen by excel.sheets gives the same rows */
  ASSERT_OK(pf_options_reset(o, "stream.table", NULL));
  ASSERT_OK(pf_options_set(o, "excel.sheets", "Hidden", NULL));
  ASSERT_OK(pf_stream_open(o, &s, &err));
  consume(&s, &r);
  ASSERT_STR_EQ(r.rows, hidden_rows);
  rendered_free(&r);
  free(hidden_rows);

  ASSERT_OK(pf_options_set(o, "stream.table", "Nope", NULL));
  ASSERT_EQ(pf_stream_open(o, &s, &err), PF_ENOTFOUND);
  ASSERT(strstr(err.message, "no table named 'Nope'") != NULL);
  pf_options_free(o);

  /* stream.table on a CSV is a mistake, not ignored */
  const char *p = test_write_file("one.csv", TYPES_CSV, sizeof TYPES_CSV - 1);
  o = opts_for(p);
  ASSERT_OK(pf_options_set(o, "stream.table", "x", NULL));
  ASSERT_EQ(pf_stream_open(o, &s, &err), PF_EINVAL);
  ASSERT(strstr(err.message, "stream.table applies to") != NULL);
  ASSERT_OK(pf_tables_list(o, &tl, NULL));
  ASSERT_EQ(tl.n_tables, 0);
  ASSERT_EQ(tl.n_groups, 1);
  pf_table_list_free(&tl);
  pf_options_free(o);
}

TEST_IMPL(errors_carry_their_place) {
  pf_options *o = opts_for(test_tmp_path("missing.csv"));
  struct ArrowArrayStream s;
  pf_error err;
  ASSERT_EQ(pf_stream_open(o, &s, &err), PF_ENOTFOUND);
  ASSERT(strstr(err.file, "missing.csv") != NULL);
  pf_options_free(o);

  /* a bad row past the held-back window fails get_next, stickily */
  pf__buf b;
  pf__buf_init(&b, 0);
  pf__buf_puts(&b, "a,b\n");
  for (int i = 0; i < 100000; i++) pf__buf_printf(&b, "%d,%d\n", i, i);
  pf__buf_puts(&b, "1,2,3\n");
  const char *p = test_write_file("bad.csv", (const char *)b.data, b.len);
  pf__buf_free(&b);
  o = opts_for(p);
  ASSERT_OK(pf_options_set(o, "stream.holdback", "0", NULL));
  ASSERT_OK(pf_options_set(o, "engine.threads", "1", NULL));
  ASSERT_OK(pf_stream_open(o, &s, &err));
  struct ArrowArray a;
  int rc;
  int64_t rows = 0;
  while ((rc = s.get_next(&s, &a)) == 0 && a.release) {
    rows += a.length;
    a.release(&a);
  }
  ASSERT_EQ(rc, EIO);
  ASSERT(rows < 100000);
  pf_error full;
  ASSERT_OK(pf_stream_error(&s, &full));
  ASSERT_EQ(full.status, PF_EBADROW);
  ASSERT_EQ(full.line, 100002);
  char text[4096];
  pf_error_format(&full, text, sizeof text);
  ASSERT_STR_EQ(s.get_last_error(&s), text);
  ASSERT(strstr(text, "bad.csv: line 100002") != NULL);
  ASSERT_EQ(s.get_next(&s, &a), EIO); /* sticky */
  struct ArrowSchema sc;
  ASSERT_EQ(s.get_schema(&s, &sc), EIO);
  s.release(&s);
  pf_options_free(o);

  struct ArrowArrayStream other = {0};
  ASSERT_EQ(pf_stream_error(&other, &full), PF_EINVAL);
}

/* n rows "i,i%1000" then a late row the sample cannot see (gzip is read
 * from the start only). */
static const char *late_gz(const char *name, int n, const char *late) {
  const char *p = test_tmp_path(name);
  gzFile g = gzopen(p, "wb1");
  gzputs(g, "a,b\n");
  char line[64];
  for (int i = 1; i <= n; i++) {
    snprintf(line, sizeof line, "%d,%d\n", i, i % 1000);
    gzputs(g, line);
  }
  gzputs(g, late);
  gzclose(g);
  return p;
}

TEST_IMPL(late_widening) {
  const char *p = late_gz("late.csv.gz", 400000, "400001,1.5\n");
  pf_options *o = opts_for(p);
  struct ArrowArrayStream s;
  rendered r;

  /* outside the window: the schema handed out cannot change, so an error
   * naming the column, the row and the way out */
  ASSERT_OK(pf_options_set(o, "stream.holdback", "0", NULL));
  ASSERT_OK(pf_stream_open(o, &s, NULL));
  consume(&s, &r);
  ASSERT_EQ(r.rc, EOVERFLOW);
  ASSERT_STR_EQ(r.schema, "a:l:1,b:l:1");
  ASSERT(strstr(r.error, "column 2 (b): widened from int64 to double at row 400001") != NULL);
  ASSERT(strstr(r.error, "stream.type_scan=full") != NULL);
  ASSERT(r.rows_n > 0 && r.rows_n < 400001);
  rendered_free(&r);

  /* inside the window (the default 64M holds the whole input): invisible */
  ASSERT_OK(pf_options_reset(o, "stream.holdback", NULL));
  ASSERT_OK(pf_stream_open(o, &s, NULL));
  struct ArrowSchema sc;
  ASSERT_EQ(s.get_schema(&s, &sc), 0);
  ASSERT_STR_EQ(sc.children[1]->format, "g");
  /* the note rides along as field metadata */
  const char *md = sc.children[1]->metadata;
  ASSERT(md != NULL);
  int32_t pairs, klen, vlen;
  memcpy(&pairs, md, 4);
  memcpy(&klen, md + 4, 4);
  memcpy(&vlen, md + 8 + klen, 4);
  ASSERT_EQ(pairs, 1);
  ASSERT(klen == 12 && !memcmp(md + 8, "pyforge.note", 12));
  char note[256];
  snprintf(note, sizeof note, "%.*s", vlen, md + 12 + klen);
  ASSERT(strstr(note, "widened from int64 to double at row 400001") != NULL);
  sc.release(&sc);
  consume(&s, &r);
  ASSERT_EQ(r.rc, 0);
  ASSERT_EQ(r.rows_n, 400001);
  ASSERT(strstr(r.rows, "\n400001|1.5\n") != NULL);
  rendered_free(&r);

  /* a full type scan first: no window needed */
  ASSERT_OK(pf_options_set(o, "stream.holdback", "0", NULL));
  ASSERT_OK(pf_options_set(o, "stream.type_scan", "full", NULL));
  ASSERT_OK(pf_stream_open(o, &s, NULL));
  consume(&s, &r);
  ASSERT_EQ(r.rc, 0);
  ASSERT_STR_EQ(r.schema, "a:l:1,b:g:1");
  ASSERT_EQ(r.rows_n, 400001);
  rendered_free(&r);
  pf_options_free(o);
}

TEST_IMPL(cancel) {
  const char *p = test_write_file("c.csv", TYPES_CSV, sizeof TYPES_CSV - 1);
  pf_options *o = opts_for(p);
  pf_cancel *c = pf_cancel_new();
  pf_options_set_cancel(o, c);
  struct ArrowArrayStream s;
  pf_error err;
  ASSERT_OK(pf_options_set(o, "stream.holdback", "0", NULL));
  ASSERT_OK(pf_stream_open(o, &s, &err));
  pf_cancel_request(c); /* between batches */
  struct ArrowArray a;
  ASSERT_EQ(s.get_next(&s, &a), ECANCELED);
  ASSERT(a.release == NULL);
  ASSERT(strstr(s.get_last_error(&s), "canceled") != NULL);
  s.release(&s);
  /* requested before open: the open stops */
  ASSERT_OK(pf_options_reset(o, "stream.holdback", NULL));
  ASSERT_EQ(pf_stream_open(o, &s, &err), PF_ECANCELED);
  pf_cancel_clear(c);
  ASSERT_OK(pf_stream_open(o, &s, &err));
  s.release(&s);
  pf_options_free(o);
  pf_cancel_free(c);
}

/* The consumer is another thread: it reads and releases the stream; the
 * arrays it kept are released here after the stream is gone. */
typedef struct consumer {
  struct ArrowArrayStream *s;
  struct ArrowArray kept[64];
  int n_kept;
  int rc;
} consumer;

static void *consume_thread(void *arg) {
  consumer *c = arg;
  struct ArrowSchema sc;
  c->rc = c->s->get_schema(c->s, &sc);
  if (c->rc == 0) sc.release(&sc);
  while (c->rc == 0 && c->n_kept < 64) {
    struct ArrowArray a;
    c->rc = c->s->get_next(c->s, &a);
    if (c->rc || !a.release) break;
    c->kept[c->n_kept++] = a;
  }
  c->s->release(c->s);
  return NULL;
}

TEST_IMPL(other_threads) {
  const char *p = late_gz("many.csv.gz", 300000, "");
  pf_options *o = opts_for(p);
  ASSERT_OK(pf_options_set(o, "stream.holdback", "1M", NULL));
  struct ArrowArrayStream s;
  ASSERT_OK(pf_stream_open(o, &s, NULL));
  pf_options_free(o);
  consumer c = {&s, {{0}}, 0, 0};
  pthread_t t;
  ASSERT(pthread_create(&t, NULL, consume_thread, &c) == 0);
  pthread_join(t, NULL);
  ASSERT_EQ(c.rc, 0);
  ASSERT(s.release == NULL);
  int64_t rows = 0, last = 0;
  for (int i = 0; i < c.n_kept; i++) {
    const struct ArrowArray *col = c.kept[i].children[0];
    const int64_t *v = col->buffers[1];
    for (int64_t k = 0; k < col->length; k++) ASSERT_EQ(v[k], ++last); /* in order */
    rows += c.kept[i].length;
    ASSERT(c.kept[i].length <= 65536);
    c.kept[i].release(&c.kept[i]);
  }
  ASSERT_EQ(rows, 300000);
}

int main(void) {
  const char *t = getenv("TMPDIR");
  snprintf(test_tmpdir, sizeof test_tmpdir, "%s/pf_stream_test_XXXXXX", t && *t ? t : "/tmp");
  if (!mkdtemp(test_tmpdir)) return 1;
  RUN_TEST(csv_schema_then_batches);
  RUN_TEST(path_fd_pipe_buffer);
  RUN_TEST(workbook_tables);
  RUN_TEST(errors_carry_their_place);
  RUN_TEST(late_widening);
  RUN_TEST(cancel);
  RUN_TEST(other_threads);
  char cmd[512];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", test_tmpdir);
  if (system(cmd) != 0) return 1;
  return TEST_SUMMARY();
}

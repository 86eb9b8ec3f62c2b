/* test_delta_writer.c - the Delta table writer driven the way the engine
 * drives it, with batches built here: commit of a new table, abort before
 * and after close() (nothing of the write left, the table unchanged, a
 * restart with open() again), conversions (time -> string, an int64 input
 * appended to a double column, exactness enforced), partitions by a time
 * column, a NOT NULL table column, and the log read back. */
#include <dirent.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/schema.h"
#include "engine/engine.h"
#include "test.h"
#include "writers/delta/delta_internal.h"
#include "writers/delta/delta_writer.h"

static char tmpdir[64];

/* Files under dir (recursively), _delta_log excluded. */
static int count_files(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) return 0;
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") || !strcmp(e->d_name, "_delta_log")) continue;
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
    struct stat sb;
    if (stat(p, &sb) == 0 && S_ISDIR(sb.st_mode)) n += count_files(p);
    else n++;
  }
  closedir(d);
  return n;
}

static pf_schema *schema2(const char *a, pf_type ta, const char *b, pf_type tb) {
  pf_schema *s = pf__schema_new(2);
  pf__schema_set(s, 0, a, ta, 1);
  pf__schema_set(s, 1, b, tb, 1);
  return s;
}

/* A batch of n rows: column 0 = i64 values v0+i, column 1 by type. */
static pf_batch *batch2(const pf_schema *s, size_t n, int64_t v0) {
  pf_batch *b;
  if (pf__batch_create(s, n, &b) != PF_OK) return NULL;
  for (size_t i = 0; i < n; i++) {
    pf__col_set_i64(&b->cols[0], i, v0 + (int64_t)i);
    if (i % 4 == 3) pf__col_set_null(&b->cols[1], i);
    else if (s->fields[1].type == PF_TYPE_STRING) pf__col_push_str(&b->cols[1], i, "x", 1);
    else pf__col_set_i64(&b->cols[1], i, (int64_t)(i % 3) * 3600000000LL + 1);
  }
  b->n_rows = n;
  return b;
}

typedef struct run {
  pf__opts o;
  void *w;
  pf_error err;
} run;

static pf_status open_w(run *r, const char *dir, const pf_schema *s) {
  pf_error_init(&r->err);
  pf__writer_env env = {NULL, dir, s, &r->o, NULL, NULL};
  return pf__delta_writer_ops.open(&env, &r->w, &r->err);
}

TEST_IMPL(create_abort_restart) {
  char dir[128];
  snprintf(dir, sizeof dir, "%s/t1", tmpdir);
  pf_schema *s = schema2("id", PF_TYPE_INT64, "at", PF_TYPE_TIME);
  pf_batch *b = batch2(s, 100, 0);
  run r;
  pf__opts_init(&r.o);
  /* abort in the middle: the directory we created goes too */
  ASSERT_OK(open_w(&r, dir, s));
  ASSERT_OK(pf__delta_writer_ops.write(r.w, b, &r.err));
  pf__delta_writer_ops.abort(r.w);
  ASSERT(access(dir, F_OK) != 0);
  /* abort after close (the engine's restart): files removed, then again */
  ASSERT_OK(open_w(&r, dir, s));
  ASSERT_OK(pf__delta_writer_ops.write(r.w, b, &r.err));
  ASSERT_OK(pf__delta_writer_ops.close(r.w, &r.err));
  ASSERT_EQ(count_files(dir), 1);
  pf__delta_writer_ops.abort(r.w);
  ASSERT(access(dir, F_OK) != 0);
  ASSERT_OK(open_w(&r, dir, s));
  ASSERT_OK(pf__delta_writer_ops.write(r.w, b, &r.err));
  ASSERT_OK(pf__delta_writer_ops.close(r.w, &r.err));
  pf__commit_info ci = {-1, 0, 0};
  ASSERT_OK(pf__delta_writer_ops.commit(r.w, &ci, &r.err));
  ASSERT_EQ(ci.version, 0);
  ASSERT(pf__delta_is_table(dir));
  /* the time column is a string column in Delta; its stats say so */
  pf__delta_state st;
  ASSERT_OK(pf__delta_log_read(dir, &st, NULL, &r.err));
  ASSERT_EQ(st.version, 0);
  ASSERT_EQ(st.n_adds, 1);
  ASSERT(strstr(st.metadata.schema_string, "{\"name\":\"at\",\"type\":\"string\""));
  ASSERT(strstr(st.adds[0].stats, "\"minValues\":{\"id\":0,\"at\":\"00:00:00.000001\"}"));
  ASSERT(strstr(st.adds[0].stats, "\"nullCount\":{\"id\":0,\"at\":25}"));
  pf__delta_state_free(&st);
  /* an append aborted after close leaves version 0 and its one file */
  r.o.delta.mode = PF_TABLE_APPEND;
  ASSERT_OK(open_w(&r, dir, s));
  ASSERT_OK(pf__delta_writer_ops.write(r.w, b, &r.err));
  ASSERT_OK(pf__delta_writer_ops.close(r.w, &r.err));
  ASSERT_EQ(count_files(dir), 2);
  pf__delta_writer_ops.abort(r.w);
  ASSERT_EQ(count_files(dir), 1);
  ASSERT_OK(pf__delta_log_read(dir, &st, NULL, &r.err));
  ASSERT_EQ(st.version, 0);
  pf__delta_state_free(&st);
  /* a first write killed before its commit left _delta_log (empty) and an
   * orphan data file: the directory is still a table to write */
  char dir5[128], orphan[200];
  snprintf(dir5, sizeof dir5, "%s/t5", tmpdir);
  ASSERT_OK(pf__delta_mkdirs(tmpdir, "t5/_delta_log", NULL, NULL));
  snprintf(orphan, sizeof orphan, "%s/part-00000-orphan-c000.snappy.parquet", dir5);
  FILE *f = fopen(orphan, "w");
  ASSERT(f != NULL);
  fclose(f);
  r.o.delta.mode = PF_TABLE_ERROR;
  ASSERT_OK(open_w(&r, dir5, s));
  ASSERT_OK(pf__delta_writer_ops.write(r.w, b, &r.err));
  ASSERT_OK(pf__delta_writer_ops.close(r.w, &r.err));
  ASSERT_OK(pf__delta_writer_ops.commit(r.w, &ci, &r.err));
  ASSERT_EQ(ci.version, 0);
  pf__batch_free(b);
  pf_schema_free(s);
}

TEST_IMPL(append_int_to_double_and_partitions) {
  char dir[128];
  snprintf(dir, sizeof dir, "%s/t2", tmpdir);
  pf_schema *sd = schema2("k", PF_TYPE_INT64, "x", PF_TYPE_DOUBLE);
  pf_batch *bd;
  ASSERT_OK(pf__batch_create(sd, 2, &bd));
  pf__col_set_i64(&bd->cols[0], 0, 1);
  pf__col_set_f64(&bd->cols[1], 0, 0.5);
  pf__col_set_i64(&bd->cols[0], 1, 2);
  pf__col_set_f64(&bd->cols[1], 1, 1.5);
  bd->n_rows = 2;
  run r;
  pf__opts_init(&r.o);
  static const char *const parts[] = {"k"};
  r.o.delta.partition_by = parts;
  r.o.delta.n_partition_by = 1;
  ASSERT_OK(open_w(&r, dir, sd));
  ASSERT_OK(pf__delta_writer_ops.write(r.w, bd, &r.err));
  ASSERT_OK(pf__delta_writer_ops.close(r.w, &r.err));
  pf__commit_info ci = {-1, 0, 0};
  ASSERT_OK(pf__delta_writer_ops.commit(r.w, &ci, &r.err));
  ASSERT_EQ(count_files(dir), 2); /* k=1/, k=2/ */
  /* an int64 column appended to the double column: exact values pass */
  pf_schema *si = schema2("k", PF_TYPE_INT64, "x", PF_TYPE_INT64);
  pf_batch *bi;
  ASSERT_OK(pf__batch_create(si, 1, &bi));
  pf__col_set_i64(&bi->cols[0], 0, 1);
  pf__col_set_i64(&bi->cols[1], 0, 7);
  bi->n_rows = 1;
  r.o.delta.mode = PF_TABLE_APPEND;
  r.o.delta.n_partition_by = 0;
  ASSERT_OK(open_w(&r, dir, si));
  ASSERT_OK(pf__delta_writer_ops.write(r.w, bi, &r.err));
  ASSERT_OK(pf__delta_writer_ops.close(r.w, &r.err));
  ASSERT_OK(pf__delta_writer_ops.commit(r.w, &ci, &r.err));
  ASSERT_EQ(ci.version, 1);
  /* ... and one without an exact double is refused naming it */
  pf__col_set_i64(&bi->cols[1], 0, (INT64_C(1) << 53) + 1);
  ASSERT_OK(open_w(&r, dir, si));
  ASSERT_EQ(pf__delta_writer_ops.write(r.w, bi, &r.err), PF_EOUTPUT);
  ASSERT(strstr(r.err.message, "9007199254740993") && strstr(r.err.message, "does not fit"));
  pf__delta_writer_ops.abort(r.w);
  ASSERT_EQ(count_files(dir), 3);
  /* partitioning by a double column is refused */
  char dir3[128];
  snprintf(dir3, sizeof dir3, "%s/t3", tmpdir);
  static const char *const px[] = {"x"};
  r.o.delta.mode = PF_TABLE_ERROR;
  r.o.delta.partition_by = px;
  r.o.delta.n_partition_by = 1;
  ASSERT_EQ(open_w(&r, dir3, sd), PF_EUNSUPPORTED);
  ASSERT(access(dir3, F_OK) != 0);
  pf__batch_free(bd);
  pf__batch_free(bi);
  pf_schema_free(sd);
  pf_schema_free(si);
}

TEST_IMPL(not_null_column) {
  char dir[128];
  snprintf(dir, sizeof dir, "%s/t4", tmpdir);
  char log[160];
  snprintf(log, sizeof log, "%s/_delta_log", dir);
  ASSERT_OK(pf__delta_mkdirs(tmpdir, "t4/_delta_log", NULL, NULL));
  const char *c0 =
      "{\"protocol\":{\"minReaderVersion\":1,\"minWriterVersion\":2}}\n"
      "{\"metaData\":{\"id\":\"t\",\"format\":{\"provider\":\"parquet\",\"options\":{}},\"schemaString\":"
      "\"{\\\"type\\\":\\\"struct\\\",\\\"fields\\\":[{\\\"name\\\":\\\"id\\\",\\\"type\\\":\\\"long\\\","
      "\\\"nullable\\\":false,\\\"metadata\\\":{}},{\\\"name\\\":\\\"s\\\",\\\"type\\\":\\\"string\\\","
      "\\\"nullable\\\":true,\\\"metadata\\\":{}}]}\",\"partitionColumns\":[],\"configuration\":{}}}\n";
  ASSERT_OK(pf__delta_commit_file(dir, 0, c0, strlen(c0), 0, NULL));
  pf_schema *s = schema2("s", PF_TYPE_STRING, "id", PF_TYPE_INT64);
  run r;
  pf__opts_init(&r.o);
  r.o.delta.mode = PF_TABLE_APPEND;
  /* input columns in another order are matched by name */
  pf_batch *b;
  ASSERT_OK(pf__batch_create(s, 2, &b));
  pf__col_push_str(&b->cols[0], 0, "a", 1);
  pf__col_set_i64(&b->cols[1], 0, 1);
  pf__col_push_str(&b->cols[0], 1, "b", 1);
  pf__col_set_null(&b->cols[1], 1);
  b->n_rows = 2;
  ASSERT_OK(open_w(&r, dir, s));
  /* a bad row of the input (exit 1), not a bad argument (exit 2) */
  ASSERT_EQ(pf__delta_writer_ops.write(r.w, b, &r.err), PF_EBADROW);
  ASSERT(strstr(r.err.message, "NOT NULL"));
  ASSERT_EQ(r.err.row, 2);
  pf__delta_writer_ops.abort(r.w);
  ASSERT_EQ(count_files(dir), 0);
  /* a table column the input lacks, NOT NULL: refused at open */
  pf_schema *s1 = pf__schema_new(1);
  pf__schema_set(s1, 0, "s", PF_TYPE_STRING, 1);
  ASSERT_EQ(open_w(&r, dir, s1), PF_EOUTPUT);
  ASSERT(strstr(r.err.message, "NOT NULL"));
  pf_schema_free(s1);
  pf__batch_free(b);
  pf_schema_free(s);
}

int main(void) {
  snprintf(tmpdir, sizeof tmpdir, "/tmp/pf-test-dw-XXXXXX");
  if (!mkdtemp(tmpdir)) return 2;
  RUN_TEST(create_abort_restart);
  RUN_TEST(append_int_to_double_and_partitions);
  RUN_TEST(not_null_column);
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
  if (system(cmd) != 0) return 2;
  return TEST_SUMMARY();
}

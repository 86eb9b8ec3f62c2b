/* test_core.c - status table, errors, buffers, schema, batches, pool. */
#include <stdatomic.h>

#include "core/batch.h"
#include "core/buf.h"
#include "core/json.h"
#include "core/pool.h"
#include "test.h"

TEST_IMPL(status_table) {
  ASSERT_STR_EQ(pf_status_name(PF_EPARSE), "EPARSE");
  ASSERT_STR_EQ(pf_status_str(PF_OK), "success");
  ASSERT_EQ(PF_EEXIST, 200);
  ASSERT_STR_EQ(pf_status_str((pf_status)12345), "unknown status");
}

TEST_IMPL(error_format) {
  pf_error e;
  pf_error_init(&e);
  pf__error_set(&e, PF_EBADROW, "3 fields where the header has 2");
  pf__error_file(&e, "data.csv");
  pf__error_place(&e, 7, 8, -1, 120);
  char buf[256];
  pf_error_format(&e, buf, sizeof buf);
  ASSERT_STR_EQ(buf, "data.csv: line 8, row 7: 3 fields where the header has 2");
  pf__error_place(&e, -1, -1, 3, -1);
  pf__error_column_name(&e, "price");
  pf_error_format(&e, buf, sizeof buf);
  ASSERT_STR_EQ(buf, "data.csv: column 3 (price): 3 fields where the header has 2");
}

TEST_IMPL(buf_cap) {
  pf__buf b;
  pf__buf_init(&b, 10);
  ASSERT_OK(pf__buf_puts(&b, "0123456789"));
  ASSERT_EQ(pf__buf_putc(&b, 'x'), PF_ELIMIT);
  ASSERT_EQ(b.len, 10);
  b.len = 0;
  ASSERT_OK(pf__buf_printf(&b, "%d-%s", 42, "ab"));
  ASSERT_STR_EQ((char *)b.data, "42-ab");
  pf__buf_free(&b);
}

TEST_IMPL(json_escape) {
  pf__buf b;
  pf__buf_init(&b, 0);
  ASSERT_OK(pf__json_str(&b, "a\"b\\c\n\x01", 7));
  ASSERT_STR_EQ((char *)b.data, "\"a\\\"b\\\\c\\n\\u0001\"");
  pf__buf_free(&b);
}

TEST_IMPL(batch_strings_and_nulls) {
  pf_schema *s = pf__schema_new(2);
  ASSERT(s);
  ASSERT_OK(pf__schema_set(s, 0, "id", PF_TYPE_INT64, 1));
  ASSERT_OK(pf__schema_set(s, 1, "name", PF_TYPE_STRING, 1));
  pf_batch *b;
  ASSERT_OK(pf__batch_create(s, 4, &b));
  pf__col_set_i64(&b->cols[0], 0, -5);
  pf__col_set_null(&b->cols[0], 1);
  ASSERT_OK(pf__col_push_str(&b->cols[1], 0, "héllo", 6));
  pf__col_set_null(&b->cols[1], 1);
  b->n_rows = 2;
  size_t n;
  const uint8_t *p = pf__col_str(&b->cols[1], 0, &n);
  ASSERT_EQ(n, 6);
  ASSERT_MEM_EQ(p, "héllo", 6);
  pf__col_str(&b->cols[1], 1, &n);
  ASSERT_EQ(n, 0);
  ASSERT_EQ(pf__col_i64(&b->cols[0], 0), -5);
  ASSERT(!pf__col_is_valid(&b->cols[0], 1));
  ASSERT_EQ(b->cols[1].null_count, 1);
  /* retype keeps allocations and clears */
  ASSERT_OK(pf__schema_set(s, 0, "id", PF_TYPE_DOUBLE, 1));
  ASSERT_OK(pf__batch_reset(b, s));
  ASSERT_EQ(b->n_rows, 0);
  ASSERT_EQ(b->cols[1].null_count, 0);
  pf__col_set_f64(&b->cols[0], 3, 2.5);
  ASSERT_DBL_EQ(pf__col_f64(&b->cols[0], 3), 2.5);
  pf__batch_free(b);
  pf_schema_free(s);
}

TEST_IMPL(schema_note_and_copy) {
  pf_schema *s = pf__schema_new(1);
  ASSERT_OK(pf__schema_set(s, 0, "x", PF_TYPE_INT64, 0));
  ASSERT_OK(pf__schema_note(s, 0, "widened at row %d", 5));
  ASSERT_OK(pf__schema_note(s, 0, "again"));
  pf_schema *c = pf__schema_copy(s);
  ASSERT_STR_EQ(c->fields[0].note, "widened at row 5; again");
  ASSERT_EQ(pf__schema_find(c, "x"), 0);
  ASSERT_EQ(pf__schema_find(c, "y"), -1);
  pf_schema_free(s);
  pf_schema_free(c);
}

static atomic_int hits[1000];
static void count_task(void *arg, size_t i) {
  (void)arg;
  atomic_fetch_add(&hits[i], 1);
}

TEST_IMPL(pool_runs_each_task_once) {
  pf__pool *p;
  ASSERT_OK(pf__pool_create(3, &p));
  ASSERT_EQ(pf__pool_size(p), 3);
  for (int round = 0; round < 50; round++) pf__pool_run(p, 1000, count_task, NULL);
  for (int i = 0; i < 1000; i++) ASSERT_EQ(atomic_load(&hits[i]), 50);
  pf__pool_free(p);
}

int main(void) {
  RUN_TEST(status_table);
  RUN_TEST(error_format);
  RUN_TEST(buf_cap);
  RUN_TEST(json_escape);
  RUN_TEST(batch_strings_and_nulls);
  RUN_TEST(schema_note_and_copy);
  RUN_TEST(pool_runs_each_task_once);
  return TEST_SUMMARY();
}

/* test_csv_header.c - header detection and column names. */
#include "csv_test_util.h"
#include "readers/csv/csv_internal.h"

TEST_IMPL(header_detected_over_types) {
  const char *p = CSVT_FILE("h1.csv", "id,price,day\n1,2.5,2024-01-01\n2,3,2024-01-02\n");
  csvt_result r;
  csvt_read(p, NULL, 1, &r);
  ASSERT_STR_EQ(r.schema, "id:int64,price:double,day:date");
  ASSERT_EQ(r.n_rows, 2);
  csvt_free(&r);
}

TEST_IMPL(no_header_when_first_row_fits) {
  const char *p = CSVT_FILE("h2.csv", "1,2.5,2024-01-01\n2,3,2024-01-02\n");
  csvt_result r;
  csvt_read(p, NULL, 1, &r);
  ASSERT_STR_EQ(r.schema, "Column_1:int64,Column_2:double,Column_3:date");
  ASSERT_ROWS(r, "1|2.5|2024-01-01\n2|3|2024-01-02\n");
  csvt_free(&r);
  /* a numeric first row over a string column is data too */
  p = CSVT_FILE("h3.csv", "1,x\n2,y\n");
  csvt_read(p, NULL, 1, &r);
  ASSERT_STR_EQ(r.schema, "Column_1:int64,Column_2:string");
  ASSERT_EQ(r.n_rows, 2);
  csvt_free(&r);
}

TEST_IMPL(all_string_files) {
  const char *p = CSVT_FILE("h4.csv", "name,city\nalice,paris\nbob,rome\n");
  csvt_result r;
  csvt_read(p, NULL, 1, &r);
  ASSERT_STR_EQ(r.schema, "name:string,city:string");
  ASSERT_EQ(r.n_rows, 2);
  csvt_free(&r);
  /* an empty first-row value means data, not names */
  p = CSVT_FILE("h5.csv", "alice,,x\nbob,rome,y\n");
  csvt_read(p, NULL, 1, &r);
  ASSERT_STR_EQ(r.schema, "Column_1:string,Column_2:string,Column_3:string");
  ASSERT_EQ(r.n_rows, 2);
  csvt_free(&r);
}

TEST_IMPL(forced_header) {
  pf__opts o;
  csvt_options(&o);
  o.csv.header = 1;
  const char *p = CSVT_FILE("h6.csv", "1,2\n3,4\n");
  csvt_result r;
  csvt_read(p, &o, 1, &r);
  ASSERT_STR_EQ(r.schema, "1:int64,2:int64");
  ASSERT_ROWS(r, "3|4\n");
  csvt_free(&r);
  o.csv.header = 0;
  p = CSVT_FILE("h7.csv", "a,b\nc,d\n");
  csvt_read(p, &o, 1, &r);
  ASSERT_STR_EQ(r.schema, "Column_1:string,Column_2:string");
  ASSERT_ROWS(r, "'a'|'b'\n'c'|'d'\n");
  csvt_free(&r);
}

TEST_IMPL(names_empty_and_duplicate) {
  const char *p = CSVT_FILE("h8.csv", "a, ,a,a_2,\"\",A,b\n1,2,3,4,5,6,7\n");
  csvt_result r;
  csvt_read(p, NULL, 1, &r);
  ASSERT_STR_EQ(r.schema,
                "a:int64,Column_2:int64,a_3:int64,a_2:int64,Column_5:int64,A_4:int64,b:int64");
  csvt_free(&r);
  /* trimmed names; Column_N taken by a real header name */
  p = CSVT_FILE("h9.csv", " x ,,Column_2\n1,2,3\n");
  csvt_read(p, NULL, 1, &r);
  ASSERT_STR_EQ(r.schema, "x:int64,Column_2:int64,Column_2_2:int64");
  csvt_free(&r);
}

TEST_IMPL(names_function) {
  pf__csv_field f[3] = {{(const uint8_t *)"k", 1, 0, 0},
                        {(const uint8_t *)"k", 1, 2, 0},
                        {(const uint8_t *)"k_2", 3, 4, 0}};
  char **names;
  ASSERT_OK(pf__csv_column_names(f, 3, 4, 1, 0, &names));
  ASSERT_STR_EQ(names[0], "k");
  ASSERT_STR_EQ(names[1], "k_3");
  ASSERT_STR_EQ(names[2], "k_2");
  ASSERT_STR_EQ(names[3], "Column_4"); /* beyond the header's fields */
  pf__csv_names_free(names, 4);
  ASSERT_OK(pf__csv_column_names(f, 3, 2, 0, 0, &names));
  ASSERT_STR_EQ(names[0], "Column_1");
  ASSERT_STR_EQ(names[1], "Column_2");
  pf__csv_names_free(names, 2);
}

TEST_IMPL(header_only_file) {
  const char *p = CSVT_FILE("ho.csv", "id,name,price\n");
  csvt_result r;
  csvt_read(p, NULL, 2, &r);
  ASSERT_EQ(r.st, PF_OK);
  ASSERT_STR_EQ(r.schema, "id:string,name:string,price:string");
  ASSERT_EQ(r.n_rows, 0);
  ASSERT_EQ(r.n_batches, 0);
  csvt_free(&r);
  ASSERT_OK(csvt_info(p, NULL, &r));
  ASSERT_EQ(r.info.rows, 0);
  csvt_free(&r);
  /* without the final line break */
  p = CSVT_FILE("ho2.csv", "id,name");
  csvt_read(p, NULL, 2, &r);
  ASSERT_EQ(r.st, PF_OK);
  ASSERT_STR_EQ(r.schema, "id:string,name:string");
  ASSERT_EQ(r.n_rows, 0);
  csvt_free(&r);
}

int main(void) {
  RUN_TEST(header_detected_over_types);
  RUN_TEST(no_header_when_first_row_fits);
  RUN_TEST(all_string_files);
  RUN_TEST(forced_header);
  RUN_TEST(names_empty_and_duplicate);
  RUN_TEST(names_function);
  RUN_TEST(header_only_file);
  csvt_cleanup();
  return TEST_SUMMARY();
}

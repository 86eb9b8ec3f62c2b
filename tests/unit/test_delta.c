/* test_delta.c - the Delta writer's parts that need no reader: partition
 * directory escaping and add-path encoding, schemaString parsing and
 * writing, type mapping, per-file statistics (string prefixes, timestamp
 * rounding, NaN), log replay (reconciliation of add/remove/metaData),
 * exclusive commit files (both strategies) and the text helpers. */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/schema.h"
#include "test.h"
#include "writers/delta/delta_internal.h"

static char tmpdir[64];

static const char *esc(const char *v) {
  static pf__buf b;
  pf__buf_free(&b);
  pf__buf_init(&b, 0);
  pf__delta_part_dir_escape(&b, v);
  pf__buf_putc(&b, 0);
  return (const char *)b.data;
}

static const char *uri(const char *v) {
  static pf__buf b;
  pf__buf_free(&b);
  pf__buf_init(&b, 0);
  pf__delta_uri_encode(&b, v, strlen(v));
  pf__buf_putc(&b, 0);
  return (const char *)b.data;
}

TEST_IMPL(partition_escaping) {
  ASSERT_STR_EQ(esc(NULL), "__HIVE_DEFAULT_PARTITION__");
  ASSERT_STR_EQ(esc("plain"), "plain");
  ASSERT_STR_EQ(esc("a b"), "a b");
  ASSERT_STR_EQ(esc("x/y:z%=?"), "x%2Fy%3Az%25%3D%3F");
  ASSERT_STR_EQ(esc("#'*\\{[]^\""), "%23%27%2A%5C%7B%5B%5D%5E%22");
  ASSERT_STR_EQ(esc("tab\there\x7f"), "tab%09here%7F");
  ASSERT_STR_EQ(esc("\xc3\xa9"), "\xc3\xa9"); /* non-ASCII stays in the directory name */
  ASSERT_STR_EQ(uri("k=a b/d=x%2Fy/part-0.parquet"), "k=a%20b/d=x%252Fy/part-0.parquet");
  ASSERT_STR_EQ(uri("k=\xc3\xa9"), "k=%C3%A9");
}

TEST_IMPL(schema_parse_and_write) {
  const char *s =
      "{\"type\":\"struct\",\"fields\":["
      "{\"name\":\"a\",\"type\":\"long\",\"nullable\":true,\"metadata\":{}},"
      "{\"name\":\"b\",\"type\":\"integer\",\"nullable\":false,\"metadata\":{\"comment\":\"x\"}},"
      "{\"name\":\"c\",\"type\":\"decimal(10,2)\",\"nullable\":true,\"metadata\":{}},"
      "{\"name\":\"d\",\"type\":\"timestamp_ntz\",\"nullable\":true,\"metadata\":{}},"
      "{\"name\":\"e\",\"type\":{\"type\":\"array\",\"elementType\":\"string\",\"containsNull\":true},"
      "\"nullable\":true,\"metadata\":{}}]}";
  pf__delta_schema ds;
  pf_error err;
  pf_error_init(&err);
  ASSERT_OK(pf__delta_schema_parse(s, &ds, &err));
  ASSERT_EQ(ds.n, 5);
  ASSERT_EQ(ds.f[0].pf, PF_TYPE_INT64);
  ASSERT_EQ(ds.f[1].pf, PF_TYPE_INT64);
  ASSERT_EQ(ds.f[1].nullable, 0);
  ASSERT_EQ(ds.f[2].pf, PF_TYPE_DECIMAL);
  ASSERT_EQ(ds.f[2].precision, 10);
  ASSERT_EQ(ds.f[2].scale, 2);
  ASSERT_EQ(ds.f[3].pf, PF_TYPE_TIMESTAMP);
  ASSERT_EQ(ds.f[4].pf, PF_TYPE_COUNT_);
  ASSERT_EQ(pf__delta_schema_find(&ds, "B"), 1); /* case-insensitive */
  ASSERT_EQ(pf__delta_schema_find(&ds, "zz"), -1);
  pf__buf b;
  pf__buf_init(&b, 0);
  ASSERT_OK(pf__delta_schema_json(&ds, &b, &err));
  pf__buf_putc(&b, 0);
  ASSERT_STR_EQ((const char *)b.data, s); /* written back unchanged */
  pf__buf_free(&b);
  pf_schema *ps;
  ASSERT_OK(pf__delta_schema_to_pf(&ds, &ps, &err));
  ASSERT_EQ(ps->fields[4].type, PF_TYPE_STRING);
  ASSERT(ps->fields[4].note && strstr(ps->fields[4].note, "not a flat type"));
  ASSERT(ps->fields[1].note && strstr(ps->fields[1].note, "integer"));
  ASSERT(ps->fields[0].note == NULL);
  pf_schema_free(ps);
  pf__delta_schema_free(&ds);
  ASSERT_EQ(pf__delta_schema_parse("{\"type\":\"array\"}", &ds, &err), PF_EPARSE);
  ASSERT(pf__delta_schema_parse("{bad", &ds, &err) != PF_OK);
}

TEST_IMPL(type_mapping) {
  static const struct { pf_type t; int ntz; const char *delta; pf_type pf; } cases[] = {
      {PF_TYPE_BOOL, 0, "boolean", PF_TYPE_BOOL},       {PF_TYPE_INT64, 0, "long", PF_TYPE_INT64},
      {PF_TYPE_DOUBLE, 0, "double", PF_TYPE_DOUBLE},    {PF_TYPE_DATE, 0, "date", PF_TYPE_DATE},
      {PF_TYPE_TIMESTAMP, 0, "timestamp", PF_TYPE_TIMESTAMP_UTC},
      {PF_TYPE_TIMESTAMP, 1, "timestamp_ntz", PF_TYPE_TIMESTAMP},
      {PF_TYPE_TIMESTAMP_UTC, 1, "timestamp", PF_TYPE_TIMESTAMP_UTC},
      {PF_TYPE_TIME, 0, "string", PF_TYPE_STRING},      {PF_TYPE_NULL, 0, "string", PF_TYPE_STRING},
      {PF_TYPE_STRING, 0, "string", PF_TYPE_STRING},    {PF_TYPE_BINARY, 0, "binary", PF_TYPE_BINARY},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    pf_field f = {.name = "c", .type = cases[i].t, .nullable = 1};
    pf__delta_field d;
    memset(&d, 0, sizeof d);
    ASSERT_OK(pf__delta_field_from_pf(&f, cases[i].ntz, &d, NULL));
    ASSERT_STR_EQ(d.type, cases[i].delta);
    ASSERT_EQ(d.pf, cases[i].pf);
    free(d.type);
  }
  pf_field dec = {.name = "c", .type = PF_TYPE_DECIMAL, .nullable = 1, .precision = 38, .scale = 10};
  pf__delta_field d;
  memset(&d, 0, sizeof d);
  ASSERT_OK(pf__delta_field_from_pf(&dec, 0, &d, NULL));
  ASSERT_STR_EQ(d.type, "decimal(38,10)");
  free(d.type);
}

static char *stats_of(pf_schema *s, pf_batch *b) {
  pf__delta_stats st;
  if (pf__delta_stats_init(&st, s->n_fields) != PF_OK) return NULL;
  pf__delta_stats_add(&st, s, b);
  pf__buf out;
  pf__buf_init(&out, 0);
  pf__delta_stats_json(&st, s, &out);
  pf__delta_stats_free(&st);
  pf__buf_putc(&out, 0);
  return pf__buf_take(&out);
}

TEST_IMPL(stats) {
  pf_schema *s = pf__schema_new(5);
  pf__schema_set(s, 0, "i", PF_TYPE_INT64, 1);
  pf__schema_set(s, 1, "s", PF_TYPE_STRING, 1);
  pf__schema_set(s, 2, "t", PF_TYPE_TIMESTAMP_UTC, 1);
  pf__schema_set(s, 3, "d", PF_TYPE_DOUBLE, 1);
  pf__schema_set(s, 4, "b", PF_TYPE_BOOL, 1);
  pf_batch *b;
  ASSERT_OK(pf__batch_create(s, 4, &b));
  const char *strs[] = {"zeta", "alpha", NULL, "zeta0123456789012345678901234567890123456789"};
  int64_t ts[] = {1500, -1500, 0, 86400000000LL};
  for (size_t r = 0; r < 4; r++) {
    pf__col_set_i64(&b->cols[0], r, (int64_t)r * 10 - 5);
    if (strs[r]) pf__col_push_str(&b->cols[1], r, strs[r], strlen(strs[r]));
    else pf__col_set_null(&b->cols[1], r);
    pf__col_set_i64(&b->cols[2], r, ts[r]);
    pf__col_set_f64(&b->cols[3], r, r == 2 ? 0.0 / 0.0 : 1.5);
    pf__col_set_bool(&b->cols[4], r, 1);
  }
  b->n_rows = 4;
  char *j = stats_of(s, b);
  ASSERT_STR_EQ(j,
                "{\"numRecords\":4,\"minValues\":{\"i\":-5,\"s\":\"alpha\",\"t\":\"1969-12-31T23:59:59.998Z\"},"
                "\"maxValues\":{\"i\":25,\"s\":\"zeta0123456789012345678901234567\xf4\x8f\xbf\xbf\","
                "\"t\":\"1970-01-02T00:00:00.000Z\"},"
                "\"nullCount\":{\"i\":0,\"s\":1,\"t\":0,\"d\":0,\"b\":0}}");
  free(j);
  pf__batch_free(b);
  pf_schema_free(s);
}

TEST_IMPL(log_replay) {
  pf__delta_state st;
  pf__delta_state_init(&st);
  const char *c0 =
      "{\"commitInfo\":{\"timestamp\":1}}\n"
      "{\"protocol\":{\"minReaderVersion\":1,\"minWriterVersion\":2}}\n"
      "{\"metaData\":{\"id\":\"abc\",\"format\":{\"provider\":\"parquet\",\"options\":{}},\"schemaString\":\"{}\","
      "\"partitionColumns\":[\"p\"],\"configuration\":{\"k\":\"v\"},\"createdTime\":5}}\n"
      "{\"add\":{\"path\":\"p=1/a.parquet\",\"partitionValues\":{\"p\":\"1\"},\"size\":10,\"modificationTime\":1,"
      "\"dataChange\":true,\"stats\":\"{\\\"numRecords\\\":3}\"}}\n"
      "{\"add\":{\"path\":\"p=__HIVE_DEFAULT_PARTITION__/b.parquet\",\"partitionValues\":{\"p\":null},\"size\":20,"
      "\"modificationTime\":1,\"dataChange\":true}}\n";
  int changed = 0;
  ASSERT_OK(pf__delta_log_apply(&st, c0, strlen(c0), "c0", &changed, NULL));
  ASSERT_EQ(changed, 1);
  ASSERT_EQ(st.n_adds, 2);
  ASSERT_STR_EQ(st.metadata.id, "abc");
  ASSERT_EQ(st.metadata.n_partition_columns, 1);
  ASSERT_STR_EQ(st.metadata.configuration.values[0], "v");
  ASSERT(st.adds[1].partition_values.values[0] == NULL);
  ASSERT_STR_EQ(st.adds[0].stats, "{\"numRecords\":3}");
  const char *c1 =
      "{\"remove\":{\"path\":\"p=1/a.parquet\",\"deletionTimestamp\":9,\"dataChange\":true}}\n"
      "\n"
      "{\"add\":{\"path\":\"c.parquet\",\"partitionValues\":{},\"size\":1,\"modificationTime\":1,\"dataChange\":true}}\n";
  ASSERT_OK(pf__delta_log_apply(&st, c1, strlen(c1), "c1", &changed, NULL));
  ASSERT_EQ(changed, 2);
  ASSERT_EQ(st.n_adds, 2);
  ASSERT_EQ(st.n_removes, 1);
  ASSERT_STR_EQ(st.removes[0].path, "p=1/a.parquet");
  ASSERT_EQ(st.removes[0].deletion_timestamp, 9);
  /* re-adding a removed path drops its tombstone */
  const char *c2 = "{\"add\":{\"path\":\"p=1/a.parquet\",\"partitionValues\":{},\"size\":3,\"dataChange\":true}}";
  ASSERT_OK(pf__delta_log_apply(&st, c2, strlen(c2), "c2", &changed, NULL));
  ASSERT_EQ(changed, 0);
  ASSERT_EQ(st.n_adds, 3);
  ASSERT_EQ(st.n_removes, 0);
  /* many add/remove cycles (the path maps' deleted slots are reused and
   * rebuilt; a lookup never runs out of empty slots) */
  char line[256];
  for (int i = 0; i < 3000; i++) {
    int k = snprintf(line, sizeof line,
                     "{\"add\":{\"path\":\"f%d\",\"size\":1}}\n{\"remove\":{\"path\":\"f%d\"}}\n"
                     "{\"remove\":{\"path\":\"c.parquet\"}}\n{\"add\":{\"path\":\"c.parquet\"}}\n",
                     i, i - 1);
    ASSERT_OK(pf__delta_log_apply(&st, line, (size_t)k, "cycle", NULL, NULL));
  }
  ASSERT_EQ(st.n_adds, 4); /* p=1/a.parquet, the null partition's b.parquet, c.parquet, f2999 */
  ASSERT_EQ(st.n_removes, 3000); /* f-1 .. f2998: a remove is a tombstone even for an unknown path */
  pf_error err;
  pf_error_init(&err);
  ASSERT_EQ(pf__delta_log_apply(&st, "{\"add\":{}}", 10, "c3", NULL, &err), PF_EPARSE);
  ASSERT_EQ(pf__delta_log_apply(&st, "{\"add\":", 7, "c4", NULL, &err), PF_EPARSE);
  ASSERT(strstr(err.message, "c4 line 1"));
  pf__delta_state_free(&st);
}

TEST_IMPL(commit_exclusive_and_read) {
  char dir[128];
  snprintf(dir, sizeof dir, "%s/tbl", tmpdir);
  ASSERT_OK(pf__delta_mkdirs(tmpdir, "tbl/_delta_log", NULL, NULL));
  pf__delta_state st;
  pf_error err;
  pf_error_init(&err);
  ASSERT_OK(pf__delta_log_read(dir, &st, NULL, &err)); /* empty log: no table yet */
  ASSERT_EQ(st.version, -1);
  const char *c0 = "{\"protocol\":{\"minReaderVersion\":1,\"minWriterVersion\":2}}\n"
                   "{\"metaData\":{\"id\":\"x\",\"schemaString\":\"{}\",\"partitionColumns\":[]}}\n";
  ASSERT_OK(pf__delta_commit_file(dir, 0, c0, strlen(c0), 0, &err));
  ASSERT_EQ(pf__delta_commit_file(dir, 0, "{}\n", 3, 0, &err), PF_EEXIST);
  /* O_EXCL without link(2) (PYFORGE_DELTA_COMMIT_STRATEGY=excl) */
  const char *c1 = "{\"add\":{\"path\":\"f.parquet\",\"size\":1,\"dataChange\":true}}\n";
  ASSERT_OK(pf__delta_commit_file(dir, 1, c1, strlen(c1), 1, &err));
  ASSERT_EQ(pf__delta_commit_file(dir, 1, "{}\n", 3, 1, &err), PF_EEXIST);
  ASSERT_OK(pf__delta_log_read(dir, &st, NULL, &err));
  ASSERT_EQ(st.version, 1);
  ASSERT_EQ(st.n_adds, 1);
  int64_t latest;
  ASSERT_OK(pf__delta_log_latest(dir, &latest, &err));
  ASSERT_EQ(latest, 1);
  /* a gap in the log is an error naming the missing commit */
  ASSERT_OK(pf__delta_commit_file(dir, 3, "{}\n", 3, 0, &err));
  pf__delta_state_free(&st);
  ASSERT_EQ(pf__delta_log_read(dir, &st, NULL, &err), PF_EPARSE);
  ASSERT(strstr(err.message, "missing commit 2"));
  pf__delta_state_free(&st);
  /* no temporary files are left in the log */
  char cmd[256];
  snprintf(cmd, sizeof cmd, "test -z \"$(ls -A %s/_delta_log | grep -v '^0000')\"", dir);
  ASSERT_EQ(system(cmd), 0);
}

TEST_IMPL(text_helpers) {
  char b[64];
  ASSERT(pf__delta_fmt_date(0, b, sizeof b));
  ASSERT_STR_EQ(b, "1970-01-01");
  ASSERT(pf__delta_fmt_date(-719162, b, sizeof b));
  ASSERT_STR_EQ(b, "0001-01-01");
  ASSERT(!pf__delta_fmt_date(-719163, b, sizeof b));
  ASSERT(pf__delta_fmt_ts(-1, ' ', 6, b, sizeof b));
  ASSERT_STR_EQ(b, "1969-12-31 23:59:59.999999");
  ASSERT(pf__delta_fmt_ts(1000, 'T', 3, b, sizeof b));
  ASSERT_STR_EQ(b, "1970-01-01T00:00:00.001");
  pf__delta_fmt_time(3723000005LL, b, sizeof b);
  ASSERT_STR_EQ(b, "01:02:03.000005");
  uint8_t v[16];
  int64_t lo = -12345, hi = -1;
  memcpy(v, &lo, 8);
  memcpy(v + 8, &hi, 8);
  pf__delta_fmt_decimal(v, 2, b, sizeof b);
  ASSERT_STR_EQ(b, "-123.45");
  lo = 5;
  hi = 0;
  memcpy(v, &lo, 8);
  memcpy(v + 8, &hi, 8);
  pf__delta_fmt_decimal(v, 3, b, sizeof b);
  ASSERT_STR_EQ(b, "0.005");
  char u1[37], u2[37];
  pf__delta_uuid(u1);
  pf__delta_uuid(u2);
  ASSERT_EQ(strlen(u1), 36);
  ASSERT(u1[14] == '4' && strchr("89ab", u1[19]));
  ASSERT(strcmp(u1, u2) != 0);
}

/* Issue 9: a logical file is (path, deletion vector id); a commit's removes
 * go before its adds whatever the order of its lines. */
TEST_IMPL(log_replay_deletion_vectors) {
  pf__delta_state st;
  pf__delta_state_init(&st);
  const char *c0 = "{\"protocol\":{\"minReaderVersion\":3,\"minWriterVersion\":7}}\n"
                   "{\"add\":{\"path\":\"f\",\"size\":9,\"stats\":\"{\\\"numRecords\\\":10}\"}}\n";
  ASSERT_OK(pf__delta_log_apply(&st, c0, strlen(c0), "c0", NULL, NULL));
  ASSERT(st.protocol.present);
  ASSERT_EQ(pf__delta_file_rows(&st.adds[0]), 10);
  /* DELETE as Spark writes it: the re-add first, then the remove */
  const char *c1 = "{\"add\":{\"path\":\"f\",\"size\":9,\"stats\":\"{\\\"numRecords\\\":10}\","
                   "\"deletionVector\":{\"storageType\":\"u\",\"pathOrInlineDv\":\"ab\",\"offset\":1,"
                   "\"sizeInBytes\":36,\"cardinality\":2}}}\n"
                   "{\"remove\":{\"path\":\"f\",\"dataChange\":true}}\n";
  ASSERT_OK(pf__delta_log_apply(&st, c1, strlen(c1), "c1", NULL, NULL));
  ASSERT_EQ(st.n_adds, 1);
  ASSERT_STR_EQ(st.adds[0].dv.unique_id, "uab@1");
  ASSERT_EQ(pf__delta_file_rows(&st.adds[0]), 8);
  ASSERT_EQ(st.n_removes, 1); /* the tombstone (f, none) */
  /* a remove naming another vector of the same path leaves the live file */
  const char *c2 = "{\"remove\":{\"path\":\"f\",\"deletionVector\":{\"storageType\":\"i\","
                   "\"pathOrInlineDv\":\"zz\",\"sizeInBytes\":1,\"cardinality\":1}}}\n";
  ASSERT_OK(pf__delta_log_apply(&st, c2, strlen(c2), "c2", NULL, NULL));
  ASSERT_EQ(st.n_adds, 1);
  ASSERT_EQ(st.n_removes, 2);
  /* the remove first this time, then a new vector */
  const char *c3 = "{\"remove\":{\"path\":\"f\",\"deletionVector\":{\"storageType\":\"u\","
                   "\"pathOrInlineDv\":\"ab\",\"offset\":1,\"sizeInBytes\":36,\"cardinality\":2}}}\n"
                   "{\"add\":{\"path\":\"f\",\"size\":9,\"stats\":\"{\\\"numRecords\\\":10}\","
                   "\"deletionVector\":{\"storageType\":\"u\",\"pathOrInlineDv\":\"cd\","
                   "\"sizeInBytes\":40,\"cardinality\":3}}}\n";
  ASSERT_OK(pf__delta_log_apply(&st, c3, strlen(c3), "c3", NULL, NULL));
  ASSERT_EQ(st.n_adds, 1);
  ASSERT_STR_EQ(st.adds[0].dv.unique_id, "ucd");
  ASSERT_EQ(pf__delta_file_rows(&st.adds[0]), 7);
  ASSERT_EQ(st.n_removes, 3);
  /* a vector larger than the file: rows unknown, not negative */
  st.adds[0].dv.cardinality = 11;
  ASSERT_EQ(pf__delta_file_rows(&st.adds[0]), -1);
  /* a deletionVector without its fields is a parse error naming the line */
  pf_error err;
  pf_error_init(&err);
  const char *bad = "{\"add\":{\"path\":\"g\",\"deletionVector\":{\"storageType\":\"q\"}}}\n";
  ASSERT_EQ(pf__delta_log_apply(&st, bad, strlen(bad), "c4", NULL, &err), PF_EPARSE);
  ASSERT(strstr(err.message, "c4 line 1") && strstr(err.message, "deletionVector"));
  pf__delta_state_free(&st);
}

static pf_column *one_col(pf_batch **b, pf_type t, int scale) {
  pf_schema *s = pf__schema_new(1);
  pf__schema_set(s, 0, "x", t, 1);
  s->fields[0].precision = 38;
  s->fields[0].scale = scale;
  pf__batch_create(s, 4, b);
  pf_schema_free(s);
  return &(*b)->cols[0];
}

/* Issue 9: numbers into narrower numeric columns, value by value. */
TEST_IMPL(numeric_casts) {
  pf_batch *in, *out;
  pf_column *ci = one_col(&in, PF_TYPE_INT64, 0);
  pf_column *co = one_col(&out, PF_TYPE_INT64, 0);
  pf_field fi = {.name = "x", .type = PF_TYPE_INT64, .nullable = 1};
  pf__delta_field integer = {"x", "integer", 1, "{}", PF_TYPE_INT64, 0, 0};
  pf__delta_field byte = {"x", "byte", 1, "{}", PF_TYPE_INT64, 0, 0};
  pf__delta_field flt = {"x", "float", 1, "{}", PF_TYPE_DOUBLE, 0, 0};
  pf__delta_field dec = {"x", "decimal(5,2)", 1, "{}", PF_TYPE_DECIMAL, 5, 2};
  ASSERT(pf__delta_cast_ok(&fi, &integer) && pf__delta_cast_ok(&fi, &dec));
  pf__col_set_i64(ci, 0, 2147483647);
  ASSERT(pf__delta_cast_value(ci, &fi, 0, &integer, co, 0) && pf__col_i64(co, 0) == 2147483647);
  pf__col_set_i64(ci, 0, 2147483648LL);
  ASSERT(!pf__delta_cast_value(ci, &fi, 0, &integer, co, 0));
  pf__col_set_i64(ci, 0, -129);
  ASSERT(!pf__delta_cast_value(ci, &fi, 0, &byte, co, 0));
  pf__col_set_i64(ci, 0, 999);
  pf_batch *dout;
  pf_column *cd = one_col(&dout, PF_TYPE_DECIMAL, 2);
  ASSERT(pf__delta_cast_value(ci, &fi, 0, &dec, cd, 1)); /* 999.00 */
  char t[64];
  pf_field fd = {.name = "x", .type = PF_TYPE_DECIMAL, .nullable = 1, .precision = 5, .scale = 2};
  pf__delta_value_text(cd, &fd, 1, t, sizeof t);
  ASSERT_STR_EQ(t, "999.00");
  pf__col_set_i64(ci, 0, 1000); /* 1000.00 needs 6 digits */
  ASSERT(!pf__delta_cast_value(ci, &fi, 0, &dec, cd, 1));
  /* doubles */
  pf_batch *dn;
  pf_column *cf = one_col(&dn, PF_TYPE_DOUBLE, 0);
  pf_field ff = {.name = "x", .type = PF_TYPE_DOUBLE, .nullable = 1};
  pf_batch *fo;
  pf_column *cfo = one_col(&fo, PF_TYPE_DOUBLE, 0);
  static const struct { double v; int fits_float, fits_dec, fits_int; } cases[] = {
      {1.1, 1, 1, 0}, {0.25, 1, 1, 0}, {0.123456789, 0, 0, 0}, {16777217.0, 0, 0, 1},
      {7.0, 1, 1, 1}, {0.1, 1, 1, 0}, {1.001, 1, 0, 0}, {-999.99, 1, 1, 0}, {3e38, 1, 0, 0}};
  for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
    pf__col_set_f64(cf, 0, cases[k].v);
    ASSERT_EQ(pf__delta_cast_value(cf, &ff, 0, &flt, cfo, 0), cases[k].fits_float);
    ASSERT_EQ(pf__delta_cast_value(cf, &ff, 0, &dec, cd, 0), cases[k].fits_dec);
    ASSERT_EQ(pf__delta_cast_value(cf, &ff, 0, &integer, co, 0), cases[k].fits_int);
  }
  pf__col_set_f64(cf, 0, 0.1);
  ASSERT(pf__delta_cast_value(cf, &ff, 0, &dec, cd, 2));
  pf__delta_value_text(cd, &fd, 2, t, sizeof t);
  ASSERT_STR_EQ(t, "0.10");
  pf__batch_free(in);
  pf__batch_free(out);
  pf__batch_free(dn);
  pf__batch_free(fo);
  pf__batch_free(dout);
}

int main(void) {
  snprintf(tmpdir, sizeof tmpdir, "/tmp/pf-test-delta-XXXXXX");
  if (!mkdtemp(tmpdir)) return 2;
  RUN_TEST(partition_escaping);
  RUN_TEST(schema_parse_and_write);
  RUN_TEST(type_mapping);
  RUN_TEST(stats);
  RUN_TEST(log_replay);
  RUN_TEST(log_replay_deletion_vectors);
  RUN_TEST(numeric_casts);
  RUN_TEST(commit_exclusive_and_read);
  RUN_TEST(text_helpers);
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
  if (system(cmd) != 0) return 2;
  return TEST_SUMMARY();
}

/* test_delta_checkpoint.c - Delta checkpoints: write -> read round trips
 * (partitions with null values, unicode stats, tags, txns, removes with and
 * without extended metadata, reader/writer features, empty tables, many
 * files), _last_checkpoint, refused names, and damaged files (every byte
 * flipped, every truncation) that must fail cleanly. */
#include <dirent.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"
#include "test.h"
#include "writers/delta/delta_ckpt_json.h"
#include "writers/delta/delta_state.h"

static char tmpdir[256];
static int table_no;

static char *sdup(const char *s) { return s ? pf__strdup(s) : NULL; }

static void map_set(pf__delta_map *m, size_t n, const char *const *kv) {
  m->n = n;
  m->keys = calloc(n ? n : 1, sizeof *m->keys);
  m->values = calloc(n ? n : 1, sizeof *m->values);
  for (size_t i = 0; i < n; i++) {
    m->keys[i] = sdup(kv[2 * i]);
    m->values[i] = sdup(kv[2 * i + 1]);
  }
}

static char **strv(size_t n, const char *const *v) {
  char **out = calloc(n ? n : 1, sizeof *out);
  for (size_t i = 0; i < n; i++) out[i] = sdup(v[i]);
  return out;
}

/* A state exercising every field. */
static void rich_state(pf__delta_state *st, int features) {
  pf__delta_state_init(st);
  st->version = 12;
  if (features) {
    static const char *const rf[] = {"columnMapping"};
    static const char *const wf[] = {"columnMapping", "appendOnly", "invariants"};
    st->protocol.min_reader_version = 3;
    st->protocol.min_writer_version = 7;
    st->protocol.n_reader_features = 1;
    st->protocol.reader_features = strv(1, rf);
    st->protocol.n_writer_features = 3;
    st->protocol.writer_features = strv(3, wf);
  } else {
    st->protocol.min_reader_version = 1;
    st->protocol.min_writer_version = 2;
  }
  pf__delta_metadata *m = &st->metadata;
  m->id = sdup("5b1c4e1e-0b7a-4c7e-9d55-3b8c1f6e2a10");
  m->name = sdup("tâble");
  m->description = NULL;
  m->format_provider = sdup("parquet");
  static const char *const fo[] = {"compat", "1"};
  map_set(&m->format_options, 1, fo);
  m->schema_string = sdup("{\"type\":\"struct\",\"fields\":[{\"name\":\"id\",\"type\":"
                         "\"long\",\"nullable\":true,\"metadata\":{}}]}");
  static const char *const pc[] = {"year", "city"};
  m->n_partition_columns = 2;
  m->partition_columns = strv(2, pc);
  static const char *const conf[] = {"delta.appendOnly", "false",
                                     "delta.checkpointInterval", "10"};
  map_set(&m->configuration, 2, conf);
  m->created_time = 1700000000123;

  st->n_txns = 2;
  st->txns = calloc(2, sizeof *st->txns);
  st->txns[0] = (pf__delta_txn){sdup("app-b"), 7, 1700000000999};
  st->txns[1] = (pf__delta_txn){sdup("app-a"), 3, -1};

  st->n_adds = 3;
  st->adds = calloc(3, sizeof *st->adds);
  static const char *const pv0[] = {"year", "2024", "city", "Zürich"};
  static const char *const pv1[] = {"year", NULL, "city", ""};
  static const char *const tg[] = {"INSERTION_TIME", "1700000000", "OPTIMIZE_TARGET_SIZE", NULL};
  pf__delta_file *a = st->adds;
  a[0].path = sdup("year=2024/city=Z%C3%BCrich/part-0.parquet");
  map_set(&a[0].partition_values, 2, pv0);
  a[0].size = 1234;
  a[0].modification_time = 1700000000200;
  a[0].data_change = 1;
  a[0].stats = sdup("{\"numRecords\":2,\"minValues\":{\"name\":\"日本\\\"q\"},"
                   "\"maxValues\":{\"name\":\"😀\"}}");
  map_set(&a[0].tags, 2, tg);
  a[0].deletion_timestamp = -1;
  a[1].path = sdup("year=__HIVE_DEFAULT_PARTITION__/city=/part-1.parquet");
  map_set(&a[1].partition_values, 2, pv1);
  a[1].size = 0;
  a[1].modification_time = 0;
  a[1].data_change = 0;
  a[1].deletion_timestamp = -1;
  a[2].path = sdup("year=2023/city=x/part-2.parquet");
  static const char *const pv2[] = {"year", "2023", "city", "x"};
  map_set(&a[2].partition_values, 2, pv2);
  a[2].size = (int64_t)1 << 40;
  a[2].modification_time = 1;
  a[2].data_change = 1;
  a[2].stats = sdup("");
  a[2].deletion_timestamp = -1;

  st->n_removes = 2;
  st->removes = calloc(2, sizeof *st->removes);
  pf__delta_file *r = st->removes;
  r[0].path = sdup("year=2022/city=y/old.parquet");
  r[0].deletion_timestamp = 1700000000300;
  r[0].data_change = 1;
  r[0].extended_file_metadata = 1;
  static const char *const rpv[] = {"year", "2022", "city", NULL};
  map_set(&r[0].partition_values, 2, rpv);
  r[0].size = 99;
  static const char *const rtg[] = {"k", "v"};
  map_set(&r[0].tags, 1, rtg);
  r[1].path = sdup("old2.parquet");
  r[1].deletion_timestamp = -1;
  r[1].data_change = 0;
  r[1].extended_file_metadata = 0;
  r[1].size = -1;
}

static char *to_json(const pf__delta_state *st) {
  pf__buf b;
  pf__buf_init(&b, 0);
  if (pf__delta_state_json(st, &b) != PF_OK) {
    pf__buf_free(&b);
    return NULL;
  }
  return pf__buf_take(&b);
}

/* Makes <tmpdir>/tN/_delta_log and returns the table dir in out. */
static void new_table(char *out, size_t n) {
  snprintf(out, n, "%s/t%d", tmpdir, ++table_no);
  mkdir(out, 0700);
  char log[512];
  snprintf(log, sizeof log, "%s/_delta_log", out);
  mkdir(log, 0700);
}

static void ckpt_path(char *out, size_t n, const char *table, int64_t v) {
  snprintf(out, n, "%s/_delta_log/%020lld.checkpoint.parquet", table, (long long)v);
}

static char *slurp(const char *path, size_t *n) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  pf__buf b;
  pf__buf_init(&b, 0);
  char tmp[4096];
  size_t got;
  while ((got = fread(tmp, 1, sizeof tmp, f)) > 0) pf__buf_append(&b, tmp, got);
  fclose(f);
  *n = b.len;
  pf__buf_putc(&b, 0);
  return pf__buf_take(&b);
}

static int count_entries(const char *dir) {
  DIR *d = opendir(dir);
  int n = 0;
  if (!d) return -1;
  struct dirent *e;
  while ((e = readdir(d)) != NULL)
    if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) n++;
  closedir(d);
  return n;
}

/* Writes st, reads it back, compares; returns 1 on success. */
static int round_trip(const pf__delta_state *st, pf__delta_state *back) {
  char table[400], path[600];
  new_table(table, sizeof table);
  pf_error err;
  pf_error_init(&err);
  uint64_t size = 0;
  if (pf__delta_checkpoint_write(table, st, NULL, &size, &err) != PF_OK) {
    fprintf(stderr, "write: %s\n", err.message);
    return 0;
  }
  ckpt_path(path, sizeof path, table, st->version);
  struct stat sb;
  if (stat(path, &sb) != 0 || (uint64_t)sb.st_size != size) return 0;
  pf__delta_state_init(back);
  back->version = st->version;
  if (pf__delta_checkpoint_read(path, back, &err) != PF_OK) {
    fprintf(stderr, "read: %s\n", err.message);
    return 0;
  }
  return 1;
}

TEST_IMPL(round_trip_rich) {
  for (int features = 0; features <= 1; features++) {
    pf__delta_state st, back;
    rich_state(&st, features);
    ASSERT(round_trip(&st, &back));
    char *a = to_json(&st), *b = to_json(&back);
    ASSERT(a && b);
    if (strcmp(a, b) != 0) fprintf(stderr, "want %s\ngot  %s\n", a, b);
    ASSERT_STR_EQ(a, b);
    free(a);
    free(b);
    /* field by field, independently of the JSON rendering */
    ASSERT_EQ(back.n_adds, 3);
    ASSERT_EQ(back.n_removes, 2);
    ASSERT_EQ(back.n_txns, 2);
    ASSERT_STR_EQ(back.adds[0].partition_values.values[1], "Zürich");
    ASSERT(back.adds[1].partition_values.values[0] == NULL);
    ASSERT_STR_EQ(back.adds[1].partition_values.values[1], "");
    ASSERT(back.adds[1].stats == NULL);
    ASSERT_STR_EQ(back.adds[2].stats, "");
    ASSERT_EQ(back.adds[2].size, (int64_t)1 << 40);
    ASSERT_STR_EQ(back.adds[0].stats, st.adds[0].stats);
    ASSERT_EQ(back.adds[0].tags.n, 2);
    ASSERT(back.adds[0].tags.values[1] == NULL);
    ASSERT_EQ(back.adds[1].tags.n, 0);
    ASSERT_EQ(back.removes[0].extended_file_metadata, 1);
    ASSERT(back.removes[0].partition_values.values[1] == NULL);
    ASSERT_EQ(back.removes[1].size, -1);
    ASSERT_EQ(back.removes[1].deletion_timestamp, -1);
    ASSERT_EQ(back.removes[1].partition_values.n, 0);
    ASSERT_EQ(back.txns[1].last_updated, -1);
    ASSERT_EQ(back.txns[0].version, 7);
    ASSERT(back.metadata.description == NULL);
    ASSERT_STR_EQ(back.metadata.name, "tâble");
    ASSERT_EQ(back.metadata.created_time, 1700000000123);
    ASSERT_EQ(back.metadata.n_partition_columns, 2);
    ASSERT_STR_EQ(back.metadata.partition_columns[1], "city");
    ASSERT_EQ(back.protocol.min_reader_version, features ? 3 : 1);
    ASSERT_EQ(back.protocol.n_writer_features, features ? 3 : 0);
    if (features) ASSERT_STR_EQ(back.protocol.writer_features[2], "invariants");
    pf__delta_state_free(&st);
    pf__delta_state_free(&back);
    ASSERT_EQ(st.n_adds, 0);
    ASSERT_EQ(st.version, -1);
  }
}

TEST_IMPL(last_checkpoint_file) {
  pf__delta_state st, back;
  rich_state(&st, 0);
  ASSERT(round_trip(&st, &back));
  char path[600];
  snprintf(path, sizeof path, "%s/t%d/_delta_log/_last_checkpoint", tmpdir, table_no);
  size_t n = 0;
  char *text = slurp(path, &n);
  ASSERT(text != NULL);
  struct stat sb;
  char cp[600];
  snprintf(cp, sizeof cp, "%s/t%d/_delta_log/00000000000000000012.checkpoint.parquet",
           tmpdir, table_no);
  ASSERT_EQ(stat(cp, &sb), 0);
  char want[256];
  snprintf(want, sizeof want,
           "{\"version\":12,\"size\":9,\"sizeInBytes\":%lld,\"numOfAddFiles\":3}\n",
           (long long)sb.st_size);
  ASSERT_STR_EQ(text, want);
  free(text);
  /* nothing else (no temp files) in the log directory */
  snprintf(path, sizeof path, "%s/t%d/_delta_log", tmpdir, table_no);
  ASSERT_EQ(count_entries(path), 2);
  pf__delta_state_free(&st);
  pf__delta_state_free(&back);
}

TEST_IMPL(empty_table_and_many_files) {
  pf__delta_state st, back;
  pf__delta_state_init(&st);
  st.version = 0;
  st.protocol.min_reader_version = 1;
  st.protocol.min_writer_version = 2;
  st.metadata.id = sdup("id");
  st.metadata.schema_string = sdup("{}");
  ASSERT(round_trip(&st, &back));
  ASSERT_EQ(back.n_adds, 0);
  /* an absent provider is written as "parquet", the only one there is */
  ASSERT_STR_EQ(back.metadata.format_provider, "parquet");
  st.metadata.format_provider = sdup("parquet");
  ASSERT_EQ(back.metadata.created_time, -1);
  pf__delta_state_free(&back);

  /* 25000 files with 0..3 partition values: long runs and bit-packed
   * levels, several data pages per column (cut at rows) */
  size_t n = 25000;
  st.version = 123456789012;
  st.adds = calloc(n, sizeof *st.adds);
  st.n_adds = n;
  for (size_t i = 0; i < n; i++) {
    char p[96], v[32];
    snprintf(p, sizeof p, "%sf-%05zu.parquet",
             i % 7 ? "" : "a-rather-long-directory-name/another-level/", i);
    st.adds[i].path = sdup(p);
    st.adds[i].size = (int64_t)i * 1000;
    st.adds[i].modification_time = (int64_t)i;
    st.adds[i].data_change = (int)(i % 3 == 0);
    size_t k = i % 4;
    const char *kv[8];
    char vals[4][32];
    for (size_t j = 0; j < k; j++) {
      snprintf(vals[j], sizeof vals[j], "%zu", i * 7 + j);
      kv[2 * j] = j == 0 ? "a" : j == 1 ? "b" : "c";
      kv[2 * j + 1] = (i + j) % 5 == 0 ? NULL : vals[j];
    }
    map_set(&st.adds[i].partition_values, k, kv);
    snprintf(v, sizeof v, "{\"numRecords\":%zu}", i);
    if (i % 2) st.adds[i].stats = sdup(v);
  }
  ASSERT(round_trip(&st, &back));
  char *a = to_json(&st), *b = to_json(&back);
  ASSERT(a && b);
  ASSERT_STR_EQ(a, b);
  free(a);
  free(b);
  ASSERT_EQ(back.n_adds, n);
  ASSERT_EQ(back.adds[24999].partition_values.n, 3);
  ASSERT_EQ(back.adds[24999].data_change, 1);
  ASSERT_EQ(back.adds[24998].data_change, 0);
  pf__delta_state_free(&st);
  pf__delta_state_free(&back);
}

TEST_IMPL(refused_inputs) {
  pf_error err;
  pf__delta_state st;
  char path[600];
  pf_error_init(&err);
  pf__delta_state_init(&st);
  snprintf(path, sizeof path, "%s/missing.checkpoint.parquet", tmpdir);
  ASSERT_EQ(pf__delta_checkpoint_read(path, &st, &err), PF_ENOTFOUND);
  ASSERT(strstr(err.file, "missing.checkpoint.parquet") != NULL);
  snprintf(path, sizeof path, "%s/00000000000000000010.checkpoint.0000000001.0000000002.parquet",
           tmpdir);
  ASSERT_EQ(pf__delta_checkpoint_read(path, &st, &err), PF_EUNSUPPORTED);
  ASSERT(strstr(err.message, "multi-part") != NULL);
  snprintf(path, sizeof path,
           "%s/00000000000000000010.checkpoint.80a083e8-7026-4e79-81be-64bd76c43a11.parquet",
           tmpdir);
  ASSERT_EQ(pf__delta_checkpoint_read(path, &st, &err), PF_EUNSUPPORTED);
  ASSERT(strstr(err.message, "v2") != NULL);
  snprintf(path, sizeof path, "%s/not-parquet", tmpdir);
  FILE *f = fopen(path, "wb");
  fputs("PAR1 this is not a parquet file at all", f);
  fclose(f);
  ASSERT_EQ(pf__delta_checkpoint_read(path, &st, &err), PF_EPARSE);
  ASSERT_EQ(st.n_adds, 0);

  /* writing into a table without _delta_log fails and leaves nothing */
  pf__delta_state w;
  rich_state(&w, 0);
  char table[400];
  snprintf(table, sizeof table, "%s/nolog", tmpdir);
  mkdir(table, 0700);
  uint64_t size = 7;
  ASSERT(pf__delta_checkpoint_write(table, &w, NULL, &size, &err) != PF_OK);
  ASSERT_EQ(size, 0);
  ASSERT_EQ(count_entries(table), 0);
  w.version = -1;
  ASSERT_EQ(pf__delta_checkpoint_write(table, &w, NULL, &size, &err), PF_EINVAL);
  pf__delta_state_free(&w);
}

/* Every byte flipped and every truncation of a small checkpoint: each read
 * fails with a status (or, for bytes readers ignore, succeeds); never a
 * crash, sanitizer report or leak, and a failed read leaves st empty. */
TEST_IMPL(damaged_files) {
  pf__delta_state st, back;
  rich_state(&st, 1);
  ASSERT(round_trip(&st, &back));
  pf__delta_state_free(&back);
  char good[600], bad[600];
  snprintf(good, sizeof good, "%s/t%d/_delta_log/00000000000000000012.checkpoint.parquet",
           tmpdir, table_no);
  snprintf(bad, sizeof bad, "%s/damaged.parquet", tmpdir);
  size_t n = 0;
  char *bytes = slurp(good, &n);
  ASSERT(bytes && n > 100);
  int failed = 0, ok = 0;
  for (size_t i = 0; i < n + n; i++) {
    FILE *f = fopen(bad, "wb");
    if (i < n) {
      bytes[i] ^= (char)0x5A;
      fwrite(bytes, 1, n, f);
      bytes[i] ^= (char)0x5A;
    } else {
      fwrite(bytes, 1, i - n, f);
    }
    fclose(f);
    pf_error err;
    pf_error_init(&err);
    pf__delta_state_init(&back);
    pf_status s = pf__delta_checkpoint_read(bad, &back, &err);
    if (s != PF_OK) {
      failed++;
      ASSERT(err.message[0] != '\0');
      ASSERT(strstr(err.file, "damaged.parquet") != NULL);
      ASSERT_EQ(back.n_adds + back.n_removes + back.n_txns, 0);
      ASSERT(back.metadata.id == NULL);
    } else {
      ok++;
    }
    pf__delta_state_free(&back);
  }
  /* every truncation fails; flips in values may pass */
  ASSERT(failed >= (int)n);
  ASSERT(ok > 0);
  free(bytes);
  pf__delta_state_free(&st);
}

int main(void) {
  snprintf(tmpdir, sizeof tmpdir, "/tmp/pf-test-ckpt-XXXXXX");
  if (!mkdtemp(tmpdir)) return 2;
  RUN_TEST(round_trip_rich);
  RUN_TEST(last_checkpoint_file);
  RUN_TEST(empty_table_and_many_files);
  RUN_TEST(refused_inputs);
  RUN_TEST(damaged_files);
  char cmd[400];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
  if (system(cmd) != 0) return 2;
  return TEST_SUMMARY();
}

/* test_batch.c - pf_batch_*: paths and patterns (*, **, nothing matched,
 * a file reached twice), outputs beside the inputs or in a directory, two
 * inputs with one output, one bad file among good ones (its error and
 * place, the others converted), workers and threads per file, progress over
 * the whole batch, the file callback, cancel, the JSON. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pyforge/pyforge.h"
#include "batch_test_util.h"
#include "test.h"


static int exists(const char *name) { return access(path_of(name), F_OK) == 0; }

/* A job for the files matching glob (under the test directory) into the
 * output directory out (under it too); NULL when either is refused. */
static pf_batch_job *job_for(const char *glob, const char *out) {
  pf_batch_job *job = pf_batch_new();
  pf_error err;
  char pat[600];
  snprintf(pat, sizeof pat, "%s/%s", tmpdir, glob);
  if (job && pf_batch_add(job, pat, &err) == PF_OK &&
      pf_batch_set_output_dir(job, path_of(out), &err) == PF_OK)
    return job;
  pf_batch_free(job);
  return NULL;
}

static long long file_size(const char *name) {
  struct stat sb;
  return stat(path_of(name), &sb) == 0 ? (long long)sb.st_size : -1;
}

static const pf_batch_item *find_item(const pf_batch_result *r, const char *name) {
  const char *p = path_of(name);
  for (size_t i = 0; i < r->n_items; i++)
    if (strcmp(r->items[i].input, p) == 0) return &r->items[i];
  return NULL;
}

typedef struct seen {
  int files;          /* file callbacks                                  */
  uint64_t last_done, total;
  int progress_calls;
  int monotonic;      /* done never went backwards                        */
  pf_cancel *cancel_after_first; /* request this after the first file ends */
} seen;

static void on_file(void *user, size_t index, const pf_batch_item *item) {
  seen *s = user;
  (void)index;
  (void)item;
  s->files++;
  if (s->cancel_after_first) pf_cancel_request(s->cancel_after_first);
}

/* Log lines come from the worker converting the file, while it converts:
 * a cancel requested here is seen before the next file starts (the file
 * callback runs later, on the calling thread, and a fast worker may have
 * finished the next file by then). */
static void cancel_on_first_log(void *user, pf_log_level level, const char *message) {
  (void)level;
  (void)message;
  pf_cancel_request(user);
}

static void on_progress(void *user, uint64_t done, uint64_t total, const char *unit) {
  seen *s = user;
  if (strcmp(unit, "bytes") != 0) return;
  if (done < s->last_done) s->monotonic = 0;
  s->last_done = done;
  s->total = total;
  s->progress_calls++;
}

static void setup(void) {
  mkdir(path_of("in"), 0755);
  mkdir(path_of("in/sub"), 0755);
  mkdir(path_of("in/sub/deeper"), 0755);
  write_file("in/a.csv", "id,name\n1,ann\n2,bob\n");
  write_file("in/b.csv", "id,price\n1,1.5\n2,2.5\n3,3.5\n");
  write_file("in/bad.csv", "id,name\n1,ann\n2,bob,extra\n3,cy\n");
  write_file("in/notes.txt.skip", "not matched\n");
  write_file("in/sub/c.csv", "x\n10\n");
  write_file("in/sub/deeper/d.csv", "y\n20\n21\n");
}

TEST_IMPL(patterns_output_dir_and_one_bad_file) {
  pf_batch_job *job = pf_batch_new();
  pf_options *o = pf_options_new();
  pf_error err;
  char pat[600];
  snprintf(pat, sizeof pat, "%s/in/*.csv", tmpdir);
  ASSERT_EQ(pf_batch_add(job, pat, &err), PF_OK);
  ASSERT_EQ(pf_batch_add(job, path_of("in/a.csv"), &err), PF_OK); /* again: converted once */
  snprintf(pat, sizeof pat, "%s/in/*.nothing", tmpdir);
  ASSERT_EQ(pf_batch_add(job, pat, &err), PF_OK);
  ASSERT_EQ(pf_batch_set_output_dir(job, path_of("out/nested"), &err), PF_OK);
  ASSERT_EQ(pf_batch_set_workers(job, 2, &err), PF_OK);
  seen s = {.monotonic = 1};
  pf_batch_set_file_callback(job, on_file, &s);
  pf_options_set_progress(o, on_progress, &s);

  pf_batch_result r;
  ASSERT_EQ(pf_batch_run(job, o, &r, &err), PF_OK);
  ASSERT_EQ(r.n_items, 4); /* a, b, bad (sorted), the pattern without matches */
  ASSERT(strcmp(r.items[0].input, path_of("in/a.csv")) == 0);
  ASSERT(strcmp(r.items[1].input, path_of("in/b.csv")) == 0);
  ASSERT(strcmp(r.items[2].input, path_of("in/bad.csv")) == 0);
  ASSERT_EQ(r.converted, 2);
  ASSERT_EQ(r.failed, 2);
  ASSERT_EQ(r.canceled, 0);
  ASSERT_EQ(r.rows, 5);
  ASSERT_EQ(r.workers, 2);
  ASSERT(r.threads_per_file >= 1);
  ASSERT(exists("out/nested/a.parquet"));
  ASSERT(exists("out/nested/b.parquet"));
  ASSERT(!exists("out/nested/bad.parquet"));
  ASSERT(strcmp(r.items[0].output, path_of("out/nested/a.parquet")) == 0);
  ASSERT_EQ(r.items[1].result.rows, 3);
  ASSERT_EQ(r.items[1].result.columns, 2);

  const pf_batch_item *bad = find_item(&r, "in/bad.csv");
  ASSERT(bad != NULL);
  ASSERT_EQ(bad->status, PF_EBADROW);
  ASSERT_EQ(bad->error.line, 3);
  ASSERT(strstr(bad->error.file, "bad.csv") != NULL);

  const pf_batch_item *none = &r.items[3];
  ASSERT_EQ(none->status, PF_ENOTFOUND);
  ASSERT(strstr(none->error.message, "no file matches") != NULL);

  ASSERT_EQ(s.files, 4); /* the no-match item too: delivered before the others run */
  ASSERT(s.monotonic);
  ASSERT_EQ(s.total, (uint64_t)(file_size("in/a.csv") + file_size("in/b.csv") + file_size("in/bad.csv")));
  ASSERT_EQ(r.bytes_total, s.total);
  ASSERT_EQ(s.last_done, s.total); /* the last report: everything read */

  char *js = pf_batch_result_json(&r);
  ASSERT(js != NULL);
  ASSERT(strstr(js, "\"converted\":2") != NULL);
  ASSERT(strstr(js, "\"status\":\"EBADROW\"") != NULL);
  ASSERT(strstr(js, "\"line\":3") != NULL);
  pf_free(js);
  pf_batch_result_free(&r);
  pf_batch_free(job);
  pf_options_free(o);
}

TEST_IMPL(globstar_and_beside_the_inputs) {
  pf_batch_job *job = pf_batch_new();
  pf_options *o = pf_options_new();
  pf_error err;
  char pat[600];
  snprintf(pat, sizeof pat, "%s/in/sub/**/*.csv", tmpdir);
  ASSERT_EQ(pf_batch_add(job, pat, &err), PF_OK);
  pf_batch_result r;
  ASSERT_EQ(pf_batch_run(job, o, &r, &err), PF_OK);
  ASSERT_EQ(r.n_items, 2);
  ASSERT_EQ(r.converted, 2);
  ASSERT(exists("in/sub/c.parquet"));
  ASSERT(exists("in/sub/deeper/d.parquet"));
  ASSERT_EQ(r.rows, 3);
  pf_batch_result_free(&r);
  /* again: the outputs exist now, and output.force is not set */
  ASSERT_EQ(pf_batch_run(job, o, &r, &err), PF_OK);
  ASSERT_EQ(r.failed, 2);
  ASSERT_EQ(r.items[0].status, PF_EEXIST);
  pf_batch_result_free(&r);
  ASSERT_EQ(pf_options_set(o, "force", "true", &err), PF_OK);
  ASSERT_EQ(pf_batch_run(job, o, &r, &err), PF_OK);
  ASSERT_EQ(r.converted, 2);
  pf_batch_result_free(&r);
  pf_batch_free(job);
  pf_options_free(o);
}

TEST_IMPL(two_inputs_one_output) {
  write_file("in/sub/a.csv", "z\n1\n");
  pf_batch_job *job = pf_batch_new();
  pf_options *o = pf_options_new();
  pf_error err;
  ASSERT_EQ(pf_batch_add_path(job, path_of("in/a.csv"), &err), PF_OK);
  ASSERT_EQ(pf_batch_add_path(job, path_of("in/sub/a.csv"), &err), PF_OK);
  ASSERT_EQ(pf_batch_set_output_dir(job, path_of("same"), &err), PF_OK);
  pf_batch_result r;
  ASSERT_EQ(pf_batch_run(job, o, &r, &err), PF_OK);
  ASSERT_EQ(r.converted, 1);
  ASSERT_EQ(r.items[1].status, PF_EINVAL);
  ASSERT(strstr(r.items[1].error.message, "is also the output of") != NULL);
  ASSERT(exists("same/a.parquet"));
  pf_batch_result_free(&r);
  pf_batch_free(job);
  pf_options_free(o);
  unlink(path_of("in/sub/a.csv"));
}

TEST_IMPL(cancel_stops_the_rest) {
  pf_cancel *c = pf_cancel_new();
  pf_batch_job *job = job_for("in/*.csv", "canceled");
  ASSERT(job != NULL);
  pf_options *o = pf_options_new();
  pf_error err;
  ASSERT_EQ(pf_batch_set_workers(job, 1, &err), PF_OK);
  pf_options_set_cancel(o, c);
  ASSERT_EQ(pf_options_set(o, "engine.log_level", "debug", &err), PF_OK);
  pf_options_set_log(o, cancel_on_first_log, c);
  pf_batch_result r;
  ASSERT_EQ(pf_batch_run(job, o, &r, &err), PF_ECANCELED);
  ASSERT_EQ(r.n_items, 3);
  ASSERT(r.converted <= 1);
  ASSERT(r.canceled >= 2);
  ASSERT(!exists("canceled/bad.parquet"));
  ASSERT_EQ(r.items[2].status, PF_ECANCELED);
  pf_batch_result_free(&r);
  /* requested before the run: nothing converts, nothing is written */
  ASSERT_EQ(pf_batch_run(job, o, &r, &err), PF_ECANCELED);
  ASSERT_EQ(r.canceled, 3);
  pf_batch_result_free(&r);
  pf_batch_free(job);
  pf_options_free(o);
  pf_cancel_free(c);
}

TEST_IMPL(refused_before_it_starts) {
  pf_batch_job *job = pf_batch_new();
  pf_options *o = pf_options_new();
  pf_error err;
  pf_batch_result r;
  ASSERT_EQ(pf_batch_run(job, o, &r, &err), PF_EINVAL); /* no inputs */
  ASSERT(strstr(err.message, "no inputs") != NULL);
  ASSERT_EQ(r.n_items, 0);
  ASSERT_EQ(pf_batch_add(job, path_of("in/a.csv"), &err), PF_OK);
  ASSERT_EQ(pf_options_set(o, "output.path", "x.parquet", &err), PF_OK);
  ASSERT_EQ(pf_batch_run(job, o, &r, &err), PF_EINVAL);
  ASSERT(strstr(err.message, "output directory") != NULL);
  ASSERT_EQ(pf_options_reset(o, "output.path", &err), PF_OK);
  /* one rejects path for every file: refused (files collided on it) */
  ASSERT_EQ(pf_options_set(o, "output.rejects", "bad.csv", &err), PF_OK);
  ASSERT_EQ(pf_batch_run(job, o, &r, &err), PF_EINVAL);
  ASSERT(strstr(err.message, "beside its output") != NULL);
  ASSERT_EQ(r.n_items, 0);
  ASSERT_EQ(pf_options_reset(o, "output.rejects", &err), PF_OK);
  ASSERT_EQ(pf_batch_set_workers(job, -1, &err), PF_EINVAL);
  ASSERT_EQ(pf_batch_set_output_dir(job, path_of("in/a.csv"), &err), PF_OK); /* a file */
  ASSERT_EQ(pf_batch_run(job, o, &r, &err), PF_EOUTPUT);
  ASSERT(strstr(err.message, "not a directory") != NULL);
  ASSERT_EQ(pf_batch_set_output_dir(job, "dbfs:/mnt/x", &err), PF_OK);
  ASSERT_EQ(pf_batch_run(job, o, &r, &err), PF_EINVAL);
  ASSERT(strstr(err.message, "DBFS") != NULL);
  pf_batch_result_free(&r);
  pf_batch_free(job);
  pf_options_free(o);
}

TEST_IMPL(threads_per_file) {
  pf_batch_job *job = job_for("in/[ab].csv", "threads");
  ASSERT(job != NULL);
  pf_options *o = pf_options_new();
  pf_error err;
  ASSERT_EQ(pf_options_set(o, "engine.threads", "3", &err), PF_OK);
  ASSERT_EQ(pf_batch_set_workers(job, 8, &err), PF_OK);
  pf_batch_result r;
  ASSERT_EQ(pf_batch_run(job, o, &r, &err), PF_OK);
  ASSERT_EQ(r.workers, 2); /* never more than the files */
  ASSERT_EQ(r.threads_per_file, 3);
  ASSERT_EQ(r.items[0].result.threads, 3);
  pf_batch_result_free(&r);
  /* PYFORGE_PARALLEL_WORKERS is the default number of workers */
  setenv("PYFORGE_PARALLEL_WORKERS", "1", 1);
  ASSERT_EQ(pf_batch_set_workers(job, 0, &err), PF_OK);
  ASSERT_EQ(pf_options_set(o, "force", "true", &err), PF_OK);
  ASSERT_EQ(pf_options_reset(o, "engine.threads", &err), PF_OK);
  ASSERT_EQ(pf_batch_run(job, o, &r, &err), PF_OK);
  unsetenv("PYFORGE_PARALLEL_WORKERS");
  ASSERT_EQ(r.workers, 1);
  ASSERT(r.threads_per_file >= 1);
  ASSERT_EQ(r.items[0].result.threads, r.threads_per_file);
  pf_batch_result_free(&r);
  pf_batch_free(job);
  pf_options_free(o);
}

/* A dBase memo file a pattern matches beside its table is the table's, not
 * an item (it gave a second output of the same name); named as a path, or
 * without its table, it stays an item. */
TEST_IMPL(memo_files_go_with_their_table) {
  ASSERT_EQ(mkdir(path_of("m"), 0700), 0);
  write_file("m/t.dbf", "not really dBase");
  write_file("m/t.dbt", "memo");
  write_file("m/U.DBF", "not really dBase");
  write_file("m/U.FPT", "memo");
  write_file("m/lone.fpt", "memo without a table");
  pf_batch_job *job = job_for("m/*", "m_out");
  ASSERT(job != NULL);
  pf_options *o = pf_options_new();
  pf_error err;
  pf_batch_result r;
  ASSERT_EQ(pf_batch_run(job, o, &r, &err), PF_OK);
  ASSERT_EQ(r.n_items, 3);
  ASSERT(find_item(&r, "m/t.dbf") != NULL);
  ASSERT(find_item(&r, "m/U.DBF") != NULL);
  ASSERT(find_item(&r, "m/lone.fpt") != NULL);
  ASSERT(find_item(&r, "m/t.dbt") == NULL);
  pf_batch_result_free(&r);
  ASSERT_EQ(pf_batch_add_path(job, path_of("m/t.dbt"), &err), PF_OK);
  ASSERT_EQ(pf_batch_run(job, o, &r, &err), PF_OK);
  ASSERT_EQ(r.n_items, 4);
  ASSERT(find_item(&r, "m/t.dbt") != NULL);
  pf_batch_result_free(&r);
  pf_batch_free(job);
  pf_options_free(o);
}

int main(void) {
  snprintf(tmpdir, sizeof tmpdir, "/tmp/pf_test_batch_XXXXXX");
  if (!mkdtemp(tmpdir)) return 1;
  setup();
  RUN_TEST(patterns_output_dir_and_one_bad_file);
  RUN_TEST(globstar_and_beside_the_inputs);
  RUN_TEST(two_inputs_one_output);
  RUN_TEST(cancel_stops_the_rest);
  RUN_TEST(refused_before_it_starts);
  RUN_TEST(threads_per_file);
  RUN_TEST(memo_files_go_with_their_table);
  char cmd[600];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
  if (system(cmd) != 0) return 1;
  return TEST_SUMMARY();
}

/* test_volume.c - Unity Catalog Volume paths (every shape and every wrong
 * part), their mapping under a fake /Volumes root, the messages for a
 * missing mount, a missing volume, a missing privilege and an old runtime,
 * and the streamed listing and metadata of files and directories. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "env/env.h"
#include "test.h"

static char tmpdir[256];
static char volroot[300];

static void touch(const char *rel, const char *text) {
  char p[600];
  snprintf(p, sizeof p, "%s/%s", volroot, rel);
  FILE *f = fopen(p, "w");
  if (f) {
    fputs(text, f);
    fclose(f);
  }
}

static void mkdir_in(const char *rel) {
  char p[600];
  snprintf(p, sizeof p, "%s/%s", volroot, rel);
  mkdir(p, 0700);
}

TEST_IMPL(volume_path_shapes) {
  pf_volume_path *v = NULL;
  ASSERT_OK(pf_volume_path_parse("/Volumes/main/sales/raw/2024/q1.csv", &v, NULL));
  ASSERT_EQ(v->kind, PF_PATH_VOLUME);
  ASSERT_STR_EQ(v->catalog, "main");
  ASSERT_STR_EQ(v->schema, "sales");
  ASSERT_STR_EQ(v->volume, "raw");
  ASSERT_STR_EQ(v->subpath, "2024/q1.csv");
  ASSERT_STR_EQ(v->full_name, "main.sales.raw");
  ASSERT_STR_EQ(v->fuse_path, "/Volumes/main/sales/raw/2024/q1.csv");
  ASSERT_STR_EQ(v->uri, "dbfs:/Volumes/main/sales/raw/2024/q1.csv");
  char want[600];
  snprintf(want, sizeof want, "%s/main/sales/raw/2024/q1.csv", volroot);
  ASSERT_STR_EQ(v->local_path, want);
  pf_volume_path_free(v);
  /* the same file, spelled for the JVM and for the classic /dbfs mount */
  ASSERT_OK(pf_volume_path_parse("dbfs:/Volumes/main/sales/raw/2024/q1.csv", &v, NULL));
  ASSERT_EQ(v->kind, PF_PATH_VOLUME);
  ASSERT_STR_EQ(v->fuse_path, "/Volumes/main/sales/raw/2024/q1.csv");
  pf_volume_path_free(v);
  ASSERT_OK(pf_volume_path_parse("/dbfs/Volumes/main/sales/raw/", &v, NULL));
  ASSERT_STR_EQ(v->subpath, "");
  ASSERT_STR_EQ(v->fuse_path, "/Volumes/main/sales/raw");
  ASSERT_STR_EQ(v->uri, "dbfs:/Volumes/main/sales/raw");
  pf_volume_path_free(v);
  ASSERT_OK(pf_volume_path_parse("dbfs:/mnt/legacy/x.csv", &v, NULL));
  ASSERT_EQ(v->kind, PF_PATH_DBFS);
  ASSERT_STR_EQ(v->uri, "dbfs:/mnt/legacy/x.csv");
  ASSERT(v->local_path == NULL);
  pf_volume_path_free(v);
  ASSERT_OK(pf_volume_path_parse("data/Volumes/x.csv", &v, NULL));
  ASSERT_EQ(v->kind, PF_PATH_LOCAL);
  ASSERT_STR_EQ(v->local_path, "data/Volumes/x.csv");
  pf_volume_path_free(v);
  ASSERT_OK(pf_volume_path_parse("/VolumesX/a/b/c", &v, NULL));
  ASSERT_EQ(v->kind, PF_PATH_LOCAL);
  pf_volume_path_free(v);
}

/* A malformed path names the shape and the part that is wrong. */
static void expect_bad(const char *path, const char *part_and_why) {
  pf_volume_path *v = NULL;
  pf_error err;
  pf_error_init(&err);
  pf_status st = pf_volume_path_parse(path, &v, &err);
  if (st != PF_EINVAL || v != NULL) {
    fprintf(stderr, "  %s: expected PF_EINVAL, got %s\n", path, pf_status_name(st));
    pf_volume_path_free(v);
    pf_test_failed_ = 1;
    return;
  }
  if (!strstr(err.message, "/Volumes/<catalog>/<schema>/<volume>/...") || !strstr(err.message, part_and_why)) {
    fprintf(stderr, "  %s: message '%s' lacks '%s'\n", path, err.message, part_and_why);
    pf_test_failed_ = 1;
  }
}

TEST_IMPL(volume_path_errors_name_the_part) {
  expect_bad("/Volumes", "the <catalog> part is missing");
  expect_bad("/Volumes/", "the <catalog> part is missing");
  expect_bad("/Volumes/main", "the <schema> part is missing");
  expect_bad("/Volumes/main/sales/", "the <volume> part is missing");
  expect_bad("dbfs:/Volumes/main/sales", "the <volume> part is missing");
  expect_bad("/Volumes//sales/raw/x", "the <catalog> part is empty");
  expect_bad("/Volumes/main//raw/x", "the <schema> part is empty");
  expect_bad("/Volumes/main/sa les/raw/x", "the <schema> part holds a space");
  expect_bad("/Volumes/main/sales/raw.v2/x", "the <volume> part holds a period");
  expect_bad("/Volumes/../sales/raw/x", "the <catalog> part is '.' or '..'");
  expect_bad("/Volumes/main/sales/r\001w/x", "control character");
  expect_bad("/Volumes/main/sales/raw/../../other/v/x", "holds '..', which would leave the volume");
  char longname[300];
  memset(longname, 'a', 256);
  longname[256] = 0;
  char p[400];
  snprintf(p, sizeof p, "/Volumes/%s/s/v/x", longname);
  expect_bad(p, "longer than 255 characters");
}

TEST_IMPL(localize_maps_and_refuses_dbfs) {
  char *local = NULL;
  ASSERT_OK(pf__volume_localize("dbfs:/Volumes/c/s/v/a.csv", &local, NULL));
  char want[600];
  snprintf(want, sizeof want, "%s/c/s/v/a.csv", volroot);
  ASSERT_STR_EQ(local, want);
  ASSERT(pf__volume_is_local(local));
  free(local);
  ASSERT_OK(pf__volume_localize("plain/a.csv", &local, NULL));
  ASSERT(local == NULL);
  ASSERT_OK(pf__volume_localize("-", &local, NULL));
  ASSERT(local == NULL);
  pf_error err;
  pf_error_init(&err);
  ASSERT_EQ(pf__volume_localize("dbfs:/mnt/x.csv", &local, &err), PF_EUNSUPPORTED);
  ASSERT(strstr(err.message, "is a DBFS path, not a Unity Catalog Volume"));
  ASSERT(!pf__volume_is_local("/tmp/x.csv"));
  ASSERT(pf__volume_is_local("/Volumes/c/s/v/x.csv"));
}

TEST_IMPL(relative_paths_inside_a_volume) {
  mkdir_in("rc");
  mkdir_in("rc/s");
  mkdir_in("rc/s/v");
  char cwd[1024], dir[600];
  ASSERT(getcwd(cwd, sizeof cwd));
  snprintf(dir, sizeof dir, "%s/rc/s/v", volroot);
  ASSERT_EQ(chdir(dir), 0);
  int on = pf__volume_is_local("out.parquet");
  char *name = NULL, *uri = NULL;
  pf_status st = pf__volume_describe("out.parquet", &name, &uri);
  ASSERT_EQ(chdir(cwd), 0);
  ASSERT_EQ(on, 1);
  ASSERT_OK(st);
  ASSERT_STR_EQ(name, "rc.s.v");
  ASSERT_STR_EQ(uri, "dbfs:/Volumes/rc/s/v/out.parquet");
  free(name);
  free(uri);
}

TEST_IMPL(io_errors_explain_volumes) {
  mkdir_in("main");
  mkdir_in("main/sales");
  mkdir_in("main/sales/raw");
  char p[600];
  pf_error err;
  /* the volume exists: a missing file is named with the volume */
  snprintf(p, sizeof p, "%s/main/sales/raw/missing.csv", volroot);
  pf_error_init(&err);
  ASSERT_EQ(pf__volume_io_error(p, ENOENT, 0, &err), PF_ENOTFOUND);
  ASSERT(strstr(err.message, "no such file in Volume main.sales.raw"));
  /* a volume that is not there */
  snprintf(p, sizeof p, "%s/main/sales/nope/x.csv", volroot);
  pf_error_init(&err);
  ASSERT_EQ(pf__volume_io_error(p, ENOENT, 0, &err), PF_ENOTFOUND);
  ASSERT(strstr(err.message, "Volume main.sales.nope does not exist, or you cannot see it"));
  ASSERT(strstr(err.message, "SHOW VOLUMES IN main.sales"));
  /* privileges: READ VOLUME to read, WRITE VOLUME to write */
  snprintf(p, sizeof p, "%s/main/sales/raw/x.csv", volroot);
  pf_error_init(&err);
  ASSERT_EQ(pf__volume_io_error(p, EACCES, 0, &err), PF_EINPUT);
  ASSERT(strstr(err.message, "needs the READ VOLUME privilege"));
  ASSERT(strstr(err.message, "GRANT READ VOLUME ON VOLUME main.sales.raw"));
  pf_error_init(&err);
  ASSERT_EQ(pf__volume_io_error(p, EPERM, 1, &err), PF_EOUTPUT);
  ASSERT(strstr(err.message, "needs the WRITE VOLUME privilege"));
  /* writing into a directory of the volume that does not exist */
  snprintf(p, sizeof p, "%s/main/sales/raw/no/dir/x.parquet", volroot);
  pf_error_init(&err);
  ASSERT_EQ(pf__volume_io_error(p, ENOENT, 1, &err), PF_EOUTPUT);
  ASSERT(strstr(err.message, "its directory does not exist in Volume main.sales.raw"));
  /* not on a Volume: nothing to add */
  pf_error_init(&err);
  ASSERT_OK(pf__volume_io_error("/tmp/x.csv", ENOENT, 0, &err));
  ASSERT_EQ(err.message[0], 0);
}

TEST_IMPL(volumes_not_mounted) {
  char gone[400];
  snprintf(gone, sizeof gone, "%s/no-such-root", tmpdir);
  setenv("PYFORGE_VOLUMES_ROOT", gone, 1);
  pf_error err;
  pf_error_init(&err);
  pf_path_info pi;
  ASSERT_EQ(pf_path_stat("/Volumes/main/sales/raw/a.csv", 0, &pi, &err), PF_ENOTFOUND);
  ASSERT(strstr(err.message, "is on a Unity Catalog Volume, and Volumes are not available on this machine"));
  pf_error_init(&err);
  ASSERT_EQ(pf_path_check("dbfs:/Volumes/main/sales/raw/out.parquet", PF_CHECK_WRITE, &err), PF_EOUTPUT);
  ASSERT(strstr(err.message, "Volumes are not available on this machine"));
  setenv("PYFORGE_VOLUMES_ROOT", volroot, 1);
}

TEST_IMPL(old_runtime_refuses_volume_writes) {
  mkdir_in("main");
  mkdir_in("main/sales");
  mkdir_in("main/sales/raw");
  pf_env *e = NULL;
  pf_error err;
  setenv("DATABRICKS_RUNTIME_VERSION", "12.2", 1);
  ASSERT_OK(pf_env_detect(PF_ENV_FRESH, &e, NULL));
  pf_env_free(e);
  pf_error_init(&err);
  ASSERT_EQ(pf_path_check("/Volumes/main/sales/raw/out.parquet", PF_CHECK_WRITE, &err), PF_EUNSUPPORTED);
  ASSERT(strstr(err.message, "needs Databricks Runtime 13.3 LTS or newer, and this cluster runs 12.2"));
  ASSERT(strstr(err.message, "ephemeral local disk"));
  /* reading is fine on any runtime; so is writing elsewhere */
  ASSERT_OK(pf_path_check("/tmp", PF_CHECK_READ, NULL));
  char local[400];
  snprintf(local, sizeof local, "%s/out.parquet", tmpdir);
  ASSERT_OK(pf_path_check(local, PF_CHECK_WRITE, NULL));
  /* 13.3 and serverless may write */
  setenv("DATABRICKS_RUNTIME_VERSION", "13.3", 1);
  ASSERT_OK(pf_env_detect(PF_ENV_FRESH, &e, NULL));
  pf_env_free(e);
  ASSERT_OK(pf_path_check("/Volumes/main/sales/raw/out.parquet", PF_CHECK_WRITE, NULL));
  setenv("DATABRICKS_RUNTIME_VERSION", "client.1.13", 1);
  ASSERT_OK(pf_env_detect(PF_ENV_FRESH, &e, NULL));
  pf_env_free(e);
  ASSERT_OK(pf_path_check("/Volumes/main/sales/raw/out.parquet", PF_CHECK_WRITE, NULL));
  unsetenv("DATABRICKS_RUNTIME_VERSION");
  ASSERT_OK(pf_env_detect(PF_ENV_FRESH, &e, NULL));
  pf_env_free(e);
}

TEST_IMPL(stat_and_list) {
  mkdir_in("cat");
  mkdir_in("cat/sch");
  mkdir_in("cat/sch/vol");
  mkdir_in("cat/sch/vol/sub");
  touch("cat/sch/vol/a.csv", "abc");
  touch("cat/sch/vol/sub/b.csv", "12345");
  char link[600];
  snprintf(link, sizeof link, "%s/cat/sch/vol/link", volroot);
  ASSERT_EQ(symlink("/etc", link), 0);
  pf_path_info pi;
  ASSERT_OK(pf_path_stat("/Volumes/cat/sch/vol/a.csv", 0, &pi, NULL));
  ASSERT_EQ(pi.kind, PF_ENTRY_FILE);
  ASSERT_EQ(pi.size, 3);
  ASSERT(pi.mtime_ns > 0);
  ASSERT_OK(pf_path_stat("/Volumes/cat/sch/vol", PF_STAT_TOTALS, &pi, NULL));
  ASSERT_EQ(pi.kind, PF_ENTRY_DIR);
  ASSERT_EQ(pi.files, 1);
  ASSERT_EQ(pi.dirs, 1);
  ASSERT_EQ(pi.others, 1); /* the link, not followed */
  ASSERT_EQ(pi.size, 3);
  ASSERT_OK(pf_path_stat("dbfs:/Volumes/cat/sch/vol", PF_STAT_RECURSIVE, &pi, NULL));
  ASSERT_EQ(pi.files, 2);
  ASSERT_EQ(pi.size, 8);
  /* the listing: every entry once, relative paths, depth */
  pf_dir_list *l = NULL;
  ASSERT_OK(pf_dir_list_open("/Volumes/cat/sch/vol", PF_STAT_RECURSIVE, &l, NULL));
  int seen_a = 0, seen_b = 0, seen_sub = 0, seen_link = 0, n = 0;
  for (;;) {
    const pf_dir_entry *e = NULL;
    ASSERT_OK(pf_dir_list_next(l, &e, NULL));
    if (!e) break;
    n++;
    if (!strcmp(e->path, "a.csv")) seen_a = e->kind == PF_ENTRY_FILE && e->size == 3 && e->depth == 0;
    if (!strcmp(e->path, "sub/b.csv")) seen_b = e->kind == PF_ENTRY_FILE && !strcmp(e->name, "b.csv") && e->depth == 1;
    if (!strcmp(e->path, "sub")) seen_sub = e->kind == PF_ENTRY_DIR;
    if (!strcmp(e->path, "link")) seen_link = e->kind == PF_ENTRY_OTHER;
  }
  pf_dir_list_close(l);
  ASSERT_EQ(n, 4);
  ASSERT(seen_a && seen_b && seen_sub && seen_link);
  pf_error err;
  pf_error_init(&err);
  ASSERT_EQ(pf_dir_list_open("/Volumes/cat/sch/vol/a.csv", 0, &l, &err), PF_EINVAL);
  ASSERT(strstr(err.message, "is not a directory"));
  pf_error_init(&err);
  ASSERT_EQ(pf_path_stat("/Volumes/cat/sch/vol/none.csv", 0, &pi, &err), PF_ENOTFOUND);
  ASSERT(strstr(err.message, "no such file in Volume cat.sch.vol"));
  /* info on the directory */
  pf_info info;
  memset(&info, 0, sizeof info);
  char dir[600];
  snprintf(dir, sizeof dir, "%s/cat/sch/vol", volroot);
  ASSERT_OK(pf__dir_info(dir, &info, NULL));
  ASSERT_STR_EQ(info.format, "directory");
  ASSERT_EQ(info.size_bytes, 8);
  ASSERT_STR_EQ(info.props[0].key, "volume");
  ASSERT_STR_EQ(info.props[0].value, "cat.sch.vol");
  ASSERT_STR_EQ(info.props[1].value, "dbfs:/Volumes/cat/sch/vol");
  ASSERT_STR_EQ(info.props[2].key, "files");
  ASSERT_STR_EQ(info.props[2].value, "2");
  pf_info_free(&info);
  unlink(link);
}

int main(void) {
  snprintf(tmpdir, sizeof tmpdir, "/tmp/pf_test_volume_XXXXXX");
  if (!mkdtemp(tmpdir)) return 1;
  snprintf(volroot, sizeof volroot, "%s/Volumes", tmpdir);
  mkdir(volroot, 0700);
  setenv("PYFORGE_VOLUMES_ROOT", volroot, 1);
  RUN_TEST(volume_path_shapes);
  RUN_TEST(volume_path_errors_name_the_part);
  RUN_TEST(localize_maps_and_refuses_dbfs);
  RUN_TEST(relative_paths_inside_a_volume);
  RUN_TEST(io_errors_explain_volumes);
  RUN_TEST(volumes_not_mounted);
  RUN_TEST(old_runtime_refuses_volume_writes);
  RUN_TEST(stat_and_list);
  char cmd[600];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
  if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmpdir);
  return TEST_SUMMARY();
}

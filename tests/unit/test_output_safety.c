/* test_output_safety.c - the security promises of outputs and temporaries
 * (docs/security.md): private 0600 temporaries with unpredictable names,
 * finished files with the umask's mode, --force replacing a planted
 * symlink instead of following it, no clobbering of a file that appears
 * meanwhile, anonymous local temporaries, and the sweep of temporaries a
 * killed conversion abandoned (only when no process holds them). */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/log.h"
#include "io/output.h"
#include "io/source.h"
#include "io/tempfile.h"
#include "test.h"

static char tmpdir[256];

static void path_in(char *out, size_t n, const char *name) { snprintf(out, n, "%s/%s", tmpdir, name); }

static int write_file(const char *path, const char *text) {
  FILE *f = fopen(path, "wb");
  if (!f) return -1;
  fputs(text, f);
  return fclose(f);
}

static int read_file(const char *path, char *buf, size_t n) {
  FILE *f = fopen(path, "rb");
  if (!f) return -1;
  size_t got = fread(buf, 1, n - 1, f);
  buf[got] = 0;
  fclose(f);
  return (int)got;
}

/* The names in dir that contain needle; the first into first (if any). */
static int names_with(const char *dir, const char *needle, char *first, size_t n) {
  DIR *d = opendir(dir);
  int k = 0;
  struct dirent *e;
  while (d && (e = readdir(d)) != NULL)
    if (strstr(e->d_name, needle)) {
      if (k++ == 0 && first) snprintf(first, n, "%s", e->d_name);
    }
  if (d) closedir(d);
  return k;
}

static int commit_text(const char *target, int force, const char *text) {
  pf__output *o;
  pf_error err;
  pf_error_init(&err);
  if (pf__output_open(target, force, &o, &err) != PF_OK) return -1;
  pf__output_write(o, text, strlen(text), &err);
  return pf__output_commit(o, &err) == PF_OK ? 0 : -1;
}

TEST_IMPL(temporary_is_private_and_unpredictable) {
  char dir[300], target[400], name1[256], name2[256], full[700];
  path_in(dir, sizeof dir, "priv");
  mkdir(dir, 0755);
  snprintf(target, sizeof target, "%s/out.parquet", dir);
  pf__output *a, *b;
  ASSERT_OK(pf__output_open(target, 0, &a, NULL));
  ASSERT_EQ(names_with(dir, ".pyforge-tmp-", name1, sizeof name1), 1);
  ASSERT_OK(pf__output_open(target, 0, &b, NULL)); /* a second writer: its own name */
  ASSERT_EQ(names_with(dir, ".pyforge-tmp-", NULL, 0), 2);
  /* .out.parquet.pyforge-tmp- + 12 random letters/digits, mode 0600 */
  ASSERT_EQ(strncmp(name1, ".out.parquet.pyforge-tmp-", 25), 0);
  ASSERT_EQ(strlen(name1), 25 + 12);
  snprintf(full, sizeof full, "%s/%s", dir, name1);
  struct stat sb;
  ASSERT_EQ(lstat(full, &sb), 0);
  ASSERT_EQ(sb.st_mode & 0777, 0600);
  /* held under a lock while its writer lives */
  int fd = open(full, O_RDONLY);
  ASSERT(fd >= 0);
  ASSERT_EQ(flock(fd, LOCK_EX | LOCK_NB), -1);
  close(fd);
  pf__output_abort(b);
  pf__output_abort(a);
  ASSERT_EQ(names_with(dir, ".pyforge-tmp-", name2, sizeof name2), 0);
}

TEST_IMPL(final_mode_follows_umask) {
  char p[300];
  struct stat sb;
  static const struct {
    mode_t mask, want;
    const char *strategy;
  } cases[] = {{022, 0644, "rename"}, {027, 0640, "rename"}, {002, 0664, "copy"}, {077, 0600, "copy"}};
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    snprintf(p, sizeof p, "%s/mode%zu.parquet", tmpdir, i);
    setenv("PYFORGE_OUTPUT_STRATEGY", cases[i].strategy, 1);
    mode_t old = umask(cases[i].mask);
    ASSERT_EQ(pf__umask_mode(), 0666 & ~cases[i].mask);
    int rc = commit_text(p, 0, "data");
    umask(old);
    unsetenv("PYFORGE_OUTPUT_STRATEGY");
    ASSERT_EQ(rc, 0);
    ASSERT_EQ(stat(p, &sb), 0);
    if ((sb.st_mode & 0777) != cases[i].want)
      TEST_FAIL_("%s with umask %03o: mode %03o, expected %03o", cases[i].strategy, (unsigned)cases[i].mask,
                 (unsigned)(sb.st_mode & 0777), (unsigned)cases[i].want);
  }
}

static void force_over_symlink(const char *strategy) {
  char victim[300], target[300], buf[64];
  snprintf(victim, sizeof victim, "%s/victim-%s.txt", tmpdir, strategy);
  snprintf(target, sizeof target, "%s/planted-%s.parquet", tmpdir, strategy);
  ASSERT_EQ(write_file(victim, "precious"), 0);
  ASSERT_EQ(symlink(victim, target), 0);
  setenv("PYFORGE_OUTPUT_STRATEGY", strategy, 1);
  pf__output *o;
  pf_error err;
  pf_error_init(&err);
  /* without --force the link counts as an existing output */
  pf_status st = pf__output_open(target, 0, &o, &err);
  int rc = commit_text(target, 1, "new output");
  unsetenv("PYFORGE_OUTPUT_STRATEGY");
  ASSERT_EQ(st, PF_EEXIST);
  ASSERT_EQ(rc, 0);
  ASSERT_EQ(read_file(victim, buf, sizeof buf), 8);
  ASSERT_STR_EQ(buf, "precious"); /* never written through the link */
  struct stat sb;
  ASSERT_EQ(lstat(target, &sb), 0);
  ASSERT(S_ISREG(sb.st_mode)); /* the link itself was replaced */
  ASSERT_EQ(read_file(target, buf, sizeof buf), 10);
}

TEST_IMPL(force_replaces_symlink_rename) { force_over_symlink("rename"); }
TEST_IMPL(force_replaces_symlink_copy) { force_over_symlink("copy"); }

TEST_IMPL(no_clobber_of_a_file_that_appears) {
  static const char *const strategies[] = {"rename", "copy"};
  for (int i = 0; i < 2; i++) {
    char target[300], buf[64];
    snprintf(target, sizeof target, "%s/appears-%s.parquet", tmpdir, strategies[i]);
    setenv("PYFORGE_OUTPUT_STRATEGY", strategies[i], 1);
    pf__output *o;
    pf_error err;
    pf_error_init(&err);
    ASSERT_OK(pf__output_open(target, 0, &o, &err));
    ASSERT_OK(pf__output_write(o, "ours", 4, &err));
    ASSERT_EQ(write_file(target, "theirs"), 0); /* another process got there first */
    pf_status st = pf__output_commit(o, &err);
    unsetenv("PYFORGE_OUTPUT_STRATEGY");
    ASSERT_EQ(st, PF_EEXIST);
    ASSERT(strstr(err.message, "appeared while converting"));
    ASSERT_EQ(read_file(target, buf, sizeof buf), 6);
    ASSERT_STR_EQ(buf, "theirs");
    char needle[64];
    snprintf(needle, sizeof needle, "appears-%s", strategies[i]);
    ASSERT_EQ(names_with(tmpdir, needle, NULL, 0), 1); /* and no temporary */
  }
}

TEST_IMPL(local_temporaries_are_anonymous) {
  char tdir[300], target[300];
  path_in(tdir, sizeof tdir, "tmpdir");
  mkdir(tdir, 0700);
  setenv("TMPDIR", tdir, 1);
  setenv("PYFORGE_OUTPUT_STRATEGY", "copy", 1);
  path_in(target, sizeof target, "anon.parquet");
  pf__output *o;
  ASSERT_OK(pf__output_open(target, 0, &o, NULL));
  ASSERT_OK(pf__output_write(o, "x", 1, NULL));
  int named = names_with(tdir, "", NULL, 0) - 2; /* minus . and .. */
  ASSERT_OK(pf__output_commit(o, NULL));
  /* the spool of a stream, too */
  int fd = -1;
  ASSERT_OK(pf__temp_anon(NULL, "a test", &fd, NULL));
  int named2 = names_with(tdir, "", NULL, 0) - 2;
  ASSERT_EQ(write(fd, "abc", 3), 3);
  close(fd);
  unsetenv("PYFORGE_OUTPUT_STRATEGY");
  unsetenv("TMPDIR");
  ASSERT_EQ(named, 0);
  ASSERT_EQ(named2, 0);
  rmdir(tdir);
}

static char logged[4096];
static void capture(void *user, pf_log_level level, const char *msg) {
  (void)user;
  (void)level;
  snprintf(logged + strlen(logged), sizeof logged - strlen(logged), "%s\n", msg);
}

TEST_IMPL(abandoned_temporaries_are_swept) {
  char dir[300], target[400], p[700];
  path_in(dir, sizeof dir, "sweep");
  mkdir(dir, 0755);
  snprintf(target, sizeof target, "%s/out.parquet", dir);
  /* left by a killed conversion: no lock */
  snprintf(p, sizeof p, "%s/.out.parquet.pyforge-tmp-AbandonedA12", dir);
  ASSERT_EQ(write_file(p, "half a file"), 0);
  /* held by a live writer (another open file description holds the lock) */
  char live[700];
  snprintf(live, sizeof live, "%s/.out.parquet.pyforge-tmp-LiveWriter12", dir);
  ASSERT_EQ(write_file(live, "in progress"), 0);
  int lfd = open(live, O_RDONLY);
  ASSERT(lfd >= 0);
  ASSERT_EQ(flock(lfd, LOCK_EX), 0);
  /* not ours to judge: another target, an old 6-character name, a user file */
  char other[700], old[700], user[700];
  snprintf(other, sizeof other, "%s/.other.parquet.pyforge-tmp-AbandonedB12", dir);
  snprintf(old, sizeof old, "%s/.out.parquet.pyforge-tmp-Ab12Cd", dir);
  snprintf(user, sizeof user, "%s/out.parquet.pyforge-tmp-AbandonedC12", dir);
  ASSERT_EQ(write_file(other, "x") | write_file(old, "x") | write_file(user, "x"), 0);

  logged[0] = 0;
  pf__log log = {capture, NULL, PF_LOG_INFO};
  pf__output_opts oo = {0, 0, &log, NULL, 0};
  pf__output *o;
  ASSERT_OK(pf__output_open_ex(target, &oo, &o, NULL));
  ASSERT_OK(pf__output_write(o, "new", 3, NULL));
  ASSERT_OK(pf__output_commit(o, NULL));
  ASSERT_EQ(access(p, F_OK), -1);      /* abandoned: removed */
  ASSERT_EQ(access(live, F_OK), 0);    /* held: kept */
  ASSERT_EQ(access(other, F_OK), 0);
  ASSERT_EQ(access(old, F_OK), 0);
  ASSERT_EQ(access(user, F_OK), 0);
  ASSERT(strstr(logged, ".out.parquet.pyforge-tmp-AbandonedA12: a temporary file left by an earlier conversion"));
  ASSERT(!strstr(logged, "LiveWriter12"));
  /* once its writer is gone, the next run removes it too */
  close(lfd);
  oo.force = 1;
  ASSERT_OK(pf__output_open_ex(target, &oo, &o, NULL));
  pf__output_abort(o);
  ASSERT_EQ(access(live, F_OK), -1);
  /* the directory form (Delta tables): any target's abandoned temporaries */
  ASSERT_EQ(pf__temp_sweep(dir, 1, NULL), 1); /* .other...; not the 6-char or user file */
  ASSERT_EQ(access(other, F_OK), -1);
  ASSERT_EQ(access(old, F_OK), 0);
}

TEST_IMPL(random_names_differ) {
  char a[13], b[13];
  pf__temp_random(a, 12);
  pf__temp_random(b, 12);
  ASSERT_EQ(strlen(a), 12);
  ASSERT(strcmp(a, b) != 0);
  for (int i = 0; i < 12; i++)
    ASSERT((a[i] >= 'a' && a[i] <= 'z') || (a[i] >= 'A' && a[i] <= 'Z') || (a[i] >= '0' && a[i] <= '9'));
}

int main(void) {
  snprintf(tmpdir, sizeof tmpdir, "/tmp/pf-test-outsafe-XXXXXX");
  if (!mkdtemp(tmpdir)) return 2;
  RUN_TEST(temporary_is_private_and_unpredictable);
  RUN_TEST(final_mode_follows_umask);
  RUN_TEST(force_replaces_symlink_rename);
  RUN_TEST(force_replaces_symlink_copy);
  RUN_TEST(no_clobber_of_a_file_that_appears);
  RUN_TEST(local_temporaries_are_anonymous);
  RUN_TEST(abandoned_temporaries_are_swept);
  RUN_TEST(random_names_differ);
  char cmd[400];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
  if (system(cmd) != 0) return 2;
  return TEST_SUMMARY();
}

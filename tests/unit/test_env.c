/* test_env.c - environment detection rules (one test per rule, each with
 * fake variables and fake /databricks files), runtime versions, the cache,
 * the JSON shape and credential redaction. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/redact.h"
#include "env/env.h"
#include "test.h"

static char tmpdir[256];
static char dbroot[300];

/* Detects with exactly these variables and the fake /databricks root. */
static pf_env *detect(char *const *envp) {
  pf__env_probe p = {envp, dbroot, "/nonexistent-volumes", "Linux", "6.1", "x86_64", NULL, "glibc 2.35", NULL};
  pf_env *e = NULL;
  pf_error err;
  pf_error_init(&err);
  if (pf__env_detect_probe(&p, &e, &err) != PF_OK) return NULL;
  return e;
}

static const char *reason_of(const pf_env *e, const char *key) {
  for (size_t i = 0; i < e->n_reasons; i++)
    if (!strcmp(e->reasons[i].key, key)) return e->reasons[i].value;
  return "(none)";
}

static const char *var_of(const pf_env *e, const char *key) {
  for (size_t i = 0; i < e->n_variables; i++)
    if (!strcmp(e->variables[i].key, key)) return e->variables[i].value;
  return NULL;
}

static int notes_hold(const pf_env *e, const char *text) {
  for (size_t i = 0; i < e->n_notes; i++)
    if (strstr(e->notes[i], text)) return 1;
  return 0;
}

static void write_dbr_version(const char *text) {
  char p[400];
  snprintf(p, sizeof p, "%s/DBR_VERSION", dbroot);
  if (!text) {
    unlink(p);
    return;
  }
  FILE *f = fopen(p, "w");
  fputs(text, f);
  fclose(f);
}

TEST_IMPL(laptop_is_local) {
  char *envp[] = {"HOME=/home/x", "PATH=/usr/bin", NULL};
  pf_env *e = detect(envp);
  ASSERT(e);
  ASSERT_EQ(e->is_databricks, 0);
  ASSERT_EQ(e->compute_type, PF_COMPUTE_LOCAL);
  ASSERT_EQ(e->spark_connect, 0);
  ASSERT_EQ(e->databricks_client, 0);
  ASSERT(e->runtime_version == NULL);
  ASSERT_EQ(e->runtime.major, -1);
  ASSERT(strstr(reason_of(e, "is_databricks"), "no DATABRICKS_RUNTIME_VERSION"));
  ASSERT_EQ(e->n_variables, 0);
  ASSERT_STR_EQ(e->libc, "glibc 2.35");
  pf_env_free(e);
}

TEST_IMPL(runtime_variable_means_classic) {
  char *envp[] = {"DATABRICKS_RUNTIME_VERSION=15.4", "DATABRICKS_CLUSTER_ID=0101-abc", NULL};
  pf_env *e = detect(envp);
  ASSERT(e);
  ASSERT_EQ(e->is_databricks, 1);
  ASSERT_EQ(e->compute_type, PF_COMPUTE_CLASSIC);
  ASSERT_EQ(e->runtime.serverless, 0);
  ASSERT_EQ(e->runtime.major, 15);
  ASSERT_EQ(e->runtime.minor, 4);
  ASSERT_EQ(e->spark_connect, 0);
  ASSERT_EQ(e->databricks_client, 0); /* on Databricks, not a client */
  ASSERT_STR_EQ(e->runtime_source, "DATABRICKS_RUNTIME_VERSION");
  ASSERT_STR_EQ(e->cluster_id, "0101-abc");
  ASSERT(strstr(reason_of(e, "compute_type"), "classic"));
  pf_env_free(e);
}

TEST_IMPL(dbr_version_file_when_no_variable) {
  write_dbr_version("13.3.x-scala2.12\n");
  char *envp[] = {"DB_HOME=/databricks", NULL};
  pf_env *e = detect(envp);
  write_dbr_version(NULL);
  ASSERT(e);
  ASSERT_EQ(e->is_databricks, 1);
  ASSERT_EQ(e->compute_type, PF_COMPUTE_CLASSIC);
  ASSERT_STR_EQ(e->runtime_version, "13.3.x-scala2.12");
  ASSERT_EQ(e->runtime.major, 13);
  ASSERT_EQ(e->runtime.minor, 3);
  ASSERT(strstr(e->runtime_source, "/DBR_VERSION"));
  ASSERT(strstr(reason_of(e, "is_databricks"), "DBR_VERSION holds 13.3"));
  pf_env_free(e);
}

TEST_IMPL(variable_wins_over_file) {
  write_dbr_version("12.2\n");
  char *envp[] = {"DATABRICKS_RUNTIME_VERSION=15.4", NULL};
  pf_env *e = detect(envp);
  write_dbr_version(NULL);
  ASSERT(e);
  ASSERT_STR_EQ(e->runtime_version, "15.4");
  ASSERT_EQ(e->runtime.major, 15);
  pf_env_free(e);
}

TEST_IMPL(client_version_means_serverless) {
  char *envp[] = {"DATABRICKS_RUNTIME_VERSION=client.3.1", "IS_SERVERLESS=TRUE", NULL};
  pf_env *e = detect(envp);
  ASSERT(e);
  ASSERT_EQ(e->is_databricks, 1);
  ASSERT_EQ(e->compute_type, PF_COMPUTE_SERVERLESS);
  ASSERT_EQ(e->runtime.serverless, 1);
  ASSERT_EQ(e->runtime.major, 3); /* the environment version */
  ASSERT_EQ(e->runtime.minor, 1);
  ASSERT_EQ(e->spark_connect, 1);
  ASSERT(notes_hold(e, "agrees"));
  pf_env_free(e);
}

TEST_IMPL(spark_connect_mode_means_shared_cluster) {
  char *envp[] = {"DATABRICKS_RUNTIME_VERSION=15.4", "SPARK_CONNECT_MODE_ENABLED=1", NULL};
  pf_env *e = detect(envp);
  ASSERT(e);
  ASSERT_EQ(e->compute_type, PF_COMPUTE_CLASSIC);
  ASSERT_EQ(e->spark_connect, 1);
  ASSERT(strstr(reason_of(e, "spark_connect"), "standard (shared) access mode"));
  pf_env_free(e);
}

TEST_IMPL(is_serverless_alone_is_a_hint) {
  char *envp[] = {"IS_SERVERLESS=TRUE", "DB_HOME=/databricks", NULL};
  pf_env *e = detect(envp);
  ASSERT(e);
  ASSERT_EQ(e->is_databricks, 0);
  ASSERT_EQ(e->compute_type, PF_COMPUTE_LOCAL);
  ASSERT(notes_hold(e, "IS_SERVERLESS=TRUE without a runtime version proves nothing"));
  ASSERT(notes_hold(e, "DB_HOME is set but there is no runtime version"));
  pf_env_free(e);
  /* and it never overrides a classic runtime version */
  char *envp2[] = {"IS_SERVERLESS=TRUE", "DATABRICKS_RUNTIME_VERSION=14.3", NULL};
  e = detect(envp2);
  ASSERT(e);
  ASSERT_EQ(e->compute_type, PF_COMPUTE_CLASSIC);
  ASSERT(notes_hold(e, "disagrees"));
  pf_env_free(e);
}

TEST_IMPL(client_variables_mean_client_not_databricks) {
  char *envp[] = {"DATABRICKS_HOST=https://adb-1.azuredatabricks.net", "DATABRICKS_TOKEN=dapi0123456789abcdef0123456789abcdef",
                  "SPARK_REMOTE=sc://h:443/;token=dapi0123456789abcdef0123456789abcdef;x=1", NULL};
  pf_env *e = detect(envp);
  ASSERT(e);
  ASSERT_EQ(e->is_databricks, 0);
  ASSERT_EQ(e->compute_type, PF_COMPUTE_LOCAL);
  ASSERT_EQ(e->databricks_client, 1);
  ASSERT_EQ(e->spark_connect, 1); /* PySpark here would use Spark Connect */
  ASSERT(strstr(reason_of(e, "databricks_client"), "DATABRICKS_HOST, DATABRICKS_TOKEN, SPARK_REMOTE set"));
  ASSERT(strstr(reason_of(e, "databricks_client"), "not running on it"));
  /* secrets: the token variable is never shown, the URL's token is masked */
  ASSERT_STR_EQ(var_of(e, "DATABRICKS_TOKEN"), "<redacted>");
  ASSERT_STR_EQ(var_of(e, "SPARK_REMOTE"), "sc://h:443/;token=***;x=1");
  ASSERT_STR_EQ(var_of(e, "DATABRICKS_HOST"), "https://adb-1.azuredatabricks.net");
  char *js = pf_env_json(e);
  ASSERT(js);
  ASSERT(!strstr(js, "0123456789abcdef"));
  pf_free(js);
  pf_env_free(e);
}

TEST_IMPL(unparseable_version_is_noted) {
  char *envp[] = {"DATABRICKS_RUNTIME_VERSION=custom-image", NULL};
  pf_env *e = detect(envp);
  ASSERT(e);
  ASSERT_EQ(e->is_databricks, 1);
  ASSERT_EQ(e->compute_type, PF_COMPUTE_CLASSIC);
  ASSERT_EQ(e->runtime.major, -1);
  ASSERT(notes_hold(e, "does not parse"));
  pf_env_free(e);
}

TEST_IMPL(runtime_versions_parse_and_compare) {
  pf_runtime_version a, b;
  ASSERT_OK(pf_runtime_version_parse("15.4", &a, NULL));
  ASSERT_OK(pf_runtime_version_parse("13.3.x-scala2.12", &b, NULL));
  ASSERT_EQ(pf_runtime_version_compare(&a, &b), 1);
  ASSERT_EQ(pf_runtime_version_compare(&b, &a), -1);
  ASSERT_OK(pf_runtime_version_parse("13.3 LTS", &a, NULL));
  ASSERT_EQ(pf_runtime_version_compare(&a, &b), 0);
  ASSERT_OK(pf_runtime_version_parse("12.2.x-gpu-ml-scala2.12", &a, NULL));
  ASSERT_EQ(a.major, 12);
  ASSERT_EQ(a.minor, 2);
  ASSERT_OK(pf_runtime_version_parse("client.1", &a, NULL));
  ASSERT_EQ(a.serverless, 1);
  ASSERT_EQ(a.major, 1);
  ASSERT_EQ(a.minor, 0);
  ASSERT_EQ(pf_runtime_version_compare(&a, &b), 0); /* not comparable */
  pf_error err;
  pf_error_init(&err);
  ASSERT_EQ(pf_runtime_version_parse("15", &a, &err), PF_EINVAL);
  ASSERT(strstr(err.message, "like 15.4"));
  ASSERT_EQ(pf_runtime_version_parse("abc", &a, NULL), PF_EINVAL);
  ASSERT_EQ(pf_runtime_version_parse("15.4x", &a, NULL), PF_EINVAL);
  ASSERT_EQ(pf_runtime_version_parse("", &a, NULL), PF_EINVAL);
}

TEST_IMPL(cache_and_fresh_look) {
  setenv("DATABRICKS_RUNTIME_VERSION", "15.4", 1);
  pf_env *e = NULL;
  ASSERT_OK(pf_env_detect(PF_ENV_FRESH, &e, NULL));
  ASSERT_EQ(e->cached, 0);
  ASSERT_EQ(e->runtime.major, 15);
  pf_env_free(e);
  setenv("DATABRICKS_RUNTIME_VERSION", "client.2", 1);
  ASSERT_OK(pf_env_detect(0, &e, NULL)); /* cached: still the old answer */
  ASSERT_EQ(e->cached, 1);
  ASSERT_EQ(e->compute_type, PF_COMPUTE_CLASSIC);
  pf_env_free(e);
  ASSERT_OK(pf_env_detect(PF_ENV_FRESH, &e, NULL));
  ASSERT_EQ(e->compute_type, PF_COMPUTE_SERVERLESS);
  ASSERT(e->detect_seconds < 0.05);
  pf_env_free(e);
  unsetenv("DATABRICKS_RUNTIME_VERSION");
  ASSERT_OK(pf_env_detect(PF_ENV_FRESH, &e, NULL));
  ASSERT_EQ(e->is_databricks, 0);
  pf_env_free(e);
}

static void *hammer(void *arg) {
  long fresh_every = (long)arg;
  for (long i = 0; i < 300; i++) {
    pf_env *e = NULL;
    if (pf_env_detect(fresh_every && i % fresh_every == 0 ? PF_ENV_FRESH : 0, &e, NULL) != PF_OK) return (void *)1;
    /* read the whole answer: a refresh in another thread must not free it */
    int bad = e->compute_type != PF_COMPUTE_CLASSIC || strcmp(e->runtime_version, "15.4") != 0 || e->n_reasons != 5;
    pf_env_free(e);
    if (bad) return (void *)1;
  }
  return NULL;
}

TEST_IMPL(cache_is_thread_safe) {
  setenv("DATABRICKS_RUNTIME_VERSION", "15.4", 1);
  pf_env *first = NULL;
  ASSERT_OK(pf_env_detect(PF_ENV_FRESH, &first, NULL)); /* the cache holds 15.4 from here on */
  pf_env_free(first);
  pthread_t t[4];
  for (long i = 0; i < 4; i++) pthread_create(&t[i], NULL, hammer, (void *)(i % 2 ? 7L : 0L));
  int failures = 0;
  for (int i = 0; i < 4; i++) {
    void *r;
    pthread_join(t[i], &r);
    failures += r != NULL;
  }
  unsetenv("DATABRICKS_RUNTIME_VERSION");
  pf_env *e = NULL;
  ASSERT_OK(pf_env_detect(PF_ENV_FRESH, &e, NULL));
  pf_env_free(e);
  ASSERT_EQ(failures, 0);
}

TEST_IMPL(json_shape) {
  char *envp[] = {"DATABRICKS_RUNTIME_VERSION=15.4", "DATABRICKS_WORKSPACE_ID=123", NULL};
  pf_env *e = detect(envp);
  ASSERT(e);
  char *js = pf_env_json(e);
  ASSERT(js);
  ASSERT(strstr(js, "{\"is_databricks\":true,\"compute_type\":\"classic\",\"runtime_version\":\"15.4\","
                    "\"spark_connect\":false,\"databricks_client\":false,"));
  ASSERT(strstr(js, "\"runtime\":{\"kind\":\"databricks_runtime\",\"major\":15,\"minor\":4,"));
  ASSERT(strstr(js, "\"workspace_id\":\"123\""));
  ASSERT(strstr(js, "\"reasons\":{\"is_databricks\":\"DATABRICKS_RUNTIME_VERSION is set (15.4)\""));
  pf_free(js);
  pf_env *c = pf__env_copy(e);
  ASSERT(c);
  ASSERT_STR_EQ(c->runtime_version, "15.4");
  ASSERT_EQ(c->n_reasons, e->n_reasons);
  pf_env_free(c);
  pf_env_free(e);
}

static const char *redacted(const char *in) {
  static char out[512];
  pf__redact(in, out, sizeof out);
  return out;
}

TEST_IMPL(redaction_rules) {
  ASSERT_STR_EQ(redacted("https://user:s3cret@host/x"), "https://user:***@host/x");
  ASSERT_STR_EQ(redacted("https://tok3n@host/x"), "https://***@host/x");
  ASSERT_STR_EQ(redacted("https://host/x?a=1&token=abc&b=2"), "https://host/x?a=1&token=***&b=2");
  ASSERT_STR_EQ(redacted("sc://h:443/;token=dapiABC;x-databricks-cluster-id=1"),
                "sc://h:443/;token=***;x-databricks-cluster-id=1");
  ASSERT_STR_EQ(redacted("cannot open s3://b/k?X-Amz-Signature=deadbeef"), "cannot open s3://b/k?X-Amz-Signature=***");
  ASSERT_STR_EQ(redacted("DefaultEndpointsProtocol=https;AccountKey=abc==;EndpointSuffix=x"),
                "DefaultEndpointsProtocol=https;AccountKey=***;EndpointSuffix=x");
  ASSERT_STR_EQ(redacted("Authorization: Bearer eyJhbGciOi.x.y done"), "Authorization: Bearer *** done");
  ASSERT_STR_EQ(redacted("got dapi0123456789abcdef0123456789abcdef-2 here"), "got dapi*** here");
  ASSERT_STR_EQ(redacted("key AKIAIOSFODNN7EXAMPLE used"), "key AKIA*** used");
  /* not secrets: Hive partition paths, words, ordinary URLs */
  ASSERT_STR_EQ(redacted("/lake/token=abc/part-0.parquet"), "/lake/token=abc/part-0.parquet");
  ASSERT_STR_EQ(redacted("the token is missing"), "the token is missing");
  ASSERT_STR_EQ(redacted("https://example.com/a@b"), "https://example.com/a@b");
  ASSERT_STR_EQ(redacted("dapi123"), "dapi123");
  /* idempotent */
  ASSERT_STR_EQ(redacted("https://user:***@host/x"), "https://user:***@host/x");
  /* truncation keeps a terminated string */
  char small[8];
  pf__redact("https://u:p@h", small, sizeof small);
  ASSERT_EQ(strlen(small), 7);
  ASSERT(pf__redact_secret_name("DATABRICKS_TOKEN"));
  ASSERT(pf__redact_secret_name("DATABRICKS_CLIENT_SECRET"));
  ASSERT(pf__redact_secret_name("aws_secret_access_key"));
  ASSERT(pf__redact_secret_name("DB_PWD"));
  ASSERT(!pf__redact_secret_name("PWD"));
  ASSERT(!pf__redact_secret_name("DATABRICKS_HOST"));
  ASSERT(!pf__redact_secret_name("DATABRICKS_AUTH_TYPE"));
}

TEST_IMPL(errors_and_logs_are_redacted) {
  pf_error err;
  pf_error_init(&err);
  pf__error_set(&err, PF_EINPUT, "cannot open https://me:hunter2@host/data.csv?sig=XYZ");
  pf__error_file(&err, "https://me:hunter2@host/data.csv");
  ASSERT(!strstr(err.message, "hunter2"));
  ASSERT(!strstr(err.message, "XYZ"));
  ASSERT(!strstr(err.file, "hunter2"));
  char *r = pf_redact("token=abc");
  ASSERT_STR_EQ(r, "token=***");
  pf_free(r);
}

int main(void) {
  snprintf(tmpdir, sizeof tmpdir, "/tmp/pf_test_env_XXXXXX");
  if (!mkdtemp(tmpdir)) return 1;
  snprintf(dbroot, sizeof dbroot, "%s/databricks", tmpdir);
  mkdir(dbroot, 0700);
  RUN_TEST(laptop_is_local);
  RUN_TEST(runtime_variable_means_classic);
  RUN_TEST(dbr_version_file_when_no_variable);
  RUN_TEST(variable_wins_over_file);
  RUN_TEST(client_version_means_serverless);
  RUN_TEST(spark_connect_mode_means_shared_cluster);
  RUN_TEST(is_serverless_alone_is_a_hint);
  RUN_TEST(client_variables_mean_client_not_databricks);
  RUN_TEST(unparseable_version_is_noted);
  RUN_TEST(runtime_versions_parse_and_compare);
  RUN_TEST(cache_and_fresh_look);
  RUN_TEST(cache_is_thread_safe);
  RUN_TEST(json_shape);
  RUN_TEST(redaction_rules);
  RUN_TEST(errors_and_logs_are_redacted);
  rmdir(dbroot);
  rmdir(tmpdir);
  return TEST_SUMMARY();
}

/* test_plugins.c - the plugin manager through the public API: discovery
 * (PYFORGE_PLUGIN_PATH, added paths), every state a plugin can end in
 * (loaded; failed: a random file named .so, no entry symbol, a newer ABI
 * major or minor, init failing, a missing library, a clashing format name
 * or flag; disabled: by name, PYFORGE_FORCE_CORE, a duplicate name), a
 * plugin's reader, writer and option keys used like built-in ones, the
 * log prefix, hooks (failing, required or not; parameter enhancement),
 * reload, front ends' entries and hooks, and concurrent first use. The
 * test plugins are tests/plugins/testplug.c's variants; the template
 * plugin (jsonl) is read as a C consumer of its stream. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pyforge/arrow_c_data.h"
#include "pyforge/plugin.h"
#include "pyforge/pyforge.h"
#include "test.h"

static char *read_file(const char *path, size_t *n) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  char *b = malloc(1 << 20);
  *n = fread(b, 1, (1 << 20) - 1, f);
  b[*n] = 0;
  fclose(f);
  return b;
}

/* Copies a test plugin to dst (a new inode: rename over the old name). */
static void copy_plugin(const char *name, const char *dst) {
  char src[512], tmp[600];
  snprintf(src, sizeof src, "%s/%s", PF_TEST_PLUGIN_DIR, name);
  snprintf(tmp, sizeof tmp, "%s.part", dst);
  size_t n;
  FILE *f = fopen(src, "rb");
  if (!f) {
    perror(src);
    exit(1);
  }
  char *b = malloc(16 << 20);
  n = fread(b, 1, 16 << 20, f);
  fclose(f);
  FILE *o = fopen(tmp, "wb");
  if (!o || fwrite(b, 1, n, o) != n || fclose(o) != 0 || rename(tmp, dst) != 0) {
    perror(dst);
    exit(1);
  }
  free(b);
}

static const char *test_plugin(const char *name) {
  static char p[8][512];
  static int k;
  char *s = p[k++ & 7];
  snprintf(s, 512, "%s/%s.so", PF_TEST_PLUGIN_DIR, name);
  return s;
}

/* A fresh manager that will look only where path says. */
static void use_plugins(const char *path) {
  pf_plugins_shutdown();
  unsetenv("PYFORGE_DISABLE_PLUGINS");
  unsetenv("PYFORGE_FORCE_CORE");
  unsetenv("PYFORGE_PLUGIN_RELOAD");
  setenv("PYFORGE_PLUGIN_PATH", path, 1);
}

static const pf_extension_desc *ext_named(const char *name, const char *kind) {
  const pf_extension_desc *d;
  size_t n = pf_extensions_list(&d);
  for (size_t i = 0; i < n; i++)
    if (!strcmp(d[i].name, name) && !strcmp(d[i].kind, kind)) return &d[i];
  return NULL;
}

static const pf_format_desc *format_named(const char *name, const char *kind) {
  const pf_format_desc *d;
  size_t n = pf_formats_list(&d);
  for (size_t i = 0; i < n; i++)
    if (!strcmp(d[i].name, name) && !strcmp(d[i].kind, kind)) return &d[i];
  return NULL;
}

/* Captured log lines. */
static char logbuf[65536];
static size_t loglen;
static void capture(void *user, pf_log_level level, const char *msg) {
  (void)user;
  loglen += (size_t)snprintf(logbuf + loglen, sizeof logbuf - loglen, "%d %s\n", (int)level, msg);
  if (loglen >= sizeof logbuf) loglen = sizeof logbuf - 1;
}
static void log_reset(void) {
  loglen = 0;
  logbuf[0] = 0;
}

static pf_options *opts_for(const char *in, const char *out) {
  pf_options *o = pf_options_new();
  pf_options_set(o, "input.path", in, NULL);
  if (out) pf_options_set(o, "output.path", out, NULL);
  pf_options_set(o, "output.force", "true", NULL);
  pf_options_set(o, "engine.threads", "2", NULL);
  pf_options_set(o, "engine.log_level", "debug", NULL);
  pf_options_set_log(o, capture, NULL);
  return o;
}

/* ---- states ---- */

TEST_IMPL(valid_plugin_is_listed_with_its_formats_and_keys) {
  use_plugins(test_plugin("tpgood"));
  const pf_extension_desc *e = ext_named("tpgood", "c-plugin");
  ASSERT(e != NULL);
  ASSERT_STR_EQ(e->state, "loaded");
  ASSERT_STR_EQ(e->reason, "");
  ASSERT_STR_EQ(e->version, "0.1");
  ASSERT_STR_EQ(e->abi, "1.0");
  ASSERT_STR_EQ(e->formats, "tplines (input), tptext (output)");
  ASSERT_STR_EQ(e->path, test_plugin("tpgood"));
  /* built-in families come first */
  const pf_extension_desc *d;
  ASSERT(pf_extensions_list(&d) >= 7);
  ASSERT_STR_EQ(d[0].name, "csv");
  ASSERT_STR_EQ(d[0].kind, "built-in");
  const pf_format_desc *f = format_named("tplines", "input");
  ASSERT(f != NULL);
  ASSERT_STR_EQ(f->plugin, "tpgood");
  ASSERT_STR_EQ(f->origin, test_plugin("tpgood"));
  ASSERT_STR_EQ(f->extensions, ".tplines");
  ASSERT(format_named("csv", "input")->plugin == NULL);
  /* its keys are keys like any: found, listed, parsed, spelled in the CLI */
  const pf_option_desc *k = pf_option_find("tplines.upper");
  ASSERT(k != NULL);
  ASSERT_STR_EQ(k->name, "tp_upper");
  ASSERT_STR_EQ(k->cli[0].flag, "--tp-upper");
  ASSERT(pf_option_find("tp_separator") != NULL);
  pf_options *o = pf_options_new();
  pf_error err;
  ASSERT_EQ(pf_options_set(o, "tplines.upper", "maybe", &err), PF_EINVAL);
  ASSERT_STR_EQ(err.message, "tplines.upper takes true or false; got 'maybe'");
  ASSERT_OK(pf_options_set(o, "tp_upper", "yes", &err));
  const char *v;
  ASSERT_OK(pf_options_get(o, "tplines.upper", &v, &err));
  ASSERT_STR_EQ(v, "true");
  pf_options_free(o);
  char *js = pf_extensions_json();
  ASSERT(js && strstr(js, "\"name\":\"tpgood\",\"version\":\"0.1\",\"kind\":\"c-plugin\","
                          "\"state\":\"loaded\",\"reason\":\"\""));
  pf_free(js);
  pf_plugins_shutdown();
}

TEST_IMPL(plugin_reader_and_writer_convert_like_built_ins) {
  use_plugins(test_plugin("tpgood"));
  const char *in = test_write_file("a.tplines", "hello\nworld\n", 12);
  const char *out = test_tmp_path("a.tptext");
  pf_options *o = opts_for(in, NULL);
  pf_options_set(o, "output.format", "tptext", NULL);
  pf_options_set(o, "tplines.upper", "true", NULL);
  pf_options_set(o, "tptext.separator", "|", NULL);
  pf_convert_result r;
  pf_error err;
  log_reset();
  ASSERT_OK(pf_convert(o, &r, &err));
  ASSERT_STR_EQ(r.input_format, "tplines");
  ASSERT_STR_EQ(r.output_format, "tptext");
  ASSERT_STR_EQ(r.output_path, out); /* the writer's first extension */
  ASSERT_EQ(r.rows, 2);
  pf_convert_result_free(&r);
  size_t n;
  char *text = read_file(out, &n);
  ASSERT_STR_EQ(text, "HELLO\nWORLD\n");
  free(text);
  /* the reader's log lines carry the plugin's name */
  ASSERT(strstr(logbuf, "[tpgood] opened ") != NULL);
  /* a plugin's writer-owned key for another writer's output is refused */
  pf_options_set(o, "output.format", "parquet", NULL);
  pf_options_set(o, "output.path", test_tmp_path("a.parquet"), NULL);
  ASSERT_EQ(pf_convert(o, &r, &err), PF_EINVAL);
  ASSERT_STR_EQ(err.message,
                "tptext.separator applies to tptext outputs (output.format=tptext), not to "
                "parquet output");
  /* the reader's output by extension: .tplines -> parquet by default */
  pf_options_reset(o, "tptext.separator", NULL);
  ASSERT_OK(pf_convert(o, &r, &err));
  ASSERT_EQ(r.rows, 2);
  pf_convert_result_free(&r);
  pf_options_free(o);
  log_reset();
  pf_plugins_set_log(capture, NULL, PF_LOG_DEBUG);
  pf_plugins_shutdown();
  ASSERT(strstr(logbuf, "[tpgood] shutting down") != NULL);
  ASSERT(strstr(logbuf, "[tpgood] shutdown 1") != NULL); /* the plugin's own line */
  pf_plugins_set_log(NULL, NULL, PF_LOG_WARN);
}

static void expect_failed(const char *file, const char *name, const char *reason_start) {
  const pf_extension_desc *e = ext_named(name, "c-plugin");
  if (!e) {
    fprintf(stderr, "  no extension named %s (from %s)\n", name, file);
    pf_test_failed_ = 1;
    return;
  }
  if (strcmp(e->state, "failed") || strncmp(e->reason, reason_start, strlen(reason_start))) {
    fprintf(stderr, "  %s: state %s, reason '%s'; expected failed, '%s...'\n", file, e->state,
            e->reason, reason_start);
    pf_test_failed_ = 1;
  }
}

TEST_IMPL(random_file_named_so_is_not_a_plugin) {
  unsigned char junk[512];
  for (size_t i = 0; i < sizeof junk; i++) junk[i] = (unsigned char)(i * 7919u >> 3);
  const char *p = test_write_file("junk.so", junk, sizeof junk);
  use_plugins(p);
  expect_failed(p, "junk", "not a plugin: not a shared library this system loads");
  ASSERT(strstr(ext_named("junk", "c-plugin")->reason, "invalid ELF header") != NULL);
  pf_plugins_shutdown();
}

TEST_IMPL(library_without_the_entry_symbol) {
  use_plugins(test_plugin("tpnoentry"));
  expect_failed("tpnoentry", "tpnoentry", "not a plugin: it has no pyforge_plugin_init symbol");
  pf_plugins_shutdown();
}

TEST_IMPL(plugin_built_for_a_newer_abi) {
  char both[1100];
  snprintf(both, sizeof both, "%s:%s", test_plugin("tpabinewer"), test_plugin("tpabiminor"));
  use_plugins(both);
  expect_failed("tpabinewer", "tpabinewer", "ABI too new: it needs plugin ABI 2.0; this PyForge ");
  char minor[96];
  snprintf(minor, sizeof minor, "ABI too new: it needs plugin ABI 1.%d; this PyForge ",
           PF_PLUGIN_ABI_MINOR + 1);
  expect_failed("tpabiminor", "tpabiminor", minor);
  ASSERT_STR_EQ(ext_named("tpabinewer", "c-plugin")->abi, "2.0");
  pf_plugins_shutdown();
}

TEST_IMPL(init_failure_and_missing_library) {
  const char *dep = test_tmp_path("tpdep.so"); /* without dep/libtp_dep.so beside it */
  copy_plugin("tpdep.so", dep);
  char both[1100];
  snprintf(both, sizeof both, "%s:%s", test_plugin("tpfails"), dep);
  use_plugins(both);
  expect_failed("tpfails", "tpfails", "init failed: the license file is missing");
  expect_failed(dep, "tpdep", "missing library: libtp_dep.so: cannot open shared object file");
  pf_plugins_shutdown();
  use_plugins(test_plugin("tpdep")); /* in the build tree its library is there */
  ASSERT_STR_EQ(ext_named("tpdep", "c-plugin")->state, "loaded");
  pf_plugins_shutdown();
}

TEST_IMPL(clashing_plugins_are_refused_and_break_nothing) {
  char both[1100];
  snprintf(both, sizeof both, "%s:%s", test_plugin("tpclash"), test_plugin("tpflag"));
  use_plugins(both);
  expect_failed("tpclash", "tpclash", "refused: format name 'csv' clashes with the built-in csv reader");
  expect_failed("tpflag", "tpflag",
                "refused: option tpflag.delimiter: flag --delimiter is taken by another option");
  ASSERT(format_named("csv", "input")->plugin == NULL);
  ASSERT(pf_option_find("tpflag.delimiter") == NULL);
  /* the built-in csv reader is untouched */
  const char *in = test_write_file("c.csv", "a,b\n1,x\n", 8);
  pf_options *o = opts_for(in, test_tmp_path("c.parquet"));
  pf_convert_result r;
  pf_error err;
  ASSERT_OK(pf_convert(o, &r, &err));
  ASSERT_STR_EQ(r.input_format, "csv");
  ASSERT_EQ(r.rows, 1);
  pf_convert_result_free(&r);
  pf_options_free(o);
  pf_plugins_shutdown();
}

TEST_IMPL(disabled_by_name_force_core_and_duplicates) {
  use_plugins(test_plugin("tpgood"));
  setenv("PYFORGE_DISABLE_PLUGINS", "other, tpgood", 1);
  const pf_extension_desc *e = ext_named("tpgood", "c-plugin");
  ASSERT(e != NULL);
  ASSERT_STR_EQ(e->state, "disabled");
  ASSERT_STR_EQ(e->reason, "disabled by PYFORGE_DISABLE_PLUGINS");
  ASSERT(format_named("tplines", "input") == NULL);
  use_plugins(test_plugin("tpgood"));
  setenv("PYFORGE_FORCE_CORE", "true", 1);
  e = ext_named("tpgood", "c-plugin");
  ASSERT_STR_EQ(e->state, "disabled");
  ASSERT_STR_EQ(e->reason, "PYFORGE_FORCE_CORE=true disables every plugin");
  ASSERT(pf_option_find("tplines.upper") == NULL);
  /* two files with one plugin name: the first wins */
  const char *a = test_tmp_path("a_first.so"), *b = test_tmp_path("b_second.so");
  copy_plugin("tpgood.so", a);
  copy_plugin("tpgood.so", b);
  use_plugins(test_tmpdir);
  const pf_extension_desc *d;
  size_t n = pf_extensions_list(&d), loaded = 0, dup = 0;
  for (size_t i = 0; i < n; i++) {
    if (strcmp(d[i].name, "tpgood")) continue;
    if (!strcmp(d[i].state, "loaded")) {
      loaded++;
      ASSERT_STR_EQ(d[i].path, a);
    }
    if (!strcmp(d[i].state, "disabled")) {
      dup++;
      ASSERT(strstr(d[i].reason, "another plugin named 'tpgood' was loaded first, from ") != NULL);
    }
  }
  ASSERT_EQ(loaded, 1);
  ASSERT_EQ(dup, 1);
  unlink(a);
  unlink(b);
  pf_plugins_shutdown();
}

/* ---- hooks ---- */

static pf_status hook_convert(const char *mode, pf_convert_result *r, pf_error *err) {
  const char *in = test_write_file("h.csv", "n\n1\n2\n", 6);
  pf_options *o = opts_for(in, test_tmp_path("h.parquet"));
  if (mode) setenv("TP_HOOK", mode, 1);
  else unsetenv("TP_HOOK");
  log_reset();
  pf_status st = pf_convert(o, r, err);
  pf_options_free(o);
  unsetenv("TP_HOOK");
  return st;
}

TEST_IMPL(hooks_enhance_options_and_failures_are_logged) {
  use_plugins(test_plugin("tphooks"));
  pf_convert_result r;
  pf_error err;
  ASSERT_OK(hook_convert(NULL, &r, &err));
  ASSERT_STR_EQ(pf_type_name(r.schema->fields[0].type), "int64");
  ASSERT(strstr(logbuf, "[tphooks] post-convert saw 2 rows") != NULL);
  pf_convert_result_free(&r);
  /* parameter enhancement: the pre-convert hook sets input.all_strings */
  ASSERT_OK(hook_convert("enhance", &r, &err));
  ASSERT_STR_EQ(pf_type_name(r.schema->fields[0].type), "string");
  ASSERT(strstr(logbuf, "[tphooks] setting input.all_strings") != NULL);
  pf_convert_result_free(&r);
  /* a failing hook that is not required: logged, the conversion goes on */
  ASSERT_OK(hook_convert("fail-pre", &r, &err));
  ASSERT(strstr(logbuf, "1 [tphooks] pre-convert hook failed: pre hook says no; the conversion goes on"));
  pf_convert_result_free(&r);
  ASSERT_OK(hook_convert("fail-post", &r, &err));
  ASSERT(strstr(logbuf, "[tphooks] post-convert hook failed: post hook says no"));
  pf_convert_result_free(&r);
  /* on-error sees the failure */
  pf_options *o = opts_for(test_tmp_path("missing.csv"), test_tmp_path("m.parquet"));
  log_reset();
  ASSERT_EQ(pf_convert(o, &r, &err), PF_ENOTFOUND);
  ASSERT(strstr(logbuf, "[tphooks] on-error saw ENOTFOUND: ") != NULL);
  pf_options_free(o);
  pf_plugins_shutdown();
}

TEST_IMPL(required_hooks_fail_the_conversion) {
  use_plugins(test_plugin("tphooksreq"));
  pf_convert_result r;
  pf_error err;
  unlink(test_tmp_path("h.parquet"));
  ASSERT_EQ(hook_convert("fail-pre", &r, &err), PF_EINVAL);
  ASSERT_STR_EQ(err.message, "the pre-convert hook of tphooksreq failed (required): pre hook says no");
  struct stat sb;
  ASSERT(stat(test_tmp_path("h.parquet"), &sb) != 0); /* nothing was written */
  ASSERT_EQ(hook_convert("fail-post", &r, &err), PF_EOUTPUT);
  ASSERT_STR_EQ(err.message, "the post-convert hook of tphooksreq failed (required): post hook says no");
  ASSERT_OK(hook_convert(NULL, &r, &err));
  pf_convert_result_free(&r);
  pf_plugins_shutdown();
}

/* A front end's hooks (the Python package's): a C function here. */
static int fe_calls;
static pf_status fe_pre(void *state, pf_convert_event *ev, pf_error *err) {
  fe_calls += strcmp(ev->input, (const char *)state) == 0 ? 1 : 100; /* 100: a wrong event */
  return PF_OK;
}

TEST_IMPL(front_end_entries_sit_beside_the_plugins) {
  use_plugins(test_plugin("tpgood"));
  pf_extension_desc d = {.name = "databricks", .version = "0.3", .kind = "python",
                         .description = "Databricks extension", .path = "pyforge_databricks"};
  pf_hooks h = {.struct_size = sizeof h, .pre_convert = fe_pre};
  const char *in = test_write_file("f.csv", "a\n1\n", 4);
  h.state = (void *)in;
  pf_error err;
  ASSERT_OK(pf_extension_register(&d, &h, &err));
  const pf_extension_desc *e = ext_named("databricks", "python");
  ASSERT(e != NULL);
  ASSERT_STR_EQ(e->state, "loaded");
  ASSERT_STR_EQ(e->version, "0.3");
  /* registered again: replaced, not added */
  d.version = "0.4";
  d.state = "failed";
  d.reason = "pyspark is missing";
  ASSERT_OK(pf_extension_register(&d, &h, &err));
  const pf_extension_desc *all;
  size_t n = pf_extensions_list(&all), count = 0;
  for (size_t i = 0; i < n; i++) count += !strcmp(all[i].name, "databricks");
  ASSERT_EQ(count, 1);
  ASSERT_STR_EQ(all[n - 1].name, "databricks"); /* after the C plugins */
  ASSERT_STR_EQ(all[n - 1].reason, "pyspark is missing");
  d.kind = "c-plugin";
  ASSERT_EQ(pf_extension_register(&d, NULL, &err), PF_EINVAL);
  pf_options *o = opts_for(in, test_tmp_path("f.parquet"));
  pf_convert_result r;
  fe_calls = 0;
  ASSERT_OK(pf_convert(o, &r, &err));
  ASSERT_EQ(fe_calls, 1);
  pf_convert_result_free(&r);
  pf_options_free(o);
  pf_plugins_shutdown();
  ASSERT(ext_named("databricks", "python") == NULL); /* shutdown forgets them */
  pf_plugins_shutdown();
}

/* ---- reload and added paths ---- */

TEST_IMPL(reload_picks_up_a_changed_plugin) {
  char dir[300];
  snprintf(dir, sizeof dir, "%s/reload", test_tmpdir);
  mkdir(dir, 0700);
  char target[400];
  snprintf(target, sizeof target, "%s/tpreload.so", dir);
  copy_plugin("tpreload1.so", target);
  use_plugins(dir);
  ASSERT_STR_EQ(ext_named("tpreload", "c-plugin")->version, "1");
  pf_options *keep = pf_options_new();
  size_t n = 99;
  pf_error err;
  ASSERT_OK(pf_plugins_reload(&n, &err)); /* nothing changed */
  ASSERT_EQ(n, 0);
  /* a call in flight (a stream) holds the plugins: no reload under it */
  const char *in = test_write_file("r.tpreload", "x\ny\n", 4);
  pf_options *o = opts_for(in, NULL);
  struct ArrowArrayStream s;
  ASSERT_OK(pf_stream_open(o, &s, &err));
  copy_plugin("tpreload2.so", target); /* replaced by rename: a new file */
  ASSERT_EQ(pf_plugins_reload(&n, &err), PF_EUNSUPPORTED);
  ASSERT_STR_EQ(ext_named("tpreload", "c-plugin")->version, "1");
  struct ArrowArray a;
  ASSERT_EQ(s.get_next(&s, &a), 0);
  ASSERT_EQ(a.length, 2);
  a.release(&a);
  s.release(&s);
  ASSERT_OK(pf_plugins_reload(&n, &err));
  ASSERT_EQ(n, 1);
  ASSERT_STR_EQ(ext_named("tpreload", "c-plugin")->version, "2");
  ASSERT_STR_EQ(format_named("tpreload", "input")->plugin, "tpreload");
  /* PYFORGE_PLUGIN_RELOAD=1: a conversion re-checks first */
  copy_plugin("tpreload1.so", target);
  setenv("PYFORGE_PLUGIN_RELOAD", "1", 1);
  pf_convert_result r;
  pf_options_set(o, "output.path", test_tmp_path("r.parquet"), NULL);
  ASSERT_OK(pf_convert(o, &r, &err));
  ASSERT_EQ(r.rows, 2);
  pf_convert_result_free(&r);
  ASSERT_STR_EQ(ext_named("tpreload", "c-plugin")->version, "1");
  unsetenv("PYFORGE_PLUGIN_RELOAD");
  pf_options_free(o);
  pf_options_free(keep);
  unlink(target);
  rmdir(dir);
  pf_plugins_shutdown();
}

TEST_IMPL(added_paths_load_now_and_bad_paths_are_refused) {
  use_plugins("");
  ASSERT(format_named("tplines", "input") == NULL); /* discovered: nothing */
  pf_error err;
  ASSERT_EQ(pf_plugins_add_path("", &err), PF_EINVAL);
  ASSERT_OK(pf_plugins_add_path(test_plugin("tpgood"), &err));
  ASSERT(format_named("tplines", "input") != NULL); /* at once */
  ASSERT_OK(pf_plugins_add_path(test_tmp_path("no-such-dir"), &err)); /* searched; holds nothing */
  pf_plugins_shutdown();
  ASSERT(format_named("tplines", "input") == NULL); /* added paths are forgotten */
  pf_plugins_shutdown();
}

/* ---- concurrency: first use from several threads ---- */

static void *first_use(void *arg) {
  (void)arg;
  for (int i = 0; i < 50; i++) {
    const pf_format_desc *d;
    const pf_extension_desc *e;
    if (pf_formats_list(&d) != 9 || !pf_option_find("tplines.upper") || pf_extensions_list(&e) != 7)
      return (void *)1;
  }
  return NULL;
}

TEST_IMPL(registry_is_thread_safe_on_first_use) {
  use_plugins(test_plugin("tpgood"));
  pthread_t t[4];
  for (int i = 0; i < 4; i++) pthread_create(&t[i], NULL, first_use, NULL);
  int bad = 0;
  for (int i = 0; i < 4; i++) {
    void *r;
    pthread_join(t[i], &r);
    bad += r != NULL;
  }
  ASSERT_EQ(bad, 0);
  pf_plugins_shutdown();
}

/* ---- the template plugin: JSON Lines read as an Arrow stream ---- */

/* pf_utf8_put (plugin.h, inline for plugins): each length's first and last
 * code point, as the bytes UTF-8 defines for them. */
TEST_IMPL(utf8_put_encodes_every_length) {
  static const struct {
    uint32_t cp;
    const char *utf8;
  } cases[] = {
      {0x0, "\x00"},          {0x41, "A"},
      {0x7F, "\x7F"},         {0x80, "\xC2\x80"},
      {0xE9, "\xC3\xA9"},     {0x7FF, "\xDF\xBF"},
      {0x800, "\xE0\xA0\x80"}, {0x20AC, "\xE2\x82\xAC"},
      {0xFFFD, "\xEF\xBF\xBD"}, {0xFFFF, "\xEF\xBF\xBF"},
      {0x10000, "\xF0\x90\x80\x80"}, {0x1F600, "\xF0\x9F\x98\x80"},
      {0x10FFFF, "\xF4\x8F\xBF\xBF"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char out[8] = {0};
    size_t want = cases[i].cp == 0 ? 1 : strlen(cases[i].utf8);
    ASSERT_EQ(pf_utf8_put(out, cases[i].cp), want);
    ASSERT_MEM_EQ(out, cases[i].utf8, want);
  }
}

/* pf_plugins_shutdown_idle: an open stream holds the plugins (nothing is
 * unloaded at the deadline); released from another thread while it waits,
 * the plugins are shut down and the shutdown hook runs once. */
static void *release_later(void *arg) {
  struct ArrowArrayStream *s = arg;
  usleep(100 * 1000);
  s->release(s);
  return NULL;
}

static size_t trace_lines(const char *path) {
  size_t n = 0;
  char *t = read_file(path, &n);
  size_t lines = 0;
  for (size_t i = 0; t && i < n; i++) lines += t[i] == '\n';
  free(t);
  return lines;
}

TEST_IMPL(shutdown_idle_waits_for_running_calls) {
  use_plugins(test_plugin("tpgood"));
  const char *trace = test_write_file("shutdown.trace", "", 0);
  setenv("TP_SHUTDOWN_TRACE", trace, 1);
  pf_options *o = pf_options_new();
  pf_options_set(o, "input.path", test_write_file("s.tplines", "a\nb\n", 4), NULL);
  struct ArrowArrayStream s;
  pf_error err;
  ASSERT_OK(pf_stream_open(o, &s, &err));
  pf_options_free(o);
  ASSERT_EQ(pf_plugins_shutdown_idle(50, &err), PF_EUNSUPPORTED);
  ASSERT(strstr(err.message, "in use by 1 running call or open stream after 50 ms") != NULL);
  ASSERT_STR_EQ(ext_named("tpgood", "c-plugin")->state, "loaded");
  ASSERT_EQ(trace_lines(trace), 0);
  pthread_t t;
  ASSERT_EQ(pthread_create(&t, NULL, release_later, &s), 0);
  ASSERT_OK(pf_plugins_shutdown_idle(10000, &err)); /* returns once released */
  pthread_join(t, NULL);
  ASSERT_EQ(trace_lines(trace), 1);
  ASSERT_OK(pf_plugins_shutdown_idle(0, &err)); /* nothing loaded: nothing to do */
  ASSERT_EQ(trace_lines(trace), 1);
  unsetenv("TP_SHUTDOWN_TRACE");
}

TEST_IMPL(template_plugin_streams_json_lines) {
  use_plugins(PF_JSONL_PLUGIN);
  static const char data[] =
      "{\"id\": 1, \"name\": \"a\\u00e9\", \"addr\": {\"city\": \"X\"}, \"d\": \"2024-01-15\"}\n"
      "\n"
      "{\"id\": 2, \"addr\": {\"city\": \"Y\", \"zip\": \"00123\"}, \"tags\": [1, \"two\"]}\r\n"
      "{\"id\": 3.5, \"d\": null}";
  pf_options *o = pf_options_new();
  pf_options_set_input_buffer(o, data, sizeof data - 1);
  pf_options_set(o, "input.path", "mem.jsonl", NULL);
  pf_options_set(o, "jsonl.sample_rows", "1", NULL); /* id and addr.zip change later */
  struct ArrowArrayStream s;
  pf_error err;
  ASSERT_OK(pf_stream_open(o, &s, &err));
  struct ArrowSchema sc;
  ASSERT_EQ(s.get_schema(&s, &sc), 0);
  ASSERT_EQ(sc.n_children, 6);
  const char *names[] = {"id", "name", "addr.city", "d", "addr.zip", "tags"};
  const char *formats[] = {"g", "u", "u", "tdD", "u", "u"};
  for (int i = 0; i < 6; i++) {
    ASSERT_STR_EQ(sc.children[i]->name, names[i]);
    ASSERT_STR_EQ(sc.children[i]->format, formats[i]);
  }
  sc.release(&sc);
  /* sample_rows=1: id (3.5 in row 3), addr.zip and tags (row 2) change the
   * schema after the sample; nothing went out yet, so the reader read the
   * rest once and started again with the final schema */
  double ids[3];
  int32_t days[3];
  int day_valid[3];
  char name0[8] = "", tags1[16] = "";
  int64_t rows = 0;
  struct ArrowArray a;
  for (;;) {
    ASSERT_EQ(s.get_next(&s, &a), 0);
    if (!a.release) break;
    for (int64_t i = 0; i < a.length && rows + i < 3; i++) {
      int64_t k = rows + i;
      ids[k] = ((const double *)a.children[0]->buffers[1])[i];
      days[k] = ((const int32_t *)a.children[3]->buffers[1])[i];
      const uint8_t *valid = a.children[3]->buffers[0];
      day_valid[k] = !valid || ((valid[i / 8] >> (i % 8)) & 1);
      const int32_t *off = a.children[1]->buffers[1];
      if (k == 0) memcpy(name0, (const char *)a.children[1]->buffers[2] + off[i], (size_t)(off[i + 1] - off[i]));
      off = a.children[5]->buffers[1];
      if (k == 1) memcpy(tags1, (const char *)a.children[5]->buffers[2] + off[i], (size_t)(off[i + 1] - off[i]));
    }
    rows += a.length;
    a.release(&a);
  }
  ASSERT_EQ(rows, 3);
  ASSERT_DBL_EQ(ids[0], 1.0);
  ASSERT_DBL_EQ(ids[1], 2.0);
  ASSERT_DBL_EQ(ids[2], 3.5);
  ASSERT_STR_EQ(name0, "a\xc3\xa9");
  ASSERT_STR_EQ(tags1, "[1, \"two\"]");
  ASSERT_EQ(days[0], 19737); /* 2024-01-15 */
  ASSERT_EQ(day_valid[0], 1);
  ASSERT_EQ(day_valid[1], 0);
  ASSERT_EQ(day_valid[2], 0);
  s.release(&s);
  /* a bad line names its line */
  static const char bad[] = "{\"a\": 1}\n{\"a\": 2,}\n";
  pf_options_set_input_buffer(o, bad, sizeof bad - 1);
  /* (the stream reads its held-back window when it opens: the error is there) */
  ASSERT_EQ(pf_stream_open(o, &s, &err), PF_EBADROW);
  ASSERT_EQ(err.line, 2);
  ASSERT_STR_EQ(err.file, "mem.jsonl");
  ASSERT(strstr(err.message, "line 2: not a JSON value: an object's key is not a string") != NULL);
  /* ... and with input.on_bad_rows=skip it is left out (logged by a stream) */
  pf_options_set(o, "input.on_bad_rows", "skip", NULL);
  ASSERT_OK(pf_stream_open(o, &s, &err));
  rows = 0;
  while (s.get_next(&s, &a) == 0 && a.release) {
    rows += a.length;
    a.release(&a);
  }
  ASSERT_EQ(rows, 1);
  s.release(&s);
  pf_options_free(o);
  pf_plugins_shutdown();
}

int main(void) {
  snprintf(test_tmpdir, sizeof test_tmpdir, "/tmp/pf-test-plugins-XXXXXX");
  if (!mkdtemp(test_tmpdir)) return 1;
  unsetenv("TP_HOOK");
  RUN_TEST(valid_plugin_is_listed_with_its_formats_and_keys);
  RUN_TEST(plugin_reader_and_writer_convert_like_built_ins);
  RUN_TEST(random_file_named_so_is_not_a_plugin);
  RUN_TEST(library_without_the_entry_symbol);
  RUN_TEST(plugin_built_for_a_newer_abi);
  RUN_TEST(init_failure_and_missing_library);
  RUN_TEST(clashing_plugins_are_refused_and_break_nothing);
  RUN_TEST(disabled_by_name_force_core_and_duplicates);
  RUN_TEST(hooks_enhance_options_and_failures_are_logged);
  RUN_TEST(required_hooks_fail_the_conversion);
  RUN_TEST(front_end_entries_sit_beside_the_plugins);
  RUN_TEST(reload_picks_up_a_changed_plugin);
  RUN_TEST(added_paths_load_now_and_bad_paths_are_refused);
  RUN_TEST(registry_is_thread_safe_on_first_use);
  RUN_TEST(template_plugin_streams_json_lines);
  RUN_TEST(utf8_put_encodes_every_length);
  RUN_TEST(shutdown_idle_waits_for_running_calls);
  pf_plugins_shutdown();
  char cmd[400];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", test_tmpdir);
  if (system(cmd) != 0) return 1;
  return TEST_SUMMARY();
}

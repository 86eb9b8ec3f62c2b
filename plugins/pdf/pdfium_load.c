/* pdfium_load.c - finding pdfium (libpdfium.so) and loading it at run time.
 *
 * pdfium is BSD/Apache licensed; the pypdfium2 wheel on PyPI ships a
 * self-contained libpdfium.so in its pypdfium2_raw package, so
 * `pip install pypdfium2` is how users get it. The plugin never links
 * against it: at init it only looks for the file (cheap; a conversion that
 * does not read a PDF pays nothing more), and the first PDF opened loads it
 * (dlopen RTLD_NOW | RTLD_LOCAL, dlsym of the functions pdf.h declares)
 * and calls FPDF_InitLibrary.
 *
 * Where it looks, in order (the first file found wins):
 *   1. PYFORGE_PDFIUM: the library's path, or a directory holding it;
 *   2. beside the plugin itself (a packager may ship it there);
 *   3. the pypdfium2_raw package of the Python that started this process
 *      (its argv[0], a console script's interpreter), then of each
 *      directory on PATH, of VIRTUAL_ENV and CONDA_PREFIX:
 *      <prefix>/lib/python3*\/{site,dist}-packages/pypdfium2_raw/;
 *   4. ~/.local/lib/python3*\/site-packages/pypdfium2_raw/ (pip --user);
 *   5. the directories of LD_LIBRARY_PATH, /usr/local/lib, /usr/lib.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <glob.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pdf.h"

#define PDFIUM_LIB "libpdfium.so"

static char found_path[PATH_MAX];
static char missing_text[1024];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static void *handle;
static pdfium_api api;
static int loaded;

void pdfium_lock(void) { pthread_mutex_lock(&lock); }
void pdfium_unlock(void) { pthread_mutex_unlock(&lock); }

const char *pdfium_path(void) { return found_path; }
const char *pdfium_missing(void) { return missing_text; }

static int is_file(const char *p) {
  struct stat sb;
  return stat(p, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* dir/libpdfium.so when it exists. */
static int try_dir(const char *dir, size_t dir_len) {
  if (!dir_len || dir_len + sizeof PDFIUM_LIB + 1 >= sizeof found_path) return 0;
  char p[PATH_MAX];
  snprintf(p, sizeof p, "%.*s/%s", (int)dir_len, dir, PDFIUM_LIB);
  if (!is_file(p)) return 0;
  memcpy(found_path, p, strlen(p) + 1);
  return 1;
}

/* <prefix>/lib/python3*\/{site,dist}-packages/pypdfium2_raw/libpdfium.so */
static int try_prefix(const char *prefix, size_t len) {
  if (!len || len > PATH_MAX - 96) return 0;
  static const char *const tails[] = {"lib/python3*/site-packages", "lib/python3*/dist-packages",
                                      "lib64/python3*/site-packages"};
  for (size_t t = 0; t < sizeof tails / sizeof tails[0]; t++) {
    char pat[PATH_MAX];
    snprintf(pat, sizeof pat, "%.*s/%s/pypdfium2_raw/" PDFIUM_LIB, (int)len, prefix, tails[t]);
    glob_t g;
    int rc = glob(pat, 0, NULL, &g);
    int ok = rc == 0 && g.gl_pathc > 0 && strlen(g.gl_pathv[0]) < sizeof found_path &&
             is_file(g.gl_pathv[0]);
    if (ok) memcpy(found_path, g.gl_pathv[0], strlen(g.gl_pathv[0]) + 1);
    if (rc == 0) globfree(&g);
    if (ok) return 1;
  }
  return 0;
}

/* A bin directory's prefix (its parent). */
static int try_bin_dir(const char *dir, size_t len) {
  while (len > 1 && dir[len - 1] == '/') len--;
  size_t cut = len;
  while (cut > 0 && dir[cut - 1] != '/') cut--;
  if (cut == 0) return 0;
  return try_prefix(dir, cut > 1 ? cut - 1 : 1);
}

/* The directory of this process's argv[0] (a console script runs as
 * "<venv>/bin/python <venv>/bin/pyforge": the venv's own prefix). */
static int try_argv0(void) {
  char cmd[PATH_MAX];
  FILE *f = fopen("/proc/self/cmdline", "rb");
  if (!f) return 0;
  size_t n = fread(cmd, 1, sizeof cmd - 1, f);
  fclose(f);
  cmd[n] = 0;
  const char *slash = strrchr(cmd, '/');
  if (!slash || cmd[0] != '/') return 0;
  return try_bin_dir(cmd, (size_t)(slash - cmd));
}

/* Each entry of a ':'-separated list through fn. */
static int try_list(const char *list, int (*fn)(const char *, size_t)) {
  for (const char *p = list; p && *p;) {
    size_t n = strcspn(p, ":");
    if (n && fn(p, n)) return 1;
    p += n;
    if (*p == ':') p++;
  }
  return 0;
}

static int try_env_prefix(const char *var) {
  const char *v = getenv(var);
  return v && *v && try_prefix(v, strlen(v));
}

static int try_self_dir(void) {
  Dl_info di;
  if (!dladdr((void *)&try_self_dir, &di) || !di.dli_fname) return 0;
  const char *slash = strrchr(di.dli_fname, '/');
  return slash && try_dir(di.dli_fname, (size_t)(slash - di.dli_fname));
}

static int try_override(const char *v) {
  if (is_file(v)) {
    if (strlen(v) >= sizeof found_path) return 0;
    memcpy(found_path, v, strlen(v) + 1);
    return 1;
  }
  return try_dir(v, strlen(v));
}

int pdfium_locate(void) {
  found_path[0] = 0;
  missing_text[0] = 0;
  const char *v = getenv("PYFORGE_PDFIUM");
  if (v && *v) {
    if (try_override(v)) return 1;
    snprintf(missing_text, sizeof missing_text,
             "pdfium was not found: PYFORGE_PDFIUM=%s is neither libpdfium.so nor a directory "
             "holding it (pip install pypdfium2 ships one in its pypdfium2_raw package)",
             v);
    return 0;
  }
  const char *home = getenv("HOME");
  char local[PATH_MAX] = "";
  if (home && *home) snprintf(local, sizeof local, "%s/.local", home);
  if (try_self_dir() || try_argv0() || try_list(getenv("PATH"), try_bin_dir) ||
      try_env_prefix("VIRTUAL_ENV") || try_env_prefix("CONDA_PREFIX") ||
      (local[0] && try_prefix(local, strlen(local))) ||
      try_list(getenv("LD_LIBRARY_PATH"), try_dir) || try_dir("/usr/local/lib", 14) ||
      try_dir("/usr/lib", 8))
    return 1;
  snprintf(missing_text, sizeof missing_text,
           "pdfium (libpdfium.so) was not found: install it with `pip install pypdfium2` (its wheel holds "
           "libpdfium.so) into the Python environment on PATH, or set PYFORGE_PDFIUM to the "
           "library's path");
  return 0;
}

#define SYM(field, name)                                  \
  do {                                                    \
    *(void **)(&api.field) = dlsym(handle, name);         \
    if (!api.field) {                                     \
      missing = name;                                     \
      goto fail;                                          \
    }                                                     \
  } while (0)

pf_status pdfium_get(const pdfium_api **out, pf_error *err) {
  *out = NULL;
  if (loaded) {
    *out = &api;
    return PF_OK;
  }
  if (!found_path[0])
    return pdf_host->error_set(err, PF_EUNSUPPORTED, "cannot read PDF: %s",
                               missing_text[0] ? missing_text : "pdfium was not found (pip install pypdfium2)");
  const char *missing = NULL;
  dlerror();
  handle = dlopen(found_path, RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char *why = dlerror();
    return pdf_host->error_set(err, PF_EUNSUPPORTED,
                               "pdfium (%s) cannot be loaded: %s; reinstall it with "
                               "`pip install --force-reinstall pypdfium2` or set PYFORGE_PDFIUM",
                               found_path, why ? why : "unknown reason");
  }
  SYM(InitLibrary, "FPDF_InitLibrary");
  SYM(DestroyLibrary, "FPDF_DestroyLibrary");
  SYM(LoadCustomDocument, "FPDF_LoadCustomDocument");
  SYM(LoadMemDocument64, "FPDF_LoadMemDocument64");
  SYM(GetLastError, "FPDF_GetLastError");
  SYM(CloseDocument, "FPDF_CloseDocument");
  SYM(GetPageCount, "FPDF_GetPageCount");
  SYM(LoadPage, "FPDF_LoadPage");
  SYM(ClosePage, "FPDF_ClosePage");
  SYM(TextLoadPage, "FPDFText_LoadPage");
  SYM(TextClosePage, "FPDFText_ClosePage");
  SYM(TextCountChars, "FPDFText_CountChars");
  SYM(TextGetText, "FPDFText_GetText");
  SYM(GetMetaText, "FPDF_GetMetaText");
  SYM(GetSecurityHandlerRevision, "FPDF_GetSecurityHandlerRevision");
  SYM(GetFileVersion, "FPDF_GetFileVersion");
  api.InitLibrary();
  loaded = 1;
  *out = &api;
  return PF_OK;
fail:
  dlclose(handle);
  handle = NULL;
  memset(&api, 0, sizeof api);
  return pdf_host->error_set(err, PF_EUNSUPPORTED,
                             "pdfium (%s) lacks %s: it is not a pdfium build this plugin can "
                             "use; install a current one with `pip install -U pypdfium2`",
                             found_path, missing);
}

void pdfium_unload(void) {
  pdfium_lock();
  if (loaded) api.DestroyLibrary();
  if (handle) dlclose(handle);
  handle = NULL;
  loaded = 0;
  memset(&api, 0, sizeof api);
  pdfium_unlock();
}

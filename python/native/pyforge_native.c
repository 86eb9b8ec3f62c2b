/* pyforge_native.c - pyforge_cli._native, the C extension module of the
 * Python package: the engine's version and formats, the pyforge command
 * line itself (the cli/ sources are compiled into this module, their main()
 * renamed pyforge_cli_main; see python/CMakeLists.txt), and the method
 * table of the engine's calls the notebook API uses (native.h lists the
 * files they live in).
 *
 * Built on the CPython Limited API (Py_LIMITED_API = 3.8), so one abi3 module
 * serves every CPython from 3.8 on. Uses only the public pyforge.h.
 *
 * run_cli() gives the C command line the process state a C program starts
 * with: the "C" locale and default dispositions for the signals CPython
 * changes at start-up (SIGINT has its handler, SIGPIPE and SIGXFSZ are
 * ignored). So the console script prints the same bytes, exits with the same
 * codes and dies of the same signals as the `pyforge` executable: Ctrl-C is
 * exit 130 once a conversion has installed its handler, and a write to a
 * closed pipe ends the process as it would end the C one. The previous state
 * is restored before it returns, but it is process-wide while it runs: it is
 * meant for the console script, not for a notebook. */
#define _GNU_SOURCE /* dladdr; before native.h includes Python.h */
#include "native.h"

#include <dlfcn.h>
#include <sys/stat.h>

#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* cli/main.c's main(), renamed by a compile definition. */
int pyforge_cli_main(int argc, char **argv);

/* Signals CPython sets up differently from a C program's start. */
static const int cli_signals[] = {SIGINT, SIGTERM, SIGPIPE, SIGXFSZ};
#define N_CLI_SIGNALS (sizeof cli_signals / sizeof cli_signals[0])

typedef struct process_state {
  struct sigaction old[N_CLI_SIGNALS];
  char *locale; /* setlocale(LC_ALL, NULL) before the call, copied */
} process_state;

static int state_enter(process_state *s) {
  const char *loc = setlocale(LC_ALL, NULL);
  s->locale = loc ? strdup(loc) : NULL;
  if (loc && !s->locale) return -1;
  struct sigaction dfl;
  memset(&dfl, 0, sizeof dfl);
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  for (size_t i = 0; i < N_CLI_SIGNALS; i++) sigaction(cli_signals[i], &dfl, &s->old[i]);
  setlocale(LC_ALL, "C");
  return 0;
}

static void state_leave(process_state *s) {
  for (size_t i = 0; i < N_CLI_SIGNALS; i++) sigaction(cli_signals[i], &s->old[i], NULL);
  if (s->locale) setlocale(LC_ALL, s->locale);
  free(s->locale);
}

/* argv as bytes, the way the OS gave them (os.fsencode of each str). */
static char **argv_from_seq(PyObject *seq, int *argc_out, PyObject **keep) {
  PyObject *fast = PySequence_Fast(seq, "run_cli: argv must be a sequence of str or bytes");
  if (!fast) return NULL;
  Py_ssize_t n = PySequence_Size(fast);
  if (n < 1 || n > 1000000) {
    PyErr_SetString(PyExc_ValueError, "run_cli: argv needs argv[0] (the program name)");
    Py_DECREF(fast);
    return NULL;
  }
  PyObject *list = PyList_New(n); /* owns the encoded bytes */
  char **argv = list ? (char **)calloc((size_t)n + 1, sizeof *argv) : NULL;
  if (!argv) {
    Py_XDECREF(list);
    Py_DECREF(fast);
    if (!PyErr_Occurred()) PyErr_NoMemory();
    return NULL;
  }
  for (Py_ssize_t i = 0; i < n; i++) {
    PyObject *item = PySequence_GetItem(fast, i);
    PyObject *b = NULL;
    if (item && PyUnicode_Check(item)) b = PyUnicode_EncodeFSDefault(item);
    else if (item && PyBytes_Check(item)) {
      b = item;
      item = NULL; /* its reference moves to b */
    } else if (item) {
      PyErr_SetString(PyExc_TypeError, "run_cli: argv items must be str or bytes");
    }
    Py_XDECREF(item);
    if (!b || PyList_SetItem(list, i, b) < 0) goto fail; /* SetItem steals b */
    argv[i] = PyBytes_AsString(b);
    if (!argv[i]) goto fail;
    if ((Py_ssize_t)strlen(argv[i]) != PyBytes_Size(b)) {
      PyErr_SetString(PyExc_ValueError, "run_cli: embedded NUL in an argument");
      goto fail;
    }
  }
  Py_DECREF(fast);
  *argc_out = (int)n;
  *keep = list;
  return argv;
fail:
  free(argv);
  Py_DECREF(list);
  Py_DECREF(fast);
  return NULL;
}

static PyObject *native_run_cli(PyObject *self, PyObject *arg) {
  (void)self;
  int argc = 0;
  PyObject *keep = NULL;
  char **argv = argv_from_seq(arg, &argc, &keep);
  if (!argv) return NULL;
  process_state st;
  if (state_enter(&st) < 0) {
    free(argv);
    Py_DECREF(keep);
    return PyErr_NoMemory();
  }
  int rc;
  Py_BEGIN_ALLOW_THREADS
  rc = pyforge_cli_main(argc, argv);
  fflush(stdout);
  fflush(stderr);
  Py_END_ALLOW_THREADS
  state_leave(&st);
  free(argv);
  Py_DECREF(keep);
  return PyLong_FromLong(rc);
}

static PyObject *native_version(PyObject *self, PyObject *unused) {
  (void)self;
  (void)unused;
  return PyUnicode_FromString(pf_version());
}

static int dict_set_str(PyObject *d, const char *key, const char *value) {
  PyObject *v = PyUnicode_DecodeUTF8(value ? value : "", (Py_ssize_t)strlen(value ? value : ""),
                                     "surrogateescape");
  if (!v) return -1;
  int r = PyDict_SetItemString(d, key, v);
  Py_DECREF(v);
  return r;
}

/* value, or None when it is NULL. */
static int dict_set_str_or_none(PyObject *d, const char *key, const char *value) {
  return value ? dict_set_str(d, key, value) : PyDict_SetItemString(d, key, Py_None);
}

static PyObject *native_formats(PyObject *self, PyObject *unused) {
  (void)self;
  (void)unused;
  const pf_format_desc *d = NULL;
  size_t n = pf_formats_list(&d);
  PyObject *out = PyList_New((Py_ssize_t)n);
  if (!out) return NULL;
  for (size_t i = 0; i < n; i++) {
    PyObject *f = PyDict_New();
    if (!f || PyList_SetItem(out, (Py_ssize_t)i, f) < 0) {
      Py_DECREF(out);
      return NULL;
    }
    if (dict_set_str(f, "name", d[i].name) < 0 || dict_set_str(f, "kind", d[i].kind) < 0 ||
        dict_set_str(f, "extensions", d[i].extensions) < 0 ||
        dict_set_str(f, "description", d[i].description) < 0 ||
        dict_set_str(f, "origin", d[i].origin) < 0 ||
        dict_set_str_or_none(f, "plugin", d[i].plugin) < 0) {
      Py_DECREF(out);
      return NULL;
    }
  }
  return out;
}

static PyMethodDef native_methods[] = {
    {"version", native_version, METH_NOARGS,
     "version() -> str\n\nThe version of the libpyforge engine built into this module."},
    {"formats", native_formats, METH_NOARGS,
     "formats() -> list[dict[str, str]]\n\nThe registered input and output formats, as "
     "`pyforge formats --json` lists them: name, kind, extensions, description, origin, "
     "plugin (None for built-in formats)."},
    {"run_cli", native_run_cli, METH_O,
     "run_cli(argv: Sequence[str | bytes]) -> int\n\nRuns the pyforge command line with argv "
     "(argv[0] is the program name) in this process and returns its exit status. For the "
     "console script: while it runs, the process has the C locale and default signal "
     "dispositions, as a C program has."},
    {"option_table", pn_option_table, METH_NOARGS,
     "option_table() -> list[dict]\n\nEvery option key the engine's tables declare (pf_option_at): key, "
     "name, section, type, auto, nonempty, commas, uses, default, values, takes, help, metavar, cli, "
     "min, max."},
    {"spell", pn_spell, METH_O,
     "spell(text: str) -> str\n\nA library message with its option keys spelled as Python keyword "
     "arguments (output.force -> force=True)."},
    {"set_error_factory", pn_set_error_factory, METH_O,
     "set_error_factory(fn) -> None\n\nfn(error: dict) -> exception, used to raise engine errors."},
    {"convert", pn_convert, METH_VARARGS,
     "convert(options, progress=None, log=None) -> dict\n\npf_convert without the GIL; progress(done, "
     "total, unit) may return False to cancel; log(level, message) gets the engine's log lines."},
    {"default_output", pn_default_output, METH_O, "default_output(options) -> str"},
    {"info", pn_info, METH_VARARGS, "info(options, log=None) -> dict\n\npf_info_read without the GIL."},
    {"validate", pn_validate, METH_VARARGS, "validate(options, progress=None, log=None) -> dict"},
    {"tables", pn_tables, METH_O, "tables(options) -> dict\n\npf_tables_list: tables and groups."},
    {"batch", pn_batch, METH_VARARGS,
     "batch(options, sources, output_dir, workers, progress, on_file, log=None) -> dict\n\npf_batch_run "
     "without the GIL; on_file(index, item) as each file ends."},
    {"samples", pn_samples, METH_VARARGS,
     "samples(action, destination, formats, sizes, from_, force, progress) -> str (JSON)\n\n"
     "pf_samples_install/installed/uninstall/releases."},
    {"samples_catalog", pn_samples_catalog, METH_NOARGS, "samples_catalog() -> list of dict"},
    {"open_stream", pn_open_stream, METH_VARARGS,
     "open_stream(options, data=None) -> (capsule, StreamStatus)\n\npf_stream_open as a PyCapsule named "
     "arrow_array_stream; data (bytes, copied) is the input read from memory, input.path then only "
     "names it and chooses its format."},
    {"env_json", pn_env_json, METH_VARARGS, "env_json(fresh=False) -> str\n\npf_env_detect as JSON."},
    {"redact", pn_redact, METH_O, "redact(text: str) -> str\n\nCredentials masked (pf_redact)."},
    {"volume_path", pn_volume_path, METH_O, "volume_path(path) -> dict\n\npf_volume_path_parse."},
    {"path_stat", pn_path_stat, METH_VARARGS, "path_stat(path, totals=False, recursive=False) -> dict"},
    {"path_check", pn_path_check, METH_VARARGS, "path_check(path, write=False) -> None"},
    {"dir_list", pn_dir_list, METH_VARARGS, "dir_list(path, recursive=False) -> DirList"},
    {"extensions_json", pn_extensions_json, METH_NOARGS,
     "extensions_json() -> str\n\npf_extensions_json: built-in format families, C plugins and the "
     "Python extensions registered, with their state and reason."},
    {"extension_register", pn_extension_register, METH_VARARGS,
     "extension_register(name, version, state, reason, description, path) -> None\n\nA Python "
     "extension (kind python) in the engine's list (pf_extension_register)."},
    {"plugins_reload", pn_plugins_reload, METH_NOARGS,
     "plugins_reload() -> int\n\npf_plugins_reload: loads plugins whose file changed again."},
    {"shutdown", pn_shutdown, METH_VARARGS,
     "shutdown(timeout=5.0) -> bool\n\nAt interpreter exit: cancels running engine calls, waits up "
     "to timeout seconds for them, then pf_plugins_shutdown (each C plugin's shutdown hook). False "
     "(nothing unloaded) when calls still ran or an Arrow stream is still open."},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef native_module = {
    PyModuleDef_HEAD_INIT, "pyforge_cli._native",
    "The libpyforge engine (C) inside the pyforge_cli package.", -1, native_methods,
    NULL, NULL, NULL, NULL};

/* The plugins shipped in the wheel (pyforge_cli/plugins/, beside this
 * module) join the search path; they load on the first call that needs
 * the format registry. */
static void add_package_plugins(void) {
  Dl_info di;
  if (!dladdr((void *)&add_package_plugins, &di) || !di.dli_fname) return;
  const char *slash = strrchr(di.dli_fname, '/');
  if (!slash) return;
  char dir[4096];
  int n = snprintf(dir, sizeof dir, "%.*s/plugins", (int)(slash - di.dli_fname), di.dli_fname);
  struct stat sb;
  if (n <= 0 || (size_t)n >= sizeof dir || stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) return;
  pf_plugins_add_path(dir, NULL);
}

PyMODINIT_FUNC PyInit__native(void) {
  add_package_plugins();
  PyObject *m = PyModule_Create(&native_module);
  if (m && (pn_stream_init(m) < 0 || pn_env_init(m) < 0)) Py_CLEAR(m);
  return m;
}

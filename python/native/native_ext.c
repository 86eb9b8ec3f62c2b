/* native_ext.c - the engine's extension list for the Python package (the
 * package's own plugin directory is handed to the plugin manager at import
 * by pyforge_native.c): the list (built-in format families, C plugins, and
 * what this package registered)
 * as JSON, the package's Python extensions registered beside the C
 * plugins (so the C command line's `pyforge extensions`, run in-process by
 * the console script, shows them too), the reload of changed plugin
 * files for reload_extensions(), and the plugins' shutdown at interpreter
 * exit. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1 /* dladdr; pyconfig.h defines it the same way */
#endif
#include "native.h" /* Python.h first, as CPython requires */

#include <stdlib.h>
#include <string.h>

/* extensions_json() -> str: pf_extensions_json (discovers the plugins on
 * the first call; without the GIL, as a plugin's init may take a while). */
PyObject *pn_extensions_json(PyObject *self, PyObject *unused) {
  (void)self;
  (void)unused;
  char *js;
  Py_BEGIN_ALLOW_THREADS
  js = pf_extensions_json();
  Py_END_ALLOW_THREADS
  if (!js) return PyErr_NoMemory();
  PyObject *out = pn_str(js);
  pf_free(js);
  return out;
}

/* extension_register(name, version, state, reason, description, path):
 * a Python extension (kind "python") in the engine's list; the same name
 * again replaces its entry. */
PyObject *pn_extension_register(PyObject *self, PyObject *args) {
  (void)self;
  pf_extension_desc d;
  memset(&d, 0, sizeof d);
  if (!PyArg_ParseTuple(args, "ssssss:extension_register", &d.name, &d.version, &d.state, &d.reason,
                        &d.description, &d.path))
    return NULL;
  d.kind = "python";
  d.formats = "";
  d.abi = "";
  pf_error err;
  pf_error_init(&err);
  if (pf_extension_register(&d, NULL, &err) != PF_OK) return pn_raise(&err);
  Py_RETURN_NONE;
}

/* plugins_reload() -> int: pf_plugins_reload, the number of plugins whose
 * changed file was loaded again. Raises the engine's error (EUNSUPPORTED
 * while another call uses the plugins). */
PyObject *pn_plugins_reload(PyObject *self, PyObject *unused) {
  (void)self;
  (void)unused;
  size_t n = 0;
  pf_error err;
  pf_error_init(&err);
  pf_status st;
  Py_BEGIN_ALLOW_THREADS
  st = pf_plugins_reload(&n, &err);
  Py_END_ALLOW_THREADS
  if (st != PF_OK) return pn_raise(&err);
  return PyLong_FromSize_t(n);
}

/* shutdown(timeout) -> bool: the package's atexit handler (registered in
 * pyforge_cli/__init__.py). Cancels the engine calls still running on
 * other threads (their cancel tokens, as Ctrl-C does), waits up to timeout
 * seconds for them to end (without the GIL: their callbacks may need it),
 * then pf_plugins_shutdown: each C plugin's shutdown hook runs, as at the
 * end of the pyforge command. False, with nothing unloaded, when calls
 * still ran at the deadline or an Arrow stream is still open: its reader
 * may be a plugin's, and its release may still run while the interpreter
 * finalizes. */
PyObject *pn_shutdown(PyObject *self, PyObject *args) {
  (void)self;
  double timeout = 5.0;
  if (!PyArg_ParseTuple(args, "|d:shutdown", &timeout)) return NULL;
  if (pn_streams_open() > 0) Py_RETURN_FALSE;
  long ms = timeout > 0 ? (long)(timeout * 1000.0) : 0;
  pn_tokens_cancel_all();
  pf_error err;
  pf_error_init(&err);
  pf_status st;
  Py_BEGIN_ALLOW_THREADS
  st = pf_plugins_shutdown_idle(ms, &err);
  Py_END_ALLOW_THREADS
  return PyBool_FromLong(st == PF_OK);
}

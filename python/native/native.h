/* native.h - what the parts of pyforge_cli._native share. The module is on
 * the CPython Limited API (3.8) and uses only the public pyforge.h.
 *
 *   pyforge_native.c  the module: version, formats, run_cli, method table
 *   native_util.c     dicts from engine structs, options from Python,
 *                     engine errors raised as Python exceptions, cancel
 *                     tokens requested by SIGINT
 *   native_calls.c    convert, info, validate, tables, batch, sample
 *                     datasets, option table
 *   native_stream.c   Arrow streams as PyCapsules
 *   native_env.c      environment, Volume paths, metadata, listings
 *   native_ext.c      the extension list: C plugins, Python extensions
 */
#ifndef PF_PYTHON_NATIVE_H
#define PF_PYTHON_NATIVE_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "pyforge/pyforge.h"

/* ---- building Python values (new references; NULL with an exception) ---- */
PyObject *pn_str(const char *s);            /* None for NULL; surrogateescape */
int pn_set(PyObject *d, const char *key, PyObject *v); /* steals v; -1 on error */
PyObject *pn_schema(const pf_schema *s);    /* list of column dicts */
PyObject *pn_error(const pf_error *e);      /* dict: status, message, place */
PyObject *pn_props(const pf_prop *p, size_t n); /* list of (key, value) */
PyObject *pn_convert_result(const pf_convert_result *r);

/* ---- options ---- */
/* A pf_options from a sequence of (key, value) pairs: value a str, or a
 * list/tuple of str for list keys (replacing the key's items). Raises the
 * engine's error for a bad key or value. */
pf_options *pn_options(PyObject *pairs);

/* ---- errors ---- */
/* Raises the exception the Python layer's factory makes from the error's
 * dict (set_error_factory), else RuntimeError. Returns NULL. */
PyObject *pn_raise(const pf_error *e);
PyObject *pn_set_error_factory(PyObject *self, PyObject *fn);

/* ---- cancel: tokens a SIGINT requests ----
 * pn_token_acquire() gives a cleared token that the process's SIGINT
 * requests (chained before Python's own handler, which still raises
 * KeyboardInterrupt) until pn_token_release(). Tokens are never freed, so a
 * signal arriving at any moment finds valid ones. Call acquire with the
 * GIL; release from any thread. -1 when none is free (the call then runs
 * with a private token no signal reaches). */
int pn_token_acquire(void);
pf_cancel *pn_token(int slot);
void pn_token_release(int slot);
/* Requests every token in use (what a SIGINT does; the exit handler). */
void pn_tokens_cancel_all(void);
/* Arrow streams handed out and not yet released (native_stream.c). */
int pn_streams_open(void);

/* ---- the engine calls (native_calls.c) ---- */
PyObject *pn_option_table(PyObject *self, PyObject *unused);
PyObject *pn_spell(PyObject *self, PyObject *text);
PyObject *pn_convert(PyObject *self, PyObject *args);
PyObject *pn_default_output(PyObject *self, PyObject *pairs);
PyObject *pn_info(PyObject *self, PyObject *args);
PyObject *pn_validate(PyObject *self, PyObject *args);
PyObject *pn_tables(PyObject *self, PyObject *pairs);
PyObject *pn_batch(PyObject *self, PyObject *args);
PyObject *pn_samples(PyObject *self, PyObject *args);
PyObject *pn_samples_catalog(PyObject *self, PyObject *unused);

/* ---- streams (native_stream.c) ---- */
int pn_stream_init(PyObject *module);
PyObject *pn_open_stream(PyObject *self, PyObject *args);

/* ---- environment and Volumes (native_env.c) ---- */
int pn_env_init(PyObject *module);
PyObject *pn_env_json(PyObject *self, PyObject *args);
PyObject *pn_redact(PyObject *self, PyObject *text);
PyObject *pn_volume_path(PyObject *self, PyObject *path);
PyObject *pn_path_stat(PyObject *self, PyObject *args);
PyObject *pn_path_check(PyObject *self, PyObject *args);
PyObject *pn_dir_list(PyObject *self, PyObject *args);

/* ---- extensions (native_ext.c) ---- */
PyObject *pn_extensions_json(PyObject *self, PyObject *unused);
PyObject *pn_extension_register(PyObject *self, PyObject *args);
PyObject *pn_plugins_reload(PyObject *self, PyObject *unused);
PyObject *pn_shutdown(PyObject *self, PyObject *args);

#endif

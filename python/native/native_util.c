/* native_util.c - the glue every call of pyforge_cli._native uses: Python
 * values from the engine's structs, a pf_options handle from Python's
 * (key, value) pairs, engine errors raised as the Python layer's exception
 * classes, and cancel tokens that a SIGINT (Ctrl-C, a notebook's interrupt
 * button) requests while the engine works without the GIL. */
#include "native.h" /* Python.h first, as CPython requires */

#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>


/* ---- values ---- */

PyObject *pn_str(const char *s) {
  if (!s) Py_RETURN_NONE;
  return PyUnicode_DecodeUTF8(s, (Py_ssize_t)strlen(s), "surrogateescape");
}

int pn_set(PyObject *d, const char *key, PyObject *v) {
  if (!v) return -1;
  int r = PyDict_SetItemString(d, key, v);
  Py_DECREF(v);
  return r;
}

static PyObject *i64_or_none(int64_t v) {
  if (v < 0) Py_RETURN_NONE;
  return PyLong_FromLongLong((long long)v);
}

PyObject *pn_schema(const pf_schema *s) {
  PyObject *list = PyList_New(0);
  for (size_t i = 0; list && s && i < s->n_fields; i++) {
    const pf_field *f = &s->fields[i];
    PyObject *d = PyDict_New();
    if (!d || pn_set(d, "name", pn_str(f->name)) < 0 || pn_set(d, "type", pn_str(pf_type_name(f->type))) < 0 ||
        pn_set(d, "nullable", PyBool_FromLong(f->nullable)) < 0 ||
        (f->type == PF_TYPE_DECIMAL && (pn_set(d, "precision", PyLong_FromLong(f->precision)) < 0 ||
                                        pn_set(d, "scale", PyLong_FromLong(f->scale)) < 0)) ||
        pn_set(d, "note", pn_str(f->note)) < 0 || PyList_Append(list, d) < 0) {
      Py_XDECREF(d);
      Py_DECREF(list);
      return NULL;
    }
    Py_DECREF(d);
  }
  return list;
}

PyObject *pn_error(const pf_error *e) {
  PyObject *d = PyDict_New();
  const char *table = e->table[0] ? e->table : NULL;
  const char *kind = e->table_kind[0] ? e->table_kind : (table ? "table" : NULL);
  if (!d || pn_set(d, "status", pn_str(pf_status_name(e->status))) < 0 ||
      pn_set(d, "code", PyLong_FromLong((long)e->status)) < 0 ||
      pn_set(d, "message", pn_str(e->message)) < 0 ||
      pn_set(d, "file", pn_str(e->file[0] ? e->file : NULL)) < 0 ||
      pn_set(d, "line", i64_or_none(e->line)) < 0 || pn_set(d, "row", i64_or_none(e->row)) < 0 ||
      pn_set(d, "column", i64_or_none(e->column)) < 0 ||
      pn_set(d, "column_name", pn_str(e->column_name[0] ? e->column_name : NULL)) < 0 ||
      pn_set(d, "offset", i64_or_none(e->offset)) < 0 || pn_set(d, "table", pn_str(table)) < 0 ||
      pn_set(d, "table_kind", pn_str(kind)) < 0 ||
      pn_set(d, "inner_path", pn_str(e->inner_path[0] ? e->inner_path : NULL)) < 0) {
    Py_XDECREF(d);
    return NULL;
  }
  char text[4096];
  pf_error_format(e, text, sizeof text);
  if (pn_set(d, "text", pn_str(text)) < 0) {
    Py_DECREF(d);
    return NULL;
  }
  return d;
}

PyObject *pn_props(const pf_prop *p, size_t n) {
  PyObject *list = PyList_New((Py_ssize_t)n);
  for (size_t i = 0; list && i < n; i++) {
    PyObject *t = Py_BuildValue("(NN)", pn_str(p[i].key), pn_str(p[i].value));
    if (!t) {
      Py_DECREF(list);
      return NULL;
    }
    PyList_SetItem(list, (Py_ssize_t)i, t);
  }
  return list;
}

static PyObject *string_list(char **v, size_t n) {
  PyObject *list = PyList_New((Py_ssize_t)n);
  for (size_t i = 0; list && i < n; i++) {
    PyObject *s = pn_str(v[i]);
    if (!s) {
      Py_DECREF(list);
      return NULL;
    }
    PyList_SetItem(list, (Py_ssize_t)i, s);
  }
  return list;
}

static PyObject *outputs_list(const pf_convert_result *r) {
  PyObject *list = PyList_New(0);
  for (size_t i = 0; list && i < r->n_outputs; i++) {
    const pf_output_desc *o = &r->outputs[i];
    PyObject *tables = NULL;
    if (o->tables) {
      PyObject *joined = pn_str(o->tables), *sep = PyUnicode_FromString(",");
      tables = joined && sep ? PyUnicode_Split(joined, sep, -1) : NULL;
      Py_XDECREF(joined);
      Py_XDECREF(sep);
    } else {
      tables = PyList_New(0);
    }
    PyObject *d = PyDict_New();
    if (!d || pn_set(d, "path", pn_str(o->path)) < 0 || pn_set(d, "rows", PyLong_FromLongLong(o->rows)) < 0 ||
        pn_set(d, "columns", PyLong_FromLongLong(o->columns)) < 0 ||
        pn_set(d, "bytes", PyLong_FromUnsignedLongLong(o->bytes)) < 0 || pn_set(d, "tables", tables) < 0 ||
        PyList_Append(list, d) < 0) {
      Py_XDECREF(d);
      Py_DECREF(list);
      return NULL;
    }
    Py_DECREF(d);
  }
  return list;
}

PyObject *pn_convert_result(const pf_convert_result *r) {
  PyObject *d = PyDict_New();
  if (!d || pn_set(d, "input_format", pn_str(r->input_format)) < 0 ||
      pn_set(d, "output_format", pn_str(r->output_format)) < 0 ||
      pn_set(d, "output_path", pn_str(r->output_path)) < 0 ||
      pn_set(d, "rejects_path", pn_str(r->rejects_path)) < 0 ||
      pn_set(d, "row_count", PyLong_FromLongLong(r->rows)) < 0 ||
      pn_set(d, "rows_rejected", PyLong_FromLongLong(r->rows_rejected)) < 0 ||
      pn_set(d, "column_count", PyLong_FromLongLong(r->columns)) < 0 ||
      pn_set(d, "bytes_in", PyLong_FromUnsignedLongLong(r->bytes_in)) < 0 ||
      pn_set(d, "bytes_out", PyLong_FromUnsignedLongLong(r->bytes_out)) < 0 ||
      pn_set(d, "duration_seconds", PyFloat_FromDouble(r->seconds)) < 0 ||
      pn_set(d, "threads", PyLong_FromLong(r->threads)) < 0 ||
      pn_set(d, "restarts", PyLong_FromLong(r->restarts)) < 0 ||
      pn_set(d, "schema", pn_schema(r->schema)) < 0 || pn_set(d, "outputs", outputs_list(r)) < 0 ||
      pn_set(d, "table_version", i64_or_none(r->table_version)) < 0 ||
      pn_set(d, "warnings", string_list(r->warnings, r->n_warnings)) < 0) {
    Py_XDECREF(d);
    return NULL;
  }
  return d;
}

/* ---- options ---- */

/* str (file system encoding, as os.fsencode), bytes, or os.PathLike ->
 * a new bytes object. */
static PyObject *as_bytes(PyObject *o) {
  if (PyBytes_Check(o)) {
    Py_INCREF(o);
    return o;
  }
  if (PyUnicode_Check(o)) return PyUnicode_EncodeFSDefault(o);
  PyErr_Format(PyExc_TypeError, "option values must be str or bytes; got %R", o);
  return NULL;
}

static int set_value(pf_options *o, const char *key, PyObject *value, int add) {
  PyObject *b = as_bytes(value);
  if (!b) return -1;
  pf_error err;
  pf_error_init(&err);
  const char *v = PyBytes_AsString(b);
  pf_status st = add ? pf_options_add(o, key, v, &err) : pf_options_set(o, key, v, &err);
  Py_DECREF(b);
  if (st != PF_OK) {
    pn_raise(&err);
    return -1;
  }
  return 0;
}

pf_options *pn_options(PyObject *pairs) {
  pf_options *o = pf_options_new();
  if (!o) return (pf_options *)PyErr_NoMemory();
  PyObject *fast = PySequence_Fast(pairs, "options must be a sequence of (key, value) pairs");
  if (!fast) goto fail;
  Py_ssize_t n = PySequence_Size(fast);
  for (Py_ssize_t i = 0; i < n; i++) {
    PyObject *pair = PySequence_GetItem(fast, i);
    PyObject *k = pair ? PySequence_GetItem(pair, 0) : NULL;
    PyObject *v = k ? PySequence_GetItem(pair, 1) : NULL;
    PyObject *kb = v ? as_bytes(k) : NULL;
    int rc = kb ? 0 : -1;
    const char *key = kb ? PyBytes_AsString(kb) : NULL;
    if (rc == 0 && (PyList_Check(v) || PyTuple_Check(v))) {
      pf_error err;
      pf_error_init(&err);
      if (pf_options_reset(o, key, &err) != PF_OK) {
        pn_raise(&err);
        rc = -1;
      }
      Py_ssize_t m = rc == 0 ? PySequence_Size(v) : 0;
      for (Py_ssize_t j = 0; rc == 0 && j < m; j++) {
        PyObject *item = PySequence_GetItem(v, j);
        rc = item ? set_value(o, key, item, 1) : -1;
        Py_XDECREF(item);
      }
    } else if (rc == 0) {
      rc = set_value(o, key, v, 0);
    }
    Py_XDECREF(kb);
    Py_XDECREF(v);
    Py_XDECREF(k);
    Py_XDECREF(pair);
    if (rc < 0) {
      Py_DECREF(fast);
      goto fail;
    }
  }
  Py_DECREF(fast);
  return o;
fail:
  pf_options_free(o);
  return NULL;
}

/* ---- errors ---- */

static PyObject *error_factory; /* the Python layer's: dict -> exception */

PyObject *pn_set_error_factory(PyObject *self, PyObject *fn) {
  (void)self;
  if (!PyCallable_Check(fn)) {
    PyErr_SetString(PyExc_TypeError, "set_error_factory needs a callable");
    return NULL;
  }
  PyObject *old = error_factory;
  Py_INCREF(fn);
  error_factory = fn;
  Py_XDECREF(old);
  Py_RETURN_NONE;
}

PyObject *pn_raise(const pf_error *e) {
  PyObject *d = pn_error(e);
  if (!d) return NULL;
  if (!error_factory) {
    PyErr_SetObject(PyExc_RuntimeError, d);
    Py_DECREF(d);
    return NULL;
  }
  PyObject *exc = PyObject_CallFunctionObjArgs(error_factory, d, NULL);
  Py_DECREF(d);
  if (!exc) return NULL;
  PyObject *type = (PyObject *)Py_TYPE(exc);
  Py_INCREF(type);
  PyErr_SetObject(type, exc);
  Py_DECREF(type);
  Py_DECREF(exc);
  return NULL;
}

/* ---- cancel tokens requested by SIGINT ---- */

#define N_TOKENS 64

static pf_cancel *tokens[N_TOKENS];  /* made once each, never freed      */
static atomic_int token_busy[N_TOKENS];
static struct sigaction chained;     /* the handler ours runs after      */
static atomic_int have_chained;

void pn_tokens_cancel_all(void) {
  for (int i = 0; i < N_TOKENS; i++)
    if (atomic_load(&token_busy[i])) pf_cancel_request(tokens[i]);
}

static void on_sigint(int sig, siginfo_t *info, void *ctx) {
  pn_tokens_cancel_all();
  if (!atomic_load(&have_chained)) return;
  if (chained.sa_flags & SA_SIGINFO) {
    if (chained.sa_sigaction) chained.sa_sigaction(sig, info, ctx);
  } else if (chained.sa_handler != SIG_DFL && chained.sa_handler != SIG_IGN) {
    chained.sa_handler(sig);
  }
}

/* Puts on_sigint in front of the handler there now (Python's), unless it
 * is there already, or SIGINT is ignored or default (then no one expects
 * an interrupt to be caught, and a default SIGINT ends the process). */
static void ensure_handler(void) {
  struct sigaction cur;
  if (sigaction(SIGINT, NULL, &cur) != 0) return;
  if ((cur.sa_flags & SA_SIGINFO) && cur.sa_sigaction == on_sigint) return;
  if (!(cur.sa_flags & SA_SIGINFO) && (cur.sa_handler == SIG_DFL || cur.sa_handler == SIG_IGN)) return;
  atomic_store(&have_chained, 0);
  chained = cur;
  atomic_store(&have_chained, 1);
  struct sigaction sa = cur;
  sa.sa_flags = (cur.sa_flags | SA_SIGINFO) & ~SA_RESETHAND;
  sa.sa_sigaction = on_sigint;
  sigaction(SIGINT, &sa, NULL);
}

int pn_token_acquire(void) {
  ensure_handler();
  for (int i = 0; i < N_TOKENS; i++) {
    if (atomic_load(&token_busy[i])) continue;
    if (!tokens[i] && !(tokens[i] = pf_cancel_new())) return -1;
    int expected = 0;
    pf_cancel_clear(tokens[i]);
    if (atomic_compare_exchange_strong(&token_busy[i], &expected, 1)) return i;
  }
  return -1;
}

pf_cancel *pn_token(int slot) { return slot >= 0 && slot < N_TOKENS ? tokens[slot] : NULL; }

void pn_token_release(int slot) {
  if (slot >= 0 && slot < N_TOKENS) atomic_store(&token_busy[slot], 0);
}

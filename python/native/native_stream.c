/* native_stream.c - forge.read's Arrow streams: pf_stream_open's
 * ArrowArrayStream in a PyCapsule named "arrow_array_stream" (the Arrow
 * PyCapsule interface), which pyarrow, polars, DuckDB and pandas take
 * without copying.
 *
 * The engine's stream is wrapped in a thin one of ours: it forwards every
 * callback (pure C, any thread, no GIL) and adds two things, released with
 * the stream: a cancel token that SIGINT requests (so Ctrl-C stops a read
 * that a consumer drives from its own threads), and a status the Python
 * layer keeps, holding the pf_error of a failed callback, so that it can
 * raise its own exception (with the error's place) instead of a consumer's
 * generic one. */
#include "native.h" /* Python.h first, as CPython requires */

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "pyforge/arrow_c_data.h"

/* Shared by the wrapped stream and the StreamStatus object. */
typedef struct shared {
  atomic_int refs;
  atomic_int failed;  /* 1 once a callback failed: err is set            */
  pf_error err;
} shared;

static void shared_unref(shared *s) {
  if (s && atomic_fetch_sub(&s->refs, 1) == 1) free(s);
}

typedef struct wrap {
  struct ArrowArrayStream inner;
  shared *sh;
  int slot;           /* the signal-reachable token, or -1               */
  pf_cancel *own;     /* else a private one                              */
  void *data;         /* the input's bytes (a copy), or NULL: a path     */
} wrap;

static int note(wrap *w, int rc) {
  if (rc != 0 && !atomic_load(&w->sh->failed)) {
    pf_stream_error(&w->inner, &w->sh->err);
    atomic_store(&w->sh->failed, 1);
  }
  return rc;
}

static int w_get_schema(struct ArrowArrayStream *s, struct ArrowSchema *out) {
  wrap *w = s->private_data;
  return note(w, w->inner.get_schema(&w->inner, out));
}

static int w_get_next(struct ArrowArrayStream *s, struct ArrowArray *out) {
  wrap *w = s->private_data;
  return note(w, w->inner.get_next(&w->inner, out));
}

static const char *w_get_last_error(struct ArrowArrayStream *s) {
  wrap *w = s->private_data;
  return w->inner.get_last_error(&w->inner);
}

static atomic_int streams_open; /* wrapped streams not yet released */

int pn_streams_open(void) { return atomic_load(&streams_open); }

static void w_release(struct ArrowArrayStream *s) {
  wrap *w = s->private_data;
  if (w->inner.release) w->inner.release(&w->inner);
  atomic_fetch_sub(&streams_open, 1);
  pn_token_release(w->slot);
  pf_cancel_free(w->own);
  shared_unref(w->sh);
  free(w->data);
  free(w);
  s->release = NULL;
}

static void capsule_free(PyObject *capsule) {
  struct ArrowArrayStream *s = PyCapsule_GetPointer(capsule, "arrow_array_stream");
  if (!s) {
    PyErr_Clear();
    return;
  }
  if (s->release) s->release(s); /* never taken by a consumer */
  free(s);
}

/* ---- StreamStatus: what the Python layer asks after a consumer failed ---- */

typedef struct {
  PyObject_HEAD
  shared *sh;
} status_obj;

static PyObject *status_type;

static void status_dealloc(PyObject *self) {
  shared_unref(((status_obj *)self)->sh);
  PyTypeObject *tp = Py_TYPE(self);
  freefunc f = (freefunc)PyType_GetSlot(tp, Py_tp_free);
  f(self);
  Py_DECREF(tp);
}

static PyObject *status_error(PyObject *self, PyObject *unused) {
  (void)unused;
  shared *sh = ((status_obj *)self)->sh;
  if (!atomic_load(&sh->failed)) Py_RETURN_NONE;
  return pn_error(&sh->err);
}

static PyMethodDef status_methods[] = {
    {"error", status_error, METH_NOARGS,
     "error() -> dict | None\n\nThe engine's error (status, message, place) if the stream failed."},
    {NULL, NULL, 0, NULL}};

static PyType_Slot status_slots[] = {{Py_tp_dealloc, (void *)status_dealloc},
                                     {Py_tp_methods, status_methods},
                                     {Py_tp_doc, "The state of one Arrow stream handed to a consumer."},
                                     {0, NULL}};

static PyType_Spec status_spec = {"pyforge_cli._native.StreamStatus", sizeof(status_obj), 0, Py_TPFLAGS_DEFAULT,
                                  status_slots};

int pn_stream_init(PyObject *module) {
  status_type = PyType_FromSpec(&status_spec);
  if (!status_type) return -1;
  Py_INCREF(status_type);
  return PyModule_AddObject(module, "StreamStatus", status_type);
}

/* The bytes of an input read from memory, copied: the stream may outlive
 * the bytes object and is released from threads that cannot touch Python
 * objects (no GIL), so it owns its copy. */
static int copy_data(PyObject *data, wrap *w, pf_options *o) {
  char *p;
  Py_ssize_t n;
  if (data == NULL || data == Py_None) return 0;
  if (!PyBytes_Check(data)) {
    PyErr_Format(PyExc_TypeError, "data must be bytes; got %R", (PyObject *)Py_TYPE(data));
    return -1;
  }
  if (PyBytes_AsStringAndSize(data, &p, &n) < 0) return -1;
  w->data = malloc(n > 0 ? (size_t)n : 1);
  if (!w->data) {
    PyErr_NoMemory();
    return -1;
  }
  memcpy(w->data, p, (size_t)n);
  pf_options_set_input_buffer(o, w->data, (size_t)n);
  return 0;
}

/* open_stream(pairs, data=None) -> (capsule, status) */
PyObject *pn_open_stream(PyObject *self, PyObject *args) {
  (void)self;
  PyObject *pairs, *data = NULL;
  if (!PyArg_ParseTuple(args, "O|O:open_stream", &pairs, &data)) return NULL;
  pf_options *o = pn_options(pairs);
  if (!o) return NULL;
  wrap *w = calloc(1, sizeof *w);
  struct ArrowArrayStream *outer = calloc(1, sizeof *outer);
  shared *sh = calloc(1, sizeof *sh);
  if (!w || !outer || !sh || copy_data(data, w, o) < 0) {
    if (w) free(w->data);
    free(w);
    free(outer);
    free(sh);
    pf_options_free(o);
    return (w && outer && sh) ? NULL : PyErr_NoMemory();
  }
  atomic_init(&sh->refs, 2); /* the stream and the status object */
  atomic_init(&sh->failed, 0);
  w->sh = sh;
  w->slot = pn_token_acquire();
  pf_cancel *token = pn_token(w->slot);
  if (!token) token = w->own = pf_cancel_new();
  pf_options_set_cancel(o, token);
  pf_error err;
  pf_error_init(&err);
  pf_status st;
  Py_BEGIN_ALLOW_THREADS
  st = token ? pf_stream_open(o, &w->inner, &err) : PF_ENOMEM;
  Py_END_ALLOW_THREADS
  pf_options_free(o);
  if (st != PF_OK) {
    pn_token_release(w->slot);
    pf_cancel_free(w->own);
    free(w->data);
    free(w);
    free(outer);
    free(sh);
    if (st == PF_ECANCELED && PyErr_CheckSignals() < 0) return NULL;
    return token ? pn_raise(&err) : PyErr_NoMemory();
  }
  atomic_fetch_add(&streams_open, 1); /* w_release takes it back */
  outer->get_schema = w_get_schema;
  outer->get_next = w_get_next;
  outer->get_last_error = w_get_last_error;
  outer->release = w_release;
  outer->private_data = w;
  PyObject *capsule = PyCapsule_New(outer, "arrow_array_stream", capsule_free);
  if (!capsule) {
    w_release(outer);
    free(outer);
    free(sh);
    return NULL;
  }
  PyTypeObject *tp = (PyTypeObject *)status_type;
  allocfunc alloc = (allocfunc)PyType_GetSlot(tp, Py_tp_alloc);
  status_obj *so = (status_obj *)alloc(tp, 0);
  if (!so) {
    Py_DECREF(capsule);
    shared_unref(sh);
    return NULL;
  }
  so->sh = sh;
  return Py_BuildValue("(NN)", capsule, (PyObject *)so);
}

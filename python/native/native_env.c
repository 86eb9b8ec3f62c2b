/* native_env.c - where PyForge runs and Unity Catalog Volumes, for
 * forge.get_environment_info() and forge.volumes: the engine's detection
 * as JSON, credential masking, Volume paths parsed, file and directory
 * metadata, and directory listings streamed one entry at a time (an
 * iterator over pf_dir_list: a directory of 100,000 files lists in the
 * memory of one entry). */
#include "native.h" /* Python.h first, as CPython requires */

#include <stdlib.h>
#include <string.h>


static PyObject *bytes_arg(PyObject *path) {
  if (PyBytes_Check(path)) {
    Py_INCREF(path);
    return path;
  }
  if (PyUnicode_Check(path)) return PyUnicode_EncodeFSDefault(path);
  PyErr_Format(PyExc_TypeError, "a path must be str or bytes; got %R", path);
  return NULL;
}

PyObject *pn_env_json(PyObject *self, PyObject *args) {
  (void)self;
  int fresh = 0;
  if (!PyArg_ParseTuple(args, "|p:env_json", &fresh)) return NULL;
  pf_env *env = NULL;
  pf_error err;
  pf_error_init(&err);
  if (pf_env_detect(fresh ? PF_ENV_FRESH : 0u, &env, &err) != PF_OK) return pn_raise(&err);
  char *js = pf_env_json(env);
  pf_env_free(env);
  if (!js) return PyErr_NoMemory();
  PyObject *out = pn_str(js);
  pf_free(js);
  return out;
}

PyObject *pn_redact(PyObject *self, PyObject *text) {
  (void)self;
  PyObject *b = PyUnicode_AsEncodedString(text, "utf-8", "surrogateescape");
  if (!b) return NULL;
  char *r = pf_redact(PyBytes_AsString(b));
  Py_DECREF(b);
  if (!r) return PyErr_NoMemory();
  PyObject *out = pn_str(r);
  pf_free(r);
  return out;
}

PyObject *pn_volume_path(PyObject *self, PyObject *path) {
  (void)self;
  PyObject *b = bytes_arg(path);
  if (!b) return NULL;
  pf_volume_path *vp = NULL;
  pf_error err;
  pf_error_init(&err);
  pf_status st = pf_volume_path_parse(PyBytes_AsString(b), &vp, &err);
  Py_DECREF(b);
  if (st != PF_OK) return pn_raise(&err);
  static const char *const kinds[] = {"local", "volume", "dbfs"};
  PyObject *d = Py_BuildValue("{s:s,s:N,s:N,s:N,s:N,s:N,s:N,s:N,s:N}", "kind",
                              kinds[(unsigned)vp->kind < 3 ? vp->kind : 0], "catalog", pn_str(vp->catalog),
                              "schema", pn_str(vp->schema), "volume", pn_str(vp->volume), "subpath",
                              pn_str(vp->subpath), "full_name", pn_str(vp->full_name), "fuse_path",
                              pn_str(vp->fuse_path), "uri", pn_str(vp->uri), "local_path", pn_str(vp->local_path));
  pf_volume_path_free(vp);
  return d;
}

static const char *entry_kind(pf_entry_kind k) {
  return k == PF_ENTRY_FILE ? "file" : k == PF_ENTRY_DIR ? "directory" : "other";
}

/* path_stat(path, totals, recursive) -> dict */
PyObject *pn_path_stat(PyObject *self, PyObject *args) {
  (void)self;
  PyObject *path;
  int totals = 0, recursive = 0;
  if (!PyArg_ParseTuple(args, "O|pp:path_stat", &path, &totals, &recursive)) return NULL;
  PyObject *b = bytes_arg(path);
  if (!b) return NULL;
  pf_path_info pi;
  pf_error err;
  pf_error_init(&err);
  pf_status st;
  unsigned flags = (totals ? PF_STAT_TOTALS : 0u) | (recursive ? PF_STAT_RECURSIVE : 0u);
  Py_BEGIN_ALLOW_THREADS /* a directory's totals may take a while */
  st = pf_path_stat(PyBytes_AsString(b), flags, &pi, &err);
  Py_END_ALLOW_THREADS
  Py_DECREF(b);
  if (st != PF_OK) return pn_raise(&err);
  return Py_BuildValue("{s:s,s:K,s:L,s:K,s:K,s:K,s:L}", "kind", entry_kind(pi.kind), "size",
                       (unsigned long long)pi.size, "mtime_ns", (long long)pi.mtime_ns, "files",
                       (unsigned long long)pi.files, "dirs", (unsigned long long)pi.dirs, "others",
                       (unsigned long long)pi.others, "newest_mtime_ns", (long long)pi.newest_mtime_ns);
}

/* path_check(path, write) -> None, or the engine's error */
PyObject *pn_path_check(PyObject *self, PyObject *args) {
  (void)self;
  PyObject *path;
  int write = 0;
  if (!PyArg_ParseTuple(args, "O|p:path_check", &path, &write)) return NULL;
  PyObject *b = bytes_arg(path);
  if (!b) return NULL;
  pf_error err;
  pf_error_init(&err);
  pf_status st = pf_path_check(PyBytes_AsString(b), write ? PF_CHECK_WRITE : PF_CHECK_READ, &err);
  Py_DECREF(b);
  if (st != PF_OK) return pn_raise(&err);
  Py_RETURN_NONE;
}

/* ---- DirList: an iterator over pf_dir_list ---- */

typedef struct {
  PyObject_HEAD
  pf_dir_list *list;
} dirlist_obj;

static PyObject *dirlist_type;

static void dirlist_dealloc(PyObject *self) {
  pf_dir_list_close(((dirlist_obj *)self)->list);
  PyTypeObject *tp = Py_TYPE(self);
  freefunc f = (freefunc)PyType_GetSlot(tp, Py_tp_free);
  f(self);
  Py_DECREF(tp);
}

static PyObject *dirlist_iter(PyObject *self) {
  Py_INCREF(self);
  return self;
}

static PyObject *dirlist_next(PyObject *self) {
  dirlist_obj *d = (dirlist_obj *)self;
  if (!d->list) return NULL;
  const pf_dir_entry *e = NULL;
  pf_error err;
  pf_error_init(&err);
  pf_status st = pf_dir_list_next(d->list, &e, &err);
  if (st != PF_OK) return pn_raise(&err);
  if (!e) {
    pf_dir_list_close(d->list);
    d->list = NULL;
    return NULL; /* StopIteration */
  }
  return Py_BuildValue("{s:N,s:N,s:s,s:K,s:L,s:i}", "name", pn_str(e->name), "path", pn_str(e->path), "kind",
                       entry_kind(e->kind), "size", (unsigned long long)e->size, "mtime_ns", (long long)e->mtime_ns,
                       "depth", e->depth);
}

static PyObject *dirlist_close(PyObject *self, PyObject *unused) {
  (void)unused;
  dirlist_obj *d = (dirlist_obj *)self;
  pf_dir_list_close(d->list);
  d->list = NULL;
  Py_RETURN_NONE;
}

static PyMethodDef dirlist_methods[] = {
    {"close", dirlist_close, METH_NOARGS, "close() -> None\n\nStops the listing and frees it."},
    {NULL, NULL, 0, NULL}};

static PyType_Slot dirlist_slots[] = {{Py_tp_dealloc, (void *)dirlist_dealloc},
                                      {Py_tp_iter, (void *)dirlist_iter},
                                      {Py_tp_iternext, (void *)dirlist_next},
                                      {Py_tp_methods, dirlist_methods},
                                      {Py_tp_doc, "A directory listed one entry at a time."},
                                      {0, NULL}};

static PyType_Spec dirlist_spec = {"pyforge_cli._native.DirList", sizeof(dirlist_obj), 0, Py_TPFLAGS_DEFAULT,
                                   dirlist_slots};

int pn_env_init(PyObject *module) {
  dirlist_type = PyType_FromSpec(&dirlist_spec);
  if (!dirlist_type) return -1;
  Py_INCREF(dirlist_type);
  return PyModule_AddObject(module, "DirList", dirlist_type);
}

/* dir_list(path, recursive) -> DirList */
PyObject *pn_dir_list(PyObject *self, PyObject *args) {
  (void)self;
  PyObject *path;
  int recursive = 0;
  if (!PyArg_ParseTuple(args, "O|p:dir_list", &path, &recursive)) return NULL;
  PyObject *b = bytes_arg(path);
  if (!b) return NULL;
  pf_dir_list *l = NULL;
  pf_error err;
  pf_error_init(&err);
  pf_status st = pf_dir_list_open(PyBytes_AsString(b), recursive ? PF_STAT_RECURSIVE : 0u, &l, &err);
  Py_DECREF(b);
  if (st != PF_OK) return pn_raise(&err);
  PyTypeObject *tp = (PyTypeObject *)dirlist_type;
  allocfunc alloc = (allocfunc)PyType_GetSlot(tp, Py_tp_alloc);
  dirlist_obj *d = (dirlist_obj *)alloc(tp, 0);
  if (!d) {
    pf_dir_list_close(l);
    return NULL;
  }
  d->list = l;
  return (PyObject *)d;
}

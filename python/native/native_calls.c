/* native_calls.c - the engine's calls for Python: convert, info, validate,
 * tables, batch, and the option tables the keyword arguments come from.
 *
 * Each call releases the GIL while the engine works, so other Python
 * threads run and two threads converting two files use two cores. The
 * engine calls the progress callback between batches on the calling
 * thread; it takes the GIL for a moment (at most ten times a second) to
 * call the Python callable, which may return False to cancel, and to run
 * Python's signal handlers. Ctrl-C reaches the engine even without that:
 * the call's cancel token is one a SIGINT requests (native_util.c), so the
 * engine stops at its next check, leaves nothing behind, and the
 * KeyboardInterrupt is raised when the call returns. */
#include "native.h" /* Python.h first, as CPython requires */

#include <stdlib.h>
#include <string.h>
#include <time.h>


/* ---- one call: its token, progress, and what Python said ---- */

typedef struct call {
  int slot;            /* signal-reachable token, or -1                   */
  pf_cancel *own;      /* else a private token                            */
  pf_cancel *token;
  PyObject *progress;  /* borrowed callable, or NULL                      */
  PyObject *on_file;   /* batch: borrowed callable, or NULL               */
  PyObject *log;       /* borrowed callable(level, message), or NULL      */
  double last;         /* when progress was last passed on                */
  int stopped;         /* the callable returned False or raised           */
  PyObject *et, *ev, *tb; /* what it raised (or a KeyboardInterrupt)      */
} call;

static double mono(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int call_begin(call *c, pf_options *o, PyObject *progress) {
  memset(c, 0, sizeof *c);
  c->slot = pn_token_acquire();
  c->token = pn_token(c->slot);
  if (!c->token) {
    c->own = c->token = pf_cancel_new();
    if (!c->token) {
      PyErr_NoMemory();
      return -1;
    }
  }
  c->progress = progress && progress != Py_None ? progress : NULL;
  if (o) pf_options_set_cancel(o, c->token);
  return 0;
}

/* With the GIL: Python's answer to a callback. */
static void call_check(call *c, PyObject *r) {
  if (!r) {
    PyErr_Fetch(&c->et, &c->ev, &c->tb);
    c->stopped = 1;
  } else if (r == Py_False) {
    c->stopped = 1;
  }
  Py_XDECREF(r);
  if (!c->stopped && PyErr_CheckSignals() < 0) { /* Python's handlers: KeyboardInterrupt */
    PyErr_Fetch(&c->et, &c->ev, &c->tb);
    c->stopped = 1;
  }
  if (c->stopped) pf_cancel_request(c->token);
}

static void on_progress(void *user, uint64_t done, uint64_t total, const char *unit) {
  call *c = user;
  double now = mono();
  int final = total > 0 && done >= total;
  if (c->stopped || (!final && now - c->last < 0.1)) return;
  c->last = now;
  PyGILState_STATE g = PyGILState_Ensure();
  PyObject *r = c->progress ? PyObject_CallFunction(c->progress, "KKs", (unsigned long long)done,
                                                    (unsigned long long)total, unit)
                            : (Py_INCREF(Py_None), Py_None);
  call_check(c, r);
  PyGILState_Release(g);
}

/* The engine's log lines to Python (convert, info, validate: the calling
 * thread; batch: the workers, one at a time). Streams get none: their
 * consumers may call get_next from threads that must not wait for the GIL.
 * A failing log callable never stops the work. */
static void on_log(void *user, pf_log_level level, const char *message) {
  call *c = user;
  PyGILState_STATE g = PyGILState_Ensure();
  PyObject *r = PyObject_CallFunction(c->log, "iN", (int)level, pn_str(message));
  if (!r) PyErr_Clear();
  Py_XDECREF(r);
  PyGILState_Release(g);
}

static void call_log(call *c, pf_options *o, PyObject *log) {
  if (log && log != Py_None) {
    c->log = log;
    pf_options_set_log(o, on_log, c);
  }
}

/* The options of a call made from pairs, with its token, its log and, when
 * watch is set, its progress (the callable, or None: the callback then only
 * runs Python's signal handlers). NULL with an exception. */
static pf_options *call_open(call *c, PyObject *pairs, int watch, PyObject *progress, PyObject *log) {
  pf_options *o = pn_options(pairs);
  if (!o) return NULL;
  if (call_begin(c, o, progress) < 0) {
    pf_options_free(o);
    return NULL;
  }
  if (watch) pf_options_set_progress(o, on_progress, c);
  call_log(c, o, log);
  return o;
}

/* With the GIL, after the engine returned st: NULL with the exception to
 * raise, or Py_None (borrowed) when the call succeeded. */
static PyObject *call_end(call *c, pf_status st, const pf_error *err) {
  pn_token_release(c->slot);
  pf_cancel_free(c->own);
  if (c->et) {
    PyErr_Restore(c->et, c->ev, c->tb);
    return NULL;
  }
  if (st == PF_ECANCELED && PyErr_CheckSignals() < 0) return NULL; /* KeyboardInterrupt */
  if (st != PF_OK) return pn_raise(err);
  return Py_None;
}

/* ---- convert, info, validate, tables ---- */

PyObject *pn_convert(PyObject *self, PyObject *args) {
  (void)self;
  PyObject *pairs, *progress = Py_None, *log = Py_None;
  if (!PyArg_ParseTuple(args, "O|OO:convert", &pairs, &progress, &log)) return NULL;
  call c;
  pf_options *o = call_open(&c, pairs, 1, progress, log);
  if (!o) return NULL;
  pf_convert_result r;
  pf_error err;
  pf_error_init(&err);
  pf_status st;
  Py_BEGIN_ALLOW_THREADS
  st = pf_convert(o, &r, &err);
  Py_END_ALLOW_THREADS
  pf_options_free(o);
  PyObject *out = call_end(&c, st, &err) ? pn_convert_result(&r) : NULL;
  if (st == PF_OK) pf_convert_result_free(&r);
  return out;
}

PyObject *pn_default_output(PyObject *self, PyObject *pairs) {
  (void)self;
  pf_options *o = pn_options(pairs);
  if (!o) return NULL;
  char buf[4096];
  pf_error err;
  pf_error_init(&err);
  pf_status st = pf_default_output(o, buf, sizeof buf, &err);
  pf_options_free(o);
  return st == PF_OK ? pn_str(buf) : pn_raise(&err);
}

static PyObject *info_dict(const pf_info *in) {
  PyObject *d = PyDict_New();
  PyObject *sections = PyList_New(0);
  for (size_t i = 0; sections && i < in->n_sections; i++) {
    const pf_info_section *s = &in->sections[i];
    PyObject *sd = Py_BuildValue("{s:N,s:N,s:N}", "kind", pn_str(s->kind), "name", pn_str(s->name), "props",
                                 pn_props(s->props, s->n_props));
    if (!sd || PyList_Append(sections, sd) < 0) {
      Py_XDECREF(sd);
      Py_CLEAR(sections);
      break;
    }
    Py_DECREF(sd);
  }
  if (!d || pn_set(d, "path", pn_str(in->path)) < 0 || pn_set(d, "format", pn_str(in->format)) < 0 ||
      pn_set(d, "size_bytes", PyLong_FromUnsignedLongLong(in->size_bytes)) < 0 ||
      pn_set(d, "rows", in->rows >= 0 ? PyLong_FromLongLong(in->rows) : (Py_INCREF(Py_None), Py_None)) < 0 ||
      pn_set(d, "props", pn_props(in->props, in->n_props)) < 0 || pn_set(d, "schema", pn_schema(in->schema)) < 0 ||
      pn_set(d, "sections", sections) < 0) {
    Py_XDECREF(d);
    return NULL;
  }
  return d;
}

PyObject *pn_info(PyObject *self, PyObject *args) {
  (void)self;
  PyObject *pairs, *log = Py_None;
  if (!PyArg_ParseTuple(args, "O|O:info", &pairs, &log)) return NULL;
  call c;
  pf_options *o = call_open(&c, pairs, 0, NULL, log);
  if (!o) return NULL;
  pf_info in;
  pf_error err;
  pf_error_init(&err);
  pf_status st;
  Py_BEGIN_ALLOW_THREADS
  st = pf_info_read(o, &in, &err);
  Py_END_ALLOW_THREADS
  pf_options_free(o);
  PyObject *out = call_end(&c, st, &err) ? info_dict(&in) : NULL;
  if (st == PF_OK) pf_info_free(&in);
  return out;
}

static PyObject *validate_dict(const pf_validate_result *v) {
  PyObject *problems = PyList_New(0);
  for (size_t i = 0; problems && i < v->n_problems; i++) {
    PyObject *e = pn_error(&v->problems[i]);
    if (!e || PyList_Append(problems, e) < 0) {
      Py_XDECREF(e);
      Py_CLEAR(problems);
    }
    Py_XDECREF(e);
  }
  PyObject *d = PyDict_New();
  if (!d || pn_set(d, "is_valid", PyBool_FromLong(v->valid)) < 0 || pn_set(d, "format", pn_str(v->format)) < 0 ||
      pn_set(d, "rows", PyLong_FromLongLong(v->rows)) < 0 ||
      pn_set(d, "problems_total", PyLong_FromLongLong(v->problems_total)) < 0 ||
      pn_set(d, "issues", problems) < 0 || pn_set(d, "schema", pn_schema(v->schema)) < 0 ||
      pn_set(d, "checked", pn_str(v->checked)) < 0) {
    Py_XDECREF(d);
    return NULL;
  }
  return d;
}

PyObject *pn_validate(PyObject *self, PyObject *args) {
  (void)self;
  PyObject *pairs, *progress = Py_None, *log = Py_None;
  if (!PyArg_ParseTuple(args, "O|OO:validate", &pairs, &progress, &log)) return NULL;
  call c;
  pf_options *o = call_open(&c, pairs, 1, progress, log);
  if (!o) return NULL;
  pf_validate_result v;
  pf_error err;
  pf_error_init(&err);
  pf_status st;
  Py_BEGIN_ALLOW_THREADS
  st = pf_validate(o, &v, &err);
  Py_END_ALLOW_THREADS
  pf_options_free(o);
  PyObject *out = call_end(&c, st, &err) ? validate_dict(&v) : NULL;
  if (st == PF_OK) pf_validate_result_free(&v);
  return out;
}

PyObject *pn_tables(PyObject *self, PyObject *pairs) {
  (void)self;
  pf_options *o = pn_options(pairs);
  if (!o) return NULL;
  pf_table_list l;
  pf_error err;
  pf_error_init(&err);
  pf_status st;
  Py_BEGIN_ALLOW_THREADS
  st = pf_tables_list(o, &l, &err);
  Py_END_ALLOW_THREADS
  pf_options_free(o);
  if (st != PF_OK) return pn_raise(&err);
  PyObject *tables = PyList_New(0);
  for (size_t i = 0; tables && i < l.n_tables; i++) {
    const pf_table_desc *t = &l.tables[i];
    PyObject *td = Py_BuildValue("{s:N,s:N,s:N,s:N,s:N}", "name", pn_str(t->name), "hidden",
                                 PyBool_FromLong(t->hidden), "rows",
                                 t->rows >= 0 ? PyLong_FromLongLong(t->rows) : (Py_INCREF(Py_None), Py_None),
                                 "group", pn_str(t->group), "selected", PyBool_FromLong(t->selected));
    if (!td || PyList_Append(tables, td) < 0) Py_CLEAR(tables);
    Py_XDECREF(td);
  }
  PyObject *out = tables ? Py_BuildValue("{s:N,s:n}", "tables", tables, "groups", (Py_ssize_t)l.n_groups) : NULL;
  pf_table_list_free(&l);
  return out;
}

/* ---- batch ---- */

static PyObject *batch_item(const pf_batch_item *it) {
  PyObject *d = PyDict_New();
  if (!d || pn_set(d, "input_path", pn_str(it->input)) < 0 || pn_set(d, "source", pn_str(it->source)) < 0 ||
      pn_set(d, "planned_output", pn_str(it->output)) < 0 ||
      pn_set(d, "status", pn_str(pf_status_name(it->status))) < 0 ||
      pn_set(d, "bytes", PyLong_FromUnsignedLongLong(it->bytes)) < 0 ||
      pn_set(d, "seconds", PyFloat_FromDouble(it->seconds)) < 0 ||
      pn_set(d, "result", it->status == PF_OK ? pn_convert_result(&it->result) : (Py_INCREF(Py_None), Py_None)) < 0 ||
      pn_set(d, "error", it->status != PF_OK ? pn_error(&it->error) : (Py_INCREF(Py_None), Py_None)) < 0) {
    Py_XDECREF(d);
    return NULL;
  }
  return d;
}

static void on_file(void *user, size_t index, const pf_batch_item *item) {
  call *c = user;
  if (!c->on_file || c->stopped) return;
  PyGILState_STATE g = PyGILState_Ensure();
  PyObject *d = batch_item(item);
  PyObject *r = d ? PyObject_CallFunction(c->on_file, "nO", (Py_ssize_t)index, d) : NULL;
  Py_XDECREF(d);
  call_check(c, r);
  PyGILState_Release(g);
}

static PyObject *batch_dict(const pf_batch_result *r) {
  PyObject *items = PyList_New(0);
  for (size_t i = 0; items && i < r->n_items; i++) {
    PyObject *it = batch_item(&r->items[i]);
    if (!it || PyList_Append(items, it) < 0) Py_CLEAR(items);
    Py_XDECREF(it);
  }
  if (!items) return NULL;
  return Py_BuildValue("{s:n,s:n,s:n,s:n,s:L,s:L,s:K,s:K,s:K,s:d,s:i,s:i,s:N}", "files", (Py_ssize_t)r->n_items,
                       "converted", (Py_ssize_t)r->converted, "failed", (Py_ssize_t)r->failed, "canceled",
                       (Py_ssize_t)r->canceled, "row_count", (long long)r->rows, "rows_rejected",
                       (long long)r->rows_rejected, "bytes_in", (unsigned long long)r->bytes_in, "bytes_out",
                       (unsigned long long)r->bytes_out, "bytes_total", (unsigned long long)r->bytes_total,
                       "duration_seconds", r->seconds, "workers", r->workers, "threads_per_file",
                       r->threads_per_file, "items", items);
}

/* The table mode's table and version (None when not that mode or nothing
 * was committed). */
static int batch_table(PyObject *out, const pf_batch_result *r) {
  if (pn_set(out, "table", pn_str(r->table)) < 0) return -1;
  PyObject *v = r->table_version >= 0 ? PyLong_FromLongLong((long long)r->table_version)
                                      : (Py_INCREF(Py_None), Py_None);
  return pn_set(out, "table_version", v);
}

/* batch(pairs, sources, output_dir, workers, progress, on_file, log=None,
 * table=None): table names the one Delta table every file goes into. */
PyObject *pn_batch(PyObject *self, PyObject *args) {
  (void)self;
  PyObject *pairs, *sources, *out_dir, *progress, *file_cb, *log = Py_None, *table = Py_None;
  int workers;
  if (!PyArg_ParseTuple(args, "OOOiOO|OO:batch", &pairs, &sources, &out_dir, &workers, &progress, &file_cb,
                        &log, &table))
    return NULL;
  pf_batch_job *job = pf_batch_new();
  pf_options *o = job ? pn_options(pairs) : NULL;
  if (!o) {
    pf_batch_free(job);
    return job ? NULL : PyErr_NoMemory();
  }
  pf_error err;
  pf_error_init(&err);
  pf_status st = pf_batch_set_workers(job, workers, &err);
  PyObject *fast = st == PF_OK ? PySequence_Fast(sources, "sources must be a sequence of paths") : NULL;
  Py_ssize_t n = fast ? PySequence_Size(fast) : 0;
  for (Py_ssize_t i = 0; fast && st == PF_OK && i < n; i++) {
    PyObject *item = PySequence_GetItem(fast, i);
    PyObject *b = item ? PyUnicode_EncodeFSDefault(item) : NULL;
    Py_XDECREF(item);
    if (!b) {
      Py_CLEAR(fast);
      break;
    }
    st = pf_batch_add(job, PyBytes_AsString(b), &err);
    Py_DECREF(b);
  }
  if (fast && st == PF_OK && out_dir != Py_None) {
    PyObject *b = PyUnicode_EncodeFSDefault(out_dir);
    if (b) st = pf_batch_set_output_dir(job, PyBytes_AsString(b), &err);
    else Py_CLEAR(fast);
    Py_XDECREF(b);
  }
  if (fast && st == PF_OK && table != Py_None) {
    PyObject *b = PyUnicode_EncodeFSDefault(table);
    if (b) st = pf_batch_set_table(job, PyBytes_AsString(b), &err);
    else Py_CLEAR(fast);
    Py_XDECREF(b);
  }
  call c;
  if (!fast || st != PF_OK || call_begin(&c, o, progress) < 0) {
    Py_XDECREF(fast);
    pf_options_free(o);
    pf_batch_free(job);
    return st != PF_OK && !PyErr_Occurred() ? pn_raise(&err) : NULL;
  }
  Py_DECREF(fast);
  c.on_file = file_cb != Py_None ? file_cb : NULL;
  pf_options_set_progress(o, on_progress, &c);
  call_log(&c, o, log);
  pf_batch_set_file_callback(job, on_file, &c);
  pf_batch_result r;
  Py_BEGIN_ALLOW_THREADS
  st = pf_batch_run(job, o, &r, &err);
  Py_END_ALLOW_THREADS
  pf_options_free(o);
  pf_batch_free(job);
  /* a canceled batch still has its result: the caller sees which files ended how */
  PyObject *ok = call_end(&c, st == PF_ECANCELED && !c.et ? PF_OK : st, &err);
  PyObject *out = NULL;
  if (ok) {
    out = batch_dict(&r);
    if (out && pn_set(out, "canceled_by", pn_str(st == PF_ECANCELED ? "cancel" : NULL)) < 0) Py_CLEAR(out);
    if (out && batch_table(out, &r) < 0) Py_CLEAR(out);
  }
  pf_batch_result_free(&r);
  if (out && st == PF_ECANCELED && PyErr_CheckSignals() < 0) Py_CLEAR(out); /* Ctrl-C */
  return out;
}

/* ---- sample datasets ---- */

/* samples(action, destination, formats, sizes, from_, force, progress) ->
 * the result's JSON text; action: "install", "installed", "uninstall",
 * "releases". Installing releases the GIL; SIGINT or progress returning
 * False cancels (the finished datasets stay, as in the CLI). */
PyObject *pn_samples(PyObject *self, PyObject *args) {
  (void)self;
  const char *action, *dest, *formats, *sizes, *from;
  int force;
  PyObject *progress;
  if (!PyArg_ParseTuple(args, "szzzzpO:samples", &action, &dest, &formats, &sizes, &from, &force, &progress))
    return NULL;
  pf_samples_result r;
  pf_error err;
  pf_error_init(&err);
  pf_status st;
  if (!strcmp(action, "install")) {
    call c;
    if (call_begin(&c, NULL, progress) < 0) return NULL;
    pf_samples_request req;
    pf_samples_request_init(&req);
    req.formats = formats, req.sizes = sizes, req.from = from, req.force = force;
    req.cancel = c.token;
    req.progress = on_progress;
    req.progress_user = &c;
    Py_BEGIN_ALLOW_THREADS
    st = pf_samples_install(dest, &req, &r, &err);
    Py_END_ALLOW_THREADS
    if (!call_end(&c, st, &err)) {
      pf_samples_result_free(&r);
      return NULL;
    }
  } else {
    Py_BEGIN_ALLOW_THREADS
    st = !strcmp(action, "installed") ? pf_samples_installed(dest, &r, &err)
       : !strcmp(action, "uninstall") ? pf_samples_uninstall(dest, &r, &err)
                                      : pf_samples_releases(from, &r, &err);
    Py_END_ALLOW_THREADS
    if (st != PF_OK) {
      pf_samples_result_free(&r);
      return pn_raise(&err);
    }
  }
  char *js = pf_samples_result_json(&r);
  pf_samples_result_free(&r);
  if (!js) return PyErr_NoMemory();
  PyObject *out = pn_str(js);
  pf_free(js);
  return out;
}

PyObject *pn_samples_catalog(PyObject *self, PyObject *unused) {
  (void)self, (void)unused;
  const pf_sample_desc *d;
  size_t n = pf_samples_catalog(&d);
  PyObject *l = PyList_New(0);
  for (size_t i = 0; l && i < n; i++) {
    PyObject *e = Py_BuildValue("{s:s,s:s,s:s,s:s,s:K,s:O,s:s}", "name", d[i].name, "format", d[i].format,
                                "size", d[i].size, "files", d[i].files,
                                "approx_bytes", (unsigned long long)d[i].approx_bytes, "generated",
                                d[i].generated ? Py_True : Py_False, "description", d[i].description);
    if (!e || PyList_Append(l, e) < 0) Py_CLEAR(l);
    Py_XDECREF(e);
  }
  return l;
}

/* ---- the option tables and spelling ---- */

static const char *type_name(pf_option_type t) {
  static const char *const names[] = {"bool", "int", "size", "enum", "char", "string", "list"};
  return (unsigned)t < sizeof names / sizeof *names ? names[t] : "string";
}

static PyObject *uses_list(unsigned uses) {
  static const struct {
    unsigned bit;
    const char *name;
  } u[] = {{PF_USE_CONVERT, "convert"}, {PF_USE_INFO, "info"}, {PF_USE_VALIDATE, "validate"}, {PF_USE_STREAM, "read"}};
  PyObject *l = PyList_New(0);
  for (size_t i = 0; l && i < sizeof u / sizeof *u; i++)
    if (uses & u[i].bit) {
      PyObject *s = PyUnicode_FromString(u[i].name);
      if (!s || PyList_Append(l, s) < 0) Py_CLEAR(l);
      Py_XDECREF(s);
    }
  return l;
}

static PyObject *cli_list(const pf_option_flag *f) {
  PyObject *l = PyList_New(0);
  for (; l && f && f->flag; f++) {
    PyObject *t = Py_BuildValue("(NN)", pn_str(f->flag), pn_str(f->value));
    if (!t || PyList_Append(l, t) < 0) Py_CLEAR(l);
    Py_XDECREF(t);
  }
  return l;
}

PyObject *pn_option_table(PyObject *self, PyObject *unused) {
  (void)self;
  (void)unused;
  PyObject *list = PyList_New(0);
  for (size_t i = 0; list && i < pf_option_count(); i++) {
    const pf_option_desc *d = pf_option_at(i);
    PyObject *e = PyDict_New();
    if (!e || pn_set(e, "key", pn_str(d->key)) < 0 || pn_set(e, "name", pn_str(d->name)) < 0 ||
        pn_set(e, "section", pn_str(d->section)) < 0 || pn_set(e, "type", pn_str(type_name(d->type))) < 0 ||
        pn_set(e, "auto", PyBool_FromLong((d->flags & PF_OPTION_AUTO) != 0)) < 0 ||
        pn_set(e, "nonempty", PyBool_FromLong((d->flags & PF_OPTION_NONEMPTY) != 0)) < 0 ||
        pn_set(e, "commas", PyBool_FromLong((d->flags & PF_OPTION_COMMAS) != 0)) < 0 ||
        pn_set(e, "uses", uses_list(d->uses)) < 0 || pn_set(e, "default", pn_str(d->default_value)) < 0 ||
        pn_set(e, "values", pn_str(d->values)) < 0 || pn_set(e, "takes", pn_str(d->takes)) < 0 ||
        pn_set(e, "help", pn_str(d->help)) < 0 || pn_set(e, "metavar", pn_str(d->metavar)) < 0 ||
        pn_set(e, "cli", cli_list(d->cli)) < 0 || pn_set(e, "min", PyLong_FromLongLong(d->min)) < 0 ||
        pn_set(e, "max", PyLong_FromLongLong(d->max)) < 0 || PyList_Append(list, e) < 0)
      Py_CLEAR(list);
    Py_XDECREF(e);
  }
  return list;
}

/* pf_spell_fn: a key as Python spells it: force=True, on_bad_rows='skip',
 * the paths as input_path / output_path. */
static size_t spell_python(void *user, const pf_option_desc *d, const char *value, char *buf, size_t n) {
  (void)user;
  const char *name = !strcmp(d->key, "input.path") ? "input_path"
                   : !strcmp(d->key, "output.path") ? "output_path" : d->name;
  if (!value && d->type == PF_OPTION_BOOL && strcmp(d->key, "input.header") != 0)
    return (size_t)snprintf(buf, n, "%s=True", name);
  if (!value) return (size_t)snprintf(buf, n, "%s", name);
  /* pf_spell_options gives the value up to the next space: punctuation
   * that ends the sentence ("engine.name=spark: ...") stays outside */
  size_t len = strlen(value), tail = 0;
  while (tail < len && strchr(":;,.)", value[len - 1 - tail])) tail++;
  len -= tail;
  const char *rest = value + len;
  if (d->type == PF_OPTION_BOOL && len == 4 && !strncmp(value, "true", 4))
    return (size_t)snprintf(buf, n, "%s=True%s", name, rest);
  if (d->type == PF_OPTION_BOOL && len == 5 && !strncmp(value, "false", 5))
    return (size_t)snprintf(buf, n, "%s=False%s", name, rest);
  if (d->type == PF_OPTION_INT && len > 0 && strspn(value, "0123456789-") == len)
    return (size_t)snprintf(buf, n, "%s=%.*s%s", name, (int)len, value, rest);
  return (size_t)snprintf(buf, n, "%s='%.*s'%s", name, (int)len, value, rest);
}

PyObject *pn_spell(PyObject *self, PyObject *text) {
  (void)self;
  PyObject *b = PyUnicode_AsEncodedString(text, "utf-8", "surrogateescape");
  if (!b) return NULL;
  const char *t = PyBytes_AsString(b);
  size_t want = pf_spell_options(t, spell_python, NULL, NULL, 0);
  char *buf = malloc(want + 1);
  PyObject *out = NULL;
  if (buf) {
    pf_spell_options(t, spell_python, NULL, buf, want + 1);
    out = pn_str(buf);
    free(buf);
  } else {
    PyErr_NoMemory();
  }
  Py_DECREF(b);
  return out;
}

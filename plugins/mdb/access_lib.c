/* access_lib.c - libmdb (mdbtools, LGPL) loaded at run time.
 *
 * The plugin does not link libmdb: it opens "libmdb.so.3" when it is
 * initialised and looks up the functions it calls. Where the library is
 * missing (or too old to have them) the plugin still loads, its format is
 * listed as unavailable with the reason and how to install the library,
 * and opening an Access file fails with that message: a machine without
 * mdbtools never sees a failed plugin or a crash. PYFORGE_LIBMDB names
 * another file to load (a build of mdbtools outside the system paths). */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"

#define AX_INSTALL_HINT                                                                  \
  "install mdbtools' library: apt-get install libmdb3 (Debian, Ubuntu), dnf install "   \
  "mdbtools-libs (Fedora), brew install mdbtools (macOS); or set PYFORGE_LIBMDB to the " \
  "path of libmdb.so.3"

static void *ax_dl;
static ax_lib ax_the_lib;
static int ax_loaded;
static char ax_why_buf[768];

const ax_lib *ax_lib_get(void) { return ax_loaded ? &ax_the_lib : NULL; }

const char *ax_lib_why(void) { return ax_why_buf; }

const char *ax_lib_version(void) {
  return ax_loaded && ax_the_lib.get_version ? ax_the_lib.get_version() : "";
}

/* Looks up one symbol into *slot; 0 when missing (the reason is kept). */
static int want(void *slot, const char *name) {
  void *p = dlsym(ax_dl, name);
  if (!p) {
    snprintf(ax_why_buf, sizeof ax_why_buf,
             "libmdb was found but has no %s (mdbtools 0.9 or newer is needed); " AX_INSTALL_HINT,
             name);
    return 0;
  }
  memcpy(slot, &p, sizeof p);
  return 1;
}

void ax_lib_load(void) {
  if (ax_loaded) return;
  const char *path = getenv("PYFORGE_LIBMDB");
  if (!path || !*path) path = "libmdb.so.3";
  ax_dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!ax_dl) {
    const char *e = dlerror();
    snprintf(ax_why_buf, sizeof ax_why_buf, "%s could not be loaded (%s); " AX_INSTALL_HINT,
             path, e ? e : "not found");
    return;
  }
  ax_lib *l = &ax_the_lib;
  int ok = want(&l->open, "mdb_open") && want(&l->open_buffer, "mdb_open_buffer") &&
           want(&l->close, "mdb_close") && want(&l->read_catalog, "mdb_read_catalog") &&
           want(&l->is_user_table, "mdb_is_user_table") &&
           want(&l->read_table, "mdb_read_table") && want(&l->read_columns, "mdb_read_columns") &&
           want(&l->free_tabledef, "mdb_free_tabledef") &&
           want(&l->rewind_table, "mdb_rewind_table") &&
           want(&l->read_next_dpg, "mdb_read_next_dpg") && want(&l->find_row, "mdb_find_row") &&
           want(&l->find_pg_row, "mdb_find_pg_row") &&
           want(&l->read_alt_pg, "mdb_read_alt_pg") && want(&l->crack_row, "mdb_crack_row") &&
           want(&l->unicode2ascii, "mdb_unicode2ascii") &&
           want(&l->get_option, "mdb_get_option") && want(&l->get_version, "mdb_get_version");
  if (!ok) {
    dlclose(ax_dl);
    ax_dl = NULL;
    memset(l, 0, sizeof *l);
    return;
  }
  /* libmdb reads its MDBOPTS word lazily into a global: settle it here,
   * on one thread, before readers run concurrently */
  (void)l->get_option(0);
  ax_loaded = 1;
}

void ax_lib_unload(void) {
  if (ax_dl) dlclose(ax_dl);
  ax_dl = NULL;
  ax_loaded = 0;
  memset(&ax_the_lib, 0, sizeof ax_the_lib);
}

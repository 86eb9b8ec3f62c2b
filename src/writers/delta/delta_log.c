/* delta_log.c - reading a Delta table's log into a pf__delta_state:
 * listing _delta_log, choosing the checkpoint to start from (the newest
 * single-file checkpoint; _last_checkpoint is only a hint), reading it
 * through pf__delta_checkpoint_read(), then replaying the JSON commits after
 * it in order (PROTOCOL.md "Action Reconciliation"): a logical file is
 * (path, deletion vector id); live files are unique by path (the newest
 * add of a path wins), tombstones by (path, dv id); protocol and metaData
 * are replaced as a whole. Actions of one commit are not ordered: its
 * removes are applied before its adds, so a file removed and re-added
 * with a new deletion vector in one commit stays live whatever the order
 * of the lines.
 *
 * Replay keeps a hash from key to position for the live files and the
 * tombstones, so a log of many commits over many files stays linear.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "writers/delta/delta_internal.h"

#define COMMIT_MAX_BYTES ((size_t)1 << 30) /* one commit file: 1 GiB */

char *pf__delta_log_path(const char *dir, int64_t v, const char *suffix) {
  return pf__aprintf("%s/_delta_log/%020lld%s", dir, (long long)v, suffix);
}

pf_status pf__delta_read_file(const char *path, size_t max, char **out, size_t *n, pf_error *err) {
  *out = NULL;
  *n = 0;
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return PF_ENOTFOUND;
    pf__error_file(err, path);
    return pf__error_set(err, PF_EINPUT, "cannot open %s: %s", path, strerror(errno));
  }
  pf__buf b;
  pf__buf_init(&b, max);
  pf_status st = PF_OK;
  for (;;) {
    if ((st = pf__buf_reserve(&b, 65536)) != PF_OK) {
      pf__error_file(err, path);
      pf__error_set(err, st, st == PF_ELIMIT ? "%s is larger than %zu bytes" : "out of memory reading %s",
                    path, max);
      break;
    }
    ssize_t k = read(fd, b.data + b.len, b.cap - b.len - 1);
    if (k < 0) {
      if (errno == EINTR) continue;
      pf__error_file(err, path);
      st = pf__error_set(err, PF_EINPUT, "cannot read %s: %s", path, strerror(errno));
      break;
    }
    if (k == 0) break;
    b.len += (size_t)k;
  }
  close(fd);
  if (st != PF_OK) {
    pf__buf_free(&b);
    return st;
  }
  *n = b.len;
  if (!b.data) {
    *out = calloc(1, 1);
    if (!*out) return pf__error_set(err, PF_ENOMEM, "out of memory");
    return PF_OK;
  }
  b.data[b.len] = 0;
  *out = (char *)b.data;
  return PF_OK;
}

/* ---- key -> index hash (open addressing, linear probing) ----
 * The adds' map is keyed by path, the removes' by (path, dv id). */
typedef struct pathmap {
  size_t cap;      /* power of two                                         */
  size_t used;     /* slots not empty (live or deleted): kept under half   */
  size_t *slot;    /* index + 1; 0 = empty; SIZE_MAX = deleted             */
  int with_dv;     /* the key includes the deletion vector's id            */
} pathmap;

static uint64_t hash_str(uint64_t h, const char *s) {
  for (; s && *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ULL;
  return h;
}

static size_t key_hash(const pathmap *m, const pf__delta_file *f) {
  uint64_t h = hash_str(1469598103934665603ULL, f->path);
  if (m->with_dv) h = hash_str(h ^ 0xff, f->dv.unique_id);
  return (size_t)h & (m->cap - 1);
}

static int same_key(const pathmap *m, const pf__delta_file *a, const pf__delta_file *b) {
  if (strcmp(a->path, b->path)) return 0;
  if (!m->with_dv) return 1;
  const char *x = a->dv.unique_id, *y = b->dv.unique_id;
  return (!x && !y) || (x && y && !strcmp(x, y));
}

static pf_status map_build(pathmap *m, const pf__delta_file *files, size_t n) {
  size_t cap = 64;
  while (cap < n * 2 + 16) cap *= 2;
  size_t *s = calloc(cap, sizeof *s);
  if (!s) return PF_ENOMEM;
  free(m->slot);
  m->slot = s;
  m->cap = cap;
  m->used = n;
  for (size_t i = 0; i < n; i++) {
    size_t h = key_hash(m, &files[i]);
    while (s[h]) h = (h + 1) & (cap - 1);
    s[h] = i + 1;
  }
  return PF_OK;
}

/* Slot holding f's key, or the empty slot where it would go (*found 0). */
static size_t map_find(const pathmap *m, const pf__delta_file *files, const pf__delta_file *f,
                       int *found) {
  size_t h = key_hash(m, f), first_del = SIZE_MAX;
  for (;;) {
    size_t v = m->slot[h];
    if (v == 0) break;
    if (v == SIZE_MAX) {
      if (first_del == SIZE_MAX) first_del = h;
    } else if (same_key(m, &files[v - 1], f)) {
      *found = 1;
      return h;
    }
    h = (h + 1) & (m->cap - 1);
  }
  *found = 0;
  return first_del != SIZE_MAX ? first_del : h;
}

/* Replay context: a state and the maps of its adds and removes. */
typedef struct replay {
  pf__delta_state *st;
  pathmap adds, removes;
  size_t cap_adds, cap_removes;
  int changed;
} replay;

static pf_status replay_init(replay *r, pf__delta_state *st) {
  memset(r, 0, sizeof *r);
  r->st = st;
  r->removes.with_dv = 1;
  r->cap_adds = st->n_adds;
  r->cap_removes = st->n_removes;
  PF_TRY(map_build(&r->adds, st->adds, st->n_adds));
  return map_build(&r->removes, st->removes, st->n_removes);
}

static void replay_free(replay *r) {
  free(r->adds.slot);
  free(r->removes.slot);
}


static pf_status parse_map(const pf__json *o, pf__delta_map *m) {
  memset(m, 0, sizeof *m);
  if (!o || o->kind != PF__JSON_OBJECT || o->n == 0) return PF_OK;
  m->keys = calloc(o->n, sizeof *m->keys);
  m->values = calloc(o->n, sizeof *m->values);
  if (!m->keys || !m->values) return PF_ENOMEM;
  for (size_t i = 0; i < o->n; i++) {
    m->keys[i] = pf__strdup(o->keys[i]);
    m->n++;
    if (!m->keys[i]) return PF_ENOMEM;
    const pf__json *v = &o->items[i];
    if (v->kind == PF__JSON_STRING) {
      if (!(m->values[i] = pf__strdup(v->str))) return PF_ENOMEM;
    } else if (v->kind == PF__JSON_NUMBER) { /* tolerated: some writers */
      if (!(m->values[i] = pf__strdup(v->str))) return PF_ENOMEM;
    } else if (v->kind == PF__JSON_BOOL) {
      if (!(m->values[i] = pf__strdup(v->boolean ? "true" : "false"))) return PF_ENOMEM;
    }
  }
  return PF_OK;
}

static pf_status parse_strv(const pf__json *a, char ***out, size_t *n) {
  *out = NULL;
  *n = 0;
  if (!a || a->kind != PF__JSON_ARRAY || a->n == 0) return PF_OK;
  char **v = calloc(a->n, sizeof *v);
  if (!v) return PF_ENOMEM;
  *out = v;
  for (size_t i = 0; i < a->n; i++) {
    const char *s = pf__json_string(&a->items[i]);
    if (!s) continue;
    if (!(v[*n] = pf__strdup(s))) return PF_ENOMEM;
    (*n)++;
  }
  return PF_OK;
}

static int64_t get_i64(const pf__json *o, const char *key, int64_t dflt) {
  int64_t v;
  return pf__json_int64(pf__json_get(o, key), &v) ? v : dflt;
}

/* A deletionVector object (absent or null: none). */
static pf_status parse_dv(const pf__json *o, pf__delta_dv *dv) {
  dv->offset = -1;
  if (!o || o->kind != PF__JSON_OBJECT) return PF_OK;
  const char *type = pf__json_string(pf__json_get(o, "storageType"));
  const char *where = pf__json_string(pf__json_get(o, "pathOrInlineDv"));
  if (!type || strlen(type) != 1 || !strchr("uip", type[0]) || !where) return PF_EPARSE;
  dv->storage_type = type[0];
  if (!(dv->path_or_inline = pf__strdup(where))) return PF_ENOMEM;
  dv->offset = get_i64(o, "offset", -1);
  dv->size_in_bytes = get_i64(o, "sizeInBytes", -1);
  dv->cardinality = get_i64(o, "cardinality", -1);
  return pf__delta_dv_derive(dv);
}

static pf_status parse_file(const pf__json *a, int is_add, pf__delta_file *f) {
  memset(f, 0, sizeof *f);
  f->size = get_i64(a, "size", -1);
  f->modification_time = get_i64(a, "modificationTime", 0);
  f->deletion_timestamp = is_add ? -1 : get_i64(a, "deletionTimestamp", -1);
  const pf__json *dc = pf__json_get(a, "dataChange");
  f->data_change = dc && dc->kind == PF__JSON_BOOL ? dc->boolean : 1;
  const pf__json *ef = pf__json_get(a, "extendedFileMetadata");
  f->extended_file_metadata = ef && ef->kind == PF__JSON_BOOL && ef->boolean;
  const char *path = pf__json_string(pf__json_get(a, "path"));
  if (!path) return PF_EPARSE;
  if (!(f->path = pf__strdup(path))) return PF_ENOMEM;
  const char *stats = pf__json_string(pf__json_get(a, "stats"));
  if (stats && !(f->stats = pf__strdup(stats))) return PF_ENOMEM;
  PF_TRY(parse_map(pf__json_get(a, "partitionValues"), &f->partition_values));
  PF_TRY(parse_map(pf__json_get(a, "tags"), &f->tags));
  return parse_dv(pf__json_get(a, "deletionVector"), &f->dv);
}

/* Inserts f (taken) into files/map, replacing an entry with the same key. */
static pf_status put_file(pf__delta_file **files, size_t *n, size_t *cap, pathmap *m, pf__delta_file *f) {
  int found;
  size_t h = map_find(m, *files, f, &found);
  if (found) {
    size_t i = m->slot[h] - 1;
    pf__delta_file_free(&(*files)[i]);
    (*files)[i] = *f;
    return PF_OK;
  }
  if (*n == *cap) {
    size_t nc = *cap ? *cap * 2 : 64;
    pf__delta_file *nf = realloc(*files, nc * sizeof *nf);
    if (!nf) return PF_ENOMEM;
    *files = nf;
    *cap = nc;
  }
  (*files)[*n] = *f;
  (*n)++;
  if (m->slot[h] == 0) m->used++;
  m->slot[h] = *n;
  /* rebuild before empty slots run short (deleted ones count as used) */
  if (m->used * 2 + 16 > m->cap) return map_build(m, *files, *n);
  return PF_OK;
}

/* Removes the entry with key's key (if any): swap with the last. With
 * same_dv, an entry keyed by path only goes only if its dv is key's. */
static void drop_file(pf__delta_file *files, size_t *n, pathmap *m, const pf__delta_file *key,
                      int same_dv) {
  int found;
  size_t h = map_find(m, files, key, &found);
  if (!found) return;
  size_t i = m->slot[h] - 1;
  if (same_dv) {
    const char *x = files[i].dv.unique_id, *y = key->dv.unique_id;
    if (!((!x && !y) || (x && y && !strcmp(x, y)))) return;
  }
  m->slot[h] = SIZE_MAX;
  pf__delta_file_free(&files[i]);
  size_t last = *n - 1;
  if (i != last) {
    size_t hl = map_find(m, files, &files[last], &found);
    files[i] = files[last];
    m->slot[hl] = i + 1;
  }
  (*n)--;
}

static pf_status apply_metadata(pf__delta_state *st, const pf__json *a) {
  pf__delta_metadata md;
  memset(&md, 0, sizeof md);
  md.created_time = get_i64(a, "createdTime", -1);
  pf_status s = PF_ENOMEM;
  const char *id = pf__json_string(pf__json_get(a, "id"));
  const char *schema = pf__json_string(pf__json_get(a, "schemaString"));
  const pf__json *fmt = pf__json_get(a, "format");
  const char *prov = pf__json_string(pf__json_get(fmt, "provider"));
  if (!(md.id = pf__strdup(id ? id : ""))) goto out;
  if (!(md.schema_string = pf__strdup(schema ? schema : "{\"type\":\"struct\",\"fields\":[]}"))) goto out;
  if (!(md.format_provider = pf__strdup(prov ? prov : "parquet"))) goto out;
  const char *nm = pf__json_string(pf__json_get(a, "name"));
  const char *ds = pf__json_string(pf__json_get(a, "description"));
  if (nm && !(md.name = pf__strdup(nm))) goto out;
  if (ds && !(md.description = pf__strdup(ds))) goto out;
  if (parse_map(pf__json_get(fmt, "options"), &md.format_options) != PF_OK) goto out;
  if (parse_map(pf__json_get(a, "configuration"), &md.configuration) != PF_OK) goto out;
  if (parse_strv(pf__json_get(a, "partitionColumns"), &md.partition_columns, &md.n_partition_columns) != PF_OK)
    goto out;
  s = PF_OK;
out:;
  pf__delta_metadata old = st->metadata;
  st->metadata = md;
  /* free whichever is discarded through a scratch state */
  pf__delta_state tmp;
  pf__delta_state_init(&tmp);
  tmp.metadata = s == PF_OK ? old : md;
  if (s != PF_OK) st->metadata = old;
  pf__delta_state_free(&tmp);
  return s;
}

static pf_status apply_protocol(pf__delta_state *st, const pf__json *a) {
  pf__delta_protocol p;
  memset(&p, 0, sizeof p);
  p.present = 1;
  p.min_reader_version = (int32_t)get_i64(a, "minReaderVersion", 1);
  p.min_writer_version = (int32_t)get_i64(a, "minWriterVersion", 2);
  pf_status s = parse_strv(pf__json_get(a, "readerFeatures"), &p.reader_features, &p.n_reader_features);
  if (s == PF_OK) s = parse_strv(pf__json_get(a, "writerFeatures"), &p.writer_features, &p.n_writer_features);
  pf__delta_state tmp;
  pf__delta_state_init(&tmp);
  if (s == PF_OK) {
    tmp.protocol = st->protocol;
    st->protocol = p;
  } else {
    tmp.protocol = p;
  }
  pf__delta_state_free(&tmp);
  return s;
}

static pf_status apply_txn(pf__delta_state *st, const pf__json *a) {
  const char *app = pf__json_string(pf__json_get(a, "appId"));
  if (!app) return PF_OK;
  for (size_t i = 0; i < st->n_txns; i++)
    if (!strcmp(st->txns[i].app_id, app)) {
      st->txns[i].version = get_i64(a, "version", 0);
      st->txns[i].last_updated = get_i64(a, "lastUpdated", -1);
      return PF_OK;
    }
  pf__delta_txn *nt = realloc(st->txns, (st->n_txns + 1) * sizeof *nt);
  if (!nt) return PF_ENOMEM;
  st->txns = nt;
  nt[st->n_txns].app_id = pf__strdup(app);
  if (!nt[st->n_txns].app_id) return PF_ENOMEM;
  nt[st->n_txns].version = get_i64(a, "version", 0);
  nt[st->n_txns].last_updated = get_i64(a, "lastUpdated", -1);
  st->n_txns++;
  return PF_OK;
}

/* One action (a parsed line). */
static pf_status apply_action(replay *r, const pf__json *j) {
  pf__delta_state *st = r->st;
  const pf__json *a;
  pf__delta_file f;
  pf_status rc = PF_OK;
  if ((a = pf__json_get(j, "add")) != NULL) {
    rc = parse_file(a, 1, &f);
    if (rc == PF_OK && !f.path[0]) rc = PF_EPARSE;
    if (rc == PF_OK) {
      drop_file(st->removes, &st->n_removes, &r->removes, &f, 0);
      rc = put_file(&st->adds, &st->n_adds, &r->cap_adds, &r->adds, &f);
    }
    if (rc != PF_OK) pf__delta_file_free(&f);
  } else if ((a = pf__json_get(j, "remove")) != NULL) {
    rc = parse_file(a, 0, &f);
    if (rc == PF_OK && !f.path[0]) rc = PF_EPARSE;
    if (rc == PF_OK) {
      if (f.data_change) r->changed |= 2;
      drop_file(st->adds, &st->n_adds, &r->adds, &f, 1);
      rc = put_file(&st->removes, &st->n_removes, &r->cap_removes, &r->removes, &f);
    }
    if (rc != PF_OK) pf__delta_file_free(&f);
  } else if ((a = pf__json_get(j, "metaData")) != NULL) {
    r->changed |= 1;
    rc = apply_metadata(st, a);
  } else if ((a = pf__json_get(j, "protocol")) != NULL) {
    r->changed |= 1;
    rc = apply_protocol(st, a);
  } else if ((a = pf__json_get(j, "txn")) != NULL) {
    rc = apply_txn(st, a);
  } /* commitInfo, cdc, domainMetadata, ...: no state we keep */
  return rc;
}

/* 1 when line text[s..end) is an add action: {"add": ... */
static int add_line(const char *text, size_t s, size_t end) {
  size_t k = s + 1;
  while (k < end && (text[k] == ' ' || text[k] == '\t')) k++;
  return end - k >= 5 && memcmp(text + k, "\"add\"", 5) == 0;
}

/* Applies one commit's newline-delimited actions in two phases: every
 * line but the adds, then the adds, so the commit's removes go first
 * (each line is parsed once; an add whose key is written with escapes is
 * not told by add_line and applies in the first phase). */
static pf_status apply_text(replay *r, const char *text, size_t n, const char *what, pf_error *err) {
  for (int phase = 0; phase < 2; phase++) {
    size_t pos = 0, line = 0;
    while (pos < n) {
      const char *nl = memchr(text + pos, '\n', n - pos);
      size_t end = nl ? (size_t)(nl - text) : n;
      line++;
      size_t s = pos;
      pos = end + 1;
      while (s < end && (text[s] == ' ' || text[s] == '\r' || text[s] == '\t')) s++;
      if (s == end || add_line(text, s, end) != phase) continue;
      pf__json *j = NULL;
      pf_status rc = pf__json_parse(text + s, end - s, NULL, &j, err);
      if (rc != PF_OK) {
        pf__error_file(err, what);
        pf__error_place(err, -1, (int64_t)line, -1, -1);
        char why[sizeof err->message]; /* not formatted into itself */
        snprintf(why, sizeof why, "%s", err ? err->message : "");
        return pf__error_set(err, rc, "%s line %zu is not a valid action: %s", what, line, why);
      }
      rc = apply_action(r, j);
      pf__json_free(j);
      if (rc == PF_EPARSE) {
        pf__error_file(err, what);
        pf__error_place(err, -1, (int64_t)line, -1, -1);
        return pf__error_set(err, rc, "%s line %zu: an add or remove action without a path, or "
                             "with a deletionVector that is not valid", what, line);
      }
      if (rc != PF_OK) return pf__error_set(err, rc, "out of memory replaying %s", what);
    }
  }
  return PF_OK;
}

pf_status pf__delta_log_apply(pf__delta_state *st, const char *text, size_t n, const char *what, int *changed,
                              pf_error *err) {
  replay r;
  pf_status s = replay_init(&r, st);
  if (s == PF_OK) s = apply_text(&r, text, n, what, err);
  else pf__error_set(err, s, "out of memory");
  if (changed) *changed = r.changed;
  replay_free(&r);
  return s;
}

/* Applies commits st->version+1, ... while they exist. */
static pf_status replay_forward(const char *dir, replay *r, int64_t *n_applied, pf_error *err) {
  *n_applied = 0;
  for (;;) {
    int64_t v = r->st->version + 1;
    char *path = pf__delta_log_path(dir, v, ".json");
    if (!path) return pf__error_set(err, PF_ENOMEM, "out of memory");
    char *text;
    size_t n;
    pf_status s = pf__delta_read_file(path, COMMIT_MAX_BYTES, &text, &n, err);
    if (s == PF_ENOTFOUND) {
      free(path);
      return PF_OK;
    }
    if (s == PF_OK) {
      s = apply_text(r, text, n, path, err);
      free(text);
    }
    free(path);
    if (s != PF_OK) return s;
    r->st->version = v;
    (*n_applied)++;
  }
}

pf_status pf__delta_log_update(const char *dir, pf__delta_state *st, int *changed, int64_t *n_applied,
                               pf_error *err) {
  replay r;
  pf_status s = replay_init(&r, st);
  if (s != PF_OK) return pf__error_set(err, s, "out of memory");
  int64_t k = 0;
  s = replay_forward(dir, &r, &k, err);
  if (changed) *changed = r.changed;
  if (n_applied) *n_applied = k;
  replay_free(&r);
  return s;
}

/* ---- listing ---- */
typedef struct listing {
  int64_t max_commit;      /* -1: none                                    */
  int64_t min_commit;
  int64_t max_ckpt;        /* newest single-file checkpoint, -1: none      */
  int has_log;
} listing;

static int parse_ver(const char *name, const char *suffix, int64_t *v) {
  size_t k = strlen(name), sl = strlen(suffix);
  if (k != 20 + sl || strcmp(name + 20, suffix) != 0) return 0;
  int64_t x = 0;
  for (int i = 0; i < 20; i++) {
    if (name[i] < '0' || name[i] > '9') return 0;
    if (x > (INT64_MAX - 9) / 10) return 0;
    x = x * 10 + (name[i] - '0');
  }
  *v = x;
  return 1;
}

static pf_status list_log(const char *dir, listing *l, pf_error *err) {
  l->max_commit = l->max_ckpt = -1;
  l->min_commit = INT64_MAX;
  l->has_log = 0;
  char *p = pf__aprintf("%s/_delta_log", dir);
  if (!p) return pf__error_set(err, PF_ENOMEM, "out of memory");
  DIR *d = opendir(p);
  if (!d) {
    pf_status s = PF_OK;
    if (errno != ENOENT && errno != ENOTDIR) {
      pf__error_file(err, p);
      s = pf__error_set(err, PF_EINPUT, "cannot list %s: %s", p, strerror(errno));
    }
    free(p);
    return s;
  }
  free(p);
  l->has_log = 1;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    int64_t v;
    if (parse_ver(e->d_name, ".json", &v)) {
      if (v > l->max_commit) l->max_commit = v;
      if (v < l->min_commit) l->min_commit = v;
    } else if (parse_ver(e->d_name, ".checkpoint.parquet", &v)) {
      if (v > l->max_ckpt) l->max_ckpt = v;
    }
  }
  closedir(d);
  return PF_OK;
}

pf_status pf__delta_log_latest(const char *dir, int64_t *latest, pf_error *err) {
  listing l;
  PF_TRY(list_log(dir, &l, err));
  *latest = l.max_commit;
  return PF_OK;
}

/* The checkpoint version _last_checkpoint names, -1 when absent/unusable. */
static int64_t last_checkpoint(const char *dir) {
  char *p = pf__aprintf("%s/_delta_log/_last_checkpoint", dir);
  if (!p) return -1;
  char *text;
  size_t n;
  int64_t v = -1;
  if (pf__delta_read_file(p, 1 << 20, &text, &n, NULL) == PF_OK) {
    pf__json *j;
    if (pf__json_parse(text, n, NULL, &j, NULL) == PF_OK) {
      if (!pf__json_get(j, "parts")) v = get_i64(j, "version", -1);
      pf__json_free(j);
    }
    free(text);
  }
  free(p);
  return v;
}

static int file_exists(const char *path) {
  struct stat sb;
  return stat(path, &sb) == 0;
}

pf_status pf__delta_log_read(const char *dir, pf__delta_state *st, const pf__log *log, pf_error *err) {
  pf__delta_state_init(st);
  listing l;
  PF_TRY(list_log(dir, &l, err));
  if (!l.has_log || (l.max_commit < 0 && l.max_ckpt < 0)) return PF_OK;

  int64_t ck = last_checkpoint(dir);
  char *ckpath = NULL;
  if (ck >= 0) {
    ckpath = pf__delta_log_path(dir, ck, ".checkpoint.parquet");
    if (ckpath && !file_exists(ckpath)) {
      free(ckpath);
      ckpath = NULL;
      ck = -1;
    }
  }
  /* _last_checkpoint is a hint: a newer checkpoint in the listing wins
   * (the hint may be stale, or name one that is gone) */
  if (l.max_ckpt > ck) {
    free(ckpath);
    ck = l.max_ckpt;
    ckpath = pf__delta_log_path(dir, ck, ".checkpoint.parquet");
  }
  if (ck >= 0 && !ckpath) return pf__error_set(err, PF_ENOMEM, "out of memory");
  pf_status s;
  if (ck >= 0) {
    pf_error cerr;
    pf_error_init(&cerr);
    s = pf__delta_checkpoint_read(ckpath, st, &cerr);
    if (s == PF_OK) {
      st->version = ck;
    } else {
      pf__delta_state_free(st);
      pf__delta_state_init(st);
      if (l.min_commit != 0) {
        pf__error_copy(err, &cerr);
        pf__error_file(err, ckpath);
        s = pf__error_set(err, s, "cannot read the checkpoint %s (%s) and the log's JSON commits do not go back to "
                          "version 0, so the table's state cannot be rebuilt",
                          ckpath, cerr.message);
        free(ckpath);
        return s;
      }
      pf__log_msg(log, PF_LOG_WARN, "cannot read checkpoint %s (%s); replaying the JSON commits from version 0",
                  ckpath, cerr.message);
    }
  } else if (l.min_commit != 0) {
    return pf__error_set(err, PF_EPARSE, "the Delta log of %s has no checkpoint and its first commit is version %lld, "
                         "not 0: the table's state cannot be rebuilt", dir, (long long)l.min_commit);
  }
  free(ckpath);

  replay r;
  s = replay_init(&r, st);
  if (s != PF_OK) return pf__error_set(err, s, "out of memory");
  int64_t k;
  s = replay_forward(dir, &r, &k, err);
  replay_free(&r);
  if (s != PF_OK) return s;
  if (st->version < l.max_commit)
    return pf__error_set(err, PF_EPARSE, "the Delta log of %s is missing commit %lld (commits go up to %lld)", dir,
                         (long long)st->version + 1, (long long)l.max_commit);
  if (st->version >= 0 && !st->protocol.present)
    return pf__error_set(err, PF_EPARSE,
                         "the Delta log of %s has no protocol action up to version %lld: a broken table (every "
                         "table's first commit or checkpoint holds one); it cannot be read safely",
                         dir, (long long)st->version);
  if (st->version >= 0 && !st->metadata.schema_string)
    return pf__error_set(err, PF_EPARSE, "the Delta log of %s has no metaData action up to version %lld", dir,
                         (long long)st->version);
  return PF_OK;
}

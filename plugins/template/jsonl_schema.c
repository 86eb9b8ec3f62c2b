/* jsonl_schema.c - the paths met in the records and the columns they
 * give: a tree of keys (hashed by parent and key), the type of each column
 * widened by the engine's rules (host->infer_*), and the schema with the
 * engine's names (host->path_name, host->names_unique). */
#include <stdlib.h>
#include <string.h>

#include "jsonl.h"

static uint32_t key_hash(int32_t parent, const char *k, size_t n) {
  uint32_t h = 2166136261u ^ (uint32_t)parent;
  for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)k[i]) * 16777619u;
  return h;
}

pf_status jl_tree_init(jl_tree *t, size_t max_nodes) {
  memset(t, 0, sizeof *t);
  t->max_nodes = max_nodes;
  t->n_slots = 1024;
  t->slots = malloc(t->n_slots * sizeof *t->slots);
  t->nodes = calloc(64, sizeof *t->nodes);
  if (!t->slots || !t->nodes) return PF_ENOMEM;
  memset(t->slots, 0xff, t->n_slots * sizeof *t->slots); /* -1: empty */
  t->cap_nodes = 64;
  t->nodes[0] = (jl_node){.parent = -1, .key = NULL, .col = -1};
  t->n_nodes = 1;
  return PF_OK;
}

void jl_tree_free(jl_tree *t) {
  for (size_t i = 0; i < t->n_nodes; i++) free(t->nodes[i].key);
  free(t->nodes);
  free(t->slots);
  free(t->cols);
  memset(t, 0, sizeof *t);
}

int32_t jl_tree_find(const jl_tree *t, int32_t parent, const char *key, size_t n) {
  uint32_t h = key_hash(parent, key, n);
  for (size_t i = h & (t->n_slots - 1);; i = (i + 1) & (t->n_slots - 1)) {
    int32_t s = t->slots[i];
    if (s < 0) return -1;
    const jl_node *nd = &t->nodes[s];
    if (nd->hash == h && nd->parent == parent && nd->key_len == n && memcmp(nd->key, key, n) == 0)
      return s;
  }
}

static void slot_put(jl_tree *t, int32_t id) {
  size_t i = t->nodes[id].hash & (t->n_slots - 1);
  while (t->slots[i] >= 0) i = (i + 1) & (t->n_slots - 1);
  t->slots[i] = id;
}

int32_t jl_tree_add(jl_tree *t, int32_t parent, const char *key, size_t n) {
  int32_t found = jl_tree_find(t, parent, key, n);
  if (found >= 0) return found;
  if (t->n_nodes >= t->max_nodes || n > UINT32_MAX) return -1;
  if (t->n_nodes == t->cap_nodes) {
    jl_node *nn = realloc(t->nodes, t->cap_nodes * 2 * sizeof *nn);
    if (!nn) return -1;
    t->nodes = nn;
    t->cap_nodes *= 2;
  }
  if ((t->n_nodes + 1) * 2 > t->n_slots) { /* keep the table at most half full */
    int32_t *ns = malloc(t->n_slots * 2 * sizeof *ns);
    if (!ns) return -1;
    free(t->slots);
    t->slots = ns;
    t->n_slots *= 2;
    memset(t->slots, 0xff, t->n_slots * sizeof *t->slots);
    for (size_t i = 1; i < t->n_nodes; i++) slot_put(t, (int32_t)i);
  }
  char *k = malloc(n ? n : 1);
  if (!k) return -1;
  memcpy(k, key, n);
  int32_t id = (int32_t)t->n_nodes++;
  t->nodes[id] = (jl_node){.parent = parent, .key = k, .key_len = (uint32_t)n,
                           .hash = key_hash(parent, key, n), .col = -1};
  slot_put(t, id);
  return id;
}

pf_type jl_value_type(const pf_infer *inf, const jl_cell *c, int *big) {
  *big = 0;
  switch ((jl_kind)c->kind) {
    case JL_NULL: return PF_TYPE_NULL;
    case JL_BOOL: return PF_TYPE_BOOL;
    case JL_NUM: return jl_host->infer_value(inf, c->p, c->n, big);
    case JL_STR: {
      /* a string stays a string unless it is a date or a timestamp: "42"
       * and "true" in quotes are text in JSON */
      pf_type t = jl_host->infer_value(inf, c->p, c->n, NULL);
      return t == PF_TYPE_DATE || t == PF_TYPE_TIMESTAMP || t == PF_TYPE_TIMESTAMP_UTC ? t
                                                                                        : PF_TYPE_STRING;
    }
    case JL_RAW: return PF_TYPE_STRING;
  }
  return PF_TYPE_STRING;
}

int jl_value_fits(const pf_infer *inf, pf_type t, const jl_cell *c) {
  pf_value v;
  switch (t) {
    case PF_TYPE_STRING: return 1;
    case PF_TYPE_BOOL: return c->kind == JL_BOOL || c->kind == JL_NULL;
    case PF_TYPE_INT64:
    case PF_TYPE_DOUBLE:
      return c->kind == JL_NULL || (c->kind == JL_NUM && jl_host->infer_parse(inf, t, c->p, c->n, &v));
    case PF_TYPE_DATE:
    case PF_TYPE_TIMESTAMP:
    case PF_TYPE_TIMESTAMP_UTC:
      return c->kind == JL_NULL || (c->kind == JL_STR && jl_host->infer_parse(inf, t, c->p, c->n, &v));
    default: return c->kind == JL_NULL;
  }
}

static pf_status add_col(jl_tree *t, int32_t node) {
  if (t->n_cols == t->cap_cols) {
    size_t cap = t->cap_cols ? t->cap_cols * 2 : 32;
    jl_col *nc = realloc(t->cols, cap * sizeof *nc);
    if (!nc) return PF_ENOMEM;
    t->cols = nc;
    t->cap_cols = cap;
  }
  t->cols[t->n_cols] = (jl_col){.node = node, .type = PF_TYPE_NULL};
  t->nodes[node].col = (int32_t)t->n_cols++;
  return PF_OK;
}

pf_status jl_tree_fold(jl_tree *t, const pf_infer *inf, const jl_line *l, jl_note_fn note,
                       void *user) {
  for (size_t i = 0; i < l->n_cells; i++) {
    const jl_cell *c = &l->cells[i];
    int fresh = t->nodes[c->node].col < 0;
    if (fresh && add_col(t, c->node) != PF_OK) return PF_ENOMEM;
    jl_col *col = &t->cols[t->nodes[c->node].col];
    int big;
    pf_type vt = jl_value_type(inf, c, &big);
    pf_type nt = jl_host->infer_widen(col->type, col->big, vt, big);
    if (note && fresh) note(user, (size_t)t->nodes[c->node].col, PF_TYPE_COUNT_, nt, c);
    else if (note && nt != col->type && col->type != PF_TYPE_NULL)
      note(user, (size_t)t->nodes[c->node].col, col->type, nt, c);
    col->type = nt;
    col->big |= big;
  }
  return PF_OK;
}

/* The column's name: its path's keys joined, "._VALUE" when the key also
 * holds objects (the engine's rule, shared with the XML reader). */
static char *col_name(const jl_tree *t, const jl_col *col) {
  const char *seg[128];
  size_t len[128], n = 0;
  for (int32_t x = col->node; x > 0 && n < 128; x = t->nodes[x].parent) n++;
  size_t k = n;
  for (int32_t x = col->node; x > 0 && k > 0; x = t->nodes[x].parent) {
    k--;
    seg[k] = t->nodes[x].key;
    len[k] = t->nodes[x].key_len;
  }
  int value_of_parent = t->nodes[col->node].has_object;
  size_t want = jl_host->path_name(NULL, 0, seg, len, n, value_of_parent, NULL, NULL);
  char *name = malloc(want + 1);
  if (name) jl_host->path_name(name, want + 1, seg, len, n, value_of_parent, NULL, NULL);
  return name;
}

pf_status jl_tree_schema(const jl_tree *t, int all_strings, char *const *notes, pf_schema **out,
                         pf_error *err) {
  *out = NULL;
  size_t n = t->n_cols;
  char **raw = calloc(n ? n : 1, sizeof *raw);
  char **names = NULL;
  pf_schema *s = jl_host->schema_new(n);
  pf_status st = raw && s ? PF_OK : PF_ENOMEM;
  for (size_t i = 0; st == PF_OK && i < n; i++)
    if (!(raw[i] = col_name(t, &t->cols[i]))) st = PF_ENOMEM;
  if (st == PF_OK) st = jl_host->names_unique((const char *const *)raw, NULL, n, &names);
  for (size_t i = 0; st == PF_OK && i < n; i++) {
    pf_type ty = t->cols[i].type;
    if (all_strings || ty == PF_TYPE_NULL) ty = PF_TYPE_STRING; /* only nulls seen: text */
    st = jl_host->schema_set(s, i, names[i], ty, 1);
    if (st == PF_OK && notes && notes[i]) st = jl_host->schema_note(s, i, notes[i]);
  }
  if (names) jl_host->names_free(names, n);
  for (size_t i = 0; raw && i < n; i++) free(raw[i]);
  free(raw);
  if (st != PF_OK) {
    jl_host->schema_free(s);
    return jl_host->error_set(err, st, "out of memory");
  }
  *out = s;
  return PF_OK;
}

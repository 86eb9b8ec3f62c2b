/* xml_tree.c - path trees for the XML reader: each node is an element or
 * attribute path, found by (parent, kind, name) through an open-addressing
 * hash table, so an element costs one hash and usually one comparison.
 * Names live in one arena; nodes are never removed. */
#include <stdlib.h>
#include <string.h>

#include "readers/xml/xml_internal.h"

void pf__xml_tree_init(pf__xml_tree *t, uint32_t max_nodes) {
  memset(t, 0, sizeof *t);
  pf__buf_init(&t->names, 0);
  t->max_nodes = max_nodes;
}

void pf__xml_tree_free(pf__xml_tree *t) {
  free(t->nodes);
  free(t->slots);
  pf__buf_free(&t->names);
  memset(t, 0, sizeof *t);
}

static uint64_t hash_key(uint32_t parent, int kind, const char *s, size_t n) {
  uint64_t h = 0x9E3779B97F4A7C15ull ^ ((uint64_t)parent * 0xff51afd7ed558ccdull) ^ (uint64_t)kind;
  for (size_t i = 0; i < n; i++) h = (h ^ (uint8_t)s[i]) * 0x100000001b3ull;
  h ^= h >> 29;
  h *= 0xbf58476d1ce4e5b9ull;
  return h ^ (h >> 32);
}

static int node_is(const pf__xml_tree *t, const pf__xml_node *nd, uint32_t parent, int kind,
                   const char *s, size_t n) {
  return nd->parent == parent && nd->kind == kind && nd->name_len == n &&
         memcmp(t->names.data + nd->name_off, s, n) == 0;
}

static pf_status grow_slots(pf__xml_tree *t) {
  uint32_t ns = t->n_slots ? t->n_slots * 2 : 256;
  uint32_t *slots = calloc(ns, sizeof *slots);
  if (!slots) return PF_ENOMEM;
  for (uint32_t i = 0; i < t->n; i++) {
    const pf__xml_node *nd = &t->nodes[i];
    uint64_t h = hash_key(nd->parent, nd->kind, (const char *)t->names.data + nd->name_off,
                          nd->name_len);
    uint32_t j = (uint32_t)h & (ns - 1);
    while (slots[j]) j = (j + 1) & (ns - 1);
    slots[j] = i + 1;
  }
  free(t->slots);
  t->slots = slots;
  t->n_slots = ns;
  return PF_OK;
}

static pf_status add_name(pf__xml_tree *t, const char *s, size_t n, uint32_t *off) {
  if (t->names.len + n + 1 > UINT32_MAX) return PF_ELIMIT;
  *off = (uint32_t)t->names.len;
  PF_TRY(pf__buf_append(&t->names, s, n));
  return pf__buf_putc(&t->names, 0);
}

pf_status pf__xml_tree_get(pf__xml_tree *t, uint32_t parent, int kind, const char *name,
                           size_t len, const char *local, size_t local_len, const char *qname,
                           size_t qname_len, int create, uint32_t *idx) {
  *idx = PF__XML_NONE;
  /* Documents repeat their structure: the child wanted is usually the one
   * found last under this parent, or the sibling created after it. */
  if (parent != PF__XML_NONE) {
    uint32_t h = t->nodes[parent].hint;
    for (int k = 0; k < 2 && h != PF__XML_NONE; k++, h = t->nodes[h].next_sibling)
      if (node_is(t, &t->nodes[h], parent, kind, name, len)) {
        t->nodes[parent].hint = h;
        *idx = h;
        return PF_OK;
      }
  }
  if (t->n_slots) {
    uint64_t h = hash_key(parent, kind, name, len);
    uint32_t j = (uint32_t)h & (t->n_slots - 1);
    for (; t->slots[j]; j = (j + 1) & (t->n_slots - 1)) {
      uint32_t i = t->slots[j] - 1;
      if (node_is(t, &t->nodes[i], parent, kind, name, len)) {
        if (parent != PF__XML_NONE) t->nodes[parent].hint = i;
        *idx = i;
        return PF_OK;
      }
    }
  }
  if (!create) return PF_OK;
  if (t->n >= t->max_nodes) return PF_ELIMIT;
  if (len > UINT32_MAX / 2) return PF_ELIMIT;
  if ((uint64_t)(t->n + 1) * 2 > t->n_slots) PF_TRY(grow_slots(t));
  if (t->n == t->cap) {
    uint32_t nc = t->cap ? t->cap * 2 : 64;
    pf__xml_node *nn = realloc(t->nodes, (size_t)nc * sizeof *nn);
    if (!nn) return PF_ENOMEM;
    t->nodes = nn;
    t->cap = nc;
  }
  pf__xml_node nd;
  memset(&nd, 0, sizeof nd);
  nd.parent = parent;
  nd.kind = (uint8_t)kind;
  nd.first_child = nd.last_child = nd.next_sibling = PF__XML_NONE;
  nd.rel = PF__XML_NONE;
  nd.hint = PF__XML_NONE;
  nd.col = -1;
  nd.seq = UINT64_MAX;
  nd.depth = (uint16_t)(parent == PF__XML_NONE ? 1 : t->nodes[parent].depth + 1);
  pf__infer_col_init(&nd.inf);
  PF_TRY(add_name(t, name, len, &nd.name_off));
  nd.name_len = (uint32_t)len;
  PF_TRY(add_name(t, local, local_len, &nd.local_off));
  nd.local_len = (uint32_t)local_len;
  PF_TRY(add_name(t, qname, qname_len, &nd.qname_off));
  nd.qname_len = (uint32_t)qname_len;
  uint32_t i = t->n++;
  t->nodes[i] = nd;
  if (parent != PF__XML_NONE) {
    pf__xml_node *p = &t->nodes[parent];
    if (p->last_child == PF__XML_NONE) p->first_child = i;
    else t->nodes[p->last_child].next_sibling = i;
    p->last_child = i;
    p->hint = i;
  }
  uint64_t h = hash_key(parent, kind, name, len);
  uint32_t j = (uint32_t)h & (t->n_slots - 1);
  while (t->slots[j]) j = (j + 1) & (t->n_slots - 1);
  t->slots[j] = i + 1;
  *idx = i;
  return PF_OK;
}

void pf__xml_tree_sample(pf__xml_tree *t, pf__xml_node *n, const char *s, size_t len) {
  if (n->sample_len || len == 0) return;
  size_t k = len < PF__XML_SAMPLE ? len : PF__XML_SAMPLE;
  /* do not cut a UTF-8 sequence */
  while (k < len && k > 0 && ((uint8_t)s[k] & 0xC0) == 0x80) k--;
  uint32_t off;
  if (add_name(t, s, k, &off) != PF_OK) return; /* a sample is optional */
  n->sample_off = off;
  n->sample_len = (uint32_t)k;
}

pf_status pf__xml_tree_path(const pf__xml_tree *t, uint32_t idx, pf__buf *out) {
  uint32_t chain[PF__XML_MAX_DEPTH + 2];
  size_t n = 0;
  for (uint32_t i = idx; i != PF__XML_NONE && n < sizeof chain / sizeof *chain;
       i = t->nodes[i].parent)
    chain[n++] = i;
  while (n > 0) {
    const pf__xml_node *nd = &t->nodes[chain[--n]];
    PF_TRY(pf__buf_puts(out, nd->kind == PF__XML_ATTR ? "/@" : "/"));
    PF_TRY(pf__buf_append(out, t->names.data + nd->qname_off, nd->qname_len));
  }
  return PF_OK;
}

/* xml_plan.c - what the discovery pass found becomes a plan: the record
 * element (given, or detected by the rule in docs/xml.md), the relative
 * path tree below it, the exploded path, and the columns with their names
 * and types, in order of first appearance.
 *
 * Detection rule. Candidates are element paths below the root that repeat
 * under one parent instance (and, in a file of several documents, root
 * elements that more than one document has). The best is the one with child
 * elements (else with attributes, else any), then not a root, then the
 * shallowest, then the most frequent,
 * then the one with the most distinct child paths, then the first seen.
 * With no candidate, each document's root element is one row.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "readers/xml/xml_internal.h"

const char *pf__xml_arrays_name(pf_xml_arrays a) {
  switch (a) {
  case PF_XML_ARRAYS_EXPLODE: return "explode";
  case PF_XML_ARRAYS_JSON: return "json";
  default: return "join";
  }
}

const char *pf__xml_ns_name(pf_xml_namespaces n) {
  switch (n) {
  case PF_XML_NS_STRIP: return "strip";
  case PF_XML_NS_PRESERVE: return "preserve";
  default: return "prefix";
  }
}

static int eq(const char *a, size_t an, const char *b) {
  return strlen(b) == an && memcmp(a, b, an) == 0;
}

static int tier(const pf__xml_node *n) { return n->has_elems ? 2 : n->has_attrs ? 1 : 0; }

static uint32_t n_children(const pf__xml_tree *t, const pf__xml_node *n) {
  uint32_t k = 0;
  for (uint32_t c = n->first_child; c != PF__XML_NONE; c = t->nodes[c].next_sibling) k++;
  return k;
}

/* 1 when a is a better row element than b. */
static int better(const pf__xml_tree *t, const pf__xml_node *a, const pf__xml_node *b) {
  if (tier(a) != tier(b)) return tier(a) > tier(b);
  int ra = a->parent == PF__XML_NONE, rb = b->parent == PF__XML_NONE;
  if (ra != rb) return rb; /* a document's root only when nothing inside repeats */
  if (a->depth != b->depth) return a->depth < b->depth;
  if (a->occ != b->occ) return a->occ > b->occ;
  uint32_t ca = n_children(t, a), cb = n_children(t, b);
  if (ca != cb) return ca > cb;
  return 0; /* earlier wins: callers scan in creation order */
}

/* Marks the outermost elements matching as record roots; returns records. */
static int64_t mark_records(pf__xml_reader *r, const char *tag, int any_form) {
  pf__xml_tree *t = &r->abs;
  uint8_t *inside = calloc(t->n ? t->n : 1, 1);
  if (!inside) return -1;
  int64_t records = 0;
  for (uint32_t i = 0; i < t->n; i++) {
    pf__xml_node *n = &t->nodes[i];
    if (n->kind != PF__XML_ELEM) continue;
    int up = n->parent != PF__XML_NONE && inside[n->parent];
    int match = eq(pf__xml_name(t, n), n->name_len, tag) ||
                (any_form && (eq((const char *)t->names.data + n->qname_off, n->qname_len, tag) ||
                              eq((const char *)t->names.data + n->local_off, n->local_len, tag)));
    n->rec_root = match && !up;
    if (n->rec_root) records += (int64_t)n->occ;
    inside[i] = (uint8_t)(up || match);
  }
  free(inside);
  return records;
}

static pf_status candidates_text(pf__xml_reader *r, pf__buf *b) {
  int k = 0;
  for (uint32_t i = 0; i < r->abs.n && k < 6; i++) {
    const pf__xml_node *n = &r->abs.nodes[i];
    if (n->kind != PF__XML_ELEM || !n->repeated || (n->depth < 2 && r->docs_total < 2)) continue;
    PF_TRY(pf__buf_printf(b, "%s%s (%llu)", k ? ", " : "", pf__xml_name(&r->abs, n),
                          (unsigned long long)n->occ));
    k++;
  }
  if (k == 0) PF_TRY(pf__buf_puts(b, "none"));
  return PF_OK;
}

static pf_status choose_records(pf__xml_reader *r, pf_error *err) {
  pf__xml_tree *t = &r->abs;
  const char *given = r->opts->xml.row_tag;
  if (given && *given) {
    r->records = mark_records(r, given, 1);
    if (r->records < 0) return PF_ENOMEM;
    if (r->records == 0) {
      pf__buf b;
      pf__buf_init(&b, 4096);
      candidates_text(r, &b);
      pf__error_file(err, r->env->path);
      pf__error_set(err, PF_EINVAL,
                    "the row tag '%s' does not occur in the file; elements that repeat: %s",
                    given, b.data ? (char *)b.data : "none");
      pf__buf_free(&b);
      return PF_EINVAL;
    }
    for (uint32_t i = 0; i < t->n; i++)
      if (t->nodes[i].rec_root) {
        r->row_tag = pf__strdup(pf__xml_name(t, &t->nodes[i]));
        break;
      }
    r->row_tag_reason = pf__aprintf("given (--row-tag %s)", given);
    return r->row_tag && r->row_tag_reason ? PF_OK : PF_ENOMEM;
  }
  r->row_tag_detected = 1;
  uint32_t best = PF__XML_NONE;
  for (uint32_t i = 0; i < t->n; i++) {
    const pf__xml_node *n = &t->nodes[i];
    if (n->kind != PF__XML_ELEM || !n->repeated || (n->depth < 2 && r->docs_total < 2)) continue;
    if (best == PF__XML_NONE || better(t, n, &t->nodes[best])) best = i;
  }
  if (best == PF__XML_NONE) {
    /* no repeating element: each document's root is a row */
    r->no_repeat = 1;
    r->records = 0;
    for (uint32_t i = 0; i < t->n; i++) {
      pf__xml_node *n = &t->nodes[i];
      n->rec_root = n->kind == PF__XML_ELEM && n->parent == PF__XML_NONE;
      if (n->rec_root) {
        r->records += (int64_t)n->occ;
        if (!r->row_tag) r->row_tag = pf__strdup(pf__xml_name(t, n));
      }
    }
    if (!r->row_tag) return PF_ENOMEM;
    r->row_tag_reason = pf__aprintf(
        "no element repeats under one parent, so each document's root element <%s> is one "
        "row; give --row-tag to choose another element", r->row_tag);
    pf__log_msg(r->env->log, PF_LOG_WARN, "%s: %s", r->env->path, r->row_tag_reason);
    return r->row_tag_reason ? PF_OK : PF_ENOMEM;
  }
  const pf__xml_node *bn = &t->nodes[best];
  r->row_tag = pf__strdup(pf__xml_name(t, bn));
  if (!r->row_tag) return PF_ENOMEM;
  r->records = mark_records(r, r->row_tag, 0);
  if (r->records < 0) return PF_ENOMEM;
  pf__buf path;
  pf__buf_init(&path, 0);
  pf__xml_tree_path(t, bn->parent, &path);
  static const char *const why[] = {
      "the shallowest repeating element (no repeating element has children or attributes)",
      "the shallowest repeating element with attributes (none has child elements)",
      "the shallowest repeating element with child elements"};
  if (bn->parent == PF__XML_NONE)
    r->row_tag_reason = pf__aprintf(
        "<%s> is the root of %llu of the file's documents and no element inside them repeats "
        "with as much structure: one row per document", r->row_tag, (unsigned long long)bn->occ);
  else
    r->row_tag_reason = pf__aprintf("<%s> repeats under %s (%llu times, %u child paths): %s",
                                    r->row_tag, path.data ? (char *)path.data : "/",
                                    (unsigned long long)bn->occ, n_children(t, bn), why[tier(bn)]);
  pf__buf_free(&path);
  return r->row_tag_reason ? PF_OK : PF_ENOMEM;
}

static void merge(pf__xml_reader *r, pf__xml_node *d, const pf__xml_node *s) {
  d->occ += s->occ;
  d->parents_with += s->parents_with;
  d->repeated |= s->repeated;
  d->has_elems |= s->has_elems;
  d->has_attrs |= s->has_attrs;
  d->leaf_seen |= s->leaf_seen;
  d->text_seen |= s->text_seen;
  if (s->seq < d->seq) d->seq = s->seq;
  if (s->inf.values > 0) {
    if (d->inf.values == 0) {
      d->inf = s->inf;
    } else {
      d->inf.type = pf__infer_widen(d->inf.type, d->inf.big, s->inf.type, s->inf.big);
      d->inf.big |= s->inf.big;
      d->inf.values += s->inf.values;
    }
  }
  if (!d->sample_len && s->sample_len)
    pf__xml_tree_sample(&r->rel, d, (const char *)r->abs.names.data + s->sample_off,
                        s->sample_len);
}

static pf_status build_relative(pf__xml_reader *r) {
  pf__xml_tree *a = &r->abs, *t = &r->rel;
  uint32_t root;
  size_t tl = strlen(r->row_tag);
  PF_TRY(pf__xml_tree_get(t, PF__XML_NONE, PF__XML_ELEM, r->row_tag, tl, r->row_tag, tl,
                          r->row_tag, tl, 1, &root));
  for (uint32_t i = 0; i < a->n; i++) {
    pf__xml_node *n = &a->nodes[i];
    uint32_t rel = PF__XML_NONE;
    if (n->rec_root) {
      rel = root;
    } else if (n->parent != PF__XML_NONE && a->nodes[n->parent].rel != PF__XML_NONE) {
      PF_TRY(pf__xml_tree_get(t, a->nodes[n->parent].rel, n->kind, pf__xml_name(a, n),
                              n->name_len, (const char *)a->names.data + n->local_off,
                              n->local_len, (const char *)a->names.data + n->qname_off,
                              n->qname_len, 1, &rel));
    }
    n->rel = rel;
    if (rel != PF__XML_NONE) merge(r, &t->nodes[rel], n);
  }
  return PF_OK;
}

static void choose_explode(pf__xml_reader *r) {
  pf__xml_tree *t = &r->rel;
  r->e_rel = PF__XML_NONE;
  if (r->arrays == PF_XML_ARRAYS_EXPLODE) {
    for (uint32_t i = 1; i < t->n; i++) {
      const pf__xml_node *n = &t->nodes[i];
      if (n->kind != PF__XML_ELEM || !n->repeated) continue;
      /* like the row tag: richest tier, then shallowest, then first seen */
      const pf__xml_node *b = r->e_rel == PF__XML_NONE ? NULL : &t->nodes[r->e_rel];
      if (!b || tier(n) > tier(b) || (tier(n) == tier(b) && n->depth < b->depth)) r->e_rel = i;
    }
  }
  for (uint32_t i = 0; i < t->n; i++) {
    pf__xml_node *n = &t->nodes[i];
    n->is_e = i == r->e_rel;
    n->under_e = n->is_e || (n->parent != PF__XML_NONE && t->nodes[n->parent].under_e);
  }
  /* a slot holds several values per cell when an element on its path
   * (below the record; below the exploded element for its slots) repeats */
  for (uint32_t i = 0; i < t->n; i++) {
    pf__xml_node *n = &t->nodes[i];
    uint32_t x = n->kind == PF__XML_ATTR ? n->parent : i;
    n->multi = 0;
    for (; x != PF__XML_NONE && x != 0; x = t->nodes[x].parent) {
      if (n->under_e && t->nodes[x].is_e) break;
      if (t->nodes[x].repeated) {
        n->multi = 1;
        break;
      }
    }
  }
}

static pf_status rel_path(const pf__xml_reader *r, uint32_t i, pf__buf *b) {
  const pf__xml_tree *t = &r->rel;
  uint32_t chain[PF__XML_MAX_DEPTH + 2];
  size_t n = 0;
  for (uint32_t x = i; x != PF__XML_NONE && x != 0 && n < PF__XML_MAX_DEPTH + 2;
       x = t->nodes[x].parent)
    chain[n++] = x;
  while (n > 0) {
    const pf__xml_node *nd = &t->nodes[chain[--n]];
    if (b->len) PF_TRY(pf__buf_puts(b, r->path_sep));
    if (nd->kind == PF__XML_ATTR) PF_TRY(pf__buf_puts(b, r->attr_prefix));
    PF_TRY(pf__buf_append(b, pf__xml_name(t, nd), nd->name_len));
  }
  return PF_OK;
}

static int by_seq(const void *a, const void *b) {
  const pf__xml_col *x = a, *y = b;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static pf_status build_columns(pf__xml_reader *r, pf_error *err) {
  pf__xml_tree *t = &r->rel;
  int docid = r->docs_total > 1;
  r->cols = calloc((size_t)t->n + 1, sizeof *r->cols);
  if (!r->cols) return PF_ENOMEM;
  size_t n = 0;
  if (docid) {
    r->cols[n].name = pf__strdup("_document_id");
    r->cols[n].rel = PF__XML_NONE;
    r->cols[n].type = PF_TYPE_INT64;
    r->cols[n].seq = 0;
    if (!r->cols[n++].name) return PF_ENOMEM;
  }
  pf__buf b;
  pf__buf_init(&b, 0);
  pf_status st = PF_OK;
  for (uint32_t i = 0; i < t->n && st == PF_OK; i++) {
    pf__xml_node *nd = &t->nodes[i];
    int complex = nd->has_elems || nd->has_attrs;
    if (nd->kind == PF__XML_ELEM && !(complex ? nd->text_seen : nd->leaf_seen)) continue;
    b.len = 0;
    st = rel_path(r, i, &b);
    if (st == PF_OK && nd->kind == PF__XML_ELEM && (complex || i == 0)) {
      if (b.len) st = pf__buf_puts(&b, r->path_sep);
      if (st == PF_OK) st = pf__buf_puts(&b, r->value_name);
    }
    if (st != PF_OK) break;
    pf__xml_col *c = &r->cols[n++];
    c->name = pf__strndup((const char *)b.data, b.len);
    if (!c->name) st = PF_ENOMEM;
    c->rel = i;
    c->seq = nd->seq;
    c->multi = nd->multi;
    c->under_e = nd->under_e;
    c->json = nd->multi && r->arrays == PF_XML_ARRAYS_JSON;
    pf_type ty = nd->inf.type;
    if (r->opts->all_strings || nd->multi || ty == PF_TYPE_NULL) ty = PF_TYPE_STRING;
    c->type = ty;
  }
  pf__buf_free(&b);
  r->n_cols = n;
  if (st != PF_OK) return st;
  qsort(r->cols + docid, n - (size_t)docid, sizeof *r->cols, by_seq);
  r->docid_col = docid ? 0 : -1;
  if (n > r->max_cols) {
    pf__error_file(err, r->env->path);
    return pf__error_set(err, PF_ELIMIT,
                         "the records of <%s> give %zu columns, more than the limit of %u; "
                         "choose a smaller record with --row-tag or raise --max-columns",
                         r->row_tag, n, r->max_cols);
  }
  /* unique names: a clash (e.g. an attribute and an element both named
   * "_id") gets a numeric suffix */
  pf__xml_tree names;
  pf__xml_tree_init(&names, UINT32_MAX);
  for (size_t i = 0; i < n && st == PF_OK; i++) {
    uint32_t before = names.n, idx;
    const char *nm = r->cols[i].name;
    st = pf__xml_tree_get(&names, PF__XML_NONE, 0, nm, strlen(nm), "", 0, "", 0, 1, &idx);
    for (int k = 2; st == PF_OK && names.n == before; k++) {
      char *alt = pf__aprintf("%s_%d", r->cols[i].name, k);
      if (!alt) {
        st = PF_ENOMEM;
        break;
      }
      st = pf__xml_tree_get(&names, PF__XML_NONE, 0, alt, strlen(alt), "", 0, "", 0, 1, &idx);
      if (names.n != before) {
        free(r->cols[i].name);
        r->cols[i].name = alt;
      } else {
        free(alt);
      }
    }
  }
  pf__xml_tree_free(&names);
  if (st != PF_OK) return st;
  for (size_t i = 0; i < n; i++)
    if (r->cols[i].rel != PF__XML_NONE) t->nodes[r->cols[i].rel].col = (int32_t)i;
  for (uint32_t i = 0; i < r->abs.n; i++) {
    pf__xml_node *a = &r->abs.nodes[i];
    a->col = a->rel != PF__XML_NONE ? t->nodes[a->rel].col : -1;
  }
  return PF_OK;
}

pf_status pf__xml_plan(pf__xml_reader *r, pf_error *err) {
  PF_TRY(choose_records(r, err));
  PF_TRY(build_relative(r));
  choose_explode(r);
  PF_TRY(build_columns(r, err));
  r->rows_total = r->records;
  if (r->e_rel != PF__XML_NONE) {
    const pf__xml_node *e = &r->rel.nodes[r->e_rel];
    r->rows_total = r->records - (int64_t)e->parents_with + (int64_t)e->occ;
  }
  r->schema = pf__schema_new(r->n_cols);
  if (!r->schema) return PF_ENOMEM;
  for (size_t i = 0; i < r->n_cols; i++) {
    const pf__xml_col *c = &r->cols[i];
    PF_TRY(pf__schema_set(r->schema, i, c->name, c->type, (int)i != r->docid_col));
  }
  return PF_OK;
}

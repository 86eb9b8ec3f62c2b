/* xml_plan.c - what the discovery pass found becomes a plan: the record
 * element (given, or detected by the rule in docs/xml.md), the relative
 * path tree below it, the exploded path, and the columns with their names
 * and types, in order of first appearance.
 *
 * Detection rule. Candidates are element paths below the root that repeat
 * under one parent instance. The best is the one whose records hold the
 * most of the file's values (texts and attribute values), then the one
 * with child elements (else with attributes), the shallowest, the most
 * frequent, the one with the most distinct child paths, the first seen.
 * When nothing repeats, or the best is a leaf or attribute-only element
 * and the file holds several documents or that element less than half of
 * its values, each document's root element is one row.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/names.h"
#include "readers/xml/xml_internal.h"

const char *pf__xml_arrays_name(pf__xml_arrays a) {
  switch (a) {
  case PF_XML_ARRAYS_EXPLODE: return "explode";
  case PF_XML_ARRAYS_JSON: return "json";
  default: return "join";
  }
}

const char *pf__xml_ns_name(pf__xml_namespaces n) {
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

static const char *qname_of(const pf__xml_tree *t, const pf__xml_node *n) {
  return (const char *)t->names.data + n->qname_off;
}

/* Marks the outermost elements named tag as record roots; returns how many
 * there are. The name is the one the namespace mode writes (what info
 * shows) or, given by the user, the name as written (prefix:local); only
 * when no element has either does a local name match (by_local). */
static int64_t mark_records(pf__xml_reader *r, const char *tag, int given) {
  pf__xml_tree *t = &r->abs;
  uint8_t *inside = calloc(t->n ? t->n : 1, 1);
  if (!inside) return -1;
  int64_t records = 0;
  for (int by_local = 0; by_local < 1 + given && records == 0; by_local++) {
    for (uint32_t i = 0; i < t->n; i++) {
      pf__xml_node *n = &t->nodes[i];
      n->rec_root = 0;
      inside[i] = 0;
      if (n->kind != PF__XML_ELEM) continue;
      int up = n->parent != PF__XML_NONE && inside[n->parent];
      int match = by_local ? eq((const char *)t->names.data + n->local_off, n->local_len, tag)
                           : eq(pf__xml_name(t, n), n->name_len, tag) ||
                                 (given && eq(qname_of(t, n), n->qname_len, tag));
      n->rec_root = match && !up;
      if (n->rec_root) records += (int64_t)n->occ;
      inside[i] = (uint8_t)(up || match);
    }
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

/* ---- detection ---------------------------------------------------------------
 * A candidate's weight is the number of values (non-empty texts and
 * attribute values) inside the outermost elements of its name: the share
 * of the document that its rows would hold. */

typedef struct detect {
  uint64_t *cover;    /* per path: values in all its instances, subtree   */
  uint64_t *weight;   /* per path: values in the records its name makes   */
  uint64_t total;     /* values in the file                               */
} detect;

static pf_status weigh(const pf__xml_tree *t, detect *d) {
  d->cover = calloc(t->n ? t->n : 1, sizeof *d->cover);
  d->weight = calloc(t->n ? t->n : 1, sizeof *d->weight);
  uint64_t *by_name = calloc(t->n ? t->n : 1, sizeof *by_name);
  uint32_t *name_of = calloc(t->n ? t->n : 1, sizeof *name_of);
  pf__xml_tree names;
  pf__xml_tree_init(&names, UINT32_MAX);
  pf_status st = d->cover && d->weight && by_name && name_of ? PF_OK : PF_ENOMEM;
  d->total = 0;
  /* parents are created before their children: one backward sweep sums */
  for (uint32_t i = t->n; st == PF_OK && i-- > 0;) {
    const pf__xml_node *n = &t->nodes[i];
    d->cover[i] += (uint64_t)n->inf.values;
    if (n->parent != PF__XML_NONE) d->cover[n->parent] += d->cover[i];
    else d->total += d->cover[i];
  }
  for (uint32_t i = 0; st == PF_OK && i < t->n; i++) {
    const pf__xml_node *n = &t->nodes[i];
    if (n->kind != PF__XML_ELEM) continue;
    st = pf__xml_tree_get(&names, PF__XML_NONE, 0, pf__xml_name(t, n), n->name_len, "", 0, "", 0,
                          1, &name_of[i]);
    int nested = 0; /* inside an element of the same name: not a record */
    for (uint32_t a = n->parent; a != PF__XML_NONE && !nested; a = t->nodes[a].parent)
      nested = t->nodes[a].kind == PF__XML_ELEM && name_of[a] == name_of[i];
    if (st == PF_OK && !nested) by_name[name_of[i]] += d->cover[i];
  }
  for (uint32_t i = 0; st == PF_OK && i < t->n; i++)
    if (t->nodes[i].kind == PF__XML_ELEM) d->weight[i] = by_name[name_of[i]];
  pf__xml_tree_free(&names);
  free(by_name);
  free(name_of);
  return st;
}

/* 1 when a is a better row element than b: more of the file's values,
 * then child elements (then attributes), then the shallowest, the most
 * frequent, the most distinct child paths; else the first seen. */
static int better(const pf__xml_tree *t, const detect *d, uint32_t ia, uint32_t ib) {
  const pf__xml_node *a = &t->nodes[ia], *b = &t->nodes[ib];
  if (d->weight[ia] != d->weight[ib]) return d->weight[ia] > d->weight[ib];
  if (tier(a) != tier(b)) return tier(a) > tier(b);
  if (a->depth != b->depth) return a->depth < b->depth;
  if (a->occ != b->occ) return a->occ > b->occ;
  uint32_t ca = n_children(t, a), cb = n_children(t, b);
  if (ca != cb) return ca > cb;
  return 0; /* earlier wins: callers scan in creation order */
}

static double pct(uint64_t part, uint64_t whole) {
  return whole ? 100.0 * (double)part / (double)whole : 100.0;
}

/* "<x> repeats under /a/b (12 times): its records hold 96 of the file's
 * 98 values (98%)". */
static char *describe(const pf__xml_reader *r, const detect *d, uint32_t i) {
  const pf__xml_tree *t = &r->abs;
  const pf__xml_node *n = &t->nodes[i];
  pf__buf path;
  pf__buf_init(&path, 0);
  pf__xml_tree_path(t, n->parent, &path);
  char *s = pf__aprintf("<%s> repeats under %s (%llu times): its records hold %llu of the "
                        "file's %llu values (%.0f%%)",
                        pf__xml_name(t, n), path.data ? (char *)path.data : "/",
                        (unsigned long long)n->occ, (unsigned long long)d->weight[i],
                        (unsigned long long)d->total, pct(d->weight[i], d->total));
  pf__buf_free(&path);
  return s;
}

/* The documents' root elements are the records (row_tag: the first's). */
static pf_status mark_documents(pf__xml_reader *r) {
  pf__xml_tree *t = &r->abs;
  r->records = 0;
  for (uint32_t i = 0; i < t->n; i++) {
    pf__xml_node *n = &t->nodes[i];
    n->rec_root = n->kind == PF__XML_ELEM && n->parent == PF__XML_NONE;
    if (n->rec_root) {
      r->records += (int64_t)n->occ;
      if (!r->row_tag && !(r->row_tag = pf__strdup(pf__xml_name(t, n)))) return PF_ENOMEM;
    }
  }
  return PF_OK;
}

/* One row per document, as detected: the roots are the records. */
static pf_status per_document(pf__xml_reader *r, const detect *d, uint32_t best) {
  pf__xml_tree *t = &r->abs;
  PF_TRY(mark_documents(r));
  const char *b = best != PF__XML_NONE ? pf__xml_name(t, &t->nodes[best]) : "";
  int warn = 1;
  if (best == PF__XML_NONE) {
    r->row_tag_reason = pf__aprintf(
        "no element repeats under one parent, so each document's root element <%s> is one "
        "row; give xml.row_tag to choose another element", r->row_tag);
  } else if (r->docs_total > 1) {
    warn = 0; /* documents are the natural records */
    r->row_tag_reason = pf__aprintf(
        "the file holds %lld documents and no element in them repeats with child elements, "
        "so each document's root element <%s> is one row; give xml.row_tag=%s for a row per "
        "<%s>", (long long)r->docs_total, r->row_tag, b, b);
  } else {
    r->row_tag_reason = pf__aprintf(
        "no repeating element has child elements, and the one holding the most values (<%s>, "
        "%llu of %llu) holds less than half of them, so the document's root element <%s> is "
        "one row; give xml.row_tag=%s for a row per <%s>",
        b, (unsigned long long)d->weight[best], (unsigned long long)d->total, r->row_tag, b, b);
  }
  if (!r->row_tag_reason) return PF_ENOMEM;
  if (warn) pf__log_msg(r->env->log, PF_LOG_WARN, "%s: %s", r->env->path, r->row_tag_reason);
  return PF_OK;
}

/* The rule of docs/xml.md: the repeating element whose records hold the
 * most of the file's values; but a leaf or attribute-only element only in
 * a single document where it holds at least half of them; else one row
 * per document. The runner-up (the best of another name) is kept for
 * info. */
static pf_status detect_records(pf__xml_reader *r, pf_error *err) {
  (void)err;
  pf__xml_tree *t = &r->abs;
  detect d = {NULL, NULL, 0};
  pf_status st = weigh(t, &d);
  uint32_t best = PF__XML_NONE, second = PF__XML_NONE;
  for (uint32_t i = 0; st == PF_OK && i < t->n; i++) {
    const pf__xml_node *n = &t->nodes[i];
    /* document roots (several documents share one) are the fallback below */
    if (n->kind != PF__XML_ELEM || !n->repeated || n->parent == PF__XML_NONE) continue;
    if (best == PF__XML_NONE || better(t, &d, i, best)) best = i;
  }
  for (uint32_t i = 0; st == PF_OK && best != PF__XML_NONE && i < t->n; i++) {
    const pf__xml_node *n = &t->nodes[i];
    if (n->kind != PF__XML_ELEM || !n->repeated || n->parent == PF__XML_NONE ||
        !strcmp(pf__xml_name(t, n), pf__xml_name(t, &t->nodes[best])))
      continue;
    if (second == PF__XML_NONE || better(t, &d, i, second)) second = i;
  }
  /* A repeating leaf or attribute-only element is a detail of the
   * documents (an array field, markup in a text, a list in a header), not
   * their rows, when the file holds several documents or when it holds
   * less than half of the values. */
  if (st == PF_OK &&
      (best == PF__XML_NONE ||
       (tier(&t->nodes[best]) < 2 && (r->docs_total > 1 || d.weight[best] * 2 < d.total)))) {
    st = per_document(r, &d, best);
    if (st == PF_OK && best != PF__XML_NONE && !(r->row_tag_runner_up = describe(r, &d, best)))
      st = PF_ENOMEM;
  } else if (st == PF_OK) {
    const pf__xml_node *bn = &t->nodes[best];
    r->row_tag = pf__strdup(pf__xml_name(t, bn));
    r->records = r->row_tag ? mark_records(r, r->row_tag, 0) : 0;
    char *what = describe(r, &d, best);
    r->row_tag_reason = what ? pf__aprintf("%s, the most of any repeating element", what) : NULL;
    free(what);
    if (second != PF__XML_NONE) r->row_tag_runner_up = describe(r, &d, second);
    if (!r->row_tag || r->records < 0 || !r->row_tag_reason ||
        (second != PF__XML_NONE && !r->row_tag_runner_up))
      st = PF_ENOMEM;
  }
  free(d.cover);
  free(d.weight);
  return st;
}

static pf_status choose_records(pf__xml_reader *r, pf_error *err) {
  pf__xml_tree *t = &r->abs;
  const char *given = r->opts->xml.row_tag;
  if (r->opts->xml.flatten == PF_XML_FLATTEN_AGGRESSIVE) {
    /* the original CLI's aggressive flattening: one row per document */
    if (given && *given)
      return pf__error_set(err, PF_EINVAL,
                           "xml.flatten_strategy=aggressive makes each document one row and "
                           "xml.row_tag=%s makes each <%s> one: give one of them", given, given);
    PF_TRY(mark_documents(r));
    r->row_tag_reason = pf__aprintf("given (xml.flatten_strategy=aggressive): each document's "
                                    "root element <%s> is one row", r->row_tag);
    return r->row_tag_reason ? PF_OK : PF_ENOMEM;
  }
  if (!given || !*given) {
    r->row_tag_detected = 1;
    return detect_records(r, err);
  }
  r->records = mark_records(r, given, 1);
  if (r->records < 0) return PF_ENOMEM;
  if (r->records == 0) {
    pf__buf b;
    pf__buf_init(&b, 4096);
    candidates_text(r, &b);
    pf__error_file(err, r->env->path);
    pf__error_set(err, PF_EINVAL,
                  "the row tag '%s' does not occur in the file; elements that repeat: %s", given,
                  b.data ? (char *)b.data : "none");
    pf__buf_free(&b);
    return PF_EINVAL;
  }
  for (uint32_t i = 0; i < t->n; i++)
    if (t->nodes[i].rec_root) {
      r->row_tag = pf__strdup(pf__xml_name(t, &t->nodes[i]));
      break;
    }
  r->row_tag_reason = pf__aprintf("given (xml.row_tag=%s)", given);
  return r->row_tag && r->row_tag_reason ? PF_OK : PF_ENOMEM;
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
    PF_TRY(pf__path_push(b, r->path_sep, nd->kind == PF__XML_ATTR ? r->attr_prefix : NULL,
                         pf__xml_name(t, nd), nd->name_len));
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
    if (st == PF_OK && nd->kind == PF__XML_ELEM && (complex || i == 0))
      st = pf__path_value(&b, r->path_sep, r->value_name);
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
                         "choose a smaller record with xml.row_tag or raise input.max_columns",
                         r->row_tag, n, r->max_cols);
  }
  /* unique names (core/names.h): a clash (e.g. an attribute and an
   * element both named "_id", or "Name" and "name") gets a suffix _2, _3 */
  const char **raw = malloc((n ? n : 1) * sizeof *raw);
  char **names = NULL;
  if (!raw) return PF_ENOMEM;
  for (size_t i = 0; i < n; i++) raw[i] = r->cols[i].name;
  st = pf__names_unique(raw, NULL, n, &names);
  free(raw);
  if (st != PF_OK) return st;
  for (size_t i = 0; i < n; i++) {
    free(r->cols[i].name);
    r->cols[i].name = names[i];
  }
  free(names);
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

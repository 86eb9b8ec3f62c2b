/* xml_reader.c - the XML reader's entry in the registry: sniffing, options,
 * open (the discovery pass and the plan), next (the read pass), rewind,
 * info and stats. See xml_internal.h for how the files share the work and
 * docs/xml.md for the rules users see.
 *
 * Two passes, by choice: the discovery pass sees every value, so the
 * schema (columns and exact types) is final after open() and the reader
 * never asks for a restart; the price is parsing the input twice. Memory
 * stays bounded: path trees (at most max(65536, 8 x max_columns) paths),
 * one record (4 x max_field_bytes) and one batch.
 */
#include <stdlib.h>
#include <string.h>

#include "core/names.h"
#include "readers/xml/xml_internal.h"
#include "readers/xml/xml_reader.h"

#define DEFAULT_MAX_FIELD ((size_t)64 << 20)
#define DEFAULT_MAX_COLS 8192

static int name_start(uint8_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || c >= 0x80;
}

static int xml_sniff(const uint8_t *h, size_t n) {
  size_t i = 0;
  /* UTF-16 and UTF-32, with or without a byte-order mark: '<' first */
  static const char *const wide[] = {"\xFF\xFE<\0", "\xFE\xFF\0<", "\xFF\xFE\0\0<\0\0\0",
                                     "\0\0\xFE\xFF\0\0\0<", "<\0\0\0", "\0\0\0<",
                                     "<\0?\0", "\0<\0?"};
  static const size_t wide_len[] = {4, 4, 8, 8, 4, 4, 4, 4};
  for (size_t k = 0; k < sizeof wide / sizeof *wide; k++)
    if (n >= wide_len[k] && memcmp(h, wide[k], wide_len[k]) == 0) return 90;
  while (n - i >= 3 && h[i] == 0xEF && h[i + 1] == 0xBB && h[i + 2] == 0xBF) i += 3;
  for (;;) {
    while (i < n && (h[i] == ' ' || h[i] == '\t' || h[i] == '\r' || h[i] == '\n')) i++;
    if (i >= n || h[i] != '<') return 0;
    if (n - i >= 5 && memcmp(h + i, "<?xml", 5) == 0) return 95;
    if (n - i >= 9 && memcmp(h + i, "<!DOCTYPE", 9) == 0) return 85;
    if (n - i >= 4 && memcmp(h + i, "<!--", 4) == 0) {
      size_t j = i + 4;
      while (j + 3 <= n && memcmp(h + j, "-->", 3) != 0) j++;
      if (j + 3 > n) return 60; /* a long comment at the start */
      i = j + 3;
      continue;
    }
    if (n - i >= 2 && h[i + 1] == '?') return 70; /* another processing instruction */
    return i + 1 < n && name_start(h[i + 1]) ? 80 : 0;
  }
}

static void xml_close(void *state) {
  pf__xml_reader *r = state;
  if (!r) return;
  pf__xml_parser_free(r);
  pf__xml_emit_free(r);
  pf__xml_decode_free(r);
  pf__source_close(r->src);
  free(r->block);
  free(r->stack);
  pf__buf_free(&r->tstack);
  pf__buf_free(&r->scratch);
  pf__buf_free(&r->scratch2);
  pf__buf_free(&r->ns_list);
  pf__xml_tree_free(&r->abs);
  pf__xml_tree_free(&r->rel);
  for (size_t i = 0; i < r->n_cols; i++) free(r->cols[i].name);
  free(r->cols);
  free(r->decl_encoding);
  free(r->row_tag);
  free(r->row_tag_reason);
  free(r->row_tag_runner_up);
  pf_schema_free(r->schema);
  pf__infer_ctx_free(&r->ictx);
  free(r);
}

static pf_status resolve_options(pf__xml_reader *r, pf_error *err) {
  const pf__opts *o = r->opts;
  const pf__xml_opts *x = &o->xml;
  r->arrays = x->arrays == PF_XML_ARRAYS_DEFAULT ? PF_XML_ARRAYS_JOIN : x->arrays;
  r->ns_mode = x->namespaces == PF_XML_NS_DEFAULT ? PF_XML_NS_PREFIX : x->namespaces;
  if (r->arrays > PF_XML_ARRAYS_JSON || r->ns_mode > PF_XML_NS_PRESERVE)
    return pf__error_set(err, PF_EINVAL, "unknown XML array or namespace mode");
  r->attr_prefix = x->attribute_prefix ? x->attribute_prefix : "_";
  r->path_sep = x->path_separator ? x->path_separator : PF__PATH_SEPARATOR;
  r->value_name = x->value_name && *x->value_name ? x->value_name : PF__PATH_VALUE_NAME;
  r->array_sep = x->array_separator ? x->array_separator : "; ";
  r->max_field = o->max_field_bytes > 0 ? (size_t)o->max_field_bytes : DEFAULT_MAX_FIELD;
  r->max_record = r->max_field > SIZE_MAX / 8 ? SIZE_MAX / 2 : r->max_field * 4;
  r->max_cols = o->max_columns > 0 && o->max_columns < UINT32_MAX / 16 ? (uint32_t)o->max_columns
                                                                       : DEFAULT_MAX_COLS;
  return PF_OK;
}

static pf_status xml_open(const pf__reader_env *env, void **state, pf_error *err) {
  *state = NULL;
  pf__xml_reader *r = calloc(1, sizeof *r);
  if (!r) return PF_ENOMEM;
  r->env = env;
  r->opts = env->opts;
  r->docid_col = -1;
  r->e_rel = PF__XML_NONE;
  pf__buf_init(&r->tstack, 0);
  pf__buf_init(&r->scratch, 0);
  pf__buf_init(&r->scratch2, 0);
  pf__buf_init(&r->ns_list, 64 * 1024);
  pf_status st = resolve_options(r, err);
  if (st == PF_OK) {
    uint32_t max_nodes = r->max_cols * 8 > 65536 ? r->max_cols * 8 : 65536;
    pf__xml_tree_init(&r->abs, max_nodes);
    pf__xml_tree_init(&r->rel, max_nodes);
    st = pf__infer_ctx_init(&r->ictx);
  }
  if (st == PF_OK) {
    st = pf__source_open_opts(env->path, env->opts, &r->src, err);
    if (st != PF_OK) pf__error_file(err, env->path);
  }
  if (st == PF_OK) st = pf__xml_pass_begin(r, PF__XML_DISCOVER, err);
  if (st == PF_OK) st = pf__xml_pass_run(r, err);
  if (st == PF_OK) {
    r->docs_total = r->n_docs;
    st = pf__xml_plan(r, err);
  }
  if (st == PF_OK) st = pf__xml_emit_init(r);
  if (st == PF_OK) st = pf__xml_pass_begin(r, PF__XML_READ, err);
  if (st != PF_OK) {
    if (err && err->status == PF_OK) pf__error_set(err, st, "%s", pf_status_str(st));
    xml_close(r);
    return st;
  }
  *state = r;
  return PF_OK;
}

static const pf_schema *xml_schema(void *state) { return ((pf__xml_reader *)state)->schema; }

static pf_status xml_next(void *state, pf_batch **out, pf_error *err) {
  pf__xml_reader *r = state;
  *out = NULL;
  PF_TRY(pf__batch_reset(r->batch, r->schema));
  r->batch_bytes = 0;
  r->batch->first_row = r->rows_out;
  pf_status st = pf__xml_pass_run(r, err);
  if (st != PF_OK) {
    if (err && err->status == PF_OK) pf__error_set(err, st, "%s", pf_status_str(st));
    return st;
  }
  if (r->batch->n_rows > 0) *out = r->batch;
  return PF_OK;
}

static pf_status xml_rewind(void *state, pf_error *err) {
  pf__xml_reader *r = state;
  r->rows_out = 0;
  return pf__xml_pass_begin(r, PF__XML_READ, err);
}

static pf_status prop_list(pf_info *info, const char *key, const pf__buf *b) {
  return pf__info_prop(info, key, "%s", b->data ? (const char *)b->data : "");
}

static pf_status xml_info(void *state, pf_info *info, pf_error *err) {
  (void)err;
  pf__xml_reader *r = state;
  pf__buf b;
  pf__buf_init(&b, 0);
  pf_status st = PF_OK;
  /* roots */
  for (uint32_t i = 0; i < r->abs.n && st == PF_OK; i++) {
    const pf__xml_node *n = &r->abs.nodes[i];
    if (n->parent != PF__XML_NONE || n->kind != PF__XML_ELEM) continue;
    if (b.len) st = pf__buf_puts(&b, ", ");
    if (st == PF_OK) st = pf__buf_append(&b, r->abs.names.data + n->qname_off, n->qname_len);
  }
  if (st == PF_OK) st = prop_list(info, "root", &b);
  if (st == PF_OK) st = pf__info_prop(info, "row_tag", "%s", r->row_tag);
  if (st == PF_OK) st = pf__info_prop(info, "row_tag_reason", "%s", r->row_tag_reason);
  if (st == PF_OK && r->row_tag_runner_up)
    st = pf__info_prop(info, "row_tag_runner_up", "%s", r->row_tag_runner_up);
  if (st == PF_OK) st = pf__info_prop(info, "records", "%lld", (long long)r->records);
  if (st == PF_OK) st = pf__info_prop(info, "documents", "%lld", (long long)r->docs_total);
  if (st == PF_OK) st = pf__info_prop(info, "max_depth", "%u", r->max_depth);
  if (st == PF_OK) {
    b.len = 0;
    st = pf__buf_puts(&b, pf__xml_arrays_name(r->arrays));
    if (st == PF_OK && r->arrays == PF_XML_ARRAYS_EXPLODE) {
      if (r->e_rel == PF__XML_NONE) {
        st = pf__buf_puts(&b, " (no element repeats inside a record: one row per record)");
      } else {
        st = pf__buf_printf(&b, " (one row per <%s>: ",
                            pf__xml_name(&r->rel, &r->rel.nodes[r->e_rel]));
        pf__buf path;
        pf__buf_init(&path, 0);
        if (st == PF_OK) st = pf__xml_tree_path(&r->rel, r->e_rel, &path);
        if (st == PF_OK) st = pf__buf_printf(&b, "%s)", path.data ? (char *)path.data + 1 : "");
        pf__buf_free(&path);
      }
    }
    if (st == PF_OK) st = prop_list(info, "arrays", &b);
  }
  if (st == PF_OK) st = pf__info_prop(info, "namespace_mode", "%s", pf__xml_ns_name(r->ns_mode));
  if (st == PF_OK) {
    b.len = 0;
    const char *p = r->ns_list.data ? (const char *)r->ns_list.data : "";
    for (; *p && st == PF_OK; p++) st = *p == '\n' ? (p[1] ? pf__buf_puts(&b, "; ") : PF_OK)
                                                   : pf__buf_putc(&b, *p);
    if (st == PF_OK && b.len == 0) st = pf__buf_puts(&b, "none");
    if (st == PF_OK) st = prop_list(info, "namespaces", &b);
  }
  if (st == PF_OK)
    st = r->dec.label[0] ? pf__info_prop(info, "encoding", "%s%s%s%s", r->dec.label,
                                         r->decl_encoding ? "; declared '" : "",
                                         r->decl_encoding ? r->decl_encoding : "",
                                         r->decl_encoding ? "'" : "")
                         : pf__info_prop(info, "encoding", "%s",
                                         r->decl_encoding ? r->decl_encoding
                                                          : "UTF-8 (none declared)");
  if (st == PF_OK) st = pf__info_prop(info, "compression", "%s",
                                      pf__codec_name(pf__source_codec(r->src)));
  for (size_t i = 0; i < r->n_cols && st == PF_OK; i++) {
    const pf__xml_col *c = &r->cols[i];
    pf_info_section *s = pf__info_section(info, "column", c->name);
    if (!s) {
      st = PF_ENOMEM;
      break;
    }
    if (c->rel == PF__XML_NONE) {
      st = pf__section_prop(s, "xml_path", "(document number, 1-based)");
      if (st == PF_OK) st = pf__section_prop(s, "type", "%s", pf_type_name(c->type));
      continue;
    }
    const pf__xml_node *n = &r->rel.nodes[c->rel];
    b.len = 0;
    st = pf__xml_tree_path(&r->rel, c->rel, &b);
    if (st == PF_OK) st = pf__section_prop(s, "xml_path", "%s", (char *)b.data + 1);
    if (st == PF_OK) st = pf__section_prop(s, "type", "%s", pf_type_name(c->type));
    if (st == PF_OK) st = pf__section_prop(s, "values", "%lld", (long long)n->inf.values);
    if (st == PF_OK && c->multi)
      st = pf__section_prop(s, "repeated", "%s",
                            c->json ? "yes: a JSON array" : "yes: values joined");
    if (st == PF_OK && n->sample_len)
      st = pf__section_prop(s, "sample", "%.*s", (int)n->sample_len,
                            (const char *)r->rel.names.data + n->sample_off);
  }
  pf__buf_free(&b);
  if (st == PF_OK) info->rows = r->rows_total;
  return st;
}

static void xml_stats(void *state, pf__reader_stats *out) {
  pf__xml_reader *r = state;
  memset(out, 0, sizeof *out);
  out->bytes_read = r->block_abs + r->block_pos;
  out->bytes_total = pf__source_disk_size(r->src);
  out->progress_done = pf__source_disk_pos(r->src);
}

const pf__reader_ops pf__xml_reader_ops = {
    .name = "xml",
    .description = "XML documents: records detected and flattened, streaming",
    .extensions_note = "(+ .gz .zst .bz2)",
    .extensions = ".xml",
    .sniff = xml_sniff,
    .open = xml_open,
    .schema = xml_schema,
    .next = xml_next,
    .rewind = xml_rewind,
    .types_final = 1, /* the discovery pass saw every value */
    .info = xml_info,
    .stats = xml_stats,
    .close = xml_close,
};

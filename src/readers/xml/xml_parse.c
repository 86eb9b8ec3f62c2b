/* xml_parse.c - the expat driver of the XML reader: feeds decompressed
 * blocks to expat, starts a fresh parser for each concatenated document,
 * keeps the element stack and element texts, applies the security limits
 * (entity amplification, external entities, depth, value size), turns
 * expat errors into pf_errors with line, column, byte offset and element
 * path, and runs the element handlers of the two passes:
 *   discovery  interns every absolute path (xml_tree.c) and records counts,
 *              repeat flags and the type ladder of every value;
 *   read       finds record elements and hands their values to xml_emit.c.
 *
 * Documents: when a root element ends, the parser is stopped and the bytes
 * after the end tag (whitespace skipped) go to a new parser, so several
 * documents in one file (each maybe with its own <?xml ...?>) are read one
 * after the other; trailing comments or whitespace are no document.
 */
#include <errno.h>
#include <unistd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "readers/xml/xml_internal.h"

/* Entity amplification: expat's protection, stricter than its defaults. */
#define AMPLIFICATION_MAX 50.0f
#define AMPLIFICATION_THRESHOLD (1u << 20)

static int is_ws(uint8_t c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

static void trim(const char **s, size_t *n) {
  const char *p = *s, *e = *s + *n;
  while (p < e && is_ws((uint8_t)*p)) p++;
  while (e > p && is_ws((uint8_t)e[-1])) e--;
  *s = p;
  *n = (size_t)(e - p);
}

/* ---- errors ---------------------------------------------------------------- */

static void place_from_parser(pf__xml_reader *r, pf_error *err) {
  if (!err) return;
  pf__error_file(err, r->env->path);
  if (r->parser) {
    int64_t l = (int64_t)XML_GetCurrentLineNumber(r->parser);
    int64_t c = (int64_t)XML_GetCurrentColumnNumber(r->parser);
    int64_t line = r->line_base + l - 1;
    int64_t col = (l == 1 ? r->col_base : 0) + c + 1;
    int64_t idx = (int64_t)XML_GetCurrentByteIndex(r->parser);
    pf__error_place(err, -1, line, col, idx >= 0 ? (int64_t)r->parser_abs + idx : -1);
  }
  if (r->depth > 0) {
    pf__buf b;
    pf__buf_init(&b, sizeof err->inner_path - 1);
    /* a path too deep to fit keeps its head */
    pf__xml_tree_path(&r->abs, r->stack[r->depth - 1].node, &b);
    if (b.data) {
      size_t k = b.len < sizeof err->inner_path - 1 ? b.len : sizeof err->inner_path - 1;
      memcpy(err->inner_path, b.data, k);
      err->inner_path[k] = 0;
    }
    pf__buf_free(&b);
  }
}

void pf__xml_fail(pf__xml_reader *r, pf_status st, const char *fmt, ...) {
  if (r->fail) return;
  char msg[900];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  pf_error_init(&r->ferr);
  pf__error_set(&r->ferr, st, "%s", msg);
  place_from_parser(r, &r->ferr);
  r->fail = st;
  if (r->parser) XML_StopParser(r->parser, XML_FALSE);
}

static int declared_utf8(const pf__xml_reader *r) {
  const char *e = r->decl_encoding;
  return !e || !*e || strcasecmp(e, "UTF-8") == 0 || strcasecmp(e, "UTF8") == 0;
}

static pf_status parse_error(pf__xml_reader *r, enum XML_Error code, pf_error *err) {
  pf_status st = PF_EPARSE;
  char msg[900];
  switch (code) {
  case XML_ERROR_AMPLIFICATION_LIMIT_BREACH:
    st = PF_ELIMIT;
    snprintf(msg, sizeof msg,
             "entity expansion would multiply the document more than %.0f times (an "
             "entity-expansion or 'billion laughs' document); refused for safety",
             (double)AMPLIFICATION_MAX);
    break;
  case XML_ERROR_UNKNOWN_ENCODING:
    st = PF_EENCODING;
    snprintf(msg, sizeof msg,
             "the declared encoding '%s' is not supported: PyForge reads UTF-8, UTF-16, "
             "UTF-32 and the encodings the system's iconv knows (windows-1252, ISO-8859-15, "
             "Shift_JIS, GB18030, ...); convert the file to UTF-8 (e.g. iconv -f <encoding> "
             "-t UTF-8) and fix its declaration",
             r->bad_encoding[0] ? r->bad_encoding : "?");
    break;
  case XML_ERROR_INCORRECT_ENCODING:
    st = PF_EENCODING;
    snprintf(msg, sizeof msg,
             "the document's bytes do not match the encoding it declares ('%s'); fix the "
             "encoding in the XML declaration",
             r->decl_encoding ? r->decl_encoding : "?");
    break;
  default: {
    int bad_byte = 0;
    if (code == XML_ERROR_INVALID_TOKEN && r->parser) {
      int64_t idx = (int64_t)XML_GetCurrentByteIndex(r->parser);
      uint64_t abs = r->parser_abs + (uint64_t)(idx < 0 ? 0 : idx);
      if (abs >= r->block_abs && abs < r->block_abs + r->block_len)
        for (uint64_t k = abs; k < r->block_abs + r->block_len && k < abs + 4; k++)
          if (r->block[k - r->block_abs] >= 0x80) bad_byte = 1;
    }
    if (bad_byte && declared_utf8(r)) {
      st = PF_EENCODING;
      snprintf(msg, sizeof msg,
               "bytes that are not valid UTF-8, the encoding the document %s; if the file is "
               "in another encoding, declare it (e.g. <?xml version=\"1.0\" "
               "encoding=\"windows-1252\"?>) or convert it to UTF-8",
               r->decl_encoding ? "declares" : "uses when it declares none");
    } else {
      snprintf(msg, sizeof msg, "malformed XML: %s; the file is not well-formed XML",
               XML_ErrorString(code));
    }
  }
  }
  pf__error_set(err, st, "%s", msg);
  place_from_parser(r, err);
  return st;
}

/* ---- names ----------------------------------------------------------------- */

/* expat (namespace triplets, separator \x01) gives "local", "uri\x01local"
 * or "uri\x01local\x01prefix". */
typedef struct name_parts {
  const char *local, *prefix;
  size_t local_len, prefix_len;
} name_parts;

static void split_name(const char *raw, name_parts *np) {
  const char *a = strchr(raw, '\x01');
  np->prefix = NULL;
  np->prefix_len = 0;
  if (!a) {
    np->local = raw;
    np->local_len = strlen(raw);
    return;
  }
  np->local = a + 1;
  const char *b = strchr(np->local, '\x01');
  if (!b) {
    np->local_len = strlen(np->local);
    return;
  }
  np->local_len = (size_t)(b - np->local);
  np->prefix = b + 1;
  np->prefix_len = strlen(np->prefix);
}

/* The mapped name (namespace mode) and the qualified name as written. */
static pf_status map_name(pf__xml_reader *r, const char *raw, name_parts *np,
                          const char **name, size_t *len, const char **qname, size_t *qlen) {
  split_name(raw, np);
  if (!np->prefix) {
    *name = *qname = np->local;
    *len = *qlen = np->local_len;
    return PF_OK;
  }
  r->scratch2.len = 0;
  PF_TRY(pf__buf_append(&r->scratch2, np->prefix, np->prefix_len));
  PF_TRY(pf__buf_putc(&r->scratch2, ':'));
  PF_TRY(pf__buf_append(&r->scratch2, np->local, np->local_len));
  *qname = (const char *)r->scratch2.data;
  *qlen = r->scratch2.len;
  switch (r->ns_mode) {
  case PF_XML_NS_STRIP:
    *name = np->local;
    *len = np->local_len;
    break;
  case PF_XML_NS_PRESERVE:
    *name = *qname;
    *len = *qlen;
    break;
  default: /* PREFIX */
    r->scratch.len = 0;
    PF_TRY(pf__buf_append(&r->scratch, np->prefix, np->prefix_len));
    PF_TRY(pf__buf_putc(&r->scratch, '_'));
    PF_TRY(pf__buf_append(&r->scratch, np->local, np->local_len));
    *name = (const char *)r->scratch.data;
    *len = r->scratch.len;
  }
  return PF_OK;
}

static uint32_t intern(pf__xml_reader *r, uint32_t parent, int kind, const char *raw) {
  name_parts np;
  const char *name, *qname;
  size_t len, qlen;
  uint32_t idx = PF__XML_NONE;
  pf_status st = map_name(r, raw, &np, &name, &len, &qname, &qlen);
  if (st == PF_OK)
    st = pf__xml_tree_get(&r->abs, parent, kind, name, len, np.local, np.local_len, qname, qlen,
                          r->pass == PF__XML_DISCOVER, &idx);
  if (st == PF_ELIMIT)
    pf__xml_fail(r, PF_ELIMIT,
                 "more than %u distinct element and attribute paths; this looks like a "
                 "document without a row structure (raise input.max_columns if it is right)",
                 r->abs.max_nodes);
  else if (st != PF_OK)
    pf__xml_fail(r, st, "out of memory while reading element names");
  else if (idx == PF__XML_NONE)
    pf__xml_fail(r, PF_EINPUT,
                 "the element <%s> was not there when the file was first read: the input "
                 "changed while it was being converted", qname);
  return idx;
}

/* ---- text ------------------------------------------------------------------ */

/* Ends the text segment the top element is receiving: trimmed, and joined
 * to its earlier segments (mixed content) with one space. */
static void flush_segment(pf__xml_reader *r) {
  pf__xml_frame *f = &r->stack[r->depth - 1];
  if (r->tstack.len == f->seg_start) return;
  if (pf__buf_reserve(&r->tstack, 1) != PF_OK) { /* room for the joining space */
    pf__xml_fail(r, PF_ENOMEM, "out of memory while reading a text value");
    return;
  }
  char *base = (char *)r->tstack.data;
  const char *s = base + f->seg_start;
  size_t n = r->tstack.len - f->seg_start;
  trim(&s, &n);
  size_t at = f->seg_start;
  if (n == 0) {
    r->tstack.len = at;
  } else if (at > f->text_start) {
    memmove(base + at + 1, s, n);
    base[at] = ' ';
    r->tstack.len = at + 1 + n;
  } else {
    memmove(base + at, s, n);
    r->tstack.len = at + n;
  }
  f->seg_start = r->tstack.len;
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len) {
  pf__xml_reader *r = ud;
  if (r->fail || r->doc_end || r->depth == 0) return;
  if (r->pass == PF__XML_READ && r->rec_depth == 0) return;
  pf__xml_frame *f = &r->stack[r->depth - 1];
  if (r->tstack.len + (size_t)len - f->text_start > r->max_field + 2) {
    pf__xml_fail(r, PF_ELIMIT,
                 "a text value of more than %zu bytes; raise the limit with input.max_field_size "
                 "if the file is right", r->max_field);
    return;
  }
  if (pf__buf_append(&r->tstack, s, (size_t)len) != PF_OK)
    pf__xml_fail(r, PF_ENOMEM, "out of memory while reading a text value");
}

/* ---- elements -------------------------------------------------------------- */

static void discover_value(pf__xml_reader *r, pf__xml_node *nd, const char *s, size_t n) {
  if (nd->seq == UINT64_MAX) nd->seq = ++r->serial;
  if (n == 0) return;
  pf__infer_col_add(&nd->inf, &r->ictx, s, n);
  pf__xml_tree_sample(&r->abs, nd, s, n);
}

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **atts) {
  pf__xml_reader *r = ud;
  if (r->fail || r->doc_end) return;
  if (r->depth >= PF__XML_MAX_DEPTH) {
    pf__xml_fail(r, PF_ELIMIT, "elements nested more than %d deep; refused for safety",
                 PF__XML_MAX_DEPTH);
    return;
  }
  uint32_t parent = PF__XML_NONE;
  if (r->depth > 0) {
    if (r->pass == PF__XML_DISCOVER || r->rec_depth > 0) flush_segment(r);
    r->stack[r->depth - 1].has_child = 1;
    parent = r->stack[r->depth - 1].node;
  }
  uint32_t idx = intern(r, parent, PF__XML_ELEM, name);
  if (idx == PF__XML_NONE) return;
  if (r->depth == r->stack_cap) {
    uint32_t nc = r->stack_cap ? r->stack_cap * 2 : 64;
    pf__xml_frame *ns = realloc(r->stack, nc * sizeof *ns);
    if (!ns) {
      pf__xml_fail(r, PF_ENOMEM, "out of memory");
      return;
    }
    r->stack = ns;
    r->stack_cap = nc;
  }
  if (r->depth == 0) {
    r->root_seen = 1;
    r->n_docs++;
  }
  uint64_t parent_serial = r->depth > 0 ? r->stack[r->depth - 1].serial : 0;
  uint64_t parent_e = r->depth > 0 ? r->stack[r->depth - 1].e_occ : 0;
  pf__xml_frame *f = &r->stack[r->depth++];
  f->node = idx;
  f->serial = ++r->serial;
  f->text_start = f->seg_start = r->tstack.len;
  f->has_child = 0;
  f->has_attr = atts[0] != NULL;
  f->e_occ = 0;
  pf__xml_node *nd = &r->abs.nodes[idx];

  if (r->pass == PF__XML_DISCOVER) {
    if (r->depth > r->max_depth) r->max_depth = r->depth;
    if (parent != PF__XML_NONE) r->abs.nodes[parent].has_elems = 1;
    if (nd->occ++ > 0 && nd->last_parent == parent_serial) {
      nd->repeated = 1;
    } else {
      nd->last_parent = parent_serial;
      nd->parents_with++;
    }
    if (f->has_attr) nd->has_attrs = 1;
    for (size_t i = 0; atts[i]; i += 2) {
      uint32_t a = intern(r, idx, PF__XML_ATTR, atts[i]);
      if (a == PF__XML_NONE) return;
      const char *v = atts[i + 1];
      size_t n = strlen(v);
      if (n > r->max_field) {
        pf__xml_fail(r, PF_ELIMIT, "an attribute value of more than %zu bytes; raise the limit "
                     "with input.max_field_size if the file is right", r->max_field);
        return;
      }
      trim(&v, &n);
      pf__xml_node *an = &r->abs.nodes[a];
      an->occ++;
      discover_value(r, an, v, n);
    }
    return;
  }

  /* read pass */
  if (r->rec_depth == 0) {
    if (!nd->rec_root) return;
    r->rec_depth = 1;
    r->rec_doc = r->n_docs;
    r->e_count = 0;
    pf__xml_record_begin(r);
    parent_e = 0;
  } else {
    r->rec_depth++;
  }
  f->e_occ = (nd->rel != PF__XML_NONE && r->rel.nodes[nd->rel].is_e) ? ++r->e_count : parent_e;
  for (size_t i = 0; atts[i]; i += 2) {
    uint32_t a = intern(r, idx, PF__XML_ATTR, atts[i]);
    if (a == PF__XML_NONE) return;
    int32_t col = r->abs.nodes[a].col;
    const char *v = atts[i + 1];
    size_t n = strlen(v);
    trim(&v, &n);
    if (col >= 0 && n > 0 && pf__xml_record_value(r, col, f->e_occ, v, n) != PF_OK) {
      pf__xml_fail(r, PF_ELIMIT, "a record of more than %zu bytes; raise input.max_field_size if "
                   "the file is right", r->max_record);
      return;
    }
  }
}

static void XMLCALL on_end(void *ud, const XML_Char *name) {
  (void)name;
  pf__xml_reader *r = ud;
  if (r->fail || r->doc_end || r->depth == 0) return;
  pf__xml_frame *f = &r->stack[r->depth - 1];
  pf__xml_node *nd = &r->abs.nodes[f->node];
  if (r->pass == PF__XML_DISCOVER) {
    flush_segment(r);
    size_t n = r->tstack.len - f->text_start;
    const char *s = n ? (const char *)r->tstack.data + f->text_start : "";
    int leaf = !f->has_child && !f->has_attr;
    if (leaf) nd->leaf_seen = 1;
    if (n) nd->text_seen = 1;
    if (leaf || n) discover_value(r, nd, s, n);
  } else if (r->rec_depth > 0) {
    flush_segment(r);
    size_t n = r->tstack.len - f->text_start;
    if (nd->col >= 0 && n > 0 &&
        pf__xml_record_value(r, nd->col, f->e_occ, (const char *)r->tstack.data + f->text_start,
                             n) != PF_OK) {
      pf__xml_fail(r, PF_ELIMIT, "a record of more than %zu bytes; raise input.max_field_size if "
                   "the file is right", r->max_record);
      return;
    }
    if (--r->rec_depth == 0) {
      pf__xml_record_end(r);
      pf_status st = pf__xml_emit_pending(r, &r->ferr);
      if (st != PF_OK) {
        r->fail = st;
        XML_StopParser(r->parser, XML_FALSE);
        return;
      }
    }
  }
  r->tstack.len = f->text_start;
  r->depth--;
  if (r->depth == 0) {
    /* the document ended: the next byte after the end tag starts anew */
    int64_t l = (int64_t)XML_GetCurrentLineNumber(r->parser);
    int64_t c = (int64_t)XML_GetCurrentColumnNumber(r->parser);
    r->end_line = r->line_base + l - 1;
    r->end_col = (l == 1 ? r->col_base : 0) + c + XML_GetCurrentByteCount(r->parser);
    r->doc_end_abs = r->parser_abs + (uint64_t)XML_GetCurrentByteIndex(r->parser) +
                     (uint64_t)XML_GetCurrentByteCount(r->parser);
    r->doc_end = 1;
    XML_StopParser(r->parser, XML_FALSE);
    return;
  }
  if (r->pass == PF__XML_READ && (r->rows_pending || pf__xml_batch_full(r)))
    XML_StopParser(r->parser, XML_TRUE);
}

/* ---- declarations and security --------------------------------------------- */

static void XMLCALL on_decl(void *ud, const XML_Char *version, const XML_Char *encoding,
                            int standalone) {
  (void)version;
  (void)standalone;
  pf__xml_reader *r = ud;
  if (r->pass == PF__XML_DISCOVER && encoding && !r->decl_encoding)
    r->decl_encoding = pf__strdup(encoding);
}

static void XMLCALL on_ns(void *ud, const XML_Char *prefix, const XML_Char *uri) {
  pf__xml_reader *r = ud;
  if (r->pass != PF__XML_DISCOVER || r->n_ns >= 64) return;
  char line[600];
  snprintf(line, sizeof line, "%s=%s", prefix ? prefix : "(default)", uri ? uri : "");
  const char *have = r->ns_list.data ? (const char *)r->ns_list.data : "";
  size_t n = strlen(line);
  for (const char *p = have; *p;) {
    const char *e = strchr(p, '\n');
    size_t k = e ? (size_t)(e - p) : strlen(p);
    if (k == n && memcmp(p, line, n) == 0) return;
    p += k + (e ? 1 : 0);
  }
  if (pf__buf_puts(&r->ns_list, line) == PF_OK && pf__buf_putc(&r->ns_list, '\n') == PF_OK)
    r->n_ns++;
}

static void XMLCALL on_entity(void *ud, const XML_Char *name, int is_param,
                              const XML_Char *value, int value_len, const XML_Char *base,
                              const XML_Char *system_id, const XML_Char *public_id,
                              const XML_Char *notation) {
  (void)value;
  (void)value_len;
  (void)base;
  (void)public_id;
  (void)notation;
  pf__xml_reader *r = ud;
  if (!system_id) return; /* internal: expanded, amplification capped */
  pf__xml_fail(r, PF_EUNSUPPORTED,
               "the document declares the external %sentity '%s' (SYSTEM \"%s\"); PyForge never "
               "loads external entities (XXE protection): remove the declaration or put the "
               "text in the file", is_param ? "parameter " : "", name, system_id);
}

static void XMLCALL on_skipped(void *ud, const XML_Char *name, int is_param) {
  pf__xml_reader *r = ud;
  pf__xml_fail(r, PF_EUNSUPPORTED,
               "the %sentity '%s' is defined outside the file (an external DTD), which PyForge "
               "never loads; replace the reference with its text",
               is_param ? "parameter " : "", name);
}

/* Single-byte encodings that expat does not know (windows-1252, ISO-8859-15,
 * KOI8-R, ...), mapped byte by byte through iconv; multi-byte ones were
 * transcoded before expat (xml_decode.c). */
static int XMLCALL on_unknown_encoding(void *ud, const XML_Char *name, XML_Encoding *info) {
  pf__xml_reader *r = ud;
  snprintf(r->bad_encoding, sizeof r->bad_encoding, "%s", name);
  if (!pf__xml_single_byte_map(name, info->map)) return XML_STATUS_ERROR;
  info->data = NULL;
  info->convert = NULL;
  info->release = NULL;
  r->bad_encoding[0] = 0;
  return XML_STATUS_OK;
}

/* ---- the driver ------------------------------------------------------------- */

void pf__xml_parser_free(pf__xml_reader *r) {
  if (r->parser) XML_ParserFree(r->parser);
  r->parser = NULL;
}

static pf_status new_parser(pf__xml_reader *r) {
  /* a transcoded input is UTF-8 whatever its declarations say */
  XML_Parser p = XML_ParserCreateNS(r->dec.cd ? "UTF-8" : NULL, '\x01');
  if (!p) return PF_ENOMEM;
  /* One random salt per reader: expat would otherwise draw one from the
   * kernel for every document of a file of many small documents. */
  if (!r->salt && getentropy(&r->salt, sizeof r->salt) != 0)
    r->salt = (unsigned long)(uintptr_t)r ^ (unsigned long)r->block_abs ^ 0x5bd1e995UL;
  XML_SetHashSalt(p, r->salt);
  XML_SetReturnNSTriplet(p, 1);
  XML_SetUserData(p, r);
  XML_SetElementHandler(p, on_start, on_end);
  XML_SetCharacterDataHandler(p, on_text);
  XML_SetXmlDeclHandler(p, on_decl);
  XML_SetStartNamespaceDeclHandler(p, on_ns);
  XML_SetEntityDeclHandler(p, on_entity);
  XML_SetSkippedEntityHandler(p, on_skipped);
  XML_SetUnknownEncodingHandler(p, on_unknown_encoding, r);
  XML_SetParamEntityParsing(p, XML_PARAM_ENTITY_PARSING_NEVER);
  XML_SetBillionLaughsAttackProtectionMaximumAmplification(p, AMPLIFICATION_MAX);
  XML_SetBillionLaughsAttackProtectionActivationThreshold(p, AMPLIFICATION_THRESHOLD);
  r->parser = p;
  /* expat copies what it is given into its own buffer: a document that
   * starts in the middle of a block gets small pieces first, so a file of
   * many small documents does not copy the rest of the block per document */
  r->feed = 4096;
  r->parser_abs = r->block_abs + r->block_pos;
  r->line_base = r->end_line;
  r->col_base = r->end_col;
  r->root_seen = 0;
  r->final_sent = 0;
  return PF_OK;
}

pf_status pf__xml_pass_begin(pf__xml_reader *r, int pass, pf_error *err) {
  pf__xml_parser_free(r);
  if (r->block_abs || r->block_len || r->eof || r->dec.decided) {
    pf_status st = pf__source_rewind(r->src, err);
    if (st != PF_OK) {
      pf__error_file(err, r->env->path);
      return st;
    }
  }
  PF_TRY(pf__xml_decode_begin(r, err));
  r->pass = pass;
  r->block_len = r->block_pos = 0;
  r->block_abs = 0;
  r->eof = r->suspended = r->doc_end = r->done = 0;
  r->end_line = 1;
  r->end_col = 0;
  r->root_seen = 0;
  r->n_docs = 0;
  r->depth = 0;
  r->serial = 0;
  r->tstack.len = 0;
  r->fail = PF_OK;
  r->rec_depth = 0;
  r->rows_pending = 0;
  r->bytes_read = 0;
  return PF_OK;
}

static pf_status read_block(pf__xml_reader *r, pf_error *err) {
  if (!r->block) {
    r->block = malloc(PF__XML_BLOCK);
    if (!r->block) return PF_ENOMEM;
  }
  r->block_abs += r->block_len;
  r->block_len = r->block_pos = 0;
  while (r->block_len < PF__XML_BLOCK) {
    size_t got = 0;
    PF_TRY(pf__xml_decode_read(r, r->block + r->block_len, PF__XML_BLOCK - r->block_len, &got,
                               err));
    if (got == 0) {
      r->eof = 1;
      break;
    }
    r->block_len += got;
  }
  r->bytes_read += r->block_len;
  return PF_OK;
}

static pf_status after_parse(pf__xml_reader *r, enum XML_Status xs, pf_error *err) {
  if (xs == XML_STATUS_SUSPENDED) {
    r->suspended = 1;
    return PF_OK;
  }
  if (r->fail) {
    pf__error_copy(err, &r->ferr);
    return r->fail;
  }
  if (xs == XML_STATUS_OK) {
    if (r->final_sent) pf__xml_parser_free(r);
    return PF_OK;
  }
  enum XML_Error code = XML_GetErrorCode(r->parser);
  if (code == XML_ERROR_ABORTED && r->doc_end) {
    if (r->doc_end_abs < r->block_abs || r->doc_end_abs > r->block_abs + r->block_len) {
      pf__error_file(err, r->env->path);
      return pf__error_set(err, PF_EINTERNAL, "XML reader: a document ended outside the block");
    }
    r->block_pos = (size_t)(r->doc_end_abs - r->block_abs);
    r->doc_end = 0;
    pf__xml_parser_free(r);
    return PF_OK;
  }
  if (code == XML_ERROR_NO_ELEMENTS && r->final_sent && !r->root_seen && r->n_docs > 0) {
    pf__xml_parser_free(r); /* comments after the last document */
    return PF_OK;
  }
  if (code == XML_ERROR_NO_ELEMENTS && !r->root_seen && r->n_docs == 0 && r->final_sent) {
    pf__error_file(err, r->env->path);
    return pf__error_set(err, PF_EEMPTY, "the file holds no XML element (only a declaration, "
                         "comments or processing instructions)");
  }
  return parse_error(r, code, err);
}

pf_status pf__xml_pass_run(pf__xml_reader *r, pf_error *err) {
  for (;;) {
    if (r->pass == PF__XML_READ) {
      if (r->rows_pending) PF_TRY(pf__xml_emit_pending(r, err));
      if (r->rows_pending || pf__xml_batch_full(r)) return PF_OK;
    }
    if (r->done) return PF_OK;
    if (r->opts->cancel && *r->opts->cancel)
      return pf__error_set(err, PF_ECANCELED, "canceled");
    enum XML_Status xs;
    if (r->suspended) {
      r->suspended = 0;
      xs = XML_ResumeParser(r->parser);
    } else if (r->block_pos >= r->block_len) {
      if (!r->eof) {
        PF_TRY(read_block(r, err));
        continue;
      }
      if (r->parser && !r->final_sent) {
        r->final_sent = 1;
        xs = XML_Parse(r->parser, "", 0, 1);
      } else {
        pf__xml_parser_free(r);
        r->done = 1;
        if (r->n_docs == 0) {
          pf__error_file(err, r->env->path);
          return pf__error_set(err, PF_EEMPTY, r->block_abs + r->block_len == 0
                                                   ? "the file is empty"
                                                   : "the file holds only whitespace, no XML");
        }
        continue;
      }
    } else {
      if (!r->parser) {
        /* between documents: skip whitespace, then a new parser */
        while (r->block_pos < r->block_len && is_ws(r->block[r->block_pos])) {
          if (r->block[r->block_pos] == '\n') {
            r->end_line++;
            r->end_col = 0;
          } else {
            r->end_col++;
          }
          r->block_pos++;
        }
        if (r->block_pos >= r->block_len) continue;
        PF_TRY(new_parser(r));
      }
      const char *p = (const char *)r->block + r->block_pos;
      size_t n = r->block_len - r->block_pos;
      if (n > r->feed) n = r->feed;
      if (r->feed < PF__XML_BLOCK) r->feed *= 2;
      r->block_pos += n;
      xs = XML_Parse(r->parser, p, (int)n, 0);
    }
    PF_TRY(after_parse(r, xs, err));
  }
}

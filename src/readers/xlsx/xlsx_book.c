/* xlsx_book.c - opening a workbook: the ZIP container (or a clear error
 * for OLE2/CFB files: password-protected workbooks and legacy .xls), and
 * the small XML parts parsed with expat: _rels/.rels (where the workbook
 * is), xl/workbook.xml (sheets, order, visibility, date system), its
 * relationships (sheet r:id -> part), xl/styles.xml (cellXfs number
 * formats) and xl/sharedStrings.xml (rich-text runs joined, phonetic
 * <rPh> runs left out, _xHHHH_ escapes decoded; bounded by
 * PF__XLSX_SST_LIMIT). Elements are read in their context only: an
 * extension's <x15:workbookPr> does not reset the date system, a
 * conditional format's <dxf><numFmt> does not redefine a cell format.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "readers/xlsx/xlsx_internal.h"

#define CHUNK (64u << 10)

const char *pf__xlsx_attr(const char **atts, const char *key) {
  for (size_t i = 0; atts[i]; i += 2)
    if (strcmp(pf__xlsx_local(atts[i]), key) == 0) return atts[i + 1];
  return NULL;
}

static void XMLCALL no_doctype(void *arg, const XML_Char *name, const XML_Char *sys,
                               const XML_Char *pub, int internal) {
  (void)name, (void)sys, (void)pub, (void)internal;
  XML_StopParser((XML_Parser)arg, XML_FALSE);
}

XML_Parser pf__xlsx_parser_new(void) {
  /* The part's byte-order mark or declaration says its encoding (UTF-8,
   * UTF-16, ISO-8859-1, US-ASCII: what expat knows). */
  XML_Parser p = XML_ParserCreate(NULL);
  if (!p) return NULL;
  XML_UseParserAsHandlerArg(p);
  /* OOXML parts never declare a DTD; refusing one rules out entity tricks. */
  XML_SetStartDoctypeDeclHandler(p, no_doctype);
  return p;
}

pf_status pf__xlsx_xml_error(const pf__xlsx_book *b, XML_Parser p, const char *part,
                             pf_error *err) {
  enum XML_Error code = XML_GetErrorCode(p);
  const char *what = code == XML_ERROR_ABORTED ? "a DOCTYPE declaration (not allowed in a workbook)"
                                                : XML_ErrorString(code);
  long long line = (long long)XML_GetCurrentLineNumber(p);
  long long col = (long long)XML_GetCurrentColumnNumber(p) + 1;
  pf__error_set(err, PF_EPARSE,
                "broken XML in the workbook part %s at line %lld, column %lld: %s (the file is "
                "damaged; open and re-save it in Excel or LibreOffice)",
                part, line, col, what ? what : "error");
  pf__error_file(err, b->path);
  pf__error_place(err, -1, line, -1, (int64_t)XML_GetCurrentByteIndex(p));
  pf__error_inner_path(err, part);
  return PF_EPARSE;
}

pf_status pf__xlsx_parse_part(pf__xlsx_book *b, const char *part, const pf__xlsx_xml_cb *cb,
                              pf_error *err) {
  const pf__zip_entry *e = pf__zip_find(b->zip, part);
  if (!e) {
    pf__error_set(err, PF_EPARSE, "the workbook has no part %s (the file is damaged or not an Excel workbook)",
                  part);
    pf__error_file(err, b->path);
    return PF_EPARSE;
  }
  pf__zip_stream *zs = NULL;
  PF_TRY(pf__zip_stream_open(b->zip, e, &zs, err));
  XML_Parser p = pf__xlsx_parser_new();
  if (!p) {
    pf__zip_stream_close(zs);
    return PF_ENOMEM;
  }
  XML_SetUserData(p, cb->user);
  XML_SetElementHandler(p, cb->start, cb->end);
  if (cb->text) XML_SetCharacterDataHandler(p, cb->text);
  pf_status st = PF_OK;
  for (;;) {
    void *buf = XML_GetBuffer(p, CHUNK);
    if (!buf) {
      st = PF_ENOMEM;
      break;
    }
    size_t got = 0;
    st = pf__zip_stream_read(zs, buf, CHUNK, &got, err);
    if (st != PF_OK) break;
    if (XML_ParseBuffer(p, (int)got, got == 0) != XML_STATUS_OK) {
      if (*cb->status != PF_OK) st = *cb->status;
      else st = pf__xlsx_xml_error(b, p, part, err);
      break;
    }
    if (got == 0) break;
  }
  XML_ParserFree(p);
  pf__zip_stream_close(zs);
  return st;
}

/* ---- relationships ---- */
typedef struct rel {
  char *id, *target, *type;
} rel;
typedef struct rels_ctx {
  rel *v;
  size_t n, cap;
  pf_status st;
} rels_ctx;

static void XMLCALL rels_start(void *arg, const XML_Char *name, const XML_Char **atts) {
  rels_ctx *c = XML_GetUserData((XML_Parser)arg);
  if (strcmp(pf__xlsx_local(name), "Relationship") != 0) return;
  const char *id = pf__xlsx_attr(atts, "Id"), *t = pf__xlsx_attr(atts, "Target"),
             *ty = pf__xlsx_attr(atts, "Type");
  if (!id || !t) return;
  if (c->n == c->cap) {
    size_t nc = c->cap ? c->cap * 2 : 16;
    rel *nv = realloc(c->v, nc * sizeof *nv);
    if (!nv) {
      c->st = PF_ENOMEM;
      XML_StopParser((XML_Parser)arg, XML_FALSE);
      return;
    }
    c->v = nv;
    c->cap = nc;
  }
  rel *r = &c->v[c->n++];
  r->id = pf__strdup(id);
  r->target = pf__strdup(t);
  r->type = pf__strdup(ty ? ty : "");
  if (!r->id || !r->target || !r->type) {
    c->st = PF_ENOMEM;
    XML_StopParser((XML_Parser)arg, XML_FALSE);
  }
}
static void XMLCALL ignore_end(void *arg, const XML_Char *name) { (void)arg, (void)name; }

static void rels_free(rels_ctx *c) {
  for (size_t i = 0; i < c->n; i++) {
    free(c->v[i].id);
    free(c->v[i].target);
    free(c->v[i].type);
  }
  free(c->v);
}

static pf_status read_rels(pf__xlsx_book *b, const char *part, rels_ctx *c, pf_error *err) {
  memset(c, 0, sizeof *c);
  pf__xlsx_xml_cb cb = {rels_start, ignore_end, NULL, c, &c->st};
  return pf__xlsx_parse_part(b, part, &cb, err);
}

/* Resolves a relationship target against the directory of part `base`. */
static char *resolve(const char *base, const char *target) {
  if (target[0] == '/') return pf__strdup(target + 1);
  pf__buf o;
  pf__buf_init(&o, 4096);
  const char *slash = strrchr(base, '/');
  if (slash && pf__buf_append(&o, base, (size_t)(slash - base + 1)) != PF_OK) goto fail;
  for (const char *t = target; *t;) {
    const char *e = strchr(t, '/');
    size_t n = e ? (size_t)(e - t) : strlen(t);
    if (n == 2 && t[0] == '.' && t[1] == '.') {
      if (o.len) o.len--; /* drop the trailing '/' */
      while (o.len && o.data[o.len - 1] != '/') o.len--;
    } else if (!(n == 1 && t[0] == '.') && n) {
      if (pf__buf_append(&o, t, n) != PF_OK || (e && pf__buf_putc(&o, '/') != PF_OK)) goto fail;
    }
    t += n + (e ? 1 : 0);
  }
  if (pf__buf_putc(&o, 0) != PF_OK) goto fail;
  return (char *)pf__buf_take(&o);
fail:
  pf__buf_free(&o);
  return NULL;
}

static const rel *rel_by_type(const rels_ctx *c, const char *suffix) {
  size_t k = strlen(suffix);
  for (size_t i = 0; i < c->n; i++) {
    size_t n = strlen(c->v[i].type);
    if (n >= k && strcmp(c->v[i].type + n - k, suffix) == 0) return &c->v[i];
  }
  return NULL;
}

/* ---- workbook.xml ---- */
typedef struct wb_ctx {
  pf__xlsx_book *b;
  char **rids;
  size_t cap;
  int ext;        /* depth inside <extLst> (other vocabularies' elements) */
  pf_status st;
} wb_ctx;

static void XMLCALL wb_start(void *arg, const XML_Char *name, const XML_Char **atts) {
  wb_ctx *c = XML_GetUserData((XML_Parser)arg);
  const char *l = pf__xlsx_local(name);
  /* Extensions reuse local names (Excel writes <x15:workbookPr
   * chartTrackingRefBase="1"/> inside <extLst>): only the workbook's own
   * elements count. */
  if (strcmp(l, "extLst") == 0) c->ext++;
  if (c->ext) return;
  if (strcmp(l, "workbookPr") == 0) {
    const char *d = pf__xlsx_attr(atts, "date1904");
    if (d) c->b->date1904 = strcmp(d, "1") == 0 || strcmp(d, "true") == 0;
  } else if (strcmp(l, "sheet") == 0) {
    pf__xlsx_book *b = c->b;
    if (b->n_sheets == c->cap) {
      size_t nc = c->cap ? c->cap * 2 : 8;
      pf__xlsx_sheet *ns = realloc(b->sheets, nc * sizeof *ns);
      char **nr = ns ? realloc(c->rids, nc * sizeof *nr) : NULL;
      if (ns) b->sheets = ns;
      if (!ns || !nr) {
        c->st = PF_ENOMEM;
        XML_StopParser((XML_Parser)arg, XML_FALSE);
        return;
      }
      c->rids = nr;
      c->cap = nc;
    }
    const char *nm = pf__xlsx_attr(atts, "name"), *st = pf__xlsx_attr(atts, "state"),
               *rid = pf__xlsx_attr(atts, "id");
    pf__xlsx_sheet *s = &b->sheets[b->n_sheets];
    memset(s, 0, sizeof *s);
    s->name = pf__strdup(nm ? nm : "");
    s->hidden = !st ? 0 : strcmp(st, "hidden") == 0 ? 1 : strcmp(st, "veryHidden") == 0 ? 2 : 0;
    c->rids[b->n_sheets] = pf__strdup(rid ? rid : "");
    b->n_sheets++;
    if (!s->name || !c->rids[b->n_sheets - 1]) {
      c->st = PF_ENOMEM;
      XML_StopParser((XML_Parser)arg, XML_FALSE);
    }
  }
}

static void XMLCALL wb_end(void *arg, const XML_Char *name) {
  wb_ctx *c = XML_GetUserData((XML_Parser)arg);
  if (strcmp(pf__xlsx_local(name), "extLst") == 0 && c->ext > 0) c->ext--;
}

/* ---- styles.xml ---- */
typedef struct fmt_code {
  unsigned id;
  pf__xlsx_fmt cls;
} fmt_code;
typedef struct st_ctx {
  fmt_code *codes;
  size_t n_codes, cap_codes;
  unsigned *xf_ids;
  size_t n_xf, cap_xf;
  int in_fmts, in_xfs; /* inside <numFmts>, <cellXfs> (a <dxf> holds
                          <numFmt>s of its own, for conditional formats) */
  pf_status st;
} st_ctx;

static int grow(void **v, size_t *cap, size_t n, size_t size) {
  if (n < *cap) return 1;
  size_t nc = *cap ? *cap * 2 : 64;
  void *nv = realloc(*v, nc * size);
  if (!nv) return 0;
  *v = nv;
  *cap = nc;
  return 1;
}

static void XMLCALL st_start(void *arg, const XML_Char *name, const XML_Char **atts) {
  st_ctx *c = XML_GetUserData((XML_Parser)arg);
  const char *l = pf__xlsx_local(name);
  if (strcmp(l, "numFmts") == 0) {
    c->in_fmts = 1;
  } else if (c->in_fmts && strcmp(l, "numFmt") == 0) {
    const char *id = pf__xlsx_attr(atts, "numFmtId"), *code = pf__xlsx_attr(atts, "formatCode");
    if (!id || !code) return;
    if (!grow((void **)&c->codes, &c->cap_codes, c->n_codes, sizeof *c->codes)) goto oom;
    c->codes[c->n_codes].id = (unsigned)strtoul(id, NULL, 10);
    c->codes[c->n_codes++].cls = pf__xlsx_classify_fmt(code);
  } else if (strcmp(l, "cellXfs") == 0) {
    c->in_xfs = 1;
  } else if (c->in_xfs && strcmp(l, "xf") == 0) {
    const char *id = pf__xlsx_attr(atts, "numFmtId");
    if (!grow((void **)&c->xf_ids, &c->cap_xf, c->n_xf, sizeof *c->xf_ids)) goto oom;
    c->xf_ids[c->n_xf++] = id ? (unsigned)strtoul(id, NULL, 10) : 0;
  }
  return;
oom:
  c->st = PF_ENOMEM;
  XML_StopParser((XML_Parser)arg, XML_FALSE);
}
static void XMLCALL st_end(void *arg, const XML_Char *name) {
  st_ctx *c = XML_GetUserData((XML_Parser)arg);
  const char *l = pf__xlsx_local(name);
  if (strcmp(l, "cellXfs") == 0) c->in_xfs = 0;
  else if (strcmp(l, "numFmts") == 0) c->in_fmts = 0;
}

static pf_status read_styles(pf__xlsx_book *b, const char *part, pf_error *err) {
  st_ctx c;
  memset(&c, 0, sizeof c);
  pf__xlsx_xml_cb cb = {st_start, st_end, NULL, &c, &c.st};
  pf_status st = pf__xlsx_parse_part(b, part, &cb, err);
  if (st == PF_OK) {
    b->xf_fmt = malloc(c.n_xf ? c.n_xf : 1);
    if (!b->xf_fmt) st = PF_ENOMEM;
    for (size_t i = 0; st == PF_OK && i < c.n_xf; i++) {
      pf__xlsx_fmt f = pf__xlsx_builtin_fmt(c.xf_ids[i]);
      for (size_t k = 0; k < c.n_codes; k++)
        if (c.codes[k].id == c.xf_ids[i]) f = c.codes[k].cls;
      b->xf_fmt[i] = (uint8_t)f;
    }
    b->n_xf = c.n_xf;
  }
  free(c.codes);
  free(c.xf_ids);
  return st;
}

/* ---- sharedStrings.xml ---- */
typedef struct sst_ctx {
  pf__xlsx_book *b;
  pf__buf text;
  uint64_t *off;
  size_t n, cap;
  int in_si, in_t, rph;
  pf_status st;
  pf_error *err;
} sst_ctx;

/* <si>; <sstItem> in workbooks of the Excel 2007 beta. */
static int is_si(const char *l) { return strcmp(l, "si") == 0 || strcmp(l, "sstItem") == 0; }

static void XMLCALL sst_start(void *arg, const XML_Char *name, const XML_Char **atts) {
  sst_ctx *c = XML_GetUserData((XML_Parser)arg);
  (void)atts;
  const char *l = pf__xlsx_local(name);
  if (l[0] == 't' && l[1] == 0) c->in_t = c->in_si && !c->rph;
  else if (is_si(l)) c->in_si = 1;
  else if (strcmp(l, "rPh") == 0) c->rph++;
}
static void XMLCALL sst_end(void *arg, const XML_Char *name) {
  XML_Parser p = arg;
  sst_ctx *c = XML_GetUserData(p);
  const char *l = pf__xlsx_local(name);
  if (l[0] == 't' && l[1] == 0) c->in_t = 0;
  else if (strcmp(l, "rPh") == 0) c->rph--;
  else if (is_si(l)) {
    c->in_si = 0;
    size_t at = (size_t)c->off[c->n];
    if (c->text.len > at)
      c->text.len = at + pf__xlsx_unescape((char *)c->text.data + at, c->text.len - at);
    if (!grow((void **)&c->off, &c->cap, c->n + 1, sizeof *c->off) || pf__buf_putc(&c->text, 0) != PF_OK) {
      c->st = c->text.len + 1 >= PF__XLSX_SST_LIMIT ? PF_ELIMIT : PF_ENOMEM;
      XML_StopParser(p, XML_FALSE);
      return;
    }
    c->off[++c->n] = c->text.len;
  }
}
static void XMLCALL sst_text(void *arg, const XML_Char *s, int len) {
  XML_Parser p = arg;
  sst_ctx *c = XML_GetUserData(p);
  if (!c->in_t) return;
  pf_status st = pf__buf_append(&c->text, s, (size_t)len);
  if (st != PF_OK) {
    c->st = st;
    XML_StopParser(p, XML_FALSE);
  }
}

static pf_status read_sst(pf__xlsx_book *b, const char *part, pf_error *err) {
  sst_ctx c;
  memset(&c, 0, sizeof c);
  c.b = b;
  pf__buf_init(&c.text, (size_t)PF__XLSX_SST_LIMIT);
  c.off = malloc(64 * sizeof *c.off);
  c.cap = 64;
  if (!c.off) return PF_ENOMEM;
  c.off[0] = 0;
  pf__xlsx_xml_cb cb = {sst_start, sst_end, sst_text, &c, &c.st};
  pf_status st = pf__xlsx_parse_part(b, part, &cb, err);
  if (st == PF_ELIMIT) {
    pf__error_set(err, PF_ELIMIT,
                  "the workbook's shared strings (%s) hold more than %llu bytes of text, the "
                  "limit for the table kept in memory",
                  part, (unsigned long long)PF__XLSX_SST_LIMIT);
    pf__error_file(err, b->path);
  }
  if (st != PF_OK) {
    pf__buf_free(&c.text);
    free(c.off);
    return st;
  }
  b->sst = c.text.data ? (char *)pf__buf_take(&c.text) : pf__strdup("");
  b->sst_off = c.off;
  b->n_sst = c.n;
  b->sst_len = malloc((c.n ? c.n : 1) * sizeof *b->sst_len);
  if (!b->sst || !b->sst_len) return PF_ENOMEM;
  for (size_t i = 0; i < c.n; i++) b->sst_len[i] = (uint32_t)(c.off[i + 1] - c.off[i] - 1);
  return PF_OK;
}

/* ---- CFB (OLE2) files: encrypted workbooks and legacy .xls ---- */
static int has_u16(const uint8_t *p, size_t n, const char *s) {
  size_t k = strlen(s);
  for (size_t i = 0; i + 2 * k <= n; i++) {
    size_t j = 0;
    while (j < k && p[i + 2 * j] == (uint8_t)s[j] && p[i + 2 * j + 1] == 0) j++;
    if (j == k) return 1;
  }
  return 0;
}

static pf_status cfb_error(pf__xlsx_book *b, pf_error *err) {
  size_t n = (size_t)pf__source_disk_size(b->src), got = 0;
  if (n > (64u << 20)) n = 64u << 20;
  uint8_t *m = malloc(n ? n : 1);
  if (!m) return PF_ENOMEM;
  pf_status st = pf__source_pread(b->src, 0, m, n, &got, err);
  if (st != PF_OK) {
    free(m);
    return st;
  }
  int enc = has_u16(m, got, "EncryptedPackage") || has_u16(m, got, "EncryptionInfo");
  int xls = has_u16(m, got, "Workbook") || has_u16(m, got, "Book");
  free(m);
  if (enc)
    pf__error_set(err, PF_EUNSUPPORTED,
                  "the workbook is password-protected (encrypted); open it in Excel, remove the "
                  "password (File > Info > Protect Workbook > Encrypt with Password) and save it "
                  "again, then convert the saved copy");
  else if (xls)
    pf__error_set(err, PF_EUNSUPPORTED,
                  "this is a legacy Excel 97-2003 workbook (.xls), not an .xlsx; save it as .xlsx "
                  "in Excel or convert it with `soffice --headless --convert-to xlsx FILE`, then "
                  "convert the .xlsx");
  else
    pf__error_set(err, PF_EFORMAT,
                  "this is an OLE2 compound file (an old Office format), not an .xlsx workbook");
  pf__error_file(err, b->path);
  return err ? err->status : PF_EUNSUPPORTED;
}

/* ---- open ---- */
/* Damage Excel would repair where the intent is plain: said in a warning
 * (the log) and read on. */
static void repaired(const pf__xlsx_book *b, const char *fmt, ...) PF__PRINTF(2, 3);
static void repaired(const pf__xlsx_book *b, const char *fmt, ...) {
  if (!pf__log_enabled(b->log, PF_LOG_WARN)) return;
  char msg[768];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  pf__log_msg(b->log, PF_LOG_WARN, "%s: %s", b->path, msg);
}

/* Where the workbook part is: _rels/.rels says; without it, or when it
 * cannot be read (damaged), xl/workbook.xml as every writer names it. */
static pf_status find_workbook(pf__xlsx_book *b, char **wb_part, pf_error *err) {
  *wb_part = NULL;
  if (pf__zip_find(b->zip, "_rels/.rels")) {
    rels_ctx root;
    pf_error e;
    pf_error_init(&e);
    pf_status st = read_rels(b, "_rels/.rels", &root, &e);
    if (st == PF_OK) {
      const rel *r = rel_by_type(&root, "/officeDocument");
      if (r && !(*wb_part = resolve("", r->target))) st = PF_ENOMEM;
    }
    rels_free(&root);
    if (st == PF_ENOMEM) return st;
    if (st != PF_OK) {
      if (!pf__zip_find(b->zip, "xl/workbook.xml")) {
        pf__error_copy(err, &e);
        return st;
      }
      repaired(b, "the package's _rels/.rels cannot be read (%s); reading xl/workbook.xml", e.message);
    }
  }
  if (!*wb_part && !(*wb_part = pf__strdup("xl/workbook.xml"))) return PF_ENOMEM;
  return PF_OK;
}

/* Each sheet's part from its r:id. A sheet without one (empty r:id, or
 * an id the relationships lack: Excel 4 macro sheets and VBA module
 * sheets are written so) takes the one worksheet relationship no sheet
 * claims when it is the only such sheet; otherwise it has no part and
 * reads as empty. Both are said in a warning. */
static pf_status sheet_parts(pf__xlsx_book *b, const char *wb_part, const char *rels_part,
                             const rels_ctx *wr, char **rids) {
  size_t lost = 0, free_rels = 0, lone = 0;
  const rel *spare = NULL;
  for (size_t i = 0; i < b->n_sheets; i++) {
    const rel *r = NULL;
    for (size_t k = 0; k < wr->n && rids[i][0]; k++)
      if (strcmp(wr->v[k].id, rids[i]) == 0) r = &wr->v[k];
    if (!r) {
      lost++;
      lone = i;
      continue;
    }
    if (!(b->sheets[i].part = resolve(wb_part, r->target))) return PF_ENOMEM;
  }
  if (lost == 0) return PF_OK;
  for (size_t k = 0; k < wr->n; k++) {
    size_t n = strlen(wr->v[k].type);
    if (n < 10 || strcmp(wr->v[k].type + n - 10, "/worksheet") != 0) continue;
    int claimed = 0;
    for (size_t i = 0; i < b->n_sheets && !claimed; i++) claimed = strcmp(wr->v[k].id, rids[i]) == 0;
    if (!claimed) free_rels++, spare = &wr->v[k];
  }
  if (lost == 1 && free_rels == 1) {
    if (!(b->sheets[lone].part = resolve(wb_part, spare->target))) return PF_ENOMEM;
    repaired(b, "the sheet '%s' has no relationship '%s' in %s; it is read from %s, the only "
                "worksheet no other sheet names",
             b->sheets[lone].name, rids[lone], rels_part, b->sheets[lone].part);
    return PF_OK;
  }
  for (size_t i = 0; i < b->n_sheets; i++)
    if (!b->sheets[i].part)
      repaired(b, "the sheet '%s' has no relationship '%s' in %s (a macro or module sheet?); it "
                  "is read as empty",
               b->sheets[i].name, rids[i], rels_part);
  return PF_OK;
}

static pf_status load(pf__xlsx_book *b, pf_error *err) {
  uint8_t magic[8] = {0};
  size_t got = 0;
  PF_TRY(pf__source_pread(b->src, 0, magic, 8, &got, err));
  static const uint8_t cfb[8] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};
  if (got == 8 && memcmp(magic, cfb, 8) == 0) return cfb_error(b, err);
  if (got == 0) {
    pf__error_set(err, PF_EEMPTY, "the file is empty");
    pf__error_file(err, b->path);
    return PF_EEMPTY;
  }
  PF_TRY(pf__zip_open(b->src, b->path, NULL, &b->zip, err));

  char *wb_part = NULL;
  PF_TRY(find_workbook(b, &wb_part, err));
  if (!pf__zip_find(b->zip, wb_part)) {
    pf__error_set(err, PF_EFORMAT,
                  "the ZIP archive has no %s, so it is not an Excel workbook (a Word or "
                  "PowerPoint file, or a plain ZIP?)",
                  wb_part);
    pf__error_file(err, b->path);
    free(wb_part);
    return PF_EFORMAT;
  }
  wb_ctx w = {b, NULL, 0, 0, PF_OK};
  pf__xlsx_xml_cb cb = {wb_start, wb_end, NULL, &w, &w.st};
  pf_status st = pf__xlsx_parse_part(b, wb_part, &cb, err);
  /* Workbook relationships: sheets, styles, shared strings. */
  char *rels_part = NULL;
  rels_ctx wr;
  memset(&wr, 0, sizeof wr);
  if (st == PF_OK) {
    const char *slash = strrchr(wb_part, '/');
    rels_part = pf__aprintf("%.*s_rels/%s.rels", slash ? (int)(slash - wb_part + 1) : 0, wb_part,
                            slash ? slash + 1 : wb_part);
    if (!rels_part) st = PF_ENOMEM;
    else st = read_rels(b, rels_part, &wr, err);
  }
  if (st == PF_OK) st = sheet_parts(b, wb_part, rels_part, &wr, w.rids);
  if (st == PF_OK) {
    const rel *r = rel_by_type(&wr, "/styles");
    char *part = r ? resolve(wb_part, r->target) : NULL;
    if (part && pf__zip_find(b->zip, part)) st = read_styles(b, part, err);
    free(part);
  }
  if (st == PF_OK) {
    const rel *r = rel_by_type(&wr, "/sharedStrings");
    char *part = r ? resolve(wb_part, r->target) : NULL;
    if (part && pf__zip_find(b->zip, part)) st = read_sst(b, part, err);
    else if (part)
      repaired(b, "the workbook lists shared strings in %s but the archive has no such part; "
                  "read without them (a cell that uses one is an error)",
               part);
    free(part);
  }
  if (w.rids)
    for (size_t i = 0; i < b->n_sheets; i++) free(w.rids[i]);
  free(w.rids);
  rels_free(&wr);
  free(rels_part);
  free(wb_part);
  return st;
}

pf_status pf__xlsx_book_open(pf__xlsx_book *b, const char *path, const pf__opts *o,
                             uint64_t max_field, const pf__log *log, pf_error *err) {
  memset(b, 0, sizeof *b);
  b->path = path;
  b->log = log;
  b->max_field = max_field;
  b->scanner = o ? o->settings.xlsx_scanner : 0;
  PF_TRY(pf__infer_ctx_init(&b->ictx));
  PF_TRY(pf__source_open_opts(path, o, &b->src, err));
  pf_status st = load(b, err);
  if (st == PF_OK && b->n_sheets == 0) {
    pf__error_set(err, PF_EEMPTY, "the workbook has no sheets");
    pf__error_file(err, path);
    st = PF_EEMPTY;
  }
  if (st != PF_OK && err && !err->file[0]) pf__error_file(err, path);
  return st;
}

void pf__xlsx_sheet_free_sample(pf__xlsx_sheet *sh) {
  for (size_t i = 0; sh->hdr && i < sh->n_hdr; i++) free(sh->hdr[i]);
  free(sh->hdr);
  sh->hdr = NULL;
  sh->n_hdr = 0;
  free(sh->types);
  sh->types = NULL;
  sh->n_types = 0;
  free(sh->signature);
  sh->signature = NULL;
  free(sh->dimension);
  sh->dimension = NULL;
  sh->sampled = 0;
}

void pf__xlsx_book_close(pf__xlsx_book *b) {
  for (size_t i = 0; i < b->n_sheets; i++) {
    pf__xlsx_sheet_free_sample(&b->sheets[i]);
    free(b->sheets[i].name);
    free(b->sheets[i].part);
  }
  free(b->sheets);
  free(b->xf_fmt);
  free(b->sst);
  free(b->sst_off);
  free(b->sst_len);
  pf__zip_close(b->zip);
  pf__source_close(b->src);
  pf__infer_ctx_free(&b->ictx);
  memset(b, 0, sizeof *b);
}

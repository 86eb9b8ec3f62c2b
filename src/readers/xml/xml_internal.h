/* xml_internal.h - the XML reader's state, shared by its files.
 *
 *   xml_decode.c  the file's encoding, and transcoding to UTF-8 what expat
 *                 does not read itself (UTF-32, multi-byte encodings)
 *   xml_tree.c    element/attribute path trees: interning by hash, names
 *   xml_parse.c   the expat driver: blocks, documents, limits, security,
 *                 errors with line/column/path; the element handlers
 *   xml_plan.c    after the discovery pass: row tag, columns, types
 *   xml_emit.c    a record's values -> batch rows (join/json/explode)
 *   xml_reader.c  the reader ops table (open/next/rewind/info/...)
 *
 * How it reads (docs/xml.md has the user's view): open() makes a discovery
 * pass over the whole input, interning every absolute element/attribute
 * path into the "absolute tree" with counts, repeat flags and the type
 * ladder of its values; xml_plan.c then picks the row tag, builds the
 * "relative tree" (paths below the record element, merged across every
 * place the record element occurs) and the columns. next() makes the read
 * pass: it parses again, buffers one record's values and emits its rows.
 * Memory: the trees (bounded by the path limit), one record, one batch.
 */
#ifndef PF_READERS_XML_INTERNAL_H
#define PF_READERS_XML_INTERNAL_H

/* The system expat is built with DTD support (entity amplification limits
 * are declared only then). */
#ifndef XML_DTD
#define XML_DTD
#endif
#include <expat.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/format_api.h"
#include "core/infer.h"
#include "io/source.h"

#define PF__XML_NONE UINT32_MAX
#define PF__XML_MAX_DEPTH 2048
#define PF__XML_BLOCK (1u << 20)
#define PF__XML_SAMPLE 48 /* bytes of a value kept as info's sample */

enum { PF__XML_ELEM = 0, PF__XML_ATTR = 1 };

/* One path: an element (text slot) or an attribute of its parent element. */
typedef struct pf__xml_node {
  uint32_t parent;       /* PF__XML_NONE for a root                        */
  uint32_t name_off;     /* mapped name (namespace mode) in tree->names    */
  uint32_t name_len;
  uint32_t local_off;    /* local name (no prefix)                         */
  uint32_t local_len;
  uint32_t qname_off;    /* prefix:local as written                        */
  uint32_t qname_len;
  uint32_t sample_off;   /* first value (<= PF__XML_SAMPLE bytes)          */
  uint32_t sample_len;
  uint32_t first_child;  /* children in creation order                     */
  uint32_t last_child;
  uint32_t next_sibling;
  uint32_t rel;          /* absolute tree: the relative node, or NONE      */
  uint32_t hint;         /* private: the child found last (lookup cache)   */
  int32_t col;           /* output column of this slot, -1 if none         */
  uint16_t depth;        /* 1 for a root (absolute) / the record (relative) */
  uint8_t kind;          /* PF__XML_ELEM or PF__XML_ATTR                   */
  uint8_t repeated;      /* some parent instance holds it twice or more    */
  uint8_t has_elems;     /* some instance has child elements               */
  uint8_t has_attrs;     /* some instance has attributes                   */
  uint8_t leaf_seen;     /* some instance has neither                      */
  uint8_t text_seen;     /* some instance has non-blank text               */
  uint8_t rec_root;      /* absolute: a record element (outermost)         */
  uint8_t is_e;          /* relative: the exploded path                    */
  uint8_t under_e;       /* relative: is_e or below it                     */
  uint8_t multi;         /* relative: may hold several values per cell     */
  uint64_t occ;          /* occurrences                                    */
  uint64_t parents_with; /* distinct parent instances holding it           */
  uint64_t last_parent;  /* private: serial of the last parent instance    */
  uint64_t seq;          /* order of the first value (UINT64_MAX: none)    */
  pf__infer_col inf;     /* type ladder of the non-empty values            */
} pf__xml_node;

typedef struct pf__xml_tree {
  pf__xml_node *nodes;
  uint32_t n, cap;
  uint32_t *slots;       /* open addressing: node index + 1, 0 = empty    */
  uint32_t n_slots;      /* power of two                                   */
  pf__buf names;         /* name and sample bytes                          */
  uint32_t max_nodes;
} pf__xml_tree;

void pf__xml_tree_init(pf__xml_tree *t, uint32_t max_nodes);
void pf__xml_tree_free(pf__xml_tree *t);
/* Finds (parent, kind, name) or adds it (create != 0). *idx = NONE when
 * not found. PF_ELIMIT past max_nodes. local/qname are stored on creation. */
pf_status pf__xml_tree_get(pf__xml_tree *t, uint32_t parent, int kind,
                           const char *name, size_t len, const char *local,
                           size_t local_len, const char *qname, size_t qname_len,
                           int create, uint32_t *idx);
static inline const char *pf__xml_name(const pf__xml_tree *t, const pf__xml_node *n) {
  return (const char *)t->names.data + n->name_off;
}
/* Keeps the first PF__XML_SAMPLE bytes of a value as the node's sample. */
void pf__xml_tree_sample(pf__xml_tree *t, pf__xml_node *n, const char *s, size_t len);
/* "/catalog/book/title" for node idx (attributes as "/@id"). */
pf_status pf__xml_tree_path(const pf__xml_tree *t, uint32_t idx, pf__buf *out);

/* An output column. */
typedef struct pf__xml_col {
  char *name;
  uint32_t rel;          /* relative node, NONE for _document_id           */
  pf_type type;
  uint8_t multi;         /* several values per cell possible               */
  uint8_t under_e;       /* below the exploded element                     */
  uint8_t json;          /* rendered as a JSON array                       */
  uint64_t seq;
} pf__xml_col;

/* One value of the record being read. */
typedef struct pf__xml_val {
  int32_t col;
  uint32_t next;         /* next value of the same column, NONE at the end */
  uint64_t e_occ;        /* occurrence of the exploded element (0: outside) */
  size_t off, len;       /* in rec_text                                    */
} pf__xml_val;

typedef struct pf__xml_frame {
  uint32_t node;
  uint64_t serial;       /* instance serial (parents of repeated children) */
  uint64_t e_occ;
  size_t text_start;     /* this element's text in the text stack          */
  size_t seg_start;      /* the text segment being received               */
  uint8_t has_child, has_attr;
} pf__xml_frame;

enum { PF__XML_DISCOVER = 0, PF__XML_READ = 1 };

/* The byte front (xml_decode.c): the input as expat reads it. */
typedef struct pf__xml_decoder {
  int decided;              /* the encoding was decided (first pass)        */
  void *cd;                 /* iconv_t to UTF-8, NULL: bytes go as they are */
  char from[48];            /* the encoding transcoded from                 */
  const char *how;          /* how it was told (static text)                */
  char label[112];          /* what info says of it: "<from> (<how>)"       */
  size_t skip;              /* bytes skipped at the start (extra BOMs)      */
  uint8_t *raw;             /* undecoded input                              */
  size_t raw_len, raw_pos;
  uint64_t raw_abs;         /* file offset of raw[0]                        */
  int src_eof;
  int64_t lines;            /* newlines handed out (for errors)             */
} pf__xml_decoder;

typedef struct pf__xml_reader {
  const pf__reader_env *env;
  const pf__opts *opts;
  pf__infer_ctx ictx;
  pf__source *src;
  pf__xml_decoder dec;
  /* options, resolved */
  pf__xml_arrays arrays;
  pf__xml_namespaces ns_mode;
  const char *attr_prefix, *path_sep, *value_name, *array_sep;
  size_t max_field, max_record;
  uint32_t max_cols;

  /* ---- parsing (xml_parse.c) ---- */
  int pass;                 /* PF__XML_DISCOVER or PF__XML_READ            */
  XML_Parser parser;        /* NULL between documents                      */
  uint8_t *block;           /* current decompressed block                  */
  size_t block_len, block_pos;
  uint64_t block_abs;       /* offset of block[0] in the input             */
  int eof;
  int suspended;            /* parser suspended (batch full)               */
  int doc_end;              /* the root element just ended                 */
  int done;                 /* the pass reached the end                    */
  uint64_t parser_abs;      /* input offset of the parser's first byte     */
  size_t feed;              /* bytes given to expat per call (see run)     */
  unsigned long salt;       /* expat's hash salt, drawn once per reader    */
  uint64_t doc_end_abs;
  int64_t line_base, col_base; /* place of the parser's first byte         */
  int64_t end_line, end_col;
  int root_seen;            /* this parser saw its root element            */
  int final_sent;           /* the parser was told the input ended         */
  int64_t n_docs;           /* documents begun in this pass                */
  pf__xml_frame *stack;     /* open elements                               */
  uint32_t depth, stack_cap;
  uint32_t max_depth;
  uint64_t serial;
  pf__buf tstack;           /* texts of the open elements                  */
  pf__buf scratch;          /* mapped names                                */
  pf__buf scratch2;
  pf_status fail;           /* an error raised inside a handler            */
  pf_error ferr;
  char bad_encoding[64];    /* unknown-encoding name that was refused      */

  /* ---- discovery results ---- */
  pf__xml_tree abs;         /* absolute paths                              */
  pf__xml_tree rel;         /* paths below the record element              */
  char *decl_encoding;      /* first document's declared encoding          */
  pf__buf ns_list;          /* "prefix=uri" entries, '\n' separated        */
  uint32_t n_ns;
  int64_t docs_total;
  char *row_tag;            /* the record element's (mapped) name          */
  char *row_tag_reason;
  char *row_tag_runner_up;  /* detected: the next best candidate, or NULL  */
  int row_tag_detected;
  uint32_t e_rel;           /* exploded relative node, NONE                */
  int64_t records, rows_total;
  pf__xml_col *cols;
  size_t n_cols;
  int docid_col;            /* index of _document_id or -1                 */
  pf_schema *schema;

  /* ---- read pass (xml_emit.c) ---- */
  pf_batch *batch;
  size_t batch_bytes;       /* string bytes in the batch                   */
  int64_t rows_out;
  uint32_t rec_depth;       /* 0: outside a record                         */
  int64_t rec_doc;          /* document of the record                      */
  uint64_t e_count;         /* occurrences of the exploded element         */
  pf__xml_val *vals;
  size_t n_vals, vals_cap;
  pf__buf rec_text;
  uint32_t *head, *tail, *cursor; /* per column value lists               */
  uint64_t rows_pending;    /* rows of the finished record left to emit    */
  uint64_t row_next;        /* next row of it (0-based)                    */
  pf__buf cell;             /* joined/JSON cell text                       */
  uint64_t bytes_read;
} pf__xml_reader;

/* xml_decode.c */
/* Starts reading at the first byte; the first call decides the encoding
 * (PF_EENCODING for EBCDIC). */
pf_status pf__xml_decode_begin(pf__xml_reader *r, pf_error *err);
/* Up to n bytes of the input as expat reads it; *got == 0 at the end. */
pf_status pf__xml_decode_read(pf__xml_reader *r, uint8_t *dst, size_t n, size_t *got,
                              pf_error *err);
void pf__xml_decode_free(pf__xml_reader *r);
/* 1 when `name` is a single-byte, ASCII-compatible encoding iconv knows;
 * fills map[b] with the code point of byte b (-1: not a character). */
int pf__xml_single_byte_map(const char *name, int map[256]);

/* xml_parse.c */
/* Starts a pass from the first byte. */
pf_status pf__xml_pass_begin(pf__xml_reader *r, int pass, pf_error *err);
/* Parses until the pass ends (r->done) or, in the read pass, the batch is
 * full. */
pf_status pf__xml_pass_run(pf__xml_reader *r, pf_error *err);
void pf__xml_parser_free(pf__xml_reader *r);
/* Records an error raised inside a handler and stops the parser. */
void pf__xml_fail(pf__xml_reader *r, pf_status st, const char *fmt, ...)
    PF__PRINTF(3, 4);

/* xml_plan.c */
pf_status pf__xml_plan(pf__xml_reader *r, pf_error *err);
const char *pf__xml_arrays_name(pf__xml_arrays a);
const char *pf__xml_ns_name(pf__xml_namespaces n);

/* xml_emit.c */
pf_status pf__xml_emit_init(pf__xml_reader *r);
void pf__xml_emit_free(pf__xml_reader *r);
void pf__xml_record_begin(pf__xml_reader *r);
/* Adds a value of column col to the record being read. */
pf_status pf__xml_record_value(pf__xml_reader *r, int32_t col, uint64_t e_occ,
                               const char *s, size_t n);
/* The record is complete: computes its rows. */
void pf__xml_record_end(pf__xml_reader *r);
/* Emits pending rows into the batch while it has room. */
pf_status pf__xml_emit_pending(pf__xml_reader *r, pf_error *err);
static inline int pf__xml_batch_full(const pf__xml_reader *r) {
  return r->batch->n_rows >= r->batch->cap_rows || r->batch_bytes >= ((size_t)1 << 30);
}

#endif

/* jsonl.h - the JSON Lines plugin's parts (the template plugin: written
 * against pyforge/plugin.h only; docs/extensions.md walks through it).
 *
 *   jsonl_plugin.c  the entry point, the option keys, the reader's glue
 *   jsonl_parse.c   one line of JSON -> the scalars it holds, by path
 *   jsonl_schema.c  paths and columns: naming, inference, widening
 *   jsonl_read.c    blocks of lines parsed in parallel into batches
 *
 * Input: one JSON value per line (UTF-8; blank lines skipped; \r\n too).
 * An object is one row; its nested objects become columns named by path
 * with the engine's rule (host->path_name: "a.b", and "a._VALUE" for a
 * key that holds an object in some rows and a scalar in others); arrays
 * (and, with jsonl.nested=json, nested objects) are kept as their JSON
 * text. A line that is not an object is one row whose value is _VALUE.
 *
 * Types, by the engine's inference: numbers by their literal (int64,
 * double when exact, else the text), true/false boolean, strings stay
 * strings unless they are dates or timestamps (the ladder's date and
 * timestamp rungs), null is null. A column's type is the widening of its
 * values' types over a sample of rows (jsonl.sample_rows); a later value
 * that does not fit (or a new key) makes the reader read the rest of the
 * input for every such change, then restart once with the final schema.
 */
#ifndef PF_PLUGIN_JSONL_H
#define PF_PLUGIN_JSONL_H

#include <stddef.h>
#include <stdint.h>

#include "pyforge/plugin.h"

extern const pf_host *jl_host; /* set by pyforge_plugin_init */

/* Propagates a non-OK status. */
#define JL_TRY(expr)                     \
  do {                                   \
    pf_status jl_st_ = (expr);           \
    if (jl_st_ != PF_OK) return jl_st_;  \
  } while (0)

/* ---- one line's scalars (jsonl_parse.c) ---- */

typedef enum jl_kind {
  JL_NULL = 0,
  JL_BOOL,      /* text "true" / "false"                                   */
  JL_NUM,       /* the number's literal text                               */
  JL_STR,       /* decoded UTF-8 text                                      */
  JL_RAW        /* an array (or a nested object, jsonl.nested=json): its
                   JSON text as written                                    */
} jl_kind;

typedef struct jl_cell {
  int32_t node;       /* the path node the value sits at                   */
  uint8_t kind;       /* jl_kind                                           */
  const char *p;      /* text (line or scratch)                            */
  size_t n;
} jl_cell;

/* How paths are looked up while parsing: discover = 1 adds unknown keys
 * (the sample; sequential), 0 reports them (typed parsing; parallel,
 * the tree read-only). */
typedef struct jl_line {
  struct jl_tree *tree;
  int discover;
  int nested_json;    /* jsonl.nested=json: nested objects as text         */
  jl_cell *cells;     /* the line's scalars, in order                      */
  size_t n_cells, cap_cells;
  char *scratch;      /* decoded strings with escapes; >= the line's size  */
  size_t scratch_cap, scratch_len;
  int32_t *cache;     /* last path seen at each key position (speed)       */
  size_t cache_cap, key_seq;
  int unknown;        /* typed mode: a key not in the tree was met         */
  int too_many;       /* discover: the tree would pass its node cap        */
  char why[160];      /* a malformed line: what is wrong                   */
} jl_line;

void jl_line_init(jl_line *l, struct jl_tree *tree, int discover, int nested_json);
void jl_line_free(jl_line *l);
/* Parses p[0..n) (no newline). PF_OK, PF_EBADROW (malformed: l->why), or
 * PF_ENOMEM. l->unknown / l->too_many say the tree lacked a key. */
pf_status jl_parse_line(jl_line *l, const char *p, size_t n);

/* ---- paths and columns (jsonl_schema.c) ---- */

typedef struct jl_node {
  int32_t parent;     /* -1 for the root (the record)                      */
  char *key;
  uint32_t key_len;
  uint32_t hash;
  int32_t col;        /* the column of this node's own values, or -1       */
  uint8_t has_object; /* held an object in some row                        */
} jl_node;

typedef struct jl_col {
  int32_t node;
  pf_type type;       /* widened over the values seen (NULL: none yet)     */
  int big;            /* an int64 beyond 2^53 was seen                     */
} jl_col;

typedef struct jl_tree {
  jl_node *nodes;
  size_t n_nodes, cap_nodes;
  int32_t *slots;     /* open addressing: (parent, key) -> node            */
  size_t n_slots;
  jl_col *cols;
  size_t n_cols, cap_cols;
  size_t max_nodes;   /* cap on distinct paths (input.max_columns based)   */
} jl_tree;

pf_status jl_tree_init(jl_tree *t, size_t max_nodes);
void jl_tree_free(jl_tree *t);
/* The child of parent named key, or -1. */
int32_t jl_tree_find(const jl_tree *t, int32_t parent, const char *key, size_t n);
/* ... adding it when missing (-1: out of memory or past max_nodes). */
int32_t jl_tree_add(jl_tree *t, int32_t parent, const char *key, size_t n);

/* The type one value gives (string: date/timestamp or string). */
pf_type jl_value_type(const pf_infer *inf, const jl_cell *c, int *big);
/* Does the value fit a column of type t? (typed parsing) */
int jl_value_fits(const pf_infer *inf, pf_type t, const jl_cell *c);

/* Folds one parsed line into the tree's columns (discover mode). Calls
 * note(user, col, from, to, cell) when a column that existed is widened or
 * a column is new (from = PF_TYPE_COUNT_). -1 col: out of memory. */
typedef void (*jl_note_fn)(void *user, size_t col, pf_type from, pf_type to, const jl_cell *c);
pf_status jl_tree_fold(jl_tree *t, const pf_infer *inf, const jl_line *l, jl_note_fn note,
                       void *user);
/* The schema the columns give (all_strings: every column a string);
 * notes[i] (may be NULL) are attached. */
pf_status jl_tree_schema(const jl_tree *t, int all_strings, char *const *notes, pf_schema **out,
                         pf_error *err);

/* ---- the reader (jsonl_read.c) ---- */
typedef struct jl_reader jl_reader;
pf_status jl_reader_open(const pf_reader_env *env, jl_reader **out, pf_error *err);
pf_status jl_reader_next(jl_reader *r, pf_batch **out, pf_error *err);
pf_status jl_reader_rewind(jl_reader *r, pf_error *err);
/* Reads every line once (info): the exact rows and the final types. */
pf_status jl_reader_scan(jl_reader *r, int64_t *rows, pf_error *err);
const pf_schema *jl_reader_schema(const jl_reader *r);
const pf_reader_env *jl_reader_env(const jl_reader *r);
void jl_reader_stats(const jl_reader *r, pf_reader_stats *out);
void jl_reader_close(jl_reader *r);

#endif

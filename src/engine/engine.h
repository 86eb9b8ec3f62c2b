/* engine.h - what convert, info, validate and streams share: resolved
 * options, and a session holding the chosen reader, the thread pool and the
 * log for one call. */
#ifndef PF_ENGINE_ENGINE_H
#define PF_ENGINE_ENGINE_H

#include "core/buf.h"
#include "core/format_api.h"

/* ---- options (options.c) ---- */

/* Every key at its table's default (tests build options this way too). */
void pf__opts_init(pf__opts *r);
/* The options a call runs with: defaults, then what h sets. r points into h
 * (strings, lists): h must outlive r. */
pf_status pf__opts_resolve(const pf_options *h, pf__opts *r, pf_error *err);
/* A path, "-", an fd or a buffer was given. */
int pf__opts_has_input(const pf__opts *o);
/* A key's value as text (canonical), for keys without a field; the default
 * when unset or when o was not resolved from a handle. */
const char *pf__opts_text(const pf__opts *o, const char *key);
/* A list key's items (a bound field such as excel.sheets, or a plugin's
 * key read from the handle): how many, and item i (NULL past the end). */
size_t pf__opts_count(const pf__opts *o, const char *key);
const char *pf__opts_item(const pf__opts *o, const char *key, size_t i);
/* A key by key or short name; NULL when unknown. */
const pf__option *pf__option_find(const char *key_or_name);

/* ---- sessions (session.c) ---- */

typedef struct pf__session {
  const pf__reader_ops *rops; /* the input's reader                   */
  void *reader;               /* its state once opened                */
  pf__reader_env renv;        /* what the reader was given            */
  pf__pool *pool;
  pf__log log;
  const char *plugin;         /* the reader's plugin (NULL: built in) */
  pf__log rlog;               /* the reader's log: "[plugin] " lines  */
  pf__log_prefix rlog_fwd;
  int spooled;                /* the input was copied to spool_fd     */
  int spool_fd;               /* anonymous temporary file (spooled)   */
  pf__opts spool_opts;        /* the call's options reading spool_fd:
                                 what renv.opts points to when spooled */
} pf__session;

/* Picks the reader and starts the pool; the reader is not opened yet (set
 * renv.reject first if needed). Standard input ("-"), a descriptor input
 * that is no regular file (a pipe) and a path naming a stream (a FIFO,
 * /dev/stdin) are first copied once to an anonymous
 * temporary file, so the format is told by their content like a file's and
 * the reader can read them again; renv.opts then names that copy as a
 * descriptor input (renv.path stays "-" or the name), and
 * pf__session_close frees it. pf__session_close is needed on failure too.
 * The caller has entered the plugin registry (pf__plugins_enter). The
 * session must not move in memory once open (renv points into it). */
pf_status pf__session_open(pf__session *s, const pf__opts *opts,
                           pf_error *err);
pf_status pf__session_open_reader(pf__session *s, pf_error *err);
void pf__session_close(pf__session *s);
/* Is o's input a stream a session copies first (standard input, a pipe or
 * device descriptor, a path naming a FIFO or device)? Reading one to tell
 * its format would consume it. */
int pf__session_input_is_stream(const pf__opts *o);

double pf__now(void); /* monotonic seconds */

/* ---- JSON ---- */
/* Appends the original PyForge CLI's info keys (",\"file_name\":...") to an
 * open JSON object (info_original.c). */
pf_status pf__info_original_json(pf__buf *b, const pf_info *info);
/* Appends a pf_error as a JSON object: status, message and its place
 * (result_json.c). */
pf_status pf__error_json(pf__buf *b, const pf_error *e);
int pf__canceled(const pf__opts *opts);

#endif

/* plan.h - which outputs one conversion makes. A single-table input gives
 * one output; a multi-table input's tables are selected (the reader's
 * tables_key: excel.sheets, access.tables), grouped (a workbook's sheets
 * with the same header signature share an output unless --separate; a
 * database's tables are each apart) and named (one output: a file;
 * several: files in a directory). */
#ifndef PF_ENGINE_PLAN_H
#define PF_ENGINE_PLAN_H

#include "core/format_api.h"

typedef struct pf__job {
  char *target;          /* output path                                  */
  size_t *tables;        /* table indexes read into it (NULL: the input)  */
  size_t n_tables;
  char *table_names;     /* "Sheet1,Sheet2" (NULL for single tables)     */
  char *table_column;    /* "<table word>_name" ("sheet_name") when tables
                            are combined, else NULL                       */
} pf__job;

typedef struct pf__plan {
  size_t n_jobs;
  pf__job *jobs;
  char *dir;             /* the directory holding several outputs, or NULL */
  int dir_created;       /* 1 if this conversion created dir              */
  size_t n_skipped;      /* tables left out because they hold no rows     */
  char **skipped;
} pf__plan;

/* The output path pf_convert uses: output.path (an existing directory gets
 * the file under its default name, like cp), else input.path with the
 * writer's extension (a table writer: <stem>_<format>). */
pf_status pf__default_output(const pf__opts *o, char *buf, size_t n, pf_error *err);

/* The word for one table of the reader's input ("sheet", "table"). */
const char *pf__table_word(const pf__reader_ops *rops);

/* Builds the plan for an opened reader. target is pf_default_output()'s
 * answer (the OUTPUT given, or the default single-output path); w is the
 * writer (NULL: the default, parquet): a table writer's outputs are
 * directories, a file writer's files with its first extension; several
 * outputs go into <stem>_<writer name>/. Does not create anything on
 * disk. */
pf_status pf__plan_build(pf__plan *plan, const pf__reader_ops *rops,
                         void *reader, const pf__opts *opts,
                         const char *target, const pf__writer_ops *w,
                         pf_error *err);
/* Creates plan->dir when the plan needs one (PF_EOUTPUT if it cannot). */
pf_status pf__plan_make_dir(pf__plan *plan, pf_error *err);
/* Removes plan->dir if this conversion created it and it is empty. */
void pf__plan_undo_dir(pf__plan *plan);
void pf__plan_free(pf__plan *plan);
/* Removes job j (a table that failed; the others are still written). */
void pf__plan_drop_job(pf__plan *plan, size_t j);

#endif

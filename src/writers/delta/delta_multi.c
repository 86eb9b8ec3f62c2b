/* delta_multi.c - one Delta write fed by several inputs at once, committed
 * as one version (pf_batch_run's table mode, src/engine/batch_table.c).
 *
 * The main write is an ordinary Delta writer (delta_open with the schema
 * every input is cast to): it reads the table, plans the schema, the
 * partitioning and the protocol, and at the end commits. Each input gets a
 * part: a writer that borrows the main write's plan and owns only its data
 * files, so inputs are written in parallel, each through its own Parquet
 * writers. A part whose input was read to the end is kept (its finished
 * files join the main write's, to be added by the one commit); a part whose
 * input failed is dropped (its files removed at once), so nothing of that
 * input is committed. Directories a part created are handed to the main
 * write either way: only an aborted main write removes them (empty), so a
 * dropped part never removes a partition directory another part is about
 * to write into.
 *
 * Threads: parts are used by one thread each; keep and drop change the
 * main write and part_open copies it, so those three are called one at a
 * time (the caller holds a lock).
 */
#include <stdlib.h>
#include <string.h>

#include "writers/delta/delta_write.h"
#include "writers/delta/delta_writer.h"

pf_status pf__delta_part_open(void *main_state, pf__pool *pool, const pf__log *log, void **part,
                              pf_error *err) {
  delta_w *m = main_state;
  *part = NULL;
  delta_w *p = malloc(sizeof *p);
  if (!p) return pf__error_set(err, PF_ENOMEM, "out of memory");
  *p = *m; /* the plan, borrowed; the file state is reset below */
  p->main = m;
  p->pool = pool;
  p->log = log;
  p->created_dir = 0;
  p->scratch = NULL;
  memset(&p->view, 0, sizeof p->view);
  p->rowidx = p->rowslot = p->touched = NULL;
  p->rowcap = p->cap_touched = 0;
  p->batch_no = 0;
  p->pending_total = 0;
  p->slots = NULL;
  p->n_slots = p->cap_slots = 0;
  p->slot_hash = NULL;
  p->n_open = 0;
  p->tick = 0;
  p->done = NULL;
  p->n_done = p->cap_done = 0;
  p->rows = 0;
  p->input_files = 0;
  pf_status st = pf__dw_files_init(p, err);
  if (st == PF_OK && m->passthrough) {
    p->view.n_cols = m->view.n_cols;
    p->view.cols = calloc(m->view.n_cols ? m->view.n_cols : 1, sizeof *p->view.cols);
    if (!p->view.cols) st = pf__error_set(err, PF_ENOMEM, "out of memory");
  }
  if (st != PF_OK) {
    pf__dw_free(p);
    return st;
  }
  *part = p;
  return PF_OK;
}

pf_status pf__delta_part_keep(void *main_state, void *part, uint64_t *bytes, pf_error *err) {
  delta_w *m = main_state, *p = part;
  *bytes = 0;
  pf_status st = pf__dw_finish_all(p, err);
  for (size_t i = 0; st == PF_OK && i < p->n_done; i++) *bytes += (uint64_t)p->done[i].size;
  if (st == PF_OK) st = pf__dw_move_files(m, p, err);
  if (st != PF_OK) {
    pf__delta_part_drop(m, p);
    return st;
  }
  m->input_files++;
  pf__dw_free(p);
  return PF_OK;
}

void pf__delta_part_drop(void *main_state, void *part) {
  delta_w *m = main_state, *p = part;
  if (!p) return;
  /* its directories go to the main write (removed only by its abort) */
  if (p->created.len && pf__buf_append(&m->created, p->created.data, p->created.len) == PF_OK)
    p->created.len = 0;
  pf__dw_discard_files(p);
  pf__dw_free(p);
}

int64_t pf__delta_main_files(const void *main_state) { return ((const delta_w *)main_state)->input_files; }

pf_status pf__delta_table_schema(const char *dir, const pf__log *log, pf_schema **out, int64_t *version,
                                 pf_error *err) {
  *out = NULL;
  *version = -1;
  if (!pf__delta_is_table(dir)) return PF_OK;
  pf__delta_state st;
  pf__delta_state_init(&st);
  pf_status rc = pf__delta_log_read(dir, &st, log, err);
  if (rc == PF_OK && st.version >= 0) {
    pf__delta_schema ts = {0, NULL};
    rc = pf__delta_schema_parse(st.metadata.schema_string, &ts, err);
    pf_schema *s = NULL;
    if (rc == PF_OK) rc = pf__delta_schema_to_pf(&ts, &s, err);
    /* a table type we cannot write stays unknown to the caller */
    for (size_t i = 0; rc == PF_OK && i < ts.n; i++)
      if (ts.f[i].pf == PF_TYPE_COUNT_) s->fields[i].type = PF_TYPE_COUNT_;
    pf__delta_schema_free(&ts);
    if (rc == PF_OK) {
      *out = s;
      *version = st.version;
    }
  }
  if (rc != PF_OK && !err->file[0]) pf__error_file(err, dir);
  pf__delta_state_free(&st);
  return rc;
}

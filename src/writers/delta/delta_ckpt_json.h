/* delta_ckpt_json.h - a pf__delta_state rendered as JSON in a stable order
 * (txns sorted by appId, adds and removes by path, map keys sorted), for
 * the checkpoint tool (tests/tools/delta_ckpt_tool.c), the unit tests and
 * debugging. Absent optional values are null. */
#ifndef PF_WRITERS_DELTA_CKPT_JSON_H
#define PF_WRITERS_DELTA_CKPT_JSON_H

#include "core/buf.h"
#include "writers/delta/delta_state.h"

/* Appends the JSON object (one line, no newline) to b. */
pf_status pf__delta_state_json(const pf__delta_state *st, pf__buf *b);
/* The same as a malloc'd NUL-terminated string (NULL when out of memory);
 * for callers that do not see core/buf.h (the fuzz harness). */
char *pf__delta_state_json_text(const pf__delta_state *st);

#endif

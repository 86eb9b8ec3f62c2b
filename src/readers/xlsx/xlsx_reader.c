/* xlsx_reader.c - placeholder while the reader is being written. */
#include "readers/xlsx/xlsx_reader.h"

static pf_status xlsx_open(const pf__reader_env *env, void **state, pf_error *err) {
  *state = NULL;
  return pf__error_set(err, PF_EUNSUPPORTED, "the xlsx reader is not built yet");
}
static const pf_schema *xlsx_schema(void *state) { return NULL; }
static void xlsx_close(void *state) {}

const pf__reader_ops pf__xlsx_reader_ops = {
    .name = "xlsx",
    .description = "Excel workbooks",
    .extensions = ".xlsx .xlsm",
    .open = xlsx_open,
    .schema = xlsx_schema,
    .close = xlsx_close,
};

/* xml_reader.c - placeholder while the reader is being written. */
#include "readers/xml/xml_reader.h"

static pf_status xml_open(const pf__reader_env *env, void **state, pf_error *err) {
  *state = NULL;
  return pf__error_set(err, PF_EUNSUPPORTED, "the xml reader is not built yet");
}
static const pf_schema *xml_schema(void *state) { return NULL; }
static void xml_close(void *state) {}

const pf__reader_ops pf__xml_reader_ops = {
    .name = "xml",
    .description = "XML documents",
    .extensions = ".xml",
    .open = xml_open,
    .schema = xml_schema,
    .close = xml_close,
};

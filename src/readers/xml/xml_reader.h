/* xml_reader.h - the XML reader's entry in the format registry.
 * Options: the xml.* keys (xml_options.c); the rules users see are in
 * docs/xml.md, the design in xml_internal.h. */
#ifndef PF_READERS_XML_READER_H
#define PF_READERS_XML_READER_H

#include "core/format_api.h"

extern const pf__reader_ops pf__xml_reader_ops;
extern const pf__option_table pf__xml_option_table;

#endif

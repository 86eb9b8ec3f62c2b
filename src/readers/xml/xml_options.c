/* xml_options.c - the keys of the XML reader (xml.*): the row element, how
 * repeated elements, namespaces and attributes become columns. The rules
 * are in docs/xml.md. */
#include <stddef.h>

#include "core/opts.h"
#include "readers/xml/xml_reader.h"

#define DESC(...) {.struct_size = sizeof(pf_option_desc), __VA_ARGS__}
#define S_XML "Reading options (XML)"

static const pf_option_flag f_row_tag[] = {{"--row-tag", NULL}, {"--rowTag", NULL}, {NULL, NULL}};
static const pf_option_flag f_flatten[] = {{"--flatten-strategy", NULL}, {NULL, NULL}};
static const pf_option_flag f_arrays[] = {{"--array-handling", NULL}, {NULL, NULL}};
static const pf_option_flag f_array_sep[] = {{"--array-separator", NULL}, {NULL, NULL}};
static const pf_option_flag f_namespaces[] = {{"--namespace-handling", NULL}, {NULL, NULL}};
static const pf_option_flag f_attr_prefix[] = {{"--attribute-prefix", NULL}, {NULL, NULL}};
static const pf_option_flag f_path_sep[] = {{"--path-separator", NULL}, {NULL, NULL}};
static const pf_option_flag f_value_name[] = {{"--value-name", NULL}, {NULL, NULL}};

static const pf__option xml_options[] = {
    {.d = DESC(.key = "xml.row_tag", .name = "row_tag", .section = S_XML,
               .type = PF_OPTION_STRING, .flags = PF_OPTION_NONEMPTY, .uses = PF_USE_READ,
               .takes = "an element name",
               .help = "the element that forms one row: its name as info shows it or as "
                       "written (atom:link); a local name only when no element has it "
                       "(default: detected; info shows the choice, why, and the runner-up)",
               .metavar = "NAME", .cli = f_row_tag),
     .bind = PF__BIND_STR, .offset = offsetof(pf__opts, xml.row_tag)},
    {.d = DESC(.key = "xml.flatten_strategy", .name = "flatten_strategy", .section = S_XML,
               .type = PF_OPTION_ENUM, .uses = PF_USE_READ, .default_value = "conservative",
               .values = "conservative, moderate, aggressive",
               .takes = "conservative, moderate or aggressive",
               .help = "rows as the original PyForge CLI's strategies chose them: "
                       "conservative (default) and moderate: each element detected or given "
                       "(xml.row_tag); aggressive: one row per document",
               .metavar = "S", .cli = f_flatten),
     .bind = PF__BIND_INT, .offset = offsetof(pf__opts, xml.flatten),
     .names = (const pf__name[]){{"conservative", PF_XML_FLATTEN_CONSERVATIVE},
                                 {"moderate", PF_XML_FLATTEN_MODERATE},
                                 {"aggressive", PF_XML_FLATTEN_AGGRESSIVE}, {NULL, 0}}},
    {.d = DESC(.key = "xml.arrays", .name = "array_handling", .section = S_XML,
               .type = PF_OPTION_ENUM, .uses = PF_USE_READ, .default_value = "join",
               .values = "explode, join, json (also expand, concatenate, json_string)",
               .takes = "explode, join or json (or expand, concatenate, json_string)",
               .help = "repeated elements: explode (one row each), join (default), json (also "
                       "expand, concatenate, json_string)",
               .metavar = "MODE", .cli = f_arrays),
     .bind = PF__BIND_INT, .offset = offsetof(pf__opts, xml.arrays),
     .names = (const pf__name[]){{"explode", PF_XML_ARRAYS_EXPLODE}, {"join", PF_XML_ARRAYS_JOIN},
                                 {"json", PF_XML_ARRAYS_JSON}, {"expand", PF_XML_ARRAYS_EXPLODE},
                                 {"concatenate", PF_XML_ARRAYS_JOIN},
                                 {"json_string", PF_XML_ARRAYS_JSON}, {NULL, 0}}},
    {.d = DESC(.key = "xml.array_separator", .name = "array_separator", .section = S_XML,
               .type = PF_OPTION_STRING, .uses = PF_USE_READ, .default_value = "; ",
               .takes = "a string", .help = "separator for join (default \"; \")",
               .metavar = "S", .cli = f_array_sep),
     .bind = PF__BIND_STR, .offset = offsetof(pf__opts, xml.array_separator)},
    {.d = DESC(.key = "xml.namespaces", .name = "namespace_handling", .section = S_XML,
               .type = PF_OPTION_ENUM, .uses = PF_USE_READ, .default_value = "prefix",
               .values = "strip, prefix, preserve", .takes = "strip, prefix or preserve",
               .help = "strip, prefix (ns_name, default) or preserve (ns:name)",
               .metavar = "M", .cli = f_namespaces),
     .bind = PF__BIND_INT, .offset = offsetof(pf__opts, xml.namespaces),
     .names = (const pf__name[]){{"strip", PF_XML_NS_STRIP}, {"prefix", PF_XML_NS_PREFIX},
                                 {"preserve", PF_XML_NS_PRESERVE}, {NULL, 0}}},
    {.d = DESC(.key = "xml.attribute_prefix", .name = "attribute_prefix", .section = S_XML,
               .type = PF_OPTION_STRING, .uses = PF_USE_READ, .default_value = "_",
               .takes = "a string",
               .help = "prefix of attribute columns (default _; @ as the original)",
               .metavar = "S", .cli = f_attr_prefix),
     .bind = PF__BIND_STR, .offset = offsetof(pf__opts, xml.attribute_prefix)},
    {.d = DESC(.key = "xml.path_separator", .name = "path_separator", .section = S_XML,
               .type = PF_OPTION_STRING, .flags = PF_OPTION_NONEMPTY, .uses = PF_USE_READ,
               .default_value = ".", .takes = "a non-empty string",
               .help = "between nested element names (default .)", .metavar = "S",
               .cli = f_path_sep),
     .bind = PF__BIND_STR, .offset = offsetof(pf__opts, xml.path_separator)},
    {.d = DESC(.key = "xml.value_name", .name = "value_name", .section = S_XML,
               .type = PF_OPTION_STRING, .flags = PF_OPTION_NONEMPTY, .uses = PF_USE_READ,
               .default_value = "_VALUE", .takes = "a non-empty name",
               .help = "column of an element's text beside attributes (default _VALUE)",
               .metavar = "S", .cli = f_value_name),
     .bind = PF__BIND_STR, .offset = offsetof(pf__opts, xml.value_name)},
};

_Static_assert(sizeof(pf__xml_arrays) == sizeof(int), "enum fields are stored as int");
_Static_assert(sizeof(pf__xml_namespaces) == sizeof(int), "enum fields are stored as int");
_Static_assert(sizeof(pf__xml_flatten) == sizeof(int), "enum fields are stored as int");

const pf__option_table pf__xml_option_table = PF__OPTION_TABLE(xml_options);

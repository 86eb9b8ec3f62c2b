/* xlsx_options.c - the keys of the Excel workbook reader (excel.*): which
 * sheets, where the header is, merged cells, and how sheets are grouped
 * into outputs (the engine's plan reads excel.sheets and excel.sheet_mode). */
#include <stddef.h>

#include "core/opts.h"
#include "readers/xlsx/xlsx_reader.h"

#define DESC(...) {.struct_size = sizeof(pf_option_desc), __VA_ARGS__}
#define S_EXCEL "Reading options (Excel .xlsx/.xlsm)"

static const pf_option_flag f_sheet[] = {{"--sheet", NULL}, {"--sheets", NULL}, {NULL, NULL}};
static const pf_option_flag f_header_row[] = {{"--header-row", NULL}, {NULL, NULL}};
static const pf_option_flag f_fill_merged[] = {{"--fill-merged", "true"}, {NULL, NULL}};
static const pf_option_flag f_sheet_mode[] = {
    {"--combine", "combine"}, {"--separate", "separate"}, {NULL, NULL}};

static const pf__option excel_options[] = {
    {.d = DESC(.key = "excel.sheets", .name = "sheet", .section = S_EXCEL, .type = PF_OPTION_LIST,
               .uses = PF_USE_READ, .takes = "sheet names",
               .help = "read this sheet (repeatable, in this order; default: every sheet with data)",
               .metavar = "NAME", .cli = f_sheet),
     .bind = PF__BIND_LIST, .offset = offsetof(pf__opts, excel.sheets),
     .count_offset = offsetof(pf__opts, excel.n_sheets)},
    {.d = DESC(.key = "excel.header_row", .name = "header_row", .section = S_EXCEL,
               .type = PF_OPTION_INT, .flags = PF_OPTION_AUTO, .uses = PF_USE_READ,
               .default_value = "auto", .takes = "a sheet row number from 1 to 1048576",
               .help = "the sheet row (1-based) naming the columns (default: detected)",
               .metavar = "N", .cli = f_header_row, .min = 1, .max = 1048576),
     .bind = PF__BIND_I64, .offset = offsetof(pf__opts, excel.header_row), .auto_value = 0},
    {.d = DESC(.key = "excel.fill_merged", .name = "fill_merged", .section = S_EXCEL,
               .type = PF_OPTION_BOOL, .uses = PF_USE_READ, .default_value = "false",
               .takes = "true or false",
               .help = "copy a merged cell's value into every cell of its range",
               .cli = f_fill_merged),
     .bind = PF__BIND_INT, .offset = offsetof(pf__opts, excel.fill_merged)},
    {.d = DESC(.key = "excel.sheet_mode", .name = "sheet_mode", .section = S_EXCEL,
               .type = PF_OPTION_ENUM, .uses = PF_USE_CONVERT | PF_USE_INFO | PF_USE_STREAM,
               .default_value = "auto", .values = "auto, combine, separate",
               .takes = "auto, combine or separate",
               .help = "sheets with matching headers share one output with a sheet_name column, "
                       "the others go separately (auto, combine), or one output per sheet "
                       "(separate)",
               .cli = f_sheet_mode),
     .bind = PF__BIND_INT, .offset = offsetof(pf__opts, excel.sheet_mode),
     .names = (const pf__name[]){{"auto", PF_SHEETS_AUTO}, {"combine", PF_SHEETS_COMBINE},
                                 {"separate", PF_SHEETS_SEPARATE}, {NULL, 0}}},
};

_Static_assert(sizeof(pf__sheet_mode) == sizeof(int), "enum fields are stored as int");

const pf__option_table pf__excel_option_table = PF__OPTION_TABLE(excel_options);

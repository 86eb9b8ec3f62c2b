/* xlsx_reader.h - the Excel workbook (.xlsx/.xlsm) reader's entry in the
 * format registry. Options: the excel.* keys (xlsx_options.c). */
#ifndef PF_READERS_XLSX_READER_H
#define PF_READERS_XLSX_READER_H

#include "core/format_api.h"

extern const pf__reader_ops pf__xlsx_reader_ops;
extern const pf__option_table pf__excel_option_table;

#endif

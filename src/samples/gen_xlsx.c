/* gen_xlsx.c - the Excel sample: a SpreadsheetML workbook (.xlsx) with four
 * sheets: "Summary" and "Orders" start with title rows above their header,
 * "Regions" is a plain table, "Internal" is hidden. Strings are inline
 * (t="inlineStr"), dates are serial numbers with a date style, amounts have
 * a two-decimal style. The package is written by sample_zip.c (stored
 * entries, fixed timestamps); "Orders" is streamed first so the summary can
 * count what it holds. */
#include <stdio.h>
#include <string.h>

#include "samples/sample_zip.h"

#define SEED 0xE7CE15ull
#define EXCEL_EPOCH_SHIFT 25569 /* serial of 1970-01-01 (1900 date system) */

static const char content_types[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
    "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
    "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
    "<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
    "<Override PartName=\"/xl/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/>"
    "<Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
    "<Override PartName=\"/xl/worksheets/sheet2.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
    "<Override PartName=\"/xl/worksheets/sheet3.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
    "<Override PartName=\"/xl/worksheets/sheet4.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
    "</Types>";

static const char root_rels[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/>"
    "</Relationships>";

static const char workbook[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
    "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
    "<workbookPr/><bookViews><workbookView activeTab=\"0\"/></bookViews><sheets>"
    "<sheet name=\"Summary\" sheetId=\"1\" r:id=\"rId1\"/>"
    "<sheet name=\"Orders\" sheetId=\"2\" r:id=\"rId2\"/>"
    "<sheet name=\"Regions\" sheetId=\"3\" r:id=\"rId3\"/>"
    "<sheet name=\"Internal\" sheetId=\"4\" state=\"hidden\" r:id=\"rId4\"/>"
    "</sheets></workbook>";

static const char workbook_rels[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
    "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet2.xml\"/>"
    "<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet3.xml\"/>"
    "<Relationship Id=\"rId4\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet4.xml\"/>"
    "<Relationship Id=\"rId5\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>"
    "</Relationships>";

/* cellXfs: 0 general, 1 date (numFmt 14), 2 amount "#,##0.00" (numFmt 4), 3 bold title */
static const char styles[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
    "<fonts count=\"2\"><font><sz val=\"11\"/><name val=\"Calibri\"/></font>"
    "<font><b/><sz val=\"14\"/><name val=\"Calibri\"/></font></fonts>"
    "<fills count=\"2\"><fill><patternFill patternType=\"none\"/></fill>"
    "<fill><patternFill patternType=\"gray125\"/></fill></fills>"
    "<borders count=\"1\"><border><left/><right/><top/><bottom/><diagonal/></border></borders>"
    "<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs>"
    "<cellXfs count=\"4\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/>"
    "<xf numFmtId=\"14\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/>"
    "<xf numFmtId=\"4\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/>"
    "<xf numFmtId=\"0\" fontId=\"1\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyFont=\"1\"/></cellXfs>"
    "<cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles>"
    "</styleSheet>";

static const char sheet_head[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>";
static const char sheet_tail[] = "</sheetData></worksheet>";

/* One row being built: cells appended as text, then written whole. */
typedef struct xrow {
  char buf[4096];
  size_t len;
  int col;
  uint64_t r;
} xrow;

static void row_start(xrow *x, uint64_t r) {
  x->r = r, x->col = 0;
  x->len = (size_t)snprintf(x->buf, sizeof x->buf, "<row r=\"%llu\">", (unsigned long long)r);
}

static void cell_str(xrow *x, const char *s, int style) {
  char esc[512];
  x->len += (size_t)snprintf(x->buf + x->len, sizeof x->buf - x->len,
                             "<c r=\"%c%llu\"%s t=\"inlineStr\"><is><t>%s</t></is></c>", 'A' + x->col++,
                             (unsigned long long)x->r, style == 3 ? " s=\"3\"" : "",
                             pf__sample_xml_escape(s, esc, sizeof esc));
}

/* num is the value's text (integer or decimal) */
static void cell_num(xrow *x, const char *num, int style) {
  char s[8] = "";
  if (style) snprintf(s, sizeof s, " s=\"%d\"", style);
  x->len += (size_t)snprintf(x->buf + x->len, sizeof x->buf - x->len, "<c r=\"%c%llu\"%s><v>%s</v></c>",
                             'A' + x->col++, (unsigned long long)x->r, s, num);
}

static pf_status row_end(pf__zipw *z, xrow *x, pf_error *err) {
  x->len += (size_t)snprintf(x->buf + x->len, sizeof x->buf - x->len, "</row>");
  return pf__zipw_write(z, x->buf, x->len, err);
}

static pf_status strings_row(pf__zipw *z, uint64_t r, const char *const *cells, int style, pf_error *err) {
  xrow x;
  row_start(&x, r);
  for (; *cells; cells++) cell_str(&x, *cells, style);
  return row_end(z, &x, err);
}

typedef struct tally {
  uint64_t orders[5], units[5], rows;
} tally;

static int region_index(const char *region) {
  for (int k = 0; k < 5; k++)
    if (!strcmp(pf__sample_regions[k], region)) return k;
  return 0;
}

static pf_status orders_sheet(pf__zipw *z, uint64_t target, tally *t, pf_error *err) {
  static const char *const title[] = {"Orders 2023-2025", NULL};
  static const char *const note[] = {"Amounts in the currency of each order; generated sample data", NULL};
  static const char *const head[] = {"order_id", "order_date", "region", "country", "customer",
                                     "product", "quantity", "unit_price", "currency", "amount", NULL};
  PF_TRY(pf__zipw_begin(z, "xl/worksheets/sheet2.xml", err));
  PF_TRY(pf__zipw_puts(z, sheet_head, err));
  PF_TRY(strings_row(z, 1, title, 3, err));
  PF_TRY(strings_row(z, 2, note, 0, err));
  PF_TRY(strings_row(z, 4, head, 0, err));
  for (uint64_t i = 0; z->f->bytes < target; i++) {
    pf__sample_order o;
    pf__sample_order_make(SEED, i, &o);
    char num[32];
    xrow x;
    row_start(&x, 5 + i);
    snprintf(num, sizeof num, "%llu", (unsigned long long)o.id);
    cell_num(&x, num, 0);
    snprintf(num, sizeof num, "%d", (int)(o.day + EXCEL_EPOCH_SHIFT));
    cell_num(&x, num, 1);
    cell_str(&x, o.region, 0);
    cell_str(&x, o.country, 0);
    cell_str(&x, o.customer, 0);
    cell_str(&x, o.product, 0);
    snprintf(num, sizeof num, "%lld", (long long)o.quantity);
    cell_num(&x, num, 0);
    pf__sample_money(o.unit_cents, num);
    cell_num(&x, num, 2);
    cell_str(&x, o.currency, 0);
    pf__sample_money(pf__sample_order_cents(&o), num);
    cell_num(&x, num, 2);
    PF_TRY(row_end(z, &x, err));
    int k = region_index(o.region);
    t->orders[k]++, t->units[k] += (uint64_t)o.quantity, t->rows++;
  }
  PF_TRY(pf__zipw_puts(z, sheet_tail, err));
  return pf__zipw_end(z, err);
}

static pf_status summary_sheet(pf__zipw *z, const tally *t, pf_error *err) {
  static const char *const title[] = {"Sales summary by region", NULL};
  static const char *const note[] = {"Counted from the Orders sheet", NULL};
  static const char *const head[] = {"region", "orders", "units", NULL};
  PF_TRY(pf__zipw_begin(z, "xl/worksheets/sheet1.xml", err));
  PF_TRY(pf__zipw_puts(z, sheet_head, err));
  PF_TRY(strings_row(z, 1, title, 3, err));
  PF_TRY(strings_row(z, 2, note, 0, err));
  PF_TRY(strings_row(z, 4, head, 0, err));
  for (int k = 0; k < 5; k++) {
    char num[32];
    xrow x;
    row_start(&x, 5 + (uint64_t)k);
    cell_str(&x, pf__sample_regions[k], 0);
    snprintf(num, sizeof num, "%llu", (unsigned long long)t->orders[k]);
    cell_num(&x, num, 0);
    snprintf(num, sizeof num, "%llu", (unsigned long long)t->units[k]);
    cell_num(&x, num, 0);
    PF_TRY(row_end(z, &x, err));
  }
  PF_TRY(pf__zipw_puts(z, sheet_tail, err));
  return pf__zipw_end(z, err);
}

static pf_status small_sheets(pf__zipw *z, const tally *t, pf_error *err) {
  static const char *const managers[] = {"Ingrid Løvås", "Mark O'Neil", "Haruto Sato", "Valentina Ruiz",
                                         "Amira Haddad"};
  static const char *const head[] = {"region", "manager", "since", NULL};
  PF_TRY(pf__zipw_begin(z, "xl/worksheets/sheet3.xml", err));
  PF_TRY(pf__zipw_puts(z, sheet_head, err));
  PF_TRY(strings_row(z, 1, head, 0, err));
  for (int k = 0; k < 5; k++) {
    char num[16];
    xrow x;
    row_start(&x, 2 + (uint64_t)k);
    cell_str(&x, pf__sample_regions[k], 0);
    cell_str(&x, managers[k], 0);
    snprintf(num, sizeof num, "%d", 17000 + 211 * k + EXCEL_EPOCH_SHIFT);
    cell_num(&x, num, 1);
    PF_TRY(row_end(z, &x, err));
  }
  PF_TRY(pf__zipw_puts(z, sheet_tail, err));
  PF_TRY(pf__zipw_end(z, err));

  char rows[32];
  snprintf(rows, sizeof rows, "%llu", (unsigned long long)t->rows);
  const char *const h2[] = {"key", "value", NULL};
  const char *const r1[] = {"generator", "pyforge sample-datasets", NULL};
  const char *const r2[] = {"orders", rows, NULL};
  PF_TRY(pf__zipw_begin(z, "xl/worksheets/sheet4.xml", err));
  PF_TRY(pf__zipw_puts(z, sheet_head, err));
  PF_TRY(strings_row(z, 1, h2, 0, err));
  PF_TRY(strings_row(z, 2, r1, 0, err));
  PF_TRY(strings_row(z, 3, r2, 0, err));
  PF_TRY(pf__zipw_puts(z, sheet_tail, err));
  return pf__zipw_end(z, err);
}

static pf_status part(pf__zipw *z, const char *name, const char *text, pf_error *err) {
  PF_TRY(pf__zipw_begin(z, name, err));
  PF_TRY(pf__zipw_puts(z, text, err));
  return pf__zipw_end(z, err);
}

pf_status pf__gen_xlsx(pf__sample_set *set, const char *dir, uint64_t target, pf_error *err) {
  char rel[256];
  snprintf(rel, sizeof rel, "%s/sales_report.xlsx", dir);
  pf__sample_file *f;
  PF_TRY(pf__sample_open(set, rel, &f, err));
  pf__zipw z;
  pf__zipw_init(&z, f);
  tally t;
  memset(&t, 0, sizeof t);
  PF_TRY(part(&z, "[Content_Types].xml", content_types, err));
  PF_TRY(part(&z, "_rels/.rels", root_rels, err));
  PF_TRY(part(&z, "xl/workbook.xml", workbook, err));
  PF_TRY(part(&z, "xl/_rels/workbook.xml.rels", workbook_rels, err));
  PF_TRY(part(&z, "xl/styles.xml", styles, err));
  PF_TRY(orders_sheet(&z, target > 8192 ? target - 8192 : 0, &t, err));
  PF_TRY(summary_sheet(&z, &t, err));
  PF_TRY(small_sheets(&z, &t, err));
  return pf__zipw_finish(&z, err);
}

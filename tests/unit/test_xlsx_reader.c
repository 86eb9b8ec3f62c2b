/* test_xlsx_reader.c - the Excel reader on workbooks written here part by
 * part (so every XML detail is under control: namespace prefixes, rows and
 * cells without r=, rich text with phonetic runs, t="d"/"e"/"b"/"str"/
 * inlineStr, 1904 dates, merged ranges over rows the XML leaves out, blank
 * gaps wider than a batch, late widening), plus the number-format rules
 * and serial-date arithmetic in xlsx_numfmt.c; and the specialised sheet
 * scanner (xlsx_fast.c) against the expat path on XML snippets and on every
 * workbook in tests/data/xlsx, fuzz/corpus/xlsx and $PF_XLSX_DIFF_DIR. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "core/pool.h"
#include "engine/engine.h"
#include "readers/xlsx/xlsx_fast.h"
#include "readers/xlsx/xlsx_internal.h"
#include "readers/xlsx/xlsx_reader.h"
#include "test.h"

static char tmpdir[256];

/* ---- a stored-only ZIP writer ---- */
typedef struct part {
  const char *name;
  const char *data;
} part;

static void le16(FILE *f, unsigned v) { fputc(v & 255, f), fputc((v >> 8) & 255, f); }
static void le32(FILE *f, uint32_t v) { le16(f, v & 0xFFFF), le16(f, v >> 16); }

static void write_zip(const char *path, const part *parts, size_t n) {
  FILE *f = fopen(path, "wb");
  uint32_t offs[32];
  for (size_t i = 0; i < n; i++) {
    size_t len = strlen(parts[i].data), nl = strlen(parts[i].name);
    offs[i] = (uint32_t)ftell(f);
    le32(f, 0x04034b50), le16(f, 20), le16(f, 0), le16(f, 0), le32(f, 0);
    le32(f, (uint32_t)crc32(0, (const Bytef *)parts[i].data, (uInt)len));
    le32(f, (uint32_t)len), le32(f, (uint32_t)len), le16(f, (unsigned)nl), le16(f, 0);
    fwrite(parts[i].name, 1, nl, f);
    fwrite(parts[i].data, 1, len, f);
  }
  uint32_t cd = (uint32_t)ftell(f);
  for (size_t i = 0; i < n; i++) {
    size_t len = strlen(parts[i].data), nl = strlen(parts[i].name);
    le32(f, 0x02014b50), le16(f, 20), le16(f, 20), le16(f, 0), le16(f, 0), le32(f, 0);
    le32(f, (uint32_t)crc32(0, (const Bytef *)parts[i].data, (uInt)len));
    le32(f, (uint32_t)len), le32(f, (uint32_t)len), le16(f, (unsigned)nl);
    le16(f, 0), le16(f, 0), le16(f, 0), le16(f, 0), le32(f, 0), le32(f, offs[i]);
    fwrite(parts[i].name, 1, nl, f);
  }
  uint32_t cdlen = (uint32_t)ftell(f) - cd;
  le32(f, 0x06054b50), le16(f, 0), le16(f, 0), le16(f, (unsigned)n), le16(f, (unsigned)n);
  le32(f, cdlen), le32(f, cd), le16(f, 0);
  fclose(f);
}

static const char *RELS =
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>";

/* A workbook with sheets s1 (and s2 when given); sst may be NULL. */
static void book(const char *path, const char *wb_extra, const char *s1, const char *s2,
                 const char *sst) {
  char wb[2048], wrels[2048];
  snprintf(wb, sizeof wb,
           "<x:workbook xmlns:x=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
           "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">%s"
           "<x:sheets><x:sheet name=\"One\" sheetId=\"1\" r:id=\"rId1\"/>%s</x:sheets></x:workbook>",
           wb_extra, s2 ? "<x:sheet name=\"Two\" sheetId=\"2\" state=\"veryHidden\" r:id=\"rId2\"/>" : "");
  snprintf(wrels, sizeof wrels,
           "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
           "<Relationship Id=\"rId1\" Type=\"x/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
           "<Relationship Id=\"rId2\" Type=\"x/worksheet\" Target=\"/xl/worksheets/sheet2.xml\"/>"
           "<Relationship Id=\"rId3\" Type=\"x/styles\" Target=\"styles.xml\"/>"
           "<Relationship Id=\"rId4\" Type=\"x/sharedStrings\" Target=\"sharedStrings.xml\"/>"
           "</Relationships>");
  const char *styles =
      "<styleSheet><numFmts><numFmt numFmtId=\"164\" formatCode=\"&quot;Day&quot; d\\-mmm\\-yy\"/>"
      "<numFmt numFmtId=\"165\" formatCode=\"[h]:mm\"/><numFmt numFmtId=\"166\" formatCode=\"[Red]0.00\"/>"
      "</numFmts><cellStyleXfs><xf numFmtId=\"14\"/></cellStyleXfs><cellXfs>"
      "<xf numFmtId=\"0\"/><xf numFmtId=\"14\"/><xf numFmtId=\"22\"/><xf numFmtId=\"20\"/>"
      "<xf numFmtId=\"164\"/><xf numFmtId=\"165\"/><xf numFmtId=\"166\"/></cellXfs></styleSheet>";
  part p[8];
  size_t n = 0;
  p[n++] = (part){"_rels/.rels", RELS};
  p[n++] = (part){"xl/workbook.xml", wb};
  p[n++] = (part){"xl/_rels/workbook.xml.rels", wrels};
  p[n++] = (part){"xl/styles.xml", styles};
  p[n++] = (part){"xl/sharedStrings.xml", sst ? sst : "<sst/>"};
  p[n++] = (part){"xl/worksheets/sheet1.xml", s1};
  if (s2) p[n++] = (part){"xl/worksheets/sheet2.xml", s2};
  write_zip(path, p, n);
}

/* ---- driving the reader ---- */
typedef struct rd {
  int threads; /* 0: serial reading (settings.xlsx_serial); 1 or more:
                  xlsx_par.c on that many threads */
  pf__opts o;
  pf__pool *pool;
  pf__reader_env env;
  void *r;
  pf_error err;
} rd;

static pf_status rd_open(rd *d, const char *path) {
  d->o.input = path;
  d->o.settings.xlsx_serial = d->threads == 0; /* PYFORGE_XLSX_PARALLEL=0 */
  pf__pool_create(d->threads > 1 ? d->threads : 1, &d->pool);
  memset(&d->env, 0, sizeof d->env);
  d->env.path = path;
  d->env.opts = &d->o;
  d->env.pool = d->pool;
  pf_error_init(&d->err);
  return pf__xlsx_reader_ops.open(&d->env, &d->r, &d->err);
}

static void rd_close(rd *d) {
  if (d->r) pf__xlsx_reader_ops.close(d->r);
  pf__pool_free(d->pool);
  d->r = NULL;
}

/* Reads everything (following restarts) and renders the rows as text:
 * "v|v|v\n" per row, NULL as "~"; *restarts_out: the restart count. */
static void rd_all(rd *d, char *out, size_t cap, int *restarts_out) {
  const pf__reader_ops *ops = &pf__xlsx_reader_ops;
  int restarts = 0;
  *restarts_out = -1;
  size_t len = 0;
  out[0] = 0;
  for (;;) {
    pf_batch *b = NULL;
    pf_status st = ops->next(d->r, &b, &d->err);
    if (st == PF_ERESTART) {
      restarts++;
      len = 0;
      out[0] = 0;
      ASSERT_OK(ops->rewind(d->r, &d->err));
      continue;
    }
    ASSERT_OK(st);
    if (!b) break;
    for (size_t i = 0; i < b->n_rows; i++) {
      for (size_t c = 0; c < b->n_cols; c++) {
        const pf_column *col = &b->cols[c];
        char v[128];
        if (!pf__col_is_valid(col, i)) snprintf(v, sizeof v, "~");
        else if (col->type == PF_TYPE_STRING) {
          size_t n;
          const uint8_t *p = pf__col_str(col, i, &n);
          snprintf(v, sizeof v, "%.*s", (int)(n > 60 ? 60 : n), p);
        } else if (col->type == PF_TYPE_DOUBLE) snprintf(v, sizeof v, "%.17g", pf__col_f64(col, i));
        else if (col->type == PF_TYPE_DATE) snprintf(v, sizeof v, "d%d", pf__col_i32(col, i));
        else if (col->type == PF_TYPE_BOOL) snprintf(v, sizeof v, "%s", pf__col_bool(col, i) ? "T" : "F");
        else snprintf(v, sizeof v, "%lld", (long long)pf__col_i64(col, i));
        len += (size_t)snprintf(out + len, cap - len, "%s%s", c ? "|" : "", v);
      }
      len += (size_t)snprintf(out + len, cap - len, "\n");
    }
  }
  *restarts_out = restarts;
}

static const char *types_of(rd *d, char *buf, size_t cap) {
  const pf_schema *s = pf__xlsx_reader_ops.schema(d->r);
  size_t len = 0;
  buf[0] = 0;
  for (size_t i = 0; i < s->n_fields; i++)
    len += (size_t)snprintf(buf + len, cap - len, "%s%s:%s", i ? "," : "", s->fields[i].name,
                            pf_type_name(s->fields[i].type));
  return buf;
}

#define SHEET(rows) \
  "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">" \
  "<dimension ref=\"B2:F9\"/><sheetData>" rows "</sheetData>%s</worksheet>"

TEST_IMPL(numfmt_rules) {
  ASSERT_EQ(pf__xlsx_classify_fmt("yyyy-mm-dd"), PF__XF_DATE);
  ASSERT_EQ(pf__xlsx_classify_fmt("d/m/yy h:mm"), PF__XF_DATETIME);
  ASSERT_EQ(pf__xlsx_classify_fmt("h:mm:ss AM/PM"), PF__XF_TIME);
  ASSERT_EQ(pf__xlsx_classify_fmt("mm:ss.0"), PF__XF_TIME);
  ASSERT_EQ(pf__xlsx_classify_fmt("mmm"), PF__XF_DATE);
  ASSERT_EQ(pf__xlsx_classify_fmt("[h]:mm:ss"), PF__XF_NUMBER);
  ASSERT_EQ(pf__xlsx_classify_fmt("0.00%"), PF__XF_NUMBER);
  ASSERT_EQ(pf__xlsx_classify_fmt("\"$\"#,##0.00_);[Red](\"$\"#,##0.00)"), PF__XF_NUMBER);
  ASSERT_EQ(pf__xlsx_classify_fmt("#,##0 \"days\""), PF__XF_NUMBER);
  ASSERT_EQ(pf__xlsx_classify_fmt("[$-409]#,##0.00"), PF__XF_NUMBER);
  ASSERT_EQ(pf__xlsx_classify_fmt("[$-409]d-mmm-yyyy"), PF__XF_DATE);
  ASSERT_EQ(pf__xlsx_classify_fmt("General"), PF__XF_NUMBER);
  ASSERT_EQ(pf__xlsx_classify_fmt("0.00E+00"), PF__XF_NUMBER);
  ASSERT_EQ(pf__xlsx_classify_fmt("\\d0"), PF__XF_NUMBER);
  ASSERT_EQ(pf__xlsx_classify_fmt("@"), PF__XF_NUMBER);
  ASSERT_EQ(pf__xlsx_builtin_fmt(14), PF__XF_DATE);
  ASSERT_EQ(pf__xlsx_builtin_fmt(22), PF__XF_DATETIME);
  ASSERT_EQ(pf__xlsx_builtin_fmt(21), PF__XF_TIME);
  ASSERT_EQ(pf__xlsx_builtin_fmt(46), PF__XF_NUMBER);
  ASSERT_EQ(pf__xlsx_builtin_fmt(9), PF__XF_NUMBER);
  int32_t d;
  int64_t us;
  ASSERT(pf__xlsx_serial_days(1, 0, &d));
  ASSERT_EQ(d, pf__days_from_civil(1900, 1, 1));
  ASSERT(pf__xlsx_serial_days(59, 0, &d));
  ASSERT_EQ(d, pf__days_from_civil(1900, 2, 28));
  ASSERT(!pf__xlsx_serial_days(60, 0, &d)); /* 1900-02-29 never was */
  ASSERT(pf__xlsx_serial_days(61, 0, &d));
  ASSERT_EQ(d, pf__days_from_civil(1900, 3, 1));
  ASSERT(pf__xlsx_serial_days(45296, 0, &d));
  ASSERT_EQ(d, pf__days_from_civil(2024, 1, 5));
  ASSERT(pf__xlsx_serial_days(0, 1, &d));
  ASSERT_EQ(d, pf__days_from_civil(1904, 1, 1));
  ASSERT(pf__xlsx_serial_days(43834, 1, &d));
  ASSERT_EQ(d, pf__days_from_civil(2024, 1, 5));
  ASSERT(!pf__xlsx_serial_days(-1, 0, &d));
  ASSERT(pf__xlsx_serial_micros(45296.7395833333, 0, &us));
  ASSERT_EQ(us, (int64_t)pf__days_from_civil(2024, 1, 5) * 86400000000LL + (17 * 3600 + 45 * 60) * 1000000LL);
  ASSERT_EQ(pf__xlsx_time_micros(0.354166666666667), (8 * 3600 + 30 * 60) * 1000000LL);
  char b[64];
  pf__xlsx_fmt_double(0.1, b, sizeof b);
  ASSERT_STR_EQ(b, "0.1");
  pf__xlsx_fmt_double(44927, b, sizeof b);
  ASSERT_STR_EQ(b, "44927");
  pf__xlsx_fmt_double(1e20, b, sizeof b);
  ASSERT_STR_EQ(b, "1E+20");
  pf__xlsx_fmt_double(0.30000000000000004, b, sizeof b);
  ASSERT_STR_EQ(b, "0.30000000000000004");
  pf__xlsx_fmt_timestamp((int64_t)pf__days_from_civil(1999, 12, 31) * 86400000000LL + 1500000, b, sizeof b);
  ASSERT_STR_EQ(b, "1999-12-31 00:00:01.5");
  pf__xlsx_cell_ref(16384, 1048576, b, sizeof b);
  ASSERT_STR_EQ(b, "XFD1048576");
  pf__xlsx_cell_ref(28, 3, b, sizeof b);
  ASSERT_STR_EQ(b, "AB3");
}

TEST_IMPL(cells_kinds_prefixes_1904) {
  char path[512], out[8192], ty[1024];
  int rs;
  snprintf(path, sizeof path, "%s/kinds.xlsx", tmpdir);
  const char *sst =
      "<sst><si><t>name</t></si><si><r><t>Ri</t></r><r><rPr/><t xml:space=\"preserve\">ch </t></r>"
      "<rPh><t>ルビ</t></rPh><r><t>text</t></r></si><si><t>when</t></si><si><t>flag</t></si>"
      "<si><t>iso</t></si><si><t>err</t></si></sst>";
  /* Prefixed elements; row 3 and its cells have no r=; a gap (row 5) is
   * a row of nulls; header in row 2 starting at column B. */
  char s1[4096];
  snprintf(s1, sizeof s1,
           "<x:worksheet xmlns:x=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
           "<x:sheetData><x:row r=\"2\"><x:c r=\"B2\" t=\"s\"><x:v>0</x:v></x:c><x:c t=\"s\"><x:v>2</x:v></x:c>"
           "<x:c t=\"s\"><x:v>3</x:v></x:c><x:c t=\"s\"><x:v>4</x:v></x:c><x:c t=\"s\"><x:v>5</x:v></x:c></x:row>"
           "<x:row><x:c r=\"B3\" t=\"s\"><x:v>1</x:v></x:c><x:c s=\"1\"><x:v>0</x:v></x:c>"
           "<x:c t=\"b\"><x:v>1</x:v></x:c><x:c t=\"d\"><x:v>2024-02-29</x:v></x:c>"
           "<x:c t=\"e\"><x:f>1/0</x:f><x:v>#DIV/0!</x:v></x:c></x:row>"
           "<x:row r=\"4\"><x:c r=\"B4\" t=\"inlineStr\"><x:is><x:t>in</x:t><x:r><x:t>line</x:t></x:r></x:is></x:c>"
           "<x:c r=\"C4\" s=\"4\"><x:v>43834</x:v></x:c><x:c r=\"D4\" t=\"b\"><x:v>0</x:v></x:c>"
           "<x:c r=\"E4\" t=\"d\"><x:v>2023-01-01</x:v></x:c><x:c r=\"F4\" t=\"str\"><x:f>A1</x:f><x:v>x</x:v></x:c></x:row>"
           "<x:row r=\"6\"><x:c r=\"B6\" t=\"str\"><x:v>last</x:v></x:c></x:row><x:row r=\"9\"/>"
           "</x:sheetData></x:worksheet>");
  book(path, "<x:workbookPr date1904=\"true\"/>", s1, NULL, sst);
  rd d = {0};
  pf__opts_init(&d.o);
  ASSERT_OK(rd_open(&d, path));
  rd_all(&d, out, sizeof out, &rs);
  ASSERT_EQ(rs, 0);
  ASSERT_STR_EQ(types_of(&d, ty, sizeof ty), "name:string,when:date,flag:boolean,iso:date,err:string");
  /* 1904: serial 0 is 1904-01-01, 43834 is 2024-01-05. */
  char want[1024];
  snprintf(want, sizeof want, "Rich text|d%d|T|d%d|~\ninline|d%d|F|d%d|x\n~|~|~|~|~\nlast|~|~|~|~\n",
           pf__days_from_civil(1904, 1, 1), pf__days_from_civil(2024, 2, 29),
           pf__days_from_civil(2024, 1, 5), pf__days_from_civil(2023, 1, 1));
  ASSERT_STR_EQ(out, want);
  const pf_schema *s = pf__xlsx_reader_ops.schema(d.r);
  ASSERT(s->fields[4].note && strstr(s->fields[4].note, "1 error cell read as null (#DIV/0! at One!F3)"));
  pf__table_desc t;
  ASSERT_OK(pf__xlsx_reader_ops.table(d.r, 0, &t, &d.err));
  ASSERT_STR_EQ(t.signature, "name\x1fwhen\x1f" "flag\x1fiso\x1f" "err");
  ASSERT_EQ(t.rows_hint, 4);
  rd_close(&d);
}

TEST_IMPL(merged_headers_and_selection) {
  char path[512], out[8192], ty[1024];
  int rs;
  snprintf(path, sizeof path, "%s/merged.xlsx", tmpdir);
  char s1[4096], s2[2048];
  /* A1:A3 merged (rows 2-3 absent from the XML), B4:C4 merged. */
  snprintf(s1, sizeof s1, SHEET("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>g</t></is></c>"
                                "<c r=\"B1\"><v>5</v></c></row>"
                                "<row r=\"4\"><c r=\"A4\"><v>7</v></c><c r=\"B4\"><v>2.5</v></c></row>"),
           "<mergeCells count=\"2\"><mergeCell ref=\"A1:A3\"/><mergeCell ref=\"B4:C4\"/></mergeCells>");
  snprintf(s2, sizeof s2, SHEET("<row r=\"3\"><c r=\"B3\" t=\"inlineStr\"><is><t>k</t></is></c></row>"
                                "<row r=\"4\"><c r=\"B4\"><v>1</v></c></row>"), "");
  book(path, "", s1, s2, NULL);
  rd d = {0};
  pf__opts_init(&d.o);
  d.o.excel.fill_merged = 1;
  ASSERT_OK(rd_open(&d, path));
  size_t one = 0;
  ASSERT_OK(pf__xlsx_reader_ops.select(d.r, &one, 1, NULL, &d.err));
  rd_all(&d, out, sizeof out, &rs);
  ASSERT_EQ(rs, 0);
  /* First row holds a number: no header. */
  ASSERT_STR_EQ(types_of(&d, ty, sizeof ty), "Column_1:string,Column_2:double,Column_3:double");
  ASSERT_STR_EQ(out, "g|5|~\ng|~|~\ng|~|~\n7|2.5|2.5\n");
  rd_close(&d);

  pf__opts_init(&d.o);
  d.o.excel.header_row = 1;
  ASSERT_OK(rd_open(&d, path));
  size_t both[2] = {1, 0};
  ASSERT_OK(pf__xlsx_reader_ops.select(d.r, both, 2, "sheet", &d.err));
  rd_all(&d, out, sizeof out, &rs);
  ASSERT_EQ(rs, 0);
  pf__table_desc t;
  ASSERT_OK(pf__xlsx_reader_ops.table(d.r, 1, &t, &d.err));
  ASSERT_EQ(t.hidden, 1);
  /* Sheet Two: header row 1 is empty there -> its rows 3-4 are data;
   * One's blank rows 2-3 lead its data and are skipped. */
  ASSERT_STR_EQ(types_of(&d, ty, sizeof ty), "sheet:string,g:string,5:double");
  ASSERT_STR_EQ(out, "Two|k|~\nTwo|1|~\nOne|7|2.5\n");
  rd_close(&d);
}

/* Rows 2 and 150000 hold values: the blank rows between are nulls spread
 * over batches (the second row waits for room). Row 1500 widens column B
 * from int64 to string after the sample. Read serially, in parts on one
 * thread, and in parts on three (rows taken on a worker). */
static void gaps_and_late_widening(int threads) {
  char path[512], ty[256];
  snprintf(path, sizeof path, "%s/gap.xlsx", tmpdir);
  size_t cap = 4u << 20, len = 0;
  char *rows = malloc(cap);
  len += (size_t)snprintf(rows + len, cap - len,
                          "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>a</t></is></c>"
                          "<c r=\"B1\" t=\"inlineStr\"><is><t>b</t></is></c></row>");
  for (int r = 2; r <= 2000; r++) {
    if (r == 1500)
      len += (size_t)snprintf(rows + len, cap - len,
                              "<row r=\"%d\"><c r=\"A%d\"><v>%d</v></c><c r=\"B%d\" t=\"inlineStr\"><is><t>n/a</t></is></c></row>",
                              r, r, r, r);
    else
      len += (size_t)snprintf(rows + len, cap - len,
                              "<row r=\"%d\"><c r=\"A%d\"><v>%d</v></c><c r=\"B%d\"><v>%d</v></c></row>", r, r, r, r, r * 2);
  }
  len += (size_t)snprintf(rows + len, cap - len, "<row r=\"150000\"><c r=\"C150000\"><v>1</v></c></row>");
  char *s1 = malloc(cap + 512);
  snprintf(s1, cap + 512, "<worksheet><sheetData>%s</sheetData></worksheet>", rows);
  book(path, "", s1, NULL, NULL);
  rd d = {0};
  d.threads = threads;
  pf__opts_init(&d.o);
  ASSERT_OK(rd_open(&d, path));
  ASSERT_STR_EQ(types_of(&d, ty, sizeof ty), "a:int64,b:int64");
  const pf__reader_ops *ops = &pf__xlsx_reader_ops;
  pf_batch *b = NULL;
  pf_status st = ops->next(d.r, &b, &d.err);
  ASSERT_EQ(st, PF_ERESTART);
  ASSERT(strstr(d.err.message, "One!B1500") != NULL);
  ASSERT_OK(ops->rewind(d.r, &d.err));
  /* The cell outside the sampled columns (C150000) restarts once more. */
  int64_t total = 0, batches = 0, restarts = 0;
  for (;;) {
    st = ops->next(d.r, &b, &d.err);
    if (st == PF_ERESTART) {
      restarts++;
      total = batches = 0;
      ASSERT_OK(ops->rewind(d.r, &d.err));
      continue;
    }
    ASSERT_OK(st);
    if (!b) break;
    if (batches == 0) {
      size_t n;
      const uint8_t *p = pf__col_str(&b->cols[1], 1498, &n);
      ASSERT_EQ(n, 3);
      ASSERT_MEM_EQ(p, "n/a", 3);
      p = pf__col_str(&b->cols[1], 0, &n);
      ASSERT_MEM_EQ(p, "4", 1);
    }
    ASSERT_EQ(b->first_row, total);
    total += (int64_t)b->n_rows;
    batches++;
  }
  ASSERT_EQ(restarts, 1);
  ASSERT_EQ(total, 149999);
  ASSERT_EQ(batches, 3);
  ASSERT_STR_EQ(types_of(&d, ty, sizeof ty), "a:int64,b:string,Column_3:int64");
  const pf_schema *s = ops->schema(d.r);
  ASSERT(s->fields[1].note && strstr(s->fields[1].note, "widened from int64 to string at One!B1500: value 'n/a'"));
  rd_close(&d);
  free(rows);
  free(s1);
}

TEST_IMPL(gaps_and_late_widening_serial) { gaps_and_late_widening(0); }
TEST_IMPL(gaps_and_late_widening_one_thread) { gaps_and_late_widening(1); }
TEST_IMPL(gaps_and_late_widening_parallel) { gaps_and_late_widening(3); }

TEST_IMPL(errors_name_the_place) {
  char path[512];
  snprintf(path, sizeof path, "%s/broken.xlsx", tmpdir);
  char s1[1024];
  snprintf(s1, sizeof s1, "<worksheet><sheetData><row r=\"1\"><c><v>1</v></c></row>\n<row r=\"2\"><c><v>2</c></row></sheetData></worksheet>");
  book(path, "", s1, NULL, NULL);
  rd d = {0};
  pf__opts_init(&d.o);
  ASSERT_EQ(rd_open(&d, path), PF_EPARSE);
  ASSERT(strstr(d.err.message, "xl/worksheets/sheet1.xml at line 2") != NULL);
  ASSERT_STR_EQ(d.err.table, "One");
  ASSERT_STR_EQ(d.err.table_kind, "sheet");
  rd_close(&d);
  /* Too many columns for the limit. */
  snprintf(s1, sizeof s1, "<worksheet><sheetData><row r=\"1\"><c r=\"A1\"><v>1</v></c><c r=\"XFD1\"><v>2</v></c></row></sheetData></worksheet>");
  book(path, "", s1, NULL, NULL);
  pf__opts_init(&d.o);
  ASSERT_EQ(rd_open(&d, path), PF_ELIMIT);
  ASSERT(strstr(d.err.message, "16384 columns (A to XFD)") != NULL);
  rd_close(&d);
  pf__opts_init(&d.o);
  d.o.max_columns = 16384;
  ASSERT_OK(rd_open(&d, path));
  rd_close(&d);
  /* No sheet with data. */
  book(path, "", "<worksheet><sheetData><row r=\"3\"/></sheetData></worksheet>", "<worksheet/>", NULL);
  pf__opts_init(&d.o);
  ASSERT_EQ(rd_open(&d, path), PF_EEMPTY);
  ASSERT(strstr(d.err.message, "no sheet with data (2 empty sheets)") != NULL);
  rd_close(&d);
  /* Cell longer than the field limit. */
  snprintf(s1, sizeof s1, "<worksheet><sheetData><row r=\"1\"><c r=\"C1\" t=\"inlineStr\"><is><t>%0200d</t></is></c></row></sheetData></worksheet>", 7);
  book(path, "", s1, NULL, NULL);
  pf__opts_init(&d.o);
  d.o.max_field_bytes = 100;
  ASSERT_EQ(rd_open(&d, path), PF_ELIMIT);
  ASSERT(strstr(d.err.message, "One!C1") != NULL);
  rd_close(&d);
  /* A row inside a cell (its text offset would pass the row's text). */
  snprintf(s1, sizeof s1, "<worksheet><sheetData><row r=\"1\"><c r=\"A1\"><v>5</v></c><c r=\"B1\" "
           "t=\"inlineStr\"><is><t>ab</t><row r=\"2\"/></is></c></row></sheetData></worksheet>");
  book(path, "", s1, NULL, NULL);
  pf__opts_init(&d.o);
  ASSERT_EQ(rd_open(&d, path), PF_EPARSE);
  ASSERT(strstr(d.err.message, "a row inside a cell") != NULL);
  rd_close(&d);
  snprintf(s1, sizeof s1, "<worksheet><sheetData><row r=\"1\"><c r=\"A1\"><v>5</v></c><c r=\"B1\">"
           "<v>1<row r=\"2\"/>2</v></c></row></sheetData></worksheet>");
  book(path, "", s1, NULL, NULL);
  pf__opts_init(&d.o);
  ASSERT_EQ(rd_open(&d, path), PF_EPARSE);
  ASSERT(strstr(d.err.message, "a row inside a cell") != NULL);
  rd_close(&d);
}


/* ---- the specialised scanner against expat ---- */
typedef struct snip {
  char want; /* 'S': the scanner decides; 'U': it leaves the bytes to expat */
  const char *xml;
} snip;

static const snip SNIPS[] = {
    {'S', "<row r=\"1\"><c r=\"A1\"><v>1</v></c><c r=\"B1\" s=\"1\"><v>45000.5</v></c></row>"},
    {'S', "<row r='2' spans='1:3'><c r='A2' t='s'><v>1</v></c><c r='C2' t='inlineStr'><is><t>x</t></is></c></row>"},
    {'S', "<x:row r=\"3\"><x:c r=\"A3\" t=\"str\"><x:f>A1&amp;B1</x:f><x:v>a&lt;b&gt;&quot;&apos;&amp;</x:v></x:c></x:row>"},
    {'S', "<row r=\"4\"><c r=\"A4\" t=\"inlineStr\"><is><r><rPr><b/><sz val=\"11\"/></rPr><t xml:space=\"preserve\"> a </t></r>"
          "<r><t>b&#10;c&#x263A;&#128512;</t></r><rPh sb=\"0\" eb=\"1\"><t>PH</t></rPh><phoneticPr fontId=\"1\"/></is></c></row>"},
    {'S', "<row r=\"5\" ><c r=\"A5\" t=\"b\" ><v>1</v></c><c r=\"B5\" t=\"e\"><v>#N/A</v></c><c r=\"C5\" t=\"d\"><v>2024-01-05T10:30:00</v></c></row>"},
    {'S', "<row r=\"6\"><c r=\"A6\"/><c r=\"B6\"><v></v></c><c r=\"C6\" t=\"inlineStr\"><is/></c><c><v>7</v></c></row>\n  "},
    {'S', "<row r=\"7\"><c r=\"A7\"><extLst><ext uri=\"u\"><a:b xmlns:a=\"n\"><a:c/><a:v>9</a:v></a:b></ext></extLst><v>8</v></c></row>"},
    {'S', "<row r=\"8\"><c r=\"A8\" s=\"99\"><v>1</v></c><c r=\"B8\" t=\"zz\"><v>2</v></c><c r=\"$C$8\"><v>3</v></c></row>"},
    {'S', "<row><c><v>1</v></c></row><row><c><v>2</v></c></row>"},
    {'S', "<row r=\"0\"><c><v>1</v></c></row><row r=\"\"><c><v>2</v></c></row><row r=\"2000000\"><c><v>3</v></c></row>"},
    {'S', "<row r=\"9\"><c r=\"XFE9\"><v>1</v></c><c r=\"9\"><v>2</v></c></row>"},
    {'S', "<row r=\"10\"><c r=\"A10\" t=\"inlineStr\"><is><t>caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 ]] ] > \t</t></is></c></row>"},
    {'S', "<row r=\"11\"><c r=\"A11\"><v>1</v></c></row><foo><row r=\"12\"><c><v>2</v></c></row></foo><bar/>"},
    {'S', "<row r=\"13\"><c r=\"A13\" t=\"s\"><v>2</v></c><c r=\"B13\" x:t=\"s\" xmlns:x=\"q\"><v>0</v></c></row>"},
    {'S', "<row r=\"14\"><c r=\"A14\"><v>1</v><v>2</v></c><c r=\"B14\" t=\"inlineStr\"><v>3</v><is><t>4</t></is></c></row>"},
    {'S', "<row r=\"15\" r2=\"x\"><c r=\"A15\" t=\"inlineStr\"><is><t>&#13;</t></is></c></row>"},
    {'S', "<row r=\"1\"><c t=\"inlineStr\"><is/></c><c t=\"inlineStr\"><is><t/></is></c></row>"},
    {'S', ""},
    {'S', "  \n\t"},
    /* left to expat: it decides values or errors */
    {'U', "<row r=\"1\"><!-- c --><c><v>1</v></c></row>"},
    {'U', "<row r=\"1\"><c><v><![CDATA[1]]></v></c></row>"},
    {'U', "<row r=\"1\"><?pi x?><c><v>1</v></c></row>"},
    {'U', "<row r=\"1\"><c><v>1\r\n</v></c></row>"},
    {'U', "<row r=\"1\" spans=\"1&amp;2\"><c><v>1</v></c></row>"},
    {'U', "<row r=\" 1\"><c><v>1</v></c></row>"},
    {'U', "<row r=\"+1\"><c><v>1</v></c></row>"},
    {'U', "<row r=\"1\"><c s=\"-1\"><v>1</v></c></row>"},
    {'S', "<row r=\"1\"><c r=\"B1\"><v>1</v></c><c r=\"A1\"><v>2</v></c></row>"},
    {'S', "<row r=\"1\"><c r=\"A1\"><v>1</v></c><c r=\"A1\"><v>2</v></c></row>"},
    /* issue 9: repeated row numbers join, lower-case references, empty
     * texts are no cells, _xHHHH_ escapes */
    {'S', "<row r=\"4\"><c r=\"B4\"><v>1</v></c></row><row r=\"4\"><c r=\"A4\" t=\"s\"><v>1</v></c></row>"
          "<row r=\"4\"><c r=\"B4\"><v>9</v></c></row><row r=\"5\"><c r=\"A5\"><v>5</v></c></row>"},
    {'S', "<row r=\"2\"><c r=\"c2\"><v>1</v></c><c r=\"aa2\"><v>2</v></c><c r=\"$b$2\"><v>3</v></c></row>"},
    {'S', "<row r=\"3\"><c r=\"A3\" t=\"str\"><f>x</f><v/></c><c r=\"B3\" t=\"s\"><v>3</v></c>"
          "<c r=\"C3\" t=\"inlineStr\"><is><t></t></is></c><c r=\"D3\" t=\"str\"><v></v></c></row>"},
    {'S', "<row r=\"6\"><c t=\"inlineStr\"><is><t>a_x000D_b_x005F_x0041__xD83D__xDE00_</t></is></c>"
          "<c t=\"str\"><v>_x0041</v></c></row>"},
    {'U', "<row r=\"1\"><c t=\"s\"><v>4</v></c></row>"},
    {'U', "<row r=\"1\"><c><row r=\"1\"/></c></row>"},
    {'U', "<row r=\"1\"><c t=\"s\"><v>x</v></c></row>"},
    {'U', "<row r=\"1\"><c><v>12345678901234567890123456789012345678901234567890123456789012345</v></c></row>"},
    {'U', "<row r=\"1\"><c><v>1</v></c></row></sheetData>"},
    {'U', "<dimension ref=\"A1\"/><row r=\"1\"><c><v>1</v></c></row>"},
    {'U', "<row r=\"1\"><c><v>&nbsp;</v></c></row>"},
    {'U', "<row r=\"1\"><c><v>&#0;</v></c></row>"},
    {'U', "<row r=\"1\"><c><v>&#xD800;</v></c></row>"},
    {'U', "<row r=\"1\"><c><v>1]]>2</v></c></row>"},
    {'U', "<row r=\"1\"><c><v>1\x01</v></c></row>"},
    {'U', "<row r=\"1\"><c><v>\xc0\xaf</v></c></row>"},
    {'U', "<row r=\"1\"><c><v>\xed\xa0\x80</v></c></row>"},
    {'U', "<row r=\"1\"><c><v>\xef\xbf\xbe</v></c></row>"},
    {'U', "<row r=\"1\"><c><v>\xf4\x90\x80\x80</v></c></row>"},
    {'U', "<row r=\"1\"><c><v>1</v></c>"},
    {'U', "<row r=\"1\"><c><v>1</c></v></row>"},
    {'U', "<row r=\"1\"><c r=\"A1\"r=\"A1\"><v>1</v></c></row>"},
    {'U', "<row r=\"1\"><c r=\"A1\" r=\"B1\"><v>1</v></c></row>"},
    {'U', "<row r=\"1\"><c r=A1><v>1</v></c></row>"},
    {'U', "<row r=\"1\"><c r=\"A1'><v>1</v></c></row>"},
    {'U', "<row r=\"1\"><c r=\"<\"><v>1</v></c></row>"},
    {'U', "<row r=\"1\"><1c><v>1</v></1c></row>"},
    {'U', "<row r=\"1\"><caf\xc3\xa9><v>1</v></caf\xc3\xa9></row>"},
    {'U', "</row>"},
    {'U', "<row r=\"1\"><c><v>5</v></c><c t=\"inlineStr\"><is><t>ab</t><row r=\"2\"></row></is></c></row>"},
    {'U', "<row r=\"1\"><c><v>5</v></c><c><v>1<row r=\"2\"/>2</v></c></row>"},
    {'U', "<row r=\"1\"><c/ ></row>"},
    {'U', "<row r=\"1\"><x:><v>1</v></x:></row>"},
};

TEST_IMPL(scanner_matches_expat_snippets) {
  for (size_t i = 0; i < sizeof SNIPS / sizeof SNIPS[0]; i++) {
    const snip *t = &SNIPS[i];
    int unsure = -1;
    pf_error e;
    pf_error_init(&e);
    pf_status st = pf__xlsx_fast_diff_rows(t->xml, strlen(t->xml), &unsure, &e);
    if (st != PF_OK || unsure != (t->want == 'U')) {
      fprintf(stderr, "snippet %zu (%s): status %s, unsure %d: %s\n", i, t->xml, pf_status_name(st), unsure,
              e.message);
      ASSERT(0);
    }
    /* Every cut of a sure snippet (the rows as pieces) agrees too. */
    for (size_t k = 1; t->want == 'S' && k < strlen(t->xml); k++) {
      ASSERT_OK(pf__xlsx_fast_diff_rows(t->xml, k, &unsure, &e));
      ASSERT_OK(pf__xlsx_fast_diff_rows(t->xml + k, strlen(t->xml) - k, &unsure, &e));
    }
  }
}

/* The rows the scanner hands over, rendered, for a few exact values. */
static int render(void *user, int64_t row, const pf__xlsx_cell *cells, size_t n) {
  char *out = user;
  size_t len = strlen(out);
  len += (size_t)snprintf(out + len, 1024 - len, "%lld:", (long long)row);
  for (size_t i = 0; i < n; i++)
    len += (size_t)snprintf(out + len, 1024 - len, "[%u %d %d %.*s]", cells[i].col, cells[i].kind,
                            cells[i].fmt, (int)cells[i].n, cells[i].p);
  snprintf(out + len, 1024 - len, "\n");
  return 0;
}

TEST_IMPL(scanner_values) {
  static const uint8_t xf[2] = {PF__XF_NUMBER, PF__XF_DATE};
  static char sst[] = "a\0bb";
  uint64_t off[3] = {0, 2, 5};
  uint32_t len[2] = {1, 2};
  pf__xlsx_book b;
  memset(&b, 0, sizeof b);
  b.xf_fmt = (uint8_t *)xf;
  b.n_xf = 2;
  b.sst = sst;
  b.sst_off = off;
  b.sst_len = len;
  b.n_sst = 2;
  b.max_field = 100;
  pf__xlsx_fast *f = pf__xlsx_fast_new();
  ASSERT(f != NULL);
  char out[1024] = "";
  int no_r = -1;
  const char *x = "<x:row r='3'><x:c r='B3' s='1'><x:v>4.5</x:v></x:c><c r=\"D3\" t=\"s\"><v>1</v></c>"
                  "<c t=\"inlineStr\"><is><r><t>a&amp;</t></r><rPh><t>no</t></rPh><r><t>&#x41;\xc3\xa9</t></r></is></c>"
                  "</x:row><row><c><f>1+1</f><v>2</v></c><c><v/></c></row>";
  ASSERT_EQ(pf__xlsx_fast_parse(f, &b, x, strlen(x), render, out, &no_r), 0);
  ASSERT_STR_EQ(out, "3:[2 0 1 4.5][4 1 0 bb][5 2 0 a&A\xc3\xa9]\n4:[1 0 0 2]\n");
  ASSERT_EQ(no_r, 1);
  pf__xlsx_fast_free(f);
}

static void diff_dir(const char *dir, size_t *files, size_t *sure, size_t *unsure) {
  char cmd[600];
  snprintf(cmd, sizeof cmd, "find '%s' -maxdepth 3 -type f -name '*.xls*' 2>/dev/null | sort", dir);
  FILE *l = popen(cmd, "r");
  if (!l) return;
  char path[1024];
  while (fgets(path, sizeof path, l)) {
    path[strcspn(path, "\n")] = 0;
    size_t s = 0, u = 0;
    pf_error e;
    pf_error_init(&e);
    pf_status st = pf__xlsx_fast_diff_book(path, &s, &u, &e);
    if (st == PF_EINTERNAL) fprintf(stderr, "%s: %s\n", path, e.message);
    ASSERT(st != PF_EINTERNAL);
    *files += 1;
    *sure += s;
    *unsure += u;
  }
  pclose(l);
}

TEST_IMPL(scanner_matches_expat_workbooks) {
  size_t files = 0, sure = 0, unsure = 0;
  diff_dir(PF_TEST_DATA_DIR "/xlsx", &files, &sure, &unsure);
  diff_dir(PF_TEST_DATA_DIR "/../../fuzz/corpus/xlsx", &files, &sure, &unsure);
  /* The workbooks the interop tests write (openpyxl, XlsxWriter): keep
   * them with --basetemp and point PF_XLSX_DIFF_DIR at that directory. */
  const char *extra = getenv("PF_XLSX_DIFF_DIR");
  if (extra) diff_dir(extra, &files, &sure, &unsure);
  fprintf(stderr, "scanner vs expat: %zu workbooks, %zu pieces compared, %zu left to expat\n", files,
          sure, unsure);
  ASSERT(files >= 4);
  ASSERT(sure > unsure);
  /* A workbook written here with every detail the scanner decides. */
  char path[400];
  snprintf(path, sizeof path, "%s/scan.xlsx", tmpdir);
  char s1[4096];
  snprintf(s1, sizeof s1,
           SHEET("<row r=\"2\"><c r=\"B2\" t=\"inlineStr\"><is><t>h&amp;1</t></is></c><c r=\"C2\" t=\"s\"><v>0</v></c></row>"
                 "<row r=\"3\" spans=\"2:3\"><c r=\"B3\" s=\"1\"><v>45000</v></c><c r='C3'><f>1</f><v>2.5</v></c></row>"),
           "");
  book(path, "", s1, NULL, "<sst><si><t>s0</t></si></sst>");
  size_t s = 0, u = 0;
  pf_error e;
  pf_error_init(&e);
  ASSERT_OK(pf__xlsx_fast_diff_book(path, &s, &u, &e));
  ASSERT_EQ(u, 0);
  ASSERT_EQ(s, 3);
}

/* issue 9: t="d" text with long fractions, and text escapes. */
TEST_IMPL(iso_text_and_escapes) {
  int32_t d;
  int64_t us;
  const int64_t DAY = 86400000000LL;
  const char *a = "2021-12-31T23:59:59.9999996";
  ASSERT_EQ(pf__xlsx_parse_iso(a, strlen(a), &d, &us), PF_TYPE_TIMESTAMP);
  ASSERT_EQ(us, pf__days_from_civil(2022, 1, 1) * DAY);
  a = "2009-01-01T11:00:00.00000020954757600";
  ASSERT_EQ(pf__xlsx_parse_iso(a, strlen(a), &d, &us), PF_TYPE_TIMESTAMP);
  ASSERT_EQ(us, pf__days_from_civil(2009, 1, 1) * DAY + 11 * 3600 * 1000000LL);
  a = "2009-01-01T11:00:00.1234565";
  ASSERT_EQ(pf__xlsx_parse_iso(a, strlen(a), &d, &us), PF_TYPE_TIMESTAMP);
  ASSERT_EQ(us % 1000000, 123457);
  a = "2020-03-01T10:00:00+02:00";
  ASSERT_EQ(pf__xlsx_parse_iso(a, strlen(a), &d, &us), PF_TYPE_TIMESTAMP_UTC);
  ASSERT_EQ(us, pf__days_from_civil(2020, 3, 1) * DAY + 8 * 3600 * 1000000LL);
  a = "2020-03-01";
  ASSERT_EQ(pf__xlsx_parse_iso(a, strlen(a), &d, &us), PF_TYPE_DATE);
  ASSERT_EQ(d, pf__days_from_civil(2020, 3, 1));
  a = "10:59:59.9999999999984025";
  ASSERT_EQ(pf__xlsx_parse_iso(a, strlen(a), &d, &us), PF_TYPE_TIME);
  ASSERT_EQ(us, 11 * 3600 * 1000000LL);
  a = "23:59:59.9999999";
  ASSERT_EQ(pf__xlsx_parse_iso(a, strlen(a), &d, &us), PF_TYPE_TIME);
  ASSERT_EQ(us, DAY - 1);
  static const char *bad[] = {"2020-13-01", "2020-01-01T", "2020-01-01T10:00:00.", "24:00", "2020-01-01X",
                              "2020-01-01T10:00:00+2", "n/a"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    ASSERT_EQ(pf__xlsx_parse_iso(bad[i], strlen(bad[i]), &d, &us), PF_TYPE_STRING);
  static const struct {
    const char *in, *out;
  } esc[] = {{"a_x000D_b", "a\rb"},         {"_x005F_x000D_", "_x000D_"},
             {"_x005F_x005F_", "_x005F_"},   {"_xD83D__xDE00_!", "\xf0\x9f\x98\x80!"},
             {"_xD800_", "_xD800_"},         {"_x00e9__x20AC_", "\xc3\xa9\xe2\x82\xac"},
             {"_X0041_ _x41_ _x0041", "_X0041_ _x41_ _x0041"}, {"plain", "plain"}};
  for (size_t i = 0; i < sizeof esc / sizeof esc[0]; i++) {
    char buf[64];
    size_t n = strlen(esc[i].in);
    memcpy(buf, esc[i].in, n);
    n = pf__xlsx_unescape(buf, n);
    buf[n] = 0;
    ASSERT_STR_EQ(buf, esc[i].out);
  }
}

/* PYFORGE_XLSX_SCANNER=check compares the parallel reader's rows with the
 * serial reader's: rows the parallel reader did not give (what a UTF-16
 * sheet did) or gave differently are an internal error naming the sheet. */
TEST_IMPL(check_mode_catches_lost_rows) {
  char path[512];
  snprintf(path, sizeof path, "%s/shadow.xlsx", tmpdir);
  char s1[1024];
  snprintf(s1, sizeof s1, SHEET("<row r=\"2\"><c r=\"B2\"><v>1</v></c></row><row r=\"3\"><c r=\"B3\"><v>2</v></c></row>"), "");
  book(path, "", s1, NULL, NULL);
  pf__xlsx_book b;
  pf_error e;
  pf_error_init(&e);
  ASSERT_OK(pf__xlsx_book_open(&b, path, NULL, 1u << 20, NULL, &e));
  pf__xlsx_shadow *w = NULL;
  ASSERT_OK(pf__xlsx_shadow_open(&b, &b.sheets[0], &w, &e));
  ASSERT_EQ(pf__xlsx_shadow_end(w, &e), PF_EINTERNAL);
  ASSERT(strstr(e.message, "sheet 'One'") && strstr(e.message, "rows the parallel one did not give"));
  pf__xlsx_shadow_close(w);
  ASSERT_OK(pf__xlsx_shadow_open(&b, &b.sheets[0], &w, &e));
  pf__xlsx_cell c = {2, PF__XK_NUM, PF__XF_NUMBER, "1", 1};
  ASSERT_OK(pf__xlsx_shadow_row(w, 2, &c, 1, &e));
  c.p = "3";
  ASSERT_EQ(pf__xlsx_shadow_row(w, 3, &c, 1, &e), PF_EINTERNAL);
  ASSERT(strstr(e.message, "different cells") && strstr(e.message, "sheet row 3"));
  pf__xlsx_shadow_close(w);
  pf__xlsx_book_close(&b);
}

int main(void) {
  snprintf(tmpdir, sizeof tmpdir, "/tmp/pf-test-xlsx-XXXXXX");
  if (!mkdtemp(tmpdir)) return 2;
  RUN_TEST(numfmt_rules);
  RUN_TEST(cells_kinds_prefixes_1904);
  RUN_TEST(merged_headers_and_selection);
  RUN_TEST(gaps_and_late_widening_serial);
  RUN_TEST(gaps_and_late_widening_one_thread);
  RUN_TEST(gaps_and_late_widening_parallel);
  RUN_TEST(errors_name_the_place);
  RUN_TEST(scanner_matches_expat_snippets);
  RUN_TEST(scanner_values);
  RUN_TEST(scanner_matches_expat_workbooks);
  RUN_TEST(iso_text_and_escapes);
  RUN_TEST(check_mode_catches_lost_rows);
  char cmd[400];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
  if (system(cmd) != 0) return 2;
  return TEST_SUMMARY();
}

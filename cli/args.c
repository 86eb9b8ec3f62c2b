/* args.c - scanning command-line arguments and the reading options shared
 * by convert, info and validate. */
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"

void cli_args_init(cli_args *a, int argc, char **argv, const char *cmd) {
  memset(a, 0, sizeof *a);
  a->argc = argc;
  a->argv = argv;
  a->cmd = cmd;
}

void cli_args_free(cli_args *a) {
  free(a->nulls);
  free(a->sheets);
  free(a->parts);
  for (size_t i = 0; i < a->n_copies; i++) free(a->copies[i]);
  free(a->copies);
  a->nulls = a->sheets = a->parts = NULL;
  a->copies = NULL;
  a->n_copies = 0;
  a->n_nulls = a->n_sheets = a->n_parts = 0;
}

/* Appends v to a list; -1 when out of memory. */
static int list_add(const char ***list, size_t *n, const char *v);

int cli_add_partitions(cli_args *a, const char *v) {
  char **nc = realloc(a->copies, (a->n_copies + 1) * sizeof *nc);
  if (!nc) return -1;
  a->copies = nc;
  char *copy = strdup(v);
  if (!copy) return -1;
  nc[a->n_copies++] = copy;
  for (char *p = copy, *e; p; p = e) {
    e = strchr(p, ',');
    if (e) *e++ = 0;
    while (*p == ' ') p++;
    size_t l = strlen(p);
    while (l && p[l - 1] == ' ') p[--l] = 0;
    if (!l || list_add(&a->parts, &a->n_parts, p)) return -1;
  }
  return 0;
}

static int list_add(const char ***list, size_t *n, const char *v) {
  const char **nl = realloc(*list, (*n + 1) * sizeof *nl);
  if (!nl) return -1;
  nl[(*n)++] = v;
  *list = nl;
  return 0;
}

int cli_args_next(cli_args *a, const char **opt, const char **pos) {
  *opt = *pos = NULL;
  a->value = NULL;
  while (a->i < a->argc) {
    const char *s = a->argv[a->i++];
    if (!a->only_pos && strcmp(s, "--") == 0) {
      a->only_pos = 1;
      continue;
    }
    if (a->only_pos || s[0] != '-' || strcmp(s, "-") == 0) {
      *pos = s;
      return 1;
    }
    const char *eq = s[1] == '-' ? strchr(s, '=') : NULL;
    if (eq) {
      size_t n = (size_t)(eq - s);
      if (n >= sizeof a->name) n = sizeof a->name - 1;
      memcpy(a->name, s, n);
      a->name[n] = 0;
      a->value = eq + 1;
      *opt = a->name;
    } else {
      *opt = s;
    }
    return 1;
  }
  return 0;
}

int cli_usage_error(const char *cmd, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "pyforge%s%s: ", cmd ? " " : "", cmd ? cmd : "");
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fprintf(stderr, "\nTry 'pyforge%s%s --help'.\n", cmd ? " " : "", cmd ? cmd : "");
  return EXIT_USAGE;
}

const char *cli_args_value(cli_args *a, const char *opt) {
  if (a->value) return a->value;
  if (a->i < a->argc) return a->argv[a->i++];
  cli_usage_error(a->cmd, "option %s needs a value", opt);
  return NULL;
}

int cli_parse_size(const char *s, int64_t *out) {
  if (!s || !isdigit((unsigned char)*s)) return -1;
  char *end;
  unsigned long long v = strtoull(s, &end, 10);
  int64_t mul = 1;
  if (*end == 'k' || *end == 'K') mul = 1024, end++;
  else if (*end == 'm' || *end == 'M') mul = 1024 * 1024, end++;
  else if (*end == 'g' || *end == 'G') mul = 1024LL * 1024 * 1024, end++;
  if (*end == 'i' || *end == 'I') end++;
  if ((*end == 'b' || *end == 'B') && mul > 1) end++;
  if (*end || v > (unsigned long long)(INT64_MAX / mul)) return -1;
  *out = (int64_t)v * mul;
  return 0;
}

/* A delimiter/quote/escape character from its spelling. -2 when bad. */
static int parse_char(const char *s, int allow_none) {
  static const struct { const char *name; int c; } names[] = {
      {"tab", '\t'},   {"\\t", '\t'},      {"comma", ','}, {"semicolon", ';'},
      {"pipe", '|'},   {"space", ' '},     {"colon", ':'}, {"backslash", '\\'},
      {"\\\\", '\\'},
      {"double", 0},   {"none", 0},
  };
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (strcasecmp(s, names[i].name) == 0) return (names[i].c == 0 && !allow_none) ? -2 : names[i].c;
  if (strlen(s) == 1 && (unsigned char)s[0] < 0x80) return (unsigned char)s[0];
  return -2;
}

const char cli_read_options_help[] =
    "Reading options (all formats, CSV/TSV):\n"
    "  --input-format NAME     input format when the extension does not tell (csv, xlsx, xml, dbf)\n"
    "  --delimiter C           field delimiter: a character, or tab, comma, semicolon,\n"
    "                          pipe, space, colon (default: detected)\n"
    "  --quote C|none          quote character (default: detected, usually \")\n"
    "  --escape C|double       escape inside quotes: double (\"\") or backslash (default: detected)\n"
    "  --header / --no-header  whether the first row names the columns (default: detected)\n"
    "  --skip-rows N           lines to skip before the header or data\n"
    "  --encoding NAME         text encoding (default: detected: utf-8, utf-16, windows-1252;\n"
    "                          dBase: the .cpg file or language driver, else detected)\n"
    "  --null-value S          a value read as null in every column (repeatable)\n"
    "  --on-bad-rows MODE      error (default), skip (to a rejects file) or keep\n"
    "  --all-strings           every column a string, as the original PyForge CLI did\n"
    "  --max-columns N         safety limit on columns (default 8192)\n"
    "  --max-field-size N      safety limit on one value, e.g. 256M (default 64M)\n"
    "  --threads N             threads to use (default: all cores)\n"
    "\n"
    "Reading options (Excel .xlsx/.xlsm):\n"
    "  --sheet NAME            read this sheet (repeatable; default: every sheet with data)\n"
    "  --header-row N          the sheet row naming the columns (default: detected)\n"
    "  --no-header             no header row: columns are named Column_1, Column_2, ...\n"
    "  --fill-merged           copy a merged cell's value into every cell of its range\n"
    "\n"
    "Reading options (XML):\n"
    "  --row-tag NAME          element that forms one row (default: detected)\n"
    "  --array-handling MODE   repeated elements: explode (one row each), join (default), json\n"
    "                          (also expand, concatenate, json_string)\n"
    "  --array-separator S     separator for join (default \"; \")\n"
    "  --namespace-handling M  strip, prefix (ns_name, default) or preserve (ns:name)\n"
    "  --attribute-prefix S    prefix of attribute columns (default _; @ as the original)\n"
    "  --path-separator S      between nested element names (default .)\n"
    "  --value-name S          column of an element's text beside attributes (default _VALUE)\n"
    "\n"
    "Reading options (dBase .dbf):\n"
    "  --keep-deleted          keep deleted records, with a _deleted column (default: left out)\n"
    "  --ignore-missing-memo   convert without the memo columns when the memo file is missing\n"
    "  --allow-truncated       a file with fewer records than its header says: convert those\n"
    "                          there, with a warning (default: an error)\n"
    "  --on-bad-rows skip      records that cannot be read go to the rejects file\n";

/* A keyword among names[] (NULL-terminated, with their values); -1 if none. */
static int keyword(const char *v, const char *const *names, const int *values) {
  for (size_t i = 0; names[i]; i++)
    if (strcasecmp(v, names[i]) == 0) return values[i];
  return -1;
}

int cli_read_option(cli_args *a, const char *opt, pf_convert_options *o) {
  const char *v;
#define VALUE() \
  if (!(v = cli_args_value(a, opt))) return -1
  if (!strcmp(opt, "--input-format")) {
    VALUE();
    o->input_format = v;
  } else if (!strcmp(opt, "--delimiter") || !strcmp(opt, "--sep") || !strcmp(opt, "-d")) {
    VALUE();
    int c = parse_char(v, 0);
    if (c < 0) return cli_usage_error(a->cmd, "--delimiter takes one character or tab/comma/semicolon/pipe/space/colon; got '%s'", v), -1;
    o->csv.delimiter = c;
  } else if (!strcmp(opt, "--quote")) {
    VALUE();
    int c = parse_char(v, 1);
    if (c < 0) return cli_usage_error(a->cmd, "--quote takes one character or 'none'; got '%s'", v), -1;
    o->csv.quote = c;
  } else if (!strcmp(opt, "--escape")) {
    VALUE();
    int c = parse_char(v, 1);
    if (c < 0) return cli_usage_error(a->cmd, "--escape takes one character, 'backslash' or 'double'; got '%s'", v), -1;
    o->csv.escape = c;
  } else if (!strcmp(opt, "--header")) {
    o->csv.header = 1;
  } else if (!strcmp(opt, "--no-header")) {
    o->csv.header = 0;
  } else if (!strcmp(opt, "--skip-rows")) {
    VALUE();
    int64_t n;
    if (cli_parse_size(v, &n)) return cli_usage_error(a->cmd, "--skip-rows takes a number; got '%s'", v), -1;
    o->csv.skip_rows = n;
  } else if (!strcmp(opt, "--encoding")) {
    VALUE();
    o->csv.encoding = v;
    o->dbf.encoding = v;
  } else if (!strcmp(opt, "--keep-deleted")) {
    o->dbf.keep_deleted = 1;
  } else if (!strcmp(opt, "--ignore-missing-memo")) {
    o->dbf.ignore_missing_memo = 1;
  } else if (!strcmp(opt, "--allow-truncated")) {
    o->dbf.allow_truncated = 1;
  } else if (!strcmp(opt, "--null-value")) {
    VALUE();
    if (list_add(&a->nulls, &a->n_nulls, v)) return -1;
    o->csv.null_values = a->nulls;
    o->csv.n_null_values = a->n_nulls;
  } else if (!strcmp(opt, "--on-bad-rows")) {
    VALUE();
    if (!strcmp(v, "error")) o->csv.on_bad_rows = PF_BAD_ROWS_ERROR;
    else if (!strcmp(v, "skip")) o->csv.on_bad_rows = PF_BAD_ROWS_SKIP;
    else if (!strcmp(v, "keep")) o->csv.on_bad_rows = PF_BAD_ROWS_KEEP;
    else return cli_usage_error(a->cmd, "--on-bad-rows takes error, skip or keep; got '%s'", v), -1;
  } else if (!strcmp(opt, "--all-strings")) {
    o->all_strings = 1;
  } else if (!strcmp(opt, "--max-columns")) {
    VALUE();
    if (cli_parse_size(v, &o->max_columns) || o->max_columns == 0)
      return cli_usage_error(a->cmd, "--max-columns takes a positive number; got '%s'", v), -1;
  } else if (!strcmp(opt, "--max-field-size")) {
    VALUE();
    if (cli_parse_size(v, &o->max_field_bytes) || o->max_field_bytes == 0)
      return cli_usage_error(a->cmd, "--max-field-size takes a size such as 128M; got '%s'", v), -1;
  } else if (!strcmp(opt, "--threads") || !strcmp(opt, "-j")) {
    VALUE();
    int64_t n;
    if (cli_parse_size(v, &n) || n > 256) return cli_usage_error(a->cmd, "--threads takes a number from 0 (all cores) to 256; got '%s'", v), -1;
    o->threads = (int)n;
  } else if (!strcmp(opt, "--sheet") || !strcmp(opt, "--sheets")) {
    VALUE();
    if (list_add(&a->sheets, &a->n_sheets, v)) return -1;
    o->excel.sheets = a->sheets;
    o->excel.n_sheets = a->n_sheets;
  } else if (!strcmp(opt, "--header-row")) {
    VALUE();
    int64_t n;
    if (cli_parse_size(v, &n) || n < 1 || n > 1048576)
      return cli_usage_error(a->cmd, "--header-row takes a sheet row number from 1 to 1048576; got '%s'", v), -1;
    o->excel.header_row = n;
  } else if (!strcmp(opt, "--fill-merged")) {
    o->excel.fill_merged = 1;
  } else if (!strcmp(opt, "--row-tag") || !strcmp(opt, "--rowTag")) {
    VALUE();
    if (!*v) return cli_usage_error(a->cmd, "--row-tag takes an element name"), -1;
    o->xml.row_tag = v;
  } else if (!strcmp(opt, "--array-handling")) {
    VALUE();
    static const char *const names[] = {"explode", "expand", "join", "concatenate", "json", "json_string", NULL};
    static const int values[] = {PF_XML_ARRAYS_EXPLODE, PF_XML_ARRAYS_EXPLODE, PF_XML_ARRAYS_JOIN,
                                 PF_XML_ARRAYS_JOIN, PF_XML_ARRAYS_JSON, PF_XML_ARRAYS_JSON};
    int k = keyword(v, names, values);
    if (k < 0) return cli_usage_error(a->cmd, "--array-handling takes explode, join or json (or expand, concatenate, json_string); got '%s'", v), -1;
    o->xml.arrays = (pf_xml_arrays)k;
  } else if (!strcmp(opt, "--array-separator")) {
    VALUE();
    o->xml.array_separator = v;
  } else if (!strcmp(opt, "--namespace-handling")) {
    VALUE();
    static const char *const names[] = {"strip", "prefix", "preserve", NULL};
    static const int values[] = {PF_XML_NS_STRIP, PF_XML_NS_PREFIX, PF_XML_NS_PRESERVE};
    int k = keyword(v, names, values);
    if (k < 0) return cli_usage_error(a->cmd, "--namespace-handling takes strip, prefix or preserve; got '%s'", v), -1;
    o->xml.namespaces = (pf_xml_namespaces)k;
  } else if (!strcmp(opt, "--attribute-prefix")) {
    VALUE();
    o->xml.attribute_prefix = v;
  } else if (!strcmp(opt, "--path-separator")) {
    VALUE();
    if (!*v) return cli_usage_error(a->cmd, "--path-separator cannot be empty"), -1;
    o->xml.path_separator = v;
  } else if (!strcmp(opt, "--value-name")) {
    VALUE();
    if (!*v) return cli_usage_error(a->cmd, "--value-name cannot be empty"), -1;
    o->xml.value_name = v;
  } else {
    return 0;
  }
#undef VALUE
  return 1;
}

int cli_scan_file_command(cli_args *a, const char *help, pf_convert_options *o,
                          const char **file, int *json, cli_extra_option_fn extra) {
  const char *opt, *pos;
  while (cli_args_next(a, &opt, &pos)) {
    if (pos) {
      if (*file) return cli_usage_error(a->cmd, "unexpected argument '%s'", pos);
      *file = pos;
      continue;
    }
    int r = cli_read_option(a, opt, o);
    if (r < 0) return EXIT_USAGE;
    if (r > 0) continue;
    if (!strcmp(opt, "-h") || !strcmp(opt, "--help")) {
      fputs(help, stdout);
      fputs(cli_read_options_help, stdout);
      return EXIT_OK;
    }
    if (!strcmp(opt, "--json")) {
      *json = 1;
      continue;
    }
    r = extra ? extra(a, opt, o, json) : 0;
    if (r < 0) return EXIT_USAGE;
    if (r == 0) return cli_usage_error(a->cmd, "unknown option '%s'", opt);
  }
  if (!*file) return cli_usage_error(a->cmd, "missing FILE");
  return -1;
}

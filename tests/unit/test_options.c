/* test_options.c - options by key: every key of every table (its
 * descriptor, its default, good and bad values and the error text), the
 * handle (set, add, get, reset, copy, lists), resolution into pf__opts
 * (each key lands in its own field), spelling keys in messages, cancel
 * tokens. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/opts.h"
#include "engine/engine.h"
#include "test.h"

static int is_identifier(const char *s) {
  if (!s || !(isalpha((unsigned char)*s) || *s == '_')) return 0;
  for (; *s; s++)
    if (!(isalnum((unsigned char)*s) || *s == '_')) return 0;
  return 1;
}

/* Every descriptor is complete and keys, names and flags are unique. */
TEST_IMPL(descriptors) {
  size_t n = pf_option_count();
  ASSERT(n >= 40);
  ASSERT(pf_option_at(n) == NULL);
  for (size_t i = 0; i < n; i++) {
    const pf_option_desc *d = pf_option_at(i);
    ASSERT(d != NULL);
    ASSERT_EQ(d->struct_size, sizeof(pf_option_desc));
    if (!d->key || !strchr(d->key, '.')) TEST_FAIL_("key %zu: '%s' has no group", i, d->key);
    if (!is_identifier(d->name)) TEST_FAIL_("%s: name '%s' is not an identifier", d->key, d->name);
    if (!d->help || !d->help[0] || !d->takes || !d->takes[0] || !d->section || !d->uses)
      TEST_FAIL_("%s: help, takes, section and uses are required", d->key);
    ASSERT(pf_option_find(d->key) == d);
    ASSERT(pf_option_find(d->name) == d);
    int takes_value = 0;
    for (const pf_option_flag *f = d->cli; f && f->flag; f++) {
      if (f->flag[0] != '-') TEST_FAIL_("%s: flag '%s'", d->key, f->flag);
      takes_value |= f->value == NULL;
      if (f->value) {
        pf_options *o = pf_options_new();
        pf_error e;
        if (pf_options_set(o, d->key, f->value, &e) != PF_OK)
          TEST_FAIL_("%s: flag %s sets '%s': %s", d->key, f->flag, f->value, e.message);
        pf_options_free(o);
      }
    }
    if (takes_value != (d->metavar != NULL))
      TEST_FAIL_("%s: a metavar iff a flag takes a value", d->key);
    for (size_t j = 0; j < i; j++) {
      const pf_option_desc *p = pf_option_at(j);
      if (!strcmp(p->key, d->key) || !strcmp(p->name, d->name) || !strcmp(p->name, d->key))
        TEST_FAIL_("%s and %s clash", p->key, d->key);
      /* a flag spelled twice must not be readable by the same command */
      for (const pf_option_flag *f = d->cli; f && f->flag; f++)
        for (const pf_option_flag *g = p->cli; g && g->flag; g++)
          if (!strcmp(f->flag, g->flag) && (d->uses & p->uses))
            TEST_FAIL_("flag %s of %s and %s", f->flag, d->key, p->key);
    }
  }
}

/* A default parses, and is what get() answers before anything is set. */
TEST_IMPL(defaults) {
  pf_options *o = pf_options_new();
  for (size_t i = 0; i < pf_option_count(); i++) {
    const pf_option_desc *d = pf_option_at(i);
    const char *v = "x";
    ASSERT_OK(pf_options_get(o, d->key, &v, NULL));
    if (d->default_value == NULL) {
      ASSERT(v == NULL);
      continue;
    }
    ASSERT_STR_EQ(v, d->default_value);
    pf_error e;
    if (pf_options_set(o, d->key, d->default_value, &e) != PF_OK)
      TEST_FAIL_("%s: default '%s' does not parse: %s", d->key, d->default_value, e.message);
    ASSERT(pf_options_is_set(o, d->key));
  }
  pf_options_free(o);
}

/* A value of the key's type that is not allowed. */
static const char *bad_value(const pf_option_desc *d, char *buf, size_t n) {
  switch (d->type) {
    case PF_OPTION_BOOL: return "maybe";
    case PF_OPTION_ENUM: return "bogus";
    case PF_OPTION_CHAR: return "ab";
    case PF_OPTION_INT:
    case PF_OPTION_SIZE:
      if (d->max < INT64_MAX) snprintf(buf, n, "%lld", (long long)d->max + 1);
      else snprintf(buf, n, "%s", "12x");
      return buf;
    case PF_OPTION_STRING:
    case PF_OPTION_LIST: return d->flags & PF_OPTION_NONEMPTY ? "" : NULL;
  }
  return NULL;
}

TEST_IMPL(bad_values_name_key_value_and_what_is_allowed) {
  pf_options *o = pf_options_new();
  for (size_t i = 0; i < pf_option_count(); i++) {
    const pf_option_desc *d = pf_option_at(i);
    char buf[64], want[1024];
    const char *bad = bad_value(d, buf, sizeof buf);
    if (!bad) continue;
    pf_error e;
    pf_status st = pf_options_set(o, d->key, bad, &e);
    if (st != PF_EINVAL) TEST_FAIL_("%s = '%s' was accepted", d->key, bad);
    snprintf(want, sizeof want, "%s takes %s; got '%s'", d->key, d->takes, bad);
    ASSERT_STR_EQ(e.message, want);
    ASSERT(!pf_options_is_set(o, d->key)); /* nothing half-set */
    if ((d->type == PF_OPTION_INT || d->type == PF_OPTION_SIZE) && d->min > INT64_MIN) {
      snprintf(buf, sizeof buf, "%lld", (long long)d->min - 1);
      ASSERT_EQ(pf_options_set(o, d->key, buf, NULL), PF_EINVAL);
    }
  }
  pf_options_free(o);
}

TEST_IMPL(good_values_and_canonical_text) {
  static const struct { const char *key, *in, *out; } cases[] = {
      {"csv.delimiter", "tab", "tab"},        {"csv.delimiter", "\\t", "tab"},
      {"csv.delimiter", "semicolon", ";"},    {"csv.delimiter", "|", "|"},
      {"csv.delimiter", "AUTO", "auto"},      {"csv.quote", "none", "none"},
      {"csv.escape", "double", "double"},     {"csv.escape", "backslash", "\\"},
      {"input.header", "no", "false"},        {"input.header", "auto", "auto"},
      {"output.force", "ON", "true"},         {"output.compression", "lz4", "lz4_raw"},
      {"output.compression", "uncompressed", "none"}, {"output.compression", "ZSTD", "zstd"},
      {"input.max_field_size", "256M", "268435456"},  {"input.max_field_size", "1KiB", "1024"},
      {"engine.threads", "auto", "auto"},     {"engine.threads", "4", "4"},
      {"xml.arrays", "expand", "explode"},    {"xml.arrays", "json_string", "json"},
      {"delta.mode", "errorifexists", "error"}, {"excel.header_row", "3", "3"},
      {"output.compression_level", "-7", "-7"}, {"stream.type_scan", "full", "full"},
      {"engine.log_level", "warning", "warn"}, {"xml.array_separator", "", ""},
  };
  pf_options *o = pf_options_new();
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    pf_error e;
    if (pf_options_set(o, cases[i].key, cases[i].in, &e) != PF_OK)
      TEST_FAIL_("%s = '%s': %s", cases[i].key, cases[i].in, e.message);
    const char *v;
    ASSERT_OK(pf_options_get(o, cases[i].key, &v, NULL));
    ASSERT_STR_EQ(v, cases[i].out);
  }
  /* by short name too */
  ASSERT_OK(pf_options_set(o, "on_bad_rows", "skip", NULL));
  const char *v;
  ASSERT_OK(pf_options_get(o, "input.on_bad_rows", &v, NULL));
  ASSERT_STR_EQ(v, "skip");
  pf_options_free(o);
}

TEST_IMPL(unknown_keys_suggest_the_nearest) {
  pf_options *o = pf_options_new();
  pf_error e;
  ASSERT_EQ(pf_options_set(o, "csv.delimter", ";", &e), PF_EINVAL);
  ASSERT_STR_EQ(e.message, "unknown option 'csv.delimter'; did you mean csv.delimiter?");
  ASSERT_EQ(pf_options_set(o, "rowtag", "x", &e), PF_EINVAL);
  ASSERT_STR_EQ(e.message, "unknown option 'rowtag'; did you mean xml.row_tag?");
  ASSERT_EQ(pf_options_set(o, "zzzzzzzzzz", "x", &e), PF_EINVAL);
  ASSERT(strstr(e.message, "unknown option 'zzzzzzzzzz'") == e.message);
  ASSERT_EQ(pf_options_get(o, "nope.nope", &(const char *){NULL}, &e), PF_EINVAL);
  ASSERT_EQ(pf_options_set(o, "csv.delimiter", NULL, &e), PF_EINVAL);
  ASSERT(!pf_options_is_set(o, "nope.nope"));
  pf_options_free(o);
}

TEST_IMPL(lists) {
  pf_options *o = pf_options_new();
  pf_error e;
  /* comma lists: split and trimmed; add appends, set replaces */
  ASSERT_OK(pf_options_set(o, "delta.partition_by", "region, year", &e));
  ASSERT_OK(pf_options_add(o, "partition_by", "day", &e));
  ASSERT_EQ(pf_options_count(o, "delta.partition_by"), 3);
  ASSERT_STR_EQ(pf_options_item(o, "delta.partition_by", 1), "year");
  ASSERT(pf_options_item(o, "delta.partition_by", 3) == NULL);
  const char *v;
  ASSERT_OK(pf_options_get(o, "delta.partition_by", &v, NULL));
  ASSERT_STR_EQ(v, "region, year, day");
  ASSERT_EQ(pf_options_add(o, "delta.partition_by", "a,,b", &e), PF_EINVAL);
  ASSERT_STR_EQ(e.message, "delta.partition_by takes column names separated by commas; got 'a,,b'");
  ASSERT_EQ(pf_options_count(o, "delta.partition_by"), 3); /* unchanged */
  ASSERT_OK(pf_options_set(o, "delta.partition_by", "x", &e));
  ASSERT_EQ(pf_options_count(o, "delta.partition_by"), 1);
  /* other lists keep commas and empty strings: a sheet "A,B", a null "" */
  ASSERT_OK(pf_options_add(o, "excel.sheets", "A,B", &e));
  ASSERT_OK(pf_options_add(o, "excel.sheets", "C", &e));
  ASSERT_EQ(pf_options_count(o, "sheet"), 2);
  ASSERT_STR_EQ(pf_options_item(o, "sheet", 0), "A,B");
  ASSERT_OK(pf_options_add(o, "csv.null_values", "", &e));
  ASSERT_OK(pf_options_add(o, "csv.null_values", "NA", &e));
  /* a scalar takes add as set */
  ASSERT_OK(pf_options_add(o, "csv.delimiter", ";", &e));

  pf__opts r;
  ASSERT_OK(pf__opts_resolve(o, &r, &e));
  ASSERT_EQ(r.delta.n_partition_by, 1);
  ASSERT_STR_EQ(r.delta.partition_by[0], "x");
  ASSERT_EQ(r.excel.n_sheets, 2);
  ASSERT_STR_EQ(r.excel.sheets[1], "C");
  ASSERT_EQ(r.csv.n_null_values, 2);
  ASSERT_STR_EQ(r.csv.null_values[0], "");
  ASSERT_EQ(r.csv.delimiter, ';');
  ASSERT_OK(pf_options_reset(o, "excel.sheets", &e));
  ASSERT_EQ(pf_options_count(o, "excel.sheets"), 0);
  pf_options_free(o);
}

/* A valid value other than the default, to see the key land in a field. */
static const char *other_value(const pf__option *p, char *buf, size_t n) {
  const pf_option_desc *d = &p->d;
  int64_t def = 0;
  if (d->default_value) pf__option_parse(p, d->default_value, &def, NULL);
  switch (d->type) {
    case PF_OPTION_BOOL: return def == 1 ? "false" : "true";
    case PF_OPTION_ENUM:
      for (const pf__name *nm = p->names; nm->name; nm++)
        if (nm->value != def) return nm->name;
      return NULL;
    case PF_OPTION_CHAR: return def == 'x' ? "y" : "x";
    case PF_OPTION_INT:
    case PF_OPTION_SIZE:
      snprintf(buf, n, "%lld", (long long)(def == d->min ? d->min + 1 : d->min));
      return buf;
    case PF_OPTION_STRING:
    case PF_OPTION_LIST: return "zz";
  }
  return NULL;
}

/* Every key with a field changes that field, and only keys sharing a field
 * (none today) change the same bytes. */
TEST_IMPL(each_key_lands_in_its_field) {
  pf__opts base;
  pf__opts_init(&base);
  for (size_t i = 0; i < pf_option_count(); i++) {
    const pf__option *p = pf__option_find(pf_option_at(i)->key);
    ASSERT(p != NULL);
    if (p->bind == PF__BIND_NONE) continue;
    char buf[64];
    const char *v = other_value(p, buf, sizeof buf);
    ASSERT(v != NULL);
    pf_options *o = pf_options_new();
    pf_error e;
    if (pf_options_set(o, p->d.key, v, &e) != PF_OK) TEST_FAIL_("%s = %s: %s", p->d.key, v, e.message);
    pf__opts r;
    ASSERT_OK(pf__opts_resolve(o, &r, &e));
    size_t width = p->bind == PF__BIND_INT ? sizeof(int)
                 : p->bind == PF__BIND_I64 ? sizeof(int64_t) : sizeof(void *);
    if (memcmp((char *)&r + p->offset, (char *)&base + p->offset, width) == 0)
      TEST_FAIL_("%s = %s did not change its field", p->d.key, v);
    pf_options_free(o);
  }
  /* a few fields by name, against the readers' expectations */
  pf_options *o = pf_options_new();
  ASSERT_OK(pf_options_set(o, "csv.quote", "none", NULL));
  ASSERT_OK(pf_options_set(o, "input.header", "false", NULL));
  ASSERT_OK(pf_options_set(o, "xml.arrays", "concatenate", NULL));
  ASSERT_OK(pf_options_set(o, "input.format", "auto", NULL));
  ASSERT_OK(pf_options_set(o, "delta.checkpoint_interval", "auto", NULL));
  pf__opts r;
  ASSERT_OK(pf__opts_resolve(o, &r, NULL));
  ASSERT_EQ(r.csv.quote, 0);
  ASSERT_EQ(r.csv.header, 0);
  ASSERT_EQ(r.xml.arrays, PF_XML_ARRAYS_JOIN);
  ASSERT(r.input_format == NULL);
  ASSERT_EQ(r.delta.checkpoint_interval, 0);
  ASSERT_EQ(base.csv.delimiter, PF_AUTO);
  ASSERT_EQ(base.max_columns, 8192);
  ASSERT_EQ(base.max_field_bytes, 64 << 20);
  ASSERT_EQ(base.compression, PF_COMPRESSION_SNAPPY);
  ASSERT_EQ(base.dictionary, 1);
  ASSERT_EQ(base.log_level, PF_LOG_WARN);
  ASSERT_EQ(base.stream_holdback, 64 << 20);
  ASSERT_EQ(base.in.kind, PF__INPUT_PATH);
  pf_options_free(o);
}

TEST_IMPL(copy_reset_and_inputs) {
  pf_options *o = pf_options_new();
  ASSERT_OK(pf_options_set(o, "input.path", "a.csv", NULL));
  ASSERT_OK(pf_options_add(o, "csv.null_values", "NA", NULL));
  pf_cancel *c = pf_cancel_new();
  pf_options_set_cancel(o, c);
  static const char bytes[] = "a,b\n1,2\n";
  pf_options_set_input_buffer(o, bytes, sizeof bytes - 1);
  pf_options *k = pf_options_copy(o);
  ASSERT_OK(pf_options_set(o, "input.path", "b.csv", NULL));
  ASSERT_OK(pf_options_reset(o, "csv.null_values", NULL));
  const char *v;
  ASSERT_OK(pf_options_get(k, "input.path", &v, NULL));
  ASSERT_STR_EQ(v, "a.csv");
  ASSERT_EQ(pf_options_count(k, "csv.null_values"), 1);
  pf__opts r;
  ASSERT_OK(pf__opts_resolve(k, &r, NULL));
  ASSERT_EQ(r.in.kind, PF__INPUT_BUFFER);
  ASSERT(r.in.data == bytes);
  ASSERT_EQ(r.in.size, sizeof bytes - 1);
  ASSERT(!pf__opts_canceled(&r));
  pf_cancel_request(c);
  ASSERT(pf__opts_canceled(&r));
  ASSERT(pf_cancel_requested(c));
  pf_cancel_clear(c);
  ASSERT(!pf__opts_canceled(&r));
  pf_options_set_input_fd(o, 0);
  ASSERT_OK(pf__opts_resolve(o, &r, NULL));
  ASSERT_EQ(r.in.kind, PF__INPUT_FD);
  pf_options_set_input_fd(o, -1);
  ASSERT_OK(pf__opts_resolve(o, &r, NULL));
  ASSERT_EQ(r.in.kind, PF__INPUT_PATH);
  ASSERT_OK(pf_options_reset(o, NULL, NULL));
  ASSERT(!pf_options_is_set(o, "input.path"));
  pf_options_free(o);
  pf_options_free(k);
  pf_cancel_free(c);
}

static size_t brackets(void *user, const pf_option_desc *d, const char *value, char *buf,
                       size_t n) {
  ++*(int *)user;
  return (size_t)snprintf(buf, n, "[%s|%s]", d->name, value ? value : "");
}

TEST_IMPL(spelling_keys_in_messages) {
  static const struct { const char *in, *out; } cases[] = {
      {"output x exists; use output.force to replace it", "output x exists; use [force|] to replace it"},
      {"Use input.on_bad_rows=skip to skip them.", "Use [on_bad_rows|skip] to skip them."},
      {"(raise it with input.max_columns)", "(raise it with [max_columns|])"},
      {"delta.mode, delta.partition_by apply", "[mode|], [partition_by|] apply"},
      {"no such key csv.nothing or data.csv", "no such key csv.nothing or data.csv"},
      {"a path /tmp/output.force/x and x-output.force", "a path /tmp/output.force/x and x-output.force"},
      {"'excel.sheets'", "'[sheet|]'"},
      {"", ""},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char buf[256];
    int calls = 0;
    size_t want = pf_spell_options(cases[i].in, brackets, &calls, buf, sizeof buf);
    ASSERT_STR_EQ(buf, cases[i].out);
    ASSERT_EQ(want, strlen(cases[i].out));
  }
  /* truncation: always terminated, the length wanted returned */
  char small[8];
  int calls = 0;
  size_t want = pf_spell_options("use output.force now", brackets, &calls, small, sizeof small);
  ASSERT_EQ(want, strlen("use [force|] now"));
  ASSERT_STR_EQ(small, "use [fo");
}

int main(void) {
  RUN_TEST(descriptors);
  RUN_TEST(defaults);
  RUN_TEST(bad_values_name_key_value_and_what_is_allowed);
  RUN_TEST(good_values_and_canonical_text);
  RUN_TEST(unknown_keys_suggest_the_nearest);
  RUN_TEST(lists);
  RUN_TEST(each_key_lands_in_its_field);
  RUN_TEST(copy_reset_and_inputs);
  RUN_TEST(spelling_keys_in_messages);
  return TEST_SUMMARY();
}

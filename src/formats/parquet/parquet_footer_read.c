/* parquet_footer_read.c - reads and decodes a Parquet footer (FileMetaData)
 * with the bounded Thrift decoder; see parquet_footer_read.h. */
#include "formats/parquet/parquet_footer_read.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "formats/parquet/thrift_compact.h"

#define MAX_FOOTER ((uint64_t)512 << 20)

const char *pf__pqr_type_name(int t) {
  static const char *const names[] = {"BOOLEAN", "INT32",  "INT64",      "INT96",
                                      "FLOAT",   "DOUBLE", "BYTE_ARRAY", "FIXED_LEN_BYTE_ARRAY"};
  return t >= 0 && t < 8 ? names[t] : "?";
}

const char *pf__pqr_codec_name(int c) {
  static const char *const names[] = {"none", "snappy", "gzip", "lzo",
                                      "brotli", "lz4", "zstd", "lz4_raw"};
  return c >= 0 && c < 8 ? names[c] : "?";
}

const char *pf__pqr_encoding_name(int e) {
  static const char *const names[] = {
      "PLAIN", "GROUP_VAR_INT", "PLAIN_DICTIONARY", "RLE", "BIT_PACKED",
      "DELTA_BINARY_PACKED", "DELTA_LENGTH_BYTE_ARRAY", "DELTA_BYTE_ARRAY",
      "RLE_DICTIONARY", "BYTE_STREAM_SPLIT"};
  return e >= 0 && e < 10 ? names[e] : "?";
}

/* ---- decoding ---- */

#define EXPECT(r, t, want) pf__tcr_expect((r), (t), (want))

static pf__pqr_bytes get_bytes(pf__tc_reader *r) {
  pf__pqr_bytes b;
  pf__tcr_binary(r, &b.p, &b.n);
  return b;
}

static void parse_stats(pf__tc_reader *r, pf__pqr_stats *s) {
  pf__pqr_bytes lmin = {0}, lmax = {0};
  int has_lmin = 0, has_lmax = 0;
  s->min_exact = s->max_exact = -1;
  uint8_t t;
  int16_t id;
  pf__tcr_struct_begin(r);
  while (pf__tcr_field_next(r, &t, &id)) {
    switch (id) {
      case 1: if (EXPECT(r, t, PF__TC_BINARY)) { lmax = get_bytes(r); has_lmax = 1; } break;
      case 2: if (EXPECT(r, t, PF__TC_BINARY)) { lmin = get_bytes(r); has_lmin = 1; } break;
      case 3:
        if (EXPECT(r, t, PF__TC_I64)) {
          s->null_count = pf__tcr_i64(r);
          s->has_null_count = 1;
        }
        break;
      case 4:
        if (EXPECT(r, t, PF__TC_I64)) {
          s->distinct_count = pf__tcr_i64(r);
          s->has_distinct = 1;
        }
        break;
      case 5: if (EXPECT(r, t, PF__TC_BINARY)) { s->max = get_bytes(r); s->has_max = 1; } break;
      case 6: if (EXPECT(r, t, PF__TC_BINARY)) { s->min = get_bytes(r); s->has_min = 1; } break;
      case 7: if (EXPECT(r, t, PF__TC_TRUE)) s->max_exact = pf__tcr_bool_field(t); break;
      case 8: if (EXPECT(r, t, PF__TC_TRUE)) s->min_exact = pf__tcr_bool_field(t); break;
      case 9:
        if (EXPECT(r, t, PF__TC_I64)) {
          s->nan_count = pf__tcr_i64(r);
          s->has_nan_count = 1;
        }
        break;
      default: pf__tcr_skip(r, t);
    }
  }
  pf__tcr_struct_end(r);
  if (!s->has_min && !s->has_max && (has_lmin || has_lmax)) {
    s->legacy = 1;
    s->min = lmin;
    s->max = lmax;
    s->has_min = has_lmin;
    s->has_max = has_lmax;
  }
}

static void parse_column_meta(pf__tc_reader *r, pf__pqr_chunk *c) {
  uint8_t t, et;
  int16_t id;
  size_t n;
  c->has_meta = 1;
  pf__tcr_struct_begin(r);
  while (pf__tcr_field_next(r, &t, &id)) {
    switch (id) {
      case 1: if (EXPECT(r, t, PF__TC_I32)) c->type = pf__tcr_i32(r); break;
      case 2:
        if (!EXPECT(r, t, PF__TC_LIST)) break;
        pf__tcr_list_begin(r, &et, &n);
        for (size_t i = 0; i < n && r->status == PF_OK; i++) {
          if (et != PF__TC_I32) {
            pf__tcr_skip(r, et);
            continue;
          }
          int32_t e = pf__tcr_i32(r);
          if (e >= 0 && e < 32) c->encodings |= 1u << e;
        }
        pf__tcr_list_end(r);
        break;
      case 4: if (EXPECT(r, t, PF__TC_I32)) c->codec = pf__tcr_i32(r); break;
      case 5: if (EXPECT(r, t, PF__TC_I64)) c->num_values = pf__tcr_i64(r); break;
      case 6: if (EXPECT(r, t, PF__TC_I64)) c->total_uncompressed_size = pf__tcr_i64(r); break;
      case 7: if (EXPECT(r, t, PF__TC_I64)) c->total_compressed_size = pf__tcr_i64(r); break;
      case 9: if (EXPECT(r, t, PF__TC_I64)) c->data_page_offset = pf__tcr_i64(r); break;
      case 11: if (EXPECT(r, t, PF__TC_I64)) c->dictionary_page_offset = pf__tcr_i64(r); break;
      case 12:
        if (EXPECT(r, t, PF__TC_STRUCT)) {
          parse_stats(r, &c->stats);
          c->has_stats = 1;
        }
        break;
      default: pf__tcr_skip(r, t);
    }
  }
  pf__tcr_struct_end(r);
}

static void parse_chunk(pf__tc_reader *r, pf__pqr_chunk *c) {
  uint8_t t;
  int16_t id;
  c->dictionary_page_offset = -1;
  pf__tcr_struct_begin(r);
  while (pf__tcr_field_next(r, &t, &id)) {
    if (id == 3 && EXPECT(r, t, PF__TC_STRUCT)) parse_column_meta(r, c);
    else if (id != 3) pf__tcr_skip(r, t);
    if (id == 8 || id == 9) c->encrypted = 1; /* crypto_metadata, encrypted_column_metadata */
  }
  pf__tcr_struct_end(r);
}

static void parse_row_group(pf__tc_reader *r, pf__pqr_row_group *g) {
  uint8_t t, et;
  int16_t id;
  size_t n;
  g->total_compressed_size = -1;
  g->file_offset = -1;
  pf__tcr_struct_begin(r);
  while (pf__tcr_field_next(r, &t, &id)) {
    switch (id) {
      case 1:
        if (!EXPECT(r, t, PF__TC_LIST)) break;
        pf__tcr_list_begin(r, &et, &n);
        if (g->chunks || (et != PF__TC_STRUCT && n > 0)) {
          pf__tcr_fail(r, "row group column list is malformed");
          break;
        }
        g->chunks = calloc(n ? n : 1, sizeof *g->chunks);
        if (!g->chunks) {
          r->status = PF_ENOMEM;
          r->what = "out of memory";
          r->p = r->end;
          break;
        }
        g->n_chunks = n;
        for (size_t i = 0; i < n && r->status == PF_OK; i++) parse_chunk(r, &g->chunks[i]);
        pf__tcr_list_end(r);
        break;
      case 2: if (EXPECT(r, t, PF__TC_I64)) g->total_byte_size = pf__tcr_i64(r); break;
      case 3: if (EXPECT(r, t, PF__TC_I64)) g->num_rows = pf__tcr_i64(r); break;
      case 5: if (EXPECT(r, t, PF__TC_I64)) g->file_offset = pf__tcr_i64(r); break;
      case 6: if (EXPECT(r, t, PF__TC_I64)) g->total_compressed_size = pf__tcr_i64(r); break;
      default: pf__tcr_skip(r, t);
    }
  }
  pf__tcr_struct_end(r);
}

/* TimeUnit union: the member's id is the unit. */
static int parse_unit(pf__tc_reader *r) {
  uint8_t t;
  int16_t id;
  int unit = 0;
  pf__tcr_struct_begin(r);
  while (pf__tcr_field_next(r, &t, &id)) {
    if (t == PF__TC_STRUCT && id >= 1 && id <= 3) unit = id;
    pf__tcr_skip(r, t);
  }
  pf__tcr_struct_end(r);
  return unit;
}

static void parse_logical(pf__tc_reader *r, pf__pqr_element *e) {
  uint8_t t, t2;
  int16_t id, id2;
  pf__tcr_struct_begin(r);
  while (pf__tcr_field_next(r, &t, &id)) {
    if (t != PF__TC_STRUCT) {
      pf__tcr_skip(r, t);
      continue;
    }
    e->logical = id;
    pf__tcr_struct_begin(r);
    while (pf__tcr_field_next(r, &t2, &id2)) {
      int tm = id == PF__PQR_LT_TIME || id == PF__PQR_LT_TIMESTAMP;
      uint8_t want = 0;
      if (id == PF__PQR_LT_DECIMAL && (id2 == 1 || id2 == 2)) want = PF__TC_I32;
      else if (tm && id2 == 1) want = PF__TC_TRUE;
      else if (tm && id2 == 2) want = PF__TC_STRUCT;
      else if (id == PF__PQR_LT_INTEGER && id2 == 1) want = PF__TC_I8;
      else if (id == PF__PQR_LT_INTEGER && id2 == 2) want = PF__TC_TRUE;
      if (!want) {
        pf__tcr_skip(r, t2);
        continue;
      }
      if (!EXPECT(r, t2, want)) continue;
      if (id == PF__PQR_LT_DECIMAL && id2 == 1) e->lt_scale = pf__tcr_i32(r);
      else if (id == PF__PQR_LT_DECIMAL) e->lt_precision = pf__tcr_i32(r);
      else if (tm && id2 == 1) e->lt_utc = pf__tcr_bool_field(t2);
      else if (tm) e->lt_unit = parse_unit(r);
      else if (id2 == 1) e->lt_bits = pf__tcr_i8(r);
      else e->lt_signed = pf__tcr_bool_field(t2);
    }
    pf__tcr_struct_end(r);
  }
  pf__tcr_struct_end(r);
}

static void parse_element(pf__tc_reader *r, pf__pqr_element *e) {
  uint8_t t;
  int16_t id;
  e->type = e->type_length = e->repetition = e->num_children = -1;
  e->converted_type = e->scale = e->precision = -1;
  e->lt_scale = e->lt_precision = -1;
  int has_name = 0;
  pf__tcr_struct_begin(r);
  while (pf__tcr_field_next(r, &t, &id)) {
    switch (id) {
      case 1: if (EXPECT(r, t, PF__TC_I32)) e->type = pf__tcr_i32(r); break;
      case 2: if (EXPECT(r, t, PF__TC_I32)) e->type_length = pf__tcr_i32(r); break;
      case 3: if (EXPECT(r, t, PF__TC_I32)) e->repetition = pf__tcr_i32(r); break;
      case 4:
        if (EXPECT(r, t, PF__TC_BINARY)) {
          e->name = get_bytes(r);
          has_name = 1;
        }
        break;
      case 5: if (EXPECT(r, t, PF__TC_I32)) e->num_children = pf__tcr_i32(r); break;
      case 6: if (EXPECT(r, t, PF__TC_I32)) e->converted_type = pf__tcr_i32(r); break;
      case 7: if (EXPECT(r, t, PF__TC_I32)) e->scale = pf__tcr_i32(r); break;
      case 8: if (EXPECT(r, t, PF__TC_I32)) e->precision = pf__tcr_i32(r); break;
      case 10: if (EXPECT(r, t, PF__TC_STRUCT)) parse_logical(r, e); break;
      default: pf__tcr_skip(r, t);
    }
  }
  pf__tcr_struct_end(r);
  if (!has_name) pf__tcr_fail(r, "schema element without a name");
}

/* Counts a list's elements, skipping them. */
static size_t skip_list(pf__tc_reader *r) {
  uint8_t et;
  size_t n;
  pf__tcr_list_begin(r, &et, &n);
  for (size_t i = 0; i < n && r->status == PF_OK; i++) {
    if (et == PF__TC_TRUE || et == PF__TC_FALSE) pf__tcr_bool(r);
    else pf__tcr_skip(r, et);
  }
  pf__tcr_list_end(r);
  return n;
}

static void parse_file_meta(pf__tc_reader *r, pf__pqr_meta *m, int *have) {
  uint8_t t, et;
  int16_t id;
  size_t n;
  pf__tcr_struct_begin(r);
  while (pf__tcr_field_next(r, &t, &id)) {
    switch (id) {
      case 1:
        if (EXPECT(r, t, PF__TC_I32)) {
          m->version = pf__tcr_i32(r);
          *have |= 1;
        }
        break;
      case 2:
        if (!EXPECT(r, t, PF__TC_LIST)) break;
        pf__tcr_list_begin(r, &et, &n);
        if (m->elements || (et != PF__TC_STRUCT && n > 0)) {
          pf__tcr_fail(r, "schema list is malformed");
          break;
        }
        m->elements = calloc(n ? n : 1, sizeof *m->elements);
        if (!m->elements) {
          pf__tcr_fail(r, "out of memory");
          r->status = PF_ENOMEM;
          break;
        }
        m->n_elements = n;
        for (size_t i = 0; i < n && r->status == PF_OK; i++) parse_element(r, &m->elements[i]);
        pf__tcr_list_end(r);
        *have |= 2;
        break;
      case 3:
        if (EXPECT(r, t, PF__TC_I64)) {
          m->num_rows = pf__tcr_i64(r);
          *have |= 4;
        }
        break;
      case 4:
        if (!EXPECT(r, t, PF__TC_LIST)) break;
        pf__tcr_list_begin(r, &et, &n);
        if (m->row_groups || (et != PF__TC_STRUCT && n > 0)) {
          pf__tcr_fail(r, "row group list is malformed");
          break;
        }
        m->row_groups = calloc(n ? n : 1, sizeof *m->row_groups);
        if (!m->row_groups) {
          pf__tcr_fail(r, "out of memory");
          r->status = PF_ENOMEM;
          break;
        }
        m->n_row_groups = n;
        for (size_t i = 0; i < n && r->status == PF_OK; i++)
          parse_row_group(r, &m->row_groups[i]);
        pf__tcr_list_end(r);
        *have |= 8;
        break;
      case 5: if (EXPECT(r, t, PF__TC_LIST)) m->n_key_values = skip_list(r); break;
      case 6:
        if (EXPECT(r, t, PF__TC_BINARY)) {
          m->created_by = get_bytes(r);
          m->has_created_by = 1;
        }
        break;
      case 7: if (EXPECT(r, t, PF__TC_LIST)) m->n_column_orders = skip_list(r); break;
      case 8: /* encryption_algorithm: a plaintext footer over encrypted columns */
        m->encrypted = 1;
        pf__tcr_skip(r, t);
        break;
      default: pf__tcr_skip(r, t);
    }
  }
  pf__tcr_struct_end(r);
}

/* Walks the depth-first schema: a tree rooted at element 0, leaves typed. */
static pf_status index_leaves(pf__pqr_meta *m, pf_error *err) {
  PF_RETURN_ERROR_IF(m->n_elements == 0, err, PF_EPARSE,
                     "corrupt Parquet footer: the schema is empty");
  const pf__pqr_element *root = &m->elements[0];
  int root_children = root->num_children < 0 ? 0 : root->num_children;
  PF_RETURN_ERROR_IF((size_t)root_children > m->n_elements - 1, err, PF_EPARSE,
                     "corrupt Parquet footer: the schema root claims %d columns but "
                     "only %zu elements follow",
                     root_children, m->n_elements - 1);
  size_t *stack = malloc(m->n_elements * sizeof *stack);
  m->leaf_elements = malloc(m->n_elements * sizeof *m->leaf_elements);
  if (!stack || !m->leaf_elements) {
    free(stack);
    return pf__error_set(err, PF_ENOMEM, "out of memory");
  }
  size_t depth = 0, idx = 1;
  stack[depth++] = (size_t)root_children;
  pf_status st = PF_OK;
  while (depth > 0) {
    if (stack[depth - 1] == 0) {
      depth--;
      continue;
    }
    stack[depth - 1]--;
    if (idx >= m->n_elements) {
      st = pf__error_set(err, PF_EPARSE,
                         "corrupt Parquet footer: the schema ends inside a group");
      break;
    }
    const pf__pqr_element *e = &m->elements[idx];
    if (e->num_children >= 0) {
      if (depth >= m->n_elements) {
        st = pf__error_set(err, PF_EPARSE, "corrupt Parquet footer: schema nesting loops");
        break;
      }
      stack[depth++] = (size_t)e->num_children;
    } else {
      if (e->type < 0 || e->type > 7) {
        st = pf__error_set(err, PF_EPARSE,
                           "corrupt Parquet footer: schema element %zu has no valid type", idx);
        break;
      }
      m->leaf_elements[m->n_leaves++] = idx;
    }
    idx++;
  }
  if (st == PF_OK && idx != m->n_elements)
    st = pf__error_set(err, PF_EPARSE,
                       "corrupt Parquet footer: %zu schema elements are outside the tree",
                       m->n_elements - idx);
  free(stack);
  return st;
}

pf_status pf__pqr_parse(uint8_t *footer, size_t n, pf__pqr_meta *m,
                        pf_error *err) {
  memset(m, 0, sizeof *m);
  m->footer = footer;
  m->footer_len = n;
  pf__tc_reader r;
  pf__tcr_init(&r, footer, n);
  int have = 0;
  parse_file_meta(&r, m, &have);
  pf_status st = PF_OK;
  if (r.status == PF_ENOMEM) {
    st = pf__error_set(err, PF_ENOMEM, "out of memory reading the Parquet footer");
  } else if (r.status != PF_OK) {
    st = pf__error_set(err, PF_EPARSE, "corrupt Parquet footer: %s (at footer byte %zu of %zu)",
                       r.what, pf__tcr_offset(&r), n);
  } else if ((have & 15) != 15) {
    st = pf__error_set(err, PF_EPARSE,
                       "corrupt Parquet footer: required field %s is missing",
                       !(have & 1) ? "version" : !(have & 2) ? "schema"
                       : !(have & 4) ? "num_rows" : "row_groups");
  }
  if (st == PF_OK) st = index_leaves(m, err);
  for (size_t g = 0; st == PF_OK && g < m->n_row_groups; g++) {
    const pf__pqr_row_group *rg = &m->row_groups[g];
    if (rg->n_chunks != m->n_leaves) {
      st = pf__error_set(err, PF_EPARSE,
                         "corrupt Parquet footer: row group %zu has %zu column chunks; the "
                         "schema has %zu columns",
                         g, rg->n_chunks, m->n_leaves);
    }
    for (size_t c = 0; st == PF_OK && c < rg->n_chunks; c++) {
      if (!rg->chunks[c].has_meta && rg->chunks[c].encrypted && m->encrypted)
        st = pf__error_set(err, PF_EUNSUPPORTED,
                           "row group %zu column %zu is encrypted (Parquet modular "
                           "encryption), which PyForge does not read",
                           g, c + 1);
      else if (!rg->chunks[c].has_meta)
        st = pf__error_set(err, PF_EPARSE,
                           "corrupt Parquet footer: row group %zu column %zu has no metadata",
                           g, c + 1);
    }
  }
  if (st != PF_OK) pf__pqr_meta_free(m);
  return st;
}

void pf__pqr_meta_free(pf__pqr_meta *m) {
  if (!m) return;
  for (size_t g = 0; m->row_groups && g < m->n_row_groups; g++) free(m->row_groups[g].chunks);
  free(m->row_groups);
  free(m->elements);
  free(m->leaf_elements);
  free(m->footer);
  memset(m, 0, sizeof *m);
}

/* ---- the file ---- */

static pf_status pread_all(int fd, uint8_t *buf, size_t n, uint64_t off,
                           const char *path, pf_error *err) {
  while (n > 0) {
    ssize_t got = pread(fd, buf, n, (off_t)off);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) {
      pf__error_file(err, path);
      return pf__error_set(err, PF_EINPUT, "cannot read %s: %s", path,
                           got < 0 ? strerror(errno) : "file shrank while reading");
    }
    buf += got;
    n -= (size_t)got;
    off += (uint64_t)got;
  }
  return PF_OK;
}

static pf_status read_footer(int fd, const char *path, uint64_t size,
                             pf__pqr_meta *m, pf_error *err) {
  if (size < 12) {
    pf__error_file(err, path);
    return pf__error_set(err, PF_EPARSE, "not a Parquet file: %llu bytes is too small",
                         (unsigned long long)size);
  }
  uint8_t head[4], tail[8];
  PF_TRY(pread_all(fd, head, 4, 0, path, err));
  PF_TRY(pread_all(fd, tail, 8, size - 8, path, err));
  pf__error_file(err, path);
  if (memcmp(tail + 4, "PARE", 4) == 0)
    return pf__error_set(err, PF_EUNSUPPORTED,
                         "an encrypted Parquet footer (Parquet modular encryption), which "
                         "PyForge does not read; decrypt the file with its keys first");
  PF_RETURN_ERROR_IF(memcmp(head, "PAR1", 4) != 0 || memcmp(tail + 4, "PAR1", 4) != 0, err,
                     PF_EPARSE,
                     "not a Parquet file, or a truncated one: the \"PAR1\" magic is missing "
                     "at its %s",
                     memcmp(head, "PAR1", 4) != 0 ? "start" : "end");
  uint64_t flen = (uint64_t)tail[0] | (uint64_t)tail[1] << 8 | (uint64_t)tail[2] << 16 |
                  (uint64_t)tail[3] << 24;
  PF_RETURN_ERROR_IF(flen > size - 12, err, PF_EPARSE,
                     "corrupt Parquet footer: its length (%llu bytes) is larger than the "
                     "file allows (%llu)",
                     (unsigned long long)flen, (unsigned long long)(size - 12));
  PF_RETURN_ERROR_IF(flen > MAX_FOOTER, err, PF_ELIMIT,
                     "Parquet footer of %llu bytes exceeds the %llu MiB limit",
                     (unsigned long long)flen, (unsigned long long)(MAX_FOOTER >> 20));
  uint8_t *buf = malloc(flen ? flen : 1);
  if (!buf) return pf__error_set(err, PF_ENOMEM, "out of memory");
  pf_status st = pread_all(fd, buf, (size_t)flen, size - 8 - flen, path, err);
  if (st != PF_OK) {
    free(buf);
    return st;
  }
  return pf__pqr_parse(buf, (size_t)flen, m, err);
}

pf_status pf__pqr_read_fd(int fd, const char *path, pf__pqr_meta *m, pf_error *err) {
  memset(m, 0, sizeof *m);
  struct stat sb;
  pf_status st;
  if (fstat(fd, &sb) != 0) {
    pf__error_file(err, path);
    st = pf__error_set(err, PF_EINPUT, "cannot stat %s: %s", path, strerror(errno));
  } else if (!S_ISREG(sb.st_mode)) {
    pf__error_file(err, path);
    st = pf__error_set(err, PF_EINPUT, "%s is not a regular file", path);
  } else {
    st = read_footer(fd, path, (uint64_t)sb.st_size, m, err);
    if (st == PF_OK) m->file_size = (uint64_t)sb.st_size;
  }
  return st;
}

pf_status pf__pqr_read_file(const char *path, pf__pqr_meta *m, pf_error *err) {
  memset(m, 0, sizeof *m);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int e = errno;
    pf__error_file(err, path);
    return pf__error_set(err, e == ENOENT ? PF_ENOTFOUND : PF_EINPUT, "cannot open %s: %s",
                         path, strerror(e));
  }
  pf_status st = pf__pqr_read_fd(fd, path, m, err);
  close(fd);
  return st;
}

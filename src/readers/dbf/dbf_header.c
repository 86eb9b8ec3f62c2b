/* dbf_header.c - the table header and field descriptors: dBase III/IV/5
 * (32-byte descriptors from offset 32), dBase 7 (48-byte descriptors from
 * offset 68) and FoxPro/Visual FoxPro (field flags, _NullFlags, a 263-byte
 * backlink after the terminator). Decides each field's kind and output
 * type from the descriptor alone, and refuses headers no reader could
 * trust (record length 0, a field past the record, lengths a type cannot
 * have).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/names.h"
#include "readers/dbf/dbf_internal.h"

static uint32_t le16(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8; }
static uint32_t le32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Version bytes written by the dBase family (dbf2002's list, dBase 5/7). */
static int known_version(uint8_t v) {
  static const uint8_t vs[] = {0x02, 0x03, 0x04, 0x05, 0x30, 0x31, 0x32, 0x43, 0x63, 0x7B,
                               0x83, 0x8B, 0x8C, 0xCB, 0xE5, 0xF5, 0xFB};
  for (size_t i = 0; i < sizeof vs; i++)
    if (vs[i] == v) return 1;
  return 0;
}

static int is_type_char(uint8_t c) {
  return c == '0' || c == '+' || c == '@' || (c >= 'A' && c <= 'Z');
}

/* Decimal count and length of a descriptor (C fields past 255 bytes keep
 * the high byte of the length in the decimal count: Clipper, FoxPro). */
static void field_size(char type, const uint8_t *len_dec, int dbase7, uint32_t *len,
                       uint8_t *dec) {
  *len = len_dec[0];
  *dec = len_dec[1];
  if (type == 'C' && !dbase7) {
    *len |= (uint32_t)len_dec[1] << 8;
    *dec = 0;
  }
}

int pf__dbf_sniff(const uint8_t *h, size_t n) {
  if (n < 65 || !known_version(h[0])) return 0;
  uint32_t hlen = le16(h + 8), rlen = le16(h + 10);
  int db7 = (h[0] & 7) == 4;
  size_t first = db7 ? 68 : 32, dsz = db7 ? 48 : 32, toff = db7 ? 32 : 11;
  if (h[2] > 12 || h[3] > 31 || rlen < 2 || hlen < first + 1) return 0;
  uint32_t sum = 1;
  size_t nf = 0;
  for (size_t p = first; p + dsz <= n && p + dsz <= hlen; p += dsz) {
    if (h[p] == 0x0D) break;
    if (!is_type_char(h[p + toff])) return 0;
    uint32_t len;
    uint8_t dec;
    field_size((char)h[p + toff], h + p + toff + 1 + (db7 ? 0 : 4), db7, &len, &dec);
    sum += len;
    nf++;
  }
  if (nf == 0) return 0;
  /* the descriptors read must fit the record; all of them (when the head
   * held them all) must fill it */
  if (sum > rlen) return 0;
  return first + nf * dsz < n && h[first + nf * dsz] == 0x0D && sum <= rlen ? 90 : 40;
}

void pf__dbf_type_text(const pf__dbf_field *f, char *buf, size_t n) {
  switch (f->dtype) {
    case 'N':
    case 'F':
      snprintf(buf, n, "%c(%u,%u)", f->dtype, f->length, f->decimals);
      break;
    case 'C':
    case 'V':
    case 'Q':
      snprintf(buf, n, "%c(%u)", f->dtype, f->length);
      break;
    default:
      snprintf(buf, n, "%c", f->dtype ? f->dtype : '?');
  }
}

/* Kind and output type from the descriptor. */
static pf_status decide_kind(pf__dbf_reader *r, pf__dbf_field *f, pf_error *err) {
  uint32_t need = 0; /* a fixed length the type requires */
  f->precision = f->scale = 0;
  switch (f->dtype) {
    case 'C': f->kind = PF__DBF_TEXT; f->type = PF_TYPE_STRING; break;
    /* VFP's 0x04 flag (NOCPTRANS) on C, V and M fields holds text too */
    case 'V': f->kind = PF__DBF_VARCHAR; f->type = PF_TYPE_STRING; break;
    case 'Q': f->kind = PF__DBF_VARBINARY; f->type = PF_TYPE_BINARY; break;
    case 'N':
    case 'F': {
      f->kind = PF__DBF_NUMBER;
      uint32_t len = f->length, dec = f->decimals;
      if (dec == 0 && len <= 18) {
        f->type = PF_TYPE_INT64;
      } else if (dec > 0 && len - 1 <= 15 && len > dec) {
        f->type = PF_TYPE_DOUBLE; /* every value of <= 15 digits is exact */
      } else {
        uint32_t digits = dec > 0 ? len - 1 : len;
        if (digits < dec) digits = dec;
        f->type = PF_TYPE_DECIMAL;
        f->precision = (int)(digits > 38 ? 38 : digits);
        f->scale = (int)(dec > (uint32_t)f->precision ? (uint32_t)f->precision : dec);
      }
      break;
    }
    case 'L': f->kind = PF__DBF_LOGICAL; f->type = PF_TYPE_BOOL; break;
    case 'D': f->kind = PF__DBF_DATE; f->type = PF_TYPE_DATE; need = 8; break;
    case 'T': f->kind = PF__DBF_TS_JULIAN; f->type = PF_TYPE_TIMESTAMP; need = 8; break;
    case '@':
      f->kind = r->dbase7 ? PF__DBF_TS_DB7 : PF__DBF_TS_JULIAN;
      f->type = PF_TYPE_TIMESTAMP;
      need = 8;
      break;
    case 'I':
    case '+':
      f->kind = r->dbase7 ? PF__DBF_INT_DB7 : PF__DBF_INT_LE;
      f->type = PF_TYPE_INT64;
      need = 4;
      break;
    case 'Y':
      f->kind = PF__DBF_CURRENCY;
      f->type = PF_TYPE_DECIMAL;
      f->precision = 19;
      f->scale = 4;
      need = 8;
      break;
    case 'O':
      f->kind = r->dbase7 ? PF__DBF_DOUBLE_DB7 : PF__DBF_DOUBLE_LE;
      f->type = PF_TYPE_DOUBLE;
      need = 8;
      break;
    case 'B':
      if (r->vfp) {
        f->kind = PF__DBF_DOUBLE_LE;
        f->type = PF_TYPE_DOUBLE;
        need = 8;
      } else {
        f->kind = PF__DBF_MEMO;
        f->type = PF_TYPE_BINARY;
      }
      break;
    case 'M':
      f->kind = PF__DBF_MEMO;
      f->type = PF_TYPE_STRING;
      break;
    case 'G':
    case 'P':
    case 'W':
      f->kind = PF__DBF_MEMO;
      f->type = PF_TYPE_BINARY;
      break;
    case '0':
      f->kind = PF__DBF_NULLFLAGS;
      f->type = PF_TYPE_BINARY;
      break;
    default:
      f->kind = PF__DBF_RAW;
      f->type = PF_TYPE_BINARY;
  }
  if (f->kind == PF__DBF_LOGICAL && f->length < 1) need = 1;
  if (need && f->length != need) {
    char t[32];
    pf__dbf_type_text(f, t, sizeof t);
    return pf__error_set(err, PF_EPARSE,
                         "field '%s' of type %s has length %u; that type is stored in %u bytes "
                         "(the header is damaged)",
                         f->raw_name, t, f->length, need);
  }
  if (f->kind == PF__DBF_MEMO) r->has_memo_fields = 1;
  if (r->o.all_strings && f->kind != PF__DBF_NULLFLAGS) f->type = PF_TYPE_STRING;
  return PF_OK;
}

/* Reads the descriptors from the header bytes h (header_len of them). */
static pf_status read_fields(pf__dbf_reader *r, const uint8_t *h, size_t hn, pf_error *err) {
  size_t first = r->dbase7 ? 68 : 32, dsz = r->dbase7 ? 48 : 32;
  size_t max = (hn - first) / dsz;
  r->fields = calloc(max ? max : 1, sizeof *r->fields);
  if (!r->fields) return PF_ENOMEM;
  uint32_t off = 1;
  r->nullflags = -1;
  for (size_t p = first; p + dsz <= hn && h[p] != 0x0D && h[p] != 0x0A; p += dsz) {
    pf__dbf_field *f = &r->fields[r->n_fields];
    const uint8_t *d = h + p;
    size_t name_max = r->dbase7 ? 32 : 11;
    size_t k = 0;
    while (k < name_max && d[k]) k++;
    memcpy(f->raw_name, d, k);
    f->raw_name[k] = 0;
    f->dtype = (char)d[r->dbase7 ? 32 : 11];
    field_size(f->dtype, d + (r->dbase7 ? 33 : 16), r->dbase7, &f->length, &f->decimals);
    f->flags = r->dbase7 ? 0 : d[18];
    f->null_bit = f->var_bit = -1;
    f->offset = off;
    if (f->length == 0 && (f->dtype == 'V' || f->dtype == 'Q'))
      return pf__error_set(err, PF_EPARSE,
                           "field %zu ('%s') of type %c has length 0; the header is damaged",
                           r->n_fields + 1, f->raw_name, f->dtype);
    off += f->length;
    if (off > r->rec_len)
      return pf__error_set(err, PF_EPARSE,
                           "field %zu ('%s') ends at byte %u of a record the header says is "
                           "%u bytes long; the header is damaged",
                           r->n_fields + 1, f->raw_name, off - 1, r->rec_len);
    r->n_fields++;
    PF_TRY(decide_kind(r, f, err));
    if (f->kind == PF__DBF_NULLFLAGS) r->nullflags = (int)(r->n_fields - 1);
  }
  if (r->n_fields == 0)
    return pf__error_set(err, PF_EPARSE, "the header describes no fields; is this a dBase file?");
  return PF_OK;
}

/* VFP: bits of _NullFlags in field order: a V/Q field's "shorter" bit,
 * then a nullable field's null bit. */
static void assign_null_bits(pf__dbf_reader *r) {
  if (r->nullflags < 0) return;
  int bit = 0, max = (int)r->fields[r->nullflags].length * 8;
  for (size_t i = 0; i < r->n_fields; i++) {
    pf__dbf_field *f = &r->fields[i];
    if (f->kind == PF__DBF_NULLFLAGS) continue;
    if ((f->kind == PF__DBF_VARCHAR || f->kind == PF__DBF_VARBINARY) && bit < max)
      f->var_bit = bit++;
    if ((f->flags & 0x02) && bit < max) f->null_bit = bit++;
  }
}

pf_status pf__dbf_read_header(pf__dbf_reader *r, pf_error *err) {
  uint8_t fixed[32];
  size_t got = 0;
  while (got < sizeof fixed) {
    size_t n = 0;
    PF_TRY(pf__source_read(r->src, fixed + got, sizeof fixed - got, &n, err));
    if (n == 0) break;
    got += n;
  }
  if (got < sizeof fixed)
    return pf__error_set(err, got ? PF_EPARSE : PF_EEMPTY,
                         "%s: a dBase table starts with a 32-byte header; the file holds %zu bytes",
                         got ? "too short" : "empty file", got);
  r->version = fixed[0];
  r->dbase7 = (fixed[0] & 7) == 4;
  r->vfp = fixed[0] == 0x30 || fixed[0] == 0x31 || fixed[0] == 0x32;
  r->upd_y = 1900 + fixed[1];
  r->upd_m = fixed[2];
  r->upd_d = fixed[3];
  r->n_records = le32(fixed + 4);
  r->header_len = le16(fixed + 8);
  r->rec_len = le16(fixed + 10);
  r->ldid = fixed[29];
  size_t first = r->dbase7 ? 68 : 32;
  if (r->rec_len == 0)
    return pf__error_set(err, PF_EPARSE, "the header says records are 0 bytes long; the header is "
                                         "damaged or this is not a dBase table");
  if (r->version == 0x02 && (r->header_len < first + 1 || r->n_records > 0xFFFF))
    return pf__error_set(err, PF_EUNSUPPORTED,
                         "this looks like a dBase II table (version byte 0x02 with a header PyForge "
                         "cannot read as FoxBASE); dBase II is not supported: save it as dBase III "
                         "or later");
  if (r->header_len < first + 1)
    return pf__error_set(err, PF_EPARSE,
                         "the header says it is %u bytes long, too short to describe a field; the "
                         "header is damaged or this is not a dBase table",
                         r->header_len);
  uint8_t *h = malloc(r->header_len);
  if (!h) return PF_ENOMEM;
  memcpy(h, fixed, sizeof fixed);
  got = sizeof fixed;
  pf_status st = PF_OK;
  while (st == PF_OK && got < r->header_len) {
    size_t n = 0;
    st = pf__source_read(r->src, h + got, r->header_len - got, &n, err);
    if (n == 0) break;
    got += n;
  }
  if (st == PF_OK && got < r->header_len)
    st = pf__error_set(err, PF_EPARSE,
                       "the header says it is %u bytes long but the file ends after %zu bytes",
                       r->header_len, got);
  if (st == PF_OK && r->dbase7) {
    memcpy(r->ldname, h + 32, 32);
    r->ldname[32] = 0;
    for (int i = 0; i < 32; i++)
      if (r->ldname[i] && (r->ldname[i] < 0x20 || r->ldname[i] > 0x7e)) r->ldname[i] = '?';
  }
  if (st == PF_OK) st = read_fields(r, h, r->header_len, err);
  free(h);
  if (st == PF_OK) assign_null_bits(r);
  return st;
}

/* A field's stored name decoded (a name in another code page is kept as
 * Latin-1); malloc'd. Trimming, Column_N and duplicates are core/names.h's. */
static char *decoded_name(pf__dbf_reader *r, const pf__dbf_field *f) {
  pf__buf b;
  pf__buf_init(&b, 4096);
  void *cd = NULL;
  pf_status st = pf__dbf_cp_decode(&r->cp, &cd, (const uint8_t *)f->raw_name,
                                   strlen(f->raw_name), &b);
  pf__dbf_cp_cd_free(cd);
  if (st != PF_OK) {
    b.len = 0;
    for (const uint8_t *p = (const uint8_t *)f->raw_name; *p && st != PF_ENOMEM; p++) {
      if (*p < 0x80) st = pf__buf_putc(&b, *p);
      else if ((st = pf__buf_putc(&b, 0xC0 | (*p >> 6))) == PF_OK) st = pf__buf_putc(&b, 0x80 | (*p & 0x3F));
    }
    if (st != PF_ENOMEM) st = PF_OK;
  }
  char *name = st == PF_OK ? pf__strndup(b.data ? (char *)b.data : "", b.len) : NULL;
  pf__buf_free(&b);
  return name;
}

/* Column names (with "_deleted" for dbf.keep_deleted last), unique. */
static pf_status column_names(pf__dbf_reader *r, pf_schema *s, size_t n) {
  char **raw = calloc(n, sizeof *raw), **names = NULL;
  pf_status st = raw ? PF_OK : PF_ENOMEM;
  for (size_t i = 0; st == PF_OK && i < r->n_fields; i++)
    if (r->fields[i].out >= 0 && !(raw[r->fields[i].out] = decoded_name(r, &r->fields[i])))
      st = PF_ENOMEM;
  if (st == PF_OK && r->deleted_col >= 0 && !(raw[r->deleted_col] = pf__strdup("_deleted")))
    st = PF_ENOMEM;
  if (st == PF_OK) st = pf__names_unique((const char *const *)raw, NULL, n, &names);
  for (size_t i = 0; st == PF_OK && i < r->n_fields; i++) {
    pf__dbf_field *f = &r->fields[i];
    if (f->out < 0) continue;
    free(f->name);
    if (!(f->name = pf__strdup(names[f->out]))) st = PF_ENOMEM;
    else st = pf__schema_set(s, (size_t)f->out, f->name, f->type, 1);
  }
  if (st == PF_OK && r->deleted_col >= 0)
    st = pf__schema_set(s, (size_t)r->deleted_col, names[r->deleted_col], PF_TYPE_BOOL, 0);
  pf__names_free(names, n);
  pf__names_free(raw, n);
  return st;
}

pf_status pf__dbf_build_schema(pf__dbf_reader *r, pf_error *err) {
  size_t n = 0;
  for (size_t i = 0; i < r->n_fields; i++) {
    pf__dbf_field *f = &r->fields[i];
    f->out = -1;
    if (f->kind == PF__DBF_NULLFLAGS || (f->kind == PF__DBF_MEMO && r->memo_dropped)) continue;
    f->out = (int)n++;
  }
  r->deleted_col = r->o.keep_deleted ? (int)n++ : -1;
  if (n == 0)
    return pf__error_set(err, PF_EINVAL,
                         "no columns left: every field is a memo and the memo file is missing");
  if ((int64_t)n > (r->env->opts->max_columns > 0 ? r->env->opts->max_columns : 8192))
    return pf__error_set(err, PF_ELIMIT, "the table has %zu columns, more than the limit (raise it "
                                         "with input.max_columns)", n);
  pf_schema *s = pf__schema_new(n);
  if (!s) return PF_ENOMEM;
  pf_status st = column_names(r, s, n);
  for (size_t i = 0; st == PF_OK && i < r->n_fields; i++) {
    const pf__dbf_field *f = &r->fields[i];
    if (f->out < 0) continue;
    pf_field *sf = &s->fields[f->out];
    sf->precision = f->type == PF_TYPE_DECIMAL ? f->precision : 0;
    sf->scale = f->type == PF_TYPE_DECIMAL ? f->scale : 0;
  }
  if (st != PF_OK) {
    pf_schema_free(s);
    return st;
  }
  /* keep the notes of earlier passes (widenings): the columns are the same */
  for (size_t i = 0; r->schema && i < n && i < r->schema->n_fields; i++)
    if (r->schema->fields[i].note && !(s->fields[i].note = pf__strdup(r->schema->fields[i].note)))
      st = PF_ENOMEM;
  if (st != PF_OK) {
    pf_schema_free(s);
    return st;
  }
  pf_schema_free(r->schema);
  r->schema = s;
  return PF_OK;
}

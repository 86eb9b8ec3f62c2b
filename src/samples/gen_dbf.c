/* gen_dbf.c - the dBase sample: a customers table in dBase III+ with memo
 * (version 0x83, customers.dbf + customers.dbt) in a legacy DOS code page,
 * cp850 (language driver 0x02), with numbers, dates, logicals, memos that
 * span several 512-byte blocks, and a few records marked deleted.
 *
 * Layout (dBase III+): a 32-byte header (record count, header and record
 * lengths, language driver), 32 bytes per field, 0x0D, the records (a
 * deletion flag then the fields as fixed-width text), 0x1A. The .dbt is
 * 512-byte blocks: block 0 holds the next free block, each memo is its
 * text ended by 0x1A 0x1A, starting on a block boundary. Both are written
 * front to back, so the counts are worked out first. */
#include <stdio.h>
#include <string.h>

#include "samples/samples.h"

#define SEED 0xDBA5E111ull
#define BLOCK 512

typedef struct field {
  const char *name;
  char type;
  uint8_t len, dec;
} field;

static const field fields[] = {
    {"CUST_ID", 'N', 8, 0},  {"NAME", 'C', 40, 0},   {"CITY", 'C', 30, 0},
    {"COUNTRY", 'C', 24, 0}, {"REGION", 'C', 24, 0}, {"JOINED", 'D', 8, 0},
    {"BALANCE", 'N', 12, 2}, {"CREDIT_OK", 'L', 1, 0}, {"NOTES", 'M', 10, 0},
};
#define N_FIELDS (sizeof fields / sizeof fields[0])

/* UTF-8 text into cp850, the characters the vocabulary uses ('?' else). */
static size_t to_cp850(const char *s, char *out, size_t n) {
  static const struct { const char *u; unsigned char c; } map[] = {
      {"à", 0x85}, {"á", 0xA0}, {"â", 0x83}, {"ã", 0xC6}, {"ä", 0x84}, {"å", 0x86}, {"ç", 0x87},
      {"è", 0x8A}, {"é", 0x82}, {"ê", 0x88}, {"ë", 0x89}, {"í", 0xA1}, {"î", 0x8C}, {"ï", 0x8B},
      {"ñ", 0xA4}, {"ó", 0xA2}, {"ô", 0x93}, {"ö", 0x94}, {"ø", 0x9B}, {"ú", 0xA3}, {"û", 0x96},
      {"ü", 0x81}, {"ß", 0xE1}, {"Ä", 0x8E}, {"Å", 0x8F}, {"É", 0x90}, {"Ö", 0x99}, {"Ø", 0x9D},
      {"Ü", 0x9A}, {"Ñ", 0xA5}, {"Ç", 0x80}};
  size_t o = 0;
  while (*s && o + 1 < n) {
    unsigned char c = (unsigned char)*s;
    if (c < 0x80) {
      out[o++] = *s++;
      continue;
    }
    size_t k = 0, len = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : 4;
    for (; k < sizeof map / sizeof map[0]; k++)
      if (!strncmp(s, map[k].u, strlen(map[k].u))) break;
    out[o++] = k < sizeof map / sizeof map[0] ? (char)map[k].c : '?';
    while (len-- && *s) s++;
  }
  out[o] = 0;
  return o;
}

/* The memo of customer i in cp850 (empty for two customers in three). */
static size_t memo(uint64_t i, char *out, size_t n) {
  if (i % 3 != 0) return 0;
  pf__sample_order o;
  pf__sample_order_make(SEED, i, &o); /* the record's own customer */
  char date[11], utf8[2048];
  pf__sample_date(o.day, date);
  int len = snprintf(utf8, sizeof utf8,
                     "Customer %s from %s (%s). First order %s: %s.\r\nPrefers delivery to %s; "
                     "invoices in %s.",
                     o.customer, o.city, o.country, date, o.product, o.city, o.currency);
  /* every ninth memo is a long account history spanning several blocks */
  for (int k = 0; i % 9 == 0 && k < 14 && len > 0 && (size_t)len < sizeof utf8 - 120; k++) {
    pf__sample_order h;
    pf__sample_order_make(SEED + 8 + (uint64_t)k, i, &h);
    pf__sample_date(h.day + 30 * k, date);
    len += snprintf(utf8 + len, sizeof utf8 - (size_t)len, "\r\n%s  order %llu  %lld x %s  %s",
                    date, (unsigned long long)(500000 + i * 16 + (uint64_t)k), (long long)h.quantity, h.product,
                    h.status);
  }
  return to_cp850(utf8, out, n);
}

static uint32_t memo_blocks(size_t len) { return len ? (uint32_t)((len + 2 + BLOCK - 1) / BLOCK) : 0; }

static pf_status header(pf__sample_file *f, uint32_t n_records, pf_error *err) {
  unsigned char h[32] = {0x83, 124, 1, 1}; /* dBase III+ with memo; last update 2024-01-01 */
  uint16_t hlen = (uint16_t)(32 + 32 * N_FIELDS + 1), rlen = 1;
  for (size_t k = 0; k < N_FIELDS; k++) rlen += fields[k].len;
  for (int b = 0; b < 4; b++) h[4 + b] = (unsigned char)(n_records >> (8 * b));
  h[8] = (unsigned char)hlen, h[9] = (unsigned char)(hlen >> 8);
  h[10] = (unsigned char)rlen, h[11] = (unsigned char)(rlen >> 8);
  h[29] = 0x02; /* language driver: cp850, International MS-DOS */
  PF_TRY(pf__sample_write(f, h, sizeof h, err));
  for (size_t k = 0; k < N_FIELDS; k++) {
    unsigned char d[32] = {0};
    memcpy(d, fields[k].name, strlen(fields[k].name));
    d[11] = (unsigned char)fields[k].type;
    d[16] = fields[k].len;
    d[17] = fields[k].dec;
    PF_TRY(pf__sample_write(f, d, sizeof d, err));
  }
  return pf__sample_write(f, "\r", 1, err);
}

/* text padded with spaces (left-aligned) or right-aligned into w bytes */
static void put(char *rec, size_t *at, const char *text, size_t w, int right) {
  size_t n = strlen(text);
  if (n > w) n = w;
  memset(rec + *at, ' ', w);
  memcpy(rec + *at + (right ? w - n : 0), text, n);
  *at += w;
}

static pf_status record(pf__sample_file *dbf, pf__sample_file *dbt, uint64_t i, uint32_t *next_block,
                        pf_error *err) {
  pf__sample_order o;
  pf__sample_order_make(SEED, i, &o);
  char rec[256], t[160], date[11];
  size_t at = 0;
  rec[at++] = i % 499 == 498 ? '*' : ' ';
  snprintf(t, sizeof t, "%llu", (unsigned long long)(i + 1));
  put(rec, &at, t, 8, 1);
  to_cp850(o.customer, t, sizeof t);
  put(rec, &at, t, 40, 0);
  to_cp850(o.city, t, sizeof t);
  put(rec, &at, t, 30, 0);
  put(rec, &at, o.country, 24, 0);
  put(rec, &at, o.region, 24, 0);
  pf__sample_date(o.day - 900, date);
  snprintf(t, sizeof t, "%.4s%.2s%.2s", date, date + 5, date + 8);
  put(rec, &at, i % 101 == 50 ? "" : t, 8, 0); /* a few unknown dates: blank */
  pf__sample_money(pf__sample_order_cents(&o) - (i % 4 == 0 ? 50000 : 0), t);
  put(rec, &at, t, 12, 1);
  put(rec, &at, o.discount_pct >= 10 ? "T" : "F", 1, 0);
  char text[4096];
  size_t len = memo(i, text, sizeof text);
  if (len) {
    snprintf(t, sizeof t, "%u", *next_block);
    text[len] = 0x1A, text[len + 1] = 0x1A;
    uint32_t blocks = memo_blocks(len);
    memset(text + len + 2, 0, (size_t)blocks * BLOCK - len - 2);
    PF_TRY(pf__sample_write(dbt, text, (size_t)blocks * BLOCK, err));
    *next_block += blocks;
  } else {
    t[0] = 0;
  }
  put(rec, &at, t, 10, 1);
  return pf__sample_write(dbf, rec, at, err);
}

pf_status pf__gen_dbf(pf__sample_set *set, const char *dir, uint64_t target, pf_error *err) {
  char rel[256], text[4096];
  /* about 390 bytes per customer: 158 in the table, the rest its memo */
  uint32_t n = (uint32_t)(target / 390 > 10 ? target / 390 : 10), blocks = 1;
  for (uint32_t i = 0; i < n; i++) blocks += memo_blocks(memo(i, text, sizeof text));
  pf__sample_file *dbf, *dbt;
  snprintf(rel, sizeof rel, "%s/customers.dbf", dir);
  PF_TRY(pf__sample_open(set, rel, &dbf, err));
  snprintf(rel, sizeof rel, "%s/customers.dbt", dir);
  PF_TRY(pf__sample_open(set, rel, &dbt, err));
  unsigned char h[BLOCK] = {0};
  for (int b = 0; b < 4; b++) h[b] = (unsigned char)(blocks >> (8 * b));
  h[16] = 0x03; /* dBase III memo */
  PF_TRY(pf__sample_write(dbt, h, sizeof h, err));
  PF_TRY(header(dbf, n, err));
  uint32_t next = 1;
  for (uint32_t i = 0; i < n; i++) PF_TRY(record(dbf, dbt, i, &next, err));
  return pf__sample_write(dbf, "\x1a", 1, err);
}

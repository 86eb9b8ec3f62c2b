/* gen_csv.c - the CSV sample: sales orders (dates, regions, countries,
 * currencies, amounts) with a few dirty rows a real export has: a quantity
 * written "n/a", an empty amount, a note with a comma, quotes and a line
 * break inside quotes, trailing spaces. UTF-8, comma-separated, a header. */
#include <stdio.h>
#include <string.h>

#include "samples/samples.h"

#define SEED 0x5A1E5C5Full

static const char header[] =
    "order_id,order_date,region,country,city,customer,product,category,quantity,unit_price,"
    "currency,discount_pct,amount,status,notes\n";

/* The dirt of row i, if any (about 1 row in 250). */
static const char *dirt(uint64_t i) {
  switch (i % 997) {
  case 13: return "qty";       /* quantity "n/a" */
  case 211: return "amount";   /* amount missing */
  case 401: return "note";     /* note with comma, quotes and a line break */
  case 613: return "spaces";   /* values with trailing spaces */
  default: return NULL;
  }
}

/* s quoted for CSV: "..." with inner quotes doubled. */
static const char *quoted(const char *s, char *out, size_t n) {
  size_t o = 0;
  out[o++] = '"';
  for (; *s && o + 3 < n; s++) {
    if (*s == '"') out[o++] = '"';
    out[o++] = *s;
  }
  out[o++] = '"';
  out[o] = 0;
  return out;
}

static pf_status row(pf__sample_file *f, uint64_t i, pf_error *err) {
  pf__sample_order o;
  pf__sample_order_make(SEED, i, &o);
  char date[11], price[32], amount[32], qty[24];
  pf__sample_date(o.day, date);
  pf__sample_money(o.unit_cents, price);
  pf__sample_money(pf__sample_order_cents(&o), amount);
  snprintf(qty, sizeof qty, "%lld", (long long)o.quantity);
  const char *d = dirt(i), *note = "";
  if (d && !strcmp(d, "qty")) strcpy(qty, "n/a");
  if (d && !strcmp(d, "amount")) amount[0] = 0;
  if (d && !strcmp(d, "note")) note = "\"Customer called, asked for \"\"gift wrap\"\",\nsee ticket\"";
  char city[80], customer[140], product[80];
  const char *sp = d && !strcmp(d, "spaces") ? "  " : "";
  if (!d && o.discount_pct == 15) note = "loyalty discount";
  return pf__sample_printf(f, err, "%llu,%s,%s,%s%s,%s,%s,%s,%s,%s,%s,%s,%lld,%s,%s,%s\n",
                           (unsigned long long)o.id, date, o.region, o.country, sp,
                           quoted(o.city, city, sizeof city), quoted(o.customer, customer, sizeof customer),
                           quoted(o.product, product, sizeof product), o.category, qty, price, o.currency,
                           (long long)o.discount_pct, amount, o.status, note);
}

pf_status pf__gen_csv(pf__sample_set *set, const char *dir, uint64_t target, pf_error *err) {
  char rel[256];
  snprintf(rel, sizeof rel, "%s/sales.csv", dir);
  pf__sample_file *f;
  PF_TRY(pf__sample_open(set, rel, &f, err));
  PF_TRY(pf__sample_puts(f, header, err));
  for (uint64_t i = 0; f->bytes < target; i++) PF_TRY(row(f, i, err));
  return PF_OK;
}

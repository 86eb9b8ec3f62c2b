/* sample_data.c - the vocabulary every sample dataset draws from (regions,
 * countries and their currencies, customers with accented names, products)
 * and the deterministic random numbers behind it. An order depends only on
 * (seed, its number), so generators can make any order alone and two runs
 * make the same bytes. */
#include <stdio.h>
#include <string.h>

#include "samples/samples.h"

void pf__rng_seed(pf__rng *r, uint64_t seed) { r->s = seed; }

uint64_t pf__rng_next(pf__rng *r) {
  uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

uint32_t pf__rng_below(pf__rng *r, uint32_t n) {
  return (uint32_t)(((pf__rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

const char *const pf__sample_regions[5] = {"Europe", "North America", "Asia Pacific", "Latin America",
                                           "Middle East & Africa"};

typedef struct country {
  int region;
  const char *name, *currency, *city[2];
  int64_t rate_pct; /* prices in this currency: USD price x rate / 100 */
} country;

static const country countries[] = {
    {0, "Germany", "EUR", {"München", "Köln"}, 92},
    {0, "France", "EUR", {"Paris", "Besançon"}, 92},
    {0, "Spain", "EUR", {"A Coruña", "Málaga"}, 92},
    {0, "Sweden", "SEK", {"Göteborg", "Malmö"}, 1050},
    {0, "United Kingdom", "GBP", {"London", "Leeds"}, 79},
    {1, "United States", "USD", {"New York", "Austin"}, 100},
    {1, "Canada", "CAD", {"Montréal", "Toronto"}, 136},
    {1, "Mexico", "MXN", {"Ciudad de México", "Mérida"}, 1710},
    {2, "Japan", "JPY", {"Tokyo", "Osaka"}, 14900},
    {2, "Australia", "AUD", {"Sydney", "Perth"}, 152},
    {2, "Singapore", "SGD", {"Singapore", "Singapore"}, 134},
    {2, "India", "INR", {"Mumbai", "Bengaluru"}, 8300},
    {3, "Brazil", "BRL", {"São Paulo", "Curitiba"}, 495},
    {3, "Argentina", "ARS", {"Buenos Aires", "Córdoba"}, 35000},
    {3, "Chile", "CLP", {"Santiago", "Valparaíso"}, 88000},
    {4, "South Africa", "ZAR", {"Cape Town", "Durban"}, 1870},
    {4, "United Arab Emirates", "AED", {"Dubai", "Abu Dhabi"}, 367},
    {4, "Egypt", "EGP", {"Cairo", "Alexandria"}, 3090},
};

static const char *const first_names[] = {"Anna", "José", "Zoë", "Björn", "Chloé", "Mateo", "Aiko",
                                          "Liam", "Søren", "Priya", "Noah", "Amélie", "Omar", "Lucía",
                                          "Jürgen", "Mei", "Olivia", "François", "Kwame", "Inès"};
static const char *const last_names[] = {"Müller", "García", "Smith", "Lefèvre", "Nakamura", "Øster",
                                         "Brown", "Peña", "Kowalski", "Rossi", "Johansson", "Dubois",
                                         "Singh", "O'Brien", "Ng", "Schäfer", "Silva", "Costa"};

typedef struct product {
  const char *name, *category, *sku;
  int64_t usd_cents;
} product;

static const product products[] = {
    {"Laptop 14\"", "Electronics", "EL-1001", 109900},
    {"Wireless Mouse", "Electronics", "EL-1002", 2499},
    {"USB-C Hub", "Electronics", "EL-1003", 4950},
    {"Monitor 27\"", "Electronics", "EL-1004", 32900},
    {"Office Chair", "Furniture", "FU-2001", 18900},
    {"Standing Desk", "Furniture", "FU-2002", 45900},
    {"Bookshelf", "Furniture", "FU-2003", 8900},
    {"Notebook A5 (pack of 10)", "Stationery", "ST-3001", 1290},
    {"Gel Pens, assorted", "Stationery", "ST-3002", 799},
    {"Espresso Beans 1kg", "Groceries", "GR-4001", 2350},
    {"Green Tea, 100 bags", "Groceries", "GR-4002", 990},
    {"Running Shoes", "Apparel", "AP-5001", 8999},
    {"Rain Jacket", "Apparel", "AP-5002", 12900},
    {"Yoga Mat", "Sports", "SP-6001", 3450},
    {"Bicycle Helmet", "Sports", "SP-6002", 5900},
};

static const char *const statuses[] = {"shipped", "shipped", "shipped", "delivered", "delivered",
                                       "pending", "cancelled", "returned"};

void pf__sample_order_make(uint64_t seed, uint64_t i, pf__sample_order *o) {
  pf__rng r;
  pf__rng_seed(&r, seed ^ (i * 0xD1B54A32D192ED03ull));
  pf__rng_next(&r);
  const country *c = &countries[pf__rng_below(&r, sizeof countries / sizeof countries[0])];
  const product *p = &products[pf__rng_below(&r, sizeof products / sizeof products[0])];
  o->id = 100000 + i;
  /* orders move forward through 2023-2025 with a little jitter */
  o->day = PF__SAMPLE_FIRST_DAY + (int32_t)((i / 7) % 1096) + (int32_t)pf__rng_below(&r, 3);
  o->region = pf__sample_regions[c->region];
  o->country = c->name;
  o->currency = c->currency;
  o->city = c->city[pf__rng_below(&r, 2)];
  snprintf(o->customer, sizeof o->customer, "%s %s", PF__PICK(&r, first_names), PF__PICK(&r, last_names));
  o->product = p->name;
  o->category = p->category;
  o->sku = p->sku;
  o->quantity = 1 + (int64_t)pf__rng_below(&r, 12);
  /* local price: converted, then rounded to a price ending in 9 (or whole units for big rates) */
  int64_t cents = p->usd_cents * c->rate_pct / 100;
  o->unit_cents = c->rate_pct >= 1000 ? (cents / 100 + 1) * 100 : cents - cents % 10 + 9;
  o->discount_pct = 5 * (int64_t)pf__rng_below(&r, 4);
  o->status = PF__PICK(&r, statuses);
}

int64_t pf__sample_order_cents(const pf__sample_order *o) {
  int64_t gross = o->quantity * o->unit_cents;
  return (gross * (100 - o->discount_pct) + 50) / 100;
}

/* Howard Hinnant's civil_from_days: a proleptic Gregorian date. */
void pf__sample_date(int32_t day, char out[11]) {
  int64_t z = (int64_t)day + 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = yoe + era * 400, doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153, d = doy - (153 * mp + 2) / 5 + 1;
  int64_t m = mp < 10 ? mp + 3 : mp - 9;
  unsigned yy = (unsigned)(y + (m <= 2)) % 10000, mm = (unsigned)m, dd = (unsigned)d;
  const unsigned v[8] = {yy / 1000, yy / 100 % 10, yy / 10 % 10, yy % 10, mm / 10, mm % 10, dd / 10, dd % 10};
  static const int at[8] = {0, 1, 2, 3, 5, 6, 8, 9};
  for (int k = 0; k < 8; k++) out[at[k]] = (char)('0' + v[k]);
  out[4] = out[7] = '-';
  out[10] = 0;
}

void pf__sample_money(int64_t cents, char out[32]) {
  uint64_t a = cents < 0 ? (uint64_t)-cents : (uint64_t)cents;
  snprintf(out, 32, "%s%llu.%02llu", cents < 0 ? "-" : "", (unsigned long long)(a / 100),
           (unsigned long long)(a % 100));
}

const char *pf__sample_xml_escape(const char *s, char *out, size_t n) {
  size_t o = 0;
  for (; *s && o + 7 < n; s++) {
    const char *e = *s == '&' ? "&amp;" : *s == '<' ? "&lt;" : *s == '>' ? "&gt;" : *s == '"' ? "&quot;" : NULL;
    if (e) {
      memcpy(out + o, e, strlen(e));
      o += strlen(e);
    } else {
      out[o++] = *s;
    }
  }
  out[o] = 0;
  return out;
}

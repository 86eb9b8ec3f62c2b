/* gen_xml.c - the XML sample: orders with namespaces (orders, customers
 * and a default namespace for products), attributes, a nested customer
 * and one to five repeated items per order. UTF-8. */
#include <stdio.h>

#include "samples/samples.h"

#define SEED 0x0C0FFEE5ull

static pf_status order(pf__sample_file *f, uint64_t i, pf_error *err) {
  pf__sample_order o;
  pf__sample_order_make(SEED, i, &o);
  char date[11], money[32], cust[160], city[80], region[64];
  pf__sample_date(o.day, date);
  PF_TRY(pf__sample_printf(
      f, err,
      "  <ord:order id=\"%llu\" date=\"%s\" currency=\"%s\" status=\"%s\">\n"
      "    <cust:customer id=\"C%05llu\">\n"
      "      <cust:name>%s</cust:name>\n"
      "      <cust:city>%s</cust:city>\n"
      "      <cust:country region=\"%s\">%s</cust:country>\n"
      "    </cust:customer>\n"
      "    <ord:items>\n",
      (unsigned long long)o.id, date, o.currency, o.status, (unsigned long long)(i * 7919 % 50000),
      pf__sample_xml_escape(o.customer, cust, sizeof cust), pf__sample_xml_escape(o.city, city, sizeof city),
      pf__sample_xml_escape(o.region, region, sizeof region), o.country));
  int n_items = 1 + (int)(i % 5);
  int64_t total = 0;
  for (int k = 0; k < n_items; k++) {
    pf__sample_order it;
    pf__sample_order_make(SEED + 1 + (uint64_t)k, i, &it);
    int64_t line = it.quantity * it.unit_cents;
    total += line;
    char name[96];
    pf__sample_money(it.unit_cents, money);
    PF_TRY(pf__sample_printf(f, err,
                             "      <item sku=\"%s\" quantity=\"%lld\">\n"
                             "        <name>%s</name>\n"
                             "        <category>%s</category>\n"
                             "        <unit_price>%s</unit_price>\n"
                             "      </item>\n",
                             it.sku, (long long)it.quantity,
                             pf__sample_xml_escape(it.product, name, sizeof name), it.category, money));
  }
  pf__sample_money(total, money);
  return pf__sample_printf(f, err,
                           "    </ord:items>\n"
                           "    <ord:total>%s</ord:total>\n"
                           "  </ord:order>\n",
                           money);
}

pf_status pf__gen_xml(pf__sample_set *set, const char *dir, uint64_t target, pf_error *err) {
  char rel[256];
  snprintf(rel, sizeof rel, "%s/orders.xml", dir);
  pf__sample_file *f;
  PF_TRY(pf__sample_open(set, rel, &f, err));
  PF_TRY(pf__sample_puts(f,
                         "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                         "<!-- PyForge sample dataset: orders with nested customers and repeated items -->\n"
                         "<ord:orders xmlns:ord=\"urn:pyforge:samples:orders\" "
                         "xmlns:cust=\"urn:pyforge:samples:customers\" "
                         "xmlns=\"urn:pyforge:samples:products\" source=\"pyforge sample-datasets\">\n",
                         err));
  for (uint64_t i = 0; f->bytes < target; i++) PF_TRY(order(f, i, err));
  return pf__sample_puts(f, "</ord:orders>\n", err);
}

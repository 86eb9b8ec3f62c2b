/* test_samples.c - the sample datasets' building blocks (src/samples/):
 * the generator is deterministic and platform-free (known first values of
 * SplitMix64, an order made alone equals itself), dates and money are
 * formatted without a libc float or locale, the manifest parser refuses
 * unsafe paths and bad digests, and the catalogue's filters. */
#include "samples/samples_internal.h"
#include "test.h"

TEST_IMPL(splitmix_known_values) {
  pf__rng r;
  pf__rng_seed(&r, 0);
  /* SplitMix64 from seed 0 (the reference sequence) */
  ASSERT_EQ(pf__rng_next(&r), 0xE220A8397B1DCDAFull);
  ASSERT_EQ(pf__rng_next(&r), 0x6E789E6AA1B965F4ull);
  ASSERT_EQ(pf__rng_next(&r), 0x06C45D188009454Full);
  for (int i = 0; i < 1000; i++) ASSERT(pf__rng_below(&r, 7) < 7);
}

TEST_IMPL(orders_are_pure) {
  pf__sample_order a, b;
  pf__sample_order_make(42, 123456, &a);
  pf__sample_order_make(7, 1, &b); /* another order in between */
  pf__sample_order_make(42, 123456, &b);
  ASSERT_EQ(a.id, b.id);
  ASSERT_EQ(a.day, b.day);
  ASSERT_STR_EQ(a.customer, b.customer);
  ASSERT_STR_EQ(a.country, b.country);
  ASSERT_EQ(a.unit_cents, b.unit_cents);
  ASSERT_EQ(pf__sample_order_cents(&a), (a.quantity * a.unit_cents * (100 - a.discount_pct) + 50) / 100);
}

TEST_IMPL(dates_and_money) {
  char d[11], m[32];
  pf__sample_date(0, d);
  ASSERT_STR_EQ(d, "1970-01-01");
  pf__sample_date(PF__SAMPLE_FIRST_DAY, d);
  ASSERT_STR_EQ(d, "2023-01-01");
  pf__sample_date(19782, d); /* leap day */
  ASSERT_STR_EQ(d, "2024-02-29");
  pf__sample_date(-1, d);
  ASSERT_STR_EQ(d, "1969-12-31");
  pf__sample_money(123456, m);
  ASSERT_STR_EQ(m, "1234.56");
  pf__sample_money(-5, m);
  ASSERT_STR_EQ(m, "-0.05");
  pf__sample_money(0, m);
  ASSERT_STR_EQ(m, "0.00");
}

static pf_status parse(const char *text) {
  pf_samples_result r;
  memset(&r, 0, sizeof r);
  pf_error err;
  pf_error_init(&err);
  pf_status st = pf__samples_manifest_parse(text, strlen(text), "m.json", &r, &err);
  pf_samples_result_free(&r);
  return st;
}

#define SHA "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define ENTRY(path, sha) \
  "{\"manifest\":\"pyforge-samples/1\",\"files\":[{\"path\":\"" path "\",\"format\":\"csv\",\"size\":\"small\",\"bytes\":3,\"sha256\":\"" sha "\"}]}"

TEST_IMPL(manifest_paths_and_digests) {
  ASSERT_EQ(parse(ENTRY("csv/small/a.csv", SHA)), PF_OK);
  ASSERT_EQ(parse(ENTRY("../a.csv", SHA)), PF_EPARSE);
  ASSERT_EQ(parse(ENTRY("csv/../../a.csv", SHA)), PF_EPARSE);
  ASSERT_EQ(parse(ENTRY("/etc/passwd", SHA)), PF_EPARSE);
  ASSERT_EQ(parse(ENTRY("csv//a.csv", SHA)), PF_EPARSE);
  ASSERT_EQ(parse(ENTRY("csv/./a.csv", SHA)), PF_EPARSE);
  ASSERT_EQ(parse(ENTRY("csv\\\\a.csv", SHA)), PF_EPARSE);
  ASSERT_EQ(parse(ENTRY("csv/", SHA)), PF_EPARSE);
  ASSERT_EQ(parse(ENTRY("manifest.json", SHA)), PF_EPARSE);
  ASSERT_EQ(parse(ENTRY("a.csv", "0123")), PF_EPARSE);
  ASSERT_EQ(parse(ENTRY("a.csv", "0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef")), PF_EPARSE);
  ASSERT_EQ(parse("{\"manifest\":\"other/1\",\"files\":[]}"), PF_EPARSE);
  ASSERT_EQ(parse("{\"manifest\":\"pyforge-samples/1\",\"files\":["), PF_EPARSE);
}

TEST_IMPL(filters) {
  pf_samples_request req;
  pf_samples_request_init(&req);
  unsigned fb, sb;
  pf_error err;
  ASSERT_OK(pf__samples_select(&req, &fb, &sb, &err));
  ASSERT(pf__samples_selected("csv", "small", fb, sb));
  ASSERT(pf__samples_selected("pdf", "medium", fb, sb));
  ASSERT(!pf__samples_selected("csv", "large", fb, sb)); /* large only when named */
  req.formats = "excel, dbf";
  req.sizes = "large";
  ASSERT_OK(pf__samples_select(&req, &fb, &sb, &err));
  ASSERT(pf__samples_selected("excel", "large", fb, sb));
  ASSERT(!pf__samples_selected("csv", "large", fb, sb));
  ASSERT(!pf__samples_selected("dbf", "small", fb, sb));
  req.formats = "parquet";
  ASSERT_EQ(pf__samples_select(&req, &fb, &sb, &err), PF_EINVAL);
  ASSERT(strstr(err.message, "csv, excel, xml, dbf, access, pdf") != NULL);
  const pf_sample_desc *cat;
  size_t n = pf_samples_catalog(&cat);
  ASSERT_EQ(n, 18u);
  for (size_t i = 0; i < n; i++)
    ASSERT_EQ(cat[i].generated, strcmp(cat[i].format, "access") != 0);
}

int main(void) {
  RUN_TEST(splitmix_known_values);
  RUN_TEST(orders_are_pure);
  RUN_TEST(dates_and_money);
  RUN_TEST(manifest_paths_and_digests);
  RUN_TEST(filters);
  return TEST_SUMMARY();
}

/* delta_stats.c - the per-file statistics of an add action (PROTOCOL.md
 * "Per-file Statistics"): numRecords, nullCount, minValues, maxValues.
 *
 * min/max are given only where readers can use them safely: numbers, dates,
 * timestamps, decimals and strings; not booleans or binary, not a double
 * column holding NaN or infinities, not timestamps outside years 1-9999.
 * Strings keep a prefix of PF__DELTA_STRING_PREFIX code points: the prefix
 * of the minimum is still a lower bound; a maximum longer than the prefix
 * becomes prefix + U+10FFFF, an upper bound of every value starting with the
 * prefix (dropped in the one case where it is not: U+10FFFF right after the
 * prefix). Timestamps are written to the millisecond as Spark writes them:
 * the minimum rounded down, the maximum rounded up.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "writers/delta/delta_internal.h"

pf_status pf__delta_stats_init(pf__delta_stats *s, size_t n_cols) {
  memset(s, 0, sizeof *s);
  s->n = n_cols < PF__DELTA_STATS_COLS ? n_cols : PF__DELTA_STATS_COLS;
  s->c = calloc(s->n ? s->n : 1, sizeof *s->c);
  if (!s->c) return PF_ENOMEM;
  for (size_t i = 0; i < s->n; i++) {
    pf__buf_init(&s->c[i].smin, 0);
    pf__buf_init(&s->c[i].smax, 0);
  }
  return PF_OK;
}

void pf__delta_stats_free(pf__delta_stats *s) {
  if (!s->c) return;
  for (size_t i = 0; i < s->n; i++) {
    pf__buf_free(&s->c[i].smin);
    pf__buf_free(&s->c[i].smax);
  }
  free(s->c);
  memset(s, 0, sizeof *s);
}

/* Bytes of the first k code points of p[0..n). */
static size_t prefix_bytes(const uint8_t *p, size_t n, size_t k) {
  size_t i = 0;
  while (i < n && k) {
    i++;
    while (i < n && (p[i] & 0xC0) == 0x80) i++;
    k--;
  }
  return i;
}

static int bytes_cmp(const uint8_t *a, size_t an, const uint8_t *b, size_t bn) {
  size_t m = an < bn ? an : bn;
  int c = m ? memcmp(a, b, m) : 0;
  if (c) return c;
  return an < bn ? -1 : an > bn;
}

static int dec_cmp(const uint8_t *a, const uint8_t *b) {
  int64_t ah, bh;
  uint64_t al, bl;
  memcpy(&al, a, 8); memcpy(&ah, a + 8, 8);
  memcpy(&bl, b, 8); memcpy(&bh, b + 8, 8);
  if (ah != bh) return ah < bh ? -1 : 1;
  return al < bl ? -1 : al > bl;
}

static pf_status add_string(pf__delta_colstat *c, const uint8_t *p, size_t n) {
  size_t pb = prefix_bytes(p, n, PF__DELTA_STRING_PREFIX);
  if (!c->has) {
    PF_TRY(pf__buf_append(&c->smin, p, pb));
    PF_TRY(pf__buf_append(&c->smax, p, pb));
    c->max_truncated = pb < n;
    if (pb < n && n - pb >= 4 && !memcmp(p + pb, "\xF4\x8F\xBF\xBF", 4)) c->skip = 1;
    c->has = 1;
    return PF_OK;
  }
  if (bytes_cmp(p, n, c->smin.data, c->smin.len) < 0) {
    c->smin.len = 0;
    PF_TRY(pf__buf_append(&c->smin, p, pb));
  }
  const uint8_t *mp = c->smax.data;
  size_t ml = c->smax.len;
  if (bytes_cmp(p, n, mp, ml) > 0) {
    if (n > ml && !memcmp(p, mp, ml) && prefix_bytes(p, n, PF__DELTA_STRING_PREFIX) == ml) {
      /* the stored max is a full prefix and p starts with it: same prefix */
      c->max_truncated = 1;
      if (n - ml >= 4 && !memcmp(p + ml, "\xF4\x8F\xBF\xBF", 4)) c->skip = 1;
    } else {
      c->smax.len = 0;
      PF_TRY(pf__buf_append(&c->smax, p, pb));
      c->max_truncated = pb < n;
      if (pb < n && n - pb >= 4 && !memcmp(p + pb, "\xF4\x8F\xBF\xBF", 4)) c->skip = 1;
    }
  }
  return PF_OK;
}

pf_status pf__delta_stats_add(pf__delta_stats *s, const pf_schema *schema, const pf_batch *b) {
  s->rows += (int64_t)b->n_rows;
  for (size_t j = 0; j < s->n; j++) {
    const pf_column *col = &b->cols[j];
    pf__delta_colstat *c = &s->c[j];
    pf_type t = schema->fields[j].type;
    c->nulls += col->null_count;
    if (c->skip || t == PF_TYPE_BOOL || t == PF_TYPE_BINARY || t == PF_TYPE_NULL) {
      if (t == PF_TYPE_BOOL || t == PF_TYPE_BINARY || t == PF_TYPE_NULL) c->skip = 1;
      continue;
    }
    if ((int64_t)b->n_rows == col->null_count) continue;
    for (size_t i = 0; i < b->n_rows && !c->skip; i++) {
      if (!pf__col_is_valid(col, i)) continue;
      switch (t) {
        case PF_TYPE_INT64:
        case PF_TYPE_TIMESTAMP:
        case PF_TYPE_TIMESTAMP_UTC:
        case PF_TYPE_DATE: {
          int64_t v = t == PF_TYPE_DATE ? pf__col_i32(col, i) : pf__col_i64(col, i);
          if (!c->has) { c->imin = c->imax = v; c->has = 1; }
          else if (v < c->imin) c->imin = v;
          else if (v > c->imax) c->imax = v;
          break;
        }
        case PF_TYPE_DOUBLE: {
          double v = pf__col_f64(col, i);
          if (!isfinite(v)) { c->skip = 1; break; }
          if (!c->has) { c->dmin = c->dmax = v; c->has = 1; }
          else if (v < c->dmin) c->dmin = v;
          else if (v > c->dmax) c->dmax = v;
          break;
        }
        case PF_TYPE_DECIMAL: {
          const uint8_t *v = col->values + i * 16;
          if (!c->has) { memcpy(c->cmin, v, 16); memcpy(c->cmax, v, 16); c->has = 1; }
          else if (dec_cmp(v, c->cmin) < 0) memcpy(c->cmin, v, 16);
          else if (dec_cmp(v, c->cmax) > 0) memcpy(c->cmax, v, 16);
          break;
        }
        case PF_TYPE_STRING: {
          size_t n;
          const uint8_t *p = pf__col_str(col, i, &n);
          PF_TRY(add_string(c, p, n));
          break;
        }
        default: c->skip = 1;
      }
    }
  }
  return PF_OK;
}

/* Appends the min (which=0) or max value of column j as JSON; returns 0
 * (nothing written) when undefined. */
static pf_status put_value(pf__buf *b, const pf__delta_colstat *c, pf_type t, int scale, int max, int *wrote) {
  char tmp[96];
  *wrote = 0;
  switch (t) {
    case PF_TYPE_INT64:
      PF_TRY(pf__buf_printf(b, "%lld", (long long)(max ? c->imax : c->imin)));
      break;
    case PF_TYPE_DATE:
      if (!pf__delta_fmt_date((int32_t)(max ? c->imax : c->imin), tmp, sizeof tmp)) return PF_OK;
      PF_TRY(pf__json_cstr(b, tmp));
      break;
    case PF_TYPE_TIMESTAMP:
    case PF_TYPE_TIMESTAMP_UTC: {
      int64_t v = max ? c->imax : c->imin;
      int64_t ms = v >= 0 ? v / 1000 : -((-v + 999) / 1000); /* floor */
      if (max && ms * 1000 != v) ms++;                           /* ceil  */
      if (!pf__delta_fmt_ts(ms * 1000, 'T', 3, tmp, sizeof tmp - 2)) return PF_OK;
      if (t == PF_TYPE_TIMESTAMP_UTC) strcat(tmp, "Z");
      PF_TRY(pf__json_cstr(b, tmp));
      break;
    }
    case PF_TYPE_DOUBLE:
      PF_TRY(pf__buf_printf(b, "%.17g", max ? c->dmax : c->dmin));
      break;
    case PF_TYPE_DECIMAL:
      pf__delta_fmt_decimal(max ? c->cmax : c->cmin, scale, tmp, sizeof tmp);
      PF_TRY(pf__buf_puts(b, tmp));
      break;
    case PF_TYPE_STRING: {
      const pf__buf *s = max ? &c->smax : &c->smin;
      if (max && c->max_truncated) {
        pf__buf t2;
        pf__buf_init(&t2, 0);
        pf_status st = pf__buf_append(&t2, s->data, s->len);
        if (st == PF_OK) st = pf__buf_append(&t2, "\xF4\x8F\xBF\xBF", 4);
        if (st == PF_OK) st = pf__json_str(b, (const char *)t2.data, t2.len);
        pf__buf_free(&t2);
        PF_TRY(st);
      } else {
        PF_TRY(pf__json_str(b, s->len ? (const char *)s->data : "", s->len));
      }
      break;
    }
    default: return PF_OK;
  }
  *wrote = 1;
  return PF_OK;
}

pf_status pf__delta_stats_json(const pf__delta_stats *s, const pf_schema *schema, pf__buf *out) {
  PF_TRY(pf__buf_printf(out, "{\"numRecords\":%lld", (long long)s->rows));
  for (int which = 0; which < 2; which++) {
    PF_TRY(pf__buf_puts(out, which ? ",\"maxValues\":{" : ",\"minValues\":{"));
    int first = 1;
    for (size_t j = 0; j < s->n; j++) {
      const pf__delta_colstat *c = &s->c[j];
      if (!c->has || c->skip) continue;
      size_t mark = out->len;
      PF_TRY(pf__json_key(out, schema->fields[j].name, first));
      int wrote;
      PF_TRY(put_value(out, c, schema->fields[j].type, schema->fields[j].scale, which, &wrote));
      if (!wrote) out->len = mark;
      else first = 0;
    }
    PF_TRY(pf__buf_putc(out, '}'));
  }
  PF_TRY(pf__buf_puts(out, ",\"nullCount\":{"));
  for (size_t j = 0; j < s->n; j++) {
    PF_TRY(pf__json_key(out, schema->fields[j].name, j == 0));
    PF_TRY(pf__buf_printf(out, "%lld", (long long)s->c[j].nulls));
  }
  return pf__buf_puts(out, "}}");
}

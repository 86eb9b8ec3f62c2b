/* delta_util.c - small helpers the Delta writer needs: random UUIDs for
 * table ids and file names, clock, date/time text as the Delta protocol
 * writes it (partition values, statistics), decimal text, and creating
 * partition directories so that an abort can remove them again. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/infer.h"
#include "writers/delta/delta_internal.h"

void pf__delta_uuid(char out[37]) {
  uint8_t r[16];
  size_t got = 0;
  int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    while (got < sizeof r) {
      ssize_t k = read(fd, r + got, sizeof r - got);
      if (k <= 0) break;
      got += (size_t)k;
    }
    close(fd);
  }
  if (got < sizeof r) { /* no urandom: mix the clock, pid and an address */
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t x = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 20) ^ ((uint64_t)getpid() << 40) ^
                 (uint64_t)(uintptr_t)&ts;
    for (int i = 0; i < 16; i++) {
      x ^= x << 13; x ^= x >> 7; x ^= x << 17;
      r[i] = (uint8_t)x;
    }
  }
  r[6] = (uint8_t)((r[6] & 0x0F) | 0x40);
  r[8] = (uint8_t)((r[8] & 0x3F) | 0x80);
  static const char hex[] = "0123456789abcdef";
  char *o = out;
  for (int i = 0; i < 16; i++) {
    if (i == 4 || i == 6 || i == 8 || i == 10) *o++ = '-';
    *o++ = hex[r[i] >> 4];
    *o++ = hex[r[i] & 15];
  }
  *o = 0;
}

int64_t pf__delta_now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Howard Hinnant's civil_from_days. */
static void civil(int64_t z, int *y, int *m, int *d) {
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t yy = yoe + era * 400;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  *d = (int)(doy - (153 * mp + 2) / 5 + 1);
  *m = (int)(mp < 10 ? mp + 3 : mp - 9);
  *y = (int)(yy + (*m <= 2));
}

int pf__delta_fmt_date(int32_t days, char *out, size_t n) {
  int y, m, d;
  civil(days, &y, &m, &d);
  if (y < 1 || y > 9999) return 0;
  snprintf(out, n, "%04d-%02d-%02d", y, m, d);
  return 1;
}

int pf__delta_fmt_ts(int64_t us, char sep, int frac_digits, char *out, size_t n) {
  int64_t day = us >= 0 ? us / 86400000000LL : -((-us + 86399999999LL) / 86400000000LL);
  int64_t rem = us - day * 86400000000LL;
  int y, m, d;
  civil(day, &y, &m, &d);
  if (y < 1 || y > 9999) return 0;
  int64_t secs = rem / 1000000, frac = rem % 1000000;
  int len = snprintf(out, n, "%04d-%02d-%02d%c%02d:%02d:%02d", y, m, d, sep, (int)(secs / 3600),
                     (int)(secs / 60 % 60), (int)(secs % 60));
  if (frac_digits == 3) snprintf(out + len, n - (size_t)len, ".%03d", (int)(frac / 1000));
  else if (frac_digits == 6 && frac) snprintf(out + len, n - (size_t)len, ".%06d", (int)frac);
  return 1;
}

void pf__delta_fmt_time(int64_t us, char *out, size_t n) {
  int64_t secs = us / 1000000, frac = us % 1000000;
  int len = snprintf(out, n, "%02d:%02d:%02d", (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
  if (frac) snprintf(out + len, n - (size_t)len, ".%06d", (int)frac);
}

void pf__delta_fmt_decimal(const uint8_t v[16], int scale, char *out, size_t n) {
  uint64_t lo, hi;
  memcpy(&lo, v, 8);
  memcpy(&hi, v + 8, 8);
  int neg = (int64_t)hi < 0;
  if (neg) { /* two's complement negate */
    lo = ~lo + 1;
    hi = ~hi + (lo == 0);
  }
  char digits[48];
  int k = 0;
  while (hi || lo || k == 0) { /* divide the 128-bit value by 10 */
    unsigned __int128 x = ((unsigned __int128)hi << 64) | lo;
    digits[k++] = (char)('0' + (int)(x % 10));
    x /= 10;
    hi = (uint64_t)(x >> 64);
    lo = (uint64_t)x;
  }
  while (k <= scale) digits[k++] = '0';
  size_t o = 0;
  if (neg && o + 1 < n) out[o++] = '-';
  for (int i = k - 1; i >= 0 && o + 2 < n; i--) {
    out[o++] = digits[i];
    if (i == scale && scale > 0) out[o++] = '.';
  }
  out[o] = 0;
}

pf_status pf__delta_mkdirs(const char *dir, const char *rel, pf__buf *created, pf_error *err) {
  pf__buf p;
  pf__buf_init(&p, 0);
  pf_status st = pf__buf_puts(&p, dir);
  const char *s = rel;
  while (st == PF_OK && *s) {
    const char *e = strchr(s, '/');
    size_t k = e ? (size_t)(e - s) : strlen(s);
    st = pf__buf_putc(&p, '/');
    if (st == PF_OK) st = pf__buf_append(&p, s, k);
    if (st == PF_OK) st = pf__buf_putc(&p, 0);
    if (st != PF_OK) break;
    p.len--;
    if (mkdir((const char *)p.data, 0777) == 0) {
      if (created) {
        st = pf__buf_append(created, p.data, p.len);
        if (st == PF_OK) st = pf__buf_putc(created, '\n');
      }
    } else if (errno != EEXIST) {
      pf__error_file(err, (const char *)p.data);
      st = pf__error_set(err, PF_EOUTPUT, "cannot create directory %s: %s", (const char *)p.data, strerror(errno));
      break;
    }
    s += k;
    if (*s == '/') s++;
  }
  if (st == PF_ENOMEM) pf__error_set(err, st, "out of memory");
  pf__buf_free(&p);
  return st;
}

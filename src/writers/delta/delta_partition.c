/* delta_partition.c - partition directory names and add paths.
 *
 * A partition value becomes a Hive-style directory name component the way
 * Spark writes it (ExternalCatalogUtils.escapePathName): the characters
 * that mean something in paths ('"' '#' '%' '\'' '*' '/' ':' '=' '?' '\\'
 * DEL '{' '[' ']' '^') and control characters become %XX; a null value is
 * __HIVE_DEFAULT_PARTITION__. The add action's path is a relative URI, so
 * the directory text is URI-encoded once more (a '%' from the first step
 * becomes %25): readers URI-decode the path and find the directory. The
 * raw value (not escaped) goes to partitionValues.
 */
#include <string.h>

#include "writers/delta/delta_internal.h"

static const char hexd[] = "0123456789ABCDEF";

static int needs_escape(unsigned char c) {
  if (c < 0x20 || c == 0x7F) return 1;
  return c == 0 || strchr("\"#%'*/:=?\\{[]^", c) != NULL;
}

pf_status pf__delta_part_dir_escape_n(pf__buf *b, const char *value, size_t n) {
  if (!value) return pf__buf_puts(b, "__HIVE_DEFAULT_PARTITION__");
  const unsigned char *p = (const unsigned char *)value;
  size_t run = 0;
  for (size_t i = 0; i < n; i++) {
    if (!needs_escape(p[i])) continue;
    PF_TRY(pf__buf_append(b, p + run, i - run));
    char e[3] = {'%', hexd[p[i] >> 4], hexd[p[i] & 15]};
    PF_TRY(pf__buf_append(b, e, 3));
    run = i + 1;
  }
  return pf__buf_append(b, p + run, n - run);
}

pf_status pf__delta_part_dir_escape(pf__buf *b, const char *value) {
  return pf__delta_part_dir_escape_n(b, value, value ? strlen(value) : 0);
}

pf_status pf__delta_uri_encode(pf__buf *b, const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    int keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
               c == '-' || c == '.' || c == '_' || c == '~' || c == '/' || c == '=';
    if (keep) {
      PF_TRY(pf__buf_putc(b, c));
    } else {
      char e[3] = {'%', hexd[c >> 4], hexd[c & 15]};
      PF_TRY(pf__buf_append(b, e, 3));
    }
  }
  return PF_OK;
}

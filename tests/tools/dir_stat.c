/* dir_stat.c - the public metadata API (pf_path_stat, pf_dir_list) from the
 * command line, for tests: what forge.volumes will call.
 *
 *   dir_stat stat PATH          kind, size, files, dirs, others (recursive)
 *   dir_stat list PATH          every entry: kind, size, relative path
 * Both end with "maxrss_kb N" (getrusage), so a test can show that listing
 * 100,000 files takes no more memory than listing ten. */
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "pyforge/pyforge.h"

static void print_rss(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  printf("maxrss_kb %ld\n", ru.ru_maxrss);
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: dir_stat stat|list PATH\n");
    return 2;
  }
  pf_error err;
  pf_error_init(&err);
  if (!strcmp(argv[1], "stat")) {
    pf_path_info pi;
    if (pf_path_stat(argv[2], PF_STAT_TOTALS | PF_STAT_RECURSIVE, &pi, &err) != PF_OK) {
      fprintf(stderr, "dir_stat: %s\n", err.message);
      return 1;
    }
    printf("kind %d\nsize %llu\nfiles %llu\ndirs %llu\nothers %llu\n", (int)pi.kind, (unsigned long long)pi.size,
           (unsigned long long)pi.files, (unsigned long long)pi.dirs, (unsigned long long)pi.others);
  } else {
    pf_dir_list *l = NULL;
    if (pf_dir_list_open(argv[2], PF_STAT_RECURSIVE, &l, &err) != PF_OK) {
      fprintf(stderr, "dir_stat: %s\n", err.message);
      return 1;
    }
    for (;;) {
      const pf_dir_entry *e = NULL;
      if (pf_dir_list_next(l, &e, &err) != PF_OK) {
        fprintf(stderr, "dir_stat: %s\n", err.message);
        pf_dir_list_close(l);
        return 1;
      }
      if (!e) break;
      printf("%c %llu %s\n", e->kind == PF_ENTRY_FILE ? 'f' : e->kind == PF_ENTRY_DIR ? 'd' : 'o',
             (unsigned long long)e->size, e->path);
    }
    pf_dir_list_close(l);
  }
  print_rss();
  return 0;
}

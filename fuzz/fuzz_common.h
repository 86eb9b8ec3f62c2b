/* fuzz_common.h - what the public-API fuzz harnesses share: the input bytes
 * as an in-memory file (memfd, named by /proc/self/fd), and one pass of
 * pf_validate + pf_info_read + pf_convert over it, then the bytes read as
 * an Arrow stream from memory. Each outcome must be a status code; crashes,
 * sanitizer reports and leaks are the bugs. */
#ifndef PF_FUZZ_COMMON_H
#define PF_FUZZ_COMMON_H

#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "pyforge/arrow_c_data.h"
#include "pyforge/pyforge.h"

/* Sets format-specific options by key; converting is 0 for validate/info,
 * 1 for convert. */
typedef void (*pf_fuzz_tune_fn)(pf_options *o, const uint8_t *data,
                                size_t size, int converting);

/* The input as a file: writes data to a memfd and its /proc path into path.
 * Returns the descriptor (close it), or -1. */
static inline int pf_fuzz_input_file(const uint8_t *data, size_t size,
                                     char *path, size_t n) {
  int fd = memfd_create("pf-fuzz-in", 0);
  if (fd < 0) return -1;
  if (size && write(fd, data, size) != (ssize_t)size) {
    close(fd);
    return -1;
  }
  snprintf(path, n, "/proc/self/fd/%d", fd);
  return fd;
}

/* The input as a stream: schema, every batch, release (a small holdback,
 * so batches also come after the first get_next). buf NULL: o's path;
 * else these bytes from memory. */
static inline void pf_fuzz_stream(pf_options *o, const uint8_t *buf, size_t n) {
  if (buf) pf_options_set_input_buffer(o, n ? (const void *)buf : (const void *)"", n);
  pf_options_set(o, "stream.holdback", "64K", NULL);
  struct ArrowArrayStream s;
  if (pf_stream_open(o, &s, NULL) != PF_OK) return;
  struct ArrowSchema sc;
  if (s.get_schema(&s, &sc) == 0) sc.release(&sc);
  for (int i = 0; i < 1000; i++) {
    struct ArrowArray a;
    if (s.get_next(&s, &a) != 0 || !a.release) break;
    a.release(&a);
  }
  s.release(&s);
}

/* validate, info, convert and stream of the file at in_path as
 * input_format; the output goes to /tmp and is removed. */
static inline int pf_fuzz_run_path(const char *in_path, const uint8_t *data, size_t size,
                                   const char *input_format, pf_fuzz_tune_fn tune) {
  char out_path[96];
  snprintf(out_path, sizeof out_path, "/tmp/pf-fuzz-%s-%d.parquet", input_format, (int)getpid());

  pf_options *o = pf_options_new();
  if (!o) return 0;
  pf_options_set(o, "input.path", in_path, NULL);
  pf_options_set(o, "input.format", input_format, NULL);
  pf_options_set(o, "engine.threads", "2", NULL);
  pf_options_set(o, "input.max_field_size", "1M", NULL);
  if (tune) tune(o, data, size, 0);
  pf_validate_result vr;
  if (pf_validate(o, &vr, NULL) == PF_OK) pf_validate_result_free(&vr);
  pf_info info;
  if (pf_info_read(o, &info, NULL) == PF_OK) pf_info_free(&info);
  pf_options_set(o, "output.path", out_path, NULL);
  pf_options_set(o, "output.force", "true", NULL);
  if (tune) tune(o, data, size, 1);
  pf_convert_result r;
  if (pf_convert(o, &r, NULL) == PF_OK) pf_convert_result_free(&r);
  unlink(out_path);
  pf_fuzz_stream(o, NULL, 0);
  pf_options_free(o);
  return 0;
}

/* validate, info, convert and stream of the bytes as input_format, then
 * the same bytes streamed from memory. */
static inline int pf_fuzz_run(const uint8_t *data, size_t size,
                              const char *input_format, pf_fuzz_tune_fn tune) {
  char in_path[64];
  int in = pf_fuzz_input_file(data, size, in_path, sizeof in_path);
  if (in < 0) return 0;
  pf_fuzz_run_path(in_path, data, size, input_format, tune);
  close(in);
  pf_options *o = pf_options_new();
  if (!o) return 0;
  pf_options_set(o, "input.format", input_format, NULL);
  if (tune) tune(o, data, size, 0);
  pf_fuzz_stream(o, data, size);
  pf_options_free(o);
  return 0;
}

#endif

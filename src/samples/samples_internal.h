/* samples_internal.h - what the installer's files share: the catalogue's
 * lookups and filters, the result list, the manifest and file checks. */
#ifndef PF_SAMPLES_INTERNAL_H
#define PF_SAMPLES_INTERNAL_H

#include "samples/samples.h"

#define PF__SAMPLES_MANIFEST "manifest.json"

pf__sample_gen_fn pf__sample_generator(const char *format);
/* The request's formats and sizes as bits (defaults filled in). */
pf_status pf__samples_select(const pf_samples_request *req, unsigned *fmt_bits, unsigned *size_bits,
                             pf_error *err);
int pf__samples_selected(const char *format, const char *size, unsigned fmt_bits, unsigned size_bits);

/* Appends a file to r (copies the strings); PF_ENOMEM only. */
pf_status pf__samples_add(pf_samples_result *r, const char *dataset, const char *format, const char *size,
                          const char *path, uint64_t bytes, const char *sha, pf_sample_state state);
void pf__sample_file_clear(pf_sample_file *f);
/* Records f in a manifest's list, replacing the entry with its path. */
pf_status pf__samples_upsert(pf_samples_result *have, const pf_sample_file *f);
void pf__samples_sort(pf_samples_result *r);
/* manifest 1: the manifest.json text (no states, no destination) */
char *pf__samples_json(const pf_samples_result *r, int manifest);

/* Parses a manifest's text into r's files (state AVAILABLE). Every path
 * must be relative and safe (no "..", no absolute, no backslash, no
 * empty or dot-only part), every digest 64 hex digits: else PF_EPARSE
 * naming the entry (what names the manifest in messages). */
pf_status pf__samples_manifest_parse(const char *text, size_t n, const char *what, pf_samples_result *r,
                                     pf_error *err);
/* Reads dest/manifest.json into r (PF_ENOTFOUND when there is none). */
pf_status pf__samples_manifest_load(const char *dest, pf_samples_result *r, pf_error *err);
/* Writes r as dest/manifest.json atomically (sorted by path). */
pf_status pf__samples_manifest_save(const char *dest, pf_samples_result *r, pf_error *err);
/* SHA-256 and size of a file; PF_ENOTFOUND when it is missing. */
pf_status pf__samples_hash_file(const char *path, uint64_t *bytes, char hex[65], pf_error *err);
/* Is dest/rel there? *present 1 when the manifest (have) lists it and it
 * still matches; any other existing file is PF_EEXIST unless force. */
pf_status pf__samples_check_existing(const char *dest, const char *rel, pf_samples_result *have, int force,
                                     int *present, pf_error *err);
/* Re-reads each committed file of the set and compares it with the digest
 * computed while writing it. */
pf_status pf__samples_verify(const pf__sample_set *set, pf_error *err);

/* Installs the bundle req->from into dest (samples_bundle.c). */
pf_status pf__samples_from_bundle(const char *dest, const pf_samples_request *req, unsigned fmt_bits,
                                  unsigned size_bits, pf_samples_result *have, pf_samples_result *out,
                                  pf_error *err);
/* Reads a bundle's manifest (directory or URL) into r. */
pf_status pf__samples_bundle_manifest(const char *from, pf_cancel *cancel, pf_samples_result *r,
                                      pf_error *err);

#endif

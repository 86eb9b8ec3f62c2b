/* dbf_reader.c - the dBase reader's entry in the registry: options, open
 * (header, code page, memo file, schema), next (blocks of records decoded
 * in parallel), rewind, info, stats and the warnings a conversion reports.
 * See dbf_internal.h for how the files share the work and docs/dbase.md for
 * the rules users see.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "readers/dbf/dbf_internal.h"
#include "readers/dbf/dbf_reader.h"

#define BLOCK_BYTES ((size_t)32 << 20) /* records read per block, at most */
#define SAMPLE_BYTES ((size_t)1 << 20)  /* text sampled for code page detection */

static void free_tasks(pf__dbf_reader *r) {
  for (size_t i = 0; i < r->n_tasks_alloc; i++) {
    pf__dbf_task *t = &r->tasks[i];
    pf__batch_free(t->batch);
    pf__buf_free(&t->text);
    pf__buf_free(&t->memo);
    pf__dbf_cp_cd_free(t->cd);
    free(t->bad);
    free(t->misfit_rec);
    free(t->misfit_val);
  }
  free(r->tasks);
  r->tasks = NULL;
  r->n_tasks_alloc = r->n_tasks = r->task_next = 0;
}

/* Drops the notes from index keep on. */
static void clear_notes(pf__dbf_reader *r, size_t keep) {
  for (size_t i = keep; i < r->n_notes; i++) free(r->notes[i]);
  r->n_notes = keep < r->n_notes ? keep : r->n_notes;
}

static void dbf_close(void *state) {
  pf__dbf_reader *r = state;
  if (!r) return;
  free_tasks(r);
  for (size_t i = 0; i < r->n_fields; i++) free(r->fields[i].name);
  free(r->fields);
  free(r->block);
  pf__dbf_memo_close(&r->memo);
  pf__source_close(r->src);
  pf_schema_free(r->schema);
  pf__infer_ctx_free(&r->ictx);
  clear_notes(r, 0);
  free(r);
}

static void add_note(pf__dbf_reader *r, char *text) {
  if (!text) return;
  if (r->n_notes < sizeof r->notes / sizeof r->notes[0]) r->notes[r->n_notes++] = text;
  else free(text);
}

static void resolve_options(pf__dbf_reader *r) {
  const pf__opts *o = r->env->opts;
  r->o.encoding = o->encoding && *o->encoding ? o->encoding : NULL;
  r->o.keep_deleted = o->dbf.keep_deleted;
  r->o.ignore_missing_memo = o->dbf.ignore_missing_memo;
  r->o.allow_truncated = o->dbf.allow_truncated;
  r->o.all_strings = o->all_strings;
  r->o.skip_bad = r->env->validating || o->csv.on_bad_rows == PF_BAD_ROWS_SKIP;
  r->o.max_field = o->max_field_bytes > 0 ? (size_t)o->max_field_bytes : (size_t)64 << 20;
}

/* Reads exactly n bytes unless the input ends; *got says how many. */
static pf_status read_full(pf__source *src, uint8_t *buf, size_t n, size_t *got, pf_error *err) {
  *got = 0;
  while (*got < n) {
    size_t k = 0;
    PF_TRY(pf__source_read(src, buf + *got, n - *got, &k, err));
    if (k == 0) break;
    *got += k;
  }
  return PF_OK;
}

/* Back to the first record. */
static pf_status seek_first_record(pf__dbf_reader *r, pf_error *err) {
  PF_TRY(pf__source_rewind(r->src, err));
  uint8_t skip[4096];
  size_t left = r->header_len;
  while (left) {
    size_t got;
    PF_TRY(read_full(r->src, skip, left < sizeof skip ? left : sizeof skip, &got, err));
    if (!got) return pf__error_set(err, PF_EPARSE, "the file ends inside its header");
    left -= got;
  }
  r->next_rec = 0;
  return PF_OK;
}

/* Appends the text fields of records to sample (values separated by 0). */
static pf_status sample_records(const pf__dbf_reader *r, const uint8_t *recs, size_t n,
                                pf__buf *sample) {
  for (size_t k = 0; k < n && sample->len < SAMPLE_BYTES; k++) {
    const uint8_t *rec = recs + k * r->rec_len;
    for (size_t i = 0; i < r->n_fields; i++) {
      const pf__dbf_field *f = &r->fields[i];
      if (f->kind != PF__DBF_TEXT && f->kind != PF__DBF_VARCHAR) continue;
      const uint8_t *p = rec + f->offset;
      size_t len = f->length;
      while (len && (p[len - 1] == ' ' || p[len - 1] == 0)) len--;
      int high = 0;
      for (size_t j = 0; j < len && !high; j++) high = p[j] >= 0x80;
      if (!high) continue;
      PF_TRY(pf__buf_append(sample, p, len));
      PF_TRY(pf__buf_putc(sample, 0));
    }
  }
  return PF_OK;
}

/* Text from the head of the records and, in plain files, from the middle
 * and the end. */
static pf_status gather_sample(pf__dbf_reader *r, pf__buf *sample, pf_error *err) {
  size_t want = SAMPLE_BYTES / r->rec_len + 1;
  if (want > r->rec_limit) want = (size_t)r->rec_limit;
  if (want == 0) return PF_OK;
  uint8_t *buf = malloc(want * r->rec_len);
  if (!buf) return PF_ENOMEM;
  size_t got;
  pf_status st = read_full(r->src, buf, want * r->rec_len, &got, err);
  if (st == PF_OK) st = sample_records(r, buf, got / r->rec_len, sample);
  if (st == PF_OK && pf__source_seekable(r->src) && r->rec_limit > 4 * want) {
    for (int w = 1; w <= 2 && st == PF_OK; w++) {
      uint64_t first = r->rec_limit * (uint64_t)w / 2 - (w == 2 ? want : 0);
      st = pf__source_pread(r->src, r->header_len + first * r->rec_len, buf, want * r->rec_len,
                            &got, err);
      if (st == PF_OK) st = sample_records(r, buf, got / r->rec_len, sample);
    }
  }
  free(buf);
  if (st == PF_OK) st = seek_first_record(r, err);
  return st;
}

static pf_status choose_code_page(pf__dbf_reader *r, pf_error *err) {
  if (r->o.encoding) {
    snprintf(r->cp.source, sizeof r->cp.source, "input.encoding");
    if (pf__dbf_cp_init(&r->cp, r->o.encoding) != PF_OK)
      return pf__error_set(err, PF_EINVAL,
                           "unknown encoding '%s' (use a name iconv knows, e.g. cp1252, cp850, "
                           "cp866, utf-8; `iconv -l` lists them)", r->o.encoding);
    return PF_OK;
  }
  char *cpg = pf__dbf_sibling(r->env->path, ".cpg");
  if (cpg) {
    char text[64] = {0}, name[64];
    FILE *f = fopen(cpg, "rb");
    size_t n = f ? fread(text, 1, sizeof text - 1, f) : 0;
    if (f) fclose(f);
    text[n] = 0;
    int ok = n && pf__dbf_cpg_name(text, name, sizeof name) && pf__dbf_cp_init(&r->cp, name) == PF_OK;
    if (ok) snprintf(r->cp.source, sizeof r->cp.source, "from %s", cpg);
    free(cpg);
    if (ok) return PF_OK;
  }
  const char *desc;
  const char *declared = pf__dbf_ldid_name(r->ldid, &desc);
  pf__buf sample;
  pf__buf_init(&sample, 0);
  pf_status st = gather_sample(r, &sample, err);
  const uint8_t *s = sample.data ? sample.data : (const uint8_t *)"";
  if (st == PF_OK && declared) {
    st = pf__dbf_cp_init(&r->cp, declared);
    int undefined = 0;
    for (size_t i = 0; st == PF_OK && !r->cp.multibyte && !r->cp.utf8 && i < sample.len; i++)
      undefined += r->cp.undef[s[i]];
    if (st == PF_OK && pf__dbf_is_utf8_text(s, sample.len)) {
      st = pf__dbf_cp_init(&r->cp, "UTF-8");
      snprintf(r->cp.source, sizeof r->cp.source,
               "detected: the language driver byte says %s but the text is valid UTF-8", declared);
    } else if (st == PF_OK && undefined) {
      st = pf__dbf_cp_detect(&r->cp, s, sample.len, NULL);
      snprintf(r->cp.source + strlen(r->cp.source), sizeof r->cp.source - strlen(r->cp.source),
               "; the language driver byte says %s, which leaves bytes of the text undefined",
               declared);
    } else if (st == PF_OK) {
      snprintf(r->cp.source, sizeof r->cp.source, "language driver 0x%02X (%s)", r->ldid, desc);
    }
  } else if (st == PF_OK) {
    st = pf__dbf_cp_detect(&r->cp, s, sample.len, NULL);
  }
  pf__buf_free(&sample);
  return st;
}

static pf_status open_memo(pf__dbf_reader *r, pf_error *err) {
  if (!r->has_memo_fields) return PF_OK;
  int fox = r->vfp || r->version == 0xF5 || r->version == 0xFB || r->version == 0x02;
  const char *first = fox ? ".fpt" : ".dbt", *second = fox ? ".dbt" : ".fpt";
  char *path = pf__dbf_sibling(r->env->path, first);
  if (!path) path = pf__dbf_sibling(r->env->path, second);
  if (path) {
    size_t pl = strlen(path);
    int fpt = pl >= 4 && (path[pl - 3] == 'f' || path[pl - 3] == 'F');
    pf_status st = pf__dbf_memo_open(&r->memo, path, fpt, r->version == 0x83, err);
    free(path);
    return st;
  }
  /* the names of the memo columns, for the message */
  pf__buf cols;
  pf__buf_init(&cols, 4096);
  for (size_t i = 0; i < r->n_fields; i++)
    if (r->fields[i].kind == PF__DBF_MEMO)
      pf__buf_printf(&cols, "%s%s", cols.len ? ", " : "", r->fields[i].raw_name);
  const char *slash = strrchr(r->env->path, '/');
  const char *base = slash ? slash + 1 : r->env->path;
  const char *dot = strrchr(base, '.');
  int stem = dot && dot != base ? (int)(dot - base) : (int)strlen(base);
  pf_status st = PF_OK;
  if (r->o.ignore_missing_memo) {
    r->memo_dropped = 1;
    add_note(r, pf__aprintf("no memo file %.*s%s beside the table: the memo column%s %s left out "
                            "(dbf.ignore_missing_memo)",
                            stem, base, first, strchr((char *)cols.data, ',') ? "s" : "",
                            cols.data ? (char *)cols.data : ""));
  } else {
    st = pf__error_set(err, PF_ENOTFOUND,
                       "the table has memo fields (%s) but its memo file %.*s%s is missing "
                       "(looked for %.*s.dbt and %.*s.fpt beside it, any letter case); put it "
                       "beside the table, or convert without the memo columns with "
                       "dbf.ignore_missing_memo",
                       cols.data ? (char *)cols.data : "", stem, base, first, stem, base, stem, base);
  }
  pf__buf_free(&cols);
  return st;
}

/* How many records the file really holds (plain files). */
static pf_status check_length(pf__dbf_reader *r, pf_error *err) {
  r->rec_limit = r->n_records;
  if (!pf__source_seekable(r->src) || pf__source_codec(r->src) != PF__CODEC_NONE) return PF_OK;
  uint64_t size = pf__source_disk_size(r->src);
  r->file_size = size;
  uint64_t have = size > r->header_len ? (size - r->header_len) / r->rec_len : 0;
  if (have >= r->n_records) return PF_OK;
  r->truncated = 1;
  if (!r->o.allow_truncated) {
    pf__error_place(err, (int64_t)have + 1, -1, -1, (int64_t)(r->header_len + have * r->rec_len));
    return pf__error_set(err, PF_EPARSE,
                         "record %llu: the header promises %u records of %u bytes but the file "
                         "ends after %llu complete records; the file is truncated (convert the "
                         "records that are there with dbf.allow_truncated)",
                         (unsigned long long)have + 1, r->n_records, r->rec_len,
                         (unsigned long long)have);
  }
  r->rec_limit = have;
  add_note(r, pf__aprintf("the header promises %u records but the file holds %llu: the file is "
                          "truncated; the %llu records there were read (dbf.allow_truncated)",
                          r->n_records, (unsigned long long)have, (unsigned long long)have));
  return PF_OK;
}

static pf_status make_tasks(pf__dbf_reader *r) {
  size_t threads = (size_t)pf__pool_size(r->env->pool);
  if (threads < 1) threads = 1;
  size_t per = BLOCK_BYTES / threads / r->rec_len;
  if (per > PF_BATCH_ROWS) per = PF_BATCH_ROWS;
  if (per < 1) per = 1;
  r->recs_per_task = per;
  r->tasks = calloc(threads, sizeof *r->tasks);
  if (!r->tasks) return PF_ENOMEM;
  r->n_tasks_alloc = threads;
  for (size_t i = 0; i < threads; i++) {
    pf__dbf_task *t = &r->tasks[i];
    pf__buf_init(&t->text, 0);
    pf__buf_init(&t->memo, 0);
    t->misfit_rec = malloc(r->n_fields * sizeof *t->misfit_rec);
    t->misfit_val = malloc(r->n_fields * sizeof *t->misfit_val);
    if (!t->misfit_rec || !t->misfit_val) return PF_ENOMEM;
    PF_TRY(pf__batch_create(r->schema, per, &t->batch));
  }
  size_t block = threads * per * r->rec_len;
  r->block = malloc(block);
  r->block_cap = block;
  return r->block ? PF_OK : PF_ENOMEM;
}

static pf_status dbf_open(const pf__reader_env *env, void **state, pf_error *err) {
  *state = NULL;
  pf__dbf_reader *r = calloc(1, sizeof *r);
  if (!r) return PF_ENOMEM;
  r->env = env;
  r->nullflags = -1;
  r->deleted_col = -1;
  r->memo.fd = -1;
  resolve_options(r);
  pf_status st = pf__infer_ctx_init(&r->ictx);
  if (st == PF_OK) {
    st = pf__source_open_opts(env->path, env->opts, &r->src, err);
    if (st != PF_OK) pf__error_file(err, env->path);
  }
  if (st == PF_OK) st = pf__dbf_read_header(r, err);
  if (st == PF_OK) st = check_length(r, err);
  if (st == PF_OK) st = choose_code_page(r, err);
  if (st == PF_OK) st = open_memo(r, err);
  if (st == PF_OK) st = pf__dbf_build_schema(r, err);
  if (st == PF_OK) st = make_tasks(r);
  if (st != PF_OK) {
    if (err && err->status == PF_OK) pf__error_set(err, st, "%s", pf_status_str(st));
    dbf_close(r);
    return st;
  }
  *state = r;
  return PF_OK;
}

static const pf_schema *dbf_schema(void *state) { return ((pf__dbf_reader *)state)->schema; }

static void decode_one(void *arg, size_t i) {
  pf__dbf_reader *r = arg;
  pf__dbf_decode_task(r, &r->tasks[i]);
}

/* Widens the columns whose values did not fit; 1 when any did. */
static pf_status widen_misfits(pf__dbf_reader *r, int *widened, pf_error *err) {
  *widened = 0;
  for (size_t fi = 0; fi < r->n_fields; fi++) {
    uint64_t best = UINT64_MAX;
    const char *val = "";
    for (size_t i = 0; i < r->n_tasks; i++)
      if (r->tasks[i].misfit && r->tasks[i].misfit_rec[fi] < best) {
        best = r->tasks[i].misfit_rec[fi];
        val = r->tasks[i].misfit_val[fi];
      }
    if (best == UINT64_MAX) continue;
    pf__dbf_field *f = &r->fields[fi];
    char decl[32];
    pf__dbf_type_text(f, decl, sizeof decl);
    pf_type from = f->type;
    f->type = PF_TYPE_STRING;
    f->widened = 1;
    *widened = 1;
    PF_TRY(pf__dbf_build_schema(r, err));
    char where[32], why[64];
    snprintf(where, sizeof where, "record %llu", (unsigned long long)best + 1);
    snprintf(why, sizeof why, "does not fit its declared type %s", decl);
    char *note = pf__widen_note(from, PF_TYPE_STRING, where, val, strlen(val), why);
    pf_status st = note ? pf__schema_note(r->schema, (size_t)f->out, "%s", note) : PF_ENOMEM;
    free(note);
    PF_TRY(st);
  }
  return PF_OK;
}

/* Reads and decodes the next block into the tasks. */
static pf_status read_block(pf__dbf_reader *r, pf_error *err) {
  r->n_tasks = r->task_next = 0;
  uint64_t left = r->rec_limit - r->next_rec;
  size_t want = r->n_tasks_alloc * r->recs_per_task;
  if (left < want) want = (size_t)left;
  if (want == 0) {
    r->eof = 1;
    return PF_OK;
  }
  size_t got;
  PF_TRY(read_full(r->src, r->block, want * r->rec_len, &got, err));
  size_t n = got / r->rec_len;
  if (n < want) { /* a stream (compressed, stdin) that ends early */
    uint64_t have = r->next_rec + n;
    if (!r->o.allow_truncated) {
      pf__error_place(err, (int64_t)have + 1, -1, -1, (int64_t)(r->header_len + have * r->rec_len));
      return pf__error_set(err, PF_EPARSE,
                           "record %llu: the header promises %u records but the input ends after "
                           "%llu complete records; the file is truncated (convert the records that "
                           "are there with dbf.allow_truncated)",
                           (unsigned long long)have + 1, r->n_records, (unsigned long long)have);
    }
    r->truncated = 1;
    r->rec_limit = have;
    add_note(r, pf__aprintf("the header promises %u records but the input holds %llu: the "
                            "records there were read (dbf.allow_truncated)",
                            r->n_records, (unsigned long long)have));
  }
  for (size_t off = 0; off < n; off += r->recs_per_task) {
    pf__dbf_task *t = &r->tasks[r->n_tasks++];
    t->recs = r->block + off * r->rec_len;
    t->first_rec = r->next_rec + off;
    t->n_recs = n - off < r->recs_per_task ? n - off : r->recs_per_task;
  }
  r->next_rec += n;
  return PF_OK;
}

static pf_status decode_block(pf__dbf_reader *r) {
  for (size_t i = 0; i < r->n_tasks; i++) {
    pf__dbf_task *t = &r->tasks[i];
    PF_TRY(pf__batch_reset(t->batch, r->schema));
    t->deleted = t->overflow = 0;
    t->n_bad = 0;
    t->misfit = 0;
    t->eof_at = UINT64_MAX;
    for (size_t f = 0; f < r->n_fields; f++) t->misfit_rec[f] = UINT64_MAX;
  }
  pf__pool_run(r->env->pool, r->n_tasks, decode_one, r);
  return PF_OK;
}

/* After a block: errors, end markers and misfits, in record order. */
static pf_status settle_block(pf__dbf_reader *r, pf_error *err) {
  for (size_t i = 0; i < r->n_tasks; i++) {
    pf__dbf_task *t = &r->tasks[i];
    if (t->st != PF_OK) {
      pf__error_copy(err, &t->err);
      return t->st;
    }
    if (t->eof_at != UINT64_MAX) {
      if (!r->o.allow_truncated) {
        pf__error_place(err, (int64_t)t->eof_at + 1, -1, -1,
                        (int64_t)(r->header_len + t->eof_at * r->rec_len));
        return pf__error_set(err, PF_EPARSE,
                             "record %llu: an end-of-file marker (0x1A) where the header promises "
                             "%u records; the file is truncated (convert the records before it "
                             "with dbf.allow_truncated)",
                             (unsigned long long)t->eof_at + 1, r->n_records);
      }
      r->n_tasks = i + 1;
      r->eof = 1;
      r->rec_limit = r->next_rec = t->eof_at;
      add_note(r, pf__aprintf("the header promises %u records but an end-of-file marker follows "
                              "record %llu: the records before it were read (dbf.allow_truncated)",
                              r->n_records, (unsigned long long)t->eof_at));
      break;
    }
  }
  int any = 0;
  for (size_t i = 0; i < r->n_tasks; i++) any |= r->tasks[i].misfit;
  if (any) {
    /* the writer was opened with the old schema, even before the first
     * batch: the engine must start again */
    int widened;
    PF_TRY(widen_misfits(r, &widened, err));
    if (widened) return PF_ERESTART;
  }
  return PF_OK;
}

/* Bad records of a task go to the engine's reject callback, in order. */
static pf_status report_bad(pf__dbf_reader *r, pf__dbf_task *t, pf_error *err) {
  for (size_t k = 0; k < t->n_bad; k++) {
    const pf__dbf_bad *b = &t->bad[k];
    r->bad_total++;
    if (!r->env->reject) continue;
    const uint8_t *raw = t->recs + (b->record - t->first_rec) * r->rec_len;
    pf__buf txt;
    pf__buf_init(&txt, 0);
    /* the record as text: its bytes in the table's code page, where valid */
    void *cd = NULL;
    if (pf__dbf_cp_decode(&r->cp, &cd, raw, r->rec_len, &txt) != PF_OK) {
      txt.len = 0;
      for (size_t i = 0; i < r->rec_len; i++) pf__buf_putc(&txt, raw[i] >= 0x20 && raw[i] < 0x7f ? raw[i] : '?');
    }
    pf__dbf_cp_cd_free(cd);
    pf_status st = r->env->reject(r->env->reject_user, (int64_t)b->record + 1, b->reason,
                                  txt.data ? (const char *)txt.data : "", txt.len, err);
    pf__buf_free(&txt);
    PF_TRY(st);
  }
  return PF_OK;
}

static void finish_notes(pf__dbf_reader *r, int64_t overflow) {
  r->n_file_notes = r->n_notes;
  if (r->deleted_total > 0 && !r->o.keep_deleted)
    add_note(r, pf__aprintf("%lld deleted record%s left out (dbf.keep_deleted keeps them with a "
                            "_deleted column)",
                            (long long)r->deleted_total, r->deleted_total == 1 ? "" : "s"));
  if (overflow > 0)
    add_note(r, pf__aprintf("%lld numeric value%s filled with '*' (a number too wide for its "
                            "field when written) read as null",
                            (long long)overflow, overflow == 1 ? "" : "s"));
}

static pf_status next_batch(pf__dbf_reader *r, pf_batch **out, pf_error *err) {
  for (;;) {
    while (r->task_next < r->n_tasks) {
      pf__dbf_task *t = &r->tasks[r->task_next++];
      PF_TRY(report_bad(r, t, err));
      r->deleted_total += t->deleted;
      r->overflow_total += t->overflow;
      if (t->batch->n_rows == 0) continue;
      t->batch->first_row = r->rows_out;
      r->rows_out += (int64_t)t->batch->n_rows;
      *out = t->batch;
      return PF_OK;
    }
    if (r->eof) {
      if (!r->finished) {
        r->finished = 1;
        finish_notes(r, r->overflow_total);
      }
      return PF_OK;
    }
    PF_TRY(read_block(r, err));
    if (r->n_tasks == 0) continue;
    PF_TRY(decode_block(r));
    PF_TRY(settle_block(r, err));
  }
}

static pf_status dbf_next(void *state, pf_batch **out, pf_error *err) {
  pf__dbf_reader *r = state;
  *out = NULL;
  pf_status st = next_batch(r, out, err);
  if (st != PF_OK && st != PF_ERESTART) pf__error_file(err, r->env->path);
  return st;
}

static pf_status dbf_rewind(void *state, pf_error *err) {
  pf__dbf_reader *r = state;
  r->n_tasks = r->task_next = 0;
  r->rows_out = 0;
  r->deleted_total = r->overflow_total = r->bad_total = 0;
  /* keep the notes about the file itself (truncation, memo), drop counts */
  if (r->finished) clear_notes(r, r->n_file_notes);
  r->eof = r->finished = 0;
  return seek_first_record(r, err);
}

static const char *version_text(uint8_t v) {
  switch (v) {
    case 0x02: return "FoxBASE";
    case 0x03: return "dBase III / FoxBASE+ (no memo)";
    case 0x04: return "dBase 7 (no memo)";
    case 0x05: return "dBase 5 (no memo)";
    case 0x30: return "Visual FoxPro";
    case 0x31: return "Visual FoxPro (autoincrement)";
    case 0x32: return "Visual FoxPro (varchar/varbinary)";
    case 0x43: return "dBase IV SQL table (no memo)";
    case 0x63: return "dBase IV SQL system (no memo)";
    case 0x7B: return "dBase IV (with memo)";
    case 0x83: return "dBase III+ (with memo)";
    case 0x8B: return "dBase IV (with memo)";
    case 0x8C: return "dBase 7 (with memo)";
    case 0xCB: return "dBase IV SQL table (with memo)";
    case 0xE5: return "HiPer-Six (SMT memo)";
    case 0xF5: return "FoxPro 2.x (with memo)";
    case 0xFB: return "FoxBASE (with memo)";
    default: return "unknown";
  }
}

/* Deleted records counted from the deletion flags (reads the table). */
static pf_status count_deleted(pf__dbf_reader *r, int64_t *deleted, uint64_t *records,
                               pf_error *err) {
  *deleted = 0;
  *records = 0;
  PF_TRY(seek_first_record(r, err));
  pf_status st = PF_OK;
  while (st == PF_OK && *records < r->rec_limit) {
    uint64_t left = r->rec_limit - *records;
    size_t want = r->block_cap / r->rec_len;
    if (left < want) want = (size_t)left;
    size_t got;
    st = read_full(r->src, r->block, want * r->rec_len, &got, err);
    size_t n = got / r->rec_len;
    for (size_t k = 0; st == PF_OK && k < n; k++) {
      uint8_t flag = r->block[k * r->rec_len];
      if (flag == 0x1A) {
        n = k;
        want = 0;
        break;
      }
      *deleted += flag == '*';
    }
    *records += n;
    if (n < want || n == 0) break;
  }
  pf_status st2 = seek_first_record(r, err);
  return st != PF_OK ? st : st2;
}

static pf_status dbf_info(void *state, pf_info *info, pf_error *err) {
  pf__dbf_reader *r = state;
  int64_t deleted;
  uint64_t records;
  PF_TRY(count_deleted(r, &deleted, &records, err));
  const char *desc = NULL;
  pf__dbf_ldid_name(r->ldid, &desc);
  pf_status st = pf__info_prop(info, "version", "0x%02X %s", r->version, version_text(r->version));
  if (st == PF_OK && r->upd_m >= 1)
    st = pf__info_prop(info, "last_update", "%04d-%02d-%02d", r->upd_y, r->upd_m, r->upd_d);
  if (st == PF_OK) st = pf__info_prop(info, "records", "%u%s", r->n_records,
                                      records < r->n_records ? " (header; fewer in the file)" : "");
  if (st == PF_OK) st = pf__info_prop(info, "deleted", "%lld%s", (long long)deleted,
                                      deleted && !r->o.keep_deleted ? " (left out)" : "");
  if (st == PF_OK) st = pf__info_prop(info, "code_page", "%s (%s)", r->cp.name, r->cp.source);
  if (st == PF_OK)
    st = pf__info_prop(info, "language_driver", "0x%02X%s%s%s%s", r->ldid, desc ? " " : "",
                       desc ? desc : (r->ldid ? " (unknown)" : " (none)"), r->ldname[0] ? ", " : "",
                       r->ldname);
  if (st == PF_OK && r->has_memo_fields)
    st = pf__info_prop(info, "memo_file", "%s", r->memo.path ? r->memo.path : "missing (memo columns left out)");
  if (st == PF_OK) st = pf__info_prop(info, "record_length", "%u bytes", r->rec_len);
  for (size_t i = 0; i < r->n_fields && st == PF_OK; i++) {
    const pf__dbf_field *f = &r->fields[i];
    char t[32];
    pf__dbf_type_text(f, t, sizeof t);
    pf_info_section *s = pf__info_section(info, "field", f->name ? f->name : f->raw_name);
    if (!s) return PF_ENOMEM;
    st = pf__section_prop(s, "dbase_type", "%s", t);
    if (st == PF_OK && f->out < 0)
      st = pf__section_prop(s, "type", "%s", f->kind == PF__DBF_NULLFLAGS ? "(null flags, not a column)"
                                                                          : "(left out: no memo file)");
    else if (st == PF_OK && f->type == PF_TYPE_DECIMAL)
      st = pf__section_prop(s, "type", "decimal(%d,%d)", f->precision, f->scale);
    else if (st == PF_OK)
      st = pf__section_prop(s, "type", "%s", pf_type_name(f->type));
    if (st == PF_OK && f->null_bit >= 0) st = pf__section_prop(s, "nullable", "yes (_NullFlags)");
  }
  if (st == PF_OK) info->rows = r->o.keep_deleted ? (int64_t)records : (int64_t)records - deleted;
  return st;
}

static void dbf_stats(void *state, pf__reader_stats *out) {
  pf__dbf_reader *r = state;
  memset(out, 0, sizeof *out);
  out->bytes_read = r->header_len + r->next_rec * r->rec_len;
  out->bytes_total = pf__source_disk_size(r->src);
  out->progress_done = pf__source_disk_pos(r->src);
  out->rows_rejected = r->bad_total;
}

static size_t dbf_warnings(void *state, const char *const **out) {
  pf__dbf_reader *r = state;
  *out = (const char *const *)r->notes;
  return r->n_notes;
}

const pf__reader_ops pf__dbf_reader_ops = {
    .name = "dbf",
    .description = "dBase III-7, FoxPro, Visual FoxPro tables: memos, code pages, deleted records",
    .extensions_note = "(+ .dbt .fpt memo files)",
    .extensions = ".dbf",
    .sniff = pf__dbf_sniff,
    .open = dbf_open,
    .schema = dbf_schema,
    .next = dbf_next,
    .rewind = dbf_rewind,
    .info = dbf_info,
    .stats = dbf_stats,
    .close = dbf_close,
    .warnings = dbf_warnings,
};

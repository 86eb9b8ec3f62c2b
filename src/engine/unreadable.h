/* unreadable.h - inputs PyForge recognises but does not read, and output
 * formats it knows of but does not write.
 *
 * The registry reads an input's first bytes when its name does not say
 * which reader to use. Plain text that no other reader claims is taken as
 * delimited text (CSV); everything else must not be: a PDF, an Access
 * database, an image, a ZIP archive that is no workbook, JSON, or any
 * binary data would come out as a table of garbage lines. These functions
 * say what such an input is and what to do instead.
 */
#ifndef PF_ENGINE_UNREADABLE_H
#define PF_ENGINE_UNREADABLE_H

#include <stddef.h>
#include <stdint.h>

#include "core/opts.h"
#include "engine/registry.h"

/* Called when the sniffed content would fall back to CSV (or fits no
 * reader): path is the input's name (its extension counts: report.pdf),
 * head its first n decompressed bytes, readers[0..n_readers) the registry's
 * readers (a plugin's input is "not installed" only when no reader of that
 * plugin is there), known the list of input formats for the message. PF_OK when the input may be read as delimited text;
 * otherwise PF_EFORMAT with a message naming what the input is (a PDF
 * document: support not installed; binary data; JSON; ...) and how to
 * choose a format (input.format). */
pf_status pf__unreadable_input(const char *path, const uint8_t *head, size_t n,
                               const pf__format *readers, size_t n_readers, const char *known,
                               pf_error *err);

/* The error for output.format=txt when no writer of that name is installed
 * (the original PyForge CLI's text output of PDF documents): PF_EINVAL
 * naming what txt is for and what the input (input_format: its reader's
 * name) converts to. */
pf_status pf__unreadable_txt_output(const char *input_format, pf_error *err);

#endif

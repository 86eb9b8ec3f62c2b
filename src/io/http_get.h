/* http_get.h - fetching one URL for a sample bundle (samples_bundle.c), the
 * only network access libpyforge makes, and only when a caller asks for a
 * bundle URL.
 *
 * http:// is spoken here (HTTP/1.1 GET, Connection: close; Content-Length,
 * chunked or read-to-close bodies; up to 5 redirects to http:// URLs), so
 * the library gains no link-time dependency. https:// goes through libcurl
 * loaded at run time (dlopen "libcurl.so.4"); without it the call says to
 * install libcurl or to download the bundle and install it from a
 * directory. A body shorter than its Content-Length is an error
 * (truncated), as is any status but 200. */
#ifndef PF_IO_HTTP_GET_H
#define PF_IO_HTTP_GET_H

#include <stddef.h>

#include "core/error.h"
#include "pyforge/pyforge.h"

/* Receives the body in pieces; a status other than PF_OK stops the
 * transfer and is returned (with err as the callback filled it). */
typedef pf_status (*pf__http_body_fn)(void *user, const void *p, size_t n, pf_error *err);

/* GETs url, passing its body to fn. cancel (may be NULL) is checked at
 * least once a second. */
pf_status pf__http_get(const char *url, pf__http_body_fn fn, void *user, pf_cancel *cancel,
                       pf_error *err);

#endif

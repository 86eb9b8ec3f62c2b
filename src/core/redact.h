/* redact.h - keeping credentials out of everything PyForge prints.
 *
 * Error messages, log messages and `pyforge env` pass their text through
 * pf__redact(), which masks what looks like a credential:
 *   - the password (or a lone token) in a URL's user information:
 *     https://user:s3cret@host/ -> https://user:***@host/
 *   - the value of credential parameters in query strings, connection
 *     strings and Spark Connect URLs (token=, password=, sig=,
 *     X-Amz-Signature=, AccountKey=, ...; keys compared ignoring case):
 *     sc://host:443/;token=dapi... -> sc://host:443/;token=***
 *   - "Bearer <token>"
 *   - Databricks personal access tokens and OAuth secrets (dapi/dose + hex)
 *     and AWS access key ids (AKIA/ASIA + 16) wherever they appear.
 * Environment variables whose names say they hold a secret (TOKEN, SECRET,
 * PASSWORD, CREDENTIAL, API_KEY, ...) are never shown at all
 * (pf__redact_secret_name). Pure functions; thread-safe.
 */
#ifndef PF_CORE_REDACT_H
#define PF_CORE_REDACT_H

#include <stddef.h>

/* The mask written in place of a secret. */
#define PF__REDACTED "***"

/* Writes in with secrets masked into out (cap bytes, always NUL-terminated
 * when cap > 0; truncated to fit). Returns the number of secrets masked.
 * in and out must not overlap. */
size_t pf__redact(const char *in, char *out, size_t cap);
/* The same into fresh memory (NULL when out of memory or in is NULL). */
char *pf__redact_dup(const char *in);
/* 1 when an environment variable of this name holds a secret by its name
 * (DATABRICKS_TOKEN, DATABRICKS_CLIENT_SECRET, AWS_SECRET_ACCESS_KEY, ...). */
int pf__redact_secret_name(const char *name);

#endif

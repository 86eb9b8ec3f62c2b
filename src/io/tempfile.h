/* tempfile.h - temporary files that no other local user can predict, pre-
 * create, read or redirect, and that a killed conversion does not leave
 * behind for ever.
 *
 * Two kinds:
 *   anonymous  in the local temp directory (the call's settings: $TMPDIR,
 *              else /tmp): a file
 *              with no name at all (O_TMPFILE), or, where the file system
 *              cannot do that, one created in a fresh private directory
 *              (mkdtemp, mode 0700) and unlinked at once with its
 *              directory. Nothing can be left behind, even by SIGKILL.
 *   beside     next to an output, where rename(2) can put it in place:
 *              ".<name>.pyforge-tmp-<12 random characters>", created with
 *              O_EXCL|O_NOFOLLOW (never through a planted symlink), mode
 *              0600, and held under an exclusive flock(2) while its
 *              process lives. A later conversion to the same target takes
 *              the lock of each such file it finds; getting it proves the
 *              writer is gone (the kernel drops a dead process's locks), so
 *              the file is removed, and the log says so.
 * Random names come from getrandom(2).
 */
#ifndef PF_IO_TEMPFILE_H
#define PF_IO_TEMPFILE_H

#include <stddef.h>
#include <sys/types.h>

#include "core/error.h"
#include "core/log.h"

/* An anonymous temporary file in dir (the call's settings: $TMPDIR, else
 * /tmp; NULL means /tmp) open for reading and writing; what names the
 * purpose in errors ("the input stream"). */
pf_status pf__temp_anon(const char *dir, const char *what, int *fd, pf_error *err);
/* Creates and locks a temporary beside target; *path (malloc'd) is its
 * name. On failure *errno_out holds the errno (0 for out of memory) and
 * err is untouched, so the caller explains it for its target. */
pf_status pf__temp_beside(const char *target, int *fd, char **path, int *errno_out);
/* Removes the abandoned temporaries of target (or, with target naming a
 * directory and any_name set, every abandoned PyForge temporary directly
 * in it); logs each at info level. Returns how many were removed. */
size_t pf__temp_sweep(const char *target, int any_name, const pf__log *log);
/* Fills out[0..n-1] with random letters and digits and NUL-terminates it
 * (out holds n + 1 bytes). */
void pf__temp_random(char *out, size_t n);
/* The permissions a new file gets from the process umask (0666 & ~umask),
 * read without changing the umask where /proc allows. */
mode_t pf__umask_mode(void);

#endif

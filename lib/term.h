/*
 * How a tool ends when it is told to. On SIGTERM,
 * SIGINT or SIGHUP (GNU parallel stops the other jobs of a failed run with SIGTERM) a
 * tool removes the temporary files it is writing, stops the child process it waits for
 * (tp-context's sort(1)) and dies by the same signal, so that no file with a temporary
 * name stays behind and no child runs on. SIGKILL cannot be caught: tp-run --resume
 * removes what it leaves.
 */
#ifndef TP_TERM_H
#define TP_TERM_H

#include <sys/types.h>

/*
 * Remove name (kept by pointer, not copied) if the tool is stopped by a signal while it
 * is registered. At most 64 names at a time: a name past that is not removed on a signal.
 */
void tp_term_add_file(char *name);
void tp_term_remove_file(const char *name);

/* Send SIGTERM to pid (0: none) if the tool is stopped by a signal. */
void tp_term_set_child(pid_t pid);

#endif

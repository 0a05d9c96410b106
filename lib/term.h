/*
 * How a tool ends when it is told to, or when the run it belongs to is gone. On SIGTERM,
 * SIGINT or SIGHUP (GNU parallel stops the other jobs of a failed run with SIGTERM) a
 * tool removes the temporary files it is writing, stops the child process it waits for
 * (tp-context's sort(1)) and dies by the same signal, so that no file with a temporary
 * name stays behind and no child runs on. SIGKILL cannot be caught: tp-run --resume
 * removes what it leaves.
 *
 * The watchdog: GNU parallel starts each job in its own process group, so a SIGKILL of
 * tp-run (or of its process group) does not reach the jobs. tp-run exports
 * TP_WATCH_PID=<its pid>; a tool started with it checks at start and then every 200 ms
 * (an interval timer, SIGALRM with SA_RESTART) that the process still exists, and when
 * it is gone ends exactly as on SIGTERM. The check is kill(pid, 0): a process that
 * exists but belongs to another user (EPERM) counts as alive.
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

/*
 * Start the watchdog when TP_WATCH_PID is set. Returns 0 (also when it is unset), or -1
 * with "TP_WATCH_PID: not a process id: 'VALUE'" recorded when it is not a positive
 * decimal number below 2^31 (a usage error: exit 2). When the process is already gone
 * the tool dies by SIGTERM before this returns.
 */
int tp_watch_start(void);

#endif

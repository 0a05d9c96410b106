/*
 * The quarantine file of bad rows (--on-bad-row quarantine): a CSV with the header
 * "file,line,column,reason,record", one line per bad row, where record is the row's
 * fields as read, joined into one CSV line. The file is created at the first bad row
 * (no empty files) under a temporary name and renamed when the tool finishes.
 */
#ifndef TP_REJECTS_H
#define TP_REJECTS_H

#include "reader.h"

typedef struct tp_rejects tp_rejects;

/* A quarantine for rows of input file (named in each line), written to path on demand. */
tp_rejects *tp_rejects_new(const char *path, const char *input);

/* Add one bad row. 0, or -1 with an error recorded (the file could not be written). */
int tp_rejects_add(tp_rejects *q, const tp_bad *b);

/* Finish: commit the file if any row was added. Frees q. 0 or -1 with an error recorded. */
int tp_rejects_close(tp_rejects *q);

/* Remove the temporary file, if any. Frees q; NULL is ignored. */
void tp_rejects_abort(tp_rejects *q);

/*
 * Shared option handling of --on-bad-row and --rejects for the tools: policy_name
 * (NULL = "fail") to *policy; a quarantine needs a rejects path. Returns 0, or -1 with
 * a usage message recorded.
 */
int tp_bad_options(const char *policy_name, const char *rejects, int *policy);

#endif

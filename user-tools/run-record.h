/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `minivmx run --record FILE`: the vCPU's exit-record ring, drained into
 * a trace file (trace-file.h) each time MINIVMX_RUN returns.  cmd-run.c
 * calls run_record_drain() after each MINIVMX_RUN and
 * run_record_finish() when the run ended.
 */
#ifndef MINIVMX_RUN_RECORD_H
#define MINIVMX_RUN_RECORD_H

#include <stdbool.h>
#include <linux/minivmx.h>

#include "trace-file.h"

/**
 * struct run_record_opts - what the command line asked for
 * @path: --record: the trace file; NULL: no recording
 * @entries: --ring-entries: the ring's size; 0: the largest the module
 *	allows, up to MINIVMX_MAX_RING_ENTRIES
 */
struct run_record_opts {
	const char *path;
	__u32 entries;
};

/**
 * struct run_record - a recording in progress
 * @o: the options
 * @ring: the ring's mapping, or NULL
 * @rec: its records
 * @entries: its size
 * @tail: records read (or lost) so far; the ring's tail
 * @lost: records overwritten before they were read
 * @w: the trace file
 * @failed: writing the file failed (said once); recording stopped
 */
struct run_record {
	const struct run_record_opts *o;
	struct minivmx_exit_ring *ring;
	struct minivmx_exit_record *rec;
	__u32 entries;
	__u64 tail;
	__u64 lost;
	struct trace_writer w;
	bool failed;
};

int run_record_parse_entries(struct run_record_opts *o, const char *arg);
int run_record_setup(struct run_record *r, const struct run_record_opts *o,
		     int dev_fd, int vcpu_fd);
void run_record_drain(struct run_record *r, bool all);
int run_record_finish(struct run_record *r);
void run_record_destroy(struct run_record *r);

#endif /* MINIVMX_RUN_RECORD_H */

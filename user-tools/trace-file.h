/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The file `minivmx run --record FILE` writes and `minivmx trace FILE`
 * reads: the exit-record ring's records, as the kernel wrote them, after
 * a small header.  Pure functions (no device), for the tool and the host
 * tests.
 *
 * The format, version 1, in the host's byte order (little-endian x86):
 *
 *	offset  size  field
 *	     0     8  magic: "MVXTRACE" (no NUL)
 *	     8     4  version: 1
 *	    12     4  header_size: where the records start (64)
 *	    16     4  record_size: bytes per record (72, the size of struct
 *	              minivmx_exit_record; a reader takes the first 72
 *	              bytes of larger records)
 *	    20     4  flags: TRACE_COMPLETE once the run ended and the
 *	              counts below are final
 *	    24     8  tsc_hz: the TSC's rate in Hz, 0 if unknown
 *	    32     8  nr_records: records that follow (with TRACE_COMPLETE)
 *	    40     8  overruns: records the ring lost before the tool read
 *	              them (with TRACE_COMPLETE)
 *	    48     4  ring_entries: the ring's size
 *	    52    12  reserved, 0
 *	    64        the records, struct minivmx_exit_record, in order of
 *	              their sequence numbers, a gap where the ring overran
 *
 * The tool writes the records after each MINIVMX_RUN and the header's
 * counts at the end: a file whose writer was killed has no
 * TRACE_COMPLETE, and a reader takes as many records as it holds.
 */
#ifndef MINIVMX_TRACE_FILE_H
#define MINIVMX_TRACE_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <linux/minivmx.h>

#define TRACE_MAGIC		"MVXTRACE"
#define TRACE_VERSION		1
#define TRACE_COMPLETE		0x1	/* flags: the counts are final */

/**
 * struct trace_header - the first 64 bytes of a trace file (above)
 * @magic: TRACE_MAGIC
 * @version: TRACE_VERSION
 * @header_size: sizeof(struct trace_header)
 * @record_size: sizeof(struct minivmx_exit_record)
 * @flags: TRACE_COMPLETE or 0
 * @tsc_hz: the TSC's rate, 0 if unknown
 * @nr_records: records in the file
 * @overruns: records lost
 * @ring_entries: the ring's size
 * @reserved: 0
 */
struct trace_header {
	char magic[8];
	__u32 version;
	__u32 header_size;
	__u32 record_size;
	__u32 flags;
	__u64 tsc_hz;
	__u64 nr_records;
	__u64 overruns;
	__u32 ring_entries;
	__u32 reserved[3];
};

/**
 * struct trace_writer - a trace file being written
 * @f: the file
 * @hdr: its header, as it will be written at the end
 */
struct trace_writer {
	FILE *f;
	struct trace_header hdr;
};

int trace_create(struct trace_writer *w, const char *path, __u32 entries,
		 __u64 tsc_hz);
int trace_append(struct trace_writer *w,
		 const struct minivmx_exit_record *rec, size_t nr);
int trace_finish(struct trace_writer *w, __u64 overruns);

/**
 * struct trace - a trace file as read
 * @hdr: its header
 * @complete: the writer finished it (TRACE_COMPLETE)
 * @rec: the records
 * @nr: how many
 */
struct trace {
	struct trace_header hdr;
	bool complete;
	struct minivmx_exit_record *rec;
	size_t nr;
};

int trace_read(const char *path, struct trace *t, char *why, size_t len);
void trace_free(struct trace *t);

/* Where an exit was handled, as the statistics split them. */
#define TRACE_KERNEL	MINIVMX_RING_KERNEL
#define TRACE_USER	MINIVMX_RING_USER
#define TRACE_ALL	2		/* both, in the totals */

/**
 * struct trace_group - the exits of one reason handled in one place
 * @reason: the exit reason in full (bit 31: VM entry failed); in the
 *	totals, ~0U
 * @where: TRACE_KERNEL, TRACE_USER, or TRACE_ALL in the totals
 * @count: records
 * @timed: records whose guest was entered again (tsc_entry set): the
 *	figures below are theirs
 * @min: fewest host cycles (tsc_entry - tsc_exit)
 * @median: the middle value; the mean of the two middle ones, rounded
 *	down, for an even @timed
 * @mean: @sum / @timed, rounded down
 * @max: most host cycles
 * @sum: all the cycles
 */
struct trace_group {
	__u32 reason;
	__u32 where;
	__u64 count;
	__u64 timed;
	__u64 min;
	__u64 median;
	__u64 mean;
	__u64 max;
	__u64 sum;
};

/**
 * struct trace_stats - what `minivmx trace` sums up
 * @groups: one per reason and place, by reason, kernel before userspace
 * @nr_groups: entries in @groups
 * @total: all records handled in the kernel, in userspace, and both
 *	(indexed by TRACE_KERNEL, TRACE_USER, TRACE_ALL)
 * @missing: records the sequence numbers skip (lost where the ring
 *	overran, or before the first record)
 * @untimed: records without a re-entry
 */
struct trace_stats {
	struct trace_group *groups;
	size_t nr_groups;
	struct trace_group total[3];
	__u64 missing;
	__u64 untimed;
};

bool trace_cycles(const struct minivmx_exit_record *rec, __u64 *cycles);
size_t trace_describe(char *buf, size_t len,
		      const struct minivmx_exit_record *rec);
int trace_stats(const struct minivmx_exit_record *rec, size_t nr,
		struct trace_stats *s);
void trace_stats_free(struct trace_stats *s);
__u64 trace_tsc_hz(void);

/**
 * struct trace_diff - where trace_diff() found two runs part
 * @a: index of the first differing record of the first run
 * @b: index of the first differing record of the second
 * @matched: the guest's exits that were the same before them
 */
struct trace_diff {
	size_t a, b;
	__u64 matched;
};

bool trace_diff(const struct minivmx_exit_record *a, size_t na,
		const struct minivmx_exit_record *b, size_t nb,
		struct trace_diff *d);

#endif /* MINIVMX_TRACE_FILE_H */

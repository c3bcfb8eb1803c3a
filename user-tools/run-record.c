// SPDX-License-Identifier: GPL-2.0-only
/*
 * minivmx run --record FILE: turn the vCPU's exit-record ring on
 * (MINIVMX_SET_EXIT_RING), and each time MINIVMX_RUN returns copy the new
 * records from the ring's tail to its head into FILE.
 *
 * The newest record waits for the next drain: its tsc_entry is written
 * when the guest is entered again, so an exit that came to userspace gets
 * its cycles (the tool's included) one MINIVMX_RUN later.  The kernel
 * never waits for the tool: a ring that filled up between two drains
 * overwrote its oldest records, which are counted from the sequence
 * numbers and left out.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "libminivmx.h"
#include "run-record.h"

/**
 * run_record_parse_entries() - --ring-entries N
 * @o: the options
 * @arg: N
 *
 * Return: -1 to go on, else the exit code to return at once.
 */
int run_record_parse_entries(struct run_record_opts *o, const char *arg)
{
	unsigned long n;
	char *end;

	errno = 0;
	n = strtoul(arg, &end, 0);
	if (*end || errno || arg[0] == '-' || !n || (n & (n - 1)) ||
	    n > MINIVMX_MAX_RING_ENTRIES)
		return usage_error("run",
				   "--ring-entries '%s': expected a power of 2 from 1 to %d",
				   arg, MINIVMX_MAX_RING_ENTRIES);
	o->entries = n;
	return -1;
}

/* The ring's size: what was asked for, within what the module allows. */
static int ring_entries(const struct run_record_opts *o, int dev_fd,
			__u32 *entries)
{
	int ret, max;

	ret = minivmx_check_cap(dev_fd, MINIVMX_CAP_EXIT_RING, &max);
	if (ret) {
		pr_err("MINIVMX_CHECK_CAP: %s", strerror(-ret));
		return MV_EXIT_FAIL;
	}
	if (max <= 0) {
		pr_err("%s: the loaded module cannot record exits (no MINIVMX_CAP_EXIT_RING)",
		       minivmx_device_path());
		return MV_EXIT_FAIL;
	}
	if (o->entries > (__u32)max) {
		pr_err("--ring-entries %u: the loaded module's rings hold at most %d records",
		       o->entries, max);
		return MV_EXIT_FAIL;
	}
	*entries = o->entries ? o->entries :
		   (__u32)(max < MINIVMX_MAX_RING_ENTRIES ?
			   max : MINIVMX_MAX_RING_ENTRIES);
	return MV_EXIT_OK;
}

/**
 * run_record_setup() - turn the ring on and create the trace file
 * @r: the recording; zeroed by the caller, run_record_destroy() it
 * @o: the options, with a path
 * @dev_fd: /dev/minivmx
 * @vcpu_fd: the vCPU, not run yet
 *
 * Return: MV_EXIT_OK, or an exit code after saying what failed.
 */
int run_record_setup(struct run_record *r, const struct run_record_opts *o,
		     int dev_fd, int vcpu_fd)
{
	int ret;

	r->o = o;
	ret = ring_entries(o, dev_fd, &r->entries);
	if (ret)
		return ret;
	ret = minivmx_set_exit_ring(vcpu_fd, r->entries, &r->ring);
	if (ret) {
		pr_err("MINIVMX_SET_EXIT_RING (%u entries): %s", r->entries,
		       strerror(-ret));
		return MV_EXIT_FAIL;
	}
	if (r->ring->entries != r->entries ||
	    r->ring->record_size != sizeof(*r->rec)) {
		pr_err("the module's ring has %u entries of %u bytes; this tool asked for %u of %zu",
		       r->ring->entries, r->ring->record_size, r->entries,
		       sizeof(*r->rec));
		return MV_EXIT_FAIL;
	}
	r->rec = (void *)((char *)r->ring + MINIVMX_RING_RECORDS);
	r->tail = r->ring->head;
	ret = trace_create(&r->w, o->path, r->entries, trace_tsc_hz());
	if (ret) {
		pr_err("--record %s: %s", o->path, strerror(-ret));
		return MV_EXIT_FAIL;
	}
	return MV_EXIT_OK;
}

static void write_failed(struct run_record *r, int err)
{
	pr_err("--record %s: cannot write: %s; recording stopped",
	       r->o->path, strerror(-err));
	r->failed = true;
}

/**
 * run_record_drain() - copy the new records into the trace file
 * @r: the recording
 * @all: the newest one too (the run is over); else it waits for its
 *	tsc_entry
 *
 * Call it after each MINIVMX_RUN, whatever it returned.
 */
void run_record_drain(struct run_record *r, bool all)
{
	__u64 head = __atomic_load_n(&r->ring->head, __ATOMIC_ACQUIRE);
	__u64 end = all || !head ? head : head - 1;
	__u64 from = r->tail;
	__u32 idx, n;
	int ret;

	if (r->failed || end <= from)
		return;
	/* Below head - entries the ring has written over them. */
	if (head > r->entries && head - r->entries > from) {
		r->lost += head - r->entries - from;
		from = head - r->entries;
	}
	while (from < end) {
		idx = from & (r->entries - 1);
		n = end - from < r->entries - idx ? end - from :
						    r->entries - idx;
		ret = trace_append(&r->w, &r->rec[idx], n);
		if (ret) {
			write_failed(r, ret);
			return;
		}
		from += n;
	}
	r->tail = end;
	__atomic_store_n(&r->ring->tail, end, __ATOMIC_RELEASE);
}

/**
 * run_record_finish() - the last records, the file's counts, one line
 * @r: the recording
 *
 * Return: MV_EXIT_OK, or MV_EXIT_FAIL if the file could not be written.
 */
int run_record_finish(struct run_record *r)
{
	__u64 nr;
	int ret;

	run_record_drain(r, true);
	nr = r->w.hdr.nr_records;
	if (!r->failed) {
		ret = trace_finish(&r->w, r->lost);
		if (ret)
			write_failed(r, ret);
	}
	if (r->failed)
		return MV_EXIT_FAIL;
	fprintf(stderr, "minivmx: recorded %llu exits in %s",
		(unsigned long long)nr, r->o->path);
	if (r->lost)
		fprintf(stderr,
			"; %llu lost: the ring of %u entries overran (see --ring-entries)",
			(unsigned long long)r->lost, r->entries);
	fputc('\n', stderr);
	return MV_EXIT_OK;
}

/**
 * run_record_destroy() - close and unmap what is left
 * @r: the recording, set up or not
 */
void run_record_destroy(struct run_record *r)
{
	if (r->w.f)
		fclose(r->w.f);
	r->w.f = NULL;
	minivmx_unmap_exit_ring(r->ring, r->entries);
	r->ring = NULL;
}

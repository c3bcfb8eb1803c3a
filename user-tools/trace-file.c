// SPDX-License-Identifier: GPL-2.0-only
/*
 * Trace files (trace-file.h): writing the exit-record ring's records as
 * `minivmx run --record` drains them, reading them back, and the
 * per-reason latency figures `minivmx trace` prints.
 */
#include <assert.h>
#include <cpuid.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "exit-decode.h"
#include "trace-file.h"
#include "util.h"

static_assert(sizeof(struct trace_header) == 64, "trace header layout");
static_assert(sizeof(struct minivmx_exit_record) == 72,
	      "the records trace files hold");

static int write_header(struct trace_writer *w)
{
	errno = 0;
	if (fseek(w->f, 0, SEEK_SET) ||
	    fwrite(&w->hdr, sizeof(w->hdr), 1, w->f) != 1 ||
	    fseek(w->f, 0, SEEK_END))
		return errno ? -errno : -EIO;
	return 0;
}

/**
 * trace_create() - start a trace file
 * @w: the writer
 * @path: the file, created or truncated
 * @entries: the ring's size
 * @tsc_hz: the TSC's rate, 0 if unknown
 *
 * Return: 0, or a negative errno.
 */
int trace_create(struct trace_writer *w, const char *path, __u32 entries,
		 __u64 tsc_hz)
{
	int ret;

	memset(w, 0, sizeof(*w));
	memcpy(w->hdr.magic, TRACE_MAGIC, sizeof(w->hdr.magic));
	w->hdr.version = TRACE_VERSION;
	w->hdr.header_size = sizeof(w->hdr);
	w->hdr.record_size = sizeof(struct minivmx_exit_record);
	w->hdr.tsc_hz = tsc_hz;
	w->hdr.ring_entries = entries;
	w->f = fopen(path, "wbe");
	if (!w->f)
		return -errno;
	ret = write_header(w);
	if (!ret && fflush(w->f))
		ret = -errno;
	if (ret) {
		fclose(w->f);
		w->f = NULL;
	}
	return ret;
}

/**
 * trace_append() - add records to a trace file
 * @w: the writer
 * @rec: the records
 * @nr: how many
 *
 * The records reach the file before this returns (fflush()): a tool that
 * is killed later leaves them behind.
 *
 * Return: 0, or a negative errno.
 */
int trace_append(struct trace_writer *w,
		 const struct minivmx_exit_record *rec, size_t nr)
{
	errno = 0;
	if (nr && fwrite(rec, sizeof(*rec), nr, w->f) != nr)
		return errno ? -errno : -EIO;
	if (fflush(w->f))
		return -errno;
	w->hdr.nr_records += nr;
	return 0;
}

/**
 * trace_finish() - write the final counts and close the file
 * @w: the writer
 * @overruns: records the ring lost
 *
 * Return: 0, or a negative errno.
 */
int trace_finish(struct trace_writer *w, __u64 overruns)
{
	int ret;

	if (!w->f)
		return -EBADF;
	w->hdr.flags |= TRACE_COMPLETE;
	w->hdr.overruns = overruns;
	ret = write_header(w);
	if (fclose(w->f) && !ret)
		ret = -errno;
	w->f = NULL;
	return ret;
}

static int check_header(const struct trace_header *h, char *why, size_t len)
{
	if (memcmp(h->magic, TRACE_MAGIC, sizeof(h->magic))) {
		snprintf(why, len, "not a minivmx trace file (no %s magic)",
			 TRACE_MAGIC);
		return -EINVAL;
	}
	if (h->version != TRACE_VERSION) {
		snprintf(why, len,
			 "trace file version %u; this tool reads version %u",
			 h->version, TRACE_VERSION);
		return -EINVAL;
	}
	if (h->header_size < sizeof(*h) ||
	    h->record_size < sizeof(struct minivmx_exit_record)) {
		snprintf(why, len,
			 "bad header: header size %u (at least %zu), record size %u (at least %zu)",
			 h->header_size, sizeof(*h), h->record_size,
			 sizeof(struct minivmx_exit_record));
		return -EINVAL;
	}
	return 0;
}

/* @t->nr records of @t->hdr.record_size bytes, from the current offset. */
static int read_records(FILE *f, struct trace *t)
{
	size_t skip = t->hdr.record_size - sizeof(*t->rec);
	size_t i;

	t->rec = calloc(t->nr ? t->nr : 1, sizeof(*t->rec));
	if (!t->rec)
		return -ENOMEM;
	if (!skip)
		return fread(t->rec, sizeof(*t->rec), t->nr, f) == t->nr ?
		       0 : -EIO;
	for (i = 0; i < t->nr; i++)
		if (fread(&t->rec[i], sizeof(*t->rec), 1, f) != 1 ||
		    fseek(f, skip, SEEK_CUR))
			return -EIO;
	return 0;
}

/**
 * trace_read() - read a whole trace file
 * @path: the file
 * @t: filled; trace_free() it
 * @why: what is wrong with the file, when it is not a trace file (not
 *	for a system call's failure: the errno says that)
 * @len: size of @why
 *
 * Return: 0; -EINVAL with @why for a file in another format or cut
 * short; another negative errno when it cannot be read.
 */
int trace_read(const char *path, struct trace *t, char *why, size_t len)
{
	FILE *f = fopen(path, "rbe");
	struct stat st;
	__u64 held;
	int ret;

	memset(t, 0, sizeof(*t));
	if (len)
		why[0] = 0;
	if (!f)
		return -errno;
	if (fstat(fileno(f), &st)) {
		ret = -errno;
		goto out;
	}
	if (fread(&t->hdr, sizeof(t->hdr), 1, f) != 1) {
		snprintf(why, len, "not a minivmx trace file (%lld bytes)",
			 (long long)st.st_size);
		ret = -EINVAL;
		goto out;
	}
	ret = check_header(&t->hdr, why, len);
	if (ret)
		goto out;
	held = st.st_size > t->hdr.header_size ?
	       (st.st_size - t->hdr.header_size) / t->hdr.record_size : 0;
	t->complete = t->hdr.flags & TRACE_COMPLETE;
	t->nr = held;
	if (t->complete) {
		if (t->hdr.nr_records > held) {
			snprintf(why, len,
				 "cut short: the header says %llu records, the file holds %llu",
				 (unsigned long long)t->hdr.nr_records,
				 (unsigned long long)held);
			ret = -EINVAL;
			goto out;
		}
		t->nr = t->hdr.nr_records;
	}
	if (fseek(f, t->hdr.header_size, SEEK_SET))
		ret = -errno;
	else
		ret = read_records(f, t);
out:
	fclose(f);
	if (ret)
		trace_free(t);
	return ret;
}

void trace_free(struct trace *t)
{
	free(t->rec);
	t->rec = NULL;
	t->nr = 0;
}

/**
 * trace_cycles() - what the host spent on an exit
 * @rec: the record
 * @cycles: out: tsc_entry - tsc_exit
 *
 * Return: false if the guest was not entered again after it (the run
 * ended there) or the TSC values make no sense.
 */
bool trace_cycles(const struct minivmx_exit_record *rec, __u64 *cycles)
{
	if (!rec->tsc_entry || rec->tsc_entry < rec->tsc_exit)
		return false;
	*cycles = rec->tsc_entry - rec->tsc_exit;
	return true;
}

/**
 * trace_describe() - a record's exit in words (exit_describe())
 * @buf: where the words go
 * @len: size of @buf
 * @rec: the record
 *
 * A record has no registers: CPUID and RDMSR are named without their
 * operands.
 *
 * Return: the length of the whole text, as snprintf().
 */
size_t trace_describe(char *buf, size_t len,
		      const struct minivmx_exit_record *rec)
{
	struct exit_info e = {
		.reason = rec->reason & 0xffff,
		.qual = rec->qualification,
		.gpa = rec->gpa,
		.gla = rec->gla,
		.has_gla = true,	/* the ring keeps it when bit 7 says so */
		.intr_info = rec->intr_info,
		.idt_vectoring_info = rec->idt_vectoring_info,
		.insn_len = rec->insn_len,
	};

	return exit_describe(buf, len, &e);
}

/* One record as the statistics sort it. */
struct item {
	__u32 reason;
	__u32 where;
	bool timed;
	__u64 cycles;
};

static int cmp_u64(__u64 a, __u64 b)
{
	return a < b ? -1 : a > b;
}

/* Timed before untimed, then by cycles: the figures come from the front. */
static int cmp_cycles(const struct item *a, const struct item *b)
{
	if (a->timed != b->timed)
		return a->timed ? -1 : 1;
	return cmp_u64(a->cycles, b->cycles);
}

static int cmp_group(const void *pa, const void *pb)
{
	const struct item *a = pa, *b = pb;

	if (a->reason != b->reason)
		return cmp_u64(a->reason, b->reason);
	if (a->where != b->where)
		return cmp_u64(a->where, b->where);
	return cmp_cycles(a, b);
}

static int cmp_where(const void *pa, const void *pb)
{
	const struct item *a = pa, *b = pb;

	if (a->where != b->where)
		return cmp_u64(a->where, b->where);
	return cmp_cycles(a, b);
}

static int cmp_all(const void *pa, const void *pb)
{
	return cmp_cycles(pa, pb);
}

/* The figures of @n items, sorted by cmp_cycles(). */
static void fill_group(struct trace_group *g, const struct item *it, size_t n)
{
	size_t i;

	g->count = n;
	g->timed = 0;
	g->sum = 0;
	for (i = 0; i < n && it[i].timed; i++) {
		g->timed++;
		g->sum += it[i].cycles;
	}
	if (!g->timed)
		return;
	g->min = it[0].cycles;
	g->max = it[g->timed - 1].cycles;
	g->mean = g->sum / g->timed;
	if (g->timed % 2)
		g->median = it[g->timed / 2].cycles;
	else
		g->median = it[g->timed / 2 - 1].cycles +
			    (it[g->timed / 2].cycles -
			     it[g->timed / 2 - 1].cycles) / 2;
}

/* Items of the same reason and place, one group each. */
static int fill_groups(struct trace_stats *s, const struct item *it, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && it[j].reason == it[i].reason &&
		     it[j].where == it[i].where; j++)
			;
		s->nr_groups++;
	}
	s->groups = calloc(s->nr_groups ? s->nr_groups : 1,
			   sizeof(*s->groups));
	if (!s->groups)
		return -ENOMEM;
	s->nr_groups = 0;
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && it[j].reason == it[i].reason &&
		     it[j].where == it[i].where; j++)
			;
		s->groups[s->nr_groups].reason = it[i].reason;
		s->groups[s->nr_groups].where = it[i].where;
		fill_group(&s->groups[s->nr_groups++], &it[i], j - i);
	}
	return 0;
}

/**
 * trace_stats() - per-reason latency figures
 * @rec: records, in the order of their sequence numbers
 * @nr: how many
 * @s: filled; trace_stats_free() it
 *
 * Return: 0, or -ENOMEM.
 */
int trace_stats(const struct minivmx_exit_record *rec, size_t nr,
		struct trace_stats *s)
{
	struct item *it = calloc(nr ? nr : 1, sizeof(*it));
	__u64 next = 0;
	size_t i, k;
	int ret;

	memset(s, 0, sizeof(*s));
	if (!it)
		return -ENOMEM;
	for (i = 0; i < nr; i++) {
		it[i].reason = rec[i].reason;
		it[i].where = rec[i].where ? TRACE_USER : TRACE_KERNEL;
		it[i].timed = trace_cycles(&rec[i], &it[i].cycles);
		s->untimed += !it[i].timed;
		if (rec[i].seq > next)
			s->missing += rec[i].seq - next;
		next = rec[i].seq + 1;
	}
	qsort(it, nr, sizeof(*it), cmp_group);
	ret = fill_groups(s, it, nr);
	if (ret)
		goto out;
	qsort(it, nr, sizeof(*it), cmp_where);
	for (k = 0; k < nr && it[k].where == TRACE_KERNEL; k++)
		;
	fill_group(&s->total[TRACE_KERNEL], it, k);
	fill_group(&s->total[TRACE_USER], it + k, nr - k);
	qsort(it, nr, sizeof(*it), cmp_all);
	fill_group(&s->total[TRACE_ALL], it, nr);
	for (k = 0; k < ARRAY_SIZE(s->total); k++) {
		s->total[k].reason = ~0U;
		s->total[k].where = k;
	}
out:
	free(it);
	return ret;
}

void trace_stats_free(struct trace_stats *s)
{
	free(s->groups);
	s->groups = NULL;
	s->nr_groups = 0;
}

/**
 * trace_tsc_hz() - the TSC's rate, where the CPU says it
 *
 * CPUID leaf 0x15 (SDM Vol. 2A, CPUID): the TSC runs at the core crystal
 * clock's rate (ECX, in Hz) times EBX / EAX.  A CPU that leaves any of
 * them 0 does not say.
 *
 * Return: Hz, or 0 if unknown.
 */
__u64 trace_tsc_hz(void)
{
	unsigned int eax, ebx, ecx, edx;

	if (__get_cpuid_max(0, NULL) < 0x15)
		return 0;
	__cpuid(0x15, eax, ebx, ecx, edx);
	(void)edx;
	if (!eax || !ebx || !ecx)
		return 0;
	return (__u64)ecx * ebx / eax;
}

/*
 * Exits the guest's instructions caused, which a second run of the same
 * guest with the same handlers repeats: not those of the host's timer and
 * interrupts (external interrupts, NMIs), of the windows and the
 * preemption timer that wait for them, or of the debugger's steps.
 */
static bool synchronous(const struct minivmx_exit_record *rec)
{
	switch (rec->reason) {
	case 0:		/* exception or NMI: an NMI is the host's */
		return (rec->intr_info >> 8 & 7) != 2;
	case 1:		/* external interrupt */
	case 7:		/* interrupt window */
	case 8:		/* NMI window */
	case 37:	/* monitor trap flag */
	case 52:	/* VMX-preemption timer */
		return false;
	default:
		return true;
	}
}

static bool same_exit(const struct minivmx_exit_record *a,
		      const struct minivmx_exit_record *b)
{
	return a->reason == b->reason && a->rip == b->rip &&
	       a->qualification == b->qualification && a->gpa == b->gpa &&
	       a->insn_len == b->insn_len && a->where == b->where &&
	       a->intr_info == b->intr_info;
}

/**
 * trace_diff() - where two runs' exits part
 * @a: the golden run's records
 * @na: how many
 * @b: the run compared with it
 * @nb: how many
 * @d: out: the first records that differ, indices into @a and @b (@na or
 *	@nb where that run had no more), and the exits that matched
 *
 * Compares the exits the guest's instructions caused, in order: reason,
 * RIP, qualification, GPA, instruction length, interruption information
 * and where each was handled.  Exits of interrupts, windows, the
 * preemption timer and single steps, and every host cycle count, are
 * left out: they depend on the host.
 *
 * Return: true when the runs' exits are the same.
 */
bool trace_diff(const struct minivmx_exit_record *a, size_t na,
		const struct minivmx_exit_record *b, size_t nb,
		struct trace_diff *d)
{
	size_t i = 0, j = 0;

	d->matched = 0;
	for (;;) {
		while (i < na && !synchronous(&a[i]))
			i++;
		while (j < nb && !synchronous(&b[j]))
			j++;
		d->a = i;
		d->b = j;
		if (i == na || j == nb)
			return i == na && j == nb;
		if (!same_exit(&a[i], &b[j]))
			return false;
		d->matched++;
		i++;
		j++;
	}
}

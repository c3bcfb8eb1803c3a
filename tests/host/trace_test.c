// SPDX-License-Identifier: GPL-2.0-only
/*
 * The pure logic behind `minivmx run --record` and `minivmx trace`,
 * linked straight from user-tools/trace-file.c: records in words, the
 * per-reason latency figures (worked out here by hand), and the file
 * format: what is written is what is read, byte for byte, and files cut
 * short, unfinished or of another format are told apart.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "trace-file.h"

#define WORDS	256

static const char *words(const struct minivmx_exit_record *rec)
{
	static char buf[WORDS];

	trace_describe(buf, sizeof(buf), rec);
	return buf;
}

TEST(records_in_words)
{
	struct minivmx_exit_record r = {
		.reason = 30, .qualification = (0x3f8 << 16) | 0x40,
	};

	EXPECT_STREQ("OUT 1 byte to port 0x3f8", words(&r));
	r = (struct minivmx_exit_record){ .reason = 10 };
	EXPECT_STREQ("CPUID", words(&r));	/* no registers in a record */
	r = (struct minivmx_exit_record){ .reason = 28, .qualification = 0 };
	EXPECT_STREQ("MOV to CR0 from RAX", words(&r));
	/* write, GLA valid and translated, not present (Table 28-7) */
	r = (struct minivmx_exit_record){
		.reason = 48, .qualification = 0x182, .gpa = 0xd0000000,
		.gla = 0xd0000000,
	};
	EXPECT_STREQ("write to GPA 0xd0000000 from GLA 0xd0000000, page not present",
		     words(&r));
	/* no valid GLA: the ring left it 0 and the words leave it out */
	r.qualification = 0x1;
	r.gla = 0;
	EXPECT_STREQ("read at GPA 0xd0000000, page not present", words(&r));
	r = (struct minivmx_exit_record){ .reason = 1, .intr_info = 0x80000030 };
	EXPECT_STREQ("external interrupt (vector 48)", words(&r));
	/* a #PF that interrupted the delivery of a #GP */
	r = (struct minivmx_exit_record){
		.reason = 0, .intr_info = 0x80000b0e,
		.idt_vectoring_info = 0x80000b0d,
	};
	EXPECT_STREQ("hardware exception #PF (vector 14) with an error code; while delivering hardware exception #GP (vector 13) with an error code",
		     words(&r));
	/* a failed entry: the basic reason's words */
	r = (struct minivmx_exit_record){ .reason = 0x80000021 };
	EXPECT_STREQ("", words(&r));
}

static struct minivmx_exit_record rec(__u64 seq, __u32 reason, __u8 where,
				      __u64 cycles)
{
	struct minivmx_exit_record r = {
		.seq = seq, .reason = reason, .where = where,
		.tsc_exit = 1000000 + seq * 10000,
	};

	r.tsc_entry = cycles ? r.tsc_exit + cycles : 0;
	return r;
}

static const struct trace_group *group(const struct trace_stats *s,
				       __u32 reason, __u32 where)
{
	size_t i;

	for (i = 0; i < s->nr_groups; i++)
		if (s->groups[i].reason == reason && s->groups[i].where == where)
			return &s->groups[i];
	return NULL;
}

struct figures {
	__u64 count, timed, min, median, mean, max;
};

static void expect_group(struct __test_metadata *_metadata,
			 const struct trace_group *g, struct figures want)
{
	ASSERT_NE(NULL, g);
	EXPECT_EQ(want.count, g->count);
	EXPECT_EQ(want.timed, g->timed);
	EXPECT_EQ(want.min, g->min);
	EXPECT_EQ(want.median, g->median);
	EXPECT_EQ(want.mean, g->mean);
	EXPECT_EQ(want.max, g->max);
}

/* EXPECT_GROUP(group, count, timed, min, median, mean, max) */
#define EXPECT_GROUP(g, ...) \
	expect_group(_metadata, g, (struct figures){ __VA_ARGS__ })

TEST(latency_by_reason_and_place)
{
	/* seq 3 and 4 lost; the last exit not entered again */
	struct minivmx_exit_record r[] = {
		rec(0, 10, MINIVMX_RING_KERNEL, 300),
		rec(1, 10, MINIVMX_RING_KERNEL, 100),
		rec(2, 30, MINIVMX_RING_KERNEL, 500),
		rec(5, 10, MINIVMX_RING_KERNEL, 200),
		rec(6, 30, MINIVMX_RING_USER, 9000),
		rec(7, 10, MINIVMX_RING_KERNEL, 401),
		rec(8, 30, MINIVMX_RING_USER, 7000),
		rec(9, 30, MINIVMX_RING_USER, 0),
	};
	struct trace_stats s;

	ASSERT_EQ(0, trace_stats(r, ARRAY_SIZE(r), &s));
	EXPECT_EQ(3U, s.nr_groups);
	EXPECT_EQ(2U, s.missing);
	EXPECT_EQ(1U, s.untimed);
	/* sorted by reason, kernel first */
	EXPECT_EQ(10U, s.groups[0].reason);
	EXPECT_EQ(30U, s.groups[1].reason);
	EXPECT_EQ((__u32)TRACE_KERNEL, s.groups[1].where);
	EXPECT_EQ((__u32)TRACE_USER, s.groups[2].where);
	/* 100 200 300 401: median (200 + 300) / 2, mean 1001 / 4 */
	EXPECT_GROUP(group(&s, 10, TRACE_KERNEL), 4U, 4U, 100U, 250U, 250U,
		     401U);
	EXPECT_GROUP(group(&s, 30, TRACE_KERNEL), 1U, 1U, 500U, 500U, 500U,
		     500U);
	/* three exits, two timed: 7000 9000 */
	EXPECT_GROUP(group(&s, 30, TRACE_USER), 3U, 2U, 7000U, 8000U, 8000U,
		     9000U);
	EXPECT_EQ(NULL, group(&s, 10, TRACE_USER));
	/* kernel: 100 200 300 401 500; userspace: 7000 9000 */
	EXPECT_GROUP(&s.total[TRACE_KERNEL], 5U, 5U, 100U, 300U, 300U, 500U);
	EXPECT_GROUP(&s.total[TRACE_USER], 3U, 2U, 7000U, 8000U, 8000U,
		     9000U);
	/* all seven timed: 100 200 300 401 500 7000 9000 */
	EXPECT_GROUP(&s.total[TRACE_ALL], 8U, 7U, 100U, 401U, 2500U, 9000U);
	EXPECT_EQ(17501U, s.total[TRACE_ALL].sum);
	trace_stats_free(&s);

	/* nothing at all */
	ASSERT_EQ(0, trace_stats(r, 0, &s));
	EXPECT_EQ(0U, s.nr_groups);
	EXPECT_EQ(0U, s.total[TRACE_ALL].count);
	trace_stats_free(&s);
}

/* A guest's exit at @rip, for the diffs. */
static struct minivmx_exit_record at(__u32 reason, __u64 rip, __u8 where)
{
	return (struct minivmx_exit_record){
		.reason = reason, .rip = rip, .where = where,
		.insn_len = reason == 1 ? 0 : 2, .tsc_exit = rip * 7,
	};
}

TEST(diff_leaves_the_hosts_exits_out)
{
	struct minivmx_exit_record golden[] = {
		at(10, 0x100, MINIVMX_RING_USER),
		at(1, 0x102, MINIVMX_RING_KERNEL),	/* a host interrupt */
		at(31, 0x104, MINIVMX_RING_USER),
		at(12, 0x106, MINIVMX_RING_KERNEL),
	};
	struct minivmx_exit_record run[] = {
		at(52, 0x100, MINIVMX_RING_KERNEL),	/* preemption timer */
		at(10, 0x100, MINIVMX_RING_USER),
		at(31, 0x104, MINIVMX_RING_USER),
		at(1, 0x105, MINIVMX_RING_KERNEL),
		at(12, 0x106, MINIVMX_RING_KERNEL),
	};
	struct trace_diff d;

	run[1].tsc_entry = 12345;		/* cycles do not count */
	EXPECT_TRUE(trace_diff(golden, ARRAY_SIZE(golden), run,
			       ARRAY_SIZE(run), &d));
	EXPECT_EQ(3U, d.matched);
	EXPECT_EQ(ARRAY_SIZE(golden), d.a);
	EXPECT_EQ(ARRAY_SIZE(run), d.b);

	/* Handled in the kernel where the golden run had userspace. */
	run[2].where = MINIVMX_RING_KERNEL;
	EXPECT_FALSE(trace_diff(golden, ARRAY_SIZE(golden), run,
				ARRAY_SIZE(run), &d));
	EXPECT_EQ(1U, d.matched);
	EXPECT_EQ(2U, d.a);
	EXPECT_EQ(2U, d.b);
	run[2].where = MINIVMX_RING_USER;

	/* RIP moved wrongly: the next exit is elsewhere. */
	run[4].rip = 0x107;
	EXPECT_FALSE(trace_diff(golden, ARRAY_SIZE(golden), run,
				ARRAY_SIZE(run), &d));
	EXPECT_EQ(2U, d.matched);
	EXPECT_EQ(3U, d.a);
	EXPECT_EQ(4U, d.b);

	/* One run stopped early: the other's next exit against none. */
	EXPECT_FALSE(trace_diff(golden, ARRAY_SIZE(golden), run, 2, &d));
	EXPECT_EQ(1U, d.matched);
	EXPECT_EQ(2U, d.a);
	EXPECT_EQ(2U, d.b);
	EXPECT_TRUE(trace_diff(golden, 0, run, 1, &d));
	EXPECT_EQ(0U, d.matched);
}

TEST(cycles_only_with_a_sane_reentry)
{
	struct minivmx_exit_record r = { .tsc_exit = 500, .tsc_entry = 800 };
	__u64 c = 0;

	EXPECT_TRUE(trace_cycles(&r, &c));
	EXPECT_EQ(300U, c);
	r.tsc_entry = 0;
	EXPECT_FALSE(trace_cycles(&r, &c));
	r.tsc_entry = 499;
	EXPECT_FALSE(trace_cycles(&r, &c));
}

FIXTURE(file) {
	char path[64];
	struct trace t;
	char why[256];
};

FIXTURE_SETUP(file)
{
	int fd;

	strcpy(self->path, "/tmp/minivmx-trace-XXXXXX");
	fd = mkstemp(self->path);
	ASSERT_LE(0, fd);
	close(fd);
	memset(&self->t, 0, sizeof(self->t));
}

FIXTURE_TEARDOWN(file)
{
	trace_free(&self->t);
	unlink(self->path);
}

static void fill(struct minivmx_exit_record *r, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		r[i] = rec(i, 10 + i % 3, i & 1, 100 + i);
		r[i].rip = 0x10000 + i;
		r[i].qualification = 0x1234 + i;
		r[i].gpa = 0xd0000000 + i;
		r[i].gla = 0x7f000000 + i;
		r[i].intr_info = 0x80000300 + i;
		r[i].idt_vectoring_info = i;
		r[i].insn_len = i % 15;
	}
}

/* Written in three appends, read back as written. */
TEST_F(file, round_trip)
{
	struct minivmx_exit_record r[10];
	struct trace_writer w;

	fill(r, ARRAY_SIZE(r));
	ASSERT_EQ(0, trace_create(&w, self->path, 65536, 2000000000));
	ASSERT_EQ(0, trace_append(&w, r, 4));
	ASSERT_EQ(0, trace_append(&w, r + 4, 0));
	ASSERT_EQ(0, trace_append(&w, r + 4, 6));
	ASSERT_EQ(0, trace_finish(&w, 7));

	ASSERT_EQ(0, trace_read(self->path, &self->t, self->why,
				sizeof(self->why)));
	EXPECT_TRUE(self->t.complete);
	EXPECT_EQ(0, memcmp(self->t.hdr.magic, "MVXTRACE", 8));
	EXPECT_EQ(1U, self->t.hdr.version);
	EXPECT_EQ(64U, self->t.hdr.header_size);
	EXPECT_EQ(72U, self->t.hdr.record_size);
	EXPECT_EQ(65536U, self->t.hdr.ring_entries);
	EXPECT_EQ(2000000000U, self->t.hdr.tsc_hz);
	EXPECT_EQ(10U, self->t.hdr.nr_records);
	EXPECT_EQ(7U, self->t.hdr.overruns);
	ASSERT_EQ(10U, self->t.nr);
	EXPECT_EQ(0, memcmp(r, self->t.rec, sizeof(r)));
}

/* The header's layout, as Documentation/debugging.rst gives it. */
TEST_F(file, header_bytes)
{
	unsigned char b[64];
	struct trace_writer w;
	FILE *f;

	ASSERT_EQ(0, trace_create(&w, self->path, 16, 0x1122334455667788ULL));
	ASSERT_EQ(0, trace_finish(&w, 3));
	f = fopen(self->path, "rb");
	ASSERT_NE(NULL, f);
	ASSERT_EQ(1U, fread(b, sizeof(b), 1, f));
	EXPECT_EQ(EOF, fgetc(f));
	fclose(f);
	EXPECT_EQ(0, memcmp(b, "MVXTRACE\1\0\0\0\x40\0\0\0\x48\0\0\0\1\0\0\0",
			    24));
	EXPECT_EQ(0, memcmp(b + 24, "\x88\x77\x66\x55\x44\x33\x22\x11", 8));
	EXPECT_EQ(0, memcmp(b + 32, "\0\0\0\0\0\0\0\0\3\0\0\0\0\0\0\0", 16));
	EXPECT_EQ(0, memcmp(b + 48, "\x10\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16));
}

/* A writer that never finished: the records the file holds count. */
TEST_F(file, unfinished)
{
	struct minivmx_exit_record r[5];
	struct trace_writer w;

	fill(r, ARRAY_SIZE(r));
	ASSERT_EQ(0, trace_create(&w, self->path, 8, 0));
	ASSERT_EQ(0, trace_append(&w, r, 5));
	fclose(w.f);		/* as if the tool were killed */
	ASSERT_EQ(0, trace_read(self->path, &self->t, self->why,
				sizeof(self->why)));
	EXPECT_FALSE(self->t.complete);
	ASSERT_EQ(5U, self->t.nr);
	EXPECT_EQ(0, memcmp(r, self->t.rec, sizeof(r)));
	/* half a record at the end is not a record */
	trace_free(&self->t);
	ASSERT_EQ(0, truncate(self->path, 64 + 2 * 72 + 30));
	ASSERT_EQ(0, trace_read(self->path, &self->t, self->why,
				sizeof(self->why)));
	EXPECT_EQ(2U, self->t.nr);
}

static void write_bytes(const char *path, const void *p, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (f) {
		fwrite(p, 1, len, f);
		fclose(f);
	}
}

TEST_F(file, refused)
{
	struct minivmx_exit_record r[3];
	struct trace_header h;
	struct trace_writer w;

	/* empty, and not ours */
	EXPECT_EQ(-EINVAL, trace_read(self->path, &self->t, self->why,
				      sizeof(self->why)));
	EXPECT_STREQ("not a minivmx trace file (0 bytes)", self->why);
	write_bytes(self->path,
		    "#!/bin/sh\necho this is a script of 64 bytes, not a trace file!\n\n",
		    64);
	EXPECT_EQ(-EINVAL, trace_read(self->path, &self->t, self->why,
				      sizeof(self->why)));
	EXPECT_STREQ("not a minivmx trace file (no MVXTRACE magic)", self->why);

	/* another version, a record smaller than ours */
	fill(r, ARRAY_SIZE(r));
	ASSERT_EQ(0, trace_create(&w, self->path, 8, 0));
	h = w.hdr;
	trace_finish(&w, 0);
	h.version = 2;
	write_bytes(self->path, &h, sizeof(h));
	EXPECT_EQ(-EINVAL, trace_read(self->path, &self->t, self->why,
				      sizeof(self->why)));
	EXPECT_STREQ("trace file version 2; this tool reads version 1",
		     self->why);
	h.version = 1;
	h.record_size = 64;
	write_bytes(self->path, &h, sizeof(h));
	EXPECT_EQ(-EINVAL, trace_read(self->path, &self->t, self->why,
				      sizeof(self->why)));
	EXPECT_STREQ("bad header: header size 64 (at least 64), record size 64 (at least 72)",
		     self->why);

	/* finished, then cut short */
	ASSERT_EQ(0, trace_create(&w, self->path, 8, 0));
	ASSERT_EQ(0, trace_append(&w, r, 3));
	ASSERT_EQ(0, trace_finish(&w, 0));
	ASSERT_EQ(0, truncate(self->path, 64 + 2 * 72));
	EXPECT_EQ(-EINVAL, trace_read(self->path, &self->t, self->why,
				      sizeof(self->why)));
	EXPECT_STREQ("cut short: the header says 3 records, the file holds 2",
		     self->why);

	/* no such file: the errno says it */
	EXPECT_EQ(-ENOENT, trace_read("/nonexistent/x", &self->t, self->why,
				      sizeof(self->why)));
	EXPECT_EQ(-EISDIR, trace_create(&w, "/tmp", 8, 0));
}

/* A later version's larger records: the first 72 bytes of each. */
TEST_F(file, larger_records)
{
	unsigned char buf[64 + 3 * 80];
	struct minivmx_exit_record r[3];
	struct trace_writer w;
	struct trace_header h;
	int i;

	fill(r, ARRAY_SIZE(r));
	ASSERT_EQ(0, trace_create(&w, self->path, 8, 0));
	h = w.hdr;
	trace_finish(&w, 0);
	h.record_size = 80;
	h.flags = TRACE_COMPLETE;
	h.nr_records = 3;
	memset(buf, 0xee, sizeof(buf));
	memcpy(buf, &h, sizeof(h));
	for (i = 0; i < 3; i++)
		memcpy(buf + 64 + i * 80, &r[i], sizeof(r[i]));
	write_bytes(self->path, buf, sizeof(buf));
	ASSERT_EQ(0, trace_read(self->path, &self->t, self->why,
				sizeof(self->why)));
	ASSERT_EQ(3U, self->t.nr);
	EXPECT_EQ(0, memcmp(r, self->t.rec, sizeof(r)));
}

TEST_HARNESS_MAIN

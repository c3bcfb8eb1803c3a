// SPDX-License-Identifier: GPL-2.0-only
/*
 * The exit-record ring (MINIVMX_SET_EXIT_RING): one record per VM exit,
 * as many as the exit counts say, in order, decoded; where each exit was
 * handled and what it cost; overruns counted without stopping the guest;
 * and the sizes and mappings it must refuse.
 */
#include <errno.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/minivmx.h>

#include "kselftest_harness.h"
#include "vmlib.h"

#define EXIT_REASON_CPUID		10
#define EXIT_REASON_HLT			12
#define EXIT_REASON_IO_INSTRUCTION	30
#define EXIT_REASON_EPT_VIOLATION	48

FIXTURE(ring) {
	struct tvm t;
	struct minivmx_exit_ring *hdr;
	struct minivmx_exit_record *rec;
	size_t len;
};

FIXTURE_SETUP(ring)
{
	int ret = mvx_load();

	ASSERT_TRUE(ret == 0 || ret == -EEXIST) TH_LOG("load: %s", strerror(-ret));
	ASSERT_EQ(0, tvm_create(&self->t));
	self->hdr = MAP_FAILED;
}

FIXTURE_TEARDOWN(ring)
{
	if (self->hdr != MAP_FAILED)
		munmap(self->hdr, self->len);
	tvm_destroy(&self->t);
	EXPECT_EQ(0, mvx_unload());
}

static int set_ring(struct tvm *t, uint32_t entries)
{
	struct minivmx_ring_config c = { .entries = entries };

	return ioctl(t->vcpu, MINIVMX_SET_EXIT_RING, &c) ? -errno : 0;
}

static int map_ring(FIXTURE_DATA(ring) *self, uint32_t entries)
{
	int ret = set_ring(&self->t, entries);

	if (ret)
		return ret;
	self->len = MINIVMX_RING_RECORDS +
		    entries * sizeof(struct minivmx_exit_record);
	self->hdr = mmap(NULL, self->len, PROT_READ | PROT_WRITE, MAP_SHARED,
			 self->t.vcpu, MINIVMX_RING_OFFSET);
	if (self->hdr == MAP_FAILED)
		return -errno;
	self->rec = (void *)((char *)self->hdr + MINIVMX_RING_RECORDS);
	return 0;
}

static uint64_t exits(struct tvm *t)
{
	uint64_t n = 0;
	int i;

	for (i = 0; i < MINIVMX_NR_VMX_EXIT_REASONS; i++)
		n += t->run->exit_count[i];
	return n;
}

/* CPUID (kernel), OUT to port 0x80 (userspace), HLT (userspace). */
TEST_F(ring, one_record_per_exit)
{
	static const uint8_t code[] = {
		0x0f, 0xa2,		/* cpuid */
		0xe6, 0x80,		/* out %al, $0x80 */
		0xf4,			/* hlt */
	};
	static const struct {
		uint32_t reason, rip, len;
		uint8_t where;
		uint64_t qualification;
	} want[] = {
		{ EXIT_REASON_CPUID, 0, 2, MINIVMX_RING_KERNEL, 0 },
		/* port 0x80, immediate, OUT, one byte */
		{ EXIT_REASON_IO_INSTRUCTION, 2, 2, MINIVMX_RING_USER,
		  (0x80 << 16) | 0x40 },
		{ EXIT_REASON_HLT, 4, 1, MINIVMX_RING_USER, 0 },
	};
	struct minivmx_exit_record *e;
	struct tvm *t = &self->t;
	unsigned int i, found = 0;
	uint64_t before;

	ASSERT_EQ(0, map_ring(self, 64));
	EXPECT_EQ(64, self->hdr->entries);
	EXPECT_EQ(sizeof(*e), self->hdr->record_size);
	ASSERT_EQ(0, tvm_setup(t, 64, code, sizeof(code)));
	before = exits(t);
	EXPECT_EQ(0, before);
	ASSERT_EQ(0, tvm_run(t));
	ASSERT_EQ(MINIVMX_EXIT_IO, t->run->exit_reason);
	ASSERT_EQ(0, tvm_run(t));
	ASSERT_EQ(MINIVMX_EXIT_HLT, t->run->exit_reason);

	/* As many as the counts; timer exits may come in between. */
	ASSERT_EQ(exits(t), self->hdr->head);
	ASSERT_GE(64, self->hdr->head);
	EXPECT_EQ(0, self->hdr->overruns);
	for (i = 0; i < self->hdr->head; i++) {
		e = &self->rec[i];
		EXPECT_EQ(i, e->seq);
		EXPECT_NE(0, e->tsc_exit);
		if (i + 1 < self->hdr->head) {
			EXPECT_LE(e->tsc_exit, e->tsc_entry);
			EXPECT_LE(e->tsc_entry, self->rec[i + 1].tsc_exit);
		} else {
			EXPECT_EQ(0, e->tsc_entry);	/* not entered again */
		}
		if (found == ARRAY_SIZE(want) || e->reason != want[found].reason)
			continue;
		EXPECT_EQ(TVM_CODE + want[found].rip, e->rip);
		EXPECT_EQ(want[found].where, e->where);
		EXPECT_EQ(want[found].qualification, e->qualification);
		EXPECT_EQ(want[found].len, e->insn_len);
		found++;
	}
	EXPECT_EQ(ARRAY_SIZE(want), found);
}

/* A ring of 4 and 100 CPUIDs: the guest runs on, the losses are counted. */
TEST_F(ring, overruns_are_counted_not_waited_for)
{
	static const uint8_t code[] = {
		0xbe, 0x64, 0x00, 0x00, 0x00,	/* mov $100, %esi */
		0x0f, 0xa2,			/* 1: cpuid */
		0xff, 0xce,			/* dec %esi */
		0x75, 0xfa,			/* jnz 1b */
		0xf4,				/* hlt */
	};
	struct tvm *t = &self->t;
	uint64_t head, n;

	ASSERT_EQ(0, map_ring(self, 4));
	ASSERT_EQ(0, tvm_setup(t, 64, code, sizeof(code)));
	ASSERT_EQ(0, tvm_run(t));
	ASSERT_EQ(MINIVMX_EXIT_HLT, t->run->exit_reason);
	EXPECT_EQ(100, t->run->exit_count[EXIT_REASON_CPUID]);
	head = self->hdr->head;
	EXPECT_EQ(exits(t), head);
	EXPECT_EQ(head - 4, self->hdr->overruns);
	/* The last four are there: the HLT and three CPUIDs before it. */
	EXPECT_EQ(head - 1, self->rec[(head - 1) % 4].seq);
	EXPECT_EQ(EXIT_REASON_HLT, self->rec[(head - 1) % 4].reason);
	EXPECT_EQ(head - 4, self->rec[head % 4].seq);

	/* A reader that keeps up loses nothing; stopped, nothing moves. */
	self->hdr->tail = head;
	n = self->hdr->overruns;
	ASSERT_EQ(0, tvm_run(t));	/* HLT again: resumed past it */
	EXPECT_EQ(n, self->hdr->overruns);
	ASSERT_EQ(0, set_ring(t, 0));
	head = self->hdr->head;
	ASSERT_EQ(0, tvm_setup(t, 64, code, sizeof(code)));
	ASSERT_EQ(0, tvm_run(t));
	EXPECT_EQ(head, self->hdr->head);
	/* On again, same size: it goes on where it was. */
	ASSERT_EQ(0, set_ring(t, 4));
	ASSERT_EQ(0, tvm_setup(t, 64, code, sizeof(code)));
	ASSERT_EQ(0, tvm_run(t));
	EXPECT_LT(head + 100, self->hdr->head);
}

/* An EPT violation has its guest-physical and linear address. */
TEST_F(ring, ept_violation_has_its_addresses)
{
	static const uint8_t code[] = {
		0xbb, 0x00, 0x00, 0x00, 0x40,	/* mov $0x40000000, %ebx */
		0x88, 0x03,			/* mov %al, (%rbx) */
		0xf4,
	};
	struct minivmx_exit_record *e;
	struct tvm *t = &self->t;

	ASSERT_EQ(0, map_ring(self, 16));
	ASSERT_EQ(0, tvm_setup(t, 64, code, sizeof(code)));
	ASSERT_EQ(0, tvm_run(t));
	ASSERT_EQ(MINIVMX_EXIT_MMIO, t->run->exit_reason);
	e = &self->rec[(self->hdr->head - 1) % 16];
	EXPECT_EQ(EXIT_REASON_EPT_VIOLATION, e->reason);
	EXPECT_EQ(0x40000000, e->gpa);
	EXPECT_EQ(0x40000000, e->gla);
	EXPECT_EQ(TVM_CODE + 5, e->rip);
	EXPECT_EQ(MINIVMX_RING_USER, e->where);
}

TEST_F(ring, refuses_bad_sizes_and_mappings)
{
	struct minivmx_ring_config c = { .entries = 8, .flags = 1 };
	struct tvm *t = &self->t;
	void *p;

	EXPECT_EQ(MINIVMX_MAX_RING_ENTRIES,
		  ioctl(t->dev, MINIVMX_CHECK_CAP, MINIVMX_CAP_EXIT_RING));
	/* No ring yet: nothing to map. */
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, t->vcpu,
		 MINIVMX_RING_OFFSET);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-EINVAL, set_ring(t, 3));
	EXPECT_EQ(-EINVAL, set_ring(t, MINIVMX_MAX_RING_ENTRIES * 2));
	EXPECT_EQ(-1, ioctl(t->vcpu, MINIVMX_SET_EXIT_RING, &c));
	EXPECT_EQ(EINVAL, errno);
	c.flags = 0;
	c.reserved[2] = 1;
	EXPECT_EQ(-1, ioctl(t->vcpu, MINIVMX_SET_EXIT_RING, &c));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(t->vcpu, MINIVMX_SET_EXIT_RING, (void *)8));
	EXPECT_EQ(EFAULT, errno);
	ASSERT_EQ(0, set_ring(t, 8));
	EXPECT_EQ(-EBUSY, set_ring(t, 16));
	EXPECT_EQ(0, set_ring(t, 0));
	EXPECT_EQ(0, set_ring(t, 8));
	/* Larger than the ring: refused. */
	p = mmap(NULL, 3 * 4096, PROT_READ, MAP_SHARED, t->vcpu,
		 MINIVMX_RING_OFFSET);
	EXPECT_EQ(MAP_FAILED, p);
}

TEST(largest_ring_maps_and_goes_with_its_vcpu)
{
	struct minivmx_ring_config c = { .entries = MINIVMX_MAX_RING_ENTRIES };
	size_t len = MINIVMX_RING_RECORDS +
		     (size_t)c.entries * sizeof(struct minivmx_exit_record);
	struct minivmx_exit_ring *hdr;
	struct tvm t;
	int ret = mvx_load();

	ASSERT_TRUE(ret == 0 || ret == -EEXIST);
	ASSERT_EQ(0, tvm_create(&t));
	ASSERT_EQ(0, ioctl(t.vcpu, MINIVMX_SET_EXIT_RING, &c));
	hdr = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, t.vcpu,
		   MINIVMX_RING_OFFSET);
	ASSERT_NE(MAP_FAILED, hdr);
	EXPECT_EQ(MINIVMX_MAX_RING_ENTRIES, hdr->entries);
	/* Userspace scribbles over the header: the kernel keeps its own. */
	hdr->entries = 1;
	hdr->head = 12345;
	tvm_destroy(&t);
	/* The mapping outlives the fds; the module stays until it goes. */
	EXPECT_EQ(-EWOULDBLOCK, mvx_unload());
	EXPECT_EQ(12345, hdr->head);
	munmap(hdr, len);
	EXPECT_EQ(0, mvx_unload());
}

TEST_HARNESS_MAIN

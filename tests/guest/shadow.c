// SPDX-License-Identifier: GPL-2.0-only
/*
 * Shadow paging (MINIVMX_VM_SHADOW_PAGING, Documentation/shadow.rst) from
 * the host's side: the flag and its capability, real mode refused with a
 * clear error (no unrestricted guest without EPT), the guest's own CR3
 * seen by the guest and by MINIVMX_GET_SREGS, CR4 bits a shadow cannot
 * honour refused and hidden from CPUID, and -- the host's safety -- a
 * memory slot deleted under a guest that had it mapped: the shadow must
 * not keep the freed page.
 */
#include <errno.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <linux/minivmx.h>

#include "kselftest_harness.h"
#include "vmlib.h"

#define SLOT1_GPA	0x400000ULL	/* a second slot, in the first GiB */
#define X86_CR4_PCIDE	(1ULL << 17)

FIXTURE(shadow) {
	struct tvm t;
};

FIXTURE_SETUP(shadow)
{
	int ret = mvx_load();

	ASSERT_TRUE(ret == 0 || ret == -EEXIST) TH_LOG("load: %s", strerror(-ret));
	ASSERT_EQ(0, tvm_create_flags(&self->t, 0, MINIVMX_VM_SHADOW_PAGING));
}

FIXTURE_TEARDOWN(shadow)
{
	tvm_destroy(&self->t);
	EXPECT_EQ(0, mvx_unload());
}

static struct minivmx_regs regs(struct tvm *t)
{
	struct minivmx_regs r;

	memset(&r, 0, sizeof(r));
	ioctl(t->vcpu, MINIVMX_GET_REGS, &r);
	return r;
}

TEST_F(shadow, flag_and_capability)
{
	EXPECT_EQ(1, ioctl(self->t.dev, MINIVMX_CHECK_CAP,
			   MINIVMX_CAP_SHADOW_PAGING));
	EXPECT_EQ(-1, ioctl(self->t.dev, MINIVMX_CREATE_VM, 2));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(self->t.dev, MINIVMX_CREATE_VM,
			    MINIVMX_VM_SHADOW_PAGING | 4));
	EXPECT_EQ(EINVAL, errno);
}

/* The vCPU's power-up state is real mode: RUN says why it cannot run. */
TEST_F(shadow, real_mode_is_refused)
{
	static const uint8_t code[] = { 0xf4 };		/* hlt */
	struct minivmx_sregs s;

	ASSERT_EQ(0, tvm_run(&self->t));
	EXPECT_EQ(MINIVMX_EXIT_INTERNAL_ERROR, self->t.run->exit_reason);
	EXPECT_EQ(MINIVMX_INTERNAL_REAL_MODE, self->t.run->internal.suberror);
	/* Setting real mode is refused as well. */
	memcpy(self->t.mem + TVM_CODE, code, sizeof(code));
	EXPECT_EQ(-EINVAL, tvm_setup(&self->t, 16, code, sizeof(code)));
	ASSERT_EQ(0, ioctl(self->t.vcpu, MINIVMX_GET_SREGS, &s));
	EXPECT_EQ(0, s.cr0 & 1);
}

/* A guest that leaves protected mode stops with the same error. */
TEST_F(shadow, leaving_protected_mode_is_refused)
{
	static const uint8_t code[] = {
		0x0f, 0x20, 0xc0,		/* mov %cr0, %eax */
		0x83, 0xe0, 0xfe,		/* and $~1, %eax */
		0x0f, 0x22, 0xc0,		/* mov %eax, %cr0 */
		0xf4,				/* hlt */
	};

	ASSERT_EQ(0, tvm_setup(&self->t, 32, code, sizeof(code)));
	ASSERT_EQ(0, tvm_run(&self->t));
	EXPECT_EQ(MINIVMX_EXIT_INTERNAL_ERROR, self->t.run->exit_reason);
	EXPECT_EQ(MINIVMX_INTERNAL_REAL_MODE, self->t.run->internal.suberror);
	EXPECT_EQ(TVM_CODE + 6, regs(&self->t).rip);
}

/* The guest and GET_SREGS see the guest's CR3, not the shadow's. */
TEST_F(shadow, the_guests_cr3)
{
	static const uint8_t code[] = {
		0x0f, 0x20, 0xd8,		/* mov %cr3, %rax */
		0xf4,				/* hlt */
	};
	struct minivmx_sregs s;

	ASSERT_EQ(0, tvm_setup(&self->t, 64, code, sizeof(code)));
	ASSERT_EQ(0, tvm_run(&self->t));
	ASSERT_EQ(MINIVMX_EXIT_HLT, self->t.run->exit_reason);
	EXPECT_EQ(TVM_PML4, regs(&self->t).rax);
	ASSERT_EQ(0, ioctl(self->t.vcpu, MINIVMX_GET_SREGS, &s));
	EXPECT_EQ(TVM_PML4, s.cr3);
	EXPECT_LT(0, self->t.run->exit_count[28]);	/* CR3 store exits */
}

/* PCIDs: refused in CR4 and hidden from CPUID (the shadow is flushed whole). */
TEST_F(shadow, no_pcid)
{
	static const uint8_t code[] = {
		0xb8, 0x01, 0x00, 0x00, 0x00,	/* mov $1, %eax */
		0x0f, 0xa2,			/* cpuid */
		0xf4,				/* hlt */
	};
	struct minivmx_sregs s;

	ASSERT_EQ(0, tvm_setup(&self->t, 64, code, sizeof(code)));
	ASSERT_EQ(0, ioctl(self->t.vcpu, MINIVMX_GET_SREGS, &s));
	s.cr4 |= X86_CR4_PCIDE;
	EXPECT_EQ(-1, ioctl(self->t.vcpu, MINIVMX_SET_SREGS, &s));
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(0, tvm_run(&self->t));
	ASSERT_EQ(MINIVMX_EXIT_HLT, self->t.run->exit_reason);
	EXPECT_EQ(0, regs(&self->t).rcx & (1 << 17));
}

/*
 * A slot deleted under a guest that read it: the next read must not reach
 * the old page (the shadow mapped it) but be an MMIO exit.
 */
TEST_F(shadow, deleted_slot_leaves_the_shadow)
{
	static const uint8_t code[] = {
		0x48, 0x8b, 0x04, 0x25, 0x00, 0x00, 0x40, 0x00, /* mov 0x400000, %rax */
		0xf4,						/* hlt */
		0x48, 0x8b, 0x1c, 0x25, 0x00, 0x00, 0x40, 0x00, /* mov 0x400000, %rbx */
		0xf4,						/* hlt */
	};
	struct minivmx_memory_region r = {
		.slot = 1, .guest_phys_addr = SLOT1_GPA, .memory_size = 4096,
	};
	uint64_t *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			      MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	ASSERT_NE(MAP_FAILED, page);
	page[0] = 0x5eed;
	r.userspace_addr = (uintptr_t)page;
	ASSERT_EQ(0, ioctl(self->t.vm, MINIVMX_SET_MEMORY_REGION, &r));
	ASSERT_EQ(0, tvm_setup(&self->t, 64, code, sizeof(code)));
	ASSERT_EQ(0, tvm_run(&self->t));
	ASSERT_EQ(MINIVMX_EXIT_HLT, self->t.run->exit_reason);
	EXPECT_EQ(0x5eed, regs(&self->t).rax);

	r.memory_size = 0;			/* delete the slot */
	ASSERT_EQ(0, ioctl(self->t.vm, MINIVMX_SET_MEMORY_REGION, &r));
	page[0] = 0xbad;
	munmap(page, 4096);
	ASSERT_EQ(0, tvm_run(&self->t));
	ASSERT_EQ(MINIVMX_EXIT_MMIO, self->t.run->exit_reason);
	EXPECT_EQ(SLOT1_GPA, self->t.run->mmio.phys_addr);
	EXPECT_EQ(8, self->t.run->mmio.len);
	memset(self->t.run->mmio.data, 0x77, 8);
	ASSERT_EQ(0, tvm_run(&self->t));
	ASSERT_EQ(MINIVMX_EXIT_HLT, self->t.run->exit_reason);
	EXPECT_EQ(0x7777777777777777ULL, regs(&self->t).rbx);
}

/* The guest's own #PF: delivered through its IDT with CR2 and the code. */
TEST_F(shadow, guest_page_fault_delivered)
{
	static const uint8_t code[] = {
		0x48, 0x8b, 0x04, 0x25, 0x00, 0x00, 0x00, 0x80, /* mov 0xffffffff80000000, %rax */
		0xf4,
	};
	static const uint8_t handler[] = {
		0x0f, 0x20, 0xd3,		/* mov %cr2, %rbx */
		0x59,				/* pop %rcx: the error code */
		0xf4,				/* hlt */
	};
	uint64_t pf = TVM_CODE + 0x100;

	/* Sign-extended 0x80000000: PML4 entry 511, not present. */
	memcpy(self->t.mem + pf, handler, sizeof(handler));
	ASSERT_EQ(0, tvm_setup(&self->t, 64, code, sizeof(code)));
	tvm_gate64(&self->t, 0x5000, 14, pf, 0);
	ASSERT_EQ(0, tvm_start64(&self->t, 0x5000, TVM_CODE, 0));
	ASSERT_EQ(0, tvm_run(&self->t));
	ASSERT_EQ(MINIVMX_EXIT_HLT, self->t.run->exit_reason);
	EXPECT_EQ(pf + 4, self->t.run->guest_rip);
	EXPECT_EQ(0xffffffff80000000ULL, regs(&self->t).rbx);
	EXPECT_EQ(0, regs(&self->t).rcx);	/* not present, read, kernel */
}

/* MINIVMX_TRANSLATE: the guest's walk, and no EPT levels to show. */
TEST_F(shadow, translate_has_no_second_dimension)
{
	static const uint8_t code[] = { 0xf4 };
	struct minivmx_translate tr = { .gva = TVM_CODE };
	unsigned int i;

	ASSERT_EQ(0, tvm_setup(&self->t, 64, code, sizeof(code)));
	ASSERT_EQ(0, ioctl(self->t.vcpu, MINIVMX_TRANSLATE, &tr));
	EXPECT_EQ(TVM_CODE, tr.gpa);
	EXPECT_LE(3, tr.levels);	/* PML4, PDPT, PD (a 2 MiB page) */
	for (i = 0; i < tr.levels && i < 4; i++)
		EXPECT_EQ(0, tr.level[i].ept_levels);
	EXPECT_EQ(0, tr.data.ept_levels);
}

TEST_HARNESS_MAIN

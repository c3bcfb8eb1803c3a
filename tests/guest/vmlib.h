/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A few helpers for the testbed tests that drive VMs through raw ioctls:
 * a VM with one memory region and one vCPU, and register set-ups for real
 * mode, flat 32-bit protected mode and 64-bit mode with identity paging.
 */
#ifndef MINIVMX_VMLIB_H
#define MINIVMX_VMLIB_H

#include <stdint.h>
#include <sys/mman.h>
#include <linux/hw_breakpoint.h>
#include <linux/perf_event.h>

#include "testlib.h"

#define TVM_MEM		0x200000	/* 2 MiB of guest RAM at GPA 0 */
#define TVM_CODE	0x10000		/* where test code goes */
#define TVM_GDT		0x1000
#define TVM_PML4	0x2000		/* then PDPT at 0x3000, PD at 0x4000 */

struct tvm {
	int dev, vm, vcpu;
	uint8_t *mem;
	struct minivmx_run *run;
};

/*
 * A VM with TVM_MEM of RAM and vCPU 0; @lapic: with local APICs; @flags:
 * MINIVMX_CREATE_VM's (MINIVMX_VM_SHADOW_PAGING).
 */
static inline int tvm_create_flags(struct tvm *t, int lapic,
				   unsigned int flags)
{
	struct minivmx_memory_region r = { .memory_size = TVM_MEM };

	memset(t, 0, sizeof(*t));
	t->dev = mvx_open();
	if (t->dev < 0)
		return -errno;
	t->vm = ioctl(t->dev, MINIVMX_CREATE_VM, flags);
	if (t->vm < 0)
		return -errno;
	t->mem = mmap(NULL, TVM_MEM, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (t->mem == MAP_FAILED)
		return -errno;
	r.userspace_addr = (uintptr_t)t->mem;
	if (ioctl(t->vm, MINIVMX_SET_MEMORY_REGION, &r))
		return -errno;
	if (lapic && ioctl(t->vm, MINIVMX_CREATE_LAPIC, 0))
		return -errno;
	t->vcpu = ioctl(t->vm, MINIVMX_CREATE_VCPU, 0);
	if (t->vcpu < 0)
		return -errno;
	t->run = mmap(NULL, MINIVMX_RUN_SIZE, PROT_READ | PROT_WRITE,
		      MAP_SHARED, t->vcpu, 0);
	return t->run == MAP_FAILED ? -errno : 0;
}

static inline int tvm_create_opt(struct tvm *t, int lapic)
{
	return tvm_create_flags(t, lapic, 0);
}

static inline int tvm_create(struct tvm *t)
{
	return tvm_create_opt(t, 0);
}

static inline void tvm_destroy(struct tvm *t)
{
	if (t->run && t->run != MAP_FAILED)
		munmap(t->run, MINIVMX_RUN_SIZE);
	if (t->mem && t->mem != MAP_FAILED)
		munmap(t->mem, TVM_MEM);
	if (t->vcpu > 0)
		close(t->vcpu);
	if (t->vm > 0)
		close(t->vm);
	if (t->dev > 0)
		close(t->dev);
}

static inline void tvm_seg(struct minivmx_segment *s, uint16_t sel,
			   uint8_t type, int bits)
{
	memset(s, 0, sizeof(*s));
	s->selector = sel;
	s->type = type;
	s->s = 1;
	s->present = 1;
	if (bits == 16) {
		s->limit = 0xffff;
		return;
	}
	s->limit = 0xffffffff;
	s->g = 1;
	s->db = bits == 32;
	s->l = bits == 64 && (type & 8);
	if (bits == 64 && !(type & 8))
		s->db = 1;
}

/* Put @code at TVM_CODE and point RIP at it in @bits-bit mode (16, 32, 64). */
static inline int tvm_setup(struct tvm *t, int bits, const void *code,
			    size_t len)
{
	struct minivmx_regs regs = { .rip = TVM_CODE, .rflags = 2,
				     .rsp = TVM_MEM - 16 };
	struct minivmx_sregs s;
	int i;

	memcpy(t->mem + TVM_CODE, code, len);
	if (ioctl(t->vcpu, MINIVMX_GET_SREGS, &s))
		return -errno;
	tvm_seg(&s.cs, bits == 16 ? 0 : 8, 0xb, bits);
	tvm_seg(&s.ds, bits == 16 ? 0 : 16, 3, bits);
	s.es = s.fs = s.gs = s.ss = s.ds;
	memset(&s.tr, 0, sizeof(s.tr));
	s.tr.type = 11;
	s.tr.present = 1;
	s.tr.limit = 0x67;
	s.cr0 = 0x10;
	s.cr4 = 0;
	s.efer = 0;
	if (bits == 16) {
		/* IP is 16 bits: run the code at CS = TVM_CODE >> 4, IP 0. */
		s.cs.selector = TVM_CODE >> 4;
		s.cs.base = TVM_CODE;
		regs.rip = 0;
		regs.rsp = 0xfff0;
	} else {
		uint64_t *gdt = (uint64_t *)(t->mem + TVM_GDT);

		gdt[1] = bits == 64 ? 0x00af9a000000ffffULL :
				      0x00cf9a000000ffffULL;
		gdt[2] = 0x00cf92000000ffffULL;
		s.cr0 |= 1;			/* PE */
		s.gdt.base = TVM_GDT;
		s.gdt.limit = 23;
		/* No IDT: any exception ends in a triple fault. */
		s.idt.base = 0;
		s.idt.limit = 0;
	}
	if (bits == 64) {
		uint64_t *pml4 = (uint64_t *)(t->mem + TVM_PML4);
		uint64_t *pdpt = (uint64_t *)(t->mem + TVM_PML4 + 0x1000);
		uint64_t *pd = (uint64_t *)(t->mem + TVM_PML4 + 0x2000);

		pml4[0] = (TVM_PML4 + 0x1000) | 3;
		pdpt[0] = (TVM_PML4 + 0x2000) | 3;
		for (i = 0; i < 512; i++)	/* 1 GiB of 2 MiB pages */
			pd[i] = ((uint64_t)i << 21) | 0x83;
		/* 4 GiB: the next three PDPTEs as 1 GiB pages */
		for (i = 1; i < 4; i++)
			pdpt[i] = ((uint64_t)i << 30) | 0x83;
		s.cr3 = TVM_PML4;
		s.cr4 = 0x620;			/* PAE, OSFXSR, OSXMMEXCPT */
		s.cr0 |= 0x80000000;		/* PG */
		s.efer = 0x500;			/* LME | LMA */
	}
	if (ioctl(t->vcpu, MINIVMX_SET_SREGS, &s))
		return -errno;
	return ioctl(t->vcpu, MINIVMX_SET_REGS, &regs) ? -errno : 0;
}

static inline int tvm_run(struct tvm *t)
{
	return ioctl(t->vcpu, MINIVMX_RUN, 0) ? -errno : 0;
}

static inline uint64_t tvm_rip(struct tvm *t)
{
	struct minivmx_regs r;

	ioctl(t->vcpu, MINIVMX_GET_REGS, &r);
	return r.rip;
}

/* Real mode: point IVT entry @vector at TVM_CODE's segment, offset @ip. */
static inline void tvm_set_ivt(struct tvm *t, unsigned int vector, uint16_t ip)
{
	uint16_t *ivt = (uint16_t *)t->mem;

	ivt[vector * 2] = ip;
	ivt[vector * 2 + 1] = TVM_CODE >> 4;
}

/* A 64-bit interrupt gate in the IDT at @idt to @rip, IST stack @ist. */
static inline void tvm_gate64(struct tvm *t, uint64_t idt, unsigned int vector,
			      uint64_t rip, int ist)
{
	uint32_t *g = (uint32_t *)(t->mem + idt + vector * 16);

	g[0] = (8 << 16) | (rip & 0xffff);
	g[1] = (rip & 0xffff0000) | 0x8e00 | ist;
	g[2] = rip >> 32;
	g[3] = 0;
}

/*
 * After tvm_setup(t, 64, ...): the IDT at @idt (a 4 KiB page of gates that
 * tvm_gate64() writes), and the vCPU starts at @rip with RBP = @rbp.
 */
static inline int tvm_start64(struct tvm *t, uint64_t idt, uint64_t rip,
			      uint64_t rbp)
{
	struct minivmx_sregs s;
	struct minivmx_regs r;

	if (ioctl(t->vcpu, MINIVMX_GET_SREGS, &s) ||
	    ioctl(t->vcpu, MINIVMX_GET_REGS, &r))
		return -errno;
	s.idt.base = idt;
	s.idt.limit = 0xfff;
	r.rip = rip;
	r.rbp = rbp;
	if (ioctl(t->vcpu, MINIVMX_SET_SREGS, &s) ||
	    ioctl(t->vcpu, MINIVMX_SET_REGS, &r))
		return -errno;
	return 0;
}

/* A host breakpoint on writes to @var, counted by perf. */
static inline int bp_open(volatile int *var)
{
	struct perf_event_attr a = {
		.type = PERF_TYPE_BREAKPOINT,
		.size = sizeof(a),
		.bp_type = HW_BREAKPOINT_W,
		.bp_addr = (uintptr_t)var,
		.bp_len = HW_BREAKPOINT_LEN_4,
		.exclude_kernel = 1,
		.exclude_hv = 1,
	};

	return syscall(SYS_perf_event_open, &a, 0, -1, -1, 0);
}

static inline long long bp_count(int fd)
{
	long long n = -1;

	if (read(fd, &n, sizeof(n)) != sizeof(n))
		return -1;
	return n;
}

#endif /* MINIVMX_VMLIB_H */

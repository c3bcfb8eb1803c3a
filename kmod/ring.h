/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The exit-record ring (ring.c): what the run loop writes on each exit,
 * inline.
 */
#ifndef MINIVMX_RING_H
#define MINIVMX_RING_H

#include <asm/msr.h>
#include <asm/vmx.h>

#include "minivmx.h"
#include "vmx_ops.h"

/**
 * struct mvx_ring - a vCPU's exit-record ring
 * @hdr: the header page, as the kernel sees it
 * @rec: the records
 * @pages: the pages, header first
 * @nr_pages: pages in @pages
 * @entries: records in the ring (a power of 2)
 * @mask: @entries - 1
 * @head: records written; the kernel's own copy
 * @overruns: records lost; the kernel's own copy
 * @counted: records below this sequence number were counted as lost
 *	or read
 */
struct mvx_ring {
	struct minivmx_exit_ring *hdr;
	struct minivmx_exit_record *rec;
	struct page **pages;
	unsigned int nr_pages;
	u32 entries, mask;
	u64 head, overruns, counted;
};

/* The exits that can carry event information (interruption, IDT vectoring). */
#define RING_EVENT_EXITS	(BIT_ULL(EXIT_REASON_EXCEPTION_NMI) |		\
				 BIT_ULL(EXIT_REASON_EXTERNAL_INTERRUPT) |	\
				 BIT_ULL(EXIT_REASON_TASK_SWITCH) |		\
				 BIT_ULL(EXIT_REASON_EPT_VIOLATION) |		\
				 BIT_ULL(EXIT_REASON_EPT_MISCONFIG))

/**
 * mvx_ring_exit() - record a VM exit
 * @v: the vCPU, recording on, its VMCS current
 * @reason: VM_EXIT_REASON
 *
 * Inline in the run loop: the exit path pays for as little as it can.
 */
static __always_inline void mvx_ring_exit(struct mvx_vcpu *v, u32 reason)
{
	struct mvx_ring *r = v->ring;
	struct minivmx_exit_record *e = &r->rec[r->head & r->mask];
	u16 basic = reason;

	e->tsc_exit = rdtsc();
	e->seq = r->head;
	e->tsc_entry = 0;
	e->reason = reason;
	e->qualification = vmcs_read(EXIT_QUALIFICATION);
	e->rip = vmcs_read(GUEST_RIP);
	e->insn_len = vmcs_read(VM_EXIT_INSTRUCTION_LEN);
	e->intr_info = 0;
	e->idt_vectoring_info = 0;
	e->gpa = 0;
	e->gla = 0;
	/* Only read what the exit can have (SDM 28.2.2, 28.2.4). */
	if (likely(basic >= 64 || !(BIT_ULL(basic) & RING_EVENT_EXITS)))
		goto done;
	if (basic <= EXIT_REASON_EXTERNAL_INTERRUPT)
		e->intr_info = vmcs_read(VM_EXIT_INTR_INFO);
	e->idt_vectoring_info = vmcs_read(IDT_VECTORING_INFO_FIELD);
	if (basic == EXIT_REASON_EPT_VIOLATION ||
	    basic == EXIT_REASON_EPT_MISCONFIG) {
		e->gpa = vmcs_read(GUEST_PHYSICAL_ADDRESS);
		/* 28.2.1: bit 7 says whether the linear address is valid. */
		if (e->qualification & BIT(7))
			e->gla = vmcs_read(GUEST_LINEAR_ADDRESS);
	}
done:
	/* (pad stays 0: the pages were zeroed, and only this writes here.) */
	e->where = MINIVMX_RING_KERNEL;
	/* The next entry's TSC goes here (vcpu_run_batch()). */
	v->ring_tsc_entry = &e->tsc_entry;
	/* A reader that sees the new head sees the record (uapi). */
	smp_store_release(&r->hdr->head, ++r->head);
}

#endif /* MINIVMX_RING_H */

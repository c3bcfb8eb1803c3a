/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A VM exit in words: the exit qualification and the interruption
 * information spelled out the way the SDM defines them ("OUT 1 byte to
 * port 0x3f8", "MOV to CR0 from RAX", "write to GPA 0x... from GLA ...,
 * page not present").  Pure functions, for the tool and the host tests.
 */
#ifndef MINIVMX_EXIT_DECODE_H
#define MINIVMX_EXIT_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/minivmx.h>

/* Basic exit reasons the decoder knows (SDM Vol. 3D, Appendix C). */
#define VMX_EXIT_EXCEPTION_NMI		0
#define VMX_EXIT_EXTERNAL_INTERRUPT	1
#define VMX_EXIT_TRIPLE_FAULT		2
#define VMX_EXIT_CPUID			10
#define VMX_EXIT_HLT			12
#define VMX_EXIT_INVLPG			14
#define VMX_EXIT_VMCALL			18
#define VMX_EXIT_CR_ACCESS		28
#define VMX_EXIT_DR_ACCESS		29
#define VMX_EXIT_IO_INSTRUCTION		30
#define VMX_EXIT_MSR_READ		31
#define VMX_EXIT_MSR_WRITE		32
#define VMX_EXIT_MONITOR_TRAP_FLAG	37
#define VMX_EXIT_EPT_VIOLATION		48
#define VMX_EXIT_EPT_MISCONFIG		49
#define VMX_EXIT_XSETBV			55

/**
 * struct exit_info - what the VMCS says about one exit
 * @reason: the basic exit reason (bits 15:0)
 * @qual: the exit qualification
 * @gpa: the guest-physical address (EPT violations and misconfigurations)
 * @gla: the guest-linear address (EPT violations with bit 7 set)
 * @has_gla: @gla was reported (the exit qualification may still say it
 *	is not valid)
 * @intr_info: VM-exit interruption information (exceptions and NMIs)
 * @idt_vectoring_info: IDT-vectoring information: the event the exit
 *	interrupted, if bit 31 is set
 * @insn_len: VM-exit instruction length
 * @regs: the registers after the exit was handled, or NULL: where the
 *	qualification leaves the operand in a register (CPUID's answer,
 *	RDMSR's ECX), the words name it
 */
struct exit_info {
	unsigned int reason;
	__u64 qual;
	__u64 gpa;
	__u64 gla;
	bool has_gla;
	__u32 intr_info;
	__u32 idt_vectoring_info;
	__u32 insn_len;
	const struct minivmx_regs *regs;
};

const char *gpr_name(unsigned int nr);
const char *exception_name(unsigned int vector);
size_t intr_info_describe(char *buf, size_t len, __u32 info);
size_t exit_describe(char *buf, size_t len, const struct exit_info *e);

#endif /* MINIVMX_EXIT_DECODE_H */

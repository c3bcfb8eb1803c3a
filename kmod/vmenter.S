/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * VM entry and exit (modelled on KVM's vmenter.S).
 *
 * int minivmx_vmx_run(unsigned long *regs, bool resume,
 *		       unsigned long *host_rsp);
 *
 * Loads the guest's general registers from @regs (ordered as struct
 * minivmx_regs, RSP slot unused), enters the guest with VMRESUME if
 * @resume else VMLAUNCH, and on VM exit stores them back.  HOST_RSP is
 * written only when it differs from *@host_rsp.  Returns 0 after a VM
 * exit, 1 if VMLAUNCH/VMRESUME failed (VMfail or fault): the caller reads
 * VM_INSTRUCTION_ERROR.
 */
#include <linux/linkage.h>
#include <asm/asm.h>
#include <asm/nospec-branch.h>
#include <asm/segment.h>
#include <asm/unwind_hints.h>

/* VMCS field encoding of HOST_RSP (SDM Vol. 3D, Appendix B.4.4). */
#define VMCS_HOST_RSP	0x6c14

#define R_AX	0
#define R_BX	8
#define R_CX	16
#define R_DX	24
#define R_SI	32
#define R_DI	40
#define R_BP	56
#define R_8	64
#define R_9	72
#define R_10	80
#define R_11	88
#define R_12	96
#define R_13	104
#define R_14	112
#define R_15	120

.section .noinstr.text, "ax"

SYM_FUNC_START(minivmx_vmx_run)
	push %rbp
	mov  %rsp, %rbp
	push %r15
	push %r14
	push %r13
	push %r12
	push %rbx
	/* @regs stays on top of the stack: the exit path needs it. */
	push %rdi

	/* HOST_RSP is this stack pointer; skip the VMWRITE if unchanged. */
	cmp %rsp, (%rdx)
	je 1f
	mov %rsp, (%rdx)
	mov $VMCS_HOST_RSP, %ecx
	vmwrite %rsp, %rcx
1:
	/* CF = @resume; nothing below touches CF until the jump. */
	bt $0, %esi

	mov %rdi, %rax
	mov R_CX(%rax), %rcx
	mov R_DX(%rax), %rdx
	mov R_BX(%rax), %rbx
	mov R_BP(%rax), %rbp
	mov R_SI(%rax), %rsi
	mov R_DI(%rax), %rdi
	mov R_8(%rax),  %r8
	mov R_9(%rax),  %r9
	mov R_10(%rax), %r10
	mov R_11(%rax), %r11
	mov R_12(%rax), %r12
	mov R_13(%rax), %r13
	mov R_14(%rax), %r14
	mov R_15(%rax), %r15
	mov R_AX(%rax), %rax

	/* VERW where MDS-class mitigations want it; clobbers only ZF. */
	CLEAR_CPU_BUFFERS

	jnc .Lvmlaunch

	UNWIND_HINT_SAVE
.Lvmresume:
	vmresume
	jmp .Lvmfail
.Lvmlaunch:
	vmlaunch
	jmp .Lvmfail

	_ASM_EXTABLE(.Lvmresume, .Lvmfail)
	_ASM_EXTABLE(.Lvmlaunch, .Lvmfail)

SYM_INNER_LABEL(minivmx_vmx_exit, SYM_L_GLOBAL)
	UNWIND_HINT_RESTORE
	ENDBR

	push %rax
	mov 8(%rsp), %rax
	pop R_AX(%rax)
	mov %rcx, R_CX(%rax)
	mov %rdx, R_DX(%rax)
	mov %rbx, R_BX(%rax)
	mov %rbp, R_BP(%rax)
	mov %rsi, R_SI(%rax)
	mov %rdi, R_DI(%rax)
	mov %r8,  R_8(%rax)
	mov %r9,  R_9(%rax)
	mov %r10, R_10(%rax)
	mov %r11, R_11(%rax)
	mov %r12, R_12(%rax)
	mov %r13, R_13(%rax)
	mov %r14, R_14(%rax)
	mov %r15, R_15(%rax)
	xor %ebx, %ebx

.Lclear_regs:
	pop %rax
	/* Leave no guest value in a register for speculation to use. */
	xor %eax, %eax
	xor %ecx, %ecx
	xor %edx, %edx
	xor %ebp, %ebp
	xor %esi, %esi
	xor %edi, %edi
	xor %r8d, %r8d
	xor %r9d, %r9d
	xor %r10d, %r10d
	xor %r11d, %r11d
	xor %r12d, %r12d
	xor %r13d, %r13d
	xor %r14d, %r14d
	xor %r15d, %r15d

	/* The guest may have poisoned the RSB: refill it before any RET. */
	FILL_RETURN_BUFFER %rcx, RSB_CLEAR_LOOPS, X86_FEATURE_RSB_VMEXIT, \
			   X86_FEATURE_RSB_VMEXIT_LITE
	CLEAR_BRANCH_HISTORY_VMEXIT

	mov %rbx, %rax
	pop %rbx
	pop %r12
	pop %r13
	pop %r14
	pop %r15
	pop %rbp
	RET

.Lvmfail:
	mov $1, %ebx
	jmp .Lclear_regs
SYM_FUNC_END(minivmx_vmx_run)

.section .text, "ax"

/*
 * void minivmx_do_nmi_irqoff(unsigned long entry);
 *
 * Call the host's NMI entry @entry on a synthetic interrupt frame, as the
 * CPU would have delivered the NMI that caused the VM exit (KVM's
 * vmx_do_interrupt_nmi_irqoff).  The handler returns with IRET.
 */
SYM_FUNC_START(minivmx_do_nmi_irqoff)
	push %rbp
	mov %rsp, %rbp
	/* The CPU aligns RSP to 16 bytes before pushing the frame. */
	and $-16, %rsp
	push $__KERNEL_DS
	push %rbp
	pushf
	push $__KERNEL_CS
	CALL_NOSPEC rdi
	/* IRET restored RSP; say so to objtool. */
	mov %rbp, %rsp
	pop %rbp
	RET
SYM_FUNC_END(minivmx_do_nmi_irqoff)

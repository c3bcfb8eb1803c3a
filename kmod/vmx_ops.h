/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * VMX instructions.  Each one is an asm goto: VMfailInvalid sets CF,
 * VMfailValid sets ZF (SDM Vol. 3C 31.2, "Conventions"), so "jbe" catches
 * both; a fault (#UD, #GP) is caught by the exception table.
 */
#ifndef MINIVMX_VMX_OPS_H
#define MINIVMX_VMX_OPS_H

#include <linux/errno.h>
#include <linux/types.h>
#include <asm/asm.h>

/* Return: 0, -EIO on VMfail, -EFAULT if VMXON faulted. */
static __always_inline int vmx_vmxon(u64 phys)
{
	asm goto("1: vmxon %[pa]\n\t"
		 "jbe %l[fail]\n\t"
		 _ASM_EXTABLE(1b, %l[fault])
		 : : [pa] "m"(phys) : "cc", "memory" : fail, fault);
	return 0;
fail:
	return -EIO;
fault:
	return -EFAULT;
}

/* Return: 0, or -EFAULT if the CPU was not in VMX operation. */
static __always_inline int vmx_vmxoff(void)
{
	asm goto("1: vmxoff\n\t"
		 _ASM_EXTABLE(1b, %l[fault])
		 : : : "cc", "memory" : fault);
	return 0;
fault:
	return -EFAULT;
}

/* Return: 0, or -EIO if INVEPT failed or faulted. */
static __always_inline int vmx_invept(unsigned long type, u64 eptp)
{
	struct {
		u64 eptp, reserved;
	} desc = { eptp, 0 };

	asm goto("1: invept %[desc], %[type]\n\t"
		 "jbe %l[fail]\n\t"
		 _ASM_EXTABLE(1b, %l[fail])
		 : : [desc] "m"(desc), [type] "r"(type) : "cc", "memory" : fail);
	return 0;
fail:
	return -EIO;
}

/*
 * VMCS accessors.  On x86-64 VMREAD and VMWRITE take 64-bit operands for
 * fields of every width (SDM 31.3), so one pair serves all; a failure is
 * reported out of line with the field and VM_INSTRUCTION_ERROR.
 */
void vmx_vmread_error(unsigned long field);
unsigned long vmx_insn_error_code(void);
void vmx_vmwrite_error(unsigned long field, unsigned long value);
void vmx_insn_error(const char *insn, u64 phys);

/*
 * KVM's VMREAD: an asm goto with an output where the compiler has it
 * (asm_goto_output() carries the GCC PR 98619/113921 workaround), else a
 * plain asm that reports success in a flag.
 */
static __always_inline unsigned long vmcs_read(unsigned long field)
{
	unsigned long value;

#ifdef CONFIG_CC_HAS_ASM_GOTO_OUTPUT
	asm_goto_output("1: vmread %[field], %[value]\n\t"
			"jna %l[fail]\n\t"
			_ASM_EXTABLE(1b, %l[fail])
			: [value] "=r"(value) : [field] "r"(field) : "cc" : fail);
	return value;
fail:
	vmx_vmread_error(field);
	return 0;
#else
	u8 ok = 0;

	value = 0;
	asm volatile("1: vmread %[field], %[value]\n\t"
		     "seta %[ok]\n\t"
		     "2:\n\t"
		     _ASM_EXTABLE(1b, 2b)
		     : [value] "+r"(value), [ok] "+qm"(ok)
		     : [field] "r"(field) : "cc");
	if (unlikely(!ok))
		vmx_vmread_error(field);
	return value;
#endif
}

/*
 * VMREAD of a field the caller chose: Return 0, or -EINVAL when the CPU
 * does not have the field (VMfailValid, error 12), without a message.
 */
static __always_inline int vmcs_read_checked(unsigned long field, u64 *val)
{
	unsigned long value = 0;
	u8 ok = 0;

	asm volatile("1: vmread %[field], %[value]\n\t"
		     "seta %[ok]\n\t"
		     "2:\n\t"
		     _ASM_EXTABLE(1b, 2b)
		     : [value] "+r"(value), [ok] "+qm"(ok)
		     : [field] "r"(field) : "cc");
	*val = value;
	return ok ? 0 : -EINVAL;
}

static __always_inline void vmcs_write(unsigned long field, unsigned long value)
{
	asm goto("1: vmwrite %[value], %[field]\n\t"
		 "jna %l[fail]\n\t"
		 _ASM_EXTABLE(1b, %l[fail])
		 : : [field] "r"(field), [value] "rm"(value) : "cc" : fail);
	return;
fail:
	vmx_vmwrite_error(field, value);
}

static __always_inline void vmcs_set_bits(unsigned long field, u32 mask)
{
	vmcs_write(field, vmcs_read(field) | mask);
}

static __always_inline void vmcs_clear_bits(unsigned long field, u32 mask)
{
	vmcs_write(field, vmcs_read(field) & ~mask);
}

static __always_inline void vmx_vmclear(u64 phys)
{
	asm goto("1: vmclear %[pa]\n\t"
		 "jna %l[fail]\n\t"
		 _ASM_EXTABLE(1b, %l[fail])
		 : : [pa] "m"(phys) : "cc", "memory" : fail);
	return;
fail:
	vmx_insn_error("VMCLEAR", phys);
}

static __always_inline void vmx_vmptrld(u64 phys)
{
	asm goto("1: vmptrld %[pa]\n\t"
		 "jna %l[fail]\n\t"
		 _ASM_EXTABLE(1b, %l[fail])
		 : : [pa] "m"(phys) : "cc", "memory" : fail);
	return;
fail:
	vmx_insn_error("VMPTRLD", phys);
}

/* Return: 0, or -EIO if INVVPID failed or faulted. */
static __always_inline int vmx_invvpid(unsigned long type, u16 vpid, u64 gva)
{
	struct {
		u64 vpid : 16;
		u64 reserved : 48;
		u64 gva;
	} desc = { vpid, 0, gva };

	asm goto("1: invvpid %[desc], %[type]\n\t"
		 "jbe %l[fail]\n\t"
		 _ASM_EXTABLE(1b, %l[fail])
		 : : [desc] "m"(desc), [type] "r"(type) : "cc", "memory" : fail);
	return 0;
fail:
	return -EIO;
}

#endif /* MINIVMX_VMX_OPS_H */

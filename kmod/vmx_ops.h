/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * VMX instructions.  Each one is an asm goto: VMfailInvalid sets CF,
 * VMfailValid sets ZF (SDM Vol. 3C 31.2, "Conventions"), so "jbe" catches
 * both; a fault (#UD, #GP) is caught by the exception table.
 */
#ifndef MINIVMX_VMX_OPS_H
#define MINIVMX_VMX_OPS_H

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

#endif /* MINIVMX_VMX_OPS_H */

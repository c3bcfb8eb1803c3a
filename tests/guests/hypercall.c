// SPDX-License-Identifier: GPL-2.0-only
/*
 * hypercall: VMCALL as Documentation/guest-abi.rst ("Hypercalls") defines
 * it: the in-kernel calls, a user call answered by the tool, unknown
 * numbers on both sides of 0x100, and that a VMCALL changes no register
 * but RAX.  Long and protected mode.  Ends through the exit port, not
 * HC_EXIT.
 *
 * Host: the tool's user call 0x100 (RBX + 1) and -ENOSYS for other user
 * calls.  Console ring: "hc\n" (HC_PUTCHAR).  Serial: the reports; exit
 * status 0.
 */
#include "libguest.h"
#include "testdev.h"

#define HC_NOP		0
#define HC_PUTCHAR	1
#define HC_ENOSYS	(-38L)

/* A distinct pattern per register. */
#define PAT(n)		((unsigned long)(0x0101010101010101ULL * (n)))

/*
 * VMCALL @nr with every general register but RAX and RSP/RBP holding a
 * pattern; true if they all still hold it afterwards.  *@ret gets RAX.
 */
static bool vmcall_keeps_regs(unsigned long nr, unsigned long *ret)
{
	unsigned long rax = nr, rbx = PAT(0x11), rcx = PAT(0x22),
		      rdx = PAT(0x33), rsi = PAT(0x44), rdi = PAT(0x55);
	bool ok;

#ifdef MODE_LONG
	register unsigned long r8 asm("r8") = PAT(0x88);
	register unsigned long r9 asm("r9") = PAT(0x99);
	register unsigned long r10 asm("r10") = PAT(0xaa);
	register unsigned long r11 asm("r11") = PAT(0xbb);
	register unsigned long r12 asm("r12") = PAT(0xcc);
	register unsigned long r13 asm("r13") = PAT(0xdd);
	register unsigned long r14 asm("r14") = PAT(0xee);
	register unsigned long r15 asm("r15") = PAT(0x77);

	asm volatile("vmcall"
		     : "+a"(rax), "+b"(rbx), "+c"(rcx), "+d"(rdx), "+S"(rsi),
		       "+D"(rdi), "+r"(r8), "+r"(r9), "+r"(r10), "+r"(r11),
		       "+r"(r12), "+r"(r13), "+r"(r14), "+r"(r15)
		     : : "memory");
	ok = r8 == PAT(0x88) && r9 == PAT(0x99) && r10 == PAT(0xaa) &&
	     r11 == PAT(0xbb) && r12 == PAT(0xcc) && r13 == PAT(0xdd) &&
	     r14 == PAT(0xee) && r15 == PAT(0x77);
#else
	asm volatile("vmcall"
		     : "+a"(rax), "+b"(rbx), "+c"(rcx), "+d"(rdx), "+S"(rsi),
		       "+D"(rdi)
		     : : "memory");
	ok = true;
#endif
	*ret = rax;
	return ok && rbx == PAT(0x11) && rcx == PAT(0x22) &&
	       rdx == PAT(0x33) && rsi == PAT(0x44) && rdi == PAT(0x55);
}

int main(void)
{
	unsigned long ret;
	bool kept;

	ret = vmcall(HC_NOP, 0, 0, 0, 0);
	report(ret == 0, "HC_NOP returns 0 (%ld)", (long)ret);

	vmcall(HC_PUTCHAR, 'h', 0, 0, 0);
	vmcall(HC_PUTCHAR, 'c', 0, 0, 0);
	vmcall(HC_PUTCHAR, '\n', 0, 0, 0);

	ret = vmcall(HC_USER_ECHO, 41, 0, 0, 0);
	report(ret == 42, "user call 0x100 with 41 returns 42 (%ld)",
	       (long)ret);

	ret = vmcall(HC_USER_ECHO + 1, 0, 0, 0, 0);
	report((long)ret == HC_ENOSYS, "unknown user call 0x101 returns -38 (%ld)",
	       (long)ret);

	ret = vmcall(0x42, 0, 0, 0, 0);
	report((long)ret == HC_ENOSYS, "unknown call 0x42 returns -38 (%ld)",
	       (long)ret);

	kept = vmcall_keeps_regs(HC_NOP, &ret);
	report(kept && ret == 0, "HC_NOP changes no register but RAX");

	/* RBX carries the argument: the pattern comes back plus one. */
	kept = vmcall_keeps_regs(HC_USER_ECHO, &ret);
	report(kept && ret == PAT(0x11) + 1,
	       "user call 0x100 changes no register but RAX");

	return report_summary();
}

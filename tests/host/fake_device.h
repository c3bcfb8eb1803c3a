/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A stand-in for the /dev/minivmx ioctls, so the library and the tool's
 * device path run on a machine without VT-x or the module.
 *
 * Link with -Wl,--wrap=open,--wrap=ioctl,--wrap=mmap: open(), every ioctl
 * of type MINIVMX_IO and mmap() of a fake vCPU then come here; everything
 * else goes to the C library.  Point MINIVMX_DEVICE at any file that opens
 * read-write (/dev/null).
 *
 * The fake answers like the ABI header says the module does, with the
 * Bochs corei7_skylake_x MSRs of fixtures/bochs-3.0-corei7_skylake_x.msrs.
 * Environment variables change what it does:
 *
 *	FAKE_MINIVMX_OPEN_ERRNO=n	open() fails with errno n
 *	FAKE_MINIVMX_API=n		MINIVMX_GET_API_VERSION answers n (1)
 *	FAKE_MINIVMX_NR_CPUS=n		possible CPUs (4)
 *	FAKE_MINIVMX_OFFLINE=n		this CPU is offline (3; -1: none)
 *	FAKE_MINIVMX_NO_VMXON=n		this online CPU has no VMXON (-1)
 *	FAKE_MINIVMX_NO_INFO_CAP=1	MINIVMX_CAP_VMX_INFO answers 0
 *	FAKE_MINIVMX_INFO_ERRNO=n	MINIVMX_GET_VMX_INFO fails with n
 *	FAKE_MINIVMX_GROW=1		the first count is one CPU short
 *	FAKE_MINIVMX_E2BIG_NO_COUNT=1	-E2BIG without the count in nr_cpus
 *	FAKE_MINIVMX_PASSTHROUGH=1	no fake: every ioctl goes to the kernel
 *	FAKE_MINIVMX_NO_RUN_CAP=1	MINIVMX_CAP_RUN answers 0
 *	FAKE_MINIVMX_DEBUG_CAP=n	MINIVMX_CAP_GUEST_DEBUG answers n (0x3f)
 *	FAKE_MINIVMX_RING_CAP=n		MINIVMX_CAP_EXIT_RING answers n (65536)
 *	FAKE_MINIVMX_LOG=1		log the VM set-up and the answers the
 *					tool gives to stderr ("fake: ...")
 *	FAKE_MINIVMX_PEEK=gpa		log the quadword at gpa at the first run
 *	FAKE_MINIVMX_SCRIPT=steps	what MINIVMX_RUN does, one step per
 *					call, separated by ';' (below)
 *
 * VMs and vCPUs are descriptors of /dev/null; a vCPU's run page is
 * anonymous shared memory.  The in-kernel devices claimed with
 * MINIVMX_SET_PORT_ROUTE behave as in the module: OUTs to the debug console
 * fill the console ring and the run goes on with the next step, an OUT to
 * the exit port ends the run.  Script steps (numbers in C syntax):
 *
 *	out:PORT:SIZE:VALUE	an OUT
 *	outs:PORT:TEXT		REP OUTSB of TEXT (up to the next ';')
 *	in:PORT:SIZE		an IN; the next run logs what the tool filled
 *	mmior:GPA:LEN		an MMIO read, logged like an IN
 *	mmiow:GPA:LEN:VALUE	an MMIO write
 *	hlt			a HLT exit
 *	hc:NR:RBX		a user hypercall; the answer is logged
 *	shutdown		a triple fault at the registers set
 *	fail:HWREASON:QUAL:ERR	a failed VM entry
 *	internal:SUB:D0:D1:D2	an internal error with three data words
 *	console:TEXT		TEXT into the ring, then a full-ring exit
 *	spin			run until immediate_exit: -EINTR
 *	sleep:MS		wait MS milliseconds, then the next step
 *	errno:N			MINIVMX_RUN fails with N
 *	step:LEN:RAX		a single-step stop: RIP moved by LEN, RAX set
 *	brk:REASON:QUAL		an exit-breakpoint stop (MINIVMX_DEBUG_EXIT)
 *
 * MINIVMX_SET_EXIT_RING turns on an exit-record ring (mmap() at
 * MINIVMX_RING_OFFSET) that records each exit the script counts, with a
 * TSC that moves by fixed steps (fake_vm.c).
 * MINIVMX_SET_GUEST_DEBUG is logged; MINIVMX_GET_VMCS answers GUEST_RIP,
 * GUEST_CS_AR_BYTES, VM_EXIT_REASON (the last exit's) and
 * EXIT_QUALIFICATION (0xf40000), 0 for the rest, and -EINVAL for
 * TERTIARY_VM_EXEC_CONTROL, a field this fake "CPU" lacks.
 * Past the last step MINIVMX_RUN answers exit reason 0 (unknown).
 */
#ifndef MINIVMX_FAKE_DEVICE_H
#define MINIVMX_FAKE_DEVICE_H

#include <sys/types.h>

/* MINIVMX_GET_VMX_INFO calls the fake answered since the program began */
extern int fake_vmx_info_calls;

/* What --wrap links in place of the C library's functions, and to them. */
int __wrap_open(const char *path, int flags, ...);
int __wrap_ioctl(int fd, unsigned long request, ...);
void *__wrap_mmap(void *addr, size_t len, int prot, int flags, int fd,
		  off_t offset);
int __real_open(const char *path, int flags, ...);
int __real_ioctl(int fd, unsigned long request, ...);
void *__real_mmap(void *addr, size_t len, int prot, int flags, int fd,
		  off_t offset);

#endif /* MINIVMX_FAKE_DEVICE_H */

/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * minivmx - a minimal Intel VT-x hypervisor: the userspace ABI.
 *
 * This one header is shared unchanged by the kernel module, the minivmx tool
 * and the tests.  Documentation/api.rst describes every ioctl under the same
 * headings as KVM's api.rst.
 *
 * Rules that hold for every ioctl:
 *  - an unknown command fails with -ENOTTY;
 *  - a non-zero reserved field, pad or unknown flag fails with -EINVAL
 *    before anything is changed;
 *  - a bad user pointer fails with -EFAULT;
 *  - pointers travel as __u64.
 */
#ifndef _UAPI_LINUX_MINIVMX_H
#define _UAPI_LINUX_MINIVMX_H

#include <linux/types.h>
#include <linux/ioctl.h>

/* Returned by MINIVMX_GET_API_VERSION; bumped only on incompatible change. */
#define MINIVMX_API_VERSION	1

/*
 * 0xBA is free in Documentation/userspace-api/ioctl/ioctl-number.rst
 * (Linux 6.1); KVM uses 0xAE.
 */
#define MINIVMX_IO		0xBA

/* Capabilities, for MINIVMX_CHECK_CAP.  An unknown number answers 0. */
#define MINIVMX_CAP_VMX_INFO		1	/* MINIVMX_GET_VMX_INFO works */
#define MINIVMX_CAP_EPT			2	/* always 1: required to load */
#define MINIVMX_CAP_UNRESTRICTED_GUEST	3	/* always 1: required to load */
#define MINIVMX_CAP_VPID		4	/* VPIDs tag guest TLB entries */
#define MINIVMX_CAP_PREEMPTION_TIMER	5	/* answers the timer rate shift + 1 */
#define MINIVMX_CAP_MTF			6	/* monitor trap flag */
#define MINIVMX_CAP_EPT_2M		7	/* EPT 2 MiB pages */
#define MINIVMX_CAP_EPT_AD		8	/* EPT accessed/dirty flags */
#define MINIVMX_CAP_NR_CPUS		9	/* answers nr_cpu_ids */
#define MINIVMX_CAP_RUN			10	/* VMs, vCPUs and MINIVMX_RUN */
#define MINIVMX_CAP_MAX_VCPUS		11	/* answers MINIVMX_MAX_VCPUS */
#define MINIVMX_CAP_MEM_SLOTS		12	/* answers MINIVMX_MAX_MEM_SLOTS */
#define MINIVMX_CAP_GUEST_DEBUG		13	/* MINIVMX_SET_GUEST_DEBUG */
#define MINIVMX_CAP_GET_VMCS		14	/* MINIVMX_GET_VMCS */
#define MINIVMX_CAP_EXIT_RING		15	/* answers MINIVMX_MAX_RING_ENTRIES */
#define MINIVMX_CAP_TRANSLATE		16	/* MINIVMX_TRANSLATE */
/* MINIVMX_INTERRUPT, the run structure's interrupt fields, the window exit */
#define MINIVMX_CAP_INTERRUPT		17
#define MINIVMX_CAP_NMI			18	/* MINIVMX_NMI: virtual NMIs */
/* MINIVMX_CREATE_LAPIC, MINIVMX_SIGNAL_MSI, HLT in the kernel */
#define MINIVMX_CAP_LAPIC		19
/* MINIVMX_SET_EXIT_ROUTES and MINIVMX_EXIT_ROUTED */
#define MINIVMX_CAP_EXIT_ROUTES		20
/* MINIVMX_CREATE_VM with MINIVMX_VM_SHADOW_PAGING */
#define MINIVMX_CAP_SHADOW_PAGING	21

/**
 * struct minivmx_vmx_msrs - the VMX capability MSRs, as read at load time
 * @feature_control: IA32_FEATURE_CONTROL (0x3a)
 * @basic: IA32_VMX_BASIC (0x480)
 * @pinbased_ctls: IA32_VMX_PINBASED_CTLS (0x481)
 * @procbased_ctls: IA32_VMX_PROCBASED_CTLS (0x482)
 * @exit_ctls: IA32_VMX_EXIT_CTLS (0x483)
 * @entry_ctls: IA32_VMX_ENTRY_CTLS (0x484)
 * @misc: IA32_VMX_MISC (0x485)
 * @cr0_fixed0: IA32_VMX_CR0_FIXED0 (0x486)
 * @cr0_fixed1: IA32_VMX_CR0_FIXED1 (0x487)
 * @cr4_fixed0: IA32_VMX_CR4_FIXED0 (0x488)
 * @cr4_fixed1: IA32_VMX_CR4_FIXED1 (0x489)
 * @vmcs_enum: IA32_VMX_VMCS_ENUM (0x48a)
 * @procbased_ctls2: IA32_VMX_PROCBASED_CTLS2 (0x48b), 0 if absent
 * @ept_vpid_cap: IA32_VMX_EPT_VPID_CAP (0x48c), 0 if absent
 * @true_pinbased_ctls: IA32_VMX_TRUE_PINBASED_CTLS (0x48d), 0 if absent
 * @true_procbased_ctls: IA32_VMX_TRUE_PROCBASED_CTLS (0x48e), 0 if absent
 * @true_exit_ctls: IA32_VMX_TRUE_EXIT_CTLS (0x48f), 0 if absent
 * @true_entry_ctls: IA32_VMX_TRUE_ENTRY_CTLS (0x490), 0 if absent
 * @vmfunc: IA32_VMX_VMFUNC (0x491), 0 if absent
 *
 * Raw values: the low 32 bits of a control MSR are the bits that may be 0
 * (a 0 there means "must be 1"), the high 32 bits the bits that may be 1
 * (SDM Vol. 3D, Appendix A.3-A.5).  "Absent" follows the SDM's rules for
 * which MSRs exist (Appendix A.1).
 */
struct minivmx_vmx_msrs {
	__u64 feature_control;
	__u64 basic;
	__u64 pinbased_ctls;
	__u64 procbased_ctls;
	__u64 exit_ctls;
	__u64 entry_ctls;
	__u64 misc;
	__u64 cr0_fixed0;
	__u64 cr0_fixed1;
	__u64 cr4_fixed0;
	__u64 cr4_fixed1;
	__u64 vmcs_enum;
	__u64 procbased_ctls2;
	__u64 ept_vpid_cap;
	__u64 true_pinbased_ctls;
	__u64 true_procbased_ctls;
	__u64 true_exit_ctls;
	__u64 true_entry_ctls;
	__u64 vmfunc;
};

/* struct minivmx_cpu_state.flags */
#define MINIVMX_CPU_ONLINE	(1U << 0)	/* the CPU is online */
#define MINIVMX_CPU_VMXON	(1U << 1)	/* minivmx executed VMXON on it */

/**
 * struct minivmx_cpu_state - VMX state of one possible CPU
 * @cpu: the CPU number
 * @flags: MINIVMX_CPU_*
 * @cr4: CR4 as read on that CPU just now (0 if it is offline); bit 13 is
 *	CR4.VMXE
 * @feature_control: IA32_FEATURE_CONTROL as read on that CPU (0 if offline)
 */
struct minivmx_cpu_state {
	__u32 cpu;
	__u32 flags;
	__u64 cr4;
	__u64 feature_control;
};

/**
 * struct minivmx_vmx_info - argument of MINIVMX_GET_VMX_INFO
 * @flags: in: must be 0
 * @nr_cpus: in: number of entries @cpus has room for;
 *	out: number of possible CPUs (entries needed)
 * @cpus: in: user pointer to an array of struct minivmx_cpu_state, or 0
 *	to ask only for the count
 * @nr_online: out: online CPUs
 * @nr_vmxon: out: CPUs on which minivmx holds VMX operation
 * @msrs: out: the capability MSRs read at load time
 * @reserved: must be 0
 */
struct minivmx_vmx_info {
	__u32 flags;
	__u32 nr_cpus;
	__u64 cpus;
	__u32 nr_online;
	__u32 nr_vmxon;
	struct minivmx_vmx_msrs msrs;
	__u64 reserved[8];
};

/*
 * VM exit reasons (SDM Vol. 3D, Appendix C), {number, "NAME"} for tracing
 * and tools.  The module's handler table is indexed by the same numbers.
 */
#define MINIVMX_VMX_EXIT_REASONS \
	{ 0, "EXCEPTION_NMI" }, { 1, "EXTERNAL_INTERRUPT" }, \
	{ 2, "TRIPLE_FAULT" }, { 3, "INIT_SIGNAL" }, { 4, "SIPI_SIGNAL" }, \
	{ 5, "IO_SMI" }, { 6, "OTHER_SMI" }, { 7, "INTERRUPT_WINDOW" }, \
	{ 8, "NMI_WINDOW" }, { 9, "TASK_SWITCH" }, { 10, "CPUID" }, \
	{ 11, "GETSEC" }, { 12, "HLT" }, { 13, "INVD" }, { 14, "INVLPG" }, \
	{ 15, "RDPMC" }, { 16, "RDTSC" }, { 17, "RSM" }, { 18, "VMCALL" }, \
	{ 19, "VMCLEAR" }, { 20, "VMLAUNCH" }, { 21, "VMPTRLD" }, \
	{ 22, "VMPTRST" }, { 23, "VMREAD" }, { 24, "VMRESUME" }, \
	{ 25, "VMWRITE" }, { 26, "VMXOFF" }, { 27, "VMXON" }, \
	{ 28, "CR_ACCESS" }, { 29, "DR_ACCESS" }, { 30, "IO_INSTRUCTION" }, \
	{ 31, "MSR_READ" }, { 32, "MSR_WRITE" }, { 33, "INVALID_STATE" }, \
	{ 34, "MSR_LOAD_FAIL" }, { 36, "MWAIT_INSTRUCTION" }, \
	{ 37, "MONITOR_TRAP_FLAG" }, { 39, "MONITOR_INSTRUCTION" }, \
	{ 40, "PAUSE_INSTRUCTION" }, { 41, "MCE_DURING_VMENTRY" }, \
	{ 43, "TPR_BELOW_THRESHOLD" }, { 44, "APIC_ACCESS" }, \
	{ 45, "EOI_INDUCED" }, { 46, "GDTR_IDTR" }, { 47, "LDTR_TR" }, \
	{ 48, "EPT_VIOLATION" }, { 49, "EPT_MISCONFIG" }, { 50, "INVEPT" }, \
	{ 51, "RDTSCP" }, { 52, "PREEMPTION_TIMER" }, { 53, "INVVPID" }, \
	{ 54, "WBINVD" }, { 55, "XSETBV" }, { 56, "APIC_WRITE" }, \
	{ 57, "RDRAND" }, { 58, "INVPCID" }, { 59, "VMFUNC" }, \
	{ 60, "ENCLS" }, { 61, "RDSEED" }, { 62, "PML_FULL" }, \
	{ 63, "XSAVES" }, { 64, "XRSTORS" }, { 66, "SPP" }, \
	{ 67, "UMWAIT" }, { 68, "TPAUSE" }, { 69, "LOADIWKEY" }, \
	{ 74, "BUS_LOCK" }, { 75, "NOTIFY" }

/*
 * The VM-entry checks (SDM Vol. 3C 26.2-26.3) minivmx names when it
 * refuses a state or the CPU refuses an entry: C(id, NAME, "what fails",
 * "SDM section").  MINIVMX_CHECK_<NAME> is the id.  The module's checks
 * and the tool's names come from this one list.
 */
#define MINIVMX_ENTRY_CHECKS(C) \
	C(1, CTRL_PIN, "pin-based controls outside the allowed settings", "26.2.1.1") \
	C(2, CTRL_PROC, "processor-based controls outside the allowed settings", "26.2.1.1") \
	C(3, CTRL_PROC2, "secondary controls outside the allowed settings", "26.2.1.1") \
	C(4, CTRL_EXIT, "VM-exit controls outside the allowed settings", "26.2.1.2") \
	C(5, CTRL_ENTRY, "VM-entry controls outside the allowed settings", "26.2.1.3") \
	C(6, CTRL_CR3_TARGETS, "CR3-target count above what the CPU supports", "26.2.1.1") \
	C(7, CTRL_EPTP, "EPT pointer: memory type, walk length or reserved bits", "26.2.1.1") \
	C(8, CTRL_VPID, "VPID enabled with VPID 0", "26.2.1.1") \
	C(9, CTRL_ENTRY_INTR, "event injection: type, vector, error code or reserved bits", "26.2.1.3") \
	C(10, CTRL_ENTRY_INSN_LEN, "event injection: instruction length of a software event", "26.2.1.3") \
	C(11, HOST_CR0, "host CR0: a bit IA32_VMX_CR0_FIXED0/1 fixes", "26.2.2") \
	C(12, HOST_CR4, "host CR4: a bit IA32_VMX_CR4_FIXED0/1 fixes", "26.2.2") \
	C(13, HOST_SELECTORS, "host selectors: RPL or TI set, or CS or TR null", "26.2.3") \
	C(14, HOST_ADDR_SPACE, "host address-space size control off on a 64-bit host", "26.2.4") \
	C(15, HOST_CANONICAL, "host RIP or a host base not canonical", "26.2.2-26.2.3") \
	C(16, GUEST_CR0, "guest CR0: a bit IA32_VMX_CR0_FIXED0/1 fixes, or PG without PE", "26.3.1.1") \
	C(17, GUEST_CR4, "guest CR4: a bit IA32_VMX_CR4_FIXED0/1 fixes, or PCIDE outside IA-32e", "26.3.1.1") \
	C(18, GUEST_CR3, "guest CR3 beyond the physical-address width", "26.3.1.1") \
	C(19, GUEST_IA32E, "IA-32e mode guest without CR0.PG and CR4.PAE", "26.3.1.1") \
	C(20, GUEST_EFER, "guest EFER: reserved bits, or LMA/LME against IA-32e mode and CR0.PG", "26.3.1.1") \
	C(21, GUEST_DR7, "guest DR7 bits 63:32 set", "26.3.1.1") \
	C(22, GUEST_TR, "TR: TI set, unusable, S or P wrong, or the wrong TSS type", "26.3.1.2") \
	C(23, GUEST_LDTR, "LDTR usable but TI set, not an LDT, S set or not present", "26.3.1.2") \
	C(24, GUEST_SEG_BASE, "segment base: not canonical, or bits 63:32 set in CS/SS/DS/ES", "26.3.1.2") \
	C(25, GUEST_CS_TYPE, "CS type not an accessed code segment (or 3 in real mode)", "26.3.1.2") \
	C(26, GUEST_SS_TYPE, "SS usable but not a writable data segment", "26.3.1.2") \
	C(27, GUEST_DATA_TYPE, "DS/ES/FS/GS: not accessed, or execute-only code", "26.3.1.2") \
	C(28, GUEST_SEG_S, "CS/SS/DS/ES/FS/GS usable with S clear", "26.3.1.2") \
	C(29, GUEST_CS_DPL, "CS DPL against its type and SS DPL", "26.3.1.2") \
	C(30, GUEST_SS_DPL, "SS DPL not 0 in real mode or with a type-3 CS", "26.3.1.2") \
	C(31, GUEST_SEG_PRESENT, "CS or a usable segment not present", "26.3.1.2") \
	C(32, GUEST_SEG_AR, "segment access rights: reserved bits set", "26.3.1.2") \
	C(33, GUEST_SEG_LIMIT, "segment limit against its G bit", "26.3.1.2") \
	C(34, GUEST_CS_L_D, "IA-32e mode: CS with both L and D set", "26.3.1.2") \
	C(35, GUEST_DTABLE, "GDTR/IDTR: base not canonical or limit above 0xffff", "26.3.1.3") \
	C(36, GUEST_RIP, "RIP: bits 63:32 outside 64-bit code, or not canonical", "26.3.1.4") \
	C(37, GUEST_RFLAGS, "RFLAGS: reserved bits, bit 1 clear, or VM in IA-32e or real mode", "26.3.1.4") \
	C(38, GUEST_RFLAGS_IF, "external interrupt injected with RFLAGS.IF clear", "26.3.1.4") \
	C(39, GUEST_ACTIVITY, "activity state: unknown, unsupported, or HLT with SS DPL not 0", "26.3.1.5") \
	C(40, GUEST_INTERRUPTIBILITY, "interruptibility: reserved bits, STI with MOV SS, STI with IF clear", "26.3.1.5") \
	C(41, GUEST_PENDING_DBG, "pending debug exceptions: reserved bits, or BS against TF and BTF", "26.3.1.5") \
	C(42, GUEST_LINK_POINTER, "VMCS link pointer not ~0", "26.3.1.5") \
	C(43, GUEST_PDPTE, "PAE paging: a present PDPTE with reserved bits", "26.3.1.6")

#define MINIVMX_CHECK_ENUM(id, name, text, sdm) MINIVMX_CHECK_##name = id,
enum { MINIVMX_ENTRY_CHECKS(MINIVMX_CHECK_ENUM) };

/* Basic exit reasons counted in struct minivmx_run.exit_count[]. */
#define MINIVMX_NR_VMX_EXIT_REASONS	80

/* ---- VMs, memory and vCPUs ---- */

/*
 * MINIVMX_CREATE_VM's argument: 0 for a VM on EPT, or this flag for one
 * whose guest page tables the kernel shadows (Documentation/shadow.rst):
 * no EPT, no unrestricted guest (protected, paged and long mode only), no
 * VPID, every guest #PF, MOV to or from CR3 and INVLPG an exit.
 */
#define MINIVMX_VM_SHADOW_PAGING	(1U << 0)

/* struct minivmx_memory_region.flags */
#define MINIVMX_MEM_READONLY	(1U << 0)	/* guest writes become MMIO exits */

/* Limits */
#define MINIVMX_MAX_MEM_SLOTS	32
#define MINIVMX_MAX_VCPUS	8
#define MINIVMX_MAX_MEM_SIZE	(1ULL << 39)	/* highest guest-physical end */

/**
 * struct minivmx_memory_region - argument of MINIVMX_SET_MEMORY_REGION
 * @slot: 0 .. MINIVMX_MAX_MEM_SLOTS - 1
 * @flags: MINIVMX_MEM_*
 * @guest_phys_addr: page-aligned guest-physical start
 * @memory_size: bytes, page-aligned; 0 deletes the slot
 * @userspace_addr: page-aligned start of the backing memory in the caller
 *
 * The backing pages are pinned while the region exists.  Where the
 * guest-physical and host-physical addresses are both 2 MiB aligned and
 * the host memory is contiguous, EPT maps 2 MiB pages.
 */
struct minivmx_memory_region {
	__u32 slot;
	__u32 flags;
	__u64 guest_phys_addr;
	__u64 memory_size;
	__u64 userspace_addr;
};

/**
 * struct minivmx_regs - general registers, argument of MINIVMX_GET_REGS
 *	and MINIVMX_SET_REGS
 * @rax: RAX
 * @rbx: RBX
 * @rcx: RCX
 * @rdx: RDX
 * @rsi: RSI
 * @rdi: RDI
 * @rsp: RSP
 * @rbp: RBP
 * @r8: R8
 * @r9: R9
 * @r10: R10
 * @r11: R11
 * @r12: R12
 * @r13: R13
 * @r14: R14
 * @r15: R15
 * @rip: instruction pointer
 * @rflags: RFLAGS; bit 1 must be 1, reserved bits 0
 */
struct minivmx_regs {
	__u64 rax, rbx, rcx, rdx, rsi, rdi, rsp, rbp;
	__u64 r8, r9, r10, r11, r12, r13, r14, r15;
	__u64 rip, rflags;
};

/**
 * struct minivmx_segment - a segment register with its hidden part
 * @base: base address
 * @limit: limit in bytes (granularity already applied)
 * @selector: the visible selector
 * @type: descriptor type (4 bits)
 * @s: 1 = code/data, 0 = system
 * @dpl: descriptor privilege level
 * @present: P bit
 * @avl: available bit
 * @l: 64-bit code segment
 * @db: default operation size
 * @g: granularity
 * @unusable: the segment is unusable (a null selector loaded, SDM 24.4.1)
 * @pad: must be 0
 */
struct minivmx_segment {
	__u64 base;
	__u32 limit;
	__u16 selector;
	__u8 type, s, dpl, present, avl, l, db, g, unusable, pad;
};

/**
 * struct minivmx_dtable - a descriptor-table register
 * @base: base address
 * @limit: limit
 * @pad: must be 0
 */
struct minivmx_dtable {
	__u64 base;
	__u16 limit;
	__u16 pad[3];
};

/**
 * struct minivmx_sregs - special registers, argument of MINIVMX_GET_SREGS
 *	and MINIVMX_SET_SREGS
 * @cs: CS, with its hidden part
 * @ds: DS, with its hidden part
 * @es: ES, with its hidden part
 * @fs: FS, with its hidden part
 * @gs: GS, with its hidden part
 * @ss: SS, with its hidden part
 * @tr: TR, with its hidden part
 * @ldt: LDTR, with its hidden part
 * @gdt: GDTR
 * @idt: IDTR
 * @cr0: CR0 as the guest sees it (VMX-forced bits are shadowed)
 * @cr2: CR2
 * @cr3: CR3
 * @cr4: CR4 as the guest sees it
 * @efer: IA32_EFER; LMA follows LME and CR0.PG
 * @reserved: must be 0
 *
 * MINIVMX_SET_SREGS refuses with -EINVAL what a CPU would refuse in the
 * guest (for example CR0.PG without CR0.PE, long mode without PAE, reserved
 * CR4 bits); what only VM entry finds wrong is reported by MINIVMX_RUN as a
 * MINIVMX_EXIT_FAIL_ENTRY exit.
 */
struct minivmx_sregs {
	struct minivmx_segment cs, ds, es, fs, gs, ss, tr, ldt;
	struct minivmx_dtable gdt, idt;
	__u64 cr0, cr2, cr3, cr4, efer;
	__u64 reserved[4];
};

/**
 * struct minivmx_cpuid_entry - one CPUID answer the guest should see
 * @function: EAX input
 * @index: ECX input (subleaf), compared only with MINIVMX_CPUID_INDEXED
 * @flags: MINIVMX_CPUID_*
 * @eax: output EAX
 * @ebx: output EBX
 * @ecx: output ECX
 * @edx: output EDX
 * @pad: must be 0
 */
struct minivmx_cpuid_entry {
	__u32 function;
	__u32 index;
	__u32 flags;
	__u32 eax, ebx, ecx, edx;
	__u32 pad;
};

#define MINIVMX_CPUID_INDEXED	(1U << 0)
#define MINIVMX_MAX_CPUID_ENTRIES	64

/**
 * struct minivmx_cpuid - argument of MINIVMX_SET_CPUID
 * @nr: number of entries (at most MINIVMX_MAX_CPUID_ENTRIES; 0 clears)
 * @pad: must be 0
 * @entries: user pointer to @nr struct minivmx_cpuid_entry
 *
 * Entries override the filtered host values minivmx answers by default.
 */
struct minivmx_cpuid {
	__u32 nr;
	__u32 pad;
	__u64 entries;
};

/* struct minivmx_port_route.handler */
#define MINIVMX_PORT_USER	0	/* exit to userspace (the default) */
#define MINIVMX_PORT_DEBUGCON	1	/* kernel: bytes into the console ring */
#define MINIVMX_PORT_EXIT	2	/* kernel: a write ends the run */

/**
 * struct minivmx_port_route - argument of MINIVMX_SET_PORT_ROUTE
 * @first_port: first port of the range
 * @nr_ports: ports in the range (at least 1)
 * @handler: MINIVMX_PORT_*; MINIVMX_PORT_USER gives the range back to
 *	userspace
 * @flags: must be 0
 * @pad: must be 0
 *
 * Ranges claimed for in-kernel handlers must not overlap.  Reads from the
 * in-kernel handlers return all ones.
 */
struct minivmx_port_route {
	__u16 first_port;
	__u16 nr_ports;
	__u32 handler;
	__u32 flags;
	__u32 pad;
};

/*
 * Basic exit reasons a VM may route to userspace (MINIVMX_SET_EXIT_ROUTES):
 * CPUID (10), HLT (12), INVD (13), RDPMC (15), VMCALL (18), control
 * register accesses (28), RDMSR (31), WRMSR (32), EPT violations (48),
 * WBINVD (54).  Bit N is basic exit reason N.
 */
#define MINIVMX_ROUTABLE_EXITS						\
	((1ULL << 10) | (1ULL << 12) | (1ULL << 13) | (1ULL << 15) |	\
	 (1ULL << 18) | (1ULL << 28) | (1ULL << 31) | (1ULL << 32) |	\
	 (1ULL << 48) | (1ULL << 54))

/**
 * struct minivmx_exit_routes - argument of MINIVMX_SET_EXIT_ROUTES
 * @user: bit N set: every VM exit with basic reason N ends MINIVMX_RUN
 *	with MINIVMX_EXIT_ROUTED instead of being handled in the kernel.
 *	The first word may only hold bits of MINIVMX_ROUTABLE_EXITS, the
 *	second must be 0.  All zero (the default) gives every exit back to
 *	the kernel.
 * @reserved: must be 0
 *
 * The routes belong to the VM and count for all its vCPUs from their
 * next exit.  Exits that keep the host safe (exceptions and NMIs,
 * external interrupts, the preemption timer) and those with their own
 * route (port I/O: MINIVMX_SET_PORT_ROUTE; hypercalls from
 * MINIVMX_HC_USER_BASE) cannot be taken over, or are by other means.
 */
struct minivmx_exit_routes {
	__u64 user[2];
	__u64 reserved[2];
};

/* ---- The run structure, mmap()ed from a vCPU fd ---- */

/* struct minivmx_run.exit_reason: why MINIVMX_RUN returned */
#define MINIVMX_EXIT_UNKNOWN		0
#define MINIVMX_EXIT_IO			1	/* port I/O for userspace */
#define MINIVMX_EXIT_MMIO		2	/* access to unbacked memory */
#define MINIVMX_EXIT_HLT		3
#define MINIVMX_EXIT_HYPERCALL		4	/* VMCALL for userspace */
#define MINIVMX_EXIT_SHUTDOWN		5	/* triple fault */
#define MINIVMX_EXIT_FAIL_ENTRY		6	/* VM entry failed */
#define MINIVMX_EXIT_INTERNAL_ERROR	7	/* an exit minivmx cannot handle */
#define MINIVMX_EXIT_GUEST_EXIT		8	/* the guest asked to stop */
#define MINIVMX_EXIT_CONSOLE		9	/* the console ring is full */
#define MINIVMX_EXIT_INTR		10	/* immediate_exit was set */
#define MINIVMX_EXIT_DEBUG		11	/* MINIVMX_SET_GUEST_DEBUG stopped it */
#define MINIVMX_EXIT_IRQ_WINDOW_OPEN	12	/* request_interrupt_window: open */
#define MINIVMX_EXIT_EOI		13	/* EOI of a level-triggered vector */
#define MINIVMX_EXIT_ROUTED		14	/* an exit routed to userspace */

/* struct minivmx_run.routed.action: how MINIVMX_RUN goes on after it */
#define MINIVMX_ROUTED_RESUME	0	/* the guest as userspace left it */
#define MINIVMX_ROUTED_SKIP	1	/* past the instruction, then resume */
#define MINIVMX_ROUTED_KERNEL	2	/* the kernel handles the exit now */
#define MINIVMX_ROUTED_GP	3	/* inject #GP(0) at the instruction */
#define MINIVMX_ROUTED_UD	4	/* inject #UD at the instruction */

/* struct minivmx_run.debug.reasons: why a MINIVMX_EXIT_DEBUG stopped */
#define MINIVMX_DEBUG_STEP	(1U << 0)	/* the steps asked for are done */
#define MINIVMX_DEBUG_SW_BP	(1U << 1)	/* INT3 (#BP) at debug.rip */
#define MINIVMX_DEBUG_HW_BP	(1U << 2)	/* instruction breakpoint, DR0-3 */
#define MINIVMX_DEBUG_WATCH	(1U << 3)	/* data breakpoint (watchpoint) */
#define MINIVMX_DEBUG_EXIT	(1U << 4)	/* an exit breakpoint's reason */

/* struct minivmx_run.internal.suberror */
#define MINIVMX_INTERNAL_UNHANDLED_EXIT	1	/* no handler for the reason */
#define MINIVMX_INTERNAL_EMULATION	2	/* instruction not decoded */
#define MINIVMX_INTERNAL_FETCH		3	/* guest code not readable */
#define MINIVMX_INTERNAL_EPT_MISCONFIG	4
/* MMIO met while delivering an event or walking the guest's page tables */
#define MINIVMX_INTERNAL_DELIVERY_EV	5
/* Shadow paging: the guest is in real mode (needs unrestricted guest) */
#define MINIVMX_INTERNAL_REAL_MODE	6

#define MINIVMX_IO_IN	0
#define MINIVMX_IO_OUT	1

/* Hypercalls (VMCALL): RAX = number, RBX, RCX, RDX, RSI = arguments. */
#define MINIVMX_HC_NOP		0	/* kernel: returns 0 */
#define MINIVMX_HC_PUTCHAR	1	/* kernel: RBX's low byte to the console */
#define MINIVMX_HC_EXIT		2	/* kernel: end the run, status RBX */
#define MINIVMX_HC_USER_BASE	0x100	/* these and above go to userspace */
#define MINIVMX_HC_ENOSYS	((__u64)-38)	/* RAX for an unknown call */

#define MINIVMX_RUN_SIZE	4096
#define MINIVMX_IO_DATA_OFFSET	2048	/* string I/O data in the run page */
#define MINIVMX_IO_DATA_SIZE	1024
#define MINIVMX_CONSOLE_SIZE	512

/**
 * struct minivmx_run - shared between the kernel and the VMM
 * @immediate_exit: in: non-zero makes MINIVMX_RUN return at once with
 *	-EINTR and MINIVMX_EXIT_INTR; a pending IN, MMIO read or hypercall
 *	is completed by the next MINIVMX_RUN that enters the guest
 * @request_interrupt_window: in: non-zero makes MINIVMX_RUN return with
 *	MINIVMX_EXIT_IRQ_WINDOW_OPEN as soon as the guest can take an
 *	interrupt (@ready_for_interrupt_injection would be 1) and none is
 *	queued, as KVM's field of that name
 * @ready_for_interrupt_injection: out: 1 when MINIVMX_INTERRUPT's vector
 *	would be delivered before the guest's next instruction: RFLAGS.IF is
 *	set, no STI or MOV SS blocking holds, no interrupt is queued and no
 *	event is being delivered again
 * @if_flag: out: the guest's RFLAGS.IF
 * @pad0: padding
 * @exit_reason: out: MINIVMX_EXIT_*
 * @vmx_exit_reason: out: the basic VMX exit reason behind it
 * @exit_qualification: out: the raw exit qualification
 * @guest_rip: out: RIP of the instruction that caused the exit
 * @io: MINIVMX_EXIT_IO: @io.direction MINIVMX_IO_IN/OUT, @io.size 1, 2 or
 *	4, @io.port, @io.count items at byte @io.data_offset of this page.
 *	For IN, fill them before the next MINIVMX_RUN.
 * @mmio: MINIVMX_EXIT_MMIO: @mmio.phys_addr, @mmio.len 1-8,
 *	@mmio.is_write; @mmio.data holds the written bytes, or must be
 *	filled for a read before the next MINIVMX_RUN
 * @hypercall: MINIVMX_EXIT_HYPERCALL: @hypercall.nr, @hypercall.args;
 *	set @hypercall.ret, which the guest gets in RAX
 * @shutdown: MINIVMX_EXIT_SHUTDOWN: the registers and control registers
 *	at the triple fault
 * @fail_entry: MINIVMX_EXIT_FAIL_ENTRY: @fail_entry.vm_instruction_error
 *	(VMfailValid, SDM 31.4) or @fail_entry.hardware_exit_reason with bit 31
 *	set and its qualification (SDM 27.8); @fail_entry.check is the first
 *	MINIVMX_ENTRY_CHECKS entry the VMCS fails, as minivmx reads it after
 *	the failure (0: none of them)
 * @internal: MINIVMX_EXIT_INTERNAL_ERROR: @internal.suberror
 *	(MINIVMX_INTERNAL_*), @internal.data depends on it (GPA, instruction
 *	bytes)
 * @guest_exit: MINIVMX_EXIT_GUEST_EXIT: @guest_exit.status
 * @eoi: MINIVMX_EXIT_EOI: the guest wrote its local APIC's EOI register
 *	for @eoi.vector, which was delivered level-triggered: the I/O APIC
 *	in userspace may deliver that line again
 * @routed: MINIVMX_EXIT_ROUTED: an exit of a reason routed to userspace
 *	by MINIVMX_SET_EXIT_ROUTES, not handled: @vmx_exit_reason,
 *	@exit_qualification and @guest_rip say which and where;
 *	@routed.insn_len and @routed.insn_info the exiting instruction's
 *	length and information fields, @routed.gpa and @routed.gla an EPT
 *	violation's addresses, raw as the VMCS held them.  Set
 *	@routed.action (MINIVMX_ROUTED_*, 0 when left alone) before the next
 *	MINIVMX_RUN: RESUME enters the guest with the registers as
 *	MINIVMX_SET_REGS and MINIVMX_SET_SREGS left them (RIP at the
 *	instruction unless userspace moved it); SKIP moves RIP past the
 *	instruction first as executing it would (not for EPT violations,
 *	whose length the CPU does not give); KERNEL runs the kernel's own
 *	handler for the exit with the registers as they are then; GP and
 *	UD deliver that exception instead of running the instruction.  An
 *	unknown action fails that MINIVMX_RUN with -EINVAL and keeps the
 *	exit pending.
 * @debug: MINIVMX_EXIT_DEBUG: @debug.reasons (MINIVMX_DEBUG_*, more than
 *	one may be set), @debug.rip where the guest stopped (the next
 *	instruction to run), @debug.steps the instructions completed since
 *	the step count was armed (by MINIVMX_SET_GUEST_DEBUG or the last
 *	MINIVMX_DEBUG_STEP stop; other exits and stops do not re-arm it), @debug.dr6 and @debug.dr7 for breakpoints and
 *	watchpoints (DR6 as the CPU reported it: B0-B3 say which); for
 *	MINIVMX_DEBUG_EXIT the exit, already handled in the kernel:
 *	@debug.vmx_exit_reason, @debug.exit_rip (its instruction),
 *	@debug.exit_qualification, @debug.gpa and @debug.gla (EPT
 *	violations), @debug.intr_info, @debug.idt_vectoring_info,
 *	@debug.insn_len and @debug.insn_info, raw as the VMCS held them
 * @pad: sizes the union
 * @exit_count: out: VM exits by basic reason since the vCPU was created
 * @console_len: in/out: bytes in @console; the VMM empties it by setting
 *	0
 * @console: out: bytes the guest wrote to in-kernel console ports and
 *	hypercalls
 * @refused_check: out: the MINIVMX_ENTRY_CHECKS entry the state given to
 *	the last MINIVMX_SET_SREGS or MINIVMX_SET_REGS failed, when it was
 *	refused with -EINVAL for it; 0 otherwise
 */
struct minivmx_run {
	__u8 immediate_exit;
	__u8 request_interrupt_window;
	__u8 ready_for_interrupt_injection;
	__u8 if_flag;
	__u8 pad0[4];
	__u32 exit_reason;
	__u32 vmx_exit_reason;
	__u64 exit_qualification;
	__u64 guest_rip;
	union {
		struct {
			__u8 direction;
			__u8 size;
			__u16 port;
			__u32 count;
			__u64 data_offset;
		} io;
		struct {
			__u64 phys_addr;
			__u8 data[8];
			__u32 len;
			__u8 is_write;
			__u8 pad[3];
		} mmio;
		struct {
			__u64 nr;
			__u64 args[4];
			__u64 ret;
		} hypercall;
		struct {
			struct minivmx_regs regs;
			__u64 cr0, cr3, cr4, efer;
		} shutdown;
		struct {
			__u64 hardware_exit_reason;
			__u64 qualification;
			__u32 vm_instruction_error;
			__u32 check;
		} fail_entry;
		struct {
			__u32 suberror;
			__u32 ndata;
			__u64 data[16];
		} internal;
		struct {
			__u64 status;
		} guest_exit;
		struct {
			__u8 vector;
		} eoi;
		struct {
			__u32 reasons;
			__u32 vmx_exit_reason;
			__u64 rip;
			__u64 dr6;
			__u64 dr7;
			__u64 steps;
			__u64 exit_rip;
			__u64 exit_qualification;
			__u64 gpa;
			__u64 gla;
			__u32 intr_info;
			__u32 idt_vectoring_info;
			__u32 insn_len;
			__u32 insn_info;
		} debug;
		struct {
			__u64 gpa;
			__u64 gla;
			__u32 insn_len;
			__u32 insn_info;
			__u32 action;
			__u32 pad;
		} routed;
		__u8 pad[256];
	};
	__u64 exit_count[MINIVMX_NR_VMX_EXIT_REASONS];
	__u32 console_len;
	__u8 console[MINIVMX_CONSOLE_SIZE];
	__u32 refused_check;
};

/* struct minivmx_guest_debug.control */
#define MINIVMX_GUESTDBG_ENABLE		(1U << 0)	/* the rest counts */
#define MINIVMX_GUESTDBG_SINGLESTEP	(1U << 1)	/* stop after @steps */
#define MINIVMX_GUESTDBG_USE_SW_BP	(1U << 2)	/* #BP stops, not delivered */
#define MINIVMX_GUESTDBG_USE_HW_BP	(1U << 3)	/* @db and @dr7 armed */
#define MINIVMX_GUESTDBG_EXIT_BP	(1U << 4)	/* @exit_bitmap stops */
#define MINIVMX_GUESTDBG_INJECT_BP	(1U << 5)	/* deliver the INT3 at RIP */

/**
 * struct minivmx_guest_debug - argument of MINIVMX_SET_GUEST_DEBUG
 * @control: MINIVMX_GUESTDBG_*; 0 (or no ENABLE) turns debugging off
 * @pad: must be 0
 * @steps: SINGLESTEP: guest instructions to complete before a
 *	MINIVMX_DEBUG_STEP stop; 0 means 1.  The count goes on across
 *	exits to userspace and other stops and starts again after each step
 *	stop.  An instruction handled
 *	in the kernel or by userspace counts as one, as does delivering an
 *	event (the next stop is at the first instruction of its handler).
 * @db: USE_HW_BP: the linear addresses of breakpoints 0-3 (canonical)
 * @dr7: USE_HW_BP: enables (L0-L3, G0-G3), RW and LEN of each, as in DR7;
 *	I/O breakpoints (RW 2), GD and the reserved bits are refused
 * @exit_bitmap: EXIT_BP: bit N stops the guest after every VM exit with
 *	basic reason N (below MINIVMX_NR_VMX_EXIT_REASONS) that the kernel
 *	handles, with MINIVMX_DEBUG_EXIT and the exit's fields
 * @reserved: must be 0
 *
 * While USE_HW_BP is set the debugger owns the CPU's breakpoints: the
 * guest's own DR0-DR7 are kept and shown to it, but not armed.
 * INJECT_BP is one-shot: the #BP a SW_BP stop reported (RIP at the INT3)
 * is delivered to the guest at the next entry.
 */
struct minivmx_guest_debug {
	__u32 control;
	__u32 pad;
	__u64 steps;
	__u64 db[4];
	__u64 dr7;
	__u64 exit_bitmap[2];
	__u64 reserved[4];
};

/**
 * struct minivmx_vmcs_field - one VMCS field, for MINIVMX_GET_VMCS
 * @encoding: the field's encoding (SDM Vol. 3D, Appendix B)
 * @pad: must be 0
 * @value: out: its value; fields that hold host-physical addresses read
 *	with the address bits (63:12) cleared
 */
struct minivmx_vmcs_field {
	__u32 encoding;
	__u32 pad;
	__u64 value;
};

#define MINIVMX_MAX_VMCS_FIELDS	256

/**
 * struct minivmx_vmcs_read - argument of MINIVMX_GET_VMCS
 * @nr: entries at @fields, at most MINIVMX_MAX_VMCS_FIELDS
 * @pad: must be 0
 * @fields: user pointer to @nr struct minivmx_vmcs_field
 *
 * Fails with -EINVAL, reading nothing, if an encoding is not one the CPU
 * supports, and with -EPERM for the host-state area: it is the host's.
 */
struct minivmx_vmcs_read {
	__u32 nr;
	__u32 pad;
	__u64 fields;
};

/* ---- The two-dimensional address walk ---- */

/* struct minivmx_translate.access: check rights as for this access */
#define MINIVMX_WALK_WRITE	(1U << 1)
#define MINIVMX_WALK_USER	(1U << 2)
#define MINIVMX_WALK_FETCH	(1U << 4)

/* struct minivmx_translate.status */
#define MINIVMX_WALK_OK		0	/* @gpa (and @hpa) are the answer */
#define MINIVMX_WALK_PAGE_FAULT	1	/* the access would fault: @error */
#define MINIVMX_WALK_NO_MEMORY	2	/* a table or @gpa is not guest RAM */

/**
 * struct minivmx_walk_level - one step of the walk
 * @gpa: guest-physical address of the guest's entry (0 for a PAE PDPTE,
 *	which the CPU holds in the VMCS); for minivmx_translate.data, the
 *	final guest-physical address
 * @entry: the guest's entry (0 in minivmx_translate.data)
 * @ept: the EPT entries that map @gpa, the EPT PML4E first
 * @ept_levels: entries in @ept: 4, 3 for a 2 MiB leaf, fewer where EPT
 *	maps nothing (the last one is then not present); 0 in a VM with
 *	shadow paging, which has no EPT
 * @pad: 0
 *
 * Entries that hold host-physical addresses (@ept) have their address
 * bits cleared unless the caller has CAP_SYS_ADMIN, as
 * /proc/PID/pagemap does.
 */
struct minivmx_walk_level {
	__u64 gpa;
	__u64 entry;
	__u64 ept[4];
	__u32 ept_levels;
	__u32 pad;
};

/**
 * struct minivmx_translate - argument of MINIVMX_TRANSLATE
 * @gva: in: the guest linear address
 * @access: in: MINIVMX_WALK_*, the access whose rights are checked
 * @flags: in: must be 0
 * @status: out: MINIVMX_WALK_*
 * @error: out: MINIVMX_WALK_PAGE_FAULT: the page-fault error code
 * @levels: out: guest paging levels walked, 0 with paging off
 * @pad: 0
 * @gpa: out: the guest-physical address of @gva
 * @hpa: out: its host-physical address; 0 without CAP_SYS_ADMIN
 * @level: out: the guest's entries, from the top level, each with the
 *	EPT walk of its own address (the two-dimensional walk)
 * @data: out: the EPT walk of @gpa
 * @reserved: must be 0
 *
 * The walk reads as the CPU would for @access but changes nothing: no
 * accessed or dirty flags are set and no fault is delivered.
 */
struct minivmx_translate {
	__u64 gva;
	__u32 access;
	__u32 flags;
	__u32 status;
	__u32 error;
	__u32 levels;
	__u32 pad;
	__u64 gpa;
	__u64 hpa;
	struct minivmx_walk_level level[4];
	struct minivmx_walk_level data;
	__u64 reserved[4];
};

/* ---- The exit-record ring, mmap()ed from a vCPU fd ---- */

#define MINIVMX_MAX_RING_ENTRIES	65536
#define MINIVMX_RING_OFFSET		4096	/* mmap offset of the ring */
#define MINIVMX_RING_RECORDS		4096	/* records, from the ring's start */

/* struct minivmx_exit_record.where */
#define MINIVMX_RING_KERNEL	0	/* handled in the kernel */
#define MINIVMX_RING_USER	1	/* MINIVMX_RUN returned for it */

/**
 * struct minivmx_exit_record - one VM exit, as the exit-record ring has it
 * @seq: its sequence number, from 0 (record @seq is at @seq % entries)
 * @tsc_exit: TSC right after the exit
 * @tsc_entry: TSC right before the guest was entered again; 0 until then.
 *	@tsc_entry - @tsc_exit is what the host spent on the exit, userspace
 *	included for MINIVMX_RING_USER.
 * @qualification: the exit qualification
 * @rip: guest RIP of the exit
 * @gpa: guest-physical address (EPT violations and misconfigurations)
 * @gla: guest linear address (EPT violations with a valid one)
 * @reason: the exit reason, in full (bit 31: VM entry failed)
 * @intr_info: VM-exit interruption information (reasons 0 and 1, else 0)
 * @idt_vectoring_info: IDT-vectoring information (for the exits that can
 *	interrupt event delivery: reasons 0, 1, 9, 48 and 49; else 0)
 * @insn_len: VM-exit instruction length
 * @where: MINIVMX_RING_KERNEL or MINIVMX_RING_USER
 * @pad: 0
 */
struct minivmx_exit_record {
	__u64 seq;
	__u64 tsc_exit;
	__u64 tsc_entry;
	__u64 qualification;
	__u64 rip;
	__u64 gpa;
	__u64 gla;
	__u32 reason;
	__u32 intr_info;
	__u32 idt_vectoring_info;
	__u16 insn_len;
	__u8 where;
	__u8 pad;
};

/**
 * struct minivmx_exit_ring - the first page of the ring's mapping
 * @entries: records the ring holds, a power of 2
 * @record_size: sizeof(struct minivmx_exit_record)
 * @head: written by the kernel: records written so far (stored with
 *	release semantics after the record)
 * @tail: written by userspace: records it has read; the kernel never
 *	waits for it
 * @overruns: written by the kernel each time MINIVMX_RUN returns: records
 *	overwritten before userspace read them (below @head - @entries and
 *	at or above @tail)
 * @reserved: 0
 *
 * The records follow at MINIVMX_RING_RECORDS bytes from the start.
 */
struct minivmx_exit_ring {
	__u32 entries;
	__u32 record_size;
	__u64 head;
	__u64 tail;
	__u64 overruns;
	__u64 reserved[4];
};

/**
 * struct minivmx_ring_config - argument of MINIVMX_SET_EXIT_RING
 * @entries: 0 stops recording; else the ring's size, a power of 2 up to
 *	MINIVMX_MAX_RING_ENTRIES.  The first non-zero size allocates the
 *	ring, which lives as long as the vCPU: later calls may stop and
 *	restart recording (with 0 and that same size) but not resize it.
 * @flags: must be 0
 * @reserved: must be 0
 *
 * mmap() of the vCPU fd at MINIVMX_RING_OFFSET maps the ring: a struct
 * minivmx_exit_ring, then the records.
 */
struct minivmx_ring_config {
	__u32 entries;
	__u32 flags;
	__u64 reserved[3];
};

/**
 * struct minivmx_interrupt - argument of MINIVMX_INTERRUPT
 * @vector: the external interrupt's vector, 32 to 255
 * @pad: must be 0
 *
 * The vector is queued and delivered as an external interrupt as soon as
 * the guest has RFLAGS.IF set and no STI or MOV SS blocking; until then
 * the vCPU waits for it with interrupt-window exiting.  One vector at a
 * time: a second MINIVMX_INTERRUPT before the first was delivered fails
 * with -EEXIST, as KVM_INTERRUPT does.  A VMM calls it when the run
 * structure says @ready_for_interrupt_injection, and sets
 * @request_interrupt_window while it has more to deliver.
 */
struct minivmx_interrupt {
	__u32 vector;
	__u32 pad;
};

/**
 * struct minivmx_msi - argument of MINIVMX_SIGNAL_MSI
 * @address: the message address, as a device writes it (SDM Vol. 3A
 *	11.11.1): 0xFEE in bits 31:20, the destination APIC ID in bits
 *	19:12, bit 2 set for a logical destination; bits 63:32 must be 0
 * @data: the message data (11.11.2): vector in bits 7:0, delivery mode in
 *	bits 10:8 (fixed, lowest priority, NMI, INIT; SMI and ExtINT are
 *	refused), bit 15 set for level-triggered; the other bits must be 0
 * @flags: must be 0
 * @pad: must be 0
 *
 * Delivered to the in-kernel local APICs as an I/O APIC or a device would
 * send it.  MINIVMX_SIGNAL_MSI returns the number of vCPUs that accepted
 * it (0 when none matched or their APICs are disabled).
 */
struct minivmx_msi {
	__u64 address;
	__u32 data;
	__u32 flags;
	__u8 pad[16];
};

/* struct minivmx_lapic_state.mp_state */
#define MINIVMX_MP_RUNNABLE	0
#define MINIVMX_MP_HALTED	1	/* HLT, waiting for an interrupt */
#define MINIVMX_MP_WAIT_SIPI	2	/* waiting for a start-up IPI */

/**
 * struct minivmx_lapic_state - argument of MINIVMX_GET_LAPIC
 * @apic_base: IA32_APIC_BASE
 * @tsc_deadline: IA32_TSC_DEADLINE as the guest would read it
 * @mp_state: MINIVMX_MP_*
 * @pad: 0
 * @regs: the first 1 KiB of the xAPIC register page as the guest reads it,
 *	at the same offsets (KVM_GET_LAPIC's layout): the current count at
 *	0x390 as it is now, EOI as 0, the delivery-status bit of ICR as 0;
 *	in x2APIC mode (@apic_base bit 10) as the MSRs read: the 32-bit ID
 *	at 0x20, the cluster LDR at 0xd0, ICR's bits 63:32 at 0x310
 */
struct minivmx_lapic_state {
	__u64 apic_base;
	__u64 tsc_deadline;
	__u32 mp_state;
	__u32 pad;
	__u8 regs[1024];
};

/* ioctls on /dev/minivmx */
#define MINIVMX_GET_API_VERSION	_IO(MINIVMX_IO, 0x00)
#define MINIVMX_CHECK_CAP	_IO(MINIVMX_IO, 0x01)
#define MINIVMX_GET_VMX_INFO	_IOWR(MINIVMX_IO, 0x02, struct minivmx_vmx_info)
/* arg 0 or MINIVMX_VM_*; returns a VM fd */
#define MINIVMX_CREATE_VM	_IO(MINIVMX_IO, 0x03)

/* ioctls on a VM fd */
#define MINIVMX_SET_MEMORY_REGION _IOW(MINIVMX_IO, 0x10, struct minivmx_memory_region)
#define MINIVMX_CREATE_VCPU	_IO(MINIVMX_IO, 0x11)	/* arg: id; returns a vCPU fd */
#define MINIVMX_SET_PORT_ROUTE	_IOW(MINIVMX_IO, 0x12, struct minivmx_port_route)
/* arg 0: every vCPU created after it gets an in-kernel local APIC */
#define MINIVMX_CREATE_LAPIC	_IO(MINIVMX_IO, 0x13)
#define MINIVMX_SIGNAL_MSI	_IOW(MINIVMX_IO, 0x14, struct minivmx_msi)
#define MINIVMX_SET_EXIT_ROUTES	_IOW(MINIVMX_IO, 0x15, struct minivmx_exit_routes)

/* ioctls on a vCPU fd */
#define MINIVMX_RUN		_IO(MINIVMX_IO, 0x20)
#define MINIVMX_GET_REGS	_IOR(MINIVMX_IO, 0x21, struct minivmx_regs)
#define MINIVMX_SET_REGS	_IOW(MINIVMX_IO, 0x22, struct minivmx_regs)
#define MINIVMX_GET_SREGS	_IOR(MINIVMX_IO, 0x23, struct minivmx_sregs)
#define MINIVMX_SET_SREGS	_IOW(MINIVMX_IO, 0x24, struct minivmx_sregs)
#define MINIVMX_SET_CPUID	_IOW(MINIVMX_IO, 0x25, struct minivmx_cpuid)
#define MINIVMX_SET_GUEST_DEBUG	_IOW(MINIVMX_IO, 0x26, struct minivmx_guest_debug)
#define MINIVMX_GET_VMCS	_IOWR(MINIVMX_IO, 0x27, struct minivmx_vmcs_read)
#define MINIVMX_SET_EXIT_RING	_IOW(MINIVMX_IO, 0x28, struct minivmx_ring_config)
#define MINIVMX_TRANSLATE	_IOWR(MINIVMX_IO, 0x29, struct minivmx_translate)
#define MINIVMX_INTERRUPT	_IOW(MINIVMX_IO, 0x2a, struct minivmx_interrupt)
#define MINIVMX_NMI		_IO(MINIVMX_IO, 0x2b)	/* arg 0 */
#define MINIVMX_GET_LAPIC	_IOR(MINIVMX_IO, 0x2c, struct minivmx_lapic_state)

#endif /* _UAPI_LINUX_MINIVMX_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * minivmx internal interfaces: the VMX mechanics (vmx_*.c) and the policy
 * that uses them (main.c).
 */
#ifndef MINIVMX_H
#define MINIVMX_H

#include <linux/atomic.h>
#include <linux/bitops.h>
#include <linux/hrtimer.h>
#include <linux/jump_label.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/refcount.h>
#include <linux/rwsem.h>
#include <linux/types.h>
#include <linux/wait.h>
/*
 * smp_send_reschedule() traces the IPI since Linux 6.6, with a tracepoint
 * declared here: every file that kicks a vCPU (vm.c, lapic.c) needs it.
 */
#include <trace/events/ipi.h>
#include <asm/fpu/api.h>
#include <asm/msr.h>
#include <asm/vmx.h>
#include <linux/minivmx.h>

/**
 * struct vmx_config - what this CPU can do, read once at load time
 * @msrs: the raw capability MSRs, as reported to userspace
 * @vmcs_revision: VMCS revision identifier (IA32_VMX_BASIC[30:0])
 * @vmcs_size: bytes in a VMCS or VMXON region (IA32_VMX_BASIC[44:32])
 * @pin: pin-based VM-execution controls minivmx will use
 * @proc: primary processor-based VM-execution controls
 * @proc2: secondary processor-based VM-execution controls
 * @exit: VM-exit controls
 * @entry: VM-entry controls
 *
 * Only the MSRs the SDM says exist on this CPU are read (Vol. 3D A.1);
 * the others stay 0.
 */
struct vmx_config {
	struct minivmx_vmx_msrs msrs;
	u32 vmcs_revision;
	u32 vmcs_size;
	u32 pin;
	u32 proc;
	u32 proc2;
	u32 exit;
	u32 entry;
};

extern struct vmx_config vmx_config;

/* vmx_caps.c: capability MSRs */
u32 vmx_adjust_controls(u32 min, u32 opt, u64 msr, u32 *result);
int vmx_read_config(struct vmx_config *cfg);
bool vmx_has_vpid(void);
bool vmx_has_mtf(void);
bool vmx_has_preemption_timer(void);
bool vmx_has_ept_2m(void);
bool vmx_has_ept_ad(void);
bool vmx_has_invept_global(void);
void vmx_flush_ept(u64 eptp);
void vmx_flush_vpid(u16 vpid);

/**
 * struct loaded_vmcs - a VMCS and the CPU it is active on
 * @vmcs: the 4 KiB VMCS region
 * @cpu: the CPU on which it is active (SDM 25.1), or -1 after VMCLEAR
 * @launched: VMLAUNCH succeeded since the last VMCLEAR, so VMRESUME next
 * @host_cr3: HOST_CR3 as last written, checked before every entry
 * @host_cr4: HOST_CR4 as last written, likewise
 * @link: entry in the per-CPU list of active VMCSs, VMCLEARed before that
 *	CPU leaves VMX operation
 */
struct loaded_vmcs {
	void *vmcs;
	int cpu;
	bool launched;
	unsigned long host_cr3, host_cr4;
	struct list_head link;
};

u64 vmx_ctl_msr(const struct minivmx_vmx_msrs *m, u64 plain, u64 true_msr);

/* vmx_cpu.c: VMX operation on every CPU */
int vmx_cpus_enable(void);
void vmx_cpus_disable(void);
bool vmx_cpu_is_on(unsigned int cpu);
void *vmx_alloc_vmcs(void);
bool loaded_vmcs_load(struct loaded_vmcs *lv);
void loaded_vmcs_clear(struct loaded_vmcs *lv);

/* ---- VMs ---- */

/**
 * struct mvx_slot - a guest memory region
 * @gpa: guest-physical start
 * @size: bytes; 0 when the slot is free
 * @uaddr: userspace start
 * @flags: MINIVMX_MEM_*
 * @pages: the pinned backing pages
 */
struct mvx_slot {
	u64 gpa;
	u64 size;
	u64 uaddr;
	u32 flags;
	struct page **pages;
};

#define MVX_MAX_PORT_ROUTES 16

/**
 * struct mvx_vm - a virtual machine: memory, EPT and port routing
 * @mm: the creating process; only it may drive the VM
 * @lock: serializes configuration changes (slots, routes, vCPUs)
 * @mem_lock: read-held by running vCPUs, write-held to change memory
 * @mem_gen: bumped on every EPT change; a vCPU that sees a new value
 *	flushes EPT translations (INVEPT) before entering the guest
 * @mem_waiters: writers waiting for @mem_lock; running vCPUs end their
 *	batch when it is non-zero, so a guest that never exits to userspace
 *	cannot hold them off
 * @slots: memory regions
 * @ept_root: the EPT PML4 page
 * @eptp: EPT pointer (SDM 25.6.11)
 * @ept_tables: EPT table pages allocated, the root included
 * @routes: port ranges claimed by in-kernel handlers
 * @nr_routes: entries in @routes
 * @user_exits: basic exit reasons routed to userspace (bit N: reason N,
 *	within MINIVMX_ROUTABLE_EXITS), MINIVMX_SET_EXIT_ROUTES
 * @shadow: MINIVMX_VM_SHADOW_PAGING: no EPT, the vCPUs shadow the guest's
 *	page tables (shadow.c)
 * @vcpus: the vCPUs, by id
 * @nr_vcpus: vCPUs created
 * @lapic: MINIVMX_CREATE_LAPIC was called: vCPUs get a local APIC; the
 *	array @vcpus is then read under RCU by senders of IPIs and MSIs
 * @debugfs: its directory in debugfs (stat.c)
 * @users: references: the VM fd and each vCPU
 */
struct dentry;
struct mvx_entry_state;
struct mvx_ring;
struct vm_area_struct;

struct mvx_vm {
	struct mm_struct *mm;
	struct mutex lock;		/* configuration changes */
	struct rw_semaphore mem_lock;
	unsigned long mem_gen;
	atomic_t mem_waiters;
	struct mvx_slot slots[MINIVMX_MAX_MEM_SLOTS];
	u64 *ept_root;
	u64 eptp;
	unsigned long ept_tables;
	struct minivmx_port_route routes[MVX_MAX_PORT_ROUTES];
	unsigned int nr_routes;
	u64 user_exits;
	bool shadow;
	struct mvx_vcpu *vcpus[MINIVMX_MAX_VCPUS];
	unsigned int nr_vcpus;
	bool lapic;
	struct dentry *debugfs;
	refcount_t users;
};

/**
 * struct mvx_mov - a decoded MOV to or from memory (SDM Vol. 2B, MOV)
 * @len: instruction length
 * @size: operand size in bytes (1, 2, 4 or 8)
 * @is_write: a store to memory
 * @reg: register operand (index into mvx_vcpu.regs); for 8-bit operands
 *	without REX, 4-7 mean AH, CH, DH, BH
 * @high_byte: @reg names AH, CH, DH or BH
 * @has_imm: the stored value is @imm, not @reg
 * @zero_extend: MOVZX: the load zero-extends into a @dst_size register
 * @dst_size: register size of a MOVZX destination
 * @imm: the immediate of MOV r/m, imm
 */
struct mvx_mov {
	u8 len, size, reg, dst_size;
	bool is_write, high_byte, has_imm, zero_extend;
	u64 imm;
};

/**
 * struct mvx_io - a decoded port I/O exit (SDM 28.2.1, Table 28-5)
 * @port: the port
 * @size: 1, 2 or 4
 * @in: IN or INS
 * @string: INS or OUTS
 * @rep: with a REP prefix
 * @addr_mask: string: the address size, as a mask
 * @seg_base: string: base of the segment (DS or override for OUTS, ES
 *	for INS)
 * @step: string: +@size, or -@size when RFLAGS.DF is set
 */
struct mvx_io {
	u16 port;
	u8 size;
	bool in, string, rep;
	u64 addr_mask;
	u64 seg_base;
	int step;
};

#define MVX_MAX_AUTOLOAD 8

/**
 * struct mvx_msr_list - an MSR-load area of the VMCS (SDM 25.7.2, 25.8.2)
 * @val: the entries, 16-byte aligned as the CPU requires
 * @nr: entries in use
 */
struct mvx_msr_list {
	struct vmx_msr_entry val[MVX_MAX_AUTOLOAD];
	unsigned int nr;
};

/*
 * Exceptions every guest's VMCS intercepts, as KVM's does: #MC for the
 * host; #DB and #AC because a guest can make the CPU deliver either
 * forever without an instruction boundary, which would hang the host's
 * core (CVE-2015-8104, CVE-2015-5307), and an uncaught #DB would leave
 * its DR6 bits in the host's DR6.  Both go back to the guest.
 */
#define MVX_EXCEPTION_BITMAP	(BIT(X86_TRAP_DB) | BIT(X86_TRAP_AC) | \
				 BIT(X86_TRAP_MC))

/**
 * struct mvx_shadow - a vCPU's shadow page tables (shadow.c)
 * @cr3: the guest's CR3 as it set it; GUEST_CR3 holds @root's address
 * @root: the top table, below 4 GiB: a PML4 when @long_mode, else the
 *	PAE page-directory-pointer table (its first 4 entries)
 * @long_mode: the shadow is 4-level (the guest is in long mode)
 * @tables: the other shadow tables, on their pages' lru
 * @nr_tables: how many
 * @cache: zeroed pages taken before the guest runs, for the tables a
 *	#PF exit adds with preemption off
 * @nr_cache: how many
 * @fills: leaves added since the vCPU was created
 * @resets: times the shadow was dropped (CR3 writes, INVLPG, mode and
 *	memory changes)
 */
struct mvx_shadow {
	u64 cr3;
	u64 *root;
	bool long_mode;
	struct list_head tables;
	unsigned int nr_tables;
	struct list_head cache;
	unsigned int nr_cache;
	u64 fills;
	u64 resets;
};

/* The DR6 and DR7 bits software can change; the rest read as fixed. */
#define MVX_DR6_VOLATILE	0x0001e80fULL
#define MVX_DR6_FIXED_1	0xfffe0ff0ULL
#define MVX_DR7_VOLATILE	0xffff2bffULL
#define MVX_DR7_FIXED_1	0x400ULL
#define MVX_DR7_GD		BIT(13)
#define MVX_DR6_BD		BIT(13)

/**
 * struct mvx_debug - MINIVMX_SET_GUEST_DEBUG's state (debug.c)
 * @control: MINIVMX_GUESTDBG_*, 0 when off
 * @steps: instructions per step stop
 * @steps_left: instructions before the next step stop
 * @db: the debugger's DR0-DR3 (USE_HW_BP)
 * @dr7: the debugger's DR7 (USE_HW_BP)
 * @exit_bitmap: basic exit reasons that stop (EXIT_BP)
 * @stop: MINIVMX_DEBUG_* reasons to report before the next entry
 * @dr6: DR6 of the breakpoint or watchpoint to report
 * @bp_len: length of the INT3 the last SW_BP stop reported
 * @tf: single steps use RFLAGS.TF: no monitor trap flag (or mtf=0)
 * @tf_entry: what the last entry did for a TF step (enum mvx_tf_entry)
 * @tf_guest: RFLAGS.TF was the guest's own at that entry
 * @tf_insn: the instruction being stepped, where it matters (enum mvx_tf_insn)
 * @tf_rip: its RIP
 * @exit: the exit an exit breakpoint stopped at, as the VMCS gave it
 */
struct mvx_debug {
	u32 control;
	u64 steps, steps_left;
	unsigned long db[4], dr7;
	unsigned long exit_bitmap[BITS_TO_LONGS(MINIVMX_NR_VMX_EXIT_REASONS)];
	u32 stop;
	u64 dr6;
	u8 bp_len;
	bool tf, tf_guest;
	u8 tf_entry, tf_insn;
	u64 tf_rip;
	struct {
		u32 reason, intr_info, idt_vectoring_info, insn_len, insn_info;
		u64 rip, qualification, gpa, gla;
	} exit;
};

/**
 * struct mvx_exception - the exception waiting for VM entry (events.c)
 * @pending: raised, not injected yet: the double-fault rules apply to it
 * @injected: injected at the last entry, or left undelivered by the exit:
 *	injected again as it is
 * @has_error: it pushes @error (in protected mode)
 * @vector: the vector
 * @type: INTR_TYPE_* >> 8: hardware exception, software exception (INT3,
 *	INTO) or privileged software exception (INT1)
 * @len: the instruction's length, for the software types
 * @error: the error code
 */
struct mvx_exception {
	bool pending, injected, has_error;
	u8 vector, type, len;
	u32 error;
};

#define MVX_TRIPLE_FAULT	0x100	/* mvx_exception_merge(): shutdown */

/**
 * struct mvx_events - events for the guest (events.c)
 * @exc: the exception
 * @nmi_pending: NMIs waiting for NMIs to be unblocked (at most 2)
 * @nmi_injected: an NMI injected at the last entry, or to inject again
 * @irq_injected: an interrupt injected at the last entry, or to inject
 *	again: external (@irq_vector) or INT n (@irq_soft, @irq_len)
 * @irq_soft: it is an INT n
 * @irq_vector: its vector
 * @irq_len: INT n's length
 * @irq_pending: MINIVMX_INTERRUPT queued @irq_pending_vector, which waits
 *	for RFLAGS.IF and the end of STI and MOV SS blocking
 * @irq_pending_vector: that vector
 * @triple_fault: an exception after #DF: the next entry is the shutdown
 *	exit instead
 * @windows: the CPU_BASED_*_WINDOW_EXITING controls set now
 * @entry_info: what VM_ENTRY_INTR_INFO_FIELD holds now (0 after an exit)
 */
struct mvx_events {
	struct mvx_exception exc;
	u8 nmi_pending;
	bool nmi_injected;
	bool irq_injected, irq_soft;
	u8 irq_vector, irq_len;
	bool irq_pending;
	u8 irq_pending_vector;
	bool triple_fault;
	u32 windows;
	u32 entry_info;
};

/* What a vCPU with a local APIC is doing (lapic.c), as MINIVMX_GET_LAPIC says. */
enum mvx_mp_state {
	MVX_MP_RUNNABLE = MINIVMX_MP_RUNNABLE,
	MVX_MP_HALTED = MINIVMX_MP_HALTED,	/* HLT with RFLAGS.IF = 1 */
	MVX_MP_WAIT_SIPI = MINIVMX_MP_WAIT_SIPI,	/* after INIT */
};

#define MVX_LAPIC_INIT	0	/* mvx_lapic.events: INIT received */
#define MVX_LAPIC_SIPI	1	/* a start-up IPI received */

/**
 * struct mvx_lapic - a vCPU's local APIC (lapic.c)
 * @vcpu: its vCPU
 * @regs: the xAPIC register page; IRR is set by other threads (atomic
 *	bit operations), everything else only by the vCPU's own thread
 * @base: IA32_APIC_BASE
 * @timer: the APIC timer
 * @period_ns: the running one-shot or periodic count, in nanoseconds
 * @tsc_deadline: IA32_TSC_DEADLINE; 0 when disarmed
 * @expires: when the timer expires, while it is armed
 * @expire_tsc: the host TSC at which it expires; 0 when it is not armed
 * @in_batch: the vCPU's thread runs the guest: the timer is on the
 *	VMX-preemption timer, @timer is not armed (mvx_lapic_timer_enter())
 * @esr: errors since the last ESR write (bits of ESR)
 * @irr_pending: IRR may hold a vector the next entry can deliver
 * @nmi_queued: NMIs sent by IPIs and MSIs, not yet queued for injection
 * @events: MVX_LAPIC_INIT, MVX_LAPIC_SIPI
 * @sipi_vector: the start-up IPI's vector
 * @mp_state: enum mvx_mp_state
 * @wq: where the vCPU's thread waits while halted or waiting for SIPI
 */
struct mvx_lapic {
	struct mvx_vcpu *vcpu;
	u32 *regs;
	u64 base;
	struct hrtimer timer;
	u64 period_ns;
	u64 tsc_deadline;
	ktime_t expires;
	u64 expire_tsc;
	bool in_batch;
	unsigned long esr;
	bool irr_pending;
	atomic_t nmi_queued;
	unsigned long events;
	u8 sipi_vector;
	u8 mp_state;
	wait_queue_head_t wq;
};

/**
 * struct mvx_vcpu_stat - exit statistics for debugfs (stat.c)
 * @exits: exits by basic reason
 * @cycles: TSC cycles from those exits to the next entry (exit_time=1)
 * @exit_tsc: the TSC at the last exit, 0 when not timed
 * @last: the last exit's basic reason
 * @link: in the list of every vCPU
 * @debugfs: the vCPU's directory
 */
struct mvx_vcpu_stat {
	u64 exits[MINIVMX_NR_VMX_EXIT_REASONS];
	u64 cycles[MINIVMX_NR_VMX_EXIT_REASONS];
	u64 exit_tsc;
	u16 last;
	struct list_head link;
	struct dentry *debugfs;
};

/* What a userspace exit left for the next MINIVMX_RUN to complete. */
enum mvx_pending {
	MVX_PENDING_NONE,
	MVX_PENDING_IO_IN,	/* copy run->io data into RAX or memory */
	MVX_PENDING_IO_OUT,	/* advance past a string OUT chunk */
	MVX_PENDING_MMIO_READ,	/* copy run->mmio.data into a register */
	MVX_PENDING_HYPERCALL,	/* copy run->hypercall.ret into RAX */
	MVX_PENDING_SKIP,	/* just advance RIP (HLT, MMIO write...) */
	MVX_PENDING_ROUTED,	/* a routed exit: run->routed.action says */
};

/**
 * struct mvx_vcpu - a virtual CPU
 * @vm: its VM (holds a reference)
 * @id: index in the VM
 * @mutex: serializes the vCPU's ioctls
 * @vmcs: its VMCS and where it is active
 * @run: the page shared with userspace
 * @regs: guest general registers, indexed like struct minivmx_regs (the
 *	RSP slot is unused: RSP lives in the VMCS)
 * @host_rsp: HOST_RSP as last written, to skip a VMWRITE
 * @preemption_timer: VMX_PREEMPTION_TIMER_VALUE as last written, to skip
 *	a VMWRITE (mvx_set_preemption_timer())
 * @guest_fpu: the guest's FPU/SSE/AVX state
 * @vpid: VPID tagging the guest's TLB entries, 0 if none
 * @mem_gen: the VM's @mem_gen when EPT was last flushed on @vmcs.cpu
 * @cr2: guest CR2, which VM entry and exit do not switch
 * @tpr: guest CR8 (task priority), kept here: CR8 accesses always exit
 * @tsc_offset: guest TSC minus host TSC (TSC offsetting; 0 without it)
 * @efer: guest IA32_EFER as the guest sees it
 * @xcr0: guest XCR0
 * @db: guest DR0-DR3; loaded into the CPU only while the guest's DR7
 *	enables a breakpoint
 * @dr6: guest DR6
 * @dr7: guest DR7, which VM entry loads from the VMCS
 * @msr: guest values of MSRs that VM entry and exit do not switch
 * @host: host state saved while the guest's is loaded
 * @leave_batch: end the current batch after this exit, so that state
 *	switched per batch (XCR0, SYSCALL MSRs) is reloaded
 * @pf: the guest page fault a failed translation found: address and error
 *	code (emulate.c)
 * @split_gpa: a guest fetch hit a non-executable 2 MiB EPT leaf there
 *	(nx_huge_pages): split it into 4 KiB leaves before the next batch;
 *	-1 when nothing is to be split
 * @pending: what the next MINIVMX_RUN must complete
 * @insn_len: length of the instruction behind @pending
 * @routed_reason: the basic exit reason behind MVX_PENDING_ROUTED
 * @mmio: the MOV behind a pending MMIO read
 * @io: the port I/O behind a pending IN or string OUT
 * @io_count: items in that I/O
 * @cpuid: userspace CPUID overrides
 * @nr_cpuid: entries in @cpuid
 * @autoload: MSRs VM entry loads with the guest's value (@autoload.guest)
 *	and VM exit with the host's (@autoload.host): perf's, see vcpu.c
 * @perf_global_ctrl: the VMCS switches IA32_PERF_GLOBAL_CTRL now
 * @events: exceptions, NMIs and interrupts for the guest
 * @debug: the debugger's controls and what it is to be told
 * @ring: the exit-record ring, once MINIVMX_SET_EXIT_RING made one
 * @ring_on: exits are recorded in @ring
 * @ring_tsc_entry: where the TSC of the next entry goes: the last record's
 *	tsc_entry, or @ring_tsc_none
 * @ring_tsc_none: a sink for it before the first record
 * @lapic: the local APIC; NULL in a VM without MINIVMX_CREATE_LAPIC
 * @stat: exit statistics
 * @shadow: the shadow page tables, in a VM with @vm->shadow
 * @in_guest: the thread is about to enter or is in the guest (IRQs off)
 * @kicked: an event for the guest arrived from another thread: look for
 *	it before the next entry
 */
struct mvx_vcpu {
	struct mvx_vm *vm;
	unsigned int id;
	struct mutex mutex;		/* one ioctl at a time */
	struct loaded_vmcs vmcs;
	struct minivmx_run *run;
	unsigned long regs[16];
	unsigned long host_rsp;
	u32 preemption_timer;
	struct fpu_guest guest_fpu;
	u16 vpid;
	unsigned long mem_gen;
	u64 cr2;
	u8 tpr;
	u64 tsc_offset;
	u64 efer;
	u64 xcr0;
	unsigned long db[4], dr6, dr7;
	struct {
		u64 kernel_gs_base, star, lstar, cstar, sfmask, pat;
		u64 misc_enable;
		bool syscall_used;
	} msr;
	struct {
		u16 ds_sel, es_sel, fs_sel, gs_sel, ldt_sel;
		u64 kernel_gs_base, star, lstar, cstar, sfmask, debugctl;
		bool syscall_saved;
	} host;
	bool leave_batch;
	struct {
		u64 gva;
		u32 error;
	} pf;
	u64 split_gpa;
	enum mvx_pending pending;
	u8 insn_len;
	u8 routed_reason;
	struct mvx_mov mmio;
	struct mvx_io io;
	u32 io_count;
	struct minivmx_cpuid_entry *cpuid;
	unsigned int nr_cpuid;
	struct {
		struct mvx_msr_list guest, host;
	} autoload;
	bool perf_global_ctrl;
	struct mvx_events events;
	struct mvx_debug debug;
	struct mvx_ring *ring;
	bool ring_on;
	u64 *ring_tsc_entry, ring_tsc_none;
	struct mvx_lapic *lapic;
	struct mvx_vcpu_stat stat;
	struct mvx_shadow shadow;
	bool in_guest, kicked;
};

/* The guest's TSC now (RDTSC in the guest adds the same offset). */
static inline u64 mvx_guest_tsc(struct mvx_vcpu *v)
{
	return rdtsc() + v->tsc_offset;
}

/* Indexes into mvx_vcpu.regs, the order of struct minivmx_regs. */
enum {
	MVX_RAX, MVX_RBX, MVX_RCX, MVX_RDX, MVX_RSI, MVX_RDI, MVX_RSP, MVX_RBP,
	MVX_R8, MVX_R9, MVX_R10, MVX_R11, MVX_R12, MVX_R13, MVX_R14, MVX_R15,
};

/* vm.c */
int mvx_create_vm(unsigned long flags);
int mvx_mem_write_lock(struct mvx_vm *vm);
void mvx_mem_write_unlock(struct mvx_vm *vm);
void mvx_vm_put(struct mvx_vm *vm);
bool mvx_vm_owned(struct mvx_vm *vm);
const struct minivmx_port_route *mvx_port_route(struct mvx_vm *vm, u16 port);
struct mvx_slot *mvx_gpa_slot(struct mvx_vm *vm, u64 gpa);
int mvx_read_gpa(struct mvx_vm *vm, u64 gpa, void *buf, unsigned int len);
int mvx_write_gpa(struct mvx_vm *vm, u64 gpa, const void *buf,
		  unsigned int len);

/* ept.c */
int ept_init(struct mvx_vm *vm);
void ept_destroy(struct mvx_vm *vm);
int ept_map_slot(struct mvx_vm *vm, struct mvx_slot *slot);
void ept_unmap_range(struct mvx_vm *vm, u64 gpa, u64 size);
int ept_split_2m(struct mvx_vm *vm, u64 gpa);
unsigned int ept_lookup(struct mvx_vm *vm, u64 gpa, u64 ept[4]);
void ept_setup(void);
extern bool mvx_nx_huge_pages;

/* vmenter.S */
int minivmx_vmx_run(unsigned long *regs, bool resume, unsigned long *host_rsp);
void minivmx_do_nmi_irqoff(unsigned long entry);

/* vcpu.c */
void mvx_vcpu_load(struct mvx_vcpu *v);
int mvx_create_vcpu(struct mvx_vm *vm, unsigned long id);
int mvx_vcpu_init(void);

/* vmcs.c */
int vmcs_setup(struct mvx_vcpu *v);
void vmcs_setup_guest(struct mvx_vcpu *v);
void vmcs_load_host_cpu_state(struct mvx_vcpu *v, int cpu);
void vmcs_get_sregs(struct mvx_vcpu *v, struct minivmx_sregs *s);
void vmcs_get_segments(struct mvx_entry_state *st);
int vmcs_set_sregs(struct mvx_vcpu *v, const struct minivmx_sregs *s);
int vmcs_set_cr0(struct mvx_vcpu *v, u64 cr0);
int vmcs_set_cr4(struct mvx_vcpu *v, u64 cr4);
int vmcs_set_efer(struct mvx_vcpu *v, u64 efer);
u64 vmcs_guest_cr0(void);
u32 mvx_timer_period(void);
void mvx_set_preemption_timer(struct mvx_vcpu *v, u32 value);
u64 vmcs_guest_cr4(void);
int vmcs_set_cr3(struct mvx_vcpu *v, u64 cr3);
void vmcs_init_cr4_reserved(void);
bool mvx_xcr0_valid(u64 xcr0, u64 supported);
u64 mvx_guest_supported_xcr0(struct mvx_vcpu *v);

/*
 * exits.c: return 1 to re-enter the guest, 0 when @run is filled for
 * userspace, or a negative errno.
 */
int mvx_handle_exit(struct mvx_vcpu *v, u32 reason);
int mvx_mmio_exit(struct mvx_vcpu *v, u64 gpa);

/* shadow.c: shadow page tables, in a VM with MINIVMX_VM_SHADOW_PAGING */
int mvx_shadow_create(struct mvx_vcpu *v);
void mvx_shadow_free(struct mvx_vcpu *v);
int mvx_shadow_topup(struct mvx_vcpu *v);
void mvx_shadow_reset(struct mvx_vcpu *v);
int mvx_shadow_page_fault(struct mvx_vcpu *v);
int mvx_shadow_real_mode(struct mvx_vcpu *v);
u64 mvx_exception_bitmap(struct mvx_vcpu *v);
u64 mvx_guest_cr3(struct mvx_vcpu *v);
int mvx_shutdown(struct mvx_vcpu *v);
void mvx_skip_insn(struct mvx_vcpu *v);
int mvx_complete_pending(struct mvx_vcpu *v);

/**
 * struct mvx_entry_state - what the VM-entry checks read (checks.c)
 * @seg: guest CS, DS, ES, FS, GS, SS, TR, LDTR: base, limit, access
 *	rights as the VMCS has them, selector
 * @gdtr_base: guest GDTR base
 * @idtr_base: guest IDTR base
 * @gdtr_limit: guest GDTR limit
 * @idtr_limit: guest IDTR limit
 * @cr0: guest CR0, as the CPU runs it
 * @cr3: guest CR3
 * @cr4: guest CR4, as the CPU runs it
 * @dr7: guest DR7
 * @debugctl: guest IA32_DEBUGCTL
 * @rip: guest RIP
 * @rflags: guest RFLAGS
 * @efer: guest IA32_EFER
 * @pending_dbg: guest pending debug exceptions
 * @link: VMCS link pointer
 * @pdpte: guest PDPTEs
 * @activity: guest activity state
 * @intr_state: guest interruptibility state
 * @pin: pin-based controls
 * @proc: primary processor-based controls
 * @proc2: secondary processor-based controls
 * @exit: VM-exit controls
 * @entry: VM-entry controls
 * @cr3_targets: CR3-target count
 * @eptp: EPT pointer
 * @vpid: VPID
 * @intr_info: VM-entry interruption information
 * @insn_len: VM-entry instruction length
 * @host_cr0: host CR0
 * @host_cr4: host CR4
 * @host_sel: host CS, DS, ES, FS, GS, SS, TR selectors
 * @host_addr: host RIP and FS, GS, TR, GDTR, IDTR bases
 */
struct mvx_entry_state {
	struct {
		u64 base;
		u32 limit, ar;
		u16 sel;
	} seg[8];
	u64 gdtr_base, idtr_base;
	u32 gdtr_limit, idtr_limit;
	u64 cr0, cr3, cr4, dr7, debugctl, rip, rflags, efer, pending_dbg, link;
	u64 pdpte[4];
	u32 activity, intr_state;
	u32 pin, proc, proc2, exit, entry, cr3_targets;
	u64 eptp;
	u16 vpid;
	u32 intr_info, insn_len;
	u64 host_cr0, host_cr4;
	u16 host_sel[7];
	u64 host_addr[6];
};

/* events.c: exceptions, NMIs and interrupts injected at VM entry */
unsigned int mvx_exception_merge(u8 first, u8 second);
void mvx_queue_exception(struct mvx_vcpu *v, u8 vector, bool has_error,
			 u32 error);
void mvx_queue_soft_exception(struct mvx_vcpu *v, u8 vector, u32 type, u8 len);
void mvx_queue_soft_intr(struct mvx_vcpu *v, u8 vector, u8 len);
bool mvx_event_queued(struct mvx_vcpu *v);
void mvx_cancel_exception(struct mvx_vcpu *v);
bool mvx_ready_for_interrupt(struct mvx_vcpu *v);
bool mvx_events_inject(struct mvx_vcpu *v);
void mvx_events_cancel(struct mvx_vcpu *v);
void mvx_events_complete(struct mvx_vcpu *v, u16 basic);
void mvx_events_report(struct mvx_vcpu *v);
int mvx_handle_irq_window(struct mvx_vcpu *v);
int mvx_handle_nmi_window(struct mvx_vcpu *v);
bool mvx_has_vnmi(void);
long mvx_interrupt(struct mvx_vcpu *v, const void __user *arg);
long mvx_nmi(struct mvx_vcpu *v);

void mvx_events_reset(struct mvx_vcpu *v);

/* lapic.c: the local APIC */
int mvx_lapic_create(struct mvx_vcpu *v);
void mvx_lapic_free(struct mvx_vcpu *v);
void mvx_vcpu_kick(struct mvx_vcpu *v);
bool mvx_lapic_is_mmio(struct mvx_vcpu *v, u64 gpa);
u64 mvx_lapic_mmio_read(struct mvx_vcpu *v, u64 gpa, unsigned int len);
int mvx_lapic_mmio_write(struct mvx_vcpu *v, u64 gpa, unsigned int len,
			 u64 val);
int mvx_lapic_rdmsr(struct mvx_vcpu *v, u32 msr, u64 *val);
int mvx_lapic_wrmsr(struct mvx_vcpu *v, u32 msr, u64 val);
u8 mvx_lapic_get_cr8(struct mvx_vcpu *v);
void mvx_lapic_set_cr8(struct mvx_vcpu *v, u8 cr8);
void mvx_lapic_cpuid(struct mvx_vcpu *v, u32 fn, u32 *r);
int mvx_lapic_interrupt(struct mvx_vcpu *v);
void mvx_lapic_ack(struct mvx_vcpu *v, u8 vector);
bool mvx_lapic_runnable(struct mvx_vcpu *v);
int mvx_lapic_block(struct mvx_vcpu *v);
int mvx_lapic_halt(struct mvx_vcpu *v);
void mvx_lapic_timer_enter(struct mvx_vcpu *v);
void mvx_lapic_timer_leave(struct mvx_vcpu *v);
void mvx_lapic_fold_timer(struct mvx_vcpu *v);
void mvx_lapic_timer_due(struct mvx_vcpu *v);
long mvx_signal_msi(struct mvx_vm *vm, const void __user *arg);
long mvx_get_lapic(struct mvx_vcpu *v, void __user *arg);

/* stat.c: exit statistics in debugfs */
void mvx_stat_init(void);
void mvx_stat_exit(void);
void mvx_stat_vm_add(struct mvx_vm *vm, int fd);
void mvx_stat_vm_remove(struct mvx_vm *vm);
void mvx_stat_vcpu_add(struct mvx_vcpu *v);
void mvx_stat_vcpu_remove(struct mvx_vcpu *v);
DECLARE_STATIC_KEY_FALSE(mvx_exit_time_key);

/* checks.c: the VM-entry checks, MINIVMX_ENTRY_CHECKS */
void mvx_entry_state_read(struct mvx_entry_state *st);
unsigned int mvx_entry_check(const struct mvx_entry_state *st);
unsigned int mvx_failed_entry_check(void);
unsigned int mvx_entry_check_sregs(const struct mvx_entry_state *st);
unsigned int mvx_entry_check_regs(const struct mvx_entry_state *st);
bool mvx_entry_checks_complete(void);
extern bool mvx_entry_checks_on;

/* debug.c: MINIVMX_SET_GUEST_DEBUG and MINIVMX_GET_VMCS */
long mvx_set_guest_debug(struct mvx_vcpu *v, const void __user *arg);
long mvx_get_vmcs(struct mvx_vcpu *v, void __user *arg);
u32 mvx_guest_debug_caps(void);
void mvx_debug_step_done(struct mvx_vcpu *v);
int mvx_debug_exception(struct mvx_vcpu *v, u32 info);
void mvx_reflect_db(struct mvx_vcpu *v, u32 info, u64 dr6);
int mvx_handle_mtf(struct mvx_vcpu *v);
void mvx_debug_exit_bp(struct mvx_vcpu *v, u32 basic);
int mvx_debug_report(struct mvx_vcpu *v);
bool mvx_debug_tf_prepare(struct mvx_vcpu *v);
void mvx_debug_tf_enter(struct mvx_vcpu *v);
void mvx_debug_tf_exit(struct mvx_vcpu *v);
int mvx_debug_preemption_timer(struct mvx_vcpu *v);

/*
 * Static keys: while no vCPU is debugged or records exits, the run loop's
 * tests for them are no-ops (debug.c, ring.c).
 */
DECLARE_STATIC_KEY_FALSE(mvx_debug_key);
DECLARE_STATIC_KEY_FALSE(mvx_ring_key);

static __always_inline bool mvx_debugging(struct mvx_vcpu *v)
{
	return static_branch_unlikely(&mvx_debug_key) && v->debug.control;
}

static __always_inline bool mvx_recording(struct mvx_vcpu *v)
{
	return static_branch_unlikely(&mvx_ring_key) && v->ring_on;
}

void mvx_debug_free(struct mvx_vcpu *v);

/* ring.c: the exit-record ring */
long mvx_set_exit_ring(struct mvx_vcpu *v, const void __user *arg);
int mvx_ring_mmap(struct mvx_vcpu *v, struct vm_area_struct *vma);
void mvx_ring_free(struct mvx_vcpu *v);
void mvx_ring_user(struct mvx_vcpu *v);

/* exits.c: the guest's view of itself */
int mvx_guest_cs_bits(struct mvx_vcpu *v);
unsigned int mvx_guest_access(void);
int mvx_fetch_insn(struct mvx_vcpu *v, u8 *buf, unsigned int *len);

/* emulate.c: guest linear addresses; MVX_ACC_* are #PF error-code bits */
#define MVX_PF_PRESENT	BIT(0)
#define MVX_ACC_WRITE	BIT(1)
#define MVX_ACC_USER	BIT(2)
#define MVX_ACC_FETCH	BIT(4)
int mvx_gva_map(struct mvx_vcpu *v, u64 gva, unsigned int access,
		u64 *gpa, u64 *rights);
int mvx_gva_to_gpa(struct mvx_vcpu *v, u64 gva, unsigned int access,
		   u64 *gpa);
int mvx_read_gva(struct mvx_vcpu *v, u64 gva, void *buf, unsigned int len,
		 unsigned int access);
int mvx_write_gva(struct mvx_vcpu *v, u64 gva, const void *buf,
		  unsigned int len, unsigned int access);
int mvx_inject_page_fault(struct mvx_vcpu *v);
long mvx_translate(struct mvx_vcpu *v, void __user *arg);

int mvx_decode_mov(const u8 *insn, unsigned int avail, int cs_bits,
		   struct mvx_mov *mov);

#endif /* MINIVMX_H */

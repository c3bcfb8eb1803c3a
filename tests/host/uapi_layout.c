// SPDX-License-Identifier: GPL-2.0-only
/*
 * The layout of uapi/linux/minivmx.h, pinned.
 *
 * Build time (static_assert: a change breaks the build): every struct's
 * size, every member's offset and size, every ioctl's number, direction,
 * type, nr and size, and every constant a compiled program carries.  These
 * numbers are the ABI: change them only together with MINIVMX_API_VERSION
 * or a new capability.
 *
 * Also at build time: struct minivmx_run and the string I/O data fit in
 * the run page.
 *
 * Run time (one TAP subtest per group): each struct is its members back to
 * back, with no hole another ABI could lay out differently (i386 aligns
 * __u64 to 4) and no member left out of the lists below; each ioctl's
 * encoded size and direction match its argument and no two share a number;
 * the exit-reason name table is sorted, unique and fits exit_count[].
 */
#include <assert.h>
#include <stddef.h>
#include <string.h>
#include <linux/minivmx.h>

#include "kselftest_harness.h"

#define VMX_MSRS	struct minivmx_vmx_msrs
#define CPU_STATE	struct minivmx_cpu_state
#define VMX_INFO	struct minivmx_vmx_info
#define MEM_REGION	struct minivmx_memory_region
#define REGS		struct minivmx_regs
#define SEGMENT		struct minivmx_segment
#define DTABLE		struct minivmx_dtable
#define SREGS		struct minivmx_sregs
#define CPUID_ENTRY	struct minivmx_cpuid_entry
#define CPUID		struct minivmx_cpuid
#define PORT_ROUTE	struct minivmx_port_route
#define RUN		struct minivmx_run

/* Objects for sizeof only, which never evaluates them. */
#define MSRS_OBJ	(*(VMX_MSRS *)0)
#define CPU_OBJ		(*(CPU_STATE *)0)
#define INFO_OBJ	(*(VMX_INFO *)0)
#define MEM_OBJ		(*(MEM_REGION *)0)
#define REGS_OBJ	(*(REGS *)0)
#define SEG_OBJ		(*(SEGMENT *)0)
#define DT_OBJ		(*(DTABLE *)0)
#define SREGS_OBJ	(*(SREGS *)0)
#define ENTRY_OBJ	(*(CPUID_ENTRY *)0)
#define CPUID_OBJ	(*(CPUID *)0)
#define ROUTE_OBJ	(*(PORT_ROUTE *)0)
#define RUN_OBJ		(*(RUN *)0)

#define ASSERT_OFFSET(type, member, offset)				\
	static_assert(offsetof(type, member) == (offset), #member " offset")
#define ASSERT_SIZE(object, size)					\
	static_assert(sizeof(object) == (size), #object " size")
#define ASSERT_CONST(name, value)					\
	static_assert((name) == (value), #name)

ASSERT_OFFSET(struct minivmx_vmx_msrs, feature_control, 0);
ASSERT_OFFSET(struct minivmx_vmx_msrs, basic, 8);
ASSERT_OFFSET(struct minivmx_vmx_msrs, pinbased_ctls, 16);
ASSERT_OFFSET(struct minivmx_vmx_msrs, procbased_ctls, 24);
ASSERT_OFFSET(struct minivmx_vmx_msrs, exit_ctls, 32);
ASSERT_OFFSET(struct minivmx_vmx_msrs, entry_ctls, 40);
ASSERT_OFFSET(struct minivmx_vmx_msrs, misc, 48);
ASSERT_OFFSET(struct minivmx_vmx_msrs, cr0_fixed0, 56);
ASSERT_OFFSET(struct minivmx_vmx_msrs, cr0_fixed1, 64);
ASSERT_OFFSET(struct minivmx_vmx_msrs, cr4_fixed0, 72);
ASSERT_OFFSET(struct minivmx_vmx_msrs, cr4_fixed1, 80);
ASSERT_OFFSET(struct minivmx_vmx_msrs, vmcs_enum, 88);
ASSERT_OFFSET(struct minivmx_vmx_msrs, procbased_ctls2, 96);
ASSERT_OFFSET(struct minivmx_vmx_msrs, ept_vpid_cap, 104);
ASSERT_OFFSET(struct minivmx_vmx_msrs, true_pinbased_ctls, 112);
ASSERT_OFFSET(struct minivmx_vmx_msrs, true_procbased_ctls, 120);
ASSERT_OFFSET(struct minivmx_vmx_msrs, true_exit_ctls, 128);
ASSERT_OFFSET(struct minivmx_vmx_msrs, true_entry_ctls, 136);
ASSERT_OFFSET(struct minivmx_vmx_msrs, vmfunc, 144);
ASSERT_SIZE(MSRS_OBJ.feature_control, 8);
ASSERT_SIZE(MSRS_OBJ.basic, 8);
ASSERT_SIZE(MSRS_OBJ.pinbased_ctls, 8);
ASSERT_SIZE(MSRS_OBJ.procbased_ctls, 8);
ASSERT_SIZE(MSRS_OBJ.exit_ctls, 8);
ASSERT_SIZE(MSRS_OBJ.entry_ctls, 8);
ASSERT_SIZE(MSRS_OBJ.misc, 8);
ASSERT_SIZE(MSRS_OBJ.cr0_fixed0, 8);
ASSERT_SIZE(MSRS_OBJ.cr0_fixed1, 8);
ASSERT_SIZE(MSRS_OBJ.cr4_fixed0, 8);
ASSERT_SIZE(MSRS_OBJ.cr4_fixed1, 8);
ASSERT_SIZE(MSRS_OBJ.vmcs_enum, 8);
ASSERT_SIZE(MSRS_OBJ.procbased_ctls2, 8);
ASSERT_SIZE(MSRS_OBJ.ept_vpid_cap, 8);
ASSERT_SIZE(MSRS_OBJ.true_pinbased_ctls, 8);
ASSERT_SIZE(MSRS_OBJ.true_procbased_ctls, 8);
ASSERT_SIZE(MSRS_OBJ.true_exit_ctls, 8);
ASSERT_SIZE(MSRS_OBJ.true_entry_ctls, 8);
ASSERT_SIZE(MSRS_OBJ.vmfunc, 8);
static_assert(sizeof(struct minivmx_vmx_msrs) == 152, "vmx_msrs size");

ASSERT_OFFSET(struct minivmx_cpu_state, cpu, 0);
ASSERT_OFFSET(struct minivmx_cpu_state, flags, 4);
ASSERT_OFFSET(struct minivmx_cpu_state, cr4, 8);
ASSERT_OFFSET(struct minivmx_cpu_state, feature_control, 16);
ASSERT_SIZE(CPU_OBJ.cpu, 4);
ASSERT_SIZE(CPU_OBJ.flags, 4);
ASSERT_SIZE(CPU_OBJ.cr4, 8);
ASSERT_SIZE(CPU_OBJ.feature_control, 8);
static_assert(sizeof(struct minivmx_cpu_state) == 24, "cpu_state size");

ASSERT_OFFSET(struct minivmx_vmx_info, flags, 0);
ASSERT_OFFSET(struct minivmx_vmx_info, nr_cpus, 4);
ASSERT_OFFSET(struct minivmx_vmx_info, cpus, 8);
ASSERT_OFFSET(struct minivmx_vmx_info, nr_online, 16);
ASSERT_OFFSET(struct minivmx_vmx_info, nr_vmxon, 20);
ASSERT_OFFSET(struct minivmx_vmx_info, msrs, 24);
ASSERT_OFFSET(struct minivmx_vmx_info, reserved, 176);
ASSERT_SIZE(INFO_OBJ.flags, 4);
ASSERT_SIZE(INFO_OBJ.nr_cpus, 4);
ASSERT_SIZE(INFO_OBJ.cpus, 8);
ASSERT_SIZE(INFO_OBJ.nr_online, 4);
ASSERT_SIZE(INFO_OBJ.nr_vmxon, 4);
ASSERT_SIZE(INFO_OBJ.msrs, 152);
ASSERT_SIZE(INFO_OBJ.reserved, 64);
static_assert(sizeof(struct minivmx_vmx_info) == 240, "vmx_info size");

ASSERT_OFFSET(struct minivmx_memory_region, slot, 0);
ASSERT_OFFSET(struct minivmx_memory_region, flags, 4);
ASSERT_OFFSET(struct minivmx_memory_region, guest_phys_addr, 8);
ASSERT_OFFSET(struct minivmx_memory_region, memory_size, 16);
ASSERT_OFFSET(struct minivmx_memory_region, userspace_addr, 24);
ASSERT_SIZE(MEM_OBJ.slot, 4);
ASSERT_SIZE(MEM_OBJ.flags, 4);
ASSERT_SIZE(MEM_OBJ.guest_phys_addr, 8);
ASSERT_SIZE(MEM_OBJ.memory_size, 8);
ASSERT_SIZE(MEM_OBJ.userspace_addr, 8);
static_assert(sizeof(struct minivmx_memory_region) == 32, "memory_region size");

ASSERT_OFFSET(struct minivmx_regs, rax, 0);
ASSERT_OFFSET(struct minivmx_regs, rbx, 8);
ASSERT_OFFSET(struct minivmx_regs, rcx, 16);
ASSERT_OFFSET(struct minivmx_regs, rdx, 24);
ASSERT_OFFSET(struct minivmx_regs, rsi, 32);
ASSERT_OFFSET(struct minivmx_regs, rdi, 40);
ASSERT_OFFSET(struct minivmx_regs, rsp, 48);
ASSERT_OFFSET(struct minivmx_regs, rbp, 56);
ASSERT_OFFSET(struct minivmx_regs, r8, 64);
ASSERT_OFFSET(struct minivmx_regs, r9, 72);
ASSERT_OFFSET(struct minivmx_regs, r10, 80);
ASSERT_OFFSET(struct minivmx_regs, r11, 88);
ASSERT_OFFSET(struct minivmx_regs, r12, 96);
ASSERT_OFFSET(struct minivmx_regs, r13, 104);
ASSERT_OFFSET(struct minivmx_regs, r14, 112);
ASSERT_OFFSET(struct minivmx_regs, r15, 120);
ASSERT_OFFSET(struct minivmx_regs, rip, 128);
ASSERT_OFFSET(struct minivmx_regs, rflags, 136);
ASSERT_SIZE(REGS_OBJ.rax, 8);
ASSERT_SIZE(REGS_OBJ.rbx, 8);
ASSERT_SIZE(REGS_OBJ.rcx, 8);
ASSERT_SIZE(REGS_OBJ.rdx, 8);
ASSERT_SIZE(REGS_OBJ.rsi, 8);
ASSERT_SIZE(REGS_OBJ.rdi, 8);
ASSERT_SIZE(REGS_OBJ.rsp, 8);
ASSERT_SIZE(REGS_OBJ.rbp, 8);
ASSERT_SIZE(REGS_OBJ.r8, 8);
ASSERT_SIZE(REGS_OBJ.r9, 8);
ASSERT_SIZE(REGS_OBJ.r10, 8);
ASSERT_SIZE(REGS_OBJ.r11, 8);
ASSERT_SIZE(REGS_OBJ.r12, 8);
ASSERT_SIZE(REGS_OBJ.r13, 8);
ASSERT_SIZE(REGS_OBJ.r14, 8);
ASSERT_SIZE(REGS_OBJ.r15, 8);
ASSERT_SIZE(REGS_OBJ.rip, 8);
ASSERT_SIZE(REGS_OBJ.rflags, 8);
static_assert(sizeof(struct minivmx_regs) == 144, "regs size");

ASSERT_OFFSET(struct minivmx_segment, base, 0);
ASSERT_OFFSET(struct minivmx_segment, limit, 8);
ASSERT_OFFSET(struct minivmx_segment, selector, 12);
ASSERT_OFFSET(struct minivmx_segment, type, 14);
ASSERT_OFFSET(struct minivmx_segment, s, 15);
ASSERT_OFFSET(struct minivmx_segment, dpl, 16);
ASSERT_OFFSET(struct minivmx_segment, present, 17);
ASSERT_OFFSET(struct minivmx_segment, avl, 18);
ASSERT_OFFSET(struct minivmx_segment, l, 19);
ASSERT_OFFSET(struct minivmx_segment, db, 20);
ASSERT_OFFSET(struct minivmx_segment, g, 21);
ASSERT_OFFSET(struct minivmx_segment, unusable, 22);
ASSERT_OFFSET(struct minivmx_segment, pad, 23);
ASSERT_SIZE(SEG_OBJ.base, 8);
ASSERT_SIZE(SEG_OBJ.limit, 4);
ASSERT_SIZE(SEG_OBJ.selector, 2);
ASSERT_SIZE(SEG_OBJ.type, 1);
ASSERT_SIZE(SEG_OBJ.s, 1);
ASSERT_SIZE(SEG_OBJ.dpl, 1);
ASSERT_SIZE(SEG_OBJ.present, 1);
ASSERT_SIZE(SEG_OBJ.avl, 1);
ASSERT_SIZE(SEG_OBJ.l, 1);
ASSERT_SIZE(SEG_OBJ.db, 1);
ASSERT_SIZE(SEG_OBJ.g, 1);
ASSERT_SIZE(SEG_OBJ.unusable, 1);
ASSERT_SIZE(SEG_OBJ.pad, 1);
static_assert(sizeof(struct minivmx_segment) == 24, "segment size");

ASSERT_OFFSET(struct minivmx_dtable, base, 0);
ASSERT_OFFSET(struct minivmx_dtable, limit, 8);
ASSERT_OFFSET(struct minivmx_dtable, pad, 10);
ASSERT_SIZE(DT_OBJ.base, 8);
ASSERT_SIZE(DT_OBJ.limit, 2);
ASSERT_SIZE(DT_OBJ.pad, 6);
static_assert(sizeof(struct minivmx_dtable) == 16, "dtable size");

ASSERT_OFFSET(struct minivmx_sregs, cs, 0);
ASSERT_OFFSET(struct minivmx_sregs, ds, 24);
ASSERT_OFFSET(struct minivmx_sregs, es, 48);
ASSERT_OFFSET(struct minivmx_sregs, fs, 72);
ASSERT_OFFSET(struct minivmx_sregs, gs, 96);
ASSERT_OFFSET(struct minivmx_sregs, ss, 120);
ASSERT_OFFSET(struct minivmx_sregs, tr, 144);
ASSERT_OFFSET(struct minivmx_sregs, ldt, 168);
ASSERT_OFFSET(struct minivmx_sregs, gdt, 192);
ASSERT_OFFSET(struct minivmx_sregs, idt, 208);
ASSERT_OFFSET(struct minivmx_sregs, cr0, 224);
ASSERT_OFFSET(struct minivmx_sregs, cr2, 232);
ASSERT_OFFSET(struct minivmx_sregs, cr3, 240);
ASSERT_OFFSET(struct minivmx_sregs, cr4, 248);
ASSERT_OFFSET(struct minivmx_sregs, efer, 256);
ASSERT_OFFSET(struct minivmx_sregs, reserved, 264);
ASSERT_SIZE(SREGS_OBJ.cs, 24);
ASSERT_SIZE(SREGS_OBJ.ds, 24);
ASSERT_SIZE(SREGS_OBJ.es, 24);
ASSERT_SIZE(SREGS_OBJ.fs, 24);
ASSERT_SIZE(SREGS_OBJ.gs, 24);
ASSERT_SIZE(SREGS_OBJ.ss, 24);
ASSERT_SIZE(SREGS_OBJ.tr, 24);
ASSERT_SIZE(SREGS_OBJ.ldt, 24);
ASSERT_SIZE(SREGS_OBJ.gdt, 16);
ASSERT_SIZE(SREGS_OBJ.idt, 16);
ASSERT_SIZE(SREGS_OBJ.cr0, 8);
ASSERT_SIZE(SREGS_OBJ.cr2, 8);
ASSERT_SIZE(SREGS_OBJ.cr3, 8);
ASSERT_SIZE(SREGS_OBJ.cr4, 8);
ASSERT_SIZE(SREGS_OBJ.efer, 8);
ASSERT_SIZE(SREGS_OBJ.reserved, 32);
static_assert(sizeof(struct minivmx_sregs) == 296, "sregs size");

ASSERT_OFFSET(struct minivmx_cpuid_entry, function, 0);
ASSERT_OFFSET(struct minivmx_cpuid_entry, index, 4);
ASSERT_OFFSET(struct minivmx_cpuid_entry, flags, 8);
ASSERT_OFFSET(struct minivmx_cpuid_entry, eax, 12);
ASSERT_OFFSET(struct minivmx_cpuid_entry, ebx, 16);
ASSERT_OFFSET(struct minivmx_cpuid_entry, ecx, 20);
ASSERT_OFFSET(struct minivmx_cpuid_entry, edx, 24);
ASSERT_OFFSET(struct minivmx_cpuid_entry, pad, 28);
ASSERT_SIZE(ENTRY_OBJ.function, 4);
ASSERT_SIZE(ENTRY_OBJ.index, 4);
ASSERT_SIZE(ENTRY_OBJ.flags, 4);
ASSERT_SIZE(ENTRY_OBJ.eax, 4);
ASSERT_SIZE(ENTRY_OBJ.ebx, 4);
ASSERT_SIZE(ENTRY_OBJ.ecx, 4);
ASSERT_SIZE(ENTRY_OBJ.edx, 4);
ASSERT_SIZE(ENTRY_OBJ.pad, 4);
static_assert(sizeof(struct minivmx_cpuid_entry) == 32, "cpuid_entry size");

ASSERT_OFFSET(struct minivmx_cpuid, nr, 0);
ASSERT_OFFSET(struct minivmx_cpuid, pad, 4);
ASSERT_OFFSET(struct minivmx_cpuid, entries, 8);
ASSERT_SIZE(CPUID_OBJ.nr, 4);
ASSERT_SIZE(CPUID_OBJ.pad, 4);
ASSERT_SIZE(CPUID_OBJ.entries, 8);
static_assert(sizeof(struct minivmx_cpuid) == 16, "cpuid size");

ASSERT_OFFSET(struct minivmx_port_route, first_port, 0);
ASSERT_OFFSET(struct minivmx_port_route, nr_ports, 2);
ASSERT_OFFSET(struct minivmx_port_route, handler, 4);
ASSERT_OFFSET(struct minivmx_port_route, flags, 8);
ASSERT_OFFSET(struct minivmx_port_route, pad, 12);
ASSERT_SIZE(ROUTE_OBJ.first_port, 2);
ASSERT_SIZE(ROUTE_OBJ.nr_ports, 2);
ASSERT_SIZE(ROUTE_OBJ.handler, 4);
ASSERT_SIZE(ROUTE_OBJ.flags, 4);
ASSERT_SIZE(ROUTE_OBJ.pad, 4);
static_assert(sizeof(struct minivmx_port_route) == 16, "port_route size");

ASSERT_OFFSET(struct minivmx_run, immediate_exit, 0);
ASSERT_OFFSET(struct minivmx_run, request_interrupt_window, 1);
ASSERT_OFFSET(struct minivmx_run, ready_for_interrupt_injection, 2);
ASSERT_OFFSET(struct minivmx_run, if_flag, 3);
ASSERT_OFFSET(struct minivmx_run, pad0, 4);
ASSERT_OFFSET(struct minivmx_run, exit_reason, 8);
ASSERT_OFFSET(struct minivmx_run, vmx_exit_reason, 12);
ASSERT_OFFSET(struct minivmx_run, exit_qualification, 16);
ASSERT_OFFSET(struct minivmx_run, guest_rip, 24);
ASSERT_OFFSET(struct minivmx_run, pad, 32);
ASSERT_OFFSET(struct minivmx_run, exit_count, 288);
ASSERT_OFFSET(struct minivmx_run, console_len, 928);
ASSERT_OFFSET(struct minivmx_run, console, 932);
ASSERT_SIZE(RUN_OBJ.immediate_exit, 1);
ASSERT_SIZE(RUN_OBJ.request_interrupt_window, 1);
ASSERT_SIZE(RUN_OBJ.ready_for_interrupt_injection, 1);
ASSERT_SIZE(RUN_OBJ.if_flag, 1);
ASSERT_SIZE(RUN_OBJ.pad0, 4);
ASSERT_SIZE(RUN_OBJ.exit_reason, 4);
ASSERT_SIZE(RUN_OBJ.vmx_exit_reason, 4);
ASSERT_SIZE(RUN_OBJ.exit_qualification, 8);
ASSERT_SIZE(RUN_OBJ.guest_rip, 8);
ASSERT_SIZE(RUN_OBJ.pad, 256);
ASSERT_SIZE(RUN_OBJ.exit_count, 640);
ASSERT_SIZE(RUN_OBJ.console_len, 4);
ASSERT_SIZE(RUN_OBJ.console, 512);
ASSERT_OFFSET(struct minivmx_run, io.direction, 32);
ASSERT_OFFSET(struct minivmx_run, io.size, 33);
ASSERT_OFFSET(struct minivmx_run, io.port, 34);
ASSERT_OFFSET(struct minivmx_run, io.count, 36);
ASSERT_OFFSET(struct minivmx_run, io.data_offset, 40);
ASSERT_OFFSET(struct minivmx_run, mmio.phys_addr, 32);
ASSERT_OFFSET(struct minivmx_run, mmio.data, 40);
ASSERT_OFFSET(struct minivmx_run, mmio.len, 48);
ASSERT_OFFSET(struct minivmx_run, mmio.is_write, 52);
ASSERT_OFFSET(struct minivmx_run, mmio.pad, 53);
ASSERT_OFFSET(struct minivmx_run, hypercall.nr, 32);
ASSERT_OFFSET(struct minivmx_run, hypercall.args, 40);
ASSERT_OFFSET(struct minivmx_run, hypercall.ret, 72);
ASSERT_OFFSET(struct minivmx_run, shutdown.regs, 32);
ASSERT_OFFSET(struct minivmx_run, shutdown.cr0, 176);
ASSERT_OFFSET(struct minivmx_run, shutdown.cr3, 184);
ASSERT_OFFSET(struct minivmx_run, shutdown.cr4, 192);
ASSERT_OFFSET(struct minivmx_run, shutdown.efer, 200);
ASSERT_OFFSET(struct minivmx_run, fail_entry.hardware_exit_reason, 32);
ASSERT_OFFSET(struct minivmx_run, fail_entry.qualification, 40);
ASSERT_OFFSET(struct minivmx_run, fail_entry.vm_instruction_error, 48);
ASSERT_OFFSET(struct minivmx_run, fail_entry.check, 52);
ASSERT_OFFSET(struct minivmx_run, internal.suberror, 32);
ASSERT_OFFSET(struct minivmx_run, internal.ndata, 36);
ASSERT_OFFSET(struct minivmx_run, internal.data, 40);
ASSERT_OFFSET(struct minivmx_run, guest_exit.status, 32);
ASSERT_SIZE(RUN_OBJ.io.direction, 1);
ASSERT_SIZE(RUN_OBJ.io.size, 1);
ASSERT_SIZE(RUN_OBJ.io.port, 2);
ASSERT_SIZE(RUN_OBJ.io.count, 4);
ASSERT_SIZE(RUN_OBJ.io.data_offset, 8);
ASSERT_SIZE(RUN_OBJ.mmio.phys_addr, 8);
ASSERT_SIZE(RUN_OBJ.mmio.data, 8);
ASSERT_SIZE(RUN_OBJ.mmio.len, 4);
ASSERT_SIZE(RUN_OBJ.mmio.is_write, 1);
ASSERT_SIZE(RUN_OBJ.mmio.pad, 3);
ASSERT_SIZE(RUN_OBJ.hypercall.nr, 8);
ASSERT_SIZE(RUN_OBJ.hypercall.args, 32);
ASSERT_SIZE(RUN_OBJ.hypercall.ret, 8);
ASSERT_SIZE(RUN_OBJ.shutdown.regs, 144);
ASSERT_SIZE(RUN_OBJ.shutdown.cr0, 8);
ASSERT_SIZE(RUN_OBJ.shutdown.cr3, 8);
ASSERT_SIZE(RUN_OBJ.shutdown.cr4, 8);
ASSERT_SIZE(RUN_OBJ.shutdown.efer, 8);
ASSERT_SIZE(RUN_OBJ.fail_entry.hardware_exit_reason, 8);
ASSERT_SIZE(RUN_OBJ.fail_entry.qualification, 8);
ASSERT_SIZE(RUN_OBJ.fail_entry.vm_instruction_error, 4);
ASSERT_SIZE(RUN_OBJ.fail_entry.check, 4);
ASSERT_SIZE(RUN_OBJ.internal.suberror, 4);
ASSERT_SIZE(RUN_OBJ.internal.ndata, 4);
ASSERT_SIZE(RUN_OBJ.internal.data, 128);
ASSERT_SIZE(RUN_OBJ.guest_exit.status, 8);
static_assert(sizeof(struct minivmx_run) == 1448, "run size");
/* The run page: the struct, then string I/O data, inside one page. */
static_assert(sizeof(struct minivmx_run) <= MINIVMX_IO_DATA_OFFSET, "run size");
static_assert(MINIVMX_IO_DATA_OFFSET + MINIVMX_IO_DATA_SIZE <= MINIVMX_RUN_SIZE,
	      "I/O data in the run page");

/* The numbers compiled programs carry, and their fields. */
ASSERT_CONST(MINIVMX_GET_API_VERSION, 0x0000ba00UL);
ASSERT_CONST(MINIVMX_CHECK_CAP, 0x0000ba01UL);
ASSERT_CONST(MINIVMX_GET_VMX_INFO, 0xc0f0ba02UL);
ASSERT_CONST(_IOC_DIR(MINIVMX_GET_API_VERSION), _IOC_NONE);
ASSERT_CONST(_IOC_DIR(MINIVMX_CHECK_CAP), _IOC_NONE);
ASSERT_CONST(_IOC_DIR(MINIVMX_GET_VMX_INFO), _IOC_READ | _IOC_WRITE);
ASSERT_CONST(_IOC_TYPE(MINIVMX_GET_API_VERSION), 0xBA);
ASSERT_CONST(_IOC_TYPE(MINIVMX_CHECK_CAP), 0xBA);
ASSERT_CONST(_IOC_TYPE(MINIVMX_GET_VMX_INFO), 0xBA);
ASSERT_CONST(_IOC_NR(MINIVMX_GET_API_VERSION), 0x00);
ASSERT_CONST(_IOC_NR(MINIVMX_CHECK_CAP), 0x01);
ASSERT_CONST(_IOC_NR(MINIVMX_GET_VMX_INFO), 0x02);
ASSERT_CONST(_IOC_SIZE(MINIVMX_GET_API_VERSION), 0);
ASSERT_CONST(_IOC_SIZE(MINIVMX_CHECK_CAP), 0);
ASSERT_CONST(_IOC_SIZE(MINIVMX_GET_VMX_INFO), 240);
ASSERT_CONST(MINIVMX_CREATE_VM, 0x0000ba03UL);
ASSERT_CONST(MINIVMX_SET_MEMORY_REGION, 0x4020ba10UL);
ASSERT_CONST(MINIVMX_CREATE_VCPU, 0x0000ba11UL);
ASSERT_CONST(MINIVMX_SET_PORT_ROUTE, 0x4010ba12UL);
ASSERT_CONST(MINIVMX_RUN, 0x0000ba20UL);
ASSERT_CONST(MINIVMX_GET_REGS, 0x8090ba21UL);
ASSERT_CONST(MINIVMX_SET_REGS, 0x4090ba22UL);
ASSERT_CONST(MINIVMX_GET_SREGS, 0x8128ba23UL);
ASSERT_CONST(MINIVMX_SET_SREGS, 0x4128ba24UL);
ASSERT_CONST(MINIVMX_SET_CPUID, 0x4010ba25UL);
ASSERT_CONST(MINIVMX_SET_GUEST_DEBUG, 0x4068ba26UL);
ASSERT_CONST(MINIVMX_GET_VMCS, 0xc010ba27UL);
ASSERT_CONST(MINIVMX_SET_EXIT_RING, 0x4020ba28UL);
ASSERT_CONST(MINIVMX_TRANSLATE, 0xc168ba29UL);
ASSERT_CONST(MINIVMX_INTERRUPT, 0x4008ba2aUL);
ASSERT_CONST(MINIVMX_NMI, 0x0000ba2bUL);
ASSERT_CONST(MINIVMX_CREATE_LAPIC, 0x0000ba13UL);
ASSERT_CONST(MINIVMX_SIGNAL_MSI, 0x4020ba14UL);
ASSERT_CONST(MINIVMX_GET_LAPIC, 0x8418ba2cUL);

/* The step-and-inspect structures: sizes and the run structure's part. */
ASSERT_SIZE(struct minivmx_guest_debug, 104);
ASSERT_OFFSET(struct minivmx_guest_debug, steps, 8);
ASSERT_OFFSET(struct minivmx_guest_debug, db, 16);
ASSERT_OFFSET(struct minivmx_guest_debug, dr7, 48);
ASSERT_OFFSET(struct minivmx_guest_debug, exit_bitmap, 56);
ASSERT_OFFSET(struct minivmx_guest_debug, reserved, 72);
ASSERT_SIZE(struct minivmx_vmcs_field, 16);
ASSERT_SIZE(struct minivmx_vmcs_read, 16);
ASSERT_SIZE(struct minivmx_exit_record, 72);
ASSERT_OFFSET(struct minivmx_exit_record, reason, 56);
ASSERT_OFFSET(struct minivmx_exit_record, insn_len, 68);
ASSERT_OFFSET(struct minivmx_exit_record, where, 70);
ASSERT_SIZE(struct minivmx_exit_ring, 64);
ASSERT_OFFSET(struct minivmx_exit_ring, head, 8);
ASSERT_OFFSET(struct minivmx_exit_ring, tail, 16);
ASSERT_OFFSET(struct minivmx_exit_ring, overruns, 24);
ASSERT_SIZE(struct minivmx_ring_config, 32);
ASSERT_SIZE(struct minivmx_walk_level, 56);
ASSERT_SIZE(struct minivmx_translate, 360);
ASSERT_OFFSET(struct minivmx_translate, gpa, 32);
ASSERT_OFFSET(struct minivmx_translate, level, 48);
ASSERT_OFFSET(struct minivmx_translate, data, 272);
ASSERT_OFFSET(struct minivmx_run, debug.reasons, 32);
ASSERT_OFFSET(struct minivmx_run, debug.rip, 40);
ASSERT_OFFSET(struct minivmx_run, debug.exit_rip, 72);
ASSERT_OFFSET(struct minivmx_run, debug.insn_info, 116);
ASSERT_CONST(MINIVMX_EXIT_DEBUG, 11);
ASSERT_CONST(MINIVMX_EXIT_IRQ_WINDOW_OPEN, 12);
ASSERT_CONST(MINIVMX_CAP_INTERRUPT, 17);
ASSERT_CONST(MINIVMX_CAP_NMI, 18);
ASSERT_SIZE(struct minivmx_interrupt, 8);
ASSERT_OFFSET(struct minivmx_interrupt, vector, 0);
ASSERT_OFFSET(struct minivmx_interrupt, pad, 4);
ASSERT_CONST(MINIVMX_CAP_LAPIC, 19);
ASSERT_CONST(MINIVMX_EXIT_EOI, 13);
ASSERT_OFFSET(struct minivmx_run, eoi.vector, 32);
ASSERT_SIZE(struct minivmx_msi, 32);
ASSERT_OFFSET(struct minivmx_msi, address, 0);
ASSERT_OFFSET(struct minivmx_msi, data, 8);
ASSERT_OFFSET(struct minivmx_msi, flags, 12);
ASSERT_OFFSET(struct minivmx_msi, pad, 16);
ASSERT_SIZE(struct minivmx_lapic_state, 1048);
ASSERT_OFFSET(struct minivmx_lapic_state, mp_state, 16);
ASSERT_OFFSET(struct minivmx_lapic_state, regs, 24);
ASSERT_CONST(MINIVMX_MP_WAIT_SIPI, 2);
ASSERT_CONST(MINIVMX_CAP_GUEST_DEBUG, 13);
ASSERT_CONST(MINIVMX_CAP_GET_VMCS, 14);
ASSERT_CONST(MINIVMX_CAP_EXIT_RING, 15);
ASSERT_CONST(MINIVMX_CAP_TRANSLATE, 16);
ASSERT_CONST(MINIVMX_MAX_VMCS_FIELDS, 256);
ASSERT_CONST(MINIVMX_MAX_RING_ENTRIES, 65536);
ASSERT_CONST(MINIVMX_RING_OFFSET, 4096);
ASSERT_CONST(MINIVMX_RING_RECORDS, 4096);
ASSERT_CONST(MINIVMX_CHECK_CTRL_PIN, 1);
ASSERT_CONST(MINIVMX_CHECK_GUEST_PDPTE, 43);

ASSERT_CONST(MINIVMX_API_VERSION, 1);
ASSERT_CONST(MINIVMX_IO, 0xBA);
ASSERT_CONST(MINIVMX_CAP_VMX_INFO, 1);
ASSERT_CONST(MINIVMX_CAP_EPT, 2);
ASSERT_CONST(MINIVMX_CAP_UNRESTRICTED_GUEST, 3);
ASSERT_CONST(MINIVMX_CAP_VPID, 4);
ASSERT_CONST(MINIVMX_CAP_PREEMPTION_TIMER, 5);
ASSERT_CONST(MINIVMX_CAP_MTF, 6);
ASSERT_CONST(MINIVMX_CAP_EPT_2M, 7);
ASSERT_CONST(MINIVMX_CAP_EPT_AD, 8);
ASSERT_CONST(MINIVMX_CAP_NR_CPUS, 9);
ASSERT_CONST(MINIVMX_CPU_ONLINE, 1U << 0);
ASSERT_CONST(MINIVMX_CPU_VMXON, 1U << 1);
ASSERT_CONST(MINIVMX_CAP_RUN, 10);
ASSERT_CONST(MINIVMX_CAP_MAX_VCPUS, 11);
ASSERT_CONST(MINIVMX_CAP_MEM_SLOTS, 12);
ASSERT_CONST(MINIVMX_NR_VMX_EXIT_REASONS, 80);
ASSERT_CONST(MINIVMX_MEM_READONLY, 1U << 0);
ASSERT_CONST(MINIVMX_MAX_MEM_SLOTS, 32);
ASSERT_CONST(MINIVMX_MAX_VCPUS, 8);
ASSERT_CONST(MINIVMX_MAX_MEM_SIZE, 1ULL << 39);
ASSERT_CONST(MINIVMX_CPUID_INDEXED, 1U << 0);
ASSERT_CONST(MINIVMX_MAX_CPUID_ENTRIES, 64);
ASSERT_CONST(MINIVMX_PORT_USER, 0);
ASSERT_CONST(MINIVMX_PORT_DEBUGCON, 1);
ASSERT_CONST(MINIVMX_PORT_EXIT, 2);
ASSERT_CONST(MINIVMX_EXIT_UNKNOWN, 0);
ASSERT_CONST(MINIVMX_EXIT_IO, 1);
ASSERT_CONST(MINIVMX_EXIT_MMIO, 2);
ASSERT_CONST(MINIVMX_EXIT_HLT, 3);
ASSERT_CONST(MINIVMX_EXIT_HYPERCALL, 4);
ASSERT_CONST(MINIVMX_EXIT_SHUTDOWN, 5);
ASSERT_CONST(MINIVMX_EXIT_FAIL_ENTRY, 6);
ASSERT_CONST(MINIVMX_EXIT_INTERNAL_ERROR, 7);
ASSERT_CONST(MINIVMX_EXIT_GUEST_EXIT, 8);
ASSERT_CONST(MINIVMX_EXIT_CONSOLE, 9);
ASSERT_CONST(MINIVMX_EXIT_INTR, 10);
ASSERT_CONST(MINIVMX_INTERNAL_UNHANDLED_EXIT, 1);
ASSERT_CONST(MINIVMX_INTERNAL_EMULATION, 2);
ASSERT_CONST(MINIVMX_INTERNAL_FETCH, 3);
ASSERT_CONST(MINIVMX_INTERNAL_EPT_MISCONFIG, 4);
ASSERT_CONST(MINIVMX_IO_IN, 0);
ASSERT_CONST(MINIVMX_IO_OUT, 1);
ASSERT_CONST(MINIVMX_HC_NOP, 0);
ASSERT_CONST(MINIVMX_HC_PUTCHAR, 1);
ASSERT_CONST(MINIVMX_HC_EXIT, 2);
ASSERT_CONST(MINIVMX_HC_USER_BASE, 0x100);
ASSERT_CONST(MINIVMX_HC_ENOSYS, (__u64)-38);
ASSERT_CONST(MINIVMX_RUN_SIZE, 4096);
ASSERT_CONST(MINIVMX_IO_DATA_OFFSET, 2048);
ASSERT_CONST(MINIVMX_IO_DATA_SIZE, 1024);
ASSERT_CONST(MINIVMX_CONSOLE_SIZE, 512);

struct member {
	const char *name;
	size_t offset, size;
};

static const struct member vmx_msrs_members[] = {
	{ "feature_control", offsetof(VMX_MSRS, feature_control),
	  sizeof(MSRS_OBJ.feature_control) },
	{ "basic", offsetof(VMX_MSRS, basic), sizeof(MSRS_OBJ.basic) },
	{ "pinbased_ctls", offsetof(VMX_MSRS, pinbased_ctls),
	  sizeof(MSRS_OBJ.pinbased_ctls) },
	{ "procbased_ctls", offsetof(VMX_MSRS, procbased_ctls),
	  sizeof(MSRS_OBJ.procbased_ctls) },
	{ "exit_ctls", offsetof(VMX_MSRS, exit_ctls),
	  sizeof(MSRS_OBJ.exit_ctls) },
	{ "entry_ctls", offsetof(VMX_MSRS, entry_ctls),
	  sizeof(MSRS_OBJ.entry_ctls) },
	{ "misc", offsetof(VMX_MSRS, misc), sizeof(MSRS_OBJ.misc) },
	{ "cr0_fixed0", offsetof(VMX_MSRS, cr0_fixed0),
	  sizeof(MSRS_OBJ.cr0_fixed0) },
	{ "cr0_fixed1", offsetof(VMX_MSRS, cr0_fixed1),
	  sizeof(MSRS_OBJ.cr0_fixed1) },
	{ "cr4_fixed0", offsetof(VMX_MSRS, cr4_fixed0),
	  sizeof(MSRS_OBJ.cr4_fixed0) },
	{ "cr4_fixed1", offsetof(VMX_MSRS, cr4_fixed1),
	  sizeof(MSRS_OBJ.cr4_fixed1) },
	{ "vmcs_enum", offsetof(VMX_MSRS, vmcs_enum),
	  sizeof(MSRS_OBJ.vmcs_enum) },
	{ "procbased_ctls2", offsetof(VMX_MSRS, procbased_ctls2),
	  sizeof(MSRS_OBJ.procbased_ctls2) },
	{ "ept_vpid_cap", offsetof(VMX_MSRS, ept_vpid_cap),
	  sizeof(MSRS_OBJ.ept_vpid_cap) },
	{ "true_pinbased_ctls", offsetof(VMX_MSRS, true_pinbased_ctls),
	  sizeof(MSRS_OBJ.true_pinbased_ctls) },
	{ "true_procbased_ctls", offsetof(VMX_MSRS, true_procbased_ctls),
	  sizeof(MSRS_OBJ.true_procbased_ctls) },
	{ "true_exit_ctls", offsetof(VMX_MSRS, true_exit_ctls),
	  sizeof(MSRS_OBJ.true_exit_ctls) },
	{ "true_entry_ctls", offsetof(VMX_MSRS, true_entry_ctls),
	  sizeof(MSRS_OBJ.true_entry_ctls) },
	{ "vmfunc", offsetof(VMX_MSRS, vmfunc),
	  sizeof(MSRS_OBJ.vmfunc) },
};

static const struct member cpu_state_members[] = {
	{ "cpu", offsetof(CPU_STATE, cpu), sizeof(CPU_OBJ.cpu) },
	{ "flags", offsetof(CPU_STATE, flags),
	  sizeof(CPU_OBJ.flags) },
	{ "cr4", offsetof(CPU_STATE, cr4), sizeof(CPU_OBJ.cr4) },
	{ "feature_control", offsetof(CPU_STATE, feature_control),
	  sizeof(CPU_OBJ.feature_control) },
};

static const struct member vmx_info_members[] = {
	{ "flags", offsetof(VMX_INFO, flags), sizeof(INFO_OBJ.flags) },
	{ "nr_cpus", offsetof(VMX_INFO, nr_cpus),
	  sizeof(INFO_OBJ.nr_cpus) },
	{ "cpus", offsetof(VMX_INFO, cpus), sizeof(INFO_OBJ.cpus) },
	{ "nr_online", offsetof(VMX_INFO, nr_online),
	  sizeof(INFO_OBJ.nr_online) },
	{ "nr_vmxon", offsetof(VMX_INFO, nr_vmxon),
	  sizeof(INFO_OBJ.nr_vmxon) },
	{ "msrs", offsetof(VMX_INFO, msrs), sizeof(INFO_OBJ.msrs) },
	{ "reserved", offsetof(VMX_INFO, reserved),
	  sizeof(INFO_OBJ.reserved) },
};

static const struct member memory_region_members[] = {
	{ "slot", offsetof(MEM_REGION, slot), sizeof(MEM_OBJ.slot) },
	{ "flags", offsetof(MEM_REGION, flags), sizeof(MEM_OBJ.flags) },
	{ "guest_phys_addr", offsetof(MEM_REGION, guest_phys_addr),
	  sizeof(MEM_OBJ.guest_phys_addr) },
	{ "memory_size", offsetof(MEM_REGION, memory_size),
	  sizeof(MEM_OBJ.memory_size) },
	{ "userspace_addr", offsetof(MEM_REGION, userspace_addr),
	  sizeof(MEM_OBJ.userspace_addr) },
};

static const struct member regs_members[] = {
	{ "rax", offsetof(REGS, rax), sizeof(REGS_OBJ.rax) },
	{ "rbx", offsetof(REGS, rbx), sizeof(REGS_OBJ.rbx) },
	{ "rcx", offsetof(REGS, rcx), sizeof(REGS_OBJ.rcx) },
	{ "rdx", offsetof(REGS, rdx), sizeof(REGS_OBJ.rdx) },
	{ "rsi", offsetof(REGS, rsi), sizeof(REGS_OBJ.rsi) },
	{ "rdi", offsetof(REGS, rdi), sizeof(REGS_OBJ.rdi) },
	{ "rsp", offsetof(REGS, rsp), sizeof(REGS_OBJ.rsp) },
	{ "rbp", offsetof(REGS, rbp), sizeof(REGS_OBJ.rbp) },
	{ "r8", offsetof(REGS, r8), sizeof(REGS_OBJ.r8) },
	{ "r9", offsetof(REGS, r9), sizeof(REGS_OBJ.r9) },
	{ "r10", offsetof(REGS, r10), sizeof(REGS_OBJ.r10) },
	{ "r11", offsetof(REGS, r11), sizeof(REGS_OBJ.r11) },
	{ "r12", offsetof(REGS, r12), sizeof(REGS_OBJ.r12) },
	{ "r13", offsetof(REGS, r13), sizeof(REGS_OBJ.r13) },
	{ "r14", offsetof(REGS, r14), sizeof(REGS_OBJ.r14) },
	{ "r15", offsetof(REGS, r15), sizeof(REGS_OBJ.r15) },
	{ "rip", offsetof(REGS, rip), sizeof(REGS_OBJ.rip) },
	{ "rflags", offsetof(REGS, rflags), sizeof(REGS_OBJ.rflags) },
};

static const struct member segment_members[] = {
	{ "base", offsetof(SEGMENT, base), sizeof(SEG_OBJ.base) },
	{ "limit", offsetof(SEGMENT, limit), sizeof(SEG_OBJ.limit) },
	{ "selector", offsetof(SEGMENT, selector), sizeof(SEG_OBJ.selector) },
	{ "type", offsetof(SEGMENT, type), sizeof(SEG_OBJ.type) },
	{ "s", offsetof(SEGMENT, s), sizeof(SEG_OBJ.s) },
	{ "dpl", offsetof(SEGMENT, dpl), sizeof(SEG_OBJ.dpl) },
	{ "present", offsetof(SEGMENT, present), sizeof(SEG_OBJ.present) },
	{ "avl", offsetof(SEGMENT, avl), sizeof(SEG_OBJ.avl) },
	{ "l", offsetof(SEGMENT, l), sizeof(SEG_OBJ.l) },
	{ "db", offsetof(SEGMENT, db), sizeof(SEG_OBJ.db) },
	{ "g", offsetof(SEGMENT, g), sizeof(SEG_OBJ.g) },
	{ "unusable", offsetof(SEGMENT, unusable), sizeof(SEG_OBJ.unusable) },
	{ "pad", offsetof(SEGMENT, pad), sizeof(SEG_OBJ.pad) },
};

static const struct member dtable_members[] = {
	{ "base", offsetof(DTABLE, base), sizeof(DT_OBJ.base) },
	{ "limit", offsetof(DTABLE, limit), sizeof(DT_OBJ.limit) },
	{ "pad", offsetof(DTABLE, pad), sizeof(DT_OBJ.pad) },
};

static const struct member sregs_members[] = {
	{ "cs", offsetof(SREGS, cs), sizeof(SREGS_OBJ.cs) },
	{ "ds", offsetof(SREGS, ds), sizeof(SREGS_OBJ.ds) },
	{ "es", offsetof(SREGS, es), sizeof(SREGS_OBJ.es) },
	{ "fs", offsetof(SREGS, fs), sizeof(SREGS_OBJ.fs) },
	{ "gs", offsetof(SREGS, gs), sizeof(SREGS_OBJ.gs) },
	{ "ss", offsetof(SREGS, ss), sizeof(SREGS_OBJ.ss) },
	{ "tr", offsetof(SREGS, tr), sizeof(SREGS_OBJ.tr) },
	{ "ldt", offsetof(SREGS, ldt), sizeof(SREGS_OBJ.ldt) },
	{ "gdt", offsetof(SREGS, gdt), sizeof(SREGS_OBJ.gdt) },
	{ "idt", offsetof(SREGS, idt), sizeof(SREGS_OBJ.idt) },
	{ "cr0", offsetof(SREGS, cr0), sizeof(SREGS_OBJ.cr0) },
	{ "cr2", offsetof(SREGS, cr2), sizeof(SREGS_OBJ.cr2) },
	{ "cr3", offsetof(SREGS, cr3), sizeof(SREGS_OBJ.cr3) },
	{ "cr4", offsetof(SREGS, cr4), sizeof(SREGS_OBJ.cr4) },
	{ "efer", offsetof(SREGS, efer), sizeof(SREGS_OBJ.efer) },
	{ "reserved", offsetof(SREGS, reserved), sizeof(SREGS_OBJ.reserved) },
};

static const struct member cpuid_entry_members[] = {
	{ "function", offsetof(CPUID_ENTRY, function),
	  sizeof(ENTRY_OBJ.function) },
	{ "index", offsetof(CPUID_ENTRY, index), sizeof(ENTRY_OBJ.index) },
	{ "flags", offsetof(CPUID_ENTRY, flags), sizeof(ENTRY_OBJ.flags) },
	{ "eax", offsetof(CPUID_ENTRY, eax), sizeof(ENTRY_OBJ.eax) },
	{ "ebx", offsetof(CPUID_ENTRY, ebx), sizeof(ENTRY_OBJ.ebx) },
	{ "ecx", offsetof(CPUID_ENTRY, ecx), sizeof(ENTRY_OBJ.ecx) },
	{ "edx", offsetof(CPUID_ENTRY, edx), sizeof(ENTRY_OBJ.edx) },
	{ "pad", offsetof(CPUID_ENTRY, pad), sizeof(ENTRY_OBJ.pad) },
};

static const struct member cpuid_members[] = {
	{ "nr", offsetof(CPUID, nr), sizeof(CPUID_OBJ.nr) },
	{ "pad", offsetof(CPUID, pad), sizeof(CPUID_OBJ.pad) },
	{ "entries", offsetof(CPUID, entries), sizeof(CPUID_OBJ.entries) },
};

static const struct member port_route_members[] = {
	{ "first_port", offsetof(PORT_ROUTE, first_port),
	  sizeof(ROUTE_OBJ.first_port) },
	{ "nr_ports", offsetof(PORT_ROUTE, nr_ports),
	  sizeof(ROUTE_OBJ.nr_ports) },
	{ "handler", offsetof(PORT_ROUTE, handler), sizeof(ROUTE_OBJ.handler) },
	{ "flags", offsetof(PORT_ROUTE, flags), sizeof(ROUTE_OBJ.flags) },
	{ "pad", offsetof(PORT_ROUTE, pad), sizeof(ROUTE_OBJ.pad) },
};

static const struct member run_members[] = {
	{ "immediate_exit", offsetof(RUN, immediate_exit),
	  sizeof(RUN_OBJ.immediate_exit) },
	{ "request_interrupt_window", offsetof(RUN, request_interrupt_window),
	  sizeof(RUN_OBJ.request_interrupt_window) },
	{ "ready_for_interrupt_injection",
	  offsetof(RUN, ready_for_interrupt_injection),
	  sizeof(RUN_OBJ.ready_for_interrupt_injection) },
	{ "if_flag", offsetof(RUN, if_flag), sizeof(RUN_OBJ.if_flag) },
	{ "pad0", offsetof(RUN, pad0), sizeof(RUN_OBJ.pad0) },
	{ "exit_reason", offsetof(RUN, exit_reason),
	  sizeof(RUN_OBJ.exit_reason) },
	{ "vmx_exit_reason", offsetof(RUN, vmx_exit_reason),
	  sizeof(RUN_OBJ.vmx_exit_reason) },
	{ "exit_qualification", offsetof(RUN, exit_qualification),
	  sizeof(RUN_OBJ.exit_qualification) },
	{ "guest_rip", offsetof(RUN, guest_rip), sizeof(RUN_OBJ.guest_rip) },
	{ "pad", offsetof(RUN, pad), sizeof(RUN_OBJ.pad) },
	{ "exit_count", offsetof(RUN, exit_count), sizeof(RUN_OBJ.exit_count) },
	{ "console_len", offsetof(RUN, console_len),
	  sizeof(RUN_OBJ.console_len) },
	{ "console", offsetof(RUN, console), sizeof(RUN_OBJ.console) },
	{ "refused_check", offsetof(RUN, refused_check),
	  sizeof(RUN_OBJ.refused_check) },
};

/*
 * Back to back from offset 0: no hole, nothing left out of the list.
 * Return: where the last member ends.
 */
static size_t check_members(struct __test_metadata *_metadata,
			    const struct member *m, size_t n)
{
	size_t i, end = 0;

	for (i = 0; i < n; i++) {
		EXPECT_EQ(end, m[i].offset)
			TH_LOG("a hole or a missing member before %s",
			       m[i].name);
		end = m[i].offset + m[i].size;
	}
	return end;
}

static void check_layout(struct __test_metadata *_metadata,
			 const struct member *m, size_t n, size_t size)
{
	EXPECT_EQ(size, check_members(_metadata, m, n))
		TH_LOG("a hole or a missing member at the end");
}

TEST(vmx_msrs_layout)
{
	check_layout(_metadata, vmx_msrs_members, ARRAY_SIZE(vmx_msrs_members),
		     sizeof(VMX_MSRS));
}

TEST(cpu_state_layout)
{
	check_layout(_metadata, cpu_state_members, ARRAY_SIZE(cpu_state_members),
		     sizeof(CPU_STATE));
}

TEST(vmx_info_layout)
{
	check_layout(_metadata, vmx_info_members, ARRAY_SIZE(vmx_info_members),
		     sizeof(VMX_INFO));
}

TEST(memory_region_layout)
{
	check_layout(_metadata, memory_region_members, ARRAY_SIZE(memory_region_members),
		     sizeof(MEM_REGION));
}

TEST(regs_layout)
{
	check_layout(_metadata, regs_members, ARRAY_SIZE(regs_members),
		     sizeof(REGS));
}

TEST(sregs_layout)
{
	check_layout(_metadata, segment_members, ARRAY_SIZE(segment_members),
		     sizeof(SEGMENT));
	check_layout(_metadata, dtable_members, ARRAY_SIZE(dtable_members),
		     sizeof(DTABLE));
	check_layout(_metadata, sregs_members, ARRAY_SIZE(sregs_members),
		     sizeof(SREGS));
}

TEST(cpuid_layout)
{
	check_layout(_metadata, cpuid_entry_members, ARRAY_SIZE(cpuid_entry_members),
		     sizeof(CPUID_ENTRY));
	check_layout(_metadata, cpuid_members, ARRAY_SIZE(cpuid_members),
		     sizeof(CPUID));
}

TEST(port_route_layout)
{
	check_layout(_metadata, port_route_members, ARRAY_SIZE(port_route_members),
		     sizeof(PORT_ROUTE));
}

/* struct minivmx_run ends with refused_check: same size on i386. */
TEST(run_layout)
{
	size_t end = check_members(_metadata, run_members,
				   ARRAY_SIZE(run_members));

	EXPECT_EQ(sizeof(RUN), end);
}

static const struct {
	unsigned int nr;
	const char *name;
} exit_reasons[] = { MINIVMX_VMX_EXIT_REASONS };

static const char *exit_reason_name(unsigned int nr)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(exit_reasons); i++)
		if (exit_reasons[i].nr == nr)
			return exit_reasons[i].name;
	return "";
}

TEST(exit_reason_names)
{
	unsigned int nr_reasons = MINIVMX_NR_VMX_EXIT_REASONS;
	size_t i, j;

	for (i = 0; i < ARRAY_SIZE(exit_reasons); i++) {
		EXPECT_GT(nr_reasons, exit_reasons[i].nr)
			TH_LOG("%s beyond exit_count[]", exit_reasons[i].name);
		EXPECT_TRUE(exit_reasons[i].name[0]);
		if (i)
			EXPECT_LT(exit_reasons[i - 1].nr, exit_reasons[i].nr)
				TH_LOG("%s out of order", exit_reasons[i].name);
		for (j = 0; j < i; j++)
			EXPECT_NE(0, strcmp(exit_reasons[i].name,
					    exit_reasons[j].name))
				TH_LOG("%s twice", exit_reasons[i].name);
	}
	/* A few numbers a reader checks against the SDM, Appendix C. */
	EXPECT_STREQ("TRIPLE_FAULT", exit_reason_name(2));
	EXPECT_STREQ("HLT", exit_reason_name(12));
	EXPECT_STREQ("IO_INSTRUCTION", exit_reason_name(30));
	EXPECT_STREQ("INVALID_STATE", exit_reason_name(33));
	EXPECT_STREQ("EPT_VIOLATION", exit_reason_name(48));
}

TEST(ioctl_numbers)
{
	static const struct {
		const char *name;
		unsigned long cmd;
		unsigned long dir;
		size_t arg_size;	/* 0: the argument is a value */
	} io[] = {
		{ "MINIVMX_GET_API_VERSION", MINIVMX_GET_API_VERSION,
		  _IOC_NONE, 0 },
		{ "MINIVMX_CHECK_CAP", MINIVMX_CHECK_CAP, _IOC_NONE, 0 },
		{ "MINIVMX_GET_VMX_INFO", MINIVMX_GET_VMX_INFO,
		  _IOC_READ | _IOC_WRITE, sizeof(VMX_INFO) },
		{ "MINIVMX_CREATE_VM", MINIVMX_CREATE_VM, _IOC_NONE, 0 },
		{ "MINIVMX_SET_MEMORY_REGION", MINIVMX_SET_MEMORY_REGION,
		  _IOC_WRITE, sizeof(MEM_REGION) },
		{ "MINIVMX_CREATE_VCPU", MINIVMX_CREATE_VCPU, _IOC_NONE, 0 },
		{ "MINIVMX_SET_PORT_ROUTE", MINIVMX_SET_PORT_ROUTE,
		  _IOC_WRITE, sizeof(PORT_ROUTE) },
		{ "MINIVMX_RUN", MINIVMX_RUN, _IOC_NONE, 0 },
		{ "MINIVMX_GET_REGS", MINIVMX_GET_REGS, _IOC_READ,
		  sizeof(REGS) },
		{ "MINIVMX_SET_REGS", MINIVMX_SET_REGS, _IOC_WRITE,
		  sizeof(REGS) },
		{ "MINIVMX_GET_SREGS", MINIVMX_GET_SREGS, _IOC_READ,
		  sizeof(SREGS) },
		{ "MINIVMX_SET_SREGS", MINIVMX_SET_SREGS, _IOC_WRITE,
		  sizeof(SREGS) },
		{ "MINIVMX_SET_CPUID", MINIVMX_SET_CPUID, _IOC_WRITE,
		  sizeof(CPUID) },
		{ "MINIVMX_SET_GUEST_DEBUG", MINIVMX_SET_GUEST_DEBUG,
		  _IOC_WRITE, sizeof(struct minivmx_guest_debug) },
		{ "MINIVMX_GET_VMCS", MINIVMX_GET_VMCS,
		  _IOC_READ | _IOC_WRITE, sizeof(struct minivmx_vmcs_read) },
		{ "MINIVMX_SET_EXIT_RING", MINIVMX_SET_EXIT_RING,
		  _IOC_WRITE, sizeof(struct minivmx_ring_config) },
		{ "MINIVMX_TRANSLATE", MINIVMX_TRANSLATE,
		  _IOC_READ | _IOC_WRITE, sizeof(struct minivmx_translate) },
		{ "MINIVMX_INTERRUPT", MINIVMX_INTERRUPT, _IOC_WRITE,
		  sizeof(struct minivmx_interrupt) },
		{ "MINIVMX_NMI", MINIVMX_NMI, _IOC_NONE, 0 },
		{ "MINIVMX_CREATE_LAPIC", MINIVMX_CREATE_LAPIC, _IOC_NONE, 0 },
		{ "MINIVMX_GET_LAPIC", MINIVMX_GET_LAPIC, _IOC_READ,
		  sizeof(struct minivmx_lapic_state) },
		{ "MINIVMX_SIGNAL_MSI", MINIVMX_SIGNAL_MSI, _IOC_WRITE,
		  sizeof(struct minivmx_msi) },
	};
	unsigned long type = MINIVMX_IO;
	size_t i, j;

	for (i = 0; i < ARRAY_SIZE(io); i++) {
		EXPECT_EQ(type, _IOC_TYPE(io[i].cmd))
			TH_LOG("%s: type", io[i].name);
		EXPECT_EQ(io[i].arg_size, _IOC_SIZE(io[i].cmd))
			TH_LOG("%s: size", io[i].name);
		EXPECT_EQ(io[i].dir, _IOC_DIR(io[i].cmd))
			TH_LOG("%s: direction", io[i].name);
		for (j = 0; j < i; j++)
			EXPECT_NE(_IOC_NR(io[j].cmd), _IOC_NR(io[i].cmd))
				TH_LOG("%s and %s share a number", io[j].name,
				       io[i].name);
	}
}

TEST_HARNESS_MAIN

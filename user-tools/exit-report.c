// SPDX-License-Identifier: GPL-2.0-only
/*
 * What `minivmx run` says about exits.  Every function writes whole lines
 * starting "minivmx: " and takes the run structure as MINIVMX_RUN left it.
 */
#include <stdbool.h>
#include <linux/minivmx.h>

#include "exit-report.h"
#include "util.h"
#include "vmx-names.h"

/* VM_EXIT_REASON bit 31: VM entry failed (SDM Vol. 3C 27.8) */
#define EXIT_REASON_FAILED_ENTRY	BIT_ULL(31)
#define EXIT_REASON_BASIC(r)		((unsigned int)((r) & 0xffff))
#define EXIT_REASON_EXCEPTION_NMI	0
#define EXIT_REASON_INVALID_STATE	33
#define EXIT_REASON_MSR_LOAD_FAIL	34
/* The longest instruction (SDM Vol. 2A 2.3.11) */
#define INSN_MAX			15

static const char *or_unknown(const char *name)
{
	return name ? name : "unknown";
}

static const char *vmx_name(unsigned int reason)
{
	return or_unknown(vmx_exit_reason_name(reason));
}

/* The detail of one exit kind for --trace, after its name. */
static void trace_detail(FILE *out, const struct minivmx_run *run)
{
	unsigned long long data = 0;
	unsigned int i;

	switch (run->exit_reason) {
	case MINIVMX_EXIT_IO:
		fprintf(out, " %s port=%#x size=%u count=%u",
			run->io.direction == MINIVMX_IO_OUT ? "out" : "in",
			run->io.port, run->io.size, run->io.count);
		break;
	case MINIVMX_EXIT_MMIO:
		fprintf(out, " %s gpa=%#llx len=%u",
			run->mmio.is_write ? "write" : "read",
			(unsigned long long)run->mmio.phys_addr, run->mmio.len);
		if (!run->mmio.is_write)
			break;
		for (i = 0; i < run->mmio.len && i < 8; i++)
			data |= (unsigned long long)run->mmio.data[i] << (8 * i);
		fprintf(out, " data=%#llx", data);
		break;
	case MINIVMX_EXIT_HYPERCALL:
		fprintf(out, " nr=%#llx rbx=%#llx",
			(unsigned long long)run->hypercall.nr,
			(unsigned long long)run->hypercall.args[0]);
		break;
	case MINIVMX_EXIT_GUEST_EXIT:
		fprintf(out, " status=%llu",
			(unsigned long long)run->guest_exit.status);
		break;
	case MINIVMX_EXIT_INTERNAL_ERROR:
		fprintf(out, " suberror=%u", run->internal.suberror);
		break;
	}
}

/**
 * report_trace() - one --trace line for an exit that reached userspace
 * @out: where to write
 * @run: the run structure
 *
 * "minivmx: trace: IO out port=0x3f8 size=1 count=1 vmx=IO_INSTRUCTION
 * rip=0x10012" (one line): the minivmx exit, its port or address, the VMX
 * exit reason behind it and the guest's RIP.
 */
void report_trace(FILE *out, const struct minivmx_run *run)
{
	fprintf(out, "minivmx: trace: %s",
		or_unknown(minivmx_exit_name(run->exit_reason)));
	trace_detail(out, run);
	/* A failed VMLAUNCH/VMRESUME is no VM exit: nothing more to say. */
	if (run->exit_reason == MINIVMX_EXIT_FAIL_ENTRY ||
	    run->exit_reason == MINIVMX_EXIT_INTR) {
		fputc('\n', out);
		return;
	}
	fprintf(out, " vmx=%s rip=%#llx\n", vmx_name(run->vmx_exit_reason),
		(unsigned long long)run->guest_rip);
}

/**
 * report_shutdown() - the line for MINIVMX_EXIT_SHUTDOWN
 * @out: where to write
 * @run: the run structure
 */
void report_shutdown(FILE *out, const struct minivmx_run *run)
{
	fprintf(out,
		"minivmx: guest triple-faulted at rip %#llx (cr0=%#llx cr3=%#llx cr4=%#llx efer=%#llx)\n",
		(unsigned long long)run->shutdown.regs.rip,
		(unsigned long long)run->shutdown.cr0,
		(unsigned long long)run->shutdown.cr3,
		(unsigned long long)run->shutdown.cr4,
		(unsigned long long)run->shutdown.efer);
}

/* The exit qualification of a failed entry, in words (SDM 27.8). */
static const char *entry_qual_name(unsigned int reason,
				   unsigned long long qual)
{
	if (reason != EXIT_REASON_INVALID_STATE)
		return NULL;
	switch (qual) {
	case 2:
		return "loading the PDPTEs failed";
	case 3:
		return "NMI injection while blocked by STI";
	case 4:
		return "invalid VMCS link pointer";
	default:
		return NULL;
	}
}

/**
 * report_refused_check() - the check a refused SET_SREGS/SET_REGS failed
 * @out: where to write
 * @run: the run structure, refused_check as the refusal left it
 */
void report_refused_check(FILE *out, const struct minivmx_run *run)
{
	char check[256];

	if (!run->refused_check)
		return;
	entry_check_describe(check, sizeof(check), run->refused_check);
	fprintf(out, "minivmx: the state fails the VM-entry check %s\n", check);
}

/**
 * report_fail_entry() - the line for MINIVMX_EXIT_FAIL_ENTRY
 * @out: where to write
 * @run: the run structure
 *
 * Either VMLAUNCH/VMRESUME failed (VMfailValid: a VM-instruction error,
 * SDM 31.4) or the entry failed while loading guest state and exited with
 * bit 31 of the exit reason set (SDM 27.8).
 */
void report_fail_entry(FILE *out, const struct minivmx_run *run)
{
	unsigned long long hw = run->fail_entry.hardware_exit_reason;
	unsigned long long qual = run->fail_entry.qualification;
	unsigned int reason = EXIT_REASON_BASIC(hw);
	unsigned int err = run->fail_entry.vm_instruction_error;
	const char *what;
	char check[256];

	if (run->fail_entry.check) {
		entry_check_describe(check, sizeof(check), run->fail_entry.check);
		fprintf(out, "minivmx: the VMCS fails the entry check %s\n",
			check);
	}
	if (!(hw & EXIT_REASON_FAILED_ENTRY)) {
		fprintf(out,
			"minivmx: VM entry failed: VM-instruction error %u (%s)\n",
			err, or_unknown(vmx_insn_error_name(err)));
		return;
	}
	what = vmx_entry_failure_name(reason);
	fprintf(out, "minivmx: VM entry failed: %s (exit reason %u), qualification %llu",
		what ? what : vmx_name(reason), reason, qual);
	if (reason == EXIT_REASON_MSR_LOAD_FAIL)
		fprintf(out, " (entry %llu of the VM-entry MSR-load list)",
			qual);
	else if (entry_qual_name(reason, qual))
		fprintf(out, " (%s)", entry_qual_name(reason, qual));
	fputc('\n', out);
}

/**
 * report_internal() - the line for MINIVMX_EXIT_INTERNAL_ERROR
 * @out: where to write
 * @run: the run structure; @run->internal.data as exits.c fills it
 */
void report_internal(FILE *out, const struct minivmx_run *run)
{
	const __u64 *data = run->internal.data;
	unsigned int sub = run->internal.suberror, reason, i, n;
	unsigned long long rip = run->guest_rip;
	const __u8 *insn;

	fprintf(out, "minivmx: internal error: %s",
		or_unknown(minivmx_internal_name(sub)));
	switch (sub) {
	case MINIVMX_INTERNAL_UNHANDLED_EXIT:
		reason = EXIT_REASON_BASIC(data[0]);
		fprintf(out, ": %s (exit reason %u), ", vmx_name(reason),
			reason);
		if (reason == EXIT_REASON_EXCEPTION_NMI)
			fprintf(out, "interruption information %#llx (vector %llu)",
				(unsigned long long)data[1],
				(unsigned long long)data[1] & 0xff);
		else
			fprintf(out, "qualification %#llx",
				(unsigned long long)data[1]);
		fprintf(out, ", at rip %#llx\n", rip);
		return;
	case MINIVMX_INTERNAL_EMULATION:
		fprintf(out, ", at rip %#llx accessing gpa %#llx; instruction bytes:",
			rip, (unsigned long long)data[0]);
		insn = (const __u8 *)&data[1];
		n = run->internal.ndata > 1 ? (run->internal.ndata - 1) * 8 : 0;
		for (i = 0; i < n && i < INSN_MAX; i++)
			fprintf(out, " %02x", insn[i]);
		fputc('\n', out);
		return;
	case MINIVMX_INTERNAL_FETCH:
		fprintf(out, ", at rip %#llx (gpa %#llx): is it outside RAM?\n",
			(unsigned long long)data[1],
			(unsigned long long)data[0]);
		return;
	case MINIVMX_INTERNAL_EPT_MISCONFIG:
		fprintf(out, " at gpa %#llx, rip %#llx\n",
			(unsigned long long)data[0], rip);
		return;
	case MINIVMX_INTERNAL_DELIVERY_EV:
		fprintf(out, " at gpa %#llx, rip %#llx (qualification %#llx, IDT-vectoring information %#llx)\n",
			(unsigned long long)data[0], rip,
			(unsigned long long)data[1],
			(unsigned long long)data[2]);
		return;
	}
	fprintf(out, " (suberror %u), rip %#llx, data:", sub, rip);
	for (i = 0; i < run->internal.ndata && i < 16; i++)
		fprintf(out, " %#llx", (unsigned long long)data[i]);
	fputc('\n', out);
}

/**
 * total_exits() - VM exits of the vCPU so far, all reasons
 * @run: the run structure
 *
 * Return: the sum of @run->exit_count[].
 */
__u64 total_exits(const struct minivmx_run *run)
{
	__u64 sum = 0;
	unsigned int i;

	for (i = 0; i < MINIVMX_NR_VMX_EXIT_REASONS; i++)
		sum += run->exit_count[i];
	return sum;
}

/* One row: a name, a count per vCPU and, for more than one, their sum. */
static void stats_row(FILE *out, const char *head, const __u64 *counts,
		      unsigned int nr)
{
	unsigned long long sum = 0;
	unsigned int i;

	fprintf(out, "minivmx: %s", head);
	for (i = 0; i < nr; i++) {
		fprintf(out, " %12llu", (unsigned long long)counts[i]);
		sum += counts[i];
	}
	if (nr > 1)
		fprintf(out, " %12llu", sum);
	fputc('\n', out);
}

/* With more than one vCPU, the columns' names. */
static void stats_columns(FILE *out, unsigned int nr)
{
	unsigned int i;

	if (nr < 2)
		return;
	fprintf(out, "minivmx: %28s", "");
	for (i = 0; i < nr; i++)
		fprintf(out, "       vCPU %u", i);
	fprintf(out, "          all\n");
}

/**
 * report_stats() - the --stats tables
 * @out: where to write
 * @runs: the vCPUs' run structures (their exit_count[])
 * @user_exits: for each vCPU, NR_MINIVMX_EXITS counts of its exits that
 *	reached the tool, by MINIVMX_EXIT_* number
 * @nr: how many vCPUs, 1 to MINIVMX_MAX_VCPUS
 *
 * Only reasons that occurred are listed; with more than one vCPU, each
 * has a column and the last one is their sum.
 */
void report_stats(FILE *out, struct minivmx_run *const *runs,
		  const __u64 (*user_exits)[NR_MINIVMX_EXITS], unsigned int nr)
{
	unsigned long long total = 0, sum = 0;
	__u64 counts[MINIVMX_MAX_VCPUS];
	unsigned int i, v;
	char head[32];
	bool seen;

	for (v = 0; v < nr; v++) {
		total += total_exits(runs[v]);
		for (i = 0; i < NR_MINIVMX_EXITS; i++)
			sum += user_exits[v][i];
	}
	fprintf(out, "minivmx: VM exits by reason (%llu in all):\n", total);
	stats_columns(out, nr);
	for (i = 0; i < MINIVMX_NR_VMX_EXIT_REASONS; i++) {
		seen = false;
		for (v = 0; v < nr; v++) {
			counts[v] = runs[v]->exit_count[i];
			seen |= counts[v] != 0;
		}
		if (!seen)
			continue;
		snprintf(head, sizeof(head), "  %3u %-22s", i, vmx_name(i));
		stats_row(out, head, counts, nr);
	}
	fprintf(out, "minivmx: exits to userspace (%llu in all):\n", sum);
	stats_columns(out, nr);
	for (i = 0; i < NR_MINIVMX_EXITS; i++) {
		seen = false;
		for (v = 0; v < nr; v++) {
			counts[v] = user_exits[v][i];
			seen |= counts[v] != 0;
		}
		if (!seen)
			continue;
		snprintf(head, sizeof(head), "      %-22s",
			 or_unknown(minivmx_exit_name(i)));
		stats_row(out, head, counts, nr);
	}
}

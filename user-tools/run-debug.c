// SPDX-License-Identifier: GPL-2.0-only
/*
 * The debugging side of `minivmx run`: --step [N], --break-exit and
 * --vmcs, on MINIVMX_SET_GUEST_DEBUG and MINIVMX_GET_VMCS.
 *
 * Stepping one instruction at a time, the tool prints each instruction
 * before it runs (read from guest RAM through the guest's page tables,
 * step.c, and disassembled by capstone, disasm.c), then the VM exits the
 * vCPU's exit counters gained until the step stop (the stepping's own
 * monitor-trap-flag exits left out), then the registers the instruction
 * changed.  An exit to userspace in between (a port of the UART) is
 * handled by cmd-run.c as always and the same instruction's stop comes at
 * the next MINIVMX_RUN.  With N > 1 the kernel runs N instructions per
 * stop and the tool prints one line per stop.
 *
 * An exit breakpoint stops after the kernel handled the exit; an exit of
 * a reason asked for that reaches userspace anyway is reported from the
 * run structure.  Either way the exit is printed in words (exit-decode.c)
 * and the guest goes on.
 */
#include <errno.h>
#include <string.h>

#include "cmd.h"
#include "disasm.h"
#include "exit-decode.h"
#include "libminivmx.h"
#include "run-debug.h"
#include "step.h"
#include "util.h"
#include "vmcs.h"
#include "vmx-names.h"

#define LINE_MAX_LEN	1024

/* VMCS field encodings (SDM Vol. 3D, Appendix B) */
#define VMCS_GUEST_PHYSICAL_ADDRESS	0x2400
#define VMCS_GUEST_LINEAR_ADDRESS	0x640a
#define VM_INSTRUCTION_ERROR		0x4400

static bool reason_set(const __u64 bitmap[2], unsigned int reason)
{
	return reason < 128 && (bitmap[reason / 64] >> (reason % 64) & 1);
}

/**
 * run_debug_active() - whether the options ask for guest debugging
 * @o: the options
 *
 * Return: true for --step or --break-exit (--vmcs alone needs none).
 */
bool run_debug_active(const struct run_debug_opts *o)
{
	return o->steps || o->break_exits[0] || o->break_exits[1];
}

static int check_caps(int dev_fd, __u32 control)
{
	int ret, caps;

	ret = minivmx_check_cap(dev_fd, MINIVMX_CAP_GUEST_DEBUG, &caps);
	if (ret) {
		pr_err("MINIVMX_CHECK_CAP: %s", strerror(-ret));
		return MV_EXIT_FAIL;
	}
	if ((control & (__u32)caps) != control) {
		pr_err("%s: the loaded module cannot %s (MINIVMX_CAP_GUEST_DEBUG answers %#x)",
		       minivmx_device_path(),
		       (control & ~(__u32)caps) & MINIVMX_GUESTDBG_SINGLESTEP ?
		       "single-step guests" : "stop at exits",
		       (unsigned int)caps);
		return MV_EXIT_FAIL;
	}
	return MV_EXIT_OK;
}

/**
 * run_debug_setup() - turn guest debugging on for a vCPU
 * @d: the state, filled here
 * @o: the options; run_debug_active() must be true
 * @dev_fd: the device, for the capability check
 * @vcpu_fd: the vCPU, its registers set
 * @run: its run structure
 * @ram: guest RAM from guest-physical 0
 * @ram_size: its size
 *
 * Return: MV_EXIT_OK, or MV_EXIT_FAIL with the reason printed.
 */
int run_debug_setup(struct run_debug *d, const struct run_debug_opts *o,
		    int dev_fd, int vcpu_fd, struct minivmx_run *run,
		    const void *ram, __u64 ram_size)
{
	struct minivmx_guest_debug dbg = { .control = MINIVMX_GUESTDBG_ENABLE };
	int ret, caps;

	memset(d, 0, sizeof(*d));
	d->o = o;
	d->vcpu_fd = vcpu_fd;
	d->run = run;
	d->ram = ram;
	d->ram_size = ram_size;
	d->out = stderr;
	memcpy(d->counts, run->exit_count, sizeof(d->counts));
	if (o->steps) {
		dbg.control |= MINIVMX_GUESTDBG_SINGLESTEP;
		dbg.steps = o->steps;
	}
	if (o->break_exits[0] || o->break_exits[1]) {
		dbg.control |= MINIVMX_GUESTDBG_EXIT_BP;
		memcpy(dbg.exit_bitmap, o->break_exits, sizeof(dbg.exit_bitmap));
	}
	ret = check_caps(dev_fd, dbg.control);
	if (ret)
		return ret;
	/*
	 * Stepping one instruction at a time, every exit the kernel handles
	 * stops too, so that each is printed with its qualification (not
	 * with N > 1: a stop starts the count of N again).
	 */
	if (o->steps == 1 && !minivmx_check_cap(dev_fd, MINIVMX_CAP_GUEST_DEBUG,
						&caps) &&
	    (caps & MINIVMX_GUESTDBG_EXIT_BP)) {
		dbg.control |= MINIVMX_GUESTDBG_EXIT_BP;
		dbg.exit_bitmap[0] = ~0ULL & ~BIT_ULL(VMX_EXIT_MONITOR_TRAP_FLAG);
		dbg.exit_bitmap[1] = BIT_ULL(MINIVMX_NR_VMX_EXIT_REASONS - 64) - 1;
	}
	ret = minivmx_set_guest_debug(vcpu_fd, &dbg);
	if (ret) {
		pr_err("MINIVMX_SET_GUEST_DEBUG: %s", strerror(-ret));
		return MV_EXIT_FAIL;
	}
	if (minivmx_get_regs(vcpu_fd, &d->regs) ||
	    minivmx_get_sregs(vcpu_fd, &d->sregs)) {
		pr_err("MINIVMX_GET_REGS/SREGS: %s", strerror(errno));
		return MV_EXIT_FAIL;
	}
	return MV_EXIT_OK;
}

/* "0x10005: bf 00 10 01 00  mov edi, 0x11000" for the instruction at RIP */
static void format_insn(const struct run_debug *d, __u64 rip, char *buf,
			size_t len)
{
	__u8 code[STEP_INSN_MAX];
	char text[160], hex[3 * STEP_INSN_MAX + 1] = "";
	size_t n, size, i, pos = 0;

	n = step_fetch(d->ram, d->ram_size, &d->sregs, rip, code, sizeof(code));
	if (!n) {
		snprintf(buf, len, "%#llx: (not in guest RAM or not mapped)",
			 (unsigned long long)rip);
		return;
	}
	size = disasm_one(code, n, rip, step_code_bits(&d->sregs), text,
			  sizeof(text));
	for (i = 0; i < (size ? size : n); i++)
		pos += snprintf(hex + pos, sizeof(hex) - pos, "%s%02x",
				i ? " " : "", code[i]);
	snprintf(buf, len, "%#llx: %-20s %s", (unsigned long long)rip, hex,
		 text);
}

/**
 * run_debug_before() - before MINIVMX_RUN: print the next instruction
 * @d: the state
 *
 * Only when stepping one instruction at a time, and only once per
 * instruction: the runs that complete an exit to userspace do not print
 * it again.
 */
void run_debug_before(struct run_debug *d)
{
	char line[LINE_MAX_LEN];

	if (d->o->steps != 1 || d->pending)
		return;
	format_insn(d, d->regs.rip, line, sizeof(line));
	fprintf(d->out, "minivmx: step %llu %s\n",
		(unsigned long long)d->nr_steps + 1, line);
	d->pending = true;
}

/*
 * What the run structure says about an exit that reached userspace.  For
 * port I/O the qualification is rebuilt from run->io where the kernel
 * left it 0 (SDM Table 28-5: size - 1, IN, string, port).
 */
static void user_exit_info(const struct minivmx_run *run,
			   struct exit_info *e)
{
	memset(e, 0, sizeof(*e));
	e->reason = run->vmx_exit_reason;
	e->qual = run->exit_qualification;
	if (run->exit_reason == MINIVMX_EXIT_MMIO)
		e->gpa = run->mmio.phys_addr;
	if (run->exit_reason == MINIVMX_EXIT_IO && !e->qual)
		e->qual = ((__u64)run->io.port << 16) |
			  ((run->io.size - 1) & 7) |
			  (run->io.direction == MINIVMX_IO_IN ? 1 << 3 : 0) |
			  (run->io.count > 1 ? 1 << 4 : 0);
}

/*
 * The exits counted since the last look, by reason; the one that brought
 * the run structure to userspace said so.
 */
static void print_exits(struct run_debug *d)
{
	const struct minivmx_run *run = d->run;
	bool user = run->exit_reason != MINIVMX_EXIT_DEBUG &&
		    run->exit_reason != MINIVMX_EXIT_INTR &&
		    run->exit_reason != MINIVMX_EXIT_FAIL_ENTRY;
	struct exit_info e;
	const char *name;
	char words[256];
	unsigned int i;
	__u64 n, k;

	for (i = 0; i < MINIVMX_NR_VMX_EXIT_REASONS; i++) {
		n = run->exit_count[i] - d->counts[i];
		d->counts[i] = run->exit_count[i];
		/* The stepping's own exits are no news. */
		if (!n || !d->o->steps || i == VMX_EXIT_MONITOR_TRAP_FLAG)
			continue;
		/* the exit that came to userspace, or stopped at a break */
		if ((user && i == run->vmx_exit_reason) ||
		    (!user && (run->debug.reasons & MINIVMX_DEBUG_EXIT) &&
		     i == run->debug.vmx_exit_reason))
			n--;
		if (!n)
			continue;
		name = vmx_exit_reason_name(i) ?: "unknown";
		for (k = 0; k < n && k < 3; k++)
			fprintf(d->out, "minivmx:   exit: %s (in kernel)\n", name);
		if (n > 3)
			fprintf(d->out, "minivmx:   exit: %s (in kernel), %llu more\n",
				name, (unsigned long long)n - 3);
	}
	/* An exit breakpoint's line says it all. */
	if (!user || !d->o->steps ||
	    reason_set(d->o->break_exits, run->vmx_exit_reason))
		return;
	user_exit_info(run, &e);
	exit_describe(words, sizeof(words), &e);
	fprintf(d->out, "minivmx:   exit: %s (to userspace)%s%s\n",
		vmx_exit_reason_name(e.reason) ?: "unknown",
		words[0] ? ": " : "", words);
}

/* The words for an exit, and the line saying where it was handled. */
static void print_break(struct run_debug *d, const struct exit_info *e,
			__u64 rip, const char *where)
{
	char words[256];

	exit_describe(words, sizeof(words), e);
	fprintf(d->out, "minivmx: break: %s at rip %#llx (%s)%s%s\n",
		vmx_exit_reason_name(e->reason) ?: "unknown",
		(unsigned long long)rip, where, words[0] ? ": " : "", words);
	d->nr_breaks++;
}

/*
 * An exit breakpoint stop: the exit, already handled in the kernel.  One
 * the user asked for is a break; else the stepping asked for it, and it
 * is one of the exits between two steps.
 */
static void exit_in_kernel(struct run_debug *d)
{
	const struct minivmx_run *run = d->run;
	struct minivmx_regs regs;
	struct exit_info e = {
		.reason = run->debug.vmx_exit_reason,
		.qual = run->debug.exit_qualification,
		.gpa = run->debug.gpa,
		.gla = run->debug.gla,
		.has_gla = true,
		.intr_info = run->debug.intr_info,
		.idt_vectoring_info = run->debug.idt_vectoring_info,
		.insn_len = run->debug.insn_len,
	};
	char words[256];

	if (!minivmx_get_regs(d->vcpu_fd, &regs))
		e.regs = &regs;
	if (reason_set(d->o->break_exits, e.reason)) {
		print_break(d, &e, run->debug.exit_rip, "in kernel");
		return;
	}
	exit_describe(words, sizeof(words), &e);
	fprintf(d->out, "minivmx:   exit: %s (in kernel)%s%s\n",
		vmx_exit_reason_name(e.reason) ?: "unknown",
		words[0] ? ": " : "", words);
}

/* An exit asked for that went to userspace: the run structure has it. */
static void break_to_user(struct run_debug *d)
{
	const struct minivmx_run *run = d->run;
	struct minivmx_vmcs_field f[2] = {
		{ .encoding = VMCS_GUEST_PHYSICAL_ADDRESS },
		{ .encoding = VMCS_GUEST_LINEAR_ADDRESS },
	};
	struct exit_info e;

	user_exit_info(run, &e);
	/*
	 * The run structure has no GLA; the VMCS still holds this exit's
	 * until the next entry.  Bit 7 of the qualification says whether
	 * it is valid.
	 */
	if (e.reason == VMX_EXIT_EPT_VIOLATION &&
	    !minivmx_get_vmcs(d->vcpu_fd, f, ARRAY_SIZE(f))) {
		e.gpa = f[0].value;
		e.gla = f[1].value;
		e.has_gla = true;
	}
	print_break(d, &e, run->guest_rip, "to userspace");
}

static int refresh_regs(struct run_debug *d, struct minivmx_regs *regs,
			struct minivmx_sregs *sregs)
{
	if (minivmx_get_regs(d->vcpu_fd, regs) ||
	    minivmx_get_sregs(d->vcpu_fd, sregs)) {
		pr_err("MINIVMX_GET_REGS/SREGS: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* A step stop: what changed, and with N > 1 where the guest is now. */
static void step_stop(struct run_debug *d)
{
	struct minivmx_sregs sregs;
	struct minivmx_regs regs;
	char line[LINE_MAX_LEN];

	d->nr_steps += d->run->debug.steps;
	d->nr_stops++;
	if (refresh_regs(d, &regs, &sregs))
		return;
	if (d->o->steps > 1) {
		d->sregs = sregs;
		format_insn(d, regs.rip, line, sizeof(line));
		fprintf(d->out,
			"minivmx: stop %llu after %llu instructions (%llu in all), next %s\n",
			(unsigned long long)d->nr_stops,
			(unsigned long long)d->run->debug.steps,
			(unsigned long long)d->nr_steps, line);
	}
	step_regs_diff(line, sizeof(line), &d->regs, &regs, &d->sregs, &sregs);
	if (line[0])
		fprintf(d->out, "minivmx:   %s\n", line);
	d->regs = regs;
	d->sregs = sregs;
	d->pending = false;
}

/**
 * run_debug_after() - after MINIVMX_RUN returned an exit
 * @d: the state
 *
 * Prints the exits since the last stop (when stepping), an exit
 * breakpoint's exit, and at a step stop the changed registers.  A
 * MINIVMX_EXIT_DEBUG is fully handled here; other exits are left to the
 * caller.
 */
void run_debug_after(struct run_debug *d)
{
	const struct minivmx_run *run = d->run;
	__u32 reasons;

	print_exits(d);
	if (run->exit_reason != MINIVMX_EXIT_DEBUG) {
		if (run->exit_reason != MINIVMX_EXIT_INTR &&
		    run->exit_reason != MINIVMX_EXIT_FAIL_ENTRY &&
		    reason_set(d->o->break_exits, run->vmx_exit_reason))
			break_to_user(d);
		return;
	}
	reasons = run->debug.reasons;
	if (reasons & MINIVMX_DEBUG_EXIT)
		exit_in_kernel(d);
	if (reasons & MINIVMX_DEBUG_STEP)
		step_stop(d);
	reasons &= ~(MINIVMX_DEBUG_EXIT | MINIVMX_DEBUG_STEP);
	if (reasons)
		fprintf(d->out, "minivmx: debug stop at rip %#llx, reasons %#x\n",
			(unsigned long long)run->debug.rip, reasons);
}

/**
 * run_debug_finish() - the closing line of a debugged run
 * @d: the state
 * @guest_exited: the guest ended the run itself
 */
void run_debug_finish(struct run_debug *d, bool guest_exited)
{
	if (d->o->steps == 1)
		fprintf(d->out, "minivmx: stepped %llu instructions%s\n",
			(unsigned long long)d->nr_steps + d->pending,
			d->pending && guest_exited ?
			" (the last one ended the run)" : "");
	else if (d->o->steps)
		fprintf(d->out, "minivmx: %llu stops, %llu instructions up to the last one\n",
			(unsigned long long)d->nr_stops,
			(unsigned long long)d->nr_steps);
	if (d->o->break_exits[0] || d->o->break_exits[1])
		fprintf(d->out, "minivmx: %llu exit breakpoint stops\n",
			(unsigned long long)d->nr_breaks);
	disasm_close();
}

/*
 * Read what the CPU has of the table; one at a time if the batch fails.
 * A VMREAD of a field the CPU lacks sets VM_INSTRUCTION_ERROR (12,
 * "unsupported VMCS component"), so that field is read first, alone.
 */
static int read_vmcs(int vcpu_fd, __u64 *values, int *errs)
{
	struct minivmx_vmcs_field f[MINIVMX_MAX_VMCS_FIELDS];
	struct minivmx_vmcs_field err = { .encoding = VM_INSTRUCTION_ERROR };
	unsigned int i, nr = vmcs_nr_fields;
	int ret, err_ret;

	if (nr > MINIVMX_MAX_VMCS_FIELDS)
		nr = MINIVMX_MAX_VMCS_FIELDS;
	err_ret = minivmx_get_vmcs(vcpu_fd, &err, 1);
	memset(f, 0, sizeof(f));
	for (i = 0; i < nr; i++)
		f[i].encoding = vmcs_fields[i].encoding;
	ret = minivmx_get_vmcs(vcpu_fd, f, nr);
	for (i = 0; i < nr; i++) {
		if (f[i].encoding == VM_INSTRUCTION_ERROR) {
			errs[i] = err_ret;
			f[i].value = err.value;
		} else if (ret == -EINVAL) {
			errs[i] = minivmx_get_vmcs(vcpu_fd, &f[i], 1);
		} else {
			errs[i] = ret;
		}
		values[i] = f[i].value;
	}
	return ret == -EINVAL ? 0 : ret;
}

/**
 * run_debug_print_vmcs() - --vmcs: the vCPU's VMCS by name
 * @vcpu_fd: the vCPU
 * @out: where to write
 *
 * Return: MV_EXIT_OK, or MV_EXIT_FAIL with the reason printed.
 */
int run_debug_print_vmcs(int vcpu_fd, FILE *out)
{
	__u64 values[MINIVMX_MAX_VMCS_FIELDS];
	int errs[MINIVMX_MAX_VMCS_FIELDS];
	int ret;

	ret = read_vmcs(vcpu_fd, values, errs);
	if (ret) {
		pr_err("MINIVMX_GET_VMCS: %s", strerror(-ret));
		return MV_EXIT_FAIL;
	}
	vmcs_print(out, values, errs);
	return MV_EXIT_OK;
}

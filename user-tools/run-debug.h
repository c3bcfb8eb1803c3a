/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `minivmx run --step [N]`, `--break-exit REASON,...` and `--vmcs`: the
 * debugging side of the vCPU loop.  cmd-run.c calls run_debug_before()
 * before each MINIVMX_RUN and run_debug_after() after each one that
 * returned an exit; everything else about the exit is handled as usual.
 */
#ifndef MINIVMX_RUN_DEBUG_H
#define MINIVMX_RUN_DEBUG_H

#include <stdbool.h>
#include <stdio.h>
#include <linux/minivmx.h>

/**
 * struct run_debug_opts - what the command line asked for
 * @steps: --step: instructions per stop (1: print each); 0: no stepping
 * @break_exits: --break-exit: a bit per basic exit reason
 * @vmcs: --vmcs: print the VMCS when the run ends
 */
struct run_debug_opts {
	__u64 steps;
	__u64 break_exits[2];
	bool vmcs;
};

/**
 * struct run_debug - the state between two stops
 * @o: the options
 * @vcpu_fd: the vCPU
 * @run: its run structure
 * @ram: guest RAM from guest-physical 0, as the tool maps it
 * @ram_size: its size
 * @out: where the lines go (stderr)
 * @counts: run->exit_count[] as the last stop left it
 * @pending: an instruction was printed, its step stop has not come yet
 * @regs: the general registers at the last stop
 * @sregs: the special registers at the last stop
 * @nr_steps: instructions completed, as the step stops counted them
 * @nr_stops: step stops
 * @nr_breaks: exit breakpoints that stopped the guest
 */
struct run_debug {
	const struct run_debug_opts *o;
	int vcpu_fd;
	struct minivmx_run *run;
	const void *ram;
	__u64 ram_size;
	FILE *out;
	__u64 counts[MINIVMX_NR_VMX_EXIT_REASONS];
	bool pending;
	struct minivmx_regs regs;
	struct minivmx_sregs sregs;
	__u64 nr_steps;
	__u64 nr_stops;
	__u64 nr_breaks;
};

bool run_debug_active(const struct run_debug_opts *o);
int run_debug_setup(struct run_debug *d, const struct run_debug_opts *o,
		    int dev_fd, int vcpu_fd, struct minivmx_run *run,
		    const void *ram, __u64 ram_size);
void run_debug_before(struct run_debug *d);
void run_debug_after(struct run_debug *d);
void run_debug_finish(struct run_debug *d, bool guest_exited);
int run_debug_print_vmcs(int vcpu_fd, FILE *out);

#endif /* MINIVMX_RUN_DEBUG_H */

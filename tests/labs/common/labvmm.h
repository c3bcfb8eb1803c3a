/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The part of every lab's VMM that is given (Documentation/labs/): load
 * the lab's guest in long mode, create the VM with the tool's devices,
 * record the exit trace the grader compares (--record), count the
 * guest's checks, run to its end.  A lab adds its routes and answers the
 * exits that are its subject through @exit_fn.  tests/bench/bench_pvio.c
 * runs its guest the same way.
 */
#ifndef MINIVMX_LABVMM_H
#define MINIVMX_LABVMM_H

#include <stdbool.h>
#include <linux/minivmx.h>

#include "../../../user-tools/devices.h"
#include "../../../user-tools/guest.h"
#include "../../../user-tools/trace-file.h"

/**
 * struct lab_vmm - one VM with one vCPU, as the labs run it
 * @dev: /dev/minivmx
 * @vm: the VM
 * @vcpu: its vCPU
 * @run: the vCPU's run structure
 * @ram: guest RAM, guest-physical 0 at @ram
 * @l: the guest's layout
 * @bus: the tool's device bus
 * @devs: the tool's devices (UART, trapped disk)
 * @ring: the exit-record ring, with --record
 * @tail: records copied to @w so far
 * @w: the trace file
 * @recording: --record was given
 * @shadow: --shadow: the VM runs on shadow paging, not EPT
 * @passed: the guest's checks that passed
 * @failed: those that failed
 * @status: the guest's exit status, once it ended
 * @quiet: lab_vmm_run() prints nothing
 * @out_fd: where the guest's console goes; 0 for stdout
 * @entry_fn: called before every MINIVMX_RUN (a lab's interrupts); NULL:
 *	none.  A negative return stops the run with that error.
 * @regs_port: the first port of lab_vmm_add_regs32()'s device
 * @regs_fn: its registers
 */
struct lab_vmm {
	int dev, vm, vcpu;
	struct minivmx_run *run;
	__u8 *ram;
	struct guest_layout l;
	struct minivmx_bus bus;
	struct run_devices devs;
	struct minivmx_exit_ring *ring;
	__u64 tail;
	struct trace_writer w;
	bool recording, shadow;
	unsigned int passed, failed;
	long long status;
	bool quiet;
	int out_fd;
	int (*entry_fn)(struct lab_vmm *v);
	__u16 regs_port;
	void (*regs_fn)(struct lab_vmm *v, __u16 reg, __u32 *val,
			bool is_write);
};

/*
 * A lab's own exits: return 0 when handled, -ENOENT for one it does not
 * take (the tool's devices get it), another -errno to stop.  NULL: none.
 */
typedef int (*lab_exit_fn)(struct lab_vmm *v);

int lab_vmm_start(struct lab_vmm *v, int argc, char **argv,
		  const char *guest);
int lab_vmm_run(struct lab_vmm *v, lab_exit_fn exit_fn);
int lab_vmm_add_regs32(struct lab_vmm *v, __u16 port, __u16 nr_ports,
		       void (*fn)(struct lab_vmm *v, __u16 reg, __u32 *val,
				  bool is_write));
int lab_vmm_inject(struct lab_vmm *v, __u8 vector);

#endif /* MINIVMX_LABVMM_H */

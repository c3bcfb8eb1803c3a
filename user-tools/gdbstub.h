/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * minivmx run --gdb: a GDB remote-protocol stub for the one vCPU of a run
 * (Documentation/gdb.rst).  cmd-run.c calls it around each MINIVMX_RUN;
 * everything else is in gdbstub.c, gdb-regs.c and gdb-monitor.c.
 */
#ifndef MINIVMX_GDBSTUB_H
#define MINIVMX_GDBSTUB_H

#include <stdbool.h>
#include <linux/minivmx.h>

/* The tool's exit code when gdb kills the guest (as a shell shows SIGKILL). */
#define GDB_EXIT_KILLED		137

struct gdb_stub;

/**
 * struct gdb_target - the vCPU a stub debugs
 * @dev_fd: /dev/minivmx, for capability checks
 * @vcpu_fd: the vCPU
 * @run: its run structure
 * @ram: the tool's mapping of guest-physical 0
 * @mem_size: bytes of guest RAM from 0
 */
struct gdb_target {
	int dev_fd;
	int vcpu_fd;
	struct minivmx_run *run;
	void *ram;
	__u64 mem_size;
};

int gdb_stub_open(struct gdb_stub **stub, const char *where,
		  const struct gdb_target *t);
int gdb_stub_before_run(struct gdb_stub *stub);
bool gdb_stub_after_run(struct gdb_stub *stub, int ret);
void gdb_stub_close(struct gdb_stub *stub, bool guest_exited, __u64 status);

#endif /* MINIVMX_GDBSTUB_H */

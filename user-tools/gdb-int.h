/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the parts of the gdb stub share: the stub's state and the helpers
 * each part offers the others.  Not for the rest of the tool (gdbstub.h).
 */
#ifndef MINIVMX_GDB_INT_H
#define MINIVMX_GDB_INT_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "gdb-proto.h"
#include "gdbstub.h"
#include "util.h"

#define GDB_MAX_SW_BPS	64
#define GDB_RING_ENTRIES	1024	/* records "monitor exits" can show */

/**
 * struct gdb_sw_bp - a software breakpoint: an INT3 in guest memory
 * @addr: the address gdb gave (guest-virtual)
 * @gpa: where the INT3 is (the address's translation when inserted)
 * @orig: the byte it replaced
 * @used: the slot holds a breakpoint
 */
struct gdb_sw_bp {
	__u64 addr;
	__u64 gpa;
	__u8 orig;
	bool used;
};

/**
 * struct gdb_hw_bp - one debug register
 * @addr: the linear address
 * @type: 1 execute, 2 write, 3 read, 4 access (gdb's Z1-Z4)
 * @len: 1, 2, 4 or 8
 * @used: the register is taken
 */
struct gdb_hw_bp {
	__u64 addr;
	int type;
	int len;
	bool used;
};

/**
 * struct gdb_stub - one gdb connection to one vCPU
 * @t: the vCPU
 * @listen_fd: the socket gdb connects to
 * @fd: the connection, -1 between connections
 * @sock_path: the unix socket to remove at the end, or NULL
 * @no_ack: QStartNoAckMode is on
 * @rx: the receiver
 * @rbuf: bytes read from @fd not yet fed to @rx
 * @rpos: next byte of @rbuf
 * @rlen: bytes in @rbuf
 * @stopped: the guest is stopped for gdb (else it runs or gdb is gone)
 * @stepping: the guest was resumed for one step
 * @inject_bp: the next resume delivers the guest's own INT3 at RIP
 * @long_mode: the connection's registers are x86-64's (else i386's)
 * @has_translate: MINIVMX_TRANSLATE works
 * @sw: software breakpoints
 * @hw: hardware breakpoints and watchpoints (DR0-DR3)
 * @exit_bitmap: "monitor break-exit": basic exit reasons that stop
 * @ring: the exit-record ring's mapping, or NULL
 * @ring_len: its length
 * @out: where replies are built
 */
struct gdb_stub {
	struct gdb_target t;
	int listen_fd;
	int fd;
	char *sock_path;
	bool no_ack;
	struct gdb_rx rx;
	char rbuf[4096];
	size_t rpos, rlen;
	bool stopped;
	bool stepping;
	bool inject_bp;
	bool long_mode;
	bool has_translate;
	struct gdb_sw_bp sw[GDB_MAX_SW_BPS];
	struct gdb_hw_bp hw[4];
	__u64 exit_bitmap[2];
	struct minivmx_exit_ring *ring;
	size_t ring_len;
	char out[2 * GDB_PACKET_SIZE + 8];
};

/* gdbstub.c */
int gdb_put(struct gdb_stub *s, const char *data, size_t len);
int gdb_put_str(struct gdb_stub *s, const char *str);
void gdb_console(struct gdb_stub *s, const char *fmt, ...) __printf(2, 3);

/* gdb-mem.c */
int gdb_translate(struct gdb_stub *s, __u64 gva, __u64 *gpa);
void gdb_handle_read_mem(struct gdb_stub *s, const char *p);
void gdb_handle_write_mem(struct gdb_stub *s, char *p, size_t plen);
void gdb_handle_bp(struct gdb_stub *s, const char *p);
bool gdb_is_our_int3(struct gdb_stub *s, __u64 rip);
__u64 gdb_hw_dr7(struct gdb_stub *s);
void gdb_clear_bps(struct gdb_stub *s);

/* gdb-regs.c */
const char *gdb_target_xml(bool long_mode, size_t *len);
int gdb_read_regs(struct gdb_stub *s, char *hex, size_t room);
int gdb_write_regs(struct gdb_stub *s, const char *hex);
int gdb_read_reg(struct gdb_stub *s, unsigned int nr, char *hex, size_t room);
int gdb_write_reg(struct gdb_stub *s, unsigned int nr, const char *hex);

/* gdb-monitor.c */
void gdb_monitor(struct gdb_stub *s, const char *cmd);
void gdb_report_exit_bp(struct gdb_stub *s);

#endif /* MINIVMX_GDB_INT_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The ucall channel between a guest program under tests/guests/ and the
 * host-side test program that runs it (the model is KVM's selftests).
 *
 * The guest fills a struct ucall in its own memory and does a 4-byte OUT of
 * the struct's guest-physical address to UCALL_PORT.  That exit reaches
 * userspace (Documentation/guest-abi.rst, "Devices"); the host reads the
 * struct through its mapping of guest memory and resumes the guest.
 *
 * Plain C with fixed-width types: the guests (built -m16, -m32 and -m64) and
 * the host programs include this same file.
 */
#ifndef MINIVMX_GUEST_UCALL_H
#define MINIVMX_GUEST_UCALL_H

#include <stdint.h>

#define UCALL_PORT	0x5c0	/* 4-byte OUT: guest-physical address */

#define UCALL_SYNC	1	/* a checkpoint: args[0] = stage */
#define UCALL_ASSERT	2	/* a guest check failed: args[] say which */
#define UCALL_DONE	3	/* the guest finished its work */
#define UCALL_PRINT	4	/* numbers for the host to print or check */

#define UCALL_NR_ARGS	4

/**
 * struct ucall - one guest-to-host message, 40 bytes, no padding
 * @cmd: UCALL_*
 * @args: meaning depends on @cmd; arguments the guest did not pass are 0
 */
struct ucall {
	uint64_t cmd;
	uint64_t args[UCALL_NR_ARGS];
};

#endif /* MINIVMX_GUEST_UCALL_H */

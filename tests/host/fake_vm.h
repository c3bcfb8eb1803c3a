/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The VM half of the fake device: see fake_device.h.
 */
#ifndef MINIVMX_FAKE_VM_H
#define MINIVMX_FAKE_VM_H

#include <stdbool.h>

int fake_vm_ioctl(int fd, unsigned long request, unsigned long arg,
		  bool *handled);

#endif /* MINIVMX_FAKE_VM_H */

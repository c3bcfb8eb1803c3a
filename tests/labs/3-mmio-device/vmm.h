/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Lab 3: the function the student writes (handlers.c).  vmm.c calls it
 * for every guest access to the device's page: the kernel found it by an
 * EPT violation (no memory there) and decoded the MOV.
 */
#ifndef MINIVMX_LAB3_VMM_H
#define MINIVMX_LAB3_VMM_H

#include <stdbool.h>
#include <stdint.h>

/*
 * An access of @len bytes (1 to 8) at @offset in the device's page:
 * @data holds what the guest wrote (@is_write), or gets what it reads,
 * little-endian.
 */
void lab_mmio(uint64_t offset, uint8_t *data, uint32_t len, bool is_write);

#endif /* MINIVMX_LAB3_VMM_H */

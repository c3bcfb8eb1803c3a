/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Bit names of the VMX controls, CR0 and CR4 (arrays indexed by bit
 * number; NULL for a bit without a name).
 */
#ifndef MINIVMX_VMX_BITS_H
#define MINIVMX_VMX_BITS_H

extern const char * const vmx_pin_ctl_names[32];
extern const char * const vmx_proc_ctl_names[32];
extern const char * const vmx_proc2_ctl_names[32];
extern const char * const vmx_exit_ctl_names[32];
extern const char * const vmx_entry_ctl_names[32];
extern const char * const vmx_cr0_names[64];
extern const char * const vmx_cr4_names[64];

#endif /* MINIVMX_VMX_BITS_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The VMX capability MSRs in plain words.
 */
#ifndef MINIVMX_VMX_DECODE_H
#define MINIVMX_VMX_DECODE_H

#include <stdio.h>

#include "vmx-msrs.h"

void vmx_print_decoded(const struct vmx_caps *caps, FILE *out);
void vmx_print_feature_control_word(__u64 val, FILE *out);

#endif /* MINIVMX_VMX_DECODE_H */

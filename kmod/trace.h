/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Tracepoints: every VM exit and every failed VM entry.
 *
 *   echo 1 > /sys/kernel/tracing/events/minivmx/enable
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM minivmx

#if !defined(MINIVMX_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define MINIVMX_TRACE_H

#include <linux/tracepoint.h>
#include <linux/minivmx.h>

TRACE_EVENT(minivmx_exit,
	TP_PROTO(unsigned int vcpu, u32 reason, u64 rip),
	TP_ARGS(vcpu, reason, rip),
	TP_STRUCT__entry(
		__field(unsigned int, vcpu)
		__field(u32, reason)
		__field(u64, rip)
	),
	TP_fast_assign(
		__entry->vcpu = vcpu;
		__entry->reason = reason;
		__entry->rip = rip;
	),
	TP_printk("vcpu %u reason %s%s rip 0x%llx", __entry->vcpu,
		  __entry->reason & 0x80000000 ? "FAILED_ENTRY " : "",
		  __print_symbolic(__entry->reason & 0xffff,
				   MINIVMX_VMX_EXIT_REASONS),
		  __entry->rip)
);

TRACE_EVENT(minivmx_fail_entry,
	TP_PROTO(unsigned int vcpu, u32 reason, u32 insn_error),
	TP_ARGS(vcpu, reason, insn_error),
	TP_STRUCT__entry(
		__field(unsigned int, vcpu)
		__field(u32, reason)
		__field(u32, insn_error)
	),
	TP_fast_assign(
		__entry->vcpu = vcpu;
		__entry->reason = reason;
		__entry->insn_error = insn_error;
	),
	TP_printk("vcpu %u exit reason 0x%x VM-instruction error %u",
		  __entry->vcpu, __entry->reason, __entry->insn_error)
);

#endif /* MINIVMX_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The minivmx_exit tracepoint names each exit of a guest, with its RIP.
t=/sys/kernel/debug/tracing
echo "1..2"
if [ ! -d "$t/events/minivmx" ]; then
	insmod "$MINIVMX_KO" || exit 1
	loaded=1
fi
echo > "$t/trace"
echo 1 > "$t/events/minivmx/minivmx_exit/enable"
minivmx run --mode long /minivmx/guests/hello-long.bin > /dev/null 2>&1
rc=$?
echo 0 > "$t/events/minivmx/minivmx_exit/enable"
[ "$rc" -eq 0 ] && echo "ok 1 the guest ran" || echo "not ok 1 the guest ran (status $rc)"
line=$(grep -m 1 'minivmx_exit: vcpu 0 reason IO_INSTRUCTION rip 0x1' "$t/trace")
if [ -n "$line" ]; then
	echo "ok 2 exits are traced with their reason and RIP"
else
	echo "not ok 2 exits are traced with their reason and RIP"
	head -n 20 "$t/trace" | sed 's/^/# /'
fi
[ -n "$loaded" ] && rmmod minivmx
exit 0

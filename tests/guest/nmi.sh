#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# An NMI that arrives while a guest runs belongs to the host: with a guest
# spinning on CPU 1, ask every CPU for an NMI backtrace (SysRq-l) from
# CPU 0; CPU 1's NMI count must rise and its backtrace must be printed
# (a lost NMI leaves the kernel waiting 10 s and printing nothing).
if [ "$(grep -c '^processor' /proc/cpuinfo)" -lt 2 ] || [ ! -w /proc/sysrq-trigger ]; then
	echo "1..0 # SKIP needs 2 CPUs and /proc/sysrq-trigger"
	exit 4
fi
echo "1..2"
if [ ! -e /dev/minivmx ]; then
	insmod "$MINIVMX_KO" || exit 1
	loaded=1
fi
nmis_cpu1() { awk '$1 == "NMI:" { print $3 }' /proc/interrupts; }

taskset -c 1 minivmx run --mode long --timeout 30 /minivmx/guests/loop-long.bin \
	> /tmp/nmi-guest.out 2>&1 &
guest=$!
i=0
while ! grep -q spinning /tmp/nmi-guest.out && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
# The backtraces print "Call Trace", which the suite's dmesg check looks
# for: keep what was logged before, drop what SysRq adds.
dmesg > /tmp/nmi-before.log
before=$(nmis_cpu1)
taskset -c 0 sh -c 'echo l > /proc/sysrq-trigger'
after=$(nmis_cpu1)
bt=$(dmesg | grep -c 'NMI backtrace for cpu 1')
kill "$guest" 2>/dev/null
wait "$guest" 2>/dev/null
dmesg -c > /tmp/nmi-after.log
grep -E 'WARNING:|BUG:|Oops|general protection|Call Trace|kmemleak' /tmp/nmi-before.log |
	while read -r l; do echo "$l" > /dev/kmsg; done

if grep -q spinning /tmp/nmi-guest.out && [ "$after" -gt "$before" ]; then
	echo "ok 1 CPU 1 took the NMI while its guest ran ($before -> $after)"
else
	echo "not ok 1 CPU 1 took the NMI while its guest ran ($before -> $after)"
	sed 's/^/# /' /tmp/nmi-guest.out
fi
if [ "$bt" -ge 1 ]; then
	echo "ok 2 the host's NMI handler printed CPU 1's backtrace"
else
	echo "not ok 2 the host's NMI handler printed CPU 1's backtrace"
	grep -i nmi /tmp/nmi-after.log | sed 's/^/# /' | head -n 20
fi
[ -n "$loaded" ] && rmmod minivmx
exit 0

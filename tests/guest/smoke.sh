#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# A tiny TAP producer that checks what every guest test relies on: the
# testbed's file systems, directories and environment.
n=0
check() {
	n=$((n + 1))
	if eval "$2" >/dev/null 2>&1; then echo "ok $n $1"; else echo "not ok $n $1"; fi
}
echo "TAP version 13"
echo "1..6"
check "proc, sysfs and devtmpfs are mounted" '[ -r /proc/cmdline ] && [ -d /sys/kernel ] && [ -c /dev/null ]'
check "debugfs is mounted" 'grep -q " /sys/kernel/debug debugfs " /proc/mounts'
check "/tmp is a writable tmpfs" 'grep -q " /tmp tmpfs " /proc/mounts && : >/tmp/smoke.$$'
check "runner environment is set" '[ -n "$MINIVMX_SUITE" ] && [ -n "$MINIVMX_KERNEL" ] && [ -n "$MINIVMX_CPUS" ]'
check "CPU count matches the online CPUs" '[ "$MINIVMX_CPUS" -eq "$(grep -c ^processor /proc/cpuinfo)" ]'
if [ -f "$MINIVMX_KO" ]; then
	check "module file $MINIVMX_KO is present" 'true'
else
	n=$((n + 1))
	echo "ok $n module file is present # SKIP no $MINIVMX_KO in this initramfs"
fi

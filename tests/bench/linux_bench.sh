#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# linux_bench.sh: the Linux guest (/guest/bzImage, /guest/initrd.gz; the
# bench suite is marked "# testbed: guest qemu") booted to its halt under
# minivmx and under QEMU with KVM, in the same testbed boot, one vCPU and
# 64 MiB each, the same kernel command line.  Prints, side by side, the
# time from launch to the guest's "reboot: System halted" line, the guest's
# own uptime when it powers off, and the exits of the boot; then where
# minivmx's exits went, by reason.  The time is split at the guest's first
# console line ("Linux version"): before it, the hypervisor's own
# start-up and the guest's decompressor; after it, the kernel's boot.
#
# The clock is bench_boot's (tests/bench/bench_boot.c), which launches
# each hypervisor and stops at that line.  QEMU does not end when its guest
# halts: bench_boot reads KVM's exit counters (/sys/kernel/debug/kvm, the
# sum over VMs: only this one exists) at the line, then stops QEMU.
# QEMU runs its smallest machine, microvm (qboot, an MP table, the PIC,
# PIT and RTC, a 16550 at 0x3f8, no ACPI and no PCI), with KVM's in-kernel
# irqchip; minivmx runs with --lapic (local APICs in the kernel, the I/O
# APIC and the legacy devices in the tool).
#
# The TAP results say that both boots happened and their figures are
# plausible; the target (minivmx at most 0.7x QEMU/KVM's time, issue 8)
# is a "# target" line, met or not: a benchmark is not a gate.
work=/tmp/linux_bench
rm -rf "$work"
mkdir -p "$work"
# shellcheck source=tests/guest/toollib.sh
. "$(dirname "$0")/toollib.sh"

kvmdir=${MINIVMX_KVM_DIR:-/minivmx/kvm}
kvmstat=/sys/kernel/debug/kvm
append='console=ttyS0 panic=-1 minivmx.cmd="uname -a"'
halt='reboot: System halted'
first='Linux version'	# the guest kernel's first console line
target=0.7

echo "1..7"

# field FILE KEY: the number after " KEY=" on bench_boot's line in FILE.
field() {
	sed -n "s/^bench_boot.* $2=\([0-9-]*\).*/\1/p" "$1" | tail -n 1
}
# booted FILE: the guest ran its command and reached its halt line.
booted() {
	has "$1" "minivmx-guest: rc=0" && has "$1" "$halt" &&
		[ "$(field "$1" matched)" = 1 ]
}

# ---- minivmx ----
load_module
cat /proc/interrupts >"$work/irq.before"
bench_boot -m "$first" -t 900 "$halt" -- minivmx run --lapic --stats --mem 64M \
	--kernel /guest/bzImage --initrd /guest/initrd.gz --append "$append" \
	>"$work/minivmx" 2>&1
cat /proc/interrupts >"$work/irq.after"
{ booted "$work/minivmx" && [ "$(field "$work/minivmx" status)" = 0 ]; } ||
	{ tail -n 30 "$work/minivmx" | sed 's/^/# /'; false; }
result $? "minivmx boots the guest to its halt and ends with status 0"
rmmod minivmx
result $? "minivmx unloads"
# shellcheck disable=SC2034 # toollib.sh's: finish unloads no module now
loaded=

# ---- QEMU/KVM ----
"$kvmdir/load.sh" 2>"$work/kvm.err"
result $? "KVM loads"
[ -s "$work/kvm.err" ] && show "$work/kvm.err"
bench_boot -k -m "$first" -t 900 -r "$kvmstat/exits" -r "$kvmstat/irq_exits" \
	-r "$kvmstat/io_exits" -r "$kvmstat/mmio_exits" \
	-r "$kvmstat/halt_exits" -r "$kvmstat/irq_window_exits" \
	"$halt" -- qemu-system-x86_64 -L /usr/share/qemu \
	-M microvm,x-option-roms=off,acpi=off -enable-kvm -cpu host \
	-smp 1 -m 64M -nographic -no-reboot -serial stdio -monitor none \
	-kernel /guest/bzImage -initrd /guest/initrd.gz -append "$append" \
	>"$work/qemu" 2>&1
booted "$work/qemu" || { tail -n 30 "$work/qemu" | sed 's/^/# /'; false; }
result $? "QEMU/KVM boots the guest to its halt"
[ "$(field "$work/qemu" exits)" -gt 0 ] 2>/dev/null
result $? "KVM's exit counters were read at the halt ($kvmstat/exits)"
"$kvmdir/unload.sh"
result $? "KVM unloads"

# ---- the figures ----
m_us=$(field "$work/minivmx" until_us)
k_us=$(field "$work/qemu" until_us)
m_mark=$(field "$work/minivmx" mark_us)
k_mark=$(field "$work/qemu" mark_us)
# The guest's own clock when it powers off ("minivmx-guest: poweroff, up
# 0.24 s"): the boot without the hypervisor's start-up.
up() {
	sed -n 's/^minivmx-guest: poweroff, up \([0-9.]*\) s.*/\1/p' "$1" | tail -n 1
}
m_up=$(up "$work/minivmx")
k_up=$(up "$work/qemu")
# minivmx's exits by reason: the "minivmx: N NAME  COUNT" lines of --stats.
reason() {
	awk -v r="$1" '$1 == "minivmx:" && $3 == r { print $4; exit }' "$work/minivmx"
}
m_all=$(sed -n 's/^minivmx: VM exits by reason (\([0-9]*\) in all).*/\1/p' "$work/minivmx")
m_ext=$(reason EXTERNAL_INTERRUPT)
m_io=$(reason IO_INSTRUCTION)
m_hlt=$(reason HLT)
m_win=$(reason INTERRUPT_WINDOW)
m_mmio=$(awk '$1 == "minivmx:" && $2 == "MMIO" { print $3; exit }' "$work/minivmx")
in_range() {	# VALUE MAX: 0 < VALUE < MAX
	[ -n "$1" ] && awk -v v="$1" -v m="$2" 'BEGIN { exit !(v > 0 && v < m) }'
}
in_range "$m_us" 900000000 && in_range "$k_us" 900000000 &&
	in_range "$m_mark" "$m_us" && in_range "$k_mark" "$k_us" &&
	in_range "$m_all" 100000000 && [ -n "$m_up" ] && [ -n "$k_up" ]
result $? "both boots were timed and minivmx counted its exits"

row() {	# NAME MINIVMX KVM
	awk -v n="$1" -v m="${2:--}" -v k="${3:--}" 'BEGIN {
		r = (m + 0 > 0 && k + 0 > 0) ? sprintf("%.2f", m / k) : "-"
		printf "# %-34s %12s %12s %7s\n", n, m, k, r }'
}
ms() {	# MICROSECONDS [MINUS]: milliseconds
	[ -n "$1" ] && awk -v u="$1" -v d="${2:-0}" 'BEGIN { printf "%.1f", (u - d) / 1000 }'
}
echo "# Linux $(uname -r) guest, 1 vCPU, 64 MiB, to \"$halt\", in one testbed boot"
row "" minivmx QEMU/KVM
echo "#                                                                   ratio"
row "launch to the halt line, ms" "$(ms "$m_us")" "$(ms "$k_us")"
row "  launch to \"$first\"" "$(ms "$m_mark")" "$(ms "$k_mark")"
row "  \"$first\" to the halt line" "$(ms "$m_us" "$m_mark")" "$(ms "$k_us" "$k_mark")"
row "guest's uptime at poweroff, s" "$m_up" "$k_up"
row "VM exits" "$m_all" "$(field "$work/qemu" exits)"
row "  external interrupt" "$m_ext" "$(field "$work/qemu" irq_exits)"
row "  I/O instruction" "$m_io" "$(field "$work/qemu" io_exits)"
row "  HLT" "$m_hlt" "$(field "$work/qemu" halt_exits)"
row "  interrupt window" "$m_win" "$(field "$work/qemu" irq_window_exits)"
row "  MMIO to userspace" "$m_mmio" "$(field "$work/qemu" mmio_exits)"
echo "# minivmx's exits by reason (minivmx run --stats):"
grep '^minivmx:' "$work/minivmx" | sed 's/^/#   /'
# The host's own interrupts while minivmx ran, which its external-interrupt
# exits are: /proc/interrupts before and after, all CPUs summed.
echo "# the host's interrupts during minivmx's run (/proc/interrupts):"
awk 'FNR == 1 { next }
	{ n = 0; for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) n += $i
	  if (FILENAME ~ /before/) b[$1] = n; else if (n - b[$1] > 0) printf "#   %s %d\n", $1, n - b[$1] }' \
	"$work/irq.before" "$work/irq.after"
if awk -v m="$m_us" -v k="$k_us" -v t=$target \
	'BEGIN { exit !(m + 0 > 0 && k + 0 > 0 && m / k <= t) }'; then
	verdict=met
else
	verdict="not met"
fi
echo "# target: Linux boot, launch to halt <= ${target}x QEMU/KVM: $verdict"
finish

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Linux under minivmx: the guest kernel and its initramfs (the suite is
# marked "# testbed: guest": /guest/bzImage, /guest/initrd.gz) boot with
# minivmx run --lapic on one vCPU and on two, run commands from the
# kernel command line, and once take a shell's input on the serial
# console; each powers off ("reboot: System halted": HLT with IF = 0).
# Every boot must print no warning, leave no exit unhandled (no
# INTERNAL_ERROR) and take interrupts from the local APIC's timer.  One
# more boots with shadow paging instead of EPT (--shadow,
# Documentation/shadow.rst), where the guest's #PFs and INVLPGs exit.
work=/tmp/linux_boot
mkdir -p "$work"
# shellcheck source=tests/guest/toollib.sh
. "$(dirname "$0")/toollib.sh"

echo "1..22"
load_module
base="--lapic --stats --mem 64M --timeout 600 --kernel /guest/bzImage --initrd /guest/initrd.gz"
cmdline="console=ttyS0 panic=-1"

# boot NAME [OPTIONS...] -- APPEND: one boot, its output in $work/NAME.
boot() {
	name=$1
	shift
	opts=
	while [ "$1" != -- ]; do
		opts="$opts $1"
		shift
	done
	shift
	# shellcheck disable=SC2086 # the options are words
	minivmx run $base $opts --append "$cmdline $*" >"$work/$name" 2>&1 </dev/null
	echo $? >"$work/$name.rc"
}

# common NAME: what every boot must show.
common() {
	log=$work/$1
	result "$(cat "$log.rc")" "$1: minivmx run ends with status 0"
	has "$log" "minivmx: the guest halted with interrupts off" &&
		has "$log" "reboot: System halted"
	result $? "$1: the guest powers off (reboot: System halted, HLT with IF = 0)"
	! grep -Eq 'WARNING:|BUG:|Oops|Call Trace|INTERNAL_ERROR|Kernel panic' "$log"
	result $? "$1: no warning, oops or unhandled exit"
	if [ "$failed" -gt 0 ]; then
		grep -v '^minivmx:' "$log" | tail -n 30 | sed 's/^/# /'
		grep '^minivmx:' "$log" | sed 's/^/# /'
	fi
}

boot one -- 'minivmx.cmd="uname -a; cat /proc/interrupts"'
has "$work/one" "minivmx-guest: init" && has "$work/one" ", 1 CPU(s),"
result $? "one vCPU: the guest's /init runs"
has "$work/one" "minivmx-guest: rc=0" && grep -q "^Linux .* x86_64" "$work/one"
result $? "one vCPU: its commands run (uname -a)"
common one
# ticks NAME: the local APIC's timer interrupts (LOC in /proc/interrupts).
ticks() {
	[ "$(awk '$1 == "LOC:" { print $2 }' "$work/$1")" -gt 0 ] 2>/dev/null
	result $? "$1: the local APIC's timer interrupted it (LOC in /proc/interrupts)"
}
ticks one
grep '^minivmx:' "$work/one" | sed 's/^/# /'

boot two --cpus 2 -- 'minivmx.cmd="cat /proc/interrupts"'
has "$work/two" "smpboot: Total of 2 processors activated"
result $? "two vCPUs: smpboot: Total of 2 processors activated"
has "$work/two" ", 2 CPU(s),"
result $? "two vCPUs: the guest's /init sees both"
common two
ticks two
# --stats: a column per vCPU, then their sum; vCPU 1 ran too.
awk '$1 == "minivmx:" && NF == 6 && $5 > 0 && $6 == $4 + $5 { ok = 1 }
     END { exit !ok }' "$work/two"
result $? "two vCPUs: --stats has a column per vCPU (vCPU 1's exits) and their sum"
grep '^minivmx:' "$work/two" | sed 's/^/# /'

# Shadow paging: the same kernel, the CPU walking the module's shadow of
# its page tables; every #PF is an exit, far more of them than on EPT.
boot shadow --shadow -- 'minivmx.cmd="uname -a"'
has "$work/shadow" "minivmx-guest: rc=0" && grep -q "^Linux .* x86_64" "$work/shadow"
result $? "shadow paging: the guest boots and runs its commands"
common shadow
# pf NAME: the EXCEPTION_NMI exits of a boot (#PFs with shadow paging)
pf() {
	awk '$1 == "minivmx:" && $3 == "EXCEPTION_NMI" { n = $4 }
	     END { print n + 0 }' "$work/$1"
}
[ "$(pf shadow)" -gt $((10 * ($(pf one) + 1))) ] 2>/dev/null &&
	awk '$1 == "minivmx:" && $3 == "INVLPG" && $4 > 0 { ok = 1 }
	     END { exit !ok }' "$work/shadow"
result $? "shadow paging: its #PFs and INVLPGs exit ($(pf shadow) exceptions, $(pf one) on EPT)"
grep '^minivmx:' "$work/shadow" | sed 's/^/# /'

# The shell reads its input from the serial console: the tool's UART
# takes stdin, here a FIFO written once the guest's shell is up (bytes
# sent earlier meet the 8250 driver's start-up, which drops them, as a
# real UART's would be).  (The guest's shell expands $((6 * 7)).)
rm -f "$work/in"
mkfifo "$work/in"
# shellcheck disable=SC2086 # the options are words
minivmx run $base --append "$cmdline minivmx.shell" <"$work/in" >"$work/shell" 2>&1 &
pid=$!
exec 7>"$work/in"
i=0
while [ $i -lt 600 ] && ! grep -q 'minivmx-guest: shell on the console' "$work/shell"; do
	sleep 1
	i=$((i + 1))
done
sleep 2
# shellcheck disable=SC2016
printf 'echo hello-$((6 * 7))\nexit\n' >&7
exec 7>&-
wait $pid
echo $? >"$work/shell.rc"
grep -q '^hello-42' "$work/shell"
result $? "shell: a line typed on the serial console runs (hello-42)"
common shell
finish

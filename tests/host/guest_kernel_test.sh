#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The guest kernel and its initramfs (tests/testbed/build-guest.sh) boot
# on the host under QEMU's TCG (no VT-x, no KVM needed; the microvm
# machine): on one CPU and on two, with a command from the kernel command
# line, and with a shell on the serial console and a line typed at its
# prompt; each powers off ("poweroff -f": the kernel has no ACPI and
# halts, "reboot: System halted").  The kernel must find the MP table (as
# under minivmx) and print no warning.  TAP; skips when the guest kernel
# is not built or QEMU is not installed (exit 4).
#
#	guest_kernel_test.sh
#
# GUEST_DIR: the guest's cache directory (default: build-guest.sh's).
# QEMU: the emulator (default qemu-system-x86_64; Debian's qemu-system-x86).
# GUEST_TIMEOUT: seconds a boot may take (default 120).
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
testbed=$top/tests/testbed
qemu=${QEMU:-qemu-system-x86_64}
limit=${GUEST_TIMEOUT:-120}
tmp=$(mktemp -d)
qpid=
trap '[ -n "$qpid" ] && kill -KILL "$qpid" 2>/dev/null; rm -rf "$tmp"' EXIT

n=0
ok() { n=$((n + 1)); echo "ok $n $1"; }
not_ok() { n=$((n + 1)); echo "not ok $n $1"; }
diag() { sed 's/^/# /'; }
# expect NAME PATTERN LOG: a subtest that LOG has a line matching PATTERN
# (grep -E).
expect() {
	if grep -aqE "$2" "$3"; then ok "$1"; else not_ok "$1"; fi
}

tests=(
	"1 CPU: boots to the guest's /init"
	"1 CPU: runs minivmx.cmd"
	"1 CPU: the kernel used the MP table"
	"1 CPU: halted after poweroff -f"
	"1 CPU: no warning, oops or panic"
	"2 CPUs: boots to the guest's /init"
	"2 CPUs: smpboot: Total of 2 processors activated"
	"2 CPUs: the guest sees 2 CPUs"
	"2 CPUs: halted after poweroff -f"
	"2 CPUs: no warning, oops or panic"
	"shell on ttyS0: runs the commands typed"
	"shell on ttyS0: halted after exit"
)

# Nothing to boot: skip the whole program (kselftest's exit status 4,
# which run.sh counts as one skip).
skip_all() {
	echo "1..0 # SKIP $1"
	exit 4
}

dir=${GUEST_DIR:-$(bash -c '. "$1/lib.sh" && kernel_build_dir guest' _ "$testbed")}
kernel=$dir/bzImage initrd=$dir/guest-initrd.cpio.gz
{ [ -f "$kernel" ] && [ -f "$initrd" ]; } ||
	skip_all "the guest kernel is not built ($dir; tests/testbed/build-guest.sh)"
command -v "$qemu" >/dev/null || skip_all "no $qemu (apt-get install qemu-system-x86)"
echo "1..${#tests[@]}"

usec() { echo "${EPOCHREALTIME/./}"; }

# boot LOG CPUS APPEND [PROMPT INPUT]: boot the microvm machine under TCG
# with the serial port on stdio until the kernel halts; LOG has the serial
# output.  With PROMPT, INPUT is typed (written to the serial port's
# input) once LOG has a line matching PROMPT: input sent earlier would be
# lost when the 8250 driver clears the UART's FIFO.  Fails on the time
# limit.  The emulator is killed once the kernel says it halted: with
# IF = 0 it would wait for ever.
#
# microvm with acpi=off is the machine closest to minivmx's: no PCI, no
# ACPI, an MP table (QEMU's qboot writes one listing every CPU; the pc
# machine's SeaBIOS listed only the first under TCG), the kernel loaded
# by the boot protocol.
boot() {
	local log=$1 cpus=$2 append=$3 prompt=${4:-} input=${5:-} t0 rc=0 d
	rm -f "$tmp/in"
	mkfifo "$tmp/in"
	exec 3<>"$tmp/in"
	t0=$(usec)
	"$qemu" -M microvm,acpi=off -m 256 -smp "$cpus" -nodefaults -no-reboot \
		-display none -monitor none -serial stdio -kernel "$kernel" \
		-initrd "$initrd" \
		-append "console=ttyS0 earlyprintk=serial panic=-1 $append" \
		<&3 >"$log" 2>&1 &
	qpid=$!
	while kill -0 "$qpid" 2>/dev/null; do
		grep -aqE 'reboot: System halted|Kernel panic' "$log" && break
		if [ -n "$prompt" ] && grep -aqE "$prompt" "$log"; then
			printf '%s' "$input" >&3
			prompt=
		fi
		if [ $(($(usec) - t0)) -ge $((limit * 1000000)) ]; then
			echo "timed out after $limit s" >>"$log"
			rc=1
			break
		fi
		sleep 0.1
	done
	kill -KILL "$qpid" 2>/dev/null
	wait "$qpid" 2>/dev/null
	qpid=
	exec 3>&-
	tr -d '\r' <"$log" >"$log.tmp" && mv "$log.tmp" "$log"
	d=$((($(usec) - t0) / 100000))
	echo "$cpus CPU(s), ${append:-no command}: $((d / 10)).$((d % 10)) s to the halt" | diag
	return "$rc"
}

# What must never be in a clean boot's log.
bad='WARNING:|BUG:|Oops|Call Trace|Kernel panic|timed out after'
clean() {	# NAME LOG
	if grep -aqE "$bad" "$2"; then
		not_ok "$1"
		grep -aE -B2 -A10 "$bad" "$2" | head -n 40 | diag
	else
		ok "$1"
	fi
}
show() {	# LOG: the guest's own lines and the last lines, on failure
	grep -a '^minivmx-guest:' "$1" | diag
	echo "last lines of the serial log:" | diag
	tail -n 15 "$1" | diag
}

# One CPU, a command from the command line (its quotes survive into
# /proc/cmdline; the guest's /init runs it with sh -c).
log=$tmp/one.log
# shellcheck disable=SC2016 # the guest's shell expands it
boot "$log" 1 'minivmx.cmd="uname -m; echo answer=$((6 * 7))"'
expect "${tests[0]}" '^minivmx-guest: init$' "$log"
if grep -aqx 'x86_64' "$log" && grep -aqx 'answer=42' "$log" &&
	grep -aqx 'minivmx-guest: rc=0' "$log"; then
	ok "${tests[1]}"
else
	not_ok "${tests[1]}"
fi
expect "${tests[2]}" 'found SMP MP-table at' "$log"
expect "${tests[3]}" 'reboot: System halted' "$log"
clean "${tests[4]}" "$log"
grep -aq 'reboot: System halted' "$log" || show "$log"

# Two CPUs, no command.
log=$tmp/two.log
boot "$log" 2 ''
expect "${tests[5]}" '^minivmx-guest: init$' "$log"
expect "${tests[6]}" 'smpboot: Total of 2 processors activated' "$log"
expect "${tests[7]}" '^minivmx-guest: .* 2 CPU\(s\)' "$log"
expect "${tests[8]}" 'reboot: System halted' "$log"
clean "${tests[9]}" "$log"
grep -aq 'reboot: System halted' "$log" || show "$log"

# A shell on the serial console, a line typed at its prompt.
log=$tmp/shell.log
# shellcheck disable=SC2016 # the guest's shell expands it
boot "$log" 1 minivmx.shell '^/ # ' 'echo typed-$((40 + 2)); exit
'
expect "${tests[10]}" '^typed-42$' "$log"
expect "${tests[11]}" 'reboot: System halted' "$log"
grep -aq '^typed-42$' "$log" || show "$log"
exit 0

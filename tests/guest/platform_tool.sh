#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# minivmx run --lapic and --cpus on guest programs (Documentation/
# guest-abi.rst, "The platform"): the I/O APIC and the UART's interrupts
# (tests/guests/ioapic.c, with a byte on stdin that arrives while the
# guest waits in HLT), the MP table and an application processor started
# by INIT and a start-up IPI under --cpus 2 (smp.c), a HLT with
# interrupts off and the i8042's reset ending the run, and the options
# refused.  Prints TAP; ends with "N passed, N failed".
guests=${MINIVMX_GUESTS:-/minivmx/guests}
work=${TMPDIR:-/tmp}/platform_tool.$$

. "$(dirname "$0")/toollib.sh"
mkdir -p "$work" || exit 1
trap 'rm -rf "$work"' EXIT

# run NAME GUEST OPTIONS...: minivmx run OPTIONS GUEST-long.bin, stdin
# from the caller, into $work/NAME.out (serial) and NAME.err; sets $rc.
run() {
	name=$1 guest=$2
	shift 2
	out=$work/$name.out err=$work/$name.err
	minivmx run --timeout 300 "$@" "$guests/$guest-long.bin" \
		>"$out" 2>"$err"
	rc=$?
}

# check DESCRIPTION: the result of the last command, with the output
# shown when it failed.
check() {
	r=$?
	result $r "$1 (exit $rc)"
	[ $r -eq 0 ] || { show "$out"; show "$err"; }
}

# The guest's verdict: exit 0, "0 failed" and no "not ok" on the serial
# port, the tool's summary; its report lines become TAP comments.
guest_ok() {
	grep '^\(not \)\?ok' "$out" | sed 's/^/# guest: /'
	[ "$rc" -eq 0 ] && has "$out" ", 0 failed" && ! has "$out" "not ok" &&
		has "$err" "minivmx: guest exited with status 0"
}

echo "1..7"
load_module

# The byte comes late, so the guest is halted when it arrives: the
# reader thread's MSI wakes it.  (A FIFO, not a pipe into run: run must
# not be in a subshell.)
mkfifo "$work/stdin"
{ sleep 3; printf x; } >"$work/stdin" &
run ioapic ioapic --lapic <"$work/stdin"
wait
guest_ok
check "--lapic: I/O APIC registers, THRE edge, masked pin held, level with remote IRR, RX data wakes HLT, CMOS"

run smp smp --cpus 2 </dev/null
guest_ok
check "--cpus 2: MP table with 2 processors; INIT and SIPI start vCPU 1 with APIC ID 1"

# Without --lapic a HLT resumes the guest; with it, HLT with interrupts
# off is the end.
run hlt hlt --lapic </dev/null
[ $rc -eq 0 ] && has "$out" "before hlt" && ! has "$out" "after hlt" &&
	has "$err" "minivmx: the guest halted with interrupts off"
check "--lapic: HLT with interrupts off ends the run with 0"

run reset reset --lapic </dev/null
[ $rc -eq 0 ] && has "$out" "resetting" && ! has "$out" "still here" &&
	has "$err" "minivmx: the guest reset the machine (0xfe to port 0x64)"
check "--lapic: 0xfe to port 0x64 ends the run as a reset"

# vCPU 0's end is the run's end; vCPU 1, waiting for SIPI, is stopped.
run two hello --cpus 2 </dev/null
[ $rc -eq 0 ] && has "$err" "minivmx: guest exited with status 0"
check "--cpus 2: the run ends with vCPU 0's while vCPU 1 waits for SIPI"

# What is refused, before any VM exists.
run cpus9 hello --cpus 9 </dev/null
[ $rc -eq 2 ] && has "$err" "--cpus '9': expected 1 to 8 vCPUs"
check "--cpus 9 is a usage error"

run step hello --cpus 2 --step </dev/null
[ $rc -eq 2 ] && has "$err" "they debug one vCPU"
check "--cpus 2 with --step is a usage error"

finish

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# minivmx run --lapic and --cpus on guest programs (Documentation/
# guest-abi.rst, "Devices"): the I/O APIC and the UART's interrupts
# (tests/guests/ioapic.c, with a byte on stdin that arrives while the
# guest waits in HLT), the MP table and an application processor started
# by INIT and a start-up IPI under --cpus 2 (smp.c), a HLT with
# interrupts off and the i8042's reset ending the run, and the options
# refused.  Prints TAP; ends with "N passed, N failed".
guests=${MINIVMX_GUESTS:-/minivmx/guests}
work=${TMPDIR:-/tmp}/platform_tool.$$
n=0 failed=0

mkdir -p "$work" || exit 1
trap 'rm -rf "$work"' EXIT

result() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n $2"
	else
		echo "not ok $n $2"
		failed=$((failed + 1))
	fi
}

show() {
	sed -n '1,40p' "$1" | sed 's/^/# /'
}

has() {
	grep -qF -- "$2" "$1"
}

# guest_ok NAME OUT ERR RC: exit 0, "0 failed" on the serial port, the
# tool's summary; the guest's own report lines become TAP comments.
guest_ok() {
	grep '^\(not \)\?ok' "$2" | sed 's/^/# guest: /'
	[ "$4" -eq 0 ] && has "$2" ", 0 failed" && ! has "$2" "not ok" &&
		has "$3" "minivmx: guest exited with status 0"
}

echo "1..7"
loaded=
if ! grep -q '^minivmx ' /proc/modules; then
	insmod "$MINIVMX_KO" || { echo "# insmod failed"; exit 1; }
	loaded=1
fi

# 1. The I/O APIC and the UART's interrupts.  The byte comes late, so the
# guest is halted when it arrives: the reader thread's MSI wakes it.
out=$work/ioapic.out err=$work/ioapic.err
{ sleep 3; printf x; } |
	minivmx run --lapic --timeout 300 "$guests/ioapic-long.bin" \
	>"$out" 2>"$err"
rc=$?
guest_ok ioapic "$out" "$err" $rc
r=$?
result $r "--lapic: I/O APIC registers, THRE edge, masked pin held, level with remote IRR, RX data wakes HLT, CMOS (exit $rc)"
[ $r -eq 0 ] || { show "$out"; show "$err"; }

# 2. --cpus 2: the MP table and an AP started by INIT and SIPI.
out=$work/smp.out err=$work/smp.err
minivmx run --cpus 2 --timeout 300 "$guests/smp-long.bin" \
	</dev/null >"$out" 2>"$err"
rc=$?
guest_ok smp "$out" "$err" $rc
r=$?
result $r "--cpus 2: MP table with 2 processors; INIT and SIPI start vCPU 1 with APIC ID 1 (exit $rc)"
[ $r -eq 0 ] || { show "$out"; show "$err"; }

# 3. Without --lapic a HLT resumes the guest; with it, HLT with
# interrupts off is the end.
out=$work/hlt.out err=$work/hlt.err
minivmx run --lapic --timeout 120 "$guests/hlt-long.bin" \
	</dev/null >"$out" 2>"$err"
rc=$?
[ $rc -eq 0 ] && has "$out" "before hlt" && ! has "$out" "after hlt" &&
	has "$err" "minivmx: the guest halted with interrupts off"
r=$?
result $r "--lapic: HLT with interrupts off ends the run with 0 (exit $rc)"
[ $r -eq 0 ] || { show "$out"; show "$err"; }

# 4. The i8042's reset command.
out=$work/reset.out err=$work/reset.err
minivmx run --lapic --timeout 120 "$guests/reset-long.bin" \
	</dev/null >"$out" 2>"$err"
rc=$?
[ $rc -eq 0 ] && has "$out" "resetting" && ! has "$out" "still here" &&
	has "$err" "minivmx: the guest reset the machine (0xfe to port 0x64)"
r=$?
result $r "--lapic: 0xfe to port 0x64 ends the run as a reset (exit $rc)"
[ $r -eq 0 ] || { show "$out"; show "$err"; }

# 5. Two vCPUs for a guest that never starts the second: vCPU 0's end is
# the run's end, the waiting vCPU 1 is stopped.
out=$work/two.out err=$work/two.err
minivmx run --cpus 2 --timeout 120 "$guests/hello-long.bin" \
	</dev/null >"$out" 2>"$err"
rc=$?
[ $rc -eq 0 ] && has "$err" "minivmx: guest exited with status 0"
r=$?
result $r "--cpus 2: the run ends with vCPU 0's while vCPU 1 waits for SIPI (exit $rc)"
[ $r -eq 0 ] || { show "$out"; show "$err"; }

# 6-7. What is refused, before any VM exists.
minivmx run --cpus 9 "$guests/hello-long.bin" >/dev/null 2>"$work/u1"
rc=$?
[ $rc -eq 2 ] && has "$work/u1" "--cpus '9': expected 1 to 8 vCPUs"
result $? "--cpus 9 is a usage error (exit $rc)"
minivmx run --cpus 2 --step "$guests/hello-long.bin" >/dev/null 2>"$work/u2"
rc=$?
[ $rc -eq 2 ] && has "$work/u2" "they debug one vCPU"
result $? "--cpus 2 with --step is a usage error (exit $rc)"

[ -n "$loaded" ] && rmmod minivmx
echo "$((n - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]

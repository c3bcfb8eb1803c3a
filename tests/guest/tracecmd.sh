#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The module's tracepoints through Debian's trace-cmd (in the initramfs of
# the suites marked "# testbed: gdb", gdb-initrd.sh): the events are
# listed, a run of a guest is recorded, and the report names its exits.
echo "1..3"
if ! command -v trace-cmd >/dev/null; then
	echo "ok 1 # SKIP no trace-cmd in this initramfs"
	echo "ok 2 # SKIP no trace-cmd in this initramfs"
	echo "ok 3 # SKIP no trace-cmd in this initramfs"
	echo "0 passed, 0 failed, 3 skipped"
	exit 0
fi
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n $1"; }
not_ok() { n=$((n + 1)) failed=$((failed + 1)); echo "not ok $n $1"; }
loaded=
if [ ! -e /dev/minivmx ]; then
	insmod "$MINIVMX_KO" || exit 1
	loaded=1
fi
ev=$(trace-cmd list -e minivmx 2>&1)
if echo "$ev" | grep -qx 'minivmx:minivmx_exit' &&
   echo "$ev" | grep -qx 'minivmx:minivmx_fail_entry'; then
	ok "trace-cmd list -e minivmx names the events"
else
	not_ok "trace-cmd list -e minivmx names the events"
	echo "$ev" | sed 's/^/# /'
fi
cd /tmp || exit 1
# The guest runs a second after the start: in Bochs trace-cmd's per-CPU
# recorders can take longer to start than the guest takes to run, and a
# command that ends first leaves no per-CPU file ("can not stat
# /tmp/minivmx.dat.cpu0").
trace-cmd record -q -e minivmx -o /tmp/minivmx.dat sh -c \
	'sleep 1; exec minivmx run --mode long /minivmx/guests/hello-long.bin' \
	>/tmp/tc.out 2>&1
rc=$?
if [ "$rc" -eq 0 ] && [ -s /tmp/minivmx.dat ]; then
	ok "trace-cmd record -e minivmx runs a guest and writes its trace"
else
	not_ok "trace-cmd record -e minivmx runs a guest and writes its trace (status $rc)"
	tail -n 20 /tmp/tc.out | sed 's/^/# /'
fi
trace-cmd report -i /tmp/minivmx.dat >/tmp/tc.report 2>&1
if grep -q 'minivmx_exit: *vcpu 0 reason IO_INSTRUCTION rip 0x' /tmp/tc.report; then
	ok "the report has each exit with its reason and RIP ($(grep -c minivmx_exit /tmp/tc.report) exits)"
else
	not_ok "the report has each exit with its reason and RIP"
	head -n 20 /tmp/tc.report | sed 's/^/# /'
fi
rm -f /tmp/minivmx.dat /tmp/tc.out /tmp/tc.report
[ -n "$loaded" ] && rmmod minivmx
echo "$((n - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]

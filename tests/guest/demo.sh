#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The demo (make demo): load minivmx, show what the CPU can do and that
# VMX is on on every CPU, then run the hello guest in all four modes and
# show its exits; then step a guest for a few instructions and stop at
# its exits, each explained; then boot Linux (the guest kernel the suite
# carries) and show how it ended and what it exited for; then boot it
# again on shadow page tables instead of EPT, and measure trapped against
# paravirtual I/O (the classroom's two trade-offs).
# Prints TAP so the testbed can count what worked.
guests=${MINIVMX_GUESTS:-/minivmx/guests}
. "$(dirname "$0")/toollib.sh"

echo "1..11"
echo "### insmod minivmx.ko"
insmod "$MINIVMX_KO"
result $? "minivmx loads"
dmesg | grep 'minivmx:' | tail -n 1

echo "### minivmx info"
minivmx info
result $? "minivmx info"

for mode in real protected paged long; do
	echo "### minivmx run --mode $mode --stats $guests/hello-$mode.bin"
	minivmx run --mode "$mode" --stats "$guests/hello-$mode.bin" 2>&1
	result $? "the hello guest runs in $mode mode"
done
# The count guest (tests/guests/count.S): its first instructions, each
# with the registers it changed and the exits it caused.
echo "### minivmx run --mode long --step $guests/count-long.bin (the first 12 lines)"
minivmx run --mode long --step "$guests/count-long.bin" >/dev/null 2>/tmp/demo-step
rc=$?
head -n 12 /tmp/demo-step
result $rc "a guest stepped instruction by instruction"

echo "### minivmx run --mode long --break-exit CPUID,IO $guests/count-long.bin"
minivmx run --mode long --break-exit CPUID,IO "$guests/count-long.bin" 2>&1 >/dev/null
result $? "exit breakpoints: each exit stopped at and explained"

# Two vCPUs, one thread each, on the testbed's two CPUs.
echo '### minivmx run --cpus 2 --stats --kernel /guest/bzImage --initrd /guest/initrd.gz --append "console=ttyS0 minivmx.cmd=\"uname -a\"" (some lines)'
minivmx run --cpus 2 --stats --mem 64M --kernel /guest/bzImage \
	--initrd /guest/initrd.gz \
	--append 'console=ttyS0 panic=-1 minivmx.cmd="uname -a"' \
	</dev/null >/tmp/demo-linux 2>&1
rc=$?
[ $rc -eq 0 ] && grep -q 'smpboot: Total of 2 processors' /tmp/demo-linux
rc=$?
grep -aE 'Linux version|smpboot: Total' /tmp/demo-linux
echo "..."
grep -av '^minivmx:' /tmp/demo-linux | tail -n 8
grep -a '^minivmx:' /tmp/demo-linux
result $rc "Linux boots under minivmx on two vCPUs and powers off"

# The same kernel on shadow paging: the CPU walks the module's copy of
# the guest's page tables, and every miss in it is a #PF exit.
echo '### minivmx run --shadow --stats --kernel /guest/bzImage ... (the exits that differ from EPT)'
minivmx run --shadow --lapic --stats --mem 64M --kernel /guest/bzImage \
	--initrd /guest/initrd.gz \
	--append 'console=ttyS0 panic=-1 minivmx.cmd="uname -a"' \
	</dev/null >/tmp/demo-linux 2>&1
rc=$?
grep -aE '^minivmx: VM exits|EXCEPTION_NMI|INVLPG|CR_ACCESS|EPT_VIOLATION|halted' /tmp/demo-linux
result $rc "Linux boots on shadow paging: its page faults and INVLPGs exit"

# Trapped against paravirtual I/O (tests/guests/pvio.c).
echo "### bench_pvio: the same bytes through trapped and paravirtual devices"
/minivmx/bin/bench_pvio >/tmp/demo-pvio 2>&1
rc=$?
grep '^#' /tmp/demo-pvio
rm -f /tmp/demo-pvio
result $rc "trapped and paravirtual I/O measured"
rm -f /tmp/demo-step /tmp/demo-linux
rmmod minivmx
echo "$((n - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]

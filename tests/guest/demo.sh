#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The demo (make demo): load minivmx, show what the CPU can do and that
# VMX is on on every CPU, then run the hello guest in all four modes and
# show its exits.  Prints TAP so the testbed can count what worked.
guests=${MINIVMX_GUESTS:-/minivmx/guests}
n=0 failed=0

step() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n $2"
	else
		echo "not ok $n $2"
		failed=$((failed + 1))
	fi
}

echo "1..6"
echo "### insmod minivmx.ko"
insmod "$MINIVMX_KO"
step $? "minivmx loads"
dmesg | grep 'minivmx:' | tail -n 1

echo "### minivmx info"
minivmx info
step $? "minivmx info"

for mode in real protected paged long; do
	echo "### minivmx run --mode $mode --stats $guests/hello-$mode.bin"
	minivmx run --mode "$mode" --stats "$guests/hello-$mode.bin" 2>&1
	step $? "the hello guest runs in $mode mode"
done
rmmod minivmx
echo "$((n - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The mitigation parameters the testbed's CPU cannot trigger by itself:
# l1d_flush=1 loads only where the CPU has IA32_FLUSH_CMD (and says why
# not elsewhere); with nx_huge_pages=1 guests still run (their code is
# fetched through split 2 MiB leaves where there are any).
echo "1..3"
[ -e /sys/module/minivmx ] && rmmod minivmx

if insmod "$MINIVMX_KO" l1d_flush=1 2>/tmp/params.err; then
	if grep -qw flush_l1d /proc/cpuinfo &&
	   minivmx run --mode long /minivmx/guests/hello-long.bin >/dev/null 2>&1; then
		echo "ok 1 l1d_flush=1 loads and runs a guest on a CPU with IA32_FLUSH_CMD"
	else
		echo "not ok 1 l1d_flush=1 loaded on a CPU without IA32_FLUSH_CMD"
	fi
	rmmod minivmx
elif ! grep -qw flush_l1d /proc/cpuinfo &&
     dmesg | grep -q 'l1d_flush=1: this CPU has no IA32_FLUSH_CMD'; then
	echo "ok 1 l1d_flush=1 is refused, and the log says why, without IA32_FLUSH_CMD"
else
	echo "not ok 1 l1d_flush=1: $(cat /tmp/params.err)"
fi

if insmod "$MINIVMX_KO" nx_huge_pages=1; then
	p=$(cat /sys/module/minivmx/parameters/nx_huge_pages)
	[ "$p" = 1 ] && echo "ok 2 nx_huge_pages=1 is in effect" ||
		echo "not ok 2 nx_huge_pages reads $p"
	if minivmx run --mode long /minivmx/guests/hello-long.bin >/tmp/params.out 2>&1 &&
	   minivmx run --mode paged /minivmx/guests/hello-paged.bin >>/tmp/params.out 2>&1; then
		echo "ok 3 guests run with nx_huge_pages=1"
	else
		echo "not ok 3 guests run with nx_huge_pages=1"
		sed 's/^/# /' /tmp/params.out | tail -n 20
	fi
	rmmod minivmx
else
	echo "not ok 2 nx_huge_pages=1 loads"
	echo "not ok 3 guests run with nx_huge_pages=1 # not loaded"
fi
exit 0

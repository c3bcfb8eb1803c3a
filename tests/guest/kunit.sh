#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# minivmx's KUnit tests (kmod/minivmx_kunit.c) in the test kernel: load
# KUnit, minivmx and the tests, and print the suite's results as TAP.
d=${MINIVMX_DIR:-/minivmx}/kunit
if [ ! -f "$d/minivmx_kunit.ko" ]; then
	echo "1..0 # SKIP this kernel has no KUnit"
	exit 4
fi
[ -e /sys/module/kunit ] || insmod "$d/kunit.ko" || exit 1
[ -e /sys/module/minivmx ] || insmod "$MINIVMX_KO" || exit 1
insmod "$d/minivmx_kunit.ko" || exit 1
r=/sys/kernel/debug/kunit/minivmx/results
[ -r "$r" ] || { echo "not ok 1 no $r"; exit 1; }
# KTAP nests each case (and each parameter) one level deeper; show the
# cases as top-level results and keep the rest as comments.
sed -nE 's/^    (ok|not ok) /\1 /p' "$r"
sed 's/^/# /' "$r"
rmmod minivmx_kunit
rmmod minivmx

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The labs' graders (Documentation/labs/), as a course would run them:
# each lab's reference solution passes its grader twice over (its trace
# is the golden one, and a second run repeats it), and a broken solution
# and the unchanged starter code fail it, with where their traces part
# from the golden one and which of the guest's checks failed.
work=${TMPDIR:-/tmp}/labs.$$
mkdir -p "$work" || exit 1
trap 'rm -rf "$work"' EXIT
# shellcheck source=tests/guest/toollib.sh
. "$(dirname "$0")/toollib.sh"
bin=/minivmx/bin
guests=/minivmx/guests
echo "1..18"
load_module

# grade LAB NAME GOLDEN VMM: the grader's output in $work/LAB-NAME.out
grade() {
	GRADE_DIR=$work/$1-$2 "$bin/lab-grade" "$3" "$4" \
		"$guests/lab$1-long.bin" >"$work/$1-$2.out" 2>&1
}

# lab N CHECKS BROKEN_CHECK WHAT: the six results of lab N (toollib.sh
# counts results in $n)
lab() {
	l=$1 checks=$2 broken=$3 what=$4
	grade "$l" solution "$bin/lab$l-vmm-solution" "$bin/lab$l-vmm-solution"
	r=$?
	result $r "lab $l: the reference solution passes its grader"
	[ $r -eq 0 ] || show "$work/$l-solution.out"
	has "$work/$l-solution/yours.out" "$checks checks passed, 0 failed"
	result $? "lab $l: the reference passes the guest's $checks checks"

	golden=$work/$l-solution/golden.trace
	grade "$l" again "$golden" "$bin/lab$l-vmm-solution"
	r=$?
	result $r "lab $l: graded against the golden trace file, the reference passes again"
	[ $r -eq 0 ] || show "$work/$l-again.out"

	grade "$l" broken "$golden" "$bin/lab$l-vmm-broken"
	r=$?
	[ $r -eq 1 ] && has "$work/$l-broken.out" "grade: FAIL" &&
		has "$work/$l-broken.out" "parts from" &&
		has "$work/$l-broken.out" "golden:"
	result $? "lab $l: a broken solution fails, with where its trace parts"
	show "$work/$l-broken.out"
	has "$work/$l-broken.out" "check $broken FAILED"
	result $? "lab $l: the grader names the check the broken solution failed ($what)"

	grade "$l" starter "$golden" "$bin/lab$l-vmm"
	r=$?
	[ $r -eq 1 ] && has "$work/$l-starter.out" "check 1 FAILED"
	result $? "lab $l: the starter code, unchanged, fails from the first check"
	[ $r -eq 1 ] || show "$work/$l-starter.out"
}

# Lab 1's broken WRMSR keeps 32 bits: check 4 (the MSRs) fails first.
lab 1 6 4 "MSRs keep 64 bits"
# Lab 2's broken device ignores the sector: the read-back, check 2.
lab 2 6 2 "the sector number counts"
# Lab 3's broken device keeps DATA across a reset: check 4.
lab 3 6 4 "RESET clears DATA"
finish

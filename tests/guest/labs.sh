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
echo "1..6"
load_module

# grade NAME GOLDEN VMM: the grader's output in $work/NAME.out, its status
grade() {
	GRADE_DIR=$work/$1 "$bin/lab-grade" "$2" "$3" "$guests/lab1-long.bin" \
		>"$work/$1.out" 2>&1
}

grade solution "$bin/lab1-vmm-solution" "$bin/lab1-vmm-solution"
r=$?
result $r "lab 1: the reference solution passes its grader"
[ $r -eq 0 ] || show "$work/solution.out"
golden=$work/solution/golden.trace
has "$work/solution/yours.out" "6 checks passed, 0 failed"
result $? "lab 1: the reference passes the guest's 6 checks"

grade again "$golden" "$bin/lab1-vmm-solution"
r=$?
result $r "lab 1: graded against the golden trace file, the reference passes again"
[ $r -eq 0 ] || show "$work/again.out"

grade broken "$golden" "$bin/lab1-vmm-broken"
r=$?
[ $r -eq 1 ] && has "$work/broken.out" "grade: FAIL" &&
	has "$work/broken.out" "parts from" && has "$work/broken.out" "golden:"
result $? "lab 1: a broken solution fails, with where its trace parts"
show "$work/broken.out"
# The broken WRMSR keeps 32 bits: check 4 (the MSRs) is the first to fail.
has "$work/broken.out" "check 4 FAILED"
result $? "lab 1: the grader names the check the broken solution failed"

grade starter "$golden" "$bin/lab1-vmm"
r=$?
[ $r -eq 1 ] && has "$work/starter.out" "check 1 FAILED"
result $? "lab 1: the starter code, unchanged, fails from the first check"
[ $r -eq 1 ] || show "$work/starter.out"
finish

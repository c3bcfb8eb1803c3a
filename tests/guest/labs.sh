#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The labs' graders (Documentation/labs/), as a course would run them:
# each lab's reference solution passes its grader twice over (its trace
# is the golden one, and a second run repeats it), and a broken solution
# and the unchanged starter code fail it, with where their traces part
# from the golden one and which of the guest's checks failed.  Lab 5's
# guest also runs on shadow paging, as its 'make measure' does.
work=${TMPDIR:-/tmp}/labs.$$
mkdir -p "$work" || exit 1
trap 'rm -rf "$work"' EXIT
# shellcheck source=tests/guest/toollib.sh
. "$(dirname "$0")/toollib.sh"
bin=/minivmx/bin
guests=/minivmx/guests
echo "1..38"
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
# Lab 4's broken interrupt line injects without asking whether the guest
# is ready and loses three of four interrupts: check 3.
lab 4 6 3 "interrupts wait for the window"
# Lab 5's broken walk checks the leaf's rights only: check 5, the tables'.
lab 5 7 5 "a table's rights count"
# Lab 6's broken timer queues every tick due instead of counting the
# missed ones: check 4.
lab 6 5 4 "ticks that find one in service are missed"

# Lab 5 measured ('make measure'): the same guest on shadow paging passes
# too, and its MOV-to-CR3 churn costs page-fault exits that EPT does not.
"$bin/lab5-vmm-solution" --shadow --record "$work/shadow.trace" \
	"$guests/lab5-long.bin" >"$work/5-shadow.out" 2>&1 &&
	has "$work/5-shadow.out" "7 checks passed, 0 failed"
result $? "lab 5: on shadow paging the reference passes its 7 checks"
minivmx trace --summary "$work/5-solution/golden.trace" >"$work/ept.sum" 2>&1
minivmx trace --summary "$work/shadow.trace" >"$work/shadow.sum" 2>&1
# count FILE REASON: the exits of REASON in a summary, 0 when none
count() {
	awk -v r="$2" '$1 == r { n += $3 } END { print n + 0 }' "$1"
}
pf_ept=$(count "$work/ept.sum" EXCEPTION_NMI)
pf_shadow=$(count "$work/shadow.sum" EXCEPTION_NMI)
cr_ept=$(count "$work/ept.sum" CR_ACCESS)
cr_shadow=$(count "$work/shadow.sum" CR_ACCESS)
echo "# lab 5: #PF exits $pf_ept with EPT, $pf_shadow with shadow paging;" \
	"CR accesses $cr_ept and $cr_shadow"
# 16 rounds of 64 pages; two MOVs to CR3 a round.
[ "$pf_ept" -eq 0 ] && [ "$pf_shadow" -ge 1024 ] &&
	[ "$cr_shadow" -ge $((cr_ept + 32)) ]
r=$?
result $r "lab 5: shadow paging's page faults and CR3 exits, none with EPT"
[ $r -eq 0 ] || { show "$work/ept.sum"; show "$work/shadow.sum"; }
finish

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Grade a lab's VMM by its exit trace (Documentation/labs/index.rst).
#
#   grade.sh GOLDEN VMM [GUEST]
#
# GOLDEN is the golden trace (a file 'minivmx run --record' or a lab VMM's
# --record wrote), or the reference solution's VMM, which is run first to
# record it.  Runs VMM --record TRACE GUEST, then 'minivmx trace --diff
# GOLDEN TRACE'.  PASS when the VMM's guest passed its checks and the
# guest's exits are the golden run's, in order; otherwise FAIL, with the
# first exits that differ and the checks that failed.  Exit status 0 for
# PASS, 1 for FAIL, 2 when the reference itself fails.  The files go to
# $GRADE_DIR (a new temporary directory by default); $MINIVMX names the
# minivmx tool (default: minivmx on the PATH).
set -u

[ $# -ge 2 ] || { echo "usage: grade.sh GOLDEN VMM [GUEST]" >&2; exit 2; }
golden=$1 vmm=$2 guest=${3:-}
work=${GRADE_DIR:-$(mktemp -d)}
minivmx=${MINIVMX:-minivmx}
mkdir -p "$work"

if [ "$(head -c 8 "$golden" 2>/dev/null)" != MVXTRACE ]; then
	if ! "$golden" --record "$work/golden.trace" $guest >"$work/golden.out" 2>&1; then
		echo "grade: the reference solution $golden failed:"
		cat "$work/golden.out"
		exit 2
	fi
	golden=$work/golden.trace
fi

"$vmm" --record "$work/yours.trace" $guest >"$work/yours.out" 2>&1
rc=$?
"$minivmx" trace --diff "$golden" "$work/yours.trace" >"$work/diff.out" 2>&1
same=$?
if [ $rc -eq 0 ] && [ $same -eq 0 ]; then
	echo "grade: PASS: $(cat "$work/diff.out")"
	exit 0
fi
echo "grade: FAIL ($vmm exited with $rc)"
sed 's/^/  /' "$work/diff.out"
grep -E 'FAILED|not ok|vmm:' "$work/yours.out" | grep -v ' passed$' | sed 's/^/  /'
exit 1

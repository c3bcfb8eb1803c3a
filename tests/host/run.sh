#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Run TAP test programs (default: the host tests in build/), show their
# output, and end with exactly one line counting their subtests:
#
#	N passed, N failed, N skipped
#
# A program that stops before reporting every subtest of its plan, or
# fails without reporting a failed subtest, counts as that many failures.
# Exit status 1 if anything failed.
set -u

dir=$(cd "$(dirname "$0")" && pwd)
[ $# -gt 0 ] || set -- "$dir/build/uapi_layout" "$dir/build/lib_test" \
	"$dir/build/guest_test" "$dir/build/devices_test" \
	"$dir/build/debug_test" "$dir/build/trace_test" \
	"$dir/build/tool_test" "$dir/build/run_test" "$dir/build/record_test" \
	"$dir/build/gdb_proto_test" "$dir/build/loader_test" \
	"$dir/install_test.sh" "$dir/guest_kernel_test.sh"

passed=0 failed=0 skipped=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

count() { grep -cE "$1" "$log"; }

for t in "$@"; do
	echo "# running $(basename "$t")"
	"$t" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	plan=$(sed -n 's/^1\.\.\([0-9][0-9]*\).*/\1/p' "$log" | head -n 1)
	s=$(count '^ok [0-9]+.*# *[Ss][Kk][Ii][Pp]')
	p=$(($(count '^ok [0-9]+') - s))
	f=$(count '^not ok [0-9]+')
	ran=$((p + f + s))
	if [ -n "$plan" ] && [ "$ran" -lt "$plan" ]; then
		echo "# $(basename "$t"): $((plan - ran)) of $plan subtests never reported (exit status $rc)"
		f=$((f + plan - ran))
	elif [ "$ran" -eq 0 ] && [ "$rc" -eq 4 ]; then
		s=1	# kselftest's whole-program skip
	elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "# $(basename "$t"): exit status $rc without a failed subtest"
		f=$((f + 1))
	fi
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
done

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# "make check": the host-side tests (make -C tests host-check), then the
# suites in the emulated machine -- basic on the test kernel with 1 CPU, smp
# with 2 CPUs, stock on Debian's stock kernel with 1 CPU -- skipping suites
# that do not exist yet.  Ends with ONE line "N passed, N failed, N skipped"
# summing everything, and exits non-zero if anything failed.
. "$(dirname "$0")/lib.sh"

passed=0 failed=0 skipped=0
notes=()

# add OUTPUT NAME: add the last "N passed, N failed[, N skipped]" line of
# OUTPUT to the totals; no such line counts as one failure.
add() {
	local line p f s
	line=$(printf '%s\n' "$1" | grep -aE '^([A-Za-z-]+: )?[0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?$' |
		tail -n 1 || true)
	if [ -z "$line" ]; then
		failed=$((failed + 1))
		notes+=("$2: no summary line (counted as 1 failure)")
		return
	fi
	p=$(sed -E 's/^([A-Za-z-]+: )?([0-9]+) passed.*/\2/' <<<"$line")
	f=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")
	s=0
	[[ "$line" == *skipped ]] && s=$(sed -E 's/.* ([0-9]+) skipped$/\1/' <<<"$line")
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
	notes+=("$2: $p passed, $f failed, $s skipped")
}

# run NAME CMD...: run a step, showing its output as it comes, and add its
# counts; a step that exits non-zero with no failure counted adds one.
run() {
	local name=$1 out rc f0=$failed
	shift
	echo "==== $name"
	set +e
	"$@" 2>&1 | tee "$tmp"
	rc=${PIPESTATUS[0]}
	set -e
	out=$(cat "$tmp")
	add "$out" "$name"
	if [ "$rc" -ne 0 ] && [ "$failed" -eq "$f0" ]; then
		failed=$((failed + 1))
		notes+=("$name: exited with status $rc (counted as 1 failure)")
	fi
}

tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
"$TESTBED_DIR/deps.sh"

if [ -f "$TOP/tests/Makefile" ]; then
	export KSELFTEST_DIR=${KSELFTEST_DIR:-$("$TESTBED_DIR/ksrc.sh")}
	run "host tests" make -s -C "$TOP/tests" host-check
else
	notes+=("host tests: no tests/Makefile yet: skipped")
fi

for spec in "basic test 1" "smp test 2" "stock stock 1"; do
	read -r suite kernel cpus <<<"$spec"
	if [ ! -f "$TOP/tests/suites/$suite" ]; then
		echo "==== suite $suite: no tests/suites/$suite yet: skipped"
		notes+=("suite $suite: no tests/suites/$suite yet: skipped")
		continue
	fi
	run "suite $suite ($kernel kernel, $cpus CPU)" \
		"$TESTBED_DIR/testbed.sh" --kernel "$kernel" --cpus "$cpus" "$suite"
done

echo "==== summary"
for n in "${notes[@]}"; do echo "$n"; done
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]

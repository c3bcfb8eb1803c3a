#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The module's tracepoints through Debian's perf (in the initramfs of the
# suites marked "# testbed: gdb", gdb-initrd.sh): perf list names them,
# and perf stat -e 'minivmx:*' counts as many minivmx_exit events as the
# run's own --stats table has exits, and no failed entry.
echo "1..3"
if ! command -v perf >/dev/null; then
	for i in 1 2 3; do echo "ok $i # SKIP no perf in this initramfs"; done
	echo "0 passed, 0 failed, 3 skipped"
	exit 0
fi
work=${TMPDIR:-/tmp}/perf.$$
mkdir -p "$work" || exit 1
trap 'rm -rf "$work"' EXIT
# shellcheck source=tests/guest/toollib.sh
. "$(dirname "$0")/toollib.sh"
load_module
cd "$work" || exit 1

perf list 'minivmx:*' >"$work/list" 2>&1
grep -q 'minivmx:minivmx_exit *\[Tracepoint event\]' "$work/list" &&
	grep -q 'minivmx:minivmx_fail_entry *\[Tracepoint event\]' "$work/list"
r=$?
result $r "perf list 'minivmx:*' names the tracepoints"
[ $r -eq 0 ] || show "$work/list"

# -x, : CSV, "COUNT,UNIT,EVENT,..." a line per event, on stderr with the
# tool's own --stats table.
perf stat -x, -e 'minivmx:*' -- \
	minivmx run --mode long --stats /minivmx/guests/hello-long.bin \
	>/dev/null 2>"$work/err"
rc=$?
exits=$(sed -n 's/^\([0-9]*\),,minivmx:minivmx_exit,.*/\1/p' "$work/err")
fails=$(sed -n 's/^\([0-9]*\),,minivmx:minivmx_fail_entry,.*/\1/p' "$work/err")
total=$(sed -n 's/^minivmx: VM exits by reason (\([0-9]*\) in all):$/\1/p' "$work/err")
[ "$rc" -eq 0 ] && [ -n "$total" ] && [ "$total" -gt 0 ] && [ "$exits" = "$total" ]
r=$?
result $r "perf stat counts ${exits:-no} minivmx_exit events, the run's ${total:-no} exits (status $rc)"
[ $r -eq 0 ] || show "$work/err"
[ "$fails" = 0 ]
result $? "and no minivmx_fail_entry event (${fails:-no count})"
finish

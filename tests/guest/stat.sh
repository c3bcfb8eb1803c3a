#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# (The checks are eval'ed: their single quotes are meant.)
# shellcheck disable=SC2016,SC2012
# Exit statistics in debugfs (kmod/stat.c) and `minivmx stat`: a VM's
# directory <pid>-<fd>/vcpu0 while it runs, gone after; the sums at the
# top; the table minivmx stat prints; the time per exit with exit_time=1.
d=/sys/kernel/debug/minivmx
p=/sys/module/minivmx/parameters/exit_time
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n $1"; }
not_ok() { n=$((n + 1)) failed=$((failed + 1)); echo "not ok $n $1"; }
check() { if eval "$1"; then ok "$2"; else not_ok "$2"; fi; }

echo "1..7"
loaded=
if [ ! -d "$d" ]; then
	insmod "$MINIVMX_KO" || exit 1
	loaded=1
fi
echo 1 > "$p"
# A guest that spins without exits of its own: the preemption timer and
# interrupts still make exits, about one a millisecond.  It is stopped
# once the checks are done (a spinning guest's second costs Bochs about
# 15 s); the timeout is only a backstop.
minivmx run --mode long --timeout 20 /minivmx/guests/loop-long.bin >/dev/null 2>&1 &
pid=$!
sleep 0.3
vcpu=$(ls -d "$d/$pid"-*/vcpu0 2>/dev/null | head -n 1)
check '[ -n "$vcpu" ] && [ -f "$vcpu/exits" ]' \
	"a running VM has its directory $pid-FD/vcpu0"
e1=$(cat "$vcpu/exits" 2>/dev/null || echo 0)
sleep 0.2
e2=$(cat "$vcpu/exits" 2>/dev/null || echo 0)
check '[ "$e2" -gt "$e1" ]' "its exit count grows ($e1, then $e2)"
top=$(cat "$d/exits")
check '[ "$top" -ge "$e2" ]' "the sum at the top counts it ($top)"
out=$(minivmx stat --once 2>&1)
echo "$out" | sed 's/^/# /'
check 'echo "$out" | grep -q "^minivmx exits: [1-9]" &&
       echo "$out" | grep -Eq "^ [0-9]+ +[A-Z_]+ +[0-9]+ +[0-9.]+%"' \
	"minivmx stat --once prints the table"
# With exit_time=1 the time from exit to entry is summed.
check 'awk "\$4 > 0 { found = 1 } END { exit !found }" "$vcpu/exit_reasons"' \
	"exit_time=1 sums nanoseconds per reason"
kill $pid
wait $pid
check '! ls -d "$d/$pid"-* >/dev/null 2>&1' "the directory goes with the VM"
out=$(minivmx stat --interval 0.2 --count 2 2>&1)
check 'echo "$out" | grep -c "^minivmx exits:" | grep -qx 2' \
	"minivmx stat --count 2 refreshes twice"
echo 0 > "$p"
[ -n "$loaded" ] && rmmod minivmx
echo "$((n - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]

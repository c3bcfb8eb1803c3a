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
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n $1"; }
not_ok() { n=$((n + 1)) failed=$((failed + 1)); echo "not ok $n $1"; }
loaded=
if [ ! -e /dev/minivmx ]; then
	insmod "$MINIVMX_KO" || exit 1
	loaded=1
fi
cd /tmp || exit 1

ev=$(perf list 'minivmx:*' 2>&1)
if echo "$ev" | grep -q 'minivmx:minivmx_exit *\[Tracepoint event\]' &&
   echo "$ev" | grep -q 'minivmx:minivmx_fail_entry *\[Tracepoint event\]'; then
	ok "perf list 'minivmx:*' names the tracepoints"
else
	not_ok "perf list 'minivmx:*' names the tracepoints"
	echo "$ev" | sed 's/^/# /'
fi

# -x, : CSV, "COUNT,UNIT,EVENT,..." a line per event, on stderr with the
# tool's own --stats table.
perf stat -x, -e 'minivmx:*' -- \
	minivmx run --mode long --stats /minivmx/guests/hello-long.bin \
	>/tmp/perf.out 2>/tmp/perf.err
rc=$?
exits=$(sed -n 's/^\([0-9]*\),,minivmx:minivmx_exit,.*/\1/p' /tmp/perf.err)
fails=$(sed -n 's/^\([0-9]*\),,minivmx:minivmx_fail_entry,.*/\1/p' /tmp/perf.err)
total=$(sed -n 's/^minivmx: VM exits by reason (\([0-9]*\) in all):$/\1/p' /tmp/perf.err)
if [ "$rc" -eq 0 ] && [ -n "$total" ] && [ "$total" -gt 0 ] &&
   [ "$exits" = "$total" ]; then
	ok "perf stat counts $exits minivmx_exit events, the run's $total exits"
else
	not_ok "perf stat counts the run's exits (status $rc, ${exits:-no} events, ${total:-no} exits)"
	sed 's/^/# /' /tmp/perf.err | tail -n 30
fi
if [ "$fails" = 0 ]; then
	ok "and no minivmx_fail_entry event"
else
	not_ok "and no minivmx_fail_entry event (${fails:-no count})"
fi
rm -f /tmp/perf.out /tmp/perf.err
[ -n "$loaded" ] && rmmod minivmx
echo "$((n - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]

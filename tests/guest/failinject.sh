#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# failinject.sh: drive minivmx's create and ioctl paths into their error
# exits with the kernel's fault injection (the debug kernel's failslab and
# fail_page_alloc, Documentation/fault-injection/fault-injection.rst), and
# check that every failure is clean: the caller gets an errno, the kernel
# logs no oops, WARN, KASAN, lockdep or UBSAN report, kmemleak finds no
# leak, and the module's reference count goes back to 0 so that it unloads.
#
#   failinject.sh [--budget SECONDS] [--insmod]
#
# --insmod (or FAILINJECT_INSMOD=1) adds the sweep of insmod: off by
# default, because in December 2026 it wedged the debug kernel (see
# Documentation/testing.rst, "Fault injection").
#
# 1. Sweeps (/proc/PID/fail-nth): one process runs with its N-th slab or
#    page allocation failing.  First P, the number of allocations the
#    process makes, is found by doubling N and bisecting (the attributes'
#    "times" counts each failure made: a run that leaves it unchanged never
#    came to its N-th allocation); then N = P, P-1, ... 1, while the budget
#    lasts, from the last allocation back so that the module's work (after
#    exec and the C library's start) comes first.  The processes: insmod
#    of the module (its init error paths), "minivmx info", and "minivmx
#    run" of two guests (create VM, memory, vCPU, port routes, registers,
#    run, and the releases).  Each run must end -- with an error (an errno)
#    or with success (the debug kernel's own bookkeeping absorbs some
#    failures) -- and leave the module's refcount at 0 (after insmod: the
#    module unloads).  A run killed by a signal runs again with the
#    failure's stack dumped: exec killing the task past its point of no
#    return is the kernel's rule and allowed; any other kill fails.
# 2. Random (task-filter + /proc/PID/make-it-fail, probability): the test
#    programs dev_ioctl, vm_api and guest_programs -- every ioctl and each
#    of its error paths -- with 2 %, 10 % and 30 % of their allocations
#    failing from their first mvx_load() on (MINIVMX_MAKE_IT_FAIL: each
#    test's forked child sets its make-it-fail once it runs).  Their own results do
#    not count (they fail, that is the point); what counts is that they end
#    and that the module unloads.
# 3. Then: no kernel report since the start, the module still loads, runs
#    a guest and unloads, and kmemleak reports no unreferenced object.
#
# Each sweep and each program gets at most --budget guest seconds (default
# $FAILINJECT_BUDGET or 30); a sweep that runs out says so (partial) but
# does not fail.  Prints TAP, ends with "N passed, N failed"; exit 4 (skip)
# on a kernel without fault injection.  Writes "minivmx-failinject: start"
# and "...: end" to the kernel log: kreports.sh allows the backtraces of
# the allocation failures this script causes between those lines, and
# nothing else.

dbg=/sys/kernel/debug
ko=${MINIVMX_KO:-/minivmx/minivmx.ko}
guests=${MINIVMX_DIR:-/minivmx}/guests
budget=${FAILINJECT_BUDGET:-30}
work=/tmp/failinject
insmod_sweep=${FAILINJECT_INSMOD:-}
while [ $# -gt 0 ]; do
	case "$1" in
	--budget) budget=${2:?}; shift 2 ;;
	--insmod) insmod_sweep=1; shift ;;
	*) echo "usage: failinject.sh [--budget SECONDS] [--insmod]" >&2; exit 2 ;;
	esac
done

n=0
failed=0
skipped=0
ok() { n=$((n + 1)); echo "ok $n $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n $*"; }
note() { echo "# $*"; }
# (Builtins where it is cheap: a fork and exec cost the debug kernel a
# lot, and the sweeps run thousands of commands.)
uptime_s() {
	read -r up _ </proc/uptime
	echo "${up%.*}"
}
now() {	# sets $up: the uptime in whole seconds, without a subshell
	read -r up _ </proc/uptime
	up=${up%.*}
}
exited() {	# $1: pid; true once it is gone or a zombie
	[ -e "/proc/$1" ] || return 0
	# (Names of its own: sh has no local variables, and a sweep's loop
	# counter is k.)
	while read -r ex_key ex_state _; do
		[ "$ex_key" = State: ] || continue
		[ "$ex_state" = Z ] || [ "$ex_state" = X ]
		return
	done <"/proc/$1/status"
	return 0
}

echo "TAP version 13"
if [ ! -d $dbg/failslab ] || [ ! -d $dbg/fail_page_alloc ] || [ ! -e /proc/self/fail-nth ]; then
	echo "1..0 # SKIP no fault injection here (the debug kernel has it: testbed.sh --kernel debug)"
	exit 4
fi
if [ ! -f "$ko" ]; then
	echo "1..0 # SKIP no $ko"
	exit 4
fi
echo "1..11"
mkdir -p "$work"

loaded() { [ -e /sys/module/minivmx ]; }
refcnt() { cat /sys/module/minivmx/refcnt 2>/dev/null || echo 0; }
unload() {	# under the watchdog: a failed init must not leave rmmod stuck
	loaded || return 0
	wout=$work/rmmod.out
	watched 60 rmmod minivmx
	wout=''
	[ -z "$stuck" ] && ! loaded
}

# set ATTR KEY=VALUE...: write the fault attribute's debugfs files.
set_attr() {
	a=$dbg/$1
	shift
	for kv in "$@"; do
		echo "${kv#*=}" >"$a/${kv%%=*}" || return 1
	done
}

# Both attributes: only tasks that ask for it (task-filter), sleeping
# allocations too (GFP_KERNEL: nearly all of the module's), no messages
# (verbose=0; a failure is counted through "times" instead), off until a
# phase sets a probability.  Page allocations for user memory (highmem)
# stay out: a failing page fault is retried forever.
inject_off() {
	set_attr failslab probability=0 &&
		set_attr fail_page_alloc probability=0
}
setup() {
	for a in failslab fail_page_alloc; do
		set_attr $a task-filter=Y verbose=0 ignore-gfp-wait=N interval=1 \
			space=0 times=-1 probability=0 || return 1
	done
	set_attr fail_page_alloc ignore-gfp-highmem=Y min-order=0
}

# kmemleak's unreferenced objects, one address a line.
leak_addrs() {
	[ -w $dbg/kmemleak ] || return 0
	echo scan >$dbg/kmemleak
	sed -n 's/^unreferenced object \(0x[0-9a-f]*\).*/\1/p' $dbg/kmemleak | sort
}

# ---- 1: set up -----------------------------------------------------------
if setup; then
	ok "failslab and fail_page_alloc set up (task-filter, sleeping allocations too)"
else
	not_ok "failslab and fail_page_alloc set up"
	echo "Bail out! cannot configure fault injection"
	exit 1
fi
echo "minivmx-failinject: start" >/dev/kmsg
# Without address-space randomisation a run makes the same allocations
# each time (page tables depend on where things land), so that a run
# killed by a signal can be run again with the same N (killed_where).
read -r aslr </proc/sys/kernel/randomize_va_space
echo 0 >/proc/sys/kernel/randomize_va_space
trap 'echo "$aslr" >/proc/sys/kernel/randomize_va_space' EXIT

# ---- 2-5: fail-nth sweeps ------------------------------------------------
# times_left: what is left of both attributes' "times"; a failure made by
# fail-nth counts there too, so a run that leaves it unchanged never came
# to its N-th allocation.
times_left() {	# sets $tl
	read -r t1 <$dbg/failslab/times
	read -r t2 <$dbg/fail_page_alloc/times
	tl=$((t1 + t2))
}

# watched SECONDS CMD [ARGS]: run CMD with its output in $work/out (or
# $wout); after
# SECONDS kill it.  Sets $rc, or $stuck when even SIGKILL does not end it
# (a task blocked in the kernel): then its kernel stack and the blocked
# tasks (sysrq w) are shown, and the caller gives up.
watched() {
	now
	limit=$((up + $1))
	shift
	stuck=''
	"$@" >"${wout:-$work/out}" 2>&1 &
	pid=$!
	while ! exited $pid; do
		now
		if [ "$up" -ge "$limit" ]; then
			kill -KILL $pid 2>/dev/null
			sleep 2
			if ! exited $pid; then
				stuck="$(grep '^State' /proc/$pid/status | tr -s '\t ' ' '), wchan $(cat /proc/$pid/wchan)"
				echo "# $* is stuck ($stuck); its kernel stack:"
				sed 's/^/#   /' /proc/$pid/stack
				echo w >/proc/sysrq-trigger 2>/dev/null
				dmesg | tail -n 60 | sed 's/^/#   /'
				return
			fi
			break
		fi
		sleep 0.05
	done
	wait $pid
	rc=$?
}

# try N CMD [ARGS]: run CMD with its N-th allocation failing (fail-nth is
# per task and fork resets it: CMD must be one process, which the shell
# becomes with exec).  Succeeds if the N-th allocation came, and failed;
# sets $rc, $why on a run that must not happen, and counts the outcome.
try() {
	nth=$1
	shift
	times_left
	before=$tl
	# shellcheck disable=SC2016 # expanded by the inner shell
	watched 60 sh -c 'echo "$0" >/proc/self/fail-nth && exec "$@"' "$nth" "$@"
	if [ -n "$stuck" ]; then
		why="N=$nth: the process is stuck in the kernel ($stuck)"
		return 0
	fi
	times_left
	if [ "$tl" -eq "$before" ]; then
		# Nothing failed: the run must have succeeded.
		[ "$rc" -eq 0 ] || why="without a failure, the run ended with exit code $rc"
		released
		return 1
	fi
	nr=$((nr + 1))
	case "$rc" in
	0) nok=$((nok + 1)) ;;
	124) why="N=$nth: the guest did not finish (tool timeout)" ;;
	1[3-9][0-9] | 2[0-9][0-9])
		nsig=$((nsig + 1))
		sig=$((rc - 128))
		killed_where "$nth" "$@"
		echo "killed by signal $sig ($where)" >>"$work/errs" ;;
	*)
		nerr=$((nerr + 1))
		# The error message, without the numbers that vary.
		grep -v '^#' "$work/out" | tail -n 1 | sed 's/[0-9][0-9]*/N/g' |
			cut -c1-100 >>"$work/errs" ;;
	esac
	released
	return 0
}

# killed_where N CMD [ARGS]: after a run killed by a signal, run it again
# with the same N and the attributes' stack dumps on (verbose=2), and say
# where the allocation that failed was.  Exec may fail past its point of
# no return (after the old program is gone, bprm_execve() kills the task
# with SIGSEGV), and so may a stack that cannot grow: the kernel's rules,
# not the module's; they are allowed.
# Anything else -- the tool itself crashing on an error it was given, a
# signal the kernel sent from elsewhere -- sets $why.  Sets $where.
killed_where() {
	# (No rate limit: a dump that is left out would read as "none logged".)
	set_attr failslab verbose=2 verbose_ratelimit_burst=1000000 &&
		set_attr fail_page_alloc verbose=2 verbose_ratelimit_burst=1000000
	mark="minivmx-failinject: again N=$1"
	echo "$mark" >/dev/kmsg
	wout=$work/again.out
	# shellcheck disable=SC2016 # expanded by the inner shell
	watched 60 sh -c 'echo "$0" >/proc/self/fail-nth && exec "$@"' "$@"
	wout=''
	set_attr failslab verbose=0 && set_attr fail_page_alloc verbose=0
	if [ -n "$stuck" ]; then
		where="stuck when run again"
		why="N=$1: run again, the process is stuck in the kernel ($stuck)"
		return
	fi
	# The stack of the failure: the lines after "forcing a failure".
	dmesg | sed -n "/$mark/,\$p" >"$work/again.log"
	stack=$(sed -n '/FAULT_INJECTION: forcing a failure/,/<\/TASK>/p' \
		"$work/again.log" | sed -n 's/^.* \([a-z_0-9.]*\)+0x.*/\1/p' |
		tr '\n' ' ')
	if grep -q 'segfault at\|traps:' "$work/again.log"; then
		where="the program crashed"
	elif [ "$rc" -lt 128 ]; then
		where="not again with the same N (exit $rc)"
		return
	elif echo " $stack" | grep -q ' bprm_execve '; then
		where="in exec, past its point of no return"
		return
	elif echo " $stack" | grep -q ' expand_stack \| expand_downwards '; then
		# The stack could not grow: SIGSEGV, as for any program.
		where="growing the stack"
		return
	else
		where="the failed allocation's stack: ${stack:-none logged}"
	fi
	why="N=$1: killed by signal $sig, $where"
	sed 's/^/#   | /' "$work/again.log" | tail -n 40
}

# released: whatever failed, everything the process held is released (after
# insmod: the module, if it loaded, unloads).
released() {
	if [ "$sweeping" = insmod ]; then
		if loaded && ! unload; then
			why="N=$nth: rmmod failed (refcount $(refcnt))"
		fi
	elif [ "$(refcnt)" != 0 ]; then
		sleep 1
		[ "$(refcnt)" = 0 ] ||
			why="N=$nth: the module's refcount is $(refcnt) after the process ended"
	fi
}

# sweep NAME CMD [ARGS]: find P, the number of allocations CMD makes (the
# first N at which no allocation fails, by doubling and bisection), then
# fail each of them once, from the last one back: the module's own work
# (its ioctls, the releases at exit) comes after exec and the C library
# have started the process, so the budget goes to it first.  The debug
# kernel's own bookkeeping allocates too (kmemleak's objects, the stack
# depot): those failures are absorbed, and the run succeeds.
sweep() {
	sweeping=$1
	shift
	nr=0 nok=0 nerr=0 nsig=0 why='' partial=''
	: >"$work/errs"
	set_attr failslab times=1000000
	set_attr fail_page_alloc times=1000000
	end=$(($(uptime_s) + budget))
	note "$sweeping: counting its allocations (N = 1, 2, 4, ..., then bisection)"
	lo=0 hi=1
	while [ -z "$why" ] && [ "$hi" -le 65536 ] && try "$hi" "$@"; do
		lo=$hi hi=$((hi * 2))
	done
	while [ -z "$why" ] && [ $((hi - lo)) -gt 1 ]; do
		mid=$(((lo + hi) / 2))
		if try "$mid" "$@"; then lo=$mid; else hi=$mid; fi
	done
	total=$lo
	# Where a wedged guest stopped, in the log.
	note "$sweeping: $total allocations; now failing each, from the last one back"
	k=$total
	while [ -z "$why" ] && [ "$k" -ge 1 ]; do
		now
		if [ "$up" -ge "$end" ]; then
			partial="the budget of $budget s ran out at N=$k"
			break
		fi
		try "$k" "$@"
		k=$((k - 1))
	done
	tag="$total allocations; $nr runs with one failing: the run succeeded anyway $nok times, failed with an error $nerr times, was killed by a signal $nsig times"
	sort "$work/errs" | uniq -c | sort -rn | head -n 12 | sed 's/^ */#   /'
	if [ -n "$why" ]; then
		sed 's/^/#   | /' "$work/out" | tail -n 20
		not_ok "fail-nth sweep: $sweeping # $why ($tag)"
	else
		ok "fail-nth sweep: $sweeping # ${partial:+$partial; }$tag"
	fi
}

# A process stuck in the kernel holds what it holds (the module, a lock):
# nothing after it would mean much.
bail_if_stuck() {
	[ -z "$stuck" ] && return
	echo "minivmx-failinject: end" >/dev/kmsg
	echo "Bail out! a process is stuck in the kernel after an injected failure"
	echo "$((n - failed - skipped)) passed, $failed failed"
	exit 1
}

stuck=''
unload
bail_if_stuck
if [ -n "$insmod_sweep" ]; then
	sweep insmod insmod "$ko"
	bail_if_stuck
else
	n=$((n + 1)) skipped=$((skipped + 1))
	echo "ok $n fail-nth sweep: insmod # SKIP it wedged the debug kernel; --insmod runs it"
fi
if ! loaded && { watched 60 insmod "$ko"; [ "$rc" -ne 0 ] || [ -n "$stuck" ]; }; then
	echo "Bail out! the module does not load without fault injection"
	exit 1
fi
sweep "minivmx info" minivmx info
bail_if_stuck
sweep "minivmx run hello-long" minivmx run --mode long --timeout 30 "$guests/hello-long.bin"
bail_if_stuck
sweep "minivmx run -u hello-real" minivmx run --mode real --user-devices --timeout 30 \
	"$guests/hello-real.bin"
bail_if_stuck
unload
bail_if_stuck

# ---- 6-8: random failures in the test programs -----------------------------
# at_random PROG: run PROG (a kselftest program that loads and unloads the
# module itself) with make-it-fail, at 10 %, 30 % and 2 % of allocations
# failing, and again in turn while the budget lasts (1 to 9 runs).  The
# module is loaded first, outside fault injection, and held by an open
# /dev/minivmx: the program's own loads find it there (EEXIST).  A load
# under fault injection belongs to the insmod sweep, and there the
# kernel's trace-event code warns on a failed allocation of its own
# (kernel/trace/trace_events.c, event_define_fields()).
at_random() {
	prog=$1
	nr=0 injected=0 why='' fails=0
	end=$(($(uptime_s) + budget))
	for p in 10 30 2 10 30 2 10 30 2; do
		[ "$nr" -ge 1 ] && [ "$(uptime_s)" -ge "$end" ] && break
		nr=$((nr + 1))
		loaded || insmod "$ko"
		sleep 100000 9<>/dev/minivmx &
		holder=$!
		set_attr failslab times=1000000 probability=$p
		set_attr fail_page_alloc times=1000000 probability=$p
		# The program turns make-it-fail on itself once it has
		# started (testlib.h's mvx_load()): an exec that fails
		# would test nothing of minivmx's.
		watched 900 env MINIVMX_MAKE_IT_FAIL=1 "$prog"
		t1=$(cat $dbg/failslab/times) t2=$(cat $dbg/fail_page_alloc/times)
		inject_off
		kill "$holder" 2>/dev/null
		wait "$holder" 2>/dev/null
		if [ -n "$stuck" ]; then
			why="stuck in the kernel at $p % ($stuck)"
			break
		fi
		injected=$((injected + 2000000 - t1 - t2))
		f=$(grep -c '^not ok' "$work/out")
		fails=$((fails + f))
		note "$prog at $p %: exit code $rc, $((2000000 - t1 - t2)) allocations failed, $f of its results failed"
		if [ "$rc" -eq 137 ]; then
			why="no end after 900 s at $p % (killed)"
			break
		fi
		if loaded && [ "$(refcnt)" != 0 ]; then
			sleep 1
			if [ "$(refcnt)" != 0 ]; then
				why="the module's refcount is $(refcnt) after $prog ended"
				break
			fi
		fi
		if ! unload; then
			why="rmmod failed after $prog"
			break
		fi
	done
	tag="$nr runs, $injected allocations failed, $fails of the program's results failed"
	if [ -n "$why" ]; then
		sed 's/^/#   | /' "$work/out" | tail -n 30
		not_ok "random failures: $prog # $why ($tag)"
	elif [ "$injected" -eq 0 ]; then
		not_ok "random failures: $prog # no allocation was made to fail ($tag)"
	else
		ok "random failures: $prog # $tag"
	fi
}

for prog in dev_ioctl vm_api guest_programs; do
	if command -v "$prog" >/dev/null; then
		at_random "$prog"
		bail_if_stuck
	else
		n=$((n + 1)) skipped=$((skipped + 1))
		echo "ok $n random failures: $prog # SKIP not in this build"
	fi
done
inject_off
echo "minivmx-failinject: end" >/dev/kmsg

# ---- 9-11: the kernel after all that ----------------------------------------
if kreports.sh --since "minivmx-failinject: start" --context 24 >"$work/reports"; then
	ok "no kernel report while allocations failed"
else
	sed 's/^/# /' "$work/reports"
	not_ok "no kernel report while allocations failed # $(grep -c -E 'BUG|WARNING|UBSAN|INFO:|Oops|Call Trace' "$work/reports") report lines"
fi

why=
if ! loaded && { watched 60 insmod "$ko"; [ "$rc" -ne 0 ] || [ -n "$stuck" ]; }; then
	why="insmod failed${stuck:+: stuck ($stuck)}"
elif ! minivmx run --mode long "$guests/hello-long.bin" >"$work/out" 2>&1; then
	why="minivmx run hello-long failed"
	sed 's/^/#   | /' "$work/out" | tail -n 10
elif [ "$(refcnt)" != 0 ]; then
	why="refcount $(refcnt) after the run"
elif ! unload; then
	why="rmmod failed"
fi
if [ -z "$why" ]; then
	ok "the module still loads, runs a guest, and unloads (refcount 0)"
else
	not_ok "the module still loads, runs a guest, and unloads # $why"
fi

# kmemleak reports objects older than 5 s only.  A scan takes a minute or
# more of guest time on the debug kernel: one scan here (a leak of an
# earlier test would show too), and the runner's "dmesg clean" scans twice
# more at the end of the suite.
if [ -w $dbg/kmemleak ]; then
	sleep 6
	leaks=$(leak_addrs)
	if [ -z "$leaks" ]; then
		ok "kmemleak: no unreferenced object"
	else
		sed 's/^/# /' $dbg/kmemleak
		not_ok "kmemleak: no unreferenced object # $(echo "$leaks" | wc -l) reported"
	fi
else
	n=$((n + 1)) skipped=$((skipped + 1))
	echo "ok $n kmemleak: no unreferenced object # SKIP no kmemleak"
fi

echo "$((n - failed - skipped)) passed, $failed failed"
[ "$failed" -eq 0 ]

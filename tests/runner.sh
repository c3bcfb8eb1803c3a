#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The guest-side test runner (busybox sh): run every test of
# /minivmx/suites/SUITE, print one top-level TAP stream with each program's
# own output shown behind "# ", count the programs' individual results, end
# with a "dmesg clean" check, and print "N passed, N failed, N skipped" as
# the very last line.  Exits non-zero if anything failed.
#
# Suite file: one shell command line per test; blank lines and lines
# starting with # are ignored; "timeout=SECONDS cmd args" sets that test's
# time limit (default $MINIVMX_TEST_TIMEOUT, 120 guest seconds).  A comment
# line "# testbed: raw" shows the programs' output unprefixed (demos).

suite=${1:?usage: runner.sh SUITE}
file=/minivmx/suites/$suite
work=/tmp/runner
mkdir -p "$work"

kernel="test"
for arg in $(cat /proc/cmdline); do
	case "$arg" in
	minivmx.kernel=*) kernel=${arg#minivmx.kernel=} ;;
	esac
done

# What every test can rely on.
export MINIVMX_DIR=/minivmx
export MINIVMX_KO=/minivmx/minivmx.ko
export MINIVMX_KVM_DIR=/minivmx/kvm
export MINIVMX_SUITE="$suite"
export MINIVMX_KERNEL="$kernel"
MINIVMX_CPUS=$(nproc)
export MINIVMX_CPUS
export PATH="/minivmx/bin:/minivmx/tests:$PATH"
timeout_default=${MINIVMX_TEST_TIMEOUT:-120}

passed=0
failed=0
skipped=0

summary() {
	echo "$passed passed, $failed failed, $skipped skipped"
	[ "$failed" -eq 0 ]
	exit
}

if [ ! -f "$file" ]; then
	echo "TAP version 13"
	echo "1..0"
	echo "# runner: no suite '$suite' in /minivmx/suites"
	failed=1
	summary
fi

raw=
grep -q '^#[[:space:]]*testbed:.*\<raw\>' "$file" && raw=1
grep -v -e '^[[:space:]]*#' -e '^[[:space:]]*$' "$file" >"$work/list"
ntests=$(wc -l <"$work/list")

# Copy a program's output (from stdin) into $1 and onto the console, behind
# "# " so that the top-level TAP stream stays valid.
show() {
	: >"$1"
	while IFS= read -r l || [ -n "$l" ]; do
		printf '%s\n' "$l" >>"$1"
		if [ -n "$raw" ]; then
			printf '%s\n' "$l"
		else
			printf '# %s\n' "$l"
		fi
	done
}

# run_test TIMEOUT CMD OUTFILE: run CMD in its own session with stdin from
# /dev/null, kill its whole process group after TIMEOUT seconds, stream its
# output live.  Sets $rc and $timed_out.
run_test() {
	rm -f "$work/fifo" "$work/timed_out"
	mkfifo "$work/fifo"
	show "$3" <"$work/fifo" &
	showpid=$!
	setsid sh -c "$2" </dev/null >"$work/fifo" 2>&1 &
	pid=$!
	setsid sh -c "sleep $1; : >$work/timed_out; kill -TERM -$pid;
		sleep 2; kill -KILL -$pid" >/dev/null 2>&1 &
	dog=$!
	wait "$pid" 2>/dev/null
	rc=$?
	kill -KILL -- "-$dog" 2>/dev/null
	# Children left behind would hold the pipe open.
	kill -KILL -- "-$pid" 2>/dev/null
	wait "$showpid"
	timed_out=
	[ -e "$work/timed_out" ] && timed_out=1
	wait "$dog" 2>/dev/null
}

# count OUTFILE: prints "passed failed skipped planned results" for the
# program's own top-level TAP lines (those at column 0).
count() {
	awk '
	/^ok( |$)/ {
		n++
		if (tolower($0) ~ /#[ \t]*skip/) s++; else p++
		next
	}
	/^not ok( |$)/ {
		n++
		if (tolower($0) ~ /#[ \t]*todo/) s++; else f++
		next
	}
	/^Bail out!/ { f++; next }
	/^1\.\.[0-9]+/ { sub(/^1\.\./, ""); plan += $0 + 0 }
	END { print p + 0, f + 0, s + 0, plan + 0, n + 0 }' "$1"
}

echo "TAP version 13"
echo "1..$((ntests + 1))"

# Guest time in hundredths of a second.  The testbed's clock follows the
# instruction count (clock: sync=none), so a test's guest time is what it
# costs, whatever else the host was running: the figure to compare.
centis() {
	read -r centis_up _ </proc/uptime
	echo $((${centis_up%.*} * 100 + 1${centis_up#*.} - 100))
}
secs() { echo "$(($1 / 100)).$(($1 / 10 % 10))$(($1 % 10))"; }	# of centis
echo "# suite $suite on the $kernel kernel, $MINIVMX_CPUS CPU(s), $(uname -r), started at $(secs "$(centis)") s"
cd /tmp || exit
last_end=$(cut -d. -f1 /proc/uptime)
i=0
while IFS= read -r line <&3; do
	i=$((i + 1))
	line="${line#"${line%%[![:space:]]*}"}"
	t=$timeout_default
	case "$line" in
	timeout=*)
		t=${line%%[[:space:]]*}
		t=${t#timeout=}
		line=${line#timeout=*[[:space:]]}
		line="${line#"${line%%[![:space:]]*}"}"
		;;
	esac
	out="$work/out.$i"
	echo "# [$i/$ntests] $line"
	start=$(centis)
	run_test "$t" "$line" "$out"
	end=$(centis)
	last_end=$((end / 100))
	took=$(secs $((end - start)))
	# shellcheck disable=SC2046 # five numbers, split on purpose
	set -- $(count "$out")
	p=$1 f=$2 s=$3 plan=$4 n=$5
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))

	# Whatever made the program itself fail counts once more.
	why=
	if [ -n "$timed_out" ]; then
		why="timed out after $t s"
	elif [ "$rc" -ge 128 ]; then
		why="killed by signal $((rc - 128))"
	elif [ "$rc" -eq 4 ] && [ "$f" -eq 0 ]; then
		:
	elif [ "$n" -eq 0 ]; then
		why="printed no TAP result line (exit code $rc)"
	elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		why="exit code $rc but no failed result"
	elif [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; then
		why="exit code $rc"
	elif [ "$plan" -gt "$n" ]; then
		why="only $n of $plan planned results"
	fi
	[ -n "$why" ] && failed=$((failed + 1))

	tag="$p passed, $f failed, $s skipped, $took s"
	if [ -n "$why" ]; then
		echo "not ok $i $line # $why ($tag)"
	elif [ "$f" -gt 0 ]; then
		echo "not ok $i $line # $tag"
	elif [ "$rc" -eq 4 ]; then
		[ "$n" -eq 0 ] && skipped=$((skipped + 1))
		echo "ok $i $line # SKIP exit code 4 ($tag)"
	else
		echo "ok $i $line # $tag"
	fi
done 3<"$work/list"

# dmesg clean: nothing the kernel logged during boot and the tests may look
# like a warning, a bug, an oops, a report of the debug kernel's detectors
# (tests/guest/kreports.sh lists them) or a leak.
i=$((i + 1))
start=$(centis)
bad=$(kreports.sh)
leaks=
if [ -w /sys/kernel/debug/kmemleak ]; then
	# kmemleak reports only objects older than 5 s: let the last test's
	# allocations age.  An idle guest second costs Bochs about 4 s, so wait
	# only if an out-of-tree module (minivmx) was loaded at some point: the
	# kernel's taint bit 12 stays set after it is unloaded.
	read -r up _ </proc/uptime
	wait_s=$((last_end + 6 - ${up%.*}))
	taint=$(cat /proc/sys/kernel/tainted 2>/dev/null || echo 4096)
	[ $((taint & 4096)) -ne 0 ] || wait_s=0
	if [ "$wait_s" -gt 0 ]; then
		echo "# waiting $wait_s s for kmemleak's minimum object age"
		sleep "$wait_s"
	fi
	# A stale copy of a pointer (in a cached kernel stack, say) can hide a
	# leak from one scan; seen here: the second scan reports it.
	echo scan >/sys/kernel/debug/kmemleak
	echo scan >/sys/kernel/debug/kmemleak
	leaks=$(cat /sys/kernel/debug/kmemleak)
fi
if [ -z "$bad" ] && [ -z "$leaks" ]; then
	passed=$((passed + 1))
	echo "ok $i dmesg clean # $(secs $(($(centis) - start))) s"
else
	failed=$((failed + 1))
	# Each offending line with what follows it (the backtrace).
	[ -n "$bad" ] && kreports.sh --context 24 | sed 's/^/# /'
	[ -n "$leaks" ] && printf '%s\n' "$leaks" | sed 's/^/# /'
	nbad=$(printf '%s\n' "$bad" | grep -c . || true)
	nleaks=$(printf '%s\n' "$leaks" | grep -c '^unreferenced object' || true)
	# Which detector spoke, for the summary line.
	kinds=
	for k in 'KASAN:' 'KFENCE:' 'UBSAN:' 'BUG [^ ]+ \(:SLUB' \
		'possible|lock state|non-static key|DEBUG_LOCKS|locking correctness|RCU usage:lockdep' \
		'sleeping function:atomic-sleep' 'list_(add|del) corruption:list'; do
		re=${k%:*} name=${k##*:}
		[ -n "$name" ] || name=${re%:}
		n=$(printf '%s\n' "$bad" | grep -cE "$re" || true)
		[ "$n" -gt 0 ] && kinds="$kinds${kinds:+, }$name $n"
	done
	echo "not ok $i dmesg clean # $nbad suspicious log lines${kinds:+ ($kinds)}, $nleaks leaks reported by kmemleak"
fi

summary

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# "make check", "make check-quick" and "make fuzz".
#
#   check.sh [--quick | --fuzz [PART...]] [--jobs N]
#
# 1. what the longest boot needs (below), and that boot starts at once;
#    beside it, the host-side tests (make -C tests host-check) and make
#    htmldocs;
# 2. once, what every other boot needs: Bochs, each kernel, the module
#    built against it, the static programs and the initramfs
#    (testbed.sh --build-only); the Linux guest (build-guest.sh) only if
#    a suite to boot is marked "# testbed: guest";
# 3. the boots, independent of each other, at most N at a time (default 2,
#    or $MINIVMX_CHECK_JOBS: Bochs runs a boot on one host thread), the
#    longest first (by the last run's times in build/check/times):
#    debug (the debug kernel, 1 CPU), smp (2 CPUs), stock (Debian's 6.1
#    kernel), stock612 (Debian's 6.12, the module built by DKMS), linux
#    (Linux under minivmx), basic (1 CPU).  Each boot writes build/check/SUITE.log; the
#    log is shown whole once the boot ends.
# --quick: the host tests and the basic suite only.
# --fuzz [PART...]: no host tests; the long fuzzing runs on the debug
#    kernel, as eight boots two at a time (fuzz-ioctl-1 to -4, fuzz-guest-1
#    to -4), or only the PARTs named (ioctl-2 guest-1 ...): each is under
#    an hour of a core, so a machine with less time runs some of them.
#
# Suites that do not exist are skipped.  Ends with a table (step, wall
# seconds, passed, failed, skipped) and then ONE line
# "N passed, N failed, N skipped" summing everything -- always the last
# line -- and exits non-zero if anything failed.
. "$(dirname "$0")/lib.sh"

quick='' fuzz='' jobs=${MINIVMX_CHECK_JOBS:-2} parts=()
while [ $# -gt 0 ]; do
	case "$1" in
	--quick) quick=1; shift ;;
	--fuzz) fuzz=1; shift ;;
	--jobs) jobs=${2:-}; shift 2 || exit 2 ;;
	ioctl-[1-4] | guest-[1-4]) parts+=("$1"); shift ;;
	*) set -- --usage; break ;;
	esac
done
if [ "${1:-}" = --usage ] || { [ ${#parts[@]} -gt 0 ] && [ -z "$fuzz" ]; }; then
	echo "usage: check.sh [--quick | --fuzz [PART...]] [--jobs N]" >&2
	exit 2
fi
[[ "$jobs" =~ ^[1-9][0-9]*$ ]] || die "--jobs wants a positive number"

# The boots: suite, kernel, CPUs, a first guess of the wall seconds (the
# boots of December 2026 after Bochs's patches 0005 and 0006: what orders
# the boots when there is no build/check/times yet).
if [ -n "$quick" ]; then
	boots=("basic test 1 188")
elif [ -n "$fuzz" ]; then
	[ ${#parts[@]} -gt 0 ] || parts=(ioctl-1 guest-1 ioctl-2 guest-2
		ioctl-3 guest-3 ioctl-4 guest-4)
	boots=()
	for p in "${parts[@]}"; do
		boots+=("fuzz-$p debug 1 3000")
	done
else
	boots=("debug debug 1 900" "basic test 1 188" "stock stock 1 150"
	       "smp test 2 120" "stock612 stock612 1 90" "linux test 2 41")
fi

logdir="$TOP/build/check"
mkdir -p "$logdir"
times_file="$logdir/times"

passed=0 failed=0 skipped=0
notes=() table=()
usec() { echo "${EPOCHREALTIME/./}"; }
t_all=$(usec)

# counts OUTPUT: print "P F S" from the last "N passed, N failed[, N
# skipped]" line of OUTPUT, or nothing if there is none.
counts() {
	local line p f s=0
	line=$(printf '%s\n' "$1" | grep -aE '^([A-Za-z-]+: )?[0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?$' |
		tail -n 1 || true)
	[ -n "$line" ] || return 0
	p=$(sed -E 's/^([A-Za-z-]+: )?([0-9]+) passed.*/\2/' <<<"$line")
	f=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")
	[[ "$line" == *skipped ]] && s=$(sed -E 's/.* ([0-9]+) skipped$/\1/' <<<"$line")
	echo "$p $f $s"
}

# account NAME RC SECONDS OUTPUT [counted]: add a step's results to the
# totals and the table.  A step that printed no summary line counts as one
# failure; so does one that exited non-zero with no failure counted.  With
# "counted" the step has no counts of its own (a build): only its status.
account() {
	local name=$1 rc=$2 secs=$3 out=$4 kind=${5:-} c p f s
	if [ "$kind" = uncounted ]; then
		p=- f=- s=-
		if [ "$rc" -ne 0 ]; then
			f=1
			failed=$((failed + 1))
			notes+=("$name: exited with status $rc (counted as 1 failure)")
		fi
	else
		c=$(counts "$out")
		if [ -z "$c" ]; then
			p=0 f=1 s=0
			notes+=("$name: no summary line (counted as 1 failure)")
		else
			read -r p f s <<<"$c"
			if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && [ "$rc" -ne 4 ]; then
				f=1
				notes+=("$name: exited with status $rc (counted as 1 failure)")
			fi
		fi
		passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
	fi
	table+=("$(printf '%-44s %7s %7s %7s %8s' "$name" "$secs" "$p" "$f" "$s")")
}

secs_since() { local d=$(( $(usec) - $1 )); echo "$((d / 1000000)).$(( (d / 100000) % 10 ))"; }

# step NAME [uncounted] -- CMD...: run a step in the foreground, its output
# shown as it comes, and account for it.
step() {
	local name=$1 kind='' t0 rc out
	shift
	[ "$1" = uncounted ] && { kind=uncounted; shift; }
	[ "$1" = -- ] && shift
	echo "==== $name"
	t0=$(usec)
	set +e
	"$@" 2>&1 | tee "$logdir/step.out"
	rc=${PIPESTATUS[0]}
	set -e
	out=$(cat "$logdir/step.out")
	account "$name" "$rc" "$(secs_since "$t0")" "$out" "$kind"
	return "$rc"
}

"$TESTBED_DIR/deps.sh"

# ---- the order: longest first ---------------------------------------------
todo=()
for b in "${boots[@]}"; do
	read -r suite _ _ _ <<<"$b"
	if [ ! -f "$TOP/tests/suites/$suite" ]; then
		notes+=("suite $suite: no tests/suites/$suite yet: skipped")
		continue
	fi
	todo+=("$b")
done
# The last run's wall seconds, where known, order the boots.
declare -A est=()
for b in "${todo[@]}"; do
	read -r suite kernel cpus guess <<<"$b"
	est[$suite]=$guess
done
if [ -f "$times_file" ]; then
	while read -r suite secs; do
		if [ -n "${est[$suite]:-}" ] && [[ "$secs" =~ ^[0-9]+$ ]]; then
			est[$suite]=$secs
		fi
	done <"$times_file"
fi
mapfile -t order < <(for b in "${todo[@]}"; do
	read -r suite _ _ _ <<<"$b"
	echo "${est[$suite]} $b"
done | sort -rn | cut -d' ' -f2-)

# ---- build once ------------------------------------------------------------
# build_for BOOT: what the boot needs, each kernel (and the guest kernel)
# built once.
declare -A built=()
build_for() {
	local suite kernel
	read -r suite kernel _ _ <<<"$1"
	# The Linux guest (build-guest.sh), only when a suite to boot asks for
	# it ("# testbed: guest"): its kernel is a build of its own.
	if suite_wants "$TOP/tests/suites/$suite" guest && [ -z "${built[guest]:-}" ]; then
		if step "build: guest kernel, initramfs" uncounted -- \
			"$TESTBED_DIR/build-guest.sh"; then
			built[guest]=ok
		else
			built[guest]=failed
		fi
	fi
	[ -n "${built[$kernel]:-}" ] && return 0
	if step "build: $kernel kernel, module, initramfs" uncounted -- \
		"$TESTBED_DIR/testbed.sh" --build-only --kernel "$kernel"; then
		built[$kernel]=ok
	else
		built[$kernel]=failed
	fi
}

# ---- boot in parallel, longest first ---------------------------------------
declare -A pid_of=() t0_of=() desc_of=()
queue=("${order[@]}")
running=()

# start_next: boot the first suite of the queue in the background (or
# count it as failed if what it needs did not build).
start_next() {
	local suite kernel cpus desc
	read -r suite kernel cpus _ <<<"${queue[0]}"
	queue=("${queue[@]:1}")
	desc="boot: $suite ($kernel kernel, $cpus CPU)"
	[ "$cpus" -gt 1 ] && desc="${desc%)}s)"
	if [ "${built[$kernel]}" != ok ]; then
		failed=$((failed + 1))
		table+=("$(printf '%-44s %7s %7s %7s %8s' "$desc" - - 1 -)")
		notes+=("$desc: not booted, the $kernel kernel's build failed (counted as 1 failure)")
		return 0
	fi
	if suite_wants "$TOP/tests/suites/$suite" guest && [ "${built[guest]}" != ok ]; then
		failed=$((failed + 1))
		table+=("$(printf '%-44s %7s %7s %7s %8s' "$desc" - - 1 -)")
		notes+=("$desc: not booted, the guest kernel's build failed (counted as 1 failure)")
		return 0
	fi
	echo "==== $desc: started (log: ${logdir#"$TOP"/}/$suite.log)"
	desc_of[$suite]=$desc
	t0_of[$suite]=$(usec)
	"$TESTBED_DIR/testbed.sh" --no-build --kernel "$kernel" --cpus "$cpus" "$suite" \
		</dev/null >"$logdir/$suite.log" 2>&1 &
	pid_of[$suite]=$!
	running+=("$suite")
}
# Interrupted: stop the boots (testbed.sh stops its emulator).
trap 'for s in "${running[@]}"; do kill -TERM "${pid_of[$s]}" 2>/dev/null; done; exit 130' INT TERM

finish() {	# $1: suite whose boot ended
	local suite=$1 rc=0 out secs
	wait "${pid_of[$suite]}" || rc=$?
	secs=$(secs_since "${t0_of[$suite]}")
	echo "==== ${desc_of[$suite]}: ended after $secs s (status $rc); its output:"
	cat "$logdir/$suite.log"
	echo "==== end of ${desc_of[$suite]}"
	out=$(cat "$logdir/$suite.log")
	account "${desc_of[$suite]}" "$rc" "$secs" "$out"
	echo "$suite ${secs%.*}" >>"$logdir/times.new"
}

: >"$logdir/times.new"

# The longest boot starts as soon as its kernel is built: the host tests,
# the documentation and the other builds run beside it.
if [ ${#queue[@]} -gt 0 ]; then
	build_for "${queue[0]}"
	start_next
fi
if [ -n "$fuzz" ]; then
	:
elif [ -f "$TOP/tests/Makefile" ]; then
	export KSELFTEST_DIR=${KSELFTEST_DIR:-$("$TESTBED_DIR/ksrc.sh")}
	step "host tests" -- make -s -C "$TOP/tests" host-check || true
	# One check: the build passes (a summary line) or fails (none).
	step "htmldocs (Sphinx, warnings are errors)" -- bash -c \
		'make -s -C "$1" htmldocs && echo "1 passed, 0 failed"' _ "$TOP" ||
		true
else
	notes+=("host tests: no tests/Makefile yet: skipped")
fi

for b in "${queue[@]}"; do
	build_for "$b"
done

last_beat=$(usec)
while [ ${#queue[@]} -gt 0 ] || [ ${#running[@]} -gt 0 ]; do
	# Start boots while there is room.
	while [ ${#queue[@]} -gt 0 ] && [ ${#running[@]} -lt "$jobs" ]; do
		start_next
	done
	sleep 1
	still=()
	for suite in "${running[@]}"; do
		if kill -0 "${pid_of[$suite]}" 2>/dev/null; then
			still+=("$suite")
		else
			finish "$suite"
		fi
	done
	running=("${still[@]}")
	# A line every two minutes, so that a quiet console is not a hung one.
	if [ ${#running[@]} -gt 0 ] && [ $(( $(usec) - last_beat )) -ge 120000000 ]; then
		last_beat=$(usec)
		line=""
		for suite in "${running[@]}"; do
			line="$line${line:+, }$suite $(secs_since "${t0_of[$suite]}") s"
		done
		echo "==== running: $line"
	fi
done
# Keep what this run measured, and the older times of boots it did not run.
if [ -f "$times_file" ]; then
	awk 'NR == FNR { seen[$1] = 1; print; next } !($1 in seen)' \
		"$logdir/times.new" "$times_file" >"$logdir/times.tmp" || true
	mv "$logdir/times.tmp" "$times_file"
else
	mv "$logdir/times.new" "$times_file"
fi
rm -f "$logdir/times.new" "$logdir/step.out"

echo "==== summary"
for n in "${notes[@]}"; do echo "$n"; done
printf '%-44s %7s %7s %7s %8s\n' step seconds passed failed skipped
for row in "${table[@]}"; do echo "$row"; done
printf '%-44s %7s\n' "all (wall clock, $jobs boot(s) at a time)" "$(secs_since "$t_all")"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# shadow_bench.sh: EPT against shadow paging (Documentation/shadow.rst),
# the lecture's trade-off measured on the same guests in the same boot:
# the page-table guest (tests/guests/pagetables.c: CR3 switches, INVLPG,
# its own faults), memtest (touches every page of its RAM) and the Linux
# guest booted to its halt on one vCPU.  Each runs under minivmx run
# --stats --record, once on EPT and once with --shadow; the table has the
# exits in all, those that shadow paging adds or EPT has (#PF, INVLPG,
# CR accesses, EPT violations), the host cycles the exits took from exit
# to re-entry (minivmx trace: mean x count, over the records the ring
# kept) and the tool's run time.
#
# The TAP results say that every run ended well and that shadow paging
# exited more than EPT on each guest -- the trade-off's direction; the
# figures are the point.
work=/tmp/shadow_bench
rm -rf "$work"
mkdir -p "$work"
# shellcheck source=tests/guest/toollib.sh
. "$(dirname "$0")/toollib.sh"
guests=/minivmx/guests

echo "1..8"
load_module

# run NAME PAGING OPTIONS...: one run, its output in $work/NAME-PAGING
run() {
	name=$1 paging=$2
	shift 2
	flag=
	[ "$paging" = shadow ] && flag=--shadow
	# shellcheck disable=SC2086 # the options are words
	minivmx run --stats $flag --record "$work/$name-$paging.trace" "$@" \
		>"$work/$name-$paging" 2>&1 </dev/null
	result $? "$name, $paging: the run ends with status 0"
}

# count NAME-PAGING REASON: that reason's exits in the --stats table
count() {
	awk -v r="$2" '$1 == "minivmx:" && $3 == r { n = $4 } END { print n + 0 }' \
		"$work/$1"
}

# total NAME-PAGING: all exits
total() {
	sed -n 's/^minivmx: VM exits by reason (\([0-9]*\) in all).*/\1/p' "$work/$1"
}

# mcycles NAME-PAGING: host cycles of the recorded exits, in millions
mcycles() {
	minivmx trace --summary "$work/$1.trace" 2>/dev/null |
		awk '$1 == "all" && $2 == "all" { printf "%.1f", $3 * $6 / 1e6 }'
}

# seconds NAME-PAGING: the tool's own figure ("... in 0.12 s")
seconds() {
	sed -n 's/^minivmx: .* in \([0-9.]*\) s$/\1/p' "$work/$1" | tail -n 1
}

linux="--lapic --mem 64M --timeout 600 --kernel /guest/bzImage --initrd /guest/initrd.gz"
for p in ept shadow; do
	run pagetables $p $guests/pagetables-long.bin
	run memtest $p $guests/memtest-long.bin
	# shellcheck disable=SC2086 # the options are words
	run linux $p $linux --append 'console=ttyS0 panic=-1 minivmx.cmd="uname -a"'
done

printf '# %-11s %-7s %8s %8s %7s %7s %8s %10s %8s\n' GUEST PAGING EXITS '#PF' \
	INVLPG CR EPT_VIOL Mcycles SECONDS
more=0 missing=0
for g in pagetables memtest linux; do
	for p in ept shadow; do
		[ -n "$(total "$g-$p")" ] && [ -n "$(mcycles "$g-$p")" ] &&
			[ -n "$(seconds "$g-$p")" ] || missing=1
		printf '# %-11s %-7s %8s %8s %7s %7s %8s %10s %8s\n' "$g" "$p" \
			"$(total "$g-$p")" "$(count "$g-$p" EXCEPTION_NMI)" \
			"$(count "$g-$p" INVLPG)" "$(count "$g-$p" CR_ACCESS)" \
			"$(count "$g-$p" EPT_VIOLATION)" "$(mcycles "$g-$p")" \
			"$(seconds "$g-$p")"
	done
	[ "$(total "$g-shadow")" -gt "$(total "$g-ept")" ] 2>/dev/null ||
		more=1
done
result $missing "every run's exits, cycles and time were read"
result $more "shadow paging exits more than EPT on every guest"
finish

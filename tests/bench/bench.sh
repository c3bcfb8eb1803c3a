#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# bench.sh: minivmx and KVM side by side in one boot of the testbed (busybox
# sh, run by /minivmx/runner.sh from tests/suites/bench).  Loads minivmx,
# runs the bench guest under it (then single steps and step N of a step
# loop in the same vCPU), runs it again with the exit-record ring on,
# unloads it; loads KVM, runs the same guest and the same single steps
# under it, unloads it; prints a table of the figures with the ratio
# minivmx/KVM, a table of minivmx against itself (step N against one step
# per run, the ring on against off) and the targets, as TAP.
#
# What it expects in the initramfs:
#   /minivmx/bin/bench_minivmx      static: tests/bench/bench_minivmx.c +
#                                   tests/bench/bench_common.c
#   /minivmx/bin/bench_kvm          static: tests/bench/bench_kvm.c +
#                                   tests/bench/bench_common.c
#                                   (both: -I uapi, <linux/kvm.h> from the
#                                   system headers; tests/guests/ucall.h and
#                                   testdev.h are included by relative path)
#   /minivmx/guests/bench-long.bin  make -C tests/guests OUT=... (guests/)
#   /minivmx/tests/bench.sh         this file
#   $MINIVMX_KO                     the module (/minivmx/minivmx.ko)
#   $MINIVMX_KVM_DIR/{irqbypass,kvm,kvm-intel}.ko   (/minivmx/kvm)
# Overrides: BENCH_IMAGE (the guest image), BENCH_BIN (directory of the two
# programs; default: found on PATH, else /minivmx/bin).
#
# The TAP results assert that each measurement happened and is plausible
# (non-zero, below a sanity bound, the exits really took place), not that
# minivmx meets its targets: a benchmark is not a gate on speed, so the
# targets are reported on "# target" comment lines, met or not met.
# Targets: an in-kernel exit (CPUID) costs at most 0.5x KVM's, an exit to
# userspace (OUT to port 0x511) at most 0.7x KVM's, a single-step round
# trip (one run per step) at most 0.7x KVM's; step N (1000 instructions a
# run) at most 0.1x the cycles per instruction of one step per run; the
# CPUID exit with the exit-record ring on (RING entries, mapped, nobody
# reading) at most 1.15x the same exit with it off.

dir=${MINIVMX_DIR:-/minivmx}
ko=${MINIVMX_KO:-$dir/minivmx.ko}
kvmdir=${MINIVMX_KVM_DIR:-$dir/kvm}
image=${BENCH_IMAGE:-$dir/guests/bench-long.bin}
work=${TMPDIR:-/tmp}/bench.$$
mkdir -p "$work" || exit 1
trap 'rm -rf "$work"' EXIT

# Sanity bounds in TSC cycles (the same as bench_common.h).
MAX_EXIT=10000000
MAX_CREATE=100000000000
CPUID_ITERS=100000
PIO_ITERS=10000
# The stepping (bench_common.h): single steps, step N, the loop's length.
STEPS=10000
STEPN=1000
STEPN_RUNS=100
STEP_LOOP_INSNS=4
RING=4096

prog() {
	if [ -n "$BENCH_BIN" ]; then
		echo "$BENCH_BIN/$1"
	elif command -v "$1" >/dev/null 2>&1; then
		command -v "$1"
	else
		echo "$dir/bin/$1"
	fi
}

n=0
npass=0
nfail=0
ok() {
	n=$((n + 1))
	npass=$((npass + 1))
	echo "ok $n $*"
}
notok() {
	n=$((n + 1))
	nfail=$((nfail + 1))
	echo "not ok $n $*"
}
skip() {
	n=$((n + 1))
	echo "ok $n $1 # SKIP $2"
}
# check DESCRIPTION CONDITION...: one result from a shell condition.
check() {
	d=$1
	shift
	if "$@"; then ok "$d"; else notok "$d"; fi
}
comment() {
	sed 's/^/# /' "$@"
}

loaded() {
	grep -q "^$1 " /proc/modules 2>/dev/null
}

# field FILE KEY: the number after " KEY=" on the result line in FILE.
field() {
	sed -n "s/.* $2=\([0-9-]*\).*/\1/p" "$1" | head -n 1
}

# in_range VALUE MAX: 0 < VALUE < MAX (awk: no 64-bit trouble).
in_range() {
	[ -n "$1" ] && awk -v v="$1" -v m="$2" 'BEGIN { exit !(v > 0 && v < m) }'
}

# at_least VALUE MIN
at_least() {
	[ -n "$1" ] && awk -v v="$1" -v m="$2" 'BEGIN { exit !(v >= m) }'
}

# run NAME PROGRAM [OPTION...]: run PROGRAM on the image; stdout to
# $work/NAME.out (its line starts with NAME), stderr shown as comments.
# Sets $rc.
run() {
	name=$1
	shift
	echo "# running $* $image"
	"$@" "$image" >"$work/$name.out" 2>"$work/$name.err"
	rc=$?
	comment "$work/$name.err"
	comment "$work/$name.out"
	[ "$rc" -eq 0 ] && grep -q "^$name cpuid_exit_cycles=" "$work/$name.out"
}

echo "TAP version 13"
echo "1..13"

# ---- minivmx ----
mvx_ran=
if loaded kvm_intel; then
	echo "# kvm_intel is loaded: minivmx may find VMX in use"
fi
if loaded minivmx; then
	ok "minivmx module loads # it was loaded already"
	mvx_ours=
elif insmod "$ko" 2>"$work/insmod.err"; then
	ok "minivmx module loads"
	mvx_ours=1
else
	comment "$work/insmod.err"
	notok "minivmx module loads ($ko)"
	mvx_ours=
fi
if loaded minivmx; then
	if run minivmx "$(prog bench_minivmx)"; then
		ok "bench_minivmx runs the bench guest to a clean end"
		mvx_ran=1
	else
		notok "bench_minivmx runs the bench guest to a clean end # exit code $rc"
	fi
else
	notok "bench_minivmx runs the bench guest to a clean end # no module"
fi
ring_ran=
if loaded minivmx; then
	if run minivmx-ring "$(prog bench_minivmx)" -r $RING; then
		ok "bench_minivmx -r $RING runs the bench guest to a clean end"
		ring_ran=1
	else
		notok "bench_minivmx -r $RING runs the bench guest to a clean end # exit code $rc"
	fi
else
	notok "bench_minivmx -r $RING runs the bench guest to a clean end # no module"
fi
if [ -n "$mvx_ours" ]; then
	check "minivmx module unloads" rmmod minivmx
else
	skip "minivmx module unloads" "not loaded by this test"
fi

# ---- KVM ----
kvm_ran=
kvm_ours=
if loaded kvm_intel; then
	ok "KVM modules load # kvm_intel was loaded already"
elif [ ! -f "$kvmdir/kvm-intel.ko" ]; then
	skip "KVM modules load" "no $kvmdir/kvm-intel.ko in this initramfs"
else
	kvm_ours=
	kvm_ok=1
	for m in irqbypass kvm kvm-intel; do
		name=$(echo "$m" | tr - _)
		loaded "$name" && continue
		if insmod "$kvmdir/$m.ko" 2>"$work/insmod.err"; then
			kvm_ours="$name $kvm_ours"	# unload in reverse order
		else
			comment "$work/insmod.err"
			kvm_ok=
			break
		fi
	done
	if [ -n "$kvm_ok" ]; then
		ok "KVM modules load"
	else
		notok "KVM modules load ($kvmdir/$m.ko)"
	fi
fi
if loaded kvm_intel && [ -c /dev/kvm ]; then
	if run kvm "$(prog bench_kvm)"; then
		ok "bench_kvm runs the bench guest to a clean end"
		kvm_ran=1
	else
		notok "bench_kvm runs the bench guest to a clean end # exit code $rc"
	fi
else
	skip "bench_kvm runs the bench guest to a clean end" "no kvm_intel"
fi
if [ -n "$kvm_ours" ]; then
	unloaded=1
	for name in $kvm_ours; do
		rmmod "$name" || unloaded=
	done
	check "KVM modules unload" [ -n "$unloaded" ]
else
	skip "KVM modules unload" "none loaded by this test"
fi

# ---- the figures ----
m=$work/minivmx.out
k=$work/kvm.out
m_cpuid=$(field "$m" cpuid_exit_cycles 2>/dev/null)
m_pio=$(field "$m" pio_exit_cycles 2>/dev/null)
m_create=$(field "$m" create_to_first_exit_cycles 2>/dev/null)
m_cpuid_exits=$(field "$m" cpuid_vmexits 2>/dev/null)
m_io_exits=$(field "$m" io_vmexits 2>/dev/null)
m_port=$(field "$m" bench_port_exits 2>/dev/null)
k_cpuid=$(field "$k" cpuid_exit_cycles 2>/dev/null)
k_pio=$(field "$k" pio_exit_cycles 2>/dev/null)
k_create=$(field "$k" create_to_first_exit_cycles 2>/dev/null)
k_exits=$(field "$k" vcpu_exits 2>/dev/null)
k_port=$(field "$k" bench_port_exits 2>/dev/null)
m_step=$(field "$m" single_step_cycles 2>/dev/null)
m_steps=$(field "$m" single_steps 2>/dev/null)
m_stepn=$(field "$m" stepn_insn_cycles 2>/dev/null)
m_stepn_steps=$(field "$m" stepn_steps 2>/dev/null)
m_iters=$(field "$m" step_loop_iters 2>/dev/null)
k_step=$(field "$k" single_step_cycles 2>/dev/null)
k_steps=$(field "$k" single_steps 2>/dev/null)
k_iters=$(field "$k" step_loop_iters 2>/dev/null)
r=$work/minivmx-ring.out
r_cpuid=$(field "$r" cpuid_exit_cycles 2>/dev/null)
r_cpuid_exits=$(field "$r" cpuid_vmexits 2>/dev/null)
r_exits=$(field "$r" vmexits 2>/dev/null)
r_entries=$(field "$r" ring_entries 2>/dev/null)
r_records=$(field "$r" ring_records 2>/dev/null)
r_overruns=$(field "$r" ring_overruns 2>/dev/null)

# The guest's figures, and the exit counts showing the exits happened:
# minivmx counts CPUID exits itself (run->exit_count); KVM's vCPU "exits"
# statistic counts all exits, at least CPUID_ITERS + PIO_ITERS of them
# (-1 when the statistic is unavailable: not checked then).
both() {
	[ -n "$mvx_ran" ] && [ -n "$kvm_ran" ]
}
cpuid_ok() {
	in_range "$m_cpuid" $MAX_EXIT && in_range "$k_cpuid" $MAX_EXIT &&
	at_least "$m_cpuid_exits" $CPUID_ITERS &&
	{ [ "$k_exits" = -1 ] || at_least "$k_exits" $((CPUID_ITERS + PIO_ITERS)); }
}
pio_ok() {
	in_range "$m_pio" $MAX_EXIT && in_range "$k_pio" $MAX_EXIT &&
	[ "$m_port" = $PIO_ITERS ] && [ "$k_port" = $PIO_ITERS ] &&
	at_least "$m_io_exits" $PIO_ITERS
}
create_ok() {
	in_range "$m_create" $MAX_CREATE && in_range "$k_create" $MAX_CREATE
}
# The steps: each stop was exactly the steps asked for (the programs
# check that; these are the totals), and the step loop's own counter, RAX,
# says the guest ran that many instructions: minivmx stepped STEPS single
# steps and STEPN_RUNS runs of STEPN, KVM STEPS.
step_ok() {
	in_range "$m_step" $MAX_EXIT && in_range "$k_step" $MAX_EXIT &&
	[ "$m_steps" = $STEPS ] && [ "$k_steps" = $STEPS ] &&
	[ "$m_iters" = $(((STEPS + STEPN * STEPN_RUNS) / STEP_LOOP_INSNS)) ] &&
	[ "$k_iters" = $((STEPS / STEP_LOOP_INSNS)) ]
}
stepn_ok() {
	in_range "$m_stepn" $MAX_EXIT &&
	[ "$m_stepn_steps" = $((STEPN * STEPN_RUNS)) ] &&
	[ "$m_iters" = $(((STEPS + STEPN * STEPN_RUNS) / STEP_LOOP_INSNS)) ]
}
# The ring: as many records as exits (at least the guest's CPUIDs and
# OUTs), the ring as big as asked, and with nobody reading everything
# beyond its size overrun.
ring_ok() {
	in_range "$r_cpuid" $MAX_EXIT && in_range "$m_cpuid" $MAX_EXIT &&
	at_least "$r_cpuid_exits" $CPUID_ITERS &&
	at_least "$r_records" $((CPUID_ITERS + PIO_ITERS)) &&
	[ "$r_records" = "$r_exits" ] && [ "$r_entries" = $RING ] &&
	[ "$r_overruns" = $((r_records - RING)) ]
}
if both; then
	check "cpuid exit measured under both" cpuid_ok
	check "pio exit measured under both" pio_ok
	check "VM creation to first exit measured under both" create_ok
	check "single step ($STEPS steps, a run each) measured under both" step_ok
else
	for d in "cpuid exit" "pio exit" "VM creation to first exit" \
		 "single step ($STEPS steps, a run each)"; do
		if [ -z "$mvx_ran" ]; then
			notok "$d measured under both # minivmx did not run"
		else
			skip "$d measured under both" "KVM did not run"
		fi
	done
fi
if [ -n "$mvx_ran" ]; then
	check "step N ($STEPN_RUNS runs of $STEPN steps) measured under minivmx" stepn_ok
else
	notok "step N ($STEPN_RUNS runs of $STEPN steps) measured under minivmx # minivmx did not run"
fi
if [ -n "$mvx_ran" ] && [ -n "$ring_ran" ]; then
	check "cpuid exit measured with the exit ring off and on" ring_ok
else
	notok "cpuid exit measured with the exit ring off and on # minivmx did not run"
fi

# The table: figures, ratio minivmx/KVM, target.  Comment lines, so that
# the TAP stream stays valid.
awk -v mc="$m_cpuid" -v kc="$k_cpuid" -v mp="$m_pio" -v kp="$k_pio" \
    -v mx="$m_create" -v kx="$k_create" -v ms="$m_step" -v ks="$k_step" \
    -v mn="$m_stepn" -v rc="$r_cpuid" -v ring=$RING -v stepn=$STEPN '
function ratio(a, b) {
	return (a > 0 && b > 0) ? sprintf("%.2f", a / b) : "-"
}
function verdict(a, b, t) {
	if (!(a > 0 && b > 0))
		return "-"
	return (a / b <= t) ? "met" : "NOT MET"
}
function num(v) {
	return v == "" ? "-" : v
}
function line(s) {
	sub(/ +$/, "", s)
	print s
}
function row(what, a, b, t, tt) {
	line(sprintf("# %-30s %12s %12s %7s  %-8s %s", what, num(a), num(b),
		     ratio(a, b), tt, t == "" ? "" : verdict(a, b, t)))
}
BEGIN {
	line(sprintf("# %-30s %12s %12s %7s  %-8s %s", "figure (TSC cycles)",
		     "minivmx", "KVM", "ratio", "target", "result"))
	row("in-kernel exit (CPUID)", mc, kc, 0.5, "<= 0.50")
	row("userspace exit (OUT 0x511)", mp, kp, 0.7, "<= 0.70")
	row("VM creation to first exit", mx, kx, "", "-")
	row("single step, a run per step", ms, ks, 0.7, "<= 0.70")
	print "#"
	line(sprintf("# %-30s %12s %12s %7s  %-8s %s", "minivmx (TSC cycles)",
		     "this", "against", "ratio", "target", "result"))
	row("step N=" stepn ", per instruction", mn, ms, 0.1, "<= 0.10")
	row("CPUID exit, ring on/off", rc, mc, 1.15, "<= 1.15")
}'

target() {
	# target NAME MINIVMX KVM LIMIT [BASE]: MINIVMX / KVM <= LIMIT; BASE
	# names what the figure is held against (default KVM).
	base=${5:-KVM}
	if [ -z "$2" ] || [ -z "$3" ] || [ "$2" = 0 ] || [ "$3" = 0 ]; then
		echo "# target: $1 <= $4x $base: not measured"
	elif awk -v a="$2" -v b="$3" -v t="$4" 'BEGIN { exit !(a / b <= t) }'; then
		echo "# target: $1 <= $4x $base: met ($(awk -v a="$2" -v b="$3" 'BEGIN { printf "%.2f", a / b }')x)"
	else
		echo "# target: $1 <= $4x $base: not met ($(awk -v a="$2" -v b="$3" 'BEGIN { printf "%.2f", a / b }')x)"
	fi
}
target "in-kernel exit (CPUID)" "$m_cpuid" "$k_cpuid" 0.5
target "userspace exit (OUT to 0x511)" "$m_pio" "$k_pio" 0.7
target "single-step round trip (a run per step)" "$m_step" "$k_step" 0.7
target "step N=$STEPN, cycles per instruction" "$m_stepn" "$m_step" 0.1 \
	"one step per run"
target "CPUID exit, exit ring on ($RING entries)" "$r_cpuid" "$m_cpuid" 1.15 \
	"the ring off"

echo "$npass passed, $nfail failed"
[ "$nfail" -eq 0 ]

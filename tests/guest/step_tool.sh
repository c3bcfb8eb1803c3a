#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# minivmx run --step, --step N, --break-exit and --vmcs on real guests,
# in all four modes (Documentation/debugging.rst).
#
# Instruction counts are checked two ways: the count guest (its 23
# instructions are numbered in tests/guests/count.S) must print exactly 23
# steps; and for the count guest (every mode) and the hello guest (long
# mode), --step N must stop exactly where the single steps say the
# (k*N+1)-th instruction starts, k*N instructions in.  Then the
# disassembly of known instructions, the exits between steps, the
# registers a step changed, exit breakpoints in words, and the VMCS.  Prints TAP; ends with "N passed, N failed".
guests=${MINIVMX_GUESTS:-/minivmx/guests}
work=${TMPDIR:-/tmp}/step_tool.$$

. "$(dirname "$0")/toollib.sh"
modes="real protected paged long"

mkdir -p "$work" || exit 1
trap 'rm -rf "$work"' EXIT

# step N=1 line of instruction NUMBER in FILE: its RIP
rip_of_step() {
	sed -n "s/^minivmx: step $2 \\(0x[0-9a-f]*\\): .*/\\1/p" "$1"
}

# Every stop of a --step N run is where the single steps say: after T
# instructions, the next one is step T+1's.
stops_match() {
	single=$1 multi=$2
	sed -n 's/^minivmx: stop [0-9]* after [0-9]* instructions (\([0-9]*\) in all), next \(0x[0-9a-f]*\):.*/\1 \2/p' \
		"$multi" >"$work/stops"
	[ -s "$work/stops" ] || return 1
	while read -r total rip; do
		want=$(rip_of_step "$single" $((total + 1)))
		if [ "$want" != "$rip" ]; then
			echo "# after $total instructions: stop at $rip, single steps say ${want:-nothing}"
			return 1
		fi
	done <"$work/stops"
	return 0
}

echo "1..$((4 * 7 + 2 + 3))"
loaded=
if ! grep -q '^minivmx ' /proc/modules; then
	insmod "$MINIVMX_KO" || { echo "# insmod failed"; exit 1; }
	loaded=1
fi

for mode in $modes; do
	# ---- the count guest: 23 instructions by construction ----
	img=$guests/count-$mode.bin
	out=$work/count-$mode.out err=$work/count-$mode.err
	minivmx run --mode "$mode" --timeout 0 --step "$img" >"$out" 2>"$err"
	rc=$?
	steps=$(grep -c '^minivmx: step [0-9]' "$err")
	[ "$rc" -eq 0 ] && [ "$steps" -eq 23 ] &&
		has "$err" "minivmx: stepped 23 instructions (the last one ended the run)"
	r=$?
	result $r "$mode: the count guest steps 23 instructions (printed $steps, exit $rc)"
	[ $r -eq 0 ] || show "$err"

	has "$err" "cpuid" && has "$err" "out dx, al" &&
		grep -q '^minivmx: step 23 0x[0-9a-f]*: e6 f4 .*out 0xf4, al$' "$err"
	r=$?
	result $r "$mode: cpuid, out dx, al and out 0xf4, al disassembled"
	[ $r -eq 0 ] || show "$err"

	# step 3 (add eax, ecx) changes RAX from 1 to 3; the output "KK"
	sed -n '/^minivmx: step 3 /,/^minivmx: step 4 /p' "$err" |
		grep -q 'rax=0x1 -> 0x3' && [ "$(cat "$out")" = "KK" ]
	r=$?
	result $r "$mode: the registers a step changed, the guest's output"
	[ $r -eq 0 ] || show "$err" 1,12

	# exits between steps: CPUID and the debug console in the kernel,
	# the UART in userspace
	sed -n '/^minivmx: step 5 /,/^minivmx: step 6 /p' "$err" |
		grep -q '^minivmx:   exit: CPUID (in kernel): CPUID, answered eax=0x[0-9a-f]* ebx=' &&
		sed -n '/^minivmx: step 8 /,/^minivmx: step 9 /p' "$err" |
		grep -q '^minivmx:   exit: IO_INSTRUCTION (in kernel): OUT 1 byte to port 0xe9$' &&
		sed -n '/^minivmx: step 10 /,/^minivmx: step 11 /p' "$err" |
		grep -q '^minivmx:   exit: IO_INSTRUCTION (to userspace): OUT 1 byte to port 0x3f8$'
	r=$?
	result $r "$mode: the exits between steps, in the kernel and to userspace"
	[ $r -eq 0 ] || show "$err" 1,40

	# --step 5: 4 stops, where the single steps say
	multi=$work/count5-$mode.err
	minivmx run --mode "$mode" --timeout 0 --step 5 "$img" >/dev/null 2>"$multi"
	rc=$?
	[ "$rc" -eq 0 ] && stops_match "$err" "$multi" &&
		has "$multi" "minivmx: 4 stops, 20 instructions up to the last one"
	r=$?
	result $r "$mode: --step 5 stops every 5 instructions where single steps say"
	[ $r -eq 0 ] || show "$multi"

	# --break-exit CPUID,IO: each exit in words, the guest goes on
	brk=$work/break-$mode.err
	minivmx run --mode "$mode" --break-exit CPUID,IO "$img" >"$work/break.out" 2>"$brk"
	rc=$?
	cpuid_rip=$(rip_of_step "$err" 5)
	[ "$rc" -eq 0 ] && [ "$(cat "$work/break.out")" = "KK" ] &&
		grep -q "^minivmx: break: CPUID at rip $cpuid_rip (in kernel): CPUID, answered eax=0x[0-9a-f]* ebx=" "$brk" &&
		grep -q '^minivmx: break: IO_INSTRUCTION at rip 0x[0-9a-f]* (in kernel): OUT 1 byte to port 0xe9$' "$brk" &&
		grep -q '^minivmx: break: IO_INSTRUCTION at rip 0x[0-9a-f]* (to userspace): OUT 1 byte to port 0x3f8$' "$brk"
	r=$?
	result $r "$mode: --break-exit CPUID,IO stops at each and says what it was"
	[ $r -eq 0 ] || show "$brk"

	# --vmcs: the last exit (the exit port), CS as the mode has it
	vmcs=$work/vmcs-$mode.err
	minivmx run --mode "$mode" --vmcs "$img" >/dev/null 2>"$vmcs"
	rc=$?
	case $mode in
	real) cs='read/write, accessed; DPL 0, present, L=0 D/B=0 G=0' ;;
	long) cs='code, execute/read, accessed; DPL 0, present, L=1 D/B=0 G=1' ;;
	*) cs='code, execute/read, accessed; DPL 0, present, L=0 D/B=1 G=1' ;;
	esac
	[ "$rc" -eq 0 ] &&
		grep -q '^  VM_EXIT_REASON  *0x1e  IO_INSTRUCTION$' "$vmcs" &&
		grep -q '^  EXIT_QUALIFICATION  *0x[0-9a-f]*  OUT 1 byte to port 0xf4$' "$vmcs" &&
		grep -q "^  GUEST_CS_AR_BYTES .*$cs" "$vmcs" &&
		has "$vmcs" "VM-execution control fields (SDM Vol. 3C 25.6)" &&
		grep -q '^  VM_INSTRUCTION_ERROR  *0$' "$vmcs"
	r=$?
	result $r "$mode: --vmcs prints the last exit and CS in words"
	[ $r -eq 0 ] || show "$vmcs" 1,200

	# ---- the hello guest: single steps against --step 1000 ----
	# Long mode only: its 27,000 single steps are the long check; the
	# other modes' 16,000 to 30,000 took two minutes of the suite, and
	# the count guest checks stepping in every mode.
	[ "$mode" = long ] || continue
	img=$guests/hello-$mode.bin
	single=$work/hello-$mode.err
	minivmx run --mode "$mode" --timeout 0 --step "$img" >"$work/hello.out" 2>"$single"
	rc=$?
	steps=$(grep -c '^minivmx: step [0-9]' "$single")
	echo "# hello-$mode: $steps instructions"
	[ "$rc" -eq 0 ] && grep -q "Hello from $mode mode" "$work/hello.out" &&
		has "$single" "minivmx: stepped $steps instructions (the last one ended the run)" &&
		has "$single" "out dx, al" &&
		has "$single" "minivmx:   exit: IO_INSTRUCTION (to userspace): OUT 1 byte to port 0x3f8"
	r=$?
	result $r "$mode: hello runs stepped, instruction by instruction"
	[ $r -eq 0 ] || { show "$single"; tail -n 5 "$single" | sed 's/^/# /'; }

	multi=$work/hello1000-$mode.err
	minivmx run --mode "$mode" --timeout 0 --step 1000 "$img" >/dev/null 2>"$multi"
	rc=$?
	stops=$(grep -c '^minivmx: stop [0-9]' "$multi")
	# the last instruction ends the run: no stop reports it
	[ "$rc" -eq 0 ] && [ "$stops" -eq $(((steps - 1) / 1000)) ] &&
		stops_match "$single" "$multi"
	r=$?
	result $r "$mode: hello with --step 1000: $stops stops, where the single steps say"
	[ $r -eq 0 ] || show "$multi"
done

# The names --break-exit takes, and what a module without them says.
minivmx run --break-exit CPUIDX "$guests/count-long.bin" 2>"$work/usage.err"
[ $? -eq 2 ] && has "$work/usage.err" "unknown exit reason 'CPUIDX'"
result $? "--break-exit refuses an unknown reason"

# A run without debugging options still runs as before.
minivmx run --mode long "$guests/count-long.bin" >"$work/plain.out" 2>&1
[ $? -eq 0 ] && ! grep -q 'step\|break' "$work/plain.out"
result $? "no debugging options: no step or break lines"

# An EPT violation that goes to userspace (MMIO), in words.
mmio=$work/mmio.err
minivmx run --mode long --break-exit EPT_VIOLATION "$guests/mmio-long.bin" >/dev/null 2>"$mmio"
rc=$?
# its first access: a 1-byte store to the echo window (tests/guests/mmio.c)
grep -q '^minivmx: break: EPT_VIOLATION at rip 0x[0-9a-f]* (to userspace): write to GPA 0xd0000000 from GLA 0xd0000000, page not present$' "$mmio"
r=$?
result $r "--break-exit EPT_VIOLATION: an MMIO access in words (exit $rc)"
[ $r -eq 0 ] || show "$mmio"

[ -n "$loaded" ] && rmmod minivmx
echo "$((n - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# minivmx run --record FILE and minivmx trace FILE on real guests
# (Documentation/debugging.rst, "Recording exits").
#
# The records are checked against an independent count: the exit
# counters the same run prints with --stats, in all and reason by reason.
# Then the words of known exits (the count guest's CPUID and OUTs, the
# mmio guest's EPT violation), the cycles, the JSON (checked with awk:
# busybox has no jq), and the records a tiny ring loses, which must add
# up with the ones it kept to the exit count.  Prints TAP; ends with
# "N passed, N failed".
guests=${MINIVMX_GUESTS:-/minivmx/guests}
work=${TMPDIR:-/tmp}/trace_tool.$$

. "$(dirname "$0")/toollib.sh"
modes="real protected paged long"

mkdir -p "$work" || exit 1
trap 'rm -rf "$work"' EXIT

# The total of a --stats table: "VM exits by reason (N in all)"
stats_total() {
	sed -n 's/^minivmx: VM exits by reason (\([0-9]*\) in all):$/\1/p' "$1"
}

# Every reason of a --stats table has as many records in a trace.
reasons_match() {
	sed -n 's/^minivmx: *[0-9][0-9]* \([A-Z_0-9]*\) *\([0-9][0-9]*\)$/\1 \2/p' \
		"$1" >"$work/reasons"
	[ -s "$work/reasons" ] || return 1
	while read -r name count; do
		got=$(grep -c "^[0-9]*: $name at rip " "$2")
		if [ "$got" -ne "$count" ]; then
			echo "# $name: $count exits counted, $got records"
			return 1
		fi
	done <"$work/reasons"
	return 0
}

# One well-formed JSON value: strings closed, brackets matched, no
# trailing commas, one top-level value.
json_ok() {
	awk '
	{
		s = $0 "\n"
		for (i = 1; i <= length(s); i++) {
			c = substr(s, i, 1)
			if (instr) {
				if (esc) esc = 0
				else if (c == "\\") esc = 1
				else if (c == "\"") instr = 0
				continue
			}
			if (c == "\"") {
				instr = 1
				prev = c
				continue
			}
			if (c == "{" || c == "[") {
				if (!depth)
					top++
				stack[++depth] = c
			} else if (c == "}" || c == "]") {
				if (!depth || prev == "," ||
				    (c == "}") != (stack[depth] == "{"))
					bad = 1
				depth--
			}
			if (c !~ /[ \t\n]/)
				prev = c
		}
	}
	END { exit (bad || instr || depth || top != 1) }' "$1"
}

echo "1..$((4 * 4 + 6))"
loaded=
if ! grep -q '^minivmx ' /proc/modules; then
	insmod "$MINIVMX_KO" || { echo "# insmod failed"; exit 1; }
	loaded=1
fi

for mode in $modes; do
	img=$guests/count-$mode.bin
	f=$work/count-$mode.trace
	err=$work/count-$mode.err out=$work/count-$mode.out
	minivmx run --mode "$mode" --stats --record "$f" "$img" >/dev/null 2>"$err"
	rc=$?
	total=$(stats_total "$err")
	[ "$rc" -eq 0 ] && [ -n "$total" ] &&
		has "$err" "minivmx: recorded $total exits in $f" &&
		! has "$err" "lost"
	r=$?
	result $r "$mode: count guest: $total exits counted, as many recorded (exit $rc)"
	[ $r -eq 0 ] || show "$err"

	minivmx trace "$f" >"$out" 2>"$work/trace.err"
	rc=$?
	records=$(grep -c '^[0-9]*: ' "$out")
	[ "$rc" -eq 0 ] && [ "$records" -eq "$total" ] &&
		has "$out" "$total exits: " &&
		has "$out" "; 0 lost to ring overruns" &&
		reasons_match "$err" "$out"
	r=$?
	result $r "$mode: count guest: the trace has $records records, reason by reason as --stats"
	[ $r -eq 0 ] || { show "$out"; show "$work/trace.err"; }

	# count.S: cpuid, out dx (0xe9, then 0x3f8), out 0xf4 (ends the run)
	grep -q '^[0-9]*: CPUID at rip 0x[0-9a-f]* (in kernel, [0-9]* cycles): CPUID$' "$out" &&
		grep -q '^[0-9]*: IO_INSTRUCTION at rip 0x[0-9a-f]* (in kernel, [0-9]* cycles): OUT 1 byte to port 0xe9$' "$out" &&
		grep -q '^[0-9]*: IO_INSTRUCTION at rip 0x[0-9a-f]* (to userspace, [0-9]* cycles): OUT 1 byte to port 0x3f8$' "$out" &&
		grep '^[0-9]*: ' "$out" | tail -n 1 |
		grep -q '^[0-9]*: IO_INSTRUCTION at rip 0x[0-9a-f]* (to userspace, not entered again): OUT 1 byte to port 0xf4$' &&
		[ "$(grep -c ', not entered again)' "$out")" -eq 1 ]
	r=$?
	result $r "$mode: count guest: CPUID and the three OUTs in words, with their cycles"
	[ $r -eq 0 ] || show "$out"

	json=$work/count-$mode.json
	minivmx trace --json "$f" >"$json"
	rc=$?
	[ "$rc" -eq 0 ] && json_ok "$json" &&
		[ "$(grep -c '^  {"seq": ' "$json")" -eq "$total" ] &&
		has "$json" "\"summary\": {\"records\": $total, " &&
		has "$json" '"name": "CPUID", "entry_failed": false, "where": "kernel"' &&
		has "$json" '"text": "OUT 1 byte to port 0x3f8"}'
	r=$?
	result $r "$mode: count guest: --json is one well-formed object with $total records"
	[ $r -eq 0 ] || show "$json"
done

# The hello guest: hundreds of exits, in the kernel and in userspace.
f=$work/hello.trace err=$work/hello.err out=$work/hello.out
minivmx run --mode long --stats --record "$f" "$guests/hello-long.bin" >/dev/null 2>"$err"
rc=$?
total=$(stats_total "$err")
minivmx trace "$f" >"$out"
records=$(grep -c '^[0-9]*: ' "$out")
[ "$rc" -eq 0 ] && [ -n "$total" ] && [ "$records" -eq "$total" ] &&
	has "$err" "minivmx: recorded $total exits in $f" &&
	reasons_match "$err" "$out" &&
	grep -q '^  all                    kernel  *[0-9]' "$out" &&
	grep -q '^  all                    userspace  *[0-9]' "$out"
r=$?
result $r "hello: $total exits counted, $records records, reason by reason as --stats"
[ $r -eq 0 ] || { show "$err"; tail -n 12 "$out" | sed 's/^/# /'; }
minivmx trace --json "$f" >"$work/hello.json" && json_ok "$work/hello.json"
result $? "hello: --json is well-formed"

# An EPT violation that went to userspace, with its addresses.
f=$work/mmio.trace out=$work/mmio.out
minivmx run --mode long --record "$f" "$guests/mmio-long.bin" >/dev/null 2>"$work/mmio.err"
minivmx trace "$f" >"$out"
grep -q '^[0-9]*: EPT_VIOLATION at rip 0x[0-9a-f]* (to userspace, [0-9]* cycles): write to GPA 0xd0000000 from GLA 0xd0000000, page not present$' "$out"
r=$?
result $r "mmio: an EPT violation in words, with GPA and GLA"
[ $r -eq 0 ] || { show "$work/mmio.err"; show "$out"; }

# A ring of 4 entries loses records; kept and lost add up to the count.
f=$work/tiny.trace err=$work/tiny.err out=$work/tiny.out
minivmx run --mode long --stats --record "$f" --ring-entries 4 "$guests/hello-long.bin" >/dev/null 2>"$err"
rc=$?
total=$(stats_total "$err")
kept=$(sed -n 's/^minivmx: recorded \([0-9]*\) exits in .*; \([0-9]*\) lost: the ring of 4 entries overran.*/\1/p' "$err")
lost=$(sed -n 's/^minivmx: recorded \([0-9]*\) exits in .*; \([0-9]*\) lost: the ring of 4 entries overran.*/\2/p' "$err")
[ "$rc" -eq 0 ] && [ -n "$kept" ] && [ "$lost" -gt 0 ] &&
	[ $((kept + lost)) -eq "$total" ]
r=$?
result $r "tiny ring: $kept records kept and $lost lost add up to the $total exits"
[ $r -eq 0 ] || show "$err"
minivmx trace "$f" >"$out"
minivmx trace --json --summary "$f" >"$work/tiny.json"
[ -n "$lost" ] && has "$out" "; $lost lost to ring overruns" &&
	grep -q '^\[[0-9]* records* lost: the ring overran (seq [0-9]' "$out" &&
	[ "$(grep -c '^[0-9]*: ' "$out")" -eq "$kept" ] &&
	json_ok "$work/tiny.json" && has "$work/tiny.json" "\"overruns\": $lost, "
r=$?
result $r "tiny ring: the trace and its JSON report the $lost lost records"
[ $r -eq 0 ] || { show "$out"; show "$work/tiny.json"; }

# The JSON checker itself refuses broken JSON.
printf '{"a": [1, 2,], "b": "x"}\n' >"$work/bad.json"
printf '{"a": [1, 2], "b": "x\\"}"}\n{' >"$work/bad2.json"
! json_ok "$work/bad.json" && ! json_ok "$work/bad2.json"
result $? "the JSON check refuses a trailing comma and an unclosed object"

[ -n "$loaded" ] && rmmod minivmx
echo "$((n - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]

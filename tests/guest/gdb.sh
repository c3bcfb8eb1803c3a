#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# minivmx run --gdb against Debian's gdb (gdb-minimal, from the suite's
# second initramfs): scripted "gdb -batch" sessions on the gdbtarget guest
# (tests/guests/gdbtarget.c), each result compared with a known value.
#
# Session 1, long mode: the first instruction, the target description, a
# software breakpoint on a label, x/4i, stepi, registers, monitor vmcs, a
# hardware breakpoint, a watchpoint, an exit breakpoint on CPUID, monitor
# exits, walk and stats, detach (the guest then ends by itself).
# Session 2, protected mode over TCP: the i386 description, INT3s hidden from
# reads, a memory write, Ctrl-C (SIGINT to gdb) on a spinning guest (the
# guest's start code clears .bss: gdb sets gdb_spin once main() runs),
# kill.
# Session 3: an INT3 of the guest's own reaches the guest (which has no
# IDT: a triple fault), not gdb.
# Session 4, real mode (hello-real, no symbols): shown as i386, eip is IP,
# memory is linear: the first bytes are at cs * 16 + eip.
#
#   gdb.sh [-v] [GUEST-DIR]
#
# -v: show each session's whole gdb output (as "# " lines) even when it
# passes; Documentation/gdb.rst quotes one.
verbose=
[ "${1:-}" = -v ] && { verbose=1; shift; }
G=${1:-/minivmx/guests}
SOCK=/tmp/gdb-test.sock
OUT=/tmp/gdb-test
n=0 passed=0 failed=0

ok() {		# $1: 0 for pass; $2: the description
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n $2"
		passed=$((passed + 1))
	else
		echo "not ok $n $2"
		failed=$((failed + 1))
	fi
}

# The lines between "MARK $1" and the next MARK in the gdb output.
section() {
	awk -v m="MARK $1" '$0 == m { on = 1; next } /^MARK / { on = 0 } on' "$OUT.gdb"
}

has() {		# $1: section, $2: extended regexp
	section "$1" | grep -Eq "$2"
}

show() {	# the evidence, after a failure
	sed 's/^/# /' "$@"
}

# A session's gdb output and minivmx's stderr, if it failed a check
# since $1 failures (or with -v).
evidence() {
	if [ "$failed" -ne "$1" ] || [ -n "$verbose" ]; then
		show "$OUT.gdb" "$OUT.err"
	fi
}

finish() {
	[ -n "$loaded" ] && rmmod minivmx
	echo "# $passed passed, $failed failed"
	exit 0
}

# Start minivmx with --gdb in the background; wait until it listens.
start_guest() {	# $1: where; then minivmx run options and the image
	where=$1
	shift
	rm -f "$SOCK"
	minivmx run --gdb "$where" --timeout 600 "$@" >"$OUT.serial" 2>"$OUT.err" &
	guest_pid=$!
	i=0
	while ! grep -qs 'waiting for gdb' "$OUT.err" && [ $i -lt 300 ] &&
		kill -0 $guest_pid 2>/dev/null; do
		sleep 0.1
		i=$((i + 1))
	done
	grep -q 'waiting for gdb' "$OUT.err"
}

# The user and system time of process $1 (all its threads), in clock ticks.
cpu_ticks() {
	awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0
}

# The tool's exit status, once it ends (within $1 tenths of a second).
guest_status() {
	i=0
	while kill -0 "$guest_pid" 2>/dev/null && [ $i -lt "$1" ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -0 "$guest_pid" 2>/dev/null && kill -KILL "$guest_pid"
	wait "$guest_pid"
}

echo "1..22"
if ! command -v gdb >/dev/null; then
	echo "ok 1 # SKIP no gdb in this initramfs (the suite needs '# testbed: gdb')"
	exit 4
fi
# The test kernel is built without networking: no sockets to listen on.
if [ ! -d /proc/net ]; then
	echo "ok 1 # SKIP this kernel has no sockets (CONFIG_NET); the stock suite runs gdb.sh"
	exit 4
fi
ip link set lo up 2>/dev/null || ifconfig lo 127.0.0.1 up
if [ ! -e /dev/minivmx ]; then
	insmod "$MINIVMX_KO" || exit 1
	loaded=1
fi

# ---- session 1: long mode ----
if ! start_guest "$SOCK" --mode long "$G/gdbtarget-long.bin"; then
	echo "not ok 1 minivmx run --gdb made no socket"
	show "$OUT.err"
	finish
fi
gdb -batch -nx "$G/gdbtarget-long.elf" \
	-ex 'set pagination off' -ex 'set confirm off' -ex 'set width 0' \
	-ex "target remote $SOCK" \
	-ex 'echo MARK start\n' -ex 'info registers rip' -ex 'show architecture' \
	-ex 'break gdb_spot' -ex 'continue' \
	-ex 'echo MARK bp\n' -ex 'printf "at-spot %d\n", $pc == gdb_spot' \
	-ex 'echo MARK x4i\n' -ex 'x/4i $pc' \
	-ex 'stepi' \
	-ex 'echo MARK stepi\n' \
	-ex 'printf "at-nop %d rax %#lx\n", $pc == gdb_spot_nop, $rax' \
	-ex 'printf "nop-address %#018lx\n", gdb_spot_nop' \
	-ex 'set $rax = 0' -ex 'eval "maint packet s%lx", gdb_spot' \
	-ex 'maint flush register-cache' \
	-ex 'echo MARK s-addr\n' \
	-ex 'printf "at-nop %d rax %#lx\n", $pc == gdb_spot_nop, $rax' \
	-ex 'echo MARK regs\n' -ex 'info registers cs ss cr0 cr3 cr4 efer fs_base' \
	-ex 'echo MARK vmcs\n' -ex 'monitor vmcs GUEST_RIP' \
	-ex 'delete' -ex 'hbreak gdb_tick' -ex 'continue' \
	-ex 'echo MARK hbreak\n' -ex 'printf "at-tick %d\n", $pc == gdb_tick' \
	-ex 'delete' -ex 'watch gdb_counter' -ex 'continue' \
	-ex 'echo MARK watch\n' -ex 'printf "counter %d\n", gdb_counter' \
	-ex 'delete' -ex 'monitor break-exit CPUID' -ex 'continue' \
	-ex 'echo MARK exits\n' -ex 'monitor exits 4' \
	-ex 'echo MARK walk\n' -ex 'monitor walk 0x10000' \
	-ex 'echo MARK stats\n' -ex 'monitor stats' \
	-ex 'monitor break-exit off' \
	-ex 'echo MARK detach\n' -ex 'detach' \
	>"$OUT.gdb" 2>&1
guest_status 600
status=$?

has start 'rip +0x10000 .*<_start>'
ok $? "gdb connects; the guest waits at its first instruction (rip 0x10000)"
has start 'i386:x86-64'
ok $? "long mode: the target description is i386:x86-64"
grep -q 'Breakpoint 1, .*gdb_spot' "$OUT.gdb" && has bp '^at-spot 1$'
ok $? "break on a label (gdb_spot): continue stops there"
has x4i '=> 0x[0-9a-f]+ <gdb_spot>:[[:space:]]+mov +\$0x1234,%eax' &&
	has x4i '<gdb_spot\+5>:[[:space:]]+nop'
ok $? "x/4i \$pc disassembles the guest's code"
has stepi '^at-nop 1 rax 0x1234$'
ok $? "stepi runs one instruction (rip gdb_spot+5, rax 0x1234)"
has s-addr '^at-nop 1 rax 0x1234$'
ok $? "\"s ADDR\" steps at ADDR: the MOV at gdb_spot runs again (rax 0 -> 0x1234)"
has regs '^cs +0x8 ' && has regs '^cr0 +0x80000011 ' &&
	has regs '^cr3 +0x2000 ' && has regs '^efer +0x500 '
ok $? "info registers: segment and control registers (cs 0x8, cr0, cr3 0x2000, efer 0x500)"
want=$(section stepi | sed -n 's/^nop-address //p')
[ -n "$want" ] && has vmcs "^GUEST_RIP +$want\$"
ok $? "monitor vmcs GUEST_RIP is the guest's rip ($want)"
has hbreak '^at-tick 1$' && grep -q 'Breakpoint 2, .*in gdb_tick' "$OUT.gdb"
ok $? "hbreak gdb_tick (DR0) stops there"
grep -q 'Hardware watchpoint 3: gdb_counter' "$OUT.gdb" &&
	grep -q 'Old value = 0' "$OUT.gdb" && grep -q 'New value = 1' "$OUT.gdb" &&
	has watch '^counter 1$'
ok $? "watch gdb_counter stops after the first write (0 -> 1)"
grep -Eq 'minivmx: stopped after a CPUID exit \(10\)' "$OUT.gdb"
ok $? "monitor break-exit CPUID stops after the CPUID exit"
has exits ' CPUID +0x' && has exits 'exits recorded'
ok $? "monitor exits lists the CPUID exit from the ring"
has walk '^  PML4E at GPA 0x2000: ' && has walk '^  PDPTE at GPA 0x3000: ' &&
	has walk '^  PDE   at GPA 0x4000: ' && has walk '^  data  at GPA 0x10000$' &&
	has walk 'EPT PML4E'
ok $? "monitor walk 0x10000 prints the guest's levels and EPT's"
has stats '^CPUID +[1-9]' && has stats '^IO_INSTRUCTION +[1-9]'
ok $? "monitor stats counts exits by reason"
[ "$status" = 0 ] && grep -q 'gdbtarget: counter 3, seen 0x1234' "$OUT.serial"
ok $? "detach: the guest runs on and exits 0 (status $status)"
evidence 0

# ---- session 2: protected mode over TCP, Ctrl-C, kill ----
f2=$failed
if ! start_guest 1234 --mode protected "$G/gdbtarget-protected.bin"; then
	echo "not ok 16 minivmx run --gdb made no socket"
	show "$OUT.err"
	finish
fi
rm -f "$OUT.spinning"
gdb -batch -nx "$G/gdbtarget-protected.elf" \
	-ex 'set pagination off' -ex 'set confirm off' -ex 'set width 0' \
	-ex 'target remote 127.0.0.1:1234' \
	-ex 'echo MARK start\n' -ex 'info registers eip' -ex 'show architecture' \
	-ex 'set breakpoint always-inserted on' -ex 'break gdb_spot' \
	-ex 'echo MARK hidden\n' -ex 'x/1xb gdb_spot' \
	-ex 'delete' -ex 'set var gdb_seen = 0x77' \
	-ex 'echo MARK write\n' -ex 'printf "seen %#x\n", gdb_seen' \
	-ex 'break gdb_tick' -ex 'continue' -ex 'delete' \
	-ex 'set var gdb_spin = 1' \
	-ex "shell touch $OUT.spinning" -ex 'continue' \
	-ex 'echo MARK interrupted\n' -ex 'printf "counter %d\n", gdb_counter' \
	-ex 'echo MARK kill\n' -ex 'kill' \
	>"$OUT.gdb" 2>&1 &
gdb_pid=$!
# Ctrl-C: gdb passes SIGINT on as the interrupt byte, once the guest spins:
# after the marker, gdb's "continue", then 0.2 s of the tool's CPU time,
# which only the running guest uses.  (A fixed 3 s wait was 3 s of a
# spinning guest, a minute and a half of Bochs.)
i=0
while [ ! -e "$OUT.spinning" ] && [ $i -lt 1200 ] && kill -0 $gdb_pid 2>/dev/null; do
	sleep 0.1
	i=$((i + 1))
done
t0=$(cpu_ticks $guest_pid)
i=0
while [ $(($(cpu_ticks $guest_pid) - t0)) -lt 20 ] && [ $i -lt 300 ] &&
	kill -0 $gdb_pid 2>/dev/null; do
	sleep 0.1
	i=$((i + 1))
done
kill -INT $gdb_pid 2>/dev/null
wait $gdb_pid
guest_status 300
status=$?

has start 'eip +0x10000 .*<_start>' && has start '"i386"'
ok $? "TCP, protected mode: the target description is i386, eip 0x10000"
has hidden '<gdb_spot>:[[:space:]]+0xb8$'
ok $? "an inserted breakpoint's INT3 is hidden from memory reads"
has write '^seen 0x77$'
ok $? "memory writes through guest-virtual addresses"
grep -q 'Program received signal SIGINT' "$OUT.gdb" && has interrupted '^counter 3$'
ok $? "Ctrl-C stops the spinning guest (after its three ticks)"
[ "$status" = 137 ] && grep -q 'gdb killed the guest' "$OUT.err"
ok $? "kill ends the run (status $status, 137)"
evidence "$f2"

# ---- session 3: the guest's own INT3 ----
f3=$failed
if ! start_guest "$SOCK" --mode long "$G/gdbtarget-long.bin"; then
	echo "not ok 21 minivmx run --gdb made no socket"
	show "$OUT.err"
	finish
fi
gdb -batch -nx "$G/gdbtarget-long.elf" \
	-ex 'set pagination off' -ex 'set confirm off' -ex 'set width 0' \
	-ex "target remote $SOCK" \
	-ex 'break gdb_tick' -ex 'continue' -ex 'delete' \
	-ex 'set var gdb_spin = 2' \
	-ex 'echo MARK int3\n' -ex 'continue' \
	>"$OUT.gdb" 2>&1
guest_status 300
status=$?
# The #BP went to the guest: no SIGTRAP in gdb, the guest's triple fault
# (exit status 3) ends the run, and gdb hears that it was killed.
[ "$status" = 3 ] && ! has int3 SIGTRAP && has int3 'signal SIGKILL'
ok $? "an INT3 that is not gdb's goes to the guest (status $status, 3: no IDT)"
evidence "$f3"

# ---- session 4: real mode ----
f4=$failed
if ! start_guest "$SOCK" --mode real "$G/hello-real.bin"; then
	echo "not ok 22 minivmx run --gdb made no socket"
	show "$OUT.err"
	finish
fi
gdb -batch -nx \
	-ex 'set pagination off' -ex 'set confirm off' -ex 'set width 0' \
	-ex "target remote $SOCK" \
	-ex 'echo MARK real\n' -ex 'show architecture' \
	-ex 'info registers eip cs' -ex 'x/3xb $cs*16+$eip' \
	-ex 'set architecture i8086' -ex 'x/1i $cs*16+$eip' -ex 'kill' \
	>"$OUT.gdb" 2>&1
guest_status 300
# start16.S begins with cli (0xfa), cld (0xfc), mov %cs,%ax (0x8c 0xc8).
has real '"i386"' && has real '^eip +0x0 ' && has real '^cs +0x1000 ' &&
	has real ':[[:space:]]+0xfa[[:space:]]+0xfc[[:space:]]+0x8c$' &&
	has real ':[[:space:]]+cli'
ok $? "real mode: i386 registers (eip 0, cs 0x1000), memory at cs*16+eip"
evidence "$f4"
finish

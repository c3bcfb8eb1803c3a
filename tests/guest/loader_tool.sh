#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# minivmx run --kernel with real guests (Documentation/loaders.rst): the
# loader guest as ELF64 and ELF32, the Multiboot guest as ELF and with the
# header's address fields, each checking inside the guest what the loader
# gave it (tests/guests/loader.c, multiboot.c); a flat binary given as
# --kernel; and files the tool must refuse with a sentence and exit code 2.
# Prints TAP; ends with "N passed, N failed".
guests=${MINIVMX_GUESTS:-/minivmx/guests}
work=${TMPDIR:-/tmp}/loader_tool.$$

. "$(dirname "$0")/toollib.sh"

mkdir -p "$work" || exit 1
trap 'rm -rf "$work"' EXIT

# the guest's own verdict: its last line, its exit status 0, no "not ok"
guest_passed() {
	[ "$1" -eq 0 ] && grep -q '^[0-9][0-9]* passed, 0 failed$' "$2" &&
		! grep -q '^not ok' "$2"
}

echo "1..8"
loaded=
if ! grep -q '^minivmx ' /proc/modules; then
	insmod "$MINIVMX_KO" || { echo "# insmod failed"; exit 1; }
	loaded=1
fi

# ---- ELF ----
for mode in long protected; do
	case $mode in
	long) class=ELF64 ;;
	*) class=ELF32 ;;
	esac
	k=$guests/loader-$mode.elf
	minivmx run --mem 4M --kernel "$k" >"$work/out" 2>"$work/err"
	rc=$?
	guest_passed $rc "$work/out" &&
		grep -q "^minivmx: $k: $class, entry 0x200000, $mode mode$" "$work/err" &&
		grep -q "^Hello from an $class guest$" "$work/out"
	r=$?
	result $r "$class: loaded at 0x200000, runs in $mode mode, its checks pass (exit $rc)"
	[ $r -eq 0 ] || { show "$work/out"; show "$work/err"; }
done

# ---- Multiboot: two modules with strings, a command line ----
printf 'minivmx module one\n' >"$work/mod1"
yes 0123456789abcdefghijklmnopqrstuvwxyz | head -c 5000 >"$work/mod2"
cmdline='multiboot-test a=1 b="two words"'
for kind in elf aout; do
	case $kind in
	elf) k=$guests/multiboot-elf.elf desc='Multiboot (ELF)' ;;
	*) k=$guests/multiboot-aout.bin desc='Multiboot (address fields)' ;;
	esac
	minivmx run --mem 8M --kernel "$k" --append "$cmdline" \
		--initrd "$work/mod1 one" --initrd "$work/mod2 two" \
		>"$work/out" 2>"$work/err"
	rc=$?
	guest_passed $rc "$work/out" &&
		grep -q "^minivmx: $k: $desc, entry 0x200000, 2 modules$" "$work/err" &&
		grep -qF "# cmdline '$cmdline'" "$work/out" &&
		grep -qF "'$work/mod1 one'" "$work/out" &&
		grep -qF "'$work/mod2 two'" "$work/out"
	r=$?
	result $r "$desc: magic, memory map, command line and modules as the guest checks them (exit $rc)"
	[ $r -eq 0 ] || { show "$work/out"; show "$work/err"; }
done

# ---- a flat binary through --kernel runs as IMAGE did ----
minivmx run --kernel "$guests/hello-long.bin" >"$work/out" 2>"$work/err"
rc=$?
guest_passed $rc "$work/out" && grep -q '^Hello from long mode$' "$work/out"
r=$?
result $r "--kernel with a flat binary runs it as before (exit $rc)"
[ $r -eq 0 ] || { show "$work/out"; show "$work/err"; }

# ---- refused, with a sentence and exit code 2, nothing run ----
refused() {
	rc=$1 want=$2
	[ "$rc" -eq 2 ] && grep -qF -- "$want" "$work/err" &&
		! grep -q 'guest exited' "$work/err"
}
head -c 100 "$guests/loader-long.elf" >"$work/short.elf"
minivmx run --mem 4M --kernel "$work/short.elf" >/dev/null 2>"$work/err"
refused $? "program headers at offset 0x40 run past the end of the file (100 bytes)"
r=$?
result $r "a truncated ELF file is refused"
[ $r -eq 0 ] || show "$work/err"

minivmx run --mem 1M --kernel "$guests/loader-long.elf" >/dev/null 2>"$work/err"
refused $? "does not fit in guest RAM (0x100000 bytes)"
r=$?
result $r "an ELF segment outside guest RAM is refused"
[ $r -eq 0 ] || show "$work/err"

head -c 2097152 /dev/zero >"$work/big"
minivmx run --mem 4M --kernel "$guests/multiboot-elf.elf" \
	--initrd "$work/mod1" --initrd "$work/big" >/dev/null 2>"$work/err"
refused $? "module $work/big (2097152 bytes) does not fit in guest RAM after the kernel"
r=$?
result $r "a Multiboot module beyond RAM is refused"
[ $r -eq 0 ] || show "$work/err"

[ -n "$loaded" ] && rmmod minivmx
echo "$((n - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]

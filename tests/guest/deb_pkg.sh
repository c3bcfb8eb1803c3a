#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The Debian packages on the stock image (Documentation/install.rst):
# the suite's boot carries minivmx-tools' files as dpkg unpacks them
# (deb-initrd.sh) and the module DKMS built from minivmx-dkms' source for
# this kernel's headers (testbed.sh).  The packaged tool -- dynamically
# linked, with Debian's libraries -- and the module must agree on the
# version, and the tool must run a guest, single-step it with capstone's
# disassembly and show its VM's exits.
work=${TMPDIR:-/tmp}/deb_pkg.$$
mkdir -p "$work" || exit 1
trap 'rm -rf "$work"' EXIT
# shellcheck source=tests/guest/toollib.sh
. "$(dirname "$0")/toollib.sh"
tool=/usr/bin/minivmx
echo "1..6"

[ -x "$tool" ] && [ -x /minivmx/bin/minivmx ] && [ "$(readlink -f "$tool")" != /minivmx/bin/minivmx ]
result $? "the packaged tool is in /usr/bin, beside the testbed's static one"
if [ ! -x "$tool" ]; then
	echo "# Bail out! no $tool: the boot has no deb.zst"
	exit 1
fi

load_module
"$tool" --version >"$work/version" 2>&1
tv=$(sed -n '1s/^minivmx \([^ ]*\) .*/\1/p' "$work/version")
# What modinfo shows as version, from the .ko's .modinfo strings
# (busybox's modinfo wants a modules.dep the initramfs has not).
mv=$(tr '\0' '\n' <"$MINIVMX_KO" | sed -n 's/^version=//p' | head -n 1)
sv=$(cat /sys/module/minivmx/version 2>/dev/null)
echo "# minivmx --version $tv; the .ko's version $mv; /sys/module/minivmx/version $sv"
[ -n "$tv" ] && [ "$tv" = "$mv" ] && [ "$tv" = "$sv" ]
result $? "minivmx --version, the module file's version (modinfo's) and the loaded module agree"
[ -n "$tv" ] || show "$work/version"

"$tool" info >"$work/info" 2>&1
r=$?
[ $r -eq 0 ] && has "$work/info" "(minivmx $tv, API" && has "$work/info" "VMX on:"
result $? "the packaged minivmx info reads the VMX state through the module"
[ $r -eq 0 ] || show "$work/info"

"$tool" run /minivmx/guests/hello-long.bin >"$work/run" 2>&1
r=$?
[ $r -eq 0 ] && grep -q " passed, 0 failed" "$work/run"
result $? "the packaged tool runs the hello guest to its end"
[ $r -eq 0 ] || show "$work/run"

# Capstone (libcapstone4, a shared library here) disassembles each step.
"$tool" run --step /minivmx/guests/hello-long.bin >"$work/step" 2>&1
grep -Eq '(mov|call|push|lea|xor|sub|add|cmp)[[:space:]]' "$work/step"
result $? "the packaged tool single-steps with capstone's disassembly"
grep -Eq '(mov|call|push)[[:space:]]' "$work/step" || show "$work/step"

rules=/lib/udev/rules.d/60-minivmx.rules
[ -f "$rules" ] && grep -q 'GROUP="minivmx"' "$rules" && grep -q 'MODE="0660"' "$rules" &&
	[ -f /usr/share/man/man1/minivmx.1.gz ] && [ -f /usr/include/linux/minivmx.h ]
result $? "the package's udev rule (group minivmx, 0660), manual page and uapi header"
finish

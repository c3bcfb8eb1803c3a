#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Build the initramfs that suites marked "# testbed: qemu" boot with: Debian's
# qemu-system-x86_64, the shared libraries it needs (its ldd closure) and the
# dynamic loader, and the one firmware its microvm machine needs, qboot
# (Debian's /usr/share/qemu/bios-microvm.bin, a link to qboot.rom, the
# name QEMU 7.2 asks for), in /usr/share/qemu.  The kernel unpacks it over
# the main initramfs; the bench runs QEMU/KVM there beside minivmx
# (tests/bench/linux_bench.sh).  Installs qemu-system-x86 where it is
# missing.  Prints the path of the archive.
#
#   qemu-initrd.sh
. "$(dirname "$0")/lib.sh"

out="$TOP/build/qemu"
archive="$out/initrd.zst"
mkdir -p "$out"

"$TESTBED_DIR/deps.sh" qemu-system-x86
qemu=/usr/bin/qemu-system-x86_64
bios=/usr/share/qemu/bios-microvm.bin
[ -x "$qemu" ] || die "no $qemu after installing qemu-system-x86"
[ -e "$bios" ] || die "no $bios (Debian's qemu-system-data has it)"

# Rebuild only when QEMU, its firmware or this script is newer.
if [ -f "$archive" ]; then
	stale=
	for f in "$qemu" "$(readlink -f "$bios")" "$0" "$TESTBED_DIR/lib.sh"; do
		[ "$f" -nt "$archive" ] && stale=1
	done
	[ -z "$stale" ] && { echo "$archive"; exit 0; }
fi

root="$out/root"
rm -rf "$root"
mkdir -p "$root/usr/bin" "$root/usr/share/qemu"
cp "$qemu" "$root/usr/bin/"
cp -L "$bios" "$root/usr/share/qemu/qboot.rom"
ln -s qboot.rom "$root/usr/share/qemu/bios-microvm.bin"
nlibs=$(copy_closure "$root" "$qemu")
pack_initramfs "$root" "$archive"
log "built $archive ($(du -k "$archive" | cut -f1) KiB; QEMU and $nlibs libraries, $(du -sk "$root" | cut -f1) KiB unpacked)"
echo "$archive"

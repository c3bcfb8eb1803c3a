#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The Linux guest that minivmx boots (issue 8): the guest kernel
# (build-kernel.sh guest: tinyconfig and guest-kernel.config) and its
# busybox initramfs (/init is guest-init), cached together in
# $MINIVMX_CACHE/guest-VERSION-HASH/:
#
#   bzImage                the kernel (a link into arch/x86/boot)
#   vmlinux                its symbols
#   guest-initrd.cpio.gz   busybox (Debian's busybox-static) and /init
#   testbed-guest.cpio.gz  the two above as /guest/bzImage and
#                          /guest/initrd.gz: the archive testbed.sh adds
#                          to the boots of suites marked "# testbed: guest"
#
#   build-guest.sh [--no-build]
#
# Builds what is missing and prints the directory.  The kernel is built
# under the cache's "kernel" lock (one kernel build at a time), the
# archives under "guest-initrd"; they are rebuilt when guest-init, busybox
# or this script change.  --no-build builds nothing: it prints the
# directory if everything is there and fails otherwise.
. "$(dirname "$0")/lib.sh"

build=1
case "${1:-}" in
--no-build) build= ;;
"") ;;
*) die "usage: build-guest.sh [--no-build]" ;;
esac

dir=$(kernel_build_dir guest)
initrd=$dir/guest-initrd.cpio.gz
bundle=$dir/testbed-guest.cpio.gz
busybox=/bin/busybox

# What the archives are made of; a change rebuilds them.
initrd_key() {
	cat "$TESTBED_DIR/guest-init" "$0" "$busybox" | sha256sum | cut -c1-16
}

if [ -z "$build" ]; then
	if [ ! -f "$dir/.minivmx-done" ] || [ ! -f "$bundle" ] ||
		[ "$(cat "$dir/initrd.key" 2>/dev/null)" != "$(initrd_key)" ]; then
		die "the guest kernel or its initramfs is not built (tests/testbed/build-guest.sh)"
	fi
	echo "$dir"
	exit 0
fi

# A kernel that is built already needs no lock (testbed.sh does the same).
[ -f "$dir/.minivmx-done" ] ||
	dir=$(with_lock kernel "$TESTBED_DIR/build-kernel.sh" guest)
ln -sfn arch/x86/boot/bzImage "$dir/bzImage"

pack() { pack_initramfs "$1" "$2" gzip; }	# the guest kernel reads gzip only

build_initrds() {
	local key root
	key=$(initrd_key)
	[ -f "$bundle" ] && [ "$(cat "$dir/initrd.key" 2>/dev/null)" = "$key" ] && return 0
	[ -x "$busybox" ] || die "no $busybox (apt-get install busybox-static)"
	if readelf -l "$busybox" 2>/dev/null | grep -q 'Requesting program interpreter'; then
		die "$busybox is dynamically linked: the guest needs busybox-static's"
	fi
	root=$(mktemp -d "$dir/initramfs.XXXXXX")
	mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,root}
	cp "$busybox" "$root/bin/busybox"
	for a in $("$busybox" --list-full); do
		[ "${a##*/}" = busybox ] || ln -sf /bin/busybox "$root/$a"
	done
	mknod -m 600 "$root/dev/console" c 5 1
	mknod -m 666 "$root/dev/null" c 1 3
	install -m 755 "$TESTBED_DIR/guest-init" "$root/init"
	pack "$root" "$initrd"
	rm -rf "$root"

	root=$(mktemp -d "$dir/bundle.XXXXXX")
	mkdir -p "$root/guest"
	cp "$dir/arch/x86/boot/bzImage" "$root/guest/bzImage"
	cp "$initrd" "$root/guest/initrd.gz"
	pack "$root" "$bundle"
	rm -rf "$root"
	echo "$key" >"$dir/initrd.key"
	log "built $initrd ($(du -k "$initrd" | cut -f1) KiB) and $bundle"
}
with_lock guest-initrd build_initrds
echo "$dir"

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Install, from Debian's archive, every package the builds and the testbed
# need, but only those that are missing.  Silent when nothing is missing.
# Extra package names given as arguments are installed the same way.
. "$(dirname "$0")/lib.sh"

pkgs=(
	# compilers and build tools (module, tools, tests, Bochs and its
	# patches)
	build-essential g++ make perl patch
	# the test kernel
	linux-source-6.1 flex bison bc libelf-dev libssl-dev lz4 xz-utils kmod
	cpio zstd
	# the boot medium and the emulated machine's firmware
	busybox-static isolinux syslinux-common xorriso bochsbios vgabios
	# the scripts themselves (flock, timeout, readelf)
	util-linux coreutils binutils
	# the tool's disassembler (minivmx run --step), linked statically
	libcapstone-dev
	# tests/host/install_test.sh: dkms add and build from dkms.conf,
	# against the 6.1 headers stock-kernel.sh installs
	dkms
	# make htmldocs: Sphinx, with the kernel's kernel-doc from linux-source
	python3-sphinx
	# the tracepoints through Debian's tracers (tests/guest/tracecmd.sh,
	# tests/guest/perf.sh)
	trace-cmd linux-perf
	# BTF for modules built against Debian's 6.12 headers (the stock612
	# kernel; its linux-kbuild package depends on it)
	pahole
	# the Linux guest under QEMU's TCG on the host
	# (tests/host/guest_kernel_test.sh: 12 tests, 5 s), and make bench's
	# peer (qemu-initrd.sh)
	qemu-system-x86
)
# Debian's gdb without Python, for the suites that run gdb against
# minivmx run --gdb (gdb-initrd.sh).  It conflicts with the full gdb:
# where that is installed, gdb-initrd.sh unpacks gdb-minimal's .deb into
# the cache instead of replacing a developer's gdb.
if [ "$(dpkg-query -W -f='${db:Status-Abbrev}' gdb 2>/dev/null)" != "ii " ]; then
	pkgs+=(gdb-minimal)
fi
pkgs+=("$@")

installed() {
	[ "$(dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null)" = "ii " ]
}

missing=()
for p in "${pkgs[@]}"; do
	installed "$p" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

export DEBIAN_FRONTEND=noninteractive
logf="$CACHE/deps.log"
log "installing ${missing[*]}"
# An install fails on a machine whose package lists were never fetched (or
# are stale): fetch them once and try again.
if ! apt-get install -y -q --no-install-recommends "${missing[@]}" >"$logf" 2>&1; then
	apt-get update -q >>"$logf" 2>&1 || { tail -n 20 "$logf" >&2; die "apt-get update failed"; }
	apt-get install -y -q --no-install-recommends "${missing[@]}" >>"$logf" 2>&1 ||
		{ tail -n 20 "$logf" >&2; die "apt-get install ${missing[*]} failed"; }
fi

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Debian's stock kernel, the "real distribution kernel" check: pick the
# newest linux-image-6.1.0-N-amd64 whose linux-headers package apt also has,
# install the headers (modules build against /usr/src/linux-headers-...),
# and extract -- never install -- the image into the cache.
# Prints two lines: the vmlinuz path and the headers directory.
. "$(dirname "$0")/lib.sh"

# An extraction already in the cache whose headers are still installed is
# reused as it is: a second run asks apt nothing.
cached() {
	local d abi
	for d in $(ls -d "$CACHE"/stock-6.1.0-*-amd64 2>/dev/null | sort -V -r); do
		abi=${d##*/stock-}
		[ -f "$d/.minivmx-done" ] && [ -f "/usr/src/linux-headers-$abi/Makefile" ] &&
			{ echo "$abi"; return 0; }
	done
	return 1
}

has_candidate() {
	apt-cache policy "$1" 2>/dev/null | grep -q 'Candidate: [0-9]'
}

newest() {
	local img abi
	for img in $(apt-cache pkgnames linux-image-6.1.0- |
		grep -E '^linux-image-6\.1\.0-[0-9]+-amd64$' | sort -V -r); do
		abi=${img#linux-image-}
		has_candidate "$img" && has_candidate "linux-headers-$abi" &&
			{ echo "$abi"; return 0; }
	done
	return 1
}

fetch() {
	local abi dir logf="$CACHE/stock.log"
	abi=$(cached) && { echo "$abi"; return 0; }
	abi=$(newest) || {
		apt-get update -q >"$logf" 2>&1 || true
		abi=$(newest)
	} || die "apt knows no linux-image-6.1.0-N-amd64 with matching headers"
	dir=$(stock_dir "$abi")
	log "fetching Debian's stock kernel $abi"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
		"linux-headers-$abi" >"$logf" 2>&1 ||
		{ tail -n 20 "$logf" >&2; die "installing linux-headers-$abi failed"; }
	rm -rf "$dir"
	mkdir -p "$dir/deb"
	(cd "$dir/deb" && apt-get download "linux-image-$abi" >>"$logf" 2>&1) ||
		{ tail -n 20 "$logf" >&2; die "apt-get download linux-image-$abi failed"; }
	dpkg-deb -x "$dir"/deb/linux-image-*.deb "$dir"
	rm -rf "$dir/deb"
	# Keep the kernel and the KVM modules (a peer to compare with); the
	# other 400 MB of modules are of no use to the testbed.
	find "$dir/lib/modules/$abi/kernel" -mindepth 1 -maxdepth 1 \
		! -name arch ! -name virt -exec rm -rf {} +
	find "$dir/lib/modules/$abi/kernel/arch/x86" -mindepth 1 -maxdepth 1 \
		! -name kvm -exec rm -rf {} +
	rm -rf "${dir:?}/usr"
	[ -f "$dir/boot/vmlinuz-$abi" ] || die "no boot/vmlinuz-$abi in the image package"
	touch "$dir/.minivmx-done"
	echo "$abi"
}

abi=$(with_lock stock fetch)
echo "$(stock_dir "$abi")/boot/vmlinuz-$abi"
echo "/usr/src/linux-headers-$abi"

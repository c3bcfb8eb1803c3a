#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Debian's stock kernels, the "real distribution kernel" checks:
#
#   stock-kernel.sh [6.1 | 6.12]
#
# 6.1 (the default): the newest linux-image-6.1.0-N-amd64 whose
# linux-headers package apt also has; the headers are installed (modules
# build against /usr/src/linux-headers-...).
# 6.12 (bookworm-backports): the newest linux-image-6.12.N+debD-amd64 with
# headers.  Its headers package depends on the image package, so
# installing it would install that kernel on this machine: the headers,
# linux-headers-...-common and linux-kbuild-... are extracted into the
# cache instead, beside the image, and the headers' Makefile is pointed at
# the extracted common tree.
# Either way the image is extracted -- never installed -- into the cache,
# keeping only the kernel and the KVM modules (decompressed: busybox insmod
# reads plain ELF).  Prints two lines: the vmlinuz path and the headers
# directory.
. "$(dirname "$0")/lib.sh"

series=${1:-6.1}
case "$series" in
6.1) glob='6.1.0-*-amd64' re='^linux-image-6\.1\.0-[0-9]+-amd64$' ;;
6.12) glob='6.12.*-amd64' re='^linux-image-6\.12\.[0-9]+\+deb[0-9]+-amd64$' ;;
*) die "usage: stock-kernel.sh [6.1 | 6.12]" ;;
esac
# The lock (and log) of the 6.1 kernel kept its name from before 6.12.
lock=stock
[ "$series" = 6.1 ] || lock=stock-$series

# The headers directory of $1 (an ABI name): installed for 6.1, in the
# cache for 6.12.
headers_dir() {
	if [ "$series" = 6.1 ]; then
		echo "/usr/src/linux-headers-$1"
	else
		echo "$(stock_dir "$1")/usr/src/linux-headers-$1"
	fi
}

# An extraction already in the cache whose headers are still there is
# reused as it is: a second run asks apt nothing.
cached() {
	local d abi
	# shellcheck disable=SC2012,SC2086 # $glob is a pattern; ABI names have no blanks
	for d in $(ls -d "$CACHE"/stock-$glob 2>/dev/null | sort -V -r); do
		abi=${d##*/stock-}
		[ -f "$d/.minivmx-done" ] && [ -f "$(headers_dir "$abi")/Makefile" ] &&
			{ echo "$abi"; return 0; }
	done
	return 1
}

has_candidate() {
	apt-cache policy "$1" 2>/dev/null | grep -q 'Candidate: [0-9]'
}

newest() {
	local img abi
	for img in $(apt-cache pkgnames "linux-image-$series." | grep -E "$re" | sort -V -r); do
		abi=${img#linux-image-}
		has_candidate "$img" && has_candidate "linux-headers-$abi" &&
			{ echo "$abi"; return 0; }
	done
	return 1
}

fetch() {
	local abi dir logf="$CACHE/$lock.log" common kbuild d
	abi=$(cached) && { echo "$abi"; return 0; }
	abi=$(newest) || {
		apt-get update -q >"$logf" 2>&1 || true
		abi=$(newest)
	} || die "apt knows no linux-image-$series.* amd64 kernel with matching headers"
	dir=$(stock_dir "$abi")
	log "fetching Debian's stock kernel $abi"
	rm -rf "$dir"
	mkdir -p "$dir/deb"
	if [ "$series" = 6.1 ]; then
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
			"linux-headers-$abi" >"$logf" 2>&1 ||
			{ tail -n 20 "$logf" >&2; die "installing linux-headers-$abi failed"; }
		(cd "$dir/deb" && apt-get download "linux-image-$abi" >>"$logf" 2>&1) ||
			{ tail -n 20 "$logf" >&2; die "apt-get download linux-image-$abi failed"; }
	else
		# The version-specific names the headers package depends on.
		common=$(apt-cache depends "linux-headers-$abi" |
			sed -n 's/^ *Depends: \(linux-headers-.*-common\)$/\1/p' | head -n 1)
		kbuild=$(apt-cache depends "linux-headers-$abi" |
			sed -n 's/^ *Depends: \(linux-kbuild-.*\)$/\1/p' | head -n 1)
		if [ -z "$common" ] || [ -z "$kbuild" ]; then
			die "linux-headers-$abi: no -common or linux-kbuild dependency"
		fi
		(cd "$dir/deb" && apt-get download "linux-image-$abi" "linux-headers-$abi" \
			"$common" "$kbuild" >"$logf" 2>&1) ||
			{ tail -n 20 "$logf" >&2; die "apt-get download linux-image-$abi and its headers failed"; }
	fi
	for d in "$dir"/deb/*.deb; do
		dpkg-deb -x "$d" "$dir"
	done
	rm -rf "$dir/deb"
	# Keep the kernel and the KVM modules (a peer to compare with); the
	# other 400 MB of modules are of no use to the testbed.
	find "$dir/lib/modules/$abi/kernel" -mindepth 1 -maxdepth 1 \
		! -name arch ! -name virt -exec rm -rf {} +
	find "$dir/lib/modules/$abi/kernel/arch/x86" -mindepth 1 -maxdepth 1 \
		! -name kvm -exec rm -rf {} +
	find "$dir/lib/modules/$abi/kernel" -name '*.ko.xz' -exec xz -d {} +
	if [ "$series" = 6.1 ]; then
		rm -rf "${dir:?}/usr"
	else
		# "include /usr/src/linux-headers-...-common/Makefile": here.
		sed -i "s|^include /usr/src/|include $dir/usr/src/|" "$(headers_dir "$abi")/Makefile"
		rm -rf "${dir:?}/usr/share"
	fi
	[ -f "$dir/boot/vmlinuz-$abi" ] || die "no boot/vmlinuz-$abi in the image package"
	[ -f "$(headers_dir "$abi")/Makefile" ] || die "no headers for $abi"
	touch "$dir/.minivmx-done"
	echo "$abi"
}

abi=$(with_lock "$lock" fetch)
echo "$(stock_dir "$abi")/boot/vmlinuz-$abi"
headers_dir "$abi"

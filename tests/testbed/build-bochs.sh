#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Build Bochs 3.0 (VMX level 2, EPT, VPID, MTF) from Debian trixie's source
# package into the cache, with the fixes in bochs-patches/.  If that fails, fall back to bookworm's packaged
# Bochs 2.7 and say so.  Prints "3.0 PATH" or "2.7 PATH".
. "$(dirname "$0")/lib.sh"

dir=$(bochs_dir)
if [ -x "$dir/bin/bochs" ]; then
	echo "3.0 $dir/bin/bochs"
	exit 0
fi

fetch_source() {
	local apt="$CACHE/apt-trixie" mirror
	mirror=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources 2>/dev/null)
	[ -n "$mirror" ] || mirror=$(awk '/^deb / { print $2; exit }' /etc/apt/sources.list 2>/dev/null)
	[ -n "$mirror" ] || return 1
	mkdir -p "$apt/lists/partial" "$CACHE/dl"
	echo "deb-src $mirror trixie main" >"$apt/sources.list"
	local opts=(-o Dir::Etc::SourceList="$apt/sources.list"
		-o Dir::Etc::SourceParts=/dev/null -o Dir::State::Lists="$apt/lists")
	apt-get "${opts[@]}" update -q >"$apt/update.log" 2>&1 || return 1
	# The .dsc may answer 404 and make apt exit non-zero; the orig tarball
	# alone builds, so judge by what arrived.
	(cd "$CACHE/dl" && apt-get "${opts[@]}" source --download-only bochs \
		>"$apt/source.log" 2>&1) || true
	ls "$CACHE"/dl/bochs_3.0*.orig.tar.* >/dev/null 2>&1
}

build() {
	local tarball srcdir
	tarball=$(ls "$CACHE"/dl/bochs_3.0*.orig.tar.* 2>/dev/null | head -n 1)
	[ -n "$tarball" ] || fetch_source || return 1
	tarball=$(ls "$CACHE"/dl/bochs_3.0*.orig.tar.* | head -n 1)
	srcdir="$CACHE/bochs-build"
	rm -rf "$srcdir"
	mkdir -p "$srcdir"
	tar -C "$srcdir" --strip-components=1 -xf "$tarball"
	# Fixes for Bochs bugs minivmx ran into (each patch says which).
	local p
	for p in $(bochs_patches); do
		patch -d "$srcdir" -p1 -s <"$p" || { log "cannot apply ${p##*/}"; return 1; }
	done
	log "building Bochs 3.0 (about 2 minutes)"
	(cd "$srcdir" &&
		./configure --prefix="$dir" --enable-x86-64 --enable-vmx=2 \
			--enable-smp --enable-all-optimizations --disable-debugger \
			--with-nogui --without-x11 --without-x --without-sdl2 \
			--without-wx --enable-avx --enable-evex --disable-plugins \
			--enable-pci --disable-sb16 --disable-usb --disable-ne2000 \
			--disable-e1000 >build.log 2>&1 &&
		make -j"$JOBS" >>build.log 2>&1 &&
		mkdir -p "$dir/bin" && cp bochs "$dir/bin/bochs.new" &&
		mv "$dir/bin/bochs.new" "$dir/bin/bochs") || {
		tail -n 20 "$srcdir/build.log" >&2
		return 1
	}
	rm -rf "$srcdir"
}

if build; then
	echo "3.0 $dir/bin/bochs"
	exit 0
fi
log "WARNING: building Bochs 3.0 failed; falling back to Debian's Bochs 2.7"
log "WARNING: 2.7 is about 9x slower and does not implement the monitor trap flag"
command -v bochs >/dev/null || apt-get install -y -q bochs >/dev/null ||
	die "could not install the bochs package either"
echo "2.7 $(command -v bochs)"

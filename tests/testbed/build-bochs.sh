#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Build Bochs 3.0 (VMX level 2, EPT, VPID, MTF) from Debian trixie's source
# package into the cache, with the fixes in bochs-patches/.  If that fails,
# fall back to bookworm's packaged Bochs 2.7 and say so.  Prints "3.0 PATH"
# or "2.7 PATH": PATH is the build with GCC's profile feedback where one
# has been made (--pgo), else the plain build.
#
#   build-bochs.sh [--pgo]
#
# --pgo: make the build with profile feedback once (make demo runs this):
# an instrumented build boots the test kernel with the "pgo" suite, the
# training run, and a second build optimises by the profile it wrote.  The
# boots of make check ran 15 % faster on it (December 2026).  It takes
# about 10 minutes on 2 cores; make check itself does not wait for it, and
# uses the plain build until it exists.
. "$(dirname "$0")/lib.sh"

dir=$(bochs_dir)
pgo=''
case "${1:-}" in
--pgo) pgo=1 ;;
'') ;;
*) die "usage: build-bochs.sh [--pgo]" ;;
esac

# print_bochs: the best build there is.
print_bochs() {
	if [ -x "$dir/bin/bochs-pgo" ]; then
		echo "3.0 $dir/bin/bochs-pgo"
	else
		echo "3.0 $dir/bin/bochs"
	fi
}

if [ -x "$dir/bin/bochs" ] && { [ -z "$pgo" ] || [ -x "$dir/bin/bochs-pgo" ]; }; then
	print_bochs
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

# unpack DIR: the source tarball, patched, into DIR (emptied first).
unpack() {
	local srcdir=$1 tarball p
	tarball=$(ls "$CACHE"/dl/bochs_3.0*.orig.tar.* 2>/dev/null | head -n 1)
	[ -n "$tarball" ] || fetch_source || return 1
	tarball=$(ls "$CACHE"/dl/bochs_3.0*.orig.tar.* | head -n 1)
	rm -rf "$srcdir"
	mkdir -p "$srcdir"
	tar -C "$srcdir" --strip-components=1 -xf "$tarball"
	# Fixes for Bochs bugs minivmx ran into (each patch says which).
	for p in $(bochs_patches); do
		patch -d "$srcdir" -p1 -s <"$p" || { log "cannot apply ${p##*/}"; return 1; }
	done
}

# configure_make DIR [FLAGS]: configure and build in DIR, with FLAGS as
# CFLAGS, CXXFLAGS and LDFLAGS (configure's own -g -O2 without).
configure_make() {
	local srcdir=$1 flags=()
	[ $# -lt 2 ] || flags=(CFLAGS="$2" CXXFLAGS="$2" LDFLAGS="$2")
	(cd "$srcdir" &&
		env "${flags[@]}" ./configure --prefix="$dir" --enable-x86-64 --enable-vmx=2 \
			--enable-smp --enable-all-optimizations --disable-debugger \
			--with-nogui --without-x11 --without-x --without-sdl2 \
			--without-wx --enable-avx --enable-evex --disable-plugins \
			--enable-pci --disable-sb16 --disable-usb --disable-ne2000 \
			--disable-e1000 >build.log 2>&1 &&
		make -j"$JOBS" >>build.log 2>&1) || {
		tail -n 20 "$srcdir/build.log" >&2
		return 1
	}
}

# install_as BUILD-DIR NAME: the binary into the cache's bin/, atomically.
install_as() {
	mkdir -p "$dir/bin" && cp "$1/bochs" "$dir/bin/$2.new" &&
		mv "$dir/bin/$2.new" "$dir/bin/$2"
}

build() {
	local srcdir="$CACHE/bochs-build"
	unpack "$srcdir" || return 1
	log "building Bochs 3.0 (about 2 minutes)"
	configure_make "$srcdir" && install_as "$srcdir" bochs || return 1
	rm -rf "$srcdir"
}

# build_pgo: the instrumented build, the training run, the final build.
# Its profile (the .gcda files) is written when Bochs exits, beside the
# objects: the final build is made in the same directory.
build_pgo() {
	local srcdir="$CACHE/bochs-pgo-build" f="-g -O2"
	unpack "$srcdir" || return 1
	log "Bochs with profile feedback, 1 of 3: the instrumented build (about 3 minutes)"
	configure_make "$srcdir" "$f -fprofile-generate -fprofile-update=single" || return 1
	log "Bochs with profile feedback, 2 of 3: the training run (suite pgo, about 4 minutes)"
	MINIVMX_BOCHS=$srcdir/bochs "$TESTBED_DIR/testbed.sh" pgo >"$srcdir/train.log" 2>&1 || {
		tail -n 20 "$srcdir/train.log" >&2
		return 1
	}
	ls "$srcdir"/cpu/*.gcda >/dev/null 2>&1 || { log "the training run wrote no profile"; return 1; }
	(cd "$srcdir" && make all-clean >/dev/null 2>&1)
	log "Bochs with profile feedback, 3 of 3: the optimised build (about 3 minutes)"
	configure_make "$srcdir" "$f -fprofile-use -fprofile-partial-training -Wno-missing-profile" &&
		install_as "$srcdir" bochs-pgo || return 1
	rm -rf "$srcdir"
}

if [ -n "$pgo" ]; then
	# One at a time; the training run's testbed.sh takes the "bochs" lock.
	mkdir -p "$CACHE/locks"
	exec 9>"$CACHE/locks/bochs-pgo"
	flock 9
	plain=$(with_lock bochs "$0") || exit 1
	if [ ! -x "$dir/bin/bochs" ]; then	# Bochs 2.7: nothing to optimise
		echo "$plain"
		exit 0
	fi
	if [ ! -x "$dir/bin/bochs-pgo" ] && ! build_pgo; then
		log "WARNING: the build with profile feedback failed; the plain build stays in use"
	fi
	print_bochs
	exit 0
fi
if build; then
	print_bochs
	exit 0
fi
log "WARNING: building Bochs 3.0 failed; falling back to Debian's Bochs 2.7"
log "WARNING: 2.7 is about 9x slower and does not implement the monitor trap flag"
command -v bochs >/dev/null || apt-get install -y -q bochs >/dev/null ||
	die "could not install the bochs package either"
echo "2.7 $(command -v bochs)"

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Build the second initramfs that suites marked "# testbed: gdb" boot
# with, Debian's debugging tools: gdb-minimal as /usr/bin/gdb,
# trace-cmd as /usr/bin/trace-cmd and perf as /usr/bin/perf, the shared
# libraries they need (their ldd closure) and the dynamic loader, and the gdbtarget guests' ELF
# files (symbols for gdb).  The kernel unpacks it over the main
# initramfs.  Prints the path of the archive.
#
#   gdb-initrd.sh
#
# gdb-minimal conflicts with the full gdb package: where gdb is installed
# (a developer's machine) its .deb is fetched into the cache and unpacked
# there instead of being installed; deps.sh installs it only where gdb is
# missing.  Its libraries come from the host either way (the full gdb's
# dependencies include them).
. "$(dirname "$0")/lib.sh"

out="$TOP/build/gdb"
archive="$out/initrd.zst"
mkdir -p "$out"

# The gdb-minimal binary: installed, or unpacked from its .deb.
if [ "$(dpkg-query -W -f='${db:Status-Abbrev}' gdb-minimal 2>/dev/null)" = "ii " ]; then
	gdb=/usr/bin/gdb
else
	ver=$(apt-cache policy gdb-minimal 2>/dev/null | sed -n 's/^ *Candidate: //p')
	# A fresh machine may never have fetched its package lists.
	if [ -z "$ver" ] || [ "$ver" = "(none)" ]; then
		apt-get update -q >"$CACHE/apt-update.log" 2>&1 ||
			{ tail -n 20 "$CACHE/apt-update.log" >&2; die "apt-get update failed"; }
		ver=$(apt-cache policy gdb-minimal 2>/dev/null | sed -n 's/^ *Candidate: //p')
	fi
	if [ -z "$ver" ] || [ "$ver" = "(none)" ]; then
		die "no gdb-minimal package in the APT sources"
	fi
	dir="$CACHE/gdb-minimal-$ver"
	if [ ! -x "$dir/root/usr/bin/gdb" ]; then
		log "fetching gdb-minimal $ver (unpacked into $dir, not installed)"
		rm -rf "$dir"
		mkdir -p "$dir/root"
		(cd "$dir" && apt-get download -q "gdb-minimal=$ver" >download.log 2>&1) ||
			{ cat "$dir/download.log" >&2; die "apt-get download gdb-minimal failed"; }
		dpkg-deb -x "$dir"/gdb-minimal_*.deb "$dir/root"
	fi
	gdb="$dir/root/usr/bin/gdb"
fi

tracecmd=/usr/bin/trace-cmd
[ -x "$tracecmd" ] || die "no $tracecmd (deps.sh installs trace-cmd)"
perf=/usr/bin/perf
[ -x "$perf" ] || die "no $perf (deps.sh installs linux-perf)"

guests=("$TOP"/build/static/guests/obj/gdbtarget-*.elf)
[ -f "${guests[0]}" ] || die "no gdbtarget ELF files under build/static/guests/obj (make user-tools-static)"

# Rebuild only when gdb or a guest is newer than the archive.
if [ -f "$archive" ]; then
	stale=
	for f in "$gdb" "$tracecmd" "$perf" "${guests[@]}" "$0"; do
		[ "$f" -nt "$archive" ] && stale=1
	done
	[ -z "$stale" ] && { echo "$archive"; exit 0; }
fi

root="$out/root"
rm -rf "$root"
mkdir -p "$root/usr/bin" "$root/minivmx/guests"
cp "$gdb" "$root/usr/bin/gdb"
cp "$tracecmd" "$root/usr/bin/trace-cmd"
cp "$perf" "$root/usr/bin/perf"
# Every library ldd names and the loader, at the paths the binaries ask for.
nlibs=$(copy_closure "$root" "$gdb" "$tracecmd" "$perf")
# gdb converts names to UTF-32 (its target-wide-charset) through iconv:
# glibc's gconv modules for UTF-16 and UTF-32 and their index, or gdb
# warns on every symbol it looks up.
gconv=/usr/lib/x86_64-linux-gnu/gconv
if [ -f "$gconv/gconv-modules" ]; then
	mkdir -p "$root$gconv"
	cp "$gconv/gconv-modules" "$gconv/UTF-16.so" "$gconv/UTF-32.so" "$root$gconv/"
fi
cp "${guests[@]}" "$root/minivmx/guests/"
pack_initramfs "$root" "$archive"
log "built $archive ($(du -k "$archive" | cut -f1) KiB; gdb, trace-cmd, perf and $nlibs libraries, $(du -sk "$root" | cut -f1) KiB unpacked)"
echo "$archive"

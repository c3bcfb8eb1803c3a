#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The Debian packages as the testbed's stock image gets them, for the
# suites marked "# testbed: deb" (stock612): builds them with "make deb"
# (debhelper and dh-dkms from Debian, installed when missing) when a file
# of the tree is newer than they are, and unpacks both as dpkg would:
#
# - minivmx-dkms into build/debroot/dkms: testbed.sh's DKMS build takes
#   the module's source and dkms.conf from its /usr/src, as the package's
#   postinst does on a user's machine;
# - minivmx-tools into an initramfs of its own, unpacked over the main one
#   at boot: /usr/bin/minivmx (dynamically linked, as packaged) with the
#   shared libraries it needs and the loader, its manual pages, the udev
#   rule and the uapi header.
#
# The maintainer scripts do not run in the testbed (it has no dpkg); what
# they do -- the group, dkms add, build and install -- is tested on a
# machine by Documentation/install.rst's steps.  Prints the archive.
#
#   deb-initrd.sh
. "$(dirname "$0")/lib.sh"

out="$TOP/build/debroot"
archive="$out/initrd.zst"
version=$(cat "$TOP/VERSION")
tools_deb="$TOP/build/deb/minivmx-tools_${version}_amd64.deb"
dkms_deb="$TOP/build/deb/minivmx-dkms_${version}_all.deb"
mkdir -p "$out"
exec 9>"$out/.lock"
flock 9

"$TESTBED_DIR/deps.sh" debhelper dh-dkms || die "could not install debhelper and dh-dkms"

# The newest modification time of the files "make deb" packs.
newest() {
	if git -C "$TOP" rev-parse --git-dir >/dev/null 2>&1; then
		(cd "$TOP" && git ls-files -co --exclude-standard -z |
			xargs -0 -r stat -c %Y -- 2>/dev/null) | sort -n | tail -n 1
	else
		echo 9999999999
	fi
}

if [ ! -f "$tools_deb" ] || [ ! -f "$dkms_deb" ] ||
   [ "$(newest)" -gt "$(stat -c %Y "$tools_deb")" ]; then
	log "building the packages (make deb)"
	make -s -C "$TOP" deb >"$out/deb.log" 2>&1 ||
		{ tail -n 30 "$out/deb.log" >&2; die "make deb failed (log: $out/deb.log)"; }
	{ [ -f "$tools_deb" ] && [ -f "$dkms_deb" ]; } || die "make deb made no $tools_deb or $dkms_deb"
elif [ -f "$archive" ] && [ "$archive" -nt "$tools_deb" ] && [ "$archive" -nt "$0" ]; then
	echo "$archive"
	exit 0
fi

rm -rf "$out/dkms" "$out/tools" "$out/root"
mkdir -p "$out/dkms" "$out/tools" "$out/root"
dpkg-deb -x "$dkms_deb" "$out/dkms"
dpkg-deb -x "$tools_deb" "$out/tools"
[ -f "$out/dkms/usr/src/minivmx-$version/dkms.conf" ] ||
	die "$dkms_deb has no /usr/src/minivmx-$version/dkms.conf"
[ -x "$out/tools/usr/bin/minivmx" ] || die "$tools_deb has no /usr/bin/minivmx"

root="$out/root"
cp -a "$out/tools/." "$root/"
nlibs=$(copy_closure "$root" "$out/tools/usr/bin/minivmx")
pack_initramfs "$root" "$archive"
log "built $archive (minivmx-tools $version and $nlibs libraries)"
echo "$archive"

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Boot a test suite in an emulated machine that has VT-x (Bochs), or under
# nested KVM with --backend qemu where the host has VT-x, and judge the run
# by what the guest printed on its serial port.
#
#   testbed.sh [--kernel test|debug|stock|stock612] [--cpus N] [--timeout S]
#              [--backend bochs|qemu] [--build-only | --no-build] SUITE
#
# Builds what is missing (emulator, kernel, module, static tools,
# initramfs, ISO), boots with minivmx.suite=SUITE, streams the guest's TAP
# output to stdout and exits 0 only if the guest's runner reported
# "N passed, 0 failed, N skipped" and then the done marker.  Exit codes: 0
# passed, 1 failed (tests, build, timeout, crash), 2 usage, 4 skipped (the
# qemu backend on a host without VT-x).
#
# --kernel debug boots the debug kernel (kernel-debug.config: KASAN, KFENCE,
# lockdep, UBSAN, kmemleak, fault injection).  --kernel stock boots Debian's
# 6.1 kernel, the module built against its headers with kbuild;
# --kernel stock612 Debian's 6.12 (bookworm-backports), the module built by
# DKMS from what "make dkms-source" lays out, as a user's machine builds
# it (stock-kernel.sh fetches both).  --build-only stops once the
# kernel's initramfs is built (SUITE is then optional); --no-build boots
# with the initramfs an earlier --build-only made (check.sh builds once,
# then boots in parallel).  Boots of different suites, CPU counts or
# kernels can run at the same time: each has its own directory
# build/run-SUITE-CPUS-KERNEL[-qemu].
#
# A suite marked "# testbed: gdb" boots with a second initramfs holding
# Debian's gdb (gdb-initrd.sh); one marked "# testbed: guest" with a third
# holding the Linux guest, /guest/bzImage and /guest/initrd.gz
# (build-guest.sh builds it, and the guest kernel, the first time); one
# marked "# testbed: qemu" with Debian's QEMU and its libraries
# (qemu-initrd.sh), the peer the bench boots Linux with; one marked
# "# testbed: deb" (and every boot of the stock612 kernel) with the
# minivmx-tools package's files and, on stock612, the module DKMS builds
# from the minivmx-dkms package's source (deb-initrd.sh).  A suite's
# "# testbed: append=WORD" puts WORD on the kernel command line.  One
# marked "# testbed: cpulog=off" keeps the emulated CPUs' errors out of
# bochs.log: the fuzz suites' random programs raise millions of
# exceptions, and Bochs would log each (tens of GB an hour).
#
# Bochs is the one build-bochs.sh names (its build with profile feedback
# once make demo has made it), or $MINIVMX_BOCHS; MINIVMX_APPEND adds
# words to the kernel's command line.
. "$(dirname "$0")/lib.sh"

usage() {
	sed -n 's/^#   //p' "$0" >&2
	exit 2
}

kernel=test cpus=1 timeout='' backend=bochs suite='' build=all with_gdb='' with_guest='' with_qemu='' with_deb=''
append='' cpulog=report
while [ $# -gt 0 ]; do
	case "$1" in
	--build-only) build=only; shift ;;
	--no-build) build=none; shift ;;
	--kernel) kernel=${2:-}; shift 2 || usage ;;
	--cpus) cpus=${2:-}; shift 2 || usage ;;
	--timeout) timeout=${2:-}; shift 2 || usage ;;
	--backend) backend=${2:-}; shift 2 || usage ;;
	-h | --help) usage ;;
	-*) usage ;;
	*) [ -z "$suite" ] || usage; suite=$1; shift ;;
	esac
done
[ -n "$suite" ] || [ "$build" = only ] || usage
case "$kernel" in test | debug | stock | stock612) ;; *) usage ;; esac
case "$backend" in bochs | qemu) ;; *) usage ;; esac
[[ "$cpus" =~ ^[1-4]$ ]] || die "--cpus must be 1 to 4 (the test kernel has NR_CPUS=4)"
if [ -n "$suite" ]; then
	[[ "$suite" =~ ^[A-Za-z0-9_.-]+$ ]] || die "bad suite name '$suite'"
	suite_file="$TOP/tests/suites/$suite"
	[ -f "$suite_file" ] || die "no suite $suite_file"
	# The suite may set the host's wall-clock limit: "# testbed: timeout=S".
	[ -n "$timeout" ] || timeout=$(sed -n 's/^#[[:space:]]*testbed:.*timeout=\([0-9][0-9]*\).*/\1/p' \
		"$suite_file" | head -n 1)
	# "# testbed: gdb": boot with the second initramfs, Debian's gdb.
	suite_wants "$suite_file" gdb && with_gdb=1
	# "# testbed: guest": and with the Linux guest (build-guest.sh).
	suite_wants "$suite_file" guest && with_guest=1
	# "# testbed: qemu": and with QEMU (qemu-initrd.sh).
	suite_wants "$suite_file" qemu && with_qemu=1
	# "# testbed: deb": and with the Debian packages (deb-initrd.sh).
	suite_wants "$suite_file" deb && with_deb=1
	# "# testbed: cpulog=off": no CPU errors in bochs.log.
	suite_wants "$suite_file" cpulog=off && cpulog=ignore
	# "# testbed: append=WORD": WORD on the kernel command line.
	append=$(sed -n 's/^#[[:space:]]*testbed:.*append=\([^[:space:]]*\).*/\1/p' \
		"$suite_file" | head -n 1)
fi
# Debian's 6.12 is where the packages are tried: its module is the one
# DKMS builds from minivmx-dkms' source, and its boots carry minivmx-tools
# ("make check" builds with --build-only and no suite first).
[ "$kernel" = stock612 ] && with_deb=1
timeout=${timeout:-600}
[[ "$timeout" =~ ^[0-9]+$ ]] || die "--timeout wants seconds"

if [ "$backend" = qemu ]; then
	"$TESTBED_DIR/qemu.sh" --can-run || exit 4
fi

# ---- the slow, cached parts --------------------------------------------
"$TESTBED_DIR/deps.sh"
if [ "$backend" = bochs ]; then
	b=$(with_lock bochs "$TESTBED_DIR/build-bochs.sh")
	read -r bochs_ver bochs <<<"$b"
	# Another Bochs binary (build-bochs.sh --pgo's training run).
	[ -z "${MINIVMX_BOCHS:-}" ] || bochs=$MINIVMX_BOCHS
	[ -x "$bochs" ] || die "no Bochs"
fi

if [ "$kernel" = test ] || [ "$kernel" = debug ]; then
	# A kernel that is built already needs no lock: another worktree may
	# hold it for a long build of the other flavour.
	kdir=$(kernel_build_dir "$kernel")
	[ -f "$kdir/.minivmx-done" ] ||
		kdir=$(with_lock kernel "$TESTBED_DIR/build-kernel.sh" "$kernel")
	vmlinuz=$kdir/arch/x86/boot/bzImage
	kvm_mods=("$kdir/virt/lib/irqbypass.ko" "$kdir/arch/x86/kvm/kvm.ko"
		"$kdir/arch/x86/kvm/kvm-intel.ko")
	kunit_ko=$kdir/lib/kunit/kunit.ko
	bdir="$TOP/build/${kdir##*/}"
else
	series=6.1
	[ "$kernel" = stock612 ] && series=6.12
	s=$("$TESTBED_DIR/stock-kernel.sh" "$series")
	{ read -r vmlinuz; read -r kdir; } <<<"$s"
	abi=${kdir##*/linux-headers-}
	m="$(stock_dir "$abi")/lib/modules/$abi/kernel"
	kvm_mods=("$m/virt/lib/irqbypass.ko" "$m/arch/x86/kvm/kvm.ko"
		"$m/arch/x86/kvm/kvm-intel.ko")
	kunit_ko=	# Debian's kernels have no KUnit
	bdir="$TOP/build/stock-$abi"
fi
[ -f "$vmlinuz" ] || die "no kernel image $vmlinuz"
# The Linux guest, for the suites that ask: its kernel is built once
# into the cache (under the kernel lock), like the test kernel.
if [ -n "$with_guest" ]; then
	if [ "$build" = none ]; then
		guest_dir=$("$TESTBED_DIR/build-guest.sh" --no-build)
	else
		guest_dir=$("$TESTBED_DIR/build-guest.sh")
	fi
fi
if [ -n "$with_qemu" ]; then
	qemu_initrd=$("$TESTBED_DIR/qemu-initrd.sh")
fi
if [ -n "$with_deb" ]; then
	if [ "$build" = none ]; then
		deb_initrd=$TOP/build/debroot/initrd.zst
	else
		deb_initrd=$("$TESTBED_DIR/deb-initrd.sh") || die "could not build the packages"
	fi
fi
mkdir -p "$bdir"
# One build per kernel at a time; boots of different suites run in parallel.
exec 8>"$bdir/.lock"
flock 8

# Copy the sources of $1 into $2, leaving files whose content is unchanged
# alone (so make rebuilds nothing) and removing sources that are gone.
sync_tree() {
	local src=$1 dst=$2 f
	mkdir -p "$dst"
	(cd "$src" && find . -type f ! -name '*.o' ! -name '*.ko' ! -name '*.mod' \
		! -name '*.mod.c' ! -name '.*.cmd' ! -name '*.a' ! -name '.*.d' \
		! -name modules.order ! -name Module.symvers) | while read -r f; do
		cmp -s "$src/$f" "$dst/$f" && continue
		mkdir -p "$(dirname "$dst/$f")"
		cp "$src/$f" "$dst/$f"
	done
	(cd "$dst" && find . -type f \( -name '*.[chS]' -o -name Kbuild -o -name Makefile \
		\) ! -name '*.mod.c') | while read -r f; do
		[ -e "$src/$f" ] || rm -f "$dst/$f"
	done
}

# The module as DKMS builds it for a user (dkms.conf), for the stock
# kernel $abi whose headers are $kdir: "make dkms-source" lays the source
# out in the build directory, and "dkms add" and "dkms build" work in a DKMS
# tree of its own there, so the system's DKMS state is untouched; unsigned
# (DKMS would make a signing key in /var/lib/dkms first).  The source is
# the tree's own: MINIVMX_KMOD_SRC does not apply.  For a suite marked
# "deb" the source is the one the minivmx-dkms package installs
# (deb-initrd.sh unpacked it).  Prints the module.
dkms_build() {
	local ver d=$bdir/dkms f src
	ver=$(cat "$TOP/VERSION")
	rm -rf "$d"
	mkdir -p "$d/tree"
	src=$d/src/usr/src
	[ -n "$with_deb" ] && src=$TOP/build/debroot/dkms/usr/src
	{
		{ [ -n "$with_deb" ] || make -s -C "$TOP" dkms-source DESTDIR="$d/src"; } &&
		dkms add -m minivmx -v "$ver" --sourcetree "$src" --dkmstree "$d/tree" &&
		sign_file=/nonexistent dkms build -m minivmx -v "$ver" -k "$abi" \
			--sourcetree "$src" --dkmstree "$d/tree" --kernelsourcedir "$kdir"
	} >"$bdir/kmod.log" 2>&1 || {
		cat "$bdir/kmod.log" "$d/tree/minivmx/$ver/build/make.log" >&2 2>/dev/null
		return 1
	}
	# Compiler warnings are worth seeing.
	f=$(find "$d/tree/minivmx/$ver/$abi" -name make.log | head -n 1)
	[ -n "$f" ] && grep -E 'warning:|error:' "$f" >&2
	f=$(find "$d/tree/minivmx/$ver/$abi" -name 'minivmx.ko*' | head -n 1)
	case "$f" in
	*.ko) ;;
	*.ko.xz) xz -d -k -c "$f" >"$d/minivmx.ko" && f=$d/minivmx.ko ;;
	*) echo "testbed: DKMS built no minivmx.ko" >&2; return 1 ;;
	esac
	echo "$f"
}

if [ "$build" != none ]; then
	# ---- the module, built out of the source tree for this kernel ----
	kmod_src=${MINIVMX_KMOD_SRC:-$TOP/kmod}
	ko=
	if [ -f "$kmod_src/Kbuild" ] || [ -f "$kmod_src/Makefile" ]; then
		sync_tree "$kmod_src" "$bdir/kmod"
		[ -d "$TOP/uapi" ] && sync_tree "$TOP/uapi" "$bdir/uapi"
		# kmod/Kbuild may read ../VERSION (MODULE_VERSION).
		cmp -s "$TOP/VERSION" "$bdir/VERSION" || cp "$TOP/VERSION" "$bdir/VERSION"
		if [ "$kernel" = stock612 ]; then
			ko=$(dkms_build) || die "DKMS could not build the module for $abi"
		else
			if ! make -s -C "$kdir" M="$bdir/kmod" -j"$JOBS" modules >"$bdir/kmod.log" 2>&1; then
				cat "$bdir/kmod.log" >&2
				die "building the module against $kdir failed"
			fi
			# Compiler warnings are worth seeing.
			grep -v "^Skipping BTF generation" "$bdir/kmod.log" >&2 || true
			ko="$bdir/kmod/minivmx.ko"
		fi
		[ -f "$ko" ] || die "the module build made no minivmx.ko"
	else
		log "no $kmod_src/Kbuild yet: the initramfs has no minivmx.ko"
	fi

	# ---- static programs ---------------------------------------------
	# One build of the static programs at a time in this tree (boots for
	# different kernels build in parallel); held until the initramfs is packed.
	exec 7>"$TOP/build/.static.lock"
	flock 7
	make -s -C "$TOP" user-tools-static >&2 || die "building the static programs failed"
	static_bin="$TOP/build/static/bin"
	for f in "$static_bin"/*; do
		{ [ -f "$f" ] && [ -x "$f" ]; } || continue
		# The initramfs has no C library: a dynamic program would not start.
		if readelf -l "$f" 2>/dev/null | grep -q 'Requesting program interpreter'; then
			die "$f is dynamically linked; the initramfs needs static programs"
		fi
	done

	# ---- the initramfs -----------------------------------------------
	root="$bdir/initramfs"
	rm -rf "$root"
	mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,root}
	mkdir -p "$root"/minivmx/{bin,guests,kvm,suites,tests}
	cp /bin/busybox "$root/bin/busybox"
	for a in $(/bin/busybox --list-full); do
		[ "${a##*/}" = busybox ] || ln -sf /bin/busybox "$root/$a"
	done
	mknod -m 600 "$root/dev/console" c 5 1
	mknod -m 666 "$root/dev/null" c 1 3
	install -m 755 "$TESTBED_DIR/init" "$root/init"
	install -m 755 "$TOP/tests/runner.sh" "$root/minivmx/runner.sh"
	cp "$TOP"/tests/suites/* "$root/minivmx/suites/"
	for f in "$TOP"/tests/guest/*.sh "$TOP"/tests/bench/*.sh; do
		[ -f "$f" ] && install -m 755 "$f" "$root/minivmx/tests/"
	done
	# The VMX guest programs (flat binaries, tests/guests/) and the
	# kernels for minivmx run --kernel.
	for f in "$TOP"/build/static/guests/*.bin "$TOP"/build/static/guests/*.elf; do
		[ -f "$f" ] && cp -p "$f" "$root/minivmx/guests/"
	done
	# Without their debug information (a fifth of them; build/static/bin
	# keeps it, for addr2line).
	for f in "$static_bin"/*; do
		[ -f "$f" ] || continue
		strip --strip-debug -p -o "$root/minivmx/bin/${f##*/}" "$f" 2>/dev/null ||
			cp -p "$f" "$root/minivmx/bin/"
	done
	[ -n "$ko" ] && cp "$ko" "$root/minivmx/minivmx.ko"
	# KUnit and minivmx's KUnit tests, where the kernel has KUnit.
	if [ -n "$kunit_ko" ] && [ -f "$kunit_ko" ] && [ -f "${ko%/*}/minivmx_kunit.ko" ]; then
		mkdir -p "$root/minivmx/kunit"
		cp "$kunit_ko" "${ko%/*}/minivmx_kunit.ko" "$root/minivmx/kunit/"
	fi
	# KVM as a peer to compare with: the modules and a script that loads them
	# in dependency order (unload.sh removes them).
	for f in "${kvm_mods[@]}"; do
		[ -f "$f" ] && cp "$f" "$root/minivmx/kvm/"
	done
	cat >"$root/minivmx/kvm/load.sh" <<'EOF'
#!/bin/sh
# Load KVM (irqbypass, kvm, kvm_intel); arguments go to kvm_intel.
d=$(dirname "$0")
[ -e /sys/module/irqbypass ] || insmod "$d/irqbypass.ko" || exit
[ -e /sys/module/kvm ] || insmod "$d/kvm.ko" || exit
insmod "$d/kvm-intel.ko" "$@"
EOF
	printf '#!/bin/sh\nrmmod kvm_intel kvm irqbypass\n' >"$root/minivmx/kvm/unload.sh"
	chmod 755 "$root"/minivmx/kvm/*.sh
	pack_initramfs "$root" "$bdir/initrd.zst"
	# gdb and its libraries: their own archive, for the suites that ask.
	if [ -n "$with_gdb" ] || [ "$build" = only ]; then
		"$TESTBED_DIR/gdb-initrd.sh" >/dev/null
	fi
	flock -u 7
fi
[ -f "$bdir/initrd.zst" ] || die "no $bdir/initrd.zst: run testbed.sh --build-only --kernel $kernel first"
if [ "$build" = only ]; then
	log "built $bdir/initrd.zst (the $kernel kernel: $vmlinuz)"
	exit 0
fi

# ---- the boot medium ------------------------------------------------------
run="$TOP/build/run-$suite-$cpus-$kernel"
[ "$backend" = qemu ] && run="$run-qemu"
# The same boot twice at the same time would share this directory: wait.
exec 6>"$run.lock"
if ! flock -n 6; then
	log "another boot uses $run: waiting for it"
	flock 6
fi
rm -rf "$run"
mkdir -p "$run/iso/isolinux"
cp /usr/lib/ISOLINUX/isolinux.bin /usr/lib/syslinux/modules/bios/ldlinux.c32 \
	"$run/iso/isolinux/"
cp "$vmlinuz" "$run/iso/vmlinuz"
cp "$bdir/initrd.zst" "$run/iso/initrd.zst"
initrd=/initrd.zst
if [ -n "$with_gdb" ]; then
	[ -f "$TOP/build/gdb/initrd.zst" ] || die "no build/gdb/initrd.zst: run testbed.sh --build-only first"
	cp "$TOP/build/gdb/initrd.zst" "$run/iso/gdb.zst"
	initrd=$initrd,/gdb.zst
fi
if [ -n "$with_guest" ]; then
	# /guest/bzImage and /guest/initrd.gz in the test kernel's root.
	cp "$guest_dir/testbed-guest.cpio.gz" "$run/iso/guest.gz"
	initrd=$initrd,/guest.gz
fi
if [ -n "$with_qemu" ]; then
	cp "$qemu_initrd" "$run/iso/qemu.zst"
	initrd=$initrd,/qemu.zst
fi
if [ -n "$with_deb" ]; then
	[ -f "$deb_initrd" ] || die "no $deb_initrd: run testbed.sh --build-only first"
	cp "$deb_initrd" "$run/iso/deb.zst"
	initrd=$initrd,/deb.zst
fi
cmdline="console=ttyS0,115200 quiet loglevel=4 nokaslr mitigations=off panic=1"
cmdline="$cmdline oops=panic minivmx.suite=$suite minivmx.kernel=$kernel"
# Guest time follows the instruction count (clock: sync=none), and the
# debug kernel runs many more instructions for the same work (a backtrace
# saved for every allocation): its boot alone keeps CPU 0 busy long enough
# for PROVE_RCU's 21-second grace-period check to warn.  Give RCU its
# longest stall timeout there.
[ "$kernel" = debug ] && cmdline="$cmdline rcupdate.rcu_cpu_stall_timeout=300"
# SLUB_DEBUG_ON's checks, red zones and poisoning, but not its record of
# each object's last allocation and free (U): KASAN keeps the same for
# every object and prints it in its reports.  Measured: 2-8 % less guest
# time per test (the boot 3.45 s against 3.18 s).
[ "$kernel" = debug ] && cmdline="$cmdline slub_debug=FZP"
cmdline="$cmdline $append ${MINIVMX_APPEND:-}"
cat >"$run/iso/isolinux/isolinux.cfg" <<EOF
DEFAULT minivmx
PROMPT 0
TIMEOUT 0
LABEL minivmx
	KERNEL /vmlinuz
	INITRD $initrd
	APPEND $cmdline
EOF
xorriso -as mkisofs -quiet -o "$run/test.iso" -b isolinux/isolinux.bin \
	-c isolinux/boot.cat -no-emul-boot -boot-load-size 4 -boot-info-table \
	"$run/iso" 2>"$run/xorriso.log" ||
	{ cat "$run/xorriso.log" >&2; die "xorriso failed"; }
rm -rf "$run/iso"
flock -u 8

# ---- boot -----------------------------------------------------------------
serial="$run/serial.out"
: >"$serial"
if [ "$backend" = bochs ]; then
	if [ "$bochs_ver" = 3.0 ]; then
		display='display_library: nogui'
	else
		display='display_library: rfb, options="timeout=0"'
		echo c >"$run/continue.rc"
	fi
	cat >"$run/bochsrc" <<EOF
megs: 512
cpu: model=corei7_skylake_x, count=$cpus, ips=200000000, reset_on_triple_fault=0
romimage: file=/usr/share/bochs/BIOS-bochs-latest
vgaromimage: file=/usr/share/vgabios/vgabios.bin
ata0-master: type=cdrom, path=test.iso, status=inserted
boot: cdrom
$display
com1: enabled=1, mode=file, dev=serial.out
log: bochs.log
panic: action=fatal
error: action=report$(for ((c = 0; c < cpus; c++)); do printf ', cpu%d=%s' $c $cpulog; done)
info: action=ignore
clock: sync=none, time0=local
port_e9_hack: enabled=1
EOF
	vm=("$bochs" -q -f bochsrc)
	[ "$bochs_ver" = 3.0 ] || vm+=(-rc continue.rc)
	vmlog="$run/bochs.log"
	what="Bochs $bochs_ver"
	[[ "$bochs" != *-pgo ]] || what="$what (built with profile feedback)"
else
	vm=("$TESTBED_DIR/qemu.sh" --launch test.iso serial.out "$cpus")
	vmlog="$run/vm.out"
	what="QEMU/KVM"
fi

desc="suite $suite on the $kernel kernel, $cpus CPU(s), $what"
log "booting $desc (limit ${timeout} s)"
usec() { echo "${EPOCHREALTIME/./}"; }
t0=$(usec)
(cd "$run" && exec "${vm[@]}" </dev/null >"$run/vm.out" 2>&1) &
vm_pid=$!
# Stopped early (make check interrupted, say): stop the emulator too.
trap 'kill -KILL "$vm_pid" 2>/dev/null || true' EXIT
trap 'exit 1' INT TERM

# Stream the guest's TAP output as it comes: from the runner's header to
# the done marker; the kernel's boot messages stay in serial.out.  (A
# shell loop, not awk: mawk reads its input in blocks and would hold the
# last lines back.)  The host's clock at the runner's start and at each
# test's result goes to $run/wall, for the table of slow tests below.
tail -n +1 -F -s 0.2 --pid="$vm_pid" "$serial" 2>/dev/null | {
	on=''
	while IFS= read -r line; do
		line=${line%$'\r'}
		case "$line" in "$DONE_MARKER"*) break ;; esac
		if [ -z "$on" ]; then
			# QEMU leaves a terminal reset sequence before the first line.
			case "$line" in
			'#'*) continue ;;
			*'TAP version 13') on=1 line='TAP version 13' ;;
			*) continue ;;
			esac
		fi
		printf '%s\n' "$line"
		case "$line" in
		"TAP version 13" | "ok "* | "not ok "*)
			echo "$((($(usec) - t0) / 1000)) $line" >>"$run/wall" ;;
		esac
	done
} &
stream_pid=$!

timed_out='' stop_at=''
while kill -0 "$vm_pid" 2>/dev/null; do
	now=$(usec)
	if [ $((now - t0)) -ge $((timeout * 1000000)) ]; then
		timed_out=1
		break
	fi
	# The guest powers off right after the done marker.  After a panic the
	# kernel reboots (panic=1) and the BIOS fails slowly: everything worth
	# reading has been printed once "Rebooting in" is out.
	if [ -z "$stop_at" ] && grep -aq -e "^$DONE_MARKER" -e '^\[[ 0-9.]*\] Rebooting in ' \
		-e 'end Kernel panic' "$serial"; then
		stop_at=$((now + 2000000))
	fi
	[ -n "$stop_at" ] && [ "$now" -ge "$stop_at" ] && break
	sleep 0.1
done
if kill -0 "$vm_pid" 2>/dev/null; then
	kill -TERM "$vm_pid" 2>/dev/null || true
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		kill -0 "$vm_pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$vm_pid" 2>/dev/null || true
fi
wait "$vm_pid" 2>/dev/null || true
wait "$stream_pid" 2>/dev/null || true
secs=$(( ($(usec) - t0) / 100000 ))
secs="$((secs / 10)).$((secs % 10))"

# ---- the verdict ------------------------------------------------------------
# What the live stream did not show: the serial output when the runner never
# started, and the emulator's log.
tails() {
	if [ -n "${1:-}" ] || ! grep -aq 'TAP version 13' "$serial"; then
		echo "---- last 40 lines of $serial ----"
		tail -n 40 "$serial" | tr -d '\r'
	fi
	echo "---- last ${2:-40} lines of $vmlog ----"
	tail -n "${2:-40}" "$vmlog" 2>/dev/null
	if [ "$vmlog" != "$run/vm.out" ]; then
		echo "---- last 5 lines of $run/vm.out ----"
		tail -n 5 "$run/vm.out"
	fi
	echo "----"
} >&2

# Where the wall-clock time went: the boot up to the runner, and the
# slowest tests (guest seconds, in each result line, are emulated time and
# say little about the host's).
wall_table() {
	[ -s "$run/wall" ] || return 0
	awk '{ t = $1 / 1000; $1 = ""; sub(/^ /, "")
		if ($0 == "TAP version 13") { boot = t; prev = t; next }
		name = $0; sub(/^(not )?ok [0-9]+ /, "", name); sub(/ #.*/, "", name)
		printf "%.1f %s\n", t - prev, name; prev = t }
		END { if (boot != "") printf "%.1f (boot to the runner)\n", boot }' \
		"$run/wall" | sort -rn | head -n 6 |
		awk '{ s = $1; $1 = ""; printf "%s%s %s s", n++ ? "," : "", $0, s }
		END { if (n) print "" }' |
		sed 's/^/testbed: wall clock, the slowest:/' >&2
}

if [ -n "$timed_out" ]; then
	echo "TIMEOUT after $timeout s: $desc" >&2
	tails all
	exit 1
fi
marker=$(tr -d '\r' <"$serial" | grep -a "^$DONE_MARKER rc=" | tail -n 1 || true)
summary=$(tr -d '\r' <"$serial" | grep -aE "$SUMMARY_RE" | tail -n 1 || true)
if grep -aq 'Kernel panic - not syncing' "$serial"; then
	echo "testbed: FAIL: the guest kernel panicked (an oops, a BUG or a panic: oops=panic ends the run): $desc" >&2
	if ! grep -aq 'TAP version 13' "$serial"; then
		tr -d '\r' <"$serial" | awk '/(BUG|Oops|WARNING|general protection|Kernel panic)/ { on = 1 } on' |
			head -n 80 >&2
	fi
	tails "" 10
	exit 1
fi
if [ -z "$marker" ] || [ -z "$summary" ]; then
	echo "testbed: FAIL: the guest stopped without ${summary:+the done marker}${summary:-a summary line}: $desc" >&2
	tails all
	exit 1
fi
failed=$(echo "$summary" | sed -E 's/.* ([0-9]+) failed.*/\1/')
if [ "$failed" -ne 0 ] || [ "$marker" != "$DONE_MARKER rc=0" ]; then
	# The kernel's own reports (a WARN; on the debug kernel KASAN, lockdep,
	# UBSAN, kmemleak) fail the suite's last test: say so plainly.
	dirty=$(tr -d '\r' <"$serial" | grep -a '^not ok [0-9]* dmesg clean' | tail -n 1 || true)
	if [ -n "$dirty" ]; then
		log "the $kernel kernel reported problems: ${dirty#*# }"
		log "the reports are the '# ' lines above that result; the whole log: $serial"
	fi
	wall_table
	log "FAIL: $desc: $summary ($secs s)"
	exit 1
fi
wall_table
log "PASS: $desc: $summary ($secs s)"

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The QEMU/KVM backend: the testbed's ISO under nested KVM, the fast path on
# an Intel host with VT-x and kvm_intel nested=1.  Everything but the
# launcher is testbed.sh's.
#
#   qemu.sh [testbed.sh options] SUITE      run a suite (testbed.sh --backend qemu)
#   qemu.sh --can-run                       exit 0 if this host can, else say why, exit 4
#   qemu.sh --launch ISO SERIAL CPUS        (used by testbed.sh) boot ISO
#
# MINIVMX_QEMU_TCG=1 runs QEMU without KVM (-accel tcg -cpu max, no VMX in
# the guest) on any host: it tests this backend's plumbing, not minivmx.
. "$(dirname "$0")/lib.sh"

can_run() {
	local nested
	if [ -n "${MINIVMX_QEMU_TCG:-}" ]; then
		log "qemu backend: MINIVMX_QEMU_TCG is set: plain emulation, the guest has no VT-x"
		"$TESTBED_DIR/deps.sh" qemu-system-x86
		return
	fi
	if ! grep -qw vmx /proc/cpuinfo; then
		log "qemu backend: this host's CPU has no VT-x (no vmx in /proc/cpuinfo): cannot run here; use the Bochs backend"
		return 4
	fi
	if [ ! -c /dev/kvm ]; then
		log "qemu backend: no /dev/kvm (load kvm_intel): cannot run here"
		return 4
	fi
	nested=$(cat /sys/module/kvm_intel/parameters/nested 2>/dev/null || echo N)
	case "$nested" in
	Y | y | 1) ;;
	*)
		log "qemu backend: kvm_intel nested=$nested; needs nested=1 to give the guest VT-x: cannot run here"
		return 4
		;;
	esac
	"$TESTBED_DIR/deps.sh" qemu-system-x86
}

case "${1:-}" in
--can-run)
	can_run
	;;
--launch)
	[ $# -eq 4 ] || die "usage: qemu.sh --launch ISO SERIAL CPUS"
	# -no-reboot: a panic (panic=1) ends the run instead of booting again.
	accel=(-enable-kvm -cpu host)
	[ -z "${MINIVMX_QEMU_TCG:-}" ] || accel=(-accel tcg -cpu max)
	exec qemu-system-x86_64 "${accel[@]}" -smp "$4" -m 512 \
		-nographic -no-reboot -serial "file:$3" -cdrom "$2" -boot d \
		-monitor none
	;;
*)
	exec "$TESTBED_DIR/testbed.sh" --backend qemu "$@"
	;;
esac

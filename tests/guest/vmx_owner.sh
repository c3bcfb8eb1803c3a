#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Who holds VMX on Linux 6.12 and later, where kvm_intel turns VMX on as
# soon as it loads (kvm.enable_virt_at_load, default 1):
#  1-4 kvm_intel loaded first with that default, as at boot: minivmx
#      refuses to load, leaves no module and no device behind, says why and
#      what to do; once kvm_intel is unloaded minivmx loads and runs a guest;
#  5-6 minivmx loaded first: kvm_intel with the default fails to load, and
#      minivmx still runs guests;
#  7-8 KVM loaded with the kernel command line's kvm.* and kvm_intel.*
#      options, as modprobe loads it (the stock612 suite boots with
#      kvm.enable_virt_at_load=0): kvm_intel leaves VMX off, and minivmx
#      loads beside it and runs a guest.  kvm_peer then checks the rest as
#      on 6.1: KVM_CREATE_VM refused while minivmx is loaded, and minivmx
#      refused while a KVM VM exists.
# The default is given explicitly in 1-6 (enable_virt_at_load=1), since
# the command line says otherwise.  On a kernel whose kvm has no
# enable_virt_at_load (before 6.12) the script skips.
kvm=${MINIVMX_KVM_DIR:-/minivmx/kvm}
ko=${MINIVMX_KO:-/minivmx/minivmx.ko}
guest=/minivmx/guests/hello-long.bin
n=0 failed=0

result() {	# STATUS TEXT
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n $2"
	else
		echo "not ok $n $2"
		failed=$((failed + 1))
	fi
}
loaded() { grep -q "^$1 " /proc/modules; }
# The kernel command line's options for module $1 ("kvm.x=1" -> "x=1").
cmdline_opts() {
	tr ' ' '\n' </proc/cmdline | sed -n "s/^$1\\.//p" | tr '\n' ' '
}
# The kernel log since mark $1 (written with mark).
mark() { echo "minivmx-vmx-owner: $1" >/dev/kmsg; }
log_since() { dmesg | sed -n "/minivmx-vmx-owner: $1\$/,\$p"; }
run_guest() {
	minivmx run --mode long "$guest" >/tmp/vmx_owner.out 2>&1 ||
		{ sed 's/^/# /' /tmp/vmx_owner.out | tail -n 10; return 1; }
}
unload_all() {
	for m in minivmx kvm_intel kvm irqbypass; do
		loaded $m && rmmod $m
	done
}

if ! grep -q enable_virt_at_load "$kvm/kvm.ko" 2>/dev/null; then
	echo "# SKIP: $kvm/kvm.ko has no enable_virt_at_load (Linux before 6.12)"
	exit 4
fi
echo "1..8"
unload_all

# ---- 1-4: kvm_intel first, VMX on at load ----------------------------------
insmod "$kvm/irqbypass.ko" && insmod "$kvm/kvm.ko" enable_virt_at_load=1 &&
	insmod "$kvm/kvm-intel.ko"
p=$(cat /sys/module/kvm/parameters/enable_virt_at_load 2>/dev/null)
loaded kvm_intel && [ "$p" = Y ]
result $? "kvm_intel loads with kvm.enable_virt_at_load=1 (reads '$p')"

mark refused
insmod "$ko" 2>/tmp/vmx_owner.err
rc=$?
sed 's/^/# insmod: /' /tmp/vmx_owner.err
[ "$rc" -ne 0 ] && grep -qi busy /tmp/vmx_owner.err && ! loaded minivmx &&
	[ ! -e /dev/minivmx ]
result $? "minivmx refuses to load while kvm_intel holds VMX (EBUSY, no module, no /dev/minivmx)"

log_since refused | grep 'VMX is already in use' >/tmp/vmx_owner.msg
sed 's/^/# /' /tmp/vmx_owner.msg
grep -q 'rmmod kvm_intel' /tmp/vmx_owner.msg &&
	grep -q 'kvm.enable_virt_at_load=0' /tmp/vmx_owner.msg
result $? "its message names kvm_intel and kvm.enable_virt_at_load=0"

rmmod kvm_intel && insmod "$ko" && run_guest && rmmod minivmx
result $? "after rmmod kvm_intel minivmx loads, runs a guest and unloads"

# ---- 5-6: minivmx first ----------------------------------------------------
insmod "$ko" || echo "# insmod minivmx failed"
mark kvm-refused
insmod "$kvm/kvm-intel.ko" 2>/tmp/vmx_owner.err
rc=$?
sed 's/^/# insmod: /' /tmp/vmx_owner.err
log_since kvm-refused | grep -v 'minivmx-vmx-owner' | sed 's/^/# /'
[ "$rc" -ne 0 ] && ! loaded kvm_intel
result $? "kvm_intel (enable_virt_at_load=1) fails to load while minivmx holds VMX"

loaded minivmx && run_guest && rmmod minivmx
result $? "minivmx still runs a guest, and unloads"

# ---- 7-8: the command line's options ---------------------------------------
rmmod kvm
kopts=$(cmdline_opts kvm) iopts=$(cmdline_opts kvm_intel)
echo "# kvm options from /proc/cmdline: '$kopts'; kvm_intel: '$iopts'"
# shellcheck disable=SC2086 # one word per option
insmod "$kvm/kvm.ko" $kopts && insmod "$kvm/kvm-intel.ko" $iopts
p=$(cat /sys/module/kvm/parameters/enable_virt_at_load 2>/dev/null)
if [ "$p" != N ]; then
	loaded kvm_intel
	result 1 "kvm_intel loads with VMX off (enable_virt_at_load reads '$p': is kvm.enable_virt_at_load=0 on the command line?)"
	result 1 "minivmx loads beside kvm_intel # not tried"
else
	loaded kvm_intel
	result $? "kvm_intel loads with kvm.enable_virt_at_load=0 from the command line"
	insmod "$ko" && run_guest && rmmod minivmx
	result $? "minivmx loads beside kvm_intel, runs a guest and unloads"
fi

unload_all
echo "$((n - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]

// SPDX-License-Identifier: GPL-2.0-only
/*
 * libminivmx - a thin C library over the /dev/minivmx ioctls.
 *
 * Only plumbing lives here: open the device, issue an ioctl, turn -1/errno
 * into -errno, size the buffers an ioctl needs, map a vCPU's run page.
 * Decoding and messages belong to the callers.  The device registry is in
 * bus.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "libminivmx.h"

/*
 * MINIVMX_GET_VMX_INFO is retried while the kernel answers -E2BIG; the
 * number of possible CPUs does not change after boot, so a second try is
 * normally the last.  The bound only stops a misbehaving kernel.
 */
#define VMX_INFO_TRIES		16
#define VMX_INFO_MIN_ROOM	64

static int minivmx_ioctl(int fd, unsigned long request, unsigned long arg)
{
	int ret = ioctl(fd, request, arg);

	return ret < 0 ? -errno : ret;
}

/**
 * minivmx_device_path() - the device node the library opens
 *
 * Return: the value of the environment variable MINIVMX_DEVICE if it is set
 * and not empty, else "/dev/minivmx".
 */
const char *minivmx_device_path(void)
{
	const char *path = getenv(MINIVMX_DEVICE_ENV);

	return path && *path ? path : MINIVMX_DEVICE_DEFAULT;
}

/**
 * minivmx_open_path() - open a minivmx device node
 * @path: the device node
 * @fd: out: the file descriptor, opened O_RDWR | O_CLOEXEC
 *
 * Return: 0, or -errno from open(2) (-ENOENT: the module is not loaded,
 * -EACCES: no permission on the node).
 */
int minivmx_open_path(const char *path, int *fd)
{
	int ret = open(path, O_RDWR | O_CLOEXEC);

	if (ret < 0)
		return -errno;
	*fd = ret;
	return 0;
}

/**
 * minivmx_open() - open the device named by minivmx_device_path()
 * @fd: out: the file descriptor
 *
 * Return: 0 or -errno, as minivmx_open_path().
 */
int minivmx_open(int *fd)
{
	return minivmx_open_path(minivmx_device_path(), fd);
}

/**
 * minivmx_close() - close a descriptor from minivmx_open()
 * @fd: the descriptor; a negative value is ignored
 */
void minivmx_close(int fd)
{
	if (fd >= 0)
		close(fd);
}

/**
 * minivmx_get_api_version() - MINIVMX_GET_API_VERSION
 * @fd: the device descriptor
 * @version: out: the module's API version, to compare with
 *	MINIVMX_API_VERSION
 *
 * Return: 0, or -errno (-ENOTTY: @fd is not a minivmx device).
 */
int minivmx_get_api_version(int fd, int *version)
{
	int ret = minivmx_ioctl(fd, MINIVMX_GET_API_VERSION, 0);

	if (ret < 0)
		return ret;
	*version = ret;
	return 0;
}

/**
 * minivmx_check_cap() - MINIVMX_CHECK_CAP
 * @fd: the device descriptor
 * @cap: a MINIVMX_CAP_* number
 * @value: out: 0 if the capability is absent or unknown, else its value
 *	(1, or a number for capabilities that answer one)
 *
 * Return: 0 or -errno.
 */
int minivmx_check_cap(int fd, unsigned int cap, int *value)
{
	int ret = minivmx_ioctl(fd, MINIVMX_CHECK_CAP, cap);

	if (ret < 0)
		return ret;
	*value = ret;
	return 0;
}

static int vmx_info_call(int fd, struct minivmx_vmx_info *info,
			 struct minivmx_cpu_state *cpus, __u32 room)
{
	memset(info, 0, sizeof(*info));
	info->nr_cpus = room;
	info->cpus = (__u64)(uintptr_t)cpus;
	return minivmx_ioctl(fd, MINIVMX_GET_VMX_INFO, (unsigned long)info);
}

/* The room for the next try: what the kernel asked for, else more. */
static __u32 vmx_info_next_room(__u32 room, __u32 wanted)
{
	if (wanted > room)
		return wanted;
	return room < VMX_INFO_MIN_ROOM / 2 ? VMX_INFO_MIN_ROOM : room * 2;
}

/**
 * minivmx_get_vmx_info() - MINIVMX_GET_VMX_INFO with its per-CPU array
 * @fd: the device descriptor
 * @info: out: the answer; @info->nr_cpus entries of @cpus are valid
 * @cpus: out: a malloc()ed array of per-CPU states for the caller to free(),
 *	or NULL when @info->nr_cpus is 0
 *
 * The first call passes no array to learn the number of possible CPUs; the
 * next passes an array that large.  When the kernel answers -E2BIG the
 * array is grown (to the count it reports, if it reports a larger one) and
 * the call is repeated.
 *
 * Return: 0, or -errno (-ENOMEM if the array cannot be allocated, -E2BIG if
 * the kernel keeps asking for more room).
 */
int minivmx_get_vmx_info(int fd, struct minivmx_vmx_info *info,
			 struct minivmx_cpu_state **cpus)
{
	struct minivmx_cpu_state *buf = NULL, *grown;
	__u32 room = 0;
	int tries, ret = -E2BIG;

	*cpus = NULL;
	for (tries = 0; tries < VMX_INFO_TRIES; tries++) {
		ret = vmx_info_call(fd, info, buf, room);
		if (ret == 0 && info->nr_cpus <= room) {
			*cpus = buf;
			return 0;
		}
		if (ret < 0 && ret != -E2BIG)
			break;
		room = vmx_info_next_room(room, info->nr_cpus);
		grown = realloc(buf, (size_t)room * sizeof(*buf));
		if (!grown) {
			ret = -ENOMEM;
			break;
		}
		buf = grown;
		memset(buf, 0, (size_t)room * sizeof(*buf));
		ret = -E2BIG;
	}
	free(buf);
	return ret;
}

/**
 * minivmx_create_vm_flags() - MINIVMX_CREATE_VM with flags
 * @fd: the device descriptor
 * @flags: 0 for a VM on EPT, or MINIVMX_VM_SHADOW_PAGING for one whose
 *	guest page tables the kernel shadows (Documentation/shadow.rst)
 * @vm_fd: out: the new VM's descriptor (O_CLOEXEC); the VM lives until it
 *	and all its vCPU descriptors are closed
 *
 * Return: 0, or -errno (-ENOMEM; -EINVAL for unknown flags).
 */
int minivmx_create_vm_flags(int fd, unsigned int flags, int *vm_fd)
{
	int ret = minivmx_ioctl(fd, MINIVMX_CREATE_VM, flags);

	if (ret < 0)
		return ret;
	*vm_fd = ret;
	return 0;
}

/**
 * minivmx_create_vm() - MINIVMX_CREATE_VM: a VM on EPT
 * @fd: the device descriptor
 * @vm_fd: out: the new VM's descriptor, as minivmx_create_vm_flags()
 *
 * Return: 0, or -errno (-ENOMEM).
 */
int minivmx_create_vm(int fd, int *vm_fd)
{
	return minivmx_create_vm_flags(fd, 0, vm_fd);
}

/**
 * minivmx_set_memory_region() - MINIVMX_SET_MEMORY_REGION: add a region
 * @vm_fd: the VM descriptor
 * @slot: 0 .. MINIVMX_MAX_MEM_SLOTS - 1, unused
 * @flags: MINIVMX_MEM_*
 * @gpa: page-aligned guest-physical start
 * @size: bytes, page-aligned, not 0
 * @host: page-aligned backing memory of @size bytes in this process
 *
 * The kernel pins the backing pages while the region exists.
 *
 * Return: 0, or -errno (-EEXIST: the slot is in use; -EINVAL: misaligned,
 * overlapping or out of range; -ENOMEM: over RLIMIT_MEMLOCK or out of
 * memory).
 */
int minivmx_set_memory_region(int vm_fd, __u32 slot, __u32 flags, __u64 gpa,
			      __u64 size, void *host)
{
	struct minivmx_memory_region r = {
		.slot = slot,
		.flags = flags,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (__u64)(uintptr_t)host,
	};

	if (!size)
		return -EINVAL;
	return minivmx_ioctl(vm_fd, MINIVMX_SET_MEMORY_REGION,
			     (unsigned long)&r);
}

/**
 * minivmx_delete_memory_region() - MINIVMX_SET_MEMORY_REGION with size 0
 * @vm_fd: the VM descriptor
 * @slot: the region's slot
 *
 * Return: 0, or -errno (-ENOENT: the slot is empty).
 */
int minivmx_delete_memory_region(int vm_fd, __u32 slot)
{
	struct minivmx_memory_region r = { .slot = slot };

	return minivmx_ioctl(vm_fd, MINIVMX_SET_MEMORY_REGION,
			     (unsigned long)&r);
}

/**
 * minivmx_set_port_route() - MINIVMX_SET_PORT_ROUTE
 * @vm_fd: the VM descriptor
 * @first_port: first port of the range
 * @nr_ports: ports in the range, at least 1
 * @handler: MINIVMX_PORT_DEBUGCON or MINIVMX_PORT_EXIT to claim the range
 *	for an in-kernel device, MINIVMX_PORT_USER to give it back
 *
 * Return: 0, or -errno (-EBUSY: part of the range is claimed already;
 * -ENOSPC: no route left; -EINVAL: bad range or handler).
 */
int minivmx_set_port_route(int vm_fd, __u16 first_port, __u16 nr_ports,
			   __u32 handler)
{
	struct minivmx_port_route r = {
		.first_port = first_port,
		.nr_ports = nr_ports,
		.handler = handler,
	};

	return minivmx_ioctl(vm_fd, MINIVMX_SET_PORT_ROUTE, (unsigned long)&r);
}

/**
 * minivmx_set_exit_routes() - MINIVMX_SET_EXIT_ROUTES
 * @vm_fd: the VM descriptor
 * @user: bit N set: VM exits with basic reason N end MINIVMX_RUN with
 *	MINIVMX_EXIT_ROUTED instead of being handled in the kernel; bits
 *	of MINIVMX_ROUTABLE_EXITS only; 0 gives them all back
 *
 * Return: 0, or -errno (-EINVAL: a reason that cannot be routed).
 */
int minivmx_set_exit_routes(int vm_fd, __u64 user)
{
	struct minivmx_exit_routes r = { .user = { user } };

	return minivmx_ioctl(vm_fd, MINIVMX_SET_EXIT_ROUTES, (unsigned long)&r);
}

/**
 * minivmx_create_lapic() - MINIVMX_CREATE_LAPIC
 * @vm_fd: the VM descriptor
 *
 * Every vCPU created afterwards has a local APIC in the kernel
 * (Documentation/interrupts.rst).
 *
 * Return: 0, or -errno (-EEXIST: called before; -EBUSY: a vCPU exists).
 */
int minivmx_create_lapic(int vm_fd)
{
	return minivmx_ioctl(vm_fd, MINIVMX_CREATE_LAPIC, 0);
}

/**
 * minivmx_signal_msi() - MINIVMX_SIGNAL_MSI
 * @vm_fd: the VM descriptor
 * @address: the message address (0xFEExxxxx)
 * @data: the message data
 *
 * Any thread may call it.
 *
 * Return: the number of local APICs that accepted the message, or -errno
 * (-ENXIO: the VM has no local APICs; -EINVAL: a malformed message).
 */
int minivmx_signal_msi(int vm_fd, __u64 address, __u32 data)
{
	struct minivmx_msi msi = { .address = address, .data = data };

	return minivmx_ioctl(vm_fd, MINIVMX_SIGNAL_MSI, (unsigned long)&msi);
}

/**
 * minivmx_create_vcpu() - MINIVMX_CREATE_VCPU and map its run structure
 * @vm_fd: the VM descriptor
 * @id: the vCPU index, below MINIVMX_MAX_VCPUS
 * @vcpu_fd: out: the vCPU descriptor (O_CLOEXEC)
 * @run: out: its struct minivmx_run, MINIVMX_RUN_SIZE bytes mapped shared
 *
 * The vCPU starts in the state of a CPU after RESET; set its registers
 * before running it.  Free both with minivmx_destroy_vcpu().
 *
 * Return: 0, or -errno (-EEXIST: @id is taken; -EINVAL: @id too large).
 */
int minivmx_create_vcpu(int vm_fd, unsigned int id, int *vcpu_fd,
			struct minivmx_run **run)
{
	int fd = minivmx_ioctl(vm_fd, MINIVMX_CREATE_VCPU, id);
	void *map;

	if (fd < 0)
		return fd;
	map = mmap(NULL, MINIVMX_RUN_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
		   fd, 0);
	if (map == MAP_FAILED) {
		int ret = -errno;

		close(fd);
		return ret;
	}
	*vcpu_fd = fd;
	*run = map;
	return 0;
}

/**
 * minivmx_destroy_vcpu() - unmap the run structure and close the vCPU
 * @vcpu_fd: the descriptor from minivmx_create_vcpu(); negative: ignored
 * @run: its run structure, or NULL
 */
void minivmx_destroy_vcpu(int vcpu_fd, struct minivmx_run *run)
{
	if (run)
		munmap(run, MINIVMX_RUN_SIZE);
	if (vcpu_fd >= 0)
		close(vcpu_fd);
}

/**
 * minivmx_get_regs() - MINIVMX_GET_REGS
 * @vcpu_fd: the vCPU descriptor
 * @regs: out: the general registers, RIP and RFLAGS
 *
 * Return: 0 or -errno.
 */
int minivmx_get_regs(int vcpu_fd, struct minivmx_regs *regs)
{
	return minivmx_ioctl(vcpu_fd, MINIVMX_GET_REGS, (unsigned long)regs);
}

/**
 * minivmx_set_regs() - MINIVMX_SET_REGS
 * @vcpu_fd: the vCPU descriptor
 * @regs: the general registers, RIP and RFLAGS (bit 1 set)
 *
 * Also cancels what the last exit to userspace left to complete.
 *
 * Return: 0, or -errno (-EINVAL: reserved RFLAGS bits).
 */
int minivmx_set_regs(int vcpu_fd, const struct minivmx_regs *regs)
{
	return minivmx_ioctl(vcpu_fd, MINIVMX_SET_REGS, (unsigned long)regs);
}

/**
 * minivmx_get_sregs() - MINIVMX_GET_SREGS
 * @vcpu_fd: the vCPU descriptor
 * @sregs: out: segments, descriptor tables, control registers, EFER
 *
 * Return: 0 or -errno.
 */
int minivmx_get_sregs(int vcpu_fd, struct minivmx_sregs *sregs)
{
	return minivmx_ioctl(vcpu_fd, MINIVMX_GET_SREGS, (unsigned long)sregs);
}

/**
 * minivmx_set_sregs() - MINIVMX_SET_SREGS
 * @vcpu_fd: the vCPU descriptor
 * @sregs: segments with their hidden parts, descriptor tables, control
 *	registers and EFER; reserved fields and pads 0
 *
 * Return: 0, or -errno (-EINVAL: a state the CPU would refuse; nothing is
 * changed then).
 */
int minivmx_set_sregs(int vcpu_fd, const struct minivmx_sregs *sregs)
{
	return minivmx_ioctl(vcpu_fd, MINIVMX_SET_SREGS, (unsigned long)sregs);
}

/**
 * minivmx_set_cpuid() - MINIVMX_SET_CPUID
 * @vcpu_fd: the vCPU descriptor
 * @entries: @nr answers that override the filtered host values
 * @nr: at most MINIVMX_MAX_CPUID_ENTRIES; 0 clears the overrides
 *
 * Return: 0, or -errno (-EINVAL: too many entries, bad flags or pads).
 */
int minivmx_set_cpuid(int vcpu_fd, const struct minivmx_cpuid_entry *entries,
		      __u32 nr)
{
	struct minivmx_cpuid c = {
		.nr = nr,
		.entries = (__u64)(uintptr_t)entries,
	};

	return minivmx_ioctl(vcpu_fd, MINIVMX_SET_CPUID, (unsigned long)&c);
}

/**
 * minivmx_run() - MINIVMX_RUN
 * @vcpu_fd: the vCPU descriptor
 *
 * Runs the guest until an exit needs userspace; the run structure says
 * why.  A pending I/O or MMIO read is completed from the run structure
 * first.
 *
 * Return: 0, or -errno (-EINTR: a signal arrived or immediate_exit was set;
 * the exit reason is then MINIVMX_EXIT_INTR).
 */
int minivmx_run(int vcpu_fd)
{
	return minivmx_ioctl(vcpu_fd, MINIVMX_RUN, 0);
}

/**
 * minivmx_set_guest_debug() - MINIVMX_SET_GUEST_DEBUG
 * @vcpu_fd: the vCPU descriptor
 * @dbg: what stops the guest: single steps (@dbg->steps instructions per
 *	stop), software and hardware breakpoints, exit breakpoints; a
 *	@dbg->control without MINIVMX_GUESTDBG_ENABLE turns debugging off.
 *	Pads and reserved fields 0.
 *
 * MINIVMX_CHECK_CAP(MINIVMX_CAP_GUEST_DEBUG) answers the control bits the
 * module supports.
 *
 * Return: 0, or -errno (-EINVAL: an unsupported control bit, a bad DR7 or
 * breakpoint address, an exit bitmap bit past the known reasons, a
 * non-zero pad).
 */
int minivmx_set_guest_debug(int vcpu_fd,
			    const struct minivmx_guest_debug *dbg)
{
	return minivmx_ioctl(vcpu_fd, MINIVMX_SET_GUEST_DEBUG,
			     (unsigned long)dbg);
}

/**
 * minivmx_get_vmcs() - MINIVMX_GET_VMCS
 * @vcpu_fd: the vCPU descriptor
 * @fields: in: @nr encodings (pads 0); out: their values
 * @nr: at most MINIVMX_MAX_VMCS_FIELDS
 *
 * Host-physical addresses read with bits 63:12 cleared.
 *
 * Return: 0, or -errno (-EINVAL: an encoding the CPU does not support, or
 * too many; -EPERM: a host-state field; nothing is read then).
 */
int minivmx_get_vmcs(int vcpu_fd, struct minivmx_vmcs_field *fields,
		     __u32 nr)
{
	struct minivmx_vmcs_read r = {
		.nr = nr,
		.fields = (__u64)(uintptr_t)fields,
	};

	return minivmx_ioctl(vcpu_fd, MINIVMX_GET_VMCS, (unsigned long)&r);
}

/**
 * minivmx_exit_ring_size() - bytes of a ring's mapping
 * @entries: the ring's size
 *
 * Return: the header page and @entries records.
 */
size_t minivmx_exit_ring_size(__u32 entries)
{
	return MINIVMX_RING_RECORDS +
	       (size_t)entries * sizeof(struct minivmx_exit_record);
}

/**
 * minivmx_set_exit_ring() - MINIVMX_SET_EXIT_RING and map the ring
 * @vcpu_fd: the vCPU descriptor
 * @entries: the ring's size, a power of 2 up to what MINIVMX_CAP_EXIT_RING
 *	answers; 0 stops recording
 * @ring: out (with @entries): the ring, minivmx_exit_ring_size() bytes
 *	mapped shared; the records follow at MINIVMX_RING_RECORDS.  Unmap
 *	it with minivmx_unmap_exit_ring().  NULL: do not map.
 *
 * Return: 0, or -errno (-EINVAL: a bad size; -EBUSY: the vCPU has a ring
 * of another size).
 */
int minivmx_set_exit_ring(int vcpu_fd, __u32 entries,
			  struct minivmx_exit_ring **ring)
{
	struct minivmx_ring_config c = { .entries = entries };
	void *map;
	int ret;

	ret = minivmx_ioctl(vcpu_fd, MINIVMX_SET_EXIT_RING, (unsigned long)&c);
	if (ret || !entries || !ring)
		return ret;
	map = mmap(NULL, minivmx_exit_ring_size(entries),
		   PROT_READ | PROT_WRITE, MAP_SHARED, vcpu_fd,
		   MINIVMX_RING_OFFSET);
	if (map == MAP_FAILED)
		return -errno;
	*ring = map;
	return 0;
}

/**
 * minivmx_unmap_exit_ring() - unmap what minivmx_set_exit_ring() mapped
 * @ring: the ring, or NULL
 * @entries: its size
 */
void minivmx_unmap_exit_ring(struct minivmx_exit_ring *ring, __u32 entries)
{
	if (ring)
		munmap(ring, minivmx_exit_ring_size(entries));
}

/**
 * minivmx_console_drain() - write out and empty the in-kernel console ring
 * @run: the vCPU's run structure
 * @out_fd: where the bytes go (STDOUT_FILENO for the tool)
 *
 * Call it after every return from MINIVMX_RUN.  The ring is emptied even
 * when writing fails, so a closed output cannot stall the guest.
 *
 * Return: 0, or -errno from write(2).
 */
int minivmx_console_drain(struct minivmx_run *run, int out_fd)
{
	__u32 len = run->console_len, done = 0;
	ssize_t n;
	int ret = 0;

	if (len > MINIVMX_CONSOLE_SIZE)
		len = MINIVMX_CONSOLE_SIZE;
	while (done < len) {
		n = write(out_fd, run->console + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ret = n < 0 ? -errno : -EIO;
			break;
		}
		done += n;
	}
	run->console_len = 0;
	return ret;
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libminivmx - a thin C library over the /dev/minivmx ioctls.
 *
 * Every function returns 0 on success or a negative errno value; none of
 * them prints anything, so callers decide how to explain a failure.
 */
#ifndef LIBMINIVMX_H
#define LIBMINIVMX_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/minivmx.h>

#define MINIVMX_DEVICE_DEFAULT	"/dev/minivmx"
#define MINIVMX_DEVICE_ENV	"MINIVMX_DEVICE"

const char *minivmx_device_path(void);
int minivmx_open_path(const char *path, int *fd);
int minivmx_open(int *fd);
void minivmx_close(int fd);
int minivmx_get_api_version(int fd, int *version);
int minivmx_check_cap(int fd, unsigned int cap, int *value);
int minivmx_get_vmx_info(int fd, struct minivmx_vmx_info *info,
			 struct minivmx_cpu_state **cpus);

/* VMs, memory and vCPUs */
int minivmx_create_vm(int fd, int *vm_fd);
int minivmx_create_vm_flags(int fd, unsigned int flags, int *vm_fd);
int minivmx_set_memory_region(int vm_fd, __u32 slot, __u32 flags, __u64 gpa,
			      __u64 size, void *host);
int minivmx_delete_memory_region(int vm_fd, __u32 slot);
int minivmx_set_port_route(int vm_fd, __u16 first_port, __u16 nr_ports,
			   __u32 handler);
int minivmx_set_exit_routes(int vm_fd, __u64 user);
int minivmx_create_lapic(int vm_fd);
int minivmx_signal_msi(int vm_fd, __u64 address, __u32 data);
int minivmx_create_vcpu(int vm_fd, unsigned int id, int *vcpu_fd,
			struct minivmx_run **run);
void minivmx_destroy_vcpu(int vcpu_fd, struct minivmx_run *run);
int minivmx_get_regs(int vcpu_fd, struct minivmx_regs *regs);
int minivmx_set_regs(int vcpu_fd, const struct minivmx_regs *regs);
int minivmx_get_sregs(int vcpu_fd, struct minivmx_sregs *sregs);
int minivmx_set_sregs(int vcpu_fd, const struct minivmx_sregs *sregs);
int minivmx_set_cpuid(int vcpu_fd, const struct minivmx_cpuid_entry *entries,
		      __u32 nr);
int minivmx_run(int vcpu_fd);
int minivmx_set_guest_debug(int vcpu_fd,
			    const struct minivmx_guest_debug *dbg);
int minivmx_get_vmcs(int vcpu_fd, struct minivmx_vmcs_field *fields,
		     __u32 nr);
int minivmx_console_drain(struct minivmx_run *run, int out_fd);
size_t minivmx_exit_ring_size(__u32 entries);
int minivmx_set_exit_ring(int vcpu_fd, __u32 entries,
			  struct minivmx_exit_ring **ring);
void minivmx_unmap_exit_ring(struct minivmx_exit_ring *ring, __u32 entries);

/*
 * The device registry (kvmtool's model): userspace devices claim port and
 * guest-physical ranges with a callback, and minivmx_bus_handle_exit()
 * dispatches MINIVMX_EXIT_IO and MINIVMX_EXIT_MMIO exits to them.
 */

/* What a device callback returns besides 0 (go on) or a negative errno. */
#define MINIVMX_BUS_STOP	1	/* the device ended the run */

/**
 * typedef minivmx_pio_fn - a port device's access handler
 * @opaque: what the device registered
 * @port: the port accessed (the first of @size consecutive ports)
 * @data: @size bytes, little-endian: written by the guest for OUT, to be
 *	filled for IN
 * @size: 1, 2 or 4
 * @is_write: OUT (true) or IN (false)
 *
 * Called once per item of a string instruction.
 *
 * Return: 0, MINIVMX_BUS_STOP, or a negative errno.
 */
typedef int (*minivmx_pio_fn)(void *opaque, __u16 port, __u8 *data,
			      __u32 size, bool is_write);

/**
 * typedef minivmx_mmio_fn - an MMIO device's access handler
 * @opaque: what the device registered
 * @gpa: the guest-physical address accessed
 * @data: @len bytes, little-endian: written by the guest, or to be filled
 * @len: 1 to 8
 * @is_write: a write (true) or a read (false)
 *
 * Return: 0, MINIVMX_BUS_STOP, or a negative errno.
 */
typedef int (*minivmx_mmio_fn)(void *opaque, __u64 gpa, __u8 *data,
			       __u32 len, bool is_write);

#define MINIVMX_BUS_MAX_RANGES	32

/**
 * struct minivmx_bus_range - one claimed range
 * @first: first port or guest-physical address
 * @len: ports or bytes
 * @pio: handler of a port range
 * @mmio: handler of an MMIO range
 * @opaque: passed to the handler
 */
struct minivmx_bus_range {
	__u64 first;
	__u64 len;
	minivmx_pio_fn pio;
	minivmx_mmio_fn mmio;
	void *opaque;
};

/**
 * struct minivmx_bus - the devices of one VM
 * @pio: claimed port ranges
 * @nr_pio: entries used in @pio
 * @mmio: claimed guest-physical ranges
 * @nr_mmio: entries used in @mmio
 *
 * Zero-initialize it (minivmx_bus_init()); it needs no cleanup.
 */
struct minivmx_bus {
	struct minivmx_bus_range pio[MINIVMX_BUS_MAX_RANGES];
	unsigned int nr_pio;
	struct minivmx_bus_range mmio[MINIVMX_BUS_MAX_RANGES];
	unsigned int nr_mmio;
};

void minivmx_bus_init(struct minivmx_bus *bus);
int minivmx_register_pio(struct minivmx_bus *bus, __u16 first, __u32 count,
			 minivmx_pio_fn fn, void *opaque);
int minivmx_register_mmio(struct minivmx_bus *bus, __u64 gpa, __u64 len,
			  minivmx_mmio_fn fn, void *opaque);
int minivmx_bus_handle_exit(struct minivmx_bus *bus, struct minivmx_run *run);

#endif /* LIBMINIVMX_H */

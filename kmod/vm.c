// SPDX-License-Identifier: GPL-2.0-only
/*
 * VMs: the VM file descriptor, guest memory regions and port routing.
 *
 * A VM lives as long as its fd or any of its vCPUs (mvx_vm.users).  Guest
 * memory is userspace memory, pinned while a region exists and mapped
 * through EPT.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/nospec.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
/* smp_send_reschedule() traces the IPI since Linux 6.6. */
#include <trace/events/ipi.h>

#include "minivmx.h"

/**
 * mvx_vm_owned() - whether the caller may drive @vm
 * @vm: the VM
 *
 * Return: true in the process that created the VM.
 */
bool mvx_vm_owned(struct mvx_vm *vm)
{
	return current->mm == vm->mm;
}

/*
 * Interrupt the CPUs where the VM's vCPUs last ran: an IPI makes a guest
 * there exit (external-interrupt exiting), and the run loop then sees
 * mem_waiters.  Spurious IPIs to CPUs that left the guest are harmless.
 */
static void mvx_kick_vcpus(struct mvx_vm *vm)
{
	int i, cpu, me = get_cpu();

	for (i = 0; i < MINIVMX_MAX_VCPUS; i++) {
		if (!vm->vcpus[i])
			continue;
		cpu = READ_ONCE(vm->vcpus[i]->vmcs.cpu);
		if (cpu >= 0 && cpu != me && cpu_online(cpu))
			smp_send_reschedule(cpu);
	}
	put_cpu();
}

/**
 * mvx_mem_write_lock() - take the VM's mem_lock to change memory or routes
 * @vm: the VM, its lock held (it keeps the vCPUs from going away)
 *
 * Running vCPUs hold mem_lock for reading for a whole batch; announcing
 * the writer and kicking their CPUs makes them leave the guest at once
 * (the preemption timer in vmcs.c bounds it to about a millisecond on a
 * CPU that loses the IPI's exit).
 *
 * Return: 0, or -EINTR if a fatal signal came first.
 */
int mvx_mem_write_lock(struct mvx_vm *vm)
{
	int ret;

	lockdep_assert_held(&vm->lock);
	atomic_inc(&vm->mem_waiters);
	mvx_kick_vcpus(vm);
	ret = down_write_killable(&vm->mem_lock);
	if (ret)
		atomic_dec(&vm->mem_waiters);
	return ret;
}

void mvx_mem_write_unlock(struct mvx_vm *vm)
{
	atomic_dec(&vm->mem_waiters);
	up_write(&vm->mem_lock);
}

static void mvx_slot_release(struct mvx_vm *vm, struct mvx_slot *slot)
{
	unsigned long npages = slot->size >> PAGE_SHIFT;

	/* The guest may have written any page it could write. */
	unpin_user_pages_dirty_lock(slot->pages, npages,
				    !(slot->flags & MINIVMX_MEM_READONLY));
	/* At process exit the fds close after the address space is gone. */
	if (mmget_not_zero(vm->mm)) {
		account_locked_vm(vm->mm, npages, false);
		mmput(vm->mm);
	}
	kvfree(slot->pages);
	memset(slot, 0, sizeof(*slot));
}

void mvx_vm_put(struct mvx_vm *vm)
{
	int i;

	if (!refcount_dec_and_test(&vm->users))
		return;
	for (i = 0; i < MINIVMX_MAX_MEM_SLOTS; i++)
		if (vm->slots[i].size)
			mvx_slot_release(vm, &vm->slots[i]);
	ept_destroy(vm);
	mvx_stat_vm_remove(vm);
	mmdrop(vm->mm);
	kfree(vm);
}

/**
 * mvx_gpa_slot() - the memory region that backs @gpa
 * @vm: the VM
 * @gpa: guest-physical address
 *
 * Return: the slot, or NULL for unbacked (MMIO) addresses.
 */
struct mvx_slot *mvx_gpa_slot(struct mvx_vm *vm, u64 gpa)
{
	int i;

	for (i = 0; i < MINIVMX_MAX_MEM_SLOTS; i++) {
		struct mvx_slot *s = &vm->slots[i];

		if (s->size && gpa >= s->gpa && gpa - s->gpa < s->size)
			return s;
	}
	return NULL;
}

/* Copy to or from guest-physical memory, page by page; -EFAULT if unbacked. */
static int mvx_access_gpa(struct mvx_vm *vm, u64 gpa, void *buf,
			  unsigned int len, bool write)
{
	while (len) {
		struct mvx_slot *s = mvx_gpa_slot(vm, gpa);
		unsigned int off = offset_in_page(gpa);
		unsigned int n = min_t(unsigned int, len, PAGE_SIZE - off);
		void *va;

		if (!s || (write && (s->flags & MINIVMX_MEM_READONLY)))
			return -EFAULT;
		va = kmap_local_page(s->pages[array_index_nospec((gpa - s->gpa) >> PAGE_SHIFT,
								 s->size >> PAGE_SHIFT)]);
		if (write)
			memcpy(va + off, buf, n);
		else
			memcpy(buf, va + off, n);
		kunmap_local(va);
		gpa += n;
		buf += n;
		len -= n;
	}
	return 0;
}

int mvx_read_gpa(struct mvx_vm *vm, u64 gpa, void *buf, unsigned int len)
{
	return mvx_access_gpa(vm, gpa, buf, len, false);
}

int mvx_write_gpa(struct mvx_vm *vm, u64 gpa, const void *buf,
		  unsigned int len)
{
	return mvx_access_gpa(vm, gpa, (void *)buf, len, true);
}

static bool mvx_region_valid(const struct minivmx_memory_region *r)
{
	u64 end = r->guest_phys_addr + r->memory_size;

	if (r->slot >= MINIVMX_MAX_MEM_SLOTS ||
	    (r->flags & ~MINIVMX_MEM_READONLY))
		return false;
	if (!r->memory_size)
		return true;	/* deletion */
	return PAGE_ALIGNED(r->guest_phys_addr) &&
	       PAGE_ALIGNED(r->memory_size) &&
	       PAGE_ALIGNED(r->userspace_addr) &&
	       end > r->guest_phys_addr && end <= MINIVMX_MAX_MEM_SIZE &&
	       r->userspace_addr + r->memory_size > r->userspace_addr &&
	       r->memory_size >> PAGE_SHIFT <= INT_MAX;
}

static bool mvx_region_overlaps(struct mvx_vm *vm,
				const struct minivmx_memory_region *r)
{
	u64 end = r->guest_phys_addr + r->memory_size;
	int i;

	for (i = 0; i < MINIVMX_MAX_MEM_SLOTS; i++) {
		struct mvx_slot *s = &vm->slots[i];

		if (s->size && r->guest_phys_addr < s->gpa + s->size &&
		    s->gpa < end)
			return true;
	}
	return false;
}

/* Pin the backing pages of a new region into @slot. */
static int mvx_slot_pin(struct mvx_vm *vm, struct mvx_slot *slot,
			const struct minivmx_memory_region *r)
{
	unsigned long npages = r->memory_size >> PAGE_SHIFT;
	unsigned int gup = FOLL_LONGTERM;
	long pinned;
	int ret;

	if (!(r->flags & MINIVMX_MEM_READONLY))
		gup |= FOLL_WRITE;
	/*
	 * More than the machine's RAM can never be pinned: say so before
	 * allocating the page array.  RLIMIT_MEMLOCK next (CAP_IPC_LOCK
	 * bypasses it), and an allocation that fails rather than wake the
	 * OOM killer.
	 */
	if (npages > totalram_pages())
		return -ENOMEM;
	ret = account_locked_vm(vm->mm, npages, true);
	if (ret)
		return ret;
	slot->pages = kvcalloc(npages, sizeof(*slot->pages),
			       GFP_KERNEL_ACCOUNT | __GFP_RETRY_MAYFAIL |
			       __GFP_NOWARN);
	if (!slot->pages) {
		ret = -ENOMEM;
		goto err_unaccount;
	}
	pinned = pin_user_pages_fast(r->userspace_addr, npages, gup, slot->pages);
	if (pinned != npages) {
		if (pinned > 0)
			unpin_user_pages(slot->pages, pinned);
		ret = pinned < 0 ? pinned : -EFAULT;
		goto err_free;
	}
	slot->gpa = r->guest_phys_addr;
	slot->size = r->memory_size;
	slot->uaddr = r->userspace_addr;
	slot->flags = r->flags;
	return 0;

err_free:
	kvfree(slot->pages);
	slot->pages = NULL;
err_unaccount:
	account_locked_vm(vm->mm, npages, false);
	return ret;
}

static long mvx_set_memory_region(struct mvx_vm *vm,
				  const struct minivmx_memory_region __user *ur)
{
	struct minivmx_memory_region r;
	struct mvx_slot *slot, new = {};
	int ret;

	if (copy_from_user(&r, ur, sizeof(r)))
		return -EFAULT;
	if (!mvx_region_valid(&r))
		return -EINVAL;

	mutex_lock(&vm->lock);
	slot = &vm->slots[array_index_nospec(r.slot, MINIVMX_MAX_MEM_SLOTS)];
	if (!r.memory_size) {
		ret = -ENOENT;
		if (!slot->size)
			goto out_unlock;
		ret = 0;
	} else {
		ret = -EEXIST;
		if (slot->size)
			goto out_unlock;
		ret = -EINVAL;
		if (mvx_region_overlaps(vm, &r))
			goto out_unlock;
		ret = mvx_slot_pin(vm, &new, &r);
		if (ret)
			goto out_unlock;
	}

	/* Running vCPUs read slots and EPT: change both with them out. */
	ret = mvx_mem_write_lock(vm);
	if (ret) {
		if (new.size)
			mvx_slot_release(vm, &new);
		goto out_unlock;
	}
	if (slot->size) {
		ept_unmap_range(vm, slot->gpa, slot->size);
		mvx_slot_release(vm, slot);
	} else {
		*slot = new;
		ret = ept_map_slot(vm, slot);
		if (ret) {
			ept_unmap_range(vm, slot->gpa, slot->size);
			mvx_slot_release(vm, slot);
		}
	}
	vm->mem_gen++;
	mvx_mem_write_unlock(vm);
out_unlock:
	mutex_unlock(&vm->lock);
	return ret;
}

/**
 * mvx_port_route() - the in-kernel handler claiming @port
 * @vm: the VM
 * @port: the I/O port
 *
 * Return: the route, or NULL when the port belongs to userspace.
 */
const struct minivmx_port_route *mvx_port_route(struct mvx_vm *vm, u16 port)
{
	unsigned int i;

	for (i = 0; i < READ_ONCE(vm->nr_routes); i++) {
		const struct minivmx_port_route *r = &vm->routes[i];

		if (port >= r->first_port && port - r->first_port < r->nr_ports)
			return r;
	}
	return NULL;
}

static long mvx_set_port_route(struct mvx_vm *vm,
			       const struct minivmx_port_route __user *ur)
{
	struct minivmx_port_route r;
	unsigned int i, n;
	long ret = 0;

	if (copy_from_user(&r, ur, sizeof(r)))
		return -EFAULT;
	if (r.flags || r.pad || !r.nr_ports ||
	    r.first_port + r.nr_ports > 0x10000 ||
	    r.handler > MINIVMX_PORT_EXIT)
		return -EINVAL;

	/*
	 * Routes change while vCPUs may be reading them: hold mem_lock for
	 * writing, which waits for running vCPUs to leave the guest.
	 */
	mutex_lock(&vm->lock);
	ret = mvx_mem_write_lock(vm);
	if (ret)
		goto out_mutex;
	/* Give the range back to userspace first: drop covered routes. */
	for (i = 0, n = 0; i < vm->nr_routes; i++) {
		struct minivmx_port_route *o = &vm->routes[i];
		bool overlap = o->first_port < r.first_port + r.nr_ports &&
			       r.first_port < o->first_port + o->nr_ports;

		if (overlap && r.handler != MINIVMX_PORT_USER) {
			ret = -EBUSY;	/* claimed already */
			goto out_unlock;
		}
		if (!overlap)
			vm->routes[n++] = *o;
	}
	if (r.handler != MINIVMX_PORT_USER) {
		ret = -ENOSPC;
		if (n == MVX_MAX_PORT_ROUTES)
			goto out_unlock;
		vm->routes[n++] = r;
		ret = 0;
	}
	vm->nr_routes = n;
out_unlock:
	mvx_mem_write_unlock(vm);
out_mutex:
	mutex_unlock(&vm->lock);
	return ret;
}

/*
 * MINIVMX_SET_EXIT_ROUTES: which exits the vCPUs hand to userspace.  A
 * single word that each exit reads once: no lock, a running vCPU sees the
 * new routes from its next exit.
 */
static long mvx_set_exit_routes(struct mvx_vm *vm,
				const struct minivmx_exit_routes __user *ur)
{
	struct minivmx_exit_routes r;

	if (copy_from_user(&r, ur, sizeof(r)))
		return -EFAULT;
	if ((r.user[0] & ~MINIVMX_ROUTABLE_EXITS) || r.user[1] ||
	    r.reserved[0] || r.reserved[1])
		return -EINVAL;
	WRITE_ONCE(vm->user_exits, r.user[0]);
	return 0;
}

/*
 * MINIVMX_CREATE_LAPIC: local APICs for the vCPUs to come.  Return: 0;
 * -EINVAL for a non-zero @arg; -EEXIST when called before; -EBUSY once a
 * vCPU exists (its APIC would be missing).
 */
static long mvx_create_lapic(struct mvx_vm *vm, unsigned long arg)
{
	long ret = 0;

	if (arg)
		return -EINVAL;
	mutex_lock(&vm->lock);
	if (vm->lapic)
		ret = -EEXIST;
	else if (vm->nr_vcpus)
		ret = -EBUSY;
	else
		WRITE_ONCE(vm->lapic, true);
	mutex_unlock(&vm->lock);
	return ret;
}

static long mvx_vm_ioctl(struct file *filp, unsigned int cmd,
			 unsigned long arg)
{
	struct mvx_vm *vm = filp->private_data;

	if (!mvx_vm_owned(vm))
		return -EIO;
	switch (cmd) {
	case MINIVMX_SET_MEMORY_REGION:
		return mvx_set_memory_region(vm, (void __user *)arg);
	case MINIVMX_CREATE_VCPU:
		return mvx_create_vcpu(vm, arg);
	case MINIVMX_SET_PORT_ROUTE:
		return mvx_set_port_route(vm, (void __user *)arg);
	case MINIVMX_CREATE_LAPIC:
		return mvx_create_lapic(vm, arg);
	case MINIVMX_SIGNAL_MSI:
		return mvx_signal_msi(vm, (void __user *)arg);
	case MINIVMX_SET_EXIT_ROUTES:
		return mvx_set_exit_routes(vm, (void __user *)arg);
	default:
		return -ENOTTY;
	}
}

static int mvx_vm_release(struct inode *inode, struct file *filp)
{
	mvx_vm_put(filp->private_data);
	return 0;
}

static const struct file_operations mvx_vm_fops = {
	.owner = THIS_MODULE,
	.release = mvx_vm_release,
	.unlocked_ioctl = mvx_vm_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

/**
 * mvx_create_vm() - MINIVMX_CREATE_VM
 * @flags: 0, or MINIVMX_VM_SHADOW_PAGING
 *
 * Return: a new VM fd, or a negative errno (-EINVAL for unknown flags).
 */
int mvx_create_vm(unsigned long flags)
{
	struct mvx_vm *vm;
	struct file *file;
	int ret, fd;

	if (flags & ~(unsigned long)MINIVMX_VM_SHADOW_PAGING)
		return -EINVAL;
	vm = kzalloc(sizeof(*vm), GFP_KERNEL_ACCOUNT);
	if (!vm)
		return -ENOMEM;
	vm->shadow = flags & MINIVMX_VM_SHADOW_PAGING;
	mutex_init(&vm->lock);
	init_rwsem(&vm->mem_lock);
	refcount_set(&vm->users, 1);
	vm->mm = current->mm;
	mmgrab(vm->mm);

	ret = ept_init(vm);
	if (ret)
		goto err_put;
	/* The fd is reserved first: it names the VM's debugfs directory. */
	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0) {
		ret = fd;
		goto err_put;
	}
	file = anon_inode_getfile("minivmx-vm", &mvx_vm_fops, vm, O_RDWR);
	if (IS_ERR(file)) {
		ret = PTR_ERR(file);
		goto err_put_fd;
	}
	mvx_stat_vm_add(vm, fd);
	fd_install(fd, file);
	return fd;

err_put_fd:
	put_unused_fd(fd);
err_put:
	mvx_vm_put(vm);
	return ret;
}

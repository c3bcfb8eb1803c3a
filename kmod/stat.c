// SPDX-License-Identifier: GPL-2.0-only
/*
 * Exit statistics in debugfs, in the layout of KVM's (a directory per VM
 * named <pid>-<fd>, in it one per vCPU, and the sums over every vCPU at
 * the top), for `cat` and for `minivmx stat`:
 *
 *   /sys/kernel/debug/minivmx/exits              all exits of live vCPUs
 *   /sys/kernel/debug/minivmx/exit_reasons       the same by reason
 *   /sys/kernel/debug/minivmx/<pid>-<fd>/vcpu<N>/exits, exit_reasons
 *
 * exit_reasons has a line per basic exit reason seen: number, name, count
 * and the nanoseconds from those exits to the next entry (in the kernel
 * and in userspace), which are counted only while the module parameter
 * exit_time is 1: two RDTSCs per exit that the hot path does not pay
 * otherwise.  The counts are the kernel's own; the run structure's
 * exit_count is the vCPU owner's to overwrite.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/moduleparam.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <asm/tsc.h>

#include "minivmx.h"

DEFINE_STATIC_KEY_FALSE(mvx_exit_time_key);

static bool exit_time;

static int exit_time_set(const char *val, const struct kernel_param *kp)
{
	bool on;
	int ret = kstrtobool(val, &on);

	if (ret)
		return ret;
	if (on && !exit_time)
		static_branch_enable(&mvx_exit_time_key);
	else if (!on && exit_time)
		static_branch_disable(&mvx_exit_time_key);
	exit_time = on;
	return 0;
}

static const struct kernel_param_ops exit_time_ops = {
	.set = exit_time_set,
	.get = param_get_bool,
};
module_param_cb(exit_time, &exit_time_ops, &exit_time, 0644);
MODULE_PARM_DESC(exit_time,
		 "1: debugfs exit_reasons also sums the time from each exit to the next entry");

static struct dentry *mvx_debugfs;
static LIST_HEAD(stat_vcpus);		/* every live vCPU, for the sums */
static DEFINE_MUTEX(stat_lock);
static DEFINE_MUTEX(stat_dir_lock);	/* a VM directory's lookup and creation */

static const struct {
	unsigned int nr;
	const char *name;
} reason_names[] = { MINIVMX_VMX_EXIT_REASONS };

static const char *reason_name(unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(reason_names); i++)
		if (reason_names[i].nr == nr)
			return reason_names[i].name;
	return "UNKNOWN";
}

static u64 cycles_to_ns(u64 cycles)
{
	return tsc_khz ? mul_u64_u32_div(cycles, USEC_PER_SEC, tsc_khz) : 0;
}

/* Add one vCPU's counts to @exits and @cycles. */
static void stat_add(const struct mvx_vcpu *v, u64 *exits, u64 *cycles)
{
	unsigned int i;

	for (i = 0; i < MINIVMX_NR_VMX_EXIT_REASONS; i++) {
		exits[i] += READ_ONCE(v->stat.exits[i]);
		cycles[i] += READ_ONCE(v->stat.cycles[i]);
	}
}

/* The vCPU in @m->private, or every vCPU (NULL). */
static void stat_collect(struct seq_file *m, u64 *exits, u64 *cycles)
{
	struct mvx_vcpu *v = m->private;

	if (v) {
		stat_add(v, exits, cycles);
		return;
	}
	mutex_lock(&stat_lock);
	list_for_each_entry(v, &stat_vcpus, stat.link)
		stat_add(v, exits, cycles);
	mutex_unlock(&stat_lock);
}

struct stat_sums {
	u64 exits[MINIVMX_NR_VMX_EXIT_REASONS];
	u64 cycles[MINIVMX_NR_VMX_EXIT_REASONS];
};

static int exits_show(struct seq_file *m, void *unused)
{
	struct stat_sums *s = kzalloc(sizeof(*s), GFP_KERNEL);
	u64 total = 0;
	unsigned int i;

	if (!s)
		return -ENOMEM;
	stat_collect(m, s->exits, s->cycles);
	for (i = 0; i < MINIVMX_NR_VMX_EXIT_REASONS; i++)
		total += s->exits[i];
	seq_printf(m, "%llu\n", total);
	kfree(s);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(exits);

static int exit_reasons_show(struct seq_file *m, void *unused)
{
	struct stat_sums *s = kzalloc(sizeof(*s), GFP_KERNEL);
	unsigned int i;

	if (!s)
		return -ENOMEM;
	stat_collect(m, s->exits, s->cycles);
	for (i = 0; i < MINIVMX_NR_VMX_EXIT_REASONS; i++)
		if (s->exits[i])
			seq_printf(m, "%u %s %llu %llu\n", i, reason_name(i),
				   s->exits[i], cycles_to_ns(s->cycles[i]));
	kfree(s);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(exit_reasons);

/**
 * mvx_stat_vm_add() - the VM's debugfs directory, <pid>-<fd>
 * @vm: the new VM
 * @fd: its file descriptor in the creating process
 */
void mvx_stat_vm_add(struct mvx_vm *vm, int fd)
{
	struct dentry *dent;
	char name[32];

	if (!mvx_debugfs)
		return;
	snprintf(name, sizeof(name), "%d-%d", task_pid_nr(current), fd);
	/*
	 * The fd's earlier VM may live on (a vCPU fd holds it) under the same
	 * name: then this VM goes without a directory, as in KVM's
	 * kvm_create_vm_debugfs(), rather than have debugfs complain in the
	 * host's log on the caller's behalf.
	 */
	mutex_lock(&stat_dir_lock);
	dent = debugfs_lookup(name, mvx_debugfs);
	if (dent)
		dput(dent);
	else
		vm->debugfs = debugfs_create_dir(name, mvx_debugfs);
	mutex_unlock(&stat_dir_lock);
}

/**
 * mvx_stat_vm_remove() - remove the VM's directory
 * @vm: the VM, its last reference gone
 */
void mvx_stat_vm_remove(struct mvx_vm *vm)
{
	debugfs_remove_recursive(vm->debugfs);
	vm->debugfs = NULL;
}

/**
 * mvx_stat_vcpu_add() - the vCPU's directory in its VM's, and the sums
 * @v: the new vCPU
 */
void mvx_stat_vcpu_add(struct mvx_vcpu *v)
{
	char name[16];

	mutex_lock(&stat_lock);
	list_add(&v->stat.link, &stat_vcpus);
	mutex_unlock(&stat_lock);
	if (IS_ERR_OR_NULL(v->vm->debugfs))
		return;
	snprintf(name, sizeof(name), "vcpu%u", v->id);
	v->stat.debugfs = debugfs_create_dir(name, v->vm->debugfs);
	debugfs_create_file("exits", 0444, v->stat.debugfs, v, &exits_fops);
	debugfs_create_file("exit_reasons", 0444, v->stat.debugfs, v,
			    &exit_reasons_fops);
}

/**
 * mvx_stat_vcpu_remove() - take the vCPU out of debugfs and the sums
 * @v: the vCPU; waits for readers of its files to finish
 *
 * A second call does nothing.
 */
void mvx_stat_vcpu_remove(struct mvx_vcpu *v)
{
	if (!v->stat.link.next)
		return;		/* never added, or removed already */
	debugfs_remove_recursive(v->stat.debugfs);
	v->stat.debugfs = NULL;
	mutex_lock(&stat_lock);
	list_del(&v->stat.link);
	mutex_unlock(&stat_lock);
	v->stat.link.next = NULL;
}

/**
 * mvx_stat_init() - /sys/kernel/debug/minivmx and its sums
 *
 * Without debugfs the statistics are simply not shown.
 */
void mvx_stat_init(void)
{
	mvx_debugfs = debugfs_create_dir(KBUILD_MODNAME, NULL);
	if (IS_ERR(mvx_debugfs)) {
		mvx_debugfs = NULL;
		return;
	}
	debugfs_create_file("exits", 0444, mvx_debugfs, NULL, &exits_fops);
	debugfs_create_file("exit_reasons", 0444, mvx_debugfs, NULL,
			    &exit_reasons_fops);
}

void mvx_stat_exit(void)
{
	debugfs_remove_recursive(mvx_debugfs);
	mvx_debugfs = NULL;
}

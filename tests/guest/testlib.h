/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers shared by the tests that run inside the testbed: load and unload
 * modules by path, open /dev/minivmx, read the VMX information, and look
 * for messages in the kernel log.
 */
#ifndef MINIVMX_TESTLIB_H
#define MINIVMX_TESTLIB_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/klog.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>
#include <linux/minivmx.h>

#define CR4_VMXE	(1ULL << 13)

static inline const char *mvx_ko_path(void)
{
	const char *p = getenv("MINIVMX_KO");

	return p ? p : "/minivmx/minivmx.ko";
}

/* Load the module at @path with @params ("" for none): 0 or -errno. */
static inline int load_module_params(const char *path, const char *params)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int ret;

	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, params, 0) ? -errno : 0;
	close(fd);
	return ret;
}

static inline int load_module(const char *path)
{
	return load_module_params(path, "");
}

/* Unload @name without waiting: 0 or -errno (-EWOULDBLOCK while in use). */
static inline int unload_module(const char *name)
{
	return syscall(SYS_delete_module, name, O_NONBLOCK) ? -errno : 0;
}

/*
 * Load minivmx with the parameters in $MINIVMX_PARAMS, if any (a suite
 * runs a test program again with "MINIVMX_PARAMS=mtf=0 guest_debug").
 */
static inline int mvx_load(void)
{
	const char *params = getenv("MINIVMX_PARAMS");
	int ret = load_module_params(mvx_ko_path(), params ? params : "");

	/*
	 * failinject.sh: from here on this process's allocations may fail
	 * (/proc/self/make-it-fail), not in its exec and C library start.
	 */
	if (getenv("MINIVMX_MAKE_IT_FAIL")) {
		int fd = open("/proc/self/make-it-fail", O_WRONLY | O_CLOEXEC);

		if (fd >= 0) {
			if (write(fd, "1", 1) != 1)
				perror("make-it-fail");
			close(fd);
		}
	}
	return ret;
}

static inline int mvx_unload(void)
{
	return unload_module("minivmx");
}

static inline int mvx_open(void)
{
	return open("/dev/minivmx", O_RDWR | O_CLOEXEC);
}

/*
 * Read the VMX information with room for @max CPUs into @cpus.
 * Returns the ioctl's result (0 or -1 with errno).
 */
static inline int mvx_info(int fd, struct minivmx_vmx_info *info,
			   struct minivmx_cpu_state *cpus, unsigned int max)
{
	memset(info, 0, sizeof(*info));
	info->nr_cpus = max;
	info->cpus = (unsigned long)cpus;
	return ioctl(fd, MINIVMX_GET_VMX_INFO, info);
}

static inline int online_cpus(void)
{
	return (int)sysconf(_SC_NPROCESSORS_ONLN);
}

/* Set CPU @cpu online (1) or offline (0) through sysfs: 0 or -errno. */
static inline int set_cpu_online(int cpu, int on)
{
	char path[64];
	int fd, ret = 0;

	snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/online",
		 cpu);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, on ? "1" : "0", 1) != 1)
		ret = -errno;
	close(fd);
	return ret;
}

/*
 * Kernel-log marks: kmsg_mark() writes a unique line to the log and
 * kmsg_since() copies what was logged after it, so a test checks only the
 * messages its own actions caused.
 */
static inline void kmsg_mark(char *mark, size_t len)
{
	static int seq;
	int fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);

	snprintf(mark, len, "minivmx-test-mark-%d-%d", getpid(), ++seq);
	if (fd >= 0) {
		if (write(fd, mark, strlen(mark)) < 0)
			mark[0] = '\0';
		close(fd);
	}
}

/* Return a malloc'd copy of the log after @mark ("" if not found). */
static inline char *kmsg_since(const char *mark)
{
	int size = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
	char *buf, *p, *out;
	int n;

	if (size <= 0)
		return strdup("");
	buf = calloc(1, size + 1);
	if (!buf)
		return strdup("");
	n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, size);
	buf[n > 0 ? n : 0] = '\0';
	p = *mark ? strstr(buf, mark) : NULL;
	out = strdup(p ? p + strlen(mark) : "");
	free(buf);
	return out;
}

/*
 * SIGALRM after @ms milliseconds: a spinning guest costs Bochs about 15 s
 * of wall clock per guest second, so tests that stop one wait 100 ms, not
 * alarm()'s whole seconds.
 */
static inline void alarm_ms(unsigned int ms)
{
	struct itimerval it = {
		.it_value = { .tv_sec = ms / 1000, .tv_usec = ms % 1000 * 1000 },
	};

	setitimer(ITIMER_REAL, &it, NULL);
}

#endif /* MINIVMX_TESTLIB_H */

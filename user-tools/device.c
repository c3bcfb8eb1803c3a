// SPDX-License-Identifier: GPL-2.0-only
/*
 * Opening /dev/minivmx, and saying what to do when that fails.
 */
#include <errno.h>
#include <string.h>

#include "cmd.h"
#include "libminivmx.h"

/* Why open() failed, in words that say what to do about it. */
static void explain_open_error(const char *path, int err)
{
	switch (err) {
	case ENOENT:
		pr_err("%s not found: load the module first (sudo insmod kmod/minivmx.ko); if that fails, dmesg says why",
		       path);
		break;
	case EACCES:
	case EPERM:
		pr_err("%s: permission denied: run as root (sudo minivmx ...), or give your user access to the node (a udev rule setting its group and mode)",
		       path);
		break;
	case ENXIO:
	case ENODEV:
		pr_err("%s: no driver behind this node: the module is not loaded or was unloaded; load it (sudo insmod kmod/minivmx.ko) and check dmesg",
		       path);
		break;
	case EBUSY:
		pr_err("%s: busy: another process holds the device", path);
		break;
	default:
		pr_err("%s: cannot open: %s", path, strerror(err));
		break;
	}
}

static int check_api_version(int fd, const char *path)
{
	int ret, version;

	ret = minivmx_get_api_version(fd, &version);
	if (ret == -ENOTTY) {
		pr_err("%s is not a minivmx device (it does not answer MINIVMX_GET_API_VERSION); is %s set right?",
		       path, MINIVMX_DEVICE_ENV);
		return -1;
	}
	if (ret < 0) {
		pr_err("%s: MINIVMX_GET_API_VERSION: %s", path, strerror(-ret));
		return -1;
	}
	if (version != MINIVMX_API_VERSION) {
		pr_err("%s speaks API version %d, this tool speaks %d: use the tool built with the loaded module",
		       path, version, MINIVMX_API_VERSION);
		return -1;
	}
	return 0;
}

/**
 * device_open() - open the minivmx device and check its API version
 * @fd: out: the descriptor
 *
 * Failures are explained on stderr.
 *
 * Return: MV_EXIT_OK, or MV_EXIT_FAIL after an explanation.
 */
int device_open(int *fd)
{
	const char *path = minivmx_device_path();
	int ret;

	ret = minivmx_open_path(path, fd);
	if (ret < 0) {
		explain_open_error(path, -ret);
		return MV_EXIT_FAIL;
	}
	if (check_api_version(*fd, path) < 0) {
		minivmx_close(*fd);
		*fd = -1;
		return MV_EXIT_FAIL;
	}
	return MV_EXIT_OK;
}

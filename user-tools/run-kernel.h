/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * minivmx run --kernel FILE [--initrd FILE]... [--append TEXT]: the files,
 * their format, and the load into guest RAM (loader.h does the loading).
 */
#ifndef MINIVMX_RUN_KERNEL_H
#define MINIVMX_RUN_KERNEL_H

#include "loader.h"

/**
 * struct run_kernel - the kernel options and files of one run
 * @path: --kernel, NULL if not given
 * @initrds: each --initrd argument
 * @nr_initrds: how many
 * @append: --append, NULL if not given
 * @loader: the kernel's format; NULL: a flat binary (the IMAGE path)
 * @kernel: the kernel file's bytes
 * @files: the --initrd files' bytes
 */
struct run_kernel {
	const char *path;
	const char *initrds[LOADER_MAX_INITRDS];
	unsigned int nr_initrds;
	const char *append;
	const struct kernel_loader *loader;
	struct loader_blob kernel;
	struct loader_blob files[LOADER_MAX_INITRDS];
};

int run_kernel_add_initrd(struct run_kernel *k, const char *arg);
int run_kernel_open(struct run_kernel *k, const struct guest_layout *l,
		    bool layout_set);
int run_kernel_load(struct run_kernel *k, void *ram, __u64 mem_size,
		    struct loader_output *out);
void run_kernel_free(struct run_kernel *k);

#endif /* MINIVMX_RUN_KERNEL_H */

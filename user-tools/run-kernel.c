// SPDX-License-Identifier: GPL-2.0-only
/*
 * minivmx run --kernel: read the kernel and its --initrd files, find the
 * kernel's format from its contents, refuse the options that format does
 * not take, and load it (Documentation/loaders.rst).  Everything here runs
 * before the device is opened, so a bad file is refused without VT-x.
 */
#include <string.h>

#include "cmd.h"
#include "run-kernel.h"

/**
 * run_kernel_add_initrd() - one more --initrd
 * @k: the kernel options
 * @arg: the argument
 *
 * Return: -1 to go on, else the exit code to return at once.
 */
int run_kernel_add_initrd(struct run_kernel *k, const char *arg)
{
	if (k->nr_initrds == LOADER_MAX_INITRDS)
		return usage_error("run", "more than %d --initrd",
				   LOADER_MAX_INITRDS);
	k->initrds[k->nr_initrds++] = arg;
	return -1;
}

/* The options the kernel's format does not take.  Return: 0 or a code. */
static int check_options(const struct run_kernel *k, bool layout_set)
{
	const struct kernel_loader *l = k->loader;

	if (!l && (k->nr_initrds || k->append))
		return usage_error("run",
				   "%s: a flat binary takes no --initrd or --append (Multiboot and bzImage kernels do)",
				   k->path);
	if (!l)
		return 0;
	if (layout_set)
		return usage_error("run",
				   "%s: a%s %s kernel sets its own mode, load address and entry: --mode, --load and --entry are for flat binaries",
				   k->path, l == &loader_elf ? "n" : "", l->name);
	if (k->nr_initrds > l->max_initrds)
		return usage_error("run",
				   "%s: a%s %s kernel takes %s --initrd",
				   k->path, l == &loader_elf ? "n" : "", l->name,
				   l->max_initrds ? "one" : "no");
	if (k->append && !l->append)
		return usage_error("run",
				   "%s: an %s kernel takes no --append (Multiboot and bzImage kernels do)",
				   k->path, l->name);
	return 0;
}

/* The --initrd files; a Multiboot module's file name ends at a space. */
static int read_initrds(struct run_kernel *k, __u64 max)
{
	char why[256], name[4096];
	struct sbuf sb = { why, sizeof(why), 0 };
	struct loader_blob *b;
	unsigned int i;
	size_t len;

	for (i = 0; i < k->nr_initrds; i++) {
		b = &k->files[i];
		len = strlen(k->initrds[i]);
		if (k->loader->module_strings)
			len = strcspn(k->initrds[i], " ");
		if (!len || len >= sizeof(name))
			return usage_error("run", "--initrd '%s': no file name",
					   k->initrds[i]);
		memcpy(name, k->initrds[i], len);
		name[len] = '\0';
		if (loader_read_file(name, max, b, &sb))
			return usage_error("run", "--initrd %s: %s", name, why);
		b->name = k->initrds[i];
		b->string = k->initrds[i];
	}
	return 0;
}

/**
 * run_kernel_open() - read the kernel and its files, find the format
 * @k: the kernel options; @k->path is set
 * @l: the layout the options gave (its RAM size is checked here)
 * @layout_set: --mode, --load or --entry was given
 *
 * A file in no known format leaves @k->loader NULL and is not kept: the
 * caller runs it as the flat IMAGE.
 *
 * Return: 0, or the exit code to return at once (a message printed).
 */
int run_kernel_open(struct run_kernel *k, const struct guest_layout *l,
		    bool layout_set)
{
	/* The RAM checks of a flat image, with an image that always fits. */
	struct guest_layout ram = {
		.mode = GUEST_LONG,
		.mem_size = l->mem_size,
		.load = LOADER_LOW_END,
		.image_size = 1,
		.entry = LOADER_LOW_END,
	};
	char why[256];
	struct sbuf sb = { why, sizeof(why), 0 };
	int ret;

	if (guest_layout_check(&ram, why, sizeof(why)))
		return usage_error("run", "%s: %s", k->path, why);
	k->kernel.name = k->path;
	if (loader_read_file(k->path, l->mem_size, &k->kernel, &sb))
		return usage_error("run", "%s: %s", k->path, why);
	k->loader = loader_detect(k->kernel.data, k->kernel.size);
	ret = check_options(k, layout_set);
	if (!ret && k->loader)
		ret = read_initrds(k, l->mem_size);
	if (!k->loader)
		loader_free_file(&k->kernel);
	return ret;
}

/**
 * run_kernel_load() - load the kernel into guest RAM
 * @k: what run_kernel_open() read
 * @ram: guest RAM, zeroed
 * @mem_size: its size
 * @out: out: the vCPU's first state
 *
 * Says on stderr what it loaded.
 *
 * Return: 0, or the exit code to return at once (a message printed).
 */
int run_kernel_load(struct run_kernel *k, void *ram, __u64 mem_size,
		    struct loader_output *out)
{
	struct loader_input in = {
		.kernel = k->kernel,
		.initrds = k->files,
		.nr_initrds = k->nr_initrds,
		.append = k->append,
		.ram = ram,
		.mem_size = mem_size,
	};
	char why[256];
	struct sbuf sb = { why, sizeof(why), 0 };

	if (k->loader->load(&in, out, &sb))
		return usage_error("run", "%s: %s", k->path, why);
	fprintf(stderr, "minivmx: %s: %s\n", k->path, out->desc);
	return 0;
}

/**
 * run_kernel_free() - free the files' bytes
 * @k: the kernel options
 */
void run_kernel_free(struct run_kernel *k)
{
	unsigned int i;

	loader_free_file(&k->kernel);
	for (i = 0; i < k->nr_initrds; i++)
		loader_free_file(&k->files[i]);
}

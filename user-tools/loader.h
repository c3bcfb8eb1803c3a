/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kernel loaders of `minivmx run --kernel` (Documentation/loaders.rst):
 * ELF, Multiboot v1 and the Linux x86 boot protocol for a bzImage.  Each is
 * a pure function from the files' bytes to guest RAM and the vCPU's first
 * state, so the host tests check every byte; the files are untrusted input
 * and every check says what is wrong in a sentence.
 */
#ifndef MINIVMX_LOADER_H
#define MINIVMX_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/minivmx.h>

#include "guest.h"
#include "util.h"

/*
 * Guest-physical layout of a loaded kernel: the tool's GDT and page tables
 * (guest.h), then the boot information (Multiboot information, or
 * boot_params and the command line) up to LOADER_LOW_END; kernels load at
 * LOADER_LOW_END or above.
 */
#define LOADER_INFO		GUEST_TABLES_END	/* 0x9000 */
#define LOADER_LOW_END		0x10000ULL
#define LOADER_PAGE		0x1000ULL

#define LOADER_MAX_INITRDS	16	/* Multiboot modules */
#define LOADER_MAP_MAX		4	/* entries of loader_mem_map() */

/* The memory types of an E820 map and of Multiboot's map. */
#define LOADER_MEM_RAM		1
#define LOADER_MEM_RESERVED	2

/**
 * struct loader_blob - a file's bytes
 * @name: the file name, for messages
 * @data: its contents
 * @size: its length in bytes
 * @string: what a Multiboot module's string holds (the --initrd argument)
 */
struct loader_blob {
	const char *name;
	const void *data;
	size_t size;
	const char *string;
};

/**
 * struct loader_input - what a loader loads, and where
 * @kernel: the kernel file
 * @initrds: --initrd files, in order
 * @nr_initrds: how many
 * @append: the --append command line, NULL if none was given
 * @ram: guest RAM, guest-physical 0 at @ram
 * @mem_size: bytes of RAM (already checked by guest_layout_check())
 */
struct loader_input {
	struct loader_blob kernel;
	const struct loader_blob *initrds;
	unsigned int nr_initrds;
	const char *append;
	void *ram;
	__u64 mem_size;
};

/**
 * struct loader_output - the vCPU at the kernel's first instruction
 * @sregs: for MINIVMX_SET_SREGS
 * @regs: for MINIVMX_SET_REGS
 * @desc: what was loaded, in words ("ELF64, entry 0x200000")
 */
struct loader_output {
	struct minivmx_sregs sregs;
	struct minivmx_regs regs;
	char desc[128];
};

/**
 * struct kernel_loader - one format
 * @name: its name ("ELF", "Multiboot", "bzImage")
 * @probe: does the file look like this format?  (Only the magic: the
 *	loader checks the rest.)
 * @load: load it; on failure, fill @why and return -EINVAL
 * @max_initrds: how many --initrd it takes
 * @append: whether it passes --append to the kernel
 * @module_strings: an --initrd argument is "FILE STRING...": the file
 *	name ends at the first space (Multiboot's module strings)
 */
struct kernel_loader {
	const char *name;
	bool (*probe)(const void *data, size_t size);
	int (*load)(const struct loader_input *in, struct loader_output *out,
		    struct sbuf *why);
	unsigned int max_initrds;
	bool append;
	bool module_strings;
};

/**
 * struct loader_region - one range of a memory map
 * @addr: guest-physical start
 * @size: bytes
 * @type: LOADER_MEM_RAM or LOADER_MEM_RESERVED
 */
struct loader_region {
	__u64 addr;
	__u64 size;
	__u32 type;
};

extern const struct kernel_loader loader_elf;
extern const struct kernel_loader loader_multiboot;
extern const struct kernel_loader loader_bzimage;

/* loader.c: detection, files, and what the formats share */
const struct kernel_loader *loader_detect(const void *data, size_t size);
int loader_read_file(const char *path, __u64 max, struct loader_blob *blob,
		     struct sbuf *why);
void loader_free_file(struct loader_blob *blob);
int loader_fail(struct sbuf *why, const char *fmt, ...) __printf(2, 3);
bool loader_range_ok(__u64 addr, __u64 size, __u64 start, __u64 end);
bool loader_file_range_ok(__u64 offset, __u64 size, size_t file_size);
int loader_check_range(const struct loader_input *in, const char *what,
		       __u64 addr, __u64 size, struct sbuf *why);
void loader_copy(const struct loader_input *in, __u64 gpa, const void *src,
		 __u64 filesz, __u64 memsz);
unsigned int loader_mem_map(__u64 mem_size,
			    struct loader_region map[LOADER_MAP_MAX]);
void loader_init_state(const struct loader_input *in,
		       struct loader_output *out, enum guest_mode mode,
		       __u64 entry);

/* load-elf.c: the PT_LOAD segments, for the ELF and Multiboot loaders */
int elf_load_segments(const struct loader_input *in, bool phys32,
		      __u64 *entry, __u64 *end, bool *is64, struct sbuf *why);

#endif /* MINIVMX_LOADER_H */

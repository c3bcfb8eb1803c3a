// SPDX-License-Identifier: GPL-2.0-only
/*
 * What the kernel loaders share (Documentation/loaders.rst): detecting the
 * format from the file's contents, reading files, bounds checks written so
 * that no sum can overflow, the memory map the Multiboot and bzImage
 * loaders hand the kernel, and the vCPU state they start from.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "loader.h"

/* The legacy hole: VGA memory and the BIOS area, 0xa0000-0xfffff. */
#define LOW_RAM_END	0xa0000ULL
#define BIOS_START	0xf0000ULL
#define HIGH_RAM	0x100000ULL

/* In the order they are tried: a Multiboot kernel may be an ELF file. */
static const struct kernel_loader *const loaders[] = {
	&loader_bzimage,
	&loader_multiboot,
	&loader_elf,
};

/**
 * loader_detect() - the format of a kernel file
 * @data: the file's contents
 * @size: its length
 *
 * Return: the loader whose magic the file carries, or NULL (a flat
 * binary).
 */
const struct kernel_loader *loader_detect(const void *data, size_t size)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(loaders); i++)
		if (loaders[i]->probe(data, size))
			return loaders[i];
	return NULL;
}

/**
 * loader_fail() - say why a file cannot be loaded
 * @why: where the sentence goes (replacing what is there)
 * @fmt: the sentence, printf-style
 *
 * Return: -EINVAL.
 */
int loader_fail(struct sbuf *why, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (why->len)
		vsnprintf(why->buf, why->len, fmt, ap);
	va_end(ap);
	why->pos = why->len ? strlen(why->buf) : 0;
	return -EINVAL;
}

/**
 * loader_read_file() - a whole file into memory
 * @path: the file
 * @max: the largest size that could be loaded (guest RAM)
 * @blob: out: its contents (free with loader_free_file()); @blob->name and
 *	@blob->string are left as they are
 * @why: out: on failure, what went wrong
 *
 * Return: 0, or a negative errno with @why filled.
 */
int loader_read_file(const char *path, __u64 max, struct loader_blob *blob,
		     struct sbuf *why)
{
	size_t done = 0;
	struct stat st;
	char *buf;
	ssize_t n;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = errno;
		loader_fail(why, "cannot open it: %s", strerror(err));
		return -err;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return loader_fail(why, "not a regular file");
	}
	if ((__u64)st.st_size > max) {
		close(fd);
		return loader_fail(why,
				   "%llu bytes: larger than guest RAM (%llu bytes)",
				   (unsigned long long)st.st_size,
				   (unsigned long long)max);
	}
	buf = malloc(st.st_size ? st.st_size : 1);
	if (!buf) {
		close(fd);
		return loader_fail(why, "cannot allocate %llu bytes",
				   (unsigned long long)st.st_size);
	}
	while (done < (size_t)st.st_size) {
		n = pread(fd, buf + done, st.st_size - done, done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err = n ? errno : EIO;
			free(buf);
			close(fd);
			loader_fail(why, "cannot read it: %s",
				    n ? strerror(err) : "it got shorter");
			return -err;
		}
		done += n;
	}
	close(fd);
	blob->data = buf;
	blob->size = done;
	return 0;
}

/**
 * loader_free_file() - free what loader_read_file() read
 * @blob: the file; its data pointer is cleared
 */
void loader_free_file(struct loader_blob *blob)
{
	free((void *)blob->data);
	blob->data = NULL;
	blob->size = 0;
}

/**
 * loader_range_ok() - does [@addr, @addr + @size) lie in [@start, @end)?
 * @addr: first byte
 * @size: bytes
 * @start: first byte allowed
 * @end: first byte past what is allowed
 *
 * Written so that nothing can overflow, whatever the file says.
 *
 * Return: true if it does.
 */
bool loader_range_ok(__u64 addr, __u64 size, __u64 start, __u64 end)
{
	return addr >= start && addr <= end && size <= end - addr;
}

/**
 * loader_file_range_ok() - does [@offset, @offset + @size) lie in the file?
 * @offset: first byte
 * @size: bytes
 * @file_size: the file's length
 *
 * Return: true if it does.
 */
bool loader_file_range_ok(__u64 offset, __u64 size, size_t file_size)
{
	return loader_range_ok(offset, size, 0, file_size);
}

/**
 * loader_check_range() - may the kernel put @what at [@addr, @addr + @size)?
 * @in: the load (for the RAM size)
 * @what: what goes there, for the message ("segment 2")
 * @addr: guest-physical start
 * @size: bytes
 * @why: out: on failure, why not
 *
 * It must lie in RAM, above the tool's GDT, page tables and boot
 * information (0x1000-0xffff).
 *
 * Return: 0, or -EINVAL with @why filled.
 */
int loader_check_range(const struct loader_input *in, const char *what,
		       __u64 addr, __u64 size, struct sbuf *why)
{
	unsigned long long a = addr, s = size, mem = in->mem_size;

	if (loader_range_ok(addr, size, LOADER_LOW_END, in->mem_size))
		return 0;
	if (addr < LOADER_LOW_END)
		return loader_fail(why,
				   "%s (%llu bytes at %#llx) is below 0x10000, where the tool keeps its GDT, page tables and boot information",
				   what, s, a);
	return loader_fail(why,
			   "%s (%llu bytes at %#llx) does not fit in guest RAM (%#llx bytes): give a larger --mem",
			   what, s, a, mem);
}

/**
 * loader_copy() - copy a segment into guest RAM, zero the rest of it
 * @in: the load
 * @gpa: where it goes (checked with loader_check_range())
 * @src: @filesz bytes from the file (checked with loader_file_range_ok())
 * @filesz: bytes to copy
 * @memsz: bytes the segment takes, @filesz or more; the rest is zeroed
 */
void loader_copy(const struct loader_input *in, __u64 gpa, const void *src,
		 __u64 filesz, __u64 memsz)
{
	char *dst = (char *)in->ram + gpa;

	memcpy(dst, src, filesz);
	memset(dst + filesz, 0, memsz - filesz);
}

/**
 * loader_mem_map() - the memory map the kernel is told about
 * @mem_size: bytes of RAM from 0 (1 MiB to 4 GiB, a multiple of 4 KiB)
 * @map: out: the ranges, in address order
 *
 * RAM below 640 KiB, the BIOS area 0xf0000-0xfffff reserved (where a PC
 * keeps its firmware tables), RAM from 1 MiB to the top; the VGA hole
 * 0xa0000-0xeffff is in no entry, as on a PC.
 *
 * Return: the number of entries.
 */
unsigned int loader_mem_map(__u64 mem_size,
			    struct loader_region map[LOADER_MAP_MAX])
{
	unsigned int n = 0;

	map[n++] = (struct loader_region){ 0, LOW_RAM_END, LOADER_MEM_RAM };
	map[n++] = (struct loader_region){ BIOS_START, HIGH_RAM - BIOS_START,
					   LOADER_MEM_RESERVED };
	if (mem_size > HIGH_RAM)
		map[n++] = (struct loader_region){ HIGH_RAM,
						   mem_size - HIGH_RAM,
						   LOADER_MEM_RAM };
	return n;
}

/**
 * loader_init_state() - the tool's GDT, page tables and registers for @mode
 * @in: the load (RAM and its size)
 * @out: out: the segment, control and general registers
 * @mode: GUEST_PROTECTED or GUEST_LONG
 * @entry: the first instruction
 *
 * The state a flat binary gets in that mode (Documentation/guest-abi.rst):
 * flat segments 0x08 and 0x10 from the GDT at 0x1000, the identity map in
 * long mode, RFLAGS 0x2, RSP the top of RAM.
 */
void loader_init_state(const struct loader_input *in,
		       struct loader_output *out, enum guest_mode mode,
		       __u64 entry)
{
	struct guest_layout l = {
		.mode = mode,
		.mem_size = in->mem_size,
		.load = LOADER_LOW_END,
		.entry = entry,
	};

	guest_build_tables(in->ram, &l);
	guest_init_sregs(&out->sregs, &l);
	guest_init_regs(&out->regs, &l);
}

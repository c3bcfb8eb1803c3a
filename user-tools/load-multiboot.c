// SPDX-License-Identifier: GPL-2.0-only
/*
 * The Multiboot loader (Multiboot Specification 0.6.96; Documentation/
 * loaders.rst, "Multiboot"): the header in the file's first 8 KiB, the
 * image from its address fields (the "a.out kludge", flags bit 16) or from
 * the ELF program headers, the modules (--initrd) page-aligned after the
 * kernel, the information structure with the memory map, the command line
 * (--append) and the module strings, and the machine state of section 3.2:
 * 32-bit protected mode, flat segments, paging off, EAX = 0x2BADB002,
 * EBX = the information structure.
 *
 * No system header describes Multiboot v1 (GRUB keeps its multiboot.h to
 * itself), so the few structures are written out here from the
 * specification, sections 3.1.1 and 3.3.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "loader.h"

#define MB_HEADER_MAGIC		0x1BADB002U
#define MB_BOOT_MAGIC		0x2BADB002U	/* in EAX at entry */
#define MB_SEARCH		8192		/* the header is in here */
#define MB_ALIGN		4

/* Header flags (3.1.2): bits 0-15 are requirements, 16-31 optional. */
#define MB_PAGE_ALIGN		BIT_ULL(0)	/* modules on 4 KiB boundaries */
#define MB_MEMORY_INFO		BIT_ULL(1)	/* mem_* and the memory map */
#define MB_VIDEO_MODE		BIT_ULL(2)	/* a video mode table */
#define MB_AOUT_KLUDGE		BIT_ULL(16)	/* the address fields are valid */
#define MB_KNOWN_REQUIRED	(MB_PAGE_ALIGN | MB_MEMORY_INFO)

/* Information flags (3.3). */
#define MBI_MEMORY		BIT_ULL(0)
#define MBI_CMDLINE		BIT_ULL(2)
#define MBI_MODS		BIT_ULL(3)
#define MBI_MMAP		BIT_ULL(6)
#define MBI_LOADER_NAME		BIT_ULL(9)

#define KIB			1024U
#define LOW_MEM_KIB		640U		/* mem_lower */
#define MEG			0x100000ULL

/* The Multiboot header, 3.1.1 (the video fields are not used). */
struct mb_header {
	uint32_t magic;
	uint32_t flags;
	uint32_t checksum;
	uint32_t header_addr;
	uint32_t load_addr;
	uint32_t load_end_addr;
	uint32_t bss_end_addr;
	uint32_t entry_addr;
};

/* The information structure, 3.3, up to the APM table. */
struct mb_info {
	uint32_t flags;
	uint32_t mem_lower;
	uint32_t mem_upper;
	uint32_t boot_device;
	uint32_t cmdline;
	uint32_t mods_count;
	uint32_t mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length;
	uint32_t mmap_addr;
	uint32_t drives_length;
	uint32_t drives_addr;
	uint32_t config_table;
	uint32_t boot_loader_name;
	uint32_t apm_table;
};

struct mb_module {
	uint32_t mod_start;
	uint32_t mod_end;
	uint32_t string;
	uint32_t reserved;
};

/* One memory map entry: size counts the bytes after itself (20). */
struct mb_mmap_entry {
	uint32_t size;
	uint64_t base_addr;
	uint64_t length;
	uint32_t type;
} __attribute((packed));

static const char loader_name[] = "minivmx";

/* The offset of the first valid header in the first 8 KiB, or -1. */
static long mb_find(const void *data, size_t size)
{
	size_t off, limit = size < MB_SEARCH ? size : MB_SEARCH;
	uint32_t w[3];

	for (off = 0; off + sizeof(w) <= limit; off += MB_ALIGN) {
		memcpy(w, (const char *)data + off, sizeof(w));
		if (w[0] == MB_HEADER_MAGIC && w[0] + w[1] + w[2] == 0)
			return off;
	}
	return -1;
}

static bool mb_probe(const void *data, size_t size)
{
	return mb_find(data, size) >= 0;
}

/* The image by the header's address fields (3.1.3). */
static int mb_load_aout(const struct loader_input *in,
			const struct mb_header *h, size_t off, __u64 *entry,
			__u64 *end, struct sbuf *why)
{
	__u64 file_off, load_size, mem_end;

	if (h->header_addr < h->load_addr ||
	    h->header_addr - h->load_addr > off)
		return loader_fail(why,
				   "Multiboot header_addr %#x and load_addr %#x put the image before the start of the file (the header is at offset %#zx)",
				   h->header_addr, h->load_addr, off);
	file_off = off - (h->header_addr - h->load_addr);
	if (!h->load_end_addr) {
		load_size = in->kernel.size - file_off;
	} else if (h->load_end_addr < h->load_addr) {
		return loader_fail(why,
				   "Multiboot load_end_addr %#x is below load_addr %#x",
				   h->load_end_addr, h->load_addr);
	} else {
		load_size = h->load_end_addr - h->load_addr;
		if (!loader_file_range_ok(file_off, load_size, in->kernel.size))
			return loader_fail(why,
					   "truncated: Multiboot load_end_addr %#x asks for %#llx bytes from offset %#llx, the file has %zu",
					   h->load_end_addr,
					   (unsigned long long)load_size,
					   (unsigned long long)file_off,
					   in->kernel.size);
	}
	mem_end = h->load_addr + load_size;
	if (h->bss_end_addr) {
		if (h->bss_end_addr < mem_end)
			return loader_fail(why,
					   "Multiboot bss_end_addr %#x is below the end of the loaded image %#llx",
					   h->bss_end_addr,
					   (unsigned long long)mem_end);
		mem_end = h->bss_end_addr;
	}
	if (loader_check_range(in, "the Multiboot image", h->load_addr,
			       mem_end - h->load_addr, why))
		return -EINVAL;
	if (h->entry_addr < h->load_addr || h->entry_addr >= mem_end)
		return loader_fail(why,
				   "Multiboot entry_addr %#x is outside the image (%#x-%#llx)",
				   h->entry_addr, h->load_addr,
				   (unsigned long long)mem_end - 1);
	loader_copy(in, h->load_addr, (const char *)in->kernel.data + file_off,
		    load_size, mem_end - h->load_addr);
	*entry = h->entry_addr;
	*end = mem_end;
	return 0;
}

/* The header: found, complete, no requirement minivmx cannot meet. */
static int mb_read_header(const struct loader_blob *f, struct mb_header *h,
			  size_t *off, struct sbuf *why)
{
	long found = mb_find(f->data, f->size);
	__u32 unknown;

	if (found < 0)
		return loader_fail(why, "no Multiboot header in the first 8 KiB");
	*off = found;
	memset(h, 0, sizeof(*h));
	memcpy(h, (const char *)f->data + found, 3 * sizeof(uint32_t));
	if (h->flags & MB_VIDEO_MODE)
		return loader_fail(why,
				   "the Multiboot header asks for a video mode (flags bit 2): minivmx has no display");
	unknown = h->flags & 0xffff & ~MB_KNOWN_REQUIRED;
	if (unknown)
		return loader_fail(why,
				   "the Multiboot header requires features minivmx does not know (flags %#x)",
				   unknown);
	if (!(h->flags & MB_AOUT_KLUDGE))
		return 0;
	if (!loader_file_range_ok(found, sizeof(*h), f->size))
		return loader_fail(why,
				   "truncated Multiboot header: the address fields (flags bit 16) run past the end of the file");
	memcpy(h, (const char *)f->data + found, sizeof(*h));
	return 0;
}

/*
 * The information area, 0x9000-0xffff: the structure, the memory map,
 * the module list, then the strings.  @pos is where the next item goes.
 */
struct mb_area {
	const struct loader_input *in;
	__u64 pos;
};

/* Reserve @size bytes, 8-byte aligned; 0 if the area is full. */
static __u64 mb_alloc(struct mb_area *a, __u64 size)
{
	__u64 at = (a->pos + 7) & ~7ULL;

	if (!loader_range_ok(at, size, LOADER_INFO, LOADER_LOW_END))
		return 0;
	a->pos = at + size;
	return at;
}

static __u64 mb_put_string(struct mb_area *a, const char *s)
{
	__u64 at = mb_alloc(a, strlen(s) + 1);

	if (at)
		memcpy((char *)a->in->ram + at, s, strlen(s) + 1);
	return at;
}

static int mb_area_full(struct sbuf *why)
{
	return loader_fail(why,
			   "the command line and module strings do not fit in the Multiboot information area (0x9000-0xffff, 28 KiB)");
}

/* The modules, page-aligned after the kernel, and their list. */
static int mb_put_modules(struct mb_area *a, __u64 kernel_end,
			  struct mb_info *info, struct sbuf *why)
{
	const struct loader_input *in = a->in;
	__u64 list, at = kernel_end;
	struct mb_module m = { 0 };
	unsigned int i;

	list = mb_alloc(a, in->nr_initrds * sizeof(m));
	if (!list)
		return mb_area_full(why);
	for (i = 0; i < in->nr_initrds; i++) {
		const struct loader_blob *b = &in->initrds[i];

		at = (at + LOADER_PAGE - 1) & ~(LOADER_PAGE - 1);
		if (!loader_range_ok(at, b->size, 0, in->mem_size))
			return loader_fail(why,
					   "module %s (%zu bytes) does not fit in guest RAM after the kernel and the modules before it (from %#llx; RAM ends at %#llx): give a larger --mem",
					   b->name, b->size,
					   (unsigned long long)at,
					   (unsigned long long)in->mem_size);
		m.mod_start = at;
		m.mod_end = at + b->size;
		m.string = mb_put_string(a, b->string ? b->string : b->name);
		if (!m.string)
			return mb_area_full(why);
		loader_copy(in, at, b->data, b->size, b->size);
		memcpy((char *)in->ram + list + i * sizeof(m), &m, sizeof(m));
		at += b->size;
	}
	info->flags |= MBI_MODS;
	info->mods_count = in->nr_initrds;
	info->mods_addr = list;
	return 0;
}

/* The memory information and map (3.3, mem_* and mmap_*). */
static int mb_put_memory(struct mb_area *a, struct mb_info *info,
			 struct sbuf *why)
{
	struct loader_region map[LOADER_MAP_MAX];
	unsigned int i, n = loader_mem_map(a->in->mem_size, map);
	struct mb_mmap_entry e;
	__u64 at = mb_alloc(a, n * sizeof(e));

	if (!at)
		return mb_area_full(why);
	for (i = 0; i < n; i++) {
		e.size = sizeof(e) - sizeof(e.size);
		e.base_addr = map[i].addr;
		e.length = map[i].size;
		e.type = map[i].type;
		memcpy((char *)a->in->ram + at + i * sizeof(e), &e, sizeof(e));
	}
	info->flags |= MBI_MEMORY | MBI_MMAP;
	info->mem_lower = LOW_MEM_KIB;
	info->mem_upper = (a->in->mem_size - MEG) / KIB;
	info->mmap_addr = at;
	info->mmap_length = n * sizeof(e);
	return 0;
}

static int mb_load(const struct loader_input *in, struct loader_output *out,
		   struct sbuf *why)
{
	struct mb_area a = { .in = in, .pos = LOADER_INFO };
	struct mb_info info = { 0 };
	__u64 entry = 0, end = 0, at;
	struct mb_header h;
	size_t off = 0;
	bool is64;
	int ret;

	ret = mb_read_header(&in->kernel, &h, &off, why);
	if (ret)
		return ret;
	if (h.flags & MB_AOUT_KLUDGE)
		ret = mb_load_aout(in, &h, off, &entry, &end, why);
	else if (loader_elf.probe(in->kernel.data, in->kernel.size))
		ret = elf_load_segments(in, true, &entry, &end, &is64, why);
	else
		ret = loader_fail(why,
				  "the Multiboot header has no address fields (flags bit 16) and the file is not ELF: minivmx cannot tell where it goes");
	if (ret)
		return ret;
	at = mb_alloc(&a, sizeof(info));
	ret = mb_put_memory(&a, &info, why);
	if (!ret && in->nr_initrds)
		ret = mb_put_modules(&a, end, &info, why);
	if (ret)
		return ret;
	if (in->append) {
		info.cmdline = mb_put_string(&a, in->append);
		info.flags |= MBI_CMDLINE;
	}
	info.boot_loader_name = mb_put_string(&a, loader_name);
	info.flags |= MBI_LOADER_NAME;
	if (!info.boot_loader_name || (in->append && !info.cmdline))
		return mb_area_full(why);
	memcpy((char *)in->ram + at, &info, sizeof(info));

	loader_init_state(in, out, GUEST_PROTECTED, entry);
	out->regs.rax = MB_BOOT_MAGIC;
	out->regs.rbx = at;
	snprintf(out->desc, sizeof(out->desc),
		 "Multiboot%s, entry %#llx, %u module%s",
		 h.flags & MB_AOUT_KLUDGE ? " (address fields)" : " (ELF)",
		 (unsigned long long)entry, in->nr_initrds,
		 in->nr_initrds == 1 ? "" : "s");
	return 0;
}

const struct kernel_loader loader_multiboot = {
	.name = "Multiboot",
	.probe = mb_probe,
	.load = mb_load,
	.max_initrds = LOADER_MAX_INITRDS,
	.append = true,
	.module_strings = true,
};

// SPDX-License-Identifier: GPL-2.0-only
/*
 * The bzImage loader: the Linux x86 boot protocol's 64-bit entry
 * (Documentation/arch/x86/boot.rst in Linux; Documentation/loaders.rst,
 * "bzImage").  The setup header is checked and copied into a zeroed
 * boot_params ("zero page"), the protected-mode kernel goes to 1 MiB, the
 * initrd to the top of RAM, and the vCPU starts at code32_start + 0x200 in
 * 64-bit mode, on the tool's identity map, with a GDT whose __BOOT_CS
 * (0x10) and __BOOT_DS (0x18) are flat, and RSI = boot_params.
 *
 * The structures are the kernel's own UAPI, <asm/bootparam.h>.
 */
#include <errno.h>
#include <string.h>
#include <asm/bootparam.h>

#include "loader.h"

#define BZ_HDR_OFFSET	0x1f1		/* struct setup_header in the file */
#define BZ_HDR_END_BYTE	0x201		/* the header ends at 0x202 + this */
#define BZ_BOOT_FLAG	0xaa55
#define BZ_MAGIC	0x53726448	/* "HdrS" */
#define BZ_MIN_VERSION	0x020c		/* 2.12: xloadflags, the 64-bit entry */
#define BZ_SECTOR	512
#define BZ_DEFAULT_SECTS 4		/* setup_sects 0 means 4 */
#define BZ_ENTRY64	0x200		/* startup_64 - startup_32 */
#define BZ_LOADER_ID	0xff		/* type_of_loader: "undefined" */

/* Where things go: boot_params, the command line, the kernel. */
#define BZ_BOOT_PARAMS	LOADER_INFO			/* 0x9000 */
#define BZ_CMDLINE	(LOADER_INFO + LOADER_PAGE)	/* 0xa000 */
#define BZ_CMDLINE_MAX	(LOADER_LOW_END - BZ_CMDLINE - 1)
#define BZ_LOAD		0x100000ULL

/* The selectors of arch/x86/include/asm/segment.h the entry wants. */
#define BOOT_CS		0x10
#define BOOT_DS		0x18
#define BOOT_TSS	0x20
#define BOOT_GDT_LIMIT	(BOOT_TSS + 16 - 1)	/* a 64-bit TSS takes two */

#define MIB		0x100000ULL

static bool bz_probe(const void *data, size_t size)
{
	const unsigned char *p = data;

	return size >= BZ_HDR_OFFSET + offsetof(struct setup_header, version) &&
	       p[0x1fe] == 0x55 && p[0x1ff] == 0xaa &&
	       !memcmp(p + 0x202, "HdrS", 4);
}

/* The checks of the setup header; fills the sizes the load needs. */
struct bz_image {
	struct setup_header hdr;
	size_t hdr_len;		/* bytes of setup header the file has */
	__u64 setup_size;	/* the real-mode part, before the kernel */
	__u64 kernel_size;	/* the protected-mode part */
	__u64 kernel_end;	/* end of what the kernel occupies in RAM */
};

static int bz_read_header(const struct loader_blob *f, struct bz_image *bz,
			  struct sbuf *why)
{
	const unsigned char *p = f->data;
	struct setup_header *h = &bz->hdr;
	__u64 end;

	if (f->size < BZ_HDR_OFFSET + sizeof(*h))
		return loader_fail(why,
				   "truncated bzImage: %zu bytes, less than the setup header",
				   f->size);
	memcpy(h, p + BZ_HDR_OFFSET, sizeof(*h));
	if (h->boot_flag != BZ_BOOT_FLAG || h->header != BZ_MAGIC)
		return loader_fail(why, "no \"HdrS\" setup header");
	if (h->version < BZ_MIN_VERSION)
		return loader_fail(why,
				   "boot protocol %u.%02u is too old: minivmx needs 2.12 or later (Linux 3.8) for the 64-bit entry",
				   h->version >> 8, h->version & 0xff);
	if (!(h->xloadflags & XLF_KERNEL_64))
		return loader_fail(why,
				   "no 64-bit entry point (xloadflags bit 0 clear): a 32-bit kernel?");
	if (!(h->loadflags & LOADED_HIGH))
		return loader_fail(why,
				   "the kernel does not load at 1 MiB (loadflags bit 0 clear): a zImage?");
	/* The header ends at 0x202 + the jump's offset byte. */
	end = 0x202 + p[BZ_HDR_END_BYTE];
	bz->hdr_len = end - BZ_HDR_OFFSET;
	if (bz->hdr_len > sizeof(*h))
		bz->hdr_len = sizeof(*h);
	bz->setup_size = ((__u64)(h->setup_sects ? h->setup_sects :
				  BZ_DEFAULT_SECTS) + 1) * BZ_SECTOR;
	if (bz->setup_size >= f->size)
		return loader_fail(why,
				   "truncated bzImage: the setup code (%llu bytes) is all of the file",
				   (unsigned long long)bz->setup_size);
	bz->kernel_size = f->size - bz->setup_size;
	if ((__u64)h->syssize * 16 > bz->kernel_size)
		return loader_fail(why,
				   "truncated bzImage: syssize says %llu bytes of kernel, the file has %llu",
				   (unsigned long long)h->syssize * 16,
				   (unsigned long long)bz->kernel_size);
	return 0;
}

/*
 * The kernel decompresses itself to pref_address, or (relocatable) to its
 * load address rounded up to kernel_alignment if that is higher, and
 * needs init_size bytes there (arch/x86/boot/compressed/head_64.S).
 */
static int bz_check_ram(const struct loader_input *in, struct bz_image *bz,
			struct sbuf *why)
{
	const struct setup_header *h = &bz->hdr;
	__u64 start = h->pref_address, align = h->kernel_alignment;
	__u64 end, need;

	if (h->relocatable_kernel) {
		if (!align || (align & (align - 1)))
			return loader_fail(why,
					   "kernel_alignment %#llx is not a power of two",
					   (unsigned long long)align);
		if (((BZ_LOAD + align - 1) & ~(align - 1)) > start)
			start = (BZ_LOAD + align - 1) & ~(align - 1);
	}
	end = BZ_LOAD + bz->kernel_size;
	if (loader_range_ok(start, h->init_size, 0, GUEST_MEM_MAX) &&
	    start + h->init_size > end)
		end = start + h->init_size;
	need = (end + MIB - 1) / MIB;
	if (!loader_range_ok(start, h->init_size, 0, in->mem_size) ||
	    end > in->mem_size)
		return loader_fail(why,
				   "the kernel needs %llu MiB of RAM to decompress itself (init_size %#x at %#llx): give --mem %lluM or more",
				   (unsigned long long)need, h->init_size,
				   (unsigned long long)start,
				   (unsigned long long)need);
	bz->kernel_end = end;
	return 0;
}

/* The initrd at the top of RAM (below initrd_addr_max), page-aligned. */
static int bz_put_initrd(const struct loader_input *in,
			 const struct bz_image *bz, struct boot_params *bp,
			 struct sbuf *why)
{
	const struct loader_blob *rd = &in->initrds[0];
	__u64 top = (__u64)bz->hdr.initrd_addr_max + 1, at;

	if (top > in->mem_size)
		top = in->mem_size;
	if (!rd->size)
		return loader_fail(why, "the initrd %s is empty", rd->name);
	if (rd->size > top || ((top - rd->size) & ~(LOADER_PAGE - 1)) <
			      bz->kernel_end)
		return loader_fail(why,
				   "the initrd %s (%zu bytes) does not fit between the kernel (up to %#llx) and %#llx (the top of RAM or initrd_addr_max): it would overlap the kernel; give a larger --mem",
				   rd->name, rd->size,
				   (unsigned long long)bz->kernel_end,
				   (unsigned long long)top);
	at = (top - rd->size) & ~(LOADER_PAGE - 1);
	loader_copy(in, at, rd->data, rd->size, rd->size);
	bp->hdr.ramdisk_image = at;
	bp->hdr.ramdisk_size = rd->size;
	return 0;
}

static void bz_put_e820(const struct loader_input *in, struct boot_params *bp)
{
	struct loader_region map[LOADER_MAP_MAX];
	unsigned int i, n = loader_mem_map(in->mem_size, map);

	for (i = 0; i < n; i++) {
		bp->e820_table[i].addr = map[i].addr;
		bp->e820_table[i].size = map[i].size;
		bp->e820_table[i].type = map[i].type;
	}
	bp->e820_entries = n;
}

/* The GDT the 64-bit entry wants, over the tool's, and the selectors. */
static void bz_boot_gdt(const struct loader_input *in,
			struct minivmx_sregs *s)
{
	struct minivmx_segment *data[] = { &s->ds, &s->es, &s->fs, &s->gs,
					   &s->ss };
	char *gdt = (char *)in->ram + GUEST_GDT;
	__u64 d;
	size_t i;

	s->cs.selector = BOOT_CS;
	for (i = 0; i < ARRAY_SIZE(data); i++)
		data[i]->selector = BOOT_DS;
	s->tr.selector = BOOT_TSS;
	s->gdt.limit = BOOT_GDT_LIMIT;
	memset(gdt, 0, BOOT_GDT_LIMIT + 1);
	d = guest_seg_desc(&s->cs);
	memcpy(gdt + BOOT_CS, &d, sizeof(d));
	d = guest_seg_desc(&s->ds);
	memcpy(gdt + BOOT_DS, &d, sizeof(d));
	d = guest_seg_desc(&s->tr);
	memcpy(gdt + BOOT_TSS, &d, sizeof(d));
	d = s->tr.base >> 32;
	memcpy(gdt + BOOT_TSS + 8, &d, sizeof(d));
}

static int bz_load(const struct loader_input *in, struct loader_output *out,
		   struct sbuf *why)
{
	const char *cmdline = in->append ? in->append : "";
	struct boot_params *bp;
	struct bz_image bz = { 0 };
	size_t len = strlen(cmdline);
	int ret;

	ret = bz_read_header(&in->kernel, &bz, why);
	if (!ret)
		ret = bz_check_ram(in, &bz, why);
	if (ret)
		return ret;
	if (len > bz.hdr.cmdline_size || len > BZ_CMDLINE_MAX)
		return loader_fail(why,
				   "--append: the command line (%zu bytes) is longer than the kernel takes (cmdline_size %u)",
				   len, bz.hdr.cmdline_size < BZ_CMDLINE_MAX ?
				   bz.hdr.cmdline_size :
				   (unsigned int)BZ_CMDLINE_MAX);

	/* A zeroed boot_params with the file's setup header copied in. */
	bp = (struct boot_params *)((char *)in->ram + BZ_BOOT_PARAMS);
	memset(bp, 0, sizeof(*bp));
	memcpy(&bp->hdr, (const char *)in->kernel.data + BZ_HDR_OFFSET,
	       bz.hdr_len);
	if (in->nr_initrds) {
		ret = bz_put_initrd(in, &bz, bp, why);
		if (ret)
			return ret;
	}
	bp->hdr.type_of_loader = BZ_LOADER_ID;
	bp->hdr.code32_start = BZ_LOAD;
	bp->hdr.cmd_line_ptr = BZ_CMDLINE;
	memcpy((char *)in->ram + BZ_CMDLINE, cmdline, len + 1);
	bz_put_e820(in, bp);
	loader_copy(in, BZ_LOAD,
		    (const char *)in->kernel.data + bz.setup_size,
		    bz.kernel_size, bz.kernel_size);

	loader_init_state(in, out, GUEST_LONG, BZ_LOAD + BZ_ENTRY64);
	bz_boot_gdt(in, &out->sregs);
	out->regs.rsi = BZ_BOOT_PARAMS;
	snprintf(out->desc, sizeof(out->desc),
		 "bzImage, boot protocol %u.%02u, 64-bit entry %#llx",
		 bz.hdr.version >> 8, bz.hdr.version & 0xff,
		 BZ_LOAD + BZ_ENTRY64);
	return 0;
}

const struct kernel_loader loader_bzimage = {
	.name = "bzImage",
	.probe = bz_probe,
	.load = bz_load,
	.max_initrds = 1,
	.append = true,
};

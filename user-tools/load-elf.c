// SPDX-License-Identifier: GPL-2.0-only
/*
 * The ELF loader (Documentation/loaders.rst, "ELF"): the PT_LOAD segments
 * of a 32- or 64-bit little-endian x86 executable, each at its physical
 * address, then the entry point in protected mode (ELF32) or long mode
 * (ELF64) with the state a flat binary gets there.  The Multiboot loader
 * uses the same segments.  The structures are the kernel's UAPI,
 * <linux/elf.h> (the System V gABI's, in kernel names).
 */
#include <linux/elf.h>
#include <errno.h>
#include <string.h>

#include "loader.h"

/* More PT_LOAD segments than any kernel has: keeps the overlap check short. */
#define ELF_MAX_LOADS	64

static bool elf_probe(const void *data, size_t size)
{
	return size >= SELFMAG && !memcmp(data, ELFMAG, SELFMAG);
}

/* Program header @i of an ELF32 or ELF64 file, as an struct elf64_phdr. */
static void elf_phdr(const void *data, bool is64, __u64 phoff, unsigned int i,
		     struct elf64_phdr *ph)
{
	const char *p = data;
	struct elf32_phdr ph32;

	if (is64) {
		memcpy(ph, p + phoff + (__u64)i * sizeof(*ph), sizeof(*ph));
		return;
	}
	memcpy(&ph32, p + phoff + (__u64)i * sizeof(ph32), sizeof(ph32));
	ph->p_type = ph32.p_type;
	ph->p_flags = ph32.p_flags;
	ph->p_offset = ph32.p_offset;
	ph->p_vaddr = ph32.p_vaddr;
	ph->p_paddr = ph32.p_paddr;
	ph->p_filesz = ph32.p_filesz;
	ph->p_memsz = ph32.p_memsz;
	ph->p_align = ph32.p_align;
}

/* The fields of the ELF header the loader needs, from either class. */
struct elf_hdr {
	bool is64;
	__u16 type, machine, phentsize, phnum;
	__u64 entry, phoff;
};

static int elf_read_header(const struct loader_blob *f, struct elf_hdr *h,
			   struct sbuf *why)
{
	const unsigned char *id = f->data;
	struct elf64_hdr e64;
	struct elf32_hdr e32;

	if (f->size < EI_NIDENT)
		return loader_fail(why, "truncated ELF header (%zu bytes)",
				   f->size);
	if (id[EI_CLASS] != ELFCLASS32 && id[EI_CLASS] != ELFCLASS64)
		return loader_fail(why, "unknown ELF class %u (1: ELF32, 2: ELF64)",
				   id[EI_CLASS]);
	if (id[EI_DATA] != ELFDATA2LSB)
		return loader_fail(why, "not a little-endian ELF file (EI_DATA %u)",
				   id[EI_DATA]);
	if (id[EI_VERSION] != EV_CURRENT)
		return loader_fail(why, "unknown ELF version %u", id[EI_VERSION]);
	h->is64 = id[EI_CLASS] == ELFCLASS64;
	if (f->size < (h->is64 ? sizeof(e64) : sizeof(e32)))
		return loader_fail(why, "truncated ELF%d header (%zu bytes)",
				   h->is64 ? 64 : 32, f->size);
	if (h->is64) {
		memcpy(&e64, f->data, sizeof(e64));
		h->type = e64.e_type;
		h->machine = e64.e_machine;
		h->entry = e64.e_entry;
		h->phoff = e64.e_phoff;
		h->phentsize = e64.e_phentsize;
		h->phnum = e64.e_phnum;
	} else {
		memcpy(&e32, f->data, sizeof(e32));
		h->type = e32.e_type;
		h->machine = e32.e_machine;
		h->entry = e32.e_entry;
		h->phoff = e32.e_phoff;
		h->phentsize = e32.e_phentsize;
		h->phnum = e32.e_phnum;
	}
	return 0;
}

static int elf_check_header(const struct loader_blob *f,
			    const struct elf_hdr *h, struct sbuf *why)
{
	unsigned int want = h->is64 ? EM_X86_64 : EM_386;
	size_t phsize = h->is64 ? sizeof(struct elf64_phdr) : sizeof(struct elf32_phdr);

	if (h->type != ET_EXEC)
		return loader_fail(why,
				   "not an executable (e_type %u; minivmx loads ET_EXEC, 2)",
				   h->type);
	if (h->machine != want)
		return loader_fail(why,
				   "ELF%d for machine %u, not %s (%u)",
				   h->is64 ? 64 : 32, h->machine,
				   h->is64 ? "x86-64" : "i386", want);
	if (!h->phnum || h->phnum == PN_XNUM)
		return loader_fail(why, "%s program headers (e_phnum %u)",
				   h->phnum ? "too many" : "no", h->phnum);
	if (h->phentsize != phsize)
		return loader_fail(why,
				   "program header size %u, not %zu",
				   h->phentsize, phsize);
	if (!loader_file_range_ok(h->phoff, (__u64)h->phnum * phsize, f->size))
		return loader_fail(why,
				   "truncated: %u program headers at offset %#llx run past the end of the file (%zu bytes)",
				   h->phnum, (unsigned long long)h->phoff,
				   f->size);
	return 0;
}

/* A PT_LOAD segment's bounds, against the file, RAM and @phys32. */
static int elf_check_segment(const struct loader_input *in, unsigned int i,
			     const struct elf64_phdr *ph, bool phys32,
			     struct sbuf *why)
{
	char what[32];

	snprintf(what, sizeof(what), "segment %u", i);
	if (ph->p_filesz > ph->p_memsz)
		return loader_fail(why,
				   "%s: p_filesz %#llx is larger than p_memsz %#llx",
				   what, (unsigned long long)ph->p_filesz,
				   (unsigned long long)ph->p_memsz);
	if (!loader_file_range_ok(ph->p_offset, ph->p_filesz, in->kernel.size))
		return loader_fail(why,
				   "truncated: %s (%#llx bytes at offset %#llx) runs past the end of the file (%zu bytes)",
				   what, (unsigned long long)ph->p_filesz,
				   (unsigned long long)ph->p_offset,
				   in->kernel.size);
	if (phys32 && !loader_range_ok(ph->p_paddr, ph->p_memsz, 0,
				       GUEST_MEM_MAX))
		return loader_fail(why, "%s ends above 4 GiB", what);
	return loader_check_range(in, what, ph->p_paddr, ph->p_memsz, why);
}

/* The entry point, physical: in a segment's physical or virtual range. */
static int elf_entry(const struct elf64_phdr *loads, unsigned int n, __u64 entry,
		     __u64 *phys, struct sbuf *why)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (entry - loads[i].p_paddr < loads[i].p_memsz) {
			*phys = entry;
			return 0;
		}
	}
	for (i = 0; i < n; i++) {
		if (entry - loads[i].p_vaddr < loads[i].p_memsz) {
			*phys = loads[i].p_paddr + (entry - loads[i].p_vaddr);
			return 0;
		}
	}
	return loader_fail(why,
			   "the entry point %#llx is in no PT_LOAD segment",
			   (unsigned long long)entry);
}

/**
 * elf_load_segments() - check and copy an ELF file's PT_LOAD segments
 * @in: the load; @in->kernel is the ELF file
 * @phys32: every segment must end below 4 GiB (Multiboot)
 * @entry: out: the entry point's physical address
 * @end: out: the end of the highest segment
 * @is64: out: ELF64 rather than ELF32
 * @why: out: on failure, what is wrong
 *
 * Each segment goes to its physical address (p_paddr), which must lie in
 * RAM above 0x10000; its first p_filesz bytes come from the file, the rest
 * up to p_memsz are zeroed.  Segments may not overlap.  Nothing is written
 * to RAM before every check has passed.
 *
 * Return: 0, or -EINVAL with @why filled.
 */
int elf_load_segments(const struct loader_input *in, bool phys32,
		      __u64 *entry, __u64 *end, bool *is64, struct sbuf *why)
{
	struct elf64_phdr loads[ELF_MAX_LOADS], ph;
	unsigned int i, j, n = 0;
	struct elf_hdr h = { 0 };
	int ret;

	ret = elf_read_header(&in->kernel, &h, why);
	if (!ret)
		ret = elf_check_header(&in->kernel, &h, why);
	if (ret)
		return ret;
	for (i = 0; i < h.phnum; i++) {
		elf_phdr(in->kernel.data, h.is64, h.phoff, i, &ph);
		if (ph.p_type != PT_LOAD || !ph.p_memsz)
			continue;
		if (n == ELF_MAX_LOADS)
			return loader_fail(why,
					   "more than %d PT_LOAD segments",
					   ELF_MAX_LOADS);
		ret = elf_check_segment(in, i, &ph, phys32, why);
		if (ret)
			return ret;
		for (j = 0; j < n; j++)
			if (ph.p_paddr < loads[j].p_paddr + loads[j].p_memsz &&
			    loads[j].p_paddr < ph.p_paddr + ph.p_memsz)
				return loader_fail(why,
						   "segments overlap at %#llx",
						   (unsigned long long)ph.p_paddr);
		loads[n++] = ph;
	}
	if (!n)
		return loader_fail(why, "no PT_LOAD segment");
	ret = elf_entry(loads, n, h.entry, entry, why);
	if (ret)
		return ret;
	*end = 0;
	for (i = 0; i < n; i++) {
		loader_copy(in, loads[i].p_paddr,
			    (const char *)in->kernel.data + loads[i].p_offset,
			    loads[i].p_filesz, loads[i].p_memsz);
		if (loads[i].p_paddr + loads[i].p_memsz > *end)
			*end = loads[i].p_paddr + loads[i].p_memsz;
	}
	*is64 = h.is64;
	return 0;
}

static int elf_load(const struct loader_input *in, struct loader_output *out,
		    struct sbuf *why)
{
	__u64 entry, end;
	bool is64;
	int ret;

	ret = elf_load_segments(in, false, &entry, &end, &is64, why);
	if (ret)
		return ret;
	loader_init_state(in, out, is64 ? GUEST_LONG : GUEST_PROTECTED, entry);
	snprintf(out->desc, sizeof(out->desc), "ELF%d, entry %#llx, %s mode",
		 is64 ? 64 : 32, (unsigned long long)entry,
		 is64 ? "long" : "protected");
	return 0;
}

const struct kernel_loader loader_elf = {
	.name = "ELF",
	.probe = elf_probe,
	.load = elf_load,
};

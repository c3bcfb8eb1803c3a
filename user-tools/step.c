// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guest as `minivmx run --step` sees it between two stops.
 *
 * The tool owns guest RAM (one mapping from guest-physical 0), so it reads
 * the instruction at RIP itself: CS.base + RIP is the linear address
 * (SDM Vol. 3A 3.4.3; in 64-bit mode CS.base is 0), and with CR0.PG set
 * the guest's own page tables, in that same RAM, translate it (SDM Vol. 3A
 * chapter 4: 32-bit paging, PAE paging and 4-level paging).  The tool's
 * guests identity-map their memory, but a guest that builds its own
 * tables is read correctly too.  Accessed and dirty bits are not set and
 * protection keys, SMEP and the like are not checked: this is a read for
 * the debugger, not an access by the guest.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "step.h"
#include "util.h"

#define CR0_PG		BIT_ULL(31)
#define CR4_PSE		BIT_ULL(4)
#define CR4_PAE		BIT_ULL(5)
#define CR4_LA57	BIT_ULL(12)
#define EFER_LMA	BIT_ULL(10)

#define PTE_P		BIT_ULL(0)
#define PTE_PS		BIT_ULL(7)
/* Bits 51:12 of a PAE or 4-level entry: the next table or the page. */
#define PTE_ADDR	0x000ffffffffff000ULL

/* Read a paging-structure entry of @size bytes at @pa from guest RAM. */
static int read_entry(const void *ram, __u64 ram_size, __u64 pa,
		      unsigned int size, __u64 *val)
{
	__u32 v32;

	if (pa >= ram_size || ram_size - pa < size)
		return -EFAULT;
	if (size == 4) {
		memcpy(&v32, (const __u8 *)ram + pa, 4);
		*val = v32;
	} else {
		memcpy(val, (const __u8 *)ram + pa, 8);
	}
	return (*val & PTE_P) ? 0 : -ENOENT;
}

/**
 * step_code_bits() - the code size the CPU decodes instructions in
 * @s: the special registers
 *
 * Return: 64 in 64-bit mode (EFER.LMA and CS.L), else 32 if CS.D is set,
 * else 16 (real mode, or a 16-bit code segment) (SDM Vol. 3A 5.2.1).
 */
unsigned int step_code_bits(const struct minivmx_sregs *s)
{
	if ((s->efer & EFER_LMA) && s->cs.l)
		return 64;
	return s->cs.db ? 32 : 16;
}

/* 32-bit paging (SDM Vol. 3A 4.3): 4 MiB pages where CR4.PSE allows. */
static int walk_32(const void *ram, __u64 ram_size,
		   const struct minivmx_sregs *s, __u32 la, __u64 *pa)
{
	__u64 pde, pte;
	int ret;

	ret = read_entry(ram, ram_size, (s->cr3 & 0xfffff000) +
			 ((la >> 22) & 0x3ff) * 4, 4, &pde);
	if (ret)
		return ret;
	if ((pde & PTE_PS) && (s->cr4 & CR4_PSE)) {
		/* PDE bits 20:13 are physical-address bits 39:32 (PSE-36). */
		*pa = (pde & 0xffc00000) | (((pde >> 13) & 0xff) << 32) |
		      (la & 0x3fffff);
		return 0;
	}
	ret = read_entry(ram, ram_size, (pde & 0xfffff000) +
			 ((la >> 12) & 0x3ff) * 4, 4, &pte);
	if (ret)
		return ret;
	*pa = (pte & 0xfffff000) | (la & 0xfff);
	return 0;
}

/*
 * PAE and 4-level paging (SDM Vol. 3A 4.4, 4.5): @levels tables of 512
 * entries below the top one; PS ends the walk at 1 GiB or 2 MiB.
 */
static int walk_64(const void *ram, __u64 ram_size,
		   const struct minivmx_sregs *s, __u64 la, __u64 *pa)
{
	bool pae32 = !(s->efer & EFER_LMA);
	unsigned int shift = pae32 ? 30 : 39;
	__u64 table, e;
	int ret;

	if (pae32) {
		/* The four PDPTEs, 32-byte aligned at CR3 (4.4.1). */
		ret = read_entry(ram, ram_size, (s->cr3 & 0xffffffe0) +
				 ((la >> 30) & 3) * 8, 8, &e);
		if (ret)
			return ret;
		table = e & PTE_ADDR;
		shift = 21;
	} else {
		table = s->cr3 & PTE_ADDR;
	}
	for (;; shift -= 9) {
		ret = read_entry(ram, ram_size,
				 table + ((la >> shift) & 0x1ff) * 8, 8, &e);
		if (ret)
			return ret;
		if (shift == 12 || ((e & PTE_PS) && shift <= 30)) {
			*pa = (e & PTE_ADDR & ~((1ULL << shift) - 1)) |
			      (la & ((1ULL << shift) - 1));
			return 0;
		}
		table = e & PTE_ADDR;
	}
}

/**
 * step_translate() - a guest-linear address to guest-physical
 * @ram: guest RAM from guest-physical 0, as the tool maps it
 * @ram_size: its size
 * @s: the special registers (CR0, CR3, CR4, EFER)
 * @la: the linear address
 * @pa: out: the guest-physical address
 *
 * Without paging the address is physical.  5-level paging (CR4.LA57) is
 * not walked.
 *
 * Return: 0; -ENOENT when an entry is not present; -EFAULT when a table
 * lies outside @ram; -EOPNOTSUPP for 5-level paging.
 */
int step_translate(const void *ram, __u64 ram_size,
		   const struct minivmx_sregs *s, __u64 la, __u64 *pa)
{
	if (!(s->cr0 & CR0_PG)) {
		*pa = la;
		return 0;
	}
	if (s->cr4 & CR4_LA57)
		return -EOPNOTSUPP;
	if (s->cr4 & CR4_PAE)
		return walk_64(ram, ram_size, s, la, pa);
	return walk_32(ram, ram_size, s, (__u32)la, pa);
}

/**
 * step_fetch() - the bytes of the instruction at RIP
 * @ram: guest RAM from guest-physical 0
 * @ram_size: its size
 * @s: the special registers (CS, the paging registers)
 * @rip: the instruction pointer
 * @buf: out: the bytes
 * @max: at most this many (STEP_INSN_MAX is enough for any instruction)
 *
 * Byte by byte: an instruction may cross into another page.  The offset
 * wraps at the code size (IP at 64 KiB in 16-bit code).
 *
 * Return: the bytes read; fewer than @max where a byte is not mapped or
 * lies outside RAM, 0 if the first one does.
 */
size_t step_fetch(const void *ram, __u64 ram_size,
		  const struct minivmx_sregs *s, __u64 rip, __u8 *buf,
		  size_t max)
{
	unsigned int bits = step_code_bits(s);
	__u64 mask = bits == 64 ? ~0ULL : (1ULL << bits) - 1;
	__u64 base = bits == 64 ? 0 : s->cs.base;
	__u64 la, pa;
	size_t i;

	for (i = 0; i < max; i++) {
		la = base + ((rip + i) & mask);
		if (bits != 64)
			la &= 0xffffffffULL;
		if (step_translate(ram, ram_size, s, la, &pa) ||
		    pa >= ram_size)
			break;
		buf[i] = ((const __u8 *)ram)[pa];
	}
	return i;
}

struct diff_buf {
	char *buf;
	size_t len;
	size_t pos;
};

static __printf(2, 3) void diff_printf(struct diff_buf *d, const char *fmt,
				       ...)
{
	size_t room = d->pos < d->len ? d->len - d->pos : 0;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(room ? d->buf + d->pos : NULL, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		d->pos += n;
}

static void diff_one(struct diff_buf *d, const char *name, __u64 a, __u64 b)
{
	if (a == b)
		return;
	diff_printf(d, "%s%s=%#llx -> %#llx", d->pos ? " " : "", name,
		    (unsigned long long)a, (unsigned long long)b);
}

/**
 * step_regs_diff() - the registers an instruction changed, in words
 * @buf: where the words go, NUL-terminated ("" when nothing changed)
 * @len: size of @buf
 * @before: the general registers before the instruction
 * @after: and after it
 * @sbefore: the special registers before, or NULL to leave them out
 * @safter: and after
 *
 * "rax=0x1 -> 0x2 rflags=0x2 -> 0x46": the general registers in
 * struct minivmx_regs order and RFLAGS (RIP is left out: every
 * instruction moves it), then the control registers, EFER and the
 * segment selectors.
 *
 * Return: the length of the whole text, as snprintf().
 */
size_t step_regs_diff(char *buf, size_t len,
		      const struct minivmx_regs *before,
		      const struct minivmx_regs *after,
		      const struct minivmx_sregs *sbefore,
		      const struct minivmx_sregs *safter)
{
	static const struct {
		const char *name;
		size_t off;
	} gpr[] = {
#define GPR(r)	{ #r, offsetof(struct minivmx_regs, r) }
		GPR(rax), GPR(rbx), GPR(rcx), GPR(rdx), GPR(rsi), GPR(rdi),
		GPR(rsp), GPR(rbp), GPR(r8), GPR(r9), GPR(r10), GPR(r11),
		GPR(r12), GPR(r13), GPR(r14), GPR(r15),
#undef GPR
	};
	struct diff_buf d = { buf, len, 0 };
	__u64 a, b;
	unsigned int i;

	if (len)
		buf[0] = 0;
	for (i = 0; i < ARRAY_SIZE(gpr); i++) {
		memcpy(&a, (const char *)before + gpr[i].off, sizeof(a));
		memcpy(&b, (const char *)after + gpr[i].off, sizeof(b));
		diff_one(&d, gpr[i].name, a, b);
	}
	diff_one(&d, "rflags", before->rflags, after->rflags);
	if (!sbefore || !safter)
		return d.pos;
	diff_one(&d, "cr0", sbefore->cr0, safter->cr0);
	diff_one(&d, "cr2", sbefore->cr2, safter->cr2);
	diff_one(&d, "cr3", sbefore->cr3, safter->cr3);
	diff_one(&d, "cr4", sbefore->cr4, safter->cr4);
	diff_one(&d, "efer", sbefore->efer, safter->efer);
	diff_one(&d, "cs", sbefore->cs.selector, safter->cs.selector);
	diff_one(&d, "ds", sbefore->ds.selector, safter->ds.selector);
	diff_one(&d, "es", sbefore->es.selector, safter->es.selector);
	diff_one(&d, "fs", sbefore->fs.selector, safter->fs.selector);
	diff_one(&d, "gs", sbefore->gs.selector, safter->gs.selector);
	diff_one(&d, "ss", sbefore->ss.selector, safter->ss.selector);
	return d.pos;
}

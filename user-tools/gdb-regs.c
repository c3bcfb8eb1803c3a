// SPDX-License-Identifier: GPL-2.0-only
/*
 * The registers gdb sees, and the target description that names them.
 *
 * One table per layout, in gdb's own order (gdb's features/i386/
 * 64bit-core.xml, 64bit-sse.xml, 64bit-segments.xml and their 32-bit
 * twins), then the control registers in a feature of our own,
 * "org.minivmx.x86.sys" (cr0, cr2, cr3, cr4, efer).  The same table makes
 * the XML, the 'g' packet and 'p'/'P', so they cannot disagree.
 *
 * minivmx has no ioctl for the FPU and SSE state: gdb's i386 code still
 * wants st0-st7, the x87 control registers, xmm0-xmm15 and mxcsr to
 * exist, so they are there and always read as unavailable ("xx").
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "gdb-int.h"
#include "libminivmx.h"

enum reg_src {
	SRC_GPR,	/* struct minivmx_regs, @idx-th field */
	SRC_RIP,
	SRC_RFLAGS,
	SRC_SEG,	/* selector of the @idx-th of cs ss ds es fs gs */
	SRC_FS_BASE,
	SRC_GS_BASE,
	SRC_CR0,
	SRC_CR2,
	SRC_CR3,
	SRC_CR4,
	SRC_EFER,
	SRC_NONE,	/* x87 and SSE state: unavailable */
};

enum reg_feature { F_CORE, F_SSE, F_SEGMENTS, F_SYS, NR_FEATURES };

struct reg {
	char name[8];
	unsigned char bits;
	unsigned char src;
	unsigned char idx;
	unsigned char feature;
	const char *type;
	const char *group;
};

#define MAX_REGS	80

static struct reg regs64[MAX_REGS], regs32[MAX_REGS];
static unsigned int nr_regs64, nr_regs32;
static char xml64[8192], xml32[8192];
static size_t xml64_len, xml32_len;

static const char * const feature_names[] = {
	[F_CORE] = "org.gnu.gdb.i386.core",
	[F_SSE] = "org.gnu.gdb.i386.sse",
	[F_SEGMENTS] = "org.gnu.gdb.i386.segments",
	[F_SYS] = "org.minivmx.x86.sys",
};

/* EFLAGS as gdb's 32bit-core.xml describes it ("" is the fixed bit 1). */
static const struct {
	const char *name;
	unsigned int bit;
} eflags_bits[] = {
	{ "CF", 0 }, { "", 1 }, { "PF", 2 }, { "AF", 4 }, { "ZF", 6 },
	{ "SF", 7 }, { "TF", 8 }, { "IF", 9 }, { "DF", 10 }, { "OF", 11 },
	{ "NT", 14 }, { "RF", 16 }, { "VM", 17 }, { "AC", 18 }, { "VIF", 19 },
	{ "VIP", 20 }, { "ID", 21 },
};

/* The views of an XMM register, as gdb's 64bit-sse.xml has them. */
static const struct {
	const char *field;
	const char *id;
	const char *type;
	unsigned int count;
} vec128[] = {
	{ "v4_float", "v4f", "ieee_single", 4 },
	{ "v2_double", "v2d", "ieee_double", 2 },
	{ "v16_int8", "v16i8", "int8", 16 },
	{ "v8_int16", "v8i16", "int16", 8 },
	{ "v4_int32", "v4i32", "int32", 4 },
	{ "v2_int64", "v2i64", "int64", 2 },
};

static void add(struct reg *t, unsigned int *n, const char *name,
		unsigned int bits, enum reg_src src, unsigned int idx,
		enum reg_feature feature, const char *type, const char *group)
{
	struct reg *r = &t[(*n)++];

	snprintf(r->name, sizeof(r->name), "%s", name);
	r->bits = bits;
	r->src = src;
	r->idx = idx;
	r->feature = feature;
	r->type = type;
	r->group = group;
}

/* The registers after the general ones, the same in both layouts. */
static void add_common(struct reg *t, unsigned int *n, bool is64)
{
	static const char * const segs[] = { "cs", "ss", "ds", "es", "fs", "gs" };
	static const char * const x87[] = {
		"fctrl", "fstat", "ftag", "fiseg", "fioff", "foseg", "fooff",
		"fop",
	};
	static const char * const sys[] = { "cr0", "cr2", "cr3", "cr4", "efer" };
	unsigned int i, ptr = is64 ? 64 : 32;
	enum reg_feature f;
	char name[8];

	add(t, n, is64 ? "rip" : "eip", ptr, SRC_RIP, 0, F_CORE, "code_ptr",
	    NULL);
	add(t, n, "eflags", 32, SRC_RFLAGS, 0, F_CORE, "i386_eflags", NULL);
	for (i = 0; i < ARRAY_SIZE(segs); i++)
		add(t, n, segs[i], 32, SRC_SEG, i, F_CORE, "int32", NULL);
	for (i = 0; i < 8; i++) {
		snprintf(name, sizeof(name), "st%u", i);
		add(t, n, name, 80, SRC_NONE, 0, F_CORE, "i387_ext", NULL);
	}
	for (i = 0; i < ARRAY_SIZE(x87); i++)
		add(t, n, x87[i], 32, SRC_NONE, 0, F_CORE, "int", "float");
	for (i = 0; i < (is64 ? 16U : 8U); i++) {
		snprintf(name, sizeof(name), "xmm%u", i);
		add(t, n, name, 128, SRC_NONE, 0, F_SSE, "vec128", NULL);
	}
	add(t, n, "mxcsr", 32, SRC_NONE, 0, F_SSE, "int", "vector");
	/*
	 * gdb 13 takes org.gnu.gdb.i386.segments only for x86-64: in an
	 * i386 description it fails an assertion (tdesc_use_registers).
	 * There the two bases go with the control registers.
	 */
	f = is64 ? F_SEGMENTS : F_SYS;
	add(t, n, "fs_base", ptr, SRC_FS_BASE, 0, f, "int", NULL);
	add(t, n, "gs_base", ptr, SRC_GS_BASE, 0, f, "int", NULL);
	for (i = 0; i < ARRAY_SIZE(sys); i++)
		add(t, n, sys[i], 64, SRC_CR0 + i, 0, F_SYS, "int", "system");
}

#define PUT(...) (len += snprintf(xml + len, len < room ? room - len : 0, \
				  __VA_ARGS__))

static size_t put_eflags(char *xml, size_t room)
{
	size_t len = 0, i;

	PUT("<flags id=\"i386_eflags\" size=\"4\">\n");
	for (i = 0; i < ARRAY_SIZE(eflags_bits); i++)
		PUT("  <field name=\"%s\" start=\"%u\" end=\"%u\"/>\n",
		    eflags_bits[i].name, eflags_bits[i].bit, eflags_bits[i].bit);
	PUT("</flags>\n");
	return len < room ? len : room;
}

static size_t put_vec128(char *xml, size_t room)
{
	size_t len = 0, i;

	for (i = 0; i < ARRAY_SIZE(vec128); i++)
		PUT("<vector id=\"%s\" type=\"%s\" count=\"%u\"/>\n",
		    vec128[i].id, vec128[i].type, vec128[i].count);
	PUT("<union id=\"vec128\">\n");
	for (i = 0; i < ARRAY_SIZE(vec128); i++)
		PUT("  <field name=\"%s\" type=\"%s\"/>\n", vec128[i].field,
		    vec128[i].id);
	PUT("  <field name=\"uint128\" type=\"uint128\"/>\n</union>\n");
	return len < room ? len : room;
}

static size_t make_xml(char *xml, size_t room, const char *arch,
		       const struct reg *t, unsigned int n)
{
	size_t len = 0;
	int feature = -1;
	unsigned int i;

	PUT("<?xml version=\"1.0\"?>\n"
	    "<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
	    "<target version=\"1.0\">\n<architecture>%s</architecture>\n",
	    arch);
	for (i = 0; i < n; i++) {
		if (t[i].feature != feature) {
			if (feature >= 0)
				PUT("</feature>\n");
			feature = t[i].feature;
			PUT("<feature name=\"%s\">\n", feature_names[feature]);
			if (feature == F_CORE && len < room)
				len += put_eflags(xml + len, room - len);
			if (feature == F_SSE && len < room)
				len += put_vec128(xml + len, room - len);
		}
		PUT("<reg name=\"%s\" bitsize=\"%u\" type=\"%s\"%s%s%s/>\n",
		    t[i].name, t[i].bits, t[i].type,
		    t[i].group ? " group=\"" : "",
		    t[i].group ? t[i].group : "", t[i].group ? "\"" : "");
	}
	PUT("</feature>\n</target>\n");
	return len < room ? len : 0;
}

static void build_tables(void)
{
	/* Indexes into struct minivmx_regs: rax rbx rcx rdx rsi rdi rsp rbp. */
	static const unsigned char order64[] = { 0, 1, 2, 3, 4, 5, 7, 6 };
	static const char * const names64[] = {
		"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp",
	};
	static const unsigned char order32[] = { 0, 2, 3, 1, 6, 7, 4, 5 };
	static const char * const names32[] = {
		"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi",
	};
	unsigned int i;
	char name[8];

	if (nr_regs64)
		return;
	for (i = 0; i < 8; i++)
		add(regs64, &nr_regs64, names64[i], 64, SRC_GPR, order64[i],
		    F_CORE, i >= 6 ? "data_ptr" : "int64", NULL);
	for (i = 8; i < 16; i++) {
		snprintf(name, sizeof(name), "r%u", i);
		add(regs64, &nr_regs64, name, 64, SRC_GPR, i, F_CORE, "int64",
		    NULL);
	}
	add_common(regs64, &nr_regs64, true);
	for (i = 0; i < 8; i++)
		add(regs32, &nr_regs32, names32[i], 32, SRC_GPR, order32[i],
		    F_CORE, i == 4 || i == 5 ? "data_ptr" : "int32", NULL);
	add_common(regs32, &nr_regs32, false);
	xml64_len = make_xml(xml64, sizeof(xml64), "i386:x86-64", regs64,
			     nr_regs64);
	xml32_len = make_xml(xml32, sizeof(xml32), "i386", regs32, nr_regs32);
}

/* qXfer:features:read:target.xml */
const char *gdb_target_xml(bool long_mode, size_t *len)
{
	build_tables();
	*len = long_mode ? xml64_len : xml32_len;
	return long_mode ? xml64 : xml32;
}

static const struct reg *layout(struct gdb_stub *s, unsigned int *n)
{
	build_tables();
	*n = s->long_mode ? nr_regs64 : nr_regs32;
	return s->long_mode ? regs64 : regs32;
}

static struct minivmx_segment *seg(struct minivmx_sregs *sr, unsigned int i)
{
	struct minivmx_segment *segs[] = {
		&sr->cs, &sr->ss, &sr->ds, &sr->es, &sr->fs, &sr->gs,
	};

	return segs[i];
}

/* Where register @r lives in @regs or @sregs; NULL: unavailable. */
static __u64 *reg_ptr(const struct reg *r, struct minivmx_regs *regs,
		      struct minivmx_sregs *sr)
{
	switch (r->src) {
	case SRC_GPR:
		return &(&regs->rax)[r->idx];
	case SRC_RIP:
		return &regs->rip;
	case SRC_RFLAGS:
		return &regs->rflags;
	case SRC_FS_BASE:
		return &sr->fs.base;
	case SRC_GS_BASE:
		return &sr->gs.base;
	case SRC_CR0:
		return &sr->cr0;
	case SRC_CR2:
		return &sr->cr2;
	case SRC_CR3:
		return &sr->cr3;
	case SRC_CR4:
		return &sr->cr4;
	case SRC_EFER:
		return &sr->efer;
	default:
		return NULL;
	}
}

static __u64 reg_value(const struct reg *r, struct minivmx_regs *regs,
		       struct minivmx_sregs *sr)
{
	if (r->src == SRC_SEG)
		return seg(sr, r->idx)->selector;
	return *reg_ptr(r, regs, sr);
}

/* One register as little-endian hex ("xx" per byte if unavailable). */
static size_t put_reg(char *hex, const struct reg *r,
		      struct minivmx_regs *regs, struct minivmx_sregs *sr)
{
	unsigned int bytes = r->bits / 8;
	__u64 v;

	if (r->src == SRC_NONE) {
		memset(hex, 'x', 2 * bytes);
		return 2 * bytes;
	}
	v = reg_value(r, regs, sr);	/* x86 is little-endian, as gdb wants */
	gdb_hex_encode(hex, &v, bytes);
	return 2 * bytes;
}

/*
 * Set register @r from @bytes of little-endian @hex.  Selectors may
 * change only in real mode (the base follows, selector * 16): elsewhere
 * the descriptor would have to come from the guest's GDT.  The x87 and
 * SSE registers take nothing.  Return: 0, or -EINVAL.
 */
static int get_reg(const struct reg *r, const char *hex,
		   struct minivmx_regs *regs, struct minivmx_sregs *sr)
{
	unsigned int bytes = r->bits / 8;
	struct minivmx_segment *sg;
	__u64 v = 0, *p, mask;

	if (r->src == SRC_NONE || hex[0] == 'x')
		return 0;
	if (gdb_hex_decode(&v, hex, bytes))
		return -EINVAL;
	if (r->src == SRC_SEG) {
		sg = seg(sr, r->idx);
		if (sg->selector == (__u16)v)
			return 0;
		if ((sr->cr0 & 1) || v > 0xffff)
			return -EINVAL;
		sg->selector = v;
		sg->base = v << 4;
		return 0;
	}
	p = reg_ptr(r, regs, sr);
	mask = r->bits == 64 ? ~0ULL : (1ULL << r->bits) - 1;
	/* A 32-bit view leaves the upper half alone, as the CPU would not. */
	*p = (*p & ~mask) | (v & mask);
	if (r->src == SRC_RIP)
		*p = v & mask;
	return 0;
}

static int fetch(struct gdb_stub *s, struct minivmx_regs *regs,
		 struct minivmx_sregs *sr)
{
	if (minivmx_get_regs(s->t.vcpu_fd, regs) ||
	    minivmx_get_sregs(s->t.vcpu_fd, sr))
		return -EIO;
	return 0;
}

/* Write back what changed: MINIVMX_SET_SREGS checks the state. */
static int store(struct gdb_stub *s, const struct minivmx_regs *regs,
		 const struct minivmx_sregs *sr)
{
	struct minivmx_regs oregs;
	struct minivmx_sregs osr;

	if (fetch(s, &oregs, &osr))
		return -EIO;
	if (memcmp(regs, &oregs, sizeof(oregs)) &&
	    minivmx_set_regs(s->t.vcpu_fd, regs))
		return -EINVAL;
	if (memcmp(sr, &osr, sizeof(osr)) &&
	    minivmx_set_sregs(s->t.vcpu_fd, sr))
		return -EINVAL;
	return 0;
}

/* 'g': all registers.  Return: 0 with @hex NUL-terminated, or -errno. */
int gdb_read_regs(struct gdb_stub *s, char *hex, size_t room)
{
	struct minivmx_regs regs;
	struct minivmx_sregs sr;
	const struct reg *t;
	unsigned int n, i;
	size_t len = 0;

	t = layout(s, &n);
	if (fetch(s, &regs, &sr))
		return -EIO;
	for (i = 0; i < n; i++) {
		if (len + t[i].bits / 4 >= room)
			return -ENOSPC;
		len += put_reg(hex + len, &t[i], &regs, &sr);
	}
	hex[len] = '\0';
	return 0;
}

/* 'G' */
int gdb_write_regs(struct gdb_stub *s, const char *hex)
{
	struct minivmx_regs regs;
	struct minivmx_sregs sr;
	const struct reg *t;
	unsigned int n, i;
	size_t len = strlen(hex), off = 0;

	t = layout(s, &n);
	if (fetch(s, &regs, &sr))
		return -EIO;
	for (i = 0; i < n && off < len; i++) {
		if (off + t[i].bits / 4 > len ||
		    get_reg(&t[i], hex + off, &regs, &sr))
			return -EINVAL;
		off += t[i].bits / 4;
	}
	return store(s, &regs, &sr);
}

/* 'p NR' */
int gdb_read_reg(struct gdb_stub *s, unsigned int nr, char *hex, size_t room)
{
	struct minivmx_regs regs;
	struct minivmx_sregs sr;
	const struct reg *t;
	unsigned int n;
	size_t len;

	t = layout(s, &n);
	if (nr >= n || room <= (size_t)t[nr].bits / 4)
		return -EINVAL;
	if (fetch(s, &regs, &sr))
		return -EIO;
	len = put_reg(hex, &t[nr], &regs, &sr);
	hex[len] = '\0';
	return 0;
}

/* 'P NR=HEX' */
int gdb_write_reg(struct gdb_stub *s, unsigned int nr, const char *hex)
{
	struct minivmx_regs regs;
	struct minivmx_sregs sr;
	const struct reg *t;
	unsigned int n;

	t = layout(s, &n);
	if (nr >= n || strlen(hex) != (size_t)t[nr].bits / 4)
		return -EINVAL;
	if (fetch(s, &regs, &sr) || get_reg(&t[nr], hex, &regs, &sr))
		return -EINVAL;
	return store(s, &regs, &sr);
}

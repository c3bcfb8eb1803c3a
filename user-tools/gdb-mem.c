// SPDX-License-Identifier: GPL-2.0-only
/*
 * The gdb stub's view of guest memory and its breakpoints.
 *
 * gdb's addresses are guest-virtual (linear): MINIVMX_TRANSLATE walks the
 * guest's page tables and EPT for them, and the bytes are read and written
 * through the tool's own mapping of guest RAM.  Software breakpoints are
 * INT3 bytes kept by guest-physical address (what the page tables said
 * when gdb inserted them), hidden from gdb's reads; hardware breakpoints
 * and watchpoints are the four debug registers, which
 * MINIVMX_SET_GUEST_DEBUG arms while the guest runs.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include "gdb-int.h"
#include "libminivmx.h"

#define X86_CR0_PG	BIT_ULL(31)
#define PAGE_SIZE	4096ULL

/*
 * The guest-physical address of linear address @gva, by MINIVMX_TRANSLATE
 * (reading, as a supervisor).  Without it (an older module) only a guest
 * with paging off can be read: linear is physical there.
 * Return: 0, or -EFAULT.
 */
int gdb_translate(struct gdb_stub *s, __u64 gva, __u64 *gpa)
{
	struct minivmx_translate tr = { .gva = gva };
	struct minivmx_sregs sregs;

	if (s->has_translate) {
		if (ioctl(s->t.vcpu_fd, MINIVMX_TRANSLATE, &tr) ||
		    tr.status != MINIVMX_WALK_OK)
			return -EFAULT;
		*gpa = tr.gpa;
		return 0;
	}
	if (minivmx_get_sregs(s->t.vcpu_fd, &sregs) ||
	    (sregs.cr0 & X86_CR0_PG))
		return -EFAULT;
	*gpa = gva;
	return 0;
}

/* The host address of @gpa's byte, if that byte is guest RAM. */
static __u8 *ram_at(struct gdb_stub *s, __u64 gpa)
{
	if (gpa >= s->t.mem_size)
		return NULL;
	return (__u8 *)s->t.ram + gpa;
}

static struct gdb_sw_bp *sw_bp_at_gpa(struct gdb_stub *s, __u64 gpa)
{
	int i;

	for (i = 0; i < GDB_MAX_SW_BPS; i++)
		if (s->sw[i].used && s->sw[i].gpa == gpa)
			return &s->sw[i];
	return NULL;
}

/*
 * Copy guest memory at linear @gva to or from @buf, page by page, up to
 * the first byte that is not mapped to RAM.  Reads show the bytes our
 * INT3s replaced; writes over them update the saved byte and leave the
 * INT3.  Return: bytes copied.
 */
static size_t mem_access(struct gdb_stub *s, __u64 gva, __u8 *buf,
			 size_t len, bool write)
{
	struct gdb_sw_bp *bp;
	size_t done = 0;
	__u64 gpa = 0;
	__u8 *p;

	while (done < len) {
		if ((done == 0 || !((gva + done) & (PAGE_SIZE - 1))) &&
		    gdb_translate(s, gva + done, &gpa))
			break;
		p = ram_at(s, gpa);
		if (!p)
			break;
		bp = sw_bp_at_gpa(s, gpa);
		if (write && bp)
			bp->orig = buf[done];
		else if (write)
			*p = buf[done];
		else
			buf[done] = bp ? bp->orig : *p;
		done++;
		gpa++;
	}
	return done;
}

static int sw_bp_insert(struct gdb_stub *s, __u64 addr)
{
	struct gdb_sw_bp *free_bp = NULL;
	__u64 gpa;
	__u8 *p;
	int i;

	for (i = 0; i < GDB_MAX_SW_BPS; i++) {
		if (s->sw[i].used && s->sw[i].addr == addr)
			return 0;
		if (!s->sw[i].used && !free_bp)
			free_bp = &s->sw[i];
	}
	if (!free_bp)
		return -ENOSPC;
	if (gdb_translate(s, addr, &gpa))
		return -EFAULT;
	p = ram_at(s, gpa);
	if (!p)
		return -EFAULT;
	if (sw_bp_at_gpa(s, gpa))	/* another alias of the same byte */
		return -EEXIST;
	free_bp->addr = addr;
	free_bp->gpa = gpa;
	free_bp->orig = *p;
	free_bp->used = true;
	*p = 0xcc;
	return 0;
}

static void sw_bp_clear(struct gdb_stub *s, struct gdb_sw_bp *bp)
{
	__u8 *p = ram_at(s, bp->gpa);

	if (p && *p == 0xcc)
		*p = bp->orig;
	bp->used = false;
}

static int sw_bp_remove(struct gdb_stub *s, __u64 addr)
{
	int i;

	for (i = 0; i < GDB_MAX_SW_BPS; i++) {
		if (s->sw[i].used && s->sw[i].addr == addr) {
			sw_bp_clear(s, &s->sw[i]);
			return 0;
		}
	}
	return 0;	/* gdb removes what it may not have inserted */
}

/* Every breakpoint out: the guest's bytes back, the debug registers free. */
void gdb_clear_bps(struct gdb_stub *s)
{
	int i;

	for (i = 0; i < GDB_MAX_SW_BPS; i++)
		if (s->sw[i].used)
			sw_bp_clear(s, &s->sw[i]);
	memset(s->hw, 0, sizeof(s->hw));
}

bool gdb_is_our_int3(struct gdb_stub *s, __u64 rip)
{
	__u64 gpa;

	return !gdb_translate(s, rip, &gpa) && sw_bp_at_gpa(s, gpa);
}

/*
 * A hardware breakpoint (type 1) or watchpoint (2-4) over [@addr, @addr +
 * @len): each debug register watches an aligned 1, 2, 4 or 8 bytes, so a
 * region takes as many as its aligned pieces.  x86 has no read-only
 * watchpoint: type 3 watches reads and writes (DR7 RW = 11).
 */
static int hw_bp_insert(struct gdb_stub *s, int type, __u64 addr, __u64 len)
{
	struct gdb_hw_bp want[4];
	int n = 0, i, j;
	__u64 piece;

	if (type == 1)
		len = 1;
	if (!len || len > 32)
		return -EINVAL;
	while (len) {
		for (piece = 8; piece > 1; piece /= 2)
			if (!(addr & (piece - 1)) && piece <= len)
				break;
		if (n == 4)
			return -ENOSPC;
		want[n++] = (struct gdb_hw_bp){ addr, type, (int)piece, true };
		addr += piece;
		len -= piece;
	}
	for (i = 0, j = 0; i < 4 && j < n; i++)
		if (!s->hw[i].used)
			j++;
	if (j < n)
		return -ENOSPC;
	for (i = 0, j = 0; i < 4 && j < n; i++)
		if (!s->hw[i].used)
			s->hw[i] = want[j++];
	return 0;
}

static int hw_bp_remove(struct gdb_stub *s, int type, __u64 addr, __u64 len)
{
	int i;

	if (type == 1)
		len = 1;
	for (i = 0; i < 4; i++)
		if (s->hw[i].used && s->hw[i].type == type &&
		    s->hw[i].addr >= addr && s->hw[i].addr < addr + len)
			s->hw[i].used = false;
	return 0;
}

/* DR7 for the debug registers in use (SDM Vol. 3B 18.2.4). */
__u64 gdb_hw_dr7(struct gdb_stub *s)
{
	static const int rw[] = { [1] = 0, [2] = 1, [3] = 3, [4] = 3 };
	static const int lenbits[] = { [1] = 0, [2] = 1, [4] = 3, [8] = 2 };
	__u64 dr7 = 0;
	int i;

	for (i = 0; i < 4; i++) {
		if (!s->hw[i].used)
			continue;
		dr7 |= 2ULL << (2 * i);				/* Gi */
		dr7 |= (__u64)rw[s->hw[i].type] << (16 + 4 * i);
		dr7 |= (__u64)lenbits[s->hw[i].len] << (18 + 4 * i);
	}
	return dr7;
}

/* Z and z packets: "Z1,ADDR,KIND". */
void gdb_handle_bp(struct gdb_stub *s, const char *p)
{
	bool insert = p[0] == 'Z';
	int type = p[1] - '0', ret;
	__u64 addr, kind;

	p += 2;
	if (type < 0 || type > 4 || *p++ != ',' || gdb_parse_hex(&p, &addr) ||
	    *p++ != ',' || gdb_parse_hex(&p, &kind)) {
		gdb_put_str(s, type < 0 || type > 4 ? "" : "E22");
		return;
	}
	if (type == 0)
		ret = insert ? sw_bp_insert(s, addr) : sw_bp_remove(s, addr);
	else
		ret = insert ? hw_bp_insert(s, type, addr, kind) :
			       hw_bp_remove(s, type, addr, kind);
	gdb_put_str(s, !ret ? "OK" : ret == -EFAULT ? "E14" : "E28");
}

/* m ADDR,LEN */
void gdb_handle_read_mem(struct gdb_stub *s, const char *p)
{
	__u8 data[GDB_PACKET_SIZE / 2];
	char hex[GDB_PACKET_SIZE + 1];
	__u64 addr, len;
	size_t n;

	if (gdb_parse_hex(&p, &addr) || *p++ != ',' ||
	    gdb_parse_hex(&p, &len)) {
		gdb_put_str(s, "E22");
		return;
	}
	if (len > sizeof(data))
		len = sizeof(data);
	n = mem_access(s, addr, data, len, false);
	if (!n && len) {
		gdb_put_str(s, "E14");
		return;
	}
	gdb_hex_encode(hex, data, n);
	gdb_put(s, hex, 2 * n);
}

/* M ADDR,LEN:HEX and X ADDR,LEN:BINARY */
void gdb_handle_write_mem(struct gdb_stub *s, char *p, size_t plen)
{
	bool binary = *p == 'X';
	__u8 data[GDB_PACKET_SIZE];
	const char *q = p + 1;
	__u64 addr, len;
	ssize_t n;

	if (gdb_parse_hex(&q, &addr) || *q++ != ',' ||
	    gdb_parse_hex(&q, &len) || *q++ != ':' || len > sizeof(data)) {
		gdb_put_str(s, "E22");
		return;
	}
	if (binary) {
		n = gdb_unescape((char *)data, q, plen - (q - p));
		if (n != (ssize_t)len) {
			gdb_put_str(s, "E22");
			return;
		}
	} else if (strlen(q) != 2 * len || gdb_hex_decode(data, q, len)) {
		gdb_put_str(s, "E22");
		return;
	}
	gdb_put_str(s, mem_access(s, addr, data, len, true) == len ?
			 "OK" : "E14");
}

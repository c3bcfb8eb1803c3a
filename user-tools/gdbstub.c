// SPDX-License-Identifier: GPL-2.0-only
/*
 * minivmx run --gdb PORT|PATH: a GDB remote-protocol stub for the run's
 * vCPU (Documentation/gdb.rst).
 *
 * The stub has no thread of its own.  cmd-run.c calls
 * gdb_stub_before_run() before each MINIVMX_RUN: while the guest is
 * stopped it serves gdb's packets there until gdb resumes the guest (c, s,
 * vCont), which arms MINIVMX_SET_GUEST_DEBUG as gdb's breakpoints ask.
 * After each MINIVMX_RUN, gdb_stub_after_run() takes the exits that are
 * gdb's (MINIVMX_EXIT_DEBUG, an interrupt) and sends the stop reply.
 * While the guest runs, the connection raises SIGIO (O_ASYNC): the
 * handler sets immediate_exit, MINIVMX_RUN returns, and a 0x03 from gdb
 * (Ctrl-C) stops the guest.
 *
 * Memory and breakpoints are in gdb-mem.c, registers and the target
 * description in gdb-regs.c, the monitor commands in gdb-monitor.c.
 */
#define _GNU_SOURCE		/* accept4() */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "cmd.h"
#include "gdb-int.h"
#include "libminivmx.h"

#define X86_EFER_LMA	BIT_ULL(10)

/* Set by the SIGIO handler: bytes or a connection wait on a socket. */
static atomic_bool io_pending;
static struct minivmx_run *io_run;

static void on_sigio(int sig __always_unused)
{
	atomic_store(&io_pending, true);
	if (io_run)
		io_run->immediate_exit = 1;
}

/* ---- the connection ---- */

static int set_async(int fd, bool on)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0)
		return -errno;
	fl = on ? fl | O_ASYNC : fl & ~O_ASYNC;
	if (fcntl(fd, F_SETOWN, getpid()) || fcntl(fd, F_SETFL, fl))
		return -errno;
	return 0;
}

static int listen_on(struct gdb_stub *s, const char *where)
{
	char *end;
	unsigned long port = strtoul(where, &end, 10);
	int fd, one = 1;

	if (*where && !*end) {
		struct sockaddr_in in = {
			.sin_family = AF_INET,
			.sin_port = htons(port),
			.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
		};

		if (!port || port > 65535) {
			pr_err("--gdb %s: a TCP port is 1 to 65535", where);
			return MV_EXIT_USAGE;
		}
		fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd >= 0)
			setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one,
				   sizeof(one));
		if (fd >= 0 && bind(fd, (struct sockaddr *)&in, sizeof(in)))
			goto fail;
	} else {
		struct sockaddr_un un = { .sun_family = AF_UNIX };

		if (strlen(where) >= sizeof(un.sun_path)) {
			pr_err("--gdb %s: the socket path is too long", where);
			return MV_EXIT_USAGE;
		}
		strcpy(un.sun_path, where);
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd >= 0 && bind(fd, (struct sockaddr *)&un, sizeof(un)))
			goto fail;
		if (fd >= 0)
			s->sock_path = strdup(where);
	}
	if (fd < 0 || listen(fd, 1))
		goto fail;
	s->listen_fd = fd;
	return MV_EXIT_OK;
fail:
	pr_err("--gdb %s: cannot listen: %s", where, strerror(errno));
	if (fd >= 0)
		close(fd);
	return MV_EXIT_FAIL;
}

/* Take the connection gdb made; the guest is stopped for it. */
static int accept_gdb(struct gdb_stub *s)
{
	struct minivmx_sregs sregs;
	int fd, one = 1;

	do {
		fd = accept4(s->listen_fd, NULL, NULL, SOCK_CLOEXEC);
	} while (fd < 0 && errno == EINTR);
	if (fd < 0)
		return -errno;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	/* gdb reads the target description once: x86-64 in long mode. */
	s->long_mode = !minivmx_get_sregs(s->t.vcpu_fd, &sregs) &&
		       (sregs.efer & X86_EFER_LMA);
	s->fd = fd;
	s->no_ack = false;
	s->rpos = 0;
	s->rlen = 0;
	s->stopped = true;
	gdb_rx_init(&s->rx);
	fprintf(stderr, "minivmx: gdb connected\n");
	return 0;
}

static void drop_gdb(struct gdb_stub *s)
{
	if (s->fd < 0)
		return;
	close(s->fd);
	s->fd = -1;
	fprintf(stderr, "minivmx: gdb disconnected\n");
}

static int write_all(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len) {
		n = send(fd, buf, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -EPIPE;
		buf += n;
		len -= n;
	}
	return 0;
}

/*
 * The next byte from gdb.  @wait: block for it.  Return: the byte, -EAGAIN
 * (nothing waiting), -EPIPE (the connection is gone).
 */
static int next_byte(struct gdb_stub *s, bool wait)
{
	ssize_t n;

	while (s->rpos == s->rlen) {
		n = recv(s->fd, s->rbuf, sizeof(s->rbuf),
			 wait ? 0 : MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return -EAGAIN;
		if (n <= 0)
			return -EPIPE;
		s->rpos = 0;
		s->rlen = n;
	}
	return (unsigned char)s->rbuf[s->rpos++];
}

/* Send a frame; in ack mode, until gdb acknowledges it. */
static int send_frame(struct gdb_stub *s, const char *frame, size_t len)
{
	int c;

	for (;;) {
		if (write_all(s->fd, frame, len))
			return -EPIPE;
		if (s->no_ack)
			return 0;
		do {
			c = next_byte(s, true);
			if (c < 0)
				return c;
		} while (c != '+' && c != '-');
		if (c == '+')
			return 0;
	}
}

/* Send @data (already escaped where binary) as one packet. */
int gdb_put(struct gdb_stub *s, const char *data, size_t len)
{
	if (s->fd < 0)
		return -EPIPE;
	if (len > GDB_PACKET_SIZE)
		len = GDB_PACKET_SIZE;
	return send_frame(s, s->out, gdb_frame(s->out, data, len));
}

int gdb_put_str(struct gdb_stub *s, const char *str)
{
	return gdb_put(s, str, strlen(str));
}

/* Text for gdb's console ("O" packets), while a command or a run lasts. */
void gdb_console(struct gdb_stub *s, const char *fmt, ...)
{
	char text[1024], pkt[2 * sizeof(text) + 2] = "O";
	size_t len, off, n;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	len = strlen(text);
	for (off = 0; off < len; off += n) {
		n = len - off;
		if (n > GDB_PACKET_SIZE / 2 - 1)
			n = GDB_PACKET_SIZE / 2 - 1;
		gdb_hex_encode(pkt + 1, text + off, n);
		gdb_put(s, pkt, 1 + 2 * n);
	}
}

/*
 * The next packet, or an interrupt.  @wait: block.  Return: GDB_RX_PACKET,
 * GDB_RX_INTERRUPT, -EAGAIN or -EPIPE.
 */
static int get_packet(struct gdb_stub *s, bool wait)
{
	int c;

	for (;;) {
		c = next_byte(s, wait);
		if (c < 0)
			return c;
		switch (gdb_rx_byte(&s->rx, c)) {
		case GDB_RX_PACKET:
			if (!s->no_ack && write_all(s->fd, "+", 1))
				return -EPIPE;
			return GDB_RX_PACKET;
		case GDB_RX_BAD_CHECKSUM:
		case GDB_RX_OVERFLOW:
			if (!s->no_ack && write_all(s->fd, "-", 1))
				return -EPIPE;
			break;
		case GDB_RX_INTERRUPT:
			return GDB_RX_INTERRUPT;
		default:
			break;
		}
	}
}

/* ---- running and stopping ---- */

/* Arm MINIVMX_SET_GUEST_DEBUG for the next run. */
static int arm_debug(struct gdb_stub *s, bool step)
{
	struct minivmx_guest_debug d = {
		.control = MINIVMX_GUESTDBG_ENABLE | MINIVMX_GUESTDBG_USE_SW_BP,
	};
	int i;

	if (step) {
		d.control |= MINIVMX_GUESTDBG_SINGLESTEP;
		d.steps = 1;
	}
	d.dr7 = gdb_hw_dr7(s);
	if (d.dr7) {
		d.control |= MINIVMX_GUESTDBG_USE_HW_BP;
		for (i = 0; i < 4; i++)
			d.db[i] = s->hw[i].used ? s->hw[i].addr : 0;
	}
	if (s->exit_bitmap[0] || s->exit_bitmap[1]) {
		d.control |= MINIVMX_GUESTDBG_EXIT_BP;
		d.exit_bitmap[0] = s->exit_bitmap[0];
		d.exit_bitmap[1] = s->exit_bitmap[1];
	}
	if (s->inject_bp)
		d.control |= MINIVMX_GUESTDBG_INJECT_BP;
	s->inject_bp = false;
	if (ioctl(s->t.vcpu_fd, MINIVMX_SET_GUEST_DEBUG, &d)) {
		pr_err("MINIVMX_SET_GUEST_DEBUG: %s", strerror(errno));
		return -errno;
	}
	return 0;
}

static void resume(struct gdb_stub *s, bool step)
{
	if (arm_debug(s, step)) {
		gdb_put_str(s, "E01");
		return;
	}
	s->stepping = step;
	s->stopped = false;
	atomic_store(&io_pending, false);
	set_async(s->fd, true);
	/* Whatever came before O_ASYNC took effect raised no signal. */
	atomic_store(&io_pending, true);
}

/* The address of "c ADDR" or "s ADDR" becomes RIP.  Return: 0 or -1. */
static int resume_at(struct gdb_stub *s, const char *p)
{
	struct minivmx_regs regs;
	__u64 addr;

	if (gdb_parse_hex(&p, &addr) || *p ||
	    minivmx_get_regs(s->t.vcpu_fd, &regs))
		return -1;
	regs.rip = addr;
	return minivmx_set_regs(s->t.vcpu_fd, &regs) ? -1 : 0;
}

/*
 * Debugging off.  A guest INT3 still owed to the guest is queued first:
 * INJECT_BP writes the VM-entry event at once, and turning debugging off
 * leaves it queued.
 */
static void debug_off(struct gdb_stub *s)
{
	struct minivmx_guest_debug d = {
		.control = MINIVMX_GUESTDBG_ENABLE | MINIVMX_GUESTDBG_USE_SW_BP |
			   MINIVMX_GUESTDBG_INJECT_BP,
	};

	if (s->inject_bp)
		ioctl(s->t.vcpu_fd, MINIVMX_SET_GUEST_DEBUG, &d);
	s->inject_bp = false;
	memset(&d, 0, sizeof(d));
	ioctl(s->t.vcpu_fd, MINIVMX_SET_GUEST_DEBUG, &d);
}

/* Back to the guest without a debugger. */
static void detach(struct gdb_stub *s)
{
	gdb_clear_bps(s);
	memset(s->exit_bitmap, 0, sizeof(s->exit_bitmap));
	debug_off(s);
	drop_gdb(s);
	s->stopped = false;
	/* Another gdb may connect while the guest runs. */
	set_async(s->listen_fd, true);
}

/* The stop reply for a MINIVMX_EXIT_DEBUG; "" if the guest goes on. */
static const char *debug_stop(struct gdb_stub *s, char *buf, size_t len)
{
	static const char * const watch[] = {
		[2] = "watch", [3] = "rwatch", [4] = "awatch",
	};
	struct minivmx_run *run = s->t.run;
	__u32 why = run->debug.reasons;
	int i;

	if ((why & MINIVMX_DEBUG_SW_BP) && !gdb_is_our_int3(s, run->debug.rip)) {
		/* The guest's own INT3: it gets its #BP. */
		s->inject_bp = true;
		why &= ~MINIVMX_DEBUG_SW_BP;
		if (!why)
			return "";
	}
	/* DR6's B0-B3 say which register, when one of them stopped it. */
	for (i = 0; i < 4; i++) {
		if (!(why & (MINIVMX_DEBUG_HW_BP | MINIVMX_DEBUG_WATCH)) ||
		    !(run->debug.dr6 & (1ULL << i)) || !s->hw[i].used)
			continue;
		if (s->hw[i].type == 1)
			return "T05hwbreak:;thread:1;";
		snprintf(buf, len, "T05%s:%llx;thread:1;",
			 watch[s->hw[i].type],
			 (unsigned long long)s->hw[i].addr);
		return buf;
	}
	if (why & MINIVMX_DEBUG_SW_BP)
		return "T05swbreak:;thread:1;";
	if (why & MINIVMX_DEBUG_EXIT)
		gdb_report_exit_bp(s);
	return "T05thread:1;";
}

/* The guest stopped for gdb: say why. */
static void stopped(struct gdb_stub *s, const char *reply)
{
	s->stopped = true;
	s->stepping = false;
	set_async(s->fd, false);
	if (gdb_put_str(s, reply))
		detach(s);
}

/* Bytes from gdb while the guest runs: Ctrl-C stops it. */
static void check_input(struct gdb_stub *s)
{
	int ret;

	if (s->fd < 0) {
		struct pollfd p = { .fd = s->listen_fd, .events = POLLIN };

		/* A new gdb: the guest stops for it; it will ask '?'. */
		if (poll(&p, 1, 0) == 1 && !accept_gdb(s))
			set_async(s->listen_fd, false);
		return;
	}
	do {
		ret = get_packet(s, false);
	} while (ret == GDB_RX_PACKET);	/* nothing else is valid now */
	if (ret == GDB_RX_INTERRUPT)
		stopped(s, "T02thread:1;");
	else if (ret == -EPIPE)
		detach(s);
}

bool gdb_stub_after_run(struct gdb_stub *s, int ret)
{
	struct minivmx_run *run = s->t.run;
	const char *reply;
	char buf[64];

	if (atomic_exchange(&io_pending, false))
		check_input(s);
	if (!ret && run->exit_reason == MINIVMX_EXIT_DEBUG) {
		if (s->fd < 0) {
			/* A stop gdb left behind: the guest's INT3 is its own. */
			s->inject_bp = run->debug.reasons & MINIVMX_DEBUG_SW_BP;
			debug_off(s);
			return true;
		}
		reply = debug_stop(s, buf, sizeof(buf));
		if (s->stopped)		/* Ctrl-C came first and said so */
			return true;
		if (*reply)
			stopped(s, reply);
		else if (arm_debug(s, s->stepping))
			stopped(s, "T05thread:1;");
		return true;
	}
	/*
	 * Stopped by Ctrl-C or a new connection: the interrupted run is
	 * ours; any other exit is still the run loop's to handle (an IN
	 * to complete, say) before gdb gets the guest.
	 */
	if (s->stopped && (ret == -EINTR ||
			   (!ret && run->exit_reason == MINIVMX_EXIT_INTR))) {
		run->immediate_exit = 0;
		return true;
	}
	return false;
}

/* ---- packets ---- */

static void reply_hex_or_error(struct gdb_stub *s, int ret)
{
	if (ret)
		gdb_put_str(s, "E14");
	else
		gdb_put_str(s, s->out + sizeof(s->out) / 2);
}

/* qXfer:features:read:ANNEX:OFFSET,LENGTH */
static void handle_xfer(struct gdb_stub *s, const char *p)
{
	static char reply[GDB_PACKET_SIZE];
	const char *xml;
	__u64 off, len;
	size_t xlen, used, n;

	p += strlen("qXfer:features:read:");
	if (strncmp(p, "target.xml:", 11)) {
		gdb_put_str(s, "E00");
		return;
	}
	p += 11;
	if (gdb_parse_hex(&p, &off) || *p++ != ',' ||
	    gdb_parse_hex(&p, &len)) {
		gdb_put_str(s, "E00");
		return;
	}
	xml = gdb_target_xml(s->long_mode, &xlen);
	if (off >= xlen) {
		gdb_put_str(s, "l");
		return;
	}
	if (len > sizeof(reply) - 1)
		len = sizeof(reply) - 1;
	n = gdb_escape(reply + 1, len, xml + off, xlen - off, &used);
	reply[0] = off + used < xlen ? 'm' : 'l';
	gdb_put(s, reply, n + 1);
}

static void handle_query(struct gdb_stub *s, char *p)
{
	char cmd[GDB_PACKET_SIZE / 2 + 1];
	size_t n;

	if (!strncmp(p, "qSupported", 10)) {
		char r[160];

		snprintf(r, sizeof(r),
			 "PacketSize=%x;qXfer:features:read+;swbreak+;hwbreak+;QStartNoAckMode+;vContSupported+",
			 GDB_PACKET_SIZE);
		gdb_put_str(s, r);
	} else if (!strncmp(p, "qXfer:features:read:", 20)) {
		handle_xfer(s, p);
	} else if (!strcmp(p, "qAttached")) {
		gdb_put_str(s, "1");	/* quitting gdb detaches */
	} else if (!strcmp(p, "qC")) {
		gdb_put_str(s, "QC1");
	} else if (!strcmp(p, "qfThreadInfo")) {
		gdb_put_str(s, "m1");
	} else if (!strcmp(p, "qsThreadInfo")) {
		gdb_put_str(s, "l");
	} else if (!strncmp(p, "qRcmd,", 6)) {
		n = strlen(p + 6) / 2;
		if (n >= sizeof(cmd) || gdb_hex_decode(cmd, p + 6, n)) {
			gdb_put_str(s, "E22");
			return;
		}
		cmd[n] = '\0';
		gdb_monitor(s, cmd);
	} else if (!strcmp(p, "QStartNoAckMode")) {
		gdb_put_str(s, "OK");
		s->no_ack = true;
	} else {
		gdb_put_str(s, "");
	}
}

/* vCont;ACTION[:THREAD]...: the first action for thread 1 or all. */
static void handle_vcont(struct gdb_stub *s, const char *p)
{
	if (!strcmp(p, "vCont?")) {
		gdb_put_str(s, "vCont;c;C;s;S");
		return;
	}
	p += strlen("vCont");
	while (*p == ';') {
		char act = p[1];
		const char *tid = strchr(p + 1, ':');
		const char *next = strchr(p + 1, ';');

		if (!tid || (next && tid > next) || !strncmp(tid, ":1", 2) ||
		    !strncmp(tid, ":-1", 3)) {
			if (act == 'c' || act == 'C' || act == 's' ||
			    act == 'S') {
				resume(s, act == 's' || act == 'S');
				return;
			}
			break;
		}
		if (!next)
			break;
		p = next;
	}
	gdb_put_str(s, "E22");
}

/*
 * One packet while the guest is stopped.  Return: -1 to go on, else the
 * tool's exit code (gdb killed the guest).
 */
static int handle_packet(struct gdb_stub *s, char *p, size_t len)
{
	char *hex = s->out + sizeof(s->out) / 2;
	__u64 nr;
	const char *q = p + 1;

	switch (p[0]) {
	case '?':
		gdb_put_str(s, "T05thread:1;");
		break;
	case 'g':
		reply_hex_or_error(s, gdb_read_regs(s, hex,
						    sizeof(s->out) / 2));
		break;
	case 'G':
		gdb_put_str(s, gdb_write_regs(s, p + 1) ? "E22" : "OK");
		break;
	case 'p':
		if (gdb_parse_hex(&q, &nr) || nr > 255)
			gdb_put_str(s, "E22");
		else
			reply_hex_or_error(s, gdb_read_reg(s, nr, hex,
							   sizeof(s->out) / 2));
		break;
	case 'P':
		if (gdb_parse_hex(&q, &nr) || *q++ != '=' || nr > 255 ||
		    gdb_write_reg(s, nr, q))
			gdb_put_str(s, "E22");
		else
			gdb_put_str(s, "OK");
		break;
	case 'm':
		gdb_handle_read_mem(s, p + 1);
		break;
	case 'M':
	case 'X':
		gdb_handle_write_mem(s, p, len);
		break;
	case 'c':
	case 's':
		/* "c ADDR", "s ADDR": resume at ADDR. */
		if (p[1] && resume_at(s, p + 1)) {
			gdb_put_str(s, "E22");
			break;
		}
		resume(s, p[0] == 's');
		break;
	case 'Z':
	case 'z':
		gdb_handle_bp(s, p);
		break;
	case 'H':
	case 'T':
		gdb_put_str(s, "OK");	/* one thread, always alive */
		break;
	case 'q':
	case 'Q':
		handle_query(s, p);
		break;
	case 'v':
		if (!strncmp(p, "vKill", 5)) {
			gdb_put_str(s, "OK");
			return GDB_EXIT_KILLED;
		}
		if (!strncmp(p, "vCont", 5))
			handle_vcont(s, p);
		else
			gdb_put_str(s, "");
		break;
	case 'D':
		gdb_put_str(s, "OK");
		detach(s);
		break;
	case 'k':
		return GDB_EXIT_KILLED;
	default:
		gdb_put_str(s, "");
		break;
	}
	return -1;
}

int gdb_stub_before_run(struct gdb_stub *s)
{
	int ret;

	while (s->stopped && s->fd >= 0) {
		ret = get_packet(s, true);
		if (ret == -EPIPE) {
			detach(s);
			break;
		}
		if (ret != GDB_RX_PACKET)
			continue;
		ret = handle_packet(s, s->rx.buf, s->rx.len);
		if (ret >= 0) {
			fprintf(stderr, "minivmx: gdb killed the guest\n");
			drop_gdb(s);
			return ret;
		}
	}
	io_run = s->t.run;
	return -1;
}

/* The exit-record ring, for "monitor exits"; without it, no records. */
static void ring_setup(struct gdb_stub *s)
{
	struct minivmx_ring_config c = { .entries = GDB_RING_ENTRIES };
	size_t len = MINIVMX_RING_RECORDS +
		     GDB_RING_ENTRIES * sizeof(struct minivmx_exit_record);
	void *p;

	if (ioctl(s->t.vcpu_fd, MINIVMX_SET_EXIT_RING, &c))
		return;
	p = mmap(NULL, len, PROT_READ, MAP_SHARED, s->t.vcpu_fd,
		 MINIVMX_RING_OFFSET);
	if (p == MAP_FAILED)
		return;
	s->ring = p;
	s->ring_len = len;
}

int gdb_stub_open(struct gdb_stub **stub, const char *where,
		  const struct gdb_target *t)
{
	struct sigaction sa = { .sa_handler = on_sigio };
	struct gdb_stub *s;
	int ret, has = 0;

	s = calloc(1, sizeof(*s));
	if (!s) {
		pr_err("--gdb: out of memory");
		return MV_EXIT_FAIL;
	}
	s->t = *t;
	s->fd = -1;
	s->listen_fd = -1;
	*stub = s;
	s->has_translate = !minivmx_check_cap(t->dev_fd,
					      MINIVMX_CAP_TRANSLATE, &has) &&
			   has;
	ring_setup(s);
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGIO, &sa, NULL)) {
		pr_err("--gdb: SIGIO: %s", strerror(errno));
		return MV_EXIT_FAIL;
	}
	ret = listen_on(s, where);
	if (ret)
		return ret;
	fprintf(stderr, "minivmx: waiting for gdb on %s %s\n",
		s->sock_path ? "unix socket" : "127.0.0.1 port", where);
	ret = accept_gdb(s);
	if (ret) {
		pr_err("--gdb: accept: %s", strerror(-ret));
		return MV_EXIT_FAIL;
	}
	return MV_EXIT_OK;
}

/* The run is over: tell gdb how it ended, and clean up. */
void gdb_stub_close(struct gdb_stub *s, bool guest_exited, __u64 status)
{
	char reply[8];

	if (!s)
		return;
	io_run = NULL;
	if (s->fd >= 0) {
		snprintf(reply, sizeof(reply), guest_exited ? "W%02x" : "X09",
			 (unsigned int)(status & 0xff));
		gdb_put_str(s, reply);
		drop_gdb(s);
	}
	if (s->listen_fd >= 0)
		close(s->listen_fd);
	if (s->sock_path) {
		unlink(s->sock_path);
		free(s->sock_path);
	}
	if (s->ring)
		munmap(s->ring, s->ring_len);
	free(s);
}

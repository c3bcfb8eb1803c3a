// SPDX-License-Identifier: GPL-2.0-only
/*
 * The devices of `minivmx run` (user-tools/devices.c) driven through the
 * device registry with hand-made exits: the 16550 UART on pipes standing
 * for stdin and stdout, the userspace debug console and exit port, and
 * the user hypercalls.  Then the words the tool uses for exits
 * (exit-report.c, vmx-names.c): --trace lines, triple faults, failed VM
 * entries, internal errors and --stats.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "devices.h"
#include "exit-report.h"
#include "vmx-names.h"

#define TEXT_MAX	4096

/* One run page, as the kernel maps it. */
static union {
	struct minivmx_run run;
	__u8 page[MINIVMX_RUN_SIZE];
} page __attribute((aligned(4096)));

static __u8 *io_data(void)
{
	return page.page + MINIVMX_IO_DATA_OFFSET;
}

static void io_exit(__u16 port, __u8 dir, __u8 size, __u32 count)
{
	memset(&page, 0, sizeof(page));
	page.run.exit_reason = MINIVMX_EXIT_IO;
	page.run.io.port = port;
	page.run.io.direction = dir;
	page.run.io.size = size;
	page.run.io.count = count;
	page.run.io.data_offset = MINIVMX_IO_DATA_OFFSET;
}

FIXTURE(dev) {
	struct minivmx_bus bus;
	struct run_devices d;
	int in[2];	/* the guest's stdin: we write in[1] */
	int out[2];	/* its stdout: we read out[0] */
};

FIXTURE_VARIANT(dev) {
	bool user_devices;
};

FIXTURE_VARIANT_ADD(dev, kernel_devices) {
	.user_devices = false,
};

FIXTURE_VARIANT_ADD(dev, user_devices) {
	.user_devices = true,
};

FIXTURE_SETUP(dev)
{
	ASSERT_EQ(0, pipe(self->in));
	ASSERT_EQ(0, pipe2(self->out, O_NONBLOCK));
	devices_init(&self->d, self->in[0], self->out[1]);
	minivmx_bus_init(&self->bus);
	ASSERT_EQ(0, devices_register(&self->bus, &self->d,
				      variant->user_devices));
}

FIXTURE_TEARDOWN(dev)
{
	close(self->in[0]);
	close(self->in[1]);
	close(self->out[0]);
	close(self->out[1]);
}

/* What the devices wrote to "stdout" so far. */
static const char *output(int fd)
{
	static char buf[TEXT_MAX];
	ssize_t n = read(fd, buf, sizeof(buf) - 1);

	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static int out8(struct minivmx_bus *bus, __u16 port, __u8 val)
{
	io_exit(port, MINIVMX_IO_OUT, 1, 1);
	io_data()[0] = val;
	return minivmx_bus_handle_exit(bus, &page.run);
}

static __u8 in8(struct minivmx_bus *bus, __u16 port)
{
	io_exit(port, MINIVMX_IO_IN, 1, 1);
	io_data()[0] = 0x5a;
	if (minivmx_bus_handle_exit(bus, &page.run))
		return 0x5a;
	return io_data()[0];
}

TEST_F(dev, uart_thr_goes_to_stdout)
{
	const char *s = "Hi!\n";

	for (; *s; s++)
		ASSERT_EQ(0, out8(&self->bus, 0x3f8, *s));
	EXPECT_STREQ("Hi!\n", output(self->out[0]));
}

TEST_F(dev, uart_string_out)
{
	io_exit(0x3f8, MINIVMX_IO_OUT, 1, 5);
	memcpy(io_data(), "rep\nX", 5);
	ASSERT_EQ(0, minivmx_bus_handle_exit(&self->bus, &page.run));
	EXPECT_STREQ("rep\nX", output(self->out[0]));
}

TEST_F(dev, uart_lsr_and_rbr)
{
	/* THR empty and transmitter empty, no data ready */
	EXPECT_EQ(0x60, in8(&self->bus, 0x3fd));
	ASSERT_EQ(2, write(self->in[1], "ab", 2));
	EXPECT_EQ(0x61, in8(&self->bus, 0x3fd));
	EXPECT_EQ('a', in8(&self->bus, 0x3f8));
	EXPECT_EQ(0x61, in8(&self->bus, 0x3fd));
	EXPECT_EQ('b', in8(&self->bus, 0x3f8));
	EXPECT_EQ(0x60, in8(&self->bus, 0x3fd));
	/* An empty RBR reads 0 and does not block. */
	EXPECT_EQ(0, in8(&self->bus, 0x3f8));
	close(self->in[1]);
	self->in[1] = -1;
	EXPECT_EQ(0x60, in8(&self->bus, 0x3fd));	/* EOF: never ready */
	EXPECT_EQ(0, in8(&self->bus, 0x3f8));
}

TEST_F(dev, uart_rbr_without_lsr)
{
	ASSERT_EQ(1, write(self->in[1], "z", 1));
	EXPECT_EQ('z', in8(&self->bus, 0x3f8));
}

TEST_F(dev, uart_registers_latch)
{
	static const __u16 latched[] = { 0x3f9, 0x3fb, 0x3fc, 0x3fe, 0x3ff };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(latched); i++) {
		ASSERT_EQ(0, out8(&self->bus, latched[i], 0x11 + i));
		/* IER has four bits; its upper nibble reads 0. */
		EXPECT_EQ(latched[i] == 0x3f9 ? 0x01 : 0x11 + i,
			  in8(&self->bus, latched[i]))
			TH_LOG("port %#x", latched[i]);
	}
	/* IIR: no interrupt pending; FIFO bits once FCR enables them */
	out8(&self->bus, 0x3fb, 0x03);
	EXPECT_EQ(0x01, in8(&self->bus, 0x3fa));
	out8(&self->bus, 0x3fa, 0x01);
	EXPECT_EQ(0xc1, in8(&self->bus, 0x3fa));
	/* LSR is read-only */
	out8(&self->bus, 0x3fd, 0x00);
	EXPECT_EQ(0x60, in8(&self->bus, 0x3fd));
	EXPECT_STREQ("", output(self->out[0]));
}

TEST_F(dev, uart_divisor_latch_is_not_output)
{
	out8(&self->bus, 0x3fb, 0x83);		/* DLAB on */
	out8(&self->bus, 0x3f8, 0x01);		/* DLL */
	out8(&self->bus, 0x3f9, 0x02);		/* DLM */
	EXPECT_EQ(0x01, in8(&self->bus, 0x3f8));
	EXPECT_EQ(0x02, in8(&self->bus, 0x3f9));
	out8(&self->bus, 0x3fb, 0x03);		/* DLAB off */
	EXPECT_STREQ("", output(self->out[0]));
	EXPECT_EQ(0, in8(&self->bus, 0x3f9));	/* IER untouched */
	out8(&self->bus, 0x3f8, 'k');
	EXPECT_STREQ("k", output(self->out[0]));
}

TEST_F(dev, uart_word_access_spans_registers)
{
	out8(&self->bus, 0x3fe, 0x12);
	out8(&self->bus, 0x3ff, 0x34);
	io_exit(0x3fe, MINIVMX_IO_IN, 4, 1);
	ASSERT_EQ(0, minivmx_bus_handle_exit(&self->bus, &page.run));
	EXPECT_EQ(0x12, io_data()[0]);
	EXPECT_EQ(0x34, io_data()[1]);
	EXPECT_EQ(0xff, io_data()[2]);		/* beyond the UART */
	EXPECT_EQ(0xff, io_data()[3]);
}

TEST_F(dev, debug_console_and_exit_port)
{
	int ret;

	ret = out8(&self->bus, 0xe9, 'd');
	EXPECT_EQ(0, ret);
	io_exit(0xe9, MINIVMX_IO_OUT, 2, 2);	/* low byte of each item */
	memcpy(io_data(), "e?f?", 4);
	EXPECT_EQ(0, minivmx_bus_handle_exit(&self->bus, &page.run));
	EXPECT_EQ(0xff, in8(&self->bus, 0xe9));
	EXPECT_EQ(0xff, in8(&self->bus, 0xf4));
	io_exit(0xf4, MINIVMX_IO_OUT, 4, 1);
	memcpy(io_data(), "\x34\x12\x00\x00", 4);
	ret = minivmx_bus_handle_exit(&self->bus, &page.run);
	if (!variant->user_devices) {
		/* The kernel owns both ports: the tool leaves them alone. */
		EXPECT_EQ(0, ret);
		EXPECT_FALSE(self->d.exited);
		EXPECT_STREQ("", output(self->out[0]));
		return;
	}
	EXPECT_EQ(MINIVMX_BUS_STOP, ret);
	EXPECT_TRUE(self->d.exited);
	EXPECT_EQ(0x1234ULL, self->d.status);
	EXPECT_STREQ("def", output(self->out[0]));
}

TEST_F(dev, exit_port_sizes)
{
	if (!variant->user_devices) {
		/* Routed to the kernel: an OUT reaching the tool is dropped. */
		EXPECT_EQ(0, out8(&self->bus, 0xf4, 0xfe));
		EXPECT_FALSE(self->d.exited);
		return;
	}
	ASSERT_EQ(MINIVMX_BUS_STOP, out8(&self->bus, 0xf4, 0xfe));
	EXPECT_EQ(0xfeULL, self->d.status);
	io_exit(0xf4, MINIVMX_IO_OUT, 2, 1);
	memcpy(io_data(), "\x01\x02", 2);
	ASSERT_EQ(MINIVMX_BUS_STOP,
		  minivmx_bus_handle_exit(&self->bus, &page.run));
	EXPECT_EQ(0x201ULL, self->d.status);
}

TEST(hypercalls)
{
	memset(&page, 0, sizeof(page));
	page.run.exit_reason = MINIVMX_EXIT_HYPERCALL;
	page.run.hypercall.nr = 0x100;
	page.run.hypercall.args[0] = 41;
	devices_hypercall(&page.run);
	EXPECT_EQ(42ULL, page.run.hypercall.ret);
	page.run.hypercall.args[0] = ~0ULL;
	devices_hypercall(&page.run);
	EXPECT_EQ(0ULL, page.run.hypercall.ret);
	page.run.hypercall.nr = 0x101;
	devices_hypercall(&page.run);
	EXPECT_EQ((__u64)-38, page.run.hypercall.ret);
	page.run.hypercall.nr = ~0ULL;
	devices_hypercall(&page.run);
	EXPECT_EQ((__u64)-38, page.run.hypercall.ret);
}

/* Names and reports. */

TEST(names)
{
	EXPECT_STREQ("IO_INSTRUCTION", vmx_exit_reason_name(30));
	EXPECT_STREQ("TRIPLE_FAULT", vmx_exit_reason_name(2));
	EXPECT_STREQ("NOTIFY", vmx_exit_reason_name(75));
	EXPECT_EQ(NULL, vmx_exit_reason_name(35));
	EXPECT_EQ(NULL, vmx_exit_reason_name(1000));
	EXPECT_STREQ("VM entry with invalid control field(s)",
		     vmx_insn_error_name(7));
	EXPECT_STREQ("VM entry with invalid host-state field(s)",
		     vmx_insn_error_name(8));
	EXPECT_STREQ("VM entry with events blocked by MOV SS",
		     vmx_insn_error_name(26));
	EXPECT_EQ(NULL, vmx_insn_error_name(0));
	EXPECT_EQ(NULL, vmx_insn_error_name(14));
	EXPECT_EQ(NULL, vmx_insn_error_name(29));
	EXPECT_STREQ("invalid guest state", vmx_entry_failure_name(33));
	EXPECT_STREQ("MSR loading failed", vmx_entry_failure_name(34));
	EXPECT_STREQ("machine-check event", vmx_entry_failure_name(41));
	EXPECT_STREQ("GUEST_EXIT", minivmx_exit_name(MINIVMX_EXIT_GUEST_EXIT));
	EXPECT_STREQ("INTR", minivmx_exit_name(MINIVMX_EXIT_INTR));
	EXPECT_STREQ("DEBUG", minivmx_exit_name(MINIVMX_EXIT_DEBUG));
	EXPECT_STREQ("IRQ_WINDOW_OPEN",
		     minivmx_exit_name(MINIVMX_EXIT_IRQ_WINDOW_OPEN));
	EXPECT_STREQ("EOI", minivmx_exit_name(MINIVMX_EXIT_EOI));
	EXPECT_STREQ("ROUTED", minivmx_exit_name(MINIVMX_EXIT_ROUTED));
	EXPECT_EQ(NULL, minivmx_exit_name(MINIVMX_EXIT_ROUTED + 1));
	EXPECT_EQ(NULL, minivmx_internal_name(0));
	EXPECT_STREQ("MMIO touched while delivering an event or walking page tables",
		     minivmx_internal_name(MINIVMX_INTERNAL_DELIVERY_EV));
	EXPECT_STREQ("real mode, which needs EPT (shadow paging)",
		     minivmx_internal_name(MINIVMX_INTERNAL_REAL_MODE));
	EXPECT_EQ(NULL, minivmx_internal_name(MINIVMX_INTERNAL_REAL_MODE + 1));
}

static void expect_text(struct __test_metadata *_metadata, const char *got,
			const char *want)
{
	EXPECT_STREQ(want, got);
}

/* Run @fn on the page into a string. */
#define REPORT(fn, ...) ({					\
	static char text[TEXT_MAX];				\
	FILE *f = fmemopen(text, sizeof(text), "w");		\
	fn(f, ##__VA_ARGS__);					\
	fclose(f);						\
	text;							\
})

TEST(trace_lines)
{
	io_exit(0x3f8, MINIVMX_IO_OUT, 1, 17);
	page.run.vmx_exit_reason = 30;
	page.run.guest_rip = 0x10012;
	expect_text(_metadata, REPORT(report_trace, &page.run),
		    "minivmx: trace: IO out port=0x3f8 size=1 count=17 vmx=IO_INSTRUCTION rip=0x10012\n");

	memset(&page, 0, sizeof(page));
	page.run.exit_reason = MINIVMX_EXIT_MMIO;
	page.run.vmx_exit_reason = 48;
	page.run.guest_rip = 0x1000e;
	page.run.mmio.phys_addr = 0xe0000000;
	page.run.mmio.len = 4;
	page.run.mmio.is_write = 1;
	memcpy(page.run.mmio.data, "\x78\x56\x34\x12", 4);
	expect_text(_metadata, REPORT(report_trace, &page.run),
		    "minivmx: trace: MMIO write gpa=0xe0000000 len=4 data=0x12345678 vmx=EPT_VIOLATION rip=0x1000e\n");
	page.run.mmio.is_write = 0;
	page.run.mmio.len = 8;
	expect_text(_metadata, REPORT(report_trace, &page.run),
		    "minivmx: trace: MMIO read gpa=0xe0000000 len=8 vmx=EPT_VIOLATION rip=0x1000e\n");

	memset(&page, 0, sizeof(page));
	page.run.exit_reason = MINIVMX_EXIT_HLT;
	page.run.vmx_exit_reason = 12;
	page.run.guest_rip = 0x10026;
	expect_text(_metadata, REPORT(report_trace, &page.run),
		    "minivmx: trace: HLT vmx=HLT rip=0x10026\n");

	page.run.exit_reason = MINIVMX_EXIT_HYPERCALL;
	page.run.vmx_exit_reason = 18;
	page.run.hypercall.nr = 0x100;
	page.run.hypercall.args[0] = 41;
	expect_text(_metadata, REPORT(report_trace, &page.run),
		    "minivmx: trace: HYPERCALL nr=0x100 rbx=0x29 vmx=VMCALL rip=0x10026\n");

	memset(&page, 0, sizeof(page));
	page.run.exit_reason = MINIVMX_EXIT_FAIL_ENTRY;
	expect_text(_metadata, REPORT(report_trace, &page.run),
		    "minivmx: trace: FAIL_ENTRY\n");
	page.run.exit_reason = 99;
	page.run.vmx_exit_reason = 99;
	expect_text(_metadata, REPORT(report_trace, &page.run),
		    "minivmx: trace: unknown vmx=unknown rip=0\n");
}

TEST(triple_fault)
{
	memset(&page, 0, sizeof(page));
	page.run.exit_reason = MINIVMX_EXIT_SHUTDOWN;
	page.run.shutdown.regs.rip = 0x1005c;
	page.run.shutdown.cr0 = 0x80000011;
	page.run.shutdown.cr3 = 0x2000;
	page.run.shutdown.cr4 = 0x20;
	page.run.shutdown.efer = 0x500;
	expect_text(_metadata, REPORT(report_shutdown, &page.run),
		    "minivmx: guest triple-faulted at rip 0x1005c (cr0=0x80000011 cr3=0x2000 cr4=0x20 efer=0x500)\n");
}

/* The check the module names, from the uapi's one list. */
TEST(entry_checks_named)
{
	memset(&page, 0, sizeof(page));
	page.run.exit_reason = MINIVMX_EXIT_FAIL_ENTRY;
	page.run.fail_entry.hardware_exit_reason = 0x80000021;
	page.run.fail_entry.check = MINIVMX_CHECK_GUEST_TR;
	expect_text(_metadata, REPORT(report_fail_entry, &page.run),
		    "minivmx: the VMCS fails the entry check GUEST_TR: TR: TI set, unusable, S or P wrong, or the wrong TSS type (SDM 26.3.1.2)\n"
		    "minivmx: VM entry failed: invalid guest state (exit reason 33), qualification 0\n");
	memset(&page, 0, sizeof(page));
	expect_text(_metadata, REPORT(report_refused_check, &page.run), "");
	page.run.refused_check = MINIVMX_CHECK_GUEST_RFLAGS;
	expect_text(_metadata, REPORT(report_refused_check, &page.run),
		    "minivmx: the state fails the VM-entry check GUEST_RFLAGS: RFLAGS: reserved bits, bit 1 clear, or VM in IA-32e or real mode (SDM 26.3.1.4)\n");
	page.run.refused_check = 999;
	expect_text(_metadata, REPORT(report_refused_check, &page.run),
		    "minivmx: the state fails the VM-entry check check 999\n");
}

TEST(failed_entry)
{
	memset(&page, 0, sizeof(page));
	page.run.exit_reason = MINIVMX_EXIT_FAIL_ENTRY;
	page.run.fail_entry.vm_instruction_error = 7;
	expect_text(_metadata, REPORT(report_fail_entry, &page.run),
		    "minivmx: VM entry failed: VM-instruction error 7 (VM entry with invalid control field(s))\n");
	page.run.fail_entry.vm_instruction_error = 99;
	expect_text(_metadata, REPORT(report_fail_entry, &page.run),
		    "minivmx: VM entry failed: VM-instruction error 99 (unknown)\n");

	page.run.fail_entry.vm_instruction_error = 0;
	page.run.fail_entry.hardware_exit_reason = 0x80000021;
	expect_text(_metadata, REPORT(report_fail_entry, &page.run),
		    "minivmx: VM entry failed: invalid guest state (exit reason 33), qualification 0\n");
	page.run.fail_entry.qualification = 2;
	expect_text(_metadata, REPORT(report_fail_entry, &page.run),
		    "minivmx: VM entry failed: invalid guest state (exit reason 33), qualification 2 (loading the PDPTEs failed)\n");
	page.run.fail_entry.hardware_exit_reason = 0x80000022;
	page.run.fail_entry.qualification = 3;
	expect_text(_metadata, REPORT(report_fail_entry, &page.run),
		    "minivmx: VM entry failed: MSR loading failed (exit reason 34), qualification 3 (entry 3 of the VM-entry MSR-load list)\n");
	page.run.fail_entry.hardware_exit_reason = 0x80000029;
	page.run.fail_entry.qualification = 0;
	expect_text(_metadata, REPORT(report_fail_entry, &page.run),
		    "minivmx: VM entry failed: machine-check event (exit reason 41), qualification 0\n");
}

TEST(internal_errors)
{
	memset(&page, 0, sizeof(page));
	page.run.exit_reason = MINIVMX_EXIT_INTERNAL_ERROR;
	page.run.guest_rip = 0x10026;
	page.run.internal.suberror = MINIVMX_INTERNAL_UNHANDLED_EXIT;
	page.run.internal.ndata = 2;
	page.run.internal.data[0] = 29;
	page.run.internal.data[1] = 0x17;
	expect_text(_metadata, REPORT(report_internal, &page.run),
		    "minivmx: internal error: a VM exit minivmx has no handler for: DR_ACCESS (exit reason 29), qualification 0x17, at rip 0x10026\n");
	page.run.internal.data[0] = 0;
	page.run.internal.data[1] = 0x80000b0e;
	expect_text(_metadata, REPORT(report_internal, &page.run),
		    "minivmx: internal error: a VM exit minivmx has no handler for: EXCEPTION_NMI (exit reason 0), interruption information 0x80000b0e (vector 14), at rip 0x10026\n");

	page.run.internal.suberror = MINIVMX_INTERNAL_EMULATION;
	page.run.internal.ndata = 3;
	page.run.internal.data[0] = 0xe0000000;
	page.run.internal.data[1] = 0xf4010783;	/* addl $1, (%rdi); hlt */
	page.run.internal.data[2] = 0;
	expect_text(_metadata, REPORT(report_internal, &page.run),
		    "minivmx: internal error: an MMIO instruction minivmx cannot emulate, at rip 0x10026 accessing gpa 0xe0000000; instruction bytes: 83 07 01 f4 00 00 00 00 00 00 00 00 00 00 00\n");

	page.run.internal.suberror = MINIVMX_INTERNAL_FETCH;
	page.run.internal.ndata = 2;
	page.run.internal.data[0] = 0xe0000000;
	page.run.internal.data[1] = 0xe0000000;
	expect_text(_metadata, REPORT(report_internal, &page.run),
		    "minivmx: internal error: guest code that cannot be read, at rip 0xe0000000 (gpa 0xe0000000): is it outside RAM?\n");

	page.run.internal.suberror = MINIVMX_INTERNAL_EPT_MISCONFIG;
	page.run.internal.ndata = 1;
	page.run.internal.data[0] = 0x5000;
	expect_text(_metadata, REPORT(report_internal, &page.run),
		    "minivmx: internal error: an EPT misconfiguration at gpa 0x5000, rip 0x10026\n");

	page.run.internal.suberror = 42;
	page.run.internal.ndata = 2;
	page.run.internal.data[0] = 1;
	page.run.internal.data[1] = 0x20;
	expect_text(_metadata, REPORT(report_internal, &page.run),
		    "minivmx: internal error: unknown (suberror 42), rip 0x10026, data: 0x1 0x20\n");
}

TEST(stats)
{
	__u64 user[1][NR_MINIVMX_EXITS] = { 0 };
	struct minivmx_run *runs[1] = { &page.run };

	memset(&page, 0, sizeof(page));
	page.run.exit_count[10] = 100000;
	page.run.exit_count[30] = 10167;
	user[0][MINIVMX_EXIT_IO] = 10166;
	user[0][MINIVMX_EXIT_GUEST_EXIT] = 1;
	EXPECT_EQ(110167ULL, total_exits(&page.run));
	EXPECT_STREQ("minivmx: VM exits by reason (110167 in all):\n"
		     "minivmx:    10 CPUID                        100000\n"
		     "minivmx:    30 IO_INSTRUCTION                10167\n"
		     "minivmx: exits to userspace (10167 in all):\n"
		     "minivmx:       IO                            10166\n"
		     "minivmx:       GUEST_EXIT                        1\n",
		     REPORT(report_stats, runs, user, 1));
}

/* With two vCPUs: a column each, then the sum; a reason either had. */
TEST(stats_by_vcpu)
{
	static struct minivmx_run ap;
	__u64 user[2][NR_MINIVMX_EXITS] = { 0 };
	struct minivmx_run *runs[2] = { &page.run, &ap };

	memset(&page, 0, sizeof(page));
	page.run.exit_count[1] = 70;
	page.run.exit_count[30] = 5;
	ap.exit_count[1] = 30;
	ap.exit_count[12] = 2;
	user[0][MINIVMX_EXIT_IO] = 5;
	user[1][MINIVMX_EXIT_HLT] = 1;
	EXPECT_STREQ("minivmx: VM exits by reason (107 in all):\n"
		     "minivmx:                                    vCPU 0       vCPU 1          all\n"
		     "minivmx:     1 EXTERNAL_INTERRUPT               70           30          100\n"
		     "minivmx:    12 HLT                               0            2            2\n"
		     "minivmx:    30 IO_INSTRUCTION                    5            0            5\n"
		     "minivmx: exits to userspace (6 in all):\n"
		     "minivmx:                                    vCPU 0       vCPU 1          all\n"
		     "minivmx:       IO                                5            0            5\n"
		     "minivmx:       HLT                               0            1            1\n",
		     REPORT(report_stats, runs, user, 2));
}

TEST_HARNESS_MAIN

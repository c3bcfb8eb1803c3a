// SPDX-License-Identifier: GPL-2.0-only
/*
 * ioapic: the platform of `minivmx run --lapic` from the guest's side.
 * Enables its local APIC (xAPIC at 0xfee00000), reads the I/O APIC's ID
 * and version, routes pin 4 (the UART's IRQ) to its APIC and takes the
 * UART's interrupts through it:
 *
 * 1. THRE, edge-triggered: enabling IER bit 1 interrupts; IIR says THRE;
 * 2. the same with pin 4 masked: nothing comes until it is unmasked, then
 *    the held interrupt does;
 * 3. level-triggered: remote IRR is set in the handler, clear after EOI,
 *    and exactly one interrupt comes;
 * 4. received data (IER bit 0): the host feeds one byte on stdin while
 *    the guest waits in HLT; IIR says RX data; RBR holds the byte.
 *
 * Then the CMOS clock: a plausible year, and status D says valid.
 * Long mode.  Host: run with --lapic and stdin a pipe that gives "x"
 * after a while.  Serial: the reports; exit status the failures.
 */
#include "libguest.h"

#define APIC_BASE	0xfee00000UL
#define APIC_ID		0x20
#define APIC_EOI	0xb0
#define APIC_SVR	0xf0
#define APIC_SVR_ENABLE	0x100
#define IOAPIC_BASE	0xfec00000UL
#define IOREGSEL	0x00
#define IOWIN		0x10
#define RTE_LEVEL	BIT(15)
#define RTE_MASKED	BIT(16)
#define RTE_REMOTE_IRR	BIT(14)
#define UART_PIN	4
#define UART_IER	1
#define UART_IIR	2
#define UART_LSR	5

#define VEC_EDGE	0x41
#define VEC_LEVEL	0x42
#define VEC_RX		0x43
#define SPINS		2000000

struct idt_gate {
	u16 off0, sel;
	u8 ist, type;
	u16 off1;
	u32 off2, zero;
} __packed;

static struct idt_gate idt[256] __attribute__((aligned(16)));

static volatile unsigned int count[3], first_iir[3], irr_in_handler;
static volatile u8 rx_byte;

static u32 ioapic_read(u32 reg)
{
	writel(IOAPIC_BASE + IOREGSEL, reg);
	return readl(IOAPIC_BASE + IOWIN);
}

static void ioapic_write(u32 reg, u32 val)
{
	writel(IOAPIC_BASE + IOREGSEL, reg);
	writel(IOAPIC_BASE + IOWIN, val);
}

/* Pin 4 to APIC 0, physical, fixed. */
static void route_uart(u32 low)
{
	ioapic_write(0x10 + 2 * UART_PIN + 1, 0);
	ioapic_write(0x10 + 2 * UART_PIN, low);
}

/* Called by the stubs below with the vector's index (0-2). */
void irq_handler(unsigned int which);
void irq_handler(unsigned int which)
{
	u8 iir;

	if (which == 1)
		irr_in_handler = !!(ioapic_read(0x10 + 2 * UART_PIN) &
				    RTE_REMOTE_IRR);
	iir = inb(COM1_PORT + UART_IIR) & 0x0f;
	if (!count[which])
		first_iir[which] = iir;
	if (which == 2 && iir == 0x04)
		rx_byte = inb(COM1_PORT);
	count[which]++;
	writel(APIC_BASE + APIC_EOI, 0);
}

#define STUB(name, which)					\
	asm(".text\n" #name ":\n"				\
	    "	push %rax; push %rcx; push %rdx; push %rsi\n"	\
	    "	push %rdi; push %r8; push %r9; push %r10; push %r11\n" \
	    "	cld\n"						\
	    "	mov $" #which ", %edi\n"			\
	    "	call irq_handler\n"				\
	    "	pop %r11; pop %r10; pop %r9; pop %r8; pop %rdi\n" \
	    "	pop %rsi; pop %rdx; pop %rcx; pop %rax\n"	\
	    "	iretq\n")
STUB(stub_edge, 0);
STUB(stub_level, 1);
STUB(stub_rx, 2);
void stub_edge(void);
void stub_level(void);
void stub_rx(void);

static void set_gate(unsigned int vec, void (*fn)(void))
{
	unsigned long a = (unsigned long)fn;

	idt[vec] = (struct idt_gate){
		.off0 = a, .sel = 0x08, .type = 0x8e,	/* interrupt gate */
		.off1 = a >> 16, .off2 = a >> 32,
	};
}

static void load_idt(void)
{
	struct {
		u16 limit;
		u64 base;
	} __packed ptr = { sizeof(idt) - 1, (unsigned long)idt };

	set_gate(VEC_EDGE, stub_edge);
	set_gate(VEC_LEVEL, stub_level);
	set_gate(VEC_RX, stub_rx);
	asm volatile("lidt %0" : : "m"(ptr));
}

/* Let an interrupt in, then wait in HLT for it. */
static void sti_hlt_cli(void)
{
	asm volatile("sti; hlt; cli" ::: "memory");
}

static void spin_with_interrupts(void)
{
	unsigned int i;

	asm volatile("sti" ::: "memory");
	for (i = 0; i < SPINS; i++)
		asm volatile("pause" ::: "memory");
	asm volatile("cli" ::: "memory");
}

static u8 cmos(u8 reg)
{
	outb(0x70, reg);
	return inb(0x71);
}

int main(void)
{
	u32 ver, rte;
	u8 year;

	load_idt();
	writel(APIC_BASE + APIC_SVR, APIC_SVR_ENABLE | 0xff);
	report(readl(APIC_BASE + APIC_ID) >> 24 == 0, "local APIC ID 0");

	ver = ioapic_read(1);
	report(ver == 0x00170011, "I/O APIC version 0x11, 24 pins (%#x)", ver);
	report(ioapic_read(0) >> 24 == 8, "I/O APIC ID 8, as the MP table says");
	report(ioapic_read(0x10 + 2 * UART_PIN) & RTE_MASKED,
	       "pin 4 masked after reset");

	/* 1. THRE, edge-triggered */
	route_uart(VEC_EDGE);
	outb(COM1_PORT + UART_IER, 0x02);
	sti_hlt_cli();
	outb(COM1_PORT + UART_IER, 0);
	report(count[0] >= 1 && first_iir[0] == 0x02,
	       "THRE interrupt through pin 4 (count %u, IIR %#x)", count[0],
	       first_iir[0]);

	/* 2. masked: held until unmasked */
	count[0] = 0;
	route_uart(VEC_EDGE | RTE_MASKED);
	outb(COM1_PORT + UART_IER, 0x02);
	spin_with_interrupts();
	report(count[0] == 0, "masked pin: no interrupt (count %u)", count[0]);
	route_uart(VEC_EDGE);
	spin_with_interrupts();
	outb(COM1_PORT + UART_IER, 0);
	report(count[0] >= 1, "unmasked: the held interrupt came (count %u)",
	       count[0]);

	/* 3. level-triggered: remote IRR until EOI */
	route_uart(VEC_LEVEL | RTE_LEVEL);
	outb(COM1_PORT + UART_IER, 0x02);
	sti_hlt_cli();
	outb(COM1_PORT + UART_IER, 0);
	rte = ioapic_read(0x10 + 2 * UART_PIN);
	report(count[1] == 1 && first_iir[1] == 0x02,
	       "level THRE interrupt, exactly one (count %u, IIR %#x)",
	       count[1], first_iir[1]);
	report(irr_in_handler && !(rte & RTE_REMOTE_IRR),
	       "remote IRR set in the handler (%u), clear after EOI (%#x)",
	       irr_in_handler, rte);

	/* 4. received data wakes the HLT */
	route_uart(VEC_RX);
	outb(COM1_PORT + UART_IER, 0x01);
	while (!count[2])
		sti_hlt_cli();
	outb(COM1_PORT + UART_IER, 0);
	report(first_iir[2] == 0x04 && rx_byte == 'x',
	       "RX data interrupt (IIR %#x), RBR '%c'", first_iir[2], rx_byte);

	/* The CMOS clock */
	year = cmos(9);
	report(cmos(0x32) == 0x20 && year >= 0x24 && year < 0x99,
	       "CMOS: year 20%02x", year);
	report(cmos(0x0d) == 0x80, "CMOS: status D valid");
	return report_summary();
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The interrupt handling of the labs' guests that take interrupts
 * (tests/guests/lab4.c, lab6.c): an IDT with two vectors whose stubs
 * save the caller-saved registers and call the guest's
 * lab_irq(0 or 1), then IRET.  Long mode, RAM mapped 1:1.  Include
 * after libguest.h; call lab_irq_setup(), then STI where the guest
 * waits for its interrupts.
 */
#ifndef MINIVMX_LABIRQ_H
#define MINIVMX_LABIRQ_H

/* The guest's handler: @which is 0 for the first vector, 1 the second. */
void lab_irq(unsigned int which);

void lab_irq_entry0(void);
void lab_irq_entry1(void);

asm(".pushsection .text\n"
    ".globl lab_irq_entry0\n"
    "lab_irq_entry0:\n"
    "	pushq %rdi\n"
    "	xorl %edi, %edi\n"
    "	jmp lab_irq_common\n"
    ".globl lab_irq_entry1\n"
    "lab_irq_entry1:\n"
    "	pushq %rdi\n"
    "	movl $1, %edi\n"
    "lab_irq_common:\n"
    "	pushq %rax\n"
    "	pushq %rcx\n"
    "	pushq %rdx\n"
    "	pushq %rsi\n"
    "	pushq %r8\n"
    "	pushq %r9\n"
    "	pushq %r10\n"
    "	pushq %r11\n"
    "	call lab_irq\n"
    "	popq %r11\n"
    "	popq %r10\n"
    "	popq %r9\n"
    "	popq %r8\n"
    "	popq %rsi\n"
    "	popq %rdx\n"
    "	popq %rcx\n"
    "	popq %rax\n"
    "	popq %rdi\n"
    "	iretq\n"
    ".popsection");

static u64 lab_idt[512] __attribute__((aligned(4096)));

/* A 64-bit interrupt gate for @vector to @fn (SDM 6.14.1). */
static inline void lab_gate(unsigned int vector, void (*fn)(void))
{
	u64 a = (u64)(unsigned long)fn;

	lab_idt[2 * vector] = (a & 0xffff) | (u64)read_cs() << 16 |
			      0x8e00ULL << 32 | (a >> 16 & 0xffff) << 48;
	lab_idt[2 * vector + 1] = a >> 32;
}

/* Interrupts off; @vec0 and @vec1 to lab_irq(0) and lab_irq(1). */
static inline void lab_irq_setup(unsigned int vec0, unsigned int vec1)
{
	struct {
		u16 limit;
		u64 base;
	} __packed idtr = { sizeof(lab_idt) - 1, (u64)(unsigned long)lab_idt };

	asm volatile("cli");
	lab_gate(vec0, lab_irq_entry0);
	lab_gate(vec1, lab_irq_entry1);
	asm volatile("lidt %0" : : "m"(idtr));
}

#endif /* MINIVMX_LABIRQ_H */

// SPDX-License-Identifier: GPL-2.0-only
/*
 * One x86 instruction in Intel syntax.  capstone does the decoding; one
 * handle per code size is opened on first use and kept until
 * disasm_close().
 */
#include <stdbool.h>
#include <stdio.h>
#include <capstone/capstone.h>

#include "disasm.h"
#include "util.h"

static csh handles[3];
static bool opened[3];

static int mode_index(unsigned int bits)
{
	return bits == 64 ? 2 : bits == 32 ? 1 : 0;
}

static csh *handle(unsigned int bits)
{
	static const cs_mode modes[3] = { CS_MODE_16, CS_MODE_32, CS_MODE_64 };
	int i = mode_index(bits);

	if (!opened[i]) {
		if (cs_open(CS_ARCH_X86, modes[i], &handles[i]) != CS_ERR_OK)
			return NULL;
		opened[i] = true;
	}
	return &handles[i];
}

/**
 * disasm_one() - disassemble the instruction at the start of @code
 * @code: its bytes
 * @len: bytes available at @code (up to 15 are looked at)
 * @addr: its address, for branch targets: RIP, as the guest sees it
 * @bits: the code size, 16, 32 or 64 (step_code_bits())
 * @text: out: "mov rdi, rax", NUL-terminated; "(bad)" when the bytes are
 *	not an instruction capstone knows or are cut short
 * @text_len: size of @text
 *
 * Return: the instruction's length, or 0 for "(bad)".
 */
size_t disasm_one(const __u8 *code, size_t len, __u64 addr,
		  unsigned int bits, char *text, size_t text_len)
{
	csh *h = handle(bits);
	cs_insn *insn = NULL;
	size_t n = 0, size;

	if (h && len)
		n = cs_disasm(*h, code, len, addr, 1, &insn);
	if (!n) {
		snprintf(text, text_len, "(bad)");
		return 0;
	}
	snprintf(text, text_len, "%s%s%s", insn->mnemonic,
		 insn->op_str[0] ? " " : "", insn->op_str);
	size = insn->size;
	cs_free(insn, n);
	return size;
}

/**
 * disasm_close() - free capstone's handles
 */
void disasm_close(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(handles); i++) {
		if (opened[i])
			cs_close(&handles[i]);
		opened[i] = false;
	}
}

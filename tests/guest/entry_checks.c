// SPDX-License-Identifier: GPL-2.0-only
/*
 * The VM-entry checks (MINIVMX_ENTRY_CHECKS): deliberately broken guest
 * states, each refused by MINIVMX_SET_SREGS or MINIVMX_SET_REGS with the
 * check that names it and nothing changed; then, with the module loaded
 * with entry_checks=0 (test only), the same state given to the CPU: VM
 * entry fails with "invalid guest state" and the table, run on the VMCS
 * as the CPU left it, names the same check.
 */
#include <errno.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/minivmx.h>

#include "kselftest_harness.h"
#include "vmlib.h"

#define INVALID_GUEST_STATE	0x80000021ULL	/* reason 33, entry failed */

/* Break one thing; return true when it is RIP or RFLAGS (SET_REGS). */
typedef bool (*breaker_t)(struct minivmx_sregs *s, struct minivmx_regs *r);

static bool tr_unusable(struct minivmx_sregs *s, struct minivmx_regs *r)
{
	s->tr.unusable = 1;
	return false;
}

static bool tr_not_busy(struct minivmx_sregs *s, struct minivmx_regs *r)
{
	s->tr.type = 9;			/* an available TSS */
	return false;
}

static bool ldtr_not_ldt(struct minivmx_sregs *s, struct minivmx_regs *r)
{
	s->ldt.unusable = 0;
	s->ldt.present = 1;
	s->ldt.type = 3;
	s->ldt.limit = 0xff;
	return false;
}

static bool fs_base_not_canonical(struct minivmx_sregs *s,
				  struct minivmx_regs *r)
{
	s->fs.base = 0x0000800000000000ULL;
	return false;
}

static bool cs_is_data(struct minivmx_sregs *s, struct minivmx_regs *r)
{
	s->cs.type = 1;			/* read-only data, accessed */
	return false;
}

static bool ss_read_only(struct minivmx_sregs *s, struct minivmx_regs *r)
{
	s->ss.type = 1;
	return false;
}

static bool ds_not_accessed(struct minivmx_sregs *s, struct minivmx_regs *r)
{
	s->ds.type = 2;
	return false;
}

static bool es_system(struct minivmx_sregs *s, struct minivmx_regs *r)
{
	s->es.s = 0;
	return false;
}

static bool cs_dpl_3_ss_dpl_0(struct minivmx_sregs *s, struct minivmx_regs *r)
{
	s->cs.dpl = 3;
	return false;
}

static bool cs_not_present(struct minivmx_sregs *s, struct minivmx_regs *r)
{
	s->cs.present = 0;
	return false;
}

static bool cs_limit_against_g(struct minivmx_sregs *s, struct minivmx_regs *r)
{
	s->cs.limit = 0x12345;		/* with G set, the low 12 bits are 1s */
	return false;
}

static bool gdt_base_not_canonical(struct minivmx_sregs *s,
				   struct minivmx_regs *r)
{
	s->gdt.base = 0xffff000000000000ULL;
	return false;
}

static bool rip_high_in_32_bit_code(struct minivmx_sregs *s,
				    struct minivmx_regs *r)
{
	r->rip = 0x100010000ULL;
	return true;
}

static bool rflags_vm_in_long_mode(struct minivmx_sregs *s,
				   struct minivmx_regs *r)
{
	r->rflags |= 1 << 17;		/* VM */
	return true;
}

FIXTURE(entry) {
	struct tvm t;
};

FIXTURE_VARIANT(entry) {
	int bits;
	breaker_t breaks;
	unsigned int check;
};

#define BROKEN(name, b, c) \
	FIXTURE_VARIANT_ADD(entry, name) { \
		.bits = b, .breaks = name, .check = MINIVMX_CHECK_##c, \
	}
BROKEN(tr_unusable, 32, GUEST_TR);
BROKEN(tr_not_busy, 32, GUEST_TR);
BROKEN(ldtr_not_ldt, 32, GUEST_LDTR);
BROKEN(fs_base_not_canonical, 64, GUEST_SEG_BASE);
BROKEN(cs_is_data, 32, GUEST_CS_TYPE);
BROKEN(ss_read_only, 32, GUEST_SS_TYPE);
BROKEN(ds_not_accessed, 64, GUEST_DATA_TYPE);
BROKEN(es_system, 32, GUEST_SEG_S);
BROKEN(cs_dpl_3_ss_dpl_0, 32, GUEST_CS_DPL);
BROKEN(cs_not_present, 64, GUEST_SEG_PRESENT);
BROKEN(cs_limit_against_g, 32, GUEST_SEG_LIMIT);
BROKEN(gdt_base_not_canonical, 64, GUEST_DTABLE);
BROKEN(rip_high_in_32_bit_code, 32, GUEST_RIP);
BROKEN(rflags_vm_in_long_mode, 64, GUEST_RFLAGS);

FIXTURE_SETUP(entry)
{
	int ret = mvx_load();

	ASSERT_TRUE(ret == 0 || ret == -EEXIST) TH_LOG("load: %s", strerror(-ret));
	ASSERT_EQ(0, tvm_create(&self->t));
}

FIXTURE_TEARDOWN(entry)
{
	tvm_destroy(&self->t);
	EXPECT_EQ(0, mvx_unload());
}

static const uint8_t hlt[] = { 0xf4 };

/* Give the broken state to the vCPU: 0 or -errno. */
static int set_broken(struct tvm *t, breaker_t breaks)
{
	struct minivmx_sregs s;
	struct minivmx_regs r;
	int ret;

	if (ioctl(t->vcpu, MINIVMX_GET_SREGS, &s) ||
	    ioctl(t->vcpu, MINIVMX_GET_REGS, &r))
		return -errno;
	if (breaks(&s, &r))
		ret = ioctl(t->vcpu, MINIVMX_SET_REGS, &r);
	else
		ret = ioctl(t->vcpu, MINIVMX_SET_SREGS, &s);
	return ret ? -errno : 0;
}

TEST_F(entry, refused_and_named)
{
	struct minivmx_sregs before, after;
	struct minivmx_regs rbefore, rafter;
	struct tvm *t = &self->t;

	ASSERT_EQ(0, tvm_setup(t, variant->bits, hlt, sizeof(hlt)));
	ASSERT_EQ(0, ioctl(t->vcpu, MINIVMX_GET_SREGS, &before));
	ASSERT_EQ(0, ioctl(t->vcpu, MINIVMX_GET_REGS, &rbefore));
	EXPECT_EQ(-EINVAL, set_broken(t, variant->breaks));
	EXPECT_EQ(variant->check, t->run->refused_check);
	/* Nothing changed, and the guest still runs. */
	ASSERT_EQ(0, ioctl(t->vcpu, MINIVMX_GET_SREGS, &after));
	ASSERT_EQ(0, ioctl(t->vcpu, MINIVMX_GET_REGS, &rafter));
	EXPECT_EQ(0, memcmp(&before, &after, sizeof(before)));
	EXPECT_EQ(0, memcmp(&rbefore, &rafter, sizeof(rbefore)));
	ASSERT_EQ(0, tvm_run(t));
	EXPECT_EQ(MINIVMX_EXIT_HLT, t->run->exit_reason);
	/* A good state clears the verdict. */
	ASSERT_EQ(0, ioctl(t->vcpu, MINIVMX_SET_SREGS, &before));
	EXPECT_EQ(0, t->run->refused_check);
}

/* The CPU's verdict on the same state, and the table's on the VMCS. */
TEST_F(entry, cpu_agrees)
{
	struct minivmx_sregs good;
	struct minivmx_regs rgood;
	struct tvm *t = &self->t;

	tvm_destroy(t);
	ASSERT_EQ(0, mvx_unload());
	ASSERT_EQ(0, load_module_params(mvx_ko_path(), "entry_checks=0"));
	ASSERT_EQ(0, tvm_create(t));
	ASSERT_EQ(0, tvm_setup(t, variant->bits, hlt, sizeof(hlt)));
	ASSERT_EQ(0, ioctl(t->vcpu, MINIVMX_GET_SREGS, &good));
	ASSERT_EQ(0, ioctl(t->vcpu, MINIVMX_GET_REGS, &rgood));
	ASSERT_EQ(0, set_broken(t, variant->breaks));
	ASSERT_EQ(0, tvm_run(t));
	ASSERT_EQ(MINIVMX_EXIT_FAIL_ENTRY, t->run->exit_reason);
	EXPECT_EQ(INVALID_GUEST_STATE, t->run->fail_entry.hardware_exit_reason);
	EXPECT_EQ(0, t->run->fail_entry.vm_instruction_error);
	EXPECT_EQ(variant->check, t->run->fail_entry.check);
	/* Fixed, the same vCPU runs. */
	ASSERT_EQ(0, ioctl(t->vcpu, MINIVMX_SET_SREGS, &good));
	ASSERT_EQ(0, ioctl(t->vcpu, MINIVMX_SET_REGS, &rgood));
	ASSERT_EQ(0, tvm_run(t));
	EXPECT_EQ(MINIVMX_EXIT_HLT, t->run->exit_reason);
}

/*
 * A mode switch in the usual order, SET_SREGS then SET_REGS, is never
 * refused for the RIP of the old mode: from 64-bit code above 4 GiB to
 * 32-bit code.
 */
TEST(mode_switch_sregs_then_regs)
{
	struct minivmx_regs r;
	struct tvm t;
	int ret = mvx_load();

	ASSERT_TRUE(ret == 0 || ret == -EEXIST);
	ASSERT_EQ(0, tvm_create(&t));
	ASSERT_EQ(0, tvm_setup(&t, 64, hlt, sizeof(hlt)));
	ASSERT_EQ(0, ioctl(t.vcpu, MINIVMX_GET_REGS, &r));
	r.rip = 0x100010000ULL;
	ASSERT_EQ(0, ioctl(t.vcpu, MINIVMX_SET_REGS, &r));
	EXPECT_EQ(0, tvm_setup(&t, 32, hlt, sizeof(hlt)));
	EXPECT_EQ(0, t.run->refused_check);
	ASSERT_EQ(0, tvm_run(&t));
	EXPECT_EQ(MINIVMX_EXIT_HLT, t.run->exit_reason);
	tvm_destroy(&t);
	EXPECT_EQ(0, mvx_unload());
}

/* A good state in each mode passes every check: the CPU enters it. */
TEST(good_states_pass)
{
	static const int modes[] = { 16, 32, 64 };
	struct tvm t;
	unsigned int i;
	int ret = mvx_load();

	ASSERT_TRUE(ret == 0 || ret == -EEXIST);
	for (i = 0; i < ARRAY_SIZE(modes); i++) {
		ASSERT_EQ(0, tvm_create(&t));
		ASSERT_EQ(0, tvm_setup(&t, modes[i], hlt, sizeof(hlt)));
		EXPECT_EQ(0, t.run->refused_check);
		ASSERT_EQ(0, tvm_run(&t));
		EXPECT_EQ(MINIVMX_EXIT_HLT, t.run->exit_reason);
		tvm_destroy(&t);
	}
	EXPECT_EQ(0, mvx_unload());
}

TEST_HARNESS_MAIN

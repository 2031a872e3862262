// SPDX-License-Identifier: GPL-2.0
/*
 * Everything triage knows about arm64: the PRSTATUS register layout, the
 * frame-record unwinder, exception frames, and the ESR_ELx syndrome.
 *
 * Unwinding: with CONFIG_FRAME_POINTER every non-leaf kernel function keeps
 * a frame record {previous x29, return address} at x29. We start at the
 * saved PC (an exact PC), then follow x29. A return address points after the
 * `bl`; when that `bl` was the function's last instruction (a call to a
 * noreturn function such as panic()), it points into the next function, so
 * return addresses are symbolized at addr - 4, as drgn and crash do.
 * Exception entry (kernel_entry) stores a frame record inside struct
 * pt_regs (pt_regs.stackframe) holding the interrupted x29 and PC; such a
 * record is recognised by pt_regs.pc equal to the record's "return address",
 * and that PC is exact (no - 4). Layouts come from vmlinux's DWARF.
 *
 * Leaf functions (and functions stopped in their prologue) have no frame
 * record of their own: x29 still points to their caller's, so following it
 * skips the caller, whose return address is only in the link register. At
 * an exact PC (the saved registers, an exception) the LR names that caller
 * when it lies in another function than the PC and differs from the return
 * address in the record x29 points to (after a prologue the two are equal,
 * and after a call the LR points into the PC's own function); the frame is
 * then taken from the LR and marked as such.
 *
 * Pointer authentication (CONFIG_ARM64_PTR_AUTH_KERNEL): return addresses
 * saved in frame records may carry a PAC in their top bits; the kernel
 * publishes the bits it uses as VMCOREINFO NUMBER(KERNELPACMASK). A kernel
 * address (bit 55 set) is restored by setting those bits, a user one by
 * clearing them (ptrauth_strip_kernel_insn_pac() and its user twin).
 */
#include <elf.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "triage.h"

enum { R_FP = 29, R_LR = 30, R_SP = 31, R_PC = 32, R_PSTATE = 33, NR_GREGS = 34 };

static uint64_t call_site(uint64_t ret)
{
	return ret - 4;		/* every A64 instruction is 4 bytes */
}

static uint64_t strip_code_ptr(uint64_t addr, uint64_t pac_mask)
{
	if (!pac_mask)
		return addr;
	return (addr >> 55) & 1 ? addr | pac_mask : addr & ~pac_mask;
}

static void regs_from_prstatus(const uint64_t *g, unsigned int n, struct regs *out)
{
	unsigned int i;

	memset(out, 0, sizeof(*out));
	if (n > NR_GREGS)
		n = NR_GREGS;
	for (i = 0; i < n && i < sizeof(out->r) / sizeof(out->r[0]); i++)
		out->r[i] = g[i];
	out->n = n;
	out->fp = n > R_FP ? g[R_FP] : 0;
	out->lr = n > R_LR ? g[R_LR] : 0;
	out->has_lr = n > R_LR;
	out->sp = n > R_SP ? g[R_SP] : 0;
	out->pc = n > R_PC ? g[R_PC] : 0;
}

/* Offsets in struct pt_regs, from DWARF once per target (t->arch_off). */
struct ptregs_layout {
	size_t regs, sp, pc, stackframe;
};

static bool ptregs_layout(struct target *t, struct ptregs_layout *ptl)
{
	static const char *const names[] = { "regs", "sp", "pc", "stackframe" };
	size_t *o = t->arch_off, sz;
	unsigned int i;

	if (!t->arch_state) {
		t->arch_state = -1;
		for (i = 0; i < 4; i++) {
			struct terr *e = vml_member(t->vm, "pt_regs", "die", names[i], &o[i], &sz);

			if (e) {	/* unwinding goes on without exception frames */
				terr_free(e);
				return false;
			}
		}
		t->arch_state = 1;
	}
	if (t->arch_state < 0)
		return false;
	ptl->regs = o[0];
	ptl->sp = o[1];
	ptl->pc = o[2];
	ptl->stackframe = o[3];
	return true;
}

static struct terr *regs_at(struct target *t, uint64_t at, struct regs *out)
{
	struct ptregs_layout ptl;
	uint64_t g[NR_GREGS];
	struct terr *e;

	if (!ptregs_layout(t, &ptl))
		return terr_fmt(TERR_DUMP, "no layout of struct pt_regs in vmlinux");
	if ((e = tg_read(t, at + ptl.regs, g, 31 * 8)) ||
	    (e = tg_u64(t, at + ptl.sp, &g[R_SP])) ||
	    (e = tg_u64(t, at + ptl.pc, &g[R_PC])))
		return e;
	g[R_PSTATE] = 0;
	regs_from_prstatus(g, NR_GREGS, out);
	return NULL;
}

/* Is @lr, seen at exact PC @pc, a caller that the frame records skip? */
static bool lr_is_skipped_caller(struct target *t, uint64_t pc, uint64_t lr, uint64_t next_ret)
{
	const struct vsym *in_pc, *in_lr;

	if (!lr || lr == next_ret)
		return false;
	in_lr = vml_sym_at(t->vm, lr - 4, true);
	in_pc = vml_sym_at(t->vm, pc, true);
	return in_lr && in_pc && in_lr != in_pc;
}

static void lr_frame(struct target *t, struct frame *f, uint64_t lr)
{
	memset(f, 0, sizeof(*f));
	f->pc = lr;
	f->from_lr = true;
	tg_symbolize(t, lr, true, f->sym, sizeof(f->sym));
}

static unsigned int unwind(struct target *t, const struct regs *r,
			   struct frame *f, unsigned int max)
{
	uint64_t fp = r->fp, rec[2], seen[TRIAGE_MAX_FRAMES];
	unsigned int n = 0, nseen = 0, i;
	struct ptregs_layout ptl;
	bool have_pt = ptregs_layout(t, &ptl);
	/* the last exact PC and its LR, until the next record is read */
	uint64_t exact_pc = r->pc, lr = r->has_lr ? strip_code_ptr(r->lr, t->pac_mask) : 0;

	if (!max)
		return 0;
	memset(&f[0], 0, sizeof(f[0]));
	f[0].pc = r->pc;
	f[0].exact = true;
	tg_symbolize(t, r->pc, false, f[0].sym, sizeof(f[0].sym));
	n = 1;
	while (n < max && fp && !(fp & 7)) {
		struct terr *e;
		uint64_t ptpc;

		for (i = 0; i < nseen; i++)
			if (seen[i] == fp)
				return n;	/* a loop: stop */
		if (nseen < TRIAGE_MAX_FRAMES)
			seen[nseen++] = fp;
		e = tg_read(t, fp, rec, sizeof(rec));
		if (e) {
			terr_free(e);
			break;
		}
		if (!rec[1])
			break;
		rec[1] = strip_code_ptr(rec[1], t->pac_mask);
		if (lr_is_skipped_caller(t, exact_pc, lr, rec[1])) {
			lr_frame(t, &f[n++], lr);
			if (n >= max)
				break;
		}
		lr = 0;
		memset(&f[n], 0, sizeof(f[n]));
		f[n].pc = rec[1];
		if (have_pt && fp >= ptl.stackframe) {
			uint64_t base = fp - ptl.stackframe;

			e = tg_u64(t, base + ptl.pc, &ptpc);
			if (!e && ptpc == rec[1]) {
				f[n].exact = true;
				f[n].regs_at = base;
				exact_pc = ptpc;
				e = tg_u64(t, base + ptl.regs + 30 * 8, &lr);
				if (e)
					lr = 0;
				lr = strip_code_ptr(lr, t->pac_mask);
			}
			terr_free(e);
		}
		tg_symbolize(t, f[n].pc, !f[n].exact, f[n].sym, sizeof(f[n].sym));
		n++;
		fp = rec[0];
	}
	/* no record left: a leaf called straight from where the chain ends */
	if (n < max && lr_is_skipped_caller(t, exact_pc, lr, 0))
		lr_frame(t, &f[n++], lr);
	return n;
}

/* Exception classes, named as arch/arm64/kernel/traps.c names them. */
static const char *const ec_names[64] = {
	[0x00] = "UNKNOWN", [0x01] = "WFx", [0x03] = "CP15 MCR/MRC",
	[0x04] = "CP15 MCRR/MRRC", [0x05] = "CP14 MCR/MRC", [0x06] = "CP14 LDC/STC",
	[0x07] = "ASIMD", [0x08] = "CP10 MRC/VMRS", [0x09] = "PAC",
	[0x0C] = "CP14 MCRR/MRRC", [0x0D] = "BTI", [0x0E] = "PSTATE.IL",
	[0x11] = "SVC (AArch32)", [0x12] = "HVC (AArch32)", [0x13] = "SMC (AArch32)",
	[0x15] = "SVC (AArch64)", [0x16] = "HVC (AArch64)", [0x17] = "SMC (AArch64)",
	[0x18] = "MSR/MRS (AArch64)", [0x19] = "SVE", [0x1A] = "ERET/ERETAA/ERETAB",
	[0x1C] = "FPAC", [0x1D] = "SME", [0x1F] = "EL3 IMP DEF",
	[0x20] = "IABT (lower EL)", [0x21] = "IABT (current EL)",
	[0x22] = "PC Alignment", [0x24] = "DABT (lower EL)",
	[0x25] = "DABT (current EL)", [0x26] = "SP Alignment", [0x27] = "MOPS",
	[0x28] = "FP (AArch32)", [0x2C] = "FP (AArch64)", [0x2F] = "SError",
	[0x30] = "Breakpoint (lower EL)", [0x31] = "Breakpoint (current EL)",
	[0x32] = "Software Step (lower EL)", [0x33] = "Software Step (current EL)",
	[0x34] = "Watchpoint (lower EL)", [0x35] = "Watchpoint (current EL)",
	[0x38] = "BKPT (AArch32)", [0x3A] = "Vector catch (AArch32)",
	[0x3C] = "BRK (AArch64)",
};

/* Fault status codes of instruction and data aborts. */
static const char *const fsc_names[64] = {
	[0x00] = "level 0 address size fault", [0x01] = "level 1 address size fault",
	[0x02] = "level 2 address size fault", [0x03] = "level 3 address size fault",
	[0x04] = "level 0 translation fault", [0x05] = "level 1 translation fault",
	[0x06] = "level 2 translation fault", [0x07] = "level 3 translation fault",
	[0x08] = "level 0 access flag fault", [0x09] = "level 1 access flag fault",
	[0x0A] = "level 2 access flag fault", [0x0B] = "level 3 access flag fault",
	[0x0C] = "level 0 permission fault", [0x0D] = "level 1 permission fault",
	[0x0E] = "level 2 permission fault", [0x0F] = "level 3 permission fault",
	[0x10] = "synchronous external abort",
	[0x11] = "synchronous tag check fault",
	[0x14] = "level 0 synchronous external abort (translation table walk)",
	[0x15] = "level 1 synchronous external abort (translation table walk)",
	[0x16] = "level 2 synchronous external abort (translation table walk)",
	[0x17] = "level 3 synchronous external abort (translation table walk)",
	[0x18] = "synchronous parity or ECC error",
	[0x1C] = "level 0 synchronous parity error (translation table walk)",
	[0x1D] = "level 1 synchronous parity error (translation table walk)",
	[0x1E] = "level 2 synchronous parity error (translation table walk)",
	[0x1F] = "level 3 synchronous parity error (translation table walk)",
	[0x21] = "alignment fault",
	[0x30] = "TLB conflict abort",
	[0x31] = "unsupported atomic hardware update fault",
	[0x34] = "implementation fault (lockdown)",
	[0x35] = "implementation fault (unsupported exclusive or atomic access)",
	[0x3D] = "section domain fault",
	[0x3E] = "page domain fault",
};

static bool decode_esr(uint64_t esr, struct esr_info *o)
{
	memset(o, 0, sizeof(*o));
	o->value = esr;
	o->ec = (esr >> 26) & 0x3f;
	o->il = (esr >> 25) & 1 ? 32 : 16;
	o->iss = esr & 0x1ffffff;
	o->ec_name = ec_names[o->ec] ? ec_names[o->ec] : "UNRECOGNIZED EC";
	o->fsc = -1;
	o->wnr = -1;
	switch (o->ec) {
	case 0x20: case 0x21:
		o->fsc_kind = "IFSC";
		break;
	case 0x24: case 0x25:
		o->fsc_kind = "DFSC";
		o->wnr = (o->iss >> 6) & 1;
		break;
	default:
		return true;
	}
	o->fsc = o->iss & 0x3f;
	o->fsc_name = fsc_names[o->fsc] ? fsc_names[o->fsc] : "unknown fault";
	return true;
}

const struct arch_ops arch_arm64 = {
	.name = "aarch64",
	.elf_machine = EM_AARCH64,
	.regs_from_prstatus = regs_from_prstatus,
	.unwind = unwind,
	.regs_at = regs_at,
	.decode_esr = decode_esr,
	.esr_tag = "ESR = 0x",
	.preempt_count_path = "thread_info.preempt_count",
	.arg0_reg = 0,
	.call_site = call_site,
	.strip_code_ptr = strip_code_ptr,
	.spin_wait_fns = NULL,
};

const struct arch_ops *arch_by_machine(int elf_machine)
{
	return elf_machine == EM_AARCH64 ? &arch_arm64 : NULL;
}

const struct arch_ops *arch_by_name(const char *name)
{
	return name && !strcmp(name, arch_arm64.name) ? &arch_arm64 : NULL;
}

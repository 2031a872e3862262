// SPDX-License-Identifier: GPL-2.0
/*
 * What triage reads, in order: VMCOREINFO (release, build id, KASLR
 * offset), the kernel log, the CPUs (masks, per-CPU crash notes, current
 * tasks), the panicking CPU and task, backtraces, then the verdict.
 *
 * CPU numbers of the registers: on arm64 an NT_PRSTATUS note carries no CPU
 * number, and /proc/vmcore drops the notes of CPUs that saved nothing, so
 * the file's note order does not give CPU numbers. triage reads each
 * possible CPU's note where the kernel wrote it, in its per-CPU buffer
 * (crash_notes + __per_cpu_offset[cpu]): a CPU with an empty buffer saved no
 * registers and is named as such. Only when that memory cannot be read does
 * triage fall back to the file's notes, matched to CPUs by the PID of each
 * CPU's current task (idle tasks all have PID 0: then by order), and says so.
 */
#include <elf.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "triage.h"

struct terr *tg_read(struct target *t, uint64_t addr, void *buf, size_t len)
{
	if (t->read)
		return t->read(t->read_ctx, addr, buf, len);
	return dump_read(t->dump, addr, buf, len);
}

struct terr *tg_u64(struct target *t, uint64_t addr, uint64_t *v)
{
	return tg_read(t, addr, v, sizeof(*v));
}

struct terr *tg_u32(struct target *t, uint64_t addr, uint32_t *v)
{
	return tg_read(t, addr, v, sizeof(*v));
}

void tg_symbolize(struct target *t, uint64_t pc, bool ret, char *buf, size_t len)
{
	uint64_t look = ret ? t->arch->call_site(pc) : pc;
	const struct vsym *s = vml_sym_at(t->vm, look, true);

	if (!s) {
		snprintf(buf, len, "0x%016" PRIx64, pc);
		return;
	}
	/* the offset is the address's own (as the kernel prints it) */
	format_symoff(buf, len, s->name, pc - (s->addr + vml_offset(t->vm)), s->size);
}

static void warn(struct report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void warn(struct report *r, const char *fmt, ...)
{
	va_list ap;

	if (r->nwarnings >= sizeof(r->warnings) / sizeof(r->warnings[0]))
		return;
	va_start(ap, fmt);
	vsnprintf(r->warnings[r->nwarnings++], sizeof(r->warnings[0]), fmt, ap);
	va_end(ap);
}

static void copy(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src ? src : "");
}

/* ---- layouts needed about tasks, runqueues and notes ---- */
struct layouts {
	size_t task_pid, task_comm, comm_len, preempt, preempt_size, rq_curr;
	size_t pr_pid, pr_reg, pr_reg_size;
	bool have_preempt;
};

static struct terr *get_layouts(struct target *t, struct layouts *l, struct report *r)
{
	struct terr *e;
	size_t sz;

	if ((e = vml_member(t->vm, "task_struct", "panic", "pid", &l->task_pid, &sz)) ||
	    (e = vml_member(t->vm, "task_struct", "panic", "comm", &l->task_comm, &l->comm_len)) ||
	    (e = vml_member(t->vm, "rq", "scheduler_tick", "curr", &l->rq_curr, &sz)))
		return e;
	if (t->arch->preempt_count_path) {
		e = vml_member(t->vm, "task_struct", "panic", t->arch->preempt_count_path,
			       &l->preempt, &l->preempt_size);
		if (e) {
			warn(r, "preempt count: %s", e->msg);
			terr_free(e);
		} else {
			l->have_preempt = true;
		}
	}
	/* struct elf_prstatus grew a "common" part in 5.19 */
	e = vml_member(t->vm, "elf_prstatus", "crash_save_cpu", "common.pr_pid", &l->pr_pid, &sz);
	if (e) {
		terr_free(e);
		e = vml_member(t->vm, "elf_prstatus", "crash_save_cpu", "pr_pid", &l->pr_pid, &sz);
	}
	if (e || (e = vml_member(t->vm, "elf_prstatus", "crash_save_cpu", "pr_reg",
				 &l->pr_reg, &l->pr_reg_size)))
		return e;
	if (l->comm_len == 0 || l->comm_len > 31)
		l->comm_len = 16;
	return NULL;
}

/* Registers and PID from a note's descriptor (struct elf_prstatus). */
static bool parse_prstatus(const struct target *t, const struct layouts *l,
			   const unsigned char *desc, size_t len, struct regs *regs, int *pid)
{
	uint64_t g[40];
	unsigned int n = (unsigned int)(l->pr_reg_size / 8);
	int32_t p;

	if (n > 40)
		n = 40;
	if (l->pr_reg + (size_t)n * 8 > len || l->pr_pid + 4 > len)
		return false;
	memcpy(g, desc + l->pr_reg, (size_t)n * 8);
	memcpy(&p, desc + l->pr_pid, 4);
	t->arch->regs_from_prstatus(g, n, regs);
	*pid = p;
	return true;
}

/* A note as the kernel lays it out: Elf64_Nhdr, name, descriptor. */
static bool parse_note(const struct target *t, const struct layouts *l,
		       const unsigned char *buf, size_t len, struct regs *regs, int *pid)
{
	Elf64_Nhdr nh;
	size_t doff;

	if (len < sizeof(nh))
		return false;
	memcpy(&nh, buf, sizeof(nh));
	if (!nh.n_namesz || nh.n_type != NT_PRSTATUS || nh.n_namesz > 64)
		return false;
	doff = sizeof(nh) + ((nh.n_namesz + 3) & ~3u);
	if (doff >= len || nh.n_descsz > len - doff)
		return false;
	return parse_prstatus(t, l, buf + doff, nh.n_descsz, regs, pid);
}

static bool cpumask_bit(struct target *t, const char *sym, int cpu)
{
	uint64_t at, word;
	struct terr *e;

	if (!vml_sym_addr(t->vm, sym, &at))
		return false;
	e = tg_u64(t, at + (uint64_t)(cpu / 64) * 8, &word);
	if (e) {
		terr_free(e);
		return false;
	}
	return (word >> (cpu % 64)) & 1;
}

static void read_task(struct target *t, const struct layouts *l, uint64_t task,
		      char *comm, size_t commlen, int *pid, int64_t *preempt)
{
	char buf[32] = "";
	int32_t p = -1;
	uint32_t pc;
	struct terr *e;

	if ((e = tg_read(t, task + l->task_comm, buf, l->comm_len))) {
		terr_free(e);
		copy(comm, commlen, "?");
	} else {
		buf[sizeof(buf) - 1] = '\0';
		buf[l->comm_len - 1] = '\0';
		copy(comm, commlen, buf);
	}
	if ((e = tg_read(t, task + l->task_pid, &p, sizeof(p)))) {
		terr_free(e);
		p = -1;
	}
	*pid = p;
	if (preempt) {
		*preempt = -1;
		/* the count is the low 32 bits (arm64 keeps need_resched above) */
		if (l->have_preempt && !(e = tg_u32(t, task + l->preempt, &pc)))
			*preempt = pc;
		terr_free(e);
	}
}

static bool is_spin_wait(const struct arch_ops *arch, const char *sym)
{
	/* generic kernel/locking functions; an arch adds its own (paravirt) */
	static const char *const fns[] = {
		"queued_spin_lock_slowpath", "_raw_spin_lock", "_raw_spin_lock_irq",
		"_raw_spin_lock_irqsave", "_raw_spin_lock_bh", "do_raw_spin_lock",
	};
	char fn[TRIAGE_SYM_LEN];
	size_t i;

	symoff_function(sym, fn, sizeof(fn));
	for (i = 0; i < sizeof(fns) / sizeof(fns[0]); i++)
		if (!strcmp(fn, fns[i]))
			return true;
	for (i = 0; arch->spin_wait_fns && arch->spin_wait_fns[i]; i++)
		if (!strcmp(fn, arch->spin_wait_fns[i]))
			return true;
	return false;
}

/* A CPU spinning on a lock: the lock's address is the first argument. */
static void find_lock(struct target *t, struct cpu_report *c)
{
	char where[TRIAGE_SYM_LEN], text[2 * TRIAGE_SYM_LEN];
	unsigned int i;

	for (i = 0; i < c->nframes; i++) {
		struct regs rr;
		const struct regs *r = NULL;
		const struct vsym *s;
		uint64_t lock, base;

		if (!c->frames[i].exact || !is_spin_wait(t->arch, c->frames[i].sym))
			continue;
		if (i == 0) {
			r = &c->regs;
		} else if (c->frames[i].regs_at) {
			struct terr *e = t->arch->regs_at(t, c->frames[i].regs_at, &rr);

			if (e) {
				terr_free(e);
				continue;
			}
			r = &rr;
		}
		if (!r)
			continue;
		lock = r->r[t->arch->arg0_reg];
		s = vml_sym_at(t->vm, lock, false);
		base = s ? s->addr + vml_offset(t->vm) : 0;
		copy(where, sizeof(where), c->frames[i].sym);
		if (s && !s->func && lock == base)
			snprintf(text, sizeof(text), "%s at 0x%" PRIx64 " (in %s)", s->name, lock, where);
		else if (s && !s->func && lock - base < s->size)
			snprintf(text, sizeof(text), "%s+0x%" PRIx64 " at 0x%" PRIx64 " (in %s)",
				 s->name, lock - base, lock, where);
		else
			snprintf(text, sizeof(text), "0x%" PRIx64 " (in %s)", lock, where);
		copy(c->lock, sizeof(c->lock), text);
		return;
	}
}

/* ---- the run ---- */

static struct terr *check_identity(struct target *t, struct report *r)
{
	char *v;
	uint64_t stext_dump, stext_vm;

	v = dump_vmcoreinfo(t->dump, "OSRELEASE");
	if (!v)
		return terr_fmt(TERR_DUMP, "the dump has no VMCOREINFO OSRELEASE: not a Linux kernel dump");
	copy(r->release, sizeof(r->release), v);
	free(v);
	v = dump_vmcoreinfo(t->dump, "BUILD-ID");
	copy(r->build_id, sizeof(r->build_id), v);
	free(v);
	r->build_id_match = r->build_id[0] && !strcmp(r->build_id, vml_build_id(t->vm));
	if (r->build_id[0] && vml_build_id(t->vm)[0] && !r->build_id_match)
		return terr_fmt(TERR_DUMP, "vmlinux does not match the dump: build id %s, dump's %s",
				vml_build_id(t->vm), r->build_id);
	v = dump_vmcoreinfo(t->dump, "KERNELOFFSET");
	if (v) {
		char *end;
		unsigned long long off = strtoull(v, &end, 16);

		if (end == v || *end) {
			free(v);
			return terr_fmt(TERR_DUMP, "VMCOREINFO KERNELOFFSET is not a number");
		}
		vml_set_offset(t->vm, off);
		free(v);
	}
	v = dump_vmcoreinfo(t->dump, "NUMBER(KERNELPACMASK)");
	if (v) {
		t->pac_mask = strtoull(v, NULL, 16);
		free(v);
	}
	/* the relocated _stext must be where the dump says it is */
	v = dump_vmcoreinfo(t->dump, "SYMBOL(_stext)");
	if (v && vml_sym_addr(t->vm, "_stext", &stext_vm)) {
		stext_dump = strtoull(v, NULL, 16);
		if (stext_dump != stext_vm && !vml_offset(t->vm)) {
			/* no KERNELOFFSET (a cut VMCOREINFO?): _stext gives it */
			vml_set_offset(t->vm, stext_dump - stext_vm);
			warn(r, "no KERNELOFFSET in VMCOREINFO: KASLR offset taken from _stext");
		} else if (stext_dump != stext_vm) {
			free(v);
			return terr_fmt(TERR_DUMP, "vmlinux does not match the dump: _stext at 0x%" PRIx64
					" after relocation, the dump says 0x%" PRIx64,
					stext_vm, stext_dump);
		}
	} else if (!vml_offset(t->vm)) {
		warn(r, "no KERNELOFFSET nor _stext in VMCOREINFO: assuming KASLR off");
	}
	free(v);
	return NULL;
}

static void read_cpus(struct target *t, const struct layouts *l, struct report *r)
{
	uint64_t pco_at, notes_at = 0, notes = 0, rq_at, pco[TRIAGE_MAX_CPUS] = { 0 };
	uint32_t nr = 1;
	bool have_pco, have_notes = false, file_notes = false;
	struct terr *e = NULL;
	int cpu;

	if (vml_sym_addr(t->vm, "nr_cpu_ids", &pco_at) && (e = tg_u32(t, pco_at, &nr))) {
		terr_free(e);
		e = NULL;
		nr = 0;
	}
	if (nr < 1 || nr > TRIAGE_MAX_CPUS) {
		warn(r, "nr_cpu_ids is %u: looking at %d CPUs", nr, TRIAGE_MAX_CPUS);
		nr = TRIAGE_MAX_CPUS;
	}
	r->nr_cpus = (int)nr;
	have_pco = vml_sym_addr(t->vm, "__per_cpu_offset", &pco_at) &&
		   !(e = tg_read(t, pco_at, pco, nr * sizeof(pco[0])));
	if (!have_pco) {
		warn(r, "per-CPU offsets unreadable");
		terr_free(e);
		e = NULL;
	}
	if (have_pco && vml_sym_addr(t->vm, "crash_notes", &notes_at)) {
		if ((e = tg_u64(t, notes_at, &notes))) {
			terr_free(e);
			e = NULL;
		} else {
			have_notes = notes != 0;
		}
	}
	for (cpu = 0; cpu < (int)nr; cpu++) {
		struct cpu_report *c = &r->cpus[cpu];
		unsigned char buf[1024];
		size_t got = sizeof(buf);
		uint64_t task;

		c->cpu = cpu;
		c->online = cpumask_bit(t, "__cpu_online_mask", cpu);
		c->note_pid = -1;
		c->pid = -1;
		if (have_pco && vml_sym_addr(t->vm, "runqueues", &rq_at) &&
		    !(e = tg_u64(t, rq_at + pco[cpu] + l->rq_curr, &task)) && task)
			read_task(t, l, task, c->comm, sizeof(c->comm), &c->pid, NULL);
		terr_free(e);
		e = NULL;
		if (!have_notes)
			continue;
		e = tg_read(t, notes + pco[cpu], buf, sizeof(buf));
		if (e) {	/* a short read near the end of a page is still fine */
			terr_free(e);
			got = 512;
			e = tg_read(t, notes + pco[cpu], buf, got);
		}
		if (e) {
			terr_free(e);
			e = NULL;
			have_notes = false;
			break;
		}
		c->regs_saved = parse_note(t, l, buf, got, &c->regs, &c->note_pid);
	}
	if (have_notes) {
		copy(r->notes_mapping, sizeof(r->notes_mapping), "per-CPU crash_notes");
	} else {
		/* fall back to the file's notes, matched by PID, else in order */
		unsigned int i, nn = dump_nr_notes(t->dump);
		bool used[TRIAGE_MAX_CPUS] = { false };

		for (cpu = 0; cpu < (int)nr; cpu++)
			r->cpus[cpu].regs_saved = false;
		for (i = 0; i < nn; i++) {
			unsigned char buf[1024];
			size_t len = sizeof(buf);
			struct regs regs;
			int pid, pick = -1;

			if ((e = dump_note(t->dump, i, buf, &len))) {
				terr_free(e);
				e = NULL;
				continue;
			}
			if (!parse_prstatus(t, l, buf, len, &regs, &pid))
				continue;
			for (cpu = 0; cpu < (int)nr && pick < 0; cpu++)
				if (!used[cpu] && pid > 0 && r->cpus[cpu].pid == pid)
					pick = cpu;
			for (cpu = 0; cpu < (int)nr && pick < 0; cpu++)
				if (!used[cpu] && r->cpus[cpu].online && r->cpus[cpu].pid <= 0)
					pick = cpu;
			if (pick < 0)
				continue;
			used[pick] = true;
			r->cpus[pick].regs_saved = true;
			r->cpus[pick].regs = regs;
			r->cpus[pick].note_pid = pid;
			file_notes = true;
		}
		copy(r->notes_mapping, sizeof(r->notes_mapping),
		     file_notes ? "file notes matched by PID (approximate)" : "none");
		if (file_notes)
			warn(r, "per-CPU crash notes unreadable: CPU numbers of registers are guessed");
	}
	for (cpu = 0; cpu < (int)nr; cpu++) {
		struct cpu_report *c = &r->cpus[cpu];

		if (!c->regs_saved)
			continue;
		c->regs.pc = t->arch->strip_code_ptr(c->regs.pc, t->pac_mask);
		c->regs.lr = t->arch->strip_code_ptr(c->regs.lr, t->pac_mask);
		tg_symbolize(t, c->regs.pc, false, c->pc, sizeof(c->pc));
		if (c->regs.has_lr)
			tg_symbolize(t, c->regs.lr, true, c->lr, sizeof(c->lr));
		c->nframes = t->arch->unwind(t, &c->regs, c->frames, TRIAGE_MAX_FRAMES);
		find_lock(t, c);
	}
}

static void find_panic_cpu(struct target *t, struct report *r, const char *const *lines, size_t n)
{
	uint64_t at;
	int32_t v = -1;
	int cpu, pid;
	struct terr *e;

	if (vml_sym_addr(t->vm, "panic_cpu", &at)) {
		if ((e = tg_read(t, at, &v, sizeof(v)))) {
			terr_free(e);
			v = -1;
		}
	}
	if (v >= 0 && v < r->nr_cpus) {
		r->panic_cpu = v;
		return;
	}
	/* no panic_cpu: the last "CPU: N PID: P" line of the log */
	if (find_cpu_pid_line(lines, n, &cpu, &pid) && cpu >= 0 && cpu < r->nr_cpus) {
		r->panic_cpu = cpu;
		warn(r, "panic_cpu not set: panicking CPU taken from the log");
	}
}

static void decide_case(struct report *r, const char *const *lines, size_t n)
{
	unsigned int i;
	int cpu;
	char fn[TRIAGE_SYM_LEN];

	for (i = 0; i < r->nbt; i++) {
		symoff_function(r->bt[i].sym, fn, sizeof(fn));
		if ((r->case_nr = case_from_function(fn)) >= 0)
			return;
	}
	for (cpu = 0; cpu < r->nr_cpus; cpu++)
		for (i = 0; i < r->cpus[cpu].nframes; i++) {
			symoff_function(r->cpus[cpu].frames[i].sym, fn, sizeof(fn));
			if ((r->case_nr = case_from_function(fn)) >= 0)
				return;
		}
	r->case_nr = case_from_log(lines, n);
}

struct terr *triage_run(const char *dumppath, const char *vmlpath, struct report *r)
{
	struct vmlinux *vm;
	struct terr *e = vml_open(vmlpath, &vm);

	if (e) {
		memset(r, 0, sizeof(*r));
		return e;
	}
	e = triage_analyze(dumppath, vm, r);
	vml_close(vm);
	return e;
}

/*
 * The preempt count in the dump is the one at the time of the crash kexec:
 * it includes what the crash path itself added after the failure. An oops
 * goes die() -> crash_kexec() holding die_lock (raw_spin_lock_irqsave: +1);
 * panic() calls preempt_disable_notrace() (+1) before it prints "Kernel
 * panic - not syncing". die_lock still taken in the dump, and panic() on
 * the stack or its line in the log, say which of them ran; subtracting them
 * gives the count of the context that failed.
 */
static void preempt_crash_path(struct target *t, struct report *r, const char *const *lines,
			       size_t n)
{
	char fn[TRIAGE_SYM_LEN];
	bool die_held = false, panicked = false;
	uint64_t at;
	uint32_t v;
	unsigned int i;
	struct terr *e;

	r->preempt_crash_path = 0;
	r->preempt_why[0] = '\0';
	if (vml_sym_addr(t->vm, "die_lock", &at)) {
		if (!(e = tg_u32(t, at, &v)))
			die_held = v != 0;
		terr_free(e);
	}
	for (i = 0; i < r->nbt && !panicked; i++) {
		symoff_function(r->bt[i].sym, fn, sizeof(fn));
		panicked = !strcmp(fn, "panic");
	}
	for (i = 0; i < n && !panicked; i++)
		panicked = strstr(lines[i], "Kernel panic - not syncing") != NULL;
	r->preempt_crash_path = die_held + panicked;
	snprintf(r->preempt_why, sizeof(r->preempt_why), "%s%s%s",
		 die_held ? "+1 for die()'s die_lock" : "", die_held && panicked ? ", " : "",
		 panicked ? "+1 for panic()'s preempt_disable()" : "");
	if (r->preempt_crash_path > r->preempt_count) {	/* not what we thought */
		r->preempt_crash_path = 0;
		r->preempt_why[0] = '\0';
	}
}

struct terr *triage_analyze(const char *dumppath, struct vmlinux *vm, struct report *r)
{
	return triage_analyze_with(dumppath, vm, NULL, NULL, r);
}

struct terr *triage_analyze_with(const char *dumppath, struct vmlinux *vm, tg_read_fn read,
				 void *ctx, struct report *r)
{
	struct target t = { .read = read, .read_ctx = ctx };
	struct klog log = { 0 };
	struct layouts l = { 0 };
	const char **lines = NULL;
	const char *msg;
	struct terr *e;
	size_t i, anchor, first;
	uint64_t esr;
	int cpu;

	memset(r, 0, sizeof(*r));
	r->case_nr = -1;
	r->panic_cpu = -1;
	r->pid = -1;
	r->preempt_count = -1;
	r->preempt_logged = -1;
	if ((e = dump_open(dumppath, &t.dump)))
		return e;
	copy(r->format, sizeof(r->format), dump_format(t.dump));
	if (dump_foreign_byte_order(t.dump)) {
		e = terr_fmt(TERR_DUMP, "%s: the dump's byte order is not this machine's "
			     "(triage reads dumps of its own byte order only)", dumppath);
		goto out;
	}
	/* what the kernel log may take: 16 MiB, less for a small dump */
	t.mem_budget = dump_file_size(t.dump);
	if (t.mem_budget < (1 << 20) || t.mem_budget > (16 << 20))
		t.mem_budget = t.mem_budget < (1 << 20) ? 1 << 20 : 16 << 20;
	t.arch = arch_by_name(dump_arch(t.dump));
	if (!t.arch) {
		e = terr_fmt(TERR_DUMP, "%s: unsupported or unknown architecture %s", dumppath,
			     dump_arch(t.dump) ? dump_arch(t.dump) : "(none)");
		goto out;
	}
	copy(r->arch, sizeof(r->arch), t.arch->name);
	t.vm = vm;
	vml_set_offset(vm, 0);
	if (vml_machine(t.vm) != t.arch->elf_machine) {
		e = terr_fmt(TERR_DUMP, "the vmlinux is not for %s", t.arch->name);
		goto out;
	}
	if ((e = check_identity(&t, r)))
		goto out;
	r->log_ok = true;
	if ((e = printk_read(&t, &log))) {
		/* the rest of the dump may still say a lot: report without a log */
		r->log_ok = false;
		copy(r->log_error, sizeof(r->log_error), e->msg);
		warn(r, "kernel log unreadable: %s", e->msg);
		terr_free(e);
		e = NULL;
	} else {
		if (log.unreadable)
			warn(r, "kernel log: %zu records unreadable or torn, left out", log.unreadable);
		if (log.cut)
			warn(r, "kernel log: only the newest %zu lines kept", log.n);
	}
	lines = malloc((log.n ? log.n : 1) * sizeof(*lines));
	if (!lines) {
		e = terr_fmt(TERR_DUMP, "out of memory");
		goto out;
	}
	for (i = 0; i < log.n; i++)
		lines[i] = log.lines[i].text;

	r->verdict = classify_log(lines, log.n);
	msg = panic_message(lines, log.n);
	copy(r->panic_message, sizeof(r->panic_message), msg);
	if (t.arch->esr_tag && find_hex_after(lines, log.n, t.arch->esr_tag, &esr))
		r->have_esr = t.arch->decode_esr(esr, &r->esr);
	if (find_atomic_preempt(lines, log.n, &esr))
		r->preempt_logged = (int64_t)(esr & 0xffffffff);
	anchor = log_anchor(lines, log.n);
	first = anchor + 1 > TRIAGE_TAIL_LINES ? anchor + 1 - TRIAGE_TAIL_LINES : 0;
	for (i = first; i <= anchor && i < log.n; i++) {
		const struct logline *ll = &log.lines[i];
		char *s;
		int len = snprintf(NULL, 0, "[%5" PRIu64 ".%06" PRIu64 "] %s",
				   ll->ts_nsec / 1000000000, ll->ts_nsec % 1000000000 / 1000,
				   ll->text);

		s = malloc((size_t)len + 1);
		if (!s)
			break;
		snprintf(s, (size_t)len + 1, "[%5" PRIu64 ".%06" PRIu64 "] %s",
			 ll->ts_nsec / 1000000000, ll->ts_nsec % 1000000000 / 1000, ll->text);
		r->tail[r->ntail++] = s;
	}

	if ((e = get_layouts(&t, &l, r)))
		goto out;
	read_cpus(&t, &l, r);
	find_panic_cpu(&t, r, lines, log.n);
	cpu = r->panic_cpu;
	if (cpu >= 0) {
		struct cpu_report *c = &r->cpus[cpu];
		uint64_t rq_at, task, pco_at, pco;

		memcpy(r->bt, c->frames, sizeof(r->bt));
		r->nbt = c->nframes;
		if (!c->regs_saved)
			warn(r, "the panicking CPU %d saved no registers", cpu);
		if (vml_sym_addr(t.vm, "runqueues", &rq_at) &&
		    vml_sym_addr(t.vm, "__per_cpu_offset", &pco_at) &&
		    !(e = tg_u64(&t, pco_at + (uint64_t)cpu * 8, &pco)) &&
		    !(e = tg_u64(&t, rq_at + pco + l.rq_curr, &task)) && task) {
			read_task(&t, &l, task, r->comm, sizeof(r->comm), &r->pid, &r->preempt_count);
			r->have_preempt = r->preempt_count >= 0;
			if (r->have_preempt)
				preempt_crash_path(&t, r, lines, log.n);
		}
		terr_free(e);
		e = NULL;
		if (c->regs_saved && c->note_pid >= 0 && r->pid >= 0 && c->note_pid != r->pid)
			warn(r, "CPU %d: the note says PID %d, the runqueue's current task is PID %d",
			     cpu, c->note_pid, r->pid);
	} else {
		warn(r, "the panicking CPU is unknown");
	}
	for (cpu = 0; cpu < r->nr_cpus; cpu++) {
		char text[3 * TRIAGE_SYM_LEN];

		if (!r->cpus[cpu].lock[0] || r->nlocks >= 2)
			continue;
		snprintf(text, sizeof(text), "CPU %d waits for %s", cpu, r->cpus[cpu].lock);
		copy(r->locks[r->nlocks++], sizeof(r->locks[0]), text);
	}
	decide_case(r, lines, log.n);
	/* no marker in the log, but the backtrace went through panic() */
	if (r->verdict == V_UNKNOWN)
		for (i = 0; i < r->nbt; i++) {
			char fn[TRIAGE_SYM_LEN];

			symoff_function(r->bt[i].sym, fn, sizeof(fn));
			if (!strcmp(fn, "panic")) {
				r->verdict = V_PANIC;
				break;
			}
		}
out:
	free(lines);
	klog_free(&log);
	dump_close(t.dump);
	if (e)
		report_free(r);
	return e;
}

void report_free(struct report *r)
{
	for (size_t i = 0; i < r->ntail; i++)
		free(r->tail[i]);
	r->ntail = 0;
}

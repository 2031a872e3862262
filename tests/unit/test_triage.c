// SPDX-License-Identifier: GPL-2.0
/* Unit tests of triage's pure parts: ESR decoding, verdicts, cases, text. */
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "triage/triage.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void test_esr(void)
{
	static const struct {
		uint64_t esr;
		unsigned int ec, il;
		const char *ec_name;
		int fsc, wnr;
		const char *fsc_kind, *fsc_name;
	} t[] = {
		{ 0x96000006, 0x25, 32, "DABT (current EL)", 0x06, 0, "DFSC", "level 2 translation fault" },
		{ 0x96000046, 0x25, 32, "DABT (current EL)", 0x06, 1, "DFSC", "level 2 translation fault" },
		{ 0x9600004f, 0x25, 32, "DABT (current EL)", 0x0f, 1, "DFSC", "level 3 permission fault" },
		{ 0x92000007, 0x24, 32, "DABT (lower EL)", 0x07, 0, "DFSC", "level 3 translation fault" },
		{ 0x96000021, 0x25, 32, "DABT (current EL)", 0x21, 0, "DFSC", "alignment fault" },
		{ 0x86000004, 0x21, 32, "IABT (current EL)", 0x04, -1, "IFSC", "level 0 translation fault" },
		{ 0x8600000d, 0x21, 32, "IABT (current EL)", 0x0d, -1, "IFSC", "level 1 permission fault" },
		{ 0x82000010, 0x20, 32, "IABT (lower EL)", 0x10, -1, "IFSC", "synchronous external abort" },
		{ 0xf2000800, 0x3c, 32, "BRK (AArch64)", -1, -1, NULL, NULL },
		{ 0x56000000, 0x15, 32, "SVC (AArch64)", -1, -1, NULL, NULL },
		{ 0x00000000, 0x00, 16, "UNKNOWN", -1, -1, NULL, NULL },
		{ 0xfc000000, 0x3f, 16, "UNRECOGNIZED EC", -1, -1, NULL, NULL },
		{ 0x9600003f, 0x25, 32, "DABT (current EL)", 0x3f, 0, "DFSC", "unknown fault" },
	};
	size_t i;

	for (i = 0; i < N(t); i++) {
		struct esr_info x;
		bool okay = arch_arm64.decode_esr(t[i].esr, &x);

		ok(okay && x.ec == t[i].ec && x.il == t[i].il && !strcmp(x.ec_name, t[i].ec_name) &&
		   x.fsc == t[i].fsc && x.wnr == t[i].wnr &&
		   (t[i].fsc_kind ? x.fsc_kind && !strcmp(x.fsc_kind, t[i].fsc_kind) : !x.fsc_kind) &&
		   (t[i].fsc_name ? x.fsc_name && !strcmp(x.fsc_name, t[i].fsc_name) : !x.fsc_name),
		   "ESR 0x%08llx: EC 0x%02x %s, FSC %d", (unsigned long long)t[i].esr, t[i].ec,
		   t[i].ec_name, t[i].fsc);
	}
	{
		struct esr_info x;

		arch_arm64.decode_esr(0x96000006, &x);
		ok(x.iss == 6 && x.value == 0x96000006, "ESR: ISS and value kept");
	}
}

static void test_verdicts(void)
{
	static const char *const panic[] = {
		"p4ni9: case 0 (panic) triggered by p4ni9[53] on CPU#2",
		"Kernel panic - not syncing: p4ni9(): no reason for this panic",
	};
	static const char *const nullp[] = {
		"Unable to handle kernel NULL pointer dereference at virtual address 0000000000000000",
		"Internal error: Oops: 0000000096000006 [#1] PREEMPT SMP",
	};
	static const char *const atomic[] = {
		"BUG: scheduling while atomic: p4ni9/53/0x00000002",
		"Kernel panic - not syncing: scheduling while atomic: panic_on_warn set ...",
	};
	static const char *const soft[] = {
		"watchdog: BUG: soft lockup - CPU#0 stuck for 11s! [p4ni9:53]",
		"Kernel panic - not syncing: softlockup: hung tasks",
	};
	static const char *const stall[] = {
		"rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:",
		"Kernel panic - not syncing: RCU Stall",
	};
	static const char *const hard[] = {
		"Watchdog detected hard LOCKUP on cpu 1",
		"Kernel panic - not syncing: Hard LOCKUP",
	};
	static const char *const button[] = {
		"dumpwd: dump button pressed",
		"Kernel panic - not syncing: dump button",
	};
	/* The button as 6.1's dumpwatch and 6.12's dump-button driver say it. */
	static const char *const button61[] = {
		"dumpwatch: dump button pressed (heard on CPU#0)",
		"every CPU has a fresh heartbeat",
		"Kernel panic - not syncing: dumpwatch: dump button",
	};
	static const char *const button612[] = {
		"dump_button: dump button pressed (heard on CPU#2)",
		"Kernel panic - not syncing: dump button",
	};
	static const char *const calm[] = { "Booting Linux", "Run /init as init process" };
	static const char *const x86null[] = {
		"BUG: kernel NULL pointer dereference, address: 0000000000000000",
	};

	ok(classify_log(panic, N(panic)) == V_PANIC, "verdict panic");
	ok(classify_log(nullp, N(nullp)) == V_NULL_DEREF, "verdict null-deref (arm64 text)");
	ok(classify_log(x86null, N(x86null)) == V_NULL_DEREF, "verdict null-deref (x86 text)");
	ok(classify_log(atomic, N(atomic)) == V_SCHED_ATOMIC, "verdict scheduling-while-atomic");
	ok(classify_log(soft, N(soft)) == V_SOFT_LOCKUP, "verdict soft-lockup wins over its panic");
	ok(classify_log(stall, N(stall)) == V_HARD_LOCKUP, "verdict hard-lockup from an RCU stall");
	ok(classify_log(hard, N(hard)) == V_HARD_LOCKUP, "verdict hard-lockup from the watchdog");
	ok(classify_log(button, N(button)) == V_BUTTON, "verdict button");
	ok(classify_log(button61, N(button61)) == V_BUTTON &&
	   !strcmp(panic_message(button61, N(button61)),
		   "Kernel panic - not syncing: dumpwatch: dump button"),
	   "verdict button, 6.1's dumpwatch, and its panic message");
	ok(classify_log(button612, N(button612)) == V_BUTTON &&
	   !strcmp(panic_message(button612, N(button612)), "Kernel panic - not syncing: dump button"),
	   "verdict button, 6.12's dump-button driver, and its panic message");
	ok(classify_log(calm, N(calm)) == V_UNKNOWN, "verdict unknown without a marker");
	ok(classify_log(NULL, 0) == V_UNKNOWN, "verdict unknown for an empty log");
	ok(!strcmp(verdict_name(V_SCHED_ATOMIC), "scheduling-while-atomic") &&
	   !strcmp(verdict_name(V_UNKNOWN), "unknown") && !strcmp(verdict_name(99), "unknown"),
	   "verdict names");
	ok(!strcmp(panic_message(panic, N(panic)),
		   "Kernel panic - not syncing: p4ni9(): no reason for this panic"),
	   "panic message: the Kernel panic line");
	ok(!strncmp(panic_message(nullp, N(nullp)), "Unable to handle kernel NULL", 28),
	   "panic message: an oops without a panic line");
	ok(panic_message(calm, N(calm)) == NULL, "panic message: none");
	ok(log_anchor(soft, N(soft)) == 1 && log_anchor(nullp, N(nullp)) == 1 &&
	   log_anchor(calm, N(calm)) == 1, "log tail anchors");
}

static void test_cases(void)
{
	static const char *const log[] = {
		"p4ni9: case 2 (lock-unlock) triggered by p4ni9[50] on CPU#1",
		"p4ni9: case 4 (double-lock) triggered by p4ni9[53] on CPU#0",
	};
	static const char *const wrong[] = {
		"p4ni9: case 4 (panic) triggered by p4ni9[53] on CPU#0",
		"p4ni9: case 99 (x) triggered by p4ni9[53] on CPU#0",
		"p4ni9: case 1 (null-deref) something else",
	};
	static const char *const bare[] = { "p4ni9: case 5 triggered by x[1] on CPU#1" };

	ok(case_from_log(log, N(log)) == 4, "case from the log: the last trigger line");
	ok(case_from_log(wrong, N(wrong)) == -1, "case from the log: bad lines ignored");
	ok(case_from_log(bare, N(bare)) == 5, "case from the log: name optional");
	ok(case_from_function("p4ni9_panic") == 0, "case function p4ni9_panic");
	ok(case_from_function("p4ni9_null_deref") == 1, "case function p4ni9_null_deref");
	ok(case_from_function("p4ni9_leak_lock") == 3, "case function p4ni9_leak_lock");
	ok(case_from_function("p4ni9_double_lock") == 4, "case function p4ni9_double_lock");
	ok(case_from_function("p4ni9_double_lock_irqoff") == 5,
	   "case function p4ni9_double_lock_irqoff (not its prefix)");
	ok(case_from_function("p4ni9_double") == -1 && case_from_function("panic") == -1 &&
	   case_from_function(NULL) == -1, "not case functions");
	ok(!strcmp(case_name(1), "null-deref") && case_name(-1) == NULL && case_name(99) == NULL,
	   "case names");
}

static void test_text(void)
{
	static const char *const esr[] = { "Mem abort info:", "  ESR = 0x0000000096000006" };
	static const char *const cpu[] = {
		"CPU: 2 PID: 53 Comm: p4ni9 Kdump: loaded Not tainted 6.1.192 #2",
		"CPU: 0 PID: 0 Comm: swapper/0 Tainted: G L 6.1.192 #2",
	};
	char buf[128];
	uint64_t v = 0;
	int c = -1, p = -1;
	struct terr *e;

	format_symoff(buf, sizeof(buf), "panic", 0x160, 0x33c);
	ok(!strcmp(buf, "panic+0x160/0x33c"), "symbol+offset/size");
	format_symoff(buf, sizeof(buf), "el0t_64_sync", 0x158, 0);
	ok(!strcmp(buf, "el0t_64_sync+0x158"), "symbol+offset without a size");
	format_symoff(buf, 8, "a_very_long_name", 1, 2);
	ok(strlen(buf) == 7, "symbol+offset truncated, terminated");
	symoff_function("invoke_syscall.constprop.0+0x54/0xd4", buf, sizeof(buf));
	ok(!strcmp(buf, "invoke_syscall.constprop.0"), "function of symbol+offset");
	symoff_function("0xffffffc008010000", buf, sizeof(buf));
	ok(!strcmp(buf, "0xffffffc008010000"), "function of a bare address");
	ok(find_hex_after(esr, N(esr), "ESR = 0x", &v) && v == 0x96000006, "ESR found in the log");
	ok(!find_hex_after(esr, 1, "ESR = 0x", &v), "no ESR in the log");
	ok(find_cpu_pid_line(cpu, N(cpu), &c, &p) && c == 0 && p == 0, "CPU/PID line: the last");
	ok(find_cpu_pid_line(cpu, 1, &c, &p) && c == 2 && p == 53, "CPU/PID line");

	{
		static const char *const bug[] = {
			"BUG: scheduling while atomic: p4ni9/53/0x00000002",
			"BUG: scheduling while atomic: kworker/0:1/12/0x00000101",
		};

		ok(find_atomic_preempt(bug, 1, &v) && v == 2, "preempt count of scheduling while atomic");
		ok(find_atomic_preempt(bug + 1, 1, &v) && v == 0x101, "... with a '/' in comm");
		ok(!find_atomic_preempt(esr, N(esr), &v), "... none");
	}
	e = terr_wrap(terr_fmt(TERR_DUMP, "cannot read %d bytes", 8), "printk ring %s", "buffer");
	ok(e && e->code == TERR_DUMP && !strcmp(e->msg, "printk ring buffer: cannot read 8 bytes"),
	   "errors carry and wrap messages");
	terr_free(e);
	ok(terr_wrap(NULL, "x") == NULL, "wrapping no error is no error");
}

static void test_regs(void)
{
	uint64_t g[34];
	struct regs r;
	int i;

	for (i = 0; i < 34; i++)
		g[i] = 0x1000 + i;
	arch_arm64.regs_from_prstatus(g, 34, &r);
	ok(r.fp == 0x1000 + 29 && r.lr == 0x1000 + 30 && r.sp == 0x1000 + 31 &&
	   r.pc == 0x1000 + 32 && r.has_lr && r.n == 34, "arm64 PRSTATUS registers");
	arch_arm64.regs_from_prstatus(g, 10, &r);
	ok(r.pc == 0 && !r.has_lr && r.n == 10, "short register set: no PC");
	ok(arch_by_name("aarch64") == &arch_arm64 && !arch_by_name("x86_64") && !arch_by_name(NULL),
	   "architectures by name");
}

static void test_arch_ptrs(void)
{
	const uint64_t mask = 0x007f800000000000ull;	/* KERNELPACMASK, 39-bit VAs */
	const uint64_t kaddr = 0xffffffc008123456ull, uaddr = 0x0000007fdb21cf10ull;

	ok(arch_arm64.call_site(0xffffffc008001004ull) == 0xffffffc008001000ull,
	   "arm64: the call site of a return address is 4 bytes back");
	ok(arch_arm64.strip_code_ptr((kaddr & ~mask) | 0x0012800000000000ull, mask) == kaddr,
	   "arm64: a signed kernel return address is restored (PAC bits set)");
	ok(arch_arm64.strip_code_ptr(uaddr | 0x0012000000000000ull, mask) == uaddr,
	   "arm64: a signed user address is restored (PAC bits cleared)");
	ok(arch_arm64.strip_code_ptr(kaddr, 0) == kaddr, "arm64: no KERNELPACMASK, no change");
}

/* Renders @r as text into a malloc'd string. */
static char *render(const struct report *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	report_text(r, f);
	fclose(f);
	return buf;
}

static void test_report(void)
{
	static struct report r;
	char *out;

	memset(&r, 0, sizeof(r));
	r.case_nr = -1;
	r.panic_cpu = 2;
	r.pid = 55;
	r.log_ok = true;
	snprintf(r.comm, sizeof(r.comm), "ev\x1b]0;pwned\x07il");
	snprintf(r.release, sizeof(r.release), "6.1\x9b" "2J");
	snprintf(r.panic_message, sizeof(r.panic_message), "Oops\r\nfake: line");
	r.have_preempt = true;
	r.preempt_count = 1;
	r.preempt_crash_path = 1;
	snprintf(r.preempt_why, sizeof(r.preempt_why), "+1 for die()'s die_lock");
	out = render(&r);
	ok(out && !strchr(out, 0x1b) && !strchr(out, 0x07) && !strchr(out, '\r') &&
	   !strchr(out, (char)0x9b), "text report: no control bytes from the dump reach the terminal");
	ok(out && strstr(out, "task:          ev\\x1b]0;pwned\\x07il (pid 55)") &&
	   strstr(out, "release:       6.1\\x9b2J") && strstr(out, "Oops\\x0d\\x0afake: line"),
	   "text report: comm, release and log text escaped as \\xNN");
	ok(out && strstr(out, "preempt count 0x0 [0x1 in the dump, with +1 for die()'s die_lock]") &&
	   !strstr(out, "spinlock held"),
	   "text report: the failing context's preempt count, the crash path's share named");
	free(out);
	r.preempt_count = 2;
	r.preempt_crash_path = 1;
	out = render(&r);
	ok(out && strstr(out, "preempt count 0x1 (preemption disabled"),
	   "text report: a count left after the crash path's share means preemption was off");
	free(out);
	r.log_ok = false;
	snprintf(r.log_error, sizeof(r.log_error), "printk ring buffer holds no readable record");
	r.panic_message[0] = '\0';
	out = render(&r);
	ok(out && strstr(out, "(UNREADABLE: printk ring buffer holds no readable record)") &&
	   strstr(out, "panic message: (unknown: the kernel log is unreadable)"),
	   "text report: an unreadable log is marked, not fatal");
	free(out);
}

int main(void)
{
	tap_plan(67);
	test_esr();
	test_verdicts();
	test_cases();
	test_text();
	test_regs();
	test_arch_ptrs();
	test_report();
	return tap_done();
}

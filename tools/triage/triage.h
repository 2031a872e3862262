/* SPDX-License-Identifier: GPL-2.0 */
/*
 * triage: reads a Linux vmcore (ELF or kdump-compressed, through
 * libkdumpfile) with the matching vmlinux (symbols from its ELF symbol table,
 * struct layouts from its DWARF, through libelf/libdw) and says what failed,
 * where, on which CPU, in which task.
 *
 * Files: main.c (command line), analyze.c (what to read, in which order),
 * dump.c (libkdumpfile), vmlinux.c (symbols and DWARF), printk.c (the
 * lockless printk ring buffer of 5.10+), classify.c (pure text rules: verdict,
 * case, panic message, symbol+offset), report.c (text and JSON), and one file
 * per architecture behind struct arch_ops (arch_arm64.c).
 *
 * Multi-byte values in the dump are read in host byte order: analyze.c
 * refuses a dump whose byte order (libkdumpfile's arch.byte_order) is not
 * the host's, so no other file has to care.
 */
#ifndef TRIAGE_H
#define TRIAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "err.h"

#define TRIAGE_MAX_CPUS 64
#define TRIAGE_MAX_FRAMES 48
#define TRIAGE_TAIL_LINES 15
#define TRIAGE_SYM_LEN 128

/* ---- vmlinux: symbols and types ---- */
struct vmlinux;

struct vsym {
	const char *name;
	uint64_t addr;		/* link-time address */
	uint64_t size;
	bool func;
};

struct terr *vml_open(const char *path, struct vmlinux **out);
void vml_close(struct vmlinux *vm);
int vml_machine(const struct vmlinux *vm);		/* ELF e_machine */
const char *vml_build_id(const struct vmlinux *vm);	/* hex, "" if none */
void vml_set_offset(struct vmlinux *vm, uint64_t kaslr_offset);
uint64_t vml_offset(const struct vmlinux *vm);
/* Runtime (relocated) address of a symbol; false if there is none. */
bool vml_sym_addr(const struct vmlinux *vm, const char *name, uint64_t *addr);
/* The symbol holding runtime address @addr (functions only if @text). */
const struct vsym *vml_sym_at(const struct vmlinux *vm, uint64_t addr, bool text);
/*
 * Offset and size of member @path ("a.b.c", anonymous structs and unions
 * are looked through) of struct @type. @hint names a function whose
 * compilation unit defines the struct (it is searched first; then all).
 */
struct terr *vml_member(struct vmlinux *vm, const char *type, const char *hint,
			const char *path, size_t *off, size_t *size);
struct terr *vml_sizeof(struct vmlinux *vm, const char *type, const char *hint,
			size_t *size);

/* ---- the dump ---- */
struct dump;

struct terr *dump_open(const char *path, struct dump **out);
void dump_close(struct dump *d);
struct terr *dump_read(struct dump *d, uint64_t vaddr, void *buf, size_t len);
/* VMCOREINFO value of @key (malloc'd), or NULL. */
char *dump_vmcoreinfo(struct dump *d, const char *key);
const char *dump_arch(struct dump *d);
/* PRSTATUS notes in the file, in file order (no CPU numbers on arm64). */
unsigned int dump_nr_notes(struct dump *d);
/* Copies note @i (at most *len bytes) into @buf; sets *len. */
struct terr *dump_note(struct dump *d, unsigned int i, void *buf, size_t *len);
const char *dump_format(struct dump *d);
/* true if the dump's byte order is known and differs from the host's. */
bool dump_foreign_byte_order(struct dump *d);
/* Size of the dump file in bytes (bounds what triage allocates). */
uint64_t dump_file_size(struct dump *d);

/* ---- architecture ---- */
struct esr_info {
	uint64_t value;
	unsigned int ec;
	const char *ec_name;
	unsigned int il;	/* instruction length in bits: 16 or 32 */
	uint32_t iss;
	int fsc;		/* fault status code, -1 if the class has none */
	const char *fsc_kind;	/* "DFSC" or "IFSC" */
	const char *fsc_name;
	int wnr;		/* data aborts: 1 write, 0 read; -1 otherwise */
};

struct regs {
	uint64_t r[40];
	unsigned int n;
	uint64_t pc, sp, fp, lr;
	bool has_lr;
};

struct frame {
	uint64_t pc;		/* as found (a return address or an exact PC) */
	bool exact;		/* exact PC: first frame or an exception return */
	uint64_t regs_at;	/* exception frames: the saved registers, else 0 */
	bool from_lr;		/* a leaf's caller, from the link register */
	char sym[TRIAGE_SYM_LEN];
};

struct target;

struct arch_ops {
	const char *name;		/* libkdumpfile arch.name */
	int elf_machine;
	/* Registers from the pr_reg array of an NT_PRSTATUS note. */
	void (*regs_from_prstatus)(const uint64_t *gregs, unsigned int n, struct regs *out);
	/* Walks the stack from @r; returns the number of frames filled. */
	unsigned int (*unwind)(struct target *t, const struct regs *r,
			       struct frame *frames, unsigned int max);
	/* Registers saved at an exception frame found by unwind(). */
	struct terr *(*regs_at)(struct target *t, uint64_t at, struct regs *out);
	/* Decodes an exception syndrome; false if it has no meaning here. */
	bool (*decode_esr)(uint64_t esr, struct esr_info *out);
	/* Log line prefix carrying the syndrome ("ESR = 0x"), or NULL. */
	const char *esr_tag;
	/* Member path of the preempt count in task_struct, or NULL. */
	const char *preempt_count_path;
	/* Register holding the first argument (a lock's address). */
	unsigned int arg0_reg;
	/*
	 * The address of the call instruction for return address @ret (a
	 * return address may point into the next function after a call to
	 * a noreturn function; symbolizing the call site avoids that).
	 */
	uint64_t (*call_site)(uint64_t ret);
	/*
	 * A code address as found in memory (a return address may carry a
	 * pointer-authentication code): the plain address. @pac_mask is
	 * VMCOREINFO's KERNELPACMASK, 0 when the kernel signs nothing.
	 */
	uint64_t (*strip_code_ptr)(uint64_t addr, uint64_t pac_mask);
	/* Arch-specific functions a CPU spins in while waiting for a spinlock
	 * (NULL-terminated, may be NULL); the generic ones are in analyze.c. */
	const char *const *spin_wait_fns;
};

extern const struct arch_ops arch_arm64;
const struct arch_ops *arch_by_machine(int elf_machine);
const struct arch_ops *arch_by_name(const char *name);

/* ---- the target: dump + vmlinux ---- */
typedef struct terr *(*tg_read_fn)(void *ctx, uint64_t addr, void *buf, size_t len);

struct target {
	struct dump *dump;
	struct vmlinux *vm;
	const struct arch_ops *arch;
	/* Memory reads go through @read when it is set (the fuzzers' mock
	 * memory), else to the dump. */
	tg_read_fn read;
	void *read_ctx;
	uint64_t pac_mask;	/* VMCOREINFO NUMBER(KERNELPACMASK), or 0 */
	uint64_t mem_budget;	/* bytes the kernel log may take (from the dump's size) */
	size_t arch_off[8];	/* the arch file's cached layout */
	int arch_state;		/* 0 not looked up, 1 found, -1 missing */
};

struct terr *tg_read(struct target *t, uint64_t addr, void *buf, size_t len);
struct terr *tg_u64(struct target *t, uint64_t addr, uint64_t *v);
struct terr *tg_u32(struct target *t, uint64_t addr, uint32_t *v);
/* Writes "name+0xoff/0xsize" (or the hex address) for @pc; @ret: at pc-4. */
void tg_symbolize(struct target *t, uint64_t pc, bool ret, char *buf, size_t len);

/* ---- the kernel log ---- */
struct logline {
	uint64_t seq;
	uint64_t ts_nsec;
	char *text;		/* one line, no newline */
};

struct klog {
	struct logline *lines;
	size_t n;
	size_t unreadable;	/* records skipped: unreadable or inconsistent */
	bool cut;		/* older records left out to bound memory */
};

struct terr *printk_read(struct target *t, struct klog *log);
void klog_free(struct klog *log);

/* ---- pure rules (classify.c) ---- */
enum verdict {
	V_UNKNOWN, V_PANIC, V_NULL_DEREF, V_SCHED_ATOMIC, V_SOFT_LOCKUP,
	V_HARD_LOCKUP, V_BUTTON,
};

const char *verdict_name(enum verdict v);
enum verdict classify_log(const char *const *lines, size_t n);
/* The p4ni9 case a log line names ("p4ni9: case N (name) triggered by"). */
int case_from_log(const char *const *lines, size_t n);
/* The p4ni9 case whose function is @func (a bare function name). */
int case_from_function(const char *func);
const char *case_name(int nr);
/* The line that says why the kernel died (a pointer into @lines), or NULL. */
const char *panic_message(const char *const *lines, size_t n);
/* Index of the last line to show in the log tail. */
size_t log_anchor(const char *const *lines, size_t n);
/* Finds "<tag>0x..." in @lines; true and the value if it is there. */
bool find_hex_after(const char *const *lines, size_t n, const char *tag, uint64_t *v);
/* The preempt count "BUG: scheduling while atomic: comm/pid/0x..." printed. */
bool find_atomic_preempt(const char *const *lines, size_t n, uint64_t *count);
/* "name+0xoff/0xsize" into @buf. */
void format_symoff(char *buf, size_t len, const char *name, uint64_t off, uint64_t size);
/* The function name of a "name+0x.../0x..." string, into @buf. */
void symoff_function(const char *symoff, char *buf, size_t len);
/* Parses "CPU: N PID: P Comm: C" lines; true if one was found (last one). */
bool find_cpu_pid_line(const char *const *lines, size_t n, int *cpu, int *pid);

/* ---- the report ---- */
struct cpu_report {
	int cpu;
	bool online;
	bool regs_saved;
	struct regs regs;
	int note_pid;		/* from the note, -1 if none */
	char pc[TRIAGE_SYM_LEN], lr[TRIAGE_SYM_LEN];
	struct frame frames[TRIAGE_MAX_FRAMES];
	unsigned int nframes;
	char comm[32];		/* the CPU's current task (runqueue) */
	int pid;
	char lock[2 * TRIAGE_SYM_LEN];	/* lock being spun on, if seen */
};

struct report {
	char release[65];
	char arch[16];
	char format[64];
	char build_id[48];
	bool build_id_match;
	enum verdict verdict;
	int case_nr;		/* -1 if none */
	char panic_message[256];
	int panic_cpu;		/* -1 if unknown */
	char comm[32];
	int pid;		/* -1 if unknown */
	int64_t preempt_count;	/* in the dump, -1 if unknown */
	bool have_preempt;
	/* What the crash path itself added to the count (die()'s die_lock,
	 * panic()'s preempt_disable()), and which functions did. */
	int64_t preempt_crash_path;
	char preempt_why[96];
	int64_t preempt_logged;	/* as "scheduling while atomic" printed it, or -1 */
	int nr_cpus;		/* possible CPUs */
	struct cpu_report cpus[TRIAGE_MAX_CPUS];
	char notes_mapping[64];	/* how notes were mapped to CPUs */
	struct frame bt[TRIAGE_MAX_FRAMES];
	unsigned int nbt;
	bool have_esr;
	struct esr_info esr;
	char *tail[TRIAGE_TAIL_LINES];
	size_t ntail;
	char locks[2][3 * TRIAGE_SYM_LEN];	/* locks seen held or awaited */
	unsigned int nlocks;
	char warnings[8][160];
	unsigned int nwarnings;
	bool log_ok;		/* false: the kernel log could not be read */
	char log_error[160];
};

/* Reads and analyses @dump with @vmlinux; fills @r. */
struct terr *triage_run(const char *dump, const char *vmlinux, struct report *r);
/* The same with an open vmlinux (kept open across dumps by the fuzzer). */
struct terr *triage_analyze(const char *dump, struct vmlinux *vm, struct report *r);
/* The same with memory reads through @read (@ctx) instead of the dump's. */
struct terr *triage_analyze_with(const char *dump, struct vmlinux *vm, tg_read_fn read,
				 void *ctx, struct report *r);
/* Writes @s with control characters, DEL and non-ASCII bytes escaped
 * (\xNN): text from the dump cannot drive the terminal. */
void put_escaped(FILE *out, const char *s);
void report_free(struct report *r);
void report_text(const struct report *r, FILE *out);
void report_json(const struct report *r, FILE *out);

#endif

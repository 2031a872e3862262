# SPDX-License-Identifier: GPL-2.0
"""drgn on a lab dump, with the facts triage reports one call away.

usage: python3 drgn_triage.py DUMP VMLINUX [--facts | SCRIPT [ARG...]]
(./dumpable drgn DUMP [--facts | SCRIPT [ARG...]] runs it)

Opens DUMP with drgn (Debian 12's python3-drgn 0.0.22 reads ELF vmcores
and, built with libkdumpfile, the kdump-compressed files the lab saves),
loads VMLINUX, and then:
  --facts   prints the facts and exits
  SCRIPT    runs SCRIPT with prog and the helpers below in its globals
  nothing   an interactive Python prompt (python3 -i) with prog, drgn's
            Linux helpers and:
    facts()          release, panic message, panic CPU, task, preempt
                     count, each CPU's current task and stack trace
    cpu_task(cpu)    the task a CPU was running (its runqueue's curr)
    cpu_trace(cpu)   that task's stack trace
    log(n=20)        the last n lines of the kernel log
The stack traces are drgn's own unwinding, not triage's: the two are
independent readings of the same dump.
"""
import signal
import sys

import drgn
from drgn import Object, cast, container_of  # noqa: F401 (for the prompt)
from drgn.helpers.linux import *  # noqa: F401,F403 (for the prompt)
from drgn.helpers.linux.cpumask import for_each_online_cpu, for_each_possible_cpu
from drgn.helpers.linux.percpu import per_cpu
from drgn.helpers.linux.printk import get_printk_records

prog = None

# What makes the log line that says why the kernel died.
MARKERS = ("Kernel panic - not syncing", "Unable to handle kernel", "BUG: ", "soft lockup",
           "hard LOCKUP", "rcu: INFO:", "Internal error:")


def _printable(b):
    """Text from the dump with control characters escaped (as triage does)."""
    if isinstance(b, bytes):
        b = b.decode("utf-8", "replace")
    return "".join(c if c.isprintable() or c == "\t" else "\\x%02x" % ord(c) for c in b)


def cpu_task(cpu):
    return per_cpu(prog["runqueues"], cpu).curr


def note_regs(cpu):
    """The registers a CPU saved in its crash note (as struct pt_regs), or
    None when it saved none. Read where the kernel wrote them, as triage
    does: per_cpu_ptr(crash_notes, cpu) holds an ELF note (Elf64_Nhdr, the
    name "CORE" padded to 8 bytes, then struct elf_prstatus), whose pr_reg
    has the layout of arm64's struct pt_regs up to pstate."""
    from drgn import offsetof
    from drgn.helpers.linux.percpu import per_cpu_ptr

    note = per_cpu_ptr(prog["crash_notes"], cpu).value_()
    namesz, descsz, ntype = (int.from_bytes(prog.read(note + i, 4), "little") for i in (0, 4, 8))
    if ntype != 1 or not descsz:  # NT_PRSTATUS
        return None
    desc = note + 12 + ((namesz + 3) & ~3)
    reg = desc + offsetof(prog.type("struct elf_prstatus"), "pr_reg")
    return Object(prog, "struct pt_regs", address=reg)


def cpu_trace(cpu):
    """The stack trace of what @cpu was doing: from its crash note's
    registers when it saved any (drgn 0.0.22 cannot always match a note to
    the running task), else drgn's own view of the CPU's current task."""
    try:
        regs = note_regs(cpu)
    except (drgn.FaultError, LookupError, ValueError):
        regs = None
    if regs is not None:
        return prog.stack_trace(regs)
    return prog.stack_trace(cpu_task(cpu))


def _frames(trace):
    names = []
    for frame in trace:
        try:
            pc = frame.pc
        except (LookupError, ValueError):  # drgn could not unwind further
            names.append("??? (drgn 0.0.22 unwinds no further)")
            break
        if pc == 0:  # no registers in the dump: a CPU the crash did not stop
            names.append("0x0 (no registers saved for this CPU)")
            break
        try:
            name = prog.symbol(pc - (0 if frame.interrupted else 1)).name
        except (LookupError, ValueError, OverflowError):
            name = hex(pc)
        if not names or names[-1] != name:
            names.append(name)
    return names


def log(n=20):
    recs = get_printk_records(prog)
    for r in recs[-n:]:
        print("[%5d.%06d] %s" % (r.timestamp // 10**9, r.timestamp % 10**9 // 1000,
                                 _printable(r.text)))


def facts(out=sys.stdout):
    p = lambda *a: print(*a, file=out)  # noqa: E731
    p("release:       %s" % _printable(prog["init_uts_ns"].name.release.string_()))
    try:
        lines = [_printable(r.text) for r in get_printk_records(prog)]
    except Exception as e:  # a damaged log: say so and go on
        lines = []
        p("kernel log:    unreadable (%s)" % e)
    msg = next((l for l in reversed(lines) if l.startswith("Kernel panic - not syncing")), None)
    for l in lines if msg is None else []:
        if any(m in l for m in MARKERS):
            msg = l
            break
    p("panic message: %s" % (msg or "(none found)"))
    panic_cpu = int(prog["panic_cpu"].counter) if "panic_cpu" in prog else -1
    p("panic CPU:     %s" % (panic_cpu if panic_cpu >= 0 else "unknown"))
    if panic_cpu >= 0:
        t = cpu_task(panic_cpu)
        p("task:          %s (pid %d), preempt count 0x%x in the dump" %
          (_printable(t.comm.string_()), int(t.pid), int(t.thread_info.preempt_count) & 0xffffffff))
    online = set(for_each_online_cpu(prog))
    for cpu in for_each_possible_cpu(prog):
        t = cpu_task(cpu)
        p("CPU %d: %s, current %s/%d" % (cpu, "online" if cpu in online else "offline",
                                         _printable(t.comm.string_()), int(t.pid)))
        try:
            for i, name in enumerate(_frames(cpu_trace(cpu))):
                p("    #%-2d %s" % (i, name))
        except (drgn.FaultError, ValueError, LookupError, OverflowError) as e:
            p("    (no stack trace: %s)" % e)
    p("kernel log, last lines:")
    for l in lines[-8:]:
        p("  " + l)


def main():
    global prog
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # | head: no traceback
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    dump, vmlinux = sys.argv[1], sys.argv[2]
    prog = drgn.Program()
    prog.set_core_dump(dump)
    prog.load_debug_info([vmlinux])
    globals()["prog"] = prog
    rest = sys.argv[3:]
    if rest and rest[0] == "--facts":
        facts()
        sys.exit(0)
    if rest:
        sys.argv = rest
        g = dict(globals())
        g["__name__"] = "__main__"
        with open(rest[0]) as f:
            code = compile(f.read(), rest[0], "exec")
        exec(code, g)
        sys.exit(0)
    print("drgn %s on %s\nprog, facts(), cpu_task(cpu), cpu_trace(cpu), log(n) are defined."
          % (drgn.__version__, dump))


main()

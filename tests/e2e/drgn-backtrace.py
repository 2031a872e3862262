# SPDX-License-Identifier: GPL-2.0
"""drgn's view of one CPU's current task, for tests/e2e/triage-check.

usage: /usr/bin/python3 drgn-backtrace.py DUMP VMLINUX CPU [crashed]

Prints "pid N", "comm NAME", then "frame FUNCTION" for each frame of the
task's stack trace (function names from the ELF symbol table, return
addresses looked up at pc - 1, consecutive inline frames merged), and
"stop REASON" if drgn stopped early. With "crashed", prints only what
prog.crashed_thread() says (it can crash the interpreter: run it apart).
"""
import sys

import drgn
from drgn.helpers.linux.percpu import per_cpu


def main():
    dump, vmlinux, cpu = sys.argv[1], sys.argv[2], int(sys.argv[3])
    prog = drgn.Program()
    prog.set_core_dump(dump)
    prog.load_debug_info([vmlinux])
    if len(sys.argv) > 4 and sys.argv[4] == "crashed":
        t = prog.crashed_thread()
        print("crashed_thread", t.tid)
        return
    task = per_cpu(prog["runqueues"], cpu).curr
    print("pid", int(task.pid))
    print("comm", task.comm.string_().decode(errors="replace"))
    last_pc = None
    try:
        for frame in prog.stack_trace(task):
            try:
                pc = frame.pc
            except LookupError:
                print("stop unknown PC")
                break
            if pc == last_pc:
                continue  # inline frames share the PC
            last_pc = pc
            look = pc if frame.interrupted else pc - 1
            try:
                name = prog.symbol(look).name
            except LookupError:
                name = "0x%x" % pc
            print("frame", name)
    except Exception as e:  # noqa: BLE001 - report, do not hide
        print("stop", type(e).__name__, e)


main()

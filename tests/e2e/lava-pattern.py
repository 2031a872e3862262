#!/usr/bin/python3
# lava-pattern.py DUMP-JOB.yaml SURVIVED-JOB.yaml FIXTURES: the monitor of
# the generated LAVA jobs, applied as LAVA's lava-test-monitor applies it
# (start, then the earliest of end or pattern, fixupdict, the test case id
# lower-cased with non-word runs as "_"), to the real console logs the lab
# runner's unit tests keep (tests/unit/fixtures). For each log, LAVA's verdict
# (every test case jobs.tsv wants passed, none failed) must be the lab's
# verdict on the same log (tests/unit/test_lab.c's table). TAP.
import os
import re
import sys

import yaml

# fixture, the job it is a run of (dump or survived), does the lab's verdict pass
CASES = [
    ("panic", "dump", True),
    ("null-deref", "dump", True),
    ("lock-unlock", "survived", True),
    ("leak-lock-smp1", "dump", True),
    ("double-lock", "dump", True),
    ("irqoff-nmi-smp1", "dump", True),
    ("irqoff-watchdog", "dump", True),
    ("irqoff-gicv2", "dump", True),
    ("boot-never", "dump", False),
    ("enosys", "survived", False),
    ("capture-failed", "dump", False),
    ("irqoff-hung", "dump", False),
]
WANT = {
    "dump": ["armed", "trigger_case", "capture_kernel_up", "saved"],
    "survived": ["armed", "trigger_case", "p4ni9_returned_exit_status_0", "survived"],
}


def monitor(job, text):
    m = job["actions"][2]["test"]["monitors"][0]
    start = re.search(m["start"], text)
    results = {}
    if not start:
        return results
    pos = start.end()
    pattern, end = re.compile(m["pattern"]), re.compile(m["end"])
    while True:
        e, p = end.search(text, pos), pattern.search(text, pos)
        if e and (not p or e.start() <= p.start()):
            break
        if not p:
            break
        g = p.groupdict()
        result = m["fixupdict"].get(g["result"], g["result"])
        if result in ("pass", "fail", "skip", "unknown"):
            case = re.sub(r"\W+", "_", g["test_case_id"].strip().lower())
            results.setdefault(case, []).append(result)
        pos = p.end()
    return results


def main(dump_job, survived_job, fixtures):
    jobs = {}
    for kind, path in (("dump", dump_job), ("survived", survived_job)):
        with open(path) as f:
            jobs[kind] = yaml.safe_load(f)
    print("1..%d" % len(CASES))
    bad = 0
    for n, (name, kind, lab_pass) in enumerate(CASES, 1):
        with open(os.path.join(fixtures, name + ".console"), errors="replace") as f:
            text = f.read()
        res = monitor(jobs[kind], text)
        failed = [c for c, r in res.items() if "fail" in r]
        lava_pass = not failed and all("pass" in res.get(c, []) for c in WANT[kind])
        ok = lava_pass == lab_pass
        bad += not ok
        got = ",".join("%s=%s" % (c, "/".join(r)) for c, r in res.items()) or "none"
        print("%s %d - fixture %s (a %s job): LAVA %s as the lab does (%s)"
              % ("ok" if ok else "not ok", n, name, kind, "passes" if lab_pass else "fails", got))
    return 1 if bad else 0


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit("usage: lava-pattern.py DUMP-JOB.yaml SURVIVED-JOB.yaml FIXTURES")
    sys.exit(main(*sys.argv[1:]))

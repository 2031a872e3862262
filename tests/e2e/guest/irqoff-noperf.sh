# Runs in the lab guest (./dumpable run double-lock-irqoff --watchdog off
# --press-button-after S --exec): dumpwatch's perf NMI off, then case 5 on
# CPU 3. Only the crash-stop IPI, sent as a pseudo-NMI, can then stop CPU 3
# and save its registers when the button panics the machine.
P=/sys/module/dumpwatch/parameters
echo N >$P/perf
echo "check: dumpwatch perf NMI off: perf $(cat $P/perf), nmi $(cat $P/nmi), enabled $(cat $P/enabled)"
taskset 8 p4ni9 raw 5
echo "check: p4ni9 raw 5 returned: $?"

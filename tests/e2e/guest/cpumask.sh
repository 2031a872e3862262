# Runs in the lab guest (./dumpable run lock-unlock --press-button-after S
# --exec): CPU 3 taken out of kernel.watchdog_cpumask (as nohz_full CPUs are
# by default), dumpwatch at a 2 s threshold following kernel.watchdog_thresh,
# then case 5 on CPU 3. dumpwatch must leave CPU 3 alone: no hard LOCKUP and
# no late heartbeat reported for it; only the button ends the run.
P=/sys/module/dumpwatch/parameters
echo 0 >$P/thresh
echo 2 >/proc/sys/kernel/watchdog_thresh
echo 0-2 >/proc/sys/kernel/watchdog_cpumask
echo "check: watchdog_cpumask $(cat /proc/sys/kernel/watchdog_cpumask), watchdog_thresh $(cat /proc/sys/kernel/watchdog_thresh), dumpwatch.thresh $(cat $P/thresh), enabled $(cat $P/enabled)"
taskset 8 p4ni9 raw 5
echo "check: p4ni9 raw 5 returned: $?"

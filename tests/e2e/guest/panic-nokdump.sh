# Runs in the lab guest (./dumpable run lock-unlock --timeout S --exec): no
# crash kernel, panic=0 (panic() then waits for ever with interrupts on, the
# other CPUs stopped), dumpwatch at 1 s. The stopped CPUs stop beating:
# dumpwatch must not call that a lockup, nor panic a second time.
kexec -s -p -u 2>/dev/null || kexec -p -u
echo "check: crash kernel loaded: $(cat /sys/kernel/kexec_crash_loaded)"
echo 1 >/sys/module/dumpwatch/parameters/thresh
echo 0 >/proc/sys/kernel/panic
p4ni9 raw 0

# Runs in the lab guest (./dumpable run lock-unlock --exec): calls p4ni9 in
# ways the kernel must refuse, and prints one "check:" line per call.
check() {  # NAME EXPECTED-EXIT COMMAND...
	name=$1 want=$2
	shift 2
	"$@" >/tmp/out 2>&1
	got=$?
	echo "check: $name: want exit $want, got $got: $(tr '\n' ' ' </tmp/out)"
}
check "raw -1 gets EINVAL" 6 p4ni9 raw -1
check "raw 6 gets EINVAL" 6 p4ni9 raw 6
check "raw INT_MIN gets EINVAL" 6 p4ni9 raw -2147483648
check "raw INT_MAX gets EINVAL" 6 p4ni9 raw 2147483647
check "unprivileged user gets EPERM" 5 su -s /bin/sh nobody -c "p4ni9 raw 0"
check "root in a new user namespace gets EPERM" 5 unshare -U -r p4ni9 raw 0
check "unprivileged user gets EPERM for an invalid case too" 5 su -s /bin/sh nobody -c "p4ni9 raw 6"
check "status runs" 0 p4ni9 status
check "no crash kernel needed for lock-unlock" 0 p4ni9 lock-unlock
echo "check: kernel still healthy: $(cat /proc/sys/kernel/tainted) taint"

# Runs in the lab guest (./dumpable run lock-unlock --exec): the arm64 triage
# in the main initramfs loads with its libraries and runs. (A whole triage
# in the guest needs the kernel's vmlinux with debug info there: ~70 MB,
# more than the initramfs should carry.) One "check:" line per call.
check() {  # NAME EXPECTED-EXIT COMMAND...
	name=$1 want=$2
	shift 2
	"$@" >/tmp/out 2>&1
	got=$?
	echo "check: $name: want exit $want, got $got: $(head -c 300 /tmp/out | tr '\n' ' ')"
}
check "triage --help runs" 0 triage --help
check "triage refuses a vmlinux that is not one, in one line" 1 \
	sh -c 'triage /init --vmlinux /init 2>&1 | wc -l | grep -qx 1 && triage /init --vmlinux /init'
check "triage refuses a missing dump" 1 triage /nonexistent --vmlinux /usr/bin/triage

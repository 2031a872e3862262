# Shared by the lab's scripts (sourced, POSIX sh).
# Where expensive results live: outside the checkout, shared by clones.
CACHE=${DUMPABLE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/dumpable-kernel}
BUILD=${DUMPABLE_BUILD:-$ROOT/build}

log() { echo "[dumpable] $*" >&2; }

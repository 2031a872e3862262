# Shared by the lab's scripts (sourced, POSIX sh).
# Where expensive results live: outside the checkout, shared by clones.
CACHE=${DUMPABLE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/dumpable-kernel}
BUILD=${DUMPABLE_BUILD:-$ROOT/build}

log() { echo "[dumpable] $*" >&2; }

# The Debian source of the installed linux-source-6.1, as build-kernel
# unpacks it (the directory may not exist yet).
pristine_src() {
	echo "$CACHE/kernel/pristine-$(dpkg-query -W -f '${Version}' linux-source-6.1 2>/dev/null)/linux-source-6.1"
}

# copy_pristine SRC DEST PATCH...: copies from SRC to DEST the files the
# patches change, each once, as they are before any patch.
copy_pristine() {
	_cp_src=$1 _cp_dest=$2
	shift 2
	for _cp_p in "$@"; do
		for _cp_f in $(sed -n 's|^+++ b/\([^	 ]*\).*|\1|p' "$_cp_p"); do
			if [ -f "$_cp_src/$_cp_f" ] && [ ! -f "$_cp_dest/$_cp_f" ]; then
				mkdir -p "$_cp_dest/$(dirname "$_cp_f")"
				cp "$_cp_src/$_cp_f" "$_cp_dest/$_cp_f"
			fi
		done
	done
}

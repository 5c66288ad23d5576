# Helpers shared by the end-to-end tests. Each test is a function test_NAME
# in a tests/e2e/*.sh file; tests/run calls it in a fresh bash with `set -eu`
# under a timeout. A test fails by exiting non-zero; fail() says why.
# ZS_BIN: the directory of the binaries under test. T: a scratch directory.

fail() {
	echo "FAILED: $*" >&2
	exit 1
}

# expect_eq WHAT GOT WANT
expect_eq() {
	[ "$2" = "$3" ] || fail "$1: got '$2', want '$3'"
}

# expect_error "CMD..." PATTERN: exits non-zero, prints nothing on stdout,
# exactly one line on stderr, and that line matches PATTERN (grep -E).
expect_error() {
	local pattern=$1
	shift
	local rc=0
	"$@" >"$T/err.out" 2>"$T/err.err" || rc=$?
	[ "$rc" -ne 0 ] || fail "'$*' exited 0"
	[ ! -s "$T/err.out" ] || fail "'$*' wrote to stdout: $(head -c 200 "$T/err.out")"
	[ "$(wc -l <"$T/err.err")" -eq 1 ] || fail "'$*': want one line on stderr, got: $(cat "$T/err.err")"
	grep -Eq -- "$pattern" "$T/err.err" || fail "'$*': stderr '$(cat "$T/err.err")' lacks /$pattern/"
	echo "  $(cat "$T/err.err")  [exit $rc]"
}

sorted() {
	LC_ALL=C sort "$@"
}

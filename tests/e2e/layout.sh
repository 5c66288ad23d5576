# The library's layers (README, Layout): each file of common/ includes only
# its own layer and those before it (util, core, net, probe, tool: the
# tools' own helpers come last), and names the layer in every include.

# The includes under ROOT/common that break the layering, one word each.
layer_violations() { # ROOT
	declare -A allowed=([util]="util" [core]="util core" [net]="util core net"
		[probe]="util core net probe" [tool]="util core net probe tool")
	local bad="" f layer inc
	for f in "$1"/common/*/*.[ch] "$1"/common/*/*/*.[ch]; do
		[ -e "$f" ] || continue
		# the layer is the first folder under common/ (probe/answer/ is probe)
		layer=${f#"$1"/common/}
		layer=${layer%%/*}
		[ -n "${allowed[$layer]:-}" ] || bad="$bad ${f#"$1"/}:unknown-layer"
		for inc in $(sed -n 's/^#include "\([a-z_]*\)\/.*/\1/p' "$f"); do
			[[ " ${allowed[$layer]:-} " == *" $inc "* ]] || bad="$bad ${f#"$1"/}:$inc"
		done
		# a bare include finds a file of the same folder without naming it
		if grep -q '^#include "[a-z_]*\.h"' "$f"; then bad="$bad ${f#"$1"/}:bare"; fi
	done
	echo "${bad# }"
}

test_layout_layers_include_only_upward() {
	expect_eq "includes against the layers" "$(layer_violations .)" ""
	# the check finds each kind of fault in a planted tree
	mkdir -p "$T/tree/common/core/addr" "$T/tree/common/util" "$T/tree/common/extra"
	printf '#include "probe/probe.h"\n#include "util/zerr.h"\n' >"$T/tree/common/core/a.c"
	printf '#include "zerr.h"\n' >"$T/tree/common/util/b.h"
	: >"$T/tree/common/extra/c.c"
	# a subfolder belongs to its layer: core/addr/ may not include net/
	printf '#include "core/x.h"\n#include "net/frame.h"\n' >"$T/tree/common/core/addr/d.c"
	expect_eq "planted faults" "$(layer_violations "$T/tree")" \
		"common/core/a.c:probe common/extra/c.c:unknown-layer common/util/b.h:bare common/core/addr/d.c:net"
}

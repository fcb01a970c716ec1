#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Markdown table from `daxstress vm` reports: one row per kernel and case,
# one column per filesystem. The cell is
#   (default) "verdict (stall noticed s / verdict s)"; a known issue that
#             reproduced shows as "xfail:<measured verdict>";
#   --pmd     the PMD proof: "2M faults / PTE fallbacks" counted on the case
#             file by the fs_dax:dax_pmd_fault_done tracepoint ("-" when not
#             counted or skipped).
# Usage: scripts/results-table.sh [--pmd] REPORT.json...
cell='(if .verdict == "xfail" then "xfail:" + .raw_verdict else .verdict end)
      + (if .detect_s == null then "" else " (\(.detect_s) / \(.verdict_s) s)" end)'
if [ "${1:-}" = --pmd ]; then
	shift
	cell='(.mapping.pmd // {}) as $p
	      | if .verdict == "skip" or ($p.counted | not) then "-"
		else "\($p.faults) / \($p.fallbacks)"
		     + (if $p.expected and $p.fell_back_to_pte then " (meant PMD: PTE only)" else "" end)
		end'
fi
[ $# -gt 0 ] || { echo "usage: $0 [--pmd] REPORT.json..." >&2; exit 2; }
jq -rs "
  [ .[] | .kernel_release as \$k | (.filesystems // {}) | to_entries[] | .key as \$fs
    | (.value.result.cases // [])[]
    | { k: \$k, fs: \$fs, c: .suite_case, v: ($cell) } ]
  | (map(.fs) | unique) as \$fss
  | \"| kernel | case | \" + (\$fss | join(\" | \")) + \" |\",
    \"|---|---|\" + (\$fss | map(\"---|\") | join(\"\")),
    ( group_by([.k, .c])[]
      | . as \$g
      | \"| \\(\$g[0].k) | \\(\$g[0].c) | \"
        + (\$fss | map(. as \$f | (\$g | map(select(.fs == \$f)) | .[0]) as \$r
                      | if \$r == null then \"-\" else \$r.v end) | join(\" | \"))
        + \" |\" )
" "$@"

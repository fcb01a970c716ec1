#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Markdown table from `daxstress vm` reports: one row per kernel and case,
# one column per filesystem, "verdict (stall noticed s / verdict s)".
# A known issue that reproduced shows as "xfail:<measured verdict>".
# Usage: scripts/results-table.sh REPORT.json...
[ $# -gt 0 ] || { echo "usage: $0 REPORT.json..." >&2; exit 2; }
jq -rs '
  [ .[] | .kernel_release as $k | (.filesystems // {}) | to_entries[] | .key as $fs
    | (.value.result.cases // [])[]
    | { k: $k, fs: $fs, c: .suite_case,
        v: (if .verdict == "xfail" then "xfail:" + .raw_verdict else .verdict end),
        t: (if .detect_s == null then "" else " (\(.detect_s) / \(.verdict_s) s)" end) } ]
  | (map(.fs) | unique) as $fss
  | "| kernel | case | " + ($fss | join(" | ")) + " |",
    "|---|---|" + ($fss | map("---|") | join("")),
    ( group_by([.k, .c])[]
      | . as $g
      | "| \($g[0].k) | \($g[0].c) | "
        + ($fss | map(. as $f | ($g | map(select(.fs == $f)) | .[0]) as $r
                      | if $r == null then "-" else $r.v + $r.t end) | join(" | "))
        + " |" )
' "$@"

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Markdown table of the PMD proof from `daxstress vm` reports: per kernel and
# case, per filesystem "2M faults / PTE fallbacks" counted on the case file by
# the fs_dax:dax_pmd_fault_done tracepoint ("-" when not counted or skipped).
# Usage: scripts/pmd-table.sh REPORT.json...
[ $# -gt 0 ] || { echo "usage: $0 REPORT.json..." >&2; exit 2; }
jq -rs '
  [ .[] | .kernel_release as $k | (.filesystems // {}) | to_entries[] | .key as $fs
    | (.value.result.cases // [])[]
    | (.mapping.pmd // {}) as $p
    | { k: $k, fs: $fs, c: .suite_case,
        v: (if .verdict == "skip" or ($p.counted | not) then "-"
            else "\($p.faults) / \($p.fallbacks)"
                 + (if $p.expected and $p.fell_back_to_pte then " (meant PMD: PTE only)" else "" end)
            end) } ]
  | (map(.fs) | unique) as $fss
  | "| kernel | case | " + ($fss | join(" | ")) + " |",
    "|---|---|" + ($fss | map("---|") | join("")),
    ( group_by([.k, .c])[]
      | . as $g
      | "| \($g[0].k) | \($g[0].c) | "
        + ($fss | map(. as $f | ($g | map(select(.fs == $f)) | .[0]) as $r
                      | if $r == null then "-" else $r.v end) | join(" | "))
        + " |" )
' "$@"

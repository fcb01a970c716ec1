#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Render a daxstress HTML summary in a real browser (headless Chromium) and
# save a screenshot next to it, to look at: make html-shot [HTML=FILE].
# Needs chromium (apt-get install chromium); not part of make check.
html=${1:-results/latest/index.html}
out=${2:-${html%.html}.png}
if [ ! -f "$html" ]; then
	echo "html-shot: no $html: run daxstress vm (or daxstress run --html DIR) first" >&2
	exit 2
fi
browser=$(command -v chromium || command -v chromium-browser)
if [ -z "$browser" ]; then
	echo "html-shot: no chromium: apt-get install -y chromium" >&2
	exit 2
fi
abs=$(cd "$(dirname "$html")" && pwd)/$(basename "$html")
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars \
	--screenshot="$out" --window-size=1200,1600 "file://$abs" 2>/dev/null
[ -s "$out" ] || { echo "html-shot: chromium wrote no $out" >&2; exit 1; }
echo "html-shot: $out"

#!/bin/sh
# make_libreoffice_fixtures.sh - regenerates the LibreOffice-written fixtures
# in this directory from lo_source.fods (flat ODF spreadsheet, hand-written):
#   lo_sales.xlsx   the workbook as LibreOffice Calc writes .xlsx (a table at
#                   B2, dates, times, date-times, percentages, formulas with
#                   cached values, an error cell, a merged range, a hidden and
#                   an empty sheet)
#   lo_legacy.xls   the same as a legacy Excel 97-2003 workbook (BIFF8 in an
#                   OLE2 compound file), for the "legacy .xls" error
# Needs LibreOffice (apt-get install libreoffice-calc-nogui); CI does not:
# the outputs are committed. Tested with LibreOffice 7.4.7.2.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
soffice --headless --convert-to xlsx --outdir "$tmp" "$here/lo_source.fods" >/dev/null
soffice --headless --convert-to xls --outdir "$tmp" "$here/lo_source.fods" >/dev/null
cp "$tmp/lo_source.xlsx" "$here/lo_sales.xlsx"
cp "$tmp/lo_source.xls" "$here/lo_legacy.xls"
echo "wrote $here/lo_sales.xlsx $here/lo_legacy.xls"

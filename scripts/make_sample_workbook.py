#!/usr/bin/env python3
"""Makes samples/quarterly_sales.xlsx, the bundled Excel sample (committed;
this script records how it was made). Needs XlsxWriter (tests/requirements.txt).

Sheets: Q1 and Q2 share a header (a conversion combines them with a
sheet_name column), Targets has another header (its own output), Archive is
hidden, Empty has nothing. Dates, a time, a percentage, currency, a formula
with its cached value, an error cell and a merged title row are in it.
"""
import datetime as dt
import random
from pathlib import Path

import xlsxwriter

out = Path(__file__).resolve().parent.parent / "samples" / "quarterly_sales.xlsx"
rng = random.Random(7)
wb = xlsxwriter.Workbook(str(out))
date_f = wb.add_format({"num_format": "yyyy-mm-dd"})
time_f = wb.add_format({"num_format": "hh:mm"})
money_f = wb.add_format({"num_format": "#,##0.00 [$EUR]"})
pct_f = wb.add_format({"num_format": "0.0%"})
regions = ["North", "South", "East", "West"]
for q, start in (("Q1", dt.date(2026, 1, 1)), ("Q2", dt.date(2026, 4, 1))):
    ws = wb.add_worksheet(q)
    ws.merge_range(0, 0, 0, 6, f"Sales {q} 2026", wb.add_format({"bold": True}))
    ws.write_row(2, 0, ["order_id", "order_date", "region", "units", "unit_price", "discount", "total"])
    for i in range(40):
        r = 3 + i
        ws.write_number(r, 0, 1000 + i + (0 if q == "Q1" else 500))
        ws.write_datetime(r, 1, dt.datetime.combine(start + dt.timedelta(days=2 * i), dt.time()), date_f)
        ws.write_string(r, 2, regions[i % 4])
        units, price, disc = rng.randint(1, 50), round(rng.uniform(2, 90), 2), rng.choice([0, 0.05, 0.1])
        ws.write_number(r, 3, units)
        ws.write_number(r, 4, price, money_f)
        ws.write_number(r, 5, disc, pct_f)
        # the cached value a spreadsheet application would store
        ws.write_formula(r, 6, f"=D{r + 1}*E{r + 1}*(1-F{r + 1})", money_f,
                         round(units * price * (1 - disc), 2))
    ws.write_formula(3 + 40, 6, "=1/0", None, "#DIV/0!")
ws = wb.add_worksheet("Targets")
ws.write_row(0, 0, ["region", "target_units", "review_at"])
for i, reg in enumerate(regions):
    ws.write_string(1 + i, 0, reg)
    ws.write_number(1 + i, 1, 400 + 25 * i)
    ws.write_datetime(1 + i, 2, dt.datetime(1899, 12, 31, 9 + i, 30), time_f)
arch = wb.add_worksheet("Archive")
arch.hide()
arch.write_row(0, 0, ["order_id", "order_date", "region", "units", "unit_price", "discount", "total"])
arch.write_row(1, 0, [1, None, "North", 3, 9.5, 0, 28.5])
wb.add_worksheet("Empty")
wb.close()
print(out)

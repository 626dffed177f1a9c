"""A ready-made mapping for the UCI "Online Retail II" export (a UK gift wholesaler, GBP).

Columns: `Invoice, StockCode, Description, Quantity, InvoiceDate, Price, Customer ID,
Country`. Invoices starting with `C` are cancellations; customer ids come as floats
(`13085.0`); some countries are not ISO names (`EIRE`, `RSA`). The non-product codes are the
postage, manual, discount, bank-charge, fee, adjustment, sample, test and gift-voucher lines
found in the 2009-2011 files::

    report = import_invoice_lines(uow, path, ONLINE_RETAIL_II, non_products=ONLINE_RETAIL_CHARGES)
"""

from __future__ import annotations

from wholesale_crm.imports.mapping import ColumnMapping, NonProductRule

__all__ = ["ONLINE_RETAIL_CHARGES", "ONLINE_RETAIL_II"]

ONLINE_RETAIL_II = ColumnMapping(
    invoice="Invoice",
    product="StockCode",
    description="Description",
    quantity="Quantity",
    day="InvoiceDate",
    unit_price="Price",
    customer="Customer ID",
    country="Country",
    default_currency="GBP",
    cancellation_prefix="C",
    customer_suffix=".0",
    country_aliases={"EIRE": "IE", "RSA": "ZA", "USA": "US", "Korea": "KR"},
)
"""The Online Retail II columns; every amount in GBP."""

ONLINE_RETAIL_CHARGES = NonProductRule(
    codes=frozenset(
        {
            "POST",
            "DOT",
            "M",
            "C2",
            "D",
            "S",
            "B",
            "CRUK",
            "BANK CHARGES",
            "AMAZONFEE",
            "ADJUST",
            "ADJUST2",
            "TEST001",
            "TEST002",
        }
    ),
    prefixes=("gift_",),
)
"""Stock codes of the Online Retail files that are charges or adjustments, not products.

Postage (`POST`, `DOT`, `C2` carriage), manual lines (`M`), discounts (`D`), samples (`S`),
bad debt (`B`), charity (`CRUK`), fees, adjustments, test lines and gift
vouchers (`gift_0001_20`, ...). Their rows are skipped and listed in the report.
"""

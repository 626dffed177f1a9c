"""Customer-specific pricing: price lists, the chain of lists per account, tiers, explanations.

Read in this order: `model` (lists and rules), `validation` (what a list must satisfy before it is
saved), `chain` (which lists apply to an account, and in what order), `tiers` (range and slab
schedules), `exchange` (currency conversion), `engine` (rule precedence and computation),
`pricer` (the public `Pricer`), `explain` (why a price is what it is), `quotes`.
"""

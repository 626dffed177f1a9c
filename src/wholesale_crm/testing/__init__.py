"""Test support for the library and its users: the adapter conformance suite.

Import `wholesale_crm.testing.conformance` in your own tests and subclass its contracts to check
an adapter you wrote; it needs pytest installed.
"""

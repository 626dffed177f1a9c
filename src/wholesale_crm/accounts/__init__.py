"""Accounts: customer businesses, their hierarchy, sites, contacts, payment terms and credit."""

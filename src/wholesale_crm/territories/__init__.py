"""Territories: the tree, rule-based assignment, realignment, coverage history, visibility."""

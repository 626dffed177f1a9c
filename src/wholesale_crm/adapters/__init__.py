"""Storage adapters: `memory` (the reference, in process) and `sql` (SQLAlchemy)."""

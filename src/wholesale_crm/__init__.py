"""wholesale-crm: typed domain objects and services for wholesale and distribution CRM."""

from wholesale_crm._version import __version__

__all__ = ["__version__"]

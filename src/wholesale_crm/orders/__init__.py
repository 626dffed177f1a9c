"""Order, invoice and payment history: documents, statements and buying behaviour."""

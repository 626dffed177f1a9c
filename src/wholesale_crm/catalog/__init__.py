"""The product catalogue: products with packs and prices, and the category tree."""

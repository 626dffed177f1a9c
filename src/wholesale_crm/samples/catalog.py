"""Sample catalogue: a UK gift and homewares wholesaler, priced in GBP.

The products, SKUs and list prices are those of the Online Retail II data set the library is
tested on (a UK giftware wholesaler, 2009-2010); each is sold by the unit, in an inner pack of
the quantity its customers usually ordered, and in a case of several inner packs. The seed
decides the case sizes, the costs (45-65% of the list price) and which few products are
no longer sold.
"""

from __future__ import annotations

import random
from decimal import Decimal

from wholesale_crm.catalog.model import Category, Product
from wholesale_crm.ids import CategoryId, ProductId
from wholesale_crm.money import Money
from wholesale_crm.quantities import STANDARD_UNITS

__all__ = ["CATEGORY_ROWS", "PRODUCT_ROWS", "build"]

CATEGORY_ROWS: tuple[tuple[str, str, str | None], ...] = (
    ("HOME", "Home & Living", None),
    ("LIGHTING", "Lighting", "HOME"),
    ("TLIGHTS", "T-light Holders", "LIGHTING"),
    ("DECOR", "Decorations", "HOME"),
    ("SIGNS", "Signs", "DECOR"),
    ("DOORMATS", "Door Mats", "DECOR"),
    ("TEXTILES", "Textiles & Hot Water Bottles", "HOME"),
    ("KITCHEN", "Kitchen & Dining", None),
    ("BAKING", "Baking", "KITCHEN"),
    ("CAKE-CASES", "Cake Cases", "BAKING"),
    ("TABLEWARE", "Tableware", "KITCHEN"),
    ("BAGS", "Bags", None),
    ("SHOPPERS", "Shoppers & Jumbo Bags", "BAGS"),
    ("LUNCH-BAGS", "Lunch Bags", "BAGS"),
    ("PARTY", "Party & Play", None),
    ("BUNTING", "Bunting & Paper Chains", "PARTY"),
    ("GAMES", "Games & Crafts", "PARTY"),
)
"""(id, name, parent id) of each category: 4 at the top, 3 levels deep."""

PRODUCT_ROWS: tuple[tuple[str, str, str, str, int], ...] = (
    ("85123A", "White Hanging Heart T-Light Holder", "TLIGHTS", "2.95", 6),
    ("21733", "Red Hanging Heart T-Light Holder", "TLIGHTS", "2.95", 6),
    ("84970S", "Hanging Heart Zinc T-Light Holder", "TLIGHTS", "0.85", 12),
    ("22178", "Victorian Glass Hanging T-Light", "TLIGHTS", "1.25", 12),
    ("84978", "Hanging Heart Jar T-Light Holder", "TLIGHTS", "1.25", 12),
    ("71053", "White Metal Lantern", "LIGHTING", "3.75", 4),
    ("79323W", "White Cherry Lights", "LIGHTING", "6.75", 4),
    ("21731", "Red Toadstool LED Night Light", "LIGHTING", "1.65", 12),
    ("21754", "Home Building Block Word", "DECOR", "5.95", 3),
    ("21755", "Love Building Block Word", "DECOR", "5.95", 3),
    ("22189", "Cream Heart Card Holder", "DECOR", "3.95", 4),
    ("82494L", "Wooden Frame Antique White", "DECOR", "2.95", 6),
    ("82486", "Wood S/3 Cabinet Antique White Finish", "DECOR", "7.95", 2),
    ("84836", "Zinc Metal Heart Decoration", "DECOR", "1.25", 12),
    ("84879", "Assorted Colour Bird Ornament", "DECOR", "1.69", 8),
    ("21232", "Strawberry Ceramic Trinket Box", "DECOR", "1.25", 12),
    ("21231", "Sweetheart Ceramic Trinket Box", "DECOR", "1.25", 12),
    ("21181", "Please One Person Metal Sign", "SIGNS", "2.10", 12),
    ("21175", "Gin + Tonic Diet Metal Sign", "SIGNS", "2.10", 12),
    ("48138", "Door Mat Union Flag", "DOORMATS", "7.49", 2),
    ("20685", "Door Mat Red Spot", "DOORMATS", "7.49", 2),
    ("48194", "Door Mat Hearts", "DOORMATS", "7.49", 2),
    ("48187", "Door Mat New England", "DOORMATS", "7.49", 2),
    ("22111", "Scottie Dog Hot Water Bottle", "TEXTILES", "4.95", 3),
    ("22114", "Hot Water Bottle Tea and Sympathy", "TEXTILES", "3.95", 4),
    ("21485", "Red Spot Heart Hot Water Bottle", "TEXTILES", "4.95", 3),
    ("22112", "Chocolate Hot Water Bottle", "TEXTILES", "4.95", 3),
    ("84029E", "Red Woolly Hottie White Heart", "TEXTILES", "3.75", 4),
    ("21622", "Vintage Union Jack Cushion Cover", "TEXTILES", "4.95", 4),
    ("22138", "Baking Set 9 Piece Retrospot", "BAKING", "4.95", 3),
    ("22423", "Regency Cakestand 3 Tier", "BAKING", "12.75", 2),
    ("21843", "Red Retrospot Cake Stand", "BAKING", "10.95", 2),
    ("37503", "Tea Time Cake Stand in Gift Box", "BAKING", "10.75", 2),
    ("22720", "Set of 3 Cake Tins Pantry Design", "BAKING", "4.95", 3),
    ("21212", "Pack of 72 Retro Spot Cake Cases", "CAKE-CASES", "0.55", 24),
    ("84991", "60 Teatime Fairy Cake Cases", "CAKE-CASES", "0.55", 24),
    ("21977", "Pack of 60 Pink Paisley Cake Cases", "CAKE-CASES", "0.55", 24),
    ("84992", "72 Sweetheart Fairy Cake Cases", "CAKE-CASES", "0.55", 24),
    ("20914", "Set/5 Red Spotty Lid Glass Bowls", "TABLEWARE", "2.95", 6),
    ("21080", "Set/20 Red Spotty Paper Napkins", "TABLEWARE", "0.85", 12),
    ("22139", "Retro Spot Tea Set Ceramic 11 Pc", "TABLEWARE", "4.95", 3),
    ("21535", "Red Retrospot Small Milk Jug", "TABLEWARE", "2.55", 6),
    ("21527", "Red Retrospot Traditional Teapot", "TABLEWARE", "7.95", 2),
    ("21533", "Retro Spot Large Milk Jug", "TABLEWARE", "4.95", 3),
    ("85099B", "Jumbo Bag Red Retrospot", "SHOPPERS", "1.95", 10),
    ("85099F", "Jumbo Bag Strawberry", "SHOPPERS", "1.95", 10),
    ("22386", "Jumbo Bag Pink with White Spots", "SHOPPERS", "1.95", 10),
    ("22411", "Jumbo Shopper Vintage Red Paisley", "SHOPPERS", "1.95", 10),
    ("21931", "Jumbo Storage Bag Suki", "SHOPPERS", "1.95", 10),
    ("21034", "Rex Cash+Carry Jumbo Shopper", "SHOPPERS", "0.95", 10),
    ("22379", "Recycling Bag Retrospot", "SHOPPERS", "2.10", 5),
    ("20724", "Red Spotty Charlotte Bag", "SHOPPERS", "0.85", 10),
    ("22356", "Charlotte Bag Pink with White Spots", "SHOPPERS", "0.85", 10),
    ("20725", "Lunch Bag Red Spotty", "LUNCH-BAGS", "1.65", 10),
    ("20727", "Lunch Bag Black Skull", "LUNCH-BAGS", "1.65", 10),
    ("22382", "Lunch Bag Spaceboy Design", "LUNCH-BAGS", "1.65", 10),
    ("22383", "Lunch Bag Suki Design", "LUNCH-BAGS", "1.65", 10),
    ("20726", "Lunch Bag Woodland", "LUNCH-BAGS", "1.65", 10),
    ("47566", "Party Bunting", "BUNTING", "4.65", 5),
    ("21621", "Vintage Union Jack Bunting", "BUNTING", "8.50", 2),
    ("22090", "Paper Bunting Retro Spots", "BUNTING", "2.95", 6),
    ("22083", "Paper Chain Kit Retro Spot", "BUNTING", "2.95", 6),
    ("21790", "Vintage Snap Cards", "GAMES", "0.85", 12),
    ("22149", "Feltcraft 6 Flower Friends", "GAMES", "2.10", 6),
)
"""(SKU, name, category id, list price in GBP per unit, units per inner pack) of each product."""

INACTIVE_COUNT = 4
"""How many products the generator marks as no longer sold."""


def build(rng: random.Random) -> tuple[list[Category], list[Product]]:
    """The sample categories (ascending id) and products (in `PRODUCT_ROWS` order).

    Every product is sold by the unit (`EA`), in an inner pack (`PK6`, `PK12`, ...) and in a
    `CASE` of 4, 6 or 8 inner packs. The same `rng` state always gives the same catalogue.
    """
    categories = [
        Category(CategoryId(id), name, CategoryId(parent) if parent else None)
        for id, name, parent in sorted(CATEGORY_ROWS)
    ]
    each = STANDARD_UNITS["EA"]
    products = []
    for sku, name, category, price, inner_count in PRODUCT_ROWS:
        inner = each.pack(f"PK{inner_count}", inner_count, f"pack of {inner_count}")
        per_case = rng.choice((4, 6, 8))
        case = inner.pack("CASE", per_case, f"case of {per_case} x {inner_count}")
        list_price = Money(price, "GBP")
        margin = Decimal(rng.randint(45, 65)) / 100
        products.append(
            Product(
                ProductId(sku),
                name,
                CategoryId(category),
                each,
                [inner, case],
                list_price,
                (list_price * margin).round(),
            )
        )
    for product in rng.sample(products, INACTIVE_COUNT):
        product.active = False
    return categories, products

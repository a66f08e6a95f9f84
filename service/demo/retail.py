"""The retailer's own vocabulary: how its feed names categories, colours, prints and occasions.

Real feeds never use the platform's terms: a retailer sells "Denim > Jeans" in "Dusty Light
Blue", not "jeans" in "light denim blue". Mapping these words back is ingestion's and the
knowledge graph's job; this module only speaks the retailer's language.
"""

from __future__ import annotations

# Platform category → the retailer's labels (the first is current; the second is a legacy label
# that older styles still carry).
CATEGORY_LABELS: dict[str, tuple[str, str]] = {
    "t-shirt": ("Tees", "Tops > T-Shirts"),
    "shirt": ("Shirts > Long & Short Sleeve", "Shirting"),
    "blouse": ("Tops > Blouses", "Blouses & Tunics"),
    "sweater": ("Knitwear", "Knitwear > Jumpers"),
    "hoodie": ("Sweats & Hoodies", "Hooded Sweatshirts"),
    "tank top": ("Tops > Vests & Camis", "Vest Tops"),
    "jeans": ("Denim > Jeans", "Denim"),
    "trousers": ("Trousers & Chinos", "Bottoms > Trousers"),
    "skirt": ("Skirts", "Bottoms > Skirts"),
    "shorts": ("Shorts", "Bottoms > Shorts"),
    "dress": ("Dresses", "Dresses & Jumpsuits"),
    "coat": ("Outerwear > Coats", "Coats"),
    "jacket": ("Outerwear > Jackets", "Jackets & Blazers"),
    "sneakers": ("Shoes > Trainers", "Footwear > Sneakers"),
    "boots": ("Shoes > Boots", "Footwear > Boots"),
    "socks": ("Underwear > Socks", "Socks & Tights"),
    "briefs": ("Underwear > Boxers & Briefs", "Lingerie & Underwear"),
    "bag": ("Accessories > Bags", "Bags"),
    "scarf": ("Accessories > Scarves", "Scarves & Gloves"),
}

# Nouns in product names.
PRODUCT_NOUNS: dict[str, tuple[str, ...]] = {
    "t-shirt": ("T-shirt", "Tee", "Crew Tee"),
    "shirt": ("Shirt", "Oxford Shirt", "Poplin Shirt"),
    "blouse": ("Blouse", "Top", "Tunic"),
    "sweater": ("Jumper", "Sweater", "Pullover"),
    "hoodie": ("Hoodie", "Hooded Sweatshirt"),
    "tank top": ("Vest Top", "Tank", "Cami"),
    "jeans": ("Jeans", "5-Pocket Jeans"),
    "trousers": ("Trousers", "Chinos", "Tailored Trousers"),
    "skirt": ("Skirt", "A-line Skirt", "Midi Skirt"),
    "shorts": ("Shorts", "Bermuda Shorts"),
    "dress": ("Dress", "Midi Dress", "Shift Dress"),
    "coat": ("Coat", "Overcoat", "Wool-blend Coat"),
    "jacket": ("Jacket", "Bomber", "Trucker Jacket"),
    "sneakers": ("Trainers", "Low-top Sneakers"),
    "boots": ("Boots", "Chelsea Boots", "Ankle Boots"),
    "socks": ("Socks 3-pack", "Ankle Socks", "Crew Socks 5-pack"),
    "briefs": ("Boxer Briefs 3-pack", "Trunks", "Briefs 2-pack"),
    "bag": ("Tote Bag", "Shoulder Bag", "Crossbody Bag"),
    "scarf": ("Scarf", "Wrap Scarf"),
}

FITS: dict[str, tuple[str, ...]] = {
    "top": ("Regular Fit", "Relaxed Fit", "Slim Fit", "Oversized"),
    "bottom": ("Slim Fit", "Straight Leg", "Wide Leg", "Tapered", "Relaxed Fit"),
    "full-body": ("Regular Fit", "Fitted", "Flared"),
    "outerwear": ("Regular Fit", "Oversized", "Tailored"),
}

MATERIAL_WORDS: dict[str, str] = {
    "cotton": "Cotton",
    "denim": "Denim",
    "wool": "Wool-blend",
    "polyester": "Recycled",
    "leather": "Leather",
    "linen": "Linen",
    "silk": "Silk",
    "knit": "Fine-knit",
    "suede": "Suede",
    "canvas": "Canvas",
    "nylon": "Technical",
}

PATTERN_WORDS: dict[str, tuple[str, ...]] = {
    "solid": ("Plain", "Solid colour", "Uni"),
    "striped": ("Stripe", "Breton stripe", "Pinstripe"),
    "checked": ("Check", "Gingham", "Tartan"),
    "dotted": ("Polka dot", "Spot print"),
    "floral": ("Floral print", "Flower pattern", "Ditsy floral"),
    "printed": ("Graphic print", "Logo print", "All-over print"),
}

OCCASIONS: dict[str, str] = {
    "casual": "Everyday",
    "formal": "Occasion",
    "business": "Workwear",
    "sporty": "Active",
    "party": "Going out",
}

SLEEVE_WORDS: dict[str, str] = {
    "sleeveless": "Sleeveless",
    "short": "Short sleeve",
    "long": "Long sleeve",
}

NECK_WORDS: dict[str, str] = {
    "round": "Crew neck",
    "v-neck": "V-neckline",
    "collar": "Collared",
    "hooded": "Hood",
}

DEPARTMENTS: dict[str, str] = {"women": "Womenswear", "men": "Menswear", "unisex": "Unisex"}
BASICS_DEPARTMENT = "Basics & Underwear"

# Platform colour → marketing names a retailer would print on the swing tag.
MARKETING_COLOURS: dict[str, tuple[str, ...]] = {
    "black": ("Black", "Jet Black", "Onyx", "Washed Black"),
    "charcoal grey": ("Charcoal melange", "Anthracite", "Dark Grey Marl"),
    "mid grey": ("Grey", "Slate", "Steel Grey"),
    "heather grey": ("Grey Marl", "Heather", "Light Grey melange"),
    "light grey": ("Pale Grey", "Silver Grey", "Cloud"),
    "white": ("White", "Optical White", "Bright White", "Snow"),
    "off-white": ("Off-white", "Ecru", "Chalk", "Natural"),
    "cream": ("Cream", "Vanilla", "Ivory"),
    "beige": ("Stone", "Oatmeal", "Light Beige"),
    "sand": ("Sand", "Dune", "Biscuit"),
    "camel": ("Camel", "Caramel", "Toffee"),
    "tan": ("Cognac", "Tan", "Saddle"),
    "taupe grey-brown": ("Taupe", "Mole", "Mushroom"),
    "chocolate brown": ("Dark Brown", "Espresso", "Chocolate"),
    "navy blue": ("Navy", "Dark Navy", "Midnight", "Ink"),
    "indigo denim": ("Dark Wash", "Rinse Indigo", "Raw Denim"),
    "mid denim blue": ("Mid Wash", "Vintage Blue", "Stone Wash"),
    "light denim blue": ("Dusty Light Blue", "Light Wash", "Bleached Denim"),
    "sky blue": ("Sky", "Powder Blue", "Light Blue"),
    "royal blue": ("Cobalt", "Bright Blue", "Royal"),
    "teal": ("Petrol", "Deep Teal", "Dark Turquoise"),
    "olive green": ("Olive", "Dark Khaki", "Moss"),
    "khaki green": ("Khaki", "Sage Khaki", "Army"),
    "forest green": ("Bottle Green", "Dark Green", "Pine"),
    "sage green": ("Sage", "Dusty Green", "Eucalyptus"),
    "mint green": ("Mint", "Pistachio", "Light Mint"),
    "emerald green": ("Emerald", "Jade", "Bright Green"),
    "bright red": ("Red", "Scarlet", "Tomato Red"),
    "burgundy": ("Wine", "Bordeaux", "Oxblood", "Burgundy"),
    "rust": ("Rust", "Terracotta", "Copper"),
    "orange": ("Bright Orange", "Tangerine", "Pumpkin"),
    "coral": ("Coral", "Watermelon", "Living Coral"),
    "peach": ("Apricot", "Peach", "Pale Peach"),
    "mustard yellow": ("Mustard", "Ochre", "Golden Yellow"),
    "lemon yellow": ("Lemon", "Bright Yellow", "Sunshine"),
    "pale yellow": ("Butter", "Light Yellow", "Pastel Yellow"),
    "baby pink": ("Light Pink", "Powder Pink", "Blush"),
    "rose pink": ("Dusty Rose", "Old Rose", "Pink"),
    "fuchsia": ("Cerise", "Hot Pink", "Magenta"),
    "lavender": ("Lavender", "Lilac Mist", "Light Purple"),
    "lilac": ("Lilac", "Wisteria", "Mauve"),
    "purple": ("Purple", "Violet", "Grape"),
    "plum": ("Plum", "Aubergine", "Dark Purple"),
}

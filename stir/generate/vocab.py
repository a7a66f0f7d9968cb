"""Word lists and weighted categorical distributions the generator draws from.

Weights are relative; the SQL picks with a cumulative-weight lookup, so changing a
weight here changes the data shape without touching any query.
"""

from __future__ import annotations

COUNTRIES: tuple[tuple[str, float], ...] = (
    ("IN", 50), ("US", 8), ("ID", 5), ("BR", 4), ("GB", 3), ("AE", 3), ("PK", 2), ("BD", 2),
    ("NG", 2), ("PH", 2), ("MX", 2), ("DE", 2), ("FR", 1.5), ("CA", 1.5), ("AU", 1.5), ("SG", 1),
    ("MY", 1), ("SA", 1), ("TR", 1), ("ES", 1), ("IT", 1), ("JP", 1), ("KR", 1), ("EG", 1), ("ZA", 1),
)

CITIES: dict[str, tuple[str, ...]] = {
    "IN": ("Mumbai, Maharashtra", "Delhi, Delhi", "Bengaluru, Karnataka", "Hyderabad, Telangana",
           "Chennai, Tamil Nadu", "Kolkata, West Bengal", "Pune, Maharashtra", "Jaipur, Rajasthan",
           "Ahmedabad, Gujarat", "Lucknow, Uttar Pradesh", "Kochi, Kerala", "Chandigarh, Punjab"),
    "US": ("Los Angeles, California", "New York, New York", "Miami, Florida", "Austin, Texas"),
    "ID": ("Jakarta, Jakarta", "Surabaya, East Java", "Bandung, West Java"),
    "BR": ("São Paulo, São Paulo", "Rio de Janeiro, Rio de Janeiro"),
    "GB": ("London, England", "Manchester, England"),
    "AE": ("Dubai, Dubai", "Abu Dhabi, Abu Dhabi"),
    "PK": ("Karachi, Sindh", "Lahore, Punjab"),
    "BD": ("Dhaka, Dhaka",),
    "NG": ("Lagos, Lagos",),
    "PH": ("Manila, Metro Manila",),
    "MX": ("Mexico City, CDMX",),
    "DE": ("Berlin, Berlin", "Munich, Bavaria"),
    "FR": ("Paris, Île-de-France",),
}
DEFAULT_CITY = ("",)

# Language mix per country; countries not listed speak their first entry + English.
LANGUAGES: dict[str, tuple[tuple[str, float], ...]] = {
    "IN": (("hi", 35), ("en", 30), ("ta", 7), ("te", 7), ("bn", 5), ("mr", 5), ("kn", 4), ("ml", 3),
           ("gu", 2), ("pa", 2)),
    "US": (("en", 85), ("es", 15)), "GB": (("en", 100),), "CA": (("en", 75), ("fr", 25)),
    "AU": (("en", 100),), "SG": (("en", 80), ("zh", 20)), "ID": (("id", 85), ("en", 15)),
    "BR": (("pt", 95), ("en", 5)), "AE": (("ar", 50), ("en", 40), ("hi", 10)), "PK": (("ur", 70), ("en", 30)),
    "BD": (("bn", 90), ("en", 10)), "NG": (("en", 100),), "PH": (("tl", 50), ("en", 50)),
    "MX": (("es", 95), ("en", 5)), "DE": (("de", 90), ("en", 10)), "FR": (("fr", 95), ("en", 5)),
    "MY": (("ms", 70), ("en", 30)), "SA": (("ar", 90), ("en", 10)), "TR": (("tr", 95), ("en", 5)),
    "ES": (("es", 95), ("en", 5)), "IT": (("it", 95), ("en", 5)), "JP": (("ja", 100),),
    "KR": (("ko", 100),), "EG": (("ar", 95), ("en", 5)), "ZA": (("en", 80), ("zu", 20)),
}

CATEGORIES: tuple[tuple[str, float], ...] = (
    ("Fashion", 12), ("Beauty", 10), ("Food", 9), ("Travel", 8), ("Lifestyle", 9), ("Entertainment", 8),
    ("Fitness", 6), ("Tech", 5), ("Gaming", 5), ("Music", 5), ("Comedy", 5), ("Education", 4),
    ("Finance", 3), ("Parenting", 3), ("Sports", 3), ("Automotive", 2), ("Photography", 2), ("Art", 2),
    ("Health", 2), ("Pets", 2),
)

ACCOUNT_TYPES: tuple[tuple[str, float], ...] = (("CREATOR", 60), ("PERSONAL", 20), ("BUSINESS", 20))
GENDERS: tuple[tuple[str, float], ...] = (("FEMALE", 45), ("MALE", 45), ("", 10))  # '' -> NULL

POST_TYPES: tuple[tuple[str, float], ...] = (("reels", 40), ("image", 30), ("carousel", 20), ("story", 10))

HANDLE_WORDS_A = (
    "the", "its", "real", "iam", "official", "just", "hey", "daily", "urban", "desi", "global", "little",
    "happy", "wild", "pure", "style", "food", "travel", "tech", "fit",
)
HANDLE_WORDS_B = (
    "priya", "rahul", "ananya", "arjun", "meera", "kabir", "sana", "vikram", "zoya", "rohan", "maria",
    "james", "aisha", "kenji", "lucas", "chef", "wanderer", "coder", "yogi", "artist", "gamer", "mom",
    "foodie", "explorer", "stylist",
)
NAME_FIRST = (
    "Priya", "Rahul", "Ananya", "Arjun", "Meera", "Kabir", "Sana", "Vikram", "Zoya", "Rohan", "María",
    "James", "Aisha", "Kenji", "Lucas", "Fatima", "Chloé", "Oluwaseun", "Siti", "Björn",
)
NAME_LAST = (
    "Sharma", "Iyer", "Khan", "Patel", "Reddy", "Das", "Singh", "Nair", "Gupta", "Mehta", "García",
    "Smith", "Ahmed", "Tanaka", "Silva", "Müller", "Dubois", "Adeyemi", "Rahman", "Kim",
)

HASHTAGS = (
    "Travel", "FoodPorn", "OOTD", "Reels", "IndianFood", "Mumbai", "Fitness", "Motivation", "Fashion",
    "Makeup", "SkinCare", "Bollywood", "Cricket", "TechReview", "Gaming", "Music", "Comedy", "Memes",
    "Wanderlust", "Foodie", "StreetFood", "HomeDecor", "Yoga", "GymLife", "Photography", "NatureLovers",
    "Sunset", "Beach", "Wedding", "Diwali", "Holi", "Festive", "Ethnic", "Saree", "StreetStyle",
    "Unboxing", "Smartphone", "Startup", "Finance", "Investing", "Parenting", "MomLife", "Pets",
    "DogsOfInstagram", "CatLovers", "Art", "Sketch", "DIY", "Recipe", "Vegan", "Healthy", "Coffee",
    "Chai", "Delhi", "Bangalore", "Goa", "Dubai", "London", "Explore", "Trending", "Viral", "InstaDaily",
    "Collab", "Ad", "Sponsored", "Giveaway", "NewLaunch", "Review", "Tutorial", "Dance", "Cars",
)

# Captions exercise everything an export/sync has to survive: quotes, backslashes,
# tabs, newlines, emoji, non-Latin scripts, JSON-looking text.
CAPTIONS = (
    "Loving this vibe ✨",
    "New drop! \"Limited\" edition, link in bio",
    "It's a 'quoted' kind of day",
    "Path of the week: C:\\creators\\drafts\\final_v2.png",
    "Tab\tseparated\tthoughts",
    "Line one\nLine two\nLine three",
    "नमस्ते दोस्तों 🙏 आज का वीडियो",
    "சென்னை மழை 🌧️",
    "カフェでまったり☕",
    "Ramadan Kareem 🌙 رمضان كريم",
    "{\"json\": \"not really\", \"n\": 1}",
    "50% off — today only!!! 🔥🔥🔥",
    "Backslash at the end \\",
    "Sunday reset 🧘‍♀️ #selfcare",
    "Recipe: 2 cups flour; 1 tsp salt; bake @ 180°C",
    "",
)

CURRENCIES: tuple[tuple[str, float], ...] = (
    ("INR", 60), ("USD", 25), ("EUR", 5), ("GBP", 4), ("AED", 4), ("SGD", 2),
)
PLANS: tuple[tuple[str, float], ...] = (("FREE", 40), ("STARTER", 30), ("PRO", 22), ("ENTERPRISE", 8))
INDUSTRIES = ("D2C", "FMCG", "Fashion", "Beauty", "Electronics", "Fintech", "EdTech", "Travel", "Food",
              "Automotive", "Gaming", "Agency")
BRAND_WORDS_A = ("Blue", "Urban", "Nimbus", "Saffron", "Peak", "Velvet", "Bright", "Mango", "Lotus", "Nova",
                 "Kite", "Cedar", "Pixel", "Spice", "Ocean")
BRAND_WORDS_B = ("Labs", "Co", "Foods", "Wear", "Beauty", "Tech", "Studio", "Organics", "Media", "Works",
                 "Brands", "Collective")
EMAIL_DOMAINS = ("gmail.com", "outlook.com", "yahoo.com", "brand.co", "agency.in", "startup.io", "corp.com")
SCRAPE_ERRORS = ("HTTP 429 rate limited", "HTTP 404 post not found", "timeout after 30s",
                 "login required", "proxy error: connection reset", "private account")

"""The demo store's catalog: a Croatian supermarket that the project writes itself.

``aisle demo`` loads this on first start so that a fresh install has something to scan. The
store sells in euro and its shelf prices include VAT at the Croatian rates (25 %, 13 % and 5 %).
Brands are fictional; the PLU codes of loose produce are the real IFPS ones, so a scale or a
shopper that knows "4011 is bananas" finds them.

Packaged products get a GTIN-13 under the Croatian GS1 prefix 385: a fictional company prefix
per brand and an item reference per product name, both derived from a stable hash so that adding
a product never renumbers the others. Weighed produce gets the store-internal GTIN
``20 00000 <PLU, 5 digits> <check digit>``; all GTINs are kept in their 14-digit form.

>>> bananas = next(p for p in demo_products() if p.plu == "4011")
>>> bananas.gtin, str(bananas.price), bananas.sold_by.value
('02000000040110', '1.49', 'weight')
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from biip.checksums import gs1_standard_check_digit

from aisle.domain.barcodes import normalise_gtin
from aisle.domain.catalog import NetContent, Product, SoldBy, TaxClass
from aisle.domain.money import Money
from aisle.domain.pricing import PriceReduction

__all__ = ["DEMO_CURRENCY", "DEMO_TAX_CLASSES", "demo_price_reductions", "demo_products"]

DEMO_CURRENCY = "EUR"

_STD = "standard"
_RED = "reduced"
_LOW = "low"

DEMO_TAX_CLASSES: tuple[TaxClass, ...] = (
    TaxClass(code=_STD, name="Standard VAT 25 %", rate_percent=Decimal("25")),
    TaxClass(code=_RED, name="Reduced VAT 13 %", rate_percent=Decimal("13")),
    TaxClass(code=_LOW, name="Low VAT 5 %", rate_percent=Decimal("5")),
)

# Croatian VAT as the demo applies it: bread, milk, eggs, butter, oils, fresh meat, fish, fruit,
# vegetables and baby food at 5 %; most other food at 13 %; sweets, snacks, drinks, alcohol and
# everything that is not food at 25 %. Close to the law, not a tax adviser's table.

_Row = tuple[str, str, str, str, str]  # name, brand, price, net content, tax class
_Weighed = tuple[str, str, str, str]  # PLU, name, brand, price per kg


@dataclass(frozen=True, slots=True, kw_only=True)
class _Department:
    name: str
    aisle: str
    fixture: str  # what a shopper looks for: "Bay", "Chiller", "Freezer"
    slot: str
    rows: tuple[_Row, ...]
    age_restricted: bool = False


_WEIGHED_PRODUCE: tuple[_Weighed, ...] = (
    ("4011", "Bananas", "Aisle Market", "1.49"),
    ("94011", "Organic bananas", "Aisle Market", "2.29"),
    ("4131", "Fuji apples", "Vrtovi Slavonije", "2.29"),
    ("94131", "Organic Fuji apples", "Vrtovi Slavonije", "3.49"),
    ("4135", "Gala apples", "Vrtovi Slavonije", "1.99"),
    ("4017", "Granny Smith apples", "Vrtovi Slavonije", "2.19"),
    ("4020", "Golden Delicious apples", "Vrtovi Slavonije", "1.69"),
    ("3283", "Honeycrisp apples", "Aisle Market", "3.99"),
    ("4409", "Williams pears", "Vrtovi Slavonije", "2.49"),
    ("4025", "Green Anjou pears", "Aisle Market", "2.69"),
    ("4012", "Navel oranges", "Aisle Market", "1.79"),
    ("4450", "Clementines", "Neretva Valley", "2.19"),
    ("4053", "Lemons", "Neretva Valley", "2.49"),
    ("94053", "Organic lemons", "Neretva Valley", "3.79"),
    ("4048", "Limes", "Aisle Market", "3.99"),
    ("4022", "Green seedless grapes", "Aisle Market", "3.99"),
    ("4023", "Red seedless grapes", "Aisle Market", "3.99"),
    ("4030", "Kiwifruit", "Aisle Market", "2.99"),
    ("4045", "Cherries", "Neretva Valley", "7.99"),
    ("4044", "Yellow peaches", "Neretva Valley", "2.99"),
    ("4032", "Watermelon", "Neretva Valley", "0.99"),
    ("4087", "Roma tomatoes", "Neretva Valley", "2.79"),
    ("94087", "Organic Roma tomatoes", "Neretva Valley", "4.29"),
    ("4664", "Vine tomatoes", "Neretva Valley", "3.49"),
    ("4062", "Cucumbers", "Zelena Dolina", "1.99"),
    ("4065", "Green bell peppers", "Zelena Dolina", "3.29"),
    ("4088", "Red bell peppers", "Zelena Dolina", "3.99"),
    ("4072", "Baking potatoes", "Vrtovi Slavonije", "0.99"),
    ("94072", "Organic potatoes", "Vrtovi Slavonije", "1.79"),
    ("4073", "Red potatoes", "Vrtovi Slavonije", "1.19"),
    ("4093", "Yellow onions", "Vrtovi Slavonije", "1.09"),
    ("4082", "Red onions", "Vrtovi Slavonije", "1.49"),
    ("4562", "Carrots", "Vrtovi Slavonije", "1.19"),
    ("94562", "Organic carrots", "Vrtovi Slavonije", "1.99"),
    ("4060", "Broccoli", "Zelena Dolina", "3.49"),
    ("4067", "Courgettes", "Zelena Dolina", "2.49"),
    ("4081", "Aubergines", "Zelena Dolina", "2.79"),
    ("4608", "Garlic", "Aisle Market", "6.99"),
    ("4612", "Ginger root", "Aisle Market", "5.99"),
    ("4069", "Green cabbage", "Vrtovi Slavonije", "0.89"),
)

_PRODUCE_EACH: tuple[_Row, ...] = (
    ("Iceberg lettuce", "Zelena Dolina", "0.99", "1 pcs", _LOW),
    ("Romaine lettuce hearts", "Zelena Dolina", "1.79", "2 pcs", _LOW),
    ("Pineapple", "Aisle Market", "2.49", "1 pcs", _LOW),
    ("Hass avocado, ready to eat", "Aisle Market", "1.29", "1 pcs", _LOW),
    ("Mango", "Aisle Market", "1.99", "1 pcs", _LOW),
    ("Honeydew melon", "Aisle Market", "2.99", "1 pcs", _LOW),
    ("Cauliflower", "Vrtovi Slavonije", "1.99", "1 pcs", _LOW),
    ("Flat-leaf parsley, bunch", "Zelena Dolina", "0.79", "1 pcs", _LOW),
    ("Basil, potted", "Zelena Dolina", "1.99", "1 pcs", _LOW),
    ("Spring onions, bunch", "Zelena Dolina", "0.89", "1 pcs", _LOW),
    ("Baby spinach", "Zelena Dolina", "1.89", "150 g", _LOW),
    ("Wild rocket", "Zelena Dolina", "1.49", "100 g", _LOW),
    ("Cherry tomatoes", "Neretva Valley", "1.99", "250 g", _LOW),
    ("White button mushrooms", "Vrtovi Slavonije", "2.29", "400 g", _LOW),
    ("Strawberries", "Neretva Valley", "3.49", "500 g", _LOW),
    ("Blueberries", "Aisle Market", "2.99", "125 g", _LOW),
    ("Raspberries", "Aisle Market", "2.99", "125 g", _LOW),
    ("Mandarins, net", "Neretva Valley", "2.49", "1 kg", _LOW),
)

_BAKERY: tuple[_Row, ...] = (
    ("White sandwich loaf", "Zlatni Klas", "1.59", "500 g", _LOW),
    ("Wholemeal sandwich loaf", "Zlatni Klas", "1.89", "500 g", _LOW),
    ("Toast bread", "Zlatni Klas", "1.39", "500 g", _LOW),
    ("Rye bread", "Krušna Peć", "2.19", "750 g", _LOW),
    ("Sourdough country loaf", "Krušna Peć", "3.29", "600 g", _LOW),
    ("Seeded multigrain loaf", "Krušna Peć", "2.79", "500 g", _LOW),
    ("Corn bread", "Krušna Peć", "2.09", "500 g", _LOW),
    ("French baguette", "Aisle Bakery", "0.99", "250 g", _LOW),
    ("Ciabatta rolls", "Aisle Bakery", "1.79", "4 pcs", _LOW),
    ("Kaiser rolls", "Aisle Bakery", "1.29", "6 pcs", _LOW),
    ("Butter croissants", "Aisle Bakery", "2.49", "4 pcs", _LOW),
    ("Chocolate croissants", "Aisle Bakery", "2.79", "4 pcs", _LOW),
    ("Cheese burek", "Aisle Bakery", "1.99", "250 g", _LOW),
    ("Burger buns with sesame", "Zlatni Klas", "1.69", "4 pcs", _LOW),
    ("Hot dog buns", "Zlatni Klas", "1.49", "6 pcs", _LOW),
    ("Wholemeal tortilla wraps", "Zlatni Klas", "1.99", "6 pcs", _RED),
    ("Breadsticks", "Zlatni Klas", "1.29", "125 g", _RED),
    ("Apple strudel", "Aisle Bakery", "3.49", "500 g", _RED),
    ("Poppy seed roll", "Krušna Peć", "4.99", "500 g", _RED),
    ("Walnut roll", "Krušna Peć", "5.49", "500 g", _RED),
)

_DAIRY: tuple[_Row, ...] = (
    ("Fresh whole milk 3.5 %", "Dravska", "1.29", "1 l", _LOW),
    ("Fresh low-fat milk 0.9 %", "Dravska", "1.19", "1 l", _LOW),
    ("UHT milk 2.8 %", "Livada", "1.09", "1 l", _LOW),
    ("Lactose-free milk 1.5 %", "Livada", "1.59", "1 l", _LOW),
    ("Oat drink", "Livada", "1.99", "1 l", _RED),
    ("Chocolate milk drink", "Dravska", "0.99", "500 ml", _RED),
    ("Natural yogurt", "Dravska", "0.89", "500 g", _RED),
    ("Strawberry yogurt", "Dravska", "0.69", "150 g", _RED),
    ("Greek-style yogurt", "Planinka", "1.79", "400 g", _RED),
    ("Skyr, natural", "Planinka", "1.49", "400 g", _RED),
    ("Kefir", "Dravska", "1.29", "500 ml", _RED),
    ("Sour cream 20 %", "Dravska", "0.99", "200 g", _RED),
    ("Cooking cream 20 %", "Livada", "1.19", "200 ml", _RED),
    ("Whipping cream 35 %", "Livada", "1.69", "200 ml", _RED),
    ("Chocolate pudding", "Dravska", "0.79", "125 g", _RED),
    ("Unsalted butter", "Planinka", "2.99", "250 g", _LOW),
    ("Salted butter", "Planinka", "3.09", "250 g", _LOW),
    ("Spreadable margarine", "Livada", "1.99", "500 g", _LOW),
    ("Fresh cottage cheese", "Zagorje Farms", "1.49", "250 g", _RED),
    ("Feta-style white cheese", "Zagorje Farms", "2.29", "200 g", _RED),
    ("Aged sheep's milk cheese", "Zagorje Farms", "6.99", "250 g", _RED),
    ("Gouda slices", "Planinka", "1.99", "150 g", _RED),
    ("Edam cheese block", "Planinka", "3.49", "400 g", _RED),
    ("Mozzarella", "Planinka", "1.29", "125 g", _RED),
    ("Grated hard cheese", "Planinka", "2.49", "100 g", _RED),
    ("Cream cheese spread", "Livada", "1.69", "200 g", _RED),
    ("Processed cheese triangles", "Livada", "1.79", "140 g", _RED),
    ("Free-range eggs, medium", "Kokoš Sreća", "2.99", "10 pcs", _LOW),
    ("Barn eggs, large", "Kokoš Sreća", "2.49", "10 pcs", _LOW),
    ("Barn eggs, tray", "Kokoš Sreća", "6.99", "30 pcs", _LOW),
    ("Organic eggs", "Kokoš Sreća", "2.39", "6 pcs", _LOW),
)

_MEAT_AND_FISH: tuple[_Row, ...] = (
    ("Chicken breast fillets", "Pernati Dvor", "4.49", "500 g", _LOW),
    ("Chicken thighs, bone-in", "Pernati Dvor", "3.29", "800 g", _LOW),
    ("Chicken drumsticks", "Pernati Dvor", "2.99", "700 g", _LOW),
    ("Whole chicken", "Pernati Dvor", "5.49", "1400 g", _LOW),
    ("Turkey breast escalopes", "Pernati Dvor", "4.99", "400 g", _LOW),
    ("Beef mince 15 % fat", "Mesnica Lika", "5.99", "500 g", _LOW),
    ("Mixed mince, beef and pork", "Mesnica Lika", "4.49", "500 g", _LOW),
    ("Beef rump steak", "Mesnica Lika", "8.99", "400 g", _LOW),
    ("Beef stewing chunks", "Mesnica Lika", "7.49", "500 g", _LOW),
    ("Pork loin chops", "Mesnica Lika", "4.79", "600 g", _LOW),
    ("Pork shoulder, diced", "Mesnica Lika", "4.29", "500 g", _LOW),
    ("Pork ribs", "Mesnica Lika", "5.99", "1 kg", _LOW),
    ("Lamb leg steaks", "Mesnica Lika", "9.99", "400 g", _LOW),
    ("Ćevapi", "Mesnica Lika", "4.99", "400 g", _RED),
    ("Pork sausages for grilling", "Mesnica Lika", "3.49", "400 g", _RED),
    ("Atlantic salmon fillets", "Jadranska Riba", "6.99", "250 g", _LOW),
    ("Sea bass, whole, cleaned", "Jadranska Riba", "6.49", "400 g", _LOW),
    ("Gilthead sea bream, whole", "Jadranska Riba", "5.99", "400 g", _LOW),
    ("Fresh sardines", "Jadranska Riba", "3.49", "500 g", _LOW),
    ("Hake fillets", "Jadranska Riba", "5.49", "400 g", _LOW),
    ("Squid, cleaned", "Jadranska Riba", "7.99", "500 g", _LOW),
    ("Mussels, live", "Jadranska Riba", "3.99", "1 kg", _LOW),
    ("Cooked peeled prawns", "Jadranska Riba", "4.99", "200 g", _RED),
)

_DELI: tuple[_Row, ...] = (
    ("Dry-cured ham, sliced", "Istria Larder", "3.99", "80 g", _RED),
    ("Milano salami, sliced", "Istria Larder", "2.49", "100 g", _RED),
    ("Mortadella, sliced", "Istria Larder", "1.79", "150 g", _RED),
    ("Cooked ham, sliced", "Dimna Kuća", "1.99", "150 g", _RED),
    ("Chicken breast ham, sliced", "Dimna Kuća", "1.89", "120 g", _RED),
    ("Smoked bacon, sliced", "Dimna Kuća", "2.29", "200 g", _RED),
    ("Spicy paprika salami", "Dimna Kuća", "4.49", "150 g", _RED),
    ("Frankfurters", "Dimna Kuća", "2.49", "400 g", _RED),
    ("Chicken liver pâté", "Dimna Kuća", "1.49", "100 g", _RED),
    ("Hummus, classic", "Mediterra", "2.19", "200 g", _RED),
    ("Grilled vegetable antipasti", "Mediterra", "3.49", "280 g", _RED),
    ("Green olives, pitted", "Mediterra", "2.29", "200 g", _RED),
    ("Potato salad", "Aisle Kitchen", "2.49", "400 g", _RED),
    ("Coleslaw", "Aisle Kitchen", "1.99", "300 g", _RED),
    ("Chicken Caesar wrap", "Aisle Kitchen", "3.99", "220 g", _RED),
    ("Tuna sandwich", "Aisle Kitchen", "2.99", "180 g", _RED),
    ("Fresh potato gnocchi", "Aisle Kitchen", "1.99", "500 g", _RED),
    ("Spinach and ricotta tortellini", "Aisle Kitchen", "3.29", "250 g", _RED),
)

_FROZEN: tuple[_Row, ...] = (
    ("Garden peas", "Ledeni Vrt", "1.79", "450 g", _RED),
    ("Mixed vegetables", "Ledeni Vrt", "1.99", "750 g", _RED),
    ("Leaf spinach", "Ledeni Vrt", "1.49", "450 g", _RED),
    ("Broccoli florets", "Ledeni Vrt", "2.19", "400 g", _RED),
    ("Mixed berries", "Ledeni Vrt", "3.99", "300 g", _RED),
    ("Straight-cut oven chips", "Ledeni Vrt", "2.49", "1 kg", _RED),
    ("Pizza margherita", "Pizzeria Nonna", "2.99", "350 g", _RED),
    ("Pizza prosciutto e funghi", "Pizzeria Nonna", "3.49", "380 g", _RED),
    ("Pizza quattro formaggi", "Pizzeria Nonna", "3.49", "360 g", _RED),
    ("Fish fingers", "Polar Table", "3.29", "450 g", _RED),
    ("Breaded hake fillets", "Polar Table", "3.99", "400 g", _RED),
    ("Raw king prawns", "Polar Table", "6.99", "400 g", _RED),
    ("Chicken nuggets", "Polar Table", "3.79", "500 g", _RED),
    ("Beef burgers", "Polar Table", "4.49", "400 g", _RED),
    ("Cheese štrukli", "Zagorska Kuhinja", "4.29", "500 g", _RED),
    ("Puff pastry sheets", "Zagorska Kuhinja", "1.99", "500 g", _RED),
    ("Vanilla ice cream", "Sladoled Riva", "3.49", "1 l", _STD),
    ("Chocolate ice cream", "Sladoled Riva", "3.49", "1 l", _STD),
    ("Ice cream cones, vanilla", "Sladoled Riva", "3.99", "480 ml", _STD),
    ("Lemon sorbet", "Sladoled Riva", "2.99", "500 ml", _STD),
)

_PANTRY: tuple[_Row, ...] = (
    ("Plain wheat flour T-550", "Zlatno Polje", "0.89", "1 kg", _RED),
    ("Smooth wheat flour T-400", "Zlatno Polje", "0.99", "1 kg", _RED),
    ("Cornmeal for polenta", "Zlatno Polje", "1.29", "1 kg", _RED),
    ("White sugar", "Zlatno Polje", "1.09", "1 kg", _RED),
    ("Icing sugar", "Zlatno Polje", "0.99", "500 g", _RED),
    ("Dried yeast", "Zlatno Polje", "0.49", "21 g", _RED),
    ("Baking powder", "Zlatno Polje", "0.39", "60 g", _RED),
    ("Cocoa powder", "Zlatno Polje", "2.49", "200 g", _RED),
    ("Sunflower oil", "Zlatno Polje", "1.99", "1 l", _LOW),
    ("Extra virgin olive oil", "Mediterra", "9.99", "750 ml", _LOW),
    ("Fine sea salt", "Morska Sol", "0.59", "1 kg", _RED),
    ("Long-grain rice", "Aisle Basics", "1.49", "1 kg", _RED),
    ("Arborio risotto rice", "Mediterra", "2.49", "1 kg", _RED),
    ("Spaghetti", "Kuhinja Mama", "0.99", "500 g", _RED),
    ("Penne rigate", "Kuhinja Mama", "0.99", "500 g", _RED),
    ("Fusilli", "Kuhinja Mama", "0.99", "500 g", _RED),
    ("Egg noodles", "Kuhinja Mama", "1.59", "400 g", _RED),
    ("Chopped tomatoes", "Mediterra", "0.99", "400 g", _RED),
    ("Tomato passata", "Mediterra", "1.29", "700 g", _RED),
    ("Tomato purée", "Mediterra", "0.79", "200 g", _RED),
    ("Pesto alla genovese", "Mediterra", "2.79", "190 g", _RED),
    ("Tuna chunks in olive oil", "Jadranska Riba", "2.49", "160 g", _RED),
    ("Sardines in olive oil", "Jadranska Riba", "1.49", "125 g", _RED),
    ("Red kidney beans", "Aisle Basics", "0.89", "400 g", _RED),
    ("Chickpeas", "Aisle Basics", "0.89", "400 g", _RED),
    ("Sweetcorn", "Aisle Basics", "1.09", "340 g", _RED),
    ("Red lentils", "Aisle Basics", "2.29", "500 g", _RED),
    ("Chicken stock cubes", "Kuhinja Mama", "1.19", "120 g", _RED),
    ("All-purpose vegetable seasoning", "Kuhinja Mama", "2.49", "500 g", _RED),
    ("Sweet paprika powder", "Kuhinja Mama", "1.29", "100 g", _RED),
    ("Ground black pepper", "Kuhinja Mama", "1.79", "50 g", _RED),
    ("Apple cider vinegar", "Kuhinja Mama", "1.29", "1 l", _RED),
    ("Ajvar, mild", "Kuhinja Mama", "2.99", "550 g", _RED),
    ("Pickled gherkins", "Kuhinja Mama", "1.79", "670 g", _RED),
    ("Tomato ketchup", "Kuhinja Mama", "1.99", "500 g", _STD),
    ("Mayonnaise", "Kuhinja Mama", "2.19", "500 g", _STD),
    ("Dijon mustard", "Kuhinja Mama", "1.49", "200 g", _STD),
)

_BREAKFAST: tuple[_Row, ...] = (
    ("Cornflakes", "Jutro", "2.29", "500 g", _RED),
    ("Frosted cornflakes", "Jutro", "2.59", "375 g", _RED),
    ("Chocolate cereal pillows", "Jutro", "2.79", "375 g", _RED),
    ("Crunchy granola with nuts", "Jutro", "3.49", "500 g", _RED),
    ("Muesli with fruit", "Jutro", "2.99", "750 g", _RED),
    ("Porridge oats", "Sunčani Dan", "1.29", "500 g", _RED),
    ("Instant oat porridge, apple and cinnamon", "Sunčani Dan", "1.99", "275 g", _RED),
    ("Wholegrain rice cakes", "Sunčani Dan", "1.19", "130 g", _RED),
    ("Smooth peanut butter", "Sunčani Dan", "2.99", "350 g", _RED),
    ("Oat and honey cereal bars", "Sunčani Dan", "2.19", "150 g", _STD),
    ("Wildflower honey", "Dolina Meda", "6.99", "500 g", _RED),
    ("Acacia honey", "Dolina Meda", "8.49", "450 g", _RED),
    ("Apricot jam", "Dolina Meda", "2.49", "340 g", _RED),
    ("Strawberry jam", "Dolina Meda", "2.49", "340 g", _RED),
    ("Plum spread", "Dolina Meda", "2.29", "400 g", _RED),
    ("Hazelnut cocoa spread", "Čokolada Lipa", "3.49", "400 g", _STD),
    ("Instant cocoa drink powder", "Čokolada Lipa", "2.99", "400 g", _STD),
)

_SNACKS_AND_SWEETS: tuple[_Row, ...] = (
    ("Milk chocolate bar", "Čokolada Lipa", "1.49", "100 g", _STD),
    ("Dark chocolate 70 %", "Čokolada Lipa", "1.99", "100 g", _STD),
    ("Milk chocolate with hazelnuts", "Čokolada Lipa", "1.79", "100 g", _STD),
    ("Chocolate pralines", "Čokolada Lipa", "6.99", "200 g", _STD),
    ("Wafers with hazelnut cream", "Slatki Kutak", "1.29", "150 g", _STD),
    ("Butter biscuits", "Slatki Kutak", "1.19", "200 g", _STD),
    ("Chocolate chip cookies", "Slatki Kutak", "2.29", "225 g", _STD),
    ("Honey gingerbread biscuits", "Slatki Kutak", "2.49", "250 g", _STD),
    ("Chocolate-coated biscuits", "Slatki Kutak", "1.69", "150 g", _STD),
    ("Fruit gums", "Slatki Kutak", "1.39", "200 g", _STD),
    ("Sour jelly worms", "Slatki Kutak", "1.39", "200 g", _STD),
    ("Caramel toffees", "Slatki Kutak", "1.89", "150 g", _STD),
    ("Peppermint chewing gum", "Slatki Kutak", "1.29", "10 pcs", _STD),
    ("Salted potato crisps", "Hrskavo", "1.79", "150 g", _STD),
    ("Paprika potato crisps", "Hrskavo", "1.79", "150 g", _STD),
    ("Sour cream and onion crisps", "Hrskavo", "1.79", "150 g", _STD),
    ("Tortilla chips, lightly salted", "Hrskavo", "1.99", "200 g", _STD),
    ("Pretzel sticks", "Hrskavo", "0.99", "150 g", _STD),
    ("Peanut puffs", "Hrskavo", "1.29", "100 g", _STD),
    ("Salted crackers", "Hrskavo", "1.19", "200 g", _STD),
    ("Salted roasted peanuts", "Crunchy Bay", "1.99", "200 g", _STD),
    ("Roasted almonds", "Crunchy Bay", "3.99", "150 g", _STD),
    ("Cashew nuts", "Crunchy Bay", "3.49", "150 g", _STD),
    ("Mixed nuts and raisins", "Crunchy Bay", "2.99", "200 g", _STD),
    ("Microwave popcorn, butter", "Crunchy Bay", "1.59", "270 g", _STD),
    ("Dried apricots", "Crunchy Bay", "2.79", "200 g", _RED),
)

_BEVERAGES: tuple[_Row, ...] = (
    ("Still spring water", "Izvor Velebit", "0.59", "1.5 l", _STD),
    ("Still spring water, 6-pack", "Izvor Velebit", "3.29", "9 l", _STD),
    ("Sparkling mineral water", "Izvor Velebit", "0.79", "1.5 l", _STD),
    ("Sparkling mineral water, lemon", "Izvor Velebit", "0.89", "1.5 l", _STD),
    ("Cola", "Sokić", "1.79", "1.5 l", _STD),
    ("Cola zero sugar", "Sokić", "1.79", "1.5 l", _STD),
    ("Orange soda", "Sokić", "1.59", "1.5 l", _STD),
    ("Lemon-lime soda", "Sokić", "1.59", "1.5 l", _STD),
    ("Peach iced tea", "Sokić", "1.49", "1.5 l", _STD),
    ("Tonic water", "Sokić", "1.09", "1 l", _STD),
    ("Energy drink", "Sokić", "1.29", "250 ml", _STD),
    ("Isotonic sports drink, lemon", "Sokić", "1.39", "500 ml", _STD),
    ("Orange juice, 100 %", "Voćnjak", "2.29", "1 l", _STD),
    ("Apple juice, 100 %", "Voćnjak", "1.99", "1 l", _STD),
    ("Multivitamin nectar", "Voćnjak", "1.49", "1 l", _STD),
    ("Sour cherry nectar", "Voćnjak", "1.69", "1 l", _STD),
    ("Elderflower syrup", "Voćnjak", "3.49", "500 ml", _STD),
    ("Ground coffee, classic roast", "Kava Dalmacija", "4.99", "400 g", _STD),
    ("Espresso coffee beans", "Kava Dalmacija", "12.99", "1 kg", _STD),
    ("Instant coffee", "Kava Dalmacija", "5.49", "100 g", _STD),
    ("Coffee capsules, lungo", "Kava Dalmacija", "3.99", "10 pcs", _STD),
    ("Black tea", "Čajna Kuća", "1.79", "20 pcs", _STD),
    ("Green tea", "Čajna Kuća", "1.99", "20 pcs", _STD),
    ("Chamomile tea", "Čajna Kuća", "1.49", "20 pcs", _STD),
    ("Mint tea", "Čajna Kuća", "1.49", "20 pcs", _STD),
    ("Rosehip tea", "Čajna Kuća", "1.69", "20 pcs", _STD),
)

_BEER_WINE_AND_SPIRITS: tuple[_Row, ...] = (
    ("Lager", "Pivovara Sava", "0.99", "500 ml", _STD),
    ("Lager, 6-pack cans", "Pivovara Sava", "5.49", "3 l", _STD),
    ("Dark lager", "Pivovara Sava", "1.19", "500 ml", _STD),
    ("Lemon radler", "Pivovara Sava", "0.99", "500 ml", _STD),
    ("Pale ale", "Zagreb Craft Co.", "2.29", "330 ml", _STD),
    ("India pale ale", "Zagreb Craft Co.", "2.69", "330 ml", _STD),
    ("Wheat beer", "Zagreb Craft Co.", "2.29", "500 ml", _STD),
    ("Stout", "Zagreb Craft Co.", "2.49", "330 ml", _STD),
    ("Dry apple cider", "Zagreb Craft Co.", "1.99", "330 ml", _STD),
    ("Graševina dry white wine", "Vinarija Zlatna Brda", "5.99", "750 ml", _STD),
    ("Sparkling wine, brut", "Vinarija Zlatna Brda", "8.49", "750 ml", _STD),
    ("Red table wine", "Vinarija Zlatna Brda", "4.49", "1 l", _STD),
    ("Malvazija dry white wine", "Vinarija Mirna", "7.49", "750 ml", _STD),
    ("Teran red wine", "Vinarija Mirna", "8.99", "750 ml", _STD),
    ("Plavac Mali red wine", "Vinarija Pelješac", "11.99", "750 ml", _STD),
    ("Pošip white wine", "Vinarija Pelješac", "9.99", "750 ml", _STD),
    ("Rosé wine", "Vinarija Pelješac", "6.99", "750 ml", _STD),
    ("Plum brandy", "Destilerija Bilje", "14.99", "700 ml", _STD),
    ("Herbal brandy", "Destilerija Bilje", "13.99", "700 ml", _STD),
    ("Maraschino cherry liqueur", "Destilerija Bilje", "16.99", "700 ml", _STD),
    ("Vodka", "Destilerija Bilje", "11.99", "700 ml", _STD),
    ("London dry gin", "Destilerija Bilje", "18.99", "700 ml", _STD),
    ("Blended Scotch whisky", "Highland Glen", "19.99", "700 ml", _STD),
)

_HOUSEHOLD: tuple[_Row, ...] = (
    ("Washing-up liquid, lemon", "Čisto", "1.49", "500 ml", _STD),
    ("Dishwasher tablets, all in one", "Čisto", "7.99", "40 pcs", _STD),
    ("Dishwasher salt", "Čisto", "1.49", "1.5 kg", _STD),
    ("All-purpose cleaner spray", "Čisto", "2.49", "750 ml", _STD),
    ("Bathroom cleaner spray", "Čisto", "2.79", "750 ml", _STD),
    ("Toilet cleaner gel", "Čisto", "1.99", "750 ml", _STD),
    ("Glass cleaner", "Čisto", "1.99", "500 ml", _STD),
    ("Bleach", "Čisto", "1.29", "1 l", _STD),
    ("Laundry detergent, liquid", "Blistra", "9.99", "2 l", _STD),
    ("Laundry powder, colour", "Blistra", "8.49", "3 kg", _STD),
    ("Fabric softener, spring fresh", "Blistra", "3.99", "1 l", _STD),
    ("Toilet paper, 3-ply", "Mekana", "4.99", "10 pcs", _STD),
    ("Kitchen towels", "Mekana", "2.49", "2 pcs", _STD),
    ("Paper tissues", "Mekana", "1.49", "10 pcs", _STD),
    ("Aluminium foil", "Aisle Basics", "2.29", "1 pcs", _STD),
    ("Cling film", "Aisle Basics", "1.79", "1 pcs", _STD),
    ("Baking paper", "Aisle Basics", "1.49", "1 pcs", _STD),
    ("Bin bags, 35 l", "Aisle Basics", "1.99", "30 pcs", _STD),
    ("Freezer bags", "Aisle Basics", "1.29", "50 pcs", _STD),
    ("Kitchen sponges", "Aisle Basics", "1.19", "5 pcs", _STD),
    ("Tealight candles", "Aisle Basics", "2.49", "50 pcs", _STD),
    ("AA alkaline batteries", "Aisle Basics", "4.99", "4 pcs", _STD),
)

_HEALTH_AND_BEAUTY: tuple[_Row, ...] = (
    ("Shampoo for normal hair", "Lavanda Hvar", "3.49", "400 ml", _STD),
    ("Conditioner", "Lavanda Hvar", "3.49", "400 ml", _STD),
    ("Lavender shower gel", "Lavanda Hvar", "2.49", "500 ml", _STD),
    ("Liquid hand soap", "Lavanda Hvar", "1.79", "500 ml", _STD),
    ("Olive oil bar soap", "Lavanda Hvar", "1.29", "100 g", _STD),
    ("Anti-dandruff shampoo", "Koža+", "4.29", "400 ml", _STD),
    ("Deodorant spray, men", "Koža+", "2.99", "150 ml", _STD),
    ("Roll-on deodorant, women", "Koža+", "2.79", "50 ml", _STD),
    ("Body lotion", "Koža+", "4.49", "400 ml", _STD),
    ("Hand cream", "Koža+", "2.49", "100 ml", _STD),
    ("Sun cream SPF 30", "Koža+", "9.99", "200 ml", _STD),
    ("Lip balm", "Koža+", "1.99", "5 g", _STD),
    ("Disposable razors", "Koža+", "4.49", "5 pcs", _STD),
    ("Whitening toothpaste", "Dentisan", "2.49", "75 ml", _STD),
    ("Sensitive toothpaste", "Dentisan", "3.29", "75 ml", _STD),
    ("Toothbrushes, medium", "Dentisan", "1.99", "2 pcs", _STD),
    ("Mouthwash", "Dentisan", "3.99", "500 ml", _STD),
    ("Dental floss", "Dentisan", "2.29", "1 pcs", _STD),
    ("Cotton pads", "Mekana", "1.29", "80 pcs", _STD),
    ("Cotton buds", "Mekana", "0.99", "200 pcs", _STD),
    ("Sanitary pads, normal", "Mekana", "2.79", "16 pcs", _STD),
    ("Assorted plasters", "Ljekovito", "2.49", "20 pcs", _STD),
    ("Vitamin C effervescent tablets", "Ljekovito", "2.99", "20 pcs", _STD),
)

_BABY: tuple[_Row, ...] = (
    ("Infant formula, from birth", "Mali Medo", "14.99", "800 g", _LOW),
    ("Follow-on formula, from 6 months", "Mali Medo", "13.99", "800 g", _LOW),
    ("Baby rice cereal", "Mali Medo", "2.99", "200 g", _LOW),
    ("Apple and pear purée", "Mali Medo", "0.99", "125 g", _LOW),
    ("Vegetable and chicken purée", "Mali Medo", "1.49", "190 g", _LOW),
    ("Banana and apple fruit pouch", "Mali Medo", "1.19", "100 g", _LOW),
    ("Baby biscuits", "Mali Medo", "1.99", "180 g", _LOW),
    ("Nappies, size 3", "Bebica", "9.99", "52 pcs", _STD),
    ("Nappies, size 4", "Bebica", "9.99", "46 pcs", _STD),
    ("Nappies, size 5", "Bebica", "10.99", "40 pcs", _STD),
    ("Sensitive baby wipes", "Bebica", "1.99", "64 pcs", _STD),
    ("Baby shampoo", "Bebica", "3.49", "300 ml", _STD),
    ("Nappy rash cream", "Bebica", "4.49", "100 ml", _STD),
)

_PET: tuple[_Row, ...] = (
    ("Dry dog food, adult, chicken", "Njuška", "9.99", "3 kg", _STD),
    ("Dry dog food, puppy", "Njuška", "6.99", "1.5 kg", _STD),
    ("Wet dog food, beef chunks", "Njuška", "1.49", "400 g", _STD),
    ("Chewy dog treat sticks", "Njuška", "2.99", "180 g", _STD),
    ("Dry cat food, adult, salmon", "Mačji Brk", "5.99", "1.5 kg", _STD),
    ("Dry cat food, sterilised", "Mačji Brk", "6.49", "1.5 kg", _STD),
    ("Wet cat food pouches, fish selection", "Mačji Brk", "4.49", "12 pcs", _STD),
    ("Wet cat food, chicken in jelly", "Mačji Brk", "0.69", "85 g", _STD),
    ("Crunchy cat treats", "Mačji Brk", "1.79", "60 g", _STD),
    ("Clumping cat litter", "Mačji Brk", "5.49", "10 l", _STD),
    ("Wild bird seed mix", "Zoo Vrt", "2.49", "1 kg", _STD),
    ("Tropical fish flakes", "Zoo Vrt", "3.29", "100 ml", _STD),
)

_PACKAGED: tuple[_Department, ...] = (
    _Department(name="Bakery", aisle="Bakery", fixture="Rack", slot="shelf", rows=_BAKERY),
    _Department(name="Dairy & Eggs", aisle="Aisle 1", fixture="Chiller", slot="shelf", rows=_DAIRY),
    _Department(
        name="Meat & Fish", aisle="Aisle 2", fixture="Chiller", slot="shelf", rows=_MEAT_AND_FISH
    ),
    _Department(name="Deli", aisle="Aisle 3", fixture="Chiller", slot="shelf", rows=_DELI),
    _Department(name="Frozen", aisle="Aisle 4", fixture="Freezer", slot="shelf", rows=_FROZEN),
    _Department(name="Pantry", aisle="Aisle 5", fixture="Bay", slot="shelf", rows=_PANTRY),
    _Department(
        name="Breakfast & Cereal", aisle="Aisle 6", fixture="Bay", slot="shelf", rows=_BREAKFAST
    ),
    _Department(
        name="Snacks & Sweets",
        aisle="Aisle 7",
        fixture="Bay",
        slot="shelf",
        rows=_SNACKS_AND_SWEETS,
    ),
    _Department(name="Beverages", aisle="Aisle 8", fixture="Bay", slot="shelf", rows=_BEVERAGES),
    _Department(
        name="Beer, Wine & Spirits",
        aisle="Aisle 9",
        fixture="Bay",
        slot="shelf",
        rows=_BEER_WINE_AND_SPIRITS,
        age_restricted=True,
    ),
    _Department(name="Household", aisle="Aisle 10", fixture="Bay", slot="shelf", rows=_HOUSEHOLD),
    _Department(
        name="Health & Beauty",
        aisle="Aisle 11",
        fixture="Bay",
        slot="shelf",
        rows=_HEALTH_AND_BEAUTY,
    ),
    _Department(name="Baby", aisle="Aisle 12", fixture="Bay", slot="shelf", rows=_BABY),
    _Department(name="Pet", aisle="Aisle 13", fixture="Bay", slot="shelf", rows=_PET),
)

# (promotion id, product name, special price); the label is written from the price.
_PRICE_REDUCTIONS: tuple[tuple[str, str, str], ...] = (
    ("tpr-2026-bananas", "Bananas", "1.19"),
    ("tpr-2026-vine-tomatoes", "Vine tomatoes", "2.79"),
    ("tpr-2026-coffee", "Ground coffee, classic roast", "3.99"),
    ("tpr-2026-olive-oil", "Extra virgin olive oil", "7.99"),
    ("tpr-2026-salmon", "Atlantic salmon fillets", "5.49"),
    ("tpr-2026-greek-yogurt", "Greek-style yogurt", "1.39"),
    ("tpr-2026-pizza", "Pizza margherita", "2.29"),
    ("tpr-2026-crisps", "Paprika potato crisps", "1.29"),
    ("tpr-2026-lager-6-pack", "Lager, 6-pack cans", "4.49"),
    ("tpr-2026-detergent", "Laundry detergent, liquid", "7.49"),
    ("tpr-2026-nappies", "Nappies, size 4", "8.49"),
)

_PER_SHELF = 5
_UNITS: dict[str, tuple[str, int]] = {
    "g": ("g", 1),
    "kg": ("g", 1000),
    "ml": ("ml", 1),
    "l": ("ml", 1000),
    "pcs": ("pcs", 1),
}


def demo_products() -> list[Product]:
    """Every product of the demo store, in shelf order; the same list on every call."""
    products = _produce()
    for department in _PACKAGED:
        products += [_packaged(row, department, index) for index, row in enumerate(department.rows)]
    seen: dict[str, str] = {}
    for product in products:
        if product.gtin in seen:
            raise ValueError(f"{product.name}: GTIN {product.gtin} is already {seen[product.gtin]}")
        seen[product.gtin] = product.name
    return products


def demo_price_reductions(now: datetime) -> list[PriceReduction]:
    """The demo store's weekly deals: started a day before ``now``, running for 30 days."""
    by_name = {product.name: product for product in demo_products()}
    reductions = []
    for promotion_id, name, price in _PRICE_REDUCTIONS:
        product = by_name[name]
        special = Money.parse(price, DEMO_CURRENCY)
        per_kg = " / kg" if product.sold_by is SoldBy.WEIGHT else ""
        reductions.append(
            PriceReduction(
                promotion_id=promotion_id,
                gtin=product.gtin,
                price=special,
                starts_at=now - timedelta(days=1),
                ends_at=now + timedelta(days=30),
                label=f"Weekly deal: €{special}{per_kg}",
            )
        )
    return reductions


def _produce() -> list[Product]:
    products = [
        Product(
            gtin=_gtin("2000000" + plu.zfill(5)),
            name=name,
            brand=brand,
            department="Produce",
            price=Money.parse(price, DEMO_CURRENCY),
            tax_class=_LOW,
            sold_by=SoldBy.WEIGHT,
            plu=plu,
            aisle="Produce",
            shelf=_place("Stand", "crate", index),
        )
        for index, (plu, name, brand, price) in enumerate(_WEIGHED_PRODUCE)
    ]
    each = _Department(name="Produce", aisle="Produce", fixture="Stand", slot="crate", rows=())
    first = len(products)
    products += [_packaged(row, each, first + i) for i, row in enumerate(_PRODUCE_EACH)]
    return products


def _packaged(row: _Row, department: _Department, index: int) -> Product:
    name, brand, price, content, tax_class = row
    return Product(
        gtin=_gtin("385" + _company_prefix(brand) + _item_reference(name)),
        name=name,
        brand=brand,
        department=department.name,
        price=Money.parse(price, DEMO_CURRENCY),
        tax_class=tax_class,
        net_content=_net_content(content),
        age_restricted=department.age_restricted,
        aisle=department.aisle,
        shelf=_place(department.fixture, department.slot, index),
    )


def _company_prefix(brand: str) -> str:
    # crc32, unlike hash(), is the same in every process, so GTINs survive a restart.
    return f"{1000 + zlib.crc32(brand.encode()) % 9000:04d}"


def _item_reference(name: str) -> str:
    return f"{zlib.crc32(name.encode()) % 100_000:05d}"


def _gtin(first_twelve: str) -> str:
    return normalise_gtin(first_twelve + str(gs1_standard_check_digit(first_twelve)))


def _place(fixture: str, slot: str, index: int) -> str:
    return f"{fixture} {index // _PER_SHELF + 1}, {slot} {index % _PER_SHELF + 1}"


def _net_content(text: str) -> NetContent:
    amount, _, unit = text.partition(" ")
    if unit not in _UNITS:
        raise ValueError(f"Net content {text!r}: expected an amount and g, kg, ml, l or pcs")
    base, factor = _UNITS[unit]
    exact = Decimal(amount) * factor
    if exact != exact.to_integral_value():
        raise ValueError(f"Net content {text!r}: expected a whole number of {base}")
    return NetContent(amount=int(exact), unit=base)

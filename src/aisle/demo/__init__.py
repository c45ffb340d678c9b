"""The demo store: a catalog and promotions that ``aisle demo`` loads on first start."""

from aisle.cli import app

app(prog_name="aisle")

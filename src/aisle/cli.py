"""The ``aisle`` command: run the demo store or a real one, migrate, add devices and staff."""

from __future__ import annotations

import contextlib
import gc
import os
import secrets
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer
from pydantic import SecretStr, ValidationError
from rich.console import Console
from rich.progress import Progress

from aisle.adapters.db.migrate import upgrade
from aisle.bootstrap import Services, bootstrap
from aisle.cli_import import import_app
from aisle.cli_price import price
from aisle.cli_simulate import simulate_command
from aisle.domain.errors import DomainError
from aisle.domain.money import Money
from aisle.domain.pricing import PromotionFileError, rule_document
from aisle.domain.store import Layout, LayoutError, parse_layout
from aisle.services.access import ROLES
from aisle.settings import Settings

app = typer.Typer(help="Aisle: open smart-cart checkout for grocery stores.", no_args_is_help=True)
db_app = typer.Typer(help="The store database.", no_args_is_help=True)
device_app = typer.Typer(help="Cart devices (the tablets on the carts).", no_args_is_help=True)
staff_app = typer.Typer(help="Staff accounts.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(device_app, name="device")
app.add_typer(staff_app, name="staff")
app.add_typer(import_app, name="import")
app.command("price")(price)
app.command("simulate")(simulate_command)

console = Console()
err = Console(stderr=True, soft_wrap=True)

DEMO_DIR = Path(".aisle-demo")
DEMO_PROMOTIONS = Path(__file__).parent / "demo" / "promotions.yaml"
DEMO_MEMBER = "4000123"  # the demo's loyalty card
DEMO_LIST_MEMBER = "4000124"  # a demo member with a shopping list on their account
DEMO_LAYOUT = Path(__file__).parent / "demo" / "layout.yaml"


def _settings(**overrides: object) -> Settings:
    """Read AISLE_* settings; a demo data folder keeps its own generated secret."""
    demo = bool(overrides.get("demo")) or os.environ.get("AISLE_DEMO", "").lower() in (
        "1",
        "true",
        "yes",
    )
    if demo:
        data_dir = Path(os.environ.get("AISLE_DATA_DIR") or DEMO_DIR)
        overrides.setdefault("data_dir", data_dir)
        if not os.environ.get("AISLE_SECRET_KEY"):
            overrides["secret_key"] = SecretStr(_demo_secret(data_dir))
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        for problem in error.errors():
            err.print(f"[red]Configuration error:[/red] {problem['msg']}")
        raise typer.Exit(2) from None


def _demo_secret(data_dir: Path) -> str:
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(48)
    path.write_text(secret)
    path.chmod(0o600)
    return secret


def _services(settings: Settings, migrate: bool = True) -> Services:
    services = bootstrap(settings)
    if migrate:
        upgrade(services.engine)
    return services


def _fail(error: DomainError) -> typer.Exit:
    err.print(f"[red]{error.message}[/red]")
    return typer.Exit(1)


@app.command()
def demo(
    host: Annotated[
        str, typer.Option(help="Address to listen on (0.0.0.0 for phones on the LAN)")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8000,
) -> None:
    """Run the demo store: SQLite in ./.aisle-demo, demo catalog, a cart device, a staff login."""
    from aisle.demo.catalog import (
        DEMO_TAX_CLASSES,
        demo_price_reductions,
        demo_products,
    )

    settings = _settings(demo=True, host=host, port=port)
    services = _services(settings)
    if services.catalog.product_count() == 0:
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task("Loading the demo catalog", total=1)
            products = demo_products()
            count = services.catalog.load(
                tax_classes=DEMO_TAX_CLASSES,
                products=products,
                reductions=demo_price_reductions(datetime.now(UTC)),
            )
            progress.advance(task)
        console.print(f"Loaded the demo catalog: {count} products")
    if not services.promotions.stored():
        loaded = services.promotions.import_file(DEMO_PROMOTIONS)
        console.print(f"Loaded the demo promotions: {loaded.rules} rules")
    if services.members.get(DEMO_MEMBER) is None:  # its digital coupon is in promotions.yaml
        services.members.add(DEMO_MEMBER, name="Demo shopper", coupons=["APP-PRALINES"])
    if services.members.get(DEMO_LIST_MEMBER) is None:  # a member whose list comes along
        services.members.add(
            DEMO_LIST_MEMBER,
            name="Demo shopper with a list",
            shopping_list="2 milk, eggs, bananas, bread, coffee",
        )
    if services.finder.store_map() is None:
        layout = services.finder.load_layout(DEMO_LAYOUT.read_text(encoding="utf-8"))
        console.print(f"Loaded the demo layout: {len(layout.aisles)} aisles")
    token = _demo_device(services, settings.data_dir)
    with contextlib.suppress(DomainError):  # the demo login is there from an earlier start
        services.access.add_staff("demo", "demo", "manager", allow_weak_password=True)
    base = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}"
    console.print(f"[bold]Aisle demo store[/bold] on SQLite at {settings.resolved_database_url}")
    console.print(f"Cart screen:  {base}/cart#device={token}", soft_wrap=True)
    console.print(f"Staff page:   {base}/staff  (user demo, password demo)", soft_wrap=True)
    console.print(f"API docs:     {base}/docs", soft_wrap=True)
    console.print(f"Loyalty card: {DEMO_MEMBER}  (a demo member)", soft_wrap=True)
    console.print(
        f"Loyalty card: {DEMO_LIST_MEMBER}  (a member with a shopping list)", soft_wrap=True
    )
    sys.stdout.flush()
    _run(settings, services)


def _demo_device(services: Services, data_dir: Path) -> str:
    path = data_dir / "demo_device_token"
    if path.exists():
        token = path.read_text().strip()
        if services.access.device_for(token) is not None:
            return token
    n = 1
    while True:
        try:
            _, token = services.access.add_device(f"demo-cart-{n}")
            break
        except DomainError:
            n += 1
    path.write_text(token)
    path.chmod(0o600)
    return token


def _run(settings: Settings, services: Services) -> None:
    import uvicorn

    from aisle.api.app import create_app

    application = create_app(settings, services)
    # Everything built so far lives as long as the server: keep the collector from walking it
    # again and again (full collections over it paused the server ~100 ms twice a minute).
    gc.collect()
    gc.freeze()
    uvicorn.run(
        application, host=settings.host, port=settings.port, log_level="warning", access_log=False
    )


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on")] = None,
) -> None:
    """Run the store server with the AISLE_* configuration (run `aisle db upgrade` first)."""
    overrides: dict[str, object] = {}
    if host:
        overrides["host"] = host
    if port:
        overrides["port"] = port
    settings = _settings(**overrides)
    services = _services(settings, migrate=False)
    _require_current_schema(services)
    console.print(f"Aisle store server on http://{settings.host}:{settings.port}")
    console.print(
        f"Cart screen:  http://{settings.host}:{settings.port}/cart#device=<device token>"
    )
    console.print(f"Staff page:   http://{settings.host}:{settings.port}/staff")
    _run(settings, services)


def _require_current_schema(services: Services) -> None:
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from aisle.adapters.db.migrate import alembic_config

    head = ScriptDirectory.from_config(alembic_config(services.engine)).get_current_head()
    with services.engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
    if current != head:
        err.print(
            f"[red]The database schema is at {current or 'nothing'}, this server needs {head}: "
            "run `aisle db upgrade` first.[/red]"
        )
        raise typer.Exit(1)


recall_app = typer.Typer(help="Recalled batches: never sold.", no_args_is_help=True)
app.add_typer(recall_app, name="recall")


@recall_app.command("add")
def recall_add(
    gtin: Annotated[str, typer.Argument(help="The product's GTIN")],
    batch: Annotated[str, typer.Argument(help="The batch or lot, as printed (GS1 AI 10)")],
    reason: Annotated[str, typer.Option(help="Why, for the staff")] = "",
) -> None:
    """Recall a batch of a product: carts refuse it when its 2D code is scanned."""
    services = _services(_settings())
    try:
        lot = services.catalog.recall(gtin, batch, reason)
    except DomainError as error:
        raise _fail(error) from None
    console.print(f"Recalled batch {lot.batch} of {lot.gtin14}")


catalog_app = typer.Typer(help="The catalog: prices and their history.", no_args_is_help=True)
app.add_typer(catalog_app, name="catalog")


@catalog_app.command("set-price")
def set_price(
    gtin: Annotated[str, typer.Argument(help="The product's GTIN")],
    price: Annotated[str, typer.Argument(help="The new price, such as 1.29")],
    effective_from: Annotated[
        datetime | None,
        typer.Option("--from", help="When it takes effect (ISO date or time); default now"),
    ] = None,
    store: Annotated[str, typer.Option(help="Only this store's price list")] = "",
) -> None:
    """Schedule a price change; the price before it stays in the history, never edited."""
    settings = _settings()
    services = _services(settings)
    try:
        amount = Money.parse(price, settings.currency)
    except ValueError as error:
        err.print(f"[red]{error}[/red]")
        raise typer.Exit(1) from None
    when = effective_from
    if when is not None and when.tzinfo is None:
        when = when.replace(tzinfo=ZoneInfo(settings.timezone))
    try:
        change = services.catalog.schedule_price(gtin, amount, when, store)
    except DomainError as error:
        raise _fail(error) from None
    console.print(f"{change.gtin}: {change.price} from {change.effective_from.isoformat()}")


@catalog_app.command("history")
def price_history(gtin: Annotated[str, typer.Argument(help="The product's GTIN")]) -> None:
    """Every price a product has had, when each took effect, and where it came from."""
    from rich.table import Table

    services = _services(_settings())
    table = Table(title=f"Prices of {gtin}")
    for column in ("from", "price", "store", "source"):
        table.add_column(column)
    for change in services.catalog.price_history(gtin):
        table.add_row(
            change.effective_from.isoformat(),
            str(change.price),
            change.store or "all",
            change.source,
        )
    console.print(table)


promotions_app = typer.Typer(
    help="Promotion rules: multibuys, meal deals, member prices, coupons, spend offers.",
    no_args_is_help=True,
)
app.add_typer(promotions_app, name="promotions")


@promotions_app.command("import")
def promotions_import(
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, help="A promotions file, .yaml or .json")
    ],
) -> None:
    """Check a promotions file against the catalog and store its rules: all of them or none."""
    from rich.table import Table

    services = _services(_settings())
    try:
        report = services.promotions.import_file(file)
    except PromotionFileError as error:
        count = len(error.problems)
        err.print(
            f"[red]{file.name}: {count} problem{'s' if count > 1 else ''}, nothing imported[/red]"
        )
        for problem in error.problems:
            err.print(f"  {problem}", markup=False, highlight=False)
        raise typer.Exit(1) from None
    table = Table(title=f"Promotions from {report.source}")
    for column in ("rules", "new", "updated", "unchanged"):
        table.add_column(column, justify="right")
    table.add_row(
        *(f"{n:,}" for n in (report.rules, report.added, report.updated, report.unchanged))
    )
    console.print(table)


@promotions_app.command("list")
def promotions_list(
    everything: Annotated[
        bool, typer.Option("--all", help="Ended and future rules too, not only the live ones")
    ] = False,
) -> None:
    """The store's promotion rules: live now, or all of them with --all."""
    from rich.table import Table

    services = _services(_settings())
    now = datetime.now(UTC)
    stored = services.promotions.stored()
    shown = [
        s for s in stored if everything or s.offer.when.starts_at <= now < s.offer.when.ends_at
    ]
    table = Table(title="Promotions" if everything else "Live promotions")
    for column in ("id", "kind", "name", "from", "until", "source"):
        table.add_column(column)
    for rule in shown:
        table.add_row(
            rule.offer.id,
            str(rule_document(rule.offer)["kind"]),
            rule.offer.name,
            rule.offer.when.starts_at.isoformat(),
            rule.offer.when.ends_at.isoformat(),
            rule.source,
        )
    console.print(table)
    if not everything and len(shown) < len(stored):
        console.print(f"{len(stored) - len(shown)} more not live now: --all shows them")


layout_app = typer.Typer(
    help="The store's layout: aisles, bays, entrance, exit (docs/store-layout.md).",
    no_args_is_help=True,
)
app.add_typer(layout_app, name="layout")


def _read_layout(file: Path) -> tuple[str, Layout]:
    text = file.read_text(encoding="utf-8")
    try:
        return text, parse_layout(text)
    except LayoutError as error:
        count = len(error.problems)
        err.print(
            f"[red]{file.name}: {count} problem{'s' if count > 1 else ''}, nothing loaded[/red]"
        )
        for problem in error.problems:
            err.print(f"  {problem}", markup=False, highlight=False)
        raise typer.Exit(1) from None


@layout_app.command("check")
def layout_check(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="A layout file")],
) -> None:
    """Check a layout file without loading it: every problem, with its line."""
    _, layout = _read_layout(file)
    bays = sum(a.bays for a in layout.aisles)
    console.print(f"{file.name}: {layout.name}, {len(layout.aisles)} aisles, {bays} bays: fine")


@layout_app.command("load")
def layout_load(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="A layout file")],
) -> None:
    """Check a layout file and make it the store's layout; then say which products it can't
    place (their aisle or bay is not on it)."""
    text, _ = _read_layout(file)
    services = _services(_settings())
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("Loading the layout and its walking distances", total=2)
        layout = services.finder.load_layout(text)
        progress.advance(task)
        services.finder.store_map()
        unplaced = services.finder.unplaced()
        progress.advance(task)
    console.print(f"Loaded {layout.name}: {len(layout.aisles)} aisles")
    if unplaced:
        console.print(f"[yellow]{len(unplaced):,} products are not on the map[/yellow], such as:")
        for place, problem in unplaced[:10]:
            console.print(f"  {place.gtin} {place.name}: {problem}", markup=False)
        console.print("The staff page's map lists them all.")


members_app = typer.Typer(help="Loyalty members and their digital coupons.", no_args_is_help=True)
app.add_typer(members_app, name="members")


@members_app.command("add")
def members_add(
    member_id: Annotated[str, typer.Argument(help="The code on the member's loyalty card")],
    name: Annotated[str | None, typer.Option(help="The member's name")] = None,
    coupon: Annotated[
        list[str] | None,
        typer.Option(help="A digital coupon code to load to the account (repeatable)"),
    ] = None,
    shopping_list: Annotated[
        str | None,
        typer.Option(
            "--list", help='The shopping list kept on the account: "2 milk, eggs, bananas"'
        ),
    ] = None,
) -> None:
    """Add a loyalty member, or load more digital coupons (or a shopping list) to one."""
    services = _services(_settings())
    try:
        member = services.members.add(
            member_id, name=name, coupons=coupon or (), shopping_list=shopping_list
        )
    except DomainError as error:
        raise _fail(error) from None
    coupons = ", ".join(member.coupons) or "none"
    console.print(f"Member {member.member_id} {member.name}".rstrip() + f": coupons {coupons}")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the database schema to the newest version."""
    settings = _settings()
    services = _services(settings)
    console.print(f"Database at the newest schema: {services.engine.url.render_as_string()}")


@device_app.command("add")
def device_add(
    name: Annotated[str, typer.Argument(help="A name for the cart, such as cart-17")],
) -> None:
    """Register a cart device and print its token (shown once: put it in the cart's settings)."""
    services = _services(_settings())
    try:
        _, token = services.access.add_device(name)
    except DomainError as error:
        raise _fail(error) from None
    print(token)


@staff_app.command("add")
def staff_add(
    username: Annotated[str, typer.Argument(help="Login name")],
    role: Annotated[str, typer.Option(help=f"One of: {', '.join(ROLES)}")] = "associate",
    password_stdin: Annotated[
        bool, typer.Option(help="Read the password from standard input")
    ] = False,
) -> None:
    """Add a staff account (the password is asked for, or read from stdin)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    services = _services(_settings())
    try:
        member = services.access.add_staff(username, password, role)
    except DomainError as error:
        raise _fail(error) from None
    console.print(f"Added {member.role} {member.username}")

"""Camera-frame decoding: how many of zxing-cpp's retail sample photos decode to the right text.

Every image ``N.<png|webp|jpg>`` in ``zxing-retail-samples/<folder>/`` has ``N.txt`` beside it
with the text it holds (``N.result.txt`` files are per-folder expectations, not samples). An
image counts as decoded when one of the codes found in it has exactly that text. Where a
folder's expectation is an EAN add-on (``symbologyIdentifier=]E3``), the text is cut to its
main 13 digits: the cart identifies a product by its main code and does not read add-ons.

Each image is decoded as is, then turned a quarter turn (``--no-rotated`` skips that): the
folders hold photos at many angles, and a cart's camera holds the product any way up. Time per
image is the whole of `decode_image` (image decoding included) on the upright image.

The in-run comparison is plain ``zxingcpp.read_barcodes`` with its default options on the image
as Pillow opens it, compared on the symbol's content (its default HRI text mode brackets GS1
AIs, which would make every DataBar a miss for a reason that has nothing to do with reading).

    python benchmarks/decode.py            # every folder, upright and rotated
    python benchmarks/decode.py --quick    # a few folders, upright only

The samples come from ``../shared/data`` relative to the project (or ``$AISLE_SHARED_DATA``).
The last line of stdout is one JSON object with the headline figures.
"""

from __future__ import annotations

import io
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import typer
import zxingcpp
from PIL import Image
from rich.console import Console
from rich.table import Table

from aisle.adapters.scanners.camera import DecodedBarcode, decode_image, load_image, read_frame

ROOT = Path(__file__).resolve().parent.parent
IMAGE_SUFFIXES = (".png", ".webp", ".jpg", ".jpeg")
QUICK_FOLDERS = ("ean13-1", "ean8-1", "upca-1", "upce-1", "rss14-1", "rssexpanded-2")


@dataclass(slots=True)
class FolderResult:
    name: str
    images: int = 0
    decoded: int = 0
    wrong: int = 0  # something was decoded, but not the expected text
    baseline: int = 0
    rotated: int = 0
    failures: list[str] = field(default_factory=list)


def samples_folder() -> Path:
    shared = Path(os.environ.get("AISLE_SHARED_DATA", ROOT.parent / "shared" / "data"))
    return shared / "zxing-retail-samples"


def folder_expectation(folder: Path) -> dict[str, str]:
    """The ``key=value`` lines of the folder's ``*.result.txt`` files."""
    found: dict[str, str] = {}
    for path in sorted(folder.glob("*.result.txt")):
        for line in path.read_text().splitlines():
            key, _, value = line.partition("=")
            if value:
                found[key.strip()] = value.strip()
    return found


def samples(folder: Path) -> list[tuple[Path, str]]:
    """(image, expected text) for every image that has a ``.txt`` beside it."""
    add_on = folder_expectation(folder).get("symbologyIdentifier") == "]E3"
    found = []
    for image in sorted(folder.iterdir()):
        text_file = image.with_suffix(".txt")
        if image.suffix.lower() in IMAGE_SUFFIXES and text_file.exists():
            expected = text_file.read_text()
            found.append((image, expected[:13] if add_on else expected))
    return found


def baseline_texts(data: bytes) -> list[str]:
    with Image.open(io.BytesIO(data)) as image:
        return [code.bytes.decode("latin-1") for code in zxingcpp.read_barcodes(image)]


def _texts(codes: list[DecodedBarcode]) -> list[str]:
    return [code.text for code in codes]


def run_folder(
    folder: Path, *, rotated: bool, timings: list[float], progress: Callable[[str], None]
) -> FolderResult:
    result = FolderResult(folder.name)
    for image, expected in samples(folder):
        data = image.read_bytes()
        started = time.perf_counter()
        texts = _texts(decode_image(data))
        timings.append(time.perf_counter() - started)
        result.images += 1
        if expected in texts:
            result.decoded += 1
        else:
            result.failures.append(image.name)
            result.wrong += bool(texts)
        result.baseline += expected in baseline_texts(data)
        if rotated:
            frame = load_image(data).rotate(90, expand=True)
            result.rotated += expected in _texts(read_frame(frame))
    progress(folder.name)
    return result


def _rate(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def _percentile(values: list[float], q: int) -> float:
    if len(values) < 2:
        return round(values[0] * 1000, 2) if values else 0.0
    return round(statistics.quantiles(values, n=100, method="inclusive")[q - 1] * 1000, 2)


def headline(results: list[FolderResult], timings: list[float], rotated: bool) -> dict[str, Any]:
    images = sum(r.images for r in results)
    decoded = sum(r.decoded for r in results)
    baseline = sum(r.baseline for r in results)
    figures: dict[str, Any] = {
        "benchmark": "decode",
        "images": images,
        "decoded": decoded,
        "rate": _rate(decoded, images),
        "wrong": sum(r.wrong for r in results),
        "baseline_decoded": baseline,
        "baseline_rate": _rate(baseline, images),
        "per_folder": {
            r.name: {"images": r.images, "decoded": r.decoded, "rate": _rate(r.decoded, r.images)}
            for r in results
        },
        "p50_ms": _percentile(timings, 50),
        "p99_ms": _percentile(timings, 99),
    }
    if rotated:
        turned = sum(r.rotated for r in results)
        figures["rotated_decoded"] = turned
        figures["rotated_rate"] = _rate(turned, images)
    return figures


def report(results: list[FolderResult], figures: dict[str, Any], rotated: bool) -> Table:
    table = Table(title="Decoding zxing-cpp's retail samples (configured decoder vs. defaults)")
    table.add_column("Folder", no_wrap=True)
    for heading in ("Images", "Decoded", "Rate", "Wrong", "Defaults", "Defaults rate"):
        table.add_column(heading, justify="right")
    if rotated:
        table.add_column("Turned 90°", justify="right")
    for r in results:
        row = [
            r.name,
            str(r.images),
            str(r.decoded),
            f"{_rate(r.decoded, r.images):.1%}",
            str(r.wrong),
            str(r.baseline),
            f"{_rate(r.baseline, r.images):.1%}",
        ]
        table.add_row(*row, *([str(r.rotated)] if rotated else []))
    total = [
        "Total",
        str(figures["images"]),
        str(figures["decoded"]),
        f"{figures['rate']:.1%}",
        str(figures["wrong"]),
        str(figures["baseline_decoded"]),
        f"{figures['baseline_rate']:.1%}",
    ]
    table.add_row(*total, *([str(figures["rotated_decoded"])] if rotated else []), style="bold")
    table.caption = (
        f"decode_image per image: p50 {figures['p50_ms']} ms, p99 {figures['p99_ms']} ms"
    )
    return table


app = typer.Typer(add_completion=False)


@app.command()
def main(
    quick: Annotated[bool, typer.Option(help=f"Only {', '.join(QUICK_FOLDERS)}, upright")] = False,
    rotated: Annotated[bool, typer.Option(help="Also decode each image turned 90°")] = True,
    show_failures: Annotated[bool, typer.Option(help="List the images not decoded")] = False,
) -> None:
    """Decode every sample image and report the decode rate per folder."""
    root = samples_folder()
    if not root.is_dir():
        raise typer.BadParameter(f"{root} is absent: set AISLE_SHARED_DATA to the data folder")
    folders = sorted(p for p in root.iterdir() if p.is_dir())
    if quick:
        folders = [p for p in folders if p.name in QUICK_FOLDERS]
        rotated = False
    out, err = Console(width=max(Console().width, 110)), Console(stderr=True)
    timings: list[float] = []
    results = [
        run_folder(folder, rotated=rotated, timings=timings, progress=lambda n: err.print(f"  {n}"))
        for folder in folders
    ]
    figures = headline(results, timings, rotated)
    out.print(report(results, figures, rotated))
    if show_failures:
        for r in results:
            if r.failures:
                out.print(f"[dim]{r.name}: {', '.join(r.failures)}[/dim]")
    sys.stdout.flush()
    print(json.dumps(figures, allow_nan=False))


if __name__ == "__main__":
    app()

"""The simulator's plots, as PNG files (matplotlib, no display needed)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from aisle.sim.report import Report, curve, false_alert, flagged_honest, per_1000
from aisle.sim.runner import TripOutcome

__all__ = ["write_plots"]


def write_plots(
    outcomes: Sequence[TripOutcome], result: Report, folder: Path, *, budget: int,
    baseline: Sequence[TripOutcome] | None = None,
) -> list[Path]:  # fmt: skip
    """Catch rate against review rate, false alarms over the run (and over the same trips in a
    store that does not learn, where ``baseline`` has them), catch rate by weight."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    points = curve(outcomes)
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot([p[0] for p in points], [100 * p[1] for p in points], drawstyle="steps-post")
    ax.axvline(budget, color="grey", linestyle="--", label=f"budget {budget} per 1,000")
    ax.set_xlabel("reviews per 1,000 trips")
    ax.set_ylabel("losses caught (%)")
    ax.set_title("Catch rate as the threshold moves")
    ax.set_xlim(0, max(4 * budget, 1))
    ax.legend()
    written.append(_save(fig, folder / "catch-vs-review-rate.png"))

    fig, ax = plt.subplots(figsize=(8, 5))
    runs = [("", outcomes, "-")]
    if baseline is not None:
        runs.append((", weights not learned", baseline, "--"))
    for suffix, run, style in runs:
        for which, label, colour in (
            (flagged_honest, "honest trips flagged at checkout", "tab:orange"),
            (false_alert, "false alerts: reviews, nothing unpaid", "tab:blue"),
        ):
            xs, ys = _over_run(run, which)
            ax.plot(xs, ys, style, marker="o" if style == "-" else None, markersize=3,
                    color=colour, label=label + suffix)  # fmt: skip
    ax.set_xlabel("trips so far")
    ax.set_ylabel("per 1,000 trips (each twentieth of the run)")
    ax.set_ylim(bottom=0)
    ax.set_title("False alarms as the store learns its products' weights")
    ax.legend(fontsize="small", loc="upper center", bbox_to_anchor=(0.5, -0.15), ncol=2)
    written.append(_save(fig, folder / "false-alerts-over-run.png"))

    labels = list(result.by_band)
    rates = [100 * (result.by_band[k].catch or 0.0) for k in labels]
    fig, ax = plt.subplots(figsize=(6, 4))
    bars = ax.bar(labels, rates)
    for bar, label in zip(bars, labels, strict=True):
        ax.annotate(f"n={result.by_band[label].total}", (bar.get_x() + bar.get_width() / 2,
                    bar.get_height()), ha="center", va="bottom")  # fmt: skip
    ax.set_ylim(0, 110)
    ax.set_ylabel("losses caught by review (%)")
    ax.set_title("Catch rate by the weight of what left unpaid")
    written.append(_save(fig, folder / "catch-by-weight.png"))
    return written


def _over_run(
    outcomes: Sequence[TripOutcome], which: Callable[[TripOutcome], bool]
) -> tuple[list[int], list[float]]:
    size = max(len(outcomes) // 20, 1)
    xs, ys = [], []
    for start in range(0, len(outcomes), size):
        chunk = outcomes[start : start + size]
        xs.append(start + len(chunk))
        ys.append(per_1000(chunk, which))
    return xs, ys


def _save(fig: object, path: Path) -> Path:
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    assert isinstance(fig, Figure)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path

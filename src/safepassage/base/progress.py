"""Progress bars for long commands (imports): a tqdm bar per stage on stderr, only on a
terminal and only for long inputs. Pass a ``Bars`` as an importer's
``progress(stage, done, total)``."""

from __future__ import annotations

from django.utils.translation import gettext as _
from tqdm import tqdm

# Below this many lines or rows a bar would only flicker.
BAR_THRESHOLD = 2000


class Bars:
    """``units`` names what each stage counts: (reading, writing), e.g. lines and people."""

    def __init__(self, stream, units: tuple) -> None:
        self.stream = stream
        self.units = units
        self.enabled = bool(getattr(stream, "isatty", lambda: False)())
        self.bars: dict[str, tqdm] = {}

    @classmethod
    def for_command(cls, command, units: tuple) -> Bars:
        # The raw stream: OutputWrapper would colour each redraw and end it with a newline.
        return cls(getattr(command.stderr, "_out", command.stderr), units)

    def __call__(self, stage: str, done: int, total: int) -> None:
        bar = self.bars.get(stage)
        if bar is None:
            self.close()  # the previous stage is over
            label = _("reading") if stage == "reading" else _("writing")
            bar = tqdm(
                total=total,
                desc=label,
                unit=str(self.units[0] if stage == "reading" else self.units[1]),
                file=self.stream,
                disable=not self.enabled or total < BAR_THRESHOLD,
            )
            self.bars[stage] = bar
        bar.update(done - bar.n)

    def close(self) -> None:
        for bar in self.bars.values():
            bar.close()

"""Draw the extension's toolbar and store icons (extension/icons/precis-N.png).

A page with three lines of text on the site's link blue: run it after changing the
design (``.venv/bin/python extension/tools/make_icons.py``); the PNGs are committed,
so packaging needs no Pillow.
"""

from pathlib import Path

from PIL import Image, ImageDraw

BLUE = (28, 79, 148, 255)
PAGE = (251, 250, 247, 255)
INK = (28, 79, 148, 255)
SIZES = (16, 32, 48, 128)
SCALE = 8  # drawn large, then scaled down for smooth edges


def icon(size: int) -> Image.Image:
    big = size * SCALE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=big // 5, fill=BLUE)
    left, top, right, bottom = big * 0.24, big * 0.16, big * 0.76, big * 0.84
    draw.rounded_rectangle((left, top, right, bottom), radius=big // 20, fill=PAGE)
    line = big * 0.07
    for n, width in enumerate((0.40, 0.40, 0.26)):
        y = top + big * (0.14 + 0.17 * n)
        draw.rectangle((left + big * 0.06, y, left + big * (0.06 + width), y + line), fill=INK)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    folder = Path(__file__).resolve().parent.parent / "icons"
    folder.mkdir(exist_ok=True)
    for size in SIZES:
        icon(size).save(folder / f"precis-{size}.png", optimize=True)


if __name__ == "__main__":
    main()

"""Turn an uploaded file into a figure that is safe to store and show.

What a file is comes from its bytes, never from its name or the browser's
claim. PNG, JPEG and WebP are decoded with Pillow (only those decoders are
tried), bounded in pixels before any decoding, turned upright by their EXIF
orientation, scaled down when larger than ``MAX_SIDE`` and encoded afresh:
nothing but the pixels (and a colour profile) survives, so EXIF, GPS, XMP,
comments and anything appended to the file are gone. SVG is parsed with lxml
without entities, DTDs or the network and rebuilt from an allowlist of
elements and attributes: no script, event handler, foreignObject, animation,
external reference or resource-loading CSS survives.
"""

import base64
import binascii
import io
import re
import warnings
from dataclasses import dataclass

from lxml import etree
from PIL import Image, ImageOps, UnidentifiedImageError

from .proxy import sniff_type

RASTER_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}
# Checked from the header, before any pixel is decoded: a 40-megapixel photo is fine,
# a 2 KB PNG that claims 100,000 x 100,000 pixels is a decompression bomb.
MAX_PIXELS = 40_000_000
# The longest side kept; larger images are scaled down (no page shows them wider).
MAX_SIDE = 2560
JPEG_QUALITY = 85
WEBP_QUALITY = 85
# An SVG with more elements than this is too heavy to draw on a phone.
MAX_SVG_ELEMENTS = 20_000


@dataclass(frozen=True)
class Processed:
    content: bytes
    content_type: str
    width: int | None
    height: int | None


class FigureError(Exception):
    """Why a file cannot be a figure: a message for its uploader and an HTTP status."""

    def __init__(self, message: str, *, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


NOT_AN_IMAGE = "This file is not a PNG, JPEG, WebP or SVG image."


def process(data: bytes, *, max_bytes: int) -> Processed:
    """The figure to store for the uploaded ``data``; raises FigureError."""
    if not data:
        raise FigureError("The file is empty.")
    if len(data) > max_bytes:
        raise FigureError(too_big_message(len(data), max_bytes), status=413)
    if data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        processed = _svg(data)
    else:
        processed = _raster(data)
    if len(processed.content) > max_bytes:
        raise FigureError(
            f"Re-encoded, this image takes {megabytes(len(processed.content))}, more than the "
            f"{megabytes(max_bytes)} a figure may; scale it down or save it as JPEG.",
            status=413,
        )
    return processed


def megabytes(count: int) -> str:
    return f"{count / 1024 / 1024:.1f} MB"


def too_big_message(size: int, max_bytes: int) -> str:
    return f"This file is {megabytes(size)}; a figure may be at most {megabytes(max_bytes)}."


# -- PNG, JPEG, WebP -------------------------------------------------------------------


def _raster(data: bytes) -> Processed:
    with warnings.catch_warnings():
        # Pillow only warns below twice its own limit; here that is an error too.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            return _reencode(data)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise FigureError(_too_many_pixels(), status=413) from exc
        except UnidentifiedImageError as exc:
            raise FigureError(NOT_AN_IMAGE, status=415) from exc
        except (OSError, SyntaxError, ValueError, EOFError, MemoryError) as exc:
            # Truncated data, a bad checksum, an impossible header.
            raise FigureError(
                "This image is damaged or incomplete and cannot be read; export it again.",
                status=415,
            ) from exc


def _reencode(data: bytes) -> Processed:
    with Image.open(io.BytesIO(data), formats=list(RASTER_TYPES)) as probe:
        # Many phones write MPO: a JPEG followed by more pictures (a preview, a depth
        # map). The first is the photo.
        kind = "JPEG" if probe.format == "MPO" else probe.format
        width, height = probe.size
        if width < 1 or height < 1 or width * height > MAX_PIXELS:
            raise FigureError(_too_many_pixels(), status=413)
        if kind != "JPEG" and getattr(probe, "n_frames", 1) > 1:
            raise FigureError(
                "Animated images cannot be figures; upload a still image.", status=415
            )
        probe.verify()  # every chunk's checksum, for PNG, before decoding anything
    with Image.open(io.BytesIO(data), formats=[kind]) as image:
        if kind == "JPEG":
            # Decode big photos at a fraction of their size: faster, and far less memory.
            image.draft("RGB", (MAX_SIDE, MAX_SIDE))
        image.load()
        profile = image.info.get("icc_profile")
        transparency = image.info.get("transparency")
        upright = ImageOps.exif_transpose(image)
    upright = _normalised_mode(upright, kind, transparency)
    if max(upright.size) > MAX_SIDE:
        if upright.mode in ("1", "P"):
            upright = upright.convert("RGBA" if transparency is not None else "RGB")
            transparency = None
        upright.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    upright.info = {}  # no metadata may ride along into the new file
    options: dict = {"icc_profile": profile} if profile else {}
    if kind == "PNG":
        if transparency is not None and upright.mode in ("1", "L", "P", "RGB"):
            options["transparency"] = transparency
        options["optimize"] = False
    elif kind == "JPEG":
        options.update(quality=JPEG_QUALITY, optimize=True, progressive=True)
    else:
        if _is_lossless_webp(data):
            options["lossless"] = True
        else:
            options["quality"] = WEBP_QUALITY
    out = io.BytesIO()
    upright.save(out, format=kind, **options)
    return Processed(
        content=out.getvalue(),
        content_type=RASTER_TYPES[kind],
        width=upright.width,
        height=upright.height,
    )


def _normalised_mode(image: Image.Image, kind: str, transparency) -> Image.Image:
    """Modes the target format stores as they are; anything else becomes RGB(A)."""
    keep = {"JPEG": ("L", "RGB"), "WEBP": ("RGB", "RGBA")}.get(
        kind, ("1", "L", "LA", "P", "RGB", "RGBA")
    )
    if image.mode in keep:
        return image
    has_alpha = "A" in image.mode or transparency is not None or image.mode == "P"
    return image.convert("RGBA" if has_alpha and kind != "JPEG" else "RGB")


def _is_lossless_webp(data: bytes) -> bool:
    return b"VP8L" in data[12:4096] and b"VP8 " not in data[12:4096]


def _too_many_pixels() -> str:
    return (
        f"This image has too many pixels (at most {MAX_PIXELS // 1_000_000} megapixels); "
        "scale it down first."
    )


# -- SVG -------------------------------------------------------------------------------

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"

_FILTER_PRIMITIVES = {
    "feBlend", "feColorMatrix", "feComponentTransfer", "feComposite", "feConvolveMatrix",
    "feDiffuseLighting", "feDisplacementMap", "feDistantLight", "feDropShadow", "feFlood",
    "feFuncA", "feFuncB", "feFuncG", "feFuncR", "feGaussianBlur", "feMerge", "feMergeNode",
    "feMorphology", "feOffset", "fePointLight", "feSpecularLighting", "feSpotLight", "feTile",
    "feTurbulence",
}  # fmt: skip
# Shapes, text, paint servers and filters: what drawings and plots are made of. Not
# script, foreignObject, animation (it can set attributes to anything), feImage,
# fonts, cursors or links; ``a`` keeps its content as a group.
SVG_ELEMENTS = {
    "svg", "g", "defs", "symbol", "use", "title", "desc", "switch", "style",
    "path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "image",
    "text", "tspan", "textPath",
    "linearGradient", "radialGradient", "stop", "pattern", "clipPath", "mask", "marker",
    "filter", *_FILTER_PRIMITIVES,
}  # fmt: skip
_RENAMED = {"a": "g"}
_TEXT_ELEMENTS = {"title", "desc", "text", "tspan", "textPath", "style"}
SVG_ATTRIBUTES = {
    "id", "class", "lang", "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry",
    "fx", "fy", "fr", "width", "height", "d", "points", "pathLength", "transform", "viewBox",
    "preserveAspectRatio", "version", "baseProfile",
    "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-linecap",
    "stroke-linejoin", "stroke-miterlimit", "stroke-dasharray", "stroke-dashoffset",
    "stroke-opacity", "opacity", "color", "display", "visibility", "overflow",
    "clip-path", "clip-rule", "mask", "filter", "marker-start", "marker-mid", "marker-end",
    "markerWidth", "markerHeight", "markerUnits", "refX", "refY", "orient",
    "vector-effect", "paint-order", "shape-rendering", "text-rendering", "image-rendering",
    "color-interpolation", "color-interpolation-filters", "mix-blend-mode", "isolation",
    "font-family", "font-size", "font-weight", "font-style", "font-variant", "font-stretch",
    "text-anchor", "dominant-baseline", "alignment-baseline", "baseline-shift",
    "letter-spacing", "word-spacing", "text-decoration", "writing-mode", "direction",
    "unicode-bidi", "dx", "dy", "rotate", "textLength", "lengthAdjust", "startOffset",
    "method", "spacing", "side",
    "gradientUnits", "gradientTransform", "spreadMethod", "offset", "stop-color",
    "stop-opacity", "patternUnits", "patternContentUnits", "patternTransform",
    "clipPathUnits", "maskUnits", "maskContentUnits",
    "filterUnits", "primitiveUnits", "in", "in2", "result", "stdDeviation", "mode",
    "operator", "k1", "k2", "k3", "k4", "values", "type", "flood-color", "flood-opacity",
    "lighting-color", "surfaceScale", "specularConstant", "specularExponent",
    "diffuseConstant", "azimuth", "elevation", "pointsAtX", "pointsAtY", "pointsAtZ",
    "limitingConeAngle", "z", "kernelMatrix", "kernelUnitLength", "order", "divisor", "bias",
    "targetX", "targetY", "edgeMode", "preserveAlpha", "baseFrequency", "numOctaves",
    "seed", "stitchTiles", "scale", "xChannelSelector", "yChannelSelector", "radius",
    "tableValues", "slope", "intercept", "amplitude", "exponent",
    "style", "href", f"{{{XLINK_NS}}}href", f"{{{XML_NS}}}space", f"{{{XML_NS}}}lang",
}  # fmt: skip
_FRAGMENT_RE = re.compile(r"#[A-Za-z_][\w.:-]{0,200}")
_URL_RE = re.compile(r"url\s*\(", re.IGNORECASE)
_LOCAL_URL_RE = re.compile(r"""url\(\s*(['"]?)#[A-Za-z_][\w.:-]{0,200}\1\s*\)""", re.IGNORECASE)
# Characters browsers ignore inside a scheme ("java\tscript:") go before looking.
_IGNORED_RE = re.compile(r"[\x00-\x20\x7f]+")
_BAD_VALUE_RE = re.compile(r"javascript:|vbscript:|data:|expression\(", re.IGNORECASE)
# CSS that could load something or hide what it does: at-rules (@import, @font-face),
# escapes, image()/image-set() and old browsers' script hooks.
_BAD_CSS_RE = re.compile(r"[@\\]|image(-set)?\s*\(|-moz-binding|behavior\s*:|</", re.IGNORECASE)
_DATA_IMAGE_RE = re.compile(
    r"data:(image/(?:png|jpeg|gif|webp));base64,([A-Za-z0-9+/=\s]+)", re.IGNORECASE
)
_LENGTH_RE = re.compile(r"\s*([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*(px|pt|pc|mm|cm|in)?\s*")
_PX_PER_UNIT = {None: 1.0, "px": 1.0, "pt": 4 / 3, "pc": 16.0, "mm": 96 / 25.4, "cm": 96 / 2.54,
                "in": 96.0}  # fmt: skip


def _svg(data: bytes) -> Processed:
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        dtd_validation=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise FigureError(
            "This SVG is not well-formed XML and cannot be read; export it again.", status=415
        ) from exc
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise FigureError("This SVG declares XML entities, which figures may not use.", status=415)
    if root.tag != f"{{{SVG_NS}}}svg":
        raise FigureError(NOT_AN_IMAGE, status=415)
    if sum(1 for _ in root.iter()) > MAX_SVG_ELEMENTS:
        raise FigureError(
            f"This SVG has more than {MAX_SVG_ELEMENTS:,} elements, too many to draw quickly; "
            "simplify it or upload a PNG.",
            status=413,
        )
    clean = etree.Element(f"{{{SVG_NS}}}svg", nsmap={None: SVG_NS, "xlink": XLINK_NS})
    _copy_attributes(root, clean, "svg")
    _copy_children(root, clean)
    _drop_nested_uses(clean)
    width, height = _dimensions(clean)
    content = etree.tostring(clean, xml_declaration=True, encoding="UTF-8")
    return Processed(content=content, content_type="image/svg+xml", width=width, height=height)


def _copy_children(source, target) -> None:
    keeps_text = etree.QName(target).localname in _TEXT_ELEMENTS
    if keeps_text and source.text:
        target.text = source.text
    for child in source:
        # Comments, processing instructions and entity references are not elements.
        copied = _copy_element(child, target) if isinstance(child.tag, str) else None
        if keeps_text and child.tail:
            if copied is not None:
                copied.tail = child.tail
            elif len(target):
                target[-1].tail = (target[-1].tail or "") + child.tail
            else:
                target.text = (target.text or "") + child.tail


def _copy_element(source, parent):
    name = etree.QName(source)
    if name.namespace != SVG_NS:
        return None  # editors' own elements (Inkscape, Sodipodi, RDF) and XHTML
    local = _RENAMED.get(name.localname, name.localname)
    if local not in SVG_ELEMENTS:
        return None
    if local == "image" and _image_href(source) is None:
        return None
    copied = etree.SubElement(parent, f"{{{SVG_NS}}}{local}")
    _copy_attributes(source, copied, local)
    if local == "style":
        css = source.text or ""
        if source.get("type", "text/css") != "text/css" or not _safe_css(css):
            parent.remove(copied)
            return None
        copied.text = css
        return copied
    _copy_children(source, copied)
    return copied


def _copy_attributes(source, target, local: str) -> None:
    for name, value in source.attrib.items():
        if name not in SVG_ATTRIBUTES:
            continue
        if name in ("href", f"{{{XLINK_NS}}}href"):
            kept = _image_href(source) if local == "image" else _fragment(value)
            if kept is not None:
                target.set(f"{{{XLINK_NS}}}href" if local == "image" else "href", kept)
            continue
        if name == "style":
            if _safe_css(value):
                target.set(name, value)
            continue
        if _safe_value(value):
            target.set(name, value)


def _fragment(value: str) -> str | None:
    """A reference to an element of this document ("#arrow"); nothing else may be linked."""
    value = value.strip()
    return value if _FRAGMENT_RE.fullmatch(value) else None


def _image_href(element) -> str | None:
    """An embedded raster image (a data: URL whose bytes are PNG, JPEG, GIF or WebP)."""
    value = element.get("href") or element.get(f"{{{XLINK_NS}}}href") or ""
    match = _DATA_IMAGE_RE.fullmatch(value.strip())
    if not match:
        return None
    payload = re.sub(r"\s+", "", match.group(2))
    try:
        head = base64.b64decode(payload[:64], validate=False)
    except (binascii.Error, ValueError):
        return None
    if sniff_type(head) not in ("image/png", "image/jpeg", "image/gif", "image/webp"):
        return None
    return f"data:{match.group(1).lower()};base64,{payload}"


def _safe_value(value: str) -> bool:
    squeezed = _IGNORED_RE.sub("", value)
    if _BAD_VALUE_RE.search(squeezed):
        return False
    # Paint and clip references point inside the document only: url(#gradient).
    return len(_URL_RE.findall(value)) == len(_LOCAL_URL_RE.findall(value))


def _safe_css(css: str) -> bool:
    return _safe_value(css) and not _BAD_CSS_RE.search(css)


def _drop_nested_uses(root) -> None:
    """Keep a <use> only when what it points at holds no <use> itself.

    One level is all drawings need (matplotlib's markers, repeated symbols); uses of
    uses of uses multiply, and a few kilobytes could ask a reader's browser to draw
    billions of shapes.
    """
    use_tag = f"{{{SVG_NS}}}use"
    holds_use = set()
    ids = set()
    for element in root.iter():
        identifier = element.get("id")
        if identifier:
            ids.add(identifier)
            if element.tag == use_tag or any(True for _ in element.iter(use_tag)):
                holds_use.add(identifier)
    for use in list(root.iter(use_tag)):
        target = (use.get("href") or "")[1:]
        if target not in ids or target in holds_use:
            use.getparent().remove(use)


def _dimensions(svg) -> tuple[int | None, int | None]:
    """Its size in CSS pixels, from width and height or else the viewBox; set on the root
    when missing, so that browsers size the image by its drawing, not as 300 x 150."""
    width, height = _length(svg.get("width")), _length(svg.get("height"))
    box = [_number(part) for part in re.split(r"[\s,]+", (svg.get("viewBox") or "").strip())]
    if len(box) == 4 and None not in box and box[2] > 0 and box[3] > 0:
        if width is None and height is None:
            width, height = box[2], box[3]
        elif width is None:
            width = height * box[2] / box[3]
        elif height is None:
            height = width * box[3] / box[2]
    if width is None or height is None or width <= 0 or height <= 0:
        return None, None
    width, height = max(1, round(width)), max(1, round(height))
    if svg.get("width") is None or _length(svg.get("width")) is None:
        svg.set("width", str(width))
    if svg.get("height") is None or _length(svg.get("height")) is None:
        svg.set("height", str(height))
    return width, height


def _length(value: str | None) -> float | None:
    match = _LENGTH_RE.fullmatch(value or "")
    if not match:
        return None
    return float(match.group(1)) * _PX_PER_UNIT[match.group(2)]


def _number(value: str) -> float | None:
    try:
        return float(value)
    except ValueError:
        return None

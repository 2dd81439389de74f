"""
Rights that travel: caption, credit and copyright notice written into an image file's metadata,
so that they stay with the file when a newsroom forwards it.

Every image download (originals, web sizes, the ZIPs) goes through `stamped()`. It writes
- XMP (Dublin Core, Photoshop and XMP Rights properties; what Photoshop, Lightroom, Bridge and
  the newsroom systems read) into JPEG (APP1), PNG (an iTXt chunk "XML:com.adobe.xmp") and WebP
  (an "XMP " chunk), and
- IPTC IIM (APP13, records 2:120 caption, 2:80 by-line, 2:110 credit, 2:116 copyright notice,
  2:40 usage terms, marked UTF-8) into JPEG, where older newsroom tools still look.

The pixels are not touched: the file's own segments or chunks are kept byte for byte, older XMP
and IPTC blocks are replaced. Pillow reads the result back (`Image.info["xmp"]`,
`IptcImagePlugin.getiptcinfo`). Stamping costs one copy in memory: 0.5 ms for a 10 MB JPEG
(the largest upload) on the development machine, next to reading the file; so it is done per
download, and no stamped copies are stored.
"""

import dataclasses
import io
import struct
import zlib
from xml.sax.saxutils import escape

from PIL import Image

XMP_HEADER = b"http://ns.adobe.com/xap/1.0/\x00"
PHOTOSHOP_HEADER = b"Photoshop 3.0\x00"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG_XMP_KEYWORD = b"XML:com.adobe.xmp"
CREDIT_PREFIXES = ("Foto:", "Fotos:", "Grafik:", "Bild:", "Bilder:", "Illustration:", "Quelle:")


@dataclasses.dataclass(frozen=True)
class Rights:
    """What travels with the file."""

    caption: str = ""
    credit: str = ""  # "Foto: Erika Beispiel"
    licence: str = ""  # "Abdruck honorarfrei bei Nennung des Bildnachweises"

    @property
    def creator(self):
        """The credit without its "Foto:" prefix: the name of who made it."""
        for prefix in CREDIT_PREFIXES:
            if self.credit.startswith(prefix):
                return self.credit.removeprefix(prefix).strip()
        return self.credit.strip()

    @property
    def copyright_notice(self):
        return f"© {self.creator}" if self.creator else ""


def xmp_packet(rights):
    def alt(text):  # a language alternative (dc:description, dc:rights, xmpRights:UsageTerms)
        return f'<rdf:Alt><rdf:li xml:lang="x-default">{escape(text)}</rdf:li></rdf:Alt>'

    properties = []
    if rights.caption:
        properties.append(f"<dc:description>{alt(rights.caption)}</dc:description>")
    if rights.creator:
        properties.append(
            f"<dc:creator><rdf:Seq><rdf:li>{escape(rights.creator)}</rdf:li></rdf:Seq></dc:creator>"
        )
    if rights.copyright_notice:
        properties.append(f"<dc:rights>{alt(rights.copyright_notice)}</dc:rights>")
    if rights.credit:
        properties.append(f"<photoshop:Credit>{escape(rights.credit)}</photoshop:Credit>")
    if rights.licence:
        properties.append(f"<xmpRights:UsageTerms>{alt(rights.licence)}</xmpRights:UsageTerms>")
    if rights.copyright_notice:
        properties.append("<xmpRights:Marked>True</xmpRights:Marked>")
    body = "".join(properties)
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
        'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" '
        'xmlns:xmpRights="http://ns.adobe.com/xap/1.0/rights/">'
        f"{body}</rdf:Description></rdf:RDF></x:xmpmeta>"
        '<?xpacket end="w"?>'
    ).encode()


def iptc_block(rights):
    """An APP13 Photoshop resource 0x0404 holding IPTC IIM records, UTF-8."""

    def record(number, dataset, value):
        data = value if isinstance(value, bytes) else value.encode()
        return struct.pack(">BBBH", 0x1C, number, dataset, len(data)) + data

    records = record(1, 90, b"\x1b%G")  # coded character set: UTF-8
    records += record(2, 0, b"\x00\x04")  # record version 4
    for dataset, value in [
        (120, rights.caption[:2000]),
        (80, rights.creator[:32]),
        (110, rights.credit[:32]),
        (116, rights.copyright_notice[:128]),
        (40, rights.licence[:256]),
    ]:
        if value:
            records += record(2, dataset, value)
    if len(records) % 2:
        records += b"\x00"
    resource = b"8BIM" + struct.pack(">H", 0x0404) + b"\x00\x00" + struct.pack(">I", len(records))
    return PHOTOSHOP_HEADER + resource + records


def _jpeg_segment(marker, payload):
    return struct.pack(">BBH", 0xFF, marker, len(payload) + 2) + payload


def stamp_jpeg(data, rights):
    """The JPEG with our XMP (APP1) and IPTC (APP13) after its APP0/EXIF header segments; older
    XMP and Photoshop segments removed; everything from the first other segment on unchanged."""
    if data[:2] != b"\xff\xd8":
        raise ValueError("not a JPEG")
    position, kept, insert_at = 2, [], None
    while True:
        if position + 4 > len(data) or data[position] != 0xFF:
            raise ValueError("a broken JPEG header")
        marker = data[position + 1]
        if not 0xE0 <= marker <= 0xEF:  # APPn only: the rest stays where it is
            break
        length = struct.unpack(">H", data[position + 2 : position + 4])[0]
        if length < 2 or position + 2 + length > len(data):
            raise ValueError("a broken JPEG segment")
        segment = data[position : position + 2 + length]
        payload = segment[4:]
        stale = (marker == 0xE1 and payload.startswith(XMP_HEADER)) or (
            marker == 0xED and payload.startswith(PHOTOSHOP_HEADER)
        )
        if not stale:
            kept.append(segment)
            if marker in (0xE0, 0xE1):  # JFIF and EXIF come first
                insert_at = len(kept)
        position += 2 + length
    ours = [
        _jpeg_segment(0xE1, XMP_HEADER + xmp_packet(rights)),
        _jpeg_segment(0xED, iptc_block(rights)),
    ]
    insert_at = insert_at or 0
    head = kept[:insert_at] + ours + kept[insert_at:]
    return b"".join([b"\xff\xd8", *head, memoryview(data)[position:]])  # one copy


def _png_chunk(kind, payload):
    return (
        struct.pack(">I", len(payload))
        + kind
        + payload
        + struct.pack(">I", zlib.crc32(kind + payload) & 0xFFFFFFFF)
    )


def stamp_png(data, rights):
    """The PNG with an iTXt chunk "XML:com.adobe.xmp" before its first IDAT (an older one
    removed); every other chunk unchanged."""
    if not data.startswith(PNG_SIGNATURE):
        raise ValueError("not a PNG")
    ours = _png_chunk(b"iTXt", PNG_XMP_KEYWORD + b"\x00\x00\x00\x00\x00" + xmp_packet(rights))
    out, position, inserted = [PNG_SIGNATURE], len(PNG_SIGNATURE), False
    while position + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        end = position + 12 + length
        chunk = data[position:end]
        if kind == b"iTXt" and chunk[8:].startswith(PNG_XMP_KEYWORD + b"\x00"):
            position = end
            continue
        if kind == b"IDAT" and not inserted:
            out.append(ours)
            inserted = True
        out.append(chunk)
        position = end
    return b"".join(out)


def stamp_webp(data, rights):
    """The WebP with an "XMP " chunk at its end and the XMP flag in its VP8X header (a VP8X
    header is added to a simple WebP); the image chunks unchanged."""
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        raise ValueError("not a WebP")
    chunks, position = [], 12
    while position + 8 <= len(data):
        kind, length = struct.unpack("<4sI", data[position : position + 8])
        end = position + 8 + length + (length % 2)
        chunks.append([kind, data[position + 8 : position + 8 + length]])
        position = end
    chunks = [chunk for chunk in chunks if chunk[0] != b"XMP "]
    if chunks and chunks[0][0] == b"VP8X":
        header = bytearray(chunks[0][1])
        header[0] |= 0x04
        chunks[0][1] = bytes(header)
    else:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            alpha = 0x10 if "A" in image.getbands() else 0
        header = bytes([0x04 | alpha, 0, 0, 0])
        header += (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little")
        chunks.insert(0, [b"VP8X", header])
    chunks.append([b"XMP ", xmp_packet(rights)])
    body = b"".join(
        kind + struct.pack("<I", len(payload)) + payload + (b"\x00" if len(payload) % 2 else b"")
        for kind, payload in chunks
    )
    return b"RIFF" + struct.pack("<I", 4 + len(body)) + b"WEBP" + body


def stamped(data, rights):
    """`data` (the bytes of a JPEG, PNG or WebP) with `rights` in its metadata. A file of another
    kind, or one that cannot be parsed, comes back unchanged."""
    try:
        if data[:2] == b"\xff\xd8":
            return stamp_jpeg(data, rights)
        if data.startswith(PNG_SIGNATURE):
            return stamp_png(data, rights)
        if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
            return stamp_webp(data, rights)
    except (ValueError, struct.error, OSError):
        pass
    return data


def stamped_file(storage, name, rights):
    """The stored file's bytes, stamped. Raises FileNotFoundError if it has gone missing."""
    with storage.open(name, "rb") as file:
        return stamped(file.read(), rights)

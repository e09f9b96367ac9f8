"""Tiny PNG encoder for test pictures (no imaging library needed)."""
import struct
import zlib


def png(width: int, height: int, color=(30, 90, 220)) -> bytes:
    """A white picture with a coloured rectangle in the middle."""
    rows = bytearray()
    for y in range(height):
        rows.append(0)
        for x in range(width):
            inside = width // 4 <= x < 3 * width // 4 and height // 4 <= y < 3 * height // 4
            rows.extend(color if inside else (255, 255, 255))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(bytes(rows))) + chunk(b"IEND", b"")

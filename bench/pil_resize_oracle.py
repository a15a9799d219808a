#!/usr/bin/python3
"""Oracle for lib/data/pil_resize: PIL BILINEAR resizes of deterministic patterns (Debian python3-pil).
Prints the MD5 of each output so tests/data/test_pil_resize.cpp can embed them. Run by hand."""
import hashlib
from PIL import Image


def pattern(h, w, c):
    return bytes(((x * 7 + y * 13 + ch * 50 + (x * y) % 17) % 256) for y in range(h) for x in range(w) for ch in range(c))


for (h, w, c, oh, ow) in [(128, 128, 3, 64, 64), (96, 96, 1, 64, 64), (4, 4, 1, 2, 2), (16, 16, 3, 8, 8), (12, 12, 1, 8, 8),
                          (7, 5, 3, 3, 4)]:
    mode = "RGB" if c == 3 else "L"
    img = Image.frombytes(mode, (w, h), pattern(h, w, c)).resize((ow, oh), Image.BILINEAR)
    data = img.tobytes()
    print(f"{h}x{w}x{c} -> {oh}x{ow}: md5 {hashlib.md5(data).hexdigest()} first {list(data[:8])}")
print("row [0, 80, 160, 240] (1x4 L) -> 1x2:", list(Image.frombytes("L", (4, 1), bytes([0, 80, 160, 240])).resize((2, 1), Image.BILINEAR).tobytes()))

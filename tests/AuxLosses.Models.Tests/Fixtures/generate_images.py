#!/usr/bin/python3
"""Image-preprocessing parity fixtures for AuxLosses.Models.ImagePreprocessor.

Run with Debian's interpreter (python3-pil 9.4, python3-torchvision 0.14):
    cd tests/AuxLosses.Models.Tests/Fixtures && /usr/bin/python3 generate_images.py [path/to/shared/data/images]

Writes
  images_src/<case>.<ext>          small synthetic inputs (PNG, JPEG, GIF, WebP; EXIF-rotated JPEGs)
  images_expected/<case>.crop.png  torchvision's uint8 image after Resize + CenterCrop (before ToTensor), lossless
  images_expected/<case>.decoded.png  PIL's decode of lossy inputs (JPEG, lossy WebP), for the decoder comparison
  images_parity.json               per case: sizes, SHA-256 of the decoded / resized / cropped RGB bytes, the
                                   per-channel mean and std of the normalized tensor and a fixed sample of its values
  images_shared.json               the same statistics (no pixels) for the real photos in shared/data/images, when
                                   that folder exists (default: ../shared/data/images beside the repository)

The reference pipeline is the seed papers' one: PIL open -> (EXIF transpose, which plain PIL does not do; the
C# side honours EXIF by default, so the reference applies ImageOps.exif_transpose) -> convert("RGB") ->
Resize(256) -> CenterCrop(224) -> ToTensor -> Normalize(ImageNet mean/std).
"""
import hashlib
import io
import json
import os
import struct
import sys
import zlib

import numpy as np
import torch
from PIL import Image, ImageOps
from torchvision import transforms
from torchvision.transforms import InterpolationMode

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(HERE, "images_src")
EXP = os.path.join(HERE, "images_expected")
MEAN = [0.485, 0.456, 0.406]
STD = [0.229, 0.224, 0.225]
SAMPLES = 128


def rng(seed):
    return np.random.default_rng(seed)


def gradient(w, h):
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    r = 255 * x / (w - 1)
    g = 255 * y / (h - 1)
    b = 255 * (x + 2 * y) / (w + 2 * h - 3)
    return np.stack([r, g, b], -1).round().astype(np.uint8)


def checker(w, h, cell):
    y, x = np.mgrid[0:h, 0:w]
    c = ((x // cell + y // cell) % 2).astype(np.uint8)
    img = np.stack([c * 230 + 10, (1 - c) * 200 + 30, ((x * 3 + y) % 256)], -1)
    return img.astype(np.uint8)


def block_noise(w, h, block, levels, seed):
    r = rng(seed)
    small = r.integers(0, levels, size=(h // block + 1, w // block + 1, 3)) * (255 // (levels - 1))
    big = np.repeat(np.repeat(small, block, 0), block, 1)[:h, :w]
    return big.astype(np.uint8)


def photo_like(w, h, seed):
    """Smooth content with edges: what JPEG is good at, so decoders can be compared level by level."""
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    r = rng(seed)
    img = np.zeros((h, w, 3))
    for c in range(3):
        fx, fy, ph = r.uniform(0.01, 0.06), r.uniform(0.01, 0.06), r.uniform(0, 6.28)
        img[..., c] = 128 + 90 * np.sin(fx * x + ph) * np.cos(fy * y)
    img[h // 3: h // 2, w // 4: w // 2] = [250, 40, 40]  # a hard-edged red block
    img[(x - 0.7 * w) ** 2 + (y - 0.6 * h) ** 2 < (0.15 * h) ** 2] = [20, 60, 220]  # a blue disc
    return img.clip(0, 255).round().astype(np.uint8)


def png16(arr):
    """A minimal 16-bit-per-channel RGB PNG (no filters) from an (h, w, 3) big-endian uint16 array."""
    h, w, _ = arr.shape
    raw = b"".join(b"\x00" + arr[y].tobytes() for y in range(h))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 16, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def exif_with_orientation(orientation):
    exif = Image.Exif()
    exif[0x0112] = orientation
    return exif.tobytes()


def make_inputs():
    """Returns [(case, filename, lossy, interpolation)] after writing the inputs."""
    os.makedirs(SRC, exist_ok=True)
    cases = []

    def save(case, img, ext, lossy=False, interp="bilinear", keep_crop=True, **kw):
        name = f"{case}.{ext}"
        img.save(os.path.join(SRC, name), **kw)
        cases.append((case, name, lossy, interp, keep_crop and interp == "bilinear"))

    # Upscaling (short side < 256): plain bilinear, no antialias widening.
    save("gradient_300x200", Image.fromarray(gradient(300, 200)), "png")
    save("checker_180x400", Image.fromarray(checker(180, 400, 7)), "png")
    save("wide_100x30", Image.fromarray(gradient(100, 30)), "png")
    # Identity resize (PIL copies when the size already matches): crop only.
    save("noise_256x256", Image.fromarray(block_noise(256, 256, 2, 4, 1)), "png")
    # Downscaling: the antialiased (widened) triangle filter, where off-by-one errors show.
    save("checker_fine_520x390", Image.fromarray(checker(520, 390, 1)), "png")
    save("blocks_600x450", Image.fromarray(block_noise(600, 450, 6, 4, 2)), "png")
    save("gradient_900x640", Image.fromarray(gradient(900, 640)), "png")
    save("checker_fine_bicubic", Image.fromarray(checker(400, 300, 3)), "png", interp="bicubic")
    save("blocks_lanczos", Image.fromarray(block_noise(330, 280, 3, 4, 5)), "png", interp="lanczos")
    save("blocks_box", Image.fromarray(block_noise(330, 280, 3, 4, 6)), "png", interp="box")
    save("blocks_hamming", Image.fromarray(block_noise(330, 280, 3, 4, 7)), "png", interp="hamming")

    # RGBA: convert("RGB") drops alpha and keeps the stored colour, also under alpha = 0.
    rgba = np.concatenate([block_noise(320, 240, 4, 6, 3), np.zeros((240, 320, 1), np.uint8)], -1)
    rgba[..., 3] = np.tile((np.arange(320) * 255 // 319).astype(np.uint8), (240, 1))
    rgba[:40, :, 3] = 0
    save("rgba_320x240", Image.fromarray(rgba, "RGBA"), "png")
    # 16-bit RGB PNG (PIL cannot write one): PIL's convert("RGB") keeps the high byte.
    deep = rng(13).integers(0, 65536, size=(48, 64, 3)).astype(">u2")
    with open(os.path.join(SRC, "deep16_64x48.png"), "wb") as f:
        f.write(png16(deep))
    cases.append(("deep16_64x48", "deep16_64x48.png", False, "bilinear", False))
    # Grayscale and palette inputs.
    save("gray_300x300", Image.fromarray(gradient(300, 300)[..., 2]), "png")
    pal = Image.fromarray(block_noise(260, 200, 5, 5, 4)).quantize(colors=32, dither=Image.Dither.NONE)
    save("palette_260x200", pal, "gif")
    # WebP: lossless decodes exactly; lossy is compared level by level like JPEG.
    save("webp_lossless_330x250", Image.fromarray(block_noise(330, 250, 5, 6, 8)), "webp", lossless=True)
    save("webp_lossy_300x230", Image.fromarray(photo_like(300, 230, 9)), "webp", lossy=True, quality=90)
    # JPEG: plain and EXIF-rotated (orientation 6 = rotate 90 CW to view, 3 = rotate 180).
    save("photo_320x250", Image.fromarray(photo_like(320, 250, 10)), "jpg", lossy=True, quality=92)
    save("exif6_320x240", Image.fromarray(photo_like(320, 240, 11)), "jpg", lossy=True, quality=92,
         exif=exif_with_orientation(6))
    save("exif3_300x260", Image.fromarray(photo_like(300, 260, 12)), "jpg", lossy=True, quality=92,
         exif=exif_with_orientation(3))
    # The other six orientations on a small asymmetric image (checked by hash of the crop and samples only).
    for o in (2, 4, 5, 7, 8):
        save(f"exif{o}_96x64", Image.fromarray(photo_like(96, 64, 20 + o)), "jpg", lossy=True, quality=95,
             keep_crop=False, exif=exif_with_orientation(o))
    return cases


def sha(arr):
    return hashlib.sha256(np.ascontiguousarray(arr, dtype=np.uint8).tobytes()).hexdigest()


def main():
    os.makedirs(EXP, exist_ok=True)
    out = {"mean": MEAN, "std": STD, "resize": 256, "crop": 224, "cases": []}
    modes = {"bilinear": InterpolationMode.BILINEAR, "bicubic": InterpolationMode.BICUBIC,
             "lanczos": InterpolationMode.LANCZOS, "box": InterpolationMode.BOX, "hamming": InterpolationMode.HAMMING}
    for case, name, lossy, interp, keep_crop in make_inputs():
        with open(os.path.join(SRC, name), "rb") as f:
            raw = Image.open(f)
            raw.load()
        decoded = ImageOps.exif_transpose(raw).convert("RGB")
        dec = np.asarray(decoded)
        resize = transforms.Resize(256, interpolation=modes[interp])
        resized = resize(decoded)
        cropped = transforms.CenterCrop(224)(resized)
        tensor = transforms.Normalize(MEAN, STD)(transforms.ToTensor()(cropped))
        assert tensor.dtype == torch.float32 and tensor.shape == (3, 224, 224)
        if keep_crop:  # other filters and the small EXIF cases: hash and samples only, to keep the fixtures small
            cropped.save(os.path.join(EXP, f"{case}.crop.png"), optimize=True)
        if lossy and raw.getexif().get(0x0112, 1) == 1:  # EXIF cases: decoded samples only (size)
            decoded.save(os.path.join(EXP, f"{case}.decoded.png"), optimize=True)
        r = rng(len(out["cases"]) + 100)
        pos = np.stack([r.integers(0, 3, SAMPLES), r.integers(0, 224, SAMPLES), r.integers(0, 224, SAMPLES)], 1)
        t = tensor.numpy()
        out["cases"].append({
            "case": case,
            "file": name,
            "lossy": lossy,
            "interpolation": interp,
            "exifOrientation": int(raw.getexif().get(0x0112, 1)),
            "rawSize": list(raw.size),
            "decoded": {"width": decoded.width, "height": decoded.height, "sha256": sha(dec)},
            "decodedSamples": [[int(y), int(x)] + [int(v) for v in dec[y, x]]
                               for y, x in zip(r.integers(0, dec.shape[0], SAMPLES), r.integers(0, dec.shape[1], SAMPLES))],
            "resized": {"width": resized.width, "height": resized.height, "sha256": sha(np.asarray(resized))},
            "cropped": {"sha256": sha(np.asarray(cropped))},
            "channelMean": [float(t[c].astype(np.float64).mean()) for c in range(3)],
            "channelStd": [float(t[c].astype(np.float64).std()) for c in range(3)],
            "samples": [[int(c), int(y), int(x), float(t[c, y, x])] for c, y, x in pos],
        })
    with open(os.path.join(HERE, "images_parity.json"), "w") as f:
        json.dump(out, f, separators=(",", ":"))
    total = 0
    for d in (SRC, EXP):
        for n in sorted(os.listdir(d)):
            s = os.path.getsize(os.path.join(d, n))
            total += s
            print(f"{s:8d} {d[len(HERE) + 1:]}/{n}")
    print("parity json", os.path.getsize(os.path.join(HERE, "images_parity.json")), "total", total)
    write_shared(sys.argv[1] if len(sys.argv) > 1 else None)


def write_shared(folder=None):
    """Statistics (never the pixels) of torchvision's output for the project's real photos in ../shared/data/images,
    so the [SharedDataFact] test can measure parity on real JPEGs (progressive, ICC-tagged) without copying them."""
    folder = folder or os.path.normpath(os.path.join(HERE, "..", "..", "..", "..", "shared", "data", "images"))
    if not os.path.isdir(folder):
        print("no shared images at", folder, "- images_shared.json left as is")
        return
    tf = transforms.Compose([transforms.Resize(256), transforms.CenterCrop(224), transforms.ToTensor(),
                             transforms.Normalize(MEAN, STD)])
    entries = []
    for i, name in enumerate(sorted(os.listdir(folder))):
        with open(os.path.join(folder, name), "rb") as f:
            raw = Image.open(f)
            raw.load()
        decoded = ImageOps.exif_transpose(raw).convert("RGB")
        dec = np.asarray(decoded)
        cropped = transforms.CenterCrop(224)(transforms.Resize(256)(decoded))
        t = tf(decoded).numpy()
        r = rng(1000 + i)
        ys, xs = r.integers(0, dec.shape[0], SAMPLES * 4), r.integers(0, dec.shape[1], SAMPLES * 4)
        entries.append({
            "file": name,
            "decoded": {"width": decoded.width, "height": decoded.height, "sha256": sha(dec)},
            "decodedSamples": [[int(y), int(x)] + [int(v) for v in dec[y, x]] for y, x in zip(ys, xs)],
            "cropped": {"sha256": sha(np.asarray(cropped))},
            "channelMean": [float(t[c].astype(np.float64).mean()) for c in range(3)],
            "channelStd": [float(t[c].astype(np.float64).std()) for c in range(3)],
        })
    with open(os.path.join(HERE, "images_shared.json"), "w") as f:
        json.dump({"cases": entries}, f, separators=(",", ":"))
    print("shared json", os.path.getsize(os.path.join(HERE, "images_shared.json")), "for", len(entries), "images")


if __name__ == "__main__":
    main()

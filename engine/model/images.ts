/**
 * Stimulus images for a model source (`model.stimuli`): list, decode and preprocess them the way
 * torchvision's `Resize` / `CenterCrop` / `ToTensor` / `Normalize` do on a PIL image, so that the
 * network sees the same numbers as in a PyTorch pipeline (docs/model-execution.md §2).
 *
 *  - Decoding: jpeg-js (JPEG) and pngjs (PNG), always to 8-bit RGB (grey replicated, alpha dropped,
 *    as PIL's `convert('RGB')`). JPEG decoders may differ from libjpeg by a grey level on some
 *    pixels (the JPEG standard allows it); PNG decoding is exact.
 *  - Resize: PIL's separable resampling with the bilinear (triangle) filter widened by the scale
 *    factor when shrinking (antialias), in PIL's 8-bit fixed-point arithmetic (22 fractional bits,
 *    rounding to the nearest, horizontal pass then vertical pass, each clipped to 0..255). This is
 *    what `Image.resize(size, Image.BILINEAR)` computes, which `transforms.Resize` calls on PIL images.
 *  - `size: n` resizes the shorter side to n and the longer to int(n · long / short), as torchvision.
 *  - CenterCrop: top = round((h − ch) / 2), left = round((w − cw) / 2), Python's round (half to even).
 *  - ToTensor + Normalize: float32 (v / 255 − mean) / std, each step rounded to float32.
 */
/// <reference path="./pngjs.d.ts" />
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { decode as decodeJpeg } from 'jpeg-js';
import { PNG } from 'pngjs';
import { SimspecError } from '../core/errors';

export interface RgbImage {
  width: number;
  height: number;
  /** Row-major RGB, 3 bytes per pixel. */
  data: Uint8Array;
}

export interface Preprocessing {
  /** Shorter side (one number) or [height, width]; absent: no resize. */
  size?: number | [number, number];
  /** Centre crop: one number (square) or [height, width]; absent: no crop. */
  crop?: number | [number, number];
  /** Per-channel mean and std (in the channel order of `channelOrder`), on the 0..1 scale. */
  mean: [number, number, number];
  std: [number, number, number];
  channelOrder: 'RGB' | 'BGR';
  layout: 'NCHW' | 'NHWC';
}

export const DEFAULT_PREPROCESSING: Preprocessing = { mean: [0, 0, 0], std: [1, 1, 1], channelOrder: 'RGB', layout: 'NCHW' };

export const IMAGE_EXTENSIONS = ['.jpg', '.jpeg', '.png'];

export function isImageFile(name: string): boolean {
  return IMAGE_EXTENSIONS.includes(extname(name).toLowerCase());
}

/** Image files of a folder (not recursive), sorted by name (code-point order). */
export function listImageFolder(folder: string): string[] {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    throw new SimspecError('cannot read the image folder', { file: folder, expected: 'a folder of .jpg/.jpeg/.png images', code: 'model.images-unreadable' });
  }
  return names
    .filter(isImageFile)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((n) => join(folder, n))
    .filter((p) => statSync(p).isFile());
}

/** Decode a JPEG or PNG file's bytes to 8-bit RGB. */
export function decodeImage(bytes: Uint8Array, file: string): RgbImage {
  const isPng = bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47;
  const isJpeg = bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
  let rgba: { width: number; height: number; data: Uint8Array };
  try {
    if (isPng) {
      const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      rgba = { width: png.width, height: png.height, data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength) };
    } else if (isJpeg) {
      rgba = decodeJpeg(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: 200, maxMemoryUsageInMB: 2048 });
    } else {
      throw new SimspecError('not a JPEG or PNG image', { file, expected: 'a .jpg/.jpeg or .png image', code: 'model.image-format' });
    }
  } catch (e) {
    if (e instanceof SimspecError) throw e;
    throw new SimspecError(`cannot decode the image: ${(e as Error).message}`, { file, expected: 'a valid JPEG or PNG image', code: 'model.image-corrupt' });
  }
  const n = rgba.width * rgba.height;
  const data = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    data[i * 3] = rgba.data[i * 4]!;
    data[i * 3 + 1] = rgba.data[i * 4 + 1]!;
    data[i * 3 + 2] = rgba.data[i * 4 + 2]!;
  }
  return { width: rgba.width, height: rgba.height, data };
}

export function readImage(file: string): RgbImage {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch {
    throw new SimspecError('cannot read the image', { file, code: 'model.image-unreadable' });
  }
  return decodeImage(bytes, file);
}

const PRECISION_BITS = 32 - 8 - 2;

/** PIL's precompute_coeffs (Resample.c) for the bilinear filter (support 1): bounds and normalised weights per output pixel. */
function coefficients(inSize: number, outSize: number): { ksize: number; bounds: Int32Array; weights: Int32Array } {
  const scale = inSize / outSize;
  const filterscale = Math.max(scale, 1);
  const support = 1 * filterscale;
  const ksize = Math.ceil(support) * 2 + 1;
  const bounds = new Int32Array(outSize * 2);
  const weights = new Int32Array(outSize * ksize);
  const k = new Float64Array(ksize);
  const ss = 1 / filterscale;
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    let ww = 0;
    // C's (int) truncates toward zero.
    let xmin = Math.trunc(center - support + 0.5);
    if (xmin < 0) xmin = 0;
    let xmax = Math.trunc(center + support + 0.5);
    if (xmax > inSize) xmax = inSize;
    xmax -= xmin;
    for (let x = 0; x < xmax; x++) {
      const t = Math.abs((x + xmin - center + 0.5) * ss);
      const w = t < 1 ? 1 - t : 0;
      k[x] = w;
      ww += w;
    }
    for (let x = 0; x < ksize; x++) {
      const v = x < xmax ? (ww !== 0 ? k[x]! / ww : k[x]!) : 0;
      // normalize_coeffs_8bpc: to fixed point, rounding half away from zero.
      weights[xx * ksize + x] = v < 0 ? Math.trunc(-0.5 + v * (1 << PRECISION_BITS)) : Math.trunc(0.5 + v * (1 << PRECISION_BITS));
    }
    bounds[xx * 2] = xmin;
    bounds[xx * 2 + 1] = xmax;
  }
  return { ksize, bounds, weights };
}

function clip8(v: number): number {
  if (v >= 1 << PRECISION_BITS << 8) return 255;
  if (v <= 0) return 0;
  return v >> PRECISION_BITS;
}

/** `Image.resize((width, height), Image.BILINEAR)` of PIL on an RGB image, exactly (8-bit fixed point). */
export function resizeBilinear(image: RgbImage, width: number, height: number): RgbImage {
  if (width === image.width && height === image.height) return { width, height, data: image.data.slice() };
  const needHorizontal = width !== image.width;
  const needVertical = height !== image.height;
  const horizontal = coefficients(image.width, width);
  const vertical = coefficients(image.height, height);
  let current = image;
  // Rows of the source the vertical pass reads (PIL resamples only those horizontally).
  const first = vertical.bounds[0]!;
  const last = vertical.bounds[height * 2 - 2]! + vertical.bounds[height * 2 - 1]!;
  if (needHorizontal) {
    const rows = needVertical ? last - first : image.height;
    const offset = needVertical ? first : 0;
    const out = new Uint8Array(width * rows * 3);
    const { ksize, bounds, weights } = horizontal;
    for (let y = 0; y < rows; y++) {
      const row = (y + offset) * image.width * 3;
      for (let xx = 0; xx < width; xx++) {
        const xmin = bounds[xx * 2]!;
        const xmax = bounds[xx * 2 + 1]!;
        let s0 = 1 << (PRECISION_BITS - 1);
        let s1 = s0;
        let s2 = s0;
        for (let x = 0; x < xmax; x++) {
          const w = weights[xx * ksize + x]!;
          const p = row + (x + xmin) * 3;
          s0 += image.data[p]! * w;
          s1 += image.data[p + 1]! * w;
          s2 += image.data[p + 2]! * w;
        }
        const o = (y * width + xx) * 3;
        out[o] = clip8(s0);
        out[o + 1] = clip8(s1);
        out[o + 2] = clip8(s2);
      }
    }
    current = { width, height: rows, data: out };
  }
  if (!needVertical) return current;
  const shift = needHorizontal ? first : 0;
  const out = new Uint8Array(width * height * 3);
  const { ksize, bounds, weights } = vertical;
  for (let yy = 0; yy < height; yy++) {
    const ymin = bounds[yy * 2]! - shift;
    const ymax = bounds[yy * 2 + 1]!;
    for (let xx = 0; xx < width; xx++) {
      let s0 = 1 << (PRECISION_BITS - 1);
      let s1 = s0;
      let s2 = s0;
      for (let y = 0; y < ymax; y++) {
        const w = weights[yy * ksize + y]!;
        const p = ((y + ymin) * width + xx) * 3;
        s0 += current.data[p]! * w;
        s1 += current.data[p + 1]! * w;
        s2 += current.data[p + 2]! * w;
      }
      const o = (yy * width + xx) * 3;
      out[o] = clip8(s0);
      out[o + 1] = clip8(s1);
      out[o + 2] = clip8(s2);
    }
  }
  return { width, height, data: out };
}

/** torchvision's output size for `Resize(size)`: [height, width]. */
export function resizedSize(width: number, height: number, size: number | [number, number]): [number, number] {
  if (Array.isArray(size)) return size;
  const short = Math.min(width, height);
  const long = Math.max(width, height);
  const newLong = Math.trunc((size * long) / short);
  return width <= height ? [newLong, size] : [size, newLong];
}

/** Python's round() (half to even) for the crop offsets. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export function centerCrop(image: RgbImage, cropHeight: number, cropWidth: number, file = ''): RgbImage {
  if (cropHeight > image.height || cropWidth > image.width) {
    throw new SimspecError(`the crop ${cropHeight}×${cropWidth} is larger than the resized image ${image.height}×${image.width}`, { file, expected: 'crop no larger than size', code: 'model.crop-too-large' });
  }
  const top = roundHalfEven((image.height - cropHeight) / 2);
  const left = roundHalfEven((image.width - cropWidth) / 2);
  const out = new Uint8Array(cropWidth * cropHeight * 3);
  for (let y = 0; y < cropHeight; y++) out.set(image.data.subarray(((y + top) * image.width + left) * 3, ((y + top) * image.width + left + cropWidth) * 3), y * cropWidth * 3);
  return { width: cropWidth, height: cropHeight, data: out };
}

/** Resize then crop, as 8-bit RGB (what the network's tensor is computed from). */
export function resizeAndCrop(image: RgbImage, pre: Pick<Preprocessing, 'size' | 'crop'>, file = ''): RgbImage {
  let out = image;
  if (pre.size !== undefined) {
    const [h, w] = resizedSize(image.width, image.height, pre.size);
    out = resizeBilinear(out, w, h);
  }
  if (pre.crop !== undefined) {
    const [ch, cw] = Array.isArray(pre.crop) ? pre.crop : [pre.crop, pre.crop];
    out = centerCrop(out, ch, cw, file);
  }
  return out;
}

/** The final image size [height, width] after resize and crop, or undefined when it depends on the image. */
export function outputSize(pre: Pick<Preprocessing, 'size' | 'crop'>): [number, number] | undefined {
  if (pre.crop !== undefined) return Array.isArray(pre.crop) ? pre.crop : [pre.crop, pre.crop];
  if (Array.isArray(pre.size)) return pre.size;
  return undefined;
}

/** ToTensor + Normalize into `out` at `offset` (one image, float32, layout and channel order as asked). */
export function writeTensor(image: RgbImage, pre: Preprocessing, out: Float32Array, offset: number): void {
  const { width, height, data } = image;
  const plane = width * height;
  const f = Math.fround;
  const mean = pre.mean.map(f);
  const std = pre.std.map(f);
  for (let c = 0; c < 3; c++) {
    const source = pre.channelOrder === 'BGR' ? 2 - c : c;
    const m = mean[c]!;
    const s = std[c]!;
    for (let i = 0; i < plane; i++) {
      const v = f(f(f(data[i * 3 + source]! / 255) - m) / s);
      out[offset + (pre.layout === 'NCHW' ? c * plane + i : i * 3 + c)] = v;
    }
  }
}

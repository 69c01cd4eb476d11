/**
 * On-disk cache of expensive products (centred Grams, RDMs, cross products, fold decompositions)
 * between runs, so a re-run after editing one comparison recomputes only that comparison.
 *
 * Keys are content-addressed: `productKey` hashes the *content* of every input file (SHA-256 of
 * the bytes, not its name or mtime) with the variable, the preprocessing and the product's name and
 * parameters, and the engine's cache format version. A data file that changes in any byte gives a
 * new key, so a stale product can never be served; its old entries simply age out. File hashes are
 * memoised per process on (device, inode, size, mtime, ctime) — ctime changes on every write and
 * cannot be set back by a user, so an edit that restores size and mtime still rehashes.
 *
 * Entries: `<dir>/<key[0..1]>/<key>.f64`: a 64-byte header (magic, version, rows, cols, payload
 * length, payload FNV-1a checksum, kind: matrix | vector | JSON, HMAC-SHA256/192) then the payload
 * (little-endian float64 data, or UTF-8 JSON). The checksum guards against corruption; the HMAC
 * guards against a hostile cache folder: it is computed under a per-user secret key kept outside
 * the cache folder (`cacheKeyPath()`, created 0600) over the header, the entry's own key and the
 * payload, so an entry that was forged, edited or copied under another key's name is a miss, never
 * a wrong number. When the key cannot be kept, or the folder cannot be used, the cache turns itself
 * off (`disabledReason`) and the run goes on without it. Writes go to a unique
 * temporary file in the same folder and are renamed into place (atomic on POSIX and NTFS), so
 * concurrent runs never read a partial entry; two runs writing the same key write the same bytes. A
 * truncated or corrupt entry is treated as a miss and removed. The total size is capped: after a
 * write, least recently used entries (mtime, touched on every hit) are deleted until under the cap.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { accessSync, closeSync, constants, fstatSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, realpathSync, renameSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import type { Matrix } from '../core/matrix';

const MAGIC = 0x53494d43; // "SIMC"
const FORMAT_VERSION = 2;
const HEADER_BYTES = 64;
const MAC_OFFSET = 40;
/** HMAC-SHA256 truncated to 192 bits (RFC 2104 §5 allows truncation to at least half). */
const MAC_BYTES = 24;
const KEY_BYTES = 32;
const DEFAULT_MAX_BYTES = 2 * 2 ** 30;

const hashMemo = new Map<string, string>();

/** SHA-256 (hex) of a file's bytes, read in 8 MiB chunks; memoised per process on its identity. */
export function fileContentHash(path: string): string {
  const st = statSync(path, { bigint: true });
  const identity = `${path}\0${st.dev}\0${st.ino}\0${st.size}\0${st.mtimeNs}\0${st.ctimeNs}`;
  const memo = hashMemo.get(identity);
  if (memo) return memo;
  const hash = createHash('sha256');
  const fd = openSync(path, 'r');
  try {
    const chunk = Buffer.allocUnsafe(8 * 2 ** 20);
    for (;;) {
      const read = readSync(fd, chunk, 0, chunk.length, null);
      if (read <= 0) break;
      hash.update(chunk.subarray(0, read));
    }
  } finally {
    closeSync(fd);
  }
  const digest = hash.digest('hex');
  hashMemo.set(identity, digest);
  return digest;
}

/** Stable JSON (sorted object keys) so equal descriptions give equal keys. */
function stable(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stable).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value as object).sort().map((k) => `${JSON.stringify(k)}:${stable((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export interface ProductInput {
  /** The data file (its content is hashed). */
  file: string;
  /** Variable / key inside the file, if any. */
  variable?: string;
  /** Preprocessing applied before the product (transpose, centring, subject averaging, …). */
  preprocessing?: unknown;
}

/** The cache key of a product: its name and parameters plus the content of each input. */
export function productKey(product: string, params: unknown, inputs: readonly ProductInput[]): string {
  const description = {
    format: FORMAT_VERSION,
    product,
    params: params ?? null,
    inputs: inputs.map((i) => ({ content: fileContentHash(i.file), variable: i.variable ?? null, preprocessing: i.preprocessing ?? null })),
  };
  return createHash('sha256').update(stable(description)).digest('hex');
}

function fnv1a(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) {
    h ^= bytes[i]!;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** What an entry holds: a Matrix, a bare Float64Array (e.g. a condensed RDM) or a JSON value. */
export type CachedValue = Matrix | Float64Array | { json: unknown };
const KIND_MATRIX = 0;
const KIND_VECTOR = 1;
const KIND_JSON = 2;

export interface ProductCacheOptions {
  /** Cap on the total bytes of entries (default 2 GiB). */
  maxBytes?: number;
  /** Secret for the entries' HMAC (default: the per-user key at cacheKeyPath()). */
  key?: Uint8Array;
}

/** Where the per-user cache key lives: `$XDG_CONFIG_HOME/simspec/cache.key`, else `~/.config/simspec/cache.key`. */
export function cacheKeyPath(): string {
  return join(process.env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'simspec', 'cache.key');
}

const SYSTEM_ROOTS = ['/proc', '/sys', '/dev'];

/** The real path of `path`, or of its nearest existing ancestor joined with the missing rest. */
function realPathOfNearest(path: string): string {
  const missing: string[] = [];
  for (let existing = resolve(path); ; ) {
    try {
      return join(realpathSync(existing), ...missing);
    } catch {
      const parent = dirname(existing);
      if (parent === existing) return resolve(path);
      missing.unshift(basename(existing));
      existing = parent;
    }
  }
}

function underSystemFolder(path: string): boolean {
  return [resolve(path), realPathOfNearest(path)].some((p) => SYSTEM_ROOTS.some((root) => p === root || p.startsWith(root + '/')));
}

function errnoText(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error as Error).message;
}

/**
 * The per-user secret, created on first use (32 random bytes, mode 0600, never inside the cache
 * folder). Returns a reason instead when it cannot be read or kept safely.
 */
export function loadCacheKey(cacheFolder: string): Uint8Array | string {
  const path = cacheKeyPath();
  if (underSystemFolder(path)) return `the cache key path ${path} is under /proc, /sys or /dev`;
  const realFolder = realPathOfNearest(cacheFolder);
  const realKey = realPathOfNearest(path);
  if (realKey === realFolder || realKey.startsWith(realFolder + '/')) return `the cache key ${path} would be inside the cache folder`;
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    try {
      const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
      try {
        writeFileSync(fd, randomBytes(KEY_BYTES));
      } finally {
        closeSync(fd);
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      const st = fstatSync(fd);
      if (!st.isFile() || st.size !== KEY_BYTES) return `the cache key ${path} is not a ${KEY_BYTES}-byte file`;
      if (typeof process.getuid === 'function' && (st.uid !== process.getuid() || (st.mode & 0o077) !== 0)) return `the cache key ${path} is readable by others or not yours (expected mode 0600)`;
      const key = Buffer.alloc(KEY_BYTES);
      if (readSync(fd, key, 0, KEY_BYTES, 0) !== KEY_BYTES) return `the cache key ${path} cannot be read`;
      return key;
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    return `the cache key ${path} cannot be created or read (${errnoText(error)})`;
  }
}

/**
 * Whether `dir` can hold the cache: not under /proc, /sys or /dev (refused before any mkdir, since
 * those can hang), creatable and writable. Returns undefined when usable, else the reason.
 */
export function cacheFolderProblem(dir: string): string | undefined {
  if (underSystemFolder(dir)) return `the cache folder ${dir} is under /proc, /sys or /dev`;
  try {
    mkdirSync(dir, { recursive: true });
    if (!statSync(dir).isDirectory()) return `the cache folder ${dir} is not a folder`;
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch (error) {
    return `the cache folder ${dir} cannot be created or written (${errnoText(error)})`;
  }
  return undefined;
}

export class ProductCache {
  readonly dir: string;
  readonly maxBytes: number;
  hits = 0;
  misses = 0;

  /** Why the cache is off (every get a miss, every put a no-op), or undefined while it works. */
  disabledReason: string | undefined;
  private readonly secret: Uint8Array | undefined;

  constructor(dir: string, options: ProductCacheOptions = {}) {
    this.dir = dir;
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    this.disabledReason = cacheFolderProblem(dir);
    const key = this.disabledReason ? undefined : (options.key ?? loadCacheKey(dir));
    if (typeof key === 'string') this.disabledReason = key;
    else this.secret = key;
  }

  private mac(key: string, header: Uint8Array, payload: Uint8Array): Buffer {
    return createHmac('sha256', this.secret!).update(header.subarray(0, MAC_OFFSET)).update(key).update(payload).digest().subarray(0, MAC_BYTES);
  }

  private path(key: string): string {
    if (!/^[0-9a-f]{16,}$/.test(key)) throw new RangeError(`not a cache key: ${key}`);
    return join(this.dir, key.slice(0, 2), `${key}.f64`);
  }

  /** The cached matrix, or undefined (missing, truncated or corrupt entries are misses). */
  get(key: string): Matrix | undefined {
    const value = this.getValue(key);
    return value && !(value instanceof Float64Array) && 'data' in value ? value : undefined;
  }

  /** The cached value of any kind, or undefined (missing, truncated or corrupt entries are misses). */
  getValue(key: string): CachedValue | undefined {
    const path = this.path(key);
    if (this.disabledReason) {
      this.misses++;
      return undefined;
    }
    let bytes: Buffer;
    try {
      bytes = readRegularFile(path);
    } catch {
      this.misses++;
      return undefined;
    }
    const authentic = bytes.length >= HEADER_BYTES && timingSafeEqual(bytes.subarray(MAC_OFFSET, MAC_OFFSET + MAC_BYTES), this.mac(key, bytes, bytes.subarray(HEADER_BYTES)));
    const decoded = authentic ? decode(bytes) : undefined;
    if (!decoded) {
      try {
        unlinkSync(path);
      } catch {
        // another run removed or replaced it
      }
      this.misses++;
      return undefined;
    }
    try {
      const now = new Date();
      utimesSync(path, now, now); // LRU: a hit makes the entry young
    } catch {
      // evicted meanwhile: the data we read are still valid
    }
    this.hits++;
    return decoded;
  }

  /** Store a matrix atomically, then enforce the size cap. */
  put(key: string, matrix: Matrix): void {
    this.putValue(key, matrix);
  }

  /** Store a value of any kind atomically, then enforce the size cap. */
  putValue(key: string, value: CachedValue): void {
    const path = this.path(key);
    if (this.disabledReason) return;
    let payload: Uint8Array;
    let rows: number;
    let cols: number;
    let kind: number;
    if (value instanceof Float64Array) {
      payload = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
      [rows, cols, kind] = [1, value.length, KIND_VECTOR];
    } else if ('data' in value) {
      payload = new Uint8Array(value.data.buffer, value.data.byteOffset, value.data.byteLength);
      [rows, cols, kind] = [value.rows, value.cols, KIND_MATRIX];
    } else {
      payload = Buffer.from(JSON.stringify(value.json), 'utf8');
      [rows, cols, kind] = [0, 0, KIND_JSON];
    }
    const header = Buffer.alloc(HEADER_BYTES);
    header.writeUInt32LE(MAGIC, 0);
    header.writeUInt32LE(FORMAT_VERSION, 4);
    header.writeDoubleLE(rows, 8);
    header.writeDoubleLE(cols, 16);
    header.writeDoubleLE(payload.byteLength, 24);
    header.writeUInt32LE(fnv1a(payload), 32);
    header.writeUInt32LE(kind, 36);
    this.mac(key, header, payload).copy(header, MAC_OFFSET);
    const tmp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      mkdirSync(join(this.dir, key.slice(0, 2)), { recursive: true });
      writeFileSync(tmp, Buffer.concat([header, payload]));
      renameSync(tmp, path);
    } catch (error) {
      try {
        unlinkSync(tmp);
      } catch {
        // nothing written
      }
      // The cache is optional: another run holding the destination open (Windows) loses this
      // entry; a full disk, a folder gone read-only or removed turns the cache off for this run.
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EPERM') this.disabledReason = `cannot write to the cache folder ${this.dir} (${errnoText(error)})`;
      return;
    }
    this.enforceCap();
  }

  /** Cached value of `key`, else compute, store and return it. */
  getOrCompute(key: string, compute: () => Matrix): Matrix {
    const cached = this.get(key);
    if (cached) return cached;
    const value = compute();
    this.put(key, value);
    return value;
  }

  /** Entries with their sizes and ages (mtime), oldest first. */
  entries(): Array<{ path: string; bytes: number; mtimeMs: number }> {
    const out: Array<{ path: string; bytes: number; mtimeMs: number }> = [];
    let folders: string[];
    try {
      folders = readdirSync(this.dir);
    } catch {
      return out;
    }
    for (const folder of folders) {
      let names: string[];
      try {
        names = readdirSync(join(this.dir, folder));
      } catch {
        continue;
      }
      for (const name of names) {
        if (!name.endsWith('.f64')) continue;
        const path = join(this.dir, folder, name);
        try {
          const st = statSync(path);
          out.push({ path, bytes: st.size, mtimeMs: st.mtimeMs });
        } catch {
          // removed by a concurrent eviction
        }
      }
    }
    return out.sort((a, b) => a.mtimeMs - b.mtimeMs);
  }

  private enforceCap(): void {
    const entries = this.entries();
    let total = entries.reduce((s, e) => s + e.bytes, 0);
    for (const entry of entries) {
      if (total <= this.maxBytes) break;
      try {
        unlinkSync(entry.path);
      } catch {
        // a concurrent run evicted it first
      }
      total -= entry.bytes;
    }
  }
}

/** A cache entry's bytes: regular files only (never a FIFO or device planted in the folder), at most 4 GiB. */
function readRegularFile(path: string): Buffer {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const st = fstatSync(fd);
    if (!st.isFile() || st.size > 4 * 2 ** 30) throw new Error('not a cache entry');
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}

function decode(bytes: Buffer): CachedValue | undefined {
  if (bytes.length < HEADER_BYTES) return undefined;
  if (bytes.readUInt32LE(0) !== MAGIC || bytes.readUInt32LE(4) !== FORMAT_VERSION) return undefined;
  const rows = bytes.readDoubleLE(8);
  const cols = bytes.readDoubleLE(16);
  const length = bytes.readDoubleLE(24);
  const kind = bytes.readUInt32LE(36);
  if (bytes.length !== HEADER_BYTES + length) return undefined;
  const body = bytes.subarray(HEADER_BYTES);
  if (fnv1a(body) !== bytes.readUInt32LE(32)) return undefined;
  if (kind === KIND_JSON) {
    try {
      return { json: JSON.parse(body.toString('utf8')) as unknown };
    } catch {
      return undefined;
    }
  }
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0 || length !== rows * cols * 8) return undefined;
  const data = new Float64Array(rows * cols);
  new Uint8Array(data.buffer).set(body);
  if (kind === KIND_VECTOR) return data;
  return kind === KIND_MATRIX ? { rows, cols, data } : undefined;
}

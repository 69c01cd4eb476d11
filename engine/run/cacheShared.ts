/**
 * Hooks that put the on-disk ProductCache (cache.ts) under a run, so a re-run after editing one
 * comparison recomputes only that comparison:
 *
 *  - `withDiskCache(shared, cache, inputsFor)` wraps the run's in-memory SharedProducts: a product
 *    whose key names representations that `inputsFor` can map to files (see `inputsFromKeyTokens`)
 *    is looked up on disk under a content-addressed key before it is computed, and stored after.
 *    Values that are Matrix or Float64Array (Grams, RDMs, cross products) are cached; other values
 *    (fold lists, closures) stay in memory only. Async computations are stored when they resolve.
 *  - `jobCacheKey(comparison, model, brain)` keys a whole (comparison, layer, region) score: the
 *    comparison's metric and parameters plus the content of both data files, so a score is reused
 *    exactly when nothing that determines it changed. Store its JSON with `cache.putValue(key,
 *    { json: score })`.
 *
 * Wiring in engine/run/execute.ts (not done here; that file belongs to the runner):
 *   const cache = new ProductCache(cacheFolder, { maxBytes });
 *   const shared = withDiskCache(createSharedProducts(), cache, inputsFromKeyTokens(inputsByRepresentation));
 *   per job: const key = jobCacheKey(comparison, inputOf(model), inputOf(brain)); reuse cache.getValue(key)?.json.
 */
import type { Matrix } from '../core/matrix';
import { productKey, type CachedValue, type ProductCache, type ProductInput } from './cache';
import type { SharedProducts } from './types';

function isMatrix(value: unknown): value is Matrix {
  return !!value && typeof value === 'object' && (value as Matrix).data instanceof Float64Array && Number.isInteger((value as Matrix).rows) && Number.isInteger((value as Matrix).cols);
}

function cacheable(value: unknown): CachedValue | undefined {
  if (value instanceof Float64Array) return value;
  if (isMatrix(value)) return { rows: value.rows, cols: value.cols, data: value.data };
  return undefined;
}

/**
 * Representations named in a shared-product key as `model:<name>` or `brain:<name>` segments
 * (the runners' convention, e.g. `rsa:rdms:model:conv1:correlation:`). Keys naming none are not
 * cached on disk.
 */
export function inputsFromKeyTokens(representations: ReadonlyMap<string, ProductInput>): (key: string) => ProductInput[] | undefined {
  return (key) => {
    const parts = key.split(':');
    const found: ProductInput[] = [];
    for (let i = 0; i + 1 < parts.length; i++) {
      const input = (parts[i] === 'model' || parts[i] === 'brain') && representations.get(`${parts[i]}:${parts[i + 1]}`);
      if (input) found.push(input);
    }
    return found.length > 0 ? found : undefined;
  };
}

export function withDiskCache(memory: SharedProducts, cache: ProductCache, inputsFor: (key: string) => ProductInput[] | undefined): SharedProducts {
  return {
    get<T>(key: string, compute: () => T): T {
      return memory.get(key, () => {
        const inputs = inputsFor(key);
        if (!inputs) return compute();
        const diskKey = productKey(`shared:${key}`, null, inputs);
        const hit = cache.getValue(diskKey);
        if (hit !== undefined && !('json' in hit)) return hit as unknown as T;
        const value = compute();
        if (value && typeof (value as { then?: unknown }).then === 'function') {
          return (value as unknown as Promise<unknown>).then((resolved) => {
            const storable = cacheable(resolved);
            if (storable) cache.putValue(diskKey, storable);
            return resolved;
          }) as unknown as T;
        }
        const storable = cacheable(value);
        if (storable) cache.putValue(diskKey, storable);
        return value;
      });
    },
  };
}

/** Content-addressed key of one (comparison, layer, region) score. */
export function jobCacheKey(
  comparison: { metric: string; params?: unknown },
  model: ProductInput,
  brain: ProductInput,
  engineVersion = '0',
): string {
  return productKey(`score:${comparison.metric}`, { params: comparison.params ?? null, engineVersion }, [model, brain]);
}

const isObject = (value: unknown): value is Record<string, unknown> => !!value && typeof value === 'object' && !Array.isArray(value);
const isNumberOrNull = (value: unknown): boolean => value === null || typeof value === 'number';
const isNumberList = (value: unknown): boolean => Array.isArray(value) && value.every(isNumberOrNull);

/**
 * A cached (comparison, layer, region) entry as execute.ts stores it — `{ score, rdms, stimuli }` —
 * or undefined when its JSON does not have that structure (an entry from another version, or
 * damaged in a way its checksum and HMAC cannot see): then it is a miss, never a TypeError or a
 * wrong number. The score's JSON form has null where the number was NaN.
 */
export function cachedJobFrom(entry: unknown): { score: Record<string, unknown> & { value: number; measure: string; higherIsBetter: boolean; milliseconds: number }; rdms: ['model' | 'brain', string, number[]][]; stimuli: number } | undefined {
  if (!isObject(entry) || !isObject(entry.json)) return undefined;
  const { score, rdms, stimuli } = entry.json;
  if (!isObject(score) || !isNumberOrNull(score.value) || typeof score.measure !== 'string' || typeof score.higherIsBetter !== 'boolean' || typeof score.milliseconds !== 'number') return undefined;
  if (score.perSubject !== undefined && !isNumberList(score.perSubject)) return undefined;
  if (score.nullDistribution !== undefined && !isNumberList(score.nullDistribution)) return undefined;
  if (score.warnings !== undefined && !(Array.isArray(score.warnings) && score.warnings.every((w) => typeof w === 'string'))) return undefined;
  if (score.reason !== undefined && typeof score.reason !== 'string') return undefined;
  for (const optional of ['ci', 'p', 'noiseCeiling', 'details'] as const) if (score[optional] !== undefined && !isObject(score[optional])) return undefined;
  if (score.folds !== undefined && !(Array.isArray(score.folds) && score.folds.every((f) => isObject(f) && isNumberList(f.train) && isNumberList(f.test)))) return undefined;
  if (!Array.isArray(rdms) || !rdms.every((r) => Array.isArray(r) && r.length === 3 && (r[0] === 'model' || r[0] === 'brain') && typeof r[1] === 'string' && isNumberList(r[2]))) return undefined;
  if (!Number.isInteger(stimuli) || (stimuli as number) < 0) return undefined;
  if (score.value === null) score.value = NaN;
  return entry.json as ReturnType<typeof cachedJobFrom>;
}

/** A cached derived result (`{ json: object | null }`), or undefined when it has another structure. */
export function cachedDerivedFrom(entry: unknown): { json: Record<string, unknown> | null } | undefined {
  if (!isObject(entry) || !('json' in entry) || !(entry.json === null || isObject(entry.json))) return undefined;
  return entry as { json: Record<string, unknown> | null };
}

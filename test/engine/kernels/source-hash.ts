// The hash scripts/build-wasm.mjs records for assembly/*.ts (same algorithm), for the staleness test.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export function sourceHashOfAssembly(): string {
  const dir = join(__dirname, '..', '..', '..', 'assembly');
  const hash = createHash('sha256');
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.ts')).sort()) {
    hash.update(name).update('\0').update(readFileSync(join(dir, name))).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

/**
 * "New Spec from Sample": the bundled samples and copying one into the workspace with its data.
 * No `vscode` import, so it is tested in Node. A sample may read a sibling sample's data
 * (`../kriegeskorte2008/data/...`); those folders are copied too, keeping the layout, so the copied
 * spec runs exactly as the bundled one. Existing files are never overwritten.
 */
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface SampleSpec {
  folder: string;
  spec: string;
}

export async function listSampleSpecs(samplesRoot: string): Promise<SampleSpec[]> {
  const entries: SampleSpec[] = [];
  for (const folder of existsSync(samplesRoot) ? (await readdir(samplesRoot)).sort() : []) {
    for (const file of (await readdir(join(samplesRoot, folder)).catch(() => [] as string[])).sort()) {
      if (/\.simspec\.ya?ml$/i.test(file)) entries.push({ folder, spec: file });
    }
  }
  return entries;
}

async function copyTree(from: string, to: string): Promise<void> {
  await mkdir(to, { recursive: true });
  for (const entry of await readdir(from, { withFileTypes: true })) {
    const source = join(from, entry.name), target = join(to, entry.name);
    if (entry.isDirectory()) await copyTree(source, target);
    else if (!existsSync(target)) await copyFile(source, target);
  }
}

/** Copy the sample's folder (and sibling folders its spec reads) into `workspace`; returns the copied spec's path. */
export async function copySampleInto(samplesRoot: string, sample: SampleSpec, workspace: string): Promise<string> {
  await copyTree(join(samplesRoot, sample.folder), join(workspace, sample.folder));
  const text = await readFile(join(samplesRoot, sample.folder, sample.spec), 'utf8');
  for (const sibling of new Set([...text.matchAll(/\.\.\/([\w.-]+)\//g)].map((m) => m[1]!))) {
    if (sibling !== sample.folder && existsSync(join(samplesRoot, sibling))) await copyTree(join(samplesRoot, sibling), join(workspace, sibling));
  }
  return join(workspace, sample.folder, sample.spec);
}

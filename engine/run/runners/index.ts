/** Registry of comparison runners by metric family. */
import type { MetricFamily } from '../../spec/types';
import type { ComparisonRunner } from '../types';
import { ccaRunner } from './cca';
import { ckaRunner } from './cka';
import { regressionRunner } from './regression';
import { rsaRunner } from './rsa';
import { shapeRunner } from './shape';

const runners = new Map<MetricFamily, ComparisonRunner>();

export function registerRunner(runner: ComparisonRunner): void {
  runners.set(runner.metric, runner);
}

export function runnerFor(metric: MetricFamily): ComparisonRunner | undefined {
  return runners.get(metric);
}

for (const runner of [rsaRunner, regressionRunner, shapeRunner, ckaRunner, ccaRunner]) registerRunner(runner);

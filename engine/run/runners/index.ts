/** Registry of comparison runners by metric family. A family without a runner yet is reported clearly. */
import type { MetricFamily } from '../../spec/types';
import type { ComparisonRunner } from '../types';
import { rsaRunner } from './rsa';

const runners = new Map<MetricFamily, ComparisonRunner>();

export function registerRunner(runner: ComparisonRunner): void {
  runners.set(runner.metric, runner);
}

export function runnerFor(metric: MetricFamily): ComparisonRunner | undefined {
  return runners.get(metric);
}

registerRunner(rsaRunner);

/**
 * `--print-metrics` of the perf tools: a client's metrics in the layout of Kafka's
 * ToolsUtils.printMetrics, so scripts that read Kafka's output read ours:
 *
 *   Metric Name                                             Value
 *   producer-metrics:record-send-rate:{client-id=producer-1} : 12345.678
 *
 * Names are `group:name:{tags}`, sorted as strings, padded to the longest; values with 3 decimals.
 */
import type { MetricDefs } from '../client/client-metrics';

export function formatMetricsTable<Name extends string>(defs: MetricDefs<Name>, values: Readonly<Record<Name, number>>, clientId: string): string {
  const rows = (Object.keys(defs) as Name[])
    .map((name) => ({ label: `${defs[name].group}:${name}:{client-id=${clientId}}`, value: values[name] }))
    .sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
  const width = Math.max(...rows.map((r) => r.label.length));
  const lines = rows.map((r) => `${r.label.padEnd(width)} : ${r.value.toFixed(3)}`);
  return `\n${'Metric Name'.padEnd(width)}   Value\n${lines.join('\n')}\n`;
}

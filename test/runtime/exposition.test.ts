// The Prometheus text format as the agent writes it, read back by the tests' strict parser:
// escaping of label values and help texts, histogram buckets, names the format refuses.

import test from 'ava';
import { Histogram } from '../../runtime/agent/histogram.ts';
import { renderExposition, type Family } from '../../runtime/agent/exposition.ts';
import { parseListen } from '../../runtime/agent/http.ts';
import { parseExposition, sampleValue } from './agent-process.ts';

test('label values with quotes, backslashes and newlines survive a round trip', (t) => {
  const odd = 'ns/we"b:\\http\nTCP';
  const text = renderExposition([{ name: 'switchyard_x_total', help: 'a help with \\ and\na newline', type: 'counter', samples: [{ labels: { service: odd }, value: 3 }] }]);
  t.is(text, '# HELP switchyard_x_total a help with \\\\ and\\na newline\n# TYPE switchyard_x_total counter\nswitchyard_x_total{service="ns/we\\"b:\\\\http\\nTCP"} 3\n');
  const e = parseExposition(text);
  t.is(e.samples[0]!.labels.service, odd);
  t.is(e.families.get('switchyard_x_total')!.type, 'counter');
});

test('a histogram has cumulative buckets, +Inf, _sum and _count', (t) => {
  const h = new Histogram([0.1, 1]);
  for (const v of [0.05, 0.5, 5]) h.observe(v);
  const fam: Family = { name: 'switchyard_apply_duration_seconds', help: 'h', type: 'histogram', samples: [], histograms: [{ histogram: h }] };
  const e = parseExposition(renderExposition([fam]));
  t.is(sampleValue(e, 'switchyard_apply_duration_seconds_bucket', { le: '0.1' }), 1);
  t.is(sampleValue(e, 'switchyard_apply_duration_seconds_bucket', { le: '1' }), 2);
  t.is(sampleValue(e, 'switchyard_apply_duration_seconds_bucket', { le: '+Inf' }), 3);
  t.is(sampleValue(e, 'switchyard_apply_duration_seconds_count'), 3);
  t.is(sampleValue(e, 'switchyard_apply_duration_seconds_sum'), 5.55);
});

test('names the format does not allow are refused, not written', (t) => {
  t.throws(() => renderExposition([{ name: 'switchyard-x', help: '', type: 'gauge', samples: [] }]), { message: /not a Prometheus metric name/ });
  t.throws(() => renderExposition([{ name: 'x', help: '', type: 'gauge', samples: [{ labels: { 'a-b': '1' }, value: 1 }] }]), { message: /not a Prometheus label name/ });
});

test('the strict parser refuses what a scraper would', (t) => {
  t.throws(() => parseExposition('x 1\n'), { message: /before HELP and TYPE/ });
  t.throws(() => parseExposition('# HELP x h\n# TYPE x gauge\nx{a="b\\t"} 1\n'), { message: /bad label set/ });
  t.throws(() => parseExposition('# HELP x h\n# TYPE x gauge\nx one\n'), { message: /bad value/ });
  t.throws(() => parseExposition('# HELP x h\n# TYPE x gauge\ny 1\n'), { message: /not of family x/ });
});

test('--listen takes ADDR:PORT, [v6]:PORT and :PORT', (t) => {
  t.deepEqual(parseListen('127.0.0.1:9464'), { host: '127.0.0.1', port: 9464 });
  t.deepEqual(parseListen('[::1]:0'), { host: '::1', port: 0 });
  t.deepEqual(parseListen(':9464'), { port: 9464 });
  t.throws(() => parseListen('9464'), { message: /not ADDR:PORT/ });
});

/**
 * The Samsa web console: a Preact single-page app (htm templates, no JSX build step) that polls
 * the broker's JSON API (/api/*) every few seconds. Hash routes (#/topics/orders) keep every view
 * a real link. Bundled by scripts/build-console.ts with esbuild; not type-checked (esbuild strips
 * the annotations), so it stays free of the broker's strict tsconfig.
 */
import { h, render } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import htm from 'htm';
import uPlot from 'uplot';

const html = htm.bind(h);

/** Every view re-reads its data this often (ms). */
const REFRESH_MS = 5000;

type Json = any;

class ApiFailure extends Error {
  constructor(readonly status: number, message: string) { super(message); }
}

async function api(path: string, init?: RequestInit): Promise<Json> {
  const response = await fetch(path, { credentials: 'same-origin', ...init, headers: { Accept: 'application/json', ...(init?.headers ?? {}) } });
  const body = await response.json().catch(() => ({ error: `HTTP ${response.status}` }));
  if (!response.ok) throw new ApiFailure(response.status, body.error ?? `HTTP ${response.status}`);
  return body;
}

/** Polls `path` every REFRESH_MS while mounted; `tick` forces a re-read (after a write). */
function usePoll(path: string | null, tick = 0): { data: Json; error: string | null } {
  const [state, setState] = useState<{ data: Json; error: string | null }>({ data: null, error: null });
  useEffect(() => {
    if (path === null) return undefined;
    let alive = true;
    setState({ data: null, error: null });
    const load = () => api(path).then(
      (data) => { if (alive) setState({ data, error: null }); },
      (err) => { if (alive) setState((s) => ({ data: s.data, error: (err as Error).message })); });
    load();
    const timer = setInterval(load, REFRESH_MS);
    return () => { alive = false; clearInterval(timer); };
  }, [path, tick]);
  return state;
}

function useRoute(): string[] {
  const read = () => (location.hash.replace(/^#\/?/, '') || 'cluster').split('/').map(decodeURIComponent);
  const [route, setRoute] = useState(read());
  useEffect(() => {
    const onChange = () => setRoute(read());
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

const link = (...parts: string[]) => `#/${parts.map(encodeURIComponent).join('/')}`;
const ids = (list: number[]) => list.join(', ');

function formatBytes(n: number | null): string {
  if (n === null || n === undefined) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return `${n.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

function ErrorBox({ error }: { error: string | null }) {
  return error ? html`<div class="error" role="alert">${error}</div>` : null;
}

function Table({ head, children, label }: { head: Json[]; children: Json; label: string }) {
  return html`<div class="table-wrap"><table aria-label=${label}>
    <thead><tr>${head.map((c) => html`<th scope="col" class=${typeof c === 'object' ? c.cls : ''}>${typeof c === 'object' ? c.text : c}</th>`)}</tr></thead>
    <tbody>${children}</tbody></table></div>`;
}

/** A uPlot line chart sized to its container; series values update in place. */
function Chart({ title, labels, data }: { title: string; labels: string[]; data: number[][] }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  useEffect(() => {
    const el = box.current!;
    const colours = ['#0b57a4', '#c7461b', '#1d6b2f', '#6b3fa0'];
    plot.current = new uPlot({
      title, width: Math.max(280, el.clientWidth - 16), height: 220,
      series: [{}, ...labels.map((label, i) => ({ label, stroke: colours[i % colours.length], width: 2 }))],
      axes: [{}, { size: 70 }],
    }, data as uPlot.AlignedData, el);
    const onResize = () => plot.current?.setSize({ width: Math.max(280, el.clientWidth - 16), height: 220 });
    addEventListener('resize', onResize);
    return () => { removeEventListener('resize', onResize); plot.current?.destroy(); plot.current = null; };
  }, [title, labels.join('|')]);
  useEffect(() => { plot.current?.setData(data as uPlot.AlignedData); }, [data]);
  return html`<figure class="chart" ref=${box} aria-label=${title}></figure>`;
}

function ClusterPage() {
  const { data, error } = usePoll('/api/cluster');
  return html`<section><h2>Cluster</h2><${ErrorBox} error=${error} />
    ${data && html`
      <dl class="facts">
        <dt>Cluster id</dt><dd>${data.clusterId ?? '–'}</dd>
        <dt>Controller</dt><dd>broker ${data.controllerId}</dd>
        <dt>Brokers</dt><dd>${data.brokers.length}</dd>
        <dt>Version</dt><dd>Samsa ${data.version}</dd>
        <dt>Console</dt><dd>served by broker ${data.consoleBrokerId}; ${data.writeEnabled ? 'writes enabled' : 'read-only'}</dd>
      </dl>
      <${Table} label="Brokers" head=${['Broker', 'Endpoints', 'Rack', 'Role']}>
        ${data.brokers.map((b: Json) => html`<tr>
          <td>${b.id}</td><td>${(b.endpoints.length > 0 ? b.endpoints : [`${b.host}:${b.port}`]).map((e: string) => html`<div>${e}</div>`)}</td><td>${b.rack ?? '–'}</td>
          <td>${b.id === data.controllerId ? html`<span class="badge ok">controller</span>` : ''}</td></tr>`)}
      <//>`}
  </section>`;
}

function CreateTopicForm({ onDone }: { onDone: () => void }) {
  const [error, setError] = useState<string | null>(null);
  const submit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    try {
      await api('/api/topics', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({
        name: form.get('name'), partitions: Number(form.get('partitions')), replicationFactor: Number(form.get('rf')),
      }) });
      setError(null);
      (event.target as HTMLFormElement).reset();
      onDone();
    } catch (err) { setError((err as Error).message); }
  };
  return html`<form class="inline" onSubmit=${submit} aria-label="Create topic">
    <label>Topic name<input name="name" required pattern="[a-zA-Z0-9._\\-]+" /></label>
    <label>Partitions<input name="partitions" type="number" min="1" value="1" /></label>
    <label>Replication factor<input name="rf" type="number" min="1" value="1" /></label>
    <button type="submit">Create topic</button><${ErrorBox} error=${error} /></form>`;
}

function partitionLines(partitions: Json[]) {
  return partitions.map((p: Json) => html`<div class=${p.underReplicated ? 'under' : ''}>P${p.partition}: leader ${p.leader < 0 ? 'none' : p.leader} · [${ids(p.replicas)}] · ISR [${ids(p.isr)}]</div>`);
}

function TopicsPage({ writeEnabled }: { writeEnabled: boolean }) {
  const [tick, setTick] = useState(0);
  const { data, error } = usePoll('/api/topics', tick);
  const [showInternal, setShowInternal] = useState(false);
  const shown = (data ?? []).filter((t: Json) => showInternal || !t.internal);
  return html`<section><h2>Topics</h2><${ErrorBox} error=${error} />
    ${writeEnabled && html`<${CreateTopicForm} onDone=${() => setTick(tick + 1)} />`}
    <p><label><input type="checkbox" checked=${showInternal} onChange=${(e: Event) => setShowInternal((e.target as HTMLInputElement).checked)} /> Show internal topics</label></p>
    ${data && html`<${Table} label="Topics" head=${['Topic', { text: 'Partitions', cls: 'num' }, { text: 'RF', cls: 'num' }, 'Replicas (leader · replicas · ISR)', 'Status', { text: 'Size here', cls: 'num' }, 'Config overrides']}>
      ${shown.map((t: Json) => html`<tr class=${t.underReplicatedPartitions > 0 || t.offlinePartitions > 0 ? 'warn' : ''}>
        <td><a href=${link('topics', t.name)}>${t.name}</a>${t.internal ? html` <span class="badge">internal</span>` : ''}</td>
        <td class="num">${t.partitionCount}</td><td class="num">${t.replicationFactor}</td>
        <td>${t.partitions.length <= 6 ? partitionLines(t.partitions)
          : html`<details><summary>${t.partitions.length} partitions</summary>${partitionLines(t.partitions)}</details>`}</td>
        <td>${t.offlinePartitions > 0 ? html`<span class="badge warn">${t.offlinePartitions} offline</span> ` : ''}${t.underReplicatedPartitions > 0
          ? html`<span class="badge warn">${t.underReplicatedPartitions} under-replicated</span>` : html`<span class="badge ok">in sync</span>`}</td>
        <td class="num">${formatBytes(t.localSizeBytes)}</td>
        <td>${Object.entries(t.overrides).map(([k, v]) => html`<div>${k}=${v}</div>`)}</td></tr>`)}
    <//>`}</section>`;
}

function decode(field: Json, mode: string): string {
  if (field === null) return 'null';
  const raw = atob(field.base64);
  const bytes = Uint8Array.from(raw, (c) => c.charCodeAt(0));
  const suffix = field.truncated ? ` … (${field.size} bytes, cut)` : '';
  if (mode === 'hex') return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ') + suffix;
  const text = new TextDecoder('utf-8').decode(bytes);
  if (mode === 'json') {
    try { return JSON.stringify(JSON.parse(text), null, 2) + suffix; } catch { return `(not JSON) ${text}${suffix}`; }
  }
  return text + suffix;
}

function RecordBrowser({ topic, partitions }: { topic: string; partitions: Json[] }) {
  const [query, setQuery] = useState({ partition: '0', mode: 'latest', at: '', limit: '50', decodeAs: 'text' });
  const [result, setResult] = useState<Json>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (key: string) => (e: Event) => setQuery({ ...query, [key]: (e.target as HTMLInputElement).value });
  const browse = async (event?: Event) => {
    event?.preventDefault();
    const params = new URLSearchParams({ partition: query.partition, limit: query.limit });
    if (query.mode === 'offset') params.set('offset', query.at || '0');
    if (query.mode === 'time') params.set('timestamp', String(Date.parse(query.at) || 0));
    setBusy(true);
    try { setResult(await api(`/api/topics/${encodeURIComponent(topic)}/records?${params}`)); setError(null); } catch (err) { setError((err as Error).message); }
    setBusy(false);
  };
  return html`<section aria-labelledby="browse-h"><h3 id="browse-h">Records</h3>
    <form class="inline" onSubmit=${browse} aria-label="Browse records">
      <label>Partition<select value=${query.partition} onChange=${set('partition')}>
        ${partitions.map((p: Json) => html`<option value=${String(p.partition)}>${p.partition}</option>`)}</select></label>
      <label>From<select value=${query.mode} onChange=${set('mode')}>
        <option value="latest">the latest records</option><option value="offset">an offset</option><option value="time">a time</option></select></label>
      ${query.mode === 'offset' && html`<label>Offset<input type="number" min="0" value=${query.at} onInput=${set('at')} /></label>`}
      ${query.mode === 'time' && html`<label>Time<input type="datetime-local" value=${query.at} onInput=${set('at')} /></label>`}
      <label>Limit (≤ 500)<input type="number" min="1" max="500" value=${query.limit} onInput=${set('limit')} /></label>
      <label>Show as<select value=${query.decodeAs} onChange=${set('decodeAs')}>
        <option value="text">text</option><option value="json">JSON</option><option value="hex">hex</option></select></label>
      <button type="submit" disabled=${busy}>${busy ? 'Reading…' : 'Browse'}</button>
    </form><${ErrorBox} error=${error} />
    ${result && html`<p class="muted">Partition ${result.partition}: offsets ${result.earliestOffset}–${result.latestOffset}; showing ${result.records.length} from offset ${result.from}.</p>
      <${Table} label="Records" head=${[{ text: 'Offset', cls: 'num' }, 'Timestamp', 'Key', 'Value', 'Headers']}>
        ${result.records.map((r: Json) => html`<tr>
          <td class="num">${r.offset}</td><td>${new Date(r.timestamp).toISOString()}<div class="muted">${r.timestampType}</div></td>
          <td><pre class="value">${decode(r.key, query.decodeAs)}</pre></td><td><pre class="value">${decode(r.value, query.decodeAs)}</pre></td>
          <td>${r.headers.map((hd: Json) => html`<div><strong>${hd.key}</strong>: ${decode(hd.value, query.decodeAs)}</div>`)}</td></tr>`)}
      <//>`}</section>`;
}

function TopicPage({ name, writeEnabled }: { name: string; writeEnabled: boolean }) {
  const { data, error } = usePoll(`/api/topics/${encodeURIComponent(name)}`);
  const [deleteError, setDeleteError] = useState<string | null>(null);
  const remove = async () => {
    if (!confirm(`Delete topic ${name} and all its records?`)) return;
    try { await api(`/api/topics/${encodeURIComponent(name)}`, { method: 'DELETE' }); location.hash = '#/topics'; } catch (err) { setDeleteError((err as Error).message); }
  };
  return html`<section><h2>Topic ${name}</h2><p><a href="#/topics">← All topics</a></p><${ErrorBox} error=${error ?? deleteError} />
    ${data && html`
      <${Table} label="Partitions" head=${[{ text: 'Partition', cls: 'num' }, 'Leader', 'Replicas', 'ISR', { text: 'Earliest offset', cls: 'num' }, { text: 'Latest offset', cls: 'num' }, { text: 'Size here', cls: 'num' }]}>
        ${data.partitions.map((p: Json) => html`<tr class=${p.underReplicated ? 'warn' : ''}>
          <td class="num">${p.partition}</td><td>${p.leader < 0 ? 'none' : p.leader}</td><td>${ids(p.replicas)}</td>
          <td>${ids(p.isr)}${p.underReplicated ? html` <span class="badge warn">under-replicated</span>` : ''}</td>
          <td class="num">${p.earliestOffset ?? '–'}</td><td class="num">${p.latestOffset ?? '–'}</td><td class="num">${formatBytes(p.localSizeBytes)}</td></tr>`)}
      <//>
      <${RecordBrowser} topic=${name} partitions=${data.partitions} />
      <details><summary>Configuration (${Object.keys(data.overrides).length} overrides${data.configs === null ? '; not authorized to read the rest' : ''})</summary>
        <${Table} label="Configuration" head=${['Key', 'Value']}>
          ${Object.entries(data.configs ?? data.overrides).map(([k, v]) => html`<tr><td>${k}${k in data.overrides ? html` <span class="badge">override</span>` : ''}</td><td>${v}</td></tr>`)}
        <//></details>
      ${writeEnabled && html`<p><button class="danger" type="button" onClick=${remove}>Delete topic ${name}</button></p>`}`}
  </section>`;
}

function GroupsPage() {
  const { data, error } = usePoll('/api/groups');
  return html`<section><h2>Consumer groups</h2><${ErrorBox} error=${error} />
    ${data && (data.length === 0 ? html`<p>No consumer groups.</p>` : html`<${Table} label="Consumer groups" head=${['Group', 'State']}>
      ${data.map((g: Json) => html`<tr><td><a href=${link('groups', g.groupId)}>${g.groupId}</a></td><td>${g.state}</td></tr>`)}<//>`)}
  </section>`;
}

function GroupPage({ id }: { id: string }) {
  const { data, error } = usePoll(`/api/groups/${encodeURIComponent(id)}`);
  // The broker keeps the history (the last hour); the live answer adds the current point.
  const samples: Json[] = data ? [...data.lagHistory.samples, { timeMs: Date.now(), totalLag: data.totalLag }] : [];
  const history = [samples.map((s) => s.timeMs / 1000), samples.map((s) => s.totalLag)];
  return html`<section><h2>Consumer group ${id}</h2><p><a href="#/groups">← All groups</a></p><${ErrorBox} error=${error} />
    ${data && html`
      <dl class="facts"><dt>State</dt><dd>${data.state}</dd><dt>Assignor</dt><dd>${data.partitionAssignor || '–'}</dd>
        <dt>Coordinator</dt><dd>broker ${data.coordinator.nodeId}</dd><dt>Total lag</dt><dd data-testid="total-lag">${data.totalLag}</dd></dl>
      <h3>Lag</h3>
      <${Table} label="Lag per partition" head=${['Topic', { text: 'Partition', cls: 'num' }, { text: 'Committed', cls: 'num' }, { text: 'Latest', cls: 'num' }, { text: 'Lag', cls: 'num' }, 'Member']}>
        ${data.partitions.map((p: Json) => html`<tr class=${p.lag > 0 ? 'warn' : ''}>
          <td><a href=${link('topics', p.topic)}>${p.topic}</a></td><td class="num">${p.partition}</td><td class="num">${p.committedOffset}</td>
          <td class="num">${p.latestOffset ?? '–'}</td><td class="num">${p.lag ?? '–'}</td><td>${p.memberId ?? '–'}</td></tr>`)}
      <//>
      <${Chart} title="Total lag (records), the last hour" labels=${['lag']} data=${history} />
      <h3>Members</h3>
      ${data.members.length === 0 ? html`<p>No active members.</p>` : html`<${Table} label="Members" head=${['Member', 'Client', 'Host', 'Assignment']}>
        ${data.members.map((m: Json) => html`<tr><td>${m.memberId}</td><td>${m.clientId}</td><td>${m.host}</td>
          <td>${m.assignment.map((a: Json) => `${a.topic}-${a.partition}`).join(', ') || '–'}</td></tr>`)}<//>`}`}
  </section>`;
}

function ThroughputPage() {
  const { data, error } = usePoll('/api/throughput');
  const samples: Json[] = data?.samples ?? [];
  const series = [samples.map((s) => s.t / 1000), samples.map((s) => s.messagesPerSec)];
  const bytes = [samples.map((s) => s.t / 1000), samples.map((s) => s.bytesPerSec)];
  return html`<section><h2>Throughput</h2><${ErrorBox} error=${error} />
    <p class="muted">Records and bytes appended per second to the partitions led by the broker serving this console, over the last 10 minutes
      (<span data-testid="sample-count">${samples.length}</span> samples, one every ${(data?.intervalMs ?? 5000) / 1000} s).</p>
    <${Chart} title="Records in / s" labels=${['records/s']} data=${series} />
    <${Chart} title="Bytes in / s" labels=${['bytes/s']} data=${bytes} /></section>`;
}

function App() {
  const route = useRoute();
  const { data: cluster, error } = usePoll('/api/cluster');
  const writeEnabled = cluster?.writeEnabled === true;
  const pages = [['cluster', 'Cluster'], ['topics', 'Topics'], ['groups', 'Consumer groups'], ['throughput', 'Throughput']];
  let page;
  if (route[0] === 'topics' && route[1]) page = html`<${TopicPage} name=${route[1]} writeEnabled=${writeEnabled} />`;
  else if (route[0] === 'topics') page = html`<${TopicsPage} writeEnabled=${writeEnabled} />`;
  else if (route[0] === 'groups' && route[1]) page = html`<${GroupPage} id=${route[1]} />`;
  else if (route[0] === 'groups') page = html`<${GroupsPage} />`;
  else if (route[0] === 'throughput') page = html`<${ThroughputPage} />`;
  else page = html`<${ClusterPage} />`;
  return html`<header><h1>Samsa</h1>
      <nav aria-label="Console"><ul>${pages.map(([id, label]) => html`<li><a href=${link(id)} aria-current=${route[0] === id ? 'page' : undefined}>${label}</a></li>`)}</ul></nav>
      <span class="meta">${cluster ? `cluster ${cluster.clusterId} · ${cluster.brokers.length} brokers${cluster.user ? ` · signed in as ${cluster.user}` : ''}` : error ?? ''}</span>
    </header><main>${page}</main>`;
}

const root = document.getElementById('app')!;
root.textContent = ''; // the "Loading…" placeholder
render(html`<${App} />`, root);

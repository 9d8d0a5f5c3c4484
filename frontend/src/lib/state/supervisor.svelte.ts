// The supervisor view's state: live queues (GET /v1/metrics/current) and agents
// (GET /v1/agents), refreshed when events arrive (coalesced) and every few seconds, plus a
// client-side history of contacts in queue for the chart (the last hour).
import { asAppError, type AppError, type Backend, type LiveAgent, type RealtimeMetrics, type RealtimeRow } from '../bridge';
import { filterRows, sortRows, toggleSort, type Sort } from '../table';

export type QueueKey = 'queue' | 'contactsInQueue' | 'oldestContactAgeSeconds' | 'agentsOnline' | 'agentsAvailable' | 'agentsOnContact' | 'agentsAfterContactWork';
export type AgentKey = 'agent' | 'state' | 'status' | 'time' | 'contacts';

export interface Sample {
  t: number; // ms since epoch
  total: number;
  byQueue: Record<string, number>;
}

export const HOUR = 60 * 60 * 1000;

export class Supervisor {
  metrics = $state<RealtimeMetrics | null>(null);
  agents = $state<LiveAgent[]>([]);
  error = $state<AppError | null>(null);
  updatedAt = $state(0);
  samples = $state<Sample[]>([]);
  queueSort = $state<Sort<QueueKey>>({ key: 'contactsInQueue', dir: 'desc' });
  agentSort = $state<Sort<AgentKey>>({ key: 'agent', dir: 'asc' });
  queueFilter = $state('');
  agentFilter = $state('');
  actionError = $state<AppError | null>(null);

  private pending: ReturnType<typeof setTimeout> | null = null;
  private refreshing = false;
  private again = false;

  constructor(
    private backend: Backend,
    private names: { queue: (id: string) => string; user: (id: string) => string },
    private now: () => number = Date.now,
  ) {}

  async refresh(): Promise<void> {
    if (this.refreshing) {
      this.again = true;
      return;
    }
    this.refreshing = true;
    try {
      const [m, a] = await Promise.all([this.backend.CurrentMetrics(), this.backend.LiveAgents()]);
      this.metrics = m;
      this.agents = a ?? [];
      this.error = null;
      this.updatedAt = this.now();
      this.addSample(m);
    } catch (e) {
      this.error = asAppError(e);
    } finally {
      this.refreshing = false;
      if (this.again) {
        this.again = false;
        void this.refresh();
      }
    }
  }

  /** An event arrived: refresh soon, coalescing bursts. */
  poke(delay = 300): void {
    if (this.pending) return;
    this.pending = setTimeout(() => {
      this.pending = null;
      void this.refresh();
    }, delay);
  }

  stop(): void {
    if (this.pending) clearTimeout(this.pending);
    this.pending = null;
  }

  addSample(m: RealtimeMetrics): void {
    const t = this.now();
    const byQueue: Record<string, number> = {};
    let total = 0;
    for (const r of m.queues ?? []) {
      if (!r.queueId) continue;
      byQueue[r.queueId] = r.contactsInQueue;
      total += r.contactsInQueue;
    }
    const keep = this.samples.filter((s) => s.t >= t - HOUR);
    keep.push({ t, total, byQueue });
    this.samples = keep;
  }

  get queueRows(): RealtimeRow[] {
    const rows = (this.metrics?.queues ?? []).filter((r) => r.queueId);
    const f = filterRows(rows, this.queueFilter, (r) => this.names.queue(r.queueId ?? ''));
    return sortRows(f, this.queueSort, (r, k) => (k === 'queue' ? this.names.queue(r.queueId ?? '') : (r[k] as number)));
  }

  agentValue(a: LiveAgent, k: AgentKey, now: number): string | number {
    switch (k) {
      case 'agent':
        return this.names.user(a.agentId);
      case 'state':
        return a.state;
      case 'status':
        return a.snapshot?.status?.name ?? '';
      case 'time':
        return now - Date.parse(a.snapshot?.status?.startTimestamp ?? '') || 0;
      case 'contacts':
        return a.snapshot?.contacts?.length ?? 0;
    }
  }

  agentRows(now: number): LiveAgent[] {
    const f = filterRows(this.agents, this.agentFilter, (a) =>
      [this.names.user(a.agentId), a.state, a.snapshot?.status?.name ?? ''].join(' '),
    );
    return sortRows(f, this.agentSort, (a, k) => this.agentValue(a, k, now));
  }

  sortQueues(k: QueueKey): void {
    this.queueSort = toggleSort(this.queueSort, k);
  }

  sortAgents(k: AgentKey): void {
    this.agentSort = toggleSort(this.agentSort, k);
  }

  async setAgentStatus(agentId: string, statusId: string): Promise<boolean> {
    this.actionError = null;
    try {
      const la = await this.backend.SetAgentStatus(agentId, statusId);
      this.agents = this.agents.map((a) => (a.agentId === agentId ? la : a));
      this.poke();
      return true;
    } catch (e) {
      this.actionError = asAppError(e);
      return false;
    }
  }
}

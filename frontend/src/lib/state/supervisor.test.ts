import { describe, expect, it, vi } from 'vitest';
import { HOUR, Supervisor } from './supervisor.svelte';
import { agentSnapshot, fakeBackend } from '../fake-backend';

const metrics = (inQueue: number[]) => ({
  at: '',
  queues: [
    { queueId: 'q1', contactsInQueue: inQueue[0], agentsOnline: 2, agentsAvailable: 1, agentsOnContact: 1, agentsAfterContactWork: 0, oldestContactAgeSeconds: 5 },
    { queueId: 'q2', contactsInQueue: inQueue[1], agentsOnline: 1, agentsAvailable: 0, agentsOnContact: 0, agentsAfterContactWork: 0, oldestContactAgeSeconds: 0 },
    { contactsInQueue: 99 }, // a summary row without queue
  ],
  queueChannels: [], routingProfiles: [], channels: [],
});
const names = { queue: (id: string) => ({ q1: 'Sales', q2: 'Billing' })[id] ?? id, user: (id: string) => ({ u1: 'Alex', u2: 'Blair' })[id] ?? id };

describe('Supervisor store', () => {
  it('refreshes metrics and agents and samples contacts in queue', async () => {
    let now = 1_000_000;
    const b = fakeBackend({ CurrentMetrics: () => metrics([3, 1]), LiveAgents: () => [agentSnapshot('Available'), { ...agentSnapshot('Break'), agentId: 'u2' }] });
    const s = new Supervisor(b, names, () => now);
    await s.refresh();
    expect(s.queueRows.map((r) => r.queueId)).toEqual(['q1', 'q2']); // in queue, descending
    expect(s.samples).toEqual([{ t: now, total: 4, byQueue: { q1: 3, q2: 1 } }]);
    now += HOUR + 1;
    await s.refresh();
    expect(s.samples.length).toBe(1); // older than an hour dropped
  });

  it('sorts and filters both tables', async () => {
    const b = fakeBackend({ CurrentMetrics: () => metrics([3, 1]), LiveAgents: () => [agentSnapshot('Available'), { ...agentSnapshot('Break'), agentId: 'u2' }] });
    const s = new Supervisor(b, names, () => 0);
    await s.refresh();
    s.sortQueues('queue');
    expect(s.queueRows.map((r) => names.queue(r.queueId!))).toEqual(['Billing', 'Sales']);
    s.sortQueues('queue');
    expect(s.queueRows.map((r) => names.queue(r.queueId!))).toEqual(['Sales', 'Billing']);
    s.queueFilter = 'bil';
    expect(s.queueRows.length).toBe(1);
    expect(s.agentRows(0).map((a) => a.agentId)).toEqual(['u1', 'u2']);
    s.sortAgents('agent');
    expect(s.agentRows(0).map((a) => a.agentId)).toEqual(['u2', 'u1']);
    s.agentFilter = 'break';
    expect(s.agentRows(0).map((a) => a.agentId)).toEqual(['u2']);
  });

  it('coalesces refreshes when events arrive in bursts', async () => {
    vi.useFakeTimers();
    const b = fakeBackend();
    const s = new Supervisor(b, names);
    for (let i = 0; i < 10; i++) s.poke();
    await vi.advanceTimersByTimeAsync(400);
    expect(b.calls.filter((c) => c[0] === 'CurrentMetrics').length).toBe(1);
    vi.useRealTimers();
  });

  it('sets an agent status and reports a refusal by code', async () => {
    const b = fakeBackend({ SetAgentStatus: () => { throw { code: 'forbidden', permission: 'Users.Edit' }; } });
    const s = new Supervisor(b, names);
    expect(await s.setAgentStatus('u1', 's-break')).toBe(false);
    expect(s.actionError).toEqual({ code: 'forbidden', permission: 'Users.Edit' });
  });
});

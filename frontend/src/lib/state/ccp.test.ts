import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CCP } from './ccp.svelte';
import { agentSnapshot, fakeBackend, session } from '../fake-backend';
import { Events } from '../bridge';

const offered = {
  contactId: 'c1', channel: 'CHAT', state: 'INCOMING', stateStartTimestamp: '2026-01-01T10:00:30Z', queueId: 'q1',
};

describe('CCP store', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('loads remembered settings and signs in', async () => {
    const b = fakeBackend();
    const ccp = new CCP(b);
    await ccp.init();
    expect(ccp.address).toBe('http://127.0.0.1:8080');
    expect(ccp.username).toBe('agent1');
    expect(await ccp.signIn('secret')).toBe(true);
    expect(b.calls.find((c) => c[0] === 'SignIn')?.[1]).toEqual(['http://127.0.0.1:8080', 'agent1', 'secret']);
    expect(ccp.signedIn).toBe(true);
    expect(ccp.statuses.map((s) => s.name)).toEqual(['Available', 'Break', 'Offline']);
    expect(ccp.currentStatus?.name).toBe('Offline');
    expect(ccp.view).toBe('agent');
  });

  it('keeps the error code of a failed sign-in', async () => {
    const b = fakeBackend({ SignIn: () => { throw { code: 'unauthorized', message: 'x' }; } });
    const ccp = new CCP(b);
    expect(await ccp.signIn('bad')).toBe(false);
    expect(ccp.signInError?.code).toBe('unauthorized');
    expect(ccp.signedIn).toBe(false);
  });

  it('opens the supervisor view for a supervisor who cannot take contacts', async () => {
    const b = fakeBackend({
      SignIn: () => session({ isSupervisor: true, agent: undefined, agentError: { code: 'invalid', message: '' } as any }),
    });
    const ccp = new CCP(b);
    await ccp.signIn('x');
    expect(ccp.view).toBe('supervisor');
  });

  it('follows agent events and reloads the routing state', async () => {
    const b = fakeBackend({ Agent: () => agentSnapshot('Available') });
    const ccp = new CCP(b);
    await ccp.init();
    await ccp.signIn('x');
    b.emit(Events.stream, { type: 'agent', seq: 7, agent: { type: 'STATE_CHANGE', agentId: 'u1', timestamp: '', current: agentSnapshot('Available').snapshot } });
    expect(ccp.currentStatus?.name).toBe('Available');
    expect(ccp.lastSeq).toBe(7);
    await vi.advanceTimersByTimeAsync(200);
    expect(b.calls.some((c) => c[0] === 'Agent')).toBe(true);
    expect(ccp.agent?.state).toBe('AVAILABLE');
  });

  it('ignores other agents events', async () => {
    const b = fakeBackend();
    const ccp = new CCP(b);
    await ccp.init();
    await ccp.signIn('x');
    b.emit(Events.stream, { type: 'agent', seq: 8, agent: { type: 'STATE_CHANGE', agentId: 'u2', timestamp: '', current: agentSnapshot('Break').snapshot } });
    expect(ccp.currentStatus?.name).toBe('Offline');
  });

  it('shows an incoming contact with its queue and wait time, accepts with Ctrl+Shift+A', async () => {
    const b = fakeBackend();
    const ccp = new CCP(b);
    await ccp.init();
    await ccp.signIn('x');
    b.emit(Events.stream, { type: 'contact', seq: 1, contact: { type: 'QUEUED', contactId: 'c1', channel: 'CHAT', state: 'QUEUED', queueId: 'q1', timestamp: '2026-01-01T10:00:00Z' } });
    b.emit(Events.stream, { type: 'contact', seq: 2, contact: { type: 'OFFERED', contactId: 'c1', channel: 'CHAT', state: 'INCOMING', queueId: 'q1', agentId: 'u1', timestamp: '2026-01-01T10:00:30Z' } });
    b.emit(Events.stream, { type: 'agent', seq: 3, agent: { type: 'STATE_CHANGE', agentId: 'u1', timestamp: '', current: agentSnapshot('Available', {}, [offered]).snapshot } });
    const c = ccp.incoming!;
    expect(c.contactId).toBe('c1');
    expect(ccp.queueName(c.queueId)).toBe('Sales');
    expect(c.queuedAt).toBe('2026-01-01T10:00:00Z');
    expect(c.offeredAt).toBe('2026-01-01T10:00:30Z');
    const handled = ccp.handleKey(new KeyboardEvent('keydown', { key: 'A', ctrlKey: true, shiftKey: true }));
    expect(handled).toBe(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(b.calls.find((x) => x[0] === 'AcceptContact')?.[1]).toEqual(['c1']);
  });

  it('rejects with Ctrl+Shift+D and ignores shortcuts without an offer', async () => {
    const b = fakeBackend();
    const ccp = new CCP(b);
    await ccp.init();
    await ccp.signIn('x');
    expect(ccp.handleKey(new KeyboardEvent('keydown', { key: 'd', ctrlKey: true, shiftKey: true }))).toBe(false);
    b.emit(Events.stream, { type: 'agent', seq: 3, agent: { type: 'STATE_CHANGE', agentId: 'u1', timestamp: '', current: agentSnapshot('Available', {}, [offered]).snapshot } });
    expect(ccp.handleKey(new KeyboardEvent('keydown', { key: 'd', ctrlKey: true, shiftKey: true }))).toBe(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(b.calls.find((x) => x[0] === 'RejectContact')?.[1]).toEqual(['c1']);
    expect(ccp.handleKey(new KeyboardEvent('keydown', { key: 'd', ctrlKey: true }))).toBe(false);
  });

  it('keeps after-contact notes per contact and clears them with the contact', async () => {
    const b = fakeBackend();
    const ccp = new CCP(b);
    await ccp.signIn('x');
    ccp.setNotes('c1', { notes: 'called back' });
    ccp.setNotes('c1', { disposition: 'resolved' });
    expect(ccp.notesFor('c1')).toEqual({ notes: 'called back', disposition: 'resolved' });
    expect(await ccp.clear('c1')).toBe(true);
    expect(ccp.notesFor('c1')).toEqual({ notes: '', disposition: '' });
  });

  it('shows the next status while on a contact', async () => {
    const b = fakeBackend();
    const ccp = new CCP(b);
    await ccp.signIn('x');
    ccp.agent = agentSnapshot('Available', {}, [{ ...offered, state: 'CONNECTED' }]);
    ccp.agent.snapshot!.nextStatus = 's-break';
    expect(ccp.nextStatusName).toBe('Break');
    expect(ccp.onContact).toBe(true);
  });

  it('tracks the connection, resyncs, and signs out when the session expired', async () => {
    const b = fakeBackend();
    const ccp = new CCP(b);
    await ccp.init();
    await ccp.signIn('x');
    b.emit(Events.connection, { state: 'lost', code: 'unreachable', attempt: 1, retryMs: 500 });
    expect(ccp.connection.state).toBe('lost');
    b.emit(Events.resync, null);
    await vi.advanceTimersByTimeAsync(0);
    expect(b.calls.filter((c) => c[0] === 'Agent').length).toBe(1);
    b.emit(Events.connection, { state: 'expired', code: 'unauthorized' });
    expect(ccp.signedIn).toBe(false);
    expect(ccp.signInError?.code).toBe('unauthorized');
  });

  it('goes online again when a restart logged the agent out of routing', async () => {
    const b = fakeBackend({ Agent: () => { throw { code: 'not_found' }; } });
    const ccp = new CCP(b);
    await ccp.init();
    await ccp.signIn('x');
    b.emit(Events.resync, null);
    await vi.advanceTimersByTimeAsync(0);
    expect(b.calls.some((c) => c[0] === 'GoOnline')).toBe(true);
    expect(ccp.agent?.snapshot?.status?.name).toBe('Offline');
  });

  it('stays signed in when sign-out is refused', async () => {
    const b = fakeBackend({ SignOut: () => { throw { code: 'conflict', message: 'contacts remain' }; } });
    const ccp = new CCP(b);
    await ccp.signIn('x');
    await ccp.signOut();
    expect(ccp.signedIn).toBe(true);
    expect(ccp.actionError?.code).toBe('conflict');
  });
});

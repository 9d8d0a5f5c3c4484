// A fake Backend for unit tests: records calls, returns canned answers, lets tests emit events.
import type { Backend, LiveAgent, SessionInfo } from './bridge';

export interface FakeBackend extends Backend {
  calls: Array<[string, unknown[]]>;
  emit(event: string, data: unknown): void;
  answers: Record<string, (...args: any[]) => unknown>;
}

export function agentSnapshot(status: string, extra: Partial<LiveAgent> = {}, contacts: any[] = []): LiveAgent {
  return {
    agentId: 'u1',
    state: status === 'Available' ? 'AVAILABLE' : status === 'Offline' ? 'OFFLINE' : 'CUSTOM',
    snapshot: {
      status: { id: 's-' + status.toLowerCase(), name: status, type: status === 'Available' ? 'ROUTABLE' : 'CUSTOM', startTimestamp: '2026-01-01T10:00:00Z' },
      contacts,
    },
    ...extra,
  } as LiveAgent;
}

export const statuses = [
  { id: 's-available', name: 'Available', type: 'ROUTABLE', displayOrder: 1, enabled: true },
  { id: 's-break', name: 'Break', type: 'CUSTOM', displayOrder: 2, enabled: true },
  { id: 's-offline', name: 'Offline', type: 'OFFLINE', displayOrder: 9, enabled: true },
];

export function session(over: Partial<SessionInfo> = {}): SessionInfo {
  return {
    backendUrl: 'http://127.0.0.1:8080',
    user: { id: 'u1', username: 'agent1', firstName: 'Alex', lastName: 'Agent', securityProfileIds: [] },
    permissions: ['BasicAgentAccess'],
    expiresAt: '2026-01-02T00:00:00Z',
    isAgent: true,
    isSupervisor: false,
    canSetAgentStatus: false,
    agent: agentSnapshot('Offline'),
    ...over,
  } as SessionInfo;
}

export function fakeBackend(answers: Record<string, (...args: any[]) => unknown> = {}): FakeBackend {
  const listeners: Record<string, Array<(d: unknown) => void>> = {};
  const calls: Array<[string, unknown[]]> = [];
  const defaults: Record<string, (...args: any[]) => unknown> = {
    GetSettings: () => ({ backendUrl: 'http://127.0.0.1:8080', username: 'agent1', audio: { microphone: '', speaker: '', ringer: '' } }),
    SignIn: () => session(),
    SignOut: () => undefined,
    GetDirectory: () => ({ queues: { q1: 'Sales' }, users: { u1: 'Alex Agent (agent1)', u2: 'Blair Agent (agent2)' } }),
    Agent: () => agentSnapshot('Offline'),
    GoOnline: () => agentSnapshot('Offline'),
    AgentStatuses: () => statuses,
    SetStatus: (id: string) => agentSnapshot(statuses.find((s) => s.id === id)!.name),
    AcceptContact: () => undefined,
    RejectContact: () => undefined,
    ClearContact: () => undefined,
    ContactDetails: (id: string, channel: string) => ({ id, channel, partial: true }),
    LiveAgents: () => [],
    CurrentMetrics: () => ({ at: '', queues: [], queueChannels: [], routingProfiles: [], channels: [] }),
    SetAgentStatus: () => agentSnapshot('Break'),
    ReportReady: () => undefined,
    ShowWindow: () => undefined,
    AudioDevices: () => [],
    PlayTestTone: () => undefined,
    StartLevelMeter: () => undefined,
    StopLevelMeter: () => undefined,
    SoftphoneStatus: () => ({ available: false, registered: false, inCall: false, muted: false, reason: 'softphone.signedOut' }),
    MuteCall: (on: boolean) => ({ available: true, registered: true, inCall: true, muted: on, call: 'connected' }),
    HoldCall: () => undefined,
    ResumeCall: () => undefined,
    HangupCall: () => undefined,
    SendDigits: () => undefined,
    TransferCall: () => 'c-next',
    TransferTargets: () => ({
      queues: [{ id: 'q1', name: 'Sales' }, { id: 'q2', name: 'Support' }],
      quickConnects: [{ id: 'qc1', name: 'Billing desk', type: 'QUEUE' }],
      agents: [],
    }),
  };
  const all = { ...defaults, ...answers };
  const b: any = {
    calls,
    answers: all,
    on(event: string, cb: (d: unknown) => void) {
      (listeners[event] ??= []).push(cb);
      return () => {
        listeners[event] = listeners[event].filter((x) => x !== cb);
      };
    },
    emit(event: string, data: unknown) {
      for (const cb of listeners[event] ?? []) cb(data);
    },
  };
  for (const name of Object.keys(all)) {
    b[name] = async (...args: unknown[]) => {
      calls.push([name, args]);
      return all[name](...args);
    };
  }
  return b as FakeBackend;
}

// The one module that touches the generated Wails bindings (../../wailsjs, never edited by
// hand: `wails generate module`). Stores take a Backend, so tests pass a fake.
import * as Go from '../../wailsjs/go/app/App';
import { EventsOn } from '../../wailsjs/runtime/runtime';
import type { api, app, audio } from '../../wailsjs/go/models';

export type LiveAgent = api.LiveAgent;
export type AgentStatus = api.AgentStatus;
export type RealtimeMetrics = api.RealtimeMetrics;
export type RealtimeRow = api.RealtimeRow;
export type SessionInfo = app.SessionInfo;
export type Settings = app.Settings;
export type AudioSettings = app.AudioSettings;
export type Directory = app.Directory;
export type DeviceInfo = audio.DeviceInfo;
export type SoftphoneState = app.SoftphoneState;
export type ContactDetails = app.ContactDetails;
export type TransferTargets = app.TransferTargets;
export type TransferOption = app.TransferOption;
export type TransferTarget = api.VoiceTransferRequest;

// Wire shapes of the event stream (backend/api/events.go).
export interface ContactEvent {
  type: string;
  timestamp: string;
  contactId: string;
  initialContactId?: string;
  previousContactId?: string;
  nextContactId?: string;
  channel: string;
  initiationMethod?: string;
  state: string;
  queueId?: string;
  agentId?: string;
  disconnectReason?: string;
}
export interface AgentEvent {
  type: string;
  timestamp: string;
  agentId: string;
  current?: api.AgentSnapshot;
  previous?: api.AgentSnapshot;
}
export interface StreamEvent {
  type: 'contact' | 'agent' | 'resync' | string;
  seq?: number;
  timestamp?: string;
  contact?: ContactEvent;
  agent?: AgentEvent;
}
export interface Connection {
  state: 'connecting' | 'connected' | 'lost' | 'closed' | 'expired';
  code?: string;
  attempt?: number;
  retryMs?: number;
}
export interface AudioLevel {
  rms: number;
  peak: number;
  error?: AppError;
}

// AppError is what a binding's promise rejects with (app.Error through Wails' ErrorFormatter).
export interface AppError {
  code: string;
  message?: string;
  field?: string;
  permission?: string;
  status?: number;
}

export function asAppError(e: unknown): AppError {
  if (e && typeof e === 'object' && 'code' in e) return e as AppError;
  return { code: 'internal', message: String(e) };
}

export const Events = {
  stream: 'parley:event',
  connection: 'parley:connection',
  resync: 'parley:resync',
  audioLevel: 'audio:level',
  notify: 'parley:notify',
  softphone: 'softphone:state',
  callLevel: 'softphone:level',
} as const;

export interface Backend {
  GetSettings(): Promise<Settings>;
  SaveAudioSettings(s: AudioSettings): Promise<Settings>;
  SignIn(address: string, username: string, password: string): Promise<SessionInfo>;
  SignOut(): Promise<void>;
  GetDirectory(): Promise<Directory>;
  Agent(): Promise<LiveAgent>;
  GoOnline(): Promise<LiveAgent>;
  AgentStatuses(): Promise<AgentStatus[]>;
  SetStatus(id: string): Promise<LiveAgent>;
  AcceptContact(id: string): Promise<void>;
  RejectContact(id: string): Promise<void>;
  ClearContact(id: string): Promise<void>;
  ContactDetails(id: string, channel: string): Promise<ContactDetails>;
  LiveAgents(): Promise<LiveAgent[]>;
  CurrentMetrics(): Promise<RealtimeMetrics>;
  SetAgentStatus(agentId: string, statusId: string): Promise<LiveAgent>;
  ReportReady(view: string): Promise<void>;
  ShowWindow(): Promise<void>;
  AudioDevices(): Promise<DeviceInfo[]>;
  PlayTestTone(device: string): Promise<void>;
  StartLevelMeter(device: string): Promise<void>;
  StopLevelMeter(): Promise<void>;
  SoftphoneStatus(): Promise<SoftphoneState>;
  MuteCall(on: boolean): Promise<SoftphoneState>;
  HoldCall(id: string): Promise<void>;
  ResumeCall(id: string): Promise<void>;
  HangupCall(id: string): Promise<void>;
  SendDigits(id: string, digits: string): Promise<void>;
  TransferCall(id: string, target: TransferTarget): Promise<string>;
  TransferTargets(): Promise<TransferTargets>;
  on(event: string, cb: (data: any) => void): () => void;
}

export const wails: Backend = {
  ...(Go as unknown as Omit<Backend, 'on'>),
  on: (event, cb) => EventsOn(event, cb),
};

// The CCP's UI state: session, agent status, contacts and the connection, fed by the Go
// bindings and the event stream. No business rules: the backend decides, this mirrors.
import {
  asAppError,
  Events,
  type AgentStatus,
  type AppError,
  type Backend,
  type Connection,
  type ContactDetails,
  type ContactEvent,
  type AudioLevel,
  type Directory,
  type LiveAgent,
  type SessionInfo,
  type SoftphoneState,
  type StreamEvent,
  type TransferTarget,
  type TransferTargets,
} from '../bridge';

export type View = 'agent' | 'supervisor' | 'audio';

export interface ContactView {
  contactId: string;
  channel: string;
  state: string; // INCOMING, CONNECTING, CONNECTED, CONNECTED_ONHOLD, ENDED (ACW), ...
  stateStart: string;
  queueId?: string;
  initiationMethod?: string;
  previousContactId?: string;
  queuedAt?: string; // when the contact entered the queue, when the stream showed it
  offeredAt?: string;
}

export interface AcwNotes {
  notes: string;
  disposition: string;
}

export const dispositions = ['resolved', 'followUp', 'escalated', 'noAnswer'] as const;

export class CCP {
  // sign-in form
  address = $state('');
  username = $state('');
  signingIn = $state(false);
  signInError = $state<AppError | null>(null);

  session = $state<SessionInfo | null>(null);
  view = $state<View>('agent');
  agent = $state<LiveAgent | null>(null);
  agentError = $state<AppError | null>(null);
  statuses = $state<AgentStatus[]>([]);
  statusesError = $state<AppError | null>(null);
  directory = $state<Directory>({ queues: {}, users: {} } as Directory);
  connection = $state<Connection>({ state: 'connecting' });
  actionError = $state<AppError | null>(null);
  busy = $state<Record<string, boolean>>({});
  now = $state(Date.now());
  acw = $state<Record<string, AcwNotes>>({});
  // what the event stream told about contacts, by ID (queue entry time, previous contact ...)
  contactInfo = $state<Record<string, Partial<ContactView>>>({});
  lastSeq = $state(0);
  // screen pops (ContactDetails), by contact ID
  details = $state<Record<string, ContactDetails>>({});
  private detailsAsked = new Set<string>();
  // the softphone (registration and the current call) and the microphone during a call
  phone = $state<SoftphoneState>({ available: false, registered: false, inCall: false, muted: false } as SoftphoneState);
  callLevel = $state<AudioLevel>({ rms: -96, peak: -96 });
  transferTargets = $state<TransferTargets | null>(null);
  // digits sent on the current call, shown under the keypad
  sentDigits = $state('');
  // the agent went online in this session and has not signed out: a logout from routing they
  // did not ask for (a backend restart) is undone by going online again
  wantOnline = false;

  private offs: Array<() => void> = [];
  private reloadTimer: ReturnType<typeof setTimeout> | null = null;
  private listeners = new Set<(ev: StreamEvent) => void>();

  constructor(private backend: Backend) {}

  get signedIn(): boolean {
    return this.session !== null;
  }

  get me(): string {
    return this.session?.user.id ?? '';
  }

  get contacts(): ContactView[] {
    const cs = this.agent?.snapshot?.contacts ?? [];
    return cs.map((c) => {
      const info = this.contactInfo[c.contactId] ?? {};
      return {
        ...info,
        contactId: c.contactId,
        channel: c.channel,
        state: c.state,
        stateStart: c.stateStartTimestamp,
        queueId: c.queueId || info.queueId,
        initiationMethod: c.initiationMethod || info.initiationMethod,
      };
    });
  }

  get incoming(): ContactView | undefined {
    return this.contacts.find((c) => c.state === 'INCOMING');
  }

  get onContact(): boolean {
    return this.contacts.length > 0;
  }

  get currentStatus() {
    return this.agent?.snapshot?.status ?? null;
  }

  get nextStatusName(): string {
    const id = this.agent?.snapshot?.nextStatus;
    if (!id) return '';
    return this.statuses.find((s) => s.id === id)?.name ?? id;
  }

  queueName(id: string | undefined): string {
    if (!id) return '';
    return this.directory.queues?.[id] ?? id;
  }

  userName(id: string): string {
    return this.directory.users?.[id] ?? id;
  }

  /** Subscribe to stream events (the supervisor view refreshes on them). */
  onStreamEvent(cb: (ev: StreamEvent) => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  async init(): Promise<void> {
    try {
      const s = await this.backend.GetSettings();
      this.address = s.backendUrl ?? '';
      this.username = s.username ?? '';
    } catch {
      /* no settings yet */
    }
    this.offs.push(
      this.backend.on(Events.stream, (ev: StreamEvent) => this.applyEvent(ev)),
      this.backend.on(Events.connection, (c: Connection) => this.setConnection(c)),
      this.backend.on(Events.resync, () => void this.reloadAgent()),
      this.backend.on(Events.softphone, (st: SoftphoneState) => this.setPhone(st)),
      this.backend.on(Events.callLevel, (l: AudioLevel) => (this.callLevel = l)),
    );
  }

  setPhone(st: SoftphoneState): void {
    // the newest state wins: SoftphoneStatus's answer may arrive after a newer event
    if ((st.seq ?? 0) < (this.phone.seq ?? 0)) return;
    if (st.call !== 'connected' || st.contactId !== this.phone.contactId) this.sentDigits = '';
    this.phone = st;
  }

  async loadPhone(): Promise<void> {
    try {
      this.setPhone(await this.backend.SoftphoneStatus());
    } catch {
      /* the events will tell */
    }
  }

  /** The softphone rings for this contact. */
  ringing(contactId: string): boolean {
    return this.phone.call === 'ringing' && this.phone.contactId === contactId;
  }

  /** The softphone's call is this contact's. */
  onCall(contactId: string): boolean {
    return this.phone.call === 'connected' && this.phone.contactId === contactId;
  }

  mute(on: boolean): Promise<boolean> {
    return this.act('mute', async () => {
      this.setPhone(await this.backend.MuteCall(on));
    });
  }

  hold(id: string): Promise<boolean> {
    return this.withReload('hold:' + id, () => this.backend.HoldCall(id));
  }

  resume(id: string): Promise<boolean> {
    return this.withReload('resume:' + id, () => this.backend.ResumeCall(id));
  }

  hangup(id: string): Promise<boolean> {
    return this.withReload('hangup:' + id, () => this.backend.HangupCall(id));
  }

  /** Send one keypad digit to the customer; digits pressed quickly are sent in order. */
  sendDigit(id: string, digit: string): Promise<boolean> {
    const next = this.dtmfChain.then(async () => {
      const ok = await this.act('dtmf:' + id, () => this.backend.SendDigits(id, digit));
      if (ok) this.sentDigits = (this.sentDigits + digit).slice(-20);
      return ok;
    });
    this.dtmfChain = next.then(() => undefined);
    return next;
  }
  private dtmfChain: Promise<void> = Promise.resolve();

  async loadTransferTargets(): Promise<void> {
    await this.act('targets', async () => {
      this.transferTargets = await this.backend.TransferTargets();
    });
  }

  transfer(id: string, target: TransferTarget): Promise<boolean> {
    return this.withReload('transfer:' + id, () => this.backend.TransferCall(id, target));
  }

  private async withReload(key: string, fn: () => Promise<unknown>): Promise<boolean> {
    const ok = await this.act(key, fn);
    if (ok) this.scheduleReload();
    return ok;
  }

  dispose(): void {
    for (const off of this.offs) off();
    this.offs = [];
  }

  tick(now = Date.now()): void {
    this.now = now;
  }

  async signIn(password: string): Promise<boolean> {
    this.signInError = null;
    this.signingIn = true;
    try {
      const s = await this.backend.SignIn(this.address, this.username, password);
      this.session = s;
      this.agent = s.agent ?? null;
      this.agentError = s.agentError ?? null;
      this.wantOnline = !!s.agent;
      this.view = s.isAgent && !s.agentError ? 'agent' : s.isSupervisor ? 'supervisor' : 'agent';
      this.connection = { state: 'connecting' };
      this.address = s.backendUrl;
      await Promise.all([this.loadStatuses(), this.loadDirectory(), this.loadPhone()]);
      return true;
    } catch (e) {
      this.signInError = asAppError(e);
      return false;
    } finally {
      this.signingIn = false;
    }
  }

  async signOut(): Promise<void> {
    this.actionError = null;
    try {
      await this.backend.SignOut();
    } catch (e) {
      this.actionError = asAppError(e);
      return; // e.g. conflict: contacts remain; stay signed in
    }
    this.clearSession();
  }

  /** Load the screen pop of a contact once. */
  async ensureDetails(id: string, channel: string): Promise<void> {
    if (this.detailsAsked.has(id)) return;
    this.detailsAsked.add(id);
    try {
      const d = await this.backend.ContactDetails(id, channel);
      this.details = { ...this.details, [id]: d };
    } catch {
      this.detailsAsked.delete(id); // try again on the next change
    }
  }

  private clearSession(): void {
    this.wantOnline = false;
    this.details = {};
    this.detailsAsked.clear();
    this.session = null;
    this.agent = null;
    this.statuses = [];
    this.acw = {};
    this.contactInfo = {};
    this.connection = { state: 'connecting' };
    this.transferTargets = null;
    this.sentDigits = '';
  }

  async loadStatuses(): Promise<void> {
    if (!this.session?.isAgent && !this.session?.isSupervisor) return;
    try {
      this.statuses = await this.backend.AgentStatuses();
      this.statusesError = null;
    } catch (e) {
      this.statusesError = asAppError(e);
    }
  }

  async loadDirectory(): Promise<void> {
    try {
      this.directory = await this.backend.GetDirectory();
    } catch {
      /* names fall back to IDs */
    }
  }

  async reloadAgent(): Promise<void> {
    if (!this.session?.isAgent || this.agentError) return;
    try {
      this.agent = await this.backend.Agent();
    } catch (e) {
      const err = asAppError(e);
      if (err.code === 'not_found') {
        // logged out of routing behind our back (a backend restart): go online again, as
        // Offline, so the agent is back in routing without being offered contacts unasked
        this.agent = null;
        if (this.wantOnline) await this.goOnline();
      } else this.actionError = err;
    }
  }

  private scheduleReload(): void {
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
    this.reloadTimer = setTimeout(() => {
      this.reloadTimer = null;
      void this.reloadAgent();
    }, 150);
  }

  setConnection(c: Connection): void {
    this.connection = c;
    if (c.state === 'expired') {
      this.clearSession();
      this.signInError = { code: 'unauthorized' };
    }
  }

  applyEvent(ev: StreamEvent): void {
    if (ev.seq && ev.seq > this.lastSeq) this.lastSeq = ev.seq;
    if (ev.agent && ev.agent.agentId === this.me) {
      if (ev.agent.type === 'LOGOUT') {
        this.agent = null;
      } else if (ev.agent.current) {
        const state = this.agent?.state ?? 'OFFLINE';
        this.agent = { agentId: this.me, state, snapshot: ev.agent.current } as LiveAgent;
      }
      this.scheduleReload(); // the event has the snapshot; the routing state comes from GET /v1/agent
    }
    if (ev.contact) this.noteContact(ev.contact);
    for (const l of this.listeners) l(ev);
  }

  private noteContact(c: ContactEvent): void {
    const cur = { ...(this.contactInfo[c.contactId] ?? {}) };
    cur.channel = c.channel;
    if (c.queueId) cur.queueId = c.queueId;
    if (c.initiationMethod) cur.initiationMethod = c.initiationMethod;
    if (c.previousContactId) cur.previousContactId = c.previousContactId;
    if (c.type === 'QUEUED' && !cur.queuedAt) cur.queuedAt = c.timestamp;
    if (c.type === 'OFFERED') cur.offeredAt = c.timestamp;
    this.contactInfo = { ...this.contactInfo, [c.contactId]: cur };
  }

  private async act(key: string, fn: () => Promise<unknown>): Promise<boolean> {
    if (this.busy[key]) return false;
    this.busy = { ...this.busy, [key]: true };
    this.actionError = null;
    try {
      const r = await fn();
      if (r && typeof r === 'object' && 'agentId' in (r as object)) this.agent = r as LiveAgent;
      return true;
    } catch (e) {
      this.actionError = asAppError(e);
      return false;
    } finally {
      const { [key]: _, ...rest } = this.busy;
      this.busy = rest;
    }
  }

  setStatus(statusId: string): Promise<boolean> {
    return this.act('status', () => this.backend.SetStatus(statusId));
  }

  async goOnline(): Promise<boolean> {
    const ok = await this.act('online', () => this.backend.GoOnline());
    if (ok) this.wantOnline = true;
    return ok;
  }

  async accept(id?: string): Promise<boolean> {
    const c = id ?? this.incoming?.contactId;
    if (!c) return false;
    const ok = await this.act('accept:' + c, () => this.backend.AcceptContact(c));
    if (ok) this.scheduleReload();
    return ok;
  }

  async reject(id?: string): Promise<boolean> {
    const c = id ?? this.incoming?.contactId;
    if (!c) return false;
    const ok = await this.act('reject:' + c, () => this.backend.RejectContact(c));
    if (ok) this.scheduleReload();
    return ok;
  }

  async clear(id: string): Promise<boolean> {
    const ok = await this.act('clear:' + id, () => this.backend.ClearContact(id));
    if (ok) {
      const { [id]: _, ...rest } = this.acw;
      this.acw = rest;
      this.scheduleReload();
    }
    return ok;
  }

  notesFor(id: string): AcwNotes {
    return this.acw[id] ?? { notes: '', disposition: '' };
  }

  setNotes(id: string, patch: Partial<AcwNotes>): void {
    this.acw = { ...this.acw, [id]: { ...this.notesFor(id), ...patch } };
  }

  /** Keyboard shortcuts: Ctrl+Shift+A accepts, Ctrl+Shift+D rejects the incoming contact. */
  handleKey(e: KeyboardEvent): boolean {
    if (!e.ctrlKey || !e.shiftKey || e.altKey || e.metaKey) return false;
    const k = e.key.toLowerCase();
    if (k === 'a' && this.incoming) {
      void this.accept();
      return true;
    }
    if (k === 'd' && this.incoming) {
      void this.reject();
      return true;
    }
    return false;
  }
}
